//! Exhaustive model checking of the publication protocol with loom: `cargo loom`.
//!
//! The protocol (`protocol::Publisher`, `group::GroupCommit`, `lease::Leases`, `retire::Retired`)
//! is the crate's own
//! code, compiled against loom's primitives through `kb/src/sync.rs`. The published value is a
//! tiny purely functional stand-in for the trie: `[u64; 4]`, where partition `p` owns slots
//! `2p` and `2p + 1` and a batch `b` of partition `p` sets both to `b`. So a torn publication
//! shows as two different numbers in one partition's slots.
//!
//! Each model is written once, generic over [`Root`], and run against the real publisher and
//! against deliberately wrong variants that loom must catch (`#[should_panic]`): a blind root
//! store outside the commit lock (lost update), write-behind publication that acknowledges
//! before the new root is visible (stale after ack), a batch published in two stores (torn),
//! Relaxed publication of an `UnsafeCell` payload (data race), a lease revocation that
//! does not exclude commits (lost update across a revocation), and a group commit whose waiting
//! writers poll their outcome instead of taking the commit lock (stale after ack).
//!
//! Preemption bound: `LOOM_MAX_PREEMPTIONS` (default 6, set in `model`). Measured on the 2-core
//! development machine, release build, whole file: see the README's "loom" section.

#![cfg(loom)]

use std::convert::Infallible;

use std::time::Duration;

use hybrid_kb::group::{Batch, GroupCommit, Outcome, Refused, Ticket};
use hybrid_kb::lease::{LeaseId, Leases};
use hybrid_kb::protocol::{Publisher, Version};
use hybrid_kb::reclaimer::{after_publish, Reclaimer};
use hybrid_kb::retire::Retired;
use hybrid_kb::LeaseError;
use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex, RwLock};
use loom::thread;

type Slots = [u64; 4];

/// Runs `f` under every interleaving loom explores within the preemption bound, and reports how
/// many that was.
#[track_caller]
fn model(f: impl Fn() + Sync + Send + 'static) {
    run_model(Some(6), f)
}

/// Runs `f` under every interleaving, with no preemption bound: for the models small enough to
/// be explored completely.
#[track_caller]
fn exhaustive(f: impl Fn() + Sync + Send + 'static) {
    run_model(None, f)
}

/// `LOOM_MAX_PREEMPTIONS`, when set, overrides `bound`.
#[track_caller]
fn run_model(bound: Option<usize>, f: impl Fn() + Sync + Send + 'static) {
    use std::sync::atomic::{AtomicUsize as StdCount, Ordering::Relaxed};
    let mut builder = loom::model::Builder::new();
    if std::env::var_os("LOOM_MAX_PREEMPTIONS").is_none() {
        builder.preemption_bound = bound;
    }
    let iterations = std::sync::Arc::new(StdCount::new(0));
    let (count, caller, start) = (
        iterations.clone(),
        std::panic::Location::caller(),
        std::time::Instant::now(),
    );
    builder.check(move || {
        count.fetch_add(1, Relaxed);
        f()
    });
    let bound = builder
        .preemption_bound
        .map_or("unbounded".into(), |b| b.to_string());
    eprintln!(
        "loom model at line {}: {} iterations, preemption bound {bound}, {:.2?}",
        caller.line(),
        iterations.load(Relaxed),
        start.elapsed()
    );
}

/// What a model needs from a publication protocol.
trait Root: Send + Sync + 'static {
    fn new(initial: Slots) -> Self;
    /// A snapshot: the version number and the value.
    fn read(&self) -> (u64, Slots);
    /// Publishes `f(current)`; returns the new version number once the caller may acknowledge it.
    fn publish(&self, f: impl Fn(&Slots) -> Slots) -> u64;
    /// Finishes any deferred work (only the write-behind variant has some).
    fn settle(&self) {}
}

