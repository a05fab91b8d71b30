//! The hot loop of one measuring thread: next op → (pace) → time → execute → record. The isolation
//! checker's hooks run around the workload's snapshots and commits, outside the timed region.
//! [`Loop::run`] times every op alone; [`Loop::run_batched`] times [`BATCH_UNITS`] units at a
//! time, for ops so fast that two clock reads and a record per op would be most of what is
//! measured.

use std::hint::black_box;

use workloads::{Op, OpKind, OpSource};

use super::{kind_index, reader_source, Timing};
use crate::{
    backends::{ReadHandle, Refused, WriteHandle},
    metrics::{OpClass, Outcome, ThreadRecorder},
    pacing::{Origin, Pacer},
    probes::Probe,
};

/// One thread's state while it runs its stream.
pub(super) struct Loop<'t, 'p, R, W> {
    pub stream: &'t mut OpSource,
    pub reader: &'t mut R,
    pub writer: Option<&'t mut W>,
    pub rec: &'t mut ThreadRecorder,
    pub probe: &'t mut Probe<'p>,
    pub timing: &'t Timing<'t>,
}

/// Where a stretch of the loop stops, in clock ticks and ops.
pub(super) struct Stretch {
    /// The tick at which it ends (`u64::MAX`: never by time).
    pub end: u64,
    /// Ops it runs at most (`u64::MAX`: never by count).
    pub budget: u64,
    /// The first timeline interval boundary.
    pub boundary: u64,
}

/// What a stretch ran.
pub(super) struct Ran {
    /// The tick at which its last op (its last batch, when batched) ended.
    pub end: u64,
    /// The ops it executed, snapshots and refused ones included.
    pub ops: u64,
}

/// Units a batch of [`Loop::run_batched`] times at once: two clock reads per 64 units cost
/// under half a nanosecond per op here.
pub const BATCH_UNITS: u32 = 64;

impl<R: ReadHandle, W: WriteHandle> Loop<'_, '_, R, W> {
    /// Runs `stretch` paced by `pacer`, timing and recording every op alone.
    #[inline(never)]
    pub fn run(&mut self, pacer: &mut Pacer, stretch: Stretch) -> Ran {
        let clock = self.timing.clock;
        let mut boundary = stretch.boundary;
        let mut unit_start = true;
        let mut unit_origin = Origin::Now;
        let mut done = 0u64;
        let mut ops = 0u64;
        let mut now = clock.raw();
        while now < stretch.end && done < stretch.budget {
            // A unit due at or after the window's end never starts, and is not even drawn: its
            // ops stay in the stream for the next stretch (warm-up hands over to the window).
            if unit_start && !pacer.starts_before(stretch.end) {
                break;
            }
            let op = self.stream.next_op();
            let kind = op.kind();
            let skip = matches!(&op, Op::DeletePrefix { prefix } if self.probe.protects(prefix));
            // Untimed, and before the pacer's wait: in open loop the checker's work fits in the
            // slack before the intended start instead of counting against it.
            self.probe
                .before(kind, self.reader, self.writer.as_deref_mut());
            // Open loop: a unit's first op and the op that ends it count from the unit's
            // intended start (CO-corrected: a read after its snapshot, a commit after its
            // staged writes); ops between from their own start. `next_unit` cannot refuse a
            // unit `starts_before` let through; if it did, leaving is safe for the probes: a
            // unit never starts with a commit, and a reader's `before` only closed a snapshot.
            let origin = if unit_start {
                match pacer.next_unit(clock, self.timing.one_ms, stretch.end) {
                    Some(origin) => {
                        unit_origin = origin;
                        origin
                    }
                    None => break,
                }
            } else if ends_unit(kind) {
                unit_origin
            } else {
                Origin::Now
            };
            let t0 = origin.tick(clock);
            let ok = !skip && execute(&op, self.reader, self.writer.as_deref_mut()).is_ok();
            now = clock.raw();
            self.probe
                .after(kind, ok, self.reader, self.writer.as_deref_mut());
            unit_start = ends_unit(kind);
            while now >= boundary {
                self.rec.next_interval();
                boundary += self.timing.interval;
            }
            let outcome = match (ok, skip) {
                (true, _) => Outcome::Done(clock.delta_as_nanos(t0, now)),
                (false, true) => Outcome::SkippedByChecker,
                (false, false) => Outcome::Refused,
            };
            self.rec
                .outcome(OpClass::of(kind), kind_index(kind), outcome);
            done += unit_start as u64;
            ops += 1;
        }
        Ran { end: now, ops }
    }

    /// Runs `stretch` in closed loop, timing [`BATCH_UNITS`] units at a time: two clock reads
    /// per batch instead of two per op. Every op the batch completed is recorded at the batch's
    /// mean time per executed op, so counts and goodput stay exact while a latency is the mean
    /// of a batch's ops (of every kind in it, and of the loop between them), not one op's. The
    /// window's end and the timeline's boundaries are checked between batches. For a thread
    /// without the isolation checker (its per-op work would land inside the batches).
    #[inline(never)]
    pub fn run_batched(&mut self, stretch: Stretch) -> Ran {
        debug_assert!(self.probe.is_off(), "batched timing with the checker on");
        let clock = self.timing.clock;
        let mut boundary = stretch.boundary;
        let (mut done, mut ops) = (0u64, 0u64);
        let mut batch = Batch::default();
        let mut start = clock.raw();
        let mut now = start;
        while now < stretch.end && done < stretch.budget {
            let op = self.stream.next_op();
            let kind = op.kind();
            let ok = execute(&op, self.reader, self.writer.as_deref_mut()).is_ok();
            let class = OpClass::of(kind);
            let outcome = if ok {
                Outcome::Done(0)
            } else {
                Outcome::Refused
            };
            self.rec.tally(class, kind_index(kind), outcome);
            batch.done[class as usize] += ok as u64;
            batch.executed += 1;
            ops += 1;
            if ends_unit(kind) {
                done += 1;
                batch.units += 1;
                if batch.units == BATCH_UNITS {
                    now = clock.raw();
                    batch.record(self.rec, clock.delta_as_nanos(start, now));
                    start = now;
                    while now >= boundary {
                        self.rec.next_interval();
                        boundary += self.timing.interval;
                    }
                }
            }
        }
        if batch.executed > 0 {
            now = clock.raw();
            batch.record(self.rec, clock.delta_as_nanos(start, now));
        }
        Ran { end: now, ops }
    }
}

