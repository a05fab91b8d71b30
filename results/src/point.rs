//! One backend at one point in one repetition: where it sits in the sweep ([`Axes`]) and what was
//! measured there ([`Measurement`]), with goodput and refusals kept per role.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use workloads::{OpKind, Ratio};

use crate::isolation::Isolation;

/// One measured or skipped cell of the run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PointResult {
    pub backend: String,
    pub axes: Axes,
    pub variant: Variant,
    /// 0-based repetition.
    pub repetition: u32,
    /// More threads than the machine's cores: the point measures time-slicing as well.
    pub oversubscribed: bool,
    pub outcome: Outcome,
}

impl PointResult {
    /// The measurement, unless the point was skipped.
    pub fn measured(&self) -> Option<&Measurement> {
        match &self.outcome {
            Outcome::Measured(m) => Some(m),
            Outcome::Skipped { .. } => None,
        }
    }

    /// Why the point was skipped, if it was.
    pub fn skipped(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Skipped { reason } => Some(reason),
            Outcome::Measured(_) => None,
        }
    }
}

/// Where a point sits in the sweep: its thread split and the value of every swept axis
/// (`None`: the axis was not swept). A readers-only companion has the axes of the point it
/// accompanies (its writers did not run).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Axes {
    /// Reader threads.
    pub readers: usize,
    /// Writer threads (one partition each).
    pub writers: usize,
    /// The readers:writers ratio the thread total was split by, when ratios are swept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
    /// The Zipf/latest exponent, when swept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta: Option<f64>,
    /// The hotspot's hot fraction, when swept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_fraction: Option<f64>,
    /// The writers' batch size, when swept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
}

/// Every swept axis of a point except its thread split: points that share these form one
/// thread-scaling series.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherAxes {
    pub ratio: Option<Ratio>,
    pub theta: Option<f64>,
    pub hot_fraction: Option<f64>,
    pub batch_size: Option<usize>,
}

impl Axes {
    /// A point with this thread split and no swept axis.
    pub fn threads(readers: usize, writers: usize) -> Axes {
        Axes {
            readers,
            writers,
            ratio: None,
            theta: None,
            hot_fraction: None,
            batch_size: None,
        }
    }

    /// Readers plus writers.
    pub fn total(&self) -> usize {
        self.readers + self.writers
    }

    /// Everything but the thread split.
    pub fn others(&self) -> OtherAxes {
        OtherAxes {
            ratio: self.ratio,
            theta: self.theta,
            hot_fraction: self.hot_fraction,
            batch_size: self.batch_size,
        }
    }

    /// `r=3 w=1`, then every swept axis: `r=3 w=1 theta=0.99 batch=16` (for display only: no
    /// code reads a label back).
    pub fn label(&self) -> String {
        let others = self.others().label();
        let split = format!("r={} w={}", self.readers, self.writers);
        if others.is_empty() {
            split
        } else {
            format!("{split} {others}")
        }
    }
}

impl OtherAxes {
    /// `ratio=3:1 theta=0.99 hot=0.1 batch=16`, the swept axes only ("" when none).
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.ratio {
            parts.push(format!("ratio={r}"));
        }
        if let Some(t) = self.theta {
            parts.push(format!("theta={t}"));
        }
        if let Some(h) = self.hot_fraction {
            parts.push(format!("hot={h}"));
        }
        if let Some(b) = self.batch_size {
            parts.push(format!("batch={b}"));
        }
        parts.join(" ")
    }
}

/// Which kind of cell a point is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// A point of the workload's sweep.
    Sweep,
    /// The same readers with the writers left out, run beside a point with writers so the read
    /// tail can be compared with and without writers committing.
    ReadersOnly,
}

/// A point was measured, or skipped because the backend cannot serve the workload.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Skipped {
        /// e.g. "dashmap has no prefix scans".
        reason: String,
    },
    Measured(Box<Measurement>),
}

