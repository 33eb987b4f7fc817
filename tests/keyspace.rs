//! Keyspace commands (DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN,
//! RANDOMKEY, RENAME, RENAMENX, COPY, MOVE, SWAPDB, DBSIZE, FLUSHDB,
//! FLUSHALL) against an embedded server. Every expected reply is Redis
//! 7.0.15's, byte for byte; orders that depend on hashing are sorted first.

mod common;

use std::collections::HashSet;

use common::{Conn, NOT_INT, SYNTAX, parse_bulk_array, redis_conn, setup, start};

const OK: &[u8] = b"+OK\r\n";
const NIL: &[u8] = b"$-1\r\n";
const DB_RANGE: &[u8] = b"-ERR DB index is out of range\r\n";
const INT_RANGE: &[u8] = b"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";
const SAME: &[u8] = b"-ERR source and destination objects are the same\r\n";

fn bulks(items: &[&str]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = items.iter().map(|s| s.as_bytes().to_vec()).collect();
    v.sort();
    v
}

// ---- DEL, UNLINK, EXISTS, TOUCH, TYPE ------------------------------------------------

#[test]
fn del_unlink_exists() {
    let (_h, mut c) = setup();
    c.t("MSET a 1 b 2 c 3 d 4", OK);
    c.t("DEL a b nosuch", b":2\r\n");
    c.t("DEL a", b":0\r\n");
    // Repeated keys count each time for EXISTS, once for DEL.
    c.t("EXISTS a b c c c nosuch", b":3\r\n");
    c.t("UNLINK c c", b":1\r\n");
    c.t("EXISTS c", b":0\r\n");
    c.t("DEL d d d", b":1\r\n");
    c.t("DBSIZE", b":0\r\n");
    c.t("DEL", b"-ERR wrong number of arguments for 'del' command\r\n");
    c.t("UNLINK", b"-ERR wrong number of arguments for 'unlink' command\r\n");
    c.t("EXISTS", b"-ERR wrong number of arguments for 'exists' command\r\n");
}

#[test]
fn touch_and_type() {
    let (_h, mut c) = setup();
    c.t("SET foo 1", OK);
    c.t("TOUCH foo foo nosuch", b":2\r\n");
    c.t("TOUCH nosuch", b":0\r\n");
    c.t("TYPE foo", b"+string\r\n");
    c.t("TYPE nosuch", b"+none\r\n");
    c.t("SET \"\" empty", OK);
    c.t("TYPE \"\"", b"+string\r\n");
    c.t("EXISTS \"\"", b":1\r\n");
    c.t("TOUCH", b"-ERR wrong number of arguments for 'touch' command\r\n");
    c.t("TYPE", b"-ERR wrong number of arguments for 'type' command\r\n");
}

#[test]
fn read_only_lookups_count_keyspace_hits() {
    let (_h, mut c) = setup();
    c.t("SET s 1", OK);
    c.t("CONFIG RESETSTAT", OK);
    for line in [
        "EXISTS s nosuch",
        "TOUCH s",
        "TYPE s",
        "TTL s",
        "PTTL nosuch",
        "OBJECT ENCODING s",
        "EXPIRETIME nosuch",
        "GET s",
    ] {
        c.call(&line.split(' ').collect::<Vec<_>>());
    }
    assert_eq!(c.info_field("stats", "keyspace_hits"), "6");
    assert_eq!(c.info_field("stats", "keyspace_misses"), "3");
    // SCAN's TYPE filter looks up each key its pattern accepts.
    c.t("MSET s1 v s2 v x v", OK);
    c.t("CONFIG RESETSTAT", OK);
    c.call(&["SCAN", "0", "MATCH", "s*", "TYPE", "list", "COUNT", "100"]);
    assert_eq!(c.info_field("stats", "keyspace_hits"), "3");
    c.t("DEL s1 s2 x", b":3\r\n");
    // Writes and whole-keyspace commands count nothing.
    c.t("CONFIG RESETSTAT", OK);
    for line in [
        "EXPIRE s 100",
        "PERSIST s",
        "DEL nosuch",
        "RENAME s s2",
        "MOVE s2 1",
        "DBSIZE",
        "KEYS *",
        "SCAN 0",
        "RANDOMKEY",
    ] {
        c.call(&line.split(' ').collect::<Vec<_>>());
    }
    assert_eq!(c.info_field("stats", "keyspace_hits"), "0");
    assert_eq!(c.info_field("stats", "keyspace_misses"), "0");
}

