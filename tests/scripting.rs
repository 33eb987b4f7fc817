//! Lua scripting through real clients: EVAL/EVALSHA with KEYS and ARGV,
//! the script cache (SCRIPT LOAD/EXISTS/FLUSH, NOSCRIPT), the `redis`
//! crate's `Script` (EVALSHA falling back to EVAL, as redis-py's Lock
//! does), read-only scripts, SELECT inside a script, scripts in MULTI,
//! what reaches the append-only file, and bad input. Expected replies are
//! Redis 7.0.15's (`LOOPKV_TEST_REAL_REDIS=1 cargo test --test scripting`);
//! the byte-for-byte comparison of many more replies is the differential
//! tier (`tests/diff/scripting.txt`).

mod common;

use common::{Conn, redis_conn, start, start_with};

#[global_allocator]
static ALLOCATOR: loopkv::memory::Counting = loopkv::memory::Counting;

#[test]
fn eval_sees_keys_and_argv_and_writes() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.check(
        &[
            "EVAL",
            "return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}",
            "2",
            "k1",
            "k2",
            "a1",
        ],
        b"*5\r\n$2\r\nk1\r\n$2\r\nk2\r\n$2\r\na1\r\n:2\r\n:1\r\n",
    );
    c.check(
        &[
            "EVAL",
            "redis.call('set', KEYS[1], ARGV[1]) return redis.call('incrby', KEYS[1], 5)",
            "1",
            "n",
            "10",
        ],
        b":15\r\n",
    );
    c.t("GET n", b"$2\r\n15\r\n");
    // A script's error leaves the connection usable.
    c.check(
        &["EVAL", "return redis.call('lpush', KEYS[1], 'x')", "1", "n"],
        b"-WRONGTYPE Operation against a key holding the wrong kind of value script: aa19fef467ed0bf8fa388b62e00e9e066f564c0a, on @user_script:1.\r\n",
    );
    c.t("PING", b"+PONG\r\n");
}

#[test]
fn script_cache_and_noscript() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"; // sha1("return 1")
    c.check(
        &["EVALSHA", sha, "0"],
        b"-NOSCRIPT No matching script. Please use EVAL.\r\n",
    );
    c.check(&["SCRIPT", "LOAD", "return 1"], format!("$40\r\n{sha}\r\n").as_bytes());
    c.check(&["SCRIPT", "EXISTS", sha, "nosuch"], b"*2\r\n:1\r\n:0\r\n");
    c.check(&["EVALSHA", &sha.to_uppercase(), "0"], b":1\r\n");
    c.check(&["EVALSHA_RO", sha, "0"], b":1\r\n");
    c.t("SCRIPT FLUSH", b"+OK\r\n");
    c.check(&["SCRIPT", "EXISTS", sha], b"*1\r\n:0\r\n");
    // EVAL caches what it compiles.
    c.check(&["EVAL", "return 1", "0"], b":1\r\n");
    c.check(&["SCRIPT", "EXISTS", sha], b"*1\r\n:1\r\n");
    c.t("SCRIPT FLUSH ASYNC", b"+OK\r\n");
    c.t(
        "SCRIPT FLUSH NOW",
        b"-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n",
    );
    c.check(
        &["SCRIPT", "LOAD", "return +"],
        b"-ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'\r\n",
    );
    c.t("SCRIPT KILL", b"-NOTBUSY No scripts in execution right now.\r\n");
}

/// The `redis` crate's `Script` sends EVALSHA and falls back to EVAL on
/// NOSCRIPT: what redis-py's Lock, rate limiters and job queues do.
#[test]
fn redis_crate_script_runs_with_fallback() {
    let (_h, addr) = start();
    let mut con = redis_conn(addr);
    let release = redis::Script::new(
        r"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
    );
    let _: () = redis::cmd("SET").arg("lock").arg("token-1").query(&mut con).unwrap();
    let released: i64 = release.key("lock").arg("token-2").invoke(&mut con).unwrap();
    assert_eq!(released, 0);
    let released: i64 = release.key("lock").arg("token-1").invoke(&mut con).unwrap();
    assert_eq!(released, 1);
    let exists: i64 = redis::cmd("EXISTS").arg("lock").query(&mut con).unwrap();
    assert_eq!(exists, 0);
    let rate = redis::Script::new(
        "local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n",
    );
    for expected in 1..=3 {
        let n: i64 = rate.key("hits").arg(60_000).invoke(&mut con).unwrap();
        assert_eq!(n, expected);
    }
    let ttl: i64 = redis::cmd("PTTL").arg("hits").query(&mut con).unwrap();
    assert!(ttl > 0 && ttl <= 60_000, "{ttl}");
}

