//! Sorted set commands (Redis's `t_zset.c`), blocking ones included. Their
//! table rows live here, beside the handlers, and are merged into the
//! command table by `table::all_commands`.
//!
//! Shared bodies, as in Redis: `zadd_generic` (ZADD, ZINCRBY),
//! `zrange_generic` (ZRANGE, ZRANGESTORE and the older Z\[REV\]RANGE\[BY...\]
//! forms), `zremrange_generic` (ZREMRANGEBY*), `zpop_generic` (ZPOPMIN,
//! ZPOPMAX, ZMPOP and the blocking pops), `bzpop_generic` (BZPOPMIN,
//! BZPOPMAX, BZMPOP), `zmpop_generic` (ZMPOP, BZMPOP) and `zsetop_generic`
//! (ZUNION, ZINTER, ZDIFF, ZINTERCARD, Z*STORE). Every range is
//! turned into ranks first (`score_ranks`, `lex_ranks`), so both
//! encodings answer it the same way. A blocking pop that finds nothing
//! blocks the client (`Ctx::block`); creating a sorted set signals its
//! waiters.
//!
//! Keyspace events are reported where `t_zset.c` reports them, in its
//! order, and only when something changed: the command's event, then
//! `del` if the set emptied; a STORE form reports its event on the
//! destination, or `del` when an empty result removed it.

use std::borrow::Cow;

use log::warn;

use super::keys::{ScanOpts, parse_cursor, parse_scan_opts};
use super::table::{CommandDef, KEY1, NOKEYS, c, flags::*};
use super::{Args, Ctx, Replied, arg_i64, arg_timeout, notify};
use crate::db::set::{Member, Set};
use crate::db::zset::{AddFlags, Added, Limits, ZSet, cmp_entry};
use crate::db::{Db, Kind, Obj};
use crate::resp::reply::Reply;
use crate::util::glob::string_match;
use crate::util::number::{parse_f64, parse_i64, strtod, write_d2string, write_double, write_i64};

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("bzmpop", -5, WRITE | BLOCKING, (0, 0, 0), "sorted-set", bzmpop),
    c("bzpopmax", -3, WRITE | NOSCRIPT | FAST | BLOCKING, (1, -2, 1), "sorted-set", bzpopmax),
    c("bzpopmin", -3, WRITE | NOSCRIPT | FAST | BLOCKING, (1, -2, 1), "sorted-set", bzpopmin),
    c("zadd", -4, WRITE | DENYOOM | FAST, KEY1, "sorted-set", zadd),
    c("zcard", 2, READONLY | FAST, KEY1, "sorted-set", zcard),
    c("zcount", 4, READONLY | FAST, KEY1, "sorted-set", zcount),
    c("zdiff", -3, READONLY, NOKEYS, "sorted-set", zdiff),
    c("zdiffstore", -4, WRITE | DENYOOM, KEY1, "sorted-set", zdiffstore),
    c("zincrby", 4, WRITE | DENYOOM | FAST, KEY1, "sorted-set", zincrby),
    c("zinter", -3, READONLY, NOKEYS, "sorted-set", zinter),
    c("zintercard", -3, READONLY, NOKEYS, "sorted-set", zintercard),
    c("zinterstore", -4, WRITE | DENYOOM, KEY1, "sorted-set", zinterstore),
    c("zlexcount", 4, READONLY | FAST, KEY1, "sorted-set", zlexcount),
    c("zmpop", -4, WRITE, (0, 0, 0), "sorted-set", zmpop),
    c("zmscore", -3, READONLY | FAST, KEY1, "sorted-set", zmscore),
    c("zpopmax", -2, WRITE | FAST, KEY1, "sorted-set", zpopmax),
    c("zpopmin", -2, WRITE | FAST, KEY1, "sorted-set", zpopmin),
    c("zrandmember", -2, READONLY, KEY1, "sorted-set", zrandmember),
    c("zrange", -4, READONLY, KEY1, "sorted-set", zrange),
    c("zrangebylex", -4, READONLY, KEY1, "sorted-set", zrangebylex),
    c("zrangebyscore", -4, READONLY, KEY1, "sorted-set", zrangebyscore),
    c("zrangestore", -5, WRITE | DENYOOM, (1, 2, 1), "sorted-set", zrangestore),
    c("zrank", 3, READONLY | FAST, KEY1, "sorted-set", zrank),
    c("zrem", -3, WRITE | FAST, KEY1, "sorted-set", zrem),
    c("zremrangebylex", 4, WRITE, KEY1, "sorted-set", zremrangebylex),
    c("zremrangebyrank", 4, WRITE, KEY1, "sorted-set", zremrangebyrank),
    c("zremrangebyscore", 4, WRITE, KEY1, "sorted-set", zremrangebyscore),
    c("zrevrange", -4, READONLY, KEY1, "sorted-set", zrevrange),
    c("zrevrangebylex", -4, READONLY, KEY1, "sorted-set", zrevrangebylex),
    c("zrevrangebyscore", -4, READONLY, KEY1, "sorted-set", zrevrangebyscore),
    c("zrevrank", 3, READONLY | FAST, KEY1, "sorted-set", zrevrank),
    c("zscan", -3, READONLY, KEY1, "sorted-set", zscan),
    c("zscore", 3, READONLY | FAST, KEY1, "sorted-set", zscore),
    c("zunion", -3, READONLY, NOKEYS, "sorted-set", zunion),
    c("zunionstore", -4, WRITE | DENYOOM, KEY1, "sorted-set", zunionstore),
];

/// Largest reply ZRANDMEMBER with a negative count may build; Redis keeps
/// going until the (unlimited) output buffer exhausts memory, loopkv closes
/// the connection at this size instead (as SRANDMEMBER does).
const RANDOM_REPLY_LIMIT: usize = 256 << 20;
/// ZRANDMEMBER with a positive count removes random members from a copy
/// when the count is over a third of the set (`ZRANDMEMBER_SUB_STRATEGY_MUL`).
const ZRANDMEMBER_SUB_STRATEGY_MUL: usize = 3;

const NOT_FLOAT: &[u8] = b"ERR value is not a valid float";
const NAN_ERR: &[u8] = b"ERR resulting score is not a number (NaN)";
const SCORE_RANGE_ERR: &[u8] = b"ERR min or max is not a float";
const LEX_RANGE_ERR: &[u8] = b"ERR min or max not valid string range item";

// ---- helpers ---------------------------------------------------------------------

pub(super) fn zset_ref(db: &Db, id: u32) -> &ZSet {
    match db.obj(id) {
        Obj::ZSet(z) => z,
        _ => unreachable!("node {id} is not a sorted set"),
    }
}

fn zset_mut(db: &mut Db, id: u32) -> &mut ZSet {
    match db.obj_mut(id) {
        Obj::ZSet(z) => z,
        _ => unreachable!("node {id} is not a sorted set"),
    }
}

