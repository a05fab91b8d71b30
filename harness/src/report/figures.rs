//! Model → chart specs: which charts each section draws, with baseline overlays (dashed,
//! lighter) whenever the model carries baseline series.

use super::charts::{Chart, Fmt, Series, GREY};
use super::model::*;

/// Stable color of a backend: its position in the summary's backend list.
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
        title: format!("{title} (dashed: baseline/fit)"),
        x_label: x.into(),
        y_label: y.into(),
        x_fmt,
        y_fmt,
        y_log: false,
        y_from_zero: true,
        series: Vec::new(),
    }
}

/// Current series of a scaling metric, then the baseline's dashed. Throughput charts leave out
/// `null` (the harness's floor): its ops/s are an order of magnitude off the others' scale.
fn scaling_lines(
    m: &Scaling,
    col: &Colors,
    with_floor: bool,
    f: impl Fn(&ScalingPoint) -> Option<f64>,
) -> Vec<Series> {
    let mut out = Vec::new();
    for (set, base) in [(&m.current, false), (&m.baseline, true)] {
        for s in set
            .iter()
            .filter(|s| with_floor || s.backend != super::analyse::NULL)
        {
            let kept: Vec<&ScalingPoint> = s.points.iter().filter(|p| f(p).is_some()).collect();
            let pts = kept
                .iter()
                .map(|p| (p.threads as f64, f(p).unwrap_or_default()))
                .collect();
            let mut line = Series::line(
                if base {
                    format!("{} (baseline)", s.backend)
                } else {
                    s.backend.clone()
                },
                col.of(&s.backend),
                pts,
            );
            line.crosses = kept.iter().map(|p| p.oversubscribed).collect();
            out.push(if base { line.dashed() } else { line });
        }
    }
    out
}

/// Total, read and write throughput; speedup and efficiency against the ideal lines.
pub fn scaling(m: &Scaling, col: &Colors) -> Vec<Chart> {
    let th = "threads (readers + writers)";
    let mut total = chart(
        "Throughput (null, the floor, left out), × oversubscribed",
        th,
        "ops/s",
        Fmt::Int,
        Fmt::Si,
    );
    total.series = scaling_lines(m, col, false, |p| Some(p.total_ops_per_s.median));
    let max_n = m
        .current
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.threads)
        .max()
        .unwrap_or(1) as f64;
    for fit in m.usl.iter().filter(|f| f.backend != super::analyse::NULL) {
        if let Some(u) = fit.params {
            let pts = (0..=40)
                .map(|i| 1.0 + (max_n - 1.0) * i as f64 / 40.0)
                .map(|n| (n, u.predict(n)))
                .collect();
            total.series.push(
                Series::line(
                    format!("{} USL fit", fit.backend),
                    col.of(&fit.backend),
                    pts,
                )
                .dashed()
                .no_markers(),
            );
        }
    }
    let mut read = chart("Read throughput", th, "read ops/s", Fmt::Int, Fmt::Si);
    read.series = scaling_lines(m, col, false, |p| {
        (p.readers > 0).then_some(p.read_ops_per_s.median)
    });
    let mut write = chart("Write throughput", th, "write ops/s", Fmt::Int, Fmt::Si);
    write.series = scaling_lines(m, col, false, |p| {
        (p.writers > 0).then_some(p.write_ops_per_s.median)
    });
    let min_n = m
        .current
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.threads)
        .min()
        .unwrap_or(1) as f64;
    let mut speedup = chart(
        "Speedup over the fewest threads",
        th,
        "speedup (×)",
        Fmt::Int,
        Fmt::Plain,
    );
    speedup.series = scaling_lines(m, col, true, |p| p.speedup);
    speedup.series.push(
        Series::line("ideal", GREY, vec![(min_n, 1.0), (max_n, max_n / min_n)])
            .dashed()
            .no_markers(),
    );
    let mut eff = chart(
        "Parallel efficiency",
        th,
        "efficiency (1 = ideal)",
        Fmt::Int,
        Fmt::Plain,
    );
    eff.series = scaling_lines(m, col, true, |p| p.efficiency);
    eff.series.push(
        Series::line("ideal", GREY, vec![(min_n, 1.0), (max_n, 1.0)])
            .dashed()
            .no_markers(),
    );
    vec![total, read, write, speedup, eff]
}

