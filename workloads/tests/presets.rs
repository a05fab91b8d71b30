//! Every preset loads, validates, round-trips through TOML, and a hand-written minimal spec loads.

use std::time::Duration;

use workloads::{Pacing, Role, Skew, Spec, SpecError};

#[test]
fn every_preset_loads_and_validates() {
    assert_eq!(Spec::preset_names()[0], "pattern-d");
    assert_eq!(Spec::preset_names().len(), 13);
    for name in Spec::preset_names() {
        let spec = Spec::preset(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&spec.name, name);
        spec.validate().unwrap();
        assert!(!spec.description.is_empty(), "{name} has no description");
        let text = Spec::preset_source(name).unwrap();
        assert!(text.starts_with('#'), "{name} should open with a comment");
        let points = spec.points();
        assert!(!points.is_empty());
        for p in &points {
            assert!(p.readers + p.writers >= 1, "{name} {}", p.label);
            assert!(p.spec.sweep.is_empty());
            p.spec.validate().unwrap();
            // Modest sizes: a default run stays quick on 2 cores.
            let prefill = p.spec.prefill(p.writers).len();
            assert!(prefill <= 200_000, "{name} {}: prefill {prefill}", p.label);
            assert!(p.spec.duration().unwrap() <= Duration::from_secs(2));
        }
    }
}

#[test]
fn presets_round_trip_through_toml() {
    for name in Spec::preset_names() {
        let spec = Spec::preset(name).unwrap();
        let again = Spec::from_toml(&spec.to_toml(), "round-trip").unwrap();
        assert_eq!(spec, again, "{name}");
    }
}

#[test]
fn pattern_d_is_the_hybrid_default() {
    let d = Spec::load("pattern-d").unwrap();
    let labels: Vec<String> = d.points().into_iter().map(|p| p.label).collect();
    assert_eq!(labels, ["r=1 w=0", "r=1 w=1", "r=3 w=1"]);
    assert_eq!(d.batch_size(), 16);
    assert_eq!(d.stable.keys, 100_000);
    assert_eq!(
        d.partitions(2),
        vec![b"mutable/w0/".to_vec(), b"mutable/w1/".to_vec()]
    );
    assert_eq!(d.stable_prefix(), b"stable/");
    assert_eq!(d.pacing(Role::Reader), Pacing::Closed);
    assert!(!d.overlapping_partitions());
}

#[test]
fn seed_patterns_are_recreated() {
    let hc = Spec::preset("hot-cold").unwrap();
    assert_eq!(hc.stable_prefix(), b"cold/");
    assert_eq!(hc.partitions(4)[3], b"hot/w3/");
    assert_eq!(hc.points().len(), 3);
    let sm = Spec::preset("stable-mutable").unwrap();
    assert_eq!(sm.readers.regions.mutable, 0.0);
    let wc = Spec::preset("worst-case").unwrap();
    assert!(wc.overlapping_partitions());
    let parts = wc.partitions(4);
    assert!(
        parts.iter().all(|p| p == &parts[0]),
        "all writers share one prefix"
    );
    let a = Spec::preset("pattern-a").unwrap();
    assert!(a.points().iter().all(|p| p.writers == 0));
    let b = Spec::preset("ycsb-b").unwrap();
    assert_eq!(
        b.thread_counts(),
        (0, 4),
        "YCSB clients that write are writers"
    );
    assert_eq!((b.writers.mix.read, b.writers.mix.update), (0.95, 0.05));
    assert_eq!(b.pacing(Role::Writer), Pacing::Closed);
    let c = Spec::preset("ycsb-c").unwrap();
    assert_eq!(
        c.thread_counts(),
        (4, 0),
        "read-only YCSB clients are readers"
    );
    let e = Spec::preset("ycsb-e").unwrap();
    assert_eq!((e.readers.scan.min, e.readers.scan.max), (1, 100));
    assert!(matches!(e.writers.skew, Skew::Zipf { theta, .. } if theta == 0.99));
}

#[test]
fn a_minimal_hand_written_spec_loads_with_defaults() {
    let spec = Spec::from_toml("name = \"tiny\"\n", "tiny.toml").unwrap();
    assert_eq!(spec.thread_counts(), (3, 1));
    assert_eq!(spec.duration(), Some(Duration::from_secs(1)));
    assert_eq!(spec.warmup(), Duration::from_millis(500));
    assert_eq!((spec.repetitions(), spec.seed()), (3, 42));
    assert_eq!(spec.op_budget(), None);
    let budget = Spec::from_toml("name = \"n\"\n[run]\nop_budget = 1000\n", "b.toml").unwrap();
    assert_eq!((budget.duration(), budget.op_budget()), (None, Some(1000)));
}

#[test]
fn load_reads_files_and_rejects_unknown_names() {
    let dir = std::env::temp_dir().join(format!("workloads-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.toml");
    std::fs::write(&path, Spec::preset("ycsb-a").unwrap().to_toml()).unwrap();
    let spec = Spec::load(path.to_str().unwrap()).unwrap();
    assert_eq!(spec.name, "ycsb-a");
    std::fs::remove_dir_all(&dir).unwrap();
    let err = Spec::load("no-such-preset").unwrap_err();
    assert!(matches!(err, SpecError::UnknownPreset { .. }));
}
