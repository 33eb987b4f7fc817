//! Server commands: INFO, CONFIG, COMMAND, TIME, LASTSAVE, SHUTDOWN,
//! MEMORY, SLOWLOG and FUNCTION (Redis's `server.c`, `config.c`,
//! `slowlog.c` user side; DEBUG is `command::debug`, LATENCY
//! `command::latency`).

use std::fmt::Write as _;

use super::docs;
use super::{Args, Ctx, arg_i64};
use crate::config::{Config, Enable};
use crate::server::state::{CmdStat, Stats};

/// Writes a HELP reply: a header line, `lines`, and the standard HELP
/// entry, each as a status reply (Redis's `addReplyHelp`).
pub fn reply_help(ctx: &mut Ctx, command: &str, lines: &[&str]) {
    ctx.reply.array(lines.len() + 3);
    let header = format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    ctx.reply.simple(header.as_bytes());
    for line in lines {
        ctx.reply.simple(line.as_bytes());
    }
    ctx.reply.simple(b"HELP");
    ctx.reply.simple(b"    Prints this help.");
}

/// Redis's `addReplySubcommandSyntaxError`.
pub fn subcommand_syntax_error(ctx: &mut Ctx, args: &Args) {
    ctx.reply.error_fmt(format_args!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        String::from_utf8_lossy(&args[1][..args[1].len().min(128)]),
        String::from_utf8_lossy(&args[0]).to_ascii_uppercase()
    ));
}

// ---- INFO ------------------------------------------------------------------------------

/// Sections of `INFO` / `INFO default`, in Redis's order.
const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
];
/// Sections of `INFO all` / `INFO everything`, in Redis's order.
const ALL_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "commandstats",
    "errorstats",
    "latencystats",
    "cluster",
    "keyspace",
];

/// Resident set size in bytes, from /proc (0 where unavailable).
pub fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .map(|pages| pages * 4096)
        .unwrap_or(0)
}

