//! Transactions (Redis's `multi.c`): MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Inside MULTI the dispatcher hands every command to `queue`, which keeps
//! an owned copy of its arguments and replies `+QUEUED`; a command that
//! cannot be queued (unknown, wrong arity, NOAUTH) sets `dirty_exec`, so
//! EXEC replies EXECABORT. EXEC runs the queued commands back to back
//! through `command::execute` with the client's own context.
//!
//! WATCH: `Watched` maps (database, key) to the clients watching it, in
//! WATCH order, and each client lists its own watched keys so UNWATCH and
//! close are cheap. A change to a watched key sets the watcher's
//! `dirty_cas` (EXEC then replies a null array) and unwatches it. Changes
//! are found after each command (`after_command`): the keys the command
//! reported as changed, through the same `Ctx::notify` calls that publish
//! keyspace events (`State::modified`, recorded only while a key is
//! watched or tracking is active; Redis pairs `signalModifiedKey` with
//! `notifyKeyspaceEvent` the same way), are touched; FLUSHDB, FLUSHALL and
//! SWAPDB touch by name; keys deleted by expiry or eviction come as notes
//! from the database (`key_deleted`, called by `command::notify`), which
//! records them only while one of its keys is watched (or tracking is
//! active; `State::sync_notes`). Client-side caching hears of the same changes (Redis's
//! `signalModifiedKey` calls both): `signal_modified` passes each changed
//! key to `tracking`, FLUSHDB/FLUSHALL reach `tracking::flushed`. Nothing
//! here runs beyond two flag checks while nobody WATCHes and nothing is
//! tracked.

use std::time::Instant;

use crate::util::exttable::ExtMap;

use super::table::{CommandDef, c, flags::*};
use super::{Args, Ctx};
use crate::client::{Client, Clients};
use crate::server::State;

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("discard", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), "transactions", discard),
    c("exec", 1, NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG, (0, 0, 0), "transactions", exec),
    c("multi", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), "transactions", multi),
    c("unwatch", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), "transactions", unwatch),
    c("watch", -2, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (1, -1, 1), "transactions", watch),
];

/// A client's transaction state (queued commands, watched keys).
#[derive(Debug, Default)]
pub struct ClientTx {
    /// Between MULTI and EXEC/DISCARD (Redis's `CLIENT_MULTI`).
    multi: bool,
    /// A command failed to queue: EXEC replies EXECABORT (`CLIENT_DIRTY_EXEC`).
    dirty_exec: bool,
    /// A watched key changed: EXEC replies a null array (`CLIENT_DIRTY_CAS`).
    dirty_cas: bool,
    /// EXEC is running the queued commands: nothing is queued, nothing blocks.
    in_exec: bool,
    /// Full name of the queued command EXEC is running (the client's
    /// `last_cmd` stays "exec" meanwhile, as in Redis).
    running: &'static str,
    /// The queued commands' arguments, name first. Not kept once the
    /// transaction is doomed, as Redis does.
    queued: Vec<Vec<Vec<u8>>>,
    /// The queued commands' flags together: EXEC is refused past
    /// `maxmemory` when one is DENYOOM, or without enough replicas when
    /// one is a write.
    queued_flags: u32,
    /// The flags some queued command lacks (Redis's `cmd_inv_flags`): EXEC
    /// on a stale replica is refused when one is not STALE.
    queued_missing: u32,
    /// (database, key) this client watches, in WATCH order.
    watching: Vec<(usize, Box<[u8]>)>,
}

impl ClientTx {
    /// Heap bytes of the queued commands and the watched keys (for
    /// client eviction).
    pub fn memory(&self) -> usize {
        let vec = std::mem::size_of::<Vec<u8>>();
        let queued: usize = self
            .queued
            .iter()
            .map(|argv| vec + argv.iter().map(|a| vec + a.capacity()).sum::<usize>())
            .sum();
        let watched: usize = self.watching.iter().map(|(_, key)| 24 + key.len()).sum();
        queued + watched
    }

