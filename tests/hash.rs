//! Hash commands (HSET family, HGET/HMGET/HGETALL/HKEYS/HVALS, HDEL,
//! HEXISTS, HLEN, HSTRLEN, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN) and
//! the listpack/hashtable encodings, against an embedded server. Every
//! expected reply is Redis 7.0.15's, byte for byte; random replies are
//! checked for their shape and membership only.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::net::TcpStream;

use common::{Conn, EMPTY, NOT_INT, SYNTAX, WRONGTYPE, parse_bulk_array, setup, start_with};

const OK: &[u8] = b"+OK\r\n";
const NIL: &[u8] = b"$-1\r\n";
const ZERO: &[u8] = b":0\r\n";
const ONE: &[u8] = b":1\r\n";

fn bulk(s: &str) -> Vec<u8> {
    format!("${}\r\n{s}\r\n", s.len()).into_bytes()
}

/// `HSET key` with `n` fields `f0..` set to `v0..`.
fn fill(c: &mut Conn, key: &str, n: usize) {
    let mut args = vec!["HSET".to_string(), key.to_string()];
    for i in 0..n {
        args.push(format!("f{i}"));
        args.push(format!("v{i}"));
    }
    c.check(&args, format!(":{n}\r\n").as_bytes());
}

/// Every (field, value) an HSCAN iteration returns, following the cursor
/// until it comes back to 0.
fn hscan_all(c: &mut Conn, key: &str, extra: &[&str]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    loop {
        let mut args = vec!["HSCAN", key, &cursor];
        args.extend_from_slice(extra);
        let reply = c.call(&args);
        let (next, items) = parse_scan(&reply);
        for pair in items.chunks(2) {
            out.push((pair[0].clone(), pair[1].clone()));
        }
        cursor = next;
        if cursor == "0" {
            return out;
        }
    }
}

fn parse_scan(reply: &[u8]) -> (String, Vec<Vec<u8>>) {
    let text = reply.strip_prefix(b"*2\r\n").expect("a two-element scan reply");
    let cursor_reply = &text[..text.iter().position(|&b| b == b'*').unwrap()];
    let cursor = parse_bulk_array(&[b"*1\r\n", cursor_reply].concat()).remove(0);
    let items = parse_bulk_array(&text[cursor_reply.len()..]);
    (String::from_utf8(cursor).unwrap(), items)
}

// ---- basics ------------------------------------------------------------------------

#[test]
fn set_get_and_friends() {
    let (_h, mut c) = setup();
    c.t("HSET h f1 v1 f2 v2", b":2\r\n");
    c.t("HSET h f1 x f3 v3", ONE);
    c.t("HGET h f1", &bulk("x"));
    c.t("HGET h nosuch", NIL);
    c.t("HGET nokey f", NIL);
    c.t("HMGET h f1 nosuch f3", b"*3\r\n$1\r\nx\r\n$-1\r\n$2\r\nv3\r\n");
    c.t("HMGET nokey a b", b"*2\r\n$-1\r\n$-1\r\n");
    c.t("HSETNX h f1 y", ZERO);
    c.t("HSETNX h f4 v4", ONE);
    c.t("HMSET h f5 v5", OK);
    c.t("HLEN h", b":5\r\n");
    c.t("HLEN nokey", ZERO);
    c.t("HEXISTS h f4", ONE);
    c.t("HEXISTS h nope", ZERO);
    c.t("HSTRLEN h f5", b":2\r\n");
    c.t("HSTRLEN h nope", ZERO);
    c.t(
        "HGETALL h",
        b"*10\r\n$2\r\nf1\r\n$1\r\nx\r\n$2\r\nf2\r\n$2\r\nv2\r\n$2\r\nf3\r\n$2\r\nv3\r\n$2\r\nf4\r\n$2\r\nv4\r\n$2\r\nf5\r\n$2\r\nv5\r\n",
    );
    c.t(
        "HKEYS h",
        b"*5\r\n$2\r\nf1\r\n$2\r\nf2\r\n$2\r\nf3\r\n$2\r\nf4\r\n$2\r\nf5\r\n",
    );
    c.t(
        "HVALS h",
        b"*5\r\n$1\r\nx\r\n$2\r\nv2\r\n$2\r\nv3\r\n$2\r\nv4\r\n$2\r\nv5\r\n",
    );
    c.t("HGETALL nokey", EMPTY);
    c.t("HKEYS nokey", EMPTY);
    c.t("TYPE h", b"+hash\r\n");
    c.t("OBJECT ENCODING h", b"$8\r\nlistpack\r\n");
    c.check(&["HSET", "bin", "a\0b", "\r\n"], ONE);
    c.check(&["HGET", "bin", "a\0b"], b"$2\r\n\r\n\r\n");
}

