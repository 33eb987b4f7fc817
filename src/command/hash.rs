//! Hash commands (Redis's `t_hash.c`). Their table rows live here, beside
//! the handlers, and are merged into the command table by
//! `table::all_commands`. HSET and HMSET share `hset_generic`; HGETALL,
//! HKEYS and HVALS share `getall_generic`.

use super::keys::{ScanOpts, parse_scan_opts};
use super::table::{CommandDef, KEY1, c, flags::*};
use super::{Args, Ctx, arg_i64, notify};
use crate::db::hash::{Hash, Limits};
use crate::db::{Db, Kind, Obj};
use crate::server::state::Rng;
use crate::util::glob::string_match;
use crate::util::number::{LongDouble, parse_i64};

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("hdel", -3, WRITE | FAST, KEY1, "hash", hdel),
    c("hexists", 3, READONLY | FAST, KEY1, "hash", hexists),
    c("hget", 3, READONLY | FAST, KEY1, "hash", hget),
    c("hgetall", 2, READONLY, KEY1, "hash", hgetall),
    c("hincrby", 4, WRITE | DENYOOM | FAST, KEY1, "hash", hincrby),
    c("hincrbyfloat", 4, WRITE | DENYOOM | FAST, KEY1, "hash", hincrbyfloat),
    c("hkeys", 2, READONLY, KEY1, "hash", hkeys),
    c("hlen", 2, READONLY | FAST, KEY1, "hash", hlen),
    c("hmget", -3, READONLY | FAST, KEY1, "hash", hmget),
    c("hmset", -4, WRITE | DENYOOM | FAST, KEY1, "hash", hmset),
    c("hrandfield", -2, READONLY, KEY1, "hash", hrandfield),
    c("hscan", -3, READONLY, KEY1, "hash", hscan),
    c("hset", -4, WRITE | DENYOOM | FAST, KEY1, "hash", hset),
    c("hsetnx", 4, WRITE | DENYOOM | FAST, KEY1, "hash", hsetnx),
    c("hstrlen", 3, READONLY | FAST, KEY1, "hash", hstrlen),
    c("hvals", 2, READONLY, KEY1, "hash", hvals),
];

// ---- helpers --------------------------------------------------------------------------

fn hash_ref(db: &Db, id: u32) -> &Hash {
    match db.obj(id) {
        Obj::Hash(h) => h,
        _ => unreachable!("kind checked by the typed lookup"),
    }
}

fn hash_mut(db: &mut Db, id: u32) -> &mut Hash {
    match db.obj_mut(id) {
        Obj::Hash(h) => h,
        _ => unreachable!("kind checked by the typed lookup"),
    }
}

/// The conversion thresholds in force for this command.
fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.st.config.hash_max_listpack_entries,
        max_value: ctx.st.config.hash_max_listpack_value,
    }
}

/// Redis's `hashTypeLookupWriteOrCreate`: the hash at `key`, created empty
/// if absent. `Err` means WRONGTYPE was replied.
fn lookup_or_create(ctx: &mut Ctx, key: &[u8]) -> Result<u32, ()> {
    match ctx.lookup_typed_write(key, Kind::Hash)? {
        Some(id) => Ok(id),
        None => Ok(ctx.add_obj(key, Obj::Hash(Hash::new()))),
    }
}

/// The hash at `key` for reading; `Err` on WRONGTYPE (replied) and, when
/// absent, replies `missing` and returns `Err` too.
fn lookup_or_reply(ctx: &mut Ctx, key: &[u8], missing: fn(&mut Ctx)) -> Result<u32, ()> {
    match ctx.lookup_typed_read(key, Kind::Hash)? {
        Some(id) => Ok(id),
        None => {
            missing(ctx);
            Err(())
        }
    }
}

fn reply_zero(ctx: &mut Ctx) {
    ctx.reply.int(0);
}

fn reply_empty_array(ctx: &mut Ctx) {
    ctx.reply.array(0);
}

