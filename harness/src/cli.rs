//! The `harness` command line: argument definitions, and one function per subcommand that runs
//! it and turns the outcome into an exit code. `main.rs` only calls [`main`].

use std::{path::PathBuf, process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};

use analysis::gate::{GateOptions, DEFAULT_REFERENCE};
use results::{BackendRole, Results};

use workloads::parse_duration;

use crate::{backends, options::RunOptions, runner::OpTimingMode};

/// Backends `harness run` uses when `--backends` is not given.
pub const DEFAULT_BACKENDS: &str =
    "hybrid,rwlock-pathmap,imbl-arcswap,concread,redb,zipperhead,null";
/// Preset `harness run` uses when `--workload` is not given.
pub const DEFAULT_WORKLOAD: &str = "pattern-d";

#[derive(Parser, Debug)]
#[command(
    name = "harness",
    version,
    about = "Benchmark and stress-test the hybrid knowledge base against its peers",
    long_about = "Runs workloads (presets, TOML specs or YCSB property files) against the hybrid knowledge base and the \
stores a user would pick instead, measuring goodput per role (completed reads, acknowledged \
commits), refusals, per-op latency (HdrHistogram, TSC clock), scaling per role and the isolation \
each store delivered, and writes results.json, points.csv and an HTML report.\n\n\
Start with:\n  harness list                 presets, backends and what each backend can do\n  \
harness run                  pattern-d preset, default backends, small thread sweep (< 2 min)\n  \
harness run --quick          the same in < 20 s (for a smoke test)\n\n\
Compare configurations by the ratios of ONE run (interleaved, repeated), never by absolute \
numbers from different runs: these machines are shared."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a workload against backends and write results.json, points.csv and a summary.
    Run(RunArgs),
    /// List workload presets, backends and their capabilities.
    List,
    /// Write one self-contained index.html (charts as inline SVG) and points.csv from a
    /// results.json (any version this harness reads), and print its summary table.
    Report(ReportArgs),
    /// The regression gate: exit 0 pass, 1 regressed, 2 cannot judge. By default it builds the
    /// base revision (`--against`, default: the merge-base with main) and runs base and current
    /// alternately on this machine: the KB's kernels timed against the raw trie, and counted
    /// instruction by instruction under valgrind. `--baseline FILE --current FILE` instead
    /// judges two results files of one workload (cross-machine: ratios to a reference backend).
    Gate(GateArgs),
    /// Time the knowledge base's single-thread kernels (snapshot, get hit and miss, scan of 100,
    /// commit of 16) beside the raw trie operations they wrap; what the gate's timing tier runs.
    Ops(OpsArgs),
    /// Soak the hybrid knowledge base with chaos (panicking writers, long snapshots, lease
    /// contention, bursts) under the isolation checker; exit code 1 on any violation or loss.
    Stress(StressArgs),
    /// Translate a YCSB CoreWorkload property file into this tool's TOML spec, with a comment
    /// for each property it could not honour (what `run --workload FILE` runs).
    Convert(ConvertArgs),
    /// Measure each claim of the seed note (holds / does not hold) and write audit.json.
    Audit {
        /// Output directory for audit.json (and the short runs behind it).
        #[arg(short, long, default_value = "reports/audit", value_name = "DIR")]
        out: PathBuf,
    },
    /// Re-check a `--history` file offline with the same isolation checker; prints a verdict per
    /// point; exit code 1 if any violation, 2 if the file cannot be read, contradicts itself
    /// (a commit missing, a cut edited, a final key removed) or has no `final` line.
    CheckHistory {
        /// A JSON Lines file written by `harness run --history FILE`.
        file: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// results.json written by `harness run`.
    #[arg(value_name = "RESULTS.json")]
    pub results: PathBuf,
    /// Another results file of the same workload to overlay and compare against.
    #[arg(long, value_name = "OTHER.json")]
    pub baseline: Option<PathBuf>,
    /// Directory to write index.html and points.csv into.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct GateArgs {
    /// Git revision to compare against (built in a temporary worktree, cached by commit).
    /// Default: the merge-base of HEAD with `main`.
    #[arg(long, value_name = "REV", conflicts_with_all = ["baseline", "base_bin"])]
    pub against: Option<String>,
    /// A harness binary to compare against instead of building a revision.
    #[arg(long, value_name = "PATH", conflicts_with = "baseline")]
    pub base_bin: Option<PathBuf>,
    /// The harness binary to judge (default: this one, which must be a release build).
    #[arg(long, value_name = "PATH", conflicts_with = "baseline")]
    pub current_bin: Option<PathBuf>,
    /// Timing tier: base/current pairs, run alternately (ABBA…).
    #[arg(
        long,
        default_value_t = 20,
        value_name = "N",
        conflicts_with = "baseline"
    )]
    pub pairs: usize,
    /// Timing tier: time per kernel in each run.
    #[arg(long, default_value = "100ms", value_parser = parse_duration, conflicts_with = "baseline")]
    pub time: Duration,
    /// Skip the instruction tier (it needs valgrind).
    #[arg(long, conflicts_with = "baseline")]
    pub no_instructions: bool,
    /// Skip the timing tier.
    #[arg(long, conflicts_with_all = ["baseline", "no_instructions"])]
    pub no_timing: bool,
    /// Where the A/B gate keeps every run's output and its verdict (gate.json).
    #[arg(
        long,
        default_value = "reports/gate",
        value_name = "DIR",
        conflicts_with = "baseline"
    )]
    pub out: PathBuf,
    /// A/B: worst tolerated slowdown of a kernel (timing), or of its instruction count
    /// (`--max-instructions`). Files: worst tolerated change of a normalized metric.
    #[arg(long, value_parser = parse_fraction, value_name = "PCT")]
    pub max_regression: Option<f64>,
    /// A/B: worst tolerated growth of a kernel's instructions per op.
    #[arg(long, default_value = "1%", value_parser = parse_fraction, value_name = "PCT")]
    pub max_instructions: f64,
    /// Files mode: the reference results file (e.g. committed under reports/baseline/).
    #[arg(long, value_name = "BASE.json", requires = "current")]
    pub baseline: Option<PathBuf>,
    /// Files mode: the results file to judge.
    #[arg(long, value_name = "CUR.json", requires = "baseline")]
    pub current: Option<PathBuf>,
    /// Files mode: the backend every other backend is normalized by; both files must have it.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_REFERENCE)]
    pub reference: String,
}