impl Root for Publisher<Slots> {
    fn new(initial: Slots) -> Self {
        Publisher::new(initial)
    }
    fn read(&self) -> (u64, Slots) {
        let v = self.load();
        (v.number, v.value)
    }
    fn publish(&self, f: impl Fn(&Slots) -> Slots) -> u64 {
        Publisher::publish::<Infallible>(self, |v| Ok(f(v))).unwrap()
    }
}

fn batch(p: usize, b: u64) -> impl Fn(&Slots) -> Slots {
    move |s| {
        let mut next = *s;
        next[2 * p] = b;
        next[2 * p + 1] = b;
        next
    }
}

// ---- the models ---------------------------------------------------------------------------

/// A snapshot taken after a commit was acknowledged contains it (real-time visibility), and no
/// snapshot is torn.
fn visible_after_ack<R: Root>() {
    model(|| {
        let root = Arc::new(R::new([0; 4]));
        let acked = Arc::new(AtomicU64::new(0));
        let writer = {
            let (root, acked) = (root.clone(), acked.clone());
            thread::spawn(move || {
                for b in 1..=2 {
                    root.publish(batch(0, b));
                    acked.store(b, Ordering::Release);
                }
            })
        };
        let before = acked.load(Ordering::Acquire);
        let (_, s) = root.read();
        assert_eq!(s[0], s[1], "torn snapshot {s:?}");
        assert!(
            s[0] >= before,
            "stale after ack: batch {before} acknowledged, snapshot has {}",
            s[0]
        );
        writer.join().unwrap();
        root.settle();
    });
}

/// Readers never see half a batch, and their versions and cuts never go backwards.
fn never_torn<R: Root>() {
    model(|| {
        let root = Arc::new(R::new([0; 4]));
        let writer = {
            let root = root.clone();
            thread::spawn(move || {
                root.publish(batch(0, 1));
                root.publish(batch(1, 1));
            })
        };
        let mut last = (0, [0; 4]);
        for _ in 0..2 {
            let (n, s) = root.read();
            assert!(s[0] == s[1] && s[2] == s[3], "torn snapshot {s:?}");
            assert!(
                n >= last.0 && s.iter().zip(&last.1).all(|(a, b)| a >= b),
                "went backwards: {last:?} then {:?}",
                (n, s)
            );
            last = (n, s);
        }
        writer.join().unwrap();
    });
}

/// Two partitions committing concurrently both survive.
fn no_lost_update<R: Root>() {
    model(|| {
        let root = Arc::new(R::new([0; 4]));
        let writers: Vec<_> = (0..2)
            .map(|p| {
                let root = root.clone();
                thread::spawn(move || root.publish(batch(p, 1)))
            })
            .collect();
        let mut numbers: Vec<u64> = writers.into_iter().map(|h| h.join().unwrap()).collect();
        root.settle();
        let (n, s) = root.read();
        assert_eq!(s, [1; 4], "lost update: final state {s:?}");
        numbers.sort();
        assert_eq!(
            (numbers, n),
            (vec![2, 3], 3),
            "versions not totally ordered"
        );
    });
}

#[test]
fn publisher_makes_acknowledged_commits_visible() {
    visible_after_ack::<Publisher<Slots>>();
}
#[test]
fn publisher_never_tears_a_snapshot() {
    never_torn::<Publisher<Slots>>();
}
#[test]
fn publisher_loses_no_update() {
    no_lost_update::<Publisher<Slots>>();
}

// ---- broken variants that the models must catch -----------------------------------------

/// Builds on a root read outside any serialization, then stores blindly.
struct BlindStore(RwLock<Arc<Version<Slots>>>);
impl Root for BlindStore {
    fn new(initial: Slots) -> Self {
        BlindStore(RwLock::new(Arc::new(Version {
            number: 1,
            value: initial,
        })))
    }
    fn read(&self) -> (u64, Slots) {
        let v = self.0.read().unwrap().clone();
        (v.number, v.value)
    }
    fn publish(&self, f: impl Fn(&Slots) -> Slots) -> u64 {
        let (n, s) = self.read();
        *self.0.write().unwrap() = Arc::new(Version {
            number: n + 1,
            value: f(&s),
        });
        n + 1
    }
}

