//! Persistence: the RDB format in both directions ([`rdb`] writes,
//! [`load`] reads, Redis's compact blobs in [`blob`]), and the DUMP /
//! RESTORE payload built on them.

pub mod aof;
pub mod blob;
pub mod control;
pub mod load;
pub mod rdb;
pub mod snapshot;

use crate::db::{Db, Encoding};
use rdb::{CRC64, Encoder, RDB_VERSION};

/// DUMP's payload for node `id`: the type byte and the value as RDB writes
/// them, then the RDB version (2 bytes) and the CRC-64 of all that before
/// it (8 bytes), both little-endian.
pub fn dump_payload(enc: &mut Encoder, db: &Db, id: u32) -> Vec<u8> {
    let mut out = vec![Encoder::value_type(db, id)];
    enc.value(&mut out, db, id);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Why a RESTORE payload was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PayloadError {
    /// Too short, from a newer RDB version, or the checksum differs
    /// (`verifyDumpPayload`).
    VersionOrChecksum,
    /// It does not decode to a valid value ("Bad data format").
    BadFormat,
}

/// Redis's `verifyDumpPayload`: the payload ends with an RDB version this
/// server reads and the CRC-64 of what precedes the checksum. Returns the
/// bytes before that 10-byte footer.
pub fn verify_footer(payload: &[u8], skip_checksum: bool) -> Option<&[u8]> {
    if payload.len() < 10 {
        return None;
    }
    let footer = &payload[payload.len() - 10..];
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    let mut crc = [0u8; 8];
    crc.copy_from_slice(&footer[2..]);
    let crc_ok = skip_checksum || CRC64.checksum(&payload[..payload.len() - 8]) == u64::from_le_bytes(crc);
    (version <= RDB_VERSION && crc_ok).then(|| &payload[..payload.len() - 10])
}

/// Decodes a DUMP payload (`verifyDumpPayload`, then `rdbLoadObject` with
/// deep sanitization): the version and checksum first, then the value.
/// `skip_checksum`: DEBUG SET-SKIP-CHECKSUM-VALIDATION is on.
pub fn restore_payload(
    payload: &[u8],
    limits: &load::Limits,
    skip_checksum: bool,
) -> Result<load::Value, PayloadError> {
    verify_footer(payload, skip_checksum).ok_or(PayloadError::VersionOrChecksum)?;
    // The value is read from the whole payload, as Redis reads it: a
    // value that runs into the footer reads the footer's bytes.
    let mut r = load::Reader::new(payload, payload.len() as u64);
    let kind = r.u8().map_err(|_| PayloadError::BadFormat)?;
    r.value(kind, limits).map_err(|e| {
        // As Redis reports a corrupt value in a RESTORE context: logged
        // at verbose level, the command fails.
        log::debug!("Internal error in RDB reading offset 0, function at rdb.c:0 -> {e}");
        PayloadError::BadFormat
    })
}

/// Stores a loaded value under `key`, which must not exist; returns the
/// node. A string is encoded as SET would encode it (`tryObjectEncoding`).
pub fn add_value(db: &mut Db, key: &[u8], value: load::Value, now: u64) -> u32 {
    match value {
        load::Value::Str(s) => db.set(key, &s, Encoding::Auto, false, now),
        load::Value::Obj(obj) => db.add_obj(key, obj, now),
    }
}
