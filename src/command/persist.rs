//! Commands over the RDB format: DUMP and RESTORE (a value as a payload),
//! and the snapshot commands SAVE, BGSAVE and LASTSAVE.

use super::{Args, Ctx, arg_i64, notify};
use crate::persist::rdb::{Encoder, Options};
use crate::persist::{self, PayloadError, control, load};

/// `DUMP key`
pub fn dump(ctx: &mut Ctx, args: &Args) {
    let Some(id) = ctx.lookup_read(&args[1]) else {
        ctx.reply.null();
        return;
    };
    let mut enc = Encoder::new(Options {
        packed_threshold: ctx.st.packed_threshold,
        ..Options::from_config(&ctx.st.config)
    });
    let payload = persist::dump_payload(&mut enc, &ctx.st.dbs[ctx.db], id);
    ctx.reply.bulk(&payload);
}

/// `RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds]
/// [FREQ frequency]`
pub fn restore(ctx: &mut Ctx, args: &Args) {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq) = (None, None);
    let mut j = 4;
    while j < args.len() {
        let more = j + 1 < args.len();
        if args.is(j, "replace") {
            replace = true;
        } else if args.is(j, "absttl") {
            absttl = true;
        } else if args.is(j, "idletime") && more && freq.is_none() {
            let Some(n) = arg_i64(ctx.reply, &args[j + 1]) else {
                return;
            };
            if n < 0 {
                return ctx.reply.error(b"ERR Invalid IDLETIME value, must be >= 0");
            }
            idle = Some(n as u64);
            j += 1;
        } else if args.is(j, "freq") && more && idle.is_none() {
            let Some(n) = arg_i64(ctx.reply, &args[j + 1]) else {
                return;
            };
            if !(0..=255).contains(&n) {
                return ctx.reply.error(b"ERR Invalid FREQ value, must be >= 0 and <= 255");
            }
            freq = Some(n as u8);
            j += 1;
        } else {
            return ctx.reply.syntax_error();
        }
        j += 1;
    }
    let key = &args[1];
    if !replace && ctx.lookup_write(key).is_some() {
        return ctx.reply.error(b"BUSYKEY Target key name already exists.");
    }
    let Some(ttl) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    if ttl < 0 {
        return ctx.reply.error(b"ERR Invalid TTL value, must be >= 0");
    }
    let limits = load::Limits::from_config(&ctx.st.config);
    let value = match persist::restore_payload(&args[3], &limits, ctx.st.skip_checksum) {
        Ok(v) => v,
        Err(PayloadError::VersionOrChecksum) => {
            return ctx.reply.error(b"ERR DUMP payload version or checksum are wrong");
        }
        Err(PayloadError::BadFormat) => return ctx.reply.error(b"ERR Bad data format"),
    };
    let deleted = replace && ctx.db_delete(key);
    let now = ctx.now;
    let at = match (ttl, absttl) {
        (0, _) => None,
        (t, true) => Some(t as u64),
        (t, false) => Some((t as u64).saturating_add(now)),
    };
    if at.is_some_and(|at| at <= now) && !ctx.st.replaying {
        // Already expired: nothing is created; a replaced key is deleted.
        if deleted {
            ctx.notify(notify::GENERIC, "del", key);
            ctx.dirty(1);
            ctx.propagate_as(&[b"DEL", key]);
        } else {
            ctx.prevent_propagation();
        }
        return ctx.reply.ok();
    }
    let db = ctx.db();
    let id = persist::add_value(db, key, value, now);
    if let Some(at) = at {
        db.set_expire(id, at);
    }
    db.set_access(id, idle, freq, now);
    ctx.publish_db_notes();
    ctx.notify(notify::GENERIC, "restore", key);
    ctx.dirty(1);
    ctx.reply.ok();
    // A relative TTL is propagated as the absolute time, ABSTTL added.
    if let Some(at) = at
        && !absttl
        && ctx.propagating()
    {
        let ms = at.to_string();
        let mut argv: Vec<&[u8]> = (0..args.len()).map(|j| args.get(j)).collect();
        argv[2] = ms.as_bytes();
        argv.push(b"ABSTTL");
        ctx.propagate_as(&argv);
    }
}

/// `SAVE`
pub fn save(ctx: &mut Ctx, _args: &Args) {
    if ctx.st.rdb.bgsave.is_some() {
        return ctx.reply.error(b"ERR Background save already in progress");
    }
    match control::save_now(ctx.st) {
        Ok(()) => ctx.reply.ok(),
        Err(_) => ctx.reply.error(b"ERR"),
    }
}

/// `BGSAVE [SCHEDULE]`
pub fn bgsave(ctx: &mut Ctx, args: &Args) {
    if args.len() > 1 && !(args.len() == 2 && args.is(1, "schedule")) {
        return ctx.reply.syntax_error();
    }
    if ctx.st.rdb.bgsave.is_some() {
        return ctx.reply.error(b"ERR Background save already in progress");
    }
    if ctx.st.aof.rewrite.is_some() {
        if args.len() == 2 {
            ctx.st.rdb.scheduled = true;
            return ctx.reply.simple(b"Background saving scheduled");
        }
        return ctx.reply.error(b"ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    }
    // Inside EXEC it waits for the cron, as Redis schedules it there.
    if super::transaction::in_exec(ctx) {
        ctx.st.rdb.scheduled = true;
        return ctx.reply.simple(b"Background saving scheduled");
    }
    match control::bgsave(ctx.st) {
        Ok(()) => ctx.reply.simple(b"Background saving started"),
        Err(_) => ctx.reply.error(b"ERR"),
    }
}

/// `BGREWRITEAOF`: starts a rewrite of the append-only file, or
/// schedules it while a background save runs or inside EXEC.
pub fn bgrewriteaof(ctx: &mut Ctx, _args: &Args) {
    if ctx.st.aof.rewrite.is_some() {
        return ctx
            .reply
            .error(b"ERR Background append only file rewriting already in progress");
    }
    if ctx.st.rdb.bgsave.is_some() || super::transaction::in_exec(ctx) {
        ctx.st.aof.rewrite_scheduled = true;
        // A rewrite asked for by hand is not held back by past failures.
        ctx.st.aof.consecutive_failures = 0;
        return ctx.reply.simple(b"Background append only file rewriting scheduled");
    }
    match crate::persist::aof::rewrite::start(ctx.st) {
        Ok(()) => ctx.reply.simple(b"Background append only file rewriting started"),
        Err(crate::persist::aof::Logged) => ctx.reply.error(
            b"ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
        ),
    }
}