/// `zset-max-listpack-entries` / `-value`, read once per command.
pub(super) fn limits(ctx: &Ctx) -> Limits {
    Limits {
        max_entries: ctx.st.config.zset_max_listpack_entries,
        max_value: ctx.st.config.zset_max_listpack_value,
    }
}

/// Parses an integer in `min..` replying `msg` when it is not one.
fn arg_at_least(reply: &mut Reply, arg: &[u8], min: i64, msg: &[u8]) -> Option<i64> {
    match parse_i64(arg) {
        Some(n) if n >= min => Some(n),
        _ => {
            reply.error(msg);
            None
        }
    }
}

/// Stores `z` under `dst`, replacing any value and TTL (Redis's `setKey`),
/// and reports `event` on it; when `z` is empty, deletes `dst` instead
/// (even if its TTL passed, as `dbDelete`) with a `del` event. Replies
/// the stored size.
pub(super) fn store_result(ctx: &mut Ctx, dst: &[u8], z: ZSet, event: &str) {
    if z.is_empty() {
        ctx.reply.int(0);
        if ctx.db_delete(dst) {
            ctx.notify(notify::GENERIC, "del", dst);
            ctx.dirty(1);
        }
        return;
    }
    let len = z.len();
    ctx.set_key_obj(dst, Obj::ZSet(z));
    ctx.signal_ready(dst);
    ctx.reply.int(len as i64);
    ctx.notify(notify::ZSET, event, dst);
    ctx.dirty(1);
}

/// Deletes the set at `id` (stored under `key`) if it emptied, with the
/// `del` event Redis reports then.
fn delete_if_empty(ctx: &mut Ctx, id: u32, key: &[u8]) {
    if ctx.delete_if_empty(id) {
        ctx.notify(notify::GENERIC, "del", key);
    }
}

/// Replies `(member, score)` pairs: members only, or with scores flat in
/// RESP2 and as [member, score] pairs in RESP3.
fn reply_elements<'a>(reply: &mut Reply, elems: impl ExactSizeIterator<Item = (&'a [u8], f64)>, withscores: bool) {
    let n = elems.len();
    reply.array(if withscores && !reply.resp3() { n * 2 } else { n });
    for (m, s) in elems {
        if withscores && reply.resp3() {
            reply.array(2);
        }
        reply.bulk(m);
        if withscores {
            reply.double(s);
        }
    }
}

/// Clamps the inclusive rank range `start..=end` (negative from the end)
/// to a set of `len`, as ZRANGE does; None when empty.
fn clamp_ranks(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 { (len + start).max(0) } else { start };
    let end = if end < 0 { len + end } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

// ---- ranges -------------------------------------------------------------------------

/// A score interval (Redis's `zrangespec`).
#[derive(Debug, Clone, Copy)]
struct ScoreRange {
    min: f64,
    max: f64,
    minex: bool,
    maxex: bool,
}

/// One bound: `(` is exclusive (the rest read by plain `strtod`, so `(`
/// alone is 0), otherwise a float as `getDoubleFromObject` reads it.
fn parse_score_bound(arg: &[u8]) -> Option<(f64, bool)> {
    if let Some(rest) = arg.strip_prefix(b"(") {
        let r = strtod(rest);
        let ends = r.consumed == rest.len() || rest[r.consumed] == 0;
        return (ends && !r.value.is_nan()).then_some((r.value, true));
    }
    parse_f64(arg).map(|v| (v, false))
}

impl ScoreRange {
    fn parse(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
        let (min, minex) = parse_score_bound(min)?;
        let (max, maxex) = parse_score_bound(max)?;
        Some(ScoreRange { min, max, minex, maxex })
    }

    fn gte_min(&self, v: f64) -> bool {
        if self.minex { v > self.min } else { v >= self.min }
    }

    fn lte_max(&self, v: f64) -> bool {
        if self.maxex { v < self.max } else { v <= self.max }
    }
}

/// Ranks `lo..hi` of the elements whose score is in `r`.
fn score_ranks(z: &ZSet, r: &ScoreRange) -> (usize, usize) {
    if r.min > r.max || (r.min == r.max && (r.minex || r.maxex)) {
        return (0, 0);
    }
    let lo = z.partition(|s, _| !r.gte_min(s));
    let hi = z.partition(|s, _| r.lte_max(s));
    (lo, hi.max(lo))
}

/// A lexicographic bound: `-`, `+` or a string.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lex<'a> {
    Min,
    Max,
    Val(&'a [u8]),
}

/// Redis's `sdscmplex`: the sentinels sort before / after every string.
fn cmp_lex(a: Lex, b: Lex) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        _ if a == b => Equal,
        (Lex::Min, _) | (_, Lex::Max) => Less,
        (Lex::Max, _) | (_, Lex::Min) => Greater,
        (Lex::Val(x), Lex::Val(y)) => x.cmp(y),
    }
}

/// A lexicographic interval (Redis's `zlexrangespec`).
#[derive(Debug, Clone, Copy)]
struct LexRange<'a> {
    min: Lex<'a>,
    max: Lex<'a>,
    minex: bool,
    maxex: bool,
}

/// `-`, `+`, `(str` or `[str` (`zslParseLexRangeItem`; the sentinels count
/// as exclusive, and a NUL after them ends the C string).
fn parse_lex_bound(arg: &[u8]) -> Option<(Lex<'_>, bool)> {
    let alone = arg.len() == 1 || arg.get(1) == Some(&0);
    match arg.first()? {
        b'+' if alone => Some((Lex::Max, true)),
        b'-' if alone => Some((Lex::Min, true)),
        b'(' => Some((Lex::Val(&arg[1..]), true)),
        b'[' => Some((Lex::Val(&arg[1..]), false)),
        _ => None,
    }
}

impl<'a> LexRange<'a> {
    fn parse(min: &'a [u8], max: &'a [u8]) -> Option<LexRange<'a>> {
        let (min, minex) = parse_lex_bound(min)?;
        let (max, maxex) = parse_lex_bound(max)?;
        Some(LexRange { min, max, minex, maxex })
    }

    fn gte_min(&self, v: &[u8]) -> bool {
        let c = cmp_lex(Lex::Val(v), self.min);
        if self.minex { c.is_gt() } else { c.is_ge() }
    }

    fn lte_max(&self, v: &[u8]) -> bool {
        let c = cmp_lex(Lex::Val(v), self.max);
        if self.maxex { c.is_lt() } else { c.is_le() }
    }
}

