//! One point's checker, end to end: a [`Probe`] per thread (the runner calls its hooks around
//! the workload's snapshot and commit ops), then [`conclude`] merges the per-thread outputs with
//! the checks after the run (forked cuts, final state) into the point's `results::Checked`.

use workloads::OpKind;

use results::{Checked, Sample};

use checker::{check::SAMPLES, forked_cuts, history::Event, Class, Counts, Violation};

use super::{reader::ReaderProbe, setup::Setup, writer::WriterProbe};
use crate::backends::{ReadHandle, WriteHandle};

/// A thread's probe (or none, when the checker is off).
pub enum Probe<'a> {
    Off,
    Reader(Box<ReaderProbe<'a>>),
    Writer(Box<WriterProbe<'a>>),
    /// A writer that also takes snapshots and reads (a YCSB client): its commits are staged as
    /// a writer's, its snapshots checked as a reader's.
    Both(Box<WriterProbe<'a>>, Box<ReaderProbe<'a>>),
}

impl Probe<'_> {
    /// Whether the checker does nothing on this thread.
    pub fn is_off(&self) -> bool {
        matches!(self, Probe::Off)
    }

    /// Whether the workload's `delete_prefix(prefix)` must be skipped (it would remove checked
    /// keys); counts it.
    #[inline]
    pub fn protects(&mut self, prefix: &[u8]) -> bool {
        match self {
            Probe::Writer(w) | Probe::Both(w, _) => w.protects(prefix),
            _ => false,
        }
    }

    /// Before the workload's op of `kind` (untimed).
    #[inline]
    pub fn before<R: ReadHandle, W: WriteHandle>(
        &mut self,
        kind: OpKind,
        r: &mut R,
        w: Option<&mut W>,
    ) {
        match (self, kind, w) {
            (Probe::Reader(p) | Probe::Both(_, p), OpKind::Snapshot, _) => p.before_snapshot(r),
            (Probe::Writer(p) | Probe::Both(p, _), OpKind::Commit, Some(w)) => p.before_commit(w),
            _ => {}
        }
    }

    /// After the workload's op of `kind` returned (`ok`: not refused) (untimed).
    #[inline]
    pub fn after<R: ReadHandle, W: WriteHandle>(
        &mut self,
        kind: OpKind,
        ok: bool,
        r: &mut R,
        w: Option<&mut W>,
    ) {
        match (self, kind, w) {
            (Probe::Reader(p) | Probe::Both(_, p), OpKind::Snapshot, _) if ok => {
                p.after_snapshot(r)
            }
            (Probe::Writer(p) | Probe::Both(p, _), OpKind::Commit, Some(w)) => {
                p.after_commit(ok, w)
            }
            _ => {}
        }
    }

    /// At the end of the thread: closes the open snapshot, hands the results over.
    pub fn finish<R: ReadHandle>(self, r: &mut R) -> ProbeOut {
        match self {
            Probe::Off => ProbeOut::default(),
            Probe::Reader(p) => reader_out(*p, r),
            Probe::Writer(p) => writer_out(*p),
            Probe::Both(w, rp) => {
                let mut out = writer_out(*w);
                let mut reads = reader_out(*rp, r);
                out.source = format!("{} and {}", out.source, reads.source);
                out.counts = reads.counts;
                out.samples = reads.samples;
                out.cuts = reads.cuts;
                out.history.append(&mut reads.history);
                out.truncated |= reads.truncated;
                out
            }
        }
    }
}

fn reader_out<R: ReadHandle>(mut p: ReaderProbe<'_>, r: &mut R) -> ProbeOut {
    p.finish(r);
    ProbeOut {
        source: format!("reader {}", p.id()),
        counts: p.check.counts,
        samples: p.check.samples,
        cuts: p.check.cuts,
        history: p.history,
        truncated: p.truncated,
        ..Default::default()
    }
}

fn writer_out(p: WriterProbe<'_>) -> ProbeOut {
    ProbeOut {
        source: format!("writer {}", p.partition()),
        commits: p.commits,
        aborted: p.aborted,
        last_acked: Some((p.partition(), p.last_acked())),
        skipped_deletes: p.skipped_deletes,
        truncated: p.truncated,
        history: p.history,
        ..Default::default()
    }
}

/// What one thread's probe hands back after the run.
#[derive(Default)]
pub struct ProbeOut {
    pub source: String,
    pub counts: Counts,
    pub samples: Vec<Violation>,
    pub cuts: Vec<Vec<u64>>,
    pub history: Vec<Event>,
    pub commits: u64,
    pub aborted: u64,
    /// A writer's (partition, last acknowledged batch).
    pub last_acked: Option<(usize, u64)>,
    pub skipped_deletes: u64,
    pub truncated: bool,
}

/// The point's findings from every thread's output and the final-state check (`fin`: its
/// counts and samples), plus the history events (commits, snapshots, final) in thread order.
/// The verdict is left to [`Checked::conclude`], which knows the point's threads.
pub fn conclude(
    setup: &Setup<'_>,
    seed: u64,
    outs: &mut [ProbeOut],
    fin: (Counts, Vec<Violation>, Event),
) -> (Checked, Vec<Event>, bool) {
    let mut counts = Counts::default();
    let mut samples = Vec::new();
    let (mut commits, mut aborted, mut skipped, mut truncated) = (0, 0, 0, false);
    for o in outs.iter() {
        counts.merge(&o.counts);
        samples.extend(o.samples.iter().map(|v| Sample {
            source: o.source.clone(),
            violation: v.clone(),
        }));
        commits += o.commits;
        aborted += o.aborted;
        skipped += o.skipped_deletes;
        truncated |= o.truncated;
    }
    let forks = forked_cuts(outs.iter().flat_map(|o| o.cuts.iter().map(Vec::as_slice)));
    counts.add(Class::ForkedCuts, forks);
    let (fin_counts, fin_samples, fin_event) = fin;
    counts.merge(&fin_counts);
    samples.extend(fin_samples.into_iter().map(|v| Sample {
        source: "final state".into(),
        violation: v,
    }));
    samples.truncate(SAMPLES);
    let checked = Checked {
        seed,
        partitions: setup.roots.len(),
        counts,
        commits,
        aborted_attempts: aborted,
        skipped_deletes: skipped,
        not_exercised: None,
        verdict: Default::default(),
        samples,
    };
    let mut history: Vec<Event> = Vec::new();
    if setup.history {
        for o in outs.iter_mut() {
            history.append(&mut o.history);
        }
        history.push(fin_event);
    }
    (checked, history, truncated)
}
