//! What users read, end to end, on the real binary's real output: `harness run --quick` with the
//! default workload and backends, then the table it printed, the report it wrote and the gate's
//! output are held against results.json itself (read with plain loops over its points, not
//! through the analysis that produced the views).
//!
//! - the isolation totals of every view equal the sums in results.json;
//! - a backend that refused its commits is labelled with its refusal rate, and not compared;
//! - the floor (`null`) is never "pass";
//! - the backend under test is compared with its peers per role (reads with reads, commits with
//!   commits).

mod common;

use common::{harness, scratch, stderr, stdout};
use std::path::Path;

use results::{Isolation, Results};

/// `1234567` → `1,234,567` (written here, so a broken formatter in the product cannot hide a
/// wrong number).
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Checked snapshots, checked reads, checked commits and violations of `backend` (all backends
/// with `None`), summed over the points of the file.
fn sums(r: &Results, backend: Option<&str>) -> [u64; 4] {
    let mut s = [0; 4];
    for p in r
        .points
        .iter()
        .filter(|p| backend.is_none_or(|b| p.backend == b))
    {
        let Some(m) = p.measured() else { continue };
        if let Isolation::Checked(c) = &m.isolation {
            s[0] += c.counts.snapshots;
            s[1] += c.counts.reads;
            s[2] += c.commits;
            s[3] += c.counts.violations.values().sum::<u64>();
        }
    }
    s
}

/// The cells of the HTML table row with `id`, tags stripped.
fn html_row(page: &str, id: &str) -> Vec<String> {
    let start = page
        .find(&format!("<tr id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row {id} in the report"));
    let row = &page[start..start + page[start..].find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let inner = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
            let mut out = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out
        })
        .collect()
}

/// The line of `text` that starts with `prefix` and contains `needle`.
fn line<'a>(text: &'a str, prefix: &str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix) && l.contains(needle))
        .unwrap_or_else(|| panic!("no line `{prefix}…{needle}` in\n{text}"))
}