/// Physical memory of the machine, from /proc (0 where unavailable).
fn total_system_memory() -> u64 {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// (user, system, children user, children system) CPU seconds of the
/// process (`/proc/self/stat`) or of the calling thread, which runs the
/// event loop (`/proc/thread-self/stat`).
fn cpu_times(path: &str) -> [f64; 4] {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
    // After the command name: state is field 0, utime 11, stime 12, cutime 13, cstime 14.
    [tick(11), tick(12), tick(13), tick(14)]
}

/// `uname -s -r -m`, as Redis prints it in the `os` field.
fn os_name() -> String {
    let read = |p: &str| std::fs::read_to_string(p).map(|s| s.trim().to_string()).ok();
    match (read("/proc/sys/kernel/ostype"), read("/proc/sys/kernel/osrelease")) {
        (Some(kind), Some(release)) => format!("{kind} {release} {}", std::env::consts::ARCH),
        _ => format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

/// Redis's `bytesToHuman`.
fn human_bytes(n: u64) -> String {
    const UNITS: [(f64, &str); 5] = [
        (1024.0, "K"),
        (1024.0 * 1024.0, "M"),
        (1024.0 * 1024.0 * 1024.0, "G"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
    ];
    if n < 1024 {
        return format!("{n}B");
    }
    let n = n as f64;
    let (div, unit) = UNITS.iter().rev().find(|(d, _)| n >= *d).copied().unwrap_or(UNITS[0]);
    format!("{:.2}{unit}", n / div)
}

/// Writes `name:value` lines.
struct Fields<'a>(&'a mut String);

impl Fields<'_> {
    fn f(&mut self, name: &str, value: impl std::fmt::Display) {
        let _ = write!(self.0, "{name}:{value}\r\n");
    }
}

/// Appends one INFO section, fields named and ordered as in Redis 7.0.
/// Fields for features loopkv does not have carry their idle values.
/// loopkv has no allocator statistics: memory figures come from the
/// process's resident set size and the keyspace's own estimate.
fn info_section(ctx: &Ctx, name: &str, out: &mut String) {
    let st = &*ctx.st;
    let now = ctx.now;
    let uptime = now.saturating_sub(st.started_ms) / 1000;
    let title = |out: &mut String, t: &str| {
        let _ = write!(out, "# {t}\r\n");
    };
    let mut o = Fields(out);
    match name {
        "server" => {
            title(o.0, "Server");
            o.f("redis_version", crate::REDIS_VERSION);
            o.f("redis_git_sha1", "00000000");
            o.f("redis_git_dirty", 0);
            o.f("redis_build_id", "0");
            o.f("loopkv_version", env!("CARGO_PKG_VERSION"));
            o.f("redis_mode", "standalone");
            o.f("os", os_name());
            o.f("arch_bits", usize::BITS);
            o.f("monotonic_clock", "POSIX clock_gettime");
            o.f(
                "multiplexing_api",
                if cfg!(target_os = "linux") { "epoll" } else { "kqueue" },
            );
            o.f("atomicvar_api", "c11-builtin");
            o.f("gcc_version", "0.0.0");
            o.f("process_id", std::process::id());
            o.f("process_supervised", "no");
            o.f("run_id", &st.run_id);
            o.f("tcp_port", st.port);
            o.f("server_time_usec", now * 1000);
            o.f("uptime_in_seconds", uptime);
            o.f("uptime_in_days", uptime / 86400);
            o.f("hz", st.config.hz);
            o.f("configured_hz", st.config.hz);
            o.f("lru_clock", crate::db::lru_clock(now));
            o.f(
                "executable",
                std::env::current_exe()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            );
            o.f(
                "config_file",
                st.config
                    .file
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            );
            o.f("io_threads_active", 0);
            if let Some(ms) = crate::server::shutdown::remaining_ms(ctx.st, ctx.now) {
                o.f("shutdown_in_milliseconds", ms);
            }
        }
        "clients" => {
            title(o.0, "Clients");
            let max_in = ctx.clients.iter().map(|(_, c)| c.query_len()).max().unwrap_or(0);
            let max_out = ctx.clients.iter().map(|(_, c)| c.reply.pending()).max().unwrap_or(0);
            // Replicas are not counted (they are `connected_slaves`).
            o.f(
                "connected_clients",
                ctx.clients.len().saturating_sub(st.repl.replicas.len()),
            );
            o.f("cluster_connections", 0);
            o.f("maxclients", st.config.maxclients);
            o.f("client_recent_max_input_buffer", max_in);
            o.f("client_recent_max_output_buffer", max_out);
            // Clients held by CLIENT PAUSE count as blocked, as in Redis.
            let blocked = ctx.clients.iter().filter(|(_, c)| c.blocked.is_some()).count();
            o.f("blocked_clients", blocked + st.pause.held.len());
            o.f("tracking_clients", st.tracking.clients());
            let timed = ctx
                .clients
                .iter()
                .filter(|(_, c)| c.blocked.as_ref().is_some_and(|b| b.has_timeout()))
                .count();
            o.f("clients_in_timeout_table", timed);
        }
        "memory" => {
            title(o.0, "Memory");
            let m = Overhead::measure(st, ctx.clients);
            let rss = m.rss;
            let clients = m.clients_normal;
            // Allocator figures exist only with the binary's counting
            // allocator; without it they are left out, not guessed.
            if crate::memory::used().is_some() {
                let used = m.used;
                o.f("used_memory", used);
                o.f("used_memory_human", human_bytes(used));
                o.f("used_memory_rss", rss);
                o.f("used_memory_rss_human", human_bytes(rss));
                o.f("used_memory_peak", m.peak);
                o.f("used_memory_peak_human", human_bytes(m.peak));
                o.f("used_memory_peak_perc", format!("{:.2}%", m.peak_perc()));
                o.f("used_memory_overhead", m.total);
                o.f("used_memory_startup", m.startup);
                o.f("used_memory_dataset", m.dataset());
                o.f("used_memory_dataset_perc", format!("{:.2}%", m.dataset_perc()));
                let (allocated, active, resident) = m.allocator();
                o.f("allocator_allocated", allocated);
                o.f("allocator_active", active);
                o.f("allocator_resident", resident);
            } else {
                o.f("used_memory_rss", rss);
                o.f("used_memory_rss_human", human_bytes(rss));
            }
            let system = total_system_memory();
            o.f("total_system_memory", system);
            o.f("total_system_memory_human", human_bytes(system));
            let (lua, scripts, scripts_bytes) = crate::script::info();
            let (libraries, functions, functions_vm) = crate::script::function::counts();
            // The library and function records, as Redis's estimate counts them.
            let functions_bytes = libraries * 96 + functions * 104;
            o.f("used_memory_lua", lua);
            o.f("used_memory_vm_eval", lua);
            o.f("used_memory_lua_human", human_bytes(lua as u64));
            o.f("used_memory_scripts_eval", scripts_bytes);
            o.f("number_of_cached_scripts", scripts);
            o.f("number_of_functions", functions);
            o.f("number_of_libraries", libraries);
            o.f("used_memory_vm_functions", functions_vm);
            o.f("used_memory_vm_total", lua + functions_vm);
            o.f("used_memory_vm_total_human", human_bytes((lua + functions_vm) as u64));
            o.f("used_memory_functions", functions_bytes);
            o.f("used_memory_scripts", scripts_bytes + functions_bytes);
            o.f(
                "used_memory_scripts_human",
                human_bytes((scripts_bytes + functions_bytes) as u64),
            );
            o.f("maxmemory", st.config.maxmemory);
            o.f("maxmemory_human", human_bytes(st.config.maxmemory));
            o.f(
                "maxmemory_policy",
                String::from_utf8_lossy(st.config.value("maxmemory-policy")),
            );
            if let Some(used) = crate::memory::used().filter(|&u| u > 0) {
                let (allocated, active, resident) = m.allocator();
                o.f("allocator_frag_ratio", format!("{:.2}", ratio(active, allocated)));
                o.f("allocator_frag_bytes", active as i64 - allocated as i64);
                o.f("allocator_rss_ratio", format!("{:.2}", ratio(resident, active)));
                o.f("allocator_rss_bytes", resident as i64 - active as i64);
                o.f("rss_overhead_ratio", format!("{:.2}", ratio(rss, resident)));
                o.f("rss_overhead_bytes", rss as i64 - resident as i64);
                o.f("mem_fragmentation_ratio", format!("{:.2}", ratio(rss, used as u64)));
                o.f("mem_fragmentation_bytes", rss as i64 - used as i64);
            }
            o.f("mem_not_counted_for_evict", crate::evict::not_counted(st));
            let (backlog, total, replicas) = crate::repl::buffer_memory(st);
            o.f("mem_replication_backlog", backlog);
            o.f("mem_total_replication_buffers", total);
            o.f("mem_clients_slaves", replicas);
            o.f("mem_clients_normal", clients);
            o.f("mem_cluster_links", 0);
            o.f("mem_aof_buffer", st.aof.buf.capacity());
            o.f("mem_allocator", "libc");
            o.f("active_defrag_running", 0);
            o.f(
                "lazyfree_pending_objects",
                crate::lazyfree::PENDING.load(std::sync::atomic::Ordering::Relaxed),
            );
            o.f(
                "lazyfreed_objects",
                crate::lazyfree::FREED.load(std::sync::atomic::Ordering::Relaxed),
            );
        }
        "persistence" => {
            title(o.0, "Persistence");
            o.f("loading", u8::from(st.loading_blocks()));
            o.f("async_loading", u8::from(st.async_loading()));
            for field in ["current_cow_peak", "current_cow_size", "current_cow_size_age"] {
                o.f(field, 0);
            }
            let bg = st.rdb.bgsave.as_ref();
            let now_secs = crate::server::now_ms() / 1000;
            o.f("current_fork_perc", "0.00");
            o.f("current_save_keys_processed", bg.map_or(0, |b| b.keys_done));
            o.f("current_save_keys_total", bg.map_or(0, |b| b.keys_total));
            o.f("rdb_changes_since_last_save", st.dirty);
            o.f("rdb_bgsave_in_progress", u8::from(bg.is_some()));
            o.f("rdb_last_save_time", st.lastsave_secs);
            o.f(
                "rdb_last_bgsave_status",
                if st.rdb.last_bgsave_failed { "err" } else { "ok" },
            );
            o.f(
                "rdb_last_bgsave_time_sec",
                st.rdb.last_bgsave_secs.map_or(-1, |s| s as i64),
            );
            o.f(
                "rdb_current_bgsave_time_sec",
                bg.map_or(-1, |b| now_secs.saturating_sub(b.start_ms / 1000) as i64),
            );
            o.f("rdb_saves", st.rdb.saves);
            o.f("rdb_last_cow_size", 0);
            o.f("rdb_last_load_keys_expired", st.rdb.last_load_keys_expired);
            o.f("rdb_last_load_keys_loaded", st.rdb.last_load_keys_loaded);
            crate::persist::aof::info(st, &mut |name, value| o.f(name, value));
            if let Some(l) = &st.loading {
                // Redis's progress figures, the ETA from the rate so far;
                // a transfer of unknown size measured against the
                // `used-mem` its snapshot recorded.
                let (total, done, used_mem) = (l.total_bytes, l.loaded_bytes(), l.rdb_used_mem());
                let (perc, remaining) = if total > 0 {
                    (done as f64 * 100.0 / total as f64, total.saturating_sub(done))
                } else if used_mem > 0 {
                    let perc = (done as f64 * 100.0 / used_mem as f64).min(99.99);
                    (perc, used_mem.saturating_sub(done).max(1))
                } else {
                    (0.0, 1)
                };
                let elapsed = (crate::server::now_ms() / 1000).saturating_sub(l.start_secs);
                let eta = if elapsed == 0 {
                    1
                } else {
                    elapsed.saturating_mul(remaining) / (done + 1)
                };
                o.f("loading_start_time", l.start_secs);
                o.f("loading_total_bytes", total);
                o.f("loading_rdb_used_mem", used_mem);
                o.f("loading_loaded_bytes", done);
                o.f("loading_loaded_perc", format!("{perc:.2}"));
                o.f("loading_eta_seconds", eta);
            }
        }
        "stats" => {
            title(o.0, "Stats");
            let s: &Stats = &st.stats;
            o.f("total_connections_received", s.total_connections);
            o.f("total_commands_processed", s.total_commands);
            o.f("instantaneous_ops_per_sec", st.instant[0].per_second() as u64);
            o.f("total_net_input_bytes", s.net_input_bytes);
            o.f("total_net_output_bytes", s.net_output_bytes);
            o.f("total_net_repl_input_bytes", 0);
            o.f("total_net_repl_output_bytes", 0);
            o.f(
                "instantaneous_input_kbps",
                format!("{:.2}", st.instant[1].per_second() / 1024.0),
            );
            o.f(
                "instantaneous_output_kbps",
                format!("{:.2}", st.instant[2].per_second() / 1024.0),
            );
            o.f("instantaneous_input_repl_kbps", "0.00");
            o.f("instantaneous_output_repl_kbps", "0.00");
            o.f("rejected_connections", s.rejected_connections);
            o.f("sync_full", st.repl.sync_full);
            o.f("sync_partial_ok", st.repl.sync_partial_ok);
            o.f("sync_partial_err", st.repl.sync_partial_err);
            o.f("expired_keys", st.expired_keys());
            o.f("expired_stale_perc", "0.00");
            o.f("expired_time_cap_reached_count", 0);
            o.f("expire_cycle_cpu_milliseconds", 0);
            o.f("evicted_keys", st.evictor.evicted_keys);
            o.f("evicted_clients", st.stats.evicted_clients);
            let (total, current) = st.evictor.exceeded_ms();
            o.f("total_eviction_exceeded_time", total);
            o.f("current_eviction_exceeded_time", current);
            o.f("keyspace_hits", s.keyspace_hits);
            o.f("keyspace_misses", s.keyspace_misses);
            o.f("pubsub_channels", st.pubsub.channels());
            o.f("pubsub_patterns", st.pubsub.patterns());
            o.f("pubsubshard_channels", st.pubsub.shard_channels());
            for field in [
                "latest_fork_usec",
                "total_forks",
                "migrate_cached_sockets",
                "slave_expires_tracked_keys",
                "active_defrag_hits",
                "active_defrag_misses",
                "active_defrag_key_hits",
                "active_defrag_key_misses",
                "total_active_defrag_time",
                "current_active_defrag_time",
            ] {
                o.f(field, 0);
            }
            o.f("tracking_total_keys", st.tracking.total_keys());
            o.f("tracking_total_items", st.tracking.total_items());
            o.f("tracking_total_prefixes", st.tracking.total_prefixes());
            o.f("unexpected_error_replies", s.unexpected_error_replies);
            o.f("total_error_replies", s.total_error_replies);
            o.f("dump_payload_sanitizations", 0);
            o.f("total_reads_processed", s.total_reads_processed);
            o.f("total_writes_processed", s.total_writes_processed);
            for field in [
                "io_threaded_reads_processed",
                "io_threaded_writes_processed",
                "reply_buffer_shrinks",
                "reply_buffer_expands",
            ] {
                o.f(field, 0);
            }
            // Not in Redis 7.0 (added in 7.2 under these names): clients
            // closed for passing client-query-buffer-limit or
            // client-output-buffer-limit.
            o.f(
                "client_query_buffer_limit_disconnections",
                s.client_qbuf_limit_disconnections,
            );
            o.f(
                "client_output_buffer_limit_disconnections",
                s.client_obuf_limit_disconnections,
            );
        }
        "replication" => {
            title(o.0, "Replication");
            crate::repl::info(st, ctx.clients, &mut |name, value| o.f(name, value));
        }
        "cpu" => {
            title(o.0, "CPU");
            let [u, s, cu, cs] = cpu_times("/proc/self/stat");
            let [tu, ts, _, _] = cpu_times("/proc/thread-self/stat");
            o.f("used_cpu_sys", format!("{s:.6}"));
            o.f("used_cpu_user", format!("{u:.6}"));
            o.f("used_cpu_sys_children", format!("{cs:.6}"));
            o.f("used_cpu_user_children", format!("{cu:.6}"));
            o.f("used_cpu_sys_main_thread", format!("{ts:.6}"));
            o.f("used_cpu_user_main_thread", format!("{tu:.6}"));
        }
        "modules" => title(o.0, "Modules"),
        "commandstats" => {
            title(o.0, "Commandstats");
            let table = st.commands;
            for idx in 0..table.len() {
                let CmdStat {
                    calls,
                    usec,
                    rejected,
                    failed,
                } = st.cmdstats[idx];
                if calls == 0 && rejected == 0 && failed == 0 {
                    continue;
                }
                let per = if calls > 0 { usec as f64 / calls as f64 } else { 0.0 };
                o.f(
                    &format!("cmdstat_{}", table.full_name(idx)),
                    format!("calls={calls},usec={usec},usec_per_call={per:.2},rejected_calls={rejected},failed_calls={failed}"),
                );
            }
        }
        "errorstats" => {
            title(o.0, "Errorstats");
            let mut errors: Vec<_> = st.errorstats.iter().collect();
            errors.sort();
            for (code, count) in errors {
                o.f(
                    &format!("errorstat_{}", String::from_utf8_lossy(code)),
                    format!("count={count}"),
                );
            }
        }
        "latencystats" => {
            title(o.0, "Latencystats");
            if st.config.value("latency-tracking") != b"yes" {
                return;
            }
            let percentiles: Vec<f64> = String::from_utf8_lossy(st.config.value("latency-tracking-info-percentiles"))
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect();
            let table = st.commands;
            for idx in 0..table.len() {
                let Some(hist) = &st.latency_hdr[idx] else { continue };
                let values: Vec<String> = percentiles
                    .iter()
                    .map(|&p| format!("p{p}={:.3}", hist.value_at_percentile(p) as f64 / 1000.0))
                    .collect();
                o.f(
                    &format!("latency_percentiles_usec_{}", table.full_name(idx)),
                    values.join(","),
                );
            }
        }
        "cluster" => {
            title(o.0, "Cluster");
            o.f("cluster_enabled", 0);
        }
        "keyspace" => {
            title(o.0, "Keyspace");
            for (i, db) in st.dbs.iter().enumerate() {
                if !db.is_empty() {
                    o.f(
                        &format!("db{i}"),
                        format!("keys={},expires={},avg_ttl=0", db.len(), db.expires_len()),
                    );
                }
            }
        }
        _ => {}
    }
}

/// `INFO [section [section ...]]`: the named sections (any case; `default`,
/// `all` and `everything` name groups; unknown names add nothing), each
/// once, in Redis's order, separated by blank lines.
pub fn info(ctx: &mut Ctx, args: &Args) {
    let mut wanted: Vec<&str> = Vec::new();
    if args.len() == 1 {
        wanted.extend(DEFAULT_SECTIONS);
    }
    for arg in args.iter().skip(1) {
        let lower = String::from_utf8_lossy(arg).to_ascii_lowercase();
        match lower.as_str() {
            "default" => wanted.extend(DEFAULT_SECTIONS),
            "all" | "everything" => wanted.extend(ALL_SECTIONS),
            other => {
                if let Some(s) = ALL_SECTIONS.iter().find(|s| **s == other) {
                    wanted.push(s);
                }
            }
        }
    }
    let mut out = String::new();
    let mut first = true;
    for section in ALL_SECTIONS {
        if !wanted.contains(section) {
            continue;
        }
        if !first {
            out.push_str("\r\n");
        }
        first = false;
        info_section(ctx, section, &mut out);
    }
    ctx.reply.verbatim(b"txt", out.as_bytes());
}

// ---- CONFIG ------------------------------------------------------------------------------

/// `CONFIG GET parameter [parameter ...]`: a plain name is looked up and
/// answered under the name as given; a glob pattern (`*`, `?`, `[`) matches
/// every directive. Each directive appears once. Redis answers in the
/// order of a hash table, so no order is promised.
pub fn config_get(ctx: &mut Ctx, args: &Args) {
    let mut pairs: Vec<(Vec<u8>, &'static str, Vec<u8>)> = Vec::new();
    let seen = |pairs: &[(Vec<u8>, &'static str, Vec<u8>)], name: &[u8], canonical: &str| {
        pairs
            .iter()
            .any(|(n, c, _)| *c == canonical || n.eq_ignore_ascii_case(name))
    };
    for pattern in args.iter().skip(2) {
        if !pattern.iter().any(|c| matches!(c, b'*' | b'?' | b'[')) {
            if let Some(canonical) = Config::canonical_name(pattern)
                && !seen(&pairs, pattern, canonical)
            {
                pairs.push((pattern.to_vec(), canonical, ctx.st.config.shown(canonical).to_vec()));
            }
            continue;
        }
        for (name, value) in ctx.st.config.get(pattern) {
            if !seen(&pairs, name.as_bytes(), name) {
                pairs.push((name.as_bytes().to_vec(), name, value.to_vec()));
            }
        }
    }
    ctx.reply.map(pairs.len());
    for (name, _, value) in pairs {
        ctx.reply.bulk(&name);
        ctx.reply.bulk(&value);
    }
}

/// `CONFIG SET parameter value [parameter value ...]`: all or nothing.
/// As in Redis, the names are checked first (an unknown name wins over
/// every other error, then immutable and duplicate names, reported as
/// typed), then the values in order (reported under the canonical name).
pub fn config_set(ctx: &mut Ctx, args: &Args) {
    if !args.len().is_multiple_of(2) {
        ctx.reply.syntax_error();
        return;
    }
    let failed = |ctx: &mut Ctx, name: &[u8], why: &str| {
        ctx.reply.error_fmt(format_args!(
            "ERR CONFIG SET failed (possibly related to argument '{}') - {why}",
            String::from_utf8_lossy(name)
        ));
    };
    let pairs: Vec<(&[u8], &[u8])> = (2..args.len())
        .step_by(2)
        .map(|j| (args.get(j), args.get(j + 1)))
        .collect();
    if let Some((name, _)) = pairs.iter().find(|(name, _)| Config::canonical_name(name).is_none()) {
        ctx.reply.error_fmt(format_args!(
            "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
            String::from_utf8_lossy(name)
        ));
        return;
    }
    // Redis's DENY_LOADING_CONFIG: changing where the data lives, or the
    // AOF, while the dataset loads; this error wins over the others.
    if ctx.st.loading.is_some()
        && pairs
            .iter()
            .any(|(name, _)| matches!(Config::canonical_name(name), Some("dir" | "appendonly")))
    {
        ctx.reply.error(b"LOADING Redis is loading the dataset in memory");
        return;
    }
    let mut seen: Vec<&'static str> = Vec::new();
    for &(name, value) in &pairs {
        let canonical = Config::canonical_name(name).unwrap_or_default();
        // Mutability is only known to `Config::set`: probe a scratch copy.
        if let Err(e) = ctx.st.config.clone().set(name, value)
            && e.message == IMMUTABLE
        {
            return failed(ctx, name, IMMUTABLE);
        }
        let peer = ctx.clients[ctx.me].addr;
        if Config::is_protected(name) && !protected_allowed(ctx.st.config.enable_protected_configs, peer) {
            return failed(ctx, name, "can't set protected config");
        }
        if seen.contains(&canonical) {
            return failed(ctx, name, "duplicate parameter");
        }
        seen.push(canonical);
    }
    let mut next: Config = ctx.st.config.clone();
    for &(name, value) in &pairs {
        if let Err(e) = next.set(name, value) {
            let canonical = Config::canonical_name(name).unwrap_or_default();
            return failed(ctx, canonical.as_bytes(), &e.message);
        }
    }
    // Applied last, as Redis applies port and bind: listening on the new
    // addresses can still fail, and then nothing changes.
    let rebound = next.port != ctx.st.config.port || next.bind != ctx.st.config.bind;
    if rebound {
        let port_changed = next.port != ctx.st.config.port;
        // Port 0 (an embedded server's pick) keeps the port it was given.
        let (mut target, mut old) = (next.clone(), ctx.st.config.clone());
        for c in [&mut target, &mut old] {
            if c.port == 0 {
                c.port = ctx.st.port;
            }
        }
        match crate::server::rebind(ctx.st, &target, &old) {
            Ok(port) => ctx.st.port = port,
            Err(e) if port_changed => {
                return failed(ctx, b"port", &format!("Unable to listen on this port: {e}"));
            }
            Err(e) => return failed(ctx, b"bind", &format!("Failed to bind to specified addresses: {e}")),
        }
    }
    let oom = ["oom-score-adj", "oom-score-adj-values"];
    if oom.iter().any(|name| next.value(name) != ctx.st.config.value(name)) {
        let old = std::mem::replace(&mut ctx.st.config, next.clone());
        if let Err(e) = ctx.st.apply_oom_score() {
            log::warn!("Unable to write oom_score_adj: {e}");
            ctx.st.config = old;
            // Put back the score of the old settings, as Redis rolls back.
            let _ = ctx.st.apply_oom_score();
            if rebound {
                // Back on the old addresses, as nothing changes.
                let mut current = ctx.st.config.clone();
                if current.port == 0 {
                    current.port = ctx.st.port;
                }
                if let Ok(port) = crate::server::rebind(ctx.st, &current, &current) {
                    ctx.st.port = port;
                }
            }
            return failed(
                ctx,
                b"oom-score-adj",
                "Failed to set current oom_score_adj. Check server logs.",
            );
        }
    }
    if next.loglevel() != ctx.st.config.loglevel() {
        log::set_max_level(next.loglevel());
    }
    let old = std::mem::replace(&mut ctx.st.config, next);
    let in_exec = super::transaction::in_exec(ctx);
    if crate::persist::aof::config_changed(ctx.st, in_exec).is_err() {
        log::warn!(
            "Failed applying new configuration. Possibly related to new appendonly setting. Restoring previous settings."
        );
        ctx.st.config = old;
        return failed(ctx, b"appendonly", "Unable to turn on AOF. Check server logs.");
    }
    ctx.st.sync_notes();
    ctx.st.sync_lazyfree();
    crate::repl::config_changed(ctx.st);
    #[cfg(unix)]
    if ctx.st.config.watchdog_period != old.watchdog_period {
        crate::crash::set_watchdog(ctx.st.config.watchdog_period);
    }
    #[cfg(unix)]
    crate::crash::set_enabled(ctx.st.config.value("crash-log-enabled") == b"yes");
    if pairs
        .iter()
        .any(|(name, _)| Config::canonical_name(name) == Some("maxmemory"))
    {
        maxmemory_changed(ctx.st);
    }
    // maxmemory-clients (or maxmemory, for a percentage) may have changed.
    ctx.st.evictor.recount = true;
    ctx.reply.ok();
}

/// A new `maxmemory` (Redis's `updateMaxmemory`): a limit under what is in
/// use is logged, and the loop starts evicting (in slices, not inside
/// CONFIG SET).
fn maxmemory_changed(st: &mut crate::server::State) {
    let limit = st.config.maxmemory;
    crate::memory::set_growth_limit(limit as usize);
    if limit == 0 {
        return;
    }
    let used = crate::memory::used()
        .unwrap_or(0)
        .saturating_sub(crate::evict::not_counted(st));
    if limit < used as u64 {
        log::warn!(
            "WARNING: the new maxmemory value set via CONFIG SET ({limit}) is smaller than the current memory usage ({used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy."
        );
    }
    st.evictor.running = true;
}

/// `Config::set`'s message for a directive that cannot change at run time.
const IMMUTABLE: &str = "can't set immutable config";

/// `CONFIG RESETSTAT`
pub fn config_resetstat(ctx: &mut Ctx, _args: &Args) {
    ctx.st.stats = Stats::default();
    ctx.st.cmdstats.iter_mut().for_each(|s| *s = CmdStat::default());
    ctx.st.histograms.iter_mut().for_each(|h| *h = [0; 40]);
    ctx.st.latency_hdr.iter_mut().for_each(|h| *h = None);
    ctx.st.errorstats.clear();
    for db in &mut ctx.st.dbs {
        db.expired = 0;
    }
    ctx.st.evictor.reset_stats();
    ctx.st.repl.reset_stats();
    ctx.reply.ok();
}

/// `CONFIG REWRITE`
pub fn config_rewrite(ctx: &mut Ctx, _args: &Args) {
    match ctx.st.config.rewrite() {
        Ok(()) => ctx.reply.ok(),
        Err(e) => ctx.reply.error_fmt(format_args!("ERR {e}")),
    }
}

/// `CONFIG HELP`
pub fn config_help(ctx: &mut Ctx, _args: &Args) {
    reply_help(
        ctx,
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    );
}

// ---- COMMAND -----------------------------------------------------------------------------

/// One COMMAND INFO entry (subcommands included), from the docs data.
fn command_info_entry(ctx: &mut Ctx, idx: usize) {
    let name = ctx.st.commands.full_name(idx);
    if !docs::reply_info(ctx.reply, name) {
        ctx.reply.null();
    }
}

/// `COMMAND`
pub fn command(ctx: &mut Ctx, _args: &Args) {
    let top = ctx.st.commands.top().to_vec();
    ctx.reply.array(top.len());
    for idx in top {
        command_info_entry(ctx, idx);
    }
}

/// `COMMAND INFO [command-name ...]`
pub fn command_info(ctx: &mut Ctx, args: &Args) {
    if args.len() == 2 {
        return command(ctx, args);
    }
    ctx.reply.array(args.len() - 2);
    for name in args.iter().skip(2) {
        match ctx.st.commands.lookup_full(name) {
            Some(idx) => command_info_entry(ctx, idx),
            // Redis's addReplyNull: `$-1` in RESP2.
            None => ctx.reply.null(),
        }
    }
}

/// `COMMAND COUNT`
pub fn command_count(ctx: &mut Ctx, _args: &Args) {
    let n = ctx.st.commands.top().len();
    ctx.reply.int(n as i64);
}

/// `COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern]`
pub fn command_list(ctx: &mut Ctx, args: &Args) {
    let table = ctx.st.commands;
    let filter: Option<(String, Vec<u8>)> = match args.len() {
        2 => None,
        5 if args.is(2, "filterby") => Some((String::from_utf8_lossy(&args[3]).to_ascii_lowercase(), args[4].to_vec())),
        _ => {
            ctx.reply.syntax_error();
            return;
        }
    };
    let mut names = Vec::new();
    for &idx in table.top() {
        for i in std::iter::once(idx).chain(table.subcommands(idx)) {
            let name = table.full_name(i);
            let keep = match &filter {
                None => true,
                Some((kind, value)) => match kind.as_str() {
                    "module" => false,
                    "aclcat" => docs::lookup(name).is_some_and(|d| {
                        d.acl_categories
                            .iter()
                            .any(|c| c.as_bytes()[1..].eq_ignore_ascii_case(value))
                    }),
                    "pattern" => crate::util::glob::string_match(value, name.as_bytes(), true),
                    _ => {
                        ctx.reply.syntax_error();
                        return;
                    }
                },
            };
            if keep {
                names.push(name);
            }
        }
    }
    ctx.reply.array(names.len());
    for n in names {
        ctx.reply.bulk(n.as_bytes());
    }
}

/// `COMMAND DOCS [command-name ...]`: unknown names are left out.
pub fn command_docs(ctx: &mut Ctx, args: &Args) {
    let table = ctx.st.commands;
    let list: Vec<usize> = if args.len() == 2 {
        table.top().to_vec()
    } else {
        args.iter().skip(2).filter_map(|n| table.lookup_full(n)).collect()
    };
    let names: Vec<&str> = list
        .into_iter()
        .map(|i| table.full_name(i))
        .filter(|n| docs::lookup(n).is_some())
        .collect();
    ctx.reply.map(names.len());
    for name in names {
        ctx.reply.bulk(name.as_bytes());
        docs::reply_docs(ctx.reply, name);
    }
}

/// Positions (in the command line, name = 0) of the keys one key spec
/// finds in a command of `argc` arguments, as Redis's
/// `getKeysUsingKeySpecs`; None when the spec does not fit the arguments
/// (or is of a kind no loopkv command has).
pub(crate) fn spec_positions(spec: &docs::KeySpec, argv: &[&[u8]]) -> Option<Vec<i32>> {
    let argc = argv.len() as i32;
    let first = match spec.begin_search {
        docs::BeginSearch::Index(pos) => pos,
        docs::BeginSearch::Keyword { keyword, startfrom } => {
            let (start, end) = if startfrom > 0 {
                (startfrom, argc - 1)
            } else {
                (argc + startfrom, 1)
            };
            let mut found = 0;
            let mut i = start;
            while i != end {
                if i >= argc || i < 1 {
                    break;
                }
                if argv[i as usize].eq_ignore_ascii_case(keyword.as_bytes()) {
                    found = i + 1;
                    break;
                }
                i += if start <= end { 1 } else { -1 };
            }
            if found == 0 {
                // Keyword absent: this spec names no keys.
                return Some(Vec::new());
            }
            found
        }
        docs::BeginSearch::Unknown => return None,
    };
    let (first, last, step) = match spec.find_keys {
        docs::FindKeys::Range {
            lastkey,
            keystep,
            limit,
        } => {
            let last = if lastkey >= 0 {
                first + lastkey
            } else if limit <= 1 {
                argc + lastkey
            } else {
                first + ((argc - 1) - first) / limit + lastkey
            };
            (first, last, keystep)
        }
        // The argument at `keynumidx` counts the keys (Redis's
        // `getKeysUsingKeySpecs`).
        docs::FindKeys::Keynum {
            keynumidx,
            firstkey,
            keystep,
        } => {
            let at = usize::try_from(first + keynumidx).ok().filter(|&a| a < argv.len())?;
            let numkeys = crate::util::number::parse_i64(argv[at]).filter(|&n| n >= 0 && n <= i32::MAX as i64)? as i32;
            let first = first + firstkey;
            (first, first.saturating_add(numkeys) - 1, keystep)
        }
        docs::FindKeys::Unknown => return None,
    };
    if last >= argc || last < first || first >= argc || step < 1 {
        return None;
    }
    Some((first..=last).step_by(step as usize).collect())
}

/// Key arguments of the command line `args[2..]` with their access flags,
/// found through the key specs as Redis's `getKeysFromCommandWithSpecs`
/// does; replies Redis's error and returns None when there are none.
fn keys_of(ctx: &mut Ctx, args: &Args) -> Option<Vec<(usize, &'static [&'static str])>> {
    let table = ctx.st.commands;
    let mut idx = table.lookup(&args[2]);
    if let Some(parent) = idx
        && !table.def(parent).subcommands.is_empty()
        && args.len() > 3
    {
        idx = table.lookup_sub(parent, &args[3]);
    }
    let Some(idx) = idx else {
        ctx.reply.error(b"ERR Invalid command specified");
        return None;
    };
    let def = table.def(idx);
    let name = table.full_name(idx);
    let specs = docs::lookup(name).map_or(&[][..], |d| d.key_specs);
    if specs.is_empty() {
        ctx.reply.error(b"ERR The command has no key arguments");
        return None;
    }
    let argc = (args.len() - 2) as i32;
    if (def.arity > 0 && argc != def.arity) || argc < -def.arity {
        ctx.reply
            .error(b"ERR Invalid number of arguments specified for command");
        return None;
    }
    let mut keys = Vec::new();
    let argv: Vec<&[u8]> = args.iter().skip(2).collect();
    // SORT's keys come from its own finder (Redis's `sortGetKeys`): the
    // sorted key, and STORE's destination outside LIMIT/GET/BY arguments.
    if name == "sort" || name == "sort_ro" {
        let mut keys: Vec<(usize, &'static [&'static str])> = vec![(3, &["RO", "access"])];
        let mut i = 2;
        while i < argv.len() {
            let skip = [("limit", 2), ("get", 1), ("by", 1)]
                .iter()
                .find(|(w, _)| argv[i].eq_ignore_ascii_case(w.as_bytes()))
                .map(|&(_, n)| n);
            if let Some(n) = skip {
                i += n;
            } else if argv[i].eq_ignore_ascii_case(b"store") && i + 1 < argv.len() {
                keys.truncate(1);
                keys.push((i + 1 + 2, &["OW", "update"]));
                i += 1;
            }
            i += 1;
        }
        return Some(keys);
    }
    let optional = def.flags & super::table::flags::NO_MANDATORY_KEYS != 0;
    for spec in specs {
        let Some(positions) = spec_positions(spec, &argv) else {
            if optional {
                // EVAL ... 0: no keys, and no error (CMD_NO_MANDATORY_KEYS).
                return Some(Vec::new());
            }
            ctx.reply.error(b"ERR Invalid arguments specified for command");
            return None;
        };
        keys.extend(positions.into_iter().map(|i| (i as usize + 2, spec.flags)));
    }
    // SET's flags depend on GET (Redis's `setGetKeys`).
    if name == "set" {
        let get = args.iter().skip(5).any(|a| a.eq_ignore_ascii_case(b"get"));
        let flags: &'static [&'static str] = if get {
            &["RW", "access", "update"]
        } else {
            &["OW", "update"]
        };
        keys.iter_mut().for_each(|k| k.1 = flags);
    }
    if keys.is_empty() && !optional {
        ctx.reply.error(b"ERR Invalid arguments specified for command");
        return None;
    }
    Some(keys)
}

/// `COMMAND GETKEYS command [arg ...]`
pub fn command_getkeys(ctx: &mut Ctx, args: &Args) {
    if let Some(keys) = keys_of(ctx, args) {
        ctx.reply.array(keys.len());
        for (k, _) in keys {
            ctx.reply.bulk(&args[k]);
        }
    }
}

/// `COMMAND GETKEYSANDFLAGS command [arg ...]`
pub fn command_getkeysandflags(ctx: &mut Ctx, args: &Args) {
    let Some(keys) = keys_of(ctx, args) else { return };
    ctx.reply.array(keys.len());
    for (k, key_flags) in keys {
        ctx.reply.array(2);
        ctx.reply.bulk(&args[k]);
        ctx.reply.set(key_flags.len());
        for f in key_flags {
            ctx.reply.simple(f.as_bytes());
        }
    }
}

/// `COMMAND HELP`
pub fn command_help(ctx: &mut Ctx, _args: &Args) {
    reply_help(
        ctx,
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    );
}

// ---- small server commands ------------------------------------------------------------

/// `TIME`
pub fn time(ctx: &mut Ctx, _args: &Args) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    ctx.reply.array(2);
    ctx.reply.bulk_i64(d.as_secs() as i64);
    ctx.reply.bulk_i64(d.subsec_micros() as i64);
}

