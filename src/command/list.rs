//! List commands (Redis's `t_list.c`), blocking ones included. Their table
//! rows live here, beside the handlers, and are merged into the command
//! table by `table::all_commands`.
//!
//! Shared bodies, as in Redis: `push_generic` (LPUSH, RPUSH, LPUSHX,
//! RPUSHX), `pop_generic` (LPOP, RPOP), `mpop_generic` (LMPOP),
//! `move_generic` (LMOVE, RPOPLPUSH), `bpop_generic` (BLPOP, BRPOP),
//! `bmove_generic` (BLMOVE, BRPOPLPUSH), `lmpop_generic` (LMPOP, BLMPOP),
//! and `range_reply`, which writes an inclusive index range with Redis's
//! negative-index rules. A blocking command that finds nothing blocks the
//! client (`Ctx::block`); creating a list signals its waiters.
//!
//! Keyspace events are reported where `t_list.c` reports them, in its
//! order: the push, pop or edit event, then `del` if the list emptied. A
//! woken blocked client runs its command again, so its events follow the
//! pusher's, as Redis serves blocked clients after the pushing command.

use super::table::{CommandDef, KEY1, c, flags::*};
use super::{Args, Ctx, arg_i64, arg_timeout, notify};
use crate::db::list::{End, List};
use crate::db::{Kind, Obj};
use crate::resp::reply::Reply;

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, (1, 2, 1), "list", blmove),
    c("blmpop", -5, WRITE | BLOCKING, (0, 0, 0), "list", blmpop),
    c("blpop", -3, WRITE | NOSCRIPT | BLOCKING, (1, -2, 1), "list", blpop),
    c("brpop", -3, WRITE | NOSCRIPT | BLOCKING, (1, -2, 1), "list", brpop),
    c("brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, (1, 2, 1), "list", brpoplpush),
    c("lindex", 3, READONLY, KEY1, "list", lindex),
    c("linsert", 5, WRITE | DENYOOM, KEY1, "list", linsert),
    c("llen", 2, READONLY | FAST, KEY1, "list", llen),
    c("lmove", 5, WRITE | DENYOOM, (1, 2, 1), "list", lmove),
    c("lmpop", -4, WRITE, (0, 0, 0), "list", lmpop),
    c("lpop", -2, WRITE | FAST, KEY1, "list", lpop),
    c("lpos", -3, READONLY, KEY1, "list", lpos),
    c("lpush", -3, WRITE | DENYOOM | FAST, KEY1, "list", lpush),
    c("lpushx", -3, WRITE | DENYOOM | FAST, KEY1, "list", lpushx),
    c("lrange", 4, READONLY, KEY1, "list", lrange),
    c("lrem", 4, WRITE, KEY1, "list", lrem),
    c("lset", 4, WRITE | DENYOOM, KEY1, "list", lset),
    c("ltrim", 4, WRITE, KEY1, "list", ltrim),
    c("rpop", -2, WRITE | FAST, KEY1, "list", rpop),
    c("rpoplpush", 3, WRITE | DENYOOM, (1, 2, 1), "list", rpoplpush),
    c("rpush", -3, WRITE | DENYOOM | FAST, KEY1, "list", rpush),
    c("rpushx", -3, WRITE | DENYOOM | FAST, KEY1, "list", rpushx),
];

// ---- helpers ---------------------------------------------------------------------

fn as_list(obj: &Obj) -> &List {
    match obj {
        Obj::List(l) => l,
        _ => unreachable!("kind checked by the typed lookup"),
    }
}

fn as_list_mut(obj: &mut Obj) -> &mut List {
    match obj {
        Obj::List(l) => l,
        _ => unreachable!("kind checked by the typed lookup"),
    }
}

/// The list at node `id` of the selected database.
fn list<'a>(ctx: &'a Ctx, id: u32) -> &'a List {
    as_list(ctx.st.dbs[ctx.db].obj(id))
}

fn list_mut<'a>(ctx: &'a mut Ctx, id: u32) -> &'a mut List {
    as_list_mut(ctx.st.dbs[ctx.db].obj_mut(id))
}

/// The list at `key` for writing, created empty if absent.
fn list_or_create(ctx: &mut Ctx, key: &[u8], found: Option<u32>) -> u32 {
    match found {
        Some(id) => id,
        None => {
            let id = ctx.add_obj(key, Obj::List(List::new()));
            // A new list may serve clients blocked on this key.
            ctx.signal_ready(key);
            id
        }
    }
}

