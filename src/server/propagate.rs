//! The command stream as Redis propagates it: what the dataset's changes
//! look like to the append-only file and to replicas (`crate::repl`).
//!
//! Every command that changed the dataset (its `dirty` count moved) is
//! recorded as sent, unless its handler recorded another form instead
//! (`Ctx::propagate_as`: relative TTLs become absolute `PEXPIREAT`/`PXAT`,
//! `SPOP` becomes `SREM`, ...). Keys that expire on access or in the
//! background are recorded as `DEL` (`UNLINK` with `lazyfree-lazy-expire`)
//! where the database reports them (`Note::Expired`), so no call site
//! has to remember it. What one top-level command (or EXEC, or one pass
//! of active expiry) recorded is one unit: at its end the unit goes out,
//! inside `MULTI`/`EXEC` when it holds more than one command (Redis
//! 7.0's `propagatePendingCommands`), except for expiry passes and the
//! commands that touch arbitrary keys (SCAN, RANDOMKEY).

use super::State;
use crate::command::{Args, Ctx};

/// Where a recorded command goes (Redis's `PROPAGATE_AOF`/`_REPL`).
pub const TO_AOF: u8 = 1;
pub const TO_REPLICAS: u8 = 2;
pub const TO_ALL: u8 = TO_AOF | TO_REPLICAS;

/// One recorded command: its database, where its RESP bytes are and
/// where it goes.
#[derive(Debug, Clone, Copy)]
struct Op {
    db: usize,
    start: usize,
    end: usize,
    targets: u8,
}

/// The unit being recorded.
#[derive(Debug, Default)]
pub struct Propagation {
    /// Whether anything listens (the AOF is on or being created); when
    /// false nothing is recorded and handlers skip building rewrites.
    pub on: bool,
    /// The recorded commands, as RESP, back to back.
    buf: Vec<u8>,
    ops: Vec<Op>,
    /// The running command recorded its own form: do not record it as sent.
    prevent: bool,
    /// The running command is recorded even if it changed nothing.
    force: bool,
    /// The running command goes to replicas even if it changed nothing
    /// (PUBLISH: Redis's `CLIENT_FORCE_REPL`).
    force_replicas: bool,
    /// Commands running inside another (EXEC's), so the unit is not over.
    pub nesting: u32,
    /// Expiry passes record their DELs without MULTI/EXEC around them.
    pub no_multi: bool,
}

impl Propagation {
    /// Records `argv` in database `db` (Redis's `alsoPropagate`).
    pub fn record<'a>(&mut self, db: usize, argv: impl ExactSizeIterator<Item = &'a [u8]>) {
        self.record_to(db, argv, TO_ALL);
    }

    fn record_to<'a>(&mut self, db: usize, argv: impl ExactSizeIterator<Item = &'a [u8]>, targets: u8) {
        let start = self.buf.len();
        write_command(&mut self.buf, argv);
        self.ops.push(Op {
            db,
            start,
            end: self.buf.len(),
            targets,
        });
    }

    /// Records the deletion of an expired key.
    pub fn record_deletion(&mut self, db: usize, key: &[u8], lazy: bool) {
        let name: &[u8] = if lazy { b"UNLINK" } else { b"DEL" };
        self.record(db, [name, key].into_iter());
    }

    /// How many commands the unit holds so far (see `forget_since`).
    pub fn recorded(&self) -> usize {
        self.ops.len()
    }

    /// Sends the commands recorded after the first `n` only to `targets`
    /// (the writes of a script after `redis.set_repl`); with no target
    /// left they are dropped.
    pub fn restrict_since(&mut self, n: usize, targets: u8) {
        if targets == 0 {
            if let Some(op) = self.ops.get(n) {
                self.buf.truncate(op.start);
            }
            self.ops.truncate(n);
            return;
        }
        for op in self.ops.iter_mut().skip(n) {
            op.targets &= targets;
        }
    }

    /// Drops what was recorded (commands replayed from the AOF).
    pub fn discard(&mut self) {
        self.ops.clear();
        self.buf.clear();
        self.prevent = false;
        self.force = false;
        self.force_replicas = false;
    }

    /// Takes the unit recorded so far: each command's database and bytes,
    /// and whether MULTI/EXEC must wrap them.
    fn take(&mut self) -> Option<(Vec<Op>, Vec<u8>)> {
        if self.ops.is_empty() {
            return None;
        }
        Some((std::mem::take(&mut self.ops), std::mem::take(&mut self.buf)))
    }

    /// Gives the buffers back for reuse.
    fn recycle(&mut self, mut ops: Vec<Op>, mut buf: Vec<u8>) {
        ops.clear();
        buf.clear();
        if self.ops.is_empty() && buf.capacity() <= 1 << 20 {
            self.ops = ops;
            self.buf = buf;
        }
    }
}

