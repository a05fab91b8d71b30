//! The A/B gate's judgement on measurements built in code, where the truth is known: a shift
//! injected into one kernel is found and only there, noise alone is never a regression, too few
//! pairs or too much noise are not judged, and the instruction tier's threshold holds exactly.

use analysis::{
    ab::{conclude, judge_instructions, judge_timing, AbOptions, InstrCount, Tier},
    gate::{Judgement, Status},
};
use results::ops::{KernelTiming, OpsRun, Slowdown, OPS_VERSION};

const KERNELS: [(&str, f64); 3] = [("get-hit", 1.0), ("scan-100", 1.01), ("commit-16", 1.2)];

/// A run whose kernels have their nominal ratio × `factor(kernel)` × `1 + noise`.
fn run(noise: f64, factor: impl Fn(&str) -> f64) -> OpsRun {
    OpsRun {
        ops_version: OPS_VERSION,
        points: 1,
        groups: 1,
        slowdown: Slowdown::default(),
        kernels: KERNELS
            .iter()
            .map(|(k, r)| KernelTiming {
                kernel: (*k).into(),
                kb_ns: 100.0,
                raw_ns: 100.0,
                ratio: r * factor(k) * (1.0 + noise),
                batches: 100,
            })
            .collect(),
    }
}

/// `n` pairs, each side with its own deterministic noise of amplitude `amp` (a fixed sequence,
/// symmetric about 0), the current side scaled by `factor`.
fn pairs(n: usize, amp: f64, factor: impl Fn(&str) -> f64 + Copy) -> Vec<(OpsRun, OpsRun)> {
    let noise = |i: usize| amp * ((i as f64 * 2.399).sin());
    (0..n)
        .map(|i| (run(noise(2 * i), |_| 1.0), run(noise(2 * i + 1), factor)))
        .collect()
}

fn judgement(rows: &[analysis::ab::TimingRow], kernel: &str) -> Judgement {
    rows.iter().find(|r| r.kernel == kernel).unwrap().judgement
}

#[test]
fn the_same_build_is_unchanged_and_passes() {
    let o = AbOptions::default();
    let rows = judge_timing(&pairs(20, 0.01, |_| 1.0), &o);
    assert_eq!(rows.len(), 3);
    for r in &rows {
        assert_eq!(r.judgement, Judgement::Unchanged, "{r:?}");
        let c = r.change.unwrap();
        assert!(c.low < 0.0 && c.high > 0.0, "{r:?}");
    }
    let out = conclude(("a".into(), "b".into()), Ok(rows), Err("none".into()), &o);
    assert_eq!((out.status, out.exit_code()), (Status::Pass, 0));
}

#[test]
fn a_ten_percent_slower_kernel_regresses_and_only_that_one() {
    let o = AbOptions::default();
    let slower = |k: &str| if k == "get-hit" { 1.10 } else { 1.0 };
    let rows = judge_timing(&pairs(20, 0.01, slower), &o);
    assert_eq!(judgement(&rows, "get-hit"), Judgement::Regressed);
    let get = rows.iter().find(|r| r.kernel == "get-hit").unwrap();
    let c = get.change.unwrap();
    assert!((c.estimate - 0.10).abs() < 0.01 && c.low > 0.05, "{c:?}");
    assert_eq!(judgement(&rows, "scan-100"), Judgement::Unchanged);
    assert_eq!(judgement(&rows, "commit-16"), Judgement::Unchanged);
    let out = conclude(("a".into(), "b".into()), Ok(rows), Err("none".into()), &o);
    assert_eq!((out.status, out.exit_code()), (Status::Regressed, 1));
}

#[test]
fn a_faster_kernel_improves() {
    let faster = |k: &str| if k == "commit-16" { 0.85 } else { 1.0 };
    let rows = judge_timing(&pairs(20, 0.01, faster), &AbOptions::default());
    assert_eq!(judgement(&rows, "commit-16"), Judgement::Improved);
}

#[test]
fn below_the_threshold_or_within_the_noise_is_never_a_regression() {
    let o = AbOptions::default();
    // 3% slower, clearly: real, but under the 5% threshold.
    let rows = judge_timing(&pairs(20, 0.005, |_| 1.03), &o);
    assert!(
        rows.iter().all(|r| r.judgement == Judgement::Unchanged),
        "{rows:?}"
    );
    // ±40% noise: nothing can be said either way.
    let rows = judge_timing(&pairs(20, 0.4, |_| 1.0), &o);
    assert!(
        rows.iter().all(|r| r.judgement == Judgement::TooNoisy),
        "{rows:?}"
    );
}

