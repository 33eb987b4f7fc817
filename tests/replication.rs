//! Replication, the master's side: the handshake a replica makes, full
//! synchronization (`+FULLRESYNC`, the snapshot as a bulk), the stream
//! that follows byte for byte as redis-server 7.0.15 sends it, partial
//! resynchronization from the backlog (`+CONTINUE`), WAIT, and a real
//! redis-server replicating from loopkv with equal `DEBUG DIGEST`s.
//!
//! The replica is played by the test (`FakeReplica`) where the bytes
//! matter, so each exchange is checked exactly; the same scenario runs
//! against a real redis-server and the two byte strings are compared.

mod diff_support;

use diff_support::{Conn, Redis, Rng, esc, info_field, redis_or_skip, start_binary, wait_until};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

// ---- a replica played by the test ----------------------------------------------------

/// A connection that does a replica's handshake by hand and then reads
/// the raw stream.
struct FakeReplica {
    s: TcpStream,
    buf: Vec<u8>,
}

impl FakeReplica {
    fn connect(addr: SocketAddr) -> FakeReplica {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        FakeReplica { s, buf: Vec::new() }
    }

    fn fill(&mut self) {
        let mut chunk = [0u8; 64 * 1024];
        let n = self.s.read(&mut chunk).expect("read from the master");
        assert!(n > 0, "the master closed the link after {}", esc(&self.buf));
        self.buf.extend_from_slice(&chunk[..n]);
    }