// ---- KEYS ---------------------------------------------------------------------------------

#[test]
fn keys_glob() {
    let (_h, mut c) = setup();
    c.check(
        &[
            "MSET", "a", "1", "b", "2", "c", "3", "", "empty", "foo", "1", "foobar", "2", "fo", "3", "f*o", "4",
            "f\\o", "5", "hello", "6", "hallo", "7", "hxllo", "8", "hllo", "9", "heeeello", "10", "f?o", "11", "f[o",
            "12", "f]o", "13", "f-o", "14",
        ],
        OK,
    );
    let all = [
        "a", "b", "c", "", "foo", "foobar", "fo", "f*o", "f\\o", "hello", "hallo", "hxllo", "hllo", "heeeello", "f?o",
        "f[o", "f]o", "f-o",
    ];
    for (pattern, expected) in [
        ("*", &all[..]),
        ("h?llo", &["hello", "hallo", "hxllo"][..]),
        ("h*llo", &["hello", "hallo", "hxllo", "hllo", "heeeello"]),
        ("h[ae]llo", &["hello", "hallo"]),
        ("h[^e]llo", &["hallo", "hxllo"]),
        ("h[!e]llo", &["hello"]),
        ("h[a-b]llo", &["hallo"]),
        ("h[b-a]llo", &["hallo"]),
        ("f\\*o", &["f*o"]),
        ("f\\?o", &["f?o"]),
        ("f\\\\o", &["f\\o"]),
        ("f\\o", &["fo"]),
        ("fo", &["fo"]),
        ("foo*", &["foo", "foobar"]),
        ("*bar", &["foobar"]),
        ("nomatch", &[]),
        ("[", &[]),
        ("[a-", &["a"]),
        ("h[a-", &[]),
        ("f[*]o", &["f*o"]),
        ("f[\\]]o", &["f]o"]),
        ("f[[]o", &["f[o"]),
        ("f[a-]o", &["fo"]),
        ("f[-]o", &["f-o"]),
        ("*\\", &[]),
        ("?", &["a", "b", "c"]),
        ("??", &["fo"]),
        ("", &[""]),
        (
            "**o",
            &[
                "foo", "fo", "f*o", "f\\o", "hello", "hallo", "hxllo", "hllo", "heeeello", "f?o", "f[o", "f]o", "f-o",
            ],
        ),
        ("h*e*l*o", &["hello", "heeeello"]),
        ("H*", &[]),
    ] {
        let mut got = parse_bulk_array(&c.call(&["KEYS", pattern]));
        got.sort();
        assert_eq!(got, bulks(expected), "KEYS {pattern:?}");
    }
    c.t("KEYS", b"-ERR wrong number of arguments for 'keys' command\r\n");
    c.t("FLUSHDB", OK);
    c.t("KEYS *", b"*0\r\n");
}

#[test]
fn keys_binary() {
    let (_h, mut c) = setup();
    c.check(&[&b"SET"[..], b"k\x00\xff\r\n", b"v"], OK);
    c.check(&[&b"KEYS"[..], b"k\x00?\r*"], b"*1\r\n$5\r\nk\x00\xff\r\n\r\n");
    c.check(&[&b"KEYS"[..], b"k[\x00]*"], b"*1\r\n$5\r\nk\x00\xff\r\n\r\n");
}

// ---- SCAN ---------------------------------------------------------------------------------

#[test]
fn scan_cursor_parsing() {
    let (_h, mut c) = setup();
    let empty = b"*2\r\n$1\r\n0\r\n*0\r\n";
    let invalid = b"-ERR invalid cursor\r\n";
    for cursor in [
        "0",
        "-1",
        "+0",
        "00",
        "",
        "18446744073709551615",
        "-18446744073709551615",
    ] {
        c.check(&["SCAN", cursor], empty);
    }
    for cursor in ["abc", " 0", "0 ", "18446744073709551616", "1.5", "0x10", "-"] {
        c.check(&["SCAN", cursor], invalid);
    }
    c.t("SCAN", b"-ERR wrong number of arguments for 'scan' command\r\n");
}