/// Translates a Redis index (negative counts from the tail) to a position,
/// None if outside the list.
fn position(index: i64, len: usize) -> Option<usize> {
    if index < 0 {
        let back = index.unsigned_abs();
        (back <= len as u64).then(|| len - back as usize)
    } else {
        ((index as u64) < len as u64).then_some(index as usize)
    }
}

/// Clamps the inclusive range `start..=end` (Redis indexes) to a list of
/// `len`; None when it is empty.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// Replies elements `start..=end` of `l` (in range) as an array, from the
/// tail backwards when `reverse` (Redis's `addListRangeReply`).
fn reply_range(reply: &mut Reply, l: &List, start: usize, end: usize, reverse: bool) {
    reply.array(end - start + 1);
    if reverse {
        l.range(start, end).rev().for_each(|e| reply.bulk(e));
    } else {
        l.range(start, end).for_each(|e| reply.bulk(e));
    }
}

/// The event of a push at `end`.
fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

/// The event of a pop from `end`.
fn pop_event(end: End) -> &'static str {
    match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    }
}

/// Deletes the list at `id` (stored under `key`) if it emptied, with the
/// `del` event Redis reports then.
fn delete_if_empty(ctx: &mut Ctx, id: u32, key: &[u8]) {
    if ctx.delete_if_empty(id) {
        ctx.notify(notify::GENERIC, "del", key);
    }
}

/// After `n` elements were popped from `end` of the list at `id`: the pop
/// event, the key deleted if it emptied, the dirty count (Redis's
/// `listElementsRemoved`).
fn elements_removed(ctx: &mut Ctx, id: u32, key: &[u8], end: End, n: usize) {
    ctx.notify(notify::LIST, pop_event(end), key);
    delete_if_empty(ctx, id, key);
    ctx.dirty(n as u64);
}

/// Replies and removes up to `count` (>= 1) elements from `end` of the
/// list at `id` (`key`), deleting the key if it empties. Elements come in
/// pop order.
fn pop_range(ctx: &mut Ctx, id: u32, key: &[u8], end: End, count: usize) {
    let l = as_list(ctx.st.dbs[ctx.db].obj(id));
    let n = count.min(l.len());
    match end {
        End::Head => reply_range(ctx.reply, l, 0, n - 1, false),
        End::Tail => reply_range(ctx.reply, l, l.len() - n, l.len() - 1, true),
    }
    list_mut(ctx, id).remove_from(end, n);
    elements_removed(ctx, id, key, end, n);
}

/// Parses LEFT or RIGHT (`getListPositionFromObjectOrReply`).
fn parse_end(reply: &mut Reply, arg: &[u8]) -> Option<End> {
    if arg.eq_ignore_ascii_case(b"left") {
        Some(End::Head)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Some(End::Tail)
    } else {
        reply.syntax_error();
        None
    }
}

/// Parses an integer in `min..` replying `msg` (as Redis's
/// `getRangeLongFromObjectOrReply` with a message) when it is not one.
fn arg_at_least(reply: &mut Reply, arg: &[u8], min: i64, msg: &[u8]) -> Option<i64> {
    match crate::util::number::parse_i64(arg) {
        Some(n) if n >= min => Some(n),
        _ => {
            reply.error(msg);
            None
        }
    }
}

// ---- push -------------------------------------------------------------------------

/// LPUSH/RPUSH/LPUSHX/RPUSHX: pushes `args[2..]` one by one at `end`;
/// with `xx` only if the list exists. Replies the new length.
fn push_generic(ctx: &mut Ctx, args: &Args, end: End, xx: bool) {
    let key = &args[1];
    let Ok(found) = ctx.lookup_typed_write(key, Kind::List) else {
        return;
    };
    if found.is_none() && xx {
        ctx.reply.int(0);
        return;
    }
    let id = list_or_create(ctx, key, found);
    let l = list_mut(ctx, id);
    for value in args.iter().skip(2) {
        l.push(end, value);
    }
    let len = l.len();
    ctx.dirty(args.len() as u64 - 2);
    ctx.reply.int(len as i64);
    ctx.notify(notify::LIST, push_event(end), key);
}

/// `LPUSH key element [element ...]`
pub fn lpush(ctx: &mut Ctx, args: &Args) {
    push_generic(ctx, args, End::Head, false);
}

