//! A hint to the CPU that an element will be read soon.
//!
//! The engine's hot loops walk arrays of indices (the day's events, a deadline bucket) into large slabs of
//! persons, so most of their time is spent waiting for memory. Asking for the element a few iterations
//! ahead overlaps those waits. A hint never changes what the program computes, only when data arrives.

/// Starts loading `slice[index]` into the cache; does nothing if `index` is out of range.
#[inline(always)]
pub fn prefetch<T>(slice: &[T], index: usize) {
    if let Some(item) = slice.get(index) {
        hint(item);
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn hint<T>(item: &T) {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    let pointer = (item as *const T).cast::<i8>();
    // SAFETY: SSE is part of the x86_64 baseline, and a prefetch only reads through a valid reference.
    #[allow(unused_unsafe)]
    unsafe {
        _mm_prefetch::<_MM_HINT_T0>(pointer)
    };
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn hint<T>(_item: &T) {}
