//! The replication backlog: the last `repl-backlog-size` bytes of the
//! replication stream, kept so a replica that lost its link can ask for
//! what it missed (PSYNC) instead of a full copy.
//!
//! A ring of fixed capacity: bytes are appended at `head`, wrapping, and
//! the oldest are overwritten. Offsets are Redis's: the stream's first
//! byte is offset 1, and the backlog holds the `histlen` bytes ending at
//! the master's offset.

/// A ring buffer of the newest stream bytes.
#[derive(Debug)]
pub struct Backlog {
    buf: Vec<u8>,
    /// Where the next byte goes.
    head: usize,
    /// Bytes held (at most `buf.len()`).
    histlen: usize,
    /// Offset of the newest byte held (the master's offset).
    end_offset: u64,
}

impl Backlog {
    /// An empty backlog of `size` bytes whose next byte will be offset
    /// `offset + 1`.
    pub fn new(size: usize, offset: u64) -> Backlog {
        Backlog {
            buf: vec![0; size.max(1)],
            head: 0,
            histlen: 0,
            end_offset: offset,
        }
    }

    pub fn size(&self) -> usize {
        self.buf.len()
    }

    pub fn histlen(&self) -> usize {
        self.histlen
    }

    /// Offset of the oldest byte held (`repl_backlog_first_byte_offset`).
    pub fn first_offset(&self) -> u64 {
        self.end_offset + 1 - self.histlen as u64
    }

    /// Moves the history `by` bytes on: what it holds ends at a later
    /// offset (a master restarted on a snapshot of offset `by`).
    pub fn rebase(&mut self, by: u64) {
        self.end_offset += by;
    }

    /// Appends stream bytes, dropping the oldest past the capacity.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        self.end_offset += bytes.len() as u64;
        let cap = self.buf.len();
        if bytes.len() >= cap {
            bytes = &bytes[bytes.len() - cap..];
            self.buf.copy_from_slice(bytes);
            self.head = 0;
            self.histlen = cap;
            return;
        }
        let first = bytes.len().min(cap - self.head);
        self.buf[self.head..self.head + first].copy_from_slice(&bytes[..first]);
        self.buf[..bytes.len() - first].copy_from_slice(&bytes[first..]);
        self.head = (self.head + bytes.len()) % cap;
        self.histlen = (self.histlen + bytes.len()).min(cap);
    }

    /// True if a replica that has everything up to `offset` can continue
    /// from here: the bytes after it are all held.
    pub fn covers(&self, offset: u64) -> bool {
        offset + 1 >= self.first_offset() && offset <= self.end_offset
    }

    /// Appends to `out` every byte after `offset` (which `covers`).
    pub fn copy_after(&self, offset: u64, out: &mut Vec<u8>) {
        let skip = (offset + 1 - self.first_offset()) as usize;
        let want = self.histlen - skip;
        let cap = self.buf.len();
        let start = (self.head + cap - self.histlen + skip) % cap;
        let first = want.min(cap - start);
        out.extend_from_slice(&self.buf[start..start + first]);
        out.extend_from_slice(&self.buf[..want - first]);
    }

    /// Changes the capacity (CONFIG SET repl-backlog-size), keeping the
    /// newest bytes that fit.
    pub fn resize(&mut self, size: usize) {
        let size = size.max(1);
        if size == self.buf.len() {
            return;
        }
        let mut held = Vec::with_capacity(self.histlen);
        self.copy_after(self.end_offset - self.histlen as u64, &mut held);
        let mut fresh = Backlog::new(size, self.end_offset - held.len() as u64);
        fresh.feed(&held);
        *self = fresh;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_bytes_and_their_offsets() {
        let mut b = Backlog::new(8, 0);
        b.feed(b"abcde");
        assert_eq!((b.first_offset(), b.histlen()), (1, 5));
        b.feed(b"fghij");
        assert_eq!((b.first_offset(), b.histlen()), (3, 8));
        let mut out = Vec::new();
        b.copy_after(2, &mut out);
        assert_eq!(out, b"cdefghij");
        out.clear();
        b.copy_after(7, &mut out);
        assert_eq!(out, b"hij");
        assert!(b.covers(2) && b.covers(10) && !b.covers(1) && !b.covers(11));
        b.feed(b"0123456789");
        out.clear();
        b.copy_after(12, &mut out);
        assert_eq!(out, b"23456789");
        b.resize(4);
        out.clear();
        b.copy_after(16, &mut out);
        assert_eq!(out, b"6789");
        assert_eq!(b.first_offset(), 17);
    }
}