    /// Inside MULTI, queueing (not EXEC).
    pub fn queueing(&self) -> bool {
        self.multi && !self.in_exec
    }

    /// EXEC is running the queued commands.
    pub fn executing(&self) -> bool {
        self.in_exec
    }

    /// Drops an open MULTI and its queue (an AOF cut inside it).
    pub fn abandon(&mut self) {
        self.multi = false;
        self.queued = Vec::new();
    }

    /// CLIENT LIST's `multi=`: queued commands inside MULTI, else -1.
    pub fn multi_count(&self) -> i64 {
        if self.multi { self.queued.len() as i64 } else { -1 }
    }
}

/// One client watching one key.
#[derive(Debug)]
struct Watcher {
    token: usize,
    /// The key had expired (not yet deleted) when WATCH ran: its deletion
    /// is no change (Redis's `watchedKey.expired`).
    expired: bool,
}

/// Server-wide index of watched keys.
#[derive(Debug, Default)]
pub struct Watched {
    /// Per database: watched key -> its watchers, in WATCH order.
    dbs: Vec<ExtMap<Box<[u8]>, Vec<Watcher>>>,
    /// Watched keys in all databases.
    len: usize,
    /// Watched keys that existed just before a FLUSHDB/FLUSHALL ran.
    flushing: Vec<(usize, Box<[u8]>)>,
}

impl Watched {
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether a key of database `db` is watched.
    pub fn watches_db(&self, db: usize) -> bool {
        self.dbs.get(db).is_some_and(|m| !m.is_empty())
    }

    fn watchers(&mut self, db: usize, key: &[u8]) -> Option<&mut Vec<Watcher>> {
        self.dbs.get_mut(db)?.get_mut(key)
    }
}

/// Full name of the command client `ctx.me` is running.
pub(crate) fn command_name(ctx: &Ctx) -> &'static str {
    let c = &ctx.clients[ctx.me];
    if c.tx.in_exec { c.tx.running } else { c.last_cmd }
}

/// True while client `ctx.me` runs EXEC's queued commands: blocking
/// commands must then reply at once instead of blocking.
pub fn in_exec(ctx: &Ctx) -> bool {
    ctx.clients[ctx.me].tx.in_exec
}

// ---- dispatcher hooks --------------------------------------------------------------

/// Refuses the running command with `error` (Redis's `rejectCommand`):
/// inside MULTI the transaction is doomed, and a refused EXEC aborts it at
/// once, replying EXECABORT with the reason.
pub fn reject(ctx: &mut Ctx, error: &[u8]) {
    let me = ctx.me;
    let c = &mut ctx.clients[me];
    if c.last_cmd == "exec" && c.tx.multi && !c.tx.in_exec {
        let mut msg = b"EXECABORT Transaction discarded because of: ".to_vec();
        msg.extend_from_slice(error);
        ctx.reply.error(&msg);
        discard_transaction(ctx.st, &mut ctx.clients[me], me);
        return;
    }
    ctx.reply.error(error);
    flag_error(ctx);
}

/// Whether a queued command is flagged `flag` (EXEC counts as a write or
/// DENYOOM command when it holds one, as in Redis).
pub fn queued_has(c: &Client, flag: u32) -> bool {
    c.tx.queued_flags & flag != 0
}

/// True if some command queued by `c` lacks `flag`.
pub fn queued_lacks(c: &Client, flag: u32) -> bool {
    c.tx.queued_missing & flag != 0
}

