//! Functions (Redis 7.0): libraries of Lua functions loaded with FUNCTION
//! LOAD and called with FCALL. This module owns the libraries, the index
//! of their functions, and the Lua state they live in, which is a second
//! one, separate from EVAL's, with the same sandbox; while a library's code
//! runs to register its functions, its globals hold only a restricted
//! `redis` (`register_function`, `log`, the version), and that run is
//! stopped after 500 ms. The FUNCTION DUMP payload is Redis's: one
//! FUNCTION2 opcode and the code per library, the RDB version, a CRC-64.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hashbrown::HashMap;
use mlua::{ChunkMode, Function, HookTriggers, Lua, MultiValue, RegistryKey, Value, VmState};

use super::{Engine, Target, arg_text, check_numkeys, lua_error_text, prepare, raise, script_flags};
use crate::command::{self, Args, Ctx};
use crate::persist::rdb::{CRC64, OPCODE_FUNCTION2, RDB_VERSION};

/// How long FUNCTION LOAD lets a library's code run.
const LOAD_TIMEOUT: Duration = Duration::from_millis(500);

thread_local! {
    static FUNCTIONS: RefCell<Option<Functions>> = const { RefCell::new(None) };
    /// Each library's code and the library and function counts, kept
    /// beside the libraries so they can be read while a function runs
    /// (a FLUSHALL inside FCALL saves an RDB; INFO inside FCALL).
    static SUMMARY: RefCell<Summary> = const { RefCell::new((Vec::new(), 0, 0)) };
}

/// Each library's code, the number of libraries, the number of functions.
type Summary = (Vec<Box<[u8]>>, usize, usize);

/// Refreshes `SUMMARY` after the libraries changed.
fn summarize(f: &Functions) {
    SUMMARY.with_borrow_mut(|s| {
        *s = (
            f.libraries.values().map(|l| l.code.clone()).collect(),
            f.libraries.len(),
            f.index.len(),
        )
    });
}

/// Runs `f` with this thread's libraries, making the state if needed.
fn with<R>(f: impl FnOnce(&mut Functions) -> R) -> R {
    FUNCTIONS.with_borrow_mut(|slot| f(slot.get_or_insert_with(Functions::new)))
}

/// Makes a fresh, empty set of libraries for the server about to run on
/// this thread.
pub fn install() {
    FUNCTIONS.with_borrow_mut(|slot| *slot = Some(Functions::new()));
    SUMMARY.with_borrow_mut(|s| *s = (Vec::new(), 0, 0));
}

/// One registered function.
struct Func {
    description: Option<Vec<u8>>,
    flags: u32,
    /// In the registry: a value held from Rust takes one of the Lua
    /// state's 8000 reference slots, and a server may hold more functions.
    callback: RegistryKey,
}

/// A library: its name, its whole code (metadata line included, as
/// FUNCTION LIST WITHCODE and DUMP give it) and its functions by name.
struct Library {
    code: Box<[u8]>,
    functions: BTreeMap<Vec<u8>, Func>,
}

pub struct Functions {
    engine: Engine,
    libraries: BTreeMap<Vec<u8>, Library>,
    /// Function name in lower case (FCALL's lookup ignores case, as
    /// Redis's dictionary of functions does) -> the library that has it.
    index: HashMap<Vec<u8>, Vec<u8>>,
}

impl Functions {
    fn new() -> Functions {
        Functions {
            engine: Engine::new(true).expect("the Lua state could not be created"),
            libraries: BTreeMap::new(),
            index: HashMap::new(),
        }
    }
}

fn err(text: &str) -> Vec<u8> {
    format!("ERR {text}").into_bytes()
}

/// A library or function name: letters, digits and `_`, at least one.
fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

