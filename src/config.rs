//! Every tunable, with Redis's names, defaults and value syntax: the
//! directive table behind the config file, `--name value` arguments,
//! CONFIG GET / SET / REWRITE.
//!
//! Values are kept in Redis's canonical text form (`yes`/`no`, memory sizes
//! in bytes, enums lower-case), which is what CONFIG GET returns; the typed
//! fields the server reads on its hot paths are refreshed on every change.
//!
//! A directive that belongs to a feature loopkv does not have yet is only
//! accepted with a value that asks for nothing (`save ""`, `appendonly no`);
//! anything else is refused with a "not supported yet" message rather than
//! silently ignored.

use std::fmt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::util::glob::string_match;
use crate::util::splitargs::split_args;

/// How a directive's value is read and written.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Bool,
    Int {
        min: i64,
        max: i64,
    },
    /// A size with an optional unit (`1gb`, `512mb`, `100k`), stored in bytes.
    Memory {
        min: i64,
        max: i64,
    },
    Str,
    Enum(&'static [&'static str]),
    /// One or more space-separated words (bind, save).
    Words,
    /// A directory (`dir`): kept as its absolute path, which must exist.
    Dir,
    /// Keyspace event classes (`notify-keyspace-events`): kept as given,
    /// shown in Redis's canonical order.
    Events,
    /// `client-output-buffer-limit`: groups of `<class> <hard> <soft>
    /// <soft-seconds>`; a value names only the classes it changes.
    OutputLimits,
    /// A memory size or a percentage (`10%`), as `maxmemory-clients`.
    MemoryOrPercent,
    /// Several words, each one of the names (`shutdown-on-sigterm nosave now`).
    Flags(&'static [&'static str]),
    /// Percentiles between 0 and 100, shown without trailing zeros
    /// (`latency-tracking-info-percentiles`); may be empty.
    Percentiles,
    /// `oom-score-adj-values`: three integers between -2000 and 2000.
    OomValues,
}

/// A directive's extra validation: Err(message) refuses the value.
type Check = fn(&[u8]) -> Result<(), String>;

struct Directive {
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
    default: &'static str,
    /// Can be changed with CONFIG SET.
    mutable: bool,
    /// For features not built yet: the only values accepted.
    only: Option<&'static [&'static str]>,
    /// Extra validation of the canonical value.
    check: Option<Check>,
    /// Not matched by CONFIG GET patterns, only by its exact name (Redis's
    /// HIDDEN_CONFIG: test and debugging knobs).
    hidden: bool,
    /// CONFIG SET needs `enable-protected-configs` (Redis's
    /// PROTECTED_CONFIG: where files are written).
    protected: bool,
}

const fn d(name: &'static str, kind: Kind, default: &'static str) -> Directive {
    Directive {
        name,
        alias: None,
        kind,
        default,
        mutable: true,
        only: None,
        check: None,
        hidden: false,
        protected: false,
    }
}

const fn fixed(name: &'static str, kind: Kind, default: &'static str) -> Directive {
    Directive {
        name,
        alias: None,
        kind,
        default,
        mutable: false,
        only: None,
        check: None,
        hidden: false,
        protected: false,
    }
}

const fn only(name: &'static str, kind: Kind, default: &'static str, allowed: &'static [&'static str]) -> Directive {
    Directive {
        name,
        alias: None,
        kind,
        default,
        mutable: true,
        only: Some(allowed),
        check: None,
        hidden: false,
        protected: false,
    }
}

/// Directive `base` under Redis's deprecated alias `alias` too.
const fn aka(alias: &'static str, base: Directive) -> Directive {
    Directive {
        alias: Some(alias),
        ..base
    }
}

/// Directive `base`, not settable with CONFIG SET.
const fn immutable(base: Directive) -> Directive {
    Directive { mutable: false, ..base }
}

/// Directive `base` hidden from CONFIG GET patterns.
/// Directive `base`, settable at run time only where protected configs are
/// enabled.
const fn protected(base: Directive) -> Directive {
    Directive {
        protected: true,
        ..base
    }
}

const fn hidden(base: Directive) -> Directive {
    Directive { hidden: true, ..base }
}

/// Directive `base` with extra validation.
const fn checked(base: Directive, check: Check) -> Directive {
    Directive {
        check: Some(check),
        ..base
    }
}

const fn int(min: i64, max: i64) -> Kind {
    Kind::Int { min, max }
}

const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning"];
const DEBUG_ENABLE: &[&str] = &["no", "yes", "local"];
const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];
const FSYNC: &[&str] = &["always", "everysec", "no"];
const SHUTDOWN_FLAGS: &[&str] = &["default", "save", "nosave", "now", "force"];
const SYSLOG_FACILITIES: &[&str] = &[
    "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
];

/// `save`: pairs of seconds and changes, both non-negative integers (an
/// empty value turns snapshots off).
fn check_save(value: &[u8]) -> Result<(), String> {
    let words: Vec<&[u8]> = value.split(|&c| c == b' ').filter(|w| !w.is_empty()).collect();
    let number = |w: &[u8]| crate::util::number::parse_i64(w).is_some_and(|n| n >= 0);
    if !words.len().is_multiple_of(2) || !words.iter().all(|w| number(w)) {
        return Err("Invalid save parameters".into());
    }
    Ok(())
}

/// `appendfilename`: a plain file name.
fn check_aof_filename(value: &[u8]) -> Result<(), String> {
    match value {
        [] => Err("appendfilename can't be empty".into()),
        v if v.contains(&b'/') => Err("appendfilename can't be a path, just a filename".into()),
        _ => Ok(()),
    }
}

/// `appenddirname`: a plain directory name.
fn check_aof_dirname(value: &[u8]) -> Result<(), String> {
    match value {
        [] => Err("appenddirname can't be empty".into()),
        v if v.contains(&b'/') => Err("appenddirname can't be a path, just a dirname".into()),
        _ => Ok(()),
    }
}

/// `replicaof host port` (or `no one`) as Redis checks it when loading.
fn check_replicaof(value: &[u8]) -> Result<(), String> {
    let words: Vec<&[u8]> = value.split(|&c| c == b' ').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [] => Ok(()),
        [no, one] if no.eq_ignore_ascii_case(b"no") && one.eq_ignore_ascii_case(b"one") => Ok(()),
        [_, port] if crate::util::number::parse_i64(port).is_some_and(|p| (0..=65535).contains(&p)) => Ok(()),
        [_, _] => Err("Invalid master port".into()),
        _ => Err("wrong number of arguments".into()),
    }
}

const I32: i64 = i32::MAX as i64;

