//! `zipperhead`: the seed's Pattern D taken literally — ONE `PathMap`, ONE zipper head; readers
//! take tracked read zippers at `""` and writers take write zippers at their partition, all from
//! the same head.
//!
//! pathmap's tracker forbids a writer whose path overlaps a live reader (and the root overlaps
//! everything), so this is exclusion, not snapshot isolation: a refused zipper comes back as
//! `Err(Conflict)`, which the runner counts as a refusal — never a panic, never a retry loop.
//!
//! How the seed's code maps onto the runner:
//! - a reader holds one root zipper from one `Snapshot` op to the next (seed §3: "new zippers see
//!   the latest state"); a refused zipper refuses the reads until the next `Snapshot` succeeds;
//! - a writer stages its updates and applies them at `commit` through a fresh write zipper at its
//!   partition, like the seed's `update_partition`; when the head refuses the zipper, the seed's
//!   `if let Ok(..)` silently drops the batch — we drop it too, and it is counted as refused.
//!
//! The seed's `ZipperHead` borrows the map and is `Send` but not `Sync`; to share one head between
//! threads we use `PathMap::into_zipper_head` → `ZipperHeadOwned`, which is `Sync` (its core is
//! behind a `Mutex`; zipper creation is serialized by the tracker's global lock anyway).

use pathmap::zipper::{
    ReadZipperTracked, Zipper, ZipperCreation, ZipperHeadOwned, ZipperMoving, ZipperValues,
};

use super::{
    batch::{apply_batch, Batch, Publish},
    reader::ScanSum,
    trie::{build_map, walk, PartitionZipper},
    Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused,
};

pub struct ZipperHead {
    head: ZipperHeadOwned<u64>,
}

pub struct Reader<'a> {
    head: &'a ZipperHeadOwned<u64>,
    rz: Option<ReadZipperTracked<'a, 'static, u64>>,
}

impl Backend for ZipperHead {
    const INFO: BackendInfo = BackendInfo {
        name: "zipperhead",
        role: BackendRole::Peer,
        // Readers at "" exclude all writers, so a read view is consistent by exclusion; a batch is
        // applied under one write zipper no root reader can coexist with.
        caps: Caps::ALL,
        summary: "the seed's literal Pattern D: one PathMap, one ZipperHead, root readers + partition writers; refusals counted",
    };
    type Reader<'a> = Reader<'a>;
    buffered_writer!();

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        ZipperHead {
            head: build_map(prefill).into_zipper_head(b""),
        }
    }
    fn reader(&self) -> Reader<'_> {
        Reader {
            head: &self.head,
            rz: None,
        }
    }
}

impl Publish for ZipperHead {
    /// Applies the batch through a fresh write zipper at the partition; a refused zipper drops
    /// the batch, as the seed's `if let Ok(..)` does.
    fn publish(&self, partition: &[u8], batch: &mut Batch) -> Result<(), Refused> {
        let mut wz = self
            .head
            .write_zipper_at_exclusive_path(partition)
            .map_err(|_conflict| Refused)?;
        let mut at = PartitionZipper {
            zipper: &mut wz,
            base: partition.len(),
        };
        apply_batch(&mut at, batch.drain());
        Ok(())
    }
    fn read_latest(&self, _partition: &[u8], key: &[u8]) -> Result<Option<u64>, Refused> {
        let z = self.head.read_zipper_at_path(key).map_err(|_| Refused)?;
        Ok(z.val().copied())
    }
}

impl<'a> Reader<'a> {
    /// The current root zipper, reset to the root; takes one if the reader has none.
    fn zipper(&mut self) -> Result<&mut ReadZipperTracked<'a, 'static, u64>, Refused> {
        if self.rz.is_none() {
            self.snapshot()?;
        }
        let z = self.rz.as_mut().expect("snapshot() set it");
        z.reset();
        Ok(z)
    }

    /// Walks the values under `prefix` (see [`walk`]).
    fn under(&mut self, prefix: &[u8], f: impl FnMut(&[u8], u64) -> bool) -> Result<(), Refused> {
        let z = self.zipper()?;
        z.descend_to(prefix);
        walk(z, prefix, f);
        Ok(())
    }
}

impl ReadHandle for Reader<'_> {
    fn snapshot(&mut self) -> Result<(), Refused> {
        self.rz = None; // drop the old zipper first: its tracker entry goes with it
        self.rz = Some(self.head.read_zipper_at_path(b"").map_err(|_| Refused)?);
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        let z = self.zipper()?;
        z.descend_to(key);
        Ok(z.val().copied())
    }
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        let z = self.zipper()?;
        z.descend_to(key);
        Ok(z.is_val())
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        let mut sum = ScanSum::new(limit);
        if limit > 0 {
            self.under(prefix, |_, v| sum.add(v))?;
        }
        Ok(sum.total)
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        let z = self.zipper()?;
        z.descend_to(prefix);
        Ok(z.val_count())
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        self.under(prefix, |k, v| {
            out.push((k.to_vec(), v));
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::WriteHandle;

    #[test]
    fn a_live_root_reader_refuses_a_writer_and_the_batch_is_dropped() {
        let b = ZipperHead::open(&mut [(b"p/a".to_vec(), 1u64)].into_iter());
        let mut r = b.reader();
        r.snapshot().unwrap();
        let mut w = b.writer(b"p/", false);
        w.put(b"p/b", 2).unwrap();
        assert_eq!(w.commit(), Err(Refused));
        drop(r);
        w.commit().unwrap(); // nothing staged any more
        let mut r = b.reader();
        assert_eq!(r.get(b"p/b"), Ok(None), "the refused batch was dropped");
        drop(r);
        w.put(b"p/b", 2).unwrap();
        w.commit().unwrap();
        let mut r = b.reader();
        assert_eq!(r.get(b"p/b"), Ok(Some(2)));
    }
}
