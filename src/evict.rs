//! Eviction: keeping the dataset under `maxmemory` by deleting keys the
//! `maxmemory-policy` picks (Redis's `evict.c`).
//!
//! Memory is the counting allocator's figure less what Redis does not
//! count for eviction (the AOF buffer). Before every command, and from the
//! event loop while a pass is unfinished, [`perform`] deletes keys until
//! the figure is under the limit, for at most the time
//! `maxmemory-eviction-tenacity` allows; past that the loop carries on
//! with another slice on its next iteration (Redis's eviction time proc),
//! serving clients in between. A lowered `maxmemory` starts such a pass.
//!
//! The LRU, LFU and TTL policies keep a pool of the best candidates seen
//! (Redis's eviction pool): each round weighs `maxmemory-samples` keys of
//! every database, picked uniformly, and evicts the best live candidate.
//! The random policies evict a random key of each database in turn.
//!
//! Client eviction (`maxmemory-clients`) disconnects the clients holding
//! the most memory while normal and Pub/Sub clients together hold more
//! than their limit ([`evict_clients`]), after each command, at the end of
//! each loop iteration and from the cron.
//!
//! An evicted key goes the way every deletion the database makes goes
//! (`Note::Evicted`, see `command::notify`): the `evicted` event, WATCH,
//! client-side caching, and the AOF as DEL (UNLINK with
//! `lazyfree-lazy-eviction`).

use std::time::{Duration, Instant};

use log::{info, warn};

use crate::client::{Client, Clients};
use crate::server::State;

/// `maxmemory-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllKeysLru,
    AllKeysLfu,
    AllKeysRandom,
    #[default]
    NoEviction,
}

impl Policy {
    /// The policy a (validated) `maxmemory-policy` value names.
    pub fn parse(name: &[u8]) -> Policy {
        match name {
            b"volatile-lru" => Policy::VolatileLru,
            b"volatile-lfu" => Policy::VolatileLfu,
            b"volatile-random" => Policy::VolatileRandom,
            b"volatile-ttl" => Policy::VolatileTtl,
            b"allkeys-lru" => Policy::AllKeysLru,
            b"allkeys-lfu" => Policy::AllKeysLfu,
            b"allkeys-random" => Policy::AllKeysRandom,
            _ => Policy::NoEviction,
        }
    }

    /// Only keys with a TTL may go.
    fn volatile(self) -> bool {
        matches!(
            self,
            Policy::VolatileLru | Policy::VolatileLfu | Policy::VolatileRandom | Policy::VolatileTtl
        )
    }

    /// Each key keeps its own access clock, so small integers cannot be
    /// shared objects (Redis's `MAXMEMORY_FLAG_NO_SHARED_INTEGERS`).
    pub fn per_key_clock(self) -> bool {
        matches!(
            self,
            Policy::VolatileLru | Policy::VolatileLfu | Policy::AllKeysLru | Policy::AllKeysLfu
        )
    }
}

/// The eviction directives, typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    pub policy: Policy,
    /// `maxmemory-samples`: keys weighed per database and round.
    pub samples: usize,
    /// `maxmemory-eviction-tenacity`, 0..=100.
    pub tenacity: u32,
    /// `lazyfree-lazy-eviction`.
    pub lazy: bool,
}

impl Settings {
    /// How long one pass may run (Redis's `evictionTimeLimitUs`): 50 µs
    /// per step up to 10, then 15 % more per step; none at 100.
    fn time_limit(&self) -> Option<Duration> {
        let us = match self.tenacity {
            0..=10 => 50 * self.tenacity as u64,
            100.. => return None,
            t => (500.0 * 1.15f64.powi(t as i32 - 10)) as u64,
        };
        Some(Duration::from_micros(us))
    }
}

/// What a pass achieved (Redis's `EVICT_OK`, `EVICT_RUNNING`, `EVICT_FAIL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Under the limit (or eviction does not apply now).
    Ok,
    /// Over it, and the loop goes on evicting.
    Running,
    /// Over it with nothing that may be evicted.
    Fail,
}

/// Candidates the pool keeps (Redis's `EVPOOL_SIZE`).
const POOL_SIZE: usize = 16;

/// A key seen while sampling, with how much it deserves to go (higher
/// goes first). `hash` tells a live key from a node handle reused since.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: u64,
    db: usize,
    id: u32,
    hash: u64,
}

