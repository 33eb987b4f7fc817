//! String commands (SET family, GET family, MGET/MSET, APPEND, STRLEN, the
//! INCR family, INCRBYFLOAT, GETRANGE, SETRANGE, LCS) and OBJECT, against
//! an embedded server. Every expected reply is Redis 7.0.15's, byte for byte.

mod common;

use common::{Conn, NOT_INT, SYNTAX, redis_conn, setup, start, start_with};

const OK: &[u8] = b"+OK\r\n";
const NIL: &[u8] = b"$-1\r\n";
const NOT_FLOAT: &[u8] = b"-ERR value is not a valid float\r\n";
const TOO_BIG: &[u8] = b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

// ---- SET ----------------------------------------------------------------------------

#[test]
fn set_nx_xx_get() {
    let (_h, mut c) = setup();
    c.t("SET foo bar", OK);
    c.t("SET foo bar NX", NIL);
    c.t("SET foo bar XX", OK);
    c.t("SET newkey v XX", NIL);
    c.t("EXISTS newkey", b":0\r\n");
    c.t("SET newkey v nx", OK);
    c.t("SET foo baz GET", b"$3\r\nbar\r\n");
    c.t("SET foo bar GET NX", b"$3\r\nbaz\r\n");
    c.t("GET foo", b"$3\r\nbaz\r\n");
    c.t("SET foo bar GET XX", b"$3\r\nbaz\r\n");
    c.t("GET foo", b"$3\r\nbar\r\n");
    c.t("SET k1 v GET NX", NIL);
    c.t("GET k1", b"$1\r\nv\r\n");
    c.t("SET k2 v GET XX", NIL);
    c.t("EXISTS k2", b":0\r\n");
    // Repeating a flag is accepted.
    c.t("SET foo bar NX NX", NIL);
    c.t("SET foo bar GET GET", b"$3\r\nbar\r\n");
    c.t("SET foo bar KEEPTTL KEEPTTL", OK);
    c.t("SET foo x EX 10 EX 10", OK);
    c.assert_ttl("foo", 10);
}

#[test]
fn set_binary_and_empty_values() {
    let (_h, mut c) = setup();
    c.check(&[&b"SET"[..], b"bin\x00\r\nkey", b"a\x00b\r\nc"], OK);
    c.check(&[&b"GET"[..], b"bin\x00\r\nkey"], b"$6\r\na\x00b\r\nc\r\n");
    c.check(&["SET", "", ""], OK);
    c.check(&["GET", ""], b"$0\r\n\r\n");
    c.t("GET nosuch", NIL);
}

#[test]
fn set_invalid_combinations() {
    let (_h, mut c) = setup();
    c.t("SET foo bar", OK);
    for line in [
        "SET foo bar NX XX",
        "SET foo bar XX NX",
        "SET foo bar EX 10 PX 100",
        "SET foo bar PX 100 EX 10",
        "SET foo bar EX 10 EXAT 2000000000",
        "SET foo bar PXAT 2000000000000 PX 10",
        "SET foo bar EX 10 KEEPTTL",
        "SET foo bar KEEPTTL EX 10",
        "SET foo bar KEEPTTL PXAT 2000000000000",
        "SET foo bar EX",
        "SET foo bar PX",
        "SET foo bar NX EX",
        "SET foo bar foo",
        "SET foo bar PERSIST",
        "SET foo bar 10",
    ] {
        c.t(line, SYNTAX);
    }
    c.t("GET foo", b"$3\r\nbar\r\n");
    c.t("SET", b"-ERR wrong number of arguments for 'set' command\r\n");
    c.t("SET foo", b"-ERR wrong number of arguments for 'set' command\r\n");
}

#[test]
fn set_expire_argument_errors() {
    let (_h, mut c) = setup();
    let invalid = b"-ERR invalid expire time in 'set' command\r\n";
    for line in [
        "SET foo bar EX 0",
        "SET foo bar EX -1",
        "SET foo bar PX 0",
        "SET foo bar PX -100",
        "SET foo bar EXAT 0",
        "SET foo bar PXAT 0",
        "SET foo bar PXAT -1",
        "SET foo bar EX 9223372036854775807",
        "SET foo bar EX 9223372036854774",
        "SET foo bar PX 9223372036854775807",
        "SET foo bar EXAT 9223372036854775807",
    ] {
        c.t(line, invalid);
    }
    c.t("SET foo bar EX abc", NOT_INT);
    c.t("SET foo bar EX 1.5", NOT_INT);
    c.t("SET foo bar PX 10a", NOT_INT);
    c.t("SET foo bar EX 99999999999999999999", NOT_INT);
    c.t("EXISTS foo", b":0\r\n");
    // A bad expire time is reported before GET's reply.
    c.t("SET foo bar", OK);
    c.t("SET foo baz GET EX 0", invalid);
    c.t("GET foo", b"$3\r\nbar\r\n");
    // The far future is fine.
    c.t("SET foo bar PXAT 9223372036854775807", OK);
    c.t("PEXPIRETIME foo", b":9223372036854775807\r\n");
}

