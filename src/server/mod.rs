//! The event loop: one mio `Poll` owns the listeners, every connection (in
//! a `Slab`, whose key is the mio `Token`) and the keyspace.
//!
//! One iteration: wait for readiness (the timeout is the next timer-wheel
//! deadline, or zero when work is queued); read and execute every complete
//! command of each readable client (pipelining); run active expiry and the
//! once-per-`1/hz` cron; then, before sleeping, write each client's pending
//! output with one `write` call, registering WRITABLE interest only if bytes
//! remain; finally close the clients marked for closing (at the end, because
//! slab keys are reused at once).
//!
//! Fairness and back-pressure: readiness is edge-triggered, so whenever a
//! client is left before its socket reported WouldBlock (read budget spent,
//! output above the high-water mark) that is remembered in the client
//! (`readable`, `output_paused`) and it is queued again; nothing waits for an
//! edge that will not come.

pub mod blocking;
pub mod busy;
mod exec;
pub mod oom;
pub mod propagate;
pub mod shutdown;
pub mod state;

use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use log::{debug, info, warn};
use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token, Waker};

use crate::client::{Client, Clients};
use crate::config::Config;
pub use state::State;

/// Tokens at and above this are not clients.
const LISTENER_BASE: usize = usize::MAX / 2;
const WAKER: Token = Token(usize::MAX - 1);
/// The Unix socket listener.
const UNIX_LISTENER: Token = Token(usize::MAX - 2);

/// Bytes read per `read` call at least (a large bulk reserves more).
const READ_CHUNK: usize = 16 * 1024;
/// Reads per client per iteration before others get their turn: one, as
/// Redis. More let a few clients flooding pipelined writes stretch an
/// iteration to a tenth of a second, delaying every other client and
/// starving a running snapshot's walk (measured: 16 reads of 16 KB made
/// iterations of ~150 ms under five flooding clients).
const MAX_READS_PER_EVENT: usize = 1;
/// A large argument being received is read on while the socket holds
/// more of it, up to this much per pass (Redis reads the rest of a big
/// bulk in one call of up to its size; the socket buffer bounds that).
const BULK_READ_PER_PASS: usize = 4 * 1024 * 1024;
/// How far ahead of what has arrived a big argument's buffer is grown.
const BULK_AHEAD: usize = 1024 * 1024;
/// Bytes written per client per iteration (Redis's NET_MAX_WRITES_PER_EVENT).
const MAX_WRITE_PER_EVENT: usize = 64 * 1024;
/// Pending output above which a client's commands stop executing until it drains.
pub const OUTPUT_HIGH_WATER: usize = 4 * 1024 * 1024;
/// Timers fired per iteration at most; the rest wait for the next iteration.
const EXPIRE_BUDGET: usize = 2000;
/// SIGINT's number, to tell it from SIGTERM.
pub const SIGNAL_INT: usize = signal_hook::consts::SIGINT as usize;

/// Redis's reply to a non-loopback client in protected mode.
const PROTECTED_MODE_DENIED: &[u8] = b"-DENIED Redis is running in protected mode because protected \
mode is enabled and no password is set for the default user. \
In this mode connections are only accepted from the loopback interface. \
If you want to connect from external computers to Redis you \
may adopt one of the following solutions: \
1) Just disable protected mode sending the command \
'CONFIG SET protected-mode no' from the loopback interface \
by connecting to Redis from the same host the server is \
running, however MAKE SURE Redis is not publicly accessible \
from internet if you do so. Use CONFIG REWRITE to make this \
change permanent. \
2) Alternatively you can just disable the protected mode by \
editing the Redis configuration file, and setting the protected \
mode option to 'no', and then restarting the server. \
3) If you started the server manually just for testing, restart \
it with the '--protected-mode no' option. \
4) Setup a an authentication password for the default user. \
NOTE: You only need to do one of the above things in order for \
the server to start accepting connections from the outside.\r\n";

/// Wall-clock milliseconds derived from the monotonic clock, so a command
/// needs one clock reading for both its duration and its `now`. The base is
/// re-read from the wall clock by the cron, so a stepped system clock is
/// followed within one cron period.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Wall-clock microseconds at `base`: kept below the millisecond, so
    /// `ms` truncates once and never reads a millisecond behind the wall
    /// clock (a PXAT deadline 10 s ahead must read as PTTL 10000, not 10001).
    base_us: u64,
    base: std::time::Instant,
}

impl Clock {
    pub fn new() -> Clock {
        let base_us = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(0);
        Clock {
            base_us,
            base: std::time::Instant::now(),
        }
    }

