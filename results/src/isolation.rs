//! What the isolation checker found at a point: anomalies counted by [`Class`], and the
//! [`Verdict`] they earn — never more than the evidence supports.
//!
//! A verdict needs evidence. A point the checker did not run on says why ([`NotChecked`]); a
//! point it ran on without concurrent readers and writers, or without a checked snapshot and an
//! acknowledged commit, earns [`Verdict::NotExercised`] unless it found a violation (a violation is
//! evidence whatever the load).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Anomaly classes, counted separately (README.md, "Isolation: checked on every run").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// A value from a batch outside the snapshot's cut (part of a batch seen, part not).
    Fractured,
    /// A value a batch overwrote before committing (G1b).
    Intermediate,
    /// A value from a rolled-back batch (G1a).
    Aborted,
    /// A value no writer wrote (or a marker whose hash chain does not match).
    Garbage,
    /// A snapshot taken after a commit was acknowledged does not contain it.
    StaleAfterAck,
    /// A snapshot contains a batch whose commit had not started when the reads ended.
    FutureRead,
    /// The same key read twice in one snapshot gave different answers.
    NonRepeatable,
    /// A reader's later snapshot has an earlier cut of some partition.
    CutBackwards,
    /// Two snapshots' cut vectors are incomparable (read skew / fork).
    ForkedCuts,
    /// An acknowledged batch is missing from the final state.
    LostUpdate,
    /// A prefix scan's key set differs from the set live at the snapshot's cut.
    Predicate,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 11] = [
        Class::Fractured,
        Class::Intermediate,
        Class::Aborted,
        Class::Garbage,
        Class::StaleAfterAck,
        Class::FutureRead,
        Class::NonRepeatable,
        Class::CutBackwards,
        Class::ForkedCuts,
        Class::LostUpdate,
        Class::Predicate,
    ];

    /// `fractured`, `stale-after-ack`, … (as printed).
    pub fn name(self) -> &'static str {
        match self {
            Class::Fractured => "fractured",
            Class::Intermediate => "intermediate",
            Class::Aborted => "aborted",
            Class::Garbage => "garbage",
            Class::StaleAfterAck => "stale-after-ack",
            Class::FutureRead => "future-read",
            Class::NonRepeatable => "non-repeatable",
            Class::CutBackwards => "cut-backwards",
            Class::ForkedCuts => "forked-cuts",
            Class::LostUpdate => "lost-update",
            Class::Predicate => "predicate",
        }
    }
}

/// How much was checked, and the violations found per class.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// Snapshots checked.
    pub snapshots: u64,
    /// Reads checked (markers, keys, re-reads, scanned entries, the final state).
    pub reads: u64,
    /// Violations per class (absent = 0).
    pub violations: BTreeMap<Class, u64>,
}

impl Counts {
    /// Violations of `class`.
    pub fn of(&self, class: Class) -> u64 {
        self.violations.get(&class).copied().unwrap_or(0)
    }

