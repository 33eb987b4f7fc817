//! The command table: every command as data — name, arity (negative = at
//! least), flags, key positions, documentation for COMMAND DOCS — and the
//! lookup built from it once at start-up. Arity and names are checked
//! centrally in `command::execute`, never in handlers.

use std::sync::OnceLock;

use hashbrown::HashMap;

use super::{Args, Ctx, connection as conn, expire, keys, server as srv, string};

pub type Handler = fn(&mut Ctx, &Args);

/// Command flags, as Redis names them in COMMAND INFO.
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
    /// ACL only: the command is in @dangerous.
    pub const DANGEROUS: u32 = 1 << 24;

    /// (flag, COMMAND INFO name), in Redis's order.
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (SENTINEL, "sentinel"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (PROTECTED, "protected"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (ALLOW_BUSY, "allow_busy"),
    ];
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
    pub group: &'static str,
    pub since: &'static str,
    pub summary: &'static str,
    pub complexity: &'static str,
    /// (deprecated since, replaced by), for COMMAND DOCS.
    pub deprecated: Option<(&'static str, &'static str)>,
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

impl CommandDef {
    /// ACL categories, derived from flags and group as Redis derives them.
    pub fn acl_categories(&self) -> Vec<&'static str> {
        let mut cats = Vec::new();
        let f = self.flags;
        if f & WRITE != 0 {
            cats.push("@write");
        }
        if f & READONLY != 0 && self.group != "scripting" {
            cats.push("@read");
        }
        match self.group {
            "string" => cats.push("@string"),
            "generic" => cats.push("@keyspace"),
            "connection" => cats.push("@connection"),
            "scripting" => cats.push("@scripting"),
            _ => {}
        }
        if f & ADMIN != 0 {
            cats.push("@admin");
            cats.push("@dangerous");
        } else if f & DANGEROUS != 0 {
            cats.push("@dangerous");
        }
        if f & PUBSUB != 0 {
            cats.push("@pubsub");
        }
        if f & FAST != 0 {
            cats.push("@fast");
        } else {
            cats.push("@slow");
        }
        if f & BLOCKING != 0 {
            cats.push("@blocking");
        }
        cats
    }
}

/// A command definition with the common defaults; fields are overridden
/// with struct-update syntax in the table below. (One positional argument
/// per column keeps each table row on one line.)
#[allow(clippy::too_many_arguments)]
const fn c(
    name: &'static str,
    arity: i32,
    flags: u32,
    keys: (i32, i32, i32),
    group: &'static str,
    since: &'static str,
    summary: &'static str,
    complexity: &'static str,
    handler: Handler,
) -> CommandDef {
    CommandDef {
        name,
        arity,
        flags,
        keys,
        group,
        since,
        summary,
        complexity,
        deprecated: None,
        handler,
        subcommands: &[],
    }
}

const NOKEYS: (i32, i32, i32) = (0, 0, 0);
const KEY1: (i32, i32, i32) = (1, 1, 1);

fn container(_: &mut Ctx, _: &Args) {}

const O1: &str = "O(1)";

#[rustfmt::skip]
static CLIENT_SUBS: &[CommandDef] = &[
    c("caching", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "6.0.0", "Instructs the server whether to track the keys in the next request.", O1, conn::client_caching),
    c("getname", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "2.6.9", "Returns the name of the connection.", O1, conn::client_getname),
    c("help", 2, LOADING | STALE, NOKEYS, "connection", "5.0.0", "Returns helpful text about the different subcommands.", O1, conn::client_help),
    c("id", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "5.0.0", "Returns the unique client ID of the connection.", O1, conn::client_id),
    c("info", 2, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "6.2.0", "Returns information about the connection.", O1, conn::client_info),
    c("kill", -3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "2.4.0", "Terminates open connections.", "O(N) where N is the number of client connections", conn::client_kill),
    c("list", -2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "2.4.0", "Lists open connections.", "O(N) where N is the number of client connections", conn::client_list),
    c("no-evict", 3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "7.0.0", "Sets the client eviction mode of the connection.", O1, conn::client_no_evict),
    c("no-touch", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "7.2.0", "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.", O1, conn::client_no_touch),
    c("reply", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "3.2.0", "Instructs the server whether to reply to commands.", O1, conn::client_reply),
    c("setinfo", 4, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "7.2.0", "Sets information specific to the client or connection.", O1, conn::client_setinfo),
    c("setname", 3, NOSCRIPT | LOADING | STALE, NOKEYS, "connection", "2.6.9", "Sets the connection name.", O1, conn::client_setname),
];