#[test]
fn the_table_the_report_and_the_gate_tell_the_same_truth_as_results_json() {
    let out = scratch("trust-quick");
    let o = harness(&[
        "run",
        "--quick",
        "--no-progress",
        "--out",
        out.to_str().unwrap(),
    ]);
    let table = stdout(&o);
    assert!(o.status.success(), "{table}\n{}", stderr(&o));
    let json = out.join("results.json");
    let r = results::load(&json).expect("the run's results.json loads");
    let page = std::fs::read_to_string(out.join("index.html")).expect("the report");
    // The gate on the file against itself: one repetition, so it judges nothing (exit 2), but
    // it prints its isolation lines and its per-role metrics.
    let g = harness(&[
        "gate",
        "--baseline",
        json.to_str().unwrap(),
        "--current",
        json.to_str().unwrap(),
    ]);
    let gate = stdout(&g);
    assert_eq!(g.status.code(), Some(2), "{gate}");
    assert!(gate.contains("nothing could be judged"), "{gate}");

    // 1. Isolation totals: per backend and for the whole file, in all three views.
    let backends: Vec<&str> = r.run.backends.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        backends,
        [
            "hybrid",
            "rwlock-pathmap",
            "imbl-arcswap",
            "concread",
            "redb",
            "zipperhead",
            "null"
        ]
    );
    for b in &backends {
        let [snapshots, reads, commits, violations] = sums(&r, Some(b));
        let figures = [snapshots, reads, commits].map(thousands);
        let row = html_row(&page, &format!("iso-{b}"));
        assert_eq!(
            row[3..7],
            [&figures[..], &[thousands(violations)]].concat(),
            "{b}: {row:?}"
        );
        let t = line(&table, &format!("  {b} "), "violations");
        for f in &figures {
            assert!(t.contains(&format!(" {f} ")), "{b}: {f} missing from `{t}`");
        }
        assert!(t.contains(&format!(" {violations} violations")), "{t}");
        let gl = line(&gate, &format!("  {b} "), "snapshots");
        let checked = format!(
            "in {} snapshots / {} reads / {} commits",
            figures[0], figures[1], figures[2]
        );
        assert!(gl.contains(&checked), "{b}: `{gl}`");
        assert!(gl.contains(&format!(" {violations} violations")), "{gl}");
    }
    let [snapshots, reads, commits, violations] = sums(&r, None);
    let total = html_row(&page, "iso-total");
    assert_eq!(
        total[3..7],
        [snapshots, reads, commits, violations].map(thousands),
        "{total:?}"
    );
    let t = line(&table, "  total ", "points checked");
    for f in [snapshots, reads, commits].map(thousands) {
        assert!(t.contains(&format!(" {f} ")), "{f} missing from `{t}`");
    }
    assert!(
        violations > 0,
        "rwlock-pathmap is read committed: some violation shows"
    );

    // 2. The seed's literal backend refuses its commits: labelled, and never compared.
    let zh = line(&table, "zipperhead ", "r=1 w=1");
    assert!(
        zh.contains("refused") && zh.contains("% of commits"),
        "{zh}"
    );
    assert!(
        page.contains("<span class=refused>refused"),
        "refusal label in the report"
    );
    let not = line(&table, "  r=1 w=1", "zipperhead");
    assert!(not.contains("not compared: zipperhead refused"), "{not}");
    let row = html_row(&page, "cmp-zipperhead-r=1 w=1");
    assert!(
        row.last().unwrap().contains("zipperhead refused"),
        "{row:?}"
    );

    // 3. The floor is never "pass".
    for view in [
        line(&table, "  null ", "violations").to_string(),
        html_row(&page, "iso-null").join(" "),
        line(&gate, "  null ", "snapshots").to_string(),
    ] {
        assert!(
            view.contains("not checked: the backend stores nothing"),
            "{view}"
        );
        assert!(!view.contains("strong") && !view.contains("pass"), "{view}");
    }
    let null = r.backend("null").unwrap();
    assert_eq!(null.role, results::BackendRole::Floor);

    // 4. Per-role comparisons in every view.
    assert!(table.contains("hybrid ÷ each peer, per role"), "{table}");
    let cmp = line(&table, "  r=1 w=1", "imbl-arcswap");
    assert_eq!(cmp.matches('×').count(), 2, "reads and commits: {cmp}");
    let row = html_row(&page, "cmp-imbl-arcswap-r=1 w=1");
    assert!(row[4].ends_with('×') && row[7].ends_with('×'), "{row:?}");
    for metric in ["reads/s ÷ rwlock-pathmap", "commits/s ÷ rwlock-pathmap"] {
        assert!(gate.contains(metric), "{metric} missing from\n{gate}");
    }
    assert!(!table.contains("total ops") && !page.contains("total ops"));

    // 5. The floor's share of each backend's ns/op, in the table and the report, is the floor's
    //    ns/op over the backend's at the same point (one repetition: its own figure), the floor
    //    of the timing the backend's threads used: hybrid, a store, is timed per op, so it is
    //    set beside the floor timed per op — the floor's window when that was timed per op, else
    //    its warm-up.
    let at = |backend: &str| -> &results::Measurement {
        r.points
            .iter()
            .find(|p| {
                p.backend == backend
                    && p.axes.label() == "r=1 w=0"
                    && p.variant == results::Variant::Sweep
            })
            .and_then(|p| p.measured())
            .unwrap_or_else(|| panic!("{backend} at r=1 w=0"))
    };
    let (null, hybrid) = (at("null"), at("hybrid"));
    assert_eq!(
        hybrid.timing.unwrap().batched_threads,
        0,
        "a store, timed per op"
    );
    let floor = match null.timing.unwrap() {
        t if t.batched() => t.warmup_ns_per_op.expect("the floor's warm-up"),
        _ => null.ns_per_op.unwrap(),
    };
    let hybrid = hybrid.ns_per_op.expect("ns per op");
    let share = format!("hybrid {hybrid:.0} ns ({:.1}%)", floor / hybrid * 100.0);
    let after = table
        .split("harness floor")
        .nth(1)
        .expect("a floor section");
    assert!(after.contains(&share), "{share} not in\n{after}");
    assert!(
        page.contains("Harness floor"),
        "the report has no floor table"
    );
    assert!(page.contains(&format!("{:.1}%", floor / hybrid * 100.0)));

    // 6. The knowledge base counts the versions it published over each window; no other store
    //    does, and the table shows them beside the commits.
    for p in &r.points {
        let Some(m) = p.measured() else { continue };
        match (p.backend.as_str(), m.writers.commits > 0) {
            ("hybrid", true) => {
                let s = m.store.expect("hybrid counts its versions");
                assert!(s.versions_published > 0, "{}: {s:?}", p.axes.label());
            }
            ("hybrid", false) => {}
            (b, _) => assert_eq!(m.store, None, "{b}"),
        }
    }
    assert!(table.contains("versions the store published"), "{table}");
}

#[test]
fn a_converted_reference_report_renders_and_says_it_was_converted() {
    let results = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../reports/reference/xeon-16core-h200-host-2026-11-26/pattern-d/results.json"
    );
    let out = scratch("trust-reference");
    let o = harness(&["report", results, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Converted from a version-1 results file"));
    let r = results::load(Path::new(results)).unwrap();
    let [snapshots, ..] = sums(&r, Some("hybrid"));
    assert_eq!(html_row(&page, "iso-hybrid")[3], thousands(snapshots));
    assert!(html_row(&page, "cmp-zipperhead-r=12 w=4")
        .last()
        .unwrap()
        .contains("zipperhead refused"));
}