/// What one point measured. Counts cover the measured window only (warm-up excluded); rates are
/// derived from them and `elapsed_s`, so a rate and its count can never disagree.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// Seconds from the window's start until the last thread's last operation.
    pub elapsed_s: f64,
    pub readers: ReaderStats,
    pub writers: WriterStats,
    /// Latency per operation class, over every thread that ran the class.
    pub latency_ns: BTreeMap<OpClass, LatencySummary>,
    /// Completed operations per workload op kind.
    pub op_counts: BTreeMap<OpKind, u64>,
    /// The window in intervals of `run.timeline_interval_s`.
    pub timeline: Vec<Interval>,
    /// CPU time per completed operation in ns (threads counted up to the core count); on the
    /// floor backend, the harness's own cost per operation.
    pub ns_per_op: Option<f64>,
    /// Mean cost of generating one operation, measured outside the window (floor backend only).
    pub op_generation_ns: Option<f64>,
    /// The CPU each thread was bound to (readers first); empty when not pinned.
    pub pinning: Vec<usize>,
    /// Intended per-thread rate of open-loop readers (ops/s); `None` for a closed loop.
    pub open_loop_rate: Option<f64>,
    /// What the isolation checker found at this point.
    pub isolation: Isolation,
    /// The store's own version counters over the window, for stores that keep them (the
    /// knowledge base): how many versions commits published, and how many superseded ones were
    /// freed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreCounters>,
    /// How the ops were generated and timed (absent in results from before it was recorded:
    /// every op was then generated live and timed alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<OpTiming>,
}

/// How a point's ops were generated and timed.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OpTiming {
    /// Threads that timed their window in batches of `batch_units` units (a read, or a writer's
    /// batch with its commit), each completed op recorded at its batch's mean time per op: their
    /// latencies are means, not single ops. The other threads timed every op alone.
    pub batched_threads: usize,
    pub batch_units: u32,
    /// Reads each reader thread recorded before the window and replayed in it, repeating after
    /// this many (`None`: no reader threads).
    pub tape_reads: Option<u64>,
    /// Wall time per op per thread of the warm-up, where every op was timed alone (threads
    /// counted up to the cores, as `ns_per_op`): on the floor backend, the floor of a thread
    /// that times each op.
    pub warmup_ns_per_op: Option<f64>,
}

impl OpTiming {
    /// Whether any thread timed its ops in batches.
    pub fn batched(&self) -> bool {
        self.batched_threads > 0
    }
}

/// A store's version counters (published and freed), or their change over `span_s` seconds.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StoreCounters {
    pub versions_published: u64,
    pub versions_freed: u64,
    /// The seconds the change was counted over (0 for a reading of the counters at an instant).
    #[serde(default)]
    pub span_s: f64,
}

impl StoreCounters {
    /// What changed from `before` to `self`, over `span_s` seconds.
    pub fn since(self, before: StoreCounters, span_s: f64) -> StoreCounters {
        StoreCounters {
            versions_published: self
                .versions_published
                .saturating_sub(before.versions_published),
            versions_freed: self.versions_freed.saturating_sub(before.versions_freed),
            span_s,
        }
    }
}

impl Measurement {
    fn rate(&self, n: u64) -> f64 {
        if self.elapsed_s > 0.0 {
            n as f64 / self.elapsed_s
        } else {
            0.0
        }
    }

    /// Read operations completed per second by the reader threads (their goodput).
    pub fn reads_per_s(&self) -> f64 {
        self.rate(self.readers.reads)
    }

    /// Batches acknowledged per second by the writer threads (their goodput).
    pub fn commits_per_s(&self) -> f64 {
        self.rate(self.writers.commits)
    }

    /// Staged writes per second that became part of an acknowledged batch.
    pub fn writes_per_s(&self) -> f64 {
        self.rate(self.writers.writes)
    }

    /// Reads per second the writer threads completed themselves: their own gets and scans
    /// (`writers.mix.read` / `scan`, as YCSB clients) and read-for-updates. Not the readers'
    /// goodput, and not in `reads_per_s`.
    pub fn writer_reads_per_s(&self) -> f64 {
        self.rate(self.writers.reads)
    }

    /// Versions the store published and freed per second of the span they were counted over
    /// (the window, from the coordinator's first look after it opened), where it counts them.
    pub fn versions_per_s(&self) -> Option<(f64, f64)> {
        self.store.filter(|s| s.span_s > 0.0).map(|s| {
            (
                s.versions_published as f64 / s.span_s,
                s.versions_freed as f64 / s.span_s,
            )
        })
    }
}

/// The reader threads' work.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReaderStats {
    pub threads: usize,
    /// Read operations completed: get, contains, scan, count.
    pub reads: u64,
    /// Snapshots taken (new read views).
    pub snapshots: u64,
    /// Read operations the backend refused (a conflicting zipper): not timed, not goodput.
    pub refused_reads: u64,
    /// Snapshot operations the backend refused.
    pub refused_snapshots: u64,
    /// Latency of every completed read operation (`None` when there was none).
    pub latency_ns: Option<LatencySummary>,
}

