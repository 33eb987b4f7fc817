//! Replication commands: SYNC, PSYNC and REPLCONF (what replicas send),
//! WAIT and ROLE. The replication state itself is `crate::repl`.

use super::{Args, Ctx};
use crate::util::number::parse_i64;

/// `SYNC` and `PSYNC replicationid offset`
pub fn sync(ctx: &mut Ctx, args: &Args) {
    let already = ctx.clients[ctx.me].peer.as_ref().is_some_and(|p| p.link.is_some());
    if already || ctx.clients[ctx.me].monitor {
        return;
    }
    // `PSYNC <id> <offset> FAILOVER`: the master failing over to this
    // replica makes it the master of their shared history.
    if args.is(0, "psync") && args.len() > 3 && args.is(3, "failover") {
        log::warn!(
            "Failover request received for replid {}.",
            String::from_utf8_lossy(&args[1])
        );
        if !ctx.st.repl.is_replica() {
            ctx.reply.error(b"ERR PSYNC FAILOVER can't be sent to a master.");
            return;
        }
        if !args[1].eq_ignore_ascii_case(ctx.st.repl.replid.as_bytes()) {
            ctx.reply.error(b"ERR PSYNC FAILOVER replid must match my replid.");
            return;
        }
        crate::repl::replica::unset_master(ctx.st, ctx.clients);
        let who = ctx.clients[ctx.me].info_line(ctx.now, Some(ctx.reply));
        log::info!("MASTER MODE enabled (failover request from '{who}')");
    }
    if ctx.st.repl.failover.is_some() {
        ctx.reply.error(b"NOMASTERLINK Can't SYNC while failing over");
        return;
    }
    // A replica serves replicas only while it is in sync itself.
    if ctx.st.repl.master.as_ref().is_some_and(|l| !l.is_connected()) {
        ctx.reply
            .error(b"NOMASTERLINK Can't SYNC while not connected with my master");
        return;
    }
    if ctx.reply.pending() > 0 {
        ctx.reply.error(b"ERR SYNC and PSYNC are invalid with pending output");
        return;
    }
    // A filtered snapshot is only ever sent to the socket.
    if let Some(peer) = &ctx.clients[ctx.me].peer
        && peer.req != 0
        && !peer.capa_eof
    {
        ctx.reply.error(b"ERR Filtered replica requires EOF capability");
        return;
    }
    let psync = if args.is(0, "psync") {
        let Some(offset) = parse_i64(&args[2]) else {
            log::warn!(
                "Replica {} asks for synchronization but with a wrong offset",
                crate::repl::replica_name(ctx.clients, ctx.me)
            );
            ctx.reply.not_integer();
            return;
        };
        Some((&args[1], offset.max(0) as u64))
    } else {
        None
    };
    log::info!(
        "Replica {} asks for synchronization",
        crate::repl::replica_name(ctx.clients, ctx.me)
    );
    crate::repl::sync(ctx.st, ctx.clients, ctx.me, ctx.reply, psync);
}

