//! How late do expired-key notifications arrive?
//!
//! Loads `--keys` keys (default 1,000,000) whose absolute deadlines are
//! spread at random over `--spread-ms` (default 10 s), plus `--probes`
//! probe keys (default 1,000) with evenly spaced deadlines over the same
//! window, subscribes to `__keyevent@0__:expired`, and reports how long
//! after its deadline each probe's notification arrived: p50, p99, max.
//! Works against any server speaking RESP (loopkv or redis-server), which
//! must run on this machine (deadlines and arrivals share the wall clock).
//!
//! ```text
//! cargo bench --bench expire_lag -- --port 6380
//! ```
//!
//! The target server's keyspace is flushed first and
//! `notify-keyspace-events` is set to `Ex`. Deadlines start `--lead-ms`
//! (default 12 s) after loading begins, enough for redis-server to load a
//! million keys on a small machine; `EXPIRE_LAG_VERBOSE=1` lists the
//! probes more than 5 ms late.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

struct Opts {
    host: String,
    port: u16,
    keys: usize,
    probes: usize,
    spread_ms: u64,
    /// Deadlines start this long after loading begins.
    lead_ms: u64,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        host: "127.0.0.1".into(),
        port: 6379,
        keys: 1_000_000,
        probes: 1_000,
        spread_ms: 10_000,
        lead_ms: 12_000,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--host" => o.host = value(),
            "--port" => o.port = value().parse().expect("--port"),
            "--keys" => o.keys = value().parse().expect("--keys"),
            "--probes" => o.probes = value().parse().expect("--probes"),
            "--spread-ms" => o.spread_ms = value().parse().expect("--spread-ms"),
            "--lead-ms" => o.lead_ms = value().parse().expect("--lead-ms"),
            // `cargo bench` passes --bench to every bench target.
            "--bench" => {
                i += 1;
                continue;
            }
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    o
}

/// Wall-clock milliseconds, fractional.
fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64() * 1000.0
}

fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// Reads one reply line (`+OK`, `:1`, ...) and fails on an error reply.
fn read_line(r: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<()> {
    line.clear();
    r.read_until(b'\n', line)?;
    if line.first() == Some(&b'-') {
        return Err(io::Error::other(String::from_utf8_lossy(line).into_owned()));
    }
    Ok(())
}

/// Reads one bulk string (`$n\r\n...\r\n`) into `out`.
fn read_bulk(r: &mut impl BufRead, line: &mut Vec<u8>, out: &mut Vec<u8>) -> io::Result<()> {
    read_line(r, line)?;
    let n: usize = std::str::from_utf8(&line[1..line.len() - 2])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other("bad bulk header"))?;
    out.resize(n + 2, 0);
    r.read_exact(out)?;
    out.truncate(n);
    Ok(())
}

