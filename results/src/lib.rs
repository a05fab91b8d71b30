//! The results file (`results.json`), schema version 2: the only hand-off between measuring and
//! everything that reads measurements afterwards (the summary table, the HTML report, the gate).
//!
//! Every field is typed — no generic JSON values, no numbers hidden in label strings — so the
//! stages compile against the same structs and cannot disagree about a field's meaning. The file
//! holds what was measured, not what was concluded: medians, ratios, verdicts over a backend and
//! the like are computed by the `analysis` crate, the one layer every view goes through.
//!
//! What a file holds, top down:
//! - [`Results`]: the schema version, the machine ([`Env`]), the workload as run
//!   ([`workloads::Spec`]), the run's parameters and backends ([`RunInfo`]), and the points;
//! - [`PointResult`]: one backend at one point of the sweep ([`Axes`]) in one repetition, either
//!   skipped (with the reason) or [`Measurement`]: goodput per role ([`ReaderStats`],
//!   [`WriterStats`]), refusals per role, latency per operation class, a timeline, and what the
//!   isolation checker found ([`Isolation`]).
//!
//! One load path ([`load`], [`from_json`]) and one save path ([`save`]). A version-1 file is read
//! through an explicit migration ([`v1`]) that says what it had to derive; any other version is
//! refused with the command that makes a readable file.
//!
//! May depend on: `workloads` (the spec as run), serde and serde_json. Nothing that measures or
//! renders.

pub mod env;
pub mod fs;
pub mod isolation;
pub mod ops;
pub mod point;
pub mod run;
pub mod v1;

use std::{fmt, path::Path};

use serde::{Deserialize, Serialize};

pub use env::{ClockInfo, Env};
pub use isolation::{Checked, Class, Counts, Isolation, NotChecked, Sample, Verdict, Violation};
pub use point::{
    Axes, Interval, LatencySummary, Measurement, OpClass, OpTiming, OtherAxes, Outcome,
    PointResult, ReaderStats, StoreCounters, Variant, WriterStats,
};
pub use run::{BackendEntry, BackendRole, Caps, Order, RunInfo};

/// The version this crate writes. Bump it when a field changes meaning or disappears, and teach
/// [`load`] to migrate the old one.
pub const SCHEMA_VERSION: u32 = 2;

/// One results file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Results {
    /// Always [`SCHEMA_VERSION`] once loaded (older files are migrated on load).
    pub schema_version: u32,
    /// Where and how the numbers were produced.
    pub env: Env,
    /// The workload exactly as run: presets and command-line overrides applied, seed included.
    pub workload: workloads::Spec,
    /// The run's parameters and the backends it measured.
    pub run: RunInfo,
    /// One entry per backend × point × repetition, in the order they ran.
    pub points: Vec<PointResult>,
    /// Present when the file was converted from an older schema version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<Migration>,
}

/// What converting an older file did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// The schema version the file was written with.
    pub from_version: u32,
    /// Each value the old file did not record and the migration derived, and how.
    pub notes: Vec<String>,
}

impl Results {
    /// The registry entry of `backend`, when the run measured it.
    pub fn backend(&self, backend: &str) -> Option<&BackendEntry> {
        self.run.backends.iter().find(|b| b.name == backend)
    }
}

/// Why a results file could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read at all.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The text is not JSON, or has no `schema_version`.
    NotResults { path: String, message: String },
    /// A `schema_version` this harness does not read.
    UnknownVersion { path: String, found: u64 },
    /// The version is known but the content does not match it.
    Malformed {
        path: String,
        version: u32,
        message: String,
    },
    /// A well-formed file without a single point (a run interrupted before its first point).
    NoPoints { path: String },
}

