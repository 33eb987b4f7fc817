//! Failover under real Sentinel (Debian's `redis-sentinel` 7.0.15): three
//! sentinels watch a loopkv master with two replicas. When the master is
//! killed they promote a replica, point the other at it (Sentinel's
//! `MULTI; SLAVEOF; CONFIG REWRITE; CLIENT KILL ...; EXEC`), a client that
//! finds the master through Sentinel as redis-py's `Sentinel` does
//! (`SENTINEL get-master-addr-by-name`, then ROLE) goes on writing, and the
//! old master, restarted, is turned into a replica of the new one. The
//! second test has a real redis-server in the set and Sentinel promotes
//! it, so loopkv follows a redis-server master chosen by Sentinel.
//!
//! Needs `redis-sentinel` (and `redis-server`) on PATH: without them the
//! tests say so and pass, unless `LOOPKV_REQUIRE_REDIS=1` (CI).

mod diff_support;

use diff_support::{Conn, Redis, free_port, redis_or_skip, scratch_dir, tool_or_skip, wait_until};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const MASTER_NAME: &str = "mymaster";

/// How long Sentinel gets for one step (discovery, failover, reconfiguring).
const PATIENCE: Duration = Duration::from_secs(60);

/// A child process killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One data node: the loopkv binary or a redis-server, on a fixed port so
/// that a restarted node comes back at the address Sentinel knows.
enum Node {
    Loopkv {
        proc: Option<Proc>,
        dir: PathBuf,
        port: u16,
    },
    Redis(#[allow(dead_code)] Redis),
}

impl Node {
    fn loopkv(extra: &[&str]) -> Node {
        let dir = scratch_dir();
        std::fs::write(dir.join("loopkv.conf"), "# rewritten by CONFIG REWRITE\n").unwrap();
        let port = free_port();
        let proc = spawn_loopkv(&dir, port, extra);
        Node::Loopkv {
            proc: Some(proc),
            dir,
            port,
        }
    }

    fn addr(&self) -> SocketAddr {
        match self {
            Node::Loopkv { port, .. } => SocketAddr::from(([127, 0, 0, 1], *port)),
            Node::Redis(r) => r.addr,
        }
    }

    fn conn(&self) -> Conn {
        Conn::connect(self.addr())
    }

    /// Checks that Sentinel's CONFIG REWRITE left `replicaof <master>` in a
    /// loopkv node's config file.
    fn assert_config_follows(&self, master: SocketAddr) {
        if let Node::Loopkv { dir, .. } = self {
            let text = std::fs::read_to_string(dir.join("loopkv.conf")).unwrap();
            let want = format!("replicaof {} {}", master.ip(), master.port());
            assert!(
                text.lines().any(|l| l == want),
                "no '{want}' in the rewritten config:\n{text}"
            );
        }
    }

    /// Kills the loopkv process at once (SIGKILL, no shutdown).
    fn kill(&mut self) {
        if let Node::Loopkv { proc, .. } = self {
            proc.take();
        }
    }

