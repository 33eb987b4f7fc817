//! What the server does with snapshots, and the status INFO persistence
//! reports: SAVE and BGSAVE as Redis runs them (their log lines, the
//! change counter, the last status), the `save` points checked by the
//! cron, FLUSHALL's abort-and-save, and loading the RDB file at start-up
//! or for DEBUG RELOAD.

use std::io;
use std::time::{Duration, Instant};

use super::aof::{self, load::AofLoader, load::Outcome as AofOutcome};
use super::load::{Failure, Fed, Feed, FileLoader, Progress};
use super::snapshot::{self, Bgsave, Step};
use crate::client::Clients;
use crate::db::Db;
use crate::server::State;

/// Seconds after a failed background save before a save point may start
/// another (Redis's `CONFIG_BGSAVE_RETRY_DELAY`).
const RETRY_DELAY_SECS: u64 = 5;
/// Longest slice of a background save's walk per loop iteration (2 ms
/// doubled the median latency clients saw under load in `benches/bgsave`).
const SLICE: Duration = Duration::from_millis(1);

/// INFO persistence's RDB figures and the save in progress.
#[derive(Default)]
pub struct RdbStatus {
    pub bgsave: Option<Bgsave>,
    /// The last background save failed (`rdb_last_bgsave_status:err`);
    /// with `stop-writes-on-bgsave-error` writes get -MISCONF.
    pub last_bgsave_failed: bool,
    /// Duration of the last background save, in seconds.
    pub last_bgsave_secs: Option<u64>,
    /// When a background save last started (`lastbgsave_try`).
    pub last_try_secs: u64,
    /// Saves started, foreground and background (`rdb_saves`).
    pub saves: u64,
    pub last_load_keys_loaded: u64,
    pub last_load_keys_expired: u64,
    /// When the next step of the walk is due (ms), if it is waiting.
    pub wake_at: Option<u64>,
    /// BGSAVE ran inside EXEC: the cron starts it (`rdb_bgsave_scheduled`).
    pub scheduled: bool,
}

impl std::fmt::Debug for RdbStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RdbStatus")
            .field("bgsave", &self.bgsave.is_some())
            .field("last_bgsave_failed", &self.last_bgsave_failed)
            .finish()
    }
}

