//! The workload model as data: specs, presets, key shapes, distributions and deterministic
//! per-thread operation streams for benchmarking a hybrid read/write knowledge base.
//!
//! A [`Spec`] says what the key space looks like (a prefilled read-only *stable* region and a
//! *mutable* region split into one partition per writer), what readers and writers do (operation
//! mixes, key skew, snapshot lifetime, batch size, pacing), how long each point runs, and which
//! axes to sweep. Specs are plain serde structs read from TOML, with named presets embedded in
//! the crate. An [`OpStream`] turns a spec into the operations of one thread: deterministic per
//! (seed, role, thread), and allocation-free per operation. This crate has no threads and no
//! clocks: running the operations and timing them is the harness's job.
//!
//! A minimal spec (every omitted field has a documented default):
//!
//! ```
//! use workloads::{Op, OpStream, Role, Spec};
//!
//! let spec = Spec::from_toml(r#"
//!     name = "my-first-workload"
//!
//!     [run]
//!     duration = "2s"
//!
//!     [threads]
//!     readers = 3
//!     writers = 1
//!
//!     [stable]
//!     keys = 10000
//!
//!     [readers]
//!     skew = { kind = "zipf", theta = 0.99 }
//!
//!     [writers]
//!     batch_size = 16
//! "#, "example.toml")?;
//!
//! let points = spec.points();
//! assert_eq!(points.len(), 1);
//! let mut reader = OpStream::new(&spec, Role::Reader, 0, points[0].writers);
//! assert_eq!(reader.next_op(), Op::Snapshot);
//! let mut writer = OpStream::new(&spec, Role::Writer, 0, points[0].writers);
//! if let Op::Put { key, .. } = writer.next_op() {
//!     assert!(key.starts_with(b"mutable/w0/"));
//! }
//! # Ok::<(), workloads::SpecError>(())
//! ```
//!
//! The presets (`Spec::preset_names()`) recreate the seed design note's patterns — read-only
//! sharing, partitioned writes, the hybrid, stable/mutable (§6.1), hot/cold (§6.2), the worst case
//! of overlapping writers — and YCSB's core workloads A–F, translated from YCSB's own property
//! files (`ycsb/`) as [`Spec::load_as`] translates any such file. `Spec::preset_source(name)`
//! gives a preset's commented TOML to start from.
//!
//! Files: `spec.rs` (the structs and defaults), `validate.rs`, `preset.rs` (presets and loading),
//! `ycsb.rs` (YCSB property files translated into specs), `sweep.rs`, `limits.rs` (the bounds
//! every workload stays within), `keys.rs` (key spelling, partitions, prefill, absent keys),
//! `distribution.rs` (skews and samplers), `stream.rs` (ops and streams), `tape.rs` (a reader's
//! reads recorded before the window and replayed in it), `units.rs` (durations
//! and ratios), `error.rs`.
//!
//! May depend on: rand (and its distributions and generators), serde and toml. No other crate of
//! the workspace.

mod distribution;
mod error;
mod keys;
pub mod limits;
mod preset;
mod spec;
mod stream;
mod sweep;
mod tape;
mod units;
mod validate;
pub mod ycsb;

pub use distribution::{hot_count, zipf_pmf, KeySampler, Scramble, Skew, ZipfTable, EXACT_RANKS};
pub use error::SpecError;
pub use keys::{Prefill, MISS_BYTE, RELATIONS};
pub use preset::{Format, Loaded, DEFAULT_PRESET, PRESET_NAMES};
pub use spec::{
    KeyShape, MutableRegion, Pacing, ReadMix, Readers, RegionWeights, Run, ScanLengths, ScanSpec,
    Spec, StableRegion, Sweep, Threads, WriteMix, Writers,
};
pub use stream::{Op, OpKind, OpStream, Role};
pub use sweep::Point;
pub use tape::{OpSource, Tape};
pub use units::{format_duration, parse_duration, Ratio};
