//! Deterministic per-thread operation streams.
//!
//! An [`OpStream`] is built once per thread, outside any timed region, and then yields one
//! [`Op`] per call without allocating: keys are rendered into a buffer the stream owns and lent
//! out until the next call. The same (spec, role, thread, writers) always yields the same ops:
//! the generator is xoshiro256++ (rand_xoshiro, a portable algorithm) seeded from the spec's seed,
//! the role and the thread index.

use rand::distr::{Bernoulli, Distribution, Uniform};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::distribution::{KeySampler, Skew, ZipfTable};
use crate::keys::{self, miss_pad, KeyRenderer, KeyTable, FULL, MISS_BYTE};
use crate::spec::{ScanLengths, ScanSpec, Spec};

/// The two roles a thread can play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Takes snapshots and reads from them.
    Reader,
    /// Stages writes into its partition and commits them in batches.
    Writer,
}

/// One operation; keys borrow the stream's buffer until the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op<'a> {
    /// Drop the current snapshot and take a new one: a reader's first op and then one every
    /// `ops_per_snapshot` ops; a writer's just before each of its reads and scans.
    Snapshot,
    /// A key present in the prefill.
    Get {
        /// The key.
        key: &'a [u8],
    },
    /// A key absent from the prefill and never written by any writer.
    GetMiss {
        /// The key.
        key: &'a [u8],
    },
    /// Membership test of a key present in the prefill.
    Contains {
        /// The key.
        key: &'a [u8],
    },
    /// Iterate up to `limit` entries under `prefix` in byte order.
    Scan {
        /// The prefix.
        prefix: &'a [u8],
        /// Most entries to visit.
        limit: usize,
    },
    /// Count the entries under `prefix`.
    Count {
        /// The prefix.
        prefix: &'a [u8],
    },
    /// Writer: stage an update (existing key) or insert (new key) in the stream's partition.
    /// `value` is `(writer + 1) << 40 | sequence`, distinct per write; prefilled values are the
    /// key index (high bits 0).
    Put {
        /// The key.
        key: &'a [u8],
        /// The value.
        value: u64,
    },
    /// Writer: stage a delete.
    Delete {
        /// The key.
        key: &'a [u8],
    },
    /// Writer: stage the removal of everything under `prefix`.
    DeletePrefix {
        /// The prefix.
        prefix: &'a [u8],
    },
    /// Writer: read a key of its own partition through the writer (its staged writes visible):
    /// the read half of a read-modify-write, whose `Put` to the same key comes next.
    GetForUpdate {
        /// The key.
        key: &'a [u8],
    },
    /// Writer: publish the staged batch (after `batch_size` staged writes).
    Commit,
}

/// The kind of an [`Op`], for counters and histograms (serialized by [`OpKind::name`]).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// [`Op::Snapshot`]
    Snapshot,
    /// [`Op::Get`]
    Get,
    /// [`Op::GetMiss`]
    GetMiss,
    /// [`Op::Contains`]
    Contains,
    /// [`Op::Scan`]
    Scan,
    /// [`Op::Count`]
    Count,
    /// [`Op::Put`]
    Put,
    /// [`Op::Delete`]
    Delete,
    /// [`Op::DeletePrefix`]
    DeletePrefix,
    /// [`Op::GetForUpdate`]
    GetForUpdate,
    /// [`Op::Commit`]
    Commit,
}

impl OpKind {
    /// Every kind, in declaration order.
    pub const ALL: [OpKind; 11] = [
        OpKind::Snapshot,
        OpKind::Get,
        OpKind::GetMiss,
        OpKind::Contains,
        OpKind::Scan,
        OpKind::Count,
        OpKind::Put,
        OpKind::Delete,
        OpKind::DeletePrefix,
        OpKind::GetForUpdate,
        OpKind::Commit,
    ];

