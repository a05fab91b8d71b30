//! The load path on real files: the committed version-1 results (the first reference run and the
//! old gate baselines) read through the migration, keep every isolation count and goodput figure
//! they recorded, and come back unchanged through save and load; the later reference run reads
//! back as written; unknown versions and empty files are refused with a message that says how to
//! make a readable file.

use std::path::{Path, PathBuf};

use results::{Isolation, LoadError, Verdict, SCHEMA_VERSION};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

/// The version-1 files committed to the repository.
const V1_FILES: [&str; 2] = [
    "reports/reference/xeon-16core-h200-host-2026-11-26/pattern-d/results.json",
    "reports/reference/xeon-16core-h200-host-2026-11-26/pattern-a/results.json",
];

/// Sums of a version-1 file, read apart from the migration with only the fields summed:
/// (violations, snapshots checked, reads checked).
fn v1_isolation_sums(text: &str) -> (u64, u64, u64) {
    #[derive(serde::Deserialize)]
    struct File {
        points: Vec<Point>,
    }
    #[derive(serde::Deserialize)]
    struct Point {
        isolation: Option<Iso>,
    }
    #[derive(serde::Deserialize)]
    struct Iso {
        checked: bool,
        total_violations: u64,
        snapshots_checked: u64,
        reads_checked: u64,
    }
    let f: File = serde_json::from_str(text).unwrap();
    let mut sums = (0, 0, 0);
    for i in f.points.iter().filter_map(|p| p.isolation.as_ref()) {
        if i.checked {
            sums.0 += i.total_violations;
            sums.1 += i.snapshots_checked;
            sums.2 += i.reads_checked;
        }
    }
    sums
}

#[test]
fn version_1_files_migrate_with_every_count_kept() {
    for rel in V1_FILES {
        let path = repo(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\"schema_version\": 1"),
            "{rel} is kept as measured"
        );
        let r = results::load(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(r.schema_version, SCHEMA_VERSION);
        let m = r.migration.as_ref().expect("a migration note");
        assert_eq!(m.from_version, 1);
        let (mut violations, mut snapshots, mut reads) = (0, 0, 0);
        for p in &r.points {
            if let Some(c) = p.measured().and_then(|m| m.isolation.checked()) {
                violations += c.counts.total();
                snapshots += c.counts.snapshots;
                reads += c.counts.reads;
            }
        }
        assert_eq!(
            (violations, snapshots, reads),
            v1_isolation_sums(&text),
            "{rel}"
        );
        // Points without writers earn no verdict.
        for p in r.points.iter().filter(|p| p.axes.writers == 0) {
            if let Some(m) = p.measured() {
                let v = m.isolation.verdict();
                assert!(
                    matches!(v, Verdict::NotExercised | Verdict::NotChecked),
                    "{rel}: {v:?}"
                );
            }
        }
        // Save and load again: the same file.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("migrated");
        std::fs::create_dir_all(&dir).unwrap();
        let saved = results::save(&dir, &r).unwrap();
        assert_eq!(results::load(&saved).unwrap(), r, "{rel}");
    }
}

/// The later reference run, written at the current schema version: it loads as written, every
/// measured point says how its ops were timed, and it comes back unchanged through save and load.
#[test]
fn the_current_reference_run_reads_back_as_written() {
    for w in ["pattern-d", "pattern-a", "writers-sweep"] {
        let rel = format!("reports/reference/xeon-16core-h200-host/{w}/results.json");
        let r = results::load(&repo(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(
            (r.schema_version, r.migration.as_ref()),
            (SCHEMA_VERSION, None)
        );
        let measured: Vec<_> = r.points.iter().filter_map(|p| p.measured()).collect();
        assert!(!measured.is_empty(), "{rel}");
        assert!(measured.iter().all(|m| m.timing.is_some()), "{rel}");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("reference-{w}"));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(
            results::load(&results::save(&dir, &r).unwrap()).unwrap(),
            r,
            "{rel}"
        );
    }
}

#[test]
fn the_seed_literal_backend_is_seen_refusing_its_commits_in_the_reference_run() {
    let path = repo(V1_FILES[0]);
    let r = results::load(&path).unwrap();
    let zh = r
        .points
        .iter()
        .filter(|p| p.backend == "zipperhead" && p.axes.writers > 0)
        .filter_map(|p| p.measured())
        .collect::<Vec<_>>();
    assert!(!zh.is_empty());
    let (commits, refused): (u64, u64) = zh.iter().fold((0, 0), |(c, f), m| {
        (c + m.writers.commits, f + m.writers.refused_commits)
    });
    assert!(
        refused > 10 * commits,
        "commits {commits}, refused {refused}"
    );
}

#[test]
fn unknown_versions_empty_files_and_junk_are_refused_with_the_fix() {
    type Is = fn(&LoadError) -> bool;
    let cases: [(&str, Is, &str); 4] = [
        (
            r#"{"schema_version": 99}"#,
            |e| matches!(e, LoadError::UnknownVersion { found: 99, .. }),
            "re-run `harness run`",
        ),
        (
            "not json",
            |e| matches!(e, LoadError::NotResults { .. }),
            "written by `harness run`",
        ),
        (
            r#"{"schema_version": 2, "points": []}"#,
            |e| matches!(e, LoadError::Malformed { version: 2, .. }),
            "re-run",
        ),
        (
            "",
            |e| matches!(e, LoadError::NotResults { .. }),
            "results.json",
        ),
    ];
    for (text, is, fix) in cases {
        let e = results::from_json(text, "x.json").unwrap_err();
        assert!(is(&e), "{text}: {e:?}");
        assert!(e.to_string().contains(fix), "{text}: {e}");
        assert!(e.to_string().contains("x.json"), "{e}");
    }
    // A well-formed file without points.
    let r = results::load(&repo(V1_FILES[1])).unwrap();
    let mut empty = r.clone();
    empty.points.clear();
    let e = results::from_json(&results::to_json(&empty), "empty.json").unwrap_err();
    assert!(matches!(e, LoadError::NoPoints { .. }), "{e:?}");
    // A point whose backend the run does not list.
    let mut stray = r;
    stray.points[0].backend = "nosuch".into();
    let e = results::from_json(&results::to_json(&stray), "stray.json").unwrap_err();
    assert!(e.to_string().contains("nosuch"), "{e}");
    assert!(matches!(
        results::load(Path::new("/no/such/file.json")),
        Err(LoadError::Io { .. })
    ));
    let _ = Isolation::NotChecked {
        reason: results::NotChecked::Disabled,
    };
}
