//! FAILOVER, 7.0's coordinated failover, the master's side: writes are
//! paused (a pause of its own, beside CLIENT PAUSE's), the master waits
//! until a replica (the one named, or any) has acknowledged the whole
//! stream, then becomes a replica of it and sends `PSYNC <id> <offset>
//! FAILOVER`, which makes that replica a master continuing this history.
//! Once the PSYNC is accepted the pause ends; if it is refused, or the
//! wait times out without FORCE, or FAILOVER ABORT comes, this server
//! stays (or becomes again) the master.

use super::{LinkState, replica};
use crate::client::Clients;
use crate::server::State;

/// Where a failover is (INFO's `master_failover_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Writes are paused until a replica has caught up.
    WaitForSync,
    /// This server is a replica of the target and sends it PSYNC FAILOVER.
    InProgress,
}

#[derive(Debug)]
pub struct Failover {
    pub phase: Phase,
    /// The replica to fail over to (its announced address), once known.
    target: Option<(String, u16)>,
    /// When the wait gives up (ms), with TIMEOUT.
    end_ms: Option<u64>,
    /// FORCE: at the timeout, fail over to the target anyway.
    force: bool,
}

/// INFO's `master_failover_state`.
pub fn state_name(st: &State) -> &'static str {
    match st.repl.failover.as_ref().map(|f| f.phase) {
        None => "no-failover",
        Some(Phase::WaitForSync) => "waiting-for-sync",
        Some(Phase::InProgress) => "failover-in-progress",
    }
}

/// The replica announcing `host`:`port` (`findReplica`), and whether it
/// is online.
fn find_replica(st: &State, clients: &Clients, host: &str, port: u16) -> Option<(usize, bool)> {
    st.repl.replicas.iter().copied().find_map(|t| {
        let c = clients.get(t)?;
        let peer = c.peer.as_ref()?;
        let ip = super::announced_ip(c);
        (ip.eq_ignore_ascii_case(host) && peer.listening_port == port)
            .then(|| (t, peer.link.as_ref().is_some_and(|l| l.state == LinkState::Online)))
    })
}

/// `FAILOVER [TO host port [FORCE]] [TIMEOUT ms]` once parsed: Redis's
/// checks, then the pause. Returns the error to reply, if any.
pub fn start(
    st: &mut State,
    clients: &Clients,
    to: Option<(&str, u16)>,
    timeout_ms: Option<u64>,
    force: bool,
    now: u64,
) -> Result<(), &'static str> {
    if st.repl.failover.is_some() {
        return Err("ERR FAILOVER already in progress.");
    }
    if st.repl.is_replica() {
        return Err("ERR FAILOVER is not valid when server is a replica.");
    }
    if st.repl.replicas.is_empty() {
        return Err("ERR FAILOVER requires connected replicas.");
    }
    if force && (timeout_ms.is_none() || to.is_none()) {
        return Err("ERR FAILOVER with force option requires both a timeout and target HOST and IP.");
    }
    if let Some((host, port)) = to {
        match find_replica(st, clients, host, port) {
            None => return Err("ERR FAILOVER target HOST and PORT is not a replica."),
            Some((_, false)) => return Err("ERR FAILOVER target replica is not online."),
            Some((_, true)) => log::info!("FAILOVER requested to {host}:{port}."),
        }
    } else {
        log::info!("FAILOVER requested to any replica.");
    }
    st.repl.failover = Some(Failover {
        phase: Phase::WaitForSync,
        target: to.map(|(h, p)| (h.to_owned(), p)),
        end_ms: timeout_ms.map(|t| now.saturating_add(t)),
        force,
    });
    st.pause.failover = true;
    Ok(())
}

/// `abortFailover`: a failover already under way as a replica makes
/// this server a master again; the pause ends.
pub fn abort(st: &mut State, clients: &mut Clients, why: &str) {
    let Some(f) = st.repl.failover.as_ref() else { return };
    match &f.target {
        Some((host, port)) => log::info!("FAILOVER to {host}:{port} aborted: {why}"),
        None => log::info!("FAILOVER to any replica aborted: {why}"),
    }
    if f.phase == Phase::InProgress {
        replica::unset_master(st, clients);
    }
    clear(st);
}

/// `clearFailoverState`: the failover is over, writes may go on.
pub fn clear(st: &mut State) {
    st.repl.failover = None;
    st.pause.failover = false;
}

/// A FAILOVER with a TIMEOUT is under way.
pub fn has_deadline(st: &State) -> bool {
    st.repl.failover.as_ref().is_some_and(|f| f.end_ms.is_some())
}

/// True while this server, failing over, must send PSYNC FAILOVER.
pub fn in_progress(st: &State) -> bool {
    st.repl.failover.as_ref().is_some_and(|f| f.phase == Phase::InProgress)
}

/// `updateFailoverStatus`, from the cron: the timeout, else a replica
/// that acknowledged everything becomes the target and this server its
/// replica.
pub fn update(st: &mut State, clients: &mut Clients, now: u64) {
    let Some(f) = st.repl.failover.as_ref().filter(|f| f.phase == Phase::WaitForSync) else {
        return;
    };
    if f.end_ms.is_some_and(|end| end <= now) {
        if f.force {
            let (host, port) = f.target.clone().expect("FORCE has a target");
            log::info!("FAILOVER to {host}:{port} time out exceeded, failing over.");
            go(st, clients, host, port);
        } else {
            abort(st, clients, "Replica never caught up before timeout");
        }
        return;
    }
    let offset = st.repl.offset;
    let caught_up = |t: usize| {
        clients
            .get(t)
            .and_then(|c| c.peer.as_ref()?.link.as_ref())
            .is_some_and(|l| l.ack_offset == offset)
    };
    let target = match f.target.clone() {
        Some((host, port)) => find_replica(st, clients, &host, port)
            .filter(|&(t, _)| caught_up(t))
            .map(|_| (host, port)),
        None => st.repl.replicas.iter().copied().find(|&t| caught_up(t)).map(|t| {
            let c = &clients[t];
            let peer = c.peer.as_ref().expect("a replica");
            let ip = super::announced_ip(c);
            (ip, peer.listening_port)
        }),
    };
    if let Some((host, port)) = target {
        log::info!("Failover target {host}:{port} is synced, failing over.");
        go(st, clients, host, port);
    }
}

/// This server becomes a replica of the target; its PSYNC carries
/// FAILOVER.
fn go(st: &mut State, clients: &mut Clients, host: String, port: u16) {
    if let Some(f) = st.repl.failover.as_mut() {
        f.phase = Phase::InProgress;
        f.target = Some((host.clone(), port));
    }
    replica::set_master(st, clients, &host, port);
}
