//! Validation: every field checked, every message naming the field, the value and the fix.

use crate::distribution::Skew;
use crate::error::SpecError;
use crate::keys::partition_name;
use crate::limits::{self, first_duplicate, Breach};
use crate::spec::{KeyShape, Spec};
use crate::units::format_duration;

type Check = Result<(), SpecError>;

/// Keys per region are capped so the scramble's arithmetic stays in u64.
const MAX_KEYS: u64 = 1 << 32;

impl Spec {
    /// Checks the spec and every point of its sweep. Messages name the field, the bad value and
    /// the fix; the origin reads `spec <name>` (`from_toml` replaces it with the file).
    pub fn validate(&self) -> Result<(), SpecError> {
        self.validate_inner()
            .map_err(|e| e.with_origin(&format!("spec `{}`", self.name)))
    }

    pub(crate) fn validate_inner(&self) -> Check {
        if self.name.trim().is_empty() {
            return Err(invalid(
                "name",
                "\"\"",
                "the name is empty",
                "give the workload a name",
            ));
        }
        check_run(self)?;
        check_regions(self)?;
        check_roles(self)?;
        check_sweep(self)?;
        if self.sweep.is_empty() {
            return check_point(self);
        }
        self.points().iter().try_for_each(|p| check_point(&p.spec))
    }
}

fn invalid(field: &str, value: impl std::fmt::Display, problem: &str, fix: &str) -> SpecError {
    SpecError::invalid(field, value, problem, fix)
}

/// `field` = `value` against one of the [`limits`].
fn limit(field: &str, value: impl std::fmt::Display, within: Result<(), Breach>) -> Check {
    within.map_err(|b| invalid(field, value, &b.problem, &b.fix))
}

fn check_run(s: &Spec) -> Check {
    let r = &s.run;
    if r.duration.is_some() && r.op_budget.is_some() {
        return Err(invalid(
            "run.op_budget",
            r.op_budget.unwrap_or(0),
            "both `run.duration` and `run.op_budget` are given",
            "keep one: a run is bounded by time or by operations per thread",
        ));
    }
    if let Some(d) = r.duration {
        limit(
            "run.duration",
            format!("\"{}\"", format_duration(d)),
            limits::window(d),
        )?;
    }
    limit(
        "run.warmup",
        format!("\"{}\"", format_duration(r.warmup)),
        limits::at_most_a_day(r.warmup),
    )?;
    if let Some(n) = r.op_budget {
        limit("run.op_budget", n, limits::op_budget(n))?;
    }
    limit(
        "run.repetitions",
        r.repetitions,
        limits::repetitions(r.repetitions),
    )?;
    let t = &s.threads;
    if t.total.is_some() && (t.readers.is_some() || t.writers.is_some()) {
        return Err(invalid(
            "threads.total",
            t.total.unwrap_or(0),
            "`threads.total` is given together with `threads.readers`/`threads.writers`",
            "give either readers and writers, or total and ratio",
        ));
    }
    Ok(())
}

fn check_regions(s: &Spec) -> Check {
    let (st, m) = (&s.stable, &s.mutable);
    check_prefix("stable.prefix", &st.prefix)?;
    check_prefix("mutable.prefix", &m.prefix)?;
    if st.prefix.starts_with(&m.prefix) || m.prefix.starts_with(&st.prefix) {
        return Err(invalid(
            "mutable.prefix",
            format!("{:?}", m.prefix),
            &format!("overlaps `stable.prefix` = {:?}", st.prefix),
            "give the regions prefixes where neither starts the other, e.g. \"stable/\" and \"mutable/\"",
        ));
    }
    check_keys("stable.keys", st.keys)?;
    check_shape("stable.shape", &st.shape, st.keys)?;
    check_keys("mutable.keys", m.keys)?;
    check_shape("mutable.shape", &m.shape, m.keys)?;
    let prefill = m.prefill_keys();
    if prefill == 0 || prefill > m.keys {
        return Err(invalid(
            "mutable.prefill",
            prefill,
            &format!("prefill must be in 1..=mutable.keys ({})", m.keys),
            "lower it, or raise `mutable.keys`",
        ));
    }
    if m.partition.is_empty() || partition_name(&m.partition, 0).is_empty() {
        return Err(invalid(
            "mutable.partition",
            "\"\"",
            "empty partition name",
            "use a pattern like \"w{i}/\" ({i} is the writer index)",
        ));
    }
    if m.partition.contains('~') {
        return Err(invalid(
            "mutable.partition",
            format!("{:?}", m.partition),
            "`~` is reserved for absent keys",
            "remove the `~`",
        ));
    }
    Ok(())
}

