//! Sorted set commands against an embedded server: exact replies (Redis
//! 7.0.15's, byte for byte), errors, WRONGTYPE, emptied sets leaving the
//! keyspace, listpack/skiplist encodings and their conversion, RESP3
//! shapes, blocking pops. Random replies are checked for what is certain.

mod common;

use common::{Conn, EMPTY, SYNTAX, WRONGTYPE, bulks, enc, eventually, parse_bulk_array, setup, start, start_with};

fn wait_blocked(admin: &mut Conn, n: usize) {
    eventually(&format!("{n} blocked clients"), || {
        admin.info_field("clients", "blocked_clients") == n.to_string()
    });
}

// ---- ZADD and its options -------------------------------------------------------------

#[test]
fn zadd_options_and_replies() {
    let (_h, mut c) = setup();
    c.t("ZADD z 1 a 2 b 3 c", b":3\r\n");
    c.t("ZADD z 1 a", b":0\r\n");
    c.t("ZADD z CH 5 a 2 b", b":1\r\n");
    c.t("ZADD z NX 10 a 4 d", b":1\r\n");
    c.t("ZSCORE z a", b"$1\r\n5\r\n");
    c.t("ZADD z XX 20 b 30 e", b":0\r\n");
    c.t("ZSCORE z b", b"$2\r\n20\r\n");
    c.t("ZSCORE z e", b"$-1\r\n");
    c.t("ZADD z GT CH 1 a", b":0\r\n");
    c.t("ZADD z GT CH 6 a", b":1\r\n");
    c.t("ZADD z LT CH 7 a", b":0\r\n");
    c.t("ZADD z INCR 2.5 a", b"$3\r\n8.5\r\n");
    c.t("ZADD z INCR NX 2 a", b"$-1\r\n");
    c.t("ZADD z INCR GT -1 a", b"$-1\r\n");
    c.t("ZINCRBY z 1.5 a", b"$2\r\n10\r\n");
    c.t("ZINCRBY z 1 new", b"$1\r\n1\r\n");
    c.t("ZADD nokey XX 1 a", b":0\r\n");
    c.t("EXISTS nokey", b":0\r\n");
    c.t("ZCARD z", b":5\r\n");
    c.t("TYPE z", b"+zset\r\n");
}

#[test]
fn zadd_errors() {
    let (_h, mut c) = setup();
    c.t(
        "ZADD z NX XX 1 a",
        b"-ERR XX and NX options at the same time are not compatible\r\n",
    );
    c.t(
        "ZADD z GT LT 1 a",
        b"-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
    );
    c.t(
        "ZADD z INCR 1 a 2 b",
        b"-ERR INCR option supports a single increment-element pair\r\n",
    );
    c.t("ZADD z 1 a 2", SYNTAX);
    c.t("ZADD z nan a", b"-ERR value is not a valid float\r\n");
    c.t("ZADD z 1 a x b", b"-ERR value is not a valid float\r\n");
    c.t("EXISTS z", b":0\r\n");
    c.t("ZADD z", b"-ERR wrong number of arguments for 'zadd' command\r\n");
    c.t("ZINCRBY z inf a", b"$3\r\ninf\r\n");
    c.t("ZINCRBY z -inf a", b"-ERR resulting score is not a number (NaN)\r\n");
    c.t("ZSCORE z a", b"$3\r\ninf\r\n");
}

#[test]
fn scores_format_like_redis() {
    let (_h, mut c) = setup();
    c.t("ZADD f 0.1 a 1e20 b 3.0 d -inf i", b":4\r\n");
    c.t(
        "ZRANGE f 0 -1 WITHSCORES",
        &bulks(&["i", "-inf", "a", "0.10000000000000001", "d", "3", "b", "1e+20"]),
    );
    // A listpack stores -0 as the integer 0; a skiplist keeps the sign.
    c.t("ZADD lp -0 x", b":1\r\n");
    c.t("ZSCORE lp x", b"$1\r\n0\r\n");
    c.t("ZADD lp INCR -0 y", b"$2\r\n-0\r\n");
    c.t("ZSCORE lp y", b"$1\r\n0\r\n");
    c.t("CONFIG SET zset-max-listpack-entries 0", b"+OK\r\n");
    c.t("ZADD sk -0 x", b":1\r\n");
    c.t("OBJECT ENCODING sk", b"$8\r\nskiplist\r\n");
    c.t("ZSCORE sk x", b"$2\r\n-0\r\n");
}

// ---- reads ------------------------------------------------------------------------------

