//! The base build: a git revision, built in a temporary worktree with its own target directory
//! (`<target>/gate/target`, kept between gates so only the workspace's crates rebuild), the
//! binary cached by commit (`<target>/gate/bin/harness-<sha>`). When the base is the current
//! commit and the working tree is clean, the base is the current build itself: the gate then
//! measures its own noise.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use super::Build;

/// Runs `git` with `args` in the current directory; its trimmed stdout, or what went wrong.
fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run git ({e}): the A/B gate needs git on PATH"))?;
    match out.status.success() {
        true => Ok(String::from_utf8_lossy(&out.stdout).trim().to_string()),
        false => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
    }
}

/// The commit `rev` names, in full.
pub(super) fn commit_of(rev: &str) -> Result<String, String> {
    git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])
    .map_err(|_| {
        format!(
            "`{rev}` is not a commit of this repository (in a shallow clone, fetch the history: \
             `git fetch --unshallow`)"
        )
    })
}

/// The default base: where HEAD left `main` (or `origin/main`).
fn merge_base() -> Result<String, String> {
    ["main", "origin/main"]
        .iter()
        .find_map(|m| git(&["merge-base", "HEAD", m]).ok())
        .ok_or_else(|| {
            "no merge-base of HEAD with `main` or `origin/main`: name the base with --against REV"
                .into()
        })
}

/// Whether tracked files differ from HEAD.
fn dirty() -> bool {
    git(&["status", "--porcelain", "--untracked-files=no"]).map_or(true, |s| !s.is_empty())
}

/// `abc1234 "subject…"` of a revision (the subject cut at 50 characters).
fn describe(rev: &str) -> String {
    let Ok(line) = git(&["log", "-1", "--format=%h %s", rev]) else {
        return "not a git checkout".into();
    };
    let (hash, subject) = line.split_once(' ').unwrap_or((&line, ""));
    match subject.chars().count() > 50 {
        true => format!(
            "{hash} \"{}…\"",
            subject.chars().take(50).collect::<String>()
        ),
        false => format!("{hash} \"{subject}\""),
    }
}

/// HEAD, and "+ uncommitted changes" when tracked files differ from it.
pub fn describe_worktree() -> String {
    match dirty() {
        true => format!("HEAD {} + uncommitted changes", describe("HEAD")),
        false => format!("HEAD {}", describe("HEAD")),
    }
}

/// Builds (or finds in the cache) the harness of `against` (default: the merge-base with main).
pub fn build(against: Option<&str>, current: &Build) -> Result<Build, String> {
    git(&["rev-parse", "--show-toplevel"]).map_err(|_| {
        "the A/B gate builds the base revision from git: run it inside the repository, or give \
         --base-bin PATH"
            .to_string()
    })?;
    let rev = match against {
        Some(r) => r.to_string(),
        None => merge_base()?,
    };
    let sha = commit_of(&rev)?;
    let label = format!("{rev} = {}", describe(&sha));
    if current.own && sha == commit_of("HEAD")? && !dirty() {
        return Ok(Build {
            bin: current.bin.clone(),
            label: format!("{label} (the current commit, clean tree: the build against itself)"),
            own: true,
        });
    }
    let gate_dir = target_dir()?.join("gate");
    let cached = gate_dir.join("bin").join(format!("harness-{sha}"));
    if cached.is_file() {
        return Ok(Build {
            bin: cached,
            label: format!("{label} (cached build)"),
            own: false,
        });
    }
    let tree = gate_dir.join("src").join(&sha[..12]);
    let built = build_in_worktree(&sha, &tree, &gate_dir.join("target"), &cached);
    let _ = git(&["worktree", "remove", "--force", &tree.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&tree);
    let _ = git(&["worktree", "prune"]);
    built.map(|()| Build {
        bin: cached,
        label,
        own: false,
    })
}

fn build_in_worktree(sha: &str, tree: &Path, target: &Path, cached: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(tree);
    let _ = git(&["worktree", "prune"]);
    git(&["worktree", "add", "--detach", &tree.to_string_lossy(), sha])
        .map_err(|e| format!("cannot check out {sha} in {} ({e})", tree.display()))?;
    eprintln!(
        "gate: building the base ({}) in {}",
        &sha[..12],
        tree.display()
    );
    let status = Command::new("cargo")
        .args(["build", "--release", "-p", "harness"])
        .current_dir(tree)
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo ({e})"))?;
    if !status.success() {
        return Err(format!(
            "building the base revision {sha} failed (cargo's output above)"
        ));
    }
    let bin = target.join("release").join("harness");
    let parent = cached.parent().expect("a path under the gate directory");
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {} ({e})", parent.display()))?;
    let tmp = cached.with_extension("tmp");
    std::fs::copy(&bin, &tmp)
        .and_then(|_| std::fs::rename(&tmp, cached))
        .map_err(|e| format!("cannot keep the base binary {} ({e})", bin.display()))
}

/// Where cargo puts builds for this workspace (`CARGO_TARGET_DIR`, a config's `target-dir`, or
/// `target/`), as cargo itself reports it.
fn target_dir() -> Result<PathBuf, String> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        target_directory: PathBuf,
    }
    let out = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo ({e})"))?;
    if !out.status.success() {
        return Err("`cargo metadata` failed: run the gate inside the workspace".into());
    }
    serde_json::from_slice::<Metadata>(&out.stdout)
        .map(|m| m.target_directory)
        .map_err(|e| format!("cannot read `cargo metadata` output ({e})"))
}
