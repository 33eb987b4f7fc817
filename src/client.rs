//! One connection: its socket, read buffer and parser, reply buffer, the
//! per-client session state commands see (database, protocol, name, reply
//! mode) and the flags the event loop uses to schedule and close it.
//!
//! The read buffer holds unconsumed bytes from `rpos` on; the frame being
//! parsed always starts at `rpos`. It is compacted (the partial frame moved
//! to the front) only after complete commands were consumed, so a large
//! bulk being received is moved at most once.

use std::net::SocketAddr;

use log::warn;
use mio::net::TcpStream;
#[cfg(unix)]
use mio::net::UnixStream;

use crate::config::{ClientClass, OutputLimit, OutputLimits};

use crate::resp::parse::Parser;
use crate::resp::reply::Reply;

/// A client's socket: TCP, or the Unix socket (`unixsocket`), served by
/// the same loop.
#[derive(Debug)]
pub enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
    /// No socket: the client that replays the append-only file. Reads
    /// find nothing, writes are dropped, and it is never registered.
    None,
}

impl Stream {
    fn fd(&self) -> i32 {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            match self {
                Stream::Tcp(s) => s.as_raw_fd(),
                Stream::Unix(s) => s.as_raw_fd(),
                Stream::None => -1,
            }
        }
        #[cfg(not(unix))]
        -1
    }
}

impl std::io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
            Stream::None => Ok(0),
        }
    }
}

impl std::io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.write(buf),
            Stream::None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl mio::event::Source for Stream {
    fn register(&mut self, r: &mio::Registry, t: mio::Token, i: mio::Interest) -> std::io::Result<()> {
        match self {
            Stream::Tcp(s) => s.register(r, t, i),
            #[cfg(unix)]
            Stream::Unix(s) => s.register(r, t, i),
            Stream::None => Ok(()),
        }
    }

    fn reregister(&mut self, r: &mio::Registry, t: mio::Token, i: mio::Interest) -> std::io::Result<()> {
        match self {
            Stream::Tcp(s) => s.reregister(r, t, i),
            #[cfg(unix)]
            Stream::Unix(s) => s.reregister(r, t, i),
            Stream::None => Ok(()),
        }
    }

    fn deregister(&mut self, r: &mio::Registry) -> std::io::Result<()> {
        match self {
            Stream::Tcp(s) => s.deregister(r),
            #[cfg(unix)]
            Stream::Unix(s) => s.deregister(r),
            Stream::None => Ok(()),
        }
    }
}

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

/// Every connection, by token (its mio `Token`). Chunked, so the
/// thousandth client's arrival never moves the other 999 (`maxclients`
/// clients of ~1 KB each would otherwise be copied in one step).
pub type Clients = crate::util::chunked::Slab<Client, 256>;

#[derive(Debug)]
pub struct Client {
    pub id: u64,
    pub stream: Stream,
    /// The peer's address; a Unix-socket client counts as 127.0.0.1:0
    /// (local, as Redis treats it) and is shown by `unix_path`.
    pub addr: SocketAddr,
    pub laddr: SocketAddr,
    /// The socket path of a Unix-socket client (CLIENT LIST shows
    /// `addr=<path>:0`).
    pub unix_path: Option<std::sync::Arc<str>>,
    /// The client scripts run their commands as (MONITOR shows `lua`).
    pub script: bool,
    /// Its commands are being run now (`exec::process_input`): a script's
    /// busy pass must not serve it again.
    pub in_command: bool,
    /// Read buffer, initialised up to its length; `rbuf[rpos..rlen]` holds
    /// bytes received and not consumed yet.
    pub rbuf: Vec<u8>,
    pub rpos: usize,
    pub rlen: usize,
    /// The most the read buffer was asked to hold since the last cron
    /// pass (bytes held plus the read's size, as Redis's `querybuf_peak`):
    /// a buffer twice this size and past 32 KiB is trimmed.
    pub rbuf_peak: usize,
    /// CLIENT LIST's `qbuf` and `qbuf-free` while this client's own
    /// commands run (its read buffer is taken out then): the batch read.
    pub running_qbuf: (usize, usize),
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
    /// Client-side caching (CLIENT TRACKING) state.
    pub tracking: crate::command::tracking::ClientTracking,
    /// In MONITOR mode (Redis's CLIENT_MONITOR, shown as `O`).
    pub monitor: bool,
    /// Its next command waits for CLIENT PAUSE to end (Redis blocks it
    /// with BLOCKED_POSTPONE, shown as `b`).
    pub postponed: bool,

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
    /// Unix second since which the output has been at or above its soft
    /// limit, 0 if it is not (Redis's `obuf_soft_limit_reached_time`).
    pub obuf_soft_since: u64,
    /// Bytes read and written, for INFO stats.
    pub net_in: u64,
    pub net_out: u64,
    /// What it told us with REPLCONF and, once it is a replica, its
    /// replication link.
    pub peer: Option<Box<crate::repl::Peer>>,
    /// The replication offset after its last command that changed the
    /// dataset (what WAIT waits for).
    pub woff: u64,
    /// The link to this server's master (`crate::repl::replica`): its
    /// commands are obeyed and never answered.
    pub master_link: bool,
}

