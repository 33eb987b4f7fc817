//! List commands (LPUSH/RPUSH and the X variants, LPOP/RPOP with counts,
//! LMPOP, LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE,
//! RPOPLPUSH) against an embedded server. Every expected reply is Redis
//! 7.0.15's, byte for byte (`LOOPKV_TEST_REAL_REDIS=1 cargo test --test
//! list` runs the same file against the real server).

mod common;

use common::{Conn, EMPTY, NOT_INT, SYNTAX, WRONGTYPE, bulks, setup};

const OK: &[u8] = b"+OK\r\n";
const NIL: &[u8] = b"$-1\r\n";
const NIL_ARRAY: &[u8] = b"*-1\r\n";

fn bulk(s: &str) -> Vec<u8> {
    format!("${}\r\n{s}\r\n", s.len()).into_bytes()
}

fn int(n: i64) -> Vec<u8> {
    format!(":{n}\r\n").into_bytes()
}

/// Asserts the whole list at `key`.
#[track_caller]
fn assert_list(c: &mut Conn, key: &str, items: &[&str]) {
    c.t(&format!("LRANGE {key} 0 -1"), &bulks(items));
}

// ---- push ----------------------------------------------------------------------------

#[test]
fn push_both_ends_and_length() {
    let (_h, mut c) = setup();
    c.t("RPUSH l a b c", &int(3));
    c.t("LPUSH l x y", &int(5));
    assert_list(&mut c, "l", &["y", "x", "a", "b", "c"]);
    c.t("LLEN l", &int(5));
    c.t("LLEN nosuch", &int(0));
    c.t("TYPE l", b"+list\r\n");
    c.t("OBJECT ENCODING l", b"$9\r\nquicklist\r\n");
    c.check(&[&b"RPUSH"[..], b"bin", b"a\x00\r\nb", b""], &int(2));
    c.check(&["LINDEX", "bin", "0"], b"$5\r\na\x00\r\nb\r\n");
    c.check(&["LINDEX", "bin", "1"], b"$0\r\n\r\n");
    c.t("RPUSH l", b"-ERR wrong number of arguments for 'rpush' command\r\n");
    c.t("LPUSH", b"-ERR wrong number of arguments for 'lpush' command\r\n");
}

#[test]
fn pushx_needs_an_existing_list() {
    let (_h, mut c) = setup();
    c.t("LPUSHX l a", &int(0));
    c.t("RPUSHX l a b", &int(0));
    c.t("EXISTS l", &int(0));
    c.t("RPUSH l m", &int(1));
    c.t("LPUSHX l a b", &int(3));
    c.t("RPUSHX l y z", &int(5));
    assert_list(&mut c, "l", &["b", "a", "m", "y", "z"]);
}

#[test]
fn wrong_type_everywhere() {
    let (_h, mut c) = setup();
    c.t("SET s v", OK);
    for line in [
        "LPUSH s a",
        "RPUSH s a",
        "LPUSHX s a",
        "RPUSHX s a",
        "LPOP s",
        "RPOP s",
        "LPOP s 0",
        "RPOP s 2",
        "LLEN s",
        "LRANGE s 0 -1",
        "LINDEX s 0",
        "LSET s 0 x",
        "LINSERT s BEFORE a b",
        "LREM s 0 a",
        "LTRIM s 0 1",
        "LPOS s a",
        "LPOS s a COUNT 0",
        "LMOVE s d LEFT RIGHT",
        "RPOPLPUSH s d",
        "LMPOP 1 s LEFT",
    ] {
        c.t(line, WRONGTYPE);
    }
    c.t("RPUSH l a", &int(1));
    c.t("LMOVE l s LEFT RIGHT", WRONGTYPE);
    c.t("RPOPLPUSH l s", WRONGTYPE);
    // Nothing was popped.
    assert_list(&mut c, "l", &["a"]);
    c.t("GET s", b"$1\r\nv\r\n");
    // An empty list before the wrong-typed key: LMPOP stops with the error.
    c.t("LMPOP 3 nosuch s l LEFT", WRONGTYPE);
    c.t("LMPOP 2 l s LEFT", b"*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n");
}

// ---- pop -----------------------------------------------------------------------------

#[test]
fn pop_single_and_emptied_key_disappears() {
    let (_h, mut c) = setup();
    c.t("LPOP l", NIL);
    c.t("RPOP l", NIL);
    c.t("RPUSH l a b c", &int(3));
    c.t("LPOP l", &bulk("a"));
    c.t("RPOP l", &bulk("c"));
    c.t("RPOP l", &bulk("b"));
    c.t("EXISTS l", &int(0));
    c.t("LPOP l 1 2", b"-ERR wrong number of arguments for 'lpop' command\r\n");
    c.t("RPOP l 1 2", b"-ERR wrong number of arguments for 'rpop' command\r\n");
    c.t("LPOP", b"-ERR wrong number of arguments for 'lpop' command\r\n");
}

