//! RDB persistence from a client's point of view: SAVE and BGSAVE then a
//! restart hold the same dataset (DEBUG DIGEST, Redis's algorithm); a
//! background save is the dataset as it was when it started, whatever
//! writes come during it; files move between loopkv and a real
//! redis-server 7.0.15 in both directions; Redis's own RDB test assets
//! load; a damaged file stops the start-up with Redis's message; a failed
//! background save brings -MISCONF; RESTORE survives corrupt payloads.
//! The append-only file: a restart replays it, BGREWRITEAOF and CONFIG
//! SET appendonly write a new base, truncated tails and damaged manifests
//! are handled as Redis handles them, and the files match redis-server's
//! byte for byte and move between the two.

mod diff_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diff_support::{Conn, Loopkv, Redis, Rng, esc, redis_or_skip, scratch_dir, spawn_binary, wait_until};

/// Starts loopkv with its files in `dir` and DEBUG enabled.
fn start_in(dir: &Path, extra: &[(&str, &str)]) -> Loopkv {
    let dir = dir.to_str().unwrap();
    let mut all = vec![
        ("dir", dir),
        ("enable-debug-command", "yes"),
        ("enable-protected-configs", "yes"),
    ];
    all.extend_from_slice(extra);
    Loopkv::start(&all)
}

/// redis-check-rdb accepts the file at `path`.
fn check_rdb(path: &Path) {
    let check = std::process::Command::new("redis-check-rdb")
        .arg(path)
        .output()
        .expect("run redis-check-rdb");
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success() && text.contains("RDB looks OK"), "{text}");
}

fn digest(c: &mut Conn) -> Vec<u8> {
    c.cmd_str("DEBUG DIGEST")
}

fn info_field(c: &mut Conn, field: &str) -> String {
    let info = c.cmd_str("INFO persistence");
    let text = String::from_utf8_lossy(&info).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {field} in INFO"))
}

fn wait_bgsave(c: &mut Conn) {
    assert!(
        wait_until(Duration::from_secs(30), || info_field(c, "rdb_bgsave_in_progress")
            == "0"),
        "background save did not finish"
    );
}

/// Fills a server with every type in every encoding, TTLs, binary keys
/// and several databases; the same commands on any server give the same
/// dataset.
fn populate(c: &mut Conn, seed: u64) {
    let mut rng = Rng(seed);
    let big: Vec<u8> = (0..100_000).map(|i| b'a' + (i % 7) as u8).collect();
    let noise: Vec<u8> = (0..3000).map(|_| rng.next() as u8).collect();
    for db in ["0", "3", "15"] {
        c.cmd(&[b"SELECT", db.as_bytes()]);
        c.cmd_str("SET int 12345");
        c.cmd_str("SET neg -99999999999");
        c.cmd_str("SET text hello");
        c.cmd(&[b"SET", b"bin\x00key\xff", b"bin\x00value"]);
        c.cmd(&[b"SET", b"big", &big]);
        c.cmd(&[b"SET", b"noise", &noise]);
        c.cmd_str("SET ttl v PX 100000000");
        c.cmd_str("RPUSH small a 1 -2 3000000000 b");
        for i in 0..600 {
            let item = format!("item-{i}-{}", "x".repeat(i % 90));
            c.cmd(&[b"RPUSH", b"long", item.as_bytes()]);
        }
        c.cmd(&[b"RPUSH", b"long", &big]);
        c.cmd_str("HSET hsmall f v n 5 m -7");
        for i in 0..600 {
            c.cmd(&[
                b"HSET",
                b"hbig",
                format!("f{i}").as_bytes(),
                format!("v{}", rng.next()).as_bytes(),
            ]);
        }
        c.cmd(&[b"HSET", b"hlong", b"f", &noise]);
        c.cmd_str("SADD i16 1 2 3 -4");
        c.cmd_str("SADD i32 1 70000");
        c.cmd_str("SADD i64 1 5000000000");
        c.cmd_str("SADD sstr a b c");
        for i in 0..700 {
            c.cmd(&[b"SADD", b"sbig", format!("{i}").as_bytes()]);
        }
        c.cmd_str("ZADD zsmall 1 a 2.5 b -inf c inf d");
        for i in 0..300 {
            c.cmd(&[
                b"ZADD",
                b"zbig",
                format!("{}", rng.below(1000) as f64 / 7.0).as_bytes(),
                format!("m{i}").as_bytes(),
            ]);
        }
        c.cmd_str("EXPIRE hbig 1000000");
        c.cmd_str("PEXPIREAT zsmall 99999999999999");
    }
    c.cmd_str("SELECT 0");
}

#[test]
fn save_and_restart_keep_the_dataset() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    populate(&mut c, 1);
    let before = digest(&mut c);
    c.expect("SAVE", b"+OK\r\n");
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    c.expect("SET after-save 1", b"+OK\r\n");
    s.stop().unwrap();

    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    assert_eq!(digest(&mut c), before);
    c.expect("EXISTS after-save", b":0\r\n");
    assert_eq!(info_field(&mut c, "rdb_last_load_keys_loaded"), "57");
    // TTLs survive as absolute times.
    let pttl = c.cmd_str("PEXPIRETIME zsmall");
    assert_eq!(pttl, b":99999999999999\r\n");
    c.expect("OBJECT ENCODING long", b"$9\r\nquicklist\r\n");
    c.expect("OBJECT ENCODING hbig", b"$9\r\nhashtable\r\n");
    c.expect("OBJECT ENCODING i64", b"$6\r\nintset\r\n");
    c.expect("OBJECT ENCODING zbig", b"$8\r\nskiplist\r\n");
    // DEBUG RELOAD: save, flush, load back.
    c.expect("DEBUG RELOAD", b"+OK\r\n");
    assert_eq!(digest(&mut c), before);
    c.expect(
        "DEBUG RELOAD foo",
        b"-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
    );
}

