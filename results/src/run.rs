//! The run's parameters and the backends it measured, each with its role and capabilities.

use serde::{Deserialize, Serialize};

/// The run's parameters, after presets, defaults and command-line overrides.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunInfo {
    /// The command line.
    pub command: Vec<String>,
    pub started_unix_s: u64,
    pub finished_unix_s: u64,
    /// The run was stopped early (Ctrl-C); the points present are complete.
    pub interrupted: bool,
    /// The backends, in the order they were asked for.
    pub backends: Vec<BackendEntry>,
    /// Repetitions of every point.
    pub repetitions: u32,
    pub warmup_s: f64,
    /// The measured window per point, when it is bounded by time.
    pub duration_s: Option<f64>,
    /// Operations per thread per point, when the window is bounded by count.
    pub op_budget: Option<u64>,
    pub seed: u64,
    /// `--quick`: short windows, small prefill, one repetition unless overridden.
    pub quick: bool,
    /// Threads were pinned to CPUs.
    pub pinned: bool,
    /// The order the (repetition, point, backend) cells ran in.
    pub order: Order,
    /// Length of one timeline interval.
    pub timeline_interval_s: f64,
    /// The isolation checker ran (false with `--no-check`).
    pub checked: bool,
}

/// The order cells ran in. Both interleave backends within a repetition, so slow drift of a
/// shared machine spreads evenly over the configurations compared.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// `for repetition { for point { for backend } }`.
    Interleaved,
    /// A seeded shuffle of the cells within each repetition.
    Shuffled,
}

/// A backend of the run: its name, what it is there for, and what it can do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BackendEntry {
    pub name: String,
    pub role: BackendRole,
    pub caps: Caps,
    /// One line saying what the backend is.
    pub summary: String,
}

/// Why a backend is in a run. The analysis compares the backend under test with the peers; the
/// floor and the broken backends are never peers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum BackendRole {
    /// The system under test (the hybrid knowledge base).
    UnderTest,
    /// A store a user would pick instead.
    Peer,
    /// Does nothing: the harness's own cost per operation.
    Floor,
    /// Broken on purpose, to prove the isolation checker catches an anomaly class.
    Broken,
}

impl BackendRole {
    /// "under test", "peer", "floor", "broken on purpose".
    pub fn describe(self) -> &'static str {
        match self {
            BackendRole::UnderTest => "under test",
            BackendRole::Peer => "peer",
            BackendRole::Floor => "floor",
            BackendRole::Broken => "broken on purpose",
        }
    }
}

/// What a backend can do. A workload needing a capability a backend lacks is skipped for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caps {
    /// Reads between two snapshot ops see one consistent state.
    pub snapshots: bool,
    /// `scan`/`count` under a byte prefix are supported.
    pub prefix_scans: bool,
    /// A committed batch becomes visible all at once.
    pub atomic_batches: bool,
    /// Scans return keys in byte order.
    pub ordered: bool,
}

impl Caps {
    /// No capability at all (and no requirement).
    pub const NONE: Caps = Caps {
        snapshots: false,
        prefix_scans: false,
        atomic_batches: false,
        ordered: false,
    };

    /// Every capability.
    pub const ALL: Caps = Caps {
        snapshots: true,
        prefix_scans: true,
        atomic_batches: true,
        ordered: true,
    };

    /// Names of the capabilities `need` asks for that `self` lacks (empty: it can serve them).
    pub fn missing(&self, need: &Caps) -> Vec<&'static str> {
        [
            (need.snapshots, self.snapshots, "snapshots"),
            (need.prefix_scans, self.prefix_scans, "prefix scans"),
            (need.atomic_batches, self.atomic_batches, "atomic batches"),
            (need.ordered, self.ordered, "ordered scans"),
        ]
        .into_iter()
        .filter(|(want, have, _)| *want && !*have)
        .map(|(_, _, name)| name)
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_capabilities_are_named() {
        let need = Caps {
            prefix_scans: true,
            ordered: true,
            ..Caps::NONE
        };
        assert_eq!(Caps::NONE.missing(&need), ["prefix scans", "ordered scans"]);
        assert!(Caps::ALL.missing(&need).is_empty());
    }
}
