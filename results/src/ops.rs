//! What `harness ops` measures, and what the gate's timing tier reads back from each build: every
//! single-thread kernel of the knowledge base timed beside the raw trie operation it wraps, in
//! alternating batches within one process, so that one kernel's `ratio` does not move when the
//! machine's speed does.

use serde::{Deserialize, Serialize};

/// The version of this format `harness ops --json` writes.
pub const OPS_VERSION: u32 = 1;

/// One `harness ops` run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OpsRun {
    /// Always [`OPS_VERSION`].
    pub ops_version: u32,
    /// The fixture: point keys, and scan groups of 100 keys.
    pub points: u64,
    pub groups: u64,
    /// A deliberate slowdown compiled into this build (zero in every normal build).
    pub slowdown: Slowdown,
    pub kernels: Vec<KernelTiming>,
}

/// The `slowdown` feature's percents, as compiled in.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Slowdown {
    pub get_percent: u32,
    pub commit_percent: u32,
}

/// One kernel, timed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KernelTiming {
    /// The kernel's name (`get-hit`, `commit-16`, …).
    pub kernel: String,
    /// The knowledge base's operation, ns per op (median over batches).
    pub kb_ns: f64,
    /// The raw trie's operation, ns per op (median over batches).
    pub raw_ns: f64,
    /// The median over batch pairs of (KB batch time ÷ the adjacent raw batch's time).
    pub ratio: f64,
    /// Batch pairs behind the medians.
    pub batches: u64,
}

impl OpsRun {
    /// The timing of `kernel`, if this run measured it.
    pub fn kernel(&self, kernel: &str) -> Option<&KernelTiming> {
        self.kernels.iter().find(|k| k.kernel == kernel)
    }
}

/// Reads `harness ops --json` output; `origin` names it in errors.
pub fn ops_from_json(text: &str, origin: &str) -> Result<OpsRun, String> {
    #[derive(Deserialize)]
    struct Version {
        ops_version: Option<u32>,
    }
    let version = serde_json::from_str::<Version>(text)
        .map_err(|e| format!("{origin}: not the output of `harness ops --json` ({e})"))?;
    match version.ops_version {
        Some(OPS_VERSION) => serde_json::from_str(text)
            .map_err(|e| format!("{origin}: a malformed `harness ops` result ({e})")),
        Some(v) => Err(format!(
            "{origin}: `harness ops` format version {v}; this harness reads version {OPS_VERSION}"
        )),
        None => Err(format!(
            "{origin}: no `ops_version` field: not the output of `harness ops --json`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_versions() {
        let run = OpsRun {
            ops_version: OPS_VERSION,
            points: 10,
            groups: 1,
            slowdown: Slowdown::default(),
            kernels: vec![KernelTiming {
                kernel: "get-hit".into(),
                kb_ns: 110.0,
                raw_ns: 100.0,
                ratio: 1.1,
                batches: 7,
            }],
        };
        let text = serde_json::to_string(&run).unwrap();
        assert_eq!(ops_from_json(&text, "x").unwrap(), run);
        let other = text.replace("\"ops_version\":1", "\"ops_version\":9");
        assert!(ops_from_json(&other, "x")
            .unwrap_err()
            .contains("version 9"));
        assert!(ops_from_json("{}", "x")
            .unwrap_err()
            .contains("no `ops_version`"));
        assert!(ops_from_json("junk", "x")
            .unwrap_err()
            .contains("not the output"));
    }
}
