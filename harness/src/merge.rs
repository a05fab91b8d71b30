//! Turns one point's per-thread records into a [`PointResult`] (the coordinator's half of style
//! #10): merges histograms per class and per role, sums counters, builds the timeline.

use std::collections::BTreeMap;

use workloads::{OpKind, Role};

use crate::{
    metrics::{histogram, merge_into, LatClass, LatencySummary},
    results::{Interval, PointResult, Throughput},
    runner::{PointRun, ThreadOut},
};

/// Identity of a cell, filled in by the sweep.
pub struct CellId {
    pub backend: String,
    pub label: String,
    pub variant: String,
    pub readers: usize,
    pub writers: usize,
    pub repetition: u32,
    pub oversubscribed: bool,
    /// CPUs available: `ns_per_op` counts at most this many threads as running at once.
    pub cores: usize,
}

fn is_reader(t: &ThreadOut) -> bool {
    matches!(t.role, Role::Reader)
}

/// Merges a finished run into a results row.
pub fn point_result(
    id: CellId,
    run: &PointRun,
    caps: crate::backends::Caps,
    open_loop_rate: Option<f64>,
) -> PointResult {
    let elapsed = run.elapsed_s.max(1e-9);
    let mut latency_ns = BTreeMap::new();
    for class in LatClass::ALL {
        let mut h = histogram(3);
        run.threads
            .iter()
            .for_each(|t| merge_into(&mut h, &t.rec.hists[class as usize]));
        if !h.is_empty() {
            latency_ns.insert(class.name().to_string(), LatencySummary::of(&h));
        }
    }
    let (mut read, mut write) = (histogram(3), histogram(3));
    for t in &run.threads {
        for class in LatClass::ALL {
            if is_reader(t) && class.is_read() {
                merge_into(&mut read, &t.rec.hists[class as usize]);
            } else if !is_reader(t) {
                merge_into(&mut write, &t.rec.hists[class as usize]);
            }
        }
    }
    for (name, h) in [("read", &read), ("write", &write)] {
        if !h.is_empty() {
            latency_ns.insert(name.to_string(), LatencySummary::of(h));
        }
    }
    let mut op_counts = BTreeMap::new();
    for (i, kind) in OpKind::ALL.iter().enumerate() {
        let c: u64 = run.threads.iter().map(|t| t.rec.op_counts[i]).sum();
        if c > 0 {
            op_counts.insert(kind.name().to_string(), c);
        }
    }
    let sum = |pred: fn(LatClass) -> bool| -> u64 {
        run.threads.iter().map(|t| t.rec.count_where(pred)).sum()
    };
    let (reads, writes, all, commits) = (
        sum(LatClass::is_read),
        sum(LatClass::is_write),
        sum(|_| true),
        sum(|c| c == LatClass::Commit),
    );
    let threads = run.threads.len();
    let discarded: u64 = run.threads.iter().map(|t| t.rec.discarded).sum();
    let (writes, all) = (writes - discarded.min(writes), all - discarded.min(all));
    PointResult {
        backend: id.backend,
        label: id.label,
        readers: id.readers,
        writers: id.writers,
        repetition: id.repetition,
        variant: id.variant,
        oversubscribed: id.oversubscribed,
        elapsed_s: run.elapsed_s,
        skipped: None,
        throughput: Throughput {
            read_ops_per_s: reads as f64 / elapsed,
            write_ops_per_s: writes as f64 / elapsed,
            total_ops_per_s: all as f64 / elapsed,
            commits_per_s: commits as f64 / elapsed,
        },
        latency_ns,
        op_counts,
        timeline: timeline(run),
        conflicts: run.threads.iter().map(|t| t.conflicts).sum(),
        refused_ops: run.threads.iter().map(|t| t.rec.refused).sum(),
        discarded_writes: discarded,
        op_generation_ns: None,
        ns_per_op: (all > 0)
            .then(|| elapsed * threads.min(id.cores.max(1)) as f64 * 1e9 / all as f64),
        capabilities: caps,
        pinning: run.threads.iter().filter_map(|t| t.cpu).collect(),
        open_loop_rate,
        isolation: None,
    }
}

/// One entry per interval that saw any op.
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
        let (mut reads, mut writes, mut ops) = (0u64, 0u64, 0u64);
        for t in &run.threads {
            let Some(iv) = t.rec.intervals.get(k) else {
                continue;
            };
            reads += iv.reads;
            writes += iv.writes;
            ops += iv.ops;
            merge_into(if is_reader(t) { &mut rh } else { &mut wh }, &iv.hist);
        }
        if ops == 0 {
            continue;
        }
        let start = k as f64 * run.interval_s;
        let len = (run.elapsed_s - start).clamp(1e-9, run.interval_s);
        let p99 = |h: &hdrhistogram::Histogram<u64>| {
            if h.is_empty() {
                0
            } else {
                h.value_at_quantile(0.99)
            }
        };
        out.push(Interval {
            t_s: start,
            read_ops_per_s: reads as f64 / len,
            write_ops_per_s: writes as f64 / len,
            total_ops_per_s: ops as f64 / len,
            reader_p99_ns: p99(&rh),
            writer_p99_ns: p99(&wh),
            rss_bytes: run.rss.get(k).or(run.rss.last()).copied().unwrap_or(0),
        });
    }
    out
}
