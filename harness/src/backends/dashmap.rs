//! `dashmap`: a sharded concurrent hash map. No snapshots (every read sees the latest write), no
//! ordered prefix scans (workloads with scans or counts are skipped for it), and no batches: a
//! staged write is applied at once and `commit` does nothing, so `rollback` cannot undo.

use dashmap::DashMap;

use super::{Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused, WriteHandle};

pub struct DashMapBackend {
    map: DashMap<Vec<u8>, u64>,
}

/// Both sides share the map directly.
pub struct Handle<'a> {
    map: &'a DashMap<Vec<u8>, u64>,
}

impl Backend for DashMapBackend {
    const INFO: BackendInfo = BackendInfo {
        name: "dashmap",
        role: BackendRole::Peer,
        caps: Caps::NONE,
        summary: "sharded hash map: no snapshots, no ordered scans, writes visible one by one",
    };
    const ROLLBACK: bool = false;
    type Reader<'a> = Handle<'a>;
    type Writer<'a> = Handle<'a>;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        DashMapBackend {
            map: prefill.collect(),
        }
    }
    fn reader(&self) -> Handle<'_> {
        Handle { map: &self.map }
    }
    fn writer(&self, _partition: &[u8], _release: bool) -> Handle<'_> {
        Handle { map: &self.map }
    }
}

impl ReadHandle for Handle<'_> {
    fn snapshot(&mut self) -> Result<(), Refused> {
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.map.get(key).map(|v| *v))
    }
    fn contains(&mut self, key: &[u8]) -> Result<bool, Refused> {
        Ok(self.map.contains_key(key))
    }
    /// Not supported (declared in the capabilities; the runner never calls it).
    fn scan(&mut self, _prefix: &[u8], _limit: usize) -> Result<u64, Refused> {
        Err(Refused)
    }
    /// Not supported (declared in the capabilities; the runner never calls it).
    fn count(&mut self, _prefix: &[u8]) -> Result<usize, Refused> {
        Err(Refused)
    }
    /// Not supported: no prefix structure (the checker skips its scans).
    fn scan_entries(
        &mut self,
        _prefix: &[u8],
        _out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        Err(Refused)
    }
}

impl WriteHandle for Handle<'_> {
    fn put(&mut self, key: &[u8], value: u64) -> Result<(), Refused> {
        self.map.insert(key.to_vec(), value);
        Ok(())
    }
    fn delete(&mut self, key: &[u8]) -> Result<(), Refused> {
        self.map.remove(key);
        Ok(())
    }
    /// O(size of the map): a hash map has no prefix structure.
    fn delete_prefix(&mut self, prefix: &[u8]) -> Result<(), Refused> {
        self.map.retain(|k, _| !k.starts_with(prefix));
        Ok(())
    }
    fn get(&mut self, key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(self.map.get(key).map(|v| *v))
    }
    fn commit(&mut self) -> Result<(), Refused> {
        Ok(())
    }
    fn rollback(&mut self) {}
}
