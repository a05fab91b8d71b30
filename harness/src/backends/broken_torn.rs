//! `broken-torn` — DELIBERATELY BROKEN, for the isolation checker's self-test: a commit publishes
//! each staged write as its own version (key by key), so a snapshot taken during a commit sees
//! part of the batch. The checker must report it as fractured (and predicate) reads.
//!
//! Otherwise `imbl-arcswap`: persistent `OrdMap` versions in an `ArcSwap`, commits serialized.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use super::{
    imbl_arcswap::{apply, Map, Reader},
    staged_lookup, Backend, BackendInfo, BackendRole, Caps, Refused, Staged, WriteHandle,
};

pub struct BrokenTorn {
    root: ArcSwap<Map>,
    commit_lock: Mutex<()>,
}

pub struct Writer<'a> {
    backend: &'a BrokenTorn,
    batch: Vec<Staged>,
}

impl Backend for BrokenTorn {
    const INFO: BackendInfo = BackendInfo {
        name: "broken-torn",
        role: BackendRole::Broken,
        // It claims what `imbl-arcswap` delivers; the checker must show it does not.
        caps: Caps { snapshots: true, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "BROKEN on purpose: commits key by key (each staged write published separately) → fractured reads",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        BrokenTorn {
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
        let _serial = self.backend.commit_lock.lock().unwrap();
        for s in self.batch.drain(..) {
            // THE BUG: one published version per staged write.
            let mut next: Map = (**self.backend.root.load()).clone();
            apply(&mut next, s);
            self.backend.root.store(Arc::new(next));
            // Widens the window in which a reader can catch the batch half-published.
            std::thread::yield_now();
        }
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
        // Alone, a torn commit is indistinguishable from an atomic one.
        super::super::conformance::check::<super::BrokenTorn>();
    }
}