impl Client {
    pub fn new(id: u64, stream: Stream, addr: SocketAddr, laddr: SocketAddr, max_bulk: i64, now: u64) -> Client {
        Client {
            id,
            stream,
            addr,
            laddr,
            unix_path: None,
            script: false,
            in_command: false,
            rbuf: Vec::new(),
            rpos: 0,
            rlen: 0,
            rbuf_peak: 0,
            running_qbuf: (0, 0),
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
            tracking: Default::default(),
            monitor: false,
            postponed: false,
            readable: false,
            queued: false,
            write_queued: false,
            want_write: false,
            output_paused: false,
            hup: false,
            close_after_reply: false,
            close_asap: false,
            obuf_soft_since: 0,
            net_in: 0,
            net_out: 0,
            peer: None,
            woff: 0,
            master_link: false,
        }
    }

    /// Bytes received and not yet consumed by a complete command.
    pub fn query_len(&self) -> usize {
        self.rlen - self.rpos
    }

    /// CLIENT LIST's `qbuf` and `qbuf-free`: bytes held and room left.
    fn qbuf_fields(&self, running: bool) -> (usize, usize) {
        if running {
            self.running_qbuf
        } else {
            let before_bulk = self.parser.big_bulk_start().unwrap_or(0);
            (
                self.query_len().saturating_sub(before_bulk),
                self.rbuf.len() - self.query_len(),
            )
        }
    }

