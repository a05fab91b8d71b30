//! Behaviour of the public API, including bad input: each bad call gets a clear error and changes nothing.

use std::time::Duration;

use hybrid_kb::{
    CommitError, Error, KnowledgeBase, LeaseError, PathMap, Reclaim, Snapshot, Update, WriteError,
    Writer,
};

fn kb() -> KnowledgeBase<u64> {
    KnowledgeBase::with_reclaim(Reclaim::OnCommit { sweep: None })
}

fn keys(s: &Snapshot<u64>, prefix: &[u8]) -> Vec<(String, u64)> {
    s.scan(prefix)
        .owned()
        .map(|(k, v)| (String::from_utf8(k).unwrap(), *v))
        .collect()
}

#[test]
fn handles_are_send_and_static_and_readers_sync() {
    fn send_sync_static<T: Send + Sync + 'static>() {}
    fn send_static<T: Send + 'static>() {}
    send_sync_static::<Snapshot<u64>>();
    send_sync_static::<KnowledgeBase<u64>>();
    // Not `Sync`: see the compile-fail example on `Writer`.
    send_static::<Writer<u64>>();
}

#[test]
fn snapshot_reads_point_prefix_and_count() {
    let kb = kb();
    let mut w = kb.writer("k/").unwrap();
    for (k, v) in [
        ("k/a", 1),
        ("k/a/x", 2),
        ("k/a/y", 3),
        ("k/ab", 4),
        ("k/b", 5),
    ] {
        w.put(k.as_bytes(), v).unwrap();
    }
    w.commit().unwrap();
    let s = kb.snapshot();
    assert_eq!(s.get(b"k/a"), Some(&1));
    assert!(s.contains(b"k/a/x"));
    assert!(!s.contains(b"k/a/z"));
    assert_eq!(s.get(b"k/"), None);
    // The prefix's own key comes first, then byte order; `k/ab` is under `k/a` byte-wise.
    assert_eq!(
        keys(&s, b"k/a"),
        [
            ("k/a".into(), 1),
            ("k/a/x".into(), 2),
            ("k/a/y".into(), 3),
            ("k/ab".into(), 4)
        ]
    );
    assert_eq!(
        keys(&s, b"k/a/"),
        [("k/a/x".into(), 2), ("k/a/y".into(), 3)]
    );
    assert_eq!(keys(&s, b"zzz"), []);
    assert_eq!(s.count(b"k/"), 5);
    assert_eq!(s.count(b"k/a"), 4);
    assert_eq!(s.count(b"nothing/"), 0);
    assert_eq!(s.scan(b"k/").owned().take(2).count(), 2);
    let mut cursor = s.scan(b"k/a/");
    let mut n = 0;
    while cursor.next().is_some() {
        n += 1;
    }
    assert_eq!(n, 2);
    assert!(cursor.next().is_none(), "a finished scan stays finished");
    let mut seen = Vec::new();
    assert_eq!(
        s.scan_each(b"k/a", |k, v| {
            seen.push((String::from_utf8(k.to_vec()).unwrap(), *v));
            true
        }),
        4
    );
    assert_eq!(seen, keys(&s, b"k/a"));
    assert_eq!(s.scan_each(b"k/", |_, _| false), 1, "stops when asked");
}

#[test]
fn versions_count_commits_and_old_snapshots_never_change() {
    let kb = kb();
    let v1 = kb.snapshot();
    assert_eq!(v1.version(), 1);
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/x", 1).unwrap();
    assert_eq!(w.commit().unwrap(), 2);
    w.put(b"p/x", 2).unwrap();
    w.delete(b"p/x").unwrap();
    w.put(b"p/y", 3).unwrap();
    assert_eq!(w.commit().unwrap(), 3);
    assert_eq!(v1.get(b"p/x"), None);
    let s = kb.snapshot();
    assert_eq!(
        (s.version(), s.get(b"p/x"), s.get(b"p/y")),
        (3, None, Some(&3))
    );
    // Nothing staged: nothing published, the current version returned.
    assert_eq!(w.commit().unwrap(), 3);
    assert_eq!(kb.stats().commits, 2);
}

#[test]
fn writer_sees_its_own_staged_writes_and_rollback_discards_them() {
    let kb = kb();
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/a", 1).unwrap();
    w.commit().unwrap();
    w.put(b"p/b", 2).unwrap();
    assert!(w.delete(b"p/a").unwrap());
    assert!(!w.delete(b"p/nope").unwrap());
    assert_eq!((w.get(b"p/a"), w.get(b"p/b")), (None, Some(&2)));
    assert_eq!(w.get(b"q/a"), None);
    assert!(w.has_staged());
    w.rollback();
    assert_eq!((w.get(b"p/a"), w.get(b"p/b")), (Some(&1), None));
    assert!(!w.has_staged());
}

