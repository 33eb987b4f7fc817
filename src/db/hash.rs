//! The Hash value type in Redis's two encodings.
//!
//! - `listpack`: small hashes live in one `Vec<u8>` of entries, each a
//!   varint length followed by its bytes, fields and values alternating in
//!   insertion order (Redis's listpack, without the back-links). Lookups
//!   are linear, as in Redis; the size limits keep them short.
//! - `hashtable`: a [`Dict`] whose nodes hold field and value in one
//!   allocation, so HSCAN gets Redis's reverse-binary cursor guarantee.
//!
//! A listpack becomes a hashtable when it would hold more than
//! `hash-max-listpack-entries` fields or a field or value longer than
//! `hash-max-listpack-value` bytes; the conversion is one-way.

use super::dict::{self, Dict};

/// The conversion thresholds, read from the configuration once per command.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

/// Redis's `LISTPACK_MAX_SAFE_SIZE`: a listpack never grows past 1 GiB.
const LISTPACK_MAX_SAFE: usize = 1 << 30;

#[derive(Debug)]
enum Repr {
    Listpack(Listpack),
    Table(Dict<Box<[u8]>>),
}

/// A Hash value.
#[derive(Debug)]
pub struct Hash {
    repr: Repr,
}

impl Default for Hash {
    fn default() -> Hash {
        Hash {
            repr: Repr::Listpack(Listpack::default()),
        }
    }
}

impl Clone for Hash {
    fn clone(&self) -> Hash {
        let repr = match &self.repr {
            Repr::Listpack(lp) => Repr::Listpack(lp.clone()),
            Repr::Table(d) => {
                let mut copy: Dict<Box<[u8]>> = Dict::new();
                for id in d.ids() {
                    let node = d.node(id);
                    copy.insert_new(node.data.to_vec(), 0);
                }
                Repr::Table(copy)
            }
        };
        Hash { repr }
    }
}

impl Hash {
    /// DEBUG HTSTATS-KEY's text, for a hashtable-encoded hash.
    pub fn table_stats(&self) -> Option<String> {
        match &self.repr {
            Repr::Table(d) => Some(d.stats()),
            Repr::Listpack(_) => None,
        }
    }

    pub fn new() -> Hash {
        Hash::default()
    }

