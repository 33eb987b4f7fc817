//! The sorted set value type, in Redis 7.0's two encodings:
//!
//! - `listpack`: small sets live in one `Vec<u8>` of entries ordered by
//!   (score, member), each a varint length, the member's bytes and the
//!   score as 8 little-endian bytes. Lookups are linear, as in Redis; the
//!   size limits keep them short. As Redis's listpack stores an integral
//!   score as an integer, a `-0` score is stored as `0`.
//! - `skiplist`: a [`Dict`] from member to score (8 bytes), which gives
//!   ZSCAN Redis's cursor guarantees and ZRANDMEMBER its sampling, plus an
//!   ordered index of the dict's node ids (4 bytes each) kept in chunks of
//!   at most `CHUNK_MAX`: finding a position is two binary searches
//!   (reading scores and members from the nodes) and a rank a walk over
//!   the chunk lengths (n / 128 to n / 256 steps), so rank queries on
//!   large sets stay cheap without a real skiplist's pointers.
//!
//! Elements are ordered by score, then by member bytes (`memcmp`, shorter
//! first on a tie), so `-0` and `0` are equal scores. A listpack becomes a
//! skiplist when it would hold more than `zset-max-listpack-entries`
//! elements or a member longer than `zset-max-listpack-value` bytes; the
//! conversion is one-way (stores build their result in the right one).

use std::cmp::Ordering;

use super::dict::{self, Dict};

/// The conversion thresholds, read from the configuration once per command.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

/// Redis's `LISTPACK_MAX_SAFE_SIZE`: a listpack never grows past 1 GiB.
const LISTPACK_MAX_SAFE: usize = 1 << 30;

/// Largest chunk of the skiplist's ordered index before it is split.
const CHUNK_MAX: usize = 256;

/// Orders (score, member) pairs as Redis's skiplist does.
pub fn cmp_entry(a_score: f64, a: &[u8], b_score: f64, b: &[u8]) -> Ordering {
    a_score
        .partial_cmp(&b_score)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.cmp(b))
}

/// ZADD's options (Redis's `ZADD_IN_*`).
#[derive(Debug, Clone, Copy, Default)]
pub struct AddFlags {
    pub incr: bool,
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
}

/// What [`ZSet::add`] did (Redis's `ZADD_OUT_*`), with the resulting score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Added {
    /// The score (or the incremented one) is not a number; nothing changed.
    Nan,
    /// NX/XX/GT/LT prevented the operation.
    Nop,
    Added(f64),
    Updated(f64),
    /// Present with that score already (or a zero increment).
    Same(f64),
}

#[derive(Debug, Clone)]
enum Repr {
    Listpack(Listpack),
    Skiplist(Skiplist),
}

/// A sorted set value.
#[derive(Debug, Clone)]
pub struct ZSet {
    repr: Repr,
}

impl Default for ZSet {
    fn default() -> ZSet {
        ZSet::new()
    }
}

impl ZSet {
    /// DEBUG HTSTATS-KEY's text, for a skiplist-encoded set (its
    /// member table).
    pub fn table_stats(&self) -> Option<String> {
        match &self.repr {
            Repr::Skiplist(sl) => Some(sl.dict.stats()),
            Repr::Listpack(_) => None,
        }
    }

    /// An empty listpack.
    pub fn new() -> ZSet {
        ZSet {
            repr: Repr::Listpack(Listpack::default()),
        }
    }

    /// An empty skiplist.
    pub fn new_skiplist() -> ZSet {
        ZSet {
            repr: Repr::Skiplist(Skiplist::default()),
        }
    }

    /// The empty set ZADD creates for a first member of `member_len` bytes.
    pub fn for_first(member_len: usize, limits: Limits) -> ZSet {
        if limits.max_entries == 0 || limits.max_value < member_len {
            ZSet::new_skiplist()
        } else {
            ZSet::new()
        }
    }

