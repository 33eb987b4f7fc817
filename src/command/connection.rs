//! Connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH and
//! the CLIENT family (Redis's `networking.c` and `server.c` user side).

use super::{Args, Ctx};
use crate::client::{Client, ReplyMode};
use crate::server::blocking::{self, Release};

/// `PING [message]`
pub fn ping(ctx: &mut Ctx, args: &Args) {
    match args.len() {
        1 => ctx.reply.simple(b"PONG"),
        2 => ctx.reply.bulk(&args[1]),
        _ => ctx.reply.error(b"ERR wrong number of arguments for 'ping' command"),
    }
}

/// `ECHO message`
pub fn echo(ctx: &mut Ctx, args: &Args) {
    ctx.reply.bulk(&args[1]);
}

/// `SELECT index`
pub fn select(ctx: &mut Ctx, args: &Args) {
    // Redis's getIntFromObjectOrReply: two distinct errors.
    let Some(n) = crate::util::number::parse_i64(&args[1]) else {
        ctx.reply.not_integer();
        return;
    };
    if i32::try_from(n).is_err() {
        ctx.reply
            .error(b"ERR value is out of range, value must between -2147483648 and 2147483647");
        return;
    }
    if n < 0 || n as usize >= ctx.st.dbs.len() {
        ctx.reply.error(b"ERR DB index is out of range");
        return;
    }
    ctx.db = n as usize;
    ctx.client().db = n as usize;
    ctx.reply.ok();
}

/// `QUIT`
pub fn quit(ctx: &mut Ctx, _args: &Args) {
    ctx.reply.ok();
    ctx.client().close_after_reply = true;
}

/// `RESET`: back to a fresh connection's state (Redis's
/// `clearClientConnectionState`).
pub fn reset(ctx: &mut Ctx, _args: &Args) {
    super::tracking::reset(ctx);
    super::pubsub::unsubscribe_all(ctx);
    super::transaction::reset(ctx);
    // Leaves monitor mode too (Redis's clearClientConnectionState).
    super::monitor::on_close(ctx.st, ctx.me);
    let needs_auth = ctx.st.config.requirepass.is_some();
    ctx.db = 0;
    ctx.reply.set_resp3(false);
    let c = ctx.client();
    c.db = 0;
    c.name = None;
    c.authenticated = !needs_auth;
    c.parser.set_unauthenticated(needs_auth);
    c.reply_mode = ReplyMode::On;
    c.no_evict = false;
    c.no_touch = false;
    c.monitor = false;
    ctx.reply.simple(b"RESET");
}

/// Checks a password against `requirepass` for user `user`.
fn check_auth(ctx: &mut Ctx, user: &[u8], pass: &[u8]) -> bool {
    let ok = user == b"default"
        && match &ctx.st.config.requirepass {
            None => true,
            Some(required) => constant_time_eq(required, pass),
        };
    if ok {
        let c = ctx.client();
        c.authenticated = true;
        c.parser.set_unauthenticated(false);
    } else {
        ctx.reply
            .error(b"WRONGPASS invalid username-password pair or user is disabled.");
    }
    ok
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `AUTH [username] password`
pub fn auth(ctx: &mut Ctx, args: &Args) {
    if args.len() > 3 {
        ctx.reply.syntax_error();
        return;
    }
    let (user, pass): (&[u8], &[u8]) = if args.len() == 2 {
        if ctx.st.config.requirepass.is_none() {
            ctx.reply.error(b"ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return;
        }
        (b"default", &args[1])
    } else {
        (&args[1], &args[2])
    };
    if check_auth(ctx, user, pass) {
        ctx.reply.ok();
    }
}

/// Redis's `validateClientName`: no spaces, newlines or special characters.
fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|&c| (b'!'..=b'~').contains(&c))
}

