//! YCSB CoreWorkload files, read as they are: the streams they become do what the files say.
//! Op mixes within ±1% of the proportions over 10^6 operations, key and scan-length
//! distributions by a χ² test at p = 0.001 against the distribution the file names, and the
//! `ycsb-*` presets equal to their files with the overrides their headers name.
//!
//! Every stream is deterministic (a fixed seed), so each test passes or fails the same way on
//! every run.

use std::collections::HashMap;

use workloads::{zipf_pmf, Format, Loaded, Op, OpStream, Role, Scramble, Spec};

const OPS: usize = 1_000_000;

fn path(name: &str) -> String {
    format!("{}/ycsb/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str, overrides: &[&str]) -> Loaded {
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Spec::load_as(&path(name), Format::Auto, &o).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What a YCSB client did in one operation, and the record index it touched.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Did {
    Read(u64),
    Update(u64),
    Insert(u64),
    Scan { entity: u64, len: usize },
    Rmw(u64),
}

/// The first `OPS` YCSB operations of thread 0's stream, each with the record it touched (as an
/// index; inserted records are numbered on from `recordcount`) and `newest`, the thread's newest
/// record index when it was drawn.
fn operations(spec: &Spec) -> Vec<(Did, u64)> {
    let (readers, writers) = spec.thread_counts();
    let role = if writers > 0 {
        Role::Writer
    } else {
        Role::Reader
    };
    let mut index: HashMap<Vec<u8>, u64> = spec.prefill(writers).collect();
    if writers > 0 {
        index.retain(|k, _| !k.starts_with(spec.stable_prefix()));
    }
    let loaded = match writers {
        0 => index.len() as u64,
        _ => spec.mutable.prefill_keys(),
    };
    let per_entity = match spec.mutable.shape {
        _ if writers == 0 => entity_size(&spec.stable.shape),
        ref s => entity_size(s),
    };
    assert!(readers == 0 || writers == 0, "YCSB threads play one role");
    // A scan's prefix is the region's prefix and its record's entity, `e<entity>/`.
    let region = match writers {
        0 => spec.stable_prefix().len(),
        _ => spec.partitions(writers)[0].len(),
    };
    let mut entity: HashMap<Vec<u8>, u64> = HashMap::new();
    for (k, i) in &index {
        let slash = region + k[region..].iter().position(|&b| b == b'/').unwrap();
        entity.insert(k[..=slash].to_vec(), i / per_entity);
    }
    // The keys inserts must use, in order: thread 0's partition from index `loaded` on.
    let inserts: HashMap<u64, Vec<u8>> = if writers > 0 {
        let mut grown = spec.clone();
        grown.mutable.keys = loaded + OPS as u64 / 10;
        let part = &spec.partitions(writers)[0];
        grown
            .prefill(writers)
            .filter(|(k, i)| k.starts_with(part) && *i >= loaded)
            .map(|(k, i)| (i, k))
            .collect()
    } else {
        HashMap::new()
    };
    let mut s = OpStream::new(spec, role, 0, writers);
    let mut out = Vec::with_capacity(OPS);
    let mut newest = loaded - 1;
    let mut rmw: Option<Vec<u8>> = None;
    while out.len() < OPS {
        let did = match s.next_op() {
            Op::Snapshot | Op::Commit => continue,
            Op::Get { key } => Did::Read(index[key]),
            Op::GetForUpdate { key } => {
                rmw = Some(key.to_vec());
                Did::Rmw(index[key])
            }
            Op::Put { key, .. } if rmw.is_some() => {
                let read = rmw.take().unwrap();
                assert_eq!(
                    key,
                    read.as_slice(),
                    "a read-modify-write puts what it read"
                );
                continue;
            }
            Op::Put { key, .. } => match index.get(key) {
                Some(&i) => Did::Update(i),
                None => {
                    newest += 1;
                    assert_eq!(
                        Some(&key.to_vec()),
                        inserts.get(&newest),
                        "an insert writes the record after the newest"
                    );
                    index.insert(key.to_vec(), newest);
                    Did::Insert(newest)
                }
            },
            Op::Scan { prefix, limit } => Did::Scan {
                entity: entity[prefix],
                len: limit,
            },
            other => panic!("YCSB issues no {other:?}"),
        };
        out.push((did, newest));
    }
    out
}

fn entity_size(shape: &workloads::KeyShape) -> u64 {
    match *shape {
        workloads::KeyShape::Text { relations, objects } => relations as u64 * objects as u64,
        _ => panic!("YCSB records are text keys"),
    }
}

/// Shares of read, update, insert, scan, read-modify-write.
fn mix(ops: &[(Did, u64)]) -> [f64; 5] {
    let mut n = [0usize; 5];
    for (d, _) in ops {
        n[match d {
            Did::Read(_) => 0,
            Did::Update(_) => 1,
            Did::Insert(_) => 2,
            Did::Scan { .. } => 3,
            Did::Rmw(_) => 4,
        }] += 1;
    }
    n.map(|c| c as f64 / ops.len() as f64)
}

#[test]
fn documented_workloads_read_without_warnings_and_keep_their_mix() {
    // read, update, insert, scan, read-modify-write, as YCSB's files give them.
    let table: [(&str, [f64; 5]); 6] = [
        ("workloada", [0.5, 0.5, 0.0, 0.0, 0.0]),
        ("workloadb", [0.95, 0.05, 0.0, 0.0, 0.0]),
        ("workloadc", [1.0, 0.0, 0.0, 0.0, 0.0]),
        ("workloadd", [0.95, 0.0, 0.05, 0.0, 0.0]),
        ("workloade", [0.0, 0.0, 0.05, 0.95, 0.0]),
        ("workloadf", [0.5, 0.0, 0.0, 0.0, 0.5]),
    ];
    for (name, want) in table {
        let l = load(name, &[]);
        assert_eq!(l.format, Format::Ycsb, "{name} detected as YCSB");
        assert!(l.warnings.is_empty(), "{name}: {:?}", l.warnings);
        let got = mix(&operations(&l.spec));
        eprintln!("{name}: read, update, insert, scan, rmw shares {got:.4?}");
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= 0.01, "{name}: op {k} share {g} vs {w}");
        }
        // And by χ², which a 5% share off by a fifth could not pass as ±1% alone lets it.
        let (observed, p): (Vec<u64>, Vec<f64>) = got
            .iter()
            .zip(want)
            .filter(|(_, w)| *w > 0.0)
            .map(|(g, w)| ((g * OPS as f64).round() as u64, w))
            .unzip();
        if observed.len() > 1 {
            assert_fits(&format!("{name} op mix"), &observed, &p);
        }
    }
}

