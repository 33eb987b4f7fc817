//! Differential tier for the sorted set commands: the script in
//! `diff/zset.txt` goes, as raw RESP, to an embedded loopkv and to a real
//! `redis-server` from PATH, and the replies must be equal byte for byte.
//! A skiplist's ZSCAN comes in dict order, which differs between the two,
//! so those replies are compared with their (member, score) pairs sorted
//! (`scan>`); random replies compare only their shape (`len>`: type and
//! element count). Without redis-server on PATH the test says so and
//! passes (unless LOOPKV_REQUIRE_REDIS=1).

mod diff_support;

use std::io::Write;

use diff_support::{Conn, Loopkv, Redis, Rng, V, encode, esc, redis_or_skip, split_line};

#[derive(Clone, Copy, PartialEq)]
enum Norm {
    Exact,
    /// Sort the (member, score) pairs of a ZSCAN reply (cursor kept).
    Scan,
    /// Only the reply type and the number of items (a bulk's type alone).
    Len,
}

fn normalise(reply: &[u8], norm: Norm) -> Vec<u8> {
    if reply.is_empty() || reply[0] == b'-' || norm == Norm::Exact {
        return reply.to_vec();
    }
    let mut v = V::parse(reply);
    match norm {
        Norm::Scan => {
            if let Some(list) = v.items_mut().and_then(|items| items.get_mut(1)).and_then(V::items_mut) {
                let mut pairs: Vec<Vec<V>> = list.chunks(2).map(<[V]>::to_vec).collect();
                pairs.sort();
                *list = pairs.concat();
            }
        }
        Norm::Len => match &v {
            V::Agg(kind, Some(items)) => return format!("{}{}", *kind as char, items.len()).into_bytes(),
            V::Blob(kind, Some(_)) => return vec![*kind],
            _ => {}
        },
        Norm::Exact => {}
    }
    v.to_bytes()
}

fn run_script(label: &str, redis: &Redis, lk: &Loopkv, text: &str) -> (usize, Vec<String>) {
    let (mut rc, mut lc): (Conn, Conn) = (redis.conn(), lk.conn());
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (norm, rest) = match line.split_once("> ") {
            Some(("scan", rest)) => (Norm::Scan, rest),
            Some(("len", rest)) => (Norm::Len, rest),
            Some((prefix, _)) if !prefix.contains(' ') => panic!("unknown script prefix {prefix}>"),
            _ => (Norm::Exact, line),
        };
        let args = split_line(rest);
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let bytes = encode(&refs);
        rc.stream.write_all(&bytes).unwrap();
        lc.stream.write_all(&bytes).unwrap();
        let r = rc.read_reply().expect("redis reply");
        let l = lc.read_reply().expect("loopkv reply");
        compared += 1;
        let (nr, nl) = (normalise(&r, norm), normalise(&l, norm));
        if nr != nl {
            mismatches.push(format!(
                "[{label}] {rest}\n    redis : {}\n    loopkv: {}",
                esc(&nr),
                esc(&nl)
            ));
        }
    }
    (compared, mismatches)
}

fn script_test(label: &str, extra: &[(&str, &str)], text: &str) {
    if !redis_or_skip(label) {
        return;
    }
    let args: Vec<String> = extra
        .iter()
        .flat_map(|(k, v)| [format!("--{k}"), v.to_string()])
        .collect();
    let redis = Redis::start_with(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let mut lk_extra = vec![("enable-debug-command", "yes")];
    lk_extra.extend_from_slice(extra);
    let lk = Loopkv::start(&lk_extra);
    let (compared, mismatches) = run_script(label, &redis, &lk, text);
    eprintln!("[{label}] {compared} replies compared, {} mismatches", mismatches.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatch(es) between redis-server and loopkv:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn zset_commands() {
    script_test("zset", &[], include_str!("diff/zset.txt"));
}

/// The same script with a tiny listpack limit, so most sets are skiplists.
#[test]
fn zset_commands_small_listpacks() {
    script_test(
        "zset-small",
        &[("zset-max-listpack-entries", "3")],
        include_str!("diff/zset.txt"),
    );
}

// ---- seeded random command sequences ---------------------------------------------

/// Keys shared by every type, so WRONGTYPE shows up.
const KEYS: &[&str] = &["k0", "k1", "k2", "k3"];

/// Keys for the lex range commands: Redis leaves their result unspecified
/// when scores differ, so "lex" only ever gets score 0; "str" is a string.
const LEX_KEYS: &[&str] = &["lex", "lex", "lex", "missing", "str"];

/// A member: mostly one of a few short ones, now and then a long one.
fn member(rng: &mut Rng) -> String {
    match rng.below(14) {
        0 => "m".repeat(70),
        1 => String::new(),
        n => format!("m{}", n % 6),
    }
}

/// A score, valid or not.
fn score(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng
            .pick(&[
                "1.5", "-0.5", "inf", "+inf", "-inf", "nan", "abc", "1e2", "", "0.1", "3.0", "(1",
            ])
            .into(),
        _ => (rng.below(11) as i64 - 5).to_string(),
    }
}

/// A score range bound, valid or not.
fn score_bound(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => rng
            .pick(&["-inf", "+inf", "inf", "(1", "(-2", "(x", "x", "2.5", "(+inf", "nan"])
            .into(),
        _ => (rng.below(11) as i64 - 5).to_string(),
    }
}

/// A lex range bound, valid or not.
fn lex_bound(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng.pick(&["-", "+", "m1", "", "[", "("]).into(),
        _ => format!("{}m{}", rng.pick(&["[", "("]), rng.below(6)),
    }
}

