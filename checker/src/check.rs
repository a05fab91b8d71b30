//! One reader's inline checks (docs/isolation.md, checks 1–3).
//!
//! Per snapshot: [`ReaderCheck::begin`] with the `acked` watermarks loaded *before* the snapshot
//! was taken; [`marker`](ReaderCheck::marker) for each partition read; any number of
//! [`get`](ReaderCheck::get) / [`scan`](ReaderCheck::scan); [`end`](ReaderCheck::end) with the
//! `started` watermarks loaded *after* the last read.

use std::collections::{HashMap, VecDeque};

pub use results::isolation::{Class, Counts, Violation};

use crate::{
    marker::{CheckedValue, Marker},
    plan::{Plan, ABORTED, INTERMEDIATE},
};

/// How many violations keep their details (the rest are only counted).
pub const SAMPLES: usize = 16;

/// Distinct cut vectors one reader keeps for the fork check (bounds memory in long runs).
pub const MAX_CUTS: usize = 200_000;

/// A window of one partition's hash chain: `values[i]` is the chain after batch `base + i`.
struct ChainWindow {
    base: u64,
    values: VecDeque<u64>,
}

/// The checker state of one reader thread.
pub struct ReaderCheck<'p> {
    plan: &'p Plan,
    /// Partition `p`'s hash chain from this reader's last cut on (O(1) memory over a long run).
    chains: Vec<ChainWindow>,
    cut: Vec<u64>,
    acked_before: Vec<u64>,
    last_cut: Vec<u64>,
    /// Keys read in the current snapshot and what they returned.
    seen: HashMap<(usize, u32), Option<u64>>,
    /// Distinct cut vectors, in the order this reader saw them (at most `cut_log` of them).
    pub cuts: Vec<Vec<u64>>,
    /// How many cuts `cuts` keeps for the fork check ([`MAX_CUTS`] unless set).
    cut_log: usize,
    /// Counts so far.
    pub counts: Counts,
    /// The first [`SAMPLES`] violations.
    pub samples: Vec<Violation>,
}

impl<'p> ReaderCheck<'p> {
    /// A checker for `partitions` writer partitions.
    pub fn new(plan: &'p Plan, partitions: usize) -> Self {
        ReaderCheck {
            plan,
            chains: (0..partitions)
                .map(|p| ChainWindow {
                    base: 0,
                    values: VecDeque::from([plan.chain_start(p)]),
                })
                .collect(),
            cut: vec![0; partitions],
            acked_before: vec![0; partitions],
            last_cut: vec![0; partitions],
            seen: HashMap::new(),
            cuts: Vec::new(),
            cut_log: MAX_CUTS,
            counts: Counts::default(),
            samples: Vec::new(),
        }
    }

    fn report(
        &mut self,
        class: Class,
        p: usize,
        key: Option<u32>,
        detail: impl FnOnce() -> String,
    ) {
        self.counts.add(class, 1);
        if self.samples.len() < SAMPLES {
            self.samples.push(Violation {
                class,
                partition: p,
                cut: self.cut[p],
                key,
                detail: detail(),
            });
        }
    }

    /// Keeps at most `cap` cuts for the fork check (the cut log is the checker's only state that
    /// grows with the run; a soak that watches memory keeps it small).
    pub fn with_cut_log(mut self, cap: usize) -> Self {
        self.cut_log = cap;
        self
    }

    /// Whether `value` is a marker of partition `p`'s true sequence of batches (a plausible batch
    /// number, bounded so a garbage marker cannot make the check hash for ever, whose chain
    /// matches).
    fn on_chain(&mut self, p: usize, value: u64) -> bool {
        let m = Marker::decode(value);
        m.plausible() && m.chain == self.chain(p, m.batch)
    }

    /// The hash chain of partition `p` after batch `b`.
    fn chain(&mut self, p: usize, b: u64) -> u64 {
        let plan = self.plan;
        let w = &mut self.chains[p];
        if b < w.base {
            // Behind this reader's last cut: only after a violation. Recompute from the start.
            return (1..=b).fold(plan.chain_start(p), |c, i| plan.chain_step(p, c, i));
        }
        while w.base + (w.values.len() as u64) <= b {
            let next =
                plan.chain_step(p, *w.values.back().unwrap(), w.base + w.values.len() as u64);
            w.values.push_back(next);
        }
        w.values[(b - w.base) as usize]
    }

    /// The batch per partition the current (or last) snapshot's markers claimed.
    pub fn cut(&self) -> &[u64] {
        &self.cut
    }

