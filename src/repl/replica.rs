//! Replication, the replica's side: the link to a master (REPLICAOF).
//!
//! The link is a client in the loop's table (`Client::master_link`),
//! connected without blocking. Until it is synchronized its input is
//! read here, as 7.0.15's replica does the handshake: PING, AUTH with
//! `masterauth` if set, `REPLCONF listening-port`, `ip-address`, `capa eof
//! capa psync2` (sent together, replies read in order), then PSYNC with
//! this server's history id and offset. `+CONTINUE` makes the link the
//! master client at once; `+FULLRESYNC` is followed by the snapshot (a
//! `$<len>` bulk or a `$EOF:<mark>` one), which a writer thread puts in
//! the RDB file; it is then loaded in slices as at start-up (clients get
//! `-LOADING`). With `repl-diskless-load` (`swapdb`, or `on-empty-db` on
//! an empty server) the snapshot is parsed as it arrives instead, the
//! old dataset set aside (`swapdb`) to come back if the load fails. Once synchronized, the master's commands run as any
//! client's, without replies; each complete command (a whole transaction
//! at its EXEC) moves the offset and is passed on unchanged to this
//! server's own replicas and backlog. `REPLCONF ACK` goes back every
//! second and when the master asks (GETACK). A lost link is retried each
//! second, with PSYNC.

use std::io::{self, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use log::{info, warn};
use mio::{Interest, Token};

use super::Repl;
use crate::client::{Client, Clients};
use crate::server::State;

/// Where the link is (Redis's `repl_state`, as ROLE names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not connected: the cron connects.
    Connect,
    /// The connection is being made; PING is queued.
    Connecting,
    /// Waiting for PING's reply.
    ReceivePong,
    /// Waiting for the replies to AUTH (if sent) and the REPLCONFs.
    ReceiveReplies { auth: bool, left: u8 },
    /// Waiting for PSYNC's reply.
    ReceivePsync,
    /// Receiving the snapshot.
    Transfer,
    /// Loading the snapshot.
    Loading,
    /// Synchronized: the link is the master client.
    Connected,
}

impl Phase {
    /// ROLE's state word.
    pub fn role_name(self) -> &'static str {
        match self {
            Phase::Connect => "connect",
            Phase::Connecting => "connecting",
            Phase::ReceivePong | Phase::ReceiveReplies { .. } | Phase::ReceivePsync => "handshake",
            Phase::Transfer | Phase::Loading => "sync",
            Phase::Connected => "connected",
        }
    }
}

/// The snapshot being received.
#[derive(Debug)]
struct Receive {
    /// Bytes still expected (`$<len>`), or None for a `$EOF:` transfer.
    left: Option<u64>,
    /// The end mark of a `$EOF:` transfer.
    mark: Option<[u8; 40]>,
    /// The last 40 bytes received (a `$EOF:` transfer ends with the mark).
    tail: Vec<u8>,
    total: u64,
    read: u64,
    /// The thread writing it to disk, and its verdict; None when it is
    /// parsed as it arrives (`repl-diskless-load`).
    writer: Option<Sender<Chunk>>,
    done: Option<Receiver<io::Result<()>>>,
    /// The transfer ended (the writer was told; a parser reads its end).
    finished: bool,
}

impl Receive {
    fn to_parser(&self) -> bool {
        self.done.is_none()
    }
}

/// The link to this server's master.
#[derive(Debug)]
pub struct MasterLink {
    pub host: String,
    pub port: u16,
    pub phase: Phase,
    /// The connection's client token, once one exists.
    pub token: Option<usize>,
    /// When the link went down (ms), None while connected.
    pub down_since: Option<u64>,
    /// Last bytes from the master (ms): `master_last_io_seconds_ago`.
    pub last_io_ms: u64,
    /// `+FULLRESYNC`'s history id and offset.
    initial: Option<(String, u64)>,
    receive: Option<Receive>,
    /// The database the master's stream has selected, kept while the
    /// link is down so a partial resync continues in it.
    pub stream_db: usize,
    /// An acknowledgement to send: the offset (GETACK's excludes itself).
    pub ack_due: Option<u64>,
    /// The master's commands consumed inside a transaction not yet
    /// executed: applied (and passed on) at its EXEC.
    unapplied: Vec<u8>,
    /// AOF was on and is restarted after the snapshot is loaded.
    restart_aof: bool,
}

impl MasterLink {
    pub fn is_connected(&self) -> bool {
        self.phase == Phase::Connected
    }

    /// Bytes of the master's open transaction, consumed but not applied.
    pub fn unapplied_len(&self) -> usize {
        self.unapplied.len()
    }

    /// `master_sync_in_progress` figures: total and read bytes.
    pub fn transfer(&self) -> Option<(u64, u64)> {
        self.receive.as_ref().map(|r| (r.total, r.read))
    }
}

impl Repl {
    /// True when this server replicates another.
    pub fn is_replica(&self) -> bool {
        self.master.is_some()
    }

    /// `replica_offset` for INFO and ROLE: applied bytes of the master's
    /// stream.
    pub fn replica_offset(&self) -> u64 {
        self.offset
    }
}

// ---- REPLICAOF ----------------------------------------------------------------------------

/// `replicationSetMaster`: forgets any link, keeps this server's own
/// history for the PSYNC to the new master, and connects.
pub fn set_master(st: &mut State, clients: &mut Clients, host: &str, port: u16) {
    drop_link(st, clients);
    // Clients blocked in a command that may change under them learn it.
    release_blocked(st, clients);
    // A PSYNC to the new master continues the old one's stream, in the
    // database it had selected (Redis's cached master keeps it).
    let stream_db = st.repl.master.as_ref().map_or(0, |l| l.stream_db);
    let mut link = new_link(host.to_string(), port);
    link.stream_db = stream_db;
    st.repl.master = Some(link);
    st.sync_expire_hold(crate::server::now_ms());
    save_config(st);
    role_changed(st);
    info!("Connecting to MASTER {host}:{port}");
    connect(st, clients);
}

