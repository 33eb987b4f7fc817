//! Command dispatch: the context a handler runs in, the zero-copy argument
//! view, and `execute`, which looks a command up in the table, checks its
//! arity, authentication and subcommand once, centrally, runs the handler
//! and keeps the statistics. Handlers live in one file per family.

pub mod bitops;
pub mod connection;
pub mod debug;
pub mod docs;
pub mod expire;
pub mod geo;
pub mod hash;
pub mod keys;
pub mod latency;
pub mod list;
pub mod monitor;
pub mod notify;
pub mod outbox;
pub mod persist;
pub mod pubsub;
pub mod replication;
pub mod scripting;
pub mod server;
pub mod set;
pub mod sort;
pub mod string;
pub mod table;
pub mod tracking;
pub mod transaction;
pub mod zset;

use crate::client::Clients;
use std::ops::{Index, Range};
use std::time::Instant;

use crate::client::{Client, ReplyMode};
use crate::db::{Db, Kind, NOTE_NEW, Obj};
use crate::resp::reply::Reply;
use crate::server::State;
use crate::server::state::SlowEntry;
use table::{CommandDef, flags};

/// A command's arguments: ranges into the frame the parser read, so no
/// argument is copied before the handler runs. `args[0]` is the name.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    frame: &'a [u8],
    spans: &'a [Range<usize>],
}

impl<'a> Args<'a> {
    pub fn new(frame: &'a [u8], spans: &'a [Range<usize>]) -> Args<'a> {
        Args { frame, spans }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Argument `i` with the frame's lifetime.
    pub fn get(&self, i: usize) -> &'a [u8] {
        &self.frame[self.spans[i].clone()]
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.spans.iter().map(|r| &self.frame[r.clone()])
    }

    /// True if argument `i` equals `word`, ignoring ASCII case.
    pub fn is(&self, i: usize, word: &str) -> bool {
        self.get(i).eq_ignore_ascii_case(word.as_bytes())
    }
}

/// Owned arguments laid out as a frame and its spans, for a command the
/// server runs itself (a blocked command again, GEOADD's ZADD):
/// `Args::new(&frame, &spans)`.
pub fn owned_frame(args: &[Vec<u8>]) -> (Vec<u8>, Vec<Range<usize>>) {
    let mut at = 0;
    let spans = args
        .iter()
        .map(|a| {
            at += a.len();
            at - a.len()..at
        })
        .collect();
    (args.concat(), spans)
}

impl Index<usize> for Args<'_> {
    type Output = [u8];
    fn index(&self, i: usize) -> &[u8] {
        self.get(i)
    }
}

/// The error of a lookup or argument parse that has already replied to the
/// client (WRONGTYPE, not an integer, ...): the handler just returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replied;

/// Lets handlers that return `Result<_, ()>` use `?` on these lookups.
impl From<Replied> for () {
    fn from(_: Replied) {}
}

/// What a handler can reach: the server state, every client, its own reply
/// buffer and the time the command started.
pub struct Ctx<'a> {
    pub st: &'a mut State,
    pub clients: &'a mut Clients,
    /// Token of the client running the command.
    pub me: usize,
    pub reply: &'a mut Reply,
    /// Milliseconds since the epoch, read once per command.
    pub now: u64,
    /// The client's selected database.
    pub db: usize,
}