#[test]
fn set_with_expire() {
    let (_h, mut c) = setup();
    c.t("SET foo bar EX 100", OK);
    c.assert_ttl("foo", 100);
    c.t("SET foo bar PX 100000", OK);
    c.assert_ttl("foo", 100);
    c.t("SET foo bar EXAT 4102444800", OK);
    c.t("EXPIRETIME foo", b":4102444800\r\n");
    c.t("SET foo bar PXAT 4102444800123", OK);
    c.t("PEXPIRETIME foo", b":4102444800123\r\n");
    c.t("SET foo bar2 KEEPTTL GET", b"$3\r\nbar\r\n");
    c.t("PEXPIRETIME foo", b":4102444800123\r\n");
    c.t("SET foo bar3 GET EX 100", b"$4\r\nbar2\r\n");
    c.assert_ttl("foo", 100);
    // An absolute time in the past stores nothing visible.
    c.t("SET past v PXAT 1", OK);
    c.t("EXISTS past", b":0\r\n");
    // NX with a TTL on an existing key changes nothing.
    c.t("SET foo other NX EX 5", NIL);
    c.assert_ttl("foo", 100);
}

#[test]
fn setnx_setex_psetex() {
    let (_h, mut c) = setup();
    c.t("SETNX foo x", b":1\r\n");
    c.t("SETNX foo y", b":0\r\n");
    c.t("GET foo", b"$1\r\nx\r\n");
    c.t("SETEX foo 0 v", b"-ERR invalid expire time in 'setex' command\r\n");
    c.t("SETEX foo -1 v", b"-ERR invalid expire time in 'setex' command\r\n");
    c.t("SETEX foo abc v", NOT_INT);
    c.t("GET foo", b"$1\r\nx\r\n");
    c.t("SETEX foo 100 v", OK);
    c.assert_ttl("foo", 100);
    c.t("GET foo", b"$1\r\nv\r\n");
    c.t("PSETEX foo 0 v", b"-ERR invalid expire time in 'psetex' command\r\n");
    c.t("PSETEX foo 1.5 v", NOT_INT);
    c.t("PSETEX foo 100000 w", OK);
    c.assert_ttl("foo", 100);
    // SETNX on a key with a TTL keeps the TTL.
    c.t("SETNX foo z", b":0\r\n");
    c.assert_ttl("foo", 100);
    c.t(
        "SETEX foo 10",
        b"-ERR wrong number of arguments for 'setex' command\r\n",
    );
    c.t("SETNX foo", b"-ERR wrong number of arguments for 'setnx' command\r\n");
}

// ---- GET family ------------------------------------------------------------------------

#[test]
fn getset_getdel() {
    let (_h, mut c) = setup();
    c.t("GETSET nokey new", NIL);
    c.t("GET nokey", b"$3\r\nnew\r\n");
    c.t("GETSET nokey newer", b"$3\r\nnew\r\n");
    c.t("GETDEL nokey", b"$5\r\nnewer\r\n");
    c.t("EXISTS nokey", b":0\r\n");
    c.t("GETDEL nokey", NIL);
    c.t("SET n 42", OK);
    c.t("GETDEL n", b"$2\r\n42\r\n");
    c.t("DBSIZE", b":0\r\n");
}

#[test]
fn getex() {
    let (_h, mut c) = setup();
    c.t("SET foo bar", OK);
    c.t("GETEX foo", b"$3\r\nbar\r\n");
    c.t("TTL foo", b":-1\r\n");
    c.t("GETEX foo EX 100", b"$3\r\nbar\r\n");
    c.assert_ttl("foo", 100);
    c.t("GETEX foo PERSIST", b"$3\r\nbar\r\n");
    c.t("TTL foo", b":-1\r\n");
    c.t("GETEX foo PX 100000", b"$3\r\nbar\r\n");
    c.assert_ttl("foo", 100);
    c.t("GETEX foo EXAT 4102444800", b"$3\r\nbar\r\n");
    c.t("EXPIRETIME foo", b":4102444800\r\n");
    c.t("GETEX foo PXAT 4102444800123", b"$3\r\nbar\r\n");
    c.t("PEXPIRETIME foo", b":4102444800123\r\n");
    c.t("GETEX foo EX 10 EX 10", b"$3\r\nbar\r\n");
    c.t("GETEX foo PERSIST PERSIST", b"$3\r\nbar\r\n");
    c.t("TTL foo", b":-1\r\n");
    // An absolute time in the past deletes the key after replying.
    c.t("GETEX foo EXAT 1", b"$3\r\nbar\r\n");
    c.t("EXISTS foo", b":0\r\n");
    c.t("SET foo bar", OK);
    c.t("GETEX foo PXAT 1", b"$3\r\nbar\r\n");
    c.t("EXISTS foo", b":0\r\n");
    // A missing key replies null before the expire argument is parsed.
    c.t("GETEX nokey EX 10", NIL);
    c.t("GETEX nokey EX abc", NIL);
}