    /// The empty set a store creates for about `size_hint` elements.
    pub fn for_size(size_hint: usize, limits: Limits) -> ZSet {
        if size_hint > limits.max_entries {
            ZSet::new_skiplist()
        } else {
            ZSet::new()
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.len,
            Repr::Skiplist(sl) => sl.dict.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Skiplist(_) => "skiplist",
        }
    }

    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    /// Approximate heap bytes.
    pub fn mem_usage(&self, samples: usize) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.data.capacity(),
            Repr::Skiplist(sl) => {
                let sizes = sl.dict.ids().map(|id| sl.dict.node(id).data.len());
                let nodes = super::object::sampled_total(sl.dict.len(), samples, sizes);
                let index: usize = sl.chunks.iter().map(|c| c.capacity() * 4 + 24).sum();
                sl.dict.overhead() + nodes + index
            }
        }
    }

    /// The score of `member`.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Listpack(lp) => lp.find(member).map(|(_, s)| s),
            Repr::Skiplist(sl) => sl.dict.find(member).map(|id| sl.score_of(id)),
        }
    }

    /// Adds or updates `member` (Redis's `zsetAdd`), converting a listpack
    /// that would grow past the limits.
    pub fn add(&mut self, score: f64, member: &[u8], flags: AddFlags, limits: Limits) -> Added {
        if score.is_nan() {
            return Added::Nan;
        }
        let Some(current) = self.score(member) else {
            if flags.xx {
                return Added::Nop;
            }
            if let Repr::Listpack(lp) = &self.repr
                && (lp.len + 1 > limits.max_entries
                    || member.len() > limits.max_value
                    || lp.data.len() + member.len() > LISTPACK_MAX_SAFE)
            {
                self.convert();
            }
            match &mut self.repr {
                Repr::Listpack(lp) => lp.insert(member, score),
                Repr::Skiplist(sl) => sl.insert(member, score),
            }
            return Added::Added(score);
        };
        if flags.nx {
            return Added::Nop;
        }
        let mut score = score;
        if flags.incr {
            score += current;
            if score.is_nan() {
                return Added::Nan;
            }
        }
        if (flags.lt && score >= current) || (flags.gt && score <= current) {
            return Added::Nop;
        }
        if score == current {
            return Added::Same(score);
        }
        match &mut self.repr {
            Repr::Listpack(lp) => {
                lp.remove(member);
                lp.insert(member, score);
            }
            Repr::Skiplist(sl) => sl.update(member, current, score),
        }
        Added::Updated(score)
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Listpack(lp) => lp.remove(member),
            Repr::Skiplist(sl) => sl.remove(member),
        }
    }

    /// The 0-based rank of `member` in ascending order, with its score.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        match &self.repr {
            Repr::Listpack(lp) => lp
                .iter()
                .enumerate()
                .find(|(_, (m, _))| *m == member)
                .map(|(i, (_, s))| (i, s)),
            Repr::Skiplist(sl) => {
                let score = sl.score_of(sl.dict.find(member)?);
                let rank = sl.partition(|s, m| cmp_entry(s, m, score, member) == Ordering::Less);
                Some((rank, score))
            }
        }
    }

    /// How many leading elements (in ascending order) satisfy `pred`,
    /// which must hold for a prefix of the set and then stop holding
    /// (a listpack is scanned up to the first failure, as Redis does).
    pub fn partition(&self, mut pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.iter().take_while(|(m, s)| pred(*s, m)).count(),
            Repr::Skiplist(sl) => sl.partition(pred),
        }
    }

    /// Elements with ranks `lo..hi` (clamped to the set), ascending.
    pub fn range(&self, lo: usize, hi: usize) -> Vec<(&[u8], f64)> {
        let hi = hi.min(self.len());
        if lo >= hi {
            return Vec::new();
        }
        match &self.repr {
            Repr::Listpack(lp) => lp.iter().skip(lo).take(hi - lo).collect(),
            Repr::Skiplist(sl) => sl.range(lo, hi),
        }
    }

    /// Every element, ascending.
    pub fn iter(&self) -> Vec<(&[u8], f64)> {
        self.range(0, self.len())
    }

    /// Removes the elements with ranks `lo..hi` (clamped); returns how many.
    pub fn remove_range(&mut self, lo: usize, hi: usize) -> usize {
        let hi = hi.min(self.len());
        if lo >= hi {
            return 0;
        }
        match &mut self.repr {
            Repr::Listpack(lp) => lp.remove_range(lo, hi),
            Repr::Skiplist(sl) => sl.remove_range(lo, hi),
        }
        hi - lo
    }

    /// A random element (None when empty): uniform over a listpack, the
    /// dict's fair pick for a skiplist.
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<(&[u8], f64)> {
        match &self.repr {
            Repr::Listpack(lp) => {
                if lp.len == 0 {
                    return None;
                }
                lp.iter().nth((rand() % lp.len as u64) as usize)
            }
            Repr::Skiplist(sl) => sl.dict.random(rand).map(|id| (sl.dict.node(id).key(), sl.score_of(id))),
        }
    }

    /// One ZSCAN step of a skiplist's dict (see [`Dict::scan_step`]);
    /// `None` for a listpack, which is scanned whole.
    pub fn scan_step<'a>(&'a self, cursor: u64, mut f: impl FnMut(&'a [u8], f64)) -> Option<u64> {
        match &self.repr {
            Repr::Listpack(_) => None,
            Repr::Skiplist(sl) => Some(
                sl.dict
                    .scan_step(cursor, |id, _| f(sl.dict.node(id).key(), sl.score_of(id))),
            ),
        }
    }

    /// Converts a listpack to a skiplist.
    fn convert(&mut self) {
        let Repr::Listpack(lp) = &self.repr else { return };
        let mut sl = Skiplist::default();
        for (m, s) in lp.iter() {
            sl.insert(m, s);
        }
        self.repr = Repr::Skiplist(sl);
    }
}

