//! Scaling per role: reads against reader threads, commits against writer threads, one series per
//! backend and per presence of the other role, at the base setting of the other swept axes; a
//! Universal Scalability Law fit where one is meaningful, and why not where it is not.

use results::{BackendRole, OtherAxes, Results, Variant};
use serde::Serialize;

use crate::{
    flags::Role,
    rows::{same_series, Row},
    stats::Spread,
    usl::{self, UslParams},
};

/// Distinct thread counts a USL fit needs: three parameters, at least one residual.
pub const USL_MIN_COUNTS: usize = 4;
/// Share of the goodput's variance a USL fit must explain to be drawn.
pub const USL_MIN_R2: f64 = 0.8;

/// The scaling section.
#[derive(Debug, Clone, Serialize)]
pub struct ScalingSection {
    /// The setting of the other swept axes the series are drawn at ("" when nothing else is swept).
    pub others: String,
    pub reads: Vec<Series>,
    pub commits: Vec<Series>,
    pub notes: Vec<String>,
}

/// One backend's goodput of one role against that role's thread count.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub backend: String,
    pub backend_role: BackendRole,
    pub role: Role,
    /// "with writers", "readers alone", "with readers" or "writers alone".
    pub group: String,
    pub points: Vec<SeriesPoint>,
    pub usl: Usl,
}

/// One point of a series.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesPoint {
    /// Threads of the series' role.
    pub threads: usize,
    /// Threads of the other role.
    pub other_threads: usize,
    pub goodput: Spread,
    pub speedup: Option<f64>,
    pub efficiency: Option<f64>,
    pub oversubscribed: bool,
    /// The row's flags, as text.
    pub flags: Vec<String>,
}

/// A USL fit, or why none is drawn.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Usl {
    Fit {
        params: UslParams,
        /// e.g. oversubscribed points went into it.
        note: Option<String>,
    },
    NotDrawn {
        why: String,
    },
}

impl Series {
    /// Whether the series has more than one thread count of its role (else it shows no scaling).
    pub fn varies(&self) -> bool {
        self.points
            .iter()
            .any(|p| p.threads != self.points[0].threads)
    }
}

/// Whether any series varies its role's thread count (else a scaling chart says nothing).
pub fn varies(series: &[Series]) -> bool {
    series.iter().any(Series::varies)
}

/// The base setting of the other axes: the first sweep point's.
pub fn base_others(rows: &[Row]) -> Option<OtherAxes> {
    rows.iter()
        .find(|r| r.variant == Variant::Sweep)
        .map(|r| r.axes.others())
}

/// The scaling section of `r`.
pub fn section(r: &Results, rows: &[Row]) -> ScalingSection {
    let Some(others) = base_others(rows) else {
        return ScalingSection {
            others: String::new(),
            reads: Vec::new(),
            commits: Vec::new(),
            notes: Vec::new(),
        };
    };
    let base: Vec<&Row> = rows
        .iter()
        .filter(|x| x.variant == Variant::Sweep && x.axes.others() == others && x.skipped.is_none())
        .collect();
    let mut notes = Vec::new();
    if base.iter().any(|x| x.oversubscribed) {
        notes.push(format!(
            "Points marked × ran more threads than the machine's {} cores: they measure \
             time-slicing as much as the store.",
            r.env.cores
        ));
    }
    ScalingSection {
        others: others.label(),
        reads: series(&base, Role::Readers),
        commits: series(&base, Role::Writers),
        notes,
    }
}

fn series(rows: &[&Row], role: Role) -> Vec<Series> {
    let other = match role {
        Role::Readers => Role::Writers,
        Role::Writers => Role::Readers,
    };
    let mut out: Vec<Series> = Vec::new();
    let mut seen: Vec<&Row> = Vec::new();
    for r in rows.iter().filter(|r| r.goodput(role).is_some()) {
        if seen.iter().any(|s| same_series(s, r, role)) {
            continue;
        }
        seen.push(r);
        let mut members: Vec<&&Row> = rows
            .iter()
            .filter(|m| same_series(r, m, role) && m.goodput(role).is_some())
            .collect();
        members.sort_by_key(|m| (m.threads(role), m.threads(other)));
        let points: Vec<SeriesPoint> = members
            .iter()
            .map(|m| SeriesPoint {
                threads: m.threads(role),
                other_threads: m.threads(other),
                goodput: m.goodput(role).expect("filtered"),
                speedup: m.scaling(role).map(|s| s.speedup),
                efficiency: m.scaling(role).map(|s| s.efficiency),
                oversubscribed: m.oversubscribed,
                flags: m.flags.iter().map(|f| f.text()).collect(),
            })
            .collect();
        let with_other = r.threads(other) > 0;
        let group = match (role, with_other) {
            (Role::Readers, true) => "with writers",
            (Role::Readers, false) => "readers alone",
            (Role::Writers, true) => "with readers",
            (Role::Writers, false) => "writers alone",
        };
        out.push(Series {
            backend: r.backend.clone(),
            backend_role: r.role,
            role,
            group: group.into(),
            usl: fit(&points, role),
            points,
        });
    }
    out
}

