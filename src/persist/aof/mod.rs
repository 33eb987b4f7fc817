//! The append-only file, multi-part as Redis 7.0 keeps it: a directory
//! (`appenddirname`) holding a base (an RDB, or commands), incremental
//! files of commands written since, and the [`manifest`] naming them.
//!
//! This module owns the AOF's state: the buffer the propagated command
//! stream is fed into (`Aof::feed`), writing it before the loop sends
//! replies with the `appendfsync` policy (`flush`: `always` syncs there,
//! once per loop iteration for every write in it; `everysec` hands the
//! sync to a background thread), turning the AOF on and off at run time,
//! the rewrite (BGREWRITEAOF: a forkless background save of a new base,
//! see [`rewrite`]), start-up (loading, see [`load`], then opening the
//! last incremental file) and what INFO persistence shows.

pub mod load;
pub mod manifest;
pub mod plain;
pub mod rewrite;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};

use crate::config::{Config, io_reason};
use crate::server::State;
use manifest::Manifest;

/// An AOF operation failed; why is already in the log, as Redis reports
/// these failures, so callers only need to know that it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged;

/// Seconds between two logs of the same write error (Redis's
/// `AOF_WRITE_LOG_ERROR_RATE`).
const WRITE_ERROR_LOG_RATE: u64 = 30;

/// Whether the AOF is on (Redis's `aof_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Off,
    On,
    /// Turned on at run time: the first base is being written.
    WaitRewrite,
}

/// `appendfsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fsync {
    Always,
    Everysec,
    No,
}

/// The background fsync thread (Redis's `BIO_AOF_FSYNC` jobs): it syncs
/// (and then closes) the file handles it is given.
struct Syncer {
    tx: Sender<File>,
    pending: Arc<AtomicUsize>,
    /// The last background fsync failed (`aof_bio_fsync_status`), why.
    failed: Arc<Mutex<Option<String>>>,
    failing: Arc<AtomicBool>,
}

impl Syncer {
    fn start() -> io::Result<Syncer> {
        let (tx, rx) = mpsc::channel::<File>();
        let pending = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(Mutex::new(None));
        let failing = Arc::new(AtomicBool::new(false));
        let (p, f, fl) = (pending.clone(), failed.clone(), failing.clone());
        std::thread::Builder::new()
            .name("loopkv-aof-fsync".into())
            .spawn(move || {
                while let Ok(file) = rx.recv() {
                    match file.sync_data() {
                        Ok(()) => fl.store(false, Ordering::SeqCst),
                        Err(e) => {
                            if !fl.swap(true, Ordering::SeqCst) {
                                log::warn!("Fail to fsync the AOF file: {}", io_reason(&e));
                            }
                            *f.lock().unwrap_or_else(|p| p.into_inner()) = Some(io_reason(&e));
                        }
                    }
                    drop(file);
                    p.fetch_sub(1, Ordering::SeqCst);
                }
            })?;
        Ok(Syncer {
            tx,
            pending,
            failed,
            failing,
        })
    }

    /// Syncs (then closes) `file` in the background.
    fn submit(&self, file: File) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        if self.tx.send(file).is_err() {
            self.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn in_progress(&self) -> bool {
        self.pending.load(Ordering::SeqCst) > 0
    }
}

/// The AOF's state.
#[derive(Default)]
pub struct Aof {
    pub mode: Mode,
    /// Commands fed since the last write (`aof_buf`).
    pub buf: Vec<u8>,
    /// The database the file's last SELECT chose.
    selected_db: Option<usize>,
    /// The second of the last `#TS:` annotation.
    last_timestamp: u64,
    pub timestamps: bool,
    /// The incremental file being appended to (during a first rewrite,
    /// the temporary one).
    file: Option<File>,
    pub manifest: Manifest,
    /// `aof_current_size` and `aof_rewrite_base_size`.
    pub current_size: u64,
    pub base_size: u64,
    /// Size of the file being appended to, and how much of it is synced.
    incr_size: u64,
    incr_synced: u64,
    last_fsync_secs: u64,
    /// When a write began waiting for a background fsync (seconds).
    postponed_since: u64,
    pub delayed_fsync: u64,
    syncer: Option<Syncer>,
    /// The last write failed, and why (`aof_last_write_status`).
    pub write_error: Option<String>,
    last_error_log: u64,
    /// A rewrite is due as soon as none runs (`aof_rewrite_scheduled`).
    pub rewrite_scheduled: bool,
    pub rewrite: Option<rewrite::Rewrite>,
    pub rewrites: u64,
    pub consecutive_failures: u64,
    pub last_rewrite_failed: bool,
    pub last_rewrite_secs: Option<u64>,
    /// The failure limiter's state: next delay (minutes), retry time.
    limit: (u64, u64),
    /// DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each write.
    pub flush_sleep_us: u64,
}

impl std::fmt::Debug for Aof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aof").field("mode", &self.mode).finish()
    }
}