/// The save points, as (seconds, changes) pairs.
pub fn save_points(st: &State) -> Vec<(u64, u64)> {
    let words: Vec<u64> = st
        .config
        .value("save")
        .split(|&c| c == b' ')
        .filter_map(|w| crate::util::number::parse_i64(w).map(|n| n.max(0) as u64))
        .collect();
    words.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

/// True when writes must be refused with -MISCONF: the last background
/// save failed, save points are set and `stop-writes-on-bgsave-error`.
pub fn writes_refused(st: &State) -> bool {
    st.rdb.last_bgsave_failed
        && st.config.value("stop-writes-on-bgsave-error") == b"yes"
        && !st.config.value("save").is_empty()
}

/// `rdbSave`: SAVE, SHUTDOWN's and FLUSHALL's save, DEBUG RELOAD's.
pub fn save(st: &mut State) -> io::Result<()> {
    let path = snapshot::rdb_path(&st.config);
    // A SIGINT during a shutdown's save means "exit now" (Redis's
    // "You insist..."): the save stops and its temporary file goes.
    let signal = st.signal.clone();
    let insist = st.shutdown_asap;
    let stop = move || insist && signal.load(std::sync::atomic::Ordering::SeqCst) == crate::server::SIGNAL_INT;
    let header = st.repl.rdb_header();
    match snapshot::save(&st.dbs, &st.config, st.packed_threshold, &path, &header, &stop) {
        Ok(()) => {
            log::info!("DB saved on disk");
            st.dirty = 0;
            st.lastsave_secs = crate::server::now_ms() / 1000;
            st.rdb.last_bgsave_failed = false;
            Ok(())
        }
        Err(e) => {
            log::warn!("Write error saving DB on disk: {}", crate::config::io_reason(&e));
            Err(e)
        }
    }
}

/// `rdbSaveBackground`: starts a background save.
pub fn bgsave(st: &mut State) -> io::Result<()> {
    let path = snapshot::rdb_path(&st.config);
    let now = crate::server::now_ms();
    st.rdb.last_try_secs = now / 1000;
    st.rdb.saves += 1;
    let header = st.repl.rdb_header();
    bgsave_to(st, snapshot::Target::File(path), &header)
}

/// A background save of the dataset to `target`: the RDB file, or
/// replicas' sockets for a diskless full sync.
pub fn bgsave_to(st: &mut State, target: snapshot::Target, header: &snapshot::Header) -> io::Result<()> {
    let to_replicas = matches!(target, snapshot::Target::Replicas { .. });
    match Bgsave::start(&mut st.dbs, &st.config, st.packed_threshold, target, st.dirty, header) {
        Ok(job) if to_replicas => {
            log::info!("Background RDB transfer started by pid {}", std::process::id());
            st.rdb.bgsave = Some(job);
            st.rdb.wake_at = None;
            Ok(())
        }
        Ok(job) => {
            log::info!("Background saving started by pid {}", std::process::id());
            st.rdb.bgsave = Some(job);
            st.rdb.wake_at = None;
            Ok(())
        }
        Err(e) => {
            st.rdb.last_bgsave_failed = true;
            log::warn!("Can't save in background: {}", crate::config::io_reason(&e));
            Err(e)
        }
    }
}

/// Stops a background save in progress (FLUSHALL, SHUTDOWN).
pub fn abort_bgsave(st: &mut State) {
    if let Some(job) = st.rdb.bgsave.take() {
        st.repl.snapshot_done = Some(false);
        st.repl.snapshot_for_replicas = false;
        log::warn!("Background saving aborted");
        job.abort(&mut st.dbs);
        st.rdb.wake_at = None;
    }
}

/// One slice of the background save, from the loop. Returns when the
/// loop should come back (None: no save running or nothing to do now).
pub fn step(st: &mut State) -> Option<u64> {
    let job = st.rdb.bgsave.as_mut()?;
    let now = crate::server::now_ms();
    job.set_delay(&st.config);
    if st.rdb.wake_at.is_some_and(|at| at > now) {
        return st.rdb.wake_at;
    }
    let deadline = job.slice_deadline(SLICE);
    let step = job.step(&mut st.dbs, deadline);
    st.rdb.wake_at = match step {
        Step::More => Some(now),
        Step::At(at) => Some(at),
        // Waiting for the writer to commit: look again soon.
        Step::Written => Some(now + 5),
    };
    if let Some(result) = job.poll_done() {
        done(st, result);
        return None;
    }
    st.rdb.wake_at
}

/// `backgroundSaveDoneHandler`.
fn done(st: &mut State, result: io::Result<()>) {
    let Some(job) = st.rdb.bgsave.take() else { return };
    st.rdb.wake_at = None;
    // Replicas waiting for a snapshot hear of it before the loop sleeps.
    st.repl.snapshot_done = Some(result.is_ok());
    st.repl.snapshot_for_replicas = false;
    let now = crate::server::now_ms();
    st.rdb.last_bgsave_secs = Some(now.saturating_sub(job.start_ms) / 1000);
    // A transfer to replicas' sockets is no save of the dataset
    // (`backgroundSaveDoneHandlerSocket`).
    if job.to_replicas {
        match result {
            Ok(()) => log::info!("Background RDB transfer terminated with success"),
            Err(_) => {
                log::warn!("Background transfer error");
                job.abort(&mut st.dbs);
            }
        }
        return;
    }
    match result {
        Ok(()) => {
            log::info!("Background saving terminated with success");
            st.dirty = st.dirty.saturating_sub(job.dirty_at_start);
            st.lastsave_secs = now / 1000;
            st.rdb.last_bgsave_failed = false;
        }
        Err(e) => {
            log::warn!("Background saving error: {}", crate::config::io_reason(&e));
            st.rdb.last_bgsave_failed = true;
            job.abort(&mut st.dbs);
        }
    }
}

/// The cron's part: a finished background save is reported; otherwise a
/// save point that is due starts one (after a failure, only once the
/// retry delay has passed).
pub fn cron(st: &mut State, now: u64) {
    if let Some(job) = st.rdb.bgsave.as_mut() {
        if let Some(result) = job.poll_done() {
            done(st, result);
        }
        return;
    }
    if st.aof.rewrite.is_some() {
        return;
    }
    let secs = now / 1000;
    let since_save = secs.saturating_sub(st.lastsave_secs);
    let may_retry = !st.rdb.last_bgsave_failed || secs.saturating_sub(st.rdb.last_try_secs) > RETRY_DELAY_SECS;
    if st.rdb.scheduled && may_retry {
        st.rdb.scheduled = false;
        let _ = bgsave(st);
        return;
    }
    let due = save_points(st)
        .into_iter()
        .find(|&(seconds, changes)| st.dirty >= changes && since_save > seconds);
    if let Some((seconds, changes)) = due
        && may_retry
    {
        log::info!("{changes} changes in {seconds} seconds. Saving...");
        let _ = bgsave(st);
    }
}

/// What a file is read through.
type FileReader = io::BufReader<std::fs::File>;

/// A load in progress at start-up: the loop loads a slice per iteration
/// and meanwhile answers clients (-LOADING for most commands).
pub struct Loading {
    source: Source,
    /// When it started (unix seconds) and, for the slices, monotonic.
    pub start_secs: u64,
    started: Instant,
    pub total_bytes: u64,
    /// `key-load-delay` in microseconds per key (negative: a key per that
    /// many nanoseconds).
    delay_us: i64,
    /// A snapshot from this server's master: a failure is not fatal, and
    /// the end hands over to replication.
    from_master: bool,
    /// It loads beside the live dataset, which clients go on using
    /// (`async_loading`): the loop runs it between its usual work.
    pub background: bool,
}

/// What is being loaded.
enum Source {
    Rdb(Box<FileLoader<FileReader>>),
    Aof(Box<AofLoader>),
    Socket(Box<SocketLoad>),
}

/// A master's snapshot parsed as it arrives (`repl-diskless-load`).
struct SocketLoad {
    /// The bytes so far, until the signature has come; then its loader.
    parse: Option<Result<FileLoader<Feed>, Feed>>,
    /// The announced size (`$<len>`), None for a `$EOF:` transfer.
    len: Option<u64>,
    /// Parsed to the end; the transfer's end mark may still be coming.
    parsed: bool,
    /// The last step found the next record incomplete.
    starved: bool,
    /// `swapdb`: the data from before, back if the load fails.
    kept: Option<Kept>,
    /// `async_loading`: the databases it loads into, swapped with the
    /// live ones at the end.
    beside: Option<Vec<Db>>,
    /// The link stopped reading with the feed full: woken once it is not.
    link_held: bool,
    /// Bytes received after the snapshot was parsed to its end.
    after_end: u64,
}

/// Bytes of a socket load received but not yet parsed, at most: past
/// it the link stops reading, so a slow load slows the master's
/// transfer as Redis's blocking read does.
const SOCKET_LOAD_AHEAD: usize = 1 << 20;

impl SocketLoad {
    /// How many more bytes the link may hand over now.
    fn room(&self) -> usize {
        if self.parsed {
            // What follows the snapshot is only counted.
            return usize::MAX;
        }
        match &self.parse {
            Some(Ok(loader)) => loader.feed().room(SOCKET_LOAD_AHEAD),
            Some(Err(feed)) => feed.room(SOCKET_LOAD_AHEAD),
            None => 0,
        }
    }

    fn feed(&mut self) -> Option<&mut Feed> {
        match self.parse.as_mut()? {
            Ok(loader) => Some(loader.feed_mut()),
            Err(feed) => Some(feed),
        }
    }
}

/// The dataset set aside while a `swapdb` load runs.
pub struct Kept {
    pub dbs: Vec<crate::db::Flushed>,
    pub functions: Vec<Box<[u8]>>,
}

/// What undoing a socket load that did not finish takes.
pub enum Undo {
    /// Emptying what it loaded into the live databases.
    Empty,
    /// `swapdb`: bringing back the dataset set aside.
    Restore(Kept),
    /// Nothing: it loaded beside the live dataset (`async_loading`).
    Nothing,
}

impl Loading {
    pub fn loaded_bytes(&self) -> u64 {
        match &self.source {
            Source::Rdb(loader) => loader.position(),
            Source::Aof(loader) => loader.loaded_bytes(),
            Source::Socket(s) => match &s.parse {
                Some(Ok(loader)) => loader.position(),
                _ => 0,
            },
        }
    }

    pub fn rdb_used_mem(&self) -> u64 {
        match &self.source {
            Source::Rdb(loader) => loader.rdb_used_mem,
            Source::Socket(s) => match &s.parse {
                Some(Ok(loader)) => loader.rdb_used_mem,
                _ => 0,
            },
            Source::Aof(_) => 0,
        }
    }
}

impl std::fmt::Debug for Loading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Loading({}/{} bytes)", self.loaded_bytes(), self.total_bytes)
    }
}

