//! `points.csv`: one row per point of results.json, for spreadsheets (the same counts, flat).

use results::{OpClass, PointResult, Results, Variant};

const HEADER: &str = "backend,role,point,readers,writers,ratio,theta,hot_fraction,batch_size,\
variant,repetition,oversubscribed,skipped,elapsed_s,reads,reads_per_s,commits,commits_per_s,\
writes,writes_per_s,refused_reads,refused_snapshots,refused_commits,refused_writes,\
discarded_writes,read_p50_ns,read_p99_ns,commit_p99_ns,isolation,snapshots_checked,reads_checked,\
violations,ns_per_op";

/// The CSV text of every point.
pub fn points_csv(r: &Results) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for p in &r.points {
        let cells = cells(r, p);
        let row: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

fn cells(r: &Results, p: &PointResult) -> Vec<String> {
    let a = &p.axes;
    let mut c = vec![
        p.backend.clone(),
        r.backend(&p.backend)
            .map(|b| b.role.describe().to_string())
            .unwrap_or_default(),
        a.label(),
        a.readers.to_string(),
        a.writers.to_string(),
        opt(a.ratio),
        opt(a.theta),
        opt(a.hot_fraction),
        opt(a.batch_size),
        match p.variant {
            Variant::Sweep => "sweep",
            Variant::ReadersOnly => "readers-only",
        }
        .into(),
        p.repetition.to_string(),
        p.oversubscribed.to_string(),
        p.skipped().unwrap_or_default().to_string(),
    ];
    let Some(m) = p.measured() else {
        c.resize(HEADER.split(',').count(), String::new());
        return c;
    };
    let (rd, w) = (&m.readers, &m.writers);
    let checked = m.isolation.checked();
    c.extend([
        format!("{:.4}", m.elapsed_s),
        rd.reads.to_string(),
        format!("{:.1}", m.reads_per_s()),
        w.commits.to_string(),
        format!("{:.1}", m.commits_per_s()),
        w.writes.to_string(),
        format!("{:.1}", m.writes_per_s()),
        (rd.refused_reads + w.refused_reads).to_string(),
        rd.refused_snapshots.to_string(),
        w.refused_commits.to_string(),
        w.refused_writes.to_string(),
        w.discarded_writes.to_string(),
        opt(rd.latency_ns.as_ref().map(|l| l.p50)),
        opt(rd.latency_ns.as_ref().map(|l| l.p99)),
        opt(m.latency_ns.get(&OpClass::Commit).map(|l| l.p99)),
        m.isolation.verdict().short().to_string(),
        opt(checked.map(|c| c.counts.snapshots)),
        opt(checked.map(|c| c.counts.reads)),
        opt(checked.map(|c| c.counts.total())),
        opt(m.ns_per_op.map(|v| format!("{v:.2}"))),
    ]);
    c
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_what_needs_quoting() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(super::field("ab"), "ab");
    }
}
