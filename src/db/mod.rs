//! The keyspace: one [`Db`] per logical database, each owning its own hash
//! table, its expires index and its own expiry timer wheel, so SWAPDB swaps
//! them whole and nothing leaks between databases.
//!
//! Keys and values are bytes. A string value is stored in one of Redis's
//! three encodings: `int` (a canonical 64-bit integer kept as 8 bytes),
//! `embstr` (up to 44 bytes) or `raw`; OBJECT ENCODING reports which.
//!
//! Expiry is exact at read time: every lookup checks the key's deadline
//! against `now` (the lazy check) and deletes it if passed. The timer wheel
//! deletes keys whose deadline passes without a read (active expiry), a
//! bounded number per call.
//!
//! Invariants: a node has `HAS_EXPIRE` in its meta iff its data ends with
//! a TTL block (`expires`) whose slot in `volatile` holds its handle, and
//! handle, and then the wheel holds exactly one live timer for it.

pub mod dict;
pub mod expires;
pub mod hash;
pub mod list;
pub mod object;
pub mod set;
pub mod zset;

use crate::expiry::{TimerId, Wheel};
use crate::util::chunked::{Chunked, Slab};
use crate::util::number::parse_i64;
use dict::{Dict, Node};
use expires::Ttl;
pub use object::Obj;

// ---- node metadata bits ------------------------------------------------------

const ENC_MASK: u32 = 0b11;
const ENC_INT: u32 = 0;
const ENC_EMBSTR: u32 = 1;
const ENC_RAW: u32 = 2;
const HAS_EXPIRE: u32 = dict::NODE_TTL;
/// The value is one of Redis's shared integers 0..9999 (OBJECT REFCOUNT
/// reports INT_MAX for those); a copy is never shared.
const SHARED: u32 = 1 << 3;
/// Redis's `OBJ_SHARED_INTEGERS`.
const SHARED_INTEGERS: i64 = 10000;
/// LFU: initial counter of a new key (Redis's `LFU_INIT_VAL`).
const LFU_INIT: u32 = 5;
/// The value's type (`Kind`), bits 4..7; 0 is a string.
const KIND_SHIFT: u32 = 4;
const KIND_MASK: u32 = 0b111 << KIND_SHIFT;
/// The node's snapshot bit: it equals the database's `snap_bit` once the
/// running snapshot has the key (or the key is newer than the snapshot);
/// starting a snapshot flips `snap_bit`, so every key is owed again.
const SNAP: u32 = 1 << 7;
const LRU_SHIFT: u32 = 8;
/// Redis's LRU clock: 24 bits of seconds.
const LRU_MAX: u64 = (1 << 24) - 1;

/// Longest string stored as `embstr` (Redis's `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
const EMBSTR_MAX: usize = 44;

/// A string value as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Value<'_> {
    /// The value's bytes, formatting an integer into `scratch`.
    pub fn bytes<'b>(&'b self, scratch: &'b mut [u8; 20]) -> &'b [u8] {
        match self {
            Value::Int(n) => {
                let len = crate::util::number::format_i64(scratch, *n);
                &scratch[..len]
            }
            Value::Str(s) => s,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Value::Int(n) => crate::util::number::format_i64(&mut [0; 20], *n),
            Value::Str(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a new string value is encoded, mirroring where Redis calls
/// `tryObjectEncoding` (SET, MSET, ...), `createStringObject` (INCRBYFLOAT)
/// or builds a raw sds (APPEND, SETRANGE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Integer if canonical, else embstr or raw by length.
    Auto,
    /// embstr or raw by length.
    Bytes,
    Raw,
}

/// The type of a stored value, as TYPE names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    List,
    Set,
    ZSet,
    Hash,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::List => "list",
            Kind::Set => "set",
            Kind::ZSet => "zset",
            Kind::Hash => "hash",
        }
    }

    fn bits(self) -> u32 {
        let n = match self {
            Kind::String => 0,
            Kind::List => 1,
            Kind::Set => 2,
            Kind::ZSet => 3,
            Kind::Hash => 4,
        };
        n << KIND_SHIFT
    }

    fn from_bits(meta: u32) -> Kind {
        match (meta & KIND_MASK) >> KIND_SHIFT {
            1 => Kind::List,
            2 => Kind::Set,
            3 => Kind::ZSet,
            4 => Kind::Hash,
            _ => Kind::String,
        }
    }
}

/// Minutes clock for LFU decay, 16 bits as in Redis.
pub fn lfu_minutes(now_ms: u64) -> u32 {
    ((now_ms / 60_000) & 65535) as u32
}

/// Seconds clock for LRU idle times, 24 bits as in Redis.
pub fn lru_clock(now_ms: u64) -> u32 {
    ((now_ms / 1000) & LRU_MAX) as u32
}

