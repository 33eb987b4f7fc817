//! DEBUG: the introspection and test hooks of Redis's `debug.c` that make
//! sense for loopkv's data model (DIGEST and DIGEST-VALUE with Redis's
//! algorithm, so digests equal a real redis-server's for the same data;
//! OBJECT, POPULATE, HTSTATS, LISTPACK, QUICKLIST, SLEEP, PROTOCOL, ...),
//! and SEGFAULT, PANIC and ASSERT, which crash the server on purpose.
//! RELOAD saves and loads the RDB file back; REPLICATE puts a command in
//! the replication stream alone.

use super::server::{protected_allowed, reply_help};
use super::{Args, Ctx};
use crate::db::{Encoding, Kind, Obj};
use crate::util::sha1::{Sha1, hex};

/// `DEBUG <subcommand> ...`
pub fn debug(ctx: &mut Ctx, args: &Args) {
    let peer = ctx.clients[ctx.me].addr;
    if !protected_allowed(ctx.st.config.enable_debug, peer) {
        ctx.reply.error(b"ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.");
        return;
    }
    let sub = String::from_utf8_lossy(&args[1]).to_ascii_lowercase();
    match (sub.as_str(), args.len()) {
        ("help", 2) => reply_help(ctx, "DEBUG", HELP),
        ("log", 3) => {
            log::warn!("DEBUG LOG: {}", String::from_utf8_lossy(&args[2]));
            ctx.reply.ok();
        }
        ("error", 3) => ctx.reply.error(&args[2]),
        // Crashes on purpose, to see the crash report (`crate::crash`).
        #[cfg(unix)]
        ("segfault", 2) => crate::crash::segfault(),
        ("panic", 2) => panic!("DEBUG PANIC called at Unix time {}", ctx.now / 1000),
        ("assert", 2) => panic!("assertion failed: DEBUG ASSERT"),
        ("replicate", n) if n >= 3 => {
            // Straight into the replication stream, in the database it has
            // selected (a test hook for diverging replicas).
            let mut command = Vec::new();
            let argv: Vec<&[u8]> = args.iter().skip(2).collect();
            crate::server::propagate::write_command(&mut command, argv.into_iter());
            ctx.st.repl.feed(None, &command);
            ctx.reply.ok();
        }
        ("sleep", 3) => {
            let secs = crate::util::number::parse_f64(&args[2]).unwrap_or(0.0);
            if secs > 0.0 && secs.is_finite() {
                std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(3600.0)));
            }
            ctx.reply.ok();
        }
        ("set-active-expire", 3) => {
            ctx.st.active_expire = crate::util::number::parse_i64(&args[2]).unwrap_or(0) != 0;
            ctx.reply.ok();
        }
        ("pause-cron", 3) => {
            ctx.st.cron_paused = crate::util::number::parse_i64(&args[2]).unwrap_or(0) != 0;
            ctx.reply.ok();
        }
        ("stringmatch-test", 2) => {
            let _ = crate::util::glob::string_match_fuzz_test(crate::util::glob::STRINGMATCH_FUZZ_CYCLES, ctx.now);
            ctx.reply.simple(b"Apparently Redis did not crash: test passed");
        }
        ("object", 3) => debug_object(ctx, args),
        ("protocol", 3) => debug_protocol(ctx, args),
        ("digest", 2) => {
            let digest = dataset_digest(ctx);
            ctx.reply.simple(hex(&digest).as_bytes());
        }
        ("digest-value", n) if n >= 2 => {
            ctx.reply.array(n - 2);
            for key in args.iter().skip(2) {
                let mut digest = [0u8; 20];
                let db = ctx.db();
                if let Some(id) = db.peek(key) {
                    value_digest(db, id, &mut digest);
                }
                ctx.reply.simple(hex(&digest).as_bytes());
            }
        }
        ("populate", 3..=5) => populate(ctx, args),
        ("quicklist-packed-threshold", 3) => {
            // Redis's quicklistisSetPackedThreshold: 0 restores 1 GiB, at
            // most 4 GiB - 1.
            match crate::config::parse_memory(&args[2]).filter(|&n| (0..1 << 32).contains(&n)) {
                Some(n) => {
                    ctx.st.packed_threshold = if n == 0 { 1 << 30 } else { n as usize };
                    ctx.reply.ok();
                }
                None => ctx
                    .reply
                    .error(b"ERR argument must be a memory value bigger than 1 and smaller than 4gb"),
            }
        }
        ("change-repl-id", 2) => {
            log::warn!("Changing replication IDs after receiving DEBUG change-repl-id");
            ctx.st.change_repl_id();
            ctx.reply.ok();
        }
        ("replybuffer", 4) => replybuffer(ctx, args),
        ("htstats", 3 | 4) => {
            let Some(dbid) = super::arg_i64(ctx.reply, &args[2]) else {
                return;
            };
            match usize::try_from(dbid).ok().filter(|&d| d < ctx.st.dbs.len()) {
                Some(d) => {
                    let text = ctx.st.dbs[d].htstats();
                    ctx.reply.verbatim(b"txt", text.as_bytes());
                }
                None => ctx.reply.error(b"ERR Out of range database"),
            }
        }
        ("htstats-key", 3 | 4) => {
            let Some(id) = ctx.db().peek(&args[2]) else {
                return ctx.reply.error(b"ERR no such key");
            };
            let db = ctx.db();
            let stats = match db.kind(id) {
                Kind::String => None,
                _ => match db.obj(id) {
                    Obj::Set(s) => s.table_stats(),
                    Obj::Hash(h) => h.table_stats(),
                    Obj::ZSet(z) => z.table_stats(),
                    Obj::List(_) => None,
                },
            };
            match stats {
                Some(text) => ctx.reply.verbatim(b"txt", text.as_bytes()),
                None => ctx
                    .reply
                    .error(b"ERR The value stored at the specified key is not represented using an hash table"),
            }
        }
        ("reload", _) => reload(ctx, args),
        ("aof-flush-sleep", 3) => {
            ctx.st.aof.flush_sleep_us = crate::util::number::parse_i64(&args[2]).unwrap_or(0).max(0) as u64;
            ctx.reply.ok();
        }
        ("loadaof", 2) => {
            // As Redis 7.0, a load that fails ends the server.
            if crate::persist::control::load_aof_now(ctx.st, ctx.clients).is_err() {
                std::process::exit(1);
            }
            ctx.st.dirty = 0;
            log::warn!("Append Only File loaded by DEBUG LOADAOF");
            ctx.reply.ok();
        }
        ("set-disable-deny-scripts", 3) => {
            ctx.st.scripts_may_run_any = crate::util::number::parse_i64(&args[2]).unwrap_or(0) != 0;
            ctx.reply.ok();
        }
        ("set-skip-checksum-validation", 3) => {
            ctx.st.skip_checksum = crate::util::number::parse_i64(&args[2]).unwrap_or(0) != 0;
            ctx.reply.ok();
        }
        ("listpack", 3) => repr(ctx, &args[2], "listpack"),
        ("quicklist", 3 | 4) => repr(ctx, &args[2], "quicklist"),
        _ => ctx.reply.error_fmt(format_args!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(&args[1])
        )),
    }
}