/// The OOM score follows the role.
fn role_changed(st: &mut State) {
    if let Err(e) = st.apply_oom_score() {
        warn!("Unable to set oom_score_adj: {e}");
    }
}

/// The `replicaof` directive at start-up: the link is made once the
/// dataset is loaded (by the cron).
pub fn configure(st: &mut State) {
    let words: Vec<Vec<u8>> = st
        .config
        .value("replicaof")
        .split(|&c| c == b' ')
        .filter(|w| !w.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let [host, port] = words.as_slice() else { return };
    if host.eq_ignore_ascii_case(b"no") {
        return;
    }
    let Some(port) = crate::util::number::parse_i64(port).and_then(|p| u16::try_from(p).ok()) else {
        return;
    };
    st.repl.master = Some(new_link(String::from_utf8_lossy(host).into_owned(), port));
    // No history to continue unless the snapshot loaded names one.
    st.repl.psync_ok = false;
    st.sync_expire_hold(crate::server::now_ms());
    role_changed(st);
}

fn new_link(host: String, port: u16) -> MasterLink {
    MasterLink {
        host,
        port,
        phase: Phase::Connect,
        token: None,
        down_since: Some(crate::server::now_ms()),
        last_io_ms: 0,
        initial: None,
        receive: None,
        stream_db: 0,
        ack_due: None,
        unapplied: Vec::new(),
        restart_aof: false,
    }
}

/// `replicationUnsetMaster` (REPLICAOF NO ONE): the inherited history
/// becomes the secondary one, a new one starts, and this server's
/// replicas reconnect to learn it.
pub fn unset_master(st: &mut State, clients: &mut Clients) {
    if st.repl.master.is_none() {
        return;
    }
    drop_link(st, clients);
    st.repl.master = None;
    shift_history(&mut st.repl, &mut st.rng);
    disconnect_replicas(st);
    st.repl.seldb = None;
    st.repl.no_replicas_since = Some(crate::server::now_ms());
    st.sync_expire_hold(crate::server::now_ms());
    save_config(st);
    role_changed(st);
}

/// `shiftReplicationId`.
fn shift_history(repl: &mut Repl, rng: &mut crate::server::state::Rng) {
    repl.replid2 = repl.replid.clone();
    repl.second_offset = repl.offset as i64 + 1;
    repl.replid = super::random_id(rng);
    info!(
        "Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
        repl.replid2, repl.second_offset, repl.replid
    );
}

/// The `replicaof` directive follows the role, for CONFIG GET/REWRITE.
fn save_config(st: &mut State) {
    let value = match &st.repl.master {
        Some(m) => vec![m.host.clone().into_bytes(), m.port.to_string().into_bytes()],
        None => Vec::new(),
    };
    let _ = st.config.apply(b"replicaof", &value);
}

/// `disconnectAllBlockedClients`.
fn release_blocked(st: &mut State, clients: &mut Clients) {
    let blocked: Vec<usize> = clients
        .iter()
        .filter(|(_, c)| c.blocked.is_some())
        .map(|(t, _)| t)
        .collect();
    let text: &[u8] = b"UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
    for t in blocked {
        let c = &mut clients[t];
        // WAIT stays: it is about this server's replicas.
        if c.blocked.as_ref().is_some_and(|b| b.wait.is_some()) {
            continue;
        }
        if let Some(b) = c.blocked.take() {
            st.blocking.unblock(t, &b);
            c.reply.error(text);
            st.woken.push(t);
        }
    }
}

/// Closes the link's connection (if any), stops a transfer, and leaves
/// the link to be made again.
fn drop_link(st: &mut State, clients: &mut Clients) {
    stop_socket_load(st);
    let Some(link) = st.repl.master.as_mut() else { return };
    if let Some(token) = link.token.take()
        && let Some(c) = clients.get_mut(token)
    {
        // The cached master keeps the stream's database.
        if link.phase == Phase::Connected {
            link.stream_db = c.db;
        }
        c.master_link = false;
        st.kills.push(token);
    }
    link_down(link);
}

/// The link's state once its connection is gone.
fn link_down(link: &mut MasterLink) {
    link.token = None;
    link.receive = None;
    link.phase = Phase::Connect;
    link.unapplied.clear();
    link.ack_due = None;
    if link.down_since.is_none() {
        link.down_since = Some(crate::server::now_ms());
    }
}

/// Closes every replica of this server (`disconnectSlaves`).
fn disconnect_replicas(st: &mut State) {
    let replicas = std::mem::take(&mut st.repl.replicas);
    st.kills.extend(replicas);
}

// ---- the connection -------------------------------------------------------------------------

/// A non-blocking connection to `addr`, from the address `source`
/// (`bind-source-addr`) when that can be used, as Redis's
/// `anetTcpNonBlockBestEffortBindConnect`: if the source cannot be parsed
/// or bound, or the connection from it fails at once, it connects from
/// any address.
fn dial(addr: SocketAddr, source: &str) -> std::io::Result<mio::net::TcpStream> {
    let from = |ip: std::net::IpAddr| -> std::io::Result<mio::net::TcpStream> {
        let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, None)?;
        socket.set_nonblocking(true)?;
        socket.set_reuse_address(true)?;
        socket.bind(&SocketAddr::new(ip, 0).into())?;
        match socket.connect(&addr.into()) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        Ok(mio::net::TcpStream::from_std(socket.into()))
    };
    if let Ok(ip) = source.parse()
        && let Ok(stream) = from(ip)
    {
        return Ok(stream);
    }
    mio::net::TcpStream::connect(addr)
}

