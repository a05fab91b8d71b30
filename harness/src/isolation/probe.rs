//! The checker at run time: what writer and reader threads do around the workload's own commits
//! and snapshots (isolation-checking.md, "A sound, linear-time runtime checker").
//!
//! - A writer's commit also stages the plan's batch `b` for its partition and the marker; it
//!   stores `started[p] = b` (Release) before staging and `acked[p] = b` (Release) after the
//!   commit returned. After some commits it stages an *aborted* attempt and rolls it back.
//! - A reader, around each workload snapshot: loads every `acked` (Acquire) → the snapshot →
//!   reads every partition's marker, a few checked keys, sometimes a scan of a checked region →
//!   (at the next snapshot) re-reads the markers and keys → loads every `started` (Acquire).
//!
//! All state is per thread (no shared lock); nothing here is timed with the workload's ops.

use std::sync::atomic::{AtomicU64, Ordering};

use super::{
    check::ReaderCheck,
    history::{Event, Read, MAX_EVENTS_PER_THREAD, SAMPLE_EVERY, SAMPLE_FIRST},
    plan::{mix, Plan, Write},
};
use crate::backends::{ReadHandle, WriteHandle};

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

/// A staged, not yet acknowledged batch: (chain after it, its writes, its marker).
type Pending = (u64, Vec<(u32, Option<u64>)>, u64);

/// A writer thread's probe.
pub struct WriterProbe<'a> {
    s: Setup<'a>,
    p: usize,
    next: u64,
    chain: u64,
    marker_key: Vec<u8>,
    buf: Vec<u8>,
    /// Staged this commit: (chain after it, writes, marker), or `None` if staging was refused.
    pending: Option<Pending>,
    pub commits: u64,
    pub aborted: u64,
    pub history: Vec<Event>,
    pub truncated: bool,
}

impl<'a> WriterProbe<'a> {
    pub fn new(s: Setup<'a>, p: usize) -> Self {
        WriterProbe {
            s,
            p,
            next: 1,
            chain: s.plan.chain_start(p),
            marker_key: Plan::marker_key(&s.roots[p]),
            buf: Vec::new(),
            pending: None,
            commits: 0,
            aborted: 0,
            history: Vec::new(),
            truncated: false,
        }
    }

    /// What this probe shares with the point's others.
    pub fn setup(&self) -> &Setup<'a> {
        &self.s
    }

    /// The writer's partition index.
    pub fn partition(&self) -> usize {
        self.p
    }

    /// The last batch this writer had acknowledged.
    pub fn last_acked(&self) -> u64 {
        self.next - 1
    }

    fn stage<W: WriteHandle>(
        &mut self,
        w: &mut W,
        op: Write,
        log: Option<&mut Vec<(u32, Option<u64>)>>,
    ) -> bool {
        let root = &self.s.roots[self.p];
        let (k, r) = match op {
            Write::Put { k, value } => {
                Plan::key(root, k, &mut self.buf);
                (k, w.put(&self.buf, value).map(|_| Some(value)))
            }
            Write::Delete { k } => {
                Plan::key(root, k, &mut self.buf);
                (k, w.delete(&self.buf).map(|_| None))
            }
        };
        match (r, log) {
            (Ok(v), Some(log)) => {
                log.push((k, v));
                true
            }
            (r, _) => r.is_ok(),
        }
    }

    /// Before the workload's commit: `started[p] = b`, then stage batch `b` and its marker.
    pub fn before_commit<W: WriteHandle>(&mut self, w: &mut W) {
        let (p, b) = (self.p, self.next);
        self.s.marks.start(p, b);
        let mut log = self.s.history.then(Vec::new);
        let plan = self.s.plan;
        for op in plan.batch(p, b) {
            if !self.stage(w, op, log.as_mut()) {
                self.pending = None; // refused (no lease): this attempt publishes nothing
                return;
            }
        }
        let chain = plan.chain_step(p, self.chain, b);
        let marker = Plan::marker(b, chain);
        self.pending = w
            .put(&self.marker_key, marker)
            .is_ok()
            .then(|| (chain, log.unwrap_or_default(), marker));
    }

    /// The staged batch will never be committed (its writer panicked): it is attempted again.
    pub fn abandon(&mut self) {
        self.pending = None;
    }

    /// After the workload's commit returned (`ok`: it was not refused): `acked[p] = b`; sometimes
    /// an aborted attempt at the next batch, staged then rolled back.
    pub fn after_commit<W: WriteHandle>(&mut self, ok: bool, w: &mut W) {
        let Some((chain, writes, marker)) = self.pending.take() else {
            return;
        };
        if !ok {
            return; // not published: batch b is attempted again at the next commit
        }
        let (p, b) = (self.p, self.next);
        self.s.marks.ack(p, b);
        self.chain = chain;
        self.next += 1;
        self.commits += 1;
        if self.s.history {
            if self.history.len() < MAX_EVENTS_PER_THREAD {
                self.history.push(Event::Commit {
                    writer: p,
                    batch: b,
                    writes,
                    marker,
                });
            } else {
                self.truncated = true;
            }
        }
        if self.s.rollback && mix(self.s.plan.chain_start(p) ^ b).is_multiple_of(8) {
            let plan = self.s.plan;
            for op in plan.aborted(p, b + 1) {
                if !self.stage(w, op, None) {
                    break;
                }
            }
            w.rollback();
            self.aborted += 1;
        }
    }
}

