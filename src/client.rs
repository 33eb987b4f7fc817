//! One connection: its socket, read buffer and parser, reply buffer, the
//! per-client session state commands see (database, protocol, name, reply
//! mode) and the flags the event loop uses to schedule and close it.
//!
//! The read buffer holds unconsumed bytes from `rpos` on; the frame being
//! parsed always starts at `rpos`. It is compacted (the partial frame moved
//! to the front) only after complete commands were consumed, so a large
//! bulk being received is moved at most once.

use std::net::SocketAddr;

use mio::net::TcpStream;

use crate::resp::parse::Parser;
use crate::resp::reply::Reply;

/// CLIENT REPLY mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    /// Skip the reply of the next command.
    SkipNext,
    /// Skipping the reply of the current command.
    Skip,
}

#[derive(Debug)]
pub struct Client {
    pub id: u64,
    pub stream: TcpStream,
    pub addr: SocketAddr,
    pub laddr: SocketAddr,
    /// Read buffer, initialised up to its length; `rbuf[rpos..rlen]` holds
    /// bytes received and not consumed yet.
    pub rbuf: Vec<u8>,
    pub rpos: usize,
    pub rlen: usize,
    pub parser: Parser,
    pub reply: Reply,

    // ---- session state seen by commands ----
    pub db: usize,
    pub name: Option<Box<[u8]>>,
    pub lib_name: Option<Box<[u8]>>,
    pub lib_ver: Option<Box<[u8]>>,
    pub authenticated: bool,
    pub reply_mode: ReplyMode,
    pub no_evict: bool,
    pub no_touch: bool,
    /// Creation time and last command time, ms since the epoch.
    pub created_ms: u64,
    pub last_interaction_ms: u64,
    /// Full name of the last command run (CLIENT LIST `cmd=`).
    pub last_cmd: &'static str,
    /// Set while the client waits in a blocking command (BLPOP...).
    pub blocked: Option<crate::server::blocking::Blocked>,
    /// MULTI/WATCH state.
    pub tx: crate::command::transaction::ClientTx,
    /// Pub/Sub subscriptions.
    pub subs: crate::command::pubsub::ClientSubs,

    // ---- scheduling and close state, owned by the event loop ----
    /// The socket may have unread bytes (edge-triggered readiness not yet
    /// consumed to WouldBlock).
    pub readable: bool,
    /// In the loop's ready queue.
    pub queued: bool,
    /// In the loop's pending-write list.
    pub write_queued: bool,
    /// WRITABLE interest is registered.
    pub want_write: bool,
    /// Stopped executing commands because pending output passed the
    /// high-water mark; resumes when it drains.
    pub output_paused: bool,
    /// The peer closed its side (or the socket errored): read to the end
    /// of stream, never stop at a short read.
    pub hup: bool,
    /// Close once the reply buffer is flushed (QUIT, protocol error, KILL of self).
    pub close_after_reply: bool,
    /// Close at the end of this loop iteration.
    pub close_asap: bool,
    /// Bytes read and written, for INFO stats.
    pub net_in: u64,
    pub net_out: u64,
}

impl Client {
    pub fn new(id: u64, stream: TcpStream, addr: SocketAddr, laddr: SocketAddr, max_bulk: i64, now: u64) -> Client {
        Client {
            id,
            stream,
            addr,
            laddr,
            rbuf: Vec::new(),
            rpos: 0,
            rlen: 0,
            parser: Parser::new(max_bulk),
            reply: Reply::new(),
            db: 0,
            name: None,
            lib_name: None,
            lib_ver: None,
            authenticated: false,
            reply_mode: ReplyMode::On,
            no_evict: false,
            no_touch: false,
            created_ms: now,
            last_interaction_ms: now,
            last_cmd: "NULL",
            blocked: None,
            tx: Default::default(),
            subs: Default::default(),
            readable: false,
            queued: false,
            write_queued: false,
            want_write: false,
            output_paused: false,
            hup: false,
            close_after_reply: false,
            close_asap: false,
            net_in: 0,
            net_out: 0,
        }
    }

    /// Bytes received and not yet consumed by a complete command.
    pub fn query_len(&self) -> usize {
        self.rlen - self.rpos
    }

    /// Drops consumed bytes, moving a partial frame to the front; gives a
    /// large empty buffer back.
    pub fn compact(&mut self) {
        if self.rpos == 0 {
            return;
        }
        self.rbuf.copy_within(self.rpos..self.rlen, 0);
        self.rlen -= self.rpos;
        self.rpos = 0;
        if self.rlen == 0 && self.rbuf.len() > 1024 * 1024 {
            self.rbuf = Vec::new();
        }
    }

    /// The `flags=` field of CLIENT LIST, in Redis's letters and order.
    pub fn flags_text(&self) -> String {
        let mut flags = String::new();
        if self.subs.active() {
            flags.push('P');
        }
        if self.tx.multi_count() >= 0 {
            flags.push('x');
        }
        if self.blocked.is_some() {
            flags.push('b');
        }
        if self.close_after_reply {
            flags.push('c');
        }
        if self.close_asap {
            flags.push('A');
        }
        if self.no_evict {
            flags.push('e');
        }
        if flags.is_empty() {
            flags.push('N');
        }
        flags
    }

    /// One line of CLIENT LIST / CLIENT INFO (Redis 7.0's fields), without
    /// the newline. `taken` is the client's reply buffer while a command
    /// of its own runs (its read buffer is then taken out too). Output is
    /// one buffer here: the first 16 KiB pending count as Redis's static
    /// buffer (`obl`), the rest as its reply list (`oll`, `omem`).
    pub fn info_line(&self, now: u64, taken: Option<&Reply>) -> String {
        const STATIC_BUF: usize = 16 * 1024;
        let reply = taken.unwrap_or(&self.reply);
        let name = self.name.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
        let pending = reply.pending();
        let (obl, omem) = (pending.min(STATIC_BUF), pending.saturating_sub(STATIC_BUF));
        format!(
            "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs={} rbp={} obl={obl} oll={} omem={omem} tot-mem={} events={} cmd={} user=default redir=-1 resp={}",
            self.id,
            self.addr,
            self.laddr,
            fd_of(&self.stream),
            name,
            now.saturating_sub(self.created_ms) / 1000,
            now.saturating_sub(self.last_interaction_ms) / 1000,
            self.flags_text(),
            self.db,
            self.subs.channels(),
            self.subs.patterns(),
            self.subs.shard_channels(),
            self.tx.multi_count(),
            self.query_len(),
            self.rbuf.len().saturating_sub(self.rlen),
            reply.capacity().min(STATIC_BUF),
            reply.capacity().min(STATIC_BUF),
            usize::from(omem > 0),
            self.rbuf.len() + reply.capacity() + std::mem::size_of::<Client>(),
            if self.want_write { "rw" } else { "r" },
            self.last_cmd,
            if reply.resp3() { 3 } else { 2 },
        )
    }
}

#[cfg(unix)]
fn fd_of(stream: &TcpStream) -> i32 {
    use std::os::fd::AsRawFd;
    stream.as_raw_fd()
}

#[cfg(not(unix))]
fn fd_of(_stream: &TcpStream) -> i32 {
    -1
}