/// Ranks `lo..hi` of the elements whose member is in `r` (meaningful when
/// all scores are equal, as Redis documents).
fn lex_ranks(z: &ZSet, r: &LexRange) -> (usize, usize) {
    let c = cmp_lex(r.min, r.max);
    if c.is_gt() || (c.is_eq() && (r.minex || r.maxex)) {
        return (0, 0);
    }
    if z.is_listpack() {
        // As Redis's listpack walk (`zzlFirstInLexRange` and the loop after
        // it): the first element at or above min in score order, then the
        // elements after it while they are at most max. For a set whose
        // scores are all equal this is the same range as the binary search;
        // for mixed scores (which Redis leaves unspecified) it gives Redis's
        // answer.
        let mut iter = z.iter().into_iter().enumerate().skip_while(|(_, (m, _))| !r.gte_min(m));
        let Some((lo, (first, _))) = iter.next() else {
            return (0, 0);
        };
        if !r.lte_max(first) {
            return (lo, lo);
        }
        let hi = iter
            .take_while(|(_, (m, _))| r.lte_max(m))
            .last()
            .map_or(lo + 1, |(i, _)| i + 1);
        return (lo, hi);
    }
    let lo = z.partition(|_, m| !r.gte_min(m));
    let hi = z.partition(|_, m| r.lte_max(m));
    (lo, hi.max(lo))
}

// ---- ZADD / ZINCRBY / ZREM ---------------------------------------------------------

/// The shared body of ZADD and ZINCRBY (Redis's `zaddGenericCommand`):
/// options, then score/member pairs; every score is parsed before the set
/// is touched.
fn zadd_generic(ctx: &mut Ctx, args: &Args, mut flags: AddFlags) {
    let key = &args[1];
    let mut ch = false;
    let mut at = 2;
    while at < args.len() {
        let opt = args.get(at);
        match () {
            _ if opt.eq_ignore_ascii_case(b"nx") => flags.nx = true,
            _ if opt.eq_ignore_ascii_case(b"xx") => flags.xx = true,
            _ if opt.eq_ignore_ascii_case(b"ch") => ch = true,
            _ if opt.eq_ignore_ascii_case(b"incr") => flags.incr = true,
            _ if opt.eq_ignore_ascii_case(b"gt") => flags.gt = true,
            _ if opt.eq_ignore_ascii_case(b"lt") => flags.lt = true,
            _ => break,
        }
        at += 1;
    }
    let elements = args.len() - at;
    if elements == 0 || !elements.is_multiple_of(2) {
        return ctx.reply.syntax_error();
    }
    let elements = elements / 2;
    if flags.nx && flags.xx {
        return ctx
            .reply
            .error(b"ERR XX and NX options at the same time are not compatible");
    }
    if ((flags.gt || flags.lt) && flags.nx) || (flags.gt && flags.lt) {
        return ctx
            .reply
            .error(b"ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if flags.incr && elements > 1 {
        return ctx
            .reply
            .error(b"ERR INCR option supports a single increment-element pair");
    }
    let mut scores = Vec::with_capacity(elements);
    for j in 0..elements {
        match parse_f64(&args[at + 2 * j]) {
            Some(s) => scores.push(s),
            None => return ctx.reply.error(NOT_FLOAT),
        }
    }
    let Ok(found) = ctx.lookup_typed_write(key, Kind::ZSet) else {
        return;
    };
    let limits = limits(ctx);
    let id = match found {
        Some(id) => id,
        None if flags.xx => {
            return if flags.incr { ctx.reply.null() } else { ctx.reply.int(0) };
        }
        None => {
            let z = ZSet::for_first(args.get(at + 1).len(), limits);
            let id = ctx.add_obj(key, Obj::ZSet(z));
            ctx.signal_ready(key);
            id
        }
    };
    let (mut added, mut updated, mut processed) = (0u64, 0u64, 0u64);
    let mut last = 0.0;
    let z = zset_mut(ctx.db(), id);
    for (j, &score) in scores.iter().enumerate() {
        match z.add(score, &args[at + 2 * j + 1], flags, limits) {
            Added::Nan => {
                ctx.dirty(added + updated);
                ctx.reply.error(NAN_ERR);
                return zadd_notify(ctx, key, flags, added + updated);
            }
            Added::Nop => {}
            Added::Added(s) => (added, processed, last) = (added + 1, processed + 1, s),
            Added::Updated(s) => (updated, processed, last) = (updated + 1, processed + 1, s),
            Added::Same(s) => (processed, last) = (processed + 1, s),
        }
    }
    ctx.dirty(added + updated);
    if flags.incr {
        if processed > 0 {
            ctx.reply.double(last);
        } else {
            ctx.reply.null();
        }
    } else {
        ctx.reply.int((if ch { added + updated } else { added }) as i64);
    }
    zadd_notify(ctx, key, flags, added + updated);
}

/// ZADD's event, `zincr` with INCR, when `changed` elements were added or
/// updated.
fn zadd_notify(ctx: &mut Ctx, key: &[u8], flags: AddFlags, changed: u64) {
    if changed > 0 {
        ctx.notify(notify::ZSET, if flags.incr { "zincr" } else { "zadd" }, key);
    }
}

/// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]`
pub fn zadd(ctx: &mut Ctx, args: &Args) {
    zadd_generic(ctx, args, AddFlags::default());
}

/// `ZINCRBY key increment member`
pub fn zincrby(ctx: &mut Ctx, args: &Args) {
    let flags = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    zadd_generic(ctx, args, flags);
}

/// `ZREM key member [member ...]`
pub fn zrem(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.int(0) };
    let (mut deleted, mut emptied) = (0, false);
    for member in args.iter().skip(2) {
        if zset_mut(ctx.db(), id).remove(member) {
            deleted += 1;
        }
        if ctx.delete_if_empty(id) {
            emptied = true;
            break;
        }
    }
    if deleted > 0 {
        ctx.notify(notify::ZSET, "zrem", &args[1]);
        if emptied {
            ctx.notify(notify::GENERIC, "del", &args[1]);
        }
    }
    ctx.dirty(deleted);
    ctx.reply.int(deleted as i64);
}

// ---- single-key reads ----------------------------------------------------------------

/// `ZCARD key`
pub fn zcard(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let len = found.map_or(0, |id| zset_ref(ctx.db(), id).len());
    ctx.reply.int(len as i64);
}

/// `ZSCORE key member`
pub fn zscore(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    match found.and_then(|id| zset_ref(ctx.db(), id).score(&args[2])) {
        Some(s) => ctx.reply.double(s),
        None => ctx.reply.null(),
    }
}

/// `ZMSCORE key member [member ...]`: a missing key is an empty set.
pub fn zmscore(ctx: &mut Ctx, args: &Args) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    ctx.reply.array(args.len() - 2);
    let db = &ctx.st.dbs[ctx.db];
    for member in args.iter().skip(2) {
        match found.and_then(|id| zset_ref(db, id).score(member)) {
            Some(s) => ctx.reply.double(s),
            None => ctx.reply.null(),
        }
    }
}

/// ZRANK and ZREVRANK.
fn zrank_generic(ctx: &mut Ctx, args: &Args, reverse: bool) {
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.null() };
    let z = zset_ref(&ctx.st.dbs[ctx.db], id);
    match z.rank(&args[2]) {
        Some((rank, _)) => {
            let rank = if reverse { z.len() - 1 - rank } else { rank };
            ctx.reply.int(rank as i64);
        }
        None => ctx.reply.null(),
    }
}

