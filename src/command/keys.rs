//! Keyspace commands (Redis's `db.c` and `object.c` user side): deletion,
//! existence, iteration (KEYS, SCAN, RANDOMKEY), renaming and copying
//! between keys and databases, whole-database operations and OBJECT.

use super::{Args, Ctx, arg_i64, notify};
use crate::db::{Db, Flushed, Free};
use crate::util::glob::string_match;

/// The shared body of DEL and UNLINK: deletes each key, replies the count.
/// `lazy` frees big collections on the lazyfree thread (UNLINK, or DEL
/// under `lazyfree-lazy-user-del`).
fn del_generic(ctx: &mut Ctx, args: &Args, lazy: bool) {
    let now = ctx.now;
    let mut deleted = 0;
    for key in args.iter().skip(1) {
        let db = ctx.db();
        if let Some(id) = db.lookup(key, now) {
            db.remove_with(id, if lazy { Free::Lazy } else { Free::Inline });
            ctx.notify(notify::GENERIC, "del", key);
            deleted += 1;
        }
    }
    ctx.dirty(deleted as u64);
    ctx.reply.int(deleted);
}

/// `DEL key [key ...]`
pub fn del(ctx: &mut Ctx, args: &Args) {
    let lazy = ctx.st.config.lazyfree_user_del;
    del_generic(ctx, args, lazy);
}

/// `UNLINK key [key ...]`
pub fn unlink(ctx: &mut Ctx, args: &Args) {
    del_generic(ctx, args, true);
}

/// Looks `key` up for reading without updating its access time (Redis's
/// `LOOKUP_NOTOUCH`: EXISTS, TYPE, TTL, OBJECT), still counting a keyspace
/// hit or miss.
pub fn lookup_read_notouch(ctx: &mut Ctx, key: &[u8]) -> Option<u32> {
    lookup_notouch(ctx, key, true)
}

/// `lookup_read_notouch`; a miss is a `keymiss` event only if `notify_miss`
/// (OBJECT looks keys up with Redis's `LOOKUP_NONOTIFY`).
fn lookup_notouch(ctx: &mut Ctx, key: &[u8], notify_miss: bool) -> Option<u32> {
    let now = ctx.now;
    let found = ctx.st.dbs[ctx.db].lookup_touch(key, now, false);
    if found.is_some() {
        ctx.st.stats.keyspace_hits += 1;
    } else {
        ctx.st.stats.keyspace_misses += 1;
        ctx.publish_db_notes();
        if notify_miss {
            ctx.notify(notify::KEY_MISS, "keymiss", key);
        }
    }
    found
}

/// The shared body of EXISTS and TOUCH: counts the keys present (repeats
/// count again); TOUCH also updates their access time.
fn count_existing(ctx: &mut Ctx, args: &Args, touch: bool) {
    let mut n = 0;
    for key in args.iter().skip(1) {
        let found = if touch {
            ctx.lookup_read(key)
        } else {
            lookup_read_notouch(ctx, key)
        };
        n += found.is_some() as i64;
    }
    ctx.reply.int(n);
}

/// `EXISTS key [key ...]`
pub fn exists(ctx: &mut Ctx, args: &Args) {
    count_existing(ctx, args, false);
}

/// `TOUCH key [key ...]`
pub fn touch(ctx: &mut Ctx, args: &Args) {
    count_existing(ctx, args, true);
}

/// `TYPE key`
pub fn type_(ctx: &mut Ctx, args: &Args) {
    let name = match lookup_read_notouch(ctx, &args[1]) {
        Some(id) => ctx.db().kind(id).name(),
        None => "none",
    };
    ctx.reply.simple(name.as_bytes());
}

