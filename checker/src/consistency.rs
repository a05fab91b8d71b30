//! A history file's internal consistency, checked before any of it is trusted: `check-history`
//! re-derives the expected values from the header's seed, so a file whose lines contradict each
//! other (a commit dropped, two partitions' cuts swapped, a final key removed) would otherwise be
//! judged on what is left of it.
//!
//! Per point, against its header and each other:
//! - every partition index, key index and vector length fits the header;
//! - each writer's commit log is its batches 1, 2, 3, … with none missing or repeated (a header
//!   that says the per-thread buffers were truncated allows the log to stop early, no more);
//! - a snapshot's `cut[p]` is the batch its last marker read of `p` claimed;
//! - the `final` line's `acked[p]` is the last logged commit of writer `p`, and its `keys[p]`
//!   lists every checked key `0..keys`, once, in order.

use crate::{
    history::{Event, HistoryError, Read},
    marker::Marker,
    plan::Plan,
};

/// The header's fields this check needs.
pub(crate) struct Shape<'a> {
    pub origin: &'a str,
    pub plan: &'a Plan,
    pub partitions: usize,
    pub keys: u32,
    pub truncated: bool,
}

/// Checks one point's events (each with its 1-based line number). `Ok(false)`: consistent, but
/// the point has no `final` line, so lost updates cannot be judged.
pub(crate) fn check_point(
    shape: &Shape<'_>,
    events: &[(usize, Event)],
) -> Result<bool, HistoryError> {
    let markers = commit_log(shape, events)?;
    let last = |p: usize| markers[p].len() as u64;
    let mut seen_final = false;
    for (line, ev) in events {
        let at = shape.at(*line);
        if seen_final {
            return Err(at.error(
                "an event after the point's `final` line; each point ends with one `final`",
            ));
        }
        match ev {
            Event::Header { .. } | Event::Commit { .. } => {}
            Event::Snapshot {
                acked_before,
                started_after,
                cut,
                reads,
                ..
            } => {
                let n = shape.partitions;
                at.length("snapshot.acked_before", acked_before.len(), n)?;
                at.length("snapshot.started_after", started_after.len(), n)?;
                at.length("snapshot.cut", cut.len(), n)?;
                for (p, claim) in claims(&at, shape, reads)?.into_iter().enumerate() {
                    // A marker off its partition's logged chain (a broken store's garbage, or a
                    // batch in flight) claims nothing the file can be held to.
                    let batch = match claim {
                        Some(None) => Some(0),
                        Some(Some(v)) => {
                            let b = Marker::decode(v).batch;
                            (b >= 1 && b <= last(p) && markers[p][b as usize - 1] == v).then_some(b)
                        }
                        None => None,
                    };
                    if let Some(b) = batch.filter(|&b| b != cut[p]) {
                        return Err(at.error(&format!(
                            "snapshot.cut[{p}] = {} but its marker read of partition {p} \
                             claimed batch {b} (the cut entries were edited)",
                            cut[p]
                        )));
                    }
                }
            }
            Event::Final {
                acked,
                markers: final_markers,
                keys,
            } => {
                let n = shape.partitions;
                at.length("final.acked", acked.len(), n)?;
                at.length("final.markers", final_markers.len(), n)?;
                at.length("final.keys", keys.len(), n)?;
                for p in 0..n {
                    // Truncated: the log stops early, so the final batch is at or after it.
                    let consistent = match shape.truncated {
                        false => acked[p] == last(p),
                        true => acked[p] >= last(p),
                    };
                    if !consistent {
                        return Err(at.error(&format!(
                            "final.acked[{p}] = {} but the last logged commit of writer {p} is \
                             batch {} (a commit is missing, or the final line was edited)",
                            acked[p],
                            last(p)
                        )));
                    }
                    let listed = keys[p].iter().map(|&(k, _)| k);
                    if !listed.clone().eq(0..shape.keys) {
                        let problem = match listed.zip(0..).find(|&(k, i)| k != i) {
                            Some((_, i)) => format!("key {i} is missing or out of order"),
                            None => "it has missing or extra keys at the end".into(),
                        };
                        return Err(at.error(&format!(
                            "final.keys[{p}] must list the checked keys 0..{} once each, in \
                             order; {problem}",
                            shape.keys
                        )));
                    }
                }
                seen_final = true;
            }
        }
    }
    Ok(seen_final)
}

