//! The workload spec: plain serializable structs, one per TOML table, with their defaults.
//!
//! Every field documents its unit and default; `validate.rs` checks them; `preset.rs` embeds the
//! named specs; `sweep.rs` expands `[sweep]` into concrete points.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::distribution::Skew;
use crate::units::{self, Ratio};

/// A complete workload: what the key space looks like, what each role does, and how long to run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Name used in results and reports. Required.
    pub name: String,
    /// One line saying what the workload models. Default: empty.
    #[serde(default)]
    pub description: String,
    /// Timing, repetitions and seed.
    #[serde(default)]
    pub run: Run,
    /// How many threads play each role.
    #[serde(default)]
    pub threads: Threads,
    /// The read-only region, fully prefilled.
    #[serde(default)]
    pub stable: StableRegion,
    /// The written region, one partition per writer.
    #[serde(default)]
    pub mutable: MutableRegion,
    /// What reader threads do.
    #[serde(default)]
    pub readers: Readers,
    /// What writer threads do.
    #[serde(default)]
    pub writers: Writers,
    /// Axes to sweep; empty means a single point.
    #[serde(default, skip_serializing_if = "Sweep::is_empty")]
    pub sweep: Sweep,
}

/// `[run]`: how long a point runs and how it is seeded.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Run {
    /// Time run before measuring, per repetition. Default `"500ms"`.
    #[serde(with = "units::duration")]
    pub warmup: Duration,
    /// Measured time per repetition. Default `"1s"` when `op_budget` is not given either.
    #[serde(with = "units::opt_duration", skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// Operations per thread per repetition, instead of a duration. Default: none. Counted in
    /// units: a read (with the snapshot taken just before it) or a batch (its staged writes
    /// and its commit), as a YCSB client counts transactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op_budget: Option<u64>,
    /// Repetitions of each point (interleave them to compare configurations). Default 3.
    pub repetitions: u32,
    /// Seed of every op stream; the same seed gives the same operations. Default 42.
    pub seed: u64,
}

impl Default for Run {
    fn default() -> Run {
        Run {
            warmup: Duration::from_millis(500),
            duration: None,
            op_budget: None,
            repetitions: 3,
            seed: 42,
        }
    }
}

/// `[threads]`: either `readers` and `writers` counts, or a `total` split by a `ratio`.
/// With nothing given: 3 readers and 1 writer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Threads {
    /// Reader threads. Default 0 when `writers` is given, else 3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readers: Option<usize>,
    /// Writer threads. Default 0 when `readers` is given, else 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writers: Option<usize>,
    /// Total threads, split by `ratio`. Default 4 when only `ratio` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    /// Readers:writers, e.g. `"3:1"`; splits `total` and every `sweep.threads` value.
    /// Default: `readers:writers` if given, else 3:1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
}

impl Threads {
    /// The (readers, writers) these settings resolve to (see [`Ratio::split`]).
    pub fn counts(&self) -> (usize, usize) {
        match (self.readers, self.writers, self.total) {
            (_, _, Some(t)) => self.effective_ratio().split(t),
            (None, None, None) => self.effective_ratio().split(4),
            (r, w, None) => (r.unwrap_or(0), w.unwrap_or(0)),
        }
    }

    /// The ratio used to split a thread total: `ratio`, else readers:writers, else 3:1.
    pub fn effective_ratio(&self) -> Ratio {
        if let Some(r) = self.ratio {
            return r;
        }
        match (self.readers, self.writers) {
            (r, w) if r.unwrap_or(0) + w.unwrap_or(0) > 0 => Ratio {
                readers: r.unwrap_or(0) as u32,
                writers: w.unwrap_or(0) as u32,
            },
            _ => default_ratio(),
        }
    }
}

fn default_ratio() -> Ratio {
    Ratio {
        readers: 3,
        writers: 1,
    }
}

