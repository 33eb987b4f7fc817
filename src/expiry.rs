//! Hierarchical timer wheel that drives active key expiry.
//!
//! # What this module owns
//!
//! [`Wheel`] owns every scheduled expiry timer of the server: an absolute
//! deadline in milliseconds (on whatever clock the caller uses) plus a small
//! `Copy` payload, typically a key handle. The event loop asks
//! [`Wheel::next_deadline`] how long it may sleep and calls [`Wheel::poll`] to
//! collect the timers that are due. Nothing here reads a clock, knows about
//! keys or allocates per operation beyond the slab growing: time is whatever
//! the caller passes in, which is what makes the wheel testable by hand.
//!
//! # Layout
//!
//! Six levels of 64 slots. A slot of level `L` covers `64^L` ms and a whole
//! level covers `64^(L+1)` ms, so the wheel spans `64^6 = 2^36` ms (about 795
//! days) ahead of its current time, `elapsed`. Every live timer sits in
//! exactly one intrusive list:
//!
//! * a wheel slot `(L, s)`;
//! * `due`: deadline already reached, handed out by the next `poll`;
//! * `overflow`: deadline beyond the wheel's range, re-examined when the
//!   wheel reaches the 2^36-aligned rotation holding the smallest of them;
//! * `pending`: taken out of a slot (or out of `overflow`) whose time has come
//!   and waiting to be re-placed relative to the new `elapsed`. It is only
//!   non-empty while a cascade was cut short by the poll budget.
//!
//! Timers live in one `Vec` with a free list (a slab) and the lists are
//! circular, doubly linked by `u32` index, with one sentinel node per list.
//! Unlinking therefore never needs to know which list a node is on, so
//! insert and cancel are O(1), and moving a whole slot to `due`/`pending` is
//! an O(1) splice.
//!
//! # The runway: cascades finish before their timers are due
//!
//! A plain hierarchical wheel cascades a higher-level slot when time
//! reaches the slot's start, and the timers due in its first milliseconds
//! wait until the whole slot has been re-placed. A level-2 slot spans 4.1 s,
//! so with a million keys expiring over ten seconds that is ~400,000 moves,
//! a few hundred milliseconds of lateness (measured with
//! `benches/expire_lag.rs`). So the wheel's cursor, `elapsed`, runs
//! [`RUNWAY`] ms ahead of the time up to which timers have fired, `fired`:
//! cascades happen a runway early, spread over several budgeted polls, and a
//! timer whose deadline the cursor has passed waits in the `ring`, one list
//! per millisecond (`RING_SLOTS` of them, more than the runway), to fire at
//! exactly its deadline. Only a cascade that takes longer than the runway
//! can still make a timer late.
//!
//! # Invariants
//!
//! 1. A timer in level `L`, slot `s` has `deadline > elapsed`, agrees with
//!    `elapsed` in every bit above level `L` (bits `>= 6(L+1)`) and differs
//!    from it first in level-`L` bits; `s` is the deadline's level-`L` digit,
//!    hence strictly ahead of `elapsed`'s level-`L` digit. Consequences: the
//!    slot lies ahead of the cursor in the current rotation of its level; the
//!    slot's start (the deadline with the bits below level `L` cleared) is
//!    `<=` the deadline; and every timer in a lower level expires before every
//!    timer in a higher level. The earliest work is thus the first occupied
//!    slot after the cursor in the lowest occupied level.
//! 2. A timer in `overflow` differs from `elapsed` above bit 36 (so its
//!    deadline is at or after the next 2^36 boundary), and `overflow_min` is a
//!    lower bound of their deadlines (exact after a rescan, possibly stale-low
//!    after a cancel, which only costs one early rescan).
//! 3. Bit `s` of `occupied[L]` is set iff slot `(L, s)` is non-empty.
//! 4. Timers in `due` have `deadline <= fired`; timers in `pending` have
//!    `deadline >= elapsed`; a timer in ring slot `r` has
//!    `fired < deadline <= elapsed` and `deadline % RING_SLOTS == r`, and bit
//!    `r` of `ring_occupied` is set iff that slot is non-empty.
//! 6. `fired <= elapsed <= fired + RUNWAY` once a poll has finished; a poll
//!    cut short by its budget may leave the cursor behind (`elapsed` less
//!    than `fired + RUNWAY`) but never lets `fired` pass `elapsed`.
//! 5. `elapsed` only moves forward, and never past the start of an occupied
//!    slot or of the overflow rotation without processing it. Moving `elapsed`
//!    forward without crossing such a start preserves invariant 1.

use crate::util::chunked::Chunked;

/// Deadline bits consumed by one level: 6 bits give 64 slots, so one level's
/// occupancy fits exactly in a `u64` bitmap.
const LEVEL_BITS: u32 = 6;
/// Slots per level: `2^LEVEL_BITS`.
const SLOTS: usize = 1 << LEVEL_BITS;
/// Mask extracting one level's digit (slot index) from a time.
const SLOT_MASK: u64 = SLOTS as u64 - 1;
/// Number of levels. Slot / level spans: L0 1 ms / 64 ms, L1 64 ms / 4.1 s,
/// L2 4.1 s / 4.4 min, L3 4.4 min / 4.7 h, L4 4.7 h / 12.4 days,
/// L5 12.4 days / 795 days.
const NUM_LEVELS: usize = 6;
/// Range of the wheel: `64^NUM_LEVELS = 2^36` ms. A deadline that differs
/// from `elapsed` at or above this bit goes to the overflow list.
const WHEEL_RANGE: u64 = 1 << (LEVEL_BITS as usize * NUM_LEVELS);

/// How far ahead of `fired` the wheel's cursor runs, in ms: the time a
/// cascade has to finish before any of its timers is due.
pub const RUNWAY: u64 = 1024;
// `poll` makes progress only with a runway of at least one millisecond, and
// the ring must hold more than the runway.
const _: () = assert!(RUNWAY >= 1 && RUNWAY < RING_SLOTS as u64);
/// Millisecond lists between `fired` and the cursor; more than `RUNWAY`, so
/// a slot never holds two different deadlines.
const RING_SLOTS: usize = 2048;
const RING_MASK: u64 = RING_SLOTS as u64 - 1;
const RING_WORDS: usize = RING_SLOTS / 64;

/// Sentinel node of the `due` list (nodes `0..384` are the slot sentinels,
/// `level * SLOTS + slot`).
const DUE_LIST: u32 = (NUM_LEVELS * SLOTS) as u32;
/// Sentinel node of the `pending` list.
const PENDING_LIST: u32 = DUE_LIST + 1;
/// Sentinel node of the `overflow` list.
const OVERFLOW_LIST: u32 = DUE_LIST + 2;
/// Sentinel node of ring slot 0; ring slot `r` is `RING_BASE + r`.
const RING_BASE: u32 = DUE_LIST + 3;
/// Number of sentinel nodes; timer `i` is node `NUM_SENTINELS + i`.
const NUM_SENTINELS: u32 = RING_BASE + RING_SLOTS as u32;
/// "No node" (end of the free list).
const NIL: u32 = u32::MAX;
/// Maximum number of timers stored at once, so that every node index is
/// below `NIL`.
const MAX_TIMERS: u32 = NIL - NUM_SENTINELS;

