//! `harness ops`: the knowledge base's single-thread kernels ([`kernels`]) timed beside
//! the raw trie, or run a fixed number of times for an instruction count.
//!
//! **Timing.** Each kernel runs in alternating batches — KB, raw, raw, KB, … — for `--time`, and
//! reports the median per-op time of each side and the median of the per-pair ratios. On a
//! shared machine the speed of memory-bound code drifts by ±20% within seconds; two adjacent
//! batches see the same machine, so the ratio barely moves (measured here: ns per get varied 10%
//! between runs, the ratio 1%). A preempted batch spoils one pair, which the median ignores.
//!
//! **Counting.** `--count N --kernel K` runs `N` operations inside [`counted`], which the gate's
//! instruction tier gives callgrind as the only function to count (`--toggle-collect`), so the
//! fixture's construction is not counted. `--kernel all` runs every kernel on both sides, then
//! the hot loop, each in its own call (the gate dumps callgrind's counters after each).

use std::{hint::black_box, time::Duration};

use results::ops::{KernelTiming, OpsRun, Slowdown, OPS_VERSION};

use kernels::{Fixture, Kernel, Side};

use crate::runner::Bare;

/// The fixture and the time per kernel.
#[derive(Debug, Clone)]
pub struct OpsOptions {
    pub points: u64,
    pub groups: u64,
    pub time: Duration,
}

/// Longest `--time` per kernel.
pub const MAX_TIME: Duration = Duration::from_secs(60);
/// Most point keys in the fixture (`--points`); the scan groups hold 100 keys each.
pub const MAX_POINTS: u64 = 10_000_000;
/// Most scan groups (`--groups`).
pub const MAX_GROUPS: u64 = 100_000;
/// Most repetitions of a counted kernel (`--count`).
pub const MAX_COUNT: u64 = 1_000_000_000;

/// Holds `harness ops`'s flags to their bounds, and proves `--json` writable, before any kernel
/// runs.
pub fn check_args(
    time: Duration,
    points: u64,
    groups: u64,
    count: Option<u64>,
    json: Option<&std::path::Path>,
) -> Result<(), String> {
    let within = |flag: &str, v: u64, max: u64| match (1..=max).contains(&v) {
        true => Ok(()),
        false => Err(format!("{flag} `{v}`: must be in 1..={max}")),
    };
    if time < Duration::from_millis(1) || time > MAX_TIME {
        return Err(format!(
            "--time `{}`: must be between 1ms and {}; give e.g. 200ms",
            workloads::format_duration(time),
            workloads::format_duration(MAX_TIME)
        ));
    }
    within("--points", points, MAX_POINTS)?;
    within("--groups", groups, MAX_GROUPS)?;
    if let Some(n) = count {
        within("--count", n, MAX_COUNT)?;
    }
    match json {
        Some(p) if p != std::path::Path::new("-") => {
            crate::limits::writable_file("--json", p).map_err(|e| e.to_string())
        }
        _ => Ok(()),
    }
}

/// The kernels run by `--kernel all`, in this order (the gate reads the counts back in it).
pub fn counted_kernels() -> Vec<String> {
    let mut names = Vec::new();
    for k in Kernel::ALL {
        names.push(format!("{}/kb", k.name()));
        names.push(format!("{}/raw", k.name()));
    }
    names.push(HOT_LOOP.into());
    names
}

/// The harness's own hot loop (ops of `pattern-d`'s reader stream against `null`).
pub const HOT_LOOP: &str = "hot-loop";

/// Times every kernel; `progress` is told each kernel's name before it runs.
pub fn time(o: &OpsOptions, mut progress: impl FnMut(&str)) -> OpsRun {
    let mut fx = Fixture::new(o.points, o.groups);
    let kernels = Kernel::ALL
        .into_iter()
        .map(|k| {
            progress(k.name());
            time_kernel(&mut fx, k, o.time)
        })
        .collect();
    let (get, commit) = hybrid_kb::slowdown_percents();
    OpsRun {
        ops_version: OPS_VERSION,
        points: o.points,
        groups: o.groups,
        slowdown: Slowdown {
            get_percent: get,
            commit_percent: commit,
        },
        kernels,
    }
}