/// A command could not be queued (unknown, wrong arity, NOAUTH): inside
/// MULTI, EXEC must then fail with EXECABORT. A rejected EXEC itself
/// aborts the transaction at once, MULTI or not (Redis's
/// `rejectCommand` calling `execCommandAbort`).
pub fn flag_error(ctx: &mut Ctx) {
    const EXEC_ARITY: &[u8] = b"-ERR wrong number of arguments for 'exec' command\r\n";
    const NOAUTH: &[u8] = b"-NOAUTH Authentication required.\r\n";
    let c = &mut ctx.clients[ctx.me];
    if c.tx.multi && !c.tx.in_exec {
        c.tx.dirty_exec = true;
    }
    let tail = ctx.reply.unsent();
    let (error, reason): (&[u8], &[u8]) = if tail.ends_with(EXEC_ARITY) {
        (EXEC_ARITY, b"wrong number of arguments for 'exec' command")
    } else if c.last_cmd == "exec" && tail.ends_with(NOAUTH) {
        (NOAUTH, b"NOAUTH Authentication required.")
    } else {
        return;
    };
    let mark = ctx.reply.mark() - error.len();
    ctx.reply.truncate(mark);
    ctx.reply.take_errors().for_each(drop);
    let mut msg = b"EXECABORT Transaction discarded because of: ".to_vec();
    msg.extend_from_slice(reason);
    ctx.reply.error(&msg);
    discard_transaction(ctx.st, &mut ctx.clients[ctx.me], ctx.me);
}

/// Inside MULTI, queues the command and replies QUEUED; returns true if
/// the command was queued rather than to be run now.
pub fn queue(ctx: &mut Ctx, def: &'static CommandDef, args: &Args) -> bool {
    let c = &mut ctx.clients[ctx.me];
    if c.tx.in_exec {
        c.tx.running = c.last_cmd;
        c.last_cmd = "exec";
    }
    if c.tx.multi && !c.tx.in_exec {
        let runs_now = matches!(c.last_cmd, "exec" | "discard" | "multi" | "watch" | "quit" | "reset");
        if !runs_now {
            if def.flags & NO_MULTI != 0 {
                c.tx.dirty_exec = true;
                ctx.reply.error(b"ERR Command not allowed inside a transaction");
                return true;
            }
            if !c.tx.dirty_exec && !c.tx.dirty_cas {
                c.tx.queued.push(args.iter().map(<[u8]>::to_vec).collect());
                c.tx.queued_flags |= def.flags;
                c.tx.queued_missing |= !def.flags;
            }
            ctx.reply.simple(b"QUEUED");
            // Redis counts a command when it runs (in EXEC), not when queued
            // (an AOF replay queues commands it never counted).
            ctx.st.stats.total_commands = ctx.st.stats.total_commands.saturating_sub(1);
            return true;
        }
    }
    if !ctx.st.watched.is_empty() || ctx.st.tracking.active() {
        before_command(ctx, command_name(ctx));
    }
    false
}

/// After a command ran: `dirty_before` is the change counter before it.
pub fn after_command(ctx: &mut Ctx, _def: &'static CommandDef, args: &Args, dirty_before: u64) {
    if ctx.st.watched.is_empty() && !ctx.st.tracking.active() {
        ctx.st.modified.clear();
        return;
    }
    let modified = std::mem::take(&mut ctx.st.modified);
    let name = command_name(ctx);
    let flushing = std::mem::take(&mut ctx.st.watched.flushing);
    // A flush invalidates every cached key even when nothing was deleted.
    if matches!(name, "flushdb" | "flushall") && ctx.st.tracking.active() && !ctx.reply.has_errors() {
        super::tracking::flushed(ctx);
    }
    // Flushes and SWAPDB touch by name only when they changed something;
    // other commands report each key they changed (Redis signals a no-op
    // LTRIM too, whose dirty count is 0).
    if ctx.st.dirty == dirty_before && matches!(name, "flushdb" | "flushall" | "swapdb") {
        return;
    }
    match name {
        "flushdb" | "flushall" => {
            // Every watched key that existed is gone; Redis's
            // `touchAllWatchedKeysInDb(db, NULL)`.
            let mut dirty = Vec::new();
            for (db, key) in flushing {
                if let Some(watchers) = ctx.st.watched.watchers(db, &key) {
                    for w in watchers {
                        if w.expired {
                            w.expired = false;
                        } else {
                            dirty.push(w.token);
                        }
                    }
                }
            }
            mark_dirty(ctx.st, ctx.clients, dirty);
        }
        "swapdb" => swapdb_touch(ctx, args),
        _ => {
            for (db, key) in modified {
                signal_modified(ctx, db, &key);
            }
        }
    }
}