// ---- listpack ----------------------------------------------------------------------

/// Entries `[varint length][member][score: f64 LE]` in ascending order.
#[derive(Debug, Clone, Default)]
struct Listpack {
    data: Vec<u8>,
    len: usize,
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

fn encode_entry(member: &[u8], score: f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(member.len() + 13);
    let mut n = member.len();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.extend_from_slice(member);
    out.extend_from_slice(&score.to_le_bytes());
    out
}

impl Listpack {
    /// The entry at `at`: (member, score, offset of the next entry).
    fn entry(&self, at: usize) -> (&[u8], f64, usize) {
        let (len, hdr) = read_varint(&self.data[at..]);
        let start = at + hdr;
        let score_at = start + len;
        let mut bits = [0u8; 8];
        bits.copy_from_slice(&self.data[score_at..score_at + 8]);
        (&self.data[start..score_at], f64::from_le_bytes(bits), score_at + 8)
    }

    /// (offset, member, score) of every entry.
    fn entries(&self) -> impl Iterator<Item = (usize, &[u8], f64)> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.data.len() {
                return None;
            }
            let (m, s, next) = self.entry(at);
            let here = at;
            at = next;
            Some((here, m, s))
        })
    }

    fn iter(&self) -> impl Iterator<Item = (&[u8], f64)> + '_ {
        self.entries().map(|(_, m, s)| (m, s))
    }

    /// (offset, score) of `member`.
    fn find(&self, member: &[u8]) -> Option<(usize, f64)> {
        self.entries().find(|(_, m, _)| *m == member).map(|(at, _, s)| (at, s))
    }

    /// Inserts a member known to be absent at its place; an integral
    /// score is kept as Redis's integer entry would be (`-0` -> `0`).
    fn insert(&mut self, member: &[u8], score: f64) {
        let score = if score == 0.0 { 0.0 } else { score };
        let at = self
            .entries()
            .find(|(_, m, s)| cmp_entry(*s, m, score, member) == Ordering::Greater)
            .map_or(self.data.len(), |(at, _, _)| at);
        self.data.splice(at..at, encode_entry(member, score));
        self.len += 1;
    }

    fn remove(&mut self, member: &[u8]) -> bool {
        match self.find(member) {
            Some((at, _)) => {
                let (_, _, next) = self.entry(at);
                self.data.drain(at..next);
                self.len -= 1;
                true
            }
            None => false,
        }
    }

    fn remove_range(&mut self, lo: usize, hi: usize) {
        let offsets: Vec<usize> = self.entries().map(|(at, _, _)| at).collect();
        let end = offsets.get(hi).copied().unwrap_or(self.data.len());
        self.data.drain(offsets[lo]..end);
        self.len -= hi - lo;
    }
}

// ---- skiplist ----------------------------------------------------------------------

/// Member -> score dict plus the ordered index of node ids. The index
/// holds only ids (4 bytes an element): scores and members are read from
/// the dict's nodes when comparing.
#[derive(Debug, Default)]
struct Skiplist {
    dict: Dict<Box<[u8]>>,
    /// Non-empty chunks of at most [`CHUNK_MAX`] ids, each allocated for
    /// exactly that many so they never reallocate.
    chunks: Vec<Vec<u32>>,
}

impl Clone for Skiplist {
    fn clone(&self) -> Skiplist {
        let mut copy = Skiplist::default();
        for (m, s) in self.range(0, self.dict.len()) {
            copy.insert(m, s);
        }
        copy
    }
}

impl Skiplist {
    fn score_of(&self, id: u32) -> f64 {
        let v = self.dict.node(id).value();
        let mut bits = [0u8; 8];
        bits.copy_from_slice(&v[..8]);
        f64::from_le_bytes(bits)
    }

    fn member(&self, id: u32) -> &[u8] {
        self.dict.node(id).key()
    }

