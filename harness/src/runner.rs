//! Runs one point: one backend, `readers` reader threads and `writers` writer threads executing
//! the workload's deterministic op streams. Prefill happens before (the caller opens the backend);
//! handles and recorders are created before the start barrier; warm-up is executed but not
//! recorded; the window is closed by time or by an op budget per thread. Each thread records into
//! its own [`ThreadRecorder`]; they are merged after the threads join ([`crate::merge`]).

use std::{
    hint::black_box,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Barrier,
    },
    time::Duration,
};

use checker::{history::Event, Plan};
use quanta::Clock;
use results::{Isolation, NotChecked};
use workloads::{Op, OpKind, OpStream, Pacing, Role, Spec};

use crate::{
    backends::{Backend, ReadHandle, Refused, WriteHandle},
    metrics::{rss_bytes, OpClass, ThreadRecorder},
    pacing::{Pace, Pacer, Ticks},
    pinning,
    probes::{conclude, final_state, Probe, ProbeOut, ReaderProbe, Setup, Watermarks, WriterProbe},
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
    /// The isolation checker's results, or why it did not run (see [`check_setup`]).
    pub isolation: Isolation,
    /// The checker's events for `--history` (empty unless asked for), and whether a thread's
    /// buffer overflowed.
    pub history: Vec<Event>,
    pub history_truncated: bool,
    /// The checked regions, one per writer (for the history header).
    pub checked_roots: Vec<Vec<u8>>,
}

/// Number of workload op kinds (the length of `op_counts`).
pub const N_KINDS: usize = OpKind::ALL.len();

/// Index of `kind` in [`OpKind::ALL`] (the position in `op_counts`).
pub fn kind_index(kind: OpKind) -> usize {
    OpKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Runs `plan` against `backend` and returns the per-thread records.
pub fn run_point<B: Backend>(
    backend: &B,
    plan: &PointPlan,
    clock: &Clock,
    ticks: Ticks,
) -> PointRun {
    let n = plan.readers + plan.writers;
    let n_intervals = match plan.window {
        Window::Time(d) => (d.as_secs_f64() / plan.interval.as_secs_f64()).ceil() as usize,
        Window::Ops(_) => 600,
    };
    let barrier = Barrier::new(n + 1);
    let origin = AtomicU64::new(0);
    let done = AtomicUsize::new(0);
    let warm = ticks.of(plan.warmup);
    let iv = ticks.of(plan.interval).max(1);
    let ms = ticks.of(Duration::from_millis(1)).max(1);
    let cpus = if plan.pin {
        pinning::plan(n)
    } else {
        Vec::new()
    };
    let checking = check_setup::<B>(plan);
    let roots = if checking.is_ok() {
        checked_roots(plan)
    } else {
        Vec::new()
    };
    let cplan = Plan::new(plan.spec.seed(), plan.spec.batch_size() as u32);
    let marks = Watermarks::new(roots.len());
    let setup = Setup {
        plan: &cplan,
        marks: &marks,
        roots: &roots,
        scans: B::INFO.caps.prefix_scans,
        rollback: B::ROLLBACK,
        history: plan.history,
        cut_log: checker::check::MAX_CUTS,
    };
    // The checker's setup, or why it does not run.
    let setup = checking.map(|()| setup);

    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|t| {
                let (role, idx) = if t < plan.readers {
                    (Role::Reader, t)
                } else {
                    (Role::Writer, t - plan.readers)
                };
                let (barrier, origin, done) = (&barrier, &origin, &done);
                let probe = match (setup, role) {
                    (Err(_), _) => Probe::Off,
                    (Ok(s), Role::Reader) => Probe::Reader(Box::new(ReaderProbe::new(s, idx))),
                    (Ok(s), Role::Writer) => Probe::Writer(Box::new(WriterProbe::new(s, idx))),
                };
                let cpu = cpus.get(t).copied();
                std::thread::Builder::new()
                    .name(format!(
                        "{}-{idx}",
                        if matches!(role, Role::Reader) {
                            "reader"
                        } else {
                            "writer"
                        }
                    ))
                    .spawn_scoped(s, move || {
                        let cpu = cpu.filter(|c| pinning::pin_current(*c));
                        let ctx = Ctx {
                            clock,
                            warm,
                            iv,
                            ms,
                            window: plan.window,
                            ticks,
                        };
                        let mut out = thread_body(
                            backend,
                            plan,
                            role,
                            idx,
                            n_intervals,
                            &ctx,
                            barrier,
                            origin,
                            probe,
                        );
                        out.cpu = cpu;
                        done.fetch_add(1, Ordering::Release);
                        out
                    })
                    .expect("spawning a measuring thread")
            })
            .collect();
        barrier.wait();
        let o = clock.raw();
        origin.store(o, Ordering::Release);
        // Sample RSS at each interval end while the threads run (off their hot path).
        let mut rss = Vec::new();
        let m0 = o + warm;
        let mut k = 1u64;
        while done.load(Ordering::Acquire) < n {
            let due = m0 + k * iv;
            if clock.raw() >= due {
                rss.push(rss_bytes());
                k += 1;
            } else {
                std::thread::sleep(Duration::from_millis(1).min(plan.interval / 4));
            }
        }
        rss.push(rss_bytes());
        let mut threads: Vec<ThreadOut> = handles
            .into_iter()
            .map(|h| h.join().expect("a measuring thread panicked"))
            .collect();
        let (isolation, history, history_truncated) = match setup {
            Ok(s) => {
                let mut acked = vec![0; roots.len()];
                for t in &threads {
                    if let Some((p, b)) = t.probe.last_acked {
                        acked[p] = b;
                    }
                }
                let (fin, ev) = final_state(s, &mut backend.reader(), &acked);
                let mut outs: Vec<ProbeOut> = threads
                    .iter_mut()
                    .map(|t| std::mem::take(&mut t.probe))
                    .collect();
                let (checked, history, truncated) = conclude(
                    &s,
                    plan.spec.seed(),
                    &mut outs,
                    (fin.counts, fin.samples, ev),
                );
                let checked = checked.conclude(plan.readers, plan.writers);
                (Isolation::Checked(Box::new(checked)), history, truncated)
            }
            Err(reason) => (Isolation::NotChecked { reason }, Vec::new(), false),
        };
        let last = threads.iter().map(|t| t.active_ticks).max().unwrap_or(0);
        let ns_per_tick = 1.0 / ticks.of_ns(1e6).max(1) as f64 * 1e6;
        PointRun {
            threads,
            elapsed_s: last as f64 * ns_per_tick / 1e9,
            interval_s: plan.interval.as_secs_f64(),
            rss,
            isolation,
            history,
            history_truncated,
            checked_roots: roots.clone(),
        }
    })
}

