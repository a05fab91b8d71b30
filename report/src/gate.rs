//! The gate's output. Files mode ([`render`]): isolation per backend in both files, every
//! compared metric with its judgement, what could not be judged and why, and the verdict line.
//! A/B mode ([`render_ab`]): each tier's kernels, or why the tier did not run, and the verdict.

use std::fmt::Write;

use analysis::{
    ab::{AbOutcome, Tier},
    gate::{GateOutcome, Judgement, Status},
};

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
        verdict(o.status),
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

/// The A/B gate's report as printed: each tier's kernels with their judgement, or why the tier
/// did not run, then the verdict line.
pub fn render_ab(o: &AbOutcome) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "base:    {}\ncurrent: {}", o.base, o.current);
    let _ = writeln!(
        out,
        "\ntiming tier (kb ÷ raw trie per kernel, medians over runs; change: Hodges–Lehmann \
         estimate of current ÷ base over paired runs, 99.9% interval; regressed beyond +{:.0}%):",
        o.max_regression * 100.0
    );
    match &o.timing {
        Tier::NotChecked(why) => {
            let _ = writeln!(out, "  not checked: {why}");
        }
        Tier::Judged(rows) => {
            let _ = writeln!(
                out,
                "  {:<14} {:<10} {:>6} {:>9} {:>9} {:>8} {:>18}",
                "judgement", "kernel", "pairs", "base", "current", "change", "interval"
            );
            for r in rows {
                let (change, interval) = match r.change {
                    Some(c) => (
                        pct(c.estimate),
                        format!("[{}, {}]", pct(c.low), pct(c.high)),
                    ),
                    None => ("-".into(), "-".into()),
                };
                let _ = writeln!(
                    out,
                    "  {:<14} {:<10} {:>6} {:>9.3} {:>9.3} {:>8} {:>18}",
                    r.judgement.name(),
                    r.kernel,
                    r.pairs,
                    r.base.median,
                    r.current.median,
                    change,
                    interval
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\ninstruction tier (instructions per op under callgrind; change: for a kb kernel, what \
         it grew beyond its raw twin's change, over its base count; regressed beyond +{:.1}%):",
        o.max_instructions * 100.0
    );
    match &o.instructions {
        Tier::NotChecked(why) => {
            let _ = writeln!(out, "  not checked: {why}");
        }
        Tier::Judged(rows) => {
            let _ = writeln!(
                out,
                "  {:<14} {:<16} {:>12} {:>12} {:>8}",
                "judgement", "kernel", "base", "current", "change"
            );
            for r in rows {
                let raw = r
                    .raw_change
                    .map_or(String::new(), |c| format!("   (raw {})", pct(c).trim()));
                let _ = writeln!(
                    out,
                    "  {:<14} {:<16} {:>12.1} {:>12.1} {:>8}{raw}",
                    r.judgement.name(),
                    r.kernel,
                    r.base,
                    r.current,
                    pct(r.change)
                );
            }
        }
    }
    for n in &o.notes {
        let _ = writeln!(out, "note: {n}");
    }
    let all: Vec<Judgement> = o
        .timing
        .rows()
        .iter()
        .map(|r| r.judgement)
        .chain(o.instructions.rows().iter().map(|r| r.judgement))
        .collect();
    let n = |j| all.iter().filter(|x| **x == j).count();
    let _ = writeln!(
        out,
        "\n{}: {} regressed, {} improved, {} unchanged; not judged: {} too noisy, {} with too few pairs",
        verdict(o.status),
        n(Judgement::Regressed),
        n(Judgement::Improved),
        n(Judgement::Unchanged),
        n(Judgement::TooNoisy),
        n(Judgement::TooFewRepetitions),
    );
    out
}

fn verdict(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Regressed => "REGRESSED",
        Status::CannotJudge => "CANNOT JUDGE",
    }
}