#[test]
fn scan_options() {
    let (_h, mut c) = setup();
    let empty = b"*2\r\n$1\r\n0\r\n*0\r\n";
    c.t("SCAN 0 COUNT 0", SYNTAX);
    c.t("SCAN 0 COUNT -1", SYNTAX);
    c.t("SCAN 0 COUNT abc", NOT_INT);
    c.t("SCAN 0 COUNT", SYNTAX);
    c.t("SCAN 0 MATCH", SYNTAX);
    c.t("SCAN 0 TYPE", SYNTAX);
    c.t("SCAN 0 foo bar", SYNTAX);
    c.t("SCAN abc COUNT 0", b"-ERR invalid cursor\r\n");
    c.t("SCAN 0 MATCH * COUNT 100 TYPE string", empty);
    c.t("MSET k1 v foo 1 foobar 2", OK);
    let all = bulks(&["k1", "foo", "foobar"]);
    let scan_all = |c: &mut Conn, line: &str| {
        let got = c.call(&line.split(' ').collect::<Vec<_>>());
        // "*2\r\n$1\r\n0\r\n" then the keys: one call covers three keys.
        assert!(got.starts_with(b"*2\r\n$1\r\n0\r\n"), "{line}: {}", common::show(&got));
        let mut keys = parse_bulk_array(&got[11..]);
        keys.sort();
        keys
    };
    assert_eq!(scan_all(&mut c, "SCAN 0"), all);
    assert_eq!(scan_all(&mut c, "SCAN 0 TYPE string"), all);
    assert_eq!(scan_all(&mut c, "SCAN 0 TYPE STRING"), all);
    assert_eq!(scan_all(&mut c, "SCAN 0 COUNT 1 COUNT 100"), all);
    assert_eq!(
        scan_all(&mut c, "SCAN 0 MATCH foo* COUNT 100"),
        bulks(&["foo", "foobar"])
    );
    c.t("SCAN 0 TYPE list", empty);
    c.t("SCAN 0 TYPE foo", empty);
    c.t("SCAN 0 MATCH x* COUNT 100", empty);
    c.t("SCAN 0 MATCH k* COUNT 100", b"*2\r\n$1\r\n0\r\n*1\r\n$2\r\nk1\r\n");
    // The last MATCH wins.
    c.t("SCAN 0 MATCH k* MATCH x* COUNT 100", empty);
}

/// Runs `SCAN cursor COUNT 10` and returns (next cursor, keys).
fn scan_step(c: &mut Conn, cursor: &str) -> (String, Vec<Vec<u8>>) {
    let got = c.call(&["SCAN", cursor, "COUNT", "10"]);
    assert!(got.starts_with(b"*2\r\n$"), "{}", common::show(&got));
    let header_end = got[4..].windows(2).position(|w| w == b"\r\n").unwrap() + 6;
    let len: usize = std::str::from_utf8(&got[5..header_end - 2]).unwrap().parse().unwrap();
    let next = String::from_utf8(got[header_end..header_end + len].to_vec()).unwrap();
    (next, parse_bulk_array(&got[header_end + len + 2..]))
}

#[test]
fn scan_returns_every_key_present_throughout_while_the_table_grows() {
    let (_h, mut c) = setup();
    let mut mset = vec!["MSET".to_string()];
    for i in 0..1000 {
        mset.push(format!("key:{i}"));
        mset.push(i.to_string());
    }
    c.check(&mset, OK);
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut added = 0;
    let mut calls = 0;
    loop {
        let (next, keys) = scan_step(&mut c, &cursor);
        seen.extend(keys);
        calls += 1;
        assert!(calls < 100_000, "SCAN did not terminate");
        for _ in 0..5 {
            c.check(&["SET".to_string(), format!("new:{added}"), "v".to_string()], OK);
            added += 1;
        }
        if next == "0" {
            break;
        }
        cursor = next;
    }
    for i in 0..1000 {
        assert!(seen.contains(format!("key:{i}").as_bytes()), "key:{i} never returned");
    }
    assert_eq!(c.int("DBSIZE"), 1000 + added);
}

