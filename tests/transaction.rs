//! Transactions: MULTI/EXEC/DISCARD replies and errors, EXECABORT after a
//! command fails to queue, runtime errors inside EXEC, blocking commands
//! inside EXEC, RESP3 replies, and WATCH invalidation by every cause
//! (writes from any client, expiry lazy and active, FLUSHDB, FLUSHALL,
//! SWAPDB, RENAME, MOVE, a blocked client's move), in database 0 and in
//! another one. Expected replies are Redis 7.0.15's
//! (`LOOPKV_TEST_REAL_REDIS=1 cargo test --test transaction`).

mod common;

use std::time::Duration;

use common::{Conn, eventually, start, start_with};

/// Counted, as in the binary, so `maxmemory` has a figure to compare.
#[global_allocator]
static ALLOCATOR: loopkv::memory::Counting = loopkv::memory::Counting;

const NULL_ARRAY: &[u8] = b"*-1\r\n";
const EXECABORT: &[u8] = b"-EXECABORT Transaction discarded because of previous errors.\r\n";

/// A connection with database `db` selected.
fn conn_db(addr: std::net::SocketAddr, db: usize) -> Conn {
    let mut c = Conn::connect(addr);
    c.t(&format!("SELECT {db}"), b"+OK\r\n");
    c
}

#[test]
fn multi_exec_runs_queued_commands_in_order() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k 1", b"+QUEUED\r\n");
    c.t("INCR k", b"+QUEUED\r\n");
    c.t("GET k", b"+QUEUED\r\n");
    c.t("RPUSH l a b", b"+QUEUED\r\n");
    c.t("LRANGE l 0 -1", b"+QUEUED\r\n");
    c.t(
        "EXEC",
        b"*5\r\n+OK\r\n:2\r\n$1\r\n2\r\n:2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    c.t("GET k", b"$1\r\n2\r\n");
    // An empty transaction replies an empty array.
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", b"*0\r\n");
}

#[test]
fn transaction_errors() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("EXEC", b"-ERR EXEC without MULTI\r\n");
    c.t("DISCARD", b"-ERR DISCARD without MULTI\r\n");
    c.t("MULTI", b"+OK\r\n");
    // Neither of these dooms the transaction.
    c.t("MULTI", b"-ERR MULTI calls can not be nested\r\n");
    c.t("WATCH k", b"-ERR WATCH inside MULTI is not allowed\r\n");
    c.t("SET k v", b"+QUEUED\r\n");
    c.t("EXEC", b"*1\r\n+OK\r\n");
    // DISCARD drops the queued commands.
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k other", b"+QUEUED\r\n");
    c.t("DISCARD", b"+OK\r\n");
    c.t("GET k", b"$1\r\nv\r\n");
    c.t("EXEC", b"-ERR EXEC without MULTI\r\n");
    // Wrong arity of the transaction commands themselves.
    c.t("MULTI x", b"-ERR wrong number of arguments for 'multi' command\r\n");
    c.t("WATCH", b"-ERR wrong number of arguments for 'watch' command\r\n");
    c.t("UNWATCH x", b"-ERR wrong number of arguments for 'unwatch' command\r\n");
    c.t(
        "EXEC x",
        b"-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
    );
    c.t("DISCARD x", b"-ERR wrong number of arguments for 'discard' command\r\n");
}

#[test]
fn queueing_errors_abort_exec() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    // Unknown command.
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k 1", b"+QUEUED\r\n");
    c.t(
        "NOSUCH a",
        b"-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n",
    );
    c.t("SET k 2", b"+QUEUED\r\n");
    c.t("EXEC", EXECABORT);
    c.t("EXISTS k", b":0\r\n");
    // Wrong arity.
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k", b"-ERR wrong number of arguments for 'set' command\r\n");
    c.t("EXEC", EXECABORT);
    // A wrong-arity DISCARD or MULTI dooms the transaction too.
    c.t("MULTI", b"+OK\r\n");
    c.t("DISCARD x", b"-ERR wrong number of arguments for 'discard' command\r\n");
    c.t("EXEC", EXECABORT);
    // A wrong-arity EXEC aborts at once.
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k 1", b"+QUEUED\r\n");
    c.t(
        "EXEC x",
        b"-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
    );
    c.t("EXEC", b"-ERR EXEC without MULTI\r\n");
    c.t("EXISTS k", b":0\r\n");
    // Commands not allowed inside a transaction.
    c.t("MULTI", b"+OK\r\n");
    c.t("SHUTDOWN", b"-ERR Command not allowed inside a transaction\r\n");
    c.t("EXEC", EXECABORT);
    // The unknown-command error counts once; EXECABORT is its own error.
    let stats = String::from_utf8(c.call(&["INFO", "errorstats"])).unwrap();
    assert!(stats.contains("errorstat_EXECABORT:count=5"), "{stats}");
}

