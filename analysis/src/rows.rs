//! One row per backend × point × variant: goodput per role over the repetitions, latency, the
//! refusals summed, scaling per role, and the flags a reader must see beside the figures.

use results::{Axes, BackendRole, Measurement, OpClass, PointResult, Results, Variant};
use serde::Serialize;

use crate::{
    flags::{Flag, Refusable, Role, REFUSAL_LABEL, SUPERLINEAR, WIDE_SPREAD},
    isolation::IsolationTally,
    stats::Spread,
};

/// A backend at one point, summarised over its repetitions.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub backend: String,
    pub role: BackendRole,
    pub axes: Axes,
    pub variant: Variant,
    pub oversubscribed: bool,
    /// Why the backend could not serve this point (every repetition skipped).
    pub skipped: Option<String>,
    /// Measured repetitions.
    pub repetitions: usize,
    /// Completed reads per second of the reader threads (`None`: no reader threads).
    pub reads_per_s: Option<Spread>,
    /// Acknowledged batches per second of the writer threads (`None`: no writer threads).
    pub commits_per_s: Option<Spread>,
    /// Staged writes per second that were part of an acknowledged batch.
    pub writes_per_s: Option<Spread>,
    /// Reads the writer threads completed themselves, per second (`None`: they read nothing).
    pub writer_reads_per_s: Option<Spread>,
    /// Versions the store published, and superseded ones it freed, per second of the window
    /// (`None`: the store does not count them).
    pub versions_per_s: Option<Spread>,
    pub freed_per_s: Option<Spread>,
    pub read_p50_ns: Option<Spread>,
    pub read_p99_ns: Option<Spread>,
    pub commit_p50_ns: Option<Spread>,
    pub commit_p99_ns: Option<Spread>,
    /// Refused and completed operations, summed over the repetitions.
    pub refusals: Refusals,
    /// Read goodput against the same backend's fewest readers (same writers present or not).
    pub read_scaling: Option<Scaling>,
    /// Commit goodput against the same backend's fewest writers.
    pub commit_scaling: Option<Scaling>,
    /// CPU time per completed operation (median over repetitions).
    pub ns_per_op: Option<f64>,
    /// Cost of generating one operation (floor backend only).
    pub op_generation_ns: Option<f64>,
    /// p50 of the fastest operation class: the timed region's own cost on the floor.
    pub timed_p50_ns: Option<f64>,
    /// Threads that timed their window in batches (most over the repetitions; 0 in results
    /// from before batching), of `batch_units` units each.
    pub batched_threads: usize,
    pub batch_units: u32,
    /// The warm-up's wall time per op per thread, every op timed alone (median).
    pub warmup_ns_per_op: Option<f64>,
    /// Reads each reader thread replayed from its tape before repeating.
    pub tape_reads: Option<u64>,
    /// The isolation checker's findings summed over the repetitions.
    pub isolation: IsolationTally,
    pub flags: Vec<Flag>,
}

/// Completed and refused operations of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub done: u64,
    pub refused: u64,
}

impl Tally {
    /// Refused over attempted (`None` when nothing was attempted).
    pub fn share(&self) -> Option<f64> {
        let attempted = self.done + self.refused;
        (attempted > 0).then(|| self.refused as f64 / attempted as f64)
    }
}

/// What a row's backend refused, per kind of operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Refusals {
    pub reads: Tally,
    pub snapshots: Tally,
    pub commits: Tally,
    pub staged_writes: Tally,
}

impl Refusals {
    fn add(&mut self, m: &Measurement) {
        let (r, w) = (&m.readers, &m.writers);
        self.reads.done += r.reads + w.reads;
        self.reads.refused += r.refused_reads + w.refused_reads;
        self.snapshots.done += r.snapshots;
        self.snapshots.refused += r.refused_snapshots;
        self.commits.done += w.commits;
        self.commits.refused += w.refused_commits;
        self.staged_writes.done += w.writes + w.discarded_writes;
        self.staged_writes.refused += w.refused_writes;
    }

    /// Each kind refused more than [`REFUSAL_LABEL`] of the time, as a flag.
    pub fn flags(&self) -> Vec<Flag> {
        [
            (Refusable::Reads, self.reads),
            (Refusable::Snapshots, self.snapshots),
            (Refusable::Commits, self.commits),
            (Refusable::StagedWrites, self.staged_writes),
        ]
        .into_iter()
        .filter_map(|(what, t)| {
            let share = t.share()?;
            (share > REFUSAL_LABEL).then_some(Flag::Refused { what, share })
        })
        .collect()
    }
}

/// Goodput of one role relative to a base point of the same backend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scaling {
    /// The base point's threads of this role.
    pub base_threads: usize,
    /// Goodput over the base's (medians).
    pub speedup: f64,
    /// Speedup over the thread-count ratio (1 = ideal).
    pub efficiency: f64,
}

