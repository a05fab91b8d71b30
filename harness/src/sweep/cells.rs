//! The cells of a run — (repetition, point, backend), plus the readers-only companions — laid out
//! in the order they run, and one cell run: capabilities checked, the store opened with the
//! point's prefill, the point measured, the results row made.

use std::time::Duration;

use checker::history::Event;
use rand::{seq::SliceRandom, SeedableRng};
use results::{Axes, BackendEntry, BackendRole, Measurement, Outcome, PointResult, Variant};
use workloads::{OpKind, Pacing, Point, Role, Spec};

use super::history::point_events;
use crate::{
    backends::{self, Backend, BackendVisitor, Caps},
    merge::{point_result, CellId},
    options::RunOptions,
    pacing::Ticks,
    runner::{op_generation_ns, run_point, sample_kinds, PointPlan, Window},
};

/// One cell of the run.
#[derive(Debug, Clone)]
pub struct Cell {
    pub rep: u32,
    /// Index into the run's points.
    pub point: usize,
    pub backend: String,
    pub variant: Variant,
}

/// What every cell of a run shares.
pub struct Session<'a> {
    pub spec: &'a Spec,
    pub points: &'a [Point],
    pub opts: &'a RunOptions,
    pub clock: &'a quanta::Clock,
    pub ticks: Ticks,
    pub cores: usize,
}

/// The cells in run order: `for rep { for point { for backend } }`, or a seeded shuffle of each
/// repetition's cells; a readers-only companion after every point with writers of the backend
/// under test (unless `--no-companion`).
pub fn plan(spec: &Spec, points: &[Point], opts: &RunOptions) -> Vec<Cell> {
    let mut cells = Vec::new();
    for rep in 0..spec.repetitions() {
        let mut this_rep = Vec::new();
        for (i, p) in points.iter().enumerate() {
            for b in &opts.backends {
                let cell = |variant| Cell {
                    rep,
                    point: i,
                    backend: b.clone(),
                    variant,
                };
                this_rep.push(cell(Variant::Sweep));
                let under_test =
                    backends::info(b).is_some_and(|i| i.role == BackendRole::UnderTest);
                if opts.companion && under_test && p.writers > 0 && p.readers > 0 {
                    this_rep.push(cell(Variant::ReadersOnly));
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

/// The results file's entry of a (validated) backend name.
pub fn entry(name: &str) -> BackendEntry {
    let info = backends::info(name).expect("validated backend name");
    BackendEntry {
        name: name.to_string(),
        role: info.role,
        caps: info.caps,
        summary: info.summary.to_string(),
    }
}

/// The timeline interval: `--interval`, else a twentieth of the window within [50 ms, 1 s].
pub fn interval(spec: &Spec, opts: &RunOptions) -> Duration {
    opts.interval.unwrap_or_else(|| {
        spec.duration().map_or(Duration::from_millis(100), |d| {
            (d / 20)
                .clamp(Duration::from_millis(50), Duration::from_secs(1))
                .max(d / crate::limits::DEFAULT_MAX_INTERVALS)
        })
    })
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

/// Capabilities the point's op streams need (sampled from their first ops).
fn needs(point: &Point) -> Caps {
    let mut kinds = Vec::new();
    for (role, n) in [(Role::Reader, point.readers), (Role::Writer, point.writers)] {
        if n > 0 {
            kinds.extend(sample_kinds(&point.spec, role, point.writers, 4096));
        }
    }
    Caps {
        prefix_scans: kinds
            .iter()
            .any(|k| matches!(k, OpKind::Scan | OpKind::Count)),
        ordered: kinds.contains(&OpKind::Scan),
        ..Caps::NONE
    }
}

impl Session<'_> {
    /// Runs one cell: its results row and its history events.
    pub fn run_cell(&self, cell: &Cell) -> (PointResult, Vec<Event>) {
        let point = &self.points[cell.point];
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
            oversubscribed: point.readers + writers > self.cores,
            cores: self.cores,
        };
        let missing = info.caps.missing(&needs(point));
        if !missing.is_empty() {
            let why = format!("{} has no {}", info.name, missing.join(", no "));
            return (id.skipped(why), Vec::new());
        }
        let plan = self.point_plan(point, writers);
        let measure = Measure {
            plan: &plan,
            session: self,
            id,
            stream_writers: point.writers,
        };
        let (mut result, events) =
            backends::visit(&cell.backend, measure).expect("validated backend name");
        if let (BackendRole::Floor, Outcome::Measured(m)) = (info.role, &mut result.outcome) {
            m.op_generation_ns = Some(generation_ns(&plan, point.writers, m));
        }
        (result, events)
    }

    fn point_plan(&self, point: &Point, writers: usize) -> PointPlan {
        let window = match (point.spec.duration(), point.spec.op_budget()) {
            (Some(d), _) => Window::Time(d),
            (None, Some(n)) => Window::Ops(n),
            (None, None) => Window::Time(Duration::from_secs(1)),
        };
        PointPlan {
            spec: point.spec.clone(),
            readers: point.readers,
            writers,
            stream_writers: point.writers,
            warmup: point.spec.warmup(),
            window,
            interval: interval(self.spec, self.opts),
            pin: self.opts.pin,
            timing: self.opts.timing,
            tape: self.opts.tape,
            check: self.opts.check,
            history: self.opts.history.is_some(),
        }
    }
}

/// The floor's cost of generating one op, each role's weighted by the ops its threads ran, as
/// the ops behind `ns_per_op` are.
fn generation_ns(plan: &PointPlan, stream_writers: usize, m: &Measurement) -> f64 {
    let all: u64 = m.op_counts.values().sum();
    let reader_ops = if plan.readers > 0 {
        m.readers.reads + m.readers.snapshots
    } else {
        0
    };
    let gen = |role, ops: u64| {
        if ops == 0 {
            0.0
        } else {
            op_generation_ns(&plan.spec, role, stream_writers, plan.tape, 50_000) * ops as f64
        }
    };
    let writer_ops = all.saturating_sub(reader_ops);
    (gen(Role::Reader, reader_ops) + gen(Role::Writer, writer_ops)) / all.max(1) as f64
}

/// Opens the named backend with the point's prefill and measures the point on it.
struct Measure<'a> {
    plan: &'a PointPlan,
    session: &'a Session<'a>,
    id: CellId,
    stream_writers: usize,
}

impl BackendVisitor for Measure<'_> {
    type Out = (PointResult, Vec<Event>);
    fn visit<B: Backend>(self) -> (PointResult, Vec<Event>) {
        let backend = B::open(&mut self.plan.spec.prefill(self.stream_writers));
        let s = self.session;
        let mut run = run_point(&backend, self.plan, s.clock, s.ticks);
        drop(backend); // freeing the store is not measured
        let events = point_events(&self.id, &self.plan.spec, &mut run);
        let rate = match self.plan.spec.pacing(Role::Reader) {
            Pacing::Open { per_second } => Some(per_second),
            Pacing::Closed => None,
        };
        (point_result(self.id, run, rate), events)
    }
}
