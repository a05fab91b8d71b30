//! Rendering (style #11): model → one self-contained HTML page. The page skeleton and CSS are
//! a template compiled into the binary (`page.html`); charts are inline SVG; nothing is fetched.

use super::charts::{self, Chart};
use super::figures::{self, Colors};
use super::format::{ns, pct, si};
use super::model::*;
use crate::gate::{judgement_name, Judgement};

const PAGE: &str = include_str!("page.html");

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table(head: &[&str], rows: Vec<(String, Vec<String>)>) -> String {
    let mut s = String::from("<table><tr>");
    for (i, h) in head.iter().enumerate() {
        s += &format!(
            "<th{}>{}</th>",
            if i == 0 { " class=l" } else { "" },
            esc(h)
        );
    }
    s += "</tr>";
    for (class, cells) in rows {
        s += &format!("<tr class=\"{class}\">");
        for (i, c) in cells.iter().enumerate() {
            // Cells are pre-escaped by callers (some carry markup).
            s += &format!("<td{}>{c}</td>", if i == 0 { " class=l" } else { "" });
        }
        s += "</tr>";
    }
    s + "</table>"
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

fn verdict_html(v: &str) -> String {
    let class = match v {
        "pass" => "pass",
        "FAIL" => "fail",
        _ => "muted",
    };
    format!("<span class={class}>{}</span>", esc(v))
}

fn summary(m: &Summary) -> String {
    let mut s = format!(
        "<p class=big>Workload <b>{}</b> — {}</p><p>Backends: {}</p>",
        esc(&m.workload),
        esc(&m.description),
        esc(&m.backends.join(", "))
    );
    s += "<h3>Isolation verdicts</h3>";
    s += &table(
        &["backend", "claims snapshots", "verdict"],
        m.verdicts
            .iter()
            .map(|v| {
                let claim = if v.claims_snapshots { "yes" } else { "no" };
                (
                    String::new(),
                    vec![esc(&v.backend), claim.into(), verdict_html(&v.verdict)],
                )
            })
            .collect(),
    );
    s += "<h3>Hybrid vs each peer (median total throughput)</h3>";
    if m.headline.is_empty() {
        s += "<p class=muted>No hybrid run, or no peer measured at the same thread counts.</p>";
    } else {
        s += &table(
            &[
                "peer",
                "threads",
                "point",
                "hybrid ops/s",
                "peer ops/s",
                "hybrid / peer",
            ],
            m.headline
                .iter()
                .map(|h| {
                    let class = if h.ratio >= 1.0 { "good" } else { "" };
                    (
                        class.into(),
                        vec![
                            esc(&h.peer),
                            h.threads.to_string(),
                            esc(&h.label),
                            si(h.hybrid_ops_per_s),
                            si(h.peer_ops_per_s),
                            format!("<b>{:.2}×</b>", h.ratio),
                        ],
                    )
                })
                .collect(),
        );
    }
    s + &notes(&m.notes)
}

fn scaling(m: &Scaling, col: &Colors) -> Result<String, String> {
    let mut s = notes(&m.notes);
    s += &charts_html(&figures::scaling(m, col))?;
    s += "<h3>Universal Scalability Law fits</h3><p>X(N) = λN / (1 + σ(N−1) + κN(N−1)); σ: contention, κ: coherency, N*: predicted peak.</p>";
    s += &table(
        &[
            "backend",
            "λ (1-thread ops/s)",
            "σ",
            "κ",
            "N*",
            "R²",
            "note",
        ],
        m.usl
            .iter()
            .map(|f| {
                let note = esc(f.note.as_deref().unwrap_or(""));
                let cells = match f.params {
                    Some(p) => vec![
                        esc(&f.backend),
                        si(p.lambda),
                        format!("{:.4}", p.sigma),
                        format!("{:.5}", p.kappa),
                        if p.peak_n.is_finite() {
                            format!("{:.1}", p.peak_n)
                        } else {
                            "∞".into()
                        },
                        format!("{:.3}", p.r2),
                        note,
                    ],
                    None => vec![
                        esc(&f.backend),
                        "–".into(),
                        "–".into(),
                        "–".into(),
                        "–".into(),
                        "–".into(),
                        note,
                    ],
                };
                (String::new(), cells)
            })
            .collect(),
    );
    s += "<h3>Points</h3>";
    let rows = m
        .current
        .iter()
        .flat_map(|sr| sr.points.iter().map(move |p| (sr, p)))
        .map(|(sr, p)| {
            let class = if p.oversubscribed { "bad" } else { "" };
            (
                class.into(),
                vec![
                    esc(&sr.backend),
                    esc(&p.label),
                    si(p.total_ops_per_s.median),
                    format!(
                        "{}–{}",
                        si(p.total_ops_per_s.min),
                        si(p.total_ops_per_s.max)
                    ),
                    si(p.read_ops_per_s.median),
                    si(p.write_ops_per_s.median),
                    p.speedup.map_or("–".into(), |v| format!("{v:.2}×")),
                    p.efficiency.map_or("–".into(), |v| format!("{v:.2}")),
                    if p.oversubscribed {
                        "yes ×".into()
                    } else {
                        "".into()
                    },
                ],
            )
        })
        .collect();
    s += &table(
        &[
            "backend",
            "point",
            "total ops/s",
            "min–max",
            "read ops/s",
            "write ops/s",
            "speedup",
            "efficiency",
            "oversubscribed",
        ],
        rows,
    );
    Ok(s)
}

fn latency(m: &Latency, col: &Colors) -> Result<String, String> {
    let mut s = String::from("<p>Each backend at its representative point (largest thread count that is not oversubscribed); medians over repetitions.</p>");
    s += &charts_html(&figures::latency(m, col))?;
    s += "<h3>Read p99 with writers committing vs readers alone</h3>";
    s += &table(
        &["backend", "point", "with writers", "readers only", "ratio"],
        m.writer_impact
            .iter()
            .map(|w| {
                let class = if w.ratio > 1.5 { "bad" } else { "" };
                (
                    class.into(),
                    vec![
                        esc(&w.backend),
                        esc(&w.label),
                        ns(w.read_p99_with_writers_ns),
                        ns(w.read_p99_readers_only_ns),
                        format!("{:.2}×", w.ratio),
                    ],
                )
            })
            .collect(),
    );
    Ok(s + &notes(&m.notes))
}

fn isolation(m: &Isolation) -> String {
    let mut s = table(
        &[
            "backend",
            "claims snapshots",
            "points checked",
            "checks",
            "violations",
            "verdict",
        ],
        m.verdicts
            .iter()
            .map(|v| {
                let class = if v.verdict == "FAIL" { "bad" } else { "" };
                (
                    class.into(),
                    vec![
                        esc(&v.backend),
                        if v.claims_snapshots { "yes" } else { "no" }.into(),
                        v.points_checked.to_string(),
                        v.checks.to_string(),
                        v.violations.to_string(),
                        verdict_html(&v.verdict),
                    ],
                )
            })
            .collect(),
    );
    if !m.rows.is_empty() {
        let mut head = vec!["backend", "point", "rep"];
        head.extend(m.columns.iter().map(String::as_str));
        s += &table(
            &head,
            m.rows
                .iter()
                .map(|r| {
                    let mut cells = vec![esc(&r.backend), esc(&r.label), r.repetition.to_string()];
                    cells.extend(r.cells.iter().map(|c| esc(c)));
                    (String::new(), cells)
                })
                .collect(),
        );
    }
    if let Some(n) = &m.note {
        s += &notes(std::slice::from_ref(n));
    }
    s += "<h3>Seed-claims audit</h3>";
    s += &match &m.audit {
        Some(a) => format!(
            "<pre>{}</pre>",
            esc(&serde_json::to_string_pretty(a).unwrap_or_default())
        ),
        None => "<p class=muted>No audit in this results file.</p>".into(),
    };
    s
}

fn environment(m: &Environment) -> String {
    let e = &m.env;
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
        ("command", m.run.command.join(" ")),
        ("repetitions", m.run.repetitions.to_string()),
        ("order", m.run.order.clone()),
        ("seed", m.run.seed.to_string()),
    ];
    let mut s = table(
        &["", ""],
        kv.iter()
            .map(|(k, v)| (String::new(), vec![esc(k), esc(v)]))
            .collect(),
    );
    s += &format!(
        "<h3>Crate versions</h3><pre>{}</pre><h3>Run parameters</h3><pre>{}</pre><h3>Workload spec</h3><pre>{}</pre>",
        esc(&serde_json::to_string_pretty(&e.crate_versions).unwrap_or_default()),
        esc(&serde_json::to_string_pretty(&m.run).unwrap_or_default()),
        esc(&m.workload_json)
    );
    s
}

