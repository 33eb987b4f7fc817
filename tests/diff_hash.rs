//! Differential tier for the hash commands: the script in
//! `tests/diff/hash.txt` goes, as raw RESP, to an embedded loopkv and to a
//! real `redis-server`, first in RESP2 and then again after HELLO 3, and
//! the raw reply bytes must be equal. Script prefixes (see
//! tests/diff/README.md) normalise what Redis leaves unspecified: `sorted>`
//! sorts a top-level array (HKEYS of a hashtable), `pairs>` sorts the
//! (field, value) pairs of a map or flat array (HGETALL), `hscan>` sorts
//! the pairs of an HSCAN reply's element list, and `len>` compares only
//! the shape of a random reply (error or not, aggregate type and length).
//!
//! Without redis-server on PATH the tier prints that it did not run and
//! passes, unless LOOPKV_REQUIRE_REDIS=1, which makes it fail.

mod diff_support;

use diff_support::{Conn, Loopkv, Redis, V, encode, esc, redis_or_skip, split_line};

#[derive(Clone, Copy, PartialEq)]
enum Norm {
    Exact,
    Sorted,
    Pairs,
    HScan,
    Len,
    Skip,
    Hello,
}

/// Sorts the (field, value) pairs of an aggregate's items.
fn sort_pairs(items: &mut Vec<V>) {
    let mut pairs: Vec<Vec<V>> = items.chunks(2).map(<[V]>::to_vec).collect();
    pairs.sort();
    *items = pairs.concat();
}

fn normalise(reply: &[u8], norm: Norm) -> Vec<u8> {
    if reply.is_empty() || reply[0] == b'-' || matches!(norm, Norm::Exact | Norm::Skip) {
        return reply.to_vec();
    }
    let mut v = V::parse(reply);
    match norm {
        Norm::Sorted => {
            if let Some(items) = v.items_mut() {
                items.sort();
            }
        }
        Norm::Pairs => {
            if let Some(items) = v.items_mut() {
                sort_pairs(items);
            }
        }
        Norm::HScan => {
            if let Some(list) = v.items_mut().and_then(|items| items.get_mut(1)).and_then(V::items_mut) {
                sort_pairs(list);
            }
        }
        Norm::Len => {
            let shape = match &v {
                V::Agg(kind, Some(items)) => format!("{}{}", *kind as char, items.len()),
                V::Agg(kind, None) => format!("{}-1", *kind as char),
                V::Blob(kind, Some(_)) => format!("{}blob", *kind as char),
                V::Blob(kind, None) => format!("{}-1", *kind as char),
                V::Line(kind, _) => format!("{}line", *kind as char),
            };
            return shape.into_bytes();
        }
        Norm::Hello => {
            if let Some(items) = v.items_mut() {
                for pair in items.chunks_mut(2) {
                    if pair[0].text() == b"id" && pair.len() == 2 {
                        pair[1] = V::Line(b':', b"0".to_vec());
                    }
                }
            }
        }
        Norm::Exact | Norm::Skip => {}
    }
    v.to_bytes()
}

/// A real redis-server and a loopkv, one connection to each.
struct Pair {
    label: &'static str,
    _redis: Redis,
    _lk: Loopkv,
    rc: Conn,
    lc: Conn,
    mismatches: Vec<String>,
    compared: usize,
}

impl Pair {
    fn start(label: &'static str) -> Option<Pair> {
        if !redis_or_skip(label) {
            return None;
        }
        let redis = Redis::start();
        let lk = Loopkv::start_debug();
        let (rc, lc) = (redis.conn(), lk.conn());
        Some(Pair {
            label,
            _redis: redis,
            _lk: lk,
            rc,
            lc,
            mismatches: Vec::new(),
            compared: 0,
        })
    }

    fn run(&mut self, args: &[Vec<u8>], norm: Norm) {
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let bytes = encode(&refs);
        self.rc.send_raw(&bytes);
        self.lc.send_raw(&bytes);
        let (r, l) = (self.rc.read_reply(), self.lc.read_reply());
        let shown = args.iter().map(|a| esc(a)).collect::<Vec<_>>().join(" ");
        match (r, l) {
            (Ok(r), Ok(l)) if norm != Norm::Skip => {
                self.compared += 1;
                let (nr, nl) = (normalise(&r, norm), normalise(&l, norm));
                if nr != nl {
                    self.mismatches.push(format!(
                        "[{}] {shown}\n    redis : {}\n    loopkv: {}",
                        self.label,
                        esc(&nr),
                        esc(&nl)
                    ));
                }
            }
            (Ok(_), Ok(_)) => {}
            (r, l) => panic!("[{}] {shown}: reply missing: redis {r:?}, loopkv {l:?}", self.label),
        }
    }

    /// Runs a script (see tests/diff/README.md and the module docs).
    fn script(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (norm, rest) = match line.split_once("> ") {
                Some((prefix, rest)) if !prefix.contains(' ') => (Some(prefix), rest),
                _ => (None, line),
            };
            let norm = match norm {
                None => Norm::Exact,
                Some("sorted") => Norm::Sorted,
                Some("pairs") => Norm::Pairs,
                Some("hscan") => Norm::HScan,
                Some("len") => Norm::Len,
                Some("skip") => Norm::Skip,
                Some("hello") => Norm::Hello,
                Some(other) => panic!("unknown script prefix {other}>"),
            };
            self.run(&split_line(rest), norm);
        }
    }

    fn finish(self) {
        eprintln!(
            "[{}] {} replies compared, {} mismatches",
            self.label,
            self.compared,
            self.mismatches.len()
        );
        if !self.mismatches.is_empty() {
            panic!(
                "{} mismatch(es) between redis-server and loopkv:\n{}",
                self.mismatches.len(),
                self.mismatches.join("\n")
            );
        }
    }
}

#[test]
fn hash_resp2() {
    let Some(mut p) = Pair::start("hash") else { return };
    p.script(include_str!("diff/hash.txt"));
    p.finish();
}

#[test]
fn hash_resp3() {
    let Some(mut p) = Pair::start("hash-resp3") else { return };
    p.run(&split_line("HELLO 3"), Norm::Hello);
    p.script(include_str!("diff/hash.txt"));
    p.finish();
}
