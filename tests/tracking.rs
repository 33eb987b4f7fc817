//! Client-side caching: CLIENT TRACKING in default, OPTIN, OPTOUT, NOLOOP
//! and BCAST modes, RESP3 push invalidations and RESP2 ones redirected to
//! a `__redis__:invalidate` subscriber, broken redirects, null
//! invalidations on flush, keys deleted by expiry, eviction from a full
//! tracking table, CLIENT GETREDIR / TRACKINGINFO / CACHING, CLIENT LIST's
//! flags, INFO counters and every error. Expected replies are Redis
//! 7.0.15's: `LOOPKV_TEST_REAL_REDIS=1 cargo test --test tracking` runs
//! the same assertions against `redis-server`.
//!
//! "Nothing was sent" is checked without waiting: a message to a client is
//! written before the reply of the command that caused it, so a PING that
//! answers `+PONG` first proves none came.

mod common;

use std::net::SocketAddr;

use common::{Conn, eventually, show, start, start_with};

/// A RESP3 invalidation push for `keys`.
fn inv(keys: &[&str]) -> Vec<u8> {
    let mut out = format!(">2\r\n$10\r\ninvalidate\r\n*{}\r\n", keys.len());
    for k in keys {
        out.push_str(&format!("${}\r\n{k}\r\n", k.len()));
    }
    out.into_bytes()
}

/// The RESP3 "every key" invalidation (after a flush).
const INV_ALL: &[u8] = b">2\r\n$10\r\ninvalidate\r\n_\r\n";

/// A RESP2 Pub/Sub invalidation message carrying `payload`.
fn message(payload: &str) -> Vec<u8> {
    format!("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n{payload}").into_bytes()
}

fn key_array(key: &str) -> String {
    format!("*1\r\n${}\r\n{key}\r\n", key.len())
}

/// A connection switched to RESP3.
fn resp3(addr: SocketAddr) -> Conn {
    let mut c = Conn::connect(addr);
    c.call(&["HELLO", "3"]);
    c
}

fn client_id(c: &mut Conn) -> String {
    c.int("CLIENT ID").to_string()
}

/// Asserts nothing is waiting on `c`: its next reply is PING's.
#[track_caller]
fn assert_quiet(c: &mut Conn) {
    c.t("PING", b"+PONG\r\n");
}

/// Reads one reply from `c` and checks it.
#[track_caller]
fn expect(c: &mut Conn, expected: &[u8]) {
    let got = c.read_replies(1);
    assert_eq!(show(&got), show(expected));
}

/// One `name=value` field of the client's CLIENT INFO line.
fn info_field(c: &mut Conn, name: &str) -> String {
    let line = String::from_utf8(c.call(&["CLIENT", "INFO"])).unwrap();
    let prefix = format!("{name}=");
    line.split_whitespace()
        .find_map(|f| f.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name} in {line}"))
        .to_string()
}

fn ok() -> &'static [u8] {
    b"+OK\r\n"
}

// ---- default mode -------------------------------------------------------------------

#[test]
fn resp3_read_then_write_by_another_client() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on", ok());
    a.t("GET foo", b"_\r\n");
    b.t("SET foo bar", ok());
    expect(&mut a, b">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nfoo\r\n");
    // The key is forgotten once invalidated: another write says nothing.
    b.t("SET foo baz", ok());
    assert_quiet(&mut a);
    // Every key of a multi-key read is remembered; each write of several
    // keys invalidates them one message at a time, in argument order.
    a.t("MGET k1 k2 k3", b"*3\r\n_\r\n_\r\n_\r\n");
    b.t("MSET k3 x k1 y", ok());
    expect(&mut a, &inv(&["k3"]));
    expect(&mut a, &inv(&["k1"]));
    // Keys are global, not per database.
    a.t("EXISTS k2", b":0\r\n");
    b.t("SELECT 5", ok());
    b.t("DEL nosuch", b":0\r\n");
    assert_quiet(&mut a);
    b.t("SET k2 v", ok());
    expect(&mut a, &inv(&["k2"]));
    // Only read-only commands remember keys.
    a.t("APPEND w x", b":1\r\n");
    b.t("SET w v", ok());
    assert_quiet(&mut a);
}

