//! The publication protocol, generic over the published value.
//!
//! [`KnowledgeBase`](crate::KnowledgeBase) instantiates it with a `PathMap`; the loom models in
//! `kb/tests/loom.rs` instantiate it with a tiny purely functional value. It is public for those
//! models, and for anyone who wants the same protocol over another persistent structure.
//!
//! # Invariants
//! 1. **One totally ordered root.** Versions are numbered 1, 2, 3, … in the order they became
//!    current; a reader's [`Publisher::load`] returns one of them, whole.
//! 2. **Commits are serialized.** [`Publisher::publish`] builds the next value from the current
//!    one while holding the commit lock, so no commit can be built on a stale root (no lost
//!    update), and the version number is the old number plus one.
//! 3. **Visible on return.** When `publish` returns `Ok(n)`, version `n` (or a later one) is what
//!    every subsequent `load` returns — on any thread that learns of the return (Release/Acquire
//!    through the root cell).
//! 4. **Readers never free.** A replaced version goes to the [`Retired`] list, which holds a
//!    reference to it until every reader has dropped theirs; only [`Retired::collect`] frees it.
//!    A publisher made with [`Publisher::freeing_on_commit`] first tries to free it on the
//!    committing thread, after the swap and outside the lock: when no reader holds it (the
//!    count is exact once it is out of the root), it is freed there; otherwise it is retired.

use crate::retire::Retired;
use crate::sync::{lock, Arc, Mutex, RootCell};

/// One published version: its number and the immutable value.
#[derive(Debug)]
pub struct Version<T> {
    /// 1 for the initial value, then one more per commit.
    pub number: u64,
    /// The published value. Never mutated while shared.
    pub value: T,
}

/// A root cell with serialized, atomic publication and off-reader-path retirement.
pub struct Publisher<T> {
    root: RootCell<Version<T>>,
    /// Serializes commits. Holds nothing: the version number lives in the root itself.
    commit: Mutex<()>,
    retired: Arc<Retired<Version<T>>>,
    /// Whether the committing thread frees the version it replaced when no reader holds it.
    free_on_commit: bool,
}

impl<T> Publisher<T> {
    /// Publishes `initial` as version 1. Replaced versions are only retired: freed by
    /// [`Retired::collect`].
    pub fn new(initial: T) -> Self {
        Self::build(initial, false)
    }

    /// Like [`new`](Self::new), but the committing thread frees the version it replaced at once
    /// when no reader holds it ([`Retired::retire_or_free`]).
    pub fn freeing_on_commit(initial: T) -> Self {
        Self::build(initial, true)
    }

    fn build(initial: T, free_on_commit: bool) -> Self {
        Publisher {
            root: RootCell::new(Arc::new(Version {
                number: 1,
                value: initial,
            })),
            commit: Mutex::new(()),
            retired: Arc::new(Retired::new()),
            free_on_commit,
        }
    }

    /// The current version. Lock-free; never waits for a commit in progress.
    pub fn load(&self) -> Arc<Version<T>> {
        self.root.load()
    }

    /// Builds the next value from the current one and makes it current, atomically with respect
    /// to every other `publish`. If `build` fails (or panics) nothing is published.
    ///
    /// Returns the new version number. The replaced version is retired (or, with
    /// [`freeing_on_commit`](Self::freeing_on_commit), freed at once if no reader holds it).
    pub fn publish<E>(&self, build: impl FnOnce(&T) -> Result<T, E>) -> Result<u64, E> {
        self.publish_with(|current, _| Ok((build(current)?, ())), |_, _| {})
            .map(|(number, ())| number)
    }

    /// [`publish`](Self::publish) in two steps under the commit lock: `build` gets the current
    /// value and the number the next will be published as, and returns it with anything the
    /// caller wants back (`R`); once the new version is current, and before the lock is let go,
    /// `published` runs on that `R`. So what `published` records is seen by whoever takes the
    /// commit lock next only when the version is already current ([`GroupCommit`] resolves its
    /// tickets there). `R` is returned after the lock is released (to be dropped outside it).
    ///
    /// [`GroupCommit`]: crate::group::GroupCommit
    pub fn publish_with<R, E>(
        &self,
        build: impl FnOnce(&T, u64) -> Result<(T, R), E>,
        published: impl FnOnce(&mut R, u64),
    ) -> Result<(u64, R), E> {
        let serial = lock(&self.commit);
        let current = self.root.load();
        let number = current.number + 1;
        let (next, mut extra) = build(&current.value, number)?;
        drop(current);
        let old = self.root.swap(Arc::new(Version {
            number,
            value: next,
        }));
        published(&mut extra, number);
        drop(serial);
        match self.free_on_commit {
            true => self.retired.retire_or_free(old),
            false => self.retired.retire(old),
        }
        Ok((number, extra))
    }

    /// Runs `f` while no commit can start or finish (used to revoke a lease atomically with
    /// respect to commits).
    pub fn exclusive<R>(&self, f: impl FnOnce() -> R) -> R {
        let _serial = lock(&self.commit);
        f()
    }

    /// The list of replaced versions awaiting their last reader.
    pub fn retired(&self) -> &Arc<Retired<Version<T>>> {
        &self.retired
    }
}