    /// Milliseconds since the epoch at monotonic time `at`.
    pub fn ms(&self, at: std::time::Instant) -> u64 {
        (self.base_us + at.saturating_duration_since(self.base).as_micros() as u64) / 1000
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new()
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A bound server, ready to run on this thread or on its own.
pub struct Server {
    poll: Poll,
    clients: Clients,
    state: State,
    waker: Arc<Waker>,
    stop: Arc<AtomicBool>,
    /// Clients with work to do this iteration.
    ready: Vec<usize>,
    /// Clients with output to write before sleeping.
    writes: Vec<usize>,
    /// Clients to close at the end of the iteration.
    closing: Vec<usize>,
}

/// Handle to a server running on its own thread.
pub struct ServerHandle {
    addr: SocketAddr,
    waker: Arc<Waker>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl ServerHandle {
    /// The first listening address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the loop, closes every socket and waits for the thread.
    pub fn shutdown(mut self) -> io::Result<()> {
        self.stop_and_join()
    }

    fn stop_and_join(&mut self) -> io::Result<()> {
        self.stop.store(true, Ordering::SeqCst);
        self.waker.wake()?;
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("server thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

/// Redis's `islocalClient`: a client from 127.0.0.1 or ::1 (Unix-socket
/// clients carry 127.0.0.1). Other loopback addresses such as 127.0.0.2
/// are not local to protected mode.
pub fn is_local(addr: SocketAddr) -> bool {
    match addr.ip() {
        std::net::IpAddr::V4(ip) => ip == std::net::Ipv4Addr::LOCALHOST,
        std::net::IpAddr::V6(ip) => ip == std::net::Ipv6Addr::LOCALHOST,
    }
}

fn bind_one(addr: &str, port: u16, backlog: i32) -> io::Result<TcpListener> {
    // `*` and `::*` are Redis's spellings of every IPv4 / IPv6 address.
    let ip: std::net::IpAddr = match addr {
        "*" => std::net::Ipv4Addr::UNSPECIFIED.into(),
        "::*" => std::net::Ipv6Addr::UNSPECIFIED.into(),
        _ => addr
            .parse()
            .map_err(|_| io::Error::new(ErrorKind::InvalidInput, format!("Invalid bind address '{addr}'")))?,
    };
    let at = SocketAddr::new(ip, port);
    let socket = socket2::Socket::new(socket2::Domain::for_address(at), socket2::Type::STREAM, None)?;
    // As Redis: an IPv6 socket serves IPv6 only, so `* ::*` binds both
    // families on one port; a restarted server can take its port at once.
    if at.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.bind(&at.into())?;
    socket.listen(backlog)?;
    socket.set_nonblocking(true)?;
    Ok(TcpListener::from_std(socket.into()))
}

/// Binds every address of `bind` on `port` (an address written `-addr` is
/// optional: skipped if it cannot be bound, as in Redis) and returns the
/// listeners with the port they share (the one chosen for port 0).
pub fn bind_listeners(config: &Config) -> io::Result<(Vec<TcpListener>, u16)> {
    let (bind, backlog) = (&config.bind, config.tcp_backlog);
    let mut listeners = Vec::new();
    let mut port = config.port;
    for spec in bind {
        let (optional, addr) = match spec.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, spec.as_str()),
        };
        match bind_one(addr, port, backlog) {
            Ok(l) => {
                // Port 0: every address shares the port of the first.
                port = l.local_addr()?.port();
                listeners.push(l);
            }
            Err(e) if optional => debug!("skipping optional bind address {addr}: {e}"),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("Could not create server TCP listening socket {addr}:{port}: {e}"),
                ));
            }
        }
    }
    Ok((listeners, port))
}

/// CONFIG SET port/bind, as Redis's: the current listeners are closed
/// first (so the same address can be bound again), then `config`'s
/// addresses are bound; if that fails, the old ones (`old`) are bound
/// again and the error returned. Returns the port now listened on.
pub fn rebind(st: &mut State, config: &Config, old: &Config) -> io::Result<u16> {
    let registry = st.registry.as_ref().map(mio::Registry::try_clone).transpose()?;
    let register = |listeners: &mut Vec<TcpListener>| {
        for (i, l) in listeners.iter_mut().enumerate() {
            if let Some(registry) = &registry
                && let Err(e) = registry.register(l, Token(LISTENER_BASE + i), Interest::READABLE)
            {
                warn!("Registering listener: {e}");
            }
        }
    };
    for mut l in std::mem::take(&mut st.listeners) {
        if let Some(registry) = &registry {
            let _ = registry.deregister(&mut l);
        }
    }
    match bind_listeners(config) {
        Ok((mut listeners, port)) => {
            register(&mut listeners);
            st.listeners = listeners;
            Ok(port)
        }
        Err(e) => {
            match bind_listeners(old) {
                Ok((mut listeners, _)) => {
                    register(&mut listeners);
                    st.listeners = listeners;
                }
                Err(again) => warn!("Failed to listen again on the previous addresses: {again}"),
            }
            Err(e)
        }
    }
}

/// Listens on `unixsocket` if set: an old socket file is replaced, and the
/// new one gets the `unixsocketperm` mode (octal) when that is not 0.
#[cfg(unix)]
fn bind_unix(config: &Config, poll: &Poll) -> io::Result<Option<(mio::net::UnixListener, std::sync::Arc<str>)>> {
    let path = String::from_utf8_lossy(config.value("unixsocket")).into_owned();
    if path.is_empty() {
        return Ok(None);
    }
    let _ = std::fs::remove_file(&path);
    let mut listener = mio::net::UnixListener::bind(&path)
        .map_err(|e| io::Error::new(e.kind(), format!("Failed opening Unix socket: {e}")))?;
    let perm = String::from_utf8_lossy(config.value("unixsocketperm")).into_owned();
    let mode = u32::from_str_radix(&perm, 8)
        .map_err(|_| io::Error::new(ErrorKind::InvalidInput, format!("Invalid unixsocketperm '{perm}'")))?;
    if mode != 0 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
    }
    poll.registry()
        .register(&mut listener, UNIX_LISTENER, Interest::READABLE)?;
    Ok(Some((listener, path.into())))
}