#[test]
fn a_key_equal_to_the_partition_is_a_normal_key() {
    let kb = kb();
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/", 7).unwrap();
    w.put(b"p/x", 8).unwrap();
    assert_eq!(w.get(b"p/"), Some(&7));
    w.commit().unwrap();
    let s = kb.snapshot();
    assert_eq!(s.get(b"p/"), Some(&7));
    assert_eq!(keys(&s, b"p/"), [("p/".into(), 7), ("p/x".into(), 8)]);
    w.delete(b"p/").unwrap();
    w.commit().unwrap();
    assert_eq!(keys(&kb.snapshot(), b"p/"), [("p/x".into(), 8)]);
}

#[test]
fn remove_prefix_removes_the_prefix_and_everything_under_it() {
    let kb = kb();
    kb.load(
        "p/",
        [
            ("p/a".into(), 1),
            ("p/a/b".into(), 2),
            ("p/ab".into(), 3),
            ("p/b".into(), 4),
        ]
        .into_iter()
        .map(|(k, v): (String, u64)| (k.into_bytes(), v)),
    )
    .unwrap();
    let mut w = kb.writer("p/").unwrap();
    assert!(w.remove_prefix(b"p/a").unwrap());
    assert!(!w.remove_prefix(b"p/zz").unwrap());
    w.commit().unwrap();
    assert_eq!(keys(&kb.snapshot(), b""), [("p/b".into(), 4)]);
}

#[test]
fn partitions_stay_independent_and_snapshots_cut_across_all_of_them() {
    let kb = kb();
    let mut a = kb.writer("a/").unwrap();
    let mut b = kb.writer("b/").unwrap();
    a.put(b"a/1", 1).unwrap();
    b.put(b"b/1", 1).unwrap();
    a.commit().unwrap();
    b.commit().unwrap();
    a.put(b"a/2", 2).unwrap();
    a.commit().unwrap();
    // b's next commit grafts only b/: a's latest commit survives.
    b.put(b"b/2", 2).unwrap();
    b.commit().unwrap();
    assert_eq!(
        keys(&kb.snapshot(), b""),
        [
            ("a/1".into(), 1),
            ("a/2".into(), 2),
            ("b/1".into(), 1),
            ("b/2".into(), 2)
        ]
    );
}

#[test]
fn overlapping_partitions_are_refused_naming_the_holder() {
    let kb = kb();
    std::thread::scope(|s| {
        let leaked = std::thread::Builder::new()
            .name("loader".into())
            .spawn_scoped(s, || std::mem::forget(kb.writer("facts/").unwrap()));
        leaked.unwrap().join().unwrap();
    });
    for requested in ["facts/", "facts/x/", "fact", "f"] {
        let err = kb.writer(requested).unwrap_err();
        let LeaseError::Conflict { held, holder, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(held, b"facts/");
        assert!(holder.contains("thread `loader`"), "{holder}");
        let msg = err.to_string();
        assert!(
            msg.contains("overlaps `facts/`")
                && msg.contains("prefix-free")
                && msg.contains("end each name with `/`"),
            "{msg}"
        );
    }
    assert!(kb.writer("facts2/").is_ok());
    assert_eq!(kb.stats().lease_conflicts, 4);
}

#[test]
fn names_without_a_trailing_slash_overlap_byte_wise() {
    let kb = kb();
    let _w1 = kb.writer("w1").unwrap();
    assert!(matches!(kb.writer("w10"), Err(LeaseError::Conflict { .. })));
    let _a = kb.writer("w2/").unwrap();
    assert!(kb.writer("w20/").is_ok());
}

#[test]
fn empty_partition_is_refused() {
    let kb = kb();
    let err = kb.writer("").unwrap_err();
    assert_eq!(err, LeaseError::EmptyPartition);
    assert!(err.to_string().contains("name a prefix"));
    assert_eq!(kb.leases().len(), 0);
}

#[test]
fn keys_outside_the_partition_are_refused_and_change_nothing() {
    let kb = kb();
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/ok", 1).unwrap();
    let err = w.put(b"q/x", 2).unwrap_err();
    assert_eq!(
        err,
        WriteError::OutsidePartition {
            key: b"q/x".to_vec(),
            partition: b"p/".to_vec()
        }
    );
    assert!(err
        .to_string()
        .contains("outside this writer's partition `p/`"));
    assert!(w.delete(b"p").is_err());
    assert!(w.remove_prefix(b"").is_err());
    w.commit().unwrap();
    assert_eq!(keys(&kb.snapshot(), b""), [("p/ok".into(), 1)]);
}

#[test]
fn dropping_a_writer_publishes_nothing_and_releases_the_lease() {
    let kb = kb();
    {
        let mut w = kb.writer("p/").unwrap();
        w.put(b"p/x", 1).unwrap();
    }
    assert_eq!(kb.snapshot().get(b"p/x"), None);
    assert_eq!((kb.version(), kb.stats().aborted_batches), (1, 1));
    assert!(kb.writer("p/").is_ok());
}

#[test]
fn a_panic_mid_batch_publishes_nothing_and_poisons_nothing() {
    let kb = kb();
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            let mut w = kb.writer("p/").unwrap();
            w.put(b"p/1", 1).unwrap();
            panic!("writer dies mid-batch");
        })
        .join()
    });
    assert!(result.is_err());
    assert_eq!(kb.snapshot().get(b"p/1"), None);
    let mut w = kb.writer("p/").expect("lease released by unwinding");
    w.put(b"p/2", 2).unwrap();
    assert_eq!(w.commit().unwrap(), 2);
}