/// `REPLCONF option value [option value ...]`
pub fn replconf(ctx: &mut Ctx, args: &Args) {
    if args.len().is_multiple_of(2) {
        ctx.reply.syntax_error();
        return;
    }
    for j in (1..args.len()).step_by(2) {
        let value = &args[j + 1];
        if args.is(j, "listening-port") {
            let Some(port) = parse_i64(value) else {
                ctx.reply.not_integer();
                return;
            };
            ctx.client().peer.get_or_insert_with(Default::default).listening_port = port as u16;
        } else if args.is(j, "ip-address") {
            if value.len() >= 46 {
                ctx.reply.error_fmt(format_args!(
                    "ERR REPLCONF ip-address provided by replica instance is too long: {} bytes",
                    value.len()
                ));
                return;
            }
            let ip = String::from_utf8_lossy(value).into_owned();
            ctx.client().peer.get_or_insert_with(Default::default).ip = Some(ip);
        } else if args.is(j, "capa") {
            let peer = ctx.client().peer.get_or_insert_with(Default::default);
            if value.eq_ignore_ascii_case(b"eof") {
                peer.capa_eof = true;
            } else if value.eq_ignore_ascii_case(b"psync2") {
                peer.capa_psync2 = true;
            }
        } else if args.is(j, "ack") {
            // Acknowledgements get no reply, and count only from replicas.
            if let Some(offset) = parse_i64(value) {
                crate::repl::ack(ctx.st, ctx.clients, ctx.me, offset.max(0) as u64);
            }
            return;
        } else if args.is(j, "getack") {
            // Only a replica answers, to its master.
            let from_master = ctx.clients[ctx.me].master_link;
            crate::repl::replica::getack(ctx.st, from_master);
            return;
        } else if args.is(j, "rdb-only") {
            match parse_i64(value) {
                Some(n @ (0 | 1)) => ctx.client().peer.get_or_insert_with(Default::default).rdb_only = n == 1,
                Some(_) => {
                    ctx.reply
                        .error(b"ERR value is out of range, value must between 0 and 1");
                    return;
                }
                None => {
                    ctx.reply.not_integer();
                    return;
                }
            }
        } else if args.is(j, "rdb-filter-only") {
            // Everything is left out but what the filters name; the only
            // filter is `functions`.
            let Some(filters) = crate::util::splitargs::split_args(value) else {
                ctx.reply.error(b"ERR Missing rdb-filter-only values");
                return;
            };
            let mut req = crate::repl::REQ_NO_DATA | crate::repl::REQ_NO_FUNCTIONS;
            for filter in &filters {
                if filter.eq_ignore_ascii_case(b"functions") {
                    req &= !crate::repl::REQ_NO_FUNCTIONS;
                } else {
                    ctx.reply.error_fmt(format_args!(
                        "ERR Unsupported rdb-filter-only option: {}",
                        String::from_utf8_lossy(filter)
                    ));
                    return;
                }
            }
            ctx.client().peer.get_or_insert_with(Default::default).req = req;
        } else {
            ctx.reply.error_fmt(format_args!(
                "ERR Unrecognized REPLCONF option: {}",
                String::from_utf8_lossy(&args[j])
            ));
            return;
        }
    }
    ctx.reply.ok();
}

/// `FAILOVER [TO host port [FORCE]] [TIMEOUT milliseconds]`, `FAILOVER ABORT`
pub fn failover(ctx: &mut Ctx, args: &Args) {
    if args.len() == 2 && args.is(1, "abort") {
        if ctx.st.repl.failover.is_none() {
            ctx.reply.error(b"ERR No failover in progress.");
            return;
        }
        crate::repl::failover::abort(ctx.st, ctx.clients, "Failover manually aborted");
        ctx.reply.ok();
        return;
    }
    let (mut timeout, mut to, mut force) = (None, None, false);
    let mut j = 1;
    while j < args.len() {
        if args.is(j, "timeout") && j + 1 < args.len() && timeout.is_none() {
            let Some(ms) = parse_i64(&args[j + 1]) else {
                ctx.reply.not_integer();
                return;
            };
            if ms <= 0 {
                ctx.reply.error(b"ERR FAILOVER timeout must be greater than 0");
                return;
            }
            timeout = Some(ms as u64);
            j += 2;
        } else if args.is(j, "to") && j + 2 < args.len() && to.is_none() {
            let Some(port) = parse_i64(&args[j + 2]) else {
                ctx.reply.not_integer();
                return;
            };
            to = Some((String::from_utf8_lossy(&args[j + 1]).into_owned(), port));
            j += 3;
        } else if args.is(j, "force") && !force {
            force = true;
            j += 1;
        } else {
            ctx.reply.syntax_error();
            return;
        }
    }
    // A port no replica can announce names none.
    let to = to.map(|(host, port)| (host, u16::try_from(port).unwrap_or(0)));
    let to = to.as_ref().map(|(h, p)| (h.as_str(), *p));
    match crate::repl::failover::start(ctx.st, ctx.clients, to, timeout, force, ctx.now) {
        Ok(()) => ctx.reply.ok(),
        Err(e) => ctx.reply.error(e.as_bytes()),
    }
}

