//! YCSB CoreWorkload property files, read as they are and translated into a [`Spec`].
//!
//! A YCSB client thread mixes every operation; here a thread that writes owns a partition. So a
//! workload with writes becomes `threadcount` *writers* whose mix also reads and scans (each read
//! from a fresh snapshot, each write its own batch), and the records are split evenly over their
//! partitions; a read-only workload becomes `threadcount` readers over a stable region of
//! `recordcount` keys, a fresh snapshot per read. [`SUPPORTED`] and [`IGNORED`] list what each
//! property becomes; anything else is named in a [`Warning`], never dropped silently.
//!
//! Properties are read as Java's `Properties` reads them (`key=value`, `key: value` or
//! `key value`; `#` and `!` comments; a trailing `\` continues a line), and later lines win.
//! `-p key=value` overrides are applied on top, as YCSB's command line does.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::distribution::Skew;
use crate::error::SpecError;
use crate::spec::{
    KeyShape, MutableRegion, ReadMix, Readers, RegionWeights, Run, ScanLengths, ScanSpec, Spec,
    StableRegion, Sweep, Threads, WriteMix, Writers,
};

/// The properties this translation reads, and what each becomes.
pub const SUPPORTED: &[(&str, &str)] = &[
    ("recordcount", "records loaded before the run (here 1000 when absent, with a warning; YCSB's default 0 means 2^31 - 1): split evenly over the writers' partitions (`mutable.keys` each), or the stable region's keys when nothing writes"),
    ("operationcount", "operations per run, divided over the threads (`run.op_budget` per thread, rounded up); 0 or absent: bounded by maxexecutiontime, or 1 s when neither is given (YCSB: unbounded), with a warning"),
    ("threadcount", "client threads (default 1): writers when anything writes, else readers"),
    ("target", "operations per second over all threads (default 0, unthrottled): an open loop at target ÷ threadcount per thread"),
    ("maxexecutiontime", "seconds (`run.duration`); ignored with a warning when operationcount also bounds the run"),
    ("readproportion", "weight of reads (default 0.95): a get from a fresh snapshot"),
    ("updateproportion", "weight of updates (default 0.05): a put of a loaded record, committed alone"),
    ("insertproportion", "weight of inserts (default 0): a put of a new record in the thread's partition, committed alone"),
    ("scanproportion", "weight of scans (default 0): a scan from a fresh snapshot"),
    ("readmodifywriteproportion", "weight of read-modify-writes (default 0): a read through the writer, then a put of the same record, committed alone"),
    ("requestdistribution", "uniform (default), zipfian, latest, hotspot, sequential or exponential: which records operations touch"),
    ("zipfianconstant", "θ of the zipfian distribution (default 0.99); read by YCSB forks, while upstream CoreWorkload always uses 0.99"),
    ("minscanlength", "shortest scan (default 1)"),
    ("maxscanlength", "longest scan (default 1000)"),
    ("scanlengthdistribution", "uniform (default) or zipfian (short scans most likely)"),
    ("insertorder", "ordered (records in key order, as here); hashed (YCSB's default) is read as ordered, with a warning"),
    ("hotspotdatafraction", "share of records that are hot (default 0.2), the first ones"),
    ("hotspotopnfraction", "share of operations on hot records (default 0.8)"),
    ("exponential.percentile", "exponential: percent of operations on the newest `exponential.frac` of records (default 95)"),
    ("exponential.frac", "exponential: that share of the records (default 0.8571428571)"),
    ("fieldcount", "fields per record (default 10): a record here is one key holding a u64, so the value size is not modelled (warning)"),
    ("fieldlength", "bytes per field (default 100): as fieldcount (warning)"),
    ("readallfields", "true (default): a read returns the whole record, which is one value here; false is read as true (warning)"),
    ("writeallfields", "false (default): an update writes one field; here it writes the record's one value either way"),
    ("insertstart", "not honoured (warning): all records are loaded before the run and drawn from; YCSB also bounds its run's key choice by insertstart/insertcount"),
    ("insertcount", "not honoured (warning): as insertstart"),
    ("workload", "must name CoreWorkload (site.ycsb or com.yahoo.ycsb); another class is read as CoreWorkload, with a warning"),
];

