//! The analysis on results built in code (typed, through the schema — no JSON written by hand),
//! where every figure is known: per-role goodput and scaling, refusal labels and comparisons,
//! flags, isolation totals and verdicts, typed sweep axes, and the gate's decisions.

use std::collections::BTreeMap;

use analysis::{
    compare::RoleComparison,
    flags::{Flag, Refusable},
    gate::{gate, GateOptions, Judgement, Metric, Status},
    scaling::Usl,
    Role,
};
use results::{
    Axes, BackendEntry, BackendRole, Caps, Checked, ClockInfo, Counts, Env, Isolation,
    LatencySummary, Measurement, NotChecked, OpClass, Order, Outcome, PointResult, ReaderStats,
    Results, RunInfo, Variant, WriterStats, SCHEMA_VERSION,
};

/// One measured point: `reads`/`commits` completed in one second.
struct P {
    backend: &'static str,
    axes: Axes,
    rep: u32,
    reads: u64,
    commits: u64,
    refused_commits: u64,
    isolation: Isolation,
}

fn lat(p99: u64) -> LatencySummary {
    LatencySummary {
        count: 100,
        p50: p99 / 4,
        p90: p99 / 2,
        p99,
        p999: p99 * 2,
        max: p99 * 10,
        mean: p99 as f64 / 3.0,
    }
}

fn point(p: P) -> PointResult {
    let mut latency_ns = BTreeMap::new();
    latency_ns.insert(OpClass::Get, lat(1_000));
    if p.axes.writers > 0 {
        latency_ns.insert(OpClass::Commit, lat(20_000));
    }
    PointResult {
        backend: p.backend.into(),
        oversubscribed: p.axes.total() > 2,
        axes: p.axes.clone(),
        variant: Variant::Sweep,
        repetition: p.rep,
        outcome: Outcome::Measured(Box::new(Measurement {
            store: None,
            timing: None,
            elapsed_s: 1.0,
            readers: ReaderStats {
                threads: p.axes.readers,
                reads: p.reads,
                snapshots: p.reads / 100,
                latency_ns: (p.axes.readers > 0).then(|| lat(1_000)),
                ..ReaderStats::default()
            },
            writers: WriterStats {
                threads: p.axes.writers,
                commits: p.commits,
                writes: p.commits * 16,
                refused_commits: p.refused_commits,
                discarded_writes: p.refused_commits * 16,
                latency_ns: (p.axes.writers > 0).then(|| lat(5_000)),
                ..WriterStats::default()
            },
            latency_ns,
            op_counts: BTreeMap::new(),
            timeline: Vec::new(),
            ns_per_op: Some(100.0),
            op_generation_ns: None,
            pinning: Vec::new(),
            open_loop_rate: None,
            isolation: p.isolation,
        })),
    }
}

fn entry(name: &str, role: BackendRole, snapshots: bool) -> BackendEntry {
    BackendEntry {
        name: name.into(),
        role,
        caps: Caps {
            snapshots,
            ..Caps::ALL
        },
        summary: String::new(),
    }
}

fn results(backends: Vec<BackendEntry>, points: Vec<PointResult>, reps: u32) -> Results {
    Results {
        schema_version: SCHEMA_VERSION,
        env: Env {
            cores: 2,
            cpu: "test".into(),
            os: "test".into(),
            rustc: "rustc".into(),
            git_commit: "0".into(),
            crate_versions: BTreeMap::new(),
            allocator: "system".into(),
            profile: "release".into(),
            clock: ClockInfo {
                source: "test".into(),
                os_clocksource: "tsc".into(),
                read_cost_ns: 10.0,
            },
            harness_version: "0".into(),
        },
        workload: workloads::Spec::preset("pattern-d").unwrap(),
        run: RunInfo {
            command: vec![],
            started_unix_s: 0,
            finished_unix_s: 0,
            interrupted: false,
            backends,
            repetitions: reps,
            warmup_s: 0.1,
            duration_s: Some(1.0),
            op_budget: None,
            seed: 42,
            quick: false,
            pinned: false,
            order: Order::Interleaved,
            timeline_interval_s: 0.1,
            checked: true,
        },
        points,
        migration: None,
    }
}

