//! MONITOR (Redis's `monitorCommand` and `replicationFeedMonitors`): a
//! client in monitor mode receives every command other clients run, one
//! status line each:
//!
//! ```text
//! +1700000000.123456 [0 127.0.0.1:50000] "set" "key" "value"
//! ```
//!
//! `State::monitors` lists the monitor clients' tokens in the order they
//! ran MONITOR; a line for another client is appended to its reply buffer
//! and its token pushed on `State::woken`, so the event loop writes it, as
//! pubsub messages are. A command is fed after it ran, so MONITOR itself is
//! never seen; commands flagged `skip_monitor` or `admin` never are either,
//! and passwords given to HELLO AUTH are shown as `(redacted)`.
//!
//! Redis marks a monitor as a replica, so it may not run commands that
//! read or change the keyspace (`refused`), yet its output buffer limit
//! is the normal class's.

use super::table::{CommandDef, NOKEYS, c, flags::*};
use super::{Args, Ctx, transaction};
use crate::client::ReplyMode;
use crate::server::State;

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("monitor", 1, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", monitor),
];

/// What Redis shows instead of a password.
const REDACTED: &[u8] = b"(redacted)";

/// `MONITOR`: enters monitor mode. Inside EXEC it is refused (Redis's
/// CLIENT_DENY_BLOCKING); a client already monitoring gets no reply.
fn monitor(ctx: &mut Ctx, _args: &Args) {
    if transaction::in_exec(ctx) {
        ctx.reply.error(b"ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if ctx.st.monitors.contains(&ctx.me) {
        return;
    }
    ctx.st.monitors.push(ctx.me);
    ctx.client().monitor = true;
    ctx.reply.ok();
}

/// Redis's `processCommand` check for replicas, which monitors are too: a
/// command that reads or may change the keyspace is refused (as a
/// rejected call, failing a transaction being queued). Returns true if
/// `def` was refused.
pub fn refused(ctx: &mut Ctx, def: &CommandDef, idx: usize) -> bool {
    if !ctx.clients[ctx.me].monitor || def.flags & (READONLY | WRITE | MAY_REPLICATE) == 0 {
        return false;
    }
    ctx.reply.error(b"ERR Replica can't interact with the keyspace");
    ctx.st.cmdstats[idx].rejected += 1;
    transaction::flag_error(ctx);
    true
}

/// Client `token` is closing (or RESET, which also clears its `monitor`
/// flag): it monitors no more.
pub fn on_close(st: &mut State, token: usize) {
    st.monitors.retain(|&t| t != token);
}

/// Called by `execute` once per command: `ran` is the command if its
/// handler ran, `mark` the reply length before it. Feeds the command to
/// the monitors unless it is flagged `skip_monitor` or `admin`; an EXEC
/// rejected before running (arity, NOAUTH) is fed too, as Redis's
/// `execCommandAbort` does, so monitors see the transaction end.
pub fn after_command(ctx: &mut Ctx, args: &Args, ran: Option<&'static CommandDef>, mark: usize) {
    if ctx.st.monitors.is_empty() {
        return;
    }
    let feed = match ran {
        Some(def) => def.flags & (SKIP_MONITOR | ADMIN) == 0,
        None => args.is(0, "exec") && exec_aborted(ctx, mark),
    };
    if feed {
        let line = format_line(ctx, args);
        broadcast(ctx, &line);
    }
}

/// Feeds the running command to the monitors now: EVAL and FCALL (flagged
/// `skip_monitor`) do it before they run, so the commands of the script
/// follow them, as Redis's `evalCommand` does.
pub fn feed_now(ctx: &mut Ctx, args: &Args) {
    if !ctx.st.monitors.is_empty() {
        let line = format_line(ctx, args);
        broadcast(ctx, &line);
    }
}

/// True if the reply since `mark` is EXEC's EXECABORT.
fn exec_aborted(ctx: &Ctx, mark: usize) -> bool {
    let unsent = ctx.reply.unsent();
    let added = ctx.reply.mark().saturating_sub(mark).min(unsent.len());
    unsent[unsent.len() - added..].starts_with(b"-EXECABORT ")
}

/// The line Redis's `replicationFeedMonitors` builds: wall-clock time in
/// seconds and microseconds, the database after the command ran, the
/// client's address, then every argument quoted by `sdscatrepr`.
fn format_line(ctx: &Ctx, args: &Args) -> Vec<u8> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let c = &ctx.clients[ctx.me];
    let addr = match &c.unix_path {
        _ if c.script => "lua".to_string(),
        Some(path) => format!("unix:{path}"),
        None => c.addr.to_string(),
    };
    let mut line = format!("+{}.{:06} [{} {}] ", now.as_secs(), now.subsec_micros(), ctx.db, addr).into_bytes();
    let redact = redacted_args(args);
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        let shown = if redact.contains(&i) { REDACTED } else { arg };
        quote_into(&mut line, shown);
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// Indexes of the arguments AUTH and HELLO redact: the password (and user
/// name) of AUTH, the user name and password after HELLO's AUTH. Redis redacts while it parses the options, so only an AUTH
/// reached before a bad option is hidden.
fn redacted_args(args: &Args) -> Vec<usize> {
    let mut hidden = Vec::new();
    if args.is(0, "auth") {
        // AUTH redacts its password, and the user name of the two-argument
        // form, unless it is refused for too many arguments first.
        if args.len() <= 3 {
            hidden.extend(1..args.len());
        }
        return hidden;
    }
    let version_ok = args.len() >= 2 && matches!(crate::util::number::parse_i64(&args[1]), Some(2 | 3));
    if !args.is(0, "hello") || !version_ok {
        return hidden;
    }
    let mut j = 2;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if args.is(j, "auth") && more >= 2 {
            hidden.extend([j + 1, j + 2]);
            j += 3;
        } else if args.is(j, "setname") && more >= 1 && args[j + 1].iter().all(|b| (b'!'..=b'~').contains(b)) {
            j += 2;
        } else {
            break;
        }
    }
    hidden
}

