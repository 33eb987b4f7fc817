//! Pub/Sub (Redis's `pubsub.c`): SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their
//! UNSUBSCRIBE forms, PUBLISH, SPUBLISH and PUBSUB introspection, with the
//! standalone (non-cluster) behaviour of shard channels.
//!
//! Subscriptions are kept twice, as in Redis: per client (`ClientSubs`, so
//! a client can list and drop its own) and server-wide (`Registry`, channel
//! or pattern -> subscriber tokens in subscription order, so PUBLISH finds
//! its receivers). Invariant: token `t` is in the registry's list for `x`
//! exactly when `x` is in client `t`'s `ClientSubs`; an entry whose list
//! empties is removed. `on_close` and `unsubscribe_all` (RESET) keep it.
//!
//! A message for another client is appended to that client's reply buffer
//! and its token pushed on `State::woken`, so the event loop writes it out
//! (or, if that passes the client's `client-output-buffer-limit`, closes
//! it); the publisher's own buffer is `ctx.reply`. A client with at least one
//! subscription is in subscribed mode: in RESP2, `allowed` then refuses
//! every command but (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET.

use crate::util::exttable::{ExtMap, ExtSet};

use super::outbox::{Outbox, Parts};
use super::table::{CommandDef, KEY1, NOKEYS, c, flags::*};
use super::{Args, Ctx};
use crate::client::{Client, Clients};
use crate::resp::reply::Reply;
use crate::server::State;
use crate::util::glob::string_match;

