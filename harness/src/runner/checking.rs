//! The isolation checker's part of a point: whether it runs and on which regions, the setup its
//! probes share, and its conclusion once the threads joined (the final state, forked cuts).

use checker::{history::Event, Plan};
use results::{Isolation, NotChecked};
use workloads::{OpStream, Role};

use super::{thread::Seat, PointPlan, ThreadOut};
use crate::{
    backends::Backend,
    probes::{conclude, final_state, Probe, ProbeOut, ReaderProbe, Setup, Watermarks, WriterProbe},
};

/// What the checker of one point owns.
pub(super) struct Checking {
    /// Why it does not run, if it does not.
    off: Option<NotChecked>,
    plan: Plan,
    marks: Watermarks,
    /// Writer `w`'s checked region.
    pub roots: Vec<Vec<u8>>,
    scans: bool,
    rollback: bool,
    history: bool,
    /// Reader threads of the point: a writer that also reads checks its snapshots as reader
    /// `readers + its index`.
    readers: usize,
    /// Writers read too (`writers.mix.read` / `scan`, as YCSB clients): each writer's probe
    /// also checks the snapshots it takes.
    writers_read: bool,
}

/// The checker's findings at a point and its history events.
pub(super) struct Findings {
    pub isolation: Isolation,
    pub history: Vec<Event>,
    pub truncated: bool,
}

impl Checking {
    /// Prepares the checker of `plan` against backend `B`.
    pub fn prepare<B: Backend>(plan: &PointPlan) -> Checking {
        let off = why_not::<B>(plan);
        let roots = if off.is_none() {
            checked_roots(plan)
        } else {
            Vec::new()
        };
        Checking {
            off,
            plan: Plan::new(plan.spec.seed(), plan.spec.batch_size() as u32),
            marks: Watermarks::new(roots.len()),
            roots,
            scans: B::INFO.caps.prefix_scans,
            rollback: B::ROLLBACK,
            history: plan.history,
            readers: plan.readers,
            writers_read: {
                let m = &plan.spec.writers.mix;
                m.read + m.scan > 0.0
            },
        }
    }

    /// The setup every probe shares, or why there are no probes.
    pub fn setup(&self) -> Result<Setup<'_>, NotChecked> {
        match self.off {
            Some(reason) => Err(reason),
            None => Ok(Setup {
                plan: &self.plan,
                marks: &self.marks,
                roots: &self.roots,
                scans: self.scans,
                rollback: self.rollback,
                history: self.history,
                cut_log: checker::check::MAX_CUTS,
            }),
        }
    }

    /// The probe for the thread in `seat` (off when the point is not checked).
    pub fn probe(&self, seat: Seat) -> Probe<'_> {
        match (self.setup(), seat.role) {
            (Err(_), _) => Probe::Off,
            (Ok(s), Role::Reader) => Probe::Reader(Box::new(ReaderProbe::new(s, seat.index))),
            (Ok(s), Role::Writer) if self.writers_read => Probe::Both(
                Box::new(WriterProbe::new(s, seat.index)),
                Box::new(ReaderProbe::new(s, self.readers + seat.index)),
            ),
            (Ok(s), Role::Writer) => Probe::Writer(Box::new(WriterProbe::new(s, seat.index))),
        }
    }

    /// After the threads joined: the final state read through `backend`, the threads' probes
    /// merged, the verdict for the point's threads.
    pub fn conclude<B: Backend>(
        &self,
        backend: &B,
        plan: &PointPlan,
        threads: &mut [ThreadOut],
    ) -> Findings {
        let s = match self.setup() {
            Ok(s) => s,
            Err(reason) => {
                return Findings {
                    isolation: Isolation::NotChecked { reason },
                    history: Vec::new(),
                    truncated: false,
                }
            }
        };
        let mut acked = vec![0; self.roots.len()];
        for (p, b) in threads.iter().filter_map(|t| t.probe.last_acked) {
            acked[p] = b;
        }
        let (fin, event) = final_state(s, &mut backend.reader(), &acked);
        let mut outs: Vec<ProbeOut> = threads
            .iter_mut()
            .map(|t| std::mem::take(&mut t.probe))
            .collect();
        let (checked, history, truncated) = conclude(
            &s,
            plan.spec.seed(),
            &mut outs,
            (fin.counts, fin.samples, event),
        );
        Findings {
            isolation: Isolation::Checked(Box::new(checked.conclude(plan.readers, plan.writers))),
            history,
            truncated,
        }
    }
}

/// Why the checker does not run on this point, if it does not.
fn why_not<B: Backend>(plan: &PointPlan) -> Option<NotChecked> {
    if !plan.check {
        Some(NotChecked::Disabled)
    } else if !B::STORES {
        Some(NotChecked::StoresNothing)
    } else if plan.writers == 0 {
        Some(NotChecked::NoWriters)
    } else {
        None
    }
}

/// Writer `w`'s checked region: its partition, or (partitions shared by several writers)
/// `<partition>k<w>/`, so each checked region has exactly one writer.
fn checked_roots(plan: &PointPlan) -> Vec<Vec<u8>> {
    (0..plan.writers)
        .map(|w| {
            let s = OpStream::new(&plan.spec, Role::Writer, w, plan.stream_writers);
            let mut root = s.partition().to_vec();
            if plan.spec.overlapping_partitions() {
                root.extend_from_slice(format!("k{w}/").as_bytes());
            }
            root
        })
        .collect()
}