#[test]
fn exec_rejected_for_noauth_aborts() {
    let (_h, addr) = start_with(&[("requirepass", "pw")]);
    let mut c = Conn::connect(addr);
    c.t(
        "EXEC",
        b"-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n",
    );
    c.t("MULTI", b"-NOAUTH Authentication required.\r\n");
    c.t("AUTH pw", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", b"*0\r\n");
    let stats = String::from_utf8(c.call(&["INFO", "errorstats"])).unwrap();
    assert!(
        stats.contains("errorstat_EXECABORT:count=1\r\nerrorstat_NOAUTH:count=1\r\n"),
        "{stats}"
    );
}

#[test]
fn runtime_errors_do_not_stop_exec() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("MULTI", b"+OK\r\n");
    c.t("SET a 1", b"+QUEUED\r\n");
    c.t("LPUSH a x", b"+QUEUED\r\n");
    c.t("INCR a", b"+QUEUED\r\n");
    c.t("INCR nope x", b"-ERR wrong number of arguments for 'incr' command\r\n");
    c.t("DISCARD", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("SET a 1", b"+QUEUED\r\n");
    c.t("LPUSH a x", b"+QUEUED\r\n");
    c.t("INCR a", b"+QUEUED\r\n");
    c.t(
        "EXEC",
        b"*3\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:2\r\n",
    );
    c.t("GET a", b"$1\r\n2\r\n");
}

#[test]
fn select_inside_exec_changes_the_database() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("MULTI", b"+OK\r\n");
    c.t("SELECT 3", b"+QUEUED\r\n");
    c.t("SET k v", b"+QUEUED\r\n");
    c.t("EXEC", b"*2\r\n+OK\r\n+OK\r\n");
    c.t("GET k", b"$1\r\nv\r\n");
    c.t("SELECT 0", b"+OK\r\n");
    c.t("EXISTS k", b":0\r\n");
}

#[test]
fn blocking_commands_inside_exec_do_not_block() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    c.t("MULTI", b"+OK\r\n");
    c.t("BLPOP empty 0", b"+QUEUED\r\n");
    c.t("BRPOP empty 0", b"+QUEUED\r\n");
    c.t("BLMOVE empty dst LEFT RIGHT 0", b"+QUEUED\r\n");
    c.t("BRPOPLPUSH empty dst 0", b"+QUEUED\r\n");
    c.t("BLMPOP 0 1 empty LEFT", b"+QUEUED\r\n");
    c.t("BZPOPMIN empty 0", b"+QUEUED\r\n");
    c.t("BZMPOP 0 1 empty MIN", b"+QUEUED\r\n");
    c.t("RPUSH full a", b"+QUEUED\r\n");
    c.t("BLPOP full 0", b"+QUEUED\r\n");
    c.t(
        "EXEC",
        b"*9\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n*-1\r\n:1\r\n*2\r\n$4\r\nfull\r\n$1\r\na\r\n",
    );
    // Still usable for real blocking afterwards.
    c.t("BLPOP empty 0.01", b"*-1\r\n");
}

