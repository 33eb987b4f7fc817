//! Stable replay of the cargo-fuzz seed corpora (`fuzz/corpus/*`): every file
//! goes through the same invariant checks the fuzz targets run, followed by
//! a few thousand deterministic mutations of them (xorshift, fixed seed).
//! Needs no nightly and no libFuzzer.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use loopkv::fuzzing::{
    check_aof_invariants, check_command_invariants, check_glob_invariants, check_parser_invariants,
    check_rdb_invariants, check_restore_invariants,
};

/// Mutated inputs generated per corpus.
const MUTATIONS: usize = 3000;

/// Bytes and tokens that steer mutations towards the interesting parts of
/// the RESP grammar, the inline tokenizer and glob patterns.
const TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\r",
    b"\n",
    b"*",
    b"$",
    b"-1",
    b"0",
    b"10",
    b"11",
    b"17",
    b"2147483648",
    b"9223372036854775807",
    b"9223372036854775808",
    b"\"",
    b"'",
    b"\\",
    b"\\x4",
    b" ",
    b"\x00",
    b"\xff",
    b"?",
    b"[",
    b"]",
    b"^",
    b"-",
];

/// Corpus files of `fuzz/corpus/<name>`, sorted by file name.
fn corpus(name: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(name);
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .filter(|path| !path.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 5, "only {} files in {}", files.len(), dir.display());
    files
}

/// Runs `check` on `data`; on a panic, fails naming the input and its bytes.
fn run(check: fn(&[u8]), label: &str, data: &[u8]) {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check(data)));
    if let Err(cause) = outcome {
        let message = cause
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| cause.downcast_ref::<&str>().copied())
            .unwrap_or("(non-string panic)");
        panic!(
            "{label}: invariant broken on input \"{}\": {message}",
            data.escape_ascii()
        );
    }
}

/// Deterministic xorshift64 generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform-enough value in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Applies one to four random edits to a copy of `base`, sometimes splicing
/// in a piece of `other`.
fn mutate(rng: &mut Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if at < data.len() => data[at] ^= 1 << rng.below(8),
            1 if at < data.len() => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data[at] = token[0];
            }
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            3 => {
                let end = (at + 1 + rng.below(8)).min(data.len());
                data.drain(at.min(end)..end);
            }
            4 => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                let piece = data[at.min(end)..end].to_vec();
                data.splice(end..end, piece);
            }
            5 if !other.is_empty() => {
                let from = rng.below(other.len());
                let to = (from + 1 + rng.below(32)).min(other.len());
                data.splice(at..at, other[from..to].iter().copied());
            }
            6 => data.truncate(at),
            _ => data.insert(at, rng.next() as u8),
        }
    }
    data
}

/// Replays the corpus, then `MUTATIONS` mutated variants of it.
fn replay(name: &str, check: fn(&[u8]), seed: u64) {
    let files = corpus(name);
    for (file, data) in &files {
        run(check, &format!("{name}/{file}"), data);
    }
    let mut rng = Rng(seed);
    for i in 0..MUTATIONS {
        let (file, base) = &files[rng.below(files.len())];
        let (_, other) = &files[rng.below(files.len())];
        let data = mutate(&mut rng, base, other);
        run(check, &format!("{name}/{file}, mutation {i}"), &data);
    }
}

#[test]
fn parser_corpus() {
    replay("parser", check_parser_invariants, 0x243f_6a88_85a3_08d3);
}

#[test]
fn glob_corpus() {
    replay("glob", check_glob_invariants, 0x1319_8a2e_0370_7344);
}

#[test]
fn rdb_corpus() {
    replay("rdb", check_rdb_invariants, 0xa409_3822_299f_31d0);
}

#[test]
fn aof_corpus() {
    replay("aof", check_aof_invariants, 0x4528_21e6_38d0_1377);
}

#[test]
fn restore_corpus() {
    replay("restore", check_restore_invariants, 0x082e_fa98_ec4e_6c89);
}

/// Command words and arguments for random command sequences: a small key
/// space shared by every type, so commands collide on keys of other types.
const WORDS: &[&str] = &[
    "BGSAVE",
    "DUMP",
    "SET",
    "GET",
    "INCR",
    "APPEND",
    "SETRANGE",
    "GETDEL",
    "GETEX",
    "DEL",
    "UNLINK",
    "EXPIRE",
    "PEXPIRE",
    "PERSIST",
    "RENAME",
    "COPY",
    "MOVE",
    "SWAPDB",
    "SELECT",
    "FLUSHDB",
    "TYPE",
    "OBJECT",
    "SCAN",
    "LPUSH",
    "RPUSH",
    "LPOP",
    "RPOP",
    "LMOVE",
    "LREM",
    "LTRIM",
    "LSET",
    "LINSERT",
    "BLPOP",
    "BLMOVE",
    "SADD",
    "SREM",
    "SPOP",
    "SMOVE",
    "SINTERSTORE",
    "SUNIONSTORE",
    "SDIFFSTORE",
    "SRANDMEMBER",
    "HSET",
    "HDEL",
    "HINCRBY",
    "HINCRBYFLOAT",
    "HRANDFIELD",
    "ZADD",
    "ZREM",
    "ZINCRBY",
    "ZPOPMIN",
    "ZPOPMAX",
    "ZRANGESTORE",
    "ZUNIONSTORE",
    "ZINTERSTORE",
    "ZDIFFSTORE",
    "ZREMRANGEBYRANK",
    "BZPOPMIN",
    "SETBIT",
    "BITOP",
    "BITFIELD",
    "SORT",
];
const ARGS: &[&str] = &[
    "k",
    "k",
    "l",
    "s",
    "h",
    "z",
    "d",
    "0",
    "1",
    "-1",
    "2",
    "3",
    "100",
    "-100",
    "0.5",
    "inf",
    "-inf",
    "a",
    "b",
    "x",
    "LEFT",
    "RIGHT",
    "BEFORE",
    "NX",
    "XX",
    "GT",
    "CH",
    "INCR",
    "WITHSCORES",
    "WEIGHTS",
    "AGGREGATE",
    "MAX",
    "ENCODING",
    "ALPHA",
    "STORE",
    "u8",
    "i4",
    "OVERFLOW",
    "FAIL",
    "AND",
    "NOT",
    "9223372036854775807",
    "-9223372036854775808",
    "",
];

/// Random command sequences (fixed seed) through the in-process command
/// layer: no panic, and the keyspace invariants hold after every command.
#[test]
fn command_corpus_and_random_sequences() {
    for (name, bytes) in corpus("commands") {
        run(check_command_invariants, &format!("commands/{name}"), &bytes);
    }
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng as usize
    };
    for round in 0..60 {
        let mut script = String::new();
        for _ in 0..80 {
            script.push_str(WORDS[next() % WORDS.len()]);
            for _ in 0..next() % 6 {
                script.push(' ');
                let arg = ARGS[next() % ARGS.len()];
                if arg.is_empty() {
                    script.push_str("\"\"")
                } else {
                    script.push_str(arg)
                }
            }
            script.push('\n');
        }
        run(
            check_command_invariants,
            &format!("random command sequence {round}"),
            script.as_bytes(),
        );
    }
}