/// Appends `argv` as a RESP array of bulk strings.
pub fn write_command<'a>(out: &mut Vec<u8>, argv: impl ExactSizeIterator<Item = &'a [u8]>) {
    use crate::util::number::write_u64;
    out.push(b'*');
    write_u64(out, argv.len() as u64);
    out.extend_from_slice(b"\r\n");
    for arg in argv {
        out.push(b'$');
        write_u64(out, arg.len() as u64);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
}

/// Sends the recorded unit on: to the append-only file and the
/// replication stream.
pub fn flush(st: &mut State) {
    let Some((ops, buf)) = st.prop.take() else { return };
    let wrap = ops.len() > 1 && !st.prop.no_multi;
    let emit = |st: &mut State, db: usize, command: &[u8], targets: u8| {
        if targets & TO_AOF != 0 {
            st.aof.feed(db, command);
        }
        if targets & TO_REPLICAS != 0 {
            st.repl.feed(Some(db), command);
        }
    };
    if wrap {
        emit(st, ops[0].db, b"*1\r\n$5\r\nMULTI\r\n", TO_ALL);
    }
    for op in &ops {
        emit(st, op.db, &buf[op.start..op.end], op.targets);
    }
    if wrap {
        emit(st, ops[ops.len() - 1].db, b"*1\r\n$4\r\nEXEC\r\n", TO_ALL);
    }
    st.prop.recycle(ops, buf);
}

/// Sends the unit out without MULTI/EXEC around it: deletions by expiry
/// or eviction, which are not one command's effects.
pub fn flush_no_multi(st: &mut State) {
    st.prop.no_multi = true;
    flush(st);
    st.prop.no_multi = false;
}

/// Records the command that just ran, as Redis's `call()` does: if it
/// changed the dataset and did not record its own form. EXEC is never
/// recorded (the commands it ran were). The unit goes out when this was
/// the top-level command.
pub fn after_command(ctx: &mut Ctx, name: &str, args: &Args, dirty_before: u64, arbitrary_keys: bool) {
    let prop = &mut ctx.st.prop;
    // SAVE and DEBUG LOADAOF reset the counter: only a rise is a change.
    let changed = std::mem::take(&mut prop.force) || ctx.st.dirty > dirty_before;
    let to_replicas = std::mem::take(&mut prop.force_replicas);
    if !std::mem::take(&mut prop.prevent) && name != "exec" {
        if changed {
            prop.record(ctx.db, (0..args.len()).map(|i| args.get(i)));
        } else if to_replicas {
            prop.record_to(ctx.db, (0..args.len()).map(|i| args.get(i)), TO_REPLICAS);
        }
    }
    if prop.nesting == 0 {
        // SCAN and RANDOMKEY may expire any number of keys: no MULTI.
        let no_multi = prop.no_multi;
        prop.no_multi |= arbitrary_keys;
        let offset = ctx.st.repl.offset;
        flush(ctx.st);
        ctx.st.prop.no_multi = no_multi;
        // What WAIT waits for: the stream up to this client's last write.
        if ctx.st.repl.offset != offset
            && let Some(c) = ctx.clients.get_mut(ctx.me)
        {
            c.woff = ctx.st.repl.offset;
        }
    }
}

impl Ctx<'_> {
    /// True when changes are being recorded: handlers build a rewritten
    /// form only then.
    pub fn propagating(&self) -> bool {
        self.st.prop.on
    }

    /// Records `argv` in place of the running command (Redis's
    /// `rewriteClientCommandVector`, or `alsoPropagate` with
    /// `preventCommandPropagation`). Call once per form; a command that
    /// records several forms calls it for each.
    pub fn propagate_as(&mut self, argv: &[&[u8]]) {
        if self.st.prop.on {
            self.st.prop.record(self.db, argv.iter().copied());
            self.st.prop.prevent = true;
        }
    }

    /// Records the running command even if it changed nothing (Redis's
    /// `forceCommandPropagation`: FLUSHALL and FLUSHDB of empty databases).
    pub fn force_propagation(&mut self) {
        self.st.prop.force = true;
    }

    /// Sends the running command to replicas even if it changed nothing
    /// (PUBLISH, so a replica's subscribers hear it too).
    pub fn force_replica_propagation(&mut self) {
        self.st.prop.force_replicas = self.st.prop.on;
    }

    /// Records nothing for the running command even though it changed
    /// the dataset.
    pub fn prevent_propagation(&mut self) {
        self.st.prop.prevent = true;
    }
}
