//! Analysis of finished points (style #11: measure → persist → analyse → render): medians and
//! spread over repetitions, speedup and efficiency against the same backend's smallest thread
//! count, and the read tail with vs without writers.

use crate::results::{PointResult, Spread, SummaryRow, WriterImpact};

/// Readers-only companion variant name.
pub const READERS_ONLY: &str = "readers-only";

/// One row per (backend, label, variant), in first-seen order.
pub fn summarize(points: &[PointResult]) -> Vec<SummaryRow> {
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for p in points {
        let k = (p.backend.clone(), p.label.clone(), p.variant.clone());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut rows: Vec<SummaryRow> = keys
        .iter()
        .map(|(b, l, v)| {
            let ps: Vec<&PointResult> = points
                .iter()
                .filter(|p| &p.backend == b && &p.label == l && &p.variant == v)
                .collect();
            row(&ps)
        })
        .collect();
    // Speedup against the same backend (and variant) at its smallest thread count.
    for i in 0..rows.len() {
        let base = rows
            .iter()
            .filter(|r| {
                r.backend == rows[i].backend && r.variant == rows[i].variant && r.skipped.is_none()
            })
            .min_by_key(|r| r.readers + r.writers)
            .map(|r| (r.total_ops_per_s.median, r.readers + r.writers));
        if let (Some((tp, threads)), None) = (base, &rows[i].skipped) {
            if tp > 0.0 {
                let s = rows[i].total_ops_per_s.median / tp;
                rows[i].speedup = Some(s);
                rows[i].efficiency =
                    Some(s * threads as f64 / (rows[i].readers + rows[i].writers) as f64);
            }
        }
    }
    rows
}

fn row(ps: &[&PointResult]) -> SummaryRow {
    let first = ps[0];
    let ran: Vec<&&PointResult> = ps.iter().filter(|p| p.skipped.is_none()).collect();
    let spread = |f: &dyn Fn(&PointResult) -> Option<f64>| {
        Spread::of(&ran.iter().filter_map(|p| f(p)).collect::<Vec<_>>())
    };
    let lat = |k: &'static str, q: fn(&crate::metrics::LatencySummary) -> u64| {
        move |p: &PointResult| p.latency_ns.get(k).map(|l| q(l) as f64)
    };
    SummaryRow {
        backend: first.backend.clone(),
        label: first.label.clone(),
        variant: first.variant.clone(),
        readers: first.readers,
        writers: first.writers,
        repetitions: ran.len(),
        skipped: if ran.is_empty() {
            first.skipped.clone()
        } else {
            None
        },
        total_ops_per_s: spread(&|p| Some(p.throughput.total_ops_per_s)),
        read_ops_per_s: spread(&|p| Some(p.throughput.read_ops_per_s)),
        write_ops_per_s: spread(&|p| Some(p.throughput.write_ops_per_s)),
        speedup: None,
        efficiency: None,
        read_p50_ns: spread(&lat("read", |l| l.p50)),
        read_p99_ns: spread(&lat("read", |l| l.p99)),
        commit_p99_ns: spread(&lat("commit", |l| l.p99)),
        conflicts: ran.iter().map(|p| p.conflicts).sum(),
        oversubscribed: first.oversubscribed,
        ns_per_op: (!ran.is_empty()).then(|| spread(&|p| p.ns_per_op).median),
        op_generation_ns: ran
            .iter()
            .any(|p| p.op_generation_ns.is_some())
            .then(|| spread(&|p| p.op_generation_ns).median),
        all_ops_p50_ns: (!ran.is_empty()).then(|| {
            let fastest =
                |p: &PointResult| p.latency_ns.values().map(|l| l.p50 as f64).reduce(f64::min);
            spread(&fastest).median
        }),
    }
}

/// Pairs each row with writers with its readers-only companion (same backend and label).
pub fn writer_impact(rows: &[SummaryRow]) -> Vec<WriterImpact> {
    rows.iter()
        .filter(|r| r.variant.is_empty() && r.writers > 0 && r.skipped.is_none())
        .filter_map(|r| {
            let alone = rows.iter().find(|c| {
                c.backend == r.backend && c.label == r.label && c.variant == READERS_ONLY
            })?;
            let (with, without) = (r.read_p99_ns.median, alone.read_p99_ns.median);
            (with > 0.0 && without > 0.0).then(|| WriterImpact {
                backend: r.backend.clone(),
                label: r.label.clone(),
                readers: r.readers,
                writers: r.writers,
                read_p99_with_writers_ns: with,
                read_p99_readers_only_ns: without,
                ratio: with / without,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{backends::Caps, metrics::LatencySummary, results::Throughput};

    fn p(
        backend: &str,
        label: &str,
        variant: &str,
        r: usize,
        w: usize,
        tp: f64,
        p99: u64,
    ) -> PointResult {
        PointResult {
            backend: backend.into(),
            label: label.into(),
            readers: r,
            writers: w,
            repetition: 0,
            variant: variant.into(),
            oversubscribed: false,
            elapsed_s: 1.0,
            skipped: None,
            throughput: Throughput {
                total_ops_per_s: tp,
                ..Default::default()
            },
            latency_ns: [(
                "read".to_string(),
                LatencySummary {
                    p99,
                    count: 1,
                    ..Default::default()
                },
            )]
            .into(),
            op_counts: Default::default(),
            timeline: vec![],
            conflicts: 0,
            refused_ops: 0,
            discarded_writes: 0,
            op_generation_ns: None,
            ns_per_op: None,
            capabilities: Caps::NONE,
            pinning: vec![],
            open_loop_rate: None,
            isolation: None,
        }
    }

    #[test]
    fn speedup_efficiency_and_writer_impact() {
        let pts = vec![
            p("h", "t2", "", 1, 1, 100.0, 10),
            p("h", "t2", "", 1, 1, 120.0, 30),
            p("h", "t4", "", 3, 1, 330.0, 20),
            p("h", "t2", READERS_ONLY, 1, 0, 90.0, 10),
        ];
        let rows = summarize(&pts);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0].total_ops_per_s,
            Spread {
                median: 110.0,
                min: 100.0,
                max: 120.0
            }
        );
        assert_eq!(rows[0].speedup, Some(1.0));
        assert!((rows[1].speedup.unwrap() - 3.0).abs() < 1e-9);
        assert!((rows[1].efficiency.unwrap() - 1.5).abs() < 1e-9);
        let wi = writer_impact(&rows);
        assert_eq!(wi.len(), 1);
        assert_eq!(wi[0].ratio, 2.0);
    }
}
