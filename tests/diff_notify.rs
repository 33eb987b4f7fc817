//! Differential tier for keyspace notifications: each script in
//! `tests/notify/` runs on an embedded loopkv and on a real redis-server,
//! with a subscriber on `__key*__:*` in both. After every command line the
//! runner publishes a sync message and reads the subscriber up to it, so
//! each command's reply *and* the exact notifications it caused (channel,
//! message, order) are compared. Active expiry is off on both servers
//! unless a script turns it on, so expired events come from lazy expiry
//! at a deterministic point.
//!
//! Script syntax: one command per line, split as redis-cli does; `#`
//! comments; `@sleep <ms>` pauses; `@skip <command>` sends the command and
//! compares its notifications but not its reply (random replies).
//! `notify-keyspace-events` starts as `KEA`; scripts change it with
//! CONFIG SET, which the runner runs on both servers like any line.

mod diff_support;

use std::time::Duration;

use diff_support::{Conn, Loopkv, Redis, V, esc, redis_or_skip, split_line};

/// One command's observable result: its reply and the notifications it
/// published, each as (channel, message).
#[derive(Debug, PartialEq)]
struct Outcome {
    reply: Vec<u8>,
    events: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A command connection and a subscriber on one server.
struct Side {
    cmd: Conn,
    sub: Conn,
    sync: u64,
}

impl Side {
    fn open(mut cmd: Conn, mut sub: Conn) -> Side {
        cmd.cmd(&[b"CONFIG", b"SET", b"notify-keyspace-events", b"KEA"]);
        cmd.cmd(&[b"DEBUG", b"SET-ACTIVE-EXPIRE", b"0"]);
        sub.cmd(&[b"PSUBSCRIBE", b"__key*__:*"]);
        sub.cmd(&[b"SUBSCRIBE", b"__sync__"]);
        cmd.set_timeout(Duration::from_secs(10));
        sub.set_timeout(Duration::from_secs(10));
        Side { cmd, sub, sync: 0 }
    }

    fn run(&mut self, args: &[&[u8]]) -> Outcome {
        let reply = self.cmd.cmd(args);
        self.sync += 1;
        let token = self.sync.to_string();
        self.cmd.cmd(&[b"PUBLISH", b"__sync__", token.as_bytes()]);
        let mut events = Vec::new();
        loop {
            let msg = self.sub.read_reply().expect("subscriber message");
            let v = V::parse(&msg);
            let items = v.items();
            match items.first().map(V::text) {
                Some(b"pmessage") => events.push((items[2].text().to_vec(), items[3].text().to_vec())),
                Some(b"message") if items[1].text() == b"__sync__" => {
                    assert_eq!(items[2].text(), token.as_bytes(), "sync messages out of order");
                    break;
                }
                _ => panic!("unexpected subscriber message {}", esc(&msg)),
            }
        }
        Outcome { reply, events }
    }
}

fn show(o: &Outcome) -> String {
    let events: Vec<String> = o.events.iter().map(|(c, m)| format!("{} {}", esc(c), esc(m))).collect();
    format!("reply {}\n      events [{}]", esc(&o.reply), events.join(", "))
}

/// Runs `tests/notify/<name>.txt` on both servers; returns the mismatches.
fn run_script(name: &str) -> Vec<String> {
    let path = format!("{}/tests/notify/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let ours = Loopkv::start_debug();
    let real = Redis::start();
    let mut a = Side::open(ours.conn(), ours.conn());
    let mut b = Side::open(real.conn(), real.conn());
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(ms) = line.strip_prefix("@sleep ") {
            std::thread::sleep(Duration::from_millis(ms.trim().parse().expect("@sleep ms")));
            continue;
        }
        let (compare_reply, rest) = match line.strip_prefix("@skip ") {
            Some(rest) => (false, rest),
            None => (true, line),
        };
        let words = split_line(rest);
        let args: Vec<&[u8]> = words.iter().map(Vec::as_slice).collect();
        let mut x = a.run(&args);
        let mut y = b.run(&args);
        if !compare_reply {
            x.reply.clear();
            y.reply.clear();
        }
        if x != y {
            failures.push(format!(
                "{name}.txt:{}: {line}\n  loopkv {}\n  redis  {}",
                n + 1,
                show(&x),
                show(&y)
            ));
        }
    }
    drop(real);
    ours.stop().unwrap();
    failures
}

fn check(name: &str) {
    if !redis_or_skip(name) {
        return;
    }
    let failures = run_script(name);
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn notify_config() {
    check("config");
}

#[test]
fn notify_strings() {
    check("strings");
}

#[test]
fn notify_keys() {
    check("keys");
}

#[test]
fn notify_hash() {
    check("hash");
}

#[test]
fn notify_set() {
    check("set");
}

#[test]
fn notify_bitops() {
    check("bitops");
}

#[test]
fn notify_sort() {
    check("sort");
}

#[test]
fn notify_list() {
    check("list");
}

#[test]
fn notify_zset() {
    check("zset");
}