    /// The snake_case name used in results files.
    pub fn name(&self) -> &'static str {
        match self {
            OpKind::Snapshot => "snapshot",
            OpKind::Get => "get",
            OpKind::GetMiss => "get_miss",
            OpKind::Contains => "contains",
            OpKind::Scan => "scan",
            OpKind::Count => "count",
            OpKind::Put => "put",
            OpKind::Delete => "delete",
            OpKind::DeletePrefix => "delete_prefix",
            OpKind::GetForUpdate => "get_for_update",
            OpKind::Commit => "commit",
        }
    }
}

impl Op<'_> {
    /// This op's kind.
    pub fn kind(&self) -> OpKind {
        match self {
            Op::Snapshot => OpKind::Snapshot,
            Op::Get { .. } => OpKind::Get,
            Op::GetMiss { .. } => OpKind::GetMiss,
            Op::Contains { .. } => OpKind::Contains,
            Op::Scan { .. } => OpKind::Scan,
            Op::Count { .. } => OpKind::Count,
            Op::Put { .. } => OpKind::Put,
            Op::Delete { .. } => OpKind::Delete,
            Op::DeletePrefix { .. } => OpKind::DeletePrefix,
            Op::GetForUpdate { .. } => OpKind::GetForUpdate,
            Op::Commit => OpKind::Commit,
        }
    }
}

/// A choice among a few weighted alternatives from one 64-bit draw: cumulative thresholds
/// scaled to 2^64, scanned in order (a handful of compares is cheaper than an alias table here).
#[derive(Clone, Debug)]
struct Choice {
    thresholds: Vec<u64>,
}

impl Choice {
    /// Weights must be finite, ≥ 0 and not all zero (validated).
    fn new(weights: &[f64]) -> Choice {
        let total: f64 = weights.iter().sum();
        let last = weights
            .iter()
            .rposition(|&w| w > 0.0)
            .expect("a positive weight");
        let mut acc = 0.0;
        let thresholds = weights
            .iter()
            .enumerate()
            .map(|(i, w)| {
                acc += w;
                if i >= last {
                    u64::MAX
                } else {
                    (acc / total * 18_446_744_073_709_551_616.0) as u64
                }
            })
            .collect();
        Choice { thresholds }
    }

    #[inline]
    fn pick(&self, rng: &mut Xoshiro256PlusPlus) -> usize {
        let x = rng.next_u64();
        self.thresholds
            .iter()
            .position(|&t| x < t)
            .unwrap_or(self.thresholds.len() - 1)
    }
}

/// Keys a reader draws from: the stable region, or all writers' partitions.
struct ReadRegion {
    /// One key buffer per prefix, each starting with its prefix (never overwritten).
    bufs: Vec<Vec<u8>>,
    prefix_lens: Vec<usize>,
    pads: Vec<usize>,
    pick: Option<Uniform<usize>>,
    shape: KeyRenderer,
    sampler: KeySampler,
}

struct ReaderState {
    mix: Choice,
    mutable_p: Option<Bernoulli>,
    stable: ReadRegion,
    mutable: Option<ReadRegion>,
    scan_len: ScanLength,
    depth: usize,
    ops_per_snapshot: u64,
    since_snapshot: u64,
}

struct WriterState {
    mix: Choice,
    /// The key buffer; starts with the partition prefix (never overwritten).
    buf: Vec<u8>,
    prefix_len: usize,
    shape: KeyRenderer,
    sampler: KeySampler,
    next_insert: u64,
    batch_size: usize,
    staged: usize,
    value_base: u64,
    seq: u64,
    /// A read-modify-write's put: its value and key index (the key is in `table` or `buf`).
    pending_put: Option<(u64, u64)>,
    /// The partition's first keys, rendered once: a write looks its key up instead of
    /// rendering it (keys past the table, and prefixes, are rendered into `buf`).
    table: KeyTable,
    /// Reads and scans of any partition (`writers.mix.read` / `scan`), when the mix has them.
    reads: Option<WriterReads>,
    /// A read or scan whose key is rendered and whose snapshot op was just returned.
    pending_read: Option<PendingRead>,
}

