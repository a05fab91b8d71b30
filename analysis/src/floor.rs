//! The harness's own cost per operation, measured on the floor backend (which does nothing):
//! op generation, dispatch, timing and recording. A thread timing each op alone pays two clock
//! reads and a record per op; one timing in batches pays them once per batch. The floor's ops
//! are the fastest there are, so it is timed in batches where it may be; its warm-up, timed per
//! op, gives the floor of a thread that times each op, and a backend's share is taken against
//! the floor of the timing its threads used.

use results::{Axes, BackendRole, Variant};
use serde::Serialize;

use crate::{flags::Role, rows::Row};

/// The floor at one point.
#[derive(Debug, Clone, Serialize)]
pub struct FloorRow {
    pub backend: String,
    pub axes: Axes,
    /// CPU time per operation per thread, timed as the floor's window was.
    pub ns_per_op: f64,
    /// `batched_threads` of its `threads` timed the window in batches of `batch_units` units.
    pub batch_units: u32,
    pub batched_threads: usize,
    pub threads: usize,
    /// The floor of a thread timing each op alone: the window's when it was, else its warm-up's.
    pub per_op_ns: Option<f64>,
    /// Reads each reader replayed from its tape before repeating.
    pub tape_reads: Option<u64>,
    /// Of which: generating the operation (measured apart).
    pub op_generation_ns: Option<f64>,
    /// p50 of the timed region around an operation that does nothing.
    pub timed_p50_ns: Option<f64>,
    /// Every other backend measured at the same point: its own time per operation and the
    /// floor's share of it (how much of what it measures is the harness). Only at points where
    /// the two run the same mix of operations: one role, closed loop, and no backend refusing
    /// more than 1% of a role's operations.
    pub shares: Vec<FloorShare>,
}

/// The floor against one backend at one point.
#[derive(Debug, Clone, Serialize)]
pub struct FloorShare {
    pub backend: String,
    /// The backend's time per operation per thread: wall time × threads (up to the cores) ÷
    /// completed operations (median over repetitions).
    pub ns_per_op: f64,
    /// The floor it is compared with: the batched one for a backend whose threads were all
    /// timed in batches, else the per-op one.
    pub floor_ns: f64,
    /// Whether that is the batched floor.
    pub batched: bool,
    /// `floor_ns` over the backend's ns/op.
    pub share: f64,
}

impl FloorRow {
    /// Whether every thread of the floor timed its window in batches.
    pub fn batched(&self) -> bool {
        self.batched_threads > 0 && self.batched_threads == self.threads
    }
}

/// One row per measured point of a floor backend, with its share of every other backend's
/// per-op time at that point where the comparison is like for like (`closed_loop`: no role is
/// paced; one role only, since with two a slow role leaves the other's ops to dominate the
/// count; no refusals over 1%).
pub fn floor(rows: &[Row], closed_loop: bool) -> Vec<FloorRow> {
    rows.iter()
        .filter(|r| r.role == BackendRole::Floor && r.skipped.is_none())
        .filter_map(|r| {
            let ns_per_op = r.ns_per_op?;
            let threads = |o: &Row| o.threads(Role::Readers) + o.threads(Role::Writers);
            let batched = r.batched_threads > 0 && r.batched_threads == threads(r);
            let per_op_ns = if r.batched_threads == 0 {
                Some(ns_per_op)
            } else {
                r.warmup_ns_per_op
            };
            let one_role = r.axes.readers == 0 || r.axes.writers == 0;
            let refuses = |o: &Row| {
                [Role::Readers, Role::Writers]
                    .iter()
                    .any(|&role| o.refused_share(role).is_some_and(|s| s > 0.01))
            };
            let shares = rows
                .iter()
                .filter(|o| {
                    closed_loop
                        && one_role
                        && o.role != BackendRole::Floor
                        && o.axes == r.axes
                        && o.variant == r.variant
                        && o.variant == Variant::Sweep
                        && !refuses(o)
                })
                .filter_map(|o| {
                    let theirs = o.ns_per_op.filter(|n| *n > 0.0)?;
                    // Like with like: all of its threads batched, or none.
                    let (floor_ns, batched) = match o.batched_threads {
                        0 => (per_op_ns?, false),
                        n if n == threads(o) && batched => (ns_per_op, true),
                        _ => return None,
                    };
                    Some(FloorShare {
                        backend: o.backend.clone(),
                        ns_per_op: theirs,
                        floor_ns,
                        batched,
                        share: floor_ns / theirs,
                    })
                })
                .collect();
            Some(FloorRow {
                backend: r.backend.clone(),
                axes: r.axes.clone(),
                ns_per_op,
                batch_units: r.batch_units,
                batched_threads: r.batched_threads,
                threads: threads(r),
                per_op_ns,
                tape_reads: r.tape_reads,
                op_generation_ns: r.op_generation_ns,
                timed_p50_ns: r.timed_p50_ns,
                shares,
            })
        })
        .collect()
}
