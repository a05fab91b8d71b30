//! The report's data (style #11): everything the page shows, computed by [`super::analyse`]
//! from results files and serializable, so tests assert on it rather than on HTML.

use serde::{Deserialize, Serialize};

use crate::results::{EnvBlock, Interval, RunInfo, Spread, WriterImpact};

use super::usl::UslParams;

/// Every section of the page, in page order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReportModel {
    pub title: String,
    pub summary: Summary,
    pub scaling: Scaling,
    pub latency: Latency,
    pub sweeps: Sweeps,
    pub timeline: Timeline,
    pub isolation: Isolation,
    pub environment: Environment,
    /// Present when a baseline results file was given.
    pub baseline: Option<BaselineComparison>,
}

/// HTML ids of the sections, in page order (the baseline section only with a baseline).
pub const SECTION_IDS: [&str; 8] = [
    "summary",
    "scaling",
    "latency",
    "sweeps",
    "timeline",
    "isolation",
    "environment",
    "baseline",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub workload: String,
    pub description: String,
    pub backends: Vec<String>,
    pub verdicts: Vec<Verdict>,
    /// Hybrid's median total throughput over each peer's, per thread count.
    pub headline: Vec<Headline>,
    pub notes: Vec<String>,
}

/// Isolation verdict of one backend over all its points.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Verdict {
    pub backend: String,
    /// Whether the backend claims snapshot isolation (its capabilities).
    pub claims_snapshots: bool,
    /// Points with isolation data.
    pub points_checked: usize,
    /// Sum of the `checked*` counts found in the isolation data.
    pub checks: u64,
    pub violations: u64,
    /// "pass", "FAIL", "anomalies (no snapshot claim)" or "not checked".
    pub verdict: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Headline {
    pub peer: String,
    pub threads: usize,
    pub label: String,
    pub hybrid_ops_per_s: f64,
    pub peer_ops_per_s: f64,
    /// hybrid / peer (> 1: hybrid is faster).
    pub ratio: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Scaling {
    pub current: Vec<ScalingSeries>,
    pub baseline: Vec<ScalingSeries>,
    pub usl: Vec<UslFit>,
    pub notes: Vec<String>,
}

/// One backend's throughput against thread count (variant "" points, one split per count).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScalingSeries {
    pub backend: String,
    pub points: Vec<ScalingPoint>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScalingPoint {
    pub threads: usize,
    pub readers: usize,
    pub writers: usize,
    pub label: String,
    pub read_ops_per_s: Spread,
    pub write_ops_per_s: Spread,
    pub total_ops_per_s: Spread,
    pub speedup: Option<f64>,
    pub efficiency: Option<f64>,
    pub oversubscribed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UslFit {
    pub backend: String,
    /// None when the fit could not be made (see `note`).
    pub params: Option<UslParams>,
    pub note: Option<String>,
    /// How many of the fitted thread counts had more threads than cores.
    pub oversubscribed_points: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Latency {
    /// Op kinds with data, read/write first.
    pub op_kinds: Vec<String>,
    pub current: Vec<Spectrum>,
    pub baseline: Vec<Spectrum>,
    pub writer_impact: Vec<WriterImpact>,
    pub notes: Vec<String>,
}

/// Percentiles of one op kind of one backend at its representative point (medians over reps).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Spectrum {
    pub backend: String,
    pub op: String,
    pub label: String,
    pub count: u64,
    /// (percentile name, ns): p50, p90, p99, p99.9, max.
    pub quantiles: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Sweeps {
    pub axes: Vec<SweepAxis>,
    /// Why the section is empty, when it is.
    pub note: Option<String>,
}

/// Throughput against one swept axis other than the thread count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepAxis {
    /// e.g. "reader share (%)", "theta", "hot", "batch".
    pub axis: String,
    /// What was held fixed, e.g. "r=3 w=1".
    pub fixed: String,
    pub current: Vec<SweepSeries>,
    pub baseline: Vec<SweepSeries>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepSeries {
    pub backend: String,
    /// (axis value, median total ops/s).
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Timeline {
    pub current: Vec<TimelineSeries>,
    pub baseline: Vec<TimelineSeries>,
}

/// The timeline of one backend's representative point (the median repetition).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TimelineSeries {
    pub backend: String,
    pub label: String,
    pub repetition: u32,
    pub intervals: Vec<Interval>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Isolation {
    pub verdicts: Vec<Verdict>,
    /// Flattened keys of the isolation data (nested objects as `a.b`).
    pub columns: Vec<String>,
    pub rows: Vec<IsolationRow>,
    /// The results file's `audit` entry (seed-claims audit), when it has one.
    pub audit: Option<serde_json::Value>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IsolationRow {
    pub backend: String,
    pub label: String,
    pub repetition: u32,
    /// One cell per column ("" where absent).
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Environment {
    pub env: EnvBlock,
    pub run: RunInfo,
    /// The workload spec, pretty-printed JSON.
    pub workload_json: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaselineComparison {
    /// The gate's verdict on the two files (normalized metrics, spread-aware).
    pub gate: crate::gate::GateOutcome,
    /// Absolute median changes per backend and point (informational: different runs).
    pub deltas: Vec<Delta>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Delta {
    pub backend: String,
    pub label: String,
    pub metric: String,
    pub base: f64,
    pub current: f64,
    /// current / base − 1.
    pub change: f64,
    /// Worse by more than the gate's threshold and outside both runs' spread.
    pub regression: bool,
}
