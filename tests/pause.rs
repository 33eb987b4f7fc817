//! CLIENT PAUSE and CLIENT UNPAUSE: held commands stay in their clients'
//! buffers and run, in order and complete, when the pause ends.

mod common;

use common::{Conn, start};

#[test]
fn pause_write_holds_writes_while_reads_go_on() {
    let (_server, addr) = start();
    let mut admin = Conn::connect(addr);
    admin.t("SET k old", b"+OK\r\n");
    admin.t("CLIENT PAUSE 100000 WRITE", b"+OK\r\n");
    let mut writer = Conn::connect(addr);
    writer.send_raw(b"SET k new\r\nGET k\r\n");
    let mut publisher = Conn::connect(addr);
    publisher.send_raw(b"PUBLISH ch msg\r\n");
    let mut reader = Conn::connect(addr);
    // Reads are served meanwhile, and see the old value.
    reader.t("GET k", b"$3\r\nold\r\n");
    reader.t("PING", b"+PONG\r\n");
    // A read-only transaction runs; one that queued a write waits at EXEC.
    reader.t("MULTI", b"+OK\r\n");
    reader.t("GET k", b"+QUEUED\r\n");
    reader.t("EXEC", b"*1\r\n$3\r\nold\r\n");
    // Refused commands are answered at once.
    reader.t(
        "NOSUCH",
        b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
    );
    admin.t("GET k", b"$3\r\nold\r\n");
    admin.t("CLIENT UNPAUSE", b"+OK\r\n");
    writer.raw(b"", b"+OK\r\n$3\r\nnew\r\n");
    publisher.raw(b"", b":0\r\n");
}

#[test]
fn queued_write_holds_exec() {
    let (_server, addr) = start();
    let mut tx = Conn::connect(addr);
    tx.t("MULTI", b"+OK\r\n");
    tx.t("SET k v", b"+QUEUED\r\n");
    let mut admin = Conn::connect(addr);
    admin.t("CLIENT PAUSE 100000 WRITE", b"+OK\r\n");
    tx.send_raw(b"EXEC\r\n");
    admin.t("EXISTS k", b":0\r\n");
    admin.t("CLIENT UNPAUSE", b"+OK\r\n");
    tx.raw(b"", b"*1\r\n+OK\r\n");
}

#[test]
fn pause_all_holds_everything_until_timeout_in_order() {
    let (_server, addr) = start();
    let mut admin = Conn::connect(addr);
    admin.t("CLIENT PAUSE 300 ALL", b"+OK\r\n");
    let mut a = Conn::connect(addr);
    a.send_raw(b"RPUSH l a\r\n");
    let mut b = Conn::connect(addr);
    b.send_raw(b"RPUSH l b\r\nLRANGE l 0 -1\r\n");
    // Nothing lost, both run after the timeout.
    a.raw(b"", b":1\r\n");
    b.raw(b"", b":2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    admin.t("LRANGE l 0 -1", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}

#[test]
fn pause_arguments() {
    let (_server, addr) = start();
    let mut c = Conn::connect(addr);
    c.t(
        "CLIENT PAUSE 10 NONE",
        b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n",
    );
    c.t("CLIENT PAUSE x", b"-ERR timeout is not an integer or out of range\r\n");
    c.t("CLIENT PAUSE -1", b"-ERR timeout is negative\r\n");
    c.t(
        "CLIENT PAUSE 1 ALL x",
        b"-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
    );
    c.t(
        "CLIENT PAUSE",
        b"-ERR wrong number of arguments for 'client|pause' command\r\n",
    );
    c.t(
        "CLIENT UNPAUSE x",
        b"-ERR wrong number of arguments for 'client|unpause' command\r\n",
    );
    c.t("CLIENT PAUSE 0", b"+OK\r\n");
    c.t("PING", b"+PONG\r\n");
    c.t("CLIENT UNPAUSE", b"+OK\r\n");
}

#[test]
fn keys_do_not_expire_while_clients_are_paused() {
    let (_server, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("MULTI", b"+OK\r\n");
    c.t("SET a 1 PX 10", b"+QUEUED\r\n");
    c.t("LPUSH l x", b"+QUEUED\r\n");
    c.t("PEXPIRE l 10", b"+QUEUED\r\n");
    c.t("CLIENT PAUSE 100000 WRITE", b"+QUEUED\r\n");
    c.t("EXEC", b"*4\r\n+OK\r\n:1\r\n:1\r\n+OK\r\n");
    // Logically expired for reads, but nothing is deleted: as Redis,
    // DBSIZE still counts them and expired_keys stays 0.
    common::eventually("keys logically expired", || c.call(&["GET", "a"]) == b"$-1\r\n");
    c.t("EXISTS l a", b":0\r\n");
    c.t("TYPE l", b"+none\r\n");
    c.t("DBSIZE", b":2\r\n");
    assert_eq!(c.info_field("stats", "expired_keys"), "0");
    c.t("CLIENT UNPAUSE", b"+OK\r\n");
    c.t("GET a", b"$-1\r\n");
    c.t("EXISTS l", b":0\r\n");
    assert_eq!(c.info_field("stats", "expired_keys"), "2");
    c.t("DBSIZE", b":0\r\n");
}