#[test]
fn getex_errors() {
    let (_h, mut c) = setup();
    c.t("SET foo bar", OK);
    for line in [
        "GETEX foo EX",
        "GETEX foo PERSIST EX 10",
        "GETEX foo EX 10 PERSIST",
        "GETEX foo EX 10 PX 10",
        "GETEX foo NX",
        "GETEX foo XX",
        "GETEX foo KEEPTTL",
        "GETEX foo GET",
        "GETEX foo bar",
    ] {
        c.t(line, SYNTAX);
    }
    let invalid = b"-ERR invalid expire time in 'getex' command\r\n";
    for line in [
        "GETEX foo PX 0",
        "GETEX foo EX -1",
        "GETEX foo EX 9223372036854775807",
        "GETEX foo PX 9223372036854775807",
        "GETEX foo EXAT 9223372036854775807",
    ] {
        c.t(line, invalid);
    }
    c.t("GETEX foo EX abc", NOT_INT);
    c.t("GETEX", b"-ERR wrong number of arguments for 'getex' command\r\n");
    c.t("TTL foo", b":-1\r\n");
}

#[test]
fn mget_mset_msetnx() {
    let (_h, mut c) = setup();
    c.t("MSET a 1 b 2", OK);
    c.t("MSET a 1 b", b"-ERR wrong number of arguments for 'mset' command\r\n");
    c.t("MSET a", b"-ERR wrong number of arguments for 'mset' command\r\n");
    c.t(
        "MSETNX a 1 b",
        b"-ERR wrong number of arguments for 'msetnx' command\r\n",
    );
    c.t("MSETNX c 1 d 2", b":1\r\n");
    c.t("MSETNX c 1 e 2", b":0\r\n");
    c.t("EXISTS e", b":0\r\n");
    c.t(
        "MGET a b c d nosuch",
        b"*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n",
    );
    c.t("MGET nosuch", b"*1\r\n$-1\r\n");
    c.t("MGET", b"-ERR wrong number of arguments for 'mget' command\r\n");
    // The last value for a repeated key wins.
    c.t("MSET x 1 x 2", OK);
    c.t("GET x", b"$1\r\n2\r\n");
}

#[test]
fn mget_mset_via_redis_crate() {
    let (_h, addr) = start();
    let mut con = redis_conn(addr);
    let () = redis::cmd("MSET")
        .arg("a")
        .arg("1")
        .arg("b")
        .arg(&b"\xff\x00"[..])
        .query(&mut con)
        .unwrap();
    let got: Vec<Option<Vec<u8>>> = redis::cmd("MGET")
        .arg("a")
        .arg("nosuch")
        .arg("b")
        .query(&mut con)
        .unwrap();
    assert_eq!(got, vec![Some(b"1".to_vec()), None, Some(b"\xff\x00".to_vec())]);
    let err = redis::cmd("MSET").arg("a").query::<()>(&mut con).unwrap_err();
    assert_eq!(err.code(), Some("ERR"));
    assert_eq!(err.detail(), Some("wrong number of arguments for 'mset' command"));
}

// ---- APPEND, STRLEN, GETRANGE, SETRANGE -----------------------------------------

#[test]
fn append_strlen() {
    let (_h, mut c) = setup();
    c.t("APPEND a hello", b":5\r\n");
    c.check(&["APPEND", "a", " world"], b":11\r\n");
    c.t("GET a", b"$11\r\nhello world\r\n");
    c.t("STRLEN a", b":11\r\n");
    c.t("STRLEN nosuch", b":0\r\n");
    c.t("SET n 123", OK);
    c.t("STRLEN n", b":3\r\n");
    c.t("APPEND n 4", b":4\r\n");
    c.t("GET n", b"$4\r\n1234\r\n");
    c.t("SET n -9223372036854775808", OK);
    c.t("STRLEN n", b":20\r\n");
    c.t("APPEND e \"\"", b":0\r\n");
    c.t("EXISTS e", b":1\r\n");
}

