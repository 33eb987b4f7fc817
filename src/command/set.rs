//! Set commands (Redis's `t_set.c`). Their table rows live here, beside the
//! handlers, and are merged into the command table by
//! `table::all_commands`. The multi-key operations share two generic
//! bodies, as in Redis: `sinter_generic` (SINTER, SMEMBERS, SINTERSTORE,
//! SINTERCARD) and `sunion_diff_generic` (SUNION, SDIFF and their STORE
//! forms, and SPOP of a whole set).

use log::warn;

use super::keys::{ScanOpts, parse_cursor, parse_scan_opts};
use super::table::flags::*;
use super::table::{CommandDef, KEY1, NOKEYS, c};
use super::{Args, Ctx, Replied, arg_i64, notify};
use crate::db::set::{Member, Set};
use crate::db::{Db, Kind, Obj};
use crate::util::glob::string_match;
use crate::util::number::parse_i64;

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("sadd", -3, WRITE | DENYOOM | FAST, KEY1, "set", sadd),
    c("scard", 2, READONLY | FAST, KEY1, "set", scard),
    c("sdiff", -2, READONLY, (1, -1, 1), "set", sdiff),
    c("sdiffstore", -3, WRITE | DENYOOM, (1, -1, 1), "set", sdiffstore),
    c("sinter", -2, READONLY, (1, -1, 1), "set", sinter),
    c("sintercard", -3, READONLY, NOKEYS, "set", sintercard),
    c("sinterstore", -3, WRITE | DENYOOM, (1, -1, 1), "set", sinterstore),
    c("sismember", 3, READONLY | FAST, KEY1, "set", sismember),
    c("smembers", 2, READONLY, KEY1, "set", smembers),
    c("smismember", -3, READONLY | FAST, KEY1, "set", smismember),
    c("smove", 4, WRITE | FAST, (1, 2, 1), "set", smove),
    c("spop", -2, WRITE | FAST, KEY1, "set", spop),
    c("srandmember", -2, READONLY, KEY1, "set", srandmember),
    c("srem", -3, WRITE | FAST, KEY1, "set", srem),
    c("sscan", -3, READONLY, KEY1, "set", sscan),
    c("sunion", -2, READONLY, (1, -1, 1), "set", sunion),
    c("sunionstore", -3, WRITE | DENYOOM, (1, -1, 1), "set", sunionstore),
];

/// SPOP with a count uses "keep the survivors" instead of "pop one by one"
/// once the survivors are fewer than a fifth of the popped (Redis's
/// `SPOP_MOVE_STRATEGY_MUL`).
const SPOP_MOVE_STRATEGY_MUL: usize = 5;
/// SRANDMEMBER with a positive count removes random members from a copy
/// when the count is over a third of the set (`SRANDMEMBER_SUB_STRATEGY_MUL`).
const SRANDMEMBER_SUB_STRATEGY_MUL: usize = 3;
/// Largest reply SRANDMEMBER with a negative count may build. Redis keeps
/// appending until the client's output-buffer limit closes it (unlimited
/// for normal clients, so `SRANDMEMBER k -9223372036854775807` exhausts
/// memory); loopkv closes the connection at this size instead.
const RANDOM_REPLY_LIMIT: usize = 256 << 20;

// ---- helpers ----------------------------------------------------------------------

fn set_ref(db: &Db, id: u32) -> &Set {
    match db.obj(id) {
        Obj::Set(s) => s,
        _ => unreachable!("node {id} is not a set"),
    }
}

fn set_mut(db: &mut Db, id: u32) -> &mut Set {
    match db.obj_mut(id) {
        Obj::Set(s) => s,
        _ => unreachable!("node {id} is not a set"),
    }
}

/// `set-max-intset-entries`, read once per command.
fn max_intset(ctx: &Ctx) -> usize {
    ctx.st.config.set_max_intset_entries
}

fn reply_member(reply: &mut crate::resp::reply::Reply, m: Member) {
    match m {
        Member::Int(n) => reply.bulk_i64(n),
        Member::Bytes(b) => reply.bulk(b),
    }
}