#[test]
fn bgsave_writes_the_dataset_as_it_was_when_it_started() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[("save", "")]);
    let mut c = s.conn();
    populate(&mut c, 2);
    c.cmd_str("DEBUG POPULATE 3000 filler 10");
    let before = digest(&mut c);
    // Slow the walk (50 us a key) so the writes below land during it.
    c.expect("CONFIG SET rdb-key-save-delay 50", b"+OK\r\n");
    c.expect("BGSAVE", b"+Background saving started\r\n");
    assert_eq!(info_field(&mut c, "rdb_bgsave_in_progress"), "1");
    c.expect("BGSAVE", b"-ERR Background save already in progress\r\n");
    c.expect("SAVE", b"-ERR Background save already in progress\r\n");
    for i in 0..3000 {
        c.cmd(&[b"SET", format!("filler:{i}").as_bytes(), b"changed"]);
        if i % 3 == 0 {
            c.cmd(&[b"DEL", format!("filler:{}", 2999 - i).as_bytes()]);
        }
        c.cmd(&[b"SET", format!("new:{i}").as_bytes(), b"new"]);
    }
    for cmd in [
        "RPUSH long more",
        "LPOP small",
        "HSET hsmall f changed",
        "HDEL hbig f1",
        "SADD i16 99",
        "SREM sbig 5",
        "ZADD zbig 1000 m1",
        "ZREM zsmall a",
        "APPEND text !",
        "INCR int",
        "PERSIST ttl",
        "EXPIRE text 1000",
        "RENAME noise renamed",
        "MOVE big 5",
        "SWAPDB 3 15",
        "SELECT 3",
        "FLUSHDB",
        "SELECT 0",
    ] {
        c.cmd_str(cmd);
    }
    wait_bgsave(&mut c);
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "ok");
    let after = digest(&mut c);
    assert_ne!(after, before);
    // The file holds the dataset of BGSAVE's start.
    c.expect("DEBUG RELOAD NOSAVE", b"+OK\r\n");
    assert_eq!(digest(&mut c), before);
    c.expect("CONFIG SET rdb-key-save-delay 0", b"+OK\r\n");
    // A second save starts from a clean slate: it holds everything now.
    c.cmd_str("SET later 1");
    let now = digest(&mut c);
    c.expect("BGSAVE", b"+Background saving started\r\n");
    wait_bgsave(&mut c);
    c.expect("DEBUG RELOAD NOSAVE", b"+OK\r\n");
    assert_eq!(digest(&mut c), now);
}

#[test]
fn flushall_aborts_a_background_save() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[("save", "")]);
    let mut c = s.conn();
    c.cmd_str("DEBUG POPULATE 5000");
    c.expect("CONFIG SET rdb-key-save-delay 1000", b"+OK\r\n");
    c.expect("BGSAVE", b"+Background saving started\r\n");
    c.expect("FLUSHALL", b"+OK\r\n");
    assert_eq!(info_field(&mut c, "rdb_bgsave_in_progress"), "0");
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "5000");
    assert!(!dir.join("dump.rdb").exists());
    // Nothing left of it: a new save works and the dataset is writable.
    c.expect("CONFIG SET rdb-key-save-delay 0", b"+OK\r\n");
    c.expect("SET x y", b"+OK\r\n");
    c.expect("BGSAVE", b"+Background saving started\r\n");
    wait_bgsave(&mut c);
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with("temp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_failed_background_save_refuses_writes_until_a_save_works() {
    let dir = scratch_dir();
    let gone = dir.join("gone");
    std::fs::create_dir_all(&gone).unwrap();
    let s = start_in(&dir, &[("save", "3600 1")]);
    let mut c = s.conn();
    c.expect(&format!("CONFIG SET dir {}", gone.display()), b"+OK\r\n");
    std::fs::remove_dir_all(&gone).unwrap();
    c.expect("SET a 1", b"+OK\r\n");
    c.expect("BGSAVE", b"+Background saving started\r\n");
    wait_bgsave(&mut c);
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status"), "err");
    let misconf = b"-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.\r\n";
    c.expect("SET a 2", misconf);
    c.expect("PING", misconf);
    c.expect("GET a", b"$1\r\n1\r\n");
    c.expect("SAVE", b"-ERR\r\n");
    c.expect(
        &format!("CONFIG SET dir {}", gone.display()),
        b"-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory\r\n",
    );
    c.expect(&format!("CONFIG SET dir {}", dir.display()), b"+OK\r\n");
    c.expect("BGSAVE", b"+Background saving started\r\n");
    wait_bgsave(&mut c);
    c.expect("SET a 2", b"+OK\r\n");
    // Without save points the error does not stop writes.
    c.expect("CONFIG SET stop-writes-on-bgsave-error yes", b"+OK\r\n");
}

#[test]
fn shutdown_saves_as_redis_does() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[("save", "3600 1")]);
    let mut c = s.conn();
    c.expect("SET k v", b"+OK\r\n");
    c.expect("SHUTDOWN NOSAVE SAVE", b"-ERR syntax error\r\n");
    c.expect("SHUTDOWN ABORT NOW", b"-ERR syntax error\r\n");
    c.send(&[b"SHUTDOWN"]);
    assert!(c.closed().0);
    assert!(dir.join("dump.rdb").exists());
    let s = start_in(&dir, &[("save", "")]);
    let mut c = s.conn();
    c.expect("GET k", b"$1\r\nv\r\n");
    c.expect("SET k w", b"+OK\r\n");
    // No save points: a plain SHUTDOWN does not save, SHUTDOWN SAVE does.
    c.send(&[b"SHUTDOWN"]);
    assert!(c.closed().0);
    let s = start_in(&dir, &[("save", "")]);
    let mut c = s.conn();
    c.expect("GET k", b"$1\r\nv\r\n");
    c.expect("SET k w", b"+OK\r\n");
    c.send(&[b"SHUTDOWN", b"SAVE"]);
    assert!(c.closed().0);
    let s = start_in(&dir, &[("save", "")]);
    let mut c = s.conn();
    c.expect("GET k", b"$1\r\nw\r\n");
}

/// A corrupt file stops the start-up: `run` (with `extra` directives)
/// fails with Redis's last line (empty when an AOF's failure was logged
/// where it happened).
fn start_error(dir: &Path, extra: &[(&str, &str)]) -> String {
    let mut config = loopkv::Config::default();
    for (name, value) in [("port", "0"), ("bind", "127.0.0.1"), ("dir", dir.to_str().unwrap())]
        .iter()
        .chain(extra)
    {
        config.apply(name.as_bytes(), &[value.as_bytes().to_vec()]).unwrap();
    }
    let server = loopkv::Server::bind(config).unwrap();
    server.run().expect_err("the server started").to_string()
}

