//! Errors of the `harness` command: each variant carries its context, and its message
//! says how to fix it.

use std::{fmt, io, path::PathBuf};

#[derive(Debug)]
pub enum HarnessError {
    /// `--backends` named something that is not a backend.
    UnknownBackend {
        name: String,
        valid: Vec<&'static str>,
    },
    /// The workload could not be loaded (unknown preset, unreadable or malformed file, invalid spec);
    /// the text is the workloads crate's error (file, line, field).
    Workload {
        what: String,
        message: String,
        presets: Vec<&'static str>,
    },
    /// A thread count of zero, or a point without any thread.
    ZeroThreads { flag: &'static str },
    /// A flag's value could not be understood.
    BadArgument {
        flag: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A value outside what the workloads or this machine allow (see `limits`).
    Limit {
        /// The flag or field.
        what: String,
        value: String,
        problem: String,
        fix: String,
    },
    /// `--out` cannot be created or written.
    OutNotWritable { dir: PathBuf, source: io::Error },
    /// Writing a results file failed mid-run.
    Write { path: PathBuf, source: io::Error },
}

impl fmt::Display for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HarnessError::UnknownBackend { name, valid } => write!(
                f,
                "unknown backend `{name}`; valid backends: {} (see `harness list`)",
                valid.join(", ")
            ),
            HarnessError::Workload { what, message, presets } => {
                write!(f, "cannot load workload `{what}` (--workload): {message}")?;
                if !message.contains("presets") {
                    write!(
                        f,
                        "\n  fix: correct the spec file, or pass a preset ({}) — `harness list` describes them",
                        presets.join(", ")
                    )?;
                }
                Ok(())
            }
            HarnessError::ZeroThreads { flag } => {
                write!(f, "{flag}: every point needs at least one thread; use counts ≥ 1, e.g. `--threads 1,2,4`")
            }
            HarnessError::BadArgument { flag, value, expected } => {
                write!(f, "{flag}: cannot understand `{value}`; expected {expected}")
            }
            HarnessError::Limit { what, value, problem, fix } => {
                write!(f, "{what} `{value}`: {problem}; {fix}")
            }
            HarnessError::OutNotWritable { dir, source } => write!(
                f,
                "output directory `{}` is not writable ({source}); pass a writable directory with `--out DIR`",
                dir.display()
            ),
            HarnessError::Write { path, source } => {
                write!(f, "could not write `{}` ({source}); check free space and permissions of --out", path.display())
            }
        }
    }
}

impl std::error::Error for HarnessError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HarnessError::OutNotWritable { source, .. } | HarnessError::Write { source, .. } => {
                Some(source)
            }
            _ => None,
        }
    }
}
