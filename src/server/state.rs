//! Server-wide state that commands read and change: the databases, the
//! configuration, statistics, the command table's per-command counters,
//! the slow log and latency monitor, and requests commands make of the
//! event loop (close these clients, shut down).

use hashbrown::HashMap;

use crate::command::table::{self, Table};
use crate::config::Config;
use crate::db::Db;

/// INFO stats counters.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub total_connections: u64,
    /// Clients disconnected by `maxmemory-clients` (INFO `evicted_clients`).
    pub evicted_clients: u64,
    pub rejected_connections: u64,
    pub total_commands: u64,
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub expired_keys_active: u64,
    pub client_qbuf_limit_disconnections: u64,
    pub client_obuf_limit_disconnections: u64,
    pub total_error_replies: u64,
    pub unexpected_error_replies: u64,
    pub total_reads_processed: u64,
    pub total_writes_processed: u64,
}

/// Per-command counters for INFO commandstats.
#[derive(Debug, Default, Clone, Copy)]
pub struct CmdStat {
    pub calls: u64,
    pub usec: u64,
    pub rejected: u64,
    pub failed: u64,
}

/// One SLOWLOG entry.
#[derive(Debug, Clone)]
pub struct SlowEntry {
    pub id: u64,
    pub time_secs: u64,
    pub micros: u64,
    pub args: Vec<Vec<u8>>,
    pub addr: String,
    pub name: Vec<u8>,
}

/// The latency monitor's record for one event.
#[derive(Debug, Clone, Default)]
pub struct LatencyEvent {
    /// (unix seconds, latency ms), newest last, at most 160 samples.
    pub samples: Vec<(u64, u64)>,
    pub max: u64,
}

/// An instantaneous rate, as Redis's `trackInstantaneousMetric`: the mean
/// of the last 16 samples of (counter delta / time delta).
#[derive(Debug, Clone, Default)]
pub struct Instant {
    last_ms: u64,
    last_value: u64,
    samples: [f64; 16],
    next: usize,
}

impl Instant {
    /// Records the counter's current `value` at `now_ms`.
    pub fn track(&mut self, now_ms: u64, value: u64) {
        if self.last_ms != 0 && now_ms > self.last_ms {
            let rate = value.saturating_sub(self.last_value) as f64 * 1000.0 / (now_ms - self.last_ms) as f64;
            self.samples[self.next] = rate;
            self.next = (self.next + 1) % self.samples.len();
        }
        self.last_ms = now_ms;
        self.last_value = value;
    }

    /// Per-second rate averaged over the samples.
    pub fn per_second(&self) -> f64 {
        self.samples.iter().sum::<f64>() / self.samples.len() as f64
    }
}

/// What CLIENT PAUSE holds back, least restrictive first (Redis's
/// `pause_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum PauseKind {
    #[default]
    Off,
    /// Commands that may change data (write or may-replicate) wait.
    Write,
    /// Every command waits.
    All,
}

/// CLIENT PAUSE state (Redis's `client_pause_*`, one purpose only). A
/// client whose next command must wait leaves it in its query buffer and
/// its token in `held`; the loop queues the held clients again, in order,
/// once the pause is over.
#[derive(Debug, Default)]
pub struct ClientPause {
    kind: PauseKind,
    /// Last millisecond of the pause (inclusive, as Redis's `end < now`).
    end_ms: u64,
    /// Clients holding a command back, in the order they were held.
    pub held: Vec<usize>,
    /// Clients in MULTI that queued a command that may change data: their
    /// EXEC waits under a WRITE pause (Redis's `mstate.cmd_flags`).
    pub tx_writes: Vec<usize>,
    /// FAILOVER pauses writes too, with no end, apart from CLIENT PAUSE
    /// (Redis's `PAUSE_DURING_FAILOVER` purpose), and so does a shutdown
    /// waiting for replicas (`PAUSE_DURING_SHUTDOWN`).
    pub failover: bool,
    pub shutdown: bool,
}

impl ClientPause {
    /// Pauses until `end_ms` (0: no pause); a pause in progress becomes
    /// the more restrictive kind and the later end of the two.
    pub fn pause(&mut self, kind: PauseKind, end_ms: u64, now: u64) {
        let current = self.kind(now);
        if current == PauseKind::Off {
            self.kind = kind;
            self.end_ms = end_ms;
        } else {
            self.kind = current.max(kind);
            self.end_ms = self.end_ms.max(end_ms);
        }
        self.kind(now);
    }

    pub fn unpause(&mut self) {
        self.kind = PauseKind::Off;
        self.end_ms = 0;
    }

