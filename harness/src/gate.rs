//! The regression gate: `harness gate --baseline BASE.json --current CUR.json`.
//!
//! # Method
//! These machines are shared and have two cores, so absolute numbers from two runs differ by
//! more than most regressions. The gate therefore never compares absolute numbers across runs:
//!
//! 1. **Comparable?** Both files must have the same `schema_version` and the same workload spec
//!    (name and every field). Otherwise the outcome is *incomparable* (exit 2) with the reason.
//! 2. **Isolation.** Any isolation violation recorded for a backend that claims snapshots fails
//!    the gate (exit 1), whatever the baseline says.
//! 3. **Normalize within each run.** Every metric is a ratio of two numbers measured in the same
//!    run, in the same repetition, interleaved: a backend's total throughput and read/commit p99
//!    over the *reference* backend's at the same point (`rwlock-pathmap` by default — `null` is
//!    the harness's floor, not a reference), and each backend's throughput over its own at the
//!    smallest thread count (speedup). Machine-wide slowdowns cancel out of such ratios.
//! 4. **Spread.** Each metric has one value per repetition in each file; the gate compares the
//!    medians, and uses as the noise band the ~95% confidence interval of the median (order
//!    statistics; from 6 repetitions on) or min..max over repetitions (fewer). On these machines
//!    one 300 ms window of a single thread varies by up to 2× from the next (a pure ALU loop by
//!    ±20%: the host, not the guest), so the CI gate runs many short, interleaved repetitions
//!    and judges medians — the band then narrows as repetitions grow:
//!    - change within `max_regression` → *unchanged*;
//!    - either band wider than `noisy_spread` of its median, or a side with one repetition →
//!      *too noisy to judge* (reported, never failing);
//!    - bands overlap → *noise*;
//!    - otherwise *regressed* (worse) or *improved* (better).
//!
//! Only *regressed* rows fail the gate. Exit codes: 0 pass, 1 regressed, 2 incomparable.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::{analyse, isolation, ReportError};
use crate::results::{PointResult, Results, Spread};

/// Reference backend used when present in both files and not overridden.
pub const DEFAULT_REFERENCE: &str = "rwlock-pathmap";

#[derive(Debug, Clone, PartialEq)]
pub struct GateOptions {
    /// Worse by more than this fraction (0.10 = 10%) and outside the spread → regressed.
    pub max_regression: f64,
    /// A metric whose min..max band exceeds this fraction of its median is too noisy to judge.
    pub noisy_spread: f64,
    /// Reference backend (default: `rwlock-pathmap`, else the first shared non-hybrid backend).
    pub reference: Option<String>,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            max_regression: 0.10,
            noisy_spread: 0.5,
            reference: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Status {
    Pass,
    Regressed,
    Incomparable,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Judgement {
    Unchanged,
    Noise,
    TooNoisy,
    Improved,
    Regressed,
}

/// One compared metric.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GateRow {
    /// e.g. `throughput / rwlock-pathmap`, `read p99 / rwlock-pathmap`, `speedup vs 1 thread`.
    pub metric: String,
    pub backend: String,
    pub label: String,
    pub base: Spread,
    pub current: Spread,
    /// current median / base median − 1.
    pub change: f64,
    pub higher_is_better: bool,
    pub judgement: Judgement,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GateOutcome {
    pub status: Status,
    pub reference: Option<String>,
    /// Why the files cannot be compared (status Incomparable).
    pub problems: Vec<String>,
    pub rows: Vec<GateRow>,
}

impl GateOutcome {
    /// 0 pass, 1 regressed, 2 incomparable.
    pub fn exit_code(&self) -> u8 {
        match self.status {
            Status::Pass => 0,
            Status::Regressed => 1,
            Status::Incomparable => 2,
        }
    }

    pub fn rows_judged(&self, j: Judgement) -> impl Iterator<Item = &GateRow> {
        self.rows.iter().filter(move |r| r.judgement == j)
    }

    /// A plain-text table of every row that is not unchanged, then a count line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for p in &self.problems {
            out.push_str(&format!("cannot compare: {p}\n"));
        }
        let shown: Vec<&GateRow> = self
            .rows
            .iter()
            .filter(|r| r.judgement != Judgement::Unchanged)
            .collect();
        if !shown.is_empty() {
            out.push_str(&format!(
                "{:<10} {:<32} {:<16} {:<26} {:>26} {:>26} {:>8}\n",
                "verdict", "metric", "backend", "point", "base median [band]", "current", "change"
            ));
            for r in shown {
                out.push_str(&format!(
                    "{:<10} {:<32} {:<16} {:<26} {:>26} {:>26} {:>8}\n",
                    judgement_name(r.judgement),
                    r.metric,
                    r.backend,
                    r.label,
                    band(&r.base),
                    band(&r.current),
                    crate::report::format::pct(r.change)
                ));
            }
        }
        let n = |j| self.rows_judged(j).count();
        out.push_str(&format!(
            "{}: {} regressed, {} improved, {} unchanged, {} within noise, {} too noisy to judge \
             (reference: {})\n",
            match self.status {
                Status::Pass => "PASS",
                Status::Regressed => "REGRESSED",
                Status::Incomparable => "INCOMPARABLE",
            },
            n(Judgement::Regressed),
            n(Judgement::Improved),
            n(Judgement::Unchanged),
            n(Judgement::Noise),
            n(Judgement::TooNoisy),
            self.reference.as_deref().unwrap_or("none")
        ));
        out
    }
}

