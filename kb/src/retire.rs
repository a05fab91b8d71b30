//! Retirement of replaced versions: freed once no reader holds them — by the committing thread
//! when no reader holds one at all ([`Retired::retire_or_free`]), otherwise by a collector —
//! never by a reader.
//!
//! Dropping the last reference to a large trie version is O(size) (hundreds of microseconds for a
//! version that differs by 1,000 random writes). If the last reference were a reader's snapshot,
//! that reader would pay it. So the list keeps one reference to every replaced version; a reader
//! dropping its snapshot only decrements a count; [`Retired::collect`] frees the versions whose
//! only remaining reference is the list's own (`Arc::try_unwrap` succeeds exactly then: a retired
//! version is no longer reachable from the root, so no new reference to it can appear).

use crate::sync::{lock, Arc, AtomicU64, Mutex, Ordering};

/// Replaced versions that may still be held by readers.
pub struct Retired<T> {
    list: Mutex<Vec<Arc<T>>>,
    retired: AtomicU64,
    freed: AtomicU64,
    drop_panics: AtomicU64,
}

impl<T> Default for Retired<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Retired<T> {
    /// An empty list.
    pub fn new() -> Self {
        Retired {
            list: Mutex::new(Vec::new()),
            retired: AtomicU64::new(0),
            freed: AtomicU64::new(0),
            drop_panics: AtomicU64::new(0),
        }
    }

    /// Hands a replaced version over; it is freed by a later [`collect`](Self::collect).
    pub fn retire(&self, version: Arc<T>) {
        // Counted before it can be collected, so `freed` never runs ahead of `retired`.
        // Relaxed: statistics only.
        self.retired.fetch_add(1, Ordering::Relaxed);
        lock(&self.list).push(version);
    }

    /// Frees `version` on the calling thread at once if no reader holds it, and otherwise hands
    /// it over like [`retire`](Self::retire). The caller must have made it unreachable (replaced
    /// it in the root), so that no new reference can appear.
    ///
    /// Without grouping, the thread that replaced a version is the one that copied the nodes it
    /// supersedes, so freeing there returns memory to the allocator it came from; a collector
    /// freeing every writer's versions made writers wait on each other's allocator (profiled
    /// with 2 writers and glibc: its arena locks; `kb/examples/write_scaling.rs`). A combiner
    /// that published other writers' batches also frees what they superseded.
    pub fn retire_or_free(&self, version: Arc<T>) {
        match Arc::try_unwrap(version) {
            Ok(unique) => {
                self.retired.fetch_add(1, Ordering::Relaxed);
                self.drop_catching(unique);
                self.freed.fetch_add(1, Ordering::Relaxed);
            }
            Err(held) => self.retire(held),
        }
    }

    /// Frees every retired version that no reader holds any more; returns how many it freed.
    /// The freeing happens on the calling thread, outside the list's lock.
    ///
    /// A version whose drop panics (a value's `Drop` did) counts as freed, and the panic stops
    /// there ([`drop_panics`](Self::drop_panics)): the collector — a committing writer, or the
    /// background reclaimer — carries on, and so does reclamation. The panic hook has already
    /// reported it.
    pub fn collect(&self) -> usize {
        let candidates = std::mem::take(&mut *lock(&self.list));
        if candidates.is_empty() {
            return 0;
        }
        let mut free = Vec::new();
        let mut held = Vec::new();
        for version in candidates {
            match Arc::try_unwrap(version) {
                Ok(unique) => free.push(unique),
                Err(shared) => held.push(shared),
            }
        }
        if !held.is_empty() {
            lock(&self.list).append(&mut held);
        }
        let n = free.len();
        for version in free {
            self.drop_catching(version);
        }
        self.freed.fetch_add(n as u64, Ordering::Relaxed);
        n
    }

    /// Drops `x`, stopping a panic of its drop there and counting it in
    /// [`drop_panics`](Self::drop_panics).
    pub fn drop_catching<X>(&self, x: X) {
        let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(x)));
        if dropped.is_err() {
            self.drop_panics.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Drops that panicked: of versions (each also counted as freed), and of a writer's previous
    /// copy of its partition.
    pub fn drop_panics(&self) -> u64 {
        self.drop_panics.load(Ordering::Relaxed)
    }

    /// Versions retired so far.
    pub fn retired_count(&self) -> u64 {
        self.retired.load(Ordering::Relaxed)
    }

    /// Versions freed so far.
    pub fn freed_count(&self) -> u64 {
        self.freed.load(Ordering::Relaxed)
    }

    /// Versions retired but not yet freed (held by a reader, not yet collected, or being freed
    /// right now): it reaches 0 only once `freed_count` has counted them all. (The list's length
    /// would drop to 0 while a collector is still freeing what it took.)
    pub fn pending(&self) -> usize {
        let retired = self.retired.load(Ordering::Relaxed);
        retired.saturating_sub(self.freed.load(Ordering::Relaxed)) as usize
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn frees_only_versions_nobody_else_holds() {
        let retired = Retired::new();
        let held = Arc::new(1);
        retired.retire(Arc::clone(&held));
        retired.retire(Arc::new(2));
        assert_eq!(retired.collect(), 1);
        assert_eq!(
            (
                retired.pending(),
                retired.retired_count(),
                retired.freed_count()
            ),
            (1, 2, 1)
        );
        drop(held);
        assert_eq!(retired.collect(), 1);
        assert_eq!((retired.pending(), retired.freed_count()), (0, 2));
        assert_eq!(retired.collect(), 0);
    }
}
