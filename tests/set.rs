//! Set commands against an embedded server: exact replies (Redis 7.0.15's,
//! byte for byte), errors, WRONGTYPE, emptied sets leaving the keyspace,
//! intset/hashtable encodings and their conversion, RESP3 shapes. Random
//! replies are checked for what is certain (sizes, membership).

mod common;

use common::{Conn, EMPTY, NOT_INT, SYNTAX, WRONGTYPE, bulks, enc, parse_bulk_array, setup, start, start_with};

// ---- SADD / SREM / SCARD / SISMEMBER ---------------------------------------------

#[test]
fn sadd_srem_basics() {
    let (_h, mut c) = setup();
    c.t("SADD s a b c a", b":3\r\n");
    c.t("SADD s a d", b":1\r\n");
    c.t("SCARD s", b":4\r\n");
    c.t("SCARD nosuch", b":0\r\n");
    c.t("SISMEMBER s a", b":1\r\n");
    c.t("SISMEMBER s z", b":0\r\n");
    c.t("SISMEMBER nosuch a", b":0\r\n");
    c.t("SMISMEMBER s a z d", b"*3\r\n:1\r\n:0\r\n:1\r\n");
    c.t("SMISMEMBER nosuch a b", b"*2\r\n:0\r\n:0\r\n");
    c.t("SREM s a z", b":1\r\n");
    c.t("SREM nosuch a", b":0\r\n");
    c.t("TYPE s", b"+set\r\n");
    assert_eq!(
        c.sorted_bulks("SMEMBERS s"),
        vec![b"b".to_vec(), b"c".to_vec(), b"d".to_vec()]
    );
    // Emptying the set deletes the key; later members are not counted.
    c.t("SREM s b c d b", b":3\r\n");
    c.t("EXISTS s", b":0\r\n");
    c.t("SMEMBERS s", EMPTY);
    c.check(&[&b"SADD"[..], b"bin", b"a\x00b", b""], b":2\r\n");
    c.check(&[&b"SISMEMBER"[..], b"bin", b""], b":1\r\n");
    c.check(&[&b"SISMEMBER"[..], b"bin", b"a\x00b"], b":1\r\n");
}

#[test]
fn arity_errors() {
    let (_h, mut c) = setup();
    c.t("SADD s", b"-ERR wrong number of arguments for 'sadd' command\r\n");
    c.t("SREM s", b"-ERR wrong number of arguments for 'srem' command\r\n");
    c.t("SCARD", b"-ERR wrong number of arguments for 'scard' command\r\n");
    c.t("SMOVE a b", b"-ERR wrong number of arguments for 'smove' command\r\n");
    c.t(
        "SINTERCARD 1",
        b"-ERR wrong number of arguments for 'sintercard' command\r\n",
    );
    c.t("SPOP s 1 2", SYNTAX);
    c.t("SRANDMEMBER s 1 2", SYNTAX);
}

#[test]
fn wrongtype_everywhere() {
    let (_h, mut c) = setup();
    c.t("SET str x", b"+OK\r\n");
    c.t("SADD s 1", b":1\r\n");
    for cmd in [
        "SADD str a",
        "SREM str a",
        "SCARD str",
        "SISMEMBER str a",
        "SMISMEMBER str a",
        "SMEMBERS str",
        "SPOP str",
        "SPOP str 2",
        "SRANDMEMBER str",
        "SRANDMEMBER str 2",
        "SINTER s str",
        "SINTER nosuch str",
        "SINTERCARD 2 nosuch str",
        "SINTERSTORE d s str",
        "SUNION s str",
        "SDIFF s str",
        "SDIFF nosuch str",
        "SUNIONSTORE d s str",
        "SDIFFSTORE d s str",
        "SSCAN str 0",
        "SMOVE str s a",
        "SMOVE s str 1",
    ] {
        c.t(cmd, WRONGTYPE);
    }
    // A missing source answers 0 before the destination's type is checked.
    c.t("SMOVE nosuch str a", b":0\r\n");
    c.t("EXISTS d", b":0\r\n");
    c.t("SCARD s", b":1\r\n");
}

