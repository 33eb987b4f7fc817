//! Output buffer limits (`client-output-buffer-limit`) and the client
//! introspection around them: a subscriber that stops reading is closed
//! once its pending output passes the pubsub hard limit, or stays past the
//! soft limit too long; a normal client with a limit is closed by a reply
//! too large for it; CONFIG GET / SET / REWRITE of the directive; CLIENT
//! KILL's filters; a MONITOR client refused keyspace commands; CLIENT LIST
//! flags of monitors and of clients held by CLIENT PAUSE.
//!
//! The embedded-server tests pass against Redis 7.0.15 too
//! (`LOOPKV_TEST_REAL_REDIS=1`), except the MAXAGE filter (Redis 7.4) and
//! the INFO counter (Redis 7.2); the differential ones compare loopkv's
//! replies with a real `redis-server`'s byte for byte.

mod common;
mod diff_support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::{Conn, encode, start, start_with};

/// Whether the tests run against a real redis-server (see `common`).
fn real_redis() -> bool {
    std::env::var_os("LOOPKV_TEST_REAL_REDIS").is_some()
}

/// CLIENT LIST field `name` of the client whose line contains `marker`.
fn client_field(list: &[u8], marker: &str, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(list);
    let line = text.lines().find(|l| l.contains(marker))?;
    let key = format!(" {name}=");
    let rest = &line[line.find(&key)? + key.len()..];
    rest.split(' ').next().map(str::to_string)
}

/// A numeric CLIENT LIST field of the client whose line contains `marker`.
fn client_number(list: &[u8], marker: &str, name: &str) -> Option<u64> {
    client_field(list, marker, name)?.parse().ok()
}

/// A raw connection, for clients the server is expected to close.
fn raw_connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// Sends `args` on `stream` and asserts the reply is exactly `expected`.
#[track_caller]
fn raw_check(stream: &mut TcpStream, args: &[&str], expected: &[u8]) {
    stream.write_all(&encode(args)).unwrap();
    let mut got = vec![0u8; expected.len()];
    stream.read_exact(&mut got).unwrap();
    assert_eq!(common::show(&got), common::show(expected), "reply to {args:?}");
}

/// A subscriber on `channel`, named `name`, that then reads nothing.
fn stalled_subscriber(addr: SocketAddr, name: &str, channel: &str) -> TcpStream {
    let mut sub = raw_connect(addr);
    raw_check(&mut sub, &["CLIENT", "SETNAME", name], b"+OK\r\n");
    let confirm = format!("*3\r\n$9\r\nsubscribe\r\n${}\r\n{channel}\r\n:1\r\n", channel.len());
    raw_check(&mut sub, &["SUBSCRIBE", channel], confirm.as_bytes());
    sub
}

/// Reads until the server closes the connection; returns the bytes read.
/// Fails if it stays open for 10 s.
fn read_to_eof(stream: &mut TcpStream) -> Vec<u8> {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut all = Vec::new();
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return all,
            Ok(n) => all.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => {
                return all;
            }
            Err(e) => panic!("connection still open after {} bytes: {e}", all.len()),
        }
    }
}

/// PUBLISHes `message` on `channel` until no subscriber receives it, at
/// most `max` times; returns how many were sent with a receiver.
fn publish_until_unreceived(publisher: &mut Conn, channel: &str, message: &[u8], max: usize) -> usize {
    for sent in 0..max {
        match publisher.call(&[b"PUBLISH", channel.as_bytes(), message]).as_slice() {
            b":1\r\n" => {}
            b":0\r\n" => return sent,
            other => panic!("PUBLISH replied {}", common::show(other)),
        }
    }
    panic!("the subscriber was still receiving after {max} messages");
}

// ---- pubsub class -------------------------------------------------------------------

