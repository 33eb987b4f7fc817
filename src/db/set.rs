//! The Set value type, in Redis 7.0's two encodings:
//!
//! - `intset`: a sorted array of integers stored at the narrowest width
//!   (2, 4 or 8 bytes) that holds all of them, little-endian in one
//!   `Vec<u8>`, as Redis's `intset.c`. Used while every member is an
//!   integer in canonical form (`string2ll`'s rules: no `+`, no leading
//!   zeros, no `-0`, no spaces) and there are at most
//!   `set-max-intset-entries` of them.
//! - `hashtable`: the keyspace's chained table ([`Dict`]), one node per
//!   member with an empty value, which gives SSCAN Redis's cursor
//!   guarantees.
//!
//! Conversion is one-way (intset -> hashtable), as in Redis; the width of
//! an intset only grows.

use super::dict::{self, Dict};
use crate::util::number::{format_i64, parse_i64};

/// Largest intset Redis allows whatever the configuration (`1 << 30`).
pub const INTSET_HARD_MAX: usize = 1 << 30;

// ---- intset ------------------------------------------------------------------------

/// Sorted distinct integers at a uniform width of 2, 4 or 8 bytes.
#[derive(Debug, Clone)]
pub struct IntSet {
    width: usize,
    data: Vec<u8>,
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet {
            width: 2,
            data: Vec::new(),
        }
    }
}

