//! Byte-level helpers ported from Redis's `util.c` and `sds.c`, and
//! storage that grows without moving what it holds (`chunked`) or without
//! rehashing everything at once (`exttable`).

pub mod chunked;
pub mod exttable;
pub mod glob;
pub mod hdr;
pub mod logline;
pub mod lzf;
pub mod number;
pub mod sha1;
pub mod splitargs;
