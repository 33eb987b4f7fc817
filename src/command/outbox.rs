//! Messages the server sends to clients other than the one whose command
//! is running: Pub/Sub messages (and so keyspace notifications) and
//! client-side caching invalidations.
//!
//! [`Outbox`] owns the rules both share: the running client's buffer is
//! taken out of its slot while it runs, so its messages go to `own`; any
//! other client's go to its reply buffer, and its token is pushed on
//! `State::woken` so the event loop writes it; a closing client gets
//! nothing; a client whose output passes its `client-output-buffer-limit`
//! is queued for closing (Redis's `closeClientOnOutputBufferLimitReached`;
//! the running client's is checked once its command is done).

use crate::client::{Client, Clients};
use crate::config::OutputLimits;
use crate::resp::reply::Reply;

/// The parts of the server state an `Outbox` borrows, built beside other
/// borrows of the state (the Pub/Sub registry, the tracking tables).
pub struct Parts<'a> {
    pub woken: &'a mut Vec<usize>,
    /// Clients past their output limit are queued here for closing, and
    /// counted (INFO).
    pub kills: &'a mut Vec<usize>,
    pub limit_closed: &'a mut u64,
    pub limits: &'a OutputLimits,
}

pub struct Outbox<'a> {
    /// Token of the running client; usize::MAX outside a command.
    me: usize,
    own: Option<&'a mut Reply>,
    clients: &'a mut Clients,
    parts: Parts<'a>,
    now_ms: u64,
}

impl<'a> Outbox<'a> {
    /// `own` is the running client's token and reply buffer, None when the
    /// event loop itself sends (active expiry, before sleeping).
    pub fn new(own: Option<(usize, &'a mut Reply)>, clients: &'a mut Clients, parts: Parts<'a>, now_ms: u64) -> Self {
        let (me, own) = match own {
            Some((me, reply)) => (me, Some(reply)),
            None => (usize::MAX, None),
        };
        Outbox {
            me,
            own,
            clients,
            parts,
            now_ms,
        }
    }

    /// Token of the running client (usize::MAX outside a command).
    pub fn me(&self) -> usize {
        self.me
    }

    pub fn client(&self, token: usize) -> Option<&Client> {
        self.clients.get(token)
    }

    pub fn client_mut(&mut self, token: usize) -> Option<&mut Client> {
        self.clients.get_mut(token)
    }

    /// Whether client `token` speaks RESP3.
    pub fn resp3(&self, token: usize) -> bool {
        if token == self.me {
            self.own.as_deref().is_some_and(Reply::resp3)
        } else {
            self.clients.get(token).is_some_and(|c| c.reply.resp3())
        }
    }

    /// Appends a message, written by `write`, to client `token`'s output.
    pub fn send(&mut self, token: usize, write: impl FnOnce(&mut Reply)) {
        if token == self.me {
            if let Some(own) = self.own.as_deref_mut() {
                own.pushing(write);
            }
            return;
        }
        let Some(c) = self.clients.get_mut(token) else { return };
        if c.close_asap {
            return;
        }
        // A client with output pending is already scheduled for writing.
        if c.reply.pending() == 0 {
            self.parts.woken.push(token);
        }
        write(&mut c.reply);
        if c.close_on_output_limit(None, self.parts.limits, self.now_ms, true) {
            self.parts.kills.push(token);
            *self.parts.limit_closed += 1;
        }
    }
}
