//! Differential tier for the bitmap commands: the script in
//! `diff/bitops.txt` goes, as raw RESP, to an embedded loopkv and to a
//! real `redis-server` from PATH, and every reply must be equal byte for
//! byte; then a seeded random mix of SETBIT, BITFIELD, BITCOUNT, BITPOS and
//! BITOP over a few keys is compared the same way. Without redis-server on
//! PATH the test says so and passes (unless LOOPKV_REQUIRE_REDIS=1).

mod diff_support;

use std::io::Write;

use diff_support::{Conn, Loopkv, Redis, encode, esc, redis_or_skip, split_line};

/// Sends each command to both servers; returns (replies compared, mismatches).
fn run(redis: &Redis, lk: &Loopkv, commands: impl Iterator<Item = Vec<Vec<u8>>>) -> (usize, Vec<String>) {
    let (mut rc, mut lc): (Conn, Conn) = (redis.conn(), lk.conn());
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for args in commands {
        let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
        let bytes = encode(&refs);
        rc.stream.write_all(&bytes).unwrap();
        lc.stream.write_all(&bytes).unwrap();
        let r = rc.read_reply().expect("redis reply");
        let l = lc.read_reply().expect("loopkv reply");
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

#[test]
fn bitops_script() {
    if !redis_or_skip("bitops") {
        return;
    }
    let (redis, lk) = (Redis::start(), Loopkv::start_debug());
    let lines = include_str!("diff/bitops.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(split_line);
    let (compared, mismatches) = run(&redis, &lk, lines);
    check("bitops", compared, mismatches);
}

/// A small xorshift generator, so the random mix is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A small signed number, or now and then an extreme one.
    fn int(&mut self) -> i64 {
        match self.below(8) {
            0 => i64::MAX - self.below(3) as i64,
            1 => i64::MIN + self.below(3) as i64,
            2 => self.next() as i64,
            _ => self.below(600) as i64 - 300,
        }
    }
}

/// One random bitmap command over keys k0..k2 (offsets kept under 300 bits).
fn random_command(rng: &mut Rng) -> Vec<Vec<u8>> {
    let key = format!("k{}", rng.below(3));
    let mut words: Vec<String> = Vec::new();
    let typ = |rng: &mut Rng| {
        if rng.below(2) == 0 {
            format!("i{}", 1 + rng.below(64))
        } else {
            format!("u{}", 1 + rng.below(63))
        }
    };
    let offset = |rng: &mut Rng| {
        if rng.below(4) == 0 {
            format!("#{}", rng.below(5))
        } else {
            rng.below(300).to_string()
        }
    };
    let range = |rng: &mut Rng, words: &mut Vec<String>| {
        words.push((rng.below(80) as i64 - 40).to_string());
        words.push((rng.below(80) as i64 - 40).to_string());
        if rng.below(2) == 0 {
            words.push(if rng.below(2) == 0 { "BIT" } else { "BYTE" }.to_string());
        }
    };
    match rng.below(8) {
        0 => words.extend([
            "SETBIT".into(),
            key,
            rng.below(300).to_string(),
            rng.below(2).to_string(),
        ]),
        1 | 2 => {
            words.extend(["BITFIELD".into(), key]);
            for _ in 0..1 + rng.below(4) {
                match rng.below(5) {
                    0 => words.extend(["GET".into(), typ(rng), offset(rng)]),
                    1 => words.extend(["SET".into(), typ(rng), offset(rng), rng.int().to_string()]),
                    2 | 3 => words.extend(["INCRBY".into(), typ(rng), offset(rng), rng.int().to_string()]),
                    _ => words.extend(["OVERFLOW".into(), ["WRAP", "SAT", "FAIL"][rng.below(3) as usize].into()]),
                }
            }
        }
        3 => {
            words.extend(["BITCOUNT".into(), key]);
            if rng.below(4) != 0 {
                range(rng, &mut words);
            }
        }
        4 => {
            words.extend(["BITPOS".into(), key, rng.below(2).to_string()]);
            match rng.below(3) {
                0 => {}
                1 => words.push((rng.below(80) as i64 - 40).to_string()),
                _ => range(rng, &mut words),
            }
        }
        5 => {
            let op = ["AND", "OR", "XOR", "NOT"][rng.below(4) as usize];
            words.extend(["BITOP".into(), op.into(), format!("k{}", rng.below(3)), key]);
            if op != "NOT" {
                words.push(format!("k{}", rng.below(3)));
            }
        }
        6 => {
            // Runs of all-ones and all-zero bytes make BITPOS work hardest.
            let value: Vec<u8> = (0..rng.below(40))
                .map(|_| [0x00, 0xff, rng.next() as u8][rng.below(3) as usize])
                .collect();
            return vec![b"SET".to_vec(), key.into_bytes(), value];
        }
        _ => words.extend(["GET".into(), key]),
    }
    words.into_iter().map(String::into_bytes).collect()
}

#[test]
fn bitops_random_mix() {
    if !redis_or_skip("bitops-random") {
        return;
    }
    let (redis, lk) = (Redis::start(), Loopkv::start_debug());
    let mut rng = Rng(0x5eed_b175);
    let commands: Vec<Vec<Vec<u8>>> = (0..6000).map(|_| random_command(&mut rng)).collect();
    let (compared, mismatches) = run(&redis, &lk, commands.into_iter());
    check("bitops-random", compared, mismatches);
}