#[test]
fn rank_score_count() {
    let (_h, mut c) = setup();
    c.t("ZADD z 1 a 2 b 3 c 3 d", b":4\r\n");
    c.t("ZRANK z c", b":2\r\n");
    c.t("ZREVRANK z c", b":1\r\n");
    c.t("ZRANK z x", b"$-1\r\n");
    c.t("ZRANK nosuch x", b"$-1\r\n");
    c.t("ZMSCORE z a x d", b"*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n");
    c.t("ZMSCORE nosuch a", b"*1\r\n$-1\r\n");
    c.t("ZCOUNT z (1 3", b":3\r\n");
    c.t("ZCOUNT z -inf (3", b":2\r\n");
    c.t("ZCOUNT z x 3", b"-ERR min or max is not a float\r\n");
    c.t("ZADD l 0 a 0 b 0 c", b":3\r\n");
    c.t("ZLEXCOUNT l [b +", b":2\r\n");
    c.t("ZLEXCOUNT l b +", b"-ERR min or max not valid string range item\r\n");
}

#[test]
fn range_forms() {
    let (_h, mut c) = setup();
    c.t("ZADD z 1 a 2 b 3 c 4 d 5 e", b":5\r\n");
    c.t("ZRANGE z 1 2", &bulks(&["b", "c"]));
    c.t("ZRANGE z -2 -1 REV", &bulks(&["b", "a"]));
    c.t("ZREVRANGE z 0 1 WITHSCORES", &bulks(&["e", "5", "d", "4"]));
    c.t("ZRANGEBYSCORE z (1 3", &bulks(&["b", "c"]));
    c.t("ZREVRANGEBYSCORE z 5 1 LIMIT 1 2", &bulks(&["d", "c"]));
    c.t("ZRANGE z 5 1 BYSCORE REV LIMIT 0 1", &bulks(&["e"]));
    c.t("ZRANGEBYSCORE z -inf +inf LIMIT -1 2", EMPTY);
    c.t(
        "ZRANGE z 0 1 LIMIT 0 1",
        b"-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
    );
    c.t(
        "ZRANGEBYLEX z - + WITHSCORES",
        b"-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    c.t("ZRANGE z 0 1 BYSCORE BYLEX", SYNTAX);
    c.t("ZRANGE nosuch 0 -1", EMPTY);
    c.t("ZADD l 0 a 0 b 0 c 0 d", b":4\r\n");
    c.t("ZRANGEBYLEX l (a [c", &bulks(&["b", "c"]));
    c.t("ZREVRANGEBYLEX l + - LIMIT 1 2", &bulks(&["c", "b"]));
}

#[test]
fn zrangestore_and_zremrange() {
    let (_h, mut c) = setup();
    c.t("ZADD z 1 a 2 b 3 c 4 d 5 e", b":5\r\n");
    c.t("ZRANGESTORE d z 1 3", b":3\r\n");
    c.t("ZRANGE d 0 -1 WITHSCORES", &bulks(&["b", "2", "c", "3", "d", "4"]));
    c.t("ZRANGESTORE d z 9 10", b":0\r\n");
    c.t("EXISTS d", b":0\r\n");
    c.t("ZRANGESTORE d z 0 1 WITHSCORES", SYNTAX);
    c.t("ZREMRANGEBYRANK z 0 1", b":2\r\n");
    c.t("ZREMRANGEBYSCORE z (3 4", b":1\r\n");
    c.t("ZRANGE z 0 -1", &bulks(&["c", "e"]));
    c.t("ZREMRANGEBYLEX z - +", b":2\r\n");
    c.t("EXISTS z", b":0\r\n");
}

// ---- pops ----------------------------------------------------------------------------------

#[test]
fn pops_and_emptied_key() {
    let (_h, mut c) = setup();
    c.t("ZADD p 1 a 2 b 3 c", b":3\r\n");
    c.t("ZPOPMIN p", &bulks(&["a", "1"]));
    c.t("ZPOPMAX p 5", &bulks(&["c", "3", "b", "2"]));
    c.t("EXISTS p", b":0\r\n");
    c.t("ZPOPMIN p", EMPTY);
    c.t("ZPOPMIN p -1", b"-ERR value is out of range, must be positive\r\n");
    c.t("ZMPOP 1 p MIN", b"*-1\r\n");
    c.t("ZADD p 1 a 2 b", b":2\r\n");
    c.t(
        "ZMPOP 2 x p MAX COUNT 5",
        b"*2\r\n$1\r\np\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    c.t("ZMPOP 0 p MIN", b"-ERR numkeys should be greater than 0\r\n");
    c.t("ZMPOP 1 p MIN COUNT 0", b"-ERR count should be greater than 0\r\n");
}

#[test]
fn resp3_shapes() {
    let (_h, mut c) = setup();
    c.call(&["HELLO", "3"]);
    c.t("ZADD z 1 a 2 b", b":2\r\n");
    c.t(
        "ZRANGE z 0 -1 WITHSCORES",
        b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n",
    );
    c.t("ZSCORE z a", b",1\r\n");
    c.t("ZSCORE z x", b"_\r\n");
    c.t("ZPOPMIN z", b"*2\r\n$1\r\na\r\n,1\r\n");
    c.t("ZPOPMIN z 1", b"*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
    c.t("ZMPOP 1 z MIN", b"_\r\n");
    c.t("ZRANDMEMBER z", b"_\r\n");
}

#[test]
fn wrongtype_everywhere() {
    let (_h, mut c) = setup();
    c.t("SET s x", b"+OK\r\n");
    for cmd in [
        "ZADD s 1 a",
        "ZINCRBY s 1 a",
        "ZCARD s",
        "ZSCORE s a",
        "ZMSCORE s a",
        "ZRANK s a",
        "ZREM s a",
        "ZRANGE s 0 1",
        "ZRANGEBYSCORE s 0 1",
        "ZRANGEBYLEX s - +",
        "ZCOUNT s 0 1",
        "ZLEXCOUNT s - +",
        "ZPOPMIN s",
        "ZMPOP 1 s MIN",
        "BZPOPMIN s 0",
        "ZREMRANGEBYRANK s 0 1",
        "ZRANDMEMBER s",
        "ZSCAN s 0",
        "ZRANGESTORE d s 0 1",
    ] {
        c.t(cmd, WRONGTYPE);
    }
}

// ---- encodings -------------------------------------------------------------------------------

#[test]
fn listpack_converts_at_the_thresholds() {
    let (_h, addr) = start_with(&[("zset-max-listpack-entries", "4"), ("zset-max-listpack-value", "8")]);
    let mut c = Conn::connect(addr);
    c.t("ZADD z 1 a 2 b 3 c 4 d", b":4\r\n");
    assert_eq!(enc(&mut c, "z"), b"$8\r\nlistpack\r\n");
    c.t("ZADD z 5 e", b":1\r\n");
    assert_eq!(enc(&mut c, "z"), b"$8\r\nskiplist\r\n");
    // One-way: shrinking does not convert back.
    c.t("ZREMRANGEBYRANK z 0 2", b":3\r\n");
    assert_eq!(enc(&mut c, "z"), b"$8\r\nskiplist\r\n");
    c.t("ZADD v 1 12345678", b":1\r\n");
    assert_eq!(enc(&mut c, "v"), b"$8\r\nlistpack\r\n");
    c.t("ZADD v 1 123456789", b":1\r\n");
    assert_eq!(enc(&mut c, "v"), b"$8\r\nskiplist\r\n");
    c.t("ZADD w 1 123456789", b":1\r\n");
    assert_eq!(enc(&mut c, "w"), b"$8\r\nskiplist\r\n");
}

#[test]
fn large_skiplist_ranks_and_ranges() {
    let (_h, mut c) = setup();
    let mut args: Vec<String> = vec!["ZADD".into(), "big".into()];
    for i in 0..5000 {
        args.push((i / 2).to_string());
        args.push(format!("m{i:05}"));
    }
    c.check(&args, b":5000\r\n");
    assert_eq!(enc(&mut c, "big"), b"$8\r\nskiplist\r\n");
    c.t("ZRANK big m03001", b":3001\r\n");
    c.t("ZREVRANK big m03001", b":1998\r\n");
    c.t("ZRANGE big 2500 2501", &bulks(&["m02500", "m02501"]));
    c.t("ZCOUNT big 100 (200", b":200\r\n");
    c.t(
        "ZRANGEBYSCORE big 1000 1000 WITHSCORES",
        &bulks(&["m02000", "1000", "m02001", "1000"]),
    );
    c.t("ZREMRANGEBYSCORE big 0 (1000", b":2000\r\n");
    c.t("ZRANK big m03001", b":1001\r\n");
    c.t("ZPOPMIN big", &bulks(&["m02000", "1000"]));
    c.t("ZCARD big", b":2999\r\n");
    // ZSCAN walks the whole dict.
    let mut cursor = "0".to_string();
    let mut seen = 0;
    loop {
        let reply = c.call(&["ZSCAN", "big", &cursor, "COUNT", "100"]);
        let text = String::from_utf8_lossy(&reply).to_string();
        let mut lines = text.split("\r\n");
        lines.next();
        lines.next();
        cursor = lines.next().unwrap().to_string();
        let n: usize = lines.next().unwrap()[1..].parse().unwrap();
        seen += n / 2;
        if cursor == "0" {
            break;
        }
    }
    assert!(seen >= 2999);
}

#[test]
fn zrandmember_counts() {
    let (_h, mut c) = setup();
    c.t("ZADD z 1 a 2 b 3 c 4 d 5 e", b":5\r\n");
    let got = parse_bulk_array(&c.call(&["ZRANDMEMBER", "z", "3"]));
    assert_eq!(got.len(), 3);
    let mut dedup = got.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 3);
    assert_eq!(parse_bulk_array(&c.call(&["ZRANDMEMBER", "z", "-20"])).len(), 20);
    assert_eq!(
        parse_bulk_array(&c.call(&["ZRANDMEMBER", "z", "2", "WITHSCORES"])).len(),
        4
    );
    c.t("ZRANDMEMBER z 10", &bulks(&["e", "d", "c", "b", "a"]));
    c.t("ZRANDMEMBER z 1 foo", SYNTAX);
}

// ---- blocking pops ---------------------------------------------------------------------------

#[test]
fn bzpopmin_blocks_until_zadd() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut w = Conn::connect(addr);
    w.send_raw(b"BZPOPMIN k1 k2 0\r\n");
    wait_blocked(&mut admin, 1);
    admin.t("ZADD k2 2 b 1 a", b":2\r\n");
    assert_eq!(w.read_replies(1), bulks(&["k2", "a", "1"]));
    admin.t("ZCARD k2", b":1\r\n");
    w.t("BZPOPMAX k2 0", &bulks(&["k2", "b", "2"]));
    w.t("EXISTS k2", b":0\r\n");
}

#[test]
fn bzmpop_blocks_and_times_out() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut w = Conn::connect(addr);
    w.send_raw(b"BZMPOP 0 2 x y MAX COUNT 2\r\n");
    wait_blocked(&mut admin, 1);
    admin.t("ZADD y 1 a 2 b 3 c", b":3\r\n");
    assert_eq!(
        w.read_replies(1),
        b"*2\r\n$1\r\ny\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
    w.t("BZPOPMIN nothing 0.01", b"*-1\r\n");
    w.t("BZMPOP 0.01 1 nothing MIN", b"*-1\r\n");
    w.t("BZPOPMIN k -1", b"-ERR timeout is negative\r\n");
}

#[test]
fn bzpop_woken_by_rename_and_other_db() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut w = Conn::connect(addr);
    w.t("SELECT 2", b"+OK\r\n");
    w.send_raw(b"BZPOPMIN k 0\r\n");
    wait_blocked(&mut admin, 1);
    admin.t("ZADD k 1 db0", b":1\r\n");
    admin.t("SELECT 2", b"+OK\r\n");
    admin.t("ZADD tmp 1 moved", b":1\r\n");
    admin.t("RENAME tmp k", b"+OK\r\n");
    assert_eq!(w.read_replies(1), bulks(&["k", "moved", "1"]));
}

