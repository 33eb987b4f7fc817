//! Shared helpers for the integration tests: start a server on port 0, talk
//! raw RESP to it over a blocking `TcpStream`, and open a `redis` crate
//! connection.
//!
//! Every expectation in the tests is Redis 7.0.15's reply. To check that,
//! run a test file against the real server instead of loopkv:
//! `LOOPKV_TEST_REAL_REDIS=1 cargo test --test strings` makes [`start_with`]
//! launch `redis-server` on a free port (killed by PID on drop).

#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

/// How long a test waits for a reply before failing.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; stops (or is killed) when dropped.
pub enum Handle {
    Embedded(loopkv::ServerHandle),
    Real(Child),
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Handle::Real(child) = self {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A new empty directory for one server's files.
pub fn scratch_dir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("loopkv-test-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts a server with the default configuration on 127.0.0.1, port 0.
pub fn start() -> (Handle, SocketAddr) {
    start_with(&[])
}

/// Starts a server with extra config directives, e.g. `("hz", "100")`.
pub fn start_with(directives: &[(&str, &str)]) -> (Handle, SocketAddr) {
    if std::env::var_os("LOOPKV_TEST_REAL_REDIS").is_some() {
        return start_real_redis(directives);
    }
    let mut config = loopkv::Config::default();
    config.apply(b"port", &[b"0".to_vec()]).unwrap();
    config.apply(b"bind", &[b"127.0.0.1".to_vec()]).unwrap();
    // No save points, and files in a directory of the server's own, so no
    // test reads or leaves a dump.rdb in the working directory.
    config.apply(b"save", &[b"".to_vec()]).unwrap();
    config
        .apply(b"dir", &[scratch_dir().into_os_string().into_encoded_bytes()])
        .unwrap();
    for (name, value) in directives {
        config.apply(name.as_bytes(), &[value.as_bytes().to_vec()]).unwrap();
    }
    let server = loopkv::Server::bind(config).unwrap();
    let addr = server.local_addr();
    (Handle::Embedded(server.spawn().unwrap()), addr)
}

/// Launches the real `redis-server` on a free port >= 16400.
fn start_real_redis(directives: &[(&str, &str)]) -> (Handle, SocketAddr) {
    // Distinct candidates per test thread, so parallel tests do not race
    // for the same free port.
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 16400 + (std::process::id() % 500) as u16;
    let port = std::iter::repeat_with(|| base + NEXT.fetch_add(1, Ordering::Relaxed) % 1000)
        .take(1000)
        .find(|&p| TcpListener::bind(("127.0.0.1", p)).is_ok())
        .expect("no free port");
    let mut cmd = Command::new("redis-server");
    cmd.args([
        "--port",
        &port.to_string(),
        "--save",
        "",
        "--appendonly",
        "no",
        "--bind",
        "127.0.0.1",
        "--dir",
    ]);
    // Files (an AOF a test turns on) go to a directory of the server's own.
    cmd.arg(scratch_dir());
    for (name, value) in directives {
        cmd.arg(format!("--{name}")).arg(value);
    }
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server");
    let handle = Handle::Real(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start on {port}");
        std::thread::sleep(Duration::from_millis(10));
    }
    (handle, addr)
}

/// A `redis` crate connection to `addr`.
pub fn redis_conn(addr: SocketAddr) -> redis::Connection {
    redis::Client::open(format!("redis://{addr}"))
        .unwrap()
        .get_connection()
        .unwrap()
}

/// Encodes a command as a RESP array of bulk strings.
pub fn encode<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Splits a command line on spaces; `""` stands for an empty argument.
fn words(line: &str) -> Vec<&str> {
    line.split_ascii_whitespace()
        .map(|w| if w == "\"\"" { "" } else { w })
        .collect()
}

/// Bytes shown with escapes, for assertion messages.
pub fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Length of the first complete RESP2/RESP3 reply in `buf`, None if
/// incomplete.
pub fn reply_len(buf: &[u8]) -> Option<usize> {
    let end = buf.windows(2).position(|w| w == b"\r\n")?;
    let header = end + 2;
    let number = || -> i64 { std::str::from_utf8(&buf[1..end]).unwrap().parse().unwrap() };
    match buf[0] {
        b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => Some(header),
        b'$' | b'!' | b'=' => {
            let n = number();
            if n < 0 {
                return Some(header);
            }
            let total = header + n as usize + 2;
            (buf.len() >= total).then_some(total)
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n = number();
            let items = if matches!(buf[0], b'%' | b'|') { n * 2 } else { n.max(0) };
            let mut at = header;
            for _ in 0..items {
                at += reply_len(&buf[at..])?;
            }
            Some(at)
        }
        other => panic!("not a RESP reply type: {:?} in {}", other as char, show(buf)),
    }
}

/// Number of complete replies in `bytes` (which must hold whole replies).
fn count_replies(mut bytes: &[u8]) -> usize {
    let mut n = 0;
    while !bytes.is_empty() {
        let len = reply_len(bytes).unwrap_or_else(|| panic!("incomplete expected reply: {}", show(bytes)));
        bytes = &bytes[len..];
        n += 1;
    }
    n
}

/// A raw RESP connection.
pub struct Conn {
    stream: TcpStream,
    /// Bytes read past the replies returned so far.
    buf: Vec<u8>,
}

impl Conn {
    pub fn connect(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    fn fill(&mut self) {
        let mut chunk = [0u8; 64 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => panic!("connection closed; unread: {}", show(&self.buf)),
            Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("timed out waiting for a reply; got: {}", show(&self.buf))
            }
            Err(e) => panic!("read error: {e}"),
        }
    }

    /// Reads exactly `n` complete replies and returns their bytes.
    pub fn read_replies(&mut self, n: usize) -> Vec<u8> {
        let mut at = 0;
        for _ in 0..n {
            loop {
                if at < self.buf.len()
                    && let Some(len) = reply_len(&self.buf[at..])
                {
                    at += len;
                    break;
                }
                self.fill();
            }
        }
        self.buf.drain(..at).collect()
    }

    /// Reads exactly `len` bytes.
    pub fn read_len(&mut self, len: usize) -> Vec<u8> {
        while self.buf.len() < len {
            self.fill();
        }
        self.buf.drain(..len).collect()
    }

    /// Sends one command and returns its reply's bytes.
    pub fn call<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        self.send_raw(&encode(args));
        self.read_replies(1)
    }

    /// Sends `args` and asserts the reply is exactly `expected`.
    #[track_caller]
    pub fn check<A: AsRef<[u8]>>(&mut self, args: &[A], expected: &[u8]) {
        let got = self.call(args);
        let shown: Vec<String> = args.iter().map(|a| show(a.as_ref())).collect();
        assert_eq!(show(&got), show(expected), "reply to {shown:?}");
    }

    /// `check` with the command written as one line (see `words`).
    #[track_caller]
    pub fn t(&mut self, line: &str, expected: &[u8]) {
        self.check(&words(line), expected);
    }

    /// Sends raw bytes and asserts the replies are exactly `expected`
    /// (as many replies as `expected` holds are read).
    #[track_caller]
    pub fn raw(&mut self, request: &[u8], expected: &[u8]) {
        self.send_raw(request);
        let got = self.read_replies(count_replies(expected));
        assert_eq!(show(&got), show(expected), "replies to {}", show(request));
    }

    /// Sends a command whose reply must be an integer and returns it.
    #[track_caller]
    pub fn int(&mut self, line: &str) -> i64 {
        let got = self.call(&words(line));
        let text = std::str::from_utf8(&got).unwrap();
        match text.strip_prefix(':').and_then(|t| t.strip_suffix("\r\n")) {
            Some(n) => n.parse().unwrap(),
            None => panic!("reply to {line:?} is not an integer: {}", show(&got)),
        }
    }

    /// Asserts `TTL key` replies `ttl` for a negative `ttl` (-1, -2), else
    /// at most `ttl` and no more than 5 s less: never an exact timing.
    #[track_caller]
    pub fn assert_ttl(&mut self, key: &str, ttl: i64) {
        let got = self.int(&format!("TTL {key}"));
        let ok = if ttl < 0 {
            got == ttl
        } else {
            (ttl - 5..=ttl).contains(&got)
        };
        assert!(ok, "TTL {key} = {got}, expected {ttl}");
    }

    /// The elements of a flat array reply of bulk strings, sorted.
    #[track_caller]
    pub fn sorted_bulks(&mut self, line: &str) -> Vec<Vec<u8>> {
        let got = self.call(&words(line));
        let mut items = parse_bulk_array(&got);
        items.sort();
        items
    }

    /// One field of INFO `section`.
    pub fn info_field(&mut self, section: &str, field: &str) -> String {
        let got = self.call(&["INFO", section]);
        let text = String::from_utf8(got).unwrap();
        let prefix = format!("{field}:");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {field} in INFO {section}"))
            .to_string()
    }
}

/// Parses `*N\r\n$len\r\n...` (bulk strings only) into its elements.
pub fn parse_bulk_array(reply: &[u8]) -> Vec<Vec<u8>> {
    assert_eq!(reply[0], b'*', "not an array: {}", show(reply));
    let end = reply.windows(2).position(|w| w == b"\r\n").unwrap();
    let n: usize = std::str::from_utf8(&reply[1..end]).unwrap().parse().unwrap();
    let mut at = end + 2;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        assert_eq!(reply[at], b'$', "not a bulk string: {}", show(&reply[at..]));
        let end = at + reply[at..].windows(2).position(|w| w == b"\r\n").unwrap();
        let len: usize = std::str::from_utf8(&reply[at + 1..end]).unwrap().parse().unwrap();
        items.push(reply[end + 2..end + 2 + len].to_vec());
        at = end + 2 + len + 2;
    }
    assert_eq!(at, reply.len(), "trailing bytes in {}", show(reply));
    items
}

/// Polls `cond` every 10 ms until it holds, failing after 5 s.
#[track_caller]
pub fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "not within 5 s: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

// ---- shared by the per-family test files ------------------------------------------

pub const WRONGTYPE: &[u8] = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
pub const SYNTAX: &[u8] = b"-ERR syntax error\r\n";
pub const NOT_INT: &[u8] = b"-ERR value is not an integer or out of range\r\n";
pub const EMPTY: &[u8] = b"*0\r\n";

/// An embedded server and one connection to it.
pub fn setup() -> (Handle, Conn) {
    let (handle, addr) = start();
    (handle, Conn::connect(addr))
}

/// A RESP2 array of bulk strings.
pub fn bulks(items: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", items.len()).into_bytes();
    for i in items {
        out.extend_from_slice(format!("${}\r\n{i}\r\n", i.len()).as_bytes());
    }
    out
}

/// OBJECT ENCODING's reply for `key`.
pub fn enc(c: &mut Conn, key: &str) -> Vec<u8> {
    c.call(&["OBJECT", "ENCODING", key])
}
