//! `next_op` never allocates: counted with a global allocator (its own test binary, one test, so
//! no other thread allocates while counting).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use workloads::{OpStream, Role, Spec};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts them.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
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
            let before = ALLOCS.load(Ordering::Relaxed);
            for _ in 0..200_000 {
                std::hint::black_box(s.next_op());
            }
            let after = ALLOCS.load(Ordering::Relaxed);
            assert_eq!(after - before, 0, "{} {role:?} allocated", spec.name);
        }
    }
}