/// What a writer needs to read any partition, as a YCSB client does.
struct WriterReads {
    region: ReadRegion,
    /// The writer's own partition index: there, `latest` and `exponential` count back from the
    /// writer's own newest insert.
    me: usize,
    scan_len: ScanLength,
    depth: usize,
}

/// A writer's read waiting behind its snapshot op: the partition whose buffer holds the key.
#[derive(Clone, Copy)]
enum PendingRead {
    Get { part: usize },
    Scan { part: usize, limit: usize },
}

/// Scan lengths in `min..=max` (see [`ScanLengths`]).
enum ScanLength {
    Uniform(Uniform<usize>),
    Zipfian { min: usize, ranks: ZipfTable },
}

impl ScanLength {
    fn new(scan: &ScanSpec) -> ScanLength {
        match scan.lengths {
            ScanLengths::Uniform => ScanLength::Uniform(
                Uniform::new_inclusive(scan.min, scan.max).expect("validated scan lengths"),
            ),
            ScanLengths::Zipfian => ScanLength::Zipfian {
                min: scan.min,
                ranks: ZipfTable::new((scan.max - scan.min + 1) as u64, 0.99),
            },
        }
    }

    #[inline]
    fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> usize {
        match self {
            ScanLength::Uniform(u) => u.sample(rng),
            ScanLength::Zipfian { min, ranks } => min + ranks.sample(rng) as usize,
        }
    }
}

// One stream per thread, built once: boxing the larger variant would only add a pointer chase
// to every `next_op`.
#[allow(clippy::large_enum_variant)]
enum State {
    Reader(ReaderState),
    Writer(WriterState),
}

/// A deterministic, allocation-free stream of operations for one thread.
pub struct OpStream {
    rng: Xoshiro256PlusPlus,
    state: State,
}

const READ_KINDS: [OpKind; 5] = [
    OpKind::Get,
    OpKind::GetMiss,
    OpKind::Contains,
    OpKind::Scan,
    OpKind::Count,
];

/// Most keys of its partition a writer renders once, before it starts (about 25 bytes each).
const WRITER_TABLE_KEYS: u64 = 1 << 18;

/// Writer mix order: update, insert, delete, delete_prefix, read_modify_write, read, scan.
const INSERT: usize = 1;
const DELETE: usize = 2;
const DELETE_PREFIX: usize = 3;
const RMW: usize = 4;
const READ: usize = 5;
const SCAN: usize = 6;

impl OpStream {
    /// The stream of thread `thread` (index within its role) in a point with `writers` writer
    /// partitions. The spec must be valid. Readers with no writers read only the stable region.
    ///
    /// # Panics
    /// For a writer whose `thread >= writers`.
    pub fn new(spec: &Spec, role: Role, thread: usize, writers: usize) -> OpStream {
        let stream_seed =
            keys::mix64(spec.seed() ^ keys::mix64(((role as u64) << 32 | thread as u64) + 1));
        let rng = Xoshiro256PlusPlus::seed_from_u64(stream_seed);
        let start = keys::mix64(stream_seed);
        let partitions = spec.partitions(writers);
        let max_prefix = partitions
            .iter()
            .map(Vec::len)
            .chain([spec.stable.prefix.len()])
            .max()
            .unwrap_or(0);
        let state = match role {
            Role::Reader => State::Reader(reader(spec, partitions, max_prefix, start)),
            Role::Writer => {
                assert!(
                    thread < writers,
                    "writer stream {thread} needs at least {} writer partitions, got {writers}",
                    thread + 1
                );
                State::Writer(writer(spec, &partitions, max_prefix, thread, start))
            }
        };
        OpStream { rng, state }
    }