impl Ctx<'_> {
    pub fn client(&mut self) -> &mut Client {
        &mut self.clients[self.me]
    }

    /// The selected database, with its access-clock mode synced to the
    /// current `maxmemory-policy`.
    pub fn db(&mut self) -> &mut Db {
        let db = &mut self.st.dbs[self.db];
        db.lfu = self.st.config.lfu;
        db.share_ints = self.st.config.share_ints;
        db
    }

    /// Looks a key up for reading, counting a keyspace hit or miss and
    /// touching its LRU clock (unless the client set NO-TOUCH).
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<u32> {
        let touch = !self.clients[self.me].no_touch;
        let now = self.now;
        let found = self.db().lookup_touch(key, now, touch);
        if found.is_some() {
            self.st.stats.keyspace_hits += 1;
        } else {
            self.st.stats.keyspace_misses += 1;
            self.publish_db_notes();
            self.notify(notify::KEY_MISS, "keymiss", key);
        }
        found
    }

    /// Looks a key up for writing (expired keys are deleted first).
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<u32> {
        let now = self.now;
        let found = self.db().lookup_touch(key, now, true);
        if found.is_none() {
            self.publish_db_notes();
        }
        found
    }

    /// Publishes now the events the database recorded (a key that just
    /// expired on lookup, a key just created), before anything the command
    /// replies, as Redis publishes them from the lookup or `dbAdd`.
    pub fn publish_db_notes(&mut self) {
        if self.st.notes_on {
            self.flush_notes();
        }
    }

    /// `lookup_read` that checks the value's type; `Err` means the
    /// WRONGTYPE error was replied.
    pub fn lookup_typed_read(&mut self, key: &[u8], kind: Kind) -> Result<Option<u32>, Replied> {
        match self.lookup_read(key) {
            Some(id) if self.db().kind(id) != kind => {
                self.reply.wrong_type();
                Err(Replied)
            }
            found => Ok(found),
        }
    }

    /// `lookup_write` that checks the value's type; `Err` means the
    /// WRONGTYPE error was replied.
    pub fn lookup_typed_write(&mut self, key: &[u8], kind: Kind) -> Result<Option<u32>, Replied> {
        match self.lookup_write(key) {
            Some(id) if self.db().kind(id) != kind => {
                self.reply.wrong_type();
                Err(Replied)
            }
            found => Ok(found),
        }
    }

    /// Deletes node `id` if its collection became empty, as Redis removes
    /// emptied collections from the keyspace. Returns true if deleted.
    pub fn delete_if_empty(&mut self, id: u32) -> bool {
        let db = self.db();
        if db.kind(id) != Kind::String && db.obj(id).is_empty() {
            db.remove_id(id);
            return true;
        }
        false
    }

    /// Stores collection `obj` under `key`, replacing any value and its TTL
    /// (Redis's `setKey`, for the *STORE commands): the key is looked up
    /// for writing first (an expired one is deleted, an `expired` event);
    /// a created key is a `new` event, a replaced one is not (Redis's
    /// `dbOverwrite`). Returns the node and whether a live key was replaced.
    pub fn set_key_obj(&mut self, key: &[u8], obj: Obj) -> (u32, bool) {
        let existing = self.lookup_write(key);
        let now = self.now;
        let db = self.db();
        let Some(old) = existing else {
            return (self.add_obj(key, obj), false);
        };
        db.remove_id(old);
        let mask = db.note_mask;
        db.note_mask &= !NOTE_NEW;
        let id = db.add_obj(key, obj, now);
        db.note_mask = mask;
        (id, true)
    }

    /// Stores new collection `obj` under `key`, which must not exist, and
    /// publishes its `new` event now, before anything the command replies,
    /// as Redis's `dbAdd` does.
    pub fn add_obj(&mut self, key: &[u8], obj: Obj) -> u32 {
        let now = self.now;
        let id = self.db().add_obj(key, obj, now);
        self.publish_db_notes();
        id
    }

    /// Deletes `key` as stored, even if its TTL has passed, with no
    /// `expired` event (Redis's `dbDelete`, which the *STORE commands use
    /// on an empty result). True if it was there.
    pub fn db_delete(&mut self, key: &[u8]) -> bool {
        let db = self.db();
        match db.peek(key) {
            Some(id) => {
                db.remove_id(id);
                true
            }
            None => false,
        }
    }

    /// Blocks the client on `keys` (BLPOP and friends): its command runs
    /// again when one of them is signalled ready, or it gets a null reply
    /// (`null_array`: `*-1` rather than `$-1` in RESP2) at `deadline` (ms,
    /// None = forever). Nothing is replied now.
    pub fn block(&mut self, args: &Args, keys: Vec<Box<[u8]>>, deadline: Option<u64>, null_array: bool) {
        if transaction::in_exec(self) || self.st.replaying || self.clients[self.me].script {
            // Inside EXEC a blocking command acts as its non-blocking form
            // (Redis's CLIENT_DENY_BLOCKING): BLMOVE and BRPOPLPUSH reply
            // a null bulk, the others a null array.
            if args.is(0, "blmove") || args.is(0, "brpoplpush") {
                self.reply.null();
            } else {
                self.reply.null_array();
            }
            return;
        }
        let owned = args.iter().map(<[u8]>::to_vec).collect();
        let blocked = self
            .st
            .blocking
            .block(self.me, self.db, keys, owned, deadline, null_array);
        self.clients[self.me].blocked = Some(blocked);
    }

    /// Blocks the client in WAIT until `wanted` replicas acknowledged
    /// `offset`, or until `deadline` (ms), when it gets the count so far.
    /// The replicas are asked for acknowledgements before the loop sleeps.
    pub fn block_on_acks(&mut self, args: &Args, offset: u64, wanted: usize, deadline: Option<u64>) {
        let owned = args.iter().map(<[u8]>::to_vec).collect();
        let mut blocked = self
            .st
            .blocking
            .block(self.me, self.db, Vec::new(), owned, deadline, false);
        blocked.wait = Some((offset, wanted));
        self.clients[self.me].blocked = Some(blocked);
        self.st.repl.waiting.push(self.me);
        self.st.repl.get_ack = true;
    }

    /// Blocks the client in SHUTDOWN while replicas are waited for.
    pub fn block_on_shutdown(&mut self, args: &Args) {
        let owned = args.iter().map(<[u8]>::to_vec).collect();
        let blocked = self.st.blocking.block(self.me, self.db, Vec::new(), owned, None, false);
        self.clients[self.me].blocked = Some(blocked);
    }

    /// Tells clients blocked on `key` (in the selected database) that it
    /// may serve them now; call after adding elements to it.
    pub fn signal_ready(&mut self, key: &[u8]) {
        let db = self.db;
        self.st.blocking.signal_ready(db, key);
    }

    /// Counts one change to the dataset.
    pub fn dirty(&mut self, n: u64) {
        self.st.dirty += n;
    }
}

