//! Analysis → chart specs: which charts each section draws, per role, with the baseline's series
//! dashed and lighter when there is one. The floor backend is left out of goodput charts (its
//! rates are an order of magnitude off everyone else's scale); the tables still show it.

use analysis::{
    latency::Spectrum,
    scaling::{Series, Usl},
    sweeps::SweepAxis,
    timeline::TimelineSeries,
    Role,
};
use results::BackendRole;

use super::charts::{Chart, Fmt, Series as Line, GREY};

/// Stable color of a backend: its position in the run's backend list.
pub struct Colors<'a>(pub &'a [String]);

impl Colors<'_> {
    pub fn of(&self, backend: &str) -> usize {
        self.0
            .iter()
            .position(|b| b == backend)
            .unwrap_or(self.0.len())
    }
}

fn chart(title: &str, x: &str, y: &str, x_fmt: Fmt, y_fmt: Fmt) -> Chart {
    Chart {
        title: title.into(),
        x_label: x.into(),
        y_label: y.into(),
        x_fmt,
        y_fmt,
        y_log: false,
        y_from_zero: true,
        series: Vec::new(),
    }
}

fn name(s: &Series, many_groups: bool, baseline: bool) -> String {
    let mut n = s.backend.clone();
    if many_groups {
        n = format!("{n} ({})", s.group);
    }
    if baseline {
        n += " (baseline)";
    }
    n
}

/// Lines of `series` (then the baseline's, dashed); `value` picks the y of a point.
fn lines(
    current: &[Series],
    baseline: &[Series],
    col: &Colors,
    value: impl Fn(&analysis::scaling::SeriesPoint) -> Option<f64>,
) -> Vec<Line> {
    // Name the group only where a backend has two series that vary.
    let groups = |set: &[Series]| {
        set.iter().filter(|s| s.varies()).any(|s| {
            set.iter()
                .filter(|t| t.backend == s.backend && t.varies())
                .count()
                > 1
        })
    };
    let mut out = Vec::new();
    for (set, dashed) in [(current, false), (baseline, true)] {
        let many = groups(set);
        for s in set
            .iter()
            .filter(|s| s.backend_role != BackendRole::Floor && s.varies())
        {
            let kept: Vec<_> = s.points.iter().filter(|p| value(p).is_some()).collect();
            if kept.is_empty() {
                continue;
            }
            let pts = kept
                .iter()
                .map(|p| (p.threads as f64, value(p).unwrap_or_default()))
                .collect();
            let mut line = Line::line(name(s, many, dashed), col.of(&s.backend), pts);
            line.crosses = kept.iter().map(|p| p.oversubscribed).collect();
            out.push(if dashed { line.dashed() } else { line });
        }
    }
    out
}

/// Per role: goodput (with USL fits where drawn), speedup and efficiency against the ideal.
pub fn scaling(role: Role, current: &[Series], baseline: &[Series], col: &Colors) -> Vec<Chart> {
    if current.is_empty() {
        return Vec::new();
    }
    let (what, x) = match role {
        Role::Readers => ("Reads per second", "reader threads"),
        Role::Writers => ("Acknowledged commits per second", "writer threads"),
    };
    let mut goodput = chart(
        &format!("{what} (× oversubscribed; dashed: baseline, USL fit)"),
        x,
        role.unit(),
        Fmt::Int,
        Fmt::Si,
    );
    goodput.series = lines(current, baseline, col, |p| Some(p.goodput.median));
    let max_n = current
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.threads)
        .max()
        .unwrap_or(1) as f64;
    let min_n = current
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.threads)
        .min()
        .unwrap_or(1) as f64;
    for s in current
        .iter()
        .filter(|s| s.backend_role != BackendRole::Floor)
    {
        if let Usl::Fit { params, .. } = &s.usl {
            let pts = (0..=40)
                .map(|i| min_n + (max_n - min_n) * i as f64 / 40.0)
                .map(|n| (n, params.predict(n)))
                .collect();
            goodput.series.push(
                Line::line(format!("{} USL fit", s.backend), col.of(&s.backend), pts)
                    .dashed()
                    .no_markers(),
            );
        }
    }
    let mut speedup = chart(
        &format!("Speedup over the fewest {}", role.threads()),
        x,
        "speedup (×)",
        Fmt::Int,
        Fmt::Plain,
    );
    speedup.series = lines(current, &[], col, |p| p.speedup);
    speedup.series.push(
        Line::line(
            "ideal",
            GREY,
            vec![(min_n, 1.0), (max_n, max_n / min_n.max(1.0))],
        )
        .dashed()
        .no_markers(),
    );
    let mut eff = chart(
        "Parallel efficiency (above 105%: suspect)",
        x,
        "efficiency (1 = ideal)",
        Fmt::Int,
        Fmt::Plain,
    );
    eff.series = lines(current, &[], col, |p| p.efficiency);
    eff.series.push(
        Line::line("ideal", GREY, vec![(min_n, 1.0), (max_n, 1.0)])
            .dashed()
            .no_markers(),
    );
    vec![goodput, speedup, eff]
}