/// A rank, count or limit, valid or not.
fn index(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => rng
            .pick(&["x", "", "1.5", "9223372036854775807", "-9223372036854775808"])
            .into(),
        _ => (rng.below(17) as i64 - 8).to_string(),
    }
}

/// `numkeys key...`, with now and then a wrong count.
fn key_list(rng: &mut Rng, w: &mut Vec<String>) {
    let n = rng.below(3) + 1;
    w.push(match rng.below(10) {
        0 => rng.pick(&["0", "x", "-1", "5"]).into(),
        _ => n.to_string(),
    });
    for _ in 0..n {
        w.push(rng.pick(KEYS).into());
    }
}

/// Optional LIMIT offset count.
fn limit(rng: &mut Rng, w: &mut Vec<String>) {
    if rng.below(3) == 0 {
        w.extend(["LIMIT".into(), index(rng), index(rng)]);
    }
}

/// One random sorted set command over `KEYS` and how its reply is compared.
fn random_zset_command(rng: &mut Rng) -> (Vec<String>, Norm) {
    let key = rng.pick(KEYS).to_string();
    let mut w: Vec<String> = Vec::new();
    let mut norm = Norm::Exact;
    match rng.below(38) {
        36 => {
            w.extend(["ZADD".into(), "lex".into()]);
            for _ in 0..rng.below(3) + 1 {
                w.extend(["0".into(), member(rng)]);
            }
        }
        37 => w.extend(["ZREM".into(), "lex".into(), member(rng)]),
        0..=5 => {
            w.extend(["ZADD".into(), key]);
            for flag in ["NX", "XX", "GT", "LT", "CH", "INCR"] {
                if rng.below(8) == 0 {
                    w.push(flag.into());
                }
            }
            for _ in 0..rng.below(3) + 1 {
                w.push(score(rng));
                w.push(member(rng));
            }
            if rng.below(12) == 0 {
                w.pop();
            }
        }
        6 => w.extend(["ZINCRBY".into(), key, score(rng), member(rng)]),
        7 => {
            w.extend(["ZREM".into(), key]);
            for _ in 0..rng.below(4) {
                w.push(member(rng));
            }
        }
        8 => w.extend(["ZCARD".into(), key]),
        9 => w.extend(["ZSCORE".into(), key, member(rng)]),
        10 => {
            w.extend(["ZMSCORE".into(), key]);
            for _ in 0..rng.below(4) {
                w.push(member(rng));
            }
        }
        11 => w.extend([rng.pick(&["ZRANK", "ZREVRANK"]).into(), key, member(rng)]),
        12..=14 => {
            w.extend(["ZRANGE".into(), key]);
            match rng.below(3) {
                0 => w.extend([score_bound(rng), score_bound(rng), "BYSCORE".into()]),
                1 => {
                    w[1] = rng.pick(LEX_KEYS).into();
                    w.extend([lex_bound(rng), lex_bound(rng), "BYLEX".into()]);
                }
                _ => w.extend([index(rng), index(rng)]),
            }
            if rng.below(3) == 0 {
                w.push("REV".into());
            }
            limit(rng, &mut w);
            if rng.below(2) == 0 {
                w.push("WITHSCORES".into());
            }
        }
        15 => {
            w.extend([rng.pick(&["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]).into(), key]);
            w.extend([score_bound(rng), score_bound(rng)]);
            if rng.below(2) == 0 {
                w.push("WITHSCORES".into());
            }
            limit(rng, &mut w);
        }
        16 => {
            let key = rng.pick(LEX_KEYS).into();
            w.extend([rng.pick(&["ZRANGEBYLEX", "ZREVRANGEBYLEX"]).into(), key]);
            w.extend([lex_bound(rng), lex_bound(rng)]);
            limit(rng, &mut w);
        }
        17 => w.extend(["ZCOUNT".into(), key, score_bound(rng), score_bound(rng)]),
        18 => w.extend([
            "ZLEXCOUNT".into(),
            rng.pick(LEX_KEYS).into(),
            lex_bound(rng),
            lex_bound(rng),
        ]),
        19 => w.extend(["ZREMRANGEBYRANK".into(), key, index(rng), index(rng)]),
        20 => w.extend(["ZREMRANGEBYSCORE".into(), key, score_bound(rng), score_bound(rng)]),
        21 => {
            let key = rng.pick(LEX_KEYS).into();
            w.extend(["ZREMRANGEBYLEX".into(), key, lex_bound(rng), lex_bound(rng)]);
        }
        22 => {
            w.extend([rng.pick(&["ZPOPMIN", "ZPOPMAX"]).into(), key]);
            if rng.below(2) == 0 {
                w.push(index(rng));
            }
        }
        23 => {
            w.push("ZMPOP".into());
            key_list(rng, &mut w);
            w.push(rng.pick(&["MIN", "MAX", "max", "MID"]).into());
            if rng.below(2) == 0 {
                w.extend(["COUNT".into(), index(rng)]);
            }
        }
        24 | 25 => {
            w.extend([rng.pick(&["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]).into(), key]);
            key_list(rng, &mut w);
            if rng.below(3) == 0 {
                w.push("WEIGHTS".into());
                for _ in 0..w.len() - 4 {
                    w.push(score(rng));
                }
            }
            if rng.below(3) == 0 {
                w.extend(["AGGREGATE".into(), rng.pick(&["SUM", "MIN", "MAX", "avg"]).into()]);
            }
        }
        26 => {
            w.push(rng.pick(&["ZUNION", "ZINTER", "ZDIFF"]).into());
            key_list(rng, &mut w);
            if rng.below(2) == 0 {
                w.push("WITHSCORES".into());
            }
        }
        27 => {
            w.push("ZINTERCARD".into());
            key_list(rng, &mut w);
            limit(rng, &mut w);
            if w.len() > 2 && w[w.len() - 3] == "LIMIT" {
                w.remove(w.len() - 1);
            }
        }
        28 => {
            let src = rng.pick(KEYS).into();
            w.extend(["ZRANGESTORE".into(), key, src]);
            match rng.below(3) {
                0 => w.extend([score_bound(rng), score_bound(rng), "BYSCORE".into()]),
                1 => {
                    w[2] = rng.pick(LEX_KEYS).into();
                    w.extend([lex_bound(rng), lex_bound(rng), "BYLEX".into()]);
                }
                _ => w.extend([index(rng), index(rng)]),
            }
            if rng.below(3) == 0 {
                w.push("REV".into());
            }
            limit(rng, &mut w);
        }
        29 => {
            w.extend(["ZRANDMEMBER".into(), key]);
            match rng.below(3) {
                0 => {}
                1 => w.push(rng.pick(&["3", "-3", "0", "10", "-10", "x"]).into()),
                _ => w.extend([rng.pick(&["2", "-5", "0", "20", "y"]).into(), "WITHSCORES".into()]),
            }
            norm = Norm::Len;
        }
        30 => {
            w.extend([
                "ZSCAN".into(),
                key,
                rng.pick(&["0", "0", "x"]).into(),
                "COUNT".into(),
                "100".into(),
            ]);
            if rng.below(3) == 0 {
                w.extend(["MATCH".into(), rng.pick(&["m1*", "*", "m[0-2]", "nope"]).into()]);
            }
            norm = Norm::Scan;
        }
        31 => w.extend(["OBJECT".into(), "ENCODING".into(), key]),
        32 => w.extend(["TYPE".into(), key]),
        33 => w.extend(["DEL".into(), key]),
        34 => {
            let (cmd, extra) = match rng.below(4) {
                0 => ("SET", None),
                1 => ("RPUSH", None),
                2 => ("HSET", Some("f")),
                _ => ("SADD", None),
            };
            w.extend([cmd.into(), key]);
            w.extend(extra.map(String::from));
            w.push(member(rng));
        }
        _ => w.extend([
            rng.pick(&["BZPOPMIN", "BZPOPMAX"]).into(),
            key,
            rng.pick(&["0.01", "-1"]).into(),
        ]),
    }
    (w, norm)
}

/// A script line for `run_script`: the prefix and every word quoted.
fn script_line(words: &[String], norm: Norm) -> String {
    let prefix = match norm {
        Norm::Exact => "",
        Norm::Scan => "scan> ",
        Norm::Len => "len> ",
    };
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    format!("{prefix}{}\n", quoted.join(" "))
}

/// Fixed seeds, each run with the default listpack limit and with a tiny
/// one (so sets convert to skiplists), the last in RESP3.
const SEEDS: &[u64] = &[0x2545_f491_4f6c_dd1d, 0x9e37_79b9_7f4a_7c15, 12345];

#[test]
fn zset_random_sequences() {
    if !redis_or_skip("zset-random") {
        return;
    }
    let redis = Redis::start();
    let lk = Loopkv::start_debug();
    let (mut compared, mut mismatches) = (0, Vec::new());
    for (i, &seed) in SEEDS.iter().enumerate() {
        for entries in ["128", "2"] {
            let mut text = format!("FLUSHALL\nSET str x\nCONFIG SET zset-max-listpack-entries {entries}\n");
            if i + 1 == SEEDS.len() && entries == "2" {
                text.push_str("len> HELLO 3\n");
            }
            let mut rng = Rng(seed);
            for _ in 0..1500 {
                let (words, norm) = random_zset_command(&mut rng);
                text.push_str(&script_line(&words, norm));
            }
            let (n, found) = run_script(&format!("zset-random {seed:#x} {entries}"), &redis, &lk, &text);
            compared += n;
            mismatches.extend(found);
        }
    }
    eprintln!(
        "[zset-random] {compared} replies compared, {} mismatches",
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatch(es) between redis-server and loopkv:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
