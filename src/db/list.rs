//! The List value type: a deque of packed chunks, in the spirit of Redis's
//! quicklist. Each chunk is one allocation holding its elements back to
//! back as `[varint length][bytes][reversed varint length]`, readable from
//! either end, with free room kept at both ends so a
//! push or pop at either end of the list touches only the end of the first
//! or last chunk. A chunk holds up to `CHUNK_BYTES` bytes (Redis's default
//! `list-max-listpack-size -2` is 8 KiB); a full chunk starts a new one.
//! Small elements therefore cost their length plus two bytes, not a heap
//! allocation each.
//!
//! Redis 7.0 stores every list as a quicklist, so OBJECT ENCODING always
//! reports `quicklist` whatever the length.
//!
//! Indexes taken here are already normalised (0-based from the head, in
//! range); the commands translate Redis's negative indexes first.
//!
//! Invariants: no chunk is empty; `len` is the sum of chunk counts; within
//! a chunk, `data[start..end]` is a valid sequence of `count` entries.

use std::collections::VecDeque;

/// Which end of a list an operation works on (Redis's LIST_HEAD/LIST_TAIL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

/// Bytes of entries a chunk holds before a push at that end starts a new one.
const CHUNK_BYTES: usize = 8 * 1024;

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn write_varint(out: &mut [u8], mut n: usize) -> usize {
    let mut i = 0;
    while n >= 0x80 {
        out[i] = (n as u8) | 0x80;
        n >>= 7;
        i += 1;
    }
    out[i] = n as u8;
    i + 1
}

/// Bytes an entry of `len` takes: forward length, bytes, backward length.
fn entry_len(len: usize) -> usize {
    2 * varint_len(len) + len
}

/// Writes an entry at the start of `out`; returns its size.
fn write_entry(out: &mut [u8], value: &[u8]) -> usize {
    let n = write_varint(out, value.len());
    out[n..n + value.len()].copy_from_slice(value);
    let tail = n + value.len();
    write_varint(&mut out[tail..], value.len());
    out[tail..tail + n].reverse();
    tail + n
}

/// Reads the entry ending at `end`: (value range, offset where it starts).
fn read_entry_back(data: &[u8], end: usize) -> (std::ops::Range<usize>, usize) {
    let mut n = 0usize;
    let mut i = end;
    let mut shift = 0;
    loop {
        i -= 1;
        let b = data[i];
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let value_start = i - n;
    (value_start..i, value_start - varint_len(n))
}

/// Reads the entry at `at`: (value range, offset after it).
fn read_entry(data: &[u8], at: usize) -> (std::ops::Range<usize>, usize) {
    let mut n = 0usize;
    let mut i = at;
    let mut shift = 0;
    loop {
        let b = data[i];
        n |= ((b & 0x7f) as usize) << shift;
        i += 1;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    (i..i + n, i + n + (i - at))
}

/// One packed run of elements.
#[derive(Debug, Clone, Default)]
struct Chunk {
    data: Vec<u8>,
    /// Entries live in `data[start..end]`.
    start: usize,
    end: usize,
    count: usize,
}

impl Chunk {
    fn bytes(&self) -> usize {
        self.end - self.start
    }

    fn iter(&self) -> ChunkIter<'_> {
        ChunkIter {
            data: &self.data,
            at: self.start,
            end: self.end,
        }
    }

    /// Appends at the tail, growing the buffer geometrically.
    fn push_back(&mut self, value: &[u8]) {
        let need = entry_len(value.len());
        if self.data.len() - self.end < need {
            // Double, but never past what a full chunk needs.
            let grow = need
                .max(self.bytes().min(CHUNK_BYTES.saturating_sub(self.bytes())))
                .max(32);
            self.data.resize(self.end + grow, 0);
        }
        let at = self.end;
        write_entry(&mut self.data[at..], value);
        self.end += need;
        self.count += 1;
    }

    /// Prepends at the head, moving the entries right when the front room
    /// is used up (geometrically, so pushes stay amortised O(1)).
    fn push_front(&mut self, value: &[u8]) {
        let need = entry_len(value.len());
        if self.start < need {
            let room = need
                .max(self.bytes().min(CHUNK_BYTES.saturating_sub(self.bytes())))
                .max(32);
            let mut data = vec![0u8; room + self.bytes() + (self.data.len() - self.end)];
            data[room..room + self.bytes()].copy_from_slice(&self.data[self.start..self.end]);
            self.end = room + self.bytes();
            self.start = room;
            self.data = data;
        }
        self.start -= need;
        let at = self.start;
        write_entry(&mut self.data[at..], value);
        self.count += 1;
    }

    /// Drops the free room around a chunk that will not grow any more.
    fn seal(&mut self) {
        if self.start > 0 || self.end < self.data.len() {
            self.data = self.data[self.start..self.end].to_vec();
            self.end -= self.start;
            self.start = 0;
        }
    }

    fn pop_front(&mut self) -> Box<[u8]> {
        let (value, next) = read_entry(&self.data, self.start);
        let out = Box::from(&self.data[value]);
        self.start = next;
        self.count -= 1;
        out
    }

    fn pop_back(&mut self) -> Box<[u8]> {
        let (value, start) = read_entry_back(&self.data, self.end);
        let out = Box::from(&self.data[value]);
        self.end = start;
        self.count -= 1;
        out
    }

    /// Rebuilds the chunk from `values` (used by edits in the middle).
    fn from_values<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Chunk {
        let mut c = Chunk::default();
        for v in values {
            c.push_back(v);
        }
        c.data.truncate(c.end);
        c.data.shrink_to_fit();
        c
    }
}

struct ChunkIter<'a> {
    data: &'a [u8],
    at: usize,
    end: usize,
}

