//! Bitmap commands on strings (Redis's `bitops.c`): SETBIT, GETBIT,
//! BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO. Bit 0 is the most
//! significant bit of the first byte. Writers grow the string with zero
//! bytes up to the highest bit they touch (never past
//! `proto-max-bulk-len`, checked when the offset is parsed) and leave it
//! raw-encoded, as Redis's `dbUnshareStringValue` does.

use std::borrow::Cow;

use super::table::flags::*;
use super::table::{CommandDef, KEY1, c};
use super::{Args, Ctx, Replied, arg_i64, notify};
use crate::db::{Encoding, Kind, Value};
use crate::resp::reply::Reply;
use crate::util::number::parse_i64;

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("bitcount", -2, READONLY, KEY1, "bitmap", bitcount),
    c("bitfield", -2, WRITE | DENYOOM, KEY1, "bitmap", bitfield),
    c("bitfield_ro", -2, READONLY | FAST, KEY1, "bitmap", bitfield_ro),
    c("bitop", -4, WRITE | DENYOOM, (2, -1, 1), "bitmap", bitop),
    c("bitpos", -3, READONLY, KEY1, "bitmap", bitpos),
    c("getbit", 3, READONLY | FAST, KEY1, "bitmap", getbit),
    c("setbit", 4, WRITE | DENYOOM, KEY1, "bitmap", setbit),
];

const BIT_OFFSET_ERR: &[u8] = b"ERR bit offset is not an integer or out of range";
const BIT_VALUE_ERR: &[u8] = b"ERR bit is not an integer or out of range";
const BITFIELD_TYPE_ERR: &[u8] =
    b"ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

// ---- helpers ----------------------------------------------------------------------

/// Parses a bit offset (`getBitOffsetFromArgument`). With `hash_bits` (a
/// BITFIELD type's width), `#N` means bit N * width. The offset must be
/// non-negative and address a byte below `proto-max-bulk-len`, so no
/// write can grow a string past it.
fn bit_offset(ctx: &mut Ctx, arg: &[u8], hash_bits: Option<u32>) -> Result<u64, Replied> {
    let (digits, bits) = match (arg.first(), hash_bits) {
        (Some(b'#'), Some(bits)) => (&arg[1..], Some(bits)),
        _ => (arg, None),
    };
    let parsed = parse_i64(digits).map(|n| match bits {
        Some(bits) => n.wrapping_mul(bits as i64),
        None => n,
    });
    match parsed {
        Some(n) if n >= 0 && (n >> 3) < ctx.st.config.proto_max_bulk_len => Ok(n as u64),
        _ => {
            ctx.reply.error(BIT_OFFSET_ERR);
            Err(Replied)
        }
    }
}

/// Looks `key` up for reading as a string; `Err` means WRONGTYPE was replied.
fn lookup_read(ctx: &mut Ctx, key: &[u8]) -> Result<Option<u32>, Replied> {
    ctx.lookup_typed_read(key, Kind::String)
}

/// Finds or creates the string at `key` for a bit write and zero-pads it so
/// bit `max_bit` exists (`lookupStringForBitCommand`). Returns the node and
/// whether the key was created or grown. `Err` means WRONGTYPE was replied.
fn lookup_for_bit_write(ctx: &mut Ctx, key: &[u8], max_bit: u64) -> Result<(u32, bool), Replied> {
    let need = (max_bit >> 3) as usize + 1;
    let now = ctx.now;
    let (id, created) = match ctx.lookup_typed_write(key, Kind::String)? {
        Some(id) => (id, false),
        None => (ctx.db().set(key, b"", Encoding::Raw, false, now), true),
    };
    let grown = ctx.db().with_raw_value(id, |data, at| {
        if data.len() - at < need {
            data.resize(at + need, 0);
            true
        } else {
            false
        }
    });
    Ok((id, created || grown))
}

/// Position of the first bit equal to `bit` in `s` (`redisBitpos`): -1 if
/// looking for a 1 and there is none; `8 * len` if looking for a 0 and
/// there is none (the string is taken as zero-padded on the right).
fn first_bit(s: &[u8], bit: bool) -> i64 {
    let skip = if bit { 0 } else { 0xff };
    match s.iter().position(|&b| b != skip) {
        Some(i) => {
            let b = s[i];
            let within = if bit { b.leading_zeros() } else { b.leading_ones() };
            (i as i64) * 8 + within as i64
        }
        None if bit => -1,
        None => s.len() as i64 * 8,
    }
}

