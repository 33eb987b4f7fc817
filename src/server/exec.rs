//! Turning a client's buffered bytes into executed commands: parse every
//! complete frame, run it, and stop early when the client must not go on
//! (protocol error, QUIT, output above the high-water mark).

use log::warn;

use super::state::PauseKind;
use super::{OUTPUT_HIGH_WATER, State};
use crate::client::{Client, Clients};
use crate::command::table::flags::{MAY_REPLICATE, NO_AUTH, NO_MULTI, WRITE};
use crate::command::{self, Args, Ctx};
use crate::resp::parse::Status;
use crate::resp::reply::Reply;
use crate::server::blocking::Blocked;

/// What the loop should do with the client after `process_input`.
pub enum Outcome {
    /// Read more when the socket has bytes.
    Continue,
    /// Output is above the high-water mark: wait for it to drain.
    Paused,
    /// Close now (nothing useful can be sent).
    Close,
}

/// Executes every complete command buffered for client `token`. The read
/// buffer and reply buffer are moved out of the client while commands run
/// (a pointer swap, no copy), so handlers can see every client, their own
/// included, while arguments borrow the read buffer.
pub fn process_input(st: &mut State, clients: &mut Clients, token: usize) -> Outcome {
    let Some(c) = clients.get_mut(token) else {
        return Outcome::Close;
    };
    if c.close_after_reply || c.close_asap || c.blocked.is_some() {
        // A blocked client's further input waits until it is unblocked.
        return Outcome::Continue;
    }
    let from_master = c.master_link;
    if from_master {
        use crate::repl::replica::{Input, input};
        match input(st, clients, token) {
            Input::Commands => {}
            Input::Continue => return Outcome::Continue,
            Input::Hold => return Outcome::Paused,
            Input::Close => return Outcome::Close,
        }
        // The master's commands see keys past their TTL (it sends the
        // deletions itself).
        for db in &mut st.dbs {
            db.replaying = true;
        }
    }
    let c = &mut clients[token];
    c.in_command = true;
    let mut rbuf = std::mem::take(&mut c.rbuf);
    let mut reply = std::mem::take(&mut c.reply);
    let mut parser = std::mem::replace(&mut c.parser, crate::resp::parse::Parser::new(0));
    let (mut rpos, mut rlen) = (c.rpos, c.rlen);
    c.running_qbuf = (rlen - rpos, rbuf.len() - (rlen - rpos));
    let mut db = c.db;
    let mut outcome = Outcome::Continue;
    let mut ran = false;
    let mut clock_at = std::time::Instant::now();
    // CONFIG SET proto-max-bulk-len applies to connected clients too.
    parser.set_max_bulk(st.config.proto_max_bulk_len);
    loop {
        if reply.pending() > OUTPUT_HIGH_WATER {
            clients[token].output_paused = true;
            outcome = Outcome::Paused;
            break;
        }
        match parser.parse(&mut rbuf[rpos..rlen]) {
            Ok(Status::Incomplete) => break,
            Ok(Status::Empty { len }) => rpos += len,
            Ok(Status::Command { len }) => {
                let frame = &rbuf[rpos..rpos + len];
                let args = Args::new(frame, parser.args());
                let now = st.clock.ms(clock_at);
                // The table is searched again only when a pause or MULTI needs it.
                // While a script is timed out commands are refused (-BUSY,
                // in `execute`), never held.
                let busy = st.script.as_ref().is_some_and(|r| r.timed_out);
                let pausing = !busy && st.pause.kind(now) != PauseKind::Off;
                let resolved = if pausing || clients[token].tx.multi_count() >= 0 {
                    resolve_flags(st, &args)
                } else {
                    None
                };
                if held(st, &clients[token], token, &args, resolved, reply.resp3(), now) {
                    // Left in the buffer; the loop queues us again when
                    // the pause ends. CLIENT LIST shows it blocked on it.
                    if !st.pause.held.contains(&token) {
                        st.pause.held.push(token);
                    }
                    let c = &mut clients[token];
                    c.postponed = true;
                    if let Some(name) = command_name(st, &args) {
                        c.last_cmd = name;
                    }
                    if !frame.starts_with(b"*") {
                        // Inline arguments were split in place, so the
                        // frame cannot be parsed again: keep it as RESP.
                        let mut fresh = Vec::with_capacity(rlen - rpos + 16 * args.len());
                        fresh.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
                        for a in args.iter() {
                            fresh.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
                            fresh.extend_from_slice(a);
                            fresh.extend_from_slice(b"\r\n");
                        }
                        fresh.extend_from_slice(&rbuf[rpos + len..rlen]);
                        rlen = fresh.len();
                        rpos = 0;
                        rbuf = fresh;
                    }
                    break;
                }
                // Client eviction before each command, as Redis's
                // processCommand: an evicted client's command does not run.
                if st.config.client_eviction_limit > 0
                    && crate::evict::evict_clients(
                        st,
                        clients,
                        Some((token, rbuf.capacity() + reply.capacity())),
                        false,
                    )
                {
                    break;
                }
                let multi_before = clients[token].tx.multi_count();
                let replica_mark = clients[token].is_replica().then(|| reply.mark());
                let mut ctx = Ctx {
                    st: &mut *st,
                    clients: &mut *clients,
                    me: token,
                    reply: &mut reply,
                    now,
                    db,
                };
                clock_at = command::execute(&mut ctx, &args, clock_at);
                db = ctx.db;
                // A replica's link carries the stream, never replies: one
                // that asked for a reply is dropped, as Redis does.
                if let Some(mark) = replica_mark
                    && reply.mark() > mark
                    && !(args.is(0, "replconf") && args.is(1, "ack"))
                {
                    reply.truncate(mark);
                    warn!(
                        "Replica generated a reply to command '{}', disconnecting it: {}",
                        command_name(st, &args).unwrap_or("<unknown>"),
                        clients[token].info_line(now, Some(&reply))
                    );
                    st.kills.push(token);
                    rpos += len;
                    break;
                }
                check_output_limit(st, &mut clients[token], token, &reply, now);
                track_tx_writes(st, &clients[token], token, resolved, multi_before);
                if from_master {
                    let in_multi = clients[token].tx.multi_count() >= 0;
                    crate::repl::replica::applied(&mut st.repl, &rbuf[rpos..rpos + len], in_multi);
                }
                rpos += len;
                ran = true;
                // Not while a script runs (a command served by its busy
                // pass): Redis serves blocked clients after the script.
                if st.script.is_none() {
                    serve_ready_keys(st, clients);
                }
                let c = &clients[token];
                // AUTH, HELLO and RESET change what the parser may accept.
                parser.set_unauthenticated(!c.authenticated);
                if c.close_after_reply || c.close_asap || c.blocked.is_some() {
                    break;
                }
            }
            Err(e) => {
                let c = &mut clients[token];
                warn!("Protocol error ({e}) from client: id={} addr={}", c.id, c.addr);
                let mark = reply.mark();
                reply.error(e.to_string().as_bytes());
                // CLIENT REPLY OFF/SKIP silences protocol errors as well.
                if matches!(
                    c.reply_mode,
                    crate::client::ReplyMode::Off | crate::client::ReplyMode::Skip
                ) {
                    reply.truncate(mark);
                }
                st.count_errors(&mut reply);
                c.close_after_reply = true;
                break;
            }
        }
    }
    let c = &mut clients[token];
    c.in_command = false;
    c.rbuf = rbuf;
    c.reply = reply;
    c.parser = parser;
    c.rpos = rpos;
    c.rlen = rlen;
    if ran {
        c.last_interaction_ms = st.clock.ms(clock_at);
    }
    if from_master {
        for db in &mut st.dbs {
            db.replaying = false;
        }
    }
    outcome
}

