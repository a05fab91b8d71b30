//! Per backend, the timeline of its representative point in its median repetition: goodput per
//! role and the tails over the window. Its counts are the point's counts, interval by interval,
//! so the timeline and the table agree by construction.

use results::{Axes, BackendRole, Interval, Results, Variant};
use serde::Serialize;

use crate::{rows::Row, scaling::representative};

/// One backend's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineSeries {
    pub backend: String,
    pub backend_role: BackendRole,
    pub axes: Axes,
    /// The repetition shown: the median one by goodput (reads, else commits).
    pub repetition: u32,
    pub intervals: Vec<Interval>,
}

/// One timeline per backend with a representative point.
pub fn timelines(r: &Results, rows: &[Row]) -> Vec<TimelineSeries> {
    let mut backends: Vec<&str> = Vec::new();
    for row in rows {
        if !backends.contains(&row.backend.as_str()) {
            backends.push(&row.backend);
        }
    }
    backends
        .into_iter()
        .filter_map(|b| {
            let rep = representative(rows, b)?;
            let mut ps: Vec<_> = r
                .points
                .iter()
                .filter(|p| p.backend == b && p.axes == rep.axes && p.variant == Variant::Sweep)
                .filter_map(|p| p.measured().map(|m| (p.repetition, m)))
                .collect();
            let goodput = |m: &results::Measurement| {
                if m.readers.threads > 0 {
                    m.reads_per_s()
                } else {
                    m.commits_per_s()
                }
            };
            ps.sort_by(|a, b| goodput(a.1).total_cmp(&goodput(b.1)));
            let (repetition, m) = ps.get(ps.len().checked_sub(1)? / 2)?;
            Some(TimelineSeries {
                backend: b.to_string(),
                backend_role: rep.role,
                axes: rep.axes.clone(),
                repetition: *repetition,
                intervals: m.timeline.clone(),
            })
        })
        .filter(|t| !t.intervals.is_empty())
        .collect()
}