const HELP: &[&str] = &[
    "AOF-FLUSH-SLEEP <microsec>",
    "    Server will sleep before flushing the AOF, this is used for testing.",
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "HTSTATS <dbid>",
    "    Return hash table statistics of the specified Redis database.",
    "HTSTATS-KEY <key>",
    "    Like HTSTATS but for the hash table stored at <key>'s value.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "QUICKLIST <key> [<0|1>]",
    "    Show low level info about the quicklist encoding of <key>.",
    "    The optional argument (0 by default) sets the level of detail",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
];

// ---- DIGEST ----------------------------------------------------------------------------

/// XORs the SHA-1 of `data` into `digest`: the order of such additions
/// does not matter (unordered elements: set members, hash fields).
fn xor_digest(digest: &mut [u8; 20], data: &[u8]) {
    for (d, h) in digest.iter_mut().zip(Sha1::digest(data)) {
        *d ^= h;
    }
}

/// `xor_digest`, then the digest becomes its own SHA-1: the order of
/// such additions matters (list elements, a key before its value).
fn mix_digest(digest: &mut [u8; 20], data: &[u8]) {
    xor_digest(digest, data);
    *digest = Sha1::digest(digest.as_slice());
}

/// Adds value `id` of `db` to `digest`, as Redis's `xorObjectDigest`: its
/// type code, then strings and list elements in order, set members, hash
/// pairs and sorted-set pairs (score as `%.17g`) each digested apart and
/// XORed; last, whether the key has a TTL (not the TTL itself).
fn value_digest(db: &crate::db::Db, id: u32, digest: &mut [u8; 20]) {
    let code: u32 = match db.kind(id) {
        Kind::String => 0,
        Kind::List => 1,
        Kind::Set => 2,
        Kind::ZSet => 3,
        Kind::Hash => 4,
    };
    mix_digest(digest, &code.to_be_bytes());
    let mut scratch = [0u8; 20];
    if db.kind(id) == Kind::String {
        mix_digest(digest, db.value(id).bytes(&mut scratch));
    } else {
        object_digest(db.obj(id), digest);
    }
    if db.expire_at(id).is_some() {
        xor_digest(digest, b"!!expire!!");
    }
}

