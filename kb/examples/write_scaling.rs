//! How far writers can scale on this machine, and how close the knowledge base comes.
//!
//! Each of N threads commits 16-key batches into its own partition of a 120,000-key map, in two
//! set-ups run alternately (5 rounds, medians):
//! - `kb`: N writers of one knowledge base (snapshots, one root, group commit);
//! - `private`: N threads, each with its own raw `PathMap` of its partition, doing what a commit
//!   costs without any sharing — clone the map as a snapshot would, insert 16 keys, drop the
//!   previous clone. No root, no lock, nothing another thread touches: the machine's ceiling for
//!   copy-on-write batches.
//!
//! `cargo run --release -p hybrid-kb --example write_scaling [-- SECONDS_PER_CELL [kb|private]]`
//! (the second argument runs one set-up only, e.g. under a profiler)
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use hybrid_kb::{KnowledgeBase, PathMap, Reclaim};

const KEYS: u64 = 120_000;
const BATCH: u64 = 16;

fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Key `i` of partition `p` of `n`, full (`w{p}/{i}`) or relative to the partition.
fn key(p: usize, i: u64, full: bool) -> Vec<u8> {
    match full {
        true => format!("w{p}/{i:08}").into_bytes(),
        false => format!("{i:08}").into_bytes(),
    }
}

/// Runs `n` threads for `window`; each calls `batch(thread, round)` until the window closes.
/// Returns batches per second over all threads.
fn drive(n: usize, window: Duration, batch: impl Fn(usize) -> Box<dyn FnMut(u64) + Send>) -> f64 {
    let start = Arc::new(Barrier::new(n + 1));
    let threads: Vec<_> = (0..n)
        .map(|t| {
            let mut f = batch(t);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                let t0 = Instant::now();
                let mut done = 0;
                while t0.elapsed() < window {
                    f(done);
                    done += 1;
                }
                done as f64 / t0.elapsed().as_secs_f64()
            })
        })
        .collect();
    start.wait();
    threads.into_iter().map(|h| h.join().unwrap()).sum()
}

fn kb_cell(n: usize, window: Duration) -> f64 {
    let kb = Arc::new(KnowledgeBase::<u64>::with_reclaim(Reclaim::default()));
    let per = KEYS / n as u64;
    for p in 0..n {
        let prefix = format!("w{p}/");
        kb.load(&prefix, (0..per).map(|i| (key(p, i, true), i)))
            .unwrap();
    }
    drive(n, window, |p| {
        let mut w = kb.writer(format!("w{p}/")).unwrap();
        Box::new(move |r| {
            for j in 0..BATCH {
                w.put(&key(p, mix(r * BATCH + j) % per, true), r).unwrap();
            }
            w.commit().unwrap();
        })
    })
}

fn private_cell(n: usize, window: Duration) -> f64 {
    let per = KEYS / n as u64;
    drive(n, window, |p| {
        let mut map = PathMap::new();
        for i in 0..per {
            map.set_val_at(key(p, i, false), i);
        }
        let mut published = Some(map.clone());
        Box::new(move |r| {
            for j in 0..BATCH {
                map.set_val_at(key(p, mix(r * BATCH + j) % per, false), r);
            }
            // The new "version"; the previous one is dropped here.
            drop(published.replace(map.clone()));
        })
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let secs: f64 = std::env::args()
        .nth(1)
        .map_or(1.0, |s| s.parse().expect("seconds per cell"));
    let window = Duration::from_secs_f64(secs);
    let only = std::env::args().nth(2);
    let runs = |setup: &str| only.as_deref().is_none_or(|o| o == setup);
    let counts = [1usize, 2];
    let mut kb = vec![Vec::new(); counts.len()];
    let mut private = vec![Vec::new(); counts.len()];
    for _round in 0..5 {
        for (i, &n) in counts.iter().enumerate() {
            kb[i].push(if runs("kb") {
                kb_cell(n, window)
            } else {
                f64::NAN
            });
            private[i].push(if runs("private") {
                private_cell(n, window)
            } else {
                f64::NAN
            });
        }
    }
    let (kb, private): (Vec<f64>, Vec<f64>) = (
        kb.into_iter().map(median).collect(),
        private.into_iter().map(median).collect(),
    );
    println!(
        "writers  kb batches/s  (× 1 writer)   private batches/s  (× 1 thread)   kb ÷ private"
    );
    for (i, n) in counts.iter().enumerate() {
        println!(
            "{n:>7}  {:>14.0}  ({:.2}×)  {:>18.0}  ({:.2}×)  {:>12.2}",
            kb[i],
            kb[i] / kb[0],
            private[i],
            private[i] / private[0],
            kb[i] / private[i]
        );
    }
}
