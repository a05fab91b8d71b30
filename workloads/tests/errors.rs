//! Malformed specs: each kind is rejected with a message naming the field, the value and the fix.

use workloads::{Spec, SpecError};

/// The error for `body` appended to a valid minimal spec, as a string.
fn err(body: &str) -> String {
    let text = format!("name = \"bad\"\n{body}");
    match Spec::from_toml(&text, "bad.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message lacks {p:?}:\n{msg}");
    }
}

#[test]
fn no_threads() {
    let m = err("[threads]\nreaders = 0\nwriters = 0\n");
    assert_has(
        &m,
        &[
            "bad.toml",
            "`threads`",
            "readers + writers must be ≥ 1",
            "set `threads.readers`",
        ],
    );
}

#[test]
fn overlapping_partition_names() {
    let m = err("[threads]\nreaders = 1\nwriters = 11\n[mutable]\npartition = \"w{i}\"\n");
    assert_has(
        &m,
        &[
            "mutable.partition",
            "`w1` and `w10` overlap",
            "end them with `/`",
            "overlapping = true",
        ],
    );
    let shared = err("[threads]\nwriters = 2\n[mutable]\npartition = \"shared/\"\n");
    assert_has(&shared, &["`shared/` and `shared/` overlap"]);
}

#[test]
fn overlap_is_accepted_when_it_is_the_point() {
    let text = "name = \"x\"\n[threads]\nwriters = 11\n[mutable]\npartition = \"w{i}\"\noverlapping = true\n";
    let spec = Spec::from_toml(text, "x.toml").unwrap();
    let p = spec.partitions(11);
    assert!(p[10].starts_with(&p[1]));
}

#[test]
fn theta_not_positive() {
    let m = err("[readers]\nskew = { kind = \"zipf\", theta = 0.0 }\n");
    assert_has(
        &m,
        &["readers.skew.theta", "= 0", "theta must be > 0", "0.99"],
    );
    let sweep = err("[sweep]\ntheta = [0.5, -1.0]\n");
    assert_has(&sweep, &["sweep.theta", "-1", "theta must be > 0"]);
}

#[test]
fn hot_fraction_out_of_range() {
    let m = err("[writers]\nskew = { kind = \"hotspot\", hot_fraction = 1.5, hot_ops = 0.9 }\n");
    assert_has(
        &m,
        &[
            "writers.skew.hot_fraction",
            "hot fraction 1.5 outside 0..=1",
        ],
    );
}

#[test]
fn weights_sum_to_zero() {
    let m = err("[readers]\nmix = { get = 0, get_miss = 0, contains = 0, scan = 0, count = 0 }\n");
    assert_has(
        &m,
        &["readers.mix", "weights sum to 0", "at least one weight > 0"],
    );
    let neg = err("[writers]\nmix = { update = -1 }\n");
    assert_has(&neg, &["writers.mix.update", "-1", "≥ 0"]);
}

#[test]
fn batch_size_zero() {
    let m = err("[writers]\nbatch_size = 0\n");
    assert_has(
        &m,
        &["writers.batch_size", "= 0", "batch size must be in 1..="],
    );
}

#[test]
fn ops_per_snapshot_zero() {
    let m = err("[readers]\nops_per_snapshot = 0\n");
    assert_has(
        &m,
        &[
            "readers.ops_per_snapshot",
            "must be ≥ 1",
            "long-held snapshots",
        ],
    );
}

#[test]
fn scan_min_above_max() {
    let m = err("[readers]\nscan = { min = 50, max = 10 }\n");
    assert_has(&m, &["readers.scan.min", "50", "max = 10", "1 ≤ min ≤ max"]);
}

#[test]
fn unknown_preset_lists_valid_names() {
    let m = Spec::preset("pattern-z").unwrap_err().to_string();
    assert_has(&m, &["pattern-z", "valid presets", "pattern-d", "ycsb-f"]);
}

#[test]
fn malformed_toml_names_origin_and_position() {
    let m = err("[run\nseed = 1\n");
    assert_has(&m, &["bad.toml", "malformed workload spec", "line 2"]);
    let unknown = err("[readers]\nops_per_snapshots = 5\n");
    assert_has(
        &unknown,
        &[
            "bad.toml",
            "unknown field `ops_per_snapshots`",
            "ops_per_snapshot",
        ],
    );
    let wrong_type = err("[writers]\nbatch_size = \"big\"\n");
    assert_has(&wrong_type, &["batch_size", "line 3"]);
}

#[test]
fn bad_duration_string() {
    let m = err("[run]\nduration = \"2 seconds\"\n");
    assert_has(
        &m,
        &[
            "bad.toml",
            "bad duration `2 seconds`",
            "\"500ms\"",
            "line 3",
        ],
    );
}

#[test]
fn empty_partition_name() {
    let m = err("[mutable]\npartition = \"\"\n");
    assert_has(&m, &["mutable.partition", "empty partition name", "w{i}/"]);
}

#[test]
fn rate_not_positive() {
    let m = err("[writers]\nrate_limit = 0.0\n");
    assert_has(
        &m,
        &["writers.rate_limit", "rate must be > 0", "closed loop"],
    );
    let open = err("[readers]\ntarget_rate = -5.0\n");
    assert_has(&open, &["readers.target_rate", "-5"]);
}

#[test]
fn duration_and_budget_together() {
    let m = err("[run]\nduration = \"1s\"\nop_budget = 10\n");
    assert_has(&m, &["run.op_budget", "keep one"]);
}

#[test]
fn prefill_above_keys() {
    let m = err("[mutable]\nkeys = 10\nprefill = 20\n");
    assert_has(&m, &["mutable.prefill", "20", "1..=mutable.keys (10)"]);
}

#[test]
fn region_prefixes_overlap() {
    let m = err("[stable]\nprefix = \"kb/\"\n[mutable]\nprefix = \"kb/m/\"\n");
    assert_has(&m, &["mutable.prefix", "overlaps `stable.prefix`"]);
}

#[test]
fn bad_ratio_string() {
    let m = err("[threads]\ntotal = 4\nratio = \"3-1\"\n");
    assert_has(&m, &["bad ratio `3-1`", "\"3:1\""]);
}

#[test]
fn sweep_axis_without_its_skew() {
    let m = err("[readers]\nskew = { kind = \"uniform\" }\n[sweep]\ntheta = [0.5]\n");
    assert_has(&m, &["sweep.theta", "no role uses a zipf"]);
}

#[test]
fn reserved_miss_byte_in_prefix() {
    let m = err("[stable]\nprefix = \"st~/\"\n");
    assert_has(&m, &["stable.prefix", "`~` is reserved"]);
}

#[test]
fn invalid_errors_carry_their_field() {
    let e = Spec::from_toml("name = \"x\"\n[writers]\nbatch_size = 0\n", "x.toml").unwrap_err();
    assert_eq!(e.field(), Some("writers.batch_size"));
    let mut spec = Spec::preset("pattern-d").unwrap();
    spec.writers.batch_size = 0;
    let m = spec.validate().unwrap_err().to_string();
    assert!(
        m.starts_with("spec `pattern-d`: `writers.batch_size`"),
        "{m}"
    );
    assert!(matches!(e, SpecError::Invalid { .. }));
}
