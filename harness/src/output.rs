//! Files in `--out`: checked writable before anything runs, then written atomically (the results
//! crate's one writer), so an interrupted run never leaves a half-written file.

use std::{fs, path::Path};

use results::Results;

use crate::error::HarnessError;

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
    probe(dir).map_err(err)
}

/// Proves the existing directory `dir` writable by writing a probe file into it and removing it
/// again — whether or not the write succeeded (on a full disk it can create the file and then
/// fail): no probe is left behind.
pub fn probe(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".harness-probe-{}", std::process::id()));
    let written = fs::write(&probe, b"probe");
    let removed = fs::remove_file(&probe);
    written.and(removed)
}

/// Writes results.json and points.csv into `dir`.
pub fn write_results(dir: &Path, results: &Results) -> Result<(), HarnessError> {
    let err = |name: &str| {
        let path = dir.join(name);
        move |source| HarnessError::Write { path, source }
    };
    results::save(dir, results).map_err(err("results.json"))?;
    report::write_csv(dir, results).map_err(err("points.csv"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_not_a_writable_directory() {
        let f = std::env::temp_dir().join(format!("harness-out-file-{}", std::process::id()));
        fs::write(&f, b"x").unwrap();
        let e = check_writable(&f).unwrap_err().to_string();
        assert!(e.contains("--out"), "{e}");
        fs::remove_file(&f).unwrap();
    }
}
