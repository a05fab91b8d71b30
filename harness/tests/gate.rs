//! The gate's exit codes on real `harness run` output: 0 only when something was judged and
//! nothing regressed, 1 on a regression it can see, 2 whenever it cannot judge — a missing
//! reference backend, an unreadable or unknown file, a file without points, nothing judged. The
//! report refuses what it cannot read the same way.
//!
//! One test (its own binary, so no other test measures at the same time): the steps share a
//! measured 8-repetition run.

mod common;

use common::{harness, scratch, text};
use std::path::{Path, PathBuf};

use analysis::gate::{gate, GateOptions, Judgement, Metric};
use results::{Outcome, Results};

/// `harness gate` on two files: (exit code, everything it printed).
fn judge(base: &Path, cur: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "gate",
        "--baseline",
        base.to_str().unwrap(),
        "--current",
        cur.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = harness(&args);
    (o.status.code(), text(&o))
}

/// A real run of `backends` at one thread, `reps` repetitions; returns its results.json.
fn run(dir: &Path, backends: &str, reps: &str, window: &str) -> PathBuf {
    let o = harness(&[
        "run",
        "--quick",
        "--threads",
        "1",
        "--repetitions",
        reps,
        "--duration",
        window,
        "--warmup",
        "100ms",
        "--backends",
        backends,
        "--no-companion",
        "--no-progress",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    dir.join("results.json")
}

/// `r` with every repetition of `backend` 30% slower: its reads, commits and staged writes
/// scaled by 0.7 over the same window (what a 30% slower build would have measured).
fn slowed(r: &Results, backend: &str) -> Results {
    let mut r = r.clone();
    let scale = |n: &mut u64| *n = (*n as f64 * 0.7).round() as u64;
    for p in r.points.iter_mut().filter(|p| p.backend == backend) {
        if let Outcome::Measured(m) = &mut p.outcome {
            scale(&mut m.readers.reads);
            scale(&mut m.writers.commits);
            scale(&mut m.writers.writes);
            for i in &mut m.timeline {
                scale(&mut i.reads);
            }
        }
    }
    r
}

/// Measurements taken to show a 30% slowdown before the test gives up.
const ATTEMPTS: usize = 6;

#[test]
fn the_gate_passes_only_what_it_judged_and_refuses_what_it_cannot_judge() {
    let dir = scratch("gate-exit-codes");
    std::fs::create_dir_all(&dir).unwrap();

    // A 30% slowdown with 8 repetitions is caught. The slowed file is the measured one with the
    // knowledge base's goodput scaled by 0.7, so the change is exactly -30%; whether 8 noisy
    // repetitions can show it depends on how quiet this machine was, so a measurement too noisy
    // to show it is taken again (at most [`ATTEMPTS`] times: on the shared 2-core development
    // machine, 3 of 20 such measurements were too noisy to show it, and noisy spells can last
    // several measurements).
    let mut caught = None;
    for attempt in 1..=ATTEMPTS {
        let base = run(
            &dir.join(format!("eight-{attempt}")),
            "hybrid,rwlock-pathmap",
            "8",
            "300ms",
        );
        let r = results::load(&base).unwrap();
        let slow = dir.join(format!("slowed-{attempt}"));
        std::fs::create_dir_all(&slow).unwrap();
        let slow = results::save(&slow, &slowed(&r, "hybrid")).unwrap();

        // A file against itself: every metric judged unchanged.
        let (code, out) = judge(&base, &base, &[]);
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("PASS") && out.contains("unchanged"), "{out}");

        // The same judgement, in process, to see the reads row.
        let outcome = gate(&r, &results::load(&slow).unwrap(), &GateOptions::default());
        let reads = outcome
            .rows
            .iter()
            .find(|row| row.metric == Metric::Reads && row.backend == "hybrid")
            .expect("a reads row for hybrid");
        assert!((reads.change + 0.30).abs() < 0.005, "{:?}", reads);
        assert_eq!(reads.repetitions, (8, 8));
        let (code, out) = judge(&base, &slow, &[]);
        if reads.judgement == Judgement::Regressed {
            assert_eq!(code, Some(1), "{out}");
            assert!(
                out.contains("REGRESSED") && out.contains("reads/s ÷ rwlock-pathmap"),
                "{out}"
            );
            caught = Some(base);
            break;
        }
        // Not caught: only because this measurement's noise hides 30%.
        assert!(
            matches!(reads.judgement, Judgement::Noise | Judgement::TooNoisy),
            "{reads:?}"
        );
        assert_eq!(code, Some(0), "{out}");
        eprintln!(
            "attempt {attempt}: too noisy to show 30% ({:?}); measuring again",
            reads.base
        );
    }
    let base = caught.expect("a 30% slowdown caught in one of the measurements");

    // The reference backend named but not measured.
    let (code, out) = judge(&base, &base, &["--reference", "nosuch"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("`nosuch` was not measured"), "{out}");

    // Files without the default reference (rwlock-pathmap).
    let other = run(
        &dir.join("no-reference"),
        "hybrid,imbl-arcswap",
        "2",
        "50ms",
    );
    let (code, out) = judge(&other, &other, &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("`rwlock-pathmap` was not measured"), "{out}");

    // One repetition: nothing can be judged, not even a file against itself.
    let once = run(&dir.join("once"), "hybrid,rwlock-pathmap", "1", "50ms");
    let (code, out) = judge(&once, &once, &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("nothing could be judged"), "{out}");

    // An unknown schema version: refused by the gate and by the report.
    let json = std::fs::read_to_string(&base).unwrap();
    assert!(json.contains("\"schema_version\": 2"));
    let v99 = dir.join("v99.json");
    std::fs::write(
        &v99,
        json.replacen("\"schema_version\": 2", "\"schema_version\": 99", 1),
    )
    .unwrap();
    for (b, c) in [(&base, &v99), (&v99, &base)] {
        let (code, out) = judge(b, c, &[]);
        assert_eq!(code, Some(2), "{out}");
        assert!(out.contains("schema_version 99"), "{out}");
    }
    let o = harness(&[
        "report",
        v99.to_str().unwrap(),
        "--out",
        dir.join("r99").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("schema_version 99"));
    assert!(
        !dir.join("r99").exists(),
        "nothing written for an unreadable file"
    );

    // An empty current file, and a file without points.
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let (code, out) = judge(&base, &empty, &[]);
    assert_eq!(code, Some(2), "{out}");
    let mut none = results::load(&base).unwrap();
    none.points.clear();
    let none_dir = dir.join("no-points");
    std::fs::create_dir_all(&none_dir).unwrap();
    let none = results::save(&none_dir, &none).unwrap();
    let (code, out) = judge(&base, &none, &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("holds no measured or skipped point"), "{out}");
    let o = harness(&[
        "report",
        none.to_str().unwrap(),
        "--out",
        dir.join("r0").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