#[test]
fn too_few_pairs_judge_nothing_and_nothing_judged_cannot_pass() {
    let o = AbOptions::default();
    let rows = judge_timing(&pairs(10, 0.01, |_| 1.5), &o);
    assert!(rows
        .iter()
        .all(|r| r.judgement == Judgement::TooFewRepetitions && r.change.is_none()));
    let out = conclude(
        ("a".into(), "b".into()),
        Ok(rows),
        Err("valgrind is not installed".into()),
        &o,
    );
    assert_eq!((out.status, out.exit_code()), (Status::CannotJudge, 2));
    assert!(matches!(&out.instructions, Tier::NotChecked(why) if why.contains("valgrind")));
}

#[test]
fn instruction_counts_are_judged_against_the_threshold_exactly() {
    let o = AbOptions::default(); // 1%
    let count = |kernel: &str, base: f64, current: f64| InstrCount {
        kernel: kernel.into(),
        base,
        current,
    };
    let rows = judge_instructions(
        &[
            count("get-hit/kb", 1000.0, 1020.0),
            count("get-miss/kb", 1000.0, 1009.0),
            count("commit-16/kb", 1000.0, 970.0),
        ],
        &o,
    );
    let j: Vec<Judgement> = rows.iter().map(|r| r.judgement).collect();
    assert_eq!(
        j,
        [
            Judgement::Regressed,
            Judgement::Unchanged,
            Judgement::Improved
        ]
    );
    // The instruction tier alone decides when the timing tier could not run.
    let out = conclude(
        ("a".into(), "b".into()),
        Err("the base has no `harness ops`".into()),
        Ok(rows),
        &o,
    );
    assert_eq!(out.status, Status::Regressed);
}

/// A shift in the raw trie's own code (the compiler laid pathmap out differently) moves a kb
/// kernel and its raw twin alike: not a regression of the knowledge base, and said in a note.
/// Growth in the kb kernel alone is.
#[test]
fn a_kb_kernel_is_judged_beyond_its_raw_twin() {
    let o = AbOptions::default(); // 1%
    let count = |kernel: &str, base: f64, current: f64| InstrCount {
        kernel: kernel.into(),
        base,
        current,
    };
    // Measured in CI: get-hit kb 728.1 → 742.9 and raw 729.5 → 744.2, a harness-only change.
    let shifted = [
        count("get-hit/kb", 728.1, 742.9),
        count("get-hit/raw", 729.5, 744.2),
        count("commit-16/kb", 93_193.9, 91_048.1),
        count("commit-16/raw", 69_470.9, 67_326.9),
        count("hot-loop", 804.9, 807.9),
    ];
    let rows = judge_instructions(&shifted, &o);
    let j: Vec<(&str, Judgement)> = rows
        .iter()
        .map(|r| (r.kernel.as_str(), r.judgement))
        .collect();
    assert_eq!(
        j,
        [
            ("get-hit/kb", Judgement::Unchanged),
            ("get-hit/raw", Judgement::Reference),
            ("commit-16/kb", Judgement::Unchanged),
            ("commit-16/raw", Judgement::Reference),
            ("hot-loop", Judgement::Unchanged),
        ]
    );
    assert!(rows[0].change.abs() < 0.001 && rows[0].raw_change.unwrap() > 0.019);
    let out = conclude(
        ("a".into(), "b".into()),
        Err("skipped".into()),
        Ok(rows),
        &o,
    );
    assert_eq!(out.status, Status::Pass);
    assert!(
        out.notes.iter().any(|n| n.contains("get-hit/raw +2.0%")),
        "{:?}",
        out.notes
    );

    // The knowledge base's get alone grows by 3%: regressed, whatever the twin did.
    let slowed = [
        count("get-hit/kb", 735.0, 757.0),
        count("get-hit/raw", 736.0, 736.0),
    ];
    let rows = judge_instructions(&slowed, &o);
    assert_eq!(rows[0].judgement, Judgement::Regressed);
    assert_eq!(rows[1].judgement, Judgement::Reference);
    let out = conclude(
        ("a".into(), "b".into()),
        Err("skipped".into()),
        Ok(rows),
        &o,
    );
    assert_eq!(out.status, Status::Regressed);
}
