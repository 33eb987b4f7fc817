//! The `bit` library Redis gives scripts (LuaBitOp 1.0.2's API, written
//! here in Rust): 32-bit operations on Lua numbers. Arguments are numbers
//! or numeric strings, wrapped to 32 bits as LuaBitOp does (rounded to the
//! nearest integer, ties to even, then taken modulo 2^32); results are
//! signed 32-bit numbers.

use mlua::{Lua, MultiValue, Table, Value};

use super::lualib::{arg_number, positioned, type_error};

/// `luaL_checknumber` then LuaBitOp's `barg`: the argument's low 32 bits.
fn arg(args: &MultiValue, i: usize) -> Result<u32, String> {
    let n = arg_number(args.get(i)).ok_or_else(|| type_error(args, i + 1, "number"))?;
    // Adding 2^52 + 2^51 puts the integer part in the mantissa's low bits,
    // rounded as the FPU rounds (to nearest, ties to even).
    Ok((n + 6_755_399_441_055_744.0).to_bits() as u32)
}

fn result(b: u32) -> Value {
    Value::Number(b as i32 as f64)
}

/// Adds the `bit` table to `globals`.
pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    let bit = lua.create_table()?;
    type Unary = fn(u32) -> u32;
    let unary: [(&str, Unary); 3] = [("tobit", |b| b), ("bnot", |b| !b), ("bswap", u32::swap_bytes)];
    for (name, op) in unary {
        bit.raw_set(name, positioned(lua, move |_, args| Ok(result(op(arg(&args, 0)?))))?)?;
    }
    type Fold = fn(u32, u32) -> u32;
    let folds: [(&str, Fold); 3] = [("band", |a, b| a & b), ("bor", |a, b| a | b), ("bxor", |a, b| a ^ b)];
    for (name, op) in folds {
        bit.raw_set(
            name,
            positioned(lua, move |_, args| {
                let mut acc = arg(&args, 0)?;
                for i in 1..args.len() {
                    acc = op(acc, arg(&args, i)?);
                }
                Ok(result(acc))
            })?,
        )?;
    }
    type Shift = fn(u32, u32) -> u32;
    let shifts: [(&str, Shift); 5] = [
        ("lshift", |b, n| b << n),
        ("rshift", |b, n| b >> n),
        ("arshift", |b, n| ((b as i32) >> n) as u32),
        ("rol", u32::rotate_left),
        ("ror", u32::rotate_right),
    ];
    for (name, op) in shifts {
        bit.raw_set(
            name,
            positioned(lua, move |_, args| {
                let b = arg(&args, 0)?;
                let n = arg(&args, 1)? & 31;
                Ok(result(op(b, n)))
            })?,
        )?;
    }
    bit.raw_set(
        "tohex",
        positioned(lua, |lua, args| {
            let mut b = arg(&args, 0)?;
            let mut n = if args.len() > 1 { arg(&args, 1)? as i32 } else { 8 };
            let digits: &[u8; 16] = if n < 0 {
                n = n.wrapping_neg();
                b"0123456789ABCDEF"
            } else {
                b"0123456789abcdef"
            };
            let n = (n as u32).min(8) as usize;
            let mut buf = [0u8; 8];
            for i in (0..n).rev() {
                buf[i] = digits[(b & 15) as usize];
                b >>= 4;
            }
            lua.create_string(&buf[..n])
                .map(Value::String)
                .map_err(|e| e.to_string())
        })?,
    )?;
    globals.raw_set("bit", bit)
}