/// Normalises a BITCOUNT/BITPOS range over a string of `len` bytes: negative
/// indexes count from the end, then both are clamped. In BIT units the
/// result is in bytes plus masks of the first and last byte's bits that
/// fall outside the range (Redis's `first_byte_neg_mask`/`last_byte_neg_mask`).
fn clamp_range(len: i64, mut start: i64, mut end: i64, is_bit: bool) -> (i64, i64, u8, u8) {
    let total = if is_bit { len << 3 } else { len };
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= total {
        end = total - 1;
    }
    let (mut first_mask, mut last_mask) = (0u8, 0u8);
    if is_bit && start <= end {
        first_mask = !((1u32 << (8 - (start & 7))) - 1) as u8;
        last_mask = ((1u32 << (7 - (end & 7))) - 1) as u8;
        start >>= 3;
        end >>= 3;
    }
    (start, end, first_mask, last_mask)
}

/// Parses an optional BYTE|BIT unit argument.
fn parse_unit(ctx: &mut Ctx, args: &Args, i: usize) -> Result<bool, Replied> {
    if i >= args.len() || args.is(i, "byte") {
        Ok(false)
    } else if args.is(i, "bit") {
        Ok(true)
    } else {
        ctx.reply.syntax_error();
        Err(Replied)
    }
}

fn arg_long(ctx: &mut Ctx, arg: &[u8]) -> Result<i64, Replied> {
    arg_i64(ctx.reply, arg).ok_or(Replied)
}

// ---- SETBIT / GETBIT ---------------------------------------------------------------

/// `SETBIT key offset value`: replies the bit's previous value.
pub fn setbit(ctx: &mut Ctx, args: &Args) {
    let _ = setbit_generic(ctx, args);
}

fn setbit_generic(ctx: &mut Ctx, args: &Args) -> Result<(), Replied> {
    let offset = bit_offset(ctx, &args[2], None)?;
    let on = match parse_i64(&args[3]) {
        Some(on @ (0 | 1)) => on as u8,
        _ => {
            ctx.reply.error(BIT_VALUE_ERR);
            return Err(Replied);
        }
    };
    let (id, dirty) = lookup_for_bit_write(ctx, &args[1], offset)?;
    let byte = (offset >> 3) as usize;
    let shift = 7 - (offset & 7) as u8;
    let old = ctx.db().with_raw_value(id, |data, at| {
        let b = &mut data[at + byte];
        let old = (*b >> shift) & 1;
        *b = (*b & !(1 << shift)) | (on << shift);
        old
    });
    if dirty || old != on {
        ctx.notify(notify::STRING, "setbit", &args[1]);
        ctx.dirty(1);
    }
    ctx.reply.int(old as i64);
    Ok(())
}

/// `GETBIT key offset`
pub fn getbit(ctx: &mut Ctx, args: &Args) {
    let Ok(offset) = bit_offset(ctx, &args[2], None) else {
        return;
    };
    let Ok(found) = lookup_read(ctx, &args[1]) else {
        return;
    };
    let bit = found.map_or(0, |id| {
        let value = ctx.st.dbs[ctx.db].value(id);
        let mut scratch = [0u8; 20];
        let s = value.bytes(&mut scratch);
        let byte = (offset >> 3) as usize;
        s.get(byte).map_or(0, |b| (b >> (7 - (offset & 7))) & 1)
    });
    ctx.reply.int(bit as i64);
}

