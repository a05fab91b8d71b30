//! The same-machine A/B gate end to end on the real binary: `harness gate --base-bin B
//! --current-bin C` with B and C stand-ins that hand back prepared `harness ops` results, so the
//! truth is known — the same build passes (0), a kernel 10% slower regresses (1), too few pairs
//! or a base without `harness ops` cannot be judged (2). And `harness ops` itself, for real.

mod common;

use std::path::{Path, PathBuf};

use common::{harness, scratch, stderr, stdout, text};
use results::ops::{ops_from_json, KernelTiming, OpsRun, Slowdown, OPS_VERSION};

/// A stand-in harness in `dir`: `ops … --json FILE` copies its next prepared result to FILE;
/// any other subcommand is refused as an old build refuses `ops`.
fn stand_in(dir: &Path, runs: &[OpsRun], knows_ops: bool) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for (i, r) in runs.iter().enumerate() {
        std::fs::write(
            dir.join(format!("run-{i}.json")),
            serde_json::to_string(r).unwrap(),
        )
        .unwrap();
    }
    let known = if knows_ops { "ops" } else { "never" };
    let script = format!(
        "#!/bin/sh\n\
         dir='{}'\n\
         if [ \"$1\" != {known} ]; then echo \"error: unrecognized subcommand '$1'\" >&2; exit 2; fi\n\
         while [ $# -gt 0 ]; do [ \"$1\" = --json ] && out=$2; shift; done\n\
         n=$(cat \"$dir/count\" 2>/dev/null || echo 0)\n\
         echo $((n + 1)) > \"$dir/count\"\n\
         cp \"$dir/run-$n.json\" \"$out\"\n",
        dir.display()
    );
    let bin = dir.join("harness");
    std::fs::write(&bin, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// `n` runs of three kernels, each ratio × `factor(kernel)` with ±1% of fixed noise.
fn runs(n: usize, seed: f64, factor: impl Fn(&str) -> f64) -> Vec<OpsRun> {
    (0..n)
        .map(|i| OpsRun {
            ops_version: OPS_VERSION,
            points: 20_000,
            groups: 100,
            slowdown: Slowdown::default(),
            kernels: [("get-hit", 1.0), ("scan-100", 1.0), ("commit-16", 1.2)]
                .iter()
                .map(|(k, r)| KernelTiming {
                    kernel: (*k).into(),
                    kb_ns: 150.0,
                    raw_ns: 150.0,
                    ratio: r * factor(k) * (1.0 + 0.01 * (i as f64 * 2.399 + seed).sin()),
                    batches: 500,
                })
                .collect(),
        })
        .collect()
}

/// `harness gate` of `current` against `base`, `pairs` pairs, no instruction tier.
fn gate(dir: &Path, base: &Path, current: &Path, pairs: &str) -> (Option<i32>, String) {
    let o = harness(&[
        "gate",
        "--base-bin",
        base.to_str().unwrap(),
        "--current-bin",
        current.to_str().unwrap(),
        "--pairs",
        pairs,
        "--no-instructions",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    (o.status.code(), text(&o))
}

#[test]
fn the_same_build_passes_and_a_slower_kernel_regresses() {
    let dir = scratch("ab-gate");
    let base = stand_in(&dir.join("base"), &runs(20, 0.0, |_| 1.0), true);
    let same = stand_in(&dir.join("same"), &runs(20, 1.0, |_| 1.0), true);
    let (code, out) = gate(&dir, &base, &same, "20");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("PASS: 0 regressed, 0 improved, 3 unchanged"),
        "{out}"
    );
    assert!(
        out.contains("not checked: skipped (--no-instructions)"),
        "{out}"
    );
    let saved = std::fs::read_to_string(dir.join("out/gate.json")).unwrap();
    assert!(saved.contains("\"status\": \"pass\""), "{saved}");

    let base = stand_in(&dir.join("base2"), &runs(20, 0.0, |_| 1.0), true);
    let slower = |k: &str| if k == "get-hit" { 1.10 } else { 1.0 };
    let slow = stand_in(&dir.join("slow"), &runs(20, 1.0, slower), true);
    let (code, out) = gate(&dir, &base, &slow, "20");
    assert_eq!(code, Some(1), "{out}");
    let row = out.lines().find(|l| l.contains("get-hit")).unwrap();
    assert!(row.contains("REGRESSED") && row.contains("+10."), "{row}");
    assert!(out.contains("REGRESSED: 1 regressed"), "{out}");
}

#[test]
fn what_cannot_be_judged_exits_2_and_says_why() {
    let dir = scratch("ab-gate-cannot");
    // Too few pairs for a 99.9% interval.
    let base = stand_in(&dir.join("base"), &runs(5, 0.0, |_| 1.0), true);
    let cur = stand_in(&dir.join("cur"), &runs(5, 1.0, |_| 2.0), true);
    let (code, out) = gate(&dir, &base, &cur, "5");
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("CANNOT JUDGE") && out.contains("3 with too few pairs"),
        "{out}"
    );

    // A base that predates `harness ops`.
    let old = stand_in(&dir.join("old"), &[], false);
    let cur = stand_in(&dir.join("cur2"), &runs(20, 1.0, |_| 1.0), true);
    let (code, out) = gate(&dir, &old, &cur, "20");
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("has no `harness ops`"), "{out}");

    // A debug build never times itself.
    let o = harness(&[
        "gate",
        "--base-bin",
        cur.to_str().unwrap(),
        "--no-instructions",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("debug build"), "{}", stderr(&o));
}

#[test]
fn ops_times_every_kernel_and_counts_on_request() {
    let dir = scratch("ops");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ops.json");
    let o = harness(&[
        "ops",
        "--time",
        "5ms",
        "--points",
        "500",
        "--groups",
        "3",
        "--json",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let run = ops_from_json(&std::fs::read_to_string(&file).unwrap(), "ops.json").unwrap();
    let names: Vec<&str> = run.kernels.iter().map(|k| k.kernel.as_str()).collect();
    assert_eq!(
        names,
        ["snapshot", "get-hit", "get-miss", "scan-100", "commit-16"]
    );
    for k in &run.kernels {
        assert!(
            k.kb_ns > 0.0 && k.raw_ns > 0.0 && k.ratio > 0.0 && k.batches >= 5,
            "{k:?}"
        );
    }
    assert_eq!(
        run.slowdown,
        Slowdown::default(),
        "a normal build is never slowed"
    );
    assert!(stdout(&o).contains("kb ÷ raw"), "{}", stdout(&o));

    let o = harness(&["ops", "--count", "3", "--kernel", "all", "--points", "500"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = harness(&["ops", "--count", "3", "--kernel", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("get-hit/kb"), "{}", stderr(&o));
}
