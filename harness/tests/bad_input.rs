//! Bad input, tried as a careful user and as an attacker would, against every subcommand of the
//! real binary. Each case is classified automatically:
//! - **panic**: exit code 101, a "panicked" message, or death by a signal (an abort when memory
//!   runs out);
//! - **hang**: still running after [`TIMEOUT`];
//! - **silent accept**: exit code 0 — every case here is bad, so success means it was accepted;
//! - **unclear**: it failed, but the message does not start with `error` (an empty command line
//!   may answer with the usage instead), does not name the flag or field (the case's needle),
//!   runs past [`MAX_MESSAGE`] bytes, or a run left output behind;
//! - **clear error**: none of the above.
//!
//! The test prints the tally and fails unless every case is a clear error. `HARNESS_BIN=PATH`
//! classifies another build's answers to the same cases (e.g. an older release). Children run with an
//! address-space limit, so a case that would allocate without bound dies quickly (and counts as
//! a panic) instead of taking the machine down.

mod common;

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use common::scratch;

/// Longest a case may run before it counts as a hang.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Longest a clear error message may be.
const MAX_MESSAGE: usize = 4096;
/// Address space a child may map (the debug binary maps about 100 MiB).
const MEMORY_LIMIT: u64 = 4 << 30;

#[derive(Debug, PartialEq)]
enum Outcome {
    Clear,
    Panic,
    Hang,
    SilentAccept,
    Unclear(String),
}

/// One bad input: the arguments (with `{placeholders}` for the suite's files) and the text a
/// clear error must contain — the flag or field at fault.
struct Case {
    args: Vec<String>,
    needle: String,
    /// A run's `--out` directory that must not exist afterwards.
    out: Option<PathBuf>,
}

/// The suite's files, made once.
struct Files {
    dir: PathBuf,
    results: PathBuf,
    history: PathBuf,
}

/// A small valid workload; each workload case edits one field of it.
const BASE: &[(&str, &[(&str, &str)])] = &[
    ("", &[("name", "\"bad\"")]),
    (
        "run",
        &[
            ("warmup", "\"10ms\""),
            ("duration", "\"50ms\""),
            ("repetitions", "1"),
            ("seed", "7"),
        ],
    ),
    ("threads", &[("readers", "1"), ("writers", "1")]),
    ("stable", &[("keys", "1000")]),
    ("mutable", &[("keys", "100")]),
    ("readers", &[("ops_per_snapshot", "10")]),
    ("writers", &[("batch_size", "4")]),
];

/// Marks a key of [`BASE`] to remove.
const REMOVE: &str = "<remove>";

/// The base workload with `edits` applied: `("section.key", value)` sets (or adds) a key,
/// `value == REMOVE` removes it; a section that does not exist yet is added at the end.
fn workload(edits: &[(&str, &str)]) -> String {
    let mut sections: Vec<(String, Vec<(String, String)>)> = BASE
        .iter()
        .map(|(s, kv)| {
            let kv = kv.iter().map(|(k, v)| (k.to_string(), v.to_string()));
            (s.to_string(), kv.collect())
        })
        .collect();
    for (path, value) in edits {
        let (section, key) = path.rsplit_once('.').unwrap_or(("", path));
        let i = match sections.iter().position(|(s, _)| s == section) {
            Some(i) => i,
            None => {
                sections.push((section.to_string(), Vec::new()));
                sections.len() - 1
            }
        };
        let keys = &mut sections[i].1;
        keys.retain(|(k, _)| k != key);
        if *value != REMOVE {
            keys.push((key.to_string(), value.to_string()));
        }
    }
    let mut text = String::new();
    for (section, keys) in sections {
        if !section.is_empty() {
            text.push_str(&format!("\n[{section}]\n"));
        }
        for (k, v) in keys {
            text.push_str(&format!("{k} = {v}\n"));
        }
    }
    text
}