    /// The next line, without its CRLF.
    fn line(&mut self) -> Vec<u8> {
        loop {
            if let Some(at) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf[..at].to_vec();
                self.buf.drain(..at + 2);
                return line;
            }
            self.fill();
        }
    }

    /// The next `n` bytes.
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        while self.buf.len() < n {
            self.fill();
        }
        self.buf.drain(..n).collect()
    }

    fn send(&mut self, args: &[&[u8]]) {
        self.s.write_all(&diff_support::encode(args)).unwrap();
    }

    /// Sends a command and returns its one-line reply.
    fn cmd(&mut self, args: &[&[u8]]) -> Vec<u8> {
        self.send(args);
        self.line()
    }

    /// The handshake of a 7.0 replica, then PSYNC: the reply line.
    fn psync(&mut self, replid: &str, offset: i64) -> String {
        assert_eq!(self.cmd(&[b"REPLCONF", b"listening-port", b"7777"]), b"+OK");
        assert_eq!(self.cmd(&[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"]), b"+OK");
        let offset = offset.to_string();
        String::from_utf8(self.cmd(&[b"PSYNC", replid.as_bytes(), offset.as_bytes()])).unwrap()
    }

    /// A full synchronization: the history id and offset announced and
    /// the snapshot's bytes (after any newlines sent while it was made).
    fn full_sync(&mut self) -> (String, u64, Vec<u8>) {
        let reply = self.psync("?", -1);
        let words: Vec<&str> = reply.split(' ').collect();
        assert_eq!(words[0], "+FULLRESYNC", "{reply}");
        let (id, offset) = (words[1].to_string(), words[2].parse().unwrap());
        loop {
            while self.buf.first() == Some(&b'\n') {
                self.buf.remove(0);
            }
            if !self.buf.is_empty() {
                break;
            }
            self.fill();
        }
        let header = String::from_utf8(self.line()).unwrap();
        let len: usize = header.strip_prefix('$').expect("a bulk").parse().unwrap();
        let rdb = self.bytes(len);
        assert_eq!(&rdb[..9], b"REDIS0010");
        (id, offset, rdb)
    }

    /// A diskless transfer after newlines: `$EOF:<mark>`, then the
    /// snapshot up to the mark. Returns the snapshot.
    fn eof_transfer(&mut self) -> Vec<u8> {
        let header = loop {
            let line = self.line();
            if !line.is_empty() && line != b"\n" {
                break String::from_utf8(line).unwrap();
            }
        };
        let header = header.trim_start_matches('\n');
        let mark = header
            .strip_prefix("$EOF:")
            .unwrap_or_else(|| panic!("not a diskless transfer: {header}"));
        assert_eq!(mark.len(), 40);
        loop {
            if let Some(at) = self.buf.windows(40).position(|w| w == mark.as_bytes()) {
                let rdb: Vec<u8> = self.buf.drain(..at + 40).take(at).collect();
                assert_eq!(&rdb[..9], b"REDIS0010");
                return rdb;
            }
            self.fill();
        }
    }

    /// True if the master sent nothing within a moment (what it holds
    /// back stays held however slow the machine).
    fn silent(&mut self) -> bool {
        if !self.buf.is_empty() {
            return false;
        }
        self.s.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
        let mut byte = [0u8; 1];
        let silent = match self.s.read(&mut byte) {
            Ok(0) => panic!("the master closed the link"),
            Ok(_) => {
                self.buf.push(byte[0]);
                false
            }
            Err(_) => true,
        };
        self.s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        silent
    }
}

fn repl_offset(c: &mut Conn) -> u64 {
    info_field(c, "replication", "master_repl_offset")
}

/// A master that starts a replica's snapshot at once (Redis's default
/// waits 5 s for more replicas to share a diskless one).
const NO_DELAY: &[&str] = &["--repl-diskless-sync-delay", "0"];

/// A master under test: its name, the server (stopped on drop) and address.
type Master = (&'static str, Box<dyn std::any::Any>, SocketAddr);

/// loopkv, and redis-server when it is installed, as masters with disk
/// snapshots for replicas (Redis's default waits 5 s for a diskless one)
/// and no keepalive PINGs during a test.
fn masters() -> Vec<Master> {
    masters_with(&["--repl-diskless-sync", "no"])
}

/// `masters`, with `extra` arguments instead of disk snapshots.
fn masters_with(extra: &[&'static str]) -> Vec<Master> {
    let mut quiet = vec!["--repl-ping-replica-period", "3600", "--repl-diskless-sync-delay", "0"];
    quiet.extend_from_slice(extra);
    let (server, _) = start_binary(&quiet);
    let addr = server.addr;
    let mut out: Vec<Master> = vec![("loopkv", Box::new(server), addr)];
    if redis_or_skip("replication (the redis-server side)") {
        let dir = diff_support::scratch_dir();
        let mut args = vec!["--dir", dir.to_str().unwrap()];
        args.extend(&quiet);
        let redis = Redis::start_with(&args);
        let addr = redis.addr;
        out.push(("redis-server", Box::new(redis), addr));
    }
    out
}

/// The stream without keepalive PINGs (sent once a while after start).
fn without_pings(stream: &[u8]) -> Vec<u8> {
    let ping = b"*1\r\n$4\r\nPING\r\n";
    let mut out = Vec::new();
    let mut i = 0;
    while i < stream.len() {
        if stream[i..].starts_with(ping) {
            i += ping.len();
        } else {
            out.push(stream[i]);
            i += 1;
        }
    }
    out
}

/// Writes of every kind, with absolute times only, so two servers
/// produce the same stream.
const WRITES: &[&str] = &[
    "SET k1 v1",
    "INCR n",
    "INCRBYFLOAT f 1.5",
    "APPEND k1 xx",
    "GET k1",
    "SELECT 2",
    "SET k2 v2",
    "MULTI",
    "SET a 1",
    "INCR a",
    "EXEC",
    "EXPIREAT k2 4102444800",
    "SET t v PXAT 4102444800000",
    "GETEX t PERSIST",
    "LPUSH l a b c",
    "RPOP l",
    "LMOVE l l2 LEFT RIGHT",
    "HSET h f v g w",
    "HDEL h g nope",
    "SADD s x y",
    "SREM s y",
    "ZADD z 1 m 2 n",
    "ZINCRBY z 5 m",
    "ZPOPMIN z",
    "DEL k2 missing",
    "DEL missing",
    "PUBLISH ch hello",
    "SELECT 0",
    "RENAME k1 k3",
    "COPY k3 k4",
    "SETNX k4 no",
    "FLUSHDB",
    "SET last 1",
];

/// The stream a replica gets for `WRITES` (after its snapshot).
fn stream_for_writes(addr: SocketAddr) -> Vec<u8> {
    let mut c = Conn::connect(addr);
    let mut r = FakeReplica::connect(addr);
    let (_, offset, _) = r.full_sync();
    for line in WRITES {
        c.cmd_str(line);
    }
    c.cmd(&[
        b"EVAL",
        b"redis.call('set', KEYS[1], 'x') return redis.call('incr', 'cnt')",
        b"1",
        b"sk",
    ]);
    let end = repl_offset(&mut c);
    without_pings(&r.bytes((end - offset) as usize))
}

#[test]
fn the_stream_after_a_full_sync_is_redis_byte_for_byte() {
    let masters = masters();
    let streams: Vec<(&str, Vec<u8>)> = masters
        .iter()
        .map(|(name, _, addr)| (*name, stream_for_writes(*addr)))
        .collect();
    let ours = &streams[0].1;
    // The stream opens with the database of its first write, wraps the
    // transaction and the script in MULTI/EXEC, carries PUBLISH, and
    // sends absolute expiry times.
    let text = String::from_utf8_lossy(ours);
    assert!(
        text.starts_with("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n"),
        "{}",
        esc(ours)
    );
    assert!(text.contains("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"));
    assert!(text.contains("$7\r\nPUBLISH\r\n$2\r\nch\r\n$5\r\nhello\r\n"));
    assert!(text.contains("PEXPIREAT\r\n$2\r\nk2\r\n$13\r\n4102444800000\r\n"));
    // `DEL missing` deleted nothing: it is not sent.
    assert_eq!(text.matches("missing").count(), 1);
    for (name, stream) in &streams[1..] {
        assert_eq!(esc(ours), esc(stream), "loopkv's stream differs from {name}'s");
    }
}

/// The snapshot a replica gets carries the replication fields and loads
/// elsewhere: a real redis-server replica holds the same data.
#[test]
fn the_snapshot_names_the_history_and_offset() {
    for (_, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        c.cmd_str("SET before 1");
        let mut r = FakeReplica::connect(addr);
        let (id, offset, rdb) = r.full_sync();
        assert_eq!(offset, 0);
        let has = |field: &[u8]| rdb.windows(field.len()).any(|w| w == field);
        assert!(has(b"repl-id") && has(id.as_bytes()) && has(b"repl-offset"));
        assert!(has(b"before"));
    }
}

#[test]
fn partial_resync_continues_from_the_backlog() {
    let mut continued = Vec::new();
    for (name, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        let mut r = FakeReplica::connect(addr);
        let (id, start, _) = r.full_sync();
        c.cmd_str("SET a 1");
        let upto = repl_offset(&mut c);
        r.bytes((upto - start) as usize);
        drop(r);
        c.cmd_str("SET b 2");
        c.cmd_str("RPUSH l x");
        let end = repl_offset(&mut c);
        // Continue after the last byte the link delivered.
        let mut r = FakeReplica::connect(addr);
        let reply = r.psync(&id, upto as i64 + 1);
        assert_eq!(reply, format!("+CONTINUE {id}"), "{name}");
        continued.push(without_pings(&r.bytes((end - upto) as usize)));
        // An unknown history, or an offset past the master's, is a full sync.
        let mut other = FakeReplica::connect(addr);
        assert!(other.psync(&"1".repeat(40), 1).starts_with("+FULLRESYNC"), "{name}");
        let mut ahead = FakeReplica::connect(addr);
        assert!(ahead.psync(&id, end as i64 + 100).starts_with("+FULLRESYNC"), "{name}");
        assert_eq!(info_field(&mut c, "stats", "sync_full"), 3, "{name}");
        assert_eq!(info_field(&mut c, "stats", "sync_partial_ok"), 1, "{name}");
        assert_eq!(info_field(&mut c, "stats", "sync_partial_err"), 2, "{name}");
    }
    assert_eq!(
        esc(&continued[0]),
        esc(b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\nx\r\n")
    );
    for other in &continued[1..] {
        assert_eq!(esc(&continued[0]), esc(other));
    }
}

#[test]
fn wait_counts_replicas_that_acknowledged() {
    for (name, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        c.expect("WAIT 0 0", b":0\r\n");
        let mut r = FakeReplica::connect(addr);
        let (_, start, _) = r.full_sync();
        c.cmd_str("SET a 1");
        // Not acknowledged: the timeout gives the count so far.
        c.expect("WAIT 1 50", b":0\r\n");
        // The blocked WAIT asks the replicas for an acknowledgement.
        c.send(&[b"WAIT", b"1", b"0"]);
        let end = repl_offset(&mut Conn::connect(addr));
        let mut seen = start;
        let getack = b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";
        let mut stream = r.bytes((end - start) as usize);
        seen += stream.len() as u64;
        while !stream.ends_with(getack) {
            stream.extend(r.bytes(1));
            seen += 1;
        }
        let ack = seen.to_string();
        r.send(&[b"REPLCONF", b"ACK", ack.as_bytes()]);
        assert_eq!(esc(&c.read_reply().unwrap()), esc(b":1\r\n"), "{name}");
        c.expect("WAIT 1 0", b":1\r\n");
        c.expect("WAIT 2 10", b":1\r\n");
        let text = String::from_utf8(c.cmd_str("INFO replication")).unwrap();
        let line = format!("slave0:ip=127.0.0.1,port=7777,state=online,offset={seen},lag=");
        assert!(text.contains(&line), "{name}: {text}");
        let now = repl_offset(&mut c);
        let role = c.cmd_str("ROLE");
        let want = format!(
            "*3\r\n$6\r\nmaster\r\n:{now}\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$4\r\n7777\r\n${}\r\n{seen}\r\n",
            ack.len()
        );
        assert_eq!(esc(&role), esc(want.as_bytes()), "{name}");
        c.expect("WAIT x 0", b"-ERR value is not an integer or out of range\r\n");
        c.expect("WAIT 1 -1", b"-ERR timeout is negative\r\n");
        c.expect("WAIT 1 x", b"-ERR timeout is not an integer or out of range\r\n");
    }
}

/// A diskless full sync (`repl-diskless-sync yes`): the snapshot comes
/// as `$EOF:<mark>` ... `<mark>`, and the stream made meanwhile waits
/// for the replica's first REPLCONF ACK, then flows as Redis's does.
#[test]
fn a_diskless_sync_holds_the_stream_until_the_first_ack() {
    let mut streams = Vec::new();
    for (name, _server, addr) in masters_with(&["--repl-diskless-sync", "yes"]) {
        let mut c = Conn::connect(addr);
        c.expect("SET before 1", b"+OK\r\n");
        let mut r = FakeReplica::connect(addr);
        let reply = r.psync("?", -1);
        assert!(reply.starts_with("+FULLRESYNC "), "{name}: {reply}");
        let offset: u64 = reply.rsplit(' ').next().unwrap().parse().unwrap();
        let rdb = r.eof_transfer();
        assert!(
            rdb.windows(6).any(|w| w == b"before"),
            "{name}: the key is in the snapshot"
        );
        assert!(rdb.windows(7).any(|w| w == b"repl-id"));
        c.expect("SET during 1", b"+OK\r\n");
        c.expect("LPUSH l a b", b":2\r\n");
        assert!(r.silent(), "{name} sent the stream before the replica's ACK");
        r.send(&[b"REPLCONF", b"ACK", b"0"]);
        let end = repl_offset(&mut c);
        let stream = r.bytes((end - offset) as usize);
        assert_eq!(
            esc(&stream),
            esc(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$6\r\nduring\r\n$1\r\n1\r\n*4\r\n$5\r\nLPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n"),
            "{name}"
        );
        c.expect("SET after 1", b"+OK\r\n");
        let end2 = repl_offset(&mut c);
        streams.push((name, stream, r.bytes((end2 - end) as usize)));
        let mut wait = Conn::connect(addr);
        r.send(&[b"REPLCONF", b"ACK", end2.to_string().as_bytes()]);
        wait.expect("WAIT 1 0", b":1\r\n");
    }
    for (name, a, b) in &streams[1..] {
        assert_eq!(
            (esc(&streams[0].1), esc(&streams[0].2)),
            (esc(a), esc(b)),
            "loopkv's differs from {name}'s"
        );
    }
}

/// `REPLCONF rdb-filter-only` (what `redis-cli --replica` and
/// `--functions-rdb` send): the snapshot leaves out the keys, and the
/// functions unless asked for; Redis's errors for a bad filter or a
/// replica that cannot read a diskless transfer.
#[test]
fn a_filtered_snapshot_leaves_the_keys_out() {
    for (name, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        c.expect("SET secret 1", b"+OK\r\n");
        c.expect(
            "REPLCONF rdb-filter-only foo",
            b"-ERR Unsupported rdb-filter-only option: foo\r\n",
        );
        c.expect_args(
            &[b"REPLCONF", b"rdb-filter-only", b"\"functions"],
            b"-ERR Missing rdb-filter-only values\r\n",
        );
        c.expect_args(&[b"REPLCONF", b"rdb-filter-only", b""], b"+OK\r\n");
        c.expect("SYNC", b"-ERR Filtered replica requires EOF capability\r\n");

        // Filtered snapshots go to the socket even with disk sync.
        let mut r = FakeReplica::connect(addr);
        assert_eq!(r.cmd(&[b"REPLCONF", b"capa", b"eof"]), b"+OK");
        assert_eq!(r.cmd(&[b"REPLCONF", b"rdb-filter-only", b"functions"]), b"+OK");
        r.send(&[b"SYNC"]);
        let rdb = r.eof_transfer();
        assert!(
            !rdb.windows(6).any(|w| w == b"secret"),
            "{name}: a key in a filtered snapshot"
        );
        // The AUX fields end with aof-base, then EOF and the checksum.
        let aof_base = rdb.windows(8).position(|w| w == b"aof-base").expect("aof-base");
        assert_eq!(rdb.len(), aof_base + 8 + 2 + 1 + 8, "{name}: {}", esc(&rdb));
    }
}

#[test]
fn replconf_and_sync_errors_are_redis_s() {
    for (name, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        c.expect("REPLCONF listening-port", b"-ERR syntax error\r\n");
        c.expect("REPLCONF nope 1", b"-ERR Unrecognized REPLCONF option: nope\r\n");
        c.expect(
            "REPLCONF listening-port x",
            b"-ERR value is not an integer or out of range\r\n",
        );
        c.expect(
            "REPLCONF rdb-only 2",
            b"-ERR value is out of range, value must between 0 and 1\r\n",
        );
        c.expect("REPLCONF rdb-only 1 capa x", b"+OK\r\n");
        c.expect("MULTI", b"+OK\r\n");
        c.expect("SYNC", b"-ERR Command not allowed inside a transaction\r\n");
        c.expect("DISCARD", b"+OK\r\n");
        c.expect("PSYNC ? x", b"-ERR value is not an integer or out of range\r\n");
        let _ = name;
    }
}

// ---- a real redis-server replicating from loopkv -------------------------------------------

/// `n` random writes of every type over four databases, with long TTLs
/// (nothing expires during the test) and transactions, pipelined.
fn random_writes(c: &mut Conn, rng: &mut Rng, n: usize) {
    let mut batch = Vec::new();
    let mut pending = 0;
    for _ in 0..n {
        let key = format!("key:{}", rng.below(3000));
        let member = format!("m{}", rng.below(50));
        let value = format!("v{}", rng.below(1_000_000));
        let db = rng.below(4).to_string();
        let cmd: Vec<String> = match rng.below(18) {
            0 => vec!["SET".into(), format!("s:{key}"), value],
            1 => vec!["INCRBY".into(), format!("n:{key}"), rng.below(100).to_string()],
            2 => vec!["APPEND".into(), format!("s:{key}"), value],
            3 => vec![
                "EXPIRE".into(),
                format!("s:{key}"),
                (10_000 + rng.below(10_000)).to_string(),
            ],
            4 => vec!["RPUSH".into(), format!("l:{key}"), value, member],
            5 => vec!["LPOP".into(), format!("l:{key}")],
            6 => vec!["HSET".into(), format!("h:{key}"), member, value],
            7 => vec!["HDEL".into(), format!("h:{key}"), member],
            8 => vec!["SADD".into(), format!("S:{key}"), member],
            9 => vec!["SREM".into(), format!("S:{key}"), member],
            10 => vec!["ZADD".into(), format!("z:{key}"), rng.below(1000).to_string(), member],
            11 => vec!["ZREM".into(), format!("z:{key}"), member],
            12 => vec!["DEL".into(), format!("s:{key}"), format!("l:{key}")],
            13 => vec!["SELECT".into(), db],
            14 => vec!["SET".into(), format!("t:{key}"), value, "EX".into(), "20000".into()],
            15 => vec!["HINCRBY".into(), format!("h:{key}"), member, "3".into()],
            16 => vec!["SPOP".into(), format!("S:{key}")],
            _ => {
                batch.extend(diff_support::encode(&[b"MULTI"]));
                batch.extend(diff_support::encode(&[b"INCR", format!("n:{key}").as_bytes()]));
                batch.extend(diff_support::encode(&[b"LPUSH", format!("l:{key}").as_bytes(), b"x"]));
                pending += 3;
                vec!["EXEC".into()]
            }
        };
        let args: Vec<&[u8]> = cmd.iter().map(|s| s.as_bytes()).collect();
        batch.extend(diff_support::encode(&args));
        pending += 1;
        if pending >= 500 {
            c.send_raw(&batch);
            batch.clear();
            for _ in 0..pending {
                c.read_reply().unwrap();
            }
            pending = 0;
        }
    }
    c.send_raw(&batch);
    for _ in 0..pending {
        c.read_reply().unwrap();
    }
}

fn field(c: &mut Conn, section: &str, name: &str) -> String {
    let text = String::from_utf8(c.cmd(&[b"INFO", section.as_bytes()])).unwrap();
    let prefix = format!("{name}:");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Waits until the replica is linked and has applied everything the
/// master sent, then compares the datasets' digests.
fn assert_in_sync(master: &mut Conn, replica: &mut Conn) {
    let synced = wait_until(Duration::from_secs(60), || {
        field(replica, "replication", "master_link_status") == "up"
            && field(replica, "replication", "slave_repl_offset") == field(master, "replication", "master_repl_offset")
    });
    assert!(
        synced,
        "replica at {} of {}",
        field(replica, "replication", "slave_repl_offset"),
        field(master, "replication", "master_repl_offset")
    );
    let digest = master.cmd_str("DEBUG DIGEST");
    assert_eq!(esc(&digest), esc(&replica.cmd_str("DEBUG DIGEST")));
    assert_ne!(esc(&digest), esc(b"+0000000000000000000000000000000000000000\r\n"));
}

#[test]
fn a_redis_server_replica_of_loopkv_holds_the_same_data() {
    if !redis_or_skip("a_redis_server_replica_of_loopkv_holds_the_same_data") {
        return;
    }
    let writes: usize = std::env::var("LOOPKV_TEST_REPL_WRITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (server, mut master) = start_binary(NO_DELAY);
    let mut rng = Rng(0x5eed_1234);
    random_writes(&mut master, &mut rng, writes / 2);
    let port = server.addr.port().to_string();
    let dir = diff_support::scratch_dir();
    let replica = Redis::start_with(&["--replicaof", "127.0.0.1", &port, "--dir", dir.to_str().unwrap()]);
    let mut rc = replica.conn();
    assert_in_sync(&mut master, &mut rc);
    random_writes(&mut master, &mut rng, writes / 2);
    assert_in_sync(&mut master, &mut rc);
    // The link breaks: the replica comes back with PSYNC and continues.
    master.expect("CLIENT KILL TYPE replica", b":1\r\n");
    random_writes(&mut master, &mut rng, 2000);
    assert_in_sync(&mut master, &mut rc);
    assert_eq!(field(&mut master, "stats", "sync_full"), "1");
    assert_eq!(field(&mut master, "stats", "sync_partial_ok"), "1");
    let role = String::from_utf8(master.cmd_str("ROLE")).unwrap();
    assert!(role.contains("$9\r\n127.0.0.1\r\n"), "{role}");
}

// ---- loopkv as a replica ---------------------------------------------------------------------

fn writes_per_test() -> usize {
    std::env::var("LOOPKV_TEST_REPL_WRITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// loopkv follows a real redis-server master through a diskless
/// (`$EOF:`) and a disk (`$len`) full sync, refuses writes as a read-only
/// replica, and continues with PSYNC after the link breaks.
#[test]
fn loopkv_replicates_a_redis_server_master() {
    if !redis_or_skip("loopkv_replicates_a_redis_server_master") {
        return;
    }
    let mut rng = Rng(0xfeed_0042);
    for diskless in ["yes", "no"] {
        let dir = diff_support::scratch_dir();
        let master = Redis::start_with(&[
            "--repl-diskless-sync",
            diskless,
            "--repl-diskless-sync-delay",
            "0",
            "--dir",
            dir.to_str().unwrap(),
        ]);
        let mut mc = master.conn();
        random_writes(&mut mc, &mut rng, writes_per_test() / 2);
        let port = master.addr.port().to_string();
        let (_replica, mut rc) = start_binary(&["--replicaof", "127.0.0.1", &port]);
        assert_in_sync(&mut mc, &mut rc);
        random_writes(&mut mc, &mut rng, writes_per_test() / 2);
        assert_in_sync(&mut mc, &mut rc);
        rc.expect("SET x 1", b"-READONLY You can't write against a read only replica.\r\n");
        rc.expect(
            "WAIT 1 0",
            b"-ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.\r\n",
        );
        let role = String::from_utf8(rc.cmd_str("ROLE")).unwrap();
        assert!(
            role.starts_with(&format!(
                "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:{port}\r\n$9\r\nconnected\r\n:"
            )),
            "{role}"
        );
        mc.expect("CLIENT KILL TYPE replica", b":1\r\n");
        random_writes(&mut mc, &mut rng, 2000);
        assert_in_sync(&mut mc, &mut rc);
        assert_eq!(field(&mut mc, "stats", "sync_full"), "1", "diskless {diskless}");
        assert_eq!(field(&mut mc, "stats", "sync_partial_ok"), "1", "diskless {diskless}");
    }
}

/// loopkv → redis-server → loopkv: every node holds the same data at the
/// same offset, the middle one passing the stream on unchanged.
#[test]
fn a_chain_mixing_loopkv_and_redis_server_stays_in_sync() {
    if !redis_or_skip("a_chain_mixing_loopkv_and_redis_server_stays_in_sync") {
        return;
    }
    let (a, mut ac) = start_binary(NO_DELAY);
    let mut rng = Rng(0xc4a1_0001);
    random_writes(&mut ac, &mut rng, writes_per_test() / 4);
    let dir = diff_support::scratch_dir();
    let a_port = a.addr.port().to_string();
    let b = Redis::start_with(&[
        "--replicaof",
        "127.0.0.1",
        &a_port,
        "--dir",
        dir.to_str().unwrap(),
        "--repl-diskless-sync-delay",
        "0",
    ]);
    let mut bc = b.conn();
    assert_in_sync(&mut ac, &mut bc);
    let b_port = b.addr.port().to_string();
    let (_c, mut cc) = start_binary(&["--replicaof", "127.0.0.1", &b_port]);
    random_writes(&mut ac, &mut rng, writes_per_test() / 4);
    assert_in_sync(&mut ac, &mut bc);
    assert_in_sync(&mut ac, &mut cc);
}

/// A replica promoted with REPLICAOF NO ONE keeps its master's history
/// as its second one: the old master's other replica, and the old master
/// itself, continue from it with a partial resync.
#[test]
fn after_a_promotion_the_others_resync_partially() {
    let with_redis = redis_or_skip("after_a_promotion_the_others_resync_partially (redis-server node)");
    let (a, mut ac) = start_binary(NO_DELAY);
    let a_port = a.addr.port().to_string();
    let (b, mut bc) = start_binary(&["--replicaof", "127.0.0.1", &a_port, "--repl-diskless-sync-delay", "0"]);
    let b_port = b.addr.port().to_string();
    let dir = diff_support::scratch_dir();
    let c =
        with_redis.then(|| Redis::start_with(&["--replicaof", "127.0.0.1", &a_port, "--dir", dir.to_str().unwrap()]));
    let mut cc = c.as_ref().map(Redis::conn);
    let mut rng = Rng(0x9e0_0002);
    random_writes(&mut ac, &mut rng, 20_000);
    assert_in_sync(&mut ac, &mut bc);
    if let Some(cc) = cc.as_mut() {
        assert_in_sync(&mut ac, cc);
    }
    let history = field(&mut ac, "replication", "master_replid");
    let offset: u64 = field(&mut ac, "replication", "master_repl_offset").parse().unwrap();
    bc.expect("REPLICAOF NO ONE", b"+OK\r\n");
    assert_eq!(field(&mut bc, "replication", "role"), "master");
    assert_eq!(field(&mut bc, "replication", "master_replid2"), history);
    assert_eq!(
        field(&mut bc, "replication", "second_repl_offset"),
        (offset + 1).to_string()
    );
    if let Some(cc) = cc.as_mut() {
        cc.expect(&format!("REPLICAOF 127.0.0.1 {b_port}"), b"+OK\r\n");
    }
    ac.expect(&format!("REPLICAOF 127.0.0.1 {b_port}"), b"+OK\r\n");
    ac.expect(
        &format!("REPLICAOF 127.0.0.1 {b_port}"),
        b"+OK Already connected to specified master\r\n",
    );
    random_writes(&mut bc, &mut rng, 5000);
    assert_in_sync(&mut bc, &mut ac);
    if let Some(cc) = cc.as_mut() {
        assert_in_sync(&mut bc, cc);
    }
    let partial = if with_redis { "2" } else { "1" };
    assert_eq!(field(&mut bc, "stats", "sync_partial_ok"), partial);
    assert_eq!(field(&mut bc, "stats", "sync_full"), "0");
}

/// With no master reachable the link stays down; reads are served stale
/// unless `replica-serve-stale-data no`, which refuses all but STALE
/// commands.
#[test]
fn a_replica_whose_master_is_down() {
    // A master that never answers, on a port this test keeps (a port
    // merely free now could be taken by another test's server, which the
    // replica would then replicate).
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let (_r, mut c) = start_binary(&["--replicaof", "127.0.0.1", &port, "--replica-serve-stale-data", "no"]);
    c.expect(
        "GET x",
        b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
    );
    c.expect(
        "PING",
        b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
    );
    let role = String::from_utf8(c.cmd_str("ROLE")).unwrap();
    assert!(
        role.ends_with(":-1\r\n") && role.contains("$9\r\n127.0.0.1\r\n"),
        "{role}"
    );
    assert_eq!(field(&mut c, "replication", "master_link_status"), "down");
    assert_eq!(field(&mut c, "replication", "role"), "slave");
    c.expect("CONFIG SET replica-serve-stale-data yes", b"+OK\r\n");
    c.expect("GET x", b"$-1\r\n");
    c.expect(
        "CONFIG GET replicaof",
        format!("*2\r\n$9\r\nreplicaof\r\n${}\r\n127.0.0.1 {port}\r\n", port.len() + 10).as_bytes(),
    );
    c.expect(
        "SYNC",
        b"-NOMASTERLINK Can't SYNC while not connected with my master\r\n",
    );
    c.expect("REPLICAOF 127.0.0.1 x", b"-ERR Invalid master port\r\n");
    c.expect("REPLICAOF NO ONE", b"+OK\r\n");
    c.expect("SET x 1", b"+OK\r\n");
    c.expect("CONFIG GET replicaof", b"*2\r\n$9\r\nreplicaof\r\n$0\r\n\r\n");
}

// ---- redis-cli as a replica ------------------------------------------------------------------

/// `redis-cli --rdb` saves loopkv's snapshot (a diskless, rdb-only sync
/// the server closes after the transfer) in a file redis-check-rdb
/// accepts, and `redis-cli --replica` (a filtered sync) prints the
/// stream that follows.
#[test]
fn redis_cli_rdb_and_replica() {
    if !diff_support::tool_or_skip("redis-cli", "redis_cli_rdb_and_replica") {
        return;
    }
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let (server, mut c) = start_binary(&["--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "3600"]);
    let port = server.addr.port().to_string();
    c.expect("SET greeting hello", b"+OK\r\n");
    c.expect("RPUSH list a b c", b":3\r\n");

    let file = server.dir.join("cli.rdb");
    let out = Command::new("redis-cli")
        .args(["-p", &port, "--rdb"])
        .arg(&file)
        .output()
        .expect("run redis-cli --rdb");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rdb = std::fs::read(&file).unwrap();
    assert_eq!(&rdb[..9], b"REDIS0010");
    assert!(rdb.windows(8).any(|w| w == b"greeting"));
    if diff_support::tool_available("redis-check-rdb") {
        let check = Command::new("redis-check-rdb").arg(&file).output().unwrap();
        assert!(String::from_utf8_lossy(&check.stdout).contains("RDB looks OK"));
    }
    let gone = wait_until(Duration::from_secs(10), || {
        field(&mut c, "replication", "connected_slaves") == "0"
    });
    assert!(gone, "the rdb-only replica was not disconnected");

    let mut cli = Command::new("redis-cli")
        .args(["-p", &port, "--replica"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run redis-cli --replica");
    let synced = wait_until(Duration::from_secs(10), || {
        field(&mut c, "replication", "connected_slaves") == "1"
    });
    assert!(synced, "redis-cli --replica did not attach");
    // It prints what the master sends once its ACK put it online.
    let mut lines = std::io::BufReader::new(cli.stdout.take().unwrap()).lines();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            let last = line == "\"SET\",\"stop\",\"1\"";
            seen.push(line);
            if last {
                break;
            }
        }
        seen
    });
    c.expect("SET during 1", b"+OK\r\n");
    c.expect("DEL list", b":1\r\n");
    c.expect("SET stop 1", b"+OK\r\n");
    let printed = reader.join().unwrap();
    let _ = cli.kill();
    let _ = cli.wait();
    // The stream's first command, the SELECT, is read by redis-cli as
    // the reply to its REPLCONF ACK (which has none), so it is not
    // printed; with redis-server as the master too.
    assert_eq!(
        printed,
        ["\"SET\",\"during\",\"1\"", "\"DEL\",\"list\"", "\"SET\",\"stop\",\"1\""]
    );
}

// ---- FAILOVER ------------------------------------------------------------------------------------

/// FAILOVER's errors, byte for byte with redis-server's: without
/// replicas, with bad arguments, and with a replica that is not the one
/// named.
#[test]
fn failover_errors_are_redis_s() {
    for (name, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        c.expect("FAILOVER", b"-ERR FAILOVER requires connected replicas.\r\n");
        c.expect("FAILOVER ABORT", b"-ERR No failover in progress.\r\n");
        c.expect(
            "FAILOVER TIMEOUT 0",
            b"-ERR FAILOVER timeout must be greater than 0\r\n",
        );
        c.expect(
            "FAILOVER TIMEOUT x",
            b"-ERR value is not an integer or out of range\r\n",
        );
        c.expect("FAILOVER TO host", b"-ERR syntax error\r\n");
        c.expect("FAILOVER FORCE FORCE", b"-ERR syntax error\r\n");
        c.expect("FAILOVER ABORT TIMEOUT 10", b"-ERR syntax error\r\n");
        c.expect(
            "FAILOVER TO host x",
            b"-ERR value is not an integer or out of range\r\n",
        );
        let mut r = FakeReplica::connect(addr);
        r.full_sync();
        c.expect(
            "FAILOVER FORCE TIMEOUT 100",
            b"-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\r\n",
        );
        c.expect(
            "FAILOVER TO 127.0.0.1 1",
            b"-ERR FAILOVER target HOST and PORT is not a replica.\r\n",
        );
        c.expect(
            "PSYNC x 1 FAILOVER",
            b"-ERR PSYNC FAILOVER can't be sent to a master.\r\n",
        );
        let _ = name;
    }
}

/// While a FAILOVER waits for a replica to catch up, writes wait too;
/// FAILOVER ABORT (or the TIMEOUT) ends the wait and they run.
#[test]
fn failover_pauses_writes_until_aborted() {
    for (name, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        // A replica that never acknowledges: the failover cannot start.
        let mut r = FakeReplica::connect(addr);
        r.full_sync();
        c.expect("SET k 1", b"+OK\r\n");
        c.expect("FAILOVER", b"+OK\r\n");
        assert_eq!(
            field(&mut c, "replication", "master_failover_state"),
            "waiting-for-sync"
        );
        c.expect("FAILOVER", b"-ERR FAILOVER already in progress.\r\n");
        c.expect(
            "REPLICAOF NO ONE",
            b"-ERR REPLICAOF not allowed while failing over.\r\n",
        );
        c.expect("GET k", b"$1\r\n1\r\n");
        let mut writer = Conn::connect(addr);
        writer.send(&[b"SET", b"k", b"2"]);
        let held = wait_until(Duration::from_secs(10), || {
            field(&mut c, "clients", "blocked_clients") == "1"
        });
        assert!(held, "{name}: the write was not held");
        c.expect("FAILOVER ABORT", b"+OK\r\n");
        assert_eq!(writer.read_reply().unwrap(), b"+OK\r\n");
        assert_eq!(field(&mut c, "replication", "master_failover_state"), "no-failover");
        assert_eq!(field(&mut c, "replication", "role"), "master");

        c.expect("FAILOVER TIMEOUT 50", b"+OK\r\n");
        let over = wait_until(Duration::from_secs(10), || {
            field(&mut c, "replication", "master_failover_state") == "no-failover"
        });
        assert!(over, "{name}: the timeout did not end the failover");
        c.expect("SET k 3", b"+OK\r\n");
    }
}

/// `FAILOVER [TO host port]` between loopkv and redis-server in both
/// directions, and between two loopkv servers: the master waits for the
/// replica, becomes its replica, and the replica, told by `PSYNC ...
/// FAILOVER`, becomes the master continuing the same history (a partial
/// resync, no full one).
#[test]
fn failover_swaps_master_and_replica() {
    let redis = redis_or_skip("failover_swaps_master_and_replica");
    let pairs: &[(&str, &str)] = if redis {
        &[
            ("loopkv", "loopkv"),
            ("loopkv", "redis-server"),
            ("redis-server", "loopkv"),
        ]
    } else {
        &[("loopkv", "loopkv")]
    };
    for &(master_kind, replica_kind) in pairs {
        let start = |kind: &str, extra: &[&str]| -> (Box<dyn std::any::Any>, SocketAddr) {
            let mut args = vec!["--repl-diskless-sync-delay", "0"];
            args.extend_from_slice(extra);
            if kind == "loopkv" {
                let (s, _) = start_binary(&args);
                let addr = s.addr;
                (Box::new(s), addr)
            } else {
                let r = Redis::start_with(&args);
                let addr = r.addr;
                (Box::new(r), addr)
            }
        };
        let (_m, maddr) = start(master_kind, &[]);
        let mport = maddr.port().to_string();
        let (_r, raddr) = start(replica_kind, &["--replicaof", "127.0.0.1", &mport]);
        let (mut m, mut r) = (Conn::connect(maddr), Conn::connect(raddr));
        m.expect("SET before 1", b"+OK\r\n");
        assert_in_sync(&mut m, &mut r);
        let what = format!("{master_kind} master, {replica_kind} replica");
        let target = format!("FAILOVER TO 127.0.0.1 {}", raddr.port());
        m.expect(&target, b"+OK\r\n");
        let swapped = wait_until(Duration::from_secs(30), || {
            field(&mut r, "replication", "role") == "master"
                && field(&mut m, "replication", "role") == "slave"
                && field(&mut m, "replication", "master_link_status") == "up"
                && field(&mut m, "replication", "master_failover_state") == "no-failover"
        });
        assert!(swapped, "{what}: the roles did not swap");
        assert_eq!(field(&mut m, "replication", "master_port"), raddr.port().to_string());
        assert_eq!(field(&mut r, "stats", "sync_partial_ok"), "1", "{what}");
        assert_eq!(field(&mut r, "stats", "sync_full"), "0", "{what}");
        m.expect("SET x 1", b"-READONLY You can't write against a read only replica.\r\n");
        r.expect("SET after 1", b"+OK\r\n");
        assert_in_sync(&mut r, &mut m);
        m.expect("GET before", b"$1\r\n1\r\n");
    }
}

// ---- SHUTDOWN with replicas ----------------------------------------------------------------

/// SHUTDOWN waits for a replica that has not acknowledged the whole
/// stream: the client blocks, writes are paused, INFO shows
/// `shutdown_in_milliseconds`; SHUTDOWN ABORT gives up (the waiting
/// client gets Redis's error); a second SHUTDOWN ends once the replica
/// acknowledges everything.
#[test]
fn shutdown_waits_for_replicas_to_catch_up() {
    for (name, _server, addr) in masters() {
        let mut c = Conn::connect(addr);
        let mut r = FakeReplica::connect(addr);
        r.full_sync();
        c.expect("INCR k", b":1\r\n");
        assert_eq!(
            field(&mut c, "clients", "connected_clients"),
            "1",
            "{name}: replicas are not counted"
        );

        let mut s = Conn::connect(addr);
        s.send(&[b"SHUTDOWN"]);
        let waiting = wait_until(Duration::from_secs(10), || {
            field(&mut c, "clients", "blocked_clients") == "1"
        });
        assert!(waiting, "{name}: SHUTDOWN did not wait");
        let left: i64 = field(&mut c, "server", "shutdown_in_milliseconds").parse().unwrap();
        assert!(left > 0 && left <= 10_000, "{name}: {left}");
        let mut w = Conn::connect(addr);
        w.send(&[b"SET", b"w", b"1"]);
        let held = wait_until(Duration::from_secs(10), || {
            field(&mut c, "clients", "blocked_clients") == "2"
        });
        assert!(held, "{name}: a write went on during the shutdown's wait");
        c.expect("SHUTDOWN ABORT", b"+OK\r\n");
        assert_eq!(
            s.read_reply().unwrap(),
            b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
        );
        assert_eq!(w.read_reply().unwrap(), b"+OK\r\n");
        c.expect("SHUTDOWN ABORT", b"-ERR No shutdown in progress.\r\n");

        // A new connection: redis-server 7.0.15 fails an assertion
        // (`c->argc == 0`, networking.c) and crashes when the client whose
        // SHUTDOWN was aborted sends another command; loopkv does not.
        let mut s = Conn::connect(addr);
        s.send(&[b"SHUTDOWN", b"NOSAVE"]);
        let waiting = wait_until(Duration::from_secs(10), || {
            field(&mut c, "clients", "blocked_clients") == "1"
        });
        assert!(waiting, "{name}: the second SHUTDOWN did not wait");
        let offset = field(&mut c, "replication", "master_repl_offset");
        r.send(&[b"REPLCONF", b"ACK", offset.as_bytes()]);
        let (closed, _) = s.closed();
        assert!(closed, "{name}: the server did not exit once the replica caught up");
    }
}

/// A replica's link carries the stream only: a replica that sends a
/// command with a reply is disconnected (REPLCONF ACK has none).
#[test]
fn a_replica_asking_for_a_reply_is_dropped() {
    for (name, _server, addr) in masters() {
        let mut r = FakeReplica::connect(addr);
        r.full_sync();
        r.send(&[b"REPLCONF", b"ACK", b"0"]);
        r.send(&[b"PING"]);
        let mut chunk = [0u8; 64];
        let n = r.s.read(&mut chunk).unwrap_or(0);
        assert_eq!(n, 0, "{name} answered the replica: {}", esc(&chunk[..n]));
        let mut c = Conn::connect(addr);
        let gone = wait_until(Duration::from_secs(10), || {
            field(&mut c, "replication", "connected_slaves") == "0"
        });
        assert!(gone, "{name} kept the replica");
        // A keyspace command from a replica is refused, and the error
        // (never sent) counted, before the replica is dropped for it.
        let mut r = FakeReplica::connect(addr);
        r.full_sync();
        r.send(&[b"GET", b"foo"]);
        let n = r.s.read(&mut chunk).unwrap_or(0);
        assert_eq!(n, 0, "{name} answered the replica: {}", esc(&chunk[..n]));
        assert_eq!(field(&mut c, "stats", "unexpected_error_replies"), "1", "{name}");
        let errors = String::from_utf8(c.cmd_str("INFO errorstats")).unwrap();
        assert!(errors.contains("errorstat_ERR:count=1"), "{name}: {errors}");
    }
}

// ---- diskless load (`repl-diskless-load`) ----------------------------------------------------

/// A master played by the test: it takes the replica's connection,
/// answers its handshake and starts a full sync (`+FULLRESYNC`).
fn fake_master_accepts(listener: &std::net::TcpListener) -> Conn {
    let (stream, _) = listener.accept().unwrap();
    let mut c = Conn::from_stream(stream);
    loop {
        let command = c.read_reply().expect("the replica's handshake");
        let text = String::from_utf8_lossy(&command).to_ascii_uppercase();
        if text.contains("\r\nPSYNC\r\n") {
            c.send_raw(format!("+FULLRESYNC {} 0\r\n", "f".repeat(40)).as_bytes());
            return c;
        }
        c.send_raw(if text.contains("\r\nPING\r\n") {
            b"+PONG\r\n"
        } else {
            b"+OK\r\n"
        });
    }
}

/// The fake master sends `snapshot` as a `$<len>` transfer; returns once
/// the replica (`rc`) reports its link up.
fn full_sync_from_fake(listener: &std::net::TcpListener, snapshot: &[u8], rc: &mut Conn) -> Conn {
    let mut master = fake_master_accepts(listener);
    master.send_raw(format!("${}\r\n", snapshot.len()).as_bytes());
    master.send_raw(snapshot);
    let up = wait_until(Duration::from_secs(10), || {
        field(rc, "replication", "master_link_status") == "up"
    });
    assert!(up, "the replica did not load the snapshot");
    master
}

/// A snapshot loopkv saved of a few thousand keys of every type, and the
/// digest of that dataset.
fn a_snapshot() -> (Vec<u8>, Vec<u8>) {
    let (server, mut c) = start_binary(&[]);
    c.expect("DEBUG POPULATE 3000 key 50", b"+OK\r\n");
    c.expect("HSET h a 1 b 2", b":2\r\n");
    c.expect("ZADD z 1 a 2 b", b":2\r\n");
    c.expect("RPUSH l a b c", b":3\r\n");
    c.expect("SADD s 1 2 3", b":3\r\n");
    c.expect("SET t v PX 100000000", b"+OK\r\n");
    // Past its TTL when the replica loads it: kept, as the master's DEL
    // will delete it (the digest counts it).
    c.expect("DEBUG SET-ACTIVE-EXPIRE 0", b"+OK\r\n");
    c.expect("SET gone v PX 1", b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(5));
    c.expect("SAVE", b"+OK\r\n");
    let bytes = std::fs::read(server.dir.join("dump.rdb")).unwrap();
    (bytes, c.cmd_str("DEBUG DIGEST"))
}

fn rdb_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rdb"))
        .collect()
}

/// `repl-diskless-load swapdb`: the snapshot is parsed as it arrives,
/// nothing is written to disk; while it loads clients get -LOADING; a
/// transfer cut short brings the old dataset back, a whole one replaces
/// it, and the stream that follows it applies.
#[test]
fn swapdb_loads_from_the_socket_and_keeps_the_old_data_on_failure() {
    let (snapshot, digest) = a_snapshot();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (replica, mut rc) = start_binary(&["--repl-diskless-load", "swapdb"]);
    rc.expect("DEBUG POPULATE 200 slave 10", b"+OK\r\n");
    rc.expect("SET mykey myvalue", b"+OK\r\n");
    rc.expect(&format!("REPLICAOF 127.0.0.1 {port}"), b"+OK\r\n");
    let mark = "m".repeat(40);
    let mut master = fake_master_accepts(&listener);
    master.send_raw(format!("$EOF:{mark}\r\n").as_bytes());
    master.send_raw(&snapshot[..snapshot.len() / 2]);
    let loading = wait_until(Duration::from_secs(10), || {
        field(&mut rc, "persistence", "loading") == "1"
    });
    assert!(loading, "{}", String::from_utf8_lossy(&rc.cmd_str("INFO replication")));
    rc.expect("GET mykey", b"-LOADING Redis is loading the dataset in memory\r\n");
    drop(master);
    assert!(wait_until(Duration::from_secs(10), || field(
        &mut rc,
        "persistence",
        "loading"
    ) == "0"));
    rc.expect("GET mykey", b"$7\r\nmyvalue\r\n");
    rc.expect("DBSIZE", b":201\r\n");
    // A mark that does not follow the snapshot at once: refused too.
    let mut master = fake_master_accepts(&listener);
    master.send_raw(format!("$EOF:{mark}\r\n").as_bytes());
    master.send_raw(&snapshot);
    master.send_raw(format!("xx{mark}").as_bytes());
    let (closed, _) = master.closed();
    assert!(closed, "the replica drops a master whose end mark is broken");
    rc.expect("GET mykey", b"$7\r\nmyvalue\r\n");
    rc.expect("DBSIZE", b":201\r\n");
    // The replica comes back for a full sync; this time all of it comes,
    // in pieces, with a command after the mark.
    let mut master = fake_master_accepts(&listener);
    master.send_raw(format!("$EOF:{mark}\r\n").as_bytes());
    for piece in snapshot.chunks(snapshot.len() / 3 + 1) {
        master.send_raw(piece);
        std::thread::sleep(Duration::from_millis(20));
    }
    master.send_raw(mark.as_bytes());
    master.send_raw(b"*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n");
    assert!(wait_until(Duration::from_secs(10), || rc.cmd_str("GET after") == b"$1\r\n1\r\n"));
    rc.expect("GET mykey", b"$-1\r\n");
    rc.expect(
        "DEL after",
        b"-READONLY You can't write against a read only replica.\r\n",
    );
    rc.expect("CONFIG SET replica-read-only no", b"+OK\r\n");
    rc.expect("DEL after", b":1\r\n");
    assert_eq!(esc(&rc.cmd_str("DEBUG DIGEST")), esc(&digest));
    assert_eq!(rdb_files(&replica.dir), Vec::<String>::new());
}

/// `repl-diskless-load on-empty-db`: an empty replica parses the
/// snapshot from the socket, and one that is corrupt is refused without
/// harm (the half-loaded data goes); a replica holding keys writes the
/// snapshot to disk first, as `disabled` does.
#[test]
fn on_empty_db_loads_from_the_socket_only_when_empty() {
    let (snapshot, digest) = a_snapshot();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (replica, mut rc) = start_binary(&["--repl-diskless-load", "on-empty-db"]);
    rc.expect(&format!("REPLICAOF 127.0.0.1 {port}"), b"+OK\r\n");
    // A byte flipped near the end: the checksum fails.
    let mut corrupt = snapshot.clone();
    let at = corrupt.len() - 20;
    corrupt[at] ^= 0x55;
    let mut master = fake_master_accepts(&listener);
    master.send_raw(format!("${}\r\n", corrupt.len()).as_bytes());
    master.send_raw(&corrupt);
    let (closed, _) = master.closed();
    assert!(closed, "the replica drops a master whose snapshot is corrupt");
    rc.expect("DBSIZE", b":0\r\n");
    let master = full_sync_from_fake(&listener, &snapshot, &mut rc);
    assert_eq!(esc(&rc.cmd_str("DEBUG DIGEST")), esc(&digest));
    assert_eq!(rdb_files(&replica.dir), Vec::<String>::new());
    // Not empty now: the next full sync goes through the disk.
    drop(master);
    let _master = full_sync_from_fake(&listener, &snapshot, &mut rc);
    assert_eq!(esc(&rc.cmd_str("DEBUG DIGEST")), esc(&digest));
    assert_eq!(rdb_files(&replica.dir), vec!["dump.rdb".to_string()]);
}

/// A master restarted on its snapshot continues the history it names
/// (`master_replid2`, `second_repl_offset`), so its replica resyncs
/// partially; a key that expired while it was down is deleted on the
/// replica by the DEL the restarted master puts in its backlog.
#[test]
fn a_restarted_master_continues_partially() {
    let dir = diff_support::scratch_dir();
    let port = diff_support::free_port().to_string();
    let args = [
        "--port",
        port.as_str(),
        "--save",
        "3600 1",
        "--enable-debug-command",
        "yes",
        "--repl-ping-replica-period",
        "3600",
    ];
    let (first, _) = diff_support::spawn_binary(&dir, &args);
    let first = diff_support::Server::Loopkv(first);
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut mc = Conn::connect(addr);
    let (_replica, mut rc) = start_binary(&["--replicaof", "127.0.0.1", &port]);
    mc.expect("DEBUG SET-ACTIVE-EXPIRE 0", b"+OK\r\n");
    random_writes(&mut mc, &mut Rng(7), 2000);
    mc.expect("SELECT 0", b"+OK\r\n");
    mc.expect("SET gone soon PX 100", b"+OK\r\n");
    assert_in_sync(&mut mc, &mut rc);
    let id = field(&mut mc, "replication", "master_replid");
    let offset: u64 = field(&mut mc, "replication", "master_repl_offset").parse().unwrap();
    mc.send(&[b"SHUTDOWN"]);
    assert!(mc.closed().0);
    drop(first);
    std::thread::sleep(Duration::from_millis(200));
    let (master, _) = diff_support::spawn_binary(&dir, &args);
    let _master = diff_support::Server::Loopkv(master);
    let mut mc = Conn::connect(addr);
    assert_in_sync(&mut mc, &mut rc);
    assert_ne!(field(&mut mc, "replication", "master_replid"), id);
    assert_eq!(field(&mut mc, "replication", "master_replid2"), id);
    assert_eq!(
        field(&mut mc, "replication", "second_repl_offset"),
        (offset + 1).to_string()
    );
    // SELECT 0 and DEL gone.
    let del = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$4\r\ngone\r\n".len() as u64;
    assert_eq!(
        field(&mut mc, "replication", "master_repl_offset"),
        (offset + del).to_string()
    );
    assert_eq!(
        field(&mut mc, "replication", "repl_backlog_first_byte_offset"),
        (offset + 1).to_string()
    );
    assert_eq!(field(&mut mc, "stats", "sync_partial_ok"), "1");
    assert_eq!(field(&mut mc, "stats", "sync_full"), "0");
    // The digests matched, and the replica holds no expired leftover.
    assert_eq!(mc.cmd_str("DBSIZE"), rc.cmd_str("DBSIZE"));
}

/// A writable replica expires the keys its own clients gave a TTL, and
/// only those: a key the master gave a TTL stays (hidden once expired)
/// until the master's DEL; a write to it starts a fresh key.
#[test]
fn a_writable_replica_expires_only_its_own_keys() {
    let (master, mut mc) = start_binary(&["--repl-ping-replica-period", "3600"]);
    let port = master.addr.port().to_string();
    let (_replica, mut rc) = start_binary(&["--replicaof", "127.0.0.1", &port]);
    mc.expect("DEBUG SET-ACTIVE-EXPIRE 0", b"+OK\r\n");
    mc.expect("SET theirs 5 PX 50", b"+OK\r\n");
    mc.expect("SET theirs2 5 PX 50", b"+OK\r\n");
    assert!(wait_until(Duration::from_secs(10), || rc.cmd_str("DBSIZE") == b":2\r\n"));
    rc.expect("CONFIG SET replica-read-only no", b"+OK\r\n");
    rc.expect("SET mine 1 PX 50", b"+OK\r\n");
    rc.expect("SET mine2 1", b"+OK\r\n");
    rc.expect("PEXPIRE mine2 50", b":1\r\n");
    rc.expect("DBSIZE", b":4\r\n");
    assert!(wait_until(Duration::from_secs(10), || rc.cmd_str("DBSIZE") == b":2\r\n"));
    assert_eq!(field(&mut rc, "stats", "expired_keys"), "2");
    // The master's keys are past their TTL: hidden, not deleted.
    rc.expect("EXISTS theirs theirs2", b":0\r\n");
    rc.expect("INCR theirs", b":1\r\n");
    rc.expect("TTL theirs", b":-1\r\n");
    rc.expect("GET theirs2", b"$-1\r\n");
    rc.expect("DBSIZE", b":2\r\n");
}

/// A command of the master's that fails on the replica (DEBUG REPLICATE
/// of an unknown command; INCRBY on a value a writable replica changed)
/// is counted in `unexpected_error_replies` and the stream goes on, as
/// on a real redis-server replica.
#[test]
fn errors_from_the_master_s_stream_are_counted_and_passed_over() {
    let (server, conn) = start_binary(&[]);
    let mut replicas: Vec<(&str, Box<dyn std::any::Any>, Conn)> = vec![("loopkv", Box::new(server), conn)];
    if redis_or_skip("errors_from_the_master_s_stream (redis-server side)") {
        let dir = diff_support::scratch_dir();
        let redis = Redis::start_with(&["--dir", dir.to_str().unwrap()]);
        let conn = redis.conn();
        replicas.push(("redis-server", Box::new(redis), conn));
    }
    for (name, _replica, mut rc) in replicas {
        let (master, mut mc) = start_binary(&[]);
        let port = master.addr.port().to_string();
        rc.expect(&format!("REPLICAOF 127.0.0.1 {port}"), b"+OK\r\n");
        assert!(
            wait_until(Duration::from_secs(20), || field(
                &mut rc,
                "replication",
                "master_link_status"
            ) == "up"),
            "{name}"
        );
        mc.expect("DEBUG REPLICATE fake-command-1", b"+OK\r\n");
        mc.expect("SET foo bar2", b"+OK\r\n");
        mc.expect("WAIT 1 5000", b":1\r\n");
        rc.expect("GET foo", b"$4\r\nbar2\r\n");
        assert_eq!(field(&mut rc, "stats", "unexpected_error_replies"), "1", "{name}");
        rc.expect("CONFIG SET replica-read-only no", b"+OK\r\n");
        rc.expect("SET number2 foo", b"+OK\r\n");
        mc.expect("INCRBY number2 1", b":1\r\n");
        mc.expect("WAIT 1 5000", b":1\r\n");
        rc.expect("GET number2", b"$3\r\nfoo\r\n");
        assert_eq!(field(&mut rc, "stats", "unexpected_error_replies"), "2", "{name}");
    }
}

/// A replica paused for writes holds its master's commands: what it has
/// read (`slave_read_repl_offset`) reaches the master's offset while what
/// it has applied (`slave_repl_offset`) waits for the pause to end.
#[test]
fn a_paused_replica_reads_ahead_of_what_it_applies() {
    let (master, mut mc) = start_binary(&["--repl-ping-replica-period", "3600"]);
    let port = master.addr.port().to_string();
    let (_replica, mut rc) = start_binary(&["--replicaof", "127.0.0.1", &port]);
    // After the full sync, so the stream has selected its database.
    mc.expect("SET foo bar", b"+OK\r\n");
    assert_in_sync(&mut mc, &mut rc);
    mc.expect("SET foo bar", b"+OK\r\n");
    assert_in_sync(&mut mc, &mut rc);
    let before = field(&mut rc, "replication", "slave_repl_offset");
    rc.expect("CLIENT PAUSE 100000 WRITE", b"+OK\r\n");
    mc.expect("SET foo2 bar2", b"+OK\r\n");
    let master_offset = field(&mut mc, "replication", "master_repl_offset");
    assert!(wait_until(Duration::from_secs(10), || {
        field(&mut rc, "replication", "slave_read_repl_offset") == master_offset
    }));
    assert_eq!(field(&mut rc, "replication", "slave_repl_offset"), before);
    rc.expect("GET foo2", b"$-1\r\n");
    rc.expect("CLIENT UNPAUSE", b"+OK\r\n");
    assert_in_sync(&mut mc, &mut rc);
    rc.expect("GET foo2", b"$4\r\nbar2\r\n");
}

/// A master that stops sending the snapshot a replica parses as it
/// arrives is given up after `repl-timeout`: the load fails and the data
/// `swapdb` set aside comes back.
#[test]
fn a_stalled_socket_load_times_out() {
    let (snapshot, _) = a_snapshot();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (_replica, mut rc) = start_binary(&["--repl-diskless-load", "swapdb", "--repl-timeout", "1"]);
    rc.expect("SET mykey myvalue", b"+OK\r\n");
    rc.expect(&format!("REPLICAOF 127.0.0.1 {port}"), b"+OK\r\n");
    let mut master = fake_master_accepts(&listener);
    master.send_raw(format!("$EOF:{}\r\n", "m".repeat(40)).as_bytes());
    master.send_raw(&snapshot[..snapshot.len() / 2]);
    let (closed, _) = master.closed();
    assert!(closed, "the replica gives up on a silent master");
    rc.expect("GET mykey", b"$7\r\nmyvalue\r\n");
    rc.expect("DBSIZE", b":1\r\n");
}

/// The replication buffer is shared and keeps what a replica still
/// needs: while one waits for its (slowed) snapshot, the backlog grows
/// past `repl-backlog-size`, another replica continues partially from
/// any offset in it, and once they leave it shrinks back. Redis 7.0's
/// behaviour, checked against redis-server too.
#[test]
fn the_buffer_keeps_what_a_waiting_replica_needs() {
    for (name, _server, addr) in masters_with(&["--repl-diskless-sync", "no", "--repl-backlog-size", "16384"]) {
        let mut c = Conn::connect(addr);
        for i in 0..10 {
            c.cmd(&[b"SET", format!("seed{i}").as_bytes(), b"x"]);
        }
        c.expect("CONFIG SET rdb-key-save-delay 1000000", b"+OK\r\n");
        let mut waiting = FakeReplica::connect(addr);
        let reply = waiting.psync("?", -1);
        let words: Vec<&str> = reply.split(' ').collect();
        assert_eq!(words[0], "+FULLRESYNC", "{name}: {reply}");
        let (id, start): (String, u64) = (words[1].into(), words[2].parse().unwrap());
        let value = vec![b'v'; 10_000];
        let mut expected = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n".to_vec();
        for i in 0..300 {
            let key = format!("big{i}");
            c.cmd(&[b"SET", key.as_bytes(), &value]);
            expected.extend_from_slice(&diff_support::encode(&[b"SET", key.as_bytes(), &value]));
        }
        let end = repl_offset(&mut c);
        assert_eq!(end - start, expected.len() as u64, "{name}");
        // All of it is held for the waiting replica, in one buffer.
        let histlen: u64 = field(&mut c, "replication", "repl_backlog_histlen").parse().unwrap();
        assert!(histlen >= end - start, "{name}: {histlen}");
        let first: u64 = field(&mut c, "replication", "repl_backlog_first_byte_offset")
            .parse()
            .unwrap();
        assert!(first <= start + 1, "{name}: {first} {start}");
        let total: u64 = field(&mut c, "memory", "mem_total_replication_buffers")
            .parse()
            .unwrap();
        assert!(total >= histlen && total < 2 * histlen, "{name}: {total} {histlen}");
        // A replica continuing from the waiting one's offset (far beyond
        // `repl-backlog-size`) gets the stream from the buffer.
        let mut other = FakeReplica::connect(addr);
        assert_eq!(other.psync(&id, start as i64 + 1), format!("+CONTINUE {id}"), "{name}");
        assert_eq!(
            esc(&without_pings(&other.bytes(expected.len()))),
            esc(&expected),
            "{name}"
        );
        assert_eq!(field(&mut c, "stats", "sync_partial_ok"), "1", "{name}");
        // Both gone: the buffer shrinks back to about the backlog's size.
        drop((waiting, other));
        let shrunk = wait_until(Duration::from_secs(20), || {
            field(&mut c, "replication", "repl_backlog_histlen")
                .parse::<u64>()
                .unwrap()
                <= 2 * 16384
        });
        assert!(
            shrunk,
            "{name}: {}",
            field(&mut c, "replication", "repl_backlog_histlen")
        );
        c.expect("CONFIG SET rdb-key-save-delay 0", b"+OK\r\n");
    }
}

/// A replica moved to another master and back continues its stream
/// partially in the database the stream had selected (Redis keeps it in
/// the cached master).
#[test]
fn a_replica_moved_away_and_back_continues_in_the_stream_s_database() {
    let quiet = ["--repl-ping-replica-period", "3600", "--repl-backlog-size", "10mb"];
    let (master, mut mc) = start_binary(&quiet);
    let port = master.addr.port().to_string();
    let (_replica, mut rc) = start_binary(&["--replicaof", "127.0.0.1", &port]);
    // A replica that is not linked to its own master refuses PSYNC.
    let (stranded, _) = start_binary(&["--replicaof", "127.0.0.1", "1"]);
    let stranded_port = stranded.addr.port().to_string();
    mc.expect("SELECT 9", b"+OK\r\n");
    mc.expect("SET a 1", b"+OK\r\n");
    assert_in_sync(&mut mc, &mut rc);
    rc.expect(&format!("REPLICAOF 127.0.0.1 {stranded_port}"), b"+OK\r\n");
    mc.expect("SET b 2", b"+OK\r\n");
    mc.expect("INCR a", b":2\r\n");
    rc.expect(&format!("REPLICAOF 127.0.0.1 {port}"), b"+OK\r\n");
    assert_in_sync(&mut mc, &mut rc);
    assert_eq!(field(&mut mc, "stats", "sync_partial_ok"), "1");
    assert_eq!(field(&mut mc, "stats", "sync_full"), "1");
    rc.expect("SELECT 9", b"+OK\r\n");
    rc.expect("MGET a b", b"*2\r\n$1\r\n2\r\n$1\r\n2\r\n");
    rc.expect("SELECT 0", b"+OK\r\n");
    rc.expect("DBSIZE", b":0\r\n");
}

/// A `swapdb` full sync that continues the history the replica follows
/// loads beside the live dataset (`async_loading`): meanwhile clients
/// read the old keys and call the old libraries, commands flagged
/// `no-async-loading` and CONFIG SET appendonly get -LOADING; a transfer
/// cut short leaves the old dataset as it was, a whole one replaces it
/// and its libraries, WATCH and client tracking hear of it, and the
/// swapped-in keys are in the next background save.
#[test]
fn async_loading_serves_the_old_data_while_the_same_history_loads() {
    let (snapshot, digest) = a_snapshot();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (replica, mut rc) = start_binary(&["--repl-diskless-load", "swapdb", "--replica-read-only", "no"]);
    let bgsave = |rc: &mut Conn| {
        rc.expect("BGSAVE", b"+Background saving started\r\n");
        assert!(wait_until(Duration::from_secs(20), || {
            field(rc, "persistence", "rdb_bgsave_in_progress") == "0"
        }));
    };
    rc.expect(&format!("REPLICAOF 127.0.0.1 {port}"), b"+OK\r\n");
    // The first full sync gives the replica the fake master's history.
    let master = full_sync_from_fake(&listener, &snapshot, &mut rc);
    assert_eq!(field(&mut rc, "persistence", "async_loading"), "0");
    rc.expect("SET mykey myvalue", b"+OK\r\n");
    rc.expect_args(
        &[
            b"FUNCTION",
            b"LOAD",
            b"#!lua name=lib\nredis.register_function('f', function() return 'old' end)",
        ],
        b"$3\r\nlib\r\n",
    );
    let keys = rc.cmd_str("DBSIZE");
    // A save before the load: the live databases' snapshot marks flip.
    bgsave(&mut rc);
    drop(master);
    let mark = "m".repeat(40);
    let loading_async = |rc: &mut Conn| {
        wait_until(Duration::from_secs(10), || {
            field(rc, "persistence", "async_loading") == "1"
        })
    };
    let mut master = fake_master_accepts(&listener);
    master.send_raw(format!("$EOF:{mark}\r\n").as_bytes());
    master.send_raw(&snapshot[..snapshot.len() / 2]);
    assert!(
        loading_async(&mut rc),
        "{}",
        String::from_utf8_lossy(&rc.cmd_str("INFO replication"))
    );
    assert_eq!(field(&mut rc, "persistence", "loading"), "0");
    rc.expect("GET mykey", b"$7\r\nmyvalue\r\n");
    rc.expect("FCALL f 0", b"$3\r\nold\r\n");
    assert_eq!(rc.cmd_str("DBSIZE"), keys);
    let loading_error = b"-LOADING Redis is loading the dataset in memory\r\n";
    rc.expect("REPLICAOF NO ONE", loading_error);
    rc.expect("CONFIG SET appendonly no", loading_error);
    // The link drops: the old dataset stays as it was.
    drop(master);
    assert!(wait_until(Duration::from_secs(10), || {
        field(&mut rc, "persistence", "async_loading") == "0"
    }));
    rc.expect("GET mykey", b"$7\r\nmyvalue\r\n");
    rc.expect("FCALL f 0", b"$3\r\nold\r\n");
    assert_eq!(rc.cmd_str("DBSIZE"), keys);
    // A client caching mykey, another watching it.
    let mut cached = Conn::connect(replica.addr);
    cached.cmd_str("HELLO 3");
    cached.expect("CLIENT TRACKING on", b"+OK\r\n");
    cached.expect("GET mykey", b"$7\r\nmyvalue\r\n");
    let mut watching = Conn::connect(replica.addr);
    watching.expect("WATCH mykey", b"+OK\r\n");
    // Whole this time: the loaded dataset and its (no) libraries replace
    // the live ones.
    let mut master = fake_master_accepts(&listener);
    master.send_raw(format!("$EOF:{mark}\r\n").as_bytes());
    master.send_raw(&snapshot);
    master.send_raw(mark.as_bytes());
    assert!(wait_until(Duration::from_secs(10), || {
        field(&mut rc, "replication", "master_link_status") == "up"
    }));
    assert_eq!(field(&mut rc, "persistence", "async_loading"), "0");
    rc.expect("GET mykey", b"$-1\r\n");
    assert!(rc.cmd_str("FCALL f 0").starts_with(b"-ERR Function not found"));
    assert_eq!(esc(&rc.cmd_str("DEBUG DIGEST")), esc(&digest));
    assert_eq!(
        esc(&cached.read_reply().unwrap()),
        esc(b">2\r\n$10\r\ninvalidate\r\n_\r\n")
    );
    watching.expect("MULTI", b"+OK\r\n");
    watching.expect("GET mykey", b"+QUEUED\r\n");
    watching.expect("EXEC", b"*-1\r\n");
    // The next background save has every swapped-in key (the one past
    // its TTL too: a replica keeps it for its master's DEL).
    bgsave(&mut rc);
    rc.expect("DEBUG RELOAD NOSAVE", b"+OK\r\n");
    assert_eq!(esc(&rc.cmd_str("DEBUG DIGEST")), esc(&digest));
}

/// What a replica that stopped reading holds of the replication buffer
/// is left out of what `maxmemory` compares (Redis's
/// `freeMemoryGetNotCountedMemory`): writes that do not grow the dataset
/// evict nothing however far behind it falls, and INFO counts the buffer
/// as the replica's.
#[test]
fn a_stalled_replica_s_buffer_does_not_cause_eviction() {
    let (master, mut c) = start_binary(&[
        "--repl-backlog-size",
        "16384",
        "--repl-diskless-sync",
        "no",
        "--maxmemory-policy",
        "allkeys-random",
        "--client-output-buffer-limit",
        "replica 0 0 0",
    ]);
    for j in 0..100 {
        c.cmd(&[b"SETRANGE", format!("key:{j}").as_bytes(), b"100000", b"asdf"]);
    }
    // It takes its snapshot, then reads nothing more.
    let mut stalled = FakeReplica::connect(master.addr);
    stalled.full_sync();
    let used: u64 = field(&mut c, "memory", "used_memory").parse().unwrap();
    let not_counted: u64 = field(&mut c, "memory", "mem_not_counted_for_evict").parse().unwrap();
    c.expect_args(
        &[
            b"CONFIG",
            b"SET",
            b"maxmemory",
            (used - not_counted + (1 << 20)).to_string().as_bytes(),
        ],
        b"+OK\r\n",
    );
    let payload = vec![b'A'; 5000];
    for _ in 0..4000 {
        c.expect_args(&[b"SETRANGE", b"key:0", b"0", &payload], b":100004\r\n");
    }
    c.expect("DBSIZE", b":100\r\n");
    assert_eq!(field(&mut c, "stats", "evicted_keys"), "0");
    let not_counted: u64 = field(&mut c, "memory", "mem_not_counted_for_evict").parse().unwrap();
    let replicas: u64 = field(&mut c, "memory", "mem_clients_slaves").parse().unwrap();
    assert!(not_counted > 8 << 20 && replicas > 8 << 20, "{not_counted} {replicas}");
    drop(stalled);
}

#[test]
fn a_replica_connects_from_bind_source_addr() {
    let (master_server, mut master) = start_binary(NO_DELAY);
    let (_replica_server, mut replica) = start_binary(NO_DELAY);
    // 127.0.0.2 is not local to protected mode (Redis's islocalClient).
    master.expect("CONFIG SET protected-mode no", b"+OK\r\n");
    replica.expect("CONFIG SET bind-source-addr 127.0.0.2", b"+OK\r\n");
    let port = master_server.addr.port().to_string();
    replica.expect_args(&[b"REPLICAOF", b"127.0.0.1", port.as_bytes()], b"+OK\r\n");
    master.expect("SET k v", b"+OK\r\n");
    assert_in_sync(&mut master, &mut replica);
    let slave0 = field(&mut master, "replication", "slave0");
    assert!(slave0.starts_with("ip=127.0.0.2,"), "{slave0}");
    replica.expect("GET k", b"$1\r\nv\r\n");
    // A source this host does not have: Redis's best effort connects
    // from any address instead.
    replica.expect("CONFIG SET bind-source-addr 192.0.2.1", b"+OK\r\n");
    replica.expect("CLIENT KILL TYPE master", b":1\r\n");
    master.expect("SET k2 v2", b"+OK\r\n");
    assert_in_sync(&mut master, &mut replica);
    let slave0 = field(&mut master, "replication", "slave0");
    assert!(slave0.starts_with("ip=127.0.0.1,"), "{slave0}");
}

/// Protected mode serves 127.0.0.1 and ::1 only, as Redis's
/// `islocalClient`: not the rest of 127.0.0.0/8.
#[test]
fn protected_mode_refuses_other_loopback_addresses() {
    let (server, _) = start_binary(&[]);
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.bind(&SocketAddr::from(([127, 0, 0, 2], 0)).into()).unwrap();
    socket.connect(&server.addr.into()).unwrap();
    let mut conn = Conn::from_stream(socket.into());
    let (closed, said) = conn.closed();
    assert!(closed);
    assert!(
        said.starts_with(b"-DENIED Redis is running in protected mode"),
        "{}",
        esc(&said)
    );
}