/// Eviction's state, kept across commands.
#[derive(Debug, Default)]
pub struct Evictor {
    /// The best candidates, in ascending order of score.
    pool: Vec<Candidate>,
    /// Where the random policies start their next turn over the databases.
    next_db: usize,
    /// A pass stopped at its time limit: the loop runs the next one.
    pub running: bool,
    /// Memory was over the limit with nothing to evict when the running
    /// top-level command started (Redis's `pre_command_oom_state`, which
    /// scripts check rather than the memory their own run uses).
    pub oom_at_command_start: bool,
    /// INFO's `evicted_keys`.
    pub evicted_keys: u64,
    /// Since when memory has been over the limit, and the total time it
    /// was (INFO's `current_` and `total_eviction_exceeded_time`).
    exceeded_since: Option<Instant>,
    exceeded_total: Duration,
    /// Client eviction's last count: the allocator's figure then, and the
    /// evictable clients' total; `recount` asks for a full count next
    /// time (the limit or a client's NO-EVICT changed).
    clients_allocated: usize,
    clients_total: usize,
    pub recount: bool,
}

impl Evictor {
    /// (`total_eviction_exceeded_time`, `current_eviction_exceeded_time`)
    /// in milliseconds.
    pub fn exceeded_ms(&self) -> (u64, u64) {
        let current = self.exceeded_since.map_or(Duration::ZERO, |t| t.elapsed());
        (
            (self.exceeded_total + current).as_millis() as u64,
            current.as_millis() as u64,
        )
    }

    /// CONFIG RESETSTAT.
    pub fn reset_stats(&mut self) {
        self.evicted_keys = 0;
        self.exceeded_total = Duration::ZERO;
        self.exceeded_since = None;
    }

    fn record(&mut self, outcome: Outcome) {
        match (outcome, self.exceeded_since) {
            (Outcome::Ok, Some(since)) => {
                self.exceeded_total += since.elapsed();
                self.exceeded_since = None;
            }
            (Outcome::Running | Outcome::Fail, None) => self.exceeded_since = Some(Instant::now()),
            _ => {}
        }
    }
}

/// Bytes Redis leaves out of the figure eviction compares with
/// `maxmemory` (its `freeMemoryGetNotCountedMemory`): the AOF buffer and
/// the replicas' share of the replication buffer.
pub fn not_counted(st: &State) -> usize {
    // The replication buffer past the backlog's size: what slow replicas
    // hold on to (freed a slice at a time once they are gone).
    let replicas = st
        .repl
        .backlog
        .as_ref()
        .map_or(0, crate::repl::backlog::Backlog::beyond_size);
    let aof = if st.aof.mode == crate::persist::aof::Mode::Off {
        0
    } else {
        st.aof.buf.capacity()
    };
    replicas + aof
}

/// Bytes over `maxmemory`, if over it.
fn over_limit(st: &State) -> Option<u64> {
    let limit = st.config.maxmemory;
    if limit == 0 {
        return None;
    }
    let used = crate::memory::used()?.saturating_sub(not_counted(st)) as u64;
    used.checked_sub(limit).filter(|&over| over > 0)
}

/// Eviction waits while the dataset must stay as it is (Redis's
/// `isSafeToPerformEvictions`): loading, a script past its time limit,
/// clients paused.
fn safe(st: &mut State) -> bool {
    let now = crate::server::now_ms();
    st.loading.is_none()
        && !st.script.as_ref().is_some_and(|r| r.timed_out)
        && st.pause.kind(now) == crate::server::state::PauseKind::Off
}

