//! Analysis (pure): results files → [`ReportModel`]. No HTML here.

use crate::aggregate;
use crate::results::{PointResult, Results, Spread, SummaryRow};

use super::model::*;
use super::{isolation, sweeps, usl};

/// The backend whose ratios the summary headlines.
pub const HYBRID: &str = "hybrid";
/// The harness's own floor: not a peer.
pub const NULL: &str = "null";

/// Builds the whole model. `max_regression` is the gate threshold used for the baseline table.
pub fn analyse(r: &Results, baseline: Option<&Results>, max_regression: f64) -> ReportModel {
    let backends = backends_of(r);
    let workload = workload_name(r);
    let scaling_cur = scaling_series(r);
    let scaling = Scaling {
        usl: scaling_cur.iter().map(fit_usl).collect(),
        baseline: baseline.map(scaling_series).unwrap_or_default(),
        notes: scaling_notes(r, &scaling_cur),
        current: scaling_cur,
    };
    let audit = serde_json::to_value(r)
        .ok()
        .and_then(|v| v.get("audit").cloned());
    let isolation = isolation::section(r, &backends, audit);
    ReportModel {
        title: format!("{workload} — harness report"),
        summary: Summary {
            workload: workload.clone(),
            description: r
                .workload
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or_default()
                .to_string(),
            backends: backends.clone(),
            verdicts: isolation.verdicts.clone(),
            headline: headline(&scaling.current),
            notes: summary_notes(r),
        },
        latency: latency(r, baseline),
        sweeps: sweeps::section(&rows_of(r), baseline.map(rows_of).as_deref()),
        timeline: Timeline {
            current: timeline(r),
            baseline: baseline.map(timeline).unwrap_or_default(),
        },
        scaling,
        isolation,
        environment: Environment {
            env: r.env.clone(),
            run: r.run.clone(),
            workload_json: serde_json::to_string_pretty(&r.workload).unwrap_or_default(),
        },
        baseline: baseline.map(|b| super::compare::comparison(b, r, max_regression)),
    }
}

/// The workload's `name` (or "unnamed workload").
pub fn workload_name(r: &Results) -> String {
    r.workload
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("unnamed workload")
        .to_string()
}

/// Backends in run order (the run's list, then any others seen in points).
pub fn backends_of(r: &Results) -> Vec<String> {
    let mut out: Vec<String> = r.run.backends.clone();
    for p in &r.points {
        if !out.contains(&p.backend) {
            out.push(p.backend.clone());
        }
    }
    out.retain(|b| r.points.iter().any(|p| &p.backend == b));
    out
}

/// The summary rows of `r` (recomputed from the points when the file has none).
pub fn rows_of(r: &Results) -> Vec<SummaryRow> {
    if r.summary.is_empty() {
        aggregate::summarize(&r.points)
    } else {
        r.summary.clone()
    }
}

