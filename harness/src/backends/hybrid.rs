//! `hybrid`: the system under test, `hybrid_kb::KnowledgeBase<u64>`. Readers take O(1) snapshots
//! of published PathMap versions; each writer leases its partition once (outside the timed loop),
//! stages privately and publishes each batch atomically with `commit`.
//!
//! A refused lease (another writer holds an overlapping partition) refuses the writer's ops
//! until a lease succeeds. With `release_after_commit` (workloads whose
//! partitions overlap) the lease is given back after each commit so writers take turns.

use hybrid_kb::{KnowledgeBase, Reclaim, Snapshot, Writer as KbWriter};

use super::{
    maps::ReadMap,
    reader::Versions,
    trie::build_map,
    Backend, BackendInfo, BackendRole, Caps, Refused, WriteHandle,
};

pub struct Hybrid {
    kb: KnowledgeBase<u64>,
}

impl Hybrid {
    /// The knowledge base under test (the soak checks its reclamation).
    pub fn kb(&self) -> &KnowledgeBase<u64> {
        &self.kb
    }
}

pub struct Writer<'a> {
    kb: &'a KnowledgeBase<u64>,
    partition: Vec<u8>,
    w: Option<KbWriter<u64>>,
    release_after_commit: bool,
}

impl Backend for Hybrid {
    const INFO: BackendInfo = BackendInfo {
        name: "hybrid",
        role: BackendRole::UnderTest,
        caps: Caps::ALL,
        summary: "hybrid_kb::KnowledgeBase<u64>: lock-free snapshots, leased partition writers, atomic commits",
    };
    view_reader!();
    type Writer<'a> = Writer<'a>;

    fn counters(&self) -> Option<results::StoreCounters> {
        let s = self.kb.stats();
        Some(results::StoreCounters {
            versions_published: s.commits,
            versions_freed: s.versions_freed,
            span_s: 0.0,
        })
    }

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        // Version 1 is the prefilled map itself (O(1): its nodes are shared, not copied).
        Hybrid {
            kb: KnowledgeBase::from_map(build_map(prefill), Reclaim::default()),
        }
    }
    fn writer(&self, partition: &[u8], release_after_commit: bool) -> Writer<'_> {
        let mut w = Writer {
            kb: &self.kb,
            partition: partition.to_vec(),
            w: None,
            release_after_commit,
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
                Err(_conflict) => return Err(Refused),
            }
        }
        Ok(self.w.as_mut().expect("just leased"))
    }
}

impl Versions for Hybrid {
    type View<'a> = Snapshot<u64>;
    fn view(&self) -> Snapshot<u64> {
        self.kb.snapshot()
    }
}

impl ReadMap for Snapshot<u64> {
    fn get(&self, key: &[u8]) -> Option<u64> {
        Snapshot::get(self, key).copied()
    }
    fn contains(&self, key: &[u8]) -> bool {
        Snapshot::contains(self, key)
    }
    fn each_under<F: FnMut(&[u8], u64) -> bool>(
        &self,
        prefix: &[u8],
        mut f: F,
    ) -> Result<(), Refused> {
        let mut scan = self.scan(prefix);
        while let Some((k, v)) = scan.next() {
            if !f(k, *v) {
                break;
            }
        }
        Ok(())
    }
    fn count_under(&self, prefix: &[u8]) -> Result<usize, Refused> {
        Ok(self.count(prefix))
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
}