/// `HELLO [protover [AUTH username password] [SETNAME clientname]]`
pub fn hello(ctx: &mut Ctx, args: &Args) {
    let mut ver = None;
    if args.len() >= 2 {
        let Some(v) = crate::util::number::parse_i64(&args[1]) else {
            ctx.reply
                .error(b"ERR Protocol version is not an integer or out of range");
            return;
        };
        if !(2..=3).contains(&v) {
            ctx.reply.error(b"NOPROTO unsupported protocol version");
            return;
        }
        ver = Some(v);
    }
    let mut credentials = None;
    let mut name = None;
    let mut j = 2;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if args.is(j, "auth") && more >= 2 {
            credentials = Some((args.get(j + 1), args.get(j + 2)));
            j += 2;
        } else if args.is(j, "setname") && more >= 1 {
            let n = args.get(j + 1);
            if !valid_name(n) {
                ctx.reply
                    .error(b"ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
            name = Some(n);
            j += 1;
        } else {
            ctx.reply.error_fmt(format_args!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(&args[j])
            ));
            return;
        }
        j += 1;
    }
    if let Some((user, pass)) = credentials
        && !check_auth(ctx, user, pass)
    {
        return;
    }
    if !ctx.client().authenticated {
        ctx.reply.error(b"NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
        return;
    }
    if let Some(n) = name {
        ctx.client().name = (!n.is_empty()).then(|| n.into());
    }
    if let Some(v) = ver {
        ctx.reply.set_resp3(v == 3);
    }
    let id = ctx.client().id;
    ctx.reply.map(7);
    ctx.reply.bulk(b"server");
    ctx.reply.bulk(b"redis");
    ctx.reply.bulk(b"version");
    ctx.reply.bulk(crate::REDIS_VERSION.as_bytes());
    ctx.reply.bulk(b"proto");
    ctx.reply.int(if ctx.reply.resp3() { 3 } else { 2 });
    ctx.reply.bulk(b"id");
    ctx.reply.int(id as i64);
    ctx.reply.bulk(b"mode");
    ctx.reply.bulk(b"standalone");
    ctx.reply.bulk(b"role");
    ctx.reply.bulk(b"master");
    ctx.reply.bulk(b"modules");
    ctx.reply.array(0);
}

// ---- CLIENT --------------------------------------------------------------------------

/// `CLIENT ID`
pub fn client_id(ctx: &mut Ctx, _args: &Args) {
    let id = ctx.client().id;
    ctx.reply.int(id as i64);
}

/// `CLIENT GETNAME`
pub fn client_getname(ctx: &mut Ctx, _args: &Args) {
    let name = ctx.clients[ctx.me].name.clone();
    ctx.reply.bulk_or_null(name.as_deref());
}

/// `CLIENT SETNAME name`
pub fn client_setname(ctx: &mut Ctx, args: &Args) {
    let name = &args[2];
    if !valid_name(name) {
        ctx.reply
            .error(b"ERR Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    ctx.client().name = (!name.is_empty()).then(|| name.into());
    ctx.reply.ok();
}

/// `CLIENT SETINFO LIB-NAME|LIB-VER value`
pub fn client_setinfo(ctx: &mut Ctx, args: &Args) {
    let value = &args[3];
    let field = if args.is(2, "lib-name") {
        "lib-name"
    } else if args.is(2, "lib-ver") {
        "lib-ver"
    } else {
        ctx.reply.error_fmt(format_args!(
            "ERR Unrecognized option '{}'",
            String::from_utf8_lossy(&args[2])
        ));
        return;
    };
    if !valid_name(value) {
        ctx.reply.error_fmt(format_args!(
            "ERR {field} cannot contain spaces, newlines or special characters."
        ));
        return;
    }
    let stored = (!value.is_empty()).then(|| value.into());
    let c = ctx.client();
    if field == "lib-name" {
        c.lib_name = stored;
    } else {
        c.lib_ver = stored;
    }
    ctx.reply.ok();
}

/// Runs `f` with the calling client's read-buffer positions zeroed. While
/// a command runs, its client's read buffer is lent to the executor
/// (`server::exec`) and is empty, so the saved positions would not match
/// it; `Client::info_line` must not see that state.
fn with_own_buffer_detached<T>(ctx: &mut Ctx, f: impl FnOnce(&mut Ctx) -> T) -> T {
    let me = ctx.me;
    let saved = (ctx.clients[me].rpos, ctx.clients[me].rlen);
    ctx.clients[me].rpos = 0;
    ctx.clients[me].rlen = 0;
    let out = f(ctx);
    (ctx.clients[me].rpos, ctx.clients[me].rlen) = saved;
    out
}

/// `CLIENT INFO`
pub fn client_info(ctx: &mut Ctx, _args: &Args) {
    let now = ctx.now;
    let mut line = with_own_buffer_detached(ctx, |ctx| ctx.clients[ctx.me].info_line(now, Some(ctx.reply)));
    line.push('\n');
    ctx.reply.verbatim(b"txt", line.as_bytes());
}

/// A CLIENT LIST / CLIENT KILL `TYPE` filter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Pubsub,
    Replica,
    /// The link to this server's master.
    Master,
}

impl ClientType {
    fn parse(name: &[u8]) -> Option<ClientType> {
        let lower = name.to_ascii_lowercase();
        match lower.as_slice() {
            b"normal" => Some(ClientType::Normal),
            b"pubsub" => Some(ClientType::Pubsub),
            b"replica" | b"slave" => Some(ClientType::Replica),
            b"master" => Some(ClientType::Master),
            _ => None,
        }
    }

    /// Redis's `getClientType`: a replica is one whatever else it does;
    /// otherwise a client with any subscription is pubsub.
    fn matches(self, c: &Client) -> bool {
        match self {
            ClientType::Normal => !c.is_replica() && !c.master_link && !c.subs.active(),
            ClientType::Pubsub => !c.is_replica() && !c.master_link && c.subs.active(),
            ClientType::Replica => c.is_replica(),
            ClientType::Master => c.master_link,
        }
    }
}

/// `CLIENT LIST [TYPE normal|master|replica|pubsub] [ID client-id ...]`
pub fn client_list(ctx: &mut Ctx, args: &Args) {
    let mut ids: Option<Vec<u64>> = None;
    let mut kind: Option<ClientType> = None;
    if args.len() == 4 && args.is(2, "type") {
        let Some(k) = ClientType::parse(&args[3]) else {
            ctx.reply.error_fmt(format_args!(
                "ERR Unknown client type '{}'",
                String::from_utf8_lossy(&args[3])
            ));
            return;
        };
        kind = Some(k);
    } else if args.len() > 3 && args.is(2, "id") {
        let mut list = Vec::new();
        for a in args.iter().skip(3) {
            // Any integer is accepted; ids that match no client list nothing.
            match crate::util::number::parse_i64(a) {
                Some(n) => list.extend(u64::try_from(n).ok()),
                None => {
                    ctx.reply.error(b"ERR Invalid client ID");
                    return;
                }
            }
        }
        ids = Some(list);
    } else if args.len() != 2 {
        ctx.reply.syntax_error();
        return;
    }
    let now = ctx.now;
    let text = with_own_buffer_detached(ctx, |ctx| {
        let mut text = String::new();
        {
            let mut clients: Vec<(usize, &Client)> = ctx
                .clients
                .iter()
                .filter(|(_, c)| kind.is_none_or(|k| k.matches(c)))
                .collect();
            clients.sort_by_key(|(_, c)| c.id);
            for (token, c) in clients {
                if ids.as_ref().is_some_and(|list| !list.contains(&c.id)) {
                    continue;
                }
                let own = (token == ctx.me).then_some(&*ctx.reply);
                text.push_str(&c.info_line(now, own));
                text.push('\n');
            }
        }
        text
    });
    ctx.reply.verbatim(b"txt", text.as_bytes());
}

/// Appends `arg` to `msg` as Redis's `%s` would: up to its first NUL byte.
fn push_c_string(msg: &mut Vec<u8>, arg: &[u8]) {
    msg.extend(arg.iter().take_while(|&&b| b != 0));
}

/// What CLIENT KILL's filters ask for; every given filter must match.
struct KillFilter<'a> {
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    id: Option<u64>,
    kind: Option<ClientType>,
    /// At least this many seconds old (MAXAGE, Redis 7.4).
    max_age: Option<u64>,
    /// Leave the calling client alone.
    skipme: bool,
}

impl KillFilter<'_> {
    /// Redis's `clientMatchesFilter`. `USER default` matches every client:
    /// it is the only user. Ages are whole seconds of connection and
    /// current time, as Redis's `ctime`.
    fn matches(&self, c: &Client, is_me: bool, now_ms: u64) -> bool {
        self.addr.is_none_or(|a| a == c.addr_text().as_bytes())
            && self.laddr.is_none_or(|a| a == c.laddr_text().as_bytes())
            && self.kind.is_none_or(|k| k.matches(c))
            && self.id.is_none_or(|i| i == c.id)
            && !(self.skipme && is_me)
            && self
                .max_age
                .is_none_or(|max| (now_ms / 1000).saturating_sub(c.created_ms / 1000) >= max)
    }
}

