//! Client-side caching (Redis's `tracking.c`): CLIENT TRACKING, CACHING,
//! GETREDIR, TRACKINGINFO and the invalidation messages.
//!
//! This module owns three things:
//! - the tracking table (`Tracking::keys`): key -> the clients that read it
//!   in default mode and may cache it. Keys are global, not per database,
//!   as in Redis. A reader that closed or stopped tracking is dropped
//!   lazily, when its key is invalidated, so INFO's `tracking_total_keys`
//!   and `tracking_total_items` count it as Redis's do;
//! - the prefix table (`Tracking::prefixes`, BCAST mode): prefix -> the
//!   clients subscribed to it and the keys under it changed since the loop
//!   last slept, each with the client that changed it last (for NOLOOP);
//! - each client's state (`ClientTracking`): mode, redirect, prefixes and
//!   CLIENT CACHING for its next command.
//!
//! Signals come in through `Tracking::modified` (a key changed: called by
//! `transaction::after_command`, where WATCH is touched, and for keys
//! deleted by expiry), `flushed` (FLUSHDB/FLUSHALL), `after_command` (end
//! of every command while tracking is active: remember the keys a
//! read-only command read, trim the table to `tracking-table-max-keys`,
//! send what was queued), `before_sleep` (keys expired actively, the BCAST
//! batches of Redis's `trackingBroadcastInvalidationMessages`) and
//! `on_close`. Invalidations found during a command are queued and sent at
//! its end; those for the running client itself wait until its reply (or
//! its whole transaction's) is complete, as Redis's `tracking_pending_keys`.
//!
//! A message goes to the tracking client as a RESP3 push (`>2 invalidate
//! [keys]`), or to its REDIRECT client: a push if that one speaks RESP3,
//! else a Pub/Sub `message` on `__redis__:invalidate` if it is subscribed
//! to anything, else nothing (Redis's `sendTrackingMessage`). Like any
//! output, a message that takes a client past its
//! `client-output-buffer-limit` gets it closed.
//!
//! `active()` is the one check the rest of the server makes: it is true
//! while a client tracks or the table holds keys, and the databases then
//! record the keys they expire (`State::sync_notes`).

use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;

use super::outbox::{Outbox, Parts};
use super::table::CommandDef;
use super::table::flags::{PUBSUB, READONLY};
use super::{Args, Ctx, docs, transaction};
use crate::client::{Client, Clients};
use crate::resp::reply::Reply;
use crate::server::State;
use crate::server::state::Rng;
use crate::util::chunked::Chunked;
use crate::util::exttable::ExtTable;

/// Redis's `TrackingChannelName`.
const CHANNEL: &[u8] = b"__redis__:invalidate";

// ---- state -------------------------------------------------------------------------

/// A client as the tables name it: its id, which is never reused, and its
/// slab token, which is, so it is always checked against the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ref {
    id: u64,
    token: usize,
}

/// One client's tracking state (Redis's `CLIENT_TRACKING*` flags and
/// `client_tracking_*` fields).
#[derive(Debug, Default)]
pub struct ClientTracking {
    on: bool,
    bcast: bool,
    optin: bool,
    optout: bool,
    noloop: bool,
    /// CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next
    /// command, or the whole next transaction.
    caching: bool,
    /// The redirect client was gone when a message was due (CLIENT LIST `R`).
    broken_redirect: bool,
    /// Id of the client invalidations go to, 0 for this one; with its token.
    redirect: u64,
    redirect_token: usize,
    /// BCAST prefixes, in byte order (CLIENT TRACKINGINFO lists them so).
    prefixes: BTreeSet<Box<[u8]>>,
}

impl ClientTracking {
    /// Heap bytes of the BCAST prefixes, roughly (for client eviction):
    /// each boxed prefix and its share of a B-tree node.
    pub fn memory(&self) -> usize {
        self.prefixes.iter().map(|p| 32 + p.len()).sum()
    }

    /// The letters CLIENT LIST shows in `flags=`: `t`, `R`, `B`.
    pub fn flag_letters(&self) -> impl Iterator<Item = char> {
        [(self.on, 't'), (self.broken_redirect, 'R'), (self.bcast, 'B')]
            .into_iter()
            .filter_map(|(set, letter)| set.then_some(letter))
    }