/// `RPUSH key element [element ...]`
pub fn rpush(ctx: &mut Ctx, args: &Args) {
    push_generic(ctx, args, End::Tail, false);
}

/// `LPUSHX key element [element ...]`
pub fn lpushx(ctx: &mut Ctx, args: &Args) {
    push_generic(ctx, args, End::Head, true);
}

/// `RPUSHX key element [element ...]`
pub fn rpushx(ctx: &mut Ctx, args: &Args) {
    push_generic(ctx, args, End::Tail, true);
}

// ---- pop --------------------------------------------------------------------------

/// LPOP/RPOP: one element as a bulk, or with a count up to that many as
/// an array (a missing key is then a null array).
fn pop_generic(ctx: &mut Ctx, args: &Args, end: End) {
    if args.len() > 3 {
        let name = ctx.clients[ctx.me].last_cmd;
        ctx.reply
            .error_fmt(format_args!("ERR wrong number of arguments for '{name}' command"));
        return;
    }
    let count = if args.len() == 3 {
        let msg = b"ERR value is out of range, must be positive";
        let Some(n) = arg_at_least(ctx.reply, &args[2], 0, msg) else {
            return;
        };
        Some(n as usize)
    } else {
        None
    };
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::List) else {
        return;
    };
    let Some(id) = found else {
        match count {
            Some(_) => ctx.reply.null_array(),
            None => ctx.reply.null(),
        }
        return;
    };
    match count {
        Some(0) => ctx.reply.array(0),
        Some(n) => pop_range(ctx, id, &args[1], end, n),
        None => {
            let value = list_mut(ctx, id).pop(end).expect("stored lists are never empty");
            ctx.reply.bulk(&value);
            elements_removed(ctx, id, &args[1], end, 1);
        }
    }
}

/// `LPOP key [count]`
pub fn lpop(ctx: &mut Ctx, args: &Args) {
    pop_generic(ctx, args, End::Head);
}

/// `RPOP key [count]`
pub fn rpop(ctx: &mut Ctx, args: &Args) {
    pop_generic(ctx, args, End::Tail);
}

/// The plain pop of `end`, as blocking and multi-key pops propagate.
fn pop_name(end: End) -> &'static [u8] {
    match end {
        End::Head => b"LPOP",
        End::Tail => b"RPOP",
    }
}

/// Pops up to `count` elements from `end` of the first non-empty list
/// among `keys`, replying `[key, [elements]]`, or a null array if none.
fn mpop_generic(ctx: &mut Ctx, keys: &[&[u8]], end: End, count: usize) {
    for &key in keys {
        let Ok(found) = ctx.lookup_typed_write(key, Kind::List) else {
            return;
        };
        if let Some(id) = found {
            let n = count.min(list(ctx, id).len()).to_string();
            ctx.reply.array(2);
            ctx.reply.bulk(key);
            pop_range(ctx, id, key, end, count);
            // Propagated as the plain pop it was.
            ctx.propagate_as(&[pop_name(end), key, n.as_bytes()]);
            return;
        }
    }
    ctx.reply.null_array();
}

