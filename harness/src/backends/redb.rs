//! `redb`: the embedded MVCC database redb on its in-memory backend, one table of
//! `&[u8] → u64`. A snapshot is a read transaction with the table opened once in it (one version
//! for as long as it is held; beginning one shares a short lock with a commit); a writer buffers
//! its batch and applies it in one write transaction at commit, which redb runs one at a time.
//! A held read transaction stops redb reusing the pages freed after it: the reader holds one only
//! from its first snapshot on. Commits keep redb's
//! default durability: on the in-memory backend its syncs cost nothing, and a non-durable commit
//! would keep the pages it frees until a durable one (memory growing over a run).

use ::redb::{
    backends::InMemoryBackend, Database, ReadOnlyTable, ReadableTable, Table, TableDefinition,
};

use super::{
    batch::{apply_batch, Batch, Publish},
    maps::{ReadMap, WriteMap},
    reader::Versions,
    Backend, BackendInfo, BackendRole, Caps, Refused,
};

const TABLE: TableDefinition<&[u8], u64> = TableDefinition::new("kv");

/// An in-memory redb fails only on a bug or corruption: such a failure ends the run loudly.
const IN_MEMORY: &str = "an in-memory redb operation failed";

pub struct Redb {
    db: Database,
}

/// One read transaction's view of the table.
pub struct View(ReadOnlyTable<&'static [u8], u64>);

/// Calls `f` with the entries of `table` under `prefix` while it returns true.
fn each_under<T: ReadableTable<&'static [u8], u64>, F: FnMut(&[u8], u64) -> bool>(
    table: &T,
    prefix: &[u8],
    mut f: F,
) {
    for entry in table.range(prefix..).expect(IN_MEMORY) {
        let (k, v) = entry.expect(IN_MEMORY);
        if !k.value().starts_with(prefix) || !f(k.value(), v.value()) {
            break;
        }
    }
}

impl ReadMap for View {
    fn get(&self, key: &[u8]) -> Option<u64> {
        self.0.get(key).expect(IN_MEMORY).map(|v| v.value())
    }
    fn each_under<F: FnMut(&[u8], u64) -> bool>(&self, prefix: &[u8], f: F) -> Result<(), Refused> {
        each_under(&self.0, prefix, f);
        Ok(())
    }
}

impl WriteMap for Table<'_, &'static [u8], u64> {
    fn put(&mut self, key: Vec<u8>, value: u64) {
        self.insert(key.as_slice(), value).expect(IN_MEMORY);
    }
    fn delete(&mut self, key: &[u8]) {
        self.remove(key).expect(IN_MEMORY);
    }
    fn delete_prefix(&mut self, prefix: &[u8]) {
        let mut doomed = Vec::new();
        each_under(self, prefix, |k, _| {
            doomed.push(k.to_vec());
            true
        });
        for k in doomed {
            self.remove(k.as_slice()).expect(IN_MEMORY);
        }
    }
}

impl Redb {
    fn read_table(&self) -> ReadOnlyTable<&'static [u8], u64> {
        let txn = self.db.begin_read().expect(IN_MEMORY);
        txn.open_table(TABLE).expect(IN_MEMORY)
    }
}

impl Versions for Redb {
    type View<'a> = View;
    fn view(&self) -> View {
        View(self.read_table())
    }
}

impl Publish for Redb {
    fn publish(&self, _partition: &[u8], batch: &mut Batch) -> Result<(), Refused> {
        let txn = self.db.begin_write().expect(IN_MEMORY);
        {
            let mut table = txn.open_table(TABLE).expect(IN_MEMORY);
            apply_batch(&mut table, batch.drain());
        }
        txn.commit().expect(IN_MEMORY);
        Ok(())
    }
    fn read_latest(&self, _partition: &[u8], key: &[u8]) -> Result<Option<u64>, Refused> {
        Ok(View(self.read_table()).get(key))
    }
}

impl Backend for Redb {
    const INFO: BackendInfo = BackendInfo {
        name: "redb",
        role: BackendRole::Peer,
        caps: Caps::ALL,
        summary: "redb (embedded MVCC database), in memory: a read transaction per snapshot, one write transaction per batch",
    };
    view_reader!();
    buffered_writer!();

    fn open(prefill: &mut dyn Iterator<Item = (Vec<u8>, u64)>) -> Self {
        let db = Database::builder()
            .create_with_backend(InMemoryBackend::new())
            .expect(IN_MEMORY);
        let txn = db.begin_write().expect(IN_MEMORY);
        {
            let mut table = txn.open_table(TABLE).expect(IN_MEMORY);
            for (k, v) in prefill {
                table.insert(k.as_slice(), v).expect(IN_MEMORY);
            }
        }
        txn.commit().expect(IN_MEMORY);
        Redb { db }
    }
}
