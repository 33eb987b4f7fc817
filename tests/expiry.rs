//! TTL commands (EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX|XX|GT|LT,
//! TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST), how writes keep or clear a
//! TTL, and lazy and active expiry, against an embedded server. Every
//! expected reply is Redis 7.0.15's. Nothing here asserts timing: short
//! TTLs are awaited with a bounded poll ("gone within 5 s").

mod common;

use common::{Conn, NOT_INT, eventually, redis_conn, setup, start, start_with};

const OK: &[u8] = b"+OK\r\n";
const NX_AND: &[u8] = b"-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
const GT_LT: &[u8] = b"-ERR GT and LT options at the same time are not compatible\r\n";

/// Waits, touching no key, until `DBSIZE` of the selected database is `n`.
#[track_caller]
fn await_dbsize(c: &mut Conn, n: i64) {
    eventually(&format!("DBSIZE becomes {n}"), || c.int("DBSIZE") == n);
}

// ---- setting TTLs ---------------------------------------------------------------------

#[test]
fn expire_family_sets_ttls() {
    let (_h, mut c) = setup();
    c.t("SET k v", OK);
    c.t("EXPIRE k 100", b":1\r\n");
    c.assert_ttl("k", 100);
    let pttl = c.int("PTTL k");
    assert!((95_000..=100_000).contains(&pttl), "PTTL {pttl}");
    c.t("PEXPIRE k 200000", b":1\r\n");
    c.assert_ttl("k", 200);
    c.t("EXPIREAT k 4102444800", b":1\r\n");
    c.t("EXPIRETIME k", b":4102444800\r\n");
    c.t("PEXPIRETIME k", b":4102444800000\r\n");
    c.t("PEXPIREAT k 4102444800123", b":1\r\n");
    c.t("EXPIRETIME k", b":4102444800\r\n");
    c.t("PEXPIRETIME k", b":4102444800123\r\n");
    // EXPIRETIME rounds to the nearest second.
    c.t("PEXPIREAT k 4102444800500", b":1\r\n");
    c.t("EXPIRETIME k", b":4102444801\r\n");
    c.t("PEXPIREAT k 4102444800499", b":1\r\n");
    c.t("EXPIRETIME k", b":4102444800\r\n");
    for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
        c.check(&[cmd, "nosuch", "100"], b":0\r\n");
    }
    c.t("EXISTS nosuch", b":0\r\n");
}

#[test]
fn ttl_of_missing_and_persistent_keys() {
    let (_h, mut c) = setup();
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        c.check(&[cmd, "nosuch"], b":-2\r\n");
    }
    c.t("SET k v", OK);
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        c.check(&[cmd, "k"], b":-1\r\n");
    }
    c.t("TTL", b"-ERR wrong number of arguments for 'ttl' command\r\n");
    c.t(
        "PEXPIRETIME k k",
        b"-ERR wrong number of arguments for 'pexpiretime' command\r\n",
    );
}

#[test]
fn persist() {
    let (_h, mut c) = setup();
    c.t("PERSIST nosuch", b":0\r\n");
    c.t("SET k v EX 100", OK);
    c.t("PERSIST k", b":1\r\n");
    c.t("TTL k", b":-1\r\n");
    c.t("PERSIST k", b":0\r\n");
    c.t("GET k", b"$1\r\nv\r\n");
    c.t("PERSIST", b"-ERR wrong number of arguments for 'persist' command\r\n");
}

