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

use diff_support::{Conn, Loopkv, Redis, V, encode, esc, redis_or_skip, split_line};

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