/// One percentile-spectrum chart per op kind, a line per backend.
pub fn latency(m: &Latency, col: &Colors) -> Vec<Chart> {
    m.op_kinds
        .iter()
        .map(|op| {
            let mut c = chart(
                &format!("Latency spectrum: {op}"),
                "percentile (nines scale)",
                "latency (log)",
                Fmt::Nines,
                Fmt::Ns,
            );
            c.y_log = true;
            c.y_from_zero = false;
            for (set, base) in [(&m.current, false), (&m.baseline, true)] {
                for s in set.iter().filter(|s| &s.op == op) {
                    let pts = s
                        .quantiles
                        .iter()
                        .enumerate()
                        .map(|(i, q)| (i as f64, q.1))
                        .collect();
                    let name = if base {
                        format!("{} (baseline)", s.backend)
                    } else {
                        s.backend.clone()
                    };
                    let line = Series::line(name, col.of(&s.backend), pts);
                    c.series.push(if base { line.dashed() } else { line });
                }
            }
            c
        })
        .collect()
}

/// Throughput against each swept axis.
pub fn sweeps(m: &Sweeps, col: &Colors) -> Vec<Chart> {
    m.axes
        .iter()
        .map(|a| {
            let mut c = chart(
                &format!("Throughput vs {} ({})", a.axis, a.fixed),
                &a.axis,
                "total ops/s",
                Fmt::Plain,
                Fmt::Si,
            );
            for (set, base) in [(&a.current, false), (&a.baseline, true)] {
                for s in set.iter() {
                    let name = if base {
                        format!("{} (baseline)", s.backend)
                    } else {
                        s.backend.clone()
                    };
                    let line = Series::line(name, col.of(&s.backend), s.points.clone());
                    c.series.push(if base { line.dashed() } else { line });
                }
            }
            c
        })
        .collect()
}

/// Ops/s, reader p99 and RSS over the window, a line per backend.
pub fn timeline(m: &Timeline, col: &Colors) -> Vec<Chart> {
    type Get = fn(&crate::results::Interval) -> f64;
    let specs: [(&str, &str, Fmt, bool, Get); 4] = [
        ("Throughput over time", "total ops/s", Fmt::Si, false, |i| {
            i.total_ops_per_s
        }),
        (
            "Reader p99 over time",
            "reader p99 (log)",
            Fmt::Ns,
            true,
            |i| i.reader_p99_ns as f64,
        ),
        (
            "Writer p99 over time",
            "writer p99 (log)",
            Fmt::Ns,
            true,
            |i| i.writer_p99_ns as f64,
        ),
        ("Resident memory over time", "RSS", Fmt::Bytes, false, |i| {
            i.rss_bytes as f64
        }),
    ];
    specs
        .iter()
        .filter_map(|(title, y, fmt, log, get)| {
            let mut c = chart(title, "time in window (s)", y, Fmt::Plain, *fmt);
            c.y_log = *log;
            c.y_from_zero = !*log;
            for (set, base) in [(&m.current, false), (&m.baseline, true)] {
                for s in set.iter() {
                    let pts: Vec<(f64, f64)> =
                        s.intervals.iter().map(|i| (i.t_s, get(i))).collect();
                    if pts.iter().all(|p| p.1 <= 0.0) {
                        continue;
                    }
                    let name = format!(
                        "{} {}{}",
                        s.backend,
                        s.label,
                        if base { " (baseline)" } else { "" }
                    );
                    let line = Series::line(name, col.of(&s.backend), pts).no_markers();
                    c.series.push(if base { line.dashed() } else { line });
                }
            }
            (!c.series.is_empty()).then_some(c)
        })
        .collect()
}
