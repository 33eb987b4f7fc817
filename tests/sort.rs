//! SORT and SORT_RO against an embedded server: exact replies (Redis
//! 7.0.15's, byte for byte) for numeric and ALPHA sorts, LIMIT clamping,
//! BY and GET patterns (`#`, `*`, `->field`), STORE (list result, empty
//! result deletes, replaces any type and TTL, dirty count), errors in
//! Redis's order, WRONGTYPE, the sorted-set conversion and RESP3 nulls.

mod common;

use common::{Conn, NOT_INT, SYNTAX, WRONGTYPE, setup};

const NOT_DOUBLE: &[u8] = b"-ERR One or more scores can't be converted into double\r\n";

/// An array of bulk strings; `None` is a RESP2 null bulk.
fn arr(items: &[Option<&str>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", items.len()).into_bytes();
    for i in items {
        match i {
            Some(s) => out.extend_from_slice(format!("${}\r\n{s}\r\n", s.len()).as_bytes()),
            None => out.extend_from_slice(b"$-1\r\n"),
        }
    }
    out
}

fn bulks(items: &[&str]) -> Vec<u8> {
    arr(&items.iter().map(|s| Some(*s)).collect::<Vec<_>>())
}

fn dirty(c: &mut Conn) -> i64 {
    c.info_field("persistence", "rdb_changes_since_last_save")
        .parse()
        .unwrap()
}

#[test]
fn numeric_and_alpha() {
    let (_h, mut c) = setup();
    c.t("RPUSH l 3 1 2 10 -5 2.5", b":6\r\n");
    c.t("SORT l", &bulks(&["-5", "1", "2", "2.5", "3", "10"]));
    c.t("SORT l DESC", &bulks(&["10", "3", "2.5", "2", "1", "-5"]));
    c.t("SORT l ALPHA", &bulks(&["-5", "1", "10", "2", "2.5", "3"]));
    c.t("SORT_RO l ALPHA DESC", &bulks(&["3", "2.5", "2", "10", "1", "-5"]));
    // Equal scores are ordered by the elements' bytes.
    c.t("RPUSH t 1.0 1 01 0.5", b":4\r\n");
    c.t("SORT t", &bulks(&["0.5", "01", "1", "1.0"]));
    c.t("RPUSH x 1 abc", b":2\r\n");
    c.t("SORT x", NOT_DOUBLE);
    c.t("SORT x ALPHA", &bulks(&["1", "abc"]));
    c.t("SORT nosuch", b"*0\r\n");
    c.t("SADD s 5 3 9", b":3\r\n");
    c.t("SORT s", &bulks(&["3", "5", "9"]));
    c.t("ZADD z 1 c 2 b 3 a", b":3\r\n");
    c.t("SORT z ALPHA", &bulks(&["a", "b", "c"]));
}

#[test]
fn limit_is_clamped() {
    let (_h, mut c) = setup();
    c.t("RPUSH l 5 4 3 2 1", b":5\r\n");
    c.t("SORT l LIMIT 1 2", &bulks(&["2", "3"]));
    c.t("SORT l LIMIT -5 2", &bulks(&["1", "2"]));
    c.t("SORT l LIMIT 3 -1", &bulks(&["4", "5"]));
    c.t("SORT l LIMIT 3 100", &bulks(&["4", "5"]));
    c.t("SORT l LIMIT 5 1", b"*0\r\n");
    c.t("SORT l LIMIT 0 0", b"*0\r\n");
    c.t("SORT l DESC LIMIT 0 2", &bulks(&["5", "4"]));
    c.t("SORT l LIMIT 1 x", NOT_INT);
    c.t("SORT l LIMIT 1", SYNTAX);
}

#[test]
fn by_constant_keeps_container_order() {
    let (_h, mut c) = setup();
    c.t("RPUSH l 3 1 2", b":3\r\n");
    c.t("SORT l BY nosort", &bulks(&["3", "1", "2"]));
    c.t("SORT l BY nosort DESC", &bulks(&["2", "1", "3"]));
    c.t("SORT l BY nosort DESC LIMIT 1 5", &bulks(&["1", "3"]));
    c.t("ZADD z 3 c 1 a 2 b", b":3\r\n");
    c.t("SORT z BY nosort", &bulks(&["a", "b", "c"]));
    c.t("SORT z BY nosort DESC LIMIT 1 1", &bulks(&["b"]));
    // Redis converts a sorted set to a skiplist before sorting it.
    c.t("OBJECT ENCODING z", b"$8\r\nskiplist\r\n");
    // Stored unsorted set members are sorted ALPHA instead.
    c.t("SADD s b c a", b":3\r\n");
    c.t("SORT s BY nosort STORE dst", b":3\r\n");
    c.t("LRANGE dst 0 -1", &bulks(&["a", "b", "c"]));
}

#[test]
fn by_and_get_patterns() {
    let (_h, mut c) = setup();
    c.t("RPUSH l 1 2 3", b":3\r\n");
    c.t("MSET w_1 30 w_2 10 w_3 20", b"+OK\r\n");
    c.t("SORT l BY w_*", &bulks(&["2", "3", "1"]));
    c.t(
        "SORT l BY w_* DESC GET # GET w_*",
        &bulks(&["1", "30", "3", "20", "2", "10"]),
    );
    c.t(
        "SORT l BY w_* GET nosuch_* GET nostar",
        &arr(&[None, None, None, None, None, None]),
    );
    c.t("HSET h_1 f c n 3", b":2\r\n");
    c.t("HSET h_2 f a n 1", b":2\r\n");
    c.t("HSET h_3 f b", b":1\r\n");
    c.t("SORT l BY h_*->n", &bulks(&["3", "2", "1"]));
    c.t("SORT l BY h_*->f ALPHA GET h_*->n", &arr(&[Some("1"), None, Some("3")]));
    // A missing BY value sorts first (ALPHA) or weighs 0.
    c.t("SORT l BY missing_* ALPHA", &bulks(&["1", "2", "3"]));
    c.t("SORT l BY w_*->f", &bulks(&["1", "2", "3"]));
    // `->` with nothing after it is part of the key name.
    c.t("SET k1-> v", b"+OK\r\n");
    c.t("SORT l GET k*->", &arr(&[Some("v"), None, None]));
    c.t("SET w_2 x", b"+OK\r\n");
    c.t("SORT l BY w_*", NOT_DOUBLE);
    // RESP3: a missing GET is a null.
    let hello = c.call(&["HELLO", "3"]);
    assert_eq!(hello[0], b'%');
    c.t("SORT l BY nosort GET nosuch_*", b"*3\r\n_\r\n_\r\n_\r\n");
}

#[test]
fn store_results() {
    let (_h, mut c) = setup();
    c.t("RPUSH l 3 1 2", b":3\r\n");
    let d0 = dirty(&mut c);
    c.t("SORT l STORE dst", b":3\r\n");
    assert_eq!(dirty(&mut c), d0 + 3);
    c.t("TYPE dst", b"+list\r\n");
    c.t("OBJECT ENCODING dst", b"$9\r\nquicklist\r\n");
    c.t("LRANGE dst 0 -1", &bulks(&["1", "2", "3"]));
    c.t("SORT l GET # GET nosuch_* STORE dst", b":6\r\n");
    c.t("LRANGE dst 0 -1", &bulks(&["1", "", "2", "", "3", ""]));
    // Any type and TTL is replaced; an empty result deletes.
    c.t("SADD dst2 a", b":1\r\n");
    c.t("EXPIRE dst2 100", b":1\r\n");
    c.t("SORT l STORE dst2", b":3\r\n");
    c.t("TYPE dst2", b"+list\r\n");
    c.t("TTL dst2", b":-1\r\n");
    c.t("SORT nosuch STORE dst2", b":0\r\n");
    c.t("EXISTS dst2", b":0\r\n");
    c.t("SORT l STORE l DESC", b":3\r\n");
    c.t("LRANGE l 0 -1", &bulks(&["3", "2", "1"]));
    c.t("SORT_RO l STORE dst", SYNTAX);
}

#[test]
fn errors_and_wrong_types() {
    let (_h, mut c) = setup();
    c.t("SET str x", b"+OK\r\n");
    c.t("HSET h a 1", b":1\r\n");
    c.t("SORT str", WRONGTYPE);
    c.t("SORT_RO h", WRONGTYPE);
    // Options are parsed before the key is looked up.
    c.t("SORT str FOO", SYNTAX);
    c.t("SORT str LIMIT x 1", NOT_INT);
    c.t("SORT str BY", SYNTAX);
    c.t("SORT str GET", SYNTAX);
    c.t("SORT str STORE", SYNTAX);
    c.t("SORT", b"-ERR wrong number of arguments for 'sort' command\r\n");
    c.t("SORT_RO", b"-ERR wrong number of arguments for 'sort_ro' command\r\n");
}
