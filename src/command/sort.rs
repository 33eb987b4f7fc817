//! SORT and SORT_RO (Redis's `sort.c`): sort the elements of a list, set
//! or sorted set numerically or lexically (ALPHA), optionally by the values
//! of other keys (`BY pattern`, where `*` is replaced by the element and
//! `key->field` reads a hash field), return a LIMIT window of them or of
//! other keys' values (`GET pattern`, `GET #` for the element itself), or
//! STORE the result as a list.
//!
//! A `BY` pattern without `*` means "do not sort": lists and sorted sets
//! keep their own order (reversed by DESC), sets their iteration order.
//! ALPHA compares as `strcoll` in the C locale (bytes up to the first NUL)
//! unless the result is stored, when it compares whole byte strings, as
//! Redis does.

use std::cmp::Ordering;

use super::table::flags::*;
use super::table::{CommandDef, KEY1, c};
use super::{Args, Ctx, Replied, arg_i64, notify};
use crate::db::list::{End, List};
use crate::db::zset::{AddFlags, Limits, ZSet};
use crate::db::{Kind, Obj, Value};
use crate::util::number::strtod;

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("sort", -2, WRITE | DENYOOM, KEY1, "generic", sort),
    c("sort_ro", -2, READONLY, KEY1, "generic", sort_ro),
];

/// The parsed options of one SORT.
struct Options<'a> {
    desc: bool,
    alpha: bool,
    limit: Option<(i64, i64)>,
    by: Option<&'a [u8]>,
    /// BY given without a `*`: keep the container's order.
    dont_sort: bool,
    gets: Vec<&'a [u8]>,
    store: Option<&'a [u8]>,
}

/// Parses SORT's options from `args[2..]`; STORE only when not read-only.
fn parse_options<'a>(ctx: &mut Ctx, args: &Args<'a>, read_only: bool) -> Result<Options<'a>, Replied> {
    let mut o = Options {
        desc: false,
        alpha: false,
        limit: None,
        by: None,
        dont_sort: false,
        gets: Vec::new(),
        store: None,
    };
    let mut j = 2;
    while j < args.len() {
        let left = args.len() - j - 1;
        if args.is(j, "asc") {
            o.desc = false;
        } else if args.is(j, "desc") {
            o.desc = true;
        } else if args.is(j, "alpha") {
            o.alpha = true;
        } else if args.is(j, "limit") && left >= 2 {
            let start = arg_i64(ctx.reply, &args[j + 1]).ok_or(Replied)?;
            let count = arg_i64(ctx.reply, &args[j + 2]).ok_or(Replied)?;
            o.limit = Some((start, count));
            j += 2;
        } else if !read_only && args.is(j, "store") && left >= 1 {
            o.store = Some(args.get(j + 1));
            j += 1;
        } else if args.is(j, "by") && left >= 1 {
            let by = args.get(j + 1);
            o.dont_sort = !pattern_bytes(by).contains(&b'*');
            o.by = Some(by);
            j += 1;
        } else if args.is(j, "get") && left >= 1 {
            o.gets.push(args.get(j + 1));
            j += 1;
        } else {
            ctx.reply.syntax_error();
            return Err(Replied);
        }
        j += 1;
    }
    Ok(o)
}

/// A pattern as Redis's C string functions see it: up to its first NUL.
fn pattern_bytes(pattern: &[u8]) -> &[u8] {
    match pattern.iter().position(|&b| b == 0) {
        Some(i) => &pattern[..i],
        None => pattern,
    }
}