/// The unknown-command error, quoting the first arguments as Redis does:
/// arguments are added while the list is under 128 bytes, each cut to
/// what is left of the 128.
fn unknown_command(reply: &mut Reply, args: &Args) {
    let mut quoted: Vec<u8> = Vec::new();
    for arg in args.iter().skip(1) {
        if quoted.len() >= 128 {
            break;
        }
        let take = arg.len().min(128 - quoted.len());
        quoted.push(b'\'');
        quoted.extend_from_slice(&arg[..take]);
        quoted.extend_from_slice(b"' ");
    }
    let name = args.get(0);
    let mut msg = b"ERR unknown command '".to_vec();
    msg.extend_from_slice(&name[..name.len().min(128)]);
    msg.extend_from_slice(b"', with args beginning with: ");
    msg.extend_from_slice(&quoted);
    reply.error(&msg);
}

/// Resolves the command (and subcommand) named by `args`, replying with
/// Redis's error if there is none or the arity is wrong.
fn resolve(ctx: &mut Ctx, args: &Args) -> Result<(&'static CommandDef, usize), ()> {
    let table = ctx.st.commands;
    let Some(idx) = table.lookup(args.get(0)) else {
        unknown_command(ctx.reply, args);
        return Err(());
    };
    let mut def = table.def(idx);
    let mut idx = idx;
    if !def.subcommands.is_empty() && args.len() >= 2 {
        match table.lookup_sub(idx, args.get(1)) {
            Some(sub) => {
                idx = sub;
                def = table.def(sub);
            }
            None => {
                ctx.reply.error_fmt(format_args!(
                    "ERR unknown subcommand '{}'. Try {} HELP.",
                    String::from_utf8_lossy(&args.get(1)[..args.get(1).len().min(128)]),
                    def.name.to_ascii_uppercase()
                ));
                ctx.st.cmdstats[idx].rejected += 1;
                return Err(());
            }
        }
    }
    let n = args.len() as i32;
    if (def.arity > 0 && n != def.arity) || n < -def.arity {
        ctx.reply.error_fmt(format_args!(
            "ERR wrong number of arguments for '{}' command",
            table.full_name(idx)
        ));
        ctx.st.cmdstats[idx].rejected += 1;
        return Err(());
    }
    Ok((def, idx))
}