/// Stores `set` under `dst`, replacing any value and TTL (Redis's
/// `setKey`), and publishes `event`; or, if `set` is empty, deletes `dst`.
/// Replies the stored size.
fn store_result(ctx: &mut Ctx, dst: &[u8], set: Set, event: &str) {
    if set.is_empty() {
        ctx.reply.int(0);
        delete_dst(ctx, dst);
        return;
    }
    let len = set.len();
    ctx.set_key_obj(dst, Obj::Set(set));
    ctx.reply.int(len as i64);
    ctx.notify(notify::SET, event, dst);
    ctx.dirty(1);
}

/// Deletes the destination of an empty *STORE result, if it was there,
/// even with its TTL passed (Redis's `dbDelete`): a `del` event.
fn delete_dst(ctx: &mut Ctx, dst: &[u8]) {
    if ctx.db_delete(dst) {
        ctx.notify(notify::GENERIC, "del", dst);
        ctx.dirty(1);
    }
}

/// Looks each key up for reading; a missing key is None. Err means a key
/// held another type and WRONGTYPE was replied.
fn lookup_sets<'k>(ctx: &mut Ctx, keys: impl Iterator<Item = &'k [u8]>) -> Result<Vec<Option<u32>>, Replied> {
    keys.map(|key| ctx.lookup_typed_read(key, Kind::Set)).collect()
}

// ---- single-key commands ----------------------------------------------------------

/// `SADD key member [member ...]`
pub fn sadd(ctx: &mut Ctx, args: &Args) {
    let key = &args[1];
    let Ok(found) = ctx.lookup_typed_write(key, Kind::Set) else {
        return;
    };
    let max = max_intset(ctx);
    let id = match found {
        Some(id) => id,
        None => ctx.add_obj(key, Obj::Set(Set::for_member(&args[2]))),
    };
    let set = set_mut(ctx.db(), id);
    let added = args.iter().skip(2).filter(|m| set.add(m, max)).count();
    if added > 0 {
        ctx.notify(notify::SET, "sadd", key);
    }
    ctx.dirty(added as u64);
    ctx.reply.int(added as i64);
}

/// `SREM key member [member ...]`
pub fn srem(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::Set) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.int(0);
        return;
    };
    let (mut deleted, mut removed) = (0, false);
    for member in args.iter().skip(2) {
        if set_mut(ctx.db(), id).remove(member) {
            deleted += 1;
            removed = ctx.delete_if_empty(id);
            if removed {
                break;
            }
        }
    }
    if deleted > 0 {
        ctx.notify(notify::SET, "srem", &args[1]);
        if removed {
            ctx.notify(notify::GENERIC, "del", &args[1]);
        }
        ctx.dirty(deleted);
    }
    ctx.reply.int(deleted as i64);
}

/// `SMOVE source destination member`
pub fn smove(ctx: &mut Ctx, args: &Args) {
    let (src_key, dst_key, member) = (&args[1], &args[2], &args[3]);
    let src = ctx.lookup_write(src_key);
    let dst = ctx.lookup_write(dst_key);
    let Some(src) = src else {
        ctx.reply.int(0);
        return;
    };
    if ctx.db().kind(src) != Kind::Set || dst.is_some_and(|d| ctx.db().kind(d) != Kind::Set) {
        ctx.reply.wrong_type();
        return;
    }
    if dst == Some(src) {
        let present = set_ref(ctx.db(), src).contains(member);
        ctx.reply.int(i64::from(present));
        return;
    }
    if !set_mut(ctx.db(), src).remove(member) {
        ctx.reply.int(0);
        return;
    }
    ctx.notify(notify::SET, "srem", src_key);
    if ctx.delete_if_empty(src) {
        ctx.notify(notify::GENERIC, "del", src_key);
    }
    let dst = match dst {
        Some(id) => id,
        None => ctx.add_obj(dst_key, Obj::Set(Set::for_member(member))),
    };
    ctx.dirty(1);
    let max = max_intset(ctx);
    if set_mut(ctx.db(), dst).add(member, max) {
        ctx.dirty(1);
        ctx.notify(notify::SET, "sadd", dst_key);
    }
    ctx.reply.int(1);
}

