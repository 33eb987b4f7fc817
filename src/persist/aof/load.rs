//! Loading the append-only files (Redis's `loadAppendOnlyFiles`): the
//! base, then each incremental file, in manifest order. A file that
//! starts with `REDIS` is an RDB (a preamble base) and may be followed by
//! commands; the rest are commands in RESP, replayed by a client with no
//! socket as Redis's AOF-loading client does, with nothing expiring
//! meanwhile. A file cut short is cut back to its last whole command
//! (`aof-load-truncated`), an unfinished MULTI included; only the last
//! file may be cut.

use crate::client::Clients;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Instant;

use super::Logged;
use super::manifest::Manifest;
use crate::client::{Client, Stream};
use crate::persist::load::{FileLoader, Progress};
use crate::server::State;

/// How a load ended (Redis's `AOF_*` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// The manifest lists no file.
    NotExist,
    /// Every file is empty.
    Empty,
    /// The last file was cut back and loaded.
    Truncated,
    /// A file could not be opened or read, or holds something wrong
    /// (the reason was logged).
    Failed,
}

/// The longest line Redis reads from an AOF (`AOF_ANNOTATION_LINE_MAX_LEN`).
const LINE_MAX: usize = 1024;

/// A file being replayed.
enum Current {
    /// An RDB (preamble or base) being loaded; commands may follow it.
    Rdb {
        loader: Box<FileLoader<BufReader<File>>>,
        old_style: bool,
    },
    Commands(Commands),
}

/// The command part of a file.
struct Commands {
    r: BufReader<File>,
    /// Bytes read from the file so far.
    pos: u64,
    /// The end of the last whole command (where a cut tail is cut to).
    valid_up_to: u64,
    /// Where the open MULTI began.
    valid_before_multi: u64,
    /// The file's size.
    len: u64,
}

/// Why reading a command stopped.
enum Stop {
    /// The file ended where a command may end.
    Eof,
    /// The file ended inside a command.
    Short,
    /// The bytes are not a command.
    Format,
    Io(io::Error),
}

/// An AOF load in progress.
pub struct AofLoader {
    dir: PathBuf,
    /// The base (if any) then the incremental files, with their sizes.
    files: Vec<(Vec<u8>, u64)>,
    next: usize,
    name: Vec<u8>,
    cur: Option<Current>,
    fake: Option<Client>,
    /// The command being replayed (buffers reused).
    frame: Frame,
    /// `appendfilename`: a base of that name is an old-style AOF.
    old_name: Vec<u8>,
    /// The settings an RDB part is loaded with.
    config: crate::config::Config,
    has_base: bool,
    truncate_ok: bool,
    pub total_size: u64,
    pub base_size: u64,
    /// Bytes of the files already loaded.
    done_bytes: u64,
    file_started: Instant,
    pub outcome: Outcome,
    /// Keys read from an RDB part, commands replayed.
    pub keys_loaded: u64,
    pub commands: u64,
}

impl AofLoader {
    /// Prepares to load what `manifest` lists (`loadAppendOnlyFiles`'s
    /// start): Err(NotExist) if it lists nothing, Err(Empty) if every
    /// file is empty, Err(Failed) if one is missing.
    pub fn new(st: &State, manifest: &Manifest) -> Result<AofLoader, Outcome> {
        if manifest.is_empty() {
            return Err(Outcome::NotExist);
        }
        let dir = super::dir_path(&st.config);
        let mut files = Vec::new();
        let mut total = 0;
        let mut base_size = 0;
        for (i, f) in manifest.base.iter().chain(&manifest.incrs).enumerate() {
            let path = dir.join(std::ffi::OsStr::from_bytes(&f.name));
            match std::fs::metadata(&path) {
                Ok(m) => {
                    total += m.len();
                    if i == 0 && manifest.base.is_some() {
                        base_size = m.len();
                    }
                    files.push((f.name.clone(), m.len()));
                }
                Err(e) => {
                    log::warn!(
                        "Unable to obtain the AOF file {} length. stat: {}",
                        String::from_utf8_lossy(&f.name),
                        crate::config::io_reason(&e)
                    );
                    return Err(Outcome::Failed);
                }
            }
        }
        if total == 0 {
            return Err(Outcome::Empty);
        }
        let mut fake = Client::new(
            0,
            Stream::None,
            ([0, 0, 0, 0], 0).into(),
            ([0, 0, 0, 0], 0).into(),
            -1,
            0,
        );
        fake.authenticated = true;
        fake.name = Some(b"AOF-loading-client".to_vec().into_boxed_slice());
        Ok(AofLoader {
            dir,
            files,
            next: 0,
            name: Vec::new(),
            cur: None,
            fake: Some(fake),
            frame: Frame::default(),
            old_name: st.config.value("appendfilename").to_vec(),
            config: st.config.clone(),
            has_base: manifest.base.is_some(),
            truncate_ok: st.config.value("aof-load-truncated") == b"yes",
            total_size: total,
            base_size,
            done_bytes: 0,
            file_started: Instant::now(),
            outcome: Outcome::Ok,
            keys_loaded: 0,
            commands: 0,
        })
    }

