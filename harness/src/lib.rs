//! The harness drives the hybrid knowledge base (`hybrid_kb`) and the stores a user would pick
//! instead through generated workloads (`workloads`), measures them, and hands the measurements
//! over as a typed results file (`results`) that every view reads through one analysis layer
//! (`analysis`, rendered by `report`).
//!
//! The live half, in this crate:
//! 1. **plan** — [`sweep`] loads the workload ([`workload`], with [`options`]), holds every value
//!    to what the workloads and this machine allow ([`limits`]), expands its points and lays out
//!    the (repetition × point × backend) cells in interleaved order ([`interrupt`] stops it
//!    between cells);
//! 2. **measure** — [`runner`] runs one cell: one thread per role instance, a start barrier,
//!    warm-up excluded, a window by time or op budget, closed or open loop ([`pacing`]); every
//!    thread records into its own [`metrics::ThreadRecorder`] (TSC clock via quanta, one
//!    HdrHistogram per operation class, per-interval counters), nothing shared on the hot path;
//!    the isolation checker's [`probes`] run around snapshots and commits, untimed;
//! 3. **merge** — [`merge`] folds the per-thread records into a `results::PointResult`, goodput
//!    and refusals per role;
//! 4. **persist** — [`output`] writes results.json and points.csv atomically.
//!
//! The offline half lives in its own crates, which know nothing of stores or threads: the
//! schema (`results`), the analysis (`analysis`), and the table, report and gate (`report`).
//! Backends live in [`backends`], one file each, behind one thin trait family.
//!
//! Public: [`cli`] (what `main` runs), [`backends`] and [`metrics`] (the criterion benches drive
//! them). Everything else is the crate's own, so the compiler reports what nobody uses.
//!
//! May depend on: every other crate of the workspace (it is the top of the tree); nothing
//! depends on it but the benches.

mod ab;
mod audit;
pub mod backends;
pub mod cli;
mod env;
mod error;
mod interrupt;
mod limits;
mod merge;
pub mod metrics;
mod ops;
mod options;
mod output;
mod pacing;
mod pinning;
mod probes;
mod runner;
mod stress;
mod sweep;
mod workload;
