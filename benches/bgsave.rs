//! What a background save costs while clients write: memory, latency,
//! duration.
//!
//! Fills the server on `--port` with `--keys` keys of mixed types (70 %
//! strings of `--size` bytes named as redis-benchmark names them, the rest
//! hashes, lists, sets and sorted sets of 10 elements), then starts
//! `redis-benchmark -P 16` overwriting random strings of that set, a probe
//! client sending PING every millisecond, and BGSAVE. Reports:
//!
//! - the save's duration (BGSAVE to `rdb_bgsave_in_progress:0`);
//! - peak memory during the save relative to before it: the server's RSS
//!   plus, for a forking server, its children's private dirty pages (the
//!   copy-on-write copies), sampled every 10 ms;
//! - the probe's p50, p99.9 and max latency during the save.
//!
//! Works against any server speaking RESP on this machine (loopkv or
//! redis-server), which must allow `CONFIG SET save ""`; the keyspace is
//! flushed first and the RDB file is written to the server's `dir`.
//!
//! With `--rewrite` it measures BGREWRITEAOF instead (the server must
//! run with `appendonly yes`): the rewrite's duration (to
//! `aof_rewrite_in_progress:0`), memory and probe the same way.
//!
//! ```text
//! cargo bench --bench bgsave -- --port 6380 --keys 5000000 [--rewrite]
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Opts {
    port: u16,
    keys: usize,
    size: usize,
    rewrite: bool,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        port: 6379,
        keys: 5_000_000,
        size: 150,
        rewrite: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--port" => o.port = value().parse().expect("--port"),
            "--keys" => o.keys = value().parse().expect("--keys"),
            "--size" => o.size = value().parse().expect("--size"),
            "--rewrite" => {
                o.rewrite = true;
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

/// A blocking RESP connection that pipelines and reads replies.
struct Conn {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

impl Conn {
    fn connect(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_nodelay(true).unwrap();
        Conn {
            w: s.try_clone().unwrap(),
            r: BufReader::new(s),
        }
    }

    fn encode(out: &mut Vec<u8>, args: &[&[u8]]) {
        out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
    }

    /// Reads one reply, returning its text (bulk payloads included).
    fn read(&mut self) -> String {
        let mut line = String::new();
        self.r.read_line(&mut line).expect("read");
        match line.as_bytes()[0] {
            b'$' => {
                let n: i64 = line[1..].trim().parse().unwrap();
                if n < 0 {
                    return String::new();
                }
                let mut buf = vec![0; n as usize + 2];
                self.r.read_exact(&mut buf).unwrap();
                String::from_utf8_lossy(&buf[..n as usize]).into_owned()
            }
            b'-' => panic!("server error: {line}"),
            _ => line.trim().to_string(),
        }
    }

    fn cmd(&mut self, args: &[&[u8]]) -> String {
        let mut out = Vec::new();
        Conn::encode(&mut out, args);
        self.w.write_all(&out).unwrap();
        self.read()
    }

    fn info_field(&mut self, field: &str) -> String {
        let info = self.cmd(&[b"INFO", b"all"]);
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")).map(|v| v.trim().to_string()))
            .unwrap_or_default()
    }
}

/// Sends `batch` commands built by `make`, then reads their replies.
fn pipeline(c: &mut Conn, count: usize, mut make: impl FnMut(usize, &mut Vec<u8>)) {
    const BATCH: usize = 1000;
    let mut out = Vec::new();
    let mut i = 0;
    while i < count {
        out.clear();
        let n = BATCH.min(count - i);
        for j in 0..n {
            make(i + j, &mut out);
        }
        c.w.write_all(&out).unwrap();
        for _ in 0..n {
            c.read();
        }
        i += n;
    }
}

fn fill(c: &mut Conn, o: &Opts) -> usize {
    let strings = o.keys * 7 / 10;
    let value = vec![b'v'; o.size];
    pipeline(c, strings, |i, out| {
        let key = format!("key:{i:012}");
        Conn::encode(out, &[b"SET", key.as_bytes(), &value]);
    });
    let rest = o.keys - strings;
    let items: Vec<String> = (0..10).map(|i| format!("element-{i}")).collect();
    pipeline(c, rest, |i, out| {
        let key = format!("coll:{i}");
        let mut args: Vec<&[u8]> = Vec::new();
        let scores: Vec<String> = (0..10).map(|s| format!("{s}")).collect();
        match i % 4 {
            0 => {
                args.extend([&b"HSET"[..], key.as_bytes()]);
                for it in &items {
                    args.push(it.as_bytes());
                    args.push(b"value");
                }
            }
            1 => {
                args.extend([&b"RPUSH"[..], key.as_bytes()]);
                args.extend(items.iter().map(|s| s.as_bytes()));
            }
            2 => {
                args.extend([&b"SADD"[..], key.as_bytes()]);
                args.extend(items.iter().map(|s| s.as_bytes()));
            }
            _ => {
                args.extend([&b"ZADD"[..], key.as_bytes()]);
                for (s, it) in scores.iter().zip(&items) {
                    args.push(s.as_bytes());
                    args.push(it.as_bytes());
                }
            }
        }
        Conn::encode(out, &args);
    });
    strings
}

/// KiB from a `/proc/<pid>/...` file's `name:` line.
fn proc_kib(path: &str, name: &str) -> u64 {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The server's RSS plus its children's private dirty pages, in KiB.
fn memory_kib(pid: u32) -> u64 {
    let mut total = proc_kib(&format!("/proc/{pid}/status"), "VmRSS:");
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten();
    for task in tasks.flatten() {
        let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children.split_whitespace() {
            total += proc_kib(&format!("/proc/{child}/smaps_rollup"), "Private_Dirty:");
        }
    }
    total
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let o = parse_opts();
    let mut c = Conn::connect(o.port);
    let pid: u32 = c.info_field("process_id").parse().expect("process_id");
    c.cmd(&[b"CONFIG", b"SET", b"save", b""]);
    c.cmd(&[b"FLUSHALL"]);
    let start = Instant::now();
    let strings = fill(&mut c, &o);
    eprintln!("loaded {} keys in {:.1} s", o.keys, start.elapsed().as_secs_f64());
    std::thread::sleep(Duration::from_secs(2));
    let before = memory_kib(pid);

    let mut writer = Command::new("redis-benchmark")
        .args([
            "-p",
            &o.port.to_string(),
            "-t",
            "set",
            "-P",
            "16",
            "-c",
            "20",
            "-n",
            "2000000000",
        ])
        .args(["-r", &strings.to_string(), "-d", &o.size.to_string(), "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-benchmark on PATH");
    std::thread::sleep(Duration::from_secs(2));

    let stop = Arc::new(AtomicBool::new(false));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let probe = {
        let (stop, samples, port) = (stop.clone(), samples.clone(), o.port);
        std::thread::spawn(move || {
            let mut p = Conn::connect(port);
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                p.cmd(&[b"PING"]);
                samples.lock().unwrap().push(t.elapsed());
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    samples.lock().unwrap().clear();
    let save_start = Instant::now();
    let (command, running, status_field): (&[u8], &str, &str) = if o.rewrite {
        (b"BGREWRITEAOF", "aof_rewrite_in_progress", "aof_last_bgrewrite_status")
    } else {
        (b"BGSAVE", "rdb_bgsave_in_progress", "rdb_last_bgsave_status")
    };
    c.cmd(&[command]);
    let mut peak = before;
    loop {
        peak = peak.max(memory_kib(pid));
        if c.info_field(running) == "0" {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let duration = save_start.elapsed();
    stop.store(true, Ordering::Relaxed);
    probe.join().unwrap();
    let _ = writer.kill();
    let _ = writer.wait();
    let status = c.info_field(status_field);
    let mut lat = samples.lock().unwrap().clone();
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "keys {} | {} {:.2} s ({status}) | memory before {:.0} MiB, peak {:.0} MiB, ratio {:.3} | probe n={} p50 {:.3} ms p99.9 {:.3} ms max {:.3} ms",
        o.keys,
        if o.rewrite { "rewrite" } else { "save" },
        duration.as_secs_f64(),
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
        peak as f64 / before as f64,
        lat.len(),
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.999)),
        ms(lat.last().copied().unwrap_or_default()),
    );
}
