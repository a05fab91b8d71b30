//! The knowledge base: one published root, partition leases, and the reclaimer.

use std::time::Duration;

use pathmap::PathMap;

use crate::error::{Error, LeaseError};
use crate::graft::prepare_for_sharing;
use crate::group::{GroupCommit, Ticket};
use crate::lease::{Held, LeaseId, Leases};
use crate::protocol::Publisher;
use crate::reclaimer::{Reclaim, Reclaimer};
use crate::shared::Shared;
use crate::snapshot::Snapshot;
use crate::sync::{Arc, AtomicU64, Ordering};
use crate::writer::Writer;
use crate::Value;

/// Counters describing the knowledge base's life so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// The current version number.
    pub version: u64,
    /// Versions published since creation. Under load one version can hold the batches of
    /// several writers ([group commit](crate::group)), so this grows more slowly than
    /// `batches_committed`.
    pub commits: u64,
    /// Batches published since creation (commits and bulk loads that published something).
    pub batches_committed: u64,
    /// Writers dropped (or unwound by a panic) with a staged, uncommitted batch.
    pub aborted_batches: u64,
    /// Lease requests refused because of an overlap.
    pub lease_conflicts: u64,
    /// Leases held now.
    pub leases_held: usize,
    /// Leases revoked.
    pub leases_revoked: u64,
    /// Superseded versions not freed yet (a snapshot still holds them, or the reclaimer has not
    /// run since).
    pub retired_pending: usize,
    /// Superseded versions freed.
    pub versions_freed: u64,
    /// Freeings that panicked (a value's `Drop` did), of superseded versions, of a writer's
    /// previous copy of its partition, or of the batches a commit published (dropped after their
    /// writers were told); the commit and reclamation went on.
    pub drop_panics: u64,
}

/// The Pattern D knowledge base: lock-free snapshot readers, exclusive partition writers.
///
/// See the [crate documentation](crate) for the protocol and its guarantees.
pub struct KnowledgeBase<V: Value> {
    shared: Arc<Shared<V>>,
    // Declared after `shared`: dropped last, so its final collection sees every retirement.
    _reclaimer: Option<Reclaimer>,
}

impl<V: Value> Default for KnowledgeBase<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Value> KnowledgeBase<V> {
    /// An empty knowledge base (version 1), reclaiming with [`Reclaim::default`].
    pub fn new() -> Self {
        Self::with_reclaim(Reclaim::default())
    }

    /// An empty knowledge base with the given reclamation policy.
    pub fn with_reclaim(reclaim: Reclaim) -> Self {
        Self::from_map(PathMap::new(), reclaim)
    }

    /// A knowledge base whose version 1 is `map` (O(1): the map's nodes are shared, not copied).
    pub fn from_map(map: PathMap<V>, reclaim: Reclaim) -> Self {
        prepare_for_sharing(&map);
        let (publisher, interval, wake_after_commit) = match reclaim {
            Reclaim::Background { interval } => (Publisher::new(map), Some(interval), true),
            Reclaim::OnCommit { sweep } => (Publisher::freeing_on_commit(map), sweep, false),
        };
        let reclaimer =
            interval.map(|interval| Reclaimer::spawn(Arc::clone(publisher.retired()), interval));
        let shared = Arc::new(Shared {
            publisher,
            group: GroupCommit::new(),
            leases: Leases::new(),
            wake: reclaimer
                .as_ref()
                .filter(|_| wake_after_commit)
                .map(Reclaimer::waker),
            aborted_batches: AtomicU64::new(0),
            revoked: AtomicU64::new(0),
        });
        KnowledgeBase {
            shared,
            _reclaimer: reclaimer,
        }
    }

    /// The current version. O(1), lock-free, never blocked by writers (an atomic load and a
    /// reference-count increment).
    pub fn snapshot(&self) -> Snapshot<V> {
        Snapshot {
            version: self.shared.publisher.load(),
        }
    }

    /// The current version number.
    pub fn version(&self) -> u64 {
        self.shared.publisher.load().number
    }