#[test]
fn own_writes_are_invalidated_after_the_reply() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    a.t("CLIENT TRACKING on", ok());
    a.t("GET k", b"_\r\n");
    let mut want = b"+OK\r\n".to_vec();
    want.extend(inv(&["k"]));
    a.raw(&common::encode(&["SET", "k", "1"]), &want);
    // In a transaction the message follows EXEC's whole reply.
    a.t("GET k", b"$1\r\n1\r\n");
    a.t("MULTI", ok());
    a.t("SET k 2", b"+QUEUED\r\n");
    a.t("INCR k", b"+QUEUED\r\n");
    let mut want = b"*2\r\n+OK\r\n:3\r\n".to_vec();
    want.extend(inv(&["k"]));
    a.raw(&common::encode(&["EXEC"]), &want);
    // Push messages are delivered even with CLIENT REPLY OFF.
    a.t("GET k", b"$1\r\n3\r\n");
    a.send_raw(&common::encode(&["CLIENT", "REPLY", "OFF"]));
    a.send_raw(&common::encode(&["SET", "k", "4"]));
    expect(&mut a, &inv(&["k"]));
    a.t("CLIENT REPLY ON", ok());
}

#[test]
fn noloop_skips_own_changes() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on NOLOOP", ok());
    a.t("GET k", b"_\r\n");
    a.t("SET k 1", ok());
    assert_quiet(&mut a);
    // The own write dropped the key, so nothing is left to invalidate.
    b.t("SET k 2", ok());
    assert_quiet(&mut a);
    a.t("GET k", b"$1\r\n2\r\n");
    b.t("SET k 3", ok());
    expect(&mut a, &inv(&["k"]));
    // A flush is announced even to NOLOOP clients.
    let mut want = b"+OK\r\n".to_vec();
    want.extend(INV_ALL);
    a.raw(&common::encode(&["FLUSHALL"]), &want);
}

// ---- RESP2 and redirection ------------------------------------------------------------

#[test]
fn resp2_redirect_to_a_subscriber() {
    let (_h, addr) = start();
    let mut sub = Conn::connect(addr);
    let sub_id = client_id(&mut sub);
    sub.t(
        "SUBSCRIBE __redis__:invalidate",
        b"*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n",
    );
    let mut a = Conn::connect(addr);
    let mut b = Conn::connect(addr);
    a.check(&["CLIENT", "TRACKING", "on", "REDIRECT", &sub_id], ok());
    a.t("GET k1", b"$-1\r\n");
    a.t("MGET k2 k3", b"*2\r\n$-1\r\n$-1\r\n");
    b.t("MSET k1 1 k3 2", ok());
    expect(&mut sub, &message(&key_array("k1")));
    expect(&mut sub, &message(&key_array("k3")));
    // A flush sends a null in the tracking client's protocol.
    a.t("GET k1", b"$1\r\n1\r\n");
    b.t("FLUSHALL", ok());
    expect(&mut sub, &message("$-1\r\n"));
    // The tracking client itself never sees a RESP2 message.
    assert_quiet(&mut a);

    // A RESP3 client redirecting to the RESP2 subscriber: its null is RESP3's.
    let mut c = resp3(addr);
    c.check(&["CLIENT", "TRACKING", "on", "REDIRECT", &sub_id], ok());
    c.t("GET x", b"_\r\n");
    b.t("FLUSHDB", ok());
    expect(&mut sub, &message("$-1\r\n"));
    expect(&mut sub, &message("_\r\n"));

    // A RESP3 redirect target gets push messages.
    let mut target = resp3(addr);
    let target_id = client_id(&mut target);
    a.check(&["CLIENT", "TRACKING", "on", "REDIRECT", &target_id], ok());
    a.t("GET k9", b"$-1\r\n");
    b.t("SET k9 v", ok());
    expect(&mut target, &inv(&["k9"]));
}