const BAD_NAME: &str =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/// The `#!lua name=<name>` line of a library: its name, and where the
/// code after that line starts (Redis's `functionExtractLibMetaData`).
fn metadata(code: &[u8]) -> Result<(Vec<u8>, usize), Vec<u8>> {
    if !code.starts_with(b"#!") {
        return Err(err("Missing library metadata"));
    }
    let Some(end) = memchr::memchr(b'\n', code) else {
        return Err(err("Invalid library metadata"));
    };
    let parts = crate::util::splitargs::split_args(&code[..end]).unwrap_or_default();
    let Some(first) = parts.first() else {
        return Err(err("Invalid library metadata"));
    };
    let mut name = None;
    for part in &parts[1..] {
        if part.len() >= 5 && part[..5].eq_ignore_ascii_case(b"name=") {
            if name.is_some() {
                return Err(err("Invalid metadata value, name argument was given multiple times"));
            }
            name = Some(part[5..].to_vec());
            continue;
        }
        return Err(err(&format!(
            "Invalid metadata value given: {}",
            String::from_utf8_lossy(part)
        )));
    }
    let Some(name) = name else {
        return Err(err("Library name was not given"));
    };
    if !valid_name(&name) {
        return Err(err(BAD_NAME));
    }
    let engine = &first[2..];
    if !engine.eq_ignore_ascii_case(b"lua") {
        return Err(err(&format!("Engine '{}' not found", String::from_utf8_lossy(engine))));
    }
    Ok((name, end))
}

/// Reads `redis.register_function`'s arguments: `(name, callback)` or
/// `{function_name=, callback=, description=, flags={...}}`.
fn read_registration(lua: &Lua, args: MultiValue) -> Result<(Vec<u8>, Func), &'static str> {
    let keep = |f: Function| lua.create_registry_value(f).map_err(|_| "Out of memory");
    let text = arg_text;
    match args.len() {
        2 => {
            let name = text(&args[0]).ok_or("first argument to redis.register_function must be a string")?;
            let Value::Function(callback) = &args[1] else {
                return Err("second argument to redis.register_function must be a function");
            };
            Ok((
                name,
                Func {
                    description: None,
                    flags: 0,
                    callback: keep(callback.clone())?,
                },
            ))
        }
        1 => {
            let Value::Table(t) = &args[0] else {
                return Err(
                    "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
                );
            };
            let (mut name, mut description, mut callback, mut flags) = (None, None, None, 0);
            for pair in t.pairs::<Value, Value>() {
                let (k, v) = pair.map_err(|_| "unknown argument given to redis.register_function")?;
                let Some(key) = text(&k) else {
                    return Err("named argument key given to redis.register_function is not a string");
                };
                if key.eq_ignore_ascii_case(b"function_name") {
                    name = Some(
                        text(&v).ok_or("function_name argument given to redis.register_function must be a string")?,
                    );
                } else if key.eq_ignore_ascii_case(b"description") {
                    description =
                        Some(text(&v).ok_or("description argument given to redis.register_function must be a string")?);
                } else if key.eq_ignore_ascii_case(b"callback") {
                    let Value::Function(f) = v else {
                        return Err("callback argument given to redis.register_function must be a function");
                    };
                    callback = Some(f);
                } else if key.eq_ignore_ascii_case(b"flags") {
                    let Value::Table(list) = v else {
                        return Err(
                            "flags argument to redis.register_function must be a table representing function flags",
                        );
                    };
                    // Redis reads flags 1..n, names compared ignoring case.
                    for f in list.sequence_values::<Value>() {
                        let f = f.map_err(|_| "unknown flag given")?;
                        let f = text(&f).ok_or("unknown flag given")?;
                        let (_, bit) = script_flags::NAMES
                            .iter()
                            .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(&f))
                            .ok_or("unknown flag given")?;
                        flags |= bit;
                    }
                } else {
                    return Err("unknown argument given to redis.register_function");
                }
            }
            let name = name.ok_or("redis.register_function must get a function name argument")?;
            let callback = callback.ok_or("redis.register_function must get a callback argument")?;
            Ok((
                name,
                Func {
                    description,
                    flags,
                    callback: keep(callback)?,
                },
            ))
        }
        _ => Err("wrong number of arguments to redis.register_function"),
    }
}

