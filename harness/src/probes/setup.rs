//! What every probe of a point shares: the write plan, the checked regions, and the `started` /
//! `acked` watermarks through which writers tell readers what may and what must be visible.

use std::sync::atomic::{AtomicU64, Ordering};

use checker::Plan;

/// Checked keys a reader reads per partition per snapshot (and re-reads at its end).
pub const KEYS_PER_PARTITION: u32 = 4;
/// A reader scans one partition's checked region every this-many snapshots.
pub const SCAN_EVERY: u64 = 8;

#[repr(align(64))]
struct Padded(AtomicU64);

/// The per-partition `started` / `acked` watermarks, one cache line each.
pub struct Watermarks {
    started: Vec<Padded>,
    acked: Vec<Padded>,
}

impl Watermarks {
    pub fn new(partitions: usize) -> Self {
        let z = || (0..partitions).map(|_| Padded(AtomicU64::new(0))).collect();
        Watermarks {
            started: z(),
            acked: z(),
        }
    }
    /// Batch `b` of `p` may become visible from now on. Release: pairs with the Acquire in
    /// [`load_started`](Self::load_started), so a reader that sees a batch's effects and then
    /// loads `started` cannot miss this store.
    pub fn start(&self, p: usize, b: u64) {
        self.started[p].0.store(b, Ordering::Release);
    }
    /// Batch `b` of `p` was acknowledged (its commit returned). Release: a reader whose Acquire
    /// load sees `b` happens after the commit returned, so its next snapshot must contain it.
    pub fn ack(&self, p: usize, b: u64) {
        self.acked[p].0.store(b, Ordering::Release);
    }
    /// Every `acked[p]` (Acquire; see [`ack`](Self::ack)).
    pub fn load_acked(&self, out: &mut [u64]) {
        for (o, a) in out.iter_mut().zip(&self.acked) {
            *o = a.0.load(Ordering::Acquire);
        }
    }
    /// Every `started[p]` (Acquire; see [`start`](Self::start)).
    pub fn load_started(&self, out: &mut [u64]) {
        for (o, a) in out.iter_mut().zip(&self.started) {
            *o = a.0.load(Ordering::Acquire);
        }
    }
}

/// What every probe of a point shares (read-only).
#[derive(Clone, Copy)]
pub struct Setup<'a> {
    pub plan: &'a Plan,
    pub marks: &'a Watermarks,
    /// Writer `p`'s checked region (`<root>c/…`, `<root>marker`).
    pub roots: &'a [Vec<u8>],
    /// The backend has prefix scans (readers scan checked regions).
    pub scans: bool,
    /// The backend's rollback really discards (writers stage aborted attempts).
    pub rollback: bool,
    /// Keep events for `--history`.
    pub history: bool,
    /// Cuts each reader keeps for the fork check ([`super::check::MAX_CUTS`] in runs).
    pub cut_log: usize,
}

impl Setup<'_> {
    /// Whether a workload `delete_prefix(prefix)` would touch a checked region (it is skipped:
    /// the checker owns those keys).
    pub fn protects(&self, prefix: &[u8]) -> bool {
        self.roots.iter().any(|r| {
            let c = Plan::checked_prefix(r);
            let m = Plan::marker_key(r);
            c.starts_with(prefix) || prefix.starts_with(&c) || m.starts_with(prefix)
        })
    }
}