/// `ZRANK key member`
pub fn zrank(ctx: &mut Ctx, args: &Args) {
    zrank_generic(ctx, args, false);
}

/// `ZREVRANK key member`
pub fn zrevrank(ctx: &mut Ctx, args: &Args) {
    zrank_generic(ctx, args, true);
}

/// `ZCOUNT key min max`
pub fn zcount(ctx: &mut Ctx, args: &Args) {
    let Some(range) = ScoreRange::parse(&args[2], &args[3]) else {
        return ctx.reply.error(SCORE_RANGE_ERR);
    };
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let n = found.map_or(0, |id| {
        let (lo, hi) = score_ranks(zset_ref(&ctx.st.dbs[ctx.db], id), &range);
        hi - lo
    });
    ctx.reply.int(n as i64);
}

/// `ZLEXCOUNT key min max`
pub fn zlexcount(ctx: &mut Ctx, args: &Args) {
    let Some(range) = LexRange::parse(&args[2], &args[3]) else {
        return ctx.reply.error(LEX_RANGE_ERR);
    };
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let n = found.map_or(0, |id| {
        let (lo, hi) = lex_ranks(zset_ref(&ctx.st.dbs[ctx.db], id), &range);
        hi - lo
    });
    ctx.reply.int(n as i64);
}

// ---- ZRANGE and friends --------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Direction {
    Auto,
    Forward,
    Reverse,
}