/// The directive table, in the order CONFIG REWRITE writes it.
static DIRECTIVES: &[Directive] = &[
    d("port", int(0, 65535), "6379"),
    d("bind", Kind::Words, "* -::*"),
    fixed("unixsocket", Kind::Str, ""),
    fixed("unixsocketperm", Kind::Str, "0"),
    d("protected-mode", Kind::Bool, "yes"),
    fixed("tcp-backlog", int(0, I32), "511"),
    d("timeout", int(0, I32), "0"),
    d("tcp-keepalive", int(0, I32), "300"),
    d("socket-mark-id", int(0, u32::MAX as i64), "0"),
    fixed("databases", int(1, I32), "16"),
    immutable(only("daemonize", Kind::Bool, "no", &["no"])),
    fixed("pidfile", Kind::Str, ""),
    d("loglevel", Kind::Enum(LOGLEVELS), "notice"),
    fixed("logfile", Kind::Str, ""),
    immutable(only("syslog-enabled", Kind::Bool, "no", &["no"])),
    fixed("syslog-ident", Kind::Str, "redis"),
    fixed("syslog-facility", Kind::Enum(SYSLOG_FACILITIES), "local0"),
    d("crash-log-enabled", Kind::Bool, "yes"),
    d("crash-memcheck-enabled", Kind::Bool, "yes"),
    d("requirepass", Kind::Str, ""),
    d("maxclients", int(1, u32::MAX as i64), "10000"),
    d(
        "proto-max-bulk-len",
        Kind::Memory {
            min: 1024 * 1024,
            max: i64::MAX,
        },
        "536870912",
    ),
    d(
        "client-query-buffer-limit",
        Kind::Memory {
            min: 1024 * 1024,
            max: i64::MAX,
        },
        "1073741824",
    ),
    fixed("enable-debug-command", Kind::Enum(DEBUG_ENABLE), "no"),
    fixed("enable-protected-configs", Kind::Enum(DEBUG_ENABLE), "no"),
    fixed("enable-module-command", Kind::Enum(DEBUG_ENABLE), "no"),
    d("hz", int(0, I32), "10"),
    d("dynamic-hz", Kind::Bool, "yes"),
    d("slowlog-log-slower-than", int(-1, i64::MAX), "10000"),
    d("slowlog-max-len", int(0, i64::MAX), "128"),
    d("latency-monitor-threshold", int(0, i64::MAX), "0"),
    d("latency-tracking", Kind::Bool, "yes"),
    d("latency-tracking-info-percentiles", Kind::Percentiles, "50 99 99.9"),
    protected(d("dir", Kind::Dir, "")),
    d("always-show-logo", Kind::Bool, "no"),
    d("set-proc-title", Kind::Bool, "yes"),
    d("proc-title-template", Kind::Str, "{title} {listen-addr} {server-mode}"),
    d("ignore-warnings", Kind::Str, ""),
    d("lazyfree-lazy-eviction", Kind::Bool, "no"),
    d("lazyfree-lazy-expire", Kind::Bool, "no"),
    d("lazyfree-lazy-server-del", Kind::Bool, "no"),
    d("lazyfree-lazy-user-del", Kind::Bool, "no"),
    d("lazyfree-lazy-user-flush", Kind::Bool, "no"),
    d("active-expire-effort", int(1, 10), "1"),
    d("tracking-table-max-keys", int(0, i64::MAX), "1000000"),
    aka("lua-time-limit", d("busy-reply-threshold", int(0, i64::MAX), "5000")),
    d("shutdown-on-sigint", Kind::Flags(SHUTDOWN_FLAGS), "default"),
    d("shutdown-on-sigterm", Kind::Flags(SHUTDOWN_FLAGS), "default"),
    d("shutdown-timeout", int(0, I32), "10"),
    // Memory limit: enforced with noeviction (-OOM past it); the evicting
    // policies are not built yet, so they cannot be combined with a limit.
    d("maxmemory", Kind::Memory { min: 0, max: i64::MAX }, "0"),
    d("maxmemory-policy", Kind::Enum(POLICIES), "noeviction"),
    d("maxmemory-samples", int(1, 64), "5"),
    d("maxmemory-eviction-tenacity", int(0, 100), "10"),
    d("maxmemory-clients", Kind::MemoryOrPercent, "0"),
    d("lfu-log-factor", int(0, I32), "10"),
    d("lfu-decay-time", int(0, I32), "1"),
    // Persistence: RDB snapshots and the append-only file (see `persist`).
    checked(d("save", Kind::Words, "3600 1 300 100 60 10000"), check_save),
    d("appendonly", Kind::Bool, "no"),
    checked(fixed("appendfilename", Kind::Str, "appendonly.aof"), check_aof_filename),
    checked(fixed("appenddirname", Kind::Str, "appendonlydir"), check_aof_dirname),
    d("appendfsync", Kind::Enum(FSYNC), "everysec"),
    protected(d("dbfilename", Kind::Str, "dump.rdb")),
    d("rdbcompression", Kind::Bool, "yes"),
    d("rdbchecksum", Kind::Bool, "yes"),
    d("stop-writes-on-bgsave-error", Kind::Bool, "yes"),
    d("sanitize-dump-payload", Kind::Enum(&["no", "yes", "clients"]), "no"),
    hidden(d("rdb-key-save-delay", int(i32::MIN as i64, I32), "0")),
    hidden(d("key-load-delay", int(i32::MIN as i64, I32), "0")),
    hidden(d("loading-process-events-interval-bytes", int(1024, I32), "2097152")),
    hidden(fixed("use-exit-on-panic", Kind::Bool, "no")),
    hidden(d("watchdog-period", int(0, I32), "0")),
    // Replication, cluster, modules, threads, TLS, ACL: not built yet.
    aka("slaveof", checked(fixed("replicaof", Kind::Words, ""), check_replicaof)),
    d("masterauth", Kind::Str, ""),
    d("masteruser", Kind::Str, ""),
    d("repl-backlog-size", Kind::Memory { min: 1, max: i64::MAX }, "1048576"),
    d("repl-backlog-ttl", int(0, I32), "3600"),
    aka(
        "repl-ping-slave-period",
        d("repl-ping-replica-period", int(1, I32), "10"),
    ),
    d("repl-timeout", int(1, I32), "60"),
    aka("min-slaves-to-write", d("min-replicas-to-write", int(0, I32), "0")),
    aka("min-slaves-max-lag", d("min-replicas-max-lag", int(0, I32), "10")),
    aka("slave-announce-ip", d("replica-announce-ip", Kind::Str, "")),
    aka("slave-announce-port", d("replica-announce-port", int(0, 65535), "0")),
    d("replica-announced", Kind::Bool, "yes"),
    aka(
        "slave-ignore-maxmemory",
        d("replica-ignore-maxmemory", Kind::Bool, "yes"),
    ),
    d("replica-ignore-disk-write-errors", Kind::Bool, "no"),
    d("bind-source-addr", Kind::Str, ""),
    d(
        "propagation-error-behavior",
        Kind::Enum(&["ignore", "panic", "panic-on-replicas"]),
        "ignore",
    ),
    only("cluster-enabled", Kind::Bool, "no", &["no"]),
    fixed("cluster-config-file", Kind::Str, "nodes.conf"),
    fixed("cluster-port", int(0, 65535), "0"),
    d("cluster-node-timeout", int(0, i64::MAX), "15000"),
    d("cluster-migration-barrier", int(0, I32), "1"),
    d("cluster-allow-replica-migration", Kind::Bool, "yes"),
    aka(
        "cluster-slave-validity-factor",
        d("cluster-replica-validity-factor", int(0, I32), "10"),
    ),
    aka(
        "cluster-slave-no-failover",
        d("cluster-replica-no-failover", Kind::Bool, "no"),
    ),
    d("cluster-require-full-coverage", Kind::Bool, "yes"),
    d("cluster-allow-reads-when-down", Kind::Bool, "no"),
    d("cluster-allow-pubsubshard-when-down", Kind::Bool, "yes"),
    d("cluster-announce-ip", Kind::Str, ""),
    d("cluster-announce-hostname", Kind::Str, ""),
    d("cluster-announce-port", int(0, 65535), "0"),
    d("cluster-announce-bus-port", int(0, 65535), "0"),
    d("cluster-announce-tls-port", int(0, 65535), "0"),
    d(
        "cluster-preferred-endpoint-type",
        Kind::Enum(&["ip", "hostname", "unknown-endpoint"]),
        "ip",
    ),
    d(
        "cluster-link-sendbuf-limit",
        Kind::Memory { min: 0, max: i64::MAX },
        "0",
    ),
    only("io-threads", int(1, 128), "1", &["1"]),
    fixed("io-threads-do-reads", Kind::Bool, "no"),
    only("server_cpulist", Kind::Str, "", &[""]),
    only("bio_cpulist", Kind::Str, "", &[""]),
    only("aof_rewrite_cpulist", Kind::Str, "", &[""]),
    only("bgsave_cpulist", Kind::Str, "", &[""]),
    only("tls-port", int(0, 65535), "0", &["0"]),
    d("tls-cert-file", Kind::Str, ""),
    d("tls-key-file", Kind::Str, ""),
    d("tls-key-file-pass", Kind::Str, ""),
    d("tls-client-cert-file", Kind::Str, ""),
    d("tls-client-key-file", Kind::Str, ""),
    d("tls-client-key-file-pass", Kind::Str, ""),
    d("tls-dh-params-file", Kind::Str, ""),
    d("tls-ca-cert-file", Kind::Str, ""),
    d("tls-ca-cert-dir", Kind::Str, ""),
    d("tls-protocols", Kind::Str, ""),
    d("tls-ciphers", Kind::Str, ""),
    d("tls-ciphersuites", Kind::Str, ""),
    d("tls-prefer-server-ciphers", Kind::Bool, "no"),
    d("tls-session-caching", Kind::Bool, "yes"),
    d("tls-session-cache-size", int(0, I32), "20480"),
    d("tls-session-cache-timeout", int(0, I32), "300"),
    d("tls-auth-clients", Kind::Enum(&["no", "yes", "optional"]), "yes"),
    d("tls-replication", Kind::Bool, "no"),
    d("tls-cluster", Kind::Bool, "no"),
    only("aclfile", Kind::Str, "", &[""]),
    d(
        "acl-pubsub-default",
        Kind::Enum(&["allchannels", "resetchannels"]),
        "resetchannels",
    ),
    d("notify-keyspace-events", Kind::Events, ""),
    only(
        "supervised",
        Kind::Enum(&["upstart", "systemd", "auto", "no"]),
        "no",
        &["no", "auto"],
    ),
    d(
        "oom-score-adj",
        Kind::Enum(&["no", "yes", "relative", "absolute"]),
        "no",
    ),
    d("oom-score-adj-values", Kind::OomValues, "0 200 800"),
    d("activerehashing", Kind::Bool, "yes"),
    only("activedefrag", Kind::Bool, "no", &["no"]),
    d(
        "active-defrag-ignore-bytes",
        Kind::Memory { min: 1, max: i64::MAX },
        "104857600",
    ),
    d("active-defrag-threshold-lower", int(0, 1000), "10"),
    d("active-defrag-threshold-upper", int(0, 1000), "100"),
    d("active-defrag-cycle-min", int(1, 99), "1"),
    d("active-defrag-cycle-max", int(1, 99), "25"),
    d("active-defrag-max-scan-fields", int(1, i64::MAX), "1000"),
    fixed("disable-thp", Kind::Bool, "yes"),
    d("jemalloc-bg-thread", Kind::Bool, "yes"),
    d("acllog-max-len", int(0, i64::MAX), "128"),
    // Encoding thresholds of the collection types, under their 7.0 names
    // and the ziplist names Redis 7.0 still accepts.
    aka(
        "hash-max-ziplist-entries",
        d("hash-max-listpack-entries", int(0, i64::MAX), "512"),
    ),
    aka(
        "hash-max-ziplist-value",
        d("hash-max-listpack-value", Kind::Memory { min: 0, max: i64::MAX }, "64"),
    ),
    aka(
        "zset-max-ziplist-entries",
        d("zset-max-listpack-entries", int(0, i64::MAX), "128"),
    ),
    aka(
        "zset-max-ziplist-value",
        d("zset-max-listpack-value", Kind::Memory { min: 0, max: i64::MAX }, "64"),
    ),
    d("set-max-intset-entries", int(0, i64::MAX), "512"),
    aka(
        "list-max-ziplist-size",
        d("list-max-listpack-size", int(i32::MIN as i64, I32), "-2"),
    ),
    d("list-compress-depth", int(0, I32), "0"),
    d("hll-sparse-max-bytes", Kind::Memory { min: 0, max: i64::MAX }, "3000"),
    d("stream-node-max-bytes", Kind::Memory { min: 0, max: i64::MAX }, "4096"),
    d("stream-node-max-entries", int(0, i64::MAX), "100"),
    // Output buffer limits per client class; stored as CONFIG GET shows them.
    d(
        "client-output-buffer-limit",
        Kind::OutputLimits,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    ),
    // Only meaningful with persistence or replication, which are refused
    // unless off; stored so a stock redis.conf loads.
    d("rdb-del-sync-files", Kind::Bool, "no"),
    d("rdb-save-incremental-fsync", Kind::Bool, "yes"),
    d("aof-rewrite-incremental-fsync", Kind::Bool, "yes"),
    d("no-appendfsync-on-rewrite", Kind::Bool, "no"),
    d("aof-load-truncated", Kind::Bool, "yes"),
    d("aof-use-rdb-preamble", Kind::Bool, "yes"),
    d("aof-timestamp-enabled", Kind::Bool, "no"),
    d("aof-disable-auto-gc", Kind::Bool, "no"),
    d("auto-aof-rewrite-percentage", int(0, I32), "100"),
    d(
        "auto-aof-rewrite-min-size",
        Kind::Memory { min: 0, max: i64::MAX },
        "67108864",
    ),
    d("repl-disable-tcp-nodelay", Kind::Bool, "no"),
    d("repl-diskless-sync", Kind::Bool, "yes"),
    d("repl-diskless-sync-delay", int(0, I32), "5"),
    d("repl-diskless-sync-max-replicas", int(0, I32), "0"),
    d(
        "repl-diskless-load",
        Kind::Enum(&["disabled", "on-empty-db", "swapdb"]),
        "disabled",
    ),
    aka("slave-lazy-flush", d("replica-lazy-flush", Kind::Bool, "no")),
    aka(
        "slave-serve-stale-data",
        d("replica-serve-stale-data", Kind::Bool, "yes"),
    ),
    aka("slave-read-only", d("replica-read-only", Kind::Bool, "yes")),
    aka("slave-priority", d("replica-priority", int(0, I32), "100")),
];