/// Runs one command from `args` for client `ctx.me`. `start` is when it
/// began; returns when it ended, so a pipeline reads the clock once per
/// command (the end of one is the start of the next).
pub fn execute(ctx: &mut Ctx, args: &Args, start: Instant) -> Instant {
    execute_as(ctx, args, start, Run::First)
}

/// Whether a command runs as sent or again for a client it blocked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Run {
    First,
    /// Served after blocking: as Redis, the call was counted when it
    /// blocked, so only its failure (if it fails now) is counted.
    Again,
}

/// [`execute`], telling whether this is a blocked command run again.
pub fn execute_as(ctx: &mut Ctx, args: &Args, start: Instant, run: Run) -> Instant {
    execute_with(ctx, args, start, run, None)
}

/// [`execute`] for a command whose table index the caller has already
/// looked up and whose arity it has checked (a script's `redis.call`).
pub fn execute_resolved(ctx: &mut Ctx, args: &Args, idx: usize, start: Instant) -> Instant {
    execute_with(ctx, args, start, Run::First, Some(idx))
}

fn execute_with(ctx: &mut Ctx, args: &Args, start: Instant, run: Run, known: Option<usize>) -> Instant {
    let mut end = start;
    let mark = ctx.reply.mark();
    let mut ran = None;
    if run == Run::First {
        ctx.st.stats.total_commands += 1;
    }
    let resolved = match known {
        Some(idx) => Ok((ctx.st.commands.def(idx), idx)),
        None => resolve(ctx, args),
    };
    match resolved {
        Err(()) => transaction::flag_error(ctx),
        Ok((def, idx)) => {
            let c = &mut ctx.clients[ctx.me];
            c.last_cmd = ctx.st.commands.full_name(idx);
            if !c.authenticated && def.flags & flags::NO_AUTH == 0 {
                ctx.reply.error(b"NOAUTH Authentication required.");
                ctx.st.cmdstats[idx].rejected += 1;
                transaction::flag_error(ctx);
            } else if refused_by_state(ctx, def, idx) {
                // Past maxmemory, or too few replicas.
            } else if !pubsub::allowed(ctx, def, args)
                || monitor::refused(ctx, def, idx)
                || transaction::queue(ctx, def, args)
            {
                // Refused in subscribed mode or to a monitor, or queued
                // inside MULTI.
            } else {
                let dirty_before = ctx.st.dirty;
                ctx.st.prop.nesting += 1;
                (def.handler)(ctx, args);
                ctx.st.prop.nesting -= 1;
                if ctx.st.notes_on {
                    ctx.flush_notes();
                }
                if ctx.st.prop.on {
                    let arbitrary = def.flags & flags::TOUCHES_ARBITRARY_KEYS != 0;
                    crate::server::propagate::after_command(ctx, def.name, args, dirty_before, arbitrary);
                }
                end = Instant::now();
                let micros = end.duration_since(start).as_micros() as u64;
                let stat = &mut ctx.st.cmdstats[idx];
                if run == Run::First {
                    stat.calls += 1;
                }
                stat.usec += micros;
                if ctx.reply.has_errors() {
                    stat.failed += 1;
                }
                let bucket = (64 - micros.max(1).saturating_sub(1).leading_zeros()).min(39) as usize;
                ctx.st.histograms[idx][bucket] += 1;
                if ctx.st.config.latency_tracking {
                    ctx.st.latency_hdr[idx]
                        .get_or_insert_with(Default::default)
                        .record(micros as i64 * 1000);
                }
                if def.flags & flags::SKIP_SLOWLOG == 0 {
                    slowlog_push(ctx, args, micros);
                }
                ctx.st.latency_sample("command", micros / 1000);
                transaction::after_command(ctx, def, args, dirty_before);
                ran = Some(def);
            }
        }
    }
    monitor::after_command(ctx, args, ran, mark);
    if ctx.reply.has_errors() {
        let c = &ctx.clients[ctx.me];
        if c.master_link || c.is_replica() {
            let name = if resolved.is_ok() { c.last_cmd } else { "<unknown>" };
            let to_master = c.master_link;
            crate::repl::replica::error_on_link(ctx.st, ctx.reply.since(mark), name, to_master);
        }
        ctx.st.count_errors(ctx.reply);
    }
    // CLIENT REPLY: the mode after the command decides whether its reply
    // is sent; SKIP lasts for exactly one more command.
    let c = &mut ctx.clients[ctx.me];
    if matches!(c.reply_mode, ReplyMode::Off | ReplyMode::Skip) {
        ctx.reply.truncate(mark);
    }
    ctx.reply.end_command();
    c.reply_mode = match c.reply_mode {
        ReplyMode::Skip => ReplyMode::On,
        ReplyMode::SkipNext => ReplyMode::Skip,
        mode => mode,
    };
    if ctx.st.tracking.active() || ctx.st.tracking.has_pending() {
        tracking::after_command(ctx, ran, args);
    }
    end
}

