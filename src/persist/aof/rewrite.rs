//! The AOF rewrite (BGREWRITEAOF, the automatic rewrite, and the first
//! base after `CONFIG SET appendonly yes`) without fork: a new base is
//! written by the same forkless walk as BGSAVE (an RDB marked
//! `aof-base`), while new writes go to a fresh incremental file opened
//! when the rewrite starts. When the base is on disk the manifest makes
//! it the base, the incremental files before the fresh one become
//! history, and history is removed (`backgroundRewriteDoneHandler`).

use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

use super::{Logged, Mode, dir_path, now_secs, persist_manifest, prefix};
use crate::config::io_reason;
use crate::persist::snapshot::{self, Bgsave, Step};
use crate::server::State;

/// Longest slice of the walk per loop iteration (as BGSAVE's).
const SLICE: Duration = Duration::from_millis(1);
/// Failures in a row before automatic rewrites wait
/// (`AOF_REWRITE_LIMITE_THRESHOLD`), and the longest wait in minutes.
const LIMIT_THRESHOLD: u64 = 3;
const LIMIT_MAX_MINUTES: u64 = 60;

/// A rewrite in progress.
pub struct Rewrite {
    job: Bgsave,
    /// Where the walk writes the new base (`temp-rewriteaof-bg-<pid>.aof`
    /// in `dir`), renamed into the AOF directory when done.
    temp: PathBuf,
    pub start_secs: u64,
    pub wake_at: Option<u64>,
    /// A base in commands (`aof-use-rdb-preamble no`): the walk's RDB is
    /// turned into commands on a thread once written.
    plain: bool,
    rdb: PathBuf,
    converting: Option<std::sync::mpsc::Receiver<io::Result<()>>>,
}

/// The temporary incremental file of a first rewrite
/// (`temp-<appendfilename>.incr`), in the AOF directory.
fn temp_incr_name(st: &State) -> Vec<u8> {
    let mut name = b"temp-".to_vec();
    name.extend_from_slice(&prefix(&st.config));
    name.extend_from_slice(b".incr");
    name
}

/// Starts a rewrite (`rewriteAppendOnlyFileBackground`): what is
/// buffered is written to the current file, new writes go to a new
/// incremental file (a temporary one while the AOF is being turned on),
/// and the walk starts. Err when it could not start (logged).
pub fn start(st: &mut State) -> Result<(), Logged> {
    if st.aof.rewrite.is_some() || st.rdb.bgsave.is_some() {
        return Err(Logged);
    }
    let dir = dir_path(&st.config);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        log::warn!(
            "Can't open or create append-only dir {}: {}",
            dir.display(),
            io_reason(&e)
        );
        st.aof.last_rewrite_failed = true;
        return Err(Logged);
    }
    st.aof.selected_db = None;
    super::flush(st, true);
    if open_new_incr(st).is_err() {
        st.aof.last_rewrite_failed = true;
        return Err(Logged);
    }
    st.aof.rewrites += 1;
    let temp = snapshot::dir(&st.config).join(format!("temp-rewriteaof-bg-{}.aof", std::process::id()));
    let plain = st.config.value("aof-use-rdb-preamble") != b"yes";
    let rdb = if plain {
        snapshot::dir(&st.config).join(format!("temp-rewriteaof-bg-{}.rdb", std::process::id()))
    } else {
        temp.clone()
    };
    match Bgsave::start(
        &mut st.dbs,
        &st.config,
        st.packed_threshold,
        snapshot::Target::File(rdb.clone()),
        st.dirty,
        &snapshot::Header::AOF_BASE,
    ) {
        Ok(job) => {
            log::info!(
                "Background append only file rewriting started by pid {}",
                std::process::id()
            );
            st.aof.rewrite_scheduled = false;
            st.aof.rewrite = Some(Rewrite {
                job,
                temp,
                start_secs: now_secs(),
                wake_at: None,
                plain,
                rdb,
                converting: None,
            });
            Ok(())
        }
        Err(e) => {
            st.aof.last_rewrite_failed = true;
            log::warn!("Can't rewrite append only file in background: {}", io_reason(&e));
            Err(Logged)
        }
    }
}

