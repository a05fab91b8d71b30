//! PathMap, the trie every pathmap-based backend (`hybrid`, `zipperhead`, `rwlock-pathmap`)
//! stores: building one safely, reading and writing it through [`ReadMap`] / [`WriteMap`], and
//! walking a zipper under a prefix.

use pathmap::{
    zipper::{ZipperAbsolutePath, ZipperIteration, ZipperMoving, ZipperValues},
    PathMap,
};

use super::{
    maps::{ReadMap, WriteMap},
    Refused,
};

/// Builds a PathMap from `prefill`, touched once so that later shared reads never hit the lazy
/// root initialisation (pathmap creates a never-written map's root from `&self`, through an
/// `UnsafeCell`: two readers doing that at once would race; see docs/pathmap.md).
pub fn build_map(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> PathMap<u64> {
    let mut map: PathMap<u64> = prefill.collect();
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

/// Calls `f` with the zipper's value and every later value in byte order while `f` returns true
/// and the zipper's path starts with `within` (pass the prefix for a zipper rooted above it,
/// `b""` for one rooted at it); keys are absolute.
pub fn walk<Z, F>(z: &mut Z, within: &[u8], mut f: F)
where
    Z: ZipperIteration + ZipperValues<u64> + ZipperAbsolutePath,
    F: FnMut(&[u8], u64) -> bool,
{
    if let Some(v) = z.val() {
        if !f(z.origin_path(), *v) {
            return;
        }
    }
    while z.to_next_val() {
        if !z.path().starts_with(within) {
            break; // left the prefix's subtrie
        }
        let v = *z.val().expect("to_next_val stopped at a value");
        if !f(z.origin_path(), v) {
            break;
        }
    }
}

impl ReadMap for PathMap<u64> {
    fn get(&self, key: &[u8]) -> Option<u64> {
        PathMap::get(self, key).copied()
    }
    fn contains(&self, key: &[u8]) -> bool {
        PathMap::contains(self, key)
    }
    fn each_under<F: FnMut(&[u8], u64) -> bool>(&self, prefix: &[u8], f: F) -> Result<(), Refused> {
        walk(&mut self.read_zipper_at_path(prefix), b"", f);
        Ok(())
    }
    fn count_under(&self, prefix: &[u8]) -> Result<usize, Refused> {
        Ok(self.read_zipper_at_path(prefix).val_count())
    }
}

impl WriteMap for PathMap<u64> {
    fn put(&mut self, key: Vec<u8>, value: u64) {
        self.insert(key, value);
    }
    fn delete(&mut self, key: &[u8]) {
        self.remove(key);
    }
    fn delete_prefix(&mut self, prefix: &[u8]) {
        self.remove_branches_at(prefix, true);
        self.remove(prefix);
    }
    fn prepare_for_sharing(&mut self) {
        touch(self);
    }
}

/// A write zipper focused on a partition, written through partition-relative paths.
pub struct PartitionZipper<'z, Z> {
    pub zipper: &'z mut Z,
    /// The partition's length: the part of every key the zipper is already at.
    pub base: usize,
}

impl<Z> WriteMap for PartitionZipper<'_, Z>
where
    Z: ZipperMoving + pathmap::zipper::ZipperWriting<u64>,
{
    fn put(&mut self, key: Vec<u8>, value: u64) {
        self.zipper.reset();
        self.zipper.descend_to(&key[self.base..]);
        self.zipper.set_val(value);
    }
    fn delete(&mut self, key: &[u8]) {
        self.zipper.reset();
        self.zipper.descend_to(&key[self.base..]);
        self.zipper.remove_val(true);
    }
    fn delete_prefix(&mut self, prefix: &[u8]) {
        self.zipper.reset();
        self.zipper.descend_to(&prefix[self.base..]);
        self.zipper.remove_branches(true);
        self.zipper.remove_val(true);
    }
}