/// `SISMEMBER key member`
pub fn sismember(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::Set) else {
        return;
    };
    let present = found.is_some_and(|id| set_ref(ctx.db(), id).contains(&args[2]));
    ctx.reply.int(i64::from(present));
}

/// `SMISMEMBER key member [member ...]`: a missing key is an empty set.
pub fn smismember(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::Set) else {
        return;
    };
    ctx.reply.array(args.len() - 2);
    let db = &ctx.st.dbs[ctx.db];
    for member in args.iter().skip(2) {
        let present = found.is_some_and(|id| set_ref(db, id).contains(member));
        ctx.reply.int(i64::from(present));
    }
}

/// `SCARD key`
pub fn scard(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::Set) else {
        return;
    };
    let len = found.map_or(0, |id| set_ref(ctx.db(), id).len());
    ctx.reply.int(len as i64);
}

/// `SMEMBERS key`
pub fn smembers(ctx: &mut Ctx, args: &Args) {
    sinter_generic(ctx, args, 1..2, None, None);
}

// ---- random members -----------------------------------------------------------------

/// `SPOP key [count]`
pub fn spop(ctx: &mut Ctx, args: &Args) {
    if args.len() == 3 {
        spop_with_count(ctx, args);
        return;
    } else if args.len() > 3 {
        ctx.reply.syntax_error();
        return;
    }
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::Set) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.null();
        return;
    };
    let db = &mut ctx.st.dbs[ctx.db];
    let rng = &mut ctx.st.rng;
    let Obj::Set(set) = db.obj_mut(id) else { unreachable!() };
    let member = set.pop_random(|| rng.next_u64()).unwrap_or_default();
    ctx.notify(notify::SET, "spop", &args[1]);
    ctx.reply.bulk(&member);
    if ctx.delete_if_empty(id) {
        ctx.notify(notify::GENERIC, "del", &args[1]);
    }
    ctx.dirty(1);
    // A random pop is propagated as the member it took.
    ctx.propagate_as(&[b"SREM", &args[1], &member]);
}

/// `SPOP key count`: the whole set when `count` reaches its size, else
/// `count` random members, by one of Redis's two strategies.
fn spop_with_count(ctx: &mut Ctx, args: &Args) {
    let Some(count) = positive_arg(ctx, &args[2], b"ERR value is out of range, must be positive") else {
        return;
    };
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::Set) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.set(0);
        return;
    };
    if count == 0 {
        ctx.reply.set(0);
        return;
    }
    let size = set_ref(ctx.db(), id).len();
    ctx.notify(notify::SET, "spop", &args[1]);
    if count >= size {
        ctx.dirty(size as u64);
        sunion_diff_generic(ctx, args, 1..2, None, SetOp::Union);
        ctx.db().remove_id(id);
        ctx.notify(notify::GENERIC, "del", &args[1]);
        ctx.propagate_as(&[b"DEL", &args[1]]);
        return;
    }
    ctx.dirty(count as u64);
    ctx.reply.set(count);
    let remaining = size - count;
    let max = max_intset(ctx);
    let propagating = ctx.propagating();
    let mut popped: Vec<Vec<u8>> = Vec::new();
    let db = &mut ctx.st.dbs[ctx.db];
    let rng = &mut ctx.st.rng;
    let Obj::Set(set) = db.obj_mut(id) else { unreachable!() };
    if remaining * SPOP_MOVE_STRATEGY_MUL > count {
        for _ in 0..count {
            let member = set.pop_random(|| rng.next_u64()).unwrap_or_default();
            ctx.reply.bulk(&member);
            if propagating {
                popped.push(member);
            }
        }
    } else {
        // Move the survivors to a new set and reply what is left behind.
        let mut kept: Option<Set> = None;
        for _ in 0..remaining {
            let member = set.pop_random(|| rng.next_u64()).unwrap_or_default();
            kept.get_or_insert_with(|| Set::for_member(&member)).add(&member, max);
        }
        for m in set.iter() {
            if propagating {
                popped.push(m.to_vec());
            }
            reply_member(ctx.reply, m);
        }
        *set = kept.unwrap_or_default();
    }
    // Each member taken is propagated as its own SREM.
    for member in &popped {
        ctx.propagate_as(&[b"SREM", &args[1], member]);
    }
}