impl Functions {
    /// Compiles `code` and runs it so it registers its functions (Redis's
    /// `functionsCreateWithLibraryCtx`); the library is not installed.
    /// The run is stopped after LOAD_TIMEOUT, also when the library comes
    /// from a file (where Redis has no limit): a damaged or hostile file
    /// cannot hang the server.
    fn compile(&self, code: &[u8], replace: bool) -> Result<(Vec<u8>, Library), Vec<u8>> {
        let (name, body_at) = metadata(code)?;
        if self.libraries.contains_key(&name) && !replace {
            return Err(err(&format!(
                "Library '{}' already exists",
                String::from_utf8_lossy(&name)
            )));
        }
        let engine = &self.engine;
        let lua = &engine.lua;
        let chunk = lua
            .load(&code[body_at..])
            .set_name("@user_function")
            .set_mode(ChunkMode::Text)
            .set_environment(engine.globals.clone())
            .into_function()
            .map_err(|e| err(&format!("Error compiling function: {}", lua_error_text(&e))))?;
        let registered: RefCell<BTreeMap<Vec<u8>, Func>> = RefCell::new(BTreeMap::new());
        let load_redis = engine.load_redis.as_ref().expect("the functions state");
        let set_loading = engine.set_loading.as_ref().expect("the functions state");
        let lua_failure = |e: mlua::Error| err(&format!("Error registering functions: {}", lua_error_text(&e)));
        set_loading.call::<()>(true).map_err(lua_failure)?;
        let start = Instant::now();
        lua.set_hook(HookTriggers::new().every_nth_instruction(100_000), move |_, _| {
            if start.elapsed() > LOAD_TIMEOUT {
                Err(raise(b"FUNCTION LOAD timeout"))
            } else {
                Ok(VmState::Continue)
            }
        });
        let outcome = lua.scope(|scope| {
            let register = scope.create_function(|lua, args: MultiValue| {
                let (fname, func) = read_registration(lua, args).map_err(|e| raise(e.as_bytes()))?;
                if !valid_name(&fname) {
                    return Err(raise(BAD_NAME.as_bytes()));
                }
                let mut registered = registered.borrow_mut();
                if registered.keys().any(|k| k.eq_ignore_ascii_case(&fname)) {
                    return Err(raise(b"Function already exists in the library"));
                }
                registered.insert(fname, func);
                Ok(())
            })?;
            load_redis.raw_set("register_function", register)?;
            engine.runner.call::<(bool, Value)>((chunk, false, Value::Nil))
        });
        lua.remove_hook();
        engine.set_busy_hook();
        let _ = load_redis.raw_set("register_function", engine.refuse_registration.clone());
        let _ = set_loading.call::<()>(false);
        let (ok, value) = outcome.map_err(lua_failure)?;
        if !ok {
            let msg = match &value {
                Value::Table(t) => t
                    .raw_get::<mlua::String>("err")
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
                other => other.to_string().unwrap_or_default().into_bytes(),
            };
            let mut out = b"ERR Error registering functions: ".to_vec();
            out.extend_from_slice(&msg);
            return Err(out);
        }
        let functions = registered.into_inner();
        if functions.is_empty() {
            return Err(err("No functions registered"));
        }
        Ok((
            name,
            Library {
                code: code.into(),
                functions,
            },
        ))
    }

    /// Installs a compiled library, replacing one of the same name.
    fn install(&mut self, name: Vec<u8>, library: Library) {
        self.remove(&name);
        for fname in library.functions.keys() {
            self.index.insert(fname.to_ascii_lowercase(), name.clone());
        }
        self.libraries.insert(name, library);
        summarize(self);
    }

    fn remove(&mut self, name: &[u8]) -> bool {
        let Some(old) = self.libraries.remove(name) else {
            return false;
        };
        for fname in old.functions.keys() {
            self.index.remove(&fname.to_ascii_lowercase());
        }
        summarize(self);
        true
    }

    /// FUNCTION LOAD: the library's name, or Redis's error.
    pub fn load(&mut self, code: &[u8], replace: bool) -> Result<Vec<u8>, Vec<u8>> {
        let (name, library) = self.compile(code, replace)?;
        self.check_collisions(&name, &library)?;
        self.install(name.clone(), library);
        Ok(name)
    }

    /// A function of `library` that another library already has.
    fn check_collisions(&self, name: &[u8], library: &Library) -> Result<(), Vec<u8>> {
        for fname in library.functions.keys() {
            if let Some(owner) = self.index.get(&fname.to_ascii_lowercase())
                && owner != name
            {
                return Err(err(&format!(
                    "Function {} already exists",
                    String::from_utf8_lossy(fname)
                )));
            }
        }
        Ok(())
    }
}

