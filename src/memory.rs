//! Allocator accounting for INFO memory: bytes currently allocated, as
//! Redis's `used_memory` reports what its allocator handed out.
//!
//! The counters are kept by the `loopkv` binary's global allocator (see
//! `src/main.rs`), which adds and subtracts every allocation's size. A
//! program that embeds loopkv without that allocator has no such figure,
//! and INFO then leaves the `used_memory` fields out rather than guess.

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