#[test]
#[should_panic(expected = "lost update")]
fn loom_catches_a_blind_root_store() {
    no_lost_update::<BlindStore>();
}

/// Write-behind: `publish` queues the new value and returns; it becomes current at the next
/// publish (or `settle`). The caller acknowledges a commit no new reader can see yet.
struct WriteBehind {
    root: Publisher<Slots>,
    pending: Mutex<Vec<Slots>>,
}
impl WriteBehind {
    fn flush(&self) {
        for next in std::mem::take(&mut *self.pending.lock().unwrap()) {
            Root::publish(&self.root, |_| next);
        }
    }
}
impl Root for WriteBehind {
    fn new(initial: Slots) -> Self {
        WriteBehind {
            root: Publisher::new(initial),
            pending: Mutex::new(Vec::new()),
        }
    }
    fn read(&self) -> (u64, Slots) {
        Root::read(&self.root)
    }
    fn publish(&self, f: impl Fn(&Slots) -> Slots) -> u64 {
        self.flush();
        let (n, s) = Root::read(&self.root);
        self.pending.lock().unwrap().push(f(&s));
        n + 1
    }
    fn settle(&self) {
        self.flush();
    }
}

#[test]
#[should_panic(expected = "stale after ack")]
fn loom_catches_an_ack_before_publication() {
    visible_after_ack::<WriteBehind>();
}

/// Publishes a batch key by key: two stores, the first with half the batch.
struct TwoStores(Publisher<Slots>);
impl Root for TwoStores {
    fn new(initial: Slots) -> Self {
        TwoStores(Publisher::new(initial))
    }
    fn read(&self) -> (u64, Slots) {
        Root::read(&self.0)
    }
    fn publish(&self, f: impl Fn(&Slots) -> Slots) -> u64 {
        let (_, s) = Root::read(&self.0);
        let full = f(&s);
        let first = s.iter().zip(&full).position(|(a, b)| a != b).unwrap_or(0);
        let mut half = s;
        half[first] = full[first];
        Root::publish(&self.0, |_| half);
        Root::publish(&self.0, |_| full)
    }
}

#[test]
#[should_panic(expected = "torn snapshot")]
fn loom_catches_a_batch_published_in_two_stores() {
    never_torn::<TwoStores>();
}

/// The payload is written into an `UnsafeCell` and "published" with a Relaxed flag: nothing
/// orders the payload's write before the reader's read. loom reports the data race.
#[test]
#[should_panic]
fn loom_catches_relaxed_publication_of_an_unsafecell_payload() {
    struct RelaxedCell {
        payload: UnsafeCell<Slots>,
        ready: AtomicBool,
    }
    // SAFETY (deliberately violated): sharing is sound only if `ready` orders the payload.
    unsafe impl Sync for RelaxedCell {}
    model(|| {
        let cell = Arc::new(RelaxedCell {
            payload: UnsafeCell::new([0; 4]),
            ready: AtomicBool::new(false),
        });
        let writer = {
            let cell = cell.clone();
            thread::spawn(move || {
                // SAFETY: the only writer; readers wait for `ready` (with the wrong ordering).
                cell.payload.with_mut(|p| unsafe { *p = [1; 4] });
                cell.ready.store(true, Ordering::Relaxed);
            })
        };
        if cell.ready.load(Ordering::Relaxed) {
            // SAFETY (deliberately violated): Relaxed does not make the write visible.
            let s = cell.payload.with(|p| unsafe { *p });
            assert_eq!(s, [1; 4]);
        }
        writer.join().unwrap();
    });
}

// ---- group commit ---------------------------------------------------------------------------

/// Batch `b` of partition `p` for the group commit; refused when `b` is 0 (the model's stand-in
/// for a revoked lease: the knowledge base's lease check is not part of these models); panics
/// half-applied when `b` is `u64::MAX`.
struct SlotBatch {
    p: usize,
    b: u64,
}

