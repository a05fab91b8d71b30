//! The results file schema (`results.json`), versioned. Written by `harness run`, read back by
//! later stages (report, gate) — possibly from another machine or an older commit — so every
//! struct derives `Deserialize` too, and fields added later are `Option` / `#[serde(default)]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{backends::Caps, env::ClockInfo, metrics::LatencySummary};

/// Bump when a field changes meaning or disappears (adding an optional field does not need it).
pub const SCHEMA_VERSION: u32 = 1;

/// One results file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Results {
    pub schema_version: u32,
    pub env: EnvBlock,
    /// The full workload spec as run (`name`, seed, and everything else the workloads crate
    /// serializes), kept as JSON so old files stay readable when the spec struct evolves.
    pub workload: serde_json::Value,
    pub run: RunInfo,
    pub points: Vec<PointResult>,
    /// Medians and spread over repetitions, per backend and point.
    #[serde(default)]
    pub summary: Vec<SummaryRow>,
    /// Read p99 of a backend with writers committing vs the same readers alone.
    #[serde(default)]
    pub writer_impact: Vec<WriterImpact>,
}

/// Where and how the numbers were produced.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EnvBlock {
    pub cores: usize,
    pub cpu: String,
    pub os: String,
    pub rustc: String,
    pub git_commit: String,
    /// Locked versions of pathmap and every peer (from Cargo.lock at build time).
    pub crate_versions: BTreeMap<String, String>,
    pub allocator: String,
    pub profile: String,
    pub clock: ClockInfo,
    pub harness_version: String,
}

/// The run's parameters (after defaults and overrides).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunInfo {
    pub command: Vec<String>,
    pub started_unix_s: u64,
    pub finished_unix_s: u64,
    /// The run was stopped early (Ctrl-C); the points present are complete.
    pub interrupted: bool,
    pub backends: Vec<String>,
    pub repetitions: u32,
    pub warmup_s: f64,
    /// Measurement window by time (null when by op budget).
    pub duration_s: Option<f64>,
    pub op_budget: Option<u64>,
    pub seed: u64,
    pub quick: bool,
    pub pinned: bool,
    /// Order the (repetition, point, backend) cells ran in.
    pub order: String,
    pub timeline_interval_s: f64,
}

/// One measured (or skipped) cell: a backend at a point in one repetition.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PointResult {
    pub backend: String,
    pub label: String,
    pub readers: usize,
    pub writers: usize,
    pub repetition: u32,
    /// "" for a sweep point; "readers-only" for the companion of a point with writers.
    #[serde(default)]
    pub variant: String,
    pub oversubscribed: bool,
    pub elapsed_s: f64,
    /// Null, or why the backend could not serve this workload.
    pub skipped: Option<String>,
    pub throughput: Throughput,
    /// One entry per op class (`snapshot`, `get`, `contains`, `scan`, `count`, `stage`, `commit`),
    /// plus `read` (all read ops of reader threads) and `write` (all ops of writer threads).
    pub latency_ns: BTreeMap<String, LatencySummary>,
    /// Executed operations per workload op kind.
    #[serde(default)]
    pub op_counts: BTreeMap<String, u64>,
    pub timeline: Vec<Interval>,
    /// Refused leases / zippers / commits.
    pub conflicts: u64,
    /// Operations not executed because the backend refused them (not timed, not in throughput).
    #[serde(default)]
    pub refused_ops: u64,
    /// Staged writes dropped because their commit was refused (not in write throughput).
    #[serde(default)]
    pub discarded_writes: u64,
    /// Mean cost of generating one op (workloads' `next_op`), measured outside the window; the
    /// rest of `ns_per_op` on `null` is dispatch, timing and recording.
    #[serde(default)]
    pub op_generation_ns: Option<f64>,
    /// CPU-seconds per executed op, in ns (threads counted up to the core count) (for `null`: the harness's own per-op floor).
    pub ns_per_op: Option<f64>,
    pub capabilities: Caps,
    /// CPU each thread was bound to (readers first, then writers); empty when not pinned.
    #[serde(default)]
    pub pinning: Vec<usize>,
    /// Intended per-thread rate of open-loop roles (ops/s), null for closed loop.
    #[serde(default)]
    pub open_loop_rate: Option<f64>,
    /// Filled by the isolation checker when it runs.
    #[serde(default)]
    pub isolation: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Throughput {
    pub read_ops_per_s: f64,
    pub write_ops_per_s: f64,
    pub total_ops_per_s: f64,
    #[serde(default)]
    pub commits_per_s: f64,
}

/// One timeline interval of a point's measurement window.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Interval {
    /// Start of the interval, seconds since the window opened.
    pub t_s: f64,
    pub read_ops_per_s: f64,
    pub write_ops_per_s: f64,
    pub total_ops_per_s: f64,
    /// p99 over all ops of reader threads / writer threads in this interval.
    pub reader_p99_ns: u64,
    pub writer_p99_ns: u64,
    pub rss_bytes: u64,
}

/// Median and spread of one backend at one point over repetitions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SummaryRow {
    pub backend: String,
    pub label: String,
    pub variant: String,
    pub readers: usize,
    pub writers: usize,
    pub repetitions: usize,
    pub skipped: Option<String>,
    pub total_ops_per_s: Spread,
    pub read_ops_per_s: Spread,
    pub write_ops_per_s: Spread,
    /// Throughput over the same backend's at its smallest thread count (same variant).
    pub speedup: Option<f64>,
    /// Speedup divided by the thread-count ratio.
    pub efficiency: Option<f64>,
    pub read_p50_ns: Spread,
    pub read_p99_ns: Spread,
    pub commit_p99_ns: Spread,
    pub conflicts: u64,
    pub oversubscribed: bool,
    pub ns_per_op: Option<f64>,
    #[serde(default)]
    pub op_generation_ns: Option<f64>,
    /// Median p50 of all timed ops (for `null`: the cost of the timed region itself).
    #[serde(default)]
    pub all_ops_p50_ns: Option<f64>,
}

/// Median with min and max over repetitions.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// Median/min/max of `xs` (zeros for an empty slice).
    pub fn of(xs: &[f64]) -> Spread {
        if xs.is_empty() {
            return Spread::default();
        }
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Spread {
            median,
            min: v[0],
            max: v[n - 1],
        }
    }
}

/// Read tail with writers committing vs without (same backend, same readers).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WriterImpact {
    pub backend: String,
    pub label: String,
    pub readers: usize,
    pub writers: usize,
    pub read_p99_with_writers_ns: f64,
    pub read_p99_readers_only_ns: f64,
    /// with / without: 1.0 means writers do not hurt the read tail.
    pub ratio: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_median_of_even_and_odd() {
        assert_eq!(
            Spread::of(&[3.0, 1.0, 2.0]),
            Spread {
                median: 2.0,
                min: 1.0,
                max: 3.0
            }
        );
        assert_eq!(Spread::of(&[4.0, 1.0, 2.0, 3.0]).median, 2.5);
        assert_eq!(Spread::of(&[]), Spread::default());
    }
}