#[test]
fn scan_returns_every_key_present_throughout_while_the_table_shrinks() {
    let (_h, mut c) = setup();
    let mut mset = vec!["MSET".to_string()];
    for i in 0..500 {
        mset.extend([format!("key:{i}"), "v".to_string(), format!("tmp:{i}"), "v".to_string()]);
    }
    for i in 500..2000 {
        mset.extend([format!("tmp:{i}"), "v".to_string()]);
    }
    c.check(&mset, OK);
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut deleted = 0;
    loop {
        let (next, keys) = scan_step(&mut c, &cursor);
        seen.extend(keys);
        let mut del = vec!["DEL".to_string()];
        del.extend((deleted..(deleted + 50).min(2000)).map(|i| format!("tmp:{i}")));
        deleted = (deleted + 50).min(2000);
        if del.len() > 1 {
            c.call(&del);
        }
        if next == "0" {
            break;
        }
        cursor = next;
    }
    for i in 0..500 {
        assert!(seen.contains(format!("key:{i}").as_bytes()), "key:{i} never returned");
    }
}

#[test]
fn scan_full_iteration_via_redis_crate() {
    let (_h, addr) = start();
    let mut con = redis_conn(addr);
    for i in 0..300 {
        let () = redis::cmd("SET").arg(format!("k{i}")).arg(i).query(&mut con).unwrap();
    }
    let mut seen = HashSet::new();
    let mut cursor: u64 = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg("k1*")
            .query(&mut con)
            .unwrap();
        seen.extend(keys);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    // k1, k10..k19, k100..k199
    assert_eq!(seen.len(), 1 + 10 + 100);
    assert!(seen.iter().all(|k| k.starts_with("k1")));
}

// ---- RANDOMKEY, DBSIZE ----------------------------------------------------------------

#[test]
fn randomkey_dbsize() {
    let (_h, mut c) = setup();
    c.t("RANDOMKEY", NIL);
    c.t("DBSIZE", b":0\r\n");
    c.t("SET only v", OK);
    c.t("RANDOMKEY", b"$4\r\nonly\r\n");
    c.t("MSET a 1 b 2", OK);
    c.t("DBSIZE", b":3\r\n");
    for _ in 0..20 {
        let key = c.call(&["RANDOMKEY"]);
        assert!(
            [&b"$4\r\nonly\r\n"[..], b"$1\r\na\r\n", b"$1\r\nb\r\n"].contains(&&key[..]),
            "{}",
            common::show(&key)
        );
    }
    c.t(
        "RANDOMKEY x",
        b"-ERR wrong number of arguments for 'randomkey' command\r\n",
    );
    c.t("DBSIZE x", b"-ERR wrong number of arguments for 'dbsize' command\r\n");
}

// ---- RENAME, RENAMENX ------------------------------------------------------------------

#[test]
fn rename_renamenx() {
    let (_h, mut c) = setup();
    c.t("MSET foo 1 foobar 2", OK);
    c.t("RENAME foo foo", OK);
    c.t("RENAME nosuch x", b"-ERR no such key\r\n");
    c.t("RENAME nosuch nosuch", b"-ERR no such key\r\n");
    c.t("RENAMENX nosuch x", b"-ERR no such key\r\n");
    c.t("RENAMENX foo foo", b":0\r\n");
    c.t("RENAMENX foo foobar", b":0\r\n");
    c.t("GET foobar", b"$1\r\n2\r\n");
    c.t("RENAME foo foobar", OK);
    c.t("GET foobar", b"$1\r\n1\r\n");
    c.t("EXISTS foo", b":0\r\n");
    c.t("RENAMENX foobar newname", b":1\r\n");
    c.t("GET newname", b"$1\r\n1\r\n");
    c.t("DBSIZE", b":1\r\n");
    c.t("OBJECT ENCODING newname", b"$3\r\nint\r\n");
    c.t("RENAME foo", b"-ERR wrong number of arguments for 'rename' command\r\n");
}

#[test]
fn rename_carries_ttl() {
    let (_h, mut c) = setup();
    c.t("SET a v EX 100", OK);
    c.t("RENAME a b", OK);
    c.assert_ttl("b", 100);
    c.t("RENAMENX b c", b":1\r\n");
    c.assert_ttl("c", 100);
    // Renaming a key without TTL over one with a TTL drops the target's TTL.
    c.t("SET d v", OK);
    c.t("RENAME d c", OK);
    c.t("TTL c", b":-1\r\n");
    c.t("SET e v PX 200000", OK);
    c.t("RENAME e c", OK);
    c.assert_ttl("c", 200);
    c.t("RENAME c c", OK);
    c.assert_ttl("c", 200);
}

// ---- COPY -------------------------------------------------------------------------------