/// Each writer's logged commits, checked: the writer exists, the keys exist, the batches run
/// 1, 2, 3, … and each marker is the plan's. Returns each writer's markers, batch 1 first.
fn commit_log(shape: &Shape<'_>, events: &[(usize, Event)]) -> Result<Vec<Vec<u64>>, HistoryError> {
    let n = shape.partitions;
    let mut markers: Vec<Vec<u64>> = vec![Vec::new(); n];
    let mut chains: Vec<u64> = (0..n).map(|p| shape.plan.chain_start(p)).collect();
    for (line, ev) in events {
        let Event::Commit {
            writer,
            batch,
            writes,
            marker,
        } = ev
        else {
            continue;
        };
        let at = shape.at(*line);
        at.partition("commit.writer", *writer, n)?;
        for &(k, _) in writes {
            at.key("commit.writes", k, shape.keys)?;
        }
        // A full per-thread buffer cuts the log short (`truncated`), never in the middle: what was
        // logged still runs 1, 2, 3, … with the plan's markers.
        let log = &mut markers[*writer];
        let expected = log.len() as u64 + 1;
        if *batch != expected {
            return Err(at.error(&format!(
                "writer {writer}'s commit log jumps from batch {} to batch {batch}: a commit is \
                 missing or repeated (the file was edited or cut)",
                expected - 1
            )));
        }
        chains[*writer] = shape.plan.chain_step(*writer, chains[*writer], *batch);
        if *marker != Plan::marker(*batch, chains[*writer]) {
            return Err(at.error(&format!(
                "commit.marker {marker:#x} is not the marker of writer {writer}'s batch {batch}"
            )));
        }
        log.push(*marker);
    }
    Ok(markers)
}

/// Per partition, the value of the snapshot's last marker read (`None`: no marker read;
/// `Some(None)`: the marker was absent), after checking every read's partition and key.
fn claims(
    at: &Location<'_>,
    shape: &Shape<'_>,
    reads: &[Read],
) -> Result<Vec<Option<Option<u64>>>, HistoryError> {
    let n = shape.partitions;
    let mut claims = vec![None; n];
    for read in reads {
        match read {
            Read::Marker(p, v) => {
                at.partition("snapshot.reads marker", *p, n)?;
                claims[*p] = Some(*v);
            }
            Read::Get(p, k, _) => {
                at.partition("snapshot.reads get", *p, n)?;
                at.key("snapshot.reads get", *k, shape.keys)?;
            }
            Read::Scan(p, entries) => {
                at.partition("snapshot.reads scan", *p, n)?;
                for &(k, _) in entries {
                    at.key("snapshot.reads scan", k, shape.keys)?;
                }
            }
            Read::Remarker(p, _, _) => at.partition("snapshot.reads remarker", *p, n)?,
        }
    }
    Ok(claims)
}

impl<'a> Shape<'a> {
    /// The shape `header` declares.
    pub fn of(origin: &'a str, plan: &'a Plan, header: &Event) -> Self {
        let Event::Header {
            keys,
            partitions,
            truncated,
            ..
        } = header
        else {
            unreachable!("points start with a header")
        };
        Shape {
            origin,
            plan,
            partitions: partitions.len(),
            keys: *keys,
            truncated: *truncated,
        }
    }

    fn at(&self, line: usize) -> Location<'_> {
        Location {
            origin: self.origin,
            line,
        }
    }
}

/// Where an event came from, for messages.
struct Location<'a> {
    origin: &'a str,
    line: usize,
}

