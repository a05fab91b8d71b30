//! The write side every buffering backend shares: a writer stages a [`Batch`] privately and
//! hands it to its store to publish at commit ([`Publish`]); [`Buffered`] is that writer, once
//! for all of them. Only how a store publishes differs.

use super::{maps::WriteMap, Refused, WriteHandle};

/// A staged write.
#[derive(Debug, Clone, PartialEq)]
pub enum Staged {
    Put(Vec<u8>, u64),
    Delete(Vec<u8>),
    DeletePrefix(Vec<u8>),
}

/// A writer's staged, unpublished writes, in staging order.
#[derive(Debug, Default)]
pub struct Batch(Vec<Staged>);

impl Batch {
    pub fn put(&mut self, key: &[u8], value: u64) {
        self.0.push(Staged::Put(key.to_vec(), value));
    }
    pub fn delete(&mut self, key: &[u8]) {
        self.0.push(Staged::Delete(key.to_vec()));
    }
    pub fn delete_prefix(&mut self, prefix: &[u8]) {
        self.0.push(Staged::DeletePrefix(prefix.to_vec()));
    }

    /// What the batch says about `key`: `Some(Some(v))` a staged put, `Some(None)` a staged
    /// delete, `None` untouched by the batch.
    pub fn lookup(&self, key: &[u8]) -> Option<Option<u64>> {
        self.0.iter().rev().find_map(|s| match s {
            Staged::Put(k, v) if k == key => Some(Some(*v)),
            Staged::Delete(k) if k == key => Some(None),
            Staged::DeletePrefix(p) if key.starts_with(p) => Some(None),
            _ => None,
        })
    }

    /// Takes the staged writes out, in order; the batch is empty afterwards and keeps its
    /// capacity, so a writer allocates no new buffer per batch.
    pub fn drain(&mut self) -> std::vec::Drain<'_, Staged> {
        self.0.drain(..)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// Applies `writes` to `map`, in order.
pub fn apply_batch<M: WriteMap + ?Sized>(map: &mut M, writes: impl IntoIterator<Item = Staged>) {
    for s in writes {
        match s {
            Staged::Put(k, v) => map.put(k, v),
            Staged::Delete(k) => map.delete(&k),
            Staged::DeletePrefix(p) => map.delete_prefix(&p),
        }
    }
}

/// How a store publishes a writer's batch, and what a writer reads outside it.
pub trait Publish: Sync {
    /// Publishes the writes of the writer of `partition`, draining `batch` (refused: nothing is
    /// published).
    fn publish(&self, partition: &[u8], batch: &mut Batch) -> Result<(), Refused>;
    /// `key` as the writer of `partition` sees it outside its staged batch.
    fn read_latest(&self, partition: &[u8], key: &[u8]) -> Result<Option<u64>, Refused>;
}

/// The writer of every buffering backend: stages privately, publishes through its store at
/// commit (a refused commit drops the batch), discards at rollback.
pub struct Buffered<'a, S> {
    store: &'a S,
    partition: Vec<u8>,
    batch: Batch,
}

impl<'a, S: Publish> Buffered<'a, S> {
    pub fn new(store: &'a S, partition: &[u8]) -> Self {
        Buffered {
            store,
            partition: partition.to_vec(),
            batch: Batch::default(),
        }
    }
}

impl<S: Publish> WriteHandle for Buffered<'_, S> {
    fn put(&mut self, key: &[u8], value: u64) -> Result<(), Refused> {
        self.batch.put(key, value);
        Ok(())
    }
    fn delete(&mut self, key: &[u8]) -> Result<(), Refused> {
        self.batch.delete(key);
        Ok(())
    }
    fn delete_prefix(&mut self, prefix: &[u8]) -> Result<(), Refused> {
        self.batch.delete_prefix(prefix);
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        match self.batch.lookup(key) {
            Some(staged) => Ok(staged),
            None => self.store.read_latest(&self.partition, key),
        }
    }
    fn commit(&mut self) -> Result<(), Refused> {
        let published = self.store.publish(&self.partition, &mut self.batch);
        self.batch.clear(); // a refused batch is dropped
        published
    }
    fn rollback(&mut self) {
        self.batch.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_staged_write_of_a_key_wins() {
        let mut b = Batch::default();
        b.put(b"a/1", 1);
        b.delete_prefix(b"a/");
        b.put(b"a/2", 2);
        assert_eq!(b.lookup(b"a/1"), Some(None));
        assert_eq!(b.lookup(b"a/2"), Some(Some(2)));
        assert_eq!(b.lookup(b"b"), None);
        let mut m = std::collections::BTreeMap::new();
        m.insert(b"a/0".to_vec(), 0u64);
        apply_batch(&mut m, b.drain());
        assert_eq!(m.into_iter().collect::<Vec<_>>(), [(b"a/2".to_vec(), 2)]);
        assert_eq!(b.lookup(b"a/2"), None, "drained");
    }
}
