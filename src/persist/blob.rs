//! Redis's compact in-memory blobs as they appear inside RDB values:
//! listpacks (built and read), intsets (built and read), and the formats
//! only older files hold, ziplists and zipmaps (read only).
//!
//! Every reader validates the whole blob before trusting any of it, as
//! Redis's `*ValidateIntegrity` functions do with deep sanitization:
//! headers agree with the blob's length, every entry lies inside the blob,
//! back-lengths and previous-entry lengths match, counts agree, the end
//! marker is where it should be. A reader returns `None` for a blob Redis
//! would refuse; it never panics and never allocates more than the blob's
//! own size justifies.

use crate::util::number::parse_i64;

/// An element of a blob: an integer or a string (the same two a set
/// member can be).
pub use crate::db::set::Member as Entry;

// ---- listpacks: building -----------------------------------------------------------

/// Header: total bytes (u32) and element count (u16).
pub const LP_HDR_SIZE: usize = 6;
/// An empty listpack: the header and the end byte.
pub const LP_EMPTY: usize = LP_HDR_SIZE + 1;
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

/// Bytes `lpEncodeBacklen` uses for an entry of `l` bytes.
fn lp_backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..16383 => 2,
        16383..2097151 => 3,
        2097151..268435455 => 4,
        _ => 5,
    }
}

/// `lpEncodeBacklen`: the entry's encoded length, written backwards.
fn lp_backlen(l: usize, out: &mut Vec<u8>) {
    let (bytes, n) = lp_backlen_bytes(l);
    out.extend_from_slice(&bytes[..n]);
}

/// The back-length bytes of an entry of `l` bytes, and how many there are.
fn lp_backlen_bytes(l: usize) -> ([u8; 5], usize) {
    let groups = lp_backlen_size(l);
    let l = l as u64;
    let mut bytes = [0; 5];
    for (slot, i) in (0..groups).rev().enumerate() {
        let bits = ((l >> (7 * i)) & 127) as u8;
        bytes[slot] = if i == groups - 1 { bits } else { bits | 128 };
    }
    (bytes, groups)
}

/// Bytes `lpBytes` grows by when `s` is appended: encoding plus backlen.
pub fn lp_entry_len(s: &[u8]) -> usize {
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
    enclen + lp_backlen_size(enclen)
}

/// A listpack being built by appends, as `lpAppend` builds one.
pub struct Listpack {
    data: Vec<u8>,
    count: usize,
}

impl Default for Listpack {
    fn default() -> Listpack {
        Listpack::new()
    }
}

impl Listpack {
    pub fn new() -> Listpack {
        Listpack {
            data: vec![0; LP_HDR_SIZE],
            count: 0,
        }
    }

    /// Appends a string entry, stored as an integer when it is one
    /// (`lpStringToInt64` accepts exactly what `string2ll` does).
    pub fn push(&mut self, s: &[u8]) {
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

    pub fn push_int(&mut self, v: i64) {
        let start = self.data.len();
        lp_int_encoding(v, &mut self.data);
        let enclen = self.data.len() - start;
        lp_backlen(enclen, &mut self.data);
        self.count += 1;
    }

    /// The finished bytes: header filled in, end byte appended.
    pub fn finish(mut self) -> Vec<u8> {
        self.data.push(LP_EOF);
        let total = self.data.len() as u32;
        self.data[..4].copy_from_slice(&total.to_le_bytes());
        let count = self.count.min(LP_NUMELE_UNKNOWN) as u16;
        self.data[4..6].copy_from_slice(&count.to_le_bytes());
        self.data
    }
}

// ---- listpacks: reading ------------------------------------------------------------

fn le(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0, |acc, &b| acc << 8 | b as u64)
}