    /// Starts the loopkv process again on its port and directory.
    fn restart(&mut self, extra: &[&str]) {
        if let Node::Loopkv { proc, dir, port } = self {
            *proc = Some(spawn_loopkv(dir, *port, extra));
        }
    }
}

/// The loopkv binary with `dir/loopkv.conf` as its config file (so that
/// Sentinel's CONFIG REWRITE has a file to rewrite), listening on `port`.
/// Not `diff_support::spawn_binary`: a restarted node must come back on
/// the port Sentinel knows, and with its rewritten config file.
fn spawn_loopkv(dir: &Path, port: u16, extra: &[&str]) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_loopkv"))
        .arg(dir.join("loopkv.conf"))
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
        ])
        .arg(dir)
        .args(["--repl-diskless-sync-delay", "0"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn loopkv");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let up = wait_until(Duration::from_secs(10), || TcpStream::connect(addr).is_ok());
    assert!(up, "loopkv did not listen on {addr}");
    Proc(child)
}

/// The Sentinel configuration README points to.
const EXAMPLE: &str = include_str!("../examples/sentinel/sentinel.conf");

/// Three `redis-sentinel` processes watching `master` with quorum 2, each
/// with a copy of `EXAMPLE` naming its own port and `master`.
fn start_sentinels(master: SocketAddr) -> Vec<(Proc, SocketAddr)> {
    (0..3)
        .map(|_| {
            let dir = scratch_dir();
            let port = free_port();
            let config = EXAMPLE
                .replace("port 26379", &format!("port {port}"))
                .replace("127.0.0.1 6379", &format!("{} {}", master.ip(), master.port()))
                // Quicker to act than the example, not so quick that a
                // node slowed by a busy machine counts as down.
                .replace(
                    "down-after-milliseconds mymaster 5000",
                    "down-after-milliseconds mymaster 2000",
                )
                + &format!("dir {}\n", dir.display());
            let path = dir.join("sentinel.conf");
            std::fs::write(&path, config).unwrap();
            let child = Command::new("redis-sentinel")
                .arg(&path)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start redis-sentinel");
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let up = wait_until(Duration::from_secs(10), || TcpStream::connect(addr).is_ok());
            assert!(up, "redis-sentinel did not listen on {addr}");
            (Proc(child), addr)
        })
        .collect()
}

/// The text of one field in a `SENTINEL MASTER` reply (a flat array of
/// names and values).
fn sentinel_master_field(sentinel: SocketAddr, field: &str) -> Option<String> {
    let mut c = Conn::connect(sentinel);
    let reply = c.cmd(&[b"SENTINEL", b"MASTER", MASTER_NAME.as_bytes()]);
    let text = String::from_utf8_lossy(&reply).into_owned();
    let items: Vec<&str> = text.split("\r\n").filter(|l| !l.starts_with(['*', '$'])).collect();
    items.chunks(2).find(|kv| kv[0] == field).map(|kv| kv[1].to_owned())
}

/// The master a sentinel names now.
fn sentinel_master_addr(sentinel: SocketAddr) -> Option<SocketAddr> {
    let mut c = Conn::connect(sentinel);
    let reply = c.cmd(&[b"SENTINEL", b"GET-MASTER-ADDR-BY-NAME", MASTER_NAME.as_bytes()]);
    let text = String::from_utf8_lossy(&reply).into_owned();
    let parts: Vec<&str> = text.split("\r\n").filter(|l| !l.starts_with(['*', '$'])).collect();
    match parts.as_slice() {
        [ip, port, ..] => format!("{ip}:{port}").parse().ok(),
        _ => None,
    }
}

/// Finds the master as a Sentinel-aware client does: ask the sentinels in
/// turn, then check with ROLE that the node named really is a master.
fn discover_master(sentinels: &[(Proc, SocketAddr)]) -> Option<SocketAddr> {
    for (_, s) in sentinels {
        let Some(addr) = sentinel_master_addr(*s) else { continue };
        let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
            continue;
        };
        let mut c = Conn::from_stream(stream);
        if c.try_cmd(&[b"ROLE"])
            .is_ok_and(|r| r.starts_with(b"*3\r\n$6\r\nmaster\r\n"))
        {
            return Some(addr);
        }
    }
    None
}

/// The first element of ROLE and, for a replica, its master and link state.
fn role(node: SocketAddr) -> Option<(String, Option<SocketAddr>, String)> {
    let stream = TcpStream::connect_timeout(&node, Duration::from_millis(500)).ok()?;
    let mut c = Conn::from_stream(stream);
    let text = String::from_utf8_lossy(&c.try_cmd(&[b"ROLE"]).ok()?).into_owned();
    let parts: Vec<&str> = text.split("\r\n").filter(|l| !l.starts_with(['*', '$', ':'])).collect();
    match parts.as_slice() {
        ["slave", ip, rest @ ..] => {
            let port: String = text.split("\r\n").find(|l| l.starts_with(':'))?[1..].to_owned();
            Some((
                "slave".into(),
                format!("{ip}:{port}").parse().ok(),
                rest.first()?.to_string(),
            ))
        }
        [first, ..] => Some((first.to_string(), None, String::new())),
        [] => None,
    }
}

/// True once `node` is a replica of `master` with the link up.
fn replicates(node: SocketAddr, master: SocketAddr) -> bool {
    matches!(role(node), Some((r, Some(m), state)) if r == "slave" && m == master && state == "connected")
}

fn get(node: SocketAddr, key: &str) -> Vec<u8> {
    Conn::connect(node).cmd(&[b"GET", key.as_bytes()])
}

/// Waits until every sentinel knows both replicas and the other two
/// sentinels, as a failover needs.
fn wait_for_discovery(sentinels: &[(Proc, SocketAddr)]) {
    for (_, s) in sentinels {
        let ready = wait_until(PATIENCE, || {
            sentinel_master_field(*s, "num-slaves").as_deref() == Some("2")
                && sentinel_master_field(*s, "num-other-sentinels").as_deref() == Some("2")
        });
        assert!(ready, "sentinel {s} did not find the replicas and the other sentinels");
    }
}

