//! A hybrid read/write knowledge base on [`pathmap`]: readers that never block and see
//! consistent snapshots, writers that own exclusive key-prefix partitions, and every completed
//! commit visible to every snapshot taken after it — the "Pattern D" design, done so it works.
//!
//! # The idea
//! Every version of the knowledge base is an immutable `PathMap`. Because pathmap's nodes are
//! reference-counted and every write copies the nodes it changes (copy-on-write), cloning a
//! map is O(1) and a clone never sees later writes to the original. So:
//! - a **reader** takes a [`Snapshot`]: an `Arc` to the current version, loaded from an atomic
//!   root cell (`arc_swap::ArcSwap`). O(1), lock-free, never blocked by writers;
//! - a **writer** leases a partition (a byte prefix no other writer's prefix overlaps), stages
//!   puts, deletes and prefix removals in a private copy of its partition, and
//!   [`commit`](Writer::commit)s: under a short commit lock it clones the current root, grafts its
//!   partition into it (O(prefix depth)) and swaps the result in as the next version. Writers
//!   that commit while another commit is being built are published together, in one version
//!   ([`group`] commit);
//! - replaced versions are freed once no snapshot holds them — by the committing writer and a
//!   background sweep ([`Reclaim`]) — so while the knowledge base lives, a reader never pays for
//!   freeing a version (after it is dropped, the last snapshot of a version frees it).
//!
//! # Trade-offs
//! - Reads are as fast as raw `PathMap` reads on a snapshot; acquiring a snapshot costs one
//!   atomic load and one reference-count increment.
//! - Commits are serialized (a few microseconds each under the lock, plus copy-on-write of the
//!   paths a batch touches, done by each writer while it stages): write throughput scales with
//!   writers while they stage, and the lock is held only to graft and swap. Under contention
//!   [group commit](group) publishes the waiting batches in one version: fewer root copies,
//!   fewer versions to free. The replaced version is freed by the committing thread when no
//!   snapshot holds it — without grouping, the thread that copied the nodes it supersedes.
//! - Old versions live as long as a snapshot holds them: a long-held snapshot pins memory.
//!
//! # Guarantees (the invariants the tests and loom models check)
//! 1. **Snapshot isolation, never torn.** A snapshot is one version; it never changes. A commit
//!    is in a version entirely or not at all (no fractured, intermediate or aborted reads).
//! 2. **One total order.** All versions form a single sequence, so every snapshot is a
//!    consistent cut across *all* partitions — stronger than the seed promises (it disclaims
//!    causal consistency across partitions; here two snapshots can never disagree about order).
//! 3. **Visible on return.** A snapshot taken after [`Writer::commit`] returned contains that
//!    commit (strong snapshot isolation; the seed's §3 "new readers see updates immediately").
//! 4. **No lost update.** Commits are built on the current root under the commit lock.
//! 5. **Exclusive partitions.** At most one writer per prefix; overlapping prefixes (`a/` and
//!    `a/b/`, or `w1` and `w10`) are refused with an error naming the holder.
//! 6. **Nothing half-done.** Dropping a writer without committing — or panicking mid-batch —
//!    publishes nothing and releases the lease; no lock is left poisoned.
//!
//! # Example
//! ```
//! use hybrid_kb::KnowledgeBase;
//!
//! let kb = KnowledgeBase::<u64>::new();
//! let before = kb.snapshot();
//!
//! let mut writer = kb.writer("facts/")?;
//! writer.put(b"facts/sky/colour", 1)?;
//! writer.put(b"facts/grass/colour", 2)?;
//! assert_eq!(kb.snapshot().get(b"facts/sky/colour"), None); // staged, not published
//! let version = writer.commit()?;
//!
//! let after = kb.snapshot();
//! assert_eq!(after.version(), version);
//! assert_eq!(after.get(b"facts/sky/colour"), Some(&1));
//! assert_eq!(after.count(b"facts/"), 2);
//! let mut scan = after.scan(b"facts/"); // a cursor: each key is lent, nothing is allocated
//! let mut keys = Vec::new();
//! while let Some((key, _value)) = scan.next() {
//!     keys.push(String::from_utf8_lossy(key).into_owned());
//! }
//! assert_eq!(keys, ["facts/grass/colour", "facts/sky/colour"]);
//! assert_eq!(before.get(b"facts/sky/colour"), None); // an old snapshot never changes
//!
//! // Partitions must be prefix-free.
//! let err = kb.writer("facts/sky/").unwrap_err();
//! assert!(err.to_string().contains("overlaps `facts/`"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where the seed note is wrong for pathmap 0.3.5, and what this crate does instead
//! - *Its code works.* It does not: one `ZipperHead` cannot hold a reader zipper at `""` beside
//!   writer zippers at `updates_N/`; pathmap's tracker refuses the overlap and the seed's
//!   `.unwrap()` panics (`Conflict { with: ReadZipper(..), at: [] }`) unless the readers happen to
//!   finish first. Here readers use snapshots, which no writer can conflict with.
//! - *Readers access the structure at the time the zipper was created; writers copy on write.*
//!   Not inside a `ZipperHead`: overlap is forbidden, not isolated, and writes happen in place
//!   where nodes are not shared. Snapshot isolation comes from `PathMap::clone`, as here.
//! - *New readers see updates immediately* (§3) — only after the writer publishes; here a
//!   snapshot taken after `commit` returned always contains it.
//! - *Readers are lock-free.* Creating or dropping a tracked zipper takes a global write lock in
//!   pathmap; snapshots here take no lock.
//! - *16 B per thread.* A tracked reader zipper is ~160 B inline plus ~700 B on the heap; a
//!   snapshot here is 8 B (one `Arc`) and shares the version's nodes.
//! - *Partition names* like `updates_1` and `updates_10` overlap byte-wise; end them with `/`.
//! - The seed's `update_partition` silently drops updates when the lease is refused and applies
//!   them one by one; here it is an error, and the batch is atomic.
//!
//! # Layout
//! [`sync`](crate) names the primitives (loom under `--cfg loom`); [`protocol`] publishes
//! versions; [`group`] combines concurrent commits into one; [`lease`] grants partitions; [`retire`] holds replaced versions until their last
//! reader lets go; [`reclaimer`] frees them. The protocol, group, lease, retire and reclaimer modules are
//! exactly what `kb/tests/loom.rs` model-checks (`cargo loom`).

