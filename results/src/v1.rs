//! Reading version-1 files: a frozen copy of the version-1 schema and its conversion to version 2.
//!
//! Version 1 kept the isolation summary as untyped JSON, the sweep axes inside label strings,
//! rates instead of counts, and refusals as one number for all roles. Everything version 2 needs
//! is recovered exactly where version 1 recorded it; what had to be derived is listed in the
//! result's [`Migration::notes`](crate::Migration), and what cannot be recovered is left out
//! (`None`), never guessed:
//! - counts are rates × `elapsed_s` (version 1 wrote both), role latencies its `read`/`write`
//!   histograms, reads through writers its `write` count minus the writer's other operations;
//! - refused commits are the discarded staged writes divided by the batch size (±1 per writer:
//!   a window can open mid-batch), the readers' refusals the rest of `refused_ops`;
//! - the timeline has no commit counts (version 1 counted staged writes per interval, refused
//!   ones included).

use std::collections::BTreeMap;

use serde::Deserialize;
use workloads::OpKind;

use crate::{
    isolation::{Checked, Class, Counts, Isolation, NotChecked, Sample, Violation},
    point::{
        Axes, Interval, LatencySummary, Measurement, OpClass, Outcome, PointResult, ReaderStats,
        Variant, WriterStats,
    },
    run::{BackendEntry, BackendRole, Caps, Order, RunInfo},
    Env, Migration, Results, SCHEMA_VERSION,
};

/// A version-1 results file.
#[derive(Debug, Deserialize)]
pub struct ResultsV1 {
    env: Env,
    workload: workloads::Spec,
    run: RunV1,
    points: Vec<PointV1>,
}

#[derive(Debug, Deserialize)]
struct RunV1 {
    command: Vec<String>,
    started_unix_s: u64,
    finished_unix_s: u64,
    interrupted: bool,
    backends: Vec<String>,
    repetitions: u32,
    warmup_s: f64,
    duration_s: Option<f64>,
    op_budget: Option<u64>,
    seed: u64,
    quick: bool,
    pinned: bool,
    order: String,
    timeline_interval_s: f64,
}

#[derive(Debug, Deserialize)]
struct PointV1 {
    backend: String,
    label: String,
    readers: usize,
    writers: usize,
    repetition: u32,
    #[serde(default)]
    variant: String,
    oversubscribed: bool,
    elapsed_s: f64,
    skipped: Option<String>,
    throughput: ThroughputV1,
    latency_ns: BTreeMap<String, LatencySummary>,
    #[serde(default)]
    op_counts: BTreeMap<OpKind, u64>,
    timeline: Vec<IntervalV1>,
    #[serde(default)]
    refused_ops: u64,
    #[serde(default)]
    discarded_writes: u64,
    #[serde(default)]
    op_generation_ns: Option<f64>,
    ns_per_op: Option<f64>,
    capabilities: Caps,
    #[serde(default)]
    pinning: Vec<usize>,
    #[serde(default)]
    open_loop_rate: Option<f64>,
    #[serde(default)]
    isolation: Option<IsolationV1>,
}

#[derive(Debug, Deserialize)]
struct ThroughputV1 {
    write_ops_per_s: f64,
}

#[derive(Debug, Deserialize)]
struct IntervalV1 {
    t_s: f64,
    read_ops_per_s: f64,
    reader_p99_ns: u64,
    writer_p99_ns: u64,
    rss_bytes: u64,
}

#[derive(Debug, Deserialize)]
struct IsolationV1 {
    checked: bool,
    #[serde(default)]
    note: Option<String>,
    seed: u64,
    partitions: usize,
    snapshots_checked: u64,
    reads_checked: u64,
    commits_checked: u64,
    aborted_attempts: u64,
    #[serde(default)]
    skipped_deletes: u64,
    violations: BTreeMap<Class, u64>,
    first_violations: Vec<SampleV1>,
}

#[derive(Debug, Deserialize)]
struct SampleV1 {
    source: String,
    class: Class,
    partition: usize,
    cut: u64,
    key: Option<u32>,
    detail: String,
}

