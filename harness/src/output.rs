//! Files in `--out`: checked writable before anything runs, written atomically (a temporary file
//! in the same directory, then a rename), so an interrupted run never leaves a half-written file.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use crate::{error::HarnessError, results::Results};

/// Creates `dir` if needed and proves it writable (a probe file, removed again).
pub fn check_writable(dir: &Path) -> Result<(), HarnessError> {
    let err = |source| HarnessError::OutNotWritable {
        dir: dir.to_path_buf(),
        source,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it exists and is not a directory",
        )));
    }
    fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(format!(".harness-probe-{}", std::process::id()));
    fs::write(&probe, b"probe").map_err(err)?;
    fs::remove_file(&probe).map_err(err)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), HarnessError> {
    let err = |source| HarnessError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp: PathBuf = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut f = fs::File::create(&tmp).map_err(err)?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(err)?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        err(e)
    })
}

/// Writes results.json and points.csv into `dir`.
pub fn write_results(dir: &Path, results: &Results) -> Result<(), HarnessError> {
    let json = serde_json::to_vec_pretty(results).expect("results serialize");
    write_atomic(&dir.join("results.json"), &json)?;
    write_atomic(&dir.join("points.csv"), points_csv(results).as_bytes())
}

/// Reads a results.json back through the schema.
pub fn read_results(path: &Path) -> Result<Results, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a results file of this schema: {e}", path.display()))
}

const CSV_HEADER: &str =
    "backend,label,variant,readers,writers,repetition,oversubscribed,skipped,elapsed_s,\
read_ops_per_s,write_ops_per_s,total_ops_per_s,commits_per_s,read_p50_ns,read_p99_ns,commit_p99_ns,\
conflicts,refused_ops,ns_per_op";

/// One row per point result.
pub fn points_csv(results: &Results) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for p in &results.points {
        let lat = |k: &str, f: fn(&crate::metrics::LatencySummary) -> u64| {
            p.latency_ns
                .get(k)
                .map(|l| f(l).to_string())
                .unwrap_or_default()
        };
        let cells = [
            p.backend.clone(),
            p.label.clone(),
            p.variant.clone(),
            p.readers.to_string(),
            p.writers.to_string(),
            p.repetition.to_string(),
            p.oversubscribed.to_string(),
            p.skipped.clone().unwrap_or_default(),
            format!("{:.4}", p.elapsed_s),
            format!("{:.1}", p.throughput.read_ops_per_s),
            format!("{:.1}", p.throughput.write_ops_per_s),
            format!("{:.1}", p.throughput.total_ops_per_s),
            format!("{:.1}", p.throughput.commits_per_s),
            lat("read", |l| l.p50),
            lat("read", |l| l.p99),
            lat("commit", |l| l.p99),
            p.conflicts.to_string(),
            p.refused_ops.to_string(),
            p.ns_per_op.map(|v| format!("{v:.2}")).unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("harness-out-test-{}", std::process::id()));
        check_writable(&dir).unwrap();
        write_atomic(&dir.join("a.txt"), b"one").unwrap();
        write_atomic(&dir.join("a.txt"), b"two").unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"two");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_is_not_a_writable_directory() {
        let f = std::env::temp_dir().join(format!("harness-out-file-{}", std::process::id()));
        fs::write(&f, b"x").unwrap();
        let e = check_writable(&f).unwrap_err().to_string();
        assert!(e.contains("--out"), "{e}");
        fs::remove_file(&f).unwrap();
    }

    #[test]
    fn csv_quotes_commas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("ab"), "ab");
    }
}