#[test]
fn resp3_exec_replies() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let mut w = Conn::connect(addr);
    c.call(&["HELLO", "3"]);
    c.t("HSET h f v", b":1\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("HGETALL h", b"+QUEUED\r\n");
    c.t("GET nope", b"+QUEUED\r\n");
    c.t("ZADD z 1.5 m", b"+QUEUED\r\n");
    c.t("ZSCORE z m", b"+QUEUED\r\n");
    c.t("EXEC", b"*4\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n_\r\n:1\r\n,1.5\r\n");
    // A failed WATCH replies RESP3's null.
    c.t("WATCH h", b"+OK\r\n");
    w.t("HSET h g v", b":1\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("HGETALL h", b"+QUEUED\r\n");
    c.t("EXEC", b"_\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t(
        "NOSUCH",
        b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n",
    );
    c.t("EXEC", EXECABORT);
}

/// WATCH `key` in database `db` on a fresh connection, let `change` act
/// (with a second connection in the same database), then reports EXEC's
/// reply to `MULTI; PING`.
fn exec_after(
    addr: std::net::SocketAddr,
    db: usize,
    setup: &str,
    key: &str,
    change: impl FnOnce(&mut Conn),
) -> Vec<u8> {
    let mut other = conn_db(addr, db);
    other.call(&["FLUSHALL"]);
    if !setup.is_empty() {
        other.t(setup, b"+OK\r\n");
    }
    let mut c = conn_db(addr, db);
    c.t(&format!("WATCH {key}"), b"+OK\r\n");
    change(&mut other);
    c.t("MULTI", b"+OK\r\n");
    c.t("PING", b"+QUEUED\r\n");
    c.call(&["EXEC"])
}

const PONG: &[u8] = b"*1\r\n+PONG\r\n";

#[test]
fn watch_is_invalidated_by_writes_from_any_client() {
    let (_h, addr) = start();
    for db in [0, 9] {
        // A write to the key.
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("SET k w", b"+OK\r\n")),
            NULL_ARRAY
        );
        // Creating a watched key that did not exist.
        assert_eq!(
            exec_after(addr, db, "", "k", |o| o.t("LPUSH k a", b":1\r\n")),
            NULL_ARRAY
        );
        // Deleting it.
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("DEL k", b":1\r\n")),
            NULL_ARRAY
        );
        // EXPIRE on it.
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("EXPIRE k 100", b":1\r\n")),
            NULL_ARRAY
        );
        // RENAME onto it, and away from it.
        assert_eq!(
            exec_after(addr, db, "SET src v", "k", |o| o.t("RENAME src k", b"+OK\r\n")),
            NULL_ARRAY
        );
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("RENAME k dst", b"+OK\r\n")),
            NULL_ARRAY
        );
        // DEL of several keys changes only those that existed.
        assert_eq!(
            exec_after(addr, db, "SET j v", "k", |o| o.t("DEL j k", b":1\r\n")),
            PONG
        );
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("DEL j k", b":1\r\n")),
            NULL_ARRAY
        );
        // SORT ... STORE.
        assert_eq!(
            exec_after(addr, db, "", "k", |o| {
                o.t("RPUSH l 2 1", b":2\r\n");
                o.t("SORT l STORE k", b":2\r\n");
            }),
            NULL_ARRAY
        );
        assert_eq!(
            exec_after(addr, db, "", "k", |o| o.t("SORT l STORE k", b":0\r\n")),
            PONG
        );
        // A store destination.
        assert_eq!(
            exec_after(addr, db, "SET a v", "k", |o| o.t("SUNIONSTORE k a2 a3", b":0\r\n")),
            PONG
        );
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("SUNIONSTORE k a2 a3", b":0\r\n")),
            NULL_ARRAY
        );
        // Untouched: a read, another key, a no-op write, the same key in
        // another database.
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("GET k", b"$1\r\nv\r\n")),
            PONG
        );
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("SET j v", b"+OK\r\n")),
            PONG
        );
        assert_eq!(exec_after(addr, db, "", "k", |o| o.t("LREM k 0 a", b":0\r\n")), PONG);
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| {
                o.t("SELECT 5", b"+OK\r\n");
                o.t("SET k w", b"+OK\r\n");
            }),
            PONG
        );
    }
}

