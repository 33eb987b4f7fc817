//! The two conversions between Redis and Lua, as Redis 7.0 does them: a
//! command's reply (RESP2 or RESP3, as `redis.setresp` chose) into Lua
//! values for `redis.call`, and a script's result into the caller's reply.
//! Also the error tables (`{err="CODE message"}`) both directions use.

use mlua::{Lua, Table, Value};

use crate::resp::reply::Reply;

/// How deep a script's result may nest before the reply is cut with
/// `-ERR reached lua stack limit`: where Redis's Lua stack (8000 slots,
/// a few in use) runs out on it.
const MAX_DEPTH: usize = 7995;

// ---- errors --------------------------------------------------------------------------------

/// Redis's `luaPushErrorBuff`: `-CODE message` keeps its code, anything
/// else gets `ERR`; trailing CR and LF are trimmed.
pub fn error_text(buf: &[u8]) -> Vec<u8> {
    let (code, msg): (&[u8], &[u8]) = match buf.strip_prefix(b"-") {
        Some(rest) => match memchr::memchr(b' ', rest) {
            Some(sp) => (&rest[..sp], &rest[sp + 1..]),
            None => (b"ERR", rest),
        },
        None => (b"ERR", buf),
    };
    let trim = |b: &u8| *b == b'\r' || *b == b'\n';
    let start = msg.iter().position(|b| !trim(b)).unwrap_or(msg.len());
    let end = msg.iter().rposition(|b| !trim(b)).map_or(start, |e| e + 1);
    let mut out = Vec::with_capacity(code.len() + 1 + end - start);
    out.extend_from_slice(code);
    out.push(b' ');
    out.extend_from_slice(&msg[start..end]);
    out
}

/// `redis.error_reply(text)`'s `err` field: a `-` is added if missing,
/// then as [`error_text`].
pub fn error_table_text(text: &[u8]) -> Vec<u8> {
    if text.starts_with(b"-") {
        error_text(text)
    } else {
        error_text(&[b"-".as_slice(), text].concat())
    }
}

/// The field marking an error table whose error was already counted in
/// the error statistics (Redis's name for it).
pub const COUNTED: &str = "ignore_error_stats_update";

/// A table `{err = <error_text(buf)>}`, marked if already `counted`.
pub fn error_table(lua: &Lua, buf: &[u8], counted: bool) -> mlua::Result<Value> {
    let t = lua.create_table_with_capacity(0, 2)?;
    t.raw_set("err", lua.create_string(error_text(buf))?)?;
    if counted {
        t.raw_set(COUNTED, true)?;
    }
    Ok(Value::Table(t))
}

/// The error EVAL or FCALL replies for a script that raised `err` (the
/// table the error handler made): `<err> script: <sha or function name>,
/// on <source>:<line>.`
/// Also whether the error was already counted in the statistics.
pub fn script_error(err: &Value, sha: &[u8]) -> (Vec<u8>, bool) {
    let Value::Table(t) = err else {
        let msg = format!(
            "ERR Error running script (call to {}): @user_script: {}",
            String::from_utf8_lossy(sha),
            err.to_string().unwrap_or_default()
        );
        return (msg.into_bytes(), false);
    };
    let counted = matches!(t.raw_get::<Value>(COUNTED), Ok(Value::Boolean(true)));
    let text = |v: Value| match v {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Integer(i) => Some(i.to_string().into_bytes()),
        Value::Number(n) => Some(lua_number(n)),
        _ => None,
    };
    let msg = t.raw_get::<Value>("err").ok().and_then(text);
    let source = t.raw_get::<Value>("source").ok().and_then(text);
    let line = t.raw_get::<Value>("line").ok().and_then(text);
    let mut out = msg.unwrap_or_else(|| b"ERR unknown error".to_vec());
    // Redis names the script and the position only when it has both.
    if let (Some(source), Some(line)) = (source, line) {
        out.extend_from_slice(b" script: ");
        out.extend_from_slice(sha);
        out.extend_from_slice(b", on ");
        out.extend_from_slice(&source);
        out.push(b':');
        out.extend_from_slice(&line);
        out.push(b'.');
    }
    (out, counted)
}

/// The text Lua gives a number (`%.14g`).
pub fn lua_number(n: f64) -> Vec<u8> {
    let mut out = Vec::new();
    crate::util::number::write_g(&mut out, n, 14);
    out
}