#[test]
fn stalled_subscriber_is_closed_past_the_hard_limit() {
    let (_h, addr) = start_with(&[("client-output-buffer-limit", "pubsub 1mb 0 0")]);
    let mut sub = stalled_subscriber(addr, "stalled", "news");
    let mut publisher = Conn::connect(addr);
    let message = vec![b'm'; 100 * 1024];
    // The kernel's socket buffers take a few MB first; then the pending
    // output passes 1 MB and the subscriber is closed.
    let delivered = publish_until_unreceived(&mut publisher, "news", &message, 2000);
    assert!(delivered > 10, "closed after only {delivered} messages");

    publisher.check(&["PUBSUB", "NUMSUB", "news"], b"*2\r\n$4\r\nnews\r\n:0\r\n");
    let list = publisher.call(&["CLIENT", "LIST"]);
    assert!(
        !String::from_utf8_lossy(&list).contains("name=stalled"),
        "still listed: {}",
        common::show(&list)
    );
    if !real_redis() {
        assert_eq!(
            publisher.info_field("stats", "client_output_buffer_limit_disconnections"),
            "1"
        );
    }
    // What was written before the limit was reached arrives, then EOF:
    // fewer messages than were published.
    let got = read_to_eof(&mut sub);
    let one = encode(&[&b"message"[..], b"news", &message]);
    assert!(got.starts_with(&one), "{} bytes", got.len());
    assert!(got.len() < delivered * one.len(), "received everything published");
    // The server goes on as usual.
    publisher.check(&["PING"], b"+PONG\r\n");
}

#[test]
fn default_limits_bound_a_stalled_subscriber() {
    // pubsub 32mb 8mb 60 by default: flooding a subscriber that reads
    // nothing ends with it closed, not with the server's memory growing.
    let (_h, addr) = start();
    let mut sub = stalled_subscriber(addr, "stalled", "flood");
    let mut publisher = Conn::connect(addr);
    let message = vec![b'x'; 256 * 1024];
    publish_until_unreceived(&mut publisher, "flood", &message, 2000);
    read_to_eof(&mut sub);
}

#[test]
fn subscriber_past_the_soft_limit_for_too_long_is_closed() {
    let (_h, addr) = start_with(&[("client-output-buffer-limit", "pubsub 0 256kb 1")]);
    let _sub = stalled_subscriber(addr, "slow", "ticks");
    let mut publisher = Conn::connect(addr);
    let message = vec![b't'; 64 * 1024];
    // Publish until the subscriber has output pending past the soft limit
    // (CLIENT LIST shows it in omem), then nothing more: the limit's time
    // runs out without further output.
    let mut omem = 0;
    for _ in 0..2000 {
        if publisher.call(&[b"PUBLISH", &b"ticks"[..], &message]) == b":0\r\n" {
            break;
        }
        let list = publisher.call(&["CLIENT", "LIST"]);
        omem = client_number(&list, "name=slow", "omem").unwrap_or(0);
        if omem >= 256 * 1024 {
            // Past the static buffer, pending output is in the reply list.
            assert!(client_number(&list, "name=slow", "oll").unwrap() >= 1);
            let tot = client_number(&list, "name=slow", "tot-mem").unwrap();
            assert!(tot > omem, "tot-mem {tot} <= omem {omem}");
            break;
        }
    }
    assert!(omem >= 256 * 1024, "pending output never passed the soft limit");
    common::eventually("the subscriber is closed by the soft limit", || {
        publisher.call(&["PUBSUB", "NUMSUB", "ticks"]) == b"*2\r\n$5\r\nticks\r\n:0\r\n"
    });
}

// ---- normal class -------------------------------------------------------------------

#[test]
fn normal_client_is_closed_by_a_reply_past_its_limit() {
    let (_h, addr) = start_with(&[("client-output-buffer-limit", "normal 1mb 0 0")]);
    let mut admin = Conn::connect(addr);
    admin.check(&[&b"SET"[..], b"big", &vec![b'v'; 2 * 1024 * 1024]], b"+OK\r\n");
    admin.check(&[&b"SET"[..], b"small", &vec![b's'; 512 * 1024]], b"+OK\r\n");

    let mut client = raw_connect(addr);
    raw_check(&mut client, &["CLIENT", "SETNAME", "greedy"], b"+OK\r\n");
    // Under the limit: served as usual.
    let mut small = b"$524288\r\n".to_vec();
    small.extend_from_slice(&vec![b's'; 512 * 1024]);
    small.extend_from_slice(b"\r\n");
    raw_check(&mut client, &["GET", "small"], &small);
    // A 2 MB reply passes 1 MB: the client is closed and gets none of it.
    client.write_all(&encode(&["GET", "big"])).unwrap();
    let got = read_to_eof(&mut client);
    assert!(got.len() < 2 * 1024 * 1024, "the whole reply was sent");

    let list = admin.call(&["CLIENT", "LIST"]);
    assert!(!String::from_utf8_lossy(&list).contains("name=greedy"));
    if !real_redis() {
        assert_eq!(
            admin.info_field("stats", "client_output_buffer_limit_disconnections"),
            "1"
        );
    }
    // The admin's own 2 MB reply is not limited once the limit is lifted.
    admin.check(
        &["CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"],
        b"+OK\r\n",
    );
    assert_eq!(admin.call(&["STRLEN", "big"]), b":2097152\r\n");
    let big = admin.call(&["GET", "big"]);
    assert_eq!(big.len(), 2 * 1024 * 1024 + "$2097152\r\n\r\n".len());
}

