//! Which key type the `imbl-arcswap` peer's `OrdMap` holds, measured the way the backend uses
//! it, on 1,000,000 keys: a commit (clone the current version, insert a batch of 16 owned keys,
//! publish it and drop the old one) and a point get, for `Vec<u8>` and `Arc<[u8]>` keys.
//! `cargo bench -p benches --bench imbl_keys`. The choice and its figures: README, "Peers".
//!
//! A clone of an `OrdMap` shares its nodes; an insert copies the nodes on its path, and copying a
//! node clones every key in it: a heap allocation and copy per `Vec<u8>` key, a reference-count
//! increment per `Arc<[u8]>`.

use std::{borrow::Borrow, hint::black_box, sync::Arc};

use criterion::{criterion_group, criterion_main, Criterion};
use imbl::OrdMap;
use kernels::{mix, point_key};

const KEYS: u64 = 1_000_000;

fn bench<K>(c: &mut Criterion, name: &str)
where
    K: Clone + Ord + Borrow<[u8]> + From<Vec<u8>>,
{
    let map: OrdMap<K, u64> = (0..KEYS).map(|i| (K::from(point_key(i)), i)).collect();
    let keys: Vec<Vec<u8>> = (0..4096).map(|i| point_key(mix(i) % KEYS)).collect();
    let mut current = map;
    let mut n = 0;
    c.benchmark_group("imbl_commit_16")
        .bench_function(name, |b| {
            b.iter(|| {
                let mut next = current.clone();
                for _ in 0..16 {
                    n = (n + 1) % keys.len();
                    next.insert(K::from(keys[n].clone()), n as u64);
                }
                current = next;
                black_box(&current);
            })
        });
    c.benchmark_group("imbl_get").bench_function(name, |b| {
        b.iter(|| {
            n = (n + 1) % keys.len();
            black_box(current.get(keys[n].as_slice()))
        })
    });
}

fn key_types(c: &mut Criterion) {
    bench::<Vec<u8>>(c, "vec_u8");
    bench::<Arc<[u8]>>(c, "arc_u8");
}

criterion_group!(benches, key_types);
criterion_main!(benches);
