//! Latency percentiles per backend and operation class at its representative point (medians over
//! repetitions of each percentile).

use results::{Axes, LatencySummary, Measurement, OpClass, Results, Variant};
use serde::Serialize;

use crate::{rows::Row, scaling::representative, stats::median};

/// Percentiles of one operation class of one backend.
#[derive(Debug, Clone, Serialize)]
pub struct Spectrum {
    pub backend: String,
    pub axes: Axes,
    /// An operation class (`get`, `commit`, …), or `reads` / `writer ops` for a role's
    /// operations together.
    pub class: String,
    /// Operations behind the percentiles, summed over repetitions.
    pub count: u64,
    /// (name, ns): p50, p90, p99, p99.9, max.
    pub quantiles: Vec<(String, f64)>,
}

/// Names of the percentiles, in order.
pub const QUANTILES: [&str; 5] = ["p50", "p90", "p99", "p99.9", "max"];

/// Every backend's spectra, the role aggregates first.
pub fn spectra(r: &Results, rows: &[Row]) -> Vec<Spectrum> {
    let mut out = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for row in rows {
        if done.contains(&row.backend.as_str()) {
            continue;
        }
        done.push(&row.backend);
        let Some(rep) = representative(rows, &row.backend) else {
            continue;
        };
        let ms: Vec<&Measurement> = r
            .points
            .iter()
            .filter(|p| p.backend == rep.backend && p.axes == rep.axes)
            .filter(|p| p.variant == Variant::Sweep)
            .filter_map(|p| p.measured())
            .collect();
        type Get = fn(&Measurement) -> Option<&LatencySummary>;
        let roles: [(&str, Get); 2] = [
            ("reads", |m| m.readers.latency_ns.as_ref()),
            ("writer ops", |m| m.writers.latency_ns.as_ref()),
        ];
        let classes = OpClass::ALL.iter().map(|c| (c.name(), *c));
        let mut push = |class: &str, ls: Vec<&LatencySummary>| {
            let count: u64 = ls.iter().map(|l| l.count).sum();
            if count == 0 {
                return;
            }
            let med = |f: fn(&LatencySummary) -> u64| {
                median(&ls.iter().map(|l| f(l) as f64).collect::<Vec<_>>()).unwrap_or(0.0)
            };
            let values = [
                med(|l| l.p50),
                med(|l| l.p90),
                med(|l| l.p99),
                med(|l| l.p999),
                med(|l| l.max),
            ];
            out.push(Spectrum {
                backend: rep.backend.clone(),
                axes: rep.axes.clone(),
                class: class.to_string(),
                count,
                quantiles: QUANTILES
                    .iter()
                    .map(|q| q.to_string())
                    .zip(values)
                    .collect(),
            });
        };
        for (name, get) in roles {
            push(name, ms.iter().filter_map(|m| get(m)).collect());
        }
        for (name, class) in classes {
            push(
                name,
                ms.iter().filter_map(|m| m.latency_ns.get(&class)).collect(),
            );
        }
    }
    out
}