/// KEYS past the normal class's limit closes the client as Redis does
/// (KEYS stops there): 1000 keys of ~103 bytes are about 110 KB of reply,
/// over a 100000-byte limit once counted in Redis's reply-list nodes.
/// The same request with no limit gets every key.
#[test]
fn keys_past_the_limit_closes_the_client() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let prefix = format!("long-key-name-prefix-of-100-chars{}", "-".repeat(67));
    for i in 0..1000 {
        admin.check(&["SET", &format!("{prefix}{i}"), "v"], b"+OK\r\n");
    }
    let all = admin.call(&["KEYS", "*"]);
    assert!(all.starts_with(b"*1000\r\n"));
    admin.check(
        &["CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0"],
        b"+OK\r\n",
    );
    let mut client = raw_connect(addr);
    client.write_all(&encode(&["KEYS", "*"])).unwrap();
    let got = read_to_eof(&mut client);
    assert!(got.len() < all.len(), "the whole reply was sent");
    if !real_redis() {
        assert_eq!(
            admin.info_field("stats", "client_output_buffer_limit_disconnections"),
            "1"
        );
    }
}

#[test]
fn config_set_applies_to_connected_clients() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    admin.check(&[&b"SET"[..], b"big", &vec![b'v'; 2 * 1024 * 1024]], b"+OK\r\n");
    let mut client = raw_connect(addr);
    raw_check(&mut client, &["PING"], b"+PONG\r\n");
    admin.check(
        &["CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"],
        b"+OK\r\n",
    );
    client.write_all(&encode(&["GET", "big"])).unwrap();
    let got = read_to_eof(&mut client);
    assert!(got.len() < 2 * 1024 * 1024);
}

// ---- MONITOR --------------------------------------------------------------------------

/// Reads replies until one that is not a MONITOR line; returns it.
fn skip_monitor_lines(conn: &mut Conn) -> Vec<u8> {
    loop {
        let reply = conn.read_replies(1);
        if !(reply.len() > 1 && reply[0] == b'+' && reply[1].is_ascii_digit()) {
            return reply;
        }
    }
}

#[test]
fn monitor_client_may_not_touch_the_keyspace() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    admin.check(&["SET", "k", "v"], b"+OK\r\n");
    let mut mon = Conn::connect(addr);
    let id = String::from_utf8(mon.call(&["CLIENT", "ID"])).unwrap();
    let marker = format!("id={} ", id.trim_start_matches(':').trim_end());
    mon.check(&["MONITOR"], b"+OK\r\n");
    const REFUSED: &[u8] = b"-ERR Replica can't interact with the keyspace\r\n";
    mon.t("GET k", REFUSED);
    mon.t("SET k w", REFUSED);
    mon.t("DBSIZE", REFUSED);
    mon.t("PUBLISH c m", REFUSED);
    mon.t("OBJECT ENCODING k", REFUSED);
    // Arity and unknown commands are refused first, as usual.
    mon.t("GET", b"-ERR wrong number of arguments for 'get' command\r\n");
    // Refused inside MULTI too, which then aborts.
    mon.send_raw(&encode(&["MULTI"]));
    let replies = mon.read_replies(2);
    assert!(replies.starts_with(b"+OK\r\n+") && contains(&replies, b"\"MULTI\""));
    mon.t("SET k w", REFUSED);
    mon.send_raw(&encode(&["EXEC"]));
    let replies = mon.read_replies(2);
    assert!(replies.starts_with(b"-EXECABORT Transaction discarded because of previous errors.\r\n+"));

    // Refused commands are not fed to monitors, nor counted as calls.
    let stats = String::from_utf8(admin.call(&["INFO", "commandstats"])).unwrap();
    let dbsize = stats.lines().find(|l| l.starts_with("cmdstat_dbsize:")).unwrap();
    assert!(dbsize.starts_with("cmdstat_dbsize:calls=0,") && dbsize.contains("rejected_calls=1,"));
    assert_eq!(admin.call(&["GET", "k"]), b"$1\r\nv\r\n");
    // The monitor sees INFO, then that GET; it shows as O in CLIENT LIST.
    let mut fed = Vec::new();
    while !contains(&fed, b"\"GET\" \"k\"") {
        fed.extend(mon.read_replies(1));
    }
    let list = admin.call(&["CLIENT", "LIST"]);
    assert_eq!(client_field(&list, &marker, "flags").as_deref(), Some("O"));
    // RESET leaves monitor mode.
    mon.send_raw(&encode(&["RESET"]));
    assert_eq!(skip_monitor_lines(&mut mon), b"+RESET\r\n");
    mon.t("GET k", b"$1\r\nv\r\n");
    let list = admin.call(&["CLIENT", "LIST"]);
    assert_eq!(client_field(&list, &marker, "flags").as_deref(), Some("N"));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---- CLIENT LIST flags ------------------------------------------------------------------