#![warn(missing_docs)]

mod error;
pub mod group;
pub mod lease;
pub mod protocol;
pub mod reclaimer;
pub mod retire;
mod sync;

#[cfg(not(loom))]
mod graft;
#[cfg(not(loom))]
mod knowledge_base;
#[cfg(not(loom))]
mod seed;
#[cfg(not(loom))]
mod shared;
#[cfg(all(feature = "slowdown", not(loom)))]
mod slowdown;
#[cfg(not(loom))]
mod snapshot;
#[cfg(not(loom))]
mod writer;

pub use error::{CommitError, Error, LeaseError, WriteError};
#[cfg(not(loom))]
pub use knowledge_base::{KnowledgeBase, Stats};
pub use pathmap::PathMap;
pub use reclaimer::Reclaim;
#[cfg(not(loom))]
pub use seed::{LiveKnowledgeBase, Update};
#[cfg(not(loom))]
pub use snapshot::{Scan, Snapshot};
#[cfg(not(loom))]
pub use writer::Writer;

/// The deliberate slowdown compiled in, as `(get, commit)` percents: `(0, 0)` in every normal
/// build. Only the `slowdown` feature (for measuring the regression gate's power) sets them.
pub const fn slowdown_percents() -> (u32, u32) {
    #[cfg(all(feature = "slowdown", not(loom)))]
    return (slowdown::GET_PERCENT, slowdown::COMMIT_PERCENT);
    #[cfg(not(all(feature = "slowdown", not(loom))))]
    return (0, 0);
}

/// What a knowledge base can store: pathmap's value bound, plus `'static`. Use `Arc<Entry>` for
/// large entries so copy-on-write stays cheap.
pub trait Value: Clone + Send + Sync + Unpin + 'static {}
impl<T: Clone + Send + Sync + Unpin + 'static> Value for T {}