/// `openNewIncrAofForAppend`: with the AOF on, a new incremental file is
/// listed in the manifest (saved before switching to it); while it is
/// being turned on, a temporary file not in the manifest; off, nothing.
fn open_new_incr(st: &mut State) -> io::Result<()> {
    let dir = dir_path(&st.config);
    let (name, listed) = match st.aof.mode {
        Mode::Off => return Ok(()),
        Mode::WaitRewrite => (temp_incr_name(st), None),
        Mode::On => {
            let saved = st.aof.manifest.clone();
            let name = st.aof.manifest.new_incr(&prefix(&st.config));
            (name, Some(saved))
        }
    };
    let path = dir.join(std::ffi::OsStr::from_bytes(&name));
    // Appending, as the file opened at start-up: after a short write is
    // cut off, the next write must land at the new end, not leave a hole.
    let opened = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|f| f.set_len(0).map(|()| f));
    let file = match opened {
        Ok(f) => f,
        Err(e) => {
            log::warn!(
                "Can't open the append-only file {}: {}",
                String::from_utf8_lossy(&name),
                io_reason(&e)
            );
            if let Some(saved) = listed {
                st.aof.manifest = saved;
            }
            return Err(e);
        }
    };
    if let Some(saved) = listed
        && let Err(e) = persist_manifest(st)
    {
        st.aof.manifest = saved;
        let _ = crate::lazyfree::unlink(&path);
        return Err(e);
    }
    log::info!(
        "Creating AOF incr file {} on background rewrite",
        String::from_utf8_lossy(&name)
    );
    if let Some(old) = st.aof.file.replace(file) {
        st.aof.background_fsync(old);
        st.aof.last_fsync_secs = now_secs();
    }
    st.aof.incr_size = 0;
    st.aof.incr_synced = 0;
    Ok(())
}

/// One slice of the rewrite's walk, from the loop; when the base is
/// written, the rewrite is finished. Returns when to come back.
pub fn step(st: &mut State) -> Option<u64> {
    let rw = st.aof.rewrite.as_mut()?;
    let now = crate::server::now_ms();
    rw.job.set_delay(&st.config);
    if rw.wake_at.is_some_and(|at| at > now) {
        return rw.wake_at;
    }
    let deadline = rw.job.slice_deadline(SLICE);
    rw.wake_at = match rw.job.step(&mut st.dbs, deadline) {
        Step::More => Some(now),
        Step::At(at) => Some(at),
        Step::Written => Some(now + 5),
    };
    let wake = rw.wake_at;
    poll(st);
    if st.aof.rewrite.is_some() { wake } else { None }
}

/// Finishes the rewrite if its writer is done (and, for a base in
/// commands, its conversion).
pub fn poll(st: &mut State) {
    let Some(rw) = st.aof.rewrite.as_mut() else { return };
    if let Some(rx) = &rw.converting {
        match rx.try_recv() {
            Ok(result) => {
                let rw = st.aof.rewrite.take().expect("rewrite");
                done(st, rw, result);
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                let rw = st.aof.rewrite.take().expect("rewrite");
                done(st, rw, Err(io::Error::other("conversion thread died")));
            }
        }
        return;
    }
    if let Some(result) = rw.job.poll_done() {
        if rw.plain && result.is_ok() {
            let (tx, rx) = std::sync::mpsc::channel();
            let (from, to) = (rw.rdb.clone(), rw.temp.clone());
            let timestamps = st.aof.timestamps;
            let limits = crate::persist::load::Limits::from_config(&st.config);
            let spawned = std::thread::Builder::new()
                .name("loopkv-aof-base".into())
                .spawn(move || {
                    let result = super::plain::convert(&from, &to, timestamps, &limits);
                    let _ = std::fs::remove_file(&from);
                    let _ = tx.send(result);
                });
            match spawned {
                Ok(_) => {
                    rw.converting = Some(rx);
                    return;
                }
                Err(e) => {
                    let rw = st.aof.rewrite.take().expect("rewrite");
                    return done(st, rw, Err(e));
                }
            }
        }
        let rw = st.aof.rewrite.take().expect("rewrite");
        done(st, rw, result);
    }
}

/// `backgroundRewriteDoneHandler`.
fn done(st: &mut State, rw: Rewrite, result: io::Result<()>) {
    let now = now_secs();
    st.aof.last_rewrite_secs = Some(now.saturating_sub(rw.start_secs));
    let outcome = match result {
        Ok(()) => install(st, &rw),
        Err(e) => {
            log::warn!("Background AOF rewrite terminated with error: {}", io_reason(&e));
            let _ = crate::lazyfree::unlink(&rw.rdb);
            rw.job.abort(&mut st.dbs);
            Err(Logged)
        }
    };
    match outcome {
        Ok(()) => {
            st.aof.last_rewrite_failed = false;
            st.aof.consecutive_failures = 0;
            log::info!("Background AOF rewrite finished successfully");
            if st.aof.mode == Mode::WaitRewrite {
                st.aof.mode = Mode::On;
            }
        }
        Err(Logged) => {
            st.aof.last_rewrite_failed = true;
            st.aof.consecutive_failures += 1;
            let _ = crate::lazyfree::unlink(&rw.temp);
            if st.aof.mode == Mode::WaitRewrite {
                // The temporary incremental file goes; the rewrite is
                // tried again by the cron.
                st.aof.file = None;
                st.aof.buf.clear();
                remove_temp_incr(st);
                st.aof.rewrite_scheduled = true;
            }
        }
    }
}

