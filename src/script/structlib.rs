//! The `struct` library Redis gives scripts (Roberto Ierusalimschy's
//! struct.c, 2018, as Redis 7.0 builds it), written here in Rust:
//! `struct.pack(fmt, ...)`, `struct.unpack(fmt, data [, init])` (the values,
//! then the position after the last byte read) and `struct.size(fmt)`.
//!
//! Formats: `<` `>` little/big endian (little by default, x86-64's native
//! order), `![n]` maximum alignment (8 by default), `x` a pad byte, `b`/`B`
//! `h`/`H` `l`/`L` `T` `i[n]`/`I[n]` integers (1, 2, 8, 8 and n bytes, n up
//! to 32, 4 by default), `f` `d` floats, `s` a zero-terminated string,
//! `c[n]` n bytes (`c0`: the whole string when packing, the previous
//! result's length when unpacking), ` ` ignored.
//!
//! Everything is as the C code on x86-64 Linux: integers travel through a
//! C `long` (64 bits; wider integers are zero-filled when packed and read
//! from their low 8 bytes), doubles are cast to integers as the CPU's
//! `cvttsd2si` does (NaN and out-of-range values give the bits
//! 0x8000000000000000), and shifts of 64 bits or more wrap their count as
//! the CPU does. Errors are luaL_error's and luaL_argerror's texts, the
//! function named as Lua names it from the call.
//!
//! Known difference: mlua (lua51) hands Rust a number within f64::EPSILON
//! of an integer as that integer, so -0.0 and numbers of magnitude below
//! 2^-52 arrive as 0; `f`/`d` (and `s`/`c` of such a number) pack them as 0.

use mlua::{Lua, MultiValue, Table, Value};

use super::lualib::{REF_BUDGET, arg_error, arg_number, check_string, positioned, type_error};

/// Largest size of an integral option (`i32`).
const MAXINTSIZE: usize = 32;
/// Default maximum alignment of `!`: x86-64's alignment of a double.
const MAXALIGN: usize = 8;
/// Lua 5.1's LUAI_MAXCSTACK: stack slots a C function may use.
const MAXCSTACK: usize = 8000;

const TWO63: f64 = 9_223_372_036_854_775_808.0;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endian {
    Big,
    Little,
}

/// Endianness and maximum alignment, as options change them.
struct Header {
    endian: Endian,
    align: usize,
}

impl Default for Header {
    fn default() -> Header {
        Header {
            endian: Endian::Little,
            align: 1,
        }
    }
}

/// Adds the `struct` table to `globals`.
pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    let t = lua.create_table()?;
    t.raw_set("pack", positioned(lua, pack)?)?;
    t.raw_set("unpack", positioned(lua, |lua, args| unpack(lua, &args))?)?;
    t.raw_set("size", positioned(lua, |_, args| fixed_size(&args))?)?;
    globals.raw_set("struct", t)
}

// ---- arguments, as lauxlib checks them -----------------------------------------------------

/// `luaL_checknumber(narg)`.
fn check_number(args: &MultiValue, narg: usize) -> Result<f64, String> {
    match args.get(narg - 1).and_then(|v| arg_number(Some(v))) {
        Some(n) => Ok(n),
        None => Err(type_error(args, narg, "number")),
    }
}

/// A C string's view of `s`: up to its first NUL.
fn until_nul(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(end) => &s[..end],
        None => s,
    }
}

// ---- C conversions on x86-64 ---------------------------------------------------------------