// ---- encodings ---------------------------------------------------------------------

#[test]
fn intset_rules_and_conversion() {
    let (_h, mut c) = setup();
    c.t("SADD s 3 -1 2 9223372036854775807 -9223372036854775808", b":5\r\n");
    assert_eq!(enc(&mut c, "s"), b"$6\r\nintset\r\n");
    c.t(
        "SMEMBERS s",
        &bulks(&["-9223372036854775808", "-1", "2", "3", "9223372036854775807"]),
    );
    c.t("SISMEMBER s 02", b":0\r\n");
    c.t("SISMEMBER s 2", b":1\r\n");
    c.t("SREM s +2 2.0", b":0\r\n");
    // Not canonical integers: each turns the set into a hashtable.
    for (i, member) in ["01", "+1", "-0", " 1", "9223372036854775808", "1.5", "a"]
        .iter()
        .enumerate()
    {
        let key = format!("t{i}");
        c.check(&["SADD", &key, "1"], b":1\r\n");
        c.check(&["SADD", &key, member], b":1\r\n");
        assert_eq!(enc(&mut c, &key), b"$9\r\nhashtable\r\n", "{member}");
        c.check(&["SISMEMBER", &key, "1"], b":1\r\n");
        c.check(&["SCARD", &key], b":2\r\n");
    }
    // A first member that is not an integer makes a hashtable at once,
    // and conversion is one-way.
    c.t("SADD h x", b":1\r\n");
    assert_eq!(enc(&mut c, "h"), b"$9\r\nhashtable\r\n");
    c.t("SADD h2 1 x", b":2\r\n");
    c.t("SREM h2 x", b":1\r\n");
    assert_eq!(enc(&mut c, "h2"), b"$9\r\nhashtable\r\n");
}

#[test]
fn intset_threshold() {
    let (_h, addr) = start_with(&[("set-max-intset-entries", "4")]);
    let mut c = Conn::connect(addr);
    c.t("SADD s 1 2 3 4", b":4\r\n");
    assert_eq!(enc(&mut c, "s"), b"$6\r\nintset\r\n");
    c.t("SADD s 4", b":0\r\n");
    assert_eq!(enc(&mut c, "s"), b"$6\r\nintset\r\n");
    c.t("SADD s 5", b":1\r\n");
    assert_eq!(enc(&mut c, "s"), b"$9\r\nhashtable\r\n");
    c.t("SREM s 1 2 3", b":3\r\n");
    assert_eq!(enc(&mut c, "s"), b"$9\r\nhashtable\r\n");
    // Store results are built as intsets and convert the same way.
    c.t("SADD a 1 2 3 4 5 6", b":6\r\n");
    c.t("SADD b 1 2 3 4", b":4\r\n");
    c.t("SINTERSTORE d a b", b":4\r\n");
    assert_eq!(enc(&mut c, "d"), b"$6\r\nintset\r\n");
    c.t("SUNIONSTORE d a b", b":6\r\n");
    assert_eq!(enc(&mut c, "d"), b"$9\r\nhashtable\r\n");
    c.t("SDIFFSTORE d a b", b":2\r\n");
    assert_eq!(enc(&mut c, "d"), b"$6\r\nintset\r\n");
    // COPY keeps the encoding.
    c.t("COPY s s2", b":1\r\n");
    assert_eq!(enc(&mut c, "s2"), b"$9\r\nhashtable\r\n");
    assert_eq!(c.sorted_bulks("SMEMBERS s2"), vec![b"4".to_vec(), b"5".to_vec()]);
}

