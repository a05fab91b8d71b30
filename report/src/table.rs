//! The summary `harness run` prints: goodput per role with flags, writers' cost to the read tail,
//! the backend under test against each peer per role, the harness floor, and isolation per
//! backend with the file's totals.

use std::fmt::Write;

use analysis::{compare::RoleComparison, flags::percent, isolation::file_totals, Analysis, Role};
use results::Results;

use crate::format::{count, ns, si, spread, times};

/// The whole summary.
pub fn render(r: &Results, a: &Analysis) -> String {
    let mut out = header(r, a);
    goodput(&mut out, a);
    writer_reads(&mut out, a);
    versions(&mut out, a);
    impact(&mut out, a);
    comparisons(&mut out, a);
    floor(&mut out, r, a);
    isolation(&mut out, r, a);
    out
}

fn header(r: &Results, a: &Analysis) -> String {
    let mut out = format!(
        "workload `{}`, {} repetition(s), {} cores ({}), clock: {}{}\n",
        r.workload.name,
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
    for n in &a.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

fn dash(x: Option<String>) -> String {
    x.unwrap_or_else(|| "-".into())
}

fn goodput(out: &mut String, a: &Analysis) {
    let _ = writeln!(
        out,
        "\ngoodput per role (medians [min–max] over repetitions; × = speedup over the fewest \
         threads of the role, eff = parallel efficiency; refused r/c = share of reads / commits \
         the backend refused):"
    );
    let _ = writeln!(
        out,
        "{:<15} {:<26} {:>21} {:>6} {:>5} {:>21} {:>6} {:>5} {:>9} {:>9} {:>10} {:>13}  flags",
        "backend",
        "point",
        "reads/s",
        "read×",
        "eff",
        "commits/s",
        "comm×",
        "eff",
        "writes/s",
        "read p99",
        "commit p99",
        "refused r/c"
    );
    for row in &a.rows {
        if let Some(why) = &row.skipped {
            let _ = writeln!(
                out,
                "{:<15} {:<26} skipped: {why}",
                row.backend,
                row.label()
            );
            continue;
        }
        let rate = |role: Role| dash(row.goodput(role).map(|s| spread(&s, si)));
        let sc = |role: Role| {
            row.scaling(role).map_or(("-".into(), "-".into()), |s| {
                (times(s.speedup), format!("{:.0}%", s.efficiency * 100.0))
            })
        };
        let (rx, re) = sc(Role::Readers);
        let (cx, ce) = sc(Role::Writers);
        let flags: Vec<String> = row.flags.iter().map(|f| f.text()).collect();
        let refused = |role: Role| dash(row.refused_share(role).map(percent));
        let _ = writeln!(
            out,
            "{:<15} {:<26} {:>21} {:>6} {:>5} {:>21} {:>6} {:>5} {:>9} {:>9} {:>10} {:>13}  {}",
            row.backend,
            row.label(),
            rate(Role::Readers),
            rx,
            re,
            rate(Role::Writers),
            cx,
            ce,
            dash(row.writes_per_s.map(|s| si(s.median))),
            dash(row.read_p99_ns.map(|s| ns(s.median))),
            dash(row.commit_p99_ns.map(|s| ns(s.median))),
            format!("{}/{}", refused(Role::Readers), refused(Role::Writers)),
            flags.join("; ")
        );
    }
}

/// Writers that also read (YCSB clients) do reads that are no reader's goodput: shown apart.
fn writer_reads(out: &mut String, a: &Analysis) {
    let rows: Vec<_> = a
        .rows
        .iter()
        .filter_map(|r| r.writer_reads_per_s.map(|s| (r, s)))
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nreads done by the writer threads themselves (their gets and scans, each from a fresh \
         snapshot, and read-for-updates; not in reads/s above):"
    );
    for (row, s) in rows {
        let _ = writeln!(
            out,
            "  {:<15} {:<26} {:>21} reads/s",
            row.backend,
            row.label(),
            spread(&s, si)
        );
    }
}

/// Versions a store published and freed per second, beside its commits: a commit that publishes
/// one version each shows the two equal; grouped commits publish fewer.
fn versions(out: &mut String, a: &Analysis) {
    let rows: Vec<_> = a
        .rows
        .iter()
        .filter_map(|r| r.versions_per_s.map(|v| (r, v)))
        .filter(|(r, _)| r.commits_per_s.is_some())
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nversions the store published and freed (where it counts them), per second of the window:"
    );
    for (row, v) in rows {
        let _ = writeln!(
            out,
            "  {:<15} {:<26} {:>9} published/s {:>9} freed/s   ({} commits/s)",
            row.backend,
            row.label(),
            si(v.median),
            dash(row.freed_per_s.map(|f| si(f.median))),
            dash(row.commits_per_s.map(|c| si(c.median)))
        );
    }
}

fn impact(out: &mut String, a: &Analysis) {
    if a.impact.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nread p99 with writers committing vs the same readers alone:"
    );
    for w in &a.impact {
        let _ = writeln!(
            out,
            "  {:<15} {:<22} {} vs {} alone → {}",
            w.backend,
            w.axes.label(),
            ns(w.with_writers_p99_ns),
            ns(w.readers_only_p99_ns),
            times(w.ratio)
        );
    }
}