/// Opens the RDB file for loading at start-up (`st.loading`). A missing
/// file is an empty dataset; a file that cannot be opened or read is an
/// error whose text is the last line Redis logs before exiting (what went
/// wrong is logged before it).
pub fn begin_load(st: &mut State) -> Result<(), String> {
    if let Err(mut lines) = aof::load_manifest(st) {
        let last = lines.pop().unwrap_or_default();
        lines.iter().for_each(|l| log::warn!("{l}"));
        return Err(last);
    }
    let delay = crate::util::number::parse_i64(st.config.value("key-load-delay")).unwrap_or(0);
    let loading = |source, total_bytes| {
        Some(Box::new(Loading {
            source,
            total_bytes,
            start_secs: crate::server::now_ms() / 1000,
            started: Instant::now(),
            delay_us: delay,
            from_master: false,
            background: false,
        }))
    };
    if st.aof.mode == aof::Mode::On {
        aof::upgrade_if_needed(st)?;
        match AofLoader::new(st, &st.aof.manifest) {
            Ok(loader) => {
                let total = loader.total_size;
                begin_replay(st);
                st.loading = loading(Source::Aof(Box::new(loader)), total);
                return Ok(());
            }
            Err(AofOutcome::NotExist) => {}
            Err(AofOutcome::Empty) => log::info!("DB loaded from append only file: 0.000 seconds"),
            Err(_) => return Err(String::new()),
        }
        return aof::open_on_start(st);
    }
    match open(st, false) {
        Ok(Some((mut loader, total))) => {
            log::info!("Loading the dataset from {}", snapshot::rdb_path(&st.config).display());
            // A master's backlog takes the DELs of keys that expired
            // while it was down, so that its replicas, continuing the
            // snapshot's history, delete them too.
            if !st.repl.is_replica() {
                crate::repl::create_backlog(st);
                loader.dropped = Some(Vec::new());
            }
            st.loading = loading(Source::Rdb(Box::new(loader)), total);
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => Err(startup_failure(e)),
    }
}

/// Starts loading the snapshot a master sent (written to the RDB file):
/// in slices, as at start-up, keeping keys past their TTL (the master
/// deletes them).
pub fn begin_master_load(st: &mut State) -> Result<(), LoadError> {
    let Some((mut loader, total_bytes)) = open(st, false)? else {
        return Err(LoadError::Open(io::Error::from(io::ErrorKind::NotFound)));
    };
    loader.keep_expired = true;
    let delay = crate::util::number::parse_i64(st.config.value("key-load-delay")).unwrap_or(0);
    st.loading = Some(Box::new(Loading {
        source: Source::Rdb(Box::new(loader)),
        total_bytes,
        start_secs: crate::server::now_ms() / 1000,
        started: Instant::now(),
        delay_us: delay,
        from_master: true,
        background: false,
    }));
    Ok(())
}

/// Starts loading a master's snapshot from the link itself, as its bytes
/// arrive ([`feed_socket_load`]); `kept` is the dataset a `swapdb` load
/// set aside. With `beside`, it loads into databases of its own while the
/// live ones serve clients (`async_loading`).
pub fn begin_socket_load(st: &mut State, len: Option<u64>, kept: Option<Kept>, beside: bool) {
    let delay = crate::util::number::parse_i64(st.config.value("key-load-delay")).unwrap_or(0);
    let now = crate::server::now_ms();
    let background = beside;
    let beside = beside.then(|| st.dbs.iter().map(|_| Db::new(now)).collect());
    st.loading = Some(Box::new(Loading {
        source: Source::Socket(Box::new(SocketLoad {
            parse: Some(Err(Feed::default())),
            len,
            parsed: false,
            starved: false,
            kept,
            beside,
            link_held: false,
            after_end: 0,
        })),
        total_bytes: len.unwrap_or(0),
        start_secs: now / 1000,
        started: Instant::now(),
        delay_us: delay,
        from_master: true,
        background,
    }));
}

/// How many bytes a socket load takes now (None: no socket load).
pub fn socket_load_room(loading: &Option<Box<Loading>>) -> Option<usize> {
    let Some(Source::Socket(s)) = loading.as_ref().map(|l| &l.source) else {
        return None;
    };
    Some(s.room())
}

/// The link left bytes unread for want of room: the load wakes it once
/// it has parsed some.
pub fn hold_socket_load_link(loading: &mut Option<Box<Loading>>) {
    if let Some(Source::Socket(s)) = loading.as_mut().map(|l| &mut l.source) {
        s.link_held = true;
    }
}

/// Bytes of the snapshot a socket load reads; `ended` once it is whole.
pub fn feed_socket_load(loading: &mut Option<Box<Loading>>, bytes: &[u8], ended: bool) {
    let Some(Source::Socket(s)) = loading.as_mut().map(|l| &mut l.source) else {
        return;
    };
    s.starved = false;
    let parsed = s.parsed;
    if parsed {
        // Past the snapshot's end: only counted (a `$EOF:` mark).
        s.after_end += bytes.len() as u64;
    }
    if let Some(feed) = s.feed() {
        if !parsed {
            feed.push(bytes);
        }
        if ended {
            feed.end();
        }
    }
}

/// True while a master's snapshot is parsed from the link.
pub fn is_socket_load(st: &State) -> bool {
    matches!(st.loading.as_ref().map(|l| &l.source), Some(Source::Socket(_)))
}

/// True while a socket load waits for bytes from the master.
pub fn socket_load_waiting(st: &State) -> bool {
    matches!(st.loading.as_ref().map(|l| &l.source), Some(Source::Socket(s)) if s.starved && !s.link_held)
}

/// Stops a socket load (its link went away, or the snapshot is bad),
/// and says what undoing it takes. Databases it loaded beside the live
/// ones are freed on the lazyfree thread.
pub fn abort_socket_load(st: &mut State) -> Undo {
    if !is_socket_load(st) {
        return Undo::Nothing;
    }
    let Some(Source::Socket(s)) = st.loading.take().map(|l| l.source) else {
        return Undo::Nothing;
    };
    match (s.kept, s.beside) {
        (Some(kept), _) => Undo::Restore(kept),
        (None, Some(mut beside)) => {
            log::info!("MASTER <-> REPLICA sync: Discarding temporary DB in background");
            free_databases(&mut beside);
            Undo::Nothing
        }
        (None, None) => Undo::Empty,
    }
}

/// Empties databases, their contents freed on the lazyfree thread.
fn free_databases(dbs: &mut [Db]) {
    let n = dbs.iter().map(Db::len).sum();
    let flushed = dbs.iter_mut().map(Db::flush).collect();
    crate::command::keys::free_flushed(flushed, true, n);
}

/// Replaying the AOF: nothing expires and nothing is propagated.
fn begin_replay(st: &mut State) {
    st.replaying = true;
    st.prop.on = false;
    for db in &mut st.dbs {
        db.replaying = true;
        db.lfu = st.config.lfu;
    }
}

fn end_replay(st: &mut State) {
    st.replaying = false;
    st.prop.on = st.aof.mode != aof::Mode::Off || st.repl.on();
    for db in &mut st.dbs {
        db.replaying = false;
    }
    st.sync_notes();
}

/// The start-up error for a failed load, its details logged.
fn startup_failure(e: LoadError) -> String {
    match e {
        LoadError::Open(e) => format!("Fatal error loading the DB: {}. Exiting.", crate::config::io_reason(&e)),
        LoadError::Failed(f) => {
            log::warn!("{f}");
            // Redis then runs its checker on the file, which reports the
            // error again in its own words.
            if let Failure::Corrupt { offset, why } = &f {
                log::warn!("--- RDB ERROR DETECTED ---");
                log::warn!("[offset {offset}] {why}");
            }
            "Terminating server after rdb file reading failure.".into()
        }
    }
}

/// One slice of the start-up load. Ok(true) once the dataset is loaded.
/// As Redis, clients are served between slices of
/// `loading-process-events-interval-bytes` (so a small file loads before
/// any client is), or while `key-load-delay` holds the load back.
pub fn load_step(st: &mut State, clients: &mut Clients) -> Result<bool, String> {
    let interval = crate::util::number::parse_i64(st.config.value("loading-process-events-interval-bytes"))
        .unwrap_or(2 << 20)
        .max(1) as u64;
    let Some(loading) = st.loading.as_mut() else {
        return Ok(true);
    };
    match loading.source {
        Source::Aof(_) => return aof_load_step(st, clients, interval),
        Source::Socket(_) => {
            socket_load_step(st, clients, interval);
            wake_held_link(st);
            return Ok(false);
        }
        Source::Rdb(_) => {}
    }
    let Source::Rdb(loader) = &mut loading.source else {
        unreachable!()
    };
    let now = crate::server::now_ms();
    let until = loader.position() + interval;
    loop {
        let done = loader.keys_loaded + loader.keys_expired;
        let budget = snapshot::keys_allowed(loading.started, loading.delay_us)
            .saturating_sub(done)
            .min(256) as usize;
        if budget == 0 {
            return Ok(false);
        }
        let step = loader.step(&mut st.dbs, now, budget);
        if let Some(dropped) = loader.dropped.as_mut() {
            let lazy = st.config.lazyfree_lazy_expire;
            for (db, key) in dropped.drain(..) {
                let mut del = Vec::new();
                let name: &[u8] = if lazy { b"UNLINK" } else { b"DEL" };
                crate::server::propagate::write_command(&mut del, [name, &key].into_iter());
                st.repl.feed(Some(db), &del);
            }
        }
        match step {
            Ok(Progress::Done) => break,
            Ok(Progress::More) => {}
            Err(f) if loading.from_master => {
                log::warn!("{f}");
                log::warn!("Failed trying to load the MASTER synchronization DB from disk");
                st.loading = None;
                crate::repl::replica::load_failed(st, clients);
                return Ok(false);
            }
            Err(f) => return Err(startup_failure(LoadError::Failed(f))),
        }
        if loader.position() >= until {
            return Ok(false);
        }
    }
    let loading = st.loading.take().expect("loading");
    let Source::Rdb(loader) = &loading.source else {
        unreachable!()
    };
    finish_load(st, loader);
    if loading.from_master {
        let db = loader.repl_stream_db.unwrap_or(0);
        crate::repl::replica::loaded(st, clients, db);
        return Ok(false);
    }
    log::info!(
        "DB loaded from disk: {:.3} seconds",
        loading.started.elapsed().as_secs_f64()
    );
    if !st.repl.is_replica() {
        continue_history(st, loader);
    }
    Ok(true)
}

/// A master restarted on its snapshot continues the history it names;
/// a snapshot without one leaves no backlog.
fn continue_history<R>(st: &mut State, loader: &FileLoader<R>) {
    match (&loader.repl_id, loader.repl_offset, loader.repl_stream_db) {
        (Some(id), Some(offset), Some(_)) => crate::repl::restarted_at(st, id.clone(), offset),
        _ => crate::repl::drop_backlog(st),
    }
}

/// A slice of a socket load: what has arrived is parsed; once all is
/// and the transfer has ended, replication takes over.
fn socket_load_step(st: &mut State, clients: &mut Clients, interval: u64) {
    let Some(Source::Socket(s)) = st.loading.as_mut().map(|l| &mut l.source) else {
        return;
    };
    if let Some(Err(_)) = s.parse {
        let Some(Err(feed)) = s.parse.take() else {
            unreachable!()
        };
        match FileLoader::from_feed(feed, s.len, &st.config) {
            Ok(Ok(mut loader)) => {
                // As from a file: keys past their TTL stay (the master
                // deletes them), the access clocks follow the policy.
                loader.keep_expired = true;
                loader.skip_checksum = st.skip_checksum;
                if s.beside.is_some() {
                    loader.functions_aside = Some(Vec::new());
                }
                for db in st.dbs.iter_mut().chain(s.beside.iter_mut().flatten()) {
                    db.lfu = st.config.lfu;
                }
                s.parse = Some(Ok(loader));
            }
            Ok(Err(feed)) => s.parse = Some(Err(feed)),
            Err(f) => return socket_load_failed(st, clients, f),
        }
    }
    let loading = st.loading.as_mut().expect("loading");
    let Source::Socket(s) = &mut loading.source else {
        unreachable!()
    };
    let Some(Ok(loader)) = s.parse.as_mut() else {
        s.starved = true;
        return;
    };
    let now = crate::server::now_ms();
    let until = loader.position() + interval;
    while !s.parsed {
        let done = loader.keys_loaded + loader.keys_expired;
        let budget = snapshot::keys_allowed(loading.started, loading.delay_us)
            .saturating_sub(done)
            .min(256) as usize;
        if budget == 0 {
            return;
        }
        let dbs = s.beside.as_mut().unwrap_or(&mut st.dbs);
        match loader.step_fed(dbs, now, budget) {
            Ok(Fed::Done) => s.parsed = true,
            Ok(Fed::More) => {}
            Ok(Fed::Starved) => {
                s.starved = true;
                return;
            }
            Err(f) => return socket_load_failed(st, clients, f),
        }
        if loader.position() >= until {
            return;
        }
    }
    if !loader.feed_mut().ended() {
        s.starved = true;
        return;
    }
    // A `$EOF:` transfer ends with its mark right after the snapshot.
    let after_end = loader.feed().held() as u64 + s.after_end;
    if s.len.is_none() && after_end != 40 {
        log::warn!("Replication stream EOF marker is broken");
        let undo = abort_socket_load(st);
        return crate::repl::replica::socket_load_failed(st, clients, undo);
    }
    let loading = st.loading.take().expect("loading");
    let Source::Socket(s) = loading.source else {
        unreachable!()
    };
    let Some(Ok(mut loader)) = s.parse else { unreachable!() };
    // Loaded beside the live dataset: the two swap now, the old one to
    // be freed like `swapdb`'s, the libraries replaced.
    let kept = match s.beside {
        Some(mut beside) => {
            // A save of the live dataset (for this server's replicas)
            // cannot go on across the swap; WATCH hears of every key
            // either side holds.
            abort_bgsave(st);
            crate::command::transaction::touch_replaced(st, clients, |st, db, key| {
                st.dbs[db].peek(key).is_some() || beside[db].peek(key).is_some()
            });
            let old = st
                .dbs
                .iter_mut()
                .zip(beside.iter_mut())
                .map(|(db, new)| db.restore(new.flush()))
                .collect();
            crate::script::function::flush();
            for code in loader.functions_aside.take().unwrap_or_default() {
                if let Err(e) = crate::script::function::load(&code, true) {
                    log::warn!("Failed loading library, {}", String::from_utf8_lossy(&e));
                }
            }
            Some(Kept {
                dbs: old,
                functions: Vec::new(),
            })
        }
        None => s.kept,
    };
    finish_load(st, &loader);
    let db = loader.repl_stream_db.unwrap_or(0);
    crate::repl::replica::socket_loaded(st, clients, db, kept);
}

/// The master link left bytes unread for want of room: once the load
/// has made some, it reads again.
fn wake_held_link(st: &mut State) {
    let Some(Source::Socket(s)) = st.loading.as_mut().map(|l| &mut l.source) else {
        return;
    };
    if s.link_held && s.room() > 0 {
        s.link_held = false;
        if let Some(t) = st.repl.master.as_ref().and_then(|l| l.token) {
            st.woken.push(t);
        }
    }
}

fn socket_load_failed(st: &mut State, clients: &mut Clients, f: Failure) {
    log::warn!("{f}");
    log::warn!("Failed trying to load the MASTER synchronization DB from socket");
    let undo = abort_socket_load(st);
    crate::repl::replica::socket_load_failed(st, clients, undo);
}

/// A slice of replaying the AOF at start-up; when it is done the AOF is
/// opened for appending.
fn aof_load_step(st: &mut State, clients: &mut Clients, interval: u64) -> Result<bool, String> {
    // Out of `st` while it runs (the commands it replays need `st`).
    let Some(mut loading) = st.loading.take() else {
        return Ok(true);
    };
    let Source::Aof(loader) = &mut loading.source else {
        return Ok(true);
    };
    let until = loader.loaded_bytes() + interval;
    let result = loop {
        let budget = snapshot::keys_allowed(loading.started, loading.delay_us)
            .saturating_sub(loader.keys_loaded + loader.commands)
            .min(1024) as usize;
        if budget == 0 {
            break Ok(false);
        }
        match loader.step(st, clients, budget) {
            Ok(Progress::Done) => break Ok(true),
            Ok(Progress::More) => {}
            Err(aof::Logged) => break Err(String::new()),
        }
        if loader.loaded_bytes() >= until {
            break Ok(false);
        }
    };
    match result {
        Ok(false) => {
            st.loading = Some(loading);
            Ok(false)
        }
        Ok(true) => {
            end_replay(st);
            st.aof.current_size = loader.total_size;
            st.aof.base_size = loader.base_size;
            st.rdb.last_load_keys_loaded = loader.keys_loaded;
            log::info!(
                "DB loaded from append only file: {:.3} seconds",
                loading.started.elapsed().as_secs_f64()
            );
            aof::open_on_start(st)?;
            Ok(true)
        }
        Err(e) => Err(e),
    }
}

/// DEBUG LOADAOF: the buffer is written, the databases emptied, the
/// manifest read again and the files replayed in one go. Err(Logged) means
/// the server must exit, as Redis does.
pub fn load_aof_now(st: &mut State, clients: &mut Clients) -> Result<(), aof::Logged> {
    if st.aof.mode != aof::Mode::Off {
        aof::flush(st, true);
    }
    abort_bgsave(st);
    aof::rewrite::kill(st);
    for db in &mut st.dbs {
        crate::lazyfree::free_quietly(db.flush());
    }
    crate::script::function::flush();
    if let Err(lines) = aof::load_manifest(st) {
        lines.iter().for_each(|l| log::warn!("{l}"));
        return Err(aof::Logged);
    }
    aof::delete_history(st);
    let mut loader = match AofLoader::new(st, &st.aof.manifest) {
        Ok(loader) => loader,
        Err(AofOutcome::Empty) => return Ok(()),
        Err(_) => return Err(aof::Logged),
    };
    let on = st.prop.on;
    begin_replay(st);
    let result = loop {
        match loader.step(st, clients, usize::MAX) {
            Ok(Progress::Done) => break Ok(()),
            Ok(Progress::More) => {}
            Err(aof::Logged) => break Err(aof::Logged),
        }
    };
    end_replay(st);
    st.prop.on = on;
    if loader.outcome != AofOutcome::Ok {
        return Err(aof::Logged);
    }
    st.aof.current_size = loader.total_size;
    st.aof.base_size = loader.base_size;
    result
}

/// When the load's next slice may run (ms), for the poll timeout.
pub fn load_wake(st: &State) -> Option<u64> {
    let loading = st.loading.as_ref()?;
    // A socket load waiting for bytes wakes when they come.
    if let Source::Socket(s) = &loading.source
        && s.starved
    {
        return None;
    }
    Some(crate::server::now_ms())
}

/// Why a load did not happen or stopped.
#[derive(Debug)]
pub enum LoadError {
    Open(io::Error),
    Failed(Failure),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Open(e) => write!(f, "Fatal error loading the DB: {}", crate::config::io_reason(e)),
            LoadError::Failed(failure) => write!(f, "{failure}"),
        }
    }
}