    /// The empty hash a loader creates for `n` fields: a hashtable when
    /// that many could not all live in a listpack.
    pub fn for_size(n: u64, limits: Limits) -> Hash {
        let mut h = Hash::default();
        if n > limits.max_entries as u64 {
            h.convert();
        }
        h
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.len,
            Repr::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Table(_) => "hashtable",
        }
    }

    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    /// A hashtable's pairs, a bucket walk at a time (see
    /// [`Dict::walk_buckets`]); a listpack has none to walk.
    pub fn walk_table(&self, cursor: usize, max: usize, mut f: impl FnMut(&[u8], &[u8])) -> Option<usize> {
        match &self.repr {
            Repr::Table(d) => d.walk_buckets(cursor, max, |node| f(node.key(), node.value())),
            Repr::Listpack(_) => None,
        }
    }

    /// Approximate heap bytes.
    pub fn mem_usage(&self, samples: usize) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.data.capacity(),
            Repr::Table(d) => {
                let sizes = d.ids().map(|id| d.node(id).data.len());
                d.overhead() + super::object::sampled_total(d.len(), samples, sizes)
            }
        }
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.repr {
            Repr::Listpack(lp) => lp.find(field).map(|at| lp.pair_at(at).1),
            Repr::Table(d) => d.find(field).map(|id| d.node(id).value()),
        }
    }

    /// Redis's `hashTypeTryConversion`: converts before a write whose
    /// arguments (of the given lengths) could not all live in a listpack.
    pub fn try_conversion(&mut self, lens: impl Iterator<Item = usize>, limits: Limits) {
        let Repr::Listpack(lp) = &self.repr else { return };
        let mut sum = 0usize;
        for len in lens {
            if len > limits.max_value {
                self.convert();
                return;
            }
            sum += len;
        }
        if lp.data.len() + sum > LISTPACK_MAX_SAFE {
            self.convert();
        }
    }

    /// Sets `field` to `value`; true if the field is new (Redis's
    /// `hashTypeSet`, converting on a long string or too many fields).
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: Limits) -> bool {
        if self.is_listpack() && (field.len() > limits.max_value || value.len() > limits.max_value) {
            self.convert();
        }
        match &mut self.repr {
            Repr::Listpack(lp) => {
                let new = lp.set(field, value);
                if lp.len > limits.max_entries {
                    self.convert();
                }
                new
            }
            Repr::Table(d) => match d.find(field) {
                Some(id) => {
                    d.node_mut(id).data = dict::encode(field, value).into();
                    false
                }
                None => {
                    d.insert_new(dict::encode(field, value), 0);
                    true
                }
            },
        }
    }

    /// Removes `field`; true if it was there.
    pub fn delete(&mut self, field: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Listpack(lp) => lp.delete(field),
            Repr::Table(d) => match d.find(field) {
                Some(id) => {
                    d.remove(id);
                    true
                }
                None => false,
            },
        }
    }

    /// Every (field, value) pair: insertion order for a listpack, table
    /// order for a hashtable.
    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Listpack(lp) => Iter::Listpack(lp, 0),
            Repr::Table(d) => Iter::Table(d, Box::new(d.ids())),
        }
    }

    /// Handles of every pair, for random picks: byte offsets for a
    /// listpack, node ids for a hashtable. Resolve them with [`Hash::pair`].
    pub fn handles(&self) -> Vec<usize> {
        match &self.repr {
            Repr::Listpack(lp) => lp.offsets().collect(),
            Repr::Table(d) => d.ids().map(|id| id as usize).collect(),
        }
    }

    /// The pair behind a handle from [`Hash::handles`] or [`Hash::random`].
    pub fn pair(&self, handle: usize) -> (&[u8], &[u8]) {
        match &self.repr {
            Repr::Listpack(lp) => lp.pair_at(handle),
            Repr::Table(d) => {
                let node = d.node(handle as u32);
                (node.key(), node.value())
            }
        }
    }

    /// A random pair's handle (None when empty).
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<usize> {
        match &self.repr {
            Repr::Listpack(lp) => {
                if lp.len == 0 {
                    return None;
                }
                let nth = (rand() % lp.len as u64) as usize;
                lp.offsets().nth(nth)
            }
            Repr::Table(d) => d.random(rand).map(|id| id as usize),
        }
    }

    /// One HSCAN step of a hashtable (see [`Dict::scan_step`]), passing
    /// each pair's handle to `f`; `None` for a listpack, which is scanned
    /// whole.
    pub fn scan_step(&self, cursor: u64, mut f: impl FnMut(usize)) -> Option<u64> {
        match &self.repr {
            Repr::Listpack(_) => None,
            Repr::Table(d) => Some(d.scan_step(cursor, |id, _| f(id as usize))),
        }
    }

    /// Converts a listpack to a hashtable.
    fn convert(&mut self) {
        let Repr::Listpack(lp) = &self.repr else { return };
        let mut d: Dict<Box<[u8]>> = Dict::new();
        for at in lp.offsets() {
            let (field, value) = lp.pair_at(at);
            d.insert_new(dict::encode(field, value), 0);
        }
        self.repr = Repr::Table(d);
    }
}

/// Iterator over a hash's pairs.
pub enum Iter<'a> {
    Listpack(&'a Listpack, usize),
    Table(&'a Dict<Box<[u8]>>, Box<dyn Iterator<Item = u32> + 'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Listpack(lp, at) => {
                if *at >= lp.data.len() {
                    return None;
                }
                let (field, value) = lp.pair_at(*at);
                *at = lp.next_pair(*at);
                Some((field, value))
            }
            Iter::Table(d, ids) => ids.next().map(|id| {
                let node = d.node(id);
                (node.key(), node.value())
            }),
        }
    }
}

// ---- listpack ----------------------------------------------------------------------

/// Fields and values alternating, each `[varint length][bytes]`.
#[derive(Debug, Clone, Default)]
pub struct Listpack {
    data: Vec<u8>,
    /// Number of pairs.
    len: usize,
}

