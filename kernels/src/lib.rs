//! The knowledge base's single-thread operations, each beside the raw `PathMap` operation it
//! wraps, on one fixture: what `cargo bench --bench kb`, the gate's timing tier (`harness ops`)
//! and its instruction tier (`harness ops --count`) all run, so the three measure the same thing.
//!
//! | kernel | the knowledge base | the raw trie |
//! |---|---|---|
//! | `snapshot` | `KnowledgeBase::snapshot`, dropped | `PathMap::clone`, dropped |
//! | `get-hit` | `Snapshot::get` of a present key | `PathMap::get` |
//! | `get-miss` | `Snapshot::get` of an absent key | `PathMap::get` |
//! | `scan-100` | `Snapshot::scan_each` over a 100-key group | a read zipper over the group |
//! | `commit-16` | 16 `Writer::put`s and `commit` (the superseded version freed) | clone the latest map, 16 inserts, drop the one before |
//!
//! A crate of its own so that how the kernels are compiled depends on them, the knowledge base
//! and pathmap only: inside the harness, a change elsewhere in it once moved which of pathmap's
//! generic functions were inlined into a kernel (`scan-100/kb` +2.2% instructions under the gate,
//! with the knowledge base untouched).
//!
//! The fixture: `points` keys `stable/<16 hex digits>` spread over the trie, and `groups` scan
//! groups `scan/<g>/<j>` of 100 keys each. The KB frees superseded versions on commit, with no
//! background thread, so a kernel runs on the calling thread alone (what an instruction count
//! needs).

use std::hint::black_box;

use hybrid_kb::{KnowledgeBase, PathMap, Reclaim, Snapshot, Writer};
use pathmap::zipper::{ZipperIteration, ZipperReadOnlyValues};

/// One operation, measured on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Snapshot,
    GetHit,
    GetMiss,
    Scan100,
    Commit16,
}

impl Kernel {
    pub const ALL: [Kernel; 5] = [
        Kernel::Snapshot,
        Kernel::GetHit,
        Kernel::GetMiss,
        Kernel::Scan100,
        Kernel::Commit16,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kernel::Snapshot => "snapshot",
            Kernel::GetHit => "get-hit",
            Kernel::GetMiss => "get-miss",
            Kernel::Scan100 => "scan-100",
            Kernel::Commit16 => "commit-16",
        }
    }

    pub fn parse(name: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Operations per timed batch: enough that one batch takes tens of microseconds or more, so
    /// the clock's own cost (two reads) is well under 0.1% of it, and a multiple of 10 and of 50,
    /// so a slowdown that hits every 10th or 50th call hits every batch alike.
    pub fn batch(self) -> u64 {
        match self {
            Kernel::Snapshot => 2000,
            Kernel::GetHit | Kernel::GetMiss => 500,
            Kernel::Scan100 => 40,
            Kernel::Commit16 => 20,
        }
    }
}

/// Which implementation a kernel runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The knowledge base.
    Kb,
    /// The raw `PathMap` operation it wraps.
    Raw,
}

/// Key `i` of the point region: `stable/<16 hex digits>` (23 bytes), spread over the trie.
pub fn point_key(i: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(23);
    push_point_key(&mut key, i);
    key
}

/// Appends [`point_key`]`(i)` to `out` without allocating.
fn push_point_key(out: &mut Vec<u8>, i: u64) {
    out.extend_from_slice(b"stable/");
    let m = mix(i);
    for shift in (0..16).rev() {
        out.push(b"0123456789abcdef"[(m >> (shift * 4)) as usize & 0xf]);
    }
}

/// The prefix of scan group `g`; its keys are the prefix followed by `000` … `099`.
pub fn scan_prefix(g: u64) -> Vec<u8> {
    format!("scan/{g:04}/").into_bytes()
}

/// A fixed bijective mix (splitmix64's finaliser).
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The raw map: `points` point keys and `groups` scan groups of 100 keys.
pub fn fixture_map(points: u64, groups: u64) -> PathMap<u64> {
    let mut map = PathMap::new();
    for i in 0..points {
        map.insert(point_key(i), i);
    }
    for g in 0..groups {
        let prefix = scan_prefix(g);
        for j in 0..100u64 {
            let mut key = prefix.clone();
            key.extend_from_slice(format!("{j:03}").as_bytes());
            map.insert(key, j);
        }
    }
    map
}