/// The writer threads' work.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WriterStats {
    pub threads: usize,
    /// Batches acknowledged (commits that returned success).
    pub commits: u64,
    /// Staged writes that were part of an acknowledged batch.
    pub writes: u64,
    /// Commits the backend refused (their batch was dropped).
    pub refused_commits: u64,
    /// Staged writes dropped with their refused commit.
    pub discarded_writes: u64,
    /// Staging operations (put, delete, delete-prefix) the backend refused (a held lease).
    pub refused_writes: u64,
    /// Reads served through the writer (read-modify-write), completed and refused.
    pub reads: u64,
    pub refused_reads: u64,
    /// Workload delete-prefix operations the isolation checker skipped because they would have
    /// removed the keys it checks: neither goodput nor a refusal by the backend.
    pub skipped_by_checker: u64,
    /// Latency of every completed writer operation (`None` when there was none).
    pub latency_ns: Option<LatencySummary>,
}

/// What a latency is recorded under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpClass {
    /// Taking a snapshot / opening a read view.
    Snapshot,
    /// Point get (hit or miss).
    Get,
    Contains,
    /// Prefix scan (up to the op's limit).
    Scan,
    /// Count under a prefix.
    Count,
    /// Staging a write: put, delete or delete-prefix.
    Stage,
    /// Publishing a batch.
    Commit,
}

impl OpClass {
    pub const ALL: [OpClass; 7] = [
        OpClass::Snapshot,
        OpClass::Get,
        OpClass::Contains,
        OpClass::Scan,
        OpClass::Count,
        OpClass::Stage,
        OpClass::Commit,
    ];

    /// The name used in results files and tables.
    pub fn name(self) -> &'static str {
        match self {
            OpClass::Snapshot => "snapshot",
            OpClass::Get => "get",
            OpClass::Contains => "contains",
            OpClass::Scan => "scan",
            OpClass::Count => "count",
            OpClass::Stage => "stage",
            OpClass::Commit => "commit",
        }
    }

    /// Read operations: the readers' goodput.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            OpClass::Get | OpClass::Contains | OpClass::Scan | OpClass::Count
        )
    }

    /// The class a workload operation is recorded under.
    pub fn of(kind: OpKind) -> OpClass {
        match kind {
            OpKind::Snapshot => OpClass::Snapshot,
            OpKind::Get | OpKind::GetMiss | OpKind::GetForUpdate => OpClass::Get,
            OpKind::Contains => OpClass::Contains,
            OpKind::Scan => OpClass::Scan,
            OpKind::Count => OpClass::Count,
            OpKind::Put | OpKind::Delete | OpKind::DeletePrefix => OpClass::Stage,
            OpKind::Commit => OpClass::Commit,
        }
    }
}

/// Quantiles of one latency histogram, in nanoseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LatencySummary {
    pub count: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub p999: u64,
    pub max: u64,
    pub mean: f64,
}

/// One interval of a point's window. Counts per role, like the point's totals: summed over the
/// timeline they give the point's counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// Start, in seconds since the window opened.
    pub t_s: f64,
    /// Length in seconds (the last interval ends with the last operation).
    pub len_s: f64,
    /// Read operations completed by reader threads.
    pub reads: u64,
    /// Batches acknowledged (`None` where the file did not record them: migrated version-1
    /// files).
    pub commits: Option<u64>,
    /// p99 over every operation of the reader / writer threads in this interval.
    pub reader_p99_ns: Option<u64>,
    pub writer_p99_ns: Option<u64>,
    /// Resident memory of the process at the interval's end.
    pub rss_bytes: u64,
}

impl Interval {
    /// Reads per second in this interval.
    pub fn reads_per_s(&self) -> f64 {
        self.reads as f64 / self.len_s.max(1e-9)
    }

    /// Acknowledged batches per second in this interval, where recorded.
    pub fn commits_per_s(&self) -> Option<f64> {
        self.commits.map(|c| c as f64 / self.len_s.max(1e-9))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_split_and_every_swept_axis() {
        let mut a = Axes::threads(3, 1);
        assert_eq!(a.label(), "r=3 w=1");
        a.theta = Some(0.99);
        a.batch_size = Some(16);
        assert_eq!(a.label(), "r=3 w=1 theta=0.99 batch=16");
        assert_eq!(a.others().label(), "theta=0.99 batch=16");
        assert_eq!(a.total(), 4);
    }

    #[test]
    fn op_kinds_map_to_classes() {
        assert_eq!(OpClass::of(OpKind::GetMiss), OpClass::Get);
        assert_eq!(OpClass::of(OpKind::DeletePrefix), OpClass::Stage);
        assert!(OpClass::Scan.is_read() && !OpClass::Snapshot.is_read());
    }
}