fn checked(snapshots: u64, commits: u64, axes: &Axes, violations: u64) -> Isolation {
    let mut counts = Counts {
        snapshots,
        reads: snapshots * 16,
        ..Counts::default()
    };
    counts.add(results::Class::Fractured, violations);
    Isolation::Checked(Box::new(
        Checked {
            counts,
            commits,
            ..Checked::default()
        }
        .conclude(axes.readers, axes.writers),
    ))
}

/// hybrid, a peer that refuses 99% of its commits, a clean peer and the floor, at r=1 w=1 and
/// r=3 w=1, `reps` repetitions with a small deterministic noise.
fn mixed(reps: u32) -> Results {
    let mut points = Vec::new();
    for rep in 0..reps {
        let noise = 1.0 + 0.02 * (rep % 3) as f64;
        for (r, w) in [(1, 0), (1, 1), (3, 1)] {
            let axes = Axes::threads(r, w);
            let n = |x: f64| (x * noise) as u64;
            let iso = |v| {
                if w == 0 {
                    Isolation::NotChecked {
                        reason: NotChecked::NoWriters,
                    }
                } else {
                    checked(1000, 100, &axes, v)
                }
            };
            let commits = |x: f64| if w == 0 { 0 } else { n(x) };
            points.push(point(P {
                backend: "hybrid",
                axes: axes.clone(),
                rep,
                reads: n(1e6 * r as f64),
                commits: commits(1e4),
                refused_commits: 0,
                isolation: iso(0),
            }));
            points.push(point(P {
                backend: "refuser",
                axes: axes.clone(),
                rep,
                reads: n(3e6 * r as f64),
                commits: commits(10.0),
                refused_commits: if w == 0 { 0 } else { 990 },
                isolation: iso(0),
            }));
            points.push(point(P {
                backend: "peer",
                axes: axes.clone(),
                rep,
                reads: n(5e5 * r as f64 * if r == 3 { 1.5 } else { 1.0 }),
                commits: commits(2e4),
                refused_commits: 0,
                isolation: iso(7),
            }));
            points.push(point(P {
                backend: "floor",
                axes: axes.clone(),
                rep,
                reads: n(1e7),
                commits: commits(1e6),
                refused_commits: 0,
                isolation: Isolation::NotChecked {
                    reason: NotChecked::StoresNothing,
                },
            }));
        }
    }
    results(
        vec![
            entry("hybrid", BackendRole::UnderTest, true),
            entry("refuser", BackendRole::Peer, true),
            entry("peer", BackendRole::Peer, false),
            entry("floor", BackendRole::Floor, true),
        ],
        points,
        reps,
    )
}

