//! The harness drives the hybrid knowledge base (`hybrid_kb`) and the stores a user would pick
//! instead through generated workloads (`workloads`), and measures them.
//!
//! Stages, each passing serde structs to the next (style #11):
//! 1. **plan** — [`sweep`] loads the workload ([`workload`]), expands its points and lays out the
//!    (repetition × point × backend) cells in interleaved order;
//! 2. **measure** — [`runner`] runs one cell: one thread per role instance, a start barrier,
//!    warm-up excluded, a window by time or op budget, closed or open loop ([`pacing`]); every
//!    thread records into its own [`metrics::ThreadRecorder`] (TSC clock via quanta, one
//!    HdrHistogram per op class, per-interval counters), nothing shared on the hot path;
//! 3. **merge** — [`merge`] folds the per-thread records into a [`results::PointResult`];
//! 4. **analyse** — [`aggregate`]: medians and spread over repetitions, speedup, efficiency, the
//!    read tail with vs without writers;
//! 5. **persist / render** — [`output`] writes results.json and points.csv atomically, [`table`]
//!    prints the summary.
//!
//! Backends live in [`backends`], one file each, behind one thin trait family.

pub mod aggregate;
pub mod audit;
pub mod backends;
pub mod cli;
pub mod env;
pub mod error;
pub mod gate;
pub mod isolation;
pub mod merge;
pub mod metrics;
pub mod output;
pub mod pacing;
pub mod pinning;
pub mod report;
pub mod results;
pub mod runner;
pub mod stress;
pub mod sweep;
pub mod table;
pub mod workload;