/// Client `token` is closing.
pub fn on_close(st: &mut State, token: usize, client: &mut Client) {
    unwatch_all(st, &mut client.tx, token);
}

// ---- commands ------------------------------------------------------------------------

/// `MULTI`
fn multi(ctx: &mut Ctx, _args: &Args) {
    let tx = &mut ctx.clients[ctx.me].tx;
    if tx.multi {
        ctx.reply.error(b"ERR MULTI calls can not be nested");
        return;
    }
    tx.multi = true;
    ctx.reply.ok();
}

/// `DISCARD`
fn discard(ctx: &mut Ctx, _args: &Args) {
    if !ctx.clients[ctx.me].tx.multi {
        ctx.reply.error(b"ERR DISCARD without MULTI");
        return;
    }
    discard_transaction(ctx.st, &mut ctx.clients[ctx.me], ctx.me);
    ctx.reply.ok();
}

/// `EXEC`: runs the queued commands and replies an array of their
/// replies; a null array if a watched key changed, EXECABORT if a command
/// failed to queue.
fn exec(ctx: &mut Ctx, _args: &Args) {
    let me = ctx.me;
    if !ctx.clients[me].tx.multi {
        ctx.reply.error(b"ERR EXEC without MULTI");
        return;
    }
    if watched_key_expired(ctx) {
        ctx.clients[me].tx.dirty_cas = true;
    }
    let tx = &mut ctx.clients[me].tx;
    if tx.dirty_exec || tx.dirty_cas {
        if tx.dirty_exec {
            ctx.reply
                .error(b"EXECABORT Transaction discarded because of previous errors.");
        } else {
            ctx.reply.null_array();
        }
        discard_transaction(ctx.st, &mut ctx.clients[me], me);
        return;
    }
    let queued = std::mem::take(&mut tx.queued);
    tx.in_exec = true;
    unwatch_all(ctx.st, &mut ctx.clients[me].tx, me);
    ctx.reply.array(queued.len());
    for argv in &queued {
        let mut spans = Vec::with_capacity(argv.len());
        let mut at = 0;
        for a in argv {
            spans.push(at..at + a.len());
            at += a.len();
        }
        let frame = argv.concat();
        super::execute(ctx, &Args::new(&frame, &spans), Instant::now());
    }
    discard_transaction(ctx.st, &mut ctx.clients[me], me);
}

/// `WATCH key [key ...]`
fn watch(ctx: &mut Ctx, args: &Args) {
    let me = ctx.me;
    let tx = &ctx.clients[me].tx;
    if tx.multi {
        ctx.reply.error(b"ERR WATCH inside MULTI is not allowed");
        return;
    }
    // No point in watching once the transaction is doomed.
    if !tx.dirty_cas {
        for key in args.iter().skip(1) {
            watch_key(ctx, key);
        }
    }
    ctx.reply.ok();
}

/// `UNWATCH`
fn unwatch(ctx: &mut Ctx, _args: &Args) {
    let c = &mut ctx.clients[ctx.me];
    unwatch_all(ctx.st, &mut c.tx, ctx.me);
    c.tx.dirty_cas = false;
    ctx.reply.ok();
}

// ---- watching ---------------------------------------------------------------------------

/// Ends the transaction: drops queued commands, clears the flags and
/// unwatches every key (Redis's `discardTransaction`).
/// RESET: discards the transaction and unwatches everything.
pub fn reset(ctx: &mut Ctx) {
    discard_transaction(ctx.st, &mut ctx.clients[ctx.me], ctx.me);
}