#[test]
fn pop_with_count() {
    let (_h, mut c) = setup();
    c.t("LPOP l 2", NIL_ARRAY);
    c.t("RPOP l 0", NIL_ARRAY);
    c.t("RPUSH l a b c d e", &int(5));
    c.t("LPOP l 0", EMPTY);
    c.t("LPOP l 2", &bulks(&["a", "b"]));
    c.t("RPOP l 2", &bulks(&["e", "d"]));
    c.t("RPOP l 10", &bulks(&["c"]));
    c.t("EXISTS l", &int(0));
    let positive = b"-ERR value is out of range, must be positive\r\n";
    c.t("LPOP l -1", positive);
    c.t("LPOP l abc", positive);
    c.t("RPOP l 1.5", positive);
    c.t("RPUSH l a", &int(1));
    c.t("LPOP l -1", positive);
    assert_list(&mut c, "l", &["a"]);
}

#[test]
fn pop_resp3_null_forms() {
    let (_h, mut c) = setup();
    c.send_raw(b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
    c.read_replies(1);
    c.t("LPOP l", b"_\r\n");
    c.t("RPOP l 3", b"_\r\n");
    c.t("LMPOP 1 l LEFT", b"_\r\n");
    c.t("LINDEX l 0", b"_\r\n");
    c.t("LPOS l a", b"_\r\n");
    c.t("LPOS l a COUNT 1", EMPTY);
    c.t("RPOPLPUSH l d", b"_\r\n");
    c.t("RPUSH l a", &int(1));
    c.t("LPOP l 0", EMPTY);
    c.t("LINDEX l 5", b"_\r\n");
    c.t("LPOS l b", b"_\r\n");
    c.t("RPOP l 3", &bulks(&["a"]));
}

#[test]
fn lmpop_picks_the_first_non_empty_list() {
    let (_h, mut c) = setup();
    c.t("LMPOP 2 a b LEFT", NIL_ARRAY);
    c.t("RPUSH b 1 2 3 4", &int(4));
    c.t("RPUSH c x", &int(1));
    c.t("LMPOP 3 a b c LEFT", b"*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n");
    c.t(
        "LMPOP 3 a b c RIGHT COUNT 2",
        b"*2\r\n$1\r\nb\r\n*2\r\n$1\r\n4\r\n$1\r\n3\r\n",
    );
    c.t("LMPOP 2 b c left count 10", b"*2\r\n$1\r\nb\r\n*1\r\n$1\r\n2\r\n");
    c.t("EXISTS b", &int(0));
    c.t("LMPOP 1 c RIGHT", b"*2\r\n$1\r\nc\r\n*1\r\n$1\r\nx\r\n");
    c.t("EXISTS c", &int(0));
}

#[test]
fn lmpop_argument_errors() {
    let (_h, mut c) = setup();
    c.t("RPUSH l a", &int(1));
    let numkeys = b"-ERR numkeys should be greater than 0\r\n";
    let count = b"-ERR count should be greater than 0\r\n";
    c.t("LMPOP 0 l LEFT", numkeys);
    c.t("LMPOP -1 l LEFT", numkeys);
    c.t("LMPOP x l LEFT", numkeys);
    c.t("LMPOP 2 l LEFT", SYNTAX);
    c.t("LMPOP 5 l LEFT", SYNTAX);
    c.t("LMPOP 1 l MIDDLE", SYNTAX);
    c.t("LMPOP 1 l LEFT COUNT", SYNTAX);
    c.t("LMPOP 1 l LEFT COUNT 0", count);
    c.t("LMPOP 1 l LEFT COUNT -1", count);
    c.t("LMPOP 1 l LEFT COUNT x", count);
    c.t("LMPOP 1 l LEFT COUNT 1 COUNT 1", SYNTAX);
    c.t("LMPOP 1 l LEFT FOO", SYNTAX);
    c.t("LMPOP 1 l", b"-ERR wrong number of arguments for 'lmpop' command\r\n");
    assert_list(&mut c, "l", &["a"]);
}

// ---- reading -------------------------------------------------------------------------

#[test]
fn lrange_index_rules() {
    let (_h, mut c) = setup();
    c.t("LRANGE l 0 -1", EMPTY);
    c.t("RPUSH l a b c d", &int(4));
    c.t("LRANGE l 0 0", &bulks(&["a"]));
    c.t("LRANGE l 1 2", &bulks(&["b", "c"]));
    c.t("LRANGE l -2 -1", &bulks(&["c", "d"]));
    c.t("LRANGE l -100 100", &bulks(&["a", "b", "c", "d"]));
    c.t("LRANGE l 2 1", EMPTY);
    c.t("LRANGE l 4 10", EMPTY);
    c.t("LRANGE l 0 -5", EMPTY);
    c.t(
        "LRANGE l -9223372036854775808 9223372036854775807",
        &bulks(&["a", "b", "c", "d"]),
    );
    c.t("LRANGE l a 1", NOT_INT);
    c.t("LRANGE l 0 1.0", NOT_INT);
    // Indexes are parsed before the type is checked.
    c.t("SET s v", OK);
    c.t("LRANGE s x 1", NOT_INT);
}

#[test]
fn lindex_and_lset() {
    let (_h, mut c) = setup();
    c.t("LINDEX l 0", NIL);
    c.t("LINDEX l x", NIL);
    c.t("RPUSH l a b c", &int(3));
    c.t("LINDEX l 0", &bulk("a"));
    c.t("LINDEX l -1", &bulk("c"));
    c.t("LINDEX l -3", &bulk("a"));
    c.t("LINDEX l -4", NIL);
    c.t("LINDEX l 3", NIL);
    c.t("LINDEX l -9223372036854775808", NIL);
    c.t("LINDEX l x", NOT_INT);
    c.t("LSET l 1 B", OK);
    c.t("LSET l -1 C", OK);
    assert_list(&mut c, "l", &["a", "B", "C"]);
    c.t("LSET l 3 x", b"-ERR index out of range\r\n");
    c.t("LSET l -4 x", b"-ERR index out of range\r\n");
    c.t("LSET l x x", NOT_INT);
    c.t("LSET nosuch 0 x", b"-ERR no such key\r\n");
    c.t("LSET nosuch x x", b"-ERR no such key\r\n");
}

#[test]
fn lpos_options() {
    let (_h, mut c) = setup();
    c.t("LPOS l a", NIL);
    c.t("LPOS l a COUNT 0", EMPTY);
    c.t("RPUSH l a b c 1 2 3 c c", &int(8));
    c.t("LPOS l c", &int(2));
    c.t("LPOS l nosuch", NIL);
    c.t("LPOS l c RANK 2", &int(6));
    c.t("LPOS l c RANK 4", NIL);
    c.t("LPOS l c RANK -1", &int(7));
    c.t("LPOS l c RANK -3", &int(2));
    c.t("LPOS l c COUNT 0", b"*3\r\n:2\r\n:6\r\n:7\r\n");
    c.t("LPOS l c COUNT 2", b"*2\r\n:2\r\n:6\r\n");
    c.t("LPOS l c COUNT 2 RANK -1", b"*2\r\n:7\r\n:6\r\n");
    c.t("LPOS l c RANK 2 COUNT 5", b"*2\r\n:6\r\n:7\r\n");
    c.t("LPOS l c COUNT 0 MAXLEN 3", b"*1\r\n:2\r\n");
    c.t("LPOS l c MAXLEN 2", NIL);
    c.t("LPOS l c COUNT 0 MAXLEN 1 RANK -1", b"*1\r\n:7\r\n");
    c.t("LPOS l nosuch COUNT 1", EMPTY);
    // Later options override earlier ones.
    c.t("LPOS l c RANK 1 RANK 2", &int(6));
    c.t(
        "LPOS l c RANK 0",
        b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
    );
    c.t("LPOS l c RANK x", NOT_INT);
    c.t("LPOS l c COUNT -1", b"-ERR COUNT can't be negative\r\n");
    c.t("LPOS l c COUNT x", b"-ERR COUNT can't be negative\r\n");
    c.t("LPOS l c MAXLEN -1", b"-ERR MAXLEN can't be negative\r\n");
    c.t("LPOS l c MAXLEN x", b"-ERR MAXLEN can't be negative\r\n");
    c.t("LPOS l c RANK", SYNTAX);
    c.t("LPOS l c FOO 1", SYNTAX);
    // Options are checked before the key.
    c.t("LPOS nosuch c RANK 0 ", b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n");
}

// ---- modifying -----------------------------------------------------------------------

#[test]
fn linsert_before_and_after() {
    let (_h, mut c) = setup();
    c.t("LINSERT l BEFORE a x", &int(0));
    c.t("EXISTS l", &int(0));
    c.t("RPUSH l a b a", &int(3));
    c.t("LINSERT l BEFORE a x", &int(4));
    c.t("LINSERT l after a y", &int(5));
    c.t("LINSERT l AFTER nosuch y", &int(-1));
    assert_list(&mut c, "l", &["x", "a", "y", "b", "a"]);
    c.t("LINSERT l MIDDLE a y", SYNTAX);
    c.t("LINSERT nosuch MIDDLE a y", SYNTAX);
}

#[test]
fn lrem_counts_and_directions() {
    let (_h, mut c) = setup();
    c.t("LREM l 0 a", &int(0));
    c.t("RPUSH l a b a c a d a", &int(7));
    c.t("LREM l 2 a", &int(2));
    assert_list(&mut c, "l", &["b", "c", "a", "d", "a"]);
    c.t("LREM l -1 a", &int(1));
    assert_list(&mut c, "l", &["b", "c", "a", "d"]);
    c.t("LREM l 0 nosuch", &int(0));
    c.t("LREM l x a", NOT_INT);
    c.t("LREM l -9223372036854775808 a", &int(1));
    c.t("LREM l 0 b", &int(1));
    c.t("LREM l 0 c", &int(1));
    c.t("LREM l 0 d", &int(1));
    c.t("EXISTS l", &int(0));
}

#[test]
fn ltrim_ranges() {
    let (_h, mut c) = setup();
    c.t("LTRIM l 0 1", OK);
    c.t("RPUSH l a b c d e", &int(5));
    c.t("LTRIM l 1 -2", OK);
    assert_list(&mut c, "l", &["b", "c", "d"]);
    c.t("LTRIM l -100 100", OK);
    assert_list(&mut c, "l", &["b", "c", "d"]);
    c.t("LTRIM l 1 1", OK);
    assert_list(&mut c, "l", &["c"]);
    c.t("LTRIM l x 1", NOT_INT);
    c.t("LTRIM l 1 0", OK);
    c.t("EXISTS l", &int(0));
    c.t("RPUSH l a", &int(1));
    c.t("LTRIM l 5 10", OK);
    c.t("EXISTS l", &int(0));
}

// ---- moving --------------------------------------------------------------------------

#[test]
fn lmove_all_directions() {
    let (_h, mut c) = setup();
    c.t("LMOVE src dst LEFT RIGHT", NIL);
    c.t("EXISTS dst", &int(0));
    c.t("RPUSH src a b c", &int(3));
    c.t("LMOVE src dst LEFT RIGHT", &bulk("a"));
    c.t("LMOVE src dst RIGHT LEFT", &bulk("c"));
    c.t("LMOVE src dst left left", &bulk("b"));
    c.t("EXISTS src", &int(0));
    assert_list(&mut c, "dst", &["b", "c", "a"]);
    c.t("LMOVE dst dst LEFT RIGHT", &bulk("b"));
    assert_list(&mut c, "dst", &["c", "a", "b"]);
    c.t("LMOVE dst dst RIGHT RIGHT", &bulk("b"));
    assert_list(&mut c, "dst", &["c", "a", "b"]);
    c.t("LMOVE dst x UP LEFT", SYNTAX);
    c.t("LMOVE dst x LEFT DOWN", SYNTAX);
    c.t("RPUSH one z", &int(1));
    c.t("LMOVE one one LEFT RIGHT", &bulk("z"));
    assert_list(&mut c, "one", &["z"]);
}

#[test]
fn rpoplpush_rotates() {
    let (_h, mut c) = setup();
    c.t("RPOPLPUSH src dst", NIL);
    c.t("RPUSH src a b c", &int(3));
    c.t("RPOPLPUSH src dst", &bulk("c"));
    c.t("RPOPLPUSH src dst", &bulk("b"));
    assert_list(&mut c, "dst", &["b", "c"]);
    c.t("RPOPLPUSH dst dst", &bulk("c"));
    assert_list(&mut c, "dst", &["c", "b"]);
    c.t("RPOPLPUSH src dst", &bulk("a"));
    c.t("EXISTS src", &int(0));
}

#[test]
fn large_list_push_pop_and_range() {
    let (_h, mut c) = setup();
    let mut cmd = vec!["RPUSH".to_string(), "big".to_string()];
    cmd.extend((0..1000).map(|i| i.to_string()));
    c.check(&cmd, &int(1000));
    c.t("LPUSH big head", &int(1001));
    c.t("LINDEX big 500", &bulk("499"));
    c.t("LRANGE big 999 1005", &bulks(&["998", "999"]));
    c.t("LPOS big 777", &int(778));
    c.t("LREM big 0 500", &int(1));
    c.t("LTRIM big 0 9", OK);
    c.t("LLEN big", &int(10));
    c.t("OBJECT ENCODING big", b"$9\r\nquicklist\r\n");
    c.t("RPOP big 3", &bulks(&["8", "7", "6"]));
}

#[test]
fn keyspace_commands_see_lists() {
    let (_h, mut c) = setup();
    c.t("RPUSH l a b", &int(2));
    c.t("COPY l l2", &int(1));
    c.t("RPUSH l2 c", &int(3));
    assert_list(&mut c, "l", &["a", "b"]);
    c.t("RENAME l2 l3", OK);
    assert_list(&mut c, "l3", &["a", "b", "c"]);
    c.t("SET l x", OK);
    c.t("GET l", &bulk("x"));
    c.t("DEL l3", &int(1));
    c.t("LLEN l3", &int(0));
}