impl Aof {
    /// Whether fed commands are kept: the AOF is on, or it is being
    /// created and its rewrite runs (before that, the base to come will
    /// hold them).
    pub fn accepting(&self) -> bool {
        self.mode == Mode::On || (self.mode == Mode::WaitRewrite && self.rewrite.is_some())
    }

    /// Appends one propagated command of database `db` (Redis's
    /// `feedAppendOnlyFile`): a `#TS:` line first once per second with
    /// `aof-timestamp-enabled`, and a SELECT when the database changes.
    pub fn feed(&mut self, db: usize, command: &[u8]) {
        if !self.accepting() {
            return;
        }
        if self.timestamps {
            let now = crate::server::now_ms() / 1000;
            if self.last_timestamp < now {
                self.last_timestamp = now;
                self.buf.extend_from_slice(format!("#TS:{now}\r\n").as_bytes());
            }
        }
        if self.selected_db != Some(db) && !command.starts_with(b"*1\r\n$4\r\nEXEC") {
            let n = db.to_string();
            self.buf
                .extend_from_slice(format!("*2\r\n$6\r\nSELECT\r\n${}\r\n{n}\r\n", n.len()).as_bytes());
            self.selected_db = Some(db);
        }
        self.buf.extend_from_slice(command);
    }

    fn syncer(&mut self) -> Option<&Syncer> {
        if self.syncer.is_none() {
            match Syncer::start() {
                Ok(s) => self.syncer = Some(s),
                Err(e) => log::warn!("Can't start the AOF fsync thread: {e}"),
            }
        }
        self.syncer.as_ref()
    }

    /// Syncs (then closes) a handle of the file in the background.
    fn background_fsync(&mut self, file: File) {
        match self.syncer() {
            Some(s) => s.submit(file),
            None => {
                let _ = file.sync_data();
            }
        }
    }

    fn fsync_in_progress(&self) -> bool {
        self.syncer.as_ref().is_some_and(Syncer::in_progress)
    }

    /// Background fsyncs queued (`aof_pending_bio_fsync`).
    pub fn pending_fsyncs(&self) -> usize {
        self.syncer.as_ref().map_or(0, |s| s.pending.load(Ordering::SeqCst))
    }

    /// Whether the last write or background fsync failed (cheap check).
    pub fn failing(&self) -> bool {
        self.mode != Mode::Off
            && (self.write_error.is_some() || self.syncer.as_ref().is_some_and(|s| s.failing.load(Ordering::Relaxed)))
    }

    /// Why writes are refused, if they are: the last write or
    /// background fsync failed.
    pub fn error(&self) -> Option<String> {
        if self.mode == Mode::Off {
            return None;
        }
        if let Some(e) = &self.write_error {
            return Some(e.clone());
        }
        let s = self.syncer.as_ref()?;
        if s.failing.load(Ordering::SeqCst) {
            return s.failed.lock().ok().and_then(|g| g.clone());
        }
        None
    }
}

/// The AOF directory: `dir` / `appenddirname`.
pub fn dir_path(config: &Config) -> PathBuf {
    super::snapshot::dir(config).join(std::ffi::OsStr::from_bytes(config.value("appenddirname")))
}

/// `appendfilename`, the prefix of every file's name.
fn prefix(config: &Config) -> Vec<u8> {
    config.value("appendfilename").to_vec()
}