#[rustfmt::skip]
static OBJECT_SUBS: &[CommandDef] = &[
    c("encoding", 3, READONLY, (2, 2, 1), "generic", "2.2.3", "Returns the internal encoding of a Redis object.", O1, keys::object_encoding),
    c("freq", 3, READONLY, (2, 2, 1), "generic", "4.0.0", "Returns the logarithmic access frequency counter of a Redis object.", O1, keys::object_freq),
    c("help", 2, LOADING | STALE, NOKEYS, "generic", "6.2.0", "Returns helpful text about the different subcommands.", O1, keys::object_help),
    c("idletime", 3, READONLY, (2, 2, 1), "generic", "2.2.3", "Returns the time since the last access to a Redis object.", O1, keys::object_idletime),
    c("refcount", 3, READONLY, (2, 2, 1), "generic", "2.2.3", "Returns the reference count of a value of a key.", O1, keys::object_refcount),
];

#[rustfmt::skip]
static CONFIG_SUBS: &[CommandDef] = &[
    c("get", -3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "2.0.0", "Returns the effective values of configuration parameters.", "O(N) when N is the number of configuration parameters provided", srv::config_get),
    c("help", 2, LOADING | STALE, NOKEYS, "server", "5.0.0", "Returns helpful text about the different subcommands.", O1, srv::config_help),
    c("resetstat", 2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "2.0.0", "Resets the server's statistics.", O1, srv::config_resetstat),
    c("rewrite", 2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "2.8.0", "Persists the effective configuration to file.", O1, srv::config_rewrite),
    c("set", -4, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "2.0.0", "Sets configuration parameters in-flight.", "O(N) when N is the number of configuration parameters provided", srv::config_set),
];

#[rustfmt::skip]
static COMMAND_SUBS: &[CommandDef] = &[
    c("count", 2, LOADING | STALE, NOKEYS, "server", "2.8.13", "Returns a count of commands.", O1, srv::command_count),
    c("docs", -2, LOADING | STALE, NOKEYS, "server", "7.0.0", "Returns documentary information about one, multiple or all commands.", "O(N) where N is the number of commands to look up", srv::command_docs),
    c("getkeys", -4, LOADING | STALE, NOKEYS, "server", "2.8.13", "Extracts the key names from an arbitrary command.", "O(N) where N is the number of arguments to the command", srv::command_getkeys),
    c("getkeysandflags", -4, LOADING | STALE, NOKEYS, "server", "7.0.0", "Extracts the key names and access flags for an arbitrary command.", "O(N) where N is the number of arguments to the command", srv::command_getkeysandflags),
    c("help", 2, LOADING | STALE, NOKEYS, "server", "5.0.0", "Returns helpful text about the different subcommands.", O1, srv::command_help),
    c("info", -2, LOADING | STALE, NOKEYS, "server", "2.8.13", "Returns information about one, multiple or all commands.", "O(N) where N is the number of commands to look up", srv::command_info),
    c("list", -2, LOADING | STALE, NOKEYS, "server", "7.0.0", "Returns a list of command names.", "O(N) where N is the total number of Redis commands", srv::command_list),
];

