//! Scripting: Lua 5.1 as Redis 7.0 runs it. This module owns the Lua state
//! of EVAL scripts, the cache of compiled scripts by SHA-1, and running a
//! script for a client: its KEYS and ARGV, the commands it calls through
//! `redis.call` (dispatched like a client's, as the script's own client),
//! the conversion of its result to a reply, and Redis's error texts.
//!
//! The Lua state is not `Send`, while the server is built on one thread and
//! run on another, so it lives in a thread-local on the event loop's
//! thread ([`ENGINE`]), made when the loop starts; a Lua state belongs to
//! exactly one server.
//!
//! What scripts see is built by `sandbox.lua` (read-only globals, no
//! bytecode, Redis's library set); the functions it needs from the server
//! are here, in Rust. `redis.call` reaches the server through a function
//! made for the duration of one script (`Lua::scope`), which borrows the
//! running command's context, so no pointer to the server outlives it.

mod bit;
mod cjson;
mod cmsgpack;
mod convert;
mod fastcall;
pub mod function;
mod lualib;
mod rand48;
mod structlib;

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;
use std::time::Instant;

use hashbrown::HashMap;
use mlua::{
    ChunkMode, Function, HookTriggers, Lua, LuaOptions, MultiValue, RegistryKey, StdLib, Table, Value, VmState,
};

use crate::client::{Client, Stream};
use crate::command::table::flags;
use crate::command::{self, Args, Ctx};
use crate::util::sha1::{self, Sha1};
use lualib::{arg_number, arg_text, positioned};

thread_local! {
    /// The EVAL engine of the server whose loop runs on this thread.
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Makes a fresh engine for the server about to run on this thread.
pub fn install() {
    let engine = Engine::new(false).expect("the Lua state could not be created");
    ENGINE.with_borrow_mut(|e| *e = Some(engine));
}

/// Runs `f` with this thread's engine, making one if the loop did not.
fn with_engine<R>(f: impl FnOnce(&mut Engine) -> R) -> R {
    ENGINE.with_borrow_mut(|slot| {
        let engine = slot.get_or_insert_with(|| Engine::new(false).expect("the Lua state could not be created"));
        f(engine)
    })
}

/// Shebang flags (`#!lua flags=...`), as Redis's `SCRIPT_FLAG_*`.
pub mod script_flags {
    pub const NO_WRITES: u32 = 1 << 0;
    pub const ALLOW_OOM: u32 = 1 << 1;
    pub const ALLOW_STALE: u32 = 1 << 2;
    pub const NO_CLUSTER: u32 = 1 << 3;
    /// No shebang: EVAL's compatibility mode (no flags declared).
    pub const EVAL_COMPAT: u32 = 1 << 4;
    pub const ALLOW_CROSS_SLOT: u32 = 1 << 5;

    pub const NAMES: &[(&str, u32)] = &[
        ("no-writes", NO_WRITES),
        ("allow-oom", ALLOW_OOM),
        ("allow-stale", ALLOW_STALE),
        ("no-cluster", NO_CLUSTER),
        ("allow-cross-slot-keys", ALLOW_CROSS_SLOT),
    ];
}

/// A compiled script.
struct Script {
    /// In the registry: a value held from Rust takes one of the Lua
    /// state's 8000 reference slots, and the cache may hold more scripts.
    func: RegistryKey,
    flags: u32,
}

/// The script running now (`State::script`): what SCRIPT KILL, FUNCTION
/// KILL, FUNCTION STATS and the commands refused with -BUSY look at.
#[derive(Debug)]
pub struct ScriptRun {
    /// EVAL (or FCALL).
    pub eval: bool,
    pub started: Instant,
    /// It ran past `busy-reply-threshold`: other clients are being served
    /// (and most of their commands refused with -BUSY).
    pub timed_out: bool,
    /// SCRIPT KILL or FUNCTION KILL asked for its end.
    pub killed: bool,
    /// It ran a write command, so it cannot be killed.
    pub wrote: bool,
    /// The function's name, and the command that runs it (FUNCTION
    /// STATS); filled when it times out.
    pub name: Vec<u8>,
    pub argv: Vec<Vec<u8>>,
}

/// The -BUSY error of a command refused while `run` is timed out.
pub fn busy_error(run: &ScriptRun) -> &'static [u8] {
    if run.eval {
        b"BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
    } else {
        b"BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
    }
}

/// SCRIPT KILL (`eval`) and FUNCTION KILL, as Redis's `scriptKill`.
pub fn kill(st: &mut crate::server::State, eval: bool) -> Result<(), &'static [u8]> {
    let Some(run) = st.script.as_mut() else {
        return Err(b"NOTBUSY No scripts in execution right now.");
    };
    if run.wrote {
        return Err(b"UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
    }
    if eval != run.eval {
        return Err(busy_error(run));
    }
    run.killed = true;
    Ok(())
}

/// What the `redis.*` functions and the hook share with a run.
struct Shared {
    /// `redis.setresp`: the protocol the script's commands reply in.
    resp3: Cell<bool>,
    /// `redis.set_repl`: where the script's writes propagate (REPL_*).
    repl: Cell<u8>,
    /// When the running script started, and `busy-reply-threshold` (ms).
    started: Cell<Option<Instant>>,
    threshold_ms: Cell<u64>,
    /// The running script's `Call` (null between runs): what `redis.call`,
    /// `redis.pcall` and the busy hook reach the server through.
    run: Cell<*const ()>,
    /// The script was killed: `pcall` must not catch that error.
    killed: Cell<bool>,
    /// A panic caught in `redis.call`, resumed once Lua has returned.
    panic: Cell<Option<Box<dyn std::any::Any + Send>>>,
}

impl Default for Shared {
    fn default() -> Shared {
        Shared {
            resp3: Cell::new(false),
            repl: Cell::new(REPL_ALL),
            started: Cell::new(None),
            threshold_ms: Cell::new(5000),
            run: Cell::new(std::ptr::null()),
            killed: Cell::new(false),
            panic: Cell::new(None),
        }
    }
}