/// Parses CLIENT KILL's `<filter> <value>` pairs from argument 2 on, as
/// Redis does: one at a time, so the first bad one is the error replied.
fn kill_filter<'a>(ctx: &mut Ctx, args: &Args<'a>) -> Option<KillFilter<'a>> {
    let mut filter = KillFilter {
        addr: None,
        laddr: None,
        id: None,
        kind: None,
        max_age: None,
        skipme: true,
    };
    let mut i = 2;
    while i < args.len() {
        if i + 1 >= args.len() {
            ctx.reply.syntax_error();
            return None;
        }
        let v = args.get(i + 1);
        if args.is(i, "id") {
            let Some(id) = crate::util::number::parse_i64(v).filter(|&n| n > 0) else {
                ctx.reply.error(b"ERR client-id should be greater than 0");
                return None;
            };
            filter.id = Some(id as u64);
        } else if args.is(i, "type") {
            let Some(kind) = ClientType::parse(v) else {
                let mut msg = b"ERR Unknown client type '".to_vec();
                push_c_string(&mut msg, v);
                msg.push(b'\'');
                ctx.reply.error(&msg);
                return None;
            };
            filter.kind = Some(kind);
        } else if args.is(i, "addr") {
            filter.addr = Some(v);
        } else if args.is(i, "laddr") {
            filter.laddr = Some(v);
        } else if args.is(i, "user") {
            if v != b"default" {
                let mut msg = b"ERR No such user '".to_vec();
                push_c_string(&mut msg, v);
                msg.push(b'\'');
                ctx.reply.error(&msg);
                return None;
            }
        } else if args.is(i, "skipme") {
            if v.eq_ignore_ascii_case(b"yes") {
                filter.skipme = true;
            } else if v.eq_ignore_ascii_case(b"no") {
                filter.skipme = false;
            } else {
                ctx.reply.syntax_error();
                return None;
            }
        } else if args.is(i, "maxage") {
            let Some(age) = crate::util::number::parse_i64(v) else {
                ctx.reply.error(b"ERR maxage is not an integer or out of range");
                return None;
            };
            if age <= 0 {
                ctx.reply.error(b"ERR maxage should be greater than 0");
                return None;
            }
            filter.max_age = Some(age as u64);
        } else {
            ctx.reply.syntax_error();
            return None;
        }
        i += 2;
    }
    Some(filter)
}