    /// CLIENT LIST's `redir=`: the redirect id while tracking, else -1.
    pub fn redir_field(&self) -> i64 {
        if self.on { self.redirect as i64 } else { -1 }
    }

    /// Whether the keys of the read-only command just run are remembered:
    /// default mode, or OPTIN after CACHING YES, or OPTOUT without CACHING NO.
    fn remembers(&self) -> bool {
        self.on && !self.bcast && !((self.optin && !self.caching) || (self.optout && self.caching))
    }
}

/// Keys with their readers, in a vector so that a random key is a random
/// slot (eviction), and a hash table of slot indexes to find a key. Both
/// grow a bounded step at a time (up to `tracking-table-max-keys`, a
/// million by default).
#[derive(Debug, Default)]
struct KeyTable {
    /// Key and its readers, sorted by `id.to_le_bytes()`: the order of
    /// Redis's radix tree of ids, in which it sends the messages.
    slots: Chunked<(Box<[u8]>, Vec<Ref>), 4096>,
    index: ExtTable<usize>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl KeyTable {
    fn len(&self) -> usize {
        self.slots.len()
    }

    fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Forgets every key; a big table is freed on the lazyfree thread (a
    /// FLUSHALL with a million tracked keys would stall the loop).
    fn clear(&mut self) {
        let tables = (std::mem::take(&mut self.slots), std::mem::take(&mut self.index));
        if tables.0.len() > crate::lazyfree::THRESHOLD {
            crate::lazyfree::free_quietly(tables);
        }
    }

    /// The readers of `key`, a new empty entry if it had none.
    fn readers_mut(&mut self, key: &[u8]) -> &mut Vec<Ref> {
        let hash = self.hasher.hash_one(key);
        let slots = &mut self.slots;
        let at = match self.index.find(hash, |&i| *slots[i].0 == *key) {
            Some(&i) => i,
            None => {
                slots.push((key.into(), Vec::new()));
                let hasher = &self.hasher;
                self.index
                    .insert_unique(hash, slots.len() - 1, |&i| hasher.hash_one(&*slots[i].0));
                slots.len() - 1
            }
        };
        &mut slots[at].1
    }

    /// Removes `key`, returning its readers.
    fn remove(&mut self, key: &[u8]) -> Option<Vec<Ref>> {
        let hash = self.hasher.hash_one(key);
        let slots = &self.slots;
        let at = *self.index.find(hash, |&i| *slots[i].0 == *key)?;
        Some(self.remove_at(at).1)
    }

    /// Removes the entry in slot `at`; the last slot moves there.
    fn remove_at(&mut self, at: usize) -> (Box<[u8]>, Vec<Ref>) {
        let hash = self.hasher.hash_one(&*self.slots[at].0);
        self.index.remove(hash, |&i| i == at);
        let last = self.slots.len() - 1;
        if at != last {
            let moved = self.hasher.hash_one(&*self.slots[last].0);
            if let Some(i) = self.index.find_mut(moved, |&i| i == last) {
                *i = at;
            }
        }
        self.slots.swap_remove(at)
    }
}

/// One BCAST prefix (Redis's `bcastState`).
#[derive(Debug, Default)]
struct Bcast {
    /// Keys changed under the prefix since the last broadcast, in byte
    /// order, with the id of the client that changed each last (None:
    /// expiry).
    keys: BTreeMap<Box<[u8]>, Option<u64>>,
    /// Subscribed clients, in subscription order.
    clients: Vec<Ref>,
}

/// A key whose readers must hear it changed.
#[derive(Debug)]
struct Invalidation {
    key: Box<[u8]>,
    readers: Vec<Ref>,
    /// Dropped to keep the table under `tracking-table-max-keys`: not a
    /// change made by the running client, so sent to it at once.
    evicted: bool,
}

/// Server-wide tracking state.
#[derive(Debug, Default)]
pub struct Tracking {
    keys: KeyTable,
    /// Readers over all keys (INFO `tracking_total_items`).
    items: usize,
    prefixes: BTreeMap<Box<[u8]>, Bcast>,
    /// Clients with tracking on (INFO `tracking_clients`).
    clients: usize,
    /// Found during the running command, sent at its end.
    outbox: Vec<Invalidation>,
    /// For the running client: keys (None: all, a flush) to send once its
    /// reply is complete (Redis's `tracking_pending_keys`).
    pending: Vec<Option<Box<[u8]>>>,
    /// Rounds of eviction that could not get under the limit (Redis's
    /// `timeout_counter`): each round tries harder.
    trim_rounds: usize,
    /// A client tracks or the table holds keys; refreshed by `refresh`.
    active: bool,
}

impl Tracking {
    /// Whether changes to keys must be reported here (and the databases
    /// log the keys they expire): a client tracks or keys are tracked.
    pub fn active(&self) -> bool {
        self.active
    }

    /// Invalidations held for the running client until its reply is
    /// complete; they are sent even if that command turned tracking off.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// INFO `tracking_clients`.
    pub fn clients(&self) -> usize {
        self.clients
    }

    /// INFO `tracking_total_keys`.
    pub fn total_keys(&self) -> usize {
        self.keys.len()
    }

    /// INFO `tracking_total_items`.
    pub fn total_items(&self) -> usize {
        self.items
    }

    /// INFO `tracking_total_prefixes`.
    pub fn total_prefixes(&self) -> usize {
        self.prefixes.len()
    }

    /// `key` changed (Redis's `trackingInvalidateKey` with `bcast` set):
    /// `by` is the client that changed it, None for expiry. BCAST prefixes
    /// matching it note it for the next broadcast; its readers are queued
    /// for invalidation and forgotten.
    pub fn modified(&mut self, key: &[u8], by: Option<u64>) {
        for (prefix, bcast) in &mut self.prefixes {
            if key.starts_with(prefix) {
                bcast.keys.insert(key.into(), by);
            }
        }
        if let Some(readers) = self.keys.remove(key) {
            self.items -= readers.len();
            self.outbox.push(Invalidation {
                key: key.into(),
                readers,
                evicted: false,
            });
        }
    }

    /// Adds client `who` to the readers of `key`.
    fn remember(&mut self, key: &[u8], who: Ref) {
        let readers = self.keys.readers_mut(key);
        if let Err(at) = readers.binary_search_by_key(&who.id.to_le_bytes(), |r| r.id.to_le_bytes()) {
            readers.insert(at, who);
            self.items += 1;
        }
    }

    /// Subscribes `who` to BCAST prefix `prefix` (Redis's
    /// `enableBcastTrackingForPrefix`).
    fn subscribe(&mut self, t: &mut ClientTracking, who: Ref, prefix: &[u8]) {
        let bcast = self.prefixes.entry(prefix.into()).or_default();
        if !bcast.clients.contains(&who) {
            bcast.clients.push(who);
            t.prefixes.insert(prefix.into());
        }
    }

    /// Turns tracking off for a client (Redis's `disableTracking`): it
    /// leaves its prefixes now, the key table lazily.
    fn disable(&mut self, t: &mut ClientTracking, id: u64) {
        if t.bcast {
            for prefix in std::mem::take(&mut t.prefixes) {
                if let Some(bcast) = self.prefixes.get_mut(&prefix) {
                    bcast.clients.retain(|r| r.id != id);
                    if bcast.clients.is_empty() {
                        self.prefixes.remove(&prefix);
                    }
                }
            }
        }
        if t.on {
            self.clients -= 1;
            let (redirect, redirect_token) = (t.redirect, t.redirect_token);
            *t = ClientTracking {
                redirect,
                redirect_token,
                ..Default::default()
            };
        }
    }

    /// Drops random keys until the table holds at most `max` (0: no
    /// limit), queueing invalidations for their readers, with Redis's
    /// effort per round (`trackingLimitUsedSlots`).
    fn trim(&mut self, max: usize, rng: &mut Rng) {
        if max == 0 || self.keys.len() <= max {
            self.trim_rounds = 0;
            return;
        }
        for _ in 0..100 * (self.trim_rounds + 1) {
            if self.keys.is_empty() {
                break;
            }
            let at = (rng.next_u64() % self.keys.len() as u64) as usize;
            let (key, readers) = self.keys.remove_at(at);
            self.items -= readers.len();
            self.outbox.push(Invalidation {
                key,
                readers,
                evicted: true,
            });
            if self.keys.len() <= max {
                self.trim_rounds = 0;
                return;
            }
        }
        self.trim_rounds += 1;
    }
}

/// Keeps `Tracking::active` in step with the tables, and the databases'
/// recording of expiries with it.
fn refresh(st: &mut State) {
    let want = st.tracking.clients > 0 || !st.tracking.keys.is_empty();
    if want == st.tracking.active {
        return;
    }
    st.tracking.active = want;
    st.sync_notes();
}

// ---- sending -----------------------------------------------------------------------

/// Splits `st` into the tracking tables and what sending needs.
fn split(st: &mut State) -> (&mut Tracking, Parts<'_>) {
    let parts = Parts {
        woken: &mut st.woken,
        kills: &mut st.kills,
        limit_closed: &mut st.stats.client_obuf_limit_disconnections,
        limits: &st.config.client_output_limits,
    };
    (&mut st.tracking, parts)
}

/// The live client `r` names.
fn get<'c>(out: &'c Outbox, r: Ref) -> Option<&'c Client> {
    out.client(r.token).filter(|c| c.id == r.id)
}