impl Shared {
    /// Runs `f` with the running script's `Call`; None between runs (a
    /// function kept from a run and called later, as Redis refuses it).
    ///
    /// The `Call` is set by `Engine::run` for exactly the duration of the
    /// Lua call it makes, and borrowed here only from Lua callbacks and the
    /// hook, which Lua runs on this thread inside that call.
    #[allow(unsafe_code)]
    fn with_call<R>(&self, f: impl FnOnce(&mut Call<'_, '_>) -> R) -> Option<R> {
        let p = self.run.get();
        if p.is_null() {
            return None;
        }
        // SAFETY: `run` holds a pointer to a `RefCell<Call>` on the stack of
        // `Engine::run`, stored just before the script is called and reset
        // to null right after the call returns, so it is valid whenever it
        // is not null. Only this thread can reach it (the Lua state is not
        // Send), and the RefCell catches any re-entry. The lifetimes are
        // erased only for the span of this callback, which lies inside the
        // call. Measured reason: making `redis.call`, `redis.pcall` and the
        // busy check per run with `Lua::scope` (the safe alternative) cost
        // three callback allocations and their collection per EVAL.
        let call = unsafe { &*(p as *const RefCell<Call<'static, 'static>>) };
        let mut call = call.try_borrow_mut().ok()?;
        Some(f(&mut call))
    }
}

/// The busy check as a hook callback. mlua runs a hook on one thread
/// only, so the sandbox's `coroutine.resume` moves it to the coroutine it
/// resumes and back (`rust.hook_here`): a loop inside a coroutine can be
/// killed too. `busy-reply-threshold 0` means no check, as in Redis.
fn busy_hook(s: Rc<Shared>) -> impl Fn(&Lua, mlua::Debug) -> mlua::Result<VmState> + 'static {
    move |_, _| {
        let Some(started) = s.started.get() else {
            return Ok(VmState::Continue);
        };
        let threshold = s.threshold_ms.get();
        if !s.killed.get() && (threshold == 0 || (started.elapsed().as_millis() as u64) < threshold) {
            return Ok(VmState::Continue);
        }
        if !s.killed.get() {
            s.killed.set(s.with_call(|call| call.busy()).unwrap_or(false));
        }
        if s.killed.get() {
            return Err(raise(KILLED));
        }
        Ok(VmState::Continue)
    }
}

/// The error a killed script is stopped with.
const KILLED: &[u8] = b"Script killed by user with SCRIPT KILL...";

/// Runs between two garbage-collection steps, and the step's size in KB
/// (Redis's LUA_GC_CYCLE_PERIOD).
const GC_PERIOD: u32 = 50;

/// How often the hook looks at the clock, in Lua instructions (Redis's).
const HOOK_INSTRUCTIONS: u32 = 100_000;

const REPL_AOF: u8 = 1;
const REPL_REPLICA: u8 = 2;
const REPL_ALL: u8 = REPL_AOF | REPL_REPLICA;

/// The Lua state for EVAL and what belongs to it.
pub struct Engine {
    lua: Lua,
    /// `xpcall(f, handler)`: runs a compiled script.
    runner: Function,
    /// The tables EVAL's KEYS and ARGV are made in.
    arg_tables: fastcall::ArgTables,
    /// The read-only globals: the environment of every script.
    globals: Table,
    /// Functions' state only: switches the globals to FUNCTION LOAD's,
    /// and the `redis` table those have (`register_function` is set there).
    set_loading: Option<Function>,
    load_redis: Option<Table>,
    /// `register_function` outside a load (a library that kept the load
    /// time `redis` table and calls it later): an error.
    refuse_registration: Function,
    scripts: HashMap<[u8; 40], Script>,
    /// Bytes of the cached scripts' bodies (INFO used_memory_scripts_eval).
    scripts_bytes: usize,
    shared: Rc<Shared>,
    /// The script's client (Redis's `lua_client`), in the client table
    /// only while a script runs.
    client: Option<Client>,
    /// Runs since the last garbage-collection step, and the Lua memory
    /// in use after it.
    runs: u32,
    gc_mark: usize,
    /// The argument vector of `redis.call`, reused.
    frame: Vec<u8>,
    spans: Vec<Range<usize>>,
}

impl Engine {
    fn new(functions: bool) -> mlua::Result<Engine> {
        let lua = Lua::new_with(StdLib::TABLE | StdLib::STRING | StdLib::MATH, LuaOptions::default())?;
        let shared = Rc::new(Shared::default());
        let rust = rust_functions(&lua, &shared)?;
        let redis = redis_table(&lua, &rust)?;
        fastcall::install(&lua, &redis, &shared)?;
        lua.globals().raw_set("redis", redis.clone())?;
        bit::install(&lua, &lua.globals())?;
        cjson::install(&lua, &lua.globals())?;
        structlib::install(&lua, &lua.globals())?;
        cmsgpack::install(&lua, &lua.globals())?;
        let sandbox = lua
            .load(include_str!("sandbox.lua"))
            .set_name("=loopkv")
            .set_mode(ChunkMode::Text)
            .into_function()?;
        let (runner, proxy, real_globals, set_loading, load_redis): (
            Function,
            Table,
            Table,
            Option<Function>,
            Option<Table>,
        ) = sandbox.call((rust.clone(), functions))?;

        let refuse_registration = lua.create_function(|_, _: MultiValue| -> mlua::Result<()> {
            Err(raise(
                b"redis.register_function can only be called on FUNCTION LOAD command",
            ))
        })?;
        if let Some(load_redis) = &load_redis {
            load_redis.raw_set("register_function", refuse_registration.clone())?;
        }
        let arg_tables = fastcall::ArgTables::new(&lua, real_globals)?;
        let engine = Engine {
            refuse_registration,
            arg_tables,
            lua,
            runner,
            globals: proxy,
            set_loading,
            load_redis,
            scripts: HashMap::new(),
            scripts_bytes: 0,
            shared,
            client: Some(script_client()),
            runs: 0,
            gc_mark: 0,
            frame: Vec::new(),
            spans: Vec::new(),
        };
        engine.set_busy_hook();
        // What building the sandbox left behind.
        engine.lua.gc_collect()?;
        engine.lua.gc_collect()?;
        Ok(engine)
    }