#[derive(Debug)]
pub struct Db {
    dict: Dict,
    /// Handles of the keys with a TTL, in no order (each key's TTL block
    /// knows its place), for `expires_len` and eviction's sampling.
    volatile: Chunked<u32, 4096>,
    wheel: Wheel<u32>,
    /// Reused buffer for timers fired by the wheel.
    fired: Vec<(TimerId, u32)>,
    /// Collection values; a collection key's node holds its index here.
    objs: Slab<Obj, 1024>,
    /// Keys deleted because their TTL passed (lazily or actively).
    pub expired: u64,
    /// The access clock holds LFU (minutes, counter) instead of LRU
    /// seconds: set from `maxmemory-policy` before each use.
    pub lfu: Option<Lfu>,
    /// New integer values 0..9999 are Redis's shared objects; not under
    /// an LRU or LFU policy with a limit, where each key needs its own
    /// access clock (Redis's `MAXMEMORY_FLAG_NO_SHARED_INTEGERS`).
    pub share_ints: bool,
    /// Events that happen inside the database (a key created, a key
    /// expired), in order, recorded only for the kinds `note_mask` (NOTE_*
    /// bits) asks for: keyspace notifications, and expiries for WATCH and
    /// client-side caching (`State::sync_notes`). `command::notify` takes them.
    pub notes: Vec<(Note, Box<[u8]>)>,
    pub note_mask: u8,
    /// While clients are paused, keys past their TTL read as missing but
    /// stay (Redis deletes nothing during a pause, so nothing reaches
    /// the AOF or replicas); they go at the first lookup after it.
    pub hold_expired: bool,
    /// A writable replica: the keys a client (not the master) gave a TTL,
    /// for the replica to expire itself (`rememberSlaveKeyWithExpire`).
    pub local_ttls: Option<Vec<Vec<u8>>>,
    /// The append-only file is being replayed: no key expires (Redis's
    /// `keyIsExpired` while loading), as the commands were run on them.
    pub replaying: bool,
    /// `lazyfree-lazy-expire` and `lazyfree-lazy-server-del`, synced from
    /// the configuration (`State::sync_lazyfree`): how an expired key's
    /// value and a value a command replaces or deletes for itself are freed.
    pub lazy_expire: bool,
    pub lazy_server_del: bool,
    rng: u64,
    /// A running background save's hold on this database: before a key it
    /// has not saved yet changes or goes, its old value is saved first.
    pub snap: Option<Box<crate::persist::snapshot::DbSnap>>,
    /// See [`SNAP`].
    snap_bit: u32,
}

/// What [`Db::flush`] took out of a database.
#[derive(Debug)]
pub struct Flushed {
    dict: Dict,
    objs: Slab<Obj, 1024>,
    // Held only to be dropped where the caller chooses.
    #[allow(dead_code)]
    volatile: Chunked<u32, 4096>,
    #[allow(dead_code)]
    wheel: Wheel<u32>,
    /// The database's snapshot bit its keys were marked with.
    snap_bit: u32,
}

impl Flushed {
    /// Keys and collection values it holds.
    pub fn len(&self) -> usize {
        self.dict.len() + self.objs.len()
    }

    /// Whether freeing it is worth a trip to the lazyfree thread: many
    /// keys, or one collection that is (at most `THRESHOLD` looked at).
    pub fn is_big(&self) -> bool {
        let threshold = crate::lazyfree::THRESHOLD;
        self.len() > threshold || self.objs.iter().any(|(_, obj)| obj.free_effort() > threshold)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a deleted key's collection value is freed: Redis's synchronous and
/// asynchronous deletes. Either way a value past `lazyfree::THRESHOLD`
/// is freed on the lazyfree thread, so the loop never stalls on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Free {
    /// What Redis frees inline (DEL, an overwrite, expiry, eviction, by
    /// default): a big value goes to the thread uncounted (`free_quietly`).
    Inline,
    /// A lazy free (UNLINK, the `lazyfree-lazy-*` options): a big value is
    /// a counted lazily freed object.
    Lazy,
    /// Eviction without `lazyfree-lazy-eviction`: as `Inline`, and
    /// eviction waits for a big value's memory (`lazyfree::free_evicted`).
    Evicted,
}

impl Free {
    pub fn lazy_if(lazy: bool) -> Free {
        if lazy { Free::Lazy } else { Free::Inline }
    }
}

/// A keyspace event the database itself causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// A key was added (Redis's `dbAdd`).
    New,
    /// A key was deleted because its TTL passed.
    Expired,
    /// A key was deleted to get under `maxmemory` (`evict`).
    Evicted,
}

pub const NOTE_NEW: u8 = 1;
pub const NOTE_EXPIRED: u8 = 2;
pub const NOTE_EVICTED: u8 = 4;

/// LFU parameters (`lfu-log-factor`, `lfu-decay-time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lfu {
    pub log_factor: u32,
    pub decay_minutes: u32,
}

