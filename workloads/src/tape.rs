//! A reader's reads, generated before the window and replayed in it.
//!
//! Generating an op live costs 40–70 ns on a 2-core VM (sampling, the mix, rendering the key's
//! digits, with their branch misses): more than the floor a harness should add to a read that
//! itself takes 100 ns. A [`Tape`] records the first reads of a reader's [`OpStream`] with their
//! keys packed into one buffer, and replays them in order, wrapping around at the end; replaying
//! one costs a sequential load. Snapshots are not recorded: the replay takes one every
//! `ops_per_snapshot` reads, as the stream does.
//!
//! What it costs in fidelity: a thread reads the same sequence again after `reads()` reads, so
//! its keys repeat with that period. [`Tape::reads_for`] sizes the tape at four draws per key of
//! the regions readers read (at least 2^16, at most 2^20 reads): uniform draws then reach 98% of
//! the keys in a period, but above 2^18 keys the cap reaches fewer (about 65% of 10^6 keys),
//! which is kinder to caches than a fresh stream. Memory: about 12 bytes per read plus its key,
//! per reader thread. Writers never replay: a write's value is distinct per write (the isolation
//! checker relies on it) and inserts grow the key space, so writers generate live.

use crate::spec::Spec;
use crate::stream::{Op, OpKind, OpStream, Role};

/// Fewest reads a tape holds.
pub const MIN_READS: usize = 1 << 16;
/// Most reads a tape holds.
pub const MAX_READS: usize = 1 << 20;

/// One recorded read: its kind, its key's place in the key buffer, a scan's limit.
#[derive(Clone, Copy, Debug)]
struct Recorded {
    start: u32,
    len: u16,
    kind: OpKind,
    limit: u32,
}

/// A reader's first reads, replayed in a loop with a snapshot every `ops_per_snapshot` reads.
pub struct Tape {
    reads: Vec<Recorded>,
    keys: Vec<u8>,
    next: usize,
    ops_per_snapshot: u64,
    since_snapshot: u64,
}

impl Tape {
    /// The reads a reader's tape holds for `spec` with `writers` partitions: four per key of the
    /// stable region and the prefilled partitions, within [`MIN_READS`]..=[`MAX_READS`].
    pub fn reads_for(spec: &Spec, writers: usize) -> usize {
        let keys = spec.stable.keys + writers as u64 * spec.mutable.prefill_keys();
        (keys.saturating_mul(4)).clamp(MIN_READS as u64, MAX_READS as u64) as usize
    }

    /// Records the next `reads` reads of a reader's `stream` (its snapshots are left out: the
    /// replay takes them by count, as the stream does).
    ///
    /// # Panics
    /// If `stream` is a writer's, `reads` is 0, or the keys outgrow 4 GiB.
    pub fn record(stream: &mut OpStream, reads: usize) -> Tape {
        assert!(reads > 0, "a tape holds at least one read");
        let ops_per_snapshot = match stream.role() {
            Role::Reader => stream.ops_per_snapshot(),
            Role::Writer => panic!("writers generate live: their values are distinct per write"),
        };
        let mut tape = Tape {
            reads: Vec::with_capacity(reads),
            keys: Vec::with_capacity(reads * 32),
            next: 0,
            ops_per_snapshot,
            since_snapshot: ops_per_snapshot,
        };
        while tape.reads.len() < reads {
            let (kind, key, limit) = match stream.next_op() {
                Op::Snapshot => continue,
                Op::Get { key } => (OpKind::Get, key, 0),
                Op::GetMiss { key } => (OpKind::GetMiss, key, 0),
                Op::Contains { key } => (OpKind::Contains, key, 0),
                Op::Count { prefix } => (OpKind::Count, prefix, 0),
                Op::Scan { prefix, limit } => (OpKind::Scan, prefix, limit),
                other => unreachable!("a reader's stream yielded {other:?}"),
            };
            let start = u32::try_from(tape.keys.len()).expect("a tape's keys fit in 4 GiB");
            tape.keys.extend_from_slice(key);
            tape.reads.push(Recorded {
                start,
                len: u16::try_from(key.len()).expect("keys are shorter than 64 KiB"),
                kind,
                limit: u32::try_from(limit).unwrap_or(u32::MAX),
            });
        }
        tape
    }

    /// The reads it holds: the period after which they repeat.
    pub fn reads(&self) -> usize {
        self.reads.len()
    }

