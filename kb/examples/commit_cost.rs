//! Where a commit's time goes, per reclamation policy: the writer's puts and commit for 16-key
//! batches on a 1e6-key map, beside raw pathmap (clone + 16 inserts, old versions dropped late).
//!
//! `cargo run --release -p hybrid-kb --example commit_cost`
use hybrid_kb::{KnowledgeBase, PathMap, Reclaim};
use std::time::Instant;
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
fn key(i: u64) -> Vec<u8> {
    format!("stable/{:016x}", mix(i)).into_bytes()
}
fn main() {
    let mut map = PathMap::new();
    for i in 0..1_000_000 {
        map.insert(key(i), i);
    }
    let n = 2000u64;
    for reclaim in [
        Reclaim::OnCommit { sweep: None },
        Reclaim::default(),
        Reclaim::Background {
            interval: std::time::Duration::from_millis(10),
        },
    ] {
        let kb = KnowledgeBase::from_map(map.clone(), reclaim);
        let mut w = kb.writer("stable/").unwrap();
        let (mut puts, mut commits) = (0f64, 0f64);
        for r in 0..n {
            let t = Instant::now();
            for j in 0..16 {
                w.put(&key(mix(r * 16 + j) % 1_000_000), r).unwrap();
            }
            let t2 = Instant::now();
            w.commit().unwrap();
            puts += (t2 - t).as_secs_f64();
            commits += t2.elapsed().as_secs_f64();
        }
        println!(
            "{reclaim:?}: puts {:.1} us/batch, commit {:.1} us",
            puts / n as f64 * 1e6,
            commits / n as f64 * 1e6
        );
    }
    let mut cur = map.clone();
    let t = Instant::now();
    let mut olds = Vec::new();
    for r in 0..n {
        let mut next = cur.clone();
        for j in 0..16 {
            next.insert(key(mix(r * 16 + j) % 1_000_000), r);
        }
        olds.push(std::mem::replace(&mut cur, next));
        if olds.len() > 10 {
            olds.remove(0);
        }
    }
    println!(
        "raw chained clone+16 inserts: {:.1} us/batch",
        t.elapsed().as_secs_f64() / n as f64 * 1e6
    );
}