#[test]
fn read_only_scripts_refuse_writes() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.check(
        &["EVAL_RO", "return redis.call('set', 'k', 'v')", "0"],
        b"-ERR Write commands are not allowed from read-only scripts. script: 2d991be581da74a0c0c441c4beb92ae41c2e1eb9, on @user_script:1.\r\n",
    );
    c.check(
        &["EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')", "0"],
        b"-ERR Write commands are not allowed from read-only scripts. script: b257fa457662db6b514d4f207000d9d67c45e83f, on @user_script:2.\r\n",
    );
    c.t("EXISTS k", b":0\r\n");
    c.check(&["EVAL_RO", "return redis.call('get', 'k')", "0"], b"$-1\r\n");
    c.check(
        &["EVAL", "#!lua flags=no-writes,bogus\nreturn 1", "0"],
        b"-ERR Unexpected flag in script shebang: bogus\r\n",
    );
}

#[test]
fn select_in_a_script_and_scripts_in_multi() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.check(
        &[
            "EVAL",
            "redis.call('select', 9) return redis.call('set', 'k', 'in9')",
            "0",
        ],
        b"+OK\r\n",
    );
    // The caller's database did not change.
    c.t("EXISTS k", b":0\r\n");
    c.t("SELECT 9", b"+OK\r\n");
    c.t("GET k", b"$3\r\nin9\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.check(
        &["EVAL", "return redis.call('incr', KEYS[1])", "1", "c"],
        b"+QUEUED\r\n",
    );
    c.check(
        &["EVAL", "return redis.call('incr', KEYS[1])", "1", "c"],
        b"+QUEUED\r\n",
    );
    c.t("EXEC", b"*2\r\n:1\r\n:2\r\n");
}

/// Redis's Lua stack runs out 7995 levels deep: the reply holds the
/// arrays it opened and then the error.
#[test]
fn a_deeply_nested_result_is_cut_where_redis_cuts_it() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.send_raw(&common::encode(&[
        "EVAL",
        "local a = {} local b = a for i=1,100000 do b[1] = {} b = b[1] end return a",
        "0",
    ]));
    let mut expected = b"*1\r\n".repeat(7995);
    expected.extend_from_slice(b"-ERR reached lua stack limit\r\n");
    let got = c.read_len(expected.len());
    assert!(got == expected, "{}", common::show(&got[got.len() - 80..]));
    c.t("PING", b"+PONG\r\n");
}

#[test]
fn bad_arguments_get_redis_errors() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("EVAL", b"-ERR wrong number of arguments for 'eval' command\r\n");
    c.check(
        &["EVAL", "return 1"],
        b"-ERR wrong number of arguments for 'eval' command\r\n",
    );
    c.check(
        &["EVAL", "return 1", "x"],
        b"-ERR value is not an integer or out of range\r\n",
    );
    c.check(
        &["EVAL", "return 1", "-1"],
        b"-ERR Number of keys can't be negative\r\n",
    );
    c.check(
        &["EVAL", "return 1", "2", "a"],
        b"-ERR Number of keys can't be greater than number of args\r\n",
    );
    c.check(
        &["EVAL", "return 1", "99999999999999999999"],
        b"-ERR value is not an integer or out of range\r\n",
    );
    c.check(
        &["EVALSHA", "short", "0"],
        b"-NOSCRIPT No matching script. Please use EVAL.\r\n",
    );
    // Binary bodies: bytecode is refused, other bytes are a syntax error.
    c.check(
        &["EVAL", "return loadstring(string.dump(function() return 1 end))()", "0"],
        b"-ERR user_script:1: attempt to call a nil value script: 5dcb142d767eb350dbcc8f0ae66433b0e227f5a2, on @user_script:1.\r\n",
    );
    let reply = c.call(&[b"EVAL".as_slice(), b"\x1bLua\x51\x00\x01\x04", b"0"]);
    assert!(
        reply.starts_with(b"-ERR Error compiling script (new function): "),
        "{}",
        common::show(&reply)
    );
    // The sandbox holds: globals are read-only, no os/io/print.
    for (body, needle) in [
        ("a = 1", "Attempt to modify a readonly table"),
        ("rawset(_G, 'a', 1)", "Attempt to modify a readonly table"),
        ("setmetatable(_G, nil)", "Attempt to modify a readonly table"),
        ("table.insert(string, 'x')", "Attempt to modify a readonly table"),
        ("redis.call = nil", "Attempt to modify a readonly table"),
        ("getmetatable('').__index = {}", "Attempt to modify a readonly table"),
        ("return os.time()", "nonexistent global variable 'os'"),
        ("return io.open('x')", "nonexistent global variable 'io'"),
        ("return getfenv(1)", "nonexistent global variable 'getfenv'"),
        ("return loadstring('x = 1')()", "Attempt to modify a readonly table"),
    ] {
        let reply = c.call(&["EVAL", body, "0"]);
        assert!(
            reply.starts_with(b"-") && String::from_utf8_lossy(&reply).contains(needle),
            "{body}: {}",
            common::show(&reply)
        );
    }
    c.check(&["EVAL", "return type(string.upper)", "0"], b"$8\r\nfunction\r\n");
}

