//! `--history FILE`: what writers committed and what readers saw, as JSON Lines, and the offline
//! re-check behind `harness check-history FILE`.
//!
//! # Format
//! One JSON object per line, each with a `"type"`. A file holds one or more *points*; each starts
//! with a `header` and is followed by that point's events (written after the point ran, from
//! per-thread buffers — never on the hot path):
//!
//! ```text
//! {"type":"header","backend":"hybrid","point":"2r+2w","repetition":0,"seed":42,"batch_size":16,
//!  "keys":64,"partitions":["mutable/w0/","mutable/w1/"],"truncated":false}
//! {"type":"commit","writer":0,"batch":7,"writes":[[3,1234],[9,null]],"marker":30064771075}
//! {"type":"snapshot","reader":1,"index":12,"acked_before":[6,2],"started_after":[7,3],
//!  "cut":[7,2],"reads":[{"marker":[0,30064771075]},{"get":[0,3,1234]},{"scan":[1,[[0,55]]]},
//!  {"remarker":[0,30064771075,30064771075]}]}
//! {"type":"final","acked":[7,3],"markers":[30064771075,12884901890],"keys":[[[0,11],[1,null]],[]]}
//! ```
//! - `partitions[p]` is writer `p`'s checked region: key `k` of it is `<partitions[p]>c/<k:05>`,
//!   its marker `<partitions[p]>marker` (see [`crate::plan`]).
//! - `commit`: batch `batch` of writer `writer`, acknowledged; `writes` in staging order as
//!   `[k, value]` (`null` = delete; intermediate values included); `marker` = `batch << 32 | chain`.
//! - `snapshot` (sampled: a reader's first 1000, then one in 64): `acked_before` = the `acked`
//!   watermarks loaded before the snapshot was taken, `started_after` = the `started` ones loaded
//!   after its last read, `cut` = the batch per partition its markers claimed, `reads` in order:
//!   `marker [p, value]`, `get [p, k, value]`, `scan [p, [[k, value], …]]`, `remarker [p, first,
//!   again]` (values `null` = absent).
//! - `final`: after the writers joined, the last acknowledged batch per partition and what the
//!   final snapshot held (`keys[p]` = every checked key of `p` as `[k, value]`).
//!
//! `check-history` rebuilds the plan from the header (`seed`, `batch_size`), verifies that every
//! commit wrote exactly the plan's batch, then feeds the observations through the same
//! [`ReaderCheck`] as the live run (one per reader, in order), checks the cut vectors for forks
//! and the final state for lost updates. Only sampled snapshots are re-checked, so its counts
//! can be lower than the live run's — never higher.

use std::{collections::BTreeMap, io::BufRead};

use serde::{Deserialize, Serialize};

use results::Verdict;

use crate::{
    check::{Class, Counts, ReaderCheck, Violation},
    consistency,
    forks::forked_cuts,
    plan::{Plan, Write},
};

/// A reader keeps its first this-many snapshots in the history, then one in [`SAMPLE_EVERY`].
pub const SAMPLE_FIRST: u64 = 1000;
/// See [`SAMPLE_FIRST`].
pub const SAMPLE_EVERY: u64 = 64;
/// Events one thread buffers at most (the header says `truncated` when a thread hit it).
pub const MAX_EVENTS_PER_THREAD: usize = 1_000_000;

/// One read of a snapshot, in the order it happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Read {
    Marker(usize, Option<u64>),
    Get(usize, u32, Option<u64>),
    Scan(usize, Vec<(u32, u64)>),
    Remarker(usize, Option<u64>, Option<u64>),
}

/// One line of a history file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Header {
        backend: String,
        point: String,
        repetition: u32,
        seed: u64,
        batch_size: u32,
        keys: u32,
        partitions: Vec<String>,
        truncated: bool,
    },
    Commit {
        writer: usize,
        batch: u64,
        writes: Vec<(u32, Option<u64>)>,
        marker: u64,
    },
    Snapshot {
        reader: usize,
        index: u64,
        acked_before: Vec<u64>,
        started_after: Vec<u64>,
        cut: Vec<u64>,
        reads: Vec<Read>,
    },
    Final {
        acked: Vec<u64>,
        markers: Vec<Option<u64>>,
        keys: Vec<Vec<(u32, Option<u64>)>>,
    },
}