/// The written base becomes the manifest's base.
fn install(st: &mut State, rw: &Rewrite) -> Result<(), Logged> {
    log::info!("Background AOF rewrite terminated with success");
    let dir = dir_path(&st.config);
    let mut m = st.aof.manifest.clone();
    let base = m.new_base(&prefix(&st.config), !rw.plain);
    let base_path = dir.join(std::ffi::OsStr::from_bytes(&base));
    let temp_name = rw
        .temp
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = std::time::Instant::now();
    let renamed = std::fs::rename(&rw.temp, &base_path);
    st.latency_sample("aof-rename", started.elapsed().as_millis() as u64);
    if let Err(e) = renamed {
        log::warn!(
            "Error trying to rename the temporary AOF base file {temp_name} into {}: {}",
            String::from_utf8_lossy(&base),
            io_reason(&e)
        );
        return Err(Logged);
    }
    log::info!(
        "Successfully renamed the temporary AOF base file {temp_name} into {}",
        String::from_utf8_lossy(&base)
    );
    let mut new_incr = None;
    if st.aof.mode == Mode::WaitRewrite {
        let temp = temp_incr_name(st);
        let name = m.new_incr(&prefix(&st.config));
        let (from, to) = (
            dir.join(std::ffi::OsStr::from_bytes(&temp)),
            dir.join(std::ffi::OsStr::from_bytes(&name)),
        );
        if let Err(e) = std::fs::rename(&from, &to) {
            log::warn!(
                "Error trying to rename the temporary AOF incr file {} into {}: {}",
                String::from_utf8_lossy(&temp),
                String::from_utf8_lossy(&name),
                io_reason(&e)
            );
            let _ = crate::lazyfree::unlink(&base_path);
            return Err(Logged);
        }
        log::info!(
            "Successfully renamed the temporary AOF incr file {} into {}",
            String::from_utf8_lossy(&temp),
            String::from_utf8_lossy(&name)
        );
        new_incr = Some(to);
    }
    m.incrs_to_history(st.aof.file.is_some());
    let saved = std::mem::replace(&mut st.aof.manifest, m);
    if persist_manifest(st).is_err() {
        st.aof.manifest = saved;
        let _ = crate::lazyfree::unlink(&base_path);
        if let Some(p) = new_incr {
            let _ = crate::lazyfree::unlink(&p);
        }
        return Err(Logged);
    }
    if st.aof.mode != Mode::Off {
        let base_size = std::fs::metadata(&base_path).map(|m| m.len()).unwrap_or(0);
        st.aof.current_size = base_size + st.aof.incr_size;
        st.aof.base_size = st.aof.current_size;
    }
    super::delete_history(st);
    Ok(())
}

fn remove_temp_incr(st: &State) {
    let name = temp_incr_name(st);
    log::info!(
        "Removing the temp incr aof file {} in the background",
        String::from_utf8_lossy(&name)
    );
    let _ = crate::lazyfree::unlink(&dir_path(&st.config).join(std::ffi::OsStr::from_bytes(&name)));
}

/// Stops a rewrite in progress (`killAppendOnlyChild`); the incremental
/// file opened for it stays.
pub fn kill(st: &mut State) {
    let Some(rw) = st.aof.rewrite.take() else { return };
    log::info!("Killing running AOF rewrite child: {}", std::process::id());
    rw.job.abort(&mut st.dbs);
    let _ = crate::lazyfree::unlink(&rw.temp);
    let _ = crate::lazyfree::unlink(&rw.rdb);
    if st.aof.mode == Mode::WaitRewrite {
        st.aof.file = None;
        remove_temp_incr(st);
    }
}

/// Whether automatic and scheduled rewrites must wait after repeated
/// failures (`aofRewriteLimited`): after three, 1, 2, 4 ... up to 60
/// minutes between attempts.
pub fn limited(st: &mut State) -> bool {
    let now = now_secs();
    let (delay, next) = &mut st.aof.limit;
    if st.aof.consecutive_failures < LIMIT_THRESHOLD {
        *delay = 0;
        *next = 0;
        return false;
    }
    if *next != 0 {
        if now < *next {
            return true;
        }
        *next = 0;
        return false;
    }
    *delay = if *delay == 0 {
        1
    } else {
        (*delay * 2).min(LIMIT_MAX_MINUTES)
    };
    *next = now + *delay * 60;
    log::warn!(
        "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in {} minutes",
        *delay
    );
    true
}
