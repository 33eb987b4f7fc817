//! src/command/docs.rs against the real redis-server 7.0.15: for every
//! command and subcommand in loopkv's table, the bytes `docs::reply_docs`,
//! `docs::reply_info` and its parts write, in RESP2 and RESP3, must equal
//! redis-server's answer to `COMMAND DOCS name` (the value in its one-entry
//! map) and `COMMAND INFO name`.
//!
//! Two differences are by design and handled here: a container lists only
//! loopkv's subcommands, in name order (Redis lists all of its own in
//! hash-table order), so subcommands are compared one by one, by name; and
//! the 7.2 subcommands loopkv has (CLIENT NO-TOUCH, CLIENT SETINFO) are
//! unknown to 7.0.15 and only checked for presence.
//!
//! Without redis-server on PATH the comparison prints that it did not run.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ops::Range;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use loopkv::command::{docs, table};
use loopkv::resp::reply::Reply;

/// Every full name in loopkv's command table, parents before subcommands.
fn table_names() -> Vec<&'static str> {
    let t = table::get();
    let mut names = Vec::new();
    for &idx in t.top() {
        names.push(t.full_name(idx));
        names.extend(t.subcommands(idx).map(|s| t.full_name(s)));
    }
    names
}

/// One of the `docs::reply_*` functions.
type Writer = fn(&mut Reply, &str) -> bool;

fn written(resp3: bool, f: impl FnOnce(&mut Reply) -> bool) -> Option<Vec<u8>> {
    let mut reply = Reply::new();
    reply.set_resp3(resp3);
    f(&mut reply).then(|| reply.unsent().to_vec())
}

/// Commands whose arity in table.rs differs from Redis 7.0.15's (-4 for
/// both: COMMAND GETKEYS needs a command name and at least one argument).
const TABLE_ARITY_BUGS: &[&str] = &[];

#[test]
fn docs_cover_exactly_the_table() {
    let t = table::get();
    let names = table_names();
    for &name in &names {
        let doc = docs::lookup(name).unwrap_or_else(|| panic!("no docs for {name}"));
        assert_eq!(doc.name, name);
        let def = t.def(t.lookup_full(name.as_bytes()).unwrap());
        if TABLE_ARITY_BUGS.contains(&name) {
            assert_ne!(
                doc.arity, def.arity,
                "{name} is fixed in table.rs: drop it from TABLE_ARITY_BUGS"
            );
        } else {
            assert_eq!(doc.arity, def.arity, "arity of {name}");
        }
        assert_eq!(doc.group, def.group, "group of {name}");
        for resp3 in [false, true] {
            assert!(written(resp3, |r| docs::reply_docs(r, name)).is_some());
            assert!(written(resp3, |r| docs::reply_info(r, name)).is_some());
        }
    }
    let mut documented = Vec::new();
    for doc in docs::all() {
        documented.push(doc.name);
        documented.extend(doc.subcommands.iter().map(|s| s.name));
    }
    documented.sort_unstable();
    let mut expected = names.clone();
    expected.sort_unstable();
    assert_eq!(documented, expected);

    assert!(docs::lookup("CONFIG|GET").is_some());
    assert!(docs::lookup("nosuch").is_none());
    assert!(docs::lookup("config|nosuch").is_none());
    assert!(docs::lookup("get|get").is_none());
    let mut reply = Reply::new();
    assert!(!docs::reply_docs(&mut reply, "nosuch"));
    assert!(!docs::reply_key_specs(&mut reply, "nosuch"));
    assert_eq!(reply.unsent(), b"");
}

#[test]
fn set_docs_resp2_bytes() {
    // The start of Redis 7.0.15's `COMMAND DOCS set` value, in RESP2.
    let bytes = written(false, |r| docs::reply_docs(r, "set")).unwrap();
    let expected: &[u8] = b"*12\r\n$7\r\nsummary\r\n$29\r\nSet the string value of a key\r\n\
        $5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n\
        $7\r\nhistory\r\n*4\r\n*2\r\n$6\r\n2.6.12\r\n";
    assert_eq!(
        String::from_utf8_lossy(&bytes[..expected.len()]),
        String::from_utf8_lossy(expected)
    );
}

// ---- the comparison with redis-server ------------------------------------------------

/// A redis-server child, killed by PID when dropped.
struct RealRedis {
    child: Child,
    port: u16,
}

impl Drop for RealRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts redis-server on a free port >= 16400, or None if it is not on PATH.
fn start_redis() -> Option<RealRedis> {
    let base = 16400 + (std::process::id() % 500) as u16;
    let port = (0..1000)
        .map(|i| base + i)
        .find(|&p| TcpListener::bind(("127.0.0.1", p)).is_ok())
        .expect("no free port");
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
            "--bind",
            "127.0.0.1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match child {
        Ok(child) => Some(RealRedis { child, port }),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => panic!("redis-server: {e}"),
    }
}

