//! Replication, the master's side: the replication stream and its
//! offset, the backlog, and the replicas attached to this server.
//!
//! Every change the dataset goes through reaches `Repl::feed` from the
//! one propagation point (`server::propagate`), as RESP commands with a
//! SELECT in front whenever the database changes, as Redis's
//! `replicationFeedSlaves`. The bytes go once into the replication
//! buffer (`Backlog`), which the backlog and every replica share: each
//! replica reads its stream from there at its own offset, once it is
//! online; until then (its snapshot made and sent) the buffer keeps what
//! it will need. Stream bytes leave only once the loop is about to sleep
//! (`before_sleep`, after the AOF is written).
//!
//! A replica is a client that sent SYNC or PSYNC. A PSYNC naming this
//! server's history at an offset the backlog still covers continues at
//! once (`+CONTINUE`); anything else is a full resynchronization: a
//! forkless background save to the RDB file (the stream's offset at its
//! start is the one `+FULLRESYNC` announces), then the file sent as a
//! bulk by a reader thread, then what the replica held back. With
//! `repl-diskless-sync yes` (and replicas that read `$EOF:` transfers) the
//! save is not written to disk: its bytes come back to the loop, which
//! copies them into every waiting replica's output (`Diskless`); at the
//! end each replica holds its stream until its first REPLCONF ACK, so
//! nothing follows the closing mark before the replica has found it.

pub mod backlog;
pub mod failover;
pub mod replica;

use std::fs::File;
use std::io::Read;
use std::sync::mpsc::{Receiver, TryRecvError, sync_channel};

use crate::persist::snapshot::Feed;

use crate::client::{Client, Clients};
use crate::resp::reply::Reply;
use crate::server::State;
use backlog::Backlog;

/// Bytes of a snapshot file read per chunk.
const FILE_CHUNK: usize = 64 * 1024;
/// A replica receiving its snapshot gets more of the file while its
/// output holds less than this.
const SEND_AHEAD: usize = 1024 * 1024;

/// Where a replica is in its synchronization (Redis's `replstate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Waiting for a background save it can use to start.
    WaitBgsaveStart,
    /// Its snapshot is being made.
    WaitBgsaveEnd,
    /// The snapshot is being sent.
    SendBulk,
    /// It gets the stream.
    Online,
}

impl LinkState {
    /// INFO's `state=` (`replstateToString`).
    pub fn name(self) -> &'static str {
        match self {
            LinkState::WaitBgsaveStart | LinkState::WaitBgsaveEnd => "wait_bgsave",
            LinkState::SendBulk => "send_bulk",
            LinkState::Online => "online",
        }
    }
}

/// What a client told us with REPLCONF, before and after it became a
/// replica.
#[derive(Debug, Default)]
pub struct Peer {
    /// `listening-port`: the port it serves clients on.
    pub listening_port: u16,
    /// `ip-address`: the address it announces (else its socket's).
    pub ip: Option<String>,
    /// `capa eof`: it can read a snapshot of unknown length.
    pub capa_eof: bool,
    /// `capa psync2`: it understands `+CONTINUE <replid>`.
    pub capa_psync2: bool,
    /// `rdb-only 1`: it wants the snapshot and nothing after it.
    pub rdb_only: bool,
    /// `rdb-filter-only`: what to leave out of its snapshot (`REQ_*`).
    pub req: u8,
    /// Its replication link, once it sent SYNC or PSYNC.
    pub link: Option<Link>,
}

/// `rdb-filter-only` leaves the keys out of the snapshot...
pub const REQ_NO_DATA: u8 = 1;
/// ... and the function libraries unless it names `functions`.
pub const REQ_NO_FUNCTIONS: u8 = 2;

/// A replica's link, kept in its client.
#[derive(Debug)]
pub struct Link {
    pub state: LinkState,
    /// The offset its snapshot stands for (`psync_initial_offset`).
    pub initial_offset: u64,
    /// The last offset it acknowledged, and when (ms).
    pub ack_offset: u64,
    pub ack_ms: u64,
    /// It used SYNC: it sends no acknowledgements.
    pub pre_psync: bool,
    /// The offset of the next stream byte it is to get, from the shared
    /// buffer (None: it gets no stream, or not yet).
    pub stream_at: Option<u64>,
    /// The part of the shared buffer it holds on to, as of the last time
    /// the loop slept: its output memory in CLIENT LIST.
    pub buffer_share: usize,
    /// The snapshot file being sent.
    transfer: Option<Transfer>,
    /// Its snapshot goes straight to its socket (`$EOF:` transfer).
    diskless: bool,
    /// Online after a diskless transfer: the stream waits for its first
    /// acknowledgement (`repl_start_cmd_stream_on_ack`).
    stream_on_ack: bool,
    /// It acknowledged while its diskless transfer was still being
    /// handed over here.
    acked_early: bool,
}

impl Link {
    fn new(state: LinkState, initial_offset: u64, now: u64, pre_psync: bool) -> Link {
        Link {
            state,
            initial_offset,
            ack_offset: 0,
            ack_ms: now,
            pre_psync,
            stream_at: None,
            buffer_share: 0,
            transfer: None,
            diskless: false,
            stream_on_ack: false,
            acked_early: false,
        }
    }

    /// Its stream is being sent: it is online (and acknowledged its
    /// diskless snapshot).
    pub fn streaming(&self) -> Option<u64> {
        self.stream_at
            .filter(|_| self.state == LinkState::Online && !self.stream_on_ack)
    }
}

/// A diskless save on its way to replicas: the loop copies each chunk the
/// writer hands back into every target's output.
#[derive(Debug)]
pub struct Diskless {
    feed: Receiver<Feed>,
    targets: Vec<usize>,
    /// Per target: its unsent output when last looked at, and when it
    /// last went down (ms), for `repl-timeout`.
    progress: Vec<(usize, usize, u64)>,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Feed::Bytes(b) => write!(f, "Bytes({})", b.len()),
            Feed::End => f.write_str("End"),
        }
    }
}

/// A snapshot file on its way to a replica: a thread reads it.
#[derive(Debug)]
struct Transfer {
    chunks: Receiver<std::io::Result<Vec<u8>>>,
}

