//! `rwlock-pathmap`: one `PathMap<u64>` behind one global `RwLock` ([`super::rwlocked`]): the
//! obvious way to share a PathMap, and the baseline `hybrid` must beat.

use pathmap::PathMap;

use super::{rwlocked::*, BackendInfo};

const SUMMARY: &str = "PathMap<u64> behind a global RwLock; lock per read op, batch applied under the write lock";

pub type RwLockPathMap = RwLocked<PathMap<u64>>;

impl LockedMap for PathMap<u64> {
    const INFO: BackendInfo = peer("rwlock-pathmap", ORDERED, SUMMARY);
}
