//! The conformance check the registry runs for every backend: single-threaded, against a
//! `BTreeMap` model of what was committed. What it requires follows the backend's data:
//! - **every backend**: each operation its capabilities promise completes;
//! - **a store** (all but the floor): reads match the model; a batch is invisible before its
//!   commit and wholly visible after it; a writer reads its own staged writes; rollback discards
//!   (where the backend has rollback);
//! - **with snapshots**: a snapshot taken before a commit never changes.
//!
//! Broken backends are held to the first part only: alone, two of their faults already show
//! (their own tests in `faulty.rs` show which), and the isolation checker's self-test shows the
//! rest under load.

use std::collections::BTreeMap;

use super::{Backend, BackendRole, ReadHandle, WriteHandle};

fn prefill() -> Vec<(Vec<u8>, u64)> {
    (0..50u64)
        .map(|i| (format!("s/{i:03}").into_bytes(), i))
        .chain([(b"w0/x".to_vec(), 7)])
        .collect()
}

pub fn check<B: Backend>() {
    let name = B::INFO.name;
    let b = B::open(&mut prefill().into_iter());
    operations_complete::<B>(&b);
    if !B::STORES || B::INFO.role == BackendRole::Broken {
        return;
    }
    let mut model: BTreeMap<Vec<u8>, u64> = prefill().into_iter().collect();
    reads_match(&mut b.reader(), &model, name);
    let mut w = b.writer(b"w0/", false);
    w.put(b"w0/a", 1).unwrap();
    w.put(b"w0/b", 2).unwrap();
    w.delete(b"w0/x").unwrap();
    assert_eq!(
        w.get(b"w0/a"),
        Ok(Some(1)),
        "{name}: a writer reads its own put"
    );
    assert_eq!(
        w.get(b"w0/x"),
        Ok(None),
        "{name}: a writer reads its own delete"
    );
    if B::INFO.caps.atomic_batches {
        reads_match(&mut b.reader(), &model, name); // staged, not committed
    }
    w.commit().unwrap();
    model.insert(b"w0/a".to_vec(), 1);
    model.insert(b"w0/b".to_vec(), 2);
    model.remove(b"w0/x".as_slice());
    w.delete_prefix(b"w0/b").unwrap();
    w.commit().unwrap();
    model.remove(b"w0/b".as_slice());
    if B::ROLLBACK {
        w.put(b"w0/rolled-back", 9).unwrap();
        w.rollback();
        w.commit().unwrap();
    }
    drop(w);
    reads_match(&mut b.reader(), &model, name);
    if B::INFO.caps.snapshots {
        snapshots_hold(&b);
    }
}

/// A snapshot taken before a commit reads the same after it. (A backend may refuse the commit
/// while the snapshot lives — exclusion, as `zipperhead` does; then the snapshot is trivially
/// unchanged.)
fn snapshots_hold<B: Backend>(b: &B) {
    let name = B::INFO.name;
    let mut held = b.reader();
    held.snapshot().unwrap();
    let before = (held.get(b"w0/a"), held.get(b"s/004"));
    let mut w = b.writer(b"w0/", false);
    w.put(b"w0/a", 100).unwrap();
    let committed = w.commit().is_ok();
    assert_eq!(
        (held.get(b"w0/a"), held.get(b"s/004")),
        before,
        "{name}: an old snapshot changed"
    );
    drop(held);
    if committed {
        let mut r = b.reader();
        r.snapshot().unwrap();
        assert_eq!(
            r.get(b"w0/a"),
            Ok(Some(100)),
            "{name}: a new snapshot misses the commit"
        );
    }
}

/// Every operation the capabilities promise completes, on a reader and on a writer.
fn operations_complete<B: Backend>(b: &B) {
    let name = B::INFO.name;
    let mut r = b.reader();
    assert!(r.snapshot().is_ok(), "{name}: snapshot");
    assert!(
        r.get(b"s/001").is_ok() && r.contains(b"s/001").is_ok(),
        "{name}: point reads"
    );
    if B::INFO.caps.prefix_scans {
        assert!(
            r.scan(b"s/", 5).is_ok() && r.count(b"s/").is_ok(),
            "{name}: scans"
        );
        assert!(
            r.scan_entries(b"s/", &mut Vec::new()).is_ok(),
            "{name}: scan entries"
        );
    }
    drop(r);
    let mut w = b.writer(b"w9/", false);
    assert!(
        w.put(b"w9/a", 1).is_ok() && w.delete(b"w9/a").is_ok(),
        "{name}: staging"
    );
    assert!(
        w.delete_prefix(b"w9/").is_ok() && w.get(b"w9/a").is_ok(),
        "{name}: staging"
    );
    assert!(w.commit().is_ok(), "{name}: commit");
}

/// A new snapshot reads exactly the model (point reads, and scans where there are any).
fn reads_match<R: ReadHandle>(r: &mut R, model: &BTreeMap<Vec<u8>, u64>, name: &str) {
    r.snapshot().unwrap();
    for k in [&b"w0/a"[..], b"w0/b", b"w0/x", b"s/003", b"s/999"] {
        let want = model.get(k).copied();
        assert_eq!(
            r.get(k),
            Ok(want),
            "{name}: {:?}",
            String::from_utf8_lossy(k)
        );
        assert_eq!(r.contains(k), Ok(want.is_some()), "{name}");
    }
    let under = |p: &'static [u8]| model.iter().filter(move |(k, _)| k.starts_with(p));
    if let Ok(n) = r.count(b"w0/") {
        assert_eq!(n, under(b"w0/").count(), "{name}: count");
        assert_eq!(r.count(b"s/01"), Ok(10), "{name}: count");
        let want: u64 = under(b"s/01").take(5).map(|(_, v)| v).sum();
        assert_eq!(r.scan(b"s/01", 5), Ok(want), "{name}: scan checksum");
        let mut got = Vec::new();
        r.scan_entries(b"w0/", &mut got).unwrap();
        let want: Vec<(Vec<u8>, u64)> = under(b"w0/").map(|(k, v)| (k.clone(), *v)).collect();
        assert_eq!(got, want, "{name}: scan entries");
    }
}