/// A reader thread's probe.
pub struct ReaderProbe<'a> {
    s: Setup<'a>,
    id: usize,
    pub check: ReaderCheck<'a>,
    markers_keys: Vec<Vec<u8>>,
    acked: Vec<u64>,
    started: Vec<u64>,
    markers: Vec<Option<u64>>,
    picked: Vec<(usize, u32)>,
    rng: u64,
    buf: Vec<u8>,
    scan_buf: Vec<(Vec<u8>, u64)>,
    open: bool,
    n: u64,
    reads: Option<Vec<Read>>,
    pub history: Vec<Event>,
    pub truncated: bool,
}

impl<'a> ReaderProbe<'a> {
    pub fn new(s: Setup<'a>, id: usize) -> Self {
        let n = s.roots.len();
        ReaderProbe {
            s,
            id,
            check: ReaderCheck::new(s.plan, n).with_cut_log(s.cut_log),
            markers_keys: s.roots.iter().map(|r| Plan::marker_key(r)).collect(),
            acked: vec![0; n],
            started: vec![0; n],
            markers: vec![None; n],
            picked: Vec::new(),
            rng: mix(s.plan.chain_start(0) ^ (id as u64 + 1) << 17),
            buf: Vec::new(),
            scan_buf: Vec::new(),
            open: false,
            n: 0,
            reads: None,
            history: Vec::new(),
            truncated: false,
        }
    }

    /// The reader's index.
    pub fn id(&self) -> usize {
        self.id
    }

    fn log(&mut self, r: Read) {
        if let Some(reads) = self.reads.as_mut() {
            reads.push(r);
        }
    }

    /// Before the workload's snapshot op: finishes the previous snapshot, loads `acked`.
    pub fn before_snapshot<R: ReadHandle>(&mut self, r: &mut R) {
        self.finish(r);
        self.s.marks.load_acked(&mut self.acked);
    }

