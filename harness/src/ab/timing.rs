//! The timing tier's runs: `harness ops` of the base and the current build, alternately, in
//! pairs whose order alternates (base first, then current first, …) so that neither build always
//! runs on the other's warm machine.

use std::{path::Path, process::Command, time::Duration};

use results::ops::{ops_from_json, OpsRun};

use super::Build;

/// Kernels `harness ops` times that the gate leaves to the instruction tier.
const UNTIMED: &[&str] = &["snapshot"];

/// Why, as the gate prints it.
pub const UNTIMED_NOTE: &str = "the snapshot kernel is judged by its instructions only: at \
    about 12 ns its time moves by ±15% with where a process's memory lands (20 gates of one \
    build against itself here: too noisy in every one)";

/// The pairs without the kernels the timing tier does not judge.
pub fn without_untimed(mut pairs: Vec<(OpsRun, OpsRun)>) -> Vec<(OpsRun, OpsRun)> {
    for (b, c) in &mut pairs {
        b.kernels.retain(|k| !UNTIMED.contains(&k.kernel.as_str()));
        c.kernels.retain(|k| !UNTIMED.contains(&k.kernel.as_str()));
    }
    pairs
}

/// Runs `n` pairs; returns them as `(base, current)`.
pub fn pairs(
    base: &Build,
    current: &Build,
    n: usize,
    time: Duration,
    dir: &Path,
) -> Result<Vec<(OpsRun, OpsRun)>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {} ({e})", dir.display()))?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        crate::ops::progress(&format!("gate: timing pair {}/{n}", i + 1));
        let run = |b: &Build, side: &str| ops(b, time, &dir.join(format!("{side}-{i:02}.json")));
        let (b, c) = if i % 2 == 0 {
            let b = run(base, "base")?;
            (b, run(current, "current")?)
        } else {
            let c = run(current, "current")?;
            (run(base, "base")?, c)
        };
        out.push((b, c));
    }
    crate::ops::progress("");
    eprintln!("gate: timed {n} pairs");
    Ok(out)
}

/// One `harness ops --json FILE` run of `build`.
fn ops(build: &Build, time: Duration, file: &Path) -> Result<OpsRun, String> {
    let out = Command::new(&build.bin)
        .args(["ops", "--time", &format!("{}ms", time.as_millis().max(1))])
        .arg("--json")
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run {} ({e})", build.bin.display()))?;
    if !out.status.success() {
        return Err(super::failure(build, "ops", &out.stderr));
    }
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {} ({e})", file.display()))?;
    ops_from_json(&text, &file.display().to_string())
}
