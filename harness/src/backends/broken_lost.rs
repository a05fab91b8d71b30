//! `broken-lost` — DELIBERATELY BROKEN, for the isolation checker's self-test: a blind root store.
//! `commit` builds the new version from a root loaded *before* taking the commit lock, so two
//! partitions committing at once each build on the same old root and the second store erases the
//! first one's batch. The checker must report lost updates (and the stale reads they cause).
//!
//! Otherwise `imbl-arcswap`: persistent `OrdMap` versions in an `ArcSwap`.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use super::{
    imbl_arcswap::{apply, Map, Reader},
    staged_lookup, Backend, BackendInfo, BackendRole, Caps, Refused, Staged, WriteHandle,
};

pub struct BrokenLost {
    root: ArcSwap<Map>,
    commit_lock: Mutex<()>,
}

pub struct Writer<'a> {
    backend: &'a BrokenLost,
    batch: Vec<Staged>,
}

impl Backend for BrokenLost {
    const INFO: BackendInfo = BackendInfo {
        name: "broken-lost",
        role: BackendRole::Broken,
        caps: Caps { snapshots: true, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "BROKEN on purpose: blind root store (new root built from a root loaded before the lock) → lost updates",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        BrokenLost {
            root: ArcSwap::from_pointee(prefill.collect()),
            commit_lock: Mutex::new(()),
        }
    }
    fn reader(&self) -> Reader<'_> {
        Reader::new(&self.root)
    }
    fn writer(&self, _partition: &[u8], _release: bool) -> Writer<'_> {
        Writer {
            backend: self,
            batch: Vec::new(),
        }
    }
}

impl WriteHandle for Writer<'_> {
    stage_into_batch!();
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        match staged_lookup(&self.batch, key) {
            Some(v) => Ok(v),
            None => Ok(self.backend.root.load().get(key).copied()),
        }
    }
    fn commit(&mut self) -> Result<(), Refused> {
        // THE BUG: the base is loaded outside the serialization that protects the store.
        let mut next: Map = (**self.backend.root.load()).clone();
        for s in self.batch.drain(..) {
            apply(&mut next, s);
        }
        // Widens the race window so that a short run shows it on 2 cores.
        std::thread::yield_now();
        let _serial = self.backend.commit_lock.lock().unwrap();
        self.backend.root.store(Arc::new(next));
        Ok(())
    }
    fn rollback(&mut self) {
        self.batch.clear();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn conforms_single_threaded() {
        // Alone, a blind store loses nothing.
        super::super::conformance::check::<super::BrokenLost>();
    }
}