impl Server {
    /// Binds every `bind` address of `config` (an address written `-addr`
    /// is optional: skipped if it cannot be bound, as in Redis).
    pub fn bind(config: Config) -> io::Result<Server> {
        config
            .check_supported()
            .map_err(|e| io::Error::new(ErrorKind::InvalidInput, e.reason))?;
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let (mut listeners, port) = bind_listeners(&config)?;
        for (i, l) in listeners.iter_mut().enumerate() {
            poll.registry()
                .register(l, Token(LISTENER_BASE + i), Interest::READABLE)?;
        }
        #[cfg(unix)]
        let unix = bind_unix(&config, &poll)?;
        #[cfg(unix)]
        let no_unix = unix.is_none();
        #[cfg(not(unix))]
        let no_unix = true;
        if listeners.is_empty() && no_unix {
            return Err(io::Error::new(
                ErrorKind::AddrNotAvailable,
                "Configured to not listen anywhere, exiting.",
            ));
        }
        let mut state = State::new(config, port);
        state.listeners = listeners;
        state.registry = Some(poll.registry().try_clone()?);
        #[cfg(unix)]
        {
            state.unix = unix;
        }
        Ok(Server {
            poll,
            clients: Clients::new(),
            state,
            waker,
            stop: Arc::new(AtomicBool::new(false)),
            ready: Vec::new(),
            writes: Vec::new(),
            closing: Vec::new(),
        })
    }