/// `CLIENT KILL ip:port` or `CLIENT KILL <filter> <value> ...` with the
/// filters ID, TYPE, ADDR, LADDR, USER, SKIPME and MAXAGE.
pub fn client_kill(ctx: &mut Ctx, args: &Args) {
    let old_form = args.len() == 3;
    let filter = if old_form {
        // The old form may kill the caller itself.
        KillFilter {
            addr: Some(args.get(2)),
            laddr: None,
            id: None,
            kind: None,
            max_age: None,
            skipme: false,
        }
    } else {
        match kill_filter(ctx, args) {
            Some(f) => f,
            None => return,
        }
    };
    let (me, now) = (ctx.me, ctx.now);
    let killed: Vec<usize> = ctx
        .clients
        .iter()
        .filter(|&(token, c)| filter.matches(c, token == me, now))
        .map(|(token, _)| token)
        .collect();
    for &t in &killed {
        if t == me {
            ctx.clients[t].close_after_reply = true;
        } else {
            ctx.st.kill(t);
        }
    }
    if old_form {
        if killed.is_empty() {
            ctx.reply.error(b"ERR No such client");
        } else {
            ctx.reply.ok();
        }
    } else {
        ctx.reply.int(killed.len() as i64);
    }
}

/// `CLIENT UNBLOCK client-id [TIMEOUT|ERROR]`
pub fn client_unblock(ctx: &mut Ctx, args: &Args) {
    let why = match args.len() {
        3 => Release::Timeout,
        4 if args.is(3, "timeout") => Release::Timeout,
        4 if args.is(3, "error") => Release::Error,
        4 => {
            ctx.reply.error(b"ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
        _ => {
            ctx.reply.error_fmt(format_args!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
                String::from_utf8_lossy(&args[1])
            ));
            return;
        }
    };
    let Some(id) = crate::util::number::parse_i64(&args[2]) else {
        ctx.reply.not_integer();
        return;
    };
    let target = ctx
        .clients
        .iter()
        .find(|(_, c)| c.id as i64 == id && c.blocked.is_some())
        .map(|(t, _)| t);
    let released = target.is_some_and(|t| blocking::release(ctx.st, ctx.clients, t, why));
    ctx.reply.int(released as i64);
}

/// `CLIENT PAUSE timeout [WRITE|ALL]`: for `timeout` milliseconds other
/// commands (ALL) or those that may change data (WRITE) wait in their
/// clients' buffers; see `server::exec`.
pub fn client_pause(ctx: &mut Ctx, args: &Args) {
    use crate::server::state::PauseKind;
    let kind = match args.len() {
        3 => PauseKind::All,
        4 if args.is(3, "write") => PauseKind::Write,
        4 if args.is(3, "all") => PauseKind::All,
        4 => {
            ctx.reply.error(b"ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
        _ => {
            ctx.reply.error_fmt(format_args!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
                String::from_utf8_lossy(&args[1])
            ));
            return;
        }
    };
    let Some(ms) = crate::util::number::parse_i64(&args[2]) else {
        ctx.reply.error(b"ERR timeout is not an integer or out of range");
        return;
    };
    if ms < 0 {
        ctx.reply.error(b"ERR timeout is negative");
        return;
    }
    let now = ctx.now;
    let end = if ms > 0 { now.saturating_add(ms as u64) } else { 0 };
    ctx.st.pause.pause(kind, end, now);
    ctx.st.sync_expire_hold(now);
    ctx.reply.ok();
}

/// `CLIENT UNPAUSE`: ends the pause; held clients run again in order.
pub fn client_unpause(ctx: &mut Ctx, _args: &Args) {
    ctx.st.pause.unpause();
    ctx.st.sync_expire_hold(ctx.now);
    ctx.reply.ok();
}

/// `CLIENT REPLY ON|OFF|SKIP`
pub fn client_reply(ctx: &mut Ctx, args: &Args) {
    let c = &mut ctx.clients[ctx.me];
    if args.is(2, "on") {
        c.reply_mode = ReplyMode::On;
        ctx.reply.ok();
    } else if args.is(2, "off") {
        c.reply_mode = ReplyMode::Off;
    } else if args.is(2, "skip") {
        if c.reply_mode != ReplyMode::Off {
            c.reply_mode = ReplyMode::SkipNext;
        }
    } else {
        ctx.reply.syntax_error();
    }
}

/// Parses ON|OFF for CLIENT NO-EVICT / NO-TOUCH.
fn on_off(ctx: &mut Ctx, args: &Args) -> Option<bool> {
    if args.is(2, "on") {
        Some(true)
    } else if args.is(2, "off") {
        Some(false)
    } else {
        ctx.reply.syntax_error();
        None
    }
}

/// `CLIENT NO-EVICT ON|OFF`
pub fn client_no_evict(ctx: &mut Ctx, args: &Args) {
    if let Some(on) = on_off(ctx, args) {
        ctx.client().no_evict = on;
        ctx.st.evictor.recount = true;
        ctx.reply.ok();
    }
}

/// `CLIENT NO-TOUCH ON|OFF`
pub fn client_no_touch(ctx: &mut Ctx, args: &Args) {
    if let Some(on) = on_off(ctx, args) {
        ctx.client().no_touch = on;
        ctx.reply.ok();
    }
}

/// `CLIENT HELP`
pub fn client_help(ctx: &mut Ctx, _args: &Args) {
    super::server::reply_help(
        ctx,
        "CLIENT",
        &[
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
        ],
    );
}
