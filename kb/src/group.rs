//! Group commit: batches that become ready while a commit is being built are published
//! together, as one version.
//!
//! # How it works
//! A committing writer puts its batch in a queue, with a [`Ticket`] for the outcome, and takes the
//! commit lock. Holding it, the writer first reads its ticket: if the lock's previous holder
//! already published (or refused) the batch, that is the outcome and the writer is done. If not,
//! the writer is the *combiner*: it takes every queued batch — its own and those of the writers
//! now waiting behind it on the lock — applies them in queue order to one copy of the current
//! root, publishes that copy as the next version, and, once it is current, writes every ticket's
//! outcome before it lets the lock go. The batches it took are dropped after the lock is let go.
//!
//! So under load one lock hand-over publishes many batches: one root copy, one version to retire
//! and free, instead of one per batch. With no contention the queue holds only the caller's batch
//! and a commit is what it was before: one batch, one version.
//!
//! Why a waiting writer waits on the commit lock rather than on its ticket: the lock is what
//! orders the outcome after the publication. A waiting writer reads its ticket only once it holds
//! the lock, and the combiner writes it only after the swap. A writer that polled its ticket
//! without the lock would need the same care on the combiner's side: `kb/tests/loom.rs` shows
//! loom catching a variant that records outcomes before the swap and lets writers poll.
//!
//! # What it keeps
//! - **Atomicity per batch.** [`Batch::apply`] applies all of a batch or, refusing it, none; a
//!   version holds whole batches.
//! - **One total order.** Versions are still numbered by the publisher under its lock; batches
//!   published together share a number (they touch disjoint partitions, so their order within the
//!   version is invisible).
//! - **Visible on return.** A writer's outcome is written after the version holding its batch
//!   became current, and read by a waiting writer only under the commit lock (the combiner reads
//!   its own after publishing it).
//! - **One batch's failure is its own.** A refused batch is left out; a batch whose `apply`
//!   panics is left out, the version is rebuilt from the root without it, and the panic is
//!   handed back to that batch's writer ([`Outcome::Panicked`]) to resume on its own thread.
//!   Should anything else panic while the combiner holds other writers' batches (the value's
//!   `Clone` or `Drop`), nothing is published, the combiner's commit unwinds, and every batch it
//!   took is resolved as `Panicked` with [`ABANDONED`]: no writer is told "published" for a
//!   batch that was not, and none waits for ever.
//! - **Snapshots untouched.** Readers load the root cell exactly as before.
//!
//! One `GroupCommit` serves one [`Publisher`], and every commit passes the same context: the
//! combiner publishes everybody's batches through the publisher and context it was given.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::protocol::Publisher;
use crate::sync::{lock, Arc, AtomicU64, Mutex, Ordering};

/// A batch of writes that can be applied to a copy of the published value.
pub trait Batch<T>: Send {
    /// What `apply` checks the batch against (the knowledge base's leases). The combiner passes
    /// its own: every writer of one publisher shares it.
    type Context: ?Sized;

    /// Applies the whole batch to `next`, or refuses it and leaves `next` unchanged. Called with
    /// the commit lock held; may be called again on a fresh copy if a later batch of the group
    /// panics.
    fn apply(&self, cx: &Self::Context, next: &mut T) -> Result<(), Refused>;
}

/// A batch's refusal (for the knowledge base: its writer's lease was revoked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// What became of a committed batch.
#[derive(Debug)]
pub enum Outcome {
    /// Published in this version.
    Published(u64),
    /// Refused by [`Batch::apply`]; nothing of it was published.
    Refused,
    /// `apply` panicked; nothing of it was published. The payload, for the batch's writer to
    /// resume (`std::panic::resume_unwind`).
    Panicked(Box<dyn Any + Send>),
}

/// Where the combiner leaves one writer's outcome. Each writer keeps one and reuses it.
#[derive(Debug, Default)]
pub struct Ticket {
    /// Written and read only with the commit lock held.
    outcome: Mutex<Option<Outcome>>,
}

