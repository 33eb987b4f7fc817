//! Allocator accounting for INFO memory: bytes currently allocated, as
//! Redis's `used_memory` reports what its allocator handed out.
//!
//! The counters are kept by the `loopkv` binary's global allocator (see
//! `src/main.rs`), which adds and subtracts every allocation's size. A
//! program that embeds loopkv without that allocator has no such figure,
//! and INFO then leaves the `used_memory` fields out rather than guess.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Bytes currently allocated through the counting allocator.
pub static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

/// Set by a counting global allocator when the process starts.
pub static TRACKING: AtomicBool = AtomicBool::new(false);

/// Bytes in use, when a counting allocator is installed.
pub fn used() -> Option<usize> {
    TRACKING
        .load(Ordering::Relaxed)
        .then(|| ALLOCATED.load(Ordering::Relaxed))
}

/// Bytes currently allocated (0 without the counting allocator); for
/// measuring what one operation freed.
pub fn allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}

/// What allocations may reach before a hash table declines to grow: the
/// `maxmemory` limit plus what eviction does not count; 0 for none.
static GROWTH_LIMIT: AtomicUsize = AtomicUsize::new(0);

pub fn set_growth_limit(limit: usize) {
    GROWTH_LIMIT.store(limit, Ordering::Relaxed);
}

/// Whether a table may allocate `more` bytes to grow (Redis's
/// `dictExpandAllowed`): not when that would pass the limit, so that
/// growing a table never makes eviction delete keys. A table that
/// declines grows anyway once it is 1.618 times fuller than it should be.
pub fn growth_allowed(more: usize) -> bool {
    let limit = GROWTH_LIMIT.load(Ordering::Relaxed);
    limit == 0 || !TRACKING.load(Ordering::Relaxed) || ALLOCATED.load(Ordering::Relaxed) + more <= limit
}

/// Records an allocation of `size` bytes.
#[inline]
pub fn add(size: usize) {
    ALLOCATED.fetch_add(size, Ordering::Relaxed);
}

/// Records a deallocation of `size` bytes.
#[inline]
pub fn sub(size: usize) {
    ALLOCATED.fetch_sub(size, Ordering::Relaxed);
}

/// Turns the figures on: call once, early, when [`Counting`] is the global
/// allocator.
pub fn start_tracking() {
    TRACKING.store(true, Ordering::Relaxed);
}

/// The system allocator, counting bytes in use for INFO's `used_memory`
/// (Redis reports its allocator's figure; RSS alone would overstate it).
/// One relaxed atomic add per allocation; the server is single-threaded,
/// so it is uncontended. Installed by the `loopkv` binary; a program that
/// embeds loopkv installs it with `#[global_allocator]` to get the same
/// figures (and `maxmemory`), then calls [`start_tracking`].
pub struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees hold; the only addition is updating a
// counter, which neither allocates nor touches the memory.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc_zeroed`'s contract.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        sub(layout.size());
        // SAFETY: `ptr` was allocated by this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            sub(layout.size());
            add(new_size);
        }
        p
    }
}