/// The collection part of [`value_digest`].
fn object_digest(obj: &Obj, digest: &mut [u8; 20]) {
    let mut scratch = [0u8; 20];
    match obj {
        Obj::List(list) => list.iter().for_each(|item| mix_digest(digest, item)),
        Obj::Set(set) => set.iter().for_each(|m| xor_digest(digest, m.bytes(&mut scratch))),
        Obj::Hash(hash) => {
            for (field, value) in hash.iter() {
                let mut pair = [0u8; 20];
                mix_digest(&mut pair, field);
                mix_digest(&mut pair, value);
                xor_digest(digest, &pair);
            }
        }
        Obj::ZSet(zset) => {
            let mut score_text = Vec::with_capacity(32);
            for (member, score) in zset.iter() {
                let mut pair = [0u8; 20];
                mix_digest(&mut pair, member);
                score_text.clear();
                crate::util::number::write_double(&mut score_text, score);
                mix_digest(&mut pair, &score_text);
                xor_digest(digest, &pair);
            }
        }
    }
}

/// The dataset's digest, as Redis's `computeDatasetDigest`: per non-empty
/// database its index (big-endian u32) mixed in, then each key's own
/// digest (the key, then [`value_digest`]) XORed in, so key order does not
/// matter. All zeros for an empty dataset.
fn dataset_digest(ctx: &mut Ctx) -> [u8; 20] {
    let mut total = [0u8; 20];
    for (index, db) in ctx.st.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        mix_digest(&mut total, &(index as u32).to_be_bytes());
        for id in db.ids() {
            let mut digest = [0u8; 20];
            mix_digest(&mut digest, db.key(id));
            value_digest(db, id, &mut digest);
            xor_digest(&mut total, &digest);
        }
    }
    total
}

// ---- the rest --------------------------------------------------------------------------

