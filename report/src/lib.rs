//! What users read, rendered from the `analysis` crate and nothing else: the summary table
//! `harness run` prints ([`table`]), the self-contained HTML report ([`html`]), the gate's output
//! ([`gate`]) and `points.csv` ([`csv`]). None of them computes a figure of its own.
//!
//! May depend on: `analysis`, `results` and `workloads` (the spec's names), plotters for the
//! charts. No store, runner or clock.

pub mod csv;
pub mod format;
pub mod gate;
pub mod html;
pub mod table;

use std::path::{Path, PathBuf};

use analysis::Analysis;
use results::Results;

pub use html::{Baseline, SECTION_IDS};

/// Writes `dir/index.html` (creating `dir`) atomically and returns its path.
pub fn write_report(
    dir: &Path,
    r: &Results,
    a: &Analysis,
    base: Option<&Baseline>,
) -> Result<PathBuf, String> {
    let page = html::render(r, a, base).map_err(|e| {
        format!(
            "cannot draw a chart: {e} (a bug in the report: please file it with the results file)"
        )
    })?;
    let path = dir.join("index.html");
    std::fs::create_dir_all(dir)
        .and_then(|_| results::fs::write_atomic(&path, page.as_bytes()))
        .map_err(|e| {
            format!(
                "cannot write {} ({e}); check that the directory is writable, or pick another \
                 with --out",
                path.display()
            )
        })?;
    Ok(path)
}

/// Writes `dir/points.csv` atomically.
pub fn write_csv(dir: &Path, r: &Results) -> std::io::Result<PathBuf> {
    let path = dir.join("points.csv");
    results::fs::write_atomic(&path, csv::points_csv(r).as_bytes())?;
    Ok(path)
}