impl Batch<Slots> for SlotBatch {
    type Context = ();
    fn apply(&self, _: &(), next: &mut Slots) -> Result<(), Refused> {
        match self.b {
            0 => Err(Refused),
            u64::MAX => {
                next[2 * self.p] = 7; // half of the batch, then:
                std::panic::resume_unwind(Box::new("a batch panicked mid-apply"));
            }
            b => {
                *next = batch(self.p, b)(next);
                Ok(())
            }
        }
    }
}

/// What the group-commit models need: commit batch `b` of partition `p` (the number it was
/// published in, or `None` if refused), and read a snapshot.
trait Group: Send + Sync + 'static {
    fn new() -> Self;
    fn commit(&self, p: usize, b: u64, ticket: &Arc<Ticket>) -> Option<u64>;
    fn read(&self) -> (u64, Slots);
}

/// The crate's group commit on the crate's publisher.
struct Grouped {
    root: Publisher<Slots>,
    group: GroupCommit<SlotBatch>,
}

impl Group for Grouped {
    fn new() -> Self {
        Grouped {
            root: Publisher::freeing_on_commit([0; 4]),
            group: GroupCommit::new(),
        }
    }
    fn commit(&self, p: usize, b: u64, ticket: &Arc<Ticket>) -> Option<u64> {
        match self
            .group
            .commit(&self.root, &(), SlotBatch { p, b }, ticket)
        {
            Outcome::Published(n) => Some(n),
            Outcome::Refused | Outcome::Panicked(_) => None,
        }
    }
    fn read(&self) -> (u64, Slots) {
        Root::read(&self.root)
    }
}

/// Two writers commit at once, alone or grouped: each batch is visible to every snapshot taken
/// after its writer returned, no snapshot is torn, and the versions count the groups — one
/// version if they were combined, two if not, never a batch published twice or lost.
///
/// Preemption bound 3 (3,828 iterations here): it reaches both outcomes and the wrong variant's
/// failure; bound 6 takes 492,214 iterations (38 s).
/// Returns how many explored executions combined the two batches into one version, so the
/// caller can see that the model reached that case.
fn grouped_commits<G: Group>() -> usize {
    use std::sync::atomic::{AtomicUsize as StdCount, Ordering::Relaxed};
    let combined = std::sync::Arc::new(StdCount::new(0));
    let count = combined.clone();
    run_model(Some(3), move || {
        let root = Arc::new(G::new());
        let acked: Arc<[AtomicU64; 2]> = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
        let writers: Vec<_> = (0..2)
            .map(|p| {
                let (root, acked) = (root.clone(), acked.clone());
                thread::spawn(move || {
                    let n = root.commit(p, 1, &Arc::new(Ticket::new()));
                    acked[p].store(1, Ordering::Release);
                    n.expect("no lease is revoked here")
                })
            })
            .collect();
        let before = [0, 1].map(|p| acked[p].load(Ordering::Acquire));
        let (_, s) = root.read();
        assert!(s[0] == s[1] && s[2] == s[3], "torn snapshot {s:?}");
        for p in 0..2 {
            assert!(
                s[2 * p] >= before[p],
                "stale after ack: writer {p} returned, the snapshot has {s:?}"
            );
        }
        let numbers: Vec<u64> = writers.into_iter().map(|h| h.join().unwrap()).collect();
        let (n, s) = root.read();
        assert_eq!(s, [1; 4], "lost update: final state {s:?}");
        let expected = match numbers[0] == numbers[1] {
            true => {
                count.fetch_add(1, Relaxed);
                (2, vec![2, 2]) // combined: one version
            }
            false => (3, vec![2, 3]),
        };
        let mut sorted = numbers.clone();
        sorted.sort();
        assert_eq!((n, sorted), expected, "versions do not count the groups");
    });
    combined.load(Relaxed)
}

#[test]
fn group_commit_publishes_each_batch_once_and_visibly() {
    let combined = grouped_commits::<Grouped>();
    assert!(combined > 0, "the model never combined two batches");
}

