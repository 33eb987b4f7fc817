//! Pub/Sub with several clients: subscription confirmations, message order,
//! a pattern and a channel both matching, unsubscribing (from nothing too),
//! RESP2 subscribed mode and RESP3 push messages, PUBSUB introspection,
//! cleanup on disconnect and RESET, and the real `redis-cli` in subscribe
//! mode. Expected replies are Redis 7.0.15's (run with
//! `LOOPKV_TEST_REAL_REDIS=1` to check them against `redis-server`).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{Conn, eventually, start};

/// `*3 $kind $name :count` (RESP2) or `>3 ...` (RESP3); `None` is a null name.
fn note(resp3: bool, kind: &str, name: Option<&str>, count: i64) -> Vec<u8> {
    let name = match (name, resp3) {
        (Some(n), _) => format!("${}\r\n{n}\r\n", n.len()),
        (None, false) => "$-1\r\n".to_string(),
        (None, true) => "_\r\n".to_string(),
    };
    let head = if resp3 { '>' } else { '*' };
    format!("{head}3\r\n${}\r\n{kind}\r\n{name}:{count}\r\n", kind.len()).into_bytes()
}

/// A RESP2 array (or RESP3 push) of bulk strings.
fn bulks(resp3: bool, items: &[&str]) -> Vec<u8> {
    let head = if resp3 { '>' } else { '*' };
    let mut out = format!("{head}{}\r\n", items.len());
    for i in items {
        out.push_str(&format!("${}\r\n{i}\r\n", i.len()));
    }
    out.into_bytes()
}

fn message(channel: &str, payload: &str) -> Vec<u8> {
    bulks(false, &["message", channel, payload])
}

fn pmessage(pattern: &str, channel: &str, payload: &str) -> Vec<u8> {
    bulks(false, &["pmessage", pattern, channel, payload])
}

/// Waits until `channel` has `n` subscribers.
fn wait_numsub(admin: &mut Conn, channel: &str, n: i64) {
    let want = format!("*2\r\n${}\r\n{channel}\r\n:{n}\r\n", channel.len());
    eventually(&format!("{n} subscribers of {channel}"), || {
        admin.call(&["PUBSUB", "NUMSUB", channel]) == want.as_bytes()
    });
}

const SUBSCRIBED_ONLY: &str =
    "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";

#[test]
fn subscribe_then_publish_in_order() {
    let (_h, addr) = start();
    let mut sub = Conn::connect(addr);
    let mut publisher = Conn::connect(addr);
    sub.send_raw(b"SUBSCRIBE ch1 ch2 ch1\r\n");
    let mut want = note(false, "subscribe", Some("ch1"), 1);
    want.extend(note(false, "subscribe", Some("ch2"), 2));
    want.extend(note(false, "subscribe", Some("ch1"), 2));
    assert_eq!(common::show(&sub.read_replies(3)), common::show(&want));

    publisher.t("PUBLISH nobody x", b":0\r\n");
    // A pipeline of publishes arrives in order, interleaving the channels.
    let mut pipeline = Vec::new();
    let mut expected = Vec::new();
    for i in 0..100 {
        let ch = if i % 3 == 0 { "ch2" } else { "ch1" };
        pipeline.extend(common::encode(&["PUBLISH", ch, &format!("m{i}")]));
        expected.extend(message(ch, &format!("m{i}")));
    }
    publisher.send_raw(&pipeline);
    assert_eq!(publisher.read_replies(100), b":1\r\n".repeat(100));
    assert_eq!(common::show(&sub.read_replies(100)), common::show(&expected));
    // Binary-safe channel and payload.
    sub.send_raw(&common::encode(&[&b"SUBSCRIBE"[..], b"bin\x00\r\n"]));
    sub.read_replies(1);
    publisher.check(&[&b"PUBLISH"[..], b"bin\x00\r\n", b"\xff\r\n"], b":1\r\n");
    assert_eq!(
        sub.read_replies(1),
        b"*3\r\n$7\r\nmessage\r\n$6\r\nbin\x00\r\n\r\n$3\r\n\xff\r\n\r\n"
    );
}

