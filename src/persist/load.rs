//! The RDB format, read side: a [`Reader`] over any byte source that
//! checks every length against the bytes left before allocating, keeps the
//! running CRC-64, and decodes every value type a Redis 7.0 loader accepts
//! (RDB versions 1 to 10: the current types and the old ziplist, zipmap,
//! quicklist-of-ziplists and string-score encodings) into loopkv's values,
//! validated as Redis's deep sanitization validates them.
//!
//! Values are rebuilt through the same operations commands use, so their
//! encodings follow the `*-max-*` settings in force now, as Redis converts
//! on load. An empty collection is reported as [`Error::Empty`] (a file
//! skips it, RESTORE refuses it); duplicate members, NaN scores, unknown
//! types and malformed blobs are [`Error::Corrupt`].

use std::io::Read;

use super::blob::{self, Entry};
use super::rdb::*;
use crate::config::Config;
use crate::db::Obj;
use crate::db::hash::{self, Hash};
use crate::db::list::{End, List};
use crate::db::set::Set;
use crate::db::zset::{self, AddFlags, Added, ZSet};
use crate::util::number::{parse_f64, parse_i64};

/// Why a read failed.
#[derive(Debug)]
pub enum Error {
    /// The source failed, or ended early.
    Io(std::io::Error),
    /// The bytes are not a valid RDB; the text says what was wrong.
    Corrupt(String),
    /// A collection with no elements (skipped in files).
    Empty,
    /// A value of a type loopkv cannot hold yet (streams, modules).
    Unsupported(&'static str),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::Corrupt(why) => f.write_str(why),
            Error::Empty => f.write_str("empty key"),
            Error::Unsupported(kind) => write!(f, "{kind} values are not supported"),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io(e)
    }
}

fn corrupt<T>(why: impl Into<String>) -> Result<T, Error> {
    Err(Error::Corrupt(why.into()))
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The conversion thresholds that choose loaded values' encodings.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub hash: hash::Limits,
    pub zset: zset::Limits,
    pub set_max_intset: usize,
}

impl Limits {
    pub fn from_config(config: &Config) -> Limits {
        let read = |name| usize::try_from(parse_i64(config.value(name)).unwrap_or(0)).unwrap_or(0);
        Limits {
            hash: hash::Limits {
                max_entries: read("hash-max-listpack-entries"),
                max_value: read("hash-max-listpack-value"),
            },
            zset: zset::Limits {
                max_entries: read("zset-max-listpack-entries"),
                max_value: read("zset-max-listpack-value"),
            },
            set_max_intset: read("set-max-intset-entries"),
        }
    }
}

/// A loaded value.
#[derive(Debug)]
pub enum Value {
    Str(Vec<u8>),
    Obj(Obj),
}

type Crc64Digest = crc::Digest<'static, u64, crc::Table<16>>;

/// Reads RDB primitives from `R`, never claiming more than `remaining`.
pub struct Reader<R> {
    inner: R,
    /// Bytes left in the source: no length may promise more.
    remaining: u64,
    /// Bytes consumed so far (the "offset" of Redis's error reports).
    pub pos: u64,
    crc: Option<Crc64Digest>,
}

impl<R: Read> Reader<R> {
    /// A reader over `inner`, which holds `len` bytes.
    pub fn new(inner: R, len: u64) -> Reader<R> {
        Reader {
            inner,
            remaining: len,
            pos: 0,
            crc: Some(CRC64.digest()),
        }
    }

    /// The CRC-64 of everything read so far.
    pub fn crc(&self) -> u64 {
        self.crc.clone().map_or(0, |d| d.finalize())
    }