fn time_kernel(fx: &mut Fixture, k: Kernel, budget: Duration) -> KernelTiming {
    let n = k.batch();
    let mut timed = |side: Side| {
        let t = std::time::Instant::now();
        black_box(fx.run(k, side, n));
        t.elapsed().as_nanos() as f64
    };
    // Warm-up: one pair, not recorded.
    timed(Side::Kb);
    timed(Side::Raw);
    let (mut kb, mut raw, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    let start = std::time::Instant::now();
    while start.elapsed() < budget || ratio.len() < 5 {
        // Alternate which side goes first, so neither always runs on the other's warm cache.
        let (a, b) = if ratio.len() % 2 == 0 {
            let a = timed(Side::Kb);
            (a, timed(Side::Raw))
        } else {
            let b = timed(Side::Raw);
            (timed(Side::Kb), b)
        };
        kb.push(a / n as f64);
        raw.push(b / n as f64);
        ratio.push(a / b.max(1.0));
    }
    KernelTiming {
        kernel: k.name().into(),
        kb_ns: median(&mut kb),
        raw_ns: median(&mut raw),
        ratio: median(&mut ratio),
        batches: ratio.len() as u64,
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Runs `n` operations of `name` (`get-hit/kb`, `commit-16/raw`, `hot-loop`, or `all`), each
/// kernel inside its own call of [`counted`].
pub fn count(o: &OpsOptions, name: &str, n: u64) -> Result<(), String> {
    let names = counted_kernels();
    let selected: Vec<&String> = names
        .iter()
        .filter(|k| name == "all" || *k == name)
        .collect();
    if selected.is_empty() {
        return Err(format!(
            "no kernel `{name}`: name one of {} (or `all`)",
            names.join(", ")
        ));
    }
    let mut fx = Fixture::new(o.points, o.groups);
    let spec = workloads::Spec::preset("pattern-d").map_err(|e| e.to_string())?;
    let mut hot = Bare::new(&spec);
    for k in selected {
        let mut body: Box<dyn FnMut() -> u64> = match k.split_once('/') {
            None => Box::new(|| hot.run(n)),
            Some((kernel, side)) => {
                let kernel = Kernel::parse(kernel).expect("named by counted_kernels");
                let side = if side == "kb" { Side::Kb } else { Side::Raw };
                let fx = &mut fx;
                Box::new(move || fx.run(kernel, side, n))
            }
        };
        black_box(counted(&mut *body));
    }
    Ok(())
}

/// The only function the instruction tier counts: whatever `body` executes, and nothing else.
#[inline(never)]
pub fn counted(body: &mut dyn FnMut() -> u64) -> u64 {
    black_box(body())
}

/// Overwrites the current line of a terminal's stderr with `msg` (nothing when stderr is not a
/// terminal: a log gets no carriage returns).
pub fn progress(msg: &str) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[2K{msg}");
    }
}

/// The timing as a table.
pub fn render(run: &OpsRun) -> String {
    let mut out = format!(
        "single-thread kernels, {} point keys + {} scan groups (ns per op: median over batches; kb ÷ raw: median of adjacent-batch ratios):\n",
        run.points, run.groups
    );
    out.push_str(&format!(
        "  {:<10} {:>10} {:>10} {:>9} {:>8}\n",
        "kernel", "kb ns", "raw ns", "kb ÷ raw", "batches"
    ));
    for k in &run.kernels {
        out.push_str(&format!(
            "  {:<10} {:>10.1} {:>10.1} {:>9.3} {:>8}\n",
            k.kernel, k.kb_ns, k.raw_ns, k.ratio, k.batches
        ));
    }
    if run.slowdown != Slowdown::default() {
        out.push_str(&format!(
            "  (a deliberately slowed build: get +{}%, commit +{}%)\n",
            run.slowdown.get_percent, run.slowdown.commit_percent
        ));
    }
    out
}
