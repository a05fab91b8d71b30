//! The one offline analysis layer: results files in, everything a user reads out — per-role
//! goodput over repetitions, refusals, scaling per role, comparisons of the knowledge base with
//! its peers, isolation verdicts and totals, suspect-measurement flags, and the gate's judgement.
//!
//! The summary table, the HTML report and the gate render what this crate computes and compute
//! nothing themselves, so they cannot disagree. It depends on the results schema alone (no store,
//! no runner), so it reads results from another machine or an older commit.
//!
//! The rules every view follows (README.md, "How to read the numbers", says why):
//! - **goodput per role**: readers are measured in completed reads per second, writers in
//!   acknowledged batches per second (staged writes per second beside them); a refused operation
//!   is never throughput, and a total that mixes reads with staged writes is never shown;
//! - **refusals are labelled** where a backend refused more than [`flags::REFUSAL_LABEL`] of a
//!   role's operations, and such a point is not compared with others;
//! - **verdicts need evidence**: not checked and not exercised are said as such;
//! - **suspect figures are flagged** where they are shown ([`flags::Flag`]).

pub mod ab;
pub mod compare;
pub mod flags;
pub mod floor;
pub mod gate;
pub mod impact;
pub mod isolation;
pub mod latency;
pub mod rows;
pub mod scaling;
pub mod stats;
pub mod sweeps;
pub mod timeline;
pub mod usl;

use results::Results;
use serde::Serialize;

pub use flags::{Flag, Role};
pub use rows::Row;
pub use stats::Spread;

/// Everything the table and the report show about one results file.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// One row per backend × point × variant, medians over repetitions, in run order.
    pub rows: Vec<Row>,
    /// The backend under test against each peer, per point and per role.
    pub comparisons: Vec<compare::Comparison>,
    /// Per-role scaling series (the base setting of the other axes).
    pub scaling: scaling::ScalingSection,
    /// Read p99 with writers committing against the same readers alone.
    pub impact: Vec<impact::WriterImpact>,
    /// The harness's own cost per operation (the floor backend).
    pub floor: Vec<floor::FloorRow>,
    /// Per backend: verdict and totals over every point.
    pub isolation: Vec<isolation::BackendIsolation>,
    /// Throughput per role against every swept axis other than the thread count.
    pub sweeps: sweeps::SweepSection,
    /// Per backend, the timeline of its representative point.
    pub timelines: Vec<timeline::TimelineSeries>,
    /// Latency percentiles per backend and operation class at the representative point.
    pub latency: Vec<latency::Spectrum>,
    /// Things a reader must know before trusting any figure (interrupted run, one repetition,
    /// converted file, checker off).
    pub notes: Vec<String>,
}

/// Whether every role ran closed loop (no open-loop rate, no cap): only then is a time per
/// operation the cost of the operation rather than the pace.
fn closed_loop(r: &Results) -> bool {
    let (rd, wr) = (&r.workload.readers, &r.workload.writers);
    rd.target_rate.is_none() && wr.target_rate.is_none() && wr.rate_limit.is_none()
}

/// Analyses one results file.
pub fn analyse(r: &Results) -> Analysis {
    let rows = rows::rows(r);
    let scaling = scaling::section(r, &rows);
    Analysis {
        comparisons: compare::comparisons(&rows),
        impact: impact::writer_impact(&rows),
        floor: floor::floor(&rows, closed_loop(r)),
        isolation: isolation::per_backend(r),
        sweeps: sweeps::section(&rows),
        timelines: timeline::timelines(r, &rows),
        latency: latency::spectra(r, &rows),
        notes: notes(r),
        scaling,
        rows,
    }
}

fn notes(r: &Results) -> Vec<String> {
    let mut notes = Vec::new();
    if r.run.interrupted {
        notes.push("The run was interrupted: points after the interruption are missing.".into());
    }
    if r.run.repetitions < 2 {
        notes.push(
            "One repetition: no spread, so differences cannot be told from noise (use \
             --repetitions 3 or more)."
                .into(),
        );
    }
    if !r.run.checked {
        notes.push("The isolation checker was off (--no-check): no verdict in this run.".into());
    }
    if let Some(m) = &r.migration {
        notes.push(format!(
            "Converted from a version-{} results file: {}.",
            m.from_version,
            m.notes.join("; ")
        ));
    }
    notes
}