    /// The busy check: every HOOK_INSTRUCTIONS instructions of a script,
    /// once it has run past busy-reply-threshold, other clients are served
    /// (Redis's `luaMaskCountHook`); a killed script gets the kill error
    /// at every check until it ends.
    fn set_busy_hook(&self) {
        self.lua.set_hook(
            HookTriggers::new().every_nth_instruction(HOOK_INSTRUCTIONS),
            busy_hook(self.shared.clone()),
        );
    }

    /// Compiles `body` (after its shebang line) and caches it under `sha`.
    fn compile(&mut self, sha: [u8; 40], body: &[u8]) -> Result<&Script, Vec<u8>> {
        let (flags, code) = shebang(body)?;
        let func = self
            .lua
            .load(code)
            .set_name("@user_script")
            .set_mode(ChunkMode::Text)
            .set_environment(self.globals.clone())
            .into_function()
            .map_err(|e| {
                let mut msg = b"ERR Error compiling script (new function): ".to_vec();
                msg.extend_from_slice(lua_error_text(&e).as_bytes());
                msg
            })?;
        let func = self
            .lua
            .create_registry_value(func)
            .map_err(|e| format!("ERR {e}").into_bytes())?;
        self.scripts_bytes += body.len();
        Ok(self.scripts.entry(sha).or_insert(Script { func, flags }))
    }

    /// Memory the Lua state uses (INFO used_memory_lua).
    pub fn used_memory(&self) -> usize {
        self.lua.used_memory()
    }
}

/// The script's client: no socket, authenticated, shown as `lua`.
fn script_client() -> Client {
    let mut c = Client::new(
        0,
        Stream::None,
        ([0, 0, 0, 0], 0).into(),
        ([0, 0, 0, 0], 0).into(),
        -1,
        0,
    );
    c.authenticated = true;
    c.script = true;
    c
}

/// An error a `redis.*` function raises: the `err` text of the table
/// Redis would raise (`luaPushError` + `luaError`). The sandbox's error
/// handler and `pcall` turn it into that table (`rust.unwrap`).
/// `counted`: the error was already counted in the error statistics
/// where it arose (Redis's `ignore_error_stats_update`).
#[derive(Debug)]
struct ErrorTable(Vec<u8>, bool);

impl std::fmt::Display for ErrorTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl std::error::Error for ErrorTable {}

/// Raises `msg` as Redis's `luaPushError(msg)` + `luaError` do.
fn raise(msg: &[u8]) -> mlua::Error {
    mlua::Error::external(ErrorTable(convert::error_text(msg), false))
}

/// A function whose errors are raised as Redis's error tables.
fn fallible<F>(lua: &Lua, f: F) -> mlua::Result<Function>
where
    F: Fn(&Lua, MultiValue) -> Result<Value, String> + 'static,
{
    lua.create_function(move |lua, args: MultiValue| f(lua, args).map_err(|msg| raise(msg.as_bytes())))
}

/// `rust.unwrap(err)`: what a Lua error raised from Rust stands for, as
/// Lua code should see it: Redis's error table, or the message.
fn unwrap_error(lua: &Lua, v: Value) -> mlua::Result<Value> {
    let Value::Error(e) = v else {
        return Ok(v);
    };
    let mut e: &mlua::Error = &e;
    while let mlua::Error::CallbackError { cause, .. } = e {
        e = cause;
    }
    if let mlua::Error::ExternalError(inner) = e
        && let Some(ErrorTable(text, counted)) = inner.downcast_ref::<ErrorTable>()
    {
        let t = lua.create_table_with_capacity(0, 2)?;
        t.raw_set("err", lua.create_string(text)?)?;
        if *counted {
            t.raw_set(convert::COUNTED, true)?;
        }
        return Ok(Value::Table(t));
    }
    Ok(Value::String(lua.create_string(lua_error_text(e))?))
}