    /// All violations.
    pub fn total(&self) -> u64 {
        self.violations.values().sum()
    }

    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: &Counts) {
        self.snapshots += other.snapshots;
        self.reads += other.reads;
        for (class, n) in &other.violations {
            *self.violations.entry(*class).or_default() += n;
        }
    }

    /// Counts one violation of `class`.
    pub fn add(&mut self, class: Class, n: u64) {
        if n > 0 {
            *self.violations.entry(class).or_default() += n;
        }
    }

    /// `0 violations`, or `12 violations (fractured 9, predicate 3)`.
    pub fn describe(&self) -> String {
        match self.total() {
            0 => "0 violations".into(),
            n => format!("{n} violations ({})", self.by_class()),
        }
    }

    /// `fractured 9, predicate 3` (empty without violations).
    pub fn by_class(&self) -> String {
        Class::ALL
            .iter()
            .filter(|c| self.of(**c) > 0)
            .map(|c| format!("{} {}", c.name(), self.of(*c)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The isolation a backend showed, strongest first; then the two verdicts without evidence.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Snapshots are consistent cuts, totally ordered, and contain every acknowledged commit.
    StrongSnapshotIsolation,
    /// Consistent, totally ordered snapshots, but one may miss a commit already acknowledged.
    SnapshotIsolationStaleAfterAck,
    /// Only committed values are read, but one snapshot may mix batches.
    ReadCommitted,
    /// Uncommitted (intermediate or rolled-back) values are visible.
    ReadUncommitted,
    /// Values no writer wrote, or acknowledged batches lost.
    Broken,
    /// The checker ran, but nothing concurrent happened that could show an anomaly.
    NotExercised,
    /// The checker did not run.
    #[default]
    NotChecked,
}

impl Verdict {
    /// The verdict `counts` earn, given whether the point exercised isolation at all.
    pub fn of(counts: &Counts, exercised: bool) -> Verdict {
        let any = |classes: &[Class]| classes.iter().any(|&c| counts.of(c) > 0);
        if any(&[Class::Garbage, Class::LostUpdate, Class::FutureRead]) {
            Verdict::Broken
        } else if any(&[Class::Intermediate, Class::Aborted]) {
            Verdict::ReadUncommitted
        } else if any(&[
            Class::Fractured,
            Class::NonRepeatable,
            Class::Predicate,
            Class::CutBackwards,
            Class::ForkedCuts,
        ]) {
            Verdict::ReadCommitted
        } else if !exercised {
            Verdict::NotExercised
        } else if any(&[Class::StaleAfterAck]) {
            Verdict::SnapshotIsolationStaleAfterAck
        } else {
            Verdict::StrongSnapshotIsolation
        }
    }

    /// Whether this verdict rests on evidence (anything but not exercised / not checked).
    pub fn is_evidence(self) -> bool {
        !matches!(self, Verdict::NotExercised | Verdict::NotChecked)
    }

    /// A few words: `strong snapshot isolation`, `read committed`, `not exercised`, …
    pub fn short(self) -> &'static str {
        match self {
            Verdict::StrongSnapshotIsolation => "strong snapshot isolation",
            Verdict::SnapshotIsolationStaleAfterAck => "snapshot isolation, stale after ack",
            Verdict::ReadCommitted => "read committed",
            Verdict::ReadUncommitted => "read uncommitted",
            Verdict::Broken => "broken",
            Verdict::NotExercised => "not exercised",
            Verdict::NotChecked => "not checked",
        }
    }

    /// What the verdict means.
    pub fn meaning(self) -> &'static str {
        match self {
            Verdict::StrongSnapshotIsolation => {
                "consistent cuts, totally ordered, every acknowledged commit visible"
            }
            Verdict::SnapshotIsolationStaleAfterAck => {
                "consistent cuts, but a new snapshot can miss an acknowledged commit"
            }
            Verdict::ReadCommitted => {
                "only committed values, but snapshots are not consistent cuts"
            }
            Verdict::ReadUncommitted => "intermediate or rolled-back values are visible",
            Verdict::Broken => "garbage values or lost acknowledged updates",
            Verdict::NotExercised => "no concurrent readers and writers, so no anomaly could show",
            Verdict::NotChecked => "the checker did not run",
        }
    }
}

/// Why the checker did not run at a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotChecked {
    /// `--no-check`.
    Disabled,
    /// The backend stores nothing (the floor).
    StoresNothing,
    /// No writer at this point: nothing to check snapshots against.
    NoWriters,
    /// A version-1 file that recorded nothing about this point's checking.
    NotRecorded,
}

impl NotChecked {
    pub fn describe(self) -> &'static str {
        match self {
            NotChecked::Disabled => "disabled by --no-check",
            NotChecked::StoresNothing => "the backend stores nothing",
            NotChecked::NoWriters => "no writers: nothing to check snapshots against",
            NotChecked::NotRecorded => "not recorded in this (converted version-1) file",
        }
    }

    /// The verdict of a point the checker skipped for this reason: no writers means nothing
    /// could be exercised; otherwise nothing was checked.
    pub fn verdict(self) -> Verdict {
        match self {
            NotChecked::NoWriters => Verdict::NotExercised,
            NotChecked::Disabled | NotChecked::StoresNothing | NotChecked::NotRecorded => {
                Verdict::NotChecked
            }
        }
    }
}

/// The checker's findings at one point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Isolation {
    NotChecked { reason: NotChecked },
    Checked(Box<Checked>),
}

impl Isolation {
    /// The checked summary, if the checker ran.
    pub fn checked(&self) -> Option<&Checked> {
        match self {
            Isolation::Checked(c) => Some(c),
            Isolation::NotChecked { .. } => None,
        }
    }

    /// The point's verdict.
    pub fn verdict(&self) -> Verdict {
        match self {
            Isolation::Checked(c) => c.verdict,
            Isolation::NotChecked { reason } => reason.verdict(),
        }
    }
}

/// What the checker counted at one point (all threads, plus the checks after the run).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checked {
    /// The seed that reproduces the run (`harness run --seed`).
    pub seed: u64,
    /// Writer partitions checked (one checked region each).
    pub partitions: usize,
    /// Snapshots, reads and violations by class.
    pub counts: Counts,
    /// Checked batches acknowledged by writers.
    pub commits: u64,
    /// Checked attempts rolled back on purpose (aborted batches that must never be seen).
    pub aborted_attempts: u64,
    /// Workload delete-prefix ops skipped because they would have removed checked keys.
    pub skipped_deletes: u64,
    /// Why the point did not exercise isolation (`None`: it did).
    pub not_exercised: Option<String>,
    /// From `counts` and `not_exercised` by [`Verdict::of`].
    pub verdict: Verdict,
    /// The first violations, each with where it was seen.
    pub samples: Vec<Sample>,
}