// ---- HSET family --------------------------------------------------------------------------

/// Sets the field/value pairs of `args[2..]` and replies (HSET: how many
/// fields were new; HMSET: OK). Redis publishes `hset` even when nothing
/// changed.
fn hset_generic(ctx: &mut Ctx, args: &Args, count_reply: bool) {
    if args.len() % 2 == 1 {
        let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
        ctx.reply
            .error_fmt(format_args!("ERR wrong number of arguments for '{name}' command"));
        return;
    }
    let Ok(id) = lookup_or_create(ctx, &args[1]) else {
        return;
    };
    let limits = limits(ctx);
    let h = hash_mut(&mut ctx.st.dbs[ctx.db], id);
    h.try_conversion(args.iter().skip(2).map(<[u8]>::len), limits);
    let mut created = 0;
    for i in (2..args.len()).step_by(2) {
        created += h.set(&args[i], &args[i + 1], limits) as i64;
    }
    if count_reply {
        ctx.reply.int(created);
    } else {
        ctx.reply.ok();
    }
    ctx.notify(notify::HASH, "hset", &args[1]);
    ctx.dirty((args.len() as u64 - 2) / 2);
}

/// `HSET key field value [field value ...]`
pub fn hset(ctx: &mut Ctx, args: &Args) {
    hset_generic(ctx, args, true);
}

/// `HMSET key field value [field value ...]`
pub fn hmset(ctx: &mut Ctx, args: &Args) {
    hset_generic(ctx, args, false);
}

/// `HSETNX key field value`
pub fn hsetnx(ctx: &mut Ctx, args: &Args) {
    let Ok(id) = lookup_or_create(ctx, &args[1]) else {
        return;
    };
    let limits = limits(ctx);
    let h = hash_mut(&mut ctx.st.dbs[ctx.db], id);
    if h.get(&args[2]).is_some() {
        ctx.reply.int(0);
        return;
    }
    h.try_conversion([args[2].len(), args[3].len()].into_iter(), limits);
    h.set(&args[2], &args[3], limits);
    ctx.reply.int(1);
    ctx.notify(notify::HASH, "hset", &args[1]);
    ctx.dirty(1);
}

// ---- reads --------------------------------------------------------------------------------

/// `HGET key field`
pub fn hget(ctx: &mut Ctx, args: &Args) {
    let Ok(id) = lookup_or_reply(ctx, &args[1], |ctx| ctx.reply.null()) else {
        return;
    };
    let value = hash_ref(&ctx.st.dbs[ctx.db], id).get(&args[2]);
    ctx.reply.bulk_or_null(value);
}

/// `HMGET key field [field ...]`: a missing key is an empty hash.
pub fn hmget(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::Hash) else {
        return;
    };
    ctx.reply.array(args.len() - 2);
    let h = found.map(|id| hash_ref(&ctx.st.dbs[ctx.db], id));
    for field in args.iter().skip(2) {
        ctx.reply.bulk_or_null(h.and_then(|h| h.get(field)));
    }
}

/// `HEXISTS key field`
pub fn hexists(ctx: &mut Ctx, args: &Args) {
    let Ok(id) = lookup_or_reply(ctx, &args[1], reply_zero) else {
        return;
    };
    let exists = hash_ref(&ctx.st.dbs[ctx.db], id).get(&args[2]).is_some();
    ctx.reply.int(exists as i64);
}

/// `HLEN key`
pub fn hlen(ctx: &mut Ctx, args: &Args) {
    let Ok(id) = lookup_or_reply(ctx, &args[1], reply_zero) else {
        return;
    };
    let len = hash_ref(&ctx.st.dbs[ctx.db], id).len();
    ctx.reply.int(len as i64);
}