fn check_prefix(field: &str, p: &str) -> Check {
    if p.contains('~') {
        return Err(invalid(
            field,
            format!("{p:?}"),
            "`~` is reserved for absent keys",
            "remove it",
        ));
    }
    Ok(())
}

fn check_keys(field: &str, keys: u64) -> Check {
    if keys == 0 || keys > MAX_KEYS {
        return Err(invalid(
            field,
            keys,
            "keys must be in 1..=2^32",
            "give e.g. 100000",
        ));
    }
    Ok(())
}

fn check_shape(field: &str, shape: &KeyShape, keys: u64) -> Check {
    match *shape {
        KeyShape::Text { relations, objects } => {
            if !(1..=16).contains(&relations) {
                return Err(invalid(
                    &format!("{field}.relations"),
                    relations,
                    "relations must be in 1..=16",
                    "use e.g. 8",
                ));
            }
            if objects == 0 {
                return Err(invalid(
                    &format!("{field}.objects"),
                    0,
                    "objects must be ≥ 1",
                    "use e.g. 4",
                ));
            }
        }
        KeyShape::Bytes { len } => {
            if !(1..=64).contains(&len) {
                return Err(invalid(
                    &format!("{field}.len"),
                    len,
                    "len must be in 1..=64",
                    "use e.g. 16",
                ));
            }
            if len < 8 && keys > 1u64 << (8 * len) {
                return Err(invalid(
                    &format!("{field}.len"),
                    len,
                    &format!("{len} bytes cannot spell {keys} distinct keys"),
                    "raise `len` or lower `keys`",
                ));
            }
        }
    }
    Ok(())
}

fn check_weights(field: &str, weights: &[(&str, f64)]) -> Check {
    for (name, w) in weights {
        if !w.is_finite() || *w < 0.0 {
            return Err(invalid(
                &format!("{field}.{name}"),
                w,
                "weights must be finite and ≥ 0",
                "use relative weights such as 80 and 20",
            ));
        }
    }
    if weights.iter().map(|w| w.1).sum::<f64>() <= 0.0 {
        let all: Vec<String> = weights.iter().map(|(n, w)| format!("{n} = {w}")).collect();
        return Err(invalid(
            field,
            format!("{{ {} }}", all.join(", ")),
            "weights sum to 0",
            "give at least one weight > 0",
        ));
    }
    Ok(())
}

fn check_skew(field: &str, skew: &Skew) -> Check {
    match *skew {
        Skew::Zipf { theta, .. } | Skew::Latest { theta } => {
            check_theta(&format!("{field}.theta"), theta)
        }
        Skew::Hotspot {
            hot_fraction,
            hot_ops,
            ..
        } => {
            check_fraction(
                &format!("{field}.hot_fraction"),
                "hot fraction",
                hot_fraction,
            )?;
            check_fraction(&format!("{field}.hot_ops"), "hot ops fraction", hot_ops)?;
            if (hot_fraction == 0.0 && hot_ops > 0.0) || (hot_fraction == 1.0 && hot_ops < 1.0) {
                return Err(invalid(
                    &format!("{field}.hot_fraction"),
                    hot_fraction,
                    &format!(
                        "with hot_fraction = {hot_fraction}, there are no {} keys for the {} of \
                         operations that hot_ops = {hot_ops} sends there",
                        if hot_fraction == 0.0 { "hot" } else { "cold" },
                        if hot_fraction == 0.0 { "share" } else { "rest" },
                    ),
                    "give a hot_fraction strictly between 0 and 1, or use a uniform skew",
                ));
            }
            Ok(())
        }
        Skew::Exponential {
            percentile,
            fraction,
        } => {
            if !(percentile > 0.0 && percentile < 100.0) {
                return Err(invalid(
                    &format!("{field}.percentile"),
                    percentile,
                    "percentile must be strictly between 0 and 100",
                    "use e.g. 95 (YCSB's default)",
                ));
            }
            if !(fraction.is_finite() && fraction > 0.0) {
                return Err(invalid(
                    &format!("{field}.fraction"),
                    fraction,
                    "fraction must be > 0",
                    "use e.g. 0.8571428571 (YCSB's default)",
                ));
            }
            Ok(())
        }
        Skew::Uniform {} | Skew::Sequential {} => Ok(()),
    }
}