/// The offline verdict of one point of a history file.
#[derive(Clone, Debug)]
pub struct Recheck {
    pub backend: String,
    pub point: String,
    pub repetition: u32,
    pub commits: u64,
    /// Commits whose writes differ from the plan's batch (the history or the run is corrupt).
    pub commits_off_plan: u64,
    pub counts: Counts,
    pub samples: Vec<Violation>,
    /// The point has its `final` line: without it lost updates cannot be judged, and the
    /// verdict is [`Verdict::NotChecked`].
    pub concluded: bool,
    pub verdict: Verdict,
}

/// Events with their 1-based line numbers.
type Numbered = Vec<(usize, Event)>;

/// Parse errors say which line and how to fix it.
#[derive(Debug)]
pub struct HistoryError(pub String);

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Re-checks every point of a history read from `input`. A file that is malformed or
/// contradicts itself (see [`crate::consistency`]) is an error naming the line.
pub fn recheck(input: impl BufRead, origin: &str) -> Result<Vec<Recheck>, HistoryError> {
    // Per point: its header's line, the header, and its events with their line numbers.
    let mut points: Vec<(usize, Event, Numbered)> = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| HistoryError(format!("{origin}: cannot read ({e})")))?;
        if line.trim().is_empty() {
            continue;
        }
        let ev: Event = serde_json::from_str(&line).map_err(|e| {
            HistoryError(format!(
                "{origin}:{}: not a history event ({}); pass a file written by `harness run --history FILE`",
                i + 1,
                clip(&e.to_string())
            ))
        })?;
        match ev {
            Event::Header { .. } => points.push((i + 1, ev, Vec::new())),
            other => match points.last_mut() {
                Some((_, _, events)) => events.push((i + 1, other)),
                None => {
                    return Err(HistoryError(format!(
                        "{origin}:{}: event before any header; the file must start with a `header` line",
                        i + 1
                    )))
                }
            },
        }
    }
    if points.is_empty() {
        return Err(HistoryError(format!(
            "{origin}: no `header` line; pass a file written by `harness run --history FILE`"
        )));
    }
    points
        .iter()
        .map(|(line, header, events)| {
            let plan = plan_of(origin, *line, header)?;
            let shape = consistency::Shape::of(origin, &plan, header);
            let concluded = consistency::check_point(&shape, events)?;
            let events: Vec<&Event> = events.iter().map(|(_, e)| e).collect();
            Ok(recheck_point(header, &plan, &events, concluded))
        })
        .collect()
}

/// A serde message cut to a readable length (a junk line can be megabytes long).
fn clip(message: &str) -> String {
    const MAX: usize = 200;
    match message.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &message[..at]),
        None => message.to_string(),
    }
}

/// Batch sizes a history may declare (the plan's checked keys are four per batch slot).
const MAX_BATCH_SIZE: u32 = 1 << 20;

/// The plan a header declares, after checking the header.
fn plan_of(origin: &str, line: usize, header: &Event) -> Result<Plan, HistoryError> {
    let Event::Header {
        seed,
        batch_size,
        keys,
        partitions,
        ..
    } = header
    else {
        unreachable!("points start with a header")
    };
    let bad = |what: String| {
        HistoryError(format!(
            "{origin}:{line}: {what}; pass a file written by `harness run --history FILE`"
        ))
    };
    if partitions.is_empty() {
        return Err(bad("header.partitions is empty".into()));
    }
    if !(1..=MAX_BATCH_SIZE).contains(batch_size) {
        return Err(bad(format!(
            "header.batch_size {batch_size} is outside 1..={MAX_BATCH_SIZE}"
        )));
    }
    let plan = Plan::new(*seed, *batch_size);
    if *keys != plan.keys() {
        return Err(bad(format!(
            "header.keys = {keys}, but batch size {batch_size} checks {} keys",
            plan.keys()
        )));
    }
    Ok(plan)
}

