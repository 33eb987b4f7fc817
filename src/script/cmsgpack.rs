//! The `cmsgpack` library Redis gives scripts (lua-cmsgpack 0.4.0's API,
//! written here in Rust): MessagePack encoding of Lua values.
//!
//! * `pack(v, ...)` encodes each argument and concatenates the encodings.
//!   Strings are raw strings (fixstr, str8, str16, str32), booleans and
//!   nil are themselves, any other non-table value is nil. A number that an
//!   int64 holds exactly is the smallest integer type holding it, any other
//!   a float32 when that is exact, else a float64. A table whose keys are
//!   exactly 1..n is an array (so `{}` is an empty array), any other a map
//!   in `next` order. Tables nested 16 deep are nil, which is how a
//!   circular reference ends.
//! * `unpack(s)` returns every value encoded in `s`; `unpack_one(s, [off])`
//!   and `unpack_limit(s, limit, [off])` return the offset of the rest (-1
//!   when none is left) and then one, or up to `limit`, values.
//!
//! The C library's Lua-stack checks (LUAI_MAXCSTACK, 8000 slots per C
//! function) are errors scripts can reach, with their own texts; they are
//! reproduced by counting the slots the C code would use at each step.
//! Unpacking more than [`lualib::REF_BUDGET`] values at once fails a
//! little earlier than on Redis (see there).

use mlua::{FromLua, Lua, MultiValue, Table, Value};

use super::lualib::{self, exact};

/// `LUACMSGPACK_MAX_NESTING`: tables this deep are encoded as nil.
const MAX_NESTING: usize = 16;
use lualib::MAX_C_STACK as MAX_CSTACK;
/// 2^63: an int64 holds the integers in [-2^63, 2^63).
const TWO_63: f64 = 9_223_372_036_854_775_808.0;

/// The three unpack functions (`unpack_entry`'s MODE).
const UNPACK_ALL: u8 = 0;
const UNPACK_ONE: u8 = 1;
const UNPACK_LIMIT: u8 = 2;

const TOO_MANY_VALUES: &str =
    "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)";

