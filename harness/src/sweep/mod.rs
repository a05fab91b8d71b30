//! A whole run: validates everything first (workload, backends, thread counts, `--out`), then runs
//! every (repetition, point, backend) cell in interleaved order — `for rep { for point { for
//! backend } }`, or a seeded shuffle within each repetition — so slow drift of a shared machine
//! spreads evenly over the configurations being compared. Progress and ETA on a terminal; Ctrl-C
//! stops after the current cell and keeps every finished one.
//!
//! [`run`] orchestrates; [`cells`] lays out and runs the cells, [`progress`] draws the bar and
//! handles Ctrl-C, [`history`] writes `--history`. May depend on: the runner, the backends, the
//! results schema, the workloads.

mod cells;
mod history;
mod progress;

use std::time::{SystemTime, UNIX_EPOCH};

use checker::history::Event;
use results::{Order, PointResult, Results, RunInfo, SCHEMA_VERSION};
use workloads::{Point, Spec};

use self::cells::{entry, interval, Cell, Session};
pub use self::history::write_history;
use crate::{
    backends, env, error::HarnessError, interrupt, limits, options::RunOptions, output,
    pacing::Ticks, workload,
};

/// Validates `opts` and runs the sweep; writes results into `opts.out` and returns them.
pub fn run(opts: &RunOptions) -> Result<Results, HarnessError> {
    let (spec, points) = validate(opts)?;
    interrupt::install_stop_handler("stopping after the current point; finished points are kept");
    output::check_writable(&opts.out)?;
    let clock = quanta::Clock::new();
    let env = env::collect(&clock);
    let session = Session {
        spec: &spec,
        points: &points,
        opts,
        clock: &clock,
        ticks: Ticks::calibrate(&clock),
        cores: env.cores,
    };
    let started = unix_now();
    let cells = cells::plan(&spec, &points, opts);
    eprintln!(
        "run: {} cells ({} points, {} backends, {} repetitions); Ctrl-C or SIGTERM stops after \
         the current one and keeps the finished",
        cells.len(),
        points.len(),
        opts.backends.len(),
        spec.repetitions()
    );
    let (measured, history, interrupted) = measure(&session, &cells);
    let results = Results {
        schema_version: SCHEMA_VERSION,
        env,
        workload: spec.clone(),
        run: run_info(&spec, opts, started, interrupted),
        points: measured,
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

/// Checks everything that can be checked before anything runs; the spec and its points.
fn validate(opts: &RunOptions) -> Result<(Spec, Vec<Point>), HarnessError> {
    if opts.backends.is_empty() {
        return Err(HarnessError::BadArgument {
            flag: "--backends",
            value: String::new(),
            expected: "one or more backend names, comma-separated (see `harness list`)",
        });
    }
    if let Some(b) = opts.backends.iter().find(|b| backends::info(b).is_none()) {
        return Err(HarnessError::UnknownBackend {
            name: b.clone(),
            valid: backends::names(),
        });
    }
    if let Some(b) = workloads::limits::first_duplicate(&opts.backends) {
        return Err(HarnessError::Limit {
            what: "--backends".into(),
            value: b.clone(),
            problem: "is named twice (its rows would look like repetitions)".into(),
            fix: "name each backend once; use --repetitions to repeat".into(),
        });
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
    let what = match opts.threads {
        Some(_) => "--threads",
        None => {
            "the workload's threads (`threads`, `sweep.threads`, `sweep.writers`; or --threads)"
        }
    };
    for p in &points {
        limits::threads(what, p.readers + p.writers, opts.oversubscribe)?;
    }
    limits::memory(&spec, points.iter().map(|p| p.writers).max().unwrap_or(0))?;
    if let Some(i) = opts.interval {
        limits::interval(i, spec.duration())?;
    }
    let interval = cells::interval(&spec, opts);
    let intervals = spec.duration().map_or(600, |w| {
        (w.as_nanos() / interval.as_nanos().max(1)) as u64 + 1
    });
    let threads = points
        .iter()
        .map(|p| p.readers + p.writers)
        .max()
        .unwrap_or(1);
    limits::timeline_memory(threads, intervals)?;
    if let Some(path) = &opts.history {
        limits::writable_file("--history", path)?;
    }
    Ok((spec, points))
}

/// Runs every cell in order, with progress, until done or stopped; the rows, the history events
/// and whether the run was interrupted.
fn measure(session: &Session<'_>, cells: &[Cell]) -> (Vec<PointResult>, Vec<Event>, bool) {
    let bar = progress::bar(cells.len() as u64, session.opts.progress);
    let (mut rows, mut history) = (Vec::new(), Vec::new());
    for cell in cells {
        if interrupt::stop_requested() {
            bar.finish_and_clear();
            return (rows, history, true);
        }
        let readers_only = match cell.variant {
            results::Variant::Sweep => "",
            results::Variant::ReadersOnly => " (readers only)",
        };
        let point = &session.points[cell.point].label;
        bar.set_message(format!(
            "rep {} {point} {}{readers_only}",
            cell.rep + 1,
            cell.backend
        ));
        let (row, events) = session.run_cell(cell);
        rows.push(row);
        history.extend(events);
        bar.inc(1);
    }
    bar.finish_and_clear();
    (rows, history, false)
}

/// The run's parameters as the results file records them.
fn run_info(spec: &Spec, opts: &RunOptions, started: u64, interrupted: bool) -> RunInfo {
    let window = spec.duration();
    RunInfo {
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
        timeline_interval_s: interval(spec, opts).as_secs_f64(),
        checked: opts.check,
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
