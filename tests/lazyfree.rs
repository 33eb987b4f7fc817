//! Freeing big values off the loop: UNLINK, the `lazyfree-lazy-*`
//! options and FLUSHALL/FLUSHDB ASYNC count lazily freed objects exactly
//! as Redis does, while the frees Redis does inline (DEL, an overwrite,
//! a TTL in the past, FLUSHDB SYNC) stay uncounted even though loopkv
//! also hands big ones to the background thread. Either way the key is
//! gone at once and the memory comes back.
//!
//! These run the `loopkv` binary (the lazyfree counters and the counting
//! allocator are process-wide), so the same tests run against
//! redis-server 7.0.15 with `LOOPKV_TEST_REAL_REDIS=1`.

mod diff_support;

use diff_support::{Conn, info_field as info, start_binary as start, wait_until};
use std::time::Duration;

/// Members in each big value: past Redis's lazy-free threshold of 64.
const BIG: usize = 1000;

/// Creates `key` as a big value of `kind` (hash, set, zset or list).
fn fill(c: &mut Conn, kind: &str, key: &str, members: usize) {
    let items: Vec<String> = (0..members).map(|i| format!("member:{i}")).collect();
    for chunk in items.chunks(500) {
        let mut args: Vec<&[u8]> = match kind {
            "hash" => vec![b"HSET", key.as_bytes()],
            "set" => vec![b"SADD", key.as_bytes()],
            "zset" => vec![b"ZADD", key.as_bytes()],
            _ => vec![b"RPUSH", key.as_bytes()],
        };
        for item in chunk {
            if kind == "hash" || kind == "zset" {
                args.push(if kind == "zset" { b"1" } else { item.as_bytes() });
            }
            args.push(item.as_bytes());
        }
        let reply = c.cmd(&args);
        assert_eq!(reply[0], b':', "{}", diff_support::esc(&reply));
    }
}

/// Waits until the background thread has freed everything handed to it
/// and returns `lazyfreed_objects`.
fn lazyfreed(c: &mut Conn) -> u64 {
    let idle = wait_until(Duration::from_secs(10), || {
        info(c, "memory", "lazyfree_pending_objects") == 0
    });
    assert!(idle, "lazyfree_pending_objects never reached 0");
    info(c, "memory", "lazyfreed_objects")
}

const KINDS: [&str; 4] = ["hash", "set", "zset", "list"];

/// What counts is the effort of freeing, as Redis weighs it: a table or
/// skiplist's elements, a list's quicklist nodes (8 KiB each), one for a
/// compact encoding.
#[test]
fn unlink_frees_big_values_lazily_and_small_ones_inline() {
    let (_server, mut c) = start(&[]);
    for kind in KINDS {
        fill(&mut c, kind, &format!("big:{kind}"), BIG);
    }
    // 1000 items of 1000 bytes: about 125 nodes.
    let item = [b'x'; 1000];
    for _ in 0..BIG {
        c.send(&[b"RPUSH", b"long:list", &item]);
    }
    for _ in 0..BIG {
        assert_eq!(c.read_reply().unwrap()[0], b':');
    }
    fill(&mut c, "hash", "small:hash", 10);
    c.expect("SET small:string v", b"+OK\r\n");
    c.expect(
        "UNLINK big:hash big:set big:zset big:list long:list small:hash small:string",
        b":7\r\n",
    );
    c.expect("DBSIZE", b":0\r\n");
    // big:list's 1000 short items fit in two nodes: freed inline.
    assert_eq!(lazyfreed(&mut c), 4);
}

#[test]
fn frees_redis_does_inline_are_not_counted() {
    let (_server, mut c) = start(&[]);
    fill(&mut c, "hash", "del", BIG);
    c.expect("DEL del", b":1\r\n");
    fill(&mut c, "set", "overwrite", BIG);
    c.expect("SET overwrite plain", b"+OK\r\n");
    c.expect("TYPE overwrite", b"+string\r\n");
    fill(&mut c, "zset", "past", BIG);
    c.expect("PEXPIREAT past 1", b":1\r\n");
    c.expect("EXISTS del past", b":0\r\n");
    fill(&mut c, "list", "flushed", BIG);
    c.expect("FLUSHDB SYNC", b"+OK\r\n");
    c.expect("DBSIZE", b":0\r\n");
    assert_eq!(lazyfreed(&mut c), 0);
}