    /// The first listening address.
    pub fn local_addr(&self) -> SocketAddr {
        self.state.listeners[0]
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Every listening address.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.state
            .listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// Runs the loop on a new thread.
    pub fn spawn(self) -> io::Result<ServerHandle> {
        let addr = self.local_addr();
        let waker = self.waker.clone();
        let stop = self.stop.clone();
        // As much stack as a main thread has: scripts recurse (Lua's C
        // calls, reply conversions, cjson) as deep as Redis lets them.
        let thread = std::thread::Builder::new()
            .name("loopkv".into())
            .stack_size(8 << 20)
            .spawn(move || self.run())?;
        Ok(ServerHandle {
            addr,
            waker,
            stop,
            thread: Some(thread),
        })
    }

    /// Loads the RDB file (if any), then runs the loop on this thread
    /// until SHUTDOWN or a handle's `shutdown()`. A dataset that cannot be
    /// loaded is an error, as redis-server exits on it.
    pub fn run(mut self) -> io::Result<()> {
        crate::script::install();
        crate::script::function::install();
        crate::repl::replica::configure(&mut self.state);
        #[cfg(unix)]
        let _watched = crate::crash::Watched;
        #[cfg(unix)]
        if self.state.config.watchdog_period > 0 {
            crate::crash::set_watchdog(self.state.config.watchdog_period);
        }
        crate::persist::control::begin_load(&mut self.state).map_err(io::Error::other)?;
        if self.state.loading.is_none() {
            self.announce_ready();
        }
        let mut events = Events::with_capacity(1024);
        let mut next_cron = now_ms();
        loop {
            // Eviction waiting for the lazyfree thread to free a big value
            // checks back each millisecond rather than spinning.
            let evicting = self.state.evictor.running;
            let timeout = if !self.ready.is_empty() || !self.writes.is_empty() {
                Duration::ZERO
            } else if evicting && crate::lazyfree::evictions_pending() {
                Duration::from_millis(1)
            } else if evicting {
                Duration::ZERO
            } else if crate::repl::sending(&self.state, &self.clients) {
                // Snapshots on their way to replicas: the reader thread
                // has more ready soon.
                Duration::from_millis(1)
            } else {
                let now = now_ms();
                let wake_at = self
                    .state
                    .next_deadline()
                    .unwrap_or(u64::MAX)
                    .min(next_cron)
                    .min(self.state.pause.deadline().unwrap_or(u64::MAX))
                    .min(self.state.rdb.wake_at.unwrap_or(u64::MAX))
                    .min(
                        self.state
                            .aof
                            .rewrite
                            .as_ref()
                            .and_then(|r| r.wake_at)
                            .unwrap_or(u64::MAX),
                    )
                    .min(crate::persist::control::load_wake(&self.state).unwrap_or(u64::MAX));
                Duration::from_millis(wake_at.saturating_sub(now).min(1000))
            };
            match self.poll.poll(&mut events, Some(timeout)) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            for event in events.iter() {
                match event.token() {
                    WAKER => {}
                    #[cfg(unix)]
                    UNIX_LISTENER => self.accept_unix(),
                    Token(t) if t >= LISTENER_BASE => self.accept(t - LISTENER_BASE),
                    Token(t) => {
                        let Some(c) = self.clients.get_mut(t) else { continue };
                        if event.is_read_closed() || event.is_error() {
                            c.hup = true;
                        }
                        if event.is_readable() || event.is_read_closed() || event.is_error() {
                            c.readable = true;
                            if !c.queued {
                                c.queued = true;
                                self.ready.push(t);
                            }
                        }
                        if event.is_writable() && !c.write_queued {
                            c.write_queued = true;
                            self.writes.push(t);
                        }
                    }
                }
            }
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            // A pause that ran out lets expired keys go again.
            self.state.sync_expire_hold(now_ms());
            if self.state.loading_blocks() {
                // The start-up load: a slice per iteration, before clients
                // are served; nothing else runs until it is done.
                if crate::persist::control::load_step(&mut self.state, &mut self.clients).map_err(io::Error::other)? {
                    self.announce_ready();
                }
                // A master link whose snapshot the load has room for again.
                self.schedule_woken();
            }
            self.serve_ready();
            if self.state.loading_blocks() {
                crate::persist::aof::flush(&mut self.state, false);
                self.flush_writes();
                self.close_marked();
                self.take_signal();
                // The cron's part that matters during a load: a master
                // that stops sending the snapshot being parsed.
                let now = now_ms();
                if now >= next_cron {
                    next_cron = now + 1000 / self.state.config.hz.max(1);
                    #[cfg(unix)]
                    crate::crash::heartbeat();
                    crate::repl::replica::loading_cron(&mut self.state, &mut self.clients, now);
                }
                // A signal during a load ends the server at once, without
                // a save (Redis's `whileBlockedCron`).
                if self.state.shutdown_asap && !self.state.shutdown_requested {
                    self.state.shutdown_asap = false;
                    match shutdown::request(&mut self.state, &mut self.clients, None, Some(false), false, false) {
                        shutdown::Requested::Exit => self.state.shutdown_requested = true,
                        shutdown::Requested::Waiting | shutdown::Requested::Refused => warn!(
                            "SIGTERM received but errors trying to shut down the server, check the logs for more information"
                        ),
                    }
                }
                if self.state.shutdown_requested {
                    warn!("User requested shutdown...");
                    break;
                }
                continue;
            }
            let now = now_ms();
            // As Redis, keys do not expire actively while clients are paused.
            if self.state.pause.kind(now) == state::PauseKind::Off {
                self.state.active_expire(now, EXPIRE_BUDGET);
                self.publish_deletions();
            }
            if self.state.evictor.running {
                self.evict_slice();
            }
            self.expire_blocked(now);
            self.release_held(now);
            if self.state.rdb.bgsave.is_some() {
                crate::persist::control::step(&mut self.state);
            }
            if self.state.async_loading() {
                // A master's snapshot loading beside the live dataset.
                crate::persist::control::load_step(&mut self.state, &mut self.clients).map_err(io::Error::other)?;
                self.schedule_woken();
            }
            if self.state.aof.rewrite.is_some() {
                crate::persist::aof::rewrite::step(&mut self.state);
            }
            if now >= next_cron {
                #[cfg(unix)]
                crate::crash::heartbeat();
                self.cron(now);
                next_cron = now + 1000 / self.state.config.hz.max(1);
            }
            if self.state.tracking.active() {
                // Client-side caching: expired keys, BCAST batches.
                crate::command::tracking::before_sleep(&mut self.state, &mut self.clients);
                self.schedule_woken();
            }
            // The stream goes to the replicas' outputs; the AOF is written
            // (and with `always` synced) before any of it or any reply of
            // this iteration leaves.
            crate::repl::before_sleep(&mut self.state, &mut self.clients, &mut self.writes);
            crate::persist::aof::flush(&mut self.state, false);
            self.flush_writes();
            crate::evict::evict_clients(&mut self.state, &mut self.clients, None, false);
            self.close_marked();
            self.take_signal();
            if self.state.shutdown_requested {
                warn!("User requested shutdown...");
                break;
            }
        }
        for (_, c) in std::mem::take(&mut self.clients).iter_mut() {
            let _ = self.poll.registry().deregister(&mut c.stream);
        }
        #[cfg(unix)]
        if let Some((_, path)) = self.state.unix.take() {
            info!("Removing the unix socket file.");
            let _ = std::fs::remove_file(&*path);
        }
        Ok(())
    }

    /// Logs that the server takes commands (once the dataset is loaded).
    fn announce_ready(&self) {
        info!("Ready to accept connections tcp");
        #[cfg(unix)]
        if self.state.unix.is_some() {
            info!("Ready to accept connections unix");
        }
    }

    /// Shuts down on SIGTERM and SIGINT as redis-server does: the signal
    /// schedules a shutdown that the next cron run carries out (SHUTDOWN
    /// ABORT can cancel it before). For the binary; an embedded server
    /// leaves the process's signals alone.
    #[cfg(unix)]
    pub fn handle_signals(&self) -> io::Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        for sig in [SIGTERM, SIGINT] {
            signal_hook::flag::register_usize(sig, Arc::clone(&self.state.signal), sig as usize)?;
        }
        Ok(())
    }

