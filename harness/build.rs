//! Captures, at build time, what the environment block of every results file needs and cannot learn
//! at run time: the rustc that compiled us, the build profile and the locked versions of the crates
//! we compare (read from the workspace's Cargo.lock).
use std::{env, fs, path::Path, process::Command};

/// Crates whose exact version goes into every results file.
const TRACKED: &[&str] = &[
    "pathmap",
    "arc-swap",
    "imbl",
    "dashmap",
    "hdrhistogram",
    "quanta",
];

fn main() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=HARNESS_RUSTC={version}");
    println!(
        "cargo:rustc-env=HARNESS_PROFILE={}",
        env::var("PROFILE").unwrap_or_default()
    );

    // The commit at build time: the fallback when the binary runs where there is no git checkout.
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let commit = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=HARNESS_BUILD_COMMIT={commit}");
    for git in [".git/HEAD", ".git/refs/heads"] {
        if root.join(git).exists() {
            println!("cargo:rerun-if-changed={}", root.join(git).display());
        }
    }

    let lock = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    println!("cargo:rerun-if-changed=build.rs");
    let text = fs::read_to_string(&lock).unwrap_or_default();
    let versions: Vec<String> = TRACKED
        .iter()
        .map(|name| {
            format!(
                "{name}={}",
                locked_version(&text, name).unwrap_or("unknown")
            )
        })
        .collect();
    println!(
        "cargo:rustc-env=HARNESS_CRATE_VERSIONS={}",
        versions.join(",")
    );
}

/// The version of `name` in a Cargo.lock (`[[package]]` / `name = ".."` / `version = ".."`).
fn locked_version<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    let len = lock[start..].find('"')?;
    Some(&lock[start..start + len])
}