fn connect(port: u16) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => {
                s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                return s;
            }
            Err(e) if Instant::now() > deadline => panic!("redis-server did not start: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// One parsed RESP value: its type byte, where it lies in the buffer and
/// its elements (a map's keys and values alternate).
struct Node {
    kind: u8,
    span: Range<usize>,
    items: Vec<Node>,
}

/// Parses the value at `at`; None if `buf` holds only part of it.
fn parse(buf: &[u8], at: usize) -> Option<Node> {
    let eol = at + buf.get(at..)?.windows(2).position(|w| w == b"\r\n")?;
    let kind = buf[at];
    let line = std::str::from_utf8(&buf[at + 1..eol]).unwrap();
    let mut end = eol + 2;
    let mut items = Vec::new();
    match kind {
        b'$' | b'=' => {
            let len: i64 = line.parse().unwrap();
            if len >= 0 {
                end += len as usize + 2;
                if buf.len() < end {
                    return None;
                }
            }
        }
        b'*' | b'~' | b'%' | b'>' => {
            let n: i64 = line.parse().unwrap();
            let n = if kind == b'%' { 2 * n } else { n };
            for _ in 0..n.max(0) {
                let item = parse(buf, end)?;
                end = item.span.end;
                items.push(item);
            }
        }
        _ => {}
    }
    Some(Node {
        kind,
        span: at..end,
        items,
    })
}

/// A connection to redis-server speaking RESP2 or RESP3.
struct Conn {
    stream: TcpStream,
}

impl Conn {
    fn new(port: u16, resp3: bool) -> Conn {
        let mut conn = Conn { stream: connect(port) };
        if resp3 {
            conn.call(&["HELLO", "3"]);
        }
        conn
    }

    /// Sends a command and returns its reply's bytes.
    fn call(&mut self, args: &[&str]) -> Vec<u8> {
        let mut req = format!("*{}\r\n", args.len());
        for a in args {
            req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        self.stream.write_all(req.as_bytes()).unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16384];
        loop {
            if let Some(node) = parse(&buf, 0) {
                assert_eq!(node.span.end, buf.len(), "trailing bytes after reply to {args:?}");
                return buf;
            }
            let n = self.stream.read(&mut chunk).unwrap();
            assert!(n > 0, "redis-server closed the connection");
            buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Collects the differences found, with enough context to fix them.
struct Diffs {
    found: Vec<String>,
    notes: Vec<String>,
}

impl Diffs {
    fn bytes(&mut self, what: &str, ours: &[u8], redis: &[u8]) {
        if ours != redis {
            let at = ours
                .iter()
                .zip(redis)
                .position(|(a, b)| a != b)
                .unwrap_or(ours.len().min(redis.len()));
            let from = at.saturating_sub(60);
            self.found.push(format!(
                "{what}: differ at byte {at}\n  loopkv: {:?}\n  redis:  {:?}",
                String::from_utf8_lossy(&ours[from..(at + 60).min(ours.len())]),
                String::from_utf8_lossy(&redis[from..(at + 60).min(redis.len())]),
            ));
        }
    }
}

fn text(buf: &[u8], node: &Node) -> String {
    let raw = &buf[node.span.clone()];
    let start = raw.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    String::from_utf8_lossy(raw.get(start..raw.len() - 2).unwrap_or_default()).into_owned()
}

/// Compares one COMMAND DOCS value; subcommands by name.
fn compare_docs(d: &mut Diffs, what: &str, ours: &[u8], redis: &[u8], redis_node: &Node) {
    let our_node = parse(ours, 0).unwrap();
    assert_eq!(our_node.span.end, ours.len(), "{what}: trailing bytes");
    let header =
        |buf: &[u8], n: &Node| buf[n.span.start..n.items.first().map_or(n.span.end, |i| i.span.start)].to_vec();
    d.bytes(
        &format!("{what} header"),
        &header(ours, &our_node),
        &header(redis, redis_node),
    );
    for (i, pair) in our_node.items.chunks(2).enumerate() {
        let key = text(ours, &pair[0]);
        let Some(theirs) = redis_node.items.chunks(2).find(|p| text(redis, &p[0]) == key) else {
            d.found.push(format!("{what}: redis has no field {key}"));
            continue;
        };
        let at_same_place = redis_node.items.get(2 * i).map(|k| text(redis, k)) == Some(key.clone());
        if !at_same_place {
            d.found.push(format!("{what}: field {key} is out of place"));
        }
        if key == "subcommands" {
            compare_subcommand_docs(d, what, ours, &pair[1], redis, &theirs[1]);
        } else {
            d.bytes(
                &format!("{what} {key}"),
                &ours[pair[1].span.clone()],
                &redis[theirs[1].span.clone()],
            );
        }
    }
}

fn compare_subcommand_docs(d: &mut Diffs, what: &str, ours: &[u8], our_map: &Node, redis: &[u8], redis_map: &Node) {
    if our_map.kind != redis_map.kind {
        d.found
            .push(format!("{what}: subcommands are not the same aggregate type"));
    }
    for pair in our_map.items.chunks(2) {
        let name = text(ours, &pair[0]);
        match redis_map.items.chunks(2).find(|p| text(redis, &p[0]) == name) {
            Some(theirs) => {
                d.bytes(
                    &format!("{what} subcommand {name} key"),
                    &ours[pair[0].span.clone()],
                    &redis[theirs[0].span.clone()],
                );
                let sub = &ours[pair[1].span.clone()];
                compare_docs(d, &format!("{what} > {name}"), sub, redis, &theirs[1]);
            }
            None => d.notes.push(format!("{what}: {name} is not a Redis 7.0.15 subcommand")),
        }
    }
}

/// Compares one COMMAND INFO entry; subcommands by name.
fn compare_info(d: &mut Diffs, what: &str, ours: &[u8], redis: &[u8], redis_node: &Node) {
    let our_node = parse(ours, 0).unwrap();
    assert_eq!(our_node.span.end, ours.len(), "{what}: trailing bytes");
    if redis_node.items.len() != 10 || our_node.items.len() != 10 {
        d.found.push(format!("{what}: not a ten-element entry"));
        return;
    }
    for i in 0..9 {
        d.bytes(
            &format!("{what} element {i}"),
            &ours[our_node.items[i].span.clone()],
            &redis[redis_node.items[i].span.clone()],
        );
    }
    let (our_subs, redis_subs) = (&our_node.items[9], &redis_node.items[9]);
    if our_subs.items.is_empty() || redis_subs.items.is_empty() {
        d.bytes(
            &format!("{what} subcommands"),
            &ours[our_subs.span.clone()],
            &redis[redis_subs.span.clone()],
        );
        return;
    }
    if our_subs.kind != redis_subs.kind {
        d.found
            .push(format!("{what}: subcommands are not the same aggregate type"));
    }
    for sub in &our_subs.items {
        let name = text(ours, &sub.items[0]);
        match redis_subs.items.iter().find(|s| text(redis, &s.items[0]) == name) {
            Some(theirs) => compare_info(d, &format!("{what} > {name}"), &ours[sub.span.clone()], redis, theirs),
            None => d.notes.push(format!("{what}: {name} is not a Redis 7.0.15 subcommand")),
        }
    }
}

#[test]
fn replies_match_redis_server() {
    let Some(redis) = start_redis() else {
        println!("redis-server is not on PATH: the comparison with Redis 7.0.15 did not run");
        return;
    };
    let mut d = Diffs {
        found: Vec::new(),
        notes: Vec::new(),
    };
    let mut compared = 0;
    for resp3 in [false, true] {
        let proto = if resp3 { "RESP3" } else { "RESP2" };
        let mut conn = Conn::new(redis.port, resp3);
        for name in table_names() {
            // COMMAND DOCS name -> {name: docs}
            let reply = conn.call(&["COMMAND", "DOCS", name]);
            let node = parse(&reply, 0).unwrap();
            if node.items.is_empty() {
                d.notes
                    .push(format!("{proto} {name}: unknown to Redis 7.0.15, not compared"));
                continue;
            }
            assert_eq!(node.kind, if resp3 { b'%' } else { b'*' });
            assert_eq!(text(&reply, &node.items[0]), name);
            let ours = written(resp3, |r| docs::reply_docs(r, name)).unwrap();
            compare_docs(
                &mut d,
                &format!("{proto} COMMAND DOCS {name}"),
                &ours,
                &reply,
                &node.items[1],
            );

            // COMMAND INFO name -> [info]
            let reply = conn.call(&["COMMAND", "INFO", name]);
            let node = parse(&reply, 0).unwrap();
            let entry = &node.items[0];
            let what = format!("{proto} COMMAND INFO {name}");
            let ours = written(resp3, |r| docs::reply_info(r, name)).unwrap();
            compare_info(&mut d, &what, &ours, &reply, entry);
            let parts: [(usize, &str, Writer); 4] = [
                (2, "flags", docs::reply_flags),
                (6, "acl categories", docs::reply_acl_categories),
                (7, "tips", docs::reply_tips),
                (8, "key specs", docs::reply_key_specs),
            ];
            for (i, part, write) in parts {
                let ours = written(resp3, |r| write(r, name)).unwrap();
                d.bytes(&format!("{what} {part}"), &ours, &reply[entry.items[i].span.clone()]);
            }
            compared += 1;
        }
    }
    for note in &d.notes {
        println!("note: {note}");
    }
    println!("compared {compared} commands (RESP2 + RESP3) with redis-server");
    assert!(
        d.found.is_empty(),
        "{} difference(s):\n{}",
        d.found.len(),
        d.found.join("\n")
    );
}