#[test]
fn getrange_substr() {
    let (_h, mut c) = setup();
    c.check(&["SET", "mykey", "This is a string"], OK);
    for (line, expected) in [
        ("GETRANGE mykey 0 3", &b"$4\r\nThis\r\n"[..]),
        ("GETRANGE mykey -3 -1", b"$3\r\ning\r\n"),
        ("GETRANGE mykey 0 -1", b"$16\r\nThis is a string\r\n"),
        ("GETRANGE mykey 10 100", b"$6\r\nstring\r\n"),
        ("GETRANGE mykey -100 -1", b"$16\r\nThis is a string\r\n"),
        ("GETRANGE mykey -1 -5", b"$0\r\n\r\n"),
        ("GETRANGE mykey 5 3", b"$0\r\n\r\n"),
        ("GETRANGE mykey 100 200", b"$0\r\n\r\n"),
        ("GETRANGE mykey -100 -100", b"$1\r\nT\r\n"),
        ("GETRANGE mykey 0 0", b"$1\r\nT\r\n"),
        ("GETRANGE mykey 0 -100", b"$1\r\nT\r\n"),
        ("GETRANGE mykey -1 -1", b"$1\r\ng\r\n"),
        ("GETRANGE mykey a 1", NOT_INT),
        ("GETRANGE mykey 1 b", NOT_INT),
        ("GETRANGE nosuch 0 -1", b"$0\r\n\r\n"),
        ("GETRANGE nosuch a b", NOT_INT),
        ("SUBSTR mykey 0 3", b"$4\r\nThis\r\n"),
        ("SUBSTR mykey -3 -1", b"$3\r\ning\r\n"),
        ("SUBSTR mykey 100 200", b"$0\r\n\r\n"),
    ] {
        c.t(line, expected);
    }
    c.t("SET n 1234", OK);
    c.t("GETRANGE n 1 2", b"$2\r\n23\r\n");
    c.t("GETRANGE n -1 -1", b"$1\r\n4\r\n");
    c.t("SET e \"\"", OK);
    c.t("GETRANGE e 0 -1", b"$0\r\n\r\n");
    c.t("GETRANGE e 0 0", b"$0\r\n\r\n");
    c.t("GETRANGE e -1 -1", b"$0\r\n\r\n");
    c.t(
        "GETRANGE mykey 0",
        b"-ERR wrong number of arguments for 'getrange' command\r\n",
    );
}

#[test]
fn setrange() {
    let (_h, mut c) = setup();
    c.t("SETRANGE sr 5 hello", b":10\r\n");
    c.t("GET sr", b"$10\r\n\x00\x00\x00\x00\x00hello\r\n");
    c.t("STRLEN sr", b":10\r\n");
    c.t("SETRANGE sr 0 HE", b":10\r\n");
    c.t("GET sr", b"$10\r\nHE\x00\x00\x00hello\r\n");
    c.t("SETRANGE sr 12 !", b":13\r\n");
    c.t("GET sr", b"$13\r\nHE\x00\x00\x00hello\x00\x00!\r\n");
    c.t("SETRANGE sr -1 x", b"-ERR offset is out of range\r\n");
    c.t("SETRANGE sr abc x", NOT_INT);
    // An empty value only reports the length, and never creates the key.
    c.t("SETRANGE sr 0 \"\"", b":13\r\n");
    c.t("SETRANGE sr 100 \"\"", b":13\r\n");
    c.t("SETRANGE nosuch 0 \"\"", b":0\r\n");
    c.t("SETRANGE nosuch 10 \"\"", b":0\r\n");
    c.t("EXISTS nosuch", b":0\r\n");
    c.t("SETRANGE nosuch -1 \"\"", b"-ERR offset is out of range\r\n");
    c.t("SET n 123", OK);
    c.t("SETRANGE n 1 x", b":3\r\n");
    c.t("GET n", b"$3\r\n1x3\r\n");
}

#[test]
fn setrange_and_append_size_limit() {
    // proto-max-bulk-len's minimum (1 MB) stands in for the default 512 MB.
    let (_h, addr) = start_with(&[("proto-max-bulk-len", "1mb")]);
    let mut c = Conn::connect(addr);
    c.t("SETRANGE sr 5 hello", b":10\r\n");
    c.t("SETRANGE sr 1048575 x", b":1048576\r\n");
    c.t("STRLEN sr", b":1048576\r\n");
    c.t("SETRANGE sr 1048576 x", TOO_BIG);
    c.t("SETRANGE sr 1048570 1234567", TOO_BIG);
    c.t("SETRANGE new 1048576 x", TOO_BIG);
    c.t("EXISTS new", b":0\r\n");
    c.t("SETRANGE new 1048576 \"\"", b":0\r\n");
    c.t("APPEND sr x", TOO_BIG);
    c.t("STRLEN sr", b":1048576\r\n");
    c.t("SETRANGE sr 9223372036854775807 x", TOO_BIG);
    // Raised at run time, the limit applies at once.
    c.t("CONFIG SET proto-max-bulk-len 2mb", OK);
    c.t("APPEND sr x", b":1048577\r\n");
}

// ---- counters ---------------------------------------------------------------------------

