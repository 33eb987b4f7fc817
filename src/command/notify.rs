//! Keyspace notifications (Redis's `notify.c`): the event classes of
//! `notify-keyspace-events`, and publishing an event on
//! `__keyspace@<db>__:<key>` (message: the event) and
//! `__keyevent@<db>__:<event>` (message: the key), in that order.
//!
//! A handler reports what it did with [`Ctx::notify`], after the change, as
//! Redis's `notifyKeyspaceEvent` calls sit. Three kinds of event happen
//! below the handlers, inside the database: a key created (`new`, Redis's
//! `dbAdd`), a key deleted because its TTL passed (`expired`, lazily on
//! lookup or actively from the timer wheel) and a key deleted to get under
//! `maxmemory` (`evicted`). The database records those in `Db::notes`
//! while `Db::note_mask` asks for them (deletions also while WATCH,
//! client-side caching or the AOF needs them); they are published
//! before the next event a handler reports and at the end of every command,
//! so the order is the order things happened. Active expiry publishes them
//! from the event loop ([`publish_notes`] with no running client).

use super::Ctx;
use crate::client::Clients;
use crate::db::{NOTE_EVICTED, NOTE_EXPIRED, NOTE_NEW, Note};
use crate::resp::reply::Reply;
use crate::server::State;

pub const KEYSPACE: u32 = 1 << 0; // K
pub const KEYEVENT: u32 = 1 << 1; // E
pub const GENERIC: u32 = 1 << 2; // g
pub const STRING: u32 = 1 << 3; // $
pub const LIST: u32 = 1 << 4; // l
pub const SET: u32 = 1 << 5; // s
pub const HASH: u32 = 1 << 6; // h
pub const ZSET: u32 = 1 << 7; // z
pub const EXPIRED: u32 = 1 << 8; // x
pub const EVICTED: u32 = 1 << 9; // e
pub const STREAM: u32 = 1 << 10; // t
pub const KEY_MISS: u32 = 1 << 11; // m (not part of A)
pub const MODULE: u32 = 1 << 13; // d
pub const NEW: u32 = 1 << 14; // n (not part of A)
/// `A`: every class but key misses and new keys.
pub const ALL: u32 = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

/// Parses a `notify-keyspace-events` value (Redis's
/// `keyspaceEventsStringToFlags`); None if a character is no class.
pub fn parse_classes(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0, |flags, c| {
        Some(
            flags
                | match c {
                    b'A' => ALL,
                    b'g' => GENERIC,
                    b'$' => STRING,
                    b'l' => LIST,
                    b's' => SET,
                    b'h' => HASH,
                    b'z' => ZSET,
                    b'x' => EXPIRED,
                    b'e' => EVICTED,
                    b'K' => KEYSPACE,
                    b'E' => KEYEVENT,
                    b't' => STREAM,
                    b'm' => KEY_MISS,
                    b'd' => MODULE,
                    b'n' => NEW,
                    _ => return None,
                },
        )
    })
}

/// The canonical text of `flags`, as CONFIG GET shows it (Redis's
/// `keyspaceEventsFlagsToString`): `A` when every class of it is set.
pub fn classes_string(flags: u32) -> String {
    let mut s = String::new();
    if flags & ALL == ALL {
        s.push('A');
    } else {
        for (bit, c) in [
            (GENERIC, 'g'),
            (STRING, '$'),
            (LIST, 'l'),
            (SET, 's'),
            (HASH, 'h'),
            (ZSET, 'z'),
            (EXPIRED, 'x'),
            (EVICTED, 'e'),
            (STREAM, 't'),
            (MODULE, 'd'),
            (NEW, 'n'),
        ] {
            if flags & bit != 0 {
                s.push(c);
            }
        }
    }
    for (bit, c) in [(KEYSPACE, 'K'), (KEYEVENT, 'E'), (KEY_MISS, 'm')] {
        if flags & bit != 0 {
            s.push(c);
        }
    }
    s
}

/// Which database-level events (`Db::note_mask`) the classes ask to record.
pub fn note_mask(flags: u32) -> u8 {
    if flags & (KEYSPACE | KEYEVENT) == 0 {
        return 0;
    }
    let mut mask = 0;
    if flags & NEW != 0 {
        mask |= NOTE_NEW;
    }
    if flags & EXPIRED != 0 {
        mask |= NOTE_EXPIRED;
    }
    if flags & EVICTED != 0 {
        mask |= NOTE_EVICTED;
    }
    mask
}