fn baseline(m: &BaselineComparison) -> String {
    let g = &m.gate;
    let mut s = format!(
        "<p class=big>Gate (normalized within each run): <b>{}</b></p>",
        esc(g.render().lines().last().unwrap_or(""))
    );
    s += &notes(&g.problems);
    let judged: Vec<_> = g
        .rows
        .iter()
        .filter(|r| r.judgement != Judgement::Unchanged)
        .collect();
    s += &table(
        &[
            "metric", "backend", "point", "baseline", "current", "change", "verdict",
        ],
        judged
            .iter()
            .map(|r| {
                let class = match r.judgement {
                    Judgement::Regressed => "bad",
                    Judgement::Improved => "good",
                    _ => "",
                };
                (
                    class.into(),
                    vec![
                        esc(&r.metric),
                        esc(&r.backend),
                        esc(&r.label),
                        format!("{:.3}", r.base.median),
                        format!("{:.3}", r.current.median),
                        pct(r.change),
                        judgement_name(r.judgement).into(),
                    ],
                )
            })
            .collect(),
    );
    s += "<h3>Absolute changes (different runs: informational)</h3>";
    s + &table(
        &[
            "backend", "point", "metric", "baseline", "current", "change",
        ],
        m.deltas
            .iter()
            .map(|d| {
                let fmt = |v: f64| {
                    if d.metric.contains("(ns)") {
                        ns(v)
                    } else {
                        si(v)
                    }
                };
                (
                    if d.regression { "bad" } else { "" }.into(),
                    vec![
                        esc(&d.backend),
                        esc(&d.label),
                        esc(&d.metric),
                        fmt(d.base),
                        fmt(d.current),
                        pct(d.change),
                    ],
                )
            })
            .collect(),
    )
}

