//! Connection commands and connection handling against an embedded
//! loopkv, with exact reply bytes (checked against redis-server 7.0.15):
//! PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH, the CLIENT family, and
//! the limits a connection lives under (maxclients, timeout, query
//! buffer), pipelining, large values and protocol errors.

mod diff_support;

use std::io::Write;
use std::time::Duration;

use diff_support::{Loopkv, V, encode, esc};

fn int_of(reply: &[u8]) -> i64 {
    assert_eq!(reply[0], b':', "not an integer reply: {}", esc(reply));
    std::str::from_utf8(&reply[1..reply.len() - 2])
        .unwrap()
        .parse()
        .unwrap()
}

/// HELLO's reply for protocol `proto` and client `id`.
fn hello_reply(proto: u8, id: i64) -> Vec<u8> {
    let head = if proto == 3 { "%7" } else { "*14" };
    format!(
        "{head}\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:{proto}\r\n$2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
    )
    .into_bytes()
}

/// The text of a CLIENT INFO / CLIENT LIST reply (RESP2 bulk).
fn text_of(reply: &[u8]) -> String {
    String::from_utf8(V::parse(reply).text().to_vec()).unwrap()
}

/// `field=value` of one CLIENT LIST line.
fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {name}= in {line}"))
}

#[test]
fn ping_and_echo() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("PING", b"+PONG\r\n");
    c.expect("ping hello", b"$5\r\nhello\r\n");
    c.expect("PING a b", b"-ERR wrong number of arguments for 'ping' command\r\n");
    c.expect("ECHO hi", b"$2\r\nhi\r\n");
    c.expect_args(&[b"ECHO", b""], b"$0\r\n\r\n");
    c.expect_args(&[b"ECHO", b"a\r\nb\x00"], b"$5\r\na\r\nb\x00\r\n");
    c.expect("ECHO", b"-ERR wrong number of arguments for 'echo' command\r\n");
    c.expect("ECHO a b", b"-ERR wrong number of arguments for 'echo' command\r\n");
}

#[test]
fn select_switches_database() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("SET k zero", b"+OK\r\n");
    c.expect("SELECT 15", b"+OK\r\n");
    c.expect("GET k", b"$-1\r\n");
    c.expect("SET k fifteen", b"+OK\r\n");
    c.expect("SELECT 0", b"+OK\r\n");
    c.expect("GET k", b"$4\r\nzero\r\n");
    c.expect("SELECT 16", b"-ERR DB index is out of range\r\n");
    c.expect("SELECT -1", b"-ERR DB index is out of range\r\n");
    c.expect("SELECT abc", b"-ERR value is not an integer or out of range\r\n");
    c.expect("SELECT 1.5", b"-ERR value is not an integer or out of range\r\n");
    c.expect(
        "SELECT 2147483648",
        b"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
    );
    // A failed SELECT keeps the current database.
    c.expect("GET k", b"$4\r\nzero\r\n");
    // Each connection has its own database.
    let mut other = s.conn();
    c.expect("SELECT 15", b"+OK\r\n");
    other.expect("GET k", b"$4\r\nzero\r\n");
}

#[test]
fn quit_replies_ok_then_closes() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    // Commands pipelined after QUIT are not run.
    c.send_raw(&[encode(&[b"QUIT"]), encode(&[b"SET", b"after", b"quit"])].concat());
    assert_eq!(esc(&c.read_reply().unwrap()), "+OK\\r\\n");
    assert_eq!(c.closed(), (true, Vec::new()));
    s.conn().expect("EXISTS after", b":0\r\n");
    // QUIT takes (and ignores) arguments, like Redis 7.0.
    let mut c = s.conn();
    c.expect("QUIT now", b"+OK\r\n");
    assert!(c.closed().0);
}