/// Properties YCSB uses for its database binding, output or load phase, which have no meaning
/// here; they are accepted and named in one warning.
pub const IGNORED: &[&str] = &[
    "db",
    "exporter",
    "exportfile",
    "measurementtype",
    "measurement.interval",
    "measurement.trackjvm",
    "histogram.buckets",
    "hdrhistogram.percentiles",
    "hdrhistogram.fileoutput",
    "hdrhistogram.output.path",
    "timeseries.granularity",
    "status.interval",
    "table",
    "fieldnameprefix",
    "fieldlengthdistribution",
    "fieldlengthhistogram",
    "dataintegrity",
    "zeropadding",
    "core_workload_insertion_retry_limit",
    "core_workload_insertion_retry_interval",
    "debug",
    "dotransactions",
    "columnfamily",
    "minfieldlength",
    "readallfieldsbyname",
    "writeallfieldsbyname",
    "status",
    "label",
    "measurement.raw.output_file",
    "reportlatencyforeacherror",
    "latencytrackederrors",
];

/// Something in the file that this translation did not do as YCSB would.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The property (or properties) concerned.
    pub property: String,
    /// What was done instead.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.property, self.message)
    }
}

/// A YCSB file as a spec, with what could not be translated faithfully.
#[derive(Clone, Debug)]
pub struct Translation {
    pub spec: Spec,
    pub warnings: Vec<Warning>,
}

/// Parsed properties: key → (value, line it came from; 0 for a command-line override).
#[derive(Clone, Debug, Default)]
pub struct Properties {
    map: BTreeMap<String, (String, usize)>,
}

impl Properties {
    /// Reads Java-properties text. `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Properties, SpecError> {
        let mut map = BTreeMap::new();
        let mut lines = text.lines().enumerate();
        while let Some((i, first)) = lines.next() {
            let line = first.trim_start();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let mut logical = line.to_string();
            while ends_in_continuation(&logical) {
                logical.pop();
                match lines.next() {
                    Some((_, next)) => logical.push_str(next.trim_start()),
                    None => break,
                }
            }
            let (key, value) = split_entry(&logical);
            let key = unescape(key).map_err(|m| syntax(origin, i + 1, &m))?;
            let value = unescape(value).map_err(|m| syntax(origin, i + 1, &m))?;
            if key.is_empty() {
                return Err(syntax(origin, i + 1, "a line with a value but no key"));
            }
            map.insert(key, (value, i + 1));
        }
        Ok(Properties { map })
    }

    /// Applies one `key=value` override (YCSB's `-p`).
    pub fn set(&mut self, assignment: &str) -> Result<(), SpecError> {
        match assignment.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                self.map
                    .insert(k.trim().to_string(), (v.trim().to_string(), 0));
                Ok(())
            }
            _ => Err(SpecError::invalid(
                "-p",
                assignment,
                "an override is `key=value`",
                "write e.g. `-p recordcount=100000`",
            )),
        }
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(|(v, _)| v.as_str())
    }

    /// Every given key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

fn syntax(origin: &str, line: usize, message: &str) -> SpecError {
    SpecError::Toml {
        origin: origin.into(),
        message: format!("line {line}: {message} (read as YCSB properties)"),
    }
}

/// An odd number of trailing backslashes continues the line.
fn ends_in_continuation(line: &str) -> bool {
    line.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Splits at the first unescaped `=`, `:` or whitespace (then an optional `=`/`:`).
fn split_entry(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'=' | b':' => return (&line[..i], line[i + 1..].trim()),
            b' ' | b'\t' | b'\x0c' => {
                let rest = line[i..].trim_start();
                let rest = rest
                    .strip_prefix('=')
                    .or_else(|| rest.strip_prefix(':'))
                    .unwrap_or(rest);
                return (&line[..i], rest.trim());
            }
            _ => i += 1,
        }
    }
    (line, "")
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let c = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4 && hex.chars().all(|c| c.is_ascii_hexdigit()))
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("malformed escape `\\u{hex}`"))?;
                out.push(c);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

