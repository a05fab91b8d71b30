//! The regression gate's judgement: is a results file worse than a baseline of the same workload?
//!
//! # Method
//! Absolute numbers from two runs differ by more than most regressions on a shared machine, so
//! the gate compares only ratios measured within each run:
//!
//! 1. **Comparable?** The same workload spec, and the reference backend (`rwlock-pathmap` unless
//!    `--reference` names another) measured in both files. Otherwise the gate cannot judge.
//! 2. **Isolation.** A backend that claims snapshots and shows any violation fails the gate.
//! 3. **Ratios per role, per repetition.** A backend's reads/s and commits/s over the reference's
//!    at the same point in the same repetition (interleaved, so drift of the machine cancels),
//!    its read and commit p99 over the reference's, and each backend's goodput over its own at
//!    the fewest threads of the role (speedup). Points where either backend refused more than
//!    [`crate::flags::REFUSAL_LABEL`] of a role's operations are not compared.
//! 4. **Judgement** of the per-repetition values of each file (medians shown with their noise
//!    band, [`band`]):
//!    - too few repetitions for the test below ever to reach 5% (fewer than 4 against 4) →
//!      *not judged*;
//!    - median change within `max_regression` → *unchanged*;
//!    - a band wider than `noisy_spread` of its median → *too noisy* (not judged);
//!    - the two sets of values not different by a Mann–Whitney U test at 5% ([`mann_whitney`]:
//!      ranks only, no assumption about the shape of the noise) → *noise*;
//!    - otherwise *regressed* or *improved*.
//!
//! Outcome: *pass* (exit 0) when something was judged and nothing regressed; *regressed* (1);
//! *cannot judge* (2) when the files are not comparable or no metric could be judged — never a
//! pass with nothing behind it.

use results::{Axes, BackendRole, Measurement, OpClass, Results, Variant};
use serde::Serialize;

use crate::{
    flags::Role,
    isolation::{per_backend, BackendIsolation},
    rows::{rows, same_series, timed_apart, Row},
    stats::{band, mann_whitney, min_p, Band, ALPHA},
};

/// The reference backend when `--reference` is not given.
pub const DEFAULT_REFERENCE: &str = "rwlock-pathmap";

/// How strict the gate is.
#[derive(Debug, Clone, PartialEq)]
pub struct GateOptions {
    /// Worse by more than this fraction (0.10 = 10%), outside the noise → regressed.
    pub max_regression: f64,
    /// A band wider than this fraction of its median is too noisy to judge.
    pub noisy_spread: f64,
    /// The backend every other is normalized by.
    pub reference: String,
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            max_regression: 0.10,
            noisy_spread: 0.5,
            reference: DEFAULT_REFERENCE.into(),
        }
    }
}

/// The gate's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Regressed,
    CannotJudge,
}

/// The decision on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Judgement {
    Unchanged,
    Noise,
    Improved,
    Regressed,
    /// Not judged: a band too wide.
    TooNoisy,
    /// Not judged: too few repetitions for the test to ever reach 5%.
    TooFewRepetitions,
    /// Not judged itself: the raw trie's count, which its knowledge-base twin is judged against.
    Reference,
}

impl Judgement {
    /// Whether the metric was judged (a decision was made on it).
    pub fn judged(self) -> bool {
        !matches!(
            self,
            Judgement::TooNoisy | Judgement::TooFewRepetitions | Judgement::Reference
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Judgement::Unchanged => "unchanged",
            Judgement::Noise => "noise",
            Judgement::Improved => "improved",
            Judgement::Regressed => "REGRESSED",
            Judgement::TooNoisy => "too noisy",
            Judgement::TooFewRepetitions => "too few reps",
            Judgement::Reference => "reference",
        }
    }
}

/// What a gate row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// Reads/s over the reference's.
    Reads,
    /// Commits/s over the reference's.
    Commits,
    /// Read p99 over the reference's.
    ReadP99,
    /// Commit p99 over the reference's.
    CommitP99,
    /// Reads/s over the same backend's at its fewest readers.
    ReadSpeedup,
    /// Commits/s over the same backend's at its fewest writers.
    CommitSpeedup,
}