/// Sign-extends the low `bits` bits of `v`.
fn signed(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

/// Reads and validates a listpack (`lpValidateIntegrity` with deep
/// checks): the header's total length is the blob's, every entry's
/// encoding and back-length are consistent and inside the blob, the count
/// agrees unless it is the "unknown" value, and the end byte closes it.
pub fn listpack_entries(blob: &[u8]) -> Option<Vec<Entry<'_>>> {
    if blob.len() < LP_EMPTY || le(&blob[..4]) as usize != blob.len() || blob[blob.len() - 1] != LP_EOF {
        return None;
    }
    let declared = le(&blob[4..6]) as usize;
    let mut entries = Vec::with_capacity(declared.min(blob.len() / 2));
    let mut p = LP_HDR_SIZE;
    let end = blob.len() - 1;
    while p < end {
        let b = blob[p];
        let (entry, enclen) = if b & 0x80 == 0 {
            (Entry::Int((b & 0x7f) as i64), 1)
        } else if b & 0xc0 == 0x80 {
            let len = (b & 0x3f) as usize;
            (Entry::Bytes(blob.get(p + 1..p + 1 + len)?), 1 + len)
        } else if b & 0xe0 == 0xc0 {
            let v = ((b & 0x1f) as u64) << 8 | *blob.get(p + 1)? as u64;
            (Entry::Int(signed(v, 13)), 2)
        } else if b & 0xf0 == 0xe0 {
            let len = ((b & 0x0f) as usize) << 8 | *blob.get(p + 1)? as usize;
            (Entry::Bytes(blob.get(p + 2..p + 2 + len)?), 2 + len)
        } else {
            match b {
                0xf0 => {
                    let len = le(blob.get(p + 1..p + 5)?) as usize;
                    (Entry::Bytes(blob.get(p + 5..(p + 5).checked_add(len)?)?), 5 + len)
                }
                0xf1 => (Entry::Int(signed(le(blob.get(p + 1..p + 3)?), 16)), 3),
                0xf2 => (Entry::Int(signed(le(blob.get(p + 1..p + 4)?), 24)), 4),
                0xf3 => (Entry::Int(signed(le(blob.get(p + 1..p + 5)?), 32)), 5),
                0xf4 => (Entry::Int(le(blob.get(p + 1..p + 9)?) as i64), 9),
                _ => return None,
            }
        };
        // The back-length must encode this entry's length.
        let (expected, backlen) = lp_backlen_bytes(enclen);
        if blob.get(p + enclen..p + enclen + backlen)? != &expected[..backlen] || p + enclen + backlen > end {
            return None;
        }
        entries.push(entry);
        p += enclen + backlen;
    }
    if p != end || (declared != LP_NUMELE_UNKNOWN && declared != entries.len()) {
        return None;
    }
    Some(entries)
}

// ---- intsets -----------------------------------------------------------------------