// ---- BITOP ------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// `BITOP AND|OR|XOR|NOT destkey key [key ...]`: stores the result (as long
/// as the longest source, shorter ones zero-padded) and replies its length;
/// an empty result deletes `destkey`.
pub fn bitop(ctx: &mut Ctx, args: &Args) {
    let op = if args.is(1, "and") {
        BitOp::And
    } else if args.is(1, "or") {
        BitOp::Or
    } else if args.is(1, "xor") {
        BitOp::Xor
    } else if args.is(1, "not") {
        BitOp::Not
    } else {
        ctx.reply.syntax_error();
        return;
    };
    if op == BitOp::Not && args.len() != 4 {
        ctx.reply
            .error(b"ERR BITOP NOT must be called with a single source key.");
        return;
    }
    let mut ids = Vec::with_capacity(args.len() - 3);
    for key in args.iter().skip(3) {
        match lookup_read(ctx, key) {
            Ok(found) => ids.push(found),
            Err(Replied) => return,
        }
    }
    let result = {
        let db = &ctx.st.dbs[ctx.db];
        let sources: Vec<Cow<[u8]>> = ids
            .iter()
            .map(|found| match found.map(|id| db.value(id)) {
                None => Cow::Borrowed(&[][..]),
                Some(Value::Str(s)) => Cow::Borrowed(s),
                Some(value @ Value::Int(_)) => Cow::Owned(value.bytes(&mut [0; 20]).to_vec()),
            })
            .collect();
        bitop_compute(op, &sources)
    };
    let now = ctx.now;
    let target = &args[2];
    if !result.is_empty() {
        // Redis's `setKey`: an expired target goes first (`expired`), so
        // the store creates it anew (`new`).
        ctx.lookup_write(target);
        ctx.db().set(target, &result, Encoding::Raw, false, now);
        ctx.notify(notify::STRING, "set", target);
        ctx.dirty(1);
    } else if ctx.db_delete(target) {
        // Redis's `dbDelete`: a target whose TTL passed is deleted too.
        ctx.notify(notify::GENERIC, "del", target);
        ctx.dirty(1);
    }
    ctx.reply.int(result.len() as i64);
}

/// The bytes of `op` over `sources`, each zero-padded to the longest.
fn bitop_compute(op: BitOp, sources: &[Cow<[u8]>]) -> Vec<u8> {
    let max = sources.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![0u8; max];
    out[..sources[0].len()].copy_from_slice(&sources[0]);
    if op == BitOp::Not {
        out.iter_mut().for_each(|b| *b = !*b);
        return out;
    }
    for src in &sources[1..] {
        match op {
            BitOp::And => {
                out.iter_mut().zip(src.iter()).for_each(|(o, s)| *o &= s);
                out[src.len()..].fill(0);
            }
            BitOp::Or => out.iter_mut().zip(src.iter()).for_each(|(o, s)| *o |= s),
            BitOp::Xor => out.iter_mut().zip(src.iter()).for_each(|(o, s)| *o ^= s),
            BitOp::Not => unreachable!(),
        }
    }
    out
}

// ---- BITCOUNT / BITPOS -------------------------------------------------------------

/// `BITCOUNT key [start end [BYTE|BIT]]`. As Redis, the key is looked up
/// before the range is parsed, so a missing key replies 0 whatever follows.
pub fn bitcount(ctx: &mut Ctx, args: &Args) {
    let _ = bitcount_generic(ctx, args);
}

fn bitcount_generic(ctx: &mut Ctx, args: &Args) -> Result<(), Replied> {
    let Some(id) = lookup_read(ctx, &args[1])? else {
        ctx.reply.int(0);
        return Ok(());
    };
    let len = ctx.st.dbs[ctx.db].value(id).len() as i64;
    let (start, end, first_mask, last_mask) = match args.len() {
        4 | 5 => {
            let start = arg_long(ctx, &args[2])?;
            let end = arg_long(ctx, &args[3])?;
            if start < 0 && end < 0 && start > end {
                ctx.reply.int(0);
                return Ok(());
            }
            let is_bit = parse_unit(ctx, args, 4)?;
            clamp_range(len, start, end, is_bit)
        }
        2 => (0, len - 1, 0, 0),
        _ => {
            ctx.reply.syntax_error();
            return Err(Replied);
        }
    };
    if start > end {
        ctx.reply.int(0);
        return Ok(());
    }
    let value = ctx.st.dbs[ctx.db].value(id);
    let mut scratch = [0u8; 20];
    let s = value.bytes(&mut scratch);
    let (start, end) = (start as usize, end as usize);
    let mut count: u64 = s[start..=end].iter().map(|b| b.count_ones() as u64).sum();
    count -= (s[start] & first_mask).count_ones() as u64;
    count -= (s[end] & last_mask).count_ones() as u64;
    ctx.reply.int(count as i64);
    Ok(())
}

/// `BITPOS key bit [start [end [BYTE|BIT]]]`: the first bit set to `bit`.
/// Without an explicit end, the string counts as zero-padded on the right
/// when looking for a 0.
pub fn bitpos(ctx: &mut Ctx, args: &Args) {
    let _ = bitpos_generic(ctx, args);
}

