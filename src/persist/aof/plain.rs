//! A base in commands (`aof-use-rdb-preamble no`), as Redis's
//! `rewriteAppendOnlyFileRio` writes it: an optional `#TS:` line, then per
//! database a SELECT and each key as the command that rebuilds it (SET,
//! RPUSH, SADD, ZADD, HMSET with at most 64 items per command) followed
//! by PEXPIREAT when it has a TTL.
//!
//! The forkless walk writes an RDB; this turns that file into commands
//! on a background thread, reading one value at a time.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::Path;

use crate::db::Obj;
use crate::persist::load::{Limits, Reader, Value};
use crate::persist::rdb::*;
use crate::server::propagate::write_command;

/// Items per command (Redis's `AOF_REWRITE_ITEMS_PER_CMD`).
const ITEMS_PER_CMD: usize = 64;

/// Writes the commands that rebuild the dataset in RDB file `rdb` to
/// `out`, synced.
pub fn convert(rdb: &Path, out: &Path, timestamps: bool, limits: &Limits) -> io::Result<()> {
    let len = std::fs::metadata(rdb)?.len();
    let mut r = Reader::new(BufReader::with_capacity(1 << 16, File::open(rdb)?), len);
    r.stop_crc();
    let bad = |why: &str| io::Error::new(io::ErrorKind::InvalidData, why.to_string());
    let magic: [u8; 9] = r.array().map_err(|_| bad("short RDB"))?;
    if &magic[..5] != b"REDIS" {
        return Err(bad("not an RDB file"));
    }
    let file = File::create(out)?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    let mut buf = Vec::with_capacity(1 << 16);
    if timestamps {
        buf.extend_from_slice(format!("#TS:{}\r\n", crate::server::now_ms() / 1000).as_bytes());
    }
    let mut expire: Option<u64> = None;
    let e = |e: crate::persist::load::Error| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
    loop {
        let op = r.u8().map_err(e)?;
        match op {
            OPCODE_EOF => break,
            OPCODE_SELECTDB => {
                let db = r.length().map_err(e)?.to_string();
                write_command(&mut buf, [b"SELECT".as_slice(), db.as_bytes()].into_iter());
            }
            OPCODE_RESIZEDB => {
                r.length().map_err(e)?;
                r.length().map_err(e)?;
            }
            OPCODE_AUX => {
                r.string().map_err(e)?;
                r.string().map_err(e)?;
            }
            OPCODE_EXPIRETIME_MS => expire = Some(i64::from_le_bytes(r.array().map_err(e)?).max(0) as u64),
            OPCODE_EXPIRETIME => {
                expire = Some((i32::from_le_bytes(r.array().map_err(e)?) as i64 * 1000).max(0) as u64);
            }
            OPCODE_IDLE => {
                r.length().map_err(e)?;
            }
            OPCODE_FREQ => {
                r.u8().map_err(e)?;
            }
            // Libraries come first, as Redis's `rewriteFunctions` writes them.
            OPCODE_FUNCTION2 => {
                let code = r.string().map_err(e)?;
                write_command(&mut buf, [b"FUNCTION".as_slice(), b"LOAD", &code].into_iter());
            }
            kind => {
                let key = r.string().map_err(e)?;
                let value = r.value(kind, limits).map_err(e)?;
                write_key(&mut buf, &key, &value);
                if let Some(at) = expire.take() {
                    let at = at.to_string();
                    write_command(&mut buf, [b"PEXPIREAT".as_slice(), &key, at.as_bytes()].into_iter());
                }
            }
        }
        if buf.len() >= 1 << 16 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()
}

/// The commands that rebuild one key.
fn write_key(out: &mut Vec<u8>, key: &[u8], value: &Value) {
    match value {
        Value::Str(s) => write_command(out, [b"SET".as_slice(), key, s].into_iter()),
        Value::Obj(Obj::List(l)) => batched(out, b"RPUSH", key, 1, l.iter().map(|e| vec![e.to_vec()])),
        Value::Obj(Obj::Set(s)) => batched(out, b"SADD", key, 1, s.iter().map(|m| vec![m.to_vec()])),
        Value::Obj(Obj::Hash(h)) => batched(
            out,
            b"HMSET",
            key,
            2,
            h.iter().map(|(f, v)| vec![f.to_vec(), v.to_vec()]),
        ),
        Value::Obj(Obj::ZSet(z)) => {
            let items = z.iter().into_iter().map(|(m, score)| {
                let mut s = Vec::new();
                crate::util::number::write_double(&mut s, score);
                vec![s, m.to_vec()]
            });
            batched(out, b"ZADD", key, 2, items);
        }
    }
}

/// `name key items...`, at most `ITEMS_PER_CMD` items (of `width`
/// arguments each) per command.
fn batched(out: &mut Vec<u8>, name: &[u8], key: &[u8], width: usize, items: impl Iterator<Item = Vec<Vec<u8>>>) {
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(ITEMS_PER_CMD * width);
    let flush = |out: &mut Vec<u8>, batch: &mut Vec<Vec<u8>>| {
        let args = [name, key].into_iter().chain(batch.iter().map(Vec::as_slice));
        let argv: Vec<&[u8]> = args.collect();
        write_command(out, argv.into_iter());
        batch.clear();
    };
    for item in items {
        batch.extend(item);
        if batch.len() == ITEMS_PER_CMD * width {
            flush(out, &mut batch);
        }
    }
    if !batch.is_empty() {
        flush(out, &mut batch);
    }
}
