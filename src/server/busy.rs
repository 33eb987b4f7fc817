//! Serving the other clients while a script runs past
//! `busy-reply-threshold` (Redis's `processEventsWhileBlocked`): called
//! from the script's hook, it reads what each connected client sent,
//! runs the commands allowed while busy (SCRIPT KILL, FUNCTION KILL and
//! STATS, SHUTDOWN NOSAVE, AUTH, HELLO, MULTI/WATCH and the like), refuses
//! the others with -BUSY (`exec::process_input` does), and writes the
//! replies; new connections are accepted. The script's caller is left
//! alone until the script ends.

use crate::client::Clients;
use std::io::{ErrorKind, Write};

use super::{State, exec, read_some};
use crate::client::{Client, Stream};

/// One pass over every client but those in `skip` (the caller and the
/// script's own client).
pub fn serve(st: &mut State, clients: &mut Clients, skip: &[usize]) {
    for which in 0..st.listeners.len() {
        super::accept_tcp(st, clients, which);
    }
    #[cfg(unix)]
    super::accept_unix(st, clients);
    let tokens: Vec<usize> = clients
        .iter()
        .filter(|(t, c)| !skip.contains(t) && !c.in_command && !matches!(c.stream, Stream::None))
        .map(|(t, _)| t)
        .collect();
    for token in tokens {
        if !read_available(st, &mut clients[token]) {
            st.kills.push(token);
            continue;
        }
        exec::process_input(st, clients, token);
        write_available(st, &mut clients[token]);
        // The loop finishes what is left (output, buffered commands) once
        // the script is over.
        st.woken.push(token);
    }
}

/// Reads until the socket has nothing more. False if the client is gone
/// or over its query buffer limit.
fn read_available(st: &mut State, c: &mut Client) -> bool {
    if c.close_asap || c.close_after_reply {
        return true;
    }
    loop {
        match read_some(c) {
            Ok(0) => return false,
            Ok(n) => {
                c.net_in += n as u64;
                st.stats.net_input_bytes += n as u64;
                st.stats.total_reads_processed += 1;
                if c.query_len() > st.config.client_query_buffer_limit {
                    st.stats.client_qbuf_limit_disconnections += 1;
                    return false;
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                c.readable = false;
                return true;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Writes as much of the pending output as the socket takes now.
fn write_available(st: &mut State, c: &mut Client) {
    while c.reply.pending() > 0 {
        match c.stream.write(c.reply.unsent()) {
            Ok(0) => return,
            Ok(n) => {
                c.reply.advance(n);
                c.net_out += n as u64;
                st.stats.net_output_bytes += n as u64;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}