/// What an invalidation message carries.
enum Payload<'a> {
    /// One key: `*1 $key`.
    Key(&'a [u8]),
    /// Every key (a flush): null, in the protocol of the tracking client.
    All,
    /// An array of keys already encoded (BCAST).
    Encoded(&'a [u8]),
}

/// Sends an invalidation meant for tracking client `token` (Redis's
/// `sendTrackingMessage`).
fn send(out: &mut Outbox, token: usize, payload: Payload) {
    let Some(c) = out.client(token) else { return };
    let (redirect, redirect_token) = (c.tracking.redirect, c.tracking.redirect_token);
    let null: &[u8] = if out.resp3(token) { b"_\r\n" } else { b"$-1\r\n" };
    let mut dest = token;
    if redirect != 0 {
        let target = Ref {
            id: redirect,
            token: redirect_token,
        };
        if get(out, target).is_none() {
            if let Some(c) = out.client_mut(token) {
                c.tracking.broken_redirect = true;
            }
            if out.resp3(token) {
                out.send(token, |r| {
                    r.push(2);
                    r.bulk(b"tracking-redir-broken");
                    r.int(redirect as i64);
                });
            }
            return;
        }
        dest = redirect_token;
    }
    let resp3 = out.resp3(dest);
    // RESP2 has no push messages: only a redirect target in subscribed
    // mode can be told, with a Pub/Sub message.
    let pubsub = redirect != 0 && out.client(dest).is_some_and(|c| c.subs.active());
    if !(resp3 || pubsub) {
        return;
    }
    out.send(dest, |r| {
        if resp3 {
            r.push(2);
            r.bulk(b"invalidate");
        } else {
            r.push(3);
            r.bulk(b"message");
            r.bulk(CHANNEL);
        }
        match payload {
            Payload::Key(key) => {
                r.array(1);
                r.bulk(key);
            }
            Payload::All => r.raw(null),
            Payload::Encoded(keys) => r.raw(keys),
        }
    });
}

/// Sends the queued invalidations to the readers still tracking in default
/// mode. The running client's own are held in `pending` (skipped under
/// NOLOOP), except for evictions.
fn deliver(tr: &mut Tracking, out: &mut Outbox) {
    for inv in std::mem::take(&mut tr.outbox) {
        for &r in &inv.readers {
            let Some(c) = get(out, r) else { continue };
            let t = &c.tracking;
            // A client that switched to BCAST gets no leftover messages.
            if !t.on || t.bcast {
                continue;
            }
            if r.token == out.me() && !inv.evicted {
                if !t.noloop {
                    tr.pending.push(Some(inv.key.clone()));
                }
                continue;
            }
            send(out, r.token, Payload::Key(&inv.key));
        }
    }
}

/// Sends the running client the invalidations held for it (Redis's
/// `trackingHandlePendingKeyInvalidations`).
fn flush_pending(tr: &mut Tracking, out: &mut Outbox) {
    for key in std::mem::take(&mut tr.pending) {
        let me = out.me();
        match key {
            Some(key) => send(out, me, Payload::Key(&key)),
            None => send(out, me, Payload::All),
        }
    }
}

/// `*n $key ...` for the keys changed under a prefix, leaving out those
/// `skip` changed last (NOLOOP); None if that leaves nothing (Redis's
/// `trackingBuildBroadcastReply`).
fn encode_keys(keys: &BTreeMap<Box<[u8]>, Option<u64>>, skip: Option<u64>) -> Option<Vec<u8>> {
    let kept = || keys.iter().filter(|(_, by)| skip.is_none() || **by != skip);
    let n = kept().count();
    if n == 0 {
        return None;
    }
    let mut out = format!("*{n}\r\n").into_bytes();
    for (key, _) in kept() {
        out.extend_from_slice(format!("${}\r\n", key.len()).as_bytes());
        out.extend_from_slice(key);
        out.extend_from_slice(b"\r\n");
    }
    Some(out)
}

/// Sends each BCAST prefix's changed keys to its clients, then forgets
/// them (Redis's `trackingBroadcastInvalidationMessages`).
fn broadcast(tr: &mut Tracking, out: &mut Outbox) {
    if tr.clients == 0 {
        return;
    }
    for bcast in tr.prefixes.values_mut() {
        if bcast.keys.is_empty() {
            continue;
        }
        let all = encode_keys(&bcast.keys, None).unwrap_or_default();
        for &r in &bcast.clients {
            if get(out, r).is_some_and(|c| c.tracking.noloop) {
                if let Some(own) = encode_keys(&bcast.keys, Some(r.id)) {
                    send(out, r.token, Payload::Encoded(&own));
                }
            } else {
                send(out, r.token, Payload::Encoded(&all));
            }
        }
        bcast.keys.clear();
    }
}

// ---- hooks -------------------------------------------------------------------------

/// After every command while tracking is active (`execute` calls it last,
/// past CLIENT REPLY OFF, which push messages ignore): remembers the keys
/// of a read-only command `ran` for a tracking client (Redis's
/// `trackingRememberKeys`), ends CLIENT CACHING's one-command life, trims
/// the table and sends what was queued. Inside EXEC the running client's
/// own messages wait for the end of the transaction.
pub fn after_command(ctx: &mut Ctx, ran: Option<&'static CommandDef>, args: &Args) {
    let me = ctx.me;
    let nested = transaction::in_exec(ctx);
    // Read-only scripts are tracked by the commands they run, not by
    // their declared keys (Redis skips EVAL_RO, EVALSHA_RO and FCALL_RO).
    if let Some(def) = ran
        && def.flags & READONLY != 0
        && def.flags & PUBSUB == 0
        && !matches!(def.name, "eval_ro" | "evalsha_ro" | "fcall_ro")
        && ctx.clients[me].tracking.remembers()
    {
        let who = Ref {
            id: ctx.clients[me].id,
            token: me,
        };
        let name = transaction::command_name(ctx);
        for i in read_keys(def, name, args) {
            ctx.st.tracking.remember(&args[i], who);
        }
    }
    let c = &mut ctx.clients[me];
    // Redis's resetClient: CACHING holds for the next command, or the next
    // transaction, and survives other CLIENT subcommands.
    if !nested && c.tx.multi_count() < 0 && !(ran.is_some() && args.is(0, "client")) {
        c.tracking.caching = false;
    }
    let st = &mut *ctx.st;
    if !nested {
        st.tracking.trim(st.config.tracking_table_max_keys, &mut st.rng);
    }
    let (tr, parts) = split(st);
    let mut out = Outbox::new(Some((me, &mut *ctx.reply)), &mut *ctx.clients, parts, ctx.now);
    deliver(tr, &mut out);
    if !nested {
        flush_pending(tr, &mut out);
    }
    refresh(st);
}

/// Sends the invalidations queued so far from inside a command (Redis's
/// `trackingHandlePendingKeyInvalidations`): keys evicted before the
/// command runs are invalidated before its reply.
pub fn deliver_queued(ctx: &mut Ctx) {
    let st = &mut *ctx.st;
    let (tr, parts) = split(st);
    let mut out = Outbox::new(Some((ctx.me, &mut *ctx.reply)), &mut *ctx.clients, parts, ctx.now);
    deliver(tr, &mut out);
    // The running client's own messages too: nothing of its command has
    // been replied yet.
    flush_pending(tr, &mut out);
    refresh(st);
}

/// Remembers `keys` as read by client `token` if it tracks its reads: a
/// script's declared keys once the script runs a read-only command
/// (Redis tracks a script's caller with the script's keys).
pub fn remember_keys<'a>(
    st: &mut crate::server::State,
    clients: &crate::client::Clients,
    token: usize,
    keys: impl Iterator<Item = &'a [u8]>,
) {
    let c = &clients[token];
    if !c.tracking.remembers() {
        return;
    }
    let who = Ref { id: c.id, token };
    for key in keys {
        st.tracking.remember(key, who);
    }
}