/// The value a pattern names for `elem` (`lookupKeyByPattern`): `#` is the
/// element itself; otherwise the first `*` is replaced by the element and
/// the key read as a string, or, with `->field` after the `*`, as a hash
/// field. None for a pattern without `*`, a missing key or field, or a key
/// of another type.
fn lookup_by_pattern(ctx: &mut Ctx, pattern: &[u8], elem: &[u8]) -> Option<Vec<u8>> {
    if pattern == b"#" {
        return Some(elem.to_vec());
    }
    let c_pattern = pattern_bytes(pattern);
    let star = c_pattern.iter().position(|&b| b == b'*')?;
    let arrow = c_pattern[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|i| star + 1 + i)
        .filter(|&i| i + 2 < c_pattern.len());
    let key_end = arrow.unwrap_or(pattern.len());
    let mut key = Vec::with_capacity(key_end + elem.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(elem);
    key.extend_from_slice(&pattern[star + 1..key_end]);
    let id = ctx.lookup_read(&key)?;
    let db = ctx.db();
    match (arrow, db.kind(id)) {
        (Some(arrow), Kind::Hash) => match db.obj(id) {
            Obj::Hash(h) => h.get(&pattern[arrow + 2..]).map(<[u8]>::to_vec),
            _ => None,
        },
        (None, Kind::String) => Some(match db.value(id) {
            Value::Int(n) => n.to_string().into_bytes(),
            Value::Str(s) => s.to_vec(),
        }),
        _ => None,
    }
}

/// `strcoll` in the C locale: bytes compared up to the first NUL.
fn strcoll(a: &[u8], b: &[u8]) -> Ordering {
    pattern_bytes(a).cmp(pattern_bytes(b))
}

/// A numeric sort weight as SORT reads it: `strtod` must stop at the end
/// (or a NUL byte), without a range error or NaN. An empty string is 0.
fn sort_score(s: &[u8]) -> Option<f64> {
    let r = strtod(s);
    let stopped_at_end = r.consumed == s.len() || s[r.consumed] == 0;
    (stopped_at_end && !r.erange && !r.value.is_nan()).then_some(r.value)
}

/// What an element is ordered by.
enum Weight {
    Score(f64),
    /// ALPHA with BY: the looked-up value, None sorting first.
    Text(Option<Vec<u8>>),
    /// ALPHA without BY: the element itself.
    Element,
}

/// Copies the elements to sort out of node `id`: the whole container, or,
/// when not sorting a list or sorted set, just the `start..=end` window in
/// its own order (reversed by DESC).
fn load_elements(ctx: &mut Ctx, id: u32, window: Option<(usize, usize, bool)>) -> Vec<Vec<u8>> {
    let db = ctx.db();
    match (db.obj(id), window) {
        (Obj::List(l), Some((start, end, desc))) => {
            let len = l.len();
            if desc {
                l.range(len - 1 - end, len - 1 - start)
                    .rev()
                    .map(<[u8]>::to_vec)
                    .collect()
            } else {
                l.range(start, end).map(<[u8]>::to_vec).collect()
            }
        }
        (Obj::ZSet(z), Some((start, end, desc))) => {
            let len = z.len();
            let (lo, hi) = if desc {
                (len - 1 - end, len - start)
            } else {
                (start, end + 1)
            };
            let mut items: Vec<Vec<u8>> = z.range(lo, hi).into_iter().map(|(m, _)| m.to_vec()).collect();
            if desc {
                items.reverse();
            }
            items
        }
        (Obj::List(l), None) => l.iter().map(<[u8]>::to_vec).collect(),
        (Obj::ZSet(z), None) => z.iter().into_iter().map(|(m, _)| m.to_vec()).collect(),
        (Obj::Set(s), _) => s.iter().map(|m| m.to_vec()).collect(),
        (Obj::Hash(_), _) => Vec::new(),
    }
}

/// Redis converts a listpack sorted set to a skiplist before sorting it
/// (even for SORT_RO); OBJECT ENCODING shows it.
fn convert_zset_to_skiplist(ctx: &mut Ctx, id: u32) {
    let Obj::ZSet(z) = ctx.db().obj(id) else {
        return;
    };
    if !z.is_listpack() {
        return;
    }
    let limits = Limits {
        max_entries: 0,
        max_value: 0,
    };
    let mut big = ZSet::new_skiplist();
    for (member, score) in z.iter() {
        big.add(score, member, AddFlags::default(), limits);
    }
    *ctx.db().obj_mut(id) = Obj::ZSet(big);
}

/// The shared body of SORT and SORT_RO (`sortCommandGeneric`).
fn sort_generic(ctx: &mut Ctx, args: &Args, read_only: bool) -> Result<(), Replied> {
    let mut o = parse_options(ctx, args, read_only)?;
    let found = ctx.lookup_read(&args[1]);
    let kind = found.map(|id| ctx.db().kind(id));
    if matches!(kind, Some(Kind::String | Kind::Hash)) {
        ctx.reply.wrong_type();
        return Err(Replied);
    }
    // Unsorted set members would come in table order: STORE (and a
    // script, whose effects must not depend on it) sorts them.
    if o.dont_sort && kind == Some(Kind::Set) && (o.store.is_some() || ctx.clients[ctx.me].script) {
        o.dont_sort = false;
        o.alpha = true;
        o.by = None;
    }
    if let Some(id) = found
        && kind == Some(Kind::ZSet)
    {
        convert_zset_to_skiplist(ctx, id);
    }
    let len = found.map_or(0, |id| ctx.db().obj(id).len()) as i64;

    // LIMIT sanity checks, exactly as Redis clamps them.
    let (limit_start, limit_count) = o.limit.unwrap_or((0, -1));
    let mut start = limit_start.max(0).min(len);
    let count = limit_count.max(-1).min(len);
    let mut end = if count < 0 { len - 1 } else { start + count - 1 };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    end = end.min(len - 1);

    let direct = o.dont_sort && matches!(kind, Some(Kind::List | Kind::ZSet));
    let mut elems = match found {
        None => Vec::new(),
        Some(_) if direct && end < start => Vec::new(),
        Some(id) if direct => {
            let window = Some((start as usize, end as usize, o.desc));
            load_elements(ctx, id, window)
        }
        Some(id) => load_elements(ctx, id, None),
    };
    if direct {
        end -= start;
        start = 0;
    }

    if !o.dont_sort {
        let mut weights = Vec::with_capacity(elems.len());
        let mut conversion_error = false;
        for elem in &elems {
            let by = match o.by {
                Some(pattern) => lookup_by_pattern(ctx, pattern, elem),
                None => None,
            };
            weights.push(if o.alpha {
                match o.by {
                    Some(_) => Weight::Text(by),
                    None => Weight::Element,
                }
            } else {
                let score = match (o.by, &by) {
                    (Some(_), None) => Some(0.0),
                    (Some(_), Some(v)) => sort_score(v),
                    (None, _) => sort_score(elem),
                };
                conversion_error |= score.is_none();
                Weight::Score(score.unwrap_or(0.0))
            });
        }
        if conversion_error {
            ctx.reply
                .error(b"ERR One or more scores can't be converted into double");
            return Err(Replied);
        }
        let binary = o.store.is_some();
        let mut order: Vec<(Weight, Vec<u8>)> = weights.into_iter().zip(elems).collect();
        order.sort_by(|(wa, a), (wb, b)| {
            let cmp = match (wa, wb) {
                (Weight::Score(x), Weight::Score(y)) => {
                    x.partial_cmp(y).unwrap_or(Ordering::Equal).then_with(|| a.cmp(b))
                }
                (Weight::Text(x), Weight::Text(y)) => match (x, y) {
                    (Some(x), Some(y)) if binary => x.cmp(y),
                    (Some(x), Some(y)) => strcoll(x, y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                },
                _ if binary => a.cmp(b),
                _ => strcoll(a, b),
            };
            if o.desc { cmp.reverse() } else { cmp }
        });
        elems = order.into_iter().map(|(_, e)| e).collect();
    }

    let window: &[Vec<u8>] = if end >= start {
        &elems[start as usize..=end as usize]
    } else {
        &[]
    };
    match o.store {
        None => {
            let per = o.gets.len().max(1);
            ctx.reply.array(window.len() * per);
            for elem in window {
                if o.gets.is_empty() {
                    ctx.reply.bulk(elem);
                }
                for pattern in &o.gets {
                    let value = lookup_by_pattern(ctx, pattern, elem);
                    ctx.reply.bulk_or_null(value.as_deref());
                }
            }
        }
        Some(dst) => {
            let mut list = List::new();
            for elem in window {
                if o.gets.is_empty() {
                    list.push(End::Tail, elem);
                }
                for pattern in &o.gets {
                    let value = lookup_by_pattern(ctx, pattern, elem);
                    list.push(End::Tail, value.as_deref().unwrap_or_default());
                }
            }
            store_list(ctx, dst, list);
        }
    }
    Ok(())
}

/// Stores `list` under `dst`, replacing any value and TTL (Redis's
/// `setKey`), or deletes `dst` if it is empty, even with its TTL passed
/// (Redis's `dbDelete`); replies the length.
fn store_list(ctx: &mut Ctx, dst: &[u8], list: List) {
    let len = list.len();
    if len == 0 {
        if ctx.db_delete(dst) {
            ctx.notify(notify::GENERIC, "del", dst);
            ctx.dirty(1);
        }
    } else {
        let (_, replaced) = ctx.set_key_obj(dst, Obj::List(list));
        // Redis's dbAdd wakes clients blocked on a new list key.
        if !replaced {
            ctx.signal_ready(dst);
        }
        ctx.notify(notify::LIST, "sortstore", dst);
        ctx.dirty(len as u64);
    }
    ctx.reply.int(len as i64);
}

/// `SORT key [BY pattern] [LIMIT offset count] [GET pattern ...]
/// [ASC|DESC] [ALPHA] [STORE destination]`
pub fn sort(ctx: &mut Ctx, args: &Args) {
    let _ = sort_generic(ctx, args, false);
}

/// `SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...]
/// [ASC|DESC] [ALPHA]`
pub fn sort_ro(ctx: &mut Ctx, args: &Args) {
    let _ = sort_generic(ctx, args, true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_strtod() {
        assert_eq!(sort_score(b"1.5"), Some(1.5));
        assert_eq!(sort_score(b" 2"), Some(2.0));
        assert_eq!(sort_score(b""), Some(0.0));
        assert_eq!(sort_score(b"0x10"), Some(16.0));
        assert_eq!(sort_score(b"3\0junk"), Some(3.0));
        assert_eq!(sort_score(b"inf"), Some(f64::INFINITY));
        assert_eq!(sort_score(b"1e400"), None);
        assert_eq!(sort_score(b"nan"), None);
        assert_eq!(sort_score(b"x"), None);
        assert_eq!(sort_score(b"1 "), None);
    }

    #[test]
    fn collation_stops_at_nul() {
        assert_eq!(strcoll(b"a\0z", b"a\0b"), Ordering::Equal);
        assert_eq!(strcoll(b"ab", b"b"), Ordering::Less);
    }
}
