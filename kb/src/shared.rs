//! The state the knowledge base handle and its writers share: the publisher of versions, the
//! partition leases, and the counters both sides update.

use pathmap::PathMap;

use crate::graft::Graft;
use crate::group::GroupCommit;
use crate::lease::Leases;
use crate::protocol::Publisher;
use crate::reclaimer::Waker;
use crate::sync::{AtomicU64, Ordering};
use crate::Value;

/// State shared by the knowledge base handle and its writers.
pub(crate) struct Shared<V: Value> {
    pub(crate) publisher: Publisher<PathMap<V>>,
    /// Batches waiting to be published together ([`crate::group`]).
    pub(crate) group: GroupCommit<Graft<V>>,
    pub(crate) leases: Leases,
    /// The background thread to wake after a commit (`Reclaim::Background` only).
    pub(crate) wake: Option<Waker>,
    pub(crate) aborted_batches: AtomicU64,
    pub(crate) revoked: AtomicU64,
}

impl<V: Value> Shared<V> {
    /// Called after every publish (outside the commit lock): wake the reclaimer, or free inline
    /// — also when the reclaimer has stopped because the knowledge base was dropped while a
    /// writer lives on (it would otherwise keep every version it publishes).
    pub(crate) fn after_publish(&self) {
        crate::reclaimer::after_publish(self.wake.as_ref(), self.publisher.retired());
    }

    pub(crate) fn count_aborted_batch(&self) {
        self.aborted_batches.fetch_add(1, Ordering::Relaxed);
    }
}
