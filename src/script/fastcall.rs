//! The hot path of scripts, on Lua's C API: `redis.call` and `redis.pcall`
//! as Lua C functions, and starting a run with its KEYS and ARGV
//! ([`run_script`]).
//!
//! `redis.call` and `redis.pcall` are the hot path of every script: a script doing ten HSETs calls
//! them ten times. As mlua callbacks each call cost about 2,100
//! instructions besides the command itself (callgrind, EVALSHA of one
//! INCR at -P 16): every argument and result became a reference on
//! mlua's reference stack and back, in a `MultiValue`. Here the arguments
//! are read straight off the Lua stack (strings borrowed, numbers exact,
//! so `1e-300` is sent as Redis sends it) and the common replies
//! (integer, bulk string, null, status) are pushed straight onto it.
//! Everything else goes through [`convert::reply_to_lua`] by a call to an
//! ordinary mlua function (`slow`), as do error tables.
//!
//! The command itself runs in safe Rust, [`Call::call_raw`]; the unsafe
//! code is the Lua C API around it. Lua raises errors by `longjmp`, so
//! every Lua call that can raise is made only once no Rust value with a
//! destructor is alive in these frames: the Rust part returns plain data
//! ([`Outcome`]) first. A panic in the Rust part is caught, stored, and
//! resumed by `Engine::run` after Lua has returned.

// The measured reason is above: the C API is the only way to Lua's stack.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};

use mlua::{Function, LightUserData, Lua, RegistryKey, Table, Value, ffi};

use super::{Call, Shared, convert};
use crate::command::Args;