/// Workload files, each with one bad field (or a bad combination): the edits of [`BASE`] and the
/// needle.
#[rustfmt::skip]
const WORKLOAD_CASES: &[(&[(&str, &str)], &str)] = &[
    (&[("name", "\"\"")], "name"),
    (&[("nosuch", "1")], "nosuch"),
    (&[("nosuch.x", "1")], "nosuch"),
    (&[("run.warmup", "\"abc\"")], "warmup"),
    (&[("run.warmup", "\"5\"")], "warmup"),
    (&[("run.warmup", "\"1000000000s\"")], "warmup"),
    (&[("run.warmup", "\"-5ms\"")], "warmup"),
    (&[("run.duration", "\"0s\"")], "duration"),
    (&[("run.duration", "\"1us\"")], "duration"),
    (&[("run.duration", "\"1000000000s\"")], "duration"),
    (&[("run.duration", "\"99999999999999999999h\"")], "duration"),
    (&[("run.duration", "5")], "duration"),
    (&[("run.duration", "\"-1s\"")], "duration"),
    (&[("run.duration", "\"1 sec\"")], "duration"),
    (&[("run.duration", REMOVE), ("run.op_budget", "0")], "op_budget"),
    (&[("run.op_budget", "100")], "op_budget"),
    (&[("run.duration", REMOVE), ("run.op_budget", "18446744073709551615")], "op_budget"),
    (&[("run.duration", REMOVE), ("run.op_budget", "-1")], "op_budget"),
    (&[("run.repetitions", "0")], "repetitions"),
    (&[("run.repetitions", "-1")], "repetitions"),
    (&[("run.repetitions", "1000000")], "repetitions"),
    (&[("run.seed", "-1")], "seed"),
    (&[("run.seed", "\"x\"")], "seed"),
    (&[("run.nosuch", "1")], "nosuch"),
    (&[("threads.readers", "1000000")], "threads"),
    (&[("threads.writers", "1000000")], "threads"),
    (&[("threads.readers", "5000")], "threads"),
    (&[("threads.readers", "0"), ("threads.writers", "0")], "threads"),
    (&[("threads.readers", REMOVE), ("threads.writers", REMOVE), ("threads.total", "0")], "threads"),
    (&[("threads.readers", REMOVE), ("threads.writers", REMOVE), ("threads.total", "100000")], "threads"),
    (&[("threads.total", "4")], "threads.total"),
    (&[("threads.readers", REMOVE), ("threads.writers", REMOVE), ("threads.total", "4"), ("threads.ratio", "\"3-1\"")], "ratio"),
    (&[("threads.readers", REMOVE), ("threads.writers", REMOVE), ("threads.total", "4"), ("threads.ratio", "\"0:0\"")], "ratio"),
    (&[("threads.readers", "-1")], "readers"),
    (&[("threads.nosuch", "1")], "nosuch"),
    (&[("stable.keys", "0")], "stable.keys"),
    (&[("stable.keys", "4294967297")], "stable.keys"),
    (&[("stable.keys", "4294967296")], "stable.keys"),
    (&[("stable.keys", "1000000000")], "stable.keys"),
    (&[("stable.keys", "\"many\"")], "keys"),
    (&[("stable.prefix", "\"a~\"")], "stable.prefix"),
    (&[("stable.shape", "{ kind = \"nosuch\" }")], "nosuch"),
    (&[("stable.shape", "{ kind = \"bytes\", len = 0 }")], "len"),
    (&[("stable.shape", "{ kind = \"bytes\", len = 65 }")], "len"),
    (&[("stable.shape", "{ kind = \"bytes\", len = 1 }")], "len"),
    (&[("stable.shape", "{ kind = \"text\", relations = 0 }")], "relations"),
    (&[("stable.shape", "{ kind = \"text\", relations = 17 }")], "relations"),
    (&[("stable.shape", "{ kind = \"text\", objects = 0 }")], "objects"),
    (&[("stable.shape", "{ kind = \"text\", nosuch = 1 }")], "nosuch"),
    (&[("stable.nosuch", "1")], "nosuch"),
    (&[("mutable.keys", "0")], "mutable.keys"),
    (&[("mutable.keys", "4294967296")], "mutable.keys"),
    (&[("mutable.prefill", "0")], "prefill"),
    (&[("mutable.prefill", "1000")], "prefill"),
    (&[("mutable.partition", "\"\"")], "partition"),
    (&[("mutable.partition", "\"w~{i}/\"")], "partition"),
    (&[("mutable.partition", "\"w{i}\""), ("threads.writers", "11")], "partition"),
    (&[("mutable.prefix", "\"stable/x\"")], "mutable.prefix"),
    (&[("mutable.prefix", "\"~\"")], "prefix"),
    (&[("mutable.overlapping", "\"yes\"")], "overlapping"),
    (&[("readers.ops_per_snapshot", "0")], "ops_per_snapshot"),
    (&[("readers.mix", "{ get = 0, get_miss = 0, contains = 0, scan = 0, count = 0 }")], "readers.mix"),
    (&[("readers.mix", "{ get = -1 }")], "readers.mix.get"),
    (&[("readers.mix", "{ get = nan }")], "readers.mix.get"),
    (&[("readers.mix", "{ get = inf }")], "readers.mix.get"),
    (&[("readers.mix", "{ nosuch = 1 }")], "nosuch"),
    (&[("readers.regions", "{ stable = 0, mutable = 0 }")], "readers.regions"),
    (&[("readers.regions", "{ stable = -1 }")], "readers.regions.stable"),
    (&[("readers.skew", "{ kind = \"nosuch\" }")], "nosuch"),
    (&[("readers.skew", "{ kind = \"uniform\", theta = 0.9 }")], "theta"),
    (&[("readers.skew", "{ kind = \"sequential\", nosuch = 1 }")], "nosuch"),
    (&[("readers.skew", "{ kind = \"zipf\", theta = 0 }")], "theta"),
    (&[("readers.skew", "{ kind = \"zipf\", theta = -1 }")], "theta"),
    (&[("readers.skew", "{ kind = \"zipf\" }")], "theta"),
    (&[("readers.skew", "{ kind = \"zipf\", theta = nan }")], "theta"),
    (&[("readers.skew", "{ kind = \"zipf\", theta = 0.99, nosuch = 1 }")], "nosuch"),
    (&[("readers.skew", "{ kind = \"hotspot\", hot_fraction = 2, hot_ops = 0.5 }")], "hot_fraction"),
    (&[("readers.skew", "{ kind = \"hotspot\", hot_fraction = 0.2, hot_ops = -0.1 }")], "hot_ops"),
    (&[("readers.skew", "{ kind = \"hotspot\", hot_fraction = 0, hot_ops = 0.9 }")], "hot_fraction"),
    (&[("readers.skew", "{ kind = \"hotspot\", hot_fraction = 1, hot_ops = 0.5 }")], "hot_fraction"),
    (&[("readers.skew", "{ kind = \"latest\", theta = 0 }")], "theta"),
    (&[("readers.scan", "{ min = 0 }")], "scan.min"),
    (&[("readers.scan", "{ min = 10, max = 5 }")], "scan.min"),
    (&[("readers.scan", "{ depth = 3 }")], "depth"),
    (&[("readers.target_rate", "0")], "target_rate"),
    (&[("readers.target_rate", "-5")], "target_rate"),
    (&[("readers.target_rate", "0.01")], "target_rate"),
    (&[("readers.target_rate", "1e-300")], "target_rate"),
    (&[("readers.target_rate", "1e300")], "target_rate"),
    (&[("readers.nosuch", "1")], "nosuch"),
    (&[("writers.batch_size", "0")], "batch_size"),
    (&[("writers.batch_size", "1000000000")], "batch_size"),
    (&[("writers.batch_size", "-4")], "batch_size"),
    (&[("writers.mix", "{ update = 0, insert = 0, delete = 0, delete_prefix = 0, read_modify_write = 0 }")], "writers.mix"),
    (&[("writers.mix", "{ update = -1 }")], "writers.mix.update"),
    (&[("writers.mix", "{ nosuch = 1 }")], "nosuch"),
    (&[("writers.rate_limit", "0")], "rate_limit"),
    (&[("writers.rate_limit", "0.01")], "rate_limit"),
    (&[("writers.target_rate", "1e-300")], "target_rate"),
    (&[("writers.target_rate", "0")], "target_rate"),
    (&[("writers.target_rate", "0.01")], "target_rate"),
    (&[("writers.skew", "{ kind = \"uniform\", nosuch = 1 }")], "nosuch"),
    (&[("writers.skew", "{ kind = \"nosuch\" }")], "nosuch"),
    (&[("writers.nosuch", "1")], "nosuch"),
    (&[("sweep.threads", "[0]")], "sweep.threads"),
    (&[("sweep.threads", "[1000000]")], "sweep.threads"),
    (&[("sweep.threads", "[1, 1]")], "sweep.threads"),
    (&[("sweep.threads", "\"1,2\"")], "threads"),
    (&[("sweep.ratios", "[\"0:0\"]")], "ratio"),
    (&[("sweep.ratios", "[\"1:1\", \"1:1\"]")], "sweep.ratios"),
    (&[("readers.skew", "{ kind = \"uniform\" }"), ("writers.skew", "{ kind = \"uniform\" }"), ("sweep.theta", "[0.9]")], "sweep.theta"),
    (&[("readers.skew", "{ kind = \"zipf\", theta = 0.9 }"), ("sweep.theta", "[0]")], "sweep.theta"),
    (&[("readers.skew", "{ kind = \"zipf\", theta = 0.9 }"), ("sweep.theta", "[0.5, 0.5]")], "sweep.theta"),
    (&[("sweep.hot_fraction", "[0.5]")], "sweep.hot_fraction"),
    (&[("readers.skew", "{ kind = \"hotspot\", hot_fraction = 0.2, hot_ops = 0.9 }"), ("sweep.hot_fraction", "[0.5, 0]")], "sweep.hot_fraction"),
    (&[("readers.skew", "{ kind = \"hotspot\", hot_fraction = 0.2, hot_ops = 0.8 }"), ("sweep.hot_fraction", "[2]")], "sweep.hot_fraction"),
    (&[("sweep.batch_size", "[0]")], "sweep.batch_size"),
    (&[("sweep.batch_size", "[4, 4]")], "sweep.batch_size"),
    (&[("sweep.nosuch", "[1]")], "nosuch"),
];

