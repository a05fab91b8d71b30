//! The stores under test, behind one thin trait family that mirrors the lifecycle of a
//! transaction: open a read handle and take snapshots through it, lease a writer for a
//! partition, stage writes, commit. Handles are obtained once per thread, outside the timed loop.
//!
//! Each backend declares its [`Caps`]; a workload that needs a capability a backend lacks is
//! skipped with the reason recorded ([`Caps::missing`]), never faked.
//!
//! | name | what it is |
//! |---|---|
//! | `hybrid` | `hybrid_kb::KnowledgeBase<u64>`: snapshots of published PathMap versions, leased partitions |
//! | `zipperhead` | the seed's literal Pattern D: one PathMap, one zipper head, root readers + partition writers |
//! | `rwlock-pathmap` | `RwLock<PathMap<u64>>`: each op takes the lock, a commit applies its batch under the write lock |
//! | `rwlock-btreemap` | the same with `BTreeMap<Vec<u8>, u64>` |
//! | `imbl-arcswap` | persistent `imbl::OrdMap` published through `ArcSwap`, commits serialized by a lock |
//! | `dashmap` | sharded hash map: no snapshots, no ordered scans, writes visible one by one |
//! | `null` | does nothing: the harness's own per-op floor |
//!
//! Deliberately broken backends ([`BROKEN`], never in a default list) exist so the isolation
//! checker can prove it catches each anomaly class: `broken-torn` (commits key by key),
//! `broken-stale` (acknowledges before publishing), `broken-lost` (blind root store),
//! `broken-inplace` (mutates the version readers hold).

/// The `put`, `delete` and `delete_prefix` of a [`WriteHandle`] that stages into a
/// `batch: Vec<Staged>` field and applies it at commit (every backend but `hybrid`, `dashmap`
/// and `null`).
macro_rules! stage_into_batch {
    () => {
        fn put(&mut self, key: &[u8], value: u64) -> Result<(), Refused> {
            self.batch.push(Staged::Put(key.to_vec(), value));
            Ok(())
        }
        fn delete(&mut self, key: &[u8]) -> Result<(), Refused> {
            self.batch.push(Staged::Delete(key.to_vec()));
            Ok(())
        }
        fn delete_prefix(&mut self, prefix: &[u8]) -> Result<(), Refused> {
            self.batch.push(Staged::DeletePrefix(prefix.to_vec()));
            Ok(())
        }
    };
}

pub mod broken_inplace;
pub mod broken_lost;
pub mod broken_stale;
pub mod broken_torn;
pub mod dashmap;
pub mod hybrid;
pub mod imbl_arcswap;
pub mod null;
pub mod rwlock_btreemap;
pub mod rwlock_pathmap;
pub mod zipperhead;

pub use results::{BackendRole, Caps};

/// Static description of a backend: its registry name, role, capabilities and a one-line summary.
#[derive(Debug, Clone, Copy)]
pub struct BackendInfo {
    pub name: &'static str,
    /// What the backend is in a run for: under test, a peer, the floor, or broken on purpose.
    pub role: BackendRole,
    pub caps: Caps,
    pub summary: &'static str,
}

/// A backend refused an operation (a conflicting zipper or a held lease). The runner counts it as
/// a conflict and does not time it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// A store under test. One instance per measured point, shared by reference by all its threads.
pub trait Backend: Sync + Sized {
    const INFO: BackendInfo;
    /// `WriteHandle::rollback` really discards staged writes (the isolation checker stages
    /// aborted attempts only where it does).
    const ROLLBACK: bool = true;
    /// The store keeps what is written (the isolation checker skips `null`, which stores nothing).
    const STORES: bool = true;
    type Reader<'a>: ReadHandle
    where
        Self: 'a;
    type Writer<'a>: WriteHandle
    where
        Self: 'a;

    /// Builds the store holding `prefill` (full keys), before anything is timed.
    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self;
    /// A read handle for one thread. Cheap, and never blocks: snapshots are taken through it.
    fn reader(&self) -> Self::Reader<'_>;
    /// A write handle for one thread's partition. `release_after_commit`: give the partition back
    /// after every commit (workloads whose partitions overlap, so writers take turns).
    fn writer(&self, partition: &[u8], release_after_commit: bool) -> Self::Writer<'_>;
}

/// A thread's read side. Ops before the first `snapshot` read the current state.
pub trait ReadHandle: Send {
    /// Starts a new read view (a snapshot where the backend has them; otherwise a no-op or a lock).
    fn snapshot(&mut self) -> Result<(), Refused>;
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused>;
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused>;
    /// Visits up to `limit` entries under `prefix`; returns the (wrapping) sum of the values seen.
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused>;
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused>;
    /// Appends every `(key, value)` under `prefix` in the current read view to `out`, in the
    /// backend's scan order. Used by the isolation checker (a predicate read), never timed;
    /// backends without prefix scans refuse it.
    fn scan_entries(&mut self, prefix: &[u8], out: &mut Vec<(Vec<u8>, u64)>)
        -> Result<(), Refused>;
    /// Refusals this handle has seen (conflicting zippers).
    fn conflicts(&self) -> u64 {
        0
    }
}

