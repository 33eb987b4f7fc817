//! The RDB format, write side: the opcodes and value types of RDB version
//! 10 (Redis 7.0), and the [`Encoder`] that turns loopkv's values into the
//! bytes Redis 7.0.15's `rdbSaveObject` writes for the same value: each in
//! the type and encoding Redis would hold it in (integer and LZF strings,
//! quicklists of listpack or plain nodes, intsets, listpacks, hash tables
//! and skiplists).
//!
//! The same encoder measures values for DEBUG OBJECT's `serializedlength`
//! and builds DUMP payloads, so the three can never disagree.
//!
//! Where bytes can differ from Redis's (loopkv does not keep the
//! information): a list's node boundaries are those of a list built by
//! tail pushes (RPUSH), so a list built at the head or edited in the middle
//! may be cut differently, under the fill and depth configured now; hash
//! tables are written in loopkv's iteration order; and LZF may find a match
//! Redis's uninitialised hash table does not (see [`crate::util::lzf`]).
//! Every such file still loads into the same dataset.

use super::blob::{LP_EMPTY, Listpack, intset_bytes, lp_entry_len};
use crate::config::Config;
use crate::db::hash::Hash;
use crate::db::list::List;
use crate::db::set::{Member, Set};
use crate::db::zset::ZSet;
use crate::db::{Db, Kind, Obj, Value};
use crate::util::lzf::Compressor;
use crate::util::number::{format_i64, parse_i64, write_double};

// ---- the format --------------------------------------------------------------------

/// The version this encoder writes (`RDB_VERSION`).
pub const RDB_VERSION: u16 = 10;

pub const TYPE_STRING: u8 = 0;
pub const TYPE_LIST: u8 = 1;
pub const TYPE_SET: u8 = 2;
pub const TYPE_ZSET: u8 = 3;
pub const TYPE_HASH: u8 = 4;
pub const TYPE_ZSET_2: u8 = 5;
pub const TYPE_MODULE_PRE_GA: u8 = 6;
pub const TYPE_MODULE_2: u8 = 7;
pub const TYPE_HASH_ZIPMAP: u8 = 9;
pub const TYPE_LIST_ZIPLIST: u8 = 10;
pub const TYPE_SET_INTSET: u8 = 11;
pub const TYPE_ZSET_ZIPLIST: u8 = 12;
pub const TYPE_HASH_ZIPLIST: u8 = 13;
pub const TYPE_LIST_QUICKLIST: u8 = 14;
pub const TYPE_STREAM_LISTPACKS: u8 = 15;
pub const TYPE_HASH_LISTPACK: u8 = 16;
pub const TYPE_ZSET_LISTPACK: u8 = 17;
pub const TYPE_LIST_QUICKLIST_2: u8 = 18;
pub const TYPE_STREAM_LISTPACKS_2: u8 = 19;

pub const OPCODE_FUNCTION2: u8 = 245;
pub const OPCODE_FUNCTION_PRE_GA: u8 = 246;
pub const OPCODE_MODULE_AUX: u8 = 247;
pub const OPCODE_IDLE: u8 = 248;
pub const OPCODE_FREQ: u8 = 249;
pub const OPCODE_AUX: u8 = 250;
pub const OPCODE_RESIZEDB: u8 = 251;
pub const OPCODE_EXPIRETIME_MS: u8 = 252;
pub const OPCODE_EXPIRETIME: u8 = 253;
pub const OPCODE_SELECTDB: u8 = 254;
pub const OPCODE_EOF: u8 = 255;

/// Length prefixes: the top two bits of the first byte.
pub const LEN_6BIT: u8 = 0;
pub const LEN_14BIT: u8 = 1;
pub const LEN_32BIT: u8 = 0x80;
pub const LEN_64BIT: u8 = 0x81;
pub const LEN_ENCVAL: u8 = 3;
/// Special string encodings (after `LEN_ENCVAL`).
pub const ENC_INT8: u8 = 0;
pub const ENC_INT16: u8 = 1;
pub const ENC_INT32: u8 = 2;
pub const ENC_LZF: u8 = 3;

