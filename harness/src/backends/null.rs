//! `null`: stores nothing and answers every call at once. Running a workload against it measures
//! the harness's own cost per operation (op generation, dispatch, two clock reads, recording).

use super::{Backend, BackendInfo, BackendRole, Caps, ReadHandle, Refused, WriteHandle};

pub struct Null;

/// The `null` backend's handles (one type serves both sides).
pub struct NullHandle;

impl Backend for Null {
    const INFO: BackendInfo = BackendInfo {
        name: "null",
        role: BackendRole::Floor,
        // Claims everything so it runs every workload: it is the floor, not a store.
        caps: Caps::ALL,
        summary:
            "does nothing; measures the harness floor (ns/op of generation, timing, recording)",
    };
    const STORES: bool = false;
    type Reader<'a> = NullHandle;
    type Writer<'a> = NullHandle;

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        prefill.for_each(drop);
        Null
    }
    fn reader(&self) -> NullHandle {
        NullHandle
    }
    fn writer(&self, _partition: &[u8], _release: bool) -> NullHandle {
        NullHandle
    }
}

impl ReadHandle for NullHandle {
    #[inline]
    fn snapshot(&mut self) -> Result<(), Refused> {
        Ok(())
    }
    #[inline]
    fn get(&mut self, _key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(None)
    }
    #[inline]
    fn contains(&mut self, _key: &[u8]) -> Result<bool, Refused> {
        Ok(false)
    }
    #[inline]
    fn scan(&mut self, _prefix: &[u8], _limit: usize) -> Result<u64, Refused> {
        Ok(0)
    }
    #[inline]
    fn count(&mut self, _prefix: &[u8]) -> Result<usize, Refused> {
        Ok(0)
    }
    fn scan_entries(
        &mut self,
        _prefix: &[u8],
        _out: &mut Vec<(Vec<u8>, u64)>,
    ) -> Result<(), Refused> {
        Ok(())
    }
}

impl WriteHandle for NullHandle {
    #[inline]
    fn put(&mut self, _key: &[u8], _value: u64) -> Result<(), Refused> {
        Ok(())
    }
    #[inline]
    fn delete(&mut self, _key: &[u8]) -> Result<(), Refused> {
        Ok(())
    }
    #[inline]
    fn delete_prefix(&mut self, _prefix: &[u8]) -> Result<(), Refused> {
        Ok(())
    }
    #[inline]
    fn get(&mut self, _key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(None)
    }
    #[inline]
    fn commit(&mut self) -> Result<(), Refused> {
        Ok(())
    }
    fn rollback(&mut self) {}
}