/// A refused batch, or one that panics half-applied, committed beside a good one: the good one
/// is published, the failing one is not (not even half of it), and nothing is published for it
/// alone.
fn a_failing_batch_alone(b: u64) {
    model(move || {
        let root = Arc::new(Grouped::new());
        let refused = {
            let root = root.clone();
            thread::spawn(move || root.commit(0, b, &Arc::new(Ticket::new())))
        };
        let published = root.commit(1, 1, &Arc::new(Ticket::new()));
        assert_eq!(refused.join().unwrap(), None);
        assert_eq!(published, Some(2));
        assert_eq!(root.read(), (2, [0, 0, 1, 1]));
        assert_eq!(root.group.batches_published(), 1);
    });
}

#[test]
fn group_commit_leaves_out_a_refused_batch_alone() {
    a_failing_batch_alone(0);
}

#[test]
fn group_commit_leaves_out_a_panicking_batch_alone() {
    a_failing_batch_alone(u64::MAX);
}

/// The tempting shortcut: a waiting writer polls its outcome instead of taking the commit lock,
/// and the combiner records outcomes while it builds — before the new root is swapped in. A
/// writer can then return, and a reader it told miss its batch.
struct PollingGroup {
    root: Publisher<Slots>,
    queue: Mutex<Vec<(usize, u64, Arc<AtomicU64>)>>,
}

impl Group for PollingGroup {
    fn new() -> Self {
        PollingGroup {
            root: Publisher::new([0; 4]),
            queue: Mutex::new(Vec::new()),
        }
    }
    fn commit(&self, p: usize, b: u64, _: &Arc<Ticket>) -> Option<u64> {
        let done = Arc::new(AtomicU64::new(0));
        self.queue.lock().unwrap().push((p, b, done.clone()));
        loop {
            let n = done.load(Ordering::Acquire); // without the lock: the bug
            if n != 0 {
                return Some(n);
            }
            let _ = self.root.publish_with(
                |current, number| {
                    let group = std::mem::take(&mut *self.queue.lock().unwrap());
                    if group.is_empty() {
                        return Err(());
                    }
                    let mut next = *current;
                    for (p, b, done) in &group {
                        next = batch(*p, *b)(&next);
                        done.store(number, Ordering::Release); // before the swap: the bug
                    }
                    Ok((next, ()))
                },
                |_, _| {},
            );
        }
    }
    fn read(&self) -> (u64, Slots) {
        Root::read(&self.root)
    }
}

#[test]
#[should_panic(expected = "stale after ack")]
fn loom_catches_a_group_acknowledged_before_its_version_is_current() {
    grouped_commits::<PollingGroup>();
}

// ---- leases ---------------------------------------------------------------------------------