fn manifest_name(config: &Config) -> Vec<u8> {
    let mut name = prefix(config);
    name.extend_from_slice(b".manifest");
    name
}

fn fsync_policy(config: &Config) -> Fsync {
    match config.value("appendfsync") {
        b"always" => Fsync::Always,
        b"no" => Fsync::No,
        _ => Fsync::Everysec,
    }
}

fn now_secs() -> u64 {
    crate::server::now_ms() / 1000
}

/// Writes the manifest if it changed; the caller decides what a failure
/// means.
pub fn persist_manifest(st: &mut State) -> io::Result<()> {
    if !st.aof.manifest.dirty {
        return Ok(());
    }
    let dir = dir_path(&st.config);
    let name = manifest_name(&st.config);
    st.aof.manifest.persist(&dir, &name)
}

/// Reads the manifest at start-up (`aofLoadManifestFromDisk`): none, or
/// no directory, is an empty one. A damaged one is fatal: Err holds the
/// lines Redis logs before exiting.
pub fn load_manifest(st: &mut State) -> Result<(), Vec<String>> {
    st.aof.manifest = Manifest::default();
    let dir = dir_path(&st.config);
    let path = dir.join(std::ffi::OsStr::from_bytes(&manifest_name(&st.config)));
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(vec![format!(
                "Fatal error: can't open the AOF manifest file {} for reading: {}",
                path.display(),
                io_reason(&e)
            )]);
        }
    };
    match Manifest::parse(&text) {
        Ok(m) => {
            st.aof.manifest = m;
            Ok(())
        }
        Err(e) => {
            let mut lines = vec!["\n*** FATAL AOF MANIFEST FILE ERROR ***\n".to_string()];
            if let Some(text) = e.text {
                lines.push(format!("Reading the manifest file, at line {}\n", e.line));
                lines.push(format!(">>> '{text}'\n"));
            }
            lines.push(format!("{}\n", e.why));
            Err(lines)
        }
    }
}

/// Moves an old single `appendonly.aof` from `dir` into the AOF
/// directory as the base (`aofUpgradePrepare`), when the directory or
/// its manifest does not say otherwise.
pub fn upgrade_if_needed(st: &mut State) -> Result<(), String> {
    let old = super::snapshot::dir(&st.config).join(std::ffi::OsStr::from_bytes(&prefix(&st.config)));
    if !old.is_file() {
        return Ok(());
    }
    let dir = dir_path(&st.config);
    let m = &st.aof.manifest;
    let name = prefix(&st.config);
    let interrupted = m.incrs.is_empty()
        && m.base.as_ref().is_some_and(|b| b.name == name)
        && !dir.join(std::ffi::OsStr::from_bytes(&name)).exists();
    if dir.is_dir() && !m.is_empty() && !interrupted {
        return Ok(());
    }
    std::fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "Can't open or create append-only dir {}: {}",
            dir.display(),
            io_reason(&e)
        )
    })?;
    let mut m = Manifest {
        base: Some(manifest::AofFile {
            name: name.clone(),
            seq: 1,
            kind: manifest::FileType::Base,
        }),
        base_seq: 1,
        dirty: true,
        ..Manifest::default()
    };
    m.persist(&dir, &manifest_name(&st.config)).map_err(|e| io_reason(&e))?;
    st.aof.manifest = m;
    std::fs::rename(&old, dir.join(std::ffi::OsStr::from_bytes(&name))).map_err(|e| {
        format!(
            "Error trying to move the old AOF file {} into dir {}: {}",
            String::from_utf8_lossy(&name),
            String::from_utf8_lossy(st.config.value("appenddirname")),
            io_reason(&e)
        )
    })?;
    log::info!(
        "Successfully migrated an old-style AOF file ({}) into the AOF directory ({}).",
        String::from_utf8_lossy(&name),
        String::from_utf8_lossy(st.config.value("appenddirname"))
    );
    Ok(())
}