/// Whether the checker runs on this point, or why not.
pub fn check_setup<B: Backend>(plan: &PointPlan) -> Result<(), NotChecked> {
    if !plan.check {
        Err(NotChecked::Disabled)
    } else if !B::STORES {
        Err(NotChecked::StoresNothing)
    } else if plan.writers == 0 {
        Err(NotChecked::NoWriters)
    } else {
        Ok(())
    }
}

/// Writer `w`'s checked region: its partition, or (partitions shared by several writers)
/// `<partition>k<w>/`, so each checked region has exactly one writer.
pub fn checked_roots(plan: &PointPlan) -> Vec<Vec<u8>> {
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

/// Per-point constants every thread reads.
struct Ctx<'a> {
    clock: &'a Clock,
    warm: u64,
    iv: u64,
    ms: u64,
    window: Window,
    ticks: Ticks,
}

#[allow(clippy::too_many_arguments)]
fn thread_body<B: Backend>(
    backend: &B,
    plan: &PointPlan,
    role: Role,
    idx: usize,
    n_intervals: usize,
    ctx: &Ctx<'_>,
    barrier: &Barrier,
    origin: &AtomicU64,
    mut probe: Probe<'_>,
) -> ThreadOut {
    let mut stream = OpStream::new(&plan.spec, role, idx, plan.stream_writers);
    let mut reader = backend.reader();
    let mut writer = match role {
        Role::Writer => {
            Some(backend.writer(stream.partition(), plan.spec.overlapping_partitions()))
        }
        Role::Reader => None,
    };
    let mut rec = ThreadRecorder::new(N_KINDS, n_intervals);
    let pace = match (role, plan.spec.pacing(role)) {
        (_, Pacing::Open { per_second }) if per_second > 0.0 => Pace::Open {
            period: ctx.ticks.of_ns(1e9 / per_second),
        },
        (Role::Writer, _) => match plan.spec.writer_rate_limit() {
            Some(r) if r > 0.0 => Pace::Capped {
                period: ctx.ticks.of_ns(1e9 / r),
            },
            _ => Pace::Closed,
        },
        _ => Pace::Closed,
    };
    barrier.wait();
    let o = loop {
        let o = origin.load(Ordering::Acquire);
        if o != 0 {
            break o;
        }
        std::hint::spin_loop();
    };
    let m0 = o + ctx.warm;
    // Warm-up: the same loop, nothing recorded.
    let mut pacer = Pacer::new(pace, o);
    drive::<false, _, _>(
        &mut stream,
        &mut reader,
        writer.as_mut(),
        &mut rec,
        &mut pacer,
        ctx,
        role,
        m0,
        u64::MAX,
        u64::MAX,
        &mut probe,
    );
    rec.reset();
    let (end, budget) = match ctx.window {
        Window::Time(d) => (m0 + ctx.ticks.of(d), u64::MAX),
        Window::Ops(n) => (u64::MAX, n),
    };
    let mut pacer = Pacer::new(pace, m0.max(ctx.clock.raw()));
    let last = drive::<true, _, _>(
        &mut stream,
        &mut reader,
        writer.as_mut(),
        &mut rec,
        &mut pacer,
        ctx,
        role,
        end,
        budget,
        m0 + ctx.iv,
        &mut probe,
    );
    if let Some(w) = writer.as_mut() {
        w.rollback(); // an unfinished batch is not published
    }
    let probe = probe.finish(&mut reader);
    ThreadOut {
        role,
        rec,
        active_ticks: last.saturating_sub(m0),
        cpu: None,
        probe,
    }
}