#[test]
fn resp2_without_a_subscribed_redirect_gets_nothing() {
    let (_h, addr) = start();
    let mut plain = Conn::connect(addr);
    let plain_id = client_id(&mut plain);
    let mut a = Conn::connect(addr);
    let mut b = Conn::connect(addr);
    // Tracking without a redirect is allowed in RESP2, but silent.
    b.t("CLIENT TRACKING on", ok());
    b.t("GET k", b"$-1\r\n");
    a.check(&["CLIENT", "TRACKING", "on", "REDIRECT", &plain_id], ok());
    a.t("GET k", b"$-1\r\n");
    a.t("SET k 1", ok());
    assert_quiet(&mut plain);
    assert_quiet(&mut a);
    assert_quiet(&mut b);
}

#[test]
fn broken_redirect() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut gone = Conn::connect(addr);
    let gone_id = client_id(&mut gone);
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.check(&["CLIENT", "TRACKING", "on", "REDIRECT", &gone_id], ok());
    b.check(&["CLIENT", "TRACKING", "on", "REDIRECT", &gone_id], ok());
    a.t("GET k", b"_\r\n");
    b.t("GET k", b"$-1\r\n");
    drop(gone);
    let pattern = format!("id={gone_id} ");
    eventually("the redirect client is gone", || {
        !String::from_utf8_lossy(&admin.call(&["CLIENT", "LIST"])).contains(&pattern)
    });
    admin.t("SET k 1", ok());
    let broken = format!(">2\r\n$21\r\ntracking-redir-broken\r\n:{gone_id}\r\n");
    expect(&mut a, broken.as_bytes());
    // RESP2 has no way to say it; the flag still shows.
    assert_quiet(&mut b);
    assert_eq!(info_field(&mut b, "flags"), "tR");
    assert_eq!(info_field(&mut b, "redir"), gone_id);
    let info = format!(
        "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:{gone_id}\r\n$8\r\nprefixes\r\n*0\r\n"
    );
    a.t("CLIENT TRACKINGINFO", info.as_bytes());
    // Every later message is replaced by the same notice, flushes too.
    a.t("GET k", b"$1\r\n1\r\n");
    admin.t("FLUSHALL", ok());
    expect(&mut a, broken.as_bytes());
    // Enabling tracking again clears the flag.
    a.t("CLIENT TRACKING on", ok());
    assert_eq!(info_field(&mut a, "flags"), "t");
}

// ---- OPTIN / OPTOUT ---------------------------------------------------------------------

#[test]
fn optin_tracks_only_after_caching_yes() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on OPTIN", ok());
    a.t("GET o1", b"_\r\n");
    b.t("SET o1 x", ok());
    assert_quiet(&mut a);
    // CACHING YES covers the next command only.
    a.t("CLIENT CACHING yes", ok());
    a.t(
        "CLIENT TRACKINGINFO",
        b"%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    a.t("GET o2", b"_\r\n");
    a.t("GET o3", b"_\r\n");
    b.t("MSET o2 x o3 y", ok());
    expect(&mut a, &inv(&["o2"]));
    assert_quiet(&mut a);
    // Other CLIENT subcommands in between keep it; other commands end it.
    a.t("CLIENT CACHING yes", ok());
    a.int("CLIENT ID");
    a.t("GET o4", b"_\r\n");
    b.t("SET o4 1", ok());
    expect(&mut a, &inv(&["o4"]));
    a.t("CLIENT CACHING yes", ok());
    a.t("ECHO hi", b"$2\r\nhi\r\n");
    a.t("GET o5", b"_\r\n");
    b.t("SET o5 1", ok());
    assert_quiet(&mut a);
    // It covers a whole transaction.
    a.t("CLIENT CACHING yes", ok());
    a.t("MULTI", ok());
    a.t("GET o6", b"+QUEUED\r\n");
    a.t("GET o7", b"+QUEUED\r\n");
    a.t("EXEC", b"*2\r\n_\r\n_\r\n");
    b.t("MSET o6 1 o7 1", ok());
    expect(&mut a, &inv(&["o6"]));
    expect(&mut a, &inv(&["o7"]));
}

