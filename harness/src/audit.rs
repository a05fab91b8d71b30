//! `harness audit`: short measurements that confirm or refute each claim of the seed note
//! (`shared/seeds/000_f0fbc641ab12491b.txt`, Pattern D), printed as a table and written to
//! `audit.json` in `--out`. Every figure comes from this run.

use std::{path::Path, time::Duration};

use pathmap::{
    zipper::{ReadZipperTracked, ZipperCreation, ZipperIteration, ZipperValues, ZipperWriting},
    PathMap,
};
use serde::{Deserialize, Serialize};

use crate::{
    error::HarnessError,
    isolation::summary::{classes, per_backend},
    results::Results,
    sweep::{self, RunOptions},
};

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
        backends: backends.split(',').map(String::from).collect(),
        threads: Some(threads.to_vec()),
        duration: Some(Duration::from_millis(400)),
        warmup: None,
        ops: None,
        repetitions: Some(1),
        quick: true,
        out: out.to_path_buf(),
        pin: false,
        companion: false,
        interval: None,
        seed: None,
        shuffle: false,
        progress: false,
        command: vec!["harness".into(), "audit".into()],
        check: true,
        history: None,
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
    let mut rows = Vec::new();
    let (tries, failed, refusals) = literal_pattern_d(100, 4, 2);
    rows.push(row(
        "§1 the literal Pattern D code works (readers at \"\" + writers at updates_N/ on one ZipperHead)",
        if failed == 0 { "holds" } else { "does not hold" },
        format!("{failed} of {tries} runs had a writer zipper refused ({refusals} Conflict errors; the seed's .unwrap() panics on each)"),
    ));
    let d = quick(
        "pattern-d",
        "hybrid,zipperhead,rwlock-pathmap,imbl-arcswap",
        &[4],
        &out.join("audit-pattern-d"),
    )?;
    let verdicts = per_backend(&d);
    let line = |b: &str| {
        verdicts
            .iter()
            .find(|v| v.0 == b)
            .map_or("not run".to_string(), |(_, c, v, n)| {
                format!(
                    "{b}: {} ({}; {} snapshots, {n} commits)",
                    v.describe().split(':').next().unwrap_or(""),
                    classes(c),
                    c.snapshots
                )
            })
    };
    let clean = |b: &str| verdicts.iter().any(|v| v.0 == b && v.1.total() == 0);
    let zh_conflicts: u64 = d
        .points
        .iter()
        .filter(|p| p.backend == "zipperhead")
        .map(|p| p.conflicts)
        .sum();
    rows.push(row(
        "§2/§7 readers see consistent snapshots (never torn)",
        if clean("hybrid") {
            "holds only with the kb design"
        } else {
            "does not hold"
        },
        format!(
            "{}; {}; {}; zipperhead avoids tearing only by refusing ({zh_conflicts} refusals)",
            line("hybrid"),
            line("zipperhead"),
            line("rwlock-pathmap")
        ),
    ));
    let stale = |b: &str| {
        verdicts
            .iter()
            .find(|v| v.0 == b)
            .map_or(0, |v| v.1.of(crate::isolation::Class::StaleAfterAck))
    };
    rows.push(row(
        "§3 new readers see updates immediately; existing readers keep the old snapshot",
        if clean("hybrid") { "holds only with the kb design" } else { "does not hold" },
        format!("hybrid: {} stale-after-ack reads, {} non-repeatable reads; inside one ZipperHead there is no snapshot (zipperhead: {zh_conflicts} refused zippers)", stale("hybrid"), verdicts.iter().find(|v| v.0 == "hybrid").map_or(0, |v| v.1.of(crate::isolation::Class::NonRepeatable))),
    ));
    let a = quick("pattern-a", "hybrid", &[1, 2], &out.join("audit-pattern-a"))?;
    let tput = |n: usize| {
        a.summary
            .iter()
            .find(|r| r.readers == n && r.writers == 0)
            .map_or(0.0, |r| r.read_ops_per_s.median)
    };
    let ratio = tput(2) / tput(1).max(1.0);
    rows.push(row(
        "§5 read throughput scales linearly (readers lock-free)",
        if ratio >= 1.6 { "holds" } else { "does not hold" },
        format!("hybrid reads 1 → 2 threads: {:.0} → {:.0} ops/s = {ratio:.2}x on a shared 2-core machine (snapshots are an atomic load, no lock)", tput(1), tput(2)),
    ));
    let w = quick(
        "worst-case",
        "hybrid,zipperhead",
        &[5],
        &out.join("audit-worst-case"),
    )?;
    let conflicts = |b: &str| {
        w.points
            .iter()
            .filter(|p| p.backend == b)
            .map(|p| p.conflicts)
            .sum::<u64>()
    };
    rows.push(row(
        "§5 writes partition-limited; worst case = many writers on overlapping paths (conflicts)",
        "holds",
        format!("worst-case preset (4 writers, one shared partition): hybrid {} lease refusals, zipperhead {} refusals", conflicts("hybrid"), conflicts("zipperhead")),
    ));
    let tracked = std::mem::size_of::<ReadZipperTracked<'static, 'static, u64>>();
    let snap = std::mem::size_of::<hybrid_kb::Snapshot<u64>>();
    rows.push(row(
        "§9 memory: 16 B per reader thread",
        if tracked <= 16 { "holds" } else { "does not hold" },
        format!("size_of ReadZipperTracked = {tracked} B inline (plus heap, see pathmap-notes.md); a kb Snapshot = {snap} B"),
    ));
    rows.push(row(
        "§7 no data races, no deadlocks",
        "holds only with the kb design",
        format!("checker runs above: {}; the publication protocol is model-checked with loom (kb tests/loom.rs); the literal ZipperHead design races with _unchecked APIs (pathmap-notes.md)", line("hybrid")),
    ));
    std::fs::create_dir_all(out).map_err(|source| HarnessError::OutNotWritable {
        dir: out.to_path_buf(),
        source,
    })?;
    let path = out.join("audit.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&rows).expect("serializes"))
        .map_err(|source| HarnessError::Write { path, source })?;
    Ok(rows)
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
