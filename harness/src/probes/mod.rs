//! The isolation checker at run time: the hooks the runner calls around the workload's own
//! snapshots and commits, untimed (the checker's logic is the `checker` crate's; README.md,
//! "Isolation: checked on every run", says what it finds).
//!
//! - A writer's commit also stages the plan's batch `b` for its partition and the marker; it
//!   stores `started[p] = b` (Release) before staging and `acked[p] = b` (Release) after the
//!   commit returned. After some commits it stages an *aborted* attempt and rolls it back
//!   ([`writer`]).
//! - A reader, around each workload snapshot: loads every `acked` (Acquire) → the snapshot →
//!   reads every partition's marker, a few checked keys, sometimes a scan of a checked region →
//!   (at the next snapshot) re-reads the markers and keys → loads every `started` (Acquire)
//!   ([`reader`]).
//! - After the run: the final state, forked cuts, and the point's summary ([`point`]).
//!
//! All state is per thread (no shared lock). May depend on: the `checker` crate, the backends'
//! handle traits, the results schema.

pub mod point;
pub mod reader;
pub mod setup;
pub mod writer;

pub use point::{conclude, Probe, ProbeOut};
pub use reader::{final_state, ReaderProbe};
pub use setup::{Setup, Watermarks};
pub use writer::WriterProbe;
