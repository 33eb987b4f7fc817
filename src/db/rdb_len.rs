//! RDB payload lengths: what Redis 7.0's `rdbSavedObjectLen` computes for
//! DEBUG OBJECT's `serializedlength`, that is the number of bytes
//! `rdbSaveObject` would write for a value (no type byte, no key, no TTL).
//! This module owns only that computation; loopkv writes no RDB file yet.
//!
//! A string is measured as `rdbSaveStringObject` writes it: a short
//! canonical integer as an encoded integer, a string longer than 20 bytes
//! LZF-compressed when `rdbcompression` is on and that saves at least four
//! bytes, otherwise a length and the bytes. A collection is measured by
//! rebuilding the bytes Redis holds for it and measuring those as strings:
//!
//! - listpack hashes and sorted sets: the exact listpack (6-byte header,
//!   each entry's encoding and back-length, the end byte), entries in the
//!   same order, canonical integers in listpack integer encodings and a
//!   sorted set's score as `zzlInsertAt` stores it;
//! - intsets: the 8-byte header and the members at the set's width;
//! - quicklists (`RDB_TYPE_LIST_QUICKLIST_2`): the node count, then per
//!   node its container type and its listpack, cut into nodes as Redis's
//!   `_quicklistNodeAllowInsert` cuts a list built by pushes at the tail
//!   under the current `list-max-listpack-size`, interior nodes
//!   LZF-compressed as `__quicklistCompressNode` does when
//!   `list-compress-depth` is set;
//! - hashtables and skiplists: a count, then every element as a string (a
//!   skiplist's scores as 8-byte binary doubles). Order does not matter.
//!
//! Where the result can differ from Redis's (loopkv does not keep the
//! information): a list's node boundaries are those of a list built by
//! tail pushes (RPUSH), so a list built at the head (LPUSH), popped at the
//! head, or edited in the middle (LINSERT, LSET, LREM, LTRIM) may be cut
//! differently, and its nodes use the fill and depth configured now, not
//! when it was created; and LZF
//! may find a match Redis's uninitialised hash table does not (see
//! [`crate::util::lzf`]).

use super::hash::Hash;
use super::list::List;
use super::set::{Member, Set};
use super::zset::ZSet;
use super::{Obj, Value};
use crate::config::Config;
use crate::util::lzf::Compressor;
use crate::util::number::{format_i64, parse_i64, write_double};

/// Redis compresses no string of 20 bytes or less ("unable to compress
/// even aaaaaaaaaaaaaaaaaa").
const LZF_MIN_LEN: usize = 20;

/// `QUICKLIST_NODE_CONTAINER_PLAIN`: a node holding one large element.
const CONTAINER_PLAIN: u64 = 1;
/// `QUICKLIST_NODE_CONTAINER_PACKED`: a node holding a listpack.
const CONTAINER_PACKED: u64 = 2;

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

/// Measures values; keeps an LZF compressor (and its buffers) across the
/// strings of one value.
pub struct Sizer {
    opts: Options,
    lzf: Compressor,
}

impl Sizer {
    pub fn new(opts: Options) -> Sizer {
        Sizer {
            opts,
            lzf: Compressor::new(),
        }
    }

    /// `rdbSavedObjectLen` of a string value.
    pub fn string(&mut self, value: Value<'_>) -> usize {
        match value {
            Value::Int(n) => long_long_len(n),
            Value::Str(s) => self.raw_string(s),
        }
    }

    /// `rdbSavedObjectLen` of a collection.
    pub fn object(&mut self, obj: &Obj) -> usize {
        match obj {
            Obj::Hash(h) => self.hash(h),
            Obj::List(l) => self.list(l).len,
            Obj::Set(s) => self.set(s),
            Obj::ZSet(z) => self.zset(z),
        }
    }

    /// `rdbSaveRawString`: an integer encoding for a short canonical
    /// integer, else LZF when it pays, else a length and the bytes.
    fn raw_string(&mut self, s: &[u8]) -> usize {
        if s.len() <= 11
            && let Some(n) = parse_i64(s)
            && let Some(len) = encoded_int_len(n)
        {
            return len;
        }
        if self.opts.compression
            && s.len() > LZF_MIN_LEN
            && let Some(compressed) = self.lzf.compress(s, s.len() - 4)
        {
            return lzf_blob_len(compressed.len(), s.len());
        }
        len_len(s.len() as u64) + s.len()
    }

    fn hash(&mut self, h: &Hash) -> usize {
        if h.is_listpack() {
            let mut lp = Listpack::new();
            for (field, value) in h.iter() {
                lp.push(field);
                lp.push(value);
            }
            return self.raw_string(&lp.finish());
        }
        let mut total = len_len(h.len() as u64);
        for (field, value) in h.iter() {
            total += self.raw_string(field) + self.raw_string(value);
        }
        total
    }

