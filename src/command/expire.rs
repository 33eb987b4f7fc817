//! TTL commands (Redis's `expire.c` user side): EXPIRE and its three
//! siblings share `expire_generic`; TTL and its siblings share `ttl_generic`.

use super::{Args, Ctx, arg_i64, notify};

#[derive(Default)]
struct ExpireFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

/// Parses NX|XX|GT|LT, replying Redis's error on an unknown or
/// incompatible combination.
fn parse_flags(ctx: &mut Ctx, args: &Args) -> Option<ExpireFlags> {
    let mut f = ExpireFlags::default();
    for j in 3..args.len() {
        match () {
            _ if args.is(j, "nx") => f.nx = true,
            _ if args.is(j, "xx") => f.xx = true,
            _ if args.is(j, "gt") => f.gt = true,
            _ if args.is(j, "lt") => f.lt = true,
            _ => {
                ctx.reply.error_fmt(format_args!(
                    "ERR Unsupported option {}",
                    String::from_utf8_lossy(&args[j])
                ));
                return None;
            }
        }
    }
    if f.nx && (f.xx || f.gt || f.lt) {
        ctx.reply
            .error(b"ERR NX and XX, GT or LT options at the same time are not compatible");
        return None;
    }
    if f.gt && f.lt {
        ctx.reply
            .error(b"ERR GT and LT options at the same time are not compatible");
        return None;
    }
    Some(f)
}

/// The shared body of EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT
/// (`expireGenericCommand`): `base` is added to the argument after
/// converting seconds to ms when `seconds`.
fn expire_generic(ctx: &mut Ctx, args: &Args, base: i64, seconds: bool) {
    let Some(flags) = parse_flags(ctx, args) else {
        return;
    };
    let Some(mut when) = arg_i64(ctx.reply, &args[2]) else {
        return;
    };
    let name = ctx.clients[ctx.me].last_cmd;
    let invalid = |ctx: &mut Ctx| {
        ctx.reply
            .error_fmt(format_args!("ERR invalid expire time in '{name}' command"))
    };
    if seconds {
        match when.checked_mul(1000) {
            Some(ms) => when = ms,
            None => return invalid(ctx),
        }
    }
    match when.checked_add(base) {
        Some(ms) if when <= i64::MAX - base => when = ms,
        _ => return invalid(ctx),
    }
    let Some(id) = ctx.lookup_write(&args[1]) else {
        ctx.reply.int(0);
        return;
    };
    let current = ctx.db().expire_at(id).map(|at| at as i64);
    let refused = (flags.nx && current.is_some())
        || (flags.xx && current.is_none())
        || (flags.gt && current.is_none_or(|cur| when <= cur))
        || (flags.lt && current.is_some_and(|cur| when >= cur));
    if refused {
        ctx.reply.int(0);
        return;
    }
    // Redis replies before the `expire` event but after the `del` one.
    // A time already past deletes the key, except while the AOF is
    // replayed (the key expires once loaded).
    if when <= ctx.now as i64 && !ctx.st.replaying {
        let lazy = super::string::lazy_expire(ctx);
        ctx.db().remove_with(id, crate::db::Free::lazy_if(lazy));
        ctx.notify(notify::GENERIC, "del", &args[1]);
        ctx.reply.int(1);
        let del: &[u8] = if super::string::lazy_expire(ctx) {
            b"UNLINK"
        } else {
            b"DEL"
        };
        ctx.propagate_as(&[del, &args[1]]);
    } else {
        ctx.db().set_expire(id, when as u64);
        ctx.reply.int(1);
        ctx.notify(notify::GENERIC, "expire", &args[1]);
        // Propagated as an absolute time, the flags kept.
        if ctx.propagating() && !args.is(0, "pexpireat") {
            let ms = when.to_string();
            let mut argv: Vec<&[u8]> = vec![b"PEXPIREAT", &args[1], ms.as_bytes()];
            argv.extend((3..args.len()).map(|j| args.get(j)));
            ctx.propagate_as(&argv);
        }
    }
    ctx.dirty(1);
}

/// `EXPIRE key seconds [NX|XX|GT|LT]`
pub fn expire(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now as i64;
    expire_generic(ctx, args, now, true);
}

/// `PEXPIRE key milliseconds [NX|XX|GT|LT]`
pub fn pexpire(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now as i64;
    expire_generic(ctx, args, now, false);
}

/// `EXPIREAT key unix-time-seconds [NX|XX|GT|LT]`
pub fn expireat(ctx: &mut Ctx, args: &Args) {
    expire_generic(ctx, args, 0, true);
}

/// `PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]`
pub fn pexpireat(ctx: &mut Ctx, args: &Args) {
    expire_generic(ctx, args, 0, false);
}

/// The shared body of TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing
/// key, -1 without a TTL, else the TTL (relative unless `absolute`).
fn ttl_generic(ctx: &mut Ctx, key: &[u8], millis: bool, absolute: bool) {
    let now = ctx.now;
    let Some(id) = super::keys::lookup_read_notouch(ctx, key) else {
        ctx.reply.int(-2);
        return;
    };
    let Some(at) = ctx.db().expire_at(id) else {
        ctx.reply.int(-1);
        return;
    };
    let ttl = if absolute {
        at as i64
    } else {
        (at as i64 - now as i64).max(0)
    };
    ctx.reply.int(if millis { ttl } else { (ttl + 500) / 1000 });
}

/// `TTL key`
pub fn ttl(ctx: &mut Ctx, args: &Args) {
    ttl_generic(ctx, &args[1], false, false);
}

/// `PTTL key`
pub fn pttl(ctx: &mut Ctx, args: &Args) {
    ttl_generic(ctx, &args[1], true, false);
}

/// `EXPIRETIME key`
pub fn expiretime(ctx: &mut Ctx, args: &Args) {
    ttl_generic(ctx, &args[1], false, true);
}

/// `PEXPIRETIME key`
pub fn pexpiretime(ctx: &mut Ctx, args: &Args) {
    ttl_generic(ctx, &args[1], true, true);
}

/// `PERSIST key`
pub fn persist(ctx: &mut Ctx, args: &Args) {
    let removed = match ctx.lookup_write(&args[1]) {
        Some(id) => ctx.db().clear_expire(id),
        None => false,
    };
    if removed {
        ctx.notify(notify::GENERIC, "persist", &args[1]);
        ctx.dirty(1);
    }
    ctx.reply.int(removed as i64);
}