#[test]
fn copy() {
    let (_h, mut c) = setup();
    c.t("SET src bar", OK);
    c.t("COPY src src", SAME);
    c.t("COPY src src DB 0", SAME);
    c.t("COPY src dst", b":1\r\n");
    c.t("GET dst", b"$3\r\nbar\r\n");
    c.t("COPY nosuch x", b":0\r\n");
    c.t("SET src baz", OK);
    c.t("COPY src dst", b":0\r\n");
    c.t("GET dst", b"$3\r\nbar\r\n");
    c.t("COPY src dst REPLACE", b":1\r\n");
    c.t("GET dst", b"$3\r\nbaz\r\n");
    c.t("COPY src dst DB 1", b":1\r\n");
    c.t("COPY src src DB 2", b":1\r\n");
    c.t("COPY src src DB 2", b":0\r\n");
    c.t("COPY src src DB 2 REPLACE", b":1\r\n");
    c.t("COPY src other REPLACE REPLACE DB 2 DB 3", b":1\r\n");
    c.t("SELECT 1", OK);
    c.t("GET dst", b"$3\r\nbaz\r\n");
    c.t("SELECT 2", OK);
    c.t("GET src", b"$3\r\nbaz\r\n");
    c.t("SELECT 3", OK);
    c.t("GET other", b"$3\r\nbaz\r\n");
    c.t("SELECT 0", OK);
    // The copy is independent of the source.
    c.t("APPEND dst !", b":4\r\n");
    c.t("GET src", b"$3\r\nbaz\r\n");
    c.t("SET n 12", OK);
    c.t("COPY n n2", b":1\r\n");
    c.t("OBJECT ENCODING n2", b"$3\r\nint\r\n");
}

#[test]
fn copy_errors() {
    let (_h, mut c) = setup();
    c.t("SET src bar", OK);
    c.t("COPY src dst DB 16", DB_RANGE);
    c.t("COPY src dst DB -1", DB_RANGE);
    c.t("COPY src dst DB 2147483647", DB_RANGE);
    c.t("COPY src dst DB abc", NOT_INT);
    c.t("COPY src dst DB 1.5", NOT_INT);
    c.t("COPY src dst DB 2147483648", INT_RANGE);
    c.t("COPY src dst DB -2147483649", INT_RANGE);
    c.t("COPY src dst DB", SYNTAX);
    c.t("COPY src dst foo", SYNTAX);
    c.t("COPY src", b"-ERR wrong number of arguments for 'copy' command\r\n");
    c.t("DBSIZE", b":1\r\n");
}

#[test]
fn copy_carries_ttl() {
    let (_h, mut c) = setup();
    c.t("SET src v EX 100", OK);
    c.t("COPY src dst", b":1\r\n");
    c.assert_ttl("dst", 100);
    c.assert_ttl("src", 100);
    c.t("COPY src dst DB 3", b":1\r\n");
    c.t("SET plain v", OK);
    c.t("COPY plain dst REPLACE", b":1\r\n");
    c.t("TTL dst", b":-1\r\n");
    c.t("SELECT 3", OK);
    c.assert_ttl("dst", 100);
}

// ---- MOVE ------------------------------------------------------------------------------

#[test]
fn move_key() {
    let (_h, mut c) = setup();
    c.t("SET k v EX 100", OK);
    c.t("MOVE k 0", SAME);
    c.t("MOVE nosuch 1", b":0\r\n");
    c.t("MOVE k 1", b":1\r\n");
    c.t("EXISTS k", b":0\r\n");
    c.t("SELECT 1", OK);
    c.t("GET k", b"$1\r\nv\r\n");
    c.assert_ttl("k", 100);
    // An existing key in the target database blocks the move.
    c.t("SELECT 0", OK);
    c.t("SET k other", OK);
    c.t("MOVE k 1", b":0\r\n");
    c.t("GET k", b"$5\r\nother\r\n");
    c.t("SELECT 1", OK);
    c.t("GET k", b"$1\r\nv\r\n");
}

#[test]
fn move_errors() {
    let (_h, mut c) = setup();
    c.t("SET k v", OK);
    c.t("MOVE k 16", DB_RANGE);
    c.t("MOVE k -1", DB_RANGE);
    c.t("MOVE k -2147483648", DB_RANGE);
    c.t("MOVE k abc", NOT_INT);
    c.t("MOVE k 1.5", NOT_INT);
    c.t("MOVE k \"\"", NOT_INT);
    c.t("MOVE k 2147483648", INT_RANGE);
    c.t("MOVE k", b"-ERR wrong number of arguments for 'move' command\r\n");
    c.t("GET k", b"$1\r\nv\r\n");
}

