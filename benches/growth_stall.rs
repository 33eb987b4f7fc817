//! Does the server stall while its keyspace (or one big value) grows?
//!
//! Pipelined writer threads grow the dataset while a probe client sends
//! PING once a millisecond and times each reply; the report is the probe's
//! p50, p99, p99.9 and maximum round trip. A stall anywhere in the server's
//! loop (a table rehashed in one step, a big allocation zeroed, a big value
//! freed inline) shows up as one slow PING.
//!
//! - `--mode keys` (default): `--keys` keys (default 10,000,000) of
//!   `--value` bytes (default 16), every second one with `EX 86400`.
//! - `--mode collections`: one hash and one sorted set grown to
//!   `--members` members each (default 5,000,000), random scores.
//! - `--mode channels`: the writers SUBSCRIBE to `--channels` channels
//!   between them (default 2,000,000), `--pipeline` per command: the
//!   server's channel registry and each client's set grow.
//! - `--mode tracking`: the writers turn on client-side caching (CLIENT
//!   TRACKING, redirected to an idle client) and GET `--keys` missing
//!   keys, which the tracking table remembers (set `--keys` to at most
//!   `tracking-table-max-keys`, a million by default).
//!
//! With `--flush`, the probe keeps running through a final `FLUSHALL`
//! (and, for collections, `DEL` of each big value), reported as its own
//! phase. The writers' connections stay open until the probe stops. Works against any RESP server (loopkv or redis-server); the
//! target's keyspace is flushed first.
//!
//! ```text
//! cargo bench --bench growth_stall -- --port 6380 --mode keys
//! ```

mod support;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{Conn, Rng, encode};

struct Opts {
    port: u16,
    mode: String,
    keys: u64,
    members: u64,
    channels: u64,
    value: usize,
    writers: u64,
    pipeline: u64,
    flush: bool,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        port: 6379,
        mode: "keys".into(),
        keys: 10_000_000,
        members: 5_000_000,
        channels: 2_000_000,
        value: 16,
        writers: 2,
        pipeline: 100,
        flush: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--port" => o.port = value().parse().expect("--port"),
            "--mode" => o.mode = value(),
            "--keys" => o.keys = value().parse().expect("--keys"),
            "--members" => o.members = value().parse().expect("--members"),
            "--channels" => o.channels = value().parse().expect("--channels"),
            "--value" => o.value = value().parse().expect("--value"),
            "--writers" => o.writers = value().parse().expect("--writers"),
            "--pipeline" => o.pipeline = value().parse().expect("--pipeline"),
            "--flush" => {
                o.flush = true;
                i += 1;
                continue;
            }
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

/// Writer `w` of `o.writers`: its share of the keys, members or
/// channels, in pipelined batches; `redirect` is the client tracking
/// messages go to.
fn write_share(o: &Opts, w: u64, redirect: &[u8]) -> Conn {
    let mut c = Conn::connect(o.port);
    let total = match o.mode.as_str() {
        "collections" => o.members,
        "channels" => o.channels,
        _ => o.keys,
    };
    if o.mode == "tracking" {
        let reply = c.command(&[b"CLIENT", b"TRACKING", b"ON", b"REDIRECT", redirect]);
        assert!(reply.starts_with(b"+OK"), "{}", String::from_utf8_lossy(&reply));
    }
    let (from, to) = (total * w / o.writers, total * (w + 1) / o.writers);
    let value = vec![b'v'; o.value];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (w + 1));
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        out.clear();
        let end = (i + o.pipeline).min(to);
        let mut sent = 0;
        if o.mode == "channels" {
            let names: Vec<String> = (i..end).map(|n| format!("channel:{n}")).collect();
            let mut args: Vec<&[u8]> = vec![b"SUBSCRIBE"];
            args.extend(names.iter().map(|n| n.as_bytes()));
            encode(&mut out, &args);
            // Each confirmation: *3, $9, subscribe, $len, name, :count.
            sent = 6 * (end - i);
        }
        for n in i..end {
            if o.mode == "channels" {
                break;
            } else if o.mode == "tracking" {
                encode(&mut out, &[b"GET", format!("key:{n}").as_bytes()]);
                sent += 1;
            } else if o.mode == "keys" {
                let key = format!("key:{n}");
                if n % 2 == 0 {
                    encode(&mut out, &[b"SET", key.as_bytes(), &value, b"EX", b"86400"]);
                } else {
                    encode(&mut out, &[b"SET", key.as_bytes(), &value]);
                }
                sent += 1;
            } else {
                let member = format!("member:{n}");
                let score = (rng.next() % 1_000_000_000).to_string();
                encode(&mut out, &[b"HSET", b"bighash", member.as_bytes(), &value]);
                encode(&mut out, &[b"ZADD", b"bigzset", score.as_bytes(), member.as_bytes()]);
                sent += 2;
            }
        }
        c.out.write_all(&out).unwrap();
        c.read_lines(sent);
        i = end;
    }
    // Kept open until the probe stops: closing a client that holds a
    // million subscriptions is work of its own, not growth.
    c
}