    /// Starts a snapshot; `acked_before[p]` = last batch of `p` acknowledged before it was taken.
    pub fn begin(&mut self, acked_before: &[u64]) {
        self.acked_before.copy_from_slice(acked_before);
        self.cut.copy_from_slice(&self.last_cut);
        self.seen.clear();
        self.counts.snapshots += 1;
    }

    /// Reads partition `p`'s marker (`None` = absent: before the first batch). Returns the cut.
    pub fn marker(&mut self, p: usize, value: Option<u64>) -> u64 {
        self.counts.reads += 1;
        let c = match value {
            None => 0,
            Some(v) if self.on_chain(p, v) => Marker::decode(v).batch,
            Some(v) => {
                self.report(Class::Garbage, p, None, || {
                    format!("marker value {v:#x} is not on partition {p}'s hash chain")
                });
                self.last_cut[p]
            }
        };
        self.cut[p] = c;
        let (acked, last) = (self.acked_before[p], self.last_cut[p]);
        if c < acked {
            self.report(Class::StaleAfterAck, p, None, || {
                format!("batch {acked} of partition {p} was acknowledged before the snapshot, which has only batch {c}")
            });
        }
        if c < last {
            self.report(Class::CutBackwards, p, None, || {
                format!("this reader saw batch {last} of partition {p} before, now batch {c}")
            });
        }
        c
    }

    /// Checks a point read of checked key `k` of partition `p` (after its marker).
    pub fn get(&mut self, p: usize, k: u32, got: Option<u64>) {
        self.counts.reads += 1;
        if let Some(&before) = self.seen.get(&(p, k)) {
            if before != got {
                self.report(Class::NonRepeatable, p, Some(k), || {
                    format!("key {k} read {before:?}, then {got:?} in the same snapshot")
                });
            }
            return;
        }
        self.seen.insert((p, k), got);
        self.value(p, k, got);
    }

    fn value(&mut self, p: usize, k: u32, got: Option<u64>) {
        let c = self.cut[p];
        let want = self.plan.expected(p, c, k);
        if got == want {
            return;
        }
        let class = match got.map(|v| self.plan.decode(p, k, v)) {
            Some(None) => Class::Garbage,
            Some(Some((_, INTERMEDIATE))) => Class::Intermediate,
            Some(Some((_, ABORTED))) => Class::Aborted,
            _ => Class::Fractured,
        };
        let batch = |v: Option<u64>| v.map(CheckedValue::batch_of);
        self.report(class, p, Some(k), || {
            format!(
                "key {k} at batch {c}: expected {want:?} (batch {:?}), got {got:?} (batch {:?})",
                batch(want),
                batch(got)
            )
        });
    }

    /// Checks a scan of partition `p`'s checked keys: `got` is every (key index, value) the
    /// scan returned, in order. Its key set must be the set live at the cut.
    pub fn scan(&mut self, p: usize, got: &[(u32, u64)]) {
        self.counts.reads += got.len() as u64;
        let c = self.cut[p];
        let want: Vec<u32> = (0..self.plan.keys())
            .filter(|&k| self.plan.expected(p, c, k).is_some())
            .collect();
        let keys: Vec<u32> = got.iter().map(|&(k, _)| k).collect();
        if keys != want {
            self.report(Class::Predicate, p, None, || {
                format!("scan at batch {c} returned keys {keys:?}, live keys are {want:?}")
            });
        }
        for &(k, v) in got {
            self.value(p, k, Some(v));
        }
    }

    /// Ends a snapshot; `started_after[p]` = last batch of `p` whose commit had started when the
    /// reads ended.
    pub fn end(&mut self, started_after: &[u64]) {
        for (p, &started) in started_after.iter().enumerate().take(self.cut.len()) {
            let c = self.cut[p];
            if c > started {
                self.report(Class::FutureRead, p, None, || {
                    format!("snapshot has batch {c} of partition {p}, only {started} had started")
                });
            }
        }
        if self.cuts.last() != Some(&self.cut) && self.cuts.len() < self.cut_log {
            self.cuts.push(self.cut.clone());
        }
        for (last, &c) in self.last_cut.iter_mut().zip(&self.cut) {
            *last = (*last).max(c);
        }
        // Cuts never go back: the chain below the last cut is no longer needed.
        for (w, &last) in self.chains.iter_mut().zip(&self.last_cut) {
            while w.base < last && w.values.len() > 1 {
                w.values.pop_front();
                w.base += 1;
            }
        }
    }

    /// Re-reads partition `p`'s marker later in the same snapshot (`first` = what the first read
    /// returned): a snapshot never changes, so anything else is a non-repeatable read.
    pub fn reread_marker(&mut self, p: usize, first: Option<u64>, again: Option<u64>) {
        self.counts.reads += 1;
        if first != again {
            self.report(Class::NonRepeatable, p, None, || {
                format!(
                    "marker of partition {p} read {first:?}, then {again:?} in the same snapshot"
                )
            });
        }
    }