#[test]
fn every_subscriber_gets_the_message() {
    let (_h, addr) = start();
    let mut subs: Vec<Conn> = (0..3).map(|_| Conn::connect(addr)).collect();
    for s in &mut subs {
        s.t("SUBSCRIBE news", &note(false, "subscribe", Some("news"), 1));
    }
    let mut publisher = Conn::connect(addr);
    publisher.t("PUBLISH news hello", b":3\r\n");
    for s in &mut subs {
        assert_eq!(s.read_replies(1), message("news", "hello"));
    }
}

#[test]
fn pattern_and_channel_both_deliver() {
    let (_h, addr) = start();
    let mut sub = Conn::connect(addr);
    let mut publisher = Conn::connect(addr);
    sub.t("SUBSCRIBE news.1", &note(false, "subscribe", Some("news.1"), 1));
    sub.t("PSUBSCRIBE news.*", &note(false, "psubscribe", Some("news.*"), 2));
    sub.t("PSUBSCRIBE news.*", &note(false, "psubscribe", Some("news.*"), 2));
    publisher.t("PUBLISH news.1 hi", b":2\r\n");
    let mut want = message("news.1", "hi");
    want.extend(pmessage("news.*", "news.1", "hi"));
    assert_eq!(common::show(&sub.read_replies(2)), common::show(&want));
    publisher.t("PUBLISH news.2 yo", b":1\r\n");
    assert_eq!(sub.read_replies(1), pmessage("news.*", "news.2", "yo"));
    publisher.t("PUBLISH other yo", b":0\r\n");

    // Redis glob patterns: ?, [..], escapes.
    let mut g = Conn::connect(addr);
    g.t("PSUBSCRIBE h?llo", &note(false, "psubscribe", Some("h?llo"), 1));
    g.t("PSUBSCRIBE x[ae]y", &note(false, "psubscribe", Some("x[ae]y"), 2));
    g.t(r"PSUBSCRIBE a\*", &note(false, "psubscribe", Some(r"a\*"), 3));
    publisher.t("PUBLISH hallo 1", b":1\r\n");
    publisher.t("PUBLISH xey 2", b":1\r\n");
    publisher.t("PUBLISH xiy 3", b":0\r\n");
    publisher.t("PUBLISH a* 4", b":1\r\n");
    publisher.t("PUBLISH ab 5", b":0\r\n");
    let mut want = pmessage("h?llo", "hallo", "1");
    want.extend(pmessage("x[ae]y", "xey", "2"));
    want.extend(pmessage(r"a\*", "a*", "4"));
    assert_eq!(common::show(&g.read_replies(3)), common::show(&want));
}

