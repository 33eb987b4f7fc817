//! Hits per megabyte: how well a server's eviction keeps the keys that
//! will be asked for again, at the same `maxmemory`.
//!
//! A cache client's loop against the server on `--port`: GET a key, and
//! SET it (a `--value`-byte value) when the GET missed. Keys are drawn
//! from one of two workloads:
//!
//! - `zipf`: `--keys` distinct keys with Zipf(`--theta`, default 0.99)
//!   popularity (the most popular keys spread over the key space);
//! - `scan`: a hot set of `--hot` keys asked for half the time, uniformly,
//!   and otherwise keys asked for once and never again (a scan).
//!
//! The server is flushed and set to `--maxmemory` (default 200mb) and
//! `--policy` first. Requests go `--pipeline` at a time (the SETs for the
//! misses of a batch follow it). Reports the hit ratio over all requests
//! and over the second half (the cache warm), the keys held, `used_memory`
//! and `evicted_keys` at the end.
//!
//! Works against any server speaking RESP (loopkv or redis-server):
//!
//! ```text
//! cargo bench --bench eviction_hits -- --port 6380 --policy allkeys-lru --workload zipf
//! ```

mod support;

use std::io::Write;
use std::time::Instant;
use support::{Conn, Rng, encode};

struct Opts {
    port: u16,
    keys: u64,
    requests: u64,
    value: usize,
    maxmemory: String,
    policy: String,
    workload: String,
    theta: f64,
    hot: u64,
    pipeline: usize,
    seed: u64,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        port: 6379,
        keys: 10_000_000,
        requests: 20_000_000,
        value: 100,
        maxmemory: "200mb".into(),
        policy: "allkeys-lru".into(),
        workload: "zipf".into(),
        theta: 0.99,
        hot: 500_000,
        pipeline: 64,
        seed: 42,
    };
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--port" => o.port = value.parse().expect("--port"),
            "--keys" => o.keys = value.parse().expect("--keys"),
            "--requests" => o.requests = value.parse().expect("--requests"),
            "--value" => o.value = value.parse().expect("--value"),
            "--maxmemory" => o.maxmemory = value,
            "--policy" => o.policy = value,
            "--workload" => o.workload = value,
            "--theta" => o.theta = value.parse().expect("--theta"),
            "--hot" => o.hot = value.parse().expect("--hot"),
            "--pipeline" => o.pipeline = value.parse().expect("--pipeline"),
            "--seed" => o.seed = value.parse().expect("--seed"),
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    o
}

/// Zipf sampling by inversion over the cumulative weights of `n` ranks
/// (4 bytes a rank).
struct Zipf {
    cdf: Vec<f32>,
}

impl Zipf {
    fn new(n: u64, theta: f64) -> Zipf {
        let mut cdf = Vec::with_capacity(n as usize);
        let mut sum = 0.0f64;
        for rank in 1..=n {
            sum += 1.0 / (rank as f64).powf(theta);
            cdf.push(sum as f32);
        }
        let total = sum as f32;
        cdf.iter_mut().for_each(|c| *c /= total);
        Zipf { cdf }
    }

    /// A rank, 0 the most popular.
    fn sample(&self, rng: &mut Rng) -> u64 {
        let u = rng.unit() as f32;
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1) as u64
    }
}

/// Where the keys come from.
enum Workload {
    Zipf { zipf: Zipf, keys: u64 },
    Scan { hot: u64, next_cold: u64 },
}

impl Workload {
    fn next_key(&mut self, rng: &mut Rng) -> u64 {
        match self {
            // Spread the popular ranks over the key space (a bijection:
            // the multiplier is odd and prime to any key count it meets).
            Workload::Zipf { zipf, keys } => (zipf.sample(rng).wrapping_mul(2_654_435_761)) % *keys,
            Workload::Scan { hot, next_cold } => {
                if rng.next() & 1 == 0 {
                    rng.next() % *hot
                } else {
                    *next_cold += 1;
                    *next_cold
                }
            }
        }
    }
}

fn main() {
    let o = parse_opts();
    let mut c = Conn::connect(o.port);
    for args in [
        &[&b"FLUSHALL"[..]][..],
        &[b"CONFIG", b"SET", b"maxmemory", o.maxmemory.as_bytes()],
        &[b"CONFIG", b"SET", b"maxmemory-policy", o.policy.as_bytes()],
        &[b"CONFIG", b"RESETSTAT"],
    ] {
        let reply = c.command(args);
        assert!(
            reply.starts_with(b"+OK"),
            "{:?}: {}",
            args,
            String::from_utf8_lossy(&reply)
        );
    }
    let mut rng = Rng(o.seed | 1);
    let started = Instant::now();
    let mut workload = match o.workload.as_str() {
        "zipf" => Workload::Zipf {
            zipf: Zipf::new(o.keys, o.theta),
            keys: o.keys,
        },
        "scan" => Workload::Scan {
            hot: o.hot,
            next_cold: 1 << 40,
        },
        other => panic!("unknown workload {other}"),
    };
    let value = vec![b'v'; o.value];
    let (mut hits, mut late_hits, mut done) = (0u64, 0u64, 0u64);
    let mut batch = Vec::with_capacity(o.pipeline);
    let mut out = Vec::new();
    let prep = started.elapsed();
    let run = Instant::now();
    while done < o.requests {
        batch.clear();
        out.clear();
        for _ in 0..o.pipeline {
            let key = format!("key:{}", workload.next_key(&mut rng));
            encode(&mut out, &[b"GET", key.as_bytes()]);
            batch.push(key);
        }
        c.out.write_all(&out).unwrap();
        out.clear();
        let mut misses = 0;
        for key in &batch {
            let hit = c.read_bulk();
            done += 1;
            if hit {
                hits += 1;
                if done > o.requests / 2 {
                    late_hits += 1;
                }
            } else {
                encode(&mut out, &[b"SET", key.as_bytes(), &value]);
                misses += 1;
            }
        }
        if misses > 0 {
            c.out.write_all(&out).unwrap();
            for _ in 0..misses {
                c.read_bulk();
            }
        }
    }
    let secs = run.elapsed().as_secs_f64();
    let dbsize = String::from_utf8_lossy(&c.command(&[b"DBSIZE"]))
        .trim()
        .trim_start_matches(':')
        .to_string();
    println!(
        "workload={} policy={} maxmemory={} requests={} hit_ratio={:.4} hit_ratio_second_half={:.4} keys_held={} used_memory={} evicted_keys={} seconds={:.1} (setup {:.1})",
        o.workload,
        o.policy,
        o.maxmemory,
        done,
        hits as f64 / done as f64,
        late_hits as f64 / (done - done / 2) as f64,
        dbsize,
        c.info_field("memory", "used_memory"),
        c.info_field("stats", "evicted_keys"),
        secs,
        prep.as_secs_f64(),
    );
}