/// Runs one command read from the append-only file for the client
/// `token` (the loader's, with no socket), as Redis's loader calls a
/// command's function: no statistics, no state checks, replies dropped;
/// inside MULTI commands are queued. False if there is no such command.
/// A wrong number of arguments only gets the error (Redis would crash).
pub fn replay(
    st: &mut crate::server::State,
    clients: &mut Clients,
    token: usize,
    frame: &[u8],
    spans: &[Range<usize>],
) -> bool {
    let args = Args::new(frame, spans);
    let mut reply = std::mem::take(&mut clients[token].reply);
    let db = clients[token].db;
    let mut ctx = Ctx {
        st,
        clients,
        me: token,
        reply: &mut reply,
        now: crate::server::now_ms(),
        db,
    };
    let known = ctx.st.commands.lookup(args.get(0)).is_some();
    if known && let Ok((def, _)) = resolve(&mut ctx, &args) {
        ctx.clients[token].last_cmd = def.name;
        if !transaction::queue(&mut ctx, def, &args) {
            (def.handler)(&mut ctx, &args);
            if ctx.st.notes_on {
                ctx.flush_notes();
            }
        }
    }
    // Nothing recorded while replaying goes anywhere.
    ctx.st.prop.discard();
    reply.truncate(0);
    reply.take_errors().for_each(drop);
    clients[token].reply = reply;
    known
}

/// Commands the server's state refuses before they run (Redis's
/// `processCommand` checks, in its order):
/// - past `maxmemory`, keys are evicted first (`evict::perform`); if memory
///   stays over with nothing left to evict, commands that may use more
///   memory get -OOM, and so does queueing any command inside MULTI (a
///   queue grows memory too) except EXEC, DISCARD, QUIT and RESET;
/// - after a failed background save (with save points and
///   `stop-writes-on-bgsave-error`), writes and PING get -MISCONF;
/// - while the dataset loads at start-up, commands not flagged LOADING
///   get -LOADING;
/// - with `min-replicas-to-write` set, writes get -NOREPLICAS (loopkv has
///   no replicas, so none is ever good);
/// - while a script runs past `busy-reply-threshold`, commands not flagged
///   ALLOW_BUSY get -BUSY (-LOADING if the AOF is being replayed).
///
/// EXEC is judged by the commands it holds; commands EXEC runs are not
/// checked again, as in Redis.
/// The error writes get after a failed background save.
pub const MISCONF_DASH: &[u8] = b"-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
const MISCONF: &[u8] = b"MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/// Evicts keys before a command while memory is over `maxmemory`, and
/// sends what the evictions caused (events, invalidations, the AOF's DELs,
/// as a unit of their own) before the command runs. True if memory stays
/// over the limit with nothing left to evict.
fn evict_before_command(ctx: &mut Ctx) -> bool {
    let outcome = crate::evict::perform(ctx.st);
    if ctx.st.notes_on {
        ctx.flush_notes();
        crate::server::propagate::flush_no_multi(ctx.st);
        if ctx.st.tracking.active() {
            tracking::deliver_queued(ctx);
        }
    }
    outcome == crate::evict::Outcome::Fail
}

