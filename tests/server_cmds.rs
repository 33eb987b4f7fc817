//! Server commands against an embedded loopkv, with exact replies where
//! Redis 7.0.15's are deterministic: INFO, CONFIG, COMMAND, TIME,
//! LASTSAVE, MEMORY, LATENCY, SLOWLOG, DEBUG, FUNCTION and SHUTDOWN.

mod diff_support;

use std::time::Duration;

use diff_support::{Conn, Loopkv, Redis, V, esc, redis_or_skip};

fn int_of(reply: &[u8]) -> i64 {
    assert_eq!(reply[0], b':', "not an integer reply: {}", esc(reply));
    std::str::from_utf8(&reply[1..reply.len() - 2])
        .unwrap()
        .parse()
        .unwrap()
}

fn text_of(reply: &[u8]) -> String {
    String::from_utf8(V::parse(reply).text().to_vec()).unwrap()
}

/// `INFO <section>` as (field, value) pairs, without the title.
fn info(c: &mut Conn, section: &str) -> Vec<(String, String)> {
    text_of(&c.cmd_str(&format!("INFO {section}")))
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap_or_else(|| panic!("bad INFO line {l}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn info_field(c: &mut Conn, section: &str, name: &str) -> String {
    info(c, section)
        .into_iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no {name} in INFO {section}"))
        .1
}

fn debug_server() -> Loopkv {
    Loopkv::start_debug()
}

// ---- INFO -------------------------------------------------------------------------------

#[test]
fn info_sections_and_fields() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let titles = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with('#'))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let default = text_of(&c.cmd_str("INFO"));
    assert_eq!(
        titles(&default),
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Errorstats",
            "# Cluster",
            "# Keyspace"
        ]
    );
    assert_eq!(titles(&text_of(&c.cmd_str("INFO default"))), titles(&default));
    let all = text_of(&c.cmd_str("INFO all"));
    assert_eq!(
        titles(&all),
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# CPU",
            "# Modules",
            "# Commandstats",
            "# Errorstats",
            "# Latencystats",
            "# Cluster",
            "# Keyspace"
        ]
    );
    assert_eq!(titles(&text_of(&c.cmd_str("INFO everything"))), titles(&all));
    // Sections are joined by a blank line and the text ends with CRLF.
    assert!(default.contains("\r\n\r\n# Clients\r\n") && default.ends_with("\r\n"));
    // Several sections, any case, in Redis's order; unknown ones add nothing.
    assert_eq!(
        titles(&text_of(&c.cmd_str("INFO KEYSPACE nosuch server"))),
        ["# Server", "# Keyspace"]
    );
    c.expect("INFO nosuch", b"$0\r\n\r\n");
    assert_eq!(info_field(&mut c, "server", "redis_version"), "7.0.15");
    assert_eq!(info_field(&mut c, "server", "redis_mode"), "standalone");
    assert_eq!(info_field(&mut c, "server", "tcp_port"), s.addr.port().to_string());
    assert_eq!(info_field(&mut c, "replication", "role"), "master");
    assert_eq!(info_field(&mut c, "cluster", "cluster_enabled"), "0");
    assert_eq!(info_field(&mut c, "clients", "connected_clients"), "1");
    assert_eq!(info_field(&mut c, "clients", "maxclients"), "10000");
    assert_eq!(info_field(&mut c, "persistence", "aof_enabled"), "0");
    assert_eq!(info_field(&mut c, "memory", "maxmemory_policy"), "noeviction");
    // Field names as Redis 7.0.15 has them, in its order (spot checks of
    // each section's first fields).
    let names = |c: &mut Conn, section: &str, n: usize| -> Vec<String> {
        info(c, section).into_iter().map(|(k, _)| k).take(n).collect()
    };
    assert_eq!(
        names(&mut c, "server", 4),
        ["redis_version", "redis_git_sha1", "redis_git_dirty", "redis_build_id"]
    );
    assert_eq!(
        names(&mut c, "clients", 4),
        [
            "connected_clients",
            "cluster_connections",
            "maxclients",
            "client_recent_max_input_buffer"
        ]
    );
    // Allocator figures (used_memory...) come only with the loopkv
    // binary's counting allocator; an embedded server leaves them out.
    assert_eq!(names(&mut c, "memory", 2), ["used_memory_rss", "used_memory_rss_human"]);
    assert_eq!(
        names(&mut c, "stats", 3),
        [
            "total_connections_received",
            "total_commands_processed",
            "instantaneous_ops_per_sec"
        ]
    );
    assert_eq!(names(&mut c, "cpu", 2), ["used_cpu_sys", "used_cpu_user"]);
}

