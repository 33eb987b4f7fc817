//! Test support shared by the differential, connection and server-command
//! tests: an embedded loopkv, a real `redis-server` child process, a raw
//! RESP connection that returns each complete reply's exact bytes, a small
//! RESP value tree for normalising replies, and byte escaping for messages.

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a test waits for one reply before calling it missing.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

// ---- servers --------------------------------------------------------------------

/// A new empty directory for one server's files.
pub fn scratch_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("loopkv-difftest-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the `loopkv` binary with its files in `dir`; returns the child and
/// its port (from its start-up log). Tests that need what only the binary
/// has use it: the counting allocator behind `used_memory` and
/// `maxmemory`, `kill -9`.
pub fn spawn_binary(dir: &std::path::Path, extra: &[&str]) -> (Child, u16) {
    let (child, port, _) = spawn_binary_logged(dir, extra);
    (child, port)
}

/// `spawn_binary`, also keeping its log (standard output) as it grows.
pub fn spawn_binary_logged(
    dir: &std::path::Path,
    extra: &[&str],
) -> (Child, u16, std::sync::Arc<std::sync::Mutex<String>>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_loopkv"))
        .args(["--port", "0", "--bind", "127.0.0.1", "--save", "", "--dir"])
        .arg(dir)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn loopkv");
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let port = loop {
        let line = lines.next().expect("a start-up line").unwrap();
        log.lock().unwrap().push_str(&line);
        log.lock().unwrap().push('\n');
        if let Some(rest) = line.split("port=").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            break digits.parse().unwrap();
        }
    };
    // Keep reading its log so it never blocks on a full pipe.
    let kept = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut log = kept.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
    (child, port, log)
}

// ---- the binary or redis-server, chosen by LOOPKV_TEST_REAL_REDIS --------------

