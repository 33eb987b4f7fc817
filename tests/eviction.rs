//! Eviction under `maxmemory`: each policy deletes the keys it should,
//! memory ends under the limit, `noeviction` (or nothing evictable) gets
//! Redis's -OOM, and evicted keys reach keyspace events, WATCH and the AOF.
//!
//! These run the `loopkv` binary: its counting allocator is what
//! `used_memory` and `maxmemory` measure (an embedded server has none).
//! Limits are set relative to the memory the server reports, so the same
//! tests run against redis-server 7.0.15 with `LOOPKV_TEST_REAL_REDIS=1`.

mod diff_support;

use diff_support::{Conn, info_field as info, start_binary as start, wait_until};
use std::time::Duration;

const OOM: &[u8] = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n";

/// `evicted_keys` and DBSIZE read atomically (eviction may still be going
/// on between two commands).
fn evicted_and_dbsize(c: &mut Conn) -> (i64, i64) {
    c.expect("MULTI", b"+OK\r\n");
    c.expect("INFO stats", b"+QUEUED\r\n");
    c.expect("DBSIZE", b"+QUEUED\r\n");
    let reply = diff_support::V::parse(&c.cmd_str("EXEC"));
    let stats = String::from_utf8_lossy(reply.items()[0].text()).into_owned();
    let evicted = stats
        .lines()
        .find_map(|l| l.strip_prefix("evicted_keys:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let dbsize = reply.items()[1].to_bytes();
    (
        evicted,
        std::str::from_utf8(&dbsize[1..dbsize.len() - 2])
            .unwrap()
            .parse()
            .unwrap(),
    )
}

fn used(c: &mut Conn) -> u64 {
    info(c, "memory", "used_memory")
}

/// Writes `n` keys `prefix:0..` holding a 100-byte value through RESTORE
/// with `modifier` (IDLETIME or FREQ), pipelined.
fn restore_keys(c: &mut Conn, prefix: &str, n: usize, modifier: &[&str]) {
    c.cmd(&[b"SET", b"template", &[b'v'; 100]]);
    let dump = c.cmd(&[b"DUMP", b"template"]);
    let payload = diff_support::V::parse(&dump).text().to_vec();
    c.cmd(&[b"DEL", b"template"]);
    for i in 0..n {
        let key = format!("{prefix}:{i}");
        let mut args: Vec<&[u8]> = vec![b"RESTORE", key.as_bytes(), b"0", &payload];
        args.extend(modifier.iter().map(|m| m.as_bytes()));
        c.send(&args);
    }
    for _ in 0..n {
        assert_eq!(c.read_reply().unwrap(), b"+OK\r\n");
    }
}

/// How many of `prefix:0..n` exist.
fn existing(c: &mut Conn, prefix: &str, n: usize) -> i64 {
    let keys: Vec<String> = (0..n).map(|i| format!("{prefix}:{i}")).collect();
    let mut args: Vec<&[u8]> = vec![b"EXISTS"];
    args.extend(keys.iter().map(|k| k.as_bytes()));
    let reply = c.cmd(&args);
    std::str::from_utf8(&reply[1..reply.len() - 2])
        .unwrap()
        .parse()
        .unwrap()
}

/// Memory INFO reports is within the limit, give or take what the INFO
/// command itself holds while it runs (Redis's suite allows 4 KiB too).
fn within(c: &mut Conn, limit: u64) -> bool {
    used(c) < limit + 4096
}

/// Lowers `maxmemory` to `limit` and waits until memory is under it.
fn lower_limit_to(c: &mut Conn, limit: u64) {
    c.expect_args(
        &[b"CONFIG", b"SET", b"maxmemory", limit.to_string().as_bytes()],
        b"+OK\r\n",
    );
    assert!(
        wait_until(Duration::from_secs(10), || within(c, limit)),
        "memory stayed over {limit}: {}",
        used(c)
    );
}

/// 2,000 cold keys and 200 hot ones, then a limit that leaves room for
/// about half: every hot key must survive, with the policy and the
/// RESTORE modifier that makes keys cold or hot.
fn hot_keys_survive(policy: &str, cold: &[&str], hot: &[&str]) {
    let (_server, mut c) = start(&["--maxmemory-policy", policy]);
    let before = used(&mut c);
    restore_keys(&mut c, "cold", 2000, cold);
    let per_key = (used(&mut c) - before) / 2000;
    restore_keys(&mut c, "hot", 200, hot);
    let limit = used(&mut c) - per_key * 1000;
    lower_limit_to(&mut c, limit);
    // Counted before the EXISTS below: its own arguments take memory,
    // which may evict a few more keys.
    let (evicted, dbsize) = evicted_and_dbsize(&mut c);
    assert_eq!(evicted, 2200 - dbsize, "{policy}: evicted_keys");
    assert!(dbsize < 1700, "{policy}: {dbsize} keys left");
    assert_eq!(existing(&mut c, "hot", 200), 200, "{policy} evicted a hot key");
}

#[test]
fn allkeys_lru_evicts_the_least_recently_used() {
    hot_keys_survive("allkeys-lru", &["IDLETIME", "100000"], &[]);
}

#[test]
fn allkeys_lfu_evicts_the_least_frequently_used() {
    hot_keys_survive("allkeys-lfu", &["FREQ", "0"], &["FREQ", "200"]);
}

#[test]
fn volatile_ttl_evicts_the_nearest_deadlines_and_keeps_keys_without_one() {
    let (_server, mut c) = start(&["--maxmemory-policy", "volatile-ttl"]);
    for i in 0..500 {
        c.send(&[b"SET", format!("persistent:{i}").as_bytes(), &[b'p'; 100]]);
    }
    for _ in 0..500 {
        c.read_reply().unwrap();
    }
    let before = used(&mut c);
    for i in 0..2000 {
        // Later keys expire later.
        let ttl = (10_000 + i).to_string();
        c.send(&[
            b"SET",
            format!("soon:{i}").as_bytes(),
            &[b'v'; 100],
            b"EX",
            ttl.as_bytes(),
        ]);
    }
    for _ in 0..2000 {
        c.read_reply().unwrap();
    }
    // A deleted key gives back its value but not its table slots (they
    // are kept for the next key), so freeing the memory 600 keys took
    // needs well over 600 evictions.
    let per_key = (used(&mut c) - before) / 2000;
    let limit = used(&mut c) - per_key * 600;
    lower_limit_to(&mut c, limit);
    assert_eq!(existing(&mut c, "persistent", 500), 500);
    let keys: Vec<String> = (1800..2000).map(|i| format!("soon:{i}")).collect();
    let mut args: Vec<&[u8]> = vec![b"EXISTS"];
    args.extend(keys.iter().map(|k| k.as_bytes()));
    assert_eq!(c.cmd(&args), b":200\r\n", "a key with one of the latest deadlines went");
    assert!(existing(&mut c, "soon", 2000) < 1500);

    // Once only keys without a TTL are left, writes are refused.
    c.expect("CONFIG SET maxmemory 1", b"+OK\r\n");
    assert!(wait_until(Duration::from_secs(10), || c.cmd_str("DBSIZE") == b":500\r\n"));
    c.expect_args(&[b"SET", b"persistent:0", b"x"], OOM);
    assert_eq!(
        c.cmd(&[b"GET", b"persistent:1"]),
        [&b"$100\r\n"[..], &[b'p'; 100], b"\r\n"].concat()
    );
    c.expect("DEL persistent:1", b":1\r\n");
}

#[test]
fn noeviction_refuses_commands_that_may_grow_memory() {
    let (_server, mut c) = start(&[]);
    c.expect("SET k v", b"+OK\r\n");
    c.expect("CONFIG SET maxmemory 1", b"+OK\r\n");
    c.expect("SET k w", OOM);
    c.expect("INCR counter", OOM);
    c.expect("GET k", b"$1\r\nv\r\n");
    c.expect("EXPIRE k 100", b":1\r\n");
    // Inside MULTI nothing may be queued (a queue grows memory too).
    c.expect("MULTI", b"+OK\r\n");
    c.expect("GET k", OOM);
    c.expect(
        "EXEC",
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    c.expect("DEL k", b":1\r\n");
    assert_eq!(info(&mut c, "stats", "evicted_keys"), 0);
    c.expect("CONFIG SET maxmemory 0", b"+OK\r\n");
    c.expect("SET k w", b"+OK\r\n");
}

#[test]
fn evicted_keys_reach_keyspace_events_watch_and_the_aof() {
    let (server, mut c) = start(&[
        "--maxmemory-policy",
        "allkeys-random",
        "--notify-keyspace-events",
        "Ee",
        "--appendonly",
        "yes",
    ]);
    let mut sub = Conn::connect(server.addr);
    sub.expect(
        "SUBSCRIBE __keyevent@0__:evicted",
        b"*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:evicted\r\n:1\r\n",
    );
    let mut watcher = Conn::connect(server.addr);
    c.expect("MSET a 1 b 2 watched 3", b"+OK\r\n");
    watcher.expect("WATCH watched", b"+OK\r\n");
    c.expect("CONFIG SET maxmemory 1", b"+OK\r\n");
    assert!(wait_until(Duration::from_secs(10), || c.cmd_str("DBSIZE") == b":0\r\n"));
    c.expect("CONFIG SET maxmemory 0", b"+OK\r\n");
    assert_eq!(info(&mut c, "stats", "evicted_keys"), 3);

    let mut keys: Vec<Vec<u8>> = (0..3)
        .map(|_| {
            let message = diff_support::V::parse(&sub.read_reply().unwrap());
            assert_eq!(message.items()[0].text(), b"message");
            assert_eq!(message.items()[1].text(), b"__keyevent@0__:evicted");
            message.items()[2].text().to_vec()
        })
        .collect();
    keys.sort();
    assert_eq!(keys, [&b"a"[..], b"b", b"watched"]);

    watcher.expect("MULTI", b"+OK\r\n");
    watcher.expect("SET watched 4", b"+QUEUED\r\n");
    watcher.expect("EXEC", b"*-1\r\n");

    // The AOF has each eviction as a DEL.
    let aof = std::fs::read_dir(server.dir.join("appendonlydir"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".incr.aof"))
        .expect("an incremental AOF file");
    let text = std::fs::read(aof).unwrap();
    for key in ["a", "b", "watched"] {
        let del = format!("*2\r\n$3\r\nDEL\r\n${}\r\n{key}\r\n", key.len());
        assert!(
            text.windows(del.len()).any(|w| w == del.as_bytes()),
            "no DEL of {key} in the AOF: {}",
            String::from_utf8_lossy(&text)
        );
    }
}

#[test]
fn a_much_lower_limit_is_reached_in_slices_while_clients_are_served() {
    let (_server, mut c) = start(&[
        "--maxmemory-policy",
        "allkeys-lru",
        // No time for more than 16 keys per pass: many passes.
        "--maxmemory-eviction-tenacity",
        "0",
    ]);
    c.expect("DEBUG POPULATE 20000 key 100", b"+OK\r\n");
    let limit = used(&mut c) - 1_000_000;
    c.expect_args(
        &[b"CONFIG", b"SET", b"maxmemory", limit.to_string().as_bytes()],
        b"+OK\r\n",
    );
    c.expect("PING", b"+PONG\r\n");
    assert!(wait_until(Duration::from_secs(10), || within(&mut c, limit)));
    let (evicted, dbsize) = evicted_and_dbsize(&mut c);
    assert!(dbsize < 20000);
    assert_eq!(evicted, 20000 - dbsize);
}

#[test]
fn small_integers_are_not_shared_under_lru_or_lfu_with_a_limit() {
    let (_server, mut c) = start(&[]);
    c.expect("SET a 1", b"+OK\r\n");
    c.expect("OBJECT REFCOUNT a", b":2147483647\r\n");
    c.expect("CONFIG SET maxmemory 1gb", b"+OK\r\n");
    c.expect("CONFIG SET maxmemory-policy allkeys-random", b"+OK\r\n");
    c.expect("SET a 1", b"+OK\r\n");
    c.expect("OBJECT REFCOUNT a", b":2147483647\r\n");
    for policy in ["allkeys-lru", "volatile-lfu"] {
        c.expect_args(&[b"CONFIG", b"SET", b"maxmemory-policy", policy.as_bytes()], b"+OK\r\n");
        c.expect("SET a 1", b"+OK\r\n");
        c.expect("OBJECT REFCOUNT a", b":1\r\n");
    }
}

/// A key evicted before a command is invalidated before that command's
/// reply (Redis sends pending invalidations right after evicting).
#[test]
fn tracking_hears_of_an_eviction_before_the_reply() {
    let (_server, mut c) = start(&["--maxmemory-policy", "volatile-random"]);
    assert!(c.cmd_str("HELLO 3").starts_with(b"%7\r\n"));
    c.expect("CLIENT TRACKING on", b"+OK\r\n");
    let limit = used(&mut c) + 100 * 1024;
    c.expect_args(
        &[b"CONFIG", b"SET", b"maxmemory", limit.to_string().as_bytes()],
        b"+OK\r\n",
    );
    c.expect("SETEX volatile-key 10000 x", b"+OK\r\n");
    c.expect("GET volatile-key", b"$1\r\nx\r\n");
    // 200 KB: over the limit, and only the volatile key may go.
    c.expect("SETBIT big-key 1600000 0", b":0\r\n");
    c.expect(
        "GETBIT big-key 0",
        b">2\r\n$10\r\ninvalidate\r\n*1\r\n$12\r\nvolatile-key\r\n",
    );
    assert_eq!(c.read_reply().unwrap(), b":0\r\n");
    c.expect("EXISTS volatile-key", b":0\r\n");
}

/// `maxmemory-clients`: when clients together hold more, the one holding
/// the most is disconnected (a NO-EVICT client never is).
#[test]
fn client_eviction_disconnects_the_biggest_client() {
    let (server, mut control) = start(&["--maxmemory-clients", "1mb"]);
    control.expect("CLIENT NO-EVICT on", b"+OK\r\n");
    let names = |c: &mut Conn| -> Vec<String> {
        let list = diff_support::V::parse(&c.cmd_str("CLIENT LIST"));
        let text = String::from_utf8_lossy(list.text()).into_owned();
        let mut names: Vec<String> = text
            .lines()
            .filter_map(|l| l.split(" name=").nth(1))
            .map(|rest| rest.split(' ').next().unwrap().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names
    };
    // Each sends most of a big argument and waits for the rest.
    // (The server may close the connection before all is written.)
    let partial = |name: &str, size: usize| {
        let mut c = Conn::connect(server.addr);
        c.expect_args(&[b"CLIENT", b"SETNAME", name.as_bytes()], b"+OK\r\n");
        let mut bytes = format!("*2\r\n$3\r\nSET\r\n${size}\r\n").into_bytes();
        bytes.extend(std::iter::repeat_n(b'v', size - 10));
        let _ = c.try_send_raw(&bytes);
        c
    };
    let _big = partial("big", 600_000);
    let _small = partial("small", 250_000);
    assert!(wait_until(Duration::from_secs(10), || names(&mut control)
        == ["big", "small"]
        && qbuf_of(&mut control, "small") >= 240_000));
    assert_eq!(info(&mut control, "stats", "evicted_clients"), 0);
    let _another = partial("another", 250_000);
    assert!(
        wait_until(Duration::from_secs(10), || names(&mut control) == ["another", "small"]),
        "{:?}",
        names(&mut control)
    );
    assert_eq!(info(&mut control, "stats", "evicted_clients"), 1);
    drop((_small, _another));

    // One client after another, each over the limit alone: each goes (the
    // memory a closing client gives back must not hide the next one).
    for i in 0..5 {
        let name = format!("alone{i}");
        let _c = partial(&name, 1_100_000);
        assert!(
            wait_until(Duration::from_secs(10), || !names(&mut control).contains(&name)),
            "{name} was not evicted"
        );
    }
    assert_eq!(info(&mut control, "stats", "evicted_clients"), 6);
}

/// CLIENT LIST's `qbuf` of the client named `name` (0 if none).
fn qbuf_of(c: &mut Conn, name: &str) -> u64 {
    let list = diff_support::V::parse(&c.cmd_str("CLIENT LIST"));
    let text = String::from_utf8_lossy(list.text()).into_owned();
    let marker = format!(" name={name} ");
    text.lines()
        .find(|l| l.contains(&marker))
        .and_then(|l| l.split(" qbuf=").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .map_or(0, |n| n.parse().unwrap())
}

/// A big value evicted without `lazyfree-lazy-eviction` is freed off the
/// loop, and eviction waits for that memory instead of deleting more keys:
/// evicting the one big hash is enough, so the small keys all stay.
#[test]
fn evicting_a_big_value_deletes_no_more_keys_than_needed() {
    let (_server, mut c) = start(&["--maxmemory-policy", "volatile-ttl", "--maxmemory-samples", "64"]);
    let fields: Vec<String> = (0..200_000).map(|i| format!("field:{i}")).collect();
    for chunk in fields.chunks(1000) {
        let mut args: Vec<&[u8]> = vec![b"HSET", b"big"];
        for f in chunk {
            args.push(f.as_bytes());
            args.push(b"v");
        }
        assert_eq!(c.cmd(&args), b":1000\r\n");
    }
    // The hash has the nearest deadline, so it goes first.
    c.expect("EXPIRE big 1000", b":1\r\n");
    for i in 0..50 {
        let key = format!("small:{i}");
        c.expect_args(&[b"SET", key.as_bytes(), b"value", b"EX", b"100000"], b"+OK\r\n");
    }
    let before = used(&mut c);
    // Room for everything but about half the hash.
    let hash_bytes = before / 2;
    lower_limit_to(&mut c, before - hash_bytes / 2);
    c.expect("EXISTS big", b":0\r\n");
    assert_eq!(existing(&mut c, "small", 50), 50);
    assert_eq!(info(&mut c, "stats", "evicted_keys"), 1);
}
