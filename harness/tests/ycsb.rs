//! YCSB workload files on the real binary: `harness run --workload FILE` runs one as it is
//! (detected, checked, its writers' own reads reported), `-p` overrides it and names what it
//! cannot honour, and `harness convert` prints the TOML that runs the same workload.

mod common;

use common::{harness, scratch, stderr, stdout, text};

use results::{Isolation, Verdict};
use workloads::{Format, OpKind, Spec};

fn ycsb(name: &str) -> String {
    format!("{}/../workloads/ycsb/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_ycsb_file_runs_as_it_is_and_is_checked() {
    let out = scratch("ycsb-run");
    let o = harness(&[
        "run",
        "--workload",
        &ycsb("workloada"),
        "--quick",
        "--backends",
        "hybrid,rwlock-pathmap",
        "--no-progress",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains("reads done by the writer threads themselves"),
        "{table}"
    );
    let r = results::load(&out.join("results.json")).unwrap();
    assert_eq!(r.workload.name, "workloada");
    for p in &r.points {
        let m = p.measured().expect("both backends serve YCSB A");
        assert_eq!(
            (p.axes.readers, p.axes.writers),
            (0, 1),
            "one client thread"
        );
        assert!(
            m.writers.reads > 0 && m.writers.commits > 0,
            "{}",
            p.backend
        );
        let n = |k: OpKind| m.op_counts.get(&k).copied().unwrap_or(0);
        // Every YCSB read takes its snapshot; every update is its own batch. (The window may
        // open between a unit's ops and close between them: one op of difference at most.)
        assert!(
            n(OpKind::Get).abs_diff(n(OpKind::Snapshot)) <= 1,
            "{}",
            p.backend
        );
        assert!(
            n(OpKind::Put).abs_diff(n(OpKind::Commit)) <= 1,
            "{}",
            p.backend
        );
        let share = n(OpKind::Get) as f64 / (n(OpKind::Get) + n(OpKind::Put)) as f64;
        assert!(
            (share - 0.5).abs() < 0.05,
            "{}: read share {share}",
            p.backend
        );
        let Isolation::Checked(c) = &m.isolation else {
            panic!("{}: not checked", p.backend)
        };
        assert!(c.counts.snapshots > 0, "the clients' snapshots are checked");
        if p.backend == "hybrid" {
            assert_eq!(c.verdict, Verdict::StrongSnapshotIsolation, "{c:?}");
        }
    }
}

#[test]
fn overrides_apply_and_what_cannot_be_honoured_is_named() {
    let out = scratch("ycsb-overrides");
    let o = harness(&[
        "run",
        "--workload",
        &ycsb("workloadc"),
        "--quick",
        "--backends",
        "hybrid",
        "--no-progress",
        "-p",
        "threadcount=2",
        "-p",
        "fieldcount=20",
        "-p",
        "frobnicate=1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning") && err.contains("`fieldcount"),
        "{err}"
    );
    assert!(err.contains("`frobnicate`"), "{err}");
    let r = results::load(&out.join("results.json")).unwrap();
    assert!(r
        .points
        .iter()
        .all(|p| p.axes.readers == 2 && p.axes.writers == 0));
}

#[test]
fn wrong_format_and_misplaced_overrides_are_refused() {
    let o = harness(&[
        "run",
        "--workload",
        &ycsb("workloada"),
        "--format",
        "toml",
        "--quick",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        stderr(&o).contains("malformed workload spec"),
        "{}",
        text(&o)
    );
    let o = harness(&[
        "run",
        "--workload",
        "pattern-d",
        "-p",
        "recordcount=5",
        "--quick",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("YCSB"), "{}", text(&o));
    let o = harness(&[
        "run",
        "--workload",
        &ycsb("workloada"),
        "-p",
        "recordcount=lots",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("recordcount"), "{}", text(&o));
    let o = harness(&["convert", "/no/such/workload"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn convert_prints_the_toml_that_runs_the_same_workload() {
    let o = harness(&["convert", &ycsb("workloade"), "-p", "insertorder=hashed"]);
    assert!(o.status.success(), "{}", text(&o));
    let toml = stdout(&o);
    assert!(toml.contains("# warning: `insertorder`"), "{toml}");
    let converted = Spec::from_toml(&toml, "converted").unwrap();
    let loaded = Spec::load_as(
        &ycsb("workloade"),
        Format::Ycsb,
        &["insertorder=hashed".into()],
    )
    .unwrap();
    assert_eq!(converted, loaded.spec);

    let out = scratch("ycsb-convert");
    std::fs::create_dir_all(&out).unwrap();
    let file = out.join("e.toml");
    let o = harness(&[
        "convert",
        &ycsb("workloade"),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let again = Spec::load_as(file.to_str().unwrap(), Format::Auto, &[]).unwrap();
    assert_eq!(again.format, Format::Toml);
    let direct = Spec::load_as(&ycsb("workloade"), Format::Auto, &[]).unwrap();
    assert_eq!(
        again.spec, direct.spec,
        "the written TOML is the file's translation"
    );
}