#[test]
fn commit_after_the_lease_was_revoked_fails_and_publishes_nothing() {
    let kb = kb();
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/x", 1).unwrap();
    let revoked = kb.revoke("p/").expect("held");
    assert_eq!(revoked.id, w.lease());
    let err = w.commit().unwrap_err();
    assert_eq!(
        err,
        CommitError::LeaseLost {
            partition: b"p/".to_vec(),
            lease: w.lease()
        }
    );
    assert!(err.to_string().contains("was revoked"));
    assert_eq!((kb.version(), kb.snapshot().get(b"p/x")), (1, None));
    assert!(w.has_staged(), "the batch is kept, not silently lost");
    // The partition can be leased again; the old writer's drop must not release the new lease.
    let mut w2 = kb.writer("p/").unwrap();
    drop(w);
    assert!(kb.writer("p/").is_err());
    w2.put(b"p/y", 2).unwrap();
    w2.commit().unwrap();
    assert_eq!(kb.stats().leases_revoked, 1);
    assert!(kb.revoke("nothing/").is_none());
}

#[test]
fn writer_wait_times_out_or_gets_the_released_lease() {
    let kb = kb();
    let held = kb.writer("p/").unwrap();
    let err = kb
        .writer_wait("p/x/", Duration::from_millis(30))
        .unwrap_err();
    assert!(
        matches!(err, LeaseError::Timeout { waited, .. } if waited >= Duration::from_millis(30))
    );
    assert!(err.to_string().contains("gave up after"));
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(20));
            drop(held);
        });
        let w = kb
            .writer_wait("p/x/", Duration::from_secs(10))
            .expect("released");
        assert_eq!(w.partition(), b"p/x/");
    });
}

#[test]
fn load_and_load_map_publish_one_version_each() {
    let kb = kb();
    let v = kb
        .load(
            "stable/",
            (0..1000u64).map(|i| (format!("stable/{i:04}").into_bytes(), i)),
        )
        .unwrap();
    assert_eq!(v, 2);
    let mut m = PathMap::new();
    m.insert(b"x", 1u64);
    m.insert(b"y", 2u64);
    assert_eq!(kb.load_map("mutable/", m).unwrap(), 3);
    let s = kb.snapshot();
    assert_eq!(
        (
            s.count(b"stable/"),
            s.get(b"stable/0999"),
            s.get(b"mutable/y")
        ),
        (1000, Some(&999), Some(&2))
    );
    let err = kb.load("a/", [(b"b/1".to_vec(), 1)]).unwrap_err();
    assert!(matches!(
        err,
        Error::Write(WriteError::OutsidePartition { .. })
    ));
    assert_eq!(kb.version(), 3, "a failed load publishes nothing");
    assert!(kb.writer("a/").is_ok(), "and releases its lease");
}

#[test]
fn superseded_versions_are_freed_once_no_snapshot_holds_them() {
    let kb = kb(); // Reclaim::OnCommit without a sweep: deterministic
    let mut w = kb.writer("p/").unwrap();
    w.put(b"p/a", 1).unwrap();
    w.commit().unwrap();
    let held = kb.snapshot(); // version 2
    for i in 0..5 {
        w.put(b"p/a", i).unwrap();
        w.commit().unwrap();
    }
    let stats = kb.stats();
    assert_eq!(
        (stats.commits, stats.versions_freed, stats.retired_pending),
        (6, 5, 1),
        "{stats:?}"
    );
    assert_eq!(held.get(b"p/a"), Some(&1));
    drop(held);
    assert_eq!(kb.collect_garbage(), 1);
    assert_eq!(kb.stats().retired_pending, 0);
}

