//! RDB snapshots without fork: SAVE writes the dataset in one go; BGSAVE
//! ([`Bgsave`]) walks it a slice at a time from the event loop while a
//! background thread checksums and writes the bytes to disk, or, for a
//! diskless full sync ([`Target::Replicas`]), hands them back to the loop
//! to send to the replicas' sockets.
//!
//! A background save is the dataset as it was when it started. Every
//! database owes the snapshot each key it held then (see `Db::snap_bit`):
//! the walk saves the keys it reaches with the same reverse-binary cursor
//! SCAN uses, which reaches every key present from start to end however
//! the table grows; and before a command changes, deletes or expires a key
//! the walk has not reached, the database saves the old value first into
//! its [`DbSnap`] buffer, which the walk passes on under a SELECTDB of
//! that database. Keys created after the start are born saved. SWAPDB
//! swaps databases with their snapshot state, so each keeps its index.
//!
//! Memory stays bounded: the walk stops when the writer's queue is full,
//! and the only copies are the bytes in flight.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::time::Instant;

use super::rdb::*;
use crate::config::Config;
use crate::db::Db;

/// Bytes handed to the writer thread at a time.
const CHUNK: usize = 64 * 1024;
/// Elements of a big value written per part (see `rdb::CHUNKED_MIN`).
const CHUNK_ELEMENTS: usize = 2048;
/// Chunks queued for the writer before the walk waits for it.
const QUEUE: usize = 64;

/// The path of the RDB file `config` names (`dir` / `dbfilename`).
pub fn rdb_path(config: &Config) -> PathBuf {
    dir(config).join(std::ffi::OsStr::from_bytes(config.value("dbfilename")))
}

use std::os::unix::ffi::OsStrExt;

pub fn dir(config: &Config) -> PathBuf {
    PathBuf::from(std::ffi::OsStr::from_bytes(config.value("dir")))
}

/// `rdb-save-incremental-fsync`.
fn incremental_fsync(config: &Config) -> bool {
    config.value("rdb-save-incremental-fsync") == b"yes"
}

/// The temporary file a save writes before renaming it into place.
fn temp_path(config: &Config) -> PathBuf {
    dir(config).join(format!("temp-{}.rdb", std::process::id()))
}

/// A background save's own temporary file: a name no other save shares,
/// so a stopped save's writer can never touch the next one's file.
fn bg_temp_path(config: &Config) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir(config).join(format!("temp-{}-bg{n}.rdb", std::process::id()))
}

/// The encoder options and access-time opcode `config` asks for.
pub fn encoder(config: &Config, packed_threshold: usize) -> (Encoder, Access) {
    let opts = Options {
        packed_threshold,
        ..Options::from_config(config)
    };
    (Encoder::new(opts), Access::from_config(config))
}

/// What a file's AUX fields say about why it was written.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// It is the base of an append-only file (`aof-base`).
    pub aof_base: bool,
    /// The replication stream's selected database, history id and offset
    /// when the save began (`repl-stream-db`, `repl-id`, `repl-offset`):
    /// written while this server has a replication backlog.
    pub repl: Option<(usize, String, u64)>,
    /// Leave the function libraries out (a replica's `rdb-filter-only`).
    pub no_functions: bool,
}

impl Header {
    pub const AOF_BASE: Header = Header {
        aof_base: true,
        repl: None,
        no_functions: false,
    };
}

/// `rdbSaveInfoAuxFields` and what precedes them: the magic and version,
/// then `redis-ver`, `redis-bits`, `ctime`, `used-mem`, the `repl-*`
/// fields and `aof-base`; then the function libraries (`rdbSaveFunctions`).
pub fn write_header(out: &mut Vec<u8>, enc: &mut Encoder, header: &Header) {
    out.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    let now = crate::server::now_ms() / 1000;
    let used = crate::memory::used().unwrap_or(0);
    write_aux(out, enc, b"redis-ver", crate::REDIS_VERSION.as_bytes());
    write_aux(out, enc, b"redis-bits", b"64");
    write_aux(out, enc, b"ctime", now.to_string().as_bytes());
    write_aux(out, enc, b"used-mem", used.to_string().as_bytes());
    if let Some((db, id, offset)) = &header.repl {
        write_aux(out, enc, b"repl-stream-db", db.to_string().as_bytes());
        write_aux(out, enc, b"repl-id", id.as_bytes());
        write_aux(out, enc, b"repl-offset", offset.to_string().as_bytes());
    }
    write_aux(out, enc, b"aof-base", if header.aof_base { b"1" } else { b"0" });
    if header.no_functions {
        return;
    }
    for code in crate::script::function::codes() {
        out.push(OPCODE_FUNCTION2);
        enc.raw_string(out, &code);
    }
}

