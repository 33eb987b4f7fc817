//! Hash tables that never rehash more than a few thousand entries at once:
//! extendible hashing over hashbrown tables ([`ExtTable`]), and a map and
//! a set of byte strings on top of it ([`ExtMap`], [`ExtSet`]).
//!
//! A hashbrown table that fills up moves every entry into one twice its
//! size in a single step: at a million entries that is tens of
//! milliseconds with the loop stopped. Here the entries are spread over
//! shards of at most [`SPLIT_AT`] entries each; the low `depth` bits of
//! an entry's hash pick its shard through a directory of `2^depth` slots.
//! A full shard splits in two by the next bit of the hash, which moves at
//! most `SPLIT_AT` entries, and the directory doubles when a shard needs
//! more bits than it has (a directory slot is 4 bytes, so even a billion
//! entries keep it at a few megabytes). Inside a shard, hashbrown sees the
//! hash rotated by 32 bits ([`inner`]): its bucket index and its 7-bit
//! tag come from bits the directory does not use, which every entry of a
//! shard shares.
//!
//! Lookups cost one directory index more than a plain hashbrown table.
//! Shards are never merged: a table that shrank keeps its shards until
//! it is cleared (as hashbrown keeps its capacity).

use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Entries a shard holds before it splits: as many as hashbrown keeps in
/// 4096 buckets (7/8 full), so a shard splits instead of doubling.
pub const SPLIT_AT: usize = 3584;

/// Directory bits past which shards stop splitting (a shard of entries
/// whose hashes agree in all these bits just grows, as hashbrown does);
/// below bit 25, where hashbrown's tag starts in the [`inner`] hash.
const MAX_DEPTH: u32 = 24;

/// The hash hashbrown gets for an entry whose hash is `hash`: its low
/// bits (the bucket) and top 7 (the tag) are bits 32.. and 25..31.
fn inner(hash: u64) -> u64 {
    hash.rotate_right(32)
}

#[derive(Debug, Clone)]
struct Shard<T> {
    /// Hash bits shared by every entry here (`<=` the directory's depth).
    depth: u32,
    table: HashTable<T>,
}

impl<T> Shard<T> {
    fn new(depth: u32) -> Self {
        Shard {
            depth,
            table: HashTable::new(),
        }
    }
}

/// A hash table of `T`, like `hashbrown::HashTable`: the caller supplies
/// each entry's hash, its equality, and a hasher for when a shard rehashes.
#[derive(Debug, Clone)]
pub struct ExtTable<T> {
    /// Slot `i` holds the index of the shard for hashes whose low `depth`
    /// bits are `i`.
    dir: Vec<u32>,
    depth: u32,
    shards: Vec<Shard<T>>,
    len: usize,
}

impl<T> Default for ExtTable<T> {
    /// An empty table allocates nothing (every client has a few).
    fn default() -> Self {
        ExtTable {
            dir: Vec::new(),
            depth: 0,
            shards: Vec::new(),
            len: 0,
        }
    }
}