/// How to make a file this harness reads.
const RERUN: &str = "re-run `harness run` (with the same --workload and --backends) to write a \
                     version-2 results.json";

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, source } => write!(
                f,
                "cannot read results file `{path}` ({source}); pass a results.json written by \
                 `harness run`"
            ),
            LoadError::NotResults { path, message } => write!(
                f,
                "`{path}` is not a harness results file ({message}); pass a results.json written \
                 by `harness run`"
            ),
            LoadError::UnknownVersion { path, found } => write!(
                f,
                "`{path}` has schema_version {found}, which this harness does not read (it reads \
                 versions 1 and {SCHEMA_VERSION}); {RERUN}"
            ),
            LoadError::Malformed {
                path,
                version,
                message,
            } => write!(
                f,
                "`{path}` claims schema_version {version} but does not match it ({message}); \
                 {RERUN}"
            ),
            LoadError::NoPoints { path } => write!(
                f,
                "`{path}` holds no measured or skipped point (was the run interrupted before its \
                 first point finished?); {RERUN}"
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads a results file of any supported version (version 1 through [`v1::migrate`]).
pub fn load(path: &Path) -> Result<Results, LoadError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    from_json(&text, &shown)
}

/// Parses the text of a results file; `origin` names it in errors.
pub fn from_json(text: &str, origin: &str) -> Result<Results, LoadError> {
    #[derive(Deserialize)]
    struct Version {
        schema_version: u64,
    }
    let not_results = |message: String| LoadError::NotResults {
        path: origin.to_string(),
        message,
    };
    let version: Version = serde_json::from_str(text)
        .map_err(|e| not_results(format!("no readable schema_version: {e}")))?;
    let malformed = |version: u32| {
        move |e: serde_json::Error| LoadError::Malformed {
            path: origin.to_string(),
            version,
            message: e.to_string(),
        }
    };
    let results = match version.schema_version {
        1 => v1::migrate(serde_json::from_str(text).map_err(malformed(1))?).map_err(|message| {
            LoadError::Malformed {
                path: origin.to_string(),
                version: 1,
                message,
            }
        })?,
        2 => serde_json::from_str::<Results>(text).map_err(malformed(2))?,
        found => {
            return Err(LoadError::UnknownVersion {
                path: origin.to_string(),
                found,
            })
        }
    };
    check(&results).map_err(|message| LoadError::Malformed {
        path: origin.to_string(),
        version: version.schema_version as u32,
        message,
    })?;
    if results.points.is_empty() {
        return Err(LoadError::NoPoints {
            path: origin.to_string(),
        });
    }
    Ok(results)
}

/// Cross-field consistency the types alone cannot say.
fn check(r: &Results) -> Result<(), String> {
    for p in &r.points {
        if r.backend(&p.backend).is_none() {
            return Err(format!(
                "point of backend `{}` but run.backends lists only {:?}",
                p.backend,
                r.run.backends.iter().map(|b| &b.name).collect::<Vec<_>>()
            ));
        }
        if let Outcome::Measured(m) = &p.outcome {
            let writers = match p.variant {
                Variant::Sweep => p.axes.writers,
                Variant::ReadersOnly => 0,
            };
            if m.readers.threads != p.axes.readers || m.writers.threads != writers {
                return Err(format!(
                    "point `{}` of `{}`: axes say {} readers and {} writers, the measurement {} \
                     and {}",
                    p.axes.label(),
                    p.backend,
                    p.axes.readers,
                    writers,
                    m.readers.threads,
                    m.writers.threads
                ));
            }
        }
    }
    Ok(())
}

/// Writes `results` as `results.json` into `dir`, atomically (see [`fs::write_atomic`]).
pub fn save(dir: &Path, results: &Results) -> std::io::Result<std::path::PathBuf> {
    let path = dir.join("results.json");
    let json = serde_json::to_vec_pretty(results).map_err(std::io::Error::other)?;
    fs::write_atomic(&path, &json)?;
    Ok(path)
}

/// The file as JSON text (what [`save`] writes).
pub fn to_json(results: &Results) -> String {
    serde_json::to_string_pretty(results).expect("every schema type serializes")
}