/// Overlapping prefixes are never held at once; disjoint ones always can be.
#[test]
fn leases_are_exclusive_for_overlapping_prefixes() {
    model(|| {
        let leases = Arc::new(Leases::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let contenders: Vec<_> = [&b"a/"[..], b"a/b/"]
            .into_iter()
            .map(|prefix| {
                let (leases, inside) = (leases.clone(), inside.clone());
                thread::spawn(move || {
                    if let Ok(id) = leases.try_acquire(prefix, "model") {
                        assert_eq!(
                            inside.fetch_add(1, Ordering::SeqCst),
                            0,
                            "two overlapping leases held at once"
                        );
                        inside.fetch_sub(1, Ordering::SeqCst);
                        leases.release(id);
                        true
                    } else {
                        false
                    }
                })
            })
            .collect();
        let disjoint = leases
            .try_acquire(b"c/", "model")
            .expect("disjoint prefix refused");
        let won: Vec<bool> = contenders.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(
            won.iter().any(|&w| w),
            "both contenders refused: one of them must win"
        );
        leases.release(disjoint);
        assert!(leases.held().is_empty());
    });
}

/// A revocation is atomic with respect to commits: either the old holder's commit lands before
/// it (and the new holder builds on it), or that commit fails. `exclusive` is what makes it so.
fn revoke_then_relet(revoke_excludes_commits: bool) {
    model(move || {
        let root = Arc::new(Publisher::<Slots>::new([0; 4]));
        let leases = Arc::new(Leases::new());
        let old = leases.try_acquire(b"p/", "old").unwrap();
        let old_writer = {
            let (root, leases) = (root.clone(), leases.clone());
            thread::spawn(move || {
                root.publish(|s| {
                    if leases.is_held(old) {
                        Ok(batch(0, 1)(s))
                    } else {
                        Err(())
                    }
                })
                .is_ok()
            })
        };
        let revoke = || leases.revoke(b"p/");
        match revoke_excludes_commits {
            true => root.exclusive(revoke),
            false => revoke(),
        };
        let new = leases.try_acquire(b"p/", "new").unwrap();
        let base = root.load().value[0]; // the new holder's view of its partition
        root.publish::<Infallible>(|s| Ok(batch(0, base + 10)(s)))
            .unwrap();
        leases.release(new);
        let old_landed = old_writer.join().unwrap();
        let last = root.load().value[0];
        if old_landed {
            assert_eq!(
                last, 11,
                "lost update: the old holder's acknowledged commit vanished"
            );
        } else {
            assert_eq!(last, 10);
        }
    });
}

#[test]
fn revocation_loses_no_acknowledged_commit() {
    revoke_then_relet(true);
}

#[test]
#[should_panic(expected = "lost update")]
fn loom_catches_a_revocation_that_races_commits() {
    revoke_then_relet(false);
}

/// A lease handed over by release: the waiting writer is woken and gets it (a lost wake-up
/// would deadlock, which loom reports), and builds on the previous holder's last commit because
/// it reads its partition after the grant, as `KnowledgeBase::writer_wait` does. The wrong
/// variant reads it before waiting.
fn handover(read_after_grant: bool) {
    model(move || {
        let root = Arc::new(Publisher::<Slots>::new([0; 4]));
        let leases = Arc::new(Leases::new());
        let first = leases.try_acquire(b"p/", "first").unwrap();
        let second = {
            let (root, leases) = (root.clone(), leases.clone());
            thread::spawn(move || {
                let early = (!read_after_grant).then(|| root.load().value[0]);
                let id = leases
                    .acquire_timeout(b"p/", "second", Duration::from_secs(3600))
                    .expect("the released lease is granted");
                let base = early.unwrap_or_else(|| root.load().value[0]);
                root.publish::<Infallible>(|s| Ok(batch(0, base + 10)(s)))
                    .unwrap();
                leases.release(id);
            })
        };
        root.publish::<Infallible>(|s| Ok(batch(0, 1)(s))).unwrap();
        leases.release(first);
        second.join().unwrap();
        assert_eq!(
            root.load().value[0],
            11,
            "lost update: the new holder built on a partition read before its grant"
        );
        assert!(leases.held().is_empty());
    });
}

#[test]
fn a_released_lease_goes_to_its_waiter_with_the_last_commit() {
    handover(true);
}

#[test]
#[should_panic(expected = "lost update")]
fn loom_catches_a_partition_read_before_the_grant() {
    handover(false);
}

/// What `Writer::drop` does for its lease: releases it, also when the writer unwinds.
struct LeaseGuard {
    leases: Arc<Leases>,
    id: LeaseId,
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        self.leases.release(self.id);
    }
}