impl<'a> Iterator for ChunkIter<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.at >= self.end {
            return None;
        }
        let (value, next) = read_entry(self.data, self.at);
        self.at = next;
        Some(&self.data[value])
    }
}

/// A List value.
#[derive(Debug, Clone, Default)]
pub struct List {
    chunks: VecDeque<Chunk>,
    len: usize,
}

impl List {
    pub fn new() -> List {
        List::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Chunks holding the elements (Redis's quicklist nodes).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// OBJECT ENCODING's name (Redis 7.0 has only quicklists).
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// Heap bytes: the chunk ring and the chunk buffers (the first
    /// `samples` of them, 0 for all, standing for the rest).
    pub fn mem_usage(&self, samples: usize) -> usize {
        let sizes = self.chunks.iter().map(|c| c.data.capacity());
        self.chunks.capacity() * std::mem::size_of::<Chunk>()
            + super::object::sampled_total(self.chunks.len(), samples, sizes)
    }

    pub fn push(&mut self, end: End, value: &[u8]) {
        match end {
            End::Head => {
                if self.chunks.front().is_none_or(|c| c.bytes() >= CHUNK_BYTES) {
                    if let Some(full) = self.chunks.front_mut() {
                        full.seal();
                    }
                    self.chunks.push_front(Chunk::default());
                }
                if let Some(c) = self.chunks.front_mut() {
                    c.push_front(value);
                }
            }
            End::Tail => {
                if self.chunks.back().is_none_or(|c| c.bytes() >= CHUNK_BYTES) {
                    if let Some(full) = self.chunks.back_mut() {
                        full.seal();
                    }
                    self.chunks.push_back(Chunk::default());
                }
                if let Some(c) = self.chunks.back_mut() {
                    c.push_back(value);
                }
            }
        }
        self.len += 1;
    }

    pub fn pop(&mut self, end: End) -> Option<Box<[u8]>> {
        let value = match end {
            End::Head => {
                let c = self.chunks.front_mut()?;
                let v = c.pop_front();
                if c.count == 0 {
                    self.chunks.pop_front();
                }
                v
            }
            End::Tail => {
                let c = self.chunks.back_mut()?;
                let v = c.pop_back();
                if c.count == 0 {
                    self.chunks.pop_back();
                }
                v
            }
        };
        self.len -= 1;
        Some(value)
    }

    /// (chunk index, index within the chunk) of element `index`.
    fn locate(&self, mut index: usize) -> Option<(usize, usize)> {
        if index >= self.len {
            return None;
        }
        if index >= self.len / 2 {
            // Nearer the tail: walk chunks backwards.
            let mut from_tail = self.len - 1 - index;
            for (ci, c) in self.chunks.iter().enumerate().rev() {
                if from_tail < c.count {
                    return Some((ci, c.count - 1 - from_tail));
                }
                from_tail -= c.count;
            }
            return None;
        }
        for (ci, c) in self.chunks.iter().enumerate() {
            if index < c.count {
                return Some((ci, index));
            }
            index -= c.count;
        }
        None
    }

    /// The element at `index` (0-based from the head).
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        let (ci, i) = self.locate(index)?;
        self.chunks[ci].iter().nth(i)
    }

    /// Rewrites chunk `ci` with `edit` applied to its elements.
    fn edit_chunk(&mut self, ci: usize, edit: impl FnOnce(&mut Vec<Box<[u8]>>)) {
        let mut values: Vec<Box<[u8]>> = self.chunks[ci].iter().map(Box::from).collect();
        let before = values.len();
        edit(&mut values);
        self.len = self.len + values.len() - before;
        if values.is_empty() {
            self.chunks.remove(ci);
            return;
        }
        // Split an overgrown chunk so chunks stay bounded.
        let mut pieces: Vec<Chunk> = Vec::new();
        let mut current: Vec<&[u8]> = Vec::new();
        let mut bytes = 0;
        for v in &values {
            if bytes >= CHUNK_BYTES && !current.is_empty() {
                pieces.push(Chunk::from_values(current.drain(..)));
                bytes = 0;
            }
            bytes += entry_len(v.len());
            current.push(v);
        }
        pieces.push(Chunk::from_values(current));
        self.chunks.remove(ci);
        for (k, piece) in pieces.into_iter().enumerate() {
            self.chunks.insert(ci + k, piece);
        }
    }

    /// Replaces the element at `index`; false if out of range.
    pub fn set(&mut self, index: usize, value: &[u8]) -> bool {
        let Some((ci, i)) = self.locate(index) else {
            return false;
        };
        self.edit_chunk(ci, |values| values[i] = Box::from(value));
        true
    }

    /// Inserts `value` so that it ends up at `index` (`index <= len`).
    pub fn insert(&mut self, index: usize, value: &[u8]) {
        if index == 0 {
            return self.push(End::Head, value);
        }
        if index >= self.len {
            return self.push(End::Tail, value);
        }
        if let Some((ci, i)) = self.locate(index) {
            self.edit_chunk(ci, |values| values.insert(i, Box::from(value)));
        }
    }

    /// Elements `start..=end` (in range, `start <= end`), head to tail.
    pub fn range(&self, start: usize, end: usize) -> impl DoubleEndedIterator<Item = &[u8]> {
        let first = self.locate(start);
        let (ci, skip) = first.unwrap_or((self.chunks.len(), 0));
        let take = if first.is_some() { end + 1 - start } else { 0 };
        let items: Vec<&[u8]> = self
            .chunks
            .range(ci..)
            .flat_map(Chunk::iter)
            .skip(skip)
            .take(take)
            .collect();
        items.into_iter()
    }

    /// Every element, head to tail.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> {
        let items: Vec<&[u8]> = self.chunks.iter().flat_map(Chunk::iter).collect();
        items.into_iter()
    }

