//! Turns one point's per-thread records into a results row (the coordinator's half of "record
//! per worker, merge at the coordinator"): histograms merged per class and per role, counters
//! summed per role, the timeline built interval by interval from the same counters.

use std::collections::BTreeMap;

use results::{
    Axes, Interval, Measurement, OpClass, OpTiming, Outcome, PointResult, ReaderStats, Variant,
    WriterStats,
};
use workloads::{OpKind, Role};

use crate::{
    metrics::{histogram, merge_into, summarize},
    runner::{PointRun, ThreadOut, BATCH_UNITS},
};

/// Identity of a cell, filled in by the sweep.
pub struct CellId {
    pub backend: String,
    pub axes: Axes,
    pub variant: Variant,
    pub repetition: u32,
    pub oversubscribed: bool,
    /// CPUs available: `ns_per_op` counts at most this many threads as running at once.
    pub cores: usize,
}

impl CellId {
    /// A skipped cell.
    pub fn skipped(self, reason: String) -> PointResult {
        PointResult {
            backend: self.backend,
            axes: self.axes,
            variant: self.variant,
            repetition: self.repetition,
            oversubscribed: self.oversubscribed,
            outcome: Outcome::Skipped { reason },
        }
    }
}

fn is_reader(t: &ThreadOut) -> bool {
    matches!(t.role, Role::Reader)
}

/// Merges a finished run into a results row.
pub fn point_result(id: CellId, run: PointRun, open_loop_rate: Option<f64>) -> PointResult {
    let mut latency_ns = BTreeMap::new();
    for class in OpClass::ALL {
        let mut h = histogram(3);
        run.threads
            .iter()
            .for_each(|t| merge_into(&mut h, &t.rec.hists[class as usize]));
        if let Some(s) = summarize(&h) {
            latency_ns.insert(class, s);
        }
    }
    let mut op_counts = BTreeMap::new();
    for (i, kind) in OpKind::ALL.iter().enumerate() {
        let c: u64 = run.threads.iter().map(|t| t.rec.op_counts[i]).sum();
        if c > 0 {
            op_counts.insert(*kind, c);
        }
    }
    let all: u64 = run
        .threads
        .iter()
        .map(|t| t.rec.count_where(|_| true))
        .sum();
    let threads = run.threads.len();
    PointResult {
        backend: id.backend,
        axes: id.axes,
        variant: id.variant,
        repetition: id.repetition,
        oversubscribed: id.oversubscribed,
        outcome: Outcome::Measured(Box::new(Measurement {
            elapsed_s: run.elapsed_s,
            readers: readers(&run),
            writers: writers(&run),
            latency_ns,
            op_counts,
            timeline: timeline(&run),
            ns_per_op: (all > 0)
                .then(|| run.elapsed_s * threads.min(id.cores.max(1)) as f64 * 1e9 / all as f64),
            op_generation_ns: None,
            pinning: run.threads.iter().filter_map(|t| t.cpu).collect(),
            open_loop_rate,
            isolation: run.isolation,
            store: run.store,
            timing: Some(op_timing(&run.threads, id.cores)),
        })),
    }
}

/// How the threads generated and timed their ops; the warm-up's wall time per op counted as
/// `ns_per_op` is (threads up to the cores).
fn op_timing(threads: &[ThreadOut], cores: usize) -> OpTiming {
    let ops: u64 = threads.iter().map(|t| t.warmup_ops).sum();
    let seconds = threads.iter().map(|t| t.warmup_s).fold(0.0, f64::max);
    let running = threads.len().min(cores.max(1)) as f64;
    OpTiming {
        batched_threads: threads.iter().filter(|t| t.batched).count(),
        batch_units: BATCH_UNITS,
        tape_reads: threads.iter().find_map(|t| t.tape_reads).map(|n| n as u64),
        warmup_ns_per_op: (ops > 0).then(|| seconds * running * 1e9 / ops as f64),
    }
}