    /// The next op: a snapshot every `ops_per_snapshot` reads (the first op is one), else the
    /// next recorded read, from the start again after the last.
    #[inline]
    pub fn next_op(&mut self) -> Op<'_> {
        if self.since_snapshot >= self.ops_per_snapshot {
            self.since_snapshot = 0;
            return Op::Snapshot;
        }
        self.since_snapshot += 1;
        let r = self.reads[self.next];
        self.next += 1;
        if self.next == self.reads.len() {
            self.next = 0;
        }
        let key = &self.keys[r.start as usize..r.start as usize + r.len as usize];
        match r.kind {
            OpKind::Get => Op::Get { key },
            OpKind::GetMiss => Op::GetMiss { key },
            OpKind::Contains => Op::Contains { key },
            OpKind::Count => Op::Count { prefix: key },
            _ => Op::Scan {
                prefix: key,
                limit: r.limit as usize,
            },
        }
    }
}

/// Where a thread's ops come from: generated live, or replayed from a [`Tape`].
#[allow(clippy::large_enum_variant)] // one per thread; boxing would add a pointer chase per op
pub enum OpSource {
    /// Generated as they are asked for (writers; readers where a tape is not wanted).
    Live(OpStream),
    /// Replayed.
    Tape(Tape),
}

impl OpSource {
    /// The next op.
    #[inline]
    pub fn next_op(&mut self) -> Op<'_> {
        match self {
            OpSource::Live(s) => s.next_op(),
            OpSource::Tape(t) => t.next_op(),
        }
    }

    /// The reads a tape replays before it repeats; `None` for a live stream.
    pub fn tape_reads(&self) -> Option<usize> {
        match self {
            OpSource::Live(_) => None,
            OpSource::Tape(t) => Some(t.reads()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(ops_per_snapshot: u64) -> Spec {
        Spec::from_toml(
            &format!(
                r#"
                name = "t"
                [stable]
                keys = 1000
                [readers]
                ops_per_snapshot = {ops_per_snapshot}
                mix = {{ get = 60, get_miss = 10, contains = 10, scan = 10, count = 10 }}
                regions = {{ stable = 80, mutable = 20 }}
                [mutable]
                keys = 100
                "#
            ),
            "t.toml",
        )
        .unwrap()
    }

    #[test]
    fn replays_the_live_stream_then_repeats_it() {
        for per_snapshot in [1, 7, 100, 5000] {
            let spec = spec(per_snapshot);
            let live = |n: usize| {
                let mut s = OpStream::new(&spec, Role::Reader, 2, 3);
                (0..n)
                    .map(|_| format!("{:?}", s.next_op()))
                    .collect::<Vec<_>>()
            };
            let reads = 300;
            let mut tape = Tape::record(&mut OpStream::new(&spec, Role::Reader, 2, 3), reads);
            assert_eq!(tape.reads(), reads);
            let n = 2_000;
            let replayed: Vec<String> = (0..n).map(|_| format!("{:?}", tape.next_op())).collect();
            // Until the tape wraps, the replay is the stream itself, snapshots included.
            let before_wrap = reads + (reads as u64).div_ceil(per_snapshot) as usize;
            let want = live(n);
            assert_eq!(
                replayed[..before_wrap],
                want[..before_wrap],
                "per={per_snapshot}"
            );
            // After, the same reads again in order, with snapshots still every `per_snapshot`.
            let reads_of = |ops: &[String]| -> Vec<String> {
                ops.iter().filter(|o| *o != "Snapshot").cloned().collect()
            };
            let got = reads_of(&replayed);
            for (i, r) in got.iter().enumerate() {
                assert_eq!(r, &got[i % reads], "read {i}");
            }
            let snapshots = replayed.iter().filter(|o| *o == "Snapshot").count();
            assert_eq!(snapshots as u64, (got.len() as u64).div_ceil(per_snapshot));
        }
    }

    #[test]
    fn is_sized_by_the_keys_read() {
        let s = spec(10);
        assert_eq!(Tape::reads_for(&s, 1), MIN_READS);
        let mut big = s.clone();
        big.stable.keys = 100_000;
        assert_eq!(Tape::reads_for(&big, 2), 4 * (100_000 + 2 * 100));
        big.stable.keys = 10_000_000;
        assert_eq!(Tape::reads_for(&big, 2), MAX_READS);
    }

    #[test]
    #[should_panic(expected = "writers generate live")]
    fn refuses_a_writer() {
        let s = spec(10);
        Tape::record(&mut OpStream::new(&s, Role::Writer, 0, 1), 10);
    }
}