#[derive(clap::Args, Debug)]
pub struct OpsArgs {
    /// Time per kernel.
    #[arg(long, default_value = "200ms", value_parser = parse_duration)]
    pub time: Duration,
    /// Point keys in the fixture.
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub points: u64,
    /// Scan groups of 100 keys in the fixture.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub groups: u64,
    /// Also write the timings as JSON to FILE (`-`: stdout only, as JSON).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Instead of timing, run KERNEL (`get-hit/kb`, `commit-16/raw`, `hot-loop`, or `all`) this
    /// many times inside one function, for callgrind to count (see the gate's instruction tier).
    #[arg(long, value_name = "N", requires = "kernel")]
    pub count: Option<u64>,
    /// The kernel to run with `--count`.
    #[arg(long, value_name = "KERNEL", requires = "count")]
    pub kernel: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Preset name, or path of a workload file: a TOML spec or a YCSB CoreWorkload property
    /// file (told apart by `--format`).
    #[arg(short, long, default_value = DEFAULT_WORKLOAD, value_name = "PRESET|FILE")]
    pub workload: String,
    #[command(flatten)]
    pub source: SourceArgs,
    /// Comma-separated backends (see `harness list`).
    #[arg(short, long, default_value = DEFAULT_BACKENDS, value_delimiter = ',', value_name = "A,B,..")]
    pub backends: Vec<String>,
    /// Total thread counts to sweep, each split by the workload's readers:writers ratio
    /// (replaces the workload's own sweep of thread counts).
    #[arg(short, long, value_delimiter = ',', value_name = "N,N,..")]
    pub threads: Option<Vec<usize>>,
    /// Measured window per point, e.g. 500ms, 5s.
    #[arg(short, long, value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Warm-up per point (executed, not measured).
    #[arg(long, value_parser = parse_duration)]
    pub warmup: Option<Duration>,
    /// Measure a fixed number of ops per thread instead of a time window.
    #[arg(long, value_name = "N", conflicts_with = "duration")]
    pub ops: Option<u64>,
    /// Repetitions of every point (interleaved with the other backends).
    #[arg(short, long, value_name = "N")]
    pub repetitions: Option<u32>,
    /// Short warm-up and window, small prefill, one repetition: finishes in well under 20 s.
    #[arg(short, long)]
    pub quick: bool,
    /// Output directory for results.json and points.csv.
    #[arg(short, long, default_value = "reports/latest", value_name = "DIR")]
    pub out: PathBuf,
    /// Pin thread i of each point to CPU i mod cores (bindings recorded per point).
    #[arg(long)]
    pub pin: bool,
    /// How ops are timed: `auto` times the floor backend in batches of 64 units and every store's
    /// ops one by one; `per-op` times every op alone; `batched` times every thread in batches
    /// where the isolation checker does not run on it (`--no-check`, or a point without writers)
    /// and the loop is closed: for stores whose ops take under about 100 ns, at the price of
    /// latencies that are batch means. Results and the table say which threads were batched.
    #[arg(long, value_enum, default_value_t = OpTimingMode::Auto)]
    pub timing: OpTimingMode,
    /// Readers generate their reads live instead of replaying a tape of their first reads
    /// recorded before the window (the tape repeats after 4 reads per key, 2^16 to 2^20 reads:
    /// use this where a reader must never repeat its keys, at 40-70 ns more per read here).
    #[arg(long)]
    pub no_tape: bool,
    /// Do not add the readers-only companion of hybrid's points with writers.
    #[arg(long)]
    pub no_companion: bool,
    /// Timeline interval (default: a twentieth of the window, 50 ms … 1 s).
    #[arg(long, value_parser = parse_duration)]
    pub interval: Option<Duration>,
    /// Override the workload's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run each repetition's cells in a seeded random order instead of point × backend order.
    #[arg(long)]
    pub shuffle: bool,
    /// Never draw a progress bar (it is drawn only on a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
    /// Turn the isolation checker off (pure speed runs; results say "disabled by --no-check").
    #[arg(long)]
    pub no_check: bool,
    /// Write every checked commit and sampled snapshot observation as JSON Lines to FILE
    /// (re-check it with `harness check-history FILE`).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Allow more threads than 8 per core (up to 4096): the scheduler then shares the cores.
    #[arg(long)]
    pub oversubscribe: bool,
}

