//! The same-machine A/B gate's judgement: two builds of the harness — the base revision and the
//! current tree — measured alternately on one machine, in two tiers.
//!
//! # Timing tier
//! Each run of `harness ops` times every kernel of the knowledge base beside the raw trie
//! operation it wraps and reports their ratio (`results::ops`). Base and current run in pairs,
//! in alternating order (ABBA…), so slow drift of the machine falls on both. For each kernel the
//! gate takes the log of current ÷ base within each pair and the Hodges–Lehmann estimate of
//! their centre with its 99.9% Wilcoxon interval ([`hodges_lehmann`]):
//! - fewer pairs than such an interval needs (15) → *too few reps*, not judged;
//! - estimate beyond `+max_regression` and the whole interval above 0 → **regressed**;
//! - estimate beyond `−max_regression` and the whole interval below 0 → *improved*;
//! - the whole interval within ±`max_regression` → *unchanged*;
//! - anything else → *too noisy*, not judged.
//!
//! # Instruction tier
//! The same kernels (and the harness's hot loop) counted under callgrind: instructions per
//! operation, deterministic, so one count per build and no statistics: a growth beyond
//! `max_instructions` → **regressed**, a fall beyond it → *improved*, else *unchanged*.
//!
//! # Outcome
//! *regressed* (exit 1) when any kernel regressed in either tier; *pass* (0) when something was
//! judged and nothing regressed; *cannot judge* (2) when neither tier judged anything. A tier
//! that could not run says why ([`Tier::NotChecked`]), never nothing.

use results::ops::OpsRun;
use serde::Serialize;

use crate::{
    gate::{Judgement, Status},
    stats::{hodges_lehmann, Spread, Z_999},
};

/// How strict the A/B gate is.
#[derive(Debug, Clone, PartialEq)]
pub struct AbOptions {
    /// A kernel slower than this fraction (0.05 = 5%), outside the noise → regressed.
    pub max_regression: f64,
    /// A kernel whose instructions per op grew by more than this fraction → regressed.
    pub max_instructions: f64,
    /// Two-sided normal quantile of the timing tier's intervals.
    pub z: f64,
}

impl Default for AbOptions {
    fn default() -> Self {
        AbOptions {
            max_regression: 0.05,
            max_instructions: 0.01,
            z: Z_999,
        }
    }
}

/// One kernel in the timing tier.
#[derive(Debug, Clone, Serialize)]
pub struct TimingRow {
    pub kernel: String,
    /// Pairs in which both builds measured the kernel.
    pub pairs: usize,
    /// The kernel's kb ÷ raw ratio over the runs of each build.
    pub base: Spread,
    pub current: Spread,
    /// The change of the ratio, current over base − 1: the estimate and its interval (`None`:
    /// too few pairs for one).
    pub change: Option<Change>,
    pub judgement: Judgement,
}

/// A relative change with its interval (fractions: 0.1 = 10% slower).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// Instructions per operation of one kernel in each build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstrCount {
    pub kernel: String,
    pub base: f64,
    pub current: f64,
}

/// One kernel in the instruction tier.
#[derive(Debug, Clone, Serialize)]
pub struct InstrRow {
    pub kernel: String,
    pub base: f64,
    pub current: f64,
    /// The judged change. For a knowledge-base kernel with a raw twin (`X/kb` beside `X/raw`):
    /// what the KB's count grew beyond the twin's, over the KB's base count,
    /// `((current − base) − (raw current − raw base)) ÷ base`. For any other kernel:
    /// current ÷ base − 1.
    pub change: f64,
    /// For a knowledge-base kernel, its raw twin's own change (current ÷ base − 1).
    pub raw_change: Option<f64>,
    pub judgement: Judgement,
}

/// A tier's rows, or why it did not run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier<T> {
    Judged(Vec<T>),
    NotChecked(String),
}

impl<T> Tier<T> {
    pub fn rows(&self) -> &[T] {
        match self {
            Tier::Judged(rows) => rows,
            Tier::NotChecked(_) => &[],
        }
    }
}

/// Everything the A/B gate decided.
#[derive(Debug, Clone, Serialize)]
pub struct AbOutcome {
    pub status: Status,
    /// What was compared (e.g. a revision and "the working tree").
    pub base: String,
    pub current: String,
    pub timing: Tier<TimingRow>,
    pub instructions: Tier<InstrRow>,
    /// Thresholds the rows were judged with.
    pub max_regression: f64,
    pub max_instructions: f64,
    /// Why nothing could be judged (status `CannotJudge`), or what else the reader should know.
    pub notes: Vec<String>,
}

impl AbOutcome {
    /// 0 pass, 1 regressed, 2 cannot judge.
    pub fn exit_code(&self) -> u8 {
        match self.status {
            Status::Pass => 0,
            Status::Regressed => 1,
            Status::CannotJudge => 2,
        }
    }
}

