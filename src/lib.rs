//! loopkv: a single-threaded, Redis-compatible key-value server.
//!
//! One mio event loop owns every connection and the whole keyspace, with no
//! locks. Requests are parsed in place from each connection's read buffer
//! by a resumable RESP parser, dispatched through a data-driven command
//! table, and answered into a per-connection output buffer that is written
//! once per loop iteration. A hierarchical timer wheel drives active key
//! expiry; a lazy check on every access keeps expiry exact.
//!
//! # Layout
//! - [`config`]: every tunable, with Redis's names, defaults and file syntax.
//! - [`server`]: the event loop, listeners, scheduling of clients, and
//!   the one propagation point every write goes through
//!   (`server::propagate`), which feeds the append-only file.
//! - [`client`]: one connection's buffers, session state and flags.
//! - [`resp`]: the zero-copy parser and the RESP2/RESP3 reply writers.
//! - [`command`]: the command table, dispatch, one module per family, plus
//!   keyspace notifications (`command::notify`), client-side caching
//!   (`command::tracking`), transactions and Pub/Sub.
//! - [`db`]: databases, the keyspace hash table, value encodings.
//! - [`persist`]: the RDB format (both directions), snapshots without fork,
//!   loading at start-up, and the multi-part append-only file
//!   (`persist::aof`: manifest, writing and syncing, forkless rewrites,
//!   loading).
//! - [`repl`]: replication, the master's side: the stream and its
//!   offset, the backlog, SYNC/PSYNC, replicas' snapshots and WAIT.
//! - [`script`]: Lua scripting (EVAL): the sandboxed Lua 5.1 state, the
//!   script cache, `redis.call` and the Lua/RESP conversions.
//! - [`expiry`]: the hierarchical timer wheel (with its runway).
//! - [`util`]: Redis's glob matcher, argument splitting, number formats,
//!   LZF compression.
//! - [`memory`]: allocator accounting behind INFO's `used_memory`.
//! - [`evict`]: keeping the dataset under `maxmemory` (the policies, the
//!   candidate pool, passes in slices).
//! - [`lazyfree`]: the background thread that drops big deleted values
//!   and closes unlinked AOF history files.
//! - [`crash`]: crash reports for fatal signals and panics, and the
//!   software watchdog (`watchdog-period`).
//! - [`fuzzing`]: the invariant checks the fuzz targets and
//!   `tests/fuzz_corpus.rs` share.
//!
//! # Embedding
//! ```no_run
//! let mut config = loopkv::Config::default();
//! config.apply(b"port", &[b"0".to_vec()]).unwrap();
//! let server = loopkv::Server::bind(config).unwrap();
//! println!("listening on {}", server.local_addr());
//! let handle = server.spawn().unwrap();
//! // ... talk to it with any Redis client ...
//! handle.shutdown().unwrap();
//! ```

// Unsafe code only where a module allows it with a SAFETY comment: the
// counting allocator (`memory::Counting`), the script run pointer
// (`script::Shared::with_call`), `redis.call` (`script::fastcall`) and
// the signal handlers of `crash`.
#![deny(unsafe_code)]

pub mod client;
pub mod command;
pub mod config;
#[cfg(unix)]
pub mod crash;
pub mod db;
pub mod evict;
pub mod expiry;
pub mod fuzzing;
pub mod lazyfree;
pub mod memory;
pub mod persist;
pub mod repl;
pub mod resp;
pub mod script;
pub mod server;
pub mod util;

pub use config::Config;
pub use server::{Server, ServerHandle};

/// The Redis release whose behaviour loopkv reproduces; reported as
/// `redis_version` so clients enable the right features.
pub const REDIS_VERSION: &str = "7.0.15";