/// An intset's bytes: encoding, length, then the members ascending at
/// `width` bytes, the set's own width (at least the narrowest holding them
/// all; Redis never narrows it after removals).
pub fn intset_bytes(members: &[i64], width: usize) -> Vec<u8> {
    let needed = members.iter().map(|&v| int_width(v)).max().unwrap_or(2);
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

/// The narrowest intset width holding `v`.
pub fn int_width(v: i64) -> usize {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

/// Reads and validates an intset (`intsetValidateIntegrity`, deep): a
/// known width, a length that matches the blob, members strictly
/// ascending. Returns the width and the members.
pub fn intset_members(blob: &[u8]) -> Option<(usize, Vec<i64>)> {
    if blob.len() < 8 {
        return None;
    }
    let width = le(&blob[..4]) as usize;
    let count = le(&blob[4..8]) as usize;
    if !matches!(width, 2 | 4 | 8) || count.checked_mul(width)? + 8 != blob.len() || count == 0 {
        return None;
    }
    let bits = width as u32 * 8;
    let members: Vec<i64> = blob[8..].chunks_exact(width).map(|c| signed(le(c), bits)).collect();
    members.windows(2).all(|w| w[0] < w[1]).then_some((width, members))
}

// ---- ziplists (RDB 7 and older) ----------------------------------------------------

/// Reads and validates a ziplist (`ziplistValidateIntegrity`, deep): the
/// header's byte count and tail offset, every entry's previous-entry length
/// and encoding, the count unless it is 65535, and the end byte.
pub fn ziplist_entries(blob: &[u8]) -> Option<Vec<Entry<'_>>> {
    const HEADER: usize = 10;
    if blob.len() < HEADER + 1 || le(&blob[..4]) as usize != blob.len() || blob[blob.len() - 1] != 0xff {
        return None;
    }
    let tail = le(&blob[4..8]) as usize;
    let declared = le(&blob[8..10]) as usize;
    let end = blob.len() - 1;
    let mut entries = Vec::with_capacity(declared.min(blob.len() / 2));
    let mut p = HEADER;
    let mut prev_len = 0;
    let mut last = HEADER;
    while p < end {
        // Previous entry's length: one byte, or 0xfe and four bytes.
        let (prev, prev_size) = match blob[p] {
            0xfe => (le(blob.get(p + 1..p + 5)?) as usize, 5),
            0xff => return None,
            b => (b as usize, 1),
        };
        if prev != prev_len {
            return None;
        }
        let q = p + prev_size;
        let b = *blob.get(q)?;
        let (entry, header) = match b >> 6 {
            0 => {
                let len = (b & 0x3f) as usize;
                (Entry::Bytes(blob.get(q + 1..q + 1 + len)?), 1)
            }
            1 => {
                let len = ((b & 0x3f) as usize) << 8 | *blob.get(q + 1)? as usize;
                (Entry::Bytes(blob.get(q + 2..q + 2 + len)?), 2)
            }
            2 => {
                if b != 0x80 {
                    return None;
                }
                let raw = blob.get(q + 1..q + 5)?;
                let len = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
                (Entry::Bytes(blob.get(q + 5..(q + 5).checked_add(len)?)?), 5)
            }
            _ => match b {
                0xc0 => (Entry::Int(signed(le(blob.get(q + 1..q + 3)?), 16)), 3),
                0xd0 => (Entry::Int(signed(le(blob.get(q + 1..q + 5)?), 32)), 5),
                0xe0 => (Entry::Int(le(blob.get(q + 1..q + 9)?) as i64), 9),
                0xf0 => (Entry::Int(signed(le(blob.get(q + 1..q + 4)?), 24)), 4),
                0xfe => (Entry::Int(blob.get(q + 1).map(|&v| v as i8 as i64)?), 2),
                0xf1..=0xfd => (Entry::Int((b & 0x0f) as i64 - 1), 1),
                _ => return None,
            },
        };
        let size = match entry {
            Entry::Bytes(s) => prev_size + header + s.len(),
            Entry::Int(_) => prev_size + header,
        };
        if p + size > end {
            return None;
        }
        entries.push(entry);
        last = p;
        prev_len = size;
        p += size;
    }
    let tail_ok = if entries.is_empty() {
        tail == HEADER
    } else {
        tail == last
    };
    if p != end || !tail_ok || (declared != u16::MAX as usize && declared != entries.len()) {
        return None;
    }
    Some(entries)
}

// ---- zipmaps (RDB 2 and older hashes) ----------------------------------------------

/// Reads and validates a zipmap (`zipmapValidateIntegrity`): pairs of
/// length-prefixed strings, a free-space byte after each value, the end
/// byte last. Returns the fields and values in order.
pub fn zipmap_pairs(blob: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    if blob.len() < 2 || blob[blob.len() - 1] != 0xff {
        return None;
    }
    let end = blob.len() - 1;
    let mut p = 1;
    let mut pairs = Vec::new();
    let read_len = |p: usize| -> Option<(usize, usize)> {
        match *blob.get(p)? {
            254 => Some((le(blob.get(p + 1..p + 5)?) as usize, 5)),
            255 => None,
            n => Some((n as usize, 1)),
        }
    };
    while p < end {
        let (flen, n) = read_len(p)?;
        let field = blob.get(p + n..(p + n).checked_add(flen)?)?;
        p += n + flen;
        let (vlen, n) = read_len(p)?;
        let free = *blob.get(p + n)? as usize;
        let value = blob.get(p + n + 1..(p + n + 1).checked_add(vlen)?)?;
        p += n + 1 + vlen + free;
        if p > end {
            return None;
        }
        pairs.push((field, value));
    }
    let declared = blob[0] as usize;
    if p != end || (declared < 254 && declared != pairs.len()) {
        return None;
    }
    Some(pairs)
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
    fn listpacks_read_back() {
        let big = vec![b'y'; 5000];
        let mid = vec![b'z'; 300];
        let items: [&[u8]; 10] = [
            b"a",
            b"5",
            b"-1",
            b"4096",
            b"-32769",
            b"8388608",
            b"-9223372036854775808",
            b"01",
            &mid,
            &big,
        ];
        let blob = lp(&items);
        let read: Vec<Vec<u8>> = listpack_entries(&blob).unwrap().iter().map(Entry::to_vec).collect();
        assert_eq!(read, items.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
        // Every truncation and every single-byte corruption is refused or
        // read without panicking.
        for cut in 0..blob.len() {
            assert!(listpack_entries(&blob[..cut]).is_none());
        }
        for i in 0..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x5a;
            let _ = listpack_entries(&bad);
        }
        // A wrong count is refused.
        let mut bad = lp(&[b"a", b"b"]);
        bad[4] = 3;
        assert!(listpack_entries(&bad).is_none());
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
        assert_eq!(
            intset_members(&intset_bytes(&[-5, 70000], 2)),
            Some((4, vec![-5, 70000]))
        );
        // Unsorted, duplicate, or of a bad width: refused.
        assert!(intset_members(&[2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 0]).is_none());
        assert!(intset_members(&[2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 3, 0]).is_none());
        assert!(intset_members(&[3, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0]).is_none());
    }

    #[test]
    fn ziplists_read() {
        // zlbytes, zltail, zllen; "a" (prevlen 0), 5 (immediate), 300
        // (int16), end.
        let blob = [
            20, 0, 0, 0, 15, 0, 0, 0, 3, 0, 0, 0x01, b'a', 3, 0xf6, 2, 0xc0, 0x2c, 0x01, 0xff,
        ];
        assert_eq!(
            ziplist_entries(&blob),
            Some(vec![Entry::Bytes(b"a"), Entry::Int(5), Entry::Int(300)])
        );
        for cut in 0..blob.len() {
            assert!(ziplist_entries(&blob[..cut]).is_none());
        }
        let mut bad = blob;
        bad[13] = 2; // wrong previous length
        assert!(ziplist_entries(&bad).is_none());
    }

    #[test]
    fn zipmaps_read() {
        // 2 pairs: "a" -> "bc" (1 free byte), "d" -> "".
        let blob = [2, 1, b'a', 2, 1, b'b', b'c', 0, 1, b'd', 0, 0, 0xff];
        assert_eq!(
            zipmap_pairs(&blob),
            Some(vec![(&b"a"[..], &b"bc"[..]), (&b"d"[..], &b""[..])])
        );
        for cut in 0..blob.len() {
            assert!(zipmap_pairs(&blob[..cut]).is_none());
        }
    }
}