/// What `redis.call` ended with, as plain data.
pub(super) enum Outcome {
    /// Refused before running (bad arguments, unknown command, a flag
    /// check): an error table with this message, already counted or not.
    Refused { msg: &'static [u8], counted: bool },
    /// The command ran. Its reply is `len` bytes at `ptr`, in the script
    /// client's reply buffer, which stays untouched until the next
    /// command of the script.
    Ran { ptr: *const u8, len: usize },
}

/// One argument of `redis.call`, read off the Lua stack.
pub(super) enum Arg<'a> {
    Bytes(&'a [u8]),
    Number(f64),
    /// Anything else (tables, booleans, nil, ...).
    Other,
}

/// What `slow` is asked to build.
const SLOW_REPLY: i32 = 0;
const SLOW_ERROR: i32 = 1;
const SLOW_ERROR_COUNTED: i32 = 2;

/// Sets `redis.call` and `redis.pcall` in `redis`, for the engine whose
/// state is `shared` (which must outlive `lua`'s calls: the engine owns
/// both).
pub(super) fn install(lua: &Lua, redis: &Table, shared: &Shared) -> mlua::Result<()> {
    let slow = lua.create_function(|lua, (bytes, mode): (mlua::String, i32)| -> mlua::Result<Value> {
        let bytes = bytes.as_bytes();
        match mode {
            SLOW_REPLY => convert::reply_to_lua(lua, &bytes),
            _ => convert::error_table(lua, &bytes, mode == SLOW_ERROR_COUNTED),
        }
    })?;
    let shared = LightUserData(shared as *const Shared as *mut c_void);
    for (name, f) in [("call", redis_call as ffi::lua_CFunction), ("pcall", redis_pcall)] {
        // SAFETY: the closure only pushes a C closure over the two values
        // exec_raw pushed (its upvalues), leaving it as the one result.
        let function: Function = unsafe {
            lua.exec_raw((shared, slow.clone()), |state| {
                ffi::lua_pushcclosure(state, f, 2);
            })?
        };
        redis.raw_set(name, function)?;
    }
    Ok(())
}

unsafe extern "C-unwind" fn redis_call(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua as the C closure `install` made.
    unsafe { call_entry(l, true) }
}

unsafe extern "C-unwind" fn redis_pcall(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua as the C closure `install` made.
    unsafe { call_entry(l, false) }
}

/// `redis.call` (`raise`) and `redis.pcall`.
///
/// # Safety
/// `l` is the running Lua thread calling the closure `install` made, whose
/// first upvalue points to the engine's `Shared` and second is `slow`.
unsafe fn call_entry(l: *mut ffi::lua_State, raise: bool) -> c_int {
    // SAFETY (the whole function): the upvalues are as `install` left
    // them; the arguments are on the stack until this returns, so the
    // slices borrowed from them stay valid while the Rust part runs; the
    // Rust part's values are all dropped before any call that can raise.
    unsafe {
        let shared = &*(ffi::lua_touserdata(l, ffi::lua_upvalueindex(1)) as *const Shared);
        let n = ffi::lua_gettop(l);
        let read = |i: c_int| read_arg(l, i);
        let ran = catch_unwind(AssertUnwindSafe(|| shared.with_call(|call| call.call_raw(n, read))));
        let outcome = match ran {
            Ok(Some(outcome)) => outcome,
            Ok(None) if raise => Outcome::Refused {
                msg: b"redis.call can only be called inside a script invocation",
                counted: false,
            },
            Ok(None) => Outcome::Refused {
                msg: b"redis.pcall can only be called inside a script invocation",
                counted: false,
            },
            Err(panic) => {
                shared.panic.set(Some(panic));
                Outcome::Refused {
                    msg: b"loopkv: internal error while running the command",
                    counted: true,
                }
            }
        };
        match outcome {
            Outcome::Refused { msg, counted } => {
                let mode = if counted { SLOW_ERROR_COUNTED } else { SLOW_ERROR };
                slow(l, msg, mode);
                if raise {
                    ffi::lua_error(l);
                }
            }
            Outcome::Ran { ptr, len } => {
                let reply = std::slice::from_raw_parts(ptr, len);
                if raise && reply.first() == Some(&b'-') {
                    // Counted by the command's dispatch already.
                    let end = memchr::memchr(b'\r', reply).unwrap_or(reply.len());
                    slow(l, &reply[..end], SLOW_ERROR_COUNTED);
                    ffi::lua_error(l);
                }
                push_reply(l, reply);
            }
        }
        1
    }
}

/// Argument `i` of the running C function.
///
/// # Safety
/// `l` is a running thread with at least `i` values on its stack.
unsafe fn read_arg<'a>(l: *mut ffi::lua_State, i: c_int) -> Arg<'a> {
    // SAFETY: lua_tolstring of a string does not convert or allocate, and
    // the string stays on the stack (so alive) while the caller runs.
    unsafe {
        match ffi::lua_type(l, i) {
            ffi::LUA_TSTRING => {
                let mut len = 0;
                let p = ffi::lua_tolstring(l, i, &mut len);
                Arg::Bytes(std::slice::from_raw_parts(p as *const u8, len))
            }
            ffi::LUA_TNUMBER => Arg::Number(ffi::lua_tonumber(l, i)),
            _ => Arg::Other,
        }
    }
}

/// Pushes what `slow` makes of `bytes` (see the SLOW_* modes).
///
/// # Safety
/// `l` is a running thread whose C function has `slow` as upvalue 2.
unsafe fn slow(l: *mut ffi::lua_State, bytes: &[u8], mode: i32) {
    // SAFETY: a call of an mlua function, with room checked for it and
    // its two arguments; mlua turns its errors into Lua errors.
    unsafe {
        ffi::luaL_checkstack(l, 3, c"redis.call".as_ptr());
        ffi::lua_pushvalue(l, ffi::lua_upvalueindex(2));
        ffi::lua_pushlstring(l, bytes.as_ptr() as *const _, bytes.len());
        ffi::lua_pushinteger(l, mode as ffi::lua_Integer);
        ffi::lua_call(l, 2, 1);
    }
}

/// Pushes one reply converted as [`convert::reply_to_lua`] converts it:
/// the common kinds here, the rest through `slow`.
///
/// # Safety
/// As [`slow`].
unsafe fn push_reply(l: *mut ffi::lua_State, reply: &[u8]) {
    let line_end = memchr::memchr(b'\r', reply).unwrap_or(reply.len());
    let head = reply.get(1..line_end).unwrap_or_default();
    // SAFETY: pushes onto a stack with the room every C function is given
    // (LUA_MINSTACK), at most two values here.
    unsafe {
        match reply.first() {
            Some(b':') => {
                let n = crate::util::number::parse_i64(head).unwrap_or(0);
                ffi::lua_pushnumber(l, n as f64);
            }
            Some(b'$') => match crate::util::number::parse_i64(head) {
                Some(n) if n >= 0 && reply.len() >= line_end + 2 + n as usize => {
                    let body = &reply[line_end + 2..line_end + 2 + n as usize];
                    ffi::lua_pushlstring(l, body.as_ptr() as *const _, body.len());
                }
                _ => ffi::lua_pushboolean(l, 0),
            },
            Some(b'_') => ffi::lua_pushnil(l),
            Some(b'+') => {
                ffi::lua_createtable(l, 0, 1);
                ffi::lua_pushlstring(l, head.as_ptr() as *const _, head.len());
                ffi::lua_setfield(l, -2, OK.as_ptr());
            }
            _ => slow(l, reply, SLOW_REPLY),
        }
    }
}

const OK: &CStr = c"ok";

/// The KEYS and ARGV tables EVAL reuses from run to run, in the registry,
/// and the real globals table they are set in.
pub(super) struct ArgTables {
    keys: RegistryKey,
    argv: RegistryKey,
    globals: RegistryKey,
    /// How many elements the last run put in each.
    keys_len: usize,
    argv_len: usize,
}

impl ArgTables {
    pub(super) fn new(lua: &Lua, globals: Table) -> mlua::Result<ArgTables> {
        Ok(ArgTables {
            keys: lua.create_registry_value(lua.create_table()?)?,
            argv: lua.create_registry_value(lua.create_table()?)?,
            globals: lua.create_registry_value(globals)?,
            keys_len: 0,
            argv_len: 0,
        })
    }
}

/// Calls the sandbox's runner, `run(f, fcall, keys, argv)`, with KEYS and
/// ARGV made from a script's arguments (`args[3..]`, the first `numkeys`
/// being keys): for EVAL set as globals, in the two tables reused from run
/// to run; for FCALL passed as arguments, in new tables (a library may
/// keep them).
///
/// Made through mlua, each element cost a reference and a table store
/// (about 600 instructions), and each run two tables for the collector,
/// whose work was a tenth of a one-INCR script's cost (callgrind). A
/// reused table is cleared first, and replaced by a new one if the script
/// left anything else in it (other keys, a metatable).
pub(super) fn run_script(
    lua: &Lua,
    runner: &Function,
    func: c_int,
    fcall: bool,
    numkeys: usize,
    args: &Args,
    tables: &mut ArgTables,
) -> mlua::Result<(bool, Value)> {
    let keys = || (3..3 + numkeys).map(|i| args.get(i));
    let argv = || (3 + numkeys..args.len()).map(|i| args.get(i));
    let (keys_id, argv_id, globals_id) = (tables.keys.id(), tables.argv.id(), tables.globals.id());
    let (keys_len, argv_len) = (tables.keys_len, tables.argv_len);
    // SAFETY: the closure runs as a protected C function with the runner
    // on its stack. It uses the Lua API on values it pushed or on registry
    // slots (`func`, the engine's script or function, and those `tables`
    // holds), checks for stack room first, and ends with the runner's two
    // results on the stack. The only Lua errors possible are memory
    // errors, caught by exec_raw's protection; the closure holds nothing
    // with a destructor.
    let result = unsafe {
        lua.exec_raw(runner, |state| {
            ffi::luaL_checkstack(state, 8, c"script arguments".as_ptr());
            ffi::lua_rawgeti(state, ffi::LUA_REGISTRYINDEX, func as _);
            ffi::lua_pushboolean(state, fcall as c_int);
            if fcall {
                fresh_table(state, keys());
                fresh_table(state, argv());
            } else {
                reused_table(state, keys_id, keys_len, keys());
                reused_table(state, argv_id, argv_len, argv());
                ffi::lua_rawgeti(state, ffi::LUA_REGISTRYINDEX, globals_id as _);
                for (name, at) in [(c"KEYS", -3), (c"ARGV", -2)] {
                    ffi::lua_pushstring(state, name.as_ptr());
                    ffi::lua_pushvalue(state, at - 1);
                    ffi::lua_rawset(state, -3);
                }
                ffi::lua_pop(state, 1);
            }
            ffi::lua_call(state, 4, 2);
        })
    };
    if !fcall {
        tables.keys_len = numkeys;
        tables.argv_len = args.len() - 3 - numkeys;
    }
    result
}

/// Pushes a new table holding `items` at 1..n.
///
/// # Safety
/// `state` has room for two more values; may raise a memory error.
unsafe fn fresh_table<'a>(state: *mut ffi::lua_State, items: impl ExactSizeIterator<Item = &'a [u8]>) {
    // SAFETY: as the function's contract.
    unsafe {
        ffi::lua_createtable(state, items.len() as c_int, 0);
        fill(state, items);
    }
}

