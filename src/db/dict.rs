//! The keyspace hash table: chained buckets over a slab of nodes, shaped for
//! Redis's SCAN guarantee and for little memory per key.
//!
//! Why not `hashbrown::HashMap`: SCAN must return every key present for the
//! whole iteration even while the table grows, which Redis gets by walking
//! bucket indexes in reverse-binary order over a power-of-two table; an open-
//! addressing table moves entries between probe positions and cannot give
//! that. A chained table also lets a key and its value share one allocation.
//!
//! Layout: `buckets[i]` holds the index of the first node of chain `i`
//! (`NIL` when empty); nodes live in `nodes` and never move, so a node index
//! is a stable handle for as long as the key exists (expiry timers and the
//! expires map refer to keys by it). A node's `data` is `[varint key length]
//! [key][value]`: one allocation per key. Freed nodes form a free list
//! through `next`.
//!
//! Invariants: `buckets.len()` is 0 or a power of two; every live node is on
//! exactly one chain, the one its key hashes to; `len` counts live nodes.

use std::hash::BuildHasher;

pub const NIL: u32 = u32::MAX;

/// Smallest non-empty table.
const MIN_BUCKETS: usize = 4;

/// One key: chain link, metadata bits (see `db::meta`), key and value bytes.
#[derive(Debug, Default)]
pub struct Node {
    pub next: u32,
    pub meta: u32,
    pub data: Vec<u8>,
}

impl Node {
    /// Offset of the key within `data` and its length.
    fn key_span(&self) -> (usize, usize) {
        let (len, hdr) = read_varint(&self.data);
        (hdr, len)
    }

    pub fn key(&self) -> &[u8] {
        let (at, len) = self.key_span();
        &self.data[at..at + len]
    }

    pub fn value(&self) -> &[u8] {
        let (at, len) = self.key_span();
        &self.data[at + len..]
    }

    /// Offset where the value starts within `data`.
    pub fn value_offset(&self) -> usize {
        let (at, len) = self.key_span();
        at + len
    }
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

fn write_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// Builds a node's `data` from a key and a value, in one exact-size
/// allocation (a shrinking realloc would leave malloc's chunk larger).
pub fn encode(key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(varint_len(key.len()) + key.len() + value.len());
    write_varint(&mut data, key.len());
    data.extend_from_slice(key);
    data.extend_from_slice(value);
    data
}

#[derive(Debug)]
pub struct Dict {
    buckets: Vec<u32>,
    nodes: Vec<Node>,
    free: u32,
    len: usize,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Default for Dict {
    fn default() -> Self {
        Dict::new()
    }
}

impl Dict {
    pub fn new() -> Dict {
        Dict {
            buckets: Vec::new(),
            nodes: Vec::new(),
            free: NIL,
            len: 0,
            hasher: hashbrown::DefaultHashBuilder::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of buckets (the SCAN cursor space).
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    fn bucket_of(&self, key: &[u8]) -> usize {
        (self.hash(key) as usize) & (self.buckets.len() - 1)
    }

    pub fn node(&self, id: u32) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn node_mut(&mut self, id: u32) -> &mut Node {
        &mut self.nodes[id as usize]
    }

    /// The node holding `key`, if any.
    pub fn find(&self, key: &[u8]) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let mut at = self.buckets[self.bucket_of(key)];
        while at != NIL {
            let node = &self.nodes[at as usize];
            if node.key() == key {
                return Some(at);
            }
            at = node.next;
        }
        None
    }

    /// Adds a node for a key known to be absent; returns its handle.
    pub fn insert_new(&mut self, data: Vec<u8>, meta: u32) -> u32 {
        if self.len >= self.buckets.len() {
            self.resize((self.buckets.len() * 2).max(MIN_BUCKETS));
        }
        let bucket = {
            let (len, hdr) = read_varint(&data);
            self.bucket_of(&data[hdr..hdr + len])
        };
        let node = Node {
            next: self.buckets[bucket],
            meta,
            data,
        };
        let id = if self.free != NIL {
            let id = self.free;
            self.free = self.nodes[id as usize].next;
            self.nodes[id as usize] = node;
            id
        } else {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        };
        self.buckets[bucket] = id;
        self.len += 1;
        id
    }

    /// Unlinks node `id` and returns its contents; the handle becomes free.
    pub fn remove(&mut self, id: u32) -> Node {
        let bucket = self.bucket_of(self.nodes[id as usize].key());
        let next = self.nodes[id as usize].next;
        if self.buckets[bucket] == id {
            self.buckets[bucket] = next;
        } else {
            let mut at = self.buckets[bucket];
            while at != NIL {
                if self.nodes[at as usize].next == id {
                    self.nodes[at as usize].next = next;
                    break;
                }
                at = self.nodes[at as usize].next;
            }
        }
        let old = std::mem::replace(
            &mut self.nodes[id as usize],
            Node {
                next: self.free,
                meta: 0,
                data: Vec::new(),
            },
        );
        self.free = id;
        self.len -= 1;
        if self.len == 0 {
            self.clear();
        } else if self.buckets.len() > MIN_BUCKETS && self.len * 8 < self.buckets.len() {
            self.resize(self.buckets.len() / 2);
        }
        old
    }

    /// Drops every key and gives the memory back.
    pub fn clear(&mut self) {
        self.buckets = Vec::new();
        self.nodes = Vec::new();
        self.free = NIL;
        self.len = 0;
    }

    /// Rebuilds the chains over `size` buckets (a power of two). Nodes stay
    /// where they are, so handles survive.
    fn resize(&mut self, size: usize) {
        let mut buckets = vec![NIL; size];
        let mask = size - 1;
        for b in 0..self.buckets.len() {
            let mut at = self.buckets[b];
            while at != NIL {
                let next = self.nodes[at as usize].next;
                let target = (self.hash(self.nodes[at as usize].key()) as usize) & mask;
                self.nodes[at as usize].next = buckets[target];
                buckets[target] = at;
                at = next;
            }
        }
        self.buckets = buckets;
    }

    /// Calls `f` with each node of the bucket at `cursor`, then returns the
    /// next cursor (0 when the iteration is complete). Cursors advance in
    /// reverse-binary order, so a key present from the first call to the
    /// last is visited even if the table is resized in between (Redis's
    /// `dictScan` argument; a shrink may return a key twice).
    pub fn scan_step(&self, cursor: u64, mut f: impl FnMut(u32, &Node)) -> u64 {
        if self.buckets.is_empty() {
            return 0;
        }
        let mask = (self.buckets.len() - 1) as u64;
        let mut at = self.buckets[(cursor & mask) as usize];
        while at != NIL {
            let node = &self.nodes[at as usize];
            f(at, node);
            at = node.next;
        }
        // Increment the reversed cursor over the unmasked bits.
        let mut v = cursor | !mask;
        v = v.reverse_bits();
        v = v.wrapping_add(1);
        v.reverse_bits()
    }

    /// Node handles of one bucket chosen with `rand`, retried until a non-empty
    /// bucket is found, then a random node of its chain (Redis's
    /// `dictGetFairRandomKey` approximation). None when empty.
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let mask = (self.buckets.len() - 1) as u64;
        loop {
            let head = self.buckets[(rand() & mask) as usize];
            if head == NIL {
                continue;
            }
            let mut chain = 0u64;
            let mut at = head;
            while at != NIL {
                chain += 1;
                at = self.nodes[at as usize].next;
            }
            let mut pick = rand() % chain;
            let mut at = head;
            while pick > 0 {
                at = self.nodes[at as usize].next;
                pick -= 1;
            }
            return Some(at);
        }
    }