/// The shared body of LMPOP and BLMPOP: `numkeys` is at `args[at]`; a
/// blocking call's timeout is at `args[1]`, read after the other options
/// as Redis does.
fn lmpop_generic(ctx: &mut Ctx, args: &Args, at: usize, blocking: bool) {
    let msg = b"ERR numkeys should be greater than 0";
    let Some(numkeys) = arg_at_least(ctx.reply, &args[at], 1, msg) else {
        return;
    };
    let where_idx = (numkeys as u64).saturating_add(at as u64 + 1);
    if where_idx >= args.len() as u64 {
        ctx.reply.syntax_error();
        return;
    }
    let where_idx = where_idx as usize;
    let Some(end) = parse_end(ctx.reply, &args[where_idx]) else {
        return;
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < args.len() {
        if count.is_none() && args.is(j, "count") && j + 1 < args.len() {
            let msg = b"ERR count should be greater than 0";
            let Some(n) = arg_at_least(ctx.reply, &args[j + 1], 1, msg) else {
                return;
            };
            count = Some(n as usize);
            j += 2;
        } else {
            ctx.reply.syntax_error();
            return;
        }
    }
    let keys: Vec<&[u8]> = (at + 1..where_idx).map(|i| args.get(i)).collect();
    if !blocking {
        return mpop_generic(ctx, &keys, end, count.unwrap_or(1));
    }
    let Ok(deadline) = arg_timeout(ctx, &args[1]) else {
        return;
    };
    for &key in &keys {
        match ctx.lookup_typed_write(key, Kind::List) {
            Err(_) => return,
            Ok(Some(_)) => return mpop_generic(ctx, &keys, end, count.unwrap_or(1)),
            Ok(None) => {}
        }
    }
    ctx.block(args, keys.iter().map(|&k| Box::from(k)).collect(), deadline, true);
}

/// `LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]`
pub fn lmpop(ctx: &mut Ctx, args: &Args) {
    lmpop_generic(ctx, args, 1, false);
}

/// `BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]`
pub fn blmpop(ctx: &mut Ctx, args: &Args) {
    lmpop_generic(ctx, args, 2, true);
}

// ---- blocking pops ------------------------------------------------------------------

/// The shared body of BLPOP and BRPOP (Redis's `blockingPopGenericCommand`):
/// pops from the first non-empty list among the keys, replying
/// `[key, element]`, or blocks the client on all of them.
fn bpop_generic(ctx: &mut Ctx, args: &Args, end: End) {
    let Ok(deadline) = arg_timeout(ctx, &args[args.len() - 1]) else {
        return;
    };
    for j in 1..args.len() - 1 {
        let key = args.get(j);
        match ctx.lookup_typed_write(key, Kind::List) {
            Err(_) => return,
            Ok(None) => {}
            Ok(Some(id)) => {
                let value = list_mut(ctx, id).pop(end).expect("stored lists are never empty");
                ctx.reply.array(2);
                ctx.reply.bulk(key);
                ctx.reply.bulk(&value);
                elements_removed(ctx, id, key, end, 1);
                ctx.propagate_as(&[pop_name(end), key]);
                return;
            }
        }
    }
    let keys = (1..args.len() - 1).map(|j| Box::from(args.get(j))).collect();
    ctx.block(args, keys, deadline, true);
}

/// `BLPOP key [key ...] timeout`
pub fn blpop(ctx: &mut Ctx, args: &Args) {
    bpop_generic(ctx, args, End::Head);
}

/// `BRPOP key [key ...] timeout`
pub fn brpop(ctx: &mut Ctx, args: &Args) {
    bpop_generic(ctx, args, End::Tail);
}

/// The shared body of BLMOVE and BRPOPLPUSH (`blmoveGenericCommand`): moves
/// as LMOVE when the source has elements, else blocks on the source.
fn bmove_generic(ctx: &mut Ctx, args: &Args, from: End, to: End, timeout: &[u8]) {
    let Ok(deadline) = arg_timeout(ctx, timeout) else {
        return;
    };
    match ctx.lookup_typed_write(&args[1], Kind::List) {
        Err(_) => {}
        Ok(Some(_)) => {
            let dirty = ctx.st.dirty;
            move_generic(ctx, args, from, to);
            if ctx.st.dirty != dirty {
                if args.len() == 6 {
                    ctx.propagate_as(&[b"LMOVE", &args[1], &args[2], &args[3], &args[4]]);
                } else {
                    ctx.propagate_as(&[b"RPOPLPUSH", &args[1], &args[2]]);
                }
            }
        }
        Ok(None) => ctx.block(args, vec![Box::from(args.get(1))], deadline, true),
    }
}

/// `BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout`
pub fn blmove(ctx: &mut Ctx, args: &Args) {
    let Some(from) = parse_end(ctx.reply, &args[3]) else {
        return;
    };
    let Some(to) = parse_end(ctx.reply, &args[4]) else {
        return;
    };
    bmove_generic(ctx, args, from, to, &args[5]);
}

/// `BRPOPLPUSH source destination timeout`
pub fn brpoplpush(ctx: &mut Ctx, args: &Args) {
    bmove_generic(ctx, args, End::Tail, End::Head, &args[3]);
}

// ---- reading ----------------------------------------------------------------------

/// `LLEN key`
pub fn llen(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::List) else {
        return;
    };
    let len = found.map_or(0, |id| list(ctx, id).len());
    ctx.reply.int(len as i64);
}

/// `LINDEX key index`
pub fn lindex(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::List) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.null() };
    let Some(index) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    let l = as_list(ctx.st.dbs[ctx.db].obj(id));
    ctx.reply.bulk_or_null(position(index, l.len()).and_then(|i| l.get(i)));
}

