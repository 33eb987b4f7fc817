//! The replication buffer: the stream bytes the backlog and every replica
//! share (Redis 7.0's shared replication buffer).
//!
//! The stream is appended once, to a list of blocks with absolute
//! offsets (Redis's: the stream's first byte is offset 1). The backlog is
//! the whole list: a replica that lost its link continues from any offset
//! still held. Each replica reads its stream straight from the blocks at
//! its own offset, so N replicas cost one copy of the stream, not N.
//!
//! The list keeps `repl-backlog-size` bytes, and more while a replica
//! still needs older ones (one waiting for its snapshot, a slow one):
//! only blocks every reader is past are dropped, oldest first, a bounded
//! number per call so that freeing a long history never stalls the loop.

use std::collections::VecDeque;

/// Blocks are at least this big (Redis's `PROTO_REPLY_CHUNK_BYTES`)...
const MIN_BLOCK: usize = 16 * 1024;
/// ... and, past that, at most a sixteenth of the backlog, so a big
/// write does not leave a huge block that cannot be dropped while a
/// small part of it is still wanted.
const BLOCK_FRACTION: usize = 16;
/// What a block costs besides its bytes (list node and header).
const BLOCK_OVERHEAD: usize = 64;
/// Blocks dropped at most per trimming call (Redis's
/// `REPL_BACKLOG_TRIM_BLOCKS_PER_CALL`).
pub const TRIM_PER_CALL: usize = 64;

#[derive(Debug)]
struct Block {
    /// Offset of its first byte.
    start: u64,
    /// Its bytes; never grown past the capacity it was made with.
    data: Vec<u8>,
}

impl Block {
    fn end(&self) -> u64 {
        self.start + self.data.len() as u64
    }
}

/// The blocks of stream held, and who still needs them.
#[derive(Debug)]
pub struct Backlog {
    blocks: VecDeque<Block>,
    /// `repl-backlog-size`.
    size: usize,
    /// Bytes held (`repl_backlog_histlen`).
    histlen: usize,
    /// Offset of the newest byte held (the master's offset).
    end_offset: u64,
    /// The lowest offset a replica may still read: blocks before it are
    /// not dropped. Kept low enough by the caller (`hold_from`,
    /// `set_readers`); `u64::MAX` with no reader.
    readers_from: u64,
    /// Bytes allocated for blocks (`mem_total_replication_buffers`).
    memory: usize,
}

impl Backlog {
    /// An empty backlog of `size` bytes whose next byte will be offset
    /// `offset + 1`.
    pub fn new(size: usize, offset: u64) -> Backlog {
        Backlog {
            blocks: VecDeque::new(),
            size: size.max(1),
            histlen: 0,
            end_offset: offset,
            readers_from: u64::MAX,
            memory: 0,
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn histlen(&self) -> usize {
        self.histlen
    }

    /// What the blocks take (`mem_total_replication_buffers`).
    pub fn memory(&self) -> usize {
        self.memory
    }

    /// What the blocks take beyond the backlog's size and the blocks
    /// that size needs: what slow replicas hold on to, which eviction
    /// leaves out of its count (`freeMemoryGetNotCountedMemory`).
    pub fn beyond_size(&self) -> usize {
        let counted = self.size + (self.size / MIN_BLOCK + 1) * BLOCK_OVERHEAD;
        self.memory.saturating_sub(counted)
    }

    /// Offset of the oldest byte held (`repl_backlog_first_byte_offset`).
    pub fn first_offset(&self) -> u64 {
        self.end_offset + 1 - self.histlen as u64
    }

    /// Offset of the newest byte held.
    pub fn end_offset(&self) -> u64 {
        self.end_offset
    }

    /// Moves the history `by` bytes on: what it holds ends at a later
    /// offset (a master restarted on a snapshot of offset `by`).
    pub fn rebase(&mut self, by: u64) {
        self.end_offset += by;
        for block in &mut self.blocks {
            block.start += by;
        }
    }

    /// Appends stream bytes: into the last block while it has room, then
    /// into new ones; each new block, once filled, gives a chance to drop
    /// old ones.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let room = self.blocks.back().map_or(0, |b| b.data.capacity() - b.data.len());
            let new_block = room == 0;
            if new_block {
                let cap = bytes
                    .len()
                    .clamp(MIN_BLOCK, (self.size / BLOCK_FRACTION).max(MIN_BLOCK));
                let data = Vec::with_capacity(cap);
                self.memory += data.capacity() + BLOCK_OVERHEAD;
                self.blocks.push_back(Block {
                    start: self.end_offset + 1,
                    data,
                });
            }
            let tail = self.blocks.back_mut().expect("a block with room");
            let take = (tail.data.capacity() - tail.data.len()).min(bytes.len());
            tail.data.extend_from_slice(&bytes[..take]);
            self.end_offset += take as u64;
            self.histlen += take;
            bytes = &bytes[take..];
            if new_block {
                self.trim(TRIM_PER_CALL);
            }
        }
    }

    /// True if a replica that has everything up to `offset` can continue
    /// from here: the bytes after it are all held.
    pub fn covers(&self, offset: u64) -> bool {
        offset + 1 >= self.first_offset() && offset <= self.end_offset
    }

    /// The held bytes from `offset` on that lie in one block (empty at the
    /// end, or before what is held).
    pub fn slice_from(&self, offset: u64) -> &[u8] {
        if offset < self.first_offset() || offset > self.end_offset {
            return &[];
        }
        let i = self.blocks.partition_point(|b| b.end() <= offset);
        let block = &self.blocks[i];
        &block.data[(offset - block.start) as usize..]
    }