/// SELECTDB and RESIZEDB, as a database's section opens.
fn write_select(out: &mut Vec<u8>, index: usize, sizes: Option<(usize, usize)>) {
    out.push(OPCODE_SELECTDB);
    write_len(out, index as u64);
    if let Some((keys, expires)) = sizes {
        out.push(OPCODE_RESIZEDB);
        write_len(out, keys as u64);
        write_len(out, expires as u64);
    }
}

// ---- the file -------------------------------------------------------------------------

/// A file being written: bytes go through a buffer and into the running
/// CRC-64; `finish` appends the checksum, syncs, and renames it into place.
struct RdbFile {
    out: BufWriter<File>,
    crc: crc::Digest<'static, u64, crc::Table<16>>,
    temp: PathBuf,
    /// `rdb-save-incremental-fsync`: the file is synced every
    /// `INCREMENTAL_FSYNC` bytes, so the page cache never holds a whole
    /// snapshot to flush at once.
    incremental_fsync: bool,
    unsynced: usize,
}

/// Bytes between incremental syncs (Redis's `REDIS_AUTOSYNC_BYTES`).
const INCREMENTAL_FSYNC: usize = 4 * 1024 * 1024;

impl RdbFile {
    fn create(temp: PathBuf, incremental_fsync: bool) -> io::Result<RdbFile> {
        let file = File::create(&temp)?;
        Ok(RdbFile {
            out: BufWriter::with_capacity(CHUNK, file),
            crc: CRC64.digest(),
            temp,
            incremental_fsync,
            unsynced: 0,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.crc.update(bytes);
        self.out.write_all(bytes)?;
        self.unsynced += bytes.len();
        if self.incremental_fsync && self.unsynced >= INCREMENTAL_FSYNC {
            self.out.flush()?;
            self.out.get_ref().sync_data()?;
            self.unsynced = 0;
        }
        Ok(())
    }

    /// Appends the checksum (zero with `rdbchecksum no`), syncs the file,
    /// renames it to `path` and syncs the directory.
    fn finish(mut self, checksum: bool, path: &Path) -> io::Result<()> {
        let crc = if checksum { self.crc.clone().finalize() } else { 0 };
        self.out.write_all(&crc.to_le_bytes())?;
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&self.temp, path)?;
        if let Some(parent) = path.parent()
            && let Ok(d) = File::open(parent)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

// ---- the replicas' sockets -----------------------------------------------------------

/// Where a background save's bytes go.
pub enum Target {
    /// The RDB file at this path (through a temporary file).
    File(PathBuf),
    /// Replicas, through the loop (a diskless full sync): the snapshot is
    /// sent as `$EOF:<mark>` ... `<mark>`, the loop writing the preamble.
    /// `data: false` leaves the keys out (`rdb-filter-only`).
    Replicas {
        feed: SyncSender<Feed>,
        mark: String,
        data: bool,
    },
}

/// What a diskless save hands the loop.
pub enum Feed {
    Bytes(Vec<u8>),
    /// Everything, checksum and closing mark included, was handed over.
    End,
}

/// The writer's destination.
enum Output {
    File(RdbFile),
    Replicas {
        feed: SyncSender<Feed>,
        mark: String,
        crc: crc::Digest<'static, u64, crc::Table<16>>,
    },
}

impl Output {
    fn write(&mut self, bytes: &[u8], stop: &AtomicBool) -> io::Result<()> {
        match self {
            Output::File(file) => file.write(bytes),
            Output::Replicas { feed, crc, .. } => {
                crc.update(bytes);
                hand_over(feed, Feed::Bytes(bytes.to_vec()), stop)
            }
        }
    }

    fn finish(self, checksum: bool, path: &Path, stop: &AtomicBool) -> io::Result<()> {
        match self {
            Output::File(file) => file.finish(checksum, path),
            Output::Replicas { feed, mark, crc } => {
                let crc = if checksum { crc.finalize() } else { 0 };
                let mut tail = crc.to_le_bytes().to_vec();
                tail.extend_from_slice(mark.as_bytes());
                hand_over(&feed, Feed::Bytes(tail), stop)?;
                hand_over(&feed, Feed::End, stop)
            }
        }
    }
}

/// Sends to the loop, waiting while its queue is full; gives up when the
/// save is stopped (the loop may be waiting for this thread then) or the
/// loop let go of the transfer.
fn hand_over(feed: &SyncSender<Feed>, mut item: Feed, stop: &AtomicBool) -> io::Result<()> {
    loop {
        if stop.load(Ordering::SeqCst) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "background save aborted"));
        }
        match feed.try_send(item) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Full(back)) => {
                item = back;
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "the replicas went away"));
            }
        }
    }
}