#[test]
fn incr_decr() {
    let (_h, mut c) = setup();
    c.t("INCR counter", b":1\r\n");
    c.t("DECR counter2", b":-1\r\n");
    c.t("SET n 10", OK);
    c.t("INCR n", b":11\r\n");
    c.t("DECR n", b":10\r\n");
    c.t("INCRBY n 5", b":15\r\n");
    c.t("DECRBY n 3", b":12\r\n");
    c.t("INCRBY n -3", b":9\r\n");
    c.t("DECRBY n -3", b":12\r\n");
    c.t("GET n", b"$2\r\n12\r\n");
    c.t("SET big 17179869184", OK);
    c.t("INCRBY big 17179869184", b":34359738368\r\n");
    c.t("INCRBY", b"-ERR wrong number of arguments for 'incrby' command\r\n");
}

#[test]
fn incr_overflow_and_bad_increments() {
    let (_h, mut c) = setup();
    let overflow = b"-ERR increment or decrement would overflow\r\n";
    c.t("SET n 1", OK);
    c.t("INCRBY n abc", NOT_INT);
    c.t("INCRBY n 1.5", NOT_INT);
    c.t("INCRBY n 99999999999999999999", NOT_INT);
    c.t("INCRBY n \"\"", NOT_INT);
    c.check(&["INCRBY", "n", " 1"], NOT_INT);
    c.t("INCRBY n +1", NOT_INT);
    c.t("INCRBY n 01", NOT_INT);
    c.t("INCRBY n 9223372036854775807", overflow);
    c.t("DECRBY n -9223372036854775808", b"-ERR decrement would overflow\r\n");
    c.t("SET n 9223372036854775807", OK);
    c.t("INCR n", overflow);
    c.t("SET n -9223372036854775808", OK);
    c.t("DECR n", overflow);
    c.t("DECRBY n 1", overflow);
    c.t("DECRBY n -9223372036854775808", b"-ERR decrement would overflow\r\n");
    c.t("INCRBY n 9223372036854775807", b":-1\r\n");
    c.t("GET n", b"$2\r\n-1\r\n");
}

#[test]
fn incr_non_integer_values() {
    let (_h, mut c) = setup();
    for value in [
        "1 ",
        " 1",
        "01",
        "+1",
        "-0",
        "",
        "abc",
        "1.0",
        "1e3",
        "0x10",
        "99999999999999999999",
    ] {
        c.check(&["SET", "n", value], OK);
        for cmd in ["INCR", "DECR"] {
            c.check(&[cmd, "n"], NOT_INT);
        }
        c.check(&["INCRBY", "n", "1"], NOT_INT);
        c.check(&["DECRBY", "n", "1"], NOT_INT);
        c.check(&["GET", "n"], format!("${}\r\n{value}\r\n", value.len()).as_bytes());
    }
}

#[test]
fn incrbyfloat() {
    let (_h, mut c) = setup();
    c.t("SET f 10.5", OK);
    c.t("INCRBYFLOAT f 0.1", b"$4\r\n10.6\r\n");
    // Long double arithmetic shows its binary rounding past 17 digits.
    c.t("INCRBYFLOAT f 3.0e3", b"$22\r\n3010.60000000000000009\r\n");
    c.t("INCRBYFLOAT f -5.0e3", b"$23\r\n-1989.39999999999999991\r\n");
    c.t("GET f", b"$23\r\n-1989.39999999999999991\r\n");
    c.t("INCRBYFLOAT g 3.0e3", b"$4\r\n3000\r\n");
    c.t("SET f 5.0e3", OK);
    c.t("INCRBYFLOAT f 2.0e2", b"$4\r\n5200\r\n");
    c.t("INCRBYFLOAT newf 1.5", b"$3\r\n1.5\r\n");
    c.t("INCRBYFLOAT newf2 10", b"$2\r\n10\r\n");
    c.t("INCRBYFLOAT newf3 0x10", b"$2\r\n16\r\n");
    c.t("INCRBYFLOAT newf4 1.23e-10", b"$14\r\n0.000000000123\r\n");
    c.t("SET f 1", OK);
    c.t("INCRBYFLOAT f 1", b"$1\r\n2\r\n");
    c.t(
        "INCRBYFLOAT f 12345678901234567890123456789012345678901234567",
        b"$47\r\n12345678901234567889989712775525437900960301056\r\n",
    );
}

#[test]
fn incrbyfloat_errors() {
    let (_h, mut c) = setup();
    let nan_inf = b"-ERR increment would produce NaN or Infinity\r\n";
    c.t("SET f 1", OK);
    for incr in ["abc", "nan", "", " 1", "1 ", "1.5x", "0x"] {
        c.check(&["INCRBYFLOAT", "f", incr], NOT_FLOAT);
    }
    for incr in ["inf", "-inf", "infinity"] {
        c.check(&["INCRBYFLOAT", "f", incr], nan_inf);
    }
    for value in ["abc", " 1", "1 ", "nan"] {
        c.check(&["SET", "f", value], OK);
        c.t("INCRBYFLOAT f 1", NOT_FLOAT);
    }
    c.t("SET f inf", OK);
    c.t("INCRBYFLOAT f 1", nan_inf);
    // Out of long double range (not of double range) is not a float.
    for incr in ["1e5000", "-1e5000", "1e-5000"] {
        c.check(&["INCRBYFLOAT", "f", incr], NOT_FLOAT);
    }
    c.t("SET f 1e4932", OK);
    c.t("INCRBYFLOAT f 1e4932", nan_inf);
    c.t("GET f", b"$6\r\n1e4932\r\n");
}