// ---- client-output-buffer-limit ----------------------------------------------------

/// The client classes output buffer limits apply to (Redis's
/// `CLIENT_TYPE_*` up to `CLIENT_TYPE_OBUF_COUNT`), in CONFIG GET order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientClass {
    Normal = 0,
    /// Replicas; loopkv has none, the class only exists in the syntax.
    Replica = 1,
    /// Clients with at least one subscription.
    Pubsub = 2,
}

/// Class names as CONFIG GET writes them.
const CLASS_NAMES: [&str; 3] = ["normal", "slave", "pubsub"];

/// The limits of one client class (Redis's `clientBufferLimitsConfig`).
/// A zero byte count means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputLimit {
    /// Output at or above this closes the client at once.
    pub hard: u64,
    /// Output at or above this for more than `soft_secs` seconds in a row
    /// closes the client.
    pub soft: u64,
    pub soft_secs: i64,
}

/// `client-output-buffer-limit`, one entry per `ClientClass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputLimits(pub [OutputLimit; 3]);

impl OutputLimits {
    pub fn class(&self, class: ClientClass) -> &OutputLimit {
        &self.0[class as usize]
    }

    /// Reads the canonical text (`normal 0 0 0 slave ... pubsub ...`).
    fn parse(text: &[u8]) -> OutputLimits {
        let mut limits = OutputLimits::default();
        let words: Vec<&[u8]> = text.split(|&c| c == b' ').collect();
        for group in words.chunks_exact(4) {
            let Some(class) = CLASS_NAMES.iter().position(|n| n.as_bytes() == group[0]) else {
                continue;
            };
            let number = |w: &[u8]| std::str::from_utf8(w).ok().and_then(|t| t.parse().ok());
            limits.0[class] = OutputLimit {
                hard: number(group[1]).unwrap_or(0),
                soft: number(group[2]).unwrap_or(0),
                soft_secs: number(group[3]).map_or(0, |n: u64| n as i64),
            };
        }
        limits
    }

    /// Applies `args` as Redis's `updateClientOutputBufferLimit`: groups of
    /// class, hard, soft (memory values) and soft seconds; every group is
    /// checked before any class changes, and classes not named keep their
    /// limits.
    fn updated(self, args: &[Vec<u8>]) -> Result<OutputLimits, ConfigError> {
        if !args.len().is_multiple_of(4) {
            return Err(err("Wrong number of arguments in buffer limit configuration."));
        }
        let mut next = self;
        for group in args.chunks(4) {
            let class = match group[0].to_ascii_lowercase().as_slice() {
                b"normal" => ClientClass::Normal,
                b"slave" | b"replica" => ClientClass::Replica,
                b"pubsub" => ClientClass::Pubsub,
                _ => return Err(err("Invalid client class specified in buffer limit configuration.")),
            };
            let hard = parse_memory(&group[1]);
            let soft = parse_memory(&group[2]);
            let (Some(hard), Some(soft), Some(soft_secs)) = (hard, soft, soft_seconds(&group[3])) else {
                return Err(err(
                    "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
                ));
            };
            next.0[class as usize] = OutputLimit {
                hard: hard as u64,
                soft: soft as u64,
                soft_secs,
            };
        }
        Ok(next)
    }

    /// The canonical text, as CONFIG GET shows it.
    fn to_text(self) -> Vec<u8> {
        let groups: Vec<String> = self
            .0
            .iter()
            .zip(CLASS_NAMES)
            .map(|(l, name)| format!("{name} {} {} {}", l.hard, l.soft, l.soft_secs))
            .collect();
        groups.join(" ").into_bytes()
    }

    /// CONFIG REWRITE's lines, one per class (`replica` rather than
    /// `slave`, sizes in gb/mb/kb when exact), each with whether it differs
    /// from the default.
    fn rewrite_lines(&self, name: &str) -> Vec<(Vec<u8>, bool)> {
        let defaults = OutputLimits::parse(DEFAULT_OUTPUT_LIMITS.as_bytes());
        self.0
            .iter()
            .zip(defaults.0)
            .zip(["normal", "replica", "pubsub"])
            .map(|((l, default), class)| {
                let line = format!(
                    "{name} {class} {} {} {}\n",
                    format_memory(l.hard),
                    format_memory(l.soft),
                    l.soft_secs
                );
                (line.into_bytes(), *l != default)
            })
            .collect()
    }
}

