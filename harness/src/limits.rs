//! What this machine allows, and the command line's values held to the workloads' bounds under
//! their flag names — all checked before anything runs.
//!
//! - **Threads**: at most [`THREADS_PER_CORE`] per core (oversubscription beyond that measures
//!   the scheduler, not the store), unless `--oversubscribe` lifts it to the workloads' hard cap.
//! - **Memory**: the keys a workload prefills, at an upper estimate of [`BYTES_PER_KEY`] each,
//!   must fit in the memory available (the machine's, or a container's limit if lower).
//! - **Timeline**: an interval of at least [`MIN_INTERVAL`], at most the window, and at most
//!   [`MAX_BUCKETS`] intervals per window; each thread keeps a histogram per interval, so the
//!   largest point's timeline must fit in half the available memory.

use std::{path::Path, time::Duration};

use workloads::{
    format_duration,
    limits::{Breach, MAX_THREADS},
    Spec,
};

use crate::error::HarnessError;

/// Threads per core a run may use without `--oversubscribe`.
pub const THREADS_PER_CORE: usize = 8;
/// Upper estimate of the memory one prefilled key costs the largest store, value and nodes
/// included. Measured (peak RSS of a run with 10^6 stable text keys minus one with 10^3):
/// concread 306 bytes per key, redb 128, imbl-arcswap 124, rwlock-btreemap 114, hybrid and
/// rwlock-pathmap 95; the largest doubled for longer keys (a `bytes` shape may spell up to 64
/// bytes).
pub const BYTES_PER_KEY: u64 = 640;
/// Shortest timeline interval.
pub const MIN_INTERVAL: Duration = Duration::from_millis(1);
/// Most timeline intervals in one window (each thread keeps a latency histogram per interval).
pub const MAX_BUCKETS: u64 = 10_000;
/// Most intervals the default interval gives (a long window gets longer intervals).
pub const DEFAULT_MAX_INTERVALS: u32 = 1000;

/// A flag's value against one of the workloads' bounds.
pub fn flag(
    flag: &str,
    value: impl std::fmt::Display,
    within: Result<(), Breach>,
) -> Result<(), HarnessError> {
    within.map_err(|b| HarnessError::Limit {
        what: flag.to_string(),
        value: value.to_string(),
        problem: b.problem,
        fix: b.fix,
    })
}

/// The cores of this machine (1 if unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Most threads one point may use.
pub fn max_threads(oversubscribe: bool) -> usize {
    match oversubscribe {
        true => MAX_THREADS,
        false => (cores() * THREADS_PER_CORE).min(MAX_THREADS),
    }
}

/// `threads` threads for `what` (a flag or a point), within [`max_threads`].
pub fn threads(what: &str, threads: usize, oversubscribe: bool) -> Result<(), HarnessError> {
    let max = max_threads(oversubscribe);
    if threads <= max {
        return Ok(());
    }
    let fix = match oversubscribe {
        false => format!(
            "use at most {max} threads ({THREADS_PER_CORE} per core on this {}-core machine), \
             or pass --oversubscribe to allow up to {MAX_THREADS}",
            cores()
        ),
        true => format!("use at most {MAX_THREADS} threads"),
    };
    Err(HarnessError::Limit {
        what: what.to_string(),
        value: threads.to_string(),
        problem: format!("{threads} threads exceed the limit of {max}"),
        fix,
    })
}

/// The memory this process may still use: the machine's `MemAvailable`, or less where a cgroup
/// (v2, a container's limit) allows less; `None` if neither says.
pub fn available_memory() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let host = read("/proc/meminfo").and_then(|info| {
        let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    });
    let number = |path: &str| read(path).and_then(|t| t.trim().parse::<u64>().ok());
    let cgroup = number("/sys/fs/cgroup/memory.max") // "max" (no limit) does not parse
        .map(|max| max.saturating_sub(number("/sys/fs/cgroup/memory.current").unwrap_or(0)));
    match (host, cgroup) {
        (Some(h), Some(c)) => Some(h.min(c)),
        (h, c) => h.or(c),
    }
}

/// Bytes one timeline interval costs a thread: its latency histogram's counters.
pub fn interval_bytes() -> u64 {
    crate::metrics::histogram(2).distinct_values() as u64 * 8
}