/// Keys each get kernel cycles through.
const KEYS: usize = 4096;

/// The knowledge base and the raw map over the same keys, with the cursors the kernels advance.
pub struct Fixture {
    points: u64,
    groups: u64,
    kb: KnowledgeBase<u64>,
    snap: Snapshot<u64>,
    writer: Writer<u64>,
    /// The raw side's map; `commit-16` replaces it with each new version.
    raw: PathMap<u64>,
    hits: Vec<Vec<u8>>,
    misses: Vec<Vec<u8>>,
    prefixes: Vec<Vec<u8>>,
    /// A commit's keys, rewritten in place each round.
    batch: Vec<Vec<u8>>,
    next: usize,
    round: u64,
}

impl Fixture {
    /// `points` point keys and `groups` scan groups (at least one of each).
    pub fn new(points: u64, groups: u64) -> Fixture {
        let (points, groups) = (points.max(1), groups.max(1));
        let raw = fixture_map(points, groups);
        let kb = KnowledgeBase::from_map(raw.clone(), Reclaim::OnCommit { sweep: None });
        let writer = kb
            .writer("stable/")
            .expect("a fresh knowledge base has no writer");
        let keys = |f: &dyn Fn(u64) -> u64| (0..KEYS as u64).map(|i| point_key(f(i))).collect();
        Fixture {
            snap: kb.snapshot(),
            hits: keys(&|i| mix(i) % points),
            misses: keys(&|i| points + i),
            prefixes: (0..groups).map(scan_prefix).collect(),
            batch: vec![Vec::new(); 16],
            kb,
            writer,
            raw,
            points,
            groups,
            next: 0,
            round: 0,
        }
    }

    /// Runs `n` operations of `kernel` on `side`; returns a value folded from their results
    /// (so that none is optimised away).
    pub fn run(&mut self, kernel: Kernel, side: Side, n: u64) -> u64 {
        let mut acc = 0u64;
        for _ in 0..n {
            acc = acc.wrapping_add(self.once(kernel, side));
        }
        acc
    }

    #[inline(always)]
    fn once(&mut self, kernel: Kernel, side: Side) -> u64 {
        self.next = (self.next + 1) % KEYS;
        match (kernel, side) {
            (Kernel::Snapshot, Side::Kb) => black_box(self.kb.snapshot()).version(),
            (Kernel::Snapshot, Side::Raw) => {
                let clone = black_box(self.raw.clone());
                drop(clone);
                1
            }
            (Kernel::GetHit, Side::Kb) => {
                self.snap.get(&self.hits[self.next]).copied().unwrap_or(0)
            }
            (Kernel::GetHit, Side::Raw) => {
                self.raw.get(&self.hits[self.next]).copied().unwrap_or(0)
            }
            (Kernel::GetMiss, Side::Kb) => self.snap.get(&self.misses[self.next]).is_some() as u64,
            (Kernel::GetMiss, Side::Raw) => self.raw.get(&self.misses[self.next]).is_some() as u64,
            (Kernel::Scan100, side) => self.scan(side),
            (Kernel::Commit16, side) => self.commit(side),
        }
    }

    fn scan(&mut self, side: Side) -> u64 {
        let prefix = &self.prefixes[self.next % self.groups as usize];
        let mut sum = 0u64;
        match side {
            Side::Kb => {
                let mut scan = self.snap.scan(prefix);
                while let Some((_, v)) = scan.next() {
                    sum = sum.wrapping_add(*v);
                }
            }
            Side::Raw => {
                let mut rz = self.raw.read_zipper_at_path(prefix);
                while rz.to_next_val() {
                    sum = sum.wrapping_add(*rz.get_val().expect("to_next_val stops at values"));
                }
            }
        }
        sum
    }

    fn commit(&mut self, side: Side) -> u64 {
        self.round += 1;
        for (j, key) in self.batch.iter_mut().enumerate() {
            key.clear();
            push_point_key(key, mix(self.round * 16 + j as u64) % self.points);
        }
        match side {
            Side::Kb => {
                for key in &self.batch {
                    self.writer
                        .put(key, self.round)
                        .expect("inside the partition");
                }
                self.writer.commit().expect("the lease is held")
            }
            Side::Raw => {
                let mut next = self.raw.clone();
                for key in &self.batch {
                    next.insert(key, self.round);
                }
                self.raw = next; // the previous version is dropped here
                self.round
            }
        }
    }
}
