//! The `cjson` library Redis gives scripts: lua-cjson 2.1.0's behaviour,
//! written here in Rust. `encode` turns a Lua value into JSON text,
//! `decode` JSON text into Lua values (`null` becomes `cjson.null`, a NULL
//! light userdata); the configuration functions (`encode_max_depth`,
//! `encode_sparse_array`, ...) change the settings of the table they
//! belong to, and `new` makes a table with its own settings.
//!
//! What scripts can observe is kept: numbers printed with `%.14g` (or the
//! configured precision), the escape table (`\/` and `\u007f` included),
//! the rule that turns a table into an array or an object, sparse arrays,
//! nesting limits that also stop where Lua's C stack would (8000 slots),
//! a text read only up to its first NUL byte, and every error message.

use std::cell::Cell;
use std::rc::Rc;

use mlua::{LightUserData, Lua, MultiValue, Table, Value};

use super::lualib::{self, arg_error, positioned};
use crate::util::number::{strtod, write_g};

/// lua-cjson checks for room on Lua's C stack at each nesting level.
const MAX_C_STACK: i32 = lualib::MAX_C_STACK as i32;

/// The references to Lua values nesting may hold (see
/// [`lualib::REF_BUDGET`]): only a script that raises `encode_max_depth`
/// or `decode_max_depth` far past their default of 1000 can tell, its
/// error coming a little earlier than on Redis.
const REF_BUDGET: i32 = lualib::REF_BUDGET as i32;

/// The bytes of the thread's stack encoding or decoding may use: both
/// recurse once per nesting level (a few hundred bytes each), and the
/// loop's thread has at least 8 MiB. Like [`REF_BUDGET`], only a raised
/// depth limit can reach it.
const STACK_BUDGET: usize = 3 << 20;

/// Where the stack is now, to measure how much a recursion has used.
#[inline(always)]
fn stack_mark() -> usize {
    let mark = 0u8;
    std::ptr::addr_of!(mark) as usize
}

/// One table's settings (lua-cjson's `json_config_t`).
#[derive(Clone, Copy)]
struct Config {
    /// Encode an excessively sparse array as an object instead of failing.
    sparse_convert: bool,
    /// An array is excessively sparse when its largest index is more than
    /// this many times its element count (0: never)...
    sparse_ratio: i32,
    /// ...and above this index.
    sparse_safe: i32,
    encode_max_depth: i32,
    decode_max_depth: i32,
    /// NaN and infinities: 0 refuse, 1 print them, 2 print `null`.
    encode_invalid_numbers: i32,
    /// Accept `nan`, `inf`, hexadecimal and `+` numbers when decoding.
    decode_invalid_numbers: bool,
    /// Has no effect here but is reported back, as lua-cjson does.
    keep_buffer: bool,
    /// Significant digits of encoded numbers, 1 to 14.
    precision: i32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sparse_convert: false,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            encode_invalid_numbers: 0,
            decode_invalid_numbers: true,
            keep_buffer: true,
            precision: 14,
        }
    }
}

/// Adds the `cjson` table to `globals`.
pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    globals.raw_set("cjson", module(lua)?)
}