/// FLUSHALL's part (`flushAllDataAndResetRDB`): a background save is
/// stopped, and with save points set the now empty dataset is saved.
pub fn after_flushall(st: &mut State) {
    abort_bgsave(st);
    if !save_points(st).is_empty() {
        let _ = save(st);
    }
}

/// Opens the configured RDB file and reads its header: the loader and
/// the file's size, or None if there is no file.
fn open(st: &mut State, merge: bool) -> Result<Option<(FileLoader<FileReader>, u64)>, LoadError> {
    let path = snapshot::rdb_path(&st.config);
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LoadError::Open(e)),
    };
    let len = file.metadata().map_err(LoadError::Open)?.len();
    let reader = io::BufReader::with_capacity(1 << 16, file);
    let mut loader = FileLoader::new(reader, len, &st.config, merge).map_err(LoadError::Failed)?;
    loader.skip_checksum = st.skip_checksum;
    // A replica keeps keys past their TTL: its master deletes them
    // (Redis drops them only when `iAmMaster`).
    loader.keep_expired = st.repl.is_replica();
    for db in &mut st.dbs {
        db.lfu = st.config.lfu;
    }
    Ok(Some((loader, len)))
}

/// A load's closing figures, logged and kept for INFO.
fn finish_load<R>(st: &mut State, loader: &FileLoader<R>) {
    if loader.empty_skipped > 0 {
        log::info!(
            "Done loading RDB, keys loaded: {}, keys expired: {}, empty keys skipped: {}.",
            loader.keys_loaded,
            loader.keys_expired,
            loader.empty_skipped
        );
    } else {
        log::info!(
            "Done loading RDB, keys loaded: {}, keys expired: {}.",
            loader.keys_loaded,
            loader.keys_expired
        );
    }
    st.rdb.last_load_keys_loaded = loader.keys_loaded;
    st.rdb.last_load_keys_expired = loader.keys_expired;
    // A replica restarted on its snapshot continues its master's history
    // from there (Redis's `replicationCacheMasterUsingMyself`).
    if let (Some(id), Some(offset)) = (&loader.repl_id, loader.repl_offset)
        && st.repl.is_replica()
    {
        st.repl.replid = id.clone();
        st.repl.offset = offset;
        st.repl.psync_ok = true;
        if let Some(link) = st.repl.master.as_mut() {
            link.stream_db = loader.repl_stream_db.unwrap_or(0);
        }
    }
}

