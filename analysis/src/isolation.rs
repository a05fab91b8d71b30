//! Isolation over many points: the counts summed (so every view's totals equal the sums in
//! results.json), and the verdict those counts earn — from exercised points only, unless a
//! violation was seen anywhere.

use results::{BackendRole, Counts, Isolation, NotChecked, Results, Verdict};
use serde::Serialize;

/// The checker's findings summed over some points.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IsolationTally {
    /// Measured points seen.
    pub points: usize,
    /// Points the checker ran on.
    pub checked: usize,
    /// Checked points with concurrent readers and writers, a checked snapshot and a commit.
    pub exercised: usize,
    /// Snapshots, reads and violations of every checked point.
    pub counts: Counts,
    /// Checked batches acknowledged.
    pub commits: u64,
    /// Why points were not checked (distinct, first seen first).
    pub not_checked: Vec<NotChecked>,
    /// Why checked points did not exercise isolation (distinct).
    pub not_exercised: Vec<String>,
}

impl IsolationTally {
    /// Adds one measured point's findings.
    pub fn add(&mut self, iso: &Isolation) {
        self.points += 1;
        match iso {
            Isolation::NotChecked { reason } => {
                if !self.not_checked.contains(reason) {
                    self.not_checked.push(*reason);
                }
            }
            Isolation::Checked(c) => {
                self.checked += 1;
                self.counts.merge(&c.counts);
                self.commits += c.commits;
                match &c.not_exercised {
                    None => self.exercised += 1,
                    Some(why) if !self.not_exercised.contains(why) => {
                        self.not_exercised.push(why.clone())
                    }
                    Some(_) => {}
                }
            }
        }
    }

    /// The verdict the summed counts earn.
    pub fn verdict(&self) -> Verdict {
        if self.checked == 0 {
            return if self.not_checked.is_empty()
                || self
                    .not_checked
                    .iter()
                    .any(|r| r.verdict() == Verdict::NotChecked)
            {
                Verdict::NotChecked
            } else {
                Verdict::NotExercised
            };
        }
        Verdict::of(&self.counts, self.exercised > 0)
    }

    /// The verdict as a user reads it: `strong snapshot isolation`, `not checked: the backend
    /// stores nothing`, `not exercised: no writers: nothing to check snapshots against`.
    pub fn status(&self) -> String {
        let v = self.verdict();
        match v {
            Verdict::NotChecked => format!(
                "not checked: {}",
                self.not_checked
                    .iter()
                    .find(|r| r.verdict() == Verdict::NotChecked)
                    .map_or("no point was measured", |r| r.describe())
            ),
            Verdict::NotExercised => format!(
                "not exercised: {}",
                self.not_exercised
                    .first()
                    .map(String::as_str)
                    .or(self.not_checked.first().map(|r| r.describe()))
                    .unwrap_or("no concurrent readers and writers")
            ),
            v => v.short().to_string(),
        }
    }
}

/// One backend's isolation over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackendIsolation {
    pub backend: String,
    pub role: BackendRole,
    /// The backend promises snapshots (its capabilities).
    pub claims_snapshots: bool,
    pub tally: IsolationTally,
    pub verdict: Verdict,
    pub status: String,
    /// It claims snapshots and violated them: the gate fails on this.
    pub fails: bool,
}

/// Per backend in the run's order: the tally over all its measured points.
pub fn per_backend(r: &Results) -> Vec<BackendIsolation> {
    r.run
        .backends
        .iter()
        .filter(|b| r.points.iter().any(|p| p.backend == b.name))
        .map(|b| {
            let mut tally = IsolationTally::default();
            for m in r
                .points
                .iter()
                .filter(|p| p.backend == b.name)
                .filter_map(|p| p.measured())
            {
                tally.add(&m.isolation);
            }
            let verdict = tally.verdict();
            BackendIsolation {
                backend: b.name.clone(),
                role: b.role,
                claims_snapshots: b.caps.snapshots,
                status: tally.status(),
                fails: b.caps.snapshots && tally.counts.total() > 0,
                verdict,
                tally,
            }
        })
        .collect()
}

/// Totals over every point of the file (what the table, the report and the gate must show).
pub fn file_totals(r: &Results) -> IsolationTally {
    let mut t = IsolationTally::default();
    for m in r.points.iter().filter_map(|p| p.measured()) {
        t.add(&m.isolation);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use results::{Checked, Class};

    fn checked(snapshots: u64, commits: u64, r: usize, w: usize, v: &[(Class, u64)]) -> Isolation {
        let mut counts = Counts {
            snapshots,
            reads: snapshots * 16,
            ..Counts::default()
        };
        for &(c, n) in v {
            counts.add(c, n);
        }
        Isolation::Checked(Box::new(
            Checked {
                counts,
                commits,
                ..Checked::default()
            }
            .conclude(r, w),
        ))
    }

    #[test]
    fn no_evidence_never_passes() {
        let mut floor = IsolationTally::default();
        floor.add(&Isolation::NotChecked {
            reason: NotChecked::StoresNothing,
        });
        floor.add(&Isolation::NotChecked {
            reason: NotChecked::NoWriters,
        });
        assert_eq!(floor.verdict(), Verdict::NotChecked);
        assert_eq!(floor.status(), "not checked: the backend stores nothing");

        let mut readers_only = IsolationTally::default();
        readers_only.add(&Isolation::NotChecked {
            reason: NotChecked::NoWriters,
        });
        assert_eq!(readers_only.verdict(), Verdict::NotExercised);

        let mut writers_only = IsolationTally::default();
        writers_only.add(&checked(0, 50, 0, 1, &[]));
        assert_eq!(writers_only.verdict(), Verdict::NotExercised);
        assert!(writers_only.status().contains("no readers"));

        // Writers that take snapshots themselves (YCSB clients) exercise it without readers.
        let mut clients = IsolationTally::default();
        clients.add(&checked(100, 50, 0, 2, &[]));
        assert_eq!(clients.verdict(), Verdict::StrongSnapshotIsolation);

        let mut refused = IsolationTally::default();
        refused.add(&checked(900, 0, 3, 1, &[]));
        assert_eq!(refused.verdict(), Verdict::NotExercised);
    }

    #[test]
    fn exercised_points_decide_and_violations_count_everywhere() {
        let mut t = IsolationTally::default();
        t.add(&Isolation::NotChecked {
            reason: NotChecked::NoWriters,
        });
        t.add(&checked(100, 40, 1, 1, &[]));
        assert_eq!(t.verdict(), Verdict::StrongSnapshotIsolation);
        t.add(&checked(0, 40, 0, 2, &[(Class::LostUpdate, 2)]));
        assert_eq!(t.verdict(), Verdict::Broken);
        assert_eq!((t.points, t.checked, t.exercised), (3, 2, 1));
        assert_eq!(t.counts.total(), 2);
        assert_eq!(t.counts.snapshots, 100);
    }
}