/// The ops of one batch of [`Loop::run_batched`] so far.
#[derive(Default)]
struct Batch {
    /// Completed ops per class.
    done: [u64; OpClass::ALL.len()],
    executed: u64,
    units: u32,
}

impl Batch {
    /// Records its completed ops at its mean time per executed op, and starts it over.
    #[inline]
    fn record(&mut self, rec: &mut ThreadRecorder, ns: u64) {
        let mean = ns / self.executed.max(1);
        rec.record_batch(&self.done, mean);
        *self = Batch::default();
    }
}

/// Whether an op of `kind` ends a unit: what a thread paces, times from its first op in open
/// loop, and counts against an op budget. A unit is one read (with the snapshot taken just
/// before it, if any) or one batch (its staged writes, a read-for-update among them, and the
/// commit that publishes them).
#[inline(always)]
fn ends_unit(kind: OpKind) -> bool {
    !matches!(
        kind,
        OpKind::Snapshot
            | OpKind::Put
            | OpKind::Delete
            | OpKind::DeletePrefix
            | OpKind::GetForUpdate
    )
}

/// Executes one op on the thread's handles. Write ops on a thread without a writer are refused.
/// Reads go through the read handle; a writer's `GetForUpdate` through its writer.
#[inline(always)]
fn execute<R: ReadHandle, W: WriteHandle>(
    op: &Op<'_>,
    r: &mut R,
    w: Option<&mut W>,
) -> Result<(), Refused> {
    match (op, w) {
        (Op::Snapshot, _) => r.snapshot(),
        (Op::GetForUpdate { key }, Some(w)) => w.get(key).map(|v| {
            black_box(v);
        }),
        (Op::Get { key } | Op::GetMiss { key } | Op::GetForUpdate { key }, _) => {
            r.get(key).map(|v| {
                black_box(v);
            })
        }
        (Op::Contains { key }, _) => r.contains(key).map(|v| {
            black_box(v);
        }),
        (Op::Scan { prefix, limit }, _) => r.scan(prefix, *limit).map(|v| {
            black_box(v);
        }),
        (Op::Count { prefix }, _) => r.count(prefix).map(|v| {
            black_box(v);
        }),
        (Op::Put { key, value }, Some(w)) => w.put(key, *value),
        (Op::Delete { key }, Some(w)) => w.delete(key),
        (Op::DeletePrefix { prefix }, Some(w)) => w.delete_prefix(prefix),
        (Op::Commit, Some(w)) => w.commit(),
        (Op::Put { .. } | Op::Delete { .. } | Op::DeletePrefix { .. } | Op::Commit, None) => {
            Err(Refused)
        }
    }
}

/// The hot loop alone, on the calling thread: a reader's ops of a workload against the `null`
/// backend, recorded as in a window (closed loop, no checker, no timeline boundary). What the
/// gate's instruction tier counts as the harness's own cost per op (`harness ops --count N
/// --kernel hot-loop`).
pub struct Bare {
    stream: OpSource,
    /// Reads per snapshot of the workload's readers.
    per_snapshot: u64,
    rec: ThreadRecorder,
    clock: quanta::Clock,
    ticks: crate::pacing::Ticks,
}

impl Bare {
    pub fn new(spec: &workloads::Spec) -> Bare {
        let clock = quanta::Clock::new();
        Bare {
            stream: reader_source(spec, 0, 1, true),
            per_snapshot: spec.ops_per_snapshot(),
            rec: ThreadRecorder::new(super::N_KINDS, 1),
            ticks: crate::pacing::Ticks::calibrate(&clock),
            clock,
        }
    }

    /// Runs `n` ops (snapshots included; to within one op); returns the ops recorded.
    pub fn run(&mut self, n: u64) -> u64 {
        // The loop's budget counts units, and a snapshot rides with the read after it: n ops
        // are n·k/(k+1) reads at k reads per snapshot.
        let k = self.per_snapshot as u128;
        let units = (n as u128 * k / (k + 1)) as u64;
        use crate::backends::{null::Null, Backend};
        let null = Null;
        let timing = Timing {
            clock: &self.clock,
            ticks: self.ticks,
            warmup: 0,
            interval: u64::MAX,
            one_ms: self.ticks.of(std::time::Duration::from_millis(1)).max(1),
            window: super::Window::Ops(units),
        };
        let mut reader = null.reader();
        let mut probe = Probe::Off;
        let mut run = Loop::<_, <Null as Backend>::Writer<'_>> {
            stream: &mut self.stream,
            reader: &mut reader,
            writer: None,
            rec: &mut self.rec,
            probe: &mut probe,
            timing: &timing,
        };
        let stretch = Stretch {
            end: u64::MAX,
            budget: units,
            boundary: u64::MAX,
        };
        let mut pacer = Pacer::new(crate::pacing::Pace::Closed, 0);
        run.run(&mut pacer, stretch);
        self.rec.count_where(|_| true)
    }
}