/// A thread's write side: stages a batch privately and publishes it with `commit`.
pub trait WriteHandle: Send {
    fn put(&mut self, key: &[u8], value: u64) -> Result<(), Refused>;
    fn delete(&mut self, key: &[u8]) -> Result<(), Refused>;
    fn delete_prefix(&mut self, prefix: &[u8]) -> Result<(), Refused>;
    /// Reads through the writer (sees its own staged writes where the backend can).
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused>;
    fn commit(&mut self) -> Result<(), Refused>;
    fn rollback(&mut self);
    /// Refused leases / zippers / commits this handle has seen.
    fn conflicts(&self) -> u64 {
        0
    }
}

/// Something to do with a backend type chosen at run time by name (the registry calls
/// `visit::<B>()` for the named backend, so the runner is monomorphized per backend).
pub trait BackendVisitor {
    type Out;
    fn visit<B: Backend>(self) -> Self::Out;
}

/// Every backend, in the order `harness list` shows them.
pub const ALL: [BackendInfo; 7] = [
    hybrid::Hybrid::INFO,
    zipperhead::ZipperHeadBackend::INFO,
    rwlock_pathmap::RwLockPathMap::INFO,
    rwlock_btreemap::RwLockBTreeMap::INFO,
    imbl_arcswap::ImblArcSwap::INFO,
    dashmap::DashMapBackend::INFO,
    null::Null::INFO,
];

/// The deliberately broken backends: each commits one anomaly the isolation checker must catch.
/// Listed separately by `harness list`, never part of a default backend list.
pub const BROKEN: [BackendInfo; 4] = [
    broken_torn::BrokenTorn::INFO,
    broken_stale::BrokenStale::INFO,
    broken_lost::BrokenLost::INFO,
    broken_inplace::BrokenInPlace::INFO,
];

/// Whether `name` is one of the [`BROKEN`] backends.
pub fn is_broken(name: &str) -> bool {
    BROKEN.iter().any(|b| b.name == name)
}

/// Names of every backend (broken ones last), for error messages.
pub fn names() -> Vec<&'static str> {
    ALL.iter().chain(&BROKEN).map(|b| b.name).collect()
}

/// The static description of `name`, if it is a backend.
pub fn info(name: &str) -> Option<BackendInfo> {
    ALL.iter().chain(&BROKEN).copied().find(|b| b.name == name)
}

/// Runs `v` with the backend type named `name`; `None` if there is no such backend.
pub fn visit<V: BackendVisitor>(name: &str, v: V) -> Option<V::Out> {
    Some(match name {
        "hybrid" => v.visit::<hybrid::Hybrid>(),
        "zipperhead" => v.visit::<zipperhead::ZipperHeadBackend>(),
        "rwlock-pathmap" => v.visit::<rwlock_pathmap::RwLockPathMap>(),
        "rwlock-btreemap" => v.visit::<rwlock_btreemap::RwLockBTreeMap>(),
        "imbl-arcswap" => v.visit::<imbl_arcswap::ImblArcSwap>(),
        "dashmap" => v.visit::<dashmap::DashMapBackend>(),
        "null" => v.visit::<null::Null>(),
        "broken-torn" => v.visit::<broken_torn::BrokenTorn>(),
        "broken-stale" => v.visit::<broken_stale::BrokenStale>(),
        "broken-lost" => v.visit::<broken_lost::BrokenLost>(),
        "broken-inplace" => v.visit::<broken_inplace::BrokenInPlace>(),
        _ => return None,
    })
}

/// A staged write, for backends that buffer a batch until commit.
#[derive(Debug, Clone)]
pub enum Staged {
    Put(Vec<u8>, u64),
    Delete(Vec<u8>),
    DeletePrefix(Vec<u8>),
}

/// Looks `key` up in a staged batch: `Some(Some(v))` staged put, `Some(None)` staged delete,
/// `None` untouched by the batch.
pub fn staged_lookup(batch: &[Staged], key: &[u8]) -> Option<Option<u64>> {
    batch.iter().rev().find_map(|s| match s {
        Staged::Put(k, v) if k == key => Some(Some(*v)),
        Staged::Delete(k) if k == key => Some(None),
        Staged::DeletePrefix(p) if key.starts_with(p) => Some(None),
        _ => None,
    })
}

#[cfg(test)]
pub(crate) mod conformance;