/// The functions written in Rust that the sandbox installs: `random`,
/// `randomseed` and `position` for itself, and `redis.*` ones that may
/// fail (`sha1hex`, `setresp`, `set_repl`, `log`, `acl_check_cmd`).
fn rust_functions(lua: &Lua, shared: &Rc<Shared>) -> mlua::Result<Table> {
    let rust = lua.create_table()?;
    let random = Rc::new(Cell::new(rand48::INITIAL));
    let r = random.clone();
    rust.raw_set(
        "random",
        positioned(lua, move |_, args| rand48::random(&r, args).map(Value::Number))?,
    )?;
    rust.raw_set(
        "randomseed",
        positioned(lua, move |_, args| match arg_number(args.front()) {
            Some(seed) => {
                random.set(rand48::seed(seed as i32));
                Ok(Value::Nil)
            }
            None => Err("bad argument #1 to 'randomseed' (number expected, got no value)".into()),
        })?,
    )?;
    rust.raw_set("position", lua.create_function(|lua, ()| Ok(script_position(lua)))?)?;
    rust.raw_set("unwrap", lua.create_function(unwrap_error)?)?;
    let s = shared.clone();
    rust.raw_set("killed", lua.create_function(move |_, ()| Ok(s.killed.get()))?)?;
    // The busy hook follows the running thread (see `busy_hook`).
    let s = shared.clone();
    rust.raw_set(
        "hook_here",
        lua.create_function(move |lua, co: Option<mlua::Thread>| {
            let thread = co.unwrap_or_else(|| lua.current_thread());
            thread.set_hook(
                HookTriggers::new().every_nth_instruction(HOOK_INSTRUCTIONS),
                busy_hook(s.clone()),
            );
            Ok(())
        })?,
    )?;
    rust.raw_set(
        "sha1hex",
        fallible(lua, |lua, args| {
            if args.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            let bytes = arg_text(&args[0]).unwrap_or_default();
            lua.create_string(sha1::hex(&Sha1::digest(&bytes)))
                .map(Value::String)
                .map_err(|e| e.to_string())
        })?,
    )?;
    let s = shared.clone();
    rust.raw_set(
        "setresp",
        fallible(lua, move |_, args| {
            if args.len() != 1 {
                return Err("redis.setresp() requires one argument.".into());
            }
            match arg_number(args.front()) {
                Some(v) if v as i64 == 2 || v as i64 == 3 => {
                    s.resp3.set(v as i64 == 3);
                    Ok(Value::Nil)
                }
                _ => Err("RESP version must be 2 or 3.".into()),
            }
        })?,
    )?;
    let s = shared.clone();
    rust.raw_set(
        "set_repl",
        fallible(lua, move |_, args| {
            if args.len() != 1 {
                return Err("redis.set_repl() requires two arguments.".into());
            }
            let flags = arg_number(args.front()).unwrap_or(0.0) as i64;
            if flags & !(REPL_ALL as i64) != 0 {
                return Err("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.".into());
            }
            s.repl.set(flags as u8);
            Ok(Value::Nil)
        })?,
    )?;
    rust.raw_set(
        "log",
        fallible(lua, |_, args| {
            if args.len() < 2 {
                return Err("redis.log() requires two arguments or more.".into());
            }
            let Some(level) = arg_number(args.front()) else {
                return Err("First argument must be a number (log level).".into());
            };
            let level = level as i64;
            if !(0..=3).contains(&level) {
                return Err("Invalid debug level.".into());
            }
            let mut text = Vec::new();
            for (i, v) in args.iter().skip(1).enumerate() {
                if i > 0 {
                    text.push(b' ');
                }
                text.extend_from_slice(&arg_text(v).unwrap_or_default());
            }
            let text = String::from_utf8_lossy(&text);
            match level {
                0 => log::debug!("{text}"),
                1 | 2 => log::info!("{text}"),
                _ => log::warn!("{text}"),
            }
            Ok(Value::Nil)
        })?,
    )?;
    rust.raw_set(
        "acl_check_cmd",
        fallible(lua, |_, args| {
            if args.is_empty() {
                return Err("Please specify at least one argument for this redis lib call".into());
            }
            let mut argv = Vec::with_capacity(args.len());
            for v in args.iter() {
                match v {
                    Value::Number(n) => {
                        let mut t = Vec::new();
                        crate::util::number::write_g(&mut t, *n, 17);
                        argv.push(t);
                    }
                    other => match arg_text(other) {
                        Some(t) => argv.push(t),
                        None => return Err("Lua redis lib command arguments must be strings or integers".into()),
                    },
                }
            }
            let table = crate::command::table::get();
            // Redis's `lookupCommand`: the command (and subcommand) must
            // exist; arity is not checked.
            let known = table.lookup(&argv[0]).is_some_and(|idx| {
                table.def(idx).subcommands.is_empty() || argv.len() < 2 || table.lookup_sub(idx, &argv[1]).is_some()
            });
            if known {
                Ok(Value::Boolean(true))
            } else {
                Err("Invalid command passed to redis.acl_check_cmd()".into())
            }
        })?,
    )?;
    Ok(rust)
}

/// The `redis` table: its functions and constants (`call` and `pcall`
/// are set for each run).
fn redis_table(lua: &Lua, rust: &Table) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    for name in ["sha1hex", "setresp", "set_repl", "log", "acl_check_cmd"] {
        redis.raw_set(name, rust.raw_get::<Function>(name)?)?;
    }
    let field_table = |field: &'static str| {
        lua.create_function(move |lua, args: MultiValue| {
            let t = lua.create_table()?;
            match (args.len(), args.front()) {
                (1, Some(Value::String(s))) => {
                    let text = if field == "err" {
                        convert::error_table_text(&s.as_bytes())
                    } else {
                        s.as_bytes().to_vec()
                    };
                    t.raw_set(field, lua.create_string(text)?)?;
                }
                _ => t.raw_set("err", "ERR wrong number or type of arguments")?,
            }
            Ok(t)
        })
    };
    redis.raw_set("error_reply", field_table("err")?)?;
    redis.raw_set("status_reply", field_table("ok")?)?;
    redis.raw_set("replicate_commands", lua.create_function(|_, _: MultiValue| Ok(true))?)?;
    redis.raw_set("breakpoint", lua.create_function(|_, _: MultiValue| Ok(false))?)?;
    redis.raw_set("debug", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
    for (name, value) in [
        ("LOG_DEBUG", 0),
        ("LOG_VERBOSE", 1),
        ("LOG_NOTICE", 2),
        ("LOG_WARNING", 3),
    ] {
        redis.raw_set(name, value)?;
    }
    for (name, value) in [
        ("REPL_NONE", 0),
        ("REPL_AOF", REPL_AOF),
        ("REPL_SLAVE", REPL_REPLICA),
        ("REPL_REPLICA", REPL_REPLICA),
        ("REPL_ALL", REPL_ALL),
    ] {
        redis.raw_set(name, value)?;
    }
    redis.raw_set("REDIS_VERSION", crate::REDIS_VERSION)?;
    redis.raw_set("REDIS_VERSION_NUM", 0x0007_000f)?;
    Ok(redis)
}

/// The source and line of the innermost frame of script code: the
/// position an error is reported at (C functions, tail calls and the
/// sandbox's own chunk are skipped).
fn script_position(lua: &Lua) -> (Option<String>, Option<i64>) {
    let mut level = 0;
    while let Some(frame) = lua.inspect_stack(level) {
        let source = frame.source();
        if !matches!(source.what, "C" | "tail") && source.source.as_deref() != Some("=loopkv") {
            return (source.source.map(|s| s.into_owned()), Some(frame.curr_line() as i64));
        }
        level += 1;
    }
    (None, None)
}