#[test]
fn lazy_options_make_del_expire_and_overwrite_lazy() {
    let (_server, mut c) = start(&[
        "--lazyfree-lazy-user-del",
        "yes",
        "--lazyfree-lazy-expire",
        "yes",
        "--lazyfree-lazy-server-del",
        "yes",
    ]);
    fill(&mut c, "hash", "del", BIG);
    c.expect("DEL del", b":1\r\n");
    assert_eq!(lazyfreed(&mut c), 1);
    fill(&mut c, "zset", "past", BIG);
    c.expect("PEXPIREAT past 1", b":1\r\n");
    c.expect("EXISTS past", b":0\r\n");
    assert_eq!(lazyfreed(&mut c), 2);
    fill(&mut c, "set", "overwrite", BIG);
    c.expect("SET overwrite plain", b"+OK\r\n");
    assert_eq!(lazyfreed(&mut c), 3);
}

/// The options apply at once when set at runtime, in every database.
#[test]
fn lazy_options_set_at_runtime_apply_to_every_database() {
    let (_server, mut c) = start(&[]);
    c.expect("SELECT 3", b"+OK\r\n");
    fill(&mut c, "zset", "past", BIG);
    c.expect("SELECT 0", b"+OK\r\n");
    c.expect("CONFIG SET lazyfree-lazy-expire yes", b"+OK\r\n");
    c.expect("SELECT 3", b"+OK\r\n");
    c.expect("PEXPIREAT past 1", b":1\r\n");
    assert_eq!(lazyfreed(&mut c), 1);
    fill(&mut c, "hash", "src", BIG);
    fill(&mut c, "set", "dst", BIG);
    c.expect("CONFIG SET lazyfree-lazy-server-del yes", b"+OK\r\n");
    c.expect("RENAME src dst", b"+OK\r\n");
    c.expect("TYPE dst", b"+hash\r\n");
    assert_eq!(lazyfreed(&mut c), 2);
}

#[test]
fn flush_async_counts_every_key() {
    let (_server, mut c) = start(&[]);
    c.expect("DEBUG POPULATE 10 a", b"+OK\r\n");
    c.expect("SELECT 2", b"+OK\r\n");
    c.expect("DEBUG POPULATE 5 b", b"+OK\r\n");
    c.expect("FLUSHALL ASYNC", b"+OK\r\n");
    c.expect("DBSIZE", b":0\r\n");
    assert_eq!(lazyfreed(&mut c), 15);
    c.expect("DEBUG POPULATE 3 c", b"+OK\r\n");
    c.expect("FLUSHDB ASYNC", b"+OK\r\n");
    assert_eq!(lazyfreed(&mut c), 18);
    c.expect("DEBUG POPULATE 3 d", b"+OK\r\n");
    c.expect("CONFIG SET lazyfree-lazy-user-flush yes", b"+OK\r\n");
    c.expect("FLUSHDB", b"+OK\r\n");
    assert_eq!(lazyfreed(&mut c), 21);
}

/// The memory of a big value comes back whichever way it is freed.
#[test]
fn memory_returns_after_every_kind_of_free() {
    let (_server, mut c) = start(&[]);
    c.expect("SET warm up", b"+OK\r\n");
    c.expect("DEL warm", b":1\r\n");
    let baseline = info(&mut c, "memory", "used_memory");
    let ways: [(&str, &str); 5] = [
        ("hash", "DEL big"),
        ("set", "UNLINK big"),
        ("zset", "PEXPIREAT big 1"),
        ("list", "FLUSHALL"),
        ("hash", "FLUSHALL ASYNC"),
    ];
    for (kind, free) in ways {
        fill(&mut c, kind, "big", 50_000);
        let grown = info(&mut c, "memory", "used_memory");
        assert!(grown > baseline + 500_000, "{kind}: {grown} vs {baseline}");
        c.cmd_str(free);
        c.expect("EXISTS big", b":0\r\n");
        let back = wait_until(Duration::from_secs(10), || {
            info(&mut c, "memory", "used_memory") < baseline + 256 * 1024
        });
        let now = info(&mut c, "memory", "used_memory");
        assert!(back, "{kind} after {free}: {now} vs {baseline}");
    }
}