/// The scenario both tests share: writes through discovery, the master
/// killed, a failover to `expected` (or any replica), writes again, the
/// other replica and the restarted old master following the new master.
fn failover_scenario(mut master: Node, replicas: Vec<Node>, expected: Option<SocketAddr>) {
    // One setup at a time: two at once load the machine enough for
    // Sentinel to see a slow node as down.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let old = master.addr();
    for r in &replicas {
        let ok = wait_until(PATIENCE, || replicates(r.addr(), old));
        assert!(ok, "{} did not sync with {old}", r.addr());
    }
    let sentinels = start_sentinels(old);
    wait_for_discovery(&sentinels);

    // A client finds the master through Sentinel and writes.
    assert_eq!(discover_master(&sentinels), Some(old));
    let mut c = Conn::connect(old);
    c.expect("SET k before", b"+OK\r\n");
    c.expect("WAIT 2 5000", b":2\r\n");
    drop(c);

    master.kill();
    let mut promoted = None;
    let moved = wait_until(PATIENCE, || {
        promoted = discover_master(&sentinels).filter(|a| *a != old);
        promoted.is_some()
    });
    assert!(moved, "Sentinel did not fail over from {old}");
    let new = promoted.unwrap();
    if let Some(want) = expected {
        assert_eq!(new, want, "Sentinel promoted another replica");
    }
    assert!(replicas.iter().any(|r| r.addr() == new));

    // Every sentinel agrees, the promoted node kept the data, and the
    // client carries on writing to it.
    for (_, s) in &sentinels {
        let agreed = wait_until(PATIENCE, || sentinel_master_addr(*s) == Some(new));
        assert!(agreed, "sentinel {s} still names another master");
    }
    assert_eq!(get(new, "k"), b"$6\r\nbefore\r\n");
    let mut c = Conn::connect(discover_master(&sentinels).expect("a master"));
    c.expect("SET k after", b"+OK\r\n");

    // The other replica was reconfigured by Sentinel and follows.
    for r in replicas.iter().filter(|r| r.addr() != new) {
        let follows = wait_until(PATIENCE, || replicates(r.addr(), new));
        assert!(
            follows,
            "{} was not pointed at the new master {new}: {:?}",
            r.addr(),
            role(r.addr())
        );
        let synced = wait_until(PATIENCE, || get(r.addr(), "k") == b"$5\r\nafter\r\n");
        assert!(synced, "{} did not receive the write made after failover", r.addr());
        r.assert_config_follows(new);
    }

    // The old master comes back and Sentinel turns it into a replica of
    // the master it names then (on a loaded machine a slow node may have
    // been failed over from again meanwhile: that is Sentinel's call).
    master.restart(&[]);
    let mut current = new;
    let demoted = wait_until(PATIENCE, || {
        current = discover_master(&sentinels).unwrap_or(current);
        replicates(old, current)
    });
    assert!(
        demoted,
        "the restarted old master did not become a replica of {current}: {:?}",
        role(old)
    );
    let mut c = Conn::connect(current);
    c.expect("SET again 1", b"+OK\r\n");
    let synced = wait_until(PATIENCE, || get(old, "again") == b"$1\r\n1\r\n");
    assert!(synced, "the old master, now a replica, did not receive new writes");
    assert_eq!(get(old, "k"), b"$5\r\nafter\r\n");
    master.assert_config_follows(current);
    let mut o = master.conn();
    o.expect("SET x 1", b"-READONLY You can't write against a read only replica.\r\n");
}

#[test]
fn sentinel_fails_over_between_loopkv_servers() {
    if !tool_or_skip("redis-sentinel", "sentinel_fails_over_between_loopkv_servers") {
        return;
    }
    let master = Node::loopkv(&[]);
    let of = master.addr().port().to_string();
    let replicas = vec![
        Node::loopkv(&["--replicaof", "127.0.0.1", &of]),
        Node::loopkv(&["--replicaof", "127.0.0.1", &of]),
    ];
    failover_scenario(master, replicas, None);
}

#[test]
fn sentinel_promotes_a_redis_server_replica_of_loopkv() {
    if !tool_or_skip("redis-sentinel", "sentinel_promotes_a_redis_server_replica_of_loopkv")
        || !redis_or_skip("sentinel_promotes_a_redis_server_replica_of_loopkv")
    {
        return;
    }
    let master = Node::loopkv(&[]);
    let of = master.addr().port().to_string();
    // The lowest replica-priority wins: Sentinel picks the redis-server,
    // and the loopkv replica is reconfigured to follow it.
    let redis = Node::Redis(Redis::start_with(&[
        "--replicaof",
        "127.0.0.1",
        &of,
        "--replica-priority",
        "10",
    ]));
    let expected = redis.addr();
    let replicas = vec![
        redis,
        Node::loopkv(&["--replicaof", "127.0.0.1", &of, "--replica-priority", "100"]),
    ];
    failover_scenario(master, replicas, Some(expected));
}