#[test]
fn reset_restores_a_fresh_connection() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let id = int_of(&c.cmd_str("CLIENT ID"));
    c.expect("SELECT 3", b"+OK\r\n");
    c.expect("SET in3 v", b"+OK\r\n");
    c.expect("CLIENT SETNAME named", b"+OK\r\n");
    c.expect_args(&[b"HELLO", b"3"], &hello_reply(3, id));
    c.expect("CLIENT NO-EVICT ON", b"+OK\r\n");
    c.expect("RESET", b"+RESET\r\n");
    // Database 0, no name, RESP2 (a null is $-1 again), same client id.
    c.expect("GET in3", b"$-1\r\n");
    c.expect("CLIENT GETNAME", b"$-1\r\n");
    assert_eq!(int_of(&c.cmd_str("CLIENT ID")), id);
    c.expect("RESET x", b"-ERR wrong number of arguments for 'reset' command\r\n");
    // RESET turns replies back on.
    c.send(&[b"CLIENT", b"REPLY", b"OFF"]);
    c.expect("RESET", b"+RESET\r\n");
    c.expect("PING", b"+PONG\r\n");
}

#[test]
fn hello_versions_and_options() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let id = int_of(&c.cmd_str("CLIENT ID"));
    c.expect("HELLO", &hello_reply(2, id));
    c.expect("HELLO 3", &hello_reply(3, id));
    // RESP3 replies now: null, double, map.
    c.expect("GET nosuch", b"_\r\n");
    c.expect("SET f 1.5", b"+OK\r\n");
    c.expect("CONFIG GET maxmemory", b"%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
    // HELLO without a version keeps the protocol.
    c.expect("HELLO", &hello_reply(3, id));
    c.expect("HELLO 2", &hello_reply(2, id));
    c.expect("GET nosuch", b"$-1\r\n");
    c.expect("HELLO 1", b"-NOPROTO unsupported protocol version\r\n");
    c.expect("HELLO 4", b"-NOPROTO unsupported protocol version\r\n");
    c.expect(
        "HELLO abc",
        b"-ERR Protocol version is not an integer or out of range\r\n",
    );
    c.expect("HELLO 3 FOO", b"-ERR Syntax error in HELLO option 'FOO'\r\n");
    c.expect("HELLO 3 AUTH default", b"-ERR Syntax error in HELLO option 'AUTH'\r\n");
    c.expect("HELLO 3 SETNAME", b"-ERR Syntax error in HELLO option 'SETNAME'\r\n");
    c.expect_args(
        &[b"HELLO", b"3", b"SETNAME", b"a b"],
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
    // None of the failed calls changed the protocol.
    c.expect("GET nosuch", b"$-1\r\n");
    c.expect("HELLO 2 SETNAME app", &hello_reply(2, id));
    c.expect("CLIENT GETNAME", b"$3\r\napp\r\n");
    // Without requirepass the default user takes any password.
    c.expect("HELLO 2 AUTH default anything", &hello_reply(2, id));
    c.expect(
        "HELLO 2 AUTH someone x",
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
}

#[test]
fn auth_without_requirepass() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect(
        "AUTH pass",
        b"-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
    );
    c.expect("AUTH default pass", b"+OK\r\n");
    c.expect(
        "AUTH other pass",
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    c.expect("AUTH a b c", b"-ERR syntax error\r\n");
    c.expect("AUTH", b"-ERR wrong number of arguments for 'auth' command\r\n");
}

#[test]
fn auth_with_requirepass() {
    let s = Loopkv::start(&[("requirepass", "s3cret")]);
    let mut c = s.conn();
    let noauth = b"-NOAUTH Authentication required.\r\n";
    c.expect("PING", noauth);
    c.expect("GET k", noauth);
    c.expect("CLIENT ID", noauth);
    // Unknown commands and arity are checked before authentication.
    c.expect(
        "NOSUCH",
        b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
    );
    c.expect("GET", b"-ERR wrong number of arguments for 'get' command\r\n");
    let wrongpass = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    c.expect("AUTH wrong", wrongpass);
    c.expect("AUTH default wrong", wrongpass);
    c.expect("AUTH nouser s3cret", wrongpass);
    c.expect("GET k", noauth);
    c.expect(
        "HELLO 3",
        b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n",
    );
    c.expect("HELLO 3 AUTH default wrong", wrongpass);
    c.expect("AUTH s3cret", b"+OK\r\n");
    c.expect("SET k v", b"+OK\r\n");
    c.expect("GET k", b"$1\r\nv\r\n");
    // A failed AUTH after a good one keeps the connection authenticated.
    c.expect("AUTH wrong", wrongpass);
    c.expect("GET k", b"$1\r\nv\r\n");
    // RESET drops the authentication.
    c.expect("RESET", b"+RESET\r\n");
    c.expect("GET k", noauth);
    c.expect("AUTH default s3cret", b"+OK\r\n");
    c.expect("GET k", b"$1\r\nv\r\n");
    // HELLO with AUTH authenticates and switches protocol at once.
    let mut h = s.conn();
    let reply = h.cmd_str("HELLO 3 AUTH default s3cret SETNAME app");
    assert!(reply.starts_with(b"%7\r\n$6\r\nserver\r\n"), "{}", esc(&reply));
    h.expect("GET nosuch", b"_\r\n");
    h.expect("CLIENT GETNAME", b"$3\r\napp\r\n");
}

/// Redis refuses more than 10 arguments and bulks over 16384 bytes before
/// AUTH, and lifts both limits once the client is authenticated.
#[test]
fn unauthenticated_limits() {
    let s = Loopkv::start(&[("requirepass", "s3cret")]);
    let mut c = s.conn();
    c.expect("ECHO 0123456789abcdef", b"-NOAUTH Authentication required.\r\n");
    c.expect("AUTH s3cret", b"+OK\r\n");
    let big = vec![b'x'; 20000];
    let want = [
        format!("${}\r\n", big.len()).into_bytes(),
        big.clone(),
        b"\r\n".to_vec(),
    ]
    .concat();
    c.expect_args(&[b"ECHO", &big], &want);
    let mut many: Vec<&[u8]> = vec![b"DEL"];
    many.extend(std::iter::repeat_n(&b"k"[..], 11));
    c.expect_args(&many, b":0\r\n");
    let mut fresh = s.conn();
    fresh.send_raw(b"*11\r\n");
    assert_eq!(
        esc(&fresh.read_reply().unwrap()),
        esc(b"-ERR Protocol error: unauthenticated multibulk length\r\n")
    );
    let mut fresh = s.conn();
    fresh.send_raw(b"*1\r\n$16385\r\n");
    assert_eq!(
        esc(&fresh.read_reply().unwrap()),
        esc(b"-ERR Protocol error: unauthenticated bulk length\r\n")
    );
}

#[test]
fn client_id_setname_getname() {
    let s = Loopkv::start(&[]);
    let mut a = s.conn();
    let mut b = s.conn();
    let (ida, idb) = (int_of(&a.cmd_str("CLIENT ID")), int_of(&b.cmd_str("CLIENT ID")));
    assert!(idb > ida, "ids grow: {ida} {idb}");
    a.expect("CLIENT GETNAME", b"$-1\r\n");
    a.expect("CLIENT SETNAME worker-1", b"+OK\r\n");
    a.expect("CLIENT GETNAME", b"$8\r\nworker-1\r\n");
    b.expect("CLIENT GETNAME", b"$-1\r\n");
    let bad = b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n";
    a.expect_args(&[b"CLIENT", b"SETNAME", b"a b"], bad);
    a.expect_args(&[b"CLIENT", b"SETNAME", b"a\nb"], bad);
    a.expect("CLIENT GETNAME", b"$8\r\nworker-1\r\n");
    a.expect_args(&[b"CLIENT", b"SETNAME", b""], b"+OK\r\n");
    a.expect("CLIENT GETNAME", b"$-1\r\n");
    a.expect(
        "CLIENT SETNAME a b",
        b"-ERR wrong number of arguments for 'client|setname' command\r\n",
    );
    a.expect(
        "CLIENT ID x",
        b"-ERR wrong number of arguments for 'client|id' command\r\n",
    );
    a.expect("CLIENT", b"-ERR wrong number of arguments for 'client' command\r\n");
    a.expect(
        "CLIENT NOSUCH",
        b"-ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.\r\n",
    );
}

#[test]
fn client_info_and_list() {
    let s = Loopkv::start(&[]);
    let mut a = s.conn();
    let mut b = s.conn();
    let ida = int_of(&a.cmd_str("CLIENT ID"));
    let idb = int_of(&b.cmd_str("CLIENT ID"));
    a.expect("CLIENT SETNAME alpha", b"+OK\r\n");
    a.expect("SELECT 2", b"+OK\r\n");
    let info = text_of(&a.cmd_str("CLIENT INFO"));
    assert!(info.ends_with('\n') && info.lines().count() == 1, "{info}");
    let line = info.trim_end();
    assert_eq!(field(line, "id"), ida.to_string());
    assert_eq!(field(line, "addr"), a.stream.local_addr().unwrap().to_string());
    assert_eq!(field(line, "laddr"), s.addr.to_string());
    assert_eq!(field(line, "name"), "alpha");
    assert_eq!(field(line, "db"), "2");
    assert_eq!(field(line, "flags"), "N");
    assert_eq!(field(line, "cmd"), "client|info");
    assert_eq!(field(line, "user"), "default");
    assert_eq!(field(line, "resp"), "2");
    let list = text_of(&b.cmd_str("CLIENT LIST"));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert_eq!(field(lines[0], "id"), ida.to_string());
    assert_eq!(field(lines[0], "cmd"), "client|info");
    assert_eq!(field(lines[1], "id"), idb.to_string());
    assert_eq!(field(lines[1], "cmd"), "client|list");
    let only_a = text_of(&b.cmd(&[b"CLIENT", b"LIST", b"ID", ida.to_string().as_bytes()]));
    assert_eq!(only_a.lines().count(), 1);
    assert_eq!(field(only_a.trim_end(), "name"), "alpha");
    b.expect("CLIENT LIST ID 0 999999", b"$0\r\n\r\n");
    b.expect("CLIENT LIST ID abc", b"-ERR Invalid client ID\r\n");
    b.expect("CLIENT LIST TYPE pubsub", b"$0\r\n\r\n");
    assert_eq!(text_of(&b.cmd_str("CLIENT LIST TYPE normal")).lines().count(), 2);
    b.expect("CLIENT LIST TYPE nosuch", b"-ERR Unknown client type 'nosuch'\r\n");
    b.expect("CLIENT LIST FOO", b"-ERR syntax error\r\n");
    // RESP3: a verbatim string.
    b.cmd_str("HELLO 3");
    let reply = b.cmd_str("CLIENT INFO");
    assert!(
        reply.starts_with(b"=") && reply[reply.iter().position(|&c| c == b'\n').unwrap() + 1..].starts_with(b"txt:id=")
    );
}

/// CLIENT INFO's fields are exactly Redis 7.0.15's, in order.
#[test]
fn client_info_fields_match_redis() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let info = text_of(&c.cmd_str("CLIENT INFO"));
    let names: Vec<&str> = info
        .trim_end()
        .split(' ')
        .map(|kv| kv.split('=').next().unwrap())
        .collect();
    let redis = "id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp";
    assert_eq!(names.join(" "), redis);
}

#[test]
fn client_kill_forms() {
    let s = Loopkv::start(&[]);
    let mut me = s.conn();
    let mut victim = s.conn();
    let victim_id = int_of(&victim.cmd_str("CLIENT ID"));
    // By ID.
    me.expect("CLIENT KILL ID 999999", b":0\r\n");
    me.expect(&format!("CLIENT KILL ID {victim_id}"), b":1\r\n");
    assert!(victim.closed().0);
    me.expect("CLIENT KILL ID 0", b"-ERR client-id should be greater than 0\r\n");
    me.expect("CLIENT KILL ID abc", b"-ERR client-id should be greater than 0\r\n");
    // By ADDR.
    let mut victim = s.conn();
    victim.expect("PING", b"+PONG\r\n");
    let addr = victim.stream.local_addr().unwrap().to_string();
    me.expect(&format!("CLIENT KILL ADDR {addr}"), b":1\r\n");
    assert!(victim.closed().0);
    me.expect(&format!("CLIENT KILL ADDR {addr}"), b":0\r\n");
    // The old form: OK, or an error when nothing matched.
    let mut victim = s.conn();
    victim.expect("PING", b"+PONG\r\n");
    let addr = victim.stream.local_addr().unwrap().to_string();
    me.expect(&format!("CLIENT KILL {addr}"), b"+OK\r\n");
    assert!(victim.closed().0);
    me.expect(&format!("CLIENT KILL {addr}"), b"-ERR No such client\r\n");
    // SKIPME: yes (the default) spares the caller, no kills it after the reply.
    let own = me.stream.local_addr().unwrap().to_string();
    me.expect(&format!("CLIENT KILL ADDR {own}"), b":0\r\n");
    me.expect(&format!("CLIENT KILL ADDR {own} SKIPME yes"), b":0\r\n");
    me.expect("CLIENT KILL SKIPME maybe", b"-ERR syntax error\r\n");
    me.expect("CLIENT KILL TYPE nosuch", b"-ERR Unknown client type 'nosuch'\r\n");
    me.expect("CLIENT KILL USER nosuch", b"-ERR No such user 'nosuch'\r\n");
    // Two arguments are the old form: "ID" is taken for an address.
    me.expect("CLIENT KILL ID", b"-ERR No such client\r\n");
    let mut bystander = s.conn();
    bystander.expect("PING", b"+PONG\r\n");
    me.expect(&format!("CLIENT KILL ADDR {own} SKIPME no"), b":1\r\n");
    assert!(me.closed().0);
    bystander.expect("PING", b"+PONG\r\n");
    // Killing by TYPE normal, skipping the caller.
    let mut other = s.conn();
    other.expect("PING", b"+PONG\r\n");
    bystander.expect("CLIENT KILL TYPE normal", b":1\r\n");
    assert!(other.closed().0);
    bystander.expect("PING", b"+PONG\r\n");
}

/// CLIENT SETINFO is a Redis 7.2 command loopkv also has.
#[test]
fn client_setinfo() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("CLIENT SETINFO LIB-NAME redis-py", b"+OK\r\n");
    c.expect("CLIENT SETINFO lib-ver 5.0.1", b"+OK\r\n");
    // Redis 7.0's CLIENT INFO has no lib-name/lib-ver fields (7.2 added
    // them with SETINFO); loopkv keeps 7.0's line.
    let info = text_of(&c.cmd_str("CLIENT INFO"));
    assert!(info.trim_end().ends_with(" resp=2"), "{info}");
    c.expect_args(
        &[b"CLIENT", b"SETINFO", b"lib-name", b"a b"],
        b"-ERR lib-name cannot contain spaces, newlines or special characters.\r\n",
    );
    c.expect("CLIENT SETINFO foo bar", b"-ERR Unrecognized option 'foo'\r\n");
}