#[rustfmt::skip]
static MEMORY_SUBS: &[CommandDef] = &[
    c("help", 2, LOADING | STALE, NOKEYS, "server", "4.0.0", "Returns helpful text about the different subcommands.", O1, srv::memory_help),
    c("malloc-stats", 2, 0, NOKEYS, "server", "4.0.0", "Returns the allocator statistics.", "Depends on how much memory is allocated, could be slow", srv::memory_malloc_stats),
    c("purge", 2, 0, NOKEYS, "server", "4.0.0", "Asks the allocator to release memory.", "Depends on how much memory is allocated, could be slow", srv::memory_purge),
    c("usage", -3, READONLY, (2, 2, 1), "server", "4.0.0", "Estimates the memory usage of a key.", "O(N) where N is the number of samples.", srv::memory_usage),
];

#[rustfmt::skip]
static LATENCY_SUBS: &[CommandDef] = &[
    c("help", 2, LOADING | STALE, NOKEYS, "server", "2.8.13", "Returns helpful text about the different subcommands.", O1, srv::latency_help),
    c("histogram", -2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "7.0.0", "Returns the cumulative distribution of latencies of a subset or all commands.", "O(N) where N is the number of commands with latency information being retrieved.", srv::latency_histogram),
    c("history", 3, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "2.8.13", "Returns timestamp-latency samples for an event.", O1, srv::latency_history),
    c("latest", 2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "2.8.13", "Returns the latest latency samples for all events.", O1, srv::latency_latest),
    c("reset", -2, ADMIN | NOSCRIPT | LOADING | STALE, NOKEYS, "server", "2.8.13", "Resets the latency data for one or more events.", O1, srv::latency_reset),
];

#[rustfmt::skip]
static SLOWLOG_SUBS: &[CommandDef] = &[
    c("get", -2, ADMIN | LOADING | STALE, NOKEYS, "server", "2.2.12", "Returns the slow log's entries.", "O(N) where N is the number of entries returned", srv::slowlog_get),
    c("help", 2, LOADING | STALE, NOKEYS, "server", "6.2.0", "Show helpful text about the different subcommands", O1, srv::slowlog_help),
    c("len", 2, ADMIN | LOADING | STALE, NOKEYS, "server", "2.2.12", "Returns the number of entries in the slow log.", O1, srv::slowlog_len),
    c("reset", 2, ADMIN | LOADING | STALE, NOKEYS, "server", "2.2.12", "Clears all entries from the slow log.", "O(N) where N is the number of entries in the slowlog", srv::slowlog_reset),
];

#[rustfmt::skip]
static FUNCTION_SUBS: &[CommandDef] = &[
    c("flush", -2, WRITE | NOSCRIPT, NOKEYS, "scripting", "7.0.0", "Deletes all libraries and functions.", "O(N) where N is the number of functions deleted", srv::function_flush),
    c("help", 2, LOADING | STALE, NOKEYS, "scripting", "7.0.0", "Returns helpful text about the different subcommands.", O1, srv::function_help),
    c("list", -2, NOSCRIPT, NOKEYS, "scripting", "7.0.0", "Returns information about all libraries.", "O(N) where N is the number of functions", srv::function_list),
];

const CONN: u32 = NOSCRIPT | LOADING | STALE;