/// `HSTRLEN key field`
pub fn hstrlen(ctx: &mut Ctx, args: &Args) {
    let Ok(id) = lookup_or_reply(ctx, &args[1], reply_zero) else {
        return;
    };
    let len = hash_ref(&ctx.st.dbs[ctx.db], id).get(&args[2]).map_or(0, <[u8]>::len);
    ctx.reply.int(len as i64);
}

/// Replies fields, values or both (a map) of the hash at `args[1]`.
fn getall_generic(ctx: &mut Ctx, args: &Args, fields: bool, values: bool) {
    let both = fields && values;
    let missing: fn(&mut Ctx) = if both {
        |ctx| ctx.reply.map(0)
    } else {
        reply_empty_array
    };
    let Ok(id) = lookup_or_reply(ctx, &args[1], missing) else {
        return;
    };
    let h = hash_ref(&ctx.st.dbs[ctx.db], id);
    if both {
        ctx.reply.map(h.len());
    } else {
        ctx.reply.array(h.len());
    }
    for (field, value) in h.iter() {
        if fields {
            ctx.reply.bulk(field);
        }
        if values {
            ctx.reply.bulk(value);
        }
    }
}

/// `HGETALL key`
pub fn hgetall(ctx: &mut Ctx, args: &Args) {
    getall_generic(ctx, args, true, true);
}

/// `HKEYS key`
pub fn hkeys(ctx: &mut Ctx, args: &Args) {
    getall_generic(ctx, args, true, false);
}

/// `HVALS key`
pub fn hvals(ctx: &mut Ctx, args: &Args) {
    getall_generic(ctx, args, false, true);
}

// ---- HDEL ----------------------------------------------------------------------------------

/// `HDEL key field [field ...]`: the key goes once its last field does.
pub fn hdel(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::Hash) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.int(0);
        return;
    };
    let h = hash_mut(&mut ctx.st.dbs[ctx.db], id);
    let mut deleted = 0;
    for field in args.iter().skip(2) {
        if h.delete(field) {
            deleted += 1;
            if h.is_empty() {
                break;
            }
        }
    }
    let removed = ctx.delete_if_empty(id);
    if deleted > 0 {
        ctx.notify(notify::HASH, "hdel", &args[1]);
        if removed {
            ctx.notify(notify::GENERIC, "del", &args[1]);
        }
        ctx.dirty(deleted);
    }
    ctx.reply.int(deleted as i64);
}

// ---- increments ----------------------------------------------------------------------------

/// `HINCRBY key field increment`
pub fn hincrby(ctx: &mut Ctx, args: &Args) {
    let Some(incr) = arg_i64(ctx.reply, &args[3]) else {
        return;
    };
    let Ok(id) = lookup_or_create(ctx, &args[1]) else {
        return;
    };
    let limits = limits(ctx);
    let h = hash_mut(&mut ctx.st.dbs[ctx.db], id);
    let current = match h.get(&args[2]) {
        None => 0,
        Some(v) => match parse_i64(v) {
            Some(n) => n,
            None => {
                ctx.reply.error(b"ERR hash value is not an integer");
                return;
            }
        },
    };
    let Some(sum) = current.checked_add(incr) else {
        ctx.reply.error(b"ERR increment or decrement would overflow");
        return;
    };
    let mut digits = [0u8; 20];
    let len = crate::util::number::format_i64(&mut digits, sum);
    h.set(&args[2], &digits[..len], limits);
    ctx.reply.int(sum);
    ctx.notify(notify::HASH, "hincrby", &args[1]);
    ctx.dirty(1);
}