#[test]
fn client_reply_on_off_skip() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    // OFF: no reply at all, not even to errors, until ON (which answers).
    c.send_raw(
        &[
            encode(&[b"CLIENT", b"REPLY", b"OFF"]),
            encode(&[b"SET", b"k", b"1"]),
            encode(&[b"INCR", b"k"]),
            encode(&[b"NOSUCH"]),
            encode(&[b"CLIENT", b"REPLY", b"SKIP"]),
            encode(&[b"CLIENT", b"REPLY", b"ON"]),
            encode(&[b"GET", b"k"]),
        ]
        .concat(),
    );
    assert_eq!(esc(&c.read_reply().unwrap()), "+OK\\r\\n");
    assert_eq!(esc(&c.read_reply().unwrap()), "$1\\r\\n2\\r\\n");
    // SKIP: only the next command's reply is dropped.
    c.send_raw(
        &[
            encode(&[b"CLIENT", b"REPLY", b"SKIP"]),
            encode(&[b"INCR", b"k"]),
            encode(&[b"INCR", b"k"]),
        ]
        .concat(),
    );
    assert_eq!(esc(&c.read_reply().unwrap()), ":4\\r\\n");
    c.expect("CLIENT REPLY FOO", b"-ERR syntax error\r\n");
    c.expect(
        "CLIENT REPLY",
        b"-ERR wrong number of arguments for 'client|reply' command\r\n",
    );
}

