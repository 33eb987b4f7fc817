//! Keyspace notifications of blocking commands served later by another
//! client's write, compared with a real redis-server. Each scenario runs
//! on an embedded loopkv and on Redis: clients block (BLPOP, BLMOVE,
//! BZPOPMIN, BLMPOP, ...), another client writes, and the replies plus the
//! whole sequence of events a subscriber on `__key*__:*` saw (up to a sync
//! PUBLISH) must be equal. Redis publishes the writer's events first, then
//! those of each client it serves, in the order they blocked.
//!
//! A second test checks where a command's events fall relative to its own
//! reply for a RESP3 client subscribed to them on the same connection.

mod diff_support;

use std::time::Duration;

use diff_support::{Conn, Loopkv, Redis, V, esc, redis_or_skip, split_line, wait_until};

/// One step of a scenario, for client number `.0` (all clients use
/// database 9, so the events name `__keyspace@9__`).
enum Step {
    /// Runs a command and records its reply.
    Run(usize, &'static str),
    /// Sends a blocking command and waits until the server counts one
    /// more blocked client.
    Block(usize, &'static str),
    /// Reads and records the reply a blocked client got when served.
    Served(usize),
}

use Step::{Block, Run, Served};

/// What a scenario observed on one server.
#[derive(Debug, PartialEq)]
struct Outcome {
    replies: Vec<(usize, Vec<u8>)>,
    events: Vec<(Vec<u8>, Vec<u8>)>,
}

fn args_of(line: &str) -> Vec<Vec<u8>> {
    split_line(line)
}

fn run_cmd(c: &mut Conn, line: &str) -> Vec<u8> {
    let words = args_of(line);
    let args: Vec<&[u8]> = words.iter().map(Vec::as_slice).collect();
    c.cmd(&args)
}

fn blocked_clients(admin: &mut Conn) -> usize {
    let info = admin.cmd(&[b"INFO", b"clients"]);
    let text = String::from_utf8_lossy(V::parse(&info).text()).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("blocked_clients:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("blocked_clients in INFO clients")
}

/// Runs `steps` with `clients` fresh connections on the server that
/// `connect` reaches, events `KEAn` (new keys too).
fn run_scenario(connect: &dyn Fn() -> Conn, clients: usize, steps: &[Step]) -> Outcome {
    let mut admin = connect();
    run_cmd(&mut admin, "FLUSHALL");
    run_cmd(&mut admin, "CONFIG SET notify-keyspace-events KEAn");
    let mut sub = connect();
    sub.cmd(&[b"PSUBSCRIBE", b"__key*__:*"]);
    sub.cmd(&[b"SUBSCRIBE", b"__sync__"]);
    let mut conns: Vec<Conn> = (0..clients).map(|_| connect()).collect();
    for c in &mut conns {
        assert_eq!(run_cmd(c, "SELECT 9"), b"+OK\r\n");
    }
    let mut blocked = 0;
    let mut replies = Vec::new();
    for step in steps {
        match *step {
            Run(i, line) => replies.push((i, run_cmd(&mut conns[i], line))),
            Block(i, line) => {
                let words = args_of(line);
                let args: Vec<&[u8]> = words.iter().map(Vec::as_slice).collect();
                conns[i].send(&args);
                blocked += 1;
                let registered = wait_until(Duration::from_secs(10), || blocked_clients(&mut admin) == blocked);
                assert!(registered, "{line}: never counted as blocked");
            }
            Served(i) => {
                replies.push((i, conns[i].read_reply().expect("served reply")));
                blocked -= 1;
            }
        }
    }
    assert_eq!(blocked_clients(&mut admin), blocked, "blocked clients at the end");
    admin.cmd(&[b"PUBLISH", b"__sync__", b"end"]);
    let mut events = Vec::new();
    loop {
        let msg = sub.read_reply().expect("subscriber message");
        let v = V::parse(&msg);
        let items = v.items();
        match items.first().map(V::text) {
            Some(b"pmessage") => events.push((items[2].text().to_vec(), items[3].text().to_vec())),
            Some(b"message") => break,
            _ => panic!("unexpected subscriber message {}", esc(&msg)),
        }
    }
    Outcome { replies, events }
}

fn show(o: &Outcome) -> String {
    let replies: Vec<String> = o.replies.iter().map(|(i, r)| format!("{i}: {}", esc(r))).collect();
    let events: Vec<String> = o.events.iter().map(|(c, m)| format!("{} {}", esc(c), esc(m))).collect();
    format!(
        "replies [{}]\n    events\n      {}",
        replies.join(", "),
        events.join("\n      ")
    )
}

/// (name, number of clients, steps)
type Scenario = (&'static str, usize, &'static [Step]);

const SCENARIOS: &[Scenario] = &[
    (
        "blpop served by rpush, emptying the list",
        2,
        &[Block(1, "BLPOP k 0"), Run(0, "RPUSH k a"), Served(1)],
    ),
    (
        "brpop on two keys, the second pushed with several elements",
        2,
        &[Block(1, "BRPOP k1 k2 0"), Run(0, "LPUSH k2 a b c"), Served(1)],
    ),
    (
        "two blpop waiters on one key, in the order they blocked",
        3,
        &[
            Block(1, "BLPOP q 0"),
            Block(2, "BLPOP q 0"),
            Run(0, "RPUSH q 1 2 3"),
            Served(1),
            Served(2),
        ],
    ),
    (
        "one element for two waiters: the second stays blocked",
        3,
        &[
            Block(1, "BLPOP q 0"),
            Block(2, "BLPOP q 0"),
            Run(0, "RPUSH q 1"),
            Served(1),
            Run(0, "RPUSH q 2"),
            Served(2),
        ],
    ),
    (
        "blmove: push on the destination, then pop on the source",
        2,
        &[
            Block(1, "BLMOVE src dst RIGHT LEFT 0"),
            Run(0, "LPUSH src a"),
            Served(1),
        ],
    ),
    (
        "brpoplpush onto an existing destination, source left non-empty",
        2,
        &[
            Run(0, "RPUSH dst x"),
            Block(1, "BRPOPLPUSH src dst 0"),
            Run(0, "RPUSH src a b"),
            Served(1),
        ],
    ),
    (
        "blmove chain: the second waiter is served by the first one's push",
        3,
        &[
            Block(1, "BLMOVE a b LEFT RIGHT 0"),
            Block(2, "BLMOVE b c LEFT RIGHT 0"),
            Run(0, "RPUSH a v"),
            Served(1),
            Served(2),
        ],
    ),
    (
        "blmove whose destination holds another type",
        2,
        &[
            Run(0, "SET dst str"),
            Block(1, "BLMOVE src dst LEFT LEFT 0"),
            Run(0, "RPUSH src a"),
            Served(1),
        ],
    ),
    (
        "blmpop with a count",
        2,
        &[
            Block(1, "BLMPOP 0 2 m1 m2 LEFT COUNT 2"),
            Run(0, "RPUSH m2 a b c"),
            Served(1),
        ],
    ),
    (
        "blmpop with a count over the length empties the list",
        2,
        &[
            Block(1, "BLMPOP 0 1 m RIGHT COUNT 10"),
            Run(0, "RPUSH m a b"),
            Served(1),
        ],
    ),
    (
        "blpop served by another list's lmove",
        2,
        &[
            Run(0, "RPUSH from x y"),
            Block(1, "BLPOP k 0"),
            Run(0, "LMOVE from k LEFT RIGHT"),
            Served(1),
        ],
    ),
    (
        "blpop served after exec: every queued push first",
        2,
        &[
            Block(1, "BLPOP k 0"),
            Run(0, "MULTI"),
            Run(0, "RPUSH k a"),
            Run(0, "RPUSH k b"),
            Run(0, "EXEC"),
            Served(1),
        ],
    ),
    (
        "bzpopmin served by zadd, emptying the set",
        2,
        &[Block(1, "BZPOPMIN z 0"), Run(0, "ZADD z 1 a"), Served(1)],
    ),
    (
        "bzpopmax on two keys",
        2,
        &[Block(1, "BZPOPMAX z1 z2 0"), Run(0, "ZADD z2 1 a 2 b"), Served(1)],
    ),
    (
        "bzmpop with a count",
        2,
        &[
            Block(1, "BZMPOP 0 1 z MIN COUNT 2"),
            Run(0, "ZADD z 1 a 2 b 3 c"),
            Served(1),
        ],
    ),
    (
        "bzpopmin served by zunionstore onto the waited key",
        2,
        &[
            Run(0, "ZADD in 1 a 2 b"),
            Block(1, "BZPOPMIN out 0"),
            Run(0, "ZUNIONSTORE out 1 in"),
            Served(1),
        ],
    ),
    (
        "bzpopmin served by zincrby",
        2,
        &[Block(1, "BZPOPMIN z 0"), Run(0, "ZINCRBY z 5 m"), Served(1)],
    ),
];

#[test]
fn served_blocked_clients_publish_as_redis() {
    if !redis_or_skip("notify_blocking") {
        return;
    }
    let ours = Loopkv::start_debug();
    let real = Redis::start();
    let mut failures = Vec::new();
    for (name, clients, steps) in SCENARIOS {
        let x = run_scenario(&|| ours.conn(), *clients, steps);
        let y = run_scenario(&|| real.conn(), *clients, steps);
        if x != y {
            failures.push(format!("{name}\n  loopkv {}\n  redis  {}", show(&x), show(&y)));
        }
    }
    drop(real);
    ours.stop().unwrap();
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs `lines` on one RESP3 connection subscribed to its own keyspace
/// events; returns, per line, the bytes received up to the PONG that
/// follows it (the reply and the event pushes, in the order sent). A line
/// starting `~ ` is setup whose bytes are not returned.
fn own_events(conn: &mut Conn, classes: &str, lines: &[&str]) -> Vec<(String, String)> {
    run_cmd(conn, "HELLO 3");
    run_cmd(conn, &format!("CONFIG SET notify-keyspace-events {classes}"));
    run_cmd(conn, "SELECT 9");
    run_cmd(conn, "FLUSHDB");
    run_cmd(conn, "PSUBSCRIBE __keyspace@9__:*");
    lines
        .iter()
        .filter_map(|&line| {
            let (compared, line) = match line.strip_prefix("~ ") {
                Some(rest) => (false, rest),
                None => (true, line),
            };
            let mut got = run_cmd(conn, line);
            conn.send(&[b"PING"]);
            loop {
                let r = conn.read_reply().expect("reply");
                if r == b"+PONG\r\n" {
                    break;
                }
                got.extend_from_slice(&r);
            }
            compared.then(|| (line.to_string(), esc(&got)))
        })
        .collect()
}

#[test]
fn own_events_and_reply_in_redis_order() {
    if !redis_or_skip("notify_blocking") {
        return;
    }
    let lines = [
        "RPUSH l a b c",
        "LPUSHX l z",
        "LINSERT l BEFORE a x",
        "LSET l 0 y",
        "LPOP l",
        "RPOP l 2",
        "LREM l 0 x",
        "LTRIM l 0 0",
        "RPUSH l a",
        "LMOVE l m LEFT RIGHT",
        "RPOPLPUSH m l",
        "LMPOP 1 l LEFT COUNT 5",
        "ZADD z 1 a 2 b 3 c",
        "ZINCRBY z 1 a",
        "ZREM z a",
        "ZPOPMIN z",
        "ZREMRANGEBYRANK z 0 0",
        "ZADD z 1 a 2 b",
        "ZUNIONSTORE u 1 z",
        "ZRANGESTORE r z 0 0",
        "ZINTERSTORE u 2 z nosuch",
        "ZMPOP 1 z MAX COUNT 5",
        "RPUSH l a",
        "BLPOP l 0",
        "ZADD z 1 a 2 b 3 c",
        "BZPOPMAX z 0",
        "BZMPOP 0 1 z MIN COUNT 5",
        "ZADD z INCR 1 a",
        "ZADD z NX 5 a",
        // A key the lookup expires is reported before the pop's reply.
        "DEBUG SET-ACTIVE-EXPIRE 0",
        "ZADD e 1 a",
        "ZADD f 1 b",
        "~ PEXPIRE e 5",
        "DEBUG SLEEP 0.02",
        "BZPOPMIN e f 0",
    ];
    let ours = Loopkv::start_debug();
    let real = Redis::start();
    let x = own_events(&mut ours.conn(), "KEA", &lines);
    let y = own_events(&mut real.conn(), "KEA", &lines);
    drop(real);
    ours.stop().unwrap();
    let diffs: Vec<String> = x
        .iter()
        .zip(&y)
        .filter(|(a, b)| a != b)
        .map(|((line, a), (_, b))| format!("{line}\n  loopkv {a}\n  redis  {b}"))
        .collect();
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n"));
}

#[test]
fn own_new_key_events_come_before_the_reply() {
    // Redis publishes `new` from dbAdd, before commands that reply before
    // their own event (LPUSH, HSET, ZADD, the STOREs) add their reply.
    if !redis_or_skip("notify_blocking") {
        return;
    }
    let lines = [
        "LPUSH l a",
        "LPUSH l b",
        "RPUSH r a",
        "HSET h f v",
        "HINCRBYFLOAT hf f 1.5",
        "SADD s m",
        "ZADD z 1 a",
        "ZINCRBY zi 1 a",
        "ZUNIONSTORE u 1 z",
        "SUNIONSTORE su s",
        "SET k v",
        "INCR n",
        "APPEND ap x",
        "SETBIT b 7 1",
        "LMOVE l dst LEFT RIGHT",
        "SMOVE s s2 m",
        "COPY k k2",
        "RENAME k k3",
    ];
    let ours = Loopkv::start_debug();
    let real = Redis::start();
    let x = own_events(&mut ours.conn(), "KEAn", &lines);
    let y = own_events(&mut real.conn(), "KEAn", &lines);
    drop(real);
    ours.stop().unwrap();
    let diffs: Vec<String> = x
        .iter()
        .zip(&y)
        .filter(|(a, b)| a != b)
        .map(|((line, a), (_, b))| format!("{line}\n  loopkv {a}\n  redis  {b}"))
        .collect();
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n"));
}