    fn set(&mut self, s: &Set) -> usize {
        if let Some(width) = s.intset_width() {
            let members: Vec<i64> = s
                .iter()
                .filter_map(|m| match m {
                    Member::Int(n) => Some(n),
                    Member::Bytes(b) => parse_i64(b),
                })
                .collect();
            return self.raw_string(&intset_bytes(&members, width));
        }
        let mut total = len_len(s.len() as u64);
        let mut scratch = [0u8; 20];
        for m in s.iter() {
            total += self.raw_string(m.bytes(&mut scratch));
        }
        total
    }

    fn zset(&mut self, z: &ZSet) -> usize {
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
            return self.raw_string(&lp.finish());
        }
        let mut total = len_len(z.len() as u64);
        for (member, _) in z.iter() {
            total += self.raw_string(member) + 8;
        }
        total
    }

    /// The quicklist Redis would hold for `l`, and its serialized length.
    pub fn list(&mut self, l: &List) -> Quicklist {
        let items: Vec<&[u8]> = l.iter().collect();
        let nodes = split_nodes(&items, self.opts.list_fill, self.opts.packed_threshold);
        let depth = self.opts.list_compress_depth;
        // __quicklistCompress: nothing while the list is shorter than both
        // uncompressed ends; then every node between them.
        let compressing = depth > 0 && nodes.len() >= depth * 2;
        let mut len = len_len(nodes.len() as u64);
        let mut uncompressed = 0;
        for (i, node) in nodes.iter().enumerate() {
            let first = items[node.start];
            // A plain node holds its one element as it is.
            let plain = first.len() >= self.opts.packed_threshold;
            let bytes = if plain {
                first.to_vec()
            } else {
                let mut lp = Listpack::new();
                for item in &items[node.clone()] {
                    lp.push(item);
                }
                lp.finish()
            };
            uncompressed += bytes.len();
            len += len_len(if plain { CONTAINER_PLAIN } else { CONTAINER_PACKED });
            let interior = compressing && i >= depth && i < nodes.len() - depth;
            len += match self.compress_node(&bytes, interior) {
                Some(compressed) => lzf_blob_len(compressed, bytes.len()),
                None => self.raw_string(&bytes),
            };
        }
        Quicklist {
            len,
            nodes: nodes.len(),
            count: items.len(),
            uncompressed,
        }
    }

    /// `__quicklistCompressNode`: the compressed size of an interior node,
    /// if compression is on and gains at least `MIN_COMPRESS_IMPROVE`.
    fn compress_node(&mut self, bytes: &[u8], interior: bool) -> Option<usize> {
        if !interior || bytes.len() < MIN_COMPRESS_BYTES {
            return None;
        }
        let n = self.lzf.compress(bytes, bytes.len())?.len();
        (n + MIN_COMPRESS_IMPROVE < bytes.len()).then_some(n)
    }
}

/// A list as the quicklist Redis would hold, with what DEBUG OBJECT shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quicklist {
    /// The serialized length.
    pub len: usize,
    /// Number of nodes (`ql_nodes`).
    pub nodes: usize,
    /// Number of elements.
    pub count: usize,
    /// Sum of the nodes' listpack sizes (`ql_uncompressed_size`).
    pub uncompressed: usize,
}

// ---- RDB primitives ---------------------------------------------------------------

