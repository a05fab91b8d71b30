//! The instruction tier: every kernel of [`crate::ops::counted_kernels`] run a fixed number of
//! times under callgrind, which counts only inside `ops::counted` and dumps its counters after
//! each call, so one process per build yields instructions per op for every kernel.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use analysis::ab::InstrCount;

use super::Build;
use crate::ops::counted_kernels;

/// Operations per kernel.
const OPS: u64 = 1000;

/// Instructions per op of every kernel in both builds.
pub fn compare(base: &Build, current: &Build, dir: &Path) -> Result<Vec<InstrCount>, String> {
    valgrind_version()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {} ({e})", dir.display()))?;
    eprintln!("gate: counting instructions (callgrind, {OPS} ops per kernel)");
    let b = counts(base, &dir.join("base"))?;
    let c = counts(current, &dir.join("current"))?;
    Ok(b.into_iter()
        .filter_map(|(kernel, base)| {
            let current = c.iter().find(|(k, _)| *k == kernel)?.1;
            Some(InstrCount {
                kernel,
                base,
                current,
            })
        })
        .collect())
}

fn valgrind_version() -> Result<String, String> {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .ok_or_else(|| {
            "valgrind is not installed (`apt-get install valgrind`); the timing tier still ran"
                .into()
        })
}

/// `(kernel, instructions per op)` of one build.
fn counts(build: &Build, prefix: &Path) -> Result<Vec<(String, f64)>, String> {
    let out_file = PathBuf::from(format!("{}.callgrind", prefix.display()));
    let out = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=harness::ops::counted",
            "--dump-after=harness::ops::counted",
            "--dump-instr=no",
        ])
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(&build.bin)
        .args(["ops", "--count", &OPS.to_string(), "--kernel", "all"])
        .output()
        .map_err(|e| format!("cannot run valgrind ({e})"))?;
    if !out.status.success() {
        return Err(super::failure(build, "ops --count", &out.stderr));
    }
    // Dump `i` (1-based) holds the `i`-th call of `counted`: the `i`-th kernel.
    counted_kernels()
        .into_iter()
        .enumerate()
        .map(|(i, kernel)| {
            let dump = PathBuf::from(format!("{}.{}", out_file.display(), i + 1));
            let total = totals(&dump).map_err(|e| {
                format!(
                    "{}: {e} (a build whose `harness ops --count` differs from this one's?)",
                    dump.display()
                )
            })?;
            Ok((kernel, total as f64 / OPS as f64))
        })
        .collect()
}

/// The `totals:` line of a callgrind dump.
fn totals(dump: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(dump).map_err(|e| format!("cannot read it ({e})"))?;
    text.lines()
        .find_map(|l| l.strip_prefix("totals:"))
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| "no `totals:` line".into())
}