#[test]
fn client_held_by_pause_shows_as_blocked() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut writer = Conn::connect(addr);
    writer.check(&["CLIENT", "SETNAME", "writer"], b"+OK\r\n");
    admin.check(&["CLIENT", "PAUSE", "10000", "WRITE"], b"+OK\r\n");
    writer.send_raw(&encode(&["SET", "k", "v"]));
    common::eventually("the writer is held", || {
        let list = admin.call(&["CLIENT", "LIST"]);
        client_field(&list, "name=writer", "flags").as_deref() == Some("b")
    });
    let list = admin.call(&["CLIENT", "LIST"]);
    assert_eq!(client_field(&list, "name=writer", "cmd").as_deref(), Some("set"));
    admin.check(&["CLIENT", "UNPAUSE"], b"+OK\r\n");
    assert_eq!(writer.read_replies(1), b"+OK\r\n");
    let list = admin.call(&["CLIENT", "LIST"]);
    assert_eq!(client_field(&list, "name=writer", "flags").as_deref(), Some("N"));
}

// ---- CLIENT KILL --------------------------------------------------------------------------

#[test]
fn client_kill_user_and_type_filters() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut a = raw_connect(addr);
    raw_check(&mut a, &["PING"], b"+PONG\r\n");
    let mut sub = stalled_subscriber(addr, "sub", "c");
    admin.t("CLIENT KILL TYPE pubsub", b":1\r\n");
    read_to_eof(&mut sub);
    admin.t("CLIENT KILL TYPE pubsub", b":0\r\n");
    admin.t("CLIENT KILL TYPE master", b":0\r\n");
    admin.t("CLIENT KILL USER default TYPE replica", b":0\r\n");
    // Every client is the default user's; SKIPME spares the caller.
    admin.t("CLIENT KILL USER default", b":1\r\n");
    assert!(read_to_eof(&mut a).is_empty());
    // SKIPME no: the caller too, after its reply.
    let mut last = raw_connect(addr);
    raw_check(
        &mut last,
        &["CLIENT", "KILL", "USER", "default", "SKIPME", "no"],
        b":2\r\n",
    );
    assert!(read_to_eof(&mut last).is_empty());
}

#[test]
fn client_kill_maxage_kills_old_clients_only() {
    if real_redis() {
        return; // MAXAGE is Redis 7.4's.
    }
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut old = raw_connect(addr);
    old.write_all(&encode(&["CLIENT", "ID"])).unwrap();
    let mut reply = [0u8; 64];
    let n = old.read(&mut reply).unwrap();
    let id = std::str::from_utf8(&reply[1..n]).unwrap().trim_end().to_string();
    let id = id.as_str();
    admin.t("CLIENT KILL MAXAGE 100000", b":0\r\n");
    // Once a second old, it is killed by MAXAGE 1 (the caller is spared).
    let started = Instant::now();
    common::eventually("the client is a second old", || {
        admin.call(&["CLIENT", "KILL", "MAXAGE", "1", "ID", id]) == b":1\r\n"
    });
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(read_to_eof(&mut old).is_empty());
    let mut young = Conn::connect(addr);
    young.check(&["PING"], b"+PONG\r\n");
    admin.t("CLIENT KILL MAXAGE 3600", b":0\r\n");
    admin.t("CLIENT KILL MAXAGE 0", b"-ERR maxage should be greater than 0\r\n");
    admin.t("CLIENT KILL MAXAGE -5", b"-ERR maxage should be greater than 0\r\n");
    admin.t(
        "CLIENT KILL MAXAGE x",
        b"-ERR maxage is not an integer or out of range\r\n",
    );
    admin.t("CLIENT KILL ID 1 MAXAGE", b"-ERR syntax error\r\n");
    young.check(&["PING"], b"+PONG\r\n");
}

