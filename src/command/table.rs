//! The command table: every command as data — name, arity (negative = at
//! least), flags, key positions, group, handler — and the lookup built from
//! it once at start-up. Arity and names are checked centrally in
//! `command::execute`, never in handlers. What COMMAND DOCS and COMMAND
//! INFO report (summaries, arguments, key specs, ACL categories) is in
//! `docs.rs`, generated from Redis's own command definitions.

use std::sync::OnceLock;

use hashbrown::HashMap;

use super::{
    Args, Ctx, connection as conn, expire, keys, latency, persist, replication as repl, server as srv, string, tracking,
};

pub type Handler = fn(&mut Ctx, &Args);

/// Command flags (Redis's `CMD_*`); dispatch reads NO_AUTH and
/// SKIP_SLOWLOG, COMMAND INFO reports the generated ones from `docs.rs`.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const FAST: u32 = 1 << 11;
    pub const NO_AUTH: u32 = 1 << 12;
    pub const MAY_REPLICATE: u32 = 1 << 13;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 14;
    pub const ALLOW_BUSY: u32 = 1 << 15;
    pub const NO_MULTI: u32 = 1 << 16;
    pub const SENTINEL: u32 = 1 << 17;
    pub const NO_ASYNC_LOADING: u32 = 1 << 18;
    pub const PROTECTED: u32 = 1 << 19;
    /// May touch (and expire) any key: SCAN, RANDOMKEY.
    pub const TOUCHES_ARBITRARY_KEYS: u32 = 1 << 20;
}

use flags::*;

/// One command or subcommand.
#[derive(Debug)]
pub struct CommandDef {
    pub name: &'static str,
    pub arity: i32,
    pub flags: u32,
    /// Legacy key range: first, last (negative counts from the end), step.
    pub keys: (i32, i32, i32),
    /// Redis's command group (string, generic, connection, server, ...);
    /// documentation lives in `docs.rs`, generated from Redis's own.
    pub group: &'static str,
    pub handler: Handler,
    pub subcommands: &'static [CommandDef],
}

impl std::fmt::Debug for Args<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(String::from_utf8_lossy))
            .finish()
    }
}

/// A command without subcommands; containers set `subcommands` with
/// struct-update syntax in the table below.
pub const fn c(
    name: &'static str,
    arity: i32,
    flags: u32,
    keys: (i32, i32, i32),
    group: &'static str,
    handler: Handler,
) -> CommandDef {
    CommandDef {
        name,
        arity,
        flags,
        keys,
        group,
        handler,
        subcommands: &[],
    }
}

pub const NOKEYS: (i32, i32, i32) = (0, 0, 0);
pub const KEY1: (i32, i32, i32) = (1, 1, 1);

fn container(_: &mut Ctx, _: &Args) {}

