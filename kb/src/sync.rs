//! The one place that names the synchronisation primitives.
//!
//! Normally these are `std::sync` and `arc_swap`; under `--cfg loom` they are loom's model types,
//! so the publication protocol (`protocol`, `lease`, `retire`) is model-checked exactly as it runs.
//! `arc-swap` has no loom support, so under loom the root cell is a `RwLock<Arc<T>>` held only
//! long enough to clone or replace the `Arc` — the same contract, checked with loom's own lock.

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex, MutexGuard};

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(loom)]
pub(crate) use loom::thread;
#[cfg(not(loom))]
pub(crate) use std::thread;

/// Waits on `condvar` until notified or `timeout` has passed (spurious wake-ups included),
/// ignoring poison like [`lock`]. Under loom, which has no clock, until notified.
pub(crate) fn wait_timeout<'a, T>(
    condvar: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: std::time::Duration,
) -> MutexGuard<'a, T> {
    match condvar.wait_timeout(guard, timeout) {
        Ok((guard, _)) => guard,
        Err(poisoned) => poisoned.into_inner().0,
    }
}

/// Locks `m`, ignoring poison.
///
/// Every critical section in this crate leaves its data consistent before it can panic (state is
/// replaced, never half-edited), so a panic in another thread — a writer panicking mid-batch —
/// must not poison the knowledge base for everyone else.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The cell holding the current version: readers load it without blocking, the (serialized)
/// committer replaces it.
pub(crate) struct RootCell<T> {
    #[cfg(not(loom))]
    inner: arc_swap::ArcSwap<T>,
    #[cfg(loom)]
    inner: loom::sync::RwLock<Arc<T>>,
}

impl<T> RootCell<T> {
    pub(crate) fn new(value: Arc<T>) -> Self {
        #[cfg(not(loom))]
        let inner = arc_swap::ArcSwap::new(value);
        #[cfg(loom)]
        let inner = loom::sync::RwLock::new(value);
        RootCell { inner }
    }

    /// An owned reference to the current version. Lock-free (arc-swap's `load_full`: SeqCst
    /// load plus a reference-count increment); never waits for a committer.
    pub(crate) fn load(&self) -> Arc<T> {
        #[cfg(not(loom))]
        return self.inner.load_full();
        #[cfg(loom)]
        return Arc::clone(&self.inner.read().unwrap());
    }

    /// Makes `value` current and returns the version it replaced. Every reference a reader
    /// obtained from the old version is a counted `Arc` once this returns (arc-swap pays its
    /// outstanding debts in `swap`), so `Arc::try_unwrap` on the result is exact.
    pub(crate) fn swap(&self, value: Arc<T>) -> Arc<T> {
        #[cfg(not(loom))]
        return self.inner.swap(value);
        #[cfg(loom)]
        return std::mem::replace(&mut *self.inner.write().unwrap(), value);
    }
}
