//! Runs one point: one backend, `readers` reader threads and `writers` writer threads executing
//! the workload's deterministic op streams. Prefill happens before (the caller opens the backend);
//! handles and recorders are created before the start line; warm-up is executed but not
//! recorded; the window is closed by time or by an op budget per thread. Each thread records into
//! its own [`ThreadRecorder`](crate::metrics::ThreadRecorder); they are merged after the threads
//! join (`crate::merge`).
//!
//! [`run_point`] orchestrates; [`thread`] is one measuring thread, [`hot_loop`] its loop,
//! [`checking`] the isolation checker's part of the point. May depend on: the backends, the
//! probes, metrics, pacing, pinning, the workloads, the checker and the results schema.

mod checking;
mod hot_loop;

pub(crate) use hot_loop::{Bare, BATCH_UNITS};
mod thread;

use std::{
    hint::black_box,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Barrier,
    },
    time::Duration,
};

use checker::history::Event;
use quanta::Clock;
use results::Isolation;
use workloads::{OpKind, OpSource, OpStream, Role, Spec, Tape};

use self::{
    checking::Checking,
    thread::{Job, Seat},
};
use crate::{
    backends::Backend,
    metrics::{rss_bytes, ThreadRecorder},
    pacing::Ticks,
    pinning,
    probes::ProbeOut,
};

/// How long the measured window lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    Time(Duration),
    /// Operations per thread.
    Ops(u64),
}

/// Everything a point needs besides the backend.
#[derive(Debug, Clone)]
pub struct PointPlan {
    /// The point's spec (sweep axes already applied).
    pub spec: Spec,
    pub readers: usize,
    /// Writer threads to run (0 for a readers-only companion).
    pub writers: usize,
    /// Writer count the op streams are generated for (the point's; keeps readers' keys the same
    /// in a readers-only companion).
    pub stream_writers: usize,
    pub warmup: Duration,
    pub window: Window,
    pub interval: Duration,
    pub pin: bool,
    /// How the window's ops are timed.
    pub timing: OpTimingMode,
    /// Readers replay a tape recorded before the window (else they generate live).
    pub tape: bool,
    /// Run the isolation checker (writers stage checkable batches, readers validate snapshots).
    pub check: bool,
    /// Keep the checker's events for `--history`.
    pub history: bool,
}

/// What one thread hands back.
pub struct ThreadOut {
    pub role: Role,
    pub rec: ThreadRecorder,
    /// Ticks from the window's start to this thread's last op.
    pub active_ticks: u64,
    /// Whether it timed its window in batches ([`Loop::run_batched`](hot_loop::Loop)).
    pub batched: bool,
    /// Ops it ran in its warm-up (timed per op), and the seconds they took.
    pub warmup_ops: u64,
    pub warmup_s: f64,
    /// Reads its tape held before repeating (readers); `None` for a live stream.
    pub tape_reads: Option<usize>,
    pub cpu: Option<usize>,
    /// The isolation checker's per-thread results.
    pub probe: ProbeOut,
}

/// The raw outcome of a point, before merging.
pub struct PointRun {
    pub threads: Vec<ThreadOut>,
    /// Seconds from the window's start until the last thread stopped.
    pub elapsed_s: f64,
    pub interval_s: f64,
    /// RSS sampled by the coordinator at the end of each interval.
    pub rss: Vec<u64>,
    /// The isolation checker's results, or why it did not run.
    pub isolation: Isolation,
    /// The checker's events for `--history` (empty unless asked for), and whether a thread's
    /// buffer overflowed.
    pub history: Vec<Event>,
    pub history_truncated: bool,
    /// The checked regions, one per writer (for the history header).
    pub checked_roots: Vec<Vec<u8>>,
    /// The store's version counters over the window (from its start to the last thread's end),
    /// where the store keeps them.
    pub store: Option<results::StoreCounters>,
}

/// Number of workload op kinds (the length of `op_counts`).
pub const N_KINDS: usize = OpKind::ALL.len();

/// Index of `kind` in [`OpKind::ALL`] (the position in `op_counts`): its discriminant, since
/// `ALL` lists the kinds in declaration order (a test holds it).
#[inline(always)]
pub fn kind_index(kind: OpKind) -> usize {
    kind as usize
}

