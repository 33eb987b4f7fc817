//! MEMORY STATS, MEMORY USAGE and INFO memory agree with each other and
//! with `used_memory`: the figures a user sizes `maxmemory` by.
//!
//! These run the `loopkv` binary (its counting allocator is what
//! `used_memory` measures); MEMORY STATS' layout is also checked against
//! redis-server 7.0.15 with `LOOPKV_TEST_REAL_REDIS=1`.

mod diff_support;

use diff_support::{Conn, V, info_field as info, start_binary as start};

/// MEMORY STATS' reply as (name, value) pairs; a database's entry is
/// flattened as `db.N.<field>`.
fn flatten(reply: &V) -> Vec<(String, String)> {
    let text = |v: &V| String::from_utf8_lossy(v.text()).into_owned();
    let mut out = Vec::new();
    for pair in reply.items().chunks(2) {
        let name = text(&pair[0]);
        if pair[1].items().is_empty() {
            out.push((name, text(&pair[1])));
        } else {
            for sub in pair[1].items().chunks(2) {
                out.push((format!("{name}.{}", text(&sub[0])), text(&sub[1])));
            }
        }
    }
    out
}

fn stats(c: &mut Conn) -> Vec<(String, String)> {
    flatten(&V::parse(&c.cmd_str("MEMORY STATS")))
}

fn stat(stats: &[(String, String)], name: &str) -> f64 {
    stats
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in MEMORY STATS"))
        .1
        .parse()
        .unwrap()
}

#[test]
fn memory_stats_has_redis_fields_in_redis_order() {
    let (_server, mut c) = start(&[]);
    c.expect("DEBUG POPULATE 1000", b"+OK\r\n");
    c.expect("EXPIRE key:1 100", b":1\r\n");
    let names: Vec<String> = stats(&mut c).into_iter().map(|(n, _)| n).collect();
    let want = [
        "peak.allocated",
        "total.allocated",
        "startup.allocated",
        "replication.backlog",
        "clients.slaves",
        "clients.normal",
        "cluster.links",
        "aof.buffer",
        "lua.caches",
        "functions.caches",
        "db.0.overhead.hashtable.main",
        "db.0.overhead.hashtable.expires",
        "db.0.overhead.hashtable.slot-to-keys",
        "overhead.total",
        "keys.count",
        "keys.bytes-per-key",
        "dataset.bytes",
        "dataset.percentage",
        "peak.percentage",
        "allocator.allocated",
        "allocator.active",
        "allocator.resident",
        "allocator-fragmentation.ratio",
        "allocator-fragmentation.bytes",
        "allocator-rss.ratio",
        "allocator-rss.bytes",
        "rss-overhead.ratio",
        "rss-overhead.bytes",
        "fragmentation",
        "fragmentation.bytes",
    ];
    assert_eq!(names, want);
    let doctor = c.cmd_str("MEMORY DOCTOR");
    assert!(doctor.starts_with(b"$"), "{}", diff_support::esc(&doctor));
    assert!(String::from_utf8_lossy(&doctor).contains("Sam"));
    c.expect(
        "MEMORY STATS extra",
        b"-ERR wrong number of arguments for 'memory|stats' command\r\n",
    );
}