#[test]
fn goodput_is_per_role_and_a_refusing_peer_is_labelled_and_never_compared() {
    let a = analysis::analyse(&mixed(3));
    let row = |b: &str, r: usize| {
        a.rows
            .iter()
            .find(|x| x.backend == b && x.axes.readers == r && x.axes.writers > 0)
            .unwrap()
    };
    let refuser = row("refuser", 1);
    assert_eq!(
        refuser.flags[0],
        Flag::Refused {
            what: Refusable::Commits,
            share: 0.99
        }
    );
    assert_eq!(refuser.flags[0].text(), "refused 99.0% of commits");
    // Goodput counts only acknowledged batches.
    assert!((refuser.commits_per_s.unwrap().median - 10.2).abs() < 0.3);
    let c = a
        .comparisons
        .iter()
        .find(|c| c.peer == "refuser" && c.axes.writers > 0)
        .unwrap();
    for role in [Role::Readers, Role::Writers] {
        let RoleComparison::NotComparable { why } = c.role(role) else {
            panic!("{c:?}")
        };
        assert_eq!(why, "refuser refused 99.0% of commits");
    }
    // Readers alone: nothing refused, compared per role.
    let alone = a
        .comparisons
        .iter()
        .find(|c| c.peer == "refuser" && c.axes.writers == 0)
        .unwrap();
    assert!((alone.reads.ratio().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(alone.commits, RoleComparison::NoRole);
    let clean = a
        .comparisons
        .iter()
        .find(|c| c.peer == "peer" && c.axes.readers == 1 && c.axes.writers == 1)
        .unwrap();
    assert!((clean.reads.ratio().unwrap() - 2.0).abs() < 1e-9);
    assert!((clean.commits.ratio().unwrap() - 0.5).abs() < 1e-9);
    // The floor is no peer.
    assert!(a.comparisons.iter().all(|c| c.peer != "floor"));
}

#[test]
fn scaling_is_per_role_and_suspect_efficiency_is_flagged() {
    let a = analysis::analyse(&mixed(3));
    let row = |b: &str, r: usize| {
        a.rows
            .iter()
            .find(|x| x.backend == b && x.axes.readers == r && x.axes.writers == 1)
            .unwrap()
    };
    // 3 readers read 3× as much as 1 with the same writer: efficiency 100%.
    let s = row("hybrid", 3).read_scaling.unwrap();
    assert_eq!(s.base_threads, 1);
    assert!((s.speedup - 3.0).abs() < 1e-9 && (s.efficiency - 1.0).abs() < 1e-9);
    // The peer's 3 readers read 4.5× as much: 150%, flagged.
    let peer = row("peer", 3);
    assert!(peer.flags.iter().any(|f| matches!(
        f,
        Flag::SuperLinear { role: Role::Readers, efficiency } if (efficiency - 1.5).abs() < 1e-9
    )));
    assert!(peer.flags.iter().any(|f| matches!(
        f,
        Flag::Oversubscribed {
            threads: 4,
            cores: 2
        }
    )));
    // Three reader counts at most: no USL fit is drawn, and the reason is given.
    for s in &a.scaling.reads {
        let Usl::NotDrawn { why } = &s.usl else {
            panic!("{s:?}")
        };
        assert!(why.contains("a fit needs at least 4"), "{why}");
    }
}

#[test]
fn isolation_totals_are_the_sums_and_no_evidence_is_no_pass() {
    let r = mixed(3);
    let a = analysis::analyse(&r);
    let of = |b: &str| a.isolation.iter().find(|x| x.backend == b).unwrap();
    assert_eq!(of("hybrid").status, "strong snapshot isolation");
    assert_eq!(of("hybrid").tally.counts.snapshots, 6 * 1000);
    assert_eq!(of("peer").tally.counts.total(), 6 * 7);
    assert_eq!(of("peer").status, "read committed");
    assert!(!of("peer").fails, "the peer does not claim snapshots");
    assert_eq!(
        of("floor").status,
        "not checked: the backend stores nothing"
    );
    assert!(!of("floor").verdict.is_evidence());
    let total = analysis::isolation::file_totals(&r);
    assert_eq!(total.counts.total(), 42);
    assert_eq!(total.counts.snapshots, 3 * 6 * 1000);
    assert_eq!((total.points, total.checked), (36, 18));

    // Writers only: the final state is checked, but nothing is exercised.
    let axes = Axes::threads(0, 2);
    let solo = results(
        vec![entry("hybrid", BackendRole::UnderTest, true)],
        vec![point(P {
            backend: "hybrid",
            axes: axes.clone(),
            rep: 0,
            reads: 0,
            commits: 500,
            refused_commits: 0,
            isolation: checked(0, 500, &axes, 0),
        })],
        1,
    );
    let a = analysis::analyse(&solo);
    assert_eq!(
        a.isolation[0].status,
        "not exercised: no readers: only the final state was checked"
    );
}

#[test]
fn sweeps_read_their_axes_from_typed_fields() {
    let mut points = Vec::new();
    for theta in [0.5, 0.9, 0.99] {
        let mut axes = Axes::threads(1, 1);
        axes.theta = Some(theta);
        points.push(point(P {
            backend: "hybrid",
            axes: axes.clone(),
            rep: 0,
            reads: (1e6 * theta) as u64,
            commits: 100,
            refused_commits: 0,
            isolation: checked(10, 10, &axes, 0),
        }));
    }
    let a = analysis::analyse(&results(
        vec![entry("hybrid", BackendRole::UnderTest, true)],
        points,
        1,
    ));
    let ax = &a.sweeps.axes[0];
    assert_eq!(ax.axis, "theta");
    assert_eq!(ax.fixed, "r=1 w=1");
    assert_eq!(
        ax.reads[0].points,
        vec![(0.5, 5e5), (0.9, 9e5), (0.99, 990_000.0)]
    );
}

/// hybrid against the reference over `reps` repetitions with ±10% noise; hybrid's goodput scaled.
fn pair(reps: u32, hybrid: f64, seed: u32) -> Results {
    let mut points = Vec::new();
    for rep in 0..reps {
        let noise = |k: u32| 1.0 + 0.1 * ((((rep + k + seed) * 7919) % 11) as f64 / 10.0 - 0.5);
        let axes = Axes::threads(1, 1);
        for (b, scale, k) in [("hybrid", hybrid, 0), ("rwlock-pathmap", 1.0, 5)] {
            points.push(point(P {
                backend: b,
                axes: axes.clone(),
                rep,
                reads: (1e6 * scale * noise(k)) as u64,
                commits: (1e4 * scale * noise(k + 3)) as u64,
                refused_commits: 0,
                isolation: checked(100, 50, &axes, 0),
            }));
        }
    }
    results(
        vec![
            entry("hybrid", BackendRole::UnderTest, true),
            entry("rwlock-pathmap", BackendRole::Peer, false),
        ],
        points,
        reps,
    )
}

#[test]
fn the_gate_catches_a_30_percent_slowdown_in_8_repetitions_and_judges_nothing_it_cannot() {
    let o = GateOptions::default();
    let base = pair(8, 1.0, 0);
    let same = gate(&base, &base, &o);
    assert_eq!(same.status, Status::Pass);
    assert!(same
        .rows
        .iter()
        .all(|r| r.judgement == Judgement::Unchanged));
    // Another run of the same code: other noise, same medians within noise.
    assert_eq!(gate(&base, &pair(8, 1.0, 3), &o).status, Status::Pass);

    let slow = gate(&base, &pair(8, 0.7, 3), &o);
    assert_eq!(slow.status, Status::Regressed, "{:#?}", slow.rows);
    for metric in [Metric::Reads, Metric::Commits] {
        let row = slow.rows.iter().find(|r| r.metric == metric).unwrap();
        assert_eq!(row.judgement, Judgement::Regressed, "{row:?}");
        assert!((row.change + 0.3).abs() < 0.05, "{row:?}");
    }
    assert_eq!(slow.exit_code(), 1);

    // A single repetition judges nothing, even against itself.
    let once = pair(1, 1.0, 0);
    let g = gate(&once, &once, &o);
    assert_eq!((g.status, g.exit_code()), (Status::CannotJudge, 2));
    assert!(g.problems[0].contains("nothing could be judged"));
    // A missing reference.
    let g = gate(
        &base,
        &base,
        &GateOptions {
            reference: "nosuch".into(),
            ..o.clone()
        },
    );
    assert_eq!(g.status, Status::CannotJudge);
    assert!(
        g.problems[0].contains("`nosuch` was not measured"),
        "{:?}",
        g.problems
    );
    // A snapshot-claiming backend with a violation fails, whatever its speed.
    let mut broken = base.clone();
    if let Outcome::Measured(m) = &mut broken.points[0].outcome {
        m.isolation = checked(100, 50, &Axes::threads(1, 1), 1);
    }
    let g = gate(&base, &broken, &o);
    assert_eq!(g.status, Status::Regressed);
    assert!(g.isolation.iter().any(|l| l.current.fails));
}

/// The floor is set beside each backend with the floor of the timing that backend's threads
/// used: its batched window for a backend timed in batches, its warm-up (timed per op) for one
/// timed per op; batched rows are flagged.
#[test]
fn the_floor_a_backend_is_compared_with_is_the_one_of_its_own_timing() {
    let mut r = mixed(1);
    let timing = |batched_threads| results::OpTiming {
        batched_threads,
        batch_units: 64,
        tape_reads: Some(65_536),
        warmup_ns_per_op: Some(60.0),
    };
    r.points.retain(|p| p.axes.writers == 0);
    for p in &mut r.points {
        let Outcome::Measured(m) = &mut p.outcome else {
            continue;
        };
        let (ns, batched) = match p.backend.as_str() {
            "floor" => (15.0, 1),
            "hybrid" => (600.0, 0),
            "refuser" => (150.0, 1),
            _ => (300.0, 1),
        };
        m.ns_per_op = Some(ns);
        m.timing = Some(timing(batched));
    }
    let a = analysis::analyse(&r);
    let f = &a.floor[0];
    assert!(f.batched() && f.per_op_ns == Some(60.0), "{f:?}");
    let share = |b: &str| {
        f.shares
            .iter()
            .find(|s| s.backend == b)
            .map(|s| (s.floor_ns, s.batched))
    };
    assert_eq!(
        share("hybrid"),
        Some((60.0, false)),
        "timed per op: the per-op floor"
    );
    assert_eq!(
        share("refuser"),
        Some((15.0, true)),
        "batched: the batched floor"
    );
    let hybrid = a.rows.iter().find(|r| r.backend == "hybrid").unwrap();
    assert!(!hybrid
        .flags
        .iter()
        .any(|f| matches!(f, Flag::Batched { .. })));
    let refuser = a.rows.iter().find(|r| r.backend == "refuser").unwrap();
    assert!(refuser.flags.iter().any(|f| matches!(
        f,
        Flag::Batched {
            threads: 1,
            of: 1,
            units: 64
        }
    )));
    // Rows timed differently are not set against each other; rows timed alike are.
    let cmp = |peer: &str| {
        a.comparisons
            .iter()
            .find(|c| c.peer == peer)
            .unwrap()
            .role(Role::Readers)
            .clone()
    };
    match cmp("refuser") {
        RoleComparison::NotComparable { why } => {
            assert!(why.contains("timed differently"), "{why}")
        }
        other => panic!("hybrid per op against refuser in batches: {other:?}"),
    }
    let mut alike = r.clone();
    for p in &mut alike.points {
        if let Outcome::Measured(m) = &mut p.outcome {
            m.timing = Some(timing(0));
        }
    }
    let a3 = analysis::analyse(&alike);
    let c = a3.comparisons.iter().find(|c| c.peer == "refuser").unwrap();
    assert!(
        matches!(c.role(Role::Readers), RoleComparison::Ratio { .. }),
        "{c:?}"
    );

    // A floor timed per op in its window is its own per-op floor, and a backend timed in
    // batches then has no batched floor to be compared with.
    let mut r2 = r.clone();
    for p in &mut r2.points {
        let Outcome::Measured(m) = &mut p.outcome else {
            continue;
        };
        if p.backend == "floor" {
            m.timing = Some(timing(0));
            m.ns_per_op = Some(55.0);
        }
    }
    let a2 = analysis::analyse(&r2);
    let f2 = &a2.floor[0];
    assert!(!f2.batched() && f2.per_op_ns == Some(55.0), "{f2:?}");
    assert!(
        f2.shares
            .iter()
            .all(|s| s.backend == "hybrid" && s.floor_ns == 55.0),
        "{f2:?}"
    );
}