    /// Clients cron: as Redis's query buffer resizing, an idle client
    /// (over 2 s) with nothing pending keeps no buffer, and a buffer past
    /// 32 KiB and more than twice the recent peak is trimmed to that peak
    /// (never below what it holds or the bulk being read). Then the peak
    /// starts again from what is held now.
    pub fn resize_query_buffer(&mut self, idle_ms: u64) {
        const RESIZE_THRESHOLD: usize = 32 * 1024;
        let held = self.query_len();
        if self.rbuf.len() - held > 4 * 1024 {
            if idle_ms > 2000 && held == 0 {
                self.rbuf = Vec::new();
                self.rpos = 0;
                self.rlen = 0;
            } else if self.rbuf.len() > RESIZE_THRESHOLD && self.rbuf.len() / 2 > self.rbuf_peak {
                self.compact();
                let keep = self
                    .rlen
                    .max(self.rbuf_peak)
                    .max(self.rlen + self.parser.bytes_wanted());
                if keep < self.rbuf.len() {
                    self.rbuf.truncate(keep);
                    self.rbuf.shrink_to_fit();
                }
            }
        }
        self.rbuf_peak = self.query_len() + self.parser.bytes_wanted();
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
        if self.is_replica() {
            flags.push('S');
        }
        if self.master_link {
            flags.push('M');
        }
        if self.monitor {
            flags.push('O');
        }
        if self.subs.active() {
            flags.push('P');
        }
        if self.tx.multi_count() >= 0 {
            flags.push('x');
        }
        if self.blocked.is_some() || self.postponed {
            flags.push('b');
        }
        flags.extend(self.tracking.flag_letters());
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

    /// Bytes the client holds (its buffers and itself), as client
    /// eviction weighs it (Redis's `getClientMemoryUsage`). While its own
    /// command runs, its buffers are out: `running` gives their size.
    pub fn memory_usage(&self, running: Option<usize>) -> usize {
        running.unwrap_or(self.rbuf.capacity() + self.reply.capacity())
            + std::mem::size_of::<Client>()
            + self.tx.memory()
            + self.subs.memory()
            + self.tracking.memory()
    }

    /// CLIENT LIST's `addr`: ip:port, or the socket path and 0.
    pub fn addr_text(&self) -> String {
        match &self.unix_path {
            Some(path) => format!("{path}:0"),
            None => self.addr.to_string(),
        }
    }

    /// CLIENT LIST's `laddr`.
    pub fn laddr_text(&self) -> String {
        match &self.unix_path {
            Some(path) => format!("{path}:0"),
            None => self.laddr.to_string(),
        }
    }

    /// One line of CLIENT LIST / CLIENT INFO (Redis 7.0's fields), without
    /// the newline. `taken` is the client's reply buffer while a command
    /// of its own runs (its read buffer is then taken out too). Output is
    /// one buffer here: the first 16 KiB pending count as Redis's static
    /// buffer (`obl`), the rest as its reply list (`oll`, `omem`).
    pub fn info_line(&self, now: u64, taken: Option<&Reply>) -> String {
        let reply = taken.unwrap_or(&self.reply);
        let name = self.name.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
        let pending = reply.pending();
        // A replica's share of the replication buffer counts as its own.
        let share = self
            .peer
            .as_ref()
            .and_then(|p| p.link.as_ref())
            .map_or(0, |l| l.buffer_share);
        let (obl, omem) = (pending.min(STATIC_BUF), output_memory(reply) + share);
        let (qbuf, qbuf_free) = self.qbuf_fields(taken.is_some());
        format!(
            "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs={} rbp={} obl={obl} oll={} omem={omem} tot-mem={} events={} cmd={} user=default redir={} resp={}",
            self.id,
            self.addr_text(),
            self.laddr_text(),
            self.stream.fd(),
            name,
            now.saturating_sub(self.created_ms) / 1000,
            now.saturating_sub(self.last_interaction_ms) / 1000,
            self.flags_text(),
            self.db,
            self.subs.channels(),
            self.subs.patterns(),
            self.subs.shard_channels(),
            self.tx.multi_count(),
            qbuf,
            qbuf_free,
            reply.size_and_peak().0,
            reply.size_and_peak().1,
            usize::from(omem > 0),
            self.memory_usage(taken.map(|r| qbuf + qbuf_free + r.capacity())) + share,
            if self.want_write { "rw" } else { "r" },
            self.last_cmd,
            self.tracking.redir_field(),
            if reply.resp3() { 3 } else { 2 },
        )
    }
}

// ---- output buffer limits --------------------------------------------------------

impl Client {
    /// It sent SYNC or PSYNC: a replica of this server.
    pub fn is_replica(&self) -> bool {
        self.peer.as_ref().is_some_and(|p| p.link.is_some())
    }

    /// `client-output-buffer-limit replica` (as `limit`) for a replica:
    /// its own output and the part of the shared replication buffer it
    /// holds on to (`held`) count together. Flags it `close_asap` and
    /// returns true if over.
    pub fn close_on_replica_limit(&mut self, held: usize, limit: &OutputLimit, now_ms: u64) -> bool {
        let used = (self.reply.pending() + held) as u64;
        if self.close_asap {
            return false;
        }
        if !limit_reached(limit, used, &mut self.obuf_soft_since, now_ms / 1000) {
            return false;
        }
        warn!(
            "Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
            self.info_line(now_ms, None)
        );
        self.close_asap = true;
        true
    }
}

/// Redis's default `reply_buffer_peak_reset_time` (DEBUG REPLYBUFFER).
pub const REPLY_PEAK_RESET_MS: u64 = 5000;

/// Bytes of pending output that stand for Redis's fixed 16 KiB reply
/// buffer; only output beyond it counts towards the limits.
const STATIC_BUF: usize = 16 * 1024;

/// What one node of Redis's reply list takes: a 16 KiB chunk rounded up
/// by jemalloc to 20 KiB, less the node header, all of it usable.
const REPLY_NODE: usize = 20 * 1024 - 16;

/// Redis's `getClientOutputBufferMemoryUsage` for a non-replica: the bytes
/// of its reply list, which holds the pending output past the static
/// buffer in nodes of `REPLY_NODE` bytes, each counted whole. This is
/// CLIENT LIST's `omem` and what `client-output-buffer-limit` measures.
pub fn output_memory(reply: &Reply) -> usize {
    reply.pending().saturating_sub(STATIC_BUF).div_ceil(REPLY_NODE) * REPLY_NODE
}

impl Client {
    /// The class whose output limits apply (Redis's `getClientType`): a
    /// MONITOR client counts as normal, any subscription makes it pubsub.
    pub fn output_class(&self) -> ClientClass {
        if self.is_replica() {
            ClientClass::Replica
        } else if self.subs.active() {
            ClientClass::Pubsub
        } else {
            ClientClass::Normal
        }
    }