#[rustfmt::skip]
static CLIENT_SUBS: &[CommandDef] = &[
    c("caching", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", tracking::client_caching),
    c("getname", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_getname),
    c("getredir", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", tracking::client_getredir),
    c("help", 2, LOADING | STALE, NOKEYS, "connection", conn::client_help),
    c("id", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_id),
    c("info", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_info),
    c("kill", -3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_kill),
    c("list", -2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_list),
    c("no-evict", 3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_no_evict),
    c("no-touch", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_no_touch),
    c("pause", -3, ADMIN | NOSCRIPT | LOADING | STALE | SENTINEL, NOKEYS, "connection", conn::client_pause),
    c("reply", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_reply),
    c("setinfo", 4, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_setinfo),
    c("setname", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_setname),
    c("tracking", -3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", tracking::client_tracking),
    c("trackinginfo", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", tracking::client_trackinginfo),
    c("unblock", -3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "connection", conn::client_unblock),
    c("unpause", 2, ADMIN | NOSCRIPT | LOADING | STALE | SENTINEL, NOKEYS, "connection", conn::client_unpause),
];

#[rustfmt::skip]
static OBJECT_SUBS: &[CommandDef] = &[
    c("encoding", 3, READONLY, (2, 2, 1), "generic", keys::object_encoding),
    c("freq", 3, READONLY, (2, 2, 1), "generic", keys::object_freq),
    c("help", 2, LOADING | STALE, NOKEYS, "generic", keys::object_help),
    c("idletime", 3, READONLY, (2, 2, 1), "generic", keys::object_idletime),
    c("refcount", 3, READONLY, (2, 2, 1), "generic", keys::object_refcount),
];

#[rustfmt::skip]
static CONFIG_SUBS: &[CommandDef] = &[
    c("get", -3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", srv::config_get),
    c("help", 2, LOADING | STALE, NOKEYS, "server", srv::config_help),
    c("resetstat", 2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", srv::config_resetstat),
    c("rewrite", 2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", srv::config_rewrite),
    c("set", -4, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", srv::config_set),
];

#[rustfmt::skip]
static COMMAND_SUBS: &[CommandDef] = &[
    c("count", 2, LOADING | STALE, NOKEYS, "server", srv::command_count),
    c("docs", -2, LOADING | STALE, NOKEYS, "server", srv::command_docs),
    c("getkeys", -4, LOADING | STALE, NOKEYS, "server", srv::command_getkeys),
    c("getkeysandflags", -4, LOADING | STALE, NOKEYS, "server", srv::command_getkeysandflags),
    c("help", 2, LOADING | STALE, NOKEYS, "server", srv::command_help),
    c("info", -2, LOADING | STALE, NOKEYS, "server", srv::command_info),
    c("list", -2, LOADING | STALE, NOKEYS, "server", srv::command_list),
];

#[rustfmt::skip]
static MEMORY_SUBS: &[CommandDef] = &[
    c("doctor", 2, 0, NOKEYS, "server", srv::memory_doctor),
    c("help", 2, LOADING | STALE, NOKEYS, "server", srv::memory_help),
    c("malloc-stats", 2, 0, NOKEYS, "server", srv::memory_malloc_stats),
    c("purge", 2, 0, NOKEYS, "server", srv::memory_purge),
    c("stats", 2, 0, NOKEYS, "server", srv::memory_stats),
    c("usage", -3, READONLY, (2, 2, 1), "server", srv::memory_usage),
];

#[rustfmt::skip]
static LATENCY_SUBS: &[CommandDef] = &[
    c("doctor", 2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", latency::latency_doctor),
    c("graph", 3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", latency::latency_graph),
    c("help", 2, LOADING | STALE, NOKEYS, "server", latency::latency_help),
    c("histogram", -2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", latency::latency_histogram),
    c("history", 3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", latency::latency_history),
    c("latest", 2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", latency::latency_latest),
    c("reset", -2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", latency::latency_reset),
];

#[rustfmt::skip]
static SLOWLOG_SUBS: &[CommandDef] = &[
    c("get", -2, ADMIN | LOADING | STALE, NOKEYS, "server", srv::slowlog_get),
    c("help", 2, LOADING | STALE, NOKEYS, "server", srv::slowlog_help),
    c("len", 2, ADMIN | LOADING | STALE, NOKEYS, "server", srv::slowlog_len),
    c("reset", 2, ADMIN | LOADING | STALE, NOKEYS, "server", srv::slowlog_reset),
];

const CONN: u32 = NOSCRIPT | LOADING | STALE;

#[rustfmt::skip]
static COMMANDS: &[CommandDef] = &[
    // ---- connection -------------------------------------------------------------
    c("auth", -2, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", conn::auth),
    CommandDef { subcommands: CLIENT_SUBS, ..c("client", -2, 0, NOKEYS, "connection", container) },
    c("echo", 2, FAST, NOKEYS, "connection", conn::echo),
    c("hello", -1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", conn::hello),
    c("ping", -1, FAST, NOKEYS, "connection", conn::ping),
    c("quit", -1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", conn::quit),
    c("reset", 1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", conn::reset),
    c("select", 2, LOADING | STALE | FAST, NOKEYS, "connection", conn::select),
    // ---- strings -------------------------------------------------------------------
    c("append", 3, WRITE | DENYOOM | FAST, KEY1, "string", string::append),
    c("decr", 2, WRITE | DENYOOM | FAST, KEY1, "string", string::decr),
    c("decrby", 3, WRITE | DENYOOM | FAST, KEY1, "string", string::decrby),
    c("get", 2, READONLY | FAST, KEY1, "string", string::get),
    c("getdel", 2, WRITE | FAST, KEY1, "string", string::getdel),
    c("getex", -2, WRITE | FAST, KEY1, "string", string::getex),
    c("getrange", 4, READONLY, KEY1, "string", string::getrange),
    c("getset", 3, WRITE | DENYOOM | FAST, KEY1, "string", string::getset),
    c("incr", 2, WRITE | DENYOOM | FAST, KEY1, "string", string::incr),
    c("incrby", 3, WRITE | DENYOOM | FAST, KEY1, "string", string::incrby),
    c("incrbyfloat", 3, WRITE | DENYOOM | FAST, KEY1, "string", string::incrbyfloat),
    c("lcs", -3, READONLY, (1, 2, 1), "string", string::lcs),
    c("mget", -2, READONLY | FAST, (1, -1, 1), "string", string::mget),
    c("mset", -3, WRITE | DENYOOM, (1, -1, 2), "string", string::mset),
    c("msetnx", -3, WRITE | DENYOOM, (1, -1, 2), "string", string::msetnx),
    c("psetex", 4, WRITE | DENYOOM, KEY1, "string", string::psetex),
    c("set", -3, WRITE | DENYOOM, KEY1, "string", string::set),
    c("setex", 4, WRITE | DENYOOM, KEY1, "string", string::setex),
    c("setnx", 3, WRITE | DENYOOM | FAST, KEY1, "string", string::setnx),
    c("setrange", 4, WRITE | DENYOOM, KEY1, "string", string::setrange),
    c("strlen", 2, READONLY | FAST, KEY1, "string", string::strlen),
    c("substr", 4, READONLY, KEY1, "string", string::getrange),
    // ---- keyspace -----------------------------------------------------------------
    c("copy", -3, WRITE | DENYOOM, (1, 2, 1), "generic", keys::copy),
    c("dbsize", 1, READONLY | FAST, NOKEYS, "server", keys::dbsize),
    c("del", -2, WRITE, (1, -1, 1), "generic", keys::del),
    c("dump", 2, READONLY, KEY1, "generic", persist::dump),
    c("exists", -2, READONLY | FAST, (1, -1, 1), "generic", keys::exists),
    c("flushall", -1, WRITE, NOKEYS, "server", keys::flushall),
    c("flushdb", -1, WRITE, NOKEYS, "server", keys::flushdb),
    c("keys", 2, READONLY, NOKEYS, "generic", keys::keys),
    c("move", 3, WRITE | FAST, KEY1, "generic", keys::move_),
    CommandDef { subcommands: OBJECT_SUBS, ..c("object", -2, 0, NOKEYS, "generic", container) },
    c("randomkey", 1, READONLY | TOUCHES_ARBITRARY_KEYS, NOKEYS, "generic", keys::randomkey),
    c("rename", 3, WRITE, (1, 2, 1), "generic", keys::rename),
    c("renamenx", 3, WRITE | FAST, (1, 2, 1), "generic", keys::renamenx),
    c("restore", -4, WRITE | DENYOOM, KEY1, "generic", persist::restore),
    c("scan", -2, READONLY | TOUCHES_ARBITRARY_KEYS, NOKEYS, "generic", keys::scan),
    c("swapdb", 3, WRITE | FAST, NOKEYS, "server", keys::swapdb),
    c("touch", -2, READONLY | FAST, (1, -1, 1), "generic", keys::touch),
    c("wait", 3, NOSCRIPT, NOKEYS, "generic", repl::wait),
    c("type", 2, READONLY | FAST, KEY1, "generic", keys::type_),
    c("unlink", -2, WRITE | FAST, (1, -1, 1), "generic", keys::unlink),
    // ---- expiry -----------------------------------------------------------------------
    c("expire", -3, WRITE | FAST, KEY1, "generic", expire::expire),
    c("expireat", -3, WRITE | FAST, KEY1, "generic", expire::expireat),
    c("expiretime", 2, READONLY | FAST, KEY1, "generic", expire::expiretime),
    c("persist", 2, WRITE | FAST, KEY1, "generic", expire::persist),
    c("pexpire", -3, WRITE | FAST, KEY1, "generic", expire::pexpire),
    c("pexpireat", -3, WRITE | FAST, KEY1, "generic", expire::pexpireat),
    c("pexpiretime", 2, READONLY | FAST, KEY1, "generic", expire::pexpiretime),
    c("pttl", 2, READONLY | FAST, KEY1, "generic", expire::pttl),
    c("ttl", 2, READONLY | FAST, KEY1, "generic", expire::ttl),
    // ---- server ------------------------------------------------------------------------
    CommandDef { subcommands: COMMAND_SUBS, ..c("command", -1, LOADING | STALE, NOKEYS, "server", srv::command) },
    CommandDef { subcommands: CONFIG_SUBS, ..c("config", -2, 0, NOKEYS, "server", container) },
    c("bgsave", -1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING, NOKEYS, "server", persist::bgsave),
    c("bgrewriteaof", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING, NOKEYS, "server", persist::bgrewriteaof),
    c("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED, NOKEYS, "server", super::debug::debug),
    c("info", -1, LOADING | STALE, NOKEYS, "server", srv::info),
    c("save", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI, NOKEYS, "server", persist::save),
    c("lastsave", 1, LOADING | STALE | FAST, NOKEYS, "server", srv::lastsave),
    c("role", 1, NOSCRIPT | LOADING | STALE | FAST | SENTINEL, NOKEYS, "server", repl::role),
    c("sync", 1, NO_ASYNC_LOADING | ADMIN | NO_MULTI | NOSCRIPT, NOKEYS, "server", repl::sync),
    c("psync", -3, NO_ASYNC_LOADING | ADMIN | NO_MULTI | NOSCRIPT, NOKEYS, "server", repl::sync),
    c("replconf", -1, ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY, NOKEYS, "server", repl::replconf),
    c("replicaof", 3, NO_ASYNC_LOADING | ADMIN | NOSCRIPT | STALE, NOKEYS, "server", repl::replicaof),
    c("failover", -1, ADMIN | NOSCRIPT | STALE, NOKEYS, "server", repl::failover),
    c("slaveof", 3, NO_ASYNC_LOADING | ADMIN | NOSCRIPT | STALE, NOKEYS, "server", repl::replicaof),
    CommandDef { subcommands: LATENCY_SUBS, ..c("latency", -2, 0, NOKEYS, "server", container) },
    CommandDef { subcommands: MEMORY_SUBS, ..c("memory", -2, 0, NOKEYS, "server", container) },
    c("shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | SENTINEL | ALLOW_BUSY, NOKEYS, "server", srv::shutdown),
    CommandDef { subcommands: SLOWLOG_SUBS, ..c("slowlog", -2, 0, NOKEYS, "server", container) },
    c("time", 1, LOADING | STALE | FAST, NOKEYS, "server", srv::time),
];

/// The lookup structure built from the static table.
#[derive(Clone)]
pub struct Table {
    /// Every command and subcommand; subcommands follow their parent.
    defs: Vec<&'static CommandDef>,
    full_names: Vec<&'static str>,
    by_name: HashMap<Box<[u8]>, usize>,
    /// Indexes of top-level commands.
    top: Vec<usize>,
}

/// Longest command name looked up (longer names are unknown).
const NAME_MAX: usize = 32;

impl Table {
    fn build() -> Table {
        let mut t = Table {
            defs: Vec::new(),
            full_names: Vec::new(),
            by_name: HashMap::new(),
            top: Vec::new(),
        };
        for def in all_commands() {
            let idx = t.defs.len();
            t.defs.push(def);
            t.full_names.push(def.name);
            t.by_name.insert(def.name.as_bytes().into(), idx);
            t.top.push(idx);
            for sub in def.subcommands {
                t.defs.push(sub);
                t.full_names
                    .push(Box::leak(format!("{}|{}", def.name, sub.name).into_boxed_str()));
            }
        }
        t
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    pub fn def(&self, idx: usize) -> &'static CommandDef {
        self.defs[idx]
    }

    /// `name` or `parent|name`.
    pub fn full_name(&self, idx: usize) -> &'static str {
        self.full_names[idx]
    }

    /// Index of the top-level command `name` (any case).
    pub fn lookup(&self, name: &[u8]) -> Option<usize> {
        let mut buf = [0u8; NAME_MAX];
        match lowercase(name, &mut buf) {
            Some(lower) => self.by_name.get(lower).copied(),
            // Only a name given by rename-command is this long.
            None => self.by_name.get(name.to_ascii_lowercase().as_slice()).copied(),
        }
    }

    /// This table with `rename-command` applied, each pair in order
    /// (Redis's errors; an empty new name removes the command).
    pub fn renamed(&self, renames: &[(Vec<u8>, Vec<u8>)]) -> Result<Table, &'static str> {
        let mut t = self.clone();
        for (old, new) in renames {
            let idx = t
                .by_name
                .remove(old.to_ascii_lowercase().as_slice())
                .ok_or("No such command in rename-command")?;
            if !new.is_empty() {
                let key: Box<[u8]> = new.to_ascii_lowercase().into();
                if t.by_name.contains_key(&key) {
                    return Err("Target command name already exists");
                }
                t.by_name.insert(key, idx);
            }
        }
        Ok(t)
    }

    /// Index of subcommand `name` of command `parent`.
    pub fn lookup_sub(&self, parent: usize, name: &[u8]) -> Option<usize> {
        self.subcommands(parent)
            .find(|&i| self.defs[i].name.as_bytes().eq_ignore_ascii_case(name))
    }

    /// Subcommand indexes of `parent`.
    pub fn subcommands(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        let n = self.defs[parent].subcommands.len();
        parent + 1..parent + 1 + n
    }

    /// Top-level command indexes, in table order.
    pub fn top(&self) -> &[usize] {
        &self.top
    }

    /// Resolves `full` as `name` or `name|sub`.
    pub fn lookup_full(&self, full: &[u8]) -> Option<usize> {
        match full.iter().position(|&c| c == b'|') {
            Some(bar) => {
                let parent = self.lookup(&full[..bar])?;
                self.lookup_sub(parent, &full[bar + 1..])
            }
            None => self.lookup(full),
        }
    }
}

fn lowercase<'b>(name: &[u8], buf: &'b mut [u8; NAME_MAX]) -> Option<&'b [u8]> {
    if name.len() > NAME_MAX {
        return None;
    }
    let out = &mut buf[..name.len()];
    for (o, &c) in out.iter_mut().zip(name) {
        *o = c.to_ascii_lowercase();
    }
    Some(out)
}

/// Every top-level command: the core table, then each data type's own
/// table (they live beside their handlers, one file per family).
fn all_commands() -> impl Iterator<Item = &'static CommandDef> {
    [
        COMMANDS,
        super::bitops::COMMANDS,
        super::sort::COMMANDS,
        super::hash::COMMANDS,
        super::list::COMMANDS,
        super::set::COMMANDS,
        super::zset::COMMANDS,
        super::geo::COMMANDS,
        super::transaction::COMMANDS,
        super::pubsub::COMMANDS,
        super::monitor::COMMANDS,
        super::scripting::COMMANDS,
    ]
    .into_iter()
    .flatten()
}

/// The process-wide command table.
pub fn get() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Table::build)
}

/// The README's list of supported commands, generated from the table so
/// the two cannot drift (tests/readme.rs checks it).
pub fn markdown_list() -> String {
    let mut groups: Vec<&str> = Vec::new();
    for c in all_commands() {
        if !groups.contains(&c.group) {
            groups.push(c.group);
        }
    }
    let mut out = String::new();
    for group in groups {
        let mut defs: Vec<&CommandDef> = all_commands().filter(|c| c.group == group).collect();
        defs.sort_by_key(|c| c.name);
        let entries: Vec<String> = defs
            .into_iter()
            .map(|c| {
                let name = c.name.to_ascii_uppercase();
                if c.subcommands.is_empty() {
                    format!("`{name}`")
                } else {
                    let subs: Vec<String> = c.subcommands.iter().map(|s| s.name.to_ascii_uppercase()).collect();
                    format!("`{name}` ({})", subs.join(", "))
                }
            })
            .collect();
        out.push_str(&format!("- **{group}**: {}\n", entries.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive() {
        let t = get();
        let get_idx = t.lookup(b"GeT").unwrap();
        assert_eq!(t.def(get_idx).name, "get");
        assert!(t.lookup(b"nosuch").is_none());
        let config = t.lookup(b"config").unwrap();
        let sub = t.lookup_sub(config, b"GET").unwrap();
        assert_eq!(t.full_name(sub), "config|get");
        assert_eq!(t.lookup_full(b"config|get"), Some(sub));
    }

    #[test]
    fn table_is_sorted_within_groups_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in COMMANDS {
            assert!(seen.insert(c.name), "duplicate {}", c.name);
            assert!(c.arity != 0, "{}", c.name);
        }
    }
}