/// `LRANGE key start stop`
pub fn lrange(ctx: &mut Ctx, args: &Args) {
    let Some(start) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    let Some(stop) = arg_i64(ctx.reply, &args[3]) else {
        return;
    };
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::List) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.array(0) };
    let l = as_list(ctx.st.dbs[ctx.db].obj(id));
    match clamp_range(start, stop, l.len()) {
        Some((from, to)) => reply_range(ctx.reply, l, from, to, false),
        None => ctx.reply.array(0),
    }
}

/// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`:
/// positions (LINDEX indexes) of matches, starting at the `rank`th match,
/// searching from the tail when `rank` is negative.
pub fn lpos(ctx: &mut Ctx, args: &Args) {
    let (mut rank, mut count, mut maxlen) = (1i64, None::<i64>, 0i64);
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        if args.is(j, "rank") && more {
            let Some(n) = arg_i64(ctx.reply, &args[j + 1]) else {
                return;
            };
            if n == 0 {
                ctx.reply.error(
                    b"ERR RANK can't be zero: use 1 to start from the first match, 2 from the \
                      second ... or use negative to start from the end of the list",
                );
                return;
            }
            rank = n;
        } else if args.is(j, "count") && more {
            let msg = b"ERR COUNT can't be negative";
            let Some(n) = arg_at_least(ctx.reply, &args[j + 1], 0, msg) else {
                return;
            };
            count = Some(n);
        } else if args.is(j, "maxlen") && more {
            let msg = b"ERR MAXLEN can't be negative";
            let Some(n) = arg_at_least(ctx.reply, &args[j + 1], 0, msg) else {
                return;
            };
            maxlen = n;
        } else {
            ctx.reply.syntax_error();
            return;
        }
        j += 2;
    }
    // A negative rank searches from the tail (i64::MIN stays negative, as
    // Redis's `rank = -rank` leaves LONG_MIN).
    let from_tail = rank < 0;
    if from_tail {
        rank = rank.wrapping_neg();
    }
    let found = ctx.lookup_read(&args[1]);
    if let Some(id) = found
        && ctx.db().kind(id) != Kind::List
    {
        return ctx.reply.wrong_type();
    }
    let Some(id) = found else {
        match count {
            Some(_) => ctx.reply.array(0),
            None => ctx.reply.null(),
        }
        return;
    };
    let l = as_list(ctx.st.dbs[ctx.db].obj(id));
    let element = &args[2];
    let len = l.len() as i64;
    let iter: Box<dyn Iterator<Item = &[u8]>> = if from_tail {
        Box::new(l.iter().rev())
    } else {
        Box::new(l.iter())
    };
    let mut hits = Vec::new();
    let mut matches = 0i64;
    for (index, e) in (0i64..).zip(iter) {
        if maxlen != 0 && index >= maxlen {
            break;
        }
        if e != element {
            continue;
        }
        matches += 1;
        if matches >= rank {
            hits.push(if from_tail { len - index - 1 } else { index });
            match count {
                None => break,
                Some(c) if c != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= c => break,
                Some(_) => {}
            }
        }
    }
    match count {
        Some(_) => {
            ctx.reply.array(hits.len());
            hits.iter().for_each(|&h| ctx.reply.int(h));
        }
        None => match hits.first() {
            Some(&h) => ctx.reply.int(h),
            None => ctx.reply.null(),
        },
    }
}

// ---- modifying in place -------------------------------------------------------------

/// `LSET key index element`
pub fn lset(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::List) else {
        return;
    };
    let Some(id) = found else {
        return ctx.reply.error(b"ERR no such key");
    };
    let Some(index) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    let l = list_mut(ctx, id);
    match position(index, l.len()) {
        Some(i) => {
            l.set(i, &args[3]);
            ctx.reply.ok();
            ctx.notify(notify::LIST, "lset", &args[1]);
            ctx.dirty(1);
        }
        None => ctx.reply.error(b"ERR index out of range"),
    }
}

