//! Byte-level helpers ported from Redis's `util.c` and `sds.c`, and
//! storage that grows without moving what it holds (`chunked`).

pub mod chunked;
pub mod glob;
pub mod hdr;
pub mod lzf;
pub mod number;
pub mod sha1;
pub mod splitargs;
