//! String commands (Redis's `t_string.c`): SET and its variants share
//! `set_generic`, the INCR family shares `incr_generic`, GET and its
//! variants share `get_generic`.

use super::{Args, Ctx, arg_i64, notify};
use crate::db::{Encoding, Kind, Value};
use crate::util::number::LongDouble;

/// Replies the string value of node `id` in the current database as a bulk.
fn reply_value(ctx: &mut Ctx, id: u32) {
    match ctx.st.dbs[ctx.db].value(id) {
        Value::Int(n) => ctx.reply.bulk_i64(n),
        Value::Str(s) => ctx.reply.bulk(s),
    }
}

/// Looks up `key` for reading and checks it holds a string. `Err` means a
/// WRONGTYPE error was replied.
pub(crate) fn lookup_string(ctx: &mut Ctx, key: &[u8]) -> Result<Option<u32>, ()> {
    match ctx.lookup_read(key) {
        Some(id) if ctx.db().kind(id) != Kind::String => {
            ctx.reply.wrong_type();
            Err(())
        }
        found => Ok(found),
    }
}

/// Like `lookup_string`, for a key about to be modified.
fn lookup_string_write(ctx: &mut Ctx, key: &[u8]) -> Result<Option<u32>, ()> {
    match ctx.lookup_write(key) {
        Some(id) if ctx.db().kind(id) != Kind::String => {
            ctx.reply.wrong_type();
            Err(())
        }
        found => Ok(found),
    }
}

/// Replies the string at `key` (null if absent). Err on WRONGTYPE.
fn get_generic(ctx: &mut Ctx, key: &[u8]) -> Result<(), ()> {
    match lookup_string(ctx, key)? {
        Some(id) => reply_value(ctx, id),
        None => ctx.reply.null(),
    }
    Ok(())
}

/// Replies Redis's error for a size past `proto-max-bulk-len`; true if ok.
fn check_string_length(ctx: &mut Ctx, size: u64, append: u64) -> bool {
    let total = size.saturating_add(append);
    if total > ctx.st.config.proto_max_bulk_len as u64 {
        ctx.reply
            .error(b"ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        return false;
    }
    true
}

// ---- SET family ---------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds,
    Millis,
}

/// Options of SET and GETEX (Redis's `parseExtendedStringArgumentsOrReply`).
#[derive(Default)]
struct SetOpts<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    /// The expire argument, its unit, and whether it is absolute (EXAT/PXAT).
    expire: Option<(&'a [u8], Unit, bool)>,
}

#[derive(PartialEq, Eq)]
enum Cmd {
    Set,
    Get,
}

/// Parses SET/GETEX options from `args[from..]`; replies a syntax error on
/// anything Redis rejects.
fn parse_set_opts<'a>(ctx: &mut Ctx, args: &Args<'a>, from: usize, cmd: Cmd) -> Option<SetOpts<'a>> {
    let mut o = SetOpts::default();
    let mut j = from;
    while j < args.len() {
        let next = (j + 1 < args.len()).then(|| args.get(j + 1));
        let has_ttl = |o: &SetOpts, except: (Unit, bool)| o.expire.is_some_and(|(_, u, abs)| (u, abs) != except);
        let is_set = cmd == Cmd::Set;
        if args.is(j, "nx") && !o.xx && is_set {
            o.nx = true;
        } else if args.is(j, "xx") && !o.nx && is_set {
            o.xx = true;
        } else if args.is(j, "get") && is_set {
            o.get = true;
        } else if args.is(j, "keepttl") && !o.persist && o.expire.is_none() && is_set {
            o.keepttl = true;
        } else if args.is(j, "persist") && !is_set && o.expire.is_none() && !o.keepttl {
            o.persist = true;
        } else if let Some((unit, abs)) = [
            ("ex", Unit::Seconds, false),
            ("px", Unit::Millis, false),
            ("exat", Unit::Seconds, true),
            ("pxat", Unit::Millis, true),
        ]
        .iter()
        .find(|(w, _, _)| args.is(j, w))
        .map(|&(_, u, a)| (u, a))
        .filter(|&kind| !o.keepttl && !o.persist && !has_ttl(&o, kind) && next.is_some())
        {
            o.expire = Some((args.get(j + 1), unit, abs));
            j += 1;
        } else {
            ctx.reply.syntax_error();
            return None;
        }
        j += 1;
    }
    Some(o)
}

