//! What the Lua libraries written in Rust (`bit`, `cjson`, `cmsgpack`,
//! `struct`, and the `redis` and `math` functions) share with each other:
//! raising errors as `luaL_error` and `luaL_argerror` do (the caller's
//! position, the function named as its caller called it), reading
//! arguments as `lua_tonumber` and `lua_typename` do, and the limits that
//! keep them inside what mlua can hold.
//!
//! mlua (lua51) hands Rust a number within `f64::EPSILON` of an integer
//! as that integer, so `-0` and numbers of magnitude below 2^-52 arrive
//! as `Integer(0)`. Read from a table, [`exact`] recovers them; passed as
//! arguments they stay 0, a known difference from Redis.

use mlua::{Function, IntoLua, Lua, MultiValue, Table, Value};

use crate::util::number::strtod;

/// Lua 5.1's `LUAI_MAXCSTACK`: the stack slots a C function may use. The
/// C libraries check for room on it, and scripts can reach their errors.
pub const MAX_C_STACK: usize = 8000;

/// The values a library function may return, or hold while it runs, at
/// once. Every table or string held from Rust takes a slot of mlua's
/// reference stack, which has [`MAX_C_STACK`] slots for the whole Lua
/// state and panics when they run out, so the libraries stop here, a
/// little before where Redis's C code stops, leaving room for what the
/// rest of the engine holds.
pub const REF_BUDGET: usize = 7000;

/// A function whose errors are raised as `luaL_error` does (see
/// [`lual_error`]).
pub fn positioned<F, R>(lua: &Lua, f: F) -> mlua::Result<Function>
where
    F: Fn(&Lua, MultiValue) -> Result<R, String> + 'static,
    R: mlua::IntoLuaMulti,
{
    lua.create_function(move |lua, args: MultiValue| f(lua, args).map_err(|msg| lual_error(lua, msg)))
}

/// `luaL_error` from a library function: `msg` after the caller's
/// position (`user_script:1: `, nothing when the caller is a C function
/// such as `pcall`), with an argument error's function named as
/// `luaL_argerror` names it (see [`arg_error`]).
pub fn lual_error(lua: &Lua, msg: String) -> mlua::Error {
    let at = lua
        .inspect_stack(1)
        .filter(|frame| frame.curr_line() > 0)
        .map(|frame| {
            format!(
                "{}:{}: ",
                frame.source().short_src.unwrap_or_default(),
                frame.curr_line()
            )
        })
        .unwrap_or_default();
    mlua::Error::RuntimeError(format!("{at}{}", named_arg_error(lua, msg)))
}

/// `luaL_argerror`'s message for argument `n`; the function's name is
/// filled in when it is raised (see [`lual_error`]).
pub fn arg_error(n: usize, what: &str) -> String {
    format!("bad argument #{n} to '?' ({what})")
}

/// `luaL_typerror`'s message: argument `n` is not of type `expected`.
pub fn type_error(args: &MultiValue, n: usize, expected: &str) -> String {
    let got = type_name(args.get(n - 1));
    arg_error(n, &format!("{expected} expected, got {got}"))
}

/// `luaL_argerror`'s naming: a message `bad argument #N to 'name' (...)`
/// names the function as its caller called it (`?` when unknown, as
/// through `pcall`), and in a method call `self` is not counted.
fn named_arg_error(lua: &Lua, msg: String) -> String {
    let Some(rest) = msg.strip_prefix("bad argument #") else {
        return msg;
    };
    let Some((n, rest)) = rest.split_once(" to '") else {
        return msg;
    };
    let (Ok(mut n), Some((_, what))) = (n.parse::<i64>(), rest.split_once("' (")) else {
        return msg;
    };
    let (name, method) = lua
        .inspect_stack(0)
        .map(|frame| {
            let names = frame.names();
            (names.name.map(|n| n.into_owned()), names.name_what == Some("method"))
        })
        .unwrap_or_default();
    let name = name.unwrap_or_else(|| "?".into());
    if method {
        n -= 1;
        if n == 0 {
            return format!("calling '{name}' on bad self ({what}");
        }
    }
    format!("bad argument #{n} to '{name}' ({what}")
}

/// `luaL_typename`: a light userdata is a "userdata" too, and a missing
/// argument is "no value".
pub fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "no value",
        Some(Value::Nil) => "nil",
        Some(Value::Boolean(_)) => "boolean",
        Some(Value::Integer(_) | Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Table(_)) => "table",
        Some(Value::Function(_)) => "function",
        Some(Value::Thread(_)) => "thread",
        Some(_) => "userdata",
    }
}

/// C's `isspace` in the C locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Lua 5.1's `luaO_str2d`: `strtod` on the text up to its first NUL,
/// trailing whitespace allowed (NaN, infinities and overflow accepted).
pub fn string_number(s: &[u8]) -> Option<f64> {
    let s = &s[..memchr::memchr(0, s).unwrap_or(s.len())];
    let r = strtod(s);
    if r.consumed == 0 || !s[r.consumed..].iter().all(|&c| is_c_space(c)) {
        return None;
    }
    Some(r.value)
}

/// `lua_tolstring`: a string's bytes, or a number as Lua prints it.
pub fn arg_text(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Integer(i) => Some(super::convert::lua_number(*i as f64)),
        Value::Number(n) => Some(super::convert::lua_number(*n)),
        _ => None,
    }
}

/// `luaL_checklstring` of argument `n`: its text, or the type error.
pub fn check_string(args: &MultiValue, n: usize) -> Result<Vec<u8>, String> {
    args.get(n - 1)
        .and_then(arg_text)
        .ok_or_else(|| type_error(args, n, "string"))
}

/// `lua_tonumber`: a number, or a string that converts.
pub fn arg_number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        Value::String(s) => string_number(&s.as_bytes()),
        _ => None,
    }
}

/// `value`, read from `t[key]`, as the number it is when mlua gave it as
/// `Integer(0)` (see the module's note): read again as a double, which
/// mlua reads exactly.
pub fn exact(t: &Table, key: impl IntoLua, value: Value) -> Value {
    match value {
        Value::Integer(0) => match t.raw_get::<f64>(key) {
            Ok(n) if n.abs() < f64::EPSILON => Value::Number(n),
            _ => Value::Number(0.0),
        },
        other => other,
    }
}