#[test]
fn optout_tracks_unless_caching_no() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on OPTOUT", ok());
    a.t("GET p1", b"_\r\n");
    b.t("SET p1 x", ok());
    expect(&mut a, &inv(&["p1"]));
    a.t("CLIENT CACHING no", ok());
    a.t(
        "CLIENT TRACKINGINFO",
        b"%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$6\r\noptout\r\n$10\r\ncaching-no\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    a.t("GET p2", b"_\r\n");
    a.t("GET p3", b"_\r\n");
    b.t("MSET p2 x p3 y", ok());
    expect(&mut a, &inv(&["p3"]));
    assert_quiet(&mut a);
    // ON again without OPTOUT goes back to default mode.
    a.t("CLIENT TRACKING on", ok());
    a.t(
        "CLIENT TRACKINGINFO",
        b"%3\r\n$5\r\nflags\r\n~1\r\n$2\r\non\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n",
    );
}

// ---- BCAST -----------------------------------------------------------------------------------

#[test]
fn bcast_without_prefix_batches_every_key() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on BCAST", ok());
    // Nothing needs to be read first. The keys changed before the server
    // sleeps come in one message, sorted and without duplicates.
    b.t("MSET b 1 a 2 c 3 a 4", ok());
    expect(&mut a, &inv(&["a", "b", "c"]));
    b.t("SET a 9", ok());
    expect(&mut a, &inv(&["a"]));
    assert_quiet(&mut a);
    a.t(
        "CLIENT TRACKINGINFO",
        b"%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*1\r\n$0\r\n\r\n",
    );
    assert_eq!(info_field(&mut a, "flags"), "tB");
    // Its own changes are included (no NOLOOP).
    let mut want = b"+OK\r\n".to_vec();
    want.extend(inv(&["z"]));
    a.raw(&common::encode(&["SET", "z", "1"]), &want);
    // A flush is a null, as in default mode.
    b.t("FLUSHDB", ok());
    expect(&mut a, INV_ALL);
}

#[test]
fn bcast_prefixes_and_noloop() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on BCAST PREFIX v: PREFIX u: NOLOOP", ok());
    a.t(
        "CLIENT TRACKINGINFO",
        b"%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$2\r\nu:\r\n$2\r\nv:\r\n",
    );
    b.t("MSET u:1 1 v:1 2 u:0 x w 1", ok());
    // One message per prefix, in prefix order, keys sorted.
    expect(&mut a, &inv(&["u:0", "u:1"]));
    expect(&mut a, &inv(&["v:1"]));
    // NOLOOP: its own changes are left out.
    a.t("MSET u:1 1 v:1 2", ok());
    assert_quiet(&mut a);
    // A prefix shared by two clients.
    let mut c = resp3(addr);
    c.t("CLIENT TRACKING on BCAST PREFIX u:", ok());
    b.t("SET u:7 1", ok());
    expect(&mut a, &inv(&["u:7"]));
    expect(&mut c, &inv(&["u:7"]));
    // A BCAST client redirecting to a RESP2 subscriber.
    let mut sub = Conn::connect(addr);
    let sub_id = client_id(&mut sub);
    sub.t(
        "SUBSCRIBE __redis__:invalidate",
        b"*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n",
    );
    let mut d = Conn::connect(addr);
    d.check(
        &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "REDIRECT", &sub_id],
        ok(),
    );
    b.t("MSET xb 1 xa 2", ok());
    expect(&mut sub, &message("*2\r\n$2\r\nxa\r\n$2\r\nxb\r\n"));
}

