//! The List value type. Elements are byte strings kept in a ring buffer
//! (`VecDeque<Box<[u8]>>`): push and pop at both ends are O(1), indexing
//! is O(1), and a range is a contiguous walk, which is what LPUSH/RPUSH,
//! LPOP/RPOP and LRANGE need. Each element costs one exact-size heap
//! allocation plus 16 bytes of slot.
//!
//! Redis 7.0 stores every list as a quicklist, so OBJECT ENCODING always
//! reports `quicklist` whatever the length.
//!
//! Indexes taken here are already normalised (0-based from the head, in
//! range); the commands translate Redis's negative indexes first.

use std::collections::VecDeque;

/// Which end of a list an operation works on (Redis's LIST_HEAD/LIST_TAIL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

/// A List value.
#[derive(Debug, Clone, Default)]
pub struct List {
    items: VecDeque<Box<[u8]>>,
}

impl List {
    pub fn new() -> List {
        List::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// OBJECT ENCODING's name (Redis 7.0 has only quicklists).
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// Approximate heap bytes: the slots plus each element's allocation.
    pub fn mem_usage(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<Box<[u8]>>() + self.items.iter().map(|e| e.len()).sum::<usize>()
    }

    pub fn push(&mut self, end: End, value: &[u8]) {
        let value = Box::from(value);
        match end {
            End::Head => self.items.push_front(value),
            End::Tail => self.items.push_back(value),
        }
    }

    pub fn pop(&mut self, end: End) -> Option<Box<[u8]>> {
        match end {
            End::Head => self.items.pop_front(),
            End::Tail => self.items.pop_back(),
        }
    }

    /// The element at `index` (0-based from the head).
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        self.items.get(index).map(|e| &**e)
    }

    /// Replaces the element at `index`; false if out of range.
    pub fn set(&mut self, index: usize, value: &[u8]) -> bool {
        match self.items.get_mut(index) {
            Some(slot) => {
                *slot = Box::from(value);
                true
            }
            None => false,
        }
    }

    /// Inserts `value` so that it ends up at `index` (`index <= len`).
    pub fn insert(&mut self, index: usize, value: &[u8]) {
        self.items.insert(index, Box::from(value));
    }

    /// Elements `start..=end` (in range, `start <= end`), head to tail.
    pub fn range(&self, start: usize, end: usize) -> impl DoubleEndedIterator<Item = &[u8]> {
        self.items.range(start..=end).map(|e| &**e)
    }

    /// Every element, head to tail.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> {
        self.items.iter().map(|e| &**e)
    }

    /// Position of the first element equal to `value`, from the head.
    pub fn position(&self, value: &[u8]) -> Option<usize> {
        self.items.iter().position(|e| **e == *value)
    }

    /// Removes `n` elements (at most the length) from `end`.
    pub fn remove_from(&mut self, end: End, n: usize) {
        let n = n.min(self.items.len());
        match end {
            End::Head => drop(self.items.drain(..n)),
            End::Tail => self.items.truncate(self.items.len() - n),
        }
    }

    /// Removes elements equal to `value`: the first `limit` met walking
    /// from `from` (all of them when `limit` is 0). Returns how many.
    pub fn remove_matching(&mut self, value: &[u8], limit: usize, from: End) -> usize {
        let total = self.items.iter().filter(|e| ***e == *value).count();
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
        self.items.retain(|e| {
            if left == 0 || **e != *value {
                return true;
            }
            if keep > 0 {
                keep -= 1;
                return true;
            }
            left -= 1;
            false
        });
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
}
