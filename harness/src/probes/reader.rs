//! A reader thread's probe: around each of the workload's snapshots it loads the `acked`
//! watermarks, reads every partition's marker and a few checked keys (sometimes a scan), re-reads
//! them at the snapshot's end and loads `started` — and the final-state check after the run.

use checker::{
    history::{Event, Read, MAX_EVENTS_PER_THREAD, SAMPLE_EVERY, SAMPLE_FIRST},
    plan::{mix, Plan},
    ReaderCheck,
};

use super::setup::{Setup, KEYS_PER_PARTITION, SCAN_EVERY};
use crate::backends::ReadHandle;

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
                    cut: self.check.cut().to_vec(),
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