#[test]
fn bcast_prefix_collisions() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let tail = ". Prefixes for a single client must not overlap.\r\n";
    a.t("CLIENT TRACKING on BCAST", ok());
    a.t(
        "CLIENT TRACKING on BCAST PREFIX x",
        format!("-ERR Prefix 'x' overlaps with an existing prefix ''{tail}").as_bytes(),
    );
    a.t("CLIENT TRACKING off", ok());
    a.t("CLIENT TRACKING on BCAST PREFIX u: PREFIX v:", ok());
    a.t(
        "CLIENT TRACKING on BCAST PREFIX u:",
        format!("-ERR Prefix 'u:' overlaps with an existing prefix 'u:'{tail}").as_bytes(),
    );
    a.t(
        "CLIENT TRACKING on BCAST PREFIX \"\"",
        format!("-ERR Prefix '' overlaps with an existing prefix 'u:'{tail}").as_bytes(),
    );
    // Adding a prefix that does not overlap is fine.
    a.t("CLIENT TRACKING on BCAST PREFIX w:", ok());
    a.t("CLIENT TRACKING off", ok());
    a.t(
        "CLIENT TRACKING on BCAST PREFIX ab PREFIX a",
        format!("-ERR Prefix 'ab' overlaps with another provided prefix 'a'{tail}").as_bytes(),
    );
    a.t(
        "CLIENT TRACKING on BCAST PREFIX a PREFIX a",
        format!("-ERR Prefix 'a' overlaps with another provided prefix 'a'{tail}").as_bytes(),
    );
    a.t(
        "CLIENT TRACKINGINFO",
        b"%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    // Redis 7.0.15 replies an overlap between new prefixes found past the
    // first one with the error *and* +OK (its checkPrefixCollisionsOrReply
    // returns the index); loopkv refuses it with the error alone, as later
    // Redis versions do, so this part is not compared with the real server.
    if std::env::var_os("LOOPKV_TEST_REAL_REDIS").is_none() {
        a.t(
            "CLIENT TRACKING on BCAST PREFIX a PREFIX b PREFIX bc",
            format!("-ERR Prefix 'b' overlaps with another provided prefix 'bc'{tail}").as_bytes(),
        );
        a.t(
            "CLIENT TRACKINGINFO",
            b"%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
        );
    }
}

// ---- flush, expiry, eviction ---------------------------------------------------------------

#[test]
fn flush_sends_a_null_invalidation() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on", ok());
    a.t("GET k", b"_\r\n");
    b.t("FLUSHALL", ok());
    expect(&mut a, INV_ALL);
    // Even when there is nothing to delete, for FLUSHDB in any database.
    b.t("SELECT 3", ok());
    b.t("FLUSHDB", ok());
    expect(&mut a, INV_ALL);
    // The table is emptied: no per-key message follows.
    b.t("SET k 1", ok());
    assert_quiet(&mut a);
    // A failed flush says nothing.
    b.t("FLUSHALL bogus", b"-ERR syntax error\r\n");
    assert_quiet(&mut a);
    // Own flush: after the reply.
    let mut want = b"+OK\r\n".to_vec();
    want.extend(INV_ALL);
    a.raw(&common::encode(&["FLUSHDB"]), &want);
}

#[test]
fn keys_deleted_by_expiry_are_invalidated() {
    let (_h, addr) = start_with(&[("enable-debug-command", "yes")]);
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on", ok());
    // Active expiry.
    b.t("SET e1 v PX 300", ok());
    a.t("GET e1", b"$1\r\nv\r\n");
    expect(&mut a, &inv(&["e1"]));
    // Lazy expiry, by another client and by the tracking client itself
    // (whose message follows its reply, and which reads the key again).
    b.t("DEBUG SET-ACTIVE-EXPIRE 0", ok());
    b.t("SET e2 v PX 300", ok());
    b.t("SET e3 v PX 300", ok());
    a.t("MGET e2 e3", b"*2\r\n$1\r\nv\r\n$1\r\nv\r\n");
    std::thread::sleep(std::time::Duration::from_millis(600));
    b.t("GET e2", b"$-1\r\n");
    expect(&mut a, &inv(&["e2"]));
    let mut want = b"_\r\n".to_vec();
    want.extend(inv(&["e3"]));
    a.raw(&common::encode(&["GET", "e3"]), &want);
    b.t("SET e3 again", ok());
    expect(&mut a, &inv(&["e3"]));
    b.t("DEBUG SET-ACTIVE-EXPIRE 1", ok());
}