// ---- ZUNION / ZINTER / ZDIFF / ZINTERCARD and the STORE forms -------------------------

#[test]
fn zunion_zinter_zdiff_replies() {
    let (_h, mut c) = setup();
    c.t("ZADD a 1 x 2 y 3 z", b":3\r\n");
    c.t("ZADD b 10 y 20 z 30 w", b":3\r\n");
    c.t("SADD s x 7", b":2\r\n");
    c.t("ZUNION 2 a b", &bulks(&["x", "y", "z", "w"]));
    c.t(
        "ZUNION 2 a b WITHSCORES",
        &bulks(&["x", "1", "y", "12", "z", "23", "w", "30"]),
    );
    c.t(
        "ZUNION 2 a b WEIGHTS 2 -1 AGGREGATE MAX WITHSCORES",
        &bulks(&["w", "-30", "x", "2", "y", "4", "z", "6"]),
    );
    c.t("ZINTER 2 a b AGGREGATE MIN WITHSCORES", &bulks(&["y", "2", "z", "3"]));
    c.t("ZINTER 2 a s WITHSCORES", &bulks(&["x", "2"]));
    c.t("ZUNION 2 s nosuch WITHSCORES", &bulks(&["7", "1", "x", "1"]));
    c.t("ZDIFF 3 a b s WITHSCORES", EMPTY);
    c.t("ZDIFF 2 a s WITHSCORES", &bulks(&["y", "2", "z", "3"]));
    c.t("ZDIFF 2 a a", EMPTY);
    c.t("ZINTERCARD 2 a b", b":2\r\n");
    c.t("ZINTERCARD 2 a b LIMIT 1", b":1\r\n");
    c.t("ZINTERCARD 2 a nosuch", b":0\r\n");
    // +inf + -inf is 0 under SUM; inf * 0 is 0.
    c.t("ZADD i1 inf m", b":1\r\n");
    c.t("ZADD i2 -inf m", b":1\r\n");
    c.t("ZUNION 2 i1 i2 WITHSCORES", &bulks(&["m", "0"]));
    c.t("ZINTER 1 i1 WEIGHTS 0 WITHSCORES", &bulks(&["m", "0"]));
    c.call(&["HELLO", "3"]);
    c.t(
        "ZUNION 2 a b WITHSCORES",
        b"*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n*2\r\n$1\r\nw\r\n,30\r\n",
    );
}