/// The label without its thread split (`r=3 w=1 theta=0.9` → `theta=0.9`).
pub fn other_axes(label: &str) -> String {
    label
        .split_whitespace()
        .filter(|t| !t.starts_with("r=") && !t.starts_with("w="))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Per backend: measured sweep points (variant ""), with the first-seen value of every other
/// axis and the first-seen split at each thread count, ordered by thread count.
pub fn scaling_series(r: &Results) -> Vec<ScalingSeries> {
    let rows = rows_of(r);
    let base_axes = rows
        .iter()
        .find(|x| x.variant.is_empty())
        .map(|x| other_axes(&x.label));
    backends_of(r)
        .into_iter()
        .map(|b| {
            let mut points: Vec<ScalingPoint> = Vec::new();
            for x in rows.iter().filter(|x| {
                x.backend == b
                    && x.variant.is_empty()
                    && x.skipped.is_none()
                    && Some(other_axes(&x.label)) == base_axes
            }) {
                let threads = x.readers + x.writers;
                if points.iter().all(|p| p.threads != threads) {
                    points.push(ScalingPoint {
                        threads,
                        readers: x.readers,
                        writers: x.writers,
                        label: x.label.clone(),
                        read_ops_per_s: x.read_ops_per_s,
                        write_ops_per_s: x.write_ops_per_s,
                        total_ops_per_s: x.total_ops_per_s,
                        speedup: x.speedup,
                        efficiency: x.efficiency,
                        oversubscribed: x.oversubscribed,
                    });
                }
            }
            points.sort_by_key(|p| p.threads);
            ScalingSeries { backend: b, points }
        })
        .filter(|s| !s.points.is_empty())
        .collect()
}

fn fit_usl(s: &ScalingSeries) -> UslFit {
    let pts: Vec<(f64, f64)> = s
        .points
        .iter()
        .map(|p| (p.threads as f64, p.total_ops_per_s.median))
        .collect();
    let over = s.points.iter().filter(|p| p.oversubscribed).count();
    match usl::fit(&pts) {
        Ok(params) => UslFit {
            backend: s.backend.clone(),
            params: Some(params),
            note: usl_note(&params, pts.len(), over),
            oversubscribed_points: over,
        },
        Err(e) => UslFit {
            backend: s.backend.clone(),
            params: None,
            note: Some(format!("{e}; this run has {} for {}", pts.len(), s.backend)),
            oversubscribed_points: over,
        },
    }
}

fn usl_note(p: &usl::UslParams, n: usize, over: usize) -> Option<String> {
    let mut v = Vec::new();
    if !(0.0..1.0).contains(&p.sigma) || p.kappa < 0.0 {
        v.push(
            "not physical (σ outside [0, 1) or κ < 0): throughput is not USL-shaped here".into(),
        );
    }
    if n == 3 {
        v.push("3 thread counts: an exact fit with no residual, indicative only".to_string());
    }
    if over > 0 {
        v.push(format!(
            "{over} oversubscribed point(s) in the fit: σ and κ also measure time-slicing"
        ));
    }
    (!v.is_empty()).then(|| v.join("; "))
}

fn scaling_notes(r: &Results, series: &[ScalingSeries]) -> Vec<String> {
    let mut notes = Vec::new();
    if series
        .iter()
        .flat_map(|s| &s.points)
        .any(|p| p.oversubscribed)
    {
        notes.push(format!(
            "Points marked × ran more threads than the machine's {} cores (oversubscribed): \
             they measure time-slicing as much as the store.",
            r.env.cores
        ));
    }
    let skipped: Vec<String> = rows_of(r)
        .iter()
        .filter_map(|x| {
            x.skipped
                .as_ref()
                .map(|why| format!("{} ({why})", x.backend))
        })
        .collect();
    if !skipped.is_empty() {
        notes.push(format!("Skipped: {}", dedup(skipped).join("; ")));
    }
    notes
}

fn summary_notes(r: &Results) -> Vec<String> {
    let mut notes = Vec::new();
    if r.run.interrupted {
        notes.push("The run was interrupted: some points are missing.".into());
    }
    if r.run.repetitions < 2 {
        notes.push("One repetition: no spread, so differences cannot be told from noise.".into());
    }
    if r.points.iter().any(|p| p.backend == NULL) {
        notes.push("`null` measures the harness's own floor; it is not a peer.".into());
    }
    notes
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Hybrid over each peer (not `null`) at every thread count both measured.
fn headline(series: &[ScalingSeries]) -> Vec<Headline> {
    let Some(h) = series.iter().find(|s| s.backend == HYBRID) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for peer in series
        .iter()
        .filter(|s| s.backend != HYBRID && s.backend != NULL)
    {
        for hp in &h.points {
            if let Some(pp) = peer.points.iter().find(|p| p.threads == hp.threads) {
                let (a, b) = (hp.total_ops_per_s.median, pp.total_ops_per_s.median);
                if b > 0.0 {
                    out.push(Headline {
                        peer: peer.backend.clone(),
                        threads: hp.threads,
                        label: hp.label.clone(),
                        hybrid_ops_per_s: a,
                        peer_ops_per_s: b,
                        ratio: a / b,
                    });
                }
            }
        }
    }
    out
}

/// The point a backend is shown at in the latency and timeline sections: its largest thread
/// count that is not oversubscribed (else its largest), from the scaling series.
pub fn representative_label(s: &ScalingSeries) -> Option<&str> {
    s.points
        .iter()
        .rev()
        .find(|p| !p.oversubscribed)
        .or(s.points.last())
        .map(|p| p.label.as_str())
}

/// The repetitions of one backend at one label (variant ""), measured ones only.
fn reps<'a>(r: &'a Results, backend: &str, label: &str) -> Vec<&'a PointResult> {
    r.points
        .iter()
        .filter(|p| {
            p.backend == backend && p.label == label && p.variant.is_empty() && p.skipped.is_none()
        })
        .collect()
}

