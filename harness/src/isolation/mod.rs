//! The isolation checker: writers write checkable batches, readers validate every snapshot, and
//! the cuts and final state are checked after the run (README.md, "Isolation: checked on every
//! run", says what each anomaly class means).
//!
//! [`plan`] says what writer `p` writes in batch `b` and what every key must hold after batch
//! `c`; [`check`] validates one reader's observations against that and counts violations by
//! [`Class`]; [`probe`] hooks it into the runner's threads, [`point`] merges a point's threads,
//! [`history`] re-checks a history file offline. The verdict the counts earn is the results
//! schema's (`results::Verdict::of`).
//!
//! Soundness rests on one fact of the design under test: each partition has exactly one writer,
//! so every key's version order is that writer's commit order, and the marker key (batch number
//! plus a hash chain over the batches) tells a reader exactly which prefix of its partition's
//! batches a snapshot claims. Every check is then O(keys read + partitions).

pub mod check;
pub mod forks;
pub mod history;
pub mod plan;
pub mod point;
pub mod probe;

pub use check::{Class, Counts, ReaderCheck, Violation};
pub use forks::forked_cuts;
pub use plan::{Plan, Write};
