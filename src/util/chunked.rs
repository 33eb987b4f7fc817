//! Storage that grows without moving what it holds: [`Chunked`], a vector
//! in fixed-size chunks, and [`Slab`], a slab of reusable slots on top of
//! it.
//!
//! A `Vec` that doubles copies every element in one step. With millions of
//! elements that is a stall of tens of milliseconds (a hundred when the
//! copy also faults in fresh pages) and, for a moment, twice the memory:
//! the keyspace's node slab, the expiry wheel's timers, the list of
//! volatile keys and the collection values all grow that large. Here a push
//! allocates at most one chunk of `N` elements, an element never moves, so
//! its index is a stable handle, and indexing costs a shift, a mask and one
//! more pointer hop. The first chunk starts at four elements and doubles up
//! to `N`, so a small table stays small.

/// A vector of `T` in chunks of `N` (a power of two) elements.
#[derive(Debug, Clone)]
pub struct Chunked<T, const N: usize> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T, const N: usize> Default for Chunked<T, N> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T, const N: usize> Chunked<T, N> {
    const SHIFT: u32 = {
        assert!(N.is_power_of_two() && N >= 4);
        N.trailing_zeros()
    };

    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Elements the allocated chunks can hold.
    pub fn capacity(&self) -> usize {
        match self.chunks.len() {
            0 => 0,
            1 => self.chunks[0].capacity(),
            n => (n - 1) * N + self.chunks[n - 1].capacity(),
        }
    }

    /// Heap bytes of the chunks and of the chunk list.
    pub fn heap_bytes(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>() + self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
    }

    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < N => {
                if last.len() == last.capacity() {
                    let more = (last.capacity() * 2).clamp(4, N) - last.len();
                    last.reserve_exact(more);
                }
                last.push(value);
            }
            _ => {
                let mut chunk = Vec::with_capacity(if self.chunks.is_empty() { 4 } else { N });
                chunk.push(value);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    /// Removes the last element; an emptied chunk is freed.
    pub fn pop(&mut self) -> Option<T> {
        let last = self.chunks.last_mut()?;
        let value = last.pop();
        if last.is_empty() {
            self.chunks.pop();
        }
        self.len -= 1;
        value
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        (i < self.len).then(|| &self[i])
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last().and_then(|c| c.last())
    }

    /// Removes element `i`, moving the last element into its place.
    pub fn swap_remove(&mut self, i: usize) -> T {
        assert!(i < self.len, "swap_remove index {i} out of bounds ({})", self.len);
        let last = self.pop().expect("not empty");
        if i == self.len {
            return last;
        }
        std::mem::replace(&mut self[i], last)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flatten()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> + '_ {
        self.chunks.iter_mut().flatten()
    }
}

impl<T, const N: usize> std::ops::Index<usize> for Chunked<T, N> {
    type Output = T;

    #[inline]
    fn index(&self, i: usize) -> &T {
        &self.chunks[i >> Self::SHIFT][i & (N - 1)]
    }
}

impl<T, const N: usize> std::ops::IndexMut<usize> for Chunked<T, N> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i >> Self::SHIFT][i & (N - 1)]
    }
}

/// A slot of a [`Slab`]: a value, or a link in the free list.
#[derive(Debug, Clone)]
enum Slot<T> {
    Full(T),
    Free(usize),
}

/// Values behind stable indexes, with freed indexes reused first (the
/// `slab` crate's interface, on [`Chunked`] storage).
#[derive(Debug, Clone)]
pub struct Slab<T, const N: usize> {
    slots: Chunked<Slot<T>, N>,
    /// First free slot, `usize::MAX` for none.
    free: usize,
    len: usize,
}

impl<T, const N: usize> Default for Slab<T, N> {
    fn default() -> Self {
        Slab {
            slots: Chunked::new(),
            free: usize::MAX,
            len: 0,
        }
    }
}