/// `QUICKLIST_NODE_CONTAINER_PLAIN`: a node holding one large element.
pub const CONTAINER_PLAIN: u64 = 1;
/// `QUICKLIST_NODE_CONTAINER_PACKED`: a node holding a listpack.
pub const CONTAINER_PACKED: u64 = 2;

/// The CRC-64 Redis appends to files and DUMP payloads (Jones polynomial,
/// reflected, initial value 0), slice-by-16 for speed.
pub static CRC64: crc::Crc<u64, crc::Table<16>> = crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_REDIS);

/// Redis compresses no string of 20 bytes or less ("unable to compress
/// even aaaaaaaaaaaaaaaaaa").
const LZF_MIN_LEN: usize = 20;

/// Node size limits for negative `list-max-listpack-size` -1..-5.
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// `SIZE_SAFETY_LIMIT`: a count-limited node stops growing past this.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// `SIZE_ESTIMATE_OVERHEAD`: what an insert is assumed to add beyond the
/// element's bytes.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
/// Quicklist node compression: `MIN_COMPRESS_BYTES`, `MIN_COMPRESS_IMPROVE`.
const MIN_COMPRESS_BYTES: usize = 48;
const MIN_COMPRESS_IMPROVE: usize = 8;

/// The configuration that shapes serialized values.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// `rdbcompression`.
    pub compression: bool,
    /// `list-max-listpack-size`, clamped as `quicklistSetFill` does.
    pub list_fill: i32,
    /// `list-compress-depth`: nodes kept uncompressed at each end (0: none).
    pub list_compress_depth: usize,
    /// Elements of this size or more sit in a plain node of their own
    /// (DEBUG QUICKLIST-PACKED-THRESHOLD; 1 GiB by default).
    pub packed_threshold: usize,
}

impl Options {
    pub fn from_config(config: &Config) -> Options {
        let int = |name| parse_i64(config.value(name)).unwrap_or(0);
        Options {
            compression: config.value("rdbcompression") == b"yes",
            list_fill: int("list-max-listpack-size").clamp(-5, i16::MAX as i64) as i32,
            list_compress_depth: int("list-compress-depth").clamp(0, u16::MAX as i64) as usize,
            packed_threshold: 1 << 30,
        }
    }
}

/// A list as the quicklist Redis would hold, with what DEBUG OBJECT shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quicklist {
    /// Number of nodes (`ql_nodes`).
    pub nodes: usize,
    /// Number of elements.
    pub count: usize,
    /// Sum of the nodes' listpack sizes (`ql_uncompressed_size`).
    pub uncompressed: usize,
}

/// What the access-time opcode before each key records, from
/// `maxmemory-policy` (Redis's `MAXMEMORY_FLAG_LRU` / `_LFU`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    None,
    /// `OPCODE_IDLE` with the idle seconds.
    Lru,
    /// `OPCODE_FREQ` with the decayed counter.
    Lfu,
}

impl Access {
    pub fn from_config(config: &Config) -> Access {
        match config.value("maxmemory-policy") {
            b"volatile-lru" | b"allkeys-lru" => Access::Lru,
            b"volatile-lfu" | b"allkeys-lfu" => Access::Lfu,
            _ => Access::None,
        }
    }
}

// ---- the encoder -------------------------------------------------------------------

/// Serializes values; keeps an LZF compressor (and its buffers) across the
/// strings it writes.
pub struct Encoder {
    pub opts: Options,
    lzf: Compressor,
    /// When set, strings LZF might compress are written plain and listed
    /// here, for [`compress_deferred`] to compress elsewhere (a background
    /// save's writer thread) instead of on the event loop.
    pub deferred: Option<Vec<Deferred>>,
}

/// A string written plain that LZF may compress: its length prefix starts
/// at `at` in the output, and it is `len` bytes long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferred {
    pub at: usize,
    pub len: usize,
}