#[test]
fn odd_pairs_are_an_arity_error() {
    let (_h, mut c) = setup();
    c.t("HSET h f", b"-ERR wrong number of arguments for 'hset' command\r\n");
    c.t("HSET h a 1 b", b"-ERR wrong number of arguments for 'hset' command\r\n");
    c.t(
        "HMSET h a 1 b",
        b"-ERR wrong number of arguments for 'hmset' command\r\n",
    );
    c.t("hset h f", b"-ERR wrong number of arguments for 'hset' command\r\n");
    c.t("HSETNX h f", b"-ERR wrong number of arguments for 'hsetnx' command\r\n");
    c.t("EXISTS h", ZERO);
}

#[test]
fn emptied_hash_disappears() {
    let (_h, mut c) = setup();
    c.t("HSET h a 1 b 2", b":2\r\n");
    c.t("HDEL h a nosuch", ONE);
    c.t("HDEL nokey a", ZERO);
    c.t("HDEL h b a b", ONE);
    c.t("EXISTS h", ZERO);
    c.t("TYPE h", b"+none\r\n");
    // The same for a hashtable.
    fill(&mut c, "big", 600);
    let mut args = vec!["HDEL".to_string(), "big".to_string()];
    args.extend((0..600).map(|i| format!("f{i}")));
    c.check(&args, b":600\r\n");
    c.t("EXISTS big", ZERO);
}

#[test]
fn wrong_type_everywhere() {
    let (_h, mut c) = setup();
    c.t("SET s v", OK);
    for line in [
        "HSET s f v",
        "HSETNX s f v",
        "HMSET s f v",
        "HGET s f",
        "HMGET s f",
        "HGETALL s",
        "HKEYS s",
        "HVALS s",
        "HLEN s",
        "HEXISTS s f",
        "HSTRLEN s f",
        "HDEL s f",
        "HINCRBY s f 1",
        "HINCRBYFLOAT s f 1",
        "HRANDFIELD s",
        "HRANDFIELD s 3 WITHVALUES",
        "HSCAN s 0",
    ] {
        c.t(line, WRONGTYPE);
    }
    // Argument errors found before the lookup win.
    c.t("HINCRBY s f x", NOT_INT);
    c.t("HRANDFIELD s x", NOT_INT);
    c.t("HSCAN s x", b"-ERR invalid cursor\r\n");
    c.t("GET s", &bulk("v"));
    c.t("HSET h f v", ONE);
    c.t("GET h", WRONGTYPE);
}

// ---- increments ----------------------------------------------------------------------

#[test]
fn hincrby() {
    let (_h, mut c) = setup();
    c.t("HINCRBY h n 5", b":5\r\n");
    c.t("HINCRBY h n -7", b":-2\r\n");
    c.t("HINCRBY h n x", NOT_INT);
    c.t("HSET h s abc", ONE);
    c.t("HINCRBY h s 1", b"-ERR hash value is not an integer\r\n");
    c.t("HSET h m 9223372036854775807", ONE);
    c.t("HINCRBY h m 1", b"-ERR increment or decrement would overflow\r\n");
    c.t("HINCRBY h m -1", b":9223372036854775806\r\n");
    c.t("HSET h lo -9223372036854775808", ONE);
    c.t("HINCRBY h lo -1", b"-ERR increment or decrement would overflow\r\n");
    c.t("HGET h n", &bulk("-2"));
}

