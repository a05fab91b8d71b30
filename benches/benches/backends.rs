//! Each harness backend's cost for the three basic operations, single-threaded, on a 100k-key
//! prefill: a point get (random existing key), a prefix scan of 100 entries, and staging plus
//! committing a 16-key batch. `cargo bench -p benches --bench backends`.
//!
//! Backends that cannot serve an operation (dashmap has no ordered prefix scans) are left out of
//! that group rather than faked.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use harness::backends::{self, Backend, BackendVisitor, ReadHandle, WriteHandle};
use std::hint::black_box;

const KEYS: usize = 100_000;
const GROUP: usize = 1_000; // keys under each `s/<group>/` prefix

fn key(i: usize) -> Vec<u8> {
    format!("s/{:03}/{:05}", i / GROUP, i).into_bytes()
}

fn prefill() -> impl Iterator<Item = (Vec<u8>, u64)> {
    (0..KEYS).map(|i| (key(i), i as u64))
}

/// Keys to get, in a scrambled order fixed across backends.
fn probe_keys() -> Vec<Vec<u8>> {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            key((x % KEYS as u64) as usize)
        })
        .collect()
}

struct Bench<'c> {
    c: &'c mut Criterion,
    name: &'static str,
}

impl BackendVisitor for Bench<'_> {
    type Out = ();
    fn visit<B: Backend>(self) {
        let backend = B::open(&mut prefill());
        let caps = B::INFO.caps;
        let probes = probe_keys();
        let mut r = backend.reader();
        r.snapshot().expect("no writer is active");
        let mut i = 0;
        self.c
            .benchmark_group("get")
            .bench_function(BenchmarkId::from_parameter(self.name), |b| {
                b.iter(|| {
                    i = (i + 1) % probes.len();
                    black_box(r.get(&probes[i]).unwrap())
                })
            });
        if caps.prefix_scans && caps.ordered {
            let mut g = 0usize;
            self.c.benchmark_group("scan100").bench_function(
                BenchmarkId::from_parameter(self.name),
                |b| {
                    b.iter(|| {
                        g = (g + 7) % (KEYS / GROUP);
                        black_box(r.scan(format!("s/{g:03}/").as_bytes(), 100).unwrap())
                    })
                },
            );
        }
        drop(r); // zipperhead: a live root reader would refuse the writer
        let mut w = backend.writer(b"w0/", false);
        let mut v = 0u64;
        self.c.benchmark_group("commit16").bench_function(
            BenchmarkId::from_parameter(self.name),
            |b| {
                b.iter(|| {
                    for k in 0..16u64 {
                        v = v.wrapping_add(1);
                        w.put(format!("w0/{:04}", (v * 31 + k) % 4096).as_bytes(), v)
                            .unwrap();
                    }
                    w.commit()
                        .expect("single writer, no readers: never refused")
                })
            },
        );
    }
}

fn backends(c: &mut Criterion) {
    for info in backends::ALL {
        backends::visit(info.name, Bench { c, name: info.name }).expect("registered backend");
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = backends
}
criterion_main!(benches);
