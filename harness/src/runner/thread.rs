//! One measuring thread, from its handles to its hand-back: handles and recorder before the
//! start line, warm-up (run, not recorded), the window, then the unfinished batch rolled back and
//! the checker's probe closed.

use workloads::{OpSource, OpStream, Pacing, Role};

use super::{
    hot_loop::{Loop, Stretch},
    reader_source, OpTimingMode, PointPlan, StartLine, ThreadOut, Timing, Window, N_KINDS,
};
use crate::{
    backends::{Backend, BackendRole, WriteHandle},
    metrics::ThreadRecorder,
    pacing::{Pace, Pacer},
    probes::Probe,
};

/// Which thread this is.
#[derive(Clone, Copy)]
pub(super) struct Seat {
    pub role: Role,
    /// The thread's index within its role.
    pub index: usize,
    /// Timeline slots to record.
    pub intervals: usize,
}

impl Seat {
    /// Thread `t` of a point: readers first, then writers.
    pub fn of(plan: &PointPlan, t: usize, intervals: usize) -> Seat {
        let (role, index) = if t < plan.readers {
            (Role::Reader, t)
        } else {
            (Role::Writer, t - plan.readers)
        };
        Seat {
            role,
            index,
            intervals,
        }
    }

    /// The thread's name, as a debugger or `top -H` shows it.
    pub fn name(&self) -> String {
        match self.role {
            Role::Reader => format!("reader-{}", self.index),
            Role::Writer => format!("writer-{}", self.index),
        }
    }
}

/// Everything one thread runs with.
pub(super) struct Job<'a, B> {
    pub backend: &'a B,
    pub plan: &'a PointPlan,
    pub timing: &'a Timing<'a>,
    pub start: &'a StartLine,
    pub seat: Seat,
}

impl<B: Backend> Job<'_, B> {
    /// Runs the thread; returns its records.
    pub fn run(self, mut probe: Probe<'_>) -> ThreadOut {
        let (plan, seat, timing) = (self.plan, self.seat, self.timing);
        let mut writer = None;
        let mut stream = match seat.role {
            Role::Reader => reader_source(&plan.spec, seat.index, plan.stream_writers, plan.tape),
            Role::Writer => {
                let s = OpStream::new(&plan.spec, seat.role, seat.index, plan.stream_writers);
                writer = Some(
                    self.backend
                        .writer(s.partition(), plan.spec.overlapping_partitions()),
                );
                OpSource::Live(s)
            }
        };
        let mut reader = self.backend.reader();
        let mut rec = ThreadRecorder::new(N_KINDS, seat.intervals);
        let pace = pace(plan, seat.role, timing);
        let origin = self.start.wait();
        let window_start = origin + timing.warmup;
        let mut run = Loop {
            stream: &mut stream,
            reader: &mut reader,
            writer: writer.as_mut(),
            rec: &mut rec,
            probe: &mut probe,
            timing,
        };
        let warmup = Stretch {
            end: window_start,
            budget: u64::MAX,
            boundary: u64::MAX,
        };
        // Warm-up runs the window's loop timed per op, recording; what it recorded is dropped.
        let warm = run.run(&mut Pacer::new(pace, origin), warmup);
        run.rec.reset();
        let warmup_s = timing.seconds(warm.end.saturating_sub(origin));
        let free = run.probe.is_off() && matches!(pace, Pace::Closed);
        let floor = B::INFO.role == BackendRole::Floor;
        let batched = batches(plan.timing, free, floor);
        let (end, budget) = match timing.window {
            Window::Time(d) => (window_start + timing.ticks.of(d), u64::MAX),
            Window::Ops(n) => (u64::MAX, n),
        };
        let window = Stretch {
            end,
            budget,
            boundary: window_start + timing.interval,
        };
        let last = if batched {
            run.run_batched(window)
        } else {
            let mut pacer = Pacer::new(pace, window_start.max(timing.clock.raw()));
            run.run(&mut pacer, window)
        };
        if let Some(w) = writer.as_mut() {
            w.rollback(); // an unfinished batch is not published
        }
        ThreadOut {
            role: seat.role,
            rec,
            active_ticks: last.end.saturating_sub(window_start),
            batched,
            warmup_ops: warm.ops,
            warmup_s,
            tape_reads: stream.tape_reads(),
            cpu: None,
            probe: probe.finish(&mut reader),
        }
    }
}

/// Whether a thread times its window in batches: never with the checker running on it or a
/// paced loop (`free` false); else as `mode` says, `Auto` for the floor backend alone.
fn batches(mode: OpTimingMode, free: bool, floor: bool) -> bool {
    free && match mode {
        OpTimingMode::PerOp => false,
        OpTimingMode::Batched => true,
        OpTimingMode::Auto => floor,
    }
}

/// How a thread of `role` paces its units: open loop at the workload's target rate, a capped
/// closed loop for writers with a rate limit, else closed.
fn pace(plan: &PointPlan, role: Role, timing: &Timing<'_>) -> Pace {
    let period = |per_second: f64| timing.ticks.of_ns(1e9 / per_second);
    match (role, plan.spec.pacing(role), plan.spec.writer_rate_limit()) {
        (_, Pacing::Open { per_second }, _) if per_second > 0.0 => Pace::Open {
            period: period(per_second),
        },
        (Role::Writer, _, Some(r)) if r > 0.0 => Pace::Capped { period: period(r) },
        _ => Pace::Closed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_only_where_the_checker_is_off_the_loop_closed_and_the_mode_says_so() {
        assert!(batches(OpTimingMode::Auto, true, true), "the floor");
        assert!(!batches(OpTimingMode::Auto, true, false), "a store");
        assert!(batches(OpTimingMode::Batched, true, false));
        assert!(!batches(OpTimingMode::PerOp, true, true));
        for mode in [
            OpTimingMode::Auto,
            OpTimingMode::Batched,
            OpTimingMode::PerOp,
        ] {
            for floor in [true, false] {
                assert!(!batches(mode, false, floor), "{mode:?} with the checker on");
            }
        }
    }
}