    /// Acts on a signal the handler recorded.
    fn take_signal(&mut self) {
        let sig = self.state.signal.swap(0, Ordering::SeqCst);
        if sig == 0 {
            return;
        }
        let name = if sig == signal_hook::consts::SIGINT as usize {
            "SIGINT"
        } else {
            "SIGTERM"
        };
        if self.state.shutdown_asap && name == "SIGINT" {
            warn!("You insist... exiting now.");
            self.state.shutdown_requested = true;
            return;
        }
        warn!("Received {name} scheduling shutdown...");
        self.state.shutdown_asap = true;
        self.state.shutdown_signal = sig;
    }

    fn accept(&mut self, which: usize) {
        for token in accept_tcp(&mut self.state, &mut self.clients, which) {
            self.queue_new(token);
        }
    }

    /// Accepts Unix-socket clients: local, as a loopback client is.
    #[cfg(unix)]
    fn accept_unix(&mut self) {
        for token in accept_unix(&mut self.state, &mut self.clients) {
            self.queue_new(token);
        }
    }

    /// A new client: data may already be waiting (edge-triggered readiness
    /// was armed at registration), so it is read once now.
    fn queue_new(&mut self, token: usize) {
        let c = &mut self.clients[token];
        c.readable = true;
        c.queued = true;
        self.ready.push(token);
    }

    /// Reads and executes for every queued client, once each.
    fn serve_ready(&mut self) {
        let batch = std::mem::take(&mut self.ready);
        for &token in &batch {
            if let Some(c) = self.clients.get_mut(token) {
                c.queued = false;
            }
            self.serve(token);
        }
        let mut batch = batch;
        batch.clear();
        // Keep the allocation if nothing was queued meanwhile.
        if self.ready.is_empty() {
            self.ready = batch;
        }
    }