/// Why encoding or decoding stopped.
enum Fail {
    /// Raised as `luaL_error` raises it: after the caller's position.
    At(String),
    /// Raised as Lua raises its own errors inside a C function: as is.
    Bare(&'static str),
    /// The Lua state failed (memory).
    Lua(mlua::Error),
}

impl From<mlua::Error> for Fail {
    fn from(e: mlua::Error) -> Fail {
        Fail::Lua(e)
    }
}

/// `luaL_checkstack`'s error.
fn overflow(what: &str) -> Fail {
    Fail::At(format!("stack overflow ({what})"))
}

fn missing_bytes() -> Fail {
    Fail::At("Missing bytes in input.".to_owned())
}

// ---- encoding ---------------------------------------------------------------------------

/// `mp_encode_lua_type`: `value` sits on the C stack at `height`, inside
/// `level` tables.
fn encode(buf: &mut Vec<u8>, value: &Value, level: usize, height: usize) -> Result<(), Fail> {
    match value {
        Value::String(s) => encode_bytes(buf, &s.as_bytes()),
        Value::Boolean(b) => buf.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Integer(i) => encode_number(buf, *i as f64),
        Value::Number(n) => encode_number(buf, *n),
        Value::Table(t) if level < MAX_NESTING => encode_table(buf, t, level, height)?,
        _ => buf.push(0xc0),
    }
    Ok(())
}

fn encode_bytes(buf: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 32 {
        buf.push(0xa0 | len as u8);
    } else if len <= 0xff {
        buf.extend_from_slice(&[0xd9, len as u8]);
    } else if len <= 0xffff {
        buf.push(0xda);
        buf.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        buf.push(0xdb);
        buf.extend_from_slice(&(len as u32).to_be_bytes());
    }
    buf.extend_from_slice(s);
}

/// `mp_encode_lua_number`: an integer when `(int64_t)n == n` (never for
/// NaN, the infinities or beyond the int64 range), else a float.
fn encode_number(buf: &mut Vec<u8>, n: f64) {
    if (-TWO_63..TWO_63).contains(&n) && n.fract() == 0.0 {
        encode_int(buf, n as i64);
    } else {
        encode_double(buf, n);
    }
}

/// `mp_encode_double`: a float32 when the double converts to one and back
/// unchanged (NaN never does), else a float64.
fn encode_double(buf: &mut Vec<u8>, d: f64) {
    let f = d as f32;
    if f as f64 == d {
        buf.push(0xca);
        buf.extend_from_slice(&f.to_be_bytes());
    } else {
        buf.push(0xcb);
        buf.extend_from_slice(&d.to_be_bytes());
    }
}

/// `mp_encode_int`: the smallest type, unsigned ones for n >= 0.
fn encode_int(buf: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        if n <= 127 {
            buf.push(n as u8);
        } else if n <= 0xff {
            buf.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            buf.push(0xcd);
            buf.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            buf.push(0xce);
            buf.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            buf.push(0xcf);
            buf.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        buf.push(n as i8 as u8);
    } else if n >= -128 {
        buf.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        buf.push(0xd1);
        buf.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2_147_483_648 {
        buf.push(0xd2);
        buf.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        buf.push(0xd3);
        buf.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_array_header(buf: &mut Vec<u8>, n: u64) {
    if n <= 15 {
        buf.push(0x90 | n as u8);
    } else if n <= 0xffff {
        buf.push(0xdc);
        buf.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        buf.push(0xdd);
        buf.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

fn encode_map_header(buf: &mut Vec<u8>, n: u64) {
    if n <= 15 {
        buf.push(0x80 | n as u8);
    } else if n <= 0xffff {
        buf.push(0xde);
        buf.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        buf.push(0xdf);
        buf.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// `mp_encode_lua_table`, the table at `height` on the C stack.
fn encode_table(buf: &mut Vec<u8>, t: &Table, level: usize, height: usize) -> Result<(), Fail> {
    // `table_is_an_array`: every key a number n > 0 with `(int)n == n`,
    // and the largest equal to the count. The keys are counted in the same
    // pass, for the map header.
    if height + 2 > MAX_CSTACK {
        return Err(overflow("in function table_is_an_array"));
    }
    let mut count: u64 = 0;
    let mut max = 0.0f64;
    let mut array = true;
    t.for_each(|key: Value, _: Value| {
        count += 1;
        let n = match key {
            Value::Integer(i) => i as f64,
            Value::Number(n) => n,
            _ => f64::NAN,
        };
        if n > 0.0 && n <= i32::MAX as f64 && n.fract() == 0.0 {
            max = max.max(n);
        } else {
            array = false;
        }
        Ok(())
    })?;

    if array && max == count as f64 {
        if height + 1 > MAX_CSTACK {
            return Err(overflow("in function mp_encode_lua_table_as_array"));
        }
        // `lua_objlen`: with the keys exactly 1..count, count.
        let len = t.raw_len() as i64;
        encode_array_header(buf, len as u64);
        for j in 1..=len {
            let value = exact(t, j, t.raw_get::<Value>(j)?);
            encode(buf, &value, level + 1, height + 1)?;
        }
        return Ok(());
    }

    if height + 3 > MAX_CSTACK {
        return Err(overflow("in function mp_encode_lua_table_as_map"));
    }
    encode_map_header(buf, count);
    // The key is encoded from a copy pushed above the key and the value.
    let mut failure = None;
    let walked = t.for_each(|key: Value, value: Value| {
        let value = if matches!(value, Value::Integer(0)) {
            exact(t, key.clone(), value)
        } else {
            value
        };
        let encoded = match encode(buf, &key, level + 1, height + 3) {
            Ok(()) => encode(buf, &value, level + 1, height + 2),
            Err(fail) => Err(fail),
        };
        match encoded {
            Ok(()) => Ok(()),
            Err(Fail::Lua(e)) => Err(e),
            Err(fail) => {
                failure = Some(fail);
                Err(mlua::Error::RuntimeError(String::new()))
            }
        }
    });
    if let Some(fail) = failure {
        return Err(fail);
    }
    walked?;
    Ok(())
}

// ---- decoding ---------------------------------------------------------------------------

fn unpack(lua: &Lua, data: &[u8], limit: i64, offset: i64, base: usize) -> Result<(Table, usize), Fail> {
    let len = data.len();
    // The C library prints the input's length as the limit, and both
    // through `(int)`.
    if offset < 0 || limit < 0 {
        return Err(Fail::At(format!(
            "Invalid request to unpack with offset of {} and limit of {}.",
            offset as i32, len as i32
        )));
    }
    if offset as u64 > len as u64 {
        return Err(Fail::At(format!(
            "Start offset {} greater than input length {}.",
            offset as i32, len as i32
        )));
    }
    let all = limit == 0 && offset == 0;
    let limit = if all { i32::MAX as i64 } else { limit };
    let values = lua.create_table()?;
    // Without `all`, the next offset comes first.
    let first = if all { 1 } else { 2 };
    let mut decoder = Decoder {
        lua,
        data,
        pos: offset as usize,
        spill: None,
        spilled: 0,
    };
    let mut count = 0usize;
    while decoder.pos < len && (count as i64) < limit {
        let value = decoder.value(base + count)?;
        values.raw_set((first + count) as i64, value)?;
        count += 1;
    }
    if all {
        return Ok((values, count));
    }
    if base + count + 1 > MAX_CSTACK {
        return Err(overflow("in function mp_unpack_full"));
    }
    let next = if decoder.pos == len { -1 } else { decoder.pos as i64 };
    values.raw_set(1, next)?;
    Ok((values, count + 1))
}

/// One decoded item: a value, or the header of a table to fill.
enum Item {
    Value(Value),
    Table { map: bool, len: usize },
}

/// A table being filled.
struct Frame {
    map: bool,
    /// The elements (pairs for a map) still to read.
    left: usize,
    /// The next array index.
    index: i64,
    /// The C stack height with the table pushed.
    height: usize,
    /// A map's key is read; its value comes next.
    keyed: bool,
    key: Value,
    /// `key` (a string or a table) waits in the spill table.
    key_spilled: bool,
}

/// `mp_decode_to_lua_type`, without recursion. The tables being filled
/// wait, all but the innermost, in a Lua table (the spill), as do their
/// pending string or table keys: input nested thousands deep (the C stack
/// limit allows ~8000) must not hold a Rust reference per level, as mlua's
/// references live in a stack of at most 8000 slots and it panics when
/// they run out.
struct Decoder<'a> {
    lua: &'a Lua,
    data: &'a [u8],
    pos: usize,
    spill: Option<Table>,
    spilled: i64,
}

fn number(n: f64) -> Item {
    Item::Value(Value::Number(n))
}

impl Decoder<'_> {
    fn spill_table(&mut self) -> mlua::Result<&Table> {
        if self.spill.is_none() {
            self.spill = Some(self.lua.create_table()?);
        }
        Ok(self.spill.as_ref().expect("the spill table was just made"))
    }

    fn push(&mut self, value: Value) -> mlua::Result<()> {
        self.spilled += 1;
        let i = self.spilled;
        self.spill_table()?.raw_set(i, value)
    }

    fn pop<V: FromLua>(&mut self) -> mlua::Result<V> {
        let i = self.spilled;
        self.spilled -= 1;
        self.spill_table()?.raw_get::<V>(i)
    }

    /// The next item, decoded at C stack height `height`.
    fn item(&mut self, height: usize) -> Result<Item, Fail> {
        let lua = self.lua;
        let data: &[u8] = self.data;
        let d = &data[self.pos..];
        let Some(&byte) = d.first() else {
            return Err(missing_bytes());
        };
        if height + 1 > MAX_CSTACK {
            return Err(Fail::At(TOO_MANY_VALUES.to_owned()));
        }
        let need = |n: usize| if d.len() < n { Err(missing_bytes()) } else { Ok(()) };
        // The n bytes after the type byte, big-endian.
        let be = |n: usize| d[1..=n].iter().fold(0u64, |acc, &b| (acc << 8) | b as u64);
        // A string of `l` bytes after an `off`-byte header.
        let string = |off: usize, l: usize| -> Result<(Item, usize), Fail> {
            if d.len() - off < l {
                return Err(missing_bytes());
            }
            let s = lua.create_string(&d[off..off + l])?;
            Ok((Item::Value(Value::String(s)), off + l))
        };
        let (item, used) = match byte {
            0xcc => {
                need(2)?;
                (number(d[1] as f64), 2)
            }
            0xd0 => {
                need(2)?;
                (number(d[1] as i8 as f64), 2)
            }
            0xcd => {
                need(3)?;
                (number(be(2) as f64), 3)
            }
            0xd1 => {
                need(3)?;
                (number(be(2) as u16 as i16 as f64), 3)
            }
            0xce => {
                need(5)?;
                (number(be(4) as f64), 5)
            }
            0xd2 => {
                need(5)?;
                (number(be(4) as u32 as i32 as f64), 5)
            }
            // `lua_pushinteger` of the unsigned value: above 2^63 it wraps.
            0xcf | 0xd3 => {
                need(9)?;
                (number(be(8) as i64 as f64), 9)
            }
            0xc0 => (Item::Value(Value::Nil), 1),
            0xc3 => (Item::Value(Value::Boolean(true)), 1),
            0xc2 => (Item::Value(Value::Boolean(false)), 1),
            0xca => {
                need(5)?;
                (number(f32::from_bits(be(4) as u32) as f64), 5)
            }
            0xcb => {
                need(9)?;
                (number(f64::from_bits(be(8))), 9)
            }
            0xd9 => {
                need(2)?;
                string(2, d[1] as usize)?
            }
            0xda => {
                need(3)?;
                string(3, be(2) as usize)?
            }
            0xdb => {
                need(5)?;
                string(5, be(4) as usize)?
            }
            0xdc => {
                need(3)?;
                (
                    Item::Table {
                        map: false,
                        len: be(2) as usize,
                    },
                    3,
                )
            }
            0xdd => {
                need(5)?;
                (
                    Item::Table {
                        map: false,
                        len: be(4) as usize,
                    },
                    5,
                )
            }
            0xde => {
                need(3)?;
                (
                    Item::Table {
                        map: true,
                        len: be(2) as usize,
                    },
                    3,
                )
            }
            0xdf => {
                need(5)?;
                (
                    Item::Table {
                        map: true,
                        len: be(4) as usize,
                    },
                    5,
                )
            }
            _ if (byte & 0x80) == 0 => (number(byte as f64), 1),
            _ if (byte & 0xe0) == 0xe0 => (number(byte as i8 as f64), 1),
            _ if (byte & 0xe0) == 0xa0 => string(1, (byte & 0x1f) as usize)?,
            _ if (byte & 0xf0) == 0x90 => (
                Item::Table {
                    map: false,
                    len: (byte & 0xf) as usize,
                },
                1,
            ),
            _ if (byte & 0xf0) == 0x80 => (
                Item::Table {
                    map: true,
                    len: (byte & 0xf) as usize,
                },
                1,
            ),
            _ => return Err(Fail::At("Bad data format in input.".to_owned())),
        };
        self.pos += used;
        Ok(item)
    }

    /// One top-level value, decoded at C stack height `top`.
    fn value(&mut self, top: usize) -> Result<Value, Fail> {
        let mut frames: Vec<Frame> = Vec::new();
        // The innermost frame's table.
        let mut table: Option<Table> = None;
        loop {
            // An array's elements sit above the table and their index, a
            // map's key above the table, its value above the key.
            let height = match frames.last() {
                None => top,
                Some(f) if f.map && !f.keyed => f.height,
                Some(f) => f.height + 1,
            };
            let mut value = match self.item(height)? {
                Item::Value(v) => v,
                Item::Table { map, len } => {
                    let t = self.lua.create_table()?;
                    // mp_decode_to_lua_array's check, with the table pushed.
                    if !map && height + 2 > MAX_CSTACK {
                        return Err(overflow("in function mp_decode_to_lua_array"));
                    }
                    if len == 0 {
                        Value::Table(t)
                    } else {
                        if let Some(parent) = table.replace(t) {
                            self.push(Value::Table(parent))?;
                            if let Some(f) = frames.last_mut()
                                && f.keyed
                                && matches!(f.key, Value::String(_) | Value::Table(_))
                            {
                                let key = std::mem::replace(&mut f.key, Value::Nil);
                                self.push(key)?;
                                f.key_spilled = true;
                            }
                        }
                        frames.push(Frame {
                            map,
                            left: len,
                            index: 1,
                            height: height + 1,
                            keyed: false,
                            key: Value::Nil,
                            key_spilled: false,
                        });
                        continue;
                    }
                }
            };
            // Store the value, and every table it completes.
            loop {
                let Some(f) = frames.last_mut() else {
                    return Ok(value);
                };
                let t = table.as_ref().expect("a frame has its table");
                if f.map {
                    if !f.keyed {
                        f.key = value;
                        f.keyed = true;
                        break;
                    }
                    f.keyed = false;
                    let key = std::mem::replace(&mut f.key, Value::Nil);
                    // `lua_settable`'s own errors.
                    match &key {
                        Value::Nil => return Err(Fail::Bare("table index is nil")),
                        Value::Number(n) if n.is_nan() => return Err(Fail::Bare("table index is NaN")),
                        _ => {}
                    }
                    t.raw_set(key, value)?;
                } else {
                    t.raw_set(f.index, value)?;
                    f.index += 1;
                }
                f.left -= 1;
                if f.left > 0 {
                    break;
                }
                frames.pop();
                value = Value::Table(table.take().expect("a frame has its table"));
                if let Some(parent) = frames.last_mut() {
                    if parent.key_spilled {
                        parent.key = self.pop::<Value>()?;
                        parent.key_spilled = false;
                    }
                    table = Some(self.pop::<Table>()?);
                }
            }
        }
    }
}

// ---- the functions scripts call -------------------------------------------------------

/// Raises `fail` as lua-cmsgpack raises it: `luaL_error`'s with the
/// caller's position, or Lua's own without.
fn raise(lua: &Lua, fail: Fail) -> mlua::Error {
    match fail {
        Fail::At(msg) => lualib::lual_error(lua, msg),
        Fail::Bare(msg) => mlua::Error::RuntimeError(msg.to_owned()),
        Fail::Lua(e) => e,
    }
}

/// `cmsgpack.pack(...)` (`mp_pack`): the arguments' encodings, joined.
fn pack(lua: &Lua, args: MultiValue) -> mlua::Result<mlua::String> {
    let nargs = args.len();
    if nargs == 0 {
        return Err(raise(
            lua,
            Fail::At(lualib::arg_error(0, "MessagePack pack needs input.")),
        ));
    }
    // `lua_checkstack(L, nargs)`, with the arguments on the stack.
    if nargs + nargs > MAX_CSTACK {
        return Err(raise(
            lua,
            Fail::At(lualib::arg_error(0, "Too many arguments for MessagePack pack.")),
        ));
    }
    let mut buf = Vec::new();
    for (i, value) in args.iter().enumerate() {
        // The C stack holds the arguments, the encodings made so far and
        // the copy of this argument: `luaL_checkstack(L, 1, ...)` first.
        let height = nargs + i + 1;
        let encoded = if height > MAX_CSTACK {
            Err(overflow("in function mp_check"))
        } else {
            encode(&mut buf, value, 0, height)
        };
        encoded.map_err(|fail| raise(lua, fail))?;
    }
    lua.create_string(&buf)
}

/// `luaL_checkinteger` (`luaL_optinteger` when `default` is given) of
/// argument `n`: a number or numeric string, truncated as x86-64's
/// conversion does.
fn integer_arg(lua: &Lua, args: &MultiValue, n: usize, default: Option<i64>) -> mlua::Result<i64> {
    let v = args.get(n - 1);
    if let (Some(d), None | Some(Value::Nil)) = (default, v) {
        return Ok(d);
    }
    let Some(x) = lualib::arg_number(v) else {
        let what = format!("number expected, got {}", lualib::type_name(v));
        return Err(raise(lua, Fail::At(lualib::arg_error(n, &what))));
    };
    Ok(if x.is_nan() || x.abs() >= TWO_63 {
        i64::MIN
    } else {
        x as i64
    })
}

/// `cmsgpack.unpack`, `unpack_one` and `unpack_limit` (`MODE`): the
/// arguments read in the C library's order, then `mp_unpack_full`.
fn unpack_entry<const MODE: u8>(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    let (limit, offset) = match MODE {
        UNPACK_ALL => (0, 0),
        UNPACK_ONE => (1, integer_arg(lua, &args, 2, Some(0))?),
        _ => (integer_arg(lua, &args, 2, None)?, integer_arg(lua, &args, 3, Some(0))?),
    };
    // unpack_one and unpack_limit drop all their arguments but the first.
    let base = if MODE == UNPACK_ALL {
        args.len()
    } else {
        args.len().min(1)
    };
    let data = lualib::check_string(&args, 1).map_err(|msg| raise(lua, Fail::At(msg)))?;
    let (values, n) = unpack(lua, &data, limit, offset, base).map_err(|fail| raise(lua, fail))?;
    if n > lualib::REF_BUDGET {
        return Err(raise(lua, Fail::At(TOO_MANY_VALUES.to_owned())));
    }
    (1..=n)
        .map(|i| values.raw_get::<Value>(i as i64).map(|v| exact(&values, i as i64, v)))
        .collect()
}

/// Adds the `cmsgpack` table to `globals`.
pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    // In the C library's order, which `next` over the table reflects.
    let cmsgpack = lua.create_table()?;
    cmsgpack.raw_set("pack", lua.create_function(pack)?)?;
    cmsgpack.raw_set("unpack", lua.create_function(unpack_entry::<UNPACK_ALL>)?)?;
    cmsgpack.raw_set("unpack_one", lua.create_function(unpack_entry::<UNPACK_ONE>)?)?;
    cmsgpack.raw_set("unpack_limit", lua.create_function(unpack_entry::<UNPACK_LIMIT>)?)?;
    cmsgpack.raw_set("_NAME", "cmsgpack")?;
    cmsgpack.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    cmsgpack.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    cmsgpack.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    globals.raw_set("cmsgpack", cmsgpack)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lua() -> Lua {
        let lua = Lua::new();
        install(&lua, &lua.globals()).expect("cmsgpack installs");
        lua
    }

    /// Runs `code`, named as Redis names scripts, and returns its result.
    fn run<T: FromLua>(lua: &Lua, code: &str) -> T {
        lua.load(code).set_name("@user_script").eval::<T>().expect(code)
    }

    fn hex(lua: &Lua, code: &str) -> String {
        run::<mlua::String>(lua, code)
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The message of the error `call` raises (from a script's first line).
    fn error(lua: &Lua, call: &str) -> String {
        let mut e = lua
            .load(format!("return {call}"))
            .set_name("@user_script")
            .exec()
            .expect_err(call);
        while let mlua::Error::CallbackError { cause, .. } = e {
            e = (*cause).clone();
        }
        match e {
            mlua::Error::RuntimeError(msg) => msg,
            other => other.to_string(),
        }
    }

    // The expected bytes are redis-server 7.0.15's.

    #[test]
    fn packs_integers_in_the_smallest_type() {
        let lua = lua();
        assert_eq!(
            hex(
                &lua,
                "return cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296)"
            ),
            "007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000"
        );
        assert_eq!(
            hex(
                &lua,
                "return cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)"
            ),
            "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff"
        );
    }

    #[test]
    fn packs_floats_as_float32_when_exact() {
        let lua = lua();
        assert_eq!(
            hex(
                &lua,
                "return cmsgpack.pack(0.5, 0.1, {1e-20}, 2^63, -2^63, 2^64, 1e300)"
            ),
            "ca3f000000cb3fb999999999999a91cb3bc79ca10c924223ca5f000000d38000000000000000ca5f800000cb7e37e43c8800759c"
        );
        assert_eq!(hex(&lua, "return cmsgpack.pack(1/0)"), "ca7f800000");
        // In a table, tiny numbers keep their value (lualib::exact).
        assert_eq!(
            hex(&lua, "local z = 0 return cmsgpack.pack({-z, 1e-300})"),
            "9200cb01a56e1fc2f8f359"
        );
    }

    #[test]
    fn packs_tables_and_ends_cycles_at_depth_16() {
        let lua = lua();
        assert_eq!(
            hex(
                &lua,
                "return cmsgpack.pack({}, {1,2}, {a=1}, {[1]=1,[3]=3}, {[0]=1}, {[1.5]=1}, true, false, nil)"
            ),
            "9092010281a16101820101030381000181ca3fc0000001c3c2c0"
        );
        assert_eq!(
            hex(&lua, "local a = {} a[1] = a return cmsgpack.pack(a)"),
            format!("{}c0", "91".repeat(16))
        );
    }

    #[test]
    fn unpacks_with_offsets() {
        let lua = lua();
        let got: String = run(
            &lua,
            "local s = cmsgpack.pack(1, 'ab', {3, {k = 'v'}}, -1.5) \
             local a, b = cmsgpack.unpack_one(s, 1) \
             local t = {cmsgpack.unpack(s)} \
             local n, x, y = cmsgpack.unpack_limit(s, 2, 1) \
             local e = cmsgpack.unpack_one(s, 16) \
             return table.concat({a, b, #t, t[3][2].k, t[4], n, x, y[1], e}, ',')",
        );
        assert_eq!(got, "4,ab,4,v,-1.5,11,ab,3,-1");
    }

    #[test]
    fn unpacks_deep_input() {
        let lua = lua();
        let depth: i64 = run(
            &lua,
            r"local t = cmsgpack.unpack(string.rep('\145', 3999) .. '\1')
              local d = 0 while type(t) == 'table' do d = d + 1 t = t[1] end return d",
        );
        assert_eq!(depth, 3999);
        let keyed: String = run(
            &lua,
            r"local t = cmsgpack.unpack(string.rep('\129\161k', 3000) .. '\1')
              local d = 0 while type(t) == 'table' do d = d + 1 t = t.k end return d .. ':' .. t",
        );
        assert_eq!(keyed, "3000:1");
        let table_key: String = run(
            &lua,
            r"local k, v = next(cmsgpack.unpack('\129\145\1\2')) return k[1] .. ',' .. v",
        );
        assert_eq!(table_key, "1,2");
    }

    #[test]
    fn returns_up_to_the_budget() {
        let lua = lua();
        let n: i64 = run(&lua, r"return select('#', cmsgpack.unpack(string.rep('\161a', 7000)))");
        assert_eq!(n, 7000);
        assert_eq!(
            error(&lua, r"cmsgpack.unpack(string.rep('\161a', 7001))"),
            "user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)"
        );
        assert_eq!(
            error(&lua, r"cmsgpack.unpack(string.rep('\1', 8000))"),
            "user_script:1: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)"
        );
        assert_eq!(
            error(&lua, r"cmsgpack.unpack(string.rep('\145', 4000) .. '\1')"),
            "user_script:1: stack overflow (in function mp_decode_to_lua_array)"
        );
    }

    #[test]
    fn errors_read_as_in_redis() {
        let lua = lua();
        let cases = [
            (
                "cmsgpack.pack()",
                "user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)",
            ),
            (r"cmsgpack.unpack('\193')", "user_script:1: Bad data format in input."),
            (r"cmsgpack.unpack('\145')", "user_script:1: Missing bytes in input."),
            (r"cmsgpack.unpack('\129\192\1')", "table index is nil"),
            (
                "cmsgpack.unpack_one('ab', 3)",
                "user_script:1: Start offset 3 greater than input length 2.",
            ),
            (
                "cmsgpack.unpack_one('ab', -1)",
                "user_script:1: Invalid request to unpack with offset of -1 and limit of 2.",
            ),
            (
                "cmsgpack.unpack_limit('ab')",
                "user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value)",
            ),
        ];
        for (call, message) in cases {
            assert_eq!(error(&lua, call), message, "{call}");
        }
    }
}
