//! What `harness run` was asked to do, after the command line was parsed.

use std::{path::PathBuf, time::Duration};

/// Everything `harness run` was asked to do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// A preset name or the path of a workload file (TOML or YCSB properties).
    pub workload: String,
    /// How the workload file is written.
    pub format: workloads::Format,
    /// YCSB `-p key=value` overrides.
    pub properties: Vec<String>,
    pub backends: Vec<String>,
    /// Total thread counts to sweep (replaces the workload's own).
    pub threads: Option<Vec<usize>>,
    pub duration: Option<Duration>,
    pub warmup: Option<Duration>,
    /// Operations per thread instead of a time window.
    pub ops: Option<u64>,
    pub repetitions: Option<u32>,
    pub quick: bool,
    pub out: PathBuf,
    pub pin: bool,
    /// How the window's ops are timed (`--timing`).
    pub timing: crate::runner::OpTimingMode,
    /// Readers replay a tape of their reads (`--no-tape` generates them live).
    pub tape: bool,
    /// Add a readers-only companion of every point with writers, for the backend under test.
    pub companion: bool,
    pub interval: Option<Duration>,
    pub seed: Option<u64>,
    pub shuffle: bool,
    pub progress: bool,
    pub command: Vec<String>,
    /// Run the isolation checker on every point (`--no-check` turns it off).
    pub check: bool,
    /// `--history FILE`: write the checker's events as JSON Lines.
    pub history: Option<PathBuf>,
    /// `--oversubscribe`: allow more threads than `limits::THREADS_PER_CORE` per core.
    pub oversubscribe: bool,
}