impl Transfer {
    /// Opens the snapshot at `path`: its size and a reader of its bytes.
    fn open(path: &std::path::Path) -> std::io::Result<(u64, Transfer)> {
        let mut file = File::open(path)?;
        let size = file.metadata()?.len();
        let (tx, chunks) = sync_channel(8);
        std::thread::Builder::new()
            .name("loopkv-repl-send".into())
            .spawn(move || {
                loop {
                    let mut chunk = vec![0; FILE_CHUNK];
                    match file.read(&mut chunk) {
                        Ok(0) => return,
                        Ok(n) => {
                            chunk.truncate(n);
                            if tx.send(Ok(chunk)).is_err() {
                                return;
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
            })?;
        Ok((size, Transfer { chunks }))
    }
}

/// The master's replication state (INFO replication's figures).
#[derive(Debug)]
pub struct Repl {
    /// The history this server's stream belongs to, and the one it
    /// continued (after a promotion) up to `second_offset`.
    pub replid: String,
    pub replid2: String,
    /// Bytes of stream produced (`master_repl_offset`).
    pub offset: u64,
    pub second_offset: i64,
    pub backlog: Option<Backlog>,
    /// The database the stream last selected (`slaveseldb`).
    seldb: Option<usize>,
    /// The stream up to this offset may be sent: it is in the AOF (set
    /// before the loop sleeps).
    pub released: u64,
    /// Replicas' client tokens, in the order they attached.
    pub replicas: Vec<usize>,
    /// When the last replica left (ms), for `repl-backlog-ttl`.
    no_replicas_since: Option<u64>,
    /// A WAIT is blocked: ask the replicas for acknowledgements.
    pub get_ack: bool,
    /// Clients blocked in WAIT.
    pub waiting: Vec<usize>,
    /// The running background save was started for replicas.
    pub snapshot_for_replicas: bool,
    /// Its outcome, for `before_sleep` (Ok: the file is written).
    pub snapshot_done: Option<bool>,
    /// The diskless save being sent, if one is.
    pub diskless: Option<Diskless>,
    /// A FAILOVER under way.
    pub failover: Option<failover::Failover>,
    /// A replica waiting for a disk save left: stop the save if nothing
    /// needs it any more.
    save_maybe_useless: bool,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
    /// The link to this server's master, while it is a replica.
    pub master: Option<replica::MasterLink>,
    /// This server's history and offset may be continued with PSYNC (false
    /// after a failed load emptied the dataset).
    pub psync_ok: bool,
    /// A writable replica's keys with a TTL of its own (database, key),
    /// checked in turn by [`replica::expire_own_keys`]; the set avoids
    /// duplicates in the queue.
    pub own_ttls: std::collections::VecDeque<(usize, Vec<u8>)>,
    own_ttl_set: hashbrown::HashSet<(usize, Vec<u8>)>,
    /// The second `cron` last ran in, and how many seconds it ran
    /// (Redis's `replication_cron_loops`: PINGs go every period of them).
    cron_secs: u64,
    cron_loops: u64,
}

impl Repl {
    pub fn new(replid: String) -> Repl {
        Repl {
            replid,
            replid2: "0".repeat(40),
            offset: 0,
            second_offset: -1,
            backlog: None,
            seldb: None,
            released: 0,
            replicas: Vec::new(),
            no_replicas_since: None,
            get_ack: false,
            waiting: Vec::new(),
            snapshot_for_replicas: false,
            snapshot_done: None,
            diskless: None,
            failover: None,
            save_maybe_useless: false,
            sync_full: 0,
            sync_partial_ok: 0,
            sync_partial_err: 0,
            cron_secs: 0,
            cron_loops: 0,
            master: None,
            psync_ok: true,
            own_ttls: std::collections::VecDeque::new(),
            own_ttl_set: hashbrown::HashSet::new(),
        }
    }

    /// True when the stream is being recorded (a backlog exists).
    pub fn on(&self) -> bool {
        self.backlog.is_some()
    }

    /// Appends one command (RESP) run in database `db` to the stream;
    /// `db` None for commands outside any database (PING, REPLCONF).
    pub fn feed(&mut self, db: Option<usize>, command: &[u8]) {
        // A replica passes on its master's stream instead (`applied`).
        if self.master.is_some() {
            return;
        }
        let Some(backlog) = &mut self.backlog else { return };
        if let Some(db) = db
            && self.seldb != Some(db)
        {
            let n = db.to_string();
            let select = format!("*2\r\n$6\r\nSELECT\r\n${}\r\n{n}\r\n", n.len());
            backlog.feed(select.as_bytes());
            self.offset += select.len() as u64;
            self.seldb = Some(db);
        }
        backlog.feed(command);
        self.offset += command.len() as u64;
    }

    /// Appends bytes of the master's stream as they are (a replica).
    pub fn feed_raw(&mut self, bytes: &[u8]) {
        self.offset += bytes.len() as u64;
        if let Some(backlog) = &mut self.backlog {
            backlog.feed(bytes);
        }
    }

    /// Starts a new history (`changeReplicationId` + `clearReplicationId2`).
    fn new_history(&mut self, rng: &mut crate::server::state::Rng) {
        self.replid = random_id(rng);
        self.replid2 = "0".repeat(40);
        self.second_offset = -1;
    }

    /// The header of a snapshot saved now (`rdbPopulateSaveInfo`): with a
    /// backlog, the stream's database (0 if none selected yet), id and offset.
    pub fn rdb_header(&self) -> crate::persist::snapshot::Header {
        crate::persist::snapshot::Header {
            aof_base: false,
            repl: self
                .backlog
                .as_ref()
                .map(|_| (self.seldb.unwrap_or(0), self.replid.clone(), self.offset)),
            no_functions: false,
        }
    }

    /// Replicas acknowledging `offset` or more (`replicationCountAcksByOffset`).
    pub fn acks_at(&self, clients: &Clients, offset: u64) -> usize {
        self.links(clients)
            .filter(|l| l.state == LinkState::Online && l.ack_offset >= offset)
            .count()
    }

    /// Online replicas whose last acknowledgement is at most `max_lag`
    /// seconds old (`refreshGoodSlavesCount`).
    pub fn good_replicas(&self, clients: &Clients, now: u64, max_lag: u64) -> usize {
        self.links(clients)
            .filter(|l| l.state == LinkState::Online && (now / 1000).saturating_sub(l.ack_ms / 1000) <= max_lag)
            .count()
    }

    fn links<'a>(&'a self, clients: &'a Clients) -> impl Iterator<Item = &'a Link> + 'a {
        self.replicas
            .iter()
            .filter_map(|&t| clients.get(t)?.peer.as_ref()?.link.as_ref())
    }
}

/// `min-replicas-to-write` is set and fewer replicas than that are online
/// with an acknowledgement at most `min-replicas-max-lag` seconds old (a
/// replica itself is never refused for it).
pub fn too_few_replicas(st: &State, clients: &Clients) -> bool {
    let wanted = st.config.min_replicas_to_write;
    if wanted == 0 || st.repl.is_replica() {
        return false;
    }
    let max_lag = crate::util::number::parse_i64(st.config.value("min-replicas-max-lag")).unwrap_or(10);
    let good = st
        .repl
        .good_replicas(clients, crate::server::now_ms(), max_lag.max(0) as u64);
    (good as u64) < wanted
}

/// A replica whose link is down with `replica-serve-stale-data no`:
/// commands without the STALE flag are refused (MASTERDOWN).
pub fn serving_stale_refused(st: &State) -> bool {
    st.repl.master.as_ref().is_some_and(|l| !l.is_connected()) && st.config.value("replica-serve-stale-data") == b"no"
}

/// 40 random hex digits (a replication id).
pub fn random_id(rng: &mut crate::server::state::Rng) -> String {
    (0..40)
        .map(|_| char::from(b"0123456789abcdef"[(rng.next_u64() >> 60) as usize]))
        .collect()
}

// ---- SYNC and PSYNC ---------------------------------------------------------------------

/// `syncCommand` once the command checks passed: a partial resync when
/// PSYNC's history and offset allow it, else a full one. `psync` holds
/// PSYNC's replication id and offset; None for SYNC.
pub fn sync(st: &mut State, clients: &mut Clients, me: usize, reply: &mut Reply, psync: Option<(&[u8], u64)>) {
    let name = replica_name(clients, me);
    if let Some((replid, offset)) = psync {
        if try_partial(st, clients, me, reply, replid, offset, &name) {
            st.repl.sync_partial_ok += 1;
            return;
        }
        if replid != b"?" {
            st.repl.sync_partial_err += 1;
        }
    }
    st.repl.sync_full += 1;
    let now = crate::server::now_ms();
    let peer = clients[me].peer.get_or_insert_with(Default::default);
    peer.link = Some(Link::new(LinkState::WaitBgsaveStart, 0, now, psync.is_none()));
    let (rdb_only, req, capa_eof) = (peer.rdb_only, peer.req, peer.capa_eof);
    attach(st, me);
    if st.repl.backlog.is_none() {
        st.repl.new_history(&mut st.rng);
        create_backlog(st);
        log::info!(
            "Replication backlog created, my new replication IDs are '{}' and '{}'",
            st.repl.replid,
            st.repl.replid2
        );
    }
    // A disk save for replicas already running can take this one too: it
    // copies what another replica has held back since the save began, if
    // that one asked for no more than this one can read.
    if st.rdb.bgsave.is_some() && st.repl.snapshot_for_replicas && st.repl.diskless.is_none() {
        let other = st.repl.replicas.iter().copied().find(|&t| {
            t != me
                && clients.get(t).and_then(|c| c.peer.as_ref()).is_some_and(|p| {
                    p.link.as_ref().is_some_and(|l| l.state == LinkState::WaitBgsaveEnd) && (!p.rdb_only || rdb_only)
                })
        });
        let fits = other
            .and_then(|t| clients[t].peer.as_ref())
            .is_some_and(|p| (capa_eof || !p.capa_eof) && p.req == req);
        if let Some(other) = other.filter(|_| fits) {
            let initial = clients[other]
                .peer
                .as_ref()
                .and_then(|p| p.link.as_ref())
                .expect("found")
                .initial_offset;
            full_resync_reply(st, &mut clients[me], reply, initial);
            log::info!("Waiting for end of BGSAVE for SYNC");
            return;
        }
        log::info!("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC");
    }
    // The save starts before the loop sleeps (`before_sleep`).
}

/// `masterTryPartialResynchronization`.
fn try_partial(
    st: &mut State,
    clients: &mut Clients,
    me: usize,
    reply: &mut Reply,
    replid: &[u8],
    offset: u64,
    name: &str,
) -> bool {
    let repl = &st.repl;
    let ours = replid.eq_ignore_ascii_case(repl.replid.as_bytes());
    let previous = replid.eq_ignore_ascii_case(repl.replid2.as_bytes());
    let continues = ours || (previous && offset as i64 <= repl.second_offset);
    if !continues {
        if replid == b"?" {
            log::info!("Full resync requested by replica {name}");
        } else if !ours && !previous {
            log::info!(
                "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '{}', my replication IDs are '{}' and '{}')",
                String::from_utf8_lossy(replid),
                repl.replid,
                repl.replid2
            );
        } else {
            log::info!(
                "Partial resynchronization not accepted: Requested offset for second ID was {offset}, but I can reply up to {}",
                repl.second_offset
            );
        }
        return false;
    }
    let Some(backlog) = repl.backlog.as_ref().filter(|b| b.covers(offset.wrapping_sub(1))) else {
        log::info!("Unable to partial resync with replica {name} for lack of backlog (Replica request was: {offset}).");
        if offset > repl.offset {
            log::warn!(
                "Warning: replica {name} tried to PSYNC with an offset that is greater than the master replication offset."
            );
        }
        return false;
    };
    let c = &mut clients[me];
    let psync2 = c.peer.as_ref().is_some_and(|p| p.capa_psync2);
    if psync2 {
        reply.raw(format!("+CONTINUE {}\r\n", repl.replid).as_bytes());
    } else {
        reply.raw(b"+CONTINUE\r\n");
    }
    // What it missed is read from the shared buffer, as the rest of its
    // stream will be.
    let sent = backlog.end_offset() + 1 - offset;
    let now = crate::server::now_ms();
    let peer = c.peer.get_or_insert_with(Default::default);
    let mut link = Link::new(LinkState::Online, offset, now, false);
    link.stream_at = Some(offset);
    peer.link = Some(link);
    st.repl.backlog.as_mut().expect("covers").hold_from(offset);
    attach(st, me);
    log::info!(
        "Partial resynchronization request from {name} accepted. Sending {sent} bytes of backlog starting from offset {offset}."
    );
    true
}

fn attach(st: &mut State, me: usize) {
    if !st.repl.replicas.contains(&me) {
        st.repl.replicas.push(me);
    }
    st.repl.no_replicas_since = None;
}

/// The backlog, and with it the stream (`createReplicationBacklog`).
pub(crate) fn create_backlog(st: &mut State) {
    let size = backlog_size(st);
    st.repl.backlog = Some(Backlog::new(size, st.repl.offset));
    st.repl.seldb = None;
    st.prop.on = true;
    st.sync_notes();
}

impl Repl {
    /// Queues the keys given a TTL by clients of a writable replica.
    pub fn remember_own_ttls(&mut self, db: usize, keys: Vec<Vec<u8>>) {
        for key in keys {
            let entry = (db, key);
            if !self.own_ttl_set.contains(&entry) {
                self.own_ttl_set.insert(entry.clone());
                self.own_ttls.push_back(entry);
            }
        }
    }

    /// Stops checking an entry `own_ttls` gave.
    pub fn forget_own_ttl(&mut self, entry: &(usize, Vec<u8>)) {
        self.own_ttl_set.remove(entry);
    }

    /// CONFIG RESETSTAT's part: `sync_full`, `sync_partial_ok`, `sync_partial_err`.
    pub fn reset_stats(&mut self) {
        self.sync_full = 0;
        self.sync_partial_ok = 0;
        self.sync_partial_err = 0;
    }

    /// No more keys of its own to expire (promoted, or the data replaced).
    pub fn clear_own_ttls(&mut self) {
        self.own_ttls.clear();
        self.own_ttl_set.clear();
    }
}

/// A master restarted on a snapshot of history `id` at `offset`
/// (`loadDataFromDisk`): that history becomes its secondary one, so that
/// its replicas continue partially, and its offset and backlog (holding
/// the DELs of keys expired meanwhile) go on from the snapshot's.
pub fn restarted_at(st: &mut State, id: String, offset: u64) {
    st.repl.replid2 = id;
    st.repl.second_offset = offset as i64 + 1;
    st.repl.offset += offset;
    if let Some(backlog) = &mut st.repl.backlog {
        backlog.rebase(offset);
    }
    st.repl.no_replicas_since = Some(crate::server::now_ms());
}

/// No backlog (a master whose snapshot named no history to continue).
pub fn drop_backlog(st: &mut State) {
    st.repl.backlog = None;
    st.prop.on = st.aof.mode != crate::persist::aof::Mode::Off;
    st.sync_notes();
}

/// `repl-backlog-size`, at least Redis's minimum of 16 KiB.
fn backlog_size(st: &State) -> usize {
    crate::util::number::parse_i64(st.config.value("repl-backlog-size")).map_or(1 << 20, |n| n.max(16 * 1024) as usize)
}

/// Follows CONFIG SET repl-backlog-size.
pub fn config_changed(st: &mut State) {
    let size = backlog_size(st);
    if let Some(b) = &mut st.repl.backlog {
        b.resize(size);
    }
}

/// `+FULLRESYNC <replid> <offset>` to a PSYNC replica whose snapshot
/// stands for `offset`; SYNC's replicas get no such line. From then on
/// the buffer keeps its stream (unless it wants only the snapshot).
fn full_resync_reply(st: &mut State, c: &mut crate::client::Client, reply: &mut Reply, offset: u64) {
    let peer = c.peer.as_mut().expect("a replica");
    let rdb_only = peer.rdb_only;
    let link = peer.link.as_mut().expect("a replica");
    link.state = LinkState::WaitBgsaveEnd;
    link.initial_offset = offset;
    if !rdb_only && let Some(backlog) = &mut st.repl.backlog {
        link.stream_at = Some(offset + 1);
        backlog.hold_from(offset + 1);
    }
    if !link.pre_psync {
        reply.raw(format!("+FULLRESYNC {} {}\r\n", st.repl.replid, offset).as_bytes());
    }
}

/// The IP a replica is known by: the one it announced with REPLCONF
/// `ip-address`, else its socket's.
pub fn announced_ip(c: &Client) -> String {
    c.peer
        .as_ref()
        .and_then(|p| p.ip.clone())
        .unwrap_or_else(|| c.addr.ip().to_string())
}

/// `repl-timeout` in milliseconds.
pub fn repl_timeout_ms(config: &crate::config::Config) -> u64 {
    crate::util::number::parse_i64(config.value("repl-timeout"))
        .unwrap_or(60)
        .max(1) as u64
        * 1000
}

/// `replicationGetSlaveName`: its announced address, else its socket's.
pub fn replica_name(clients: &Clients, token: usize) -> String {
    let c = &clients[token];
    let ip = announced_ip(c);
    match c.peer.as_ref().map(|p| p.listening_port).filter(|&p| p != 0) {
        Some(port) => format!("{ip}:{port}"),
        None => format!("{}:<unknown-replica-port>", c.addr_text()),
    }
}

// ---- the loop's part ----------------------------------------------------------------------

/// Before the loop sleeps: the pending stream to every replica, the
/// snapshot for replicas started, finished saves sent, sends continued.
/// Tokens with new output go to `writes`.
pub fn before_sleep(st: &mut State, clients: &mut Clients, writes: &mut Vec<usize>) {
    replica::before_sleep(st, clients, writes);
    if std::mem::take(&mut st.repl.save_maybe_useless) {
        stop_useless_save(st, clients);
    }
    if st.repl.replicas.is_empty() {
        // A diskless save whose replicas all left is stopped; a history
        // they held on to goes back to the backlog's size.
        pump_diskless(st, clients);
        if let Some(backlog) = &mut st.repl.backlog {
            backlog.set_readers(None);
            backlog.trim(10 * backlog::TRIM_PER_CALL);
        }
        st.repl.released = st.repl.offset;
        return;
    }
    // Not while clients are paused: it would move the offset the replicas
    // are to catch up with; it goes once the pause is over.
    let paused = st.pause.kind(crate::server::now_ms()) != crate::server::state::PauseKind::Off;
    if st.repl.get_ack && !paused {
        st.repl.get_ack = false;
        send_getack(st);
    }
    // The stream so far may leave: the AOF is written before any output
    // of this iteration. A snapshot started below holds its effects (and
    // the offset it announces counts it).
    st.repl.released = st.repl.offset;
    if let Some(ok) = st.repl.snapshot_done.take() {
        snapshot_finished(st, clients, ok);
    }
    start_snapshot_if_needed(st, clients);
    pump_diskless(st, clients);
    // A limit below the backlog's size would drop a replica that a
    // partial resync then brings back: the backlog's size applies.
    let mut limit = *st
        .config
        .client_output_limits
        .class(crate::config::ClientClass::Replica);
    if limit.hard != 0 {
        limit.hard = limit.hard.max(st.repl.backlog.as_ref().map_or(0, |b| b.size() as u64));
    }
    let now = crate::server::now_ms();
    let mut readers_from = None::<u64>;
    for i in 0..st.repl.replicas.len() {
        let token = st.repl.replicas[i];
        let Some(c) = clients.get_mut(token) else { continue };
        let Some(link) = c.peer.as_mut().and_then(|p| p.link.as_mut()) else {
            continue;
        };
        if link.state == LinkState::SendBulk && send_more(c, now) {
            st.kills.push(token);
            continue;
        }
        let link = c.peer.as_mut().and_then(|p| p.link.as_mut()).expect("a replica");
        let (stream_at, streaming) = (link.stream_at, link.streaming());
        let held = match (&st.repl.backlog, stream_at) {
            (Some(b), Some(at)) => b.held_for(at),
            _ => 0,
        };
        link.buffer_share = held;
        if let Some(at) = stream_at {
            readers_from = Some(readers_from.map_or(at, |r| r.min(at)));
            if at < st.repl.backlog.as_ref().map_or(0, Backlog::first_offset) {
                // Never expected: the buffer keeps what a replica will read.
                log::warn!("Replica {} lost its place in the replication buffer", c.addr_text());
                st.kills.push(token);
                continue;
            }
        }
        if c.close_on_replica_limit(held, &limit, now) {
            st.stats.client_obuf_limit_disconnections += 1;
            st.kills.push(token);
            continue;
        }
        let unsent_stream = streaming.is_some_and(|at| at <= st.repl.released);
        if (c.reply.pending() > 0 || unsent_stream) && !c.write_queued {
            c.write_queued = true;
            writes.push(token);
        }
    }
    if let Some(backlog) = &mut st.repl.backlog {
        backlog.set_readers(readers_from);
        backlog.trim(10 * backlog::TRIM_PER_CALL);
    }
}

/// Stream bytes replica `c` is to get next from the shared buffer: one
/// block's worth at most, and only what may leave yet (empty if none).
pub fn stream_to_send<'a>(repl: &'a Repl, c: &Client) -> &'a [u8] {
    let (Some(backlog), Some(at)) = (
        &repl.backlog,
        c.peer.as_ref().and_then(|p| p.link.as_ref()).and_then(Link::streaming),
    ) else {
        return &[];
    };
    let part = backlog.slice_from(at);
    let allowed = (repl.released + 1).saturating_sub(at) as usize;
    &part[..part.len().min(allowed)]
}

/// `n` stream bytes were written to replica `c`.
pub fn stream_sent(c: &mut Client, n: usize) {
    if let Some(at) = c
        .peer
        .as_mut()
        .and_then(|p| p.link.as_mut())
        .and_then(|l| l.stream_at.as_mut())
    {
        *at += n as u64;
    }
}

/// REPLCONF GETACK to every replica (`sendGetackToReplicas`).
pub fn send_getack(st: &mut State) {
    if !st.repl.replicas.is_empty() {
        st.repl
            .feed(None, b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
    }
}

/// True while snapshots are being sent: the loop comes back within a
/// millisecond to send more.
pub fn sending(st: &State, clients: &Clients) -> bool {
    replica::busy(st) || st.repl.diskless.is_some() || st.repl.links(clients).any(|l| l.state == LinkState::SendBulk)
}

/// Starts the background save the replicas waiting for one need, unless
/// another background job runs (`startBgsaveForReplication`). It serves
/// the first waiting replica and those asking the same filter; its target
/// is their sockets with `repl-diskless-sync yes` or a filter, if they all
/// read `$EOF:` transfers, else the RDB file.
fn start_snapshot_if_needed(st: &mut State, clients: &mut Clients) {
    let mut req = None;
    let waiting: Vec<usize> = st
        .repl
        .replicas
        .iter()
        .copied()
        .filter(|&t| {
            clients.get(t).and_then(|c| c.peer.as_ref()).is_some_and(|p| {
                p.link.as_ref().is_some_and(|l| l.state == LinkState::WaitBgsaveStart)
                    && *req.get_or_insert(p.req) == p.req
            })
        })
        .collect();
    // Not while this server loads its own master's snapshot (an
    // `async_loading` swap would pull the dataset from under the save).
    if waiting.is_empty()
        || st.rdb.bgsave.is_some()
        || st.aof.rewrite.is_some()
        || st.repl.diskless.is_some()
        || st.loading.is_some()
    {
        return;
    }
    if !diskless_delay_over(st, clients, &waiting) {
        return;
    }
    let req = req.unwrap_or(0);
    let all_eof = waiting
        .iter()
        .all(|&t| clients[t].peer.as_ref().is_some_and(|p| p.capa_eof));
    let to_sockets = (st.config.value("repl-diskless-sync") == b"yes" || req != 0) && all_eof;
    log::info!(
        "Starting BGSAVE for SYNC with target: {}",
        if to_sockets { "replicas sockets" } else { "disk" }
    );
    let mark = random_id(&mut st.rng);
    let started = if to_sockets {
        start_diskless(st, &waiting, req, &mark)
    } else {
        crate::persist::control::bgsave(st).is_ok()
    };
    if !started {
        log::warn!("BGSAVE for replication failed");
        for &t in &waiting {
            if let Some(c) = clients.get_mut(t) {
                c.peer = None;
                c.reply.error(b"BGSAVE failed, replication can't continue");
                c.close_after_reply = true;
            }
            st.repl.replicas.retain(|&r| r != t);
        }
        return;
    }
    st.repl.snapshot_for_replicas = true;
    // The stream after the snapshot starts with a SELECT.
    st.repl.seldb = None;
    let offset = st.repl.offset;
    for &t in &waiting {
        if let Some(c) = clients.get_mut(t) {
            let mut reply = std::mem::take(&mut c.reply);
            full_resync_reply(st, c, &mut reply, offset);
            if to_sockets {
                reply.raw(format!("$EOF:{mark}\r\n").as_bytes());
                if let Some(link) = c.peer.as_mut().and_then(|p| p.link.as_mut()) {
                    link.diskless = true;
                }
            }
            c.reply = reply;
        }
    }
}

/// Closes a client once its output is sent (at once if none is left).
fn close_when_sent(st: &mut State, c: &mut crate::client::Client, token: usize) {
    c.close_after_reply = true;
    if c.reply.pending() == 0 {
        st.kills.push(token);
    }
}

/// `rdbSaveToSlavesSockets`: a background save whose bytes come back to
/// the loop for `targets`, without the keys or functions `req` leaves out.
fn start_diskless(st: &mut State, targets: &[usize], req: u8, mark: &str) -> bool {
    let (tx, feed) = sync_channel(16);
    let mut header = st.repl.rdb_header();
    header.no_functions = req & REQ_NO_FUNCTIONS != 0;
    let target = crate::persist::snapshot::Target::Replicas {
        feed: tx,
        mark: mark.to_owned(),
        data: req & REQ_NO_DATA == 0,
    };
    if crate::persist::control::bgsave_to(st, target, &header).is_err() {
        return false;
    }
    let now = crate::server::now_ms();
    st.repl.diskless = Some(Diskless {
        feed,
        targets: targets.to_vec(),
        progress: targets.iter().map(|&t| (t, 0, now)).collect(),
    });
    true
}

/// A disk save for replicas that none waits for any more, on a server
/// with no save points, is stopped (Redis kills such a child).
fn stop_useless_save(st: &mut State, clients: &Clients) {
    let waited_for = st.repl.links(clients).any(|l| l.state == LinkState::WaitBgsaveEnd);
    if st.rdb.bgsave.is_some()
        && st.repl.snapshot_for_replicas
        && st.repl.diskless.is_none()
        && !waited_for
        && st.config.value("save").is_empty()
    {
        crate::persist::control::abort_bgsave(st);
    }
}

/// Copies what the diskless save handed back into its replicas' outputs,
/// as long as none of them has more than `SEND_AHEAD` unsent (the slowest
/// sets the pace, as a forked child writing to every socket does). At the
/// end each replica is online, holding its stream until it acknowledges;
/// if the save failed they are dropped; if they all left, it is stopped.
fn pump_diskless(st: &mut State, clients: &mut Clients) {
    let Some(d) = st.repl.diskless.as_mut() else { return };
    d.targets.retain(|&t| {
        clients
            .get(t)
            .and_then(|c| c.peer.as_ref()?.link.as_ref())
            .is_some_and(|l| l.diskless && l.state == LinkState::WaitBgsaveEnd)
    });
    if d.targets.is_empty() {
        st.repl.diskless = None;
        // The save may be over already (its last bytes still queued here).
        if st.rdb.bgsave.as_ref().is_some_and(|job| job.to_replicas) {
            log::warn!("Diskless rdb transfer, last replica dropped, killing fork child.");
            crate::persist::control::abort_bgsave(st);
        }
        return;
    }
    // A replica that reads nothing for `repl-timeout` seconds is dropped
    // so the others can go on.
    let now = crate::server::now_ms();
    let timeout_ms = repl_timeout_ms(&st.config);
    for &t in &d.targets {
        let pending = clients[t].reply.pending();
        let Some(p) = d.progress.iter_mut().find(|p| p.0 == t) else {
            continue;
        };
        if pending < p.1 || pending == 0 {
            p.2 = now;
        }
        p.1 = pending;
        if now.saturating_sub(p.2) > timeout_ms && !st.kills.contains(&t) {
            log::warn!(
                "Disconnecting timedout replica (full sync): {}",
                replica_name(clients, t)
            );
            st.kills.push(t);
        }
    }
    loop {
        if d.targets.iter().any(|&t| clients[t].reply.pending() >= SEND_AHEAD) {
            return;
        }
        match d.feed.try_recv() {
            Ok(Feed::Bytes(bytes)) => {
                for &t in &d.targets {
                    clients[t].reply.raw(&bytes);
                }
                for p in &mut d.progress {
                    p.1 = clients.get(p.0).map_or(0, |c| c.reply.pending());
                }
            }
            Ok(Feed::End) => {
                d.targets.retain(|t| !st.kills.contains(t));
                log::info!(
                    "Diskless rdb transfer, done reading from pipe, {} replicas still up.",
                    d.targets.len()
                );
                for t in std::mem::take(&mut d.targets) {
                    let name = replica_name(clients, t);
                    let c = &mut clients[t];
                    let Some(peer) = c.peer.as_mut() else { continue };
                    log::info!(
                        "Streamed RDB transfer with replica {name} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming"
                    );
                    if peer.rdb_only {
                        log::info!("RDB transfer completed, rdb only replica ({name}) should be disconnected asap");
                        close_when_sent(st, c, t);
                        continue;
                    }
                    let link = peer.link.as_mut().expect("a target is a replica");
                    link.state = LinkState::Online;
                    link.ack_ms = now;
                    // An ACK that came before the end was pumped (the
                    // replica had read it all) starts the stream at once.
                    link.stream_on_ack = !std::mem::take(&mut link.acked_early);
                    log::info!("Synchronization with replica {name} succeeded");
                }
                st.repl.diskless = None;
                return;
            }
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => {
                for t in std::mem::take(&mut d.targets) {
                    log::warn!("SYNC failed. BGSAVE child returned an error");
                    st.kills.push(t);
                }
                st.repl.diskless = None;
                return;
            }
        }
    }
}

/// With `repl-diskless-sync yes`, the save waits
/// `repl-diskless-sync-delay` seconds (or for
/// `repl-diskless-sync-max-replicas` replicas) so more replicas can share
/// one transfer.
fn diskless_delay_over(st: &State, clients: &Clients, waiting: &[usize]) -> bool {
    let config = &st.config;
    let delay = crate::util::number::parse_i64(config.value("repl-diskless-sync-delay")).unwrap_or(0);
    let all_eof = waiting
        .iter()
        .all(|&t| clients.get(t).and_then(|c| c.peer.as_ref()).is_some_and(|p| p.capa_eof));
    if config.value("repl-diskless-sync") != b"yes" || delay <= 0 || !all_eof {
        return true;
    }
    let max = crate::util::number::parse_i64(config.value("repl-diskless-sync-max-replicas")).unwrap_or(0);
    if max > 0 && waiting.len() as i64 >= max {
        return true;
    }
    let now = crate::server::now_ms();
    let longest = waiting
        .iter()
        .filter_map(|&t| clients.get(t)?.peer.as_ref()?.link.as_ref())
        .map(|l| now.saturating_sub(l.ack_ms))
        .max()
        .unwrap_or(0);
    longest >= delay as u64 * 1000
}

/// A background save ended (`updateSlavesWaitingBgsave`): each replica
/// waiting for it starts receiving the file, or is dropped if it failed.
fn snapshot_finished(st: &mut State, clients: &mut Clients, ok: bool) {
    let path = crate::persist::snapshot::rdb_path(&st.config);
    for &t in &st.repl.replicas.clone() {
        let Some(c) = clients.get_mut(t) else { continue };
        let Some(link) = c.peer.as_mut().and_then(|p| p.link.as_mut()) else {
            continue;
        };
        if link.state != LinkState::WaitBgsaveEnd || link.diskless {
            continue;
        }
        let opened = if ok { Transfer::open(&path).ok() } else { None };
        match opened {
            Some((size, transfer)) => {
                link.state = LinkState::SendBulk;
                link.transfer = Some(transfer);
                c.reply.raw(format!("${size}\r\n").as_bytes());
            }
            None => {
                log::warn!("SYNC failed. BGSAVE child returned an error");
                st.kills.push(t);
            }
        }
    }
}

/// Moves more of the snapshot file into the replica's output; at its
/// end it is online, its stream following from the shared buffer. True if the replica
/// is to be closed now (a read error, or an rdb-only one with all sent).
fn send_more(c: &mut crate::client::Client, now: u64) -> bool {
    let name = c.addr_text();
    let Some(peer) = c.peer.as_mut() else { return false };
    let rdb_only = peer.rdb_only;
    let Some(link) = peer.link.as_mut() else { return false };
    let Some(transfer) = &link.transfer else { return false };
    while c.reply.pending() < SEND_AHEAD {
        match transfer.chunks.try_recv() {
            Ok(Ok(chunk)) => c.reply.raw(&chunk),
            Ok(Err(e)) => {
                log::warn!("Read error sending DB to replica: {e}");
                return true;
            }
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => {
                link.transfer = None;
                link.state = LinkState::Online;
                link.ack_ms = now;
                if rdb_only {
                    log::info!("RDB transfer completed, rdb only replica ({name}) should be disconnected asap");
                    c.close_after_reply = true;
                    return c.reply.pending() == 0;
                }
                log::info!("Synchronization with replica {name} succeeded");
                return false;
            }
        }
    }
    false
}

/// INFO memory's `mem_replication_backlog`, `mem_total_replication_buffers`
/// and `mem_clients_slaves`: the shared buffer, split as Redis splits it:
/// with replicas attached, what passes `repl-backlog-size` counts as
/// theirs.
pub fn buffer_memory(st: &State) -> (usize, usize, usize) {
    let total = st.repl.backlog.as_ref().map_or(0, Backlog::memory);
    let size = backlog_size(st);
    let replicas = if !st.repl.replicas.is_empty() && total > size {
        total - size
    } else {
        0
    };
    (total - replicas, total, replicas)
}

/// A client closed: if it was a replica it leaves the list.
pub fn on_close(st: &mut State, token: usize, c: &crate::client::Client) {
    replica::on_close(st, token, c);
    if c.peer.as_ref().is_some_and(|p| p.link.is_some()) {
        st.repl.replicas.retain(|&t| t != token);
        if st.repl.replicas.is_empty() {
            st.repl.no_replicas_since = Some(crate::server::now_ms());
        }
        st.repl.save_maybe_useless = true;
        log::info!("Connection with replica {} lost.", c.addr_text());
    }
    st.repl.waiting.retain(|&t| t != token);
}

/// Once a second: PING every `repl-ping-replica-period` seconds, a
/// newline to replicas waiting for their snapshot, replicas that stopped
/// acknowledging dropped, and the backlog freed `repl-backlog-ttl`
/// seconds after the last replica left.
pub fn cron(st: &mut State, clients: &mut Clients, now: u64) {
    // A failover is looked after on every call (`hz` times a second).
    failover::update(st, clients, now);
    replica::expire_own_keys(st, now);
    let secs = now / 1000;
    if secs == st.repl.cron_secs {
        return;
    }
    st.repl.cron_secs = secs;
    replica::cron(st, clients, now);
    let loops = st.repl.cron_loops;
    st.repl.cron_loops += 1;
    if st.repl.backlog.is_none() {
        return;
    }
    let period = crate::util::number::parse_i64(st.config.value("repl-ping-replica-period"))
        .unwrap_or(10)
        .max(1) as u64;
    // No PING during a FAILOVER with a TIMEOUT while clients are paused:
    // it would move the offset the replica must reach (as Redis).
    let paused = st.pause.kind(now) != crate::server::state::PauseKind::Off;
    let failing_over = failover::has_deadline(st) && paused;
    if !st.repl.replicas.is_empty() && loops.is_multiple_of(period) && !failing_over {
        st.repl.feed(None, b"*1\r\n$4\r\nPING\r\n");
    }
    let timeout_ms = repl_timeout_ms(&st.config);
    for &t in &st.repl.replicas {
        let Some(c) = clients.get_mut(t) else { continue };
        let Some(link) = c.peer.as_ref().and_then(|p| p.link.as_ref()) else {
            continue;
        };
        match link.state {
            LinkState::WaitBgsaveStart => c.reply.raw(b"\n"),
            LinkState::WaitBgsaveEnd if !link.diskless => c.reply.raw(b"\n"),
            LinkState::Online if !link.pre_psync && now.saturating_sub(link.ack_ms) > timeout_ms => {
                log::warn!("Disconnecting timedout replica (streaming sync): {}", c.addr_text());
                st.kills.push(t);
            }
            _ => {}
        }
    }
    let ttl = crate::util::number::parse_i64(st.config.value("repl-backlog-ttl"))
        .unwrap_or(3600)
        .max(0) as u64;
    // Only a master: a replica keeps its backlog for when it is promoted.
    if let Some(since) = st.repl.no_replicas_since
        && st.repl.replicas.is_empty()
        && st.repl.master.is_none()
        && ttl > 0
        && now.saturating_sub(since) >= ttl * 1000
    {
        // A new history begins with the next replica.
        st.repl.new_history(&mut st.rng);
        st.repl.backlog = None;
        st.repl.no_replicas_since = None;
        st.prop.on = st.aof.mode != crate::persist::aof::Mode::Off;
        st.sync_notes();
        log::info!("Replication backlog freed after {ttl} seconds without connected replicas.");
    }
}

// ---- acknowledgements and WAIT ----------------------------------------------------------

/// `REPLCONF ACK <offset>` from replica `me`.
pub fn ack(st: &mut State, clients: &mut Clients, me: usize, offset: u64) {
    let Some(link) = clients[me].peer.as_mut().and_then(|p| p.link.as_mut()) else {
        return;
    };
    link.ack_offset = link.ack_offset.max(offset);
    link.ack_ms = crate::server::now_ms();
    if link.diskless && link.state == LinkState::WaitBgsaveEnd {
        link.acked_early = true;
    }
    if link.state == LinkState::Online {
        // Its stream goes from the next time the loop sleeps.
        link.stream_on_ack = false;
    }
    if !st.repl.waiting.is_empty() {
        serve_waiting(st, clients);
    }
}

/// Unblocks the WAIT clients enough replicas acknowledged.
fn serve_waiting(st: &mut State, clients: &mut Clients) {
    for token in std::mem::take(&mut st.repl.waiting) {
        let Some((offset, wanted)) = clients.get(token).and_then(|c| c.blocked.as_ref()).and_then(|b| b.wait) else {
            continue;
        };
        let acks = st.repl.acks_at(clients, offset);
        if acks < wanted {
            st.repl.waiting.push(token);
            continue;
        }
        let c = &mut clients[token];
        if let Some(blocked) = c.blocked.take() {
            st.blocking.unblock(token, &blocked);
        }
        c.reply.int(acks as i64);
        st.woken.push(token);
    }
}

// ---- INFO and ROLE --------------------------------------------------------------------------

/// INFO replication's master fields from `connected_slaves` on.
pub fn info(st: &State, clients: &Clients, out: &mut dyn FnMut(&str, String)) {
    let now = crate::server::now_ms();
    match &st.repl.master {
        None => out("role", "master".into()),
        Some(link) => {
            out("role", "slave".into());
            out("master_host", link.host.clone());
            out("master_port", link.port.to_string());
            out(
                "master_link_status",
                if link.is_connected() { "up" } else { "down" }.into(),
            );
            let last_io = match link.token.and_then(|t| clients.get(t)) {
                Some(c) if link.is_connected() => (now.saturating_sub(c.last_interaction_ms) / 1000) as i64,
                _ => -1,
            };
            out("master_last_io_seconds_ago", last_io.to_string());
            out(
                "master_sync_in_progress",
                u8::from(link.phase == replica::Phase::Transfer).to_string(),
            );
            let offset = if st.repl.psync_ok { st.repl.offset } else { 1 };
            // Read from the master, not yet applied: a command held by a
            // pause, a partial one, a transaction until its EXEC.
            let unread = match link.token.and_then(|t| clients.get(t)) {
                Some(c) if link.is_connected() => (c.rlen - c.rpos + link.unapplied_len()) as u64,
                _ => 0,
            };
            out("slave_read_repl_offset", (offset + unread).to_string());
            out("slave_repl_offset", offset.to_string());
            if link.phase == replica::Phase::Transfer {
                let (total, read) = link.transfer().unwrap_or((0, 0));
                let perc = if total > 0 {
                    read as f64 * 100.0 / total as f64
                } else {
                    0.0
                };
                out("master_sync_total_bytes", total.to_string());
                out("master_sync_read_bytes", read.to_string());
                out("master_sync_left_bytes", (total as i64 - read as i64).to_string());
                out("master_sync_perc", format!("{perc:.2}"));
                out(
                    "master_sync_last_io_seconds_ago",
                    (now.saturating_sub(link.last_io_ms) / 1000).to_string(),
                );
            }
            if !link.is_connected() {
                let down = link.down_since.map_or(-1, |t| (now.saturating_sub(t) / 1000) as i64);
                out("master_link_down_since_seconds", down.to_string());
            }
            out(
                "slave_priority",
                String::from_utf8_lossy(st.config.value("replica-priority")).into_owned(),
            );
            let ro = st.config.value("replica-read-only") == b"yes";
            out("slave_read_only", u8::from(ro).to_string());
            let announced = st.config.value("replica-announced") == b"yes";
            out("replica_announced", u8::from(announced).to_string());
        }
    }
    out("connected_slaves", st.repl.replicas.len().to_string());
    let min_replicas = st.config.min_replicas_to_write;
    if min_replicas > 0 {
        let max_lag = crate::util::number::parse_i64(st.config.value("min-replicas-max-lag")).unwrap_or(10);
        let good = st.repl.good_replicas(clients, now, max_lag.max(0) as u64);
        out("min_slaves_good_slaves", good.to_string());
    }
    let now_secs = now / 1000;
    for (i, &t) in st.repl.replicas.iter().enumerate() {
        let Some(c) = clients.get(t) else { continue };
        let Some(peer) = c.peer.as_ref() else { continue };
        let Some(link) = peer.link.as_ref() else { continue };
        let ip = announced_ip(c);
        let lag = if link.state == LinkState::Online {
            now_secs.saturating_sub(link.ack_ms / 1000)
        } else {
            0
        };
        out(
            &format!("slave{i}"),
            format!(
                "ip={ip},port={},state={},offset={},lag={lag}",
                peer.listening_port,
                link.state.name(),
                link.ack_offset
            ),
        );
    }
    let r = &st.repl;
    out("master_failover_state", failover::state_name(st).into());
    out("master_replid", r.replid.clone());
    out("master_replid2", r.replid2.clone());
    out("master_repl_offset", r.offset.to_string());
    out("second_repl_offset", r.second_offset.to_string());
    out("repl_backlog_active", u8::from(r.backlog.is_some()).to_string());
    let (size, first, histlen) = match &r.backlog {
        Some(b) => (b.size(), b.first_offset(), b.histlen()),
        None => (backlog_size(st), 0, 0),
    };
    out("repl_backlog_size", size.to_string());
    out("repl_backlog_first_byte_offset", first.to_string());
    out("repl_backlog_histlen", histlen.to_string());
}

/// ROLE's replicas: (ip, port, acknowledged offset) of each online one.
pub fn online_replicas(st: &State, clients: &Clients) -> Vec<(String, u16, u64)> {
    st.repl
        .replicas
        .iter()
        .filter_map(|&t| {
            let c = clients.get(t)?;
            let peer = c.peer.as_ref()?;
            let link = peer.link.as_ref()?;
            (link.state == LinkState::Online).then(|| {
                let ip = announced_ip(c);
                (ip, peer.listening_port, link.ack_offset)
            })
        })
        .collect()
}