/// χ² statistic of `observed` counts against probabilities `p` (bins with expected count < 5
/// pooled), and the 0.999 quantile of χ² with the resulting degrees of freedom.
fn chi2(observed: &[u64], p: &[f64]) -> (f64, f64) {
    let n: u64 = observed.iter().sum();
    // Pool neighbouring bins until each expects at least 5; a short tail joins the last bin.
    let mut pooled: Vec<(f64, f64)> = Vec::new();
    let (mut o_acc, mut e_acc) = (0.0, 0.0);
    for (o, p) in observed.iter().zip(p) {
        o_acc += *o as f64;
        e_acc += p * n as f64;
        if e_acc >= 5.0 {
            pooled.push((o_acc, e_acc));
            (o_acc, e_acc) = (0.0, 0.0);
        }
    }
    match pooled.last_mut() {
        Some(last) => {
            last.0 += o_acc;
            last.1 += e_acc;
        }
        None => pooled.push((o_acc, e_acc)),
    }
    assert!(pooled.len() > 1, "one bin: nothing to test");
    let stat: f64 = pooled.iter().map(|(o, e)| (o - e).powi(2) / e).sum();
    let df = (pooled.len() - 1) as f64;
    // Wilson–Hilferty, z(0.999) = 3.0902.
    let a = 2.0 / (9.0 * df);
    let critical = df * (1.0 - a + 3.0902 * a.sqrt()).powi(3);
    (stat, critical)
}

fn assert_fits(what: &str, observed: &[u64], p: &[f64]) {
    let total: f64 = p.iter().sum();
    assert!(
        (total - 1.0).abs() < 1e-6,
        "{what}: probabilities sum to {total}"
    );
    let (stat, critical) = chi2(observed, p);
    eprintln!("{what}: χ² = {stat:.1}, 0.999 quantile {critical:.1}");
    assert!(
        stat <= critical,
        "{what}: χ² = {stat:.1} above the 0.999 quantile {critical:.1}"
    );
}