impl Encoder {
    pub fn new(opts: Options) -> Encoder {
        Encoder {
            opts,
            lzf: Compressor::new(),
            deferred: None,
        }
    }

    /// `rdbSaveObjectType`: the type byte of the value at node `id`.
    pub fn value_type(db: &Db, id: u32) -> u8 {
        match db.kind(id) {
            Kind::String => TYPE_STRING,
            _ => object_type(db.obj(id)),
        }
    }

    /// `rdbSaveKeyValuePair`: the TTL, the access time `access` asks for,
    /// the type, the key and the value of node `id`.
    pub fn key_value(&mut self, out: &mut Vec<u8>, db: &Db, id: u32, access: Access, now: u64) {
        self.key_header(out, db, id, access, now);
        self.value(out, db, id);
    }

    /// Everything of `rdbSaveKeyValuePair` before the value: the TTL, the
    /// access time, the type and the key.
    fn key_header(&mut self, out: &mut Vec<u8>, db: &Db, id: u32, access: Access, now: u64) {
        if let Some(at) = db.expire_at(id) {
            out.push(OPCODE_EXPIRETIME_MS);
            out.extend_from_slice(&at.to_le_bytes());
        }
        match access {
            Access::None => {}
            Access::Lru => {
                out.push(OPCODE_IDLE);
                write_len(out, db.idle_seconds(id, now));
            }
            Access::Lfu => {
                out.push(OPCODE_FREQ);
                out.push(db.lfu_counter(id, now).min(255) as u8);
            }
        }
        out.push(Encoder::value_type(db, id));
        self.raw_string(out, db.key(id));
    }

    /// Starts writing node `id` a part at a time, if its value is a hash
    /// table, skiplist or list of at least [`CHUNKED_MIN`] elements: writes all
    /// up to the element count and returns where the elements stand. None
    /// (nothing written) for any other value.
    pub fn begin_chunked(&mut self, out: &mut Vec<u8>, db: &Db, id: u32, access: Access, now: u64) -> Option<Chunked> {
        if !chunkable(db, id) {
            return None;
        }
        let state = match db.obj(id) {
            Obj::Hash(h) if !h.is_listpack() => Chunked::Hash(0),
            Obj::Set(s) if !s.is_intset() => Chunked::Set(0),
            Obj::ZSet(z) if !z.is_listpack() => Chunked::ZSet(0),
            Obj::List(_) => Chunked::List {
                splitter: NodeSplitter::default(),
                nodes: Vec::new(),
                written: None,
            },
            _ => return None,
        };
        self.key_header(out, db, id, access, now);
        // A list's count is of nodes, known once they are found.
        if !matches!(state, Chunked::List { .. }) {
            write_len(out, db.obj(id).len() as u64);
        }
        Some(state)
    }

    /// Writes about `max` more elements of a value `begin_chunked`
    /// started (which must not have changed since); true once complete.
    pub fn continue_chunked(&mut self, out: &mut Vec<u8>, obj: &Obj, state: &mut Chunked, max: usize) -> bool {
        let next = match (obj, &mut *state) {
            (Obj::Hash(h), Chunked::Hash(at)) => h.walk_table(*at, max, |field, value| {
                self.raw_string(out, field);
                self.raw_string(out, value);
            }),
            (Obj::Set(s), Chunked::Set(at)) => s.walk_table(*at, max, |member| self.raw_string(out, member)),
            (
                Obj::List(l),
                Chunked::List {
                    splitter,
                    nodes,
                    written,
                },
            ) => {
                return self.continue_list(out, l, splitter, nodes, written, max);
            }
            (Obj::ZSet(z), Chunked::ZSet(done)) => {
                // From the tail, greatest score first, as a skiplist is.
                let hi = z.len() - *done;
                let lo = hi.saturating_sub(max);
                for (member, score) in z.range(lo, hi).into_iter().rev() {
                    self.raw_string(out, member);
                    out.extend_from_slice(&score.to_le_bytes());
                }
                *done += hi - lo;
                return lo == 0;
            }
            _ => unreachable!("a chunked value changed type"),
        };
        match (next, state) {
            (Some(n), Chunked::Hash(at) | Chunked::Set(at)) => {
                *at = n;
                false
            }
            _ => true,
        }
    }