/// A script's writes reach the append-only file as the commands it ran,
/// in MULTI/EXEC when there are several; `redis.set_repl(REPL_NONE)`
/// keeps them out.
#[test]
fn script_effects_are_propagated_not_the_script() {
    let (_h, addr) = start_with(&[
        ("appendonly", "yes"),
        ("appendfsync", "always"),
        ("enable-debug-command", "yes"),
    ]);
    let mut c = Conn::connect(addr);
    c.check(
        &[
            "EVAL",
            "redis.call('set', 'a', '1') redis.call('incr', 'a') return redis.call('get', 'a')",
            "0",
        ],
        b"$1\r\n2\r\n",
    );
    c.check(&["EVAL", "return redis.call('set', 'b', 'x')", "0"], b"+OK\r\n");
    c.check(
        &[
            "EVAL",
            "redis.set_repl(redis.REPL_NONE) redis.call('set', 'hidden', '1') return 1",
            "0",
        ],
        b":1\r\n",
    );
    c.check(&["EVAL", "return redis.call('get', 'a')", "0"], b"$1\r\n2\r\n");
    let dir = String::from_utf8(c.call(&["CONFIG", "GET", "dir"])).unwrap();
    let dir = dir.lines().nth(4).unwrap().to_string();
    let incr = std::fs::read_dir(std::path::Path::new(&dir).join("appendonlydir"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".incr.aof"))
        .unwrap();
    let text = String::from_utf8_lossy(&std::fs::read(incr).unwrap()).into_owned();
    let expected = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n\
        *1\r\n$5\r\nMULTI\r\n\
        *3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n\
        *2\r\n$4\r\nincr\r\n$1\r\na\r\n\
        *1\r\n$4\r\nEXEC\r\n\
        *3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\nx\r\n";
    assert_eq!(common::show(text.as_bytes()), common::show(expected.as_bytes()));
    // Replaying it gives the same data, without the unpropagated key.
    c.t("DEBUG LOADAOF", b"+OK\r\n");
    c.t("GET a", b"$1\r\n2\r\n");
    c.t("GET b", b"$1\r\nx\r\n");
    c.t("EXISTS hidden", b":0\r\n");
}

/// A script's failure touches no other client.
#[test]
fn one_clients_script_error_leaves_others_alone() {
    let (_h, addr) = start();
    let mut a = Conn::connect(addr);
    let mut b = Conn::connect(addr);
    a.t("SET shared 1", b"+OK\r\n");
    let reply = a.call(&["EVAL", "redis.call('incr', 'shared') error('boom')", "0"]);
    assert!(
        reply.starts_with(b"-ERR user_script:1: boom script: "),
        "{}",
        common::show(&reply)
    );
    // Writes before the error stay (scripts are not rolled back).
    b.t("GET shared", b"$1\r\n2\r\n");
    b.check(&["EVAL", "return redis.call('get', 'shared')", "0"], b"$1\r\n2\r\n");
}

const LIB: &str = "#!lua name=mylib\nredis.register_function('incr_by', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)\nredis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}";