/// `connectWithMaster`: a non-blocking connection whose first write (the
/// PING) goes when it is established.
fn connect(st: &mut State, clients: &mut Clients) {
    let Some(link) = st.repl.master.as_ref() else { return };
    let target = (link.host.as_str(), link.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next());
    let Some(addr) = target else {
        warn!("Unable to connect to MASTER: can't resolve {}", link.host);
        return;
    };
    let source = String::from_utf8_lossy(st.config.value("bind-source-addr")).into_owned();
    let stream = match dial(addr, &source) {
        Ok(s) => s,
        Err(e) => {
            warn!("Unable to connect to MASTER: {e}");
            return;
        }
    };
    let _ = stream.set_nodelay(true);
    let mut stream = crate::client::Stream::Tcp(stream);
    let token = clients.vacant_key();
    let Some(registry) = st.registry.as_ref() else { return };
    if let Err(e) = registry.register(&mut stream, Token(token), Interest::READABLE | Interest::WRITABLE) {
        warn!("Unable to connect to MASTER: {e}");
        return;
    }
    let id = st.next_client_id();
    let now = crate::server::now_ms();
    let local = SocketAddr::from(([0, 0, 0, 0], 0));
    let mut c = Client::new(id, stream, addr, local, st.config.proto_max_bulk_len, now);
    c.authenticated = true;
    c.master_link = true;
    c.want_write = true;
    c.reply.raw(b"*1\r\n$4\r\nPING\r\n");
    let inserted = clients.insert(c);
    debug_assert_eq!(inserted, token);
    let link = st.repl.master.as_mut().expect("checked");
    link.token = Some(token);
    link.phase = Phase::ReceivePong;
    link.last_io_ms = now;
    info!("MASTER <-> REPLICA sync started");
}

/// The link's connection closed (the loop closes it like any client).
pub fn on_close(st: &mut State, token: usize, c: &Client) {
    if !c.master_link {
        return;
    }
    let Some(link) = st.repl.master.as_mut() else { return };
    if link.token != Some(token) {
        return;
    }
    if link.phase == Phase::Connected {
        link.stream_db = c.db;
        info!("Connection with master lost.");
        info!("* Caching the disconnected master state.");
    }
    link.token = None;
    if link.phase == Phase::Loading {
        // The load goes on; the link is made again when it is done.
        return;
    }
    stop_socket_load(st);
    let Some(link) = st.repl.master.as_mut() else { return };
    link_down(link);
}

/// A snapshot parsed as it arrived ends with its link (`swapdb`'s old
/// dataset comes back).
fn stop_socket_load(st: &mut State) {
    if crate::persist::control::is_socket_load(st) {
        warn!("Failed trying to load the MASTER synchronization DB from socket: the connection was lost");
        let undo = crate::persist::control::abort_socket_load(st);
        undo_load(st, undo);
    }
}

/// One line from the link's input, without its CRLF (None: incomplete).
fn take_line(c: &mut Client) -> Option<Vec<u8>> {
    let held = &c.rbuf[c.rpos..c.rlen];
    let at = memchr::memchr(b'\n', held)?;
    let mut line = held[..at].to_vec();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    c.rpos += at + 1;
    Some(line)
}

fn send(c: &mut Client, args: &[&[u8]]) {
    let mut out = Vec::new();
    crate::server::propagate::write_command(&mut out, args.iter().copied());
    c.reply.raw(&out);
}

/// What the loop does with the link's input after `input`.
pub enum Input {
    /// Handled; read more when there is more.
    Continue,
    /// Synchronized: run the rest as the master's commands.
    Commands,
    /// Leave the input where it is (the snapshot is being loaded).
    Hold,
    /// The link failed: close it.
    Close,
}