/// `LASTSAVE`
pub fn lastsave(ctx: &mut Ctx, _args: &Args) {
    let t = ctx.st.lastsave_secs;
    ctx.reply.int(t as i64);
}

/// `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]`
pub fn shutdown(ctx: &mut Ctx, args: &Args) {
    let (mut nosave, mut save, mut abort, mut force, mut now) = (false, false, false, false, false);
    for j in 1..args.len() {
        if args.is(j, "nosave") {
            nosave = true;
        } else if args.is(j, "save") {
            save = true;
        } else if args.is(j, "now") {
            now = true;
        } else if args.is(j, "force") {
            force = true;
        } else if args.is(j, "abort") {
            abort = true;
        } else {
            return ctx.reply.syntax_error();
        }
    }
    if (abort && (nosave || save || now || force)) || (nosave && save) {
        return ctx.reply.syntax_error();
    }
    if abort {
        // Cancels a shutdown waiting for replicas, or one a signal asked for.
        if crate::server::shutdown::abort(ctx.st, ctx.clients) {
            ctx.reply.ok();
        } else {
            ctx.reply.error(b"ERR No shutdown in progress.");
        }
        return;
    }
    // A timed-out script leaves only SHUTDOWN NOSAVE (which ends it).
    if !nosave && let Some(run) = ctx.st.script.as_ref().filter(|r| r.timed_out) {
        return ctx.reply.error(crate::script::busy_error(run));
    }
    let save = if nosave { Some(false) } else { save.then_some(true) };
    use crate::server::shutdown::{Requested, request};
    match request(ctx.st, ctx.clients, Some(ctx.me), save, force, now) {
        Requested::Exit => ctx.st.shutdown_requested = true,
        // Blocked until the shutdown finishes or is given up.
        Requested::Waiting => ctx.block_on_shutdown(args),
        Requested::Refused => ctx.reply.error(b"ERR Errors trying to SHUTDOWN. Check logs."),
    }
}