    /// Appends to `out` every byte after `offset` (which `covers`).
    pub fn copy_after(&self, offset: u64, out: &mut Vec<u8>) {
        let mut at = offset + 1;
        loop {
            let part = self.slice_from(at);
            if part.is_empty() {
                return;
            }
            out.extend_from_slice(part);
            at += part.len() as u64;
        }
    }

    /// What a reader whose next byte is `offset` holds on to, as Redis
    /// counts a replica's output: from the start of the block its next
    /// byte is in (the last block once it has read everything) to the
    /// end of the last block.
    pub fn held_for(&self, offset: u64) -> usize {
        let (Some(first), Some(last)) = (self.blocks.front(), self.blocks.back()) else {
            return 0;
        };
        let offset = offset.clamp(first.start, last.start);
        let i = self
            .blocks
            .partition_point(|b| b.end() <= offset)
            .min(self.blocks.len() - 1);
        let blocks = self.blocks.len() - i;
        (last.start + last.data.capacity() as u64 - self.blocks[i].start) as usize + blocks * BLOCK_OVERHEAD
    }

    /// A reader will need the bytes from `offset` on.
    pub fn hold_from(&mut self, offset: u64) {
        self.readers_from = self.readers_from.min(offset);
    }

    /// The lowest offset any reader still needs (`None`: no reader).
    pub fn set_readers(&mut self, from: Option<u64>) {
        self.readers_from = from.unwrap_or(u64::MAX);
    }

    /// Drops up to `max_blocks` of the oldest blocks that no reader needs
    /// and that the backlog can spare: it keeps at least `size` bytes and
    /// one block (`incrementalTrimReplicationBacklog`).
    pub fn trim(&mut self, max_blocks: usize) {
        for _ in 0..max_blocks {
            if self.blocks.len() <= 1 {
                return;
            }
            let first = &self.blocks[0];
            if first.end() > self.readers_from || self.histlen - first.data.len() <= self.size {
                return;
            }
            self.histlen -= first.data.len();
            self.memory -= first.data.capacity() + BLOCK_OVERHEAD;
            self.blocks.pop_front();
        }
    }

    /// Changes the size (CONFIG SET repl-backlog-size): a smaller one
    /// drops old blocks as trimming goes on.
    pub fn resize(&mut self, size: usize) {
        self.size = size.max(1);
        self.trim(TRIM_PER_CALL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_after(b: &Backlog, offset: u64) -> Vec<u8> {
        let mut out = Vec::new();
        b.copy_after(offset, &mut out);
        out
    }

    #[test]
    fn keeps_the_newest_blocks_and_their_offsets() {
        let mut b = Backlog::new(MIN_BLOCK, 0);
        assert_eq!((b.first_offset(), b.histlen(), b.memory()), (1, 0, 0));
        let chunk: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        for _ in 0..10 {
            b.feed(&chunk);
        }
        // 100,000 bytes: the oldest blocks went, more than `size` is kept.
        assert_eq!(b.end_offset(), 100_000);
        assert!(
            b.histlen() > MIN_BLOCK && b.histlen() <= 2 * MIN_BLOCK,
            "{}",
            b.histlen()
        );
        let first = b.first_offset();
        assert_eq!(first, 100_001 - b.histlen() as u64);
        assert!(!b.covers(first - 2) && b.covers(first - 1) && b.covers(100_000) && !b.covers(100_001));
        let tail = all_after(&b, 99_990);
        assert_eq!(tail, &chunk[9_990..]);
        assert_eq!(all_after(&b, first - 1).len(), b.histlen());
    }

    #[test]
    fn a_reader_keeps_what_it_has_not_read() {
        let mut b = Backlog::new(MIN_BLOCK, 100);
        b.hold_from(101);
        let chunk = vec![b'x'; 1000];
        for _ in 0..200 {
            b.feed(&chunk);
        }
        assert_eq!((b.first_offset(), b.histlen()), (101, 200_000));
        assert!(b.held_for(101) >= 200_000);
        // The reader is half-way: the blocks before it can go, a bounded
        // number per call.
        b.set_readers(Some(100_101));
        b.trim(2);
        assert_eq!(b.first_offset(), 101 + 2 * MIN_BLOCK as u64);
        b.trim(TRIM_PER_CALL);
        assert!(b.first_offset() <= 100_101 && b.first_offset() > 100_101 - MIN_BLOCK as u64);
        // Gone: the backlog shrinks to its size.
        b.set_readers(None);
        b.trim(TRIM_PER_CALL);
        assert!(b.histlen() <= 2 * MIN_BLOCK);
        assert_eq!(b.memory(), b.blocks.len() * (MIN_BLOCK + BLOCK_OVERHEAD));
    }

    #[test]
    fn big_writes_are_cut_into_blocks_of_a_sixteenth() {
        let size = 1 << 20;
        let mut b = Backlog::new(size, 0);
        b.feed(&vec![b'y'; 3 * size]);
        assert!(b.blocks.iter().all(|blk| blk.data.capacity() == size / BLOCK_FRACTION));
        assert!(b.histlen() > size && b.histlen() <= size + size / BLOCK_FRACTION);
        // One piece at a time from a block.
        let at = b.first_offset() + 10;
        assert_eq!(b.slice_from(at).len(), size / BLOCK_FRACTION - 10);
        assert!(b.slice_from(3 * size as u64 + 1).is_empty());
        b.rebase(5);
        assert_eq!(b.end_offset(), 3 * size as u64 + 5);
        assert_eq!(b.slice_from(b.end_offset()), b"y");
    }
}
