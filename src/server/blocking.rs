//! Clients blocked on keys (BLPOP and friends): who waits for which key, in
//! arrival order, until when; which keys became ready; and serving them.
//!
//! A blocking command that finds nothing to pop calls `Ctx::block`, which
//! keeps a copy of its arguments (the one copy made for a blocked client),
//! queues the client on each key in FIFO order and, for a finite timeout,
//! arms a timer in the blocking wheel — the same timer wheel type that
//! drives key expiry. A command that adds elements to a key somebody waits
//! on calls `Ctx::signal_ready`. After each command the loop serves the
//! ready keys: the first waiter of each is unblocked and its command runs
//! again, as Redis 7.2 does; if it finds nothing (another waiter took it),
//! it blocks again at the back of the queue. A timer firing unblocks the
//! client with a null reply; a client that disconnects leaves no trace.
//!
//! Invariant: a client is in the queue of every key of its `Blocked`
//! record, and in no other queue, exactly while `Client::blocked` is set.

use hashbrown::HashMap;
use std::collections::VecDeque;

use crate::expiry::{TimerId, Wheel};

/// Why a blocked client was released without its command being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Its timeout passed (or CLIENT UNBLOCK ... TIMEOUT).
    Timeout,
    /// CLIENT UNBLOCK ... ERROR.
    Error,
}

/// What a blocked client waits for.
#[derive(Debug)]
pub struct Blocked {
    pub db: usize,
    pub keys: Vec<Box<[u8]>>,
    /// The command to run again when a key is ready.
    pub args: Vec<Vec<u8>>,
    timer: Option<TimerId>,
    /// Reply on timeout: a null array (BLPOP family) or a null bulk
    /// (BLMOVE, BRPOPLPUSH).
    pub null_array: bool,
    /// WAIT: the replication offset to be acknowledged, by how many
    /// replicas (no keys then; the reply is the count of acks).
    pub wait: Option<(u64, usize)>,
}

impl Blocked {
    /// True if the client waits with a finite timeout.
    /// The type of value the blocked command pops: sorted sets for
    /// BZPOPMIN, BZPOPMAX and BZMPOP, lists for the others.
    pub fn waits_for(&self) -> crate::db::Kind {
        let name = self.args.first().map_or(&[][..], Vec::as_slice);
        if name.len() >= 2 && name[..2].eq_ignore_ascii_case(b"bz") {
            crate::db::Kind::ZSet
        } else {
            crate::db::Kind::List
        }
    }

    pub fn has_timeout(&self) -> bool {
        self.timer.is_some()
    }
}

/// The blocking registry, owned by the server state.
pub struct Blocking {
    waiters: HashMap<(usize, Box<[u8]>), VecDeque<usize>>,
    ready: Vec<(usize, Box<[u8]>)>,
    timers: Wheel<usize>,
    fired: Vec<(TimerId, usize)>,
}

impl Blocking {
    pub fn new(now: u64) -> Blocking {
        Blocking {
            waiters: HashMap::new(),
            ready: Vec::new(),
            timers: Wheel::new(now),
            fired: Vec::new(),
        }
    }

    /// Queues client `token` on each key; `deadline` is absolute ms (None =
    /// forever). Returns the record to store in the client.
    pub fn block(
        &mut self,
        token: usize,
        db: usize,
        keys: Vec<Box<[u8]>>,
        args: Vec<Vec<u8>>,
        deadline: Option<u64>,
        null_array: bool,
    ) -> Blocked {
        for key in &keys {
            let queue = self.waiters.entry((db, key.clone())).or_default();
            if !queue.contains(&token) {
                queue.push_back(token);
            }
        }
        let timer = deadline.map(|at| self.timers.insert(at, token));
        Blocked {
            db,
            keys,
            args,
            timer,
            null_array,
            wait: None,
        }
    }