// ---- MEMORY --------------------------------------------------------------------------------

/// `MEMORY USAGE key [SAMPLES count]`: the bytes the key holds, as
/// `used_memory` counts them, so the keys' figures add up to what the
/// dataset grew by. A collection's elements are estimated from `count`
/// of them (5 by default, 0 for all), as Redis does, so a huge value
/// costs a few steps.
pub fn memory_usage(ctx: &mut Ctx, args: &Args) {
    let mut samples = 5;
    let mut j = 3;
    while j < args.len() {
        if !(args.is(j, "samples") && j + 1 < args.len()) {
            ctx.reply.syntax_error();
            return;
        }
        match arg_i64(ctx.reply, &args[j + 1]) {
            None => return,
            Some(n) if n < 0 => {
                ctx.reply.syntax_error();
                return;
            }
            Some(n) => samples = n as usize,
        }
        j += 2;
    }
    let now = ctx.now;
    let Some(id) = ctx.db().lookup_touch(&args[2], now, false) else {
        ctx.reply.null();
        return;
    };
    let db = ctx.db();
    let node = db.node(id);
    // loopkv's own layout, counted as `used_memory` counts it (the bytes
    // asked of the allocator): the table node, its share of the bucket
    // array, the key+value allocation, the TTL entry, and a collection's
    // own memory.
    let mut bytes = std::mem::size_of::<crate::db::dict::Node>() + db.bucket_share() + node.data.capacity();
    if db.expire_at(id).is_some() {
        bytes += 28;
    }
    if db.kind(id) != crate::db::Kind::String {
        bytes += std::mem::size_of::<crate::db::Obj>() + db.obj(id).mem_usage(samples);
    }
    ctx.reply.int(bytes as i64);
}