    /// Number of leading entries satisfying a prefix predicate.
    fn partition(&self, mut pred: impl FnMut(f64, &[u8]) -> bool) -> usize {
        let mut holds = |id: u32| pred(self.score_of(id), self.member(id));
        let c = self
            .chunks
            .partition_point(|ch| holds(*ch.last().expect("chunks are never empty")));
        let before: usize = self.chunks[..c].iter().map(Vec::len).sum();
        match self.chunks.get(c) {
            Some(ch) => before + ch.partition_point(|&id| holds(id)),
            None => before,
        }
    }

    /// (chunk, index) of the first entry not below (score, member).
    fn locate(&self, score: f64, member: &[u8]) -> (usize, usize) {
        let below = |id: u32| cmp_entry(self.score_of(id), self.member(id), score, member) == Ordering::Less;
        let c = self
            .chunks
            .partition_point(|ch| below(*ch.last().expect("chunks are never empty")));
        match self.chunks.get(c) {
            Some(ch) => (c, ch.partition_point(|&id| below(id))),
            None => (c, 0),
        }
    }

    /// (chunk, index) of rank `rank`.
    fn seek(&self, mut rank: usize) -> (usize, usize) {
        for (c, ch) in self.chunks.iter().enumerate() {
            if rank < ch.len() {
                return (c, rank);
            }
            rank -= ch.len();
        }
        (self.chunks.len(), 0)
    }

    /// Adds the index entry of node `id`, whose score is `score`. A full
    /// chunk is split in halves, except that an entry past the last one
    /// starts a new chunk, so ascending inserts leave chunks full.
    fn index(&mut self, id: u32, score: f64) {
        let (c, i) = self.locate(score, self.member(id));
        let new_chunk = || Vec::with_capacity(CHUNK_MAX);
        if self.chunks.is_empty() {
            self.chunks.push(new_chunk());
        }
        let (mut c, mut i) = if c == self.chunks.len() {
            (c - 1, self.chunks[c - 1].len())
        } else {
            (c, i)
        };
        if self.chunks[c].len() == CHUNK_MAX {
            if c + 1 == self.chunks.len() && i == CHUNK_MAX {
                self.chunks.push(new_chunk());
                (c, i) = (c + 1, 0);
            } else {
                let ch = &mut self.chunks[c];
                let mut tail = new_chunk();
                tail.extend_from_slice(&ch[CHUNK_MAX / 2..]);
                ch.truncate(CHUNK_MAX / 2);
                self.chunks.insert(c + 1, tail);
                if i > CHUNK_MAX / 2 {
                    (c, i) = (c + 1, i - CHUNK_MAX / 2);
                }
            }
        }
        self.chunks[c].insert(i, id);
    }

    /// Removes the index entry of node `id`, whose score is `score`.
    fn unindex(&mut self, id: u32, score: f64) {
        let (c, i) = self.locate(score, self.member(id));
        let ch = &mut self.chunks[c];
        debug_assert_eq!(ch[i], id);
        ch.remove(i);
        if ch.is_empty() {
            self.chunks.remove(c);
        }
    }

    fn insert(&mut self, member: &[u8], score: f64) {
        let id = self.dict.insert_new(dict::encode(member, &score.to_le_bytes()), 0);
        self.index(id, score);
    }

    fn update(&mut self, member: &[u8], old: f64, new: f64) {
        let id = self.dict.find(member).expect("updated member exists");
        self.unindex(id, old);
        let node = self.dict.node_mut(id);
        let at = node.value_offset();
        node.data[at..at + 8].copy_from_slice(&new.to_le_bytes());
        self.index(id, new);
    }

    fn remove(&mut self, member: &[u8]) -> bool {
        let Some(id) = self.dict.find(member) else {
            return false;
        };
        self.unindex(id, self.score_of(id));
        self.dict.remove(id);
        true
    }

    fn range(&self, lo: usize, hi: usize) -> Vec<(&[u8], f64)> {
        let (c, i) = self.seek(lo);
        let mut out = Vec::with_capacity(hi - lo);
        let mut entries = self.chunks[c..].iter().flatten().skip(i);
        for _ in lo..hi {
            let &id = entries.next().expect("rank in range");
            out.push((self.member(id), self.score_of(id)));
        }
        out
    }