#[test]
fn expire_flags_all_combinations() {
    let (_h, mut c) = setup();
    // Replies for: no TTL -> 50, no TTL -> 200, TTL 100 -> 50, TTL 100 -> 200.
    // A key without a TTL counts as an infinite TTL for GT and LT.
    let table: [(&str, [i64; 4]); 9] = [
        ("", [1, 1, 1, 1]),
        ("NX", [1, 1, 0, 0]),
        ("XX", [0, 0, 1, 1]),
        ("GT", [0, 0, 0, 1]),
        ("LT", [1, 1, 1, 0]),
        ("XX GT", [0, 0, 0, 1]),
        ("GT XX", [0, 0, 0, 1]),
        ("XX LT", [0, 0, 1, 0]),
        ("LT XX", [0, 0, 1, 0]),
    ];
    for (flags, replies) in table {
        for (i, expected) in replies.into_iter().enumerate() {
            let had_ttl = i >= 2;
            let new = if i % 2 == 0 { 50 } else { 200 };
            for (cmd, scale) in [("EXPIRE", 1), ("PEXPIRE", 1000)] {
                c.t("SET k v", OK);
                if had_ttl {
                    c.t("EXPIRE k 100", b":1\r\n");
                }
                let line = format!("{cmd} k {} {flags}", new * scale);
                assert_eq!(c.int(&line), expected, "{line} (had TTL: {had_ttl})");
                let ttl = match (expected, had_ttl) {
                    (1, _) => new,
                    (_, true) => 100,
                    _ => -1,
                };
                c.assert_ttl("k", ttl);
            }
        }
    }
    // Flags are case-insensitive and may repeat.
    c.t("SET k v", OK);
    c.t("EXPIRE k 100 nx NX", b":1\r\n");
    c.t("EXPIRE k 200 gt", b":1\r\n");
    c.t("EXPIREAT k 4102444800 Gt", b":1\r\n");
    c.t("PEXPIREAT k 4102444800000 LT", b":0\r\n");
    c.t("PEXPIREAT k 4102444799999 LT XX", b":1\r\n");
    c.t("PEXPIRETIME k", b":4102444799999\r\n");
}

#[test]
fn expire_flag_errors() {
    let (_h, mut c) = setup();
    c.t("SET k v EX 100", OK);
    for flags in ["NX XX", "XX NX", "NX GT", "NX LT", "GT NX", "LT NX", "NX XX GT LT"] {
        for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
            c.t(&format!("{cmd} k 10 {flags}"), NX_AND);
        }
    }
    for flags in ["GT LT", "LT GT", "XX GT LT"] {
        c.t(&format!("EXPIRE k 10 {flags}"), GT_LT);
    }
    c.t("EXPIRE k 10 foo", b"-ERR Unsupported option foo\r\n");
    c.t("PEXPIREAT k 10 NX foo", b"-ERR Unsupported option foo\r\n");
    c.t("EXPIRE k 10 foo NX", b"-ERR Unsupported option foo\r\n");
    c.t("EXPIRE nosuch 10 foo", b"-ERR Unsupported option foo\r\n");
    // Options are checked before the time argument.
    c.t("EXPIRE k abc foo", b"-ERR Unsupported option foo\r\n");
    c.t("EXPIRE k abc NX XX", NX_AND);
    c.t("EXPIRE k abc", NOT_INT);
    c.t("EXPIRE k 1.5", NOT_INT);
    c.t("EXPIRE nosuch abc", NOT_INT);
    c.t("PEXPIRE k \"\"", NOT_INT);
    c.assert_ttl("k", 100);
    c.t("EXPIRE k", b"-ERR wrong number of arguments for 'expire' command\r\n");
}

#[test]
fn expire_time_overflow() {
    let (_h, mut c) = setup();
    c.t("SET k v", OK);
    for (cmd, arg) in [
        ("EXPIRE", "9223372036854775807"),
        ("EXPIRE", "9223372036854775"),
        ("EXPIRE", "9223372036854774"),
        ("EXPIRE", "-9223372036854775808"),
        ("PEXPIRE", "9223372036854775807"),
        ("PEXPIRE", "9223372036854770000"),
        ("EXPIREAT", "9223372036854775807"),
        ("EXPIREAT", "-9223372036854775808"),
    ] {
        let expected = format!("-ERR invalid expire time in '{}' command\r\n", cmd.to_lowercase());
        c.check(&[cmd, "k", arg], expected.as_bytes());
    }
    c.t("TTL k", b":-1\r\n");
    // The largest representable deadlines are accepted.
    c.t("PEXPIREAT k 9223372036854775807", b":1\r\n");
    c.t("PEXPIRETIME k", b":9223372036854775807\r\n");
    c.t("EXPIREAT k 9223372036854775", b":1\r\n");
    c.t("PEXPIRETIME k", b":9223372036854775000\r\n");
}

