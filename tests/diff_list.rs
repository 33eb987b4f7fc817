//! Differential tier for lists: tests/diff/list.txt goes, as raw RESP, to
//! an embedded loopkv and to a real `redis-server` from PATH, once in
//! RESP2 and once after HELLO 3, and the raw reply bytes must be equal.
//! Every mismatch is collected and the test fails once with the list.
//!
//! Without redis-server on PATH the test says so and passes, unless
//! LOOPKV_REQUIRE_REDIS=1 (see `redis_or_skip`).

mod diff_support;

use diff_support::{Conn, Loopkv, Redis, Rng, esc, redis_or_skip, split_line};

const SCRIPT: &str = include_str!("diff/list.txt");

/// One connection to each server and the mismatches found so far.
struct Pair {
    rc: Conn,
    lc: Conn,
    mismatches: Vec<String>,
    compared: usize,
}

impl Pair {
    /// Sends `args` to both and compares the replies unless `compare` is
    /// false.
    fn run(&mut self, args: &[Vec<u8>], compare: bool) {
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let shown = args.iter().map(|a| esc(a)).collect::<Vec<_>>().join(" ");
        let r = self
            .rc
            .try_cmd(&refs)
            .map(|b| esc(&b))
            .unwrap_or_else(|e| format!("<{e}>"));
        let l = self
            .lc
            .try_cmd(&refs)
            .map(|b| esc(&b))
            .unwrap_or_else(|e| format!("<{e}>"));
        if compare {
            self.compared += 1;
            if r != l {
                self.mismatches
                    .push(format!("{shown}\n    redis : {r}\n    loopkv: {l}"));
            }
        }
    }

    /// Runs a script: one command a line, `#` comments, `skip> ` to send
    /// without comparing.
    fn script(&mut self, text: &str) {
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.strip_prefix("skip> ") {
                Some(rest) => self.run(&split_line(rest), false),
                None => self.run(&split_line(line), true),
            }
        }
    }
}

#[test]
fn list_commands_match_redis() {
    if !redis_or_skip("diff_list") {
        return;
    }
    let redis = Redis::start();
    let lk = Loopkv::start(&[("enable-debug-command", "yes")]);
    let mut p = Pair {
        rc: redis.conn(),
        lc: lk.conn(),
        mismatches: Vec::new(),
        compared: 0,
    };
    p.script(SCRIPT);
    p.script("skip> HELLO 3");
    p.script(SCRIPT);
    eprintln!(
        "[list] {} replies compared, {} mismatches",
        p.compared,
        p.mismatches.len()
    );
    assert!(
        p.mismatches.is_empty(),
        "{} mismatch(es) between redis-server and loopkv:\n{}",
        p.mismatches.len(),
        p.mismatches.join("\n")
    );
}

// ---- seeded random command sequences ---------------------------------------------

/// Keys shared by every type, so WRONGTYPE shows up.
const KEYS: &[&str] = &["k0", "k1", "k2", "k3"];

/// An element: mostly one of a few short ones, now and then a long one.
fn element(rng: &mut Rng) -> String {
    match rng.below(14) {
        0 => "e".repeat(70),
        1 => String::new(),
        2 => "-7".into(),
        3 => "9223372036854775807".into(),
        n => format!("e{}", n % 5),
    }
}

/// An index, count or rank, valid or not.
fn index(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => rng
            .pick(&["x", "", "1.5", "9223372036854775807", "-9223372036854775808"])
            .into(),
        _ => (rng.below(21) as i64 - 10).to_string(),
    }
}

fn side(rng: &mut Rng) -> String {
    rng.pick(&["LEFT", "RIGHT", "left", "right", "UP"]).into()
}

