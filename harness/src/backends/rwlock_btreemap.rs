//! `rwlock-btreemap`: a `BTreeMap<Vec<u8>, u64>` behind one global `RwLock`. Every read op takes
//! the read lock for that op only (no snapshots: consecutive reads may see different states);
//! a writer buffers its batch and applies it under one write lock (atomic batches).

use std::{collections::BTreeMap, ops::Bound, sync::RwLock};

use super::{
    staged_lookup, Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused, Staged,
    WriteHandle,
};

pub struct RwLockBTreeMap {
    map: RwLock<BTreeMap<Vec<u8>, u64>>,
}

pub struct Reader<'a> {
    map: &'a RwLock<BTreeMap<Vec<u8>, u64>>,
}

pub struct Writer<'a> {
    map: &'a RwLock<BTreeMap<Vec<u8>, u64>>,
    batch: Vec<Staged>,
}

fn under<'m>(
    m: &'m BTreeMap<Vec<u8>, u64>,
    prefix: &[u8],
) -> impl Iterator<Item = (&'m Vec<u8>, &'m u64)> + 'm {
    let p = prefix.to_vec();
    m.range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(move |(k, _)| k.starts_with(&p))
}

impl Backend for RwLockBTreeMap {
    const INFO: BackendInfo = BackendInfo {
        name: "rwlock-btreemap",
        role: BackendRole::Peer,
        caps: Caps { snapshots: false, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "BTreeMap<Vec<u8>,u64> behind a global RwLock; lock per read op, batch applied under the write lock",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        RwLockBTreeMap {
            map: RwLock::new(prefill.collect()),
        }
    }
    fn reader(&self) -> Reader<'_> {
        Reader { map: &self.map }
    }
    fn writer(&self, _partition: &[u8], _release: bool) -> Writer<'_> {
        Writer {
            map: &self.map,
            batch: Vec::new(),
        }
    }
}

impl ReadHandle for Reader<'_> {
    fn snapshot(&mut self) -> Result<(), Refused> {
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.map.read().unwrap().get(key).copied())
    }
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        Ok(self.map.read().unwrap().contains_key(key))
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        let m = self.map.read().unwrap();
        Ok(under(&m, prefix)
            .take(limit)
            .fold(0u64, |acc, (_k, v)| acc.wrapping_add(*v)))
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        Ok(under(&self.map.read().unwrap(), prefix).count())
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        out.extend(under(&self.map.read().unwrap(), prefix).map(|(k, v)| (k.clone(), *v)));
        Ok(())
    }
}

impl WriteHandle for Writer<'_> {
    stage_into_batch!();
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        match staged_lookup(&self.batch, key) {
            Some(v) => Ok(v),
            None => Ok(self.map.read().unwrap().get(key).copied()),
        }
    }
    fn commit(&mut self) -> Result<(), Refused> {
        let mut m = self.map.write().unwrap();
        for s in self.batch.drain(..) {
            match s {
                Staged::Put(k, v) => {
                    m.insert(k, v);
                }
                Staged::Delete(k) => {
                    m.remove(&k);
                }
                Staged::DeletePrefix(p) => {
                    let doomed: Vec<Vec<u8>> = under(&m, &p).map(|(k, _)| k.clone()).collect();
                    doomed.iter().for_each(|k| {
                        m.remove(k);
                    });
                }
            }
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
    fn conforms() {
        super::super::conformance::check::<super::RwLockBTreeMap>();
    }
}