/// `Entry::level` of a timer on the `due`, `pending` or `overflow` list (no
/// bitmap to maintain).
const LABEL_LIST: u8 = NUM_LEVELS as u8;
/// `Entry::level` of a timer in a ring slot (the slot is its deadline
/// modulo `RING_SLOTS`).
const LABEL_RING: u8 = NUM_LEVELS as u8 + 1;
/// `Entry::level` of a free storage cell.
const LABEL_FREE: u8 = u8::MAX;

/// Handle of a scheduled timer. The generation makes a stale handle (timer
/// already fired or cancelled, storage reused) harmless: it simply no longer
/// matches anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimerId {
    index: u32,
    generation: u32,
}

impl TimerId {
    /// The handle as one number, for storing it in bytes.
    pub fn to_bits(self) -> u64 {
        u64::from(self.index) | u64::from(self.generation) << 32
    }

    pub fn from_bits(bits: u64) -> TimerId {
        TimerId {
            index: bits as u32,
            generation: (bits >> 32) as u32,
        }
    }
}

/// Links of one node (sentinel or timer). For a free timer cell, `next` is
/// the next free cell's timer index.
#[derive(Clone, Copy, Debug)]
struct Link {
    prev: u32,
    next: u32,
}

/// One timer's data. Free cells keep their stale `value` (it is `Copy`, so
/// nothing needs dropping) and are marked with `level == LABEL_FREE`.
#[derive(Clone, Copy, Debug)]
struct Entry<T> {
    deadline: u64,
    value: T,
    /// Bumped each time the cell is freed.
    generation: u32,
    /// Wheel level of the slot the timer was last placed in, `LABEL_LIST` or
    /// `LABEL_FREE`. After a splice into `due`/`pending` the slot label is
    /// stale; that is harmless because `detach` only uses it to re-derive the
    /// occupied bit from the slot list's emptiness.
    level: u8,
    slot: u8,
}

/// Which list becomes due at `Expiration::at`.
#[derive(Clone, Copy, Debug)]
enum Source {
    Slot { level: usize, slot: usize },
    Overflow,
}

/// The next piece of wheel work: `source` must be processed when time
/// reaches `at`.
#[derive(Clone, Copy, Debug)]
struct Expiration {
    at: u64,
    source: Source,
}

/// Hierarchical timer wheel with millisecond ticks; see the module docs.
#[derive(Clone, Debug)]
pub struct Wheel<T: Copy> {
    /// Time up to which every due timer has been handed out.
    fired: u64,
    /// The cursor of the wheel levels, up to `RUNWAY` ahead of `fired`; all
    /// placement in levels is relative to it.
    elapsed: u64,
    /// Per level, bit `s` set iff slot `s` is non-empty.
    occupied: [u64; NUM_LEVELS],
    /// Bit `r` set iff ring slot `r` is non-empty.
    ring_occupied: [u64; RING_WORDS],
    /// Lower bound of the deadlines on the overflow list (meaningful only
    /// while that list is non-empty).
    overflow_min: u64,
    /// Links of the sentinels followed by those of the timers. Both grow
    /// in chunks (see `util::chunked`): millions of timers would make a
    /// doubling `Vec` copy hundreds of megabytes in one step.
    links: Chunked<Link, 4096>,
    /// Timer storage; index `i` is node `NUM_SENTINELS + i`.
    entries: Chunked<Entry<T>, 4096>,
    /// First free timer index, or `NIL`.
    free_head: u32,
    /// Number of live timers.
    len: usize,
}

/// Node index of timer `index`.
fn node_of(index: u32) -> u32 {
    index + NUM_SENTINELS
}

/// Timer index of (non-sentinel) node `node`.
fn entry_of(node: u32) -> u32 {
    node - NUM_SENTINELS
}

/// Sentinel node of slot `(level, slot)`.
fn slot_list(level: usize, slot: usize) -> u32 {
    (level * SLOTS + slot) as u32
}

/// Level for a deadline `when` with `elapsed < when` and
/// `elapsed ^ when < WHEEL_RANGE`: the level holding the highest bit in which
/// the two differ (the `| SLOT_MASK` makes anything within 64 ms level 0).
fn level_for(elapsed: u64, when: u64) -> usize {
    let masked = ((elapsed ^ when) | SLOT_MASK).min(WHEEL_RANGE - 1);
    let significant = u64::BITS - 1 - masked.leading_zeros();
    (significant / LEVEL_BITS) as usize
}

/// Sentinel node of the ring slot holding deadline `when`.
fn ring_list(when: u64) -> u32 {
    RING_BASE + (when & RING_MASK) as u32
}

/// Slot of `when` in `level`: its level-`level` digit.
fn slot_for(when: u64, level: usize) -> usize {
    ((when >> (LEVEL_BITS as usize * level)) & SLOT_MASK) as usize
}

impl<T: Copy> Wheel<T> {
    /// Creates an empty wheel whose current time is `now_ms`.
    pub fn new(now_ms: u64) -> Self {
        Wheel {
            fired: now_ms,
            elapsed: now_ms.saturating_add(RUNWAY),
            occupied: [0; NUM_LEVELS],
            ring_occupied: [0; RING_WORDS],
            overflow_min: u64::MAX,
            links: {
                let mut links = Chunked::new();
                (0..NUM_SENTINELS).for_each(|s| links.push(Link { prev: s, next: s }));
                links
            },
            entries: Chunked::new(),
            free_head: NIL,
            len: 0,
        }
    }

    /// The wheel's current time: the largest `now_ms` fully processed by
    /// `poll` (or the creation time).
    pub fn now(&self) -> u64 {
        self.fired
    }