/// Parses a non-negative count, replying `msg` when it is negative or not
/// an integer (Redis's `getPositiveLongFromObjectOrReply`).
fn positive_arg(ctx: &mut Ctx, arg: &[u8], msg: &[u8]) -> Option<usize> {
    match parse_i64(arg) {
        Some(n) if n >= 0 => Some(n as usize),
        _ => {
            ctx.reply.error(msg);
            None
        }
    }
}

/// `SRANDMEMBER key [count]`
pub fn srandmember(ctx: &mut Ctx, args: &Args) {
    if args.len() == 3 {
        srandmember_with_count(ctx, args);
        return;
    } else if args.len() > 3 {
        ctx.reply.syntax_error();
        return;
    }
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::Set) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.null();
        return;
    };
    set_mut(&mut ctx.st.dbs[ctx.db], id).rehash_step(1);
    let db = &ctx.st.dbs[ctx.db];
    let rng = &mut ctx.st.rng;
    match set_ref(db, id).random(|| rng.next_u64()) {
        Some(m) => reply_member(ctx.reply, m),
        None => ctx.reply.null(),
    }
}

/// `SRANDMEMBER key count`: a negative count may repeat members; a
/// positive one returns distinct members (the whole set at most).
fn srandmember_with_count(ctx: &mut Ctx, args: &Args) {
    let Some(n) = arg_i64(ctx.reply, &args[2]) else { return };
    if n == i64::MIN {
        ctx.reply.error_fmt(format_args!(
            "ERR value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        ));
        return;
    }
    let (count, unique) = (n.unsigned_abs() as usize, n >= 0);
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::Set) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.array(0);
        return;
    };
    if count == 0 {
        ctx.reply.array(0);
        return;
    }
    set_mut(&mut ctx.st.dbs[ctx.db], id).rehash_step(count);
    let db = &ctx.st.dbs[ctx.db];
    let rng = &mut ctx.st.rng;
    let set = set_ref(db, id);
    let size = set.len();
    if !unique || count == 1 {
        // With repetitions: sample the whole set every time.
        let mark = ctx.reply.mark();
        ctx.reply.array(count);
        for _ in 0..count {
            if let Some(m) = set.random(|| rng.next_u64()) {
                reply_member(ctx.reply, m);
            }
            if ctx.reply.mark() - mark > RANDOM_REPLY_LIMIT {
                ctx.reply.truncate(mark);
                let c = &mut ctx.clients[ctx.me];
                warn!(
                    "Client id={} addr={} closed: SRANDMEMBER reply over {RANDOM_REPLY_LIMIT} bytes",
                    c.id, c.addr
                );
                c.close_after_reply = true;
                ctx.st.kill(ctx.me);
                return;
            }
        }
        return;
    }
    if count >= size {
        ctx.reply.array(size);
        for m in set.iter() {
            reply_member(ctx.reply, m);
        }
        return;
    }
    // Distinct members, by Redis's two strategies.
    let mut picked: Vec<Member> = Vec::new();
    if count * SRANDMEMBER_SUB_STRATEGY_MUL > size {
        // Most of the set: drop random members from a full copy.
        picked = set.iter().collect();
        while picked.len() > count {
            let i = (rng.next_u64() % picked.len() as u64) as usize;
            picked.swap_remove(i);
        }
    } else {
        let mut seen = hashbrown::HashSet::with_capacity(count);
        while picked.len() < count {
            if let Some(m) = set.random(|| rng.next_u64())
                && seen.insert(m)
            {
                picked.push(m);
            }
        }
    }
    ctx.reply.array(count);
    for m in picked {
        reply_member(ctx.reply, m);
    }
}

// ---- intersection --------------------------------------------------------------------

/// `SINTER key [key ...]`
pub fn sinter(ctx: &mut Ctx, args: &Args) {
    sinter_generic(ctx, args, 1..args.len(), None, None);
}

/// `SINTERSTORE destination key [key ...]`
pub fn sinterstore(ctx: &mut Ctx, args: &Args) {
    sinter_generic(ctx, args, 2..args.len(), Some(&args[1]), None);
}