#[test]
fn past_deadline_deletes_the_key() {
    let (_h, mut c) = setup();
    for line in [
        "EXPIRE k -1",
        "EXPIRE k 0",
        "PEXPIRE k 0",
        "PEXPIRE k -100",
        "EXPIREAT k 1",
        "PEXPIREAT k 1",
        "EXPIRE k -9223372036854775",
    ] {
        c.t("SET k v", OK);
        c.t(line, b":1\r\n");
        c.t("EXISTS k", b":0\r\n");
    }
    // Flags still apply: no TTL is infinite, so GT refuses and LT accepts.
    c.t("SET k v", OK);
    c.t("EXPIRE k 0 XX", b":0\r\n");
    c.t("EXPIRE k -1 GT", b":0\r\n");
    c.t("EXISTS k", b":1\r\n");
    c.t("EXPIRE k -1 LT", b":1\r\n");
    c.t("EXISTS k", b":0\r\n");
    c.t("SET k v", OK);
    c.t("EXPIRE k -1 NX", b":1\r\n");
    c.t("EXISTS k", b":0\r\n");
    c.t("SET k v EX 100", OK);
    c.t("EXPIRE k -1 NX", b":0\r\n");
    c.t("EXPIRE k -1 GT", b":0\r\n");
    c.t("EXPIRE k -1 XX", b":1\r\n");
    c.t("EXISTS k", b":0\r\n");
    // Deleting this way is not an expiry in the statistics.
    assert_eq!(c.info_field("stats", "expired_keys"), "0");
}

#[test]
fn expire_via_redis_crate() {
    let (_h, addr) = start();
    let mut con = redis_conn(addr);
    let () = redis::cmd("SET").arg("k").arg("v").query(&mut con).unwrap();
    let set: i64 = redis::cmd("EXPIRE")
        .arg("k")
        .arg(100)
        .arg("NX")
        .query(&mut con)
        .unwrap();
    let again: i64 = redis::cmd("EXPIRE")
        .arg("k")
        .arg(100)
        .arg("NX")
        .query(&mut con)
        .unwrap();
    assert_eq!((set, again), (1, 0));
    let ttl: i64 = redis::cmd("TTL").arg("k").query(&mut con).unwrap();
    assert!((99..=100).contains(&ttl));
    let err = redis::cmd("EXPIRE")
        .arg("k")
        .arg(1)
        .arg("GT")
        .arg("LT")
        .query::<i64>(&mut con)
        .unwrap_err();
    assert_eq!(
        err.detail(),
        Some("GT and LT options at the same time are not compatible")
    );
}

// ---- writes that keep or clear the TTL ------------------------------------------------

#[test]
fn writes_keep_or_clear_the_ttl() {
    let (_h, mut c) = setup();
    let with_ttl = |c: &mut Conn, value: &str| {
        c.check(&["SET", "k", value, "EX", "100"], OK);
    };
    // Overwrites clear it.
    for (line, reply) in [
        ("SET k v2", OK),
        ("GETSET k v3", b"$1\r\nv\r\n"),
        ("MSET k 1", OK),
        ("SET k v GET", b"$1\r\nv\r\n"),
        ("SETEX k 200 v", OK),
    ] {
        with_ttl(&mut c, "v");
        c.t(line, reply);
        c.assert_ttl("k", if line.starts_with("SETEX") { 200 } else { -1 });
    }
    // Modifications keep it.
    for (value, line, reply) in [
        ("v", "SET k v2 KEEPTTL", OK),
        ("v", "SET k v2 XX KEEPTTL GET", b"$1\r\nv\r\n"),
        ("5", "INCR k", b":6\r\n"),
        ("5", "DECR k", b":4\r\n"),
        ("5", "INCRBY k 10", b":15\r\n"),
        ("5", "DECRBY k 10", b":-5\r\n"),
        ("5", "INCRBYFLOAT k 1.5", b"$3\r\n6.5\r\n"),
        ("5", "APPEND k x", b":2\r\n"),
        ("5", "SETRANGE k 0 y", b":1\r\n"),
        ("v", "SETNX k w", b":0\r\n"),
        ("v", "MSETNX k w", b":0\r\n"),
        ("v", "SET k w NX", b"$-1\r\n"),
        ("v", "GETEX k", b"$1\r\nv\r\n"),
        ("v", "GET k", b"$1\r\nv\r\n"),
    ] {
        with_ttl(&mut c, value);
        c.t(line, reply);
        c.assert_ttl("k", 100);
    }
    with_ttl(&mut c, "v");
    c.t("GETDEL k", b"$1\r\nv\r\n");
    c.t("TTL k", b":-2\r\n");
    c.t("SET k v", OK);
    c.t("TTL k", b":-1\r\n");
}

