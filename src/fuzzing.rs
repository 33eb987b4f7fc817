//! Invariant checks shared by the cargo-fuzz targets in `fuzz/` and the
//! stable replay test `tests/fuzz_corpus.rs`.
//!
//! Each `check_*` function takes arbitrary bytes, drives one entry point with
//! them and panics (with a message naming the broken invariant) if the entry
//! point misbehaves. Living in the library lets `cargo test` on stable replay
//! the fuzz corpora through exactly the checks the fuzzer runs.

use crate::resp::parse::{INLINE_MAX, Parser, ProtocolError, Status};
use crate::util::glob::string_match;

/* ---------------------------------------------------------------------------
 * Request parser
 * ------------------------------------------------------------------------- */

/// Redis's default `proto-max-bulk-len`.
const DEFAULT_MAX_BULK: i64 = 512 * 1024 * 1024;

/// Inputs up to this size are also fed one byte at a time (every possible
/// resume point); larger ones only at sampled split points, to keep each
/// fuzz iteration fast.
const BYTEWISE_MAX: usize = 4096;

/// Inputs up to this size have every prefix parsed on its own; larger ones
/// only sampled prefixes.
const ALL_PREFIXES_MAX: usize = 256;

/// Inputs up to this size are split at every point; larger ones at sampled
/// points.
const ALL_SPLITS_MAX: usize = 64;

/// One thing the parser reported, with the argument bytes copied out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Command { len: usize, args: Vec<Vec<u8>> },
    Empty { len: usize },
}

/// Everything a connection would see when fed some bytes.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    events: Vec<Event>,
    /// `None`: the remaining bytes are an incomplete frame.
    error: Option<ProtocolError>,
    /// Bytes consumed by the reported events.
    consumed: usize,
}

/// A parser configuration to check: `proto-max-bulk-len` and whether the
/// client is still unauthenticated.
#[derive(Debug, Clone, Copy)]
struct Config {
    max_bulk: i64,
    unauthenticated: bool,
}

const CONFIGS: [Config; 2] = [
    Config {
        max_bulk: DEFAULT_MAX_BULK,
        unauthenticated: false,
    },
    Config {
        max_bulk: 16,
        unauthenticated: true,
    },
];

/// Feeds `data` to the request parser and panics if an invariant breaks:
///
/// * no panic, and every `Status` makes progress (`len > 0`);
/// * a reported `len` never exceeds the unconsumed bytes;
/// * a command has at least one argument and every argument range lies
///   within its frame;
/// * once all bytes are consumed the parser is between frames;
/// * feeding the input in two pieces (resuming on the grown buffer), or one
///   byte at a time, reports the same events, error and consumed length as
///   feeding it whole;
/// * a fresh parse of any prefix reports a prefix of those events, and an
///   error only if the whole input ends in that same error there.
///
/// The split and prefix checks are skipped for inputs above `INLINE_MAX`:
/// there the "too big" limits legitimately depend on how much was buffered
/// when the parser looked (Redis behaves the same way).
pub fn check_parser_invariants(data: &[u8]) {
    for config in CONFIGS {
        check_parser_config(data, config);
    }
}

fn check_parser_config(data: &[u8], config: Config) {
    let n = data.len();
    let whole = feed(data, &[n], config);
    if n > INLINE_MAX {
        return;
    }

    for cut in split_points(data, ALL_SPLITS_MAX) {
        let split = feed(data, &[cut, n], config);
        assert_eq!(split, whole, "{config:?}: split at {cut} differs from whole");
    }
    if n <= BYTEWISE_MAX {
        let cuts: Vec<usize> = (1..=n).collect();
        let bytewise = feed(data, &cuts, config);
        assert_eq!(bytewise, whole, "{config:?}: byte-at-a-time differs from whole");
    }

    let prefixes: Vec<usize> = if n <= ALL_PREFIXES_MAX {
        (0..n).collect()
    } else {
        split_points(data, 0)
    };
    for cut in prefixes {
        let part = feed(&data[..cut], &[cut], config);
        assert!(
            part.events.len() <= whole.events.len() && part.events[..] == whole.events[..part.events.len()],
            "{config:?}: prefix of {cut} bytes reports events the whole input does not"
        );
        if let Some(err) = part.error {
            assert!(
                whole.error == Some(err) && whole.events.len() == part.events.len(),
                "{config:?}: prefix of {cut} bytes fails with {err:?}, whole input gives {:?}",
                whole.error
            );
        }
    }
}

