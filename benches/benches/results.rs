//! Merging per-thread latency histograms after a run, as `harness` does for every point
//! (`cargo bench -p benches --bench results`): 16 threads' HdrHistograms of 100,000 recorded
//! latencies each, merged into one, then summarized (p50 … max).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use harness::metrics::{histogram, merge_into, summarize};
use rand::{rngs::SmallRng, RngExt, SeedableRng};

fn thread_histograms(threads: usize, records: usize) -> Vec<hdrhistogram::Histogram<u64>> {
    let mut rng = SmallRng::seed_from_u64(7);
    (0..threads)
        .map(|_| {
            let mut h = histogram(3);
            for _ in 0..records {
                // Latencies spread over 50 ns … ~50 ms, heavier near the low end.
                let exp: f64 = rng.random_range(0.0..20.0);
                h.record(50 + exp.exp2() as u64).unwrap();
            }
            h
        })
        .collect()
}

fn merge(c: &mut Criterion) {
    let per_thread = thread_histograms(16, 100_000);
    let mut g = c.benchmark_group("results_merge");
    g.bench_function("merge_16_thread_histograms", |b| {
        b.iter(|| {
            let mut all = histogram(3);
            for h in &per_thread {
                merge_into(&mut all, h);
            }
            black_box(all.len())
        })
    });
    let mut all = histogram(3);
    for h in &per_thread {
        merge_into(&mut all, h);
    }
    g.bench_function("summarize_merged", |b| {
        b.iter(|| black_box(summarize(&all)))
    });
    g.finish();
}

criterion_group!(benches, merge);
criterion_main!(benches);