// ---- lazy and active expiry ---------------------------------------------------------

#[test]
fn short_ttls_expire_actively() {
    let (_h, mut c) = setup();
    c.t("SET a v PX 50", OK);
    c.t("SET b v PX 1", OK);
    c.t("PSETEX c 30 v", OK);
    c.t("SET d v", OK);
    c.t("PEXPIRE d 40", b":1\r\n");
    c.t("SET e v", OK);
    c.t("PEXPIREAT e 1000", b":1\r\n"); // already past: deleted, not expired
    let mut mset = vec!["MSET".to_string()];
    for i in 0..100 {
        mset.extend([format!("many:{i}"), "v".to_string()]);
    }
    c.check(&mset, OK);
    for i in 0..100 {
        c.check(
            &["PEXPIRE".to_string(), format!("many:{i}"), (20 + i % 40).to_string()],
            b":1\r\n",
        );
    }
    // Only DBSIZE and INFO from here: the keys go without being accessed.
    await_dbsize(&mut c, 0);
    assert_eq!(c.info_field("stats", "expired_keys"), "104");
    c.t("DBSIZE", b":0\r\n");
    c.t("KEYS *", b"*0\r\n");
}

#[test]
fn persistent_keys_survive_active_expiry() {
    let (_h, mut c) = setup();
    c.t("MSET p1 v p2 v", OK);
    c.t("SET volatile v PX 30", OK);
    c.t("SET later v EX 1000", OK);
    await_dbsize(&mut c, 3);
    assert_eq!(c.info_field("stats", "expired_keys"), "1");
    c.t("EXISTS p1 p2 later volatile", b":3\r\n");
}

#[test]
fn keys_in_another_database_expire_actively() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("SELECT 3", OK);
    for i in 0..20 {
        c.check(
            &[
                "SET".to_string(),
                format!("k{i}"),
                "v".to_string(),
                "PX".to_string(),
                "50".to_string(),
            ],
            OK,
        );
    }
    c.t("SET keep v", OK);
    c.t("SELECT 12", OK);
    c.t("SET other v PX 40", OK);
    let mut watcher = Conn::connect(addr);
    watcher.t("SELECT 3", OK);
    await_dbsize(&mut watcher, 1);
    await_dbsize(&mut c, 0);
    assert_eq!(c.info_field("stats", "expired_keys"), "21");
    assert_eq!(c.info_field("keyspace", "db3"), "keys=1,expires=0,avg_ttl=0");
}

#[test]
fn expiry_follows_keys_moved_renamed_copied_and_swapped() {
    let (_h, mut c) = setup();
    c.t("SET renamed v PX 40", OK);
    c.t("RENAME renamed renamed2", OK);
    c.t("SET moved v PX 40", OK);
    c.t("MOVE moved 4", b":1\r\n");
    c.t("SET copied v PX 40", OK);
    c.t("COPY copied copied2 DB 5", b":1\r\n");
    c.t("SELECT 6", OK);
    c.t("SET swapped v PX 40", OK);
    c.t("SWAPDB 6 7", OK);
    c.t("SELECT 0", OK);
    await_dbsize(&mut c, 0);
    for db in ["4", "5", "6", "7"] {
        c.t(&format!("SELECT {db}"), OK);
        await_dbsize(&mut c, 0);
    }
    assert_eq!(c.info_field("stats", "expired_keys"), "5");
}

