//! The expires index of one database: each volatile key's deadline and
//! timer, by node handle, and a dense list of the volatile handles so the
//! `volatile-*` eviction policies can sample them uniformly (Redis samples
//! its `expires` dict; a hashbrown table cannot be sampled).
//!
//! An entry is 24 bytes in the table (the handle, its place in the list,
//! the deadline, the timer) plus 4 in the list.
//!
//! Invariants: `list[entry.slot] == entry.id` for every entry, and the
//! list holds exactly the handles of the table.

use hashbrown::HashTable;
use std::hash::BuildHasher;

use crate::expiry::TimerId;

#[derive(Debug, Clone, Copy)]
pub struct Expire {
    pub at: u64,
    pub timer: TimerId,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    id: u32,
    slot: u32,
    expire: Expire,
}

#[derive(Debug, Default)]
pub struct Expires {
    table: HashTable<Entry>,
    list: Vec<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Expires {
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.table.capacity()
    }

    fn hash(&self, id: u32) -> u64 {
        self.hasher.hash_one(id)
    }

    pub fn get(&self, id: u32) -> Option<&Expire> {
        self.table.find(self.hash(id), |e| e.id == id).map(|e| &e.expire)
    }

    pub fn contains(&self, id: u32) -> bool {
        self.get(id).is_some()
    }

    /// Sets node `id`'s deadline and timer, adding it if new.
    pub fn insert(&mut self, id: u32, expire: Expire) {
        let hash = self.hash(id);
        if let Some(e) = self.table.find_mut(hash, |e| e.id == id) {
            e.expire = expire;
            return;
        }
        let slot = self.list.len() as u32;
        self.list.push(id);
        let hasher = &self.hasher;
        self.table
            .insert_unique(hash, Entry { id, slot, expire }, |e| hasher.hash_one(e.id));
    }

    pub fn remove(&mut self, id: u32) -> Option<Expire> {
        let hash = self.hash(id);
        let entry = self.table.find_entry(hash, |e| e.id == id).ok()?.remove().0;
        let slot = entry.slot as usize;
        self.list.swap_remove(slot);
        if let Some(&moved) = self.list.get(slot) {
            let hash = self.hash(moved);
            if let Some(e) = self.table.find_mut(hash, |e| e.id == moved) {
                e.slot = slot as u32;
            }
        }
        Some(entry.expire)
    }

    /// A volatile handle picked uniformly by `rand`, if any.
    pub fn random(&self, rand: u64) -> Option<u32> {
        if self.list.is_empty() {
            return None;
        }
        Some(self.list[(rand % self.list.len() as u64) as usize])
    }

    /// Checks the invariants (see the module doc).
    pub fn check(&self) -> Result<(), String> {
        if self.table.len() != self.list.len() {
            return Err(format!("{} TTLs but {} in the list", self.table.len(), self.list.len()));
        }
        for e in self.table.iter() {
            if self.list.get(e.slot as usize) != Some(&e.id) {
                return Err(format!("TTL of node {} not at its place in the list", e.id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expire(at: u64) -> Expire {
        Expire {
            at,
            timer: crate::expiry::TimerId::default(),
        }
    }

    #[test]
    fn removal_keeps_the_list_dense() {
        let mut x = Expires::default();
        for id in 0..100 {
            x.insert(id, expire(id as u64));
        }
        for id in (0..100).step_by(3) {
            assert_eq!(x.remove(id).map(|e| e.at), Some(id as u64));
        }
        assert_eq!(x.remove(0).map(|e| e.at), None);
        x.insert(7, expire(70));
        assert_eq!(x.get(7).map(|e| e.at), Some(70));
        assert_eq!(x.len(), 66);
        x.check().unwrap();
        for r in 0..1000 {
            let id = x.random(r).unwrap();
            assert!(id % 3 != 0 && x.contains(id));
        }
    }
}
