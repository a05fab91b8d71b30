//! `next_op` never allocates: counted with a global allocator, per thread, so that another
//! thread's allocations (the test runner's, the runtime's) never count against the one measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use workloads::{OpStream, Role, Spec};

struct Counting;

thread_local! {
    /// Allocations by this thread (const-initialized: counting allocates nothing itself).
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down has no counter left, and nothing to measure.
    let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> usize {
    ALLOCS.with(Cell::get)
}

// SAFETY: forwards every call to the system allocator unchanged; only counts them.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as for `alloc` and `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn next_op_does_not_allocate() {
    let mut specs: Vec<Spec> = Spec::preset_names()
        .iter()
        .map(|n| Spec::preset(n).unwrap())
        .collect();
    let mut bytes = Spec::preset("pattern-d").unwrap();
    bytes.stable.shape = workloads::KeyShape::Bytes { len: 24 };
    bytes.mutable.shape = workloads::KeyShape::Bytes { len: 16 };
    specs.push(bytes);
    for spec in &specs {
        for role in [Role::Reader, Role::Writer] {
            let mut s = OpStream::new(spec, role, 0, 4);
            let before = allocations();
            for _ in 0..200_000 {
                std::hint::black_box(s.next_op());
            }
            let after = allocations();
            assert_eq!(after - before, 0, "{} {role:?} allocated", spec.name);
        }
    }
}

/// The counter is per thread: another thread's allocations do not count here, and this thread's
/// do (a counter that never moved would pass the test above for any code).
#[test]
fn the_counter_sees_this_thread_and_only_this_thread() {
    use std::sync::{Arc, Barrier};
    // Spawning allocates on this thread: the other thread allocates between two barriers, after
    // the spawn, while this one only waits.
    let barrier = Arc::new(Barrier::new(2));
    let theirs = Arc::clone(&barrier);
    let other = std::thread::spawn(move || {
        theirs.wait();
        drop(std::hint::black_box(vec![1u8; 64]));
        theirs.wait();
    });
    let before = allocations();
    barrier.wait();
    barrier.wait();
    assert_eq!(allocations(), before, "another thread's allocation counted");
    other.join().unwrap();
    let before = allocations();
    drop(std::hint::black_box(vec![1u8; 64]));
    assert_eq!(allocations(), before + 1);
}