#[test]
fn client_no_evict_and_no_touch() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("CLIENT NO-EVICT ON", b"+OK\r\n");
    c.expect("CLIENT NO-EVICT off", b"+OK\r\n");
    c.expect("CLIENT NO-EVICT maybe", b"-ERR syntax error\r\n");
    c.expect("CLIENT NO-TOUCH maybe", b"-ERR syntax error\r\n");
    // Under an LFU policy a read bumps a new key's counter from 5 to 6;
    // with NO-TOUCH it does not.
    c.expect("CONFIG SET maxmemory-policy allkeys-lfu", b"+OK\r\n");
    c.expect("SET touched v", b"+OK\r\n");
    c.expect("SET untouched v", b"+OK\r\n");
    c.expect("OBJECT FREQ untouched", b":5\r\n");
    c.expect("CLIENT NO-TOUCH ON", b"+OK\r\n");
    c.expect("GET untouched", b"$1\r\nv\r\n");
    c.expect("OBJECT FREQ untouched", b":5\r\n");
    c.expect("CLIENT NO-TOUCH OFF", b"+OK\r\n");
    c.expect("GET touched", b"$1\r\nv\r\n");
    c.expect("OBJECT FREQ touched", b":6\r\n");
}

#[test]
fn maxclients_refuses_the_extra_connection() {
    let s = Loopkv::start(&[("maxclients", "2")]);
    let mut a = s.conn();
    let mut b = s.conn();
    a.expect("PING", b"+PONG\r\n");
    b.expect("PING", b"+PONG\r\n");
    let mut c = s.conn();
    assert_eq!(c.closed(), (true, b"-ERR max number of clients reached\r\n".to_vec()));
    a.expect("PING", b"+PONG\r\n");
    // A freed slot can be used again.
    drop(b);
    let ok = diff_support::wait_until(Duration::from_secs(10), || {
        let mut d = s.conn();
        d.try_cmd(&[b"PING"]).is_ok_and(|r| r == b"+PONG\r\n")
    });
    assert!(ok, "a slot was freed");
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let s = Loopkv::start(&[("timeout", "1")]);
    let mut idle = s.conn();
    idle.expect("PING", b"+PONG\r\n");
    // The idle connection is closed by the server within the read timeout.
    assert_eq!(idle.closed(), (true, Vec::new()));
    s.conn().expect("PING", b"+PONG\r\n");
}