// ---- SWAPDB ----------------------------------------------------------------------------

#[test]
fn swapdb() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let mut other = Conn::connect(addr);
    c.t("SET in0 a", OK);
    c.t("SET ttl0 b EX 100", OK);
    other.t("SELECT 9", OK);
    other.t("SET in9 x", OK);
    c.t("SWAPDB 0 9", OK);
    // Clients keep their index and see the other data.
    c.t("EXISTS in0 ttl0", b":0\r\n");
    c.t("GET in9", b"$1\r\nx\r\n");
    other.t("GET in0", b"$1\r\na\r\n");
    other.assert_ttl("ttl0", 100);
    other.t("DBSIZE", b":2\r\n");
    c.t("SWAPDB 9 0", OK);
    c.t("GET in0", b"$1\r\na\r\n");
    c.t("SWAPDB 0 0", OK);
    c.t("GET in0", b"$1\r\na\r\n");
}

#[test]
fn swapdb_errors() {
    let (_h, mut c) = setup();
    c.t("SWAPDB 0 16", DB_RANGE);
    c.t("SWAPDB 16 0", DB_RANGE);
    c.t("SWAPDB -1 0", DB_RANGE);
    c.t("SWAPDB a 0", b"-ERR invalid first DB index\r\n");
    c.t("SWAPDB 0 a", b"-ERR invalid second DB index\r\n");
    c.t("SWAPDB 2147483648 0", b"-ERR invalid first DB index\r\n");
    c.t("SWAPDB 0 1.5", b"-ERR invalid second DB index\r\n");
    c.t("SWAPDB 0", b"-ERR wrong number of arguments for 'swapdb' command\r\n");
}

// ---- FLUSHDB, FLUSHALL -------------------------------------------------------------------

#[test]
fn flushdb_flushall() {
    let (_h, mut c) = setup();
    let fill = |c: &mut Conn| {
        c.t("SELECT 5", OK);
        c.t("MSET a 1 b 2", OK);
        c.t("SELECT 0", OK);
        c.t("MSET a 1 b 2 c 3", OK);
        c.t("SET t v EX 100", OK);
    };
    fill(&mut c);
    c.t("FLUSHDB foo", SYNTAX);
    c.t("FLUSHDB SYNC ASYNC", SYNTAX);
    c.t("FLUSHALL foo", SYNTAX);
    c.t("FLUSHALL SYNC extra", SYNTAX);
    c.t("DBSIZE", b":4\r\n");
    c.t("FLUSHDB", OK);
    c.t("DBSIZE", b":0\r\n");
    c.t("TTL t", b":-2\r\n");
    c.t("SELECT 5", OK);
    c.t("DBSIZE", b":2\r\n");
    c.t("FLUSHDB async", OK);
    c.t("DBSIZE", b":0\r\n");
    fill(&mut c);
    c.t("FLUSHDB SYNC", OK);
    c.t("DBSIZE", b":0\r\n");
    for mode in ["", "SYNC", "ASYNC", "async"] {
        fill(&mut c);
        let args: Vec<&str> = ["FLUSHALL", mode].into_iter().filter(|a| !a.is_empty()).collect();
        c.check(&args, OK);
        c.t("DBSIZE", b":0\r\n");
        c.t("SELECT 5", OK);
        c.t("DBSIZE", b":0\r\n");
        c.t("SELECT 0", OK);
    }
    // The flushed databases work as before.
    c.t("SET a 1 PX 100000", OK);
    c.assert_ttl("a", 100);
}

#[test]
fn flush_many_keys_async() {
    let (_h, mut c) = setup();
    let mut mset = vec!["MSET".to_string()];
    for i in 0..5000 {
        mset.push(format!("k{i}"));
        mset.push("v".to_string());
    }
    c.check(&mset, OK);
    c.t("FLUSHALL ASYNC", OK);
    c.t("DBSIZE", b":0\r\n");
    c.t("KEYS *", b"*0\r\n");
    c.t("SET k1 again", OK);
    c.t("GET k1", b"$5\r\nagain\r\n");
}
