//! A point's isolation results (`PointResult.isolation` in results.json) and the per-backend
//! verdict lines printed after the run's table.

use std::{collections::BTreeMap, fmt::Write as _};

use serde::{Deserialize, Serialize};

use super::{
    check::{Class, Counts, Violation, SAMPLES},
    verdict::{verdict, Verdict},
};
use crate::results::{PointResult, Results};

/// One point's checker results, stored as `PointResult.isolation`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IsolationSummary {
    /// False when the checker did not run (`--no-check`, `null`, no writers); `note` says why.
    pub checked: bool,
    #[serde(default)]
    pub note: Option<String>,
    /// Enough to reproduce: rerun `harness run` with this backend, point and `--seed`.
    pub backend: String,
    pub seed: u64,
    /// Writer partitions checked (one checked region each).
    pub partitions: usize,
    pub snapshots_checked: u64,
    /// Checked reads (markers, keys, re-reads, scanned entries, final state).
    pub reads_checked: u64,
    /// The checker's overhead on readers: its reads per snapshot (not in the latency histograms).
    pub checked_reads_per_snapshot: f64,
    /// Checked batches acknowledged by writers, and aborted attempts rolled back.
    pub commits_checked: u64,
    pub aborted_attempts: u64,
    /// Workload `delete_prefix` ops skipped because they would have removed checked keys.
    #[serde(default)]
    pub skipped_deletes: u64,
    /// Violations per class (absent = 0); `forked_cuts` and `lost_update` come from the checks
    /// after the run.
    pub violations: BTreeMap<Class, u64>,
    pub total_violations: u64,
    /// The first few violations, each with its source (`reader N` or `final state`).
    pub first_violations: Vec<Sampled>,
    pub verdict: Verdict,
    pub verdict_text: String,
}

/// A violation and where it was seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sampled {
    pub source: String,
    #[serde(flatten)]
    pub violation: Violation,
}

impl IsolationSummary {
    /// A point the checker did not run on, and why.
    pub fn not_checked(backend: &str, seed: u64, why: &str) -> Self {
        IsolationSummary {
            checked: false,
            note: Some(why.to_string()),
            backend: backend.to_string(),
            seed,
            verdict: Verdict::NotChecked,
            verdict_text: Verdict::NotChecked.describe().to_string(),
            ..Default::default()
        }
    }

    /// Fills counts, samples and the verdict from merged `counts` and `samples`.
    pub fn with_counts(mut self, counts: &Counts, samples: Vec<Sampled>) -> Self {
        self.snapshots_checked = counts.snapshots;
        self.reads_checked = counts.reads;
        self.checked_reads_per_snapshot = counts.reads as f64 / counts.snapshots.max(1) as f64;
        self.violations = counts.violations.clone();
        self.total_violations = counts.total();
        self.first_violations = samples.into_iter().take(SAMPLES).collect();
        self.verdict = verdict(counts);
        self.verdict_text = self.verdict.describe().to_string();
        self
    }

    /// Back to counts (for merging points).
    pub fn counts(&self) -> Counts {
        Counts {
            snapshots: self.snapshots_checked,
            reads: self.reads_checked,
            violations: self.violations.clone(),
        }
    }

    /// The typed summary of a results row, if the checker's field is there and readable.
    pub fn of(point: &PointResult) -> Option<IsolationSummary> {
        serde_json::from_value(point.isolation.clone()?).ok()
    }
}

/// `fractured 12, predicate 3` (or `0 violations`).
pub fn classes(counts: &Counts) -> String {
    if counts.total() == 0 {
        return "0 violations".into();
    }
    let parts: Vec<String> = Class::ALL
        .iter()
        .filter(|c| counts.of(**c) > 0)
        .map(|c| {
            let name = serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(String::from));
            format!(
                "{} {}",
                name.unwrap_or_default().replace('_', "-"),
                counts.of(*c)
            )
        })
        .collect();
    format!("{} violations ({})", counts.total(), parts.join(", "))
}

/// Per backend, over all its checked points: the verdict and the evidence.
pub fn per_backend(results: &Results) -> Vec<(String, Counts, Verdict, u64)> {
    let mut by: Vec<(String, Counts, u64)> = Vec::new();
    for p in &results.points {
        let Some(s) = IsolationSummary::of(p).filter(|s| s.checked) else {
            continue;
        };
        match by.iter_mut().find(|(b, _, _)| *b == p.backend) {
            Some((_, c, n)) => {
                c.merge(&s.counts());
                *n += s.commits_checked;
            }
            None => by.push((p.backend.clone(), s.counts(), s.commits_checked)),
        }
    }
    by.into_iter()
        .map(|(b, c, n)| {
            let v = verdict(&c);
            (b, c, v, n)
        })
        .collect()
}

/// The lines printed after the table.
pub fn render(results: &Results) -> String {
    let rows = per_backend(results);
    let mut out = String::new();
    if rows.is_empty() {
        if results
            .points
            .iter()
            .any(|p| IsolationSummary::of(p).is_some_and(|s| s.note.as_deref() == Some(NO_CHECK)))
        {
            out.push_str("\nisolation: not checked (--no-check)\n");
        }
        return out;
    }
    out.push_str("\nisolation (what each backend delivered in this run):\n");
    for (b, c, v, commits) in rows {
        let short = v.describe().split(':').next().unwrap_or("");
        let _ = writeln!(
            out,
            "  {b}: {short} — {} in {} snapshots / {} reads / {commits} checked commits ({:.1} checked reads per snapshot)",
            classes(&c),
            c.snapshots,
            c.reads,
            c.reads as f64 / c.snapshots.max(1) as f64
        );
    }
    out
}

/// The note of points run with `--no-check`.
pub const NO_CHECK: &str = "disabled by --no-check";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_round_trips_through_the_results_field() {
        let mut counts = Counts {
            snapshots: 10,
            reads: 90,
            ..Default::default()
        };
        counts.violations.insert(Class::Fractured, 2);
        let s = IsolationSummary {
            checked: true,
            backend: "b".into(),
            ..Default::default()
        }
        .with_counts(&counts, vec![]);
        assert_eq!(s.verdict, Verdict::ReadCommitted);
        assert_eq!(s.checked_reads_per_snapshot, 9.0);
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["violations"]["fractured"], 2);
        assert_eq!(serde_json::from_value::<IsolationSummary>(v).unwrap(), s);
        assert_eq!(classes(&counts), "2 violations (fractured 2)");
    }
}
