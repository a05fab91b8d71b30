//! `rwlock-pathmap`: one `PathMap<u64>` behind one global `RwLock`. Every read op takes the read
//! lock for that op only (no snapshots); a writer buffers its batch and applies it under one write
//! lock (atomic batches). The "obvious" way to share a PathMap, and the baseline `hybrid` must beat.

use std::sync::RwLock;

use pathmap::{
    zipper::{ZipperAbsolutePath, ZipperIteration, ZipperMoving, ZipperValues},
    PathMap,
};

use super::{
    staged_lookup, Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused, Staged,
    WriteHandle,
};

pub struct RwLockPathMap {
    map: RwLock<PathMap<u64>>,
}

pub struct Reader<'a> {
    map: &'a RwLock<PathMap<u64>>,
}

pub struct Writer<'a> {
    map: &'a RwLock<PathMap<u64>>,
    batch: Vec<Staged>,
}

/// Builds a PathMap from `prefill`, touched once so that later shared reads never hit the lazy
/// root initialisation (an `UnsafeCell` write from `&self`, see pathmap-notes.md).
pub fn build_map(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> PathMap<u64> {
    let mut map = PathMap::new();
    for (k, v) in prefill {
        map.insert(k, v);
    }
    touch(&mut map);
    map
}

/// Forces the root of a never-written map to exist (insert + remove of a throwaway key).
pub fn touch(map: &mut PathMap<u64>) {
    const PROBE: &[u8] = b"\xff\xffharness-touch";
    if map.get(PROBE).is_none() {
        map.insert(PROBE, 0);
        map.remove(PROBE);
    }
}

/// Walks up to `limit` values from the zipper's focus in byte order, stopping when the zipper's
/// path no longer starts with `within` (pass the prefix for a zipper rooted above it, `b""` for
/// one rooted at it). Returns the sum of the values seen (so the walk is not optimised away).
pub fn scan_zipper<Z: ZipperIteration + ZipperValues<u64>>(
    z: &mut Z,
    within: &[u8],
    limit: usize,
) -> u64 {
    let mut acc = 0u64;
    let mut n = 0;
    if let Some(v) = z.val() {
        acc = acc.wrapping_add(*v);
        n += 1;
    }
    while n < limit && z.to_next_val() {
        if !z.path().starts_with(within) {
            break; // left the prefix's subtrie
        }
        acc = acc.wrapping_add(*z.val().unwrap());
        n += 1;
    }
    acc
}

/// Like [`scan_zipper`], but appends every `(absolute key, value)` to `out`.
pub fn collect_zipper<Z: ZipperIteration + ZipperValues<u64> + ZipperAbsolutePath>(
    z: &mut Z,
    within: &[u8],
    out: &mut Vec<(Vec<u8>, u64)>,
) {
    if let Some(v) = z.val() {
        out.push((z.origin_path().to_vec(), *v));
    }
    while z.to_next_val() {
        if !z.path().starts_with(within) {
            break;
        }
        out.push((z.origin_path().to_vec(), *z.val().unwrap()));
    }
}

/// Applies a staged batch to a map (one write lock held by the caller).
pub fn apply(map: &mut PathMap<u64>, batch: impl IntoIterator<Item = Staged>) {
    for s in batch {
        match s {
            Staged::Put(k, v) => {
                map.insert(k, v);
            }
            Staged::Delete(k) => {
                map.remove(k);
            }
            Staged::DeletePrefix(p) => {
                map.remove_branches_at(&p, true);
                map.remove(&p);
            }
        }
    }
}

impl Backend for RwLockPathMap {
    const INFO: BackendInfo = BackendInfo {
        name: "rwlock-pathmap",
        role: BackendRole::Peer,
        caps: Caps { snapshots: false, prefix_scans: true, atomic_batches: true, ordered: true },
        summary: "PathMap<u64> behind a global RwLock; lock per read op, batch applied under the write lock",
    };
    type Reader<'a> = Reader<'a>;
    type Writer<'a> = Writer<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        RwLockPathMap {
            map: RwLock::new(build_map(prefill)),
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
        Ok(self.map.read().unwrap().contains(key))
    }
    fn scan(&mut self, prefix: &[u8], limit: usize) -> Result<u64, Refused> {
        let m = self.map.read().unwrap();
        Ok(scan_zipper(&mut m.read_zipper_at_path(prefix), b"", limit))
    }
    fn count(&mut self, prefix: &[u8]) -> Result<usize, Refused> {
        Ok(self
            .map
            .read()
            .unwrap()
            .read_zipper_at_path(prefix)
            .val_count())
    }
    fn scan_entries(
        &mut self,
        prefix: &[u8],
        out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        let m = self.map.read().unwrap();
        collect_zipper(&mut m.read_zipper_at_path(prefix), b"", out);
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
        apply(&mut self.map.write().unwrap(), self.batch.drain(..));
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
        super::super::conformance::check::<super::RwLockPathMap>();
    }
}
