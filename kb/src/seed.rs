//! The seed note's `LiveKnowledgeBase` conveniences, with the seed's meaning where pathmap allows.
//!
//! | seed | here | difference |
//! |---|---|---|
//! | `query(&mut self) -> ReadZipperUntracked` | [`KnowledgeBase::query`] → [`Snapshot`] (`.read_zipper_at(b"")` for the zipper) | `&self`; the result is owned and never changes |
//! | `update_partition(&mut self, partition, updates)` | [`KnowledgeBase::update_partition`] | same `"{partition}/"` prefix and relative paths; a refused lease is an `Err`, not silently dropped updates; the batch is atomic |
//! | `query_during_update(&mut self, queries)` | [`KnowledgeBase::query_during_update`] | readers run on snapshots while the `updates/` writer commits; in the seed the writer's zipper conflicts with the readers' (it panics in most runs) |

use crate::error::Error;
use crate::knowledge_base::KnowledgeBase;
use crate::snapshot::Snapshot;
use crate::Value;

/// The seed's name for the knowledge base.
pub type LiveKnowledgeBase<V> = KnowledgeBase<V>;

/// One write of [`KnowledgeBase::update_partition`]: a path relative to the partition, and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update<V> {
    /// Relative to the partition (the seed's `wz.descend_to(&update.path)`).
    pub path: Vec<u8>,
    /// The value to set.
    pub value: V,
}

impl<V: Value> KnowledgeBase<V> {
    /// The seed's `query`: the current snapshot.
    pub fn query(&self) -> Snapshot<V> {
        self.snapshot()
    }

    /// The seed's `update_partition`: leases `"{partition}/"`, sets every update's path under it
    /// and commits them as one batch. Returns the new version.
    pub fn update_partition(
        &self,
        partition: &str,
        updates: impl IntoIterator<Item = Update<V>>,
    ) -> Result<u64, Error> {
        let prefix = format!("{partition}/").into_bytes();
        let mut writer = self.writer(&prefix)?;
        let mut key = prefix.clone();
        for update in updates {
            key.truncate(prefix.len());
            key.extend_from_slice(&update.path);
            writer.put(&key, update.value)?;
        }
        Ok(writer.commit()?)
    }

    /// The seed's `query_during_update`: runs every query on its own thread against a snapshot
    /// while another thread applies `updates` to the `updates/` partition, one commit per update
    /// (the seed's `apply_background_updates`). Returns the query results in order and the last
    /// version the writer published.
    ///
    /// Each query sees one consistent version — the one current when its thread started — never
    /// a half-applied update.
    pub fn query_during_update<Q, R>(
        &self,
        queries: &[Q],
        execute: impl Fn(&Snapshot<V>, &Q) -> R + Sync,
        updates: Vec<Update<V>>,
    ) -> (Vec<R>, Result<u64, Error>)
    where
        Q: Sync,
        R: Send,
    {
        std::thread::scope(|scope| {
            let execute = &execute;
            let readers: Vec<_> = queries
                .iter()
                .map(|query| {
                    let snapshot = self.snapshot();
                    scope.spawn(move || execute(&snapshot, query))
                })
                .collect();
            let writer = scope.spawn(move || -> Result<u64, Error> {
                let mut writer = self.writer(b"updates/")?;
                let mut version = self.version();
                let mut key = b"updates/".to_vec();
                for update in updates {
                    key.truncate(b"updates/".len());
                    key.extend_from_slice(&update.path);
                    writer.put(&key, update.value)?;
                    version = writer.commit()?;
                }
                Ok(version)
            });
            let results = readers
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect();
            let written = writer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            (results, written)
        })
    }
}