    /// Removes client `token` from every queue of `blocked` and cancels its
    /// timer.
    pub fn unblock(&mut self, token: usize, blocked: &Blocked) {
        for key in &blocked.keys {
            let k = (blocked.db, key.clone());
            if let Some(queue) = self.waiters.get_mut(&k) {
                queue.retain(|&t| t != token);
                if queue.is_empty() {
                    self.waiters.remove(&k);
                }
            }
        }
        if let Some(timer) = blocked.timer {
            self.timers.cancel(timer);
        }
    }

    /// True if some client waits on `key` in database `db`.
    pub fn is_waited(&self, db: usize, key: &[u8]) -> bool {
        !self.waiters.is_empty() && self.waiters.contains_key(&(db, Box::from(key)))
    }

    /// Records that `key` may now serve its waiters.
    pub fn signal_ready(&mut self, db: usize, key: &[u8]) {
        if self.is_waited(db, key) && !self.ready.iter().any(|(d, k)| *d == db && &**k == key) {
            self.ready.push((db, key.into()));
        }
    }

    /// Records every waited key of database `db` as possibly ready, for
    /// SWAPDB: its waiters stay with the index while the data behind it
    /// changed (serving checks that each key exists with the wanted type).
    pub fn signal_db(&mut self, db: usize) {
        let keys: Vec<Box<[u8]>> = self
            .waiters
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect();
        for key in keys {
            self.signal_ready(db, &key);
        }
    }

    /// Takes the keys signalled ready since the last call.
    pub fn take_ready(&mut self) -> Vec<(usize, Box<[u8]>)> {
        std::mem::take(&mut self.ready)
    }

    /// The first client waiting on `key`, if any.
    pub fn first_waiter(&self, db: usize, key: &[u8]) -> Option<usize> {
        self.waiters.get(&(db, Box::from(key))).and_then(|q| q.front().copied())
    }

    /// The first client waiting on `key` for which `wants` holds.
    pub fn first_waiter_where(&self, db: usize, key: &[u8], wants: impl Fn(usize) -> bool) -> Option<usize> {
        self.waiters
            .get(&(db, Box::from(key)))
            .and_then(|q| q.iter().copied().find(|&t| wants(t)))
    }

    /// Clients whose timeout has passed (their timers are gone).
    pub fn expired(&mut self, now: u64) -> Vec<usize> {
        self.fired.clear();
        while self.timers.poll(now, 1024, &mut self.fired) {}
        self.fired.iter().map(|&(_, token)| token).collect()
    }

    /// Earliest timeout, for the loop's poll timeout.
    pub fn next_deadline(&self) -> Option<u64> {
        if self.timers.is_empty() {
            None
        } else {
            self.timers.next_deadline()
        }
    }

    /// Number of keys with waiters.
    pub fn keys_waited(&self) -> usize {
        self.waiters.len()
    }
}

/// Unblocks client `token` without serving its command: a null reply for a
/// timeout, Redis's UNBLOCKED error for CLIENT UNBLOCK ... ERROR. Returns
/// false if the client was not blocked.
pub fn release(st: &mut super::State, clients: &mut crate::client::Clients, token: usize, why: Release) -> bool {
    let acks = match clients.get(token).and_then(|c| c.blocked.as_ref()?.wait) {
        Some((offset, _)) => Some(st.repl.acks_at(clients, offset)),
        None => None,
    };
    let Some(c) = clients.get_mut(token) else { return false };
    let Some(blocked) = c.blocked.take() else { return false };
    st.blocking.unblock(token, &blocked);
    if acks.is_some() {
        st.repl.waiting.retain(|&t| t != token);
    }
    match why {
        Release::Timeout if acks.is_some() => c.reply.int(acks.unwrap_or(0) as i64),
        Release::Timeout if blocked.null_array => c.reply.null_array(),
        Release::Timeout => c.reply.null(),
        Release::Error => {
            c.reply.error(b"UNBLOCKED client unblocked via CLIENT UNBLOCK");
            // The blocked call, counted when it blocked, failed.
            if let Some(idx) = blocked.args.first().and_then(|name| st.commands.lookup(name)) {
                st.cmdstats[idx].failed += 1;
            }
        }
    }
    st.count_errors(&mut c.reply);
    st.woken.push(token);
    true
}