#[test]
fn watch_sees_the_clients_own_writes_and_is_cleared_by_exec_discard_unwatch() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let mut o = Conn::connect(addr);
    c.t("WATCH k", b"+OK\r\n");
    c.t("SET k v", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", NULL_ARRAY);
    // EXEC (failed or not) unwatched everything.
    o.t("SET k w", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", b"*0\r\n");
    // DISCARD unwatches.
    c.t("WATCH k", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("DISCARD", b"+OK\r\n");
    o.t("SET k x", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", b"*0\r\n");
    // UNWATCH forgets a change already seen.
    c.t("WATCH k", b"+OK\r\n");
    o.t("SET k y", b"+OK\r\n");
    c.t("UNWATCH", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", b"*0\r\n");
    // WATCH after a change keeps the transaction doomed.
    c.t("WATCH k", b"+OK\r\n");
    o.t("SET k z", b"+OK\r\n");
    c.t("WATCH j", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", NULL_ARRAY);
    // A write inside the transaction does not fail it.
    c.t("WATCH k", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k inside", b"+QUEUED\r\n");
    c.t("EXEC", b"*1\r\n+OK\r\n");
    // RESET unwatches too.
    c.t("WATCH k", b"+OK\r\n");
    c.t("RESET", b"+RESET\r\n");
    o.t("SET k again", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("EXEC", b"*0\r\n");
    // A watcher that disconnects leaves nothing behind.
    let mut gone = Conn::connect(addr);
    gone.t("WATCH k", b"+OK\r\n");
    drop(gone);
    o.t("SET k after", b"+OK\r\n");
    o.t("PING", b"+PONG\r\n");
}

#[test]
fn watch_is_invalidated_by_flushes_and_swapdb() {
    let (_h, addr) = start();
    for db in [0, 9] {
        let other = if db == 0 { 4 } else { 0 };
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("FLUSHDB", b"+OK\r\n")),
            NULL_ARRAY
        );
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t("FLUSHALL", b"+OK\r\n")),
            NULL_ARRAY
        );
        // A watched key that did not exist is not changed by a flush.
        assert_eq!(
            exec_after(addr, db, "SET j v", "k", |o| o.t("FLUSHALL", b"+OK\r\n")),
            PONG
        );
        // Flushing another database.
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| {
                o.t(&format!("SELECT {other}"), b"+OK\r\n");
                o.t("FLUSHDB", b"+OK\r\n");
            }),
            PONG
        );
        // SWAPDB: the key exists on one side or the other.
        let swap = format!("SWAPDB {db} {other}");
        assert_eq!(
            exec_after(addr, db, "SET k v", "k", |o| o.t(&swap, b"+OK\r\n")),
            NULL_ARRAY
        );
        assert_eq!(
            exec_after(addr, db, "", "k", |o| {
                o.t(&format!("SELECT {other}"), b"+OK\r\n");
                o.t("SET k v", b"+OK\r\n");
                o.t(&swap, b"+OK\r\n");
            }),
            NULL_ARRAY
        );
        // Neither side has it.
        assert_eq!(exec_after(addr, db, "SET j v", "k", |o| o.t(&swap, b"+OK\r\n")), PONG);
        // MOVE into the watching database.
        assert_eq!(
            exec_after(addr, db, "", "k", |o| {
                o.t(&format!("SELECT {other}"), b"+OK\r\n");
                o.t("SET k v", b"+OK\r\n");
                o.t(&format!("MOVE k {db}"), b":1\r\n");
            }),
            NULL_ARRAY
        );
        // COPY into the watching database.
        assert_eq!(
            exec_after(addr, db, "", "k", |o| {
                o.t(&format!("SELECT {other}"), b"+OK\r\n");
                o.t("SET k v", b"+OK\r\n");
                o.t(&format!("COPY k k DB {db}"), b":1\r\n");
            }),
            NULL_ARRAY
        );
    }
}

#[test]
fn watch_is_invalidated_by_expiry() {
    let (_h, addr) = start_with(&[("enable-debug-command", "yes")]);
    let mut admin = Conn::connect(addr);
    for db in [0, 9] {
        // Active expiry deletes the key while nobody reads it.
        admin.t("DEBUG SET-ACTIVE-EXPIRE 1", b"+OK\r\n");
        let got = exec_after(addr, db, "SET k v PX 50", "k", |o| {
            eventually("active expiry", || o.call(&["DBSIZE"]) == b":0\r\n");
        });
        assert_eq!(got, NULL_ARRAY);

        admin.t("DEBUG SET-ACTIVE-EXPIRE 0", b"+OK\r\n");
        // The key expires, unread, before EXEC.
        let got = exec_after(addr, db, "SET k v PX 30", "k", |_| {
            std::thread::sleep(Duration::from_millis(60))
        });
        assert_eq!(got, NULL_ARRAY);
        // Another client's read deletes it lazily, then it is set again.
        let got = exec_after(addr, db, "SET k v PX 30", "k", |o| {
            std::thread::sleep(Duration::from_millis(60));
            o.t("GET k", b"$-1\r\n");
            o.t("SET k again", b"+OK\r\n");
        });
        assert_eq!(got, NULL_ARRAY);
        // A key already expired when watched: its deletion is no change.
        let mut o = conn_db(addr, db);
        let mut c = conn_db(addr, db);
        o.t("SET k v PX 1", b"+OK\r\n");
        std::thread::sleep(Duration::from_millis(20));
        c.t("WATCH k", b"+OK\r\n");
        o.t("GET k", b"$-1\r\n");
        c.t("MULTI", b"+OK\r\n");
        c.t("EXEC", b"*0\r\n");
        // ... but setting it afterwards is.
        o.t("SET k v PX 1", b"+OK\r\n");
        std::thread::sleep(Duration::from_millis(20));
        c.t("WATCH k", b"+OK\r\n");
        o.t("GET k", b"$-1\r\n");
        o.t("SET k new", b"+OK\r\n");
        c.t("MULTI", b"+OK\r\n");
        c.t("EXEC", NULL_ARRAY);
    }
    admin.t("DEBUG SET-ACTIVE-EXPIRE 1", b"+OK\r\n");
}

#[test]
fn watch_is_invalidated_by_a_blocked_clients_move() {
    let (_h, addr) = start();
    for db in [0, 9] {
        let mut admin = Conn::connect(addr);
        admin.t("FLUSHALL", b"+OK\r\n");
        let mut blocked = conn_db(addr, db);
        let mut c = conn_db(addr, db);
        let mut o = conn_db(addr, db);
        blocked.send_raw(&common::encode(&["BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"]));
        eventually("blocked", || admin.info_field("clients", "blocked_clients") == "1");
        c.t("WATCH dst", b"+OK\r\n");
        o.t("LPUSH src a", b":1\r\n");
        assert_eq!(blocked.read_replies(1), b"$1\r\na\r\n");
        c.t("MULTI", b"+OK\r\n");
        c.t("EXEC", NULL_ARRAY);
    }
}

#[test]
fn queued_commands_are_counted_when_they_run() {
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let before: i64 = c.info_field("stats", "total_commands_processed").parse().unwrap();
    c.t("MULTI", b"+OK\r\n");
    c.t("SET k v", b"+QUEUED\r\n");
    c.t("GET k", b"+QUEUED\r\n");
    c.t("EXEC", b"*2\r\n+OK\r\n$1\r\nv\r\n");
    let after: i64 = c.info_field("stats", "total_commands_processed").parse().unwrap();
    assert_eq!(after - before, 5);
    let stats = String::from_utf8(c.call(&["INFO", "commandstats"])).unwrap();
    assert!(stats.contains("cmdstat_set:calls=1,"), "{stats}");
    assert!(stats.contains("cmdstat_exec:calls=1,"), "{stats}");
    // CLIENT INFO names EXEC as the last command, not the last queued one.
    c.t("MULTI", b"+OK\r\n");
    c.t("GET k", b"+QUEUED\r\n");
    c.t("EXEC", b"*1\r\n$1\r\nv\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("CLIENT INFO", b"+QUEUED\r\n");
    let info = String::from_utf8(c.call(&["EXEC"])).unwrap();
    assert!(info.contains(" cmd=exec "), "{info}");
}

#[test]
fn watch_is_touched_only_by_keys_that_changed() {
    // As Redis's signalModifiedKey: a multi-key command touches only the
    // keys it changed.
    let (_h, addr) = start();
    let setup = |o: &mut Conn| {
        o.t("RPUSH a x", b":1\r\n");
        o.t("RPUSH b y", b":1\r\n");
    };
    // LMPOP pops from the first non-empty key only.
    assert_eq!(
        exec_after(addr, 0, "", "b", |o| {
            setup(o);
            o.t("LMPOP 2 a b LEFT", b"*2\r\n$1\r\na\r\n*1\r\n$1\r\nx\r\n");
        }),
        NULL_ARRAY,
        "b created after WATCH"
    );
    let watch_b_then = |change: &str, reply: &[u8]| {
        let mut other = Conn::connect(addr);
        other.call(&["FLUSHALL"]);
        setup(&mut other);
        other.t("SADD s1 m", b":1\r\n");
        other.t("SADD s2 m", b":1\r\n");
        let mut c = Conn::connect(addr);
        c.t("WATCH b s2 nosuch", b"+OK\r\n");
        other.t(change, reply);
        c.t("MULTI", b"+OK\r\n");
        c.t("PING", b"+QUEUED\r\n");
        c.call(&["EXEC"])
    };
    assert_eq!(
        watch_b_then("LMPOP 2 a b LEFT", b"*2\r\n$1\r\na\r\n*1\r\n$1\r\nx\r\n"),
        PONG
    );
    assert_eq!(watch_b_then("BLPOP a b 0", b"*2\r\n$1\r\na\r\n$1\r\nx\r\n"), PONG);
    // SMOVE of a member the destination already has changes only the source.
    assert_eq!(watch_b_then("SMOVE s1 s2 m", b":1\r\n"), PONG);
    // Deleting keys that do not exist changes nothing.
    assert_eq!(watch_b_then("DEL nosuch other", b":0\r\n"), PONG);
    assert_eq!(
        watch_b_then("LMPOP 2 a b LEFT", b"*2\r\n$1\r\na\r\n*1\r\n$1\r\nx\r\n"),
        PONG
    );
    // A no-op LTRIM still signals the key, as in Redis.
    assert_eq!(watch_b_then("LTRIM b 0 -1", b"+OK\r\n"), NULL_ARRAY);
    // The key popped from is touched.
    assert_eq!(
        watch_b_then("LMPOP 1 b LEFT", b"*2\r\n$1\r\nb\r\n*1\r\n$1\r\ny\r\n"),
        NULL_ARRAY
    );
    assert_eq!(watch_b_then("SMOVE s1 s2 m", b":1\r\n"), PONG);
}

/// Past `maxmemory` (noeviction) commands that may grow memory get -OOM,
/// queueing anything inside MULTI is refused, and EXEC aborts when it holds
/// such a command; reads, deletes and EXEC of reads still run. With
/// `min-replicas-to-write` and no replica, writes get -NOREPLICAS. Checked
/// against redis-server 7.0.15 (`LOOPKV_TEST_REAL_REDIS=1`).
#[test]
fn maxmemory_and_min_replicas_refuse_commands() {
    loopkv::memory::start_tracking();
    let (_h, addr) = start();
    let mut c = Conn::connect(addr);
    let mut admin = Conn::connect(addr);
    const OOM: &[u8] = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    c.t("SET x value", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("GET x", b"+QUEUED\r\n");
    c.t("SET y 1", b"+QUEUED\r\n");
    admin.t("CONFIG SET maxmemory 1", b"+OK\r\n");
    c.t(
        "EXEC",
        b"-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n",
    );
    c.t("SET y 1", OOM);
    c.t("GET x", b"$5\r\nvalue\r\n");
    // Queued before the limit: an EXEC of reads runs.
    admin.t("CONFIG SET maxmemory 0", b"+OK\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("GET x", b"+QUEUED\r\n");
    c.t("PING", b"+QUEUED\r\n");
    admin.t("CONFIG SET maxmemory 1", b"+OK\r\n");
    c.t("EXEC", b"*2\r\n$5\r\nvalue\r\n+PONG\r\n");
    // Past it, nothing queues, reads included.
    c.t("MULTI", b"+OK\r\n");
    c.t("GET x", OOM);
    c.t("EXEC", EXECABORT);
    c.t("DEL x", b":1\r\n");
    admin.t("CONFIG SET maxmemory 0", b"+OK\r\n");
    c.t("SET y 1", b"+OK\r\n");
    admin.t("CONFIG SET min-replicas-to-write 1", b"+OK\r\n");
    c.t("SET y 2", b"-NOREPLICAS Not enough good replicas to write.\r\n");
    c.t("GET y", b"$1\r\n1\r\n");
    c.t("MULTI", b"+OK\r\n");
    c.t("INCR y", b"-NOREPLICAS Not enough good replicas to write.\r\n");
    c.t("EXEC", EXECABORT);
    // A lag of 0 turns the check off.
    admin.t("CONFIG SET min-replicas-max-lag 0", b"+OK\r\n");
    c.t("SET y 3", b"+OK\r\n");
}