/// `HINCRBYFLOAT key field increment`, in long-double arithmetic as Redis.
pub fn hincrbyfloat(ctx: &mut Ctx, args: &Args) {
    let Some(incr) = LongDouble::parse(&args[3]) else {
        ctx.reply.error(b"ERR value is not a valid float");
        return;
    };
    if incr.is_nan() || incr.is_infinite() {
        ctx.reply.error(b"ERR value is NaN or Infinity");
        return;
    }
    let Ok(id) = lookup_or_create(ctx, &args[1]) else {
        return;
    };
    let limits = limits(ctx);
    let h = hash_mut(&mut ctx.st.dbs[ctx.db], id);
    let current = match h.get(&args[2]) {
        None => LongDouble::from_i64(0),
        Some(v) => match LongDouble::parse(v) {
            Some(n) => n,
            None => {
                ctx.reply.error(b"ERR hash value is not a float");
                return;
            }
        },
    };
    let sum = current.add(incr);
    if !sum.is_finite() {
        ctx.reply.error(b"ERR increment would produce NaN or Infinity");
        return;
    }
    let mut text = Vec::with_capacity(32);
    sum.write_human(&mut text);
    h.set(&args[2], &text, limits);
    ctx.reply.bulk(&text);
    ctx.notify(notify::HASH, "hincrbyfloat", &args[1]);
    ctx.dirty(1);
    ctx.propagate_as(&[b"HSET", &args[1], &args[2], &text]);
}

// ---- HRANDFIELD ------------------------------------------------------------------------------

/// `HRANDFIELD key [count [WITHVALUES]]`
pub fn hrandfield(ctx: &mut Ctx, args: &Args) {
    if args.len() >= 3 {
        let Some(count) = arg_i64(ctx.reply, &args[2]) else {
            return;
        };
        if count == i64::MIN {
            ctx.reply.error_fmt(format_args!(
                "ERR value is out of range, value must between {} and {}",
                -i64::MAX,
                i64::MAX
            ));
            return;
        }
        if args.len() > 4 || (args.len() == 4 && !args.is(3, "withvalues")) {
            ctx.reply.syntax_error();
            return;
        }
        let withvalues = args.len() == 4;
        if withvalues && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
            ctx.reply.error(b"ERR value is out of range");
            return;
        }
        hrandfield_with_count(ctx, args, count, withvalues);
        return;
    }
    let Ok(id) = lookup_or_reply(ctx, &args[1], |ctx| ctx.reply.null()) else {
        return;
    };
    let db = &ctx.st.dbs[ctx.db];
    let rng = &mut ctx.st.rng;
    let h = hash_ref(db, id);
    let handle = h.random(|| rng.next_u64()).expect("stored hashes are never empty");
    ctx.reply.bulk(h.pair(handle).0);
}

/// Writes one HRANDFIELD element: the field, or with values a pair (a
/// nested array in RESP3, flat in RESP2).
fn reply_random_pair(reply: &mut crate::resp::reply::Reply, pair: (&[u8], &[u8]), withvalues: bool) {
    if withvalues && reply.resp3() {
        reply.array(2);
    }
    reply.bulk(pair.0);
    if withvalues {
        reply.bulk(pair.1);
    }
}

/// A random pair's handle, drawn from `offsets` (a listpack's pairs, walked
/// once per command) when given, else from the hash itself.
fn pick(h: &Hash, offsets: &[usize], rng: &mut Rng) -> usize {
    if offsets.is_empty() {
        h.random(|| rng.next_u64()).expect("stored hashes are never empty")
    } else {
        offsets[(rng.next_u64() % offsets.len() as u64) as usize]
    }
}

