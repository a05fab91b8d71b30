//! `hybrid`: the system under test, `hybrid_kb::KnowledgeBase<u64>`. Readers take O(1) snapshots
//! of published PathMap versions; each writer leases its partition once (outside the timed loop),
//! stages privately and publishes each batch atomically with `commit`.
//!
//! A refused lease (another writer holds an overlapping partition) is counted as a conflict and
//! the writer's ops are refused until a lease succeeds. With `release_after_commit` (workloads whose
//! partitions overlap) the lease is given back after each commit so writers take turns.

use hybrid_kb::{KnowledgeBase, Reclaim, Snapshot, Writer as KbWriter};

use super::{
    rwlock_pathmap::build_map, Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused,
    WriteHandle,
};

pub struct Hybrid {
    kb: KnowledgeBase<u64>,
}

pub struct Reader<'a> {
    kb: &'a KnowledgeBase<u64>,
    snap: Snapshot<u64>,
}

pub struct Writer<'a> {
    kb: &'a KnowledgeBase<u64>,
    partition: Vec<u8>,
    w: Option<KbWriter<u64>>,
    release_after_commit: bool,
    conflicts: u64,
}

impl Hybrid {
    /// The knowledge base under test (for checks after a run).
    pub fn kb(&self) -> &KnowledgeBase<u64> {
        &self.kb
    }
}

impl Backend for Hybrid {
    const INFO: BackendInfo = BackendInfo {
        name: "hybrid",
        role: BackendRole::UnderTest,
        caps: Caps { snapshots: true, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "hybrid_kb::KnowledgeBase<u64>: lock-free snapshots, leased partition writers, atomic commits",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        // Version 1 is the prefilled map itself (O(1): its nodes are shared, not copied).
        Hybrid {
            kb: KnowledgeBase::from_map(build_map(prefill), Reclaim::default()),
        }
    }
    fn reader(&self) -> Reader<'_> {
        Reader {
            kb: &self.kb,
            snap: self.kb.snapshot(),
        }
    }
    fn writer(&self, partition: &[u8], release_after_commit: bool) -> Writer<'_> {
        let mut w = Writer {
            kb: &self.kb,
            partition: partition.to_vec(),
            w: None,
            release_after_commit,
            conflicts: 0,
        };
        if !release_after_commit {
            let _ = w.lease();
        }
        w
    }
}

impl Writer<'_> {
    /// The leased writer, leasing it if this handle holds none.
    fn lease(&mut self) -> Result<&mut KbWriter<u64>, Refused> {
        if self.w.is_none() {
            match self.kb.writer(&self.partition) {
                Ok(w) => self.w = Some(w),
                Err(_conflict) => {
                    self.conflicts += 1;
                    return Err(Refused);
                }
            }
        }
        Ok(self.w.as_mut().expect("just leased"))
    }
}

impl ReadHandle for Reader<'_> {
    fn snapshot(&mut self) -> Result<(), Refused> {
        self.snap = self.kb.snapshot();
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.snap.get(key).copied())
    }
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        Ok(self.snap.contains(key))
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        Ok(self
            .snap
            .scan(prefix)
            .take(limit)
            .fold(0u64, |acc, (_k, v)| acc.wrapping_add(*v)))
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        Ok(self.snap.count(prefix))
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        self.snap.scan_each(prefix, |k, v| {
            out.push((k.to_vec(), *v));
            true
        });
        Ok(())
    }
}

impl WriteHandle for Writer<'_> {
    fn put(&mut self, key: &[u8], value: u64) -> Result<(), Refused> {
        self.lease()?.put(key, value).map_err(|_| Refused)
    }
    fn delete(&mut self, key: &[u8]) -> Result<(), Refused> {
        self.lease()?.delete(key).map(drop).map_err(|_| Refused)
    }
    fn delete_prefix(&mut self, prefix: &[u8]) -> Result<(), Refused> {
        self.lease()?
            .remove_prefix(prefix)
            .map(drop)
            .map_err(|_| Refused)
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        match &self.w {
            Some(w) => Ok(w.get(key).copied()),
            None => Ok(self.kb.snapshot().get(key).copied()),
        }
    }
    fn commit(&mut self) -> Result<(), Refused> {
        let Some(w) = self.w.as_mut() else {
            return Err(Refused); // nothing staged: the lease was refused
        };
        let out = w.commit().map(drop).map_err(|_| Refused);
        if self.release_after_commit {
            self.w = None;
        }
        out
    }
    fn rollback(&mut self) {
        if let Some(w) = self.w.as_mut() {
            w.rollback();
        }
    }
    fn conflicts(&self) -> u64 {
        self.conflicts
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn conforms() {
        super::super::conformance::check::<super::Hybrid>();
    }
}
