//! What a commit hands to publication: a writer's partition, grafted into the next version.

use pathmap::zipper::ZipperWriting;
use pathmap::PathMap;

use crate::group::{Batch, Refused};
use crate::lease::{LeaseId, Leases};
use crate::sync::Arc;
use crate::Value;

/// One writer's batch on its way to publication: its partition's new content, grafted at the
/// prefix into the next version if the lease is still held.
pub(crate) struct Graft<V: Value> {
    pub(crate) prefix: Arc<[u8]>,
    pub(crate) lease: LeaseId,
    pub(crate) map: PathMap<V>,
}

impl<V: Value> Batch<PathMap<V>> for Graft<V> {
    type Context = Leases;

    fn apply(&self, leases: &Leases, next: &mut PathMap<V>) -> Result<(), Refused> {
        // Under the commit lock: a revoke cannot interleave (it takes the same lock).
        if !leases.is_held(self.lease) {
            return Err(Refused);
        }
        next.write_zipper_at_path(&self.prefix)
            .graft_map(self.map.clone());
        prepare_for_sharing(next);
        Ok(())
    }
}

/// pathmap initialises a never-written map's root lazily, through an `UnsafeCell`, from `&self`:
/// two readers doing that at once would race. Every map is touched here before it is shared.
pub(crate) fn prepare_for_sharing<V: Value>(map: &PathMap<V>) {
    let _ = map.read_zipper();
}
