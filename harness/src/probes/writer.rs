//! A writer thread's probe: around each of the workload's commits it stages the plan's next batch
//! and the marker in the writer's own partition, stores `started` before and `acked` after the
//! commit, and now and then stages an aborted attempt that must never be seen.

use checker::{
    history::{Event, MAX_EVENTS_PER_THREAD},
    plan::{mix, Plan, Write},
};

use super::setup::Setup;
use crate::backends::WriteHandle;

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
    /// Workload delete-prefix ops skipped because they would have removed checked keys.
    pub skipped_deletes: u64,
    pub history: Vec<Event>,
    pub truncated: bool,
}

impl<'a> WriterProbe<'a> {
    /// Whether the workload's `delete_prefix(prefix)` must be skipped (it would remove checked
    /// keys); counts it.
    pub fn protects(&mut self, prefix: &[u8]) -> bool {
        let protects = self.s.protects(prefix);
        self.skipped_deletes += protects as u64;
        protects
    }

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
            skipped_deletes: 0,
            history: Vec::new(),
            truncated: false,
        }
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