    /// The pause in force at `now`; an elapsed one ends here.
    pub fn kind(&mut self, now: u64) -> PauseKind {
        if self.kind != PauseKind::Off && self.end_ms < now {
            self.unpause();
        }
        if self.failover || self.shutdown {
            self.kind.max(PauseKind::Write)
        } else {
            self.kind
        }
    }

    /// When the loop must wake to end CLIENT PAUSE's pause.
    pub fn deadline(&self) -> Option<u64> {
        (self.kind != PauseKind::Off).then(|| self.end_ms.saturating_add(1))
    }

    /// Some pause may be in force (keys do not expire meanwhile).
    pub fn active(&self) -> bool {
        self.kind != PauseKind::Off || self.failover || self.shutdown
    }
}

pub struct State {
    pub config: Config,
    pub dbs: Vec<Db>,
    pub stats: Stats,
    pub commands: &'static Table,
    pub cmdstats: Vec<CmdStat>,
    /// Per-command call counts by latency: bucket i holds calls that took
    /// at most 2^i microseconds (and more than 2^(i-1)).
    pub histograms: Vec<[u64; 40]>,
    /// Per-command latencies for INFO latencystats, in Redis's
    /// HdrHistogram layout (allocated at a command's first call).
    pub latency_hdr: Vec<Option<crate::util::hdr::Hdr>>,
    pub errorstats: HashMap<Box<[u8]>, u64>,
    /// The port actually bound (differs from config when it was 0).
    pub port: u16,
    /// The TCP listeners (token `LISTENER_BASE + index`): here, so CONFIG
    /// SET port/bind can close them and listen anew, as Redis does.
    pub listeners: Vec<mio::net::TcpListener>,
    /// The loop's registry, for (de)registering listeners and clients.
    pub registry: Option<mio::Registry>,
    /// The `unixsocket` listener and its path (removed when the loop ends).
    #[cfg(unix)]
    pub unix: Option<(mio::net::UnixListener, std::sync::Arc<str>)>,
    pub started_ms: u64,
    pub run_id: String,
    /// Replication: the stream, its offset and history, the backlog and
    /// the replicas (DEBUG CHANGE-REPL-ID draws a new history id).
    pub repl: crate::repl::Repl,
    /// DEBUG PAUSE-CRON: the periodic cron does nothing.
    pub cron_paused: bool,
    /// DEBUG QUICKLIST-PACKED-THRESHOLD: list elements this large or
    /// larger sit in plain quicklist nodes of their own (what DEBUG OBJECT
    /// and the RDB size of a list reflect).
    pub packed_threshold: usize,
    /// DEBUG REPLYBUFFER: how often a client's reply-buffer peak restarts
    /// (None: never), and whether the cron resizes reply buffers.
    pub reply_peak_reset_ms: Option<u64>,
    pub reply_resizing: bool,
    pub shutdown_requested: bool,
    /// The number of a SIGTERM/SIGINT received and not acted on yet (0:
    /// none), set from the signal handler (`Server::handle_signals`).
    pub signal: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// A shutdown a signal asked for, done by the next cron run unless
    /// SHUTDOWN ABORT cancels it (Redis's `shutdown_asap`).
    pub shutdown_asap: bool,
    /// A shutdown waiting for replicas to catch up.
    pub shutdown_wait: Option<super::shutdown::Waiting>,
    /// The signal that scheduled it (its `shutdown-on-*` flags apply).
    pub shutdown_signal: usize,
    /// Active expiry on (DEBUG SET-ACTIVE-EXPIRE).
    pub active_expire: bool,
    pub slowlog: std::collections::VecDeque<SlowEntry>,
    pub slowlog_next_id: u64,
    pub latency: HashMap<&'static str, LatencyEvent>,
    /// Changes since the last save (INFO rdb_changes_since_last_save).
    pub dirty: u64,
    pub lastsave_secs: u64,
    /// DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE payloads and RDB files
    /// are not checked against their CRC-64.
    pub skip_checksum: bool,
    /// The dataset being loaded: at start-up or from a master (clients
    /// get -LOADING), or beside the live one (`async_loading`).
    pub loading: Option<Box<crate::persist::control::Loading>>,
    /// Snapshots: the background save in progress, the last results.
    pub rdb: crate::persist::control::RdbStatus,
    /// The append-only file.
    pub aof: crate::persist::aof::Aof,
    /// The changes the running command made, as they are propagated.
    pub prop: super::propagate::Propagation,
    /// Eviction under `maxmemory`: its candidate pool and counters.
    pub evictor: crate::evict::Evictor,
    /// The append-only file is being replayed: nothing expires, TTLs in
    /// the past are set rather than deleting the key.
    pub replaying: bool,
    pub connected_clients: usize,
    /// Clients blocked on keys.
    pub blocking: super::blocking::Blocking,
    /// Clients whose blocked command was served or released outside their
    /// own turn; the loop writes their replies and reads their input.
    pub woken: Vec<usize>,
    /// Keys watched by clients in MULTI/WATCH.
    pub watched: crate::command::transaction::Watched,
    /// Keys the running command changed, for WATCH and client-side caching
    /// (recorded only while either is in use).
    pub modified: Vec<(usize, Box<[u8]>)>,
    /// Some database records events (`sync_notes`): they must be taken.
    pub notes_on: bool,
    /// Channels and patterns with subscribers.
    pub pubsub: crate::command::pubsub::Registry,
    /// Client-side caching: tracked keys, BCAST prefixes.
    pub tracking: crate::command::tracking::Tracking,
    /// Clients in MONITOR mode, in the order they entered it.
    pub monitors: Vec<usize>,
    /// CLIENT PAUSE: its kind and end, and the clients it holds.
    pub pause: ClientPause,
    /// Wall-clock time from monotonic readings (see `Clock`).
    pub clock: super::Clock,
    /// Rates of commands, input bytes and output bytes (INFO instantaneous_*).
    pub instant: [Instant; 3],
    last_sample_ms: u64,
    /// Allocator bytes in use when the server started, and the highest seen.
    pub memory_startup: u64,
    pub memory_peak: u64,
    next_client_id: u64,
    /// Clients to close once the running command is done (CLIENT KILL,
    /// output buffer limits); see `kill`.
    pub kills: Vec<usize>,
    pub rng: Rng,
    /// What `oom-score-adj` did to the process's OOM-killer score.
    pub oom: super::oom::OomScore,
    /// The script (EVAL or FCALL) running now, if any.
    pub script: Option<crate::script::ScriptRun>,
    /// DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call commands flagged
    /// `noscript`.
    pub scripts_may_run_any: bool,
    /// A script running longer than this (ms) is killed; 0: never. Only
    /// the fuzz harness sets it: no client is there to send SCRIPT KILL.
    pub script_time_cap_ms: u64,
}