/// `DEBUG POPULATE count [prefix] [size]`: string keys `prefix:N` holding
/// `value:N` (cut or zero-padded to `size` when given); existing keys are
/// left alone.
fn populate(ctx: &mut Ctx, args: &Args) {
    // Redis's getPositiveLongFromObjectOrReply: one error for both.
    let positive = |arg: &[u8]| crate::util::number::parse_i64(arg).filter(|&n| n >= 0);
    let size = if args.len() > 4 { positive(&args[4]) } else { Some(0) };
    let (Some(count), Some(size)) = (positive(&args[2]), size) else {
        return ctx.reply.error(b"ERR value is out of range, must be positive");
    };
    // Values no larger than a client may send (Redis has no cap here, and
    // would try to allocate anything).
    if size > ctx.st.config.proto_max_bulk_len {
        return ctx
            .reply
            .error(b"ERR value is out of range, size exceeds proto-max-bulk-len");
    }
    let size = size as usize;
    let prefix: &[u8] = if args.len() > 3 { &args[3] } else { b"key" };
    let now = ctx.now;
    let mut key = Vec::with_capacity(prefix.len() + 21);
    let mut value = Vec::with_capacity(size.max(26));
    for n in 0..count {
        key.clear();
        key.extend_from_slice(prefix);
        key.push(b':');
        crate::util::number::write_i64(&mut key, n);
        let db = ctx.db();
        if db.peek(&key).is_some() {
            continue;
        }
        value.clear();
        value.extend_from_slice(b"value:");
        crate::util::number::write_i64(&mut value, n);
        if size > 0 {
            value.resize(size, 0);
        }
        db.set(&key, &value, Encoding::Bytes, false, now);
    }
    ctx.reply.ok();
}

/// `DEBUG REPLYBUFFER PEAK-RESET-TIME <never|reset|ms>` and
/// `DEBUG REPLYBUFFER RESIZING <0|1>`.
fn replybuffer(ctx: &mut Ctx, args: &Args) {
    let what = args[2].to_ascii_lowercase();
    let value = args[3].to_ascii_lowercase();
    match what.as_slice() {
        b"peak-reset-time" => {
            ctx.st.reply_peak_reset_ms = match value.as_slice() {
                b"never" => None,
                b"reset" => Some(crate::client::REPLY_PEAK_RESET_MS),
                _ => {
                    let Some(ms) = super::arg_i64(ctx.reply, &args[3]) else {
                        return;
                    };
                    Some(ms.max(0) as u64)
                }
            };
        }
        b"resizing" => {
            ctx.st.reply_resizing = crate::util::number::parse_i64(&args[3]).unwrap_or(0) != 0;
        }
        _ => return ctx.reply.error(b"ERR Syntax error"),
    }
    ctx.reply.ok();
}

/// DEBUG LISTPACK / QUICKLIST: the value's layout goes to the log (Redis
/// prints it on standard output) and a status line is the reply.
fn repr(ctx: &mut Ctx, key: &[u8], encoding: &str) {
    let Some(id) = ctx.db().peek(key) else {
        return ctx.reply.error(b"ERR no such key");
    };
    let db = ctx.db();
    let actual = db.encoding(id);
    if actual != encoding {
        let name = if encoding == "listpack" {
            "listpack"
        } else {
            "quicklist"
        };
        return ctx.reply.error_fmt(format_args!("ERR Not a {name} encoded object."));
    }
    log::info!(
        "{encoding} of key '{}': {} elements, encoding {actual}",
        String::from_utf8_lossy(key),
        if db.kind(id) == Kind::String {
            1
        } else {
            db.obj(id).len()
        }
    );
    let text = if encoding == "listpack" {
        "Listpack structure printed on stdout"
    } else {
        "Quicklist structure printed on stdout"
    };
    ctx.reply.simple(text.as_bytes());
}