    /// The partition a writer stream writes into; empty for readers.
    pub fn partition(&self) -> &[u8] {
        match &self.state {
            State::Writer(w) => &w.buf[..w.prefix_len],
            State::Reader(_) => &[],
        }
    }

    /// The role this stream plays.
    pub fn role(&self) -> Role {
        match &self.state {
            State::Reader(_) => Role::Reader,
            State::Writer(_) => Role::Writer,
        }
    }

    /// A reader's reads per snapshot (0 for a writer, which takes one before each of its reads).
    pub fn ops_per_snapshot(&self) -> u64 {
        match &self.state {
            State::Reader(r) => r.ops_per_snapshot,
            State::Writer(_) => 0,
        }
    }

    /// The next operation.
    #[inline]
    pub fn next_op(&mut self) -> Op<'_> {
        match &mut self.state {
            State::Reader(r) => next_read(r, &mut self.rng),
            State::Writer(w) => next_write(w, &mut self.rng),
        }
    }
}

/// A key buffer holding `prefix`, with room for any suffix the stream renders — a text suffix
/// is ≤ 45 bytes for any u64 index, a bytes suffix ≤ 64, a miss pad ≤ `max_prefix + 1` — so
/// `next_op` never grows it.
fn key_buf(prefix: &[u8], max_prefix: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(2 * max_prefix + 128);
    b.extend_from_slice(prefix);
    b
}

fn reader(spec: &Spec, partitions: Vec<Vec<u8>>, max_prefix: usize, start: u64) -> ReaderState {
    let m = &spec.readers.mix;
    let weights = vec![m.get, m.get_miss, m.contains, m.scan, m.count];
    let stable = ReadRegion {
        pads: vec![1],
        bufs: vec![key_buf(spec.stable_prefix(), max_prefix)],
        prefix_lens: vec![spec.stable_prefix().len()],
        pick: None,
        shape: KeyRenderer::new(&spec.stable.shape),
        sampler: KeySampler::new(&spec.readers.skew, spec.stable.keys, start),
    };
    let w = &spec.readers.regions;
    let mutable = (!partitions.is_empty() && w.mutable > 0.0)
        .then(|| partitions_region(spec, &partitions, max_prefix, &spec.readers.skew, start));
    let p_mutable = w.mutable / (w.stable + w.mutable);
    let scan = &spec.readers.scan;
    ReaderState {
        mix: Choice::new(&weights),
        mutable_p: mutable
            .as_ref()
            .map(|_| Bernoulli::new(p_mutable).expect("validated region weights")),
        stable,
        mutable,
        scan_len: ScanLength::new(scan),
        depth: scan.depth,
        ops_per_snapshot: spec.readers.ops_per_snapshot,
        since_snapshot: spec.readers.ops_per_snapshot,
    }
}

/// The prefilled keys of every writer's partition, one chosen uniformly per read, the key by
/// `skew`.
fn partitions_region(
    spec: &Spec,
    partitions: &[Vec<u8>],
    max_prefix: usize,
    skew: &Skew,
    start: u64,
) -> ReadRegion {
    let max = partitions.iter().map(Vec::len).max().unwrap_or(0);
    ReadRegion {
        pads: partitions
            .iter()
            .map(|p| miss_pad(&spec.mutable.shape, p.len(), max))
            .collect(),
        pick: (partitions.len() > 1).then(|| Uniform::new(0, partitions.len()).unwrap()),
        bufs: partitions.iter().map(|p| key_buf(p, max_prefix)).collect(),
        prefix_lens: partitions.iter().map(Vec::len).collect(),
        shape: KeyRenderer::new(&spec.mutable.shape),
        sampler: KeySampler::new(skew, spec.mutable.prefill_keys(), start),
    }
}