/// Whether `text` reads as YCSB properties rather than TOML: no `[table]` header, and some
/// line's key is a property YCSB's CoreWorkload knows.
pub fn looks_like_ycsb(text: &str) -> bool {
    let mut known = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            return false;
        }
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let key = split_entry(line).0.trim();
        known |= SUPPORTED.iter().any(|(k, _)| *k == key) || IGNORED.contains(&key);
    }
    known
}

/// Reads typed values and collects warnings, naming the origin in every error.
struct Reader<'a> {
    props: &'a Properties,
    origin: &'a str,
    warnings: Vec<Warning>,
}

impl Reader<'_> {
    fn bad(&self, key: &str, value: &str, problem: &str, fix: &str) -> SpecError {
        let at = match self.props.map.get(key) {
            Some((_, 0)) => format!("{} (-p {key})", self.origin),
            Some((_, line)) => format!("{} line {line}", self.origin),
            None => self.origin.to_string(),
        };
        SpecError::invalid(key, value, problem, fix).with_origin(&at)
    }

    fn warn(&mut self, property: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            property: property.into(),
            message: message.into(),
        });
    }

    fn int(&self, key: &str, default: u64) -> Result<u64, SpecError> {
        match self.props.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| self.bad(key, v, "not a whole number ≥ 0", "write e.g. `1000`")),
        }
    }

    fn float(&self, key: &str, default: f64) -> Result<f64, SpecError> {
        match self.props.get(key) {
            None => Ok(default),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| self.bad(key, v, "not a number ≥ 0", "write e.g. `0.5`")),
        }
    }

    fn boolean(&self, key: &str, default: bool) -> Result<bool, SpecError> {
        match self.props.get(key).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(_) => Err(self.bad(
                key,
                self.props.get(key).unwrap_or_default(),
                "not a boolean",
                "write `true` or `false`",
            )),
        }
    }

    fn choice<'c>(
        &self,
        key: &str,
        default: &'c str,
        valid: &[&'c str],
    ) -> Result<&'c str, SpecError> {
        let Some(v) = self.props.get(key) else {
            return Ok(default);
        };
        valid.iter().copied().find(|c| *c == v).ok_or_else(|| {
            self.bad(
                key,
                v,
                "not a value YCSB's CoreWorkload knows",
                &format!("use one of: {}", valid.join(", ")),
            )
        })
    }
}