/// The reader threads' goodput, refusals and latency.
fn readers(run: &PointRun) -> ReaderStats {
    let ts: Vec<&ThreadOut> = run.threads.iter().filter(|t| is_reader(t)).collect();
    let mut h = histogram(3);
    for t in &ts {
        for class in OpClass::ALL.into_iter().filter(|c| c.is_read()) {
            merge_into(&mut h, &t.rec.hists[class as usize]);
        }
    }
    let refused = |pred: fn(OpClass) -> bool| -> u64 {
        ts.iter()
            .flat_map(|t| {
                OpClass::ALL
                    .into_iter()
                    .filter(move |c| pred(*c))
                    .map(|c| t.rec.refused[c as usize])
            })
            .sum()
    };
    ReaderStats {
        threads: ts.len(),
        reads: ts.iter().map(|t| t.rec.count_where(OpClass::is_read)).sum(),
        snapshots: ts
            .iter()
            .map(|t| t.rec.hists[OpClass::Snapshot as usize].len())
            .sum(),
        refused_reads: refused(OpClass::is_read),
        refused_snapshots: refused(|c| c == OpClass::Snapshot),
        latency_ns: summarize(&h),
    }
}

/// The writer threads' goodput, refusals and latency.
fn writers(run: &PointRun) -> WriterStats {
    let ts: Vec<&ThreadOut> = run.threads.iter().filter(|t| !is_reader(t)).collect();
    let mut h = histogram(3);
    for t in &ts {
        for class in OpClass::ALL {
            merge_into(&mut h, &t.rec.hists[class as usize]);
        }
    }
    let sum = |f: &dyn Fn(&ThreadOut) -> u64| -> u64 { ts.iter().map(|t| f(t)).sum() };
    let refused = |c: OpClass| sum(&|t| t.rec.refused[c as usize]);
    WriterStats {
        threads: ts.len(),
        commits: sum(&|t| t.rec.hists[OpClass::Commit as usize].len()),
        writes: sum(&|t| t.rec.committed_writes),
        refused_commits: refused(OpClass::Commit),
        discarded_writes: sum(&|t| t.rec.discarded),
        refused_writes: refused(OpClass::Stage),
        reads: sum(&|t| t.rec.count_where(OpClass::is_read)),
        refused_reads: OpClass::ALL
            .into_iter()
            .filter(|c| c.is_read())
            .map(refused)
            .sum(),
        skipped_by_checker: sum(&|t| t.rec.skipped_by_checker),
        latency_ns: summarize(&h),
    }
}

/// One entry per interval in which anything completed; counts per role, as in the totals.
fn timeline(run: &PointRun) -> Vec<Interval> {
    let n = run
        .threads
        .iter()
        .map(|t| t.rec.intervals.len())
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for k in 0..n {
        let (mut rh, mut wh) = (histogram(2), histogram(2));
        let (mut reads, mut commits) = (0u64, 0u64);
        for t in &run.threads {
            let Some(iv) = t.rec.intervals.get(k) else {
                continue;
            };
            if is_reader(t) {
                reads += iv.reads;
                merge_into(&mut rh, &iv.hist);
            } else {
                commits += iv.commits;
                merge_into(&mut wh, &iv.hist);
            }
        }
        if rh.is_empty() && wh.is_empty() {
            continue;
        }
        let start = k as f64 * run.interval_s;
        let p99 =
            |h: &hdrhistogram::Histogram<u64>| (!h.is_empty()).then(|| h.value_at_quantile(0.99));
        out.push(Interval {
            t_s: start,
            len_s: (run.elapsed_s - start).clamp(1e-9, run.interval_s),
            reads,
            commits: Some(commits),
            reader_p99_ns: p99(&rh),
            writer_p99_ns: p99(&wh),
            rss_bytes: run.rss.get(k).or(run.rss.last()).copied().unwrap_or(0),
        });
    }
    out
}
