//! Differential tier for SORT and SORT_RO: the script in `diff/sort.txt`
//! goes, as raw RESP, to an embedded loopkv and to a real `redis-server`
//! from PATH, and every reply must be equal byte for byte (`sorted>` sorts
//! an array reply first, for set members in table order). The script runs
//! twice, the second time with small listpack/intset limits so sources
//! come in their big encodings. Then a seeded random mix of SORT options
//! over lists, intsets and sorted sets is compared the same way. Without
//! redis-server on PATH the test says so and passes (unless
//! LOOPKV_REQUIRE_REDIS=1).

mod diff_support;

use std::io::Write;

use diff_support::{Conn, Loopkv, Redis, V, encode, esc, redis_or_skip, split_line};

/// Sends each (sort-first?, command) to both servers; returns (replies
/// compared, mismatches).
fn run(redis: &Redis, lk: &Loopkv, commands: impl Iterator<Item = (bool, Vec<Vec<u8>>)>) -> (usize, Vec<String>) {
    let (mut rc, mut lc): (Conn, Conn) = (redis.conn(), lk.conn());
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (sorted, args) in commands {
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let bytes = encode(&refs);
        rc.stream.write_all(&bytes).unwrap();
        lc.stream.write_all(&bytes).unwrap();
        let (mut r, mut l) = (
            rc.read_reply().expect("redis reply"),
            lc.read_reply().expect("loopkv reply"),
        );
        if sorted && r.first() == Some(&b'*') {
            for reply in [&mut r, &mut l] {
                let mut v = V::parse(reply);
                if let Some(items) = v.items_mut() {
                    items.sort();
                }
                *reply = v.to_bytes();
            }
        }
        compared += 1;
        if r != l {
            let shown: Vec<String> = args.iter().map(|a| esc(a)).collect();
            mismatches.push(format!(
                "{}\n    redis : {}\n    loopkv: {}",
                shown.join(" "),
                esc(&r),
                esc(&l)
            ));
        }
    }
    (compared, mismatches)
}

fn check(label: &str, compared: usize, mismatches: Vec<String>) {
    eprintln!("[{label}] {compared} replies compared, {} mismatches", mismatches.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatch(es) between redis-server and loopkv:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

fn script(text: &str) -> impl Iterator<Item = (bool, Vec<Vec<u8>>)> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.strip_prefix("sorted> ") {
            Some(rest) => (true, split_line(rest)),
            None => (false, split_line(l)),
        })
}

fn script_test(label: &str, extra: &[(&str, &str)]) {
    if !redis_or_skip(label) {
        return;
    }
    let args: Vec<String> = extra
        .iter()
        .flat_map(|(k, v)| [format!("--{k}"), v.to_string()])
        .collect();
    let redis = Redis::start_with(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let lk = Loopkv::start(extra);
    let (compared, mismatches) = run(&redis, &lk, script(include_str!("diff/sort.txt")));
    check(label, compared, mismatches);
}

#[test]
fn sort_script() {
    script_test("sort", &[]);
}

#[test]
fn sort_script_big_encodings() {
    script_test(
        "sort-big",
        &[
            ("zset-max-listpack-entries", "1"),
            ("set-max-intset-entries", "2"),
            ("hash-max-listpack-entries", "1"),
        ],
    );
}

/// A small xorshift generator, so the random mix is the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Random SORTs over a list, an intset and a sorted set of small numbers,
/// with weights w_N and hashes h_N for every element. Weights are
/// distinct, so no order depends on how ties are broken: Redis sorts a
/// LIMIT window with its own (unstable) partial quicksort, so the order of
/// ALPHA BY ties — elements whose BY keys are missing or equal — is its own.
#[test]
fn sort_random_mix() {
    if !redis_or_skip("sort-random") {
        return;
    }
    let (redis, lk) = (Redis::start(), Loopkv::start(&[]));
    let mut rng = Rng(0x50f7_2024);
    let mut setup: Vec<String> = vec!["FLUSHALL".into()];
    let n = 40;
    let mut perm: Vec<u64> = (0..n).collect();
    for i in (1..perm.len()).rev() {
        perm.swap(i, rng.below(i as u64 + 1) as usize);
    }
    for (i, w) in perm.iter().enumerate() {
        setup.push(format!("RPUSH l {}", rng.below(n)));
        setup.push(format!("SADD s {}", rng.below(n)));
        setup.push(format!("ZADD z {} m{}", rng.below(10), i));
        setup.push(format!("SET w_{i} {w}"));
        setup.push(format!("HSET h_{i} f v{w:03} n {}", n - w));
    }
    for i in 0..n {
        setup.push(format!("SET w_m{i} {}", perm[i as usize] * 3));
    }
    let mut commands: Vec<(bool, Vec<Vec<u8>>)> = setup.iter().map(|l| (false, split_line(l))).collect();
    for _ in 0..3000 {
        let key = ["l", "s", "z"][rng.below(3) as usize];
        let mut line = format!("SORT {key}");
        let alpha = rng.below(3) == 0;
        match rng.below(5) {
            0 if key != "z" => line.push_str(" BY w_*"),
            1 if key != "z" => line.push_str(" BY h_*->n"),
            2 if key != "z" && alpha => line.push_str(" BY h_*->f"),
            3 if key != "s" => line.push_str(" BY nosort"),
            _ if key == "z" => line.push_str(" BY w_*"),
            _ => {}
        }
        if rng.below(2) == 0 {
            line.push_str(&format!(
                " LIMIT {} {}",
                rng.below(50) as i64 - 5,
                rng.below(50) as i64 - 5
            ));
        }
        for _ in 0..rng.below(3) {
            line.push_str([" GET #", " GET w_*", " GET h_*->f", " GET nosuch_*"][rng.below(4) as usize]);
        }
        if rng.below(2) == 0 {
            line.push_str(" DESC");
        }
        if alpha {
            line.push_str(" ALPHA");
        }
        if rng.below(4) == 0 {
            line.push_str(" STORE dst");
            commands.push((false, split_line(&line)));
            commands.push((false, split_line("LRANGE dst 0 -1")));
        } else {
            commands.push((false, split_line(&line)));
        }
    }
    let (compared, mismatches) = run(&redis, &lk, commands.into_iter());
    check("sort-random", compared, mismatches);
}