/// After loading at start-up with `appendonly yes`
/// (`aofOpenIfNeededOnServerStart`): a first base is written if the
/// directory has none, the last incremental file is opened for
/// appending (created if need be) and the manifest saved.
pub fn open_on_start(st: &mut State) -> Result<(), String> {
    if st.aof.mode != Mode::On {
        return Ok(());
    }
    let dir = dir_path(&st.config);
    std::fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "Can't open or create append-only dir {}: {}",
            dir.display(),
            io_reason(&e)
        )
    })?;
    let had_incrs = !st.aof.manifest.incrs.is_empty();
    if st.aof.manifest.is_empty() {
        let rdb = st.config.value("aof-use-rdb-preamble") == b"yes";
        let name = st.aof.manifest.new_base(&prefix(&st.config), rdb);
        write_base(st, &dir.join(std::ffi::OsStr::from_bytes(&name)))
            .map_err(|e| format!("Write error writing append only file on disk: {}", io_reason(&e)))?;
        log::info!(
            "Creating AOF base file {} on server start",
            String::from_utf8_lossy(&name)
        );
    }
    if st.aof.manifest.incrs.is_empty() {
        st.aof.manifest.new_incr(&prefix(&st.config));
    }
    let name = st.aof.manifest.incrs.last().expect("an incr file").name.clone();
    let path = dir.join(std::ffi::OsStr::from_bytes(&name));
    let file = OpenOptions::new().append(true).create(true).open(&path).map_err(|e| {
        format!(
            "Can't open the append-only file {}: {}",
            String::from_utf8_lossy(&name),
            io_reason(&e)
        )
    })?;
    persist_manifest(st).map_err(|e| io_reason(&e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    st.aof.file = Some(file);
    st.aof.incr_size = size;
    st.aof.incr_synced = size;
    st.aof.last_fsync_secs = now_secs();
    log::info!(
        "{} AOF incr file {} on server start",
        if had_incrs { "Opening" } else { "Creating" },
        String::from_utf8_lossy(&name)
    );
    delete_history(st);
    Ok(())
}

/// Writes a base of the current dataset to `path` in one go (start-up's
/// first base): an RDB marked `aof-base`, or its commands.
fn write_base(st: &State, path: &std::path::Path) -> io::Result<()> {
    if st.config.value("aof-use-rdb-preamble") == b"yes" {
        return super::snapshot::save(
            &st.dbs,
            &st.config,
            st.packed_threshold,
            path,
            &super::snapshot::Header::AOF_BASE,
            &|| false,
        );
    }
    let mut rdb = path.as_os_str().to_owned();
    rdb.push(".rdb-part");
    let rdb = PathBuf::from(rdb);
    super::snapshot::save(
        &st.dbs,
        &st.config,
        st.packed_threshold,
        &rdb,
        &super::snapshot::Header::AOF_BASE,
        &|| false,
    )?;
    let limits = super::load::Limits::from_config(&st.config);
    let result = plain::convert(&rdb, path, st.aof.timestamps, &limits);
    let _ = std::fs::remove_file(&rdb);
    result
}

/// Removes the files the manifest lists as history
/// (`aofDelHistoryFiles`), unless `aof-disable-auto-gc`.
pub fn delete_history(st: &mut State) {
    if st.aof.manifest.history.is_empty() || st.config.value("aof-disable-auto-gc") == b"yes" {
        return;
    }
    let dir = dir_path(&st.config);
    for f in std::mem::take(&mut st.aof.manifest.history) {
        log::info!(
            "Removing the history file {} in the background",
            String::from_utf8_lossy(&f.name)
        );
        let path = dir.join(std::ffi::OsStr::from_bytes(&f.name));
        // Freeing a big file's blocks takes the kernel a while: the last
        // close happens off the loop.
        let _ = crate::lazyfree::unlink(&path);
    }
    st.aof.manifest.dirty = true;
    let _ = persist_manifest(st);
}

/// Writes the buffer to the file per `appendfsync` (Redis's
/// `flushAppendOnlyFile`); called before the loop sends replies, so with
/// `always` every acknowledged write is on disk. `force` writes even
/// while a background fsync is slow.
pub fn flush(st: &mut State, force: bool) {
    if st.aof.mode == Mode::Off {
        return;
    }
    let policy = fsync_policy(&st.config);
    let now = now_secs();
    let aof = &mut st.aof;
    if aof.buf.is_empty() {
        // A policy switched to `always`, or a second passed with
        // unsynced bytes: sync even with nothing new.
        let unsynced = aof.incr_synced != aof.incr_size;
        let due = match policy {
            Fsync::Always => unsynced,
            Fsync::Everysec => unsynced && now > aof.last_fsync_secs && !aof.fsync_in_progress(),
            Fsync::No => false,
        };
        if due {
            try_fsync(st, policy, now);
        }
        return;
    }
    if policy == Fsync::Everysec && !force && aof.fsync_in_progress() {
        if aof.postponed_since == 0 {
            aof.postponed_since = now.max(1);
            return;
        }
        if now.saturating_sub(aof.postponed_since) < 2 {
            return;
        }
        aof.delayed_fsync += 1;
        log::info!(
            "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis."
        );
    }
    aof.postponed_since = 0;
    if aof.flush_sleep_us > 0 {
        std::thread::sleep(std::time::Duration::from_micros(aof.flush_sleep_us));
    }
    let Some(file) = aof.file.as_mut() else {
        // Waiting for the first rewrite to start: nothing to write to.
        aof.buf.clear();
        return;
    };
    let started = (st.config.latency_threshold_ms > 0).then(std::time::Instant::now);
    let (written, error) = write_all(file, &aof.buf);
    if let Some(t) = started {
        // The latency monitor's AOF events, as Redis names them.
        let ms = t.elapsed().as_millis() as u64;
        let event = if st.aof.fsync_in_progress() {
            "aof-write-pending-fsync"
        } else if st.aof.rewrite.is_some() || st.rdb.bgsave.is_some() {
            "aof-write-active-child"
        } else {
            "aof-write-alone"
        };
        st.latency_sample(event, ms);
        st.latency_sample("aof-write", ms);
    }
    let aof = &mut st.aof;
    let file = aof.file.as_mut().expect("written to above");
    if written != aof.buf.len() {
        let log_now = now.saturating_sub(aof.last_error_log) > WRITE_ERROR_LOG_RATE;
        let mut reason = error.as_ref().map(io_reason).unwrap_or_default();
        let mut kept = written;
        if written > 0 {
            if log_now {
                log::warn!(
                    "Short write while writing to the AOF file: (nwritten={written}, expected={})",
                    aof.buf.len()
                );
            }
            // Cut the partial command off, so the file stays loadable.
            match file.set_len(aof.incr_size) {
                Ok(()) => kept = 0,
                Err(e) => log::warn!(
                    "Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: {}",
                    io_reason(&e)
                ),
            }
            reason = "No space left on device".into();
        } else if log_now {
            log::warn!("Error writing to the AOF file: {reason}");
        }
        if log_now {
            aof.last_error_log = now;
        }
        if policy == Fsync::Always {
            log::warn!("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
            std::process::exit(1);
        }
        aof.write_error = Some(reason);
        if kept > 0 {
            aof.current_size += kept as u64;
            aof.incr_size += kept as u64;
            aof.buf.drain(..kept);
        }
        return;
    }
    if aof.write_error.take().is_some() {
        log::warn!("AOF write error looks solved, Redis can write again.");
    }
    aof.current_size += written as u64;
    aof.incr_size += written as u64;
    aof.buf.clear();
    if aof.buf.capacity() > 1 << 20 {
        aof.buf = Vec::new();
    }
    try_fsync(st, policy, now);
}

/// The sync part of `flush`.
fn try_fsync(st: &mut State, policy: Fsync, now: u64) {
    let rewriting = st.aof.rewrite.is_some() || st.rdb.bgsave.is_some();
    if rewriting && st.config.value("no-appendfsync-on-rewrite") == b"yes" {
        return;
    }
    let aof = &mut st.aof;
    let Some(file) = aof.file.as_ref() else { return };
    match policy {
        Fsync::Always => {
            let started = (st.config.latency_threshold_ms > 0).then(std::time::Instant::now);
            let synced = file.sync_data();
            if let Some(t) = started {
                st.latency_sample("aof-fsync-always", t.elapsed().as_millis() as u64);
            }
            let aof = &mut st.aof;
            if let Err(e) = synced {
                log::warn!(
                    "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {}. Exiting...",
                    io_reason(&e)
                );
                std::process::exit(1);
            }
            aof.incr_synced = aof.incr_size;
            aof.last_fsync_secs = now;
        }
        Fsync::Everysec if now > aof.last_fsync_secs => {
            if !aof.fsync_in_progress()
                && let Ok(handle) = file.try_clone()
            {
                aof.background_fsync(handle);
                aof.incr_synced = aof.incr_size;
            }
            aof.last_fsync_secs = now;
        }
        _ => {}
    }
}

/// `write` until done or an error: how much went out, and the error.
fn write_all(file: &mut File, mut buf: &[u8]) -> (usize, Option<io::Error>) {
    let mut written = 0;
    while !buf.is_empty() {
        match file.write(buf) {
            Ok(0) => return (written, Some(io::Error::from(io::ErrorKind::WriteZero))),
            Ok(n) => {
                written += n;
                buf = &buf[n..];
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (written, Some(e)),
        }
    }
    (written, None)
}

/// `CONFIG SET appendonly yes` (`startAppendOnly`): the AOF waits for a
/// first rewrite, started now or, if another save runs or this is inside
/// EXEC, scheduled. Err if it cannot start (logged).
pub fn start(st: &mut State, in_exec: bool) -> Result<(), Logged> {
    st.aof.mode = Mode::WaitRewrite;
    if st.rdb.bgsave.is_some() {
        st.aof.rewrite_scheduled = true;
        log::warn!(
            "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible."
        );
    } else if in_exec {
        st.aof.rewrite_scheduled = true;
        log::warn!("AOF was enabled during a transaction. An AOF background was scheduled to start when possible.");
    } else {
        if st.aof.rewrite.is_some() {
            log::warn!(
                "AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now."
            );
            rewrite::kill(st);
        }
        if rewrite::start(st).is_err() {
            st.aof.mode = Mode::Off;
            log::warn!(
                "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error."
            );
            return Err(Logged);
        }
    }
    st.aof.last_fsync_secs = now_secs();
    if st.aof.write_error.take().is_some() {
        log::info!("AOF reopen, just ignore the last error.");
    }
    Ok(())
}

/// `CONFIG SET appendonly no` (`stopAppendOnly`): what is buffered is
/// written and synced, the file closed, a rewrite stopped.
pub fn stop(st: &mut State) {
    flush(st, true);
    if let Some(file) = st.aof.file.take()
        && let Err(e) = file.sync_data()
    {
        log::warn!("Fail to fsync the AOF file: {}", io_reason(&e));
    }
    let aof = &mut st.aof;
    aof.mode = Mode::Off;
    aof.selected_db = None;
    aof.rewrite_scheduled = false;
    aof.incr_size = 0;
    aof.incr_synced = 0;
    rewrite::kill(st);
    st.aof.buf = Vec::new();
    st.prop.on = st.repl.on();
}

/// Applies `appendonly` after CONFIG SET changed it; Err if turning it
/// on failed (the caller restores the old setting).
pub fn config_changed(st: &mut State, in_exec: bool) -> Result<(), Logged> {
    st.aof.timestamps = st.config.value("aof-timestamp-enabled") == b"yes";
    let wanted = st.config.value("appendonly") == b"yes";
    match (wanted, st.aof.mode) {
        (false, Mode::On | Mode::WaitRewrite) => stop(st),
        (true, Mode::Off) => {
            start(st, in_exec)?;
            st.prop.on = true;
        }
        _ => {}
    }
    if st.config.value("aof-disable-auto-gc") == b"no" {
        delete_history(st);
    }
    st.sync_notes();
    Ok(())
}

/// The cron's part (`serverCron`): a postponed or failed write is tried
/// again, a scheduled rewrite starts, and the automatic rewrite starts
/// when the file has grown by `auto-aof-rewrite-percentage`.
pub fn cron(st: &mut State) {
    if st.aof.rewrite.is_some() {
        rewrite::poll(st);
    }
    if st.aof.mode != Mode::Off && (st.aof.postponed_since != 0 || st.aof.write_error.is_some()) {
        flush(st, false);
    }
    let busy = st.aof.rewrite.is_some() || st.rdb.bgsave.is_some();
    if busy {
        return;
    }
    if st.aof.rewrite_scheduled && !rewrite::limited(st) {
        let _ = rewrite::start(st);
        return;
    }
    let percentage = crate::util::number::parse_i64(st.config.value("auto-aof-rewrite-percentage")).unwrap_or(0);
    let min_size = crate::config::parse_memory(st.config.value("auto-aof-rewrite-min-size")).unwrap_or(0) as u64;
    if st.aof.mode == Mode::On && percentage > 0 && st.aof.current_size > min_size {
        let base = st.aof.base_size.max(1);
        let growth = (st.aof.current_size * 100 / base) as i64 - 100;
        if growth >= percentage && !rewrite::limited(st) {
            log::info!("Starting automatic rewriting of AOF on {growth}% growth");
            let _ = rewrite::start(st);
        }
    }
}

/// Shutdown's part (`finishShutdown`): a first rewrite still running
/// refuses the shutdown unless `force`; a rewrite is stopped; the buffer
/// is written and synced.
pub fn prepare_shutdown(st: &mut State, force: bool) -> Result<(), Logged> {
    if st.aof.rewrite.is_some() {
        if st.aof.mode == Mode::WaitRewrite {
            if !force {
                log::warn!("Writing initial AOF, can't exit.");
                return Err(Logged);
            }
            log::warn!("Writing initial AOF. Exit anyway.");
        }
        log::warn!("There is a child rewriting the AOF. Killing it!");
        rewrite::kill(st);
    }
    if st.aof.mode != Mode::Off {
        log::info!("Calling fsync() on the AOF file.");
        flush(st, true);
        if let Some(file) = st.aof.file.as_ref()
            && let Err(e) = file.sync_data()
        {
            log::warn!("Fail to fsync the AOF file: {}.", io_reason(&e));
        }
    }
    Ok(())
}

/// INFO persistence's AOF fields, in Redis's order (`enabled`: the
/// `appendonly` setting adds the size fields).
pub fn info(st: &State, out: &mut dyn FnMut(&str, String)) {
    let aof = &st.aof;
    out("aof_enabled", u8::from(aof.mode != Mode::Off).to_string());
    out("aof_rewrite_in_progress", u8::from(aof.rewrite.is_some()).to_string());
    out("aof_rewrite_scheduled", u8::from(aof.rewrite_scheduled).to_string());
    out(
        "aof_last_rewrite_time_sec",
        aof.last_rewrite_secs.map_or(-1, |s| s as i64).to_string(),
    );
    out(
        "aof_current_rewrite_time_sec",
        aof.rewrite
            .as_ref()
            .map_or(-1, |r| (now_secs().saturating_sub(r.start_secs)) as i64)
            .to_string(),
    );
    out(
        "aof_last_bgrewrite_status",
        if aof.last_rewrite_failed { "err" } else { "ok" }.into(),
    );
    out("aof_rewrites", aof.rewrites.to_string());
    out(
        "aof_rewrites_consecutive_failures",
        aof.consecutive_failures.to_string(),
    );
    out(
        "aof_last_write_status",
        if aof.error().is_some() { "err" } else { "ok" }.into(),
    );
    out("aof_last_cow_size", "0".into());
    out("module_fork_in_progress", "0".into());
    out("module_fork_last_cow_size", "0".into());
    if st.config.value("appendonly") == b"yes" {
        out("aof_current_size", aof.current_size.to_string());
        out("aof_base_size", aof.base_size.to_string());
        out("aof_pending_rewrite", u8::from(aof.rewrite_scheduled).to_string());
        out("aof_buffer_length", aof.buf.len().to_string());
        out("aof_pending_bio_fsync", aof.pending_fsyncs().to_string());
        out("aof_delayed_fsync", aof.delayed_fsync.to_string());
    }
}

/// The -MISCONF error writes get while the AOF cannot be written.
pub fn misconf(st: &State) -> Option<Vec<u8>> {
    let why = st.aof.error()?;
    Some(format!("MISCONF Errors writing to the AOF file: {why}").into_bytes())
}