impl State {
    /// A load holds the dataset: clients get -LOADING and the loop does
    /// little else (Redis's `loading` without `async_loading`).
    pub fn loading_blocks(&self) -> bool {
        self.loading.as_ref().is_some_and(|l| !l.background)
    }

    /// A load runs beside the live dataset (`async_loading`).
    pub fn async_loading(&self) -> bool {
        self.loading.as_ref().is_some_and(|l| l.background)
    }

    /// Counts the error replies `reply` recorded (INFO errorstats and
    /// `total_error_replies`).
    pub fn count_errors(&mut self, reply: &mut crate::resp::reply::Reply) {
        for code in reply.take_errors() {
            self.count_error(code);
        }
    }

    /// Counts one error reply by its code.
    pub fn count_error(&mut self, code: Box<[u8]>) {
        self.stats.total_error_replies += 1;
        *self.errorstats.entry(code).or_insert(0) += 1;
    }

    pub fn new(config: Config, port: u16) -> State {
        let now = super::now_ms();
        crate::memory::set_growth_limit(config.maxmemory as usize);
        // rename-command gives this server a table of its own (the
        // process-wide one is shared by every embedded server).
        let commands = match table::get().renamed(&config.renames) {
            Ok(t) if !config.renames.is_empty() => Box::leak(Box::new(t)),
            _ => table::get(),
        };
        let mut rng = now ^ ((std::process::id() as u64) << 32) ^ 0x9E37_79B9_7F4A_7C15;
        let mut run_id = String::with_capacity(40);
        for _ in 0..40 {
            rng = xorshift(rng);
            run_id.push(char::from(b"0123456789abcdef"[(rng >> 60) as usize]));
        }
        let mut st = State {
            dbs: (0..config.databases).map(|_| Db::new(now)).collect(),
            config,
            stats: Stats::default(),
            commands,
            cmdstats: vec![CmdStat::default(); commands.len()],
            histograms: vec![[0; 40]; commands.len()],
            latency_hdr: vec![None; commands.len()],
            errorstats: HashMap::new(),
            port,
            listeners: Vec::new(),
            registry: None,
            #[cfg(unix)]
            unix: None,
            started_ms: now,
            repl: crate::repl::Repl::new(run_id.chars().rev().collect()),
            run_id,
            cron_paused: false,
            packed_threshold: 1 << 30,
            reply_peak_reset_ms: Some(crate::client::REPLY_PEAK_RESET_MS),
            reply_resizing: true,
            shutdown_requested: false,
            signal: Default::default(),
            shutdown_asap: false,
            shutdown_wait: None,
            shutdown_signal: 0,
            active_expire: true,
            slowlog: Default::default(),
            slowlog_next_id: 0,
            latency: HashMap::new(),
            dirty: 0,
            lastsave_secs: now / 1000,
            rdb: Default::default(),
            aof: Default::default(),
            prop: Default::default(),
            replaying: false,
            loading: None,
            skip_checksum: false,
            connected_clients: 0,
            blocking: super::blocking::Blocking::new(now),
            woken: Vec::new(),
            watched: Default::default(),
            modified: Vec::new(),
            notes_on: false,
            pubsub: Default::default(),
            tracking: Default::default(),
            monitors: Vec::new(),
            pause: ClientPause::default(),
            clock: super::Clock::new(),
            instant: Default::default(),
            last_sample_ms: 0,
            memory_startup: crate::memory::used().unwrap_or(0) as u64,
            memory_peak: 0,
            next_client_id: 1,
            kills: Vec::new(),
            rng: Rng(rng),
            evictor: Default::default(),
            oom: Default::default(),
            script: None,
            scripts_may_run_any: false,
            script_time_cap_ms: 0,
        };
        if st.config.value("appendonly") == b"yes" {
            st.aof.mode = crate::persist::aof::Mode::On;
            st.prop.on = true;
        }
        st.aof.timestamps = st.config.value("aof-timestamp-enabled") == b"yes";
        st.sync_notes();
        st.sync_lazyfree();
        if let Err(e) = st.apply_oom_score() {
            log::warn!("Unable to set oom_score_adj: {e}");
        }
        st
    }