    /// Bytes loaded so far, for INFO's loading fields.
    pub fn loaded_bytes(&self) -> u64 {
        self.done_bytes
            + match &self.cur {
                Some(Current::Rdb { loader, .. }) => loader.position(),
                Some(Current::Commands(c)) => c.pos,
                None => 0,
            }
    }

    /// Loads up to `budget` commands or keys. Done once every file is
    /// loaded (`outcome` says how); Err(Logged) when the load failed (logged).
    pub fn step(&mut self, st: &mut State, clients: &mut Clients, budget: usize) -> Result<Progress, Logged> {
        let mut left = budget;
        while left > 0 {
            let Some(cur) = self.cur.as_mut() else {
                if self.next == self.files.len() {
                    return Ok(Progress::Done);
                }
                self.open_next()?;
                continue;
            };
            match cur {
                Current::Rdb { loader, old_style } => {
                    let old_style = *old_style;
                    let now = crate::server::now_ms();
                    let before = loader.keys_loaded;
                    let step = loader.step(&mut st.dbs, now, left);
                    self.keys_loaded += loader.keys_loaded - before;
                    left = left.saturating_sub((loader.keys_loaded - before).max(1) as usize);
                    match step {
                        Ok(Progress::More) => {}
                        Ok(Progress::Done) => {
                            let Some(Current::Rdb { loader, .. }) = self.cur.take() else {
                                unreachable!()
                            };
                            log::info!(
                                "Done loading RDB, keys loaded: {}, keys expired: {}.",
                                loader.keys_loaded,
                                loader.keys_expired
                            );
                            let pos = loader.position();
                            if old_style {
                                log::info!("Reading the remaining AOF tail...");
                            }
                            self.cur = Some(Current::Commands(Commands {
                                r: loader.into_inner(),
                                pos,
                                valid_up_to: 0,
                                valid_before_multi: 0,
                                len: self.files[self.next - 1].1,
                            }));
                        }
                        Err(f) => {
                            log::warn!("{f}");
                            if old_style {
                                log::warn!(
                                    "Error reading the RDB preamble of the AOF file {}, AOF loading aborted",
                                    self.shown()
                                );
                            } else {
                                log::warn!("Error reading the RDB base file {}, AOF loading aborted", self.shown());
                            }
                            return Err(Logged);
                        }
                    }
                }
                Current::Commands(_) => {
                    if self.replay(st, clients, &mut left)? {
                        self.finish_file()?;
                    }
                }
            }
        }
        Ok(Progress::More)
    }

    fn shown(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }

    fn last_file(&self) -> bool {
        self.next == self.files.len()
    }