/// Positions of the keys command `def` (full name `name`) read, as Redis's
/// `getKeysFromCommand`: the legacy key range, or the key specs for the
/// commands whose keys move (ZUNION, SINTERCARD, ...).
fn read_keys(def: &CommandDef, name: &str, args: &Args) -> Vec<usize> {
    let argc = args.len() as i32;
    let (first, last, step) = def.keys;
    if first > 0 {
        let last = if last < 0 { argc + last } else { last };
        if last >= argc || step < 1 {
            return Vec::new();
        }
        return (first..=last).step_by(step as usize).map(|i| i as usize).collect();
    }
    let argv: Vec<&[u8]> = args.iter().collect();
    let specs = docs::lookup(name).map_or(&[][..], |d| d.key_specs);
    specs
        .iter()
        .filter_map(|spec| super::server::spec_positions(spec, &argv))
        .flatten()
        .map(|i| i as usize)
        .collect()
}

/// FLUSHDB or FLUSHALL ran (Redis's `trackingInvalidateKeysOnFlush`): every
/// tracking client is told all its keys are invalid, with a null (the
/// running client once its reply is complete), and the table is emptied.
pub fn flushed(ctx: &mut Ctx) {
    invalidate_all(ctx.st, ctx.clients, Some((ctx.me, &mut *ctx.reply)), ctx.now);
}

