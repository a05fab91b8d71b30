//! Ratio and skew sweeps: throughput against every swept axis other than the thread count.
//!
//! Labels name the axes (`r=3 w=1 theta=0.99 hot=0.1 batch=16`). The reader/writer ratio is an
//! axis when some thread count appears with several splits; every other `key=value` token with
//! more than one value is an axis. Each axis is shown at one fixed setting of the others: the
//! largest thread split not oversubscribed, and the first-seen value of every other axis.

use crate::results::SummaryRow;

use super::model::{SweepAxis, SweepSeries, Sweeps};

/// `key=value` tokens of a label other than the thread split, as (key, value).
fn axes(label: &str) -> Vec<(String, String)> {
    label
        .split_whitespace()
        .filter_map(|t| t.split_once('='))
        .filter(|(k, _)| *k != "r" && *k != "w")
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn measured(rows: &[SummaryRow]) -> Vec<&SummaryRow> {
    rows.iter()
        .filter(|r| r.variant.is_empty() && r.skipped.is_none())
        .collect()
}

/// The sweeps section of `rows` (and the same axes of the baseline, when given).
pub fn section(rows: &[SummaryRow], baseline: Option<&[SummaryRow]>) -> Sweeps {
    let rs = measured(rows);
    let mut out = Vec::new();
    if let Some(first) = rs.first() {
        let base_axes = axes(&first.label);
        if let Some(ax) = ratio_axis(&rs, &base_axes) {
            out.push(ax(rows, baseline));
        }
        let keys: Vec<String> = base_axes.iter().map(|(k, _)| k.clone()).collect();
        for key in keys {
            let mut values: Vec<String> = rs
                .iter()
                .filter_map(|r| axes(&r.label).into_iter().find(|(k, _)| *k == key))
                .map(|(_, v)| v)
                .collect();
            values.sort();
            values.dedup();
            if values.len() > 1 {
                out.push(value_axis(rows, baseline, &key, &base_axes));
            }
        }
    }
    let note = out.is_empty().then(|| {
        "This workload sweeps no axis besides the thread count (no reader/writer ratio, \
         theta, hot-fraction or batch sweep), so there is nothing to show here."
            .to_string()
    });
    Sweeps { axes: out, note }
}

type AxisFn = Box<dyn Fn(&[SummaryRow], Option<&[SummaryRow]>) -> SweepAxis>;

/// The reader-share axis, when some thread count was run with several splits.
fn ratio_axis(rs: &[&SummaryRow], base: &[(String, String)]) -> Option<AxisFn> {
    let same_other = |r: &&&SummaryRow| axes(&r.label) == base;
    let mut best: Option<(usize, usize, bool)> = None; // (threads, splits, oversubscribed)
    for r in rs.iter().filter(same_other) {
        let t = r.readers + r.writers;
        let mut splits: Vec<(usize, usize)> = rs
            .iter()
            .filter(same_other)
            .filter(|x| x.readers + x.writers == t)
            .map(|x| (x.readers, x.writers))
            .collect();
        splits.sort();
        splits.dedup();
        let cand = (t, splits.len(), r.oversubscribed);
        if splits.len() > 1
            && best.is_none_or(|b| (b.2 && !cand.2) || (b.2 == cand.2 && cand.0 > b.0))
        {
            best = Some(cand);
        }
    }
    let (threads, _, _) = best?;
    let base = base.to_vec();
    Some(Box::new(move |rows, baseline| {
        let series = |rows: &[SummaryRow]| {
            collect(rows, |r| {
                (r.readers + r.writers == threads && axes(&r.label) == base)
                    .then(|| 100.0 * r.readers as f64 / threads as f64)
            })
        };
        SweepAxis {
            axis: "reader share (%)".into(),
            fixed: format!("{threads} threads {}", join(&base)),
            current: series(rows),
            baseline: baseline.map(series).unwrap_or_default(),
        }
    }))
}

/// An axis such as theta: other axes at their first value, the largest non-oversubscribed split.
fn value_axis(
    rows: &[SummaryRow],
    baseline: Option<&[SummaryRow]>,
    key: &str,
    base: &[(String, String)],
) -> SweepAxis {
    let others = |label: &str| -> Vec<(String, String)> {
        axes(label).into_iter().filter(|(k, _)| k != key).collect()
    };
    let fixed_others: Vec<(String, String)> =
        base.iter().filter(|(k, _)| k != key).cloned().collect();
    let candidates: Vec<&SummaryRow> = measured(rows)
        .into_iter()
        .filter(|r| others(&r.label) == fixed_others)
        .collect();
    let split = candidates
        .iter()
        .filter(|r| !r.oversubscribed)
        .chain(candidates.iter())
        .max_by_key(|r| (!r.oversubscribed, r.readers + r.writers))
        .map(|r| (r.readers, r.writers))
        .unwrap_or_default();
    let series = |rows: &[SummaryRow]| {
        collect(rows, |r| {
            ((r.readers, r.writers) == split && others(&r.label) == fixed_others)
                .then(|| axes(&r.label).into_iter().find(|(k, _)| k == key))
                .flatten()
                .and_then(|(_, v)| v.parse::<f64>().ok())
        })
    };
    SweepAxis {
        axis: key.to_string(),
        fixed: format!("r={} w={} {}", split.0, split.1, join(&fixed_others))
            .trim()
            .to_string(),
        current: series(rows),
        baseline: baseline.map(series).unwrap_or_default(),
    }
}

/// Per backend, (x, median total ops/s) of the rows `x_of` selects, sorted by x.
fn collect(rows: &[SummaryRow], x_of: impl Fn(&SummaryRow) -> Option<f64>) -> Vec<SweepSeries> {
    let mut out: Vec<SweepSeries> = Vec::new();
    for r in measured(rows) {
        let Some(x) = x_of(r) else { continue };
        let y = r.total_ops_per_s.median;
        match out.iter_mut().find(|s| s.backend == r.backend) {
            Some(s) => s.points.push((x, y)),
            None => out.push(SweepSeries {
                backend: r.backend.clone(),
                points: vec![(x, y)],
            }),
        }
    }
    for s in &mut out {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

fn join(kv: &[(String, String)]) -> String {
    kv.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}
