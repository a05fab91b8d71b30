//! Within-run normalized metrics and their judgement (the core of [`crate::gate`]).
//!
//! Each metric is computed per repetition from two numbers of the same run and repetition, so
//! a machine that is slower today slows both and the ratio holds.

use crate::gate::{GateOptions, GateRow, Judgement};
use crate::results::{PointResult, Results, Spread};

use super::analyse::{other_axes, NULL};

/// Per-repetition values of one metric at one (backend, label).
struct Metric {
    name: String,
    backend: String,
    label: String,
    higher_is_better: bool,
    values: fn(&Results, &str, &str, Option<&str>) -> Vec<f64>,
}

fn point<'a>(r: &'a Results, b: &str, label: &str, rep: u32) -> Option<&'a PointResult> {
    r.points.iter().find(|p| {
        p.backend == b
            && p.label == label
            && p.repetition == rep
            && p.variant.is_empty()
            && p.skipped.is_none()
    })
}

fn measured<'a>(
    r: &'a Results,
    b: &'a str,
    label: &'a str,
) -> impl Iterator<Item = &'a PointResult> {
    r.points.iter().filter(move |p| {
        p.backend == b && p.label == label && p.variant.is_empty() && p.skipped.is_none()
    })
}

/// `f(subject) / f(reference)` per repetition, where both are positive.
fn ratio_to(
    r: &Results,
    b: &str,
    label: &str,
    reference: &str,
    f: impl Fn(&PointResult) -> f64,
) -> Vec<f64> {
    measured(r, b, label)
        .filter_map(|p| {
            let q = point(r, reference, label, p.repetition)?;
            let (x, y) = (f(p), f(q));
            (x > 0.0 && y > 0.0).then_some(x / y)
        })
        .collect()
}

fn p99(op: &'static str) -> impl Fn(&PointResult) -> f64 {
    move |p| p.latency_ns.get(op).map_or(0.0, |l| l.p99 as f64)
}

fn tput(r: &Results, b: &str, l: &str, rf: Option<&str>) -> Vec<f64> {
    ratio_to(r, b, l, rf.unwrap_or_default(), |p| {
        p.throughput.total_ops_per_s
    })
}

fn read_p99(r: &Results, b: &str, l: &str, rf: Option<&str>) -> Vec<f64> {
    ratio_to(r, b, l, rf.unwrap_or_default(), p99("read"))
}

fn commit_p99(r: &Results, b: &str, l: &str, rf: Option<&str>) -> Vec<f64> {
    ratio_to(r, b, l, rf.unwrap_or_default(), p99("commit"))
}

/// Throughput over the same backend's at its smallest thread count with the same other axes.
fn speedup(r: &Results, b: &str, label: &str, _: Option<&str>) -> Vec<f64> {
    let Some(base_label) = smallest(r, b, label) else {
        return Vec::new();
    };
    if base_label == label {
        return Vec::new();
    }
    measured(r, b, label)
        .filter_map(|p| {
            let q = point(r, b, &base_label, p.repetition)?;
            (q.throughput.total_ops_per_s > 0.0)
                .then(|| p.throughput.total_ops_per_s / q.throughput.total_ops_per_s)
        })
        .collect()
}

fn smallest(r: &Results, b: &str, label: &str) -> Option<String> {
    let axes = other_axes(label);
    r.points
        .iter()
        .filter(|p| {
            p.backend == b
                && p.variant.is_empty()
                && p.skipped.is_none()
                && other_axes(&p.label) == axes
        })
        .min_by_key(|p| p.readers + p.writers)
        .map(|p| p.label.clone())
}