impl Metric {
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::ReadP99 | Metric::CommitP99)
    }

    /// As printed, e.g. `reads/s ÷ rwlock-pathmap`.
    pub fn name(self, reference: &str) -> String {
        match self {
            Metric::Reads => format!("reads/s ÷ {reference}"),
            Metric::Commits => format!("commits/s ÷ {reference}"),
            Metric::ReadP99 => format!("read p99 ÷ {reference}"),
            Metric::CommitP99 => format!("commit p99 ÷ {reference}"),
            Metric::ReadSpeedup => "read speedup".into(),
            Metric::CommitSpeedup => "commit speedup".into(),
        }
    }
}

/// One compared metric.
#[derive(Debug, Clone, Serialize)]
pub struct GateRow {
    pub metric: Metric,
    pub backend: String,
    pub axes: Axes,
    /// Median and noise band of the per-repetition values in each file.
    pub base: Band,
    pub current: Band,
    /// Repetitions behind each side.
    pub repetitions: (usize, usize),
    /// current median / base median − 1.
    pub change: f64,
    pub judgement: Judgement,
}

/// One backend's isolation in both files.
#[derive(Debug, Clone, Serialize)]
pub struct IsolationLine {
    pub base: Option<BackendIsolation>,
    pub current: BackendIsolation,
}

/// Everything the gate decided.
#[derive(Debug, Clone, Serialize)]
pub struct GateOutcome {
    pub status: Status,
    pub reference: String,
    /// Why the files cannot be judged (status `CannotJudge`).
    pub problems: Vec<String>,
    pub rows: Vec<GateRow>,
    pub isolation: Vec<IsolationLine>,
    /// Points left out of the comparison, and why (refusals).
    pub not_compared: Vec<String>,
}

impl GateOutcome {
    /// 0 pass, 1 regressed, 2 cannot judge.
    pub fn exit_code(&self) -> u8 {
        match self.status {
            Status::Pass => 0,
            Status::Regressed => 1,
            Status::CannotJudge => 2,
        }
    }

    /// Rows with this judgement.
    pub fn count(&self, j: Judgement) -> usize {
        self.rows.iter().filter(|r| r.judgement == j).count()
    }
}

/// Judges `cur` against `base`. See the module doc for the method.
pub fn gate(base: &Results, cur: &Results, o: &GateOptions) -> GateOutcome {
    let mut problems = workload_problems(base, cur);
    for (file, r) in [("baseline", base), ("current", cur)] {
        let measured = r
            .points
            .iter()
            .any(|p| p.backend == o.reference && p.measured().is_some());
        if !measured {
            let mut have: Vec<&str> = r.run.backends.iter().map(|b| b.name.as_str()).collect();
            have.dedup();
            problems.push(format!(
                "the reference backend `{}` was not measured in the {file} file (it has: {}); \
                 run both with it, or name a shared one with --reference",
                o.reference,
                have.join(", ")
            ));
        }
    }
    let isolation = isolation_lines(base, cur);
    if !problems.is_empty() {
        return GateOutcome {
            status: Status::CannotJudge,
            reference: o.reference.clone(),
            problems,
            rows: Vec::new(),
            isolation,
            not_compared: Vec::new(),
        };
    }
    let (brows, crows) = (rows(base), rows(cur));
    let mut not_compared = Vec::new();
    let bvals = values(base, &brows, &o.reference, &mut Vec::new());
    let cvals = values(cur, &crows, &o.reference, &mut not_compared);
    let mut out = Vec::new();
    for (metric, backend, axes, cv) in &cvals {
        let Some((.., bv)) = bvals
            .iter()
            .find(|(m, b, a, _)| m == metric && b == backend && a == axes)
        else {
            continue;
        };
        let (Some(b), Some(c)) = (band(bv), band(cv)) else {
            continue;
        };
        out.push(GateRow {
            metric: *metric,
            backend: backend.clone(),
            axes: axes.clone(),
            change: c.median / b.median - 1.0,
            judgement: judge(bv, cv, metric.higher_is_better(), o),
            base: b,
            current: c,
            repetitions: (bv.len(), cv.len()),
        });
    }
    let failed_isolation = isolation.iter().any(|l| l.current.fails);
    let judged = out.iter().filter(|r| r.judgement.judged()).count();
    let status = if failed_isolation || out.iter().any(|r| r.judgement == Judgement::Regressed) {
        Status::Regressed
    } else if judged == 0 {
        problems.push(if out.is_empty() {
            "no metric to compare: the files share no point where a backend and the reference \
             both did the work"
                .to_string()
        } else {
            format!(
                "nothing could be judged: all {} metric(s) have too few repetitions (at least 4 \
                 in each file) or are too noisy; run more repetitions (e.g. --repetitions 8)",
                out.len()
            )
        });
        Status::CannotJudge
    } else {
        Status::Pass
    };
    GateOutcome {
        status,
        reference: o.reference.clone(),
        problems,
        rows: out,
        isolation,
        not_compared,
    }
}

