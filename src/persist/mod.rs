//! Persistence: the RDB format in both directions ([`rdb`], [`load`], with
//! Redis's compact blobs in [`blob`]).
pub mod blob;
pub mod load;
pub mod rdb;