fn bitpos_generic(ctx: &mut Ctx, args: &Args) -> Result<(), Replied> {
    let bit = match arg_long(ctx, &args[2])? {
        0 => false,
        1 => true,
        _ => {
            ctx.reply.error(b"ERR The bit argument must be 1 or 0.");
            return Err(Replied);
        }
    };
    let Some(id) = lookup_read(ctx, &args[1])? else {
        ctx.reply.int(if bit { -1 } else { 0 });
        return Ok(());
    };
    let len = ctx.st.dbs[ctx.db].value(id).len() as i64;
    let mut end_given = false;
    let (start, end, first_mask, last_mask) = match args.len() {
        4..=6 => {
            let start = arg_long(ctx, &args[3])?;
            let is_bit = parse_unit(ctx, args, 5)?;
            let end = if args.len() >= 5 {
                end_given = true;
                arg_long(ctx, &args[4])?
            } else {
                len - 1
            };
            clamp_range(len, start, end, is_bit)
        }
        3 => (0, len - 1, 0, 0),
        _ => {
            ctx.reply.syntax_error();
            return Err(Replied);
        }
    };
    if start > end {
        ctx.reply.int(-1);
        return Ok(());
    }
    let value = ctx.st.dbs[ctx.db].value(id);
    let mut scratch = [0u8; 20];
    let s = value.bytes(&mut scratch);
    let (start, end) = (start as usize, end as usize);
    // Bits outside the range are forced to the opposite of `bit` in a copy
    // of the range, so they are never found.
    let mask_out = |b: u8, mask: u8| if bit { b & !mask } else { b | mask };
    let mut pos = -1;
    let mut range: Cow<[u8]> = Cow::Borrowed(&s[start..=end]);
    if first_mask != 0 || last_mask != 0 {
        let r = range.to_mut();
        r[0] = mask_out(r[0], first_mask);
        let last = r.len() - 1;
        r[last] = mask_out(r[last], last_mask);
    }
    let bytes = range.len() as i64;
    let found = first_bit(&range, bit);
    if found != -1 {
        pos = found;
    }
    // Looking for a 0 inside an explicit range that has none.
    if end_given && !bit && pos == bytes << 3 {
        ctx.reply.int(-1);
        return Ok(());
    }
    if pos != -1 {
        pos += (start as i64) << 3;
    }
    ctx.reply.int(pos);
    Ok(())
}

// ---- BITFIELD ----------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldOp {
    Get,
    Set,
    IncrBy,
}

/// One parsed BITFIELD operation (Redis's `struct bitfieldOp`).
#[derive(Clone, Copy)]
struct Field {
    op: FieldOp,
    offset: u64,
    /// SET's value or INCRBY's increment.
    value: i64,
    overflow: Overflow,
    bits: u32,
    signed: bool,
}

/// Parses `i<bits>` (1..=64) or `u<bits>` (1..=63).
fn field_type(ctx: &mut Ctx, arg: &[u8]) -> Result<(bool, u32), Replied> {
    let signed = match arg.first() {
        Some(b'i') => Some(true),
        Some(b'u') => Some(false),
        _ => None,
    };
    if let Some(signed) = signed
        && let Some(bits) = parse_i64(&arg[1..])
        && bits >= 1
        && bits <= if signed { 64 } else { 63 }
    {
        return Ok((signed, bits as u32));
    }
    ctx.reply.error(BITFIELD_TYPE_ERR);
    Err(Replied)
}

fn get_unsigned(p: &[u8], mut offset: u64, bits: u32) -> u64 {
    let mut value = 0u64;
    for _ in 0..bits {
        let b = p[(offset >> 3) as usize];
        value = (value << 1) | ((b >> (7 - (offset & 7))) & 1) as u64;
        offset += 1;
    }
    value
}

fn get_signed(p: &[u8], offset: u64, bits: u32) -> i64 {
    let mut value = get_unsigned(p, offset, bits);
    if bits < 64 && value & (1 << (bits - 1)) != 0 {
        value |= u64::MAX << bits;
    }
    value as i64
}

fn set_unsigned(p: &mut [u8], mut offset: u64, bits: u32, value: u64) {
    for j in 0..bits {
        let bit = ((value >> (bits - 1 - j)) & 1) as u8;
        let shift = 7 - (offset & 7);
        let b = &mut p[(offset >> 3) as usize];
        *b = (*b & !(1 << shift)) | (bit << shift);
        offset += 1;
    }
}

/// Whether `value + incr` fits an unsigned `bits`-wide field
/// (`checkUnsignedBitfieldOverflow`): None if it does, else the value to
/// store under WRAP or SAT.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, overflow: Overflow) -> Option<u64> {
    let max = (1u64 << bits) - 1;
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = (value as i64).wrapping_neg();
    let wrap = || value.wrapping_add(incr as u64) & !(u64::MAX << bits);
    if value > max || (incr > 0 && incr > max_incr) {
        Some(if overflow == Overflow::Sat { max } else { wrap() })
    } else if incr < 0 && incr < min_incr {
        Some(if overflow == Overflow::Sat { 0 } else { wrap() })
    } else {
        None
    }
}

