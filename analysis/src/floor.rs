//! The harness's own cost per operation, measured on the floor backend (which does nothing):
//! op generation, dispatch, two clock reads and recording.

use results::{Axes, BackendRole};
use serde::Serialize;

use crate::rows::Row;

/// The floor at one point.
#[derive(Debug, Clone, Serialize)]
pub struct FloorRow {
    pub backend: String,
    pub axes: Axes,
    /// CPU time per operation per thread.
    pub ns_per_op: f64,
    /// Of which: generating the operation (measured apart).
    pub op_generation_ns: Option<f64>,
    /// p50 of the timed region around an operation that does nothing.
    pub timed_p50_ns: Option<f64>,
}

/// One row per measured point of a floor backend.
pub fn floor(rows: &[Row]) -> Vec<FloorRow> {
    rows.iter()
        .filter(|r| r.role == BackendRole::Floor && r.skipped.is_none())
        .filter_map(|r| {
            Some(FloorRow {
                backend: r.backend.clone(),
                axes: r.axes.clone(),
                ns_per_op: r.ns_per_op?,
                op_generation_ns: r.op_generation_ns,
                timed_p50_ns: r.timed_p50_ns,
            })
        })
        .collect()
}