#[test]
fn query_buffer_limit_disconnects_only_the_offender() {
    let s = Loopkv::start(&[("client-query-buffer-limit", "1mb")]);
    let mut good = s.conn();
    good.expect("SET k v", b"+OK\r\n");
    let mut bad = s.conn();
    bad.send_raw(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$3000000\r\n");
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..24 {
        // The server may close while we write: that is the point.
        if bad.stream.write_all(&chunk).is_err() {
            break;
        }
    }
    assert!(bad.closed().0, "the client over the limit is disconnected");
    good.expect("GET k", b"$1\r\nv\r\n");
    good.expect("EXISTS big", b":0\r\n");
    let info = text_of(&good.cmd_str("INFO stats"));
    assert!(
        info.contains("client_query_buffer_limit_disconnections:1\r\n"),
        "{info}"
    );
}

#[test]
fn ten_thousand_pipelined_commands() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let n = 10_000;
    let request: Vec<u8> = (0..n).flat_map(|_| encode(&[b"INCR", b"counter"])).collect();
    c.send_raw(&request);
    let mut got = Vec::new();
    for _ in 0..n {
        got.extend(c.read_reply().unwrap());
    }
    let want: Vec<u8> = (1..=n).flat_map(|i| format!(":{i}\r\n").into_bytes()).collect();
    assert!(got == want, "pipelined replies differ");
    c.expect("GET counter", b"$5\r\n10000\r\n");
}