#[test]
fn big_hashtable_set() {
    let (_h, mut c) = setup();
    let mut cmd = vec!["SADD".to_string(), "big".to_string()];
    cmd.extend((0..2000).map(|i| format!("m{i}")));
    c.check(&cmd, b":2000\r\n");
    c.t("SCARD big", b":2000\r\n");
    assert_eq!(c.sorted_bulks("SMEMBERS big").len(), 2000);
    cmd[0] = "SREM".to_string();
    c.check(&cmd[..1500], b":1498\r\n");
    c.t("SCARD big", b":502\r\n");
    c.t("SISMEMBER big m1999", b":1\r\n");
    c.t("SISMEMBER big m3", b":0\r\n");
}

// ---- SMOVE -------------------------------------------------------------------------

#[test]
fn smove() {
    let (_h, mut c) = setup();
    c.t("SADD src 1 2 a", b":3\r\n");
    c.t("SMOVE src dst 1", b":1\r\n");
    assert_eq!(enc(&mut c, "dst"), b"$6\r\nintset\r\n");
    c.t("SMOVE src dst 1", b":0\r\n");
    c.t("SMOVE src dst a", b":1\r\n");
    assert_eq!(enc(&mut c, "dst"), b"$9\r\nhashtable\r\n");
    c.t("SMOVE src src 2", b":1\r\n");
    c.t("SMOVE src src 9", b":0\r\n");
    c.t("SADD dst 2", b":1\r\n");
    // Moving a member the destination already has still removes it.
    c.t("SMOVE src dst 2", b":1\r\n");
    c.t("EXISTS src", b":0\r\n");
    c.t("SCARD dst", b":3\r\n");
    c.t("SMOVE nosuch dst 2", b":0\r\n");
}

// ---- SPOP / SRANDMEMBER --------------------------------------------------------------

#[test]
fn spop() {
    let (_h, mut c) = setup();
    c.t("SPOP nosuch", b"$-1\r\n");
    c.t("SPOP nosuch 3", EMPTY);
    c.t("SPOP nosuch abc", b"-ERR value is out of range, must be positive\r\n");
    c.t("SADD s 5", b":1\r\n");
    c.t("SPOP s -1", b"-ERR value is out of range, must be positive\r\n");
    c.t("SPOP s 0", EMPTY);
    c.t("SPOP s", b"$1\r\n5\r\n");
    c.t("EXISTS s", b":0\r\n");
    // The whole set: an intset comes back sorted and the key goes.
    c.t("SADD s 3 1 2", b":3\r\n");
    c.t("SPOP s 10", &bulks(&["1", "2", "3"]));
    c.t("EXISTS s", b":0\r\n");
    // Both strategies: a few members, and nearly all of them.
    let members: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    for (count, left) in [(3, 97), (90, 10), (99, 1)] {
        let mut cmd = vec!["SADD".to_string(), "p".to_string()];
        cmd.extend(members.iter().cloned());
        c.check(&cmd, b":100\r\n");
        let popped = parse_bulk_array(&c.call(&["SPOP", "p", &count.to_string()]));
        assert_eq!(popped.len(), count);
        let rest = c.sorted_bulks("SMEMBERS p");
        assert_eq!(rest.len(), left);
        let mut all: Vec<Vec<u8>> = popped.into_iter().chain(rest).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 100);
        c.t("DEL p", b":1\r\n");
    }
}

#[test]
fn spop_resp3_and_single() {
    let (_h, mut c) = setup();
    c.call(&["HELLO", "3"]);
    c.t("SPOP nosuch 2", b"~0\r\n");
    c.t("SPOP nosuch", b"_\r\n");
    c.t("SADD s 7 8", b":2\r\n");
    c.t("SPOP s 5", b"~2\r\n$1\r\n7\r\n$1\r\n8\r\n");
    c.t("SADD s 7 8 9", b":3\r\n");
    let one = c.call(&["SPOP", "s", "1"]);
    assert!(one.starts_with(b"~1\r\n$1\r\n"), "{one:?}");
    c.t("SCARD s", b":2\r\n");
}

