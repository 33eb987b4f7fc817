//! Shutting down with replicas attached (7.0's `shutdown-timeout`): a
//! SHUTDOWN (or SIGTERM/SIGINT) while some replica has not acknowledged
//! the whole stream pauses writes and waits, up to `shutdown-timeout`
//! seconds, for the replicas to catch up; the clients that asked stay
//! blocked. Then the final save runs and the server exits, or, if that
//! fails or SHUTDOWN ABORT comes, the wait is undone and the blocked
//! clients are told. SHUTDOWN NOW does not wait.

use crate::client::Clients;
use crate::server::State;

/// A shutdown waiting for replicas (Redis's `shutdown_mstime` and flags).
#[derive(Debug)]
pub struct Waiting {
    /// When it stops waiting (ms).
    pub deadline_ms: u64,
    save: Option<bool>,
    force: bool,
    /// Clients blocked in SHUTDOWN.
    clients: Vec<usize>,
}

/// True when every replica acknowledged the whole stream
/// (`isReadyToShutdown`).
fn replicas_in_sync(st: &State, clients: &Clients) -> bool {
    let offset = st.repl.offset;
    st.repl.replicas.iter().all(|&t| {
        clients
            .get(t)
            .and_then(|c| c.peer.as_ref()?.link.as_ref())
            .is_none_or(|l| l.ack_offset == offset)
    })
}

/// What a shutdown request came to.
pub enum Requested {
    /// The server may exit now.
    Exit,
    /// It waits for replicas (the client, if any, is blocked).
    Waiting,
    /// The final save failed: the server goes on.
    Refused,
}

/// `prepareForShutdown`: waits for lagging replicas unless `now` (or
/// `shutdown-timeout 0`), else finishes at once. `client` asked with
/// SHUTDOWN (None: a signal).
pub fn request(
    st: &mut State,
    clients: &mut Clients,
    client: Option<usize>,
    save: Option<bool>,
    force: bool,
    now: bool,
) -> Requested {
    if let Some(w) = st.shutdown_wait.as_mut() {
        // Already waiting: this client waits too.
        w.clients.extend(client);
        return Requested::Waiting;
    }
    let timeout = crate::util::number::parse_i64(st.config.value("shutdown-timeout")).unwrap_or(10);
    if !now && timeout != 0 && !replicas_in_sync(st, clients) {
        st.shutdown_wait = Some(Waiting {
            deadline_ms: crate::server::now_ms().saturating_add(timeout.max(0) as u64 * 1000),
            save,
            force,
            clients: client.into_iter().collect(),
        });
        if st.pause.kind(crate::server::now_ms()) == crate::server::state::PauseKind::Off {
            crate::repl::send_getack(st);
        }
        st.pause.shutdown = true;
        log::info!("Waiting for replicas before shutting down.");
        return Requested::Waiting;
    }
    finish(st, clients, save, force)
}

/// `finishShutdown`: the replicas' state logged, then the final save.
fn finish(st: &mut State, clients: &mut Clients, save: Option<bool>, force: bool) -> Requested {
    let offset = st.repl.offset;
    let now = crate::server::now_ms();
    let mut lagging = 0;
    for &t in &st.repl.replicas {
        let Some(link) = clients.get(t).and_then(|c| c.peer.as_ref()?.link.as_ref()) else {
            continue;
        };
        if link.ack_offset != offset {
            lagging += 1;
            let lag = if link.state == crate::repl::LinkState::Online {
                now.saturating_sub(link.ack_ms) / 1000
            } else {
                0
            };
            log::warn!(
                "Lagging replica {} reported offset {} behind master, lag={lag}, state={}.",
                crate::repl::replica_name(clients, t),
                offset.saturating_sub(link.ack_offset),
                link.state.name()
            );
        }
    }
    let total = st.repl.replicas.len();
    if total > 0 {
        log::info!(
            "{} of {total} replicas are in sync when shutting down.",
            total - lagging
        );
    }
    match crate::persist::control::prepare_shutdown(st, save, force) {
        Ok(()) => Requested::Exit,
        Err(_) => {
            log::warn!("Errors trying to shut down the server. Check the logs for more information.");
            cancel(st, clients);
            Requested::Refused
        }
    }
}

/// `cancelShutdown`: the blocked clients get an error, writes go on.
fn cancel(st: &mut State, clients: &mut Clients) {
    st.shutdown_asap = false;
    st.pause.shutdown = false;
    let Some(w) = st.shutdown_wait.take() else { return };
    for t in w.clients {
        let Some(c) = clients.get_mut(t) else { continue };
        // Only a client still blocked in SHUTDOWN (CLIENT UNBLOCK or a
        // role change may have released it).
        let in_shutdown = c
            .blocked
            .as_ref()
            .is_some_and(|b| b.args.first().is_some_and(|a| a.eq_ignore_ascii_case(b"shutdown")));
        if !in_shutdown {
            continue;
        }
        if let Some(blocked) = c.blocked.take() {
            st.blocking.unblock(t, &blocked);
        }
        c.reply.error(b"ERR Errors trying to SHUTDOWN. Check logs.");
        st.woken.push(t);
    }
}

/// SHUTDOWN ABORT: true if a shutdown was waiting or a signal had asked
/// for one.
pub fn abort(st: &mut State, clients: &mut Clients) -> bool {
    if st.shutdown_wait.is_some() {
        cancel(st, clients);
    } else if !std::mem::take(&mut st.shutdown_asap) {
        return false;
    }
    log::warn!("Shutdown manually aborted.");
    true
}

/// From the cron: a waiting shutdown finishes once the replicas caught up
/// or its time is over. True if the server may exit.
pub fn cron(st: &mut State, clients: &mut Clients, now: u64) -> bool {
    let Some(w) = st.shutdown_wait.as_ref() else {
        return false;
    };
    if now < w.deadline_ms && !replicas_in_sync(st, clients) {
        return false;
    }
    let (save, force) = (w.save, w.force);
    match finish(st, clients, save, force) {
        Requested::Exit => true,
        Requested::Waiting | Requested::Refused => false,
    }
}

/// INFO's `shutdown_in_milliseconds`, while waiting.
pub fn remaining_ms(st: &State, now: u64) -> Option<i64> {
    st.shutdown_wait.as_ref().map(|w| w.deadline_ms as i64 - now as i64)
}

/// A client blocked in SHUTDOWN left.
pub fn on_close(st: &mut State, token: usize) {
    if let Some(w) = st.shutdown_wait.as_mut() {
        w.clients.retain(|&t| t != token);
    }
}