/// `rdbSave`: writes every database to `path` (through a temporary file)
/// in one go, on the calling thread.
/// `rdb-key-save-delay` slows it as in Redis (a sleep per key); `stop`,
/// asked between keys, ends it early with `Interrupted` (a second SIGINT).
pub fn save(
    dbs: &[Db],
    config: &Config,
    packed_threshold: usize,
    path: &Path,
    header: &Header,
    stop: &dyn Fn() -> bool,
) -> io::Result<()> {
    let temp = temp_path(config);
    let delay = crate::util::number::parse_i64(config.value("rdb-key-save-delay")).unwrap_or(0);
    let result = (|| {
        let mut file = RdbFile::create(temp.clone(), incremental_fsync(config))?;
        let (mut enc, access) = encoder(config, packed_threshold);
        let mut out = Vec::with_capacity(CHUNK * 2);
        write_header(&mut out, &mut enc, header);
        let now = crate::server::now_ms();
        for (index, db) in dbs.iter().enumerate() {
            if db.is_empty() {
                continue;
            }
            write_select(&mut out, index, Some((db.len(), db.expires_len())));
            for id in db.ids() {
                enc.key_value(&mut out, db, id, access, now);
                if delay > 0 {
                    std::thread::sleep(std::time::Duration::from_micros(delay as u64));
                    if stop() {
                        return Err(io::Error::new(io::ErrorKind::Interrupted, "save interrupted"));
                    }
                }
                if out.len() >= CHUNK {
                    file.write(&out)?;
                    out.clear();
                }
            }
        }
        out.push(OPCODE_EOF);
        file.write(&out)?;
        file.finish(config.value("rdbchecksum") == b"yes", path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

// ---- background saves -----------------------------------------------------------------

/// A database's part in a running background save: what the database
/// needs to save a key itself before changing it.
pub struct DbSnap {
    /// The database's index when the save started (SWAPDB moves it).
    pub index: usize,
    /// The walk's SCAN cursor in this database.
    cursor: u64,
    /// The walk has been through the whole table.
    walked: bool,
    /// The walk has written this database's SELECTDB and RESIZEDB.
    opened: bool,
    /// Keys and keys with a TTL when the save started (RESIZEDB).
    sizes: (usize, usize),
    /// Keys saved ahead of the walk, as RDB key records.
    buf: Vec<u8>,
    enc: Encoder,
    access: Access,
    /// A big value the walk is writing a part at a time (its node, where
    /// it stands): while it is, nothing else enters the walk's output.
    partial: Option<(u32, Chunked)>,
    /// The rest of that value, written by the database itself before the
    /// value changed, and its deferred strings: the walk appends it next.
    rest: Vec<u8>,
    rest_deferred: Vec<Deferred>,
    /// More big values the walk met in the same bucket, to begin once the
    /// current one is done (a change to one first saves it whole).
    pending: Vec<u32>,
}

impl std::fmt::Debug for DbSnap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSnap")
            .field("index", &self.index)
            .field("cursor", &self.cursor)
            .field("walked", &self.walked)
            .field("buffered", &self.buf.len())
            .finish()
    }
}

impl DbSnap {
    /// Serializes node `id` of `db` into this database's buffer.
    pub fn save_key(&mut self, db: &Db, id: u32) {
        self.pending.retain(|&p| p != id);
        let now = crate::server::now_ms();
        self.enc.key_value(&mut self.buf, db, id, self.access, now);
    }

    /// True if node `id` is the value the walk is writing a part at a time.
    pub fn owes_rest_of(&self, id: u32) -> bool {
        self.partial.as_ref().is_some_and(|(p, _)| *p == id)
    }

    /// Writes the rest of the value being written a part at a time, all at
    /// once, before it changes.
    pub fn finish_partial(&mut self, db: &Db) {
        let Some((id, mut state)) = self.partial.take() else {
            return;
        };
        let others = self.enc.deferred.replace(Vec::new());
        while !self
            .enc
            .continue_chunked(&mut self.rest, db.obj(id), &mut state, usize::MAX)
        {}
        self.rest_deferred = std::mem::replace(&mut self.enc.deferred, others).unwrap_or_default();
    }
}

/// Keys a per-key delay (`rdb-key-save-delay`, `key-load-delay`: that
/// many microseconds a key, or if negative a key per that many
/// nanoseconds) lets through since `started`: the slowing Redis does with
/// sleeps, without stopping the loop.
pub fn keys_allowed(started: Instant, delay_us: i64) -> u64 {
    let elapsed_us = started.elapsed().as_micros() as i64;
    match delay_us {
        0 => u64::MAX,
        d if d > 0 => (elapsed_us / d) as u64,
        d => elapsed_us.saturating_mul(-d).max(0) as u64 / 1000,
    }
}

/// A chunk for the writer thread.
enum Chunk {
    /// Bytes, with the strings LZF may compress listed (the writer
    /// compresses them, off the event loop).
    Bytes(Vec<u8>, Vec<Deferred>),
    /// Everything is written: append the checksum (if asked) and commit.
    Finish { checksum: bool },
}

/// The longest slice of the walk, however long the loop spent elsewhere.
const MAX_SLICE: std::time::Duration = std::time::Duration::from_millis(25);

/// What a slice of the walk left to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// More to walk: come back at once.
    More,
    /// Waiting (for the writer, or `rdb-key-save-delay`): come back at
    /// this time (ms).
    At(u64),
    /// The walk is over; the writer is committing the file.
    Written,
}

/// A background save in progress.
pub struct Bgsave {
    enc: Encoder,
    access: Access,
    /// Bytes not yet handed to the writer.
    out: Vec<u8>,
    /// The database whose SELECTDB is in force in the output.
    section: Option<usize>,
    /// Chunks the writer's full queue has not taken yet, in order.
    queue: VecDeque<Chunk>,
    tx: Option<SyncSender<Chunk>>,
    done: Receiver<io::Result<()>>,
    /// Tells the writer to drop what is queued and remove its file.
    stop: Arc<AtomicBool>,
    writer: Option<std::thread::JoinHandle<()>>,
    /// Wall-clock start (ms), and for `rdb-key-save-delay`, a monotonic one.
    pub start_ms: u64,
    started: Instant,
    /// `dirty` when the save started: a successful save subtracts it.
    pub dirty_at_start: u64,
    pub keys_total: u64,
    pub keys_done: u64,
    /// `rdb-key-save-delay` in microseconds per key (negative: a key per
    /// that many nanoseconds, near enough to Redis's random sleeps).
    delay_us: i64,
    checksum: bool,
    /// It goes to replicas' sockets, not to the RDB file.
    pub to_replicas: bool,
    written: bool,
    /// When the last slice ended (see `slice_deadline`).
    last_step_end: Option<Instant>,
}

impl Bgsave {
    /// Starts a background save of `dbs` to `path`: opens the temporary
    /// file, starts the writer thread and gives every non-empty database
    /// its part in the snapshot.
    pub fn start(
        dbs: &mut [Db],
        config: &Config,
        packed_threshold: usize,
        target: Target,
        dirty: u64,
        header: &Header,
    ) -> io::Result<Bgsave> {
        let temp = bg_temp_path(config);
        let incremental = incremental_fsync(config);
        let (tx, rx) = mpsc::sync_channel::<Chunk>(QUEUE);
        let (done_tx, done) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        // The writer opens the file, so failing to create it fails the
        // save as it ends, as a forked child's failure would.
        let (writer_enc, _) = encoder(config, packed_threshold);
        let writer_stop = stop.clone();
        let (data, to_replicas) = match &target {
            Target::File(_) => (true, false),
            Target::Replicas { data, .. } => (*data, true),
        };
        let writer = std::thread::Builder::new().name("loopkv-rdb".into()).spawn(move || {
            let (output, path) = match target {
                Target::File(path) => (RdbFile::create(temp, incremental).map(Output::File), path),
                Target::Replicas { feed, mark, .. } => (
                    Ok(Output::Replicas {
                        feed,
                        mark,
                        crc: CRC64.digest(),
                    }),
                    PathBuf::new(),
                ),
            };
            let result = output.and_then(|output| write_chunks(output, writer_enc, rx, &path, &writer_stop));
            let _ = done_tx.send(result);
        })?;
        let (mut enc, access) = encoder(config, packed_threshold);
        let mut out = Vec::with_capacity(CHUNK * 2);
        write_header(&mut out, &mut enc, header);
        // From here on LZF runs on the writer thread.
        enc.deferred = Some(Vec::new());
        let mut keys_total = 0;
        for (index, db) in dbs.iter_mut().enumerate().filter(|_| data) {
            keys_total += db.len() as u64;
            // Preserved values defer LZF to the writer too (so this
            // encoder never allocates a compressor's 1 MiB table).
            let mut db_enc = Encoder::new(enc.opts);
            db_enc.deferred = Some(Vec::new());
            db.begin_snapshot(Box::new(DbSnap {
                index,
                cursor: 0,
                walked: db.is_empty(),
                opened: false,
                sizes: (db.len(), db.expires_len()),
                buf: Vec::new(),
                enc: db_enc,
                access,
                partial: None,
                rest: Vec::new(),
                rest_deferred: Vec::new(),
                pending: Vec::new(),
            }));
        }
        let delay = crate::util::number::parse_i64(config.value("rdb-key-save-delay")).unwrap_or(0);
        Ok(Bgsave {
            enc,
            access,
            out,
            section: None,
            queue: VecDeque::new(),
            tx: Some(tx),
            done,
            stop,
            writer: Some(writer),
            start_ms: crate::server::now_ms(),
            started: Instant::now(),
            dirty_at_start: dirty,
            keys_total,
            keys_done: 0,
            delay_us: delay,
            checksum: config.value("rdbchecksum") == b"yes",
            to_replicas,
            written: false,
            last_step_end: None,
        })
    }

    /// Hands queued chunks to the writer, in order; false while some
    /// wait (its queue is full) or if it has stopped.
    fn drain(&mut self) -> bool {
        let Some(tx) = &self.tx else {
            return self.queue.is_empty();
        };
        while let Some(chunk) = self.queue.pop_front() {
            match tx.try_send(chunk) {
                Ok(()) => {}
                Err(TrySendError::Full(chunk)) => {
                    self.queue.push_front(chunk);
                    return false;
                }
                // The writer failed; `poll_done` reports why.
                Err(TrySendError::Disconnected(_)) => {
                    self.queue.clear();
                    return false;
                }
            }
        }
        true
    }

    /// Appends records written elsewhere (with their deferred strings).
    fn append(&mut self, bytes: &[u8], deferred: &[Deferred]) {
        let base = self.out.len();
        self.out.extend_from_slice(bytes);
        if let Some(list) = &mut self.enc.deferred {
            list.extend(deferred.iter().map(|d| Deferred {
                at: d.at + base,
                len: d.len,
            }));
        }
    }

    /// Queues the output once it holds `min` bytes, and drains.
    fn flush_out(&mut self, min: usize) -> bool {
        if !self.out.is_empty() && self.out.len() >= min {
            let bytes = std::mem::replace(&mut self.out, Vec::with_capacity(CHUNK * 2));
            let deferred = self.enc.deferred.replace(Vec::new()).unwrap_or_default();
            self.queue.push_back(Chunk::Bytes(bytes, deferred));
        }
        self.drain()
    }

    fn select(&mut self, index: usize, sizes: Option<(usize, usize)>) {
        if self.section != Some(index) || sizes.is_some() {
            write_select(&mut self.out, index, sizes);
            self.section = Some(index);
        }
    }

    /// When the next slice of the walk must end: it gets as long as the
    /// loop spent on everything else since the last slice, at least `min`
    /// and at most `MAX_SLICE`. Under light load a slice is `min`; when
    /// clients keep the loop busy (a flood of pipelined writes makes an
    /// iteration last tens of milliseconds) the walk still gets about
    /// half of the loop, so a save or rewrite under a write flood
    /// finishes in about twice its idle time rather than never.
    pub fn slice_deadline(&mut self, min: std::time::Duration) -> Instant {
        let now = Instant::now();
        let other = self.last_step_end.map_or(min, |end| now.duration_since(end));
        now + other.clamp(min, MAX_SLICE.max(min))
    }

    /// Follows a change of `rdb-key-save-delay` while the save runs (the
    /// test suite lowers it to let a slowed save finish).
    pub fn set_delay(&mut self, config: &Config) {
        self.delay_us = crate::util::number::parse_i64(config.value("rdb-key-save-delay")).unwrap_or(0);
    }

    /// Keys the delay lets the walk have saved by now.
    fn allowed_keys(&self) -> u64 {
        keys_allowed(self.started, self.delay_us)
    }

    /// One slice of the walk, until `deadline`.
    pub fn step(&mut self, dbs: &mut [Db], deadline: Instant) -> Step {
        let step = self.walk(dbs, deadline);
        self.last_step_end = Some(Instant::now());
        step
    }

    fn walk(&mut self, dbs: &mut [Db], deadline: Instant) -> Step {
        if self.written {
            return Step::Written;
        }
        let now = crate::server::now_ms();
        let mut ids = Vec::new();
        loop {
            if !self.drain() {
                return Step::At(now + 1);
            }
            // The rest of a big value its database wrote before changing
            // it comes first: it continues the record in progress.
            for db in dbs.iter_mut() {
                let Some(snap) = db.snap.as_mut() else { continue };
                if !snap.rest.is_empty() {
                    let (bytes, deferred) = (std::mem::take(&mut snap.rest), std::mem::take(&mut snap.rest_deferred));
                    self.append(&bytes, &deferred);
                }
            }
            // A big value being written a part at a time goes on, or the
            // next one met begins; nothing else enters the output until
            // it is complete.
            let owing = |db: &Db| {
                db.snap
                    .as_ref()
                    .is_some_and(|s| s.partial.is_some() || !s.pending.is_empty())
            };
            if let Some(db) = dbs.iter_mut().find(|db| owing(db)) {
                let snap = db.snap.as_mut().expect("checked");
                let (id, mut state) = match snap.partial.take() {
                    Some(p) => p,
                    None => {
                        let id = snap.pending.pop().expect("checked");
                        let state = self.enc.begin_chunked(&mut self.out, db, id, self.access, now);
                        db.mark_saved(id);
                        self.keys_done += 1;
                        (id, state.expect("a pending value is chunkable"))
                    }
                };
                let done = self
                    .enc
                    .continue_chunked(&mut self.out, db.obj(id), &mut state, CHUNK_ELEMENTS);
                db.snap.as_mut().expect("checked").partial = (!done).then_some((id, state));
                if !self.flush_out(CHUNK) {
                    return Step::At(now + 1);
                }
                if Instant::now() >= deadline {
                    return Step::More;
                }
                continue;
            }
            // Keys the databases saved ahead of the walk.
            for db in dbs.iter_mut() {
                let Some(snap) = db.snap.as_mut() else { continue };
                if snap.buf.is_empty() {
                    continue;
                }
                let (index, bytes) = (snap.index, std::mem::take(&mut snap.buf));
                let deferred = snap.enc.deferred.replace(Vec::new()).unwrap_or_default();
                self.select(index, None);
                self.append(&bytes, &deferred);
            }
            let Some(pos) = dbs.iter().position(|db| db.snap.as_ref().is_some_and(|s| !s.walked)) else {
                // Keys that writes saved ahead of the walk count too: a
                // slowed save lasts as long as a forked child's would.
                if self.allowed_keys() < self.keys_total {
                    self.flush_out(1);
                    return Step::At(now + 1);
                }
                return self.finish_walk(dbs);
            };
            let allowed = self.allowed_keys();
            if self.keys_done >= allowed {
                self.flush_out(1);
                return Step::At(now + 1);
            }
            let db = &mut dbs[pos];
            let snap = db.snap.as_mut().expect("walked database has a snapshot");
            let (index, cursor, opened, sizes) = (snap.index, snap.cursor, snap.opened, snap.sizes);
            snap.opened = true;
            self.select(index, (!opened).then_some(sizes));
            ids.clear();
            let next = db.scan_step(cursor, |id, _| ids.push(id));
            // A big value is begun after the bucket's other keys, so
            // nothing lands inside its record.
            let mut big = None;
            for &id in &ids {
                if db.is_saved(id) {
                    continue;
                }
                if chunkable(db, id) {
                    match big {
                        None => big = Some(id),
                        Some(_) => db
                            .snap
                            .as_mut()
                            .expect("walked database has a snapshot")
                            .pending
                            .push(id),
                    }
                    continue;
                }
                self.enc.key_value(&mut self.out, db, id, self.access, now);
                db.mark_saved(id);
                self.keys_done += 1;
            }
            if let Some(id) = big
                && let Some(state) = self.enc.begin_chunked(&mut self.out, db, id, self.access, now)
            {
                db.mark_saved(id);
                self.keys_done += 1;
                db.snap.as_mut().expect("walked database has a snapshot").partial = Some((id, state));
            }
            let snap = db.snap.as_mut().expect("walked database has a snapshot");
            snap.cursor = next;
            snap.walked = next == 0;
            if !self.flush_out(CHUNK) {
                return Step::At(now + 1);
            }
            if Instant::now() >= deadline {
                return Step::More;
            }
        }
    }

    /// The walk is over: the EOF opcode, the last bytes, the commit.
    fn finish_walk(&mut self, dbs: &mut [Db]) -> Step {
        self.out.push(OPCODE_EOF);
        for db in dbs.iter_mut() {
            db.end_snapshot(true);
        }
        self.written = true;
        let bytes = std::mem::take(&mut self.out);
        let deferred = self.enc.deferred.replace(Vec::new()).unwrap_or_default();
        self.queue.push_back(Chunk::Bytes(bytes, deferred));
        self.queue.push_back(Chunk::Finish {
            checksum: self.checksum,
        });
        self.poll_done_send();
        Step::Written
    }

    /// After the walk: hands over what is left and lets the writer go.
    fn poll_done_send(&mut self) {
        if self.written && self.tx.is_some() && self.drain() {
            self.tx = None;
        }
    }

    /// The walk is over but some bytes still wait for the writer's queue.
    pub fn is_draining(&self) -> bool {
        self.written && self.tx.is_some()
    }

    /// The writer's verdict, once it has one.
    pub fn poll_done(&mut self) -> Option<io::Result<()>> {
        self.poll_done_send();
        match self.done.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(io::Error::other("the RDB writer thread stopped"))),
        }
    }

    /// Stops the save: the writer removes its temporary file, every
    /// database forgets what it still owed.
    pub fn abort(mut self, dbs: &mut [Db]) {
        // The writer stops before its next chunk and removes its file; it
        // is waited for, so nothing of this save outlives the call.
        self.stop.store(true, Ordering::SeqCst);
        self.tx = None;
        self.queue.clear();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        for db in dbs.iter_mut() {
            if db.snap.is_some() {
                db.end_snapshot(false);
            }
        }
    }
}