/// The decision on one metric from its per-repetition values in each file (see the module doc).
pub fn judge(base: &[f64], cur: &[f64], higher_is_better: bool, o: &GateOptions) -> Judgement {
    let (Some(b), Some(c)) = (band(base), band(cur)) else {
        return Judgement::TooFewRepetitions;
    };
    if min_p(base.len(), cur.len()) >= ALPHA {
        return Judgement::TooFewRepetitions;
    }
    let change = c.median / b.median - 1.0;
    if !change.is_finite() {
        return Judgement::TooNoisy;
    }
    if change.abs() <= o.max_regression {
        return Judgement::Unchanged;
    }
    if b.relative_width() > o.noisy_spread || c.relative_width() > o.noisy_spread {
        return Judgement::TooNoisy;
    }
    if mann_whitney(base, cur) >= ALPHA {
        return Judgement::Noise;
    }
    if (change < 0.0) == higher_is_better {
        Judgement::Regressed
    } else {
        Judgement::Improved
    }
}

/// Why the two files' workloads differ (empty: they are the same spec).
fn workload_problems(base: &Results, cur: &Results) -> Vec<String> {
    let (b, c) = (&base.workload, &cur.workload);
    if b.name != c.name {
        return vec![format!(
            "different workloads (baseline `{}`, current `{}`): gate a run against a baseline \
             of the same workload",
            b.name, c.name
        )];
    }
    let differ: Vec<&str> = [
        ("description", b.description == c.description),
        ("run", b.run == c.run),
        ("threads", b.threads == c.threads),
        ("stable", b.stable == c.stable),
        ("mutable", b.mutable == c.mutable),
        ("readers", b.readers == c.readers),
        ("writers", b.writers == c.writers),
        ("sweep", b.sweep == c.sweep),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(name, _)| name)
    .collect();
    if differ.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "workload `{}` has a different spec (sections: {}): run both with the same spec and \
             options, or regenerate the baseline",
            c.name,
            differ.join(", ")
        )]
    }
}

fn isolation_lines(base: &Results, cur: &Results) -> Vec<IsolationLine> {
    let b = per_backend(base);
    per_backend(cur)
        .into_iter()
        .map(|current| IsolationLine {
            base: b.iter().find(|x| x.backend == current.backend).cloned(),
            current,
        })
        .collect()
}

/// Per-repetition values of one metric of one backend at one point.
type Values = (Metric, String, Axes, Vec<f64>);