/// Round trips of the probe's PINGs, in microseconds.
type Samples = Arc<Mutex<Vec<u32>>>;

/// Sends PING once a millisecond until `stop`, appending each round trip
/// to the current phase's samples.
fn probe(port: u16, stop: Arc<AtomicBool>, phase: Arc<Mutex<Samples>>) {
    let mut c = Conn::connect(port);
    let period = Duration::from_millis(1);
    let mut next = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
        let sent = Instant::now();
        c.out.write_all(b"*1\r\n$4\r\nPING\r\n").unwrap();
        c.read_lines(1);
        let rtt = sent.elapsed().as_micros().min(u32::MAX as u128) as u32;
        let samples = phase.lock().unwrap().clone();
        samples.lock().unwrap().push(rtt);
        next = (next + period).max(sent);
    }
}

fn report(name: &str, samples: &Samples, seconds: f64) {
    let mut s = samples.lock().unwrap().clone();
    s.sort_unstable();
    let at = |p: f64| -> f64 {
        if s.is_empty() {
            return 0.0;
        }
        let i = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
        s[i] as f64 / 1000.0
    };
    println!(
        "phase={name} seconds={seconds:.1} pings={} p50_ms={:.3} p99_ms={:.3} p99.9_ms={:.3} max_ms={:.3}",
        s.len(),
        at(50.0),
        at(99.0),
        at(99.9),
        at(100.0),
    );
}

fn main() {
    let o = Arc::new(parse_opts());
    let modes = ["keys", "collections", "channels", "tracking"];
    assert!(
        modes.contains(&o.mode.as_str()),
        "--mode keys|collections|channels|tracking"
    );
    let mut c = Conn::connect(o.port);
    assert!(c.command(&[b"FLUSHALL"]).starts_with(b"+OK"));
    // Tracking messages go to a client that never reads them.
    let mut sink = Conn::connect(o.port);
    let redirect = Arc::new(sink.command(&[b"CLIENT", b"ID"])[1..].trim_ascii_end().to_vec());

    let grow: Samples = Arc::default();
    let phase = Arc::new(Mutex::new(grow.clone()));
    let stop = Arc::new(AtomicBool::new(false));
    let prober = {
        let (stop, phase) = (stop.clone(), phase.clone());
        let port = o.port;
        std::thread::spawn(move || probe(port, stop, phase))
    };

    let started = Instant::now();
    let writers: Vec<_> = (0..o.writers)
        .map(|w| {
            let (o, redirect) = (o.clone(), redirect.clone());
            std::thread::spawn(move || write_share(&o, w, &redirect))
        })
        .collect();
    let writers: Vec<Conn> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    let grow_secs = started.elapsed().as_secs_f64();
    let size = if o.mode == "keys" {
        String::from_utf8_lossy(&c.command(&[b"DBSIZE"])).trim().to_string()
    } else if o.mode == "channels" {
        format!("pubsub_channels:{}", c.info_field("stats", "pubsub_channels"))
    } else if o.mode == "tracking" {
        format!("tracking_total_keys:{}", c.info_field("stats", "tracking_total_keys"))
    } else {
        let h = String::from_utf8_lossy(&c.command(&[b"HLEN", b"bighash"]))
            .trim()
            .to_string();
        let z = String::from_utf8_lossy(&c.command(&[b"ZCARD", b"bigzset"]))
            .trim()
            .to_string();
        format!("hlen{h} zcard{z}")
    };
    let used = c.info_field("memory", "used_memory_human");

    let flushed: Samples = Arc::default();
    let mut flush_secs = 0.0;
    if o.flush {
        *phase.lock().unwrap() = flushed.clone();
        let t = Instant::now();
        if o.mode == "collections" {
            c.command(&[b"DEL", b"bighash"]);
            c.command(&[b"DEL", b"bigzset"]);
        }
        c.command(&[b"FLUSHALL"]);
        // Let the probe see what follows the reply (lazy frees).
        std::thread::sleep(Duration::from_millis(500));
        flush_secs = t.elapsed().as_secs_f64();
    }
    stop.store(true, Ordering::Relaxed);
    prober.join().unwrap();
    drop(writers);

    println!("mode={} size={size} used_memory={used}", o.mode);
    report("grow", &grow, grow_secs);
    if o.flush {
        report("flush", &flushed, flush_secs);
    }
}
