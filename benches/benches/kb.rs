//! The knowledge base's operations beside the raw `PathMap` operation they wrap, in the same
//! criterion group, so the KB's overhead reads as a ratio (`cargo bench -p benches --bench kb`).
//!
//! The kernels are the `kernels` crate's — the very operations the regression gate times and counts
//! — on a fixture of 1,000,000 point keys (`stable/<16 hex>`) plus 1,000 scan groups of 100 keys.
//! The raw side of `commit_16` clones the latest map, inserts 16 keys and drops the previous
//! version, as the knowledge base frees the version its commit supersedes.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use hybrid_kb::{KnowledgeBase, Reclaim};
use kernels::{scan_prefix, Fixture, Kernel, Side};

const POINTS: u64 = 1_000_000;
const GROUPS: u64 = 1_000;

fn kb_ops(c: &mut Criterion) {
    let mut fx = Fixture::new(POINTS, GROUPS);
    for kernel in Kernel::ALL {
        let mut g = c.benchmark_group(kernel.name().replace('-', "_"));
        g.bench_function("kb", |b| b.iter(|| black_box(fx.run(kernel, Side::Kb, 1))));
        g.bench_function("raw", |b| {
            b.iter(|| black_box(fx.run(kernel, Side::Raw, 1)))
        });
        g.finish();
    }

    // `Snapshot::scan_each` (a callback) beside the kernel's `Snapshot::scan` (a cursor): both
    // allocate nothing per entry.
    let kb = KnowledgeBase::from_map(kernels::fixture_map(1_000, GROUPS), Reclaim::default());
    let snap = kb.snapshot();
    let mut g = c.benchmark_group("scan_100_each");
    let mut n = 0;
    g.bench_function("kb_scan_each", |b| {
        b.iter(|| {
            n = (n + 1) % GROUPS;
            let mut sum = 0u64;
            snap.scan_each(&scan_prefix(n), |_, v| {
                sum = sum.wrapping_add(*v);
                true
            });
            black_box(sum)
        })
    });
    g.finish();
}

criterion_group!(benches, kb_ops);
criterion_main!(benches);