    /// `rdbSaveObject` of the value at node `id` (no type byte).
    pub fn value(&mut self, out: &mut Vec<u8>, db: &Db, id: u32) {
        match db.kind(id) {
            Kind::String => self.string(out, db.value(id)),
            _ => self.object(out, db.obj(id)),
        }
    }

    /// `rdbSaveStringObject`: an `int`-encoded string as an integer (its
    /// digits if it does not fit 32 bits), any other as a raw string.
    pub fn string(&mut self, out: &mut Vec<u8>, value: Value<'_>) {
        match value {
            Value::Int(n) => write_long_long(out, n),
            Value::Str(s) => self.raw_string(out, s),
        }
    }

    /// `rdbSaveRawString`: an integer encoding for a short canonical
    /// integer, else LZF when compression is on and saves at least four
    /// bytes, else a length and the bytes.
    pub fn raw_string(&mut self, out: &mut Vec<u8>, s: &[u8]) {
        if s.len() <= 11
            && let Some(n) = parse_i64(s)
            && encode_int(out, n)
        {
            return;
        }
        if self.opts.compression && s.len() > LZF_MIN_LEN {
            if let Some(list) = &mut self.deferred {
                list.push(Deferred {
                    at: out.len(),
                    len: s.len(),
                });
            } else if let Some(compressed) = self.lzf.compress(s, s.len() - 4) {
                write_lzf_blob(out, compressed, s.len());
                return;
            }
        }
        write_len(out, s.len() as u64);
        out.extend_from_slice(s);
    }

    /// Writes `bytes` to `out` with each of its `deferred` strings (in
    /// order) written as `raw_string` writes it, LZF-compressed when that
    /// pays: the bytes a non-deferring encoder would have produced.
    pub fn compress_deferred(&mut self, bytes: &[u8], deferred: &[Deferred], out: &mut Vec<u8>) {
        let mut from = 0;
        for d in deferred {
            out.extend_from_slice(&bytes[from..d.at]);
            let start = d.at + len_size(d.len as u64);
            let s = &bytes[start..start + d.len];
            match self.lzf.compress(s, s.len() - 4) {
                Some(compressed) => write_lzf_blob(out, compressed, s.len()),
                None => out.extend_from_slice(&bytes[d.at..start + d.len]),
            }
            from = start + d.len;
        }
        out.extend_from_slice(&bytes[from..]);
    }

    /// `rdbSaveObject` of a collection.
    pub fn object(&mut self, out: &mut Vec<u8>, obj: &Obj) {
        match obj {
            Obj::Hash(h) => self.hash(out, h),
            Obj::List(l) => {
                self.list(out, l);
            }
            Obj::Set(s) => self.set(out, s),
            Obj::ZSet(z) => self.zset(out, z),
        }
    }

    fn hash(&mut self, out: &mut Vec<u8>, h: &Hash) {
        if h.is_listpack() {
            let mut lp = Listpack::new();
            for (field, value) in h.iter() {
                lp.push(field);
                lp.push(value);
            }
            return self.raw_string(out, &lp.finish());
        }
        write_len(out, h.len() as u64);
        for (field, value) in h.iter() {
            self.raw_string(out, field);
            self.raw_string(out, value);
        }
    }

    fn set(&mut self, out: &mut Vec<u8>, s: &Set) {
        if let Some(width) = s.intset_width() {
            let members: Vec<i64> = s
                .iter()
                .filter_map(|m| match m {
                    Member::Int(n) => Some(n),
                    Member::Bytes(b) => parse_i64(b),
                })
                .collect();
            return self.raw_string(out, &intset_bytes(&members, width));
        }
        write_len(out, s.len() as u64);
        let mut scratch = [0u8; 20];
        for m in s.iter() {
            self.raw_string(out, m.bytes(&mut scratch));
        }
    }

