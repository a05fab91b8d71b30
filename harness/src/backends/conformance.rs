//! One conformance check instantiated per backend: single-threaded, against a
//! `BTreeMap` model of what the writer committed.

use std::collections::BTreeMap;

use super::{Backend, ReadHandle, WriteHandle};

pub fn check<B: Backend>() {
    let prefill: Vec<(Vec<u8>, u64)> = (0..50u64)
        .map(|i| (format!("s/{i:03}").into_bytes(), i))
        .chain([(b"w0/x".to_vec(), 7)])
        .collect();
    let mut model: BTreeMap<Vec<u8>, u64> = prefill.iter().cloned().collect();
    let b = B::open(&mut prefill.into_iter());
    let caps = B::INFO.caps;
    {
        let mut r = b.reader();
        r.snapshot().unwrap();
        assert_eq!(r.get(b"s/007"), Ok(Some(7)), "{}", B::INFO.name);
        assert_eq!(r.get(b"s/999"), Ok(None));
        assert_eq!(r.contains(b"s/010"), Ok(true));
        assert_eq!(r.contains(b"s/01"), Ok(false));
        if caps.prefix_scans {
            assert_eq!(r.count(b"s/"), Ok(50), "{}", B::INFO.name);
            assert_eq!(r.count(b"s/01"), Ok(10));
            let want: u64 = (10..15u64).sum();
            assert_eq!(
                r.scan(b"s/01", 5),
                Ok(want),
                "{}: scan checksum",
                B::INFO.name
            );
        }
    }
    let mut w = b.writer(b"w0/", false);
    w.put(b"w0/a", 1).unwrap();
    w.put(b"w0/b", 2).unwrap();
    w.delete(b"w0/x").unwrap();
    assert_eq!(
        w.get(b"w0/a"),
        Ok(Some(1)),
        "{}: writer reads its own staged put",
        B::INFO.name
    );
    w.commit().unwrap();
    model.insert(b"w0/a".to_vec(), 1);
    model.insert(b"w0/b".to_vec(), 2);
    model.remove(b"w0/x".as_slice());
    w.delete_prefix(b"w0/b").unwrap();
    w.commit().unwrap();
    model.remove(b"w0/b".as_slice());
    drop(w);
    let mut r = b.reader();
    r.snapshot().unwrap();
    for k in [&b"w0/a"[..], b"w0/b", b"w0/x", b"s/003"] {
        assert_eq!(
            r.get(k),
            Ok(model.get(k).copied()),
            "{}: {:?}",
            B::INFO.name,
            String::from_utf8_lossy(k)
        );
    }
    if caps.prefix_scans {
        assert_eq!(r.count(b"w0/"), Ok(1), "{}", B::INFO.name);
    }
}