/// A `cjson` table with default settings of its own.
fn module(lua: &Lua) -> mlua::Result<Table> {
    let cfg = Rc::new(Cell::new(Config::default()));
    let cjson = lua.create_table()?;
    let c = cfg.clone();
    cjson.raw_set(
        "encode",
        positioned(lua, move |lua, args| {
            if args.len() != 1 {
                return Err(arg_error(1, "expected 1 argument"));
            }
            let text = Encoder::new(c.get()).encode(&args[0])?;
            lua.create_string(text).map_err(|e| e.to_string())
        })?,
    )?;
    let c = cfg.clone();
    cjson.raw_set(
        "decode",
        positioned(lua, move |lua, args| {
            if args.len() != 1 {
                return Err(arg_error(1, "expected 1 argument"));
            }
            let text = lualib::check_string(&args, 1)?;
            decode(lua, c.get(), &text)
        })?,
    )?;
    type Setter = fn(&mut Options, &mut Config) -> Result<MultiValue, String>;
    let setters: [(&'static str, usize, Setter); 7] = [
        ("encode_sparse_array", 3, |o, c| {
            let mut out = o.boolean(1, &mut c.sparse_convert)?;
            out.push_back(o.integer(2, &mut c.sparse_ratio, 0, i32::MAX)?);
            out.push_back(o.integer(3, &mut c.sparse_safe, 0, i32::MAX)?);
            Ok(out)
        }),
        ("encode_max_depth", 1, |o, c| {
            o.integer(1, &mut c.encode_max_depth, 1, i32::MAX).map(single)
        }),
        ("decode_max_depth", 1, |o, c| {
            o.integer(1, &mut c.decode_max_depth, 1, i32::MAX).map(single)
        }),
        ("encode_number_precision", 1, |o, c| {
            o.integer(1, &mut c.precision, 1, 14).map(single)
        }),
        ("encode_keep_buffer", 1, |o, c| o.boolean(1, &mut c.keep_buffer)),
        ("encode_invalid_numbers", 1, |o, c| {
            o.choice(1, &mut c.encode_invalid_numbers, &["off", "on", "null"])
        }),
        ("decode_invalid_numbers", 1, |o, c| {
            o.boolean(1, &mut c.decode_invalid_numbers)
        }),
    ];
    for (name, count, setter) in setters {
        let c = cfg.clone();
        cjson.raw_set(
            name,
            positioned(lua, move |lua, args| {
                if args.len() > count {
                    return Err(arg_error(count + 1, "found too many arguments"));
                }
                let mut config = c.get();
                let mut options = Options { lua, args };
                let out = setter(&mut options, &mut config);
                c.set(config);
                out
            })?,
        )?;
    }
    cjson.raw_set("new", lua.create_function(|lua, _: MultiValue| module(lua))?)?;
    cjson.raw_set("null", Value::LightUserData(LightUserData(std::ptr::null_mut())))?;
    cjson.raw_set("_NAME", "cjson")?;
    cjson.raw_set("_VERSION", "2.1.0")?;
    Ok(cjson)
}

fn single(v: Value) -> MultiValue {
    MultiValue::from_iter([v])
}

fn type_name(v: &Value) -> &'static str {
    lualib::type_name(Some(v))
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(n) => Some(*n as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

// ---- Configuration -----------------------------------------------------------------------

/// The arguments of one configuration call; a missing argument is nil,
/// and nil leaves a setting as it is.
struct Options<'a> {
    lua: &'a Lua,
    args: MultiValue,
}

impl Options<'_> {
    fn arg(&self, i: usize) -> &Value {
        self.args.get(i - 1).unwrap_or(&Value::Nil)
    }

    /// An integer setting within `min..=max`, as `luaL_checkinteger` reads
    /// it (numeric strings accepted, fractions truncated).
    fn integer(&self, i: usize, setting: &mut i32, min: i32, max: i32) -> Result<Value, String> {
        let v = self.arg(i);
        if !v.is_nil() {
            let n = lualib::arg_number(Some(v))
                .ok_or_else(|| arg_error(i, &format!("number expected, got {}", type_name(v))))?;
            let n = n as i64 as i32;
            if n < min || n > max {
                // lua-cjson names argument 1 whichever it checks.
                return Err(arg_error(1, &format!("expected integer between {min} and {max}")));
            }
            *setting = n;
        }
        Ok(Value::Number(*setting as f64))
    }

    fn boolean(&self, i: usize, setting: &mut bool) -> Result<MultiValue, String> {
        let mut n = *setting as i32;
        let out = self.choice(i, &mut n, &["off", "on"])?;
        *setting = n != 0;
        Ok(out)
    }

    /// A setting given as a boolean or as one of `options` by name; it is
    /// reported back as a boolean when it is 0 or 1, else by name.
    fn choice(&self, i: usize, setting: &mut i32, options: &[&str]) -> Result<MultiValue, String> {
        match self.arg(i) {
            Value::Nil => {}
            Value::Boolean(b) => *setting = *b as i32,
            v => {
                let text = lualib::arg_text(v)
                    .ok_or_else(|| arg_error(i, &format!("string expected, got {}", type_name(v))))?;
                let Some(at) = options.iter().position(|o| o.as_bytes() == text) else {
                    let shown = String::from_utf8_lossy(&text);
                    return Err(arg_error(i, &format!("invalid option '{shown}'")));
                };
                *setting = at as i32;
            }
        }
        let v = if *setting <= 1 {
            Value::Boolean(*setting == 1)
        } else {
            Value::String(
                self.lua
                    .create_string(options[*setting as usize])
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(single(v))
    }
}

// ---- Encoding ----------------------------------------------------------------------------

/// What a nesting level has in use: slots of lua-cjson's C stack (to stop
/// where it stops), references of ours (see [`REF_BUDGET`]), and where
/// the recursion started on the thread's stack (see [`STACK_BUDGET`]).
#[derive(Clone, Copy)]
struct Held {
    slots: i32,
    refs: i32,
    stack_base: usize,
}

impl Held {
    /// The argument itself is the one slot in use on the C stack.
    fn start() -> Held {
        Held {
            slots: 1,
            refs: 0,
            stack_base: stack_mark(),
        }
    }

    fn more(self, slots: i32, refs: i32) -> Held {
        Held {
            slots: self.slots + slots,
            refs: self.refs + refs,
            ..self
        }
    }

    /// Whether one more level needing `need` C-stack slots fits.
    fn room_for(&self, need: i32) -> bool {
        self.slots + need <= MAX_C_STACK
            && self.refs <= REF_BUDGET
            && self.stack_base.abs_diff(stack_mark()) <= STACK_BUDGET
    }
}

struct Encoder {
    cfg: Config,
    out: Vec<u8>,
}

impl Encoder {
    fn new(cfg: Config) -> Encoder {
        Encoder { cfg, out: Vec::new() }
    }

    fn encode(mut self, v: &Value) -> Result<Vec<u8>, String> {
        self.value(v, 0, Held::start())?;
        Ok(self.out)
    }

    /// Appends `v`, found `depth` tables deep with `held` in use.
    fn value(&mut self, v: &Value, depth: i32, held: Held) -> Result<(), String> {
        match v {
            Value::String(s) => self.string(&s.as_bytes()),
            Value::Integer(n) => self.number(*n as f64)?,
            Value::Number(n) => self.number(*n)?,
            Value::Boolean(true) => self.out.extend_from_slice(b"true"),
            Value::Boolean(false) => self.out.extend_from_slice(b"false"),
            Value::Nil => self.out.extend_from_slice(b"null"),
            Value::LightUserData(p) if p.0.is_null() => self.out.extend_from_slice(b"null"),
            Value::Table(t) => {
                let depth = depth + 1;
                if depth > self.cfg.encode_max_depth || !held.room_for(3) {
                    return Err(format!("Cannot serialise, excessive nesting ({depth})"));
                }
                match self.array_length(t)? {
                    Some(len) if len > 0 => self.array(t, len, depth, held)?,
                    _ => self.object(t, depth, held)?,
                }
            }
            other => return Err(format!("Cannot serialise {}: type not supported", type_name(other))),
        }
        Ok(())
    }

    /// The largest index when every key of `t` is a positive integer and
    /// the array is not excessively sparse; `None` for an object. The
    /// index is kept in a C `int` as lua-cjson keeps it: past 2^31 it
    /// becomes `INT_MIN` (x86's conversion), which makes an object.
    #[inline(never)]
    fn array_length(&self, t: &Table) -> Result<Option<i32>, String> {
        let (mut max, mut items) = (0i32, 0i64);
        for pair in t.pairs::<Value, Value>() {
            let (k, _) = pair.map_err(|e| e.to_string())?;
            match number_of(&k) {
                Some(k) if k != 0.0 && k.floor() == k && k >= 1.0 => {
                    if k > max as f64 {
                        max = if k < 2_147_483_648.0 { k as i32 } else { i32::MIN };
                    }
                    items += 1;
                }
                _ => return Ok(None),
            }
        }
        let cfg = &self.cfg;
        if cfg.sparse_ratio > 0 && max as i64 > items * cfg.sparse_ratio as i64 && max > cfg.sparse_safe {
            if !cfg.sparse_convert {
                return Err("Cannot serialise table: excessively sparse array".into());
            }
            return Ok(None);
        }
        Ok(Some(max))
    }

    fn array(&mut self, t: &Table, len: i32, depth: i32, held: Held) -> Result<(), String> {
        self.out.push(b'[');
        for i in 1..=len {
            if i > 1 {
                self.out.push(b',');
            }
            let v: Value = t.raw_get(i).map_err(|e| e.to_string())?;
            let v = lualib::exact(t, i, v);
            // lua-cjson has the element on the stack; here it is a reference.
            self.value(&v, depth, held.more(1, 1))?;
        }
        self.out.push(b']');
        Ok(())
    }

    fn object(&mut self, t: &Table, depth: i32, held: Held) -> Result<(), String> {
        self.out.push(b'{');
        for (n, pair) in t.pairs::<Value, Value>().enumerate() {
            let (k, v) = pair.map_err(|e| e.to_string())?;
            let v = match v {
                Value::Integer(0) => lualib::exact(t, k.clone(), v),
                v => v,
            };
            if n > 0 {
                self.out.push(b',');
            }
            match &k {
                Value::String(s) => {
                    self.string(&s.as_bytes());
                    self.out.push(b':');
                }
                Value::Integer(_) | Value::Number(_) => {
                    self.out.push(b'"');
                    self.number(number_of(&k).unwrap_or_default())?;
                    self.out.extend_from_slice(b"\":");
                }
                other => {
                    return Err(format!(
                        "Cannot serialise {}: table key must be a number or string",
                        type_name(other)
                    ));
                }
            }
            // lua-cjson has the key and the value on the stack; here they
            // are references, and the iterator keeps one more to the key.
            self.value(&v, depth, held.more(2, 3))?;
        }
        self.out.push(b'}');
        Ok(())
    }

    #[inline(never)]
    fn number(&mut self, n: f64) -> Result<(), String> {
        if !n.is_finite() {
            match self.cfg.encode_invalid_numbers {
                0 => return Err("Cannot serialise number: must not be NaN or Inf".into()),
                1 if n.is_nan() => {
                    self.out.extend_from_slice(b"nan");
                    return Ok(());
                }
                1 => {}
                _ => {
                    self.out.extend_from_slice(b"null");
                    return Ok(());
                }
            }
        }
        write_g(&mut self.out, n, self.cfg.precision as usize);
        Ok(())
    }

    #[inline(never)]
    fn string(&mut self, s: &[u8]) {
        self.out.reserve(s.len() + 2);
        self.out.push(b'"');
        for &c in s {
            match c {
                b'"' => self.out.extend_from_slice(b"\\\""),
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                b'/' => self.out.extend_from_slice(b"\\/"),
                0x08 => self.out.extend_from_slice(b"\\b"),
                b'\t' => self.out.extend_from_slice(b"\\t"),
                b'\n' => self.out.extend_from_slice(b"\\n"),
                0x0c => self.out.extend_from_slice(b"\\f"),
                b'\r' => self.out.extend_from_slice(b"\\r"),
                0..0x20 | 0x7f => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    self.out.extend_from_slice(b"\\u00");
                    self.out.push(HEX[(c >> 4) as usize]);
                    self.out.push(HEX[(c & 15) as usize]);
                }
                _ => self.out.push(c),
            }
        }
        self.out.push(b'"');
    }
}

// ---- Decoding ----------------------------------------------------------------------------

/// lua-cjson's tokens; the names are those its errors print.
enum Token {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str(Vec<u8>),
    Number(f64),
    Boolean(bool),
    Null,
    Colon,
    Comma,
    End,
    /// A token that could not be read, and why.
    Error(&'static str),
}

impl Token {
    fn name(&self) -> &'static str {
        match self {
            Token::ObjBegin => "T_OBJ_BEGIN",
            Token::ObjEnd => "T_OBJ_END",
            Token::ArrBegin => "T_ARR_BEGIN",
            Token::ArrEnd => "T_ARR_END",
            Token::Str(_) => "T_STRING",
            Token::Number(_) => "T_NUMBER",
            Token::Boolean(_) => "T_BOOLEAN",
            Token::Null => "T_NULL",
            Token::Colon => "T_COLON",
            Token::Comma => "T_COMMA",
            Token::End => "T_END",
            Token::Error(why) => why,
        }
    }
}

/// Decodes one JSON value filling all of `text` (up to its first NUL).
fn decode(lua: &Lua, cfg: Config, text: &[u8]) -> Result<Value, String> {
    if text.len() >= 2 && (text[0] == 0 || text[1] == 0) {
        return Err("JSON parser does not support UTF-16 or UTF-32".into());
    }
    let end = memchr::memchr(0, text).unwrap_or(text.len());
    let mut p = Parser {
        lua,
        cfg,
        data: &text[..end],
        pos: 0,
        depth: 0,
    };
    let (token, at) = p.next_token();
    let v = p.value(token, at, Held::start())?;
    let (token, at) = p.next_token();
    if !matches!(token, Token::End) {
        return Err(expected("the end", &token, at));
    }
    Ok(v)
}

#[inline(never)]
fn expected(what: &str, found: &Token, at: usize) -> String {
    format!("Expected {what} but found {} at character {}", found.name(), at + 1)
}

struct Parser<'a> {
    lua: &'a Lua,
    cfg: Config,
    data: &'a [u8],
    pos: usize,
    depth: i32,
}

