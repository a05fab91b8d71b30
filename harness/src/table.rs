//! The summary printed on stdout after a run (rendered from [`Results`] only).

use std::fmt::Write;

use crate::results::{Results, Spread};

fn si(x: f64) -> String {
    match x {
        x if x >= 1e9 => format!("{:.2}G", x / 1e9),
        x if x >= 1e6 => format!("{:.2}M", x / 1e6),
        x if x >= 1e3 => format!("{:.1}k", x / 1e3),
        x => format!("{x:.0}"),
    }
}

fn ns(x: f64) -> String {
    match x {
        x if x <= 0.0 => "-".into(),
        x if x >= 1e6 => format!("{:.1}ms", x / 1e6),
        x if x >= 1e3 => format!("{:.1}µs", x / 1e3),
        x => format!("{x:.0}ns"),
    }
}

fn spread_si(s: &Spread) -> String {
    format!("{} [{}–{}]", si(s.median), si(s.min), si(s.max))
}

/// The whole summary: per-row table, writer impact, hybrid vs peers, harness floor.
pub fn render(r: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "workload `{}`, {} repetition(s), {} cores ({}), clock: {}{}",
        r.workload
            .get("name")
            .and_then(|v| v.as_str())
            .unwrap_or("?"),
        r.run.repetitions,
        r.env.cores,
        r.env.cpu,
        r.env.clock.source,
        if r.run.interrupted {
            "  [INTERRUPTED: finished points only]"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "{:<16} {:<24} {:>3} {:>3} {:>26} {:>7} {:>5} {:>9} {:>9} {:>10} {:>9}",
        "backend",
        "point",
        "R",
        "W",
        "ops/s median [min–max]",
        "speedup",
        "eff",
        "read p50",
        "read p99",
        "commit p99",
        "conflicts"
    );
    for row in &r.summary {
        let point = point_name(row);
        if let Some(why) = &row.skipped {
            let _ = writeln!(
                out,
                "{:<16} {:<24} {:>3} {:>3}  skipped: {why}",
                row.backend, point, row.readers, row.writers
            );
            continue;
        }
        let _ = writeln!(
            out,
            "{:<16} {:<24} {:>3} {:>3} {:>26} {:>7} {:>5} {:>9} {:>9} {:>10} {:>9}{}",
            row.backend,
            point,
            row.readers,
            row.writers,
            spread_si(&row.total_ops_per_s),
            row.speedup.map_or("-".into(), |s| format!("{s:.2}x")),
            row.efficiency
                .map_or("-".into(), |e| format!("{:.0}%", e * 100.0)),
            ns(row.read_p50_ns.median),
            ns(row.read_p99_ns.median),
            ns(row.commit_p99_ns.median),
            row.conflicts,
            if row.oversubscribed {
                "  (oversubscribed)"
            } else {
                ""
            }
        );
    }
    if !r.writer_impact.is_empty() {
        let _ = writeln!(
            out,
            "\nread p99 with writers committing vs the same readers alone:"
        );
        for w in &r.writer_impact {
            let _ = writeln!(
                out,
                "  {:<16} {:<24} {}R+{}W: {} vs {} alone → {:.2}x",
                w.backend,
                w.label,
                w.readers,
                w.writers,
                ns(w.read_p99_with_writers_ns),
                ns(w.read_p99_readers_only_ns),
                w.ratio
            );
        }
    }
    let ratios = hybrid_ratios(r);
    if !ratios.is_empty() {
        let _ = writeln!(
            out,
            "\nhybrid throughput / peer throughput (medians, same run):"
        );
        for (label, peer, ratio) in ratios {
            let _ = writeln!(out, "  {label:<24} vs {peer:<16} {ratio:.2}x");
        }
    }
    let nulls: Vec<_> = r
        .summary
        .iter()
        .filter(|s| s.backend == "null" && s.skipped.is_none())
        .collect();
    if !nulls.is_empty() {
        let _ = writeln!(
            out,
            "\nharness floor (null backend; one clock read costs {:.1} ns here):",
            r.env.clock.read_cost_ns
        );
    }
    for row in nulls {
        if let Some(v) = row.ns_per_op {
            let gen = row.op_generation_ns.unwrap_or(0.0);
            let _ = writeln!(
                out,
                "  {:<24} {v:.1} ns/op per thread = {gen:.1} op generation + {:.1} dispatch, \
                 2 clock reads and recording; timed region p50 {}",
                point_name(row),
                v - gen,
                ns(row.all_ops_p50_ns.unwrap_or(0.0))
            );
        }
    }
    out
}

fn point_name(row: &crate::results::SummaryRow) -> String {
    if row.variant.is_empty() {
        row.label.clone()
    } else {
        format!("{} ({})", row.label, row.variant)
    }
}

/// (point label, peer, hybrid median / peer median) for every point both ran.
pub fn hybrid_ratios(r: &Results) -> Vec<(String, String, f64)> {
    let mut out = Vec::new();
    for h in r
        .summary
        .iter()
        .filter(|s| s.backend == "hybrid" && s.variant.is_empty() && s.skipped.is_none())
    {
        for p in r.summary.iter().filter(|s| {
            s.backend != "hybrid"
                && s.backend != "null"
                && s.label == h.label
                && s.variant.is_empty()
                && s.skipped.is_none()
        }) {
            if p.total_ops_per_s.median > 0.0 {
                out.push((
                    h.label.clone(),
                    p.backend.clone(),
                    h.total_ops_per_s.median / p.total_ops_per_s.median,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn units() {
        assert_eq!(super::si(1_500_000.0), "1.50M");
        assert_eq!(super::ns(2_500.0), "2.5µs");
        assert_eq!(super::ns(0.0), "-");
    }
}