/// Zipf θ over `n` ranks, scrambled onto indices as the key sampler does.
fn scrambled_zipf(n: u64, theta: f64) -> Vec<f64> {
    let s = Scramble::new(n);
    let mut p = vec![0.0; n as usize];
    for r in 0..n {
        p[s.apply(r) as usize] = zipf_pmf(r, n, theta);
    }
    p
}

fn counts(indices: impl Iterator<Item = u64>, n: usize) -> Vec<u64> {
    let mut c = vec![0; n];
    indices.for_each(|i| c[i as usize] += 1);
    c
}

fn touched(ops: &[(Did, u64)]) -> impl Iterator<Item = (u64, u64)> + '_ {
    ops.iter().filter_map(|(d, newest)| match *d {
        Did::Read(i) | Did::Update(i) | Did::Rmw(i) => Some((i, *newest)),
        _ => None,
    })
}

#[test]
fn zipfian_requests_follow_zipf_over_the_records() {
    let p = scrambled_zipf(1000, 0.99);
    for name in ["workloada", "workloadb", "workloadc", "workloadf"] {
        let ops = operations(&load(name, &[]).spec);
        assert_fits(name, &counts(touched(&ops).map(|t| t.0), 1000), &p);
    }
    let ops = operations(&load("workloada", &["zipfianconstant=0.7"]).spec);
    let idx = counts(touched(&ops).map(|t| t.0), 1000);
    assert_fits("zipfianconstant=0.7", &idx, &scrambled_zipf(1000, 0.7));
    let (stat, critical) = chi2(&idx, &p);
    assert!(stat > critical, "θ 0.7 must not pass as θ 0.99");
}

#[test]
fn latest_counts_back_from_the_newest_insert() {
    // D: a read's record is `newest − rank`, rank zipf θ 0.99 over the loaded records' count.
    let ops = operations(&load("workloadd", &[]).spec);
    let ranks = touched(&ops).map(|(i, newest)| newest - i);
    let p: Vec<f64> = (0..1000).map(|r| zipf_pmf(r, 1000, 0.99)).collect();
    assert_fits("workloadd", &counts(ranks, 1000), &p);
    let inserts = ops
        .iter()
        .filter(|(d, _)| matches!(d, Did::Insert(_)))
        .count();
    assert!(inserts > 40_000, "{inserts} inserts");
}

#[test]
fn uniform_hotspot_and_exponential_requests_follow_their_distributions() {
    let ops = operations(&load("workloada", &["requestdistribution=uniform"]).spec);
    assert_fits(
        "uniform",
        &counts(touched(&ops).map(|t| t.0), 1000),
        &[0.001; 1000],
    );

    let hot = [
        "requestdistribution=hotspot",
        "hotspotdatafraction=0.1",
        "hotspotopnfraction=0.7",
    ];
    let ops = operations(&load("workloada", &hot).spec);
    let p: Vec<f64> = (0..1000)
        .map(|i| if i < 100 { 0.7 / 100.0 } else { 0.3 / 900.0 })
        .collect();
    assert_fits("hotspot", &counts(touched(&ops).map(|t| t.0), 1000), &p);

    // YCSB's exponential: x ~ Exp(γ), γ = −ln(1 − 0.95) / (0.8571428571 · n), record newest − ⌊x⌋,
    // drawn again past the oldest record: a geometric law on the age, truncated at n.
    let ops = operations(&load("workloada", &["requestdistribution=exponential"]).spec);
    let gamma = -(0.05f64).ln() / (0.857_142_857_1 * 1000.0);
    let q = (-gamma).exp();
    let norm = 1.0 - q.powi(1000);
    let p: Vec<f64> = (0..1000).map(|k| (1.0 - q) * q.powi(k) / norm).collect();
    let ages = touched(&ops).map(|(i, newest)| newest - i);
    assert_fits("exponential", &counts(ages, 1000), &p);
}

