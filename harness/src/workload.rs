//! Loading the workload and applying the command line's overrides (`--threads`, `--duration`,
//! `--quick`, …) to the spec before it is validated and expanded into points.

use std::time::Duration;

use workloads::Spec;

use crate::{error::HarnessError, limits, options::RunOptions};

/// `--quick`: warm-up, window and prefill caps that keep a whole run well under 20 s.
pub const QUICK_WARMUP: Duration = Duration::from_millis(100);
pub const QUICK_DURATION: Duration = Duration::from_millis(300);
pub const QUICK_MAX_KEYS: u64 = 20_000;

/// The command line's overrides, held to the workloads' bounds under their flag names (a spec
/// file's fields get the same checks under their field names).
fn check_flags(opts: &RunOptions) -> Result<(), HarnessError> {
    use workloads::{format_duration as f, limits as l};
    if let Some(d) = opts.duration {
        limits::flag("--duration", f(d), l::window(d))?;
    }
    if let Some(d) = opts.warmup {
        limits::flag("--warmup", f(d), l::at_most_a_day(d))?;
    }
    if let Some(n) = opts.ops {
        limits::flag("--ops", n, l::op_budget(n))?;
    }
    if let Some(n) = opts.repetitions {
        limits::flag("--repetitions", n, l::repetitions(n))?;
    }
    if let Some(threads) = &opts.threads {
        for &t in threads {
            limits::flag("--threads", t, l::threads(t))?;
        }
        if let Some(t) = l::first_duplicate(threads) {
            return Err(HarnessError::Limit {
                what: "--threads".into(),
                value: t.to_string(),
                problem: "appears twice (its points would look like repetitions)".into(),
                fix: "list each count once; use --repetitions to repeat".into(),
            });
        }
    }
    Ok(())
}

/// Loads `opts.workload` (preset, TOML or YCSB file) and applies the overrides; what a YCSB
/// translation could not honour is printed as warnings.
pub fn resolve(opts: &RunOptions) -> Result<Spec, HarnessError> {
    check_flags(opts)?;
    let err = |message: String| HarnessError::Workload {
        what: opts.workload.clone(),
        message,
        presets: Spec::preset_names().to_vec(),
    };
    let loaded = Spec::load_as(&opts.workload, opts.format, &opts.properties)
        .map_err(|e| err(e.to_string()))?;
    for w in &loaded.warnings {
        eprintln!("warning: {}: {w}", opts.workload);
    }
    let mut spec = loaded.spec;
    if opts.quick {
        spec.run.warmup = QUICK_WARMUP;
        spec.run.duration = Some(QUICK_DURATION);
        spec.run.op_budget = None;
        spec.run.repetitions = 1;
        spec.stable.keys = spec.stable.keys.min(QUICK_MAX_KEYS);
        spec.mutable.keys = spec.mutable.keys.min(QUICK_MAX_KEYS);
        spec.mutable.prefill = spec.mutable.prefill.map(|p| p.min(QUICK_MAX_KEYS));
    }
    if let Some(t) = &opts.threads {
        spec.sweep.threads = t.clone();
    }
    if let Some(d) = opts.warmup {
        spec.run.warmup = d;
    }
    if let Some(d) = opts.duration {
        spec.run.duration = Some(d);
        spec.run.op_budget = None;
    }
    if let Some(n) = opts.ops {
        spec.run.op_budget = Some(n);
        spec.run.duration = None;
    }
    if let Some(r) = opts.repetitions {
        spec.run.repetitions = r;
    }
    if let Some(s) = opts.seed {
        spec.run.seed = s;
    }
    spec.validate()
        .map_err(|e| err(format!("after command-line overrides: {e}")))?;
    Ok(spec)
}

/// The TOML `harness convert` writes: where it came from, the overrides (as `-p`), every
/// warning as a comment, then the spec.
pub fn convert_text(file: &str, overrides: &[String], loaded: &workloads::Loaded) -> String {
    let mut out = format!("# Translated from the YCSB file `{file}` by `harness convert`.\n");
    if !overrides.is_empty() {
        let p: Vec<String> = overrides.iter().map(|o| format!("-p {o}")).collect();
        out.push_str(&format!("# overrides: {}\n", p.join(" ")));
    }
    for w in &loaded.warnings {
        out.push_str(&format!("# warning: {w}\n"));
    }
    out.push('\n');
    out.push_str(&loaded.spec.to_toml());
    out
}