/// A reader's ops: its stream's first reads recorded on a tape before the start line, replayed
/// in the window (see [`workloads::Tape`]); with `tape` false, the stream itself.
pub fn reader_source(spec: &Spec, thread: usize, writers: usize, tape: bool) -> OpSource {
    let mut stream = OpStream::new(spec, Role::Reader, thread, writers);
    if tape {
        OpSource::Tape(Tape::record(&mut stream, Tape::reads_for(spec, writers)))
    } else {
        OpSource::Live(stream)
    }
}

/// How a point's threads time their ops in the window. Batching never applies where the
/// isolation checker runs on the thread (its per-op work would land inside a batch) or the loop
/// is paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OpTimingMode {
    /// The floor backend in batches (its ops are the harness's own cost, far under 100 ns);
    /// every store per op, so that stores are always timed alike and their tails are single ops.
    Auto,
    /// Every op timed alone.
    PerOp,
    /// Every thread in batches where it may: for stores whose ops take under about 100 ns, where
    /// two clock reads and a record per op would be a large part of what is measured.
    Batched,
}

/// The point's timing constants, in clock ticks.
pub(crate) struct Timing<'c> {
    pub clock: &'c Clock,
    pub ticks: Ticks,
    pub warmup: u64,
    /// One timeline interval.
    pub interval: u64,
    pub one_ms: u64,
    pub window: Window,
}

impl<'c> Timing<'c> {
    fn of(plan: &PointPlan, clock: &'c Clock, ticks: Ticks) -> Self {
        Timing {
            clock,
            ticks,
            warmup: ticks.of(plan.warmup),
            interval: ticks.of(plan.interval).max(1),
            one_ms: ticks.of(Duration::from_millis(1)).max(1),
            window: plan.window,
        }
    }

    /// Timeline slots a thread records.
    fn intervals(&self, plan: &PointPlan) -> usize {
        match self.window {
            Window::Time(d) => (d.as_secs_f64() / plan.interval.as_secs_f64()).ceil() as usize,
            Window::Ops(_) => 600,
        }
    }

    pub(super) fn seconds(&self, ticks: u64) -> f64 {
        ticks as f64 / self.ticks.of_ns(1e9).max(1) as f64
    }
}

/// Where the threads of a point wait to start together, and how many have finished.
pub(crate) struct StartLine {
    barrier: Barrier,
    origin: AtomicU64,
    done: AtomicUsize,
    threads: usize,
}

impl StartLine {
    fn new(threads: usize) -> Self {
        StartLine {
            barrier: Barrier::new(threads + 1),
            origin: AtomicU64::new(0),
            done: AtomicUsize::new(0),
            threads,
        }
    }

    /// The coordinator's side: releases the threads and returns the origin tick.
    fn go(&self, clock: &Clock) -> u64 {
        self.barrier.wait();
        let origin = clock.raw();
        self.origin.store(origin, Ordering::Release);
        origin
    }

    /// A thread's side: waits for the start, returns the origin tick (Acquire: pairs with the
    /// Release store in [`go`](Self::go)).
    fn wait(&self) -> u64 {
        self.barrier.wait();
        loop {
            match self.origin.load(Ordering::Acquire) {
                0 => std::hint::spin_loop(),
                o => return o,
            }
        }
    }

    fn finished(&self) {
        self.done.fetch_add(1, Ordering::Release);
    }

    fn all_finished(&self) -> bool {
        self.done.load(Ordering::Acquire) >= self.threads
    }
}