/// `SINTERCARD numkeys key [key ...] [LIMIT limit]`
pub fn sintercard(ctx: &mut Ctx, args: &Args) {
    const NUMKEYS: &[u8] = b"ERR numkeys should be greater than 0";
    let numkeys = match parse_i64(&args[1]) {
        Some(n) if n >= 1 => n as usize,
        _ => {
            ctx.reply.error(NUMKEYS);
            return;
        }
    };
    if numkeys > args.len() - 2 {
        ctx.reply
            .error(b"ERR Number of keys can't be greater than number of args");
        return;
    }
    let mut limit = 0;
    let mut i = 2 + numkeys;
    while i < args.len() {
        if args.is(i, "limit") && i + 1 < args.len() {
            let Some(n) = positive_arg(ctx, &args[i + 1], b"ERR LIMIT can't be negative") else {
                return;
            };
            limit = n;
            i += 2;
        } else {
            ctx.reply.syntax_error();
            return;
        }
    }
    sinter_generic(ctx, args, 2..2 + numkeys, None, Some(limit));
}

/// The intersection of the sets named by `args[keys]`: replied as a set,
/// stored under `dst` (replying its size), or only counted when
/// `card_limit` is given (stopping at a non-zero limit). A missing key is
/// an empty set; any key of another type is WRONGTYPE, even after a
/// missing one. Members come in the order of the smallest set.
fn sinter_generic(
    ctx: &mut Ctx,
    args: &Args,
    keys: std::ops::Range<usize>,
    dst: Option<&[u8]>,
    card_limit: Option<usize>,
) {
    let Ok(mut ids) = lookup_sets(ctx, keys.map(|i| args.get(i))) else {
        return;
    };
    if ids.iter().any(Option::is_none) {
        match (dst, card_limit) {
            (Some(dst), _) => {
                delete_dst(ctx, dst);
                ctx.reply.int(0);
            }
            (None, Some(_)) => ctx.reply.int(0),
            (None, None) => ctx.reply.set(0),
        }
        return;
    }
    let db = &ctx.st.dbs[ctx.db];
    ids.sort_by_key(|id| id.map_or(0, |id| set_ref(db, id).len()));
    let sets: Vec<(u32, &Set)> = ids.iter().flatten().map(|&id| (id, set_ref(db, id))).collect();
    let (first_id, first) = sets[0];
    let members = first
        .iter()
        .filter(|&m| sets[1..].iter().all(|&(id, s)| id == first_id || s.contains_member(m)));
    if let Some(limit) = card_limit {
        let n = match limit {
            0 => members.count(),
            _ => members.take(limit).count(),
        };
        ctx.reply.int(n as i64);
    } else if let Some(dst) = dst {
        let max = max_intset(ctx);
        let mut out = Set::new();
        let mut digits = [0u8; 20];
        for m in members {
            out.add(m.bytes(&mut digits), max);
        }
        store_result(ctx, dst, out, "sinterstore");
    } else {
        let found: Vec<Member> = members.collect();
        ctx.reply.set(found.len());
        for m in found {
            reply_member(ctx.reply, m);
        }
    }
}

// ---- union and difference ----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Diff,
}

/// `SUNION key [key ...]`
pub fn sunion(ctx: &mut Ctx, args: &Args) {
    sunion_diff_generic(ctx, args, 1..args.len(), None, SetOp::Union);
}

/// `SUNIONSTORE destination key [key ...]`
pub fn sunionstore(ctx: &mut Ctx, args: &Args) {
    sunion_diff_generic(ctx, args, 2..args.len(), Some(&args[1]), SetOp::Union);
}

/// `SDIFF key [key ...]`
pub fn sdiff(ctx: &mut Ctx, args: &Args) {
    sunion_diff_generic(ctx, args, 1..args.len(), None, SetOp::Diff);
}

/// `SDIFFSTORE destination key [key ...]`
pub fn sdiffstore(ctx: &mut Ctx, args: &Args) {
    sunion_diff_generic(ctx, args, 2..args.len(), Some(&args[1]), SetOp::Diff);
}