    fn zset(&mut self, out: &mut Vec<u8>, z: &ZSet) {
        if z.is_listpack() {
            let mut lp = Listpack::new();
            let mut text = Vec::new();
            for (member, score) in z.iter() {
                lp.push(member);
                // zzlInsertAt: an integral score (double2ll) as an integer,
                // anything else as its d2string text ("%.17g", "inf").
                match double2ll(score) {
                    Some(n) => lp.push_int(n),
                    None => {
                        text.clear();
                        write_double(&mut text, score);
                        lp.push(&text);
                    }
                }
            }
            return self.raw_string(out, &lp.finish());
        }
        // A skiplist is written from its tail, greatest score first.
        write_len(out, z.len() as u64);
        for (member, score) in z.iter().into_iter().rev() {
            self.raw_string(out, member);
            out.extend_from_slice(&score.to_le_bytes());
        }
    }

    /// A list's part: up to `max` elements scanned for node boundaries,
    /// then (the node count written) nodes of up to about `max` elements.
    fn continue_list(
        &mut self,
        out: &mut Vec<u8>,
        l: &List,
        splitter: &mut NodeSplitter,
        nodes: &mut Vec<std::ops::Range<usize>>,
        written: &mut Option<usize>,
        max: usize,
    ) -> bool {
        let (fill, threshold) = (self.opts.list_fill, self.opts.packed_threshold);
        let Some(done) = written else {
            let from = splitter.next;
            let to = from.saturating_add(max).min(l.len());
            for item in l.range(from, to - 1) {
                nodes.extend(splitter.push(item, fill, threshold));
            }
            if to == l.len() {
                nodes.extend(splitter.finish());
                write_len(out, nodes.len() as u64);
                *written = Some(0);
            }
            return false;
        };
        let mut items_out = 0;
        while *done < nodes.len() && items_out < max {
            let node = nodes[*done].clone();
            let items: Vec<&[u8]> = l.range(node.start, node.end - 1).collect();
            self.write_node(out, &items, *done, nodes.len());
            items_out += items.len();
            *done += 1;
        }
        *done == nodes.len()
    }

    /// Writes the quicklist Redis would hold for `l`; returns its shape.
    pub fn list(&mut self, out: &mut Vec<u8>, l: &List) -> Quicklist {
        let items: Vec<&[u8]> = l.iter().collect();
        let nodes = split_nodes(&items, self.opts.list_fill, self.opts.packed_threshold);
        write_len(out, nodes.len() as u64);
        let mut uncompressed = 0;
        for (i, node) in nodes.iter().enumerate() {
            uncompressed += self.write_node(out, &items[node.clone()], i, nodes.len());
        }
        Quicklist {
            nodes: nodes.len(),
            count: items.len(),
            uncompressed,
        }
    }

    /// Writes node `i` of `total`, holding `items`: its container type and
    /// its listpack (or its one plain element). Returns the node's size.
    fn write_node(&mut self, out: &mut Vec<u8>, items: &[&[u8]], i: usize, total: usize) -> usize {
        let depth = self.opts.list_compress_depth;
        // __quicklistCompress: nothing while the list is shorter than both
        // uncompressed ends; then every node between them.
        let compressing = depth > 0 && total >= depth * 2;
        // A plain node holds its one element as it is.
        let plain = items[0].len() >= self.opts.packed_threshold;
        let bytes = if plain {
            items[0].to_vec()
        } else {
            let mut lp = Listpack::new();
            for item in items {
                lp.push(item);
            }
            lp.finish()
        };
        write_len(out, if plain { CONTAINER_PLAIN } else { CONTAINER_PACKED });
        let interior = compressing && i >= depth && i < total - depth;
        // __quicklistCompressNode: an interior node is kept compressed
        // when that gains at least MIN_COMPRESS_IMPROVE bytes, and is
        // then written as the LZF blob it already is.
        if interior
            && bytes.len() >= MIN_COMPRESS_BYTES
            && let Some(compressed) = self.lzf.compress(&bytes, bytes.len())
            && compressed.len() + MIN_COMPRESS_IMPROVE < bytes.len()
        {
            write_lzf_blob(out, compressed, bytes.len());
        } else {
            self.raw_string(out, &bytes);
        }
        bytes.len()
    }
}

