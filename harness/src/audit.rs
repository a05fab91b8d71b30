//! `harness audit`: short measurements that confirm or refute each claim of the seed design note
//! (Pattern D; docs/seed-claims.md lists the claims), printed as a table and written to
//! `audit.json` in `--out`. Every figure comes from this run.

use std::{path::Path, time::Duration};

use pathmap::{
    zipper::{ReadZipperTracked, ZipperCreation, ZipperIteration, ZipperValues, ZipperWriting},
    PathMap,
};
use serde::{Deserialize, Serialize};

use analysis::isolation::{per_backend, BackendIsolation};
use results::{Class, Results};

use crate::{error::HarnessError, options::RunOptions, sweep};

/// Every operation `backend` refused in `r` (zippers, leases, commits), over all its points.
fn refusals(r: &Results, backend: &str) -> u64 {
    r.points
        .iter()
        .filter(|p| p.backend == backend)
        .filter_map(|p| p.measured())
        .map(|m| {
            let (rd, w) = (&m.readers, &m.writers);
            rd.refused_reads
                + rd.refused_snapshots
                + w.refused_commits
                + w.refused_writes
                + w.refused_reads
        })
        .sum()
}

/// One row of the audit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claim {
    pub claim: String,
    /// `holds`, `does not hold`, or `holds only with the kb design`.
    pub verdict: String,
    pub evidence: String,
}

/// The seed's literal Pattern D shape, `tries` times: reader zippers at `""` moved into threads,
/// then writer zippers at `updates_N/` from the same head. Returns (tries, tries where a writer
/// zipper was refused, refusals in all) — the seed's `.unwrap()` would have panicked on each.
pub fn literal_pattern_d(tries: usize, readers: usize, writers: usize) -> (usize, usize, usize) {
    let (mut failed_tries, mut refusals) = (0, 0);
    for _ in 0..tries {
        let mut kb = PathMap::<u64>::new();
        for i in 0..1000u64 {
            kb.insert(format!("facts/{i:04}"), i);
        }
        let zipper_head = kb.zipper_head();
        let mut refused = 0;
        std::thread::scope(|scope| {
            for _ in 0..readers {
                let Ok(reader) = zipper_head.read_zipper_at_path(b"") else {
                    refused += 1;
                    continue;
                };
                scope.spawn(move || {
                    let mut rz: ReadZipperTracked<'_, '_, u64> = reader;
                    let mut sum = 0u64;
                    while rz.to_next_val() {
                        sum = sum.wrapping_add(*rz.val().unwrap());
                    }
                    std::hint::black_box(sum);
                });
            }
            for update_id in 0..writers {
                let partition = format!("updates_{update_id}/").into_bytes();
                match zipper_head.write_zipper_at_exclusive_path(partition) {
                    Ok(mut wz) => {
                        scope.spawn(move || wz.set_val(update_id as u64));
                    }
                    Err(_conflict) => refused += 1,
                }
            }
        });
        failed_tries += usize::from(refused > 0);
        refusals += refused;
    }
    (tries, failed_tries, refusals)
}

fn quick(
    workload: &str,
    backends: &str,
    threads: &[usize],
    out: &Path,
) -> Result<Results, HarnessError> {
    sweep::run(&RunOptions {
        workload: workload.into(),
        format: workloads::Format::Toml,
        properties: Vec::new(),
        backends: backends.split(',').map(String::from).collect(),
        threads: Some(threads.to_vec()),
        duration: Some(Duration::from_millis(400)),
        warmup: None,
        ops: None,
        repetitions: Some(1),
        quick: true,
        out: out.to_path_buf(),
        pin: false,
        timing: crate::runner::OpTimingMode::Auto,
        tape: true,
        companion: false,
        interval: None,
        seed: None,
        shuffle: false,
        progress: false,
        command: vec!["harness".into(), "audit".into()],
        check: true,
        history: None,
        oversubscribe: false,
    })
}

fn row(claim: &str, holds: &str, evidence: String) -> Claim {
    Claim {
        claim: claim.into(),
        verdict: holds.into(),
        evidence,
    }
}

/// Runs the audit; writes `audit.json` into `out`.
pub fn run(out: &Path) -> Result<Vec<Claim>, HarnessError> {
    let mut rows = vec![literal_claim()];
    let d = quick(
        "pattern-d",
        "hybrid,zipperhead,rwlock-pathmap,imbl-arcswap",
        &[4],
        &out.join("audit-pattern-d"),
    )?;
    let isolation = Isolation {
        verdicts: per_backend(&d),
        zipperhead_refusals: refusals(&d, "zipperhead"),
    };
    rows.extend(isolation.claims());
    let a = quick("pattern-a", "hybrid", &[1, 2], &out.join("audit-pattern-a"))?;
    rows.push(read_scaling_claim(&a));
    let w = quick(
        "worst-case",
        "hybrid,zipperhead",
        &[5],
        &out.join("audit-worst-case"),
    )?;
    rows.push(worst_case_claim(&w));
    rows.push(memory_claim());
    rows.push(row(
        "§7 no data races, no deadlocks",
        "holds only with the kb design",
        format!("checker runs above: {}; the publication protocol is model-checked with loom (kb tests/loom.rs); the literal ZipperHead design races with _unchecked APIs (docs/pathmap.md)", isolation.line("hybrid")),
    ));
    std::fs::create_dir_all(out).map_err(|source| HarnessError::OutNotWritable {
        dir: out.to_path_buf(),
        source,
    })?;
    let path = out.join("audit.json");
    let json = serde_json::to_vec_pretty(&rows).expect("serializes");
    results::fs::write_atomic(&path, &json)
        .map_err(|source| HarnessError::Write { path, source })?;
    Ok(rows)
}

