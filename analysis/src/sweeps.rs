//! Goodput per role against every swept axis other than the thread count: the reader share (when
//! one thread count was run with several splits), θ, the hot fraction and the batch size. Each
//! axis is shown at one fixed setting of the others: the base values, and the largest thread
//! split that is not oversubscribed.

use results::{OtherAxes, Variant};
use serde::Serialize;

use crate::{flags::Role, rows::Row, scaling::base_others};

/// The sweeps section.
#[derive(Debug, Clone, Serialize)]
pub struct SweepSection {
    pub axes: Vec<SweepAxis>,
    /// Why the section is empty, when it is.
    pub note: Option<String>,
}

/// Goodput per role against one axis.
#[derive(Debug, Clone, Serialize)]
pub struct SweepAxis {
    /// "reader share (%)", "theta", "hot fraction", "batch size".
    pub axis: String,
    /// What was held fixed, e.g. "r=3 w=1" or "8 threads".
    pub fixed: String,
    pub reads: Vec<SweepSeries>,
    pub commits: Vec<SweepSeries>,
}

/// One backend along an axis: (axis value, median goodput).
#[derive(Debug, Clone, Serialize)]
pub struct SweepSeries {
    pub backend: String,
    pub points: Vec<(f64, f64)>,
}

#[derive(Clone, Copy)]
enum Axis {
    Theta,
    Hot,
    Batch,
}

impl Axis {
    fn name(self) -> &'static str {
        match self {
            Axis::Theta => "theta",
            Axis::Hot => "hot fraction",
            Axis::Batch => "batch size",
        }
    }

    fn value(self, o: &OtherAxes) -> Option<f64> {
        match self {
            Axis::Theta => o.theta,
            Axis::Hot => o.hot_fraction,
            Axis::Batch => o.batch_size.map(|b| b as f64),
        }
    }

    /// `o` with this axis cleared.
    fn without(self, o: &OtherAxes) -> OtherAxes {
        let mut o = o.clone();
        match self {
            Axis::Theta => o.theta = None,
            Axis::Hot => o.hot_fraction = None,
            Axis::Batch => o.batch_size = None,
        }
        o
    }
}

/// The sweeps section of `rows`.
pub fn section(rows: &[Row]) -> SweepSection {
    let measured: Vec<&Row> = rows
        .iter()
        .filter(|r| r.variant == Variant::Sweep && r.skipped.is_none())
        .collect();
    let mut axes = Vec::new();
    if let Some(base) = base_others(rows) {
        if let Some(a) = ratio_axis(&measured, &base) {
            axes.push(a);
        }
        for axis in [Axis::Theta, Axis::Hot, Axis::Batch] {
            let mut values: Vec<f64> = measured
                .iter()
                .filter_map(|r| axis.value(&r.axes.others()))
                .collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            if values.len() > 1 {
                axes.push(value_axis(&measured, &base, axis));
            }
        }
    }
    let note = axes.is_empty().then(|| {
        "This workload sweeps no axis besides the thread count (no reader/writer ratio, θ, hot \
         fraction or batch size), so there is nothing to show here."
            .to_string()
    });
    SweepSection { axes, note }
}

/// The reader-share axis: the thread count run with most splits at the base setting (not
/// oversubscribed first, then the largest).
fn ratio_axis(rows: &[&Row], base: &OtherAxes) -> Option<SweepAxis> {
    let clear_ratio = |o: &OtherAxes| OtherAxes {
        ratio: None,
        ..o.clone()
    };
    let at_base: Vec<&&Row> = rows
        .iter()
        .filter(|r| clear_ratio(&r.axes.others()) == clear_ratio(base))
        .collect();
    let splits = |t: usize| {
        let mut s: Vec<(usize, usize)> = at_base
            .iter()
            .filter(|r| r.axes.total() == t)
            .map(|r| (r.axes.readers, r.axes.writers))
            .collect();
        s.sort();
        s.dedup();
        s.len()
    };
    let (threads, _) = at_base
        .iter()
        .filter(|r| splits(r.axes.total()) > 1)
        .map(|r| (r.axes.total(), r.oversubscribed))
        .max_by_key(|(t, over)| (!over, *t))?;
    let pick = |role: Role| {
        collect(&at_base, role, |r| {
            (r.axes.total() == threads).then(|| 100.0 * r.axes.readers as f64 / threads as f64)
        })
    };
    Some(SweepAxis {
        axis: "reader share (%)".into(),
        fixed: format!("{threads} threads {}", clear_ratio(base).label())
            .trim()
            .to_string(),
        reads: pick(Role::Readers),
        commits: pick(Role::Writers),
    })
}

fn value_axis(rows: &[&Row], base: &OtherAxes, axis: Axis) -> SweepAxis {
    let fixed = axis.without(base);
    let candidates: Vec<&&Row> = rows
        .iter()
        .filter(|r| axis.without(&r.axes.others()) == fixed)
        .collect();
    let split = candidates
        .iter()
        .max_by_key(|r| (!r.oversubscribed, r.axes.total(), r.axes.readers))
        .map(|r| (r.axes.readers, r.axes.writers))
        .unwrap_or_default();
    let pick = |role: Role| {
        collect(&candidates, role, |r| {
            ((r.axes.readers, r.axes.writers) == split)
                .then(|| axis.value(&r.axes.others()))
                .flatten()
        })
    };
    SweepAxis {
        axis: axis.name().into(),
        fixed: format!("r={} w={} {}", split.0, split.1, fixed.label())
            .trim()
            .to_string(),
        reads: pick(Role::Readers),
        commits: pick(Role::Writers),
    }
}

/// Per backend, (x, median goodput of `role`) of the rows `x_of` selects, sorted by x.
fn collect(rows: &[&&Row], role: Role, x_of: impl Fn(&Row) -> Option<f64>) -> Vec<SweepSeries> {
    let mut out: Vec<SweepSeries> = Vec::new();
    for r in rows {
        let (Some(x), Some(y)) = (x_of(r), r.goodput(role)) else {
            continue;
        };
        match out.iter_mut().find(|s| s.backend == r.backend) {
            Some(s) => s.points.push((x, y.median)),
            None => out.push(SweepSeries {
                backend: r.backend.clone(),
                points: vec![(x, y.median)],
            }),
        }
    }
    for s in &mut out {
        s.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}