/// One random list command over `KEYS`.
fn random_list_command(rng: &mut Rng) -> Vec<String> {
    let key = rng.pick(KEYS).to_string();
    let mut w: Vec<String> = Vec::new();
    match rng.below(30) {
        0..=5 => {
            w.push(
                rng.pick(&["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"])
                    .into(),
            );
            w.push(key);
            for _ in 0..rng.below(4) {
                w.push(element(rng));
            }
        }
        6 | 7 => {
            w.extend([rng.pick(&["LPOP", "RPOP"]).into(), key]);
            if rng.below(2) == 0 {
                w.push(index(rng));
            }
        }
        8 => w.extend(["LLEN".into(), key]),
        9 => w.extend(["LINDEX".into(), key, index(rng)]),
        10 => w.extend(["LSET".into(), key, index(rng), element(rng)]),
        11 | 12 => w.extend(["LRANGE".into(), key, index(rng), index(rng)]),
        13 => w.extend(["LTRIM".into(), key, index(rng), index(rng)]),
        14 => {
            let place = rng.pick(&["BEFORE", "AFTER", "after", "MIDDLE"]).into();
            w.extend(["LINSERT".into(), key, place, element(rng), element(rng)]);
        }
        15 => w.extend(["LREM".into(), key, index(rng), element(rng)]),
        16 => {
            w.extend(["LPOS".into(), key, element(rng)]);
            for _ in 0..rng.below(3) {
                w.push(rng.pick(&["RANK", "COUNT", "MAXLEN", "rank", "BOGUS"]).into());
                w.push(index(rng));
            }
        }
        17 => {
            let dst = rng.pick(KEYS).into();
            w.extend(["LMOVE".into(), key, dst, side(rng), side(rng)]);
        }
        18 => w.extend(["RPOPLPUSH".into(), key, rng.pick(KEYS).into()]),
        19 => {
            let n = rng.below(3) + 1;
            w.extend(["LMPOP".into(), rng.pick(&["1", "2", "3", "0", "x"]).into()]);
            for _ in 0..n {
                w.push(rng.pick(KEYS).into());
            }
            w.push(side(rng));
            if rng.below(2) == 0 {
                w.extend(["COUNT".into(), index(rng)]);
            }
        }
        20 => {
            // Blocking pops with a short or invalid timeout: an empty key
            // makes both servers wait and then reply null.
            w.extend([rng.pick(&["BLPOP", "BRPOP"]).into(), key]);
            w.push(rng.pick(&["0.01", "0.01", "-1", "x"]).into());
        }
        21 => {
            let dst = rng.pick(KEYS).into();
            let timeout = rng.pick(&["0.01", "-1"]).into();
            w.extend(["BLMOVE".into(), key, dst, side(rng), side(rng), timeout]);
        }
        22 => w.extend(["OBJECT".into(), "ENCODING".into(), key]),
        23 => w.extend(["TYPE".into(), key]),
        24 => w.extend(["DEL".into(), key]),
        25 => w.extend(["SET".into(), key, element(rng)]),
        26 => w.extend(["HSET".into(), key, "f".into(), element(rng)]),
        27 => w.extend(["SADD".into(), key, element(rng)]),
        28 => w.extend(["ZADD".into(), key, "1".into(), element(rng)]),
        _ => w.extend(["EXISTS".into(), key]),
    }
    w
}

/// Fixed seeds, each run with the default list node size and with a tiny
/// one (two entries a node), the last in RESP3.
const SEEDS: &[u64] = &[0x2545_f491_4f6c_dd1d, 0x9e37_79b9_7f4a_7c15, 12345];

#[test]
fn list_random_sequences() {
    if !redis_or_skip("diff_list") {
        return;
    }
    let redis = Redis::start();
    let lk = Loopkv::start(&[("enable-debug-command", "yes")]);
    let mut p = Pair {
        rc: redis.conn(),
        lc: lk.conn(),
        mismatches: Vec::new(),
        compared: 0,
    };
    for (i, &seed) in SEEDS.iter().enumerate() {
        for size in ["-2", "2"] {
            p.script(&format!("skip> FLUSHALL\nCONFIG SET list-max-listpack-size {size}"));
            if i + 1 == SEEDS.len() && size == "2" {
                p.script("skip> HELLO 3");
            }
            let mut rng = Rng(seed);
            for _ in 0..1500 {
                let args: Vec<Vec<u8>> = random_list_command(&mut rng)
                    .into_iter()
                    .map(String::into_bytes)
                    .collect();
                p.run(&args, true);
            }
        }
    }
    eprintln!(
        "[list-random] {} replies compared, {} mismatches",
        p.compared,
        p.mismatches.len()
    );
    assert!(
        p.mismatches.is_empty(),
        "{} mismatch(es) between redis-server and loopkv:\n{}",
        p.mismatches.len(),
        p.mismatches.join("\n")
    );
}
