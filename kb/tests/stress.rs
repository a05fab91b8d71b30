//! Real threads, real pathmap: readers check every snapshot against a model of the committed
//! batches while writers commit continuously.
//!
//! Writer `w` owns `w{w}/`. Its batch `b` rewrites keys `w{w}/k00..k15`: key `j` is present iff
//! `mix(w, b, j) % 4 != 0`, with value `b << 8 | j`; and it sets the marker `w{w}/marker = b`.
//! So the partition's whole expected content at batch `c` is a function of `c`, and a reader that
//! reads the marker knows exactly what every other key must be (docs/isolation.md, check 1).
//! Watermarks `acked`/`started` bound the marker from both sides (check 2); cuts and versions
//! never go backwards for one reader (check 3); the final state holds the last acked batch (check 5).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hybrid_kb::{KnowledgeBase, Snapshot};

const WRITERS: usize = 2;
const READERS: usize = 2;
const KEYS: u64 = 16;

fn mix(w: u64, b: u64, j: u64) -> u64 {
    let mut x = w.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ j.wrapping_mul(0x1656_67B1_9E37_79F9);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 32)
}

/// The model: key `j` of writer `w` after batch `c` (0 = before the first batch).
fn expected(w: u64, c: u64, j: u64) -> Option<u64> {
    (c > 0 && !mix(w, c, j).is_multiple_of(4)).then_some(c << 8 | j)
}

fn key(w: usize, j: u64) -> Vec<u8> {
    format!("w{w}/k{j:02}").into_bytes()
}

struct Shared {
    kb: KnowledgeBase<u64>,
    started: [AtomicU64; WRITERS],
    acked: [AtomicU64; WRITERS],
    stop: AtomicBool,
    reads: AtomicU64,
}

/// Deliberate misuse, to show the checks have teeth.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// Publish each batch in two commits: readers can see half a batch.
    SplitBatch,
    /// Acknowledge a batch before committing it.
    AckBeforeCommit,
}

fn write(shared: &Shared, w: usize, fault: Fault) -> u64 {
    let mut writer = shared.kb.writer(format!("w{w}/")).unwrap();
    let mut b = 0;
    while !shared.stop.load(Ordering::Relaxed) {
        b += 1;
        for j in 0..KEYS {
            if fault == Fault::SplitBatch && j == KEYS / 2 {
                writer.commit().unwrap();
            }
            match expected(w as u64, b, j) {
                Some(v) => writer.put(&key(w, j), v).unwrap(),
                None => drop(writer.delete(&key(w, j)).unwrap()),
            }
        }
        writer.put(format!("w{w}/marker").as_bytes(), b).unwrap();
        shared.started[w].store(b, Ordering::Release);
        if fault == Fault::AckBeforeCommit {
            shared.acked[w].store(b, Ordering::Release);
            std::thread::yield_now();
        }
        writer.commit().unwrap();
        shared.acked[w].store(b, Ordering::Release);
    }
    b
}

/// Checks one snapshot; returns its cut and the number of reads it made.
fn check(
    shared: &Shared,
    snap: &Snapshot<u64>,
    acked_before: &[u64; WRITERS],
) -> ([u64; WRITERS], u64) {
    let mut cut = [0; WRITERS];
    let mut reads = 0;
    for w in 0..WRITERS {
        let c = snap
            .get(format!("w{w}/marker").as_bytes())
            .copied()
            .unwrap_or(0);
        cut[w] = c;
        assert!(c >= acked_before[w], "stale after ack: writer {w} acked batch {} before the snapshot, snapshot v{} has batch {c}", acked_before[w], snap.version());
        let mut want = Vec::new();
        for j in 0..KEYS {
            let got = snap.get(&key(w, j)).copied();
            assert_eq!(
                got,
                expected(w as u64, c, j),
                "fractured read: writer {w} key {j} in v{} at batch {c}",
                snap.version()
            );
            if let Some(v) = got {
                want.push((key(w, j), v));
            }
        }
        let scanned: Vec<(Vec<u8>, u64)> = snap
            .scan(format!("w{w}/k").as_bytes())
            .owned()
            .map(|(k, v)| (k, *v))
            .collect();
        assert_eq!(
            scanned, want,
            "predicate anomaly: scan of writer {w} at batch {c}"
        );
        assert_eq!(
            snap.count(format!("w{w}/").as_bytes()),
            want.len() + usize::from(c > 0)
        );
        assert_eq!(snap.get(b"stable/0042"), Some(&42));
        reads += 1 + KEYS + scanned.len() as u64 + 2;
    }
    for (w, &c) in cut.iter().enumerate() {
        let started = shared.started[w].load(Ordering::Acquire);
        assert!(
            c <= started,
            "future read: writer {w} batch {c} visible but only {started} started"
        );
    }
    (cut, reads)
}