impl Spec {
    /// Translates YCSB CoreWorkload properties into a spec named `name`; `origin` names the
    /// file in errors. The spec is validated.
    pub fn from_ycsb(
        props: &Properties,
        name: &str,
        origin: &str,
    ) -> Result<Translation, SpecError> {
        let mut r = Reader {
            props,
            origin,
            warnings: Vec::new(),
        };
        let records = r.int("recordcount", 1000)?;
        if props.get("recordcount").is_none() {
            r.warn(
                "recordcount",
                "not given: 1000 records (YCSB's default 0 means 2^31 - 1 records, more than a \
                 run here can load)",
            );
        }
        for key in ["insertstart", "insertcount"] {
            if props.get(key).is_some() {
                r.warn(
                    key,
                    "ignored: every thread's records are loaded before the run and drawn from \
                     (YCSB also bounds its run's key choice by insertstart/insertcount)",
                );
            }
        }
        if records == 0 {
            return Err(r.bad(
                "recordcount",
                "0",
                "a workload needs records",
                "give recordcount ≥ 1",
            ));
        }
        let threads = r.int("threadcount", 1)?;
        if threads == 0 {
            return Err(r.bad(
                "threadcount",
                "0",
                "a workload needs a client thread",
                "give threadcount ≥ 1",
            ));
        }
        let threads = usize::try_from(threads).unwrap_or(usize::MAX);
        let ops = r.int("operationcount", 0)?;
        let max_time = r.int("maxexecutiontime", 0)?;
        let target = r.float("target", 0.0)?;
        let p = Proportions {
            read: r.float("readproportion", 0.95)?,
            update: r.float("updateproportion", 0.05)?,
            insert: r.float("insertproportion", 0.0)?,
            scan: r.float("scanproportion", 0.0)?,
            rmw: r.float("readmodifywriteproportion", 0.0)?,
        };
        if p.read + p.update + p.insert + p.scan + p.rmw <= 0.0 {
            return Err(r.bad(
                "readproportion",
                "0",
                "every operation proportion is 0",
                "give at least one of readproportion, updateproportion, insertproportion, \
                 scanproportion, readmodifywriteproportion > 0",
            ));
        }
        let skew = request_skew(&mut r)?;
        let scan = scan_spec(&r)?;
        if p.scan == 0.0 {
            for key in ["minscanlength", "maxscanlength", "scanlengthdistribution"] {
                if props.get(key).is_some() {
                    r.warn(key, "no effect: scanproportion is 0");
                }
            }
        }
        notes(&mut r)?;

        let per_partition = records.div_ceil(threads as u64);
        let writes = p.update + p.insert + p.rmw > 0.0;
        // Warm-up, repetitions and seed, which YCSB does not have, keep this tool's defaults.
        let run = Run {
            duration: match (ops, max_time) {
                (0, 0) => Some(Duration::from_secs(1)),
                (0, s) => Some(Duration::from_secs(s)),
                _ => None,
            },
            op_budget: (ops > 0).then(|| ops.div_ceil(threads as u64)),
            ..Run::default()
        };
        if ops > 0 && max_time > 0 {
            r.warn(
                "maxexecutiontime",
                "ignored: operationcount bounds the run (a run here is bounded by one of them)",
            );
        }
        if ops == 0 && max_time == 0 {
            r.warn(
                "operationcount",
                "neither operationcount nor maxexecutiontime bounds the run: it runs for 1 s",
            );
        }
        let rate = (target > 0.0).then(|| target / threads as f64);
        let mut spec = Spec {
            name: name.into(),
            description: format!(
                "YCSB CoreWorkload `{name}`: {}, {} over {records} records, {threads} thread{}",
                p.describe(),
                skew.name(),
                if threads == 1 { "" } else { "s" },
            ),
            run,
            threads: Threads::default(),
            stable: StableRegion {
                keys: 1,
                ..StableRegion::default()
            },
            mutable: MutableRegion::default(),
            readers: Readers {
                ops_per_snapshot: 1,
                mix: ReadMix {
                    get: p.read,
                    get_miss: 0.0,
                    contains: 0.0,
                    scan: p.scan,
                    count: 0.0,
                },
                regions: RegionWeights {
                    stable: 100.0,
                    mutable: 0.0,
                },
                skew: skew.clone(),
                scan,
                target_rate: None,
            },
            writers: Writers::default(),
            sweep: Sweep::default(),
        };
        let shape = record_shape(p.scan > 0.0, spec.readers.scan.max);
        if writes {
            spec.threads.writers = Some(threads);
            spec.threads.readers = Some(0);
            spec.mutable = MutableRegion {
                keys: per_partition,
                shape,
                ..MutableRegion::default()
            };
            spec.readers.mix = ReadMix {
                get: 1.0,
                get_miss: 0.0,
                contains: 0.0,
                scan: 0.0,
                count: 0.0,
            };
            spec.readers.skew = Skew::Uniform {};
            spec.writers = Writers {
                batch_size: 1,
                mix: WriteMix {
                    update: p.update,
                    insert: p.insert,
                    delete: 0.0,
                    delete_prefix: 0.0,
                    read_modify_write: p.rmw,
                    read: p.read,
                    scan: p.scan,
                },
                skew,
                rate_limit: None,
                target_rate: rate,
            };
        } else {
            spec.threads.readers = Some(threads);
            spec.threads.writers = Some(0);
            spec.stable.keys = records;
            spec.stable.shape = shape;
            spec.readers.target_rate = rate;
        }
        spec.validate_inner().map_err(|e| SpecError::Toml {
            origin: origin.into(),
            message: format!("the translated workload is not valid: {e}"),
        })?;
        Ok(Translation {
            spec,
            warnings: r.warnings,
        })
    }
}

