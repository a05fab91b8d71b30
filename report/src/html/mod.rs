//! The HTML report: one self-contained page (CSS from a template compiled into the binary, charts
//! as inline SVG drawn with plotters; no scripts, no fonts, no network), rendered from a results
//! file and its analysis — every figure on the page comes from the `analysis` crate, the same as
//! the summary table's and the gate's.

mod charts;
mod figures;

use analysis::{
    compare::RoleComparison,
    flags::percent,
    gate::{GateOutcome, Judgement},
    isolation::{file_totals, IsolationTally},
    scaling::{self, Usl},
    Analysis, Role, Row,
};
use results::{BackendRole, Results, Verdict};

use self::charts::Chart;
use self::figures::Colors;
use crate::format::{count, ns, pct, si, spread, times};

const PAGE: &str = include_str!("page.html");

/// HTML ids of the sections, in page order (`baseline` only with a baseline).
pub const SECTION_IDS: [&str; 8] = [
    "summary",
    "scaling",
    "latency",
    "sweeps",
    "timeline",
    "isolation",
    "environment",
    "baseline",
];

/// A baseline to overlay and compare against.
pub struct Baseline<'a> {
    pub results: &'a Results,
    pub analysis: &'a Analysis,
    pub gate: &'a GateOutcome,
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A table row: an optional id, a class, and pre-escaped cells.
struct Tr {
    id: Option<String>,
    class: &'static str,
    cells: Vec<String>,
}

fn tr(class: &'static str, cells: Vec<String>) -> Tr {
    Tr {
        id: None,
        class,
        cells,
    }
}

/// Whether a (pre-escaped) cell holds text rather than a figure: its first visible character is a
/// letter. Text is left-aligned and may wrap; figures are right-aligned and never wrap.
fn is_text(cell: &str) -> bool {
    let mut rest = cell;
    while let Some(tag) = rest.strip_prefix('<') {
        rest = tag.split_once('>').map_or("", |(_, r)| r);
    }
    rest.chars().next().is_some_and(char::is_alphabetic)
}

fn table(head: &[&str], rows: Vec<Tr>) -> String {
    let mut s = String::from("<div class=wide><table><tr>");
    for h in head {
        s += &format!("<th>{}</th>", esc(h));
    }
    s += "</tr>";
    for r in rows {
        let id =
            r.id.map(|i| format!(" id=\"{}\"", esc(&i)))
                .unwrap_or_default();
        s += &format!("<tr{id} class=\"{}\">", r.class);
        for c in &r.cells {
            // Short text (a backend, a point, a verdict) stays on one line; long text wraps.
            let class = match (is_text(c), c.len() <= 32) {
                (true, true) => " class=s",
                (true, false) => " class=t",
                (false, _) => "",
            };
            s += &format!("<td{class}>{c}</td>");
        }
        s += "</tr>";
    }
    s + "</table></div>"
}

fn notes(ns: &[String]) -> String {
    ns.iter()
        .map(|n| format!("<p class=note>{}</p>", esc(n)))
        .collect()
}