    /// Checks partition `p` of the final state (after the writers joined): its marker and every
    /// checked key (`keys`: index, value read) must be exactly the state after batch `acked`, the
    /// last acknowledged one. Anything else lost an acknowledged write (or holds garbage).
    pub fn final_partition(
        &mut self,
        p: usize,
        acked: u64,
        marker: Option<u64>,
        keys: &[(u32, Option<u64>)],
    ) {
        self.counts.reads += 1 + keys.len() as u64;
        let c = match marker {
            None => 0,
            Some(v) if self.on_chain(p, v) => Marker::decode(v).batch,
            Some(v) => {
                self.report(Class::Garbage, p, None, || {
                    format!("final marker {v:#x} is not on partition {p}'s hash chain")
                });
                return;
            }
        };
        self.cut[p] = c;
        if c != acked {
            self.report(Class::LostUpdate, p, None, || {
                format!(
                    "final state has batch {c} of partition {p}; batch {acked} was acknowledged"
                )
            });
        }
        for &(k, got) in keys {
            let want = self.plan.expected(p, acked, k);
            if got != want {
                let garbage = got.is_some_and(|v| self.plan.decode(p, k, v).is_none());
                let class = if garbage {
                    Class::Garbage
                } else {
                    Class::LostUpdate
                };
                self.report(class, p, Some(k), || {
                    format!("final state: key {k} holds {got:?}, expected {want:?} after acknowledged batch {acked}")
                });
            }
        }
    }