#[rustfmt::skip]
static COMMANDS: &[CommandDef] = &[
    // ---- connection -------------------------------------------------------------
    c("auth", -2, NOSCRIPT | LOADING | STALE | SKIP_MONITOR | SKIP_SLOWLOG | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", "1.0.0", "Authenticates the connection.", "O(N) where N is the number of passwords defined for the user", conn::auth),
    CommandDef { subcommands: CLIENT_SUBS, ..c("client", -2, 0, NOKEYS, "connection", "2.4.0", "A container for client connection commands.", "Depends on subcommand.", container) },
    c("echo", 2, FAST, NOKEYS, "connection", "1.0.0", "Returns the given string.", O1, conn::echo),
    c("hello", -1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", "6.0.0", "Handshakes with the Redis server.", O1, conn::hello),
    c("ping", -1, FAST, NOKEYS, "connection", "1.0.0", "Returns the server's liveliness response.", O1, conn::ping),
    c("quit", -1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", "1.0.0", "Closes the connection.", O1, conn::quit),
    c("reset", 1, CONN | FAST | NO_AUTH | ALLOW_BUSY, NOKEYS, "connection", "6.2.0", "Resets the connection.", O1, conn::reset),
    c("select", 2, LOADING | STALE | FAST, NOKEYS, "connection", "1.0.0", "Changes the selected database.", O1, conn::select),
    // ---- strings -------------------------------------------------------------------
    c("append", 3, WRITE | DENYOOM | FAST, KEY1, "string", "2.0.0", "Appends a string to the value of a key. Creates the key if it doesn't exist.", "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.", string::append),
    c("decr", 2, WRITE | DENYOOM | FAST, KEY1, "string", "1.0.0", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", O1, string::decr),
    c("decrby", 3, WRITE | DENYOOM | FAST, KEY1, "string", "1.0.0", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", O1, string::decrby),
    c("get", 2, READONLY | FAST, KEY1, "string", "1.0.0", "Returns the string value of a key.", O1, string::get),
    c("getdel", 2, WRITE | FAST, KEY1, "string", "6.2.0", "Returns the string value of a key after deleting the key.", O1, string::getdel),
    c("getex", -2, WRITE | FAST, KEY1, "string", "6.2.0", "Returns the string value of a key after setting its expiration time.", O1, string::getex),
    c("getrange", 4, READONLY, KEY1, "string", "2.4.0", "Returns a substring of the string stored at a key.", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", string::getrange),
    CommandDef { deprecated: Some(("6.2.0", "`SET` with the `!GET` argument")), ..c("getset", 3, WRITE | DENYOOM | FAST, KEY1, "string", "1.0.0", "Returns the previous string value of a key after setting it to a new value.", O1, string::getset) },
    c("incr", 2, WRITE | DENYOOM | FAST, KEY1, "string", "1.0.0", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", O1, string::incr),
    c("incrby", 3, WRITE | DENYOOM | FAST, KEY1, "string", "1.0.0", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", O1, string::incrby),
    c("incrbyfloat", 3, WRITE | DENYOOM | FAST, KEY1, "string", "2.6.0", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", O1, string::incrbyfloat),
    c("lcs", -3, READONLY, (1, 2, 1), "string", "7.0.0", "Finds the longest common substring.", "O(N*M) where N and M are the lengths of s1 and s2, respectively", string::lcs),
    c("mget", -2, READONLY | FAST, (1, -1, 1), "string", "1.0.0", "Atomically returns the string values of one or more keys.", "O(N) where N is the number of keys to retrieve.", string::mget),
    c("mset", -3, WRITE | DENYOOM, (1, -1, 2), "string", "1.0.1", "Atomically creates or modifies the string values of one or more keys.", "O(N) where N is the number of keys to set.", string::mset),
    c("msetnx", -3, WRITE | DENYOOM, (1, -1, 2), "string", "1.0.1", "Atomically modifies the string values of one or more keys only when all keys don't exist.", "O(N) where N is the number of keys to set.", string::msetnx),
    CommandDef { deprecated: Some(("2.6.12", "`SET` with the `PX` argument")), ..c("psetex", 4, WRITE | DENYOOM, KEY1, "string", "2.6.0", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", O1, string::psetex) },
    c("set", -3, WRITE | DENYOOM, KEY1, "string", "1.0.0", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", O1, string::set),
    CommandDef { deprecated: Some(("2.6.12", "`SET` with the `EX` argument")), ..c("setex", 4, WRITE | DENYOOM, KEY1, "string", "2.0.0", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", O1, string::setex) },
    CommandDef { deprecated: Some(("2.6.12", "`SET` with the `NX` argument")), ..c("setnx", 3, WRITE | DENYOOM | FAST, KEY1, "string", "1.0.0", "Set the string value of a key only when the key doesn't exist.", O1, string::setnx) },
    c("setrange", 4, WRITE | DENYOOM, KEY1, "string", "2.2.0", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.", string::setrange),
    c("strlen", 2, READONLY | FAST, KEY1, "string", "2.2.0", "Returns the length of a string value.", O1, string::strlen),
    CommandDef { deprecated: Some(("2.0.0", "`GETRANGE`")), ..c("substr", 4, READONLY, KEY1, "string", "1.0.0", "Returns a substring from a string value.", "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.", string::getrange) },
    // ---- keyspace -----------------------------------------------------------------
    c("copy", -3, WRITE | DENYOOM, (1, 2, 1), "generic", "6.2.0", "Copies the value of a key to a new key.", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", keys::copy),
    c("dbsize", 1, READONLY | FAST, NOKEYS, "server", "1.0.0", "Returns the number of keys in the database.", O1, keys::dbsize),
    c("del", -2, WRITE, (1, -1, 1), "generic", "1.0.0", "Deletes one or more keys.", "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).", keys::del),
    c("exists", -2, READONLY | FAST, (1, -1, 1), "generic", "1.0.0", "Determines whether one or more keys exist.", "O(N) where N is the number of keys to check.", keys::exists),
    c("flushall", -1, WRITE | DANGEROUS, NOKEYS, "server", "1.0.0", "Removes all keys from all databases.", "O(N) where N is the total number of keys in all databases", keys::flushall),
    c("flushdb", -1, WRITE | DANGEROUS, NOKEYS, "server", "1.0.0", "Remove all keys from the current database.", "O(N) where N is the number of keys in the selected database", keys::flushdb),
    c("keys", 2, READONLY | DANGEROUS, NOKEYS, "generic", "1.0.0", "Returns all key names that match a pattern.", "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.", keys::keys),
    c("move", 3, WRITE | FAST, KEY1, "generic", "1.0.0", "Moves a key to another database.", O1, keys::move_),
    CommandDef { subcommands: OBJECT_SUBS, ..c("object", -2, 0, NOKEYS, "generic", "2.2.3", "A container for object introspection commands.", "Depends on subcommand.", container) },
    c("randomkey", 1, READONLY, NOKEYS, "generic", "1.0.0", "Returns a random key name from the database.", O1, keys::randomkey),
    c("rename", 3, WRITE, (1, 2, 1), "generic", "1.0.0", "Renames a key and overwrites the destination.", O1, keys::rename),
    c("renamenx", 3, WRITE | FAST, (1, 2, 1), "generic", "1.0.0", "Renames a key only when the target key name doesn't exist.", O1, keys::renamenx),
    c("scan", -2, READONLY, NOKEYS, "generic", "2.8.0", "Iterates over the key names in the database.", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.", keys::scan),
    c("swapdb", 3, WRITE | FAST | DANGEROUS, NOKEYS, "server", "4.0.0", "Swaps two Redis databases.", "O(N) where N is the count of clients watching or blocking on keys from both databases.", keys::swapdb),
    c("touch", -2, READONLY | FAST, (1, -1, 1), "generic", "3.2.1", "Returns the number of existing keys out of those specified after updating the time they were last accessed.", "O(N) where N is the number of keys that will be touched.", keys::touch),
    c("type", 2, READONLY | FAST, KEY1, "generic", "1.0.0", "Determines the type of value stored at a key.", O1, keys::type_),
    c("unlink", -2, WRITE | FAST, (1, -1, 1), "generic", "4.0.0", "Asynchronously deletes one or more keys.", "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.", keys::unlink),
    // ---- expiry -----------------------------------------------------------------------
    c("expire", -3, WRITE | FAST, KEY1, "generic", "1.0.0", "Sets the expiration time of a key in seconds.", O1, expire::expire),
    c("expireat", -3, WRITE | FAST, KEY1, "generic", "1.2.0", "Sets the expiration time of a key to a Unix timestamp.", O1, expire::expireat),
    c("expiretime", 2, READONLY | FAST, KEY1, "generic", "7.0.0", "Returns the expiration time of a key as a Unix timestamp.", O1, expire::expiretime),
    c("persist", 2, WRITE | FAST, KEY1, "generic", "2.2.0", "Removes the expiration time of a key.", O1, expire::persist),
    c("pexpire", -3, WRITE | FAST, KEY1, "generic", "2.6.0", "Sets the expiration time of a key in milliseconds.", O1, expire::pexpire),
    c("pexpireat", -3, WRITE | FAST, KEY1, "generic", "2.6.0", "Sets the expiration time of a key to a Unix milliseconds timestamp.", O1, expire::pexpireat),
    c("pexpiretime", 2, READONLY | FAST, KEY1, "generic", "7.0.0", "Returns the expiration time of a key as a Unix milliseconds timestamp.", O1, expire::pexpiretime),
    c("pttl", 2, READONLY | FAST, KEY1, "generic", "2.6.0", "Returns the expiration time in milliseconds of a key.", O1, expire::pttl),
    c("ttl", 2, READONLY | FAST, KEY1, "generic", "1.0.0", "Returns the expiration time in seconds of a key.", O1, expire::ttl),
    // ---- server ------------------------------------------------------------------------
    CommandDef { subcommands: COMMAND_SUBS, ..c("command", -1, LOADING | STALE, NOKEYS, "server", "2.8.13", "Returns detailed information about all commands.", "O(N) where N is the total number of Redis commands", srv::command) },
    CommandDef { subcommands: CONFIG_SUBS, ..c("config", -2, 0, NOKEYS, "server", "2.0.0", "A container for server configuration commands.", "Depends on subcommand.", container) },
    c("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED, NOKEYS, "server", "1.0.0", "A container for debugging commands.", "Depends on subcommand.", srv::debug),
    CommandDef { subcommands: FUNCTION_SUBS, ..c("function", -2, 0, NOKEYS, "scripting", "7.0.0", "A container for function commands.", "Depends on subcommand.", container) },
    c("info", -1, LOADING | STALE, NOKEYS, "server", "1.0.0", "Returns information and statistics about the server.", "O(1)", srv::info),
    c("lastsave", 1, LOADING | STALE | FAST, NOKEYS, "server", "1.0.0", "Returns the Unix timestamp of the last successful save to disk.", O1, srv::lastsave),
    CommandDef { subcommands: LATENCY_SUBS, ..c("latency", -2, 0, NOKEYS, "server", "2.8.13", "A container for latency diagnostics commands.", "Depends on subcommand.", container) },
    CommandDef { subcommands: MEMORY_SUBS, ..c("memory", -2, 0, NOKEYS, "server", "4.0.0", "A container for memory diagnostics commands.", "Depends on subcommand.", container) },
    c("shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | SENTINEL | ALLOW_BUSY, NOKEYS, "server", "1.0.0", "Synchronously saves the database(s) to disk and shuts down the Redis server.", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", srv::shutdown),
    CommandDef { subcommands: SLOWLOG_SUBS, ..c("slowlog", -2, 0, NOKEYS, "server", "2.2.12", "A container for slow log commands.", "Depends on subcommand.", container) },
    c("time", 1, LOADING | STALE | FAST, NOKEYS, "server", "2.6.0", "Returns the server time.", O1, srv::time),
];

/// The lookup structure built from the static table.
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
        for def in COMMANDS {
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
        let lower = lowercase(name, &mut buf)?;
        self.by_name.get(lower).copied()
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

/// The process-wide command table.
pub fn get() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Table::build)
}

/// The README's list of supported commands, generated from the table so
/// the two cannot drift (tests/readme.rs checks it).
pub fn markdown_list() -> String {
    let mut groups: Vec<&str> = Vec::new();
    for c in COMMANDS {
        if !groups.contains(&c.group) {
            groups.push(c.group);
        }
    }
    let mut out = String::new();
    for group in groups {
        let mut defs: Vec<&CommandDef> = COMMANDS.iter().filter(|c| c.group == group).collect();
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
