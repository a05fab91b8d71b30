//! Per-thread recording and after-the-run merging (style #10: record per worker, merge at the
//! coordinator). Nothing here is shared between threads: each measuring thread owns one
//! [`ThreadRecorder`], allocated before the start barrier, and hands it back when it ends.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Highest latency a histogram tracks (100 s); larger values saturate.
const MAX_NS: u64 = 100_000_000_000;

/// What a latency is recorded under: one histogram per class per thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatClass {
    /// Taking a snapshot / opening a read handle.
    Snapshot = 0,
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

impl LatClass {
    pub const ALL: [LatClass; 7] = [
        LatClass::Snapshot,
        LatClass::Get,
        LatClass::Contains,
        LatClass::Scan,
        LatClass::Count,
        LatClass::Stage,
        LatClass::Commit,
    ];

    /// The key used in results files (`latency_ns.<name>`).
    pub fn name(self) -> &'static str {
        [
            "snapshot", "get", "contains", "scan", "count", "stage", "commit",
        ][self as usize]
    }

    /// Read operations: what "read latency" in summaries aggregates.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            LatClass::Get | LatClass::Contains | LatClass::Scan | LatClass::Count
        )
    }

    /// Counted as writes in throughput (a commit is bookkeeping, not a write op).
    pub fn is_write(self) -> bool {
        matches!(self, LatClass::Stage)
    }
}

/// A latency histogram in nanoseconds with the bounds and precision used everywhere here.
pub fn histogram(sigfig: u8) -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_NS, sigfig).expect("static histogram bounds are valid")
}

/// Per-interval record: ops and one latency histogram (all op kinds of the thread).
pub struct IntervalRec {
    pub ops: u64,
    pub reads: u64,
    pub writes: u64,
    pub hist: Histogram<u64>,
}

/// Everything one measuring thread records. Preallocated; recording never allocates.
pub struct ThreadRecorder {
    pub hists: Vec<Histogram<u64>>,
    /// Executed operations per workload op kind (indexed by the runner's op-kind index).
    pub op_counts: Vec<u64>,
    /// Operations the backend refused (a conflicting zipper or lease): not timed, not counted.
    pub refused: u64,
    /// Staged writes thrown away because their batch's commit was refused (they are timed, but
    /// not counted as writes in throughput: they never took effect).
    pub discarded: u64,
    pub intervals: Vec<IntervalRec>,
    current: usize,
}

impl ThreadRecorder {
    /// `n_kinds` workload op kinds, `n_intervals` timeline slots (extra intervals fold into the last).
    pub fn new(n_kinds: usize, n_intervals: usize) -> Self {
        ThreadRecorder {
            hists: LatClass::ALL.iter().map(|_| histogram(3)).collect(),
            op_counts: vec![0; n_kinds],
            refused: 0,
            discarded: 0,
            intervals: (0..n_intervals.max(1))
                .map(|_| IntervalRec {
                    ops: 0,
                    reads: 0,
                    writes: 0,
                    hist: histogram(2),
                })
                .collect(),
            current: 0,
        }
    }

    /// Records one completed operation of `class` (workload kind index `kind`) that took `ns`.
    #[inline(always)]
    pub fn record(&mut self, class: LatClass, kind: usize, ns: u64) {
        self.hists[class as usize].saturating_record(ns);
        self.op_counts[kind] += 1;
        let iv = &mut self.intervals[self.current];
        iv.ops += 1;
        iv.reads += class.is_read() as u64;
        iv.writes += class.is_write() as u64;
        iv.hist.saturating_record(ns);
    }

    /// Moves to the next timeline interval (stays on the last one when the timeline is full).
    #[inline]
    pub fn next_interval(&mut self) {
        if self.current + 1 < self.intervals.len() {
            self.current += 1;
        }
    }

    /// Forgets everything recorded so far (used at the end of warm-up).
    pub fn reset(&mut self) {
        self.hists.iter_mut().for_each(Histogram::reset);
        self.op_counts.iter_mut().for_each(|c| *c = 0);
        self.refused = 0;
        self.discarded = 0;
        for iv in &mut self.intervals {
            iv.ops = 0;
            iv.reads = 0;
            iv.writes = 0;
            iv.hist.reset();
        }
        self.current = 0;
    }

    /// Total ops recorded by class predicate.
    pub fn count_where(&self, pred: impl Fn(LatClass) -> bool) -> u64 {
        LatClass::ALL
            .iter()
            .filter(|c| pred(**c))
            .map(|c| self.hists[*c as usize].len())
            .sum()
    }
}

/// Quantiles of one histogram, in nanoseconds (the `latency_ns.<kind>` entries of results.json).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LatencySummary {
    pub count: u64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub p999: u64,
    pub max: u64,
    pub mean: f64,
}

impl LatencySummary {
    pub fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return LatencySummary::default();
        }
        LatencySummary {
            count: h.len(),
            p50: h.value_at_quantile(0.50),
            p90: h.value_at_quantile(0.90),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
            mean: h.mean(),
        }
    }
}

/// Adds `src` into `dst` (same bounds by construction, so this cannot fail).
pub fn merge_into(dst: &mut Histogram<u64>, src: &Histogram<u64>) {
    dst.add(src).expect("histograms share bounds");
}

/// Resident set size of this process in bytes, from `/proc/self/statm` (0 where unavailable).
pub fn rss_bytes() -> u64 {
    let page = 4096u64;
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_quantiles_intervals_and_reset() {
        let mut r = ThreadRecorder::new(3, 2);
        for ns in 1..=1000 {
            r.record(LatClass::Get, 1, ns);
        }
        r.next_interval();
        r.record(LatClass::Commit, 2, 5_000);
        r.next_interval(); // stays on the last interval
        r.record(LatClass::Stage, 0, 7);
        let s = LatencySummary::of(&r.hists[LatClass::Get as usize]);
        assert_eq!(s.count, 1000);
        assert!((495..=505).contains(&s.p50), "{s:?}");
        assert!((985..=995).contains(&s.p99), "{s:?}");
        assert_eq!(r.op_counts, vec![1, 1000, 1]);
        assert_eq!(r.intervals[0].ops, 1000);
        assert_eq!(r.intervals[0].reads, 1000);
        assert_eq!(r.intervals[1].ops, 2);
        assert_eq!(r.intervals[1].writes, 1);
        assert_eq!(r.count_where(LatClass::is_read), 1000);
        r.reset();
        assert_eq!(r.count_where(|_| true), 0);
        assert_eq!(r.intervals[0].ops, 0);
    }

    #[test]
    fn empty_summary_is_zero_and_rss_is_positive() {
        assert_eq!(LatencySummary::of(&histogram(3)), LatencySummary::default());
        assert!(rss_bytes() > 0);
    }
}