/// Redis's default `client-output-buffer-limit`.
const DEFAULT_OUTPUT_LIMITS: &str = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

/// The soft-seconds field, read as Redis does: C's `strtoll` (leading
/// white space, a sign, digits, saturating; the empty string is 0) stored
/// into an `int`, then refused if negative.
fn soft_seconds(text: &[u8]) -> Option<i64> {
    let start = text
        .iter()
        .position(|c| !b" \t\n\x0b\x0c\r".contains(c))
        .unwrap_or(text.len());
    let rest = &text[start..];
    let (negative, digits) = match rest.first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        // No digits: strtoll stops at the start, accepted only if empty.
        return text.is_empty().then_some(0);
    }
    let magnitude = digits.iter().fold(0i128, |acc, &d| {
        (acc * 10 + (d - b'0') as i128).min(i64::MAX as i128 + 1)
    });
    let value = if negative {
        (-magnitude).max(i64::MIN as i128) as i64
    } else {
        magnitude.min(i64::MAX as i128) as i64
    };
    let stored = value as i32;
    (stored >= 0).then_some(stored as i64)
}

/// Redis's `rewriteConfigFormatMemory`: the largest of gb, mb, kb that
/// divides the size exactly (read as a `long long`, as Redis does).
fn format_memory(bytes: u64) -> String {
    const UNITS: [(i64, &str); 3] = [(1 << 30, "gb"), (1 << 20, "mb"), (1 << 10, "kb")];
    let bytes = bytes as i64;
    match UNITS.iter().find(|(size, _)| bytes != 0 && bytes % size == 0) {
        Some((size, unit)) => format!("{}{unit}", bytes / size),
        None => bytes.to_string(),
    }
}

/// Where `debug` and similar commands may be used from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enable {
    No,
    Yes,
    Local,
}

/// A configuration problem: what went wrong, for the directive named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn err(message: impl Into<String>) -> ConfigError {
    ConfigError {
        message: message.into(),
    }
}

/// The server's configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Canonical value of every directive, indexed like `DIRECTIVES`.
    values: Vec<Vec<u8>>,
    /// Where each directive was last set (origin, line, text), if from a file
    /// or the command line.
    origins: Vec<Option<(String, usize, String)>>,
    /// The config file it was loaded from (for CONFIG REWRITE).
    pub file: Option<PathBuf>,
    /// A `save` line was read from the start-up text: later ones add
    /// their points to it (Redis's `save_loaded`).
    save_read: bool,
    /// `rename-command` pairs from the start-up text, in order.
    pub renames: Vec<(Vec<u8>, Vec<u8>)>,
    // Typed copies for hot paths; refreshed by `refresh`.
    pub port: u16,
    pub bind: Vec<String>,
    /// Pending connections the kernel queues per listener.
    pub tcp_backlog: i32,
    pub protected_mode: bool,
    pub databases: usize,
    pub requirepass: Option<Vec<u8>>,
    pub maxclients: usize,
    pub timeout_secs: u64,
    pub tcp_keepalive: u64,
    pub proto_max_bulk_len: i64,
    pub client_query_buffer_limit: usize,
    /// `maxmemory` in bytes (0: no limit).
    pub maxmemory: u64,
    /// `min-replicas-to-write`, or 0 when `min-replicas-max-lag` is 0
    /// (either turns the check off).
    pub min_replicas_to_write: u64,
    pub enable_debug: Enable,
    /// `enable-protected-configs`: who may CONFIG SET `dir`, `dbfilename`.
    pub enable_protected_configs: Enable,
    pub hz: u64,
    /// `watchdog-period` in ms (0: off), at least two cron periods.
    pub watchdog_period: u64,
    pub slowlog_slower_than: i64,
    pub slowlog_max_len: usize,
    pub latency_threshold_ms: u64,
    pub active_expire_effort: usize,
    /// `latency-tracking yes`: per-command latency histograms are kept.
    pub latency_tracking: bool,
    /// Keys the client-side caching table may hold (0: no limit).
    pub tracking_table_max_keys: usize,
    pub lazyfree_user_del: bool,
    pub lazyfree_user_flush: bool,
    /// `busy-reply-threshold` (`lua-time-limit`), in milliseconds.
    pub busy_reply_threshold: u64,
    pub lazyfree_lazy_expire: bool,
    pub lazyfree_lazy_server_del: bool,
    /// The encoding thresholds collection writes check on every command.
    pub hash_max_listpack_entries: usize,
    pub hash_max_listpack_value: usize,
    pub zset_max_listpack_entries: usize,
    pub zset_max_listpack_value: usize,
    pub set_max_intset_entries: usize,
    /// Set when `maxmemory-policy` is an LFU policy.
    pub lfu: Option<crate::db::Lfu>,
    /// `maxmemory-policy`, `maxmemory-samples`,
    /// `maxmemory-eviction-tenacity` and `lazyfree-lazy-eviction`.
    pub eviction: crate::evict::Settings,
    /// New small integers are shared objects: not under an LRU or LFU
    /// policy with a limit (see `Db::share_ints`).
    pub share_ints: bool,
    /// `notify-keyspace-events` as class flags (`command::notify`), and as
    /// CONFIG GET shows them.
    pub notify_flags: u32,
    notify_display: Vec<u8>,
    /// `client-output-buffer-limit` per client class.
    pub client_output_limits: OutputLimits,
    /// `maxmemory-clients` in bytes (a percentage of `maxmemory`), at least
    /// 128 KiB; 0 when client eviction is off.
    pub client_eviction_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        let mut config = Config {
            values: DIRECTIVES.iter().map(|d| d.default.as_bytes().to_vec()).collect(),
            origins: vec![None; DIRECTIVES.len()],
            file: None,
            save_read: false,
            renames: Vec::new(),
            port: 6379,
            bind: Vec::new(),
            protected_mode: true,
            tcp_backlog: 511,
            databases: 16,
            requirepass: None,
            maxclients: 10000,
            timeout_secs: 0,
            tcp_keepalive: 300,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            maxmemory: 0,
            min_replicas_to_write: 0,
            enable_debug: Enable::No,
            enable_protected_configs: Enable::No,
            hz: 10,
            watchdog_period: 0,
            slowlog_slower_than: 10000,
            slowlog_max_len: 128,
            latency_threshold_ms: 0,
            active_expire_effort: 1,
            latency_tracking: true,
            tracking_table_max_keys: 1_000_000,
            lazyfree_user_del: false,
            lazyfree_user_flush: false,
            busy_reply_threshold: 5000,
            lazyfree_lazy_expire: false,
            lazyfree_lazy_server_del: false,
            hash_max_listpack_entries: 0,
            hash_max_listpack_value: 0,
            zset_max_listpack_entries: 0,
            zset_max_listpack_value: 0,
            set_max_intset_entries: 0,
            lfu: None,
            eviction: crate::evict::Settings::default(),
            share_ints: true,
            notify_flags: 0,
            notify_display: Vec::new(),
            client_output_limits: OutputLimits::default(),
            client_eviction_limit: 0,
        };
        // `dir` starts as the working directory, shown absolute.
        if let Ok(cwd) = std::env::current_dir()
            && let Some(i) = find(b"dir")
        {
            config.values[i] = cwd.into_os_string().into_vec();
        }
        config.refresh();
        config
    }
}