/// The dataset was replaced outside any command (a replica's full sync):
/// every tracking client drops all it cached (Redis's
/// `trackingInvalidateKeysOnFlush`).
pub fn dataset_replaced(st: &mut State, clients: &mut Clients, now: u64) {
    invalidate_all(st, clients, None, now);
}

/// Every tracking client is told to drop everything; `own` is the
/// running client and its reply, whose message waits for its reply.
fn invalidate_all(st: &mut State, clients: &mut Clients, own: Option<(usize, &mut Reply)>, now: u64) {
    let (tr, parts) = split(st);
    if tr.clients > 0 {
        let me = own.as_ref().map_or(usize::MAX, |(me, _)| *me);
        let mut targets: Vec<(u64, usize)> = clients
            .iter()
            .filter(|(_, c)| c.tracking.on)
            .map(|(t, c)| (c.id, t))
            .collect();
        // In connection order, as Redis's client list.
        targets.sort_unstable();
        let mut out = Outbox::new(own, clients, parts, now);
        for (_, token) in targets {
            if token == me {
                tr.pending.push(None);
            } else {
                send(&mut out, token, Payload::All);
            }
        }
    }
    st.tracking.keys.clear();
    st.tracking.items = 0;
}

/// Before the event loop sleeps, while tracking is active: sends the
/// invalidations queued (keys expiry deleted included), keeps the table
/// under its limit (Redis does
/// that from its cron too, so a CONFIG SET applies on an idle server) and
/// sends the BCAST batches.
pub fn before_sleep(st: &mut State, clients: &mut Clients) {
    st.tracking.trim(st.config.tracking_table_max_keys, &mut st.rng);
    let (tr, parts) = split(st);
    let mut out = Outbox::new(None, clients, parts, crate::server::now_ms());
    deliver(tr, &mut out);
    broadcast(tr, &mut out);
    refresh(st);
}