/// The shared body of ZRANGE, ZRANGESTORE and Z[REV]RANGE[BYSCORE|BYLEX]
/// (Redis's `zrangeGenericCommand`): `args[src]` is the source key, then
/// min, max and options; `dst` is ZRANGESTORE's destination.
fn zrange_generic(ctx: &mut Ctx, args: &Args, src: usize, dst: Option<&[u8]>, mut kind: RangeType, mut dir: Direction) {
    let (mut minidx, mut maxidx) = (src + 1, src + 2);
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = src + 3;
    while j < args.len() {
        let left = args.len() - j - 1;
        if dst.is_none() && args.is(j, "withscores") {
            withscores = true;
        } else if args.is(j, "limit") && left >= 2 {
            let Some(o) = arg_i64(ctx.reply, &args[j + 1]) else {
                return;
            };
            let Some(l) = arg_i64(ctx.reply, &args[j + 2]) else {
                return;
            };
            (offset, limit) = (o, l);
            j += 2;
        } else if dir == Direction::Auto && args.is(j, "rev") {
            dir = Direction::Reverse;
        } else if kind == RangeType::Auto && args.is(j, "bylex") {
            kind = RangeType::Lex;
        } else if kind == RangeType::Auto && args.is(j, "byscore") {
            kind = RangeType::Score;
        } else {
            return ctx.reply.syntax_error();
        }
        j += 1;
    }
    let reverse = dir == Direction::Reverse;
    if kind == RangeType::Auto {
        kind = RangeType::Rank;
    }
    if limit != -1 && kind == RangeType::Rank {
        return ctx
            .reply
            .error(b"ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
    if withscores && kind == RangeType::Lex {
        return ctx
            .reply
            .error(b"ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    if reverse && kind != RangeType::Rank {
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    let (min, max) = (args.get(minidx), args.get(maxidx));
    let mut ranks = (0i64, 0i64);
    let mut score_range = None;
    let mut lex_range = None;
    match kind {
        RangeType::Score => match ScoreRange::parse(min, max) {
            Some(r) => score_range = Some(r),
            None => return ctx.reply.error(SCORE_RANGE_ERR),
        },
        RangeType::Lex => match LexRange::parse(min, max) {
            Some(r) => lex_range = Some(r),
            None => return ctx.reply.error(LEX_RANGE_ERR),
        },
        _ => {
            let Some(start) = arg_i64(ctx.reply, min) else { return };
            let Some(end) = arg_i64(ctx.reply, max) else { return };
            ranks = (start, end);
        }
    }
    let Ok(found) = ctx.lookup_typed_read(&args[src], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else {
        match dst {
            Some(dst) => store_result(ctx, dst, ZSet::new(), "zrangestore"),
            None => ctx.reply.array(0),
        }
        return;
    };
    let z = zset_ref(&ctx.st.dbs[ctx.db], id);
    let (lo, hi) = match (score_range, lex_range) {
        (Some(r), _) => score_ranks(z, &r),
        (_, Some(r)) => lex_ranks(z, &r),
        _ => match clamp_ranks(ranks.0, ranks.1, z.len()) {
            Some((start, end)) if reverse => (z.len() - 1 - end, z.len() - start),
            Some((start, end)) => (start, end + 1),
            None => (0, 0),
        },
    };
    // LIMIT: a negative offset skips everything, a negative count is "all".
    let (lo, hi) = if kind == RangeType::Rank {
        (lo, hi)
    } else if offset < 0 {
        (lo, lo)
    } else {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(hi - lo);
        let take = usize::try_from(limit).unwrap_or(usize::MAX).min(hi - lo - offset);
        if reverse {
            (hi - offset - take, hi - offset)
        } else {
            (lo + offset, lo + offset + take)
        }
    };
    let mut elems = z.range(lo, hi);
    if reverse {
        elems.reverse();
    }
    match dst {
        Some(dst) => {
            let limits = limits(ctx);
            let hint = if kind == RangeType::Rank { elems.len() } else { 0 };
            let mut out = ZSet::for_size(hint, limits);
            for (m, s) in elems {
                out.add(s, m, AddFlags::default(), limits);
            }
            store_result(ctx, dst, out, "zrangestore");
        }
        None => reply_elements(ctx.reply, elems.into_iter(), withscores),
    }
}

/// `ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`
pub fn zrange(ctx: &mut Ctx, args: &Args) {
    zrange_generic(ctx, args, 1, None, RangeType::Auto, Direction::Auto);
}

/// `ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]`
pub fn zrangestore(ctx: &mut Ctx, args: &Args) {
    zrange_generic(ctx, args, 2, Some(&args[1]), RangeType::Auto, Direction::Auto);
}

/// `ZREVRANGE key start stop [WITHSCORES]`
pub fn zrevrange(ctx: &mut Ctx, args: &Args) {
    zrange_generic(ctx, args, 1, None, RangeType::Rank, Direction::Reverse);
}

/// `ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]`
pub fn zrangebyscore(ctx: &mut Ctx, args: &Args) {
    zrange_generic(ctx, args, 1, None, RangeType::Score, Direction::Forward);
}

/// `ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]`
pub fn zrevrangebyscore(ctx: &mut Ctx, args: &Args) {
    zrange_generic(ctx, args, 1, None, RangeType::Score, Direction::Reverse);
}

/// `ZRANGEBYLEX key min max [LIMIT offset count]`
pub fn zrangebylex(ctx: &mut Ctx, args: &Args) {
    zrange_generic(ctx, args, 1, None, RangeType::Lex, Direction::Forward);
}

/// `ZREVRANGEBYLEX key max min [LIMIT offset count]`
pub fn zrevrangebylex(ctx: &mut Ctx, args: &Args) {
    zrange_generic(ctx, args, 1, None, RangeType::Lex, Direction::Reverse);
}

// ---- ZREMRANGEBY* ---------------------------------------------------------------------

/// The shared body of ZREMRANGEBYRANK/SCORE/LEX: the range is parsed
/// first, then the matching elements are removed; replies how many.
fn zremrange_generic(ctx: &mut Ctx, args: &Args, kind: RangeType) {
    let (min, max) = (args.get(2), args.get(3));
    let mut ranks = (0, 0);
    let (mut score_range, mut lex_range) = (None, None);
    match kind {
        RangeType::Score => match ScoreRange::parse(min, max) {
            Some(r) => score_range = Some(r),
            None => return ctx.reply.error(SCORE_RANGE_ERR),
        },
        RangeType::Lex => match LexRange::parse(min, max) {
            Some(r) => lex_range = Some(r),
            None => return ctx.reply.error(LEX_RANGE_ERR),
        },
        _ => {
            let Some(start) = arg_i64(ctx.reply, min) else { return };
            let Some(end) = arg_i64(ctx.reply, max) else { return };
            ranks = (start, end);
        }
    }
    let Ok(found) = ctx.lookup_typed_write(&args[1], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.int(0) };
    let z = zset_mut(&mut ctx.st.dbs[ctx.db], id);
    let (lo, hi) = match (score_range, lex_range) {
        (Some(r), _) => score_ranks(z, &r),
        (_, Some(r)) => lex_ranks(z, &r),
        _ => clamp_ranks(ranks.0, ranks.1, z.len()).map_or((0, 0), |(s, e)| (s, e + 1)),
    };
    let removed = z.remove_range(lo, hi);
    let emptied = ctx.delete_if_empty(id);
    if removed > 0 {
        let event = match kind {
            RangeType::Score => "zremrangebyscore",
            RangeType::Lex => "zremrangebylex",
            _ => "zremrangebyrank",
        };
        ctx.notify(notify::ZSET, event, &args[1]);
        if emptied {
            ctx.notify(notify::GENERIC, "del", &args[1]);
        }
    }
    ctx.dirty(removed as u64);
    ctx.reply.int(removed as i64);
}

/// `ZREMRANGEBYRANK key start stop`
pub fn zremrangebyrank(ctx: &mut Ctx, args: &Args) {
    zremrange_generic(ctx, args, RangeType::Rank);
}

/// `ZREMRANGEBYSCORE key min max`
pub fn zremrangebyscore(ctx: &mut Ctx, args: &Args) {
    zremrange_generic(ctx, args, RangeType::Score);
}

/// `ZREMRANGEBYLEX key min max`
pub fn zremrangebylex(ctx: &mut Ctx, args: &Args) {
    zremrange_generic(ctx, args, RangeType::Lex);
}

// ---- pops ------------------------------------------------------------------------------

/// How a pop's reply is shaped (Redis's `emitkey` / `use_nested_array`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum PopShape {
    /// ZPOPMIN/ZPOPMAX: flat pairs (nested pairs with a count in RESP3).
    Plain { nested: bool },
    /// BZPOPMIN/BZPOPMAX: `[key, member, score]`.
    KeyFlat,
    /// ZMPOP/BZMPOP: `[key, [[member, score], ...]]`.
    KeyNested,
}

/// The shared body of the pops (Redis's `genericZpopCommand`): pops up to
/// `count` elements from the min or max end of the first existing set
/// among `keys` (a non-set before it is WRONGTYPE).
fn zpop_generic(ctx: &mut Ctx, keys: &[&[u8]], max: bool, count: usize, shape: PopShape) {
    let mut found = None;
    for &key in keys {
        match ctx.lookup_typed_write(key, Kind::ZSet) {
            Err(Replied) => return,
            Ok(Some(id)) => {
                found = Some((key, id));
                break;
            }
            Ok(None) => {}
        }
    }
    let Some((key, id)) = found else {
        match shape {
            PopShape::Plain { .. } => ctx.reply.array(0),
            _ => ctx.reply.null_array(),
        }
        return;
    };
    if count == 0 {
        return ctx.reply.array(0);
    }
    let z = zset_ref(&ctx.st.dbs[ctx.db], id);
    let n = count.min(z.len());
    let (lo, hi) = if max { (z.len() - n, z.len()) } else { (0, n) };
    // Keys the lookups expired are reported before the reply starts.
    ctx.flush_notes();
    let reply = &mut *ctx.reply;
    let pairs = match shape {
        PopShape::Plain { nested: false } => {
            reply.array(n * 2);
            false
        }
        PopShape::Plain { nested: true } => {
            reply.array(n);
            true
        }
        PopShape::KeyFlat => {
            reply.array(n * 2 + 1);
            reply.bulk(key);
            false
        }
        PopShape::KeyNested => {
            reply.array(2);
            reply.bulk(key);
            reply.array(n);
            true
        }
    };
    // Redis reports the pop after removing the first element, before
    // replying it: a RESP3 client subscribed to its own events gets the
    // push inside the array.
    ctx.notify(notify::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    let mut elems = zset_ref(&ctx.st.dbs[ctx.db], id).range(lo, hi);
    if max {
        elems.reverse();
    }
    for (m, s) in elems {
        if pairs {
            ctx.reply.array(2);
        }
        ctx.reply.bulk(m);
        ctx.reply.double(s);
    }
    zset_mut(ctx.db(), id).remove_range(lo, hi);
    ctx.dirty(n as u64);
    delete_if_empty(ctx, id, key);
    // Blocking and multi-key pops are propagated as the plain pop.
    let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
    match shape {
        PopShape::Plain { .. } => {}
        PopShape::KeyFlat => ctx.propagate_as(&[name, key]),
        PopShape::KeyNested => ctx.propagate_as(&[name, key, n.to_string().as_bytes()]),
    }
}

/// ZPOPMIN and ZPOPMAX.
fn zpop_min_max(ctx: &mut Ctx, args: &Args, max: bool) {
    if args.len() > 3 {
        return ctx.reply.syntax_error();
    }
    let mut count = None;
    if args.len() == 3 {
        let msg = b"ERR value is out of range, must be positive";
        let Some(n) = arg_at_least(ctx.reply, &args[2], 0, msg) else {
            return;
        };
        count = Some(n as usize);
    }
    let nested = ctx.reply.resp3() && count.is_some();
    zpop_generic(ctx, &[&args[1]], max, count.unwrap_or(1), PopShape::Plain { nested });
}

/// `ZPOPMIN key [count]`
pub fn zpopmin(ctx: &mut Ctx, args: &Args) {
    zpop_min_max(ctx, args, false);
}

/// `ZPOPMAX key [count]`
pub fn zpopmax(ctx: &mut Ctx, args: &Args) {
    zpop_min_max(ctx, args, true);
}

/// The shared body of BZPOPMIN, BZPOPMAX and BZMPOP
/// (`blockingGenericZpopCommand`): pops as the non-blocking form from the
/// first non-empty key, or blocks the client on all of them.
fn bzpop_generic(ctx: &mut Ctx, args: &Args, keys: &[&[u8]], timeout: &[u8], max: bool, count: usize, shape: PopShape) {
    let Ok(deadline) = arg_timeout(ctx, timeout) else {
        return;
    };
    for &key in keys {
        match ctx.lookup_typed_write(key, Kind::ZSet) {
            Err(Replied) => return,
            Ok(Some(_)) => return zpop_generic(ctx, &[key], max, count, shape),
            Ok(None) => {}
        }
    }
    ctx.block(args, keys.iter().map(|&k| Box::from(k)).collect(), deadline, true);
}

/// `BZPOPMIN key [key ...] timeout`
pub fn bzpopmin(ctx: &mut Ctx, args: &Args) {
    let keys: Vec<&[u8]> = (1..args.len() - 1).map(|i| args.get(i)).collect();
    bzpop_generic(ctx, args, &keys, &args[args.len() - 1], false, 1, PopShape::KeyFlat);
}

/// `BZPOPMAX key [key ...] timeout`
pub fn bzpopmax(ctx: &mut Ctx, args: &Args) {
    let keys: Vec<&[u8]> = (1..args.len() - 1).map(|i| args.get(i)).collect();
    bzpop_generic(ctx, args, &keys, &args[args.len() - 1], true, 1, PopShape::KeyFlat);
}

/// The shared body of ZMPOP and BZMPOP: `numkeys` is at `args[at]`; a
/// blocking call's timeout is at `args[1]`.
fn zmpop_generic(ctx: &mut Ctx, args: &Args, at: usize, blocking: bool) {
    let msg = b"ERR numkeys should be greater than 0";
    let Some(numkeys) = arg_at_least(ctx.reply, &args[at], 1, msg) else {
        return;
    };
    let where_idx = (numkeys as u64).saturating_add(at as u64 + 1);
    if where_idx >= args.len() as u64 {
        return ctx.reply.syntax_error();
    }
    let where_idx = where_idx as usize;
    let max = if args.is(where_idx, "min") {
        false
    } else if args.is(where_idx, "max") {
        true
    } else {
        return ctx.reply.syntax_error();
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
            return ctx.reply.syntax_error();
        }
    }
    let keys: Vec<&[u8]> = (at + 1..where_idx).map(|i| args.get(i)).collect();
    let count = count.unwrap_or(1);
    if blocking {
        bzpop_generic(ctx, args, &keys, &args[1], max, count, PopShape::KeyNested);
    } else {
        zpop_generic(ctx, &keys, max, count, PopShape::KeyNested);
    }
}

/// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`
pub fn zmpop(ctx: &mut Ctx, args: &Args) {
    zmpop_generic(ctx, args, 1, false);
}

/// `BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]`
pub fn bzmpop(ctx: &mut Ctx, args: &Args) {
    zmpop_generic(ctx, args, 2, true);
}

// ---- ZUNION / ZINTER / ZDIFF and their STORE forms --------------------------------------

/// Which combination `zsetop_generic` computes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

/// How the scores of a member found in several inputs combine.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// Redis's `zunionInterAggregate`: a sum of +inf and -inf is 0; MIN and
/// MAX keep the target when the value is NaN.
fn aggregate(target: &mut f64, val: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => *target = if val < *target { val } else { *target },
        Aggregate::Max => *target = if val > *target { val } else { *target },
    }
}

/// One input of a combination (Redis's `zsetopsrc`): a missing key is an
/// empty input, and a plain set's members all score 1.
#[derive(Clone, Copy)]
enum Input<'a> {
    Missing,
    ZSet(&'a ZSet),
    Set(&'a Set),
}

impl<'a> Input<'a> {
    fn of(db: &'a Db, id: Option<u32>) -> Input<'a> {
        match id.map(|id| db.obj(id)) {
            Some(Obj::ZSet(z)) => Input::ZSet(z),
            Some(Obj::Set(s)) => Input::Set(s),
            _ => Input::Missing,
        }
    }

    fn len(&self) -> usize {
        match self {
            Input::Missing => 0,
            Input::ZSet(z) => z.len(),
            Input::Set(s) => s.len(),
        }
    }

    /// Every (member, score); an intset's integers are formatted.
    fn elements(&self) -> Vec<(Cow<'a, [u8]>, f64)> {
        match *self {
            Input::Missing => Vec::new(),
            Input::ZSet(z) => z.iter().into_iter().map(|(m, s)| (Cow::Borrowed(m), s)).collect(),
            Input::Set(s) => s
                .iter()
                .map(|m| match m {
                    Member::Bytes(b) => (Cow::Borrowed(b), 1.0),
                    Member::Int(_) => (Cow::Owned(m.to_vec()), 1.0),
                })
                .collect(),
        }
    }

    /// The score of `member` (Redis's `zuiFind`).
    fn find(&self, member: &[u8]) -> Option<f64> {
        match self {
            Input::Missing => None,
            Input::ZSet(z) => z.score(member),
            Input::Set(s) => s.contains(member).then_some(1.0),
        }
    }
}

/// Options after the keys of a combination.
struct SetOpOptions {
    weights: Vec<f64>,
    aggregate: Aggregate,
    withscores: bool,
    /// ZINTERCARD's LIMIT; 0 is none.
    limit: usize,
}

/// Parses `args[at..]`: WEIGHTS and AGGREGATE for ZUNION/ZINTER (and
/// their STORE forms), WITHSCORES for the replying forms, LIMIT for
/// ZINTERCARD; anything else is a syntax error.
fn parse_setop_options(
    reply: &mut Reply,
    args: &Args,
    mut at: usize,
    setnum: usize,
    op: SetOp,
    store: bool,
    card: bool,
) -> Option<SetOpOptions> {
    let mut o = SetOpOptions {
        weights: vec![1.0; setnum],
        aggregate: Aggregate::Sum,
        withscores: false,
        limit: 0,
    };
    let scoring = op != SetOp::Diff && !card;
    while at < args.len() {
        let remaining = args.len() - at;
        if scoring && remaining > setnum && args.is(at, "weights") {
            for (i, w) in o.weights.iter_mut().enumerate() {
                let Some(v) = parse_f64(&args[at + 1 + i]) else {
                    reply.error(b"ERR weight value is not a float");
                    return None;
                };
                *w = v;
            }
            at += setnum + 1;
        } else if scoring && remaining >= 2 && args.is(at, "aggregate") {
            o.aggregate = match () {
                _ if args.is(at + 1, "sum") => Aggregate::Sum,
                _ if args.is(at + 1, "min") => Aggregate::Min,
                _ if args.is(at + 1, "max") => Aggregate::Max,
                _ => {
                    reply.syntax_error();
                    return None;
                }
            };
            at += 2;
        } else if !store && !card && args.is(at, "withscores") {
            o.withscores = true;
            at += 1;
        } else if card && remaining >= 2 && args.is(at, "limit") {
            match parse_i64(&args[at + 1]) {
                Some(n) if n >= 0 => o.limit = n as usize,
                _ => {
                    reply.error(b"ERR LIMIT can't be negative");
                    return None;
                }
            }
            at += 2;
        } else {
            reply.syntax_error();
            return None;
        }
    }
    Some(o)
}

/// The shared body of ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE
/// forms (Redis's `zunionInterDiffGenericCommand`): `numkeys` is at
/// `args[at]`, then the keys (sorted sets or sets, in that order of checks:
/// numkeys, key count, WRONGTYPE, options), then the options. The result
/// is ordered as a sorted set; a store builds it in the encoding its size
/// and longest member call for.
fn zsetop_generic(ctx: &mut Ctx, args: &Args, at: usize, dst: Option<&[u8]>, op: SetOp, card: bool) {
    let Some(setnum) = arg_i64(ctx.reply, &args[at]) else {
        return;
    };
    if setnum < 1 {
        let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
        return ctx
            .reply
            .error_fmt(format_args!("ERR at least 1 input key is needed for '{name}' command"));
    }
    if setnum > (args.len() - at - 1) as i64 {
        return ctx.reply.syntax_error();
    }
    let setnum = setnum as usize;
    let mut ids = Vec::with_capacity(setnum);
    for j in at + 1..at + 1 + setnum {
        match ctx.lookup_read(&args[j]) {
            Some(id) if !matches!(ctx.db().kind(id), Kind::ZSet | Kind::Set) => {
                return ctx.reply.wrong_type();
            }
            found => ids.push(found),
        }
    }
    let Some(o) = parse_setop_options(ctx.reply, args, at + 1 + setnum, setnum, op, dst.is_some(), card) else {
        return;
    };
    let db = &ctx.st.dbs[ctx.db];
    let mut srcs: Vec<(Input, f64)> = ids.iter().map(|&id| Input::of(db, id)).zip(o.weights).collect();
    if op != SetOp::Diff {
        // Smallest first (a stable sort, as glibc's merge-sorting qsort).
        srcs.sort_by_key(|(src, _)| src.len());
    }
    let mut out: Vec<(Cow<[u8]>, f64)> = Vec::new();
    let mut cardinality = 0usize;
    match op {
        SetOp::Inter if srcs[0].0.len() > 0 => {
            let (first, w0) = srcs[0];
            for (m, s) in first.elements() {
                let mut score = w0 * s;
                if score.is_nan() {
                    score = 0.0;
                }
                let everywhere = srcs[1..].iter().all(|(src, w)| match src.find(&m) {
                    Some(v) => {
                        aggregate(&mut score, v * w, o.aggregate);
                        true
                    }
                    None => false,
                });
                if !everywhere {
                    continue;
                }
                if card {
                    cardinality += 1;
                    if o.limit > 0 && cardinality >= o.limit {
                        break;
                    }
                } else {
                    out.push((m, score));
                }
            }
        }
        SetOp::Inter => {}
        SetOp::Union => {
            let size = srcs.last().map_or(0, |(src, _)| src.len());
            let mut acc: hashbrown::HashMap<Cow<[u8]>, f64> = hashbrown::HashMap::with_capacity(size);
            for (src, w) in &srcs {
                for (m, s) in src.elements() {
                    let mut score = w * s;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    acc.entry(m)
                        .and_modify(|t| aggregate(t, score, o.aggregate))
                        .or_insert(score);
                }
            }
            out.extend(acc);
        }
        SetOp::Diff => {
            for (m, s) in srcs[0].0.elements() {
                if srcs[1..].iter().all(|(src, _)| src.find(&m).is_none()) {
                    out.push((m, s));
                }
            }
        }
    }
    if card {
        return ctx.reply.int(cardinality as i64);
    }
    out.sort_by(|(a, x), (b, y)| cmp_entry(*x, a, *y, b));
    let Some(dst) = dst else {
        return reply_elements(ctx.reply, out.iter().map(|(m, s)| (&**m, *s)), o.withscores);
    };
    let limits = limits(ctx);
    let mut z = ZSet::for_size(out.len(), limits);
    for (m, s) in &out {
        z.add(*s, m, AddFlags::default(), limits);
    }
    drop(out);
    let event = match op {
        SetOp::Union => "zunionstore",
        SetOp::Inter => "zinterstore",
        SetOp::Diff => "zdiffstore",
    };
    store_result(ctx, dst, z, event);
}

/// `ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`
pub fn zunion(ctx: &mut Ctx, args: &Args) {
    zsetop_generic(ctx, args, 1, None, SetOp::Union, false);
}

/// `ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`
pub fn zinter(ctx: &mut Ctx, args: &Args) {
    zsetop_generic(ctx, args, 1, None, SetOp::Inter, false);
}

/// `ZDIFF numkeys key [key ...] [WITHSCORES]`
pub fn zdiff(ctx: &mut Ctx, args: &Args) {
    zsetop_generic(ctx, args, 1, None, SetOp::Diff, false);
}

/// `ZINTERCARD numkeys key [key ...] [LIMIT limit]`
pub fn zintercard(ctx: &mut Ctx, args: &Args) {
    zsetop_generic(ctx, args, 1, None, SetOp::Inter, true);
}

/// `ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]`
pub fn zunionstore(ctx: &mut Ctx, args: &Args) {
    zsetop_generic(ctx, args, 2, Some(&args[1]), SetOp::Union, false);
}

/// `ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]`
pub fn zinterstore(ctx: &mut Ctx, args: &Args) {
    zsetop_generic(ctx, args, 2, Some(&args[1]), SetOp::Inter, false);
}

/// `ZDIFFSTORE destination numkeys key [key ...]`
pub fn zdiffstore(ctx: &mut Ctx, args: &Args) {
    zsetop_generic(ctx, args, 2, Some(&args[1]), SetOp::Diff, false);
}

// ---- ZRANDMEMBER --------------------------------------------------------------------

/// `ZRANDMEMBER key [count [WITHSCORES]]`
pub fn zrandmember(ctx: &mut Ctx, args: &Args) {
    if args.len() >= 3 {
        return zrandmember_with_count(ctx, args);
    }
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.null() };
    let rng = &mut ctx.st.rng;
    let pick = zset_ref(&ctx.st.dbs[ctx.db], id).random(|| rng.next_u64());
    ctx.reply.bulk_or_null(pick.map(|(m, _)| m));
}

/// `ZRANDMEMBER key count [WITHSCORES]`: a negative count may repeat
/// members; a positive one returns distinct members (the whole set, in
/// order, at most).
fn zrandmember_with_count(ctx: &mut Ctx, args: &Args) {
    let Some(n) = arg_i64(ctx.reply, &args[2]) else { return };
    if n == i64::MIN {
        return ctx.reply.error_fmt(format_args!(
            "ERR value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        ));
    }
    if args.len() > 4 || (args.len() == 4 && !args.is(3, "withscores")) {
        return ctx.reply.syntax_error();
    }
    let withscores = args.len() == 4;
    if withscores && !(-i64::MAX / 2..=i64::MAX / 2).contains(&n) {
        return ctx.reply.error(b"ERR value is out of range");
    }
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else { return ctx.reply.array(0) };
    let (count, unique) = (n.unsigned_abs() as usize, n >= 0);
    if count == 0 {
        return ctx.reply.array(0);
    }
    let z = zset_ref(&ctx.st.dbs[ctx.db], id);
    let rng = &mut ctx.st.rng;
    let resp3 = ctx.reply.resp3();
    if !unique || count == 1 {
        let mark = ctx.reply.mark();
        ctx.reply.array(if withscores && !resp3 { count * 2 } else { count });
        for _ in 0..count {
            let Some((m, s)) = z.random(|| rng.next_u64()) else {
                break;
            };
            if withscores && resp3 {
                ctx.reply.array(2);
            }
            ctx.reply.bulk(m);
            if withscores {
                ctx.reply.double(s);
            }
            if ctx.reply.mark() - mark > RANDOM_REPLY_LIMIT {
                ctx.reply.truncate(mark);
                let c = &mut ctx.clients[ctx.me];
                warn!(
                    "Client id={} addr={} closed: ZRANDMEMBER reply over {RANDOM_REPLY_LIMIT} bytes",
                    c.id, c.addr
                );
                c.close_after_reply = true;
                ctx.st.kill(ctx.me);
                return;
            }
        }
        return;
    }
    let size = z.len();
    if count >= size {
        // The whole set, from the highest (Redis's set iterator walks
        // sorted sets from the tail).
        return reply_elements(ctx.reply, z.iter().into_iter().rev(), withscores);
    }
    let mut picked: Vec<(&[u8], f64)>;
    if count * ZRANDMEMBER_SUB_STRATEGY_MUL > size {
        // Most of the set: drop random elements from a full copy.
        picked = z.iter();
        while picked.len() > count {
            let i = (rng.next_u64() % picked.len() as u64) as usize;
            picked.swap_remove(i);
        }
    } else {
        picked = Vec::with_capacity(count);
        let mut seen = hashbrown::HashSet::with_capacity(count);
        while picked.len() < count {
            if let Some((m, s)) = z.random(|| rng.next_u64())
                && seen.insert(m)
            {
                picked.push((m, s));
            }
        }
    }
    reply_elements(ctx.reply, picked.into_iter(), withscores);
}

// ---- ZSCAN ----------------------------------------------------------------------------

/// A score as a listpack holds it, for ZSCAN: an integer entry when it
/// is one within ±2^62 (Redis's `double2ll`), else `d2string`'s text.
fn write_listpack_score(out: &mut Vec<u8>, s: f64) {
    let bound = (i64::MAX / 2) as f64;
    if (-bound..=bound).contains(&s) && (s as i64) as f64 == s {
        write_i64(out, s as i64);
    } else {
        write_d2string(out, s);
    }
}

/// `ZSCAN key cursor [MATCH pattern] [COUNT count]`: a listpack comes back
/// whole with cursor 0; a skiplist's dict is walked like SCAN walks the
/// keyspace. Options are checked only once the key is found.
pub fn zscan(ctx: &mut Ctx, args: &Args) {
    let Some(mut cursor) = parse_cursor(&args[2]) else {
        return ctx.reply.error(b"ERR invalid cursor");
    };
    let Ok(found) = ctx.lookup_typed_read(&args[1], Kind::ZSet) else {
        return;
    };
    let Some(id) = found else {
        ctx.reply.array(2);
        ctx.reply.bulk(b"0");
        return ctx.reply.array(0);
    };
    let Some(ScanOpts { count, pattern, .. }) = parse_scan_opts(ctx, args, 3, false) else {
        return;
    };
    let z = zset_ref(&ctx.st.dbs[ctx.db], id);
    let mut found: Vec<(&[u8], Vec<u8>)> = Vec::new();
    if z.is_listpack() {
        for (m, s) in z.iter() {
            let mut text = Vec::new();
            write_listpack_score(&mut text, s);
            found.push((m, text));
        }
        cursor = 0;
    } else {
        let mut iterations = count.saturating_mul(10);
        loop {
            cursor = z
                .scan_step(cursor, |m, s| {
                    let mut text = Vec::new();
                    write_double(&mut text, s);
                    found.push((m, text));
                })
                .unwrap_or(0);
            iterations -= 1;
            if cursor == 0 || iterations <= 0 || found.len() as i64 >= count {
                break;
            }
        }
    }
    if let Some(p) = pattern {
        found.retain(|(m, _)| string_match(p, m, false));
    }
    ctx.reply.array(2);
    ctx.reply.bulk(cursor.to_string().as_bytes());
    ctx.reply.array(found.len() * 2);
    for (m, s) in found {
        ctx.reply.bulk(m);
        ctx.reply.bulk(&s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_bounds() {
        assert_eq!(parse_score_bound(b"(1.5"), Some((1.5, true)));
        assert_eq!(parse_score_bound(b"("), Some((0.0, true)));
        assert_eq!(parse_score_bound(b"-inf"), Some((f64::NEG_INFINITY, false)));
        assert_eq!(parse_score_bound(b"(nan"), None);
        assert_eq!(parse_score_bound(b"x"), None);
        assert_eq!(parse_score_bound(b""), None);
    }

    #[test]
    fn lex_bounds() {
        assert_eq!(parse_lex_bound(b"-"), Some((Lex::Min, true)));
        assert_eq!(parse_lex_bound(b"+"), Some((Lex::Max, true)));
        assert_eq!(parse_lex_bound(b"[a"), Some((Lex::Val(b"a"), false)));
        assert_eq!(parse_lex_bound(b"(a"), Some((Lex::Val(b"a"), true)));
        assert_eq!(parse_lex_bound(b"a"), None);
        assert_eq!(parse_lex_bound(b"+a"), None);
        assert_eq!(parse_lex_bound(b""), None);
    }

    #[test]
    fn listpack_score_text() {
        let text = |s: f64| {
            let mut out = Vec::new();
            write_listpack_score(&mut out, s);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text(1e17), "100000000000000000");
        assert_eq!(text(1.5), "1.5");
        assert_eq!(text(f64::INFINITY), "inf");
        assert_eq!(text(1e300), "1.0000000000000001e+300");
    }
}
