//! Per-thread recording and after-the-run merging (record per worker, merge at the
//! coordinator). Nothing here is shared between threads: each measuring thread owns one
//! [`ThreadRecorder`], allocated before the start barrier, and hands it back when it ends.

use hdrhistogram::Histogram;
use results::LatencySummary;

/// Highest latency a histogram tracks (100 s); larger values saturate.
const MAX_NS: u64 = 100_000_000_000;

/// What a latency is recorded under (one histogram per class per thread): the results schema's
/// operation classes.
pub use results::OpClass;

/// A latency histogram in nanoseconds with the bounds and precision used everywhere here.
pub fn histogram(sigfig: u8) -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_NS, sigfig).expect("static histogram bounds are valid")
}

/// Per-interval record: goodput counts and one latency histogram (all op kinds of the thread).
pub struct IntervalRec {
    /// Completed read operations.
    pub reads: u64,
    /// Acknowledged commits.
    pub commits: u64,
    pub hist: Histogram<u64>,
}

/// Everything one measuring thread records. Preallocated; recording never allocates.
pub struct ThreadRecorder {
    pub hists: Vec<Histogram<u64>>,
    /// Executed operations per workload op kind (indexed by the runner's op-kind index).
    pub op_counts: Vec<u64>,
    /// Operations the backend refused (a conflicting zipper or lease), per class: not timed, not
    /// goodput.
    pub refused: [u64; 7],
    /// Workload operations the isolation checker skipped (they would remove checked keys).
    pub skipped_by_checker: u64,
    /// Staged writes that were part of an acknowledged batch.
    pub committed_writes: u64,
    /// Staged writes thrown away because their batch's commit was refused (timed, but never
    /// goodput: they never took effect).
    pub discarded: u64,
    /// Staging operations since the last commit (the open batch).
    pending: u64,
    pub intervals: Vec<IntervalRec>,
    current: usize,
}

/// What became of one operation of the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Completed, in this many nanoseconds.
    Done(u64),
    /// The backend refused it.
    Refused,
    /// The isolation checker skipped it (it would remove the keys it checks).
    SkippedByChecker,
}

impl ThreadRecorder {
    /// `n_kinds` workload op kinds, `n_intervals` timeline slots (extra intervals fold into the last).
    pub fn new(n_kinds: usize, n_intervals: usize) -> Self {
        ThreadRecorder {
            hists: OpClass::ALL.iter().map(|_| histogram(3)).collect(),
            op_counts: vec![0; n_kinds],
            refused: [0; 7],
            skipped_by_checker: 0,
            committed_writes: 0,
            discarded: 0,
            pending: 0,
            intervals: (0..n_intervals.max(1))
                .map(|_| IntervalRec {
                    reads: 0,
                    commits: 0,
                    hist: histogram(2),
                })
                .collect(),
            current: 0,
        }
    }

    /// Records one completed operation of `class` (workload kind index `kind`) that took `ns`.
    #[inline(always)]
    pub fn record(&mut self, class: OpClass, kind: usize, ns: u64) {
        self.outcome(class, kind, Outcome::Done(ns));
    }

    /// Records what became of one operation of `class` (workload kind index `kind`): its
    /// latency when it completed, and everything [`tally`](Self::tally) keeps.
    #[inline(always)]
    pub fn outcome(&mut self, class: OpClass, kind: usize, outcome: Outcome) {
        if let Outcome::Done(ns) = outcome {
            self.hists[class as usize].saturating_record(ns);
            self.intervals[self.current].hist.saturating_record(ns);
        }
        self.tally(class, kind, outcome);
    }

    /// Records the completed ops of a timed batch, `done[c]` of class `c`, each at the batch's
    /// mean `ns` per op (their counts are [`tally`](Self::tally)'s: this adds only latency).
    #[inline]
    pub fn record_batch(&mut self, done: &[u64; OpClass::ALL.len()], ns: u64) {
        let mut all = 0;
        for (h, &n) in self.hists.iter_mut().zip(done) {
            if n > 0 {
                h.saturating_record_n(ns, n);
                all += n;
            }
        }
        if all > 0 {
            self.intervals[self.current]
                .hist
                .saturating_record_n(ns, all);
        }
    }

    /// Counts what became of one operation of `class` (workload kind index `kind`) without its
    /// latency (the class histograms' counts come from the latencies recorded), and keeps the
    /// batch accounting: a stage op joins the open batch, an acknowledged commit counts its
    /// writes, a refused one discards them.
    #[inline(always)]
    pub fn tally(&mut self, class: OpClass, kind: usize, outcome: Outcome) {
        match outcome {
            Outcome::Done(_) => {
                self.op_counts[kind] += 1;
                self.intervals[self.current].reads += class.is_read() as u64;
            }
            Outcome::Refused => self.refuse(class),
            Outcome::SkippedByChecker => self.skipped_by_checker += 1,
        }
        match (class, outcome) {
            (OpClass::Stage, Outcome::Done(_)) => self.pending += 1,
            (OpClass::Commit, Outcome::Done(_)) => {
                self.committed_writes += self.pending;
                self.intervals[self.current].commits += 1;
                self.pending = 0;
            }
            (OpClass::Commit, _) => {
                self.discarded += self.pending;
                self.pending = 0;
            }
            _ => {}
        }
    }