#[test]
fn the_background_reclaimer_frees_without_help() {
    let kb = KnowledgeBase::<u64>::with_reclaim(Reclaim::Background {
        interval: Duration::from_millis(1),
    });
    let mut w = kb.writer("p/").unwrap();
    let held = kb.snapshot();
    for i in 0..10 {
        w.put(b"p/a", i).unwrap();
        w.commit().unwrap();
    }
    drop(held);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while kb.stats().versions_freed < 10 {
        assert!(std::time::Instant::now() < deadline, "{:?}", kb.stats());
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(kb.stats().retired_pending, 0);
}

#[test]
fn the_default_sweep_frees_what_readers_release_after_the_last_commit() {
    let kb = KnowledgeBase::<u64>::with_reclaim(Reclaim::OnCommit {
        sweep: Some(Duration::from_millis(1)),
    });
    let mut w = kb.writer("p/").unwrap();
    let held = kb.snapshot();
    for i in 0..10 {
        w.put(b"p/a", i).unwrap();
        w.commit().unwrap();
    }
    assert_eq!(
        kb.stats().retired_pending,
        1,
        "the held version waits; the others were freed by the commits"
    );
    drop(held);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while kb.stats().retired_pending > 0 {
        assert!(std::time::Instant::now() < deadline, "{:?}", kb.stats());
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(kb.stats().versions_freed, 10);
}

#[test]
fn seed_conveniences_work_as_the_seed_describes() {
    let kb = kb();
    let v = kb
        .update_partition(
            "facts",
            [
                Update {
                    path: b"sky".to_vec(),
                    value: 1,
                },
                Update {
                    path: b"sea".to_vec(),
                    value: 2,
                },
            ],
        )
        .unwrap();
    let q = kb.query();
    assert_eq!(
        (q.version(), q.get(b"facts/sky"), q.get(b"facts/sea")),
        (v, Some(&1), Some(&2))
    );
    let before = kb.snapshot();
    let updates = (0..50)
        .map(|i| Update {
            path: format!("u{i:02}").into_bytes(),
            value: i,
        })
        .collect();
    let (results, written) = kb.query_during_update(
        &[(), (), ()],
        |s, _| (s.count(b"facts/"), s.count(b"updates/")),
        updates,
    );
    assert_eq!(written.unwrap(), v + 50);
    for (facts, updates) in results {
        assert_eq!(facts, 2);
        assert!(updates <= 50);
    }
    assert_eq!(kb.snapshot().count(b"updates/"), 50);
    assert_eq!(before.count(b"updates/"), 0);
    // Partition held: an error, not silently dropped updates.
    let _w = kb.writer("facts/").unwrap();
    assert!(matches!(
        kb.update_partition("facts", []),
        Err(Error::Lease(LeaseError::Conflict { .. }))
    ));
}

/// Writers committing at once, some possibly published together (group commit): every batch is
/// in the final state, each commit's number is a version that holds its batch, and the stats
/// count batches and versions apart — never more versions than batches.
#[test]
fn concurrent_commits_are_each_published_once_and_counted() {
    let kb = std::sync::Arc::new(kb());
    let before = kb.stats();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let kb = kb.clone();
            std::thread::spawn(move || {
                let mut w = kb.writer(format!("t{t}/")).unwrap();
                let mut last = 0;
                for b in 1..=200u64 {
                    w.put(format!("t{t}/k{}", b % 7).as_bytes(), b).unwrap();
                    w.put(format!("t{t}/last").as_bytes(), b).unwrap();
                    let n = w.commit().unwrap();
                    assert!(n > last, "versions go forwards for one writer");
                    last = n;
                }
                last
            })
        })
        .collect();
    let lasts: Vec<u64> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    let s = kb.snapshot();
    for t in 0..4 {
        assert_eq!(s.get(format!("t{t}/last").as_bytes()), Some(&200));
    }
    let after = kb.stats();
    let (batches, versions) = (
        after.batches_committed - before.batches_committed,
        after.commits - before.commits,
    );
    assert_eq!(batches, 800);
    assert!((1..=800).contains(&versions), "{versions} versions");
    assert_eq!(after.version, before.version + versions);
    assert!(lasts.iter().all(|&n| n <= after.version));
}