/// The message of a Lua error as Lua would print it.
fn lua_error_text(e: &mlua::Error) -> String {
    match e {
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::CallbackError { cause, .. } => lua_error_text(cause),
        other => other.to_string(),
    }
}

/// Splits the `#!lua flags=...` line off `body`: the flags and the code to
/// compile (the shebang line is left out, its newline kept so line numbers
/// do not move). Errors are Redis's.
fn shebang(body: &[u8]) -> Result<(u32, &[u8]), Vec<u8>> {
    if !body.starts_with(b"#!") {
        return Ok((script_flags::EVAL_COMPAT, body));
    }
    let err = |text: &[u8]| {
        let mut msg = b"ERR ".to_vec();
        msg.extend_from_slice(text);
        msg
    };
    let Some(end) = memchr::memchr(b'\n', body) else {
        return Err(err(b"Invalid script shebang"));
    };
    let parts = crate::util::splitargs::split_args(&body[..end]).unwrap_or_default();
    let Some(engine) = parts.first() else {
        return Err(err(b"Invalid engine in script shebang"));
    };
    if engine != b"#!lua" {
        return Err(err(
            &[b"Unexpected engine in script shebang: ".as_slice(), engine].concat()
        ));
    }
    let mut flags = 0;
    for part in &parts[1..] {
        let Some(list) = part.strip_prefix(b"flags=") else {
            return Err(err(&[b"Unknown lua shebang option: ".as_slice(), part].concat()));
        };
        if list.is_empty() {
            continue;
        }
        for name in list.split(|&b| b == b',') {
            match script_flags::NAMES.iter().find(|(n, _)| n.as_bytes() == name) {
                Some((_, f)) => flags |= f,
                None => return Err(err(&[b"Unexpected flag in script shebang: ".as_slice(), name].concat())),
            }
        }
    }
    Ok((flags, &body[end..]))
}

/// The SHA-1 of `body` in lower-case hex.
fn sha_of(body: &[u8]) -> [u8; 40] {
    let mut out = [0u8; 40];
    out.copy_from_slice(sha1::hex(&Sha1::digest(body)).as_bytes());
    out
}

// ---- EVAL ------------------------------------------------------------------------------------

/// What a run calls, by its registry slot (`RegistryKey::id`): a script
/// compiled from EVAL's body (KEYS and ARGV are globals) or a library's
/// function (they are its arguments).
enum Target {
    Eval(std::ffi::c_int),
    Fcall(std::ffi::c_int),
}

/// Redis's `scriptPrepareForRun` checks for a script that declared its
/// flags (a shebang, or any function): writes refused while persistence
/// fails or from a `*_RO` command, and past `maxmemory` unless the script
/// is `allow-oom` or `no-writes`.
fn prepare(ctx: &mut Ctx, flags: u32, read_only: bool) -> Result<(), Vec<u8>> {
    if flags & script_flags::EVAL_COMPAT != 0 {
        return Ok(());
    }
    if flags & script_flags::ALLOW_STALE == 0 && crate::repl::serving_stale_refused(ctx.st) {
        return Err(b"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.".to_vec());
    }
    if flags & script_flags::NO_WRITES == 0 {
        if ctx.st.rdb.last_bgsave_failed && crate::persist::control::writes_refused(ctx.st) {
            return Err(b"MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.".to_vec());
        }
        if let Some(reason) = ctx.st.aof.error() {
            return Err(format!("MISCONF Redis is configured to persist data to AOF, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts. AOF error: {reason}").into_bytes());
        }
        if read_only {
            return Err(b"ERR Can not execute a script with write flag using *_ro command.".to_vec());
        }
        if crate::repl::too_few_replicas(ctx.st, ctx.clients) {
            return Err(b"NOREPLICAS Not enough good replicas to write.".to_vec());
        }
    }
    if ctx.st.config.maxmemory > 0
        && flags & (script_flags::ALLOW_OOM | script_flags::NO_WRITES) == 0
        && ctx.st.evictor.oom_at_command_start
    {
        return Err(
            b"OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'".to_vec(),
        );
    }
    Ok(())
}

/// How a script is named: by its body (EVAL) or its SHA-1 (EVALSHA).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum By {
    Body,
    Sha,
}

/// `numkeys` as a count of `args[3..]`, or None after replying Redis's
/// error (EVAL's and FCALL's checks).
fn check_numkeys(ctx: &mut Ctx, args: &Args, numkeys: i64) -> Option<usize> {
    if numkeys > (args.len() - 3) as i64 {
        ctx.reply
            .error(b"ERR Number of keys can't be greater than number of args");
        return None;
    }
    if numkeys < 0 {
        ctx.reply.error(b"ERR Number of keys can't be negative");
        return None;
    }
    Some(numkeys as usize)
}

/// EVAL, EVALSHA, EVAL_RO and EVALSHA_RO: `args` is
/// `name script numkeys key... arg...`.
pub fn eval_generic(ctx: &mut Ctx, args: &Args, by: By, read_only: bool) {
    command::monitor::feed_now(ctx, args);
    if by == By::Sha && args.get(1).len() != 40 {
        ctx.reply.error(b"NOSCRIPT No matching script. Please use EVAL.");
        return;
    }
    let Some(numkeys) = command::arg_i64(ctx.reply, args.get(2)) else {
        return;
    };
    let Some(numkeys) = check_numkeys(ctx, args, numkeys) else {
        return;
    };
    with_engine(|engine| engine.eval(ctx, args, by, read_only, numkeys));
    // The commands the script ran were propagated; EVAL itself is not.
    ctx.prevent_propagation();
}