/// `rdbSaveLen`: 1, 2, 5 or 9 bytes.
fn len_len(n: u64) -> usize {
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

/// `rdbEncodeInteger`: an integer that fits 32 bits takes 2, 3 or 5 bytes.
fn encoded_int_len(n: i64) -> Option<usize> {
    match n {
        -128..=127 => Some(2),
        -32768..=32767 => Some(3),
        -2147483648..=2147483647 => Some(5),
        _ => None,
    }
}

/// `rdbSaveLongLongAsStringObject`: encoded, or as its decimal text.
fn long_long_len(n: i64) -> usize {
    encoded_int_len(n).unwrap_or_else(|| {
        let digits = format_i64(&mut [0; 20], n);
        len_len(digits as u64) + digits
    })
}

/// `rdbSaveLzfBlob`: marker byte, compressed length, original length, data.
fn lzf_blob_len(compressed: usize, original: usize) -> usize {
    1 + len_len(compressed as u64) + len_len(original as u64) + compressed
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

/// An intset's bytes (`intsetBlobLen` of them): encoding, length, then the
/// members ascending at `width` bytes, the set's own width (at least the
/// narrowest holding them all; Redis never narrows it after removals).
fn intset_bytes(members: &[i64], width: usize) -> Vec<u8> {
    let needed: usize = members
        .iter()
        .map(|&v| {
            if i16::try_from(v).is_ok() {
                2
            } else if i32::try_from(v).is_ok() {
                4
            } else {
                8
            }
        })
        .max()
        .unwrap_or(2);
    let width = width.max(needed);
    let mut out = Vec::with_capacity(8 + width * members.len());
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(members.len() as u32).to_le_bytes());
    let mut sorted = members.to_vec();
    sorted.sort_unstable();
    for v in sorted {
        out.extend_from_slice(&v.to_le_bytes()[..width]);
    }
    out
}

// ---- listpacks ----------------------------------------------------------------------

/// Header: total bytes (u32) and element count (u16).
const LP_HDR_SIZE: usize = 6;
/// An empty listpack: the header and the end byte.
const LP_EMPTY: usize = LP_HDR_SIZE + 1;
const LP_EOF: u8 = 0xff;
/// The element count once it no longer fits (`LP_HDR_NUMELE_UNKNOWN`).
const LP_NUMELE_UNKNOWN: usize = u16::MAX as usize;

/// `lpEncodeIntegerGetType`: the encoding of an integer entry.
fn lp_int_encoding(v: i64, out: &mut Vec<u8>) {
    let le = v.to_le_bytes();
    match v {
        0..=127 => out.push(v as u8),
        -4096..=4095 => {
            let u = (v as u64) & 0x1fff;
            out.extend_from_slice(&[0xc0 | (u >> 8) as u8, u as u8]);
        }
        -32768..=32767 => out.extend_from_slice(&[0xf1, le[0], le[1]]),
        -8388608..=8388607 => out.extend_from_slice(&[0xf2, le[0], le[1], le[2]]),
        -2147483648..=2147483647 => out.extend_from_slice(&[0xf3, le[0], le[1], le[2], le[3]]),
        _ => {
            out.push(0xf4);
            out.extend_from_slice(&le);
        }
    }
}

/// `lpEncodeString`: the encoding of a string entry.
fn lp_string_encoding(s: &[u8], out: &mut Vec<u8>) {
    let len = s.len();
    if len < 64 {
        out.push(0x80 | len as u8);
    } else if len < 4096 {
        out.extend_from_slice(&[0xe0 | (len >> 8) as u8, len as u8]);
    } else {
        out.push(0xf0);
        out.extend_from_slice(&(len as u32).to_le_bytes());
    }
    out.extend_from_slice(s);
}

/// `lpEncodeBacklen`: the entry's encoded length, written backwards.
fn lp_backlen(l: usize, out: &mut Vec<u8>) {
    let l = l as u64;
    let groups = if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2097151 {
        3
    } else if l < 268435455 {
        4
    } else {
        5
    };
    for i in (0..groups).rev() {
        let bits = ((l >> (7 * i)) & 127) as u8;
        out.push(if i == groups - 1 { bits } else { bits | 128 });
    }
}

/// Bytes `lpBytes` grows by when `s` is appended: encoding plus backlen.
fn lp_entry_len(s: &[u8]) -> usize {
    let enclen = match parse_i64(s) {
        Some(v) => match v {
            0..=127 => 1,
            -4096..=4095 => 2,
            -32768..=32767 => 3,
            -8388608..=8388607 => 4,
            -2147483648..=2147483647 => 5,
            _ => 9,
        },
        None if s.len() < 64 => 1 + s.len(),
        None if s.len() < 4096 => 2 + s.len(),
        None => 5 + s.len(),
    };
    let backlen = match enclen {
        0..=127 => 1,
        128..16383 => 2,
        16383..2097151 => 3,
        2097151..268435455 => 4,
        _ => 5,
    };
    enclen + backlen
}

/// A listpack being built by appends, as `lpAppend` builds one.
struct Listpack {
    data: Vec<u8>,
    count: usize,
}

impl Listpack {
    fn new() -> Listpack {
        Listpack {
            data: vec![0; LP_HDR_SIZE],
            count: 0,
        }
    }

    /// Appends a string entry, stored as an integer when it is one
    /// (`lpStringToInt64` accepts exactly what `string2ll` does).
    fn push(&mut self, s: &[u8]) {
        match parse_i64(s) {
            Some(v) => self.push_int(v),
            None => {
                let start = self.data.len();
                lp_string_encoding(s, &mut self.data);
                let enclen = self.data.len() - start;
                lp_backlen(enclen, &mut self.data);
                self.count += 1;
            }
        }
    }

    fn push_int(&mut self, v: i64) {
        let start = self.data.len();
        lp_int_encoding(v, &mut self.data);
        let enclen = self.data.len() - start;
        lp_backlen(enclen, &mut self.data);
        self.count += 1;
    }

    /// The finished bytes: header filled in, end byte appended.
    fn finish(mut self) -> Vec<u8> {
        self.data.push(LP_EOF);
        let total = self.data.len() as u32;
        self.data[..4].copy_from_slice(&total.to_le_bytes());
        let count = self.count.min(LP_NUMELE_UNKNOWN) as u16;
        self.data[4..6].copy_from_slice(&count.to_le_bytes());
        self.data
    }
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
    let mut nodes = Vec::new();
    let mut start = 0;
    let mut sz = LP_EMPTY;
    for (i, item) in items.iter().enumerate() {
        // An element at the threshold or above gets a plain node to itself,
        // and the element after it starts a new node.
        let plain = |it: &[u8]| it.len() >= packed_threshold;
        if i > start && (plain(item) || plain(items[i - 1]) || !node_allows_insert(sz, i - start, item.len(), fill)) {
            nodes.push(start..i);
            start = i;
            sz = LP_EMPTY;
        }
        sz += lp_entry_len(item);
    }
    if start < items.len() {
        nodes.push(start..items.len());
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(items: &[&[u8]]) -> Vec<u8> {
        let mut lp = Listpack::new();
        for i in items {
            lp.push(i);
        }
        lp.finish()
    }

    #[test]
    fn listpack_bytes() {
        assert_eq!(lp(&[]), [7, 0, 0, 0, 0, 0, 0xff]);
        // "a": 6-bit string; "5": 7-bit uint; "-1": 13-bit int.
        assert_eq!(
            lp(&[b"a", b"5", b"-1"]),
            [15, 0, 0, 0, 3, 0, 0x81, b'a', 2, 5, 1, 0xdf, 0xff, 2, 0xff]
        );
        // 16-bit, 24-bit, 32-bit, 64-bit integers.
        assert_eq!(lp(&[b"4096"])[6..10], [0xf1, 0x00, 0x10, 3]);
        assert_eq!(lp(&[b"-32769"])[6..11], [0xf2, 0xff, 0x7f, 0xff, 4]);
        assert_eq!(lp(&[b"8388608"])[6..12], [0xf3, 0, 0, 0x80, 0, 5]);
        assert_eq!(lp(&[b"2147483648"]).len(), 7 + 10);
        // Not canonical integers: strings.
        for s in [&b"01"[..], b"+1", b"-0", b" 1", b"99999999999999999999"] {
            assert_eq!(lp(&[s]).len(), 7 + 1 + s.len() + 1, "{s:?}");
        }
        // 12-bit string with a two-byte backlen; 32-bit string.
        let s = vec![b'x'; 200];
        let bytes = lp(&[&s]);
        assert_eq!(bytes.len(), 7 + 202 + 2);
        assert_eq!(bytes[6..8], [0xe0, 200]);
        assert_eq!(bytes[208..210], [1, 202]);
        let s = vec![b'x'; 5000];
        assert_eq!(lp(&[&s]).len(), 7 + 5005 + 2);
        for s in [
            &b"a"[..],
            b"12",
            b"-4097",
            b"12345678901",
            &[b'x'; 63],
            &[b'x'; 64],
            &[b'x'; 4096],
        ] {
            assert_eq!(lp(&[s]).len(), LP_EMPTY + lp_entry_len(s), "{s:?}");
        }
    }

    #[test]
    fn backlen_bytes() {
        let enc = |l| {
            let mut out = Vec::new();
            lp_backlen(l, &mut out);
            out
        };
        assert_eq!(enc(127), [127]);
        assert_eq!(enc(128), [1, 128]);
        assert_eq!(enc(16382), [127, 254]);
        assert_eq!(enc(16383), [0, 255, 255]);
        assert_eq!(enc(300_000_000).len(), 5);
    }

    #[test]
    fn intset_layout() {
        assert_eq!(intset_bytes(&[3, 1], 2), [2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 3, 0]);
        assert_eq!(intset_bytes(&[1, 70000], 2).len(), 8 + 8);
        assert_eq!(intset_bytes(&[1, i64::MIN], 2).len(), 8 + 16);
        // A set that once held a 64-bit member keeps its width.
        assert_eq!(intset_bytes(&[1, 2], 8).len(), 8 + 16);
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

    #[test]
    fn string_lengths() {
        let mut s = Sizer::new(Options {
            compression: true,
            list_fill: -2,
            list_compress_depth: 0,
            packed_threshold: 1 << 30,
        });
        assert_eq!(s.string(Value::Int(5)), 2);
        assert_eq!(s.string(Value::Int(1 << 40)), 1 + 13);
        assert_eq!(s.string(Value::Str(b"12")), 2);
        assert_eq!(s.string(Value::Str(b"012")), 4);
        assert_eq!(s.string(Value::Str(&[b'a'; 21])), 9);
        assert_eq!(s.string(Value::Str(b"abcdefghijklmnopqrstu")), 22);
        s.opts.compression = false;
        assert_eq!(s.string(Value::Str(&[b'a'; 100])), 102);
    }
}