/// The timeline of the largest point — `threads` threads, `intervals` intervals each — must fit
/// in half the available memory (the keys take the rest).
pub fn timeline_memory(threads: usize, intervals: u64) -> Result<(), HarnessError> {
    let need = (threads as u64)
        .saturating_mul(intervals)
        .saturating_mul(interval_bytes());
    match available_memory() {
        Some(have) if need > have / 2 => Err(HarnessError::Limit {
            what: "--interval (the timeline)".into(),
            value: format!("{intervals} intervals × {threads} threads"),
            problem: format!(
                "the timeline needs about {:.1} GiB ({} KiB per interval per thread), more than \
                 half of the {:.1} GiB available",
                gib(need),
                interval_bytes() / 1024,
                gib(have)
            ),
            fix: "give a longer --interval, or fewer threads".into(),
        }),
        _ => Ok(()),
    }
}

/// The workload's keys must fit in the available memory, at [`BYTES_PER_KEY`] each: the stable
/// region, and the mutable prefill of every writer's partition at the point with most writers.
pub fn memory(spec: &Spec, max_writers: usize) -> Result<(), HarnessError> {
    let partitions = (max_writers as u64).max(1);
    let keys = spec
        .stable
        .keys
        .saturating_add(spec.mutable.prefill_keys().saturating_mul(partitions));
    let need = keys.saturating_mul(BYTES_PER_KEY);
    match available_memory() {
        Some(have) if need > have => Err(HarnessError::Limit {
            what: "stable.keys + mutable.prefill × writers".into(),
            value: keys.to_string(),
            problem: format!(
                "{keys} keys need about {:.1} GiB (at up to {BYTES_PER_KEY} bytes per key), and \
                 this machine has {:.1} GiB available",
                gib(need),
                gib(have)
            ),
            fix: format!(
                "lower `stable.keys` and `mutable.keys` to at most {} keys in all",
                have / BYTES_PER_KEY
            ),
        }),
        _ => Ok(()),
    }
}

fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}

/// `--interval` against the window it divides (`None`: a run bounded by operation count).
pub fn interval(interval: Duration, window: Option<Duration>) -> Result<(), HarnessError> {
    let breach = |problem: String, fix: String| HarnessError::Limit {
        what: "--interval".into(),
        value: format_duration(interval),
        problem,
        fix,
    };
    if interval < MIN_INTERVAL {
        return Err(breach(
            format!("shorter than {}", format_duration(MIN_INTERVAL)),
            "give e.g. 100ms, or leave it out (a twentieth of the window)".into(),
        ));
    }
    let Some(window) = window else {
        return workloads::limits::at_most_a_day(interval).map_err(|b| breach(b.problem, b.fix));
    };
    if interval > window {
        return Err(breach(
            format!(
                "longer than the {} window (a timeline of no interval)",
                format_duration(window)
            ),
            format!("give at most {}", format_duration(window)),
        ));
    }
    let buckets = window.as_nanos() / interval.as_nanos();
    if buckets > u128::from(MAX_BUCKETS) {
        let shortest = window / MAX_BUCKETS as u32;
        return Err(breach(
            format!(
                "{buckets} intervals in the {} window, more than {MAX_BUCKETS}",
                format_duration(window)
            ),
            format!(
                "give at least {}",
                format_duration(shortest.max(MIN_INTERVAL))
            ),
        ));
    }
    Ok(())
}

/// A file the run will write at its end (`--history`, `--json`), proved writable now: a run of
/// minutes must not end in "cannot write". Missing directories will be created then, so the
/// nearest existing one must be a writable directory. Leaves nothing behind that was not there.
pub fn writable_file(flag: &str, path: &Path) -> Result<(), HarnessError> {
    let err = |problem: String| HarnessError::Limit {
        what: flag.to_string(),
        value: path.display().to_string(),
        problem,
        fix: format!("pass a writable file path to {flag}"),
    };
    if path.as_os_str().is_empty() {
        return Err(err("the path is empty".into()));
    }
    if path.is_dir() {
        return Err(err("it is a directory".into()));
    }
    if path.exists() {
        return std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
            .map_err(|e| err(format!("cannot be written ({e})")));
    }
    let existing = path
        .ancestors()
        .skip(1)
        .find(|a| a.as_os_str().is_empty() || a.exists())
        .filter(|a| !a.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        return Err(err(format!("`{}` is not a directory", existing.display())));
    }
    crate::output::probe(existing)
        .map_err(|e| err(format!("`{}` is not writable ({e})", existing.display())))
}
