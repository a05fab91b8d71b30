//! The environment block: enough to tell whether two results files are comparable (same machine
//! kind, compiler, crate versions and clock).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where and how the numbers were produced.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Env {
    /// CPUs this process could run on.
    pub cores: usize,
    /// The CPU model (`/proc/cpuinfo`).
    pub cpu: String,
    /// Operating system and kernel.
    pub os: String,
    /// The rustc that compiled the harness.
    pub rustc: String,
    /// The commit of the harness (`-dirty` when the tree had changes, ` (at build)` when only the
    /// build-time commit was known).
    pub git_commit: String,
    /// Locked versions of pathmap and every peer store (from Cargo.lock at build time).
    pub crate_versions: BTreeMap<String, String>,
    /// The global allocator.
    pub allocator: String,
    /// `release` or `debug`.
    pub profile: String,
    /// The clock that timed every operation.
    pub clock: ClockInfo,
    /// The harness's package version.
    pub harness_version: String,
}

/// Which clock times operations, and what one reading costs here.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClockInfo {
    /// e.g. "quanta 0.12 raw counter (TSC: constant_tsc, nonstop_tsc, rdtscp)".
    pub source: String,
    /// The operating system's clocksource.
    pub os_clocksource: String,
    /// Measured cost of one reading, in nanoseconds.
    pub read_cost_ns: f64,
}
