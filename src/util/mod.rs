//! Byte-level helpers ported from Redis's `util.c` and `sds.c`.

pub mod glob;
pub mod hdr;
pub mod lzf;
pub mod number;
pub mod sha1;
pub mod splitargs;