/// `WAIT numreplicas timeout`
pub fn wait(ctx: &mut Ctx, args: &Args) {
    if ctx.st.repl.is_replica() {
        ctx.reply.error(b"ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
        return;
    }
    let Some(wanted) = parse_i64(&args[1]) else {
        ctx.reply.not_integer();
        return;
    };
    let Some(timeout) = parse_i64(&args[2]) else {
        ctx.reply.error(b"ERR timeout is not an integer or out of range");
        return;
    };
    if timeout < 0 {
        ctx.reply.error(b"ERR timeout is negative");
        return;
    }
    let offset = ctx.clients[ctx.me].woff;
    let acks = ctx.st.repl.acks_at(ctx.clients, offset);
    if acks as i64 >= wanted || super::transaction::in_exec(ctx) || ctx.clients[ctx.me].script {
        ctx.reply.int(acks as i64);
        return;
    }
    let deadline = (timeout > 0).then(|| ctx.now.saturating_add(timeout as u64));
    ctx.block_on_acks(args, offset, wanted as usize, deadline);
}

/// `REPLICAOF host port`, `REPLICAOF NO ONE` (and SLAVEOF)
pub fn replicaof(ctx: &mut Ctx, args: &Args) {
    if ctx.st.repl.failover.is_some() {
        ctx.reply.error(b"ERR REPLICAOF not allowed while failing over.");
        return;
    }
    let who = ctx.clients[ctx.me].info_line(ctx.now, Some(ctx.reply));
    if args.is(1, "no") && args.is(2, "one") {
        if ctx.st.repl.is_replica() {
            crate::repl::replica::unset_master(ctx.st, ctx.clients);
            log::info!("MASTER MODE enabled (user request from '{who}')");
        }
        ctx.reply.ok();
        return;
    }
    if ctx.clients[ctx.me].is_replica() {
        ctx.reply.error(b"ERR Command is not valid when client is a replica.");
        return;
    }
    let Some(port) = parse_i64(&args[2]).filter(|p| (0..=65535).contains(p)) else {
        ctx.reply.error(b"ERR Invalid master port");
        return;
    };
    let host = String::from_utf8_lossy(&args[1]).into_owned();
    if let Some(link) = &ctx.st.repl.master
        && link.host.eq_ignore_ascii_case(&host)
        && link.port == port as u16
    {
        log::info!(
            "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed."
        );
        ctx.reply.simple(b"OK Already connected to specified master");
        return;
    }
    crate::repl::replica::set_master(ctx.st, ctx.clients, &host, port as u16);
    log::info!("REPLICAOF {host}:{port} enabled (user request from '{who}')");
    ctx.reply.ok();
}

/// `ROLE`: a master with its offset and online replicas, or a replica
/// with its master, link state and offset.
pub fn role(ctx: &mut Ctx, _args: &Args) {
    if let Some(link) = &ctx.st.repl.master {
        ctx.reply.array(5);
        ctx.reply.bulk(b"slave");
        ctx.reply.bulk(link.host.as_bytes());
        ctx.reply.int(link.port as i64);
        ctx.reply.bulk(link.phase.role_name().as_bytes());
        let offset = if ctx.st.repl.psync_ok {
            ctx.st.repl.offset as i64
        } else {
            -1
        };
        ctx.reply.int(offset);
        return;
    }
    let replicas = crate::repl::online_replicas(ctx.st, ctx.clients);
    ctx.reply.array(3);
    ctx.reply.bulk(b"master");
    ctx.reply.int(ctx.st.repl.offset as i64);
    ctx.reply.array(replicas.len());
    for (ip, port, offset) in replicas {
        ctx.reply.array(3);
        ctx.reply.bulk(ip.as_bytes());
        ctx.reply.bulk(port.to_string().as_bytes());
        ctx.reply.bulk(offset.to_string().as_bytes());
    }
}