/// Reads the link's input before it is synchronized.
pub fn input(st: &mut State, clients: &mut Clients, token: usize) -> Input {
    let now = crate::server::now_ms();
    loop {
        let failing_over = super::failover::in_progress(st);
        let Some(link) = st.repl.master.as_mut() else {
            return Input::Close;
        };
        if link.token != Some(token) {
            return Input::Close;
        }
        let c = &mut clients[token];
        if c.rlen > c.rpos {
            link.last_io_ms = now;
        }
        match link.phase {
            Phase::Connected => return Input::Commands,
            Phase::Loading => return Input::Hold,
            Phase::Connect | Phase::Connecting => return Input::Close,
            Phase::Transfer => return receive(st, clients, token),
            Phase::ReceivePong => {
                let Some(line) = take_line(c) else {
                    return Input::Continue;
                };
                if line.first() == Some(&b'-')
                    && !line.starts_with(b"-NOAUTH")
                    && !line.starts_with(b"-NOPERM")
                    && !line.starts_with(b"-ERR operation not permitted")
                {
                    warn!("Error reply to PING from master: '{}'", String::from_utf8_lossy(&line));
                    return Input::Close;
                }
                info!("Master replied to PING, replication can continue...");
                if let crate::client::Stream::Tcp(s) = &c.stream
                    && let Ok(local) = s.local_addr()
                {
                    c.laddr = local;
                }
                let auth = send_handshake(&st.config, st.port, c);
                link.phase = Phase::ReceiveReplies {
                    auth,
                    left: 2 + u8::from(!st.config.value("replica-announce-ip").is_empty()),
                };
            }
            Phase::ReceiveReplies { auth, left } => {
                let Some(line) = take_line(c) else {
                    return Input::Continue;
                };
                let error = line.first() == Some(&b'-');
                if auth {
                    if error {
                        warn!("Unable to AUTH to MASTER: {}", String::from_utf8_lossy(&line));
                        return Input::Close;
                    }
                    link.phase = Phase::ReceiveReplies { auth: false, left };
                    continue;
                }
                if error {
                    info!(
                        "(Non critical) Master does not understand REPLCONF: {}",
                        String::from_utf8_lossy(&line)
                    );
                }
                if left > 1 {
                    link.phase = Phase::ReceiveReplies {
                        auth: false,
                        left: left - 1,
                    };
                    continue;
                }
                // PSYNC with this server's history, unless it has none.
                let (id, offset) = if st.repl.psync_ok {
                    (st.repl.replid.clone(), (st.repl.offset + 1).to_string())
                } else {
                    ("?".to_string(), "-1".to_string())
                };
                if id == "?" {
                    info!("Partial resynchronization not possible (no cached master)");
                } else {
                    info!("Trying a partial resynchronization (request {id}:{offset}).");
                }
                // A master failing over makes its target the master.
                if failing_over {
                    send(c, &[b"PSYNC", id.as_bytes(), offset.as_bytes(), b"FAILOVER"]);
                } else {
                    send(c, &[b"PSYNC", id.as_bytes(), offset.as_bytes()]);
                }
                link.phase = Phase::ReceivePsync;
            }
            Phase::ReceivePsync => {
                let Some(line) = take_line(c) else {
                    return Input::Continue;
                };
                if line.is_empty() {
                    continue;
                }
                let text = String::from_utf8_lossy(&line).into_owned();
                let accepted = text.starts_with("+FULLRESYNC") || text.starts_with("+CONTINUE");
                if failing_over {
                    if !accepted {
                        super::failover::abort(st, clients, "Failover target rejected psync request");
                        return Input::Close;
                    }
                    super::failover::clear(st);
                }
                let Some(link) = st.repl.master.as_mut() else {
                    return Input::Close;
                };
                let c = &mut clients[token];
                if let Some(rest) = text.strip_prefix("+FULLRESYNC") {
                    let mut words = rest.split_whitespace();
                    let (Some(id), Some(offset)) = (words.next(), words.next().and_then(|o| o.parse().ok())) else {
                        warn!("Master replied with wrong +FULLRESYNC syntax.");
                        return Input::Close;
                    };
                    info!("Full resync from master: {id}:{offset}");
                    link.initial = Some((id.to_string(), offset));
                    link.phase = Phase::Transfer;
                    link.receive = None;
                } else if let Some(rest) = text.strip_prefix("+CONTINUE") {
                    info!("Successful partial resynchronization with master.");
                    let new_id = rest.trim();
                    let db = link.stream_db;
                    link.phase = Phase::Connected;
                    link.down_since = None;
                    c.db = db;
                    c.reply_mode = crate::client::ReplyMode::Off;
                    if !new_id.is_empty() && new_id != st.repl.replid {
                        // The master's history went on under a new id
                        // (it was promoted): ours follows, and our
                        // replicas must learn it.
                        st.repl.replid2 = std::mem::replace(&mut st.repl.replid, new_id.to_string());
                        st.repl.second_offset = st.repl.offset as i64 + 1;
                        info!("Master replication ID changed to {new_id}");
                        disconnect_replicas(st);
                    }
                    if st.repl.backlog.is_none() {
                        super::create_backlog(st);
                    }
                    info!("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
                    return Input::Commands;
                } else if text.starts_with("-NOMASTERLINK") || text.starts_with("-LOADING") {
                    info!("Master is currently unable to PSYNC but should be in the future: {text}");
                    return Input::Close;
                } else {
                    warn!("Unexpected reply to PSYNC from master: {text}");
                    return Input::Close;
                }
            }
        }
    }
}

/// AUTH (with `masterauth`), REPLCONF listening-port (the port bound,
/// `bound_port`, unless one is announced), ip-address and capabilities,
/// in one write; true if AUTH was sent.
fn send_handshake(config: &crate::config::Config, bound_port: u16, c: &mut Client) -> bool {
    let pass = config.value("masterauth");
    let user = config.value("masteruser");
    let auth = !pass.is_empty();
    if auth {
        if user.is_empty() {
            send(c, &[b"AUTH", pass]);
        } else {
            send(c, &[b"AUTH", user, pass]);
        }
    }
    let announced = crate::util::number::parse_i64(config.value("replica-announce-port")).unwrap_or(0);
    let port = if announced != 0 {
        announced as u64
    } else {
        bound_port as u64
    };
    send(c, &[b"REPLCONF", b"listening-port", port.to_string().as_bytes()]);
    let ip = config.value("replica-announce-ip");
    if !ip.is_empty() {
        send(c, &[b"REPLCONF", b"ip-address", ip]);
    }
    send(c, &[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"]);
    auth
}

/// Receives the snapshot: its header, then its bytes into the writer.
fn receive(st: &mut State, clients: &mut Clients, token: usize) -> Input {
    let link = st.repl.master.as_mut().expect("checked by input");
    let c = &mut clients[token];
    if link.receive.is_none() {
        // Newlines keep the link alive while the master prepares it.
        while c.rpos < c.rlen && c.rbuf[c.rpos] == b'\n' {
            c.rpos += 1;
        }
        let Some(line) = take_line(c) else {
            return Input::Continue;
        };
        if line.first() == Some(&b'-') {
            warn!(
                "MASTER aborted replication with an error: {}",
                String::from_utf8_lossy(&line)
            );
            return Input::Close;
        }
        if line.first() != Some(&b'$') {
            warn!(
                "Bad protocol from MASTER, the first byte is not '$' (we received '{}'), are you sure the host and port are right?",
                String::from_utf8_lossy(&line)
            );
            return Input::Close;
        }
        // `useDisklessLoad`: parsed as it arrives, or written to disk.
        let diskless = match st.config.value("repl-diskless-load") {
            b"swapdb" => Some(true),
            b"on-empty-db" if st.dbs.iter().all(|d| d.is_empty()) => Some(false),
            _ => None,
        };
        let how = if diskless.is_some() { "to parser" } else { "to disk" };
        let (left, mark, total) = if let Some(mark) = line.strip_prefix(b"$EOF:") {
            let Ok(mark) = <[u8; 40]>::try_from(mark) else {
                warn!("Bad EOF mark from MASTER");
                return Input::Close;
            };
            info!("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF {how}");
            (None, Some(mark), 0)
        } else {
            let Some(len) = crate::util::number::parse_i64(&line[1..]).filter(|&n| n >= 0) else {
                warn!("Bad bulk length from MASTER");
                return Input::Close;
            };
            info!("MASTER <-> REPLICA sync: receiving {len} bytes from master {how}");
            (Some(len as u64), None, len as u64)
        };
        let (writer, done) = if diskless.is_some() {
            (None, None)
        } else {
            match start_writer(&st.config) {
                Ok((writer, done)) => (Some(writer), Some(done)),
                Err(e) => {
                    warn!("Opening the temp file needed for MASTER <-> REPLICA synchronization: {e}");
                    return Input::Close;
                }
            }
        };
        link.receive = Some(Receive {
            left,
            mark,
            tail: Vec::new(),
            total,
            read: 0,
            writer,
            done,
            finished: false,
        });
        if let Some(swap) = diskless {
            begin_socket_load(st, left, swap);
        }
    }
    let link = st.repl.master.as_mut().expect("checked by input");
    let c = &mut clients[token];
    let r = link.receive.as_mut().expect("just set");
    if r.finished {
        return Input::Hold;
    }
    let held = &c.rbuf[c.rpos..c.rlen];
    // A load that parses as it receives reads no faster than it parses.
    let room = crate::persist::control::socket_load_room(&st.loading).unwrap_or(usize::MAX);
    let ahead = &held[..held.len().min(room.saturating_add(40))];
    let want = match (r.left, &r.mark) {
        (Some(left), _) => held.len().min(left as usize),
        // Up to the end of the mark, which may straddle two reads:
        // nothing after it belongs to the snapshot.
        (None, Some(mark)) => mark_end(&r.tail, ahead, mark).unwrap_or(held.len()),
        (None, None) => held.len(),
    };
    let take = want.min(room);
    let held_back = take < want;
    if held_back {
        crate::persist::control::hold_socket_load_link(&mut st.loading);
        if take == 0 {
            return Input::Hold;
        }
    }
    let bytes = &held[..take];
    r.read += take as u64;
    if let Some(left) = &mut r.left {
        *left -= take as u64;
    }
    if r.mark.is_some() {
        r.tail.extend_from_slice(bytes);
        let excess = r.tail.len().saturating_sub(40);
        r.tail.drain(..excess);
    }
    let ended = match (r.left, r.mark) {
        (Some(left), _) => left == 0,
        (None, Some(mark)) => r.tail.len() == 40 && r.tail[..] == mark[..],
        (None, None) => false,
    };
    if let Some(w) = &r.writer
        && take > 0
    {
        let _ = w.send(Chunk::Bytes(bytes.to_vec()));
    } else if r.to_parser() {
        // The parser never reads the mark: the snapshot ends before it.
        crate::persist::control::feed_socket_load(&mut st.loading, bytes, ended);
    }
    c.rpos += take;
    if held_back {
        return Input::Hold;
    }
    if ended {
        // The writer cuts the mark off a `$EOF:` transfer.
        let cut = if r.mark.is_some() { 40 } else { 0 };
        if let Some(w) = r.writer.take() {
            let _ = w.send(Chunk::End { cut });
        }
        r.finished = true;
        return Input::Hold;
    }
    Input::Continue
}

/// Where in `held` a `$EOF:` transfer's end mark ends, `tail` holding
/// the bytes received just before (the mark may straddle the two).
fn mark_end(tail: &[u8], held: &[u8], mark: &[u8; 40]) -> Option<usize> {
    let mut seam = tail.to_vec();
    seam.extend_from_slice(&held[..held.len().min(39)]);
    if let Some(at) = memchr::memmem::find(&seam, mark) {
        return Some((at + mark.len()).saturating_sub(tail.len()));
    }
    memchr::memmem::find(held, mark).map(|at| at + mark.len())
}

/// What the writer thread is sent.
#[derive(Debug)]
enum Chunk {
    Bytes(Vec<u8>),
    /// The transfer is complete; the last `cut` bytes written are the
    /// `$EOF:` mark, not the snapshot.
    End {
        cut: u64,
    },
}

/// The thread that writes the received snapshot to a temporary file,
/// then syncs it and renames it to the RDB file (`dir`/`dbfilename`), as
/// Redis's disk load does. A transfer dropped before its end removes the
/// temporary file.
fn start_writer(config: &crate::config::Config) -> io::Result<(Sender<Chunk>, Receiver<io::Result<()>>)> {
    let path = crate::persist::snapshot::rdb_path(config);
    let temp = crate::persist::snapshot::dir(config).join(format!(
        "temp-{}.{}.rdb",
        crate::server::now_ms() / 1000,
        std::process::id()
    ));
    let mut file = std::fs::File::create(&temp)?;
    let (tx, rx) = channel::<Chunk>();
    let (done_tx, done) = channel();
    std::thread::Builder::new()
        .name("loopkv-repl-recv".into())
        .spawn(move || {
            let result = (|| {
                let mut written: u64 = 0;
                while let Ok(chunk) = rx.recv() {
                    match chunk {
                        Chunk::Bytes(bytes) => {
                            file.write_all(&bytes)?;
                            written += bytes.len() as u64;
                        }
                        Chunk::End { cut } => {
                            file.set_len(written.saturating_sub(cut))?;
                            file.sync_all()?;
                            std::fs::rename(&temp, &path)?;
                            if let Some(dir) = path.parent()
                                && let Ok(d) = std::fs::File::open(dir)
                            {
                                let _ = d.sync_all();
                            }
                            return Ok(());
                        }
                    }
                }
                Err(io::Error::other("the transfer stopped"))
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&temp);
            }
            let _ = done_tx.send(result);
        })?;
    Ok((tx, done))
}

// ---- after the transfer ---------------------------------------------------------------------

/// Before the loop sleeps: a snapshot written to disk starts its load,
/// and an acknowledgement that is due goes to the master.
pub fn before_sleep(st: &mut State, clients: &mut Clients, writes: &mut Vec<usize>) {
    let Some(link) = st.repl.master.as_mut() else { return };
    if let Some(done) = link
        .receive
        .as_ref()
        .filter(|r| r.finished)
        .and_then(|r| r.done.as_ref())
    {
        match done.try_recv() {
            Ok(Ok(())) => begin_load(st, clients),
            Ok(Err(e)) => {
                warn!("Failed trying to write the synchronization DB to disk: {e}");
                drop_link(st, clients);
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => drop_link(st, clients),
        }
        return;
    }
    if link.phase != Phase::Connected {
        return;
    }
    let (Some(offset), Some(token)) = (link.ack_due.take(), link.token) else {
        return;
    };
    if let Some(c) = clients.get_mut(token) {
        send(c, &[b"REPLCONF", b"ACK", offset.to_string().as_bytes()]);
        if !c.write_queued {
            c.write_queued = true;
            writes.push(token);
        }
    }
}

/// True while the loop must come back soon for the link: a snapshot is
/// being written or its verdict awaited.
pub fn busy(st: &State) -> bool {
    st.repl
        .master
        .as_ref()
        .is_some_and(|l| l.receive.as_ref().is_some_and(|r| r.finished && !r.to_parser()))
}

/// The snapshot is on disk: the old data goes, this server's replicas and
/// backlog too (their history ends), and the file is loaded in slices.
fn begin_load(st: &mut State, clients: &mut Clients) {
    let link = st.repl.master.as_mut().expect("a link");
    link.receive = None;
    link.phase = Phase::Loading;
    stop_persistence(st);
    attach_to_new_master(st);
    info!("MASTER <-> REPLICA sync: Flushing old data");
    empty_data(st);
    info!("MASTER <-> REPLICA sync: Loading DB in memory");
    if let Err(e) = crate::persist::control::begin_master_load(st) {
        warn!("Failed trying to load the MASTER synchronization DB from disk: {e}");
        load_failed(st, clients);
    }
}

/// The snapshot is parsed as it arrives (`repl-diskless-load`): with
/// `swapdb` the old dataset is set aside, to come back if the load fails;
/// else (`on-empty-db`) it goes, as for a disk load.
fn begin_socket_load(st: &mut State, len: Option<u64>, swap: bool) {
    stop_persistence(st);
    // A full sync that goes on with the history this server already
    // follows loads beside the live dataset, which clients keep using
    // until the swap (`async_loading`).
    let same_history = st
        .repl
        .master
        .as_ref()
        .and_then(|l| l.initial.as_ref())
        .is_some_and(|(id, _)| *id == st.repl.replid);
    if swap && same_history {
        info!("MASTER <-> REPLICA sync: Loading DB in memory");
        crate::persist::control::begin_socket_load(st, len, None, true);
        return;
    }
    let kept = if swap {
        let kept = crate::persist::control::Kept {
            dbs: st.dbs.iter_mut().map(crate::db::Db::flush).collect(),
            functions: crate::script::function::codes(),
        };
        crate::script::function::flush();
        Some(kept)
    } else {
        attach_to_new_master(st);
        info!("MASTER <-> REPLICA sync: Flushing old data");
        empty_data(st);
        None
    };
    info!("MASTER <-> REPLICA sync: Loading DB in memory");
    crate::persist::control::begin_socket_load(st, len, kept, false);
}

/// A socket load is complete: with `swapdb` the old history ends now and
/// the dataset set aside is freed.
pub fn socket_loaded(
    st: &mut State,
    clients: &mut Clients,
    stream_db: usize,
    kept: Option<crate::persist::control::Kept>,
) {
    if let Some(link) = st.repl.master.as_mut() {
        link.receive = None;
    }
    if let Some(kept) = kept {
        st.repl.clear_own_ttls();
        attach_to_new_master(st);
        info!("MASTER <-> REPLICA sync: Swapping active DB with loaded DB");
        info!("MASTER <-> REPLICA sync: Discarding old DB in background");
        free_kept(kept.dbs);
    }
    // The dataset changed without a save.
    st.dirty += 1;
    loaded(st, clients, stream_db);
}

/// A socket load failed, or its link went: `swapdb`'s old dataset comes
/// back (the history it stands for too); otherwise the half-loaded data
/// goes and the next sync is a full one.
pub fn socket_load_failed(st: &mut State, clients: &mut Clients, undo: crate::persist::control::Undo) {
    if let Some(link) = st.repl.master.as_mut() {
        link.receive = None;
    }
    undo_load(st, undo);
    drop_link(st, clients);
}

fn undo_load(st: &mut State, undo: crate::persist::control::Undo) {
    use crate::persist::control::Undo;
    match undo {
        Undo::Nothing => {}
        Undo::Restore(kept) => {
            let loaded: Vec<_> = st.dbs.iter_mut().zip(kept.dbs).map(|(db, k)| db.restore(k)).collect();
            info!("MASTER <-> REPLICA sync: Discarding temporary DB in background");
            free_kept(loaded);
            crate::script::function::flush();
            for code in kept.functions {
                let _ = crate::script::function::load(&code, true);
            }
        }
        Undo::Empty => {
            empty_data(st);
            st.repl.psync_ok = false;
        }
    }
}

/// Frees set-aside databases on the lazyfree thread.
fn free_kept(dbs: Vec<crate::db::Flushed>) {
    let n = dbs.iter().map(crate::db::Flushed::len).sum();
    crate::command::keys::free_flushed(dbs, true, n);
}

/// Before a full sync's data is loaded: no save or AOF rewrite runs, and
/// the AOF stops, to start again once the load is done.
fn stop_persistence(st: &mut State) {
    crate::persist::control::abort_bgsave(st);
    crate::persist::aof::rewrite::kill(st);
    let restart_aof = st.aof.mode != crate::persist::aof::Mode::Off;
    if restart_aof {
        crate::persist::aof::stop(st);
    }
    st.repl.master.as_mut().expect("a link").restart_aof |= restart_aof;
}

/// `replicationAttachToNewMaster`: the history this server's replicas and
/// backlog follow ends.
fn attach_to_new_master(st: &mut State) {
    disconnect_replicas(st);
    super::drop_backlog(st);
}

/// Every database emptied, and the function libraries.
fn empty_data(st: &mut State) {
    st.repl.clear_own_ttls();
    let n: usize = st.dbs.iter().map(crate::db::Db::len).sum();
    let flushed = st.dbs.iter_mut().map(crate::db::Db::flush).collect();
    let lazy = st.config.value("replica-lazy-flush") == b"yes";
    crate::command::keys::free_flushed(flushed, lazy, n);
    crate::script::function::flush();
}

/// The load failed: the partial data goes, and the next sync is a full one.
pub fn load_failed(st: &mut State, clients: &mut Clients) {
    empty_data(st);
    st.repl.psync_ok = false;
    drop_link(st, clients);
}

/// The snapshot is loaded (`readSyncBulkPayload`'s end): this server
/// takes the master's history and offset, starts its backlog, and the
/// link becomes the master client, in the database the snapshot says
/// the stream has selected.
pub fn loaded(st: &mut State, clients: &mut Clients, stream_db: usize) {
    let Some(link) = st.repl.master.as_mut() else { return };
    let (id, offset) = link
        .initial
        .take()
        .unwrap_or_else(|| (st.repl.replid.clone(), st.repl.offset));
    let restart_aof = std::mem::take(&mut link.restart_aof);
    link.stream_db = stream_db;
    // The first acknowledgement goes at once: a master that sent the
    // snapshot diskless starts the stream when it arrives.
    link.ack_due = Some(offset);
    let token = link.token;
    link.phase = if token.is_some() {
        Phase::Connected
    } else {
        Phase::Connect
    };
    if token.is_some() {
        link.down_since = None;
    }
    st.repl.replid = id;
    st.repl.offset = offset;
    st.repl.replid2 = "0".repeat(40);
    st.repl.second_offset = -1;
    st.repl.psync_ok = true;
    super::create_backlog(st);
    if let Some(t) = token
        && let Some(c) = clients.get_mut(t)
    {
        c.db = stream_db;
        c.reply_mode = crate::client::ReplyMode::Off;
        // What the master sent meanwhile is waiting in its buffer.
        c.readable = true;
        st.woken.push(t);
    }
    // The dataset was replaced: cached keys and WATCHed ones that are
    // there now are changed.
    crate::command::tracking::dataset_replaced(st, clients, crate::server::now_ms());
    crate::command::transaction::touch_replaced(st, clients, |st, db, key| st.dbs[db].peek(key).is_some());
    if restart_aof && crate::persist::aof::start(st, false).is_err() {
        warn!("Failed enabling the AOF after successful master synchronization!");
    }
    info!("MASTER <-> REPLICA sync: Finished with success");
}

/// An error replied on a replication link (`afterErrorReply`): a
/// command of this server's master failed here (`to_master`: the datasets
/// may have diverged), or a replica of this server sent one it may not.
/// Logged with the latest stream bytes and counted
/// (`unexpected_error_replies`); fatal on a read-only replica when
/// `propagation-error-behavior` says so.
pub fn error_on_link(st: &mut State, reply: &[u8], command: &str, to_master: bool) {
    let (from, to) = if to_master {
        ("replica", "master")
    } else {
        ("master", "replica")
    };
    // Each error reply (EXEC's array may hold several).
    for text in error_lines(reply) {
        warn!(
            "== CRITICAL == This {from} is sending an error to its {to}: '{}' after processing the command '{command}'",
            String::from_utf8_lossy(&text[..text.len().min(4096)])
        );
        if let Some(b) = st.repl.backlog.as_ref().filter(|b| to_master && b.histlen() > 0) {
            let n = b.histlen().min(256) as u64;
            let mut tail = Vec::new();
            b.copy_after(b.first_offset() + b.histlen() as u64 - 1 - n, &mut tail);
            let mut quoted = Vec::new();
            crate::command::monitor::quote_into(&mut quoted, &tail);
            warn!(
                "Latest backlog is: '{}'",
                String::from_utf8_lossy(&quoted[1..quoted.len() - 1])
            );
        }
        st.stats.unexpected_error_replies += 1;
        let panic = to_master
            && st.config.value("replica-read-only") == b"yes"
            && matches!(
                st.config.value("propagation-error-behavior"),
                b"panic" | b"panic-on-replicas"
            );
        if panic {
            warn!("This replica panicked sending an error to its master after processing the command '{command}'");
            std::process::abort();
        }
    }
}

/// The texts of the error replies in `reply` (RESP2 or RESP3), walked
/// element by element so a bulk's content is never taken for one.
fn error_lines(reply: &[u8]) -> Vec<&[u8]> {
    let mut errors = Vec::new();
    let mut at = 0;
    while at < reply.len() {
        let kind = reply[at];
        let Some(end) = memchr::memmem::find(&reply[at..], b"\r\n").map(|e| at + e) else {
            break;
        };
        let line = &reply[at + 1..end];
        at = end + 2;
        match kind {
            b'-' => errors.push(line),
            b'$' | b'=' | b'!' => {
                // A bulk: its bytes and CRLF are skipped (`$-1` has none).
                if let Some(n) = crate::util::number::parse_i64(line).filter(|&n| n >= 0) {
                    at = at.saturating_add(n as usize + 2);
                }
            }
            _ => {}
        }
    }
    errors
}

/// A writable replica expires the keys its own clients gave a TTL
/// (`expireSlaveKeys`, unless active expiry is off): a few of them each
/// call, in turn, until more than three in a row are still alive.
pub fn expire_own_keys(st: &mut State, now: u64) {
    if !st.repl.is_replica() {
        return;
    }
    for (db, d) in st.dbs.iter_mut().enumerate() {
        if let Some(keys) = d.local_ttls.as_mut().filter(|k| !k.is_empty()) {
            let keys = std::mem::take(keys);
            st.repl.remember_own_ttls(db, keys);
        }
    }
    if !st.active_expire {
        return;
    }
    let mut alive = 0;
    for _ in 0..64 {
        let Some(entry) = st.repl.own_ttls.pop_front() else {
            break;
        };
        match st.dbs.get_mut(entry.0).and_then(|d| d.expire_if_due(&entry.1, now)) {
            Some(false) => {
                alive += 1;
                st.repl.own_ttls.push_back(entry);
            }
            _ => st.repl.forget_own_ttl(&entry),
        }
        if alive > 3 {
            break;
        }
    }
}

/// A command of the master's ran (or was queued in its transaction):
/// the offset moves past it and it goes on, byte for byte, to this
/// server's replicas and backlog (a transaction's commands at its EXEC).
pub fn applied(repl: &mut Repl, frame: &[u8], in_multi: bool) {
    let Some(link) = repl.master.as_mut() else { return };
    if in_multi {
        link.unapplied.extend_from_slice(frame);
        return;
    }
    if !link.unapplied.is_empty() {
        let queued = std::mem::take(&mut link.unapplied);
        repl.feed_raw(&queued);
    }
    repl.feed_raw(frame);
}

/// `REPLCONF GETACK` from the master: acknowledge what was applied
/// before it.
pub fn getack(st: &mut State, from_master: bool) {
    if !from_master {
        return;
    }
    let offset = st.repl.offset;
    if let Some(link) = st.repl.master.as_mut().filter(|l| l.is_connected()) {
        link.ack_due = Some(offset);
    }
}

/// During a load: a snapshot parsed as it arrives whose master has sent
/// nothing for `repl-timeout` while the parser waited fails (Redis's
/// receive timeout), bringing back what `swapdb` set aside.
pub fn loading_cron(st: &mut State, clients: &mut Clients, now: u64) {
    if !crate::persist::control::socket_load_waiting(st) {
        return;
    }
    let Some(link) = st.repl.master.as_ref() else { return };
    let last_io = link
        .token
        .and_then(|t| clients.get(t))
        .map_or(link.last_io_ms, |c| c.last_interaction_ms.max(link.last_io_ms));
    if now.saturating_sub(last_io) > super::repl_timeout_ms(&st.config) {
        warn!(
            "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."
        );
        drop_link(st, clients);
    }
}

/// Once a second: connect a link that is down, give up on one that
/// stopped answering (`repl-timeout`), acknowledge the offset.
pub fn cron(st: &mut State, clients: &mut Clients, now: u64) {
    // A snapshot parsed as it arrives may hold the link back itself.
    let held_by_load = crate::persist::control::is_socket_load(st) && !crate::persist::control::socket_load_waiting(st);
    let Some(link) = st.repl.master.as_mut() else { return };
    let timeout = super::repl_timeout_ms(&st.config);
    let last_io = link
        .token
        .and_then(|t| clients.get(t))
        .map_or(link.last_io_ms, |c| c.last_interaction_ms.max(link.last_io_ms));
    let silent = now.saturating_sub(last_io) > timeout;
    match link.phase {
        Phase::Connect => connect(st, clients),
        Phase::Connecting | Phase::ReceivePong | Phase::ReceiveReplies { .. } | Phase::ReceivePsync if silent => {
            warn!("Timeout connecting to the MASTER...");
            drop_link(st, clients);
        }
        Phase::Transfer if silent && !held_by_load => {
            warn!(
                "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."
            );
            drop_link(st, clients);
        }
        Phase::Connected if silent => {
            warn!("MASTER timeout: no data nor PING received...");
            drop_link(st, clients);
        }
        Phase::Connected => link.ack_due = Some(st.repl.offset),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::error_lines;

    #[test]
    fn error_replies_are_found_and_bulks_skipped() {
        let reply =
            b"*3\r\n$5\r\n-fake\r\n-ERR value is not an integer or out of range\r\n:1\r\n$-1\r\n-WRONGTYPE x\r\n";
        assert_eq!(
            error_lines(reply),
            vec![&b"ERR value is not an integer or out of range"[..], &b"WRONGTYPE x"[..]]
        );
        assert!(error_lines(b"+OK\r\n").is_empty());
    }
}