    /// Sets which events each database records (`Db::note_mask`): those
    /// `notify-keyspace-events` asks for, plus expiries while a key of the
    /// database is WATCHed or client-side caching is active. Called when
    /// any of the three changes.
    pub fn sync_notes(&mut self) {
        let base = crate::command::notify::note_mask(self.config.notify_flags);
        self.notes_on = false;
        for (i, db) in self.dbs.iter_mut().enumerate() {
            let deletions = self.watched.watches_db(i) || self.tracking.active() || self.prop.on;
            db.note_mask = base
                | if deletions {
                    crate::db::NOTE_EXPIRED | crate::db::NOTE_EVICTED
                } else {
                    0
                };
            if db.note_mask == 0 {
                db.notes.clear();
            }
            self.notes_on |= db.note_mask != 0;
        }
    }

    /// Tells every database how `lazyfree-lazy-expire` and
    /// `lazyfree-lazy-server-del` want its deleted values freed. Called
    /// when the configuration changes.
    pub fn sync_lazyfree(&mut self) {
        for db in &mut self.dbs {
            db.lazy_expire = self.config.lazyfree_lazy_expire;
            db.lazy_server_del = self.config.lazyfree_lazy_server_del;
        }
    }

    /// Sets the process's OOM score from `oom-score-adj` and its values,
    /// for this server's role (Redis's `setOOMScoreAdj(-1)`).
    pub fn apply_oom_score(&mut self) -> std::io::Result<()> {
        let (mode, values) = (
            self.config.value("oom-score-adj"),
            self.config.value("oom-score-adj-values"),
        );
        let class = if self.repl.is_replica() {
            super::oom::Class::Replica
        } else {
            super::oom::Class::Master
        };
        self.oom.apply(mode, values, class)
    }

    /// DEBUG CHANGE-REPL-ID: a new random replication ID.
    pub fn change_repl_id(&mut self) {
        self.repl.replid = crate::repl::random_id(&mut self.rng);
    }

    pub fn next_client_id(&mut self) -> u64 {
        let id = self.next_client_id;
        self.next_client_id += 1;
        id
    }