/// Pushes the table in registry slot `id`, cleared of the `old_len`
/// elements the last run put there, then holding `items` at 1..n; a new
/// table (put in the slot) if anything else was left in it.
///
/// # Safety
/// As [`fresh_table`]; `id` is a registry slot holding a table.
unsafe fn reused_table<'a>(
    state: *mut ffi::lua_State,
    id: c_int,
    old_len: usize,
    items: impl ExactSizeIterator<Item = &'a [u8]>,
) {
    // SAFETY: as the function's contract; rawseti and next on a table
    // never call metamethods.
    unsafe {
        ffi::lua_rawgeti(state, ffi::LUA_REGISTRYINDEX, id as _);
        for i in 1..=old_len {
            ffi::lua_pushnil(state);
            ffi::lua_rawseti(state, -2, i as _);
        }
        let mut clean = ffi::lua_getmetatable(state, -1) == 0;
        if !clean {
            ffi::lua_pop(state, 1);
        }
        ffi::lua_pushnil(state);
        if ffi::lua_next(state, -2) != 0 {
            ffi::lua_pop(state, 2);
            clean = false;
        }
        if !clean {
            ffi::lua_pop(state, 1);
            ffi::lua_createtable(state, items.len() as c_int, 0);
            ffi::lua_pushvalue(state, -1);
            ffi::lua_rawseti(state, ffi::LUA_REGISTRYINDEX, id as _);
        }
        fill(state, items);
    }
}

/// Stores `items` at 1..n in the table on top of the stack.
///
/// # Safety
/// As [`fresh_table`].
unsafe fn fill<'a>(state: *mut ffi::lua_State, items: impl Iterator<Item = &'a [u8]>) {
    // SAFETY: one push and one store at a time, on a table.
    unsafe {
        for (i, a) in items.enumerate() {
            ffi::lua_pushlstring(state, a.as_ptr() as *const _, a.len());
            ffi::lua_rawseti(state, -2, (i + 1) as _);
        }
    }
}

impl Call<'_, '_> {
    /// Runs the command in `n` arguments read by `read` (1-based).
    pub(super) fn call_raw<'a>(&mut self, n: c_int, read: impl Fn(c_int) -> Arg<'a>) -> Outcome {
        if let Err(msg) = self.build_argv((1..=n).map(read)) {
            return Outcome::Refused { msg, counted: false };
        }
        match self.run_command() {
            Ok(reply) => Outcome::Ran {
                ptr: reply.as_ptr(),
                len: reply.len(),
            },
            Err((msg, counted)) => Outcome::Refused { msg, counted },
        }
    }
}