/// Split points in `1..n`: all of them when `n <= all_max`, otherwise the
/// edges, the middle and a few derived from a hash of the input, so the
/// fuzzer reaches different points by changing the bytes.
fn split_points(data: &[u8], all_max: usize) -> Vec<usize> {
    let n = data.len();
    if n < 2 {
        return Vec::new();
    }
    if n <= all_max {
        return (1..n).collect();
    }
    let mut hash = fnv1a(data);
    let mut points = vec![1, n / 2, n - 1];
    for _ in 0..3 {
        points.push(1 + (hash % (n as u64 - 1)) as usize);
        hash = hash.rotate_left(21).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    points.sort_unstable();
    points.dedup();
    points
}

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Feeds `data` to one parser as a connection would receive it: the buffer
/// grows to each length in `ends` (increasing, the last one `data.len()`),
/// and after each read every complete frame is parsed and consumed. Checks
/// the per-status invariants on the way.
fn feed(data: &[u8], ends: &[usize], config: Config) -> Run {
    let mut parser = Parser::new(config.max_bulk);
    parser.set_unauthenticated(config.unauthenticated);
    let mut buf = Vec::with_capacity(data.len());
    let mut at = 0;
    let mut events = Vec::new();
    for &end in ends {
        buf.extend_from_slice(&data[buf.len()..end]);
        loop {
            let available = buf.len() - at;
            let status = match parser.parse(&mut buf[at..]) {
                Ok(status) => status,
                Err(error) => {
                    return Run {
                        events,
                        error: Some(error),
                        consumed: at,
                    };
                }
            };
            match status {
                Status::Incomplete => {
                    let _ = parser.bytes_wanted();
                    break;
                }
                Status::Empty { len } => {
                    assert!(len > 0, "Empty with len 0 at offset {at}");
                    assert!(len <= available, "Empty len {len} > {available} bytes buffered");
                    events.push(Event::Empty { len });
                    at += len;
                }
                Status::Command { len } => {
                    assert!(len > 0, "Command with len 0 at offset {at}");
                    assert!(len <= available, "Command len {len} > {available} bytes buffered");
                    let frame = &buf[at..at + len];
                    let ranges = parser.args();
                    assert!(!ranges.is_empty(), "Command without arguments at offset {at}");
                    let args = ranges
                        .iter()
                        .map(|r| {
                            assert!(
                                r.start <= r.end && r.end <= len,
                                "argument range {r:?} outside frame of {len} bytes"
                            );
                            frame[r.clone()].to_vec()
                        })
                        .collect();
                    events.push(Event::Command { len, args });
                    at += len;
                }
            }
        }
    }
    if at == buf.len() {
        assert!(!parser.in_frame(), "parser mid-frame with no bytes left");
    }
    Run {
        events,
        error: None,
        consumed: at,
    }
}

/* ---------------------------------------------------------------------------
 * Glob matcher
 * ------------------------------------------------------------------------- */

/// Splits `data` into a pattern (its length is the first byte) and a subject
/// (the rest), then checks `string_match` with `nocase` off and on:
///
/// * no panic;
/// * for patterns without `[` or `\` (only `*`, `?` and literals), the result
///   equals a simple reference matcher's;
/// * the subject, with every byte escaped as `\c`, or as the set `[\c]`,
///   matches itself.
pub fn check_glob_invariants(data: &[u8]) {
    let Some((&plen, rest)) = data.split_first() else {
        return;
    };
    let (pattern, string) = rest.split_at(usize::from(plen).min(rest.len()));
    for nocase in [false, true] {
        let got = string_match(pattern, string, nocase);
        if !pattern.iter().any(|&b| b == b'[' || b == b'\\') {
            let want = reference_match(pattern, string, nocase);
            assert_eq!(
                got, want,
                "string_match({pattern:?}, {string:?}, nocase={nocase}) = {got}, reference says {want}"
            );
        }
        let escaped: Vec<u8> = string.iter().flat_map(|&c| [b'\\', c]).collect();
        assert!(
            string_match(&escaped, string, nocase),
            "escaped subject {string:?} does not match itself (nocase={nocase})"
        );
        let sets: Vec<u8> = string.iter().flat_map(|&c| [b'[', b'\\', c, b']']).collect();
        assert!(
            string_match(&sets, string, nocase),
            "subject {string:?} as one-byte sets does not match itself (nocase={nocase})"
        );
    }
}

/// Glob matching for patterns made of `*`, `?` and literal bytes, by dynamic
/// programming over subject positions. It reproduces the one quirk of
/// Redis's matcher that applies to such patterns: an empty subject is only
/// matched by an empty pattern (`*` does not match ""). Case folding under
/// `nocase` is ASCII only, as glibc `tolower()` in the C locale.
fn reference_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    if string.is_empty() {
        return pattern.is_empty();
    }
    let same = |a: u8, b: u8| {
        if nocase { a.eq_ignore_ascii_case(&b) } else { a == b }
    };
    let n = string.len();
    // reach[j]: the pattern bytes seen so far can match string[..j].
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    let mut next = vec![false; n + 1];
    for &pc in pattern {
        next[0] = pc == b'*' && reach[0];
        for j in 1..=n {
            next[j] = match pc {
                b'*' => next[j - 1] || reach[j],
                b'?' => reach[j - 1],
                c => reach[j - 1] && same(c, string[j - 1]),
            };
        }
        std::mem::swap(&mut reach, &mut next);
    }
    reach[n]
}

