//! A whole run: validates everything first (workload, backends, thread counts, `--out`), then runs
//! every (repetition, point, backend) cell in interleaved order — `for rep { for point { for
//! backend } }`, or a seeded shuffle within each repetition — so slow drift of a shared machine
//! spreads evenly over the configurations being compared. Progress and ETA on a terminal; Ctrl-C
//! stops after the current cell and keeps every finished one.

use std::{
    io::IsTerminal,
    sync::atomic::{AtomicBool, Ordering},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use checker::{history::Event, Plan};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand::{seq::SliceRandom, SeedableRng};
use results::{
    Axes, BackendEntry, BackendRole, Order, Outcome, PointResult, Results, RunInfo, Variant,
    SCHEMA_VERSION,
};
use workloads::{OpKind, Pacing, Point, Role, Spec};

use crate::{
    backends::{self, Backend, BackendVisitor, Caps},
    env,
    error::HarnessError,
    merge::{point_result, CellId},
    options::RunOptions,
    output,
    pacing::Ticks,
    runner::{op_generation_ns, run_point, sample_kinds, PointPlan, Window},
    workload,
};

/// One cell of the run.
#[derive(Debug, Clone)]
struct Cell {
    rep: u32,
    point: usize,
    backend: String,
    variant: Variant,
}

/// Set by the Ctrl-C handler; checked between cells.
static STOP: AtomicBool = AtomicBool::new(false);

fn install_ctrlc() {
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            eprintln!("\nsecond Ctrl-C: exiting now (results of this run are not written)");
            std::process::exit(130);
        }
        eprintln!("\nCtrl-C: stopping after the current point (press again to abort)");
    });
}