    /// Opens the next file; an empty one is skipped.
    fn open_next(&mut self) -> Result<(), Logged> {
        let (name, len) = self.files[self.next].clone();
        self.next += 1;
        self.name = name;
        self.file_started = Instant::now();
        if len == 0 {
            self.done_bytes += len;
            return Ok(());
        }
        let path = self.dir.join(std::ffi::OsStr::from_bytes(&self.name));
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                log::warn!(
                    "Fatal error: can't open the append log file {} for reading: {}",
                    self.shown(),
                    crate::config::io_reason(&e)
                );
                return Err(Logged);
            }
        };
        let mut sig = [0u8; 5];
        let is_rdb = io::Read::read_exact(&mut file, &mut sig).is_ok() && &sig == b"REDIS";
        if let Err(e) = io::Seek::seek(&mut file, io::SeekFrom::Start(0)) {
            log::warn!(
                "Unrecoverable error reading the append only file {}: {}",
                self.shown(),
                crate::config::io_reason(&e)
            );
            return Err(Logged);
        }
        let r = BufReader::with_capacity(1 << 16, file);
        if is_rdb {
            let old_style = self.name == self.old_name;
            if old_style {
                log::info!("Reading RDB preamble from AOF file...");
            } else {
                log::info!("Reading RDB base file on AOF loading...");
            }
            match FileLoader::new(r, len, &self.config, false) {
                Ok(mut loader) => {
                    loader.keep_expired = true;
                    self.cur = Some(Current::Rdb {
                        loader: Box::new(loader),
                        old_style,
                    });
                }
                Err(f) => {
                    log::warn!("{f}");
                    log::warn!("Error reading the RDB base file {}, AOF loading aborted", self.shown());
                    return Err(Logged);
                }
            }
        } else {
            self.cur = Some(Current::Commands(Commands {
                r,
                pos: 0,
                valid_up_to: 0,
                valid_before_multi: 0,
                len,
            }));
        }
        Ok(())
    }

    /// Replays commands until the file ends (true) or `left` runs out.
    fn replay(&mut self, st: &mut State, clients: &mut Clients, left: &mut usize) -> Result<bool, Logged> {
        let mut frame = std::mem::take(&mut self.frame);
        let result = self.replay_with(st, clients, left, &mut frame);
        self.frame = frame;
        result
    }

    fn replay_with(
        &mut self,
        st: &mut State,
        clients: &mut Clients,
        left: &mut usize,
        frame: &mut Frame,
    ) -> Result<bool, Logged> {
        while *left > 0 {
            *left -= 1;
            let Some(Current::Commands(c)) = self.cur.as_mut() else {
                return Ok(true);
            };
            match read_command(c, frame) {
                Ok(()) => {}
                Err(Stop::Eof) => {
                    if self.fake.as_ref().is_some_and(|f| f.tx.queueing()) {
                        c.valid_up_to = c.valid_before_multi;
                        log::warn!("Revert incomplete MULTI/EXEC transaction in AOF file {}", self.shown());
                        return self.cut_short();
                    }
                    return Ok(true);
                }
                Err(Stop::Short) => return self.cut_short(),
                Err(Stop::Format) => {
                    log::warn!(
                        "Bad file format reading the append only file {}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>",
                        self.shown()
                    );
                    return Err(Logged);
                }
                Err(Stop::Io(e)) => {
                    log::warn!(
                        "Unrecoverable error reading the append only file {}: {}",
                        self.shown(),
                        crate::config::io_reason(&e)
                    );
                    return Err(Logged);
                }
            }
            if frame.name().eq_ignore_ascii_case(b"multi") {
                c.valid_before_multi = c.valid_up_to;
            }
            self.commands += 1;
            let fake = self.fake.take().expect("fake client");
            let token = clients.insert(fake);
            let known = crate::command::replay(st, clients, token, &frame.bytes, &frame.spans);
            self.fake = Some(clients.remove(token));
            if !known {
                log::warn!(
                    "Unknown command '{}' reading the append only file {}",
                    String::from_utf8_lossy(frame.name()),
                    self.shown()
                );
                return Err(Logged);
            }
            let Some(Current::Commands(c)) = self.cur.as_mut() else {
                unreachable!()
            };
            if self.truncate_ok {
                c.valid_up_to = c.pos;
            }
        }
        Ok(false)
    }

    /// The file ended inside a command (or a MULTI): with
    /// `aof-load-truncated` it is cut back to the last whole command.
    fn cut_short(&mut self) -> Result<bool, Logged> {
        let name = self.shown();
        let Some(Current::Commands(c)) = self.cur.as_ref() else {
            unreachable!()
        };
        if self.truncate_ok {
            log::warn!("!!! Warning: short read while loading the AOF file {name}!!!");
            log::warn!("!!! Truncating the AOF {name} at offset {} !!!", c.valid_up_to);
            let path = self.dir.join(std::ffi::OsStr::from_bytes(&self.name));
            let cut = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .and_then(|f| f.set_len(c.valid_up_to));
            match cut {
                Ok(()) => {
                    log::warn!("AOF {name} loaded anyway because aof-load-truncated is enabled");
                    // A half-run transaction is dropped with the tail.
                    if let Some(f) = self.fake.as_mut() {
                        f.tx.abandon();
                    }
                    self.outcome = Outcome::Truncated;
                    return Ok(true);
                }
                Err(e) => log::warn!("Error truncating the AOF file {name}: {}", crate::config::io_reason(&e)),
            }
        }
        log::warn!(
            "Unexpected end of file reading the append only file {name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
        );
        Err(Logged)
    }

    /// A file is loaded: logged, and a cut file must be the last.
    fn finish_file(&mut self) -> Result<(), Logged> {
        let len = self.files[self.next - 1].1;
        self.done_bytes += len;
        self.cur = None;
        if self.outcome == Outcome::Truncated && !self.last_file() {
            log::warn!("Fatal error: the truncated file is not the last file");
            return Err(Logged);
        }
        let kind = if self.has_base && self.next == 1 {
            "base"
        } else {
            "incr"
        };
        log::info!(
            "DB loaded from {kind} file {}: {:.3} seconds",
            self.shown(),
            self.file_started.elapsed().as_secs_f64()
        );
        Ok(())
    }
}

