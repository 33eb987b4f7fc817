//! Blocking list commands: clients wait in FIFO order per key, are served
//! by pushes (also from another blocked client's move), time out with a
//! null reply, can be released by CLIENT UNBLOCK, and leave no trace when
//! they disconnect. Expected replies are Redis 7.0.15's.

mod common;

use common::{Conn, eventually, start};

/// Waits until the server reports `n` blocked clients.
fn wait_blocked(admin: &mut Conn, n: usize) {
    eventually(&format!("{n} blocked clients"), || {
        admin.info_field("clients", "blocked_clients") == n.to_string()
    });
}

#[test]
fn blpop_serves_immediately_when_data_exists() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("RPUSH k a b", b":2\r\n");
    c.t("BLPOP none k 0", b"*2\r\n$1\r\nk\r\n$1\r\na\r\n");
    c.t("BRPOP k 0", b"*2\r\n$1\r\nk\r\n$1\r\nb\r\n");
    c.t("EXISTS k", b":0\r\n");
}

#[test]
fn blocked_clients_are_served_in_fifo_order() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut waiters: Vec<Conn> = (0..3).map(|_| Conn::connect(addr)).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.send_raw(b"BLPOP q 0\r\n");
        wait_blocked(&mut admin, i + 1);
    }
    admin.t("RPUSH q 1 2 3", b":3\r\n");
    for (i, w) in waiters.iter_mut().enumerate() {
        let want = format!("*2\r\n$1\r\nq\r\n$1\r\n{}\r\n", i + 1);
        assert_eq!(w.read_replies(1), want.as_bytes());
    }
    admin.t("EXISTS q", b":0\r\n");
    wait_blocked(&mut admin, 0);
    // The served clients work normally again.
    waiters[0].t("PING", b"+PONG\r\n");
}

#[test]
fn timeout_replies_null_in_resp2_and_resp3() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("BLPOP nothing 0.05", b"*-1\r\n");
    c.t("BLMOVE nothing dst LEFT RIGHT 0.05", b"*-1\r\n");
    let _ = c.call(&["HELLO", "3"]);
    c.t("BRPOP nothing 0.05", b"_\r\n");
}

#[test]
fn argument_errors() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("BLPOP k -1", b"-ERR timeout is negative\r\n");
    c.t("BLPOP k abc", b"-ERR timeout is not a float or out of range\r\n");
    c.t("SET s x", b"+OK\r\n");
    c.t(
        "BLPOP s 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    c.t("BLMOVE k d UP LEFT 0", b"-ERR syntax error\r\n");
    c.t("BLMPOP 0 0 k LEFT", b"-ERR numkeys should be greater than 0\r\n");
}

#[test]
fn disconnected_waiter_leaves_no_trace() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    {
        let mut w = Conn::connect(addr);
        w.send_raw(b"BLPOP gone 0\r\n");
        wait_blocked(&mut admin, 1);
    }
    wait_blocked(&mut admin, 0);
    admin.t("LPUSH gone x", b":1\r\n");
    admin.t("LLEN gone", b":1\r\n");
}

#[test]
fn client_unblock_timeout_and_error() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut w = Conn::connect(addr);
    let id = w.int("CLIENT ID");
    w.send_raw(b"BLPOP k 0\r\n");
    wait_blocked(&mut admin, 1);
    admin.t(&format!("CLIENT UNBLOCK {id}"), b":1\r\n");
    assert_eq!(w.read_replies(1), b"*-1\r\n");
    admin.t(&format!("CLIENT UNBLOCK {id}"), b":0\r\n");
    w.send_raw(b"BLPOP k 0\r\n");
    wait_blocked(&mut admin, 1);
    admin.t(&format!("CLIENT UNBLOCK {id} ERROR"), b":1\r\n");
    assert_eq!(w.read_replies(1), b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    admin.t(
        &format!("CLIENT UNBLOCK {id} FOO"),
        b"-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
    );
}

#[test]
fn blocking_is_per_database() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut w = Conn::connect(addr);
    w.t("SELECT 3", b"+OK\r\n");
    w.send_raw(b"BLPOP k 0\r\n");
    wait_blocked(&mut admin, 1);
    admin.t("LPUSH k in-db0", b":1\r\n");
    admin.t("SELECT 3", b"+OK\r\n");
    admin.t("LPUSH k in-db3", b":1\r\n");
    assert_eq!(w.read_replies(1), b"*2\r\n$1\r\nk\r\n$6\r\nin-db3\r\n");
    admin.t("SELECT 0", b"+OK\r\n");
    admin.t("LLEN k", b":1\r\n");
}

#[test]
fn blmove_chain_wakes_the_next_waiter() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut mover = Conn::connect(addr);
    let mut popper = Conn::connect(addr);
    popper.send_raw(b"BLPOP dst 0\r\n");
    wait_blocked(&mut admin, 1);
    mover.send_raw(b"BLMOVE src dst LEFT RIGHT 0\r\n");
    wait_blocked(&mut admin, 2);
    admin.t("RPUSH src v", b":1\r\n");
    assert_eq!(mover.read_replies(1), b"$1\r\nv\r\n");
    assert_eq!(popper.read_replies(1), b"*2\r\n$3\r\ndst\r\n$1\r\nv\r\n");
    admin.t("DBSIZE", b":0\r\n");
}

