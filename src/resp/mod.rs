//! RESP: the request parser and the reply writers.

pub mod parse;
pub mod reply;