#[test]
fn functions_load_call_and_list() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.check(&["FUNCTION", "LOAD", LIB], b"$5\r\nmylib\r\n");
    c.check(&["FCALL", "incr_by", "1", "n", "5"], b":5\r\n");
    c.check(&["FCALL_RO", "peek", "1", "n"], b"$1\r\n5\r\n");
    c.check(
        &["FCALL_RO", "incr_by", "1", "n", "5"],
        b"-ERR Can not execute a script with write flag using *_ro command.\r\n",
    );
    c.check(&["FCALL", "nosuch", "0"], b"-ERR Function not found\r\n");
    c.check(&["FCALL", "peek", "x"], b"-ERR Bad number of keys provided\r\n");
    c.check(&["FUNCTION", "LOAD", LIB], b"-ERR Library 'mylib' already exists\r\n");
    c.check(&["FUNCTION", "LOAD", "REPLACE", LIB], b"$5\r\nmylib\r\n");
    // Functions come in name order (Redis: in hash-table order).
    let list = c.call(&["FUNCTION", "LIST"]);
    let head =
        b"*1\r\n*6\r\n$12\r\nlibrary_name\r\n$5\r\nmylib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*2\r\n";
    let incr_by = b"*6\r\n$4\r\nname\r\n$7\r\nincr_by\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n";
    let peek = b"*6\r\n$4\r\nname\r\n$4\r\npeek\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n";
    let in_order = [head.as_slice(), incr_by, peek].concat();
    let swapped = [head.as_slice(), peek, incr_by].concat();
    assert!(list == in_order || list == swapped, "{}", common::show(&list));
    // A library whose code runs too long is stopped, and not installed.
    c.check(
        &["FUNCTION", "LOAD", "#!lua name=slow\nwhile true do end"],
        b"-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
    );
    c.check(&["FUNCTION", "DELETE", "slow"], b"-ERR Library not found\r\n");
    c.check(&["FUNCTION", "DELETE", "mylib"], b"+OK\r\n");
    c.check(&["FCALL", "peek", "1", "n"], b"-ERR Function not found\r\n");
}

/// FUNCTION DUMP's payload restores on another server (and on Redis:
/// the differential tier compares the payloads), with each policy.
#[test]
fn function_dump_and_restore() {
    let (_h1, a1) = start();
    let (_h2, a2) = start();
    let mut one = Conn::connect(a1);
    let mut two = Conn::connect(a2);
    one.check(&["FUNCTION", "LOAD", LIB], b"$5\r\nmylib\r\n");
    let dump = one.call(&["FUNCTION", "DUMP"]);
    let payload = &common::parse_bulk_array(&[b"*1\r\n".as_slice(), &dump].concat())[0];
    two.check(&[b"FUNCTION".as_slice(), b"RESTORE", payload], b"+OK\r\n");
    two.check(&["FCALL", "incr_by", "1", "k", "2"], b":2\r\n");
    two.check(
        &[b"FUNCTION".as_slice(), b"RESTORE", payload],
        b"-ERR Library mylib already exists\r\n",
    );
    two.check(&[b"FUNCTION".as_slice(), b"RESTORE", payload, b"REPLACE"], b"+OK\r\n");
    two.check(&[b"FUNCTION".as_slice(), b"RESTORE", payload, b"FLUSH"], b"+OK\r\n");
    let mut bad = payload.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    two.check(
        &[b"FUNCTION".as_slice(), b"RESTORE", &bad],
        b"-ERR DUMP payload version or checksum are wrong\r\n",
    );
    two.check(
        &[b"FUNCTION".as_slice(), b"RESTORE", payload, b"BOGUS"],
        b"-ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.\r\n",
    );
}

/// Libraries are part of the dataset's files: they survive DEBUG RELOAD
/// (RDB) and a rewrite plus DEBUG LOADAOF (AOF with a plain base).
#[test]
fn functions_persist_in_rdb_and_aof() {
    let (_h, addr) = start_with(&[
        ("enable-debug-command", "yes"),
        ("appendonly", "yes"),
        ("aof-use-rdb-preamble", "no"),
    ]);
    let mut c = Conn::connect(addr);
    c.check(&["FUNCTION", "LOAD", LIB], b"$5\r\nmylib\r\n");
    c.t("DEBUG RELOAD", b"+OK\r\n");
    c.check(&["FCALL", "incr_by", "1", "n", "1"], b":1\r\n");
    c.t("BGREWRITEAOF", b"+Background append only file rewriting started\r\n");
    common::eventually("the rewrite to end", || {
        let info = c.call(&["INFO", "persistence"]);
        String::from_utf8_lossy(&info).contains("aof_rewrite_in_progress:0")
            && !String::from_utf8_lossy(&info).contains("aof_rewrite_scheduled:1")
    });
    c.t("DEBUG LOADAOF", b"+OK\r\n");
    c.check(&["FCALL", "incr_by", "1", "n", "1"], b":2\r\n");
    c.check(&["FUNCTION", "STATS"], b"*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n");
}