fn read_varint(data: &[u8]) -> (usize, usize) {
    let mut n = 0usize;
    for (i, &b) in data.iter().enumerate().take(5) {
        n |= ((b & 0x7f) as usize) << (7 * i);
        if b & 0x80 == 0 {
            return (n, i + 1);
        }
    }
    (0, 0)
}

fn write_entry(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut n = bytes.len();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.extend_from_slice(bytes);
}

impl Listpack {
    /// The entry at `at`: (bytes, offset of the next entry).
    fn entry(&self, at: usize) -> (&[u8], usize) {
        let (len, hdr) = read_varint(&self.data[at..]);
        let start = at + hdr;
        (&self.data[start..start + len], start + len)
    }

    fn pair_at(&self, at: usize) -> (&[u8], &[u8]) {
        let (field, next) = self.entry(at);
        (field, self.entry(next).0)
    }

    fn next_pair(&self, at: usize) -> usize {
        let (_, next) = self.entry(at);
        self.entry(next).1
    }

    /// Offsets of every pair's field entry.
    fn offsets(&self) -> impl Iterator<Item = usize> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.data.len() {
                return None;
            }
            let here = at;
            at = self.next_pair(at);
            Some(here)
        })
    }

    fn find(&self, field: &[u8]) -> Option<usize> {
        self.offsets().find(|&at| self.entry(at).0 == field)
    }

    fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        match self.find(field) {
            Some(at) => {
                let (_, value_at) = self.entry(at);
                let (_, end) = self.entry(value_at);
                let mut encoded = Vec::with_capacity(value.len() + 5);
                write_entry(&mut encoded, value);
                self.data.splice(value_at..end, encoded);
                false
            }
            None => {
                write_entry(&mut self.data, field);
                write_entry(&mut self.data, value);
                self.len += 1;
                true
            }
        }
    }

    fn delete(&mut self, field: &[u8]) -> bool {
        match self.find(field) {
            Some(at) => {
                let end = self.next_pair(at);
                self.data.drain(at..end);
                self.len -= 1;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_entries: 4,
        max_value: 8,
    };

    #[test]
    fn listpack_set_get_delete_in_order() {
        let mut h = Hash::new();
        assert!(h.set(b"a", b"1", LIMITS));
        assert!(h.set(b"b", b"2", LIMITS));
        assert!(!h.set(b"a", b"longer", LIMITS));
        assert_eq!(h.get(b"a"), Some(&b"longer"[..]));
        let pairs: Vec<_> = h.iter().collect();
        assert_eq!(pairs, vec![(&b"a"[..], &b"longer"[..]), (&b"b"[..], &b"2"[..])]);
        assert!(h.delete(b"a"));
        assert!(!h.delete(b"a"));
        assert_eq!(h.len(), 1);
        assert_eq!(h.encoding(), "listpack");
    }

    #[test]
    fn converts_on_entries_and_value_length() {
        let mut h = Hash::new();
        for f in [b"a", b"b", b"c", b"d"] {
            h.set(f, b"v", LIMITS);
        }
        assert_eq!(h.encoding(), "listpack");
        h.set(b"e", b"v", LIMITS);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);
        assert_eq!(h.get(b"c"), Some(&b"v"[..]));
        let copy = h.clone();
        assert_eq!(copy.len(), 5);

        let mut h = Hash::new();
        h.set(b"a", b"12345678", LIMITS);
        assert_eq!(h.encoding(), "listpack");
        h.set(b"a", b"123456789", LIMITS);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"a"), Some(&b"123456789"[..]));
    }

    #[test]
    fn long_entries_round_trip() {
        let mut h = Hash::new();
        let big = vec![b'x'; 300];
        let limits = Limits {
            max_entries: 10,
            max_value: 1000,
        };
        h.set(&big, &big, limits);
        h.set(b"k", b"v", limits);
        assert_eq!(h.get(&big), Some(&big[..]));
        assert_eq!(h.get(b"k"), Some(&b"v"[..]));
        assert_eq!(h.handles().len(), 2);
    }
}
