//! The backend under test against each peer, per point and per role — reads with reads, commits
//! with commits — and only where both did the work: a point where either refused more than
//! [`crate::flags::REFUSAL_LABEL`] of a role's operations is not compared (its other role had the
//! machine to itself), and the comparison says why.

use results::{Axes, BackendRole, Variant};
use serde::Serialize;

use crate::{
    flags::Role,
    rows::{timed_apart, Row},
};

/// The subject (the backend under test) against one peer at one point.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub subject: String,
    pub peer: String,
    pub axes: Axes,
    /// Reads per second, subject over peer.
    pub reads: RoleComparison,
    /// Acknowledged batches per second, subject over peer.
    pub commits: RoleComparison,
    /// Staged writes per second in acknowledged batches (subject, peer), beside the commits.
    pub writes_per_s: Option<(f64, f64)>,
}

/// One role's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RoleComparison {
    /// Medians over repetitions; `ratio` = subject / peer (> 1: the subject is faster).
    Ratio { subject: f64, peer: f64, ratio: f64 },
    /// Both ran the role, but the figures would mislead.
    NotComparable { why: String },
    /// No thread of this role at this point.
    NoRole,
}

impl RoleComparison {
    /// The ratio, when there is one.
    pub fn ratio(&self) -> Option<f64> {
        match self {
            RoleComparison::Ratio { ratio, .. } => Some(*ratio),
            _ => None,
        }
    }
}

impl Comparison {
    pub fn role(&self, role: Role) -> &RoleComparison {
        match role {
            Role::Readers => &self.reads,
            Role::Writers => &self.commits,
        }
    }
}

/// Every (subject, peer, point) both measured, in row order.
pub fn comparisons(rows: &[Row]) -> Vec<Comparison> {
    let sweep = |r: &&Row| r.variant == Variant::Sweep;
    let mut out = Vec::new();
    for s in rows
        .iter()
        .filter(sweep)
        .filter(|r| r.role == BackendRole::UnderTest)
    {
        for p in rows
            .iter()
            .filter(sweep)
            .filter(|r| r.role == BackendRole::Peer && r.axes == s.axes)
        {
            out.push(compare(s, p));
        }
    }
    out
}

fn compare(s: &Row, p: &Row) -> Comparison {
    let why = [s, p]
        .iter()
        .find_map(|r| match &r.skipped {
            Some(reason) => Some(format!("{} skipped: {reason}", r.backend)),
            None => r
                .refusal_flags()
                .first()
                .map(|f| format!("{} {}", r.backend, f.text())),
        })
        .or_else(|| timed_apart(s, p));
    let role = |role: Role| match (s.goodput(role), p.goodput(role), &why) {
        (None, None, _) if s.threads(role) == 0 => RoleComparison::NoRole,
        (_, _, Some(why)) => RoleComparison::NotComparable { why: why.clone() },
        (Some(a), Some(b), None) if b.median > 0.0 => RoleComparison::Ratio {
            subject: a.median,
            peer: b.median,
            ratio: a.median / b.median,
        },
        _ => RoleComparison::NotComparable {
            why: format!("{} completed no {}", p.backend, role.unit()),
        },
    };
    Comparison {
        subject: s.backend.clone(),
        peer: p.backend.clone(),
        axes: s.axes.clone(),
        reads: role(Role::Readers),
        commits: role(Role::Writers),
        writes_per_s: match (s.writes_per_s, p.writes_per_s, &why) {
            (Some(a), Some(b), None) => Some((a.median, b.median)),
            _ => None,
        },
    }
}