/// One eviction pass (Redis's `performEvictions`). Evicted keys are
/// recorded in their database's notes; the caller publishes them.
pub fn perform(st: &mut State) -> Outcome {
    if !safe(st) {
        return Outcome::Ok;
    }
    crate::memory::set_growth_limit((st.config.maxmemory as usize).saturating_add(not_counted(st)));
    let Some(over) = over_limit(st) else {
        st.evictor.record(Outcome::Ok);
        return Outcome::Ok;
    };
    let settings = st.config.eviction;
    if settings.policy == Policy::NoEviction {
        st.evictor.record(Outcome::Fail);
        return Outcome::Fail;
    }
    // A big value evicted without `lazyfree-lazy-eviction` is being freed
    // in the background: what it frees will show; evicting more keys now
    // would delete ones that need not go. The loop comes back next
    // iteration.
    if !settings.lazy && crate::lazyfree::evictions_pending() {
        st.evictor.running = true;
        st.evictor.record(Outcome::Running);
        return Outcome::Running;
    }
    let limit = settings.time_limit();
    let start = Instant::now();
    let out_of_time = |start: Instant| limit.is_some_and(|l| start.elapsed() > l);
    let now = crate::server::now_ms();
    let mut freed: i64 = 0;
    let mut keys = 0u64;
    let mut outcome = Outcome::Ok;
    while freed < over as i64 {
        let Some((db, id)) = pick(st, settings, now) else {
            outcome = Outcome::Fail;
            break;
        };
        let del_start = Instant::now();
        freed += st.dbs[db].evict(id, settings.lazy);
        st.latency_sample("eviction-del", del_start.elapsed().as_millis() as u64);
        st.evictor.evicted_keys += 1;
        keys += 1;
        if !settings.lazy && crate::lazyfree::evictions_pending() {
            // That value went to the lazyfree thread (see above).
            st.evictor.running = true;
            break;
        }
        if keys.is_multiple_of(16) {
            // Values freed on the lazyfree thread count once it has run.
            if settings.lazy && over_limit(st).is_none() {
                break;
            }
            if out_of_time(start) {
                st.evictor.running = true;
                break;
            }
        }
    }
    if outcome == Outcome::Ok && st.evictor.running {
        outcome = Outcome::Running;
    }
    if outcome == Outcome::Fail {
        // Nothing left to evict: values being freed in the background may
        // still bring memory under the limit; wait for them a little.
        let wait_start = Instant::now();
        let step = limit.unwrap_or(Duration::from_millis(1)).min(Duration::from_millis(1));
        while crate::lazyfree::busy() && !out_of_time(start) {
            if over_limit(st).is_none() {
                outcome = Outcome::Ok;
                break;
            }
            std::thread::sleep(step);
        }
        st.latency_sample("eviction-lazyfree", wait_start.elapsed().as_millis() as u64);
    }
    st.latency_sample("eviction-cycle", start.elapsed().as_millis() as u64);
    st.evictor.record(outcome);
    outcome
}

/// The next key to evict, as (database, node handle); None when no key
/// may be evicted.
fn pick(st: &mut State, settings: Settings, now: u64) -> Option<(usize, u32)> {
    let volatile = settings.policy.volatile();
    let candidates = |db: &crate::db::Db| if volatile { db.expires_len() } else { db.len() };
    if matches!(settings.policy, Policy::AllKeysRandom | Policy::VolatileRandom) {
        let n = st.dbs.len();
        for _ in 0..n {
            st.evictor.next_db = (st.evictor.next_db + 1) % n;
            let i = st.evictor.next_db;
            if candidates(&st.dbs[i]) > 0 {
                let rng = &mut st.rng;
                return st.dbs[i].sample(volatile, || rng.next_u64()).map(|id| (i, id));
            }
        }
        return None;
    }
    loop {
        let mut total = 0;
        for i in 0..st.dbs.len() {
            if candidates(&st.dbs[i]) > 0 {
                total += 1;
                populate(st, i, settings, now);
            }
        }
        if total == 0 {
            return None;
        }
        // The best live candidate; ghosts (keys gone since) are dropped.
        while let Some(c) = st.evictor.pool.pop() {
            let db = &st.dbs[c.db];
            if db.is_live(c.id) && db.key_hash(c.id) == c.hash && (!volatile || db.expire_at(c.id).is_some()) {
                return Some((c.db, c.id));
            }
        }
    }
}