/// `DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]`: saves the RDB file, empties
/// the databases and loads the file back.
fn reload(ctx: &mut Ctx, args: &Args) {
    use crate::persist::control;
    let (mut merge, mut flush, mut save) = (false, true, true);
    for j in 2..args.len() {
        if args.is(j, "merge") {
            merge = true;
        } else if args.is(j, "noflush") {
            flush = false;
        } else if args.is(j, "nosave") {
            save = false;
        } else {
            return ctx
                .reply
                .error(b"ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        }
    }
    control::abort_bgsave(ctx.st);
    if save && control::save(ctx.st).is_err() {
        return ctx.reply.error(b"ERR");
    }
    if flush {
        for db in &mut ctx.st.dbs {
            drop(db.flush());
        }
        crate::script::function::flush();
    }
    match control::load(ctx.st, merge) {
        Ok(_) => {
            log::warn!("DB reloaded by DEBUG RELOAD");
            ctx.reply.ok();
        }
        Err(e) => {
            log::warn!("{e}");
            ctx.reply
                .error(b"ERR Error trying to load the RDB dump, check server logs.");
        }
    }
}

fn debug_object(ctx: &mut Ctx, args: &Args) {
    use crate::persist::rdb::{Encoder, Options};
    // The key as stored, even if its TTL has passed (Redis looks in the
    // dictionary directly).
    let now = ctx.now;
    let Some(id) = ctx.db().peek(&args[2]) else {
        ctx.reply.error(b"ERR no such key");
        return;
    };
    let opts = Options {
        packed_threshold: ctx.st.packed_threshold,
        ..Options::from_config(&ctx.st.config)
    };
    let db = ctx.db();
    let lru = db.node(id).meta >> 8;
    // serializedlength is the value's RDB payload size (rdbSavedObjectLen);
    // a quicklist also reports its nodes, as Redis's DEBUG OBJECT does.
    let mut encoder = Encoder::new(opts);
    let mut bytes = Vec::new();
    let extra = match db.kind(id) {
        Kind::List => {
            let Obj::List(list) = db.obj(id) else { unreachable!() };
            let ql = encoder.list(&mut bytes, list);
            format!(
                " ql_nodes:{} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
                ql.nodes,
                ql.count as f64 / ql.nodes as f64,
                opts.list_fill,
                u8::from(opts.list_compress_depth != 0),
                ql.uncompressed,
            )
        }
        _ => {
            encoder.value(&mut bytes, db, id);
            String::new()
        }
    };
    let serialized = bytes.len();
    let text = format!(
        "Value at:0x{:x} refcount:{} encoding:{} serializedlength:{serialized} lru:{lru} lru_seconds_idle:{}{extra}",
        id as u64 * 32 + 0x7f00_0000_0000,
        if db.is_shared(id) { i32::MAX as i64 } else { 1 },
        db.encoding(id),
        db.idle_seconds(id, now),
    );
    ctx.reply.simple(text.as_bytes());
}

fn debug_protocol(ctx: &mut Ctx, args: &Args) {
    let kind = String::from_utf8_lossy(&args[2]).to_ascii_lowercase();
    let r = &mut *ctx.reply;
    match kind.as_str() {
        "string" => r.bulk(b"Hello World"),
        "integer" => r.int(12345),
        // Redis's test value, not an approximation of pi.
        #[allow(clippy::approx_constant)]
        "double" => r.double(3.141),
        "bignum" => r.big_number(b"1234567999999999999999999999999999999"),
        "null" => r.null(),
        "array" => {
            r.array(3);
            for i in 0..3 {
                r.int(i);
            }
        }
        "set" => {
            r.set(3);
            for i in 0..3 {
                r.int(i);
            }
        }
        "map" => {
            r.map(3);
            for i in 0..3 {
                r.int(i);
                r.bool(i == 1);
            }
        }
        "attrib" => {
            // Attributes exist only in RESP3; the real reply follows.
            if r.resp3() {
                r.raw(b"|1\r\n");
                r.bulk(b"key-popularity");
                r.array(2);
                r.bulk(b"key:123");
                r.int(90);
            }
            r.bulk(b"Some real reply following the attribute");
        }
        "push" => {
            if !r.resp3() {
                r.error(b"ERR RESP2 is not supported by this command");
                return;
            }
            r.push(2);
            r.bulk(b"server-cpu-usage");
            r.int(42);
            // A push is not a reply: a normal one follows for the caller.
            r.bulk(b"Some real reply following the push reply");
        }
        "verbatim" => r.verbatim(b"txt", b"This is a verbatim\nstring"),
        "true" => r.bool(true),
        "false" => r.bool(false),
        _ => r.error(b"ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false"),
    }
}