/// `MEMORY MALLOC-STATS`: Redis built without jemalloc answers this.
pub fn memory_malloc_stats(ctx: &mut Ctx, _args: &Args) {
    ctx.reply.bulk(b"Stats not supported for the current allocator");
}

/// Where the memory goes, as Redis's `getMemoryOverheadData` splits it:
/// MEMORY STATS, MEMORY DOCTOR and INFO memory all read this one
/// measurement, so their figures agree.
struct Overhead {
    used: u64,
    peak: u64,
    startup: u64,
    rss: u64,
    /// Lua's heap: outside `used_memory`, inside the RSS.
    lua: u64,
    clients_normal: u64,
    clients: u64,
    aof_buffer: u64,
    lua_caches: u64,
    functions_caches: u64,
    /// Non-empty databases: index, keyspace table, TTL index.
    dbs: Vec<(usize, u64, u64)>,
    keys: u64,
    /// Everything above but the dataset: `used_memory_overhead`.
    total: u64,
}

impl Overhead {
    fn measure(st: &crate::server::State, clients: &crate::client::Clients) -> Overhead {
        let used = crate::memory::used().unwrap_or(0) as u64;
        let clients_normal: usize = clients
            .iter()
            .map(|(_, c)| c.rbuf.capacity() + c.reply.capacity())
            .sum();
        let (lua, _, scripts_bytes) = crate::script::info();
        let (libraries, functions, _) = crate::script::function::counts();
        let dbs: Vec<(usize, u64, u64)> = st
            .dbs
            .iter()
            .enumerate()
            .filter(|(_, db)| !db.is_empty())
            .map(|(i, db)| (i, db.table_overhead() as u64, db.expires_overhead() as u64))
            .collect();
        let mut m = Overhead {
            used,
            peak: st.memory_peak.max(used),
            startup: st.memory_startup,
            rss: rss_bytes(),
            lua: lua as u64,
            clients_normal: clients_normal as u64,
            clients: clients.len() as u64,
            aof_buffer: st.aof.buf.capacity() as u64,
            lua_caches: scripts_bytes as u64,
            // The library and function records, as Redis's estimate counts them.
            functions_caches: (libraries * 96 + functions * 104) as u64,
            keys: st.dbs.iter().map(|db| db.len() as u64).sum(),
            dbs,
            total: 0,
        };
        m.total = m.startup
            + m.clients_normal
            + m.aof_buffer
            + m.lua_caches
            + m.functions_caches
            + m.dbs.iter().map(|&(_, main, expires)| main + expires).sum::<u64>();
        m
    }

