//! `broken-inplace` — DELIBERATELY BROKEN, for the isolation checker's self-test: the version a
//! reader's "snapshot" holds is the very map writers mutate in place (safe Rust: one shared
//! `RwLock`ed map, each read locks it). It claims snapshots; a commit lands inside the reader's
//! snapshot, so the checker must report non-repeatable (and fractured) reads.

use std::sync::{Arc, RwLock};

use super::{
    imbl_arcswap::{apply, under, Map},
    staged_lookup, Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused, Staged,
    WriteHandle,
};

pub struct BrokenInPlace {
    current: Arc<RwLock<Map>>,
}

pub struct Reader<'a> {
    backend: &'a BrokenInPlace,
    /// The "snapshot": a handle on the version current when it was taken — which is mutated.
    held: Arc<RwLock<Map>>,
}

pub struct Writer<'a> {
    backend: &'a BrokenInPlace,
    batch: Vec<Staged>,
}

impl Backend for BrokenInPlace {
    const INFO: BackendInfo = BackendInfo {
        name: "broken-inplace",
        role: BackendRole::Broken,
        caps: Caps { snapshots: true, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "BROKEN on purpose: commits mutate in place the version readers' snapshots hold → non-repeatable reads",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        BrokenInPlace {
            current: Arc::new(RwLock::new(prefill.collect())),
        }
    }
    fn reader(&self) -> Reader<'_> {
        Reader {
            backend: self,
            held: self.current.clone(),
        }
    }
    fn writer(&self, _partition: &[u8], _release: bool) -> Writer<'_> {
        Writer {
            backend: self,
            batch: Vec::new(),
        }
    }
}

impl ReadHandle for Reader<'_> {
    fn snapshot(&mut self) -> Result<(), Refused> {
        self.held = self.backend.current.clone();
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.held.read().unwrap().get(key).copied())
    }
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        Ok(self.held.read().unwrap().contains_key(key))
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        Ok(under(&self.held.read().unwrap(), prefix)
            .take(limit)
            .fold(0u64, |acc, (_k, v)| acc.wrapping_add(*v)))
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        Ok(under(&self.held.read().unwrap(), prefix).count())
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        out.extend(under(&self.held.read().unwrap(), prefix).map(|(k, v)| (k.clone(), *v)));
        Ok(())
    }
}

impl WriteHandle for Writer<'_> {
    stage_into_batch!();
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        match staged_lookup(&self.batch, key) {
            Some(v) => Ok(v),
            None => Ok(self.backend.current.read().unwrap().get(key).copied()),
        }
    }
    fn commit(&mut self) -> Result<(), Refused> {
        // THE BUG: the batch is applied to the one version every reader holds.
        let mut map = self.backend.current.write().unwrap();
        for s in self.batch.drain(..) {
            apply(&mut map, s);
        }
        Ok(())
    }
    fn rollback(&mut self) {
        self.batch.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_snapshot_changes_under_the_reader() {
        let b = BrokenInPlace::open(&mut std::iter::empty());
        let mut r = b.reader();
        r.snapshot().unwrap();
        let mut w = b.writer(b"p/", false);
        w.put(b"p/a", 1).unwrap();
        w.commit().unwrap();
        assert_eq!(
            r.get(b"p/a"),
            Ok(Some(1)),
            "the bug this backend exists to show"
        );
    }
}