/// Converts an expire argument to an absolute time in ms, replying Redis's
/// errors (`getExpireMillisecondsOrReply`).
fn expire_ms(ctx: &mut Ctx, arg: &[u8], unit: Unit, absolute: bool) -> Option<i64> {
    let mut ms = arg_i64(ctx.reply, arg)?;
    if ms <= 0 || (unit == Unit::Seconds && ms > i64::MAX / 1000) {
        invalid_expire(ctx);
        return None;
    }
    if unit == Unit::Seconds {
        ms *= 1000;
    }
    if !absolute {
        ms = ms.wrapping_add(ctx.now as i64);
    }
    if ms <= 0 {
        invalid_expire(ctx);
        return None;
    }
    Some(ms)
}

fn invalid_expire(ctx: &mut Ctx) {
    let name = ctx.clients[ctx.me].last_cmd;
    ctx.reply
        .error_fmt(format_args!("ERR invalid expire time in '{name}' command"));
}

/// The shared body of SET, SETNX, SETEX, PSETEX (`setGenericCommand`).
/// `replies` overrides the (stored, not stored) replies, as SETNX does.
fn set_generic(ctx: &mut Ctx, key: &[u8], value: &[u8], o: &SetOpts, replies: Option<(i64, i64)>) {
    let mut at = None;
    if let Some((arg, unit, abs)) = o.expire {
        match expire_ms(ctx, arg, unit, abs) {
            Some(ms) => at = Some(ms as u64),
            None => return,
        }
    }
    if o.get && get_generic(ctx, key).is_err() {
        return;
    }
    let found = ctx.lookup_write(key).is_some();
    if (o.nx && found) || (o.xx && !found) {
        if !o.get {
            match replies {
                Some((_, no)) => ctx.reply.int(no),
                None => ctx.reply.null(),
            }
        }
        return;
    }
    let now = ctx.now;
    let db = ctx.db();
    let id = db.set(key, value, Encoding::Auto, o.keepttl, now);
    ctx.dirty(1);
    if ctx.propagating() {
        propagate_set(ctx, key, value, o, at);
    }
    ctx.notify(notify::STRING, "set", key);
    if let Some(at) = at {
        ctx.db().set_expire(id, at);
        ctx.notify(notify::GENERIC, "expire", key);
    }
    if !o.get {
        match replies {
            Some((yes, _)) => ctx.reply.int(yes),
            None => ctx.reply.ok(),
        }
    }
}

