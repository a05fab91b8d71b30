//! `concread`: concread's `BptreeMap<Vec<u8>, u64>`, a concurrently readable copy-on-write B+tree.
//! A snapshot is a read transaction (one version, for as long as it is held; taking one waits
//! only while a commit swaps the current version in); a writer buffers its batch and applies it
//! in one write transaction at commit, which concread runs one at a time and readers see from
//! their next read transaction on. A held read transaction keeps every later version's garbage:
//! the reader holds one only from its first snapshot on.

use std::ops::Bound;

use ::concread::bptree::{BptreeMap, BptreeMapReadTxn, BptreeMapWriteTxn};

use super::{
    batch::{apply_batch, Batch, Publish},
    maps::{keys_under, under, ReadMap, WriteMap},
    reader::Versions,
    Backend, BackendInfo, BackendRole, Caps, Refused,
};

type Map = BptreeMap<Vec<u8>, u64>;

pub struct Concread {
    map: Map,
}

/// [`ReadMap`] for a read transaction, and for a write transaction, which reads its own writes
/// (so a prefix delete finds its keys in it): the two have the same `get` and `range`.
macro_rules! txn_read_map {
    ($($txn:ident),*) => {$(
        impl ReadMap for $txn<'_, Vec<u8>, u64> {
            fn get(&self, key: &[u8]) -> Option<u64> {
                $txn::get(self, key).copied()
            }
            fn each_under<F: FnMut(&[u8], u64) -> bool>(
                &self,
                prefix: &[u8],
                mut f: F,
            ) -> Result<(), Refused> {
                let from = (Bound::Included(prefix), Bound::Unbounded);
                for (k, v) in under(self.range::<_, [u8]>(from), prefix) {
                    if !f(k, *v) {
                        break;
                    }
                }
                Ok(())
            }
        }
    )*};
}

txn_read_map!(BptreeMapReadTxn, BptreeMapWriteTxn);

impl WriteMap for BptreeMapWriteTxn<'_, Vec<u8>, u64> {
    fn put(&mut self, key: Vec<u8>, value: u64) {
        self.insert(key, value);
    }
    /// concread's `remove` takes the key type itself, so a delete copies the key once.
    fn delete(&mut self, key: &[u8]) {
        self.remove(&key.to_vec());
    }
    fn delete_prefix(&mut self, prefix: &[u8]) {
        for k in keys_under(self, prefix) {
            self.remove(&k);
        }
    }
}

impl Versions for Concread {
    type View<'a> = BptreeMapReadTxn<'a, Vec<u8>, u64>;
    fn view(&self) -> Self::View<'_> {
        self.map.read()
    }
}

impl Publish for Concread {
    fn publish(&self, _partition: &[u8], batch: &mut Batch) -> Result<(), Refused> {
        let mut txn = self.map.write();
        apply_batch(&mut txn, batch.drain());
        txn.commit();
        Ok(())
    }
    fn read_latest(&self, _partition: &[u8], key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.map.read().get(key).copied())
    }
}

impl Backend for Concread {
    const INFO: BackendInfo = BackendInfo {
        name: "concread",
        role: BackendRole::Peer,
        caps: Caps::ALL,
        summary: "concread BptreeMap: copy-on-write B+tree; a read transaction per snapshot, one write transaction per batch",
    };
    view_reader!();
    buffered_writer!();

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        let map = Map::new();
        let mut txn = map.write();
        for (k, v) in prefill {
            txn.insert(k, v);
        }
        txn.commit();
        Concread { map }
    }
}