impl Location<'_> {
    fn error(&self, what: &str) -> HistoryError {
        HistoryError(format!(
            "{}:{}: {what}; check-history judges only files as `harness run --history FILE` \
             wrote them",
            self.origin, self.line
        ))
    }

    fn partition(&self, field: &str, p: usize, n: usize) -> Result<(), HistoryError> {
        if p >= n {
            return Err(self.error(&format!(
                "{field}: partition {p} does not exist (the header lists {n})"
            )));
        }
        Ok(())
    }

    fn key(&self, field: &str, k: u32, keys: u32) -> Result<(), HistoryError> {
        if k >= keys {
            return Err(self.error(&format!(
                "{field}: key {k} does not exist (the header has keys 0..{keys})"
            )));
        }
        Ok(())
    }

    fn length(&self, field: &str, len: usize, n: usize) -> Result<(), HistoryError> {
        if len != n {
            return Err(self.error(&format!(
                "{field} has {len} entries; the header lists {n} partitions"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::history::{recheck, Event, Read};
    use crate::plan::{Plan, Write};

    /// A consistent history of one point: two partitions, two commits each, one snapshot that
    /// saw batch 2 of partition 0 and batch 1 of partition 1, and the final state.
    fn history() -> Vec<Event> {
        let plan = Plan::new(5, 2);
        let mut events = vec![Event::Header {
            backend: "x".into(),
            point: "p".into(),
            repetition: 0,
            seed: 5,
            batch_size: 2,
            keys: plan.keys(),
            partitions: vec!["w0/".into(), "w1/".into()],
            truncated: false,
        }];
        let mut markers: Vec<Vec<u64>> = vec![vec![], vec![]];
        for (p, logged) in markers.iter_mut().enumerate() {
            let mut chain = plan.chain_start(p);
            for b in 1..=2 {
                chain = plan.chain_step(p, chain, b);
                logged.push(Plan::marker(b, chain));
                events.push(Event::Commit {
                    writer: p,
                    batch: b,
                    writes: plan
                        .batch(p, b)
                        .map(|w| match w {
                            Write::Put { k, value } => (k, Some(value)),
                            Write::Delete { k } => (k, None),
                        })
                        .collect(),
                    marker: Plan::marker(b, chain),
                });
            }
        }
        events.push(Event::Snapshot {
            reader: 0,
            index: 1,
            acked_before: vec![1, 1],
            started_after: vec![2, 2],
            cut: vec![2, 1],
            reads: vec![
                Read::Marker(0, Some(markers[0][1])),
                Read::Marker(1, Some(markers[1][0])),
                Read::Get(0, 0, plan.expected(0, 2, 0)),
            ],
        });
        events.push(Event::Final {
            acked: vec![2, 2],
            markers: vec![Some(markers[0][1]), Some(markers[1][1])],
            keys: (0..2)
                .map(|p| {
                    (0..plan.keys())
                        .map(|k| (k, plan.expected(p, 2, k)))
                        .collect()
                })
                .collect(),
        });
        events
    }

    fn check(events: &[Event]) -> Result<bool, String> {
        let text: String = events
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect();
        recheck(text.as_bytes(), "h")
            .map(|points| points[0].concluded)
            .map_err(|e| e.to_string())
    }

    /// An edit of a history's events.
    type Edit = dyn FnOnce(&mut Vec<Event>);

    fn edited(edit: impl FnOnce(&mut Vec<Event>)) -> Result<bool, String> {
        let mut events = history();
        edit(&mut events);
        check(&events)
    }

    #[test]
    fn a_consistent_history_passes_and_one_without_final_cannot_conclude() {
        assert_eq!(check(&history()), Ok(true));
        assert_eq!(edited(|e| drop(e.pop())), Ok(false));
    }

    /// A truncated log may stop early — the final batch lies at or after its end — but what it
    /// holds must still run without a gap.
    #[test]
    fn a_truncated_log_may_stop_early_but_not_skip() {
        let truncate = |e: &mut Vec<Event>| {
            if let Event::Header { truncated, .. } = &mut e[0] {
                *truncated = true;
            }
        };
        assert_eq!(
            edited(|e| {
                truncate(e);
                e.remove(4); // writer 1's last commit
            }),
            Ok(true)
        );
        let gap = edited(|e| {
            truncate(e);
            e.remove(1); // writer 0's first commit
        });
        assert!(gap.is_err_and(|m| m.contains("jumps from batch 0 to batch 2")));
    }

    #[test]
    fn edits_that_contradict_the_file_are_errors_naming_the_line() {
        let commit = |e: &Event| matches!(e, Event::Commit { .. });
        let cases: [(&str, Box<Edit>); 8] = [
            // A commit the snapshot relies on, dropped: the log jumps from 0 to 2.
            ("h:2: writer 0's commit log jumps from batch 0 to batch 2", Box::new(move |e| {
                let i = e.iter().position(commit).unwrap();
                e.remove(i);
            })),
            // The last commit dropped: the log is consistent, the final line is not.
            ("final.acked[1] = 2 but the last logged commit of writer 1 is batch 1", Box::new(|e| {
                e.remove(4);
            })),
            ("snapshot.cut[0] = 1 but its marker read of partition 0 claimed batch 2", Box::new(|e| {
                if let Event::Snapshot { cut, .. } = &mut e[5] {
                    cut.swap(0, 1);
                }
            })),
            ("final.keys[0] must list the checked keys 0..8 once each, in order; key 3 is missing or out of order", Box::new(|e| {
                if let Event::Final { keys, .. } = &mut e[6] {
                    keys[0].remove(3);
                }
            })),
            ("snapshot.acked_before has 1 entries; the header lists 2 partitions", Box::new(|e| {
                if let Event::Snapshot { acked_before, .. } = &mut e[5] {
                    acked_before.pop();
                }
            })),
            ("snapshot.reads get: partition 7 does not exist (the header lists 2)", Box::new(|e| {
                if let Event::Snapshot { reads, .. } = &mut e[5] {
                    reads.push(Read::Get(7, 0, None));
                }
            })),
            ("commit.writes: key 99 does not exist", Box::new(|e| {
                if let Event::Commit { writes, .. } = &mut e[1] {
                    writes[0].0 = 99;
                }
            })),
            ("an event after the point's `final` line", Box::new(|e| {
                let extra = e[5].clone();
                e.push(extra);
            })),
        ];
        for (needle, edit) in cases {
            let got = edited(edit);
            assert!(
                got.as_ref().is_err_and(|m| m.contains(needle)),
                "{needle}: {got:?}"
            );
        }
    }
}