impl Row {
    /// Goodput of `role` (medians and spread over repetitions).
    pub fn goodput(&self, role: Role) -> Option<Spread> {
        match role {
            Role::Readers => self.reads_per_s,
            Role::Writers => self.commits_per_s,
        }
    }

    /// Threads of `role` that ran at this point.
    pub fn threads(&self, role: Role) -> usize {
        match (role, self.variant) {
            (Role::Readers, _) => self.axes.readers,
            (Role::Writers, Variant::Sweep) => self.axes.writers,
            (Role::Writers, Variant::ReadersOnly) => 0,
        }
    }

    /// The share of `role`'s operations the backend refused: reads for the readers, commits for
    /// the writers (`None` when the role did nothing and refused nothing).
    pub fn refused_share(&self, role: Role) -> Option<f64> {
        match role {
            Role::Readers => self.refusals.reads.share(),
            Role::Writers => self.refusals.commits.share(),
        }
    }

    pub fn scaling(&self, role: Role) -> Option<Scaling> {
        match role {
            Role::Readers => self.read_scaling,
            Role::Writers => self.commit_scaling,
        }
    }

    /// `r=3 w=1 theta=0.99`, with ` (readers only)` for a companion.
    pub fn label(&self) -> String {
        match self.variant {
            Variant::Sweep => self.axes.label(),
            Variant::ReadersOnly => format!("{} (readers only)", self.axes.label()),
        }
    }

    /// The refusal flags of this row, the largest share first.
    pub fn refusal_flags(&self) -> Vec<&Flag> {
        let mut v: Vec<&Flag> = self.flags.iter().filter(|f| f.is_refusal()).collect();
        let share = |f: &Flag| match f {
            Flag::Refused { share, .. } => *share,
            _ => 0.0,
        };
        v.sort_by(|a, b| share(b).total_cmp(&share(a)));
        v
    }

    /// Whether any of its threads timed their ops in batches (latencies are batch means there).
    pub fn batched(&self) -> bool {
        self.batched_threads > 0
    }
}

/// Why two rows are not set against each other: one's ops were timed in batches and the other's
/// one by one, so their harness costs differ and one's latencies are batch means.
pub fn timed_apart(a: &Row, b: &Row) -> Option<String> {
    (a.batched() != b.batched()).then(|| {
        let how = |r: &Row| if r.batched() { "in batches" } else { "per op" };
        format!(
            "timed differently ({} {}, {} {})",
            a.backend,
            how(a),
            b.backend,
            how(b)
        )
    })
}