/// Runs `plan` against `backend` and returns the per-thread records.
pub fn run_point<B: Backend>(
    backend: &B,
    plan: &PointPlan,
    clock: &Clock,
    ticks: Ticks,
) -> PointRun {
    let n = plan.readers + plan.writers;
    let timing = Timing::of(plan, clock, ticks);
    let start = StartLine::new(n);
    let checking = Checking::prepare::<B>(plan);
    let cpus = if plan.pin {
        pinning::plan(n)
    } else {
        Vec::new()
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|t| {
                let seat = Seat::of(plan, t, timing.intervals(plan));
                let probe = checking.probe(seat);
                let job = Job {
                    backend,
                    plan,
                    timing: &timing,
                    start: &start,
                    seat,
                };
                let cpu = cpus.get(t).copied();
                let start = &start;
                std::thread::Builder::new()
                    .name(seat.name())
                    .spawn_scoped(s, move || {
                        let cpu = cpu.filter(|c| pinning::pin_current(*c));
                        let out = ThreadOut {
                            cpu,
                            ..job.run(probe)
                        };
                        start.finished();
                        out
                    })
                    .expect("spawning a measuring thread")
            })
            .collect();
        let origin = start.go(clock);
        let (rss, store) = sample_while_running(
            &timing,
            &start,
            origin + timing.warmup,
            plan.interval,
            &|| backend.counters(),
        );
        let mut threads: Vec<ThreadOut> = handles
            .into_iter()
            .map(|h| h.join().expect("a measuring thread panicked"))
            .collect();
        let findings = checking.conclude(backend, plan, &mut threads);
        let last = threads.iter().map(|t| t.active_ticks).max().unwrap_or(0);
        PointRun {
            threads,
            elapsed_s: timing.seconds(last),
            interval_s: plan.interval.as_secs_f64(),
            rss,
            isolation: findings.isolation,
            history: findings.history,
            history_truncated: findings.truncated,
            checked_roots: checking.roots.clone(),
            store,
        }
    })
}

/// The coordinator's watch while the threads run (off their hot path): RSS at each interval end
/// and once more when they are done, and the store's counters from its first look after the
/// window opened until the threads are done, with that span.
fn sample_while_running(
    timing: &Timing<'_>,
    start: &StartLine,
    window_start: u64,
    interval: Duration,
    counters: &dyn Fn() -> Option<results::StoreCounters>,
) -> (Vec<u64>, Option<results::StoreCounters>) {
    let mut rss = Vec::new();
    let mut at_window = None;
    let mut k = 1u64;
    while !start.all_finished() {
        let now = timing.clock.raw();
        if at_window.is_none() && now >= window_start {
            at_window = Some((now, counters()));
        }
        if now >= window_start + k * timing.interval {
            rss.push(rss_bytes());
            k += 1;
        } else {
            std::thread::sleep(Duration::from_millis(1).min(interval / 4));
        }
    }
    rss.push(rss_bytes());
    // A window over before the coordinator looked (an op budget met within a poll): unknown.
    let store = at_window.and_then(|(t0, before)| {
        let end = counters()?;
        let span_s = timing.seconds(timing.clock.raw().saturating_sub(t0));
        Some(end.since(before?, span_s))
    });
    (rss, store)
}

/// Mean cost of `next_op` on a role's source as the loop uses it (a reader's tape, a writer's
/// live stream), in ns (over `n` ops, after `n` to warm up): the share of the harness floor that
/// is op generation rather than timing and recording.
pub fn op_generation_ns(spec: &Spec, role: Role, writers: usize, tape: bool, n: usize) -> f64 {
    let mut s = match role {
        Role::Reader => reader_source(spec, 0, writers, tape),
        Role::Writer => OpSource::Live(OpStream::new(spec, role, 0, writers)),
    };
    for _ in 0..n {
        black_box(s.next_op().kind());
    }
    let t = std::time::Instant::now();
    for _ in 0..n {
        black_box(s.next_op().kind());
    }
    t.elapsed().as_nanos() as f64 / n as f64
}

/// The op kinds a role's stream produces (sampled from its first `n` ops), to check capabilities.
pub fn sample_kinds(spec: &Spec, role: Role, writers: usize, n: usize) -> Vec<OpKind> {
    let mut s = OpStream::new(spec, role, 0, writers);
    let mut seen: Vec<OpKind> = Vec::new();
    for _ in 0..n {
        let k = s.next_op().kind();
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kinds_index_is_its_place_in_all() {
        for (i, k) in OpKind::ALL.iter().enumerate() {
            assert_eq!(kind_index(*k), i, "{k:?}");
        }
    }
}