// ---- CLIENT PAUSE ---------------------------------------------------------------------

/// Commands a RESP2 client in subscribed mode may run (others are refused
/// at once, never held).
const SUBSCRIBED_MODE: &[&[u8]] = &[
    b"ping",
    b"subscribe",
    b"ssubscribe",
    b"unsubscribe",
    b"sunsubscribe",
    b"psubscribe",
    b"punsubscribe",
    b"quit",
    b"reset",
];

/// The full name (`client|list`) of the command `args` names, if it exists.
fn command_name(st: &State, args: &Args) -> Option<&'static str> {
    let table = st.commands;
    let mut idx = table.lookup(args.get(0))?;
    if !table.def(idx).subcommands.is_empty() && args.len() >= 2 {
        idx = table.lookup_sub(idx, args.get(1)).unwrap_or(idx);
    }
    Some(table.full_name(idx))
}

/// The flags of the command `args` names (the subcommand's for a
/// container) if it exists and its arity is right; None if `execute` will
/// refuse it.
fn resolve_flags(st: &State, args: &Args) -> Option<u32> {
    let table = st.commands;
    let mut idx = table.lookup(args.get(0))?;
    if !table.def(idx).subcommands.is_empty() && args.len() >= 2 {
        idx = table.lookup_sub(idx, args.get(1))?;
    }
    let def = table.def(idx);
    let n = args.len() as i32;
    if (def.arity > 0 && n != def.arity) || n < -def.arity {
        return None;
    }
    // EVAL and FCALL take their flags from the script they run.
    if def.flags & crate::command::table::flags::NO_MANDATORY_KEYS != 0 {
        return Some(crate::script::command_flags(args, def.flags));
    }
    Some(def.flags)
}