/// Command lines (split on spaces; `{…}` placeholders) and their needles.
const COMMAND_CASES: &[(&str, &str)] = &[
    // no command, or an unknown one
    ("", "Usage"),
    ("frobnicate", "frobnicate"),
    ("--nosuch", "--nosuch"),
    ("list extra", "extra"),
    // run: flags
    ("{run} --duration abc", "--duration"),
    ("{run} --duration 5", "--duration"),
    ("{run} --duration=-1s", "--duration"),
    ("{run} --duration 0s", "--duration"),
    ("{run} --duration 1us", "--duration"),
    ("{run} --duration 1000000000s", "--duration"),
    ("{run} --duration 1000000000", "--duration"),
    ("{run} --duration 99999999999999999999h", "--duration"),
    ("{run} --warmup abc", "--warmup"),
    ("{run} --warmup 1000000000s", "--warmup"),
    ("{run} --warmup=-5ms", "--warmup"),
    ("{run} --interval 0", "--interval"),
    ("{run} --interval 0s", "--interval"),
    ("{run} --interval 1us", "--interval"),
    ("{run} --interval 1000h", "--interval"),
    ("{run} --interval abc", "--interval"),
    ("{run} --interval 1s --duration 100ms", "--interval"),
    ("{run} --interval 50ms --duration 1h", "--interval"),
    // 4096 threads × 10,000 intervals × 31 KiB: over a terabyte, refused on any machine.
    (
        "{run} --oversubscribe --threads 4096 --duration 100s --interval 10ms",
        "timeline",
    ),
    ("{run} --threads 0", "--threads"),
    ("{run} --threads 5000", "--threads"),
    ("{run} --threads 100000", "--threads"),
    ("{run} --threads abc", "--threads"),
    ("{run} --threads {empty}", "--threads"),
    ("{run} --threads 1,1", "--threads"),
    ("{run} --threads=-1", "--threads"),
    ("{run} --threads 1,,2", "--threads"),
    ("{run-be} --backends nosuch", "nosuch"),
    ("{run-be} --backends {empty}", "--backends"),
    ("{run-be} --backends null,null", "--backends"),
    ("{run-be} --backends ,", "--backends"),
    ("{run-wl} --workload nosuch-preset", "nosuch-preset"),
    (
        "{run-wl} --workload /nonexistent/x.toml",
        "/nonexistent/x.toml",
    ),
    ("{run-wl} --workload {dir}", "--workload"),
    ("{run-wl} --workload {junk}", "junk"),
    ("{run-wl} --workload {big}", "big"),
    ("{run-wl} --workload {binary}", "binary"),
    ("{run-wl} --workload {empty_file}", "empty"),
    ("{run} --ops 0", "--ops"),
    ("{run} --ops abc", "--ops"),
    ("{run} --ops=-1", "--ops"),
    ("{run} --ops 10 --duration 1s", "--ops"),
    ("{run} --ops 18446744073709551615", "--ops"),
    ("{run} --ops 100000000000000000000", "--ops"),
    ("{run} --repetitions 0", "repetitions"),
    ("{run} --repetitions abc", "--repetitions"),
    ("{run} --repetitions 4294967296", "--repetitions"),
    ("{run} --repetitions 1000000", "repetitions"),
    ("{run} --seed abc", "--seed"),
    ("{run} --seed=-1", "--seed"),
    ("run --quick --backends null --out /proc/nope", "--out"),
    (
        "run --quick --backends null --out {results}",
        "not a directory",
    ),
    ("run --quick --backends null --out {empty}", "--out"),
    ("{run} --history {results}/h.jsonl", "--history"),
    ("{run} --history /proc/nope/h.jsonl", "--history"),
    ("{run} --history {dir}", "--history"),
    ("{run} --history {empty}", "--history"),
    ("{run} --frob", "--frob"),
    ("{run} extra", "extra"),
    // report
    ("report", "RESULTS"),
    ("report /nonexistent.json --out {out}", "/nonexistent.json"),
    ("report {dir} --out {out}", "suite"),
    ("report {junk} --out {out}", "junk"),
    ("report {empty_file} --out {out}", "empty"),
    ("report {big} --out {out}", "big"),
    ("report {schema99} --out {out}", "schema"),
    ("report {nopoints} --out {out}", "points"),
    ("report {results} --out {results}", "is not a directory"),
    ("report {results}", "--out"),
    (
        "report {results} --out {out} --baseline /nonexistent.json",
        "/nonexistent.json",
    ),
    ("report {results} --out {out} --baseline {junk}", "junk"),
    // gate: files mode
    ("gate --baseline {results}", "--current"),
    ("gate --current {results}", "--baseline"),
    (
        "gate --baseline /nonexistent.json --current {results}",
        "/nonexistent.json",
    ),
    ("gate --baseline {junk} --current {results}", "junk"),
    (
        "gate --baseline {results} --current {results} --reference nosuch",
        "nosuch",
    ),
    ("gate --baseline {results} --current {empty_file}", "empty"),
    ("gate --baseline {schema99} --current {schema99}", "schema"),
    ("gate --baseline {results} --current {nopoints}", "points"),
    (
        "gate --baseline {results} --current {results} --max-regression abc",
        "--max-regression",
    ),
    (
        "gate --baseline {results} --current {results} --max-regression 200",
        "--max-regression",
    ),
    (
        "gate --baseline {results} --current {results} --max-regression=-5%",
        "--max-regression",
    ),
    // gate: A/B mode
    ("gate --max-instructions abc", "--max-instructions"),
    ("gate --pairs 0 --no-instructions", "--pairs"),
    ("gate --pairs abc", "--pairs"),
    ("gate --time 0s", "--time"),
    ("gate --time abc", "--time"),
    ("gate --time 1000000000s", "--time"),
    ("gate --base-bin /nonexistent/harness", "--base-bin"),
    ("gate --base-bin {junk}", "--base-bin"),
    ("gate --current-bin /nonexistent/harness", "--current-bin"),
    ("gate --no-timing --no-instructions", "--no-instructions"),
    ("gate --against HEAD --base-bin /bin/true", "--against"),
    (
        "gate --against no-such-revision-xyz",
        "no-such-revision-xyz",
    ),
    ("gate --out {results}", "--out"),
    // ops
    ("ops --time 0s", "--time"),
    ("ops --time abc", "--time"),
    ("ops --time 1000000000s", "--time"),
    ("ops --points 0", "--points"),
    ("ops --groups 0", "--groups"),
    ("ops --points 10000000000", "--points"),
    ("ops --groups 10000000000", "--groups"),
    ("ops --points abc", "--points"),
    ("ops --count 5", "--kernel"),
    ("ops --kernel all", "--count"),
    ("ops --count 10 --kernel nosuch", "nosuch"),
    ("ops --count 0 --kernel all", "--count"),
    ("ops --json {results}/x.json", "--json"),
    ("ops --json {dir}", "--json"),
    // stress
    ("stress --duration 0s", "--duration"),
    ("stress --duration 0", "--duration"),
    ("stress --duration abc", "--duration"),
    ("stress --duration 1000000000s", "--duration"),
    ("stress --duration 1us", "--duration"),
    ("stress --readers 0", "--readers"),
    ("stress --writers 0", "--writers"),
    ("stress --readers 5000", "--readers"),
    ("stress --writers 5000", "--writers"),
    ("stress --readers abc", "--readers"),
    ("stress --history {results}/h.jsonl", "--history"),
    ("stress --history {dir}", "--history"),
    ("stress --seed abc", "--seed"),
    // audit
    ("audit --out {results}", "--out"),
    ("audit --out /proc/nope", "--out"),
    ("audit extra", "extra"),
    // check-history
    ("check-history", "FILE"),
    ("check-history /nonexistent.jsonl", "/nonexistent.jsonl"),
    ("check-history {dir}", "suite"),
    ("check-history {empty_file}", "header"),
    ("check-history {junk}", "junk"),
    ("check-history {big}", "big"),
    ("check-history {binary}", "binary"),
    ("check-history {results}", "results.json"),
];