impl Engine {
    fn eval(&mut self, ctx: &mut Ctx, args: &Args, by: By, read_only: bool, numkeys: usize) {
        let sha = match by {
            By::Body => sha_of(args.get(1)),
            By::Sha => {
                let given = args.get(1);
                let mut sha = [0u8; 40];
                if given.len() == 40 {
                    sha.copy_from_slice(given);
                    sha.make_ascii_lowercase();
                }
                sha
            }
        };
        if !self.scripts.contains_key(&sha) {
            if by == By::Sha {
                ctx.reply.error(b"NOSCRIPT No matching script. Please use EVAL.");
                return;
            }
            if let Err(msg) = self.compile(sha, args.get(1)) {
                ctx.reply.error(&msg);
                return;
            }
        }
        let script = &self.scripts[&sha];
        let (flags, func) = (script.flags, script.func.id());
        if let Err(msg) = prepare(ctx, flags, read_only) {
            ctx.reply.error(&msg);
            return;
        }
        if let Err(msg) = self.run(ctx, Target::Eval(func), flags, &sha, args, numkeys, read_only) {
            ctx.reply.error(&msg);
        }
    }

    /// Runs a compiled script for the client of `ctx` and replies its
    /// result; `Err` is an error to reply instead.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        ctx: &mut Ctx,
        target: Target,
        flags: u32,
        name: &[u8],
        args: &Args,
        numkeys: usize,
        read_only: bool,
    ) -> Result<(), Vec<u8>> {
        let lua_err = |e: mlua::Error| format!("ERR {}", lua_error_text(&e)).into_bytes();
        let (func, fcall) = match target {
            Target::Eval(func) => (func, false),
            Target::Fcall(func) => (func, true),
        };
        self.shared.resp3.set(false);
        self.shared.repl.set(REPL_ALL);
        let started = Instant::now();
        self.shared.started.set(Some(started));
        self.shared.threshold_ms.set(ctx.st.config.busy_reply_threshold);
        self.shared.killed.set(false);
        ctx.st.script = Some(ScriptRun {
            eval: !fcall,
            started,
            timed_out: false,
            killed: false,
            wrote: false,
            name: Vec::new(),
            argv: Vec::new(),
        });

        let oom_at_start = ctx.st.config.maxmemory > 0 && ctx.st.evictor.oom_at_command_start;
        let mut client = self.client.take().expect("the script client");
        client.db = ctx.db;
        client.reply.set_resp3(false);
        let token = ctx.clients.insert(client);
        let db = ctx.db;
        let call = RefCell::new(Call {
            ctx: &mut *ctx,
            token,
            db,
            read_only: read_only || flags & script_flags::NO_WRITES != 0,
            shared: &self.shared,
            frame: &mut self.frame,
            spans: &mut self.spans,
            name,
            args,
            flags,
            oom_at_start,
            numkeys,
            tracked: false,
        });
        self.shared.run.set(&call as *const RefCell<Call> as *const ());
        /// Clears the pointer however the call ends (an unwinding panic too).
        struct Clear<'s>(&'s Shared);
        impl Drop for Clear<'_> {
            fn drop(&mut self) {
                self.0.run.set(std::ptr::null());
            }
        }
        let clear = Clear(&self.shared);
        let outcome = fastcall::run_script(
            &self.lua,
            &self.runner,
            func,
            fcall,
            numkeys,
            args,
            &mut self.arg_tables,
        );
        drop(clear);
        if let Some(panic) = self.shared.panic.take() {
            std::panic::resume_unwind(panic);
        }
        // A step of garbage collection every 50 runs, as Redis, so each
        // run's KEYS, ARGV and replies do not pile up between the
        // collector's own steps. Redis steps 50 KB each time; here the
        // step is what the runs allocated since the last one, which keeps
        // up with them at a fifth of the work for a small script.
        self.runs += 1;
        if self.runs >= GC_PERIOD {
            self.runs = 0;
            let grown = self.lua.used_memory().saturating_sub(self.gc_mark);
            let _ = self.lua.gc_step_kbytes((grown / 1024).max(1) as i32);
            self.gc_mark = self.lua.used_memory();
        }
        self.shared.started.set(None);
        if let Some(run) = ctx.st.script.take()
            && run.timed_out
        {
            log::warn!(
                "Slow script finished: ran for {} milliseconds",
                run.started.elapsed().as_millis()
            );
        }
        self.client = Some(ctx.clients.remove(token));
        let (ok, value) = outcome.map_err(lua_err)?;
        if ok {
            let resp3 = self.shared.resp3.get();
            convert::lua_to_reply(value, ctx.reply, resp3);
        } else {
            let (msg, counted) = convert::script_error(&value, name);
            if counted {
                ctx.reply.error_uncounted(&msg);
            } else {
                ctx.reply.error(&msg);
            }
        }
        Ok(())
    }
}