    /// A pseudo-random number (xorshift64; not for secrets).
    pub fn random(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Asks the loop to close the client at `token` after this command.
    pub fn kill(&mut self, token: usize) {
        self.kills.push(token);
    }

    pub fn take_kills(&mut self) -> Vec<usize> {
        if self.kills.is_empty() {
            Vec::new()
        } else {
            std::mem::take(&mut self.kills)
        }
    }

    /// Keys expired so far, in all databases.
    pub fn expired_keys(&self) -> u64 {
        self.dbs.iter().map(|d| d.expired).sum()
    }

    /// Earliest timer deadline: key expiry (unless DEBUG SET-ACTIVE-EXPIRE
    /// 0) and blocked clients' timeouts.
    pub fn next_deadline(&self) -> Option<u64> {
        // Keys do not expire actively while clients are paused; the loop
        // wakes at the pause's end instead (or it would spin on a deadline
        // it may not act on).
        let keys = if self.active_expire && !self.pause.active() {
            self.dbs.iter().filter_map(Db::next_deadline).min()
        } else {
            None
        };
        match (keys, self.blocking.next_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Holds expired keys in every database while clients are paused (see
    /// `Db::hold_expired`); call when a pause may have begun or ended.
    pub fn sync_expire_hold(&mut self, now: u64) {
        // A replica never deletes expired keys itself: its master's DELs do.
        let hold = self.pause.kind(now) != PauseKind::Off || self.repl.is_replica();
        if self.dbs.first().is_some_and(|db| db.hold_expired != hold) {
            for db in &mut self.dbs {
                db.hold_expired = hold;
            }
        }
        // A writable replica notes the TTLs its clients set.
        let own_ttls =
            self.repl.is_replica() && self.loading.is_none() && self.config.value("replica-read-only") == b"no";
        if self.dbs.first().is_some_and(|db| db.local_ttls.is_some() != own_ttls) {
            for db in &mut self.dbs {
                db.local_ttls = own_ttls.then(Vec::new);
            }
            if !own_ttls && !self.repl.is_replica() {
                self.repl.clear_own_ttls();
            }
        }
    }

    /// Runs active expiry on every database within `budget` timers.
    pub fn active_expire(&mut self, now: u64, budget: usize) {
        if !self.active_expire || self.repl.is_replica() {
            return;
        }
        let mut left = budget;
        for db in &mut self.dbs {
            if left == 0 {
                break;
            }
            let (deleted, _) = db.expire_due(now, left);
            self.stats.expired_keys_active += deleted as u64;
            left -= deleted.min(left);
        }
    }

    pub fn cron(&mut self, now: u64, clients: usize) {
        self.connected_clients = clients;
        if self.loading.is_none() {
            crate::persist::control::cron(self, now);
            crate::persist::aof::cron(self);
        }
        self.clock = super::Clock::new();
        if now >= self.last_sample_ms + 100 {
            self.last_sample_ms = now;
            let counters = [
                self.stats.total_commands,
                self.stats.net_input_bytes,
                self.stats.net_output_bytes,
            ];
            for (metric, value) in self.instant.iter_mut().zip(counters) {
                metric.track(now, value);
            }
        }
        if let Some(used) = crate::memory::used() {
            self.memory_peak = self.memory_peak.max(used as u64);
        }
        // Active rehashing, as Redis's `activerehashing`: at most about a
        // millisecond per call, so a table being resized finishes even
        // when no commands touch it.
        if self.config.value("activerehashing") != b"yes" {
            return;
        }
        let start = std::time::Instant::now();
        for db in &mut self.dbs {
            while db.rehash_step(100) {
                if start.elapsed() >= std::time::Duration::from_millis(1) {
                    return;
                }
            }
        }
    }

    /// Records a latency sample for `event` if it passes the threshold.
    pub fn latency_sample(&mut self, event: &'static str, ms: u64) {
        let threshold = self.config.latency_threshold_ms;
        if threshold == 0 || ms < threshold {
            return;
        }
        let now = super::now_ms() / 1000;
        let e = self.latency.entry(event).or_default();
        match e.samples.last_mut() {
            Some(last) if last.0 == now => last.1 = last.1.max(ms),
            _ => e.samples.push((now, ms)),
        }
        if e.samples.len() > 160 {
            e.samples.remove(0);
        }
        e.max = e.max.max(ms);
    }
}

/// A small pseudo-random generator (xorshift64; not for secrets).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = xorshift(self.0);
        self.0
    }
}

fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Encoding;

    #[test]
    fn a_pause_keeps_key_deadlines_out_of_the_loop_timeout() {
        // Keys do not expire while clients are paused, so their deadlines
        // must not wake the loop (it would spin); the pause's end does.
        let mut st = State::new(Config::default(), 0);
        let now = super::super::now_ms();
        let id = st.dbs[0].set(b"k", b"v", Encoding::Auto, false, now);
        st.dbs[0].set_expire(id, now + 300);
        assert!(st.next_deadline().is_some_and(|at| at <= now + 300));
        st.pause.pause(PauseKind::Write, now + 4000, now);
        assert_eq!(st.next_deadline(), None);
        assert_eq!(st.pause.deadline(), Some(now + 4001));
        st.pause.unpause();
        assert!(st.next_deadline().is_some());
    }
}