    /// Redis's `closeClientOnOutputBufferLimitReached`: if the output
    /// (`taken` while a command of the client's own runs) reached its
    /// class's hard limit, or has stayed at or above the soft limit for
    /// more than the soft seconds, flags the client `close_asap` and
    /// returns true; the caller queues it for closing. Keeps the
    /// soft-limit timer as a side effect. Like Redis, a client with
    /// nothing past the static buffer is not looked at (its timer stays)
    /// and a closing one is left alone. `scheduled` picks the log line:
    /// closed later (a write path) or now (the cron).
    pub fn close_on_output_limit(
        &mut self,
        taken: Option<&Reply>,
        limits: &OutputLimits,
        now_ms: u64,
        scheduled: bool,
    ) -> bool {
        let used = output_memory(taken.unwrap_or(&self.reply)) as u64;
        if used == 0 || self.close_asap {
            return false;
        }
        let limit = limits.class(self.output_class());
        if !limit_reached(limit, used, &mut self.obuf_soft_since, now_ms / 1000) {
            return false;
        }
        let info = self.info_line(now_ms, taken);
        if scheduled {
            warn!("Client {info} scheduled to be closed ASAP for overcoming of output buffer limits.");
        } else {
            warn!("Client {info} closed for overcoming of output buffer limits.");
        }
        self.close_asap = true;
        true
    }
}

/// Redis's `checkClientOutputBufferLimits`: true if `used` bytes reach the
/// hard limit, or the soft limit continuously for more than its seconds.
/// `soft_since` is the client's timer: set by the first check that sees
/// the soft limit reached, cleared by one that sees it is not.
fn limit_reached(limit: &OutputLimit, used: u64, soft_since: &mut u64, now_secs: u64) -> bool {
    let hard = limit.hard != 0 && used >= limit.hard;
    let mut soft = limit.soft != 0 && used >= limit.soft;
    if !soft {
        *soft_since = 0;
    } else if *soft_since == 0 {
        *soft_since = now_secs;
        soft = false;
    } else {
        let elapsed = now_secs.saturating_sub(*soft_since) as i64;
        soft = elapsed > limit.soft_secs;
    }
    hard || soft
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_limit_closes_at_once() {
        let limit = OutputLimit {
            hard: 100,
            soft: 0,
            soft_secs: 0,
        };
        let mut since = 0;
        assert!(!limit_reached(&limit, 99, &mut since, 1000));
        assert!(limit_reached(&limit, 100, &mut since, 1000));
        let unlimited = OutputLimit::default();
        assert!(!limit_reached(&unlimited, u64::MAX, &mut since, 1000));
    }

    #[test]
    fn soft_limit_needs_more_than_its_seconds_in_a_row() {
        let limit = OutputLimit {
            hard: 0,
            soft: 50,
            soft_secs: 2,
        };
        let mut since = 0;
        // First seen at 1000: the timer starts.
        assert!(!limit_reached(&limit, 60, &mut since, 1000));
        assert_eq!(since, 1000);
        assert!(!limit_reached(&limit, 60, &mut since, 1002));
        // Below the limit: the timer resets.
        assert!(!limit_reached(&limit, 10, &mut since, 1002));
        assert_eq!(since, 0);
        assert!(!limit_reached(&limit, 60, &mut since, 1003));
        assert!(!limit_reached(&limit, 60, &mut since, 1005));
        assert!(limit_reached(&limit, 60, &mut since, 1006));
        // Zero seconds: closed on the second sighting a second later.
        let quick = OutputLimit { soft_secs: 0, ..limit };
        let mut since = 0;
        assert!(!limit_reached(&quick, 60, &mut since, 7));
        assert!(!limit_reached(&quick, 60, &mut since, 7));
        assert!(limit_reached(&quick, 60, &mut since, 8));
    }
}