/// Bytes needed to hold `v` (Redis's `_intsetValueEncoding`).
fn width_of(v: i64) -> usize {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

impl IntSet {
    pub fn len(&self) -> usize {
        self.data.len() / self.width
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The `i`th smallest member.
    pub fn get(&self, i: usize) -> i64 {
        let at = i * self.width;
        let b = &self.data[at..at + self.width];
        match self.width {
            2 => i16::from_le_bytes([b[0], b[1]]) as i64,
            4 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64,
            _ => i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        }
    }

    fn put(out: &mut [u8], width: usize, v: i64) {
        out.copy_from_slice(&v.to_le_bytes()[..width]);
    }

    /// Binary search: `Ok(index)` if present, else where it would go.
    fn search(&self, v: i64) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(&v) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    pub fn contains(&self, v: i64) -> bool {
        width_of(v) <= self.width && self.search(v).is_ok()
    }

    /// Adds `v`; false if it was already present.
    pub fn insert(&mut self, v: i64) -> bool {
        let w = width_of(v);
        if w > self.width {
            // A value wider than all others is the new minimum or maximum.
            let n = self.len();
            let mut data = vec![0u8; (n + 1) * w];
            let shift = usize::from(v < 0);
            for i in 0..n {
                let at = (i + shift) * w;
                IntSet::put(&mut data[at..at + w], w, self.get(i));
            }
            let at = if v < 0 { 0 } else { n * w };
            IntSet::put(&mut data[at..at + w], w, v);
            self.width = w;
            self.data = data;
            return true;
        }
        match self.search(v) {
            Ok(_) => false,
            Err(i) => {
                let at = i * self.width;
                let bytes = v.to_le_bytes();
                self.data.splice(at..at, bytes[..self.width].iter().copied());
                true
            }
        }
    }

    /// Removes `v`; false if it was absent. The width never shrinks.
    pub fn remove(&mut self, v: i64) -> bool {
        if width_of(v) > self.width {
            return false;
        }
        match self.search(v) {
            Ok(i) => {
                let at = i * self.width;
                self.data.drain(at..at + self.width);
                true
            }
            Err(_) => false,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

// ---- members ------------------------------------------------------------------------

/// A member as stored: an intset integer or a hashtable string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Member<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl Member<'_> {
    /// The member's bytes, formatting an integer into `scratch`.
    pub fn bytes<'b>(&'b self, scratch: &'b mut [u8; 20]) -> &'b [u8] {
        match self {
            Member::Int(n) => {
                let len = format_i64(scratch, *n);
                &scratch[..len]
            }
            Member::Bytes(b) => b,
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        self.bytes(&mut [0; 20]).to_vec()
    }
}

// ---- the set ------------------------------------------------------------------------

#[derive(Debug)]
enum Repr {
    Ints(IntSet),
    Table(Dict<Box<[u8]>>),
}

/// A Set value.
#[derive(Debug)]
pub struct Set {
    repr: Repr,
}

impl Default for Set {
    fn default() -> Self {
        Set::new()
    }
}

impl Clone for Set {
    /// COPY's duplicate, in the same encoding.
    fn clone(&self) -> Set {
        match &self.repr {
            Repr::Ints(s) => Set {
                repr: Repr::Ints(s.clone()),
            },
            Repr::Table(d) => {
                let mut copy: Dict<Box<[u8]>> = Dict::new();
                for id in d.ids() {
                    copy.insert_new(dict::encode(d.node(id).key(), &[]), 0);
                }
                Set {
                    repr: Repr::Table(copy),
                }
            }
        }
    }
}

impl Set {
    /// An empty intset (Redis's `createIntsetObject`).
    pub fn new() -> Set {
        Set {
            repr: Repr::Ints(IntSet::default()),
        }
    }

    /// An empty set in the encoding that can hold `member`
    /// (Redis's `setTypeCreate`).
    pub fn for_member(member: &[u8]) -> Set {
        if parse_i64(member).is_some() {
            Set::new()
        } else {
            Set {
                repr: Repr::Table(Dict::new()),
            }
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Ints(s) => s.len(),
            Repr::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Ints(_) => "intset",
            Repr::Table(_) => "hashtable",
        }
    }

    /// DEBUG HTSTATS-KEY's text, for a hashtable-encoded set.
    pub fn table_stats(&self) -> Option<String> {
        match &self.repr {
            Repr::Table(d) => Some(d.stats()),
            Repr::Ints(_) => None,
        }
    }

    /// A hashtable's members, a bucket walk at a time (see
    /// [`Dict::walk_buckets`]); an intset has none to walk.
    pub fn walk_table(&self, cursor: usize, max: usize, mut f: impl FnMut(&[u8])) -> Option<usize> {
        match &self.repr {
            Repr::Table(d) => d.walk_buckets(cursor, max, |node| f(node.key())),
            Repr::Ints(_) => None,
        }
    }

    pub fn is_intset(&self) -> bool {
        matches!(self.repr, Repr::Ints(_))
    }

    /// An intset's member width in bytes (2, 4 or 8; it never shrinks), None
    /// for a hashtable.
    pub fn intset_width(&self) -> Option<usize> {
        match &self.repr {
            Repr::Ints(s) => Some(s.width),
            Repr::Table(_) => None,
        }
    }

    /// Approximate heap bytes: a hashtable's members are sampled (five of
    /// them, as MEMORY USAGE's default) and the average extrapolated.
    pub fn mem_usage(&self, samples: usize) -> usize {
        match &self.repr {
            Repr::Ints(s) => s.data.capacity() + 8,
            Repr::Table(d) => {
                let sizes = d.ids().map(|id| d.node(id).data.len());
                d.overhead() + super::object::sampled_total(d.len(), samples, sizes)
            }
        }
    }

    /// Converts an intset to a hashtable.
    fn convert(&mut self) {
        if let Repr::Ints(s) = &self.repr {
            let mut d: Dict<Box<[u8]>> = Dict::new();
            let mut digits = [0u8; 20];
            for v in s.iter() {
                let len = format_i64(&mut digits, v);
                d.insert_new(dict::encode(&digits[..len], &[]), 0);
            }
            self.repr = Repr::Table(d);
        }
    }

    /// Adds `member`; false if already present. An intset turns into a
    /// hashtable for a non-integer member or when it grows past
    /// `max_intset` entries (Redis's `setTypeAdd`).
    pub fn add(&mut self, member: &[u8], max_intset: usize) -> bool {
        if let Repr::Ints(s) = &mut self.repr {
            match parse_i64(member) {
                Some(v) => {
                    if !s.insert(v) {
                        return false;
                    }
                    if s.len() > max_intset.min(INTSET_HARD_MAX) {
                        self.convert();
                    }
                    return true;
                }
                None => self.convert(),
            }
        }
        let Repr::Table(d) = &mut self.repr else { unreachable!() };
        if d.find(member).is_some() {
            return false;
        }
        d.insert_new(dict::encode(member, &[]), 0);
        true
    }

    /// Removes `member`; false if absent.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Ints(s) => parse_i64(member).is_some_and(|v| s.remove(v)),
            Repr::Table(d) => match d.find(member) {
                Some(id) => {
                    d.remove(id);
                    true
                }
                None => false,
            },
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match &self.repr {
            Repr::Ints(s) => parse_i64(member).is_some_and(|v| s.contains(v)),
            Repr::Table(d) => d.find(member).is_some(),
        }
    }

    /// `contains` for a member of another set, without formatting an
    /// integer against an intset.
    pub fn contains_member(&self, member: Member) -> bool {
        match (&self.repr, member) {
            (Repr::Ints(s), Member::Int(v)) => s.contains(v),
            _ => self.contains(member.bytes(&mut [0; 20])),
        }
    }

    /// Every member: an intset in ascending order, a hashtable in table
    /// order.
    pub fn iter(&self) -> impl Iterator<Item = Member<'_>> + '_ {
        let (ints, table) = match &self.repr {
            Repr::Ints(s) => (Some(s), None),
            Repr::Table(d) => (None, Some(d)),
        };
        let ints = ints.into_iter().flat_map(|s| s.iter().map(Member::Int));
        let table = table
            .into_iter()
            .flat_map(|d| d.ids().map(move |id| Member::Bytes(d.node(id).key())));
        ints.chain(table)
    }

    /// Moves up to `buckets` buckets of a hashtable being resized, as
    /// Redis's random reads do (`dictGetRandomKey` moves one,
    /// `dictGetSomeKeys` up to the count asked for), so a set that is only
    /// read still finishes its rehash.
    pub fn rehash_step(&mut self, buckets: usize) {
        if let Repr::Table(d) = &mut self.repr
            && d.is_rehashing()
        {
            d.rehash_step(buckets.max(1));
        }
    }

    /// A random member, None when empty.
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<Member<'_>> {
        match &self.repr {
            Repr::Ints(s) if s.is_empty() => None,
            Repr::Ints(s) => Some(Member::Int(s.get((rand() % s.len() as u64) as usize))),
            Repr::Table(d) => d.random(rand).map(|id| Member::Bytes(d.node(id).key())),
        }
    }

    /// Removes and returns a random member, None when empty.
    pub fn pop_random(&mut self, rand: impl FnMut() -> u64) -> Option<Vec<u8>> {
        let member = self.random(rand)?.to_vec();
        self.remove(&member);
        Some(member)
    }

    /// One SSCAN step: an intset is returned whole with cursor 0; a
    /// hashtable one bucket (chain) at a time, see [`Dict::scan_step`].
    pub fn scan_step<'a>(&'a self, cursor: u64, mut f: impl FnMut(Member<'a>)) -> u64 {
        match &self.repr {
            Repr::Ints(s) => {
                s.iter().for_each(|v| f(Member::Int(v)));
                0
            }
            Repr::Table(d) => d.scan_step(cursor, |id, _| f(Member::Bytes(d.node(id).key()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intset_widths_and_order() {
        let mut s = IntSet::default();
        assert!(s.insert(5));
        assert!(s.insert(-3));
        assert!(!s.insert(5));
        assert_eq!(s.width, 2);
        assert!(s.insert(70000));
        assert_eq!(s.width, 4);
        assert!(s.insert(i64::MIN));
        assert_eq!(s.width, 8);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![i64::MIN, -3, 5, 70000]);
        assert!(s.contains(70000) && !s.contains(6));
        assert!(s.remove(-3) && !s.remove(-3));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![i64::MIN, 5, 70000]);
        let mut small = IntSet::default();
        small.insert(1);
        assert!(!small.contains(1 << 40) && !small.remove(1 << 40));
    }

    #[test]
    fn conversion_rules() {
        let mut s = Set::for_member(b"1");
        assert_eq!(s.encoding(), "intset");
        assert!(s.add(b"1", 2) && s.add(b"2", 2));
        assert_eq!(s.encoding(), "intset");
        assert!(s.add(b"3", 2));
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"3") && !s.add(b"3", 2));
        let mut s = Set::for_member(b"01");
        assert_eq!(s.encoding(), "hashtable");
        s.add(b"01", 512);
        assert!(!s.contains(b"1"));
        let mut s = Set::new();
        s.add(b"7", 512);
        s.add(b"+7", 512);
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 2);
        let copy = s.clone();
        assert!(copy.contains(b"7") && copy.contains(b"+7") && copy.len() == 2);
    }
}