#[test]
fn incrbyfloat_via_redis_crate() {
    let (_h, addr) = start();
    let mut con = redis_conn(addr);
    let () = redis::cmd("SET").arg("f").arg("10.5").query(&mut con).unwrap();
    let v: String = redis::cmd("INCRBYFLOAT").arg("f").arg("0.1").query(&mut con).unwrap();
    assert_eq!(v, "10.6");
    let n: i64 = redis::cmd("INCRBY").arg("n").arg(41).query(&mut con).unwrap();
    assert_eq!(n, 41);
    let err = redis::cmd("INCR").arg("f").query::<i64>(&mut con).unwrap_err();
    assert_eq!(err.detail(), Some("value is not an integer or out of range"));
}

// ---- LCS --------------------------------------------------------------------------------

#[test]
fn lcs() {
    let (_h, mut c) = setup();
    c.t("MSET key1 ohmytext key2 mynewtext", OK);
    c.t("LCS key1 key2", b"$6\r\nmytext\r\n");
    c.t("LCS key1 key2 LEN", b":6\r\n");
    c.t("LCS key1 key2 WITHMATCHLEN", b"$6\r\nmytext\r\n");
    c.t("LCS key1 key2 MINMATCHLEN 4", b"$6\r\nmytext\r\n");
    c.t("LCS key1 key2 LEN WITHMATCHLEN", b":6\r\n");
    c.t("LCS key1 key1", b"$8\r\nohmytext\r\n");
    c.t("LCS key1 nosuch", b"$0\r\n\r\n");
    c.t("LCS nosuch nosuch2", b"$0\r\n\r\n");
    c.t("LCS nosuch nosuch2 LEN", b":0\r\n");
    c.t("MSET n1 12345 n2 2345", OK);
    c.t("LCS n1 n2", b"$4\r\n2345\r\n");
    c.t(
        "MSET a1 ACCGGTCGAGTGCGCGGAAGCCGGCCGAA a2 GTCGTTCGGAATGCCGTTGCTCTGTAAA",
        OK,
    );
    c.t("LCS a1 a2", b"$20\r\nGTCGTCGGAAGCCGGCCGAA\r\n");
    c.t("LCS a1 a2 LEN", b":20\r\n");
}

#[test]
fn lcs_idx() {
    let (_h, mut c) = setup();
    c.t("MSET key1 ohmytext key2 mynewtext", OK);
    let all = b"*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n";
    c.t("LCS key1 key2 IDX", all);
    c.t("LCS key1 key2 IDX MINMATCHLEN 0", all);
    c.t("LCS key1 key2 IDX MINMATCHLEN -5", all);
    c.t(
        "LCS key1 key2 IDX MINMATCHLEN 4",
        b"*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
    );
    c.t(
        "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN",
        b"*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
    );
    c.t(
        "LCS key1 key2 IDX WITHMATCHLEN",
        b"*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
    );
    c.t(
        "LCS key1 key1 IDX WITHMATCHLEN",
        b"*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n",
    );
    c.t(
        "LCS nosuch nosuch2 IDX",
        b"*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n",
    );
    c.t(
        "MSET a1 ACCGGTCGAGTGCGCGGAAGCCGGCCGAA a2 GTCGTTCGGAATGCCGTTGCTCTGTAAA",
        OK,
    );
    c.t(
        "LCS a1 a2 IDX MINMATCHLEN 3 WITHMATCHLEN",
        b"*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:19\r\n:22\r\n*2\r\n:12\r\n:15\r\n:4\r\n*3\r\n*2\r\n:14\r\n:18\r\n*2\r\n:6\r\n:10\r\n:5\r\n*3\r\n*2\r\n:4\r\n:6\r\n*2\r\n:0\r\n:2\r\n:3\r\n$3\r\nlen\r\n:20\r\n",
    );
    c.t("MSET n1 12345 n2 2345", OK);
    c.t(
        "LCS n1 n2 IDX",
        b"*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:1\r\n:4\r\n*2\r\n:0\r\n:3\r\n$3\r\nlen\r\n:4\r\n",
    );
    // RESP3 replies a map.
    c.call(&["HELLO", "3"]);
    c.t(
        "LCS key1 key2 IDX MINMATCHLEN 4",
        b"%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
    );
}