#[test]
fn zsetop_errors() {
    let (_h, mut c) = setup();
    c.t("ZADD a 1 x", b":1\r\n");
    c.t("SET str v", b"+OK\r\n");
    c.t(
        "ZUNION 0 a",
        b"-ERR at least 1 input key is needed for 'zunion' command\r\n",
    );
    c.t(
        "ZINTERSTORE d 0 a",
        b"-ERR at least 1 input key is needed for 'zinterstore' command\r\n",
    );
    c.t("ZINTERCARD x a", b"-ERR value is not an integer or out of range\r\n");
    c.t("ZDIFF 3 a", SYNTAX);
    // WRONGTYPE comes before the options are looked at.
    c.t("ZUNION 2 a str WEIGHTS x", WRONGTYPE);
    c.t("ZUNION 1 a WEIGHTS x", b"-ERR weight value is not a float\r\n");
    c.t("ZUNION 1 a WEIGHTS nan", b"-ERR weight value is not a float\r\n");
    c.t("ZUNION 2 a a WEIGHTS 1", SYNTAX);
    c.t("ZUNION 1 a AGGREGATE avg", SYNTAX);
    c.t("ZDIFF 1 a WEIGHTS 1", SYNTAX);
    c.t("ZUNIONSTORE d 1 a WITHSCORES", SYNTAX);
    c.t("ZINTERCARD 1 a WITHSCORES", SYNTAX);
    c.t("ZINTERCARD 1 a LIMIT -1", b"-ERR LIMIT can't be negative\r\n");
    c.t("ZINTERCARD 1 a LIMIT x", b"-ERR LIMIT can't be negative\r\n");
    c.t("ZUNIONSTORE str 1 a", b":1\r\n");
    c.t("TYPE str", b"+zset\r\n");
}

