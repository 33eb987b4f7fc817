//! EVAL, EVALSHA, their read-only forms and SCRIPT: the commands of Lua
//! scripting. The work is in `crate::script`.

use super::server::reply_help;
use super::table::flags::*;
use super::table::{CommandDef, NOKEYS, c};
use super::{Args, Ctx};
use crate::script::{self, By};

/// EVAL's flags (Redis adds MAY_REPLICATE, which COMMAND INFO hides).
const EVAL: u32 = NOSCRIPT | SKIP_MONITOR | MAY_REPLICATE | NO_MANDATORY_KEYS | STALE;
const EVAL_RO: u32 = READONLY | NOSCRIPT | SKIP_MONITOR | NO_MANDATORY_KEYS | STALE;

#[rustfmt::skip]
static SCRIPT_SUBS: &[CommandDef] = &[
    c("debug", 3, NOSCRIPT, NOKEYS, "scripting", script_debug),
    c("exists", -3, NOSCRIPT, NOKEYS, "scripting", script_exists),
    c("flush", -2, NOSCRIPT, NOKEYS, "scripting", script_flush),
    c("help", 2, LOADING | STALE, NOKEYS, "scripting", script_help),
    c("kill", 2, NOSCRIPT | ALLOW_BUSY, NOKEYS, "scripting", script_kill),
    c("load", 3, NOSCRIPT | STALE, NOKEYS, "scripting", script_load),
];

/// Keys are named by `numkeys` (argument 2), so the legacy range is empty.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("eval", -3, EVAL, NOKEYS, "scripting", eval),
    c("eval_ro", -3, EVAL_RO, NOKEYS, "scripting", eval_ro),
    c("evalsha", -3, EVAL, NOKEYS, "scripting", evalsha),
    c("evalsha_ro", -3, EVAL_RO, NOKEYS, "scripting", evalsha_ro),
    CommandDef { subcommands: SCRIPT_SUBS, ..c("script", -2, 0, NOKEYS, "scripting", |_, _| {}) },
];

pub fn eval(ctx: &mut Ctx, args: &Args) {
    script::eval_generic(ctx, args, By::Body, false);
}

pub fn eval_ro(ctx: &mut Ctx, args: &Args) {
    script::eval_generic(ctx, args, By::Body, true);
}

pub fn evalsha(ctx: &mut Ctx, args: &Args) {
    script::eval_generic(ctx, args, By::Sha, false);
}

pub fn evalsha_ro(ctx: &mut Ctx, args: &Args) {
    script::eval_generic(ctx, args, By::Sha, true);
}

/// `SCRIPT LOAD script`
fn script_load(ctx: &mut Ctx, args: &Args) {
    match script::load(args.get(2)) {
        Ok(sha) => ctx.reply.bulk(&sha),
        Err(msg) => ctx.reply.error(&msg),
    }
}

/// `SCRIPT EXISTS sha1 [sha1 ...]`
fn script_exists(ctx: &mut Ctx, args: &Args) {
    ctx.reply.array(args.len() - 2);
    for sha in args.iter().skip(2) {
        ctx.reply.int(script::exists(sha) as i64);
    }
}

/// `SCRIPT FLUSH [ASYNC|SYNC]`: the scripts go with the Lua state they
/// were compiled in.
fn script_flush(ctx: &mut Ctx, args: &Args) {
    if args.len() > 3 || (args.len() == 3 && !(args.is(2, "sync") || args.is(2, "async"))) {
        ctx.reply.error(b"ERR SCRIPT FLUSH only support SYNC|ASYNC option");
        return;
    }
    script::flush();
    ctx.reply.ok();
}

/// `SCRIPT KILL`: nothing runs while a client's command is served.
fn script_kill(ctx: &mut Ctx, _args: &Args) {
    ctx.reply.error(b"NOTBUSY No scripts in execution right now.");
}

/// `SCRIPT DEBUG YES|SYNC|NO`: the Lua debugger is not available; NO is
/// accepted, as it asks for what is already so.
fn script_debug(ctx: &mut Ctx, args: &Args) {
    if args.is(2, "no") {
        ctx.reply.ok();
    } else if args.is(2, "yes") || args.is(2, "sync") {
        ctx.reply
            .error(b"ERR the Lua debugger (SCRIPT DEBUG) is not supported by this server");
    } else {
        ctx.reply.error(b"ERR Use SCRIPT DEBUG YES/SYNC/NO");
    }
}

fn script_help(ctx: &mut Ctx, _args: &Args) {
    reply_help(
        ctx,
        "SCRIPT",
        &[
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
        ],
    );
}