#[test]
fn full_tracking_table_evicts_keys() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut admin = Conn::connect(addr);
    admin.t("CONFIG SET tracking-table-max-keys 2", ok());
    admin.t(
        "CONFIG GET tracking-table-max-keys",
        b"*2\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n2\r\n",
    );
    a.t("CLIENT TRACKING on", ok());
    a.t("GET m1", b"_\r\n");
    a.t("GET m2", b"_\r\n");
    a.t("GET m3", b"_\r\n");
    // One key, any of the three, is dropped and announced as invalid.
    let got = a.read_replies(1);
    let evicted = ["m1", "m2", "m3"]
        .into_iter()
        .find(|k| got == inv(&[k]))
        .unwrap_or_else(|| panic!("not an invalidation of m1..m3: {}", show(&got)));
    assert_quiet(&mut a);
    assert_eq!(admin.info_field("stats", "tracking_total_keys"), "2");
    // The evicted key is no longer tracked; the others still are.
    admin.check(&["SET", evicted, "x"], ok());
    assert_quiet(&mut a);
    admin.t("MSET m1 1 m2 2 m3 3", ok());
    assert_eq!(show(&a.read_replies(2)), show(&still_tracked(evicted)));
    admin.t(
        "CONFIG SET tracking-table-max-keys -1",
        b"-ERR CONFIG SET failed (possibly related to argument 'tracking-table-max-keys') - argument must be between 0 and 9223372036854775807 inclusive\r\n",
    );
}

/// The invalidations MSET m1 m2 m3 sends when `evicted` is no longer tracked.
fn still_tracked(evicted: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for k in ["m1", "m2", "m3"].into_iter().filter(|k| *k != evicted) {
        out.extend(inv(&[k]));
    }
    out
}

// ---- introspection ------------------------------------------------------------------------

#[test]
fn getredir_and_trackinginfo_in_both_protocols() {
    let (_h, addr) = start();
    let mut a = Conn::connect(addr);
    let mut target = Conn::connect(addr);
    let target_id = client_id(&mut target);
    a.t("CLIENT GETREDIR", b":-1\r\n");
    a.t(
        "CLIENT TRACKINGINFO",
        b"*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    a.t("CLIENT TRACKING on", ok());
    a.t("CLIENT GETREDIR", b":0\r\n");
    a.t(
        "CLIENT TRACKINGINFO",
        b"*6\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    a.check(
        &["CLIENT", "TRACKING", "on", "REDIRECT", &target_id, "NOLOOP", "OPTIN"],
        ok(),
    );
    a.check(&["CLIENT", "GETREDIR"], format!(":{target_id}\r\n").as_bytes());
    a.check(
        &["CLIENT", "TRACKINGINFO"],
        format!(
            "*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\noptin\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:{target_id}\r\n$8\r\nprefixes\r\n*0\r\n"
        )
        .as_bytes(),
    );
    a.call(&["HELLO", "3"]);
    a.check(
        &["CLIENT", "TRACKINGINFO"],
        format!(
            "%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\noptin\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:{target_id}\r\n$8\r\nprefixes\r\n*0\r\n"
        )
        .as_bytes(),
    );
    a.t("CLIENT TRACKING off", ok());
    a.t("CLIENT GETREDIR", b":-1\r\n");
}

#[test]
fn client_list_flags_and_redir() {
    let (_h, addr) = start();
    let mut a = Conn::connect(addr);
    let mut target = Conn::connect(addr);
    let target_id = client_id(&mut target);
    assert_eq!(info_field(&mut a, "flags"), "N");
    assert_eq!(info_field(&mut a, "redir"), "-1");
    a.t("CLIENT TRACKING on", ok());
    assert_eq!(info_field(&mut a, "flags"), "t");
    assert_eq!(info_field(&mut a, "redir"), "0");
    a.check(&["CLIENT", "TRACKING", "on", "REDIRECT", &target_id], ok());
    assert_eq!(info_field(&mut a, "redir"), target_id);
    let a_id = client_id(&mut a);
    let list = String::from_utf8(target.call(&["CLIENT", "LIST", "ID", &a_id])).unwrap();
    assert!(list.contains(" flags=t "), "{list}");
    assert!(list.contains(&format!(" redir={target_id} ")), "{list}");
    a.t("CLIENT TRACKING off", ok());
    a.t("CLIENT TRACKING on BCAST", ok());
    assert_eq!(info_field(&mut a, "flags"), "tB");
    a.t("CLIENT TRACKING off", ok());
    assert_eq!(info_field(&mut a, "flags"), "N");
}

#[test]
fn info_counts_clients_keys_items_prefixes() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut a = resp3(addr);
    let mut b = resp3(addr);
    let field = |c: &mut Conn, section: &str, name: &str| c.info_field(section, name);
    assert_eq!(field(&mut admin, "clients", "tracking_clients"), "0");
    a.t("CLIENT TRACKING on", ok());
    b.t("CLIENT TRACKING on", ok());
    a.t("MGET k1 k2 k1", b"*3\r\n_\r\n_\r\n_\r\n");
    b.t("GET k1", b"_\r\n");
    assert_eq!(field(&mut admin, "clients", "tracking_clients"), "2");
    assert_eq!(field(&mut admin, "stats", "tracking_total_keys"), "2");
    assert_eq!(field(&mut admin, "stats", "tracking_total_items"), "3");
    // Turning tracking off leaves its keys until they are invalidated.
    b.t("CLIENT TRACKING off", ok());
    assert_eq!(field(&mut admin, "clients", "tracking_clients"), "1");
    assert_eq!(field(&mut admin, "stats", "tracking_total_items"), "3");
    admin.t("SET k1 v", ok());
    expect(&mut a, &inv(&["k1"]));
    assert_quiet(&mut b);
    assert_eq!(field(&mut admin, "stats", "tracking_total_keys"), "1");
    assert_eq!(field(&mut admin, "stats", "tracking_total_items"), "1");
    b.t("CLIENT TRACKING on BCAST PREFIX p PREFIX q", ok());
    assert_eq!(field(&mut admin, "stats", "tracking_total_prefixes"), "2");
    // A closing client leaves the prefix table.
    drop(b);
    eventually("the BCAST client's prefixes are dropped", || {
        admin.info_field("stats", "tracking_total_prefixes") == "0"
    });
    assert_eq!(field(&mut admin, "clients", "tracking_clients"), "1");
}