impl<T> ExtTable<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Drops every entry and every shard.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The shard for `hash`; None before the first insert.
    fn shard_of(&self, hash: u64) -> Option<usize> {
        let slot = (hash & ((1 << self.depth) - 1)) as usize;
        self.dir.get(slot).map(|&s| s as usize)
    }

    pub fn find(&self, hash: u64, eq: impl FnMut(&T) -> bool) -> Option<&T> {
        self.shards[self.shard_of(hash)?].table.find(inner(hash), eq)
    }

    pub fn find_mut(&mut self, hash: u64, eq: impl FnMut(&T) -> bool) -> Option<&mut T> {
        let s = self.shard_of(hash)?;
        self.shards[s].table.find_mut(inner(hash), eq)
    }

    /// Adds `value`, which the caller knows is not in the table; `hasher`
    /// gives any entry's hash (a shard that grows or splits rehashes).
    pub fn insert_unique(&mut self, hash: u64, value: T, hasher: impl Fn(&T) -> u64) -> &mut T {
        let mut s = match self.shard_of(hash) {
            Some(s) => s,
            None => {
                self.shards.push(Shard::new(0));
                self.dir.push(0);
                0
            }
        };
        if self.shards[s].table.len() >= SPLIT_AT && self.shards[s].depth < MAX_DEPTH {
            self.split(s, &hasher);
            s = self.shard_of(hash).unwrap_or(0);
        }
        self.len += 1;
        let table = &mut self.shards[s].table;
        table.insert_unique(inner(hash), value, |e| inner(hasher(e))).into_mut()
    }

    pub fn remove(&mut self, hash: u64, eq: impl FnMut(&T) -> bool) -> Option<T> {
        let s = self.shard_of(hash)?;
        let entry = self.shards[s].table.find_entry(inner(hash), eq).ok()?;
        self.len -= 1;
        Some(entry.remove().0)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.shards.iter().flat_map(|s| s.table.iter())
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.shards.iter_mut().flat_map(|s| s.table.iter_mut())
    }

    pub fn into_values(self) -> impl Iterator<Item = T> {
        self.shards.into_iter().flat_map(|s| s.table.into_iter())
    }

    /// Keeps only the entries `keep` returns true for.
    pub fn retain(&mut self, mut keep: impl FnMut(&mut T) -> bool) {
        for shard in &mut self.shards {
            shard.table.retain(&mut keep);
        }
        self.len = self.shards.iter().map(|s| s.table.len()).sum();
    }

    /// Heap bytes of the shards' tables and of the directory, roughly.
    pub fn heap_bytes(&self) -> usize {
        let entry = std::mem::size_of::<T>() + 1;
        self.shards.iter().map(|s| s.table.capacity() * entry).sum::<usize>()
            + self.dir.capacity() * 4
            + self.shards.capacity() * std::mem::size_of::<Shard<T>>()
    }

    /// Splits shard `s` in two by the hash bit after its `depth` shared
    /// low ones, doubling the directory first if it has no such bit.
    fn split(&mut self, s: usize, hasher: &impl Fn(&T) -> u64) {
        let depth = self.shards[s].depth;
        if depth == self.depth {
            // Slot i and slot i + 2^depth now both stand for prefix i.
            self.dir.extend_from_within(..);
            self.depth += 1;
        }
        let rehash = |e: &T| inner(hasher(e));
        // About half the entries move: room for that many from the start.
        let mut upper = Shard {
            depth: depth + 1,
            table: HashTable::with_capacity(SPLIT_AT / 2),
        };
        let lower = &mut self.shards[s];
        lower.depth = depth + 1;
        // Each key is hashed once: the hash that picks it is the one its
        // insertion uses.
        let picked = std::cell::Cell::new(0);
        let moves = |e: &mut T| {
            let hash = hasher(e);
            picked.set(hash);
            (hash >> depth) & 1 == 1
        };
        for e in lower.table.extract_if(moves) {
            upper.table.insert_unique(inner(picked.get()), e, rehash);
        }
        // Half full now: halve its buckets, as the new shard has, so the
        // two are as dense as one hashbrown table would be.
        lower.table.shrink_to(lower.table.len(), rehash);
        let new = self.shards.len() as u32;
        self.shards.push(upper);
        // Of the slots of shard `s`, those with bit `depth` set now
        // belong to the new shard.
        for (i, slot) in self.dir.iter_mut().enumerate() {
            if *slot == s as u32 && (i >> depth) & 1 == 1 {
                *slot = new;
            }
        }
    }
}

/// A map from byte strings (or any hashable key) to `V` on [`ExtTable`].
#[derive(Debug, Clone)]
pub struct ExtMap<K, V, S = hashbrown::DefaultHashBuilder> {
    table: ExtTable<(K, V)>,
    hasher: S,
}

impl<K, V, S: Default> Default for ExtMap<K, V, S> {
    fn default() -> Self {
        ExtMap {
            table: ExtTable::new(),
            hasher: S::default(),
        }
    }
}