fn refused_by_state(ctx: &mut Ctx, def: &CommandDef, idx: usize) -> bool {
    let config = &ctx.st.config;
    let (limit, min_replicas) = (config.maxmemory, config.min_replicas_to_write);
    let misconf = ctx.st.rdb.last_bgsave_failed || ctx.st.aof.failing();
    let loading = ctx.st.loading_blocks();
    let async_loading = ctx.st.async_loading();
    let busy = ctx
        .st
        .script
        .as_ref()
        .filter(|r| r.timed_out)
        .map(crate::script::busy_error);
    let replica = ctx.st.repl.is_replica();
    let from_replica = ctx.clients[ctx.me].is_replica();
    if limit == 0
        && min_replicas == 0
        && !misconf
        && !loading
        && !async_loading
        && busy.is_none()
        && !replica
        && !from_replica
    {
        return false;
    }
    let c = &ctx.clients[ctx.me];
    if c.tx.executing() || c.script || c.master_link {
        // The master's commands are obeyed, whatever this server's state.
        // Commands EXEC runs were judged with EXEC; a script's by the
        // script's own rules (`script::Call::check_command`).
        return false;
    }
    if limit > 0 && busy.is_none() {
        ctx.st.evictor.oom_at_command_start = evict_before_command(ctx);
    }
    let c = &ctx.clients[ctx.me];
    let name = c.last_cmd;
    let has = |flag: u32| def.flags & flag != 0 || (name == "exec" && transaction::queued_has(c, flag));
    let queued = c.tx.queueing() && !matches!(name, "exec" | "discard" | "quit" | "reset");
    let denied_when_stale =
        def.flags & flags::STALE == 0 || (name == "exec" && transaction::queued_lacks(c, flags::STALE));
    let error: &[u8] = if limit > 0 && (has(flags::DENYOOM) || queued) && ctx.st.evictor.oom_at_command_start {
        b"OOM command not allowed when used memory > 'maxmemory'."
    } else if misconf && (has(flags::WRITE) || name == "ping") && crate::persist::control::writes_refused(ctx.st) {
        MISCONF
    } else if misconf
        && (has(flags::WRITE) || name == "ping")
        && let Some(error) = crate::persist::aof::misconf(ctx.st)
    {
        ctx.st.cmdstats[idx].rejected += 1;
        transaction::reject(ctx, &error);
        return true;
    } else if has(flags::WRITE) && crate::repl::too_few_replicas(ctx.st, ctx.clients) {
        b"NOREPLICAS Not enough good replicas to write."
    } else if replica && has(flags::WRITE) && ctx.st.config.value("replica-read-only") == b"yes" {
        b"READONLY You can't write against a read only replica."
    } else if denied_when_stale && crate::repl::serving_stale_refused(ctx.st) {
        b"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
    } else if loading && def.flags & flags::LOADING == 0 || async_loading && has(flags::NO_ASYNC_LOADING) {
        b"LOADING Redis is loading the dataset in memory"
    } else if let Some(error) = busy {
        // A script past busy-reply-threshold: only ALLOW_BUSY commands run.
        // A script the AOF replays (DEBUG LOADAOF) makes it a load.
        if ctx.st.replaying {
            if def.flags & flags::LOADING != 0 {
                return false;
            }
            b"LOADING Redis is loading the dataset in memory"
        } else if def.flags & flags::ALLOW_BUSY != 0 {
            return false;
        } else {
            error
        }
    } else if from_replica && has(flags::READONLY | flags::WRITE | flags::MAY_REPLICATE) {
        // A replica's link is for the stream (and its REPLCONFs): a pause
        // must not be sidestepped through it.
        b"ERR Replica can't interact with the keyspace"
    } else {
        return false;
    };
    ctx.st.cmdstats[idx].rejected += 1;
    transaction::reject(ctx, error);
    true
}