fn latency(r: &Results, baseline: Option<&Results>) -> Latency {
    let current = spectra(r);
    let mut op_kinds: Vec<String> = Vec::new();
    for k in ["read", "write"]
        .into_iter()
        .map(String::from)
        .chain(current.iter().map(|s| s.op.clone()))
    {
        if current.iter().any(|s| s.op == k) && !op_kinds.contains(&k) {
            op_kinds.push(k);
        }
    }
    let mut notes = Vec::new();
    if r.writer_impact.is_empty() {
        notes.push(
            "No readers-only companion points: read latency with vs without writers is not \
             available (run without --no-companion)."
                .into(),
        );
    }
    Latency {
        op_kinds,
        current,
        baseline: baseline.map(spectra).unwrap_or_default(),
        writer_impact: r.writer_impact.clone(),
        notes,
    }
}

/// Percentile spectra per backend and op kind (medians over repetitions of each percentile).
fn spectra(r: &Results) -> Vec<Spectrum> {
    let mut out = Vec::new();
    for s in scaling_series(r) {
        let Some(label) = representative_label(&s) else {
            continue;
        };
        let ps = reps(r, &s.backend, label);
        let mut kinds: Vec<&String> = ps.iter().flat_map(|p| p.latency_ns.keys()).collect();
        kinds.sort();
        kinds.dedup();
        for k in kinds {
            let ls: Vec<_> = ps.iter().filter_map(|p| p.latency_ns.get(k)).collect();
            let count: u64 = ls.iter().map(|l| l.count).sum();
            if count == 0 {
                continue;
            }
            let med = |f: fn(&crate::metrics::LatencySummary) -> u64| {
                Spread::of(&ls.iter().map(|l| f(l) as f64).collect::<Vec<_>>()).median
            };
            out.push(Spectrum {
                backend: s.backend.clone(),
                op: k.clone(),
                label: label.to_string(),
                count,
                quantiles: vec![
                    ("p50".into(), med(|l| l.p50)),
                    ("p90".into(), med(|l| l.p90)),
                    ("p99".into(), med(|l| l.p99)),
                    ("p99.9".into(), med(|l| l.p999)),
                    ("max".into(), med(|l| l.max)),
                ],
            });
        }
    }
    out
}

/// One timeline per backend: the repetition with the median total throughput at its
/// representative point.
fn timeline(r: &Results) -> Vec<TimelineSeries> {
    scaling_series(r)
        .iter()
        .filter_map(|s| {
            let label = representative_label(s)?;
            let mut ps = reps(r, &s.backend, label);
            ps.sort_by(|a, b| {
                a.throughput
                    .total_ops_per_s
                    .total_cmp(&b.throughput.total_ops_per_s)
            });
            let p = ps.get(ps.len() / 2)?;
            Some(TimelineSeries {
                backend: s.backend.clone(),
                label: label.to_string(),
                repetition: p.repetition,
                intervals: p.timeline.clone(),
            })
        })
        .filter(|t| !t.intervals.is_empty())
        .collect()
}