/// Every row of `r`, in the order the points first ran.
pub fn rows(r: &Results) -> Vec<Row> {
    let mut keys: Vec<(&str, &Axes, Variant)> = Vec::new();
    for p in &r.points {
        let k = (p.backend.as_str(), &p.axes, p.variant);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let mut rows: Vec<Row> = keys
        .iter()
        .map(|(b, axes, variant)| {
            let ps: Vec<&PointResult> = r
                .points
                .iter()
                .filter(|p| p.backend == *b && &p.axes == *axes && p.variant == *variant)
                .collect();
            let role = r.backend(b).map_or(BackendRole::Peer, |e| e.role);
            row(role, &ps)
        })
        .collect();
    for i in 0..rows.len() {
        rows[i].read_scaling = scaling(&rows, i, Role::Readers);
        rows[i].commit_scaling = scaling(&rows, i, Role::Writers);
        let flags = flags(&rows[i], r.env.cores);
        rows[i].flags = flags;
    }
    rows
}

fn row(role: BackendRole, ps: &[&PointResult]) -> Row {
    let first = ps[0];
    let ms: Vec<&Measurement> = ps.iter().filter_map(|p| p.measured()).collect();
    let spread = |f: &dyn Fn(&Measurement) -> Option<f64>| {
        Spread::of(&ms.iter().filter_map(|m| f(m)).collect::<Vec<_>>())
    };
    let readers = first.axes.readers > 0;
    let writers = first.axes.writers > 0 && first.variant == Variant::Sweep;
    let commit = |q: fn(&results::LatencySummary) -> u64| {
        move |m: &Measurement| m.latency_ns.get(&OpClass::Commit).map(|l| q(l) as f64)
    };
    let mut refusals = Refusals::default();
    let mut isolation = IsolationTally::default();
    for m in &ms {
        refusals.add(m);
        isolation.add(&m.isolation);
    }
    Row {
        backend: first.backend.clone(),
        role,
        axes: first.axes.clone(),
        variant: first.variant,
        oversubscribed: first.oversubscribed,
        skipped: if ms.is_empty() {
            first.skipped().map(String::from)
        } else {
            None
        },
        repetitions: ms.len(),
        reads_per_s: readers
            .then(|| spread(&|m| Some(m.reads_per_s())))
            .flatten(),
        commits_per_s: writers
            .then(|| spread(&|m| Some(m.commits_per_s())))
            .flatten(),
        writes_per_s: writers
            .then(|| spread(&|m| Some(m.writes_per_s())))
            .flatten(),
        writer_reads_per_s: (writers && ms.iter().any(|m| m.writers.reads > 0))
            .then(|| spread(&|m| Some(m.writer_reads_per_s())))
            .flatten(),
        versions_per_s: spread(&|m| m.versions_per_s().map(|v| v.0)),
        freed_per_s: spread(&|m| m.versions_per_s().map(|v| v.1)),
        read_p50_ns: spread(&|m| m.readers.latency_ns.as_ref().map(|l| l.p50 as f64)),
        read_p99_ns: spread(&|m| m.readers.latency_ns.as_ref().map(|l| l.p99 as f64)),
        commit_p50_ns: spread(&commit(|l| l.p50)),
        commit_p99_ns: spread(&commit(|l| l.p99)),
        refusals,
        read_scaling: None,
        commit_scaling: None,
        ns_per_op: spread(&|m| m.ns_per_op).map(|s| s.median),
        op_generation_ns: spread(&|m| m.op_generation_ns).map(|s| s.median),
        timed_p50_ns: spread(&|m| m.latency_ns.values().map(|l| l.p50 as f64).reduce(f64::min))
            .map(|s| s.median),
        batched_threads: ms
            .iter()
            .filter_map(|m| m.timing.map(|t| t.batched_threads))
            .max()
            .unwrap_or(0),
        batch_units: ms
            .iter()
            .find_map(|m| m.timing.map(|t| t.batch_units))
            .unwrap_or(0),
        warmup_ns_per_op: spread(&|m| m.timing.and_then(|t| t.warmup_ns_per_op)).map(|s| s.median),
        tape_reads: ms.iter().find_map(|m| m.timing.and_then(|t| t.tape_reads)),
        isolation,
        flags: Vec::new(),
    }
}

/// `rows[i]`'s goodput of `role` against its series' base: the same backend, variant and other
/// axes, with or without the other role alike, and the fewest threads of `role` (ties: the
/// fewest of the other role).
fn scaling(rows: &[Row], i: usize, role: Role) -> Option<Scaling> {
    let me = &rows[i];
    let other = match role {
        Role::Readers => Role::Writers,
        Role::Writers => Role::Readers,
    };
    let goodput = me.goodput(role)?.median;
    let base = rows
        .iter()
        .filter(|b| same_series(me, b, role) && b.goodput(role).is_some())
        .min_by_key(|b| (b.threads(role), b.threads(other)))?;
    let base_goodput = base.goodput(role)?.median;
    if base_goodput <= 0.0 || me.threads(role) == 0 {
        return None;
    }
    // The same thread count as the base (readers fixed while writers are swept): nothing
    // scaled, so no speedup to report — and no "superlinear" flag from noise.
    if me.threads(role) == base.threads(role) && !std::ptr::eq(me, base) {
        return None;
    }
    let speedup = goodput / base_goodput;
    Some(Scaling {
        base_threads: base.threads(role),
        speedup,
        efficiency: speedup * base.threads(role) as f64 / me.threads(role) as f64,
    })
}

/// Whether `b` belongs to `a`'s scaling series of `role` (see [`scaling`]).
pub fn same_series(a: &Row, b: &Row, role: Role) -> bool {
    let other = match role {
        Role::Readers => Role::Writers,
        Role::Writers => Role::Readers,
    };
    a.backend == b.backend
        && a.variant == b.variant
        && a.axes.others() == b.axes.others()
        && (a.threads(other) > 0) == (b.threads(other) > 0)
        && b.skipped.is_none()
}

fn flags(row: &Row, cores: usize) -> Vec<Flag> {
    let mut out = row.refusals.flags();
    if row.batched_threads > 0 {
        out.push(Flag::Batched {
            threads: row.batched_threads,
            of: row.threads(Role::Readers) + row.threads(Role::Writers),
            units: row.batch_units,
        });
    }
    if row.oversubscribed {
        out.push(Flag::Oversubscribed {
            threads: row.threads(Role::Readers) + row.threads(Role::Writers),
            cores,
        });
    }
    for role in [Role::Readers, Role::Writers] {
        if let Some(s) = row.scaling(role).filter(|s| s.efficiency > SUPERLINEAR) {
            out.push(Flag::SuperLinear {
                role,
                efficiency: s.efficiency,
            });
        }
        if let Some(g) = row.goodput(role) {
            let max_over_min = g.max_over_min();
            if max_over_min > WIDE_SPREAD {
                out.push(Flag::WideSpread { role, max_over_min });
            }
        }
    }
    out
}
