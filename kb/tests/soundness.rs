//! The crate's promises where a value's own code misbehaves or the handles outlive each other:
//! a `clone` that panics during a commit publishes nothing; a `Drop` that panics stops neither
//! the commit nor reclamation; a writer that outlives its knowledge base does not pile up
//! versions; and who frees a version once the knowledge base is gone. (That a `Writer` cannot be
//! shared between threads is a compile-fail example in its documentation.)
//!
//! The values here count themselves in per-test globals, and each test uses its own value type,
//! so the tests running in parallel cannot disturb each other's counts.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering::SeqCst},
    time::{Duration, Instant},
};

use hybrid_kb::{KnowledgeBase, Reclaim, Snapshot};

/// A value type counting its live instances in `$live`, whose `clone` panics on the clone
/// `$countdown` reaches zero at, and whose `drop` panics once when `$bomb` is set and the value
/// is an original (not a clone: pathmap clones values when it copies a node) holding 666.
macro_rules! counted {
    ($name:ident, $live:ident, $countdown:ident, $bomb:ident) => {
        static $live: AtomicI64 = AtomicI64::new(0);
        static $countdown: AtomicUsize = AtomicUsize::new(usize::MAX);
        static $bomb: AtomicBool = AtomicBool::new(false);

        #[derive(Debug)]
        struct $name {
            v: u64,
            original: bool,
        }

        impl $name {
            fn new(v: u64) -> Self {
                $live.fetch_add(1, SeqCst);
                $name { v, original: true }
            }
        }

        impl PartialEq<u64> for $name {
            fn eq(&self, v: &u64) -> bool {
                self.v == *v
            }
        }

        impl Clone for $name {
            fn clone(&self) -> Self {
                if $countdown.fetch_sub(1, SeqCst) == 1 {
                    panic!("a value's clone panicked (on purpose)");
                }
                $live.fetch_add(1, SeqCst);
                $name {
                    v: self.v,
                    original: false,
                }
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                $live.fetch_sub(1, SeqCst);
                if self.original && self.v == 666 && $bomb.swap(false, SeqCst) {
                    panic!("a value's drop panicked (on purpose)");
                }
            }
        }
    };
}

counted!(CloneBomb, LIVE_A, COUNTDOWN_A, BOMB_A);
counted!(DropBomb, LIVE_B, COUNTDOWN_B, BOMB_B);
counted!(LateBomb, LIVE_F, COUNTDOWN_F, BOMB_F);
counted!(Versioned, LIVE_C, COUNTDOWN_C, BOMB_C);
counted!(Lasting, LIVE_D, COUNTDOWN_D, BOMB_D);
counted!(Reclaimed, LIVE_E, COUNTDOWN_E, BOMB_E);

#[test]
fn a_value_clone_that_panics_in_commit_publishes_nothing() {
    let kb = KnowledgeBase::<CloneBomb>::with_reclaim(Reclaim::OnCommit { sweep: None });
    let mut w = kb.writer("p/").unwrap();
    // A value at the partition's own key is the one value that cloning a partition's map
    // clones (pathmap keeps it in the map, not in a shared node).
    w.put(b"p/", CloneBomb::new(1)).unwrap();
    let before = kb.version();
    // The commit clones the staged map twice (the batch to publish, the writer's copy for
    // rollback): the second clone panics.
    COUNTDOWN_A.store(2, SeqCst);
    let unwound = catch_unwind(AssertUnwindSafe(|| w.commit()));
    assert!(unwound.is_err(), "the clone should have panicked");
    COUNTDOWN_A.store(usize::MAX, SeqCst);
    assert_eq!(
        kb.version(),
        before,
        "a commit that panicked published a version"
    );
    assert!(kb.snapshot().get(b"p/").is_none());
    // The batch is still staged; committing again publishes it, once.
    assert!(w.has_staged());
    assert_eq!(w.commit().unwrap(), before + 1);
    assert!(kb.snapshot().get(b"p/").is_some_and(|v| *v == 1));
}

#[test]
fn a_value_drop_that_panics_stops_neither_the_commit_nor_reclamation() {
    let kb = KnowledgeBase::<DropBomb>::with_reclaim(Reclaim::OnCommit { sweep: None });
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/k", DropBomb::new(666)).unwrap();
    w.commit().unwrap();
    BOMB_B.store(true, SeqCst);
    // This commit supersedes the version holding 666 and frees it inline: its drop panics.
    w.put(b"p/k", DropBomb::new(1)).unwrap();
    w.commit()
        .expect("a commit whose freeing panicked still returns its version");
    assert!(!BOMB_B.load(SeqCst), "the bomb went off");
    let stats = kb.stats();
    assert_eq!(stats.drop_panics, 1);
    // Reclamation goes on: later superseded versions are freed.
    let freed = stats.versions_freed;
    for v in 2..6 {
        w.put(b"p/k", DropBomb::new(v)).unwrap();
        w.commit().unwrap();
    }
    assert_eq!(kb.stats().versions_freed, freed + 4);
}