/// The union, or the first set minus the others, of the sets named by
/// `args[keys]`, built as a new set (an intset while it can be, so an
/// all-integer result comes out sorted), then replied or stored under
/// `dst`. The difference uses Redis's two algorithms, chosen by the same
/// cost estimate, since they can leave the result in different encodings.
fn sunion_diff_generic(ctx: &mut Ctx, args: &Args, keys: std::ops::Range<usize>, dst: Option<&[u8]>, op: SetOp) {
    let Ok(mut ids) = lookup_sets(ctx, keys.map(|i| args.get(i))) else {
        return;
    };
    let max = max_intset(ctx);
    let db = &ctx.st.dbs[ctx.db];
    let size = |id: &Option<u32>| id.map_or(0, |id| set_ref(db, id).len());
    // A later key naming the first set (or both missing) empties a DIFF.
    let same = ids.iter().skip(1).any(|id| *id == ids[0]);
    let mut out = Set::new();
    let mut digits = [0u8; 20];
    match op {
        SetOp::Union => {
            for id in ids.iter().flatten() {
                for m in set_ref(db, *id).iter() {
                    out.add(m.bytes(&mut digits), max);
                }
            }
        }
        SetOp::Diff if same || ids[0].is_none() => {}
        SetOp::Diff => {
            let first = size(&ids[0]);
            let present = ids.iter().filter(|id| id.is_some());
            let algo_one = present.clone().count() * first / 2;
            let algo_two: usize = present.map(size).sum();
            if algo_one <= algo_two {
                // Each member of the first set not found in any other.
                ids[1..].sort_by_key(|id| std::cmp::Reverse(size(id)));
                let others: Vec<&Set> = ids[1..].iter().flatten().map(|&id| set_ref(db, id)).collect();
                for m in set_ref(db, ids[0].unwrap_or_default()).iter() {
                    if !others.iter().any(|s| s.contains_member(m)) {
                        out.add(m.bytes(&mut digits), max);
                    }
                }
            } else {
                // The first set, minus every member of the others.
                for (j, id) in ids.iter().enumerate() {
                    let Some(id) = id else { continue };
                    for m in set_ref(db, *id).iter() {
                        if j == 0 {
                            out.add(m.bytes(&mut digits), max);
                        } else {
                            out.remove(m.bytes(&mut digits));
                        }
                    }
                    if out.is_empty() {
                        break;
                    }
                }
            }
        }
    }
    match dst {
        Some(dst) => {
            let event = if op == SetOp::Union {
                "sunionstore"
            } else {
                "sdiffstore"
            };
            store_result(ctx, dst, out, event);
        }
        None => {
            ctx.reply.set(out.len());
            for m in out.iter() {
                reply_member(ctx.reply, m);
            }
        }
    }
}

// ---- SSCAN ---------------------------------------------------------------------------

/// `SSCAN key cursor [MATCH pattern] [COUNT count]`: an intset comes back
/// whole with cursor 0; a hashtable is walked like SCAN walks the
/// keyspace. Options are checked only once the key is found.
pub fn sscan(ctx: &mut Ctx, args: &Args) {
    let Some(mut cursor) = parse_cursor(&args[2]) else {
        ctx.reply.error(b"ERR invalid cursor");
        return;
    };
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::Set) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.array(2);
        ctx.reply.bulk(b"0");
        ctx.reply.array(0);
        return;
    };
    let Some(ScanOpts { count, pattern, .. }) = parse_scan_opts(ctx, args, 3, false) else {
        return;
    };
    let set = set_ref(&ctx.st.dbs[ctx.db], id);
    let mut found: Vec<Member> = Vec::new();
    let mut iterations = count.saturating_mul(10);
    loop {
        cursor = set.scan_step(cursor, |m| found.push(m));
        iterations -= 1;
        if cursor == 0 || iterations <= 0 || found.len() as i64 >= count {
            break;
        }
    }
    let mut digits = [0u8; 20];
    if let Some(p) = pattern {
        found.retain(|m| string_match(p, m.bytes(&mut digits), false));
    }
    ctx.reply.array(2);
    ctx.reply.bulk(cursor.to_string().as_bytes());
    ctx.reply.array(found.len());
    for m in found {
        reply_member(ctx.reply, m);
    }
}