#[test]
fn a_damaged_file_stops_the_start_up() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    populate(&mut c, 3);
    c.expect("SAVE", b"+OK\r\n");
    s.stop().unwrap();
    let path = dir.join("dump.rdb");
    let good = std::fs::read(&path).unwrap();
    // A wrong checksum.
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 8..].copy_from_slice(b"foobar00");
    std::fs::write(&path, &bad).unwrap();
    assert_eq!(
        start_error(&dir, &[]),
        "Terminating server after rdb file reading failure."
    );
    // Cut short anywhere.
    for cut in [5, 9, 20, good.len() / 2, good.len() - 1] {
        std::fs::write(&path, &good[..cut]).unwrap();
        assert_eq!(
            start_error(&dir, &[]),
            "Terminating server after rdb file reading failure.",
            "cut at {cut}"
        );
    }
    // Garbage after a valid header.
    let mut junk = good[..9].to_vec();
    junk.extend_from_slice(&[0x77; 100]);
    std::fs::write(&path, &junk).unwrap();
    assert_eq!(
        start_error(&dir, &[]),
        "Terminating server after rdb file reading failure."
    );
    // With rdbchecksum no, the checksum is not checked.
    std::fs::write(&path, &bad).unwrap();
    let s = start_in(&dir, &[("rdbchecksum", "no")]);
    s.conn().expect("DBSIZE", b":19\r\n");
}

#[test]
fn empty_and_missing_files_start_empty() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    c.expect("DEBUG DIGEST", b"+0000000000000000000000000000000000000000\r\n");
    c.expect("SAVE", b"+OK\r\n");
    s.stop().unwrap();
    let s = start_in(&dir, &[]);
    s.conn().expect("DBSIZE", b":0\r\n");
}

#[test]
fn expired_keys_are_dropped_on_load() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    c.cmd_str("DEBUG SET-ACTIVE-EXPIRE 0");
    for j in 0..32 {
        c.cmd(&[b"SELECT", format!("{}", j % 16).as_bytes()]);
        c.cmd(&[b"SET", format!("{j}").as_bytes(), b"v", b"PX", b"10"]);
    }
    c.cmd_str("SELECT 0");
    c.cmd_str("SET stays v");
    std::thread::sleep(Duration::from_millis(30));
    c.expect("SAVE", b"+OK\r\n");
    s.stop().unwrap();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    assert_eq!(info_field(&mut c, "rdb_last_load_keys_expired"), "32");
    assert_eq!(info_field(&mut c, "rdb_last_load_keys_loaded"), "1");
}

#[test]
fn files_move_between_loopkv_and_redis() {
    if !redis_or_skip("files_move_between_loopkv_and_redis") {
        return;
    }
    // loopkv writes, redis-server reads.
    let dir = scratch_dir();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    populate(&mut c, 4);
    let ours = digest(&mut c);
    c.expect("SAVE", b"+OK\r\n");
    check_rdb(&dir.join("dump.rdb"));
    let r = Redis::start_with(&["--dir", dir.to_str().unwrap()]);
    assert_eq!(
        digest(&mut r.conn()),
        ours,
        "redis-server read loopkv's file differently"
    );
    drop(r);
    // The same through BGSAVE (its strings compressed on the writer thread).
    std::fs::remove_file(dir.join("dump.rdb")).unwrap();
    c.expect("BGSAVE", b"+Background saving started\r\n");
    wait_bgsave(&mut c);
    check_rdb(&dir.join("dump.rdb"));
    let r = Redis::start_with(&["--dir", dir.to_str().unwrap()]);
    assert_eq!(
        digest(&mut r.conn()),
        ours,
        "redis-server read loopkv's BGSAVE file differently"
    );
    drop(r);

    // redis-server writes (the same commands), loopkv reads.
    let rdir = scratch_dir();
    let r = Redis::start_with(&["--dir", rdir.to_str().unwrap()]);
    let mut rc = r.conn();
    populate(&mut rc, 4);
    assert_eq!(digest(&mut rc), ours);
    rc.expect("SAVE", b"+OK\r\n");
    drop(r);
    let s = start_in(&rdir, &[]);
    assert_eq!(
        digest(&mut s.conn()),
        ours,
        "loopkv read redis-server's file differently"
    );
}

/// Redis's own RDB test assets, from the test-suite archive beside the
/// project: loopkv must load each one redis-server loads, to the same
/// digest, and refuse each one it refuses.
#[test]
fn redis_test_assets_load_as_in_redis() {
    if !redis_or_skip("redis_test_assets_load_as_in_redis") {
        return;
    }
    let Some(assets) = extract_assets() else {
        eprintln!("redis test assets NOT CHECKED: the suite archive was not found");
        return;
    };
    for name in [
        "encodings.rdb",
        "hash-ziplist.rdb",
        "hash-zipmap.rdb",
        "list-quicklist.rdb",
        "zset-ziplist.rdb",
        "scriptbackup.rdb",
        "corrupt_empty_keys.rdb",
    ] {
        let dir = scratch_dir();
        std::fs::copy(assets.join(name), dir.join("dump.rdb")).unwrap();
        let r = Redis::start_with(&["--dir", dir.to_str().unwrap(), "--sanitize-dump-payload", "yes"]);
        let want = digest(&mut r.conn());
        drop(r);
        let s = start_in(&dir, &[]);
        assert_eq!(esc(&digest(&mut s.conn())), esc(&want), "{name}");
    }
}

/// Extracts tests/assets from the Redis test-suite archive, if present.
fn extract_assets() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let archive = [
        manifest.join("../shared/redis-tests/redis-7.0.15-tests.tar.gz"),
        PathBuf::from("/work/shared/redis-tests/redis-7.0.15-tests.tar.gz"),
    ]
    .into_iter()
    .find(|p| p.exists())?;
    let out = scratch_dir();
    let ok = std::process::Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&out)
        // The archive names its members ./tests/...
        .args(["--wildcards", "*tests/assets/*"])
        .status()
        .ok()?
        .success();
    ok.then(|| out.join("tests/assets"))
}