impl Parser<'_> {
    fn at(&self, i: usize) -> u8 {
        self.data.get(i).copied().unwrap_or(0)
    }

    /// The next token and where it starts (for an error token, where the
    /// error is).
    #[inline(never)]
    fn next_token(&mut self) -> (Token, usize) {
        while matches!(self.at(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let start = self.pos;
        let single = match self.at(start) {
            0 => return (Token::End, start),
            b'{' => Token::ObjBegin,
            b'}' => Token::ObjEnd,
            b'[' => Token::ArrBegin,
            b']' => Token::ArrEnd,
            b',' => Token::Comma,
            b':' => Token::Colon,
            b'"' => return self.string(),
            b'-' | b'0'..=b'9' => {
                if !self.cfg.decode_invalid_numbers && self.invalid_number() {
                    return (Token::Error("invalid number"), start);
                }
                return self.number();
            }
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'+' => {
                let rest = &self.data[start..];
                for (word, token) in [
                    (&b"true"[..], Token::Boolean(true)),
                    (b"false", Token::Boolean(false)),
                    (b"null", Token::Null),
                ] {
                    if rest.starts_with(word) {
                        self.pos += word.len();
                        return (token, start);
                    }
                }
                if self.cfg.decode_invalid_numbers && self.invalid_number() {
                    return self.number();
                }
                return (Token::Error("invalid token"), start);
            }
            _ => return (Token::Error("invalid token"), start),
        };
        self.pos += 1;
        (single, start)
    }

    /// Numbers strict JSON does not allow but `strtod` reads: a leading
    /// `+`, hexadecimal, leading zeros, `inf` and `nan`.
    fn invalid_number(&self) -> bool {
        let mut p = self.pos;
        match self.at(p) {
            b'+' => return true,
            b'-' => p += 1,
            _ => {}
        }
        let c = self.at(p);
        if c == b'0' {
            let next = self.at(p + 1);
            return next | 0x20 == b'x' || next.is_ascii_digit();
        }
        if c <= b'9' {
            return false;
        }
        let rest = &self.data[p..];
        let word = |w: &[u8]| rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(w);
        word(b"inf") || word(b"nan")
    }

    fn number(&mut self) -> (Token, usize) {
        let start = self.pos;
        let r = strtod(&self.data[start..]);
        if r.consumed == 0 {
            return (Token::Error("invalid number"), start);
        }
        self.pos += r.consumed;
        (Token::Number(r.value), start)
    }

    /// A string token; `pos` is at its opening quote.
    fn string(&mut self) -> (Token, usize) {
        let start = self.pos;
        self.pos += 1;
        let mut s = Vec::new();
        loop {
            let c = self.at(self.pos);
            match c {
                b'"' => break,
                0 => return (Token::Error("unexpected end of string"), self.pos),
                b'\\' => {
                    let unescaped = match self.at(self.pos + 1) {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b't' => b'\t',
                        b'n' => b'\n',
                        b'f' => 0x0c,
                        b'r' => b'\r',
                        b'u' => {
                            if !self.unicode_escape(&mut s) {
                                return (Token::Error("invalid unicode escape code"), self.pos);
                            }
                            continue;
                        }
                        _ => return (Token::Error("invalid escape code"), self.pos),
                    };
                    s.push(unescaped);
                    self.pos += 2;
                }
                _ => {
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
        self.pos += 1;
        (Token::Str(s), start)
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut v = 0;
        for i in 0..4 {
            v = v << 4 | (self.at(at + i) as char).to_digit(16)?;
        }
        Some(v)
    }

    /// `\uXXXX` (or a surrogate pair of them) at `pos`, appended as UTF-8.
    fn unicode_escape(&mut self, s: &mut Vec<u8>) -> bool {
        let Some(mut cp) = self.hex4(self.pos + 2) else {
            return false;
        };
        let mut len = 6;
        if cp & 0xF800 == 0xD800 {
            if cp & 0x400 != 0 || self.at(self.pos + 6) != b'\\' || self.at(self.pos + 7) != b'u' {
                return false;
            }
            let Some(low) = self.hex4(self.pos + 8).filter(|low| low & 0xFC00 == 0xDC00) else {
                return false;
            };
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        // Every code point here is valid Unicode: surrogates were paired.
        let mut buf = [0; 4];
        s.extend_from_slice(
            char::from_u32(cp)
                .unwrap_or('\u{FFFD}')
                .encode_utf8(&mut buf)
                .as_bytes(),
        );
        self.pos += len;
        true
    }

    /// One level deeper, needing `need` C-stack slots with `held` in use.
    #[inline(never)]
    fn descend(&mut self, held: Held, need: i32) -> Result<(), String> {
        self.depth += 1;
        if self.depth <= self.cfg.decode_max_depth && held.room_for(need) {
            return Ok(());
        }
        Err(format!(
            "Found too many nested data structures ({}) at character {}",
            self.depth, self.pos
        ))
    }

    fn value(&mut self, token: Token, at: usize, held: Held) -> Result<Value, String> {
        let lua_err = |e: mlua::Error| e.to_string();
        Ok(match token {
            Token::Str(s) => Value::String(self.lua.create_string(s).map_err(lua_err)?),
            Token::Number(n) => Value::Number(n),
            Token::Boolean(b) => Value::Boolean(b),
            Token::Null => Value::LightUserData(LightUserData(std::ptr::null_mut())),
            Token::ObjBegin => Value::Table(self.object(held)?),
            Token::ArrBegin => Value::Table(self.array(held)?),
            other => return Err(expected("value", &other, at)),
        })
    }

    fn object(&mut self, held: Held) -> Result<Table, String> {
        let lua_err = |e: mlua::Error| e.to_string();
        self.descend(held, 3)?;
        let t = self.lua.create_table().map_err(lua_err)?;
        let (mut token, mut at) = self.next_token();
        if matches!(token, Token::ObjEnd) {
            self.depth -= 1;
            return Ok(t);
        }
        loop {
            let Token::Str(key) = token else {
                return Err(expected("object key string", &token, at));
            };
            let key = self.lua.create_string(key).map_err(lua_err)?;
            (token, at) = self.next_token();
            if !matches!(token, Token::Colon) {
                return Err(expected("colon", &token, at));
            }
            let (vt, vat) = self.next_token();
            // The table and the key are held below the value.
            let v = self.value(vt, vat, held.more(2, 2))?;
            t.raw_set(key, v).map_err(lua_err)?;
            (token, at) = self.next_token();
            match token {
                Token::ObjEnd => break,
                Token::Comma => (token, at) = self.next_token(),
                _ => return Err(expected("comma or object end", &token, at)),
            }
        }
        self.depth -= 1;
        Ok(t)
    }

    fn array(&mut self, held: Held) -> Result<Table, String> {
        let lua_err = |e: mlua::Error| e.to_string();
        self.descend(held, 2)?;
        let t = self.lua.create_table().map_err(lua_err)?;
        let (mut token, mut at) = self.next_token();
        if matches!(token, Token::ArrEnd) {
            self.depth -= 1;
            return Ok(t);
        }
        for i in 1.. {
            let v = self.value(token, at, held.more(1, 1))?;
            t.raw_set(i, v).map_err(lua_err)?;
            (token, at) = self.next_token();
            match token {
                Token::ArrEnd => break,
                Token::Comma => (token, at) = self.next_token(),
                _ => return Err(expected("comma or array end", &token, at)),
            }
        }
        self.depth -= 1;
        Ok(t)
    }
}