/// Collections with this many elements are written a part at a time by
/// a background save (about a millisecond of work per part).
pub const CHUNKED_MIN: usize = 8192;

/// True if node `id`'s value is one [`Encoder::begin_chunked`] writes a
/// part at a time.
pub fn chunkable(db: &Db, id: u32) -> bool {
    if db.kind(id) == Kind::String || db.obj(id).len() < CHUNKED_MIN {
        return false;
    }
    match db.obj(id) {
        Obj::Hash(h) => !h.is_listpack(),
        Obj::Set(s) => !s.is_intset(),
        Obj::ZSet(z) => !z.is_listpack(),
        Obj::List(_) => true,
    }
}

/// Where a collection written a part at a time stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunked {
    /// A hash table's bucket cursor.
    Hash(usize),
    Set(usize),
    /// Elements written so far, from the greatest.
    ZSet(usize),
    /// A list: its nodes are found first (the node count comes before
    /// them), then written, `written` of them so far.
    List {
        splitter: NodeSplitter,
        nodes: Vec<std::ops::Range<usize>>,
        written: Option<usize>,
    },
}

/// The type byte of a collection in its current encoding.
pub fn object_type(obj: &Obj) -> u8 {
    match obj {
        Obj::List(_) => TYPE_LIST_QUICKLIST_2,
        Obj::Set(s) if s.is_intset() => TYPE_SET_INTSET,
        Obj::Set(_) => TYPE_SET,
        Obj::ZSet(z) if z.is_listpack() => TYPE_ZSET_LISTPACK,
        Obj::ZSet(_) => TYPE_ZSET_2,
        Obj::Hash(h) if h.is_listpack() => TYPE_HASH_LISTPACK,
        Obj::Hash(_) => TYPE_HASH,
    }
}

// ---- primitives --------------------------------------------------------------------