#[test]
fn restore_survives_corrupt_payloads() {
    let s = Loopkv::start_debug();
    let mut c = s.conn();
    populate(&mut c, 5);
    let keys = [
        "int", "big", "noise", "small", "long", "hsmall", "hbig", "i16", "i64", "sbig", "zsmall", "zbig",
    ];
    let mut rng = Rng(99);
    let mut accepted = 0;
    for round in 0..3000 {
        let key = keys[round % keys.len()];
        let dump = diff_support::V::parse(&c.cmd(&[b"DUMP", key.as_bytes()]))
            .text()
            .to_vec();
        let mut payload = dump[..dump.len() - 10].to_vec();
        // Flip, cut or insert bytes, then seal it with a valid footer so
        // the value itself is what gets checked.
        match rng.below(3) {
            0 => {
                for _ in 0..=rng.below(4) {
                    let i = rng.below(payload.len() as u64) as usize;
                    payload[i] ^= 1 << rng.below(8);
                }
            }
            1 => payload.truncate(rng.below(payload.len() as u64) as usize),
            _ => {
                let i = rng.below(payload.len() as u64) as usize;
                payload.insert(i, rng.next() as u8);
            }
        }
        payload.extend_from_slice(&10u16.to_le_bytes());
        let crc = crc64(&payload);
        payload.extend_from_slice(&crc.to_le_bytes());
        let reply = c.cmd(&[b"RESTORE", b"target", b"0", &payload, b"REPLACE"]);
        match reply.as_slice() {
            b"+OK\r\n" => accepted += 1,
            b"-ERR Bad data format\r\n" => {}
            other => panic!("round {round}: {}", esc(other)),
        }
    }
    assert!(accepted > 0);
    c.expect("PING", b"+PONG\r\n");
    // A payload whose checksum or version is wrong.
    let mut dump = diff_support::V::parse(&c.cmd_str("DUMP int")).text().to_vec();
    let n = dump.len();
    dump[n - 1] ^= 1;
    c.expect_args(
        &[b"RESTORE", b"x", b"0", &dump],
        b"-ERR DUMP payload version or checksum are wrong\r\n",
    );
}

/// Redis's CRC-64 (Jones, reflected), bit by bit.
fn crc64(data: &[u8]) -> u64 {
    let mut crc = 0u64;
    for &b in data {
        crc ^= b as u64;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x95ac_9329_ac4b_c9b5
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// A directory whose dump.rdb holds `n` keys (DEBUG POPULATE's).
fn saved_keys(n: usize) -> PathBuf {
    let dir = scratch_dir();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    c.cmd_str(&format!("DEBUG POPULATE {n}"));
    c.expect("SAVE", b"+OK\r\n");
    s.stop().unwrap();
    dir
}

#[test]
fn clients_get_loading_while_the_dataset_loads() {
    let dir = saved_keys(20_000);
    // 200 us a key: the load takes about four seconds.
    let s = start_in(
        &dir,
        &[
            ("key-load-delay", "200"),
            ("loading-process-events-interval-bytes", "1024"),
        ],
    );
    let mut c = s.conn();
    c.expect("GET key:1", b"-LOADING Redis is loading the dataset in memory\r\n");
    assert_eq!(info_field(&mut c, "loading"), "1");
    let total: u64 = info_field(&mut c, "loading_total_bytes").parse().unwrap();
    assert_eq!(total, std::fs::metadata(dir.join("dump.rdb")).unwrap().len());
    // Commands flagged for loading work meanwhile (PING is not one).
    c.expect("PING", b"-LOADING Redis is loading the dataset in memory\r\n");
    c.expect("DEBUG LOG hello", b"+OK\r\n");
    // Some settings may change meanwhile, not where the data lives.
    c.expect("CONFIG SET loglevel debug", b"+OK\r\n");
    c.expect(
        "CONFIG SET dir /tmp",
        b"-LOADING Redis is loading the dataset in memory\r\n",
    );
    c.expect(
        "CONFIG SET appendonly yes",
        b"-LOADING Redis is loading the dataset in memory\r\n",
    );
    c.expect("MULTI", b"+OK\r\n");
    c.expect("SET a b", b"-LOADING Redis is loading the dataset in memory\r\n");
    c.expect(
        "EXEC",
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    assert!(wait_until(Duration::from_secs(30), || info_field(&mut c, "loading") == "0"));
    c.expect("GET key:1", b"$7\r\nvalue:1\r\n");
    assert_eq!(info_field(&mut c, "rdb_last_load_keys_loaded"), "20000");
}

#[test]
fn big_values_are_written_in_parts_and_changes_wait_for_them() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[("save", "")]);
    let mut c = s.conn();
    // Hash tables and a skiplist far past a part's size (8192 elements).
    for chunk in 0..20 {
        let mut hset: Vec<Vec<u8>> = vec![b"HSET".to_vec(), b"bighash".to_vec()];
        let mut sadd: Vec<Vec<u8>> = vec![b"SADD".to_vec(), b"bigset".to_vec()];
        let mut zadd: Vec<Vec<u8>> = vec![b"ZADD".to_vec(), b"bigzset".to_vec()];
        let mut rpush: Vec<Vec<u8>> = vec![b"RPUSH".to_vec(), b"biglist".to_vec()];
        for i in chunk * 2000..(chunk + 1) * 2000 {
            rpush.push(format!("item:{i}:{}", "y".repeat(i % 70)).into_bytes());
            hset.push(format!("field:{i}").into_bytes());
            hset.push(format!("value:{i}:{}", "x".repeat(i % 50)).into_bytes());
            sadd.push(format!("member:{i}").into_bytes());
            zadd.push(format!("{}", i % 977).into_bytes());
            zadd.push(format!("m{i}").into_bytes());
        }
        for args in [&hset, &sadd, &zadd, &rpush] {
            let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
            c.cmd(&refs);
        }
    }
    c.cmd_str("SET small 1");
    let before = digest(&mut c);
    for round in 0..3 {
        c.expect("BGSAVE", b"+Background saving started\r\n");
        // Change the big values at once: a change that finds a value half
        // written makes its database write the rest first.
        c.cmd_str("HSET bighash field:1 changed");
        c.cmd_str("SREM bigset member:7");
        c.cmd_str("ZADD bigzset 5000 m3");
        c.cmd_str("LPUSH biglist head");
        c.cmd_str("SET small 2");
        wait_bgsave(&mut c);
        c.expect("DEBUG RELOAD NOSAVE", b"+OK\r\n");
        assert_eq!(digest(&mut c), before, "round {round}");
    }
    c.expect("OBJECT ENCODING bighash", b"$9\r\nhashtable\r\n");
    c.expect("HLEN bighash", b":40000\r\n");
    c.expect("ZCARD bigzset", b":40000\r\n");
    c.expect("LLEN biglist", b":40000\r\n");
    if redis_or_skip("big_values_are_written_in_parts (redis-check-rdb)") {
        check_rdb(&dir.join("dump.rdb"));
    }
}

#[test]
fn bgsave_inside_exec_is_scheduled_for_the_cron() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[("save", "")]);
    let mut c = s.conn();
    c.expect("SET k v", b"+OK\r\n");
    c.expect("MULTI", b"+OK\r\n");
    c.expect("BGSAVE", b"+QUEUED\r\n");
    c.expect("EXEC", b"*1\r\n+Background saving scheduled\r\n");
    assert!(wait_until(Duration::from_secs(10), || dir.join("dump.rdb").exists()));
    wait_bgsave(&mut c);
    assert_eq!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    c.expect("BGSAVE foo", b"-ERR syntax error\r\n");
    c.expect("BGSAVE SCHEDULE", b"+Background saving started\r\n");
}