/// Redis's `hrandfieldWithCountCommand`: a negative count may repeat
/// fields, a positive one returns distinct fields (the whole hash when it
/// has no more than `count`).
fn hrandfield_with_count(ctx: &mut Ctx, args: &Args, count: i64, withvalues: bool) {
    let Ok(id) = lookup_or_reply(ctx, &args[1], reply_empty_array) else {
        return;
    };
    let (uniq, count) = (count >= 0, count.unsigned_abs());
    if count == 0 {
        ctx.reply.array(0);
        return;
    }
    let cap = ctx.st.config.value("proto-max-bulk-len");
    let cap = parse_i64(cap).unwrap_or(512 << 20).max(0) as usize;
    let db = &ctx.st.dbs[ctx.db];
    let rng = &mut ctx.st.rng;
    let h = hash_ref(db, id);
    let size = h.len() as u64;
    let flat = if withvalues && !ctx.reply.resp3() { 2 } else { 1 };

    // CASE 1: repeats allowed (or a single pick), in random order.
    if !uniq || count == 1 {
        ctx.reply.array((count * flat) as usize);
        let start = ctx.reply.pending();
        // A listpack is walked once for its pairs' offsets, not per pick.
        let offsets = if h.is_listpack() { h.handles() } else { Vec::new() };
        for _ in 0..count {
            let handle = pick(h, &offsets, rng);
            reply_random_pair(ctx.reply, h.pair(handle), withvalues);
            // Redis would grow the reply without bound; past
            // proto-max-bulk-len bytes the client is closed instead, as
            // an output-buffer limit would.
            if ctx.reply.pending() - start > cap {
                ctx.clients[ctx.me].close_after_reply = true;
                break;
            }
        }
        return;
    }
    let picked = count.min(size);
    ctx.reply.array((picked * flat) as usize);
    // CASE 2: the whole hash.
    if count >= size {
        for pair in h.iter() {
            reply_random_pair(ctx.reply, pair, withvalues);
        }
        return;
    }
    // CASES 3 and 4: distinct random picks. With few fields to leave out,
    // drop random ones from the full list; otherwise draw until enough
    // distinct ones were found.
    let count = count as usize;
    let handles: Vec<usize> = if (count as u64) * 3 > size {
        let mut all = h.handles();
        while all.len() > count {
            let i = (rng.next_u64() % all.len() as u64) as usize;
            all.swap_remove(i);
        }
        all
    } else {
        let offsets = if h.is_listpack() { h.handles() } else { Vec::new() };
        let mut seen = hashbrown::HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let handle = pick(h, &offsets, rng);
            if seen.insert(handle) {
                out.push(handle);
            }
        }
        out
    };
    for handle in handles {
        reply_random_pair(ctx.reply, h.pair(handle), withvalues);
    }
}

// ---- HSCAN --------------------------------------------------------------------------------------

/// `HSCAN key cursor [MATCH pattern] [COUNT count]`: a listpack is
/// returned whole with cursor 0, a hashtable is walked as SCAN walks keys.
pub fn hscan(ctx: &mut Ctx, args: &Args) {
    let Some(mut cursor) = super::keys::parse_cursor(&args[2]) else {
        ctx.reply.error(b"ERR invalid cursor");
        return;
    };
    let missing: fn(&mut Ctx) = |ctx| {
        ctx.reply.array(2);
        ctx.reply.bulk(b"0");
        ctx.reply.array(0);
    };
    let Ok(id) = lookup_or_reply(ctx, &args[1], missing) else {
        return;
    };
    let Some(ScanOpts { count, pattern, .. }) = parse_scan_opts(ctx, args, 3, false) else {
        return;
    };
    let h = hash_ref(&ctx.st.dbs[ctx.db], id);
    let mut found: Vec<(&[u8], &[u8])> = Vec::new();
    if h.is_listpack() {
        found.extend(h.iter());
        cursor = 0;
    } else {
        // Each field brings its value: Redis doubles the count.
        let want = count.saturating_mul(2) as u64;
        let mut iterations = want.saturating_mul(10);
        loop {
            cursor = h.scan_step(cursor, |handle| found.push(h.pair(handle))).unwrap_or(0);
            if cursor == 0 || iterations == 0 || found.len() as u64 * 2 >= want {
                break;
            }
            iterations -= 1;
        }
    }
    if let Some(p) = pattern {
        found.retain(|(field, _)| string_match(p, field, false));
    }
    ctx.reply.array(2);
    ctx.reply.bulk(cursor.to_string().as_bytes());
    ctx.reply.array(found.len() * 2);
    for (field, value) in found {
        ctx.reply.bulk(field);
        ctx.reply.bulk(value);
    }
}