/// The signed counterpart (`checkSignedBitfieldOverflow`).
fn signed_overflow(value: i64, incr: i64, bits: u32, overflow: Overflow) -> Option<i64> {
    let max = if bits == 64 { i64::MAX } else { (1i64 << (bits - 1)) - 1 };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let wrap = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let mask = u64::MAX << bits;
            if c & (1 << (bits - 1)) != 0 {
                c |= mask;
            } else {
                c &= !mask;
            }
        }
        c as i64
    };
    if value > max || (bits != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr) {
        Some(if overflow == Overflow::Sat { max } else { wrap() })
    } else if value < min || (bits != 64 && incr < min_incr) || (value < 0 && incr < 0 && incr < min_incr) {
        Some(if overflow == Overflow::Sat { min } else { wrap() })
    } else {
        None
    }
}

/// Parses BITFIELD's operations from `args[2..]`.
fn parse_fields(ctx: &mut Ctx, args: &Args) -> Result<Vec<Field>, Replied> {
    let mut fields = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < args.len() {
        let remaining = args.len() - j - 1;
        let op = if args.is(j, "get") && remaining >= 2 {
            FieldOp::Get
        } else if args.is(j, "set") && remaining >= 3 {
            FieldOp::Set
        } else if args.is(j, "incrby") && remaining >= 3 {
            FieldOp::IncrBy
        } else if args.is(j, "overflow") && remaining >= 1 {
            overflow = if args.is(j + 1, "wrap") {
                Overflow::Wrap
            } else if args.is(j + 1, "sat") {
                Overflow::Sat
            } else if args.is(j + 1, "fail") {
                Overflow::Fail
            } else {
                ctx.reply.error(b"ERR Invalid OVERFLOW type specified");
                return Err(Replied);
            };
            j += 2;
            continue;
        } else {
            ctx.reply.syntax_error();
            return Err(Replied);
        };
        let (signed, bits) = field_type(ctx, &args[j + 1])?;
        let offset = bit_offset(ctx, &args[j + 2], Some(bits))?;
        let value = if op == FieldOp::Get {
            0
        } else {
            arg_long(ctx, &args[j + 3])?
        };
        fields.push(Field {
            op,
            offset,
            value,
            overflow,
            bits,
            signed,
        });
        j += if op == FieldOp::Get { 3 } else { 4 };
    }
    Ok(fields)
}

/// Runs a SET or INCRBY on `p` (already long enough), replying the old
/// value (SET), the new one (INCRBY) or null (overflow under FAIL).
/// Returns None if nothing was written, else whether the field changed.
fn field_write(reply: &mut Reply, p: &mut [u8], f: &Field) -> Option<bool> {
    let (written, old, new) = if f.signed {
        let old = get_signed(p, f.offset, f.bits);
        let (incr, base) = match f.op {
            FieldOp::IncrBy => (f.value, old),
            _ => (0, f.value),
        };
        let wrapped = signed_overflow(base, incr, f.bits, f.overflow);
        let new = wrapped.unwrap_or(base.wrapping_add(incr));
        if wrapped.is_some() && f.overflow == Overflow::Fail {
            (false, 0, 0)
        } else {
            reply.int(if f.op == FieldOp::IncrBy { new } else { old });
            set_unsigned(p, f.offset, f.bits, new as u64);
            (true, old as u64, new as u64)
        }
    } else {
        let old = get_unsigned(p, f.offset, f.bits);
        let (incr, base) = match f.op {
            FieldOp::IncrBy => (f.value, old),
            _ => (0, f.value as u64),
        };
        let wrapped = unsigned_overflow(base, incr, f.bits, f.overflow);
        let new = wrapped.unwrap_or(base.wrapping_add(incr as u64));
        if wrapped.is_some() && f.overflow == Overflow::Fail {
            (false, 0, 0)
        } else {
            reply.int(if f.op == FieldOp::IncrBy { new } else { old } as i64);
            set_unsigned(p, f.offset, f.bits, new);
            (true, old, new)
        }
    };
    if !written {
        reply.null();
        return None;
    }
    Some(old != new)
}

