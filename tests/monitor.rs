//! MONITOR: the exact line format (modulo the timestamp), what is fed and
//! what is not, transactions, redaction, and redis-cli's `monitor` mode.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{Conn, start};

/// Reads one monitor line and returns it without its timestamp, after
/// checking the timestamp's `+secs.micros ` shape.
fn line(mon: &mut Conn) -> String {
    let raw = String::from_utf8(mon.read_replies(1)).unwrap();
    let rest = raw.strip_prefix('+').expect("status line");
    let (stamp, tail) = rest.split_once(' ').unwrap();
    let (secs, micros) = stamp.split_once('.').unwrap();
    assert!(secs.chars().all(|c| c.is_ascii_digit()) && micros.len() == 6, "{raw}");
    tail.to_string()
}

/// The client's `ip:port` as the server sees it (CLIENT INFO's `addr=`).
fn peer(c: &mut Conn) -> String {
    let info = String::from_utf8(c.call(&["CLIENT", "INFO"])).unwrap();
    let at = info.find(" addr=").unwrap() + 6;
    info[at..].split(' ').next().unwrap().to_string()
}

#[test]
fn lines_quote_arguments_and_show_database_and_peer() {
    let (_server, addr) = start();
    let mut c = Conn::connect(addr);
    let me = peer(&mut c);
    let mut mon = Conn::connect(addr);
    mon.t("MONITOR", b"+OK\r\n");
    c.check(&[&b"SET"[..], b"a b", b"x\"y\\\n\r\t\x07\x08\x00\xff~"], b"+OK\r\n");
    assert_eq!(
        line(&mut mon),
        format!("[0 {me}] \"SET\" \"a b\" \"x\\\"y\\\\\\n\\r\\t\\a\\b\\x00\\xff~\"\r\n")
    );
    c.t("SELECT 3", b"+OK\r\n");
    assert_eq!(line(&mut mon), format!("[3 {me}] \"SELECT\" \"3\"\r\n"));
    c.t("GET nosuch", b"$-1\r\n");
    assert_eq!(line(&mut mon), format!("[3 {me}] \"GET\" \"nosuch\"\r\n"));
    // Not fed: unknown commands, wrong arity, admin commands (CONFIG,
    // CLIENT LIST). AUTH is fed with its arguments redacted.
    c.t(
        "NOSUCH x",
        b"-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n",
    );
    c.t("GET", b"-ERR wrong number of arguments for 'get' command\r\n");
    c.check(
        &["AUTH", "pw"],
        b"-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
    );
    assert_eq!(line(&mut mon), format!("[3 {me}] \"AUTH\" \"(redacted)\"\r\n"));
    c.check(&["AUTH", "a", "b", "c"], b"-ERR syntax error\r\n");
    assert_eq!(line(&mut mon), format!("[3 {me}] \"AUTH\" \"a\" \"b\" \"c\"\r\n"));
    c.call(&["CONFIG", "GET", "hz"]);
    c.call(&["CLIENT", "LIST"]);
    c.t("PING", b"+PONG\r\n");
    assert_eq!(line(&mut mon), format!("[3 {me}] \"PING\"\r\n"));
    // HELLO AUTH: user name and password are redacted.
    c.call(&["HELLO", "2", "AUTH", "default", "secret"]);
    assert_eq!(
        line(&mut mon),
        format!("[3 {me}] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n")
    );
}

#[test]
fn transactions_are_fed_as_they_run() {
    let (_server, addr) = start();
    let mut c = Conn::connect(addr);
    let me = peer(&mut c);
    let mut mon = Conn::connect(addr);
    mon.t("MONITOR", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k v", b"+QUEUED\r\n");
    c.t("MONITOR", b"+QUEUED\r\n");
    c.t(
        "EXEC",
        b"*2\r\n+OK\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
    );
    assert_eq!(line(&mut mon), format!("[0 {me}] \"MULTI\"\r\n"));
    assert_eq!(line(&mut mon), format!("[0 {me}] \"SET\" \"k\" \"v\"\r\n"));
    assert_eq!(line(&mut mon), format!("[0 {me}] \"EXEC\"\r\n"));
    // A transaction that failed to queue: MULTI, then EXEC.
    c.t("MULTI", b"+OK\r\n");
    c.t(
        "NOSUCH",
        b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
    );
    c.t(
        "EXEC",
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    assert_eq!(line(&mut mon), format!("[0 {me}] \"MULTI\"\r\n"));
    assert_eq!(line(&mut mon), format!("[0 {me}] \"EXEC\"\r\n"));
    // EXEC rejected for its arity still ends the transaction for monitors.
    c.t("MULTI", b"+OK\r\n");
    c.t(
        "EXEC x",
        b"-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
    );
    assert_eq!(line(&mut mon), format!("[0 {me}] \"MULTI\"\r\n"));
    assert_eq!(line(&mut mon), format!("[0 {me}] \"EXEC\" \"x\"\r\n"));
}

#[test]
fn a_monitor_sees_its_own_later_commands_and_leaves_on_reset_or_close() {
    let (_server, addr) = start();
    let mut mon = Conn::connect(addr);
    let mon_peer = peer(&mut mon);
    mon.t("MONITOR", b"+OK\r\n");
    // A second MONITOR is ignored without a reply; PING is fed to itself
    // after its own reply.
    mon.send_raw(b"MONITOR\r\nPING\r\n");
    assert_eq!(show_two(&mut mon), format!("+PONG\r\n+ [0 {mon_peer}] \"PING\"\r\n"));
    mon.t("RESET", b"+RESET\r\n");
    let mut c = Conn::connect(addr);
    let me = peer(&mut c);
    c.t("PING", b"+PONG\r\n");
    mon.t("PING", b"+PONG\r\n");
    // A closed monitor is forgotten; a new one works.
    let mut mon2 = Conn::connect(addr);
    mon2.t("MONITOR", b"+OK\r\n");
    drop(mon2);
    let mut mon3 = Conn::connect(addr);
    mon3.t("MONITOR", b"+OK\r\n");
    c.t("ECHO hi", b"$2\r\nhi\r\n");
    assert_eq!(line(&mut mon3), format!("[0 {me}] \"ECHO\" \"hi\"\r\n"));
}

/// Two replies, the second a monitor line whose timestamp is blanked.
fn show_two(mon: &mut Conn) -> String {
    let first = String::from_utf8(mon.read_replies(1)).unwrap();
    let second = line(mon);
    format!("{first}+ {second}")
}

#[test]
fn redis_cli_monitor_prints_lines() {
    let (_server, addr) = start();
    let mut child = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &addr.port().to_string(), "monitor"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-cli");
    let pid = child.id();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert_eq!(first, "OK\n");
    let mut c = Conn::connect(addr);
    let me = peer(&mut c);
    let mut skipped = String::new();
    out.read_line(&mut skipped).unwrap();
    assert!(
        skipped.ends_with(&format!("[0 {me}] \"CLIENT\" \"INFO\"\n")),
        "{skipped}"
    );
    c.t("SET greeting hello", b"+OK\r\n");
    let mut next = String::new();
    out.read_line(&mut next).unwrap();
    let (_stamp, rest) = next.split_once(' ').unwrap();
    assert_eq!(rest, format!("[0 {me}] \"SET\" \"greeting\" \"hello\"\n"));
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let _ = child.wait();
}
