//! ns per `OpStream::next_op()` for each key distribution, for a reader and a writer stream.
//!
//! Run: `cargo bench -p benches --bench workloads -- --warm-up-time 1 --measurement-time 2`.
//! The spec is pattern-d (100k text stable keys, 10k keys per partition, 4 writers) with the
//! readers' and writers' skew replaced by the distribution under test.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use workloads::{KeySampler, OpStream, Role, Skew, Spec};

fn skews() -> Vec<(&'static str, Skew)> {
    vec![
        ("uniform", Skew::Uniform {}),
        (
            "zipf_scrambled",
            Skew::Zipf {
                theta: 0.99,
                scrambled: true,
                exact: false,
            },
        ),
        (
            "zipf_unscrambled",
            Skew::Zipf {
                theta: 0.99,
                scrambled: false,
                exact: false,
            },
        ),
        (
            "zipf_exact_rand_distr",
            Skew::Zipf {
                theta: 0.99,
                scrambled: true,
                exact: true,
            },
        ),
        (
            "hotspot",
            Skew::Hotspot {
                hot_fraction: 0.1,
                hot_ops: 0.9,
                scrambled: true,
            },
        ),
        ("latest", Skew::Latest { theta: 0.99 }),
        ("sequential", Skew::Sequential {}),
    ]
}

fn next_op(c: &mut Criterion) {
    let base = Spec::preset("pattern-d").expect("pattern-d preset");
    let mut group = c.benchmark_group("next_op");
    group.throughput(Throughput::Elements(1));
    for (name, skew) in skews() {
        let mut spec = base.clone();
        spec.readers.skew = skew.clone();
        spec.writers.skew = skew;
        for (role, label) in [(Role::Reader, "reader"), (Role::Writer, "writer")] {
            let mut stream = OpStream::new(&spec, role, 0, 4);
            group.bench_function(format!("{label}/{name}"), |b| {
                b.iter(|| {
                    black_box(stream.next_op());
                })
            });
        }
    }
    group.finish();
}

/// Reference points measured in the same run, so figures from a loaded, shared machine can be
/// read as ratios: one raw generator draw (rand's SmallRng is xoshiro256++ on 64-bit targets, the
/// streams' generator), and one key-index draw per sampler over 1e5 keys, θ 0.99.
fn baselines(c: &mut Criterion) {
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};
    let mut group = c.benchmark_group("baseline");
    group.throughput(Throughput::Elements(1));
    let mut rng = SmallRng::seed_from_u64(1);
    group.bench_function("xoshiro256pp_u64", |b| b.iter(|| black_box(rng.next_u64())));
    for (name, exact) in [
        ("zipf_table_sample", false),
        ("rand_distr_zipf_sample", true),
    ] {
        let skew = Skew::Zipf {
            theta: 0.99,
            scrambled: false,
            exact,
        };
        let mut sampler = KeySampler::new(&skew, 100_000, 0);
        group.bench_function(name, |b| {
            b.iter(|| black_box(sampler.sample(&mut rng, 99_999)))
        });
    }
    group.finish();
}

criterion_group!(benches, baselines, next_op);
criterion_main!(benches);