/// This family's top-level commands.
#[rustfmt::skip]
pub static COMMANDS: &[CommandDef] = &[
    c("psubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | SENTINEL, NOKEYS, "pubsub", psubscribe),
    c("publish", 3, PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE | SENTINEL, NOKEYS, "pubsub", publish),
    CommandDef { subcommands: PUBSUB_SUBS, ..c("pubsub", -2, 0, NOKEYS, "pubsub", container) },
    c("punsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | SENTINEL, NOKEYS, "pubsub", punsubscribe),
    c("spublish", 3, PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE, KEY1, "pubsub", spublish),
    c("ssubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE, (1, -1, 1), "pubsub", ssubscribe),
    c("subscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | SENTINEL, NOKEYS, "pubsub", subscribe),
    c("sunsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE, (1, -1, 1), "pubsub", sunsubscribe),
    c("unsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | SENTINEL, NOKEYS, "pubsub", unsubscribe),
];

#[rustfmt::skip]
static PUBSUB_SUBS: &[CommandDef] = &[
    c("channels", -2, PUBSUB | LOADING | STALE, NOKEYS, "pubsub", pubsub_channels),
    c("help", 2, LOADING | STALE, NOKEYS, "pubsub", pubsub_help),
    c("numpat", 2, PUBSUB | LOADING | STALE, NOKEYS, "pubsub", pubsub_numpat),
    c("numsub", -2, PUBSUB | LOADING | STALE, NOKEYS, "pubsub", pubsub_numsub),
    c("shardchannels", -2, PUBSUB | LOADING | STALE, NOKEYS, "pubsub", pubsub_shardchannels),
    c("shardnumsub", -2, PUBSUB | LOADING | STALE, NOKEYS, "pubsub", pubsub_shardnumsub),
];

/// PUBSUB itself never runs: with fewer than two arguments it fails the
/// arity check, otherwise a subcommand is resolved.
fn container(_: &mut Ctx, _: &Args) {}

// ---- state -----------------------------------------------------------------------

/// The two channel namespaces: PUBLISH's and SPUBLISH's (shard channels,
/// which patterns never match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Global,
    Shard,
}

impl Space {
    fn subscribe_word(self) -> &'static [u8] {
        match self {
            Space::Global => b"subscribe",
            Space::Shard => b"ssubscribe",
        }
    }

    fn unsubscribe_word(self) -> &'static [u8] {
        match self {
            Space::Global => b"unsubscribe",
            Space::Shard => b"sunsubscribe",
        }
    }

    fn message_word(self) -> &'static [u8] {
        match self {
            Space::Global => b"message",
            Space::Shard => b"smessage",
        }
    }
}

/// A client's subscriptions.
#[derive(Debug, Default)]
pub struct ClientSubs {
    channels: ExtSet<Box<[u8]>>,
    /// In subscription order; few per client, searched linearly as Redis's
    /// list is.
    patterns: Vec<Box<[u8]>>,
    shard: ExtSet<Box<[u8]>>,
}

impl ClientSubs {
    /// Heap bytes of the subscriptions, roughly (for client eviction).
    pub fn memory(&self) -> usize {
        // A boxed name and its table slot (16 + 1 bytes, at most 7/8 full).
        let names = self.channels.iter().chain(&self.patterns).chain(self.shard.iter());
        names.map(|name| 20 + name.len()).sum()
    }

    pub fn channels(&self) -> usize {
        self.channels.len()
    }

    pub fn patterns(&self) -> usize {
        self.patterns.len()
    }

    pub fn shard_channels(&self) -> usize {
        self.shard.len()
    }

    /// Subscribed mode (Redis's CLIENT_PUBSUB flag): any subscription.
    pub fn active(&self) -> bool {
        !(self.channels.is_empty() && self.patterns.is_empty() && self.shard.is_empty())
    }

    fn set_mut(&mut self, space: Space) -> &mut ExtSet<Box<[u8]>> {
        match space {
            Space::Global => &mut self.channels,
            Space::Shard => &mut self.shard,
        }
    }

    /// The count a (un)subscribe notification in `space` reports: channels
    /// and patterns together, shard channels on their own.
    fn count(&self, space: Space) -> usize {
        match space {
            Space::Global => self.channels.len() + self.patterns.len(),
            Space::Shard => self.shard.len(),
        }
    }
}

/// Subscriber tokens of one channel or pattern, in subscription order.
type Subscribers = Vec<usize>;

/// Server-wide channel and pattern registry.
#[derive(Debug, Default)]
pub struct Registry {
    channels: ExtMap<Box<[u8]>, Subscribers>,
    patterns: ExtMap<Box<[u8]>, Subscribers>,
    shard: ExtMap<Box<[u8]>, Subscribers>,
}

impl Registry {
    /// Channels with at least one subscriber (INFO `pubsub_channels`).
    pub fn channels(&self) -> usize {
        self.channels.len()
    }

    /// Patterns with at least one subscriber (INFO `pubsub_patterns`).
    pub fn patterns(&self) -> usize {
        self.patterns.len()
    }

    /// Shard channels with at least one subscriber.
    pub fn shard_channels(&self) -> usize {
        self.shard.len()
    }

    /// Whether a PUBLISH could reach anyone (a channel or pattern has a
    /// subscriber).
    pub fn has_receivers(&self) -> bool {
        !(self.channels.is_empty() && self.patterns.is_empty())
    }

    fn map(&self, space: Space) -> &ExtMap<Box<[u8]>, Subscribers> {
        match space {
            Space::Global => &self.channels,
            Space::Shard => &self.shard,
        }
    }

    fn map_mut(&mut self, space: Space) -> &mut ExtMap<Box<[u8]>, Subscribers> {
        match space {
            Space::Global => &mut self.channels,
            Space::Shard => &mut self.shard,
        }
    }
}

/// Adds `token` to the subscribers of `name`.
fn add_subscriber(map: &mut ExtMap<Box<[u8]>, Subscribers>, name: &[u8], token: usize) {
    match map.get_mut(name) {
        Some(list) => list.push(token),
        None => {
            map.insert(name.into(), vec![token]);
        }
    }
}

/// Removes `token` from the subscribers of `name`, dropping the entry when
/// it was the last one (so abandoned channels cost nothing).
fn remove_subscriber(map: &mut ExtMap<Box<[u8]>, Subscribers>, name: &[u8], token: usize) {
    if let Some(list) = map.get_mut(name) {
        if let Some(at) = list.iter().position(|&t| t == token) {
            list.remove(at);
        }
        if list.is_empty() {
            map.remove(name);
        }
    }
}

/// Drops every subscription of client `token` from the registry, without
/// notifying it (a closing client, RESET).
fn forget(reg: &mut Registry, token: usize, subs: ClientSubs) {
    for ch in subs.channels.iter() {
        remove_subscriber(&mut reg.channels, ch, token);
    }
    for pat in &subs.patterns {
        remove_subscriber(&mut reg.patterns, pat, token);
    }
    for ch in subs.shard.iter() {
        remove_subscriber(&mut reg.shard, ch, token);
    }
}

// ---- hooks called by the dispatcher and the event loop ---------------------------

/// The commands a RESP2 client in subscribed mode may run.
const SUBSCRIBED_MODE: &[&str] = &[
    "subscribe",
    "ssubscribe",
    "unsubscribe",
    "sunsubscribe",
    "psubscribe",
    "punsubscribe",
    "ping",
    "quit",
    "reset",
];

/// RESP2 subscribed mode allows only some commands: replies Redis's error
/// and returns false for the others. PING there replies `pong` and its
/// argument as a two-element array (Redis's `pingCommand`), done here
/// since it depends on the mode; false is returned as it has replied.
pub fn allowed(ctx: &mut Ctx, def: &'static CommandDef, args: &Args) -> bool {
    if ctx.reply.resp3() || !ctx.clients[ctx.me].subs.active() {
        return true;
    }
    // A subcommand (SLOWLOG RESET) shares its name with no top-level one.
    let top = args[0].eq_ignore_ascii_case(def.name.as_bytes());
    if top && def.name == "ping" && args.len() <= 2 {
        ctx.reply.array(2);
        ctx.reply.bulk(b"pong");
        ctx.reply.bulk(if args.len() == 2 { &args[1] } else { b"" });
        if let Some(idx) = ctx.st.commands.lookup(b"ping") {
            ctx.st.cmdstats[idx].calls += 1;
        }
        return false;
    }
    if top && SUBSCRIBED_MODE.contains(&def.name) {
        return true;
    }
    let table = ctx.st.commands;
    let idx = table.lookup(&args[0]).map(|i| {
        if top {
            i
        } else {
            table.lookup_sub(i, &args[1]).unwrap_or(i)
        }
    });
    let full_name = idx.map_or(def.name, |i| table.full_name(i));
    ctx.reply.error_fmt(format_args!(
        "ERR Can't execute '{full_name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
    ));
    if let Some(i) = idx {
        ctx.st.cmdstats[i].rejected += 1;
    }
    super::transaction::flag_error(ctx);
    false
}

/// Client `token` is closing: it leaves no subscription behind.
pub fn on_close(st: &mut crate::server::State, token: usize, client: &mut Client) {
    forget(&mut st.pubsub, token, std::mem::take(&mut client.subs));
}

/// RESET: drops every subscription of the running client, without
/// notifications (Redis's `clearClientConnectionState`).
pub fn unsubscribe_all(ctx: &mut Ctx) {
    let subs = std::mem::take(&mut ctx.clients[ctx.me].subs);
    forget(&mut ctx.st.pubsub, ctx.me, subs);
}

// ---- replies ---------------------------------------------------------------------

/// A (un)subscribe notification: `[kind, name or null, count]`, a push
/// message in RESP3.
fn notify(reply: &mut Reply, kind: &[u8], name: Option<&[u8]>, count: usize) {
    reply.pushing(|r| {
        r.push(3);
        r.bulk(kind);
        r.bulk_or_null(name);
        r.int(count as i64);
    });
}

/// Sends `message` on `channel` of `space` from the running client.
fn publish_generic(ctx: &mut Ctx, space: Space, channel: &[u8], message: &[u8]) -> usize {
    let own = Some((ctx.me, &mut *ctx.reply));
    deliver(ctx.st, ctx.clients, own, space, channel, message)
}

/// PUBLISH done by the server (keyspace notifications): `own` is the
/// running client and its reply buffer, None outside a command.
pub fn publish_message(
    st: &mut State,
    clients: &mut Clients,
    own: Option<(usize, &mut Reply)>,
    channel: &[u8],
    message: &[u8],
) -> usize {
    deliver(st, clients, own, Space::Global, channel, message)
}

/// Sends `message` on `channel` of `space` to its subscribers, then (global
/// space only) to clients whose patterns match the channel; a client
/// matching both ways gets both. Returns the number of receivers.
fn deliver(
    st: &mut State,
    clients: &mut Clients,
    own: Option<(usize, &mut Reply)>,
    space: Space,
    channel: &[u8],
    message: &[u8],
) -> usize {
    let parts = Parts {
        woken: &mut st.woken,
        kills: &mut st.kills,
        limit_closed: &mut st.stats.client_obuf_limit_disconnections,
        limits: &st.config.client_output_limits,
    };
    let mut out = Outbox::new(own, clients, parts, crate::server::now_ms());
    let mut receivers = 0;
    if let Some(tokens) = st.pubsub.map(space).get(channel) {
        for &t in tokens {
            out.send(t, |r| {
                r.push(3);
                r.bulk(space.message_word());
                r.bulk(channel);
                r.bulk(message);
            });
        }
        receivers += tokens.len();
    }
    if space == Space::Shard {
        return receivers;
    }
    for (pattern, tokens) in st.pubsub.patterns.iter() {
        if !string_match(pattern, channel, false) {
            continue;
        }
        for &t in tokens {
            out.send(t, |r| {
                r.push(4);
                r.bulk(b"pmessage");
                r.bulk(pattern);
                r.bulk(channel);
                r.bulk(message);
            });
        }
        receivers += tokens.len();
    }
    receivers
}

// ---- (un)subscribing -------------------------------------------------------------

/// Subscribes the running client to each channel argument of `space`
/// (again is a no-op), confirming each one.
fn subscribe_generic(ctx: &mut Ctx, args: &Args, space: Space) {
    let me = ctx.me;
    for ch in args.iter().skip(1) {
        let subs = &mut ctx.clients[me].subs;
        if subs.set_mut(space).insert(ch.into()) {
            add_subscriber(ctx.st.pubsub.map_mut(space), ch, me);
        }
        notify(ctx.reply, space.subscribe_word(), Some(ch), subs.count(space));
    }
}

/// Unsubscribes the running client from the channel arguments of `space`,
/// or from all its channels there without arguments, confirming each one;
/// with nothing to drop it still confirms once, with a null channel.
fn unsubscribe_generic(ctx: &mut Ctx, args: &Args, space: Space) {
    let me = ctx.me;
    let word = space.unsubscribe_word();
    if args.len() > 1 {
        for ch in args.iter().skip(1) {
            let subs = &mut ctx.clients[me].subs;
            if subs.set_mut(space).remove(ch) {
                remove_subscriber(ctx.st.pubsub.map_mut(space), ch, me);
            }
            notify(ctx.reply, word, Some(ch), subs.count(space));
        }
        return;
    }
    let subs = &mut ctx.clients[me].subs;
    let all = std::mem::take(subs.set_mut(space));
    if all.is_empty() {
        notify(ctx.reply, word, None, subs.count(space));
        return;
    }
    let mut left = subs.count(space) + all.len();
    for ch in all.into_keys() {
        remove_subscriber(ctx.st.pubsub.map_mut(space), &ch, me);
        left -= 1;
        notify(ctx.reply, word, Some(&ch), left);
    }
}

/// Drops pattern `pat` of the running client; false if it had none.
fn drop_pattern(ctx: &mut Ctx, pat: &[u8]) -> bool {
    let subs = &mut ctx.clients[ctx.me].subs;
    let Some(at) = subs.patterns.iter().position(|p| **p == *pat) else {
        return false;
    };
    subs.patterns.remove(at);
    remove_subscriber(&mut ctx.st.pubsub.patterns, pat, ctx.me);
    true
}

/// `SUBSCRIBE channel [channel ...]`
pub fn subscribe(ctx: &mut Ctx, args: &Args) {
    subscribe_generic(ctx, args, Space::Global);
}

/// `SSUBSCRIBE shardchannel [shardchannel ...]`
pub fn ssubscribe(ctx: &mut Ctx, args: &Args) {
    // Inside EXEC (Redis's CLIENT_DENY_BLOCKING), where SUBSCRIBE and
    // PSUBSCRIBE are still allowed for backward compatibility.
    if super::transaction::in_exec(ctx) {
        ctx.reply
            .error(b"ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        return;
    }
    subscribe_generic(ctx, args, Space::Shard);
}

/// `UNSUBSCRIBE [channel ...]`
pub fn unsubscribe(ctx: &mut Ctx, args: &Args) {
    unsubscribe_generic(ctx, args, Space::Global);
}

/// `SUNSUBSCRIBE [shardchannel ...]`
pub fn sunsubscribe(ctx: &mut Ctx, args: &Args) {
    unsubscribe_generic(ctx, args, Space::Shard);
}

/// `PSUBSCRIBE pattern [pattern ...]`
pub fn psubscribe(ctx: &mut Ctx, args: &Args) {
    let me = ctx.me;
    for pat in args.iter().skip(1) {
        let subs = &mut ctx.clients[me].subs;
        if !subs.patterns.iter().any(|p| **p == *pat) {
            subs.patterns.push(pat.into());
            add_subscriber(&mut ctx.st.pubsub.patterns, pat, me);
        }
        notify(ctx.reply, b"psubscribe", Some(pat), subs.count(Space::Global));
    }
}

/// `PUNSUBSCRIBE [pattern ...]`: without arguments, from every pattern in
/// subscription order.
pub fn punsubscribe(ctx: &mut Ctx, args: &Args) {
    let patterns: Vec<Box<[u8]>> = if args.len() > 1 {
        args.iter().skip(1).map(Into::into).collect()
    } else {
        ctx.clients[ctx.me].subs.patterns.clone()
    };
    if patterns.is_empty() {
        let count = ctx.clients[ctx.me].subs.count(Space::Global);
        notify(ctx.reply, b"punsubscribe", None, count);
    }
    for pat in &patterns {
        drop_pattern(ctx, pat);
        let count = ctx.clients[ctx.me].subs.count(Space::Global);
        notify(ctx.reply, b"punsubscribe", Some(pat), count);
    }
}

// ---- publishing ------------------------------------------------------------------

/// `PUBLISH channel message`
pub fn publish(ctx: &mut Ctx, args: &Args) {
    ctx.force_replica_propagation();
    let n = publish_generic(ctx, Space::Global, &args[1], &args[2]);
    ctx.reply.int(n as i64);
}

/// `SPUBLISH shardchannel message` (standalone: the shard is this server).
pub fn spublish(ctx: &mut Ctx, args: &Args) {
    ctx.force_replica_propagation();
    let n = publish_generic(ctx, Space::Shard, &args[1], &args[2]);
    ctx.reply.int(n as i64);
}

// ---- PUBSUB ----------------------------------------------------------------------

/// Redis's `addReplySubcommandSyntaxError`.
fn subcommand_syntax_error(ctx: &mut Ctx, args: &Args) {
    ctx.reply.error_fmt(format_args!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        String::from_utf8_lossy(&args[1][..args[1].len().min(128)]),
        String::from_utf8_lossy(&args[0]).to_ascii_uppercase()
    ));
}

/// Channels of `space` with subscribers, those matching the optional
/// pattern argument only (Redis's `channelList`).
fn channels_generic(ctx: &mut Ctx, args: &Args, space: Space) {
    if args.len() > 3 {
        subcommand_syntax_error(ctx, args);
        return;
    }
    let pattern = (args.len() == 3).then(|| &args[2]);
    let names: Vec<&[u8]> = ctx
        .st
        .pubsub
        .map(space)
        .keys()
        .map(|k| &**k)
        .filter(|ch| pattern.is_none_or(|p| string_match(p, ch, false)))
        .collect();
    ctx.reply.array(names.len());
    for name in names {
        ctx.reply.bulk(name);
    }
}

/// Subscriber counts of the channel arguments in `space`, as a flat
/// array of name, count pairs (patterns are not counted).
fn numsub_generic(ctx: &mut Ctx, args: &Args, space: Space) {
    ctx.reply.array((args.len() - 2) * 2);
    for ch in args.iter().skip(2) {
        let n = ctx.st.pubsub.map(space).get(ch).map_or(0, Vec::len);
        ctx.reply.bulk(ch);
        ctx.reply.int(n as i64);
    }
}

/// `PUBSUB CHANNELS [pattern]`
pub fn pubsub_channels(ctx: &mut Ctx, args: &Args) {
    channels_generic(ctx, args, Space::Global);
}

/// `PUBSUB SHARDCHANNELS [pattern]`
pub fn pubsub_shardchannels(ctx: &mut Ctx, args: &Args) {
    channels_generic(ctx, args, Space::Shard);
}

/// `PUBSUB NUMSUB [channel ...]`
pub fn pubsub_numsub(ctx: &mut Ctx, args: &Args) {
    numsub_generic(ctx, args, Space::Global);
}

/// `PUBSUB SHARDNUMSUB [shardchannel ...]`
pub fn pubsub_shardnumsub(ctx: &mut Ctx, args: &Args) {
    numsub_generic(ctx, args, Space::Shard);
}

/// `PUBSUB NUMPAT`: patterns with at least one subscriber.
pub fn pubsub_numpat(ctx: &mut Ctx, _args: &Args) {
    let n = ctx.st.pubsub.patterns();
    ctx.reply.int(n as i64);
}

/// `PUBSUB HELP`
pub fn pubsub_help(ctx: &mut Ctx, _args: &Args) {
    super::server::reply_help(
        ctx,
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    );
}
