//! Freeing large values off the event loop (Redis's lazyfree): UNLINK,
//! FLUSHALL ASYNC and DEL under `lazyfree-lazy-user-del` hand big values to
//! one background thread that drops them. The values are owned data that
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

/// What to drop, and whether it counts as a lazily freed object.
type Garbage = (Box<dyn Send>, bool);

/// Objects handed over and not yet freed (INFO lazyfree_pending_objects),
/// and objects freed so far (lazyfreed_objects).
pub static PENDING: AtomicU64 = AtomicU64::new(0);
pub static FREED: AtomicU64 = AtomicU64::new(0);

fn worker() -> Option<&'static Mutex<Sender<Garbage>>> {
    static WORKER: OnceLock<Option<Mutex<Sender<Garbage>>>> = OnceLock::new();
    WORKER
        .get_or_init(|| {
            let (tx, rx) = channel::<Garbage>();
            let spawned = std::thread::Builder::new().name("lazyfree".into()).spawn(move || {
                for (garbage, counted) in rx {
                    drop(garbage);
                    if counted {
                        PENDING.fetch_sub(1, Ordering::Relaxed);
                        FREED.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
            spawned.ok().map(|_| Mutex::new(tx))
        })
        .as_ref()
}

/// Drops `value` on the background thread (or here, if the thread could
/// not be started).
pub fn free<T: Send + 'static>(value: T) {
    let Some(worker) = worker() else { return drop(value) };
    PENDING.fetch_add(1, Ordering::Relaxed);
    let sent = worker.lock().map(|tx| tx.send((Box::new(value), true)));
    if let Ok(Err(failed)) = sent {
        PENDING.fetch_sub(1, Ordering::Relaxed);
        drop(failed.0);
    }
}

/// Removes the file at `path` without freeing its blocks on the loop:
/// it is opened, unlinked (cheap while open) and closed on the
/// background thread, as Redis's `bg_unlink`.
pub fn unlink(path: &std::path::Path) -> std::io::Result<()> {
    let file = std::fs::File::open(path);
    std::fs::remove_file(path)?;
    if let (Ok(file), Some(worker)) = (file, worker())
        && let Ok(Err(failed)) = worker.lock().map(|tx| tx.send((Box::new(file), false)))
    {
        drop(failed.0);
    }
    Ok(())
}