/* ---------------------------------------------------------------------------
 * Command layer
 * ------------------------------------------------------------------------- */

/// A connected loopback socket for the in-process client (commands never
/// touch it; `Client` just owns one).
fn loopback_stream() -> Option<(mio::net::TcpStream, std::net::SocketAddr)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
    let addr = listener.local_addr().ok()?;
    let stream = std::net::TcpStream::connect(addr).ok()?;
    let _accepted = listener.accept().ok()?;
    stream.set_nonblocking(true).ok()?;
    Some((mio::net::TcpStream::from_std(stream), addr))
}

/// Drives the command layer in process: `data` is read as inline command
/// lines (split as Redis's `sdssplitargs`; lines that do not split are
/// skipped) run one after another by one client through
/// `command::execute`. After every command, no panic must have happened
/// and every database's invariants must hold (`Db::check_invariants`). A
/// client left blocked is released as on a timeout. When the first byte is
/// odd, the client first turns on every keyspace notification (RESP3, a
/// `*` pattern subscription of its own), client-side caching and a WATCH,
/// so the same commands also drive those paths.
pub fn check_command_invariants(data: &[u8]) {
    use crate::client::Client;
    use crate::command::{Args, Ctx, execute};
    use crate::server::blocking::{Release, release};
    use crate::util::splitargs::split_args_in_place;

    let Some((stream, addr)) = loopback_stream() else {
        return;
    };
    // No save points, and files (BGSAVE's) in a directory of this run's.
    let dir = scratch_dir();
    let mut config = crate::Config::default();
    config.apply(b"save", &[Vec::new()]).expect("save");
    config
        .apply(b"dir", &[dir.clone().into_os_string().into_encoded_bytes()])
        .expect("dir");
    config
        .apply(b"busy-reply-threshold", &[b"10".to_vec()])
        .expect("busy-reply-threshold");
    let mut st = crate::server::State::new(config, 0);
    // Scripts: fresh Lua states per input, and none may run for long.
    crate::script::install();
    crate::script::function::install();
    st.script_time_cap_ms = 200;
    let mut clients = crate::client::Clients::new();
    let now = crate::server::now_ms();
    let token = clients.insert(Client::new(
        1,
        crate::client::Stream::Tcp(stream),
        addr,
        addr,
        DEFAULT_MAX_BULK,
        now,
    ));
    clients[token].authenticated = true;
    let mut spans = Vec::new();
    const OBSERVED: &[u8] = b"HELLO 3\nCONFIG SET notify-keyspace-events KEAmn\nPSUBSCRIBE *\n\
        CLIENT TRACKING on\nWATCH k0 k1 s h z l\n";
    let setup: &[u8] = if data.first().is_some_and(|b| b & 1 == 1) {
        OBSERVED
    } else {
        b""
    };
    let lines = setup
        .split(|&c| c == b'\n')
        .chain(data.split(|&c| c == b'\n').take(256));
    for line in lines {
        let mut buf = line.to_vec();
        if !split_args_in_place(&mut buf, &mut spans) || spans.is_empty() {
            continue;
        }
        // SHUTDOWN and DEBUG would stop or stall the fuzzer, not test anything.
        let name = &buf[spans[0].clone()];
        if name.eq_ignore_ascii_case(b"shutdown") || name.eq_ignore_ascii_case(b"debug") {
            continue;
        }
        let args = Args::new(&buf, &spans);
        let mut reply = std::mem::take(&mut clients[token].reply);
        let db = clients[token].db;
        let mut ctx = Ctx {
            st: &mut st,
            clients: &mut clients,
            me: token,
            reply: &mut reply,
            now: crate::server::now_ms(),
            db,
        };
        execute(&mut ctx, &args, std::time::Instant::now());
        let pending = reply.pending();
        reply.advance(pending);
        clients[token].reply = reply;
        release(&mut st, &mut clients, token, Release::Timeout);
        st.woken.clear();
        // A background save walks a slice between commands.
        crate::persist::control::step(&mut st);
        for (i, db) in st.dbs.iter().enumerate() {
            if let Err(e) = db.check_invariants() {
                panic!("db {i} after {:?}: {e}", String::from_utf8_lossy(line));
            }
        }
    }
    // A background save still running finishes, and its file loads.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while st.rdb.bgsave.is_some() && std::time::Instant::now() < deadline {
        crate::persist::control::step(&mut st);
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    if dir.join("dump.rdb").exists() {
        let mut fresh = crate::server::State::new(st.config.clone(), 0);
        if let Err(e) = crate::persist::control::load(&mut fresh, false) {
            panic!("the background save wrote a file that does not load: {e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A new empty directory for one check's files.
fn scratch_dir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("loopkv-fuzz-{}-{n}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Loads `data` as an RDB file into fresh databases: it must load or be
/// refused, never panic, and what loads must keep every database's
/// invariants. The file's checksum is not checked (a fuzzer would never
/// get past it).
pub fn check_rdb_invariants(data: &[u8]) {
    use crate::persist::load::{FileLoader, Progress};
    let mut config = crate::Config::default();
    config.apply(b"rdbchecksum", &[b"no".to_vec()]).expect("rdbchecksum");
    let mut dbs: Vec<crate::db::Db> = (0..16).map(|_| crate::db::Db::new(0)).collect();
    let Ok(mut loader) = FileLoader::new(data, data.len() as u64, &config, false) else {
        return;
    };
    while let Ok(Progress::More) = loader.step(&mut dbs, 0, 64) {}
    for (i, db) in dbs.iter().enumerate() {
        if let Err(e) = db.check_invariants() {
            panic!("db {i} after loading: {e}");
        }
    }
}

/// Decodes `data` as a RESTORE payload, once as given and once with a
/// valid footer appended: refused or decoded, never a panic; a decoded
/// value re-encodes to a payload that decodes again.
pub fn check_restore_invariants(data: &[u8]) {
    use crate::persist::{load, rdb};
    let limits = load::Limits::from_config(&crate::Config::default());
    let _ = crate::persist::restore_payload(data, &limits, false);
    let mut sealed = data.to_vec();
    sealed.extend_from_slice(&rdb::RDB_VERSION.to_le_bytes());
    let crc = rdb::CRC64.checksum(&sealed);
    sealed.extend_from_slice(&crc.to_le_bytes());
    let Ok(value) = crate::persist::restore_payload(&sealed, &limits, false) else {
        return;
    };
    let mut db = crate::db::Db::new(0);
    let id = crate::persist::add_value(&mut db, b"k", value, 0);
    if let Err(e) = db.check_invariants() {
        panic!("restored value: {e}");
    }
    let mut enc = rdb::Encoder::new(rdb::Options::from_config(&crate::Config::default()));
    let again = crate::persist::dump_payload(&mut enc, &db, id);
    if crate::persist::restore_payload(&again, &limits, false).is_err() {
        panic!("a restored value's DUMP does not restore");
    }
}

/* ---------------------------------------------------------------------------
 * Append-only file loading
 * ------------------------------------------------------------------------- */

/// Loads `data` as the only (incremental) file of an AOF directory, as
/// DEBUG LOADAOF does: it must load, be cut back (a truncated tail) or be
/// refused, never panic, and what loads must keep every database's
/// invariants. Files go to a directory of this process and thread.
pub fn check_aof_invariants(data: &[u8]) {
    let dir = std::env::temp_dir().join(format!(
        "loopkv-fuzz-aof-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let aof_dir = dir.join("appendonlydir");
    std::fs::create_dir_all(&aof_dir).expect("scratch directory");
    std::fs::write(
        aof_dir.join("appendonly.aof.manifest"),
        b"file appendonly.aof.1.incr.aof seq 1 type i\n",
    )
    .expect("manifest");
    std::fs::write(aof_dir.join("appendonly.aof.1.incr.aof"), data).expect("incr file");
    let mut config = crate::Config::default();
    config
        .apply(b"dir", &[dir.as_os_str().as_encoded_bytes().to_vec()])
        .expect("dir");
    let mut st = crate::server::State::new(config, 0);
    let mut clients = crate::client::Clients::new();
    let _ = crate::persist::control::load_aof_now(&mut st, &mut clients);
    for (i, db) in st.dbs.iter().enumerate() {
        if let Err(e) = db.check_invariants() {
            panic!("db {i} after loading: {e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_matcher_basics() {
        assert!(reference_match(b"h*o", b"hello", false));
        assert!(reference_match(b"h?llo", b"HALLO", true));
        assert!(!reference_match(b"h?llo", b"HALLO", false));
        assert!(!reference_match(b"*", b"", false));
        assert!(reference_match(b"", b"", false));
        assert!(reference_match(b"**a", b"a", false));
        assert!(!reference_match(b"?*?", b"a", false));
    }

    #[test]
    fn checks_accept_known_good_inputs() {
        check_parser_invariants(b"*1\r\n$4\r\nPING\r\nSET \"a b\" c\r\n*0\r\n");
        check_glob_invariants(b"\x03h*ohello");
    }
}