#[test]
fn cleared_or_extended_ttls_are_not_expired_by_the_old_deadline() {
    let (_h, mut c) = setup();
    for key in ["persisted", "extended", "overwritten", "getset", "recreated"] {
        c.check(&["SET", key, "v", "PX", "30"], OK);
    }
    c.t("PERSIST persisted", b":1\r\n");
    c.t("PEXPIRE extended 100000", b":1\r\n");
    c.t("SET overwritten w", OK);
    c.t("GETSET getset w", b"$1\r\nv\r\n");
    c.t("DEL recreated", b":1\r\n");
    c.t("SET recreated w", OK);
    // A sentinel expiring after the old deadlines: once it is gone, they
    // have passed too.
    c.t("SET sentinel v PX 60", OK);
    await_dbsize(&mut c, 5);
    c.t("EXISTS persisted extended overwritten getset recreated", b":5\r\n");
    c.assert_ttl("extended", 100);
    c.t("TTL recreated", b":-1\r\n");
    assert_eq!(c.info_field("stats", "expired_keys"), "1");
}

#[test]
fn flushed_keys_leave_no_timers_behind() {
    let (_h, mut c) = setup();
    c.t("SET a v PX 30", OK);
    c.t("FLUSHALL", OK);
    c.t("SET a v", OK);
    c.t("SET sentinel v PX 60", OK);
    await_dbsize(&mut c, 1);
    c.t("GET a", b"$1\r\nv\r\n");
    assert_eq!(c.info_field("stats", "expired_keys"), "1");
}