    /// Executes buffered commands, then reads more while the socket has
    /// bytes and the read budget lasts. Re-queues the client if it stopped
    /// before WouldBlock.
    fn serve(&mut self, token: usize) {
        if !self.run_commands(token) {
            return;
        }
        let mut reads = 0;
        let mut bulk_read = 0;
        loop {
            let Some(c) = self.clients.get_mut(token) else { return };
            let mid_bulk = c.parser.bytes_wanted() > READ_CHUNK;
            if reads >= MAX_READS_PER_EVENT && !(mid_bulk && bulk_read < BULK_READ_PER_PASS) {
                break;
            }
            reads += 1;
            if !c.readable || c.close_asap || c.close_after_reply {
                return;
            }
            match read_some(c) {
                Ok(0) => {
                    debug!("Client closed connection {}", c.addr);
                    if c.reply.pending() > 0 {
                        // Half-closed: replies to what it sent are still
                        // delivered, then the connection closes.
                        c.readable = false;
                        c.close_after_reply = true;
                        if !c.write_queued {
                            c.write_queued = true;
                            self.writes.push(token);
                        }
                    } else {
                        self.mark_close(token);
                    }
                    return;
                }
                Ok(n) => {
                    if mid_bulk {
                        bulk_read += n;
                    }
                    // As Redis: any bytes read count as activity for `timeout`.
                    c.last_interaction_ms = now_ms();
                    c.net_in += n as u64;
                    self.state.stats.net_input_bytes += n as u64;
                    self.state.stats.total_reads_processed += 1;
                    let limit = self.state.config.client_query_buffer_limit;
                    if c.query_len() > limit {
                        warn!(
                            "Closing client that reached max query buffer length: addr={} qbuf={}",
                            c.addr,
                            c.query_len()
                        );
                        self.state.stats.client_qbuf_limit_disconnections += 1;
                        self.mark_close(token);
                        return;
                    }
                    if !self.run_commands(token) {
                        return;
                    }
                    // A big argument whose length just arrived gets its
                    // room now, and may make this client (or another) the
                    // one to evict, as Redis checks after reads.
                    if self.state.config.client_eviction_limit > 0 {
                        let c = &mut self.clients[token];
                        c.compact();
                        make_room(c);
                        crate::evict::evict_clients(&mut self.state, &mut self.clients, None, false);
                        if self.clients[token].close_asap {
                            return;
                        }
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    c.readable = false;
                    return;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    debug!("Reading from client {}: {e}", c.addr);
                    self.mark_close(token);
                    return;
                }
            }
        }
        // Budget spent with the socket still readable: come back next iteration.
        self.queue(token);
    }

    fn queue(&mut self, token: usize) {
        if let Some(c) = self.clients.get_mut(token)
            && !c.queued
        {
            c.queued = true;
            self.ready.push(token);
        }
    }

    /// Executes the complete commands in the client's buffer. Returns false
    /// if the client must not read more now (closing, or output paused).
    fn run_commands(&mut self, token: usize) -> bool {
        let outcome = exec::process_input(&mut self.state, &mut self.clients, token);
        self.close_killed();
        self.schedule_woken();
        let Some(c) = self.clients.get_mut(token) else {
            return false;
        };
        // A client to close after its reply is flushed goes through the
        // write path even with nothing to send (QUIT under CLIENT REPLY OFF).
        if (c.reply.pending() > 0 || c.close_after_reply) && !c.write_queued {
            c.write_queued = true;
            self.writes.push(token);
        }
        match outcome {
            exec::Outcome::Continue => true,
            exec::Outcome::Paused => false,
            exec::Outcome::Close => {
                self.mark_close(token);
                false
            }
        }
    }

    /// Writes pending output of every client that has some.
    fn flush_writes(&mut self) {
        let batch = std::mem::take(&mut self.writes);
        for &token in &batch {
            self.write_client(token);
        }
        let mut batch = batch;
        batch.clear();
        if self.writes.is_empty() {
            self.writes = batch;
        }
    }

    fn write_client(&mut self, token: usize) {
        let Some(c) = self.clients.get_mut(token) else { return };
        c.write_queued = false;
        if c.close_asap {
            return;
        }
        let mut written = 0;
        let mut blocked = false;
        c.reply.note_peak();
        // A replica's own output goes first, then its stream straight
        // from the shared replication buffer, without the per-event cap
        // (as Redis: a replica's output is bounded by its limit).
        let replica = c.is_replica();
        loop {
            let own = c.reply.pending() > 0;
            if !replica && written >= MAX_WRITE_PER_EVENT {
                break;
            }
            let out = if own {
                c.reply.unsent()
            } else {
                crate::repl::stream_to_send(&self.state.repl, c)
            };
            if out.is_empty() {
                break;
            }
            match c.stream.write(out) {
                Ok(0) => {
                    self.mark_close(token);
                    return;
                }
                Ok(n) => {
                    if own {
                        c.reply.advance(n);
                    } else {
                        crate::repl::stream_sent(c, n);
                    }
                    written += n;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    blocked = true;
                    break;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    debug!("Writing to client {}: {e}", c.addr);
                    self.mark_close(token);
                    return;
                }
            }
        }
        if written > 0 {
            c.last_interaction_ms = now_ms();
        }
        c.net_out += written as u64;
        self.state.stats.net_output_bytes += written as u64;
        self.state.stats.total_writes_processed += 1;
        let pending = c.reply.pending() + crate::repl::stream_to_send(&self.state.repl, c).len();
        if pending == 0 {
            if c.close_after_reply {
                self.mark_close(token);
                return;
            }
            if c.want_write {
                c.want_write = false;
                let _ = self
                    .poll
                    .registry()
                    .reregister(&mut c.stream, Token(token), Interest::READABLE);
            }
        } else if blocked {
            if !c.want_write {
                c.want_write = true;
                let _ = self.poll.registry().reregister(
                    &mut c.stream,
                    Token(token),
                    Interest::READABLE | Interest::WRITABLE,
                );
            }
        } else {
            // Per-event cap reached with the socket still writable.
            c.write_queued = true;
            self.writes.push(token);
        }
        if c.output_paused && pending < OUTPUT_HIGH_WATER / 2 {
            c.output_paused = false;
            self.queue(token);
        }
    }

    /// Clients served or released from a blocking command outside their own
    /// turn: write their replies, then read their buffered input.
    fn schedule_woken(&mut self) {
        for t in std::mem::take(&mut self.state.woken) {
            if let Some(c) = self.clients.get_mut(t) {
                if c.reply.pending() > 0 && !c.write_queued {
                    c.write_queued = true;
                    self.writes.push(t);
                }
                c.readable = true;
            }
            self.queue(t);
        }
    }

    /// Once CLIENT PAUSE is over (UNPAUSE or its timeout), queues the
    /// clients it held, in the order they were held, so their buffered
    /// commands run.
    fn release_held(&mut self, now: u64) {
        if self.state.pause.held.is_empty() || self.state.pause.kind(now) != state::PauseKind::Off {
            return;
        }
        for t in std::mem::take(&mut self.state.pause.held) {
            if let Some(c) = self.clients.get_mut(t) {
                c.postponed = false;
            }
            self.queue(t);
        }
    }

    /// Releases blocked clients whose timeout passed, with a null reply.
    fn expire_blocked(&mut self, now: u64) {
        for t in self.state.blocking.expired(now) {
            blocking::release(&mut self.state, &mut self.clients, t, blocking::Release::Timeout);
        }
        self.schedule_woken();
    }

    fn mark_close(&mut self, token: usize) {
        if let Some(c) = self.clients.get_mut(token)
            && !c.close_asap
        {
            c.close_asap = true;
            self.closing.push(token);
        }
    }

    /// Queues for closing the clients that commands asked to close (CLIENT
    /// KILL) or that passed an output buffer limit (already flagged
    /// `close_asap`, so they get no more output meanwhile).
    fn close_killed(&mut self) {
        for t in self.state.take_kills() {
            if let Some(c) = self.clients.get_mut(t) {
                c.close_asap = true;
                // A token queued twice is closed once.
                self.closing.push(t);
            }
        }
    }

    fn close_marked(&mut self) {
        self.close_killed();
        for token in std::mem::take(&mut self.closing) {
            if self.clients.contains(token) {
                let mut c = self.clients.remove(token);
                if let Some(blocked) = c.blocked.take() {
                    self.state.blocking.unblock(token, &blocked);
                }
                crate::command::transaction::on_close(&mut self.state, token, &mut c);
                crate::command::pubsub::on_close(&mut self.state, token, &mut c);
                crate::command::tracking::on_close(&mut self.state, &mut c);
                crate::command::monitor::on_close(&mut self.state, token);
                crate::repl::on_close(&mut self.state, token, &c);
                shutdown::on_close(&mut self.state, token);
                // A slot reused by a new client must not inherit a place in
                // CLIENT PAUSE's queues.
                self.state.pause.held.retain(|&t| t != token);
                self.state.pause.tx_writes.retain(|&t| t != token);
                let _ = self.poll.registry().deregister(&mut c.stream);
                debug!("Closed client {}", c.addr);
            }
        }
    }

    /// Periodic work: idle timeouts, giving back idle clients' buffers,
    /// output buffer limits (the soft limit's time runs out here even
    /// when no more output comes), statistics.
    /// One slice of an eviction pass that did not finish in its time limit
    /// (Redis's eviction time proc); the evicted keys go out as DELs,
    /// without MULTI.
    fn evict_slice(&mut self) {
        if crate::evict::perform(&mut self.state) != crate::evict::Outcome::Running {
            self.state.evictor.running = false;
        }
        self.publish_deletions();
    }

    /// What the databases recorded outside any command (keys expired or
    /// evicted by the loop): events, WATCH, client-side caching, and DELs
    /// to the AOF, without MULTI.
    fn publish_deletions(&mut self) {
        if self.state.notes_on {
            crate::command::notify::publish_notes(&mut self.state, &mut self.clients, None);
            self.schedule_woken();
            propagate::flush_no_multi(&mut self.state);
        }
    }

    fn cron(&mut self, now: u64) {
        if self.state.cron_paused {
            return;
        }
        if shutdown::cron(&mut self.state, &mut self.clients, now) {
            self.state.shutdown_requested = true;
        }
        self.schedule_woken();
        if self.state.shutdown_asap && self.state.shutdown_wait.is_none() {
            // The signal's `shutdown-on-*` flags decide about saving (a
            // second SIGINT during the save ends it: `shutdown_asap` is
            // still set while it runs, and while replicas are waited for).
            let (name, directive) = match self.state.shutdown_signal {
                SIGNAL_INT => ("SIGINT", "shutdown-on-sigint"),
                _ => ("SIGTERM", "shutdown-on-sigterm"),
            };
            let flags = String::from_utf8_lossy(self.state.config.value(directive)).into_owned();
            let has = |flag: &str| flags.split(' ').any(|f| f == flag);
            let save = if has("nosave") {
                Some(false)
            } else {
                has("save").then_some(true)
            };
            match shutdown::request(&mut self.state, &mut self.clients, None, save, has("force"), has("now")) {
                shutdown::Requested::Exit => {
                    self.state.shutdown_asap = false;
                    self.state.shutdown_requested = true;
                }
                shutdown::Requested::Waiting => {}
                shutdown::Requested::Refused => {
                    self.state.shutdown_asap = false;
                    warn!(
                        "{name} received but errors trying to shut down the server, check the logs for more information"
                    );
                }
            }
        }
        let limits = self.state.config.client_output_limits;
        let (reset, resizing) = (self.state.reply_peak_reset_ms, self.state.reply_resizing);
        for (t, c) in self.clients.iter_mut() {
            c.reply.resize_cron(now, reset, resizing);
            if c.close_on_output_limit(None, &limits, now, false) {
                self.state.stats.client_obuf_limit_disconnections += 1;
                self.closing.push(t);
                continue;
            }
            c.resize_query_buffer(now.saturating_sub(c.last_interaction_ms));
        }
        let timeout = self.state.config.timeout_secs;
        if timeout > 0 {
            let idle: Vec<usize> = self
                .clients
                .iter()
                .filter(|(_, c)| {
                    !c.is_replica() && !c.master_link && now.saturating_sub(c.last_interaction_ms) / 1000 > timeout
                })
                .map(|(t, _)| t)
                .collect();
            for t in idle {
                debug!("Closing idle client {}", self.clients[t].addr);
                self.mark_close(t);
            }
            self.close_marked();
        }
        crate::evict::evict_clients(&mut self.state, &mut self.clients, None, true);
        crate::repl::cron(&mut self.state, &mut self.clients, now);
        self.state.cron(now, self.clients.len());
    }
}

/// One `read` into the client's buffer, growing it for a large bulk;
/// clears `readable` when the read shows the socket is drained.
/// The buffer is kept initialised up to its length (`rlen` marks the
/// filled part), so reads need no zero-filling.
pub(crate) fn read_some(c: &mut Client) -> io::Result<usize> {
    c.compact();
    make_room(c);
    let space = c.rbuf.len() - c.rlen;
    // The peak counts what this read asks for as Redis's does: a 16 KiB
    // read, or the rest of the bulk being received.
    c.rbuf_peak = c
        .rbuf_peak
        .max(c.rlen + c.parser.bytes_wanted().max(READ_CHUNK).min(space));
    let n = c.stream.read(&mut c.rbuf[c.rlen..])?;
    c.rlen += n;
    if n > 0 && n < space && !c.hup {
        // A short read took everything the socket held; bytes that arrive
        // later raise a new edge (epoll wakes on every arrival), so there is
        // no need to spend a syscall on the WouldBlock read.
        c.readable = false;
    }
    Ok(n)
}

/// Grows the read buffer for the next read: a 16 KiB read at least, or
/// room for the rest of a big argument.
fn make_room(c: &mut Client) {
    let (space, wanted) = (c.rbuf.len() - c.rlen, c.parser.bytes_wanted());
    let big = c.parser.big_bulk_start().is_some();
    let target = if big && wanted > space {
        // Room for the rest of a large bulk, up to its end, as Redis makes
        // room for a big argument when its length arrives (so the memory
        // counts at once for client eviction); but never more than 1 MiB
        // or doubling past what has arrived: a client announcing a huge
        // bulk and sending nothing must not make the server commit it.
        c.rlen + wanted.min(c.rlen.max(BULK_AHEAD))
    } else if !big && space < READ_CHUNK {
        (c.rlen + READ_CHUNK).max(c.rbuf.len() + c.rbuf.len() / 2)
    } else {
        0
    };
    if target > c.rbuf.len() {
        // Exactly that: the buffer's memory is what client eviction and
        // CLIENT LIST's tot-mem count, and a doubling Vec would overshoot.
        c.rbuf.reserve_exact(target - c.rbuf.len());
        c.rbuf.resize(target, 0);
    }
}

// ---- accepting clients (also while a script is busy) --------------------------------

/// Accepts every pending connection on TCP listener `which`; returns the
/// new clients' tokens.
pub(crate) fn accept_tcp(st: &mut State, clients: &mut Clients, which: usize) -> Vec<usize> {
    let mut admitted = Vec::new();
    loop {
        let (stream, addr) = match st.listeners[which].accept() {
            Ok(pair) => pair,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return admitted,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                warn!("Accepting client connection: {e}");
                return admitted;
            }
        };
        let _ = stream.set_nodelay(true);
        if st.config.tcp_keepalive > 0 {
            let sock = socket2::SockRef::from(&stream);
            let secs = Duration::from_secs(st.config.tcp_keepalive);
            let _ = sock.set_tcp_keepalive(&socket2::TcpKeepalive::new().with_time(secs).with_interval(secs / 3));
        }
        let laddr = stream.local_addr().unwrap_or(addr);
        admitted.extend(admit(
            st,
            clients,
            crate::client::Stream::Tcp(stream),
            addr,
            laddr,
            None,
        ));
    }
}