fn recheck_point(header: &Event, plan: &Plan, events: &[&Event], concluded: bool) -> Recheck {
    let Event::Header {
        backend,
        point,
        repetition,
        partitions,
        ..
    } = header
    else {
        unreachable!("grouped under a header")
    };
    let n = partitions.len();
    let mut readers: BTreeMap<usize, ReaderCheck> = BTreeMap::new();
    let mut final_check = ReaderCheck::new(plan, n);
    let (mut commits, mut off_plan) = (0, 0);
    for &ev in events {
        match ev {
            Event::Commit {
                writer,
                batch,
                writes,
                ..
            } => {
                commits += 1;
                let want: Vec<(u32, Option<u64>)> = plan
                    .batch(*writer, *batch)
                    .map(|w| match w {
                        Write::Put { k, value } => (k, Some(value)),
                        Write::Delete { k } => (k, None),
                    })
                    .collect();
                off_plan += u64::from(&want != writes);
            }
            Event::Snapshot {
                reader,
                acked_before,
                started_after,
                reads,
                ..
            } => {
                let ch = readers
                    .entry(*reader)
                    .or_insert_with(|| ReaderCheck::new(plan, n));
                ch.begin(acked_before);
                for r in reads {
                    match r {
                        Read::Marker(p, v) => {
                            ch.marker(*p, *v);
                        }
                        Read::Get(p, k, v) => ch.get(*p, *k, *v),
                        Read::Scan(p, entries) => ch.scan(*p, entries),
                        Read::Remarker(p, a, b) => ch.reread_marker(*p, *a, *b),
                    }
                }
                ch.end(started_after);
            }
            Event::Final {
                acked,
                markers,
                keys,
            } => {
                for (p, &a) in acked.iter().enumerate().take(n) {
                    let k = keys.get(p).map_or(&[][..], Vec::as_slice);
                    final_check.final_partition(p, a, markers.get(p).copied().flatten(), k);
                }
            }
            Event::Header { .. } => {}
        }
    }
    let mut counts = Counts::default();
    let mut samples = Vec::new();
    for ch in readers.values().chain([&final_check]) {
        counts.merge(&ch.counts);
        samples.extend(ch.samples.iter().cloned());
    }
    let forks = forked_cuts(
        readers
            .values()
            .flat_map(|c| c.cuts.iter().map(Vec::as_slice)),
    );
    counts.add(Class::ForkedCuts, forks);
    samples.truncate(crate::check::SAMPLES);
    // Evidence needs a reader's snapshot and a commit.
    let exercised = commits > 0 && counts.snapshots > 0;
    Recheck {
        backend: backend.clone(),
        point: point.clone(),
        repetition: *repetition,
        commits,
        commits_off_plan: off_plan,
        verdict: if concluded {
            Verdict::of(&counts, exercised)
        } else {
            Verdict::NotChecked
        },
        concluded,
        counts,
        samples,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_and_a_stale_observation_is_rechecked() {
        let plan = Plan::new(3, 4);
        let header = Event::Header {
            backend: "x".into(),
            point: "p".into(),
            repetition: 0,
            seed: 3,
            batch_size: 4,
            keys: plan.keys(),
            partitions: vec!["w0/".into()],
            truncated: false,
        };
        let writes: Vec<(u32, Option<u64>)> = plan
            .batch(0, 1)
            .map(|w| match w {
                Write::Put { k, value } => (k, Some(value)),
                Write::Delete { k } => (k, None),
            })
            .collect();
        let chain = plan.chain_step(0, plan.chain_start(0), 1);
        let lines = [
            header,
            Event::Commit {
                writer: 0,
                batch: 1,
                writes,
                marker: Plan::marker(1, chain),
            },
            // Taken after batch 1 was acknowledged, but shows nothing: stale.
            Event::Snapshot {
                reader: 0,
                index: 1,
                acked_before: vec![1],
                started_after: vec![1],
                cut: vec![0],
                reads: vec![Read::Marker(0, None)],
            },
            Event::Final {
                acked: vec![1],
                markers: vec![Some(Plan::marker(1, chain))],
                keys: vec![(0..plan.keys())
                    .map(|k| (k, plan.expected(0, 1, k)))
                    .collect()],
            },
        ];
        let text: String = lines
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect();
        let back = recheck(text.as_bytes(), "t").unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].commits, 1);
        assert_eq!(back[0].commits_off_plan, 0);
        assert_eq!(
            back[0].counts.of(Class::StaleAfterAck),
            1,
            "{:?}",
            back[0].counts
        );
        assert_eq!(back[0].counts.total(), 1);
        assert!(recheck("{\"type\":\"final\"}\n".as_bytes(), "t").is_err());
    }
}