// ---- differential: CONFIG and CLIENT KILL errors against real Redis ---------------------

/// Sends every line to loopkv and to redis-server and compares the replies.
fn differential(label: &str, lines: &[&str]) {
    if !diff_support::redis_or_skip(label) {
        return;
    }
    let loopkv = diff_support::Loopkv::start(&[]);
    let redis = diff_support::Redis::start();
    let (mut ours, mut theirs) = (loopkv.conn(), redis.conn());
    let mut mismatches = Vec::new();
    for line in lines {
        let args = diff_support::split_line(line);
        let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let (got, want) = (ours.cmd(&args), theirs.cmd(&args));
        if got != want {
            mismatches.push(format!(
                "{line}\n  loopkv: {}\n  redis:  {}",
                diff_support::esc(&got),
                diff_support::esc(&want)
            ));
        }
    }
    assert!(mismatches.is_empty(), "{label}:\n{}", mismatches.join("\n"));
}

#[test]
fn config_get_set_match_redis() {
    differential(
        "client-output-buffer-limit",
        &[
            "CONFIG GET client-output-buffer-limit",
            "CONFIG GET client-output-*",
            "CONFIG SET client-output-buffer-limit \"normal 1mb 2k 5\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"pubsub 1gb 0 0 replica 1 2 3\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"master 1 1 1\"",
            "CONFIG SET client-output-buffer-limit \"normal 1 1\"",
            "CONFIG SET client-output-buffer-limit \"normal x 1 1\"",
            "CONFIG SET client-output-buffer-limit \"normal 1 1 -1\"",
            "CONFIG SET client-output-buffer-limit \"normal 1 1 ''\"",
            "CONFIG SET client-output-buffer-limit \"normal 1 -1 1\"",
            "CONFIG SET client-output-buffer-limit \"normal 1 1mib 1\"",
            "CONFIG SET client-output-buffer-limit \"normal 1 1 1 bogus 1 1 1\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"NORMAL 1 1 4294967296\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal 1 1 +7\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal 99999999999999999999 1 1\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal  1 1\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal 5 5 \"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal 5 5 -99999999999999999999\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal 5 5 2147483648\"",
            "CONFIG SET client-output-buffer-limit \"normal 5 5 0x10\"",
            "CONFIG SET client-output-buffer-limit \"normal 5 5  7\"",
            "CONFIG SET client-output-buffer-limit \"Replica 5kb 1K 7 slave 1g 1gb 9\"",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"pubsub 32mb 8mb 60\" timeout 7",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal 0 0 0\" timeout x",
            "CONFIG GET client-output-buffer-limit",
            "CONFIG SET client-output-buffer-limit \"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\"",
            "CONFIG GET client-output-buffer-limit",
        ],
    );
}

#[test]
fn client_kill_errors_match_redis() {
    differential(
        "CLIENT KILL",
        &[
            "CLIENT KILL 1.2.3.4:5",
            "CLIENT KILL ADDR 1.2.3.4:5",
            "CLIENT KILL LADDR 1.2.3.4:5",
            "CLIENT KILL ID 999999",
            "CLIENT KILL ID 0",
            "CLIENT KILL ID -1",
            "CLIENT KILL ID abc",
            "CLIENT KILL ID 99999999999999999999",
            "CLIENT KILL ID abc SKIPME",
            "CLIENT KILL ID 1 SKIPME",
            "CLIENT KILL TYPE foo",
            "CLIENT KILL TYPE Normal ADDR 1.2.3.4:5",
            "CLIENT KILL TYPE slave",
            "CLIENT KILL TYPE replica",
            "CLIENT KILL TYPE master",
            "CLIENT KILL USER nobody",
            "CLIENT KILL USER Default",
            "CLIENT KILL USER default ADDR 1.2.3.4:5",
            "CLIENT KILL SKIPME maybe",
            "CLIENT KILL SKIPME yes",
            "CLIENT KILL foo bar",
            "CLIENT KILL ADDR",
            "CLIENT KILL a b c",
            "CLIENT KILL ID 1 USER nobody TYPE foo",
        ],
    );
}

