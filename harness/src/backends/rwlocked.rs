//! The obvious way to share a map: one global `RwLock`. Every read op takes the read lock for that
//! op only (no snapshots: two reads between snapshot ops may see different versions); a writer
//! buffers its batch and applies it under one write lock (atomic batches). `rwlock-pathmap`,
//! `rwlock-btreemap` and `rwlock-hashmap` are this store over three map types, each declared in
//! its own file by a [`LockedMap`] impl.

use std::sync::RwLock;

use super::{
    batch::{apply_batch, Batch, Publish},
    maps::{LockPerRead, ReadMap, WriteMap},
    reader::Versions,
    Backend, BackendInfo, BackendRole, Caps, Refused,
};

/// A map type shared behind one lock, and what the backend built on it is called.
pub trait LockedMap:
    ReadMap + WriteMap + FromIterator<(Vec<u8>, u64)> + Send + Sync + 'static
{
    const INFO: BackendInfo;
}

/// What an ordered map behind one lock can do: everything but snapshots.
pub const ORDERED: Caps = Caps {
    snapshots: false,
    ..Caps::ALL
};

/// What an unordered map behind one lock can do: point operations and atomic batches.
pub const POINT_OPS: Caps = Caps {
    atomic_batches: true,
    ..Caps::NONE
};

/// The description of a peer named `name`.
pub const fn peer(name: &'static str, caps: Caps, summary: &'static str) -> BackendInfo {
    BackendInfo {
        name,
        role: BackendRole::Peer,
        caps,
        summary,
    }
}

/// One map of type `M` behind one global lock.
pub struct RwLocked<M> {
    map: RwLock<M>,
}

impl<M: LockedMap> Versions for RwLocked<M> {
    type View<'a> = LockPerRead<&'a RwLock<M>>;
    fn view(&self) -> Self::View<'_> {
        LockPerRead(&self.map)
    }
}

impl<M: LockedMap> Publish for RwLocked<M> {
    fn publish(&self, _partition: &[u8], batch: &mut Batch) -> Result<(), Refused> {
        apply_batch(&mut *self.map.write().unwrap(), batch.drain());
        Ok(())
    }
    fn read_latest(&self, _partition: &[u8], key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.map.read().unwrap().get(key))
    }
}

impl<M: LockedMap> Backend for RwLocked<M> {
    const INFO: BackendInfo = M::INFO;
    view_reader!();
    buffered_writer!();

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        let mut map: M = prefill.collect();
        map.prepare_for_sharing();
        RwLocked {
            map: RwLock::new(map),
        }
    }
}
