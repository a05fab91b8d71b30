//! The knowledge base's operations beside the raw `PathMap` operation they wrap, in the same
//! criterion group, so the KB's overhead reads as a ratio (`cargo bench -p benches --bench kb`).
//!
//! Fixture: 1,000,000 point keys (`stable/<16 hex>`) plus 1,000 scan groups of 100 keys.

use std::hint::black_box;

use benches::{fixture, mix, point_key, scan_prefix};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hybrid_kb::{KnowledgeBase, Reclaim};
use pathmap::zipper::{ZipperIteration, ZipperReadOnlyValues};
use pathmap::PathMap;

const POINTS: u64 = 1_000_000;
const GROUPS: u64 = 1_000;

fn kb_ops(c: &mut Criterion) {
    let map = fixture(POINTS, GROUPS);
    let kb = KnowledgeBase::from_map(map.clone(), Reclaim::default());
    let snap = kb.snapshot();
    let hits: Vec<Vec<u8>> = (0..4096).map(|i| point_key(mix(i) % POINTS)).collect();
    let misses: Vec<Vec<u8>> = (0..4096).map(|i| point_key(POINTS + i)).collect();

    let mut g = c.benchmark_group("snapshot_acquire");
    g.bench_function("kb_snapshot", |b| b.iter(|| black_box(kb.snapshot())));
    g.bench_function("raw_pathmap_clone", |b| b.iter(|| black_box(map.clone())));
    g.finish();

    for (name, keys) in [("get_hit", &hits), ("get_miss", &misses)] {
        let mut g = c.benchmark_group(name);
        let mut i = 0;
        g.bench_function("kb_snapshot_get", |b| {
            b.iter(|| {
                i = (i + 1) & 4095;
                black_box(snap.get(&keys[i]))
            })
        });
        g.bench_function("raw_pathmap_get", |b| {
            b.iter(|| {
                i = (i + 1) & 4095;
                black_box(map.get(&keys[i]))
            })
        });
        g.finish();
    }

    let mut g = c.benchmark_group("scan_100");
    let mut n = 0;
    g.bench_function("kb_snapshot_scan", |b| {
        b.iter(|| {
            n = (n + 1) % GROUPS;
            black_box(snap.scan(&scan_prefix(n)).map(|(_, v)| *v).sum::<u64>())
        })
    });
    g.bench_function("kb_snapshot_scan_each", |b| {
        b.iter(|| {
            n = (n + 1) % GROUPS;
            let mut sum = 0;
            snap.scan_each(&scan_prefix(n), |_, v| {
                sum += *v;
                true
            });
            black_box(sum)
        })
    });
    g.bench_function("raw_read_zipper", |b| {
        b.iter(|| {
            n = (n + 1) % GROUPS;
            let mut rz = map.read_zipper_at_path(scan_prefix(n));
            let mut sum = 0;
            while rz.to_next_val() {
                sum += *rz.get_val().unwrap();
            }
            black_box(sum)
        })
    });
    g.finish();

    // A 16-key batch of updates to existing keys, published as a new version.
    let mut g = c.benchmark_group("commit_16");
    let mut round = 0u64;
    let batch = |round: u64| (0..16).map(move |j| point_key(mix(round * 16 + j) % POINTS));
    let mut writer = kb.writer("stable/").expect("lease");
    g.bench_function("kb_writer_commit", |b| {
        b.iter(|| {
            round += 1;
            for key in batch(round) {
                writer.put(&key, round).unwrap();
            }
            black_box(writer.commit().unwrap())
        })
    });
    drop(writer);
    // The raw equivalent: clone the map (the snapshot), apply 16 inserts to the clone.
    // Dropping the superseded map is excluded (BatchSize::LargeInput drops outside timing).
    g.bench_function("raw_clone_and_insert", |b| {
        b.iter_batched(
            || map.clone(),
            |mut next: PathMap<u64>| {
                round += 1;
                for key in batch(round) {
                    next.insert(&key, round);
                }
                next
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, kb_ops);
criterion_main!(benches);
