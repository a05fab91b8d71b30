//! Op streams: determinism, per-thread difference, partitions, hits and misses, cadence.

use std::collections::HashSet;

use workloads::{KeyShape, Op, OpKind, OpStream, Role, Spec};

/// A small spec exercising every read and write kind, in the given key shape.
fn small(shape: &str, partition: &str, overlapping: bool) -> Spec {
    let text = format!(
        r#"
        name = "small"
        [threads]
        readers = 2
        writers = 3
        [stable]
        keys = 5000
        shape = {shape}
        [mutable]
        partition = "{partition}"
        keys = 2000
        prefill = 1500
        shape = {shape}
        overlapping = {overlapping}
        [readers]
        ops_per_snapshot = 7
        regions = {{ stable = 50, mutable = 50 }}
        mix = {{ get = 40, get_miss = 20, contains = 20, scan = 10, count = 10 }}
        [writers]
        batch_size = 5
        mix = {{ update = 30, insert = 20, delete = 20, delete_prefix = 10, read_modify_write = 20 }}
        skew = {{ kind = "zipf", theta = 0.99 }}
        "#
    );
    Spec::from_toml(&text, "small.toml").unwrap()
}

fn shapes() -> Vec<Spec> {
    vec![
        small(r#"{ kind = "text" }"#, "w{i}/", false),
        small(r#"{ kind = "bytes", len = 12 }"#, "w{i}/", false),
        small(
            r#"{ kind = "text", relations = 3, objects = 2 }"#,
            "w{i}",
            true,
        ),
        small(r#"{ kind = "bytes", len = 4 }"#, "shared/", true),
    ]
}

fn owned(op: Op<'_>) -> (OpKind, Vec<u8>, u64) {
    match op {
        Op::Get { key }
        | Op::GetMiss { key }
        | Op::Contains { key }
        | Op::Delete { key }
        | Op::GetForUpdate { key } => (op.kind(), key.to_vec(), 0),
        Op::Put { key, value } => (op.kind(), key.to_vec(), value),
        Op::Scan { prefix, limit } => (op.kind(), prefix.to_vec(), limit as u64),
        Op::Count { prefix } | Op::DeletePrefix { prefix } => (op.kind(), prefix.to_vec(), 0),
        Op::Snapshot | Op::Commit => (op.kind(), Vec::new(), 0),
    }
}

fn take(spec: &Spec, role: Role, thread: usize, n: usize) -> Vec<(OpKind, Vec<u8>, u64)> {
    let mut s = OpStream::new(spec, role, thread, 3);
    (0..n).map(|_| owned(s.next_op())).collect()
}

#[test]
fn streams_are_deterministic_and_differ_across_threads_and_seeds() {
    for spec in shapes() {
        for role in [Role::Reader, Role::Writer] {
            let a = take(&spec, role, 0, 2000);
            assert_eq!(a, take(&spec, role, 0, 2000));
            assert_ne!(a, take(&spec, role, 1, 2000));
            let mut other = spec.clone();
            other.run.seed += 1;
            assert_ne!(a, take(&other, role, 0, 2000));
        }
    }
}

#[test]
fn reader_keys_hit_and_miss_the_prefill_as_promised() {
    for spec in shapes() {
        let prefill: HashSet<Vec<u8>> = spec.prefill(3).map(|(k, _)| k).collect();
        let partitions = spec.partitions(3);
        let in_region = |k: &[u8]| {
            k.starts_with(spec.stable_prefix()) || partitions.iter().any(|p| k.starts_with(p))
        };
        let mut seen = HashSet::new();
        for thread in 0..2 {
            for (kind, key, limit) in take(&spec, Role::Reader, thread, 20_000) {
                seen.insert(kind);
                match kind {
                    OpKind::Get | OpKind::Contains => assert!(prefill.contains(&key), "{key:?}"),
                    OpKind::GetMiss => {
                        assert!(in_region(&key));
                        assert!(!prefill.contains(&key), "miss key {key:?} is present");
                    }
                    OpKind::Scan | OpKind::Count => {
                        assert!(in_region(&key));
                        assert!(
                            prefill.iter().any(|k| k.starts_with(&key)),
                            "empty prefix {key:?}"
                        );
                        if kind == OpKind::Scan {
                            assert!((1..=100).contains(&limit));
                        }
                    }
                    OpKind::Snapshot => {}
                    other => panic!("reader produced {other:?}"),
                }
            }
        }
        assert_eq!(seen.len(), 6, "every read kind appears: {seen:?}");
    }
}

#[test]
fn no_writer_ever_produces_a_miss_key() {
    for spec in shapes() {
        let mut written = HashSet::new();
        for w in 0..3 {
            for (kind, key, _) in take(&spec, Role::Writer, w, 20_000) {
                if kind == OpKind::Put {
                    written.insert(key);
                }
            }
        }
        for (kind, key, _) in take(&spec, Role::Reader, 0, 20_000) {
            if kind == OpKind::GetMiss {
                assert!(!written.contains(&key), "a writer wrote miss key {key:?}");
            }
        }
    }
}

#[test]
fn writer_keys_stay_in_the_partition_and_batches_commit() {
    for spec in shapes() {
        for w in 0..3 {
            let stream = OpStream::new(&spec, Role::Writer, w, 3);
            let part = stream.partition().to_vec();
            assert_eq!(part, spec.partitions(3)[w]);
            let ops = take(&spec, Role::Writer, w, 10_000);
            let mut staged = 0;
            let mut pending_get: Option<Vec<u8>> = None;
            for (kind, key, _) in ops {
                if let Some(k) = pending_get.take() {
                    assert_eq!(
                        (kind, &key),
                        (OpKind::Put, &k),
                        "read-modify-write puts its key"
                    );
                }
                match kind {
                    OpKind::Commit => {
                        assert_eq!(staged, spec.batch_size());
                        staged = 0;
                    }
                    OpKind::GetForUpdate => pending_get = Some(key.clone()),
                    _ => staged += 1,
                }
                if kind != OpKind::Commit {
                    assert!(key.starts_with(&part), "{key:?} outside {part:?}");
                    assert!(staged <= spec.batch_size());
                }
            }
        }
    }
}

#[test]
fn inserts_are_new_keys_and_values_name_their_writer() {
    let spec = &shapes()[0];
    let prefill: HashSet<Vec<u8>> = spec.prefill(3).map(|(k, _)| k).collect();
    let mut s = OpStream::new(spec, Role::Writer, 2, 3);
    let mut puts = 0;
    for _ in 0..5000 {
        if let Op::Put { key, value } = s.next_op() {
            assert_eq!(value >> 40, 3, "writer 2 writes values tagged 3");
            if !prefill.contains(key) {
                let suffix = &key[s_len(spec)..];
                assert!(suffix.starts_with(b"e"), "{key:?}");
            }
            puts += 1;
        }
    }
    assert!(puts > 1000);
}

fn s_len(spec: &Spec) -> usize {
    spec.partitions(3)[2].len()
}

#[test]
fn readers_snapshot_first_and_every_ops_per_snapshot() {
    let spec = &shapes()[0];
    let ops = take(spec, Role::Reader, 0, 100);
    for (i, (kind, _, _)) in ops.iter().enumerate() {
        assert_eq!(*kind == OpKind::Snapshot, i % 8 == 0, "op {i}: {kind:?}");
    }
}

#[test]
fn readers_without_writers_read_the_stable_region() {
    let spec = &shapes()[0];
    let mut s = OpStream::new(spec, Role::Reader, 0, 0);
    assert!(s.partition().is_empty());
    for _ in 0..2000 {
        if let Op::Get { key } = s.next_op() {
            assert!(key.starts_with(b"stable/"));
        }
    }
}

#[test]
fn prefill_is_deterministic_and_sized() {
    let spec = &shapes()[1];
    let a: Vec<_> = spec.prefill(3).collect();
    assert_eq!(a.len(), 5000 + 3 * 1500);
    assert_eq!(spec.prefill(3).len(), a.len());
    assert_eq!(a, spec.prefill(3).collect::<Vec<_>>());
    let distinct: HashSet<_> = a.iter().map(|(k, _)| k).collect();
    assert_eq!(distinct.len(), a.len());
    assert!(matches!(spec.stable.shape, KeyShape::Bytes { len: 12 }));
    assert!(a
        .iter()
        .take(5000)
        .all(|(k, _)| k.len() == b"stable/".len() + 12));
}

#[test]
fn op_kinds_have_snake_case_names() {
    let names: Vec<&str> = OpKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(names.len(), 11);
    assert!(names.contains(&"get_miss") && names.contains(&"get_for_update"));
    assert!(OpKind::ALL.windows(2).all(|w| w[0] < w[1]));
}