/// Samples keys of database `i` into the pool (Redis's
/// `evictionPoolPopulate`).
fn populate(st: &mut State, i: usize, settings: Settings, now: u64) {
    let volatile = settings.policy.volatile();
    let (db, rng, pool) = (&mut st.dbs[i], &mut st.rng, &mut st.evictor.pool);
    db.lfu = st.config.lfu;
    let all = db.all_candidates(volatile, settings.samples);
    for n in 0..settings.samples {
        let picked = match &all {
            Some(ids) => ids.get(n).copied(),
            None => db.sample(volatile, || rng.next_u64()),
        };
        let Some(id) = picked else {
            return;
        };
        let score = match settings.policy {
            Policy::VolatileLru | Policy::AllKeysLru => db.idle_seconds(id, now) * 1000,
            Policy::VolatileLfu | Policy::AllKeysLfu => 255 - db.lfu_counter(id, now) as u64,
            _ => u64::MAX - db.expire_at(id).unwrap_or(u64::MAX),
        };
        if pool.iter().any(|c| c.db == i && c.id == id) {
            continue;
        }
        if pool.len() == POOL_SIZE {
            if score <= pool[0].score {
                continue;
            }
            pool.remove(0);
        }
        let at = pool.partition_point(|c| c.score < score);
        let hash = db.key_hash(id);
        pool.insert(at, Candidate { score, db: i, id, hash });
    }
}

/// Client eviction (Redis's `evictClients`): while the clients that may be
/// evicted (not `CLIENT NO-EVICT`) hold `maxmemory-clients` or more
/// together, the one holding the most is disconnected. `running` is the
/// client whose command is running and the size of its buffers, which are
/// out of it meanwhile. Returns true if that client was evicted.
///
/// Counting every client is skipped while the allocator's figure has not
/// grown enough since the last count for the clients to reach the limit:
/// their memory is allocations, so it cannot grow more than the figure
/// did (the baseline leaves out clients that were not counted, whose
/// memory may go back), unless other memory shrank meanwhile; `full`
/// counts regardless (the cron does, for that case).
pub fn evict_clients(st: &mut State, clients: &mut Clients, running: Option<(usize, usize)>, full: bool) -> bool {
    let limit = st.config.client_eviction_limit;
    if limit == 0 {
        return false;
    }
    let allocated = crate::memory::allocated();
    let ev = &st.evictor;
    if !full && !ev.recount && allocated.saturating_sub(ev.clients_allocated) + ev.clients_total < limit {
        return false;
    }
    st.evictor.recount = false;
    let usage = |t: usize, c: &Client| c.memory_usage(running.filter(|r| r.0 == t).map(|r| r.1));
    let evictable = |c: &Client| !c.no_evict && !c.close_asap && !c.is_replica() && !c.master_link;
    let (mut total, mut others) = (0, 0);
    for (t, c) in clients.iter() {
        if evictable(c) {
            total += usage(t, c);
        } else {
            others += usage(t, c);
        }
    }
    let mut evicted_running = false;
    while total >= limit {
        let biggest = clients
            .iter()
            .filter(|(_, c)| evictable(c))
            .map(|(t, c)| (t, usage(t, c)))
            .max_by_key(|&(_, bytes)| bytes);
        let Some((t, bytes)) = biggest else {
            warn!("Over client maxmemory after evicting all evictable clients");
            break;
        };
        info!(
            "Evicting client: {}",
            clients[t].info_line(crate::server::now_ms(), None)
        );
        clients[t].close_asap = true;
        st.kill(t);
        st.stats.evicted_clients += 1;
        total -= bytes;
        others += bytes;
        evicted_running |= running.is_some_and(|r| r.0 == t);
    }
    // The baseline leaves out the clients not counted (closing, or
    // NO-EVICT): their memory may go back while the others' grows.
    st.evictor.clients_allocated = allocated.saturating_sub(others);
    st.evictor.clients_total = total;
    evicted_running
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_follow_tenacity_as_redis() {
        let limit = |tenacity| {
            Settings {
                tenacity,
                ..Settings::default()
            }
            .time_limit()
            .map(|d| d.as_micros())
        };
        assert_eq!(limit(0), Some(0));
        assert_eq!(limit(10), Some(500));
        assert_eq!(limit(11), Some(575));
        assert_eq!(limit(99), Some((500.0 * 1.15f64.powi(89)) as u128));
        assert_eq!(limit(100), None);
    }

    #[test]
    fn policies_parse_from_their_names() {
        assert_eq!(Policy::parse(b"allkeys-lfu"), Policy::AllKeysLfu);
        assert_eq!(Policy::parse(b"volatile-ttl"), Policy::VolatileTtl);
        assert_eq!(Policy::parse(b"noeviction"), Policy::NoEviction);
        assert!(Policy::VolatileRandom.volatile() && !Policy::AllKeysLru.volatile());
        assert!(Policy::AllKeysLfu.per_key_clock() && !Policy::AllKeysRandom.per_key_clock());
    }
}