impl<K, V, S> ExtMap<K, V, S>
where
    K: std::hash::Hash + Eq,
    S: BuildHasher + Default,
{
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    pub fn clear(&mut self) {
        self.table.clear();
    }

    fn hash<Q: std::hash::Hash + ?Sized>(&self, key: &Q) -> u64 {
        self.hasher.hash_one(key)
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.table.find(self.hash(key), |e| e.0.borrow() == key).map(|e| &e.1)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.table.find_mut(hash, |e| e.0.borrow() == key).map(|e| &mut e.1)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`, returning the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let hash = self.hash(&key);
        if let Some(e) = self.table.find_mut(hash, |e| e.0 == key) {
            return Some(std::mem::replace(&mut e.1, value));
        }
        let hasher = &self.hasher;
        self.table.insert_unique(hash, (key, value), |e| hasher.hash_one(&e.0));
        None
    }

    /// The value of `key`, inserting `make()`'s under `key.into()` first
    /// if there is none.
    pub fn get_or_insert_with<Q>(&mut self, key: &Q, make: impl FnOnce() -> V) -> &mut V
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
        for<'a> &'a Q: Into<K>,
    {
        let hash = self.hash(key);
        // Two lookups: the borrow checker cannot return the first one's
        // reference and insert on the other branch.
        if self.table.find(hash, |e| e.0.borrow() == key).is_some() {
            return self
                .table
                .find_mut(hash, |e| e.0.borrow() == key)
                .map(|e| &mut e.1)
                .unwrap();
        }
        let hasher = &self.hasher;
        &mut self
            .table
            .insert_unique(hash, (key.into(), make()), |e| hasher.hash_one(&e.0))
            .1
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.table.remove(hash, |e| e.0.borrow() == key).map(|e| e.1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.table.iter().map(|e| (&e.0, &e.1))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.table.iter_mut().map(|e| (&e.0, &mut e.1))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.table.iter().map(|e| &e.0)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.table.iter().map(|e| &e.1)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.table.retain(|e| keep(&e.0, &mut e.1));
    }

    pub fn heap_bytes(&self) -> usize {
        self.table.heap_bytes()
    }
}

/// A set on [`ExtMap`].
#[derive(Debug, Clone)]
pub struct ExtSet<K, S = hashbrown::DefaultHashBuilder> {
    map: ExtMap<K, (), S>,
}

impl<K, S: Default> Default for ExtSet<K, S> {
    fn default() -> Self {
        ExtSet { map: ExtMap::default() }
    }
}

impl<K, S> ExtSet<K, S>
where
    K: std::hash::Hash + Eq,
    S: BuildHasher + Default,
{
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Adds `key`; false if it was there already.
    pub fn insert(&mut self, key: K) -> bool {
        self.map.insert(key, ()).is_none()
    }

    /// Removes `key`; false if it was not there.
    pub fn remove<Q>(&mut self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.remove(key).is_some()
    }

    pub fn contains<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.contains_key(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &K> {
        self.map.keys()
    }

    pub fn into_keys(self) -> impl Iterator<Item = K> {
        self.map.table.into_values().map(|e| e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_matches_a_hashmap_through_many_splits() {
        let mut ext: ExtMap<Vec<u8>, u64> = ExtMap::new();
        let mut reference = std::collections::HashMap::new();
        let mut x = 12345u64;
        for round in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = (x % 50_000).to_string().into_bytes();
            match x % 4 {
                0 => assert_eq!(ext.remove(&key[..]), reference.remove(&key)),
                _ => assert_eq!(ext.insert(key.clone(), round), reference.insert(key, round)),
            }
            assert_eq!(ext.len(), reference.len());
        }
        for (k, v) in &reference {
            assert_eq!(ext.get(&k[..]), Some(v));
        }
        assert_eq!(ext.iter().count(), reference.len());
        assert!(ext.table.shards.len() > 4, "it split");
        assert!(ext.table.shards.iter().all(|s| s.table.len() <= SPLIT_AT));
    }

    #[test]
    fn every_directory_slot_points_at_a_shard_with_its_prefix() {
        let mut t: ExtTable<u64> = ExtTable::new();
        let h = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for i in 0..100_000 {
            t.insert_unique(h(i), i, |&v| h(v));
        }
        for i in 0..100_000 {
            assert_eq!(t.find(h(i), |&v| v == i), Some(&i));
        }
        for (slot, &s) in t.dir.iter().enumerate() {
            let shard = &t.shards[s as usize];
            assert!(shard.depth > 0 && shard.depth <= t.depth);
            let mask = (1 << shard.depth) - 1;
            for &v in shard.table.iter() {
                assert_eq!(h(v) & mask, slot as u64 & mask);
            }
        }
        t.retain(|v| *v % 2 == 0);
        assert_eq!(t.len(), 50_000);
        assert_eq!(t.remove(h(2), |&v| v == 2), Some(2));
        assert_eq!(t.find(h(2), |&v| v == 2), None);
        assert_eq!(t.len(), 49_999);
    }

    #[test]
    fn set_and_get_or_insert() {
        let mut s: ExtSet<Box<[u8]>> = ExtSet::new();
        assert!(s.insert(b"a"[..].into()));
        assert!(!s.insert(b"a"[..].into()));
        assert!(s.contains(&b"a"[..]));
        assert!(s.remove(&b"a"[..]));
        assert!(!s.remove(&b"a"[..]));
        let mut m: ExtMap<Box<[u8]>, Vec<u32>> = ExtMap::new();
        m.get_or_insert_with(&b"k"[..], Vec::new).push(1);
        m.get_or_insert_with(&b"k"[..], Vec::new).push(2);
        assert_eq!(m.get(&b"k"[..]), Some(&vec![1, 2]));
    }
}