/// True if client `token`'s next command must wait for the pause to end,
/// as Redis's `processCommand` decides: after every check that would
/// refuse the command (so refusals are replied at once), all commands
/// under PAUSE ALL, those that may change data under PAUSE WRITE (an EXEC
/// if its transaction queued one). Monitors, like replicas, never wait.
fn held(st: &mut State, c: &Client, token: usize, args: &Args, flags: Option<u32>, resp3: bool, now: u64) -> bool {
    let kind = st.pause.kind(now);
    if kind == PauseKind::Off || st.monitors.contains(&token) {
        return false;
    }
    let Some(flags) = flags else { return false };
    if !c.authenticated && flags & NO_AUTH == 0 {
        return false;
    }
    if c.tx.multi_count() >= 0 && flags & NO_MULTI != 0 {
        return false;
    }
    let name = args.get(0);
    if !resp3 && c.subs.active() && !SUBSCRIBED_MODE.iter().any(|n| name.eq_ignore_ascii_case(n)) {
        return false;
    }
    match kind {
        PauseKind::All => true,
        PauseKind::Write => {
            flags & (WRITE | MAY_REPLICATE) != 0 || (args.is(0, "exec") && st.pause.tx_writes.contains(&token))
        }
        PauseKind::Off => false,
    }
}

/// Keeps `ClientPause::tx_writes`: a client that starts MULTI is out, one
/// that queued a command that may change data is in, one whose
/// transaction ended is out. `multi_before` is `multi_count()` before the
/// command ran.
fn track_tx_writes(st: &mut State, c: &Client, token: usize, flags: Option<u32>, multi_before: i64) {
    let multi_after = c.tx.multi_count();
    let list = &mut st.pause.tx_writes;
    let queued_write =
        multi_before >= 0 && multi_after > multi_before && flags.is_some_and(|f| f & (WRITE | MAY_REPLICATE) != 0);
    if queued_write {
        if !list.contains(&token) {
            list.push(token);
        }
    } else if multi_after != multi_before && multi_after <= 0 && !list.is_empty() {
        list.retain(|&t| t != token);
    }
}

/// Runs the command of client `token`, stored when it blocked, again with
/// that client's own reply buffer and database (a woken BLPOP).
pub fn rerun_blocked(st: &mut State, clients: &mut Clients, token: usize, blocked: Blocked) {
    let mut reply = std::mem::take(&mut clients[token].reply);
    let (frame, spans) = command::owned_frame(&blocked.args);
    let args = Args::new(&frame, &spans);
    let start = std::time::Instant::now();
    let now = st.clock.ms(start);
    let mut ctx = Ctx {
        st: &mut *st,
        clients: &mut *clients,
        me: token,
        reply: &mut reply,
        now,
        db: blocked.db,
    };
    command::execute_as(&mut ctx, &args, start, command::Run::Again);
    check_output_limit(st, &mut clients[token], token, &reply, now);
    clients[token].reply = reply;
    st.woken.push(token);
}

/// Closes client `token` if `reply`, its output taken out while its
/// command ran, passed the client's output buffer limit.
fn check_output_limit(st: &mut State, c: &mut Client, token: usize, reply: &Reply, now: u64) {
    if c.close_on_output_limit(Some(reply), &st.config.client_output_limits, now, true) {
        st.stats.client_obuf_limit_disconnections += 1;
        st.kill(token);
    }
}

/// Serves clients blocked on keys that commands signalled ready: the first
/// waiter of each key runs its command again; while the key still has
/// something to give, the next waiter follows. A waiter that finds nothing
/// blocks again at the back of the queue.
pub fn serve_ready_keys(st: &mut State, clients: &mut Clients) {
    loop {
        let ready = st.blocking.take_ready();
        if ready.is_empty() {
            return;
        }
        for (db, key) in ready {
            // At most one pass over the waiters present now.
            let mut budget = clients.len();
            while budget > 0 {
                budget -= 1;
                // As Redis, only waiters popping the key's current type are
                // served; a BLPOP on a key that became a sorted set keeps
                // waiting, and a key already gone serves nobody.
                let now = st.clock.ms(std::time::Instant::now());
                let Some(kind) = st.dbs[db].lookup(&key, now).map(|id| st.dbs[db].kind(id)) else {
                    break;
                };
                let wants = |t: usize| {
                    clients
                        .get(t)
                        .and_then(|c| c.blocked.as_ref())
                        .is_some_and(|b| b.waits_for() == kind)
                };
                let Some(token) = st.blocking.first_waiter_where(db, &key, wants) else {
                    break;
                };
                let Some(blocked) = clients.get_mut(token).and_then(|c| c.blocked.take()) else {
                    break;
                };
                st.blocking.unblock(token, &blocked);
                rerun_blocked(st, clients, token, blocked);
            }
        }
    }
}