/// History files derived from a real one, each contradicting itself in one way: the name (it
/// becomes the file name) and the needle.
const HISTORY_EDITS: &[(&str, &str)] = &[
    ("no-final", "cannot conclude"),
    ("dropped-commit", "commit log jumps"),
    ("dropped-last-commit", "final.acked"),
    ("swapped-cut", "snapshot.cut"),
    ("removed-final-key", "final.keys"),
    ("short-acked-before", "snapshot.acked_before"),
    ("no-such-partition", "does not exist"),
    ("edited-final-acked", "final.acked"),
    ("unknown-type", "not a history event"),
    ("cut-line", "not a history event"),
    ("header-only", "cannot conclude"),
    ("event-before-header", "before any header"),
    ("no-partitions", "header.partitions"),
    ("huge-batch-size", "header.batch_size"),
];

/// Makes the suite's files: a real results.json and history from a tiny run, and junk.
fn files() -> Files {
    let dir = scratch("bad-input-suite");
    fs::create_dir_all(&dir).unwrap();
    let run = dir.join("run");
    let history = dir.join("history.jsonl");
    // Two writers, so that a snapshot's cut has entries to swap.
    let spec = dir.join("history.toml");
    let edits = [
        ("threads.readers", "2"),
        ("threads.writers", "2"),
        ("run.duration", "\"300ms\""),
    ];
    fs::write(&spec, workload(&edits)).unwrap();
    let o = common::harness(&[
        "run",
        "--workload",
        spec.to_str().unwrap(),
        "--backends",
        "hybrid",
        "--no-companion",
        "--no-progress",
        "--out",
        run.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", common::text(&o));
    let results = run.join("results.json");
    let text = fs::read_to_string(&results).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["schema_version"] = 99.into();
    fs::write(dir.join("schema99.json"), doc.to_string()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["points"] = serde_json::Value::Array(vec![]);
    fs::write(dir.join("nopoints.json"), doc.to_string()).unwrap();
    fs::write(
        dir.join("junk"),
        "this is not a results file {{{ nor toml ]]]\n",
    )
    .unwrap();
    fs::write(dir.join("big"), "x".repeat(10 << 20)).unwrap();
    fs::write(
        dir.join("binary"),
        (0..=255u8).cycle().take(4096).collect::<Vec<u8>>(),
    )
    .unwrap();
    fs::write(dir.join("empty"), "").unwrap();
    edit_histories(&dir, &history);
    Files {
        dir,
        results,
        history,
    }
}

/// Writes each of [`HISTORY_EDITS`] next to `history`.
fn edit_histories(dir: &Path, history: &Path) {
    let lines: Vec<String> = fs::read_to_string(history)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kind = |i: usize| parsed[i]["type"].as_str().unwrap().to_string();
    let first = |t: &str| (0..lines.len()).find(|&i| kind(i) == t).unwrap();
    let last = |t: &str| (0..lines.len()).rev().find(|&i| kind(i) == t).unwrap();
    let edited = |i: usize, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut all = lines.clone();
        let mut v = parsed[i].clone();
        edit(&mut v);
        all[i] = v.to_string();
        all
    };
    let without = |i: usize| {
        let mut all = lines.clone();
        all.remove(i);
        all
    };
    // A snapshot whose cut differs between partitions, so that swapping them is visible.
    let mixed = (0..lines.len())
        .find(|&i| {
            kind(i) == "snapshot"
                && parsed[i]["cut"][0] != parsed[i]["cut"][1]
                && parsed[i]["reads"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r.get("marker").is_some())
        })
        .expect("a snapshot with distinct cuts");
    // The first header's point: its last commit of writer 0.
    let final0 = first("final");
    let last_commit = (0..final0).rev().find(|&i| kind(i) == "commit").unwrap();
    for (name, _) in HISTORY_EDITS {
        let all: Vec<String> = match *name {
            "no-final" => (0..lines.len())
                .filter(|&i| kind(i) != "final")
                .map(|i| lines[i].clone())
                .collect(),
            "dropped-commit" => without(first("commit")),
            "dropped-last-commit" => without(last_commit),
            "swapped-cut" => edited(mixed, &|v| {
                let cut = v["cut"].as_array_mut().unwrap();
                cut.swap(0, 1);
                // Keep the marker reads as they were: only the cut entries are edited.
            }),
            "removed-final-key" => edited(final0, &|v| {
                v["keys"][0].as_array_mut().unwrap().remove(2);
            }),
            "short-acked-before" => edited(first("snapshot"), &|v| {
                v["acked_before"].as_array_mut().unwrap().pop();
            }),
            "no-such-partition" => edited(first("commit"), &|v| v["writer"] = 9.into()),
            "edited-final-acked" => edited(final0, &|v| {
                let a = v["acked"][0].as_u64().unwrap();
                v["acked"][0] = (a + 1).into();
            }),
            "unknown-type" => edited(first("commit"), &|v| v["type"] = "nosuch".into()),
            "cut-line" => {
                let mut all = lines.clone();
                let i = first("snapshot");
                all[i] = all[i][..all[i].len() / 2].to_string();
                all
            }
            "header-only" => vec![lines[0].clone()],
            "event-before-header" => lines[1..].to_vec(),
            "no-partitions" => edited(0, &|v| v["partitions"] = serde_json::json!([])),
            "huge-batch-size" => edited(0, &|v| v["batch_size"] = 4_000_000_000u64.into()),
            other => panic!("no edit named {other}"),
        };
        fs::write(dir.join(format!("{name}.jsonl")), all.join("\n") + "\n").unwrap();
    }
    let _ = last;
}

/// Every case: the command lines, the workload files and the edited histories.
fn cases(f: &Files) -> Vec<Case> {
    let mut cases = Vec::new();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    for (i, (line, needle)) in COMMAND_CASES.iter().enumerate() {
        let out = f.dir.join(format!("out-{i}"));
        let (workload, common) = (
            format!("--workload {}", path(&f.dir.join("base.toml"))),
            format!("run --no-companion --no-progress --out {}", path(&out)),
        );
        let args = line
            .split(' ')
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.replace("{run}", &format!("{common} {workload} --backends null"))
                    .replace("{run-wl}", &format!("{common} --backends null"))
                    .replace("{run-be}", &format!("{common} {workload}"))
                    .replace("{out}", &path(&out))
                    .replace("{dir}", &path(&f.dir))
                    .replace("{results}", &path(&f.results))
                    .replace("{schema99}", &path(&f.dir.join("schema99.json")))
                    .replace("{nopoints}", &path(&f.dir.join("nopoints.json")))
                    .replace("{junk}", &path(&f.dir.join("junk")))
                    .replace("{big}", &path(&f.dir.join("big")))
                    .replace("{binary}", &path(&f.dir.join("binary")))
                    .replace("{empty_file}", &path(&f.dir.join("empty")))
                    .replace("{empty}", "")
            })
            .flat_map(|a| a.split(' ').map(str::to_string).collect::<Vec<_>>())
            .collect();
        cases.push(Case {
            args,
            needle: needle.to_string(),
            out: line.starts_with("{run").then_some(out),
        });
    }
    fs::write(f.dir.join("base.toml"), workload(&[])).unwrap();
    for (i, (edits, needle)) in WORKLOAD_CASES.iter().enumerate() {
        let file = f.dir.join(format!("w{i}.toml"));
        fs::write(&file, workload(edits)).unwrap();
        let out = f.dir.join(format!("wout-{i}"));
        cases.push(Case {
            args: [
                "run",
                "--workload",
                &path(&file),
                "--backends",
                "null",
                "--no-companion",
                "--no-progress",
                "--out",
                &path(&out),
            ]
            .map(str::to_string)
            .to_vec(),
            needle: needle.to_string(),
            out: Some(out),
        });
    }
    for (name, needle) in HISTORY_EDITS {
        cases.push(Case {
            args: vec![
                "check-history".into(),
                path(&f.dir.join(format!("{name}.jsonl"))),
            ],
            needle: needle.to_string(),
            out: None,
        });
    }
    cases
}