/// An I/O error as `strerror` words it, without Rust's "(os error N)".
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Parses a memory value as Redis's `memtoull`: digits with an optional
/// unit (b, k, kb, m, mb, g, gb; case-insensitive). A leading `-` or an
/// unknown unit is an error.
pub fn parse_memory(text: &[u8]) -> Option<i64> {
    let lower = text.to_ascii_lowercase();
    let digits_end = lower.iter().position(|c| !c.is_ascii_digit()).unwrap_or(lower.len());
    let (digits, unit) = lower.split_at(digits_end);
    let mul: i64 = match unit {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits.len() >= 128 {
        return None;
    }
    // As C's strtoull: no digits is 0, overflow saturates; the product
    // wraps and is read as a signed value, exactly as Redis then range-checks it.
    let n = digits
        .iter()
        .fold(0u64, |acc, &d| acc.saturating_mul(10).saturating_add((d - b'0') as u64));
    Some(n.wrapping_mul(mul as u64) as i64)
}

fn find(name: &[u8]) -> Option<usize> {
    DIRECTIVES.iter().position(|d| {
        d.name.as_bytes().eq_ignore_ascii_case(name) || d.alias.is_some_and(|a| a.as_bytes().eq_ignore_ascii_case(name))
    })
}

/// Refuses a value of a feature not built yet (`only`).
fn supported(d: &Directive, value: &[u8]) -> Result<(), ConfigError> {
    if let Some(allowed) = d.only
        && !allowed.iter().any(|a| a.as_bytes() == value)
    {
        return Err(err(format!(
            "'{} {}' is not supported yet by loopkv (accepted: {})",
            d.name,
            String::from_utf8_lossy(value),
            allowed
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

/// `latency-tracking-info-percentiles`: each a number from 0 to 100, shown
/// as `%f` with trailing zeros (and a bare point) removed; one empty
/// argument means none.
fn percentiles(args: &[Vec<u8>]) -> Result<Vec<u8>, ConfigError> {
    if let [one] = args
        && one.is_empty()
    {
        return Ok(Vec::new());
    }
    let mut shown = Vec::with_capacity(args.len());
    for a in args {
        let p = crate::util::number::parse_f64(a)
            .filter(|p| !p.is_nan())
            .ok_or_else(|| err("Invalid latency-tracking-info-percentiles parameters"))?;
        if !(0.0..=100.0).contains(&p) {
            return Err(err(
                "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
            ));
        }
        let text = format!("{p:.6}");
        shown.push(text.trim_end_matches('0').trim_end_matches('.').to_string());
    }
    Ok(shown.join(" ").into_bytes())
}

/// Checks `args` against directive `d` and returns the canonical value;
/// `current` is the value it replaces (client-output-buffer-limit keeps
/// the classes `args` do not name).
fn canonical(d: &Directive, args: &[Vec<u8>], current: &[u8]) -> Result<Vec<u8>, ConfigError> {
    let value = match d.kind {
        Kind::Words => args.join(&b' '),
        Kind::Flags(names) => {
            let words: Vec<Vec<u8>> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
            if words.is_empty() || !words.iter().all(|w| names.iter().any(|n| n.as_bytes() == w.as_slice())) {
                return Err(err(format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                )));
            }
            // Shown as Redis shows a flags value: each flag once, in the
            // list's order, the first (zero) one only when alone.
            let set: Vec<&[u8]> = names
                .iter()
                .map(|n| n.as_bytes())
                .enumerate()
                .filter(|&(i, n)| i > 0 && words.iter().any(|w| w.as_slice() == n))
                .map(|(_, n)| n)
                .collect();
            if set.is_empty() {
                names[0].as_bytes().to_vec()
            } else {
                set.join(&b' ')
            }
        }
        Kind::OutputLimits => OutputLimits::parse(current).updated(args)?.to_text(),
        Kind::Percentiles => percentiles(args)?,
        Kind::OomValues => {
            if args.len() != 3 {
                return Err(err("wrong number of arguments"));
            }
            let values: Option<Vec<i64>> = args
                .iter()
                // Read as strtoll reads them: leading spaces, a sign, zeros.
                .map(|a| {
                    std::str::from_utf8(a)
                        .ok()
                        .and_then(|t| t.trim_start().parse::<i64>().ok())
                        .filter(|v| (-2000..=2000).contains(v))
                })
                .collect();
            let values =
                values.ok_or_else(|| err("Invalid oom-score-adj-values, elements must be between -2000 and 2000."))?;
            values
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(" ")
                .into_bytes()
        }
        _ if args.len() != 1 => return Err(err("wrong number of arguments")),
        Kind::Bool => match args[0].to_ascii_lowercase().as_slice() {
            b"yes" => b"yes".to_vec(),
            b"no" => b"no".to_vec(),
            _ => return Err(err("argument must be 'yes' or 'no'")),
        },
        Kind::Int { min, max } => {
            let n = crate::util::number::parse_i64(&args[0])
                .ok_or_else(|| err("argument couldn't be parsed into an integer"))?;
            if n < min || n > max {
                return Err(err(format!("argument must be between {min} and {max} inclusive")));
            }
            n.to_string().into_bytes()
        }
        Kind::Memory { min, max } => {
            let n = parse_memory(&args[0]).ok_or_else(|| err("argument must be a memory value"))?;
            if n < min || n > max {
                return Err(err(format!("argument must be between {min} and {max} inclusive")));
            }
            n.to_string().into_bytes()
        }
        Kind::Str => args[0].clone(),
        Kind::Dir => {
            let path = std::path::Path::new(std::ffi::OsStr::from_bytes(&args[0]));
            match std::fs::canonicalize(path) {
                Ok(abs) if abs.is_dir() => abs.into_os_string().into_vec(),
                Ok(_) => return Err(err("Not a directory")),
                Err(e) => return Err(err(io_reason(&e))),
            }
        }
        Kind::MemoryOrPercent => match args[0].strip_suffix(b"%") {
            Some(digits) => {
                let n = crate::util::number::parse_i64(digits)
                    .filter(|&n| n >= 0)
                    .ok_or_else(|| err("argument must be a memory or percent value"))?;
                if n > 100 {
                    return Err(err("percentage argument must be less or equal to 100"));
                }
                format!("{n}%").into_bytes()
            }
            None => {
                let n = parse_memory(&args[0]).ok_or_else(|| err("argument must be a memory or percent value"))?;
                if n < 0 {
                    return Err(err("argument must be a memory or percent value"));
                }
                n.to_string().into_bytes()
            }
        },
        Kind::Events => {
            crate::command::notify::parse_classes(&args[0])
                .ok_or_else(|| err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."))?;
            args[0].clone()
        }
        Kind::Enum(names) => {
            let lower = args[0].to_ascii_lowercase();
            if !names.iter().any(|n| n.as_bytes() == lower.as_slice()) {
                return Err(err(format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                )));
            }
            lower
        }
    };
    if let Some(check) = d.check {
        check(&value).map_err(err)?;
    }
    Ok(value)
}

impl Config {
    /// Sets directive `name` from its arguments, as a config file line or a
    /// `--name value` argument would. Immutable directives are allowed here.
    /// Values of features not built yet are accepted here and refused by
    /// `check_supported` once loading is complete.
    pub fn apply(&mut self, name: &[u8], args: &[Vec<u8>]) -> Result<(), ConfigError> {
        self.apply_at(name, args, None)
    }

    /// `apply`, remembering where the setting came from (origin, line, text)
    /// for start-up errors.
    pub fn apply_at(
        &mut self,
        name: &[u8],
        args: &[Vec<u8>],
        at: Option<(String, usize, String)>,
    ) -> Result<(), ConfigError> {
        let Some(i) = find(name) else {
            return Err(err("Bad directive or wrong number of arguments"));
        };
        let d = &DIRECTIVES[i];
        // As Redis loads a multi-argument directive: one non-empty
        // argument is split again (`--client-output-buffer-limit "a b c d"`).
        let split;
        let args = match (d.kind, args) {
            (Kind::OutputLimits | Kind::Words | Kind::Flags(_) | Kind::Percentiles | Kind::OomValues, [one])
                if !one.is_empty() =>
            {
                split = split_args(one).unwrap_or_default();
                split.as_slice()
            }
            _ => args,
        };
        self.values[i] = canonical(d, args, &self.values[i])?;
        self.origins[i] = at;
        self.refresh();
        Ok(())
    }

    /// CONFIG SET of one directive. Errors are the text after Redis's
    /// `CONFIG SET failed (possibly related to argument '...') - `.
    /// True for a directive CONFIG SET may change only where protected
    /// configs are enabled.
    pub fn is_protected(name: &[u8]) -> bool {
        find(name).is_some_and(|i| DIRECTIVES[i].protected)
    }

    pub fn set(&mut self, name: &[u8], value: &[u8]) -> Result<(), ConfigError> {
        let Some(i) = find(name) else {
            return Err(err("Unknown option"));
        };
        let d = &DIRECTIVES[i];
        if !d.mutable {
            return Err(err("can't set immutable config"));
        }
        let args: Vec<Vec<u8>> = match d.kind {
            Kind::Words | Kind::Flags(_) | Kind::Percentiles | Kind::OomValues => {
                split_args(value).ok_or_else(|| err("unbalanced quotes"))?
            }
            // Redis splits this one on single spaces (`sdssplitlen`), so
            // an empty value names no class and changes nothing.
            Kind::OutputLimits if value.is_empty() => Vec::new(),
            Kind::OutputLimits => value.split(|&c| c == b' ').map(<[u8]>::to_vec).collect(),
            _ => vec![value.to_vec()],
        };
        let value = canonical(d, &args, &self.values[i])?;
        supported(d, &value)?;
        self.values[i] = value;
        self.refresh();
        Ok(())
    }

    /// Refuses, at start-up, a final value that asks for a feature not built
    /// yet. Checked once everything is loaded, so a later `--daemonize no`
    /// overrides a config file's `daemonize yes` as it would in Redis.
    pub fn check_supported(&self) -> Result<(), StartupError> {
        for (i, d) in DIRECTIVES.iter().enumerate() {
            if let Err(e) = supported(d, &self.values[i]) {
                let (origin, line, text) = self.origins[i].clone().unwrap_or_default();
                return Err(StartupError {
                    origin,
                    line,
                    text,
                    reason: e.message,
                });
            }
        }
        Ok(())
    }

    /// The canonical name of directive `name` (aliases resolved), if known.
    pub fn canonical_name(name: &[u8]) -> Option<&'static str> {
        find(name).map(|i| DIRECTIVES[i].name)
    }

    /// (name, value) of every directive whose name or alias matches the
    /// glob `pattern` (both, under their own names, when both match, as
    /// Redis lists them); hidden directives are left out.
    pub fn get(&self, pattern: &[u8]) -> Vec<(&'static str, &[u8])> {
        let mut found = Vec::new();
        for (d, v) in DIRECTIVES.iter().zip(&self.values).filter(|(d, _)| !d.hidden) {
            let value = match d.kind {
                Kind::Events => self.notify_display.as_slice(),
                _ => v.as_slice(),
            };
            for name in std::iter::once(d.name).chain(d.alias) {
                if string_match(pattern, name.as_bytes(), true) {
                    found.push((name, value));
                }
            }
        }
        found
    }

    /// The value of directive `name` as CONFIG GET shows it.
    pub fn shown(&self, name: &str) -> &[u8] {
        match find(name.as_bytes()).map(|i| DIRECTIVES[i].kind) {
            Some(Kind::Events) => &self.notify_display,
            _ => self.value(name),
        }
    }

    /// Current value of directive `name` (which must exist).
    pub fn value(&self, name: &str) -> &[u8] {
        find(name.as_bytes()).map(|i| self.values[i].as_slice()).unwrap_or(b"")
    }

    fn int(&self, name: &str) -> i64 {
        crate::util::number::parse_i64(self.value(name)).unwrap_or(0)
    }

    fn refresh(&mut self) {
        self.port = self.int("port") as u16;
        self.bind = String::from_utf8_lossy(self.value("bind"))
            .split_whitespace()
            .map(str::to_string)
            .collect();
        self.protected_mode = self.value("protected-mode") == b"yes";
        self.tcp_backlog = self.int("tcp-backlog").clamp(0, i32::MAX as i64) as i32;
        self.databases = self.int("databases") as usize;
        let pass = self.value("requirepass");
        self.requirepass = (!pass.is_empty()).then(|| pass.to_vec());
        self.maxclients = self.int("maxclients") as usize;
        self.timeout_secs = self.int("timeout") as u64;
        self.tcp_keepalive = self.int("tcp-keepalive") as u64;
        self.proto_max_bulk_len = self.int("proto-max-bulk-len");
        self.client_query_buffer_limit = self.int("client-query-buffer-limit") as usize;
        self.maxmemory = self.int("maxmemory") as u64;
        self.min_replicas_to_write = if self.int("min-replicas-max-lag") > 0 {
            self.int("min-replicas-to-write") as u64
        } else {
            0
        };
        let enable = |value: &[u8]| match value {
            b"yes" => Enable::Yes,
            b"local" => Enable::Local,
            _ => Enable::No,
        };
        self.enable_debug = enable(self.value("enable-debug-command"));
        self.enable_protected_configs = enable(self.value("enable-protected-configs"));
        // Redis clamps hz to 1..=500, and CONFIG GET shows the clamped value.
        self.hz = self.int("hz").clamp(1, 500) as u64;
        if let Some(i) = find(b"hz") {
            self.values[i] = self.hz.to_string().into_bytes();
        }
        // As Redis: a watchdog period under two cron periods is raised to
        // that, and CONFIG GET shows it.
        self.watchdog_period = self.int("watchdog-period") as u64;
        if self.watchdog_period > 0 && self.watchdog_period < 2 * (1000 / self.hz) {
            self.watchdog_period = 2 * (1000 / self.hz);
            if let Some(i) = find(b"watchdog-period") {
                self.values[i] = self.watchdog_period.to_string().into_bytes();
            }
        }
        self.slowlog_slower_than = self.int("slowlog-log-slower-than");
        self.slowlog_max_len = self.int("slowlog-max-len") as usize;
        self.latency_threshold_ms = self.int("latency-monitor-threshold") as u64;
        self.active_expire_effort = self.int("active-expire-effort") as usize;
        self.latency_tracking = self.value("latency-tracking") == b"yes";
        self.tracking_table_max_keys = usize::try_from(self.int("tracking-table-max-keys")).unwrap_or(usize::MAX);
        self.lazyfree_user_del = self.value("lazyfree-lazy-user-del") == b"yes";
        self.lazyfree_user_flush = self.value("lazyfree-lazy-user-flush") == b"yes";
        self.busy_reply_threshold = crate::util::number::parse_i64(self.value("busy-reply-threshold"))
            .unwrap_or(5000)
            .max(0) as u64;
        self.lazyfree_lazy_expire = self.value("lazyfree-lazy-expire") == b"yes";
        self.lazyfree_lazy_server_del = self.value("lazyfree-lazy-server-del") == b"yes";
        let size = |v: i64| usize::try_from(v).unwrap_or(0);
        self.hash_max_listpack_entries = size(self.int("hash-max-listpack-entries"));
        self.hash_max_listpack_value = size(self.int("hash-max-listpack-value"));
        self.zset_max_listpack_entries = size(self.int("zset-max-listpack-entries"));
        self.zset_max_listpack_value = size(self.int("zset-max-listpack-value"));
        self.set_max_intset_entries = size(self.int("set-max-intset-entries"));
        self.lfu = self
            .value("maxmemory-policy")
            .ends_with(b"-lfu")
            .then(|| crate::db::Lfu {
                log_factor: self.int("lfu-log-factor") as u32,
                decay_minutes: self.int("lfu-decay-time") as u32,
            });
        self.eviction = crate::evict::Settings {
            policy: crate::evict::Policy::parse(self.value("maxmemory-policy")),
            samples: self.int("maxmemory-samples").clamp(1, 64) as usize,
            tenacity: self.int("maxmemory-eviction-tenacity").clamp(0, 100) as u32,
            lazy: self.value("lazyfree-lazy-eviction") == b"yes",
        };
        self.share_ints = self.maxmemory == 0 || !self.eviction.policy.per_key_clock();
        self.notify_flags = crate::command::notify::parse_classes(self.value("notify-keyspace-events")).unwrap_or(0);
        self.notify_display = crate::command::notify::classes_string(self.notify_flags).into_bytes();
        self.client_output_limits = OutputLimits::parse(self.value("client-output-buffer-limit"));
        // Redis's getClientEvictionLimit: a percentage applies only with a
        // maxmemory; a limit under 128 KiB would leave no room to talk.
        let clients = self.value("maxmemory-clients");
        let limit = match clients.strip_suffix(b"%") {
            Some(percent) => {
                (self.maxmemory as f64 * crate::util::number::parse_i64(percent).unwrap_or(0) as f64 / 100.0) as usize
            }
            None => usize::try_from(parse_memory(clients).unwrap_or(0)).unwrap_or(0),
        };
        self.client_eviction_limit = if limit == 0 { 0 } else { limit.max(128 * 1024) };
    }

    pub fn loglevel(&self) -> log::LevelFilter {
        match self.value("loglevel") {
            b"debug" => log::LevelFilter::Trace,
            b"verbose" => log::LevelFilter::Debug,
            b"notice" => log::LevelFilter::Info,
            b"warning" => log::LevelFilter::Warn,
            _ => log::LevelFilter::Off,
        }
    }

    /// Loads configuration text (redis.conf syntax) on top of this config.
    /// `origin` names the source in error messages; `include` directives are
    /// resolved relative to the working directory, as Redis does.
    pub fn load_text(&mut self, text: &[u8], origin: &str, depth: usize) -> Result<(), StartupError> {
        for (n, raw) in text.split(|&c| c == b'\n').enumerate() {
            let line = raw.trim_ascii();
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let fail = |reason: String| StartupError {
                origin: origin.to_string(),
                line: n + 1,
                text: String::from_utf8_lossy(line).into_owned(),
                reason,
            };
            let Some(words) = split_args(line) else {
                return Err(fail("Unbalanced quotes in configuration line".into()));
            };
            let Some((name, args)) = words.split_first() else {
                continue;
            };
            if name.eq_ignore_ascii_case(b"include") {
                if args.len() != 1 || depth > 16 {
                    return Err(fail("Bad directive or wrong number of arguments".into()));
                }
                let path = String::from_utf8_lossy(&args[0]).into_owned();
                let included = std::fs::read(&path)
                    .map_err(|e| fail(format!("Fatal error, can't open config file '{path}': {e}")))?;
                self.load_text(&included, &path, depth + 1)?;
                continue;
            }
            let at = (origin.to_string(), n + 1, String::from_utf8_lossy(line).into_owned());
            if name.eq_ignore_ascii_case(b"rename-command") && args.len() == 2 {
                self.renames.push((args[0].clone(), args[1].clone()));
                if let Err(e) = crate::command::table::get().renamed(&self.renames) {
                    self.renames.pop();
                    return Err(fail(e.into()));
                }
                continue;
            }
            if name.eq_ignore_ascii_case(b"save") {
                // The first `save` line replaces the default points, the
                // next ones add to them, `save ""` empties them.
                let mut all: Vec<Vec<u8>> = Vec::new();
                if self.save_read && !(args.len() == 1 && args[0].is_empty()) {
                    all.extend(
                        self.value("save")
                            .split(|&c| c == b' ')
                            .filter(|w| !w.is_empty())
                            .map(<[u8]>::to_vec),
                    );
                }
                all.extend_from_slice(args);
                self.apply_at(name, &all, Some(at)).map_err(|e| fail(e.message))?;
                self.save_read = true;
                continue;
            }
            self.apply_at(name, args, Some(at)).map_err(|e| fail(e.message))?;
        }
        Ok(())
    }

    /// Loads a config file.
    /// Loads the start-up configuration as redis-server does: the file's
    /// text, then what came on stdin, then a newline and the command
    /// line's options (see the binary), read as one text so error line
    /// numbers are Redis's. The file is remembered by its absolute path,
    /// so CONFIG REWRITE finds it after `dir` changes the directory.
    pub fn load_startup(
        &mut self,
        file: Option<&Path>,
        stdin: Option<&[u8]>,
        options: &[u8],
    ) -> Result<(), StartupError> {
        let mut text = Vec::new();
        if let Some(path) = file {
            text = std::fs::read(path).map_err(|e| StartupError {
                origin: path.display().to_string(),
                line: 0,
                text: String::new(),
                reason: format!("Fatal error, can't open config file '{}': {e}", path.display()),
            })?;
            self.file = Some(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        }
        text.extend_from_slice(stdin.unwrap_or_default());
        if !options.is_empty() {
            text.push(b'\n');
            text.extend_from_slice(options);
        }
        let origin = file.map_or_else(|| "the command line".to_string(), |p| p.display().to_string());
        self.load_text(&text, &origin, 0)
    }

    pub fn load_file(&mut self, path: &Path) -> Result<(), StartupError> {
        let text = std::fs::read(path).map_err(|e| StartupError {
            origin: path.display().to_string(),
            line: 0,
            text: String::new(),
            reason: format!("Fatal error, can't open config file '{}': {e}", path.display()),
        })?;
        self.file = Some(path.to_path_buf());
        self.load_text(&text, &path.display().to_string(), 0)
    }

    /// Writes the current configuration back to its file (CONFIG REWRITE):
    /// lines of known directives are replaced in place, directives that
    /// differ from their default and have no line are appended, comments
    /// and unknown lines are kept.
    pub fn rewrite(&self) -> Result<(), String> {
        let Some(path) = &self.file else {
            return Err("The server is running without a config file".into());
        };
        let old = std::fs::read(path).unwrap_or_default();
        // Lines written so far per directive: the n-th old line of a
        // directive becomes its n-th new line, or goes if it has no more.
        let mut written = vec![0; DIRECTIVES.len()];
        let mut out = Vec::new();
        for raw in old.split(|&c| c == b'\n') {
            let line = raw.trim_ascii();
            let name = split_args(line).and_then(|w| w.first().cloned());
            match name.and_then(|n| find(&n)).filter(|_| !line.starts_with(b"#")) {
                Some(i) => {
                    if let Some((text, _)) = self.rewrite_lines(i).get(written[i]) {
                        out.extend_from_slice(text);
                    }
                    written[i] += 1;
                }
                None => {
                    out.extend_from_slice(raw);
                    out.push(b'\n');
                }
            }
        }
        while out.ends_with(b"\n\n") {
            out.pop();
        }
        for (i, &done) in written.iter().enumerate() {
            for (text, changed) in self.rewrite_lines(i).into_iter().skip(done) {
                if changed {
                    out.extend_from_slice(&text);
                }
            }
        }
        std::fs::write(path, out).map_err(|e| format!("Rewriting config file: {e}"))
    }

    /// The lines CONFIG REWRITE writes for directive `i`, each with whether
    /// it differs from the default (a line that does not is only written
    /// in place of an existing one).
    fn rewrite_lines(&self, i: usize) -> Vec<(Vec<u8>, bool)> {
        let d = &DIRECTIVES[i];
        if let Kind::OutputLimits = d.kind {
            return self.client_output_limits.rewrite_lines(d.name);
        }
        let mut line = Vec::new();
        self.write_line(&mut line, i);
        vec![(line, self.values[i] != d.default.as_bytes())]
    }

    fn write_line(&self, out: &mut Vec<u8>, i: usize) {
        let d = &DIRECTIVES[i];
        out.extend_from_slice(d.name.as_bytes());
        let value = match d.kind {
            Kind::Events => &self.notify_display,
            _ => &self.values[i],
        };
        let words: Vec<&[u8]> = match d.kind {
            Kind::Words if !value.is_empty() => value.split(|&c| c == b' ').collect(),
            _ => vec![value.as_slice()],
        };
        for w in words {
            out.push(b' ');
            // Redis writes the event classes quoted (`sdscatrepr`) always.
            let plain = !matches!(d.kind, Kind::Events)
                && !w.is_empty()
                && w.iter().all(|c| c.is_ascii_graphic() && !b"\"'\\".contains(c));
            if plain {
                out.extend_from_slice(w);
            } else {
                out.push(b'"');
                for &c in w {
                    match c {
                        b'"' | b'\\' => out.extend_from_slice(&[b'\\', c]),
                        c if c.is_ascii_graphic() || c == b' ' => out.push(c),
                        c => out.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
                    }
                }
                out.push(b'"');
            }
        }
        out.push(b'\n');
    }
}

/// A start-up configuration error, printed as Redis prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupError {
    pub origin: String,
    pub line: usize,
    pub text: String,
    pub reason: String,
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "\n*** FATAL CONFIG FILE ERROR (loopkv {}) ***",
            env!("CARGO_PKG_VERSION")
        )?;
        if self.line == 0 {
            return write!(f, "{}", self.reason);
        }
        writeln!(f, "Reading the configuration file, at line {}", self.line)?;
        writeln!(f, ">>> '{}'", self.text)?;
        write!(f, "{}", self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_get() {
        let c = Config::default();
        assert_eq!(c.port, 6379);
        assert_eq!(c.databases, 16);
        assert_eq!(c.get(b"maxmemory"), vec![("maxmemory", &b"0"[..])]);
        assert_eq!(c.get(b"save"), vec![("save", &b"3600 1 300 100 60 10000"[..])]);
        let names: Vec<_> = c.get(b"lazyfree-*").into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 5);
    }

    #[test]
    fn file_syntax() {
        let mut c = Config::default();
        c.load_text(
            b"# comment\nport 7000\n  timeout \"30\"\nrequirepass 'se cret'\nclient-query-buffer-limit 1mb\n",
            "t",
            0,
        )
        .unwrap();
        assert_eq!(c.port, 7000);
        assert_eq!(c.timeout_secs, 30);
        assert_eq!(c.requirepass.as_deref(), Some(&b"se cret"[..]));
        assert_eq!(c.client_query_buffer_limit, 1024 * 1024);
    }

    #[test]
    fn errors_name_the_line() {
        let mut c = Config::default();
        let e = c.load_text(b"port 1\nbogus 1\n", "f.conf", 0).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.reason, "Bad directive or wrong number of arguments");
        let e = c.load_text(b"port abc\n", "f.conf", 0).unwrap_err();
        assert_eq!(e.reason, "argument couldn't be parsed into an integer");
        // Unsupported values are refused once loading is complete, naming
        // where they were set; a later setting overrides an earlier one.
        c.load_text(b"port 1\ncluster-enabled yes\n", "f.conf", 0).unwrap();
        let e = c.check_supported().unwrap_err();
        assert!(e.reason.contains("not supported yet"), "{}", e.reason);
        assert_eq!((e.line, e.text.as_str()), (2, "cluster-enabled yes"));
        c.load_text(b"io-threads 4\n", "f.conf", 0).unwrap();
        c.apply(b"cluster-enabled", &[b"no".to_vec()]).unwrap();
        let e = c.check_supported().unwrap_err();
        assert!(e.reason.contains("'io-threads 4' is not supported yet"), "{}", e.reason);
        c.load_text(b"io-threads 1\nappendonly no\n", "f.conf", 0).unwrap();
        c.check_supported().unwrap();
        // Save points are accepted (with a warning at start-up), and checked.
        c.load_text(b"save 900 1 300 10\n", "f.conf", 0).unwrap();
        assert_eq!(c.value("save"), b"900 1 300 10");
        // Later lines add points (a config file's then the command
        // line's); an empty one clears them.
        c.load_text(b"save 100 100\n", "f.conf", 0).unwrap();
        assert_eq!(c.value("save"), b"900 1 300 10 100 100");
        c.load_text(b"save \"\"\nsave 5 5\n", "f.conf", 0).unwrap();
        assert_eq!(c.value("save"), b"5 5");
        c.load_text(b"save \"\"\n", "f.conf", 0).unwrap();
        assert_eq!(c.value("save"), b"");
        // rename-command: Redis's errors, checked against earlier renames.
        c.load_text(
            b"rename-command flushdb badger\nrename-command CONFIG \"\"\n",
            "f.conf",
            0,
        )
        .unwrap();
        let e = c.load_text(b"rename-command flushdb x\n", "f.conf", 0).unwrap_err();
        assert_eq!(e.reason, "No such command in rename-command");
        let e = c.load_text(b"rename-command get BADGER\n", "f.conf", 0).unwrap_err();
        assert_eq!(e.reason, "Target command name already exists");
        assert_eq!(c.renames.len(), 2);
        let e = c.load_text(b"save 900\n", "f.conf", 0).unwrap_err();
        assert_eq!(e.reason, "Invalid save parameters");
        c.load_text(b"maxmemory 1mb\nmaxmemory-policy allkeys-lru\n", "f.conf", 0)
            .unwrap();
        assert_eq!(c.eviction.policy, crate::evict::Policy::AllKeysLru);
        assert_eq!(c.maxmemory, 1 << 20);
    }

    #[test]
    fn aliases_and_hidden() {
        let mut c = Config::default();
        // Redis 7.0's deprecated names set the same directive.
        c.set(b"hash-max-ziplist-entries", b"7").unwrap();
        assert_eq!(c.value("hash-max-listpack-entries"), b"7");
        c.apply(b"list-max-ziplist-size", &[b"4".to_vec()]).unwrap();
        assert_eq!(c.value("list-max-listpack-size"), b"4");
        c.set(b"SLAVE-READ-ONLY", b"no").unwrap();
        assert_eq!(c.value("replica-read-only"), b"no");
        // A pattern lists both names when both match; hidden ones only
        // answer to their exact name.
        let names: Vec<_> = c.get(b"*ziplist*").into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "hash-max-ziplist-entries",
                "hash-max-ziplist-value",
                "zset-max-ziplist-entries",
                "zset-max-ziplist-value",
                "list-max-ziplist-size"
            ]
        );
        assert_eq!(c.get(b"*of"), vec![("replicaof", &b""[..]), ("slaveof", &b""[..])]);
        assert!(c.get(b"*").iter().all(|(n, _)| *n != "key-load-delay"));
        assert_eq!(Config::canonical_name(b"key-load-delay"), Some("key-load-delay"));
        // Percentages and shutdown flags.
        assert_eq!(
            c.set(b"maxmemory-clients", b"200%").unwrap_err().message,
            "percentage argument must be less or equal to 100"
        );
        c.set(b"shutdown-on-sigterm", b"nosave now").unwrap();
        assert_eq!(c.value("shutdown-on-sigterm"), b"nosave now");
        // Shown as redis-server 7.0.15 shows them.
        for (set, shown) in [
            ("force now nosave", "nosave now force"),
            ("default save", "save"),
            ("now now", "now"),
        ] {
            c.set(b"shutdown-on-sigterm", set.as_bytes()).unwrap();
            assert_eq!(c.value("shutdown-on-sigterm"), shown.as_bytes());
        }
        assert!(c.set(b"shutdown-on-sigterm", b"later").is_err());
    }

    #[test]
    fn output_limits() {
        let mut c = Config::default();
        let pubsub = c.client_output_limits.class(ClientClass::Pubsub);
        assert_eq!((pubsub.hard, pubsub.soft, pubsub.soft_secs), (32 << 20, 8 << 20, 60));
        // A partial value keeps the other classes; memory units are read.
        c.set(b"client-output-buffer-limit", b"normal 1mb 2k 5").unwrap();
        assert_eq!(
            c.value("client-output-buffer-limit"),
            b"normal 1048576 2000 5 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        );
        let normal = c.client_output_limits.class(ClientClass::Normal);
        assert_eq!((normal.hard, normal.soft, normal.soft_secs), (1 << 20, 2000, 5));
        // File lines accumulate; one argument is split again.
        c.apply(b"client-output-buffer-limit", &[b"replica 1gb 0 0".to_vec()])
            .unwrap();
        c.apply(
            b"client-output-buffer-limit",
            &[b"pubsub".to_vec(), b"0".to_vec(), b"0".to_vec(), b"0".to_vec()],
        )
        .unwrap();
        assert_eq!(
            c.value("client-output-buffer-limit"),
            b"normal 1048576 2000 5 slave 1073741824 0 0 pubsub 0 0 0"
        );
        let e = c
            .set(b"client-output-buffer-limit", b"normal 1 1 1 master 1 1 1")
            .unwrap_err();
        assert_eq!(
            e.message,
            "Invalid client class specified in buffer limit configuration."
        );
        assert_eq!(
            c.value("client-output-buffer-limit"),
            b"normal 1048576 2000 5 slave 1073741824 0 0 pubsub 0 0 0"
        );
        assert_eq!(soft_seconds(b""), Some(0));
        assert_eq!(soft_seconds(b" +7"), Some(7));
        assert_eq!(soft_seconds(b"7 "), None);
        assert_eq!(soft_seconds(b"-1"), None);
        assert_eq!(soft_seconds(b"4294967296"), Some(0));
        assert_eq!(soft_seconds(b"2147483648"), None);
        assert_eq!(soft_seconds(b"-99999999999999999999"), Some(0));
        assert_eq!(format_memory(0), "0");
        assert_eq!(format_memory(3 << 30), "3gb");
        assert_eq!(format_memory(1025), "1025");
        assert_eq!(format_memory(u64::MAX), "-1");
    }

    #[test]
    fn set_checks_values() {
        let mut c = Config::default();
        c.set(b"timeout", b"5").unwrap();
        assert_eq!(c.timeout_secs, 5);
        assert_eq!(
            c.set(b"timeout", b"x").unwrap_err().message,
            "argument couldn't be parsed into an integer"
        );
        assert_eq!(
            c.set(b"databases", b"1").unwrap_err().message,
            "can't set immutable config"
        );
        assert_eq!(c.set(b"maxmemory-policy", b"ALLKEYS-LRU"), Ok(()));
        assert_eq!(c.value("maxmemory-policy"), b"allkeys-lru");
        assert_eq!(parse_memory(b"1GB"), Some(1 << 30));
        assert_eq!(parse_memory(b"10k"), Some(10_000));
        assert_eq!(parse_memory(b"x"), None);
        assert_eq!(parse_memory(b"-1"), None);
        assert_eq!(parse_memory(b""), Some(0));
        assert_eq!(parse_memory(b"99999999999999999999"), Some(-1));
        assert_eq!(
            c.set(b"proto-max-bulk-len", b"").unwrap_err().message,
            "argument must be between 1048576 and 9223372036854775807 inclusive"
        );
    }
}