#[test]
fn ten_megabyte_value_in_small_writes() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let value: Vec<u8> = (0..10 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let mut request = format!("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${}\r\n", value.len()).into_bytes();
    request.extend_from_slice(&value);
    request.extend_from_slice(b"\r\n");
    for piece in request.chunks(4096) {
        c.stream.write_all(piece).unwrap();
    }
    assert_eq!(esc(&c.read_reply().unwrap()), "+OK\\r\\n");
    c.expect("STRLEN big", b":10485760\r\n");
    let reply = c.cmd_str("GET big");
    let mut want = b"$10485760\r\n".to_vec();
    want.extend_from_slice(&value);
    want.extend_from_slice(b"\r\n");
    assert!(reply == want, "GET big returned {} bytes, different", reply.len());
}

#[test]
fn protocol_errors_reply_then_close() {
    let s = Loopkv::start(&[]);
    let mut bystander = s.conn();
    bystander.expect("SET k v", b"+OK\r\n");
    let huge = |prefix: &[u8]| [prefix, &vec![b'1'; 70 * 1024][..]].concat();
    let cases: Vec<(Vec<u8>, &[u8])> = vec![
        (
            b"*abc\r\n".to_vec(),
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*3000000000\r\n".to_vec(),
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\nfoo\r\n".to_vec(),
            b"-ERR Protocol error: expected '$', got 'f'\r\n",
        ),
        (
            b"*1\r\n$abc\r\n".to_vec(),
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$-1\r\n".to_vec(),
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$2147483648\r\n".to_vec(),
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"SET \"a b\r\n".to_vec(),
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        (
            vec![b'a'; 70 * 1024],
            b"-ERR Protocol error: too big inline request\r\n",
        ),
        (huge(b"*"), b"-ERR Protocol error: too big mbulk count string\r\n"),
        (huge(b"*1\r\n$"), b"-ERR Protocol error: too big bulk count string\r\n"),
    ];
    for (payload, want) in cases {
        let mut c = s.conn();
        // A good command first: it is answered before the error.
        c.send_raw(&[encode(&[b"PING"]), payload.clone()].concat());
        assert_eq!(esc(&c.read_reply().unwrap()), "+PONG\\r\\n");
        let (closed, rest) = c.closed();
        assert_eq!(
            esc(&rest),
            esc(want),
            "reply to {}",
            esc(&payload[..payload.len().min(20)])
        );
        assert!(closed, "closed after {}", esc(&payload[..payload.len().min(20)]));
        bystander.expect("GET k", b"$1\r\nv\r\n");
    }
}

#[test]
fn inline_commands() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.send_raw(b"SET greeting \"hello world\"\r\nGET greeting\nPING\r\n\r\nECHO 'a b'\r\n");
    for want in [
        "+OK\\r\\n",
        "$11\\r\\nhello world\\r\\n",
        "+PONG\\r\\n",
        "$3\\r\\na b\\r\\n",
    ] {
        assert_eq!(esc(&c.read_reply().unwrap()), want);
    }
}