    /// The backend refused an operation of `class`.
    #[inline(always)]
    pub fn refuse(&mut self, class: OpClass) {
        self.refused[class as usize] += 1;
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
        self.refused = [0; 7];
        self.skipped_by_checker = 0;
        self.committed_writes = 0;
        self.discarded = 0;
        self.pending = 0;
        for iv in &mut self.intervals {
            iv.reads = 0;
            iv.commits = 0;
            iv.hist.reset();
        }
        self.current = 0;
    }

    /// Total ops recorded by class predicate.
    pub fn count_where(&self, pred: impl Fn(OpClass) -> bool) -> u64 {
        OpClass::ALL
            .iter()
            .filter(|c| pred(**c))
            .map(|c| self.hists[*c as usize].len())
            .sum()
    }
}

/// Quantiles of one histogram, in nanoseconds (`None` when it is empty).
pub fn summarize(h: &Histogram<u64>) -> Option<LatencySummary> {
    (!h.is_empty()).then(|| LatencySummary {
        count: h.len(),
        p50: h.value_at_quantile(0.50),
        p90: h.value_at_quantile(0.90),
        p99: h.value_at_quantile(0.99),
        p999: h.value_at_quantile(0.999),
        max: h.max(),
        mean: h.mean(),
    })
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
            r.record(OpClass::Get, 1, ns);
        }
        r.next_interval();
        for _ in 0..15 {
            r.outcome(OpClass::Stage, 0, Outcome::Done(7));
        }
        r.outcome(OpClass::Commit, 2, Outcome::Done(5_000));
        r.next_interval(); // stays on the last interval
        r.outcome(OpClass::Stage, 0, Outcome::Done(7));
        r.outcome(OpClass::Commit, 2, Outcome::Refused);
        let s = summarize(&r.hists[OpClass::Get as usize]).unwrap();
        assert_eq!(s.count, 1000);
        assert!((495..=505).contains(&s.p50), "{s:?}");
        assert!((985..=995).contains(&s.p99), "{s:?}");
        assert_eq!(r.op_counts, vec![16, 1000, 1]);
        assert_eq!(r.intervals[0].reads, 1000);
        assert_eq!((r.intervals[0].commits, r.intervals[1].commits), (0, 1));
        assert_eq!(
            r.intervals[1].hist.len(),
            17,
            "15 + 1 staged, 1 commit; refusals untimed"
        );
        assert_eq!((r.committed_writes, r.discarded), (15, 1));
        assert_eq!(r.refused[OpClass::Commit as usize], 1);
        assert_eq!(r.count_where(OpClass::is_read), 1000);
        r.reset();
        assert_eq!(r.count_where(|_| true), 0);
        assert_eq!((r.intervals[0].reads, r.intervals[1].commits), (0, 0));
        r.outcome(OpClass::Commit, 2, Outcome::Done(1));
        assert_eq!(r.committed_writes, 0, "the open batch was reset too");
        assert_eq!((r.committed_writes, r.refused), (0, [0; 7]));
    }

    #[test]
    fn a_batch_records_each_completed_op_once_at_its_mean() {
        let mut r = ThreadRecorder::new(3, 1);
        for _ in 0..5 {
            r.tally(OpClass::Get, 1, Outcome::Done(0));
        }
        r.tally(OpClass::Snapshot, 0, Outcome::Done(0));
        r.tally(OpClass::Get, 1, Outcome::Refused);
        let mut done = [0u64; OpClass::ALL.len()];
        done[OpClass::Get as usize] = 5;
        done[OpClass::Snapshot as usize] = 1;
        r.record_batch(&done, 40);
        let get = summarize(&r.hists[OpClass::Get as usize]).unwrap();
        assert_eq!((get.count, get.p50, get.max), (5, 40, 40));
        assert_eq!(r.hists[OpClass::Snapshot as usize].len(), 1);
        assert_eq!(r.op_counts, vec![1, 5, 0]);
        assert_eq!(r.refused[OpClass::Get as usize], 1);
        assert_eq!((r.intervals[0].reads, r.intervals[0].hist.len()), (5, 6));
        assert_eq!(r.count_where(OpClass::is_read), 5);
    }

    #[test]
    fn empty_summary_is_none_and_rss_is_positive() {
        assert_eq!(summarize(&histogram(3)), None);
        assert!(rss_bytes() > 0);
    }
}