/// `KEYS pattern`
pub fn keys(ctx: &mut Ctx, args: &Args) {
    let pattern = &args[1];
    let all = pattern == b"*";
    let now = ctx.now;
    let at = ctx.reply.begin_deferred();
    let mut n = 0;
    let (db, me) = (&ctx.st.dbs[ctx.db], &mut ctx.clients[ctx.me]);
    let limits = &ctx.st.config.client_output_limits;
    let mut over_limit = false;
    for id in db.ids() {
        let key = db.key(id);
        if (all || string_match(pattern, key, false)) && !db.is_expired(id, now) {
            ctx.reply.bulk(key);
            n += 1;
            // As Redis, stop once the client is to be closed for its
            // output buffer limit.
            if n % 64 == 0 && me.close_on_output_limit(Some(ctx.reply), limits, now, true) {
                over_limit = true;
                break;
            }
        }
    }
    ctx.reply.end_array(at, n);
    if over_limit {
        ctx.st.stats.client_obuf_limit_disconnections += 1;
        ctx.st.kill(ctx.me);
    }
}

/// Parses a SCAN cursor as Redis does (`strtoul`, rejecting leading space,
/// trailing bytes and overflow).
pub fn parse_cursor(arg: &[u8]) -> Option<u64> {
    let (neg, digits) = match arg.first() {
        Some(b'-') => (true, &arg[1..]),
        Some(b'+') => (false, &arg[1..]),
        Some(c) if c.is_ascii_whitespace() => return None,
        _ => (false, arg),
    };
    if digits.is_empty() {
        return if arg.is_empty() { Some(0) } else { None };
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// Options of SCAN and its per-type forms (HSCAN, SSCAN, ZSCAN).
pub struct ScanOpts<'a> {
    pub count: i64,
    /// None when absent or `*` (everything matches).
    pub pattern: Option<&'a [u8]>,
    pub kind: Option<&'a [u8]>,
}

/// Parses `[MATCH pattern] [COUNT count] [TYPE type]` from `args[from..]`
/// (TYPE only for SCAN itself), replying Redis's errors: a non-integer
/// COUNT, COUNT below 1 or anything else is an error.
pub fn parse_scan_opts<'a>(ctx: &mut Ctx, args: &Args<'a>, from: usize, with_type: bool) -> Option<ScanOpts<'a>> {
    let mut opts = ScanOpts {
        count: 10,
        pattern: None,
        kind: None,
    };
    let mut i = from;
    while i < args.len() {
        let more = i + 1 < args.len();
        if args.is(i, "count") && more {
            let n = arg_i64(ctx.reply, &args[i + 1])?;
            if n < 1 {
                ctx.reply.syntax_error();
                return None;
            }
            opts.count = n;
        } else if args.is(i, "match") && more {
            opts.pattern = Some(args.get(i + 1)).filter(|p| *p != b"*");
        } else if with_type && args.is(i, "type") && more {
            opts.kind = Some(args.get(i + 1));
        } else {
            ctx.reply.syntax_error();
            return None;
        }
        i += 2;
    }
    Some(opts)
}

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`
pub fn scan(ctx: &mut Ctx, args: &Args) {
    let Some(mut cursor) = parse_cursor(&args[1]) else {
        ctx.reply.error(b"ERR invalid cursor");
        return;
    };
    let Some(ScanOpts { count, pattern, kind }) = parse_scan_opts(ctx, args, 2, true) else {
        return;
    };
    // Keys are copied out: filtering may delete some, which frees handles.
    let db = &ctx.st.dbs[ctx.db];
    let mut found: Vec<Vec<u8>> = Vec::new();
    let mut iterations = count.saturating_mul(10);
    loop {
        cursor = db.scan_step(cursor, |_, node| found.push(node.key().to_vec()));
        iterations -= 1;
        if cursor == 0 || iterations <= 0 || found.len() as i64 >= count {
            break;
        }
    }
    found.retain(|key| scan_keep(ctx, key, pattern, kind));
    ctx.reply.array(2);
    let mut digits = [0u8; 20];
    let len = format_u64(&mut digits, cursor);
    ctx.reply.bulk(&digits[..len]);
    ctx.reply.array(found.len());
    for key in &found {
        ctx.reply.bulk(key);
    }
}

/// SCAN's filter, in Redis's order: the pattern first (a key it rejects is
/// left alone even if expired); then, with TYPE, a read lookup that counts a
/// keyspace hit or miss and deletes an expired key, whose type is then
/// "none" (so `TYPE none` lists expired keys, as in Redis); without TYPE,
/// an expired key is deleted and left out.
fn scan_keep(ctx: &mut Ctx, key: &[u8], pattern: Option<&[u8]>, kind: Option<&[u8]>) -> bool {
    if pattern.is_some_and(|p| !string_match(p, key, false)) {
        return false;
    }
    match kind {
        Some(kind) => {
            let name = lookup_read_notouch(ctx, key).map_or("none", |id| ctx.db().kind(id).name());
            kind.eq_ignore_ascii_case(name.as_bytes())
        }
        None => {
            let now = ctx.now;
            ctx.db().lookup(key, now).is_some()
        }
    }
}

fn format_u64(buf: &mut [u8; 20], mut v: u64) -> usize {
    let mut tmp = [0u8; 20];
    let mut n = 0;
    loop {
        tmp[n] = b'0' + (v % 10) as u8;
        n += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in 0..n {
        buf[i] = tmp[n - 1 - i];
    }
    n
}

/// `RANDOMKEY`
pub fn randomkey(ctx: &mut Ctx, _args: &Args) {
    let now = ctx.now;
    loop {
        let db = &ctx.st.dbs[ctx.db];
        let rng = &mut ctx.st.rng;
        let Some(id) = db.random(|| rng.next_u64()) else {
            ctx.reply.null();
            return;
        };
        if db.is_expired(id, now) {
            let key = db.key(id).to_vec();
            ctx.st.dbs[ctx.db].lookup(&key, now);
            continue;
        }
        let key = db.key(id).to_vec();
        ctx.reply.bulk(&key);
        return;
    }
}

/// `Db::transfer`, then wakes clients blocked on the destination key if a
/// list or sorted set arrived there (Redis signals readiness whenever such a key is added).
fn transfer(ctx: &mut Ctx, from: usize, id: u32, to: usize, key: &[u8], copy: bool) {
    let new = Db::transfer(&mut ctx.st.dbs, from, id, to, key, copy);
    if matches!(ctx.st.dbs[to].kind(new), crate::db::Kind::List | crate::db::Kind::ZSet) {
        ctx.st.blocking.signal_ready(to, key);
    }
}

/// The shared body of RENAME and RENAMENX.
fn rename_generic(ctx: &mut Ctx, args: &Args, nx: bool) {
    let (src, dst) = (&args[1], &args[2]);
    let Some(id) = ctx.lookup_write(src) else {
        ctx.reply.error(b"ERR no such key");
        return;
    };
    if src == dst {
        if nx {
            ctx.reply.int(0)
        } else {
            ctx.reply.ok()
        }
        return;
    }
    if let Some(existing) = ctx.lookup_write(dst) {
        if nx {
            ctx.reply.int(0);
            return;
        }
        ctx.db().remove_id(existing);
    }
    // The source handle may have moved if removing `dst` shrank nothing;
    // node handles are stable, so `id` is still valid.
    let db = ctx.db;
    transfer(ctx, db, id, db, dst, false);
    ctx.notify(notify::GENERIC, "rename_from", src);
    ctx.notify(notify::GENERIC, "rename_to", dst);
    ctx.dirty(1);
    if nx { ctx.reply.int(1) } else { ctx.reply.ok() }
}

/// `RENAME key newkey`
pub fn rename(ctx: &mut Ctx, args: &Args) {
    rename_generic(ctx, args, false);
}

/// `RENAMENX key newkey`
pub fn renamenx(ctx: &mut Ctx, args: &Args) {
    rename_generic(ctx, args, true);
}

/// Parses a database index as Redis's `getIntFromObjectOrReply` and
/// `selectDb` do (COPY, MOVE), replying their errors.
fn db_index(ctx: &mut Ctx, arg: &[u8]) -> Option<usize> {
    let n = arg_i64(ctx.reply, arg)?;
    if i32::try_from(n).is_err() {
        ctx.reply
            .error(b"ERR value is out of range, value must between -2147483648 and 2147483647");
        return None;
    }
    if n < 0 || n as usize >= ctx.st.dbs.len() {
        ctx.reply.error(b"ERR DB index is out of range");
        return None;
    }
    Some(n as usize)
}

/// `COPY source destination [DB destination-db] [REPLACE]`
pub fn copy(ctx: &mut Ctx, args: &Args) {
    let mut replace = false;
    let mut dst_db = ctx.db;
    let mut j = 3;
    while j < args.len() {
        if args.is(j, "replace") {
            replace = true;
        } else if args.is(j, "db") && j + 1 < args.len() {
            let Some(n) = db_index(ctx, &args[j + 1]) else {
                return;
            };
            dst_db = n;
            j += 1;
        } else {
            ctx.reply.syntax_error();
            return;
        }
        j += 1;
    }
    let (src, dst) = (&args[1], &args[2]);
    if dst_db == ctx.db && src == dst {
        ctx.reply.error(b"ERR source and destination objects are the same");
        return;
    }
    let Some(id) = ctx.lookup_read(src) else {
        ctx.reply.int(0);
        return;
    };
    let now = ctx.now;
    if let Some(existing) = ctx.st.dbs[dst_db].lookup(dst, now) {
        if !replace {
            ctx.reply.int(0);
            return;
        }
        ctx.st.dbs[dst_db].remove_id(existing);
    }
    let db = ctx.db;
    transfer(ctx, db, id, dst_db, dst, true);
    ctx.notify_db(notify::GENERIC, "copy_to", dst, dst_db);
    ctx.dirty(1);
    ctx.reply.int(1);
}

/// `MOVE key db`
pub fn move_(ctx: &mut Ctx, args: &Args) {
    let Some(dst_db) = db_index(ctx, &args[2]) else {
        return;
    };
    if dst_db == ctx.db {
        ctx.reply.error(b"ERR source and destination objects are the same");
        return;
    }
    let Some(id) = ctx.lookup_write(&args[1]) else {
        ctx.reply.int(0);
        return;
    };
    let now = ctx.now;
    if ctx.st.dbs[dst_db].lookup(&args[1], now).is_some() {
        ctx.reply.int(0);
        return;
    }
    let db = ctx.db;
    transfer(ctx, db, id, dst_db, &args[1], false);
    ctx.notify_db(notify::GENERIC, "move_from", &args[1], db);
    ctx.notify_db(notify::GENERIC, "move_to", &args[1], dst_db);
    ctx.dirty(1);
    ctx.reply.int(1);
}

/// `SWAPDB index1 index2`
pub fn swapdb(ctx: &mut Ctx, args: &Args) {
    let parse = |arg: &[u8]| crate::util::number::parse_i64(arg).filter(|&n| i32::try_from(n).is_ok());
    let Some(a) = parse(&args[1]) else {
        ctx.reply.error(b"ERR invalid first DB index");
        return;
    };
    let Some(b) = parse(&args[2]) else {
        ctx.reply.error(b"ERR invalid second DB index");
        return;
    };
    let n = ctx.st.dbs.len() as i64;
    if a < 0 || a >= n || b < 0 || b >= n {
        ctx.reply.error(b"ERR DB index is out of range");
        return;
    }
    ctx.st.dbs.swap(a as usize, b as usize);
    ctx.st.blocking.signal_db(a as usize);
    ctx.st.blocking.signal_db(b as usize);
    ctx.dirty(1);
    ctx.reply.ok();
}

/// `DBSIZE`
pub fn dbsize(ctx: &mut Ctx, _args: &Args) {
    let n = ctx.db().len();
    ctx.reply.int(n as i64);
}

/// Parses FLUSHDB/FLUSHALL's optional ASYNC|SYNC; Some(async) or a syntax error.
fn flush_mode(ctx: &mut Ctx, args: &Args) -> Option<bool> {
    match args.len() {
        1 => Some(ctx.st.config.lazyfree_user_flush),
        2 if args.is(1, "async") => Some(true),
        2 if args.is(1, "sync") => Some(false),
        _ => {
            ctx.reply.syntax_error();
            None
        }
    }
}

/// Drops flushed databases on the lazyfree thread, so a huge keyspace
/// does not stall the loop (the memory is owned, nothing is shared with
/// the loop). ASYNC counts every key as a lazily freed object, as Redis's
/// `emptyDbAsync`; SYNC sends only a big keyspace, uncounted.
pub(crate) fn free_flushed(flushed: Vec<Flushed>, lazy: bool, keys: usize) {
    if lazy {
        crate::lazyfree::free_keys(flushed, keys as u64);
    } else if flushed.iter().map(Flushed::len).sum::<usize>() > crate::lazyfree::THRESHOLD
        || flushed.iter().any(Flushed::is_big)
    {
        crate::lazyfree::free_quietly(flushed);
    }
}

/// `FLUSHDB [ASYNC|SYNC]`
pub fn flushdb(ctx: &mut Ctx, args: &Args) {
    let Some(lazy) = flush_mode(ctx, args) else {
        return;
    };
    let n = ctx.db().len();
    let dict = ctx.db().flush();
    free_flushed(vec![dict], lazy, n);
    ctx.dirty(n as u64);
    ctx.force_propagation();
    ctx.reply.ok();
}

/// `FLUSHALL [ASYNC|SYNC]`
pub fn flushall(ctx: &mut Ctx, args: &Args) {
    let Some(lazy) = flush_mode(ctx, args) else {
        return;
    };
    let n: usize = ctx.st.dbs.iter().map(Db::len).sum();
    // A background save is stopped first: it would owe every key.
    crate::persist::control::abort_bgsave(ctx.st);
    let flushed = ctx.st.dbs.iter_mut().map(Db::flush).collect();
    free_flushed(flushed, lazy, n);
    ctx.st.repl.clear_own_ttls();
    ctx.dirty(n as u64);
    ctx.force_propagation();
    crate::persist::control::after_flushall(ctx.st);
    ctx.reply.ok();
}

// ---- OBJECT ---------------------------------------------------------------------------

/// Looks `args[2]` up without touching it; replies null when absent.
fn object_lookup(ctx: &mut Ctx, args: &Args) -> Option<u32> {
    let found = lookup_notouch(ctx, &args[2], false);
    if found.is_none() {
        ctx.reply.null();
    }
    found
}

fn lfu_policy(ctx: &Ctx) -> bool {
    ctx.st.config.value("maxmemory-policy").ends_with(b"-lfu")
}

/// `OBJECT ENCODING key`
pub fn object_encoding(ctx: &mut Ctx, args: &Args) {
    if let Some(id) = object_lookup(ctx, args) {
        let enc = ctx.db().encoding(id);
        ctx.reply.bulk(enc.as_bytes());
    }
}

/// `OBJECT REFCOUNT key`: shared small integers report INT_MAX, as in Redis.
pub fn object_refcount(ctx: &mut Ctx, args: &Args) {
    if let Some(id) = object_lookup(ctx, args) {
        let shared = ctx.db().is_shared(id);
        ctx.reply.int(if shared { i32::MAX as i64 } else { 1 });
    }
}

/// `OBJECT IDLETIME key`
pub fn object_idletime(ctx: &mut Ctx, args: &Args) {
    let Some(id) = object_lookup(ctx, args) else {
        return;
    };
    if lfu_policy(ctx) {
        ctx.reply.error(b"ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    let now = ctx.now;
    let idle = ctx.db().idle_seconds(id, now);
    ctx.reply.int(idle as i64);
}

/// `OBJECT FREQ key`
pub fn object_freq(ctx: &mut Ctx, args: &Args) {
    let Some(id) = object_lookup(ctx, args) else { return };
    if !lfu_policy(ctx) {
        ctx.reply.error(b"ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    let now = ctx.now;
    let freq = ctx.db().lfu_counter(id, now);
    ctx.reply.int(freq as i64);
}

/// `OBJECT HELP`
pub fn object_help(ctx: &mut Ctx, _args: &Args) {
    super::server::reply_help(
        ctx,
        "OBJECT",
        &[
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ],
    );
}