/// INFO memory and MEMORY STATS, read in one transaction, give the same
/// totals; the keys' MEMORY USAGE adds up to what the dataset grew by
/// (loopkv's own accounting: not run against redis-server).
#[test]
fn memory_figures_agree() {
    if std::env::var_os("LOOPKV_TEST_REAL_REDIS").is_some() {
        return;
    }
    let (_server, mut c) = start(&[]);
    c.expect("DEBUG POPULATE 20000 str 20", b"+OK\r\n");
    for i in 0..200 {
        let key = format!("hash:{i}");
        for chunk in 0..4 {
            let fields: Vec<String> = (0..50).map(|f| format!("field:{}", chunk * 50 + f)).collect();
            let mut args: Vec<&[u8]> = vec![b"HSET", key.as_bytes()];
            for f in &fields {
                args.push(f.as_bytes());
                args.push(b"some value");
            }
            assert_eq!(c.cmd(&args), b":50\r\n");
        }
    }
    for i in 0..2000 {
        c.cmd(&[b"EXPIRE", format!("str:{i}").as_bytes(), b"1000"]);
    }
    c.expect("MULTI", b"+OK\r\n");
    c.expect("INFO memory", b"+QUEUED\r\n");
    c.expect("MEMORY STATS", b"+QUEUED\r\n");
    let reply = V::parse(&c.cmd_str("EXEC"));
    let text = String::from_utf8_lossy(reply.items()[0].text()).into_owned();
    let field = |name: &str| -> f64 {
        let prefix = format!("{name}:");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let s = flatten(&reply.items()[1]);
    // The INFO text itself is allocated between the two readings.
    let close = |a: f64, b: f64| (a - b).abs() < 4096.0;
    for (stat_name, info_name) in [
        ("total.allocated", "used_memory"),
        ("overhead.total", "used_memory_overhead"),
        ("dataset.bytes", "used_memory_dataset"),
        ("startup.allocated", "used_memory_startup"),
    ] {
        let (a, b) = (stat(&s, stat_name), field(info_name));
        assert!(close(a, b), "{stat_name} {a} vs {info_name} {b}");
    }
    assert_eq!(stat(&s, "keys.count"), 20200.0);

    // Every key's MEMORY USAGE, summed, against the dataset's growth.
    let dataset = stat(&s, "total.allocated") - stat(&s, "startup.allocated") - stat(&s, "clients.normal");
    let mut sum = 0.0;
    for key in (0..20000)
        .map(|i| format!("str:{i}"))
        .chain((0..200).map(|i| format!("hash:{i}")))
    {
        let r = c.cmd(&[b"MEMORY", b"USAGE", key.as_bytes()]);
        sum += std::str::from_utf8(&r[1..r.len() - 2]).unwrap().parse::<f64>().unwrap();
    }
    let ratio = sum / dataset;
    assert!(
        (0.85..1.15).contains(&ratio),
        "MEMORY USAGE sums to {sum}, used_memory grew by {dataset}"
    );
    assert!(info(&mut c, "memory", "used_memory") > 0);
}

/// MEMORY USAGE estimates a big collection from SAMPLES elements (5 by
/// default, 0 for all): the estimate is close to the full count.
#[test]
fn memory_usage_samples_big_collections() {
    let (_server, mut c) = start(&[]);
    let members: Vec<String> = (0..5000).map(|i| format!("member:{i:06}")).collect();
    for chunk in members.chunks(500) {
        for (cmd, pair) in [("HSET", true), ("SADD", false), ("ZADD", true), ("RPUSH", false)] {
            let key = format!("{cmd}:key");
            let mut args: Vec<&[u8]> = vec![cmd.as_bytes(), key.as_bytes()];
            for m in chunk {
                if pair {
                    args.push(if cmd == "ZADD" { b"1.5" } else { m.as_bytes() });
                }
                args.push(m.as_bytes());
            }
            assert_eq!(c.cmd(&args)[0], b':');
        }
    }
    let usage = |c: &mut Conn, key: &str, extra: &[&str]| -> f64 {
        let mut args: Vec<&[u8]> = vec![b"MEMORY", b"USAGE", key.as_bytes()];
        args.extend(extra.iter().map(|e| e.as_bytes()));
        let r = c.cmd(&args);
        std::str::from_utf8(&r[1..r.len() - 2]).unwrap().parse().unwrap()
    };
    for key in ["HSET:key", "SADD:key", "ZADD:key", "RPUSH:key"] {
        let all = usage(&mut c, key, &["SAMPLES", "0"]);
        let sampled = usage(&mut c, key, &[]);
        let few = usage(&mut c, key, &["SAMPLES", "2"]);
        assert!(all > 5000.0 * 10.0, "{key}: {all}");
        for estimate in [sampled, few] {
            assert!((estimate - all).abs() / all < 0.1, "{key}: {estimate} vs {all}");
        }
    }
}