/// How a workload file is read, and YCSB's `-p` overrides.
#[derive(clap::Args, Debug)]
pub struct SourceArgs {
    /// How the workload file is written: `auto` reads it as TOML when its name ends in `.toml`
    /// or it does not read as YCSB properties.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// A YCSB property over the file's, as YCSB's own `-p` (repeatable), e.g.
    /// `-p recordcount=100000 -p threadcount=4`.
    #[arg(short = 'p', long = "property", value_name = "KEY=VALUE")]
    pub properties: Vec<String>,
}

/// `--format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    Auto,
    Toml,
    Ycsb,
}

impl From<FormatArg> for workloads::Format {
    fn from(f: FormatArg) -> workloads::Format {
        match f {
            FormatArg::Auto => workloads::Format::Auto,
            FormatArg::Toml => workloads::Format::Toml,
            FormatArg::Ycsb => workloads::Format::Ycsb,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// A YCSB CoreWorkload property file (e.g. YCSB's workloads/workloada).
    #[arg(value_name = "FILE")]
    pub file: String,
    #[command(flatten)]
    pub source: SourceArgs,
    /// The spec's name (default: the file's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Write the TOML to FILE instead of printing it.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct StressArgs {
    /// How long to soak, e.g. 10s, 10m.
    #[arg(short, long, default_value = "5s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Reader threads.
    #[arg(long, default_value_t = 2)]
    pub readers: usize,
    /// Writer threads (one partition each).
    #[arg(long, default_value_t = 2)]
    pub writers: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write the checker's events as JSON Lines (see `harness check-history`).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Allow more threads than 8 per core (up to 4096).
    #[arg(long)]
    pub oversubscribe: bool,
}

impl GateArgs {
    fn ab_options(&self) -> crate::ab::AbArgs {
        let defaults = analysis::ab::AbOptions::default();
        crate::ab::AbArgs {
            against: self.against.clone(),
            base_bin: self.base_bin.clone(),
            current_bin: self.current_bin.clone(),
            pairs: (!self.no_timing).then_some(self.pairs),
            time: self.time,
            instructions: !self.no_instructions,
            out: self.out.clone(),
            judge: analysis::ab::AbOptions {
                max_regression: self.max_regression.unwrap_or(defaults.max_regression),
                max_instructions: self.max_instructions,
                ..defaults
            },
        }
    }
}

impl RunArgs {
    pub fn options(&self) -> RunOptions {
        RunOptions {
            workload: self.workload.clone(),
            format: self.source.format.into(),
            properties: self.source.properties.clone(),
            backends: self
                .backends
                .iter()
                .map(|b| b.trim().to_string())
                .filter(|b| !b.is_empty())
                .collect(),
            threads: self.threads.clone(),
            duration: self.duration,
            warmup: self.warmup,
            ops: self.ops,
            repetitions: self.repetitions,
            quick: self.quick,
            out: self.out.clone(),
            pin: self.pin,
            timing: self.timing,
            tape: !self.no_tape,
            companion: !self.no_companion,
            interval: self.interval,
            seed: self.seed,
            shuffle: self.shuffle,
            progress: !self.no_progress,
            command: std::env::args().collect(),
            check: !self.no_check,
            history: self.history.clone(),
            oversubscribe: self.oversubscribe,
        }
    }
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    match cli.command {
        Command::List => {
            print!("{}", list());
            ExitCode::SUCCESS
        }
        Command::Report(a) => report(&a),
        Command::Gate(a) => gate(&a),
        Command::Ops(a) => ops(&a),
        Command::CheckHistory { file } => check_history(&file),
        Command::Audit { out } => audit(&out),
        Command::Stress(a) => stress(&a),
        Command::Run(args) => run(&args),
        Command::Convert(args) => convert(&args),
    }
}

/// `harness convert`: the TOML on stdout (or `--out`), warnings on stderr; exit 2 on a file
/// that cannot be read or translated.
fn convert(a: &ConvertArgs) -> ExitCode {
    let format =
        match a.source.format {
            FormatArg::Auto | FormatArg::Ycsb => workloads::Format::Ycsb,
            FormatArg::Toml => return refuse(
                "`convert` reads YCSB property files; a TOML spec is already this tool's format",
            ),
        };
    let mut loaded = match workloads::Spec::load_as(&a.file, format, &a.source.properties) {
        Ok(l) => l,
        Err(e) => return refuse(e),
    };
    if let Some(name) = &a.name {
        loaded.spec.name = name.clone();
    }
    for w in &loaded.warnings {
        eprintln!("warning: {}: {w}", a.file);
    }
    let text = crate::workload::convert_text(&a.file, &a.source.properties, &loaded);
    match &a.out {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(p) => match results::fs::write_atomic(p, text.as_bytes()) {
            Ok(()) => {
                eprintln!("wrote {}", p.display());
                ExitCode::SUCCESS
            }
            Err(e) => refuse(format!("cannot write `{}` ({e})", p.display())),
        },
    }
}

/// Output piped into a program that stops reading (`harness run | head`) ends the process
/// quietly, as for any command-line tool, instead of panicking in `print!`: Rust ignores SIGPIPE
/// by default, this restores the default action.
fn restore_sigpipe() {
    // SAFETY: called first thing in `main`, before any other thread exists; setting a signal's
    // disposition to its default has no other effect on this process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A command that cannot run: says why on stderr and exits 2.
fn refuse(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// Loads a results file; on failure prints why (and how to make a readable one).
fn load(path: &std::path::Path) -> Result<Results, ExitCode> {
    results::load(path).map_err(refuse)
}

/// `harness report`: exit 2 when a file cannot be read, 1 when the page cannot be written.
fn report(a: &ReportArgs) -> ExitCode {
    if a.out.exists() && !a.out.is_dir() {
        eprintln!(
            "error: --out `{}` exists and is not a directory; give a directory for index.html \
             and points.csv",
            a.out.display()
        );
        return ExitCode::from(2);
    }
    let cur = match load(&a.results) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let base = match a.baseline.as_deref().map(load).transpose() {
        Ok(b) => b,
        Err(code) => return code,
    };
    let analysis = analysis::analyse(&cur);
    let base_analysis = base.as_ref().map(analysis::analyse);
    let outcome = base
        .as_ref()
        .map(|b| analysis::gate::gate(b, &cur, &GateOptions::default()));
    let baseline = match (&base, &base_analysis, &outcome) {
        (Some(results), Some(analysis), Some(gate)) => Some(report::Baseline {
            results,
            analysis,
            gate,
        }),
        _ => None,
    };
    let written = report::write_report(&a.out, &cur, &analysis, baseline.as_ref()).and_then(|p| {
        report::write_csv(&a.out, &cur)
            .map(|_| p)
            .map_err(|e| format!("cannot write points.csv in {}: {e}", a.out.display()))
    });
    match written {
        Ok(p) => {
            print!("{}", report::table::render(&cur, &analysis));
            if let Some(g) = &outcome {
                println!("\nagainst the baseline:");
                print!("{}", report::gate::render(g));
            }
            println!("\nwrote {} and points.csv", p.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// `harness gate`: exit 0 pass, 1 regressed, 2 cannot judge.
fn gate(a: &GateArgs) -> ExitCode {
    let (Some(baseline), Some(current)) = (&a.baseline, &a.current) else {
        return crate::ab::gate(&a.ab_options());
    };
    let (base, cur) = match (load(baseline), load(current)) {
        (Ok(b), Ok(c)) => (b, c),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let opts = GateOptions {
        max_regression: a
            .max_regression
            .unwrap_or(GateOptions::default().max_regression),
        reference: a.reference.clone(),
        ..GateOptions::default()
    };
    let outcome = analysis::gate::gate(&base, &cur, &opts);
    print!("{}", report::gate::render(&outcome));
    for p in &outcome.problems {
        eprintln!("error: cannot judge: {p}");
    }
    ExitCode::from(outcome.exit_code())
}

/// `harness ops`: the timing table (and JSON), or a counted run.
fn ops(a: &OpsArgs) -> ExitCode {
    if let Err(e) = crate::ops::check_args(a.time, a.points, a.groups, a.count, a.json.as_deref()) {
        return refuse(e);
    }
    let o = crate::ops::OpsOptions {
        points: a.points,
        groups: a.groups,
        time: a.time,
    };
    if let (Some(n), Some(kernel)) = (a.count, &a.kernel) {
        return match crate::ops::count(&o, kernel, n) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => refuse(e),
        };
    }
    let run = crate::ops::time(&o, |k| crate::ops::progress(&format!("timing {k}")));
    crate::ops::progress("");
    let json = serde_json::to_string_pretty(&run).expect("plain data serializes");
    match a.json.as_deref() {
        Some(p) if p == std::path::Path::new("-") => println!("{json}"),
        Some(p) => {
            if let Err(e) = results::fs::write_atomic(p, json.as_bytes()) {
                eprintln!("error: cannot write `{}` ({e})", p.display());
                return ExitCode::from(2);
            }
            print!("{}", crate::ops::render(&run));
        }
        None => print!("{}", crate::ops::render(&run)),
    }
    ExitCode::SUCCESS
}

/// Parses `10%` or `0.1` into a fraction.
pub fn parse_fraction(s: &str) -> Result<f64, String> {
    let (num, scale) = match s.trim().strip_suffix('%') {
        Some(n) => (n, 100.0),
        None => (s.trim(), 1.0),
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a fraction: write e.g. 10% or 0.1"))?;
    let v = v / scale;
    if !(0.0..10.0).contains(&v) {
        return Err(format!(
            "`{s}` is out of range: use a value such as 10% (0.1)"
        ));
    }
    Ok(v)
}

/// `harness check-history FILE`.
fn check_history(file: &std::path::Path) -> ExitCode {
    use checker::history::recheck;
    let opened = std::fs::File::open(file).map_err(|e| {
        format!(
            "cannot open `{}` ({e}); pass a file written by `harness run --history FILE`",
            file.display()
        )
    });
    let checked = opened.and_then(|f| {
        recheck(std::io::BufReader::new(f), &file.display().to_string()).map_err(|e| e.to_string())
    });
    match checked {
        Err(e) => refuse(e),
        Ok(points) => {
            println!(
                "offline re-check of {} ({} points; sampled snapshots only):",
                file.display(),
                points.len()
            );
            let mut any = false;
            for p in &points {
                any |= p.counts.total() > 0 || p.commits_off_plan > 0;
                println!(
                    "  {} {} rep {}: {} — {} in {} snapshots / {} reads; {} commits, {} off-plan commits",
                    p.backend, p.point, p.repetition, p.verdict.short(), p.counts.describe(),
                    p.counts.snapshots, p.counts.reads, p.commits, p.commits_off_plan
                );
                for v in p.samples.iter().take(3) {
                    println!(
                        "      {:?} partition {} cut {}: {}",
                        v.class, v.partition, v.cut, v.detail
                    );
                }
            }
            let open: Vec<String> = points
                .iter()
                .filter(|p| !p.concluded)
                .map(|p| format!("{} {} rep {}", p.backend, p.point, p.repetition))
                .collect();
            if any {
                ExitCode::from(1)
            } else if !open.is_empty() {
                eprintln!(
                    "error: cannot conclude: no `final` line for {} (the run was cut short, or \
                     the file was), so lost updates cannot be judged",
                    open.join(", ")
                );
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

/// `harness run`: the sweep, the table, the isolation verdicts, the files and the report.
fn run(args: &RunArgs) -> ExitCode {
    match crate::sweep::run(&args.options()) {
        Ok(results) => {
            // Every file is written before anything is printed: output cut short (a closed
            // pipe) loses nothing.
            let analysis = analysis::analyse(&results);
            let page = report::write_report(&args.out, &results, &analysis, None);
            print!("{}", report::table::render(&results, &analysis));
            println!("\nwrote {}/results.json and points.csv", args.out.display());
            match page {
                Ok(page) => println!("report: {}", page.display()),
                Err(e) => {
                    eprintln!("error: the results are saved, but the report failed: {e}");
                    return ExitCode::from(1);
                }
            }
            if results.run.interrupted || crate::interrupt::stop_requested() {
                ExitCode::from(130)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => refuse(e),
    }
}

/// `harness audit`.
fn audit(out: &std::path::Path) -> ExitCode {
    match crate::audit::run(out) {
        Ok(rows) => {
            print!("{}", crate::audit::render(&rows));
            println!("\nwrote {}/audit.json", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => refuse(e),
    }
}

/// `harness stress`.
fn stress(a: &StressArgs) -> ExitCode {
    if a.readers == 0 || a.writers == 0 {
        eprintln!("error: --readers and --writers must be ≥ 1, e.g. `--readers 2 --writers 2`");
        return ExitCode::from(2);
    }
    let checked = crate::limits::flag(
        "--duration",
        workloads::format_duration(a.duration),
        workloads::limits::window(a.duration),
    )
    .and_then(|()| {
        // The readers, the writers and the lease contender.
        let threads = a.readers.saturating_add(a.writers).saturating_add(1);
        crate::limits::threads("--readers + --writers", threads, a.oversubscribe)
    })
    .and_then(|()| match &a.history {
        Some(p) => crate::limits::writable_file("--history", p),
        None => Ok(()),
    });
    if let Err(e) = checked {
        return refuse(e);
    }
    let opts = crate::stress::StressOptions {
        duration: a.duration,
        readers: a.readers,
        writers: a.writers,
        seed: a.seed,
        history: a.history.clone(),
    };
    let (report, events) = crate::stress::run(&opts);
    print!("{}", report.render());
    if let Some(path) = &a.history {
        let mut all = vec![checker::history::Event::Header {
            backend: <backends::hybrid::Hybrid as backends::Backend>::INFO
                .name
                .into(),
            point: "stress".into(),
            repetition: 0,
            seed: a.seed,
            batch_size: 8,
            keys: checker::Plan::new(a.seed, 8).keys(),
            partitions: (0..a.writers).map(|w| format!("mutable/w{w}/")).collect(),
            truncated: report.history_truncated,
        }];
        all.extend(events);
        if let Err(e) = crate::sweep::write_history(path, &all) {
            eprintln!(
                "error: cannot write `{}` ({e}); pass a writable path to --history",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    if !report.ok() {
        ExitCode::from(1)
    } else if crate::interrupt::stop_requested() {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    }
}

/// `harness list`.
pub fn list() -> String {
    let mut out = String::from("workload presets (harness run --workload NAME):\n");
    for name in workloads::Spec::preset_names() {
        let about = workloads::Spec::preset(name)
            .map(|s| s.description.clone())
            .unwrap_or_default();
        out.push_str(&format!("  {name:<20} {about}\n"));
    }
    out.push_str(
        "  (or a TOML spec file, or a YCSB CoreWorkload property file such as \
         workloads/ycsb/workloada: --format, -p key=value, `harness convert`)\n",
    );
    out.push_str("\nbackends (harness run --backends A,B):\n");
    out.push_str(&format!(
        "  {:<16} {:>9} {:>12} {:>14} {:>7}  {}\n",
        "name", "snapshots", "prefix-scans", "atomic-batches", "ordered", "what it is"
    ));
    let yn = |b: bool| if b { "yes" } else { "no" };
    let broken = |b: &&backends::BackendInfo| b.role == BackendRole::Broken;
    for b in backends::ALL.iter().filter(|b| !broken(b)) {
        out.push_str(&format!(
            "  {:<16} {:>9} {:>12} {:>14} {:>7}  ({}) {}\n",
            b.name,
            yn(b.caps.snapshots),
            yn(b.caps.prefix_scans),
            yn(b.caps.atomic_batches),
            yn(b.caps.ordered),
            b.role.describe(),
            b.summary
        ));
    }
    out.push_str("\nBROKEN on purpose (isolation checker self-test; never in the default list):\n");
    for b in backends::ALL.iter().filter(broken) {
        out.push_str(&format!("  {:<16} {}\n", b.name, b.summary));
    }
    out.push_str("\nA workload that needs a capability a backend lacks is skipped for it, with the reason recorded.\n");
    out
}
