//! `broken-stale` — DELIBERATELY BROKEN, for the isolation checker's self-test: write-behind.
//! `commit` acknowledges a batch before publishing it; the batch becomes visible only at the
//! writer's *next* commit (and the last one never). The checker must report stale-after-ack
//! reads (and the never-published last batch as a lost update).
//!
//! Otherwise `imbl-arcswap`: persistent `OrdMap` versions in an `ArcSwap`, commits serialized.

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use super::{
    imbl_arcswap::{apply, Map, Reader},
    staged_lookup, Backend, BackendInfo, BackendRole, Caps, Refused, Staged, WriteHandle,
};

pub struct BrokenStale {
    root: ArcSwap<Map>,
    commit_lock: Mutex<()>,
}

pub struct Writer<'a> {
    backend: &'a BrokenStale,
    batch: Vec<Staged>,
    /// Acknowledged, not yet published.
    behind: Vec<Staged>,
}

impl Backend for BrokenStale {
    const INFO: BackendInfo = BackendInfo {
        name: "broken-stale",
        role: BackendRole::Broken,
        caps: Caps { snapshots: true, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "BROKEN on purpose: acknowledges before publishing (write-behind: visible at the next commit) → stale after ack",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        BrokenStale {
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
            behind: Vec::new(),
        }
    }
}

impl WriteHandle for Writer<'_> {
    stage_into_batch!();
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        match staged_lookup(&self.batch, key).or_else(|| staged_lookup(&self.behind, key)) {
            Some(v) => Ok(v),
            None => Ok(self.backend.root.load().get(key).copied()),
        }
    }
    fn commit(&mut self) -> Result<(), Refused> {
        let _serial = self.backend.commit_lock.lock().unwrap();
        // THE BUG: publish the *previous* batch, keep this one for later, and return.
        let mut next: Map = (**self.backend.root.load()).clone();
        for s in self.behind.drain(..) {
            apply(&mut next, s);
        }
        self.backend.root.store(Arc::new(next));
        std::mem::swap(&mut self.behind, &mut self.batch);
        Ok(())
    }
    fn rollback(&mut self) {
        self.batch.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::ReadHandle;

    #[test]
    fn an_acknowledged_batch_is_visible_only_after_the_next_commit() {
        let b = BrokenStale::open(&mut std::iter::empty());
        let mut w = b.writer(b"p/", false);
        w.put(b"p/a", 1).unwrap();
        w.commit().unwrap();
        let mut r = b.reader();
        r.snapshot().unwrap();
        assert_eq!(r.get(b"p/a"), Ok(None));
        w.commit().unwrap();
        r.snapshot().unwrap();
        assert_eq!(r.get(b"p/a"), Ok(Some(1)));
    }
}