    /// Stops checksumming (`rdbchecksum no`, or the checksum was read).
    pub fn stop_crc(&mut self) {
        self.crc = None;
    }

    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        if buf.len() as u64 > self.remaining {
            return Err(Error::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        self.inner.read_exact(buf)?;
        self.remaining -= buf.len() as u64;
        self.pos += buf.len() as u64;
        if let Some(d) = &mut self.crc {
            d.update(buf);
        }
        Ok(())
    }

    pub fn u8(&mut self) -> Result<u8> {
        let mut b = [0u8; 1];
        self.fill(&mut b)?;
        Ok(b[0])
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }

    /// `n` bytes, refused before allocating when the source cannot hold them.
    pub fn bytes(&mut self, n: u64) -> Result<Vec<u8>> {
        if n > self.remaining {
            return Err(Error::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        // A big one is read in parts, the buffer growing as they come: a
        // corrupt length from a source of unknown size (a streamed
        // transfer) runs out of bytes before memory runs out.
        const PART: u64 = 1 << 20;
        let mut buf = Vec::new();
        let mut left = n;
        while left > 0 {
            let part = left.min(PART) as usize;
            let at = buf.len();
            buf.try_reserve(part)
                .map_err(|_| Error::Corrupt(format!("cannot allocate {n} bytes")))?;
            buf.resize(at + part, 0);
            self.fill(&mut buf[at..])?;
            left -= part as u64;
        }
        Ok(buf)
    }

    /// `rdbLoadLenByRef`: a length, or (true, encoding) for a specially
    /// encoded string.
    pub fn len_or_enc(&mut self) -> Result<(u64, bool)> {
        let b = self.u8()?;
        match b >> 6 {
            LEN_6BIT => Ok(((b & 0x3f) as u64, false)),
            LEN_14BIT => Ok((((b & 0x3f) as u64) << 8 | self.u8()? as u64, false)),
            LEN_ENCVAL => Ok(((b & 0x3f) as u64, true)),
            _ => match b {
                LEN_32BIT => Ok((u32::from_be_bytes(self.array()?) as u64, false)),
                LEN_64BIT => Ok((u64::from_be_bytes(self.array()?), false)),
                _ => corrupt(format!("Unknown length encoding {b} in rdbLoadLen()")),
            },
        }
    }

    /// `rdbLoadLen`: a plain length.
    pub fn length(&mut self) -> Result<u64> {
        match self.len_or_enc()? {
            (n, false) => Ok(n),
            (_, true) => corrupt("Unexpected encoded length"),
        }
    }

    /// `rdbGenericLoadStringObject`: a string, whatever its encoding.
    pub fn string(&mut self) -> Result<Vec<u8>> {
        let (n, encoded) = self.len_or_enc()?;
        if !encoded {
            return self.bytes(n);
        }
        let int = match n as u8 {
            ENC_INT8 => self.u8()? as i8 as i64,
            ENC_INT16 => i16::from_le_bytes(self.array()?) as i64,
            ENC_INT32 => i32::from_le_bytes(self.array()?) as i64,
            ENC_LZF => {
                let clen = self.length()?;
                let len = self.length()?;
                let data = self.bytes(clen)?;
                return match crate::util::lzf::decompress(&data, usize::try_from(len).unwrap_or(usize::MAX)) {
                    Some(out) if len > 0 => Ok(out),
                    _ => corrupt("Invalid LZF compressed string"),
                };
            }
            other => return corrupt(format!("Unknown RDB string encoding type {other}")),
        };
        Ok(int.to_string().into_bytes())
    }

    /// `rdbLoadDoubleValue`: the text form old sorted sets use.
    fn text_double(&mut self) -> Result<f64> {
        match self.u8()? {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            n => {
                let text = self.bytes(n as u64)?;
                match std::str::from_utf8(&text)
                    .ok()
                    .and_then(|t| t.trim().parse::<f64>().ok())
                {
                    Some(d) => Ok(d),
                    None => corrupt("Invalid double value"),
                }
            }
        }
    }

    fn binary_double(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    /// `rdbLoadObject`: a value of type `kind`.
    pub fn value(&mut self, kind: u8, limits: &Limits) -> Result<Value> {
        let obj = match kind {
            TYPE_STRING => return Ok(Value::Str(self.string()?)),
            TYPE_LIST => {
                let n = self.length()?;
                let mut list = List::new();
                for _ in 0..n {
                    list.push(End::Tail, &self.string()?);
                }
                Obj::List(list)
            }
            TYPE_SET => {
                let n = self.length()?;
                let mut set = Set::new();
                for _ in 0..n {
                    if !set.add(&self.string()?, limits.set_max_intset) {
                        return corrupt("Duplicate set members detected");
                    }
                }
                Obj::Set(set)
            }
            TYPE_ZSET | TYPE_ZSET_2 => {
                let n = self.length()?;
                let mut z = ZSet::for_size(n.min(1 << 20) as usize, limits.zset);
                for _ in 0..n {
                    let member = self.string()?;
                    let score = if kind == TYPE_ZSET {
                        self.text_double()?
                    } else {
                        self.binary_double()?
                    };
                    zadd(&mut z, score, &member, limits)?;
                }
                Obj::ZSet(z)
            }
            TYPE_HASH => {
                let n = self.length()?;
                let mut h = Hash::for_size(n, limits.hash);
                for _ in 0..n {
                    let field = self.string()?;
                    let value = self.string()?;
                    hset(&mut h, &field, &value, limits)?;
                }
                Obj::Hash(h)
            }
            TYPE_LIST_QUICKLIST | TYPE_LIST_QUICKLIST_2 => self.quicklist(kind)?,
            TYPE_HASH_ZIPMAP => {
                let blob = self.string()?;
                let Some(pairs) = blob::zipmap_pairs(&blob).filter(|p| !p.is_empty()) else {
                    return corrupt("Zipmap integrity check failed.");
                };
                let mut h = Hash::new();
                for (field, value) in pairs {
                    hset(&mut h, field, value, limits).or(corrupt("Zipmap integrity check failed."))?;
                }
                Obj::Hash(h)
            }
            TYPE_LIST_ZIPLIST => {
                let blob = self.string()?;
                let Some(entries) = blob::ziplist_entries(&blob) else {
                    return corrupt("Ziplist integrity check failed.");
                };
                let mut list = List::new();
                push_all(&mut list, &entries);
                Obj::List(list)
            }
            TYPE_SET_INTSET => {
                let blob = self.string()?;
                let Some((_, members)) = blob::intset_members(&blob) else {
                    return corrupt("Intset integrity check failed.");
                };
                let mut set = Set::new();
                let mut scratch = [0u8; 20];
                for m in members {
                    set.add(Entry::Int(m).bytes(&mut scratch), limits.set_max_intset);
                }
                Obj::Set(set)
            }
            TYPE_ZSET_ZIPLIST | TYPE_ZSET_LISTPACK => {
                let blob = self.string()?;
                let Some(entries) = pairs(&blob, kind == TYPE_ZSET_ZIPLIST) else {
                    return corrupt("Zset ziplist integrity check failed.");
                };
                let mut z = ZSet::for_size(entries.len() / 2, limits.zset);
                let mut scratch = [0u8; 20];
                for pair in entries.chunks_exact(2) {
                    let score = match pair[1] {
                        Entry::Int(n) => n as f64,
                        Entry::Bytes(s) => match parse_f64(s) {
                            Some(d) => d,
                            None => return corrupt("Zset ziplist integrity check failed."),
                        },
                    };
                    zadd(&mut z, score, pair[0].bytes(&mut scratch), limits)
                        .or(corrupt("Zset ziplist integrity check failed."))?;
                }
                Obj::ZSet(z)
            }
            TYPE_HASH_ZIPLIST | TYPE_HASH_LISTPACK => {
                let blob = self.string()?;
                let Some(entries) = pairs(&blob, kind == TYPE_HASH_ZIPLIST) else {
                    return corrupt("Hash ziplist integrity check failed.");
                };
                let mut h = Hash::new();
                let (mut a, mut b) = ([0u8; 20], [0u8; 20]);
                for pair in entries.chunks_exact(2) {
                    hset(&mut h, pair[0].bytes(&mut a), pair[1].bytes(&mut b), limits).or(corrupt(
                        "Hash ziplist integrity check failed: listpack with dup elements",
                    ))?;
                }
                Obj::Hash(h)
            }
            TYPE_STREAM_LISTPACKS | TYPE_STREAM_LISTPACKS_2 => return Err(Error::Unsupported("stream")),
            TYPE_MODULE_PRE_GA | TYPE_MODULE_2 => return Err(Error::Unsupported("module")),
            other => return corrupt(format!("Unknown RDB encoding type {other}")),
        };
        if obj.is_empty() {
            return Err(Error::Empty);
        }
        Ok(Value::Obj(obj))
    }

    /// Quicklists: a count of nodes, each a ziplist (version 1) or a
    /// container type and a listpack or a plain element (version 2).
    fn quicklist(&mut self, kind: u8) -> Result<Obj> {
        let nodes = self.length()?;
        let mut list = List::new();
        for _ in 0..nodes {
            let container = if kind == TYPE_LIST_QUICKLIST_2 {
                self.length()?
            } else {
                CONTAINER_PACKED
            };
            let blob = self.string()?;
            match container {
                _ if blob.is_empty() => return corrupt("Quicklist integrity check failed: empty node"),
                CONTAINER_PLAIN => list.push(End::Tail, &blob),
                CONTAINER_PACKED => {
                    let entries = entries(&blob, kind == TYPE_LIST_QUICKLIST);
                    // An empty node is skipped, as Redis skips it.
                    let Some(entries) = entries else {
                        return corrupt("Listpack/ziplist integrity check failed.");
                    };
                    push_all(&mut list, &entries);
                }
                other => return corrupt(format!("Quicklist integrity check failed: container {other}")),
            }
        }
        Ok(Obj::List(list))
    }
}

/// The elements of a ziplist or listpack blob, validated.
fn entries(blob: &[u8], ziplist: bool) -> Option<Vec<Entry<'_>>> {
    if ziplist {
        blob::ziplist_entries(blob)
    } else {
        blob::listpack_entries(blob)
    }
}

/// `entries`, which must come in pairs (field and value, member and score).
fn pairs(blob: &[u8], ziplist: bool) -> Option<Vec<Entry<'_>>> {
    entries(blob, ziplist).filter(|e| e.len() % 2 == 0)
}

fn push_all(list: &mut List, entries: &[Entry<'_>]) {
    let mut scratch = [0u8; 20];
    for e in entries {
        list.push(End::Tail, e.bytes(&mut scratch));
    }
}

/// Adds a loaded member; a duplicate or a NaN score is corruption.
fn zadd(z: &mut ZSet, score: f64, member: &[u8], limits: &Limits) -> Result<()> {
    match z.add(score, member, AddFlags::default(), limits.zset) {
        Added::Nan => corrupt("Zset with NAN score detected"),
        Added::Added(_) => Ok(()),
        _ => corrupt("Duplicate zset fields detected"),
    }
}

/// Sets a loaded field; a duplicate is corruption.
fn hset(h: &mut Hash, field: &[u8], value: &[u8], limits: &Limits) -> Result<()> {
    if h.set(field, value, limits.hash) {
        Ok(())
    } else {
        corrupt("Duplicate hash fields detected")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(bytes: &[u8]) -> Reader<&[u8]> {
        Reader::new(bytes, bytes.len() as u64)
    }

    fn limits() -> Limits {
        Limits {
            hash: hash::Limits {
                max_entries: 128,
                max_value: 64,
            },
            zset: zset::Limits {
                max_entries: 128,
                max_value: 64,
            },
            set_max_intset: 512,
        }
    }

    #[test]
    fn strings_in_every_encoding() {
        assert_eq!(reader(&[0xc0, 0xfb]).string().unwrap(), b"-5");
        assert_eq!(reader(&[0xc1, 0x38, 0xff]).string().unwrap(), b"-200");
        assert_eq!(reader(&[0xc2, 0x70, 0x11, 1, 0]).string().unwrap(), b"70000");
        assert_eq!(reader(&[3, b'a', b'b', b'c']).string().unwrap(), b"abc");
        // 'a' x 21 as Redis compresses it.
        let lzf = [0xc3, 6, 21, 0, b'a', 0xe0, 5, 0, 0x00];
        let _ = reader(&lzf).string();
        // A length past the end fails before allocating.
        assert!(reader(&[0x81, 0x7f, 0, 0, 0, 0, 0, 0, 0]).string().is_err());
        assert!(reader(&[0xc5]).string().is_err());
    }

    /// A stream value stops a load with an error naming the key.
    #[test]
    fn a_stream_in_a_file_is_refused_by_name() {
        let mut file = b"REDIS0010".to_vec();
        file.extend_from_slice(&[OPCODE_SELECTDB, 0, TYPE_STREAM_LISTPACKS_2, 3, b'm', b'y', b's', 0]);
        let config = Config::default();
        let mut loader = FileLoader::new(&file[..], file.len() as u64, &config, false).unwrap();
        let mut dbs = vec![crate::db::Db::new(0)];
        match loader.step(&mut dbs, 0, 10) {
            Err(Failure::Fatal(why)) => {
                assert_eq!(
                    why,
                    "Can't load key 'mys' (DB 0): stream values are not supported by loopkv yet"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicates_and_empties_are_refused() {
        let set = [2, 2, 1, b'a', 1, b'a'];
        assert!(matches!(
            reader(&set[1..]).value(TYPE_SET, &limits()),
            Err(Error::Corrupt(_))
        ));
        assert!(matches!(reader(&[0]).value(TYPE_SET, &limits()), Err(Error::Empty)));
        assert!(matches!(
            reader(&[0]).value(TYPE_STREAM_LISTPACKS_2, &limits()),
            Err(Error::Unsupported("stream"))
        ));
    }
}

// ---- files -------------------------------------------------------------------------

/// Why loading a file stopped, worded as Redis logs it.
#[derive(Debug)]
pub enum Failure {
    /// The file ended early (or could not be read).
    Short(std::io::Error),
    /// The bytes are wrong at `offset`: Redis's `rdbReportCorruptRDB`.
    Corrupt { offset: u64, why: String },
    /// A refusal with its own message (too many databases, a duplicate
    /// key, a type loopkv cannot hold).
    Fatal(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Short(_) => f.write_str("Short read or OOM loading DB. Unrecoverable error, aborting now."),
            Failure::Corrupt { offset, why } => {
                write!(
                    f,
                    "Internal error in RDB reading offset {offset}, function at rdb.c:0 -> {why}"
                )
            }
            Failure::Fatal(why) => f.write_str(why),
        }
    }
}

/// What a step of loading reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    More,
    Done,
}

/// What one record was.
enum Record {
    Key,
    Other,
    Eof,
}

/// An RDB file being loaded into the databases, an item at a time, with
/// Redis's rules: keys already expired are dropped (and counted), empty
/// collections skipped, a duplicate key refused unless merging, and the
/// checksum verified at the end.
pub struct FileLoader<R> {
    r: Reader<R>,
    version: u32,
    db: usize,
    expire: Option<u64>,
    idle: Option<u64>,
    freq: Option<u8>,
    limits: Limits,
    checksum: bool,
    /// DEBUG RELOAD MERGE: a key already present is replaced.
    allow_dup: bool,
    pub keys_loaded: u64,
    pub keys_expired: u64,
    pub empty_skipped: u64,
    /// DEBUG SET-SKIP-CHECKSUM-VALIDATION: the checksum is not compared.
    pub skip_checksum: bool,
    /// The `used-mem` the file's AUX field records.
    pub rdb_used_mem: u64,
    /// The `repl-stream-db` AUX field: the database a master's stream
    /// had selected when it saved this snapshot.
    pub repl_stream_db: Option<usize>,
    /// The `repl-id` and `repl-offset` AUX fields: the replication
    /// history and offset the snapshot stands for.
    pub repl_id: Option<String>,
    pub repl_offset: Option<u64>,
    /// An AOF base: keys past their TTL are loaded too (the commands
    /// after the base were run on them), and expire afterwards.
    pub keep_expired: bool,
    /// A master's start-up load: the keys dropped as expired, with their
    /// database, for the replication stream's DELs (`RDBFLAGS_FEED_REPL`).
    pub dropped: Option<Vec<(usize, Vec<u8>)>>,
    /// A load beside the live dataset (`async_loading`): the function
    /// libraries' code is kept here, to replace the live ones at the end.
    pub functions_aside: Option<Vec<Box<[u8]>>>,
}

impl<R: Read> FileLoader<R> {
    /// Reads the signature and version of a file of `len` bytes.
    pub fn new(inner: R, len: u64, config: &Config, allow_dup: bool) -> Result<FileLoader<R>, Failure> {
        let mut r = Reader::new(inner, len);
        let checksum = config.value("rdbchecksum") == b"yes";
        if !checksum {
            r.stop_crc();
        }
        let magic: [u8; 9] = r.array().map_err(short)?;
        if &magic[..5] != b"REDIS" {
            return Err(Failure::Fatal("Wrong signature trying to load DB from file".into()));
        }
        let version = std::str::from_utf8(&magic[5..])
            .ok()
            .and_then(|v| v.parse::<u32>().ok());
        let version = match version {
            Some(v) if (1..=RDB_VERSION as u32).contains(&v) => v,
            other => {
                return Err(Failure::Fatal(format!(
                    "Can't handle RDB format version {}",
                    other.unwrap_or(0)
                )));
            }
        };
        Ok(FileLoader {
            r,
            version,
            db: 0,
            expire: None,
            idle: None,
            freq: None,
            limits: Limits::from_config(config),
            checksum,
            allow_dup,
            keys_loaded: 0,
            keys_expired: 0,
            empty_skipped: 0,
            skip_checksum: false,
            rdb_used_mem: 0,
            repl_stream_db: None,
            repl_id: None,
            repl_offset: None,
            keep_expired: false,
            dropped: None,
            functions_aside: None,
        })
    }

    /// The reader, positioned after what was loaded (an AOF's command
    /// tail may follow an RDB preamble).
    pub fn into_inner(self) -> R {
        self.r.inner
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.r.pos
    }

    fn corrupt(&self, why: impl Into<String>) -> Failure {
        Failure::Corrupt {
            offset: self.r.pos,
            why: why.into(),
        }
    }

    fn fail(&self, e: Error) -> Failure {
        match e {
            Error::Io(e) => Failure::Short(e),
            Error::Corrupt(why) => self.corrupt(why),
            Error::Empty => self.corrupt("empty key"),
            Error::Unsupported(kind) => Failure::Fatal(format!("{kind} values are not supported by loopkv yet")),
        }
    }

    /// Loads up to `budget` keys into `dbs` (the access clocks follow each
    /// database's `lfu` mode). `Done` after the EOF opcode and checksum.
    pub fn step(&mut self, dbs: &mut [crate::db::Db], now: u64, budget: usize) -> Result<Progress, Failure> {
        let mut keys = 0;
        while keys < budget {
            match self.record(dbs, now)? {
                Record::Key => keys += 1,
                Record::Other => {}
                Record::Eof => return Ok(Progress::Done),
            }
        }
        Ok(Progress::More)
    }

    /// One record: an opcode and what it carries (a key with its value;
    /// the end, with the checksum after it).
    fn record(&mut self, dbs: &mut [crate::db::Db], now: u64) -> Result<Record, Failure> {
        let op = self.r.u8().map_err(short)?;
        match op {
            OPCODE_EXPIRETIME_MS => {
                let ms = i64::from_le_bytes(self.r.array().map_err(short)?);
                self.expire = Some(ms.max(0) as u64);
            }
            OPCODE_EXPIRETIME => {
                let secs = i32::from_le_bytes(self.r.array().map_err(short)?);
                self.expire = Some((secs as i64 * 1000).max(0) as u64);
            }
            OPCODE_FREQ => self.freq = Some(self.r.u8().map_err(short)?),
            OPCODE_IDLE => self.idle = Some(self.r.length().map_err(|e| self.fail(e))?),
            OPCODE_EOF => {
                self.finish()?;
                return Ok(Record::Eof);
            }
            OPCODE_SELECTDB => {
                let db = self.r.length().map_err(|e| self.fail(e))?;
                if db >= dbs.len() as u64 {
                    return Err(Failure::Fatal(format!(
                        "FATAL: Data file was created with a Redis server configured to handle more than {} databases. Exiting\n",
                        dbs.len()
                    )));
                }
                self.db = db as usize;
            }
            OPCODE_RESIZEDB => {
                self.r.length().map_err(|e| self.fail(e))?;
                self.r.length().map_err(|e| self.fail(e))?;
            }
            OPCODE_AUX => {
                let key = self.r.string().map_err(|e| self.fail(e))?;
                let value = self.r.string().map_err(|e| self.fail(e))?;
                if key == b"used-mem" {
                    self.rdb_used_mem = parse_i64(&value).unwrap_or(0).max(0) as u64;
                } else if key == b"repl-stream-db" {
                    self.repl_stream_db = parse_i64(&value).and_then(|n| usize::try_from(n).ok());
                } else if key == b"repl-id" && value.len() == 40 {
                    self.repl_id = Some(String::from_utf8_lossy(&value).into_owned());
                } else if key == b"repl-offset" {
                    self.repl_offset = parse_i64(&value).and_then(|n| u64::try_from(n).ok());
                }
                log_aux(&key, &value);
            }
            OPCODE_MODULE_AUX => {
                return Err(Failure::Fatal(
                    "The RDB file contains AUX module data I can't load: no matching module".into(),
                ));
            }
            OPCODE_FUNCTION_PRE_GA => return Err(self.corrupt("Pre-release function format not supported.")),
            OPCODE_FUNCTION2 => {
                let code = self.r.string().map_err(|e| self.fail(e))?;
                if let Some(aside) = &mut self.functions_aside {
                    aside.push(code.into());
                } else if let Err(e) = crate::script::function::load(&code, self.allow_dup) {
                    return Err(Failure::Fatal(format!(
                        "Failed loading library, {}",
                        String::from_utf8_lossy(e.strip_prefix(b"ERR ").unwrap_or(&e))
                    )));
                }
            }
            kind => {
                self.load_key(kind, dbs, now)?;
                return Ok(Record::Key);
            }
        }
        Ok(Record::Other)
    }

    /// A key and its value of type `kind`, with the TTL and access time
    /// read before it.
    fn load_key(&mut self, kind: u8, dbs: &mut [crate::db::Db], now: u64) -> Result<(), Failure> {
        let valid = matches!(kind, 0..=7 | 9..=19);
        if !valid {
            return Err(self.corrupt(format!("Unknown RDB encoding type {kind}")));
        }
        let key = self.r.string().map_err(|e| self.fail(e))?;
        let (expire, idle, freq) = (self.expire.take(), self.idle.take(), self.freq.take());
        let value = match self.r.value(kind, &self.limits) {
            Ok(v) => v,
            Err(Error::Empty) => {
                if self.empty_skipped < 10 {
                    log::info!("rdbLoadObject skipping empty key: {}", String::from_utf8_lossy(&key));
                }
                self.empty_skipped += 1;
                return Ok(());
            }
            Err(Error::Unsupported(what)) => {
                return Err(Failure::Fatal(format!(
                    "Can't load key '{}' (DB {}): {what} values are not supported by loopkv yet",
                    String::from_utf8_lossy(&key),
                    self.db
                )));
            }
            Err(e) => return Err(self.fail(e)),
        };
        if !self.keep_expired && expire.is_some_and(|at| at < now) {
            self.keys_expired += 1;
            if let Some(dropped) = &mut self.dropped {
                dropped.push((self.db, key));
            }
            return Ok(());
        }
        let db = &mut dbs[self.db];
        if let Some(existing) = db.peek(&key) {
            if !self.allow_dup {
                log::warn!(
                    "RDB has duplicated key '{}' in DB {}",
                    String::from_utf8_lossy(&key),
                    self.db
                );
                return Err(Failure::Fatal("Duplicated key found in RDB file".into()));
            }
            db.remove_id(existing);
        }
        let id = super::add_value(db, &key, value, now);
        if let Some(at) = expire {
            db.set_expire(id, at);
        }
        db.set_access(id, idle, freq, now);
        self.keys_loaded += 1;
        Ok(())
    }

    /// After EOF: the checksum (RDB 5 and later).
    fn finish(&mut self) -> Result<(), Failure> {
        if self.version >= 5 {
            let expected = self.r.crc();
            self.r.stop_crc();
            let stored = u64::from_le_bytes(self.r.array().map_err(short)?);
            if self.checksum && !self.skip_checksum {
                if stored == 0 {
                    log::warn!("RDB file was saved with checksum disabled: no check performed.");
                } else if stored != expected {
                    log::warn!("Wrong RDB checksum expected: ({stored:016x}) got ({expected:016x}). Aborting now.");
                    return Err(self.corrupt("RDB CRC error"));
                }
            }
        }
        Ok(())
    }
}

/// The bytes of an RDB arriving over a connection (a master's diskless
/// transfer), as a source for [`FileLoader`]: the loop pushes what it
/// reads; a read past what has arrived fails with `WouldBlock` until the
/// transfer is marked ended, then with the end of file.
#[derive(Debug, Default)]
pub struct Feed {
    buf: Vec<u8>,
    /// The next byte to read.
    at: usize,
    ended: bool,
    /// Bytes held when a record last ran short: it is read again once
    /// twice that many are held, so a big value is not re-read for every
    /// packet.
    short_at: usize,
}

impl Feed {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// No more bytes will come.
    pub fn end(&mut self) {
        self.ended = true;
    }

    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Bytes received and not yet read.
    pub fn held(&self) -> usize {
        self.buf.len() - self.at
    }

    /// How many more bytes to take now so that at most `cap` wait to be
    /// read, or, for a record bigger than that, twice what it ran short
    /// at.
    pub fn room(&self, cap: usize) -> usize {
        cap.max(self.short_at.saturating_mul(2)).saturating_sub(self.held())
    }

    /// True when a record that ran short may now be complete.
    fn worth_trying(&self) -> bool {
        self.ended || self.held() >= self.short_at.saturating_mul(2).max(1)
    }

    /// Forgets what records already read used, once it is worth moving.
    fn release(&mut self) {
        if self.at >= 1 << 20 && self.at * 2 >= self.buf.len() {
            self.buf.drain(..self.at);
            self.at = 0;
        }
    }
}

impl Read for Feed {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.held() == 0 && !out.is_empty() {
            return if self.ended {
                Ok(0)
            } else {
                Err(std::io::ErrorKind::WouldBlock.into())
            };
        }
        let n = out.len().min(self.held());
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// What a step of loading from a [`Feed`] reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fed {
    More,
    /// The next record has not wholly arrived.
    Starved,
    Done,
}

/// Where a record began, to read it again when it ran short.
struct Mark {
    at: usize,
    pos: u64,
    remaining: u64,
    crc: Option<Crc64Digest>,
    db: usize,
    expire: Option<u64>,
    idle: Option<u64>,
    freq: Option<u8>,
}

impl FileLoader<Feed> {
    /// The loader of an RDB that arrives over a connection, once its
    /// first nine bytes (the signature) have: the feed back otherwise.
    /// `len` is the announced size (`$<len>`), or None for a `$EOF:`
    /// transfer.
    pub fn from_feed(
        mut feed: Feed,
        len: Option<u64>,
        config: &Config,
    ) -> Result<Result<FileLoader<Feed>, Feed>, Failure> {
        if feed.held() < 9 && !feed.ended {
            return Ok(Err(feed));
        }
        feed.short_at = 0;
        FileLoader::new(feed, len.unwrap_or(u64::MAX), config, false).map(Ok)
    }

    pub fn feed(&self) -> &Feed {
        &self.r.inner
    }

    pub fn feed_mut(&mut self) -> &mut Feed {
        &mut self.r.inner
    }

    /// As [`FileLoader::step`], over what has arrived: a record not yet
    /// wholly received is read again, from its start, once more has.
    pub fn step_fed(&mut self, dbs: &mut [crate::db::Db], now: u64, budget: usize) -> Result<Fed, Failure> {
        if !self.r.inner.worth_trying() {
            return Ok(Fed::Starved);
        }
        let mut keys = 0;
        while keys < budget {
            let mark = self.mark();
            match self.record(dbs, now) {
                Ok(Record::Key) => keys += 1,
                Ok(Record::Other) => {}
                Ok(Record::Eof) => return Ok(Fed::Done),
                Err(Failure::Short(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    self.rewind(mark);
                    self.r.inner.short_at = self.r.inner.held();
                    return Ok(Fed::Starved);
                }
                Err(f) => return Err(f),
            }
            self.r.inner.short_at = 0;
            self.r.inner.release();
        }
        Ok(Fed::More)
    }

    fn mark(&self) -> Mark {
        Mark {
            at: self.r.inner.at,
            pos: self.r.pos,
            remaining: self.r.remaining,
            crc: self.r.crc.clone(),
            db: self.db,
            expire: self.expire,
            idle: self.idle,
            freq: self.freq,
        }
    }

    fn rewind(&mut self, m: Mark) {
        self.r.inner.at = m.at;
        self.r.pos = m.pos;
        self.r.remaining = m.remaining;
        self.r.crc = m.crc;
        self.db = m.db;
        self.expire = m.expire;
        self.idle = m.idle;
        self.freq = m.freq;
    }
}

fn short(e: Error) -> Failure {
    match e {
        Error::Io(e) => Failure::Short(e),
        other => Failure::Short(std::io::Error::other(other.to_string())),
    }
}

/// Logs an AUX field as Redis's loader does.
fn log_aux(key: &[u8], value: &[u8]) {
    let text = String::from_utf8_lossy(value);
    match key {
        b"redis-ver" => log::info!("Loading RDB produced by version {text}"),
        b"ctime" => {
            let ctime = parse_i64(value).unwrap_or(0);
            let age = ((crate::server::now_ms() / 1000) as i64).saturating_sub(ctime);
            log::info!("RDB age {} seconds", age.max(0));
        }
        b"used-mem" => {
            let used = parse_i64(value).unwrap_or(0);
            log::info!(
                "RDB memory usage when created {:.2} Mb",
                used as f64 / (1024.0 * 1024.0)
            );
        }
        b"redis-bits" | b"aof-base" | b"aof-preamble" | b"repl-stream-db" | b"repl-id" | b"repl-offset" | b"lua" => {}
        _ => log::debug!("Unrecognized RDB AUX field: '{}'", String::from_utf8_lossy(key)),
    }
}