pub fn judgement_name(j: Judgement) -> &'static str {
    match j {
        Judgement::Unchanged => "unchanged",
        Judgement::Noise => "noise",
        Judgement::TooNoisy => "too noisy",
        Judgement::Improved => "improved",
        Judgement::Regressed => "REGRESSED",
    }
}

fn band(s: &Spread) -> String {
    format!("{:.4} [{:.4}..{:.4}]", s.median, s.min, s.max)
}

/// Compares `cur` against `base` (pure). See the module doc for the method.
pub fn gate(base: &Results, cur: &Results, opts: &GateOptions) -> GateOutcome {
    let problems = incomparable(base, cur);
    if !problems.is_empty() {
        return GateOutcome {
            status: Status::Incomparable,
            reference: None,
            problems,
            rows: Vec::new(),
        };
    }
    let reference = pick_reference(base, cur, opts);
    let mut rows = isolation_rows(base, cur);
    rows.extend(crate::report::normalized::rows(
        base,
        cur,
        reference.as_deref(),
        opts,
    ));
    let status = if rows.iter().any(|r| r.judgement == Judgement::Regressed) {
        Status::Regressed
    } else {
        Status::Pass
    };
    GateOutcome {
        status,
        reference,
        problems: Vec::new(),
        rows,
    }
}

/// Why two files cannot be compared (empty: they can).
fn incomparable(base: &Results, cur: &Results) -> Vec<String> {
    let mut out = Vec::new();
    if base.schema_version != cur.schema_version {
        out.push(format!(
            "schema_version differs (baseline {}, current {}): regenerate the baseline with \
             the same harness version",
            base.schema_version, cur.schema_version
        ));
    }
    let (bn, cn) = (analyse::workload_name(base), analyse::workload_name(cur));
    if bn != cn {
        out.push(format!(
            "different workloads (baseline `{bn}`, current `{cn}`): gate a run against a \
             baseline of the same workload"
        ));
    } else if base.workload != cur.workload {
        let keys: Vec<String> = match (base.workload.as_object(), cur.workload.as_object()) {
            (Some(b), Some(c)) => {
                let mut k: Vec<String> = b
                    .keys()
                    .chain(c.keys())
                    .filter(|k| b.get(*k) != c.get(*k))
                    .cloned()
                    .collect();
                k.sort();
                k.dedup();
                k
            }
            _ => vec!["(whole spec)".into()],
        };
        out.push(format!(
            "workload `{cn}` has a different spec (fields: {}): run both with the same spec, \
             or regenerate the baseline",
            keys.join(", ")
        ));
    }
    out
}

fn pick_reference(base: &Results, cur: &Results, opts: &GateOptions) -> Option<String> {
    let measured = |r: &Results, b: &str| {
        r.points
            .iter()
            .any(|p: &PointResult| p.backend == b && p.skipped.is_none())
    };
    let both = |b: &str| measured(base, b) && measured(cur, b);
    if let Some(r) = &opts.reference {
        return both(r).then(|| r.clone());
    }
    if both(DEFAULT_REFERENCE) {
        return Some(DEFAULT_REFERENCE.into());
    }
    analyse::backends_of(cur)
        .into_iter()
        .find(|b| b != analyse::HYBRID && b != analyse::NULL && both(b))
}

/// A failing row per snapshot-claiming backend with violations in the current run.
fn isolation_rows(base: &Results, cur: &Results) -> Vec<GateRow> {
    let count = |r: &Results, b: &str| -> f64 {
        r.points
            .iter()
            .filter(|p| p.backend == b)
            .filter_map(|p| p.isolation.as_ref())
            .map(isolation::violations)
            .sum::<u64>() as f64
    };
    isolation::verdicts(cur, &analyse::backends_of(cur))
        .into_iter()
        .filter(|v| v.claims_snapshots && v.violations > 0)
        .map(|v| {
            let (b, c) = (count(base, &v.backend), count(cur, &v.backend));
            GateRow {
                metric: "isolation violations".into(),
                backend: v.backend.clone(),
                label: "all points".into(),
                base: Spread {
                    median: b,
                    min: b,
                    max: b,
                },
                current: Spread {
                    median: c,
                    min: c,
                    max: c,
                },
                change: if b > 0.0 { c / b - 1.0 } else { f64::INFINITY },
                higher_is_better: false,
                judgement: Judgement::Regressed,
            }
        })
        .collect()
}

/// Loads a results file for the gate or the report, naming the file in every error.
pub fn load(path: &Path) -> Result<Results, ReportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReportError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| ReportError::Read {
        path: path.to_path_buf(),
        message: format!("not a harness results file ({e})"),
    })
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

/// `harness gate`: loads both files, prints the table, returns the exit code.
pub fn run_cli(baseline: &Path, current: &Path, opts: &GateOptions) -> u8 {
    let (b, c) = match (load(baseline), load(current)) {
        (Ok(b), Ok(c)) => (b, c),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("cannot compare: {e}");
            return 2;
        }
    };
    let outcome = gate(&b, &c, opts);
    print!("{}", outcome.render());
    outcome.exit_code()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fractions() {
        assert_eq!(parse_fraction("10%").unwrap(), 0.1);
        assert_eq!(parse_fraction("0.25").unwrap(), 0.25);
        assert!(parse_fraction("ten").is_err());
        assert!(parse_fraction("-5%").is_err());
    }
}
