//! The environment block recorded in every results file: enough to tell whether two results files
//! are comparable (same machine kind, same compiler, same crate versions, same clock).

use std::{collections::BTreeMap, process::Command};

use results::{ClockInfo, Env};

/// Collects the environment of this process. Cheap (a few milliseconds: one `git` call and a
/// clock-cost measurement).
pub fn collect(clock: &quanta::Clock) -> Env {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|r| r.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let crate_versions: BTreeMap<String, String> = env!("HARNESS_CRATE_VERSIONS")
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Env {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu,
        os: os_name(),
        rustc: env!("HARNESS_RUSTC").to_string(),
        git_commit: git_commit(),
        crate_versions,
        allocator: "system".into(),
        profile: build_profile().into(),
        clock: clock_info(clock, &cpuinfo),
        harness_version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// "release" or "debug" (from the cargo profile this binary was built with).
pub fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

fn os_name() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    match pretty {
        Some(p) => format!("{} {} (kernel {})", std::env::consts::OS, p, kernel.trim()),
        None => format!("{} (kernel {})", std::env::consts::OS, kernel.trim()),
    }
}

/// The commit this binary was built from: `git rev-parse HEAD` of its tree, "-dirty" appended
/// when the work tree has changes, where that tree is still at the commit recorded at build time;
/// otherwise (the binary was copied to another machine, or the tree moved on since the build)
/// the commit recorded at build time followed by " (at build)".
pub fn git_commit() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&str]| {
        Command::new("git")
            .args(["-C", dir])
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let built = env!("HARNESS_BUILD_COMMIT");
    match run(&["rev-parse", "HEAD"]) {
        Some(head) if !head.is_empty() && (built == "unknown" || head == built) => {
            let dirty = run(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{head}-dirty")
            } else {
                head
            }
        }
        _ => match built {
            "unknown" => "unknown".into(),
            commit => format!("{commit} (at build)"),
        },
    }
}

fn clock_info(clock: &quanta::Clock, cpuinfo: &str) -> ClockInfo {
    let flags: Vec<&str> = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("flags"))
        .map(|r| {
            r.trim_start_matches([' ', '\t', ':'])
                .split_whitespace()
                .collect()
        })
        .unwrap_or_default();
    let has = |f: &str| flags.contains(&f);
    let tsc = has("constant_tsc") && has("nonstop_tsc") && has("rdtscp");
    let source = if tsc {
        "quanta 0.12 raw counter (TSC: constant_tsc, nonstop_tsc, rdtscp)".to_string()
    } else {
        "quanta 0.12 (no invariant TSC: falls back to the OS monotonic clock)".to_string()
    };
    let os_clocksource =
        std::fs::read_to_string("/sys/devices/system/clocksource/clocksource0/current_clocksource")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown".into());
    ClockInfo {
        source,
        os_clocksource,
        read_cost_ns: read_cost_ns(clock),
    }
}

/// Average cost of one `raw()` reading over 200k readings.
pub fn read_cost_ns(clock: &quanta::Clock) -> f64 {
    const N: u64 = 200_000;
    let start = std::time::Instant::now();
    let mut acc = 0u64;
    for _ in 0..N {
        acc = acc.wrapping_add(clock.raw());
    }
    std::hint::black_box(acc);
    start.elapsed().as_nanos() as f64 / N as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracked_crate_versions_match_cargo_lock() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
        let env = collect(&quanta::Clock::new());
        let pathmap = &env.crate_versions["pathmap"];
        assert!(
            lock.contains(&format!("name = \"pathmap\"\nversion = \"{pathmap}\"")),
            "{pathmap}"
        );
        for (name, v) in &env.crate_versions {
            assert_ne!(v, "unknown", "{name} not found in Cargo.lock");
        }
        assert!(env.cores >= 1);
        assert!(env.rustc.starts_with("rustc "), "{}", env.rustc);
    }
}