#[test]
fn srandmember() {
    let (_h, mut c) = setup();
    c.t("SRANDMEMBER nosuch", b"$-1\r\n");
    c.t("SRANDMEMBER nosuch 5", EMPTY);
    c.t("SRANDMEMBER nosuch -5", EMPTY);
    c.t("SRANDMEMBER nosuch abc", NOT_INT);
    c.t(
        "SRANDMEMBER nosuch -9223372036854775808",
        b"-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    c.t("SADD s 1 2 3", b":3\r\n");
    c.t("SRANDMEMBER s 0", EMPTY);
    c.t("SRANDMEMBER s 3", &bulks(&["1", "2", "3"]));
    c.t("SRANDMEMBER s 9223372036854775807", &bulks(&["1", "2", "3"]));
    let one = c.call(&["SRANDMEMBER", "s"]);
    assert!([&b"$1\r\n1\r\n"[..], b"$1\r\n2\r\n", b"$1\r\n3\r\n"].contains(&one.as_slice()));
    let rep = parse_bulk_array(&c.call(&["SRANDMEMBER", "s", "-50"]));
    assert_eq!(rep.len(), 50);
    assert!(rep.iter().all(|m| [&b"1"[..], b"2", b"3"].contains(&m.as_slice())));
    // Distinct members, by both strategies.
    let mut cmd = vec!["SADD".to_string(), "big".to_string()];
    cmd.extend((0..300).map(|i| format!("m{i}")));
    c.check(&cmd, b":300\r\n");
    for count in [5, 250] {
        let mut got = parse_bulk_array(&c.call(&["SRANDMEMBER", "big", &count.to_string()]));
        got.sort();
        got.dedup();
        assert_eq!(got.len(), count);
    }
    c.t("SCARD big", b":300\r\n");
}

#[test]
fn srandmember_huge_negative_count_closes_instead_of_exhausting_memory() {
    use std::io::{Read, Write};
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.check(&["SADD", "s", &"x".repeat(4096)], b":1\r\n");
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    raw.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    raw.write_all(&common::encode(&["SRANDMEMBER", "s", "-9223372036854775807"]))
        .unwrap();
    let mut buf = [0u8; 1024];
    assert_eq!(raw.read(&mut buf).unwrap(), 0, "expected the connection to be closed");
    // The server is still there.
    c.t("SCARD s", b":1\r\n");
}

// ---- SINTER / SUNION / SDIFF ---------------------------------------------------------

#[test]
fn intersections() {
    let (_h, mut c) = setup();
    c.t("SADD a 1 2 3 4", b":4\r\n");
    c.t("SADD b 2 3 4 5 x", b":5\r\n");
    c.t("SADD c 3 4 9", b":3\r\n");
    c.t("SINTER a c", &bulks(&["3", "4"]));
    assert_eq!(c.sorted_bulks("SINTER a b c"), vec![b"3".to_vec(), b"4".to_vec()]);
    c.t("SINTER a nosuch", EMPTY);
    c.t("SINTER a a", &bulks(&["1", "2", "3", "4"]));
    c.t("SMEMBERS a", &bulks(&["1", "2", "3", "4"]));
    c.t("SINTERCARD 2 a b", b":3\r\n");
    c.t("SINTERCARD 2 a b LIMIT 2", b":2\r\n");
    c.t("SINTERCARD 2 a b limit 0", b":3\r\n");
    c.t("SINTERCARD 1 nosuch", b":0\r\n");
    c.t("SINTERCARD 0 a", b"-ERR numkeys should be greater than 0\r\n");
    c.t("SINTERCARD x a", b"-ERR numkeys should be greater than 0\r\n");
    c.t(
        "SINTERCARD 3 a b",
        b"-ERR Number of keys can't be greater than number of args\r\n",
    );
    c.t("SINTERCARD 1 a LIMIT -1", b"-ERR LIMIT can't be negative\r\n");
    c.t("SINTERCARD 1 a LIMIT x", b"-ERR LIMIT can't be negative\r\n");
    c.t("SINTERCARD 1 a LIMIT", SYNTAX);
    c.t("SINTERCARD 1 a b", SYNTAX);
    c.t("SINTERSTORE d a b c", b":2\r\n");
    c.t("SMEMBERS d", &bulks(&["3", "4"]));
    c.t("EXPIRE d 100", b":1\r\n");
    c.t("SINTERSTORE d a b", b":3\r\n");
    c.t("TTL d", b":-1\r\n");
    c.t("SET str v", b"+OK\r\n");
    c.t("SINTERSTORE str a", b":4\r\n");
    c.t("TYPE str", b"+set\r\n");
    c.t("SINTERSTORE d a nosuch", b":0\r\n");
    c.t("EXISTS d", b":0\r\n");
    c.t("SINTERSTORE d a c", b":2\r\n");
    c.t("SINTERSTORE d c x9", b":0\r\n");
    c.t("EXISTS d", b":0\r\n");
}

#[test]
fn unions_and_differences() {
    let (_h, mut c) = setup();
    c.t("SADD a 1 2 3 4", b":4\r\n");
    c.t("SADD b 3 4 5", b":3\r\n");
    c.t("SADD x a b", b":2\r\n");
    c.t("SUNION a b nosuch", &bulks(&["1", "2", "3", "4", "5"]));
    c.t("SUNION nosuch", EMPTY);
    c.t("SDIFF a b", &bulks(&["1", "2"]));
    c.t("SDIFF a nosuch", &bulks(&["1", "2", "3", "4"]));
    c.t("SDIFF nosuch a", EMPTY);
    c.t("SDIFF a a", EMPTY);
    c.t("SDIFF a b a", EMPTY);
    c.t("SDIFF b a", &bulks(&["5"]));
    assert_eq!(c.sorted_bulks("SUNION a x").len(), 6);
    c.t("SUNIONSTORE d a b", b":5\r\n");
    c.t("SMEMBERS d", &bulks(&["1", "2", "3", "4", "5"]));
    c.t("SDIFFSTORE d a b", b":2\r\n");
    c.t("SMEMBERS d", &bulks(&["1", "2"]));
    c.t("SDIFFSTORE d b b", b":0\r\n");
    c.t("EXISTS d", b":0\r\n");
    c.t("SUNIONSTORE d nosuch", b":0\r\n");
    // The destination may be one of the sources.
    c.t("SUNIONSTORE a a b", b":5\r\n");
    c.t("SMEMBERS a", &bulks(&["1", "2", "3", "4", "5"]));
    // Algorithm 2 (the first set is large compared to the rest).
    let mut cmd = vec!["SADD".to_string(), "big".to_string()];
    cmd.extend((0..100).map(|i| i.to_string()));
    c.check(&cmd, b":100\r\n");
    c.t("SDIFFSTORE d big a b x nosuch", b":95\r\n");
    c.t("SISMEMBER d 5", b":0\r\n");
    c.t("SISMEMBER d 6", b":1\r\n");
}

#[test]
fn resp3_shapes() {
    let (_h, mut c) = setup();
    c.call(&["HELLO", "3"]);
    c.t("SADD s 2 1", b":2\r\n");
    c.t("SMEMBERS s", b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    c.t("SMEMBERS nosuch", b"~0\r\n");
    c.t("SINTER s nosuch", b"~0\r\n");
    c.t("SUNION s", b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    c.t("SDIFF s", b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    // SRANDMEMBER's count form stays an array.
    c.t("SRANDMEMBER s 2", b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    c.t("SRANDMEMBER nosuch 2", EMPTY);
    c.t("SRANDMEMBER nosuch", b"_\r\n");
    c.t("SMISMEMBER s 1 3", b"*2\r\n:1\r\n:0\r\n");
    c.t("SSCAN s 0", b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

// ---- SSCAN -------------------------------------------------------------------------

#[test]
fn sscan() {
    let (_h, mut c) = setup();
    c.t("SSCAN nosuch 0", b"*2\r\n$1\r\n0\r\n*0\r\n");
    c.t("SSCAN nosuch 0 BAD opt", b"*2\r\n$1\r\n0\r\n*0\r\n");
    c.t("SSCAN nosuch x", b"-ERR invalid cursor\r\n");
    c.t("SADD s 10 2 33", b":3\r\n");
    c.t(
        "SSCAN s 0",
        b"*2\r\n$1\r\n0\r\n*3\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n33\r\n",
    );
    c.t(
        "SSCAN s 0 COUNT 1",
        b"*2\r\n$1\r\n0\r\n*3\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n33\r\n",
    );
    c.t("SSCAN s 0 MATCH *3", b"*2\r\n$1\r\n0\r\n*1\r\n$2\r\n33\r\n");
    c.t("SSCAN s 0 COUNT 0", SYNTAX);
    c.t("SSCAN s 0 COUNT x", NOT_INT);
    c.t("SSCAN s 0 TYPE set", SYNTAX);
    c.t("SSCAN s 0 MATCH", SYNTAX);
    // A hashtable is walked by cursor; every member comes back.
    let mut cmd = vec!["SADD".to_string(), "h".to_string()];
    cmd.extend((0..500).map(|i| format!("k{i}")));
    c.check(&cmd, b":500\r\n");
    let mut cursor = "0".to_string();
    let mut seen = Vec::new();
    let mut rounds = 0;
    loop {
        let reply = c.call(&["SSCAN", "h", &cursor, "COUNT", "20"]);
        let text = String::from_utf8_lossy(&reply).to_string();
        let mut lines = text.split("\r\n");
        lines.next();
        lines.next();
        cursor = lines.next().unwrap().to_string();
        let rest = reply.splitn(4, |&b| b == b'\n').nth(3).unwrap();
        seen.extend(parse_bulk_array(rest));
        rounds += 1;
        if cursor == "0" {
            break;
        }
    }
    assert!(rounds > 1);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 500);
    let matched = parse_bulk_array(
        c.call(&["SSCAN", "h", "0", "MATCH", "k49*", "COUNT", "10000"])
            .splitn(4, |&b| b == b'\n')
            .nth(3)
            .unwrap(),
    );
    assert_eq!(matched.len(), 11);
}

/// A hashtable set that grew and is only read afterwards still finishes
/// its rehash: SRANDMEMBER moves buckets as Redis's random reads do (the
/// suite loops on SRANDMEMBER until DEBUG HTSTATS-KEY stops showing the
/// rehashing target).
#[test]
fn srandmember_advances_a_rehash() {
    let (_h, addr) = start_with(&[("enable-debug-command", "yes"), ("set-max-intset-entries", "0")]);
    let mut c = Conn::connect(addr);
    let mut sadd: Vec<Vec<u8>> = vec![b"SADD".to_vec(), b"myset".to_vec()];
    sadd.extend((0..100_000).map(|i| format!("m:{i}").into_bytes()));
    c.check(&sadd, b":100000\r\n");
    let rehashing = |c: &mut Conn| {
        let stats = c.call(&["DEBUG", "HTSTATS-KEY", "myset"]);
        String::from_utf8_lossy(&stats).contains("rehashing target")
    };
    assert!(rehashing(&mut c), "100000 members end mid-rehash");
    let mut calls = 0;
    while rehashing(&mut c) {
        assert_eq!(parse_bulk_array(&c.call(&["SRANDMEMBER", "myset", "100"])).len(), 100);
        calls += 1;
        assert!(calls < 10_000, "SRANDMEMBER never finished the rehash");
    }
    c.check(&["SRANDMEMBER", "myset", "0"], EMPTY);
    assert!(c.call(&["SRANDMEMBER", "myset"]).starts_with(b"$"));
    c.t("SCARD myset", b":100000\r\n");
}