/// The hot loop: next op → (pace) → time → execute → record. Returns the tick of the last op's end.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn drive<const RECORD: bool, R: ReadHandle, W: WriteHandle>(
    stream: &mut OpStream,
    reader: &mut R,
    mut writer: Option<&mut W>,
    rec: &mut ThreadRecorder,
    pacer: &mut Pacer,
    ctx: &Ctx<'_>,
    role: Role,
    end: u64,
    budget: u64,
    mut boundary: u64,
    probe: &mut Probe<'_>,
) -> u64 {
    let clock = ctx.clock;
    let per_batch = matches!(role, Role::Writer);
    let mut unit_start = true;
    let mut pending = 0u64; // stage ops since the last commit
    let mut done = 0u64;
    let mut now = clock.raw();
    while now < end && done < budget {
        let op = stream.next_op();
        let kind = op.kind();
        // The checker's work around snapshots and commits is outside the timed region.
        let skip = matches!(&op, Op::DeletePrefix { prefix } if probe.protects(prefix));
        probe.before(kind, reader, writer.as_deref_mut());
        // Open loop: a unit's first op counts from its intended start (CO-corrected).
        let t0 = if unit_start {
            pacer.start_unit(clock, ctx.ms)
        } else {
            clock.raw()
        };
        let outcome = match skip {
            false => {
                execute(&op, reader, writer.as_deref_mut()).map_err(|Refused| Skipped::Refused)
            }
            true => Err(Skipped::ByChecker), // would delete checked keys
        };
        now = clock.raw();
        probe.after(kind, outcome.is_ok(), reader, writer.as_deref_mut());
        unit_start = !per_batch || kind == OpKind::Commit;
        if RECORD {
            while now >= boundary {
                rec.next_interval();
                boundary += ctx.iv;
            }
            let class = OpClass::of(kind);
            match outcome {
                Ok(()) => rec.record(class, kind_index(kind), clock.delta_as_nanos(t0, now)),
                Err(Skipped::Refused) => rec.refuse(class),
                Err(Skipped::ByChecker) => rec.skipped_by_checker += 1,
            }
            match (class, outcome) {
                (OpClass::Stage, Ok(())) => pending += 1,
                (OpClass::Commit, Err(_)) => {
                    rec.discarded += pending;
                    pending = 0;
                }
                (OpClass::Commit, Ok(())) => {
                    rec.committed(pending);
                    pending = 0;
                }
                _ => {}
            }
        }
        done += 1;
    }
    now
}

/// Why an operation did not complete.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Skipped {
    /// The backend refused it.
    Refused,
    /// The isolation checker skipped it (it would remove the keys it checks).
    ByChecker,
}

/// Executes one op on the thread's handles. Write ops on a thread without a writer are refused.
#[inline(always)]
fn execute<R: ReadHandle, W: WriteHandle>(
    op: &Op<'_>,
    r: &mut R,
    w: Option<&mut W>,
) -> Result<(), Refused> {
    match (op, w) {
        (Op::Snapshot, _) => r.snapshot(),
        (Op::Get { key } | Op::GetMiss { key }, Some(w)) => w.get(key).map(|v| {
            black_box(v);
        }),
        (Op::Get { key } | Op::GetMiss { key }, None) => r.get(key).map(|v| {
            black_box(v);
        }),
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

/// Mean cost of `next_op` on a role's stream, in ns (over `n` ops, after `n` to warm up): the
/// share of the harness floor that is op generation rather than timing and recording.
pub fn op_generation_ns(spec: &Spec, role: Role, writers: usize, n: usize) -> f64 {
    let mut s = OpStream::new(spec, role, 0, writers);
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