    fn dataset(&self) -> u64 {
        self.used.saturating_sub(self.total)
    }

    /// `used_memory` past what the server held at start-up (at least 1).
    fn net(&self) -> u64 {
        self.used.saturating_sub(self.startup).max(1)
    }

    // Redis computes the percentages and ratios in single precision.
    fn dataset_perc(&self) -> f64 {
        (self.dataset() as f32 * 100.0 / self.net() as f32) as f64
    }

    fn peak_perc(&self) -> f64 {
        (self.used as f32 * 100.0 / self.peak.max(1) as f32) as f64
    }

    /// Allocated, active and resident bytes as Redis reports them for an
    /// allocator without statistics (libc): allocated is `used_memory`,
    /// active and resident are the RSS less Lua's heap.
    fn allocator(&self) -> (u64, u64, u64) {
        let resident = self.rss.saturating_sub(self.lua);
        (self.used, resident, resident)
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { (a as f32 / b as f32) as f64 }
}

/// `MEMORY STATS`
pub fn memory_stats(ctx: &mut Ctx, _args: &Args) {
    let m = Overhead::measure(ctx.st, ctx.clients);
    let (allocated, active, resident) = m.allocator();
    let (backlog, _, replicas) = crate::repl::buffer_memory(ctx.st);
    let r = &mut *ctx.reply;
    r.map(27 + m.dbs.len());
    let int = |r: &mut crate::resp::reply::Reply, name: &str, v: i64| {
        r.bulk(name.as_bytes());
        r.int(v);
    };
    let dbl = |r: &mut crate::resp::reply::Reply, name: &str, v: f64| {
        r.bulk(name.as_bytes());
        r.double(v);
    };
    int(r, "peak.allocated", m.peak as i64);
    int(r, "total.allocated", m.used as i64);
    int(r, "startup.allocated", m.startup as i64);
    int(r, "replication.backlog", backlog as i64);
    int(r, "clients.slaves", replicas as i64);
    int(r, "clients.normal", m.clients_normal as i64);
    int(r, "cluster.links", 0);
    int(r, "aof.buffer", m.aof_buffer as i64);
    int(r, "lua.caches", m.lua_caches as i64);
    int(r, "functions.caches", m.functions_caches as i64);
    for &(db, main, expires) in &m.dbs {
        r.bulk(format!("db.{db}").as_bytes());
        r.map(3);
        int(r, "overhead.hashtable.main", main as i64);
        int(r, "overhead.hashtable.expires", expires as i64);
        int(r, "overhead.hashtable.slot-to-keys", 0);
    }
    int(r, "overhead.total", m.total as i64);
    int(r, "keys.count", m.keys as i64);
    int(r, "keys.bytes-per-key", m.net().checked_div(m.keys).unwrap_or(0) as i64);
    int(r, "dataset.bytes", m.dataset() as i64);
    dbl(r, "dataset.percentage", m.dataset_perc());
    dbl(r, "peak.percentage", m.peak_perc());
    int(r, "allocator.allocated", allocated as i64);
    int(r, "allocator.active", active as i64);
    int(r, "allocator.resident", resident as i64);
    dbl(r, "allocator-fragmentation.ratio", ratio(active, allocated));
    int(r, "allocator-fragmentation.bytes", active as i64 - allocated as i64);
    dbl(r, "allocator-rss.ratio", ratio(resident, active));
    int(r, "allocator-rss.bytes", resident as i64 - active as i64);
    dbl(r, "rss-overhead.ratio", ratio(m.rss, resident));
    int(r, "rss-overhead.bytes", m.rss as i64 - resident as i64);
    dbl(r, "fragmentation", ratio(m.rss, m.used));
    int(r, "fragmentation.bytes", m.rss as i64 - m.used as i64);
}

/// `MEMORY DOCTOR`: Redis's report, from the same measurement.
pub fn memory_doctor(ctx: &mut Ctx, _args: &Args) {
    let m = Overhead::measure(ctx.st, ctx.clients);
    let (allocated, active, resident) = m.allocator();
    let over = |a: u64, b: u64, r: f64| ratio(a, b) > r && a.saturating_sub(b) > 10 << 20;
    let scripts = crate::script::info().1;
    let empty = m.used < 5 << 20;
    let findings: [(bool, &str); 7] = [
        (!empty && ratio(m.peak, m.used) > 1.5, DOCTOR_PEAK),
        (!empty && over(m.rss, m.used, 1.4), DOCTOR_FRAG),
        (!empty && over(active, allocated, 1.1), DOCTOR_ALLOC_FRAG),
        (!empty && over(resident, active, 1.1), DOCTOR_ALLOC_RSS),
        (!empty && over(m.rss, resident, 1.1), DOCTOR_PROC_RSS),
        (
            !empty && m.clients_normal / m.clients.max(1) > 200 * 1024,
            DOCTOR_CLIENTS,
        ),
        (!empty && scripts > 1000, DOCTOR_SCRIPTS),
    ];
    let report = if empty {
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n".to_string()
    } else if findings.iter().all(|(found, _)| !found) {
        "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
            .to_string()
    } else {
        let mut s = String::from("Sam, I detected a few issues in this Redis instance memory implants:\n\n");
        for (_, text) in findings.iter().filter(|(found, _)| *found) {
            s.push_str(text);
            s.push_str("\n\n");
        }
        s.push_str("I'm here to keep you safe, Sam. I want to help you.\n");
        s
    };
    ctx.reply.verbatim(b"txt", report.as_bytes());
}

const DOCTOR_PEAK: &str = " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.";
const DOCTOR_FRAG: &str = " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"libc\".";
const DOCTOR_ALLOC_FRAG: &str = " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.";
const DOCTOR_ALLOC_RSS: &str = " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.";
const DOCTOR_PROC_RSS: &str = " * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.";
const DOCTOR_CLIENTS: &str = " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.";
const DOCTOR_SCRIPTS: &str = " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.";

/// `MEMORY PURGE`
pub fn memory_purge(ctx: &mut Ctx, _args: &Args) {
    ctx.reply.ok();
}

/// `MEMORY HELP`
pub fn memory_help(ctx: &mut Ctx, _args: &Args) {
    reply_help(
        ctx,
        "MEMORY",
        &[
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    );
}

// ---- SLOWLOG ---------------------------------------------------------------------------------

/// `SLOWLOG GET [count]`
pub fn slowlog_get(ctx: &mut Ctx, args: &Args) {
    let mut count = 10i64;
    if args.len() == 3 {
        match crate::util::number::parse_i64(&args[2]).filter(|&n| n >= -1) {
            Some(-1) => count = i64::MAX,
            Some(n) => count = n,
            None => {
                ctx.reply.error(b"ERR count should be greater than or equal to -1");
                return;
            }
        }
    } else if args.len() > 3 {
        subcommand_syntax_error(ctx, args);
        return;
    }
    let entries: Vec<_> = ctx
        .st
        .slowlog
        .iter()
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .cloned()
        .collect();
    ctx.reply.array(entries.len());
    for e in entries {
        ctx.reply.array(6);
        ctx.reply.int(e.id as i64);
        ctx.reply.int(e.time_secs as i64);
        ctx.reply.int(e.micros as i64);
        ctx.reply.array(e.args.len());
        for a in &e.args {
            ctx.reply.bulk(a);
        }
        ctx.reply.bulk(e.addr.as_bytes());
        ctx.reply.bulk(&e.name);
    }
}

/// `SLOWLOG LEN`
pub fn slowlog_len(ctx: &mut Ctx, _args: &Args) {
    let n = ctx.st.slowlog.len();
    ctx.reply.int(n as i64);
}

/// `SLOWLOG RESET`
pub fn slowlog_reset(ctx: &mut Ctx, _args: &Args) {
    ctx.st.slowlog.clear();
    ctx.reply.ok();
}

/// `SLOWLOG HELP`
pub fn slowlog_help(ctx: &mut Ctx, _args: &Args) {
    reply_help(
        ctx,
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
}

// ---- DEBUG ----------------------------------------------------------------------------------------

/// True if the client may run a protected command (DEBUG) under `setting`.
pub fn protected_allowed(setting: Enable, peer: std::net::SocketAddr) -> bool {
    match setting {
        Enable::Yes => true,
        Enable::Local => crate::server::is_local(peer),
        Enable::No => false,
    }
}