    /// Checks the final state after the writers joined: each partition's cut must equal its last
    /// acknowledged batch (call after `begin`, `marker`s and `get`s on the final snapshot).
    pub fn lost_updates(&mut self, last_acked: &[u64]) {
        for (p, &acked) in last_acked.iter().enumerate() {
            let c = self.cut[p];
            if c != acked {
                self.report(Class::LostUpdate, p, None, || {
                    format!("final state has batch {c} of partition {p}; batch {acked} was acknowledged")
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Write, FINAL};

    /// A toy store that applies batches whole or (with `torn`) half.
    fn state_after(plan: &Plan, p: usize, batches: u64) -> Vec<Option<u64>> {
        let mut state = vec![None; plan.keys() as usize];
        for b in 1..=batches {
            for w in plan.batch(p, b) {
                match w {
                    Write::Put { k, value } => state[k as usize] = Some(value),
                    Write::Delete { k } => state[k as usize] = None,
                }
            }
        }
        state
    }

    fn marker(plan: &Plan, p: usize, b: u64) -> Option<u64> {
        let mut chain = plan.chain_start(p);
        for i in 1..=b {
            chain = plan.chain_step(p, chain, i);
        }
        (b > 0).then(|| Plan::marker(b, chain))
    }

    fn read_all(check: &mut ReaderCheck, plan: &Plan, state: &[Option<u64>]) {
        for k in 0..plan.keys() {
            check.get(0, k, state[k as usize]);
        }
        let scanned: Vec<(u32, u64)> = state
            .iter()
            .enumerate()
            .filter_map(|(k, v)| v.map(|v| (k as u32, v)))
            .collect();
        check.scan(0, &scanned);
    }

    #[test]
    fn the_chain_cache_stays_small_over_a_long_run() {
        let plan = Plan::new(3, 4);
        let mut check = ReaderCheck::new(&plan, 1);
        for c in (0..=20_000).step_by(7) {
            check.begin(&[c]);
            check.marker(0, marker(&plan, 0, c));
            check.end(&[c]);
        }
        assert_eq!(check.counts.total(), 0, "{:?}", check.samples);
        assert!(
            check.chains[0].values.len() <= 8,
            "{}",
            check.chains[0].values.len()
        );
    }

    #[test]
    fn a_correct_history_has_no_violations() {
        let plan = Plan::new(11, 8);
        let mut check = ReaderCheck::new(&plan, 1);
        for c in [0, 1, 5, 5, 9] {
            check.begin(&[c]);
            check.marker(0, marker(&plan, 0, c));
            read_all(&mut check, &plan, &state_after(&plan, 0, c));
            check.end(&[c + 1]);
        }
        assert_eq!(
            (check.counts.total(), check.counts.snapshots),
            (0, 5),
            "{:?}",
            check.samples
        );
        assert_eq!(check.cuts, vec![vec![0], vec![1], vec![5], vec![9]]);
    }

    #[test]
    fn each_anomaly_is_caught_by_its_class() {
        let plan = Plan::new(5, 8);
        let caught = |f: &dyn Fn(&mut ReaderCheck)| {
            let mut check = ReaderCheck::new(&plan, 1);
            f(&mut check);
            assert_eq!(check.counts.violations.len(), 1, "{:?}", check.counts);
            *check.counts.violations.keys().next().unwrap()
        };
        let at = |c: u64| state_after(&plan, 0, c);
        // Fractured: marker says 3, keys from 4.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, marker(&plan, 0, 3));
                for (k, v) in at(4).iter().enumerate() {
                    ch.get(0, k as u32, *v)
                }
                ch.end(&[9]);
            }),
            Class::Fractured
        );
        // Stale after ack.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[4]);
                ch.marker(0, marker(&plan, 0, 3));
                ch.end(&[9]);
            }),
            Class::StaleAfterAck
        );
        // Future read.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, marker(&plan, 0, 3));
                ch.end(&[2]);
            }),
            Class::FutureRead
        );
        // Garbage marker.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, Some(Plan::marker(3, 12345)));
                ch.end(&[9]);
            }),
            Class::Garbage
        );
        // Garbage value.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, None);
                ch.get(0, 0, Some(42));
                ch.end(&[9]);
            }),
            Class::Garbage
        );
        // Intermediate and aborted values.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, None);
                ch.get(0, 1, Some(plan.value(0, 1, 1, INTERMEDIATE)));
                ch.end(&[9]);
            }),
            Class::Intermediate
        );
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, None);
                ch.get(0, 1, Some(plan.value(0, 1, 1, ABORTED)));
                ch.end(&[9]);
            }),
            Class::Aborted
        );
        // Non-repeatable: same key, two answers, one snapshot.
        let k = (0..plan.keys())
            .find(|&k| at(2)[k as usize].is_some())
            .unwrap();
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, marker(&plan, 0, 2));
                ch.get(0, k, at(2)[k as usize]);
                ch.get(0, k, None);
                ch.end(&[9]);
            }),
            Class::NonRepeatable
        );
        // Cut backwards across snapshots.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, marker(&plan, 0, 3));
                ch.end(&[9]);
                ch.begin(&[0]);
                ch.marker(0, marker(&plan, 0, 2));
                ch.end(&[9]);
            }),
            Class::CutBackwards
        );
        // Predicate: a scan missing a live key, values otherwise right.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, marker(&plan, 0, 2));
                let live: Vec<(u32, u64)> = at(2)
                    .iter()
                    .enumerate()
                    .filter_map(|(k, v)| v.map(|v| (k as u32, v)))
                    .skip(1)
                    .collect();
                ch.scan(0, &live);
                ch.end(&[9]);
            }),
            Class::Predicate
        );
        // Lost update in the final state.
        assert_eq!(
            caught(&|ch| {
                ch.begin(&[0]);
                ch.marker(0, marker(&plan, 0, 2));
                ch.end(&[9]);
                ch.lost_updates(&[3]);
            }),
            Class::LostUpdate
        );
        let _ = FINAL;
    }

    #[test]
    fn final_state_and_reread_checks() {
        let plan = Plan::new(9, 8);
        let all = |c: u64| -> Vec<(u32, Option<u64>)> {
            let st = state_after(&plan, 0, c);
            (0..plan.keys()).map(|k| (k, st[k as usize])).collect()
        };
        let mut ch = ReaderCheck::new(&plan, 1);
        ch.final_partition(0, 5, marker(&plan, 0, 5), &all(5));
        assert_eq!(ch.counts.total(), 0, "{:?}", ch.samples);
        // A lost last batch: marker and keys at 4, batch 5 acknowledged.
        ch.final_partition(0, 5, marker(&plan, 0, 4), &all(4));
        assert!(ch.counts.of(Class::LostUpdate) >= 2, "{:?}", ch.counts);
        // A lost middle batch: marker 5 but keys of 4 written over by nothing else.
        let mut ch = ReaderCheck::new(&plan, 1);
        let mut keys = all(5);
        for (k, v) in keys.iter_mut() {
            if plan.touches(0, 5, *k) {
                *v = plan.expected(0, 4, *k);
            }
        }
        ch.final_partition(0, 5, marker(&plan, 0, 5), &keys);
        assert!(ch.counts.of(Class::LostUpdate) >= 1);
        let mut ch = ReaderCheck::new(&plan, 1);
        ch.reread_marker(0, marker(&plan, 0, 2), marker(&plan, 0, 2));
        assert_eq!(ch.counts.total(), 0);
        ch.reread_marker(0, marker(&plan, 0, 2), marker(&plan, 0, 3));
        assert_eq!(ch.counts.of(Class::NonRepeatable), 1);
    }
}