impl Ticket {
    /// A ticket with no outcome.
    pub fn new() -> Self {
        Self::default()
    }

    fn resolve(&self, outcome: Outcome) {
        *lock(&self.outcome) = Some(outcome);
    }

    fn take(&self) -> Option<Outcome> {
        lock(&self.outcome).take()
    }

    fn is_resolved(&self) -> bool {
        lock(&self.outcome).is_some()
    }
}

/// The queue of batches waiting for a combiner.
pub struct GroupCommit<B> {
    queue: Mutex<Vec<(B, Arc<Ticket>)>>,
    batches: AtomicU64,
    drop_panics: AtomicU64,
}

impl<B> Default for GroupCommit<B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<B> GroupCommit<B> {
    /// An empty queue.
    pub fn new() -> Self {
        GroupCommit {
            queue: Mutex::new(Vec::new()),
            batches: AtomicU64::new(0),
            drop_panics: AtomicU64::new(0),
        }
    }

    /// Batches published so far (each version holds one or more).
    pub fn batches_published(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// Drops of taken batches that panicked (stopped in the combiner's clean-up, after every
    /// outcome was told).
    pub fn drop_panics(&self) -> u64 {
        self.drop_panics.load(Ordering::Relaxed)
    }

    /// Publishes `batch` through `publisher`, alone or with the batches queued beside it, and
    /// returns its outcome once the version holding it is current. `ticket` is the caller's own
    /// (one per writer; no other commit may use it at the same time). Always the same
    /// `publisher` and `cx` for one `GroupCommit`.
    pub fn commit<T: Clone>(
        &self,
        publisher: &Publisher<T>,
        cx: &B::Context,
        batch: B,
        ticket: &Arc<Ticket>,
    ) -> Outcome
    where
        B: Batch<T>,
    {
        // A commit of this ticket that unwound as combiner left its outcome behind.
        drop(ticket.take());
        lock(&self.queue).push((batch, Arc::clone(ticket)));
        let built = publisher.publish_with(
            |current, _| {
                if let Some(done) = ticket.take() {
                    return Err(NotPublished::Done(done)); // a previous combiner took the batch
                }
                // The caller's batch is still queued: only a combiner takes batches, and it
                // resolves each one before it lets the lock go.
                let taken = Taken(std::mem::take(&mut *lock(&self.queue)));
                match combine(current, cx, &taken.0) {
                    Some(next) => Ok((next, taken)),
                    None => Err(NotPublished::Nothing(taken)),
                }
            },
            |taken, number| {
                // The version is current: now, and not before, the outcomes can be told.
                let mut published = 0;
                for (_, t) in &taken.0 {
                    if !t.is_resolved() {
                        t.resolve(Outcome::Published(number));
                        published += 1;
                    }
                }
                self.batches.fetch_add(published, Ordering::Relaxed);
            },
        );
        let taken = match built {
            Ok((_, taken)) | Err(NotPublished::Nothing(taken)) => taken,
            Err(NotPublished::Done(done)) => return done,
        };
        self.recycle(taken);
        ticket
            .take()
            .expect("the combiner resolves every batch it takes")
    }

    /// Drops the batches a combiner took — outside the commit lock, a drop that panics stopping
    /// here — and hands their buffer back to the queue, so that a commit does not allocate one.
    fn recycle(&self, mut taken: Taken<B>) {
        let mut group = std::mem::take(&mut taken.0);
        let cleared = catch_unwind(AssertUnwindSafe(|| group.clear()));
        if cleared.is_err() {
            self.drop_panics.fetch_add(1, Ordering::Relaxed);
        } else {
            let mut queue = lock(&self.queue);
            if queue.is_empty() {
                std::mem::swap(&mut *queue, &mut group);
            }
        }
    }
}

/// Why a commit published nothing.
enum NotPublished<B> {
    /// A previous combiner resolved the caller's batch.
    Done(Outcome),
    /// No batch of the group could be applied (all refused or panicked; each resolved).
    Nothing(Taken<B>),
}

/// What a panicking combiner's batches are resolved with ([`Outcome::Panicked`]'s payload).
pub const ABANDONED: &str = "another writer's commit panicked while it was publishing this \
batch with its own; nothing of this batch was published, and it is still staged";

/// The batches a combiner took. If the combiner unwinds while holding them, every batch not
/// resolved yet is resolved as `Panicked` with [`ABANDONED`], so that its writer neither waits
/// nor is told it was published.
struct Taken<B>(Vec<(B, Arc<Ticket>)>);

impl<B> Drop for Taken<B> {
    fn drop(&mut self) {
        for (_, t) in &self.0 {
            if !t.is_resolved() {
                t.resolve(Outcome::Panicked(Box::new(ABANDONED)));
            }
        }
    }
}

/// Applies every batch of `group` to a copy of `current`; refused and panicking batches are
/// resolved here and left out. `None` when no batch was applied (nothing to publish).
fn combine<T: Clone, B: Batch<T>>(
    current: &T,
    cx: &B::Context,
    group: &[(B, Arc<Ticket>)],
) -> Option<T> {
    'attempt: loop {
        let mut next = current.clone();
        let mut applied = 0;
        for (batch, ticket) in group {
            if ticket.is_resolved() {
                continue; // refused, or panicked, in an earlier attempt
            }
            match catch_unwind(AssertUnwindSafe(|| batch.apply(cx, &mut next))) {
                Ok(Ok(())) => applied += 1,
                Ok(Err(Refused)) => ticket.resolve(Outcome::Refused),
                Err(payload) => {
                    // `next` may hold part of this batch: start again without it.
                    ticket.resolve(Outcome::Panicked(payload));
                    continue 'attempt;
                }
            }
        }
        return (applied > 0).then_some(next);
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// Sets slot `.0` to `.1`; refuses when `.1` is 0; panics when `.1` is `u64::MAX`.
    struct Set(usize, u64);
    impl Batch<Vec<u64>> for Set {
        type Context = ();
        fn apply(&self, _: &(), next: &mut Vec<u64>) -> Result<(), Refused> {
            match self.1 {
                0 => Err(Refused),
                u64::MAX => {
                    next[self.0] = 99; // half-applied, then:
                    std::panic::resume_unwind(Box::new("batch panicked"));
                }
                v => {
                    next[self.0] = v;
                    Ok(())
                }
            }
        }
    }

    fn tickets(n: usize) -> Vec<Arc<Ticket>> {
        (0..n).map(|_| Arc::new(Ticket::new())).collect()
    }

    #[test]
    fn a_queued_group_is_one_version_and_a_failing_batch_is_left_out() {
        let publisher = Publisher::new(vec![0u64; 4]);
        let group = GroupCommit::new();
        let t = tickets(4);
        // Three batches wait in the queue as if their writers were blocked on the lock; the
        // fourth writer's commit combines them all.
        for (i, v) in [(0, 5), (1, 0), (2, u64::MAX)] {
            lock(&group.queue).push((Set(i, v), Arc::clone(&t[i])));
        }
        let last = group.commit(&publisher, &(), Set(3, 7), &t[3]);
        assert!(matches!(last, Outcome::Published(2)), "{last:?}");
        assert!(matches!(t[0].take(), Some(Outcome::Published(2))));
        assert!(matches!(t[1].take(), Some(Outcome::Refused)));
        assert!(matches!(t[2].take(), Some(Outcome::Panicked(_))));
        let v = publisher.load();
        assert_eq!((v.number, v.value.clone()), (2, vec![5, 0, 0, 7]));
        assert_eq!(group.batches_published(), 2);
        assert_eq!(publisher.retired().retired_count(), 1, "one version");
    }

    std::thread_local! {
        static CLONE_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// A value whose `clone` panics while `CLONE_PANICS` is set.
    #[derive(Debug)]
    struct Fragile(Vec<u64>);
    impl Clone for Fragile {
        fn clone(&self) -> Self {
            if CLONE_PANICS.with(|p| p.replace(false)) {
                std::panic::resume_unwind(Box::new("clone panicked"));
            }
            Fragile(self.0.clone())
        }
    }
    /// Sets slot `.0` to `.1`; dropping it panics when `.2`.
    struct Put(usize, u64, bool);
    impl Batch<Fragile> for Put {
        type Context = ();
        fn apply(&self, _: &(), next: &mut Fragile) -> Result<(), Refused> {
            next.0[self.0] = self.1;
            Ok(())
        }
    }
    impl Drop for Put {
        fn drop(&mut self) {
            if self.2 && !std::thread::panicking() {
                std::panic::resume_unwind(Box::new("batch drop panicked"));
            }
        }
    }

    #[test]
    fn a_combiner_panicking_outside_apply_tells_no_one_published() {
        let publisher = Publisher::new(Fragile(vec![0; 3]));
        let group = GroupCommit::new();
        let t = tickets(3);
        for (i, ticket) in t[..2].iter().enumerate() {
            lock(&group.queue).push((Put(i, 1, false), Arc::clone(ticket)));
        }
        CLONE_PANICS.with(|p| p.set(true));
        let unwound = catch_unwind(AssertUnwindSafe(|| {
            group.commit(&publisher, &(), Put(2, 1, false), &t[2])
        }));
        assert!(unwound.is_err(), "the combiner's commit unwinds");
        for ticket in &t[..2] {
            match ticket.take() {
                Some(Outcome::Panicked(p)) => assert_eq!(p.downcast_ref(), Some(&ABANDONED)),
                other => panic!("a waiting writer was told {other:?}"),
            }
        }
        assert_eq!(publisher.load().number, 1, "nothing published");
        assert_eq!(group.batches_published(), 0);
        // The combiner's ticket is reused: its stale outcome does not answer the next commit.
        let next = group.commit(&publisher, &(), Put(2, 5, false), &t[2]);
        assert!(matches!(next, Outcome::Published(2)), "{next:?}");
        assert_eq!(publisher.load().value.0, [0, 0, 5]);
    }

    #[test]
    fn a_batch_whose_drop_panics_is_dropped_after_everyone_was_told() {
        let publisher = Publisher::new(Fragile(vec![0; 2]));
        let group = GroupCommit::new();
        let t = tickets(2);
        lock(&group.queue).push((Put(0, 1, true), Arc::clone(&t[0])));
        let mine = group.commit(&publisher, &(), Put(1, 1, false), &t[1]);
        assert!(matches!(mine, Outcome::Published(2)), "{mine:?}");
        assert!(matches!(t[0].take(), Some(Outcome::Published(2))));
        assert_eq!(publisher.load().value.0, [1, 1]);
        assert_eq!(group.drop_panics(), 1);
        let again = group.commit(&publisher, &(), Put(0, 2, false), &t[0]);
        assert!(matches!(again, Outcome::Published(3)), "{again:?}");
    }

    #[test]
    fn a_group_of_refused_batches_publishes_nothing() {
        let publisher = Publisher::new(vec![0u64; 2]);
        let group = GroupCommit::new();
        let t = tickets(1);
        assert!(matches!(
            group.commit(&publisher, &(), Set(0, 0), &t[0]),
            Outcome::Refused
        ));
        assert_eq!(publisher.load().number, 1);
        assert_eq!(group.batches_published(), 0);
        // The ticket is reusable.
        assert!(matches!(
            group.commit(&publisher, &(), Set(0, 3), &t[0]),
            Outcome::Published(2)
        ));
    }
}