#[test]
fn hincrbyfloat() {
    let (_h, mut c) = setup();
    c.t("HINCRBYFLOAT h x 10.5", &bulk("10.5"));
    c.t("HINCRBYFLOAT h x 0.1", &bulk("10.6"));
    c.t("HINCRBYFLOAT h x -5.1", &bulk("5.5"));
    c.t("HINCRBYFLOAT h y 0.1", &bulk("0.1"));
    c.t("HINCRBYFLOAT h y 0.2", &bulk("0.3"));
    c.t("HINCRBYFLOAT h z 5.0e3", &bulk("5000"));
    c.t("HINCRBYFLOAT h x abc", b"-ERR value is not a valid float\r\n");
    c.t("HINCRBYFLOAT h x inf", b"-ERR value is NaN or Infinity\r\n");
    c.t("HSET h s abc", ONE);
    c.t("HINCRBYFLOAT h s 1", b"-ERR hash value is not a float\r\n");
    c.t("HSET h big 1e4932", ONE);
    c.t(
        "HINCRBYFLOAT h big 1e4932",
        b"-ERR increment would produce NaN or Infinity\r\n",
    );
    c.t("HINCRBYFLOAT nokey f x", b"-ERR value is not a valid float\r\n");
    c.t("EXISTS nokey", ZERO);
}

// ---- encodings -----------------------------------------------------------------------

#[test]
fn listpack_to_hashtable_at_512_entries() {
    let (_h, mut c) = setup();
    fill(&mut c, "h", 512);
    c.t("OBJECT ENCODING h", b"$8\r\nlistpack\r\n");
    c.t("HSET h f0 again", ZERO);
    c.t("OBJECT ENCODING h", b"$8\r\nlistpack\r\n");
    c.t("HSET h extra 1", ONE);
    c.t("OBJECT ENCODING h", b"$9\r\nhashtable\r\n");
    c.t("HLEN h", b":513\r\n");
    c.t("HGET h f0", &bulk("again"));
    c.t("HGET h f511", &bulk("v511"));
    // One-way: deleting back under the limit keeps the hashtable.
    c.t("HDEL h extra f1 f2 f3", b":4\r\n");
    c.t("OBJECT ENCODING h", b"$9\r\nhashtable\r\n");
    let mut keys = c.sorted_bulks("HKEYS h");
    keys.dedup();
    assert_eq!(keys.len(), 509);
}

#[test]
fn listpack_to_hashtable_at_64_bytes() {
    let (_h, mut c) = setup();
    let v64 = "x".repeat(64);
    let v65 = "x".repeat(65);
    c.check(&["HSET", "a", "f", &v64], ONE);
    c.check(&["HSET", "a", &v64, "v"], ONE);
    c.t("OBJECT ENCODING a", b"$8\r\nlistpack\r\n");
    c.check(&["HSET", "a", "g", &v65], ONE);
    c.t("OBJECT ENCODING a", b"$9\r\nhashtable\r\n");
    c.check(&["HSET", "b", &v65, "v"], ONE);
    c.t("OBJECT ENCODING b", b"$9\r\nhashtable\r\n");
    // HINCRBYFLOAT's result is checked too, whatever its source.
    c.t("CONFIG SET hash-max-listpack-value 4", OK);
    c.t("HINCRBYFLOAT c f 1.25", &bulk("1.25"));
    c.t("OBJECT ENCODING c", b"$8\r\nlistpack\r\n");
    c.t("HINCRBYFLOAT c f 100", &bulk("101.25"));
    c.t("OBJECT ENCODING c", b"$9\r\nhashtable\r\n");
}

#[test]
fn thresholds_come_from_the_config() {
    let (_h, addr) = start_with(&[("hash-max-listpack-entries", "2"), ("hash-max-listpack-value", "3")]);
    let mut c = Conn::connect(addr);
    c.t("HSET h a 1 b 2", b":2\r\n");
    c.t("OBJECT ENCODING h", b"$8\r\nlistpack\r\n");
    c.t("HSET h c 3", ONE);
    c.t("OBJECT ENCODING h", b"$9\r\nhashtable\r\n");
    c.t("HSET v abcd 1", ONE);
    c.t("OBJECT ENCODING v", b"$9\r\nhashtable\r\n");
}