/// A client is closing: it leaves the prefix table (the key table forgets
/// it lazily).
pub fn on_close(st: &mut State, client: &mut Client) {
    st.tracking.disable(&mut client.tracking, client.id);
    refresh(st);
}

/// RESET turns tracking off (Redis's `clearClientConnectionState`).
pub fn reset(ctx: &mut Ctx) {
    let c = &mut ctx.clients[ctx.me];
    ctx.st.tracking.disable(&mut c.tracking, c.id);
    refresh(ctx.st);
}

// ---- commands ----------------------------------------------------------------------

/// The options of CLIENT TRACKING after ON|OFF.
#[derive(Default)]
struct Options<'a> {
    redirect: Option<Ref>,
    bcast: bool,
    optin: bool,
    optout: bool,
    noloop: bool,
    prefixes: Vec<&'a [u8]>,
}

/// Parses CLIENT TRACKING's options, replying Redis's error on a bad one.
fn parse_options<'a>(ctx: &mut Ctx, args: &Args<'a>) -> Option<Options<'a>> {
    let mut o = Options::default();
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        if args.is(j, "redirect") && more {
            j += 1;
            if o.redirect.is_some() {
                ctx.reply
                    .error(b"ERR A client can only redirect to a single other client");
                return None;
            }
            let id = super::arg_i64(ctx.reply, &args[j])?;
            // The client must exist now, though it may go away later.
            let Some((token, c)) = ctx.clients.iter().find(|(_, c)| c.id as i64 == id) else {
                ctx.reply
                    .error(b"ERR The client ID you want redirect to does not exist");
                return None;
            };
            o.redirect = Some(Ref { id: c.id, token });
        } else if args.is(j, "bcast") {
            o.bcast = true;
        } else if args.is(j, "optin") {
            o.optin = true;
        } else if args.is(j, "optout") {
            o.optout = true;
        } else if args.is(j, "noloop") {
            o.noloop = true;
        } else if args.is(j, "prefix") && more {
            j += 1;
            o.prefixes.push(args.get(j));
        } else {
            ctx.reply.syntax_error();
            return None;
        }
        j += 1;
    }
    Some(o)
}