/// How keys are spelled after their region or partition prefix.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyShape {
    /// Knowledge-base paths `e<entity>/<relation>/o<object>`, e.g. `e4711/knows/o2`, built from
    /// the key index: each entity has `relations × objects` keys.
    Text {
        /// Relations per entity, 1..=16, named from a fixed vocabulary. Default 8.
        #[serde(default = "default_relations")]
        relations: u32,
        /// Objects per relation. Default 4.
        #[serde(default = "default_objects")]
        objects: u32,
    },
    /// `len` pseudo-random bytes derived bijectively from the key index. Default len 16.
    Bytes {
        /// Bytes after the prefix, 1..=64. Default 16.
        #[serde(default = "default_len")]
        len: usize,
    },
}

fn default_relations() -> u32 {
    8
}
fn default_objects() -> u32 {
    4
}
fn default_len() -> usize {
    16
}

impl Default for KeyShape {
    fn default() -> KeyShape {
        KeyShape::Text {
            relations: default_relations(),
            objects: default_objects(),
        }
    }
}

/// `[stable]`: the region readers share; prefilled and never written during the run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StableRegion {
    /// Byte prefix of every stable key. Default `"stable/"`.
    pub prefix: String,
    /// Keys in the region, all prefilled (indices `0..keys`). Default 100 000.
    pub keys: u64,
    /// Key spelling. Default text.
    pub shape: KeyShape,
}

impl Default for StableRegion {
    fn default() -> StableRegion {
        StableRegion {
            prefix: "stable/".into(),
            keys: 100_000,
            shape: KeyShape::default(),
        }
    }
}

/// `[mutable]`: the written region, split into one partition per writer.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MutableRegion {
    /// Byte prefix of every mutable key. Default `"mutable/"`.
    pub prefix: String,
    /// Partition name pattern; `{i}` becomes the writer index. Writer `i` owns
    /// `prefix + name(i)`. Default `"w{i}/"`.
    pub partition: String,
    /// Key indices per partition that updates and deletes draw from. Default 10 000.
    pub keys: u64,
    /// Key indices per partition prefilled (`0..prefill`; readers draw from these).
    /// Default: equal to `keys`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefill: Option<u64>,
    /// Key spelling. Default text.
    pub shape: KeyShape,
    /// Allow partition prefixes that overlap (`w1` vs `w10`, or one shared prefix): the seed's
    /// worst case. Without it, overlap is a validation error. Default false.
    pub overlapping: bool,
}

impl Default for MutableRegion {
    fn default() -> MutableRegion {
        MutableRegion {
            prefix: "mutable/".into(),
            partition: "w{i}/".into(),
            keys: 10_000,
            prefill: None,
            shape: KeyShape::default(),
            overlapping: false,
        }
    }
}

impl MutableRegion {
    /// Prefilled keys per partition.
    pub fn prefill_keys(&self) -> u64 {
        self.prefill.unwrap_or(self.keys)
    }
}

/// `[readers]`: what a reader thread does.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Readers {
    /// Operations served from one snapshot before taking a new one (the snapshot's lifetime;
    /// large values hold snapshots long). Default 100.
    pub ops_per_snapshot: u64,
    /// Relative weights of the read operations.
    pub mix: ReadMix,
    /// Relative weights of the regions a read targets, drawn per operation.
    pub regions: RegionWeights,
    /// Which keys within a region are read. Default zipf θ 0.99, scrambled.
    pub skew: Skew,
    /// Prefix scans: length and prefix depth.
    pub scan: ScanSpec,
    /// Open loop: target reads per second per reader thread (a snapshot rides with the read
    /// after it). Default none (closed loop).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_rate: Option<f64>,
}

impl Default for Readers {
    fn default() -> Readers {
        Readers {
            ops_per_snapshot: 100,
            mix: ReadMix::default(),
            regions: RegionWeights::default(),
            skew: Skew::default(),
            scan: ScanSpec::default(),
            target_rate: None,
        }
    }
}

/// `readers.mix`: relative weights (any non-negative numbers, not all zero).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ReadMix {
    /// Point get of a prefilled key. Default 80.
    pub get: f64,
    /// Point get of a key guaranteed absent. Default 5.
    pub get_miss: f64,
    /// Membership test of a prefilled key. Default 5.
    pub contains: f64,
    /// Prefix scan of up to `scan.min..=scan.max` entries. Default 5.
    pub scan: f64,
    /// Count of the entries under a prefix. Default 5.
    pub count: f64,
}