/// Per-repetition values of every metric of one file, in row order. Points a refusal makes
/// incomparable go to `skipped` with the reason.
fn values(r: &Results, rows: &[Row], reference: &str, skipped: &mut Vec<String>) -> Vec<Values> {
    let mut out: Vec<Values> = Vec::new();
    let point = |b: &str, axes: &Axes, rep: u32| -> Option<&Measurement> {
        r.points
            .iter()
            .find(|p| {
                p.backend == b
                    && &p.axes == axes
                    && p.repetition == rep
                    && p.variant == Variant::Sweep
            })
            .and_then(|p| p.measured())
    };
    let row_of = |b: &str, axes: &Axes| {
        rows.iter()
            .find(|x| x.backend == b && &x.axes == axes && x.variant == Variant::Sweep)
    };
    for row in rows.iter().filter(|x| {
        x.variant == Variant::Sweep
            && x.skipped.is_none()
            && !matches!(x.role, BackendRole::Floor | BackendRole::Broken)
    }) {
        let refusal = |x: &Row| {
            x.refusal_flags()
                .first()
                .map(|f| format!("{} {}", x.backend, f.text()))
        };
        let reps: Vec<u32> = r
            .points
            .iter()
            .filter(|p| {
                p.backend == row.backend && p.axes == row.axes && p.variant == Variant::Sweep
            })
            .filter(|p| p.measured().is_some())
            .map(|p| p.repetition)
            .collect();
        // Against the reference, per role.
        if row.backend != reference {
            if let Some(rf) = row_of(reference, &row.axes) {
                match refusal(row)
                    .or_else(|| refusal(rf))
                    .or_else(|| timed_apart(row, rf))
                {
                    Some(why) => skipped.push(format!("{}: {why}", row.axes.label())),
                    None => {
                        type Get = fn(&Measurement) -> Option<f64>;
                        let metrics: [(Metric, Get); 4] = [
                            (Metric::Reads, |m| {
                                (m.readers.threads > 0).then(|| m.reads_per_s())
                            }),
                            (Metric::Commits, |m| {
                                (m.writers.threads > 0).then(|| m.commits_per_s())
                            }),
                            (Metric::ReadP99, |m| {
                                m.readers.latency_ns.as_ref().map(|l| l.p99 as f64)
                            }),
                            (Metric::CommitP99, |m| {
                                m.latency_ns.get(&OpClass::Commit).map(|l| l.p99 as f64)
                            }),
                        ];
                        for (metric, get) in metrics {
                            let v: Vec<f64> = reps
                                .iter()
                                .filter_map(|&rep| {
                                    let x = get(point(&row.backend, &row.axes, rep)?)?;
                                    let y = get(point(reference, &row.axes, rep)?)?;
                                    (x > 0.0 && y > 0.0).then_some(x / y)
                                })
                                .collect();
                            if !v.is_empty() {
                                out.push((metric, row.backend.clone(), row.axes.clone(), v));
                            }
                        }
                    }
                }
            }
        }
        // Against itself at the fewest threads of the role.
        for (metric, role) in [
            (Metric::ReadSpeedup, Role::Readers),
            (Metric::CommitSpeedup, Role::Writers),
        ] {
            let Some(s) = row.scaling(role) else { continue };
            if s.base_threads == row.threads(role) {
                continue;
            }
            let Some(base) = rows
                .iter()
                .filter(|b| same_series(row, b, role) && b.goodput(role).is_some())
                .min_by_key(|b| {
                    (
                        b.threads(role),
                        b.threads(match role {
                            Role::Readers => Role::Writers,
                            Role::Writers => Role::Readers,
                        }),
                    )
                })
            else {
                continue;
            };
            let goodput = |m: &Measurement| match role {
                Role::Readers => m.reads_per_s(),
                Role::Writers => m.commits_per_s(),
            };
            let v: Vec<f64> = reps
                .iter()
                .filter_map(|&rep| {
                    let x = goodput(point(&row.backend, &row.axes, rep)?);
                    let y = goodput(point(&base.backend, &base.axes, rep)?);
                    (y > 0.0).then_some(x / y)
                })
                .collect();
            if !v.is_empty() {
                out.push((metric, row.backend.clone(), row.axes.clone(), v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `median` with a ±`spread` pattern over `n` repetitions (deterministic).
    fn reps(median: f64, spread: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| median * (1.0 + spread * ((i * 7 % n) as f64 / (n - 1) as f64 - 0.5)))
            .collect()
    }

    #[test]
    fn judgements() {
        let o = GateOptions::default();
        let base = reps(1.0, 0.2, 8);
        let j = |cur: &[f64], hib: bool| judge(&base, cur, hib, &o);
        assert_eq!(j(&reps(1.03, 0.2, 8), true), Judgement::Unchanged);
        assert_eq!(j(&reps(0.7, 0.2, 8), true), Judgement::Regressed);
        assert_eq!(j(&reps(0.7, 0.2, 8), false), Judgement::Improved);
        // A 15% drop inside noise of ±40%: not shown.
        assert_eq!(
            judge(&reps(1.0, 0.45, 8), &reps(0.85, 0.45, 8), true, &o),
            Judgement::Noise
        );
        assert_eq!(j(&reps(0.7, 0.9, 8), true), Judgement::TooNoisy);
        // Too few repetitions are never judged, not even when nothing changed.
        assert_eq!(j(&[1.0], true), Judgement::TooFewRepetitions);
        assert_eq!(
            judge(&reps(1.0, 0.1, 3), &reps(0.5, 0.1, 3), true, &o),
            Judgement::TooFewRepetitions
        );
        assert_eq!(
            judge(&reps(1.0, 0.1, 4), &reps(0.5, 0.1, 4), true, &o),
            Judgement::Regressed
        );
    }
}