/// A writer that panics mid-batch releases its lease while unwinding, and a writer waiting for
/// the partition gets it. The wrong variant keeps the lease through the panic: the waiter then
/// waits forever, a deadlock loom reports.
fn unwinding_releases(release_while_unwinding: bool) {
    model(move || {
        let leases = Arc::new(Leases::new());
        let id = leases.try_acquire(b"p/", "panicking").unwrap();
        let guard = LeaseGuard {
            leases: leases.clone(),
            id,
        };
        let panicking = thread::spawn(move || {
            let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                let guard = guard;
                if !release_while_unwinding {
                    std::mem::forget(guard);
                }
                // A panic mid-batch (without the panic hook's message on every iteration).
                std::panic::resume_unwind(Box::new("writer panicked mid-batch"));
            }));
            assert!(unwound.is_err());
        });
        let id = leases
            .acquire_timeout(b"p/", "waiting", Duration::from_secs(3600))
            .expect("the lease of a writer that unwound is granted");
        leases.release(id);
        panicking.join().unwrap();
    });
}

#[test]
fn a_writer_unwinding_releases_its_lease_to_a_waiter() {
    unwinding_releases(true);
}

#[test]
#[should_panic(expected = "deadlock")]
fn loom_catches_a_lease_kept_through_a_panic() {
    unwinding_releases(false);
}

/// `writer_wait`'s wake-ups: one release wakes every writer it unblocks. Two writers wait for
/// disjoint partitions under one held prefix; both are granted once it is released (waking only
/// one would leave the other asleep for good, a deadlock loom reports; checked by turning
/// `notify_all` into `notify_one` in `Leases::release`).
#[test]
fn a_release_wakes_every_writer_it_unblocks() {
    exhaustive(|| {
        let leases = Arc::new(Leases::new());
        let held = leases.try_acquire(b"p/", "holder").unwrap();
        let waiters: Vec<_> = [&b"p/a"[..], &b"p/b"[..]]
            .into_iter()
            .map(|prefix| {
                let leases = leases.clone();
                thread::spawn(move || {
                    leases
                        .acquire_timeout(prefix, "waiter", Duration::from_secs(3600))
                        .expect("granted after the release")
                })
            })
            .collect();
        leases.release(held);
        for waiter in waiters {
            let id = waiter.join().unwrap();
            assert!(leases.is_held(id));
        }
        assert_eq!(leases.held().len(), 2);
    });
}

