//! DELIBERATELY BROKEN backends, for the isolation checker's self-test: one imbl-based store with
//! one fault injected at commit. Each claims what `imbl-arcswap` delivers (snapshots, atomic
//! batches); the checker must show, by its class, that it does not.
//!
//! The store: immutable `OrdMap` versions published through an `ArcSwap`, each version behind a
//! lock of its own so that a fault can reach into one readers hold. A correct commit builds the
//! next version from the current one under the commit lock and publishes it whole
//! ([`Faulty::publish_whole`]); the faults, side by side:
//!
//! | fault | what its commit does | what the checker must report |
//! |---|---|---|
//! | `Torn` | publishes each staged write as its own version | fractured (and predicate) reads |
//! | `Stale` | acknowledges, publishes the *previous* batch (write-behind) | stale after ack |
//! | `Lost` | builds the next version from one loaded before the lock | lost updates |
//! | `InPlace` | applies the batch to the version readers hold | non-repeatable reads |
//!
//! The fault is data ([`Fault`], the store's const parameter): the four backends share every
//! line but the one `match` in [`Faulty::publish_faulty`].

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
};

use arc_swap::ArcSwap;

use super::{
    batch::{apply_batch, Batch, Publish, Staged},
    imbl_arcswap::{map_of, Map},
    maps::{LockPerRead, ReadMap},
    reader::Versions,
    Backend, BackendInfo, BackendRole, Caps, Refused,
};

/// One version, behind its own lock.
type Version = Arc<RwLock<Map>>;

/// The fault a [`Faulty`] store commits with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Publishes key by key.
    Torn,
    /// Acknowledges before publishing.
    Stale,
    /// Builds on a version loaded outside the commit lock.
    Lost,
    /// Mutates the version readers hold.
    InPlace,
}

impl Fault {
    /// The fault a store's const parameter names (`Fault::Torn as u8`, …).
    pub const fn of(id: u8) -> Fault {
        match id {
            0 => Fault::Torn,
            1 => Fault::Stale,
            2 => Fault::Lost,
            _ => Fault::InPlace,
        }
    }

    /// The backend's name and summary; it claims what `imbl-arcswap` delivers.
    pub const fn info(self) -> BackendInfo {
        let (name, summary) = match self {
            Fault::Torn => ("broken-torn", "BROKEN on purpose: commits key by key (each staged write published separately) → fractured reads"),
            Fault::Stale => ("broken-stale", "BROKEN on purpose: acknowledges before publishing (write-behind: visible at the next commit) → stale after ack"),
            Fault::Lost => ("broken-lost", "BROKEN on purpose: blind root store (new root built from a root loaded before the lock) → lost updates"),
            Fault::InPlace => ("broken-inplace", "BROKEN on purpose: commits mutate in place the version readers' snapshots hold → non-repeatable reads"),
        };
        BackendInfo {
            name,
            role: BackendRole::Broken,
            caps: Caps::ALL,
            summary,
        }
    }
}

pub type BrokenTorn = Faulty<{ Fault::Torn as u8 }>;
pub type BrokenStale = Faulty<{ Fault::Stale as u8 }>;
pub type BrokenLost = Faulty<{ Fault::Lost as u8 }>;
pub type BrokenInPlace = Faulty<{ Fault::InPlace as u8 }>;

/// The imbl-based store with fault `Fault::of(F)`.
pub struct Faulty<const F: u8> {
    root: ArcSwap<RwLock<Map>>,
    commit_lock: Mutex<()>,
    /// Per partition, the batch acknowledged but not yet published (`Stale` only).
    behind: Mutex<HashMap<Vec<u8>, Batch>>,
}

impl<const F: u8> Faulty<F> {
    fn current(&self) -> Version {
        self.root.load_full()
    }

    /// Publishes a new version: `base` with `writes` applied.
    fn publish_on(&self, base: &Map, writes: impl IntoIterator<Item = Staged>) {
        let mut next = base.clone();
        apply_batch(&mut next, writes);
        self.root.store(Arc::new(RwLock::new(next)));
    }

    /// The correct commit: the current version with `writes` applied, built and published under
    /// the commit lock.
    pub fn publish_whole(&self, writes: impl IntoIterator<Item = Staged>) {
        let _serial = self.commit_lock.lock().unwrap();
        self.publish_on(&self.current().read().unwrap(), writes);
    }