/// The notes every migrated file carries (what was derived rather than read).
const NOTES: [&str; 4] = [
    "counts are the recorded rates × elapsed time",
    "refused commits = discarded staged writes ÷ batch size (±1 per writer); the readers' \
     refusals are the rest of version 1's refused operations (snapshot refusals counted as reads)",
    "staged writes include the window's last, uncommitted batch (version 1 counted them)",
    "the timeline has no commit counts: version 1 recorded staged writes per interval, \
     refused ones included",
];

/// Converts a version-1 file.
pub fn migrate(old: ResultsV1) -> Result<Results, String> {
    let caps_of = |name: &str| {
        old.points
            .iter()
            .find(|p| p.backend == name)
            .map_or(Caps::NONE, |p| p.capabilities)
    };
    let backends = old
        .run
        .backends
        .iter()
        .map(|name| BackendEntry {
            name: name.clone(),
            role: role_of(name),
            caps: caps_of(name),
            summary: "(not recorded in version-1 files)".into(),
        })
        .collect();
    let checked = !old.points.iter().any(|p| {
        p.isolation
            .as_ref()
            .is_some_and(|i| i.note.as_deref() == Some(NotChecked::Disabled.describe()))
    });
    let points = old
        .points
        .iter()
        .map(|p| point(p, &old.workload, old.run.timeline_interval_s))
        .collect::<Result<Vec<_>, String>>()?;
    let r = old.run;
    Ok(Results {
        schema_version: SCHEMA_VERSION,
        env: old.env,
        workload: old.workload,
        run: RunInfo {
            command: r.command,
            started_unix_s: r.started_unix_s,
            finished_unix_s: r.finished_unix_s,
            interrupted: r.interrupted,
            backends,
            repetitions: r.repetitions,
            warmup_s: r.warmup_s,
            duration_s: r.duration_s,
            op_budget: r.op_budget,
            seed: r.seed,
            quick: r.quick,
            pinned: r.pinned,
            order: if r.order.contains("shuffle") {
                Order::Shuffled
            } else {
                Order::Interleaved
            },
            timeline_interval_s: r.timeline_interval_s,
            checked,
        },
        points,
        migration: Some(Migration {
            from_version: 1,
            notes: NOTES.iter().map(|n| n.to_string()).collect(),
        }),
    })
}

/// Version 1 recorded no roles: the names of the backends of that time decide.
fn role_of(name: &str) -> BackendRole {
    match name {
        "hybrid" => BackendRole::UnderTest,
        "null" => BackendRole::Floor,
        n if n.starts_with("broken-") => BackendRole::Broken,
        _ => BackendRole::Peer,
    }
}