// ---- the append-only file ----------------------------------------------------------

fn aof_dir(dir: &Path) -> PathBuf {
    dir.join("appendonlydir")
}

fn manifest(dir: &Path) -> String {
    std::fs::read_to_string(aof_dir(dir).join("appendonly.aof.manifest")).unwrap()
}

/// The file names in appendonlydir, sorted.
fn aof_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(aof_dir(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn wait_rewrite(c: &mut Conn) {
    assert!(
        wait_until(Duration::from_secs(30), || {
            info_field(c, "aof_rewrite_in_progress") == "0" && info_field(c, "aof_rewrite_scheduled") == "0"
        }),
        "AOF rewrite did not finish"
    );
}

/// Writes that change the dataset in every way the AOF must replay: every
/// type, TTLs set relatively and absolutely, a transaction, deletions,
/// several databases, and commands Redis rewrites before propagating.
fn aof_workload(c: &mut Conn) {
    populate(c, 7);
    c.cmd_str("SET counter 10");
    c.cmd_str("INCRBYFLOAT counter 1.5");
    c.cmd_str("SET ex v EX 100000");
    c.cmd_str("EXPIRE text 200000");
    c.cmd_str("SETEX sx 300000 v");
    c.cmd_str("PERSIST ttl");
    c.cmd_str("MULTI");
    c.cmd_str("LPUSH txlist a b c");
    c.cmd_str("RPOPLPUSH txlist txother");
    c.cmd_str("EXEC");
    c.cmd_str("SADD single x");
    c.cmd_str("SPOP single");
    c.cmd_str("DEL neg");
    c.cmd_str("SELECT 3");
    c.cmd_str("RENAME int int2");
    c.cmd_str("ZINCRBY zsmall 3 a");
    c.cmd_str("SELECT 0");
    c.cmd_str("HDEL hsmall f");
    c.cmd_str("GETEX text PX 500000");
    // Recorded however little they change; SAVE and DEBUG LOADAOF never.
    c.cmd_str("SELECT 5");
    c.cmd_str("FLUSHDB");
    c.cmd_str("SELECT 0");
    c.cmd_str("SAVE");
    c.cmd_str("DEBUG LOADAOF");
    c.cmd_str("SET last 1");
}

/// Waits until a server (a redis-server answers before it has loaded)
/// has loaded its dataset.
fn loaded(c: &mut Conn) -> &mut Conn {
    assert!(
        wait_until(Duration::from_secs(30), || info_field(c, "loading") == "0"),
        "the dataset did not load"
    );
    c
}

#[test]
fn appendonly_restart_replays_the_dataset() {
    for preamble in ["yes", "no"] {
        let dir = scratch_dir();
        let aof = [("appendonly", "yes"), ("aof-use-rdb-preamble", preamble)];
        let s = start_in(&dir, &aof);
        let mut c = s.conn();
        aof_workload(&mut c);
        let before = digest(&mut c);
        // Redis's layout: an empty base, one incremental file, the manifest.
        assert_eq!(
            manifest(&dir),
            format!(
                "file appendonly.aof.1.base.{} seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                if preamble == "yes" { "rdb" } else { "aof" }
            )
        );
        s.stop().unwrap();

        let s = start_in(&dir, &aof);
        let mut c = s.conn();
        assert_eq!(esc(&digest(&mut c)), esc(&before), "preamble {preamble}");
        c.expect("PEXPIRETIME zsmall", b":99999999999999\r\n");
        c.expect("TTL ttl", b":-1\r\n");
        // The rewrite compacts everything into a new base.
        c.expect("BGREWRITEAOF", b"+Background append only file rewriting started\r\n");
        wait_rewrite(&mut c);
        assert_eq!(info_field(&mut c, "aof_last_bgrewrite_status"), "ok");
        let base = if preamble == "yes" { "rdb" } else { "aof" };
        assert_eq!(
            manifest(&dir),
            format!("file appendonly.aof.2.base.{base} seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        );
        // History files are removed once the manifest no longer names them.
        assert!(
            wait_until(Duration::from_secs(10), || aof_files(&dir).len() == 3),
            "{:?}",
            aof_files(&dir)
        );
        c.expect("SET after-rewrite 1", b"+OK\r\n");
        let after = digest(&mut c);
        s.stop().unwrap();

        let s = start_in(&dir, &aof);
        let mut c = s.conn();
        assert_eq!(esc(&digest(&mut c)), esc(&after), "preamble {preamble} after rewrite");
        // DEBUG LOADAOF: flush the AOF, empty the dataset, replay it.
        c.expect("SET before-loadaof 1", b"+OK\r\n");
        let now = digest(&mut c);
        c.expect("DEBUG LOADAOF", b"+OK\r\n");
        assert_eq!(digest(&mut c), now);
    }
}

#[test]
fn a_truncated_aof_tail_is_cut_back_or_refused() {
    let dir = scratch_dir();
    let aof = [("appendonly", "yes")];
    let s = start_in(&dir, &aof);
    let mut c = s.conn();
    for i in 0..10 {
        c.cmd(&[b"SET", format!("k{i}").as_bytes(), b"v"]);
    }
    s.stop().unwrap();
    let incr = aof_dir(&dir).join("appendonly.aof.1.incr.aof");
    let good = std::fs::read(&incr).unwrap();
    // The last command cut in the middle of its value.
    std::fs::write(&incr, &good[..good.len() - 3]).unwrap();
    // aof-load-truncated no: the start-up fails.
    start_error(&dir, &[("appendonly", "yes"), ("aof-load-truncated", "no")]);
    // aof-load-truncated yes (the default): the tail is cut back to the
    // last complete command and the server starts with the rest.
    let s = start_in(&dir, &aof);
    let mut c = s.conn();
    c.expect("DBSIZE", b":9\r\n");
    c.expect("EXISTS k9", b":0\r\n");
    let cut = std::fs::read(&incr).unwrap();
    assert!(good.starts_with(&cut) && cut.ends_with(b"$2\r\nk8\r\n$1\r\nv\r\n"));
    // New writes follow the cut.
    c.expect("SET k9 again", b"+OK\r\n");
    s.stop().unwrap();
    let s = start_in(&dir, &aof);
    s.conn().expect("GET k9", b"$5\r\nagain\r\n");
}

#[test]
fn a_truncated_transaction_rolls_back() {
    let dir = scratch_dir();
    let aof = [("appendonly", "yes")];
    let s = start_in(&dir, &aof);
    let mut c = s.conn();
    c.expect("SET before 1", b"+OK\r\n");
    c.expect("MULTI", b"+OK\r\n");
    c.expect("SET a 1", b"+QUEUED\r\n");
    c.expect("SET b 2", b"+QUEUED\r\n");
    c.expect("EXEC", b"*2\r\n+OK\r\n+OK\r\n");
    s.stop().unwrap();
    let incr = aof_dir(&dir).join("appendonly.aof.1.incr.aof");
    let good = std::fs::read(&incr).unwrap();
    // Drop the EXEC: the transaction's commands are not applied.
    let exec = b"*1\r\n$4\r\nEXEC\r\n";
    assert!(good.ends_with(exec));
    std::fs::write(&incr, &good[..good.len() - exec.len()]).unwrap();
    let s = start_in(&dir, &aof);
    let mut c = s.conn();
    c.expect("MGET before a b", b"*3\r\n$1\r\n1\r\n$-1\r\n$-1\r\n");
}

#[test]
fn a_damaged_manifest_stops_the_start_up() {
    let dir = scratch_dir();
    let aof = [("appendonly", "yes")];
    let s = start_in(&dir, &aof);
    s.conn().expect("SET k v", b"+OK\r\n");
    s.stop().unwrap();
    let path = aof_dir(&dir).join("appendonly.aof.manifest");
    let good = std::fs::read_to_string(&path).unwrap();
    for bad in [
        "file appendonly.aof.1.base.rdb seq 1 type x\n".to_string(),
        "file appendonly.aof.1.base.rdb\n".to_string(),
        good.replace("seq 1 type b", "seq 1 type b\nfile other.base seq 2 type b"),
        format!("{good}file appendonly.aof.9.incr.aof seq 9 type i\n"),
        "file ../escape seq 1 type b\n".to_string(),
    ] {
        std::fs::write(&path, &bad).unwrap();
        start_error(&dir, &aof);
    }
    std::fs::write(&path, &good).unwrap();
    s_get(&dir, &aof, "k", b"$1\r\nv\r\n");
}

fn s_get(dir: &Path, extra: &[(&str, &str)], key: &str, want: &[u8]) {
    let s = start_in(dir, extra);
    s.conn().expect_args(&[b"GET", key.as_bytes()], want);
}

#[test]
fn config_set_appendonly_writes_the_base_first() {
    let dir = scratch_dir();
    let s = start_in(&dir, &[]);
    let mut c = s.conn();
    populate(&mut c, 9);
    assert!(!aof_dir(&dir).exists());
    c.expect("CONFIG SET appendonly yes", b"+OK\r\n");
    wait_rewrite(&mut c);
    assert_eq!(info_field(&mut c, "aof_enabled"), "1");
    c.expect("SET later 1", b"+OK\r\n");
    let before = digest(&mut c);
    // The base holds the dataset as it was; the increment the rest.
    assert_eq!(
        manifest(&dir),
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    s.stop().unwrap();
    s_get(&dir, &[("appendonly", "yes")], "later", b"$1\r\n1\r\n");
    let s = start_in(&dir, &[("appendonly", "yes")]);
    let mut c = s.conn();
    assert_eq!(digest(&mut c), before);
    // And off again: nothing more is appended.
    c.expect("CONFIG SET appendonly no", b"+OK\r\n");
    assert_eq!(info_field(&mut c, "aof_enabled"), "0");
    let size = std::fs::metadata(aof_dir(&dir).join("appendonly.aof.1.incr.aof"))
        .unwrap()
        .len();
    c.expect("SET more 1", b"+OK\r\n");
    assert_eq!(
        std::fs::metadata(aof_dir(&dir).join("appendonly.aof.1.incr.aof"))
            .unwrap()
            .len(),
        size
    );
}

/// Replaces every 13-digit run (a Unix time in milliseconds) with zeros.
fn mask_times(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i < out.len() {
        let run = out[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 13 {
            out[i..i + run].fill(b'0');
        }
        i += run.max(1);
    }
    out
}

/// The same commands on loopkv and on redis-server append the same bytes
/// (times masked), and each reads the other's append-only directory to the
/// same dataset; redis-check-aof accepts loopkv's.
#[test]
fn aof_files_match_redis_and_move_between_them() {
    if !redis_or_skip("aof_files_match_redis_and_move_between_them") {
        return;
    }
    let ours_dir = scratch_dir();
    let theirs_dir = scratch_dir();
    let s = start_in(&ours_dir, &[("appendonly", "yes")]);
    let r = Redis::start_with(&["--dir", theirs_dir.to_str().unwrap(), "--appendonly", "yes"]);
    let mut c = s.conn();
    let mut rc = r.conn();
    let incr = "appendonlydir/appendonly.aof.1.incr.aof";
    // redis-server writes its base once the server is up.
    assert!(wait_until(Duration::from_secs(10), || theirs_dir.join(incr).exists()));
    aof_workload(&mut c);
    aof_workload(&mut rc);
    assert_eq!(digest(&mut c), digest(&mut rc));
    let ours = std::fs::read(ours_dir.join(incr)).unwrap();
    let theirs = std::fs::read(theirs_dir.join(incr)).unwrap();
    assert_eq!(esc(&mask_times(&ours)), esc(&mask_times(&theirs)));
    let want = digest(&mut c);
    s.stop().unwrap();
    drop(r);

    let check = std::process::Command::new("redis-check-aof")
        .arg(ours_dir.join("appendonlydir/appendonly.aof.manifest"))
        .output()
        .expect("run redis-check-aof");
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success() && text.contains("is valid"), "{text}");

    // Each reads the other's directory.
    let r = Redis::start_with(&["--dir", ours_dir.to_str().unwrap(), "--appendonly", "yes"]);
    assert_eq!(
        digest(loaded(&mut r.conn())),
        want,
        "redis-server read loopkv's AOF differently"
    );
    drop(r);
    let s = start_in(&theirs_dir, &[("appendonly", "yes")]);
    assert_eq!(
        digest(&mut s.conn()),
        want,
        "loopkv read redis-server's AOF differently"
    );
}

/// An old single appendonly.aof (Redis before 7.0) becomes the base of a
/// new manifest at start-up.
#[test]
fn an_old_single_aof_is_migrated() {
    let dir = scratch_dir();
    let old = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nvalue\r\n";
    std::fs::write(dir.join("appendonly.aof"), old).unwrap();
    let s = start_in(&dir, &[("appendonly", "yes")]);
    let mut c = s.conn();
    c.expect("GET old", b"$5\r\nvalue\r\n");
    c.expect("SET new 1", b"+OK\r\n");
    assert_eq!(
        manifest(&dir),
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    assert!(!dir.join("appendonly.aof").exists());
    s.stop().unwrap();
    let s = start_in(&dir, &[("appendonly", "yes")]);
    s.conn().expect("MGET old new", b"*2\r\n$5\r\nvalue\r\n$1\r\n1\r\n");
}

/// A small tmpfs mounted for one test (needs root; None elsewhere),
/// unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(test: &str, size: &str) -> Option<Tmpfs> {
        let dir = scratch_dir();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("{test} NOT RUN: cannot mount a tmpfs (needs root)");
            return None;
        }
        Some(Tmpfs(dir))
    }

    /// A 1 MB tmpfs whose file `ballast` takes 700 KB of it.
    fn nearly_full(test: &str) -> Option<(Tmpfs, PathBuf)> {
        let fs = Tmpfs::mount(test, "1m")?;
        let ballast = fs.0.join("ballast");
        std::fs::write(&ballast, vec![0u8; 700 * 1024]).unwrap();
        Some((fs, ballast))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A full disk: the write that fails is kept and retried, writes get
/// Redis's -MISCONF meanwhile, and once there is room again everything
/// acknowledged is in the file (a restart holds it all).
#[test]
fn a_full_disk_refuses_writes_and_loses_nothing() {
    let Some((fs, ballast)) = Tmpfs::nearly_full("a_full_disk_refuses_writes_and_loses_nothing") else {
        return;
    };
    let dir = fs.0.clone();
    let aof = [("appendonly", "yes"), ("appendfsync", "everysec")];
    let s = start_in(&dir, &aof);
    let mut c = s.conn();
    // The incremental file a rewrite opens, as well as the start-up one,
    // must take the retried bytes at its end.
    c.expect("BGREWRITEAOF", b"+Background append only file rewriting started\r\n");
    wait_rewrite(&mut c);
    let value = vec![b'v'; 8 * 1024];
    let mut acked = Vec::new();
    let misconf = b"-MISCONF Errors writing to the AOF file: No space left on device\r\n";
    let mut refused = false;
    for i in 0..200 {
        let key = format!("key:{i}");
        let reply = c.cmd(&[b"SET", key.as_bytes(), &value]);
        if reply == b"+OK\r\n" {
            acked.push(key);
        } else {
            assert_eq!(esc(&reply), esc(misconf));
            refused = true;
            break;
        }
    }
    assert!(refused, "the disk never filled");
    assert_eq!(info_field(&mut c, "aof_last_write_status"), "err");
    // Reads still work, writes do not.
    c.expect("DBSIZE", format!(":{}\r\n", acked.len()).as_bytes());
    c.expect("DEL key:0", misconf);
    // Room again: the kept bytes are written at the next retry.
    std::fs::remove_file(&ballast).unwrap();
    assert!(
        wait_until(Duration::from_secs(10), || info_field(&mut c, "aof_last_write_status")
            == "ok"),
        "the AOF write was not retried"
    );
    c.expect("SET after 1", b"+OK\r\n");
    let before = digest(&mut c);
    drop(c);
    s.stop().unwrap();
    let s = start_in(&dir, &aof);
    let mut c = s.conn();
    assert_eq!(digest(&mut c), before);
    c.expect("DBSIZE", format!(":{}\r\n", acked.len() + 1).as_bytes());
    drop(c);
    s.stop().unwrap();
}

/// `kill -9` under a write load: after a restart every acknowledged
/// write is there, with either fsync policy (the AOF is written before
/// any reply of a loop iteration leaves; with `always` it is also synced).
#[test]
fn kill_9_under_load_loses_no_acknowledged_write() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    for policy in ["always", "everysec"] {
        let dir = scratch_dir();
        let (mut child, port) = spawn_binary(&dir, &["--appendonly", "yes", "--appendfsync", policy]);
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let total = Arc::new(AtomicU64::new(0));
        let writers: Vec<_> = (0..4)
            .map(|t| {
                let total = Arc::clone(&total);
                std::thread::spawn(move || {
                    let mut c = Conn::connect(addr);
                    let key = format!("counter:{t}");
                    let mut acked = 0u64;
                    // Until the server dies under it.
                    while let Ok(reply) = c.try_cmd(&[b"INCR", key.as_bytes()]) {
                        assert_eq!(reply, format!(":{}\r\n", acked + 1).into_bytes());
                        acked += 1;
                        total.fetch_add(1, Ordering::Relaxed);
                    }
                    acked
                })
            })
            .collect();
        assert!(wait_until(Duration::from_secs(60), || total.load(Ordering::Relaxed) >= 4000));
        child.kill().unwrap();
        child.wait().unwrap();
        let acked: Vec<u64> = writers.into_iter().map(|w| w.join().unwrap()).collect();

        let s = start_in(&dir, &[("appendonly", "yes")]);
        let mut c = s.conn();
        for (t, &n) in acked.iter().enumerate() {
            let got = c.cmd(&[b"GET", format!("counter:{t}").as_bytes()]);
            let text = String::from_utf8_lossy(&got).into_owned();
            let value: u64 = text.lines().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
            // The one in flight may have been written but not answered.
            assert!(
                value == n || value == n + 1,
                "{policy}: counter:{t} is {value}, {n} acknowledged"
            );
        }
    }
}

/// `kill -9` in the middle of a BGSAVE or a rewrite: the files on disk
/// are the previous ones, complete, plus what was appended meanwhile.
/// With `appendfsync always`: under `everysec` a write may wait (as on
/// Redis) while a slow background fsync runs, and a busy machine made the
/// kill land in that wait now and then.
#[test]
fn kill_9_during_a_save_or_rewrite_leaves_usable_files() {
    let dir = scratch_dir();
    let (mut child, port) = spawn_binary(
        &dir,
        &[
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--enable-debug-command",
            "yes",
        ],
    );
    let mut c = Conn::connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    // (DEBUG POPULATE is not written to the AOF, as in Redis.)
    let mut mset: Vec<Vec<u8>> = vec![b"MSET".to_vec()];
    for i in 0..2000 {
        mset.push(format!("key:{i}").into_bytes());
        mset.push(format!("value:{i}").into_bytes());
    }
    c.cmd(&mset.iter().map(Vec::as_slice).collect::<Vec<_>>());
    c.expect("SAVE", b"+OK\r\n");
    let saved = std::fs::read(dir.join("dump.rdb")).unwrap();
    c.expect("CONFIG SET rdb-key-save-delay 1000000", b"+OK\r\n");
    c.expect("BGREWRITEAOF", b"+Background append only file rewriting started\r\n");
    // Writes during the rewrite go to the new incremental file, which the
    // manifest names from the start of the rewrite.
    c.expect("SET during-rewrite 1", b"+OK\r\n");
    c.expect("DEL key:7", b":1\r\n");
    assert!(manifest(&dir).contains("appendonly.aof.2.incr.aof seq 2 type i"));
    // BGSAVE waits for the rewrite, so it is scheduled.
    c.expect("BGSAVE SCHEDULE", b"+Background saving scheduled\r\n");
    let want = digest(&mut c);
    child.kill().unwrap();
    child.wait().unwrap();
    // The RDB file is untouched, the AOF directory loads.
    assert_eq!(std::fs::read(dir.join("dump.rdb")).unwrap(), saved);
    let s = start_in(&dir, &[("appendonly", "yes")]);
    let mut c = s.conn();
    assert_eq!(digest(&mut c), want);
    c.expect("EXISTS during-rewrite key:7", b":1\r\n");
}

/// Redis's own `rdb-preamble.aof` asset (a single AOF of Redis before
/// 7.0 with an RDB preamble) loads to redis-server's digest, migrated
/// into a manifest as redis-server migrates it.
#[test]
fn redis_rdb_preamble_aof_asset_loads_as_in_redis() {
    if !redis_or_skip("redis_rdb_preamble_aof_asset_loads_as_in_redis") {
        return;
    }
    let Some(assets) = extract_assets() else {
        eprintln!("redis test assets NOT CHECKED: the suite archive was not found");
        return;
    };
    let theirs = scratch_dir();
    std::fs::copy(assets.join("rdb-preamble.aof"), theirs.join("appendonly.aof")).unwrap();
    let r = Redis::start_with(&["--dir", theirs.to_str().unwrap(), "--appendonly", "yes"]);
    let want = digest(loaded(&mut r.conn()));
    drop(r);
    let ours = scratch_dir();
    std::fs::copy(assets.join("rdb-preamble.aof"), ours.join("appendonly.aof")).unwrap();
    let s = start_in(&ours, &[("appendonly", "yes")]);
    assert_eq!(esc(&digest(&mut s.conn())), esc(&want));
    assert_eq!(manifest(&ours), manifest(&theirs));
}

/// With `appendfsync always` a failed AOF write ends the server (exit
/// code 1, as Redis: it cannot answer a write it could not make durable),
/// and everything it acknowledged is in the file.
#[test]
fn a_full_disk_with_fsync_always_stops_the_server() {
    let Some((fs, ballast)) = Tmpfs::nearly_full("a_full_disk_with_fsync_always_stops_the_server") else {
        return;
    };
    let dir = fs.0.clone();
    let (mut child, port) = spawn_binary(&dir, &["--appendonly", "yes", "--appendfsync", "always"]);
    let mut c = Conn::connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    let value = vec![b'v'; 8 * 1024];
    let mut acked = 0;
    for i in 0..200 {
        match c.try_cmd(&[b"SET", format!("key:{i}").as_bytes(), &value]) {
            Ok(reply) => {
                assert_eq!(reply, b"+OK\r\n");
                acked += 1;
            }
            Err(_) => break,
        }
    }
    assert_eq!(child.wait().unwrap().code(), Some(1));
    assert!(acked > 0 && acked < 200, "{acked} writes acknowledged");
    std::fs::remove_file(&ballast).unwrap();
    let s = start_in(&dir, &[("appendonly", "yes")]);
    let mut c = s.conn();
    c.expect("DBSIZE", format!(":{acked}\r\n").as_bytes());
    drop(c);
    s.stop().unwrap();
}

/// SIGTERM during the start-up load ends the server at once and without
/// a save, as Redis does: the file is not replaced by the part loaded.
#[cfg(unix)]
#[test]
fn a_signal_during_the_load_exits_without_saving() {
    let dir = saved_keys(20_000);
    let before = std::fs::read(dir.join("dump.rdb")).unwrap();
    let (mut child, port) = spawn_binary(&dir, &["--key-load-delay", "1000", "--save", "3600 1"]);
    let mut c = Conn::connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    c.expect("GET key:1", b"-LOADING Redis is loading the dataset in memory\r\n");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.wait().unwrap().success());
    assert_eq!(std::fs::read(dir.join("dump.rdb")).unwrap(), before);
}

/// The AOF's scripts are obeyed on a read-only replica, as its master's
/// are: their writes replay at start-up (Redis's `mustObeyClient`).
#[test]
fn a_read_only_replica_replays_the_aof_s_scripts() {
    let dir = scratch_dir();
    std::fs::create_dir_all(aof_dir(&dir)).unwrap();
    std::fs::write(
        aof_dir(&dir).join("appendonly.aof.manifest"),
        "file appendonly.aof.1.incr.aof seq 1 type i\n",
    )
    .unwrap();
    let mut commands = diff_support::encode(&[b"SELECT", b"9"]);
    for body in [
        &b"redis.call('set',KEYS[1],'100')"[..],
        b"redis.call('incr',KEYS[1])",
        b"redis.call('incr',KEYS[1])",
    ] {
        commands.extend_from_slice(&diff_support::encode(&[b"EVAL", body, b"1", b"foo"]));
    }
    std::fs::write(aof_dir(&dir).join("appendonly.aof.1.incr.aof"), commands).unwrap();
    let s = start_in(
        &dir,
        &[
            ("appendonly", "yes"),
            ("replica-read-only", "yes"),
            ("replicaof", "127.0.0.1 1"),
        ],
    );
    let mut c = s.conn();
    c.expect("SELECT 9", b"+OK\r\n");
    c.expect("GET foo", b"$3\r\n102\r\n");
}
