//! From violation counts to the isolation level a backend actually delivered in a run.

use serde::{Deserialize, Serialize};

use super::check::{Class, Counts};

/// The isolation a run showed, strongest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Snapshots are consistent cuts, totally ordered, and contain every acknowledged commit.
    StrongSnapshotIsolation,
    /// Consistent, totally ordered snapshots, but a snapshot may miss a commit already acknowledged.
    SnapshotIsolationStaleAfterAck,
    /// Only committed values are read, but reads within one snapshot may mix batches (fractured,
    /// non-repeatable, predicate anomalies, forks).
    ReadCommitted,
    /// Uncommitted (intermediate or aborted) values are visible.
    ReadUncommitted,
    /// Values no writer wrote, or acknowledged batches lost.
    Broken,
    /// Nothing was checked (no snapshots, or no writers to check against).
    #[default]
    NotChecked,
}

impl Verdict {
    /// A one-line explanation.
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::StrongSnapshotIsolation => "strong snapshot isolation: consistent cuts, totally ordered, every acknowledged commit visible",
            Verdict::SnapshotIsolationStaleAfterAck => "snapshot isolation, but stale after ack: a new snapshot can miss an acknowledged commit",
            Verdict::ReadCommitted => "read committed: only committed values, but snapshots are not consistent cuts (fractured)",
            Verdict::ReadUncommitted => "read uncommitted: intermediate or rolled-back values are visible",
            Verdict::Broken => "broken: garbage values or lost acknowledged updates",
            Verdict::NotChecked => "not checked",
        }
    }
}

/// The verdict for a run's merged counts (forked cuts included: see [`forked_cuts`]).
pub fn verdict(counts: &Counts) -> Verdict {
    let any = |classes: &[Class]| classes.iter().any(|&c| counts.of(c) > 0);
    if counts.snapshots == 0 {
        Verdict::NotChecked
    } else if any(&[Class::Garbage, Class::LostUpdate, Class::FutureRead]) {
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
    } else if any(&[Class::StaleAfterAck]) {
        Verdict::SnapshotIsolationStaleAfterAck
    } else {
        Verdict::StrongSnapshotIsolation
    }
}

/// How many adjacent pairs of the cut vectors, ordered by their sums, are incomparable under
/// component-wise ≤. Zero iff all cuts form one chain (a set is a chain iff, sorted by sum, each
/// neighbour pair is ordered). O(n log n).
pub fn forked_cuts<'a>(cuts: impl IntoIterator<Item = &'a [u64]>) -> u64 {
    let mut all: Vec<&[u64]> = cuts.into_iter().collect();
    all.sort_by_key(|c| (c.iter().sum::<u64>(), c.to_vec()));
    all.dedup();
    all.windows(2)
        .filter(|w| !w[0].iter().zip(w[1]).all(|(a, b)| a <= b))
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_are_not_forks_and_incomparable_cuts_are() {
        assert_eq!(
            forked_cuts([&[0, 0][..], &[1, 0], &[1, 1], &[2, 1], &[1, 0]]),
            0
        );
        assert_eq!(forked_cuts([&[2, 1][..], &[1, 2]]), 1);
    }

    #[test]
    fn the_worst_class_decides() {
        let mut counts = Counts {
            snapshots: 10,
            reads: 100,
            ..Counts::default()
        };
        assert_eq!(verdict(&counts), Verdict::StrongSnapshotIsolation);
        counts.violations.insert(Class::StaleAfterAck, 3);
        assert_eq!(verdict(&counts), Verdict::SnapshotIsolationStaleAfterAck);
        counts.violations.insert(Class::Fractured, 1);
        assert_eq!(verdict(&counts), Verdict::ReadCommitted);
        counts.violations.insert(Class::Aborted, 1);
        assert_eq!(verdict(&counts), Verdict::ReadUncommitted);
        counts.violations.insert(Class::LostUpdate, 1);
        assert_eq!(verdict(&counts), Verdict::Broken);
        assert_eq!(verdict(&Counts::default()), Verdict::NotChecked);
    }
}
