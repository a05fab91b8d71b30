//! The gate's output: isolation per backend in both files, every compared metric with its
//! judgement, what could not be judged and why, and the verdict line.

use std::fmt::Write;

use analysis::gate::{GateOutcome, Judgement, Status};

use crate::format::{count, pct};

fn band(b: &analysis::stats::Band) -> String {
    format!("{:.4} [{:.4}..{:.4}]", b.median, b.low, b.high)
}

/// The gate's report as printed.
pub fn render(o: &GateOutcome) -> String {
    let mut out = String::new();
    if !o.isolation.is_empty() {
        let _ = writeln!(out, "isolation (current run; baseline in brackets):");
        for l in &o.isolation {
            let c = &l.current;
            let base = l.base.as_ref().map_or("not in the baseline".into(), |b| {
                format!("{}, {}", b.status, b.tally.counts.describe())
            });
            let _ = writeln!(
                out,
                "  {:<15} {} — {} in {} snapshots / {} reads / {} commits{} [{base}]",
                c.backend,
                c.status,
                c.tally.counts.describe(),
                count(c.tally.counts.snapshots),
                count(c.tally.counts.reads),
                count(c.tally.commits),
                if c.fails {
                    "  FAIL: it claims snapshots"
                } else {
                    ""
                }
            );
        }
    }
    if !o.rows.is_empty() {
        let _ = writeln!(
            out,
            "{:<14} {:<28} {:<15} {:<16} {:>28} {:>28} {:>8}",
            "judgement",
            "metric",
            "backend",
            "point",
            "baseline median [band]",
            "current",
            "change"
        );
        for r in &o.rows {
            let _ = writeln!(
                out,
                "{:<14} {:<28} {:<15} {:<16} {:>28} {:>28} {:>8}",
                r.judgement.name(),
                r.metric.name(&o.reference),
                r.backend,
                r.axes.label(),
                band(&r.base),
                band(&r.current),
                pct(r.change)
            );
        }
    }
    for n in &o.not_compared {
        let _ = writeln!(out, "not compared: {n}");
    }
    for p in &o.problems {
        let _ = writeln!(out, "cannot judge: {p}");
    }
    let n = |j| o.count(j);
    let _ = writeln!(
        out,
        "{}: {} regressed, {} improved, {} unchanged, {} within noise; not judged: {} too noisy, \
         {} with too few repetitions (reference: {})",
        match o.status {
            Status::Pass => "PASS",
            Status::Regressed => "REGRESSED",
            Status::CannotJudge => "CANNOT JUDGE",
        },
        n(Judgement::Regressed),
        n(Judgement::Improved),
        n(Judgement::Unchanged),
        n(Judgement::Noise),
        n(Judgement::TooNoisy),
        n(Judgement::TooFewRepetitions),
        o.reference
    );
    out
}
