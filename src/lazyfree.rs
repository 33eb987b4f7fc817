//! Freeing large values off the event loop (Redis's lazyfree): UNLINK,
//! FLUSHALL ASYNC and DEL under `lazyfree-lazy-user-del` hand big values to
//! one background thread that drops them, and count them in INFO's
//! `lazyfreed_objects` as Redis does. Frees that Redis does inline (DEL,
//! FLUSHALL SYNC, an overwrite, an expiry) go to the same thread through
//! [`free_quietly`], uncounted: the key is gone when the reply leaves
//! either way, and freeing five million members takes over 100 ms that
//! the loop would otherwise stall for. The values are owned data that
//! nothing on the loop refers to any more, so no locking is involved; the
//! thread only runs destructors. It also closes unlinked AOF history
//! files (Redis's `bg_unlink`), whose blocks the kernel frees on the last
//! close: a gigabyte takes a few hundred milliseconds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

/// A collection with more elements than this is freed in the background
/// (Redis's `LAZYFREE_THRESHOLD`).
pub const THRESHOLD: usize = 64;

/// What to drop, and how it is counted.
type Garbage = (Box<dyn Send>, Count);

#[derive(Clone, Copy, PartialEq)]
enum Count {
    /// Lazily freed objects (INFO's counters): one value, or the keys of
    /// a flushed database.
    Lazy(u64),
    /// A free Redis would do inline: only [`QUIET_PENDING`].
    Quiet,
    /// A value eviction deleted: [`QUIET_PENDING`] and [`EVICTED_PENDING`].
    Evicted,
    /// Not memory (a file to close).
    None,
}

/// Objects handed over and not yet freed (INFO lazyfree_pending_objects),
/// and objects freed so far (lazyfreed_objects).
pub static PENDING: AtomicU64 = AtomicU64::new(0);
pub static FREED: AtomicU64 = AtomicU64::new(0);
/// Values handed over by [`free_quietly`] and not yet freed.
pub static QUIET_PENDING: AtomicU64 = AtomicU64::new(0);
/// Of those, the ones eviction handed over ([`free_evicted`]).
static EVICTED_PENDING: AtomicU64 = AtomicU64::new(0);

/// True while a value eviction deleted is still being freed: eviction
/// waits for that memory rather than delete more keys. (Only its own
/// values: a stream of UNLINKs must not hold eviction off.)
pub fn evictions_pending() -> bool {
    EVICTED_PENDING.load(Ordering::Relaxed) > 0
}

/// True while handed-over memory is still to be given back (eviction
/// waits for it).
pub fn busy() -> bool {
    PENDING.load(Ordering::Relaxed) > 0 || QUIET_PENDING.load(Ordering::Relaxed) > 0
}

fn worker() -> Option<&'static Mutex<Sender<Garbage>>> {
    static WORKER: OnceLock<Option<Mutex<Sender<Garbage>>>> = OnceLock::new();
    WORKER
        .get_or_init(|| {
            let (tx, rx) = channel::<Garbage>();
            let spawned = std::thread::Builder::new().name("lazyfree".into()).spawn(move || {
                for (garbage, count) in rx {
                    drop(garbage);
                    match count {
                        Count::Lazy(n) => {
                            PENDING.fetch_sub(n, Ordering::Relaxed);
                            FREED.fetch_add(n, Ordering::Relaxed);
                        }
                        Count::Evicted => {
                            EVICTED_PENDING.fetch_sub(1, Ordering::Relaxed);
                            QUIET_PENDING.fetch_sub(1, Ordering::Relaxed);
                        }
                        Count::Quiet => {
                            QUIET_PENDING.fetch_sub(1, Ordering::Relaxed);
                        }
                        Count::None => {}
                    }
                }
            });
            spawned.ok().map(|_| Mutex::new(tx))
        })
        .as_ref()
}

/// Drops `value` on the background thread as a lazily freed object (or
/// here, if the thread could not be started).
pub fn free<T: Send + 'static>(value: T) {
    send(Box::new(value), Count::Lazy(1));
}

/// Drops flushed databases on the background thread, counting their
/// `keys` as lazily freed objects (Redis's `emptyDbAsync`).
pub fn free_keys<T: Send + 'static>(value: T, keys: u64) {
    send(Box::new(value), Count::Lazy(keys));
}

/// Drops `value` on the background thread without counting it as lazily
/// freed: for a big value Redis would free inline.
pub fn free_quietly<T: Send + 'static>(value: T) {
    send(Box::new(value), Count::Quiet);
}

/// Like [`free_quietly`], for a value eviction deleted (see
/// [`evictions_pending`]).
pub fn free_evicted<T: Send + 'static>(value: T) {
    send(Box::new(value), Count::Evicted);
}

fn send(garbage: Box<dyn Send>, count: Count) {
    let Some(worker) = worker() else { return drop(garbage) };
    let (pending, n) = match count {
        Count::Lazy(n) => (Some(&PENDING), n),
        Count::Quiet => (Some(&QUIET_PENDING), 1),
        Count::Evicted => {
            EVICTED_PENDING.fetch_add(1, Ordering::Relaxed);
            (Some(&QUIET_PENDING), 1)
        }
        Count::None => (None, 0),
    };
    pending.map(|p| p.fetch_add(n, Ordering::Relaxed));
    let unsent = match worker.lock() {
        Ok(tx) => tx.send((garbage, count)).err().map(|failed| failed.0.0),
        Err(_) => Some(garbage),
    };
    if let Some(garbage) = unsent {
        pending.map(|p| p.fetch_sub(n, Ordering::Relaxed));
        if count == Count::Evicted {
            EVICTED_PENDING.fetch_sub(1, Ordering::Relaxed);
        }
        drop(garbage);
    }
}

/// Removes the file at `path` without freeing its blocks on the loop:
/// it is opened, unlinked (cheap while open) and closed on the
/// background thread, as Redis's `bg_unlink`.
pub fn unlink(path: &std::path::Path) -> std::io::Result<()> {
    let file = std::fs::File::open(path);
    std::fs::remove_file(path)?;
    if let Ok(file) = file {
        send(Box::new(file), Count::None);
    }
    Ok(())
}