    /// Every live node handle, in bucket order.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.buckets.iter().flat_map(move |&head| {
            let mut at = head;
            std::iter::from_fn(move || {
                if at == NIL {
                    return None;
                }
                let id = at;
                at = self.nodes[id as usize].next;
                Some(id)
            })
        })
    }

    /// Approximate heap bytes used by the table structure (not the values).
    pub fn overhead(&self) -> usize {
        self.buckets.capacity() * 4 + self.nodes.capacity() * std::mem::size_of::<Node>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn key(i: u32) -> Vec<u8> {
        format!("key:{i}").into_bytes()
    }

    #[test]
    fn insert_find_remove() {
        let mut d = Dict::new();
        for i in 0..1000 {
            d.insert_new(encode(&key(i), b"v"), 0);
        }
        assert_eq!(d.len(), 1000);
        for i in 0..1000 {
            let id = d.find(&key(i)).unwrap();
            assert_eq!(d.node(id).key(), &key(i)[..]);
            assert_eq!(d.node(id).value(), b"v");
        }
        for i in 0..990 {
            let id = d.find(&key(i)).unwrap();
            d.remove(id);
        }
        assert_eq!(d.len(), 10);
        assert!(d.find(&key(5)).is_none());
        assert!(d.find(&key(995)).is_some());
        assert!(d.buckets() < 1024);
    }

    #[test]
    fn long_keys_round_trip() {
        let mut d = Dict::new();
        let long = vec![b'x'; 100_000];
        let id = d.insert_new(encode(&long, b"value"), 0);
        assert_eq!(d.node(id).key(), &long[..]);
        assert_eq!(d.node(id).value(), b"value");
    }

    #[test]
    fn scan_sees_every_key_while_growing() {
        let mut d = Dict::new();
        for i in 0..100 {
            d.insert_new(encode(&key(i), b""), 0);
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut next_key = 100;
        loop {
            cursor = d.scan_step(cursor, |_, n| {
                seen.insert(n.key().to_vec());
            });
            for _ in 0..7 {
                d.insert_new(encode(&key(next_key), b""), 0);
                next_key += 1;
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..100 {
            assert!(seen.contains(&key(i)), "missed key {i}");
        }
    }

    #[test]
    fn random_returns_live_nodes() {
        let mut d = Dict::new();
        let mut state = 88172645463325252u64;
        let mut rng = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        assert!(d.random(&mut rng).is_none());
        for i in 0..50 {
            d.insert_new(encode(&key(i), b""), 0);
        }
        for _ in 0..100 {
            let id = d.random(&mut rng).unwrap();
            assert!(d.find(d.node(id).key()) == Some(id));
        }
    }
}