impl Checked {
    /// Why `readers` readers and `writers` writers that produced `counts` and `commits` did not
    /// exercise isolation (`None`: they did).
    pub fn why_not_exercised(
        readers: usize,
        writers: usize,
        counts: &Counts,
        commits: u64,
    ) -> Option<&'static str> {
        if writers == 0 {
            Some("no writers: nothing to check snapshots against")
        } else if counts.snapshots == 0 && readers == 0 {
            Some("no readers: only the final state was checked")
        } else if counts.snapshots == 0 {
            Some("no snapshot was checked")
        } else if commits == 0 {
            Some("no commit was acknowledged while readers checked snapshots")
        } else {
            None
        }
    }

    /// Fills `not_exercised` and `verdict` from the counts.
    pub fn conclude(mut self, readers: usize, writers: usize) -> Checked {
        self.not_exercised =
            Self::why_not_exercised(readers, writers, &self.counts, self.commits).map(Into::into);
        self.verdict = Verdict::of(&self.counts, self.not_exercised.is_none());
        self
    }
}

/// One violation, with enough to reproduce it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Violation {
    pub class: Class,
    /// The partition (writer index).
    pub partition: usize,
    /// The snapshot's cut of that partition (the batch its marker claimed).
    pub cut: u64,
    /// The checked key index involved, if any.
    pub key: Option<u32>,
    /// What was expected and what was seen.
    pub detail: String,
}

/// A violation and where it was seen (`reader 2`, `final state`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub source: String,
    pub violation: Violation,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(snapshots: u64, v: &[(Class, u64)]) -> Counts {
        let mut c = Counts {
            snapshots,
            reads: snapshots * 10,
            ..Counts::default()
        };
        for &(class, n) in v {
            c.add(class, n);
        }
        c
    }

    #[test]
    fn the_worst_class_decides_and_evidence_is_needed_for_a_pass() {
        assert_eq!(
            Verdict::of(&counts(10, &[]), true),
            Verdict::StrongSnapshotIsolation
        );
        assert_eq!(Verdict::of(&counts(10, &[]), false), Verdict::NotExercised);
        let mut c = counts(10, &[(Class::StaleAfterAck, 3)]);
        assert_eq!(
            Verdict::of(&c, true),
            Verdict::SnapshotIsolationStaleAfterAck
        );
        c.add(Class::Fractured, 1);
        assert_eq!(Verdict::of(&c, true), Verdict::ReadCommitted);
        c.add(Class::Aborted, 1);
        assert_eq!(Verdict::of(&c, true), Verdict::ReadUncommitted);
        c.add(Class::LostUpdate, 1);
        assert_eq!(Verdict::of(&c, true), Verdict::Broken);
        // A violation is evidence even where nothing was exercised (a writers-only point can
        // still lose an update).
        assert_eq!(
            Verdict::of(&counts(0, &[(Class::LostUpdate, 1)]), false),
            Verdict::Broken
        );
        assert_eq!(
            c.describe(),
            "6 violations (fractured 1, aborted 1, stale-after-ack 3, lost-update 1)"
        );
    }

    #[test]
    fn writers_only_and_commit_free_points_are_not_exercised() {
        let c = Checked {
            counts: counts(1, &[]),
            commits: 10,
            ..Checked::default()
        };
        let writers_only = Checked {
            counts: counts(0, &[]),
            ..c.clone()
        }
        .conclude(0, 1);
        assert_eq!(writers_only.verdict, Verdict::NotExercised);
        assert!(writers_only.not_exercised.unwrap().contains("no readers"));
        // Writers that take snapshots (YCSB clients) are checked as readers are.
        let clients = c.clone().conclude(0, 1);
        assert_eq!(clients.verdict, Verdict::StrongSnapshotIsolation);
        let idle = Checked {
            commits: 0,
            ..c.clone()
        }
        .conclude(2, 1);
        assert_eq!(idle.verdict, Verdict::NotExercised);
        assert_eq!(c.conclude(2, 1).verdict, Verdict::StrongSnapshotIsolation);
        assert_eq!(NotChecked::NoWriters.verdict(), Verdict::NotExercised);
        assert_eq!(NotChecked::StoresNothing.verdict(), Verdict::NotChecked);
    }

    #[test]
    fn a_point_serializes_with_its_status() {
        let i = Isolation::NotChecked {
            reason: NotChecked::StoresNothing,
        };
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(
            json,
            r#"{"status":"not_checked","reason":"stores-nothing"}"#
        );
        let c = Isolation::Checked(Box::new(Checked::default().conclude(1, 1)));
        let back: Isolation = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