/// Why a script's command was refused (`-CODE ...` or a message to
/// prefix with ERR), and the command's index if it is known.
type Refusal = (&'static [u8], Option<usize>);

/// What `redis.call` needs while one script runs.
struct Call<'a, 'b> {
    ctx: &'a mut Ctx<'b>,
    /// The script client's place in the client table.
    token: usize,
    /// The script's selected database (SELECT in a script changes only it).
    db: usize,
    read_only: bool,
    shared: &'a Shared,
    frame: &'a mut Vec<u8>,
    spans: &'a mut Vec<Range<usize>>,
    /// The script's SHA or the function's name, and the command running it.
    name: &'a [u8],
    args: &'a Args<'a>,
    /// The script's flags, and whether memory was over `maxmemory` when
    /// it started (Redis's `pre_command_oom_state`).
    flags: u32,
    oom_at_start: bool,
    /// How many of `args[3..]` are keys, and whether they were already
    /// remembered for the caller's client-side caching.
    numkeys: usize,
    tracked: bool,
}

impl Call<'_, '_> {
    /// Called by the hook once the script has run past
    /// `busy-reply-threshold`: serves the other clients. True if the
    /// script must stop (killed, or the server is shutting down).
    fn busy(&mut self) -> bool {
        let ctx = &mut *self.ctx;
        let Some(run) = ctx.st.script.as_mut() else {
            return false;
        };
        if !run.timed_out {
            run.timed_out = true;
            run.name = self.name.to_vec();
            run.argv = self.args.iter().map(<[u8]>::to_vec).collect();
            log::warn!(
                "Slow script detected: still in execution after {} milliseconds. You can try killing the script using the {} command. Script name is: {}.",
                run.started.elapsed().as_millis(),
                if run.eval { "SCRIPT KILL" } else { "FUNCTION KILL" },
                String::from_utf8_lossy(self.name)
            );
        }
        crate::server::busy::serve(ctx.st, ctx.clients, &[ctx.me, self.token]);
        let killed = ctx.st.script.as_ref().is_some_and(|r| r.killed);
        if killed {
            log::warn!("Lua script killed by user with SCRIPT KILL.");
        }
        // SHUTDOWN NOSAVE, or SIGTERM/SIGINT: the script must end first.
        let signalled = ctx.st.signal.load(std::sync::atomic::Ordering::Relaxed) != 0;
        let cap = ctx.st.script_time_cap_ms;
        let capped = cap > 0
            && ctx
                .st
                .script
                .as_ref()
                .is_some_and(|r| r.started.elapsed().as_millis() as u64 > cap);
        killed || capped || ctx.st.shutdown_requested || signalled
    }

    /// `redis.call` (`raise`: an error reply is raised) and `redis.pcall`
    /// (it is returned as `{err=...}`).
    /// Runs the command laid out in the frame (see [`Call::build_argv`])
    /// as the script's client: its reply (in RESP, left in the script
    /// client's buffer until the next command), or a refusal's error
    /// (`-CODE ...` or a message to prefix with ERR) and whether it was
    /// counted in the error statistics.
    fn run_command(&mut self) -> Result<&[u8], (&'static [u8], bool)> {
        let idx = match self.check_command() {
            Ok((idx, command_flags)) => {
                if command_flags & flags::WRITE != 0
                    && let Some(run) = self.ctx.st.script.as_mut()
                {
                    run.wrote = true;
                }
                if command_flags & flags::READONLY != 0 && !self.tracked {
                    self.tracked = true;
                    let ctx = &mut *self.ctx;
                    let keys = self.args.iter().skip(3).take(self.numkeys);
                    command::tracking::remember_keys(ctx.st, ctx.clients, ctx.me, keys);
                }
                idx
            }
            Err((msg, idx)) => {
                // Counted now, as Redis's `scriptCall` does on refusal.
                let text = convert::error_text(msg);
                let code_end = memchr::memchr(b' ', &text).unwrap_or(text.len());
                let st = &mut *self.ctx.st;
                st.count_error(text[..code_end].into());
                if let Some(idx) = idx {
                    st.cmdstats[idx].rejected += 1;
                }
                return Err((msg, true));
            }
        };
        let ctx = &mut *self.ctx;
        let mut reply = std::mem::take(&mut ctx.clients[self.token].reply);
        // The previous command's reply was read by now.
        reply.truncate(0);
        reply.advance(reply.pending());
        reply.set_resp3(self.shared.resp3.get());
        let repl = self.shared.repl.get();
        let recorded = ctx.st.prop.recorded();
        let mut inner = Ctx {
            st: &mut *ctx.st,
            clients: &mut *ctx.clients,
            me: self.token,
            reply: &mut reply,
            now: ctx.now,
            db: self.db,
        };
        command::execute_resolved(&mut inner, &Args::new(self.frame, self.spans), idx, Instant::now());
        self.db = inner.db;
        if repl != REPL_ALL {
            let mut targets = 0;
            if repl & REPL_AOF != 0 {
                targets |= crate::server::propagate::TO_AOF;
            }
            if repl & REPL_REPLICA != 0 {
                targets |= crate::server::propagate::TO_REPLICAS;
            }
            ctx.st.prop.restrict_since(recorded, targets);
        }
        let client = &mut ctx.clients[self.token];
        client.reply = reply;
        Ok(client.reply.unsent())
    }

    /// Lays the arguments out as a frame: strings as they are, numbers as
    /// `%.17g`, as Redis's `luaArgsToRedisArgv`.
    fn build_argv<'a>(&mut self, args: impl Iterator<Item = fastcall::Arg<'a>>) -> Result<(), &'static [u8]> {
        self.frame.clear();
        self.spans.clear();
        for arg in args {
            let start = self.frame.len();
            match arg {
                fastcall::Arg::Bytes(s) => self.frame.extend_from_slice(s),
                fastcall::Arg::Number(n) => crate::util::number::write_g(self.frame, n, 17),
                fastcall::Arg::Other => return Err(b"Lua redis lib command arguments must be strings or integers"),
            }
            self.spans.push(start..self.frame.len());
        }
        if self.spans.is_empty() {
            return Err(b"Please specify at least one argument for this redis lib call");
        }
        Ok(())
    }

    /// Redis's `scriptCall` checks before a script's command runs (the
    /// state checks are `scriptVerifyWriteCommandAllow` and
    /// `scriptVerifyOOM`): the command's index and flags, or the error
    /// (`-CODE ...` or a message to prefix with ERR) and the command's
    /// index if known.
    fn check_command(&mut self) -> Result<(usize, u32), Refusal> {
        let args = Args::new(self.frame, self.spans);
        let st = &*self.ctx.st;
        let table = st.commands;
        let Some(mut idx) = table.lookup(args.get(0)) else {
            return Err((b"Unknown Redis command called from script", None));
        };
        if !table.def(idx).subcommands.is_empty() && args.len() >= 2 {
            match table.lookup_sub(idx, args.get(1)) {
                Some(sub) => idx = sub,
                None => return Err((b"Unknown Redis command called from script", None)),
            }
        }
        let def = table.def(idx);
        let n = args.len() as i32;
        if (def.arity > 0 && n != def.arity) || n < -def.arity {
            return Err((b"Wrong number of args calling Redis command from script", Some(idx)));
        }
        // DEBUG SET-DISABLE-DENY-SCRIPTS lets scripts run `noscript`
        // commands, but never the scripting ones (a script in a script).
        if def.flags & flags::NOSCRIPT != 0 && (!st.scripts_may_run_any || def.group == "scripting") {
            return Err((b"This Redis command is not allowed from script", Some(idx)));
        }
        if def.flags & (flags::WRITE | flags::MAY_REPLICATE) != 0 && self.read_only {
            return Err((b"Write commands are not allowed from read-only scripts.", Some(idx)));
        }
        // The master's scripts, and those the AOF replays, are obeyed
        // (Redis's `mustObeyClient`).
        let obeyed = st.replaying || self.ctx.clients.get(self.ctx.me).is_some_and(|c| c.master_link);
        if def.flags & flags::STALE == 0 && crate::repl::serving_stale_refused(st) {
            return Err((b"Can not execute the command on a stale replica", Some(idx)));
        }
        let wrote = st.script.as_ref().is_some_and(|r| r.wrote);
        if def.flags & flags::WRITE != 0
            && st.repl.is_replica()
            && !obeyed
            && st.config.value("replica-read-only") == b"yes"
        {
            return Err((b"-READONLY You can't write against a read only replica.", Some(idx)));
        }
        if def.flags & flags::WRITE != 0 && !wrote {
            // Before its first write a script can still be refused as a
            // client's write would be.
            if st.rdb.last_bgsave_failed && crate::persist::control::writes_refused(st) {
                return Err((command::MISCONF_DASH, Some(idx)));
            }
            if st.aof.error().is_some() {
                return Err((b"-MISCONF Errors writing to the AOF file", Some(idx)));
            }
            if crate::repl::too_few_replicas(st, self.ctx.clients) {
                return Err((b"-NOREPLICAS Not enough good replicas to write.", Some(idx)));
            }
        }
        if self.oom_at_start && !wrote && self.flags & script_flags::ALLOW_OOM == 0 && def.flags & flags::DENYOOM != 0 {
            return Err((b"-OOM command not allowed when used memory > 'maxmemory'.", Some(idx)));
        }
        Ok((idx, def.flags))
    }
}