#[test]
fn zsetop_stores() {
    let (_h, addr) = start_with(&[("zset-max-listpack-entries", "4"), ("zset-max-listpack-value", "8")]);
    let mut c = Conn::connect(addr);
    c.t("ZADD a 1 x 2 y 3 z", b":3\r\n");
    c.t("ZADD b 1 p 2 q 3 y", b":3\r\n");
    c.t("SET d v EX 100", b"+OK\r\n");
    c.t("ZINTERSTORE d 2 a b", b":1\r\n");
    c.t("TTL d", b":-1\r\n");
    c.t("ZRANGE d 0 -1 WITHSCORES", &bulks(&["y", "5"]));
    c.t("OBJECT ENCODING d", b"$8\r\nlistpack\r\n");
    c.t("ZUNIONSTORE d 2 a b", b":5\r\n");
    c.t("OBJECT ENCODING d", b"$8\r\nskiplist\r\n");
    c.t("ZDIFFSTORE d 2 a b", b":2\r\n");
    c.t("OBJECT ENCODING d", b"$8\r\nlistpack\r\n");
    c.t("ZADD long 1 aaaaaaaaaaaa", b":1\r\n");
    c.t("ZUNIONSTORE d 1 long", b":1\r\n");
    c.t("OBJECT ENCODING d", b"$8\r\nskiplist\r\n");
    // An empty result deletes the destination.
    c.t("ZDIFFSTORE d 2 a a", b":0\r\n");
    c.t("EXISTS d", b":0\r\n");
    c.t("ZINTERSTORE d 2 a nosuch", b":0\r\n");
    c.t("EXISTS d", b":0\r\n");
}
