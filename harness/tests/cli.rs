//! End-to-end tests of the `harness` command on a tiny workload (tests/data/tiny.toml), its error
//! messages on bad input, and the results file's round trip through the schema.

mod common;

use common::{data, harness, scratch, stderr, stdout, text};

use results::{BackendRole, OpClass, Variant};

#[test]
fn tiny_run_writes_results_skips_what_a_backend_cannot_serve_and_reports_the_floor() {
    let out = scratch("tiny-run");
    let o = harness(&[
        "run",
        "--workload",
        &data("tiny.toml"),
        "--backends",
        "hybrid,dashmap,null,zipperhead",
        "--duration",
        "100ms",
        "--out",
        out.to_str().unwrap(),
        "--no-progress",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("harness floor"), "{stdout}");

    let r = results::load(&out.join("results.json"))
        .expect("results.json reads back through the schema");
    assert_eq!(r.schema_version, results::SCHEMA_VERSION);
    assert_eq!(r.workload.name, "tiny");
    assert_eq!(r.backend("null").map(|b| b.role), Some(BackendRole::Floor));
    assert!(r.env.cores >= 1 && !r.env.rustc.is_empty() && !r.env.git_commit.is_empty());
    assert!(r.env.clock.source.contains("quanta"));
    // 2 points × 4 backends + 1 readers-only companion of hybrid (the r=1 w=1 point).
    assert_eq!(
        r.points.len(),
        9,
        "{:?}",
        r.points
            .iter()
            .map(|p| (&p.backend, p.axes.label(), p.variant))
            .collect::<Vec<_>>()
    );
    for p in r
        .points
        .iter()
        .filter(|p| p.backend == "dashmap" && p.axes.readers > 0)
    {
        let why = p.skipped().expect("dashmap cannot serve scans");
        assert!(why.contains("prefix scans"), "{why}");
    }
    let null = r
        .points
        .iter()
        .find(|p| p.backend == "null" && p.axes.readers == 1)
        .and_then(|p| p.measured())
        .expect("null measured");
    let per_op = null.ns_per_op.expect("null reports its per-op cost");
    assert!(per_op > 0.0 && per_op < 100_000.0, "{per_op}");
    assert!(null.op_generation_ns.is_some());
    let get = &null.latency_ns[&OpClass::Get];
    assert!(get.count > 0 && get.p50 > 0);
    // The timeline's counts are the point's counts.
    assert!(!null.timeline.is_empty());
    let reads: u64 = null.timeline.iter().map(|i| i.reads).sum();
    assert_eq!(reads, null.readers.reads);
    let zh = r
        .points
        .iter()
        .find(|p| p.backend == "zipperhead" && p.axes.readers == 1 && p.axes.writers == 1)
        .and_then(|p| p.measured())
        .expect("zipperhead measured");
    assert!(
        zh.writers.refused_commits > 0,
        "a root reader must refuse the seed's partition writer"
    );
    let commits: u64 = zh.timeline.iter().filter_map(|i| i.commits).sum();
    assert_eq!(commits, zh.writers.commits);
    assert!(r
        .points
        .iter()
        .any(|p| p.backend == "hybrid" && p.variant == Variant::ReadersOnly));
    assert!(
        stdout.contains("read p99 with writers committing"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("points.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + r.points.len());

    // The file round-trips through the schema.
    let again = results::from_json(&results::to_json(&r), "again").unwrap();
    assert_eq!(again, r);
}

#[test]
fn bad_input_fails_with_a_message_that_names_the_fix_and_writes_nothing() {
    let out = scratch("bad-input");
    let dir = out.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--backends", "hybrid,nosuch"],
            "valid backends: hybrid, zipperhead",
        ),
        (&["--workload", "no-such-preset"], "pattern-d"),
        (&["--workload", &data("malformed.toml")], "line 5"),
        (&["--threads", "0,2"], "at least one thread"),
        (&["--backends", ""], "--backends"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["run", "--quick", "--out", dir];
        all.extend_from_slice(args);
        let o = harness(&all);
        assert!(!o.status.success(), "{args:?} should fail");
        let e = stderr(&o);
        assert!(e.contains(needle), "{args:?}: {e}");
    }
    assert!(!out.exists(), "no output for a run that never started");

    let file = scratch("out-is-a-file");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"x").unwrap();
    let o = harness(&["run", "--quick", "--out", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--out DIR"), "{}", stderr(&o));
}

#[test]
fn list_shows_presets_backends_and_capabilities() {
    let o = harness(&["list"]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "pattern-d",
        "hybrid",
        "zipperhead",
        "imbl-arcswap",
        "dashmap",
        "null",
        "snapshots",
        "prefix-scans",
    ] {
        assert!(s.contains(needle), "{needle} missing from:\n{s}");
    }
    let help = harness(&["--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("harness run --quick"));
}

/// Starts `harness ARGS` with piped output, reads stderr up to the line that says the stop
/// handler is installed (it is printed after the handler is), and sends `signal`.
fn start_then_signal(args: &[&str], ready: &str, signal: i32) -> std::process::Output {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains(ready) {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "exited before `{ready}`: {seen}"
        );
        seen.push_str(&line);
    }
    // SAFETY: a plain kill(2) of our own child.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let mut o = child.wait_with_output().unwrap();
    o.stderr = (seen + &rest).into_bytes();
    o
}

/// SIGTERM stops a run like Ctrl-C: after the current cell, with the finished cells written and
/// the run marked interrupted (exit 130). Cells of 5 s: the signal, sent as soon as the run says
/// it listens, lands before the first cell starts or during one of the first two (unless this
/// process stalls for 10 s), so fewer than three cells finish.
#[test]
fn sigterm_stops_a_run_after_the_current_cell_and_keeps_what_finished() {
    let out = scratch("sigterm-run");
    let o = start_then_signal(
        &[
            "run",
            "--workload",
            &data("tiny.toml"),
            "--backends",
            "null",
            "--threads",
            "1,2,3",
            "--duration",
            "5s",
            "--warmup",
            "10ms",
            "--no-progress",
            "--out",
            out.to_str().unwrap(),
        ],
        "Ctrl-C or SIGTERM",
        libc::SIGTERM,
    );
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", text(&o));
    // Read as written: a run stopped before its first cell has no points, which the results
    // loader refuses on purpose (nothing to report), so only the fields checked here are read.
    #[derive(serde::Deserialize)]
    struct Written {
        run: Run,
        points: Vec<serde::de::IgnoredAny>,
    }
    #[derive(serde::Deserialize)]
    struct Run {
        interrupted: bool,
    }
    let text = std::fs::read_to_string(out.join("results.json")).unwrap();
    let r: Written = serde_json::from_str(&text).unwrap();
    assert!(r.run.interrupted);
    assert!(r.points.len() < 3, "{} points", r.points.len());
}

/// Ctrl-C ends a soak early with its full summary (exit 130), however long it was asked to run.
#[test]
fn ctrl_c_ends_a_soak_with_its_summary() {
    let o = start_then_signal(
        &["stress", "--duration", "1h"],
        "Ctrl-C or SIGTERM",
        libc::SIGINT,
    );
    assert_eq!(o.status.code(), Some(130), "{}", text(&o));
    let summary = stdout(&o);
    assert!(
        summary.contains("stress summary:") && summary.contains("isolation:"),
        "{summary}"
    );
    assert!(summary.contains("nothing lost"), "{summary}");
}

/// `--timing batched` times the floor's threads in batches and keeps every count exact; the
/// checker's threads are never batched; `--timing per-op` times every op alone; `auto` batches
/// the floor alone. Op budgets keep the counts independent of the machine's speed.
#[test]
fn timing_modes_are_recorded_and_batched_counts_stay_exact() {
    let run = |mode: &str, backends: &str| {
        let out = scratch(&format!("timing-{mode}"));
        let o = harness(&[
            "run",
            "--workload",
            &data("tiny.toml"),
            "--backends",
            backends,
            "--ops",
            "5000",
            "--timing",
            mode,
            "--no-companion",
            "--out",
            out.to_str().unwrap(),
            "--no-progress",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let r = results::load(&out.join("results.json")).expect("results read back");
        (stdout(&o), r)
    };
    let (printed, r) = run("batched", "null,hybrid");
    assert!(
        printed.contains("timed in batches of 64 units"),
        "{printed}"
    );
    for p in &r.points {
        let m = p.measured().expect("measured");
        let t = m.timing.expect("timing recorded");
        let threads = p.axes.readers + p.axes.writers;
        assert_eq!(t.batch_units, 64);
        if p.axes.readers > 0 {
            assert!(t.tape_reads.is_some_and(|n| n >= 1 << 16), "{t:?}");
        } else {
            assert_eq!(t.tape_reads, None, "writers generate live");
        }
        assert!(t.warmup_ns_per_op.is_some(), "{t:?}");
        if p.backend == "null" {
            assert_eq!(t.batched_threads, threads, "{}", p.axes.label());
        } else {
            assert_eq!(
                t.batched_threads, 0,
                "the checker's threads time each op alone"
            );
        }
        // A budget of 5000 units per thread: reads exactly, batches exactly.
        assert_eq!(
            m.readers.reads,
            5000 * p.axes.readers as u64,
            "{}",
            p.backend
        );
        assert_eq!(
            m.writers.commits,
            5000 * p.axes.writers as u64,
            "{}",
            p.backend
        );
        // Each class's histogram counts every completed op of its kinds once.
        let by_class = |c: OpClass| -> u64 {
            m.op_counts
                .iter()
                .filter(|(k, _)| OpClass::of(**k) == c)
                .map(|(_, n)| n)
                .sum()
        };
        for (class, l) in &m.latency_ns {
            assert_eq!(l.count, by_class(*class), "{} {class:?}", p.backend);
        }
        let timeline: u64 = m.timeline.iter().map(|i| i.reads).sum();
        assert_eq!(timeline, m.readers.reads);
    }
    let (printed, r) = run("per-op", "null");
    assert!(printed.contains("every op timed alone"), "{printed}");
    assert!(r
        .points
        .iter()
        .all(|p| p.measured().and_then(|m| m.timing).unwrap().batched_threads == 0));
    // The default: the floor in batches, a store per op (here even where nothing is checked).
    let (_, r) = run("auto", "null,hybrid");
    for p in &r.points {
        let t = p.measured().and_then(|m| m.timing).unwrap();
        let want = if p.backend == "null" {
            p.axes.readers + p.axes.writers
        } else {
            0
        };
        assert_eq!(t.batched_threads, want, "{} {}", p.backend, p.axes.label());
    }
}