/// `(long)n`: `cvttsd2si`, truncating; NaN and values out of range give
/// the "integer indefinite" value, -2^63.
fn c_long(n: f64) -> i64 {
    if (-TWO63..TWO63).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

/// `(unsigned long)n` as gcc compiles it: below 2^63 (or NaN) as
/// [`c_long`], else 2^63 is taken off and put back as the top bit (so 2^64
/// and beyond, and infinity, give 0).
fn c_ulong(n: f64) -> u64 {
    if n >= TWO63 {
        (c_long(n - TWO63) as u64) ^ (1 << 63)
    } else {
        c_long(n) as u64
    }
}

/// `(float)n`, NaNs converted as `cvtsd2ss` does (sign kept, quieted, top
/// payload bits kept).
fn to_float(n: f64) -> f32 {
    if n.is_nan() {
        let b = n.to_bits();
        f32::from_bits((((b >> 32) as u32) & 0x8000_0000) | 0x7fc0_0000 | (((b >> 29) as u32) & 0x003f_ffff))
    } else {
        n as f32
    }
}

/// `(double)f`, NaNs converted as `cvtss2sd` does.
fn from_float(f: f32) -> f64 {
    if f.is_nan() {
        let b = u64::from(f.to_bits());
        f64::from_bits(((b & 0x8000_0000) << 32) | 0x7ff8_0000_0000_0000 | ((b & 0x003f_ffff) << 29))
    } else {
        f64::from(f)
    }
}

// ---- formats -------------------------------------------------------------------------------

/// A format being read, up to its first NUL (it is a C string there).
struct Format<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Format<'a> {
    fn new(s: &'a [u8]) -> Format<'a> {
        Format { s: until_nul(s), i: 0 }
    }

    fn next_opt(&mut self) -> Option<u8> {
        let c = *self.s.get(self.i)?;
        self.i += 1;
        Some(c)
    }

    fn at_digit(&self) -> bool {
        self.s.get(self.i).is_some_and(u8::is_ascii_digit)
    }

    /// `getnum`: the number that follows, or `df`; at most INT_MAX.
    fn num(&mut self, df: usize) -> Result<usize, String> {
        if !self.at_digit() {
            return Ok(df);
        }
        let mut a: i32 = 0;
        while self.at_digit() {
            let d = i32::from(self.s[self.i] - b'0');
            if a > i32::MAX / 10 || a * 10 > i32::MAX - d {
                return Err("integral size overflow".into());
            }
            a = a * 10 + d;
            self.i += 1;
        }
        Ok(a as usize)
    }

    /// `optsize`: the size of option `opt` (reading its count if it has
    /// one); 0 for options that need no alignment.
    fn opt_size(&mut self, opt: u8) -> Result<usize, String> {
        Ok(match opt {
            b'B' | b'b' => 1,
            b'H' | b'h' => 2,
            b'L' | b'l' | b'T' => 8,
            b'f' => 4,
            b'd' => 8,
            b'x' => 1,
            b'c' => self.num(1)?,
            b'i' | b'I' => {
                let sz = self.num(4)?;
                if sz > MAXINTSIZE {
                    return Err(format!("integral size {sz} is larger than limit of {MAXINTSIZE}"));
                }
                sz
            }
            _ => 0,
        })
    }

    /// `controloptions`: endianness, alignment, spaces; anything else is
    /// an invalid option.
    fn control(&mut self, opt: u8, h: &mut Header) -> Result<(), String> {
        match opt {
            b' ' => {}
            b'>' => h.endian = Endian::Big,
            b'<' => h.endian = Endian::Little,
            b'!' => {
                let a = self.num(MAXALIGN)?;
                if a == 0 || a & (a - 1) != 0 {
                    return Err(format!("alignment {a} is not a power of 2"));
                }
                h.align = a;
            }
            _ => {
                return Err(arg_error(1, &format!("invalid format option '{}'", char::from(opt))));
            }
        }
        Ok(())
    }
}

/// `gettoalign`: padding before an item of `size` at `len`, the size
/// capped by the maximum alignment (a size that is not a power of 2 gives
/// the odd padding the C arithmetic gives).
fn to_align(len: usize, h: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align);
    size.wrapping_sub(len & (size - 1)) & (size - 1)
}