fn discard_transaction(st: &mut State, c: &mut Client, token: usize) {
    let tx = &mut c.tx;
    tx.multi = false;
    tx.dirty_exec = false;
    tx.dirty_cas = false;
    tx.in_exec = false;
    tx.queued = Vec::new();
    tx.queued_flags = 0;
    tx.queued_missing = 0;
    unwatch_all(st, tx, token);
}

/// Adds `key` of the selected database to the client's watched keys.
fn watch_key(ctx: &mut Ctx, key: &[u8]) {
    let (me, db, now) = (ctx.me, ctx.db, ctx.now);
    let tx = &mut ctx.clients[me].tx;
    if tx.watching.iter().any(|(d, k)| *d == db && **k == *key) {
        return;
    }
    tx.watching.push((db, key.into()));
    let store = &ctx.st.dbs[db];
    let expired = store.peek(key).is_some_and(|id| store.is_expired(id, now));
    let watched = &mut ctx.st.watched;
    if watched.dbs.len() <= db {
        watched.dbs.resize_with(db + 1, ExtMap::new);
    }
    let first_in_db = watched.dbs[db].is_empty();
    let watchers = watched.dbs[db].get_or_insert_with(key, || {
        watched.len += 1;
        Vec::new()
    });
    watchers.push(Watcher { token: me, expired });
    if first_in_db {
        ctx.st.sync_notes();
    }
}

/// Removes every key client `token` watches from the index.
fn unwatch_all(st: &mut State, tx: &mut ClientTx, token: usize) {
    for (db, key) in tx.watching.drain(..) {
        let map = &mut st.watched.dbs[db];
        let Some(watchers) = map.get_mut(&key) else {
            continue;
        };
        watchers.retain(|w| w.token != token);
        if watchers.is_empty() {
            map.remove(&key);
            st.watched.len -= 1;
            if map.is_empty() {
                st.sync_notes();
            }
        }
    }
}

/// Marks clients `tokens` as having seen a watched key change, and
/// unwatches their keys (EXEC will fail anyway).
fn mark_dirty(st: &mut State, clients: &mut Clients, tokens: Vec<usize>) {
    for token in tokens {
        if let Some(c) = clients.get_mut(token) {
            c.tx.dirty_cas = true;
            unwatch_all(st, &mut c.tx, token);
        }
    }
}

/// `key` of database `db` changed (Redis's `signalModifiedKey`): WATCH
/// and client-side caching hear of it.
fn signal_modified(ctx: &mut Ctx, db: usize, key: &[u8]) {
    if !ctx.st.watched.is_empty() {
        touch(ctx.st, ctx.clients, db, key);
    }
    if ctx.st.tracking.active() {
        let by = ctx.clients[ctx.me].id;
        ctx.st.tracking.modified(key, Some(by));
    }
}

/// `key` of database `db` changed (Redis's `touchWatchedKey`). A watcher
/// that saw the key already expired at WATCH time is not failed by its
/// deletion; if the key exists again, Redis stops at that watcher.
/// The dataset was replaced outside any command (a replica's full sync):
/// each watched key `existed` says was there (before or after) counts as
/// changed, as Redis's `touchAllWatchedKeysInDb`.
pub fn touch_replaced(st: &mut State, clients: &mut Clients, existed: impl Fn(&State, usize, &[u8]) -> bool) {
    if st.watched.is_empty() {
        return;
    }
    let keys: Vec<(usize, Box<[u8]>)> = st
        .watched
        .dbs
        .iter()
        .enumerate()
        .flat_map(|(db, map)| map.keys().map(move |key| (db, key.clone())))
        .filter(|(db, key)| existed(st, *db, key))
        .collect();
    for (db, key) in keys {
        touch_with(st, clients, db, &key, true);
    }
}

fn touch(st: &mut State, clients: &mut Clients, db: usize, key: &[u8]) {
    let exists = st.dbs.get(db).is_some_and(|d| d.peek(key).is_some());
    touch_with(st, clients, db, key, exists);
}