#[test]
fn lcs_errors() {
    let (_h, mut c) = setup();
    c.t("MSET key1 ohmytext key2 mynewtext", OK);
    let both = b"-ERR If you want both the length and indexes, please just use IDX.\r\n";
    c.t("LCS key1 key2 LEN IDX", both);
    c.t("LCS key1 key2 IDX LEN", both);
    c.t("LCS key1 key2 IDX MINMATCHLEN", SYNTAX);
    c.t("LCS key1 key2 IDX MINMATCHLEN abc", NOT_INT);
    c.t("LCS key1 key2 foo", SYNTAX);
    c.t("LCS key1", b"-ERR wrong number of arguments for 'lcs' command\r\n");
}

#[test]
fn lcs_idx_via_redis_crate() {
    use redis::Value::{Array, BulkString, Int};
    let (_h, addr) = start();
    let mut con = redis_conn(addr);
    let () = redis::cmd("MSET")
        .arg("a")
        .arg("ohmytext")
        .arg("b")
        .arg("mynewtext")
        .query(&mut con)
        .unwrap();
    let got: redis::Value = redis::cmd("LCS")
        .arg("a")
        .arg("b")
        .arg("IDX")
        .arg("MINMATCHLEN")
        .arg(4)
        .query(&mut con)
        .unwrap();
    let range = |x, y| Array(vec![Int(x), Int(y)]);
    let expected = Array(vec![
        BulkString(b"matches".to_vec()),
        Array(vec![Array(vec![range(4, 7), range(5, 8)])]),
        BulkString(b"len".to_vec()),
        Int(6),
    ]);
    assert_eq!(got, expected);
}

// ---- OBJECT -------------------------------------------------------------------------------

#[test]
fn object_encoding_transitions() {
    let (_h, mut c) = setup();
    let enc = |c: &mut Conn, key: &str| c.call(&["OBJECT", "ENCODING", key]);
    let (int, embstr, raw) = (&b"$3\r\nint\r\n"[..], &b"$6\r\nembstr\r\n"[..], &b"$3\r\nraw\r\n"[..]);
    for (value, expected) in [
        ("123", int),
        ("-123", int),
        ("0", int),
        ("9223372036854775807", int),
        ("-9223372036854775808", int),
        ("9223372036854775808", embstr),
        ("0123", embstr),
        ("+1", embstr),
        ("1 ", embstr),
        ("abc", embstr),
        ("12345678901234567890123456789012345678901234", embstr),
        ("123456789012345678901234567890123456789012345", raw),
        ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", embstr),
        ("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", raw),
    ] {
        c.check(&["SET", "s", value], OK);
        assert_eq!(enc(&mut c, "s"), expected, "encoding of {value:?}");
    }
    // APPEND makes it raw, INCR turns it back into an int.
    c.t("SET s abc", OK);
    c.t("APPEND s d", b":4\r\n");
    assert_eq!(enc(&mut c, "s"), raw);
    c.t("SET s 12", OK);
    c.t("APPEND s 3", b":3\r\n");
    assert_eq!(enc(&mut c, "s"), raw);
    c.t("INCR s", b":124\r\n");
    assert_eq!(enc(&mut c, "s"), int);
    // APPEND to a missing key stores the argument as SET would.
    c.t("APPEND new 5", b":1\r\n");
    assert_eq!(enc(&mut c, "new"), int);
    c.t("APPEND new2 abc", b":3\r\n");
    assert_eq!(enc(&mut c, "new2"), embstr);
    // INCRBYFLOAT stores a string, never an int.
    c.t("SET s 12", OK);
    c.t("INCRBYFLOAT s 1", b"$2\r\n13\r\n");
    assert_eq!(enc(&mut c, "s"), embstr);
    c.t("INCRBYFLOAT s 0.5", b"$4\r\n13.5\r\n");
    assert_eq!(enc(&mut c, "s"), embstr);
}

#[test]
fn object_encoding_other_writers() {
    let (_h, mut c) = setup();
    let (int, raw) = (&b"$3\r\nint\r\n"[..], &b"$3\r\nraw\r\n"[..]);
    c.t("SET n 123", OK);
    c.t("SETRANGE n 1 x", b":3\r\n");
    c.t("OBJECT ENCODING n", raw);
    c.t("SETRANGE n2 0 12", b":2\r\n");
    c.t("OBJECT ENCODING n2", raw);
    c.t("SET n3 5", OK);
    c.t("SETRANGE n3 1 \"\"", b":1\r\n");
    c.t("OBJECT ENCODING n3", int);
    c.t("MSET m1 1 m2 abc", OK);
    c.t("OBJECT ENCODING m1", int);
    c.t("OBJECT ENCODING m2", b"$6\r\nembstr\r\n");
    c.t("GETSET m1 2", b"$1\r\n1\r\n");
    c.t("OBJECT ENCODING m1", int);
    c.t("SETNX sn 77", b":1\r\n");
    c.t("OBJECT ENCODING sn", int);
    c.t("SETEX se 100 77", OK);
    c.t("OBJECT ENCODING se", int);
    c.t("SET f 1", OK);
    c.t(
        "INCRBYFLOAT f 12345678901234567890123456789012345678901234567",
        b"$47\r\n12345678901234567889989712775525437900960301056\r\n",
    );
    c.t("OBJECT ENCODING f", raw);
}