// ---- Redis reply -> Lua ------------------------------------------------------------------

/// Converts one complete reply into a Lua value: integers to numbers, bulk
/// strings to strings, null bulk and null array to false, arrays to
/// tables, `+status` to `{ok=...}`, `-error` to `{err=...}`; from RESP3
/// also null to nil, booleans, `{double=}`, `{big_number=}`,
/// `{verbatim_string={format=, string=}}`, `{map={...}}`,
/// `{set={member=true}}`, with attributes skipped.
pub fn reply_to_lua(lua: &Lua, bytes: &[u8]) -> mlua::Result<Value> {
    let mut pos = 0;
    parse(lua, bytes, &mut pos)
}

/// The line at `pos` (without CRLF); `pos` moves past it.
fn line<'a>(bytes: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let start = *pos;
    let end = memchr::memchr(b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
    *pos = (end + 2).min(bytes.len());
    &bytes[start..end]
}

fn number(text: &[u8]) -> i64 {
    crate::util::number::parse_i64(text).unwrap_or(0)
}

fn parse(lua: &Lua, bytes: &[u8], pos: &mut usize) -> mlua::Result<Value> {
    let Some(&kind) = bytes.get(*pos) else {
        return Ok(Value::Nil);
    };
    *pos += 1;
    let head = line(bytes, pos);
    Ok(match kind {
        b':' => Value::Number(number(head) as f64),
        b'$' | b'=' => {
            let n = number(head);
            if n < 0 {
                return Ok(Value::Boolean(false));
            }
            let body = &bytes[*pos..(*pos + n as usize).min(bytes.len())];
            *pos = (*pos + n as usize + 2).min(bytes.len());
            if kind == b'$' {
                Value::String(lua.create_string(body)?)
            } else {
                let (format, text) = body.split_at(3.min(body.len()));
                let inner = lua.create_table_with_capacity(0, 2)?;
                inner.raw_set("string", lua.create_string(text.get(1..).unwrap_or_default())?)?;
                inner.raw_set("format", lua.create_string(format)?)?;
                single(lua, "verbatim_string", Value::Table(inner))?
            }
        }
        b'+' => single(lua, "ok", Value::String(lua.create_string(head)?))?,
        b'-' => {
            let mut buf = Vec::with_capacity(head.len() + 1);
            buf.push(b'-');
            buf.extend_from_slice(head);
            error_table(lua, &buf, true)?
        }
        b'*' | b'>' => {
            let n = number(head);
            if n < 0 {
                return Ok(Value::Boolean(false));
            }
            let t = lua.create_table_with_capacity(n as usize, 0)?;
            for i in 1..=n {
                let v = parse(lua, bytes, pos)?;
                t.raw_set(i, v)?;
            }
            Value::Table(t)
        }
        b'%' => {
            let n = number(head).max(0);
            let map = lua.create_table_with_capacity(0, n as usize)?;
            for _ in 0..n {
                let k = parse(lua, bytes, pos)?;
                let v = parse(lua, bytes, pos)?;
                if !k.is_nil() {
                    map.raw_set(k, v)?;
                }
            }
            single(lua, "map", Value::Table(map))?
        }
        b'~' => {
            let n = number(head).max(0);
            let set = lua.create_table_with_capacity(0, n as usize)?;
            for _ in 0..n {
                let k = parse(lua, bytes, pos)?;
                if !k.is_nil() {
                    set.raw_set(k, true)?;
                }
            }
            single(lua, "set", Value::Table(set))?
        }
        b'|' => {
            for _ in 0..number(head).max(0) * 2 {
                parse(lua, bytes, pos)?;
            }
            parse(lua, bytes, pos)?
        }
        b'_' => Value::Nil,
        b'#' => Value::Boolean(head == b"t"),
        b',' => {
            let d = crate::util::number::parse_f64(head).unwrap_or(0.0);
            single(lua, "double", Value::Number(d))?
        }
        b'(' => single(lua, "big_number", Value::String(lua.create_string(head)?))?,
        _ => Value::Nil,
    })
}

fn single(lua: &Lua, field: &str, v: Value) -> mlua::Result<Value> {
    let t = lua.create_table_with_capacity(0, 1)?;
    t.raw_set(field, v)?;
    Ok(Value::Table(t))
}

// ---- Lua -> the caller's reply ---------------------------------------------------------