#[test]
fn reset_turns_tracking_off_hello_does_not() {
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    a.t("CLIENT TRACKING on BCAST PREFIX r", ok());
    a.call(&["HELLO", "3"]);
    assert_eq!(info_field(&mut a, "flags"), "tB");
    a.t("RESET", b"+RESET\r\n");
    assert_eq!(info_field(&mut a, "flags"), "N");
    a.t(
        "CLIENT TRACKINGINFO",
        b"*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    assert_eq!(b.info_field("stats", "tracking_total_prefixes"), "0");
    b.t("SET r1 x", ok());
    assert_quiet(&mut a);
}

// ---- errors -------------------------------------------------------------------------------------

#[test]
fn tracking_option_errors() {
    let (_h, addr) = start();
    let mut a = Conn::connect(addr);
    let a_id = client_id(&mut a);
    let cases: &[(&str, &[u8])] = &[
        ("CLIENT TRACKING", b"-ERR wrong number of arguments for 'client|tracking' command\r\n"),
        ("CLIENT TRACKING maybe", b"-ERR syntax error\r\n"),
        ("CLIENT TRACKING on foo", b"-ERR syntax error\r\n"),
        ("CLIENT TRACKING on REDIRECT", b"-ERR syntax error\r\n"),
        ("CLIENT TRACKING on PREFIX", b"-ERR syntax error\r\n"),
        ("CLIENT TRACKING off PREFIX", b"-ERR syntax error\r\n"),
        ("CLIENT TRACKING on REDIRECT x", b"-ERR value is not an integer or out of range\r\n"),
        (
            "CLIENT TRACKING on REDIRECT 999999",
            b"-ERR The client ID you want redirect to does not exist\r\n",
        ),
        ("CLIENT TRACKING on REDIRECT 0", b"-ERR The client ID you want redirect to does not exist\r\n"),
        ("CLIENT TRACKING on REDIRECT -1", b"-ERR The client ID you want redirect to does not exist\r\n"),
        ("CLIENT TRACKING on PREFIX a", b"-ERR PREFIX option requires BCAST mode to be enabled\r\n"),
        ("CLIENT TRACKING on BCAST OPTIN", b"-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"),
        ("CLIENT TRACKING on OPTOUT BCAST", b"-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"),
        ("CLIENT TRACKING on OPTIN OPTOUT", b"-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"),
        ("CLIENT CACHING yes", b"-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n"),
        ("CLIENT CACHING maybe", b"-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n"),
        ("CLIENT CACHING", b"-ERR wrong number of arguments for 'client|caching' command\r\n"),
        ("CLIENT GETREDIR x", b"-ERR wrong number of arguments for 'client|getredir' command\r\n"),
        ("CLIENT TRACKINGINFO x", b"-ERR wrong number of arguments for 'client|trackinginfo' command\r\n"),
    ];
    for (line, want) in cases {
        a.t(line, want);
    }
    a.check(
        &["CLIENT", "TRACKING", "on", "REDIRECT", &a_id, "REDIRECT", &a_id],
        b"-ERR A client can only redirect to a single other client\r\n",
    );
    // OFF takes (and checks) the same options, and never fails otherwise.
    a.t("CLIENT TRACKING off BCAST OPTIN OPTOUT PREFIX x", ok());

    // Mode switches while tracking.
    a.t("CLIENT TRACKING on", ok());
    let cases: &[(&str, &[u8])] = &[
        (
            "CLIENT TRACKING on BCAST",
            b"-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n",
        ),
        ("CLIENT CACHING yes", b"-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n"),
        ("CLIENT CACHING no", b"-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n"),
        ("CLIENT CACHING maybe", b"-ERR syntax error\r\n"),
        ("CLIENT TRACKING on OPTIN", b"+OK\r\n"),
        (
            "CLIENT TRACKING on OPTOUT",
            b"-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n",
        ),
        ("CLIENT CACHING no", b"-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n"),
        ("CLIENT TRACKING off", b"+OK\r\n"),
        ("CLIENT TRACKING on BCAST", b"+OK\r\n"),
        (
            "CLIENT TRACKING on",
            b"-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n",
        ),
        ("CLIENT TRACKING on BCAST PREFIX a", b"-ERR Prefix 'a' overlaps with an existing prefix ''. Prefixes for a single client must not overlap.\r\n"),
    ];
    for (line, want) in cases {
        a.t(line, want);
    }
}

#[test]
fn command_info_of_the_subcommands() {
    let (_h, addr) = start();
    let mut a = Conn::connect(addr);
    let entry = |name: &str, arity: i64| {
        format!(
            "*10\r\n${}\r\n{name}\r\n:{arity}\r\n*3\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n",
            name.len()
        )
    };
    let want = format!(
        "*4\r\n{}{}{}{}",
        entry("client|tracking", -3),
        entry("client|getredir", 2),
        entry("client|trackinginfo", 2),
        entry("client|caching", 3)
    );
    a.check(
        &[
            "COMMAND",
            "INFO",
            "client|tracking",
            "client|getredir",
            "client|trackinginfo",
            "client|caching",
        ],
        want.as_bytes(),
    );
}

#[test]
fn held_invalidation_survives_tracking_off_in_the_same_transaction() {
    // A's own write inside EXEC is invalidated after EXEC's reply, even
    // though the transaction also turned tracking off; B, who turns
    // tracking on afterwards, gets nothing of it.
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = resp3(addr);
    a.t("CLIENT TRACKING on", ok());
    a.t("GET k", b"_\r\n");
    a.t("MULTI", ok());
    a.t("SET k v", b"+QUEUED\r\n");
    a.t("CLIENT TRACKING off", b"+QUEUED\r\n");
    a.t("EXEC", b"*2\r\n+OK\r\n+OK\r\n");
    expect(&mut a, &inv(&["k"]));
    assert_quiet(&mut a);
    b.t("CLIENT TRACKING on", ok());
    assert_quiet(&mut b);
}

#[test]
fn a_no_op_write_still_invalidates() {
    // Redis signals LTRIM's key even when nothing was trimmed.
    let (_h, addr) = start();
    let mut a = resp3(addr);
    let mut b = Conn::connect(addr);
    b.t("RPUSH k a", b":1\r\n");
    a.t("CLIENT TRACKING on", ok());
    a.t("LRANGE k 0 -1", b"*1\r\n$1\r\na\r\n");
    b.t("LTRIM k 0 -1", ok());
    expect(&mut a, &inv(&["k"]));
}