/// Replies a GET of field `f` from `s`, zero-padded past its end.
fn field_get(reply: &mut Reply, s: &[u8], f: &Field) {
    let byte = (f.offset >> 3) as usize;
    let mut buf = [0u8; 9];
    if let Some(rest) = s.get(byte..) {
        let avail = rest.len().min(9);
        buf[..avail].copy_from_slice(&rest[..avail]);
    }
    let offset = f.offset & 7;
    if f.signed {
        reply.int(get_signed(&buf, offset, f.bits));
    } else {
        reply.int(get_unsigned(&buf, offset, f.bits) as i64);
    }
}

/// The shared body of BITFIELD and BITFIELD_RO (`bitfieldGeneric`): all
/// operations are parsed first, then run in order on one string.
fn bitfield_generic(ctx: &mut Ctx, args: &Args, read_only: bool) -> Result<(), Replied> {
    let fields = parse_fields(ctx, args)?;
    let writes = fields.iter().any(|f| f.op != FieldOp::Get);
    if !writes {
        let found = lookup_read(ctx, &args[1])?;
        let value = found.map(|id| ctx.st.dbs[ctx.db].value(id));
        let mut scratch = [0u8; 20];
        let s: &[u8] = value.as_ref().map_or(&[], |v| v.bytes(&mut scratch));
        ctx.reply.array(fields.len());
        for f in &fields {
            field_get(ctx.reply, s, f);
        }
        return Ok(());
    }
    if read_only {
        ctx.reply.error(b"ERR BITFIELD_RO only supports the GET subcommand");
        return Err(Replied);
    }
    let highest = fields
        .iter()
        .filter(|f| f.op != FieldOp::Get)
        .map(|f| f.offset + f.bits as u64 - 1)
        .max()
        .unwrap_or(0);
    let (id, dirty) = lookup_for_bit_write(ctx, &args[1], highest)?;
    let reply = &mut *ctx.reply;
    reply.array(fields.len());
    let changes = ctx.st.dbs[ctx.db].with_raw_value(id, |data, at| {
        let p = &mut data[at..];
        let mut changes = 0;
        for f in &fields {
            if f.op == FieldOp::Get {
                field_get(reply, p, f);
            } else if let Some(changed) = field_write(reply, p, f)
                && (changed || dirty)
            {
                changes += 1;
            }
        }
        changes
    });
    if changes > 0 {
        ctx.notify(notify::STRING, "setbit", &args[1]);
        ctx.dirty(changes);
    }
    Ok(())
}

/// `BITFIELD key [GET type offset | SET type offset value |
/// INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL] ...`
pub fn bitfield(ctx: &mut Ctx, args: &Args) {
    let _ = bitfield_generic(ctx, args, false);
}

/// `BITFIELD_RO key [GET type offset ...]`
pub fn bitfield_ro(ctx: &mut Ctx, args: &Args) {
    let _ = bitfield_generic(ctx, args, true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bit_matches_redis_bitpos() {
        assert_eq!(first_bit(&[0, 0], true), -1);
        assert_eq!(first_bit(&[0, 0x10], true), 11);
        assert_eq!(first_bit(&[0xff, 0xff], false), 16);
        assert_eq!(first_bit(&[0xff, 0xf7], false), 12);
        assert_eq!(first_bit(&[], false), 0);
    }

    #[test]
    fn fields_round_trip() {
        let mut p = [0u8; 3];
        set_unsigned(&mut p, 7, 5, 23);
        assert_eq!(p[..2], [0b0000_0001, 0b0111_0000]);
        assert_eq!(get_unsigned(&p, 7, 5), 23);
        set_unsigned(&mut p, 0, 8, (-3i64) as u64);
        assert_eq!(get_signed(&p, 0, 8), -3);
    }

    #[test]
    fn overflow_rules() {
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Wrap), Some(4));
        assert_eq!(unsigned_overflow(250, 10, 8, Overflow::Sat), Some(255));
        assert_eq!(unsigned_overflow(5, -10, 8, Overflow::Sat), Some(0));
        assert_eq!(unsigned_overflow(5, -5, 8, Overflow::Sat), None);
        assert_eq!(signed_overflow(120, 10, 8, Overflow::Wrap), Some(-126));
        assert_eq!(signed_overflow(-120, -10, 8, Overflow::Sat), Some(-128));
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Overflow::Wrap), Some(i64::MIN));
        assert_eq!(signed_overflow(i64::MAX, 0, 64, Overflow::Wrap), None);
    }
}