/// The flags of function `name`, if it exists (for FCALL's command flags).
pub fn flags_of(name: &[u8]) -> Option<u32> {
    let wanted = name.to_ascii_lowercase();
    FUNCTIONS.with(|slot| {
        let f = slot.try_borrow().ok()?;
        let f = f.as_ref()?;
        let library = f.libraries.get(f.index.get(&wanted)?)?;
        library
            .functions
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&wanted))
            .map(|(_, func)| func.flags)
    })
}

/// FUNCTION LOAD, from a client or a file.
pub fn load(code: &[u8], replace: bool) -> Result<Vec<u8>, Vec<u8>> {
    with(|f| f.load(code, replace))
}

/// FUNCTION DELETE: false if there is no such library.
pub fn delete(name: &[u8]) -> bool {
    with(|f| f.remove(name))
}

/// FUNCTION FLUSH: no libraries, and a fresh Lua state.
pub fn flush() {
    let old = FUNCTIONS.with_borrow_mut(|slot| slot.replace(Functions::new()));
    SUMMARY.with_borrow_mut(|s| *s = (Vec::new(), 0, 0));
    drop(old);
}

/// The number of libraries and of functions (FUNCTION STATS, INFO) and
/// the memory of their Lua state (INFO used_memory_vm_functions; 0 while
/// a function runs, as the state is in use then).
pub fn counts() -> (usize, usize, usize) {
    let vm = FUNCTIONS.with(|slot| match slot.try_borrow() {
        Ok(f) => f.as_ref().map_or(0, |f| f.engine.used_memory()),
        Err(_) => 0,
    });
    SUMMARY.with_borrow(|s| (s.1, s.2, vm))
}

/// Each library's code, in name order: what RDB files and FUNCTION DUMP
/// hold.
pub fn codes() -> Vec<Box<[u8]>> {
    SUMMARY.with_borrow(|s| s.0.clone())
}

/// FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern].
pub fn list(ctx: &mut Ctx, with_code: bool, pattern: Option<&[u8]>) {
    with(|f| {
        let shown: Vec<(&Vec<u8>, &Library)> = f
            .libraries
            .iter()
            .filter(|(name, _)| pattern.is_none_or(|p| crate::util::glob::string_match(p, name, true)))
            .collect();
        let reply = &mut *ctx.reply;
        reply.array(shown.len());
        for (name, library) in shown {
            reply.map(if with_code { 4 } else { 3 });
            reply.bulk(b"library_name");
            reply.bulk(name);
            reply.bulk(b"engine");
            reply.bulk(b"LUA");
            reply.bulk(b"functions");
            reply.array(library.functions.len());
            for (fname, func) in &library.functions {
                reply.map(3);
                reply.bulk(b"name");
                reply.bulk(fname);
                reply.bulk(b"description");
                reply.bulk_or_null(func.description.as_deref());
                reply.bulk(b"flags");
                let names: Vec<&str> = script_flags::NAMES
                    .iter()
                    .filter(|(_, bit)| func.flags & bit != 0)
                    .map(|(n, _)| *n)
                    .collect();
                reply.set(names.len());
                for n in names {
                    reply.simple(n.as_bytes());
                }
            }
            if with_code {
                reply.bulk(b"library_code");
                reply.bulk(&library.code);
            }
        }
    });
}

/// FUNCTION DUMP's payload: FUNCTION2 and the code of each library, the
/// RDB version and the CRC-64.
pub fn dump(opts: crate::persist::rdb::Options) -> Vec<u8> {
    let mut enc = crate::persist::rdb::Encoder::new(opts);
    let mut out = Vec::new();
    for code in codes() {
        out.push(OPCODE_FUNCTION2);
        enc.raw_string(&mut out, &code);
    }
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// How FUNCTION RESTORE treats libraries already there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Append,
    Replace,
    Flush,
}