/// Runs one case and classifies what happened.
fn classify(case: &Case, dir: &Path, i: usize) -> Outcome {
    let (out_path, err_path) = (
        dir.join(format!("{i}.stdout")),
        dir.join(format!("{i}.stderr")),
    );
    let bin =
        std::env::var_os("HARNESS_BIN").map_or(env!("CARGO_BIN_EXE_harness").into(), PathBuf::from);
    let mut command = Command::new(bin);
    // In the suite's directory: an output path a case leaves at its default lands there.
    command
        .current_dir(dir)
        .args(&case.args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap());
    limit_memory(&mut command);
    let mut child = command.spawn().expect("start the harness");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Outcome::Hang;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&fs::read(&err_path).unwrap()).into_owned();
    if status.code() == Some(101) || status.code().is_none() || stderr.contains("panicked") {
        return Outcome::Panic;
    }
    if status.success() {
        return Outcome::SilentAccept;
    }
    // clap answers an empty command line with its help, which is clear too.
    let help = case.args.is_empty() && stderr.contains("Usage:");
    let problem = if !stderr.trim_start().starts_with("error") && !help {
        Some("does not start with `error`".to_string())
    } else if !stderr.contains(&case.needle) {
        Some(format!("does not name `{}`", case.needle))
    } else if stderr.len() > MAX_MESSAGE {
        Some(format!("{} bytes long", stderr.len()))
    } else if case.out.as_ref().is_some_and(|o| o.exists()) {
        Some("left its --out directory behind".to_string())
    } else {
        None
    };
    match problem {
        Some(p) => Outcome::Unclear(format!(
            "{p}: {}",
            stderr.chars().take(300).collect::<String>()
        )),
        None => Outcome::Clear,
    }
}

