//! The read tail with writers committing against the same readers alone (the readers-only
//! companion of a point): how much writers cost readers.

use results::{Axes, Variant};
use serde::Serialize;

use crate::rows::{timed_apart, Row};

/// Read p99 of one backend at one point, with and without its writers.
#[derive(Debug, Clone, Serialize)]
pub struct WriterImpact {
    pub backend: String,
    pub axes: Axes,
    pub with_writers_p99_ns: f64,
    pub readers_only_p99_ns: f64,
    /// with / without (1: writers do not hurt the read tail).
    pub ratio: f64,
}

/// Every point with writers that has a readers-only companion.
pub fn writer_impact(rows: &[Row]) -> Vec<WriterImpact> {
    rows.iter()
        .filter(|r| r.variant == Variant::Sweep && r.axes.writers > 0)
        .filter_map(|r| {
            let alone = rows.iter().find(|c| {
                c.backend == r.backend && c.axes == r.axes && c.variant == Variant::ReadersOnly
            })?;
            let (with, without) = (r.read_p99_ns?.median, alone.read_p99_ns?.median);
            // A batch mean is not a tail: only tails timed alike are set side by side.
            let alike = timed_apart(r, alone).is_none();
            (alike && with > 0.0 && without > 0.0).then(|| WriterImpact {
                backend: r.backend.clone(),
                axes: r.axes.clone(),
                with_writers_p99_ns: with,
                readers_only_p99_ns: without,
                ratio: with / without,
            })
        })
        .collect()
}