    /// Leases `partition` (a byte prefix) for exclusive writing. Fails at once if it is empty or
    /// overlaps a held lease; the error names the holder.
    pub fn writer(&self, partition: impl AsRef<[u8]>) -> Result<Writer<V>, LeaseError> {
        let prefix = partition.as_ref();
        let lease = self.shared.leases.try_acquire(prefix, &thread_label())?;
        Ok(self.writer_for(prefix, lease))
    }

    /// Like [`writer`](Self::writer), but waits up to `timeout` for an overlapping lease to be
    /// released.
    pub fn writer_wait(
        &self,
        partition: impl AsRef<[u8]>,
        timeout: Duration,
    ) -> Result<Writer<V>, LeaseError> {
        let prefix = partition.as_ref();
        let lease = self
            .shared
            .leases
            .acquire_timeout(prefix, &thread_label(), timeout)?;
        Ok(self.writer_for(prefix, lease))
    }

    fn writer_for(&self, prefix: &[u8], lease: LeaseId) -> Writer<V> {
        // Loaded after the lease was granted: the previous holder's last commit happened before
        // it released the lease, so it is in this root.
        let root = self.shared.publisher.load();
        let committed = Writer::take_initial(&root.value, prefix);
        Writer {
            shared: Arc::clone(&self.shared),
            prefix: prefix.into(),
            lease,
            ticket: Arc::new(Ticket::new()),
            staged: committed.clone(),
            committed,
            dirty: false,
            not_sync: std::marker::PhantomData,
        }
    }

    /// Bulk-loads `entries` (full keys, each starting with `partition`) into `partition` as one
    /// commit, on top of what the partition holds. Returns the new version.
    pub fn load(
        &self,
        partition: impl AsRef<[u8]>,
        entries: impl IntoIterator<Item = (Vec<u8>, V)>,
    ) -> Result<u64, Error> {
        let mut writer = self.writer(partition)?;
        for (key, value) in entries {
            writer.put(&key, value)?;
        }
        Ok(writer.commit()?)
    }

    /// Replaces `partition`'s whole content with `map` (keys relative to the partition) as one
    /// commit. O(depth of the prefix): the map's nodes are grafted, not copied.
    pub fn load_map(&self, partition: impl AsRef<[u8]>, map: PathMap<V>) -> Result<u64, Error> {
        let mut writer = self.writer(partition)?;
        writer.replace(map);
        Ok(writer.commit()?)
    }

    /// Takes the lease on exactly `partition` from its holder (e.g. a stuck writer). The
    /// holder's next commit fails with [`CommitError::LeaseLost`](crate::CommitError) and
    /// publishes nothing. Atomic with respect to commits: the holder's commit is entirely before
    /// the revocation or fails.
    pub fn revoke(&self, partition: impl AsRef<[u8]>) -> Option<Held> {
        let revoked = self
            .shared
            .publisher
            .exclusive(|| self.shared.leases.revoke(partition.as_ref()));
        if revoked.is_some() {
            self.shared.revoked.fetch_add(1, Ordering::Relaxed);
        }
        revoked
    }

    /// The leases held now.
    pub fn leases(&self) -> Vec<Held> {
        self.shared.leases.held()
    }

    /// Frees, on this thread, every superseded version no snapshot holds; returns how many.
    pub fn collect_garbage(&self) -> usize {
        self.shared.publisher.retired().collect()
    }

    /// Counters. Cheap, but takes two short locks: not for a hot loop.
    pub fn stats(&self) -> Stats {
        let shared = &*self.shared;
        let retired = shared.publisher.retired();
        Stats {
            version: shared.publisher.load().number,
            commits: retired.retired_count(),
            batches_committed: shared.group.batches_published(),
            aborted_batches: shared.aborted_batches.load(Ordering::Relaxed),
            lease_conflicts: shared.leases.conflicts(),
            leases_held: shared.leases.held().len(),
            leases_revoked: shared.revoked.load(Ordering::Relaxed),
            retired_pending: retired.pending(),
            versions_freed: retired.freed_count(),
            drop_panics: retired.drop_panics() + shared.group.drop_panics(),
        }
    }
}

fn thread_label() -> String {
    let t = std::thread::current();
    match t.name() {
        Some(name) => format!("thread `{name}`"),
        None => format!("{:?}", t.id()),
    }
}
