//! Snapshots: owned, immutable handles to one published version.

use pathmap::zipper::{
    ReadZipperUntracked, ZipperAbsolutePath, ZipperInfallibleSubtries, ZipperIteration,
    ZipperReadOnlyValues,
};
use pathmap::PathMap;

use crate::protocol::Version;
use crate::sync::Arc;
use crate::Value;

/// One published version of the knowledge base. It never changes, however many commits follow.
///
/// Cheap to clone (a reference count), `'static`, `Send + Sync`: hand it to any thread. Holding
/// it keeps that version's nodes alive (shared with newer versions where unchanged). While its
/// knowledge base lives, dropping a snapshot never frees anything — the reclaimer does that.
/// Once the knowledge base and its writers are gone, nothing is left to reclaim: the last
/// snapshot of a version frees it, on the thread that drops it.
pub struct Snapshot<V: Value> {
    pub(crate) version: Arc<Version<PathMap<V>>>,
}

impl<V: Value> Clone for Snapshot<V> {
    fn clone(&self) -> Self {
        Snapshot {
            version: Arc::clone(&self.version),
        }
    }
}

impl<V: Value> std::fmt::Debug for Snapshot<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("version", &self.version.number)
            .finish_non_exhaustive()
    }
}

impl<V: Value> Snapshot<V> {
    /// The version number: 1 for the empty initial version, one more per commit since.
    pub fn version(&self) -> u64 {
        self.version.number
    }

    /// The value at `key`.
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        #[cfg(feature = "slowdown")]
        crate::slowdown::get(key, |k| self.map().get(k).is_some());
        self.map().get(key)
    }

    /// Whether `key` has a value.
    pub fn contains(&self, key: &[u8]) -> bool {
        self.map().contains(key)
    }

    /// Every key starting with `prefix` (the prefix itself included) with its value, in byte
    /// order, through a cursor that allocates nothing per entry ([`Scan::next`] lends each full
    /// key, prefix included, until its next call).
    pub fn scan<'a>(&'a self, prefix: &[u8]) -> Scan<'a, V> {
        let zipper = self.map().read_zipper_at_path(prefix);
        let at_prefix = zipper.get_val();
        Scan {
            zipper,
            at_prefix,
            done: false,
        }
    }

    /// Calls `f` with every key starting with `prefix` (the prefix itself included) and its
    /// value, in byte order, without allocating: the key slice is only valid during the call.
    /// Returns how many entries it visited. Stops early when `f` returns `false`.
    pub fn scan_each(&self, prefix: &[u8], mut f: impl FnMut(&[u8], &V) -> bool) -> usize {
        let mut zipper = self.map().read_zipper_at_path(prefix);
        let mut visited = 0;
        if let Some(v) = zipper.get_val() {
            visited += 1;
            if !f(zipper.origin_path(), v) {
                return visited;
            }
        }
        while zipper.to_next_val() {
            let Some(v) = zipper.get_val() else { continue };
            visited += 1;
            if !f(zipper.origin_path(), v) {
                break;
            }
        }
        visited
    }

    /// How many keys start with `prefix` (the prefix itself included). O(keys under prefix).
    pub fn count(&self, prefix: &[u8]) -> usize {
        // `make_map` is O(1) (it shares the subtrie); counting is O(keys under prefix).
        self.map()
            .read_zipper_at_path(prefix)
            .make_map()
            .val_count()
    }

    /// The whole version as a `PathMap`, for any query pathmap supports.
    pub fn map(&self) -> &PathMap<V> {
        &self.version.value
    }

    /// A pathmap read zipper rooted at `prefix`, for arbitrary queries (no tracking, no locks).
    pub fn read_zipper_at(&self, prefix: &[u8]) -> ReadZipperUntracked<'_, 'static, V> {
        self.map().read_zipper_at_path(prefix)
    }
}

/// The cursor [`Snapshot::scan`] returns: [`Scan::next`] lends each entry's full key until the
/// next call, so a scan allocates nothing per entry. It is not an `Iterator`, whose items could
/// not borrow from it; [`Scan::owned`] is one, at one allocation per key.
pub struct Scan<'a, V: Value> {
    zipper: ReadZipperUntracked<'a, 'static, V>,
    at_prefix: Option<&'a V>,
    /// The walk ended: later calls return `None` (a zipper past its last value starts over).
    done: bool,
}

impl<'a, V: Value> Scan<'a, V> {
    /// The next entry in byte order: its full key (valid until the next call) and its value.
    #[allow(clippy::should_implement_trait)] // a lending cursor: `Iterator` cannot lend
    pub fn next(&mut self) -> Option<(&[u8], &'a V)> {
        if let Some(v) = self.at_prefix.take() {
            return Some((self.zipper.origin_path(), v));
        }
        while !self.done && self.zipper.to_next_val() {
            if let Some(v) = self.zipper.get_val() {
                return Some((self.zipper.origin_path(), v));
            }
        }
        self.done = true;
        None
    }

    /// The remaining entries as an iterator of owned keys (an allocation per key: for tests and
    /// tools, not for measured paths).
    pub fn owned(mut self) -> impl Iterator<Item = (Vec<u8>, &'a V)> {
        std::iter::from_fn(move || self.next().map(|(k, v)| (k.to_vec(), v)))
    }
}