/// Waits until `c` gets -BUSY for PING: the script has timed out.
fn wait_busy(c: &mut Conn) {
    common::eventually("the script to be busy", || c.call(&["PING"]).starts_with(b"-BUSY"));
}

/// A script past `busy-reply-threshold` does not freeze the server: other
/// clients (new ones too) get -BUSY except for the commands allowed while
/// busy; SCRIPT KILL stops it even through pcall; the link of the
/// script's caller stays usable.
#[test]
fn a_busy_script_can_be_killed() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("CONFIG SET busy-reply-threshold 10", b"+OK\r\n");
    let mut runner = Conn::connect(addr);
    let body = "local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end";
    runner.send_raw(&common::encode(&["EVAL", body, "0"]));
    runner.send_raw(&common::encode(&["PING"]));
    wait_busy(&mut c);
    c.t(
        "GET x",
        b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
    );
    // A connection made while the script runs is served too.
    let mut late = Conn::connect(addr);
    late.t(
        "SET x y",
        b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
    );
    late.t(
        "FUNCTION KILL",
        b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
    );
    late.t(
        "SHUTDOWN",
        b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n",
    );
    c.t("SCRIPT KILL", b"+OK\r\n");
    let killed = runner.read_replies(1);
    assert!(
        killed.starts_with(b"-ERR Script killed by user with SCRIPT KILL... script: "),
        "{}",
        common::show(&killed)
    );
    runner.raw(b"", b"+PONG\r\n");
    c.t("PING", b"+PONG\r\n");
    c.t("SCRIPT KILL", b"-NOTBUSY No scripts in execution right now.\r\n");
    c.check(&["EVAL", "return 1", "0"], b":1\r\n");
}

/// A script that wrote cannot be killed; FUNCTION KILL stops a function,
/// and FUNCTION STATS shows it while it runs.
#[test]
fn unkillable_scripts_and_function_kill() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("CONFIG SET busy-reply-threshold 10", b"+OK\r\n");
    c.check(
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=spin\nredis.register_function('spin', function() while true do end end)",
        ],
        b"$4\r\nspin\r\n",
    );
    let mut runner = Conn::connect(addr);
    runner.send_raw(&common::encode(&["FCALL", "spin", "0"]));
    wait_busy(&mut c);
    c.t(
        "PING",
        b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n",
    );
    let stats = c.call(&["FUNCTION", "STATS"]);
    let shown = String::from_utf8_lossy(&stats);
    assert!(
        shown.contains("$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n"),
        "{shown}"
    );
    c.t(
        "SCRIPT KILL",
        b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n",
    );
    c.t("FUNCTION KILL", b"+OK\r\n");
    let killed = runner.read_replies(1);
    assert!(
        killed.starts_with(b"-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2."),
        "{}",
        common::show(&killed)
    );

    // A script that wrote stays until it ends.
    runner.send_raw(&common::encode(&[
        "EVAL",
        "redis.call('set', 'w', '1') local n = 0 while n < 30000000 do n = n + 1 end return n",
        "0",
    ]));
    wait_busy(&mut c);
    let unkillable = c.call(&["SCRIPT", "KILL"]);
    assert!(
        unkillable.starts_with(b"-UNKILLABLE Sorry the script already executed write commands"),
        "{}",
        common::show(&unkillable)
    );
    runner.raw(b"", b":30000000\r\n");
    c.t("GET w", b"$1\r\n1\r\n");
}