struct Proportions {
    read: f64,
    update: f64,
    insert: f64,
    scan: f64,
    rmw: f64,
}

impl Proportions {
    fn describe(&self) -> String {
        let total = self.read + self.update + self.insert + self.scan + self.rmw;
        [
            ("read", self.read),
            ("update", self.update),
            ("insert", self.insert),
            ("scan", self.scan),
            ("read-modify-write", self.rmw),
        ]
        .iter()
        .filter(|(_, w)| *w > 0.0)
        .map(|(n, w)| format!("{:.0}% {n}", 100.0 * w / total))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Records are text keys; with scans, an entity holds at least `maxscanlength` records, so a
/// scan of L records from a record's entity finds L of them.
fn record_shape(scans: bool, max_scan: usize) -> KeyShape {
    if !scans {
        return KeyShape::default();
    }
    let relations = max_scan.clamp(1, 16) as u32;
    KeyShape::Text {
        relations,
        objects: (max_scan as u32).div_ceil(relations).max(1),
    }
}

fn request_skew(r: &mut Reader<'_>) -> Result<Skew, SpecError> {
    let kind = r.choice(
        "requestdistribution",
        "uniform",
        &[
            "uniform",
            "zipfian",
            "latest",
            "hotspot",
            "sequential",
            "exponential",
        ],
    )?;
    let theta = r.float("zipfianconstant", 0.99)?;
    if theta <= 0.0 && kind == "zipfian" {
        return Err(r.bad("zipfianconstant", "0", "θ must be > 0", "use e.g. 0.99"));
    }
    let only_for = [
        ("zipfianconstant", "zipfian"),
        ("hotspotdatafraction", "hotspot"),
        ("hotspotopnfraction", "hotspot"),
        ("exponential.percentile", "exponential"),
        ("exponential.frac", "exponential"),
    ];
    for (key, dist) in only_for {
        if r.props.get(key).is_some() && kind != dist {
            r.warn(
                key,
                format!("no effect: requestdistribution is {kind}, not {dist}"),
            );
        }
    }
    Ok(match kind {
        "uniform" => Skew::Uniform {},
        "zipfian" => Skew::Zipf {
            theta,
            scrambled: true,
            exact: false,
        },
        "latest" => Skew::Latest { theta: 0.99 },
        "hotspot" => {
            let hot_fraction = r.float("hotspotdatafraction", 0.2)?;
            let hot_ops = r.float("hotspotopnfraction", 0.8)?;
            for (key, v) in [
                ("hotspotdatafraction", hot_fraction),
                ("hotspotopnfraction", hot_ops),
            ] {
                if v > 1.0 {
                    return Err(r.bad(
                        key,
                        &v.to_string(),
                        "a fraction above 1",
                        "give a fraction in 0..=1",
                    ));
                }
            }
            if hot_fraction == 0.0 || hot_fraction == 1.0 {
                return Err(r.bad(
                    "hotspotdatafraction",
                    &hot_fraction.to_string(),
                    "no hot set (0) or no cold set (1)",
                    "give a fraction strictly between 0 and 1, or use requestdistribution=uniform",
                ));
            }
            Skew::Hotspot {
                hot_fraction,
                hot_ops,
                scrambled: false,
            }
        }
        "sequential" => Skew::Sequential {},
        _ => {
            let percentile = r.float("exponential.percentile", 95.0)?;
            let fraction = r.float("exponential.frac", 0.857_142_857_1)?;
            if !(percentile > 0.0 && percentile < 100.0) {
                return Err(r.bad(
                    "exponential.percentile",
                    &percentile.to_string(),
                    "must be strictly between 0 and 100",
                    "use e.g. 95",
                ));
            }
            if fraction <= 0.0 {
                return Err(r.bad(
                    "exponential.frac",
                    "0",
                    "must be > 0",
                    "use e.g. 0.8571428571",
                ));
            }
            Skew::Exponential {
                percentile,
                fraction,
            }
        }
    })
}

fn scan_spec(r: &Reader<'_>) -> Result<ScanSpec, SpecError> {
    let min = r.int("minscanlength", 1)?;
    let max = r.int("maxscanlength", 1000)?;
    if min == 0 || min > max {
        return Err(r.bad(
            "minscanlength",
            &min.to_string(),
            &format!("must be in 1..=maxscanlength ({max})"),
            "make 1 ≤ minscanlength ≤ maxscanlength",
        ));
    }
    if max > 1 << 20 {
        return Err(r.bad(
            "maxscanlength",
            &max.to_string(),
            "longer than 1 048 576 records",
            "give a shorter maxscanlength",
        ));
    }
    let lengths = match r.choice("scanlengthdistribution", "uniform", &["uniform", "zipfian"])? {
        "uniform" => ScanLengths::Uniform,
        _ => ScanLengths::Zipfian,
    };
    Ok(ScanSpec {
        min: min as usize,
        max: max as usize,
        depth: 1,
        lengths,
    })
}

/// Warnings for properties read but not honoured as YCSB would, ignored ones, and unknown ones.
fn notes(r: &mut Reader<'_>) -> Result<(), SpecError> {
    if let Some(class) = r.props.get("workload") {
        let core = [
            "site.ycsb.workloads.CoreWorkload",
            "com.yahoo.ycsb.workloads.CoreWorkload",
        ];
        if !core.contains(&class) {
            r.warn(
                "workload",
                format!("`{class}` read as CoreWorkload properties"),
            );
        }
    }
    for key in ["fieldcount", "fieldlength"] {
        r.int(key, 0)?;
    }
    if r.props.get("fieldcount").is_some() || r.props.get("fieldlength").is_some() {
        r.warn(
            "fieldcount/fieldlength",
            "a record here is one key holding a u64 value (8 bytes): the record size is not modelled",
        );
    }
    if !r.boolean("readallfields", true)? {
        r.warn(
            "readallfields",
            "a record is one value: every read reads all of it",
        );
    }
    r.boolean("writeallfields", false)?;
    if r.choice("insertorder", "hashed", &["hashed", "ordered"])? == "hashed"
        && r.props.get("insertorder").is_some()
    {
        r.warn(
            "insertorder",
            "hashed read as ordered: records are spelled in index order, so an insert extends \
             the newest entity instead of landing at a hashed place in the key space",
        );
    }
    let mut ignored = Vec::new();
    let mut unknown = Vec::new();
    for key in r.props.keys() {
        if IGNORED.contains(&key) {
            ignored.push(key.to_string());
        } else if !SUPPORTED.iter().any(|(k, _)| *k == key) {
            unknown.push(key.to_string());
        }
    }
    if !ignored.is_empty() {
        r.warn(
            &ignored.join(", "),
            "ignored: they concern YCSB's database binding, output or load phase",
        );
    }
    if !unknown.is_empty() {
        r.warn(
            &unknown.join(", "),
            "unknown to this translation of CoreWorkload: ignored",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_read_as_java_reads_them() {
        let p = Properties::parse(
            "# comment\n! also\n  a=1\nb : two words \nc three\nd\\=e=f\nlong=x\\\n   y\ne=\n",
            "t",
        )
        .unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), Some("two words"));
        assert_eq!(p.get("c"), Some("three"));
        assert_eq!(p.get("d=e"), Some("f"));
        assert_eq!(p.get("long"), Some("xy"));
        assert_eq!(p.get("e"), Some(""));
        assert_eq!(p.keys().count(), 6);
    }

    #[test]
    fn later_lines_and_overrides_win() {
        let mut p = Properties::parse("a=1\na=2\n", "t").unwrap();
        assert_eq!(p.get("a"), Some("2"));
        p.set("a = 3").unwrap();
        assert_eq!(p.get("a"), Some("3"));
        assert!(p.set("novalue").is_err());
        assert!(p.set("=3").is_err());
    }

    #[test]
    fn detection_tells_properties_from_toml() {
        assert!(looks_like_ycsb("recordcount=1000\nreadproportion=0.5\n"));
        assert!(!looks_like_ycsb("name = \"x\"\n[run]\nduration = \"1s\"\n"));
        assert!(!looks_like_ycsb("name = \"x\"\n"));
    }
}