impl Default for ReadMix {
    fn default() -> ReadMix {
        ReadMix {
            get: 80.0,
            get_miss: 5.0,
            contains: 5.0,
            scan: 5.0,
            count: 5.0,
        }
    }
}

/// `readers.regions`: where reads go, drawn per operation (relative weights).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RegionWeights {
    /// The stable region. Default 90.
    pub stable: f64,
    /// The writers' partitions (one chosen uniformly per read). Default 10.
    pub mutable: f64,
}

impl Default for RegionWeights {
    fn default() -> RegionWeights {
        RegionWeights {
            stable: 90.0,
            mutable: 10.0,
        }
    }
}

/// `readers.scan`: scan length (in `min..=max`, by `lengths`) and prefix depth. Scans issued by
/// writers (`writers.mix.scan`) follow it too.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ScanSpec {
    /// Shortest scan limit, ≥ 1. Default 1.
    pub min: usize,
    /// Longest scan limit. Default 100.
    pub max: usize,
    /// Components of the chosen key kept as the prefix: 0 = the whole region or partition,
    /// 1 = the entity (text) or first byte (bytes), 2 = entity/relation or two bytes. Default 1.
    pub depth: usize,
    /// How lengths are drawn in `min..=max`. Default uniform.
    pub lengths: ScanLengths,
}

/// `readers.scan.lengths`: the distribution of scan lengths.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ScanLengths {
    /// Every length in `min..=max` equally likely.
    #[default]
    Uniform,
    /// Length `min + r` with rank `r` Zipf-distributed (θ 0.99): short scans most likely
    /// (YCSB's `scanlengthdistribution=zipfian`).
    Zipfian,
}

impl Default for ScanSpec {
    fn default() -> ScanSpec {
        ScanSpec {
            min: 1,
            max: 100,
            depth: 1,
            lengths: ScanLengths::Uniform,
        }
    }
}

/// `[writers]`: what a writer thread does, always inside its own partition.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Writers {
    /// Staged writes per commit. Default 16.
    pub batch_size: usize,
    /// Relative weights of the write operations.
    pub mix: WriteMix,
    /// Which keys of the partition updates and deletes hit. Default uniform.
    pub skew: Skew,
    /// Closed-loop cap: at most this many units (as `target_rate`) per second per writer.
    /// Default none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<f64>,
    /// Open loop: target units per second per writer thread: batches, and the writer's own
    /// reads and scans (`mix.read`, `mix.scan`). Default none (closed loop).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_rate: Option<f64>,
}

impl Default for Writers {
    fn default() -> Writers {
        Writers {
            batch_size: 16,
            mix: WriteMix::default(),
            skew: Skew::Uniform {},
            rate_limit: None,
            target_rate: None,
        }
    }
}

/// `writers.mix`: relative weights (any non-negative numbers, not all zero).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WriteMix {
    /// Put to a key of the partition's key space (drawn by the skew). Default 70.
    pub update: f64,
    /// Put to a never-used key index (`keys`, `keys + 1`, …). Default 20.
    pub insert: f64,
    /// Delete of a key drawn by the skew. Default 9.
    pub delete: f64,
    /// Delete of the entity subtree (text) or first-byte subtree (bytes) of a drawn key. Default 1.
    pub delete_prefix: f64,
    /// A read of a drawn key followed by a `Put` to the same key (YCSB F): the read is a
    /// `GetForUpdate`, served through the writer (its own staged writes visible). Default 0.
    pub read_modify_write: f64,
    /// A get of a prefilled key of any writer's partition (partition uniform, key by `skew`),
    /// from a fresh snapshot taken just before it: a writer that also reads, as a YCSB client
    /// does. Default 0.
    pub read: f64,
    /// A scan (lengths and depth from `readers.scan`) under a drawn key of any writer's
    /// partition, from a fresh snapshot taken just before it (YCSB E's scans). Default 0.
    pub scan: f64,
}

