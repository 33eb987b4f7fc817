//! Values other than strings: the collection types, each in its own module
//! with its compact and full encodings. A collection lives in its
//! database's object slab; the key's node holds its slab index.

use super::Kind;
use super::{hash::Hash, list::List, set::Set, zset::ZSet};

/// A collection value.
#[derive(Debug, Clone)]
pub enum Obj {
    Hash(Hash),
    List(List),
    Set(Set),
    ZSet(ZSet),
}

impl Obj {
    pub fn kind(&self) -> Kind {
        match self {
            Obj::Hash(_) => Kind::Hash,
            Obj::List(_) => Kind::List,
            Obj::Set(_) => Kind::Set,
            Obj::ZSet(_) => Kind::ZSet,
        }
    }

    /// Number of elements (fields, members, items).
    pub fn len(&self) -> usize {
        match self {
            Obj::Hash(h) => h.len(),
            Obj::List(l) => l.len(),
            Obj::Set(s) => s.len(),
            Obj::ZSet(z) => z.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Allocations freeing it takes, as Redis's `lazyfreeGetFreeEffort`
    /// counts them: one for a compact encoding, one per element of a
    /// table or skiplist, one per chunk of a list (a quicklist node).
    /// Past `lazyfree::THRESHOLD` it is freed on the lazyfree thread.
    pub fn free_effort(&self) -> usize {
        match self {
            Obj::Hash(h) if h.is_listpack() => 1,
            Obj::ZSet(z) if z.is_listpack() => 1,
            Obj::Set(s) if s.encoding() == "intset" => 1,
            Obj::List(l) => l.chunk_count(),
            _ => self.len(),
        }
    }

    /// OBJECT ENCODING's name for the representation in use.
    pub fn encoding(&self) -> &'static str {
        match self {
            Obj::Hash(h) => h.encoding(),
            Obj::List(l) => l.encoding(),
            Obj::Set(s) => s.encoding(),
            Obj::ZSet(z) => z.encoding(),
        }
    }

    /// Approximate heap bytes, for MEMORY USAGE.
    pub fn mem_usage(&self, samples: usize) -> usize {
        match self {
            Obj::Hash(h) => h.mem_usage(samples),
            Obj::List(l) => l.mem_usage(samples),
            Obj::Set(s) => s.mem_usage(samples),
            Obj::ZSet(z) => z.mem_usage(samples),
        }
    }
}

/// The total of `len` elements' sizes from the first `samples` of them
/// (`sizes`), as MEMORY USAGE's SAMPLES asks: all of them when `samples`
/// is 0 or covers them, else their average times `len`, so a huge value
/// costs a few steps, not one per element.
pub fn sampled_total(len: usize, samples: usize, sizes: impl Iterator<Item = usize>) -> usize {
    if samples == 0 || samples >= len {
        return sizes.sum();
    }
    let (count, sum) = sizes.take(samples).fold((0, 0), |(n, s), size| (n + 1, s + size));
    sum.checked_div(count).unwrap_or(0) * len
}