/// Reads one line as `fgets` with Redis's buffer would: up to and
/// including `\n`, at most `LINE_MAX - 1` bytes. None at end of file.
fn read_line(c: &mut Commands, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    while line.len() < LINE_MAX - 1 {
        let buf = c.r.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let want = (LINE_MAX - 1 - line.len()).min(buf.len());
        let (take, done) = match memchr::memchr(b'\n', &buf[..want]) {
            Some(at) => (at + 1, true),
            None => (want, false),
        };
        line.extend_from_slice(&buf[..take]);
        c.r.consume(take);
        c.pos += take as u64;
        if done {
            break;
        }
    }
    Ok(!line.is_empty())
}

/// Appends exactly `n` bytes to `out`; false if the file ends first.
fn read_exact(c: &mut Commands, n: usize, out: &mut Vec<u8>) -> io::Result<bool> {
    // The file bounds what a length may promise.
    let left = c.len.saturating_sub(c.pos);
    if n as u64 > left {
        return Ok(false);
    }
    let start = out.len();
    out.resize(start + n, 0);
    match io::Read::read_exact(&mut c.r, &mut out[start..]) {
        Ok(()) => {
            c.pos += n as u64;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// C's `atoi`/`strtol` on a header line: digits after an optional sign.
fn leading_int(s: &[u8]) -> i64 {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &d in digits.iter().take_while(|d| d.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    if neg { -n } else { n }
}

/// One command as read from the file: its arguments back to back, where
/// each one is, and the header line being read. Reused from command to
/// command, so replaying allocates nothing per command.
#[derive(Default)]
struct Frame {
    bytes: Vec<u8>,
    spans: Vec<std::ops::Range<usize>>,
    line: Vec<u8>,
}

impl Frame {
    fn name(&self) -> &[u8] {
        &self.bytes[self.spans[0].clone()]
    }
}

/// Reads the next command into `f`, skipping `#` annotations.
fn read_command(c: &mut Commands, f: &mut Frame) -> Result<(), Stop> {
    loop {
        if !read_line(c, &mut f.line).map_err(Stop::Io)? {
            return Err(Stop::Eof);
        }
        if f.line[0] != b'#' {
            break;
        }
    }
    if f.line[0] != b'*' {
        return Err(Stop::Format);
    }
    if f.line.len() == 1 {
        return Err(Stop::Short);
    }
    let argc = leading_int(&f.line[1..]);
    if argc < 1 {
        return Err(Stop::Format);
    }
    f.bytes.clear();
    f.spans.clear();
    for _ in 0..argc {
        if !read_line(c, &mut f.line).map_err(Stop::Io)? {
            return Err(Stop::Short);
        }
        if f.line[0] != b'$' {
            return Err(Stop::Format);
        }
        let len = leading_int(&f.line[1..]).max(0) as usize;
        let start = f.bytes.len();
        if !read_exact(c, len, &mut f.bytes).map_err(Stop::Io)? {
            return Err(Stop::Short);
        }
        f.spans.push(start..start + len);
        // The CRLF after the argument (not checked, as Redis).
        if !read_exact(c, 2, &mut f.bytes).map_err(Stop::Io)? {
            return Err(Stop::Short);
        }
        f.bytes.truncate(start + len);
    }
    // A big argument's buffer is not kept for the rest of the file.
    if f.bytes.capacity() > 1 << 20 {
        f.bytes = Vec::new();
    }
    Ok(())
}