/// Appends `s` quoted as Redis's `sdscatrepr`: backslash escapes for `\`,
/// `"`, newline, carriage return, tab, bell and backspace; printable ASCII
/// as is; any other byte as `\xhh`.
pub fn quote_into(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'\\' | b'"' => out.extend_from_slice(&[b'\\', b]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

/// Appends `line` to every monitor's output. A monitor that is closing or
/// has CLIENT REPLY OFF/SKIP gets nothing, as Redis writes nothing to it;
/// one whose output passes its limit is closed.
fn broadcast(ctx: &mut Ctx, line: &[u8]) {
    let now = ctx.now;
    let st = &mut *ctx.st;
    for &t in &st.monitors {
        if t == ctx.me {
            // Our own buffer is out of the slot while we run; `execute`
            // drops it afterwards under REPLY OFF/SKIP.
            ctx.reply.raw(line);
            continue;
        }
        let Some(c) = ctx.clients.get_mut(t) else { continue };
        if c.close_asap || matches!(c.reply_mode, ReplyMode::Off | ReplyMode::Skip) {
            continue;
        }
        // A client with output pending is already scheduled for writing.
        if c.reply.pending() == 0 {
            st.woken.push(t);
        }
        c.reply.raw(line);
        if c.close_on_output_limit(None, &st.config.client_output_limits, now, true) {
            st.stats.client_obuf_limit_disconnections += 1;
            st.kills.push(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_as_sdscatrepr() {
        let mut out = Vec::new();
        quote_into(&mut out, b"a\"b\\c\n\r\t\x07\x08\x00\xff ~");
        assert_eq!(out, b"\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x00\\xff ~\"");
    }

    #[test]
    fn redacts_hello_auth() {
        let frame = b"hello2authuserpasssetnamex";
        let spans = [0..5, 5..6, 6..10, 10..14, 14..18, 18..25, 25..26];
        assert_eq!(redacted_args(&Args::new(frame, &spans)), vec![3, 4]);
    }
}