#[test]
fn monitor_refusals_match_redis() {
    differential(
        "MONITOR refusals",
        &[
            "SET k v",
            "MONITOR",
            "GET k",
            "SET k w",
            "DBSIZE",
            "KEYS *",
            "PUBLISH c m",
            "SPUBLISH c m",
            "OBJECT ENCODING k",
            "EXISTS k",
            "FLUSHALL",
            "GET",
            "NOSUCHCOMMAND",
        ],
    );
}

// ---- CONFIG REWRITE -----------------------------------------------------------------------

/// A scratch directory for a config file, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("loopkv-obuf-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts loopkv from config file text; returns the server and the file.
fn start_from_file(tag: &str, text: &str) -> (diff_support::Loopkv, std::path::PathBuf, TempDir) {
    let dir = TempDir::new(tag);
    let path = dir.0.join("loopkv.conf");
    std::fs::write(&path, text).unwrap();
    let mut config = loopkv::Config::default();
    config.load_file(&path).unwrap();
    (diff_support::Loopkv::start_with(config), path, dir)
}

/// The lines of `path` that are about output limits, or comments.
fn limit_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("client-output-buffer-limit") || l.starts_with("# c"))
        .map(str::to_string)
        .collect()
}

#[test]
fn config_file_lines_accumulate_and_rewrite_replaces_them_in_place() {
    // As Redis 7.0.15 rewrites the same file: one line per class, in the
    // place of the old lines, which are dropped when left over.
    let (server, path, _dir) = start_from_file(
        "inplace",
        "port 0\nbind 127.0.0.1\nclient-output-buffer-limit pubsub 32mb 8mb 60\n# comment\n\
         client-output-buffer-limit normal 0 0 0\nclient-output-buffer-limit normal 1 1 1\n\
         client-output-buffer-limit \"normal 2 2 2\"\nclient-output-buffer-limit normal 3 3 3\n",
    );
    let mut c = server.conn();
    c.expect(
        "CONFIG GET client-output-buffer-limit",
        b"*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\nnormal 3 3 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n",
    );
    c.expect_args(
        &[b"CONFIG", b"SET", b"client-output-buffer-limit", b"normal 1mb 1000 3"],
        b"+OK\r\n",
    );
    c.expect("CONFIG REWRITE", b"+OK\r\n");
    assert_eq!(
        limit_lines(&path),
        [
            "client-output-buffer-limit normal 1mb 1000 3",
            "# comment",
            "client-output-buffer-limit replica 256mb 64mb 60",
            "client-output-buffer-limit pubsub 32mb 8mb 60",
        ]
    );
}

#[test]
fn rewrite_appends_only_classes_that_differ_from_the_default() {
    let (server, path, _dir) = start_from_file("append", "port 0\nbind 127.0.0.1\n");
    let mut c = server.conn();
    c.expect("CONFIG REWRITE", b"+OK\r\n");
    assert!(limit_lines(&path).is_empty());
    c.expect_args(
        &[
            b"CONFIG",
            b"SET",
            b"client-output-buffer-limit",
            b"pubsub 32mb 8mb 61 replica 1073741824 1025 0",
        ],
        b"+OK\r\n",
    );
    c.expect("CONFIG REWRITE", b"+OK\r\n");
    assert_eq!(
        limit_lines(&path),
        [
            "client-output-buffer-limit replica 1gb 1025 0",
            "client-output-buffer-limit pubsub 32mb 8mb 61",
        ]
    );
    // The rewritten file loads back to the same limits.
    let mut config = loopkv::Config::default();
    config.load_file(&path).unwrap();
    assert_eq!(
        config.get(b"client-output-buffer-limit")[0].1,
        b"normal 0 0 0 slave 1073741824 1025 0 pubsub 33554432 8388608 61"
    );
}
