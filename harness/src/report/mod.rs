//! The HTML report: `harness report RESULTS.json [--baseline OTHER.json] --out DIR`.
//!
//! Two stages (style #11): [`analyse`] turns results files into a serializable
//! [`ReportModel`] (pure; tests assert on it), and [`html`] renders the model into one
//! self-contained `index.html` — CSS from a template compiled into the binary, charts as inline
//! SVG drawn with plotters, no scripts, no fonts, no network.
//!
//! Sections: summary, scaling (with USL fits), latency spectra, ratio/skew sweeps, timeline,
//! isolation, environment, and — with a baseline — the comparison (see [`crate::gate`]).

pub mod analyse;
pub mod charts;
pub mod compare;
pub mod figures;
pub mod format;
pub mod html;
pub mod isolation;
pub mod model;
pub mod normalized;
pub mod sweeps;
pub mod usl;

use std::path::{Path, PathBuf};

pub use model::{ReportModel, SECTION_IDS};

use crate::results::Results;

/// Threshold the report's baseline table marks regressions with (the gate's default).
pub const DEFAULT_MAX_REGRESSION: f64 = 0.10;

/// What can go wrong reading results or writing a report.
#[derive(Debug)]
pub enum ReportError {
    /// A results file could not be read or parsed.
    Read { path: PathBuf, message: String },
    /// The output could not be written.
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A chart could not be drawn.
    Chart { message: String },
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::Read { path, message } => write!(
                f,
                "cannot read results file {}: {message} (pass a results.json written by \
                 `harness run`)",
                path.display()
            ),
            ReportError::Write { path, source } => write!(
                f,
                "cannot write {}: {source} (check that the directory is writable, or pick \
                 another with --out)",
                path.display()
            ),
            ReportError::Chart { message } => write!(
                f,
                "cannot draw a chart: {message} (a bug in the report: please file it with \
                 the results file)"
            ),
        }
    }
}

impl std::error::Error for ReportError {}

/// The model of the report on `results` (against `baseline`, when given).
pub fn model(results: &Results, baseline: Option<&Results>) -> ReportModel {
    analyse::analyse(results, baseline, DEFAULT_MAX_REGRESSION)
}

/// The HTML page of a model.
pub fn render(model: &ReportModel) -> Result<String, ReportError> {
    html::render(model).map_err(|message| ReportError::Chart { message })
}

/// Writes `out/index.html` (creating `out`) and returns its path.
pub fn write_report(
    results: &Results,
    baseline: Option<&Results>,
    out: &Path,
) -> Result<PathBuf, ReportError> {
    let page = render(&model(results, baseline))?;
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let path = out.join("index.html");
    let tmp = out.join(".index.html.tmp");
    std::fs::write(&tmp, page).map_err(write_err(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(write_err(&path))?;
    Ok(path)
}

/// `harness report`: loads the files, writes the page, returns the exit code.
pub fn run_cli(results: &Path, baseline: Option<&Path>, out: &Path) -> u8 {
    let load = |p: &Path| crate::gate::load(p);
    let r = match load(results) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let b = match baseline.map(load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    match write_report(&r, b.as_ref(), out) {
        Ok(p) => {
            println!("wrote {}", p.display());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