/// How a SET is propagated: with a TTL as `SET key value PXAT <ms>`
/// (whatever form it had), with GET and no TTL without the GET.
fn propagate_set(ctx: &mut Ctx, key: &[u8], value: &[u8], o: &SetOpts, at: Option<u64>) {
    if let Some(at) = at {
        let ms = at.to_string();
        ctx.propagate_as(&[b"SET", key, value, b"PXAT", ms.as_bytes()]);
    } else if o.get {
        let mut argv: Vec<&[u8]> = vec![b"SET", key, value];
        for (on, word) in [(o.nx, b"NX"), (o.xx, b"XX")] {
            if on {
                argv.push(word);
            }
        }
        if o.keepttl {
            argv.push(b"KEEPTTL");
        }
        ctx.propagate_as(&argv);
    }
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL]`
pub fn set(ctx: &mut Ctx, args: &Args) {
    if let Some(o) = parse_set_opts(ctx, args, 3, Cmd::Set) {
        set_generic(ctx, &args[1], &args[2], &o, None);
    }
}

/// `SETNX key value`
pub fn setnx(ctx: &mut Ctx, args: &Args) {
    let o = SetOpts {
        nx: true,
        ..Default::default()
    };
    set_generic(ctx, &args[1], &args[2], &o, Some((1, 0)));
}

/// `SETEX key seconds value`
pub fn setex(ctx: &mut Ctx, args: &Args) {
    let o = SetOpts {
        expire: Some((args.get(2), Unit::Seconds, false)),
        ..Default::default()
    };
    set_generic(ctx, &args[1], &args[3], &o, None);
}

/// `PSETEX key milliseconds value`
pub fn psetex(ctx: &mut Ctx, args: &Args) {
    let o = SetOpts {
        expire: Some((args.get(2), Unit::Millis, false)),
        ..Default::default()
    };
    set_generic(ctx, &args[1], &args[3], &o, None);
}

// ---- GET family ------------------------------------------------------------------------

/// `GET key`
pub fn get(ctx: &mut Ctx, args: &Args) {
    let _ = get_generic(ctx, &args[1]);
}

/// `GETSET key value`
pub fn getset(ctx: &mut Ctx, args: &Args) {
    if get_generic(ctx, &args[1]).is_err() {
        return;
    }
    let now = ctx.now;
    ctx.db().set(&args[1], &args[2], Encoding::Auto, false, now);
    ctx.notify(notify::STRING, "set", &args[1]);
    ctx.dirty(1);
    ctx.propagate_as(&[b"SET", &args[1], &args[2]]);
}

/// `GETDEL key`
pub fn getdel(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = lookup_string(ctx, &args[1]) else {
        return;
    };
    match found {
        Some(id) => {
            reply_value(ctx, id);
            ctx.db().remove_id(id);
            ctx.notify(notify::GENERIC, "del", &args[1]);
            ctx.dirty(1);
            let del: &[u8] = if ctx.st.config.lazyfree_user_del {
                b"UNLINK"
            } else {
                b"DEL"
            };
            ctx.propagate_as(&[del, &args[1]]);
        }
        None => ctx.reply.null(),
    }
}

/// `GETEX key [EX s|PX ms|EXAT ts|PXAT ts|PERSIST]`
pub fn getex(ctx: &mut Ctx, args: &Args) {
    let Some(o) = parse_set_opts(ctx, args, 2, Cmd::Get) else {
        return;
    };
    let Ok(found) = lookup_string(ctx, &args[1]) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.null();
        return;
    };
    let mut at = None;
    if let Some((arg, unit, abs)) = o.expire {
        match expire_ms(ctx, arg, unit, abs) {
            Some(ms) => at = Some((ms as u64, abs)),
            None => return,
        }
    }
    reply_value(ctx, id);
    let now = ctx.now;
    match at {
        Some((ms, true)) if ms <= now && !ctx.st.replaying => {
            ctx.db().remove_id(id);
            ctx.notify(notify::GENERIC, "del", &args[1]);
            ctx.dirty(1);
            let del: &[u8] = if lazy_expire(ctx) { b"UNLINK" } else { b"DEL" };
            ctx.propagate_as(&[del, &args[1]]);
        }
        Some((ms, _)) => {
            ctx.db().set_expire(id, ms);
            ctx.notify(notify::GENERIC, "expire", &args[1]);
            ctx.dirty(1);
            if ctx.propagating() {
                let ms = ms.to_string();
                ctx.propagate_as(&[b"PEXPIREAT", &args[1], ms.as_bytes()]);
            }
        }
        None => {
            if o.persist && ctx.db().clear_expire(id) {
                ctx.notify(notify::GENERIC, "persist", &args[1]);
                ctx.dirty(1);
                ctx.propagate_as(&[b"PERSIST", &args[1]]);
            }
        }
    }
}

/// `lazyfree-lazy-expire`: expired keys are propagated as UNLINK.
pub fn lazy_expire(ctx: &Ctx) -> bool {
    ctx.st.config.lazyfree_lazy_expire
}

/// `MGET key [key ...]`
pub fn mget(ctx: &mut Ctx, args: &Args) {
    ctx.reply.array(args.len() - 1);
    for key in args.iter().skip(1) {
        match ctx.lookup_read(key) {
            Some(id) if ctx.db().kind(id) == Kind::String => reply_value(ctx, id),
            _ => ctx.reply.null(),
        }
    }
}

/// The shared body of MSET and MSETNX.
fn mset_generic(ctx: &mut Ctx, args: &Args, nx: bool) {
    if args.len().is_multiple_of(2) {
        let name = if nx { "msetnx" } else { "mset" };
        ctx.reply
            .error_fmt(format_args!("ERR wrong number of arguments for '{name}' command"));
        return;
    }
    if nx {
        let any = (1..args.len()).step_by(2).any(|j| ctx.lookup_write(&args[j]).is_some());
        if any {
            ctx.reply.int(0);
            return;
        }
    }
    let now = ctx.now;
    for j in (1..args.len()).step_by(2) {
        ctx.db().set(&args[j], &args[j + 1], Encoding::Auto, false, now);
        ctx.notify(notify::STRING, "set", &args[j]);
    }
    ctx.dirty((args.len() / 2) as u64);
    if nx {
        ctx.reply.int(1);
    } else {
        ctx.reply.ok();
    }
}

/// `MSET key value [key value ...]`
pub fn mset(ctx: &mut Ctx, args: &Args) {
    mset_generic(ctx, args, false);
}

/// `MSETNX key value [key value ...]`
pub fn msetnx(ctx: &mut Ctx, args: &Args) {
    mset_generic(ctx, args, true);
}

// ---- editing ------------------------------------------------------------------------------

/// `APPEND key value`
pub fn append(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = lookup_string_write(ctx, &args[1]) else {
        return;
    };
    let now = ctx.now;
    let total = match found {
        None => {
            ctx.db().set(&args[1], &args[2], Encoding::Auto, false, now);
            args[2].len()
        }
        Some(id) => {
            let len = ctx.db().value(id).len();
            if !check_string_length(ctx, len as u64, args[2].len() as u64) {
                return;
            }
            let extra = &args[2];
            ctx.db().with_raw_value(id, |data, at| {
                data.extend_from_slice(extra);
                data.len() - at
            })
        }
    };
    ctx.notify(notify::STRING, "append", &args[1]);
    ctx.dirty(1);
    ctx.reply.int(total as i64);
}

/// `STRLEN key`
pub fn strlen(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = lookup_string(ctx, &args[1]) else {
        return;
    };
    let len = found.map(|id| ctx.db().value(id).len()).unwrap_or(0);
    ctx.reply.int(len as i64);
}

/// `GETRANGE key start end` (also SUBSTR)
pub fn getrange(ctx: &mut Ctx, args: &Args) {
    let Some(mut start) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    let Some(mut end) = arg_i64(ctx.reply, &args[3]) else {
        return;
    };
    let Ok(found) = lookup_string(ctx, &args[1]) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.bulk(b"");
        return;
    };
    let db = ctx.db;
    let value = ctx.st.dbs[db].value(id);
    let mut scratch = [0u8; 20];
    let s = value.bytes(&mut scratch);
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        ctx.reply.bulk(b"");
        return;
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        ctx.reply.bulk(b"");
    } else {
        ctx.reply.bulk(&s[start as usize..=end as usize]);
    }
}

/// `SETRANGE key offset value`
pub fn setrange(ctx: &mut Ctx, args: &Args) {
    let Some(offset) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    if offset < 0 {
        ctx.reply.error(b"ERR offset is out of range");
        return;
    }
    let value = &args[3];
    let Ok(found) = lookup_string_write(ctx, &args[1]) else {
        return;
    };
    let now = ctx.now;
    let id = match found {
        None => {
            if value.is_empty() {
                ctx.reply.int(0);
                return;
            }
            if !check_string_length(ctx, offset as u64, value.len() as u64) {
                return;
            }
            ctx.db().set(&args[1], b"", Encoding::Raw, false, now)
        }
        Some(id) => {
            let len = ctx.db().value(id).len();
            if value.is_empty() {
                ctx.reply.int(len as i64);
                return;
            }
            if !check_string_length(ctx, offset as u64, value.len() as u64) {
                return;
            }
            id
        }
    };
    let offset = offset as usize;
    let total = ctx.db().with_raw_value(id, |data, at| {
        let end = at + offset + value.len();
        if data.len() < end {
            data.resize(end, 0);
        }
        data[at + offset..end].copy_from_slice(value);
        data.len() - at
    });
    ctx.notify(notify::STRING, "setrange", &args[1]);
    ctx.dirty(1);
    ctx.reply.int(total as i64);
}

// ---- counters -----------------------------------------------------------------------------

/// The shared body of INCR, DECR, INCRBY, DECRBY (`incrDecrCommand`).
fn incr_generic(ctx: &mut Ctx, key: &[u8], by: i64) {
    let Ok(found) = lookup_string_write(ctx, key) else {
        return;
    };
    let old = match found {
        None => 0,
        Some(id) => match ctx.db().value(id) {
            Value::Int(n) => n,
            Value::Str(s) => match crate::util::number::parse_i64(s) {
                Some(n) => n,
                None => {
                    ctx.reply.not_integer();
                    return;
                }
            },
        },
    };
    let Some(new) = old.checked_add(by) else {
        ctx.reply.error(b"ERR increment or decrement would overflow");
        return;
    };
    let now = ctx.now;
    ctx.db().set_int(key, new, now);
    ctx.notify(notify::STRING, "incrby", key);
    ctx.dirty(1);
    ctx.reply.int(new);
}

/// `INCR key`
pub fn incr(ctx: &mut Ctx, args: &Args) {
    incr_generic(ctx, &args[1], 1);
}

/// `DECR key`
pub fn decr(ctx: &mut Ctx, args: &Args) {
    incr_generic(ctx, &args[1], -1);
}

/// `INCRBY key increment`
pub fn incrby(ctx: &mut Ctx, args: &Args) {
    if let Some(by) = arg_i64(ctx.reply, &args[2]) {
        incr_generic(ctx, &args[1], by);
    }
}

/// `DECRBY key decrement`
pub fn decrby(ctx: &mut Ctx, args: &Args) {
    let Some(by) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    if by == i64::MIN {
        ctx.reply.error(b"ERR decrement would overflow");
        return;
    }
    incr_generic(ctx, &args[1], -by);
}

/// `INCRBYFLOAT key increment`, in x87 long double precision as Redis.
pub fn incrbyfloat(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = lookup_string_write(ctx, &args[1]) else {
        return;
    };
    let current = match found {
        None => Some(LongDouble::from_i64(0)),
        Some(id) => match ctx.db().value(id) {
            Value::Int(n) => Some(LongDouble::from_i64(n)),
            Value::Str(s) => LongDouble::parse(s),
        },
    };
    let (Some(current), Some(incr)) = (current, LongDouble::parse(&args[2])) else {
        ctx.reply.error(b"ERR value is not a valid float");
        return;
    };
    let sum = current.add(incr);
    if !sum.is_finite() {
        ctx.reply.error(b"ERR increment would produce NaN or Infinity");
        return;
    }
    let mut text = Vec::with_capacity(32);
    sum.write_human(&mut text);
    let now = ctx.now;
    ctx.db().set(&args[1], &text, Encoding::Bytes, true, now);
    ctx.notify(notify::STRING, "incrbyfloat", &args[1]);
    ctx.dirty(1);
    ctx.reply.bulk(&text);
    // Propagated as the value it produced, so replaying it is exact.
    ctx.propagate_as(&[b"SET", &args[1], &text, b"KEEPTTL"]);
}

// ---- LCS ------------------------------------------------------------------------------------

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]`
pub fn lcs(ctx: &mut Ctx, args: &Args) {
    let a = ctx.lookup_read(&args[1]);
    let b = ctx.lookup_read(&args[2]);
    if [a, b].into_iter().flatten().any(|id| ctx.db().kind(id) != Kind::String) {
        ctx.reply.error(b"ERR The specified keys must contain string values");
        return;
    }
    let db = ctx.db;
    let (mut sa, mut sb) = ([0u8; 20], [0u8; 20]);
    let (va, vb) = (
        a.map(|id| ctx.st.dbs[db].value(id)),
        b.map(|id| ctx.st.dbs[db].value(id)),
    );
    let a: Vec<u8> = va.as_ref().map(|v| v.bytes(&mut sa).to_vec()).unwrap_or_default();
    let b: Vec<u8> = vb.as_ref().map(|v| v.bytes(&mut sb).to_vec()).unwrap_or_default();
    let (mut getidx, mut getlen, mut withmatchlen, mut minmatchlen) = (false, false, false, 0i64);
    let mut j = 3;
    while j < args.len() {
        if args.is(j, "idx") {
            getidx = true;
        } else if args.is(j, "len") {
            getlen = true;
        } else if args.is(j, "withmatchlen") {
            withmatchlen = true;
        } else if args.is(j, "minmatchlen") && j + 1 < args.len() {
            let Some(n) = arg_i64(ctx.reply, &args[j + 1]) else {
                return;
            };
            minmatchlen = n.max(0);
            j += 1;
        } else {
            ctx.reply.syntax_error();
            return;
        }
        j += 1;
    }
    if getidx && getlen {
        ctx.reply
            .error(b"ERR If you want both the length and indexes, please just use IDX.");
        return;
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        ctx.reply.error(b"ERR String too long for LCS");
        return;
    }
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    if cells.saturating_mul(4) > ctx.st.config.proto_max_bulk_len as u64 {
        ctx.reply
            .error(b"ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return;
    }
    let w = blen + 1;
    let mut dp = vec![0u32; cells as usize];
    for i in 1..=alen {
        for k in 1..=blen {
            dp[i * w + k] = if a[i - 1] == b[k - 1] {
                dp[(i - 1) * w + k - 1] + 1
            } else {
                dp[(i - 1) * w + k].max(dp[i * w + k - 1])
            };
        }
    }
    let total = dp[alen * w + blen];
    if getlen {
        ctx.reply.int(total as i64);
        return;
    }
    let mut result = vec![0u8; total as usize];
    let mut idx = total as usize;
    let (mut i, mut k) = (alen, blen);
    let (mut a_start, mut a_end, mut b_start, mut b_end) = (alen, 0usize, 0usize, 0usize);
    let mut matches: Vec<(usize, usize, usize, usize, usize)> = Vec::new();
    while i > 0 && k > 0 {
        let mut emit = false;
        if a[i - 1] == b[k - 1] {
            result[idx - 1] = a[i - 1];
            if a_start == alen {
                (a_start, a_end, b_start, b_end) = (i - 1, i - 1, k - 1, k - 1);
            } else if a_start == i && b_start == k {
                a_start -= 1;
                b_start -= 1;
            } else {
                emit = true;
            }
            if a_start == 0 || b_start == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            k -= 1;
        } else {
            if dp[(i - 1) * w + k] > dp[i * w + k - 1] {
                i -= 1;
            } else {
                k -= 1;
            }
            if a_start != alen {
                emit = true;
            }
        }
        let match_len = a_end.wrapping_sub(a_start).wrapping_add(1);
        if emit {
            if minmatchlen == 0 || match_len as i64 >= minmatchlen {
                matches.push((a_start, a_end, b_start, b_end, match_len));
            }
            a_start = alen;
        }
    }
    if !getidx {
        ctx.reply.bulk(&result);
        return;
    }
    ctx.reply.map(2);
    ctx.reply.bulk(b"matches");
    ctx.reply.array(matches.len());
    for (a0, a1, b0, b1, len) in matches {
        ctx.reply.array(2 + withmatchlen as usize);
        ctx.reply.array(2);
        ctx.reply.int(a0 as i64);
        ctx.reply.int(a1 as i64);
        ctx.reply.array(2);
        ctx.reply.int(b0 as i64);
        ctx.reply.int(b1 as i64);
        if withmatchlen {
            ctx.reply.int(len as i64);
        }
    }
    ctx.reply.bulk(b"len");
    ctx.reply.int(total as i64);
}