#[test]
fn the_background_reclaimer_survives_a_panicking_drop() {
    let kb = KnowledgeBase::<LateBomb>::with_reclaim(Reclaim::Background {
        interval: Duration::from_millis(5),
    });
    let mut w = kb.writer("q/").unwrap();
    w.put(b"q/k", LateBomb::new(666)).unwrap();
    w.commit().unwrap();
    BOMB_F.store(true, SeqCst);
    for v in 0..10 {
        w.put(b"q/k", LateBomb::new(v)).unwrap();
        w.commit().unwrap();
    }
    // Eleven versions were superseded; the thread frees them all, the panicking one included,
    // whatever its timing (the deadline only bounds a failure).
    let deadline = Instant::now() + Duration::from_secs(20);
    while kb.stats().versions_freed < 11 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let stats = kb.stats();
    assert_eq!(
        (stats.versions_freed, stats.drop_panics),
        (11, 1),
        "{stats:?}"
    );
}

#[test]
fn a_writer_outliving_its_background_knowledge_base_frees_what_it_supersedes() {
    let kb = KnowledgeBase::<Versioned>::with_reclaim(Reclaim::Background {
        interval: Duration::from_secs(3600),
    });
    let mut w = kb.writer("p/").unwrap();
    drop(kb); // stops the reclaimer thread
    for v in 0..50 {
        w.put(b"p/k", Versioned::new(v)).unwrap();
        w.commit().unwrap();
    }
    // Live: the current version's value and the writer's copies of it — not one per commit.
    let live = LIVE_C.load(SeqCst);
    assert!(
        live <= 3,
        "{live} values alive after 50 commits: superseded versions piled up"
    );
}

#[test]
fn a_snapshot_frees_nothing_while_its_knowledge_base_lives_and_its_version_after() {
    let kb = KnowledgeBase::<Lasting>::with_reclaim(Reclaim::OnCommit { sweep: None });
    let mut w = kb.writer("p/").unwrap();
    let commit = |w: &mut hybrid_kb::Writer<Lasting>, v| {
        w.put(b"p/k", Lasting::new(v)).unwrap();
        w.commit().unwrap();
    };
    commit(&mut w, 1);
    let old: Snapshot<Lasting> = kb.snapshot();
    commit(&mut w, 2); // supersedes the version `old` holds
    let live = LIVE_D.load(SeqCst);
    drop(old);
    assert_eq!(
        LIVE_D.load(SeqCst),
        live,
        "dropping a snapshot freed a version"
    );
    assert_eq!(kb.collect_garbage(), 1, "the reclaimer frees it instead");
    assert_eq!(LIVE_D.load(SeqCst), live - 1);

    let last = kb.snapshot();
    commit(&mut w, 3); // `last`'s version is superseded, and held by `last` alone
    drop(w);
    drop(kb);
    let live = LIVE_D.load(SeqCst);
    drop(last); // nothing is left to reclaim it: the snapshot frees it
    assert_eq!(LIVE_D.load(SeqCst), live - 1);
}

#[test]
fn dropping_everything_frees_every_value() {
    let kb = KnowledgeBase::<Reclaimed>::new();
    let mut w = kb.writer("p/").unwrap();
    let snaps: Vec<_> = (0..5)
        .map(|v| {
            w.put(format!("p/{v}").as_bytes(), Reclaimed::new(v))
                .unwrap();
            w.commit().unwrap();
            kb.snapshot()
        })
        .collect();
    drop(w);
    drop(kb);
    drop(snaps);
    assert_eq!(LIVE_E.load(SeqCst), 0);
}

/// A value whose every copy holding 666 panics when dropped, once armed.
#[derive(Debug, Clone)]
struct Touchy(u64);
static TOUCHY_ARMED: AtomicBool = AtomicBool::new(false);
impl Drop for Touchy {
    fn drop(&mut self) {
        if self.0 == 666 && TOUCHY_ARMED.swap(false, SeqCst) {
            panic!("a value's drop panicked (on purpose)");
        }
    }
}

/// A value at the partition's own key lives in each copy of the partition's map, so the
/// commit's own copies of it are dropped inside the commit, after the batch is published. That
/// drop panicking must neither lose the acknowledgement nor leave a stale one for the next
/// commit (group commit drops the batches it published after telling their writers).
#[test]
fn a_drop_that_panics_after_publication_acknowledges_the_commit_once() {
    let kb = KnowledgeBase::<Touchy>::with_reclaim(Reclaim::OnCommit { sweep: None });
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/", Touchy(666)).unwrap();
    TOUCHY_ARMED.store(true, SeqCst);
    let first = w.commit().expect("the batch was published");
    assert!(
        !TOUCHY_ARMED.load(SeqCst),
        "the bomb went off inside the commit"
    );
    assert_eq!(kb.stats().drop_panics, 1, "the panicking drop is counted");
    let s = kb.snapshot();
    assert_eq!((s.version(), s.get(b"p/").map(|v| v.0)), (first, Some(666)));
    w.put(b"p/k", Touchy(1)).unwrap();
    let second = w.commit().unwrap();
    assert_eq!(second, first + 1, "the next commit got its own outcome");
    assert_eq!(kb.snapshot().get(b"p/k").map(|v| v.0), Some(1));
}