    /// After the snapshot op succeeded: markers, a few keys, sometimes a scan.
    pub fn after_snapshot<R: ReadHandle>(&mut self, r: &mut R) {
        let parts = self.s.roots.len();
        if parts == 0 {
            return;
        }
        self.n += 1;
        self.open = true;
        self.check.begin(&self.acked);
        let sample =
            self.s.history && (self.n <= SAMPLE_FIRST || self.n.is_multiple_of(SAMPLE_EVERY));
        self.reads = sample.then(Vec::new);
        for p in 0..parts {
            let Ok(v) = r.get(&self.markers_keys[p]) else {
                self.open = false; // the handle refused: nothing to check in this snapshot
                return;
            };
            self.markers[p] = v;
            self.check.marker(p, v);
            self.log(Read::Marker(p, v));
        }
        self.picked.clear();
        let keys = self.s.plan.keys();
        for p in 0..parts {
            for _ in 0..KEYS_PER_PARTITION.min(keys) {
                self.rng = mix(self.rng);
                let k = (self.rng % keys as u64) as u32;
                self.picked.push((p, k));
                Plan::key(&self.s.roots[p], k, &mut self.buf);
                if let Ok(v) = r.get(&self.buf) {
                    self.check.get(p, k, v);
                    self.log(Read::Get(p, k, v));
                }
            }
        }
        if self.s.scans && self.n.is_multiple_of(SCAN_EVERY) {
            let p = (self.n / SCAN_EVERY) as usize % parts;
            self.scan_buf.clear();
            let prefix = Plan::checked_prefix(&self.s.roots[p]);
            if r.scan_entries(&prefix, &mut self.scan_buf).is_ok() {
                let root = &self.s.roots[p];
                let got: Vec<(u32, u64)> = self
                    .scan_buf
                    .iter()
                    .filter_map(|(key, v)| Plan::key_index(root, key).map(|k| (k, *v)))
                    .collect();
                self.check.scan(p, &got);
                self.log(Read::Scan(p, got));
            }
        }
    }

    /// Ends the open snapshot (if any): re-reads markers and keys, loads `started`.
    pub fn finish<R: ReadHandle>(&mut self, r: &mut R) {
        if !std::mem::take(&mut self.open) {
            return;
        }
        for p in 0..self.s.roots.len() {
            if let Ok(v) = r.get(&self.markers_keys[p]) {
                self.check.reread_marker(p, self.markers[p], v);
                self.log(Read::Remarker(p, self.markers[p], v));
            }
        }
        for i in 0..self.picked.len() {
            let (p, k) = self.picked[i];
            Plan::key(&self.s.roots[p], k, &mut self.buf);
            if let Ok(v) = r.get(&self.buf) {
                self.check.get(p, k, v);
                self.log(Read::Get(p, k, v));
            }
        }
        self.s.marks.load_started(&mut self.started);
        self.check.end(&self.started);
        if let Some(reads) = self.reads.take() {
            if self.history.len() < MAX_EVENTS_PER_THREAD {
                self.history.push(Event::Snapshot {
                    reader: self.id,
                    index: self.n,
                    acked_before: self.acked.clone(),
                    started_after: self.started.clone(),
                    cut: self.check.cuts.last().cloned().unwrap_or_default(),
                    reads,
                });
            } else {
                self.truncated = true;
            }
        }
    }
}

/// Checks the final state after the writers joined: every partition's marker and every checked
/// key must be exactly the state after its last acknowledged batch. Returns the check and the
/// history event.
pub fn final_state<'a, R: ReadHandle>(
    s: Setup<'a>,
    r: &mut R,
    acked: &[u64],
) -> (ReaderCheck<'a>, Event) {
    let n = s.roots.len();
    let mut check = ReaderCheck::new(s.plan, n);
    let (mut markers, mut all) = (Vec::new(), Vec::new());
    let mut buf = Vec::new();
    // The final state's reads are checked reads, but not a reader's snapshot.
    if r.snapshot().is_ok() {
        for (p, root) in s.roots.iter().enumerate() {
            let marker = r.get(&Plan::marker_key(root)).ok().flatten();
            let keys: Vec<(u32, Option<u64>)> = (0..s.plan.keys())
                .map(|k| {
                    Plan::key(root, k, &mut buf);
                    (k, r.get(&buf).ok().flatten())
                })
                .collect();
            check.final_partition(p, acked[p], marker, &keys);
            markers.push(marker);
            all.push(keys);
        }
    }
    let ev = Event::Final {
        acked: acked.to_vec(),
        markers,
        keys: all,
    };
    (check, ev)
}