/// FUNCTION RESTORE: loads every library of a DUMP payload, then applies
/// them all or none.
pub fn restore(payload: &[u8], policy: Policy, skip_checksum: bool) -> Result<(), Vec<u8>> {
    let body = crate::persist::verify_footer(payload, skip_checksum)
        .ok_or_else(|| err("DUMP payload version or checksum are wrong"))?;
    let mut codes = Vec::new();
    let mut r = crate::persist::load::Reader::new(body, body.len() as u64);
    while r.pos < body.len() as u64 {
        let kind = r.u8().map_err(|_| err("can not read data type"))?;
        if kind != OPCODE_FUNCTION2 {
            return Err(err("given type is not a function"));
        }
        let code = r
            .string()
            .map_err(|_| err("failed loading the given functions payload"))?;
        codes.push(code);
    }
    with(|f| {
        // Compile each against a scratch copy of the index, so a failure
        // leaves the libraries as they were.
        let mut compiled = Vec::new();
        for code in &codes {
            let (name, library) = f.compile(code, true)?;
            if compiled.iter().any(|(n, _): &(Vec<u8>, Library)| *n == name) {
                return Err(err(&format!(
                    "Library {} already exists",
                    String::from_utf8_lossy(&name)
                )));
            }
            compiled.push((name, library));
        }
        // Functions defined twice within the payload.
        for (i, (_, library)) in compiled.iter().enumerate() {
            for (_, other) in &compiled[..i] {
                if let Some(fname) = library
                    .functions
                    .keys()
                    .find(|n| other.functions.keys().any(|o| o.eq_ignore_ascii_case(n)))
                {
                    return Err(err(&format!(
                        "Function {} already exists",
                        String::from_utf8_lossy(fname)
                    )));
                }
            }
        }
        if policy == Policy::Flush {
            f.libraries.clear();
            f.index.clear();
        }
        // Redis's `libraryJoin`: library names first, then functions.
        if policy == Policy::Append
            && let Some((name, _)) = compiled.iter().find(|(n, _)| f.libraries.contains_key(n))
        {
            return Err(err(&format!(
                "Library {} already exists",
                String::from_utf8_lossy(name)
            )));
        }
        for (name, library) in &compiled {
            f.check_collisions(name, library)?;
        }
        for (name, library) in compiled {
            f.install(name, library);
        }
        summarize(f);
        Ok(())
    })
}

/// FCALL and FCALL_RO: `args` is `name function numkeys key... arg...`.
pub fn fcall_generic(ctx: &mut Ctx, args: &Args, read_only: bool) {
    command::monitor::feed_now(ctx, args);
    with(|f| {
        let wanted = args.get(1).to_ascii_lowercase();
        let func = f
            .index
            .get(&wanted)
            .and_then(|l| f.libraries.get(l))
            .and_then(|l| l.functions.iter().find(|(n, _)| n.eq_ignore_ascii_case(&wanted)));
        let Some((registered_name, func)) = func else {
            ctx.reply.error(b"ERR Function not found");
            return;
        };
        let Some(numkeys) = crate::util::number::parse_i64(args.get(2)) else {
            ctx.reply.error(b"ERR Bad number of keys provided");
            return;
        };
        let Some(numkeys) = check_numkeys(ctx, args, numkeys) else {
            return;
        };
        let (flags, callback) = (func.flags, func.callback.id());
        if let Err(msg) = prepare(ctx, flags, read_only) {
            ctx.reply.error(&msg);
            return;
        }
        let result = f.engine.run(
            ctx,
            Target::Fcall(callback),
            flags,
            registered_name,
            args,
            numkeys,
            read_only,
        );
        if let Err(msg) = result {
            ctx.reply.error(&msg);
        }
    });
    ctx.prevent_propagation();
}

/// FUNCTION STATS: the function running (while it is timed out, the
/// only time another client can ask) and the engine's counts.
pub fn stats(ctx: &mut Ctx) {
    if let Some(run) = &ctx.st.script
        && run.eval
    {
        return ctx.reply.error(super::busy_error(run));
    }
    let (libraries, functions, _) = counts();
    let reply = &mut *ctx.reply;
    reply.map(2);
    reply.bulk(b"running_script");
    match &ctx.st.script {
        None => reply.null(),
        Some(run) => {
            reply.map(3);
            reply.bulk(b"name");
            reply.bulk(&run.name);
            reply.bulk(b"command");
            reply.array(run.argv.len());
            for a in &run.argv {
                reply.bulk(a);
            }
            reply.bulk(b"duration_ms");
            reply.int(run.started.elapsed().as_millis() as i64);
        }
    }
    reply.bulk(b"engines");
    reply.map(1);
    reply.bulk(b"LUA");
    reply.map(2);
    reply.bulk(b"libraries_count");
    reply.int(libraries as i64);
    reply.bulk(b"functions_count");
    reply.int(functions as i64);
}