#[test]
fn blmpop_with_count_and_rename_onto_a_waited_key() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut w = Conn::connect(addr);
    w.send_raw(b"BLMPOP 0 2 a b RIGHT COUNT 2\r\n");
    wait_blocked(&mut admin, 1);
    admin.t("RPUSH tmp 1 2 3", b":3\r\n");
    admin.t("RENAME tmp b", b"+OK\r\n");
    assert_eq!(w.read_replies(1), b"*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
    admin.t("LRANGE b 0 -1", b"*1\r\n$1\r\n1\r\n");
}

#[test]
fn info_counts_blocked_clients_and_timeouts() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut forever = Conn::connect(addr);
    let mut timed = Conn::connect(addr);
    forever.send_raw(b"BLPOP a 0\r\n");
    timed.send_raw(b"BLPOP b 100\r\n");
    wait_blocked(&mut admin, 2);
    assert_eq!(admin.info_field("clients", "clients_in_timeout_table"), "1");
    admin.t("RPUSH a 1", b":1\r\n");
    admin.t("RPUSH b 1", b":1\r\n");
    assert_eq!(forever.read_replies(1), b"*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    assert_eq!(timed.read_replies(1), b"*2\r\n$1\r\nb\r\n$1\r\n1\r\n");
    wait_blocked(&mut admin, 0);
    assert_eq!(admin.info_field("clients", "clients_in_timeout_table"), "0");
}

#[test]
fn waiter_for_another_type_keeps_waiting() {
    // A BLPOP waiter is not served (nor failed) when its key becomes a
    // sorted set; a BZPOPMIN waiter behind it on the same key is served.
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut list_waiter = Conn::connect(addr);
    let mut zset_waiter = Conn::connect(addr);
    list_waiter.send_raw(b"BLPOP k 0\r\n");
    wait_blocked(&mut admin, 1);
    zset_waiter.send_raw(b"BZPOPMIN k 0\r\n");
    wait_blocked(&mut admin, 2);
    admin.t("ZADD k 1 a", b":1\r\n");
    assert_eq!(zset_waiter.read_replies(1), b"*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n");
    wait_blocked(&mut admin, 1);
    admin.t("ZADD k 2 b", b":1\r\n");
    admin.t("ZCARD k", b":1\r\n");
    admin.t("DEL k", b":1\r\n");
    admin.t("RPUSH k x", b":1\r\n");
    assert_eq!(list_waiter.read_replies(1), b"*2\r\n$1\r\nk\r\n$1\r\nx\r\n");
    wait_blocked(&mut admin, 0);
}

#[test]
fn swapdb_serves_clients_blocked_on_the_swapped_in_data() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut waiter = Conn::connect(addr);
    let mut wrong_type = Conn::connect(addr);
    admin.t("SELECT 1", b"+OK\r\n");
    admin.t("RPUSH k hello", b":1\r\n");
    admin.t("SET s x", b"+OK\r\n");
    waiter.t("SELECT 9", b"+OK\r\n");
    waiter.send_raw(b"BRPOP k 0\r\n");
    wait_blocked(&mut admin, 1);
    wrong_type.t("SELECT 9", b"+OK\r\n");
    wrong_type.send_raw(b"BLPOP s 0\r\n");
    wait_blocked(&mut admin, 2);
    admin.t("SWAPDB 1 9", b"+OK\r\n");
    assert_eq!(waiter.read_replies(1), b"*2\r\n$1\r\nk\r\n$5\r\nhello\r\n");
    // A key of another type does not serve a list pop: it keeps waiting.
    wait_blocked(&mut admin, 1);
    admin.t("SELECT 9", b"+OK\r\n");
    admin.t("EXISTS k", b":0\r\n");
    admin.t("TYPE s", b"+string\r\n");
}

/// `cmdstat_<name>` line of INFO commandstats.
fn cmdstat(admin: &mut Conn, name: &str) -> String {
    admin.info_field("commandstats", &format!("cmdstat_{name}"))
}

#[test]
fn a_blocked_call_counts_once_and_fails_when_unblocked_with_error() {
    let (_h, addr) = start();
    let mut admin = Conn::connect(addr);
    let mut waiter = Conn::connect(addr);
    // Served after blocking: one call, as Redis (not one per attempt).
    waiter.send_raw(b"BLPOP q 0\r\n");
    wait_blocked(&mut admin, 1);
    admin.t("RPUSH q a", b":1\r\n");
    assert_eq!(waiter.read_replies(1), b"*2\r\n$1\r\nq\r\n$1\r\na\r\n");
    assert!(cmdstat(&mut admin, "blpop").starts_with("calls=1,"));
    // Unblocked with an error: still one call, now a failed one.
    admin.t("CONFIG RESETSTAT", b"+OK\r\n");
    let id = waiter.int("CLIENT ID");
    waiter.send_raw(b"BLPOP q 0\r\n");
    wait_blocked(&mut admin, 1);
    admin.t(&format!("CLIENT UNBLOCK {id} ERROR"), b":1\r\n");
    assert_eq!(
        waiter.read_replies(1),
        b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    );
    let stat = cmdstat(&mut admin, "blpop");
    assert!(
        stat.starts_with("calls=1,") && stat.ends_with(",rejected_calls=0,failed_calls=1"),
        "{stat}"
    );
    assert_eq!(admin.info_field("errorstats", "errorstat_UNBLOCKED"), "count=1");
    assert_eq!(admin.info_field("stats", "total_error_replies"), "1");
}