#[test]
fn lazy_expiry_when_active_expiry_is_off() {
    let (_h, addr) = start_with(&[("enable-debug-command", "yes")]);
    let mut c = Conn::connect(addr);
    c.t("DEBUG SET-ACTIVE-EXPIRE 0", OK);
    c.t("MSET a 1 b 2 c 3", OK);
    c.t("PEXPIRE a 1", b":1\r\n");
    c.t("PEXPIRE b 1", b":1\r\n");
    // Wait until both deadlines have surely passed: a third key's PTTL
    // (checked lazily, without deleting anything else) runs out after them.
    c.t("SET probe v PX 20", OK);
    eventually("probe expired", || c.call(&["PTTL", "probe"]) == b":-2\r\n");
    // Expired keys are still counted, but invisible to every lookup.
    c.t("DBSIZE", b":3\r\n");
    c.t("KEYS *", b"*1\r\n$1\r\nc\r\n");
    c.t("DBSIZE", b":3\r\n");
    c.t("EXISTS b", b":0\r\n");
    c.t("DBSIZE", b":2\r\n");
    c.t("SCAN 0 COUNT 100", b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\nc\r\n");
    c.t("DBSIZE", b":1\r\n");
    assert_eq!(c.info_field("stats", "expired_keys"), "3");
    // Each kind of access deletes an expired key first.
    for (line, reply) in [
        ("GET x", &b"$-1\r\n"[..]),
        ("TTL x", b":-2\r\n"),
        ("TYPE x", b"+none\r\n"),
        ("OBJECT ENCODING x", b"$-1\r\n"),
        ("TOUCH x", b":0\r\n"),
        ("EXPIRE x 100", b":0\r\n"),
        ("PERSIST x", b":0\r\n"),
        ("RENAME x y", b"-ERR no such key\r\n"),
        ("COPY x y", b":0\r\n"),
        ("MOVE x 3", b":0\r\n"),
        ("DEL x", b":0\r\n"),
        ("MGET x", b"*1\r\n$-1\r\n"),
        ("SET x 2 NX", OK),
        ("INCR x", b":1\r\n"),
        ("APPEND x z", b":1\r\n"),
        ("SETRANGE x 1 z", b":2\r\n"),
        ("GETEX x", b"$-1\r\n"),
        ("GETDEL x", b"$-1\r\n"),
        ("GETSET x 1", b"$-1\r\n"),
    ] {
        c.t("SET x 5 PX 1", OK);
        c.t("SET probe v PX 5", OK);
        eventually("probe expired", || c.call(&["PTTL", "probe"]) == b":-2\r\n");
        c.t(line, reply);
    }
    c.t("DEBUG SET-ACTIVE-EXPIRE 1", OK);
}

#[test]
fn scan_deletes_only_expired_keys_it_would_return() {
    let (_h, addr) = start_with(&[("enable-debug-command", "yes")]);
    let mut c = Conn::connect(addr);
    c.t("DEBUG SET-ACTIVE-EXPIRE 0", OK);
    c.t("MSET keep 1 d 2 xa 3", OK);
    c.t("PEXPIRE d 1", b":1\r\n");
    c.t("PEXPIRE xa 1", b":1\r\n");
    c.t("SET probe v PX 5", OK);
    eventually("probe expired", || c.call(&["PTTL", "probe"]) == b":-2\r\n");
    c.t("DBSIZE", b":3\r\n");
    // The pattern is applied first: "d" is not looked at, "xa" is deleted.
    c.t("SCAN 0 MATCH x* COUNT 100", b"*2\r\n$1\r\n0\r\n*0\r\n");
    c.t("DBSIZE", b":2\r\n");
    // With TYPE, an expired key is deleted by the type lookup and then has
    // type "none".
    c.t("CONFIG RESETSTAT", OK);
    c.t("SCAN 0 TYPE none COUNT 100", b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\nd\r\n");
    c.t("DBSIZE", b":1\r\n");
    assert_eq!(c.info_field("stats", "keyspace_hits"), "1");
    assert_eq!(c.info_field("stats", "keyspace_misses"), "1");
    assert_eq!(c.info_field("stats", "expired_keys"), "1");
    c.t("DEBUG SET-ACTIVE-EXPIRE 1", OK);
}

#[test]
fn active_expiry_publishes_expired_events_without_any_access() {
    // Nobody touches the keys: the timer wheel deletes them at their
    // deadline and publishes `expired` on both channels, in deadline order,
    // in the database they lived in. (Redis finds such keys by sampling, so
    // its order is not guaranteed; the deadline order is loopkv's, so this
    // is not run against real Redis.)
    if std::env::var_os("LOOPKV_TEST_REAL_REDIS").is_some() {
        return;
    }
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("CONFIG SET notify-keyspace-events KEx", OK);
    let mut sub = Conn::connect(addr);
    sub.t(
        "PSUBSCRIBE __key*@*__:*",
        b"*3\r\n$10\r\npsubscribe\r\n$12\r\n__key*@*__:*\r\n:1\r\n",
    );
    c.t("SET late v PX 300", OK);
    c.t("SET early v PX 100", OK);
    c.t("SELECT 3", OK);
    c.t("SET other v PX 200", OK);
    c.t("SET kept v", OK);
    let msg = |pattern_channel: &str, payload: &str| {
        format!(
            "*4\r\n$8\r\npmessage\r\n$12\r\n__key*@*__:*\r\n${}\r\n{pattern_channel}\r\n${}\r\n{payload}\r\n",
            pattern_channel.len(),
            payload.len()
        )
    };
    let mut want = String::new();
    for (db, key) in [(0, "early"), (3, "other"), (0, "late")] {
        want += &msg(&format!("__keyspace@{db}__:{key}"), "expired");
        want += &msg(&format!("__keyevent@{db}__:expired"), key);
    }
    assert_eq!(common::show(&sub.read_replies(6)), common::show(want.as_bytes()));
    c.t("DBSIZE", b":1\r\n");
    c.t("SELECT 0", OK);
    c.t("DBSIZE", b":0\r\n");
}
