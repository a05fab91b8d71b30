//! `rwlock-btreemap`: one `BTreeMap<Vec<u8>, u64>` behind one global `RwLock`
//! ([`super::rwlocked`]): the standard library's ordered map, shared the obvious way.

use std::collections::BTreeMap;

use super::{rwlocked::*, BackendInfo};

const SUMMARY: &str = "BTreeMap<Vec<u8>,u64> behind a global RwLock; lock per read op, batch applied under the write lock";

pub type RwLockBTreeMap = RwLocked<BTreeMap<Vec<u8>, u64>>;

impl LockedMap for BTreeMap<Vec<u8>, u64> {
    const INFO: BackendInfo = peer("rwlock-btreemap", ORDERED, SUMMARY);
}