/// `LINSERT key BEFORE|AFTER pivot element`: replies the new length, -1
/// if the pivot is not found, 0 if the key does not exist.
pub fn linsert(ctx: &mut Ctx, args: &Args) {
    let after = if args.is(2, "after") {
        true
    } else if args.is(2, "before") {
        false
    } else {
        return ctx.reply.syntax_error();
    };
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::List) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.int(0) };
    let l = list_mut(ctx, id);
    match l.position(&args[3]) {
        Some(i) => {
            l.insert(i + after as usize, &args[4]);
            let len = l.len();
            ctx.notify(notify::LIST, "linsert", &args[1]);
            ctx.dirty(1);
            ctx.reply.int(len as i64);
        }
        None => ctx.reply.int(-1),
    }
}

/// `LREM key count element`: removes `count` matches from the head (from
/// the tail if negative, all if 0); replies how many were removed.
pub fn lrem(ctx: &mut Ctx, args: &Args) {
    let Some(count) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::List) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.int(0) };
    let from = if count < 0 { End::Tail } else { End::Head };
    let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    let removed = list_mut(ctx, id).remove_matching(&args[3], limit, from);
    ctx.dirty(removed as u64);
    if removed > 0 {
        ctx.notify(notify::LIST, "lrem", &args[1]);
    }
    delete_if_empty(ctx, id, &args[1]);
    ctx.reply.int(removed as i64);
}

/// `LTRIM key start stop`: keeps only `start..=stop`. The `ltrim` event
/// comes even when nothing was trimmed, as in Redis.
pub fn ltrim(ctx: &mut Ctx, args: &Args) {
    let Some(start) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    let Some(stop) = arg_i64(ctx.reply, &args[3]) else {
        return;
    };
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::List) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.ok() };
    let l = list_mut(ctx, id);
    let len = l.len();
    let (left, right) = match clamp_range(start, stop, len) {
        Some((from, to)) => (from, len - to - 1),
        None => (len, 0),
    };
    l.remove_from(End::Head, left);
    l.remove_from(End::Tail, right);
    ctx.notify(notify::LIST, "ltrim", &args[1]);
    delete_if_empty(ctx, id, &args[1]);
    ctx.dirty((left + right) as u64);
    ctx.reply.ok();
}

// ---- moving between lists -------------------------------------------------------------

/// LMOVE/RPOPLPUSH: pops from `from` of `args[1]`, pushes at `to` of
/// `args[2]` (created if absent) and replies the element; null if the
/// source does not exist. Events in Redis's order: the push on the
/// destination, then the pop on the source and its `del` if it emptied.
fn move_generic(ctx: &mut Ctx, args: &Args, from: End, to: End) {
    let (src, dst) = (&args[1], &args[2]);
    let Ok(found) = ctx.lookup_typed_write(src, Kind::List) else {
        return;
    };
    let Some(src_id) = found else { return ctx.reply.null() };
    let Ok(dst_found) = ctx.lookup_typed_write(dst, Kind::List) else {
        return;
    };
    let value = list_mut(ctx, src_id).pop(from).expect("stored lists are never empty");
    let dst_id = list_or_create(ctx, dst, dst_found);
    list_mut(ctx, dst_id).push(to, &value);
    ctx.notify(notify::LIST, push_event(to), dst);
    ctx.reply.bulk(&value);
    ctx.notify(notify::LIST, pop_event(from), src);
    delete_if_empty(ctx, src_id, src);
    ctx.dirty(1);
}

/// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`
pub fn lmove(ctx: &mut Ctx, args: &Args) {
    let Some(from) = parse_end(ctx.reply, &args[3]) else {
        return;
    };
    let Some(to) = parse_end(ctx.reply, &args[4]) else {
        return;
    };
    move_generic(ctx, args, from, to);
}

/// `RPOPLPUSH source destination`
pub fn rpoplpush(ctx: &mut Ctx, args: &Args) {
    move_generic(ctx, args, End::Tail, End::Head);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_ranges() {
        assert_eq!(position(0, 3), Some(0));
        assert_eq!(position(-1, 3), Some(2));
        assert_eq!(position(-3, 3), Some(0));
        assert_eq!(position(-4, 3), None);
        assert_eq!(position(3, 3), None);
        assert_eq!(position(i64::MIN, 3), None);
        assert_eq!(clamp_range(0, -1, 3), Some((0, 2)));
        assert_eq!(clamp_range(-100, 100, 3), Some((0, 2)));
        assert_eq!(clamp_range(2, 1, 3), None);
        assert_eq!(clamp_range(3, 5, 3), None);
        assert_eq!(clamp_range(0, -4, 3), None);
        assert_eq!(clamp_range(i64::MIN, i64::MAX, 3), Some((0, 2)));
    }
}