/// One percentile-spectrum chart per operation class, a line per backend.
pub fn latency(current: &[Spectrum], baseline: &[Spectrum], col: &Colors) -> Vec<Chart> {
    let mut classes: Vec<&str> = Vec::new();
    for s in current {
        if !classes.contains(&s.class.as_str()) {
            classes.push(&s.class);
        }
    }
    classes
        .into_iter()
        .map(|class| {
            let mut c = chart(
                &format!("Latency spectrum: {class} (dashed: baseline)"),
                "percentile (nines scale)",
                "latency (log)",
                Fmt::Nines,
                Fmt::Ns,
            );
            c.y_log = true;
            c.y_from_zero = false;
            for (set, dashed) in [(current, false), (baseline, true)] {
                for s in set.iter().filter(|s| s.class == class) {
                    let pts = s
                        .quantiles
                        .iter()
                        .enumerate()
                        .map(|(i, q)| (i as f64, q.1))
                        .collect();
                    let n = if dashed {
                        format!("{} (baseline)", s.backend)
                    } else {
                        s.backend.clone()
                    };
                    let line = Line::line(n, col.of(&s.backend), pts);
                    c.series.push(if dashed { line.dashed() } else { line });
                }
            }
            c
        })
        .collect()
}

/// Per swept axis, one chart per role with goodput.
pub fn sweeps(axes: &[SweepAxis], col: &Colors) -> Vec<Chart> {
    let mut out = Vec::new();
    for a in axes {
        for (role, series) in [(Role::Readers, &a.reads), (Role::Writers, &a.commits)] {
            if series.is_empty() {
                continue;
            }
            let mut c = chart(
                &format!("{} vs {} ({})", role.unit(), a.axis, a.fixed),
                &a.axis,
                role.unit(),
                Fmt::Plain,
                Fmt::Si,
            );
            for s in series {
                c.series.push(Line::line(
                    s.backend.clone(),
                    col.of(&s.backend),
                    s.points.clone(),
                ));
            }
            out.push(c);
        }
    }
    out
}

/// Reads/s, commits/s, the tails and RSS over the window, a line per backend.
pub fn timeline(current: &[TimelineSeries], col: &Colors) -> Vec<Chart> {
    type Get = fn(&results::Interval) -> Option<f64>;
    let specs: [(&str, &str, Fmt, bool, Get); 5] = [
        (
            "Reads per second over time",
            "reads/s",
            Fmt::Si,
            false,
            |i| Some(i.reads_per_s()),
        ),
        (
            "Acknowledged commits per second over time",
            "commits/s",
            Fmt::Si,
            false,
            |i| i.commits_per_s(),
        ),
        (
            "Reader p99 over time",
            "reader p99 (log)",
            Fmt::Ns,
            true,
            |i| i.reader_p99_ns.map(|v| v as f64),
        ),
        (
            "Writer p99 over time",
            "writer p99 (log)",
            Fmt::Ns,
            true,
            |i| i.writer_p99_ns.map(|v| v as f64),
        ),
        ("Resident memory over time", "RSS", Fmt::Bytes, false, |i| {
            Some(i.rss_bytes as f64)
        }),
    ];
    specs
        .iter()
        .filter_map(|(title, y, fmt, log, get)| {
            let mut c = chart(title, "time in window (s)", y, Fmt::Plain, *fmt);
            c.y_log = *log;
            c.y_from_zero = !*log;
            let goodput = y.ends_with("/s");
            for s in current
                .iter()
                .filter(|s| !goodput || s.backend_role != BackendRole::Floor)
            {
                let pts: Vec<(f64, f64)> = s
                    .intervals
                    .iter()
                    .filter_map(|i| Some((i.t_s + i.len_s / 2.0, get(i)?)))
                    .collect();
                if pts.iter().all(|p| p.1 <= 0.0) {
                    continue;
                }
                let n = format!("{} {}", s.backend, s.axes.label());
                c.series
                    .push(Line::line(n, col.of(&s.backend), pts).no_markers());
            }
            (!c.series.is_empty()).then_some(c)
        })
        .collect()
}