fn writer(
    spec: &Spec,
    partitions: &[Vec<u8>],
    max_prefix: usize,
    thread: usize,
    start: u64,
) -> WriterState {
    let m = &spec.writers.mix;
    let weights = vec![
        m.update,
        m.insert,
        m.delete,
        m.delete_prefix,
        m.read_modify_write,
        m.read,
        m.scan,
    ];
    let prefix = &partitions[thread];
    let reads = (m.read + m.scan > 0.0).then(|| WriterReads {
        region: partitions_region(spec, partitions, max_prefix, &spec.writers.skew, start),
        me: thread,
        scan_len: ScanLength::new(&spec.readers.scan),
        depth: spec.readers.scan.depth,
    });
    WriterState {
        mix: Choice::new(&weights),
        buf: key_buf(prefix, max_prefix),
        table: KeyTable::new(
            prefix,
            &KeyRenderer::new(&spec.mutable.shape),
            spec.mutable.keys.min(WRITER_TABLE_KEYS),
        ),
        prefix_len: prefix.len(),
        shape: KeyRenderer::new(&spec.mutable.shape),
        sampler: KeySampler::new(&spec.writers.skew, spec.mutable.keys, start),
        next_insert: spec.mutable.keys,
        batch_size: spec.writers.batch_size,
        staged: 0,
        value_base: (thread as u64 + 1) << 40,
        seq: 0,
        pending_put: None,
        reads,
        pending_read: None,
    }
}

#[inline]
fn next_read<'a>(r: &'a mut ReaderState, rng: &mut Xoshiro256PlusPlus) -> Op<'a> {
    if r.since_snapshot >= r.ops_per_snapshot {
        r.since_snapshot = 0;
        return Op::Snapshot;
    }
    r.since_snapshot += 1;
    let kind = READ_KINDS[r.mix.pick(rng)];
    let region = match (&r.mutable_p, &mut r.mutable) {
        (Some(p), Some(m)) if p.sample(rng) => m,
        _ => &mut r.stable,
    };
    let (depth, miss) = match kind {
        OpKind::Scan | OpKind::Count => (r.depth, false),
        OpKind::GetMiss => (FULL, true),
        _ => (FULL, false),
    };
    let (_, buf) = region.render(rng, depth, None, miss);
    match kind {
        OpKind::Scan => Op::Scan {
            prefix: buf,
            limit: r.scan_len.sample(rng),
        },
        OpKind::Count => Op::Count { prefix: buf },
        OpKind::Get => Op::Get { key: buf },
        OpKind::Contains => Op::Contains { key: buf },
        _ => Op::GetMiss { key: buf },
    }
}

impl ReadRegion {
    /// Picks a partition and a key of it, and renders the key cut to `depth` into that
    /// partition's buffer (padded to be absent when `miss`). `own`: a writer's own partition
    /// and newest index there, from which `latest` and `exponential` count back.
    #[inline]
    fn render(
        &mut self,
        rng: &mut Xoshiro256PlusPlus,
        depth: usize,
        own: Option<(usize, u64)>,
        miss: bool,
    ) -> (usize, &mut Vec<u8>) {
        let part = self.pick.as_ref().map_or(0, |u| u.sample(rng));
        let newest = match own {
            Some((p, newest)) if p == part => newest,
            _ => self.sampler.len() - 1,
        };
        let idx = self.sampler.sample(rng, newest);
        let buf = &mut self.bufs[part];
        buf.truncate(self.prefix_lens[part]);
        self.shape.push(idx, depth, buf);
        if miss {
            for _ in 0..self.pads[part] {
                buf.push(MISS_BYTE);
            }
        }
        (part, buf)
    }
}

