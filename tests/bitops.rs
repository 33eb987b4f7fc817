//! Bitmap commands against an embedded server: exact replies (Redis
//! 7.0.15's, byte for byte), argument errors in Redis's order, WRONGTYPE,
//! the proto-max-bulk-len limit on offsets, zero padding, raw encoding of
//! written strings, the dirty counter, and RESP3's null for BITFIELD FAIL.

mod common;

use common::{Conn, NOT_INT, SYNTAX, WRONGTYPE, setup, start_with};

const BAD_OFFSET: &[u8] = b"-ERR bit offset is not an integer or out of range\r\n";
const BAD_BIT: &[u8] = b"-ERR bit is not an integer or out of range\r\n";
const BAD_TYPE: &[u8] =
    b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n";

fn bulk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("${}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

fn dirty(c: &mut Conn) -> i64 {
    c.info_field("persistence", "rdb_changes_since_last_save")
        .parse()
        .unwrap()
}

// ---- SETBIT / GETBIT --------------------------------------------------------------

#[test]
fn setbit_getbit_basics() {
    let (_h, mut c) = setup();
    c.t("SETBIT b 7 1", b":0\r\n");
    c.t("SETBIT b 7 1", b":1\r\n");
    c.t("GET b", &bulk(b"\x01"));
    c.t("SETBIT b 0 1", b":0\r\n");
    c.t("SETBIT b 7 0", b":1\r\n");
    c.t("GET b", &bulk(b"\x80"));
    // Growing pads with zero bytes.
    c.t("SETBIT b 25 1", b":0\r\n");
    c.t("GET b", &bulk(b"\x80\x00\x00\x40"));
    c.t("GETBIT b 0", b":1\r\n");
    c.t("GETBIT b 25", b":1\r\n");
    c.t("GETBIT b 26", b":0\r\n");
    c.t("GETBIT b 1000000", b":0\r\n");
    c.t("GETBIT nosuch 3", b":0\r\n");
    c.t("EXISTS nosuch", b":0\r\n");
}

#[test]
fn setbit_getbit_errors_in_redis_order() {
    let (_h, mut c) = setup();
    c.t("RPUSH l a", b":1\r\n");
    for line in [
        "SETBIT b -1 1",
        "SETBIT b x 1",
        "SETBIT b #1 1",
        "SETBIT b 4294967296 1",
        "GETBIT b -1",
    ] {
        c.t(line, BAD_OFFSET);
    }
    // The offset is checked before the bit, both before the key's type.
    c.t("SETBIT l x 2", BAD_OFFSET);
    for line in ["SETBIT b 1 2", "SETBIT b 1 -1", "SETBIT b 1 x", "SETBIT l 1 2"] {
        c.t(line, BAD_BIT);
    }
    c.t("SETBIT l 1 1", WRONGTYPE);
    c.t("GETBIT l 1", WRONGTYPE);
    c.t("GETBIT l x", BAD_OFFSET);
    c.t("SETBIT b", b"-ERR wrong number of arguments for 'setbit' command\r\n");
    c.t("EXISTS b", b":0\r\n");
}

#[test]
fn offsets_are_capped_by_proto_max_bulk_len() {
    let (_h, addr) = start_with(&[("proto-max-bulk-len", "1mb")]);
    let mut c = Conn::connect(addr);
    // 1 MiB = 8388608 bits: the last addressable bit is 8388607.
    c.t("SETBIT b 8388608 1", BAD_OFFSET);
    c.t("BITFIELD b SET u8 8388608 1", BAD_OFFSET);
    c.t("BITFIELD b SET u8 #1048576 1", BAD_OFFSET);
    c.t("EXISTS b", b":0\r\n");
    c.t("SETBIT b 8388607 1", b":0\r\n");
    c.t("STRLEN b", b":1048576\r\n");
    c.t("BITCOUNT b", b":1\r\n");
    c.t("BITPOS b 1", b":8388607\r\n");
    // The default 512 MB limit rejects far offsets without allocating.
    c.t("CONFIG SET proto-max-bulk-len 536870912", b"+OK\r\n");
    c.t("SETBIT huge 4294967296 1", BAD_OFFSET);
    c.t("SETBIT huge 9223372036854775807 1", BAD_OFFSET);
    c.t("BITFIELD huge SET i64 #9223372036854775807 1", BAD_OFFSET);
    c.t("EXISTS huge", b":0\r\n");
}

#[test]
fn writes_leave_raw_strings_and_keep_ttl() {
    let (_h, mut c) = setup();
    c.t("SET i 255", b"+OK\r\n");
    c.t("OBJECT ENCODING i", b"$3\r\nint\r\n");
    // An integer is read as its decimal text.
    c.t("GETBIT i 2", b":1\r\n");
    c.t("GETBIT i 3", b":1\r\n");
    c.t("GETBIT i 4", b":0\r\n");
    c.t("OBJECT ENCODING i", b"$3\r\nint\r\n");
    c.t("SETBIT i 7 0", b":0\r\n");
    c.t("OBJECT ENCODING i", b"$3\r\nraw\r\n");
    c.t("GET i", &bulk(b"255"));
    c.t("SET e abc EX 100", b"+OK\r\n");
    c.t("OBJECT ENCODING e", b"$6\r\nembstr\r\n");
    c.t("BITFIELD e SET u8 0 65", b"*1\r\n:97\r\n");
    c.t("GET e", &bulk(b"Abc"));
    c.t("OBJECT ENCODING e", b"$3\r\nraw\r\n");
    c.assert_ttl("e", 100);
    c.t("SETBIT n 0 1", b":0\r\n");
    c.t("OBJECT ENCODING n", b"$3\r\nraw\r\n");
    c.t("BITFIELD f SET u8 0 49", b"*1\r\n:0\r\n");
    c.t("OBJECT ENCODING f", b"$3\r\nraw\r\n");
}

#[test]
fn dirty_counts_only_changes() {
    let (_h, mut c) = setup();
    let d0 = dirty(&mut c);
    c.t("SETBIT b 3 1", b":0\r\n");
    assert_eq!(dirty(&mut c), d0 + 1);
    // Same bit, same length: no change.
    c.t("SETBIT b 3 1", b":1\r\n");
    c.t("SETBIT b 4 0", b":0\r\n");
    assert_eq!(dirty(&mut c), d0 + 1);
    c.t("BITFIELD b SET u4 0 1 SET u4 0 1", b"*2\r\n:1\r\n:1\r\n");
    assert_eq!(dirty(&mut c), d0 + 1);
    c.t("BITFIELD b INCRBY u4 0 1 INCRBY u4 4 0", b"*2\r\n:2\r\n:0\r\n");
    assert_eq!(dirty(&mut c), d0 + 2);
    c.t("BITFIELD_RO b GET u4 0", b"*1\r\n:2\r\n");
    assert_eq!(dirty(&mut c), d0 + 2);
}

// ---- BITCOUNT / BITPOS -----------------------------------------------------------

#[test]
fn bitcount_ranges() {
    let (_h, mut c) = setup();
    c.t("SET s foobar", b"+OK\r\n");
    c.t("BITCOUNT s", b":26\r\n");
    c.t("BITCOUNT s 0 0", b":4\r\n");
    c.t("BITCOUNT s 1 1", b":6\r\n");
    c.t("BITCOUNT s 1 1 BYTE", b":6\r\n");
    c.t("BITCOUNT s 5 30 BIT", b":17\r\n");
    c.t("BITCOUNT s -2 -1 bit", b":1\r\n");
    c.t("BITCOUNT s -1 -3", b":0\r\n");
    c.t("BITCOUNT s 0 100", b":26\r\n");
    c.t("BITCOUNT s 0", SYNTAX);
    c.t("BITCOUNT s 0 1 WORD", SYNTAX);
    c.t("BITCOUNT s 0 1 BIT x", SYNTAX);
    c.t("BITCOUNT s a 1", NOT_INT);
    // The key is looked up first: a missing key is 0 whatever follows.
    c.t("BITCOUNT nosuch", b":0\r\n");
    c.t("BITCOUNT nosuch 0", b":0\r\n");
    c.t("BITCOUNT nosuch a b WORD", b":0\r\n");
    c.t("SET n 12345", b"+OK\r\n");
    c.t("BITCOUNT n", b":17\r\n");
    c.t("RPUSH l a", b":1\r\n");
    c.t("BITCOUNT l 0", WRONGTYPE);
}

#[test]
fn bitpos_ranges() {
    let (_h, mut c) = setup();
    c.check(&["SET".as_bytes(), b"p", b"\xff\xf0\x00"], b"+OK\r\n");
    c.t("BITPOS p 0", b":12\r\n");
    c.t("BITPOS p 1", b":0\r\n");
    c.t("BITPOS p 1 2", b":-1\r\n");
    c.t("BITPOS p 0 2", b":16\r\n");
    c.t("BITPOS p 1 7 15 BIT", b":7\r\n");
    c.t("BITPOS p 0 3 7 BIT", b":-1\r\n");
    c.t("BITPOS p 0 12 12 BIT", b":12\r\n");
    c.t("BITPOS p 0 2 1", b":-1\r\n");
    c.check(&["SET".as_bytes(), b"ones", b"\xff\xff"], b"+OK\r\n");
    // Without an end the string is zero-padded; with one it is not.
    c.t("BITPOS ones 0", b":16\r\n");
    c.t("BITPOS ones 0 0", b":16\r\n");
    c.t("BITPOS ones 0 0 -1", b":-1\r\n");
    c.t("BITPOS nosuch 1", b":-1\r\n");
    c.t("BITPOS nosuch 0", b":0\r\n");
    c.t("BITPOS nosuch 0 x", b":0\r\n");
    c.t("BITPOS p 2", b"-ERR The bit argument must be 1 or 0.\r\n");
    c.t("BITPOS nosuch 2", b"-ERR The bit argument must be 1 or 0.\r\n");
    c.t("BITPOS p x", NOT_INT);
    c.t("BITPOS p 1 0 1 WORD", SYNTAX);
    c.t("BITPOS p 1 0 1 BIT x", SYNTAX);
    c.t("RPUSH l a", b":1\r\n");
    c.t("BITPOS l 1", WRONGTYPE);
}

// ---- BITOP ----------------------------------------------------------------------------

#[test]
fn bitop_operations() {
    let (_h, mut c) = setup();
    c.check(&["SET".as_bytes(), b"a", b"\x0f\xf0\xaa"], b"+OK\r\n");
    c.check(&["SET".as_bytes(), b"b", b"\xff\x0f"], b"+OK\r\n");
    c.t("BITOP AND r a b", b":3\r\n");
    c.t("GET r", &bulk(b"\x0f\x00\x00"));
    c.t("OBJECT ENCODING r", b"$3\r\nraw\r\n");
    c.t("BITOP or r a b", b":3\r\n");
    c.t("GET r", &bulk(b"\xff\xff\xaa"));
    c.t("BITOP XOR r a b", b":3\r\n");
    c.t("GET r", &bulk(b"\xf0\xff\xaa"));
    c.t("BITOP NOT r a", b":3\r\n");
    c.t("GET r", &bulk(b"\xf0\x0f\x55"));
    c.t("BITOP AND r a nosuch", b":3\r\n");
    c.t("GET r", &bulk(b"\x00\x00\x00"));
    // An empty result deletes the destination, whatever it held.
    c.t("RPUSH r2 x", b":1\r\n");
    c.t("BITOP OR r2 nosuch1 nosuch2", b":0\r\n");
    c.t("EXISTS r2", b":0\r\n");
    // A non-empty result replaces any type and clears the TTL.
    c.t("SADD r3 x", b":1\r\n");
    c.t("EXPIRE r3 100", b":1\r\n");
    c.t("BITOP OR r3 b", b":2\r\n");
    c.t("TYPE r3", b"+string\r\n");
    c.t("TTL r3", b":-1\r\n");
    c.t(
        "BITOP NOT r a b",
        b"-ERR BITOP NOT must be called with a single source key.\r\n",
    );
    c.t("BITOP NAND r a b", SYNTAX);
    c.t("SADD s x", b":1\r\n");
    c.t("BITOP AND r a s", WRONGTYPE);
    c.t("BITOP AND r a", b":3\r\n");
    c.t("BITOP AND r", b"-ERR wrong number of arguments for 'bitop' command\r\n");
}

// ---- BITFIELD ------------------------------------------------------------------------

#[test]
fn bitfield_get_set_incrby() {
    let (_h, mut c) = setup();
    c.t("BITFIELD f", b"*0\r\n");
    c.t("BITFIELD f GET u8 0", b"*1\r\n:0\r\n");
    c.t("EXISTS f", b":0\r\n");
    c.t(
        "BITFIELD f SET u8 0 255 GET u8 0 GET i8 0",
        b"*3\r\n:0\r\n:255\r\n:-1\r\n",
    );
    c.t("BITFIELD f SET u5 7 23", b"*1\r\n:16\r\n");
    c.t(
        "BITFIELD f SET u8 #1 7 GET u8 8 GET u16 #0",
        b"*3\r\n:112\r\n:7\r\n:65287\r\n",
    );
    c.t("BITFIELD f INCRBY u8 8 250", b"*1\r\n:1\r\n");
    c.t(
        "BITFIELD f OVERFLOW SAT INCRBY u8 8 1000 INCRBY i8 8 -1000",
        b"*2\r\n:255\r\n:-128\r\n",
    );
    c.t(
        "BITFIELD f OVERFLOW FAIL INCRBY u8 8 200 INCRBY u8 8 -100",
        b"*2\r\n$-1\r\n:28\r\n",
    );
    c.t(
        "BITFIELD f OVERFLOW WRAP SET i8 8 200 GET i8 8",
        b"*2\r\n:28\r\n:-56\r\n",
    );
    c.t(
        "BITFIELD f SET i64 0 9223372036854775807 INCRBY i64 0 1",
        b"*2\r\n:-15762598695796736\r\n:-9223372036854775808\r\n",
    );
    c.t("BITFIELD f OVERFLOW FAIL INCRBY i64 0 -1", b"*1\r\n$-1\r\n");
    c.t(
        "BITFIELD f SET u63 0 9223372036854775807 GET u63 0",
        b"*2\r\n:4611686018427387904\r\n:9223372036854775807\r\n",
    );
    // A GET past the end reads zeros; a write pads the string first.
    c.t("BITFIELD g GET i64 1000 SET u8 24 1", b"*2\r\n:0\r\n:0\r\n");
    c.t("GET g", &bulk(b"\x00\x00\x00\x01"));
    c.t("BITFIELD h OVERFLOW FAIL INCRBY u4 0 100", b"*1\r\n$-1\r\n");
    c.t("GET h", &bulk(b"\x00"));
}

#[test]
fn bitfield_errors() {
    let (_h, mut c) = setup();
    for ty in ["u64", "i65", "u0", "x8", "u", "i-1"] {
        c.t(&format!("BITFIELD f GET {ty} 0"), BAD_TYPE);
    }
    c.t("BITFIELD f GET u8 -1", BAD_OFFSET);
    c.t("BITFIELD f GET u8 #x", BAD_OFFSET);
    c.t("BITFIELD f SET u8 0 x", NOT_INT);
    c.t("BITFIELD f SET u8 0", SYNTAX);
    c.t("BITFIELD f OVERFLOW", SYNTAX);
    c.t("BITFIELD f FOO", SYNTAX);
    c.t("BITFIELD f OVERFLOW UP", b"-ERR Invalid OVERFLOW type specified\r\n");
    // Nothing runs when a later operation is bad.
    c.t("BITFIELD f SET u8 0 1 GET u64 0", BAD_TYPE);
    c.t("EXISTS f", b":0\r\n");
    c.t("BITFIELD_RO f GET u8 0 GET i4 #3", b"*2\r\n:0\r\n:0\r\n");
    c.t(
        "BITFIELD_RO f GET u8 0 SET u8 0 1",
        b"-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    );
    c.t("BITFIELD_RO f INCRBY u8 0 x", NOT_INT);
    c.t("RPUSH l a", b":1\r\n");
    c.t("BITFIELD l GET u8 0", WRONGTYPE);
    c.t("BITFIELD l SET u8 0 1", WRONGTYPE);
    c.t("BITFIELD_RO l GET u8 0", WRONGTYPE);
    c.t("BITFIELD l GET u8 x", BAD_OFFSET);
}

#[test]
fn bitfield_fail_is_a_resp3_null() {
    let (_h, mut c) = setup();
    let hello = c.call(&["HELLO", "3"]);
    assert_eq!(hello[0], b'%');
    c.t(
        "BITFIELD f OVERFLOW FAIL INCRBY u8 0 300 GET u8 0",
        b"*2\r\n_\r\n:0\r\n",
    );
}