// ---- command flags ------------------------------------------------------------------------

/// The flags EVAL, EVALSHA and FCALL (and their `_RO` forms) run with,
/// from the script they name (Redis's `evalGetCommandFlags` and
/// `scriptFlagsToCmdFlags`): a script that declared its flags is a write
/// (and DENYOOM unless `allow-oom`) only without `no-writes`. What CLIENT
/// PAUSE and MULTI look at.
pub fn command_flags(args: &Args, cmd_flags: u32) -> u32 {
    if args.len() < 2 {
        return cmd_flags;
    }
    let name = args.get(0);
    let script = if name.eq_ignore_ascii_case(b"fcall") || name.eq_ignore_ascii_case(b"fcall_ro") {
        function::flags_of(args.get(1))
    } else if name.eq_ignore_ascii_case(b"eval") || name.eq_ignore_ascii_case(b"eval_ro") {
        shebang(args.get(1)).ok().map(|(f, _)| f)
    } else if name.eq_ignore_ascii_case(b"evalsha") || name.eq_ignore_ascii_case(b"evalsha_ro") {
        let sha = args.get(1);
        let mut key = [0u8; 40];
        (sha.len() == 40)
            .then(|| {
                key.copy_from_slice(sha);
                key.make_ascii_lowercase();
                ENGINE.with(|slot| {
                    slot.try_borrow()
                        .ok()
                        .and_then(|e| e.as_ref().and_then(|e| e.scripts.get(&key).map(|s| s.flags)))
                })
            })
            .flatten()
    } else {
        None
    };
    let Some(script) = script.filter(|f| f & script_flags::EVAL_COMPAT == 0) else {
        return cmd_flags;
    };
    let mut out = cmd_flags & !(flags::STALE | flags::DENYOOM | flags::WRITE | flags::MAY_REPLICATE);
    if script & (script_flags::ALLOW_OOM | script_flags::NO_WRITES) == 0 {
        out |= flags::DENYOOM;
    }
    if script & script_flags::NO_WRITES == 0 {
        out |= flags::WRITE;
    }
    if script & script_flags::ALLOW_STALE != 0 {
        out |= flags::STALE;
    }
    out
}

// ---- SCRIPT ----------------------------------------------------------------------------------

/// SCRIPT LOAD: compiles and caches `body`; its SHA-1 or the error.
pub fn load(body: &[u8]) -> Result<[u8; 40], Vec<u8>> {
    let sha = sha_of(body);
    with_engine(|engine| {
        if !engine.scripts.contains_key(&sha) {
            engine.compile(sha, body)?;
        }
        Ok(sha)
    })
}

/// SCRIPT EXISTS: whether a script is cached under `sha`.
pub fn exists(sha: &[u8]) -> bool {
    if sha.len() != 40 {
        return false;
    }
    let mut key = [0u8; 40];
    key.copy_from_slice(sha);
    key.make_ascii_lowercase();
    with_engine(|engine| engine.scripts.contains_key(&key))
}

/// SCRIPT FLUSH: a new Lua state, with no scripts.
pub fn flush() {
    let engine = Engine::new(false).expect("the Lua state could not be created");
    let old = ENGINE.with_borrow_mut(|e| e.replace(engine));
    drop(old);
}

/// INFO's scripting figures: Lua's memory, cached scripts, their bytes.
/// While a script runs (INFO called from it) the state is in use: zeros.
pub fn info() -> (usize, usize, usize) {
    ENGINE.with(|slot| match slot.try_borrow() {
        Ok(e) => e.as_ref().map_or((0, 0, 0), |e| {
            (e.used_memory(), e.scripts.len(), e.scripts_bytes + e.scripts.len() * 64)
        }),
        Err(_) => (0, 0, 0),
    })
}