/// Writes a script's result as Redis's `luaReplyToRedisReply`: strings as
/// bulk strings, numbers as integers (truncated), true as 1 and false as
/// null (booleans when the script chose RESP3), nil as null; tables with
/// `err`, `ok`, `double`, `big_number`, `verbatim_string`, `map` or `set`
/// as those replies, other tables as arrays up to their first nil. Nested
/// tables are walked with a stack of our own, not recursion, so a deep
/// result cannot exhaust the loop thread's stack.
pub fn lua_to_reply(v: Value, reply: &mut Reply, script_resp3: bool) {
    let mut todo: Vec<(Value, usize)> = vec![(v, 0)];
    while let Some((v, depth)) = todo.pop() {
        if depth >= MAX_DEPTH {
            reply.error(b"ERR reached lua stack limit");
            continue;
        }
        match v {
            Value::String(s) => reply.bulk(&s.as_bytes()),
            Value::Boolean(b) => {
                if script_resp3 {
                    reply.bool(b);
                } else if b {
                    reply.int(1);
                } else {
                    reply.null();
                }
            }
            Value::Integer(i) => reply.int(i),
            Value::Number(n) => reply.int(n_to_i64(n)),
            Value::Table(t) => {
                let start = todo.len();
                table_to_reply(&t, reply, &mut todo, depth + 1);
                // Elements were queued in order; the stack pops the last first.
                todo[start..].reverse();
            }
            _ => reply.null(),
        }
    }
}

/// C's `(long long)` cast of a double: truncation; where C is undefined
/// (NaN, out of range) x86 gives i64::MIN, and so do we.
fn n_to_i64(n: f64) -> i64 {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if (-TWO_POW_63..TWO_POW_63).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

fn field(t: &Table, name: &str) -> Value {
    t.raw_get::<Value>(name).unwrap_or(Value::Nil)
}

fn without_newlines(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c })
        .collect()
}

/// Writes table `t` as a reply, or its header with its elements queued
/// on `todo` (at `depth`).
fn table_to_reply(t: &Table, reply: &mut Reply, todo: &mut Vec<(Value, usize)>, depth: usize) {
    if let Value::String(err) = field(t, "err") {
        if matches!(field(t, COUNTED), Value::Boolean(true)) {
            reply.error_uncounted(&err.as_bytes());
        } else {
            reply.error(&err.as_bytes());
        }
        return;
    }
    if let Value::String(ok) = field(t, "ok") {
        reply.simple(&without_newlines(&ok.as_bytes()));
        return;
    }
    match super::lualib::exact(t, "double", field(t, "double")) {
        Value::Number(d) => return reply.double(d),
        Value::Integer(i) => return reply.double(i as f64),
        _ => {}
    }
    if let Value::String(n) = field(t, "big_number") {
        reply.big_number(&without_newlines(&n.as_bytes()));
        return;
    }
    if let Value::Table(v) = field(t, "verbatim_string")
        && let (Value::String(format), Value::String(text)) = (field(&v, "format"), field(&v, "string"))
    {
        let mut code = *b"   ";
        for (i, c) in format.as_bytes().iter().take(3).enumerate() {
            code[i] = *c;
        }
        reply.verbatim(&code, &text.as_bytes());
        return;
    }
    if let Value::Table(map) = field(t, "map") {
        let before = todo.len();
        for (k, v) in map.pairs::<Value, Value>().filter_map(Result::ok) {
            todo.push((k, depth));
            todo.push((v, depth));
        }
        reply.map((todo.len() - before) / 2);
        return;
    }
    if let Value::Table(set) = field(t, "set") {
        let before = todo.len();
        for (k, _) in set.pairs::<Value, Value>().filter_map(Result::ok) {
            todo.push((k, depth));
        }
        reply.set(todo.len() - before);
        return;
    }
    let before = todo.len();
    let mut i = 1;
    loop {
        match t.raw_get::<Value>(i) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(v) => todo.push((v, depth)),
        }
        i += 1;
    }
    reply.array(todo.len() - before);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_are_redis_lua_push_error_buff() {
        assert_eq!(error_text(b"-WRONGTYPE Operation x\r\n"), b"WRONGTYPE Operation x");
        assert_eq!(error_text(b"some message"), b"ERR some message");
        assert_eq!(error_text(b"-NOSPACE"), b"ERR NOSPACE");
        assert_eq!(error_table_text(b"My Error"), b"My Error");
        assert_eq!(error_table_text(b"-My Error"), b"My Error");
    }
}