/// The server under test, stopped on drop.
pub enum Server {
    Loopkv(std::process::Child),
    Redis(#[allow(dead_code)] Redis),
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Server::Loopkv(child) = self {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A server under test: its address and directory.
pub struct Started {
    _server: Server,
    pub addr: SocketAddr,
    pub dir: std::path::PathBuf,
}

/// Starts the loopkv binary (or redis-server with
/// `LOOPKV_TEST_REAL_REDIS=1`) with files in a directory of its own,
/// DEBUG enabled and `extra` arguments; returns it and a connection.
pub fn start_binary(extra: &[&str]) -> (Started, Conn) {
    let dir = scratch_dir();
    let mut args = vec!["--enable-debug-command", "yes", "--dir", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (server, addr) = if std::env::var_os("LOOPKV_TEST_REAL_REDIS").is_some() {
        let redis = Redis::start_with(&args);
        let addr = redis.addr;
        (Server::Redis(redis), addr)
    } else {
        let (child, port) = spawn_binary(&dir, &args);
        (Server::Loopkv(child), SocketAddr::from(([127, 0, 0, 1], port)))
    };
    let conn = Conn::connect(addr);
    (
        Started {
            _server: server,
            addr,
            dir,
        },
        conn,
    )
}

pub fn info_field(c: &mut Conn, section: &str, field: &str) -> u64 {
    let text = String::from_utf8(c.cmd(&[b"INFO", section.as_bytes()])).unwrap();
    let prefix = format!("{field}:");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {field} in INFO {section}"))
        .trim()
        .parse()
        .unwrap()
}

/// A loopkv server on its own thread, listening on 127.0.0.1 on a free port.
pub struct Loopkv {
    pub addr: SocketAddr,
    pub handle: Option<loopkv::ServerHandle>,
}

impl Loopkv {
    /// Starts loopkv with `extra` directives applied after the defaults
    /// (port 0, bind 127.0.0.1).
    pub fn start(extra: &[(&str, &str)]) -> Loopkv {
        let mut config = loopkv::Config::default();
        config.apply(b"port", &[b"0".to_vec()]).unwrap();
        config.apply(b"bind", &[b"127.0.0.1".to_vec()]).unwrap();
        config.apply(b"save", &[b"".to_vec()]).unwrap();
        for (name, value) in extra {
            config
                .apply(name.as_bytes(), &[value.as_bytes().to_vec()])
                .unwrap_or_else(|e| panic!("config {name} {value}: {e}"));
        }
        Loopkv::start_with(config)
    }

    /// Starts loopkv with `config`; unless it names a `dir` of its own,
    /// its files go to a new directory, never the working directory.
    pub fn start_with(mut config: loopkv::Config) -> Loopkv {
        let cwd = std::env::current_dir().unwrap().into_os_string().into_encoded_bytes();
        if config.value("dir") == cwd.as_slice() {
            let dir = scratch_dir().into_os_string().into_encoded_bytes();
            config.apply(b"dir", &[dir]).unwrap();
        }
        let server = loopkv::Server::bind(config).expect("bind loopkv");
        let addr = server.local_addr();
        let handle = server.spawn().expect("spawn loopkv");
        Loopkv {
            addr,
            handle: Some(handle),
        }
    }

    /// Loopkv with DEBUG enabled, as the differential tier runs it.
    pub fn start_debug() -> Loopkv {
        Loopkv::start(&[("enable-debug-command", "yes")])
    }

    pub fn conn(&self) -> Conn {
        Conn::connect(self.addr)
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) -> io::Result<()> {
        match self.handle.take() {
            Some(h) => h.shutdown(),
            None => Ok(()),
        }
    }
}

/// A real `redis-server` child process, killed by PID on drop.
pub struct Redis {
    pub addr: SocketAddr,
    child: Child,
}

/// True if `tool --version` runs from PATH.
pub fn tool_available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// True if `redis-server` can be run from PATH.
pub fn redis_available() -> bool {
    tool_available("redis-server")
}

/// Reports whether a test that needs the real `tool` can run; when it
/// cannot, fails if LOOPKV_REQUIRE_REDIS=1 (CI installs every such tool)
/// and otherwise says so on stderr.
pub fn tool_or_skip(tool: &str, test: &str) -> bool {
    if tool_available(tool) {
        return true;
    }
    if std::env::var("LOOPKV_REQUIRE_REDIS").as_deref() == Ok("1") {
        panic!("{test}: {tool} not found on PATH and LOOPKV_REQUIRE_REDIS=1");
    }
    eprintln!("{test} NOT RUN: {tool} not found");
    false
}

/// Reports whether the differential tier can run (see `tool_or_skip`).
pub fn redis_or_skip(test: &str) -> bool {
    tool_or_skip("redis-server", test)
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().unwrap().port()
}

impl Redis {
    /// Starts redis-server on a free loopback port with persistence off and
    /// DEBUG enabled, and waits until it answers PING.
    pub fn start() -> Redis {
        Redis::start_with(&[])
    }

    /// Like `start`, with extra `--name value` arguments.
    pub fn start_with(extra: &[&str]) -> Redis {
        // A directory of its own: a snapshot one server saves (with the
        // replication fields a backlog adds) must not be loaded by the next.
        let dir = scratch_dir();
        for _attempt in 0..5 {
            let port = free_port();
            let child = Command::new("redis-server")
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .args(["--enable-debug-command", "yes", "--dir", &dir.display().to_string()])
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn redis-server");
            let mut redis = Redis {
                addr: SocketAddr::from(([127, 0, 0, 1], port)),
                child,
            };
            if redis.wait_ready() {
                return redis;
            }
            // Port taken meanwhile (or slow start): try another one.
            drop(redis);
        }
        panic!("redis-server did not start");
    }

    /// Waits until the server accepts connections (a PING may be refused
    /// with NOAUTH; any reply will do).
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(s) = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)) {
                let mut c = Conn::from_stream(s);
                if c.try_cmd(&[b"PING"]).is_ok() {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    pub fn conn(&self) -> Conn {
        Conn::connect(self.addr)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- a raw RESP connection ---------------------------------------------------------

/// A plain TCP connection that sends raw bytes and reads complete replies.
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

/// One command as a RESP array of bulk strings.
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl Conn {
    pub fn connect(addr: SocketAddr) -> Conn {
        let s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
        Conn::from_stream(s)
    }

    pub fn from_stream(stream: TcpStream) -> Conn {
        stream.set_read_timeout(Some(REPLY_TIMEOUT)).unwrap();
        let _ = stream.set_nodelay(true);
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to server");
    }

    /// `send_raw` for a server that may close the connection meanwhile.
    pub fn try_send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Sends a command without waiting for its reply.
    pub fn send(&mut self, args: &[&[u8]]) {
        self.send_raw(&encode(args));
    }

    /// Reads one complete reply (an attribute and the reply it annotates
    /// count as one) and returns its exact bytes.
    pub fn read_reply(&mut self) -> io::Result<Vec<u8>> {
        loop {
            match reply_len(&self.buf) {
                Ok(Some(n)) => return Ok(self.buf.drain(..n).collect()),
                Ok(None) => {}
                Err(()) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("malformed reply {}", esc(&self.buf)),
                    ));
                }
            }
            let mut chunk = [0u8; 64 * 1024];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("connection closed after {}", esc(&self.buf)),
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends a command and reads its reply, or the I/O error.
    pub fn try_cmd(&mut self, args: &[&[u8]]) -> io::Result<Vec<u8>> {
        self.stream.write_all(&encode(args))?;
        self.read_reply()
    }

    /// Sends a command and returns its reply bytes.
    pub fn cmd(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let shown = args.iter().map(|a| esc(a)).collect::<Vec<_>>().join(" ");
        self.try_cmd(args).unwrap_or_else(|e| panic!("{shown}: {e}"))
    }

    /// Sends a command given as space-separated words and returns the reply.
    pub fn cmd_str(&mut self, line: &str) -> Vec<u8> {
        let words: Vec<&[u8]> = line.split_ascii_whitespace().map(str::as_bytes).collect();
        self.cmd(&words)
    }

    /// Asserts the exact reply bytes of a command given as words.
    #[track_caller]
    pub fn expect(&mut self, line: &str, want: &[u8]) {
        let got = self.cmd_str(line);
        assert_eq!(esc(&got), esc(want), "reply to {line}");
    }

    /// Asserts the exact reply bytes of a command given as arguments.
    #[track_caller]
    pub fn expect_args(&mut self, args: &[&[u8]], want: &[u8]) {
        let got = self.cmd(args);
        let shown = args.iter().map(|a| esc(a)).collect::<Vec<_>>().join(" ");
        assert_eq!(esc(&got), esc(want), "reply to {shown}");
    }

    /// True if the server closes the connection (EOF, reset) within the
    /// reply timeout; bytes received before that are returned too.
    pub fn closed(&mut self) -> (bool, Vec<u8>) {
        let mut extra = std::mem::take(&mut self.buf);
        let mut chunk = [0u8; 4096];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return (true, extra),
                Ok(n) => extra.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut => {
                    return (false, extra);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return (true, extra),
            }
        }
    }

    pub fn set_timeout(&mut self, t: Duration) {
        self.stream.set_read_timeout(Some(t)).unwrap();
    }
}

// ---- RESP framing --------------------------------------------------------------------

fn line_end(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?.windows(2).position(|w| w == b"\r\n").map(|p| from + p)
}

fn header_num(buf: &[u8], from: usize) -> Result<Option<(i64, usize)>, ()> {
    let Some(end) = line_end(buf, from + 1) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&buf[from + 1..end]).map_err(|_| ())?;
    let n: i64 = text.parse().map_err(|_| ())?;
    Ok(Some((n, end + 2)))
}

/// Length of the complete reply at `buf[from..]`: `Ok(None)` if incomplete.
fn reply_end(buf: &[u8], from: usize) -> Result<Option<usize>, ()> {
    let Some(&kind) = buf.get(from) else { return Ok(None) };
    match kind {
        b'+' | b'-' | b':' | b',' | b'#' | b'(' | b'_' => Ok(line_end(buf, from + 1).map(|e| e + 2)),
        b'$' | b'=' | b'!' => {
            let Some((n, body)) = header_num(buf, from)? else {
                return Ok(None);
            };
            if n < 0 {
                return Ok(Some(body));
            }
            let end = body + n as usize + 2;
            Ok((buf.len() >= end).then_some(end))
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let Some((n, mut at)) = header_num(buf, from)? else {
                return Ok(None);
            };
            if n < 0 {
                return Ok(Some(at));
            }
            let items = if kind == b'%' || kind == b'|' { n * 2 } else { n };
            for _ in 0..items {
                match reply_end(buf, at)? {
                    Some(e) => at = e,
                    None => return Ok(None),
                }
            }
            if kind == b'|' {
                // An attribute annotates the reply that follows it.
                return reply_end(buf, at);
            }
            Ok(Some(at))
        }
        _ => Err(()),
    }
}

/// Length of the first complete reply in `buf`, `Ok(None)` if incomplete.
pub fn reply_len(buf: &[u8]) -> Result<Option<usize>, ()> {
    reply_end(buf, 0)
}

/// A parsed reply, for normalising before comparison.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum V {
    /// `+ - : , # ( _` with the line's text.
    Line(u8, Vec<u8>),
    /// `$ = !` with the payload; None for a null.
    Blob(u8, Option<Vec<u8>>),
    /// `* ~ > % |` with the items (maps and attributes flattened); None for a null.
    Agg(u8, Option<Vec<V>>),
}

fn parse_at(buf: &[u8], at: &mut usize) -> V {
    let kind = buf[*at];
    match kind {
        b'+' | b'-' | b':' | b',' | b'#' | b'(' | b'_' => {
            let end = line_end(buf, *at + 1).expect("complete reply");
            let v = V::Line(kind, buf[*at + 1..end].to_vec());
            *at = end + 2;
            v
        }
        b'$' | b'=' | b'!' => {
            let (n, body) = header_num(buf, *at).unwrap().unwrap();
            if n < 0 {
                *at = body;
                return V::Blob(kind, None);
            }
            let v = V::Blob(kind, Some(buf[body..body + n as usize].to_vec()));
            *at = body + n as usize + 2;
            v
        }
        _ => {
            let (n, body) = header_num(buf, *at).unwrap().unwrap();
            *at = body;
            if n < 0 {
                return V::Agg(kind, None);
            }
            let items = if kind == b'%' || kind == b'|' { n * 2 } else { n };
            let v = (0..items).map(|_| parse_at(buf, at)).collect();
            V::Agg(kind, Some(v))
        }
    }
}

impl V {
    /// Parses one complete reply (as returned by `Conn::read_reply`).
    pub fn parse(buf: &[u8]) -> V {
        let mut at = 0;
        parse_at(buf, &mut at)
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            V::Line(k, text) => {
                out.push(*k);
                out.extend_from_slice(text);
                out.extend_from_slice(b"\r\n");
            }
            V::Blob(k, None) => out.extend_from_slice(&[*k, b'-', b'1', b'\r', b'\n']),
            V::Blob(k, Some(data)) => {
                out.push(*k);
                out.extend_from_slice(format!("{}\r\n", data.len()).as_bytes());
                out.extend_from_slice(data);
                out.extend_from_slice(b"\r\n");
            }
            V::Agg(k, None) => out.extend_from_slice(&[*k, b'-', b'1', b'\r', b'\n']),
            V::Agg(k, Some(items)) => {
                let n = if *k == b'%' || *k == b'|' {
                    items.len() / 2
                } else {
                    items.len()
                };
                out.push(*k);
                out.extend_from_slice(format!("{n}\r\n").as_bytes());
                for i in items {
                    i.encode(out);
                }
            }
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    pub fn items(&self) -> &[V] {
        match self {
            V::Agg(_, Some(items)) => items,
            _ => &[],
        }
    }

    pub fn items_mut(&mut self) -> Option<&mut Vec<V>> {
        match self {
            V::Agg(_, Some(items)) => Some(items),
            _ => None,
        }
    }

    /// The text of a line or blob.
    pub fn text(&self) -> &[u8] {
        match self {
            V::Line(_, t) | V::Blob(_, Some(t)) => t,
            _ => b"",
        }
    }
}

/// Writes bytes readably: printable ASCII as is, the rest escaped.
pub fn esc(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s
}

/// Splits a script line into arguments as redis-cli does: words, "double
/// quoted" with \n \r \t \\ \" \xHH escapes, 'single quoted' verbatim.
pub fn split_line(line: &str) -> Vec<Vec<u8>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let mut word = Vec::new();
        if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    i += 1;
                    match b[i] {
                        b'n' => word.push(b'\n'),
                        b'r' => word.push(b'\r'),
                        b't' => word.push(b'\t'),
                        b'x' if i + 2 < b.len() => {
                            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
                            word.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                            i += 2;
                        }
                        c => word.push(c),
                    }
                } else {
                    word.push(b[i]);
                }
                i += 1;
            }
            i += 1;
        } else if b[i] == b'\'' {
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                word.push(b[i]);
                i += 1;
            }
            i += 1;
        } else {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                word.push(b[i]);
                i += 1;
            }
        }
        out.push(word);
    }
    out
}

/// Polls `f` every 10 ms until it returns true or `limit` passes.
pub fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

// ---- deterministic randomness ------------------------------------------------------

/// A small xorshift generator, so a random mix is the same on every run and
/// for both servers.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform-ish in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}