fn is_integral(opt: u8) -> bool {
    matches!(opt, b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I')
}

/// `putinteger`: negative numbers through `long`, others through
/// `unsigned long`; bytes past the eighth are 0.
fn put_integer(out: &mut Vec<u8>, n: f64, endian: Endian, size: usize) {
    let value = if n < 0.0 { c_long(n) as u64 } else { c_ulong(n) };
    let byte = |k: usize| if k < 8 { (value >> (8 * k)) as u8 } else { 0 };
    match endian {
        Endian::Little => out.extend((0..size).map(byte)),
        Endian::Big => out.extend((0..size).rev().map(byte)),
    }
}

/// `getinteger`: the low 8 bytes as an `unsigned long`; signed formats
/// sign-extend from bit `size*8 - 1`, the shift count taken modulo 64 as
/// the CPU does (so sizes over 8 extend from odd bits).
fn get_integer(buf: &[u8], endian: Endian, signed: bool) -> f64 {
    let mut l: u64 = 0;
    match endian {
        Endian::Big => {
            for &b in buf {
                l = (l << 8) | u64::from(b);
            }
        }
        Endian::Little => {
            for &b in buf.iter().rev() {
                l = (l << 8) | u64::from(b);
            }
        }
    }
    if !signed {
        return l as f64;
    }
    let mask = u64::MAX.wrapping_shl((buf.len() as u32 * 8).wrapping_sub(1));
    if l & mask != 0 {
        l |= mask;
    }
    l as i64 as f64
}

// ---- the functions -------------------------------------------------------------------------

/// `struct.pack(fmt, ...)`.
fn pack(lua: &Lua, mut args: MultiValue) -> Result<Value, String> {
    let fmt_text = check_string(&args, 1)?;
    // The C code pushes a nil after the arguments (then its buffer): the
    // first missing argument reads as that nil.
    args.push_back(Value::Nil);
    let args = &args;
    let mut fmt = Format::new(&fmt_text);
    let mut h = Header::default();
    let mut arg = 2;
    let mut total: usize = 0;
    let mut out: Vec<u8> = Vec::new();
    while let Some(opt) = fmt.next_opt() {
        let mut size = fmt.opt_size(opt)?;
        let pad = to_align(total, &h, opt, size);
        total = total.wrapping_add(pad);
        out.resize(out.len() + pad, 0);
        match opt {
            _ if is_integral(opt) => {
                let n = check_number(args, arg)?;
                arg += 1;
                put_integer(&mut out, n, h.endian, size);
            }
            b'x' => out.push(0),
            b'f' => {
                let bits = to_float(check_number(args, arg)?).to_bits();
                arg += 1;
                match h.endian {
                    Endian::Little => out.extend_from_slice(&bits.to_le_bytes()),
                    Endian::Big => out.extend_from_slice(&bits.to_be_bytes()),
                }
            }
            b'd' => {
                let bits = check_number(args, arg)?.to_bits();
                arg += 1;
                match h.endian {
                    Endian::Little => out.extend_from_slice(&bits.to_le_bytes()),
                    Endian::Big => out.extend_from_slice(&bits.to_be_bytes()),
                }
            }
            b'c' | b's' => {
                let text = check_string(args, arg)?;
                let s = text.as_slice();
                arg += 1;
                if size == 0 {
                    size = s.len();
                }
                if s.len() < size {
                    // The C code reports the argument after the string.
                    return Err(arg_error(arg, "string too short"));
                }
                out.extend_from_slice(&s[..size]);
                if opt == b's' {
                    out.push(0);
                    size += 1;
                }
            }
            _ => fmt.control(opt, &mut h)?,
        }
        total = total.wrapping_add(size);
    }
    lua.create_string(&out).map(Value::String).map_err(|e| e.to_string())
}

/// `struct.unpack(fmt, data [, init])`: the values, then the position
/// after the last byte read.
fn unpack(lua: &Lua, args: &MultiValue) -> Result<MultiValue, String> {
    let fmt_text = check_string(args, 1)?;
    let mut fmt = Format::new(&fmt_text);
    let data_text = check_string(args, 2)?;
    let data: &[u8] = &data_text;
    let ld = data.len();
    // luaL_optinteger, into a size_t.
    let init = match args.get(2) {
        None | Some(Value::Nil) => 1,
        Some(v) => match arg_number(Some(v)) {
            Some(n) => c_long(n) as usize,
            None => return Err(type_error(args, 3, "number")),
        },
    };
    if init == 0 {
        return Err(arg_error(3, "offset must be 1 or greater"));
    }
    let mut pos = init - 1;
    let mut h = Header::default();
    let mut results: Vec<Value> = Vec::new();
    let too_short = || arg_error(2, "data string too short");
    while let Some(opt) = fmt.next_opt() {
        let mut size = fmt.opt_size(opt)?;
        pos = pos.wrapping_add(to_align(pos, &h, opt, size));
        if !(size <= ld && pos <= ld - size) {
            return Err(too_short());
        }
        // luaL_checkstack(L, 2): the arguments and the results so far
        // must leave room for two more.
        // Each string result is also held from Rust until returned (see
        // `lualib::REF_BUDGET`).
        if args.len() + results.len() + 2 > MAXCSTACK || results.len() >= REF_BUDGET {
            return Err("stack overflow (too many results)".into());
        }
        match opt {
            _ if is_integral(opt) => {
                let signed = opt.is_ascii_lowercase();
                results.push(Value::Number(get_integer(&data[pos..pos + size], h.endian, signed)));
            }
            b'x' => {}
            b'f' => {
                let mut b = [0u8; 4];
                b.copy_from_slice(&data[pos..pos + 4]);
                let f = match h.endian {
                    Endian::Little => f32::from_le_bytes(b),
                    Endian::Big => f32::from_be_bytes(b),
                };
                results.push(Value::Number(from_float(f)));
            }
            b'd' => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&data[pos..pos + 8]);
                let d = match h.endian {
                    Endian::Little => f64::from_le_bytes(b),
                    Endian::Big => f64::from_be_bytes(b),
                };
                results.push(Value::Number(d));
            }
            b'c' => {
                if size == 0 {
                    // The length is the previous result, which it replaces.
                    let Some(n) = results.last().and_then(|v| arg_number(Some(v))) else {
                        return Err("format 'c0' needs a previous size".into());
                    };
                    size = c_ulong(n) as usize;
                    results.pop();
                    if !(size <= ld && pos <= ld - size) {
                        return Err(too_short());
                    }
                }
                let s = lua.create_string(&data[pos..pos + size]).map_err(|e| e.to_string())?;
                results.push(Value::String(s));
            }
            b's' => {
                let Some(len) = data[pos..].iter().position(|&b| b == 0) else {
                    return Err("unfinished string in data".into());
                };
                size = len + 1;
                let s = lua.create_string(&data[pos..pos + len]).map_err(|e| e.to_string())?;
                results.push(Value::String(s));
            }
            _ => fmt.control(opt, &mut h)?,
        }
        pos = pos.wrapping_add(size);
    }
    results.push(Value::Number(pos.wrapping_add(1) as i64 as f64));
    Ok(MultiValue::from_vec(results))
}

/// `struct.size(fmt)`: the bytes `fmt` packs to. Letters and digits that
/// are not options count nothing (the C code only checks the others).
fn fixed_size(args: &MultiValue) -> Result<Value, String> {
    let fmt_text = check_string(args, 1)?;
    let mut fmt = Format::new(&fmt_text);
    let mut h = Header::default();
    let mut pos: usize = 0;
    while let Some(opt) = fmt.next_opt() {
        let size = fmt.opt_size(opt)?;
        pos = pos.wrapping_add(to_align(pos, &h, opt, size));
        if opt == b's' {
            return Err(arg_error(1, "option 's' has no fixed size"));
        } else if opt == b'c' && size == 0 {
            return Err(arg_error(1, "option 'c0' has no fixed size"));
        }
        if !opt.is_ascii_alphanumeric() {
            fmt.control(opt, &mut h)?;
        }
        pos = pos.wrapping_add(size);
    }
    Ok(Value::Number(pos as i64 as f64))
}