impl Ctx<'_> {
    /// Reports event `event` of class `class` on `key` of the selected
    /// database (Redis's `notifyKeyspaceEvent`).
    pub fn notify(&mut self, class: u32, event: &str, key: &[u8]) {
        let db = self.db;
        self.notify_db(class, event, key, db);
    }

    /// `notify` for a key of database `db`. Every event but a key miss is
    /// also a change WATCH and client-side caching must hear of (Redis
    /// calls `signalModifiedKey` next to `notifyKeyspaceEvent`).
    pub fn notify_db(&mut self, class: u32, event: &str, key: &[u8], db: usize) {
        if class != KEY_MISS && (!self.st.watched.is_empty() || self.st.tracking.active()) {
            self.st.modified.push((db, key.into()));
        }
        if self.st.config.notify_flags & class == 0 {
            return;
        }
        self.flush_notes();
        let own = Some((self.me, &mut *self.reply));
        publish(self.st, self.clients, own, event.as_bytes(), key, db);
    }

    /// Publishes the events the databases recorded so far.
    pub fn flush_notes(&mut self) {
        let own = Some((self.me, &mut *self.reply));
        publish_notes(self.st, self.clients, own);
    }
}

/// Takes, in order, the events recorded by every database: publishes
/// `new`, `expired` and `evicted` to subscribers among `clients` (`own` is
/// the running client and its reply buffer, None when the event loop
/// itself deleted the keys), tells WATCH and client-side caching of each
/// deletion and records it for the AOF.
pub fn publish_notes(st: &mut State, clients: &mut Clients, mut own: Option<(usize, &mut Reply)>) {
    for db in 0..st.dbs.len() {
        if st.dbs[db].notes.is_empty() {
            continue;
        }
        let mut notes = std::mem::take(&mut st.dbs[db].notes);
        for (note, key) in notes.drain(..) {
            let (class, event) = match note {
                Note::New => (NEW, "new"),
                Note::Expired | Note::Evicted => {
                    super::transaction::key_deleted(st, clients, db, &key);
                    let (class, event, lazy) = match note {
                        Note::Expired => (EXPIRED, "expired", st.config.lazyfree_lazy_expire),
                        _ => (EVICTED, "evicted", st.config.eviction.lazy),
                    };
                    if st.prop.on {
                        st.prop.record_deletion(db, &key, lazy);
                    }
                    (class, event)
                }
            };
            if st.config.notify_flags & class != 0 {
                let own = own.as_mut().map(|(t, r)| (*t, &mut **r));
                publish(st, clients, own, event.as_bytes(), &key, db);
            }
        }
        // Keep the allocation for the next events.
        if st.dbs[db].notes.is_empty() {
            st.dbs[db].notes = notes;
        }
    }
}

/// Publishes one event on the keyspace and keyevent channels the classes
/// ask for.
fn publish(
    st: &mut State,
    clients: &mut Clients,
    mut own: Option<(usize, &mut Reply)>,
    event: &[u8],
    key: &[u8],
    db: usize,
) {
    let flags = st.config.notify_flags;
    if !st.pubsub.has_receivers() {
        // Nobody can hear it: skip building the channel names.
        return;
    }
    let mut channel = Vec::with_capacity(20 + key.len().max(event.len()));
    if flags & KEYSPACE != 0 {
        channel.extend_from_slice(b"__keyspace@");
        push_db(&mut channel, db);
        channel.extend_from_slice(b"__:");
        channel.extend_from_slice(key);
        let own = own.as_mut().map(|(t, r)| (*t, &mut **r));
        super::pubsub::publish_message(st, clients, own, &channel, event);
    }
    if flags & KEYEVENT != 0 {
        channel.clear();
        channel.extend_from_slice(b"__keyevent@");
        push_db(&mut channel, db);
        channel.extend_from_slice(b"__:");
        channel.extend_from_slice(event);
        super::pubsub::publish_message(st, clients, own, &channel, key);
    }
}

/// Appends database index `db` in decimal, without a temporary string.
fn push_db(out: &mut Vec<u8>, db: usize) {
    let mut digits = [0u8; 20];
    let n = crate::util::number::format_i64(&mut digits, db as i64);
    out.extend_from_slice(&digits[..n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_trip_as_redis() {
        assert_eq!(classes_string(parse_classes(b"KEA").unwrap()), "AKE");
        assert_eq!(classes_string(parse_classes(b"Ex").unwrap()), "xE");
        assert_eq!(classes_string(parse_classes(b"mnKg$").unwrap()), "g$nKm");
        assert_eq!(classes_string(parse_classes(b"Anm").unwrap()), "Am");
        assert_eq!(classes_string(parse_classes(b"").unwrap()), "");
        assert_eq!(parse_classes(b"KEAq"), None);
    }
}