fn check_theta(field: &str, theta: f64) -> Check {
    if !(theta.is_finite() && theta > 0.0) {
        return Err(invalid(
            field,
            theta,
            "theta must be > 0",
            "use e.g. 0.99 (YCSB's default)",
        ));
    }
    Ok(())
}

fn check_fraction(field: &str, what: &str, f: f64) -> Check {
    if !(0.0..=1.0).contains(&f) {
        return Err(invalid(
            field,
            f,
            &format!("{what} {f} outside 0..=1"),
            "give a fraction such as 0.2",
        ));
    }
    Ok(())
}

fn check_rate(field: &str, rate: Option<f64>, window: Option<std::time::Duration>) -> Check {
    match rate {
        Some(r) => limit(field, r, limits::rate(r, window)),
        None => Ok(()),
    }
}

fn check_roles(s: &Spec) -> Check {
    let r = &s.readers;
    if r.ops_per_snapshot == 0 {
        return Err(invalid(
            "readers.ops_per_snapshot",
            0,
            "ops_per_snapshot must be ≥ 1",
            "use 1 for a fresh snapshot per operation, or a large number for long-held snapshots",
        ));
    }
    let m = &r.mix;
    check_weights(
        "readers.mix",
        &[
            ("get", m.get),
            ("get_miss", m.get_miss),
            ("contains", m.contains),
            ("scan", m.scan),
            ("count", m.count),
        ],
    )?;
    check_weights(
        "readers.regions",
        &[("stable", r.regions.stable), ("mutable", r.regions.mutable)],
    )?;
    check_skew("readers.skew", &r.skew)?;
    if r.scan.min == 0 || r.scan.min > r.scan.max {
        return Err(invalid(
            "readers.scan.min",
            r.scan.min,
            &format!("scan length min must be in 1..=max (max = {})", r.scan.max),
            "make 1 ≤ min ≤ max",
        ));
    }
    let depth_max = match (&s.stable.shape, &s.mutable.shape) {
        (KeyShape::Text { .. }, KeyShape::Text { .. }) => 2,
        (KeyShape::Bytes { len }, KeyShape::Text { .. })
        | (KeyShape::Text { .. }, KeyShape::Bytes { len }) => (*len).min(2),
        (KeyShape::Bytes { len: a }, KeyShape::Bytes { len: b }) => *a.min(b),
    };
    if r.scan.depth > depth_max {
        return Err(invalid(
            "readers.scan.depth",
            r.scan.depth,
            &format!("deeper than the keys allow (at most {depth_max})"),
            "use 0 (region), 1 (entity / first byte) or 2",
        ));
    }
    let window = s.run.duration;
    check_rate("readers.target_rate", r.target_rate, window)?;
    let w = &s.writers;
    limit(
        "writers.batch_size",
        w.batch_size,
        limits::batch_size(w.batch_size),
    )?;
    let m = &w.mix;
    check_weights(
        "writers.mix",
        &[
            ("update", m.update),
            ("insert", m.insert),
            ("delete", m.delete),
            ("delete_prefix", m.delete_prefix),
            ("read_modify_write", m.read_modify_write),
            ("read", m.read),
            ("scan", m.scan),
        ],
    )?;
    check_skew("writers.skew", &w.skew)?;
    if m.read + m.scan > 0.0 && w.batch_size > 1 {
        return Err(invalid(
            "writers.batch_size",
            w.batch_size,
            "a writer's own reads (`writers.mix.read`, `writers.mix.scan`) are transactions of \
             their own, so they cannot fall inside a batch of several writes",
            "use batch_size = 1 with writer reads (as YCSB clients do), or readers for reads",
        ));
    }
    check_rate("writers.rate_limit", w.rate_limit, window)?;
    check_rate("writers.target_rate", w.target_rate, window)
}