#[test]
fn unsubscribe_replies() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    // From nothing: one confirmation with a null name, and no subscribed mode.
    c.t("UNSUBSCRIBE", &note(false, "unsubscribe", None, 0));
    c.t("PUNSUBSCRIBE", &note(false, "punsubscribe", None, 0));
    c.t("SUNSUBSCRIBE", &note(false, "sunsubscribe", None, 0));
    c.t("UNSUBSCRIBE nope", &note(false, "unsubscribe", Some("nope"), 0));
    c.t("PUNSUBSCRIBE nope*", &note(false, "punsubscribe", Some("nope*"), 0));
    c.t("GET k", b"$-1\r\n");

    c.t("SUBSCRIBE a", &note(false, "subscribe", Some("a"), 1));
    c.t("SUBSCRIBE b", &note(false, "subscribe", Some("b"), 2));
    c.t("PSUBSCRIBE p*", &note(false, "psubscribe", Some("p*"), 3));
    c.t("PSUBSCRIBE q*", &note(false, "psubscribe", Some("q*"), 4));
    c.t("SSUBSCRIBE s", &note(false, "ssubscribe", Some("s"), 1));
    c.t("UNSUBSCRIBE a nope", &note(false, "unsubscribe", Some("a"), 3));
    c.read_replies(1);
    c.t("UNSUBSCRIBE", &note(false, "unsubscribe", Some("b"), 2));
    // Patterns go in subscription order.
    c.send_raw(b"PUNSUBSCRIBE\r\n");
    let mut want = note(false, "punsubscribe", Some("p*"), 1);
    want.extend(note(false, "punsubscribe", Some("q*"), 0));
    assert_eq!(common::show(&c.read_replies(2)), common::show(&want));
    // Still subscribed to a shard channel.
    c.t(
        "GET k",
        format!("-ERR Can't execute 'get': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
    c.t("SUNSUBSCRIBE s", &note(false, "sunsubscribe", Some("s"), 0));
    c.t("GET k", b"$-1\r\n");

    // Mass unsubscribe of several channels, in some order, counting down.
    c.send_raw(b"SUBSCRIBE x y\r\n");
    c.read_replies(2);
    c.send_raw(b"UNSUBSCRIBE\r\n");
    let both = c.read_replies(2);
    let ok = [
        [
            note(false, "unsubscribe", Some("x"), 1),
            note(false, "unsubscribe", Some("y"), 0),
        ]
        .concat(),
        [
            note(false, "unsubscribe", Some("y"), 1),
            note(false, "unsubscribe", Some("x"), 0),
        ]
        .concat(),
    ];
    assert!(ok.contains(&both), "{}", common::show(&both));
    c.t("PING", b"+PONG\r\n");
}

#[test]
fn resp2_subscribed_mode_refuses_other_commands() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("SUBSCRIBE ch", &note(false, "subscribe", Some("ch"), 1));
    c.t(
        "GET k",
        format!("-ERR Can't execute 'get': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
    c.t(
        "config get maxmemory",
        format!("-ERR Can't execute 'config|get': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
    c.t(
        "SLOWLOG RESET",
        format!("-ERR Can't execute 'slowlog|reset': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
    c.t(
        "PUBLISH ch x",
        format!("-ERR Can't execute 'publish': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
    // Unknown commands and arity are checked first.
    c.t(
        "NOSUCH a",
        b"-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n",
    );
    c.t("GET", b"-ERR wrong number of arguments for 'get' command\r\n");
    c.t("PING", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    c.t("PING hello", b"*2\r\n$4\r\npong\r\n$5\r\nhello\r\n");
    c.t("PING a b", b"-ERR wrong number of arguments for 'ping' command\r\n");
    c.t("PSUBSCRIBE p*", &note(false, "psubscribe", Some("p*"), 2));
    c.t("UNSUBSCRIBE ch", &note(false, "unsubscribe", Some("ch"), 1));
    c.t(
        "ECHO x",
        format!("-ERR Can't execute 'echo': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
    c.t("PUNSUBSCRIBE", &note(false, "punsubscribe", Some("p*"), 0));
    c.t("ECHO x", b"$1\r\nx\r\n");
    c.t("PING", b"+PONG\r\n");
    c.t("QUIT", b"+OK\r\n");
}

#[test]
fn resp3_pushes_and_allows_any_command() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let _ = c.call(&["HELLO", "3"]);
    c.t("SUBSCRIBE ch", &note(true, "subscribe", Some("ch"), 1));
    c.t("PSUBSCRIBE c*", &note(true, "psubscribe", Some("c*"), 2));
    c.t("GET k", b"_\r\n");
    c.t("PING", b"+PONG\r\n");
    // Publishing to its own channel: the messages come before the reply.
    c.send_raw(b"PUBLISH ch hi\r\n");
    let mut want = bulks(true, &["message", "ch", "hi"]);
    want.extend(bulks(true, &["pmessage", "c*", "ch", "hi"]));
    want.extend(b":2\r\n");
    assert_eq!(common::show(&c.read_replies(3)), common::show(&want));
    // From another client.
    let mut publisher = Conn::connect(addr);
    publisher.t("PUBLISH cx yo", b":1\r\n");
    assert_eq!(c.read_replies(1), bulks(true, &["pmessage", "c*", "cx", "yo"]));
    c.t("SUNSUBSCRIBE", &note(true, "sunsubscribe", None, 0));
    c.t("SSUBSCRIBE s", &note(true, "ssubscribe", Some("s"), 1));
    publisher.t("SPUBLISH s z", b":1\r\n");
    assert_eq!(c.read_replies(1), bulks(true, &["smessage", "s", "z"]));
    // Back to RESP2 while subscribed: subscribed mode applies.
    let _ = c.call(&["HELLO", "2"]);
    c.t(
        "GET k",
        format!("-ERR Can't execute 'get': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
}

#[test]
fn shard_channels_ignore_patterns() {
    let (_h, addr) = start();
    let mut sub = Conn::connect(addr);
    let mut publisher = Conn::connect(addr);
    sub.t("SSUBSCRIBE s1 s2", &note(false, "ssubscribe", Some("s1"), 1));
    sub.read_replies(1);
    sub.t("PSUBSCRIBE s*", &note(false, "psubscribe", Some("s*"), 1));
    sub.t("SUBSCRIBE s1", &note(false, "subscribe", Some("s1"), 2));
    publisher.t("SPUBLISH s1 a", b":1\r\n");
    assert_eq!(sub.read_replies(1), bulks(false, &["smessage", "s1", "a"]));
    publisher.t("PUBLISH s1 b", b":2\r\n");
    let mut want = message("s1", "b");
    want.extend(pmessage("s*", "s1", "b"));
    assert_eq!(common::show(&sub.read_replies(2)), common::show(&want));
    publisher.t("SPUBLISH s3 c", b":0\r\n");
}

#[test]
fn pubsub_introspection() {
    let (_h, addr) = start();
    let mut a = Conn::connect(addr);
    let mut b = Conn::connect(addr);
    let mut admin = Conn::connect(addr);
    a.send_raw(b"SUBSCRIBE c1 c2\r\nPSUBSCRIBE p1* p2*\r\nSSUBSCRIBE s1\r\n");
    a.read_replies(5);
    b.send_raw(b"SUBSCRIBE c1\r\nPSUBSCRIBE p1*\r\n");
    b.read_replies(2);

    assert_eq!(admin.sorted_bulks("PUBSUB CHANNELS"), [b"c1".to_vec(), b"c2".to_vec()]);
    assert_eq!(admin.sorted_bulks("pubsub channels *2"), [b"c2".to_vec()]);
    admin.t("PUBSUB CHANNELS nothing*", b"*0\r\n");
    admin.t(
        "PUBSUB NUMSUB c1 c2 c3",
        b"*6\r\n$2\r\nc1\r\n:2\r\n$2\r\nc2\r\n:1\r\n$2\r\nc3\r\n:0\r\n",
    );
    admin.t("PUBSUB NUMSUB", b"*0\r\n");
    admin.t("PUBSUB NUMPAT", b":2\r\n");
    admin.t("PUBSUB SHARDCHANNELS", b"*1\r\n$2\r\ns1\r\n");
    admin.t("PUBSUB SHARDCHANNELS x*", b"*0\r\n");
    admin.t(
        "PUBSUB SHARDNUMSUB s1 c1",
        b"*4\r\n$2\r\ns1\r\n:1\r\n$2\r\nc1\r\n:0\r\n",
    );
    admin.t("PUBSUB SHARDNUMSUB", b"*0\r\n");
    assert_eq!(admin.info_field("stats", "pubsub_channels"), "2");
    assert_eq!(admin.info_field("stats", "pubsub_patterns"), "2");
    assert_eq!(admin.info_field("stats", "pubsubshard_channels"), "1");

    admin.t(
        "PUBSUB CHANNELS a b",
        b"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n",
    );
    admin.t(
        "PUBSUB SHARDCHANNELS a b",
        b"-ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.\r\n",
    );
    admin.t(
        "PUBSUB NUMPAT x",
        b"-ERR wrong number of arguments for 'pubsub|numpat' command\r\n",
    );
    admin.t("PUBSUB", b"-ERR wrong number of arguments for 'pubsub' command\r\n");
    admin.t("PUBSUB foo", b"-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n");
    admin.t("PUBLISH a", b"-ERR wrong number of arguments for 'publish' command\r\n");
    admin.t(
        "SUBSCRIBE",
        b"-ERR wrong number of arguments for 'subscribe' command\r\n",
    );
    let help = admin.call(&["PUBSUB", "HELP"]);
    let text = String::from_utf8(help).unwrap();
    assert!(text.starts_with(
        "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n"
    ));
    assert!(text.ends_with("+HELP\r\n+    Prints this help.\r\n"), "{text}");

    // CLIENT LIST counts and flag P.
    let list = String::from_utf8(admin.call(&["CLIENT", "LIST"])).unwrap();
    let line = list.lines().find(|l| l.contains(" sub=2 ")).expect(&list);
    assert!(line.contains(" flags=P ") && line.contains(" psub=2 ssub=1 "), "{line}");
    assert!(
        list.lines()
            .any(|l| l.contains(" flags=P ") && l.contains(" sub=1 psub=1 ssub=0 "))
    );
    assert!(
        list.lines()
            .any(|l| l.contains(" flags=N ") && l.contains(" sub=0 psub=0 ssub=0 "))
    );

    // Unsubscribing empties the registry.
    b.send_raw(b"UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\n");
    b.read_replies(2);
    admin.t("PUBSUB NUMSUB c1", b"*2\r\n$2\r\nc1\r\n:1\r\n");
    a.send_raw(b"UNSUBSCRIBE c1 c2\r\nPUNSUBSCRIBE p1* p2*\r\nSUNSUBSCRIBE s1\r\n");
    a.read_replies(5);
    admin.t("PUBSUB CHANNELS", b"*0\r\n");
    admin.t("PUBSUB NUMPAT", b":0\r\n");
    admin.t("PUBSUB SHARDCHANNELS", b"*0\r\n");
    assert_eq!(admin.info_field("stats", "pubsub_channels"), "0");
}

#[test]
fn disconnect_leaves_no_subscription() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut stay = Conn::connect(addr);
    stay.t("SUBSCRIBE ch", &note(false, "subscribe", Some("ch"), 1));
    {
        let mut gone = Conn::connect(addr);
        gone.send_raw(b"SUBSCRIBE ch other\r\nPSUBSCRIBE p*\r\nSSUBSCRIBE s\r\n");
        gone.read_replies(4);
        wait_numsub(&mut admin, "ch", 2);
    }
    wait_numsub(&mut admin, "ch", 1);
    eventually("pattern dropped", || admin.call(&["PUBSUB", "NUMPAT"]) == b":0\r\n");
    admin.t("PUBSUB CHANNELS", b"*1\r\n$2\r\nch\r\n");
    admin.t("PUBSUB SHARDCHANNELS", b"*0\r\n");
    admin.t("PUBLISH ch x", b":1\r\n");
    assert_eq!(stay.read_replies(1), message("ch", "x"));
    admin.t("PUBLISH pz x", b":0\r\n");
}

#[test]
fn reset_unsubscribes_everything() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut c = Conn::connect(addr);
    c.send_raw(b"SUBSCRIBE ch\r\nPSUBSCRIBE x*\r\nSSUBSCRIBE s\r\n");
    c.read_replies(3);
    // No unsubscribe notifications: just +RESET.
    c.t("RESET", b"+RESET\r\n");
    c.t("GET k", b"$-1\r\n");
    admin.t("PUBSUB NUMSUB ch", b"*2\r\n$2\r\nch\r\n:0\r\n");
    admin.t("PUBSUB NUMPAT", b":0\r\n");
    admin.t("PUBSUB SHARDNUMSUB s", b"*2\r\n$1\r\ns\r\n:0\r\n");
    admin.t("PUBLISH ch x", b":0\r\n");
    c.t("UNSUBSCRIBE", &note(false, "unsubscribe", None, 0));
    // RESP3 goes back to RESP2 too.
    let _ = c.call(&["HELLO", "3"]);
    c.t("SUBSCRIBE ch", &note(true, "subscribe", Some("ch"), 1));
    c.t("RESET", b"+RESET\r\n");
    c.t("SUBSCRIBE ch", &note(false, "subscribe", Some("ch"), 1));
}

#[test]
fn subscribing_inside_multi() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("MULTI", b"+OK\r\n");
    c.t("SUBSCRIBE ch", b"+QUEUED\r\n");
    c.t("SSUBSCRIBE s", b"+QUEUED\r\n");
    c.t("PSUBSCRIBE p*", b"+QUEUED\r\n");
    let mut want = b"*3\r\n".to_vec();
    want.extend(note(false, "subscribe", Some("ch"), 1));
    want.extend(b"-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
    want.extend(note(false, "psubscribe", Some("p*"), 2));
    c.t("EXEC", &want);
    c.t(
        "MULTI",
        format!("-ERR Can't execute 'multi': {SUBSCRIBED_ONLY}\r\n").as_bytes(),
    );
}

/// Reads lines of a child's stdout on a thread, so the test can wait with
/// a timeout.
fn line_reader(stdout: std::process::ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn redis_cli_subscribe_mode() {
    let (_h, addr) = start();
    let mut child = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &addr.port().to_string(), "subscribe", "ch"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-cli");
    let lines = line_reader(child.stdout.take().unwrap());
    let mut admin = Conn::connect(addr);
    wait_numsub(&mut admin, "ch", 1);
    admin.t("PUBLISH ch hello", b":1\r\n");
    admin.t("PUBLISH ch world", b":1\r\n");
    let mut got = Vec::new();
    while got.len() < 9 {
        match lines.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => got.push(line),
            Err(e) => panic!("redis-cli output {got:?}: {e}"),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        got,
        [
            "subscribe",
            "ch",
            "1",
            "message",
            "ch",
            "hello",
            "message",
            "ch",
            "world"
        ]
    );
    wait_numsub(&mut admin, "ch", 0);
}

/// CLIENT REPLY OFF / SKIP silence replies, not Pub/Sub: (un)subscribe
/// confirmations and messages still arrive, in RESP2 and RESP3, while
/// ordinary replies stay silent (Redis's CLIENT_PUSHING).
#[test]
fn client_reply_off_keeps_pubsub_messages() {
    let (_h, addr) = start();
    for resp3 in [false, true] {
        let mut sub = Conn::connect(addr);
        let mut publisher = Conn::connect(addr);
        if resp3 {
            sub.send_raw(&common::encode(&["HELLO", "3"]));
            sub.read_replies(1);
        }
        sub.send_raw(&common::encode(&["CLIENT", "REPLY", "OFF"]));
        sub.raw(
            &common::encode(&["SUBSCRIBE", "ch"]),
            &note(resp3, "subscribe", Some("ch"), 1),
        );
        sub.raw(
            &common::encode(&["PSUBSCRIBE", "c*"]),
            &note(resp3, "psubscribe", Some("c*"), 2),
        );
        publisher.t("PUBLISH ch hi", b":2\r\n");
        let mut want = bulks(resp3, &["message", "ch", "hi"]);
        want.extend_from_slice(&bulks(resp3, &["pmessage", "c*", "ch", "hi"]));
        assert_eq!(common::show(&sub.read_replies(2)), common::show(&want));
        // PING is silenced; the UNSUBSCRIBE confirmation after it is not.
        if resp3 {
            sub.send_raw(&common::encode(&["PING"]));
        }
        sub.raw(
            &common::encode(&["UNSUBSCRIBE", "ch"]),
            &note(resp3, "unsubscribe", Some("ch"), 1),
        );
        // SKIP: the next command's reply only.
        let mut skip = Conn::connect(addr);
        skip.send_raw(&common::encode(&["CLIENT", "REPLY", "SKIP"]));
        skip.raw(
            &common::encode(&["PSUBSCRIBE", "x*"]),
            &note(false, "psubscribe", Some("x*"), 1),
        );
        publisher.t("PUBLISH xy m", b":1\r\n");
        assert_eq!(
            common::show(&skip.read_replies(1)),
            common::show(&bulks(false, &["pmessage", "x*", "xy", "m"]))
        );
    }
}