#[test]
fn sequential_requests_walk_the_records_in_order() {
    let ops = operations(&load("workloada", &["requestdistribution=sequential"]).spec);
    let idx: Vec<u64> = touched(&ops).map(|t| t.0).take(5000).collect();
    // Reads and updates draw from two samplers of the same start: each walks in order.
    let reads: Vec<u64> = ops
        .iter()
        .filter_map(|(d, _)| match d {
            Did::Read(i) => Some(*i),
            _ => None,
        })
        .take(3000)
        .collect();
    assert!(
        reads.windows(2).all(|w| w[1] == (w[0] + 1) % 1000),
        "{idx:?}"
    );
}

#[test]
fn scan_lengths_and_starts_follow_the_file() {
    let ops = operations(&load("workloade", &[]).spec);
    let lens: Vec<u64> = ops
        .iter()
        .filter_map(|(d, _)| match d {
            Did::Scan { len, .. } => Some(*len as u64 - 1),
            _ => None,
        })
        .collect();
    assert_fits(
        "scan lengths uniform 1..=100",
        &counts(lens.into_iter(), 100),
        &[0.01; 100],
    );

    // Starts: the entity of a zipfian record (entities hold 16 × 7 = 112 records here).
    let spec = load("workloade", &[]).spec;
    let per = entity_size(&spec.mutable.shape);
    assert!(per >= 100, "an entity holds a whole scan");
    let p = scrambled_zipf(1000, 0.99);
    let entities = 1000u64.div_ceil(per) as usize;
    let mut pe = vec![0.0; entities];
    for (i, q) in p.iter().enumerate() {
        pe[i / per as usize] += q;
    }
    let starts = ops.iter().filter_map(|(d, _)| match d {
        Did::Scan { entity, .. } => Some(*entity),
        _ => None,
    });
    assert_fits("scan starts", &counts(starts, entities), &pe);

    let ops = operations(&load("workloade", &["scanlengthdistribution=zipfian"]).spec);
    let lens = ops.iter().filter_map(|(d, _)| match d {
        Did::Scan { len, .. } => Some(*len as u64 - 1),
        _ => None,
    });
    let p: Vec<f64> = (0..100).map(|r| zipf_pmf(r, 100, 0.99)).collect();
    assert_fits("scan lengths zipfian", &counts(lens, 100), &p);
}

#[test]
fn threads_split_records_and_target_into_per_thread_shares() {
    let l = load(
        "workloada",
        &[
            "threadcount=4",
            "recordcount=1001",
            "target=4000",
            "operationcount=10",
        ],
    );
    let s = &l.spec;
    assert_eq!(s.thread_counts(), (0, 4));
    assert_eq!(
        s.mutable.keys, 251,
        "1001 records over 4 partitions, rounded up"
    );
    assert_eq!(s.writers.target_rate, Some(1000.0));
    assert_eq!(
        s.op_budget(),
        Some(3),
        "10 operations over 4 threads, rounded up"
    );
    assert_eq!(
        s.writers.batch_size, 1,
        "every YCSB write is its own transaction"
    );
    let c = load(
        "workloadc",
        &["threadcount=2", "operationcount=0", "maxexecutiontime=7"],
    )
    .spec;
    assert_eq!(c.thread_counts(), (2, 0));
    assert_eq!(c.stable.keys, 1000);
    assert_eq!(c.readers.ops_per_snapshot, 1, "a fresh snapshot per read");
    assert_eq!(c.duration(), Some(std::time::Duration::from_secs(7)));
}

#[test]
fn unsupported_and_unknown_properties_are_named() {
    let l = load(
        "workloadb",
        &[
            "fieldcount=20",
            "insertorder=hashed",
            "table=usertable",
            "frobnicate=yes",
            "maxexecutiontime=5",
            "readallfields=false",
            "hotspotopnfraction=0.5",
            "maxscanlength=10",
        ],
    );
    let all: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
    let text = all.join("\n");
    for needle in [
        "fieldcount",
        "insertorder",
        "table",
        "frobnicate",
        "maxexecutiontime",
        "readallfields",
        "`hotspotopnfraction`: no effect",
        "`maxscanlength`: no effect",
    ] {
        assert!(text.contains(needle), "no warning names {needle}:\n{text}");
    }
}