/// Validates `opts` and runs the sweep; writes results into `opts.out` and returns them.
pub fn run(opts: &RunOptions) -> Result<Results, HarnessError> {
    if opts.backends.is_empty() {
        return Err(HarnessError::BadArgument {
            flag: "--backends",
            value: String::new(),
            expected: "one or more backend names, comma-separated (see `harness list`)",
        });
    }
    for b in &opts.backends {
        if backends::info(b).is_none() {
            return Err(HarnessError::UnknownBackend {
                name: b.clone(),
                valid: backends::names(),
            });
        }
    }
    if opts
        .threads
        .as_ref()
        .is_some_and(|t| t.is_empty() || t.contains(&0))
    {
        return Err(HarnessError::ZeroThreads { flag: "--threads" });
    }
    let spec = workload::resolve(opts)?;
    let points = spec.points();
    if points.iter().any(|p| p.readers + p.writers == 0) {
        return Err(HarnessError::ZeroThreads {
            flag: "the workload's [threads]/[sweep]",
        });
    }
    output::check_writable(&opts.out)?;
    install_ctrlc();

    let clock = quanta::Clock::new();
    let ticks = Ticks::calibrate(&clock);
    let env = env::collect(&clock);
    let started = unix_now();
    let cells = plan_cells(&spec, &points, opts);
    let bar = progress_bar(cells.len() as u64, opts.progress);
    let mut results: Vec<PointResult> = Vec::new();
    let mut interrupted = false;
    let mut history: Vec<Event> = Vec::new();
    for cell in &cells {
        if STOP.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
        let point = &points[cell.point];
        bar.set_message(format!(
            "rep {} {} {}{}",
            cell.rep + 1,
            point.label,
            cell.backend,
            match cell.variant {
                Variant::Sweep => "",
                Variant::ReadersOnly => " (readers only)",
            }
        ));
        let (result, events) = run_cell(&spec, point, cell, opts, &clock, ticks, env.cores);
        results.push(result);
        history.extend(events);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let window = spec.duration();
    let results = Results {
        schema_version: SCHEMA_VERSION,
        env,
        workload: spec.clone(),
        run: RunInfo {
            command: opts.command.clone(),
            started_unix_s: started,
            finished_unix_s: unix_now(),
            interrupted,
            backends: opts.backends.iter().map(|b| entry(b)).collect(),
            repetitions: spec.repetitions(),
            warmup_s: spec.warmup().as_secs_f64(),
            duration_s: window.map(|d| d.as_secs_f64()),
            op_budget: if window.is_some() {
                None
            } else {
                spec.op_budget()
            },
            seed: spec.seed(),
            quick: opts.quick,
            pinned: opts.pin,
            order: if opts.shuffle {
                Order::Shuffled
            } else {
                Order::Interleaved
            },
            timeline_interval_s: interval(&spec, opts).as_secs_f64(),
            checked: opts.check,
        },
        points: results,
        migration: None,
    };
    output::write_results(&opts.out, &results)?;
    if let Some(path) = &opts.history {
        write_history(path, &history).map_err(|source| HarnessError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(results)
}

/// The results file's entry of a (validated) backend name.
fn entry(name: &str) -> BackendEntry {
    let info = backends::info(name).expect("validated backend name");
    BackendEntry {
        name: name.to_string(),
        role: info.role,
        caps: info.caps,
        summary: info.summary.to_string(),
    }
}

/// A point's place in the sweep.
fn axes(point: &Point) -> Axes {
    Axes {
        readers: point.readers,
        writers: point.writers,
        ratio: point.ratio,
        theta: point.theta,
        hot_fraction: point.hot_fraction,
        batch_size: point.batch_size,
    }
}

fn plan_cells(spec: &Spec, points: &[Point], opts: &RunOptions) -> Vec<Cell> {
    let mut cells = Vec::new();
    for rep in 0..spec.repetitions() {
        let mut this_rep = Vec::new();
        for (i, p) in points.iter().enumerate() {
            for b in &opts.backends {
                this_rep.push(Cell {
                    rep,
                    point: i,
                    backend: b.clone(),
                    variant: Variant::Sweep,
                });
                let under_test =
                    backends::info(b).is_some_and(|i| i.role == BackendRole::UnderTest);
                if opts.companion && under_test && p.writers > 0 && p.readers > 0 {
                    this_rep.push(Cell {
                        rep,
                        point: i,
                        backend: b.clone(),
                        variant: Variant::ReadersOnly,
                    });
                }
            }
        }
        if opts.shuffle {
            this_rep.shuffle(&mut rand::rngs::SmallRng::seed_from_u64(
                spec.seed() ^ rep as u64,
            ));
        }
        cells.extend(this_rep);
    }
    cells
}

fn progress_bar(len: u64, enabled: bool) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} points, ETA {eta}  {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar
}

/// The timeline interval: `--interval`, else a twentieth of the window within [50 ms, 1 s].
fn interval(spec: &Spec, opts: &RunOptions) -> Duration {
    opts.interval.unwrap_or_else(|| {
        spec.duration().map_or(Duration::from_millis(100), |d| {
            (d / 20).clamp(Duration::from_millis(50), Duration::from_secs(1))
        })
    })
}

/// Capabilities the point's op streams need (sampled from their first ops).
fn needs(spec: &Spec, point: &Point) -> Caps {
    let mut kinds = Vec::new();
    if point.readers > 0 {
        kinds.extend(sample_kinds(spec, Role::Reader, point.writers, 4096));
    }
    if point.writers > 0 {
        kinds.extend(sample_kinds(spec, Role::Writer, point.writers, 4096));
    }
    Caps {
        prefix_scans: kinds
            .iter()
            .any(|k| matches!(k, OpKind::Scan | OpKind::Count)),
        ordered: kinds.contains(&OpKind::Scan),
        ..Caps::NONE
    }
}

fn run_cell(
    spec: &Spec,
    point: &Point,
    cell: &Cell,
    opts: &RunOptions,
    clock: &quanta::Clock,
    ticks: Ticks,
    cores: usize,
) -> (PointResult, Vec<Event>) {
    let writers = match cell.variant {
        Variant::Sweep => point.writers,
        Variant::ReadersOnly => 0,
    };
    let info = backends::info(&cell.backend).expect("validated");
    let id = CellId {
        backend: cell.backend.clone(),
        axes: axes(point),
        variant: cell.variant,
        repetition: cell.rep,
        oversubscribed: point.readers + writers > cores,
        cores,
    };
    let missing = info.caps.missing(&needs(&point.spec, point));
    if !missing.is_empty() {
        let why = format!("{} has no {}", info.name, missing.join(", no "));
        return (id.skipped(why), Vec::new());
    }
    let window = match (point.spec.duration(), point.spec.op_budget()) {
        (Some(d), _) => Window::Time(d),
        (None, Some(n)) => Window::Ops(n),
        (None, None) => Window::Time(Duration::from_secs(1)),
    };
    let plan = PointPlan {
        spec: point.spec.clone(),
        readers: point.readers,
        writers,
        stream_writers: point.writers,
        warmup: point.spec.warmup(),
        window,
        interval: interval(spec, opts),
        pin: opts.pin,
        check: opts.check,
        history: opts.history.is_some(),
    };
    let rate = match point.spec.pacing(Role::Reader) {
        Pacing::Open { per_second } => Some(per_second),
        Pacing::Closed => None,
    };
    let cell1 = Cell1 {
        plan: &plan,
        clock,
        ticks,
        id,
        rate,
        stream_writers: point.writers,
    };
    let (mut result, events) =
        backends::visit(&cell.backend, cell1).expect("validated backend name");
    if let (BackendRole::Floor, Outcome::Measured(m)) = (info.role, &mut result.outcome) {
        // Weighted by each role's threads, like the ops behind `ns_per_op`.
        let gen = |role, n: usize| {
            if n == 0 {
                0.0
            } else {
                op_generation_ns(&plan.spec, role, point.writers, 50_000) * n as f64
            }
        };
        let total = (plan.readers + plan.writers) as f64;
        m.op_generation_ns =
            Some((gen(Role::Reader, plan.readers) + gen(Role::Writer, plan.writers)) / total);
    }
    (result, events)
}

/// Opens the named backend with the point's prefill and runs the point on it.
struct Cell1<'a> {
    plan: &'a PointPlan,
    clock: &'a quanta::Clock,
    ticks: Ticks,
    id: CellId,
    rate: Option<f64>,
    stream_writers: usize,
}

impl BackendVisitor for Cell1<'_> {
    type Out = (PointResult, Vec<Event>);
    fn visit<B: Backend>(self) -> (PointResult, Vec<Event>) {
        let backend = B::open(&mut self.plan.spec.prefill(self.stream_writers));
        let mut run = run_point(&backend, self.plan, self.clock, self.ticks);
        drop(backend); // freeing the store is not measured
        let mut events = Vec::new();
        if self.plan.history && !run.history.is_empty() {
            let spec = &self.plan.spec;
            events.push(Event::Header {
                backend: self.id.backend.clone(),
                point: match self.id.variant {
                    Variant::Sweep => self.id.axes.label(),
                    Variant::ReadersOnly => format!("{} (readers only)", self.id.axes.label()),
                },
                repetition: self.id.repetition,
                seed: spec.seed(),
                batch_size: spec.batch_size() as u32,
                keys: Plan::new(spec.seed(), spec.batch_size() as u32).keys(),
                partitions: run
                    .checked_roots
                    .iter()
                    .map(|r| String::from_utf8_lossy(r).into_owned())
                    .collect(),
                truncated: run.history_truncated,
            });
            events.append(&mut run.history);
        }
        (point_result(self.id, run, self.rate), events)
    }
}

/// Writes history events as JSON Lines (see `checker::history`).
pub fn write_history(path: &std::path::Path, events: &[Event]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for e in events {
        serde_json::to_writer(&mut out, e)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
