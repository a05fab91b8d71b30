//! Suspect measurements and refusals, flagged where the figure is shown.

use serde::Serialize;

/// Above this share of a role's operations refused, a point is labelled and compared with no
/// other backend: its other role had the machine to itself.
pub const REFUSAL_LABEL: f64 = 0.01;
/// Parallel efficiency above this is suspect (super-linear scaling usually means the base point
/// was disturbed, or the roles interfere differently at the two points).
pub const SUPERLINEAR: f64 = 1.05;
/// Repetitions whose max/min exceeds this are too spread to trust a median of few of them.
pub const WIDE_SPREAD: f64 = 1.5;

/// The two roles a point's threads play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Readers,
    Writers,
}

impl Role {
    /// The goodput unit: "reads/s", "commits/s".
    pub fn unit(self) -> &'static str {
        match self {
            Role::Readers => "reads/s",
            Role::Writers => "commits/s",
        }
    }

    /// "reader threads", "writer threads".
    pub fn threads(self) -> &'static str {
        match self {
            Role::Readers => "reader threads",
            Role::Writers => "writer threads",
        }
    }
}

/// What a backend can refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusable {
    Reads,
    Snapshots,
    Commits,
    StagedWrites,
}

impl Refusable {
    pub fn name(self) -> &'static str {
        match self {
            Refusable::Reads => "reads",
            Refusable::Snapshots => "snapshots",
            Refusable::Commits => "commits",
            Refusable::StagedWrites => "staged writes",
        }
    }
}

/// Something about a figure the reader must know before trusting it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "kebab-case")]
pub enum Flag {
    /// The backend refused more than [`REFUSAL_LABEL`] of these operations.
    Refused { what: Refusable, share: f64 },
    /// More threads than cores.
    Oversubscribed { threads: usize, cores: usize },
    /// Parallel efficiency above [`SUPERLINEAR`].
    SuperLinear { role: Role, efficiency: f64 },
    /// Repetitions spread by more than [`WIDE_SPREAD`] (max/min).
    WideSpread { role: Role, max_over_min: f64 },
    /// `threads` of the row's `of` threads timed their ops in batches of `units` units: their
    /// latencies are batch means, not single ops.
    Batched {
        threads: usize,
        of: usize,
        units: u32,
    },
}

impl Flag {
    /// As printed: `refused 99.8% of commits`, `efficiency 131% (> 105%)`, …
    pub fn text(&self) -> String {
        match self {
            Flag::Refused { what, share } => {
                format!("refused {} of {}", percent(*share), what.name())
            }
            Flag::Oversubscribed { threads, cores } => {
                format!("oversubscribed ({threads} threads on {cores} cores)")
            }
            Flag::SuperLinear { role, efficiency } => format!(
                "{} efficiency {:.0}% (> {:.0}%: suspect)",
                match role {
                    Role::Readers => "read",
                    Role::Writers => "commit",
                },
                efficiency * 100.0,
                SUPERLINEAR * 100.0
            ),
            Flag::Batched { threads, of, units } => format!(
                "timed in batches of {units} ({threads} of {of} threads): latencies are batch means"
            ),
            Flag::WideSpread { role, max_over_min } => format!(
                "{} spread {}× across repetitions (> {WIDE_SPREAD}×)",
                role.unit(),
                if max_over_min.is_finite() {
                    format!("{max_over_min:.2}")
                } else {
                    "∞".into()
                }
            ),
        }
    }

    /// Whether this flag is a refusal label.
    pub fn is_refusal(&self) -> bool {
        matches!(self, Flag::Refused { .. })
    }
}

/// `99.8%`, `0.4%`: one decimal; `0%` and `100%` only when exact, `<0.1%` and `>99.9%` when one
/// decimal would round a partial share to either.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if share <= 0.0 {
        "0%".into()
    } else if share >= 1.0 {
        "100%".into()
    } else if p < 0.05 {
        "<0.1%".into()
    } else if p >= 99.95 {
        ">99.9%".into()
    } else {
        format!("{p:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_as_sentences() {
        let f = Flag::Refused {
            what: Refusable::Commits,
            share: 0.998,
        };
        assert_eq!(f.text(), "refused 99.8% of commits");
        assert!(f.is_refusal());
        let f = Flag::SuperLinear {
            role: Role::Readers,
            efficiency: 1.31,
        };
        assert_eq!(f.text(), "read efficiency 131% (> 105%: suspect)");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.9996), ">99.9%");
        assert_eq!(percent(0.0002), "<0.1%");
        assert_eq!(percent(0.0), "0%");
        let f = Flag::WideSpread {
            role: Role::Writers,
            max_over_min: f64::INFINITY,
        };
        assert_eq!(f.text(), "commits/s spread ∞× across repetitions (> 1.5×)");
    }
}
