//! Sharding behind twemproxy (Debian's `nutcracker`): three loopkv
//! servers in one ketama pool. Keys written through the proxy land on
//! exactly one server each, spread over the three, `{tag}` keys together;
//! MGET and DEL over several servers come back merged; and the placement,
//! and every reply, are the ones the same proxy gives with three real
//! redis-servers. (nutcracker 0.5.0 does not split a multi-key EXISTS: it
//! sends it whole to the first key's server, with either backend.)
//!
//! Needs `nutcracker` (and `redis-server` for the comparison) on PATH:
//! without them the test says so and passes, unless
//! `LOOPKV_REQUIRE_REDIS=1` (CI), where it fails.

mod diff_support;

use diff_support::{Conn, Loopkv, Redis, free_port, redis_or_skip, scratch_dir, tool_or_skip, wait_until};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEYS: usize = 300;

/// A nutcracker process in front of `backends`, killed on drop.
struct Proxy {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    /// A ketama pool (md5, `{}` hash tags) over `backends`, named
    /// server1.. so that placement depends on the names, not the ports.
    fn start(backends: &[SocketAddr]) -> Proxy {
        let dir = scratch_dir();
        let port = free_port();
        let servers: String = backends
            .iter()
            .enumerate()
            .map(|(i, a)| format!("   - {a}:1 server{}\n", i + 1))
            .collect();
        let config = format!(
            "pool:\n  listen: 127.0.0.1:{port}\n  hash: md5\n  hash_tag: \"{{}}\"\n  \
             distribution: ketama\n  redis: true\n  auto_eject_hosts: false\n  timeout: 2000\n  \
             servers:\n{servers}"
        );
        let path = dir.join("nutcracker.yml");
        std::fs::write(&path, config).unwrap();
        let child = Command::new("nutcracker")
            .arg("-c")
            .arg(&path)
            .args(["-a", "127.0.0.1", "-s", &free_port().to_string(), "-o"])
            .arg(dir.join("nutcracker.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nutcracker");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let up = wait_until(Duration::from_secs(10), || std::net::TcpStream::connect(addr).is_ok());
        assert!(up, "nutcracker did not listen on {addr}");
        Proxy { child, addr }
    }
}

/// Writes the test's keys through the proxy and returns, for each key,
/// the index of the one backend that holds it, and the proxy's replies to
/// commands over several servers.
fn placement(backends: &[SocketAddr]) -> (Vec<usize>, Vec<Vec<u8>>) {
    let proxy = Proxy::start(backends);
    let mut p = Conn::connect(proxy.addr);
    let keys: Vec<String> = (0..KEYS).map(|i| format!("key:{i}")).collect();
    for (i, key) in keys.iter().enumerate() {
        p.expect_args(&[b"SET", key.as_bytes(), i.to_string().as_bytes()], b"+OK\r\n");
    }
    let mut direct: Vec<Conn> = backends.iter().map(|a| Conn::connect(*a)).collect();
    let mut placed = Vec::new();
    for key in &keys {
        let holders: Vec<usize> = (0..direct.len())
            .filter(|&b| direct[b].cmd(&[b"EXISTS", key.as_bytes()]) == b":1\r\n")
            .collect();
        assert_eq!(holders.len(), 1, "{key} is on {holders:?}");
        placed.push(holders[0]);
    }
    for b in 0..backends.len() {
        let n = placed.iter().filter(|&&p| p == b).count();
        assert!(n > KEYS / 10, "server{} holds {n} of {KEYS} keys", b + 1);
    }

    // Keys with one hash tag live together.
    let tagged = ["{user:7}:name", "{user:7}:mail", "{user:7}:cart", "{user:7}"];
    for key in tagged {
        p.expect_args(&[b"SET", key.as_bytes(), b"x"], b"+OK\r\n");
    }
    let homes: Vec<usize> = tagged
        .iter()
        .map(|k| {
            (0..direct.len())
                .find(|&b| direct[b].cmd(&[b"EXISTS", k.as_bytes()]) == b":1\r\n")
                .unwrap()
        })
        .collect();
    assert!(homes.iter().all(|&h| h == homes[0]), "{homes:?}");
    placed.push(homes[0]);

    // Commands over keys on several servers, merged by the proxy.
    let some: Vec<&[u8]> = keys[..20].iter().map(|k| k.as_bytes()).collect();
    let mut mget: Vec<&[u8]> = vec![b"MGET"];
    mget.extend(&some);
    let want: Vec<u8> = [format!("*{}\r\n", some.len()).into_bytes()]
        .into_iter()
        .chain((0..20).map(|i| format!("${}\r\n{i}\r\n", i.to_string().len()).into_bytes()))
        .flatten()
        .collect();
    p.expect_args(&mget, &want);
    let mut exists: Vec<&[u8]> = vec![b"EXISTS"];
    exists.extend(&some);
    exists.push(b"missing:key");
    let mut replies = vec![p.cmd(&exists)];
    let mut del: Vec<&[u8]> = vec![b"DEL"];
    del.extend(&some[..10]);
    p.expect_args(&del, b":10\r\n");
    replies.push(p.cmd(&exists));
    let mut mget_after = mget.clone();
    mget_after.push(b"missing:key");
    replies.push(p.cmd(&mget_after));
    (placed, replies)
}

#[test]
fn keys_spread_over_three_loopkv_servers_as_over_three_redis_servers() {
    if !tool_or_skip("nutcracker", "twemproxy test") {
        return;
    }
    let servers: Vec<Loopkv> = (0..3).map(|_| Loopkv::start(&[])).collect();
    let addrs: Vec<SocketAddr> = servers.iter().map(|s| s.addr).collect();
    let on_loopkv = placement(&addrs);
    if !redis_or_skip("twemproxy placement") {
        return;
    }
    let redis: Vec<Redis> = (0..3).map(|_| Redis::start()).collect();
    let addrs: Vec<SocketAddr> = redis.iter().map(|s| s.addr).collect();
    assert_eq!(on_loopkv, placement(&addrs), "placement differs from redis-server's");
}
