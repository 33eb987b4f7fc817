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

use diff_support::{Conn, Loopkv, Redis, Rng, V, encode, esc, redis_or_skip, split_line};

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

// ---- seeded random command sequences ---------------------------------------------

/// Keys shared by every type, so WRONGTYPE shows up.
const KEYS: &[&str] = &["k0", "k1", "k2", "k3"];

/// A field: mostly one of a few short names, now and then a long one.
fn field(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => "f".repeat(70),
        1 => String::new(),
        n => format!("f{}", n % 6),
    }
}

/// A value: short text, an integer, a float, an extreme or a long one.
fn value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => "v".repeat(80),
        1 => "9223372036854775807".to_string(),
        2 => "-9223372036854775808".to_string(),
        3 => "1.5".to_string(),
        4 => "abc".to_string(),
        5 => String::new(),
        _ => (rng.below(41) as i64 - 20).to_string(),
    }
}

/// An increment for HINCRBY / HINCRBYFLOAT, valid or not.
fn increment(rng: &mut Rng) -> String {
    rng.pick(&[
        "1",
        "-1",
        "7",
        "0",
        "100",
        "-250",
        "2.5",
        "-0.25",
        "1e3",
        "abc",
        "",
        "inf",
        "-inf",
        "nan",
        "9223372036854775807",
        "-9223372036854775808",
        "3.0e-2",
        " 1",
    ])
    .to_string()
}

/// One random command over `KEYS` and how its reply is compared.
fn random_hash_command(rng: &mut Rng) -> (Vec<String>, Norm) {
    let key = rng.pick(KEYS).to_string();
    let mut w: Vec<String> = Vec::new();
    let mut norm = Norm::Exact;
    match rng.below(30) {
        0..=4 => {
            w.push(rng.pick(&["HSET", "HMSET", "HSET", "HSET"]).into());
            w.push(key);
            // Now and then an odd number of arguments.
            for _ in 0..rng.below(3) + 1 {
                w.push(field(rng));
                w.push(value(rng));
            }
            if rng.below(12) == 0 {
                w.pop();
            }
        }
        5 => w.extend(["HSETNX".into(), key, field(rng), value(rng)]),
        6 | 7 => w.extend(["HGET".into(), key, field(rng)]),
        8 => {
            w.extend(["HMGET".into(), key]);
            for _ in 0..rng.below(4) {
                w.push(field(rng));
            }
        }
        9 | 10 => {
            w.extend(["HDEL".into(), key]);
            for _ in 0..rng.below(4) {
                w.push(field(rng));
            }
        }
        11 => w.extend(["HLEN".into(), key]),
        12 => w.extend(["HSTRLEN".into(), key, field(rng)]),
        13 => w.extend(["HEXISTS".into(), key, field(rng)]),
        14 | 15 => w.extend(["HINCRBY".into(), key, field(rng), increment(rng)]),
        16 | 17 => w.extend(["HINCRBYFLOAT".into(), key, field(rng), increment(rng)]),
        18 => {
            w.extend(["HKEYS".into(), key]);
            norm = Norm::Sorted;
        }
        19 => {
            w.extend(["HVALS".into(), key]);
            norm = Norm::Sorted;
        }
        20 => {
            w.extend(["HGETALL".into(), key]);
            norm = Norm::Pairs;
        }
        21 => {
            w.extend(["HRANDFIELD".into(), key]);
            match rng.below(4) {
                0 => {}
                1 => w.push(rng.pick(&["3", "-3", "0", "10", "-10", "x"]).into()),
                _ => w.extend([rng.pick(&["2", "-5", "0", "20", "y"]).into(), "WITHVALUES".into()]),
            }
            norm = Norm::Len;
        }
        22 => {
            w.extend(["HSCAN".into(), key, rng.pick(&["0", "0", "x"]).into()]);
            match rng.below(4) {
                0 => w.extend(["MATCH".into(), rng.pick(&["f1*", "*", "f[0-2]", "nope"]).into()]),
                1 => w.extend(["COUNT".into(), rng.pick(&["100", "0", "x"]).into()]),
                2 => w.push("COUNT".into()),
                _ => {}
            }
            if w.len() < 5 || w[3] != "COUNT" {
                w.extend(["COUNT".into(), "100".into()]);
            }
            norm = Norm::HScan;
        }
        23 => w.extend(["OBJECT".into(), "ENCODING".into(), key]),
        24 => w.extend(["TYPE".into(), key]),
        25 => w.extend(["DEL".into(), key]),
        26 => w.extend(["SET".into(), key, value(rng)]),
        27 => w.extend(["RPUSH".into(), key, value(rng)]),
        28 => w.extend(["SADD".into(), key, value(rng)]),
        _ => w.extend(["ZADD".into(), key, "1".into(), value(rng)]),
    }
    (w, norm)
}

/// Fixed seeds, each run once with the default listpack limits and once
/// with tiny ones (so hashes convert to hashtables), the last in RESP3.
const SEEDS: &[u64] = &[0x2545_f491_4f6c_dd1d, 0x9e37_79b9_7f4a_7c15, 12345];

#[test]
fn hash_random_sequences() {
    let Some(mut p) = Pair::start("hash-random") else {
        return;
    };
    for (i, &seed) in SEEDS.iter().enumerate() {
        for entries in ["512", "2"] {
            p.run(&split_line("FLUSHALL"), Norm::Skip);
            p.run(
                &split_line(&format!("CONFIG SET hash-max-listpack-entries {entries}")),
                Norm::Exact,
            );
            if i + 1 == SEEDS.len() && entries == "2" {
                p.run(&split_line("HELLO 3"), Norm::Hello);
            }
            let mut rng = Rng(seed);
            for _ in 0..1500 {
                let (words, norm) = random_hash_command(&mut rng);
                let args: Vec<Vec<u8>> = words.into_iter().map(String::into_bytes).collect();
                p.run(&args, norm);
            }
        }
    }
    p.finish();
}