/// A small xorshift generator: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() -> io::Result<()> {
    let o = parse_opts();
    let addr = format!("{}:{}", o.host, o.port);
    let mut cmd = TcpStream::connect(&addr)?;
    let mut cmd_r = BufReader::new(cmd.try_clone()?);
    let mut line = Vec::new();
    let mut out = Vec::new();
    encode(&mut out, &[b"FLUSHALL"]);
    encode(&mut out, &[b"CONFIG", b"SET", b"notify-keyspace-events", b"Ex"]);
    cmd.write_all(&out)?;
    read_line(&mut cmd_r, &mut line)?;
    read_line(&mut cmd_r, &mut line)?;

    // The subscriber thread timestamps every probe's notification.
    let sub = TcpStream::connect(&addr)?;
    let mut sub_w = sub.try_clone()?;
    out.clear();
    encode(&mut out, &[b"SUBSCRIBE", b"__keyevent@0__:expired"]);
    sub_w.write_all(&out)?;
    let (tx, rx) = mpsc::channel::<(usize, f64)>();
    let (ready_tx, ready_rx) = mpsc::channel::<()>();
    std::thread::spawn(move || -> io::Result<()> {
        let mut r = BufReader::with_capacity(1 << 16, sub);
        let (mut line, mut kind, mut channel, mut key) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut first = true;
        loop {
            read_line(&mut r, &mut line)?; // *3
            read_bulk(&mut r, &mut line, &mut kind)?;
            read_bulk(&mut r, &mut line, &mut channel)?;
            if kind == b"subscribe" {
                read_line(&mut r, &mut line)?; // :1
                if first {
                    first = false;
                    let _ = ready_tx.send(());
                }
                continue;
            }
            read_bulk(&mut r, &mut line, &mut key)?;
            let at = now_ms();
            if let Some(id) = key.strip_prefix(b"probe:") {
                let id = std::str::from_utf8(id).ok().and_then(|s| s.parse().ok());
                if let Some(id) = id
                    && tx.send((id, at)).is_err()
                {
                    return Ok(());
                }
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("subscription confirmed");

    // Load: bulk keys at random deadlines, probes evenly spaced, all with
    // absolute PXAT deadlines from `base`.
    let start = now_ms();
    let base = start as u64 + o.lead_ms;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut probe_deadlines = vec![0u64; o.probes];
    let total = o.keys + o.probes;
    let probe_every = (total / o.probes.max(1)).max(1);
    let (mut probe, mut bulk) = (0, 0);
    let batch = 1000;
    let mut sent = 0;
    while sent < total {
        out.clear();
        let n = batch.min(total - sent);
        for i in 0..n {
            let index = sent + i;
            let (name, deadline) = if probe < o.probes && (index % probe_every == 0 || bulk >= o.keys) {
                let deadline = base + o.spread_ms * probe as u64 / o.probes as u64;
                probe_deadlines[probe] = deadline;
                probe += 1;
                (format!("probe:{}", probe - 1), deadline)
            } else {
                bulk += 1;
                (format!("key:{bulk}"), base + rng.below(o.spread_ms.max(1)))
            };
            let deadline = deadline.to_string();
            encode(&mut out, &[b"SET", name.as_bytes(), b"1", b"PXAT", deadline.as_bytes()]);
        }
        cmd.write_all(&out)?;
        for _ in 0..n {
            read_line(&mut cmd_r, &mut line)?;
        }
        sent += n;
    }
    let loaded = now_ms();
    eprintln!(
        "loaded {} keys + {} probes in {:.0} ms; deadlines from +{} ms to +{} ms",
        o.keys,
        o.probes,
        loaded - start,
        o.lead_ms,
        o.lead_ms + o.spread_ms
    );
    if loaded > base as f64 {
        eprintln!("warning: loading took longer than --lead-ms; early deadlines passed during loading");
    }

    // Collect until every probe arrived or a minute past the last deadline.
    let give_up = base as f64 + o.spread_ms as f64 + 60_000.0;
    let mut delays = vec![f64::NAN; o.probes];
    let mut received = 0;
    while received < o.probes {
        let wait = (give_up - now_ms()).max(0.0);
        match rx.recv_timeout(Duration::from_millis(wait as u64)) {
            Ok((id, at)) if id < o.probes && delays[id].is_nan() => {
                delays[id] = at - probe_deadlines[id] as f64;
                received += 1;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    if std::env::var_os("EXPIRE_LAG_VERBOSE").is_some() {
        for (id, d) in delays.iter().enumerate() {
            if *d > 5.0 {
                eprintln!(
                    "probe {id}: deadline +{} ms, {d:.1} ms late",
                    probe_deadlines[id] - base
                );
            }
        }
    }
    let mut got: Vec<f64> = delays.into_iter().filter(|d| !d.is_nan()).collect();
    got.sort_by(f64::total_cmp);
    if got.is_empty() {
        println!("no probe notification arrived");
        return Ok(());
    }
    println!(
        "expire_lag {addr}: {} keys + {} probes over {} ms: delay after deadline p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({}/{} probes notified)",
        o.keys,
        o.probes,
        o.spread_ms,
        percentile(&got, 50.0),
        percentile(&got, 99.0),
        got[got.len() - 1],
        got.len(),
        o.probes
    );
    Ok(())
}
