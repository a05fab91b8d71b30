//! The same-machine A/B gate (`harness gate`, without `--baseline`): builds the base revision
//! ([`base`]), runs the base and current harness binaries alternately on this machine — the
//! knowledge base's kernels timed beside the raw trie ([`timing`]) and counted instruction by
//! instruction under callgrind ([`icount`]) — and hands the measurements to
//! `analysis::ab` for the judgement. Every run's output is kept under `--out`, with the verdict
//! in `gate.json`.
//!
//! May depend on: git, cargo and valgrind as programs; the results schema (the `harness ops`
//! format), the analysis and the report. No backend or runner: both builds are separate
//! processes.

mod base;
mod icount;
mod timing;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use analysis::ab::{conclude, judge_instructions, judge_timing, AbOptions, AbOutcome};

/// What `harness gate` was asked for, in A/B mode.
#[derive(Debug, Clone)]
pub struct AbArgs {
    pub against: Option<String>,
    pub base_bin: Option<PathBuf>,
    pub current_bin: Option<PathBuf>,
    /// Timing-tier pairs (`None`: skip the tier).
    pub pairs: Option<usize>,
    pub time: Duration,
    pub instructions: bool,
    pub out: PathBuf,
    pub judge: AbOptions,
}

/// Why a build failed to run a subcommand: a concise line for a build that predates it.
pub fn failure(build: &Build, subcommand: &str, stderr: &[u8]) -> String {
    let err = String::from_utf8_lossy(stderr);
    match err.contains("unrecognized subcommand") {
        true => format!(
            "{} has no `harness {subcommand}` (it predates the A/B gate): gate against a later \
             revision, or compare results files with --baseline/--current",
            build.label
        ),
        false => format!(
            "`harness {subcommand}` of {} failed: {}",
            build.label,
            err.trim()
        ),
    }
}

/// A harness binary to measure, and how the output names it.
#[derive(Debug, Clone)]
pub struct Build {
    pub bin: PathBuf,
    pub label: String,
    /// Whether it is this very process's binary, built from the working tree.
    pub own: bool,
}

/// Runs the A/B gate; exit 0 pass, 1 regressed, 2 cannot judge.
pub fn gate(a: &AbArgs) -> ExitCode {
    match run(a) {
        Ok(outcome) => {
            let json = serde_json::to_string_pretty(&outcome).expect("plain data serializes");
            let saved = results::fs::write_atomic(&a.out.join("gate.json"), json.as_bytes());
            print!("{}", report::gate::render_ab(&outcome));
            if let Err(e) = saved {
                eprintln!("warning: cannot write {}/gate.json ({e})", a.out.display());
            }
            ExitCode::from(outcome.exit_code())
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Most pairs of the timing tier.
const MAX_PAIRS: usize = 1000;

/// Everything that can be checked before a build or a run: the flags, the binaries, the
/// revision and `--out`.
fn check_args(a: &AbArgs) -> Result<(), String> {
    if let Some(n) = a.pairs {
        if !(1..=MAX_PAIRS).contains(&n) {
            return Err(format!(
                "--pairs `{n}`: must be in 1..={MAX_PAIRS} (15 or more for a timing verdict)"
            ));
        }
    }
    crate::ops::check_args(a.time, 1, 1, None, None)?;
    for (flag, bin) in [
        ("--base-bin", &a.base_bin),
        ("--current-bin", &a.current_bin),
    ] {
        if let Some(p) = bin {
            if !p.is_file() {
                return Err(format!(
                    "{flag} `{}`: no such file; give the path of a harness binary",
                    p.display()
                ));
            }
            if !is_executable(p) {
                return Err(format!(
                    "{flag} `{}`: not executable; give the path of a harness binary",
                    p.display()
                ));
            }
        }
    }
    if let Some(rev) = &a.against {
        base::commit_of(rev).map_err(|e| format!("--against: {e}"))?;
    }
    if a.out.exists() && !a.out.is_dir() {
        return Err(format!(
            "--out `{}`: exists and is not a directory; give a directory for the gate's output",
            a.out.display()
        ));
    }
    Ok(())
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

fn run(a: &AbArgs) -> Result<AbOutcome, String> {
    check_args(a)?;
    let current = current_build(a.current_bin.as_deref())?;
    let base = match &a.base_bin {
        Some(p) => Build {
            bin: p.clone(),
            label: format!("the binary {}", p.display()),
            own: false,
        },
        None => base::build(a.against.as_deref(), &current)?,
    };
    std::fs::create_dir_all(&a.out)
        .map_err(|e| format!("cannot create --out {} ({e})", a.out.display()))?;
    eprintln!(
        "gate: base = {}\ngate: current = {}",
        base.label, current.label
    );
    let timing = match a.pairs {
        Some(n) => timing::pairs(&base, &current, n, a.time, &a.out.join("timing"))
            .map(|p| judge_timing(&timing::without_untimed(p), &a.judge)),
        None => Err("skipped (--no-timing)".into()),
    };
    let instructions = match a.instructions {
        true => icount::compare(&base, &current, &a.out.join("instructions"))
            .map(|c| judge_instructions(&c, &a.judge)),
        false => Err("skipped (--no-instructions)".into()),
    };
    let mut outcome = conclude((base.label, current.label), timing, instructions, &a.judge);
    if a.pairs.is_some() {
        outcome.notes.push(timing::UNTIMED_NOTE.into());
    }
    Ok(outcome)
}

/// The build to judge: `--current-bin`, or this very binary — which must then be a release
/// build, or its timings would judge the compiler's debug mode.
fn current_build(bin: Option<&Path>) -> Result<Build, String> {
    if let Some(p) = bin {
        return Ok(Build {
            bin: p.to_path_buf(),
            label: format!("the binary {}", p.display()),
            own: false,
        });
    }
    if cfg!(debug_assertions) {
        return Err(
            "this harness is a debug build: run the gate from a release build \
                    (`cargo run --release -p harness -- gate`), or name one with --current-bin"
                .into(),
        );
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate this binary ({e})"))?;
    Ok(Build {
        label: format!("this build ({})", base::describe_worktree()),
        bin: exe,
        own: true,
    })
}