/// The error for an option combination CLIENT TRACKING ON refuses, in
/// Redis's order of checks.
fn refusal(t: &ClientTracking, o: &Options) -> Option<&'static [u8]> {
    if !o.bcast && !o.prefixes.is_empty() {
        return Some(b"ERR PREFIX option requires BCAST mode to be enabled");
    }
    if t.on && t.bcast != o.bcast {
        return Some(
            b"ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
        );
    }
    if o.bcast && (o.optin || o.optout) {
        return Some(b"ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if o.optin && o.optout {
        return Some(b"ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if (o.optin && t.optout) || (o.optout && t.optin) {
        return Some(
            b"ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
        );
    }
    None
}

/// True if two prefixes would both match some key.
fn overlap(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Redis's `checkPrefixCollisionsOrReply`, returning true to refuse.
/// Deliberately not byte-for-byte with 7.0.15 in one case: there an overlap
/// between two new prefixes found past the first one returns the index,
/// which reads as success, so the error is followed by +OK (two replies to
/// one command, which desynchronises every client library). Here any
/// overlap is refused with the error alone, as later Redis versions do.
fn prefixes_refused(reply: &mut Reply, existing: &BTreeSet<Box<[u8]>>, new: &[&[u8]]) -> bool {
    let quote = |msg: &mut Vec<u8>, p: &[u8]| {
        msg.push(b'\'');
        msg.extend_from_slice(p);
        msg.push(b'\'');
    };
    const TAIL: &[u8] = b". Prefixes for a single client must not overlap.";
    for (i, &p) in new.iter().enumerate() {
        if let Some(old) = existing.iter().find(|old| overlap(old, p)) {
            let mut msg = b"ERR Prefix ".to_vec();
            quote(&mut msg, p);
            msg.extend_from_slice(b" overlaps with an existing prefix ");
            quote(&mut msg, old);
            msg.extend_from_slice(TAIL);
            reply.error(&msg);
            return true;
        }
        if let Some(&other) = new[i + 1..].iter().find(|other| overlap(p, other)) {
            let mut msg = b"ERR Prefix ".to_vec();
            quote(&mut msg, p);
            msg.extend_from_slice(b" overlaps with another provided prefix ");
            quote(&mut msg, other);
            msg.extend_from_slice(TAIL);
            reply.error(&msg);
            return true;
        }
    }
    false
}

/// `CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX prefix ...] [BCAST]
/// [OPTIN] [OPTOUT] [NOLOOP]`
pub fn client_tracking(ctx: &mut Ctx, args: &Args) {
    let Some(o) = parse_options(ctx, args) else { return };
    let me = ctx.me;
    if args.is(2, "off") {
        reset(ctx);
        ctx.reply.ok();
        return;
    }
    if !args.is(2, "on") {
        ctx.reply.syntax_error();
        return;
    }
    let c = &mut ctx.clients[me];
    if let Some(msg) = refusal(&c.tracking, &o) {
        ctx.reply.error(msg);
        return;
    }
    if o.bcast && prefixes_refused(ctx.reply, &c.tracking.prefixes, &o.prefixes) {
        return;
    }
    // Redis's enableTracking.
    let t = &mut c.tracking;
    let tr = &mut ctx.st.tracking;
    if !t.on {
        tr.clients += 1;
    }
    t.on = true;
    t.broken_redirect = false;
    t.bcast = o.bcast;
    t.optin = o.optin;
    t.optout = o.optout;
    t.noloop = o.noloop;
    let redirect = o.redirect.unwrap_or(Ref { id: 0, token: 0 });
    t.redirect = redirect.id;
    t.redirect_token = redirect.token;
    if o.bcast {
        let who = Ref { id: c.id, token: me };
        if o.prefixes.is_empty() {
            tr.subscribe(t, who, b"");
        }
        for p in &o.prefixes {
            tr.subscribe(t, who, p);
        }
    }
    refresh(ctx.st);
    ctx.reply.ok();
}

/// `CLIENT CACHING YES|NO`: in OPTIN mode, track the keys of the next
/// command; in OPTOUT mode, do not.
pub fn client_caching(ctx: &mut Ctx, args: &Args) {
    let t = &mut ctx.clients[ctx.me].tracking;
    if !t.on {
        ctx.reply.error(
            b"ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
        );
    } else if args.is(2, "yes") {
        if t.optin {
            t.caching = true;
            ctx.reply.ok();
        } else {
            ctx.reply
                .error(b"ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        }
    } else if args.is(2, "no") {
        if t.optout {
            t.caching = true;
            ctx.reply.ok();
        } else {
            ctx.reply
                .error(b"ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        }
    } else {
        ctx.reply.syntax_error();
    }
}

/// `CLIENT GETREDIR`: the redirect id (0: none) while tracking, else -1.
pub fn client_getredir(ctx: &mut Ctx, _args: &Args) {
    let redir = ctx.clients[ctx.me].tracking.redir_field();
    ctx.reply.int(redir);
}

/// `CLIENT TRACKINGINFO`: a map of `flags` (a set), `redirect`, `prefixes`.
pub fn client_trackinginfo(ctx: &mut Ctx, _args: &Args) {
    let t = &ctx.clients[ctx.me].tracking;
    let mut flags: Vec<&[u8]> = vec![if t.on { b"on" } else { b"off" }];
    if t.bcast {
        flags.push(b"bcast");
    }
    if t.optin {
        flags.push(b"optin");
        if t.caching {
            flags.push(b"caching-yes");
        }
    }
    if t.optout {
        flags.push(b"optout");
        if t.caching {
            flags.push(b"caching-no");
        }
    }
    if t.noloop {
        flags.push(b"noloop");
    }
    if t.broken_redirect {
        flags.push(b"broken_redirect");
    }
    let r = &mut *ctx.reply;
    r.map(3);
    r.bulk(b"flags");
    r.set(flags.len());
    for f in flags {
        r.bulk(f);
    }
    r.bulk(b"redirect");
    r.int(t.redir_field());
    r.bulk(b"prefixes");
    r.array(t.prefixes.len());
    for p in &t.prefixes {
        r.bulk(p);
    }
}