fn charts_html(cs: &[Chart]) -> Result<String, String> {
    let mut s = String::from("<div class=charts>");
    for c in cs {
        // Inline SVG in HTML needs no namespace; dropping it keeps the page free of URLs.
        s += &charts::render(c)?.replace(r#" xmlns="http://www.w3.org/2000/svg""#, "");
    }
    Ok(s + "</div>")
}

fn section(id: &str, title: &str, inner: String) -> String {
    format!(
        "<section id=\"{id}\"><h2>{}</h2>\n{inner}\n</section>\n",
        esc(title)
    )
}

fn dash(x: Option<String>) -> String {
    x.unwrap_or_else(|| "–".into())
}

/// `<span class=flag>refused 99.8% of commits</span>` per flag.
fn flags_html(row: &Row) -> String {
    row.flags
        .iter()
        .map(|f| {
            let class = if f.is_refusal() { "refused" } else { "flag" };
            format!("<span class={class}>{}</span>", esc(&f.text()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn row_class(row: &Row) -> &'static str {
    if !row.refusal_flags().is_empty() {
        "bad"
    } else if row.flags.is_empty() {
        ""
    } else {
        "warn"
    }
}

fn verdict_html(t: &IsolationTally, status: &str, fails: bool) -> String {
    let class = match t.verdict() {
        _ if fails => "fail",
        Verdict::StrongSnapshotIsolation => "pass",
        v if v.is_evidence() => "weak",
        _ => "muted",
    };
    format!("<span class={class}>{}</span>", esc(status))
}

fn summary(r: &Results, a: &Analysis) -> String {
    let mut s = format!(
        "<p class=big>Workload <b>{}</b> — {}</p>",
        esc(&r.workload.name),
        esc(&r.workload.description)
    );
    s += &notes(&a.notes);
    s += "<h3>Isolation per backend</h3>";
    s += &table(
        &[
            "backend",
            "role",
            "claims snapshots",
            "verdict",
            "violations",
        ],
        a.isolation
            .iter()
            .map(|b| {
                tr(
                    if b.fails { "bad" } else { "" },
                    vec![
                        esc(&b.backend),
                        b.role.describe().into(),
                        if b.claims_snapshots { "yes" } else { "no" }.into(),
                        verdict_html(&b.tally, &b.status, b.fails),
                        count(b.tally.counts.total()),
                    ],
                )
            })
            .collect(),
    );
    s += &comparisons(a);
    s + &floor(a)
}

/// The harness's own cost per operation (the floor backend) and its share of each backend's.
fn floor(a: &Analysis) -> String {
    if a.floor.is_empty() {
        return String::new();
    }
    let tape = a
        .floor
        .iter()
        .find_map(|f| f.tape_reads)
        .map_or(String::new(), |n| {
            format!(
                " Readers replay their first {} reads, recorded before the window, and then \
                 replay them again.",
                crate::format::count(n)
            )
        });
    let mut s = format!(
        "<h3>Harness floor</h3><p>What <b>{}</b>, which does nothing, costs per operation per \
         thread (op generation, dispatch, timing and recording), and its share of each \
         backend's time per operation (wall time × threads up to the cores ÷ operations) at the \
         same point: the part of a figure that is the harness's own. A thread timing each op \
         alone pays two clock reads and a record per op; one timed in batches pays them once \
         per batch, and its latencies are batch means. Each backend is compared with the floor \
         of the timing its threads used (the per-op floor from the floor's warm-up, which is \
         timed per op). Shown only where the two ran the same mix: one role, closed loop, no \
         backend refusing over 1%.{tape}</p>",
        esc(&a.floor[0].backend)
    );
    let rows = a
        .floor
        .iter()
        .flat_map(|f| {
            f.shares.iter().map(move |sh| {
                tr(
                    "",
                    vec![
                        esc(&f.axes.label()),
                        format!(
                            "{:.1} ns ({})",
                            sh.floor_ns,
                            if sh.batched { "batched" } else { "per op" }
                        ),
                        esc(&sh.backend),
                        format!("{:.1} ns", sh.ns_per_op),
                        analysis::flags::percent(sh.share),
                    ],
                )
            })
        })
        .collect();
    s += &table(
        &[
            "point",
            "floor ns/op",
            "backend",
            "its ns/op",
            "floor's share",
        ],
        rows,
    );
    s
}

fn comparisons(a: &Analysis) -> String {
    let Some(first) = a.comparisons.first() else {
        return "<p class=muted>No backend under test beside a peer at the same point: nothing \
                to compare.</p>"
            .into();
    };
    let mut s = format!(
        "<h3>{} against each peer, per role</h3><p>Medians of one run, same points, \
         interleaved; &gt; 1: {} is faster. A point where either backend refused more than 1% of \
         a role's operations is not compared: its other role had the machine to itself.</p>",
        esc(&first.subject),
        esc(&first.subject)
    );
    let cell = |c: &RoleComparison| match c {
        RoleComparison::Ratio {
            subject,
            peer,
            ratio,
        } => (si(*subject), si(*peer), format!("<b>{}</b>", times(*ratio))),
        RoleComparison::NoRole => ("–".into(), "–".into(), "–".into()),
        RoleComparison::NotComparable { .. } => ("–".into(), "–".into(), "not compared".into()),
    };
    let rows = a
        .comparisons
        .iter()
        .map(|c| {
            let (rs, rp, rr) = cell(&c.reads);
            let (cs, cp, cr) = cell(&c.commits);
            let why = [&c.reads, &c.commits].into_iter().find_map(|x| match x {
                RoleComparison::NotComparable { why } => Some(why.clone()),
                _ => None,
            });
            Tr {
                id: Some(format!("cmp-{}-{}", c.peer, c.axes.label())),
                class: if why.is_some() { "bad" } else { "" },
                cells: vec![
                    esc(&c.peer),
                    esc(&c.axes.label()),
                    rs,
                    rp,
                    rr,
                    cs,
                    cp,
                    cr,
                    dash(
                        c.writes_per_s
                            .map(|(s, p)| format!("{} vs {}", si(s), si(p))),
                    ),
                    esc(&why.unwrap_or_default()),
                ],
            }
        })
        .collect();
    s += &table(
        &[
            "peer",
            "point",
            "reads/s",
            "peer reads/s",
            "ratio",
            "commits/s",
            "peer commits/s",
            "ratio",
            "staged writes/s",
            "why not compared",
        ],
        rows,
    );
    s
}

fn usl_table(series: &[&analysis::scaling::Series]) -> String {
    table(
        &[
            "backend",
            "series",
            "λ (1-thread)",
            "σ",
            "κ",
            "N*",
            "R²",
            "note",
        ],
        series
            .iter()
            .map(|s| {
                let name = vec![esc(&s.backend), esc(&s.group)];
                let rest = match &s.usl {
                    Usl::Fit { params: p, note } => vec![
                        si(p.lambda),
                        format!("{:.4}", p.sigma),
                        format!("{:.5}", p.kappa),
                        if p.peak_n.is_finite() {
                            format!("{:.1}", p.peak_n)
                        } else {
                            "∞".into()
                        },
                        format!("{:.3}", p.r2),
                        esc(note.as_deref().unwrap_or("")),
                    ],
                    Usl::NotDrawn { why } => {
                        let mut v = vec!["–".to_string(); 5];
                        v.push(format!("not drawn: {}", esc(why)));
                        v
                    }
                };
                tr("", name.into_iter().chain(rest).collect())
            })
            .collect(),
    )
}

fn scaling(a: &Analysis, base: Option<&Baseline>, col: &Colors) -> Result<String, String> {
    let sc = &a.scaling;
    let mut s = String::from(
        "<p>Goodput per role: completed reads per second against reader threads, acknowledged \
         commits per second against writer threads. Each backend's series keep the other role \
         present or absent alike; speedup and efficiency are against the same series' fewest \
         threads of the role.</p>",
    );
    if !sc.others.is_empty() {
        s += &format!(
            "<p>At {} (see the sweeps section for the other settings).</p>",
            esc(&sc.others)
        );
    }
    s += &notes(&sc.notes);
    for (role, cur, old) in [
        (
            Role::Readers,
            &sc.reads,
            base.map(|b| &b.analysis.scaling.reads),
        ),
        (
            Role::Writers,
            &sc.commits,
            base.map(|b| &b.analysis.scaling.commits),
        ),
    ] {
        if !scaling::varies(cur) {
            let counts: Vec<usize> = cur
                .iter()
                .flat_map(|s| &s.points)
                .map(|p| p.threads)
                .collect();
            if let Some(n) = counts.first() {
                let threads = role.threads();
                s += &notes(&[format!(
                    "No {} chart: every point ran {n} {} (sweep that count to see {} scale).",
                    role.unit(),
                    if *n == 1 {
                        threads.trim_end_matches('s')
                    } else {
                        threads
                    },
                    role.unit()
                )]);
            }
            continue;
        }
        s += &charts_html(&figures::scaling(
            role,
            cur,
            old.map(Vec::as_slice).unwrap_or_default(),
            col,
        ))?;
    }
    s += "<h3>Universal Scalability Law fits</h3><p>X(N) = λN / (1 + σ(N−1) + κN(N−1)); σ: \
          contention, κ: coherency, N*: predicted peak. Drawn only with at least 4 thread counts, \
          physical parameters (0 ≤ σ < 1, κ ≥ 0) and R² ≥ 0.8.</p>";
    let all: Vec<_> = sc
        .reads
        .iter()
        .chain(&sc.commits)
        .filter(|s| s.backend_role != BackendRole::Floor && s.varies())
        .collect();
    s += &usl_table(&all);
    s += "<h3>Every point</h3>";
    s += &points_table(a);
    Ok(s)
}

fn points_table(a: &Analysis) -> String {
    let sc = |row: &Row, role: Role| {
        row.scaling(role).map_or(("–".into(), "–".into()), |s| {
            (times(s.speedup), format!("{:.0}%", s.efficiency * 100.0))
        })
    };
    let rows = a
        .rows
        .iter()
        .map(|row| {
            if let Some(why) = &row.skipped {
                let mut cells = vec![esc(&row.backend), esc(&row.label())];
                cells.extend(std::iter::repeat_n("–".to_string(), 13));
                cells.push(format!("skipped: {}", esc(why)));
                return tr("muted", cells);
            }
            let (rx, re) = sc(row, Role::Readers);
            let (cx, ce) = sc(row, Role::Writers);
            tr(
                row_class(row),
                vec![
                    esc(&row.backend),
                    esc(&row.label()),
                    dash(row.reads_per_s.map(|s| spread(&s, si))),
                    rx,
                    re,
                    dash(row.commits_per_s.map(|s| spread(&s, si))),
                    cx,
                    ce,
                    dash(row.writes_per_s.map(|s| si(s.median))),
                    dash(row.writer_reads_per_s.map(|s| si(s.median))),
                    dash(row.read_p99_ns.map(|s| ns(s.median))),
                    dash(row.commit_p50_ns.map(|s| ns(s.median))),
                    dash(row.commit_p99_ns.map(|s| ns(s.median))),
                    dash(row.refused_share(Role::Readers).map(percent)),
                    dash(row.refused_share(Role::Writers).map(percent)),
                    flags_html(row),
                ],
            )
        })
        .collect();
    table(
        &[
            "backend",
            "point",
            "reads/s [min–max]",
            "read ×",
            "read eff.",
            "commits/s [min–max]",
            "commit ×",
            "commit eff.",
            "staged writes/s",
            "writers' own reads/s",
            "read p99",
            "commit p50",
            "commit p99",
            "reads refused",
            "commits refused",
            "flags",
        ],
        rows,
    )
}

fn latency(a: &Analysis, base: Option<&Baseline>, col: &Colors) -> Result<String, String> {
    let mut s = String::from(
        "<p>Each backend at its representative point (the most threads that are not \
         oversubscribed); medians over repetitions of each percentile.</p>",
    );
    s += &charts_html(&figures::latency(
        &a.latency,
        base.map(|b| b.analysis.latency.as_slice())
            .unwrap_or_default(),
        col,
    ))?;
    s += "<h3>Read p99 with writers committing against the same readers alone</h3>";
    if a.impact.is_empty() {
        s += "<p class=muted>No readers-only companion points in this run (run without \
              --no-companion).</p>";
    } else {
        s += &table(
            &["backend", "point", "with writers", "readers only", "ratio"],
            a.impact
                .iter()
                .map(|w| {
                    tr(
                        if w.ratio > 1.5 { "warn" } else { "" },
                        vec![
                            esc(&w.backend),
                            esc(&w.axes.label()),
                            ns(w.with_writers_p99_ns),
                            ns(w.readers_only_p99_ns),
                            times(w.ratio),
                        ],
                    )
                })
                .collect(),
        );
    }
    Ok(s)
}

fn timeline(a: &Analysis, col: &Colors) -> Result<String, String> {
    let mut s = String::from(
        "<p>Each backend's representative point in its median repetition. The counts per \
         interval sum to the point's counts, so the mean of a goodput line is the table's \
         figure for that repetition.</p>",
    );
    s += &table(
        &[
            "backend",
            "point",
            "repetition",
            "reads/s (window)",
            "commits/s (window)",
        ],
        a.timelines
            .iter()
            .map(|t| {
                let len: f64 = t.intervals.iter().map(|i| i.len_s).sum();
                let reads: u64 = t.intervals.iter().map(|i| i.reads).sum();
                let commits: Option<u64> = t.intervals.iter().map(|i| i.commits).sum();
                let rate = |n: u64| si(n as f64 / len.max(1e-9));
                tr(
                    "",
                    vec![
                        esc(&t.backend),
                        esc(&t.axes.label()),
                        (t.repetition + 1).to_string(),
                        if t.axes.readers > 0 {
                            rate(reads)
                        } else {
                            "–".into()
                        },
                        match (t.axes.writers, commits) {
                            (0, _) => "–".into(),
                            (_, Some(c)) => rate(c),
                            (_, None) => "not recorded".into(),
                        },
                    ],
                )
            })
            .collect(),
    );
    s += &charts_html(&figures::timeline(&a.timelines, col))?;
    Ok(s)
}

fn isolation(r: &Results, a: &Analysis) -> String {
    let mut s = String::from(
        "<p>Every point is checked while it runs (writers commit checkable batches, readers \
         validate every snapshot; cuts and the final state are checked after). A verdict needs \
         evidence: a point without concurrent readers and writers is <i>not exercised</i>, a \
         backend the checker did not run on is <i>not checked</i>. Totals are the sums over \
         every point of results.json.</p>",
    );
    let tally_cells = |t: &IsolationTally| {
        vec![
            format!("{} / {} / {}", t.points, t.checked, t.exercised),
            count(t.counts.snapshots),
            count(t.counts.reads),
            count(t.commits),
            count(t.counts.total()),
            esc(&t.counts.by_class()),
        ]
    };
    let mut rows: Vec<Tr> = a
        .isolation
        .iter()
        .map(|b| {
            let mut cells = vec![
                esc(&b.backend),
                if b.claims_snapshots { "yes" } else { "no" }.into(),
            ];
            cells.extend(tally_cells(&b.tally));
            cells.push(verdict_html(&b.tally, &b.status, b.fails));
            Tr {
                id: Some(format!("iso-{}", b.backend)),
                class: if b.fails { "bad" } else { "" },
                cells,
            }
        })
        .collect();
    let total = file_totals(r);
    let mut cells = vec!["<b>total</b>".to_string(), String::new()];
    cells.extend(tally_cells(&total));
    cells.push(String::new());
    rows.push(Tr {
        id: Some("iso-total".into()),
        class: "total",
        cells,
    });
    s += &table(
        &[
            "backend",
            "claims snapshots",
            "points / checked / exercised",
            "snapshots",
            "reads",
            "commits",
            "violations",
            "by class",
            "verdict",
        ],
        rows,
    );
    s += "<h3>Per point (summed over repetitions)</h3>";
    s += &table(
        &[
            "backend",
            "point",
            "snapshots",
            "reads",
            "commits",
            "violations",
            "verdict",
        ],
        a.rows
            .iter()
            .filter(|row| row.skipped.is_none())
            .map(|row| {
                let t = &row.isolation;
                tr(
                    if t.counts.total() > 0 { "bad" } else { "" },
                    vec![
                        esc(&row.backend),
                        esc(&row.label()),
                        count(t.counts.snapshots),
                        count(t.counts.reads),
                        count(t.commits),
                        esc(&t.counts.describe()),
                        verdict_html(t, &t.status(), false),
                    ],
                )
            })
            .collect(),
    );
    let samples: Vec<_> = r
        .points
        .iter()
        .filter_map(|p| Some((p, p.measured()?.isolation.checked()?)))
        .flat_map(|(p, c)| c.samples.iter().map(move |s| (p, s)))
        .take(20)
        .collect();
    if !samples.is_empty() {
        s += "<h3>First violations (reproduce with the point's backend and --seed)</h3>";
        s += &table(
            &[
                "backend",
                "point",
                "rep",
                "seen by",
                "class",
                "partition",
                "cut",
                "key",
                "detail",
            ],
            samples
                .iter()
                .map(|(p, smp)| {
                    let v = &smp.violation;
                    tr(
                        "",
                        vec![
                            esc(&p.backend),
                            esc(&p.axes.label()),
                            (p.repetition + 1).to_string(),
                            esc(&smp.source),
                            v.class.name().into(),
                            v.partition.to_string(),
                            v.cut.to_string(),
                            dash(v.key.map(|k| k.to_string())),
                            esc(&v.detail),
                        ],
                    )
                })
                .collect(),
        );
    }
    if a.rows.iter().all(|x| x.axes.writers < 2) {
        s += &notes(&[
            "No point had two or more writers: anomalies that need two writers (a \
                       lost update, a fork between partitions) cannot show in this run."
                .to_string(),
        ]);
    }
    s
}

fn environment(r: &Results) -> String {
    let (e, run) = (&r.env, &r.run);
    let kv = [
        ("cores", e.cores.to_string()),
        ("cpu", e.cpu.clone()),
        ("os", e.os.clone()),
        ("rustc", e.rustc.clone()),
        ("git commit", e.git_commit.clone()),
        ("allocator", e.allocator.clone()),
        ("profile", e.profile.clone()),
        (
            "clock",
            format!(
                "{} ({}, {:.1} ns/read)",
                e.clock.source, e.clock.os_clocksource, e.clock.read_cost_ns
            ),
        ),
        ("harness", e.harness_version.clone()),
        (
            "crate versions",
            e.crate_versions
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("command", run.command.join(" ")),
        ("repetitions", run.repetitions.to_string()),
        ("warm-up", format!("{} s", run.warmup_s)),
        (
            "window",
            match (run.duration_s, run.op_budget) {
                (Some(d), _) => format!("{d} s"),
                (None, Some(n)) => format!("{n} ops per thread"),
                (None, None) => "–".into(),
            },
        ),
        ("order", format!("{:?}", run.order).to_lowercase()),
        ("seed", run.seed.to_string()),
        ("quick", run.quick.to_string()),
        ("pinned", run.pinned.to_string()),
        (
            "isolation checker",
            if run.checked {
                "on"
            } else {
                "off (--no-check)"
            }
            .into(),
        ),
        (
            "timeline interval",
            format!("{} s", run.timeline_interval_s),
        ),
    ];
    let mut s = table(
        &["", ""],
        kv.iter()
            .map(|(k, v)| tr("", vec![esc(k), esc(v)]))
            .collect(),
    );
    s += "<h3>Backends</h3>";
    let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
    s += &table(
        &[
            "backend",
            "role",
            "snapshots",
            "prefix scans",
            "atomic batches",
            "ordered",
            "what it is",
        ],
        run.backends
            .iter()
            .map(|b| {
                tr(
                    "",
                    vec![
                        esc(&b.name),
                        b.role.describe().into(),
                        yn(b.caps.snapshots),
                        yn(b.caps.prefix_scans),
                        yn(b.caps.atomic_batches),
                        yn(b.caps.ordered),
                        esc(&b.summary),
                    ],
                )
            })
            .collect(),
    );
    s += &format!(
        "<h3>Workload spec (TOML, as run)</h3><pre>{}</pre>",
        esc(&r.workload.to_toml())
    );
    s
}

fn baseline(b: &Baseline) -> String {
    let g = b.gate;
    let mut s = format!(
        "<p class=big>Gate against the baseline (ratios within each run): <b>{}</b></p>",
        esc(crate::gate::render(g).lines().last().unwrap_or(""))
    );
    s += &notes(&g.problems);
    s += &table(
        &[
            "metric",
            "backend",
            "point",
            "baseline",
            "current",
            "change",
            "judgement",
        ],
        g.rows
            .iter()
            .map(|r| {
                let class = match r.judgement {
                    Judgement::Regressed => "bad",
                    Judgement::Improved => "good",
                    Judgement::TooNoisy | Judgement::TooFewRepetitions => "muted",
                    _ => "",
                };
                tr(
                    class,
                    vec![
                        esc(&r.metric.name(&g.reference)),
                        esc(&r.backend),
                        esc(&r.axes.label()),
                        format!("{:.3}", r.base.median),
                        format!("{:.3}", r.current.median),
                        pct(r.change),
                        r.judgement.name().into(),
                    ],
                )
            })
            .collect(),
    );
    s += &format!(
        "<p class=muted>Baseline: {} at commit {}, {} repetition(s), on {} ({} cores).</p>",
        esc(&b.results.workload.name),
        esc(&b.results.env.git_commit),
        b.results.run.repetitions,
        esc(&b.results.env.cpu),
        b.results.env.cores
    );
    s
}

/// The whole page.
pub fn render(r: &Results, a: &Analysis, base: Option<&Baseline>) -> Result<String, String> {
    let names: Vec<String> = r.run.backends.iter().map(|b| b.name.clone()).collect();
    let col = Colors(&names);
    let mut body = section("summary", "Summary", summary(r, a));
    body += &section("scaling", "Scaling per role", scaling(a, base, &col)?);
    body += &section("latency", "Latency", latency(a, base, &col)?);
    let sw = match &a.sweeps.note {
        Some(n) => notes(std::slice::from_ref(n)),
        None => charts_html(&figures::sweeps(&a.sweeps.axes, &col))?,
    };
    body += &section("sweeps", "Ratio and skew sweeps", sw);
    body += &section("timeline", "Timeline", timeline(a, &col)?);
    body += &section("isolation", "Isolation", isolation(r, a));
    body += &section("environment", "Environment and workload", environment(r));
    if let Some(b) = base {
        body += &section("baseline", "Against the baseline", baseline(b));
    }
    let nav: String = SECTION_IDS
        .iter()
        .filter(|id| **id != "baseline" || base.is_some())
        .map(|id| format!("<a href=\"#{id}\">{id}</a>"))
        .collect();
    let title = format!("{} — harness report", r.workload.name);
    Ok(PAGE
        .replace("{{title}}", &esc(&title))
        .replace("{{nav}}", &nav)
        .replace("{{body}}", &body))
}