/// Found in review: a loop inside a coroutine can be killed too (the busy
/// check follows the thread), and a blocking command in a script does not
/// block (the script's client cannot wait).
#[test]
fn coroutines_and_blocking_commands_in_scripts() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("CONFIG SET busy-reply-threshold 10", b"+OK\r\n");
    let mut runner = Conn::connect(addr);
    runner.send_raw(&common::encode(&[
        "EVAL",
        "coroutine.wrap(function() while true do end end)()",
        "0",
    ]));
    wait_busy(&mut c);
    c.t("SCRIPT KILL", b"+OK\r\n");
    let killed = runner.read_replies(1);
    assert!(
        killed.starts_with(b"-ERR Script killed by user with SCRIPT KILL..."),
        "{}",
        common::show(&killed)
    );
    c.check(
        &[
            "EVAL",
            "local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) \
             local _, x = coroutine.resume(co, 1) local _, y = coroutine.resume(co, 10) return {x, y}",
            "0",
        ],
        b"*2\r\n:2\r\n:20\r\n",
    );
    c.check(
        &["EVAL", "return redis.call('blmpop', 0, 1, 'nolist', 'LEFT')", "0"],
        b"$-1\r\n",
    );
    c.check(
        &["EVAL", "return redis.call('blpop', 'nolist', 0)", "0"],
        b"-ERR This Redis command is not allowed from script script: a3cef14236376ebb82ffd8a751bf777e73a8e89c, on @user_script:1.\r\n",
    );
    c.check(&["EVAL", "return redis.call('client', 'nosuch')", "0"], b"-ERR Unknown Redis command called from script script: c4feeb42412574cc112f034f87146a35168d0a98, on @user_script:1.\r\n");
}

/// Found in review: a FLUSHALL run by a function saves an RDB (with save
/// points) that must still hold the libraries.
#[test]
fn a_save_during_fcall_keeps_the_libraries() {
    let (_h, addr) = start_with(&[("save", "3600 1"), ("enable-debug-command", "yes")]);
    let mut c = Conn::connect(addr);
    c.check(
        &[
            "FUNCTION",
            "LOAD",
            "#!lua name=wipe\nredis.register_function('wipe', function() return redis.call('flushall') end)",
        ],
        b"$4\r\nwipe\r\n",
    );
    c.check(&["FCALL", "wipe", "0"], b"+OK\r\n");
    c.t("DEBUG RELOAD NOSAVE", b"+OK\r\n");
    c.check(&["FCALL", "wipe", "0"], b"+OK\r\n");
    c.check(&["FUNCTION", "STATS"], b"*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:1\r\n");
}

/// Every script stays cached, however many there are (each used to hold
/// one of the 8000 slots of the Lua state's reference stack: past them
/// the server died), and each still runs by its SHA.
#[test]
fn many_cached_scripts_and_functions() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let n = 9000;
    let mut pipeline = Vec::new();
    for i in 0..n {
        pipeline.extend_from_slice(&common::encode(&["SCRIPT", "LOAD", &format!("return {i}")]));
    }
    c.send_raw(&pipeline);
    let replies = c.read_replies(n);
    assert_eq!(replies.iter().filter(|&&b| b == b'$').count(), n);
    let sha = loopkv::util::sha1::hex(&loopkv::util::sha1::Sha1::digest(b"return 8999"));
    c.check(&["EVALSHA", &sha, "0"], b":8999\r\n");
    let mut library = String::from("#!lua name=many\n");
    for i in 0..9000 {
        library.push_str(&format!("redis.register_function('f{i}', function() return {i} end)\n"));
    }
    c.check(&["FUNCTION", "LOAD", &library], b"$4\r\nmany\r\n");
    c.t("FCALL f8999 0", b":8999\r\n");
}

/// A script given more arguments than Lua's stack holds sees them all.
#[test]
fn a_script_with_many_arguments() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let mut args: Vec<String> = vec![
        "EVAL".into(),
        "return {#KEYS, #ARGV, KEYS[1], ARGV[#ARGV]}".into(),
        "2".into(),
    ];
    args.extend((0..20000).map(|i| i.to_string()));
    c.check(&args, b"*4\r\n:2\r\n:19998\r\n$1\r\n0\r\n$5\r\n19999\r\n");
    c.check(&["EVAL", "return #ARGV", "0", "a", "b"], b":2\r\n");
}

/// pcall of a library function gives the error's text, as on Redis, and
/// an argument error names the function as it was called.
#[test]
fn library_errors_through_pcall() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.check(
        &[
            "EVAL",
            "local ok, e = pcall(cjson.decode, '[1,') return {tostring(ok), e}",
            "0",
        ],
        b"*2\r\n$5\r\nfalse\r\n$45\r\nExpected value but found T_END at character 4\r\n",
    );
    c.check(
        &["EVAL", "local ok, e = pcall(bit.band, 'x') return e", "0"],
        b"$52\r\nbad argument #1 to '?' (number expected, got string)\r\n",
    );
    c.check(
        &["EVAL", "local f = struct.pack return f('b')", "0"],
        b"-ERR user_script:1: bad argument #2 to 'f' (number expected, got nil) script: 8136c3511da2dc2bc2b233579bc717c746165d0b, on @user_script:1.\r\n",
    );
}