fn read(shared: &Shared, ops_per_snapshot: u32) {
    let (mut last_cut, mut last_version) = ([0; WRITERS], 0);
    while !shared.stop.load(Ordering::Relaxed) {
        let acked_before = std::array::from_fn(|w| shared.acked[w].load(Ordering::Acquire));
        let snap = shared.kb.snapshot();
        assert!(snap.version() >= last_version, "versions went backwards");
        last_version = snap.version();
        let (cut, reads) = check(shared, &snap, &acked_before);
        for w in 0..WRITERS {
            assert!(
                cut[w] >= last_cut[w],
                "cut went backwards for writer {w}: {} then {}",
                last_cut[w],
                cut[w]
            );
        }
        last_cut = cut;
        // Hold the snapshot across more reads: it must not change while commits go on.
        for _ in 1..ops_per_snapshot {
            assert_eq!(
                check(shared, &snap, &[0; WRITERS]).0,
                cut,
                "non-repeatable read inside one snapshot"
            );
        }
        shared
            .reads
            .fetch_add(reads * u64::from(ops_per_snapshot), Ordering::Relaxed);
    }
}

fn run(target_reads: u64, limit: Duration, fault: Fault) {
    let shared = Shared {
        kb: KnowledgeBase::new(),
        started: Default::default(),
        acked: Default::default(),
        stop: AtomicBool::new(false),
        reads: AtomicU64::new(0),
    };
    shared
        .kb
        .load(
            "stable/",
            (0..1000u64).map(|i| (format!("stable/{i:04}").into_bytes(), i)),
        )
        .unwrap();
    let start = Instant::now();
    let batches = std::thread::scope(|s| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                s.spawn({
                    let shared = &shared;
                    move || write(shared, w, fault)
                })
            })
            .collect();
        let readers: Vec<_> = (0..READERS)
            .map(|r| {
                s.spawn({
                    let shared = &shared;
                    move || read(shared, 1 + r as u32 * 3)
                })
            })
            .collect();
        while shared.reads.load(Ordering::Relaxed) < target_reads
            && start.elapsed() < limit
            && !readers.iter().any(|h| h.is_finished())
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        shared.stop.store(true, Ordering::Relaxed);
        for r in readers {
            r.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
        writers
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    // Nothing lost: the final state holds every writer's last acked batch.
    let last = shared.kb.snapshot();
    let (cut, _) = check(
        &shared,
        &last,
        &std::array::from_fn(|w| shared.acked[w].load(Ordering::Acquire)),
    );
    assert_eq!(cut.to_vec(), batches, "lost update");
    let reads = shared.reads.load(Ordering::Relaxed);
    let commits: u64 = batches.iter().sum();
    eprintln!(
        "stress: {reads} checked reads, {commits} commits ({} staged writes) in {:.2?}",
        commits * (KEYS + 1),
        start.elapsed()
    );
    assert!(
        reads >= target_reads.min(10_000),
        "too little checked: {reads} reads"
    );
    assert!(
        commits >= 2 * WRITERS as u64,
        "writers barely ran: {batches:?}"
    );
}

#[test]
fn readers_check_every_snapshot_while_writers_commit() {
    run(1_000_000, Duration::from_secs(20), Fault::None);
}

#[test]
#[should_panic(expected = "fractured read")]
fn the_check_catches_a_batch_published_in_two_commits() {
    run(u64::MAX, Duration::from_secs(20), Fault::SplitBatch);
}

#[test]
#[should_panic(expected = "stale after ack")]
fn the_check_catches_an_ack_before_the_commit() {
    run(u64::MAX, Duration::from_secs(20), Fault::AckBeforeCommit);
}

#[test]
#[ignore = "long soak: cargo test --release -p hybrid-kb --test stress -- --ignored"]
fn readers_check_every_snapshot_while_writers_commit_long() {
    run(200_000_000, Duration::from_secs(120), Fault::None);
}