/// The writer thread: compresses the deferred strings of each chunk and
/// writes it, until told to finish (commit) or the walk goes away (abort:
/// a temporary file is removed).
fn write_chunks(
    mut output: Output,
    mut enc: Encoder,
    rx: Receiver<Chunk>,
    path: &Path,
    stop: &AtomicBool,
) -> io::Result<()> {
    let temp = match &output {
        Output::File(file) => Some(file.temp.clone()),
        Output::Replicas { .. } => None,
    };
    let mut compressed = Vec::with_capacity(CHUNK * 2);
    let result = (|| {
        while let Ok(chunk) = rx.recv() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            match chunk {
                Chunk::Bytes(bytes, deferred) if deferred.is_empty() => output.write(&bytes, stop)?,
                Chunk::Bytes(bytes, deferred) => {
                    compressed.clear();
                    enc.compress_deferred(&bytes, &deferred, &mut compressed);
                    output.write(&compressed, stop)?;
                }
                Chunk::Finish { checksum } => return output.finish(checksum, path, stop),
            }
        }
        Err(io::Error::new(io::ErrorKind::Interrupted, "background save aborted"))
    })();
    if result.is_err()
        && let Some(temp) = temp
    {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Obj;
    use crate::db::hash::{Hash, Limits};
    use std::time::Duration;

    /// An empty directory of its own, and a config saving into it.
    fn scratch(name: &str) -> (PathBuf, Config) {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = Config::default();
        config
            .apply(b"dir", &[dir.clone().into_os_string().into_encoded_bytes()])
            .unwrap();
        (dir, config)
    }

    /// A save of `dbs` to `path`, as BGSAVE starts one.
    fn start_to_file(dbs: &mut [Db], config: &Config, path: &Path) -> Bgsave {
        Bgsave::start(
            dbs,
            config,
            1 << 30,
            Target::File(path.to_path_buf()),
            0,
            &Header::default(),
        )
        .unwrap()
    }

    /// Steps `job` until the writer's verdict.
    fn finish(mut job: Bgsave, dbs: &mut [Db]) -> io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            job.step(dbs, Instant::now() + Duration::from_millis(5));
            if let Some(result) = job.poll_done() {
                return result;
            }
            assert!(Instant::now() < deadline, "the save did not finish");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// The databases (one) an RDB file at `path` loads into.
    fn load_file(path: &Path, config: &Config) -> Vec<Db> {
        use super::super::load::{FileLoader, Progress};
        let bytes = std::fs::read(path).unwrap();
        let mut loaded = vec![Db::new(0)];
        let mut loader = FileLoader::new(&bytes[..], bytes.len() as u64, config, false).unwrap();
        while loader.step(&mut loaded, 0, 1000).unwrap() == Progress::More {}
        loaded
    }

    /// A change to a big value half written by the walk makes the database
    /// write the rest first, and the file holds the value as it was.
    #[test]
    fn a_big_value_changed_half_written_is_saved_as_it_was() {
        let (dir, config) = scratch("loopkv-snapshot-unit");
        let limits = Limits {
            max_entries: 128,
            max_value: 64,
        };
        let mut h = Hash::new();
        for i in 0..20_000 {
            h.set(format!("f{i}").as_bytes(), format!("v{i}").as_bytes(), limits);
        }
        let mut dbs = vec![Db::new(0)];
        let id = dbs[0].add_obj(b"big", Obj::Hash(h), 0);
        let path = rdb_path(&config);
        let mut job = start_to_file(&mut dbs, &config, &path);
        // One unit of work at a time, until the value is begun, then one
        // part of it.
        let past = Instant::now();
        let owed = |dbs: &[Db]| dbs[0].snap.as_ref().unwrap().partial.is_some();
        for _ in 0..64 {
            if owed(&dbs) {
                break;
            }
            assert_eq!(job.step(&mut dbs, past), Step::More);
        }
        assert_eq!(job.step(&mut dbs, past), Step::More);
        assert!(owed(&dbs));
        // The change: the rest is written before it happens.
        let Obj::Hash(h) = dbs[0].obj_mut(id) else {
            unreachable!()
        };
        h.set(b"f1", b"changed", limits);
        h.delete(b"f2");
        assert!(dbs[0].snap.as_ref().unwrap().partial.is_none());
        finish(job, &mut dbs).unwrap();
        let loaded = load_file(&path, &config);
        let id = loaded[0].peek(b"big").unwrap();
        let Obj::Hash(h) = loaded[0].obj(id) else {
            panic!("not a hash")
        };
        assert_eq!(h.len(), 20_000);
        assert_eq!(h.get(b"f1"), Some(&b"v1"[..]));
        assert_eq!(h.get(b"f2"), Some(&b"v2"[..]));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A stopped save's writer is gone when `abort` returns, its file
    /// removed; the next save, started at once, completes untouched.
    #[test]
    fn an_aborted_save_leaves_nothing_behind() {
        let (dir, config) = scratch("loopkv-snapshot-abort");
        let mut dbs = vec![Db::new(0)];
        let value = vec![b'x'; 200];
        for i in 0..50_000 {
            dbs[0].set(
                format!("key:{i}").as_bytes(),
                &value,
                crate::db::Encoding::Auto,
                false,
                0,
            );
        }
        let path = rdb_path(&config);
        let mut job = start_to_file(&mut dbs, &config, &path);
        for _ in 0..20 {
            job.step(&mut dbs, Instant::now() + Duration::from_millis(2));
        }
        job.abort(&mut dbs);
        let leftovers = || std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers(), 0);
        let job = start_to_file(&mut dbs, &config, &path);
        finish(job, &mut dbs).unwrap();
        assert_eq!(leftovers(), 1);
        let loaded = load_file(&path, &config);
        assert_eq!(loaded[0].len(), 50_000);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// An RDB arriving a few bytes at a time (a diskless transfer) loads
    /// to the same keys as the file: a record cut anywhere is read again
    /// once the rest has come.
    #[test]
    fn a_snapshot_fed_in_pieces_loads_whole() {
        use super::super::load::{Fed, Feed, FileLoader};
        let (dir, config) = scratch("loopkv-snapshot-feed");
        let mut dbs = vec![Db::new(0)];
        for i in 0..300 {
            let value = vec![b'a' + (i % 26) as u8; i * 7];
            let id = dbs[0].set(format!("k{i}").as_bytes(), &value, crate::db::Encoding::Auto, false, 0);
            if i % 3 == 0 {
                dbs[0].set_expire(id, u64::MAX / 2);
            }
        }
        let path = rdb_path(&config);
        finish(start_to_file(&mut dbs, &config, &path), &mut dbs).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let mut loaded = vec![Db::new(0)];
        let mut feed = Some(Feed::default());
        let mut loader = None;
        let mut chunks = bytes.chunks(13);
        let outcome = loop {
            if let Some(f) = feed.as_mut() {
                match chunks.next() {
                    Some(c) => f.push(c),
                    None => f.end(),
                }
                match FileLoader::from_feed(feed.take().unwrap(), Some(bytes.len() as u64), &config).unwrap() {
                    Ok(l) => loader = Some(l),
                    Err(f) => feed = Some(f),
                }
                continue;
            }
            let l = loader.as_mut().unwrap();
            match l.step_fed(&mut loaded, 0, 1000).unwrap() {
                Fed::Done => break Fed::Done,
                Fed::More => {}
                Fed::Starved => match chunks.next() {
                    Some(c) => l.feed_mut().push(c),
                    None if l.feed_mut().ended() => break Fed::Starved,
                    None => l.feed_mut().end(),
                },
            }
        };
        assert_eq!(outcome, Fed::Done);
        assert_eq!(loaded[0].len(), 300);
        for i in [0usize, 1, 150, 299] {
            let id = loaded[0].peek(format!("k{i}").as_bytes()).unwrap();
            let crate::db::Value::Str(v) = loaded[0].value(id) else {
                panic!("not a raw string")
            };
            assert_eq!(v, vec![b'a' + (i % 26) as u8; i * 7]);
            assert_eq!(loaded[0].expire_at(id).is_some(), i % 3 == 0);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