/// `writer_wait`'s timeouts: a writer whose wait has run out (a zero timeout: loom has no clock,
/// so a wait that times out later cannot be modelled) while the holder releases either gets the
/// lease or a timeout naming the holder, and a timeout leaves nothing granted.
#[test]
fn a_timed_out_wait_names_the_holder_and_grants_nothing() {
    exhaustive(|| {
        let leases = Arc::new(Leases::new());
        let held = leases.try_acquire(b"p/", "holder").unwrap();
        let waiter = {
            let leases = leases.clone();
            thread::spawn(move || leases.acquire_timeout(b"p/", "waiter", Duration::ZERO))
        };
        leases.release(held);
        match waiter.join().unwrap() {
            Ok(id) => assert_eq!(leases.held().iter().map(|h| h.id).collect::<Vec<_>>(), [id]),
            Err(LeaseError::Timeout { holder, .. }) => {
                assert!(holder.contains("(holder)"), "{holder}");
                assert!(leases.held().is_empty(), "a timed-out wait was granted");
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    });
}

// ---- retirement -------------------------------------------------------------------------------

loom::thread_local! {
    static IS_READER: std::cell::Cell<bool> = std::cell::Cell::new(false);
}

/// A value that counts its drops and refuses to be dropped on a reader thread.
#[derive(Debug)]
struct Tracked(Arc<AtomicUsize>);
impl Drop for Tracked {
    fn drop(&mut self) {
        assert!(!IS_READER.with(|r| r.get()), "a reader freed a version");
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Every retired version is freed exactly once, by the reclaimer or (`freeing_on_commit`) the
/// committing thread — never by a reader — and never while a snapshot holds it (the reader's
/// value is intact until it lets go).
fn freed_once_never_by_readers(freeing_on_commit: bool) {
    exhaustive(move || {
        let drops = Arc::new(AtomicUsize::new(0));
        let initial = Tracked(drops.clone());
        let root = Arc::new(match freeing_on_commit {
            true => Publisher::freeing_on_commit(initial),
            false => Publisher::new(initial),
        });
        let reader = {
            let root = root.clone();
            thread::spawn(move || {
                IS_READER.with(|r| r.set(true));
                let snapshot = root.load();
                let n = snapshot.number;
                let _ = &snapshot.value.0; // still readable: not freed while held
                drop(snapshot);
                n
            })
        };
        let reclaimer = {
            let root = root.clone();
            thread::spawn(move || root.retired().collect())
        };
        for _ in 0..2 {
            root.publish::<Infallible>(|_| Ok(Tracked(drops.clone())))
                .unwrap();
        }
        let seen = reader.join().unwrap();
        let early = reclaimer.join().unwrap();
        let late = root.retired().collect();
        assert!((1..=3).contains(&seen));
        if !freeing_on_commit {
            assert_eq!(early + late, 2, "each of the 2 retired versions freed once");
        }
        assert_eq!(drops.load(Ordering::Relaxed), 2);
        assert_eq!(root.retired().pending(), 0);
        assert_eq!(root.retired().freed_count(), 2);
    });
}

#[test]
fn retired_versions_are_freed_once_and_never_by_readers() {
    freed_once_never_by_readers(false);
}

#[test]
fn versions_freed_on_commit_are_freed_once_and_never_by_readers() {
    freed_once_never_by_readers(true);
}

/// Two collectors at once — a committing writer and the sweep — and a reader letting go of the
/// version it held: each retired version is freed exactly once, never by the reader.
#[test]
fn two_collectors_free_each_version_once() {
    exhaustive(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let root = Arc::new(Publisher::new(Tracked(drops.clone())));
        let held = root.load(); // a reader's snapshot of version 1
        for _ in 0..2 {
            root.publish::<Infallible>(|_| Ok(Tracked(drops.clone())))
                .unwrap();
        }
        let collectors: Vec<_> = (0..2)
            .map(|_| {
                let root = root.clone();
                thread::spawn(move || root.retired().collect())
            })
            .collect();
        let reader = thread::spawn(move || {
            IS_READER.with(|r| r.set(true));
            drop(held);
        });
        let freed: usize = collectors.into_iter().map(|c| c.join().unwrap()).sum();
        reader.join().unwrap();
        let late = root.retired().collect();
        assert_eq!(freed + late, 2, "each of the 2 retired versions freed once");
        assert_eq!(drops.load(Ordering::Relaxed), 2);
        assert_eq!(root.retired().pending(), 0);
    });
}

/// The reclaimer stops while a writer keeps committing (its knowledge base dropped, the writer
/// alive): the thread is joined (a lost wake-up would deadlock), and nothing the writer retires
/// is left behind — before the stop the thread frees it, after it the writer does
/// (`reclaimer::after_publish`). The wrong variant only wakes, as before: the versions a writer
/// retires after the stop pile up.
fn reclaimer_stops(free_after_stop: bool) {
    exhaustive(move || {
        let drops = Arc::new(AtomicUsize::new(0));
        let retired = Arc::new(Retired::new());
        let reclaimer = Reclaimer::spawn(retired.clone(), Duration::from_secs(3600));
        let waker = reclaimer.waker();
        let writer = {
            let (retired, drops) = (retired.clone(), drops.clone());
            thread::spawn(move || {
                retired.retire(Arc::new(Tracked(drops.clone())));
                match free_after_stop {
                    true => after_publish(Some(&waker), &retired),
                    false => {
                        waker.wake();
                    }
                }
            })
        };
        drop(reclaimer); // stop, wake, join
        writer.join().unwrap();
        assert_eq!(
            retired.pending(),
            0,
            "versions piled up after the reclaimer stopped"
        );
        assert_eq!(drops.load(Ordering::Relaxed), 1);
    });
}

#[test]
fn a_stopping_reclaimer_leaves_nothing_behind() {
    reclaimer_stops(true);
}

#[test]
#[should_panic(expected = "piled up")]
fn loom_catches_a_writer_that_only_wakes_a_stopped_reclaimer() {
    reclaimer_stops(false);
}