    /// The fault's commit; every fault but `Lost` holds the commit lock throughout.
    fn publish_faulty(&self, partition: &[u8], batch: &mut Batch) {
        let fault = Fault::of(F);
        // Lost — THE BUG: the base is loaded outside the serialization that protects the store
        // (and the race window widened, so that a short run shows it on 2 cores).
        let early = (fault == Fault::Lost).then(|| {
            let base = self.current().read().unwrap().clone();
            std::thread::yield_now();
            base
        });
        let _serial = self.commit_lock.lock().unwrap();
        match (fault, early) {
            (Fault::Torn, _) => {
                for w in batch.drain() {
                    // THE BUG: one published version per staged write (and a window in which a
                    // reader can catch the batch half-published).
                    self.publish_on(&self.current().read().unwrap(), [w]);
                    std::thread::yield_now();
                }
            }
            (Fault::Stale, _) => {
                // THE BUG: publish the *previous* batch, keep this one for later, and return.
                let mut behind = self.behind.lock().unwrap();
                let held = behind.entry(partition.to_vec()).or_default();
                std::mem::swap(held, batch); // `batch` now holds the previous one
                self.publish_on(&self.current().read().unwrap(), batch.drain());
            }
            (Fault::Lost, Some(base)) => self.publish_on(&base, batch.drain()),
            // THE BUG: the batch is applied to the one version every reader holds.
            (Fault::InPlace, _) | (Fault::Lost, None) => {
                apply_batch(&mut *self.current().write().unwrap(), batch.drain())
            }
        }
    }
}

impl<const F: u8> Versions for Faulty<F> {
    type View<'a> = LockPerRead<Version>;
    fn view(&self) -> Self::View<'_> {
        LockPerRead(self.current())
    }
}

impl<const F: u8> Publish for Faulty<F> {
    fn publish(&self, partition: &[u8], batch: &mut Batch) -> Result<(), Refused> {
        self.publish_faulty(partition, batch);
        Ok(())
    }
    fn read_latest(&self, partition: &[u8], key: &[u8]) -> Result<Option<u64>, Refused> {
        let behind = self.behind.lock().unwrap();
        match behind.get(partition).and_then(|b| b.lookup(key)) {
            Some(staged) => Ok(staged),
            None => Ok(ReadMap::get(&*self.current().read().unwrap(), key)),
        }
    }
}

impl<const F: u8> Backend for Faulty<F> {
    const INFO: BackendInfo = Fault::of(F).info();
    view_reader!();
    buffered_writer!();

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        Faulty {
            root: ArcSwap::from_pointee(RwLock::new(map_of(prefill))),
            commit_lock: Mutex::new(()),
            behind: Mutex::new(HashMap::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::{ReadHandle, WriteHandle};

    #[test]
    fn a_stale_batch_is_visible_only_after_the_next_commit() {
        let b = BrokenStale::open(&mut std::iter::empty());
        let mut w = b.writer(b"p/", false);
        w.put(b"p/a", 1).unwrap();
        w.commit().unwrap();
        assert_eq!(w.get(b"p/a"), Ok(Some(1)), "the writer sees its own batch");
        let mut r = b.reader();
        r.snapshot().unwrap();
        assert_eq!(r.get(b"p/a"), Ok(None));
        w.commit().unwrap();
        r.snapshot().unwrap();
        assert_eq!(r.get(b"p/a"), Ok(Some(1)));
    }

    #[test]
    fn an_in_place_commit_changes_a_held_snapshot() {
        let b = BrokenInPlace::open(&mut std::iter::empty());
        let mut r = b.reader();
        r.snapshot().unwrap();
        let mut w = b.writer(b"p/", false);
        w.put(b"p/a", 1).unwrap();
        w.commit().unwrap();
        assert_eq!(r.get(b"p/a"), Ok(Some(1)), "the bug this backend exists to show");
    }

    #[test]
    fn a_correct_commit_leaves_a_held_snapshot_alone() {
        let b = BrokenTorn::open(&mut std::iter::empty());
        let mut r = b.reader();
        r.snapshot().unwrap();
        b.publish_whole([Staged::Put(b"p/a".to_vec(), 1)]);
        assert_eq!(r.get(b"p/a"), Ok(None));
        r.snapshot().unwrap();
        assert_eq!(r.get(b"p/a"), Ok(Some(1)));
    }
}