#[test]
fn object_refcount_idletime_freq() {
    let (_h, mut c) = setup();
    for sub in ["ENCODING", "REFCOUNT", "IDLETIME", "FREQ"] {
        c.check(&["OBJECT", sub, "nosuch"], NIL);
    }
    for (value, expected) in [
        ("abc", &b":1\r\n"[..]),
        ("100", b":2147483647\r\n"),
        ("0", b":2147483647\r\n"),
        ("9999", b":2147483647\r\n"),
        ("10000", b":1\r\n"),
        ("-1", b":1\r\n"),
    ] {
        c.check(&["SET", "s", value], OK);
        c.t("OBJECT REFCOUNT s", expected);
    }
    c.t("OBJECT IDLETIME s", b":0\r\n");
    c.t(
        "OBJECT FREQ s",
        b"-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
    );
    c.t("CONFIG SET maxmemory-policy allkeys-lfu", OK);
    c.t(
        "OBJECT IDLETIME s",
        b"-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
    );
}

#[test]
fn object_arity_and_unknown_subcommand() {
    let (_h, mut c) = setup();
    c.t("OBJECT", b"-ERR wrong number of arguments for 'object' command\r\n");
    c.t("OBJECT foo", b"-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
    c.t("OBJECT foo bar", b"-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
    c.t(
        "OBJECT ENCODING",
        b"-ERR wrong number of arguments for 'object|encoding' command\r\n",
    );
    c.t(
        "OBJECT ENCODING a b",
        b"-ERR wrong number of arguments for 'object|encoding' command\r\n",
    );
    c.t(
        "OBJECT REFCOUNT",
        b"-ERR wrong number of arguments for 'object|refcount' command\r\n",
    );
    c.t(
        "OBJECT FREQ",
        b"-ERR wrong number of arguments for 'object|freq' command\r\n",
    );
    c.t(
        "OBJECT IDLETIME",
        b"-ERR wrong number of arguments for 'object|idletime' command\r\n",
    );
    c.t(
        "OBJECT HELP x",
        b"-ERR wrong number of arguments for 'object|help' command\r\n",
    );
}

#[test]
fn object_help() {
    let (_h, mut c) = setup();
    c.t(
        "OBJECT HELP",
        b"*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n",
    );
}

// ---- pipelining --------------------------------------------------------------------------

#[test]
fn pipelined_raw_commands() {
    let (_h, mut c) = setup();
    let mut request = Vec::new();
    request.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n");
    request.extend_from_slice(b"*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n");
    request.extend_from_slice(b"*3\r\n$6\r\nAPPEND\r\n$1\r\nk\r\n$1\r\nx\r\n");
    request.extend_from_slice(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    c.raw(&request, b"+OK\r\n:2\r\n:2\r\n$2\r\n2x\r\n");
    c.send_raw(b"*2\r\n$6\r\nSTRLEN\r\n$1\r\nk\r\n");
    assert_eq!(c.read_len(4), b":2\r\n");
}

#[test]
fn object_freq_under_lfu() {
    let (_h, mut c) = setup();
    c.t("CONFIG SET maxmemory-policy allkeys-lfu", OK);
    c.t("SET k v", OK);
    c.t("OBJECT FREQ k", b":5\r\n");
    c.t("GET k", b"$1\r\nv\r\n");
    c.t("OBJECT FREQ k", b":6\r\n");
}

#[test]
fn object_refcount_after_copy() {
    let (_h, mut c) = setup();
    c.t("SET s 100", OK);
    c.t("COPY s s2", b":1\r\n");
    c.t("OBJECT REFCOUNT s", b":2147483647\r\n");
    c.t("OBJECT REFCOUNT s2", b":1\r\n");
    c.t("OBJECT ENCODING s2", b"$3\r\nint\r\n");
}

/// A PXAT deadline read back at once never shows more time left than was
/// asked for: the server's clock is not a millisecond behind the wall
/// clock (Redis's "GETEX PXAT option" test reads PTTL 10000 at most).
#[test]
fn pxat_deadline_reads_back_without_an_extra_millisecond() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    for _ in 0..300 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        c.t("SET foo bar", b"+OK\r\n");
        c.t(&format!("GETEX foo PXAT {}", now + 10_000), b"$3\r\nbar\r\n");
        let left = c.int("PTTL foo");
        assert!((1..=10_000).contains(&left), "PTTL {left} after PXAT now+10000");
    }
}
