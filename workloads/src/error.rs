//! The one error type of this crate: every way a spec can be unreadable or invalid.
//!
//! Each variant carries its context (the origin, the field, the bad value) and its message names
//! the remedy, so a user can fix a spec file from the message alone.

use std::fmt;

/// Why a spec could not be loaded, parsed or validated.
#[derive(Clone, Debug, PartialEq)]
pub enum SpecError {
    /// The TOML text did not parse, or did not match the spec's shape (unknown field, wrong type,
    /// bad duration or ratio string). `message` is toml's own, which carries line and column.
    Toml {
        /// Where the text came from (a file name, or `preset <name>`).
        origin: String,
        /// toml's message, with the position and the offending field.
        message: String,
    },
    /// A spec file could not be read.
    Io {
        /// The path that was tried.
        path: String,
        /// The operating system's reason.
        message: String,
    },
    /// `Spec::preset` or `Spec::load` was given a name that is neither a preset nor a file.
    UnknownPreset {
        /// The name that was asked for.
        name: String,
        /// The presets there are.
        presets: &'static [&'static str],
    },
    /// A field holds a value the workload cannot run with.
    Invalid {
        /// Where the spec came from (its file, or `spec <name>` when it was built in code).
        origin: String,
        /// The dotted path of the field, e.g. `readers.skew.theta`.
        field: String,
        /// The offending value as written.
        value: String,
        /// What is wrong with it.
        problem: String,
        /// How to fix it.
        fix: String,
    },
}

impl SpecError {
    /// An `Invalid` error; the origin is filled in by the caller that knows it.
    pub(crate) fn invalid(
        field: impl Into<String>,
        value: impl fmt::Display,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> SpecError {
        SpecError::Invalid {
            origin: String::new(),
            field: field.into(),
            value: value.to_string(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    /// Sets the origin of an `Invalid` error that does not have one yet.
    pub(crate) fn with_origin(mut self, new_origin: &str) -> SpecError {
        if let SpecError::Invalid { origin, .. } = &mut self {
            if origin.is_empty() {
                *origin = new_origin.to_string();
            }
        }
        self
    }

    /// The dotted field name for `Invalid` errors, `None` otherwise. Handy in tests and tools.
    pub fn field(&self) -> Option<&str> {
        match self {
            SpecError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Toml { origin, message } => {
                write!(
                    f,
                    "{origin}: malformed workload spec: {}",
                    message.trim_end()
                )
            }
            SpecError::Io { path, message } => {
                write!(f, "cannot read workload spec `{path}`: {message}")
            }
            SpecError::UnknownPreset { name, presets } => write!(
                f,
                "`{name}` is neither a preset nor a readable file; valid presets: {}",
                presets.join(", ")
            ),
            SpecError::Invalid {
                origin,
                field,
                value,
                problem,
                fix,
            } => write!(f, "{origin}: `{field}` = {value}: {problem}; {fix}"),
        }
    }
}

impl std::error::Error for SpecError {}