/// Accepts every pending Unix-socket connection: local, as a loopback
/// client is.
#[cfg(unix)]
pub(crate) fn accept_unix(st: &mut State, clients: &mut Clients) -> Vec<usize> {
    let mut admitted = Vec::new();
    loop {
        let Some((listener, path)) = &st.unix else {
            return admitted;
        };
        let path = path.clone();
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return admitted,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                warn!("Accepting client connection: {e}");
                return admitted;
            }
        };
        let local = SocketAddr::from(([127, 0, 0, 1], 0));
        admitted.extend(admit(
            st,
            clients,
            crate::client::Stream::Unix(stream),
            local,
            local,
            Some(path),
        ));
    }
}

/// Registers a new connection as a client (Redis's `acceptCommonHandler`
/// checks first); its token, or None if it was refused.
fn admit(
    st: &mut State,
    clients: &mut Clients,
    mut stream: crate::client::Stream,
    addr: SocketAddr,
    laddr: SocketAddr,
    unix_path: Option<std::sync::Arc<str>>,
) -> Option<usize> {
    if clients.len() >= st.config.maxclients {
        st.stats.rejected_connections += 1;
        let _ = stream.write(b"-ERR max number of clients reached\r\n");
        warn!("Error registering fd event for the new client: max number of clients reached ({addr})");
        return None;
    }
    let config = &st.config;
    if config.protected_mode && config.requirepass.is_none() && !is_local(addr) {
        st.stats.rejected_connections += 1;
        let _ = stream.write(PROTECTED_MODE_DENIED);
        warn!("Refused connection from {addr}: protected mode is on and no password is set");
        return None;
    }
    st.stats.total_connections += 1;
    let now = now_ms();
    let id = st.next_client_id();
    let token = clients.vacant_key();
    let registry = st.registry.as_ref()?;
    if let Err(e) = registry.register(&mut stream, Token(token), Interest::READABLE) {
        warn!("Registering client {addr}: {e}");
        return None;
    }
    let mut client = Client::new(id, stream, addr, laddr, st.config.proto_max_bulk_len, now);
    client.unix_path = unix_path;
    client.authenticated = st.config.requirepass.is_none();
    client.parser.set_unauthenticated(!client.authenticated);
    let inserted = clients.insert(client);
    debug_assert_eq!(inserted, token);
    debug!("Accepted {addr}");
    Some(token)
}
