//! The stores under test, behind one thin trait family that mirrors the lifecycle of a
//! transaction: open a read handle and take snapshots through it, lease a writer for a
//! partition, stage writes, commit. Handles are obtained once per thread, outside the timed loop.
//!
//! Backends are data: the [`registry!`] below lists them once, and from that list come the
//! modules, [`ALL`], the dispatch by name ([`visit`]) and a conformance test for every backend.
//! Each backend carries its role (under test, peer, floor, broken on purpose) and its [`Caps`]
//! in [`BackendInfo`]; nothing matches on a backend's name. A workload that needs a capability a
//! backend lacks is skipped with the reason recorded ([`Caps::missing`]), never faked.
//!
//! **Adding a backend** is one file and one registry line: implement [`Backend`] in
//! `backends/<name>.rs` — usually a store type plus [`reader::Versions`] for its reads and
//! [`batch::Publish`] for its commits, so that [`reader::ViewReader`] and [`batch::Buffered`]
//! serve as its handles — and add `<name> => [Type]` to the registry. `harness list` shows it,
//! `--backends` accepts it, and `cargo test` checks it against a model.
//!
//! Shared pieces: [`maps`] (reading and writing each map type), [`trie`] (PathMap), [`reader`],
//! [`batch`], [`rwlocked`] (one map behind one lock), [`faulty`] (the broken backends' base).
//!
//! May depend on: the stores (`hybrid_kb`, pathmap, imbl, dashmap, arc-swap), the results
//! schema (roles and capabilities). Nothing else of the harness.

/// The read handle of a store whose reads go through a view ([`reader::Versions`]): in an
/// `impl Backend`, the `Reader` type and `reader()`.
macro_rules! view_reader {
    () => {
        type Reader<'a> = $crate::backends::reader::ViewReader<'a, Self>;
        fn reader(&self) -> Self::Reader<'_> {
            $crate::backends::reader::ViewReader::new(self)
        }
    };
}

/// The write handle of a store that publishes whole batches ([`batch::Publish`]): in an
/// `impl Backend`, the `Writer` type and `writer()`.
macro_rules! buffered_writer {
    () => {
        type Writer<'a> = $crate::backends::batch::Buffered<'a, Self>;
        fn writer(&self, partition: &[u8], _release: bool) -> Self::Writer<'_> {
            $crate::backends::batch::Buffered::new(self, partition)
        }
    };
}

pub mod batch;
pub mod maps;
pub mod reader;
pub mod rwlocked;
pub mod trie;

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

/// A backend refused an operation (a conflicting zipper or a held lease). The runner counts it
/// per role and does not time it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// A store under test. One instance per measured point, shared by reference by all its threads.
pub trait Backend: Sync + Sized {
    const INFO: BackendInfo;
    /// `WriteHandle::rollback` really discards staged writes (the isolation checker stages
    /// aborted attempts only where it does).
    const ROLLBACK: bool = true;
    /// The store keeps what is written (the isolation checker skips the floor, which stores
    /// nothing).
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
    /// The store's own counts of versions published and freed so far, where it keeps them.
    fn counters(&self) -> Option<results::StoreCounters> {
        None
    }
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
}

/// Something to do with a backend type chosen at run time by name (the registry calls
/// `visit::<B>()` for the named backend, so the runner is monomorphized per backend).
pub trait BackendVisitor {
    type Out;
    fn visit<B: Backend>(self) -> Self::Out;
}

/// The registry: `module => [Type, …]` for every backend, in the order `harness list` shows
/// them. Declares the modules and generates [`ALL`], [`visit`] and one conformance test per
/// backend.
macro_rules! registry {
    ($($module:ident => [$($ty:ident),+ $(,)?]),+ $(,)?) => {
        $(pub mod $module;)+

        /// Every backend, in registry order.
        pub const ALL: &[BackendInfo] = &[$($(<$module::$ty as Backend>::INFO,)+)+];

        /// Runs `v` with the backend type named `name`; `None` if there is no such backend.
        pub fn visit<V: BackendVisitor>(name: &str, v: V) -> Option<V::Out> {
            $($(
                if name == <$module::$ty as Backend>::INFO.name {
                    return Some(v.visit::<$module::$ty>());
                }
            )+)+
            None
        }

        /// One conformance test per backend ([`conformance::check`]).
        #[cfg(test)]
        mod conforms {
            $(
                #[allow(non_snake_case)]
                mod $module {
                    $(
                        #[test]
                        fn $ty() {
                            crate::backends::conformance::check::<crate::backends::$module::$ty>();
                        }
                    )+
                }
            )+
        }
    };
}

registry! {
    hybrid => [Hybrid],
    zipperhead => [ZipperHead],
    rwlock_pathmap => [RwLockPathMap],
    rwlock_btreemap => [RwLockBTreeMap],
    rwlock_hashmap => [RwLockHashMap],
    imbl_arcswap => [ImblArcSwap],
    concread => [Concread],
    redb => [Redb],
    dashmap => [DashMapBackend],
    null => [Null],
    faulty => [BrokenTorn, BrokenStale, BrokenLost, BrokenInPlace],
}

/// Names of every backend, for error messages.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|b| b.name).collect()
}

/// The static description of `name`, if it is a backend.
pub fn info(name: &str) -> Option<BackendInfo> {
    ALL.iter().copied().find(|b| b.name == name)
}

#[cfg(test)]
mod conformance;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_dispatch_to_their_own_backend() {
        struct Name;
        impl BackendVisitor for Name {
            type Out = &'static str;
            fn visit<B: Backend>(self) -> &'static str {
                B::INFO.name
            }
        }
        let mut names = names();
        for n in &names {
            assert_eq!(visit(n, Name), Some(*n));
        }
        assert_eq!(visit("nosuch", Name), None);
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
