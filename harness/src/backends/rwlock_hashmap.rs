//! `rwlock-hashmap`: one `HashMap<Vec<u8>, u64>` behind one global `RwLock`
//! ([`super::rwlocked`]): the simplest store there is. Point operations only — no prefix scans,
//! so workloads with scans or counts are skipped for it.

use std::collections::HashMap;

use super::{rwlocked::*, BackendInfo};

const SUMMARY: &str = "HashMap<Vec<u8>,u64> behind a global RwLock: point operations only, batch applied under the write lock";

pub type RwLockHashMap = RwLocked<HashMap<Vec<u8>, u64>>;

impl LockedMap for HashMap<Vec<u8>, u64> {
    const INFO: BackendInfo = peer("rwlock-hashmap", POINT_OPS, SUMMARY);
}