/// A USL fit when it means something: at least [`USL_MIN_COUNTS`] distinct thread counts,
/// physical parameters (0 ≤ σ < 1, κ ≥ 0) and a fit that explains the data (R² ≥
/// [`USL_MIN_R2`]).
pub fn fit(points: &[SeriesPoint], role: Role) -> Usl {
    let mut counts: Vec<usize> = points.iter().map(|p| p.threads).collect();
    counts.dedup();
    if counts.len() < USL_MIN_COUNTS {
        return Usl::NotDrawn {
            why: format!(
                "{} {} (a fit needs at least {USL_MIN_COUNTS})",
                counts.len(),
                match (role, counts.len()) {
                    (Role::Readers, 1) => "reader-thread count",
                    (Role::Readers, _) => "reader-thread counts",
                    (Role::Writers, 1) => "writer-thread count",
                    (Role::Writers, _) => "writer-thread counts",
                }
            ),
        };
    }
    let xy: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.threads as f64, p.goodput.median))
        .collect();
    match usl::fit(&xy) {
        Err(e) => Usl::NotDrawn { why: e },
        Ok(p) if (0.0..1.0).contains(&p.sigma) && (-1e-3..0.0).contains(&p.kappa) => {
            Usl::NotDrawn {
                why: format!(
                "near-linear scaling (σ = {:.3}, κ = {:.4} ≈ 0): no coherency cost for the law \
                 to fit",
                p.sigma, p.kappa
            ),
            }
        }
        Ok(p) if !(0.0..1.0).contains(&p.sigma) || p.kappa < 0.0 => Usl::NotDrawn {
            why: format!(
                "the fit is not physical (σ = {:.3}, κ = {:.4}): goodput is not USL-shaped here",
                p.sigma, p.kappa
            ),
        },
        Ok(p) if p.r2 < USL_MIN_R2 => Usl::NotDrawn {
            why: format!(
                "the fit explains too little (R² = {:.2} < {USL_MIN_R2}): goodput is not \
                 USL-shaped here",
                p.r2
            ),
        },
        Ok(params) => {
            let over = points.iter().filter(|p| p.oversubscribed).count();
            Usl::Fit {
                params,
                note: (over > 0).then(|| {
                    format!("{over} oversubscribed point(s) in the fit: σ and κ measure time-slicing too")
                }),
            }
        }
    }
}

/// The row a backend is shown at in the latency and timeline sections: its sweep point with the
/// most threads that is not oversubscribed (else the most threads), at the base other axes.
pub fn representative<'a>(rows: &'a [Row], backend: &str) -> Option<&'a Row> {
    let others = base_others(rows)?;
    let candidates = rows.iter().filter(|r| {
        r.backend == backend
            && r.variant == Variant::Sweep
            && r.skipped.is_none()
            && r.axes.others() == others
    });
    candidates.max_by_key(|r| (!r.oversubscribed, r.axes.total(), r.axes.readers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(threads: usize, goodput: f64) -> SeriesPoint {
        SeriesPoint {
            threads,
            other_threads: 1,
            goodput: Spread {
                median: goodput,
                min: goodput,
                max: goodput,
            },
            speedup: None,
            efficiency: None,
            oversubscribed: false,
            flags: vec![],
        }
    }

    #[test]
    fn a_fit_is_drawn_only_when_it_means_something() {
        let truth = UslParams {
            lambda: 1e6,
            sigma: 0.05,
            kappa: 0.002,
            peak_n: 0.0,
            r2: 1.0,
        };
        let four: Vec<SeriesPoint> = [1, 2, 4, 8]
            .iter()
            .map(|&n| pt(n, truth.predict(n as f64)))
            .collect();
        assert!(matches!(fit(&four, Role::Readers), Usl::Fit { .. }));
        let Usl::NotDrawn { why } = fit(&four[..3], Role::Readers) else {
            panic!("three counts are an exact fit")
        };
        assert!(why.contains("3 reader-thread counts"), "{why}");
        // Super-linear goodput gives a negative σ: not physical, not drawn.
        let superlinear: Vec<SeriesPoint> = [1, 2, 3, 4]
            .iter()
            .map(|&n| pt(n, 1e6 * (n as f64).powf(1.3)))
            .collect();
        let Usl::NotDrawn { why } = fit(&superlinear, Role::Writers) else {
            panic!("not physical")
        };
        assert!(why.contains("not physical"), "{why}");
    }
}
