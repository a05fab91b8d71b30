//! The isolation checker's self-test: every deliberately broken backend must be caught by its
//! class in a `--quick` run, `hybrid` must show none, and `check-history` must reach the same
//! verdicts offline from the `--history` file alone.

mod common;

use common::{harness, scratch, stderr};

use results::{Class, Counts, Isolation, NotChecked};

#[test]
fn every_broken_backend_is_caught_by_its_class_and_hybrid_is_clean() {
    let out = scratch("isolation-selftest");
    let history = out.join("history.jsonl");
    let workload = format!("{}/tests/data/checker.toml", env!("CARGO_MANIFEST_DIR"));
    let o = harness(&[
        "run",
        "--quick",
        "--workload",
        &workload,
        "--backends",
        "broken-torn,broken-stale,broken-lost,broken-inplace,hybrid",
        "--out",
        out.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
        "--no-progress",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let verdict_line = |backend: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(&format!("  {backend} ")) && l.contains("violations"))
            .unwrap_or_else(|| panic!("an isolation line for {backend} in\n{stdout}"))
            .to_string()
    };
    let hybrid = verdict_line("hybrid");
    assert!(
        hybrid.contains("strong snapshot isolation") && hybrid.ends_with(" 0 violations"),
        "{hybrid}"
    );
    for broken in [
        "broken-torn",
        "broken-stale",
        "broken-lost",
        "broken-inplace",
    ] {
        assert!(
            verdict_line(broken).contains("FAIL: it claims snapshots"),
            "{stdout}"
        );
    }
    let results = results::load(&out.join("results.json")).expect("results.json");
    let of = |backend: &str| {
        let p = results
            .points
            .iter()
            .find(|p| p.backend == backend && p.axes.writers > 0)
            .unwrap_or_else(|| panic!("{backend} ran"));
        let c = p
            .measured()
            .and_then(|m| m.isolation.checked())
            .unwrap_or_else(|| panic!("{backend} was checked"));
        assert!(c.counts.snapshots > 0 && c.commits > 0, "{c:?}");
        assert!(c.not_exercised.is_none(), "{c:?}");
        c.counts.clone()
    };
    let n = |c: &Counts, class: Class| c.of(class);
    let torn = of("broken-torn");
    assert!(
        n(&torn, Class::Fractured) + n(&torn, Class::Predicate) > 0,
        "torn: {torn:?}"
    );
    let stale = of("broken-stale");
    assert!(n(&stale, Class::StaleAfterAck) > 0, "stale: {stale:?}");
    let lost = of("broken-lost");
    assert!(n(&lost, Class::LostUpdate) > 0, "lost: {lost:?}");
    let inplace = of("broken-inplace");
    assert!(
        n(&inplace, Class::NonRepeatable) + n(&inplace, Class::Fractured) > 0,
        "inplace: {inplace:?}"
    );
    let hybrid = of("hybrid");
    assert_eq!(
        hybrid.total(),
        0,
        "hybrid must have no violation: {hybrid:?}"
    );

    // The history alone is enough to reach the same verdicts.
    let o = harness(&["check-history", history.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "violations → exit 1\n{text}");
    let line = |backend: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{backend} ")))
            .unwrap_or_else(|| panic!("a line for {backend} in\n{text}"))
            .to_string()
    };
    assert!(line("hybrid").contains("0 violations"), "{text}");
    assert!(line("hybrid").contains("0 off-plan commits"), "{text}");
    assert!(line("broken-stale").contains("stale-after-ack"), "{text}");
    assert!(line("broken-lost").contains("lost-update"), "{text}");
}

#[test]
fn no_check_says_so_in_the_results() {
    let out = scratch("isolation-no-check");
    let workload = format!("{}/tests/data/checker.toml", env!("CARGO_MANIFEST_DIR"));
    let o = harness(&[
        "run",
        "--quick",
        "--workload",
        &workload,
        "--backends",
        "hybrid",
        "--no-companion",
        "--no-check",
        "--out",
        out.to_str().unwrap(),
        "--no-progress",
    ]);
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("not checked: disabled by --no-check"),
        "{stdout}"
    );
    let results = results::load(&out.join("results.json")).unwrap();
    assert!(!results.run.checked);
    assert_eq!(
        results.points[0].measured().unwrap().isolation,
        Isolation::NotChecked {
            reason: NotChecked::Disabled
        }
    );
}

#[test]
fn check_history_explains_a_bad_file() {
    let dir = scratch("isolation-bad-history");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("h.jsonl");
    std::fs::write(&f, "not json\n").unwrap();
    let o = harness(&["check-history", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("harness run --history FILE"));
}
