//! KB snapshot `get` against raw `PathMap::get` on the same 1e6-key map, interleaved: 200 rounds
//! alternating 20,000 lookups each way, and the median of the per-round time ratios — robust on a
//! shared, noisy machine where two sequential benchmarks are not comparable.
//!
//! `cargo run --release -p hybrid-kb --example get_overhead`

use std::hint::black_box;
use std::time::Instant;

use hybrid_kb::{KnowledgeBase, PathMap, Reclaim};

fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn key(i: u64) -> Vec<u8> {
    format!("stable/{:016x}", mix(i)).into_bytes()
}

fn main() {
    const N: u64 = 1_000_000;
    let mut map = PathMap::new();
    for i in 0..N {
        map.insert(key(i), i);
    }
    let kb = KnowledgeBase::from_map(map.clone(), Reclaim::default());
    let snap = kb.snapshot();
    let hits: Vec<Vec<u8>> = (0..20_000).map(|i| key(mix(i) % N)).collect();
    let misses: Vec<Vec<u8>> = (0..20_000).map(|i| key(N + i)).collect();
    for (name, keys) in [("hit", &hits), ("miss", &misses)] {
        let mut ratios = Vec::new();
        for round in 0..200 {
            let time = |f: &dyn Fn(&[u8]) -> Option<u64>| {
                let t = Instant::now();
                for k in keys.iter() {
                    black_box(f(k));
                }
                t.elapsed().as_secs_f64()
            };
            let kb_get = |k: &[u8]| snap.get(k).copied();
            let raw_get = |k: &[u8]| map.get(k).copied();
            // Alternate which goes first, so neither always runs on a warmer cache.
            let (a, b) = if round % 2 == 0 {
                let a = time(&kb_get);
                (a, time(&raw_get))
            } else {
                let b = time(&raw_get);
                (time(&kb_get), b)
            };
            ratios.push(a / b);
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "get {name}: kb / raw = {:.3} (median of 200 interleaved rounds; quartiles {:.3}..{:.3})",
            ratios[100], ratios[50], ratios[150]
        );
    }
}