/// `rdbLoad` of the configured file into the databases, in one go (DEBUG
/// RELOAD); Ok(false) if there is no file. `merge` lets the file's keys
/// replace existing ones.
pub fn load(st: &mut State, merge: bool) -> Result<bool, LoadError> {
    let Some((mut loader, _)) = open(st, merge)? else {
        return Ok(false);
    };
    let now = crate::server::now_ms();
    while loader.step(&mut st.dbs, now, usize::MAX).map_err(LoadError::Failed)? == Progress::More {}
    finish_load(st, &loader);
    Ok(true)
}

/// The final save failed, so the server stays up (the reason is logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownRefused;

/// `prepareForShutdown`'s persistence part: a background save is stopped,
/// then the dataset is saved if `save` says so (None: if save points are
/// set; never while loading). A failed save stops the shutdown unless
/// `force`.
pub fn prepare_shutdown(st: &mut State, save: Option<bool>, force: bool) -> Result<(), ShutdownRefused> {
    if st.rdb.bgsave.is_some() {
        log::warn!("There is a child saving an .rdb. Killing it!");
        abort_bgsave(st);
    }
    aof::prepare_shutdown(st, force).map_err(|aof::Logged| ShutdownRefused)?;
    let save = st.loading.is_none() && save.unwrap_or_else(|| !save_points(st).is_empty());
    if save {
        log::info!("Saving the final RDB snapshot before exiting.");
        let result = save_now(st);
        if result.as_ref().is_err_and(|e| e.kind() == io::ErrorKind::Interrupted) {
            log::warn!("You insist... exiting now.");
            std::process::exit(1);
        }
        if result.is_err() {
            if !force {
                log::warn!("Error trying to save the DB, can't exit.");
                return Err(ShutdownRefused);
            }
            log::warn!("Error trying to save the DB. Exit anyway.");
        }
    }
    Ok(())
}

/// SAVE's work, counted in `rdb_saves`.
pub fn save_now(st: &mut State) -> io::Result<()> {
    st.rdb.saves += 1;
    save(st)
}