fn role_cell(c: &RoleComparison) -> String {
    match c {
        RoleComparison::Ratio { ratio, .. } => times(*ratio),
        RoleComparison::NotComparable { why } => format!("not compared ({why})"),
        RoleComparison::NoRole => "-".into(),
    }
}

fn comparisons(out: &mut String, a: &Analysis) {
    let Some(first) = a.comparisons.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "\n{} ÷ each peer, per role (medians of one run; > 1: {} is faster; points where either \
         refused over 1% of a role's operations are not compared):",
        first.subject, first.subject
    );
    let _ = writeln!(
        out,
        "  {:<22} {:<15} {:>12} {:>12}  staged writes/s (subject, peer)",
        "point", "peer", "reads/s", "commits/s"
    );
    for c in &a.comparisons {
        let not = |x: &RoleComparison| matches!(x, RoleComparison::NotComparable { .. });
        if not(&c.reads) || not(&c.commits) {
            let why = [&c.reads, &c.commits]
                .into_iter()
                .find_map(|x| match x {
                    RoleComparison::NotComparable { why } => Some(why.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<22} {:<15} not compared: {why}",
                c.axes.label(),
                c.peer
            );
            continue;
        }
        let _ = writeln!(
            out,
            "  {:<22} {:<15} {:>12} {:>12}  {}",
            c.axes.label(),
            c.peer,
            role_cell(&c.reads),
            role_cell(&c.commits),
            c.writes_per_s
                .map_or("-".into(), |(s, p)| format!("{} vs {}", si(s), si(p)))
        );
    }
}

fn floor(out: &mut String, r: &Results, a: &Analysis) {
    if a.floor.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nharness floor ({}, which does nothing; one clock read costs {:.1} ns here):",
        a.floor[0].backend, r.env.clock.read_cost_ns
    );
    if let Some(n) = a.floor.iter().find_map(|f| f.tape_reads) {
        let _ = writeln!(
            out,
            "  readers replay their first {} reads, recorded before the window (then again)",
            count(n)
        );
    }
    for f in &a.floor {
        let gen = f.op_generation_ns.unwrap_or(0.0);
        let per_op = || dash(f.per_op_ns.map(|n| format!("{n:.1} ns")));
        let timed = match f.batched_threads {
            0 => format!(
                "every op timed alone (timed region p50 {})",
                dash(f.timed_p50_ns.map(ns))
            ),
            n if n == f.threads => format!(
                "timed in batches of {} units (timed per op: {}, from its warm-up)",
                f.batch_units,
                per_op()
            ),
            n => format!(
                "{n} of {} threads timed in batches of {} units, the rest per op (all timed per \
                 op: {}, from the warm-up)",
                f.threads,
                f.batch_units,
                per_op()
            ),
        };
        let _ = writeln!(
            out,
            "  {:<22} {:.1} ns/op per thread, {timed} = {gen:.1} op generation + {:.1} dispatch, \
             timing and recording",
            f.axes.label(),
            f.ns_per_op,
            f.ns_per_op - gen,
        );
        if !f.shares.is_empty() {
            let shares: Vec<String> = f
                .shares
                .iter()
                .map(|s| {
                    format!(
                        "{} {:.0} ns ({}{})",
                        s.backend,
                        s.ns_per_op,
                        percent(s.share),
                        if s.batched { ", batched" } else { "" }
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  {:<22} floor's share of each backend's ns/op: {}",
                "",
                shares.join(", ")
            );
        }
    }
}

fn isolation(out: &mut String, r: &Results, a: &Analysis) {
    let _ = writeln!(
        out,
        "\nisolation (what each backend delivered in this run, over all its points):"
    );
    let _ = writeln!(
        out,
        "  {:<15} {:<52} {:>12} {:>13} {:>11}  violations",
        "backend", "verdict", "snapshots", "reads", "commits"
    );
    for b in &a.isolation {
        let t = &b.tally;
        let _ = writeln!(
            out,
            "  {:<15} {:<52} {:>12} {:>13} {:>11}  {}{}",
            b.backend,
            b.status,
            count(t.counts.snapshots),
            count(t.counts.reads),
            count(t.commits),
            t.counts.describe(),
            if b.fails {
                "  FAIL: it claims snapshots"
            } else {
                ""
            }
        );
    }
    let t = file_totals(r);
    let _ = writeln!(
        out,
        "  {:<15} {:<52} {:>12} {:>13} {:>11}  {}",
        "total",
        format!("{} of {} points checked", t.checked, t.points),
        count(t.counts.snapshots),
        count(t.counts.reads),
        count(t.commits),
        t.counts.describe()
    );
    if r.workload.writers.batch_size > 0 && a.rows.iter().all(|x| x.axes.writers < 2) {
        let _ = writeln!(
            out,
            "  (no point had 2 or more writers: a lost update across partitions cannot show)"
        );
    }
}