impl<T, const N: usize> Slab<T, N> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn insert(&mut self, value: T) -> usize {
        self.len += 1;
        if self.free == usize::MAX {
            self.slots.push(Slot::Full(value));
            return self.slots.len() - 1;
        }
        let at = self.free;
        match std::mem::replace(&mut self.slots[at], Slot::Full(value)) {
            Slot::Free(next) => self.free = next,
            Slot::Full(_) => unreachable!("the free list holds only free slots"),
        }
        at
    }

    /// Takes the value out of slot `i`. Panics if the slot is free.
    pub fn remove(&mut self, i: usize) -> T {
        match std::mem::replace(&mut self.slots[i], Slot::Free(self.free)) {
            Slot::Full(value) => {
                self.free = i;
                self.len -= 1;
                value
            }
            Slot::Free(next) => {
                self.slots[i] = Slot::Free(next);
                panic!("slab: slot {i} is free");
            }
        }
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        match self.slots.get(i) {
            Some(Slot::Full(value)) => Some(value),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.slots.len() {
            return None;
        }
        match &mut self.slots[i] {
            Slot::Full(value) => Some(value),
            Slot::Free(_) => None,
        }
    }
}

impl<T, const N: usize> Slab<T, N> {
    pub fn contains(&self, i: usize) -> bool {
        self.get(i).is_some()
    }

    /// The index the next `insert` will use.
    pub fn vacant_key(&self) -> usize {
        if self.free == usize::MAX {
            self.slots.len()
        } else {
            self.free
        }
    }

    /// The values with their indexes, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, slot)| match slot {
            Slot::Full(value) => Some((i, value)),
            Slot::Free(_) => None,
        })
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (usize, &mut T)> + '_ {
        self.slots.iter_mut().enumerate().filter_map(|(i, slot)| match slot {
            Slot::Full(value) => Some((i, value)),
            Slot::Free(_) => None,
        })
    }
}

impl<T, const N: usize> std::ops::Index<usize> for Slab<T, N> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        self.get(i).unwrap_or_else(|| panic!("slab: slot {i} is free"))
    }
}

impl<T, const N: usize> std::ops::IndexMut<usize> for Slab<T, N> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        self.get_mut(i).unwrap_or_else(|| panic!("slab: slot {i} is free"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_grows_without_moving_and_matches_a_vec() {
        let mut c: Chunked<u64, 8> = Chunked::new();
        let mut v = Vec::new();
        for i in 0..100u64 {
            c.push(i * 3);
            v.push(i * 3);
        }
        let first = &c[0] as *const u64;
        for i in 100..200u64 {
            c.push(i);
            v.push(i);
        }
        assert_eq!(first, &c[0] as *const u64, "an element moved");
        assert_eq!(c.len(), 200);
        assert_eq!(c.iter().copied().collect::<Vec<_>>(), v);
        assert_eq!(c.swap_remove(5), v.swap_remove(5));
        assert_eq!(c.swap_remove(c.len() - 1), v.swap_remove(v.len() - 1));
        assert_eq!(c.iter().copied().collect::<Vec<_>>(), v);
        while let Some(x) = c.pop() {
            assert_eq!(Some(x), v.pop());
        }
        assert_eq!((c.len(), c.capacity(), c.get(0)), (0, 0, None));
    }

    #[test]
    fn chunked_first_chunk_starts_small() {
        let mut c: Chunked<u8, 1024> = Chunked::new();
        c.push(1);
        assert_eq!(c.capacity(), 4);
        for _ in 0..4 {
            c.push(1);
        }
        assert_eq!(c.capacity(), 8);
    }

    #[test]
    fn slab_reuses_freed_slots() {
        let mut s: Slab<String, 4> = Slab::new();
        let ids: Vec<usize> = (0..10).map(|i| s.insert(i.to_string())).collect();
        assert_eq!(ids, (0..10).collect::<Vec<_>>());
        assert_eq!(s.remove(3), "3");
        assert_eq!(s.remove(7), "7");
        assert_eq!((s.len(), s.get(3)), (8, None));
        assert_eq!(s.insert("x".into()), 7);
        assert_eq!(s.insert("y".into()), 3);
        assert_eq!(s.insert("z".into()), 10);
        assert_eq!((&s[3][..], &s[7][..], s.len()), ("y", "x", 11));
    }
}