#[inline]
fn next_write<'a>(w: &'a mut WriterState, rng: &mut Xoshiro256PlusPlus) -> Op<'a> {
    if let Some(pending) = w.pending_read.take() {
        let bufs = &w
            .reads
            .as_ref()
            .expect("a pending read has its region")
            .region
            .bufs;
        return match pending {
            PendingRead::Get { part } => Op::Get { key: &bufs[part] },
            PendingRead::Scan { part, limit } => Op::Scan {
                prefix: &bufs[part],
                limit,
            },
        };
    }
    if let Some((value, idx)) = w.pending_put.take() {
        w.staged += 1;
        // The read half's key: the table's, or still the one rendered into `buf` for it.
        let key = w.table.get(idx).unwrap_or(&w.buf);
        return Op::Put { key, value };
    }
    if w.staged >= w.batch_size {
        w.staged = 0;
        return Op::Commit;
    }
    let choice = w.mix.pick(rng);
    if choice >= READ {
        let newest_own = w.next_insert - 1;
        let r = w.reads.as_mut().expect("a mix with reads has their region");
        w.pending_read = Some(r.draw(choice == SCAN, newest_own, rng));
        return Op::Snapshot;
    }
    let idx = if choice == INSERT {
        w.next_insert += 1;
        w.next_insert - 1
    } else {
        w.sampler.sample(rng, w.next_insert - 1)
    };
    if choice == DELETE_PREFIX {
        let buf = &mut w.buf;
        buf.truncate(w.prefix_len);
        w.shape.push(idx, 1, buf);
        w.staged += 1;
        return Op::DeletePrefix { prefix: buf };
    }
    w.seq += 1;
    let value = w.value_base | w.seq;
    if choice == RMW {
        w.pending_put = Some((value, idx));
    } else {
        w.staged += 1;
    }
    let key = match w.table.get(idx) {
        Some(key) => key,
        None => {
            w.buf.truncate(w.prefix_len);
            w.shape.push(idx, FULL, &mut w.buf);
            &w.buf
        }
    };
    match choice {
        DELETE => Op::Delete { key },
        RMW => Op::GetForUpdate { key },
        _ => Op::Put { key, value },
    }
}

impl WriterReads {
    /// Renders the key (a get) or prefix (a scan) of one read into its partition's buffer.
    /// `newest_own`: the writer's newest key index in its own partition.
    #[inline]
    fn draw(&mut self, scan: bool, newest_own: u64, rng: &mut Xoshiro256PlusPlus) -> PendingRead {
        let depth = if scan { self.depth } else { FULL };
        let own = Some((self.me, newest_own));
        let (part, _) = self.region.render(rng, depth, own, false);
        match scan {
            true => PendingRead::Scan {
                part,
                limit: self.scan_len.sample(rng),
            },
            false => PendingRead::Get { part },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer looking its keys up in its table yields exactly the ops of one rendering every
    /// key (keys past the table, read-modify-writes and prefixes included).
    #[test]
    fn a_writers_key_table_changes_no_op() {
        let spec = Spec::from_toml(
            r#"
            name = "t"
            [mutable]
            keys = 300
            [writers]
            batch_size = 7
            mix = { update = 40, insert = 30, delete = 10, delete_prefix = 5, read_modify_write = 15 }
            "#,
            "t.toml",
        )
        .unwrap();
        let ops = |table: bool| {
            let mut s = OpStream::new(&spec, Role::Writer, 1, 2);
            if let (false, State::Writer(w)) = (table, &mut s.state) {
                w.table = KeyTable::default();
            }
            (0..20_000)
                .map(|_| format!("{:?}", s.next_op()))
                .collect::<Vec<_>>()
        };
        let (with, without) = (ops(true), ops(false));
        assert!(with.iter().any(|o| o.starts_with("GetForUpdate")));
        assert_eq!(with, without);
    }

    #[test]
    fn choice_follows_its_weights_and_skips_zeros() {
        let c = Choice::new(&[0.0, 3.0, 0.0, 1.0, 0.0]);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let mut counts = [0u32; 5];
        for _ in 0..400_000 {
            counts[c.pick(&mut rng)] += 1;
        }
        assert_eq!((counts[0], counts[2], counts[4]), (0, 0, 0));
        let share = counts[1] as f64 / 400_000.0;
        assert!((share - 0.75).abs() < 0.004, "{share}");
    }
}