/// `rdbSaveLen`: 1, 2, 5 or 9 bytes.
pub fn write_len(out: &mut Vec<u8>, n: u64) {
    match len_size(n) {
        1 => out.push((LEN_6BIT << 6) | n as u8),
        2 => out.extend_from_slice(&[(LEN_14BIT << 6) | (n >> 8) as u8, n as u8]),
        5 => {
            out.push(LEN_32BIT);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(LEN_64BIT);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// Bytes `write_len` uses for `n`.
fn len_size(n: u64) -> usize {
    if n < 1 << 6 {
        1
    } else if n < 1 << 14 {
        2
    } else if n <= u32::MAX as u64 {
        5
    } else {
        9
    }
}

/// `rdbEncodeInteger`: an integer that fits 32 bits in 2, 3 or 5 bytes;
/// false (nothing written) for a wider one.
fn encode_int(out: &mut Vec<u8>, n: i64) -> bool {
    let tag = LEN_ENCVAL << 6;
    let le = n.to_le_bytes();
    match n {
        -128..=127 => out.extend_from_slice(&[tag | ENC_INT8, le[0]]),
        -32768..=32767 => out.extend_from_slice(&[tag | ENC_INT16, le[0], le[1]]),
        -2147483648..=2147483647 => out.extend_from_slice(&[tag | ENC_INT32, le[0], le[1], le[2], le[3]]),
        _ => return false,
    }
    true
}

/// `rdbSaveLongLongAsStringObject`: encoded, or as its decimal text.
pub fn write_long_long(out: &mut Vec<u8>, n: i64) {
    if !encode_int(out, n) {
        let mut digits = [0u8; 20];
        let len = format_i64(&mut digits, n);
        write_len(out, len as u64);
        out.extend_from_slice(&digits[..len]);
    }
}

/// `rdbSaveLzfBlob`: marker byte, compressed length, original length, data.
fn write_lzf_blob(out: &mut Vec<u8>, compressed: &[u8], original: usize) {
    out.push((LEN_ENCVAL << 6) | ENC_LZF);
    write_len(out, compressed.len() as u64);
    write_len(out, original as u64);
    out.extend_from_slice(compressed);
}

/// `rdbSaveAuxFieldStrStr` / `StrInt`: an AUX opcode and two strings (an
/// integer value is written as its text, so it may be integer-encoded).
pub fn write_aux(out: &mut Vec<u8>, enc: &mut Encoder, key: &[u8], value: &[u8]) {
    out.push(OPCODE_AUX);
    enc.raw_string(out, key);
    enc.raw_string(out, value);
}

/// `double2ll`: the score as an integer if it is one, within +-2^62.
fn double2ll(d: f64) -> Option<i64> {
    const HALF: f64 = (i64::MAX / 2) as f64;
    if !(-HALF..=HALF).contains(&d) {
        return None;
    }
    let n = d as i64;
    (n as f64 == d).then_some(n)
}

// ---- quicklist nodes ----------------------------------------------------------------

/// `_quicklistNodeAllowInsert`: may a node of `sz` bytes and `count`
/// elements take one more element of `len` bytes?
fn node_allows_insert(sz: usize, count: usize, len: usize, fill: i32) -> bool {
    let new_sz = sz + len + SIZE_ESTIMATE_OVERHEAD;
    if fill < 0 {
        let level = (-(fill as i64) - 1) as usize;
        if level < OPTIMIZATION_LEVEL.len() && new_sz <= OPTIMIZATION_LEVEL[level] {
            return true;
        }
    }
    new_sz <= SIZE_SAFETY_LIMIT && (count as i64) < fill as i64
}

/// The element ranges of the nodes a list built by tail pushes has:
/// each push goes to the tail node if it allows the insert, else to a new
/// node.
fn split_nodes(items: &[&[u8]], fill: i32, packed_threshold: usize) -> Vec<std::ops::Range<usize>> {
    let mut splitter = NodeSplitter::default();
    let mut nodes: Vec<_> = items
        .iter()
        .filter_map(|item| splitter.push(item, fill, packed_threshold))
        .collect();
    nodes.extend(splitter.finish());
    nodes
}

/// [`split_nodes`] an element at a time: each `push` may close a node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeSplitter {
    /// The open node's first element, the next element's index, the open
    /// node's listpack size and whether its last element was plain.
    start: usize,
    next: usize,
    sz: usize,
    last_plain: bool,
}

impl NodeSplitter {
    fn push(&mut self, item: &[u8], fill: i32, packed_threshold: usize) -> Option<std::ops::Range<usize>> {
        let i = self.next;
        self.next += 1;
        let plain = item.len() >= packed_threshold;
        let mut closed = None;
        // An element at the threshold or above gets a plain node to itself,
        // and the element after it starts a new node.
        let sz = if i == self.start { LP_EMPTY } else { self.sz };
        if i > self.start && (plain || self.last_plain || !node_allows_insert(sz, i - self.start, item.len(), fill)) {
            closed = Some(self.start..i);
            self.start = i;
            self.sz = LP_EMPTY;
        } else {
            self.sz = sz;
        }
        self.sz += lp_entry_len(item);
        self.last_plain = plain;
        closed
    }

    /// The last node, if any element is in it.
    fn finish(&self) -> Option<std::ops::Range<usize>> {
        (self.start < self.next).then_some(self.start..self.next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &[u8], compression: bool) -> Vec<u8> {
        let mut enc = Encoder::new(Options {
            compression,
            list_fill: -2,
            list_compress_depth: 0,
            packed_threshold: 1 << 30,
        });
        let mut out = Vec::new();
        enc.raw_string(&mut out, s);
        out
    }

    #[test]
    fn string_encodings() {
        assert_eq!(raw(b"5", true), [0xc0, 5]);
        assert_eq!(raw(b"-200", true), [0xc1, 0x38, 0xff]);
        assert_eq!(raw(b"70000", true), [0xc2, 0x70, 0x11, 1, 0]);
        assert_eq!(raw(b"012", true), [3, b'0', b'1', b'2']);
        assert_eq!(raw(&[b'a'; 21], true).len(), 9);
        assert_eq!(raw(&[b'a'; 21], true)[..3], [0xc3, 6, 21]);
        assert_eq!(raw(b"abcdefghijklmnopqrstu", true).len(), 22);
        assert_eq!(raw(&[b'a'; 100], false).len(), 102);
        let mut out = Vec::new();
        write_long_long(&mut out, 1 << 40);
        assert_eq!(out, b"\x0d1099511627776");
    }

    #[test]
    fn deferred_strings_compress_to_the_same_bytes() {
        let opts = Options {
            compression: true,
            list_fill: -2,
            list_compress_depth: 0,
            packed_threshold: 1 << 30,
        };
        let strings: [&[u8]; 5] = [
            b"short",
            &[b'a'; 100],
            b"12345",
            b"abcdefghijklmnopqrstuvwxyz",
            &[b'b'; 70000],
        ];
        let mut direct = Encoder::new(opts);
        let mut want = Vec::new();
        for s in strings {
            direct.raw_string(&mut want, s);
        }
        let mut deferring = Encoder::new(opts);
        deferring.deferred = Some(Vec::new());
        let mut plain = Vec::new();
        for s in strings {
            deferring.raw_string(&mut plain, s);
        }
        let list = deferring.deferred.take().unwrap();
        assert_eq!(list.len(), 3);
        let mut got = Vec::new();
        Encoder::new(opts).compress_deferred(&plain, &list, &mut got);
        assert_eq!(got, want);
    }

    #[test]
    fn lengths() {
        let len = |n| {
            let mut out = Vec::new();
            write_len(&mut out, n);
            out
        };
        assert_eq!(len(63), [63]);
        assert_eq!(len(64), [0x40, 64]);
        assert_eq!(len(16384), [0x80, 0, 0, 0x40, 0]);
        assert_eq!(len(1 << 32), [0x81, 0, 0, 0, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn crc_is_redis_crc64() {
        // crc64.c's test vector.
        assert_eq!(CRC64.checksum(b"123456789"), 0xe9c6d914c4b8d9ca);
    }

    #[test]
    fn integral_scores() {
        assert_eq!(double2ll(3.0), Some(3));
        assert_eq!(double2ll(-0.0), Some(0));
        assert_eq!(double2ll(1.5), None);
        assert_eq!(double2ll(1e18), Some(1_000_000_000_000_000_000));
        assert_eq!(double2ll(1e19), None);
        assert_eq!(double2ll(f64::INFINITY), None);
    }

    #[test]
    fn nodes_follow_the_fill_rule() {
        let item = [b'x'; 100];
        let items: Vec<&[u8]> = vec![&item[..]; 200];
        // Each entry is 2 + 100 + 1 bytes; a -2 node takes one more while
        // sz + 100 + 8 <= 8192: 7 + 78 * 103 + 108 = 8149 allows the 79th,
        // 7 + 79 * 103 + 108 = 8252 refuses the 80th.
        let nodes = split_nodes(&items, -2, 1 << 30);
        assert_eq!(nodes, [0..79, 79..158, 158..200]);
        // A count limit.
        assert_eq!(split_nodes(&items[..7], 3, 1 << 30), [0..3, 3..6, 6..7]);
        // Plain nodes: each large element alone, never merged.
        let mixed: [&[u8]; 5] = [b"a", b"bbbb", b"c", b"d", b"eeee"];
        assert_eq!(split_nodes(&mixed, -2, 4), [0..1, 1..2, 2..4, 4..5]);
        assert!(split_nodes(&[], -2, 1 << 30).is_empty());
    }
}