#[test]
fn malformed_values_are_errors_that_name_the_property_and_line() {
    let dir = std::env::temp_dir().join(format!("ycsb-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &str); 7] = [
        ("recordcount=lots\n", "recordcount"),
        ("recordcount=0\n", "recordcount"),
        ("readproportion=-1\n", "readproportion"),
        ("readproportion=0\nupdateproportion=0\n", "proportion"),
        ("requestdistribution=zipf\n", "requestdistribution"),
        ("minscanlength=10\nmaxscanlength=5\n", "minscanlength"),
        (
            "requestdistribution=hotspot\nhotspotopnfraction=1.5\n",
            "hotspotopnfraction",
        ),
    ];
    for (i, (text, field)) in cases.iter().enumerate() {
        let p = dir.join(format!("w{i}"));
        std::fs::write(&p, text).unwrap();
        let e = Spec::load_as(p.to_str().unwrap(), Format::Ycsb, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains(field), "{text:?}: {e}");
        assert!(e.contains("line"), "{text:?}: names no line: {e}");
    }
    let err = Spec::load_as(&path("workloada"), Format::Auto, &["noequals".into()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("key=value"), "{err}");
    let err = Spec::load_as("pattern-d", Format::Auto, &["recordcount=5".into()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("YCSB"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ycsb_presets_are_their_files_with_the_overrides_they_name() {
    for letter in ["a", "b", "c", "d", "e", "f"] {
        let name = format!("ycsb-{letter}");
        let preset = Spec::preset(&name).unwrap();
        let overrides = preset_overrides(&name);
        assert!(!overrides.is_empty(), "{name} names its overrides");
        let o: Vec<&str> = overrides.iter().map(String::as_str).collect();
        let mut from_file = load(&format!("workload{letter}"), &o).spec;
        from_file.name = name.clone();
        assert_eq!(
            preset, from_file,
            "{name} differs from workload{letter} + {o:?}"
        );
    }
}

/// The `-p key=value` list in a preset's header line `# overrides: …`.
fn preset_overrides(name: &str) -> Vec<String> {
    let text = Spec::preset_source(name).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("# overrides:"))
        .unwrap_or_else(|| panic!("{name} has no `# overrides:` line"));
    line.split_whitespace()
        .filter(|w| *w != "-p")
        .map(String::from)
        .collect()
}

#[test]
fn the_readme_lists_every_property() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README beside the workspace");
    for (key, what) in workloads::ycsb::SUPPORTED {
        let row = format!("| `{key}` | {what} |");
        assert!(readme.contains(&row), "the README's table lacks {row}");
    }
    for key in workloads::ycsb::IGNORED {
        assert!(
            readme.contains(&format!("`{key}`")),
            "the README lacks {key}"
        );
    }
}

#[test]
fn with_several_threads_a_read_picks_a_partition_then_a_zipfian_record() {
    // Four clients: 1,000 records in 4 partitions of 250. Thread 0's reads: partition uniform,
    // the record within it by the scrambled Zipf over 250.
    let spec = load("workloadb", &["threadcount=4"]).spec;
    let parts = spec.partitions(4);
    let index: HashMap<Vec<u8>, u64> = spec.prefill(4).collect();
    let mut s = OpStream::new(&spec, Role::Writer, 0, 4);
    let mut counts = vec![0u64; 4 * 250];
    let mut reads = 0;
    while reads < OPS / 2 {
        if let Op::Get { key } = s.next_op() {
            let p = parts.iter().position(|p| key.starts_with(p)).unwrap();
            counts[p * 250 + index[key] as usize] += 1;
            reads += 1;
        }
    }
    let within = scrambled_zipf(250, 0.99);
    let p: Vec<f64> = (0..4)
        .flat_map(|_| within.iter().map(|q| q / 4.0))
        .collect();
    assert_fits("4 partitions × zipf over 250", &counts, &p);
}

#[test]
fn writer_reads_inside_bigger_batches_are_refused() {
    let toml = "name = \"x\"\n[writers]\nbatch_size = 16\nmix = { update = 1, insert = 0, delete = 0, delete_prefix = 0, read = 1 }\n";
    let e = Spec::from_toml(toml, "x.toml").unwrap_err();
    assert_eq!(e.field(), Some("writers.batch_size"), "{e}");
}