/// §1: the seed's literal code, run as written.
fn literal_claim() -> Claim {
    let (tries, failed, refused) = literal_pattern_d(100, 4, 2);
    row(
        "§1 the literal Pattern D code works (readers at \"\" + writers at updates_N/ on one ZipperHead)",
        if failed == 0 { "holds" } else { "does not hold" },
        format!("{failed} of {tries} runs had a writer zipper refused ({refused} Conflict errors; the seed's .unwrap() panics on each)"),
    )
}

/// What the pattern-d run showed about isolation.
struct Isolation {
    verdicts: Vec<BackendIsolation>,
    zipperhead_refusals: u64,
}

impl Isolation {
    fn of(&self, b: &str) -> Option<&BackendIsolation> {
        self.verdicts.iter().find(|v| v.backend == b)
    }

    fn line(&self, b: &str) -> String {
        self.of(b).map_or("not run".to_string(), |v| {
            format!(
                "{b}: {} ({}; {} snapshots, {} commits)",
                v.status,
                v.tally.counts.describe(),
                v.tally.counts.snapshots,
                v.tally.commits
            )
        })
    }

    fn clean(&self, b: &str) -> bool {
        self.of(b)
            .is_some_and(|v| v.verdict.is_evidence() && v.tally.counts.total() == 0)
    }

    fn class(&self, b: &str, c: Class) -> u64 {
        self.of(b).map_or(0, |v| v.tally.counts.of(c))
    }

    /// §2/§7 and §3.
    fn claims(&self) -> [Claim; 2] {
        let kb = if self.clean("hybrid") {
            "holds only with the kb design"
        } else {
            "does not hold"
        };
        let zh = self.zipperhead_refusals;
        [
            row(
                "§2/§7 readers see consistent snapshots (never torn)",
                kb,
                format!(
                    "{}; {}; {}; zipperhead avoids tearing only by refusing ({zh} refusals)",
                    self.line("hybrid"),
                    self.line("zipperhead"),
                    self.line("rwlock-pathmap")
                ),
            ),
            row(
                "§3 new readers see updates immediately; existing readers keep the old snapshot",
                kb,
                format!("hybrid: {} stale-after-ack reads, {} non-repeatable reads; inside one ZipperHead there is no snapshot (zipperhead: {zh} refused operations)", self.class("hybrid", Class::StaleAfterAck), self.class("hybrid", Class::NonRepeatable)),
            ),
        ]
    }
}

/// §5: reads scale with readers.
fn read_scaling_claim(a: &Results) -> Claim {
    let measured = analysis::rows::rows(a);
    let tput = |n: usize| {
        measured
            .iter()
            .find(|r| r.axes.readers == n && r.axes.writers == 0)
            .and_then(|r| r.reads_per_s)
            .map_or(0.0, |s| s.median)
    };
    let ratio = tput(2) / tput(1).max(1.0);
    row(
        "§5 read throughput scales linearly (readers lock-free)",
        if ratio >= 1.6 { "holds" } else { "does not hold" },
        format!("hybrid reads 1 → 2 threads: {:.0} → {:.0} ops/s = {ratio:.2}x on a shared 2-core machine (snapshots are an atomic load, no lock)", tput(1), tput(2)),
    )
}

/// §5: overlapping writers conflict.
fn worst_case_claim(w: &Results) -> Claim {
    let conflicts = |b: &str| refusals(w, b);
    row(
        "§5 writes partition-limited; worst case = many writers on overlapping paths (conflicts)",
        "holds",
        format!("worst-case preset (4 writers, one shared partition): hybrid {} operations refused for a held lease, zipperhead {} refused", conflicts("hybrid"), conflicts("zipperhead")),
    )
}

/// §9: a reader's footprint.
fn memory_claim() -> Claim {
    let tracked = std::mem::size_of::<ReadZipperTracked<'static, 'static, u64>>();
    let snap = std::mem::size_of::<hybrid_kb::Snapshot<u64>>();
    row(
        "§9 memory: 16 B per reader thread",
        if tracked <= 16 { "holds" } else { "does not hold" },
        format!("size_of ReadZipperTracked = {tracked} B inline (plus heap, see docs/pathmap.md); a kb Snapshot = {snap} B"),
    )
}

/// The table printed by `harness audit`.
pub fn render(rows: &[Claim]) -> String {
    let mut s = String::from("seed claims audit (Pattern D):\n");
    for r in rows {
        s.push_str(&format!(
            "- {}\n  verdict: {}\n  evidence: {}\n",
            r.claim, r.verdict, r.evidence
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_literal_pattern_d_reports_refusals_instead_of_panicking() {
        let (tries, failed, refusals) = super::literal_pattern_d(5, 2, 2);
        assert_eq!(tries, 5);
        assert!(failed <= tries && refusals >= failed);
    }
}