#[test]
fn info_commandstats_errorstats_keyspace() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("SET a 1", b"+OK\r\n");
    c.expect("SET b 2", b"+OK\r\n");
    c.expect("GET a", b"$1\r\n1\r\n");
    c.expect("INCR nosuch-but-fine", b":1\r\n");
    c.expect("GET", b"-ERR wrong number of arguments for 'get' command\r\n");
    c.expect("SET a", b"-ERR wrong number of arguments for 'set' command\r\n");
    c.expect("INCR a x", b"-ERR wrong number of arguments for 'incr' command\r\n");
    c.expect("SET s abc", b"+OK\r\n");
    c.expect("INCR s", b"-ERR value is not an integer or out of range\r\n");
    c.expect("CONFIG GET maxmemory", b"*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
    c.expect("HELLO 9", b"-NOPROTO unsupported protocol version\r\n");
    let stats = info(&mut c, "commandstats");
    let stat = |name: &str| {
        stats
            .iter()
            .find(|(k, _)| k == &format!("cmdstat_{name}"))
            .unwrap_or_else(|| panic!("no cmdstat_{name}"))
            .1
            .clone()
    };
    let counts = |v: String| {
        v.split(',')
            .filter(|kv| !kv.starts_with("usec"))
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(counts(stat("set")), "calls=3,rejected_calls=1,failed_calls=0");
    assert_eq!(counts(stat("get")), "calls=1,rejected_calls=1,failed_calls=0");
    assert_eq!(counts(stat("incr")), "calls=2,rejected_calls=1,failed_calls=1");
    assert_eq!(counts(stat("config|get")), "calls=1,rejected_calls=0,failed_calls=0");
    assert!(stat("set").starts_with("calls=3,usec="), "{}", stat("set"));
    let errors = info(&mut c, "errorstats");
    assert_eq!(
        errors,
        [
            ("errorstat_ERR".to_string(), "count=4".to_string()),
            ("errorstat_NOPROTO".to_string(), "count=1".to_string())
        ]
    );
    assert_eq!(info_field(&mut c, "stats", "total_error_replies"), "5");
    c.expect("SELECT 3", b"+OK\r\n");
    c.expect("SET x y", b"+OK\r\n");
    assert_eq!(
        info(&mut c, "keyspace"),
        [
            ("db0".to_string(), "keys=4,expires=0,avg_ttl=0".to_string()),
            ("db3".to_string(), "keys=1,expires=0,avg_ttl=0".to_string())
        ]
    );
    c.expect("CONFIG RESETSTAT", b"+OK\r\n");
    // Only RESETSTAT itself (counted when it finished) and INFO remain.
    let left: Vec<String> = info(&mut c, "commandstats").into_iter().map(|(k, _)| k).collect();
    assert!(
        left.iter()
            .all(|k| k == "cmdstat_config|resetstat" || k == "cmdstat_info"),
        "{left:?}"
    );
    assert!(info(&mut c, "errorstats").is_empty());
    assert_eq!(info_field(&mut c, "stats", "total_error_replies"), "0");
}

// ---- CONFIG --------------------------------------------------------------------------------

fn pairs(reply: &[u8]) -> Vec<(String, String)> {
    let v = V::parse(reply);
    let mut out: Vec<(String, String)> = v
        .items()
        .chunks(2)
        .map(|p| {
            (
                String::from_utf8_lossy(p[0].text()).into_owned(),
                String::from_utf8_lossy(p[1].text()).into_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Redis 7.0's deprecated directive names, hidden directives, and
/// percentages, as redis-server 7.0.15 answers them.
#[test]
fn config_aliases_and_hidden_directives() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("CONFIG SET hash-max-ziplist-entries 3", b"+OK\r\n");
    c.expect(
        "CONFIG GET hash-max-listpack-entries",
        b"*2\r\n$25\r\nhash-max-listpack-entries\r\n$1\r\n3\r\n",
    );
    c.expect(
        "CONFIG GET hash-max-ziplist-entries",
        b"*2\r\n$24\r\nhash-max-ziplist-entries\r\n$1\r\n3\r\n",
    );
    c.expect(
        "CONFIG SET list-max-ziplist-size 4 zset-max-ziplist-value 10",
        b"+OK\r\n",
    );
    assert_eq!(
        pairs(&c.cmd_str("CONFIG GET list-max-listpack-size zset-max-listpack-value")),
        [
            ("list-max-listpack-size".into(), "4".into()),
            ("zset-max-listpack-value".into(), "10".into())
        ]
    );
    // A pattern lists the name and the alias; an alias and its name in
    // one SET are a duplicate.
    let p = pairs(&c.cmd_str("CONFIG GET *of"));
    assert_eq!(p, [("replicaof".into(), "".into()), ("slaveof".into(), "".into())]);
    c.expect(
        "CONFIG SET slave-read-only no replica-read-only yes",
        b"-ERR CONFIG SET failed (possibly related to argument 'replica-read-only') - duplicate parameter\r\n",
    );
    // Hidden directives answer to their name only.
    c.expect(
        "CONFIG GET key-load-delay",
        b"*2\r\n$14\r\nkey-load-delay\r\n$1\r\n0\r\n",
    );
    assert!(
        !pairs(&c.cmd_str("CONFIG GET *"))
            .iter()
            .any(|(k, _)| k == "key-load-delay")
    );
    c.expect(
        "CONFIG SET maxmemory-clients 200%",
        b"-ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100\r\n",
    );
    c.expect_args(
        &[b"CONFIG", b"SET", b"save", b"3000 5", b"repl-backlog-size", b"10000002"],
        b"+OK\r\n",
    );
    c.expect("CONFIG GET save", b"*2\r\n$4\r\nsave\r\n$6\r\n3000 5\r\n");
    c.expect(
        "CONFIG SET save 3000",
        b"-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n",
    );
}

/// CONFIG SET port and bind listen again at once; a port in use is
/// refused and nothing changes.
#[test]
fn config_set_port_rebinds() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    let reply = c.cmd_str(&format!("CONFIG SET timeout 7 port {busy_port}"));
    assert!(
        reply.starts_with(
            b"-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port"
        ),
        "{}",
        esc(&reply)
    );
    c.expect("CONFIG GET timeout", b"*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
    drop(busy);
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    c.expect(&format!("CONFIG SET port {port}"), b"+OK\r\n");
    // The old connection stays; new ones reach the new port.
    c.expect("PING", b"+PONG\r\n");
    let mut moved = Conn::connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    let want = format!("*2\r\n$4\r\nport\r\n${}\r\n{port}\r\n", port.to_string().len());
    moved.expect("CONFIG GET port", want.as_bytes());
    assert!(info_field(&mut moved, "server", "tcp_port") == port.to_string());
}

#[test]
fn config_get_and_set() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("CONFIG GET timeout", b"*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
    // A plain name is answered as typed.
    c.expect("CONFIG GET TIMEOUT", b"*2\r\n$7\r\nTIMEOUT\r\n$1\r\n0\r\n");
    c.expect("CONFIG GET nosuch", b"*0\r\n");
    let p = pairs(&c.cmd_str("CONFIG GET maxmemory*"));
    assert_eq!(
        p,
        [
            ("maxmemory".into(), "0".into()),
            ("maxmemory-clients".into(), "0".into()),
            ("maxmemory-eviction-tenacity".into(), "10".into()),
            ("maxmemory-policy".into(), "noeviction".into()),
            ("maxmemory-samples".into(), "5".into()),
        ]
    );
    assert_eq!(
        pairs(&c.cmd_str("CONFIG GET timeout hz timeout")),
        [("hz".into(), "10".into()), ("timeout".into(), "0".into())]
    );
    c.expect("CONFIG SET timeout 100 hz 20", b"+OK\r\n");
    assert_eq!(
        pairs(&c.cmd_str("CONFIG GET timeout hz")),
        [("hz".into(), "20".into()), ("timeout".into(), "100".into())]
    );
    c.expect("CONFIG SET timeout 0 hz 10", b"+OK\r\n");
    c.expect(
        "CONFIG SET timeout abc",
        b"-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer\r\n",
    );
    c.expect(
        "CONFIG SET nosuch 1",
        b"-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n",
    );
    c.expect("CONFIG SET timeout 1 hz", b"-ERR syntax error\r\n");
    c.expect(
        "CONFIG SET timeout 1 TIMEOUT 2",
        b"-ERR CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate parameter\r\n",
    );
    c.expect(
        "CONFIG SET databases 3",
        b"-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n",
    );
    // All or nothing: a bad second value leaves the first unchanged.
    c.expect(
        "CONFIG SET timeout 5 hz abc",
        b"-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer\r\n",
    );
    c.expect("CONFIG GET timeout", b"*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
    c.expect("CONFIG SET maxmemory-policy ALLKEYS-LRU", b"+OK\r\n");
    c.expect(
        "CONFIG GET maxmemory-policy",
        b"*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n",
    );
    c.expect("CONFIG", b"-ERR wrong number of arguments for 'config' command\r\n");
    c.expect(
        "CONFIG GET",
        b"-ERR wrong number of arguments for 'config|get' command\r\n",
    );
    c.expect("CONFIG FOO", b"-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
}

#[test]
fn config_rewrite_updates_the_file() {
    let dir = std::env::temp_dir().join(format!("loopkv-config-rewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("loopkv.conf");
    std::fs::write(&path, "# my settings\ntimeout 5\nhz 10\n").unwrap();
    let mut config = loopkv::Config::default();
    config.load_file(&path).unwrap();
    config.apply(b"port", &[b"0".to_vec()]).unwrap();
    config.apply(b"bind", &[b"127.0.0.1".to_vec()]).unwrap();
    let s = Loopkv::start_with(config);
    let mut c = s.conn();
    c.expect("CONFIG GET timeout", b"*2\r\n$7\r\ntimeout\r\n$1\r\n5\r\n");
    c.expect("CONFIG SET timeout 7 slowlog-max-len 64", b"+OK\r\n");
    c.expect("CONFIG SET notify-keyspace-events KEA", b"+OK\r\n");
    c.expect("CONFIG REWRITE", b"+OK\r\n");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Event classes are written in canonical form, quoted, as Redis does.
    assert!(lines.contains(&"notify-keyspace-events \"AKE\""), "{text}");
    assert!(lines.contains(&"# my settings"), "comments kept: {text}");
    assert!(lines.contains(&"timeout 7"), "changed in place: {text}");
    assert!(lines.contains(&"slowlog-max-len 64"), "appended: {text}");
    assert!(!lines.contains(&"timeout 5"), "{text}");
    assert_eq!(
        lines.iter().position(|l| *l == "timeout 7"),
        Some(1),
        "same line as before: {text}"
    );
    drop(c);
    s.stop().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    // Without a config file there is nothing to rewrite.
    let s = Loopkv::start(&[]);
    s.conn().expect(
        "CONFIG REWRITE",
        b"-ERR The server is running without a config file\r\n",
    );
}

/// CONFIG SET bind closes the listeners before binding the new addresses
/// (as Redis), so an address already listened on can be bound again; a
/// failed bind leaves the old addresses listening; `bind ""` stops
/// accepting TCP connections while connected clients stay.
#[test]
fn config_set_bind_rebinds_in_place() {
    let s = Loopkv::start(&[("bind", "127.0.0.1")]);
    let mut c = s.conn();
    let addr = c.stream.peer_addr().unwrap();
    c.expect_args(&[b"CONFIG", b"SET", b"bind", b"127.0.0.1 -::1"], b"+OK\r\n");
    Conn::connect(addr).expect("PING", b"+PONG\r\n");
    // 192.0.2.1 (TEST-NET-1) is no address of this machine.
    let reply = c.cmd(&[b"CONFIG", b"SET", b"bind", b"192.0.2.1"]);
    assert!(
        reply.starts_with(
            b"-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses:"
        ),
        "{}",
        esc(&reply)
    );
    c.expect("CONFIG GET bind", b"*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.1 -::1\r\n");
    Conn::connect(addr).expect("PING", b"+PONG\r\n");
    c.expect_args(&[b"CONFIG", b"SET", b"bind", b""], b"+OK\r\n");
    assert!(std::net::TcpStream::connect(addr).is_err(), "nothing listens");
    c.expect("PING", b"+PONG\r\n");
    c.expect_args(&[b"CONFIG", b"SET", b"bind", b"127.0.0.1"], b"+OK\r\n");
    Conn::connect(addr).expect("PING", b"+PONG\r\n");
}

// ---- COMMAND ----------------------------------------------------------------------------------

#[test]
fn command_introspection() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let list = V::parse(&c.cmd_str("COMMAND LIST"));
    let names: Vec<String> = list
        .items()
        .iter()
        .map(|v| String::from_utf8_lossy(v.text()).into_owned())
        .collect();
    for name in ["get", "set", "config|get", "client|kill", "command|docs"] {
        assert!(names.iter().any(|n| n == name), "{name} listed");
    }
    let top = names.iter().filter(|n| !n.contains('|')).count() as i64;
    assert_eq!(int_of(&c.cmd_str("COMMAND COUNT")), top);
    assert_eq!(V::parse(&c.cmd_str("COMMAND")).items().len() as i64, top);
    let filtered = V::parse(&c.cmd_str("COMMAND LIST FILTERBY PATTERN get*"));
    let mut got: Vec<String> = filtered
        .items()
        .iter()
        .map(|v| String::from_utf8_lossy(v.text()).into_owned())
        .collect();
    got.sort();
    assert_eq!(got, ["get", "getbit", "getdel", "getex", "getrange", "getset"]);
    // COMMAND INFO get, byte for byte as Redis 7.0.15.
    c.expect(
        "COMMAND INFO get",
        b"*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
    );
    c.expect("COMMAND INFO nosuch", b"*1\r\n$-1\r\n");
    // Keys counted by an argument, and SORT's own key finder (as Redis 7.0.15).
    c.expect(
        "COMMAND GETKEYS ZUNIONSTORE dst 2 za zb WEIGHTS 1 2",
        b"*3\r\n$3\r\ndst\r\n$2\r\nza\r\n$2\r\nzb\r\n",
    );
    c.expect("COMMAND GETKEYS BLMPOP 0 2 a b LEFT", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    c.expect(
        "COMMAND GETKEYS SORT l BY w_* STORE dst",
        b"*2\r\n$1\r\nl\r\n$3\r\ndst\r\n",
    );
    c.expect("COMMAND GETKEYS SORT l LIMIT 0 1 GET #", b"*1\r\n$1\r\nl\r\n");
    c.expect(
        "COMMAND GETKEYS ZUNIONSTORE dst 0 x",
        b"-ERR Invalid arguments specified for command\r\n",
    );
    c.expect("COMMAND DOCS nosuch", b"*0\r\n");
    let docs = V::parse(&c.cmd_str("COMMAND DOCS get"));
    assert_eq!(docs.items()[0].text(), b"get");
    let fields: Vec<&[u8]> = docs.items()[1].items().iter().step_by(2).map(V::text).collect();
    assert_eq!(fields[..4], [&b"summary"[..], b"since", b"group", b"complexity"]);
    // GETKEYS and GETKEYSANDFLAGS follow the key specs.
    c.expect("COMMAND GETKEYS MSET a 1 b 2", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    c.expect("COMMAND GETKEYS OBJECT ENCODING k", b"*1\r\n$1\r\nk\r\n");
    c.expect("COMMAND GETKEYS PING x", b"-ERR The command has no key arguments\r\n");
    c.expect(
        "COMMAND GETKEYS GET a b",
        b"-ERR Invalid number of arguments specified for command\r\n",
    );
    c.expect("COMMAND GETKEYS nosuch a", b"-ERR Invalid command specified\r\n");
    c.expect(
        "COMMAND GETKEYSANDFLAGS RENAME a b",
        b"*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n",
    );
    c.expect(
        "COMMAND GETKEYSANDFLAGS SET k v GET",
        b"*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n",
    );
    c.expect(
        "COMMAND GETKEYSANDFLAGS SET k v",
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n",
    );
    c.expect(
        "COMMAND COUNT x",
        b"-ERR wrong number of arguments for 'command|count' command\r\n",
    );
}

// ---- TIME, LASTSAVE, MEMORY ----------------------------------------------------------------

#[test]
fn time_and_lastsave() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let time = V::parse(&c.cmd_str("TIME"));
    let parts: Vec<i64> = time
        .items()
        .iter()
        .map(|v| {
            assert!(matches!(v, V::Blob(b'$', Some(_))), "bulk strings");
            std::str::from_utf8(v.text()).unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(parts.len(), 2);
    assert!((parts[0] - now).abs() < 3600, "seconds since the epoch: {}", parts[0]);
    assert!((0..1_000_000).contains(&parts[1]), "microseconds: {}", parts[1]);
    // LASTSAVE is the start time until a save happens.
    let lastsave = int_of(&c.cmd_str("LASTSAVE"));
    assert!((lastsave - now).abs() < 3600, "{lastsave}");
    assert_eq!(
        info_field(&mut c, "persistence", "rdb_last_save_time"),
        lastsave.to_string()
    );
    c.expect("TIME x", b"-ERR wrong number of arguments for 'time' command\r\n");
}

#[test]
/// loopkv's own figure, as `used_memory` counts it: table node (32) + the
/// key's share of the bucket array + the key+value allocation.
fn memory_usage_reports_loopkv_layout() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    for (value, want) in [
        ("123".to_string(), 58),
        ("hello".to_string(), 58),
        ("y".repeat(50), 100),
        ("1000000".to_string(), 58),
        ("x".repeat(1000), 1050),
    ] {
        c.expect_args(&[b"SET", b"k", value.as_bytes()], b"+OK\r\n");
        c.expect("MEMORY USAGE k", format!(":{want}\r\n").as_bytes());
    }
    c.expect("MEMORY USAGE k SAMPLES 0", b":1050\r\n");
    c.expect("MEMORY USAGE nosuch", b"$-1\r\n");
    c.expect("MEMORY USAGE k SAMPLES", b"-ERR syntax error\r\n");
    c.expect("MEMORY USAGE k SAMPLES -1", b"-ERR syntax error\r\n");
    c.expect(
        "MEMORY USAGE k SAMPLES x",
        b"-ERR value is not an integer or out of range\r\n",
    );
}

// ---- LATENCY and SLOWLOG ----------------------------------------------------------------------

#[test]
fn latency_monitor() {
    let s = debug_server();
    let mut c = s.conn();
    c.expect("LATENCY LATEST", b"*0\r\n");
    c.expect("CONFIG SET latency-monitor-threshold 1", b"+OK\r\n");
    c.expect("DEBUG SLEEP 0.01", b"+OK\r\n");
    let latest = V::parse(&c.cmd_str("LATENCY LATEST"));
    assert_eq!(latest.items().len(), 1);
    let event = latest.items()[0].items();
    assert_eq!(event[0].text(), b"command");
    let ms = |v: &V| std::str::from_utf8(v.text()).unwrap().parse::<i64>().unwrap();
    assert!(ms(&event[2]) >= 10, "latest sample in ms: {}", ms(&event[2]));
    assert_eq!(ms(&event[2]), ms(&event[3]), "max so far");
    // One sample per second at most: the sleep is in the history.
    let history = V::parse(&c.cmd_str("LATENCY HISTORY command"));
    assert!(
        history.items().iter().any(|sample| ms(&sample.items()[1]) >= 10),
        "history has the sleep"
    );
    c.expect("LATENCY HISTORY nosuch", b"*0\r\n");
    c.expect("LATENCY RESET nosuch", b":0\r\n");
    c.expect("LATENCY RESET", b":1\r\n");
    c.expect("LATENCY LATEST", b"*0\r\n");
    // The per-command histogram: calls and cumulative power-of-two buckets.
    c.expect("SET k v", b"+OK\r\n");
    c.expect("SET k v", b"+OK\r\n");
    let hist = V::parse(&c.cmd_str("LATENCY HISTOGRAM set nosuch"));
    let items = hist.items();
    assert_eq!(items.len(), 2, "one command");
    assert_eq!(items[0].text(), b"set");
    let detail = items[1].items();
    assert_eq!(detail[0].text(), b"calls");
    assert_eq!(detail[1], V::Line(b':', b"2".to_vec()));
    assert_eq!(detail[2].text(), b"histogram_usec");
    let buckets = detail[3].items();
    assert_eq!(
        buckets.last().unwrap(),
        &V::Line(b':', b"2".to_vec()),
        "cumulative count ends at calls"
    );
    c.expect(
        "LATENCY HISTORY",
        b"-ERR wrong number of arguments for 'latency|history' command\r\n",
    );
}

#[test]
fn slowlog_records_commands() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("CONFIG SET slowlog-log-slower-than 0", b"+OK\r\n");
    c.expect("SLOWLOG RESET", b"+OK\r\n");
    c.expect("CLIENT SETNAME logger", b"+OK\r\n");
    c.expect("SET key value", b"+OK\r\n");
    let entries = V::parse(&c.cmd_str("SLOWLOG GET 2"));
    assert_eq!(entries.items().len(), 2);
    let newest = entries.items()[0].items();
    assert_eq!(newest.len(), 6);
    assert_eq!(
        newest[3],
        V::Agg(
            b'*',
            Some(vec![
                V::Blob(b'$', Some(b"SET".to_vec())),
                V::Blob(b'$', Some(b"key".to_vec())),
                V::Blob(b'$', Some(b"value".to_vec()))
            ])
        )
    );
    assert_eq!(newest[4].text(), c.stream.local_addr().unwrap().to_string().as_bytes());
    assert_eq!(newest[5].text(), b"logger");
    let older = entries.items()[1].items();
    let id = |v: &V| std::str::from_utf8(v.text()).unwrap().parse::<i64>().unwrap();
    assert_eq!(id(&newest[0]), id(&older[0]) + 1, "ids grow by one");
    assert_eq!(older[3].items()[0].text(), b"CLIENT");
    // Each command is logged after it ran: RESET, SETNAME, SET, GET.
    c.expect("SLOWLOG LEN", b":4\r\n");
    // ... and LEN; -1 means all.
    assert_eq!(V::parse(&c.cmd_str("SLOWLOG GET -1")).items().len(), 5);
    c.expect("SLOWLOG GET 0", b"*0\r\n");
    c.expect(
        "SLOWLOG GET -2",
        b"-ERR count should be greater than or equal to -1\r\n",
    );
    c.expect(
        "SLOWLOG GET 1 2",
        b"-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n",
    );
    // Long arguments are cut at 128 bytes, long commands at 32 arguments.
    c.expect("SLOWLOG RESET", b"+OK\r\n");
    let long = vec![b'x'; 200];
    c.expect_args(
        &[b"ECHO", &long],
        &[b"$200\r\n".to_vec(), long.clone(), b"\r\n".to_vec()].concat(),
    );
    let mut many: Vec<&[u8]> = vec![b"DEL"];
    many.extend(std::iter::repeat_n(&b"k"[..], 40));
    c.expect_args(&many, b":0\r\n");
    let entries = V::parse(&c.cmd_str("SLOWLOG GET 2"));
    let del = entries.items()[0].items()[3].items();
    assert_eq!(del.len(), 32);
    assert_eq!(del[31].text(), b"... (10 more arguments)");
    let echo = entries.items()[1].items()[3].items();
    assert_eq!(echo[1].text(), [&vec![b'x'; 128][..], b"... (72 more bytes)"].concat());
    // Above the threshold nothing more is logged.
    c.expect("CONFIG SET slowlog-log-slower-than 1000000", b"+OK\r\n");
    c.expect("SLOWLOG RESET", b"+OK\r\n");
    c.expect("PING", b"+PONG\r\n");
    c.expect("SLOWLOG LEN", b":0\r\n");
}

// ---- DEBUG ----------------------------------------------------------------------------------

#[test]
fn debug_is_refused_by_default() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect(
        "DEBUG LOG hello",
        b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n",
    );
    // "local" allows loopback clients.
    let s = Loopkv::start(&[("enable-debug-command", "local")]);
    s.conn().expect("DEBUG LOG hello", b"+OK\r\n");
}

#[test]
fn debug_subcommands() {
    let s = debug_server();
    let mut c = s.conn();
    c.expect("DEBUG LOG hello", b"+OK\r\n");
    c.expect_args(
        &[b"DEBUG", b"ERROR", b"MYERR something failed"],
        b"-MYERR something failed\r\n",
    );
    c.expect("DEBUG SLEEP 0", b"+OK\r\n");
    c.expect("SET k hello", b"+OK\r\n");
    let object = String::from_utf8(c.cmd_str("DEBUG OBJECT k")).unwrap();
    assert!(object.starts_with("+Value at:0x"), "{object}");
    assert!(
        object.contains(" refcount:1 encoding:embstr serializedlength:6 lru:"),
        "{object}"
    );
    assert!(object.ends_with(" lru_seconds_idle:0\r\n"), "{object}");
    c.expect("DEBUG OBJECT nosuch", b"-ERR no such key\r\n");
    c.expect("DEBUG PROTOCOL integer", b":12345\r\n");
    c.expect("DEBUG PROTOCOL double", b"$5\r\n3.141\r\n");
    c.expect(
        "DEBUG PROTOCOL push",
        b"-ERR RESP2 is not supported by this command\r\n",
    );
    c.cmd_str("HELLO 3");
    c.expect("DEBUG PROTOCOL double", b",3.141\r\n");
    c.expect("DEBUG PROTOCOL true", b"#t\r\n");
    c.send(&[b"DEBUG", b"PROTOCOL", b"push"]);
    assert_eq!(
        esc(&c.read_reply().unwrap()),
        esc(b">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n")
    );
    assert_eq!(
        esc(&c.read_reply().unwrap()),
        esc(b"$40\r\nSome real reply following the push reply\r\n")
    );
    c.expect(
        "DEBUG PROTOCOL attrib",
        b"|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
    );
    c.expect(
        "DEBUG NOSUCH",
        b"-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.\r\n",
    );
}

/// With active expiry off, an expired key stays in the keyspace (DBSIZE
/// counts it) until something touches it.
#[test]
fn debug_set_active_expire_keeps_expired_keys_until_accessed() {
    let s = debug_server();
    let mut c = s.conn();
    c.expect("DEBUG SET-ACTIVE-EXPIRE 0", b"+OK\r\n");
    c.expect("SET k v PX 30", b"+OK\r\n");
    c.expect("SET other v", b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(200));
    c.expect("DBSIZE", b":2\r\n");
    c.expect("GET k", b"$-1\r\n");
    c.expect("DBSIZE", b":1\r\n");
    // Turned back on, expiry runs in the background again.
    c.expect("DEBUG SET-ACTIVE-EXPIRE 1", b"+OK\r\n");
    c.expect("SET k2 v PX 30", b"+OK\r\n");
    let gone = diff_support::wait_until(Duration::from_secs(10), || c.cmd_str("DBSIZE") == b":1\r\n");
    assert!(gone, "the key expired without being accessed");
}

// ---- FUNCTION ---------------------------------------------------------------------------------

#[test]
fn function_list_and_flush() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("FUNCTION LIST", b"*0\r\n");
    c.expect("FUNCTION LIST WITHCODE LIBRARYNAME x*", b"*0\r\n");
    c.expect(
        "FUNCTION LIST LIBRARYNAME",
        b"-ERR library name argument was not given\r\n",
    );
    c.expect("FUNCTION LIST FOO", b"-ERR Unknown argument FOO\r\n");
    c.expect("FUNCTION FLUSH", b"+OK\r\n");
    c.expect("FUNCTION FLUSH ASYNC", b"+OK\r\n");
    c.expect("FUNCTION FLUSH sync", b"+OK\r\n");
    c.expect(
        "FUNCTION FLUSH FOO",
        b"-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n",
    );
    c.expect(
        "FUNCTION FLUSH a b",
        b"-ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP.\r\n",
    );
}

// ---- SHUTDOWN ---------------------------------------------------------------------------------

#[test]
fn shutdown_stops_the_server() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("SHUTDOWN ABORT", b"-ERR No shutdown in progress.\r\n");
    c.expect("SHUTDOWN FOO", b"-ERR syntax error\r\n");
    let mut other = s.conn();
    other.expect("PING", b"+PONG\r\n");
    // SHUTDOWN does not reply: every connection is closed.
    c.send(&[b"SHUTDOWN", b"NOSAVE"]);
    assert_eq!(c.closed(), (true, Vec::new()));
    assert!(other.closed().0);
    // The server thread has ended; stopping it again is fine.
    s.stop().unwrap();
}

#[test]
fn handle_shutdown_closes_clients() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("SET k v", b"+OK\r\n");
    s.stop().unwrap();
    assert!(c.closed().0);
}

#[test]
fn slowlog_redacts_passwords() {
    // As Redis: AUTH's arguments and HELLO's AUTH username and password are
    // logged as "(redacted)".
    let logged = |mut c: Conn| -> Vec<Vec<Vec<u8>>> {
        c.expect("CONFIG SET slowlog-log-slower-than 0", b"+OK\r\n");
        c.cmd_str("AUTH secret");
        c.cmd_str("AUTH someone secret");
        c.cmd_str("HELLO 2 AUTH default secret SETNAME n");
        let entries = V::parse(&c.cmd_str("SLOWLOG GET 3"));
        entries
            .items()
            .iter()
            .map(|e| e.items()[3].items().iter().map(|a| a.text().to_vec()).collect())
            .collect()
    };
    let s = Loopkv::start(&[]);
    let ours = logged(s.conn());
    let r = |words: &str| -> Vec<Vec<u8>> { words.split(' ').map(|w| w.as_bytes().to_vec()).collect() };
    assert_eq!(
        ours,
        vec![
            r("HELLO 2 AUTH (redacted) (redacted) SETNAME n"),
            r("AUTH (redacted) (redacted)"),
            r("AUTH (redacted)"),
        ]
    );
    if redis_or_skip("slowlog_redacts_passwords") {
        let real = Redis::start();
        assert_eq!(logged(real.conn()), ours);
    }
}

// ---- DEBUG ----------------------------------------------------------------------------------

/// A dataset of every type and encoding, in two databases, with TTLs.
const DIGEST_DATA: &[&str] = &[
    "SET s hello",
    "SET n 123",
    "SET big 123456789012345678901",
    "RPUSH l a b 1 -7",
    "SADD ints 1 2 3 -99",
    "SADD strs x y 5",
    "ZADD zl 1.5 a 2 b 0.1 c -3 d",
    "ZADD zs inf x -inf y 3.25 z",
    "HSET h f v g 1",
    "EXPIRE s 1000",
    "DEBUG POPULATE 20 pop 12",
    "DEBUG POPULATE 5",
    "SELECT 3",
    "SET other x",
    "CONFIG SET zset-max-listpack-entries 1 hash-max-listpack-entries 1 set-max-intset-entries 1",
    "ZADD zbig 1 a 2 b 3 c",
    "HSET hbig a 1 b 2",
    "SADD sbig 1 2 3",
    "PEXPIRE hbig 500000",
];

/// DEBUG DIGEST and DIGEST-VALUE are Redis's algorithm: equal to a real
/// redis-server's for the same data (any encoding, any database, with
/// TTLs), all zeros when empty; DEBUG POPULATE makes the same keys.
#[test]
fn debug_digest_equals_redis() {
    let s = debug_server();
    let mut ours = s.conn();
    let zero = b"+0000000000000000000000000000000000000000\r\n";
    ours.expect("DEBUG DIGEST", zero);
    let run = |c: &mut Conn| {
        for line in DIGEST_DATA {
            c.cmd_str(line);
        }
        let mut out = Vec::new();
        out.push(c.cmd_str("DEBUG DIGEST"));
        out.push(c.cmd_str("DEBUG DIGEST-VALUE zbig hbig sbig missing"));
        c.cmd_str("SELECT 0");
        out.push(c.cmd_str("DEBUG DIGEST-VALUE s n big l ints strs zl zs h pop:3 key:4"));
        out.push(c.cmd_str("GET pop:1"));
        out.push(c.cmd_str("DBSIZE"));
        c.cmd_str("FLUSHALL");
        out.push(c.cmd_str("DEBUG DIGEST"));
        out
    };
    let got = run(&mut ours);
    assert_eq!(got[3], b"$12\r\nvalue:1\0\0\0\0\0\r\n");
    assert_eq!(got[4], b":34\r\n");
    assert_eq!(got[5], zero);
    if redis_or_skip("debug_digest_equals_redis") {
        let real = Redis::start();
        assert_eq!(run(&mut real.conn()), got);
    }
}

/// DEBUG subcommands' replies and errors, as redis-server 7.0.15's.
#[test]
fn debug_subcommands_as_redis() {
    let script: &[&str] = &[
        "DEBUG HTSTATS 99",
        "DEBUG HTSTATS x",
        "DEBUG HTSTATS 0",
        "DEBUG HTSTATS-KEY nokey",
        "RPUSH l a b",
        "HSET h a b",
        "DEBUG HTSTATS-KEY h",
        "DEBUG LISTPACK h",
        "DEBUG LISTPACK l",
        "DEBUG QUICKLIST l",
        "DEBUG QUICKLIST h",
        "DEBUG LISTPACK nokey",
        "DEBUG PAUSE-CRON 1",
        "DEBUG PAUSE-CRON 0",
        "DEBUG CHANGE-REPL-ID",
        "DEBUG REPLYBUFFER PEAK-RESET-TIME never",
        "DEBUG REPLYBUFFER PEAK-RESET-TIME reset",
        "DEBUG REPLYBUFFER RESIZING 1",
        "DEBUG QUICKLIST-PACKED-THRESHOLD 5gb",
        "DEBUG QUICKLIST-PACKED-THRESHOLD 10b",
        "RPUSH plain aaaaaaaaaaaaaaaaaaaa b c dddddddddddddddddddddddd e",
        "DEBUG POPULATE -1",
        "DEBUG POPULATE x",
        "DEBUG NOSUCH",
    ];
    let run = |c: &mut Conn| -> Vec<Vec<u8>> { script.iter().map(|l| c.cmd_str(l)).collect() };
    let s = debug_server();
    let ours = run(&mut s.conn());
    // Elements at the threshold sit in plain nodes, as DEBUG OBJECT shows.
    let mut c = s.conn();
    let object = text_of(&c.cmd_str("DEBUG OBJECT plain"));
    assert!(object.contains(" ql_nodes:4 "), "{object}");
    c.expect("DEBUG QUICKLIST-PACKED-THRESHOLD 0", b"+OK\r\n");
    if redis_or_skip("debug_subcommands_as_redis") {
        let real = Redis::start();
        let theirs = run(&mut real.conn());
        for ((line, a), b) in script.iter().zip(&ours).zip(&theirs) {
            assert_eq!(esc(a), esc(b), "DEBUG reply to {line}");
        }
        let ql = |t: String| {
            t.split(' ')
                .filter(|f| f.starts_with("ql_") || f.starts_with("serialized"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(ql(object), ql(text_of(&real.conn().cmd_str("DEBUG OBJECT plain"))));
    }
}

/// `reply` with the digits of every "<digits>ms" / "<digits> ms" of two
/// or more digits turned into N (a measured time; "0ms" stays).
fn mask_ms(reply: &[u8]) -> Vec<u8> {
    let mut out = reply.to_vec();
    let mut i = 0;
    while i < out.len() {
        if out[i].is_ascii_digit() && (i == 0 || !out[i - 1].is_ascii_digit()) {
            let end = (i..out.len()).find(|&j| !out[j].is_ascii_digit()).unwrap_or(out.len());
            let rest = &out[end..];
            if end - i >= 2 && (rest.starts_with(b"ms") || rest.starts_with(b" ms")) {
                out[i..end].fill(b'N');
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// LATENCY DOCTOR and GRAPH word for word as Redis, before and after a
/// spike; LATENCY HISTOGRAM of a container lists its subcommands.
#[test]
fn latency_doctor_graph_and_histogram_as_redis() {
    let script: &[&str] = &[
        "LATENCY DOCTOR",
        "LATENCY GRAPH command",
        "CONFIG SET latency-monitor-threshold 100",
        "LATENCY DOCTOR",
        "DEBUG SLEEP 0.2",
        "LATENCY GRAPH command",
        "LATENCY GRAPH COMMAND",
        "LATENCY DOCTOR",
        "LATENCY DOCTOR extra",
        "LATENCY HELP",
    ];
    // DEBUG SLEEP 0.2 takes 200 ms or a little more: milliseconds are
    // masked before comparing (the text's length does not change).
    let run = |c: &mut Conn| -> Vec<Vec<u8>> { script.iter().map(|l| mask_ms(&c.cmd_str(l))).collect() };
    let s = debug_server();
    let ours = run(&mut s.conn());
    let doctor = text_of(&ours[7]);
    assert!(doctor.contains("1. command: 1 latency spikes (average NNNms, mean deviation 0ms, period 1.00 sec). Worst all time event NNNms."), "{doctor}");
    let mut c = s.conn();
    c.cmd_str("CONFIG RESETSTAT");
    c.cmd_str("CLIENT ID");
    c.cmd_str("CLIENT LIST");
    let histogram = c.cmd_str("LATENCY HISTOGRAM client");
    let text = esc(&histogram);
    assert!(histogram.starts_with(b"*4\r\n"), "{text}");
    assert!(text.contains("client|id") && text.contains("client|list"), "{text}");
    if redis_or_skip("latency_doctor_graph_and_histogram_as_redis") {
        let real = Redis::start();
        let theirs = run(&mut real.conn());
        for ((line, a), b) in script.iter().zip(&ours).zip(&theirs) {
            assert_eq!(esc(a), esc(b), "reply to {line}");
        }
    }
}

/// latency-tracking-info-percentiles and oom-score-adj-values are checked
/// and shown as Redis shows them.
#[test]
fn percentile_and_oom_values_config_as_redis() {
    let (percentiles, oom) = ("latency-tracking-info-percentiles", "oom-score-adj-values");
    let script: &[[&str; 3]] = &[
        ["CONFIG", "SET", percentiles],
        ["0.0 50.0 100.0", "", ""],
        ["CONFIG", "GET", percentiles],
        ["CONFIG", "SET", percentiles],
        ["10.0 50.0 a", "", ""],
        ["CONFIG", "SET", percentiles],
        ["10.0 50.0 101.0", "", ""],
        ["CONFIG", "SET", percentiles],
        ["99.90 1e1", "", ""],
        ["CONFIG", "GET", percentiles],
        ["CONFIG", "SET", percentiles],
        ["", "", ""],
        ["CONFIG", "GET", percentiles],
        ["CONFIG", "SET", oom],
        ["-2001 -2001 -2001", "", ""],
        ["CONFIG", "SET", oom],
        ["0 200", "", ""],
        ["CONFIG", "SET", oom],
        ["0 x 800", "", ""],
        ["CONFIG", "SET", oom],
        ["+5 010 800", "", ""],
        ["CONFIG", "GET", oom],
        ["CONFIG", "SET", "oom-score-adj"],
        ["maybe", "", ""],
    ];
    // A CONFIG SET row is followed by its one value.
    let commands: Vec<Vec<&str>> = {
        let mut out = Vec::new();
        let mut rows = script.iter();
        while let Some(row) = rows.next() {
            let mut words = row.to_vec();
            if row[1] == "SET" {
                words.push(rows.next().unwrap()[0]);
            }
            out.push(words);
        }
        out
    };
    let run = |c: &mut Conn| -> Vec<Vec<u8>> {
        commands
            .iter()
            .map(|w| c.cmd(&w.iter().map(|a| a.as_bytes()).collect::<Vec<_>>()))
            .collect()
    };
    let s = Loopkv::start(&[]);
    let ours = run(&mut s.conn());
    assert_eq!(
        esc(&ours[1]),
        esc(b"*2\r\n$33\r\nlatency-tracking-info-percentiles\r\n$8\r\n0 50 100\r\n")
    );
    if redis_or_skip("percentile_and_oom_values_config_as_redis") {
        let real = Redis::start();
        let theirs = run(&mut real.conn());
        for ((words, a), b) in commands.iter().zip(&ours).zip(&theirs) {
            assert_eq!(esc(a), esc(b), "reply to {words:?}");
        }
    }
}

/// oom-score-adj sets this process's OOM score as Redis does: relative to
/// the score found when it was turned on, absolute, by role, and restored
/// when turned off. (The embedded server shares the test's process.)
#[test]
fn oom_score_adj_writes_the_process_score() {
    let read = || -> i64 {
        std::fs::read_to_string("/proc/self/oom_score_adj")
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    if std::fs::metadata("/proc/self/oom_score_adj").is_err() {
        return;
    }
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    let base = read();
    c.expect_args(&[b"CONFIG", b"SET", b"oom-score-adj-values", b"9 9 9"], b"+OK\r\n");
    assert_eq!(read(), base, "values alone do not touch the score");
    c.expect_args(&[b"CONFIG", b"SET", b"oom-score-adj", b"relative"], b"+OK\r\n");
    assert_eq!(read(), (base + 9).min(1000));
    c.expect_args(&[b"CONFIG", b"SET", b"oom-score-adj", b"absolute"], b"+OK\r\n");
    assert_eq!(read(), 9);
    c.expect_args(&[b"CONFIG", b"SET", b"oom-score-adj-values", b"15 20 30"], b"+OK\r\n");
    assert_eq!(read(), 15);
    // A replica takes the second value, a master again the first.
    c.expect("REPLICAOF 127.0.0.1 1", b"+OK\r\n");
    assert_eq!(read(), 20);
    c.expect("REPLICAOF NO ONE", b"+OK\r\n");
    assert_eq!(read(), 15);
    c.expect_args(&[b"CONFIG", b"SET", b"oom-score-adj", b"no"], b"+OK\r\n");
    assert_eq!(read(), base);
}

/// INFO latencystats as Redis 7.0.15: one line per command called, its
/// percentiles read from an HdrHistogram of nanoseconds with two
/// significant figures, so each value is the top of a bucket (1 us reads
/// 1.003); gone after CONFIG RESETSTAT, not kept with latency-tracking no.
#[test]
fn latencystats_as_redis() {
    let s = Loopkv::start(&[]);
    let mut c = s.conn();
    c.expect("CONFIG RESETSTAT", b"+OK\r\n");
    for _ in 0..10 {
        c.expect("PING", b"+PONG\r\n");
    }
    let info = String::from_utf8_lossy(&c.cmd_str("INFO latencystats")).into_owned();
    let line = info
        .lines()
        .find_map(|l| l.strip_prefix("latency_percentiles_usec_ping:"))
        .unwrap_or_else(|| panic!("no ping line in {info}"));
    let values: Vec<f64> = line
        .split(',')
        .map(|kv| {
            let (name, v) = kv.split_once('=').unwrap();
            assert!(["p50", "p99", "p99.9"].contains(&name), "{line}");
            assert_eq!(v.split('.').nth(1).map(str::len), Some(3), "{line}");
            v.parse().unwrap()
        })
        .collect();
    assert_eq!(values.len(), 3, "{line}");
    for v in &values {
        // The top of an HdrHistogram bucket: bucket width 2^k ns, values
        // below 256 ns exact; e.g. 1.003 = 1000 ns + 4 - 1.
        let ns = (v * 1000.0).round() as u64;
        let width = ((ns + 1) | 255).next_power_of_two() / 256;
        assert_eq!((ns + 1) % width.max(1), 0, "{v} is not the top of a bucket ({line})");
    }
    assert!(values[0] <= values[1] && values[1] <= values[2], "{line}");
    c.expect("CONFIG RESETSTAT", b"+OK\r\n");
    c.expect("CONFIG SET latency-tracking no", b"+OK\r\n");
    c.expect("PING", b"+PONG\r\n");
    c.expect("CONFIG SET latency-tracking yes", b"+OK\r\n");
    let info = String::from_utf8_lossy(&c.cmd_str("INFO latencystats")).into_owned();
    assert!(!info.contains("latency_percentiles_usec_ping:"), "{info}");
    assert!(info.contains("latency_percentiles_usec_config|resetstat:"), "{info}");
}