fn touch_with(st: &mut State, clients: &mut Clients, db: usize, key: &[u8], exists: bool) {
    let Some(watchers) = st.watched.watchers(db, key) else {
        return;
    };
    let mut dirty = Vec::new();
    for w in watchers.iter_mut() {
        if w.expired {
            if !exists {
                w.expired = false;
                continue;
            }
            break;
        }
        dirty.push(w.token);
    }
    mark_dirty(st, clients, dirty);
}

/// `key` of database `db` was deleted by expiry (lazily or actively) or
/// eviction: WATCH and client-side caching treat it as changed.
pub(crate) fn key_deleted(st: &mut State, clients: &mut Clients, db: usize, key: &[u8]) {
    touch_with(st, clients, db, key, false);
    if st.tracking.active() {
        st.tracking.modified(key, None);
    }
}

/// Work before a command runs while some key is watched or tracking is
/// active: take expiry reports first (they happened earlier) and note
/// which watched keys a FLUSHDB/FLUSHALL is about to remove.
fn before_command(ctx: &mut Ctx, name: &str) {
    let st = &mut *ctx.st;
    st.watched.flushing.clear();
    st.modified.clear();
    if name != "flushdb" && name != "flushall" {
        return;
    }
    for (db, map) in st.watched.dbs.iter().enumerate() {
        if name == "flushdb" && db != ctx.db {
            continue;
        }
        for key in map.keys() {
            if st.dbs[db].peek(key).is_some() {
                st.watched.flushing.push((db, key.clone()));
            }
        }
    }
}

/// True if a key the client watches has expired since WATCH (Redis's
/// `isWatchedKeyExpired`): EXEC then fails.
fn watched_key_expired(ctx: &mut Ctx) -> bool {
    let (me, now) = (ctx.me, ctx.now);
    let st = &mut *ctx.st;
    ctx.clients[me].tx.watching.iter().any(|(db, key)| {
        let already = st
            .watched
            .watchers(*db, key)
            .and_then(|ws| ws.iter().find(|w| w.token == me))
            .is_some_and(|w| w.expired);
        let store = &st.dbs[*db];
        !already && store.peek(key).is_some_and(|id| store.is_expired(id, now))
    })
}

/// A database index argument already validated by the command that ran.
fn db_arg(ctx: &Ctx, arg: &[u8]) -> Option<usize> {
    crate::util::number::parse_i64(arg)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n < ctx.st.dbs.len())
}

/// SWAPDB a b ran: a watched key of either database is touched if it
/// exists on either side (Redis's `touchAllWatchedKeysInDb(a, b)` and
/// `(b, a)`, which run before the swap; here the contents already moved).
fn swapdb_touch(ctx: &mut Ctx, args: &Args) {
    let (Some(a), Some(b)) = (db_arg(ctx, &args[1]), db_arg(ctx, &args[2])) else {
        return;
    };
    if a == b {
        return;
    }
    let now = ctx.now;
    let st = &mut *ctx.st;
    let mut dirty = Vec::new();
    for (emptied, replaced) in [(a, b), (b, a)] {
        let Some(map) = st.watched.dbs.get_mut(emptied) else {
            continue;
        };
        // `emptied`'s old contents are now at index `replaced`, and the
        // other way round.
        let (old, new) = (&st.dbs[replaced], &st.dbs[emptied]);
        for (key, watchers) in map.iter_mut() {
            let in_old = old.peek(key).is_some();
            let in_new = new.peek(key);
            if !in_old && in_new.is_none() {
                continue;
            }
            let new_expired = in_new.is_some_and(|id| new.is_expired(id, now));
            for w in watchers.iter_mut() {
                if w.expired {
                    if in_new.is_none() {
                        w.expired = false;
                        continue;
                    } else if new_expired {
                        continue;
                    }
                } else if !in_old && new_expired {
                    w.expired = true;
                    continue;
                }
                dirty.push(w.token);
            }
        }
    }
    st.sync_notes();
    mark_dirty(st, ctx.clients, dirty);
}