fn slowlog_push(ctx: &mut Ctx, args: &Args, micros: u64) {
    let threshold = ctx.st.config.slowlog_slower_than;
    if threshold < 0 || (micros as i64) < threshold || ctx.st.config.slowlog_max_len == 0 {
        return;
    }
    // Redis keeps at most 32 arguments of at most 128 bytes each, with
    // passwords redacted (AUTH's arguments, HELLO's AUTH username password).
    let redacted = redacted_args(args);
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if redacted.contains(&i) {
            kept.push(b"(redacted)".to_vec());
            continue;
        }
        if i == 31 && args.len() > 32 {
            kept.push(format!("... ({} more arguments)", args.len() - 31).into_bytes());
            break;
        }
        if a.len() > 128 {
            let mut v = a[..128].to_vec();
            v.extend_from_slice(format!("... ({} more bytes)", a.len() - 128).as_bytes());
            kept.push(v);
        } else {
            kept.push(a.to_vec());
        }
    }
    let c = &ctx.clients[ctx.me];
    let entry = SlowEntry {
        id: ctx.st.slowlog_next_id,
        time_secs: ctx.now / 1000,
        micros,
        args: kept,
        addr: c.addr_text(),
        name: c.name.as_deref().unwrap_or_default().to_vec(),
    };
    ctx.st.slowlog_next_id += 1;
    ctx.st.slowlog.push_front(entry);
    ctx.st.slowlog.truncate(ctx.st.config.slowlog_max_len);
}

/// Positions of the arguments Redis hides from the slow log (its
/// `redactClientCommandArgument` calls in AUTH and HELLO).
fn redacted_args(args: &Args) -> Vec<usize> {
    if args.is(0, "auth") {
        return (1..args.len()).collect();
    }
    if args.is(0, "hello")
        && let Some(at) = (2..args.len()).find(|&i| args.is(i, "auth"))
    {
        return vec![at + 1, at + 2];
    }
    Vec::new()
}

// ---- argument parsing helpers shared by handlers -----------------------------

/// Parses a blocking command's timeout in seconds (a float; Redis's
/// `getTimeoutFromObjectOrReply`): Ok(None) for 0 (forever), else the
/// absolute deadline in ms. Replies Redis's error otherwise.
pub fn arg_timeout(ctx: &mut Ctx, arg: &[u8]) -> Result<Option<u64>, Replied> {
    let Some(secs) = crate::util::number::LongDouble::parse(arg).filter(|v| v.is_finite()) else {
        ctx.reply.error(b"ERR timeout is not a float or out of range");
        return Err(Replied);
    };
    let ms = (secs.to_f64() * 1000.0).ceil();
    if ms < 0.0 {
        ctx.reply.error(b"ERR timeout is negative");
        return Err(Replied);
    }
    if ms == 0.0 {
        Ok(None)
    } else {
        Ok(Some(ctx.now.saturating_add(ms.min(u64::MAX as f64 / 2.0) as u64)))
    }
}

/// Parses an integer argument, replying Redis's error if it is not one.
pub fn arg_i64(reply: &mut Reply, arg: &[u8]) -> Option<i64> {
    let n = crate::util::number::parse_i64(arg);
    if n.is_none() {
        reply.not_integer();
    }
    n
}