/// The whole page.
pub fn render(m: &ReportModel) -> Result<String, String> {
    let col = Colors(&m.summary.backends);
    let mut body = section("summary", "Summary", summary(&m.summary));
    body += &section("scaling", "Scaling", scaling(&m.scaling, &col)?);
    body += &section("latency", "Latency", latency(&m.latency, &col)?);
    let sw = match &m.sweeps.note {
        Some(n) => notes(std::slice::from_ref(n)),
        None => charts_html(&figures::sweeps(&m.sweeps, &col))?,
    };
    body += &section("sweeps", "Ratio and skew sweeps", sw);
    let tl = charts_html(&figures::timeline(&m.timeline, &col))?;
    body += &section(
        "timeline",
        "Timeline (representative point, median repetition)",
        tl,
    );
    body += &section("isolation", "Isolation", isolation(&m.isolation));
    body += &section(
        "environment",
        "Environment and workload",
        environment(&m.environment),
    );
    if let Some(b) = &m.baseline {
        body += &section("baseline", "Against the baseline", baseline(b));
    }
    let nav: String = SECTION_IDS
        .iter()
        .filter(|id| **id != "baseline" || m.baseline.is_some())
        .map(|id| format!("<a href=\"#{id}\">{id}</a>"))
        .collect();
    Ok(PAGE
        .replace("{{title}}", &esc(&m.title))
        .replace("{{nav}}", &nav)
        .replace("{{body}}", &body))
}