/// The axes a version-1 label named (`r=3 w=1 theta=0.99 hot=0.1 batch=16`). A readers-only
/// companion's label is its sweep point's, whose writer count the axes keep.
fn axes(p: &PointV1) -> Result<Axes, String> {
    let mut a = Axes::threads(p.readers, p.writers);
    for token in p.label.split_whitespace() {
        let bad = || format!("label `{}`: cannot read `{token}`", p.label);
        let (key, value) = token.split_once('=').ok_or_else(bad)?;
        match key {
            "r" => {}
            "w" => a.writers = value.parse().map_err(|_| bad())?,
            "theta" => a.theta = Some(value.parse().map_err(|_| bad())?),
            "hot" => a.hot_fraction = Some(value.parse().map_err(|_| bad())?),
            "batch" => a.batch_size = Some(value.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        }
    }
    Ok(a)
}

fn point(p: &PointV1, spec: &workloads::Spec, interval_s: f64) -> Result<PointResult, String> {
    let axes = axes(p)?;
    let variant = match p.variant.as_str() {
        "" => Variant::Sweep,
        "readers-only" => Variant::ReadersOnly,
        other => return Err(format!("unknown variant `{other}`")),
    };
    let outcome = match &p.skipped {
        Some(reason) => Outcome::Skipped {
            reason: reason.clone(),
        },
        None => Outcome::Measured(Box::new(measurement(
            p,
            axes.batch_size.unwrap_or(spec.writers.batch_size),
            interval_s,
        )?)),
    };
    Ok(PointResult {
        backend: p.backend.clone(),
        axes,
        variant,
        repetition: p.repetition,
        oversubscribed: p.oversubscribed,
        outcome,
    })
}

fn measurement(p: &PointV1, batch_size: usize, interval_s: f64) -> Result<Measurement, String> {
    let count = |rate: f64| (rate * p.elapsed_s).round() as u64;
    let lat = |k: &str| p.latency_ns.get(k).cloned();
    let n = |k: OpKind| p.op_counts.get(&k).copied().unwrap_or(0);
    let commits = lat("commit").map_or(0, |l| l.count);
    let staged = n(OpKind::Put) + n(OpKind::Delete) + n(OpKind::DeletePrefix);
    let writer_ops = lat("write").map_or(0, |l| l.count);
    let skipped = p.isolation.as_ref().map_or(0, |i| i.skipped_deletes);
    let refused = p.refused_ops.saturating_sub(skipped);
    let refused_commits = match (p.readers, p.writers) {
        (_, 0) => 0,
        (0, _) => refused,
        _ => (p.discarded_writes as f64 / batch_size.max(1) as f64).round() as u64,
    }
    .min(refused);
    let mut latency_ns = BTreeMap::new();
    for (k, l) in &p.latency_ns {
        let class = match k.as_str() {
            "read" | "write" => continue,
            name => OpClass::ALL
                .into_iter()
                .find(|c| c.name() == name)
                .ok_or_else(|| format!("unknown latency class `{name}`"))?,
        };
        latency_ns.insert(class, l.clone());
    }
    let timeline = p
        .timeline
        .iter()
        .map(|iv| {
            let len_s = (p.elapsed_s - iv.t_s).clamp(1e-9, interval_s);
            Interval {
                t_s: iv.t_s,
                len_s,
                reads: (iv.read_ops_per_s * len_s).round() as u64,
                commits: None,
                reader_p99_ns: (iv.reader_p99_ns > 0).then_some(iv.reader_p99_ns),
                writer_p99_ns: (iv.writer_p99_ns > 0).then_some(iv.writer_p99_ns),
                rss_bytes: iv.rss_bytes,
            }
        })
        .collect();
    Ok(Measurement {
        store: None,
        timing: None,
        elapsed_s: p.elapsed_s,
        readers: ReaderStats {
            threads: p.readers,
            reads: lat("read").map_or(0, |l| l.count),
            snapshots: if p.readers > 0 {
                n(OpKind::Snapshot)
            } else {
                0
            },
            refused_reads: refused - refused_commits,
            refused_snapshots: 0,
            latency_ns: lat("read"),
        },
        writers: WriterStats {
            threads: p.writers,
            commits,
            writes: count(p.throughput.write_ops_per_s),
            refused_commits,
            discarded_writes: p.discarded_writes,
            refused_writes: 0,
            reads: writer_ops.saturating_sub(staged + commits),
            refused_reads: 0,
            skipped_by_checker: skipped,
            latency_ns: lat("write"),
        },
        latency_ns,
        op_counts: p.op_counts.clone(),
        timeline,
        ns_per_op: p.ns_per_op,
        op_generation_ns: p.op_generation_ns,
        pinning: p.pinning.clone(),
        open_loop_rate: p.open_loop_rate,
        isolation: isolation(p),
    })
}

fn isolation(p: &PointV1) -> Isolation {
    let Some(i) = &p.isolation else {
        return Isolation::NotChecked {
            reason: NotChecked::NotRecorded,
        };
    };
    if !i.checked {
        let reason = [
            NotChecked::Disabled,
            NotChecked::StoresNothing,
            NotChecked::NoWriters,
        ]
        .into_iter()
        .find(|r| i.note.as_deref() == Some(r.describe()))
        .unwrap_or(NotChecked::NotRecorded);
        return Isolation::NotChecked { reason };
    }
    let checked = Checked {
        seed: i.seed,
        partitions: i.partitions,
        counts: Counts {
            snapshots: i.snapshots_checked,
            reads: i.reads_checked,
            violations: i.violations.clone(),
        },
        commits: i.commits_checked,
        aborted_attempts: i.aborted_attempts,
        skipped_deletes: i.skipped_deletes,
        not_exercised: None,
        verdict: Default::default(),
        samples: i
            .first_violations
            .iter()
            .map(|s| Sample {
                source: s.source.clone(),
                violation: Violation {
                    class: s.class,
                    partition: s.partition,
                    cut: s.cut,
                    key: s.key,
                    detail: s.detail.clone(),
                },
            })
            .collect(),
    };
    Isolation::Checked(Box::new(checked.conclude(p.readers, p.writers)))
}
