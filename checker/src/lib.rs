//! The isolation checker's logic, with no threads, clocks or store: the harness's live probes
//! feed it what readers saw, and `harness check-history` feeds it a history file.
//!
//! - [`plan`]: what writer `p` writes in batch `b`, and what every checked key holds after
//!   batch `c` — deterministic from a seed;
//! - [`marker`]: the encodings of the marker and of a checked value;
//! - [`check`]: one reader's snapshots validated against the plan, violations counted by class;
//! - [`forks`]: whether every reader's cuts form one chain;
//! - [`history`]: the history file's events, and the offline re-check of a file, after
//!   `consistency` has held the file's lines to each other.
//!
//! Soundness rests on one fact of the design under test: each partition has exactly one writer,
//! so every key's version order is that writer's commit order, and the marker tells a reader
//! exactly which prefix of its partition's batches a snapshot claims. Every check is then
//! O(keys read + partitions). The anomaly classes and the verdicts they earn are the results
//! schema's (`results::Class`, `results::Verdict`); the repository's `docs/isolation.md` explains
//! the method.
//!
//! May depend on: the results schema, serde. Nothing else.

pub mod check;
mod consistency;
pub mod forks;
pub mod history;
pub mod marker;
pub mod plan;

pub use check::{Class, Counts, ReaderCheck, Violation};
pub use forks::forked_cuts;
pub use marker::{CheckedValue, Marker};
pub use plan::{Plan, Write};