fn check_sweep(s: &Spec) -> Check {
    let sw = &s.sweep;
    for &t in &sw.threads {
        limit("sweep.threads", t, limits::threads(t))?;
    }
    duplicates("sweep.threads", &sw.threads)?;
    duplicates("sweep.ratios", &sw.ratios)?;
    duplicates("sweep.theta", &sw.theta)?;
    duplicates("sweep.hot_fraction", &sw.hot_fraction)?;
    duplicates("sweep.batch_size", &sw.batch_size)?;
    duplicates("sweep.writers", &sw.writers)?;
    let thread_axes = !sw.threads.is_empty() || !sw.ratios.is_empty();
    if !sw.writers.is_empty() && thread_axes {
        return Err(invalid(
            "sweep.writers",
            format!("{:?}", sw.writers),
            "a writers axis fixes the readers, so it cannot be combined with `sweep.threads` or \
             `sweep.ratios` (or `--threads`)",
            "keep one way to vary the threads",
        ));
    }
    let readers = s.threads.counts().0;
    for &w in &sw.writers {
        if w == 0 {
            return Err(invalid(
                "sweep.writers",
                0,
                "a writers axis needs at least one writer per point",
                "list counts from 1, e.g. [1, 2, 4, 8]",
            ));
        }
        limit("sweep.writers", w, limits::threads(readers + w))?;
    }
    if !sw.theta.is_empty() && s.readers.skew.theta().is_none() && s.writers.skew.theta().is_none()
    {
        return Err(invalid(
            "sweep.theta",
            format!("{:?}", sw.theta),
            "no role uses a zipf or latest skew, so theta would change nothing",
            "set `readers.skew` or `writers.skew` to zipf/latest, or drop the axis",
        ));
    }
    sw.theta
        .iter()
        .try_for_each(|&t| check_theta("sweep.theta", t))?;
    let hotspot = |k: &Skew| matches!(k, Skew::Hotspot { .. });
    if !sw.hot_fraction.is_empty() && !hotspot(&s.readers.skew) && !hotspot(&s.writers.skew) {
        return Err(invalid(
            "sweep.hot_fraction",
            format!("{:?}", sw.hot_fraction),
            "no role uses a hotspot skew, so hot_fraction would change nothing",
            "set `readers.skew` or `writers.skew` to hotspot, or drop the axis",
        ));
    }
    for &f in &sw.hot_fraction {
        check_fraction("sweep.hot_fraction", "hot fraction", f)?;
        // Each swept value with the skews' own hot_ops, as the base skew is checked.
        for skew in [&s.readers.skew, &s.writers.skew] {
            if let Skew::Hotspot { hot_ops, .. } = *skew {
                if (f == 0.0 && hot_ops > 0.0) || (f == 1.0 && hot_ops < 1.0) {
                    return Err(invalid(
                        "sweep.hot_fraction",
                        f,
                        &format!("with hot_ops = {hot_ops}, a hot fraction of {f} leaves no keys for some operations"),
                        "sweep hot fractions strictly between 0 and 1",
                    ));
                }
            }
        }
    }
    for &b in &sw.batch_size {
        limit("sweep.batch_size", b, limits::batch_size(b))?;
    }
    Ok(())
}

/// A sweep axis lists each value once: a repeated value would show as if it were a repetition.
fn duplicates<T: PartialEq + std::fmt::Display>(field: &str, values: &[T]) -> Check {
    match first_duplicate(values) {
        Some(v) => Err(invalid(
            field,
            v,
            "appears twice in the axis (its points would look like repetitions)",
            "list each value once; use `run.repetitions` (or --repetitions) to repeat",
        )),
        None => Ok(()),
    }
}

/// Checks that need concrete thread counts: at least one thread, and prefix-free partitions.
fn check_point(s: &Spec) -> Check {
    let (readers, writers) = s.threads.counts();
    if readers + writers > limits::MAX_THREADS {
        return Err(invalid(
            "threads",
            format!("readers = {readers}, writers = {writers}"),
            &format!("a point needs 1..={} threads", limits::MAX_THREADS),
            "lower `threads.readers`/`threads.writers` (or `threads.total`, `sweep.threads`)",
        ));
    }
    if readers + writers == 0 {
        return Err(invalid(
            "threads",
            format!("readers = {readers}, writers = {writers}"),
            "readers + writers must be ≥ 1",
            "set `threads.readers` or `threads.writers` (or `threads.total`) to at least 1",
        ));
    }
    if s.mutable.overlapping || writers < 2 {
        return Ok(());
    }
    let mut names: Vec<String> = (0..writers)
        .map(|i| partition_name(&s.mutable.partition, i))
        .collect();
    names.sort();
    for pair in names.windows(2) {
        if pair[1].starts_with(pair[0].as_str()) {
            return Err(invalid(
                "mutable.partition",
                format!("{:?}", s.mutable.partition),
                &format!("partition names `{}` and `{}` overlap", pair[0], pair[1]),
                "end them with `/` (e.g. \"w{i}/\") and include `{i}`, or set \
                 `mutable.overlapping = true` to run overlapping writers on purpose",
            ));
        }
    }
    Ok(())
}