/// The timing tier's rows from `(base, current)` run pairs, one row per kernel both measured.
pub fn judge_timing(pairs: &[(OpsRun, OpsRun)], o: &AbOptions) -> Vec<TimingRow> {
    let mut kernels: Vec<&str> = Vec::new();
    for (b, _) in pairs {
        for k in &b.kernels {
            if !kernels.contains(&k.kernel.as_str()) {
                kernels.push(&k.kernel);
            }
        }
    }
    kernels
        .into_iter()
        .filter_map(|kernel| {
            let both: Vec<(f64, f64)> = pairs
                .iter()
                .filter_map(|(b, c)| Some((b.kernel(kernel)?.ratio, c.kernel(kernel)?.ratio)))
                .filter(|(b, c)| *b > 0.0 && *c > 0.0 && b.is_finite() && c.is_finite())
                .collect();
            let base = Spread::of(&both.iter().map(|p| p.0).collect::<Vec<_>>())?;
            let current = Spread::of(&both.iter().map(|p| p.1).collect::<Vec<_>>())?;
            let logs: Vec<f64> = both.iter().map(|(b, c)| (c / b).ln()).collect();
            let change = hodges_lehmann(&logs, o.z).map(|s| Change {
                estimate: s.estimate.exp() - 1.0,
                low: s.low.exp() - 1.0,
                high: s.high.exp() - 1.0,
            });
            Some(TimingRow {
                kernel: kernel.into(),
                pairs: both.len(),
                base,
                current,
                judgement: judge_change(change, o.max_regression),
                change,
            })
        })
        .collect()
}

fn judge_change(change: Option<Change>, max: f64) -> Judgement {
    let Some(c) = change else {
        return Judgement::TooFewRepetitions;
    };
    if c.estimate > max && c.low > 0.0 {
        Judgement::Regressed
    } else if c.estimate < -max && c.high < 0.0 {
        Judgement::Improved
    } else if c.low > -max && c.high < max {
        Judgement::Unchanged
    } else {
        Judgement::TooNoisy
    }
}

/// The instruction tier's rows. A knowledge-base kernel is judged on the instructions it adds
/// beyond its raw twin's change: both run the same pathmap code, which a change elsewhere in the
/// binary can make the compiler lay out differently (seen: +2.0% on get in both, kb and raw alike,
/// from a harness-only change), while a change in the KB moves the kb kernel alone. The raw
/// twins are the reference, not judged; kernels without a twin (the hot loop) are judged on
/// their own change.
pub fn judge_instructions(counts: &[InstrCount], o: &AbOptions) -> Vec<InstrRow> {
    let valid = |c: &&InstrCount| c.base > 0.0 && c.current.is_finite();
    let twin_of = |kernel: &str| -> Option<&InstrCount> {
        let name = kernel.strip_suffix("/kb")?;
        counts
            .iter()
            .filter(valid)
            .find(|c| c.kernel.strip_suffix("/raw") == Some(name))
    };
    let has_kb_twin = |kernel: &str| {
        kernel.strip_suffix("/raw").is_some_and(|name| {
            counts
                .iter()
                .filter(valid)
                .any(|c| c.kernel == format!("{name}/kb"))
        })
    };
    counts
        .iter()
        .filter(valid)
        .map(|c| {
            let own = c.current / c.base - 1.0;
            let twin = twin_of(&c.kernel);
            let change = match twin {
                Some(raw) => ((c.current - c.base) - (raw.current - raw.base)) / c.base,
                None => own,
            };
            let judgement = if has_kb_twin(&c.kernel) {
                Judgement::Reference
            } else if change > o.max_instructions {
                Judgement::Regressed
            } else if change < -o.max_instructions {
                Judgement::Improved
            } else {
                Judgement::Unchanged
            };
            InstrRow {
                kernel: c.kernel.clone(),
                base: c.base,
                current: c.current,
                change,
                raw_change: twin.map(|raw| raw.current / raw.base - 1.0),
                judgement,
            }
        })
        .collect()
}

fn tier<T>(t: Result<Vec<T>, String>) -> Tier<T> {
    match t {
        Ok(rows) => Tier::Judged(rows),
        Err(why) => Tier::NotChecked(why),
    }
}

/// The outcome of both tiers (`Err`: why a tier did not run).
pub fn conclude(
    labels: (String, String),
    timing: Result<Vec<TimingRow>, String>,
    instructions: Result<Vec<InstrRow>, String>,
    o: &AbOptions,
) -> AbOutcome {
    let (timing, instructions) = (tier(timing), tier(instructions));
    let judgements: Vec<Judgement> = timing
        .rows()
        .iter()
        .map(|r| r.judgement)
        .chain(instructions.rows().iter().map(|r| r.judgement))
        .collect();
    let mut notes = Vec::new();
    let moved: Vec<String> = instructions
        .rows()
        .iter()
        .filter(|r| r.judgement == Judgement::Reference && r.change.abs() > o.max_instructions)
        .map(|r| format!("{} {:+.1}%", r.kernel, r.change * 100.0))
        .collect();
    if !moved.is_empty() {
        notes.push(format!(
            "the raw trie's own code moved ({}): pathmap compiled differently in this build, or \
             pathmap changed; each kb kernel is judged on what it adds beyond its raw twin",
            moved.join(", ")
        ));
    }
    let status = if judgements.contains(&Judgement::Regressed) {
        Status::Regressed
    } else if judgements.iter().any(|j| j.judged()) {
        Status::Pass
    } else {
        notes.push(
            "nothing could be judged: neither tier produced a judged kernel (see above)".into(),
        );
        Status::CannotJudge
    };
    AbOutcome {
        status,
        base: labels.0,
        current: labels.1,
        timing,
        instructions,
        max_regression: o.max_regression,
        max_instructions: o.max_instructions,
        notes,
    }
}