    /// Number of live (scheduled, not yet fired or cancelled) timers.
    /// Heap bytes of the timer storage.
    pub fn heap_bytes(&self) -> usize {
        self.links.heap_bytes() + self.entries.heap_bytes()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no timer is scheduled.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Schedules `value` to fire at `deadline_ms` and returns its handle.
    /// O(1). A deadline `<= now()` is due immediately (returned by the next
    /// `poll`); any deadline up to `u64::MAX` is accepted.
    ///
    /// Panics if about 4 billion timers are already stored.
    pub fn insert(&mut self, deadline_ms: u64, value: T) -> TimerId {
        let index = self.alloc(deadline_ms, value);
        self.place(index);
        self.len += 1;
        TimerId {
            index,
            generation: self.entries[index as usize].generation,
        }
    }

    /// Removes a live timer and returns its payload. O(1). Returns `None`,
    /// touching nothing, if `id` already fired or was cancelled.
    pub fn cancel(&mut self, id: TimerId) -> Option<T> {
        let index = self.live_index(id)?;
        self.detach(index);
        let value = self.entries[index as usize].value;
        self.release(index);
        Some(value)
    }

    /// Moves a live timer to a new deadline, keeping its id (cancel + insert
    /// without invalidating the handle). O(1). Returns false, touching
    /// nothing, if `id` is not live.
    pub fn reschedule(&mut self, id: TimerId, deadline_ms: u64) -> bool {
        let Some(index) = self.live_index(id) else {
            return false;
        };
        self.detach(index);
        self.entries[index as usize].deadline = deadline_ms;
        self.place(index);
        true
    }

    /// The deadline of a live timer, `None` if `id` is not live.
    pub fn deadline(&self, id: TimerId) -> Option<u64> {
        self.live_index(id).map(|index| self.entries[index as usize].deadline)
    }

    /// Drops every timer (all ids become dead) and keeps the current time.
    /// O(stored cells); the storage is kept for reuse.
    pub fn clear(&mut self) {
        for entry in self.entries.iter_mut() {
            if entry.level != LABEL_FREE {
                entry.level = LABEL_FREE;
                entry.generation = entry.generation.wrapping_add(1);
            }
        }
        for sentinel in 0..NUM_SENTINELS {
            self.links[sentinel as usize] = Link {
                prev: sentinel,
                next: sentinel,
            };
        }
        self.free_head = NIL;
        for index in (0..self.entries.len() as u32).rev() {
            self.links[node_of(index) as usize] = Link {
                prev: NIL,
                next: self.free_head,
            };
            self.free_head = index;
        }
        self.occupied = [0; NUM_LEVELS];
        self.ring_occupied = [0; RING_WORDS];
        self.overflow_min = u64::MAX;
        self.len = 0;
    }

    /// Advances the wheel to `now_ms` (never backwards: an earlier `now_ms`
    /// is treated as `now()`) and appends up to `budget` due timers to
    /// `fired`, in deadline order except that timers inserted with an
    /// already-past deadline come first. Fired timers are freed.
    ///
    /// Returns true if the budget ran out while work may remain: the caller
    /// should poll again without sleeping. Returns false once every timer
    /// with `deadline <= now_ms` has been returned; `now()` is then
    /// `max(now_ms, now())`.
    ///
    /// Work bound: each fired timer costs one unit of budget, and so does
    /// each timer moved by a cascade (re-placed from a higher level or from
    /// the overflow list). Reaching a slot is an O(1) splice plus an
    /// O(levels) bitmap scan, and only non-empty slots are reached, so every
    /// slot visit is followed by at least one budgeted move. A call thus does
    /// O(budget * levels) work, however far time jumps.
    pub fn poll(&mut self, now_ms: u64, budget: usize, fired: &mut Vec<(TimerId, T)>) -> bool {
        let now = now_ms.max(self.fired);
        let mut budget = budget;
        loop {
            // Out of budget: stop if anything costing budget is left;
            // otherwise only the free steps remain (time moving forward).
            if budget == 0 && self.has_work(now) {
                return true;
            }
            // Firing comes first: timers already due, then the ring's
            // millisecond lists up to `now` (or up to the cursor, if a long
            // cascade left it behind).
            if let Some(node) = self.pop_front(DUE_LIST) {
                let index = entry_of(node);
                let entry = self.entries[index as usize];
                let id = TimerId {
                    index,
                    generation: entry.generation,
                };
                fired.push((id, entry.value));
                self.release(index);
                budget -= 1;
                continue;
            }
            let limit = now.min(self.elapsed);
            if let Some(at) = self.next_ring().filter(|&at| at <= limit) {
                self.fired = at;
                self.clear_ring_bit(at);
                self.splice_back(ring_list(at), DUE_LIST);
                continue;
            }
            self.fired = limit;
            // Then the cursor moves on to the runway's end, cascading.
            if let Some(node) = self.pop_front(PENDING_LIST) {
                self.place(entry_of(node));
                budget -= 1;
                continue;
            }
            let target = self.fired.saturating_add(RUNWAY);
            match self.next_expiration() {
                Some(expiration) if expiration.at <= target => self.expire(expiration),
                next if self.fired < now => {
                    // The cursor was behind `now`, and the ring is empty up
                    // to it: with nothing scheduled before the next slot,
                    // time jumps there (or to `now`) in one step.
                    let jump = next.map_or(now, |e| now.min(e.at - 1)).max(self.fired);
                    self.fired = jump;
                    self.elapsed = self.elapsed.max(jump);
                }
                _ => {
                    self.elapsed = self.elapsed.max(target);
                    return false;
                }
            }
        }
    }

    /// The earliest time at which `poll` could have work, `None` if no timer
    /// is scheduled. Exact for a timer in the ring; for the levels it is
    /// when the cursor must reach the next occupied slot (or the 2^36 ms
    /// rotation holding the earliest far-future timer), `RUNWAY` before it,
    /// which is before any of their deadlines. `now()` if timers are already
    /// due or a cascade is half done.
    pub fn next_deadline(&self) -> Option<u64> {
        if !self.list_is_empty(DUE_LIST) || !self.list_is_empty(PENDING_LIST) {
            return Some(self.fired);
        }
        let ring = self.next_ring();
        let wheel = self
            .next_expiration()
            .map(|expiration| expiration.at.saturating_sub(RUNWAY).max(self.fired));
        match (ring, wheel) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// True if `poll(now)` would have anything to do.
    fn has_work(&self, now: u64) -> bool {
        self.next_deadline().is_some_and(|at| at <= now || at == self.fired)
    }

    /// The deadline of the earliest non-empty ring slot: the first set bit
    /// of `ring_occupied` at or after `fired + 1`, circularly.
    fn next_ring(&self) -> Option<u64> {
        let start = (self.fired.wrapping_add(1) & RING_MASK) as usize;
        let (word, bit) = (start / 64, start % 64);
        // The start word's bits at or after `bit`, the other words in
        // order, then the start word's bits before `bit`.
        let first = self.ring_occupied[word] >> bit << bit;
        let found = if first != 0 {
            Some(word * 64 + first.trailing_zeros() as usize)
        } else {
            (1..=RING_WORDS).find_map(|step| {
                let w = (word + step) % RING_WORDS;
                let bits = if w == word {
                    self.ring_occupied[w] & ((1u64 << bit) - 1)
                } else {
                    self.ring_occupied[w]
                };
                (bits != 0).then(|| w * 64 + bits.trailing_zeros() as usize)
            })
        }?;
        let distance = (found as u64).wrapping_sub(start as u64) & RING_MASK;
        Some(self.fired.wrapping_add(1).wrapping_add(distance))
    }

    fn clear_ring_bit(&mut self, at: u64) {
        let r = (at & RING_MASK) as usize;
        self.ring_occupied[r / 64] &= !(1 << (r % 64));
    }

    /// The earliest slot (or the overflow list) that must be processed, and
    /// when. For a wheel level the slot is the first occupied one after the
    /// cursor: the bitmap is rotated so that the slot after the cursor lands
    /// on bit 0, and `trailing_zeros` gives the distance. By invariant 1 only
    /// the lowest occupied level matters and the distance never wraps past
    /// the end of the level's rotation, so `at > elapsed`.
    fn next_expiration(&self) -> Option<Expiration> {
        let wheel = self.occupied.iter().position(|&bits| bits != 0).map(|level| {
            let shift = LEVEL_BITS * level as u32;
            let cursor = (self.elapsed >> shift) & SLOT_MASK;
            let rotated = self.occupied[level].rotate_right(((cursor + 1) & SLOT_MASK) as u32);
            let distance = u64::from(rotated.trailing_zeros()) + 1;
            debug_assert!(cursor + distance < SLOTS as u64, "slot behind the cursor");
            let slot_start = self.elapsed >> shift << shift;
            Expiration {
                at: slot_start.saturating_add(distance << shift),
                source: Source::Slot {
                    level,
                    slot: ((cursor + distance) & SLOT_MASK) as usize,
                },
            }
        });
        let overflow = (!self.list_is_empty(OVERFLOW_LIST)).then_some(Expiration {
            at: self.overflow_min & !(WHEEL_RANGE - 1),
            source: Source::Overflow,
        });
        match (wheel, overflow) {
            (Some(w), Some(o)) => Some(if o.at < w.at { o } else { w }),
            (w, o) => w.or(o),
        }
    }

    /// Processes `expiration` (whose time is `<= now`): moves `elapsed` to
    /// its start and splices its whole list out in O(1). A level-0 slot holds
    /// only timers whose deadline is exactly that start, so it goes straight
    /// to `due`; anything else goes to `pending` to be re-placed.
    fn expire(&mut self, expiration: Expiration) {
        debug_assert!(expiration.at > self.elapsed);
        self.elapsed = expiration.at;
        match expiration.source {
            Source::Slot { level: 0, slot } => {
                // Every timer here has deadline `elapsed`, which is past
                // `fired`: the whole list becomes that millisecond's ring slot.
                self.occupied[0] &= !(1 << slot);
                let r = (self.elapsed & RING_MASK) as usize;
                self.ring_occupied[r / 64] |= 1 << (r % 64);
                self.relabel_ring(slot_list(0, slot));
                self.splice_back(slot_list(0, slot), ring_list(self.elapsed));
            }
            Source::Slot { level, slot } => {
                self.occupied[level] &= !(1 << slot);
                self.splice_back(slot_list(level, slot), PENDING_LIST);
            }
            Source::Overflow => {
                self.overflow_min = u64::MAX;
                self.splice_back(OVERFLOW_LIST, PENDING_LIST);
            }
        }
    }

    /// Labels every timer of `list` (a level-0 slot about to become a ring
    /// slot) as in the ring: O(timers in one millisecond).
    fn relabel_ring(&mut self, list: u32) {
        let mut node = self.links[list as usize].next;
        while node != list {
            self.entries[entry_of(node) as usize].level = LABEL_RING;
            node = self.links[node as usize].next;
        }
    }

    /// Links unlinked timer `index` into the list its deadline calls for:
    /// `due` if `fired` passed it, its ring slot if the cursor did, else a
    /// wheel slot relative to `elapsed`, or `overflow`.
    fn place(&mut self, index: u32) {
        let deadline = self.entries[index as usize].deadline;
        let (list, level, slot) = if deadline <= self.fired {
            (DUE_LIST, LABEL_LIST, 0)
        } else if deadline <= self.elapsed {
            let r = (deadline & RING_MASK) as usize;
            self.ring_occupied[r / 64] |= 1 << (r % 64);
            (ring_list(deadline), LABEL_RING, 0)
        } else if self.elapsed ^ deadline >= WHEEL_RANGE {
            self.overflow_min = if self.list_is_empty(OVERFLOW_LIST) {
                deadline
            } else {
                self.overflow_min.min(deadline)
            };
            (OVERFLOW_LIST, LABEL_LIST, 0)
        } else {
            let level = level_for(self.elapsed, deadline);
            let slot = slot_for(deadline, level);
            self.occupied[level] |= 1 << slot;
            (slot_list(level, slot), level as u8, slot as u8)
        };
        let entry = &mut self.entries[index as usize];
        entry.level = level;
        entry.slot = slot;
        self.push_back(list, node_of(index));
    }

    /// Unlinks live timer `index` from whatever list holds it and clears its
    /// slot's occupied bit if that slot became empty.
    fn detach(&mut self, index: u32) {
        self.unlink(node_of(index));
        let entry = self.entries[index as usize];
        let level = usize::from(entry.level);
        if level < NUM_LEVELS {
            let slot = usize::from(entry.slot);
            if self.list_is_empty(slot_list(level, slot)) {
                self.occupied[level] &= !(1 << slot);
            }
        } else if entry.level == LABEL_RING && self.list_is_empty(ring_list(entry.deadline)) {
            self.clear_ring_bit(entry.deadline);
        }
    }

    /// Index of the timer `id` refers to, if it is live.
    fn live_index(&self, id: TimerId) -> Option<u32> {
        let entry = self.entries.get(id.index as usize)?;
        (entry.level != LABEL_FREE && entry.generation == id.generation).then_some(id.index)
    }

    /// Takes a free cell (or grows the storage) and fills it; the timer is
    /// not linked anywhere yet.
    fn alloc(&mut self, deadline: u64, value: T) -> u32 {
        if self.free_head != NIL {
            let index = self.free_head;
            self.free_head = self.links[node_of(index) as usize].next;
            let entry = &mut self.entries[index as usize];
            entry.deadline = deadline;
            entry.value = value;
            index
        } else {
            let index = u32::try_from(self.entries.len())
                .ok()
                .filter(|&index| index < MAX_TIMERS)
                .expect("expiry wheel: too many timers");
            self.entries.push(Entry {
                deadline,
                value,
                generation: 0,
                level: LABEL_FREE,
                slot: 0,
            });
            self.links.push(Link { prev: NIL, next: NIL });
            index
        }
    }

    /// Frees unlinked live timer `index`: its id becomes dead.
    fn release(&mut self, index: u32) {
        let entry = &mut self.entries[index as usize];
        entry.level = LABEL_FREE;
        entry.generation = entry.generation.wrapping_add(1);
        self.links[node_of(index) as usize] = Link {
            prev: NIL,
            next: self.free_head,
        };
        self.free_head = index;
        self.len -= 1;
    }

    fn list_is_empty(&self, list: u32) -> bool {
        self.links[list as usize].next == list
    }

    /// Appends unlinked `node` to `list`.
    fn push_back(&mut self, list: u32, node: u32) {
        let tail = self.links[list as usize].prev;
        self.links[node as usize] = Link { prev: tail, next: list };
        self.links[tail as usize].next = node;
        self.links[list as usize].prev = node;
    }

    /// Unlinks `node` from whichever list holds it.
    fn unlink(&mut self, node: u32) {
        let Link { prev, next } = self.links[node as usize];
        self.links[prev as usize].next = next;
        self.links[next as usize].prev = prev;
    }

    /// Unlinks and returns the first node of `list`.
    fn pop_front(&mut self, list: u32) -> Option<u32> {
        let first = self.links[list as usize].next;
        if first == list {
            return None;
        }
        self.unlink(first);
        Some(first)
    }

    /// Moves all nodes of `from` to the end of `to`, in order. O(1).
    fn splice_back(&mut self, from: u32, to: u32) {
        let Link {
            prev: last,
            next: first,
        } = self.links[from as usize];
        if first == from {
            return;
        }
        let tail = self.links[to as usize].prev;
        self.links[tail as usize].next = first;
        self.links[first as usize].prev = tail;
        self.links[last as usize].next = to;
        self.links[to as usize].prev = last;
        self.links[from as usize] = Link { prev: from, next: from };
    }
}

#[cfg(test)]
impl<T: Copy> Wheel<T> {
    /// Nodes of `list` in order, checking the back links on the way.
    fn list_nodes(&self, list: u32) -> Vec<u32> {
        let mut nodes = Vec::new();
        let mut prev = list;
        let mut node = self.links[list as usize].next;
        while node != list {
            assert_eq!(self.links[node as usize].prev, prev, "broken back link");
            assert!(node >= NUM_SENTINELS);
            nodes.push(node);
            prev = node;
            node = self.links[node as usize].next;
        }
        assert_eq!(self.links[list as usize].prev, prev, "broken tail link");
        nodes
    }

    /// Asserts every invariant from the module docs.
    fn check_invariants(&self) {
        let mut seen = 0;
        for level in 0..NUM_LEVELS {
            for slot in 0..SLOTS {
                let nodes = self.list_nodes(slot_list(level, slot));
                assert_eq!(nodes.is_empty(), self.occupied[level] & (1 << slot) == 0);
                for node in nodes {
                    let entry = self.entries[entry_of(node) as usize];
                    assert_eq!((usize::from(entry.level), usize::from(entry.slot)), (level, slot));
                    assert!(entry.deadline > self.elapsed);
                    assert!(entry.deadline ^ self.elapsed < WHEEL_RANGE);
                    assert_eq!(level_for(self.elapsed, entry.deadline), level);
                    assert_eq!(slot_for(entry.deadline, level), slot);
                    seen += 1;
                }
            }
        }
        for node in self.list_nodes(OVERFLOW_LIST) {
            let entry = self.entries[entry_of(node) as usize];
            assert_eq!(entry.level, LABEL_LIST);
            assert!(entry.deadline > self.elapsed);
            assert!(entry.deadline ^ self.elapsed >= WHEEL_RANGE);
            assert!(self.overflow_min <= entry.deadline);
            seen += 1;
        }
        for node in self.list_nodes(DUE_LIST) {
            let entry = self.entries[entry_of(node) as usize];
            assert_ne!(entry.level, LABEL_FREE);
            assert!(entry.deadline <= self.fired);
            seen += 1;
        }
        assert!(self.fired <= self.elapsed && self.elapsed <= self.fired.saturating_add(RUNWAY));
        for r in 0..RING_SLOTS {
            let nodes = self.list_nodes(RING_BASE + r as u32);
            assert_eq!(nodes.is_empty(), self.ring_occupied[r / 64] & (1 << (r % 64)) == 0);
            for node in nodes {
                let entry = self.entries[entry_of(node) as usize];
                assert_eq!(entry.level, LABEL_RING);
                assert!(entry.deadline > self.fired && entry.deadline <= self.elapsed);
                assert_eq!((entry.deadline & RING_MASK) as usize, r);
                seen += 1;
            }
        }
        for node in self.list_nodes(PENDING_LIST) {
            let entry = self.entries[entry_of(node) as usize];
            assert_ne!(entry.level, LABEL_FREE);
            assert!(entry.deadline >= self.elapsed);
            seen += 1;
        }
        assert_eq!(seen, self.len);
        let mut free = 0;
        let mut index = self.free_head;
        while index != NIL {
            assert_eq!(self.entries[index as usize].level, LABEL_FREE);
            free += 1;
            index = self.links[node_of(index) as usize].next;
        }
        assert_eq!(free + self.len, self.entries.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    const UNLIMITED: usize = usize::MAX;
    const YEAR: u64 = 365 * 24 * 3600 * 1000;
    const PRECISION_OFFSETS: [u64; 10] = [1, 63, 64, 65, 4095, 4096, 262_143, 1 << 24, 1 << 36, u64::MAX / 2];

    /// Polls at `now` with an unlimited budget; returns the fired payloads.
    fn fire(wheel: &mut Wheel<u64>, now: u64) -> Vec<u64> {
        let mut fired = Vec::new();
        assert!(!wheel.poll(now, UNLIMITED, &mut fired), "unlimited poll must finish");
        fired.into_iter().map(|(_, value)| value).collect()
    }

    /// Tiny deterministic RNG (xorshift64).
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn layout_is_small() {
        assert_eq!(std::mem::size_of::<TimerId>(), 8);
        assert_eq!(std::mem::size_of::<Link>(), 8);
        assert!(std::mem::size_of::<Entry<u64>>() <= 24);
        assert!(std::mem::size_of::<Entry<u32>>() <= 24);
    }

    #[test]
    fn fires_in_deadline_order() {
        let mut wheel = Wheel::new(0);
        let deadlines = [500, 3, 70_000, 64, 1, 4096, 65, 10_000_000, 2, 63, 1 << 37, 262_143, 3];
        for deadline in deadlines {
            wheel.insert(deadline, deadline);
        }
        let mut sorted = deadlines.to_vec();
        sorted.sort_unstable();
        assert_eq!(fire(&mut wheel, 1 << 38), sorted);
        assert!(wheel.is_empty());
        wheel.check_invariants();
    }

    #[test]
    fn equal_deadlines_fire_in_insertion_order() {
        let mut wheel = Wheel::new(0);
        for value in 0..10 {
            wheel.insert(100_000, value);
        }
        assert_eq!(fire(&mut wheel, 100_000), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn exact_ms_precision_at_every_level() {
        for base in [0, 12_345, (1 << 40) + 7, u64::MAX / 4] {
            for offset in PRECISION_OFFSETS {
                let deadline = base + offset;
                let mut wheel = Wheel::new(base);
                let id = wheel.insert(deadline, offset);
                assert_eq!(wheel.deadline(id), Some(deadline));
                let next = wheel.next_deadline().unwrap();
                assert!(next > base && next <= deadline);
                assert!(fire(&mut wheel, deadline - 1).is_empty(), "early: {base} + {offset}");
                assert_eq!(wheel.now(), deadline - 1);
                assert_eq!(wheel.next_deadline(), Some(deadline));
                wheel.check_invariants();
                assert_eq!(fire(&mut wheel, deadline), vec![offset], "late: {base} + {offset}");
                assert!(wheel.is_empty());
                assert_eq!(wheel.deadline(id), None);
                assert_eq!(wheel.cancel(id), None);
                assert_eq!(wheel.next_deadline(), None);
            }
        }
        // The very last millisecond.
        let mut wheel = Wheel::new(0);
        wheel.insert(u64::MAX, 7);
        assert!(fire(&mut wheel, u64::MAX - 1).is_empty());
        assert_eq!(fire(&mut wheel, u64::MAX), vec![7]);
        wheel.insert(u64::MAX, 8);
        assert_eq!(wheel.next_deadline(), Some(u64::MAX));
        assert_eq!(fire(&mut wheel, u64::MAX), vec![8]);
    }

    #[test]
    fn walking_next_deadline_lands_exactly_on_the_deadline() {
        for base in [0, 999, (1 << 40) + 3] {
            for offset in PRECISION_OFFSETS {
                let deadline = base + offset;
                let mut wheel = Wheel::new(base);
                wheel.insert(deadline, offset);
                let mut wakeups = 0;
                loop {
                    let next = wheel.next_deadline().expect("timer still pending");
                    assert!(next > wheel.now() && next <= deadline);
                    wakeups += 1;
                    let fired = fire(&mut wheel, next);
                    if !fired.is_empty() {
                        assert_eq!((fired, next), (vec![offset], deadline));
                        break;
                    }
                }
                // One wakeup per level at most, one for the overflow list,
                // and the deadline itself (from the ring).
                assert!(wakeups <= NUM_LEVELS + 2, "{wakeups} wakeups for {base} + {offset}");
            }
        }
    }

    #[test]
    fn cancel_before_fire() {
        let mut wheel = Wheel::new(0);
        let ids: Vec<_> = (0..10).map(|i| wheel.insert(10 + i * 1000, i)).collect();
        for i in [1, 4, 9] {
            assert_eq!(wheel.cancel(ids[i]), Some(i as u64));
        }
        assert_eq!(wheel.cancel(ids[4]), None);
        assert_eq!(wheel.len(), 7);
        wheel.check_invariants();
        assert_eq!(fire(&mut wheel, 1 << 20), vec![0, 2, 3, 5, 6, 7, 8]);
        for id in ids {
            assert_eq!(wheel.cancel(id), None);
            assert_eq!(wheel.deadline(id), None);
        }
        wheel.check_invariants();
    }

    #[test]
    fn cancel_after_cascade() {
        let mut wheel = Wheel::new(0);
        let a = wheel.insert(5000, 1); // level 2, slot 1
        let b = wheel.insert(5001, 2);
        let far = wheel.insert((1 << 40) + 5, 3); // beyond the range: overflow
        assert!(fire(&mut wheel, 4096).is_empty()); // slot (2, 1) cascaded
        wheel.check_invariants();
        assert_eq!(wheel.deadline(a), Some(5000));
        assert_eq!(wheel.cancel(a), Some(1));
        assert!(fire(&mut wheel, 4999).is_empty()); // b now in level 0
        assert_eq!(wheel.cancel(b), Some(2));
        wheel.check_invariants();
        assert!(fire(&mut wheel, 1 << 40).is_empty()); // far pulled into the wheel
        wheel.check_invariants();
        assert_eq!(wheel.deadline(far), Some((1 << 40) + 5));
        assert_eq!(wheel.cancel(far), Some(3));
        assert!(wheel.is_empty());
        assert_eq!(wheel.next_deadline(), None);
        assert!(fire(&mut wheel, 1 << 41).is_empty());
        wheel.check_invariants();
    }

    #[test]
    fn cancel_in_the_middle_of_a_budgeted_cascade() {
        let mut wheel = Wheel::new(0);
        // All in level-3 slot 1 (start 262144), then together in level 2.
        let ids: Vec<_> = (0..20).map(|i| wheel.insert(300_000 + i, i)).collect();
        let mut fired = Vec::new();
        assert!(wheel.poll(300_000, 5, &mut fired), "budget spent on the cascade");
        assert!(fired.is_empty());
        assert_eq!(wheel.next_deadline(), Some(262_144));
        wheel.check_invariants();
        for i in [0, 3, 7, 19] {
            assert_eq!(wheel.cancel(ids[i]), Some(i as u64));
        }
        wheel.check_invariants();
        while wheel.poll(300_100, 3, &mut fired) {
            wheel.check_invariants();
        }
        let values: Vec<u64> = fired.iter().map(|&(_, value)| value).collect();
        let expected: Vec<u64> = (0..20).filter(|i| ![0, 3, 7, 19].contains(i)).collect();
        assert_eq!(values, expected);
        assert!(wheel.is_empty());
        wheel.check_invariants();
    }

    #[test]
    fn budget_limited_polls_resume_where_they_stopped() {
        let mut wheel = Wheel::new(0);
        let mut expected = Vec::new();
        for i in 0..1000u64 {
            let deadline = 300_000 + (i * 7919) % 5000;
            wheel.insert(deadline, deadline);
            expected.push(deadline);
        }
        for deadline in 0..50 {
            wheel.insert(deadline, deadline);
            expected.push(deadline);
        }
        expected.sort_unstable();
        let mut fired = Vec::new();
        let mut calls = 0;
        loop {
            let before = fired.len();
            let more = wheel.poll(1_000_000, 10, &mut fired);
            assert!(fired.len() - before <= 10);
            calls += 1;
            if calls % 7 == 0 {
                wheel.check_invariants();
            }
            if !more {
                break;
            }
        }
        let values: Vec<u64> = fired.iter().map(|&(_, value)| value).collect();
        assert_eq!(values, expected);
        assert!(calls >= expected.len() / 10);
        assert_eq!(wheel.now(), 1_000_000);

        // Budget 0 only reports.
        wheel.insert(2_000_000, 1);
        fired.clear();
        assert!(!wheel.poll(1_500_000, 0, &mut fired));
        assert_eq!(wheel.now(), 1_500_000);
        assert!(wheel.poll(2_000_000, 0, &mut fired));
        assert_eq!(wheel.now(), 1_500_000);
        while wheel.poll(2_000_000, 1, &mut fired) {}
        assert_eq!(fired.len(), 1);
    }

    #[test]
    fn past_deadlines_fire_on_the_next_poll_and_time_never_goes_back() {
        let mut wheel = Wheel::new(1000);
        let id = wheel.insert(500, 1);
        wheel.insert(1000, 2);
        assert_eq!(wheel.deadline(id), Some(500));
        assert_eq!(wheel.next_deadline(), Some(1000));
        // An earlier `now` does not move time back but still returns due timers.
        assert_eq!(fire(&mut wheel, 10), vec![1, 2]);
        assert_eq!(wheel.now(), 1000);
        wheel.insert(1001, 3);
        assert!(fire(&mut wheel, 999).is_empty());
        assert_eq!(wheel.now(), 1000);
        assert_eq!(fire(&mut wheel, 1001), vec![3]);
        wheel.insert(0, 4);
        assert_eq!(wheel.next_deadline(), Some(1001));
        assert_eq!(fire(&mut wheel, 1001), vec![4]);
    }

    #[test]
    fn next_deadline_tracks_the_earliest_work() {
        let mut wheel: Wheel<u64> = Wheel::new(0);
        assert_eq!(wheel.next_deadline(), None);
        let a = wheel.insert(40, 1);
        assert_eq!(wheel.next_deadline(), Some(40)); // in the ring: exact
        let b = wheel.insert(5000, 2);
        assert_eq!(wheel.next_deadline(), Some(40));
        wheel.cancel(a);
        // Level 2, slot starting at 4096: the cursor must reach it a runway early.
        assert_eq!(wheel.next_deadline(), Some(4096 - RUNWAY));
        assert!(fire(&mut wheel, 4096 - RUNWAY - 1).is_empty());
        assert_eq!(wheel.next_deadline(), Some(4096 - RUNWAY));
        assert!(fire(&mut wheel, 4096 - RUNWAY).is_empty());
        assert_eq!(wheel.next_deadline(), Some(4992 - RUNWAY)); // level 1, slot 14
        assert!(fire(&mut wheel, 4992 - RUNWAY).is_empty());
        assert_eq!(wheel.next_deadline(), Some(5000 - RUNWAY)); // level 0, slot 8
        assert!(fire(&mut wheel, 5000 - RUNWAY).is_empty());
        assert_eq!(wheel.next_deadline(), Some(5000)); // in the ring: exact
        wheel.check_invariants();
        wheel.cancel(b);
        assert_eq!(wheel.next_deadline(), None);

        wheel.insert(10, 3); // past: due now
        assert_eq!(wheel.next_deadline(), Some(wheel.now()));
        let now = wheel.now();
        assert_eq!(fire(&mut wheel, now), vec![3]);

        // Beyond the range: the start of the 2^36 rotation holding it, a
        // runway early.
        let far = (5 << 36) + 123;
        let id = wheel.insert(far, 4);
        assert_eq!(wheel.next_deadline(), Some((5 << 36) - RUNWAY));
        let farther = wheel.insert(9 << 36, 5);
        assert_eq!(wheel.next_deadline(), Some((5 << 36) - RUNWAY));
        assert!(fire(&mut wheel, 5 << 36).is_empty());
        assert_eq!(wheel.next_deadline(), Some(far)); // cascaded into the ring
        wheel.cancel(id);
        assert_eq!(wheel.next_deadline(), Some((9 << 36) - RUNWAY));
        // A stale-low overflow bound after a cancel is still a safe wakeup.
        let early = wheel.insert(7 << 36, 6);
        wheel.cancel(early);
        assert_eq!(wheel.next_deadline(), Some((7 << 36) - RUNWAY));
        assert!(fire(&mut wheel, 7 << 36).is_empty());
        assert_eq!(wheel.next_deadline(), Some((9 << 36) - RUNWAY));
        assert_eq!(fire(&mut wheel, 9 << 36), vec![5]);
        assert_eq!(wheel.deadline(farther), None);
        wheel.check_invariants();
    }

    #[test]
    fn huge_jump_fires_everything_due_in_order() {
        let base = 1_700_000_000_000; // 2023 in unix milliseconds
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut wheel = Wheel::new(base);
        let mut deadlines = Vec::new();
        for i in 0..5000 {
            let span = [100, 1 << 16, 1 << 28, YEAR, 20 * YEAR][i % 5];
            let deadline = base + rng.below(span);
            wheel.insert(deadline, deadline);
            deadlines.push(deadline);
        }
        deadlines.sort_unstable();
        let now = base + 10 * YEAR;
        let split = deadlines.partition_point(|&d| d <= now);
        assert_eq!(fire(&mut wheel, now), &deadlines[..split]);
        assert_eq!(wheel.len(), deadlines.len() - split);
        wheel.check_invariants();
        let next = wheel.next_deadline().unwrap();
        assert!(next > now && next <= deadlines[split]);
        assert_eq!(fire(&mut wheel, now + 10 * YEAR), &deadlines[split..]);
        assert!(wheel.is_empty());
    }

    #[test]
    fn dead_ids_never_touch_live_timers() {
        let mut wheel = Wheel::new(0);
        let old = wheel.insert(5, 1);
        assert_eq!(fire(&mut wheel, 5), vec![1]);
        let new = wheel.insert(10, 2); // reuses the freed cell
        assert_ne!(old, new);
        assert_eq!(wheel.cancel(old), None);
        assert_eq!(wheel.deadline(old), None);
        assert!(!wheel.reschedule(old, 7));
        assert_eq!(wheel.deadline(new), Some(10));
        assert_eq!(wheel.len(), 1);
        wheel.check_invariants();
        assert_eq!(fire(&mut wheel, 10), vec![2]);
    }

    #[test]
    fn clear_drops_everything_and_keeps_time() {
        let mut wheel = Wheel::new(100);
        let mut ids = vec![wheel.insert(50, 0)]; // due
        for (i, offset) in [1u64, 100, 5000, 1 << 20, 1 << 30, 1 << 40].into_iter().enumerate() {
            ids.push(wheel.insert(100 + offset, i as u64 + 1));
        }
        for i in 0..30 {
            ids.push(wheel.insert(300_000 + i, 100 + i));
        }
        let mut fired = Vec::new();
        // Stop as soon as the 30-timer slot starting at 262144 is being cascaded.
        while wheel.now() < 262_144 {
            assert!(wheel.poll(262_144, 2, &mut fired));
        }
        assert!(!fired.is_empty());
        assert_eq!(wheel.next_deadline(), Some(262_144)); // cascade half done
        wheel.check_invariants();
        wheel.clear();
        wheel.check_invariants();
        assert!(wheel.is_empty());
        assert_eq!(wheel.next_deadline(), None);
        let now = wheel.now();
        for id in ids {
            assert_eq!(wheel.cancel(id), None);
        }
        let id = wheel.insert(now + 3, 9);
        assert_eq!(fire(&mut wheel, now + 3), vec![9]);
        assert_eq!(wheel.deadline(id), None);
        wheel.check_invariants();
    }

    #[test]
    fn reschedule_keeps_the_id() {
        let mut wheel = Wheel::new(0);
        let id = wheel.insert(1 << 30, 1);
        assert!(wheel.reschedule(id, 50));
        assert_eq!(wheel.deadline(id), Some(50));
        assert!(fire(&mut wheel, 49).is_empty());
        assert!(wheel.reschedule(id, 1 << 50)); // into overflow
        assert!(fire(&mut wheel, 1 << 40).is_empty());
        assert!(wheel.reschedule(id, 10)); // into the past: due
        assert_eq!(wheel.next_deadline(), Some(1 << 40));
        wheel.check_invariants();
        let mut fired = Vec::new();
        assert!(!wheel.poll(1 << 40, UNLIMITED, &mut fired));
        assert_eq!(fired, vec![(id, 1)]);
        assert!(!wheel.reschedule(id, 20));
    }

    /// Random inserts, cancels, reschedules and time steps against a
    /// reference model: every timer fires exactly once, never early, and at
    /// the first poll whose `now` reaches its deadline.
    fn randomized(seed: u64, start: u64, steps: usize) {
        let mut rng = XorShift(seed);
        let mut wheel = Wheel::new(start);
        let mut live: BTreeMap<u64, (TimerId, u64)> = BTreeMap::new();
        let mut by_deadline: BTreeSet<(u64, u64)> = BTreeSet::new();
        let mut dead: Vec<TimerId> = Vec::new();
        let mut next_seq = 0u64;
        let mut total_fired = 0;
        for step in 0..steps {
            for _ in 0..rng.below(5) {
                let now = wheel.now();
                let deadline = match rng.below(16) {
                    0 => now.saturating_sub(rng.below(1000)),
                    1..=6 => now.saturating_add(rng.below(256)),
                    7..=10 => now.saturating_add(rng.below(1 << 20)),
                    11 | 12 => now.saturating_add(rng.below(1 << 37)),
                    13 | 14 => now.saturating_add(rng.below(1 << 44)),
                    _ => rng.next(),
                };
                let id = wheel.insert(deadline, next_seq);
                live.insert(next_seq, (id, deadline));
                by_deadline.insert((deadline, next_seq));
                next_seq += 1;
            }
            for _ in 0..rng.below(3) {
                let from = rng.below(next_seq.max(1));
                let Some((&seq, &(id, deadline))) = live.range(from..).next() else {
                    break;
                };
                assert_eq!(wheel.deadline(id), Some(deadline));
                by_deadline.remove(&(deadline, seq));
                if rng.below(4) == 0 {
                    let new_deadline = wheel.now().saturating_add(rng.below(1 << 16));
                    assert!(wheel.reschedule(id, new_deadline));
                    live.insert(seq, (id, new_deadline));
                    by_deadline.insert((new_deadline, seq));
                } else {
                    assert_eq!(wheel.cancel(id), Some(seq));
                    live.remove(&seq);
                    dead.push(id);
                }
            }
            if !dead.is_empty() && rng.below(4) == 0 {
                let id = dead[rng.below(dead.len() as u64) as usize];
                assert_eq!(wheel.cancel(id), None);
                assert_eq!(wheel.deadline(id), None);
                assert!(!wheel.reschedule(id, 0));
            }

            let prev = wheel.now();
            let now = match rng.below(40) {
                0..=19 => prev.saturating_add(rng.below(16)),
                20..=29 => prev.saturating_add(rng.below(5000)),
                30..=33 => wheel.next_deadline().unwrap_or(prev),
                34 => wheel.next_deadline().map_or(prev, |d| d.saturating_sub(1)),
                35 => prev.saturating_sub(rng.below(100)), // clock going back
                36 | 37 => prev.saturating_add(rng.below(1 << 32)),
                _ => prev.saturating_add(rng.below(1 << 40)),
            };
            let effective = now.max(prev);
            let mut fired = Vec::new();
            if rng.below(3) == 0 {
                let budget = 1 + rng.below(6) as usize;
                loop {
                    let before = fired.len();
                    let more = wheel.poll(now, budget, &mut fired);
                    assert!(fired.len() - before <= budget);
                    if !more {
                        break;
                    }
                }
            } else {
                assert!(!wheel.poll(now, UNLIMITED, &mut fired));
            }
            assert_eq!(wheel.now(), effective);

            let mut last = 0;
            for &(id, seq) in &fired {
                let (model_id, deadline) = live.remove(&seq).expect("fired twice or after cancel");
                assert_eq!(model_id, id);
                assert!(deadline <= effective, "fired early: {deadline} > {effective}");
                if deadline > prev {
                    assert!(deadline >= last, "out of order");
                    last = deadline;
                }
                assert!(by_deadline.remove(&(deadline, seq)));
                dead.push(id);
            }
            total_fired += fired.len();
            if let Some(&(min_deadline, _)) = by_deadline.first() {
                assert!(min_deadline > effective, "missed a due timer at step {step}");
                let next = wheel.next_deadline().expect("live timers but no deadline");
                assert!(next > effective && next <= min_deadline);
            } else {
                assert_eq!(wheel.next_deadline(), None);
            }
            assert_eq!(wheel.len(), live.len());
            if step % 16 == 0 {
                wheel.check_invariants();
            }
            if dead.len() > 4096 {
                dead.drain(..2048);
            }
        }
        wheel.check_invariants();
        let mut fired = Vec::new();
        assert!(!wheel.poll(u64::MAX, UNLIMITED, &mut fired));
        assert_eq!(fired.len(), live.len());
        for (id, seq) in fired {
            assert_eq!(live.remove(&seq).map(|(model_id, _)| model_id), Some(id));
        }
        assert!(wheel.is_empty());
        wheel.check_invariants();
        assert!(total_fired > steps / 2, "test did not exercise firing");
    }

    #[test]
    fn randomized_from_zero() {
        randomized(0x2545_f491_4f6c_dd1d, 0, 6000);
    }

    #[test]
    fn randomized_from_unix_time() {
        randomized(0xdead_beef_cafe_f00d, 1_700_000_000_000, 6000);
    }

    #[test]
    fn randomized_near_the_end_of_time() {
        randomized(0x1234_5678_9abc_def1, u64::MAX - (1 << 44), 4000);
    }
}
