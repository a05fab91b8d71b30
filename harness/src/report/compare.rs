//! Baseline comparison for the report: the gate's normalized verdicts plus the absolute
//! changes of every summary metric (absolute numbers from two runs are informational only).

use crate::gate::{self, GateOptions, Judgement};
use crate::results::{Results, Spread, SummaryRow};

use super::analyse::rows_of;
use super::model::{BaselineComparison, Delta};
use super::normalized::judge;

/// Compares `cur` against `base` with the gate's threshold `max_regression`.
pub fn comparison(base: &Results, cur: &Results, max_regression: f64) -> BaselineComparison {
    let opts = GateOptions {
        max_regression,
        ..GateOptions::default()
    };
    let (brows, crows) = (rows_of(base), rows_of(cur));
    type Get = fn(&SummaryRow) -> Spread;
    let metrics: [(&str, bool, Get); 5] = [
        ("total ops/s", true, |r| r.total_ops_per_s),
        ("read ops/s", true, |r| r.read_ops_per_s),
        ("write ops/s", true, |r| r.write_ops_per_s),
        ("read p99 (ns)", false, |r| r.read_p99_ns),
        ("commit p99 (ns)", false, |r| r.commit_p99_ns),
    ];
    let mut deltas = Vec::new();
    for c in crows.iter().filter(|r| r.skipped.is_none()) {
        let Some(b) = brows.iter().find(|b| {
            b.backend == c.backend
                && b.label == c.label
                && b.variant == c.variant
                && b.skipped.is_none()
        }) else {
            continue;
        };
        for (name, hib, f) in metrics {
            let (bs, cs) = (f(b), f(c));
            if bs.median <= 0.0 || cs.median <= 0.0 {
                continue;
            }
            let reps = b.repetitions.min(c.repetitions);
            deltas.push(Delta {
                backend: c.backend.clone(),
                label: if c.variant.is_empty() {
                    c.label.clone()
                } else {
                    format!("{} ({})", c.label, c.variant)
                },
                metric: name.into(),
                base: bs.median,
                current: cs.median,
                change: cs.median / bs.median - 1.0,
                regression: judge(&bs, &cs, reps, hib, &opts) == Judgement::Regressed,
            });
        }
    }
    BaselineComparison {
        gate: gate::gate(base, cur, &opts),
        deltas,
    }
}