/// Every metric of `cur` that `base` also has, judged.
pub fn rows(
    base: &Results,
    cur: &Results,
    reference: Option<&str>,
    opts: &GateOptions,
) -> Vec<GateRow> {
    let mut keys: Vec<(String, String)> = Vec::new();
    for p in cur
        .points
        .iter()
        .filter(|p| p.variant.is_empty() && p.skipped.is_none())
    {
        let k = (p.backend.clone(), p.label.clone());
        if p.backend != NULL && !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut metrics = Vec::new();
    for (b, l) in keys {
        let mk = |name: String, hib, values| Metric {
            name,
            backend: b.clone(),
            label: l.clone(),
            higher_is_better: hib,
            values,
        };
        if let Some(rf) = reference.filter(|rf| *rf != b) {
            metrics.push(mk(format!("throughput / {rf}"), true, tput));
            metrics.push(mk(format!("read p99 / {rf}"), false, read_p99));
            metrics.push(mk(format!("commit p99 / {rf}"), false, commit_p99));
        }
        metrics.push(mk("speedup vs fewest threads".into(), true, speedup));
    }
    metrics
        .into_iter()
        .filter_map(|m| {
            let bv = (m.values)(base, &m.backend, &m.label, reference);
            let cv = (m.values)(cur, &m.backend, &m.label, reference);
            if bv.is_empty() || cv.is_empty() {
                return None;
            }
            let (b, c) = (band(&bv), band(&cv));
            let change = c.median / b.median - 1.0;
            let judgement = judge(&b, &c, bv.len().min(cv.len()), m.higher_is_better, opts);
            Some(GateRow {
                metric: m.name,
                backend: m.backend,
                label: m.label,
                base: b,
                current: c,
                change,
                higher_is_better: m.higher_is_better,
                judgement,
            })
        })
        .collect()
}

/// Repetitions from which the noise band is a confidence interval rather than min..max.
pub const CI_MIN_REPS: usize = 6;

/// The median of `xs` and its noise band: with at least [`CI_MIN_REPS`] values, the
/// distribution-free ~95% confidence interval of the median (order statistics ranks
/// `n/2 ∓ 0.98·√n`); with fewer, min..max. Many short repetitions thus narrow the band, where
/// min..max would only widen it.
pub fn band(xs: &[f64]) -> Spread {
    let all = Spread::of(xs);
    let n = xs.len();
    if n < CI_MIN_REPS {
        return all;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let half = 0.98 * (n as f64).sqrt();
    let lo = ((n as f64 / 2.0 - half).floor() as usize).clamp(1, n) - 1;
    let hi = ((n as f64 / 2.0 + half + 1.0).ceil() as usize).clamp(1, n) - 1;
    Spread {
        median: all.median,
        min: v[lo],
        max: v[hi],
    }
}

/// The decision for one metric (see the method in [`crate::gate`]).
pub fn judge(
    b: &Spread,
    c: &Spread,
    reps: usize,
    higher_is_better: bool,
    o: &GateOptions,
) -> Judgement {
    let change = c.median / b.median - 1.0;
    if !change.is_finite() {
        return Judgement::TooNoisy;
    }
    if change.abs() <= o.max_regression {
        return Judgement::Unchanged;
    }
    let width = |s: &Spread| (s.max - s.min) / s.median.abs().max(f64::MIN_POSITIVE);
    if reps < 2 || width(b) > o.noisy_spread || width(c) > o.noisy_spread {
        return Judgement::TooNoisy;
    }
    if c.min <= b.max && b.min <= c.max {
        return Judgement::Noise;
    }
    if (change < 0.0) == higher_is_better {
        Judgement::Regressed
    } else {
        Judgement::Improved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(min: f64, median: f64, max: f64) -> Spread {
        Spread { median, min, max }
    }

    #[test]
    fn the_band_is_a_median_interval_once_there_are_enough_repetitions() {
        assert_eq!(band(&[3.0, 1.0, 2.0]), s(1.0, 2.0, 3.0));
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let b = band(&xs);
        assert_eq!((b.min, b.median, b.max), (40.0, 50.5, 61.0));
        // One wild outlier does not move it.
        let mut wild = xs.clone();
        wild[99] = 1e9;
        assert_eq!(band(&wild), b);
    }

    #[test]
    fn judgements() {
        let o = GateOptions::default();
        let b = s(0.95, 1.0, 1.05);
        assert_eq!(
            judge(&b, &s(0.96, 1.02, 1.04), 3, true, &o),
            Judgement::Unchanged
        );
        assert_eq!(
            judge(&b, &s(0.7, 0.8, 0.82), 3, true, &o),
            Judgement::Regressed
        );
        assert_eq!(
            judge(&b, &s(0.7, 0.8, 0.82), 3, false, &o),
            Judgement::Improved
        );
        assert_eq!(
            judge(&b, &s(0.7, 0.85, 0.97), 3, true, &o),
            Judgement::Noise
        );
        assert_eq!(
            judge(&b, &s(0.3, 0.8, 0.9), 3, true, &o),
            Judgement::TooNoisy
        );
        assert_eq!(
            judge(&b, &s(0.8, 0.8, 0.8), 1, true, &o),
            Judgement::TooNoisy
        );
    }
}