    fn remove_range(&mut self, lo: usize, hi: usize) {
        let (mut c, mut i) = self.seek(lo);
        let mut left = hi - lo;
        let mut ids = Vec::with_capacity(left);
        while left > 0 {
            let ch = &mut self.chunks[c];
            let take = (ch.len() - i).min(left);
            ids.extend(ch.drain(i..i + take));
            left -= take;
            if ch.is_empty() {
                self.chunks.remove(c);
            } else {
                c += 1;
            }
            i = 0;
        }
        for id in ids {
            self.dict.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_entries: 4,
        max_value: 8,
    };

    fn members(z: &ZSet) -> Vec<(Vec<u8>, f64)> {
        z.iter().into_iter().map(|(m, s)| (m.to_vec(), s)).collect()
    }

    #[test]
    fn listpack_order_and_conversion() {
        let mut z = ZSet::new();
        let f = AddFlags::default();
        assert_eq!(z.add(2.0, b"b", f, LIMITS), Added::Added(2.0));
        assert_eq!(z.add(1.0, b"z", f, LIMITS), Added::Added(1.0));
        assert_eq!(z.add(2.0, b"a", f, LIMITS), Added::Added(2.0));
        assert_eq!(z.add(2.0, b"a", f, LIMITS), Added::Same(2.0));
        assert_eq!(z.rank(b"b"), Some((2, 2.0)));
        z.add(-0.0, b"m", f, LIMITS);
        assert!(z.score(b"m").unwrap().is_sign_positive());
        assert_eq!(z.encoding(), "listpack");
        z.add(5.0, b"q", f, LIMITS);
        assert_eq!(z.encoding(), "skiplist");
        let want: Vec<(Vec<u8>, f64)> = vec![
            (b"m".to_vec(), 0.0),
            (b"z".to_vec(), 1.0),
            (b"a".to_vec(), 2.0),
            (b"b".to_vec(), 2.0),
            (b"q".to_vec(), 5.0),
        ];
        assert_eq!(members(&z), want);
        assert_eq!(z.rank(b"q"), Some((4, 5.0)));
        let incr = AddFlags { incr: true, ..f };
        assert_eq!(z.add(-10.0, b"q", incr, LIMITS), Added::Updated(-5.0));
        assert_eq!(z.rank(b"q"), Some((0, -5.0)));
        assert_eq!(z.remove_range(1, 3), 2);
        assert_eq!(z.len(), 3);
        assert_eq!(z.clone().len(), 3);
    }

    #[test]
    fn skiplist_many_elements() {
        let mut z = ZSet::new_skiplist();
        let f = AddFlags::default();
        for i in 0..2000u32 {
            let m = format!("m{i}");
            z.add(f64::from(i % 97), m.as_bytes(), f, LIMITS);
        }
        let all = z.iter();
        assert_eq!(all.len(), 2000);
        for w in all.windows(2) {
            assert_eq!(cmp_entry(w[0].1, w[0].0, w[1].1, w[1].0), Ordering::Less);
        }
        for (rank, (m, s)) in all.iter().enumerate().step_by(37) {
            assert_eq!(z.rank(m), Some((rank, *s)));
        }
        for i in (0..2000u32).step_by(3) {
            assert!(z.remove(format!("m{i}").as_bytes()));
        }
        assert_eq!(z.len(), 1333);
        assert_eq!(
            z.partition(|s, _| s < 50.0),
            z.iter().iter().filter(|e| e.1 < 50.0).count()
        );
        assert_eq!(z.remove_range(100, 1000), 900);
        assert_eq!(z.iter().len(), 433);
    }

    #[test]
    fn index_chunks_stay_allocated_once() {
        let f = AddFlags::default();
        let mut up = ZSet::new_skiplist();
        let mut down = ZSet::new_skiplist();
        for i in 0..3000u32 {
            up.add(f64::from(i), format!("m{i}").as_bytes(), f, LIMITS);
            down.add(-f64::from(i), format!("m{i}").as_bytes(), f, LIMITS);
        }
        let (Repr::Skiplist(a), Repr::Skiplist(b)) = (&up.repr, &down.repr) else {
            panic!("skiplists");
        };
        // Ascending inserts fill every chunk but the last.
        assert!(a.chunks[..a.chunks.len() - 1].iter().all(|c| c.len() == CHUNK_MAX));
        for ch in a.chunks.iter().chain(&b.chunks) {
            assert!(!ch.is_empty() && ch.capacity() == CHUNK_MAX);
        }
        assert_eq!(down.rank(b"m0"), Some((2999, 0.0)));
        assert_eq!(down.rank(b"m2999"), Some((0, -2999.0)));
        assert_eq!(up.range(1000, 1003)[2], (&b"m1002"[..], 1002.0));
    }
}