/// Caps the child's address space (see [`MEMORY_LIMIT`]).
fn limit_memory(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: `setrlimit` is async-signal-safe, and the closure touches nothing else.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn every_bad_input_gets_a_clear_error() {
    let started = Instant::now();
    let f = files();
    let cases = cases(&f);
    assert!(cases.len() >= 150, "{} cases", cases.len());
    let logs = f.dir.join("logs");
    fs::create_dir_all(&logs).unwrap();
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { return };
                let outcome = classify(case, &logs, i);
                outcomes.lock().unwrap().push((i, outcome));
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by_key(|(i, _)| *i);
    let count = |want: fn(&Outcome) -> bool| outcomes.iter().filter(|(_, o)| want(o)).count();
    let tally = format!(
        "{} cases: {} clear errors, {} panics, {} hangs, {} silent accepts, {} unclear ({:.1?})",
        cases.len(),
        count(|o| *o == Outcome::Clear),
        count(|o| *o == Outcome::Panic),
        count(|o| *o == Outcome::Hang),
        count(|o| *o == Outcome::SilentAccept),
        count(|o| matches!(o, Outcome::Unclear(_))),
        started.elapsed()
    );
    println!("{tally}");
    let bad: Vec<String> = outcomes
        .iter()
        .filter(|(_, o)| *o != Outcome::Clear)
        .map(|(i, o)| format!("  {:?}  harness {}", o, cases[*i].args.join(" ")))
        .collect();
    assert!(bad.is_empty(), "{tally}\n{}", bad.join("\n"));
    let _ = &f.history;
}