    /// Position of the first element equal to `value`, from the head.
    pub fn position(&self, value: &[u8]) -> Option<usize> {
        self.chunks.iter().flat_map(Chunk::iter).position(|e| e == value)
    }

    /// Removes `n` elements (at most the length) from `end`.
    pub fn remove_from(&mut self, end: End, n: usize) {
        for _ in 0..n.min(self.len) {
            self.pop(end);
        }
    }

    /// Removes elements equal to `value`: the first `limit` met walking
    /// from `from` (all of them when `limit` is 0). Returns how many.
    pub fn remove_matching(&mut self, value: &[u8], limit: usize, from: End) -> usize {
        let total = self.chunks.iter().flat_map(Chunk::iter).filter(|e| *e == value).count();
        let remove = if limit == 0 { total } else { total.min(limit) };
        if remove == 0 {
            return 0;
        }
        // Walking from the tail removes the last `remove` matches, that is,
        // keeps the first `total - remove` met from the head.
        let mut keep = match from {
            End::Head => 0,
            End::Tail => total - remove,
        };
        let mut left = remove;
        let kept: Vec<Box<[u8]>> = self
            .chunks
            .iter()
            .flat_map(Chunk::iter)
            .filter(|e| {
                if left == 0 || *e != value {
                    return true;
                }
                if keep > 0 {
                    keep -= 1;
                    return true;
                }
                left -= 1;
                false
            })
            .map(Box::from)
            .collect();
        self.chunks.clear();
        self.len = 0;
        for v in &kept {
            self.push(End::Tail, v);
        }
        remove
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> List {
        let mut l = List::new();
        for i in items {
            l.push(End::Tail, i.as_bytes());
        }
        l
    }

    fn items(l: &List) -> Vec<String> {
        l.iter().map(|e| String::from_utf8(e.to_vec()).unwrap()).collect()
    }

    #[test]
    fn push_pop_both_ends() {
        let mut l = List::new();
        l.push(End::Head, b"b");
        l.push(End::Head, b"a");
        l.push(End::Tail, b"c");
        assert_eq!(items(&l), ["a", "b", "c"]);
        assert_eq!(l.pop(End::Tail).as_deref(), Some(&b"c"[..]));
        assert_eq!(l.pop(End::Head).as_deref(), Some(&b"a"[..]));
        assert_eq!(l.len(), 1);
        assert_eq!(l.encoding(), "quicklist");
    }

    #[test]
    fn remove_matching_directions() {
        let mut l = list(&["x", "a", "x", "b", "x", "c"]);
        assert_eq!(l.remove_matching(b"x", 2, End::Tail), 2);
        assert_eq!(items(&l), ["x", "a", "b", "c"]);
        let mut l = list(&["x", "a", "x", "b", "x"]);
        assert_eq!(l.remove_matching(b"x", 2, End::Head), 2);
        assert_eq!(items(&l), ["a", "b", "x"]);
        assert_eq!(l.remove_matching(b"x", 0, End::Head), 1);
        assert_eq!(l.remove_matching(b"nope", 0, End::Head), 0);
        assert_eq!(items(&l), ["a", "b"]);
    }

    #[test]
    fn trim_ends() {
        let mut l = list(&["a", "b", "c", "d"]);
        l.remove_from(End::Head, 1);
        l.remove_from(End::Tail, 2);
        assert_eq!(items(&l), ["b"]);
        l.remove_from(End::Tail, 5);
        assert!(l.is_empty());
    }

    /// Against a VecDeque model: random pushes, pops, sets, inserts and
    /// reads across many chunks, with elements of varied sizes.
    #[test]
    fn matches_a_deque_model() {
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        let mut l = List::new();
        let mut rng = 0x2545F4914F6CDD1Du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for step in 0..20_000 {
            let r = next();
            let size = (r % 7 == 0) as usize * 300 + (r >> 8) as usize % 20;
            let value: Vec<u8> = (0..size).map(|i| (step + i) as u8).collect();
            match r % 8 {
                0 | 1 => {
                    l.push(End::Head, &value);
                    model.push_front(value);
                }
                2 | 3 => {
                    l.push(End::Tail, &value);
                    model.push_back(value);
                }
                4 => assert_eq!(l.pop(End::Head).map(|b| b.to_vec()), model.pop_front()),
                5 => assert_eq!(l.pop(End::Tail).map(|b| b.to_vec()), model.pop_back()),
                6 if !model.is_empty() => {
                    let i = (next() as usize) % model.len();
                    assert!(l.set(i, &value));
                    model[i] = value;
                }
                _ if !model.is_empty() => {
                    let i = (next() as usize) % (model.len() + 1);
                    l.insert(i, &value);
                    model.insert(i, value);
                }
                _ => {}
            }
            assert_eq!(l.len(), model.len());
            if step % 997 == 0 && !model.is_empty() {
                let got: Vec<Vec<u8>> = l.iter().map(<[u8]>::to_vec).collect();
                assert_eq!(got, model.iter().cloned().collect::<Vec<_>>());
                let i = (next() as usize) % model.len();
                assert_eq!(l.get(i), Some(&model[i][..]));
                let j = i + (next() as usize) % (model.len() - i);
                let got: Vec<Vec<u8>> = l.range(i, j).map(<[u8]>::to_vec).collect();
                assert_eq!(got, model.range(i..=j).cloned().collect::<Vec<_>>());
            }
        }
    }
}