impl Db {
    pub fn new(now: u64) -> Db {
        Db {
            dict: Dict::new(),
            volatile: Chunked::new(),
            wheel: Wheel::new(now),
            fired: Vec::new(),
            objs: Slab::new(),
            expired: 0,
            lfu: None,
            share_ints: true,
            hold_expired: false,
            local_ttls: None,
            replaying: false,
            lazy_expire: false,
            lazy_server_del: false,
            notes: Vec::new(),
            note_mask: 0,
            rng: now | 1,
            snap: None,
            snap_bit: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.dict.len()
    }

    /// Records `note` on `key` if `note_mask` asks for it.
    fn note(&mut self, note: Note, key: &[u8]) {
        let bit = match note {
            Note::New => NOTE_NEW,
            Note::Expired => NOTE_EXPIRED,
            Note::Evicted => NOTE_EVICTED,
        };
        if self.note_mask & bit != 0 {
            self.notes.push((note, key.into()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    /// Number of keys with a TTL.
    pub fn expires_len(&self) -> usize {
        self.volatile.len()
    }

    /// DEBUG HTSTATS's text: the keyspace table's chains, and the size of
    /// the list of volatile keys (which has no chains to show).
    pub fn htstats(&self) -> String {
        let mut out = format!("[Dictionary HT]\n{}[Expires HT]\n", self.dict.stats());
        out.push_str("Hash table 0 stats (main hash table):\n");
        if self.volatile.is_empty() {
            out.push_str("No stats available for empty dictionaries\n");
        } else {
            out.push_str(&format!(
                " table size: {}\n number of elements: {}\n",
                self.volatile.capacity(),
                self.volatile.len()
            ));
        }
        out
    }

    /// Finds `key`, deleting it first if its TTL has passed (the lazy check).
    pub fn lookup(&mut self, key: &[u8], now: u64) -> Option<u32> {
        let id = self.dict.find(key)?;
        if !self.replaying && Ttl::read(self.dict.node(id)).is_some_and(|t| t.at <= now) {
            if self.hold_expired {
                return None;
            }
            self.note(Note::Expired, key);
            self.remove_with(id, Free::lazy_if(self.lazy_expire));
            self.expired += 1;
            return None;
        }
        Some(id)
    }

    /// A writable replica's own TTL on `key` (`activeExpireCycleTryExpire`):
    /// the key is deleted if it has passed. None when the key has no TTL.
    pub fn expire_if_due(&mut self, key: &[u8], now: u64) -> Option<bool> {
        let id = self.dict.find(key)?;
        let at = Ttl::read(self.dict.node(id))?.at;
        if at > now {
            return Some(false);
        }
        self.note(Note::Expired, key);
        self.remove_with(id, Free::lazy_if(self.lazy_expire));
        self.expired += 1;
        Some(true)
    }

    /// Like `lookup`, and records the access (LRU clock, or the LFU
    /// counter under an LFU policy) unless `touch` is false (CLIENT
    /// NO-TOUCH, OBJECT, TTL).
    pub fn lookup_touch(&mut self, key: &[u8], now: u64, touch: bool) -> Option<u32> {
        let id = self.lookup(key, now)?;
        if touch {
            let clock = match self.lfu {
                None => lru_clock(now),
                Some(lfu) => {
                    let counter = self.lfu_counter(id, now);
                    let counter = self.lfu_log_incr(counter, lfu.log_factor);
                    lfu_minutes(now) << 8 | counter
                }
            };
            let node = self.dict.node_mut(id);
            node.meta = (node.meta & ((1 << LRU_SHIFT) - 1)) | (clock << LRU_SHIFT);
        }
        Some(id)
    }

    /// Sets a key's access time as RESTORE and the loader do (Redis's
    /// `objectSetLRUOrLFU`): the LFU counter under an LFU policy, else the
    /// idle time, when given.
    pub fn set_access(&mut self, id: u32, idle_secs: Option<u64>, freq: Option<u8>, now: u64) {
        let clock = match (self.lfu, idle_secs, freq) {
            (Some(_), _, Some(freq)) => lfu_minutes(now) << 8 | freq as u32,
            (None, Some(idle), _) => {
                let clock = lru_clock(now) as u64;
                // An idle time longer than the clock's age wraps as Redis's.
                let at = clock.checked_sub(idle).unwrap_or((clock + LRU_MAX / 2) % LRU_MAX);
                at as u32
            }
            _ => return,
        };
        let node = self.dict.node_mut(id);
        node.meta = (node.meta & ((1 << LRU_SHIFT) - 1)) | (clock << LRU_SHIFT);
    }

    /// The access clock a new key starts with.
    fn new_clock(&self, now: u64) -> u32 {
        match self.lfu {
            None => lru_clock(now) << LRU_SHIFT,
            Some(_) => (lfu_minutes(now) << 8 | LFU_INIT) << LRU_SHIFT,
        }
    }

    /// The key's LFU counter after decay (Redis's `LFUDecrAndReturn`),
    /// which OBJECT FREQ reports.
    pub fn lfu_counter(&self, id: u32, now: u64) -> u32 {
        let clock = self.dict.node(id).meta >> LRU_SHIFT;
        let (ldt, counter) = (clock >> 8, clock & 255);
        let decay = self.lfu.map(|l| l.decay_minutes).unwrap_or(1);
        let minutes = lfu_minutes(now);
        let elapsed = if minutes >= ldt {
            minutes - ldt
        } else {
            65535 - ldt + minutes
        };
        let periods = elapsed.checked_div(decay).unwrap_or(0);
        counter.saturating_sub(periods)
    }

    /// Redis's `LFULogIncr`: the counter grows with probability
    /// 1 / ((counter - 5) * log_factor + 1).
    fn lfu_log_incr(&mut self, counter: u32, log_factor: u32) -> u32 {
        if counter >= 255 {
            return 255;
        }
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let r = (self.rng >> 11) as f64 / (1u64 << 53) as f64;
        let base = counter.saturating_sub(LFU_INIT) as f64;
        if r < 1.0 / (base * log_factor as f64 + 1.0) {
            counter + 1
        } else {
            counter
        }
    }

    /// Finds `key` as stored, expired or not, without the lazy check
    /// (Redis's `dictFind` on the keyspace).
    pub fn peek(&self, key: &[u8]) -> Option<u32> {
        self.dict.find(key)
    }

    pub fn exists(&mut self, key: &[u8], now: u64) -> bool {
        self.lookup(key, now).is_some()
    }

    pub fn node(&self, id: u32) -> &Node {
        self.dict.node(id)
    }

    pub fn key(&self, id: u32) -> &[u8] {
        self.dict.node(id).key()
    }

    pub fn kind(&self, id: u32) -> Kind {
        Kind::from_bits(self.dict.node(id).meta)
    }

    /// Slab index of a collection node's value.
    fn obj_index(&self, id: u32) -> usize {
        let v = self.dict.node(id).value();
        let mut raw = [0u8; 4];
        raw.copy_from_slice(&v[..4]);
        u32::from_le_bytes(raw) as usize
    }

    /// The collection stored at node `id` (which must not be a string).
    pub fn obj(&self, id: u32) -> &Obj {
        &self.objs[self.obj_index(id)]
    }

    pub fn obj_mut(&mut self, id: u32) -> &mut Obj {
        self.preserve(id);
        let i = self.obj_index(id);
        &mut self.objs[i]
    }

    /// Stores a collection under `key`, which must not exist.
    pub fn add_obj(&mut self, key: &[u8], obj: Obj, now: u64) -> u32 {
        self.drop_held(key);
        self.note(Note::New, key);
        let kind = obj.kind().bits();
        let index = self.objs.insert(obj) as u32;
        let clock = self.new_clock(now);
        self.dict
            .insert_new(dict::encode(key, &index.to_le_bytes()), kind | clock | self.snap_bit)
    }

    /// Removes `key` if it is an expired key held during a pause, before a
    /// new key of that name is added (lookups called it missing).
    fn drop_held(&mut self, key: &[u8]) {
        if self.hold_expired
            && let Some(id) = self.dict.find(key)
        {
            self.clear_expire(id);
            self.free_node(id, Free::lazy_if(self.lazy_expire));
        }
    }

    /// Unlinks node `id` and drops its value (a collection leaves the
    /// slab, freed as `how` says).
    fn free_node(&mut self, id: u32, how: Free) -> Node {
        self.preserve(id);
        if self.kind(id) != Kind::String {
            self.drop_obj(self.obj_index(id), how);
        }
        self.dict.remove(id)
    }

    /// Drops collection value `i` as `how` says.
    fn drop_obj(&mut self, i: usize, how: Free) {
        let obj = self.objs.remove(i);
        if obj.free_effort() <= crate::lazyfree::THRESHOLD {
            return drop(obj);
        }
        match how {
            Free::Lazy => crate::lazyfree::free(obj),
            Free::Inline => crate::lazyfree::free_quietly(obj),
            Free::Evicted => crate::lazyfree::free_evicted(obj),
        }
    }

    /// The string value of node `id`.
    /// Callers check `kind` first; a collection reads as an empty string.
    pub fn value(&self, id: u32) -> Value<'_> {
        let node = self.dict.node(id);
        if node.meta & KIND_MASK != 0 {
            return Value::Str(&[]);
        }
        if node.meta & ENC_MASK == ENC_INT {
            let v = node.value();
            let mut raw = [0u8; 8];
            raw.copy_from_slice(&v[..8]);
            Value::Int(i64::from_le_bytes(raw))
        } else {
            Value::Str(node.value())
        }
    }

    /// OBJECT ENCODING's name for node `id`.
    pub fn encoding(&self, id: u32) -> &'static str {
        if self.kind(id) != Kind::String {
            return self.obj(id).encoding();
        }
        match self.dict.node(id).meta & ENC_MASK {
            ENC_INT => "int",
            ENC_EMBSTR => "embstr",
            _ => "raw",
        }
    }

    /// Seconds since the key was last accessed (OBJECT IDLETIME).
    pub fn idle_seconds(&self, id: u32, now: u64) -> u64 {
        let lru = (self.dict.node(id).meta >> LRU_SHIFT) as u64;
        let clock = lru_clock(now) as u64;
        if clock >= lru {
            clock - lru
        } else {
            clock + (LRU_MAX - lru)
        }
    }

    fn encode_value(&self, value: &[u8], enc: Encoding) -> (u32, Option<[u8; 8]>) {
        if enc == Encoding::Auto
            && value.len() <= 20
            && let Some(n) = parse_i64(value)
        {
            let shared = if self.share_ints && (0..SHARED_INTEGERS).contains(&n) {
                SHARED
            } else {
                0
            };
            return (ENC_INT | shared, Some(n.to_le_bytes()));
        }
        if enc != Encoding::Raw && value.len() <= EMBSTR_MAX {
            (ENC_EMBSTR, None)
        } else {
            (ENC_RAW, None)
        }
    }

    /// Stores a string under `key`, replacing any value. The TTL is cleared
    /// unless `keep_ttl`. Returns the node handle.
    pub fn set(&mut self, key: &[u8], value: &[u8], enc: Encoding, keep_ttl: bool, now: u64) -> u32 {
        let (encoding, int) = self.encode_value(value, enc);
        let stored: &[u8] = match &int {
            Some(bytes) => bytes,
            None => value,
        };
        let clock = self.new_clock(now);
        match self.dict.find(key) {
            Some(id) => {
                self.preserve(id);
                // A held key past its TTL is gone for a client's write
                // (not for the master's, which decides when it expires):
                // its TTL is not kept.
                let held_expired = self.hold_expired && !self.replaying && self.is_expired(id, now);
                if !keep_ttl || held_expired {
                    self.clear_expire(id);
                }
                if self.kind(id) != Kind::String {
                    // A string replaces a collection (SET on any type).
                    self.drop_obj(self.obj_index(id), Free::lazy_if(self.lazy_server_del));
                }
                let node = self.dict.node_mut(id);
                // A kept TTL's block moves to the end of the new value.
                let ttl = Ttl::take(node);
                let at = node.value_offset();
                let len = at + stored.len() + ttl.map_or(0, |_| dict::TTL_LEN);
                if len <= node.data.capacity() && node.data.capacity() - len < 16 {
                    // Same size class: overwrite in place, no allocation.
                    node.data.truncate(at);
                    node.data.extend_from_slice(stored);
                } else {
                    let mut data = Vec::with_capacity(len);
                    data.extend_from_slice(&node.data[..at]);
                    data.extend_from_slice(stored);
                    node.data = data;
                }
                if let Some(ttl) = ttl {
                    ttl.write(node);
                }
                node.meta = (node.meta & (HAS_EXPIRE | SNAP)) | encoding | clock;
                id
            }
            None => {
                self.note(Note::New, key);
                self.dict
                    .insert_new(dict::encode(key, stored), encoding | clock | self.snap_bit)
            }
        }
    }

    /// Stores an integer under `key` (INCR and friends), keeping the TTL.
    pub fn set_int(&mut self, key: &[u8], n: i64, now: u64) -> u32 {
        let mut digits = [0u8; 20];
        let len = crate::util::number::format_i64(&mut digits, n);
        self.set(key, &digits[..len], Encoding::Auto, true, now)
    }

    /// Gives mutable access to the bytes of a string value, converting it to
    /// the raw encoding first (APPEND, SETRANGE). `f` may resize the value.
    pub fn with_raw_value<R>(&mut self, id: u32, f: impl FnOnce(&mut Vec<u8>, usize) -> R) -> R {
        self.preserve(id);
        // The TTL block steps aside while the value changes.
        let ttl = Ttl::take(self.dict.node_mut(id));
        if let Value::Int(n) = self.value(id) {
            let mut digits = [0u8; 20];
            let len = crate::util::number::format_i64(&mut digits, n);
            let node = self.dict.node_mut(id);
            let at = node.value_offset();
            node.data.truncate(at);
            node.data.extend_from_slice(&digits[..len]);
        }
        let node = self.dict.node_mut(id);
        node.meta = (node.meta & !(ENC_MASK | SHARED)) | ENC_RAW;
        let at = node.value_offset();
        let result = f(&mut node.data, at);
        if let Some(ttl) = ttl {
            ttl.write(node);
        }
        result
    }

    /// Deletes `key`; true if it existed (and had not expired).
    pub fn delete(&mut self, key: &[u8], now: u64) -> bool {
        match self.lookup(key, now) {
            Some(id) => {
                self.remove_id(id);
                true
            }
            None => false,
        }
    }

    // ---- eviction ----------------------------------------------------------------

    /// A key for an eviction policy to weigh, picked uniformly with `rand`:
    /// any key, or with `volatile` one with a TTL.
    pub fn sample(&self, volatile: bool, mut rand: impl FnMut() -> u64) -> Option<u32> {
        if volatile {
            let n = self.volatile.len() as u64;
            (n > 0).then(|| self.volatile[(rand() % n) as usize])
        } else {
            self.dict.random(rand)
        }
    }

    /// Every key eviction may weigh (any key, or with `volatile` those with
    /// a TTL) when there are at most `count` of them: sampling that many
    /// at random would miss some, where Redis's `dictGetSomeKeys` returns
    /// each once.
    pub fn all_candidates(&self, volatile: bool, count: usize) -> Option<Vec<u32>> {
        if volatile {
            (self.volatile.len() <= count).then(|| self.volatile.iter().copied().collect())
        } else {
            (self.dict.len() <= count).then(|| self.dict.ids().collect())
        }
    }

    /// True if handle `id` holds a key now.
    pub fn is_live(&self, id: u32) -> bool {
        self.dict.is_live(id)
    }

    /// The table's hash of node `id`'s key: tells a key from another one
    /// that took its handle later.
    pub fn key_hash(&self, id: u32) -> u64 {
        self.dict.hash_of(self.dict.node(id).key())
    }

    /// Deletes node `id` to free memory (`maxmemory`), recording the
    /// `evicted` note; a big collection is freed on the lazyfree thread
    /// (counted as a lazy free with `lazy`). Returns the bytes the deletion
    /// freed here (the note's copy of the key is not counted against them).
    pub fn evict(&mut self, id: u32, lazy: bool) -> i64 {
        if self.note_mask & NOTE_EVICTED != 0 {
            self.notes.push((Note::Evicted, self.dict.node(id).key().into()));
        }
        let before = crate::memory::allocated() as i64;
        // Without `lazyfree-lazy-eviction` a value is freed here, as Redis
        // does, so what the deletion freed shows at once; only a value too
        // big to free without a stall goes to the lazyfree thread, and
        // eviction waits for it (`evict::perform`).
        self.remove_with(id, if lazy { Free::Lazy } else { Free::Evicted });
        before - crate::memory::allocated() as i64
    }

    /// Removes node `id` and its TTL, as a command deleting or replacing
    /// a key for itself does (Redis's `dbDelete`: lazy with
    /// `lazyfree-lazy-server-del`); returns the removed node.
    pub fn remove_id(&mut self, id: u32) -> Node {
        self.remove_with(id, Free::lazy_if(self.lazy_server_del))
    }

    /// Removes node `id` and its TTL, its value freed as `how` says.
    pub fn remove_with(&mut self, id: u32, how: Free) -> Node {
        self.clear_expire(id);
        self.free_node(id, how)
    }

    /// Moves or copies the value (and TTL) of node `id` of `dbs[from]` to
    /// `key` in `dbs[to]`, where it must not exist (RENAME, MOVE, COPY).
    /// A move keeps the value's encoding, sharing and access clock, as
    /// Redis moves the object itself; a copy is a new, unshared object.
    pub fn transfer(dbs: &mut [Db], from: usize, id: u32, to: usize, key: &[u8], copy: bool) -> u32 {
        if !copy {
            dbs[from].preserve(id);
        }
        let src = &dbs[from];
        let ttl = src.expire_at(id);
        let node = src.dict.node(id);
        let mut meta = (node.meta & !(HAS_EXPIRE | SNAP)) | dbs[to].snap_bit;
        // A collection moves between slabs (or is cloned for COPY).
        let obj = if src.kind(id) == Kind::String {
            None
        } else {
            let i = src.obj_index(id);
            Some(if copy {
                src.objs[i].clone()
            } else {
                dbs[from].objs.remove(i)
            })
        };
        let src = &dbs[from];
        let data = match &obj {
            Some(_) => Vec::new(),
            None => dict::encode(key, src.dict.node(id).value()),
        };
        if copy {
            meta = (meta & !SHARED & ((1 << LRU_SHIFT) - 1)) | dbs[to].new_clock(crate::server::now_ms());
        } else {
            dbs[from].clear_expire(id);
            dbs[from].dict.remove(id);
        }
        let data = match obj {
            Some(obj) => {
                let index = dbs[to].objs.insert(obj) as u32;
                dict::encode(key, &index.to_le_bytes())
            }
            None => data,
        };
        dbs[to].drop_held(key);
        dbs[to].note(Note::New, key);
        let new = dbs[to].dict.insert_new(data, meta);
        if let Some(at) = ttl {
            dbs[to].set_expire(new, at);
        }
        new
    }

    /// True for one of Redis's shared integer objects (OBJECT REFCOUNT).
    pub fn is_shared(&self, id: u32) -> bool {
        self.dict.node(id).meta & SHARED != 0
    }

    // ---- TTLs ---------------------------------------------------------------------

    /// The absolute deadline (ms) of node `id`, if it has one.
    pub fn expire_at(&self, id: u32) -> Option<u64> {
        Ttl::read(self.dict.node(id)).map(|t| t.at)
    }

    /// Sets node `id` to expire at `at` ms, replacing any TTL.
    pub fn set_expire(&mut self, id: u32, at: u64) {
        if !self.replaying
            && let Some(keys) = &mut self.local_ttls
        {
            keys.push(self.dict.node(id).key().to_vec());
        }
        self.preserve(id);
        let slot = match Ttl::read(self.dict.node(id)) {
            Some(old) => {
                self.wheel.cancel(old.timer);
                old.slot
            }
            None => {
                self.volatile.push(id);
                (self.volatile.len() - 1) as u32
            }
        };
        let timer = self.wheel.insert(at, id);
        Ttl { at, timer, slot }.write(self.dict.node_mut(id));
    }

    /// Removes node `id`'s TTL; true if it had one.
    pub fn clear_expire(&mut self, id: u32) -> bool {
        if self.dict.node(id).meta & HAS_EXPIRE == 0 {
            return false;
        }
        self.preserve(id);
        let Some(ttl) = Ttl::take(self.dict.node_mut(id)) else {
            return false;
        };
        self.wheel.cancel(ttl.timer);
        // The last volatile handle takes the freed place in the list.
        let slot = ttl.slot as usize;
        self.volatile.swap_remove(slot);
        if let Some(&moved) = self.volatile.get(slot) {
            let node = self.dict.node_mut(moved);
            if let Some(t) = Ttl::read(node) {
                Ttl { slot: ttl.slot, ..t }.write(node);
            }
        }
        true
    }

    /// Active expiry: deletes keys whose deadline is `<= now`, at most
    /// `budget` timers per call. Returns (keys deleted, more work pending).
    pub fn expire_due(&mut self, now: u64, budget: usize) -> (usize, bool) {
        if self.wheel.is_empty() {
            return (0, false);
        }
        let mut fired = std::mem::take(&mut self.fired);
        fired.clear();
        let more = self.wheel.poll(now, budget, &mut fired);
        let mut deleted = 0;
        for &(timer, id) in &fired {
            // A handle whose TTL has another timer was given a new TTL (or
            // freed and reused) since: the timer is stale.
            match Ttl::read(self.dict.node(id)) {
                Some(t) if t.timer == timer && t.at <= now => {
                    if self.note_mask & NOTE_EXPIRED != 0 {
                        self.notes.push((Note::Expired, self.dict.node(id).key().into()));
                    }
                    self.clear_expire(id);
                    self.free_node(id, Free::lazy_if(self.lazy_expire));
                    self.expired += 1;
                    deleted += 1;
                }
                Some(t) if t.timer == timer => {
                    // Fired early (cannot happen with an exact wheel): re-arm.
                    let timer = self.wheel.insert(t.at, id);
                    Ttl { timer, ..t }.write(self.dict.node_mut(id));
                }
                _ => {}
            }
        }
        self.fired = fired;
        (deleted, more)
    }

    /// Active rehashing: moves up to `buckets` buckets of a table being
    /// resized. Returns true while there is more to move.
    pub fn rehash_step(&mut self, buckets: usize) -> bool {
        self.dict.rehash_step(buckets)
    }

    /// The earliest time active expiry may have work, for the poll timeout.
    pub fn next_deadline(&self) -> Option<u64> {
        if self.wheel.is_empty() {
            return None;
        }
        self.wheel.next_deadline()
    }

    // ---- snapshots ----------------------------------------------------------------

    /// Before node `id` changes or goes: a running snapshot that does not
    /// have it yet saves it now, as it was.
    #[inline]
    fn preserve(&mut self, id: u32) {
        if self.snap.is_some() {
            self.preserve_slow(id);
        }
    }

    #[cold]
    fn preserve_slow(&mut self, id: u32) {
        let Some(mut snap) = self.snap.take() else { return };
        if snap.owes_rest_of(id) {
            // A big value the walk is writing a part at a time: the rest
            // is written now, before it changes.
            snap.finish_partial(self);
        } else if !self.is_saved(id) {
            snap.save_key(self, id);
            self.mark_saved(id);
        }
        self.snap = Some(snap);
    }

    /// True if the running snapshot has node `id` (or it is newer).
    pub fn is_saved(&self, id: u32) -> bool {
        self.dict.node(id).meta & SNAP == self.snap_bit
    }

    pub fn mark_saved(&mut self, id: u32) {
        let bit = self.snap_bit;
        let node = self.dict.node_mut(id);
        node.meta = (node.meta & !SNAP) | bit;
    }

    /// Starts a snapshot of this database: every key present is owed.
    pub fn begin_snapshot(&mut self, snap: Box<crate::persist::snapshot::DbSnap>) {
        self.snap_bit ^= SNAP;
        self.snap = Some(snap);
    }

    /// Ends this database's part of a snapshot. One that did not walk
    /// every key (an aborted save) marks the rest saved, so the next
    /// snapshot starts from a clean slate.
    pub fn end_snapshot(&mut self, complete: bool) {
        self.snap = None;
        if !complete {
            let ids: Vec<u32> = self.dict.ids().filter(|&id| !self.is_saved(id)).collect();
            for id in ids {
                self.mark_saved(id);
            }
        }
    }

    // ---- whole-keyspace operations ---------------------------------------------

    /// Empties the database (a running snapshot saves the keys it still
    /// owes first) and hands back everything it held, for the caller to
    /// drop here or on the lazyfree thread. Nothing is cleared in place:
    /// with millions of keys even the timer wheel's reset takes tens of
    /// milliseconds, so the wheel is replaced as well (its timer ids lived
    /// only in the keys' TTL blocks, dropped with them).
    pub fn flush(&mut self) -> Flushed {
        if self.snap.is_some() {
            let ids: Vec<u32> = self.dict.ids().collect();
            for id in ids {
                self.preserve(id);
            }
        }
        let now = self.wheel.now();
        Flushed {
            dict: std::mem::take(&mut self.dict),
            objs: std::mem::take(&mut self.objs),
            volatile: std::mem::take(&mut self.volatile),
            wheel: std::mem::replace(&mut self.wheel, Wheel::new(now)),
            snap_bit: self.snap_bit,
        }
    }

    /// Puts in what `flush` took, from this database (a failed `swapdb`
    /// load) or another (an `async_loading` swap), handing over what it
    /// held meanwhile. No snapshot may be running: the keys keep the
    /// snapshot bit they were marked with, which becomes the database's.
    pub fn restore(&mut self, kept: Flushed) -> Flushed {
        debug_assert!(self.snap.is_none(), "restore during a snapshot");
        let meanwhile = self.flush();
        self.dict = kept.dict;
        self.objs = kept.objs;
        self.volatile = kept.volatile;
        self.wheel = kept.wheel;
        self.snap_bit = kept.snap_bit;
        self.fired.clear();
        meanwhile
    }

    /// One SCAN step over the table; see [`Dict::scan_step`].
    pub fn scan_step(&self, cursor: u64, f: impl FnMut(u32, &Node)) -> u64 {
        self.dict.scan_step(cursor, f)
    }

    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.dict.ids()
    }

    pub fn random(&self, rand: impl FnMut() -> u64) -> Option<u32> {
        self.dict.random(rand)
    }

    /// True if node `id`'s TTL has passed (it will be deleted on next access).
    pub fn is_expired(&self, id: u32, now: u64) -> bool {
        self.expire_at(id).is_some_and(|at| at <= now)
    }

    /// Checks the database's internal invariants (for fuzzing and tests):
    /// every node is found by its key, TTL flags agree with the expires
    /// index, no collection is empty, every collection node owns exactly one
    /// slab object, encodings are ones Redis names.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut count = 0;
        let mut collections = 0;
        for id in self.dict.ids() {
            count += 1;
            let key = self.dict.node(id).key();
            if self.dict.find(key) != Some(id) {
                return Err(format!("node {id} not found by its key {key:?}"));
            }
            if let Some(ttl) = Ttl::read(self.dict.node(id))
                && self.volatile.get(ttl.slot as usize) != Some(&id)
            {
                return Err(format!("TTL of {key:?} not at its place in the volatile list"));
            }
            let encoding = self.encoding(id);
            if self.kind(id) != Kind::String {
                collections += 1;
                let obj = self.obj(id);
                if obj.is_empty() {
                    return Err(format!("empty {} left in the keyspace: {key:?}", obj.kind().name()));
                }
                if obj.kind() != self.kind(id) {
                    return Err(format!("node kind and object kind differ for {key:?}"));
                }
            }
            let known = [
                "int",
                "embstr",
                "raw",
                "quicklist",
                "intset",
                "hashtable",
                "listpack",
                "skiplist",
            ];
            if !known.contains(&encoding) {
                return Err(format!("unknown encoding {encoding} for {key:?}"));
            }
        }
        if count != self.dict.len() {
            return Err(format!("table holds {count} nodes but counts {}", self.dict.len()));
        }
        let flagged = self
            .dict
            .ids()
            .filter(|&id| self.dict.node(id).meta & HAS_EXPIRE != 0)
            .count();
        if flagged != self.volatile.len() {
            return Err(format!(
                "{flagged} keys with a TTL but {} in the volatile list",
                self.volatile.len()
            ));
        }
        if self.objs.len() != collections {
            return Err(format!("{} objects for {collections} collection keys", self.objs.len()));
        }
        Ok(())
    }

    /// Heap bytes of the keyspace table (nodes and buckets), for MEMORY
    /// STATS' `overhead.hashtable.main`.
    pub fn table_overhead(&self) -> usize {
        self.dict.overhead()
    }

    /// One key's share of the bucket array, in bytes.
    pub fn bucket_share(&self) -> usize {
        self.dict.bucket_bytes().div_ceil(self.dict.len().max(1))
    }

    /// Heap bytes of the TTL index (the list of keys with a TTL and the
    /// timer wheel), for `overhead.hashtable.expires`.
    pub fn expires_overhead(&self) -> usize {
        self.volatile.heap_bytes() + self.wheel.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        let mut db = Db::new(0);
        let id = db.set(b"a", b"123", Encoding::Auto, false, 0);
        assert_eq!(db.encoding(id), "int");
        assert_eq!(db.value(id), Value::Int(123));
        let id = db.set(b"a", b"0123", Encoding::Auto, false, 0);
        assert_eq!(db.encoding(id), "embstr");
        assert_eq!(db.value(id), Value::Str(b"0123"));
        let long = vec![b'x'; 45];
        let id = db.set(b"a", &long, Encoding::Auto, false, 0);
        assert_eq!(db.encoding(id), "raw");
        let id = db.set(b"a", b"5", Encoding::Bytes, false, 0);
        assert_eq!(db.encoding(id), "embstr");
        db.with_raw_value(id, |data, _| data.push(b'6'));
        assert_eq!(db.encoding(id), "raw");
        assert_eq!(db.value(id), Value::Str(b"56"));
    }

    #[test]
    fn lazy_and_active_expiry() {
        let mut db = Db::new(0);
        let a = db.set(b"a", b"1", Encoding::Auto, false, 0);
        db.set_expire(a, 100);
        let b = db.set(b"b", b"1", Encoding::Auto, false, 0);
        db.set_expire(b, 200);
        assert!(db.lookup(b"a", 99).is_some());
        assert!(db.lookup(b"a", 100).is_none());
        assert_eq!(db.expired, 1);
        assert_eq!(db.expire_due(150, 100), (0, false));
        assert_eq!(db.len(), 1);
        assert_eq!(db.expire_due(200, 100), (1, false));
        assert_eq!(db.len(), 0);
        assert_eq!(db.expires_len(), 0);
        assert_eq!(db.expired, 2);
    }

    #[test]
    fn overwrite_clears_or_keeps_ttl() {
        let mut db = Db::new(0);
        let id = db.set(b"k", b"v", Encoding::Auto, false, 0);
        db.set_expire(id, 1000);
        let id = db.set(b"k", b"w", Encoding::Auto, true, 0);
        assert_eq!(db.expire_at(id), Some(1000));
        let id = db.set(b"k", b"x", Encoding::Auto, false, 0);
        assert_eq!(db.expire_at(id), None);
        assert_eq!(db.expire_due(2000, 10), (0, false));
        assert_eq!(db.len(), 1);
    }
}