#[test]
fn hashtable_reads_and_copies() {
    let (_h, mut c) = setup();
    fill(&mut c, "h", 1000);
    c.t("HLEN h", b":1000\r\n");
    let all = parse_bulk_array(&c.call(&["HGETALL", "h"]));
    let map: HashMap<_, _> = all.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    assert_eq!(map.len(), 1000);
    for i in 0..1000 {
        assert_eq!(map[format!("f{i}").as_bytes()], format!("v{i}").into_bytes());
    }
    c.t("COPY h h2", ONE);
    c.t("HSET h2 f0 changed", ZERO);
    c.t("HGET h f0", &bulk("v0"));
    c.t("HGET h2 f0", &bulk("changed"));
    c.t("OBJECT ENCODING h2", b"$9\r\nhashtable\r\n");
    c.t("RENAME h2 h3", OK);
    c.t("HLEN h3", b":1000\r\n");
}

// ---- HSCAN -----------------------------------------------------------------------------

#[test]
fn hscan_listpack_is_one_call() {
    let (_h, mut c) = setup();
    c.t("HSET h a 1 b 2 c 3", b":3\r\n");
    let whole = b"*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n";
    c.t("HSCAN h 0", whole);
    c.t("HSCAN h 0 COUNT 1", whole);
    c.t("HSCAN h 77", whole);
    c.t("HSCAN h 0 MATCH b", b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n");
    c.t("HSCAN h 0 COUNT 0", SYNTAX);
    c.t("HSCAN h 0 TYPE hash", SYNTAX);
    c.t("HSCAN h 0 COUNT", SYNTAX);
    c.t("HSCAN nokey 0", b"*2\r\n$1\r\n0\r\n*0\r\n");
    c.t("HSCAN nokey 0 COUNT 0", b"*2\r\n$1\r\n0\r\n*0\r\n");
}

#[test]
fn hscan_hashtable_returns_every_field() {
    let (_h, mut c) = setup();
    fill(&mut c, "h", 2000);
    let pairs = hscan_all(&mut c, "h", &[]);
    let fields: HashSet<_> = pairs.iter().map(|p| p.0.clone()).collect();
    assert_eq!(fields.len(), 2000);
    for (f, v) in &pairs {
        assert_eq!(&f[1..], &v[1..], "value belongs to its field");
    }
    let matched = hscan_all(&mut c, "h", &["MATCH", "f1??", "COUNT", "50"]);
    let fields: HashSet<_> = matched.iter().map(|p| p.0.clone()).collect();
    assert_eq!(fields.len(), 100);
    assert!(fields.iter().all(|f| f.len() == 4 && f[1] == b'1'));
}

#[test]
fn hscan_keeps_its_guarantee_while_the_hash_grows() {
    let (_h, mut c) = setup();
    fill(&mut c, "h", 600);
    let mut cursor = "0".to_string();
    let mut seen = HashSet::new();
    let mut added = 0;
    loop {
        let reply = c.call(&["HSCAN", "h", &cursor, "COUNT", "20"]);
        let (next, items) = parse_scan(&reply);
        seen.extend(items.chunks(2).map(|p| p[0].clone()));
        // Grow the table between steps (it rehashes to twice the size).
        for _ in 0..40 {
            c.check(&["HSET", "h", &format!("new{added}"), "x"], ONE);
            added += 1;
        }
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    for i in 0..600 {
        assert!(seen.contains(format!("f{i}").as_bytes()), "f{i} missed");
    }
}

// ---- HRANDFIELD ------------------------------------------------------------------------

#[test]
fn hrandfield_argument_errors() {
    let (_h, mut c) = setup();
    c.t("HSET h a 1", ONE);
    c.t(
        "HRANDFIELD h -9223372036854775808",
        b"-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    c.t(
        "HRANDFIELD h -9223372036854775807 WITHVALUES",
        b"-ERR value is out of range\r\n",
    );
    c.t(
        "HRANDFIELD h 4611686018427387904 WITHVALUES",
        b"-ERR value is out of range\r\n",
    );
    c.t("HRANDFIELD h 1 WITHSCORES", SYNTAX);
    c.t("HRANDFIELD h 1 WITHVALUES x", SYNTAX);
    c.t("HRANDFIELD h 1.5", NOT_INT);
    c.t("HRANDFIELD nokey", NIL);
    c.t("HRANDFIELD nokey 3", EMPTY);
    c.t("HRANDFIELD nokey -3 WITHVALUES", EMPTY);
    c.t("HRANDFIELD h 0", EMPTY);
    c.t("HRANDFIELD h", &bulk("a"));
    c.t("HRANDFIELD h -3", b"*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n");
    c.t(
        "HRANDFIELD h -2 WITHVALUES",
        b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    c.t("HRANDFIELD h 9223372036854775807", b"*1\r\n$1\r\na\r\n");
}

/// Checks an HRANDFIELD reply: `n` fields of `0..size` (distinct if
/// `uniq`), each followed by its value when `withvalues`.
fn check_random(c: &mut Conn, key: &str, count: i64, withvalues: bool, size: usize) {
    let mut args = vec!["HRANDFIELD".to_string(), key.to_string(), count.to_string()];
    if withvalues {
        args.push("WITHVALUES".into());
    }
    let items = parse_bulk_array(&c.call(&args));
    let step = if withvalues { 2 } else { 1 };
    let want = if count < 0 {
        count.unsigned_abs() as usize
    } else {
        (count as usize).min(size)
    };
    assert_eq!(items.len(), want * step, "{args:?}");
    let mut seen = HashSet::new();
    for chunk in items.chunks(step) {
        let field = String::from_utf8(chunk[0].clone()).unwrap();
        let i: usize = field[1..].parse().unwrap();
        assert!(i < size);
        if withvalues {
            assert_eq!(chunk[1], format!("v{i}").into_bytes());
        }
        let fresh = seen.insert(i);
        assert!(count < 0 || fresh, "{args:?} repeated {field}");
    }
}

#[test]
fn hrandfield_counts_both_encodings() {
    let (_h, mut c) = setup();
    fill(&mut c, "small", 10);
    fill(&mut c, "big", 1000);
    for (key, size) in [("small", 10), ("big", 1000)] {
        for count in [1, 3, 8, 9, 10, 11, 400, 2000, -1, -5, -50] {
            check_random(&mut c, key, count, false, size);
            check_random(&mut c, key, count, true, size);
        }
    }
    // The whole listpack comes in insertion order.
    c.t("HSET o x 1 y 2", b":2\r\n");
    c.t(
        "HRANDFIELD o 5 WITHVALUES",
        b"*4\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n",
    );
}

#[test]
fn resp3_shapes() {
    let (_h, mut c) = setup();
    c.send_raw(&common::encode(&["HELLO", "3"]));
    c.read_replies(1);
    c.t("HSET h a 1", ONE);
    c.t("HGETALL h", b"%1\r\n$1\r\na\r\n$1\r\n1\r\n");
    c.t("HGETALL nokey", b"%0\r\n");
    c.t("HKEYS h", b"*1\r\n$1\r\na\r\n");
    c.t("HGET h nope", b"_\r\n");
    c.t("HMGET h a nope", b"*2\r\n$1\r\n1\r\n_\r\n");
    c.t("HRANDFIELD nokey", b"_\r\n");
    c.t("HRANDFIELD h 1 WITHVALUES", b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    c.t(
        "HRANDFIELD h -2 WITHVALUES",
        b"*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    c.t("HRANDFIELD h 5 WITHVALUES", b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    c.t("HSCAN h 0", b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
}

/// A huge negative count is not an allocation bomb: past
/// proto-max-bulk-len bytes of reply the connection is closed, as an
/// output-buffer limit would close it in Redis.
#[test]
fn hrandfield_huge_negative_count_is_bounded() {
    let (_h, addr) = start_with(&[("proto-max-bulk-len", "1mb")]);
    let mut c = Conn::connect(addr);
    c.t("HSET h a 1", ONE);
    let mut raw = TcpStream::connect(addr).unwrap();
    std::io::Write::write_all(&mut raw, &common::encode(&["HRANDFIELD", "h", "-9223372036854775807"])).unwrap();
    raw.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let mut got = Vec::new();
    raw.read_to_end(&mut got).unwrap();
    assert!(got.starts_with(b"*9223372036854775807\r\n$1\r\na\r\n"));
    assert!(got.len() > 1 << 20 && got.len() < 2 << 20, "{} bytes", got.len());
    // The server and other clients carry on.
    c.t("HLEN h", ONE);
}