impl Default for WriteMix {
    fn default() -> WriteMix {
        WriteMix {
            update: 70.0,
            insert: 20.0,
            delete: 9.0,
            delete_prefix: 1.0,
            read_modify_write: 0.0,
            read: 0.0,
            scan: 0.0,
        }
    }
}

/// `[sweep]`: axes expanded into points (Cartesian product, in the order of the fields).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Sweep {
    /// Total thread counts, each split by the ratio(s).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub threads: Vec<usize>,
    /// Readers:writers ratios, e.g. `["3:1", "1:1"]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ratios: Vec<Ratio>,
    /// Zipf/latest exponents, applied to every role whose skew has one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub theta: Vec<f64>,
    /// Hot fractions, applied to every role whose skew is a hotspot.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hot_fraction: Vec<f64>,
    /// Writer batch sizes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub batch_size: Vec<usize>,
    /// Writer counts, the readers fixed at `threads.readers` (instead of `threads`/`ratios`):
    /// how commits scale with writers while the same readers read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub writers: Vec<usize>,
}

impl Sweep {
    /// True when no axis is given.
    pub fn is_empty(&self) -> bool {
        self.threads.is_empty()
            && self.ratios.is_empty()
            && self.theta.is_empty()
            && self.hot_fraction.is_empty()
            && self.batch_size.is_empty()
            && self.writers.is_empty()
    }
}

/// How a role paces itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pacing {
    /// Each thread issues its next operation as soon as the previous one ends.
    Closed,
    /// Each thread issues operations (readers) or batches (writers) on a fixed schedule at
    /// this rate per second; latency counts from the intended start.
    Open {
        /// Per-thread rate.
        per_second: f64,
    },
}

impl Readers {
    /// Closed loop unless `target_rate` is set.
    pub fn pacing(&self) -> Pacing {
        pacing(self.target_rate)
    }
}

impl Writers {
    /// Closed loop unless `target_rate` is set (then batches per second per writer).
    pub fn pacing(&self) -> Pacing {
        pacing(self.target_rate)
    }
}

fn pacing(rate: Option<f64>) -> Pacing {
    match rate {
        Some(per_second) => Pacing::Open { per_second },
        None => Pacing::Closed,
    }
}

/// Run settings and per-role configuration a runner needs, read through one place.
impl Spec {
    /// Warm-up time per repetition.
    pub fn warmup(&self) -> Duration {
        self.run.warmup
    }
    /// Measured time per repetition: `run.duration`, or 1 s when no op budget is given.
    pub fn duration(&self) -> Option<Duration> {
        match (self.run.duration, self.run.op_budget) {
            (Some(d), _) => Some(d),
            (None, None) => Some(Duration::from_secs(1)),
            (None, Some(_)) => None,
        }
    }
    /// Units (reads or batches) per thread per repetition, when the run is bounded by count.
    pub fn op_budget(&self) -> Option<u64> {
        self.run.op_budget
    }
    /// Repetitions of each point.
    pub fn repetitions(&self) -> u32 {
        self.run.repetitions
    }
    /// The seed every stream derives from.
    pub fn seed(&self) -> u64 {
        self.run.seed
    }
    /// (readers, writers) of this spec without its sweep.
    pub fn thread_counts(&self) -> (usize, usize) {
        self.threads.counts()
    }
    /// Reader operations per snapshot.
    pub fn ops_per_snapshot(&self) -> u64 {
        self.readers.ops_per_snapshot
    }
    /// Writer operations per commit.
    pub fn batch_size(&self) -> usize {
        self.writers.batch_size
    }
    /// Writer closed-loop cap in batches per second, if any.
    pub fn writer_rate_limit(&self) -> Option<f64> {
        self.writers.rate_limit
    }
    /// Pacing of the given role.
    pub fn pacing(&self, role: crate::Role) -> Pacing {
        match role {
            crate::Role::Reader => self.readers.pacing(),
            crate::Role::Writer => self.writers.pacing(),
        }
    }
    /// Whether writers' partitions may overlap (the seed's worst case).
    pub fn overlapping_partitions(&self) -> bool {
        self.mutable.overlapping
    }
}
