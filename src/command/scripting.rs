//! EVAL, EVALSHA, their read-only forms, SCRIPT, FCALL, FCALL_RO and
//! FUNCTION: the commands of Lua scripting. The work is in
//! `crate::script` (and `crate::script::function`).

use super::server::{reply_help, subcommand_syntax_error};
use super::table::flags::*;
use super::table::{CommandDef, NOKEYS, c};
use super::{Args, Ctx};
use crate::script::function::{self, Policy};
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

#[rustfmt::skip]
static FUNCTION_SUBS: &[CommandDef] = &[
    c("delete", 3, WRITE | NOSCRIPT, NOKEYS, "scripting", function_delete),
    c("dump", 2, NOSCRIPT, NOKEYS, "scripting", function_dump),
    c("flush", -2, WRITE | NOSCRIPT, NOKEYS, "scripting", function_flush),
    c("help", 2, LOADING | STALE, NOKEYS, "scripting", function_help),
    c("kill", 2, NOSCRIPT | ALLOW_BUSY, NOKEYS, "scripting", function_kill),
    c("list", -2, NOSCRIPT, NOKEYS, "scripting", function_list),
    c("load", -3, WRITE | DENYOOM | NOSCRIPT, NOKEYS, "scripting", function_load),
    c("restore", -3, WRITE | DENYOOM | NOSCRIPT, NOKEYS, "scripting", function_restore),
    c("stats", 2, NOSCRIPT | ALLOW_BUSY, NOKEYS, "scripting", function_stats),
];

/// Keys are named by `numkeys` (argument 2), so the legacy range is empty.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("eval", -3, EVAL, NOKEYS, "scripting", eval),
    c("eval_ro", -3, EVAL_RO, NOKEYS, "scripting", eval_ro),
    c("evalsha", -3, EVAL, NOKEYS, "scripting", evalsha),
    c("evalsha_ro", -3, EVAL_RO, NOKEYS, "scripting", evalsha_ro),
    c("fcall", -3, EVAL, NOKEYS, "scripting", fcall),
    c("fcall_ro", -3, EVAL_RO, NOKEYS, "scripting", fcall_ro),
    CommandDef { subcommands: FUNCTION_SUBS, ..c("function", -2, 0, NOKEYS, "scripting", |_, _| {}) },
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

/// `SCRIPT KILL`: stops a timed-out EVAL that has not written.
fn script_kill(ctx: &mut Ctx, _args: &Args) {
    match script::kill(ctx.st, true) {
        Ok(()) => ctx.reply.ok(),
        Err(msg) => ctx.reply.error(msg),
    }
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

// ---- FCALL and FUNCTION ---------------------------------------------------------------------

pub fn fcall(ctx: &mut Ctx, args: &Args) {
    function::fcall_generic(ctx, args, false);
}

pub fn fcall_ro(ctx: &mut Ctx, args: &Args) {
    function::fcall_generic(ctx, args, true);
}

/// `FUNCTION LOAD [REPLACE] code`
fn function_load(ctx: &mut Ctx, args: &Args) {
    let mut replace = false;
    let mut at = 2;
    while at < args.len() - 1 {
        if args.is(at, "replace") {
            replace = true;
            at += 1;
            continue;
        }
        ctx.reply.error_fmt(format_args!(
            "ERR Unknown option given: {}",
            String::from_utf8_lossy(args.get(at))
        ));
        return;
    }
    if at >= args.len() {
        ctx.reply.error(b"ERR Function code is missing");
        return;
    }
    match function::load(args.get(at), replace) {
        Ok(name) => {
            ctx.dirty(1);
            ctx.reply.bulk(&name);
        }
        Err(msg) => ctx.reply.error(&msg),
    }
}

/// `FUNCTION DELETE library-name`
fn function_delete(ctx: &mut Ctx, args: &Args) {
    if function::delete(args.get(2)) {
        ctx.dirty(1);
        ctx.reply.ok();
    } else {
        ctx.reply.error(b"ERR Library not found");
    }
}

/// `FUNCTION FLUSH [ASYNC|SYNC]`
fn function_flush(ctx: &mut Ctx, args: &Args) {
    if args.len() > 3 {
        subcommand_syntax_error(ctx, args);
    } else if args.len() == 3 && !(args.is(2, "async") || args.is(2, "sync")) {
        ctx.reply.error(b"ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    } else {
        function::flush();
        ctx.dirty(1);
        ctx.reply.ok();
    }
}

/// `FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]`
fn function_list(ctx: &mut Ctx, args: &Args) {
    let (mut with_code, mut pattern) = (false, None);
    let mut j = 2;
    while j < args.len() {
        if !with_code && args.is(j, "withcode") {
            with_code = true;
        } else if pattern.is_none() && args.is(j, "libraryname") {
            if j + 1 >= args.len() {
                ctx.reply.error(b"ERR library name argument was not given");
                return;
            }
            pattern = Some(args.get(j + 1));
            j += 1;
        } else {
            ctx.reply.error_fmt(format_args!(
                "ERR Unknown argument {}",
                String::from_utf8_lossy(&args[j])
            ));
            return;
        }
        j += 1;
    }
    function::list(ctx, with_code, pattern);
}

/// `FUNCTION DUMP`
fn function_dump(ctx: &mut Ctx, _args: &Args) {
    let payload = function::dump(crate::persist::rdb::Options::from_config(&ctx.st.config));
    ctx.reply.bulk(&payload);
}

/// `FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]`
fn function_restore(ctx: &mut Ctx, args: &Args) {
    if args.len() > 4 {
        subcommand_syntax_error(ctx, args);
        return;
    }
    let policy = if args.len() < 4 || args.is(3, "append") {
        Policy::Append
    } else if args.is(3, "replace") {
        Policy::Replace
    } else if args.is(3, "flush") {
        Policy::Flush
    } else {
        ctx.reply
            .error(b"ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
        return;
    };
    match function::restore(args.get(2), policy, ctx.st.skip_checksum) {
        Ok(()) => {
            ctx.dirty(1);
            ctx.reply.ok();
        }
        Err(msg) => ctx.reply.error(&msg),
    }
}

/// `FUNCTION KILL`: stops a timed-out FCALL that has not written.
fn function_kill(ctx: &mut Ctx, _args: &Args) {
    match script::kill(ctx.st, false) {
        Ok(()) => ctx.reply.ok(),
        Err(msg) => ctx.reply.error(msg),
    }
}

/// `FUNCTION STATS`
fn function_stats(ctx: &mut Ctx, _args: &Args) {
    function::stats(ctx);
}

fn function_help(ctx: &mut Ctx, _args: &Args) {
    reply_help(
        ctx,
        "FUNCTION",
        &[
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>",
            "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Return general information on all the libraries:",
            "    * Library name",
            "    * The engine used to run the Library",
            "    * Library description",
            "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS",
            "    Return information about the current function running:",
            "    * Function name",
            "    * Command used to run the function",
            "    * Duration in MS that the function is running",
            "    If no function is running, return nil",
            "    In addition, returns a list of available engines.",
            "KILL",
            "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
            "DUMP",
            "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
        ],
    );
}
