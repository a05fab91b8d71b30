//! `imbl-arcswap`: a persistent `imbl::OrdMap<Vec<u8>, u64>` published through `ArcSwap`.
//! Readers load the current version (a real snapshot); writers buffer a batch and commit it by
//! cloning the current map (O(1), structural sharing), applying the batch and storing the result,
//! serialized by one commit lock. The closest off-the-shelf peer of `hybrid`.

use std::{
    ops::Bound,
    sync::{Arc, Mutex},
};

use arc_swap::ArcSwap;
use imbl::OrdMap;

use super::{
    staged_lookup, Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused, Staged,
    WriteHandle,
};

/// The persistent map every imbl-based backend (this one and the broken ones) publishes.
pub type Map = OrdMap<Vec<u8>, u64>;

pub struct ImblArcSwap {
    root: ArcSwap<Map>,
    commit_lock: Mutex<()>,
}

pub struct Reader<'a> {
    root: &'a ArcSwap<Map>,
    snap: Arc<Map>,
}

pub struct Writer<'a> {
    backend: &'a ImblArcSwap,
    batch: Vec<Staged>,
}

/// Entries of `m` under `prefix`, in key order.
pub fn under<'m>(m: &'m Map, prefix: &[u8]) -> impl Iterator<Item = (&'m Vec<u8>, &'m u64)> + 'm {
    let p = prefix.to_vec();
    m.range::<_, [u8]>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(move |(k, _)| k.starts_with(&p))
}

/// Applies one staged write to `map`.
pub fn apply(map: &mut Map, s: Staged) {
    match s {
        Staged::Put(k, v) => {
            map.insert(k, v);
        }
        Staged::Delete(k) => {
            map.remove(&k);
        }
        Staged::DeletePrefix(p) => {
            let doomed: Vec<Vec<u8>> = under(map, &p).map(|(k, _)| k.clone()).collect();
            doomed.iter().for_each(|k| {
                map.remove(k);
            });
        }
    }
}

impl Backend for ImblArcSwap {
    const INFO: BackendInfo = BackendInfo {
        name: "imbl-arcswap",
        role: BackendRole::Peer,
        caps: Caps { snapshots: true, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "persistent imbl::OrdMap published via ArcSwap; commits serialized by a lock (closest peer)",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        ImblArcSwap {
            root: ArcSwap::from_pointee(prefill.collect()),
            commit_lock: Mutex::new(()),
        }
    }
    fn reader(&self) -> Reader<'_> {
        Reader {
            root: &self.root,
            snap: self.root.load_full(),
        }
    }
    fn writer(&self, _partition: &[u8], _release: bool) -> Writer<'_> {
        Writer {
            backend: self,
            batch: Vec::new(),
        }
    }
}

impl<'a> Reader<'a> {
    /// A reader of the versions published in `root` (also used by the broken backends).
    pub fn new(root: &'a ArcSwap<Map>) -> Self {
        Reader {
            root,
            snap: root.load_full(),
        }
    }
}

impl ReadHandle for Reader<'_> {
    fn snapshot(&mut self) -> Result<(), Refused> {
        self.snap = self.root.load_full();
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.snap.get(key).copied())
    }
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        Ok(self.snap.contains_key(key))
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        Ok(under(&self.snap, prefix)
            .take(limit)
            .fold(0u64, |acc, (_k, v)| acc.wrapping_add(*v)))
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        Ok(under(&self.snap, prefix).count())
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        out.extend(under(&self.snap, prefix).map(|(k, v)| (k.clone(), *v)));
        Ok(())
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
        let mut next: Map = (**self.backend.root.load()).clone();
        for s in self.batch.drain(..) {
            apply(&mut next, s);
        }
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
    fn conforms() {
        super::super::conformance::check::<super::ImblArcSwap>();
    }
}