/// Values larger than the socket buffers still come back whole to a
/// client that reads slowly, while another client is served.
#[test]
fn slow_reader_does_not_block_others() {
    let s = Loopkv::start(&[]);
    let mut writer = s.conn();
    let value = vec![b'v'; 1024 * 1024];
    writer.expect_args(&[b"SET", b"big", &value], b"+OK\r\n");
    let mut slow = s.conn();
    for _ in 0..8 {
        slow.send(&[b"GET", b"big"]);
    }
    writer.expect("PING", b"+PONG\r\n");
    for _ in 0..8 {
        assert_eq!(slow.read_reply().unwrap().len(), value.len() + 12);
    }
}

/// `qbuf + qbuf-free` (the query buffer's size) of the client named
/// `name`, from CLIENT LIST.
fn query_buffer_of(c: &mut diff_support::Conn, name: &str) -> usize {
    let list = text_of(&c.cmd_str("CLIENT LIST"));
    let line = list.lines().find(|l| l.contains(&format!(" name={name} "))).unwrap();
    let number = |f: &str| -> usize { field(line, f).parse().unwrap() };
    number("qbuf") + number("qbuf-free")
}

/// The query buffer as CLIENT LIST shows it, as Redis's: a 16 KiB read
/// buffer after a small command, the command itself in the running
/// client's own `qbuf`, and a buffer grown for a big argument trimmed back
/// by the clients cron once commands are small again.
#[test]
fn query_buffer_is_shown_and_trimmed_as_redis() {
    let s = Loopkv::start(&[]);
    let mut admin = s.conn();
    let mut c = s.conn();
    c.expect("CLIENT SETNAME test_client", b"+OK\r\n");
    let size = query_buffer_of(&mut admin, "test_client");
    assert!((16384..32768).contains(&size), "{size}");
    // Its own CLIENT INFO sees the 26 bytes of "*2 $6 client $4 info".
    let info = text_of(&c.cmd_str("CLIENT INFO"));
    assert!(info.contains(" qbuf=26 "), "{info}");
    let big = vec![b'A'; 400_000];
    c.expect_args(&[b"SET", b"x", &big], b"+OK\r\n");
    let grown = query_buffer_of(&mut admin, "test_client");
    assert!(grown > 32768, "{grown}");
    let mut now = grown;
    for _ in 0..200 {
        c.expect("SET x small", b"+OK\r\n");
        now = query_buffer_of(&mut admin, "test_client");
        if now < grown {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(now > 0 && now < grown, "{now} of {grown}");
}
