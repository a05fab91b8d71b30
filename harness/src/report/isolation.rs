//! Reading the isolation checker's per-point JSON without depending on its exact shape (the
//! checker defines it): violations are the numbers under any key containing "violation"
//! (a number, an array's length, or the sum of an object's numbers — e.g. counts by class),
//! checks the numbers under keys starting with "checked".

use serde_json::Value;

use crate::results::{PointResult, Results};

use super::model::{Isolation, IsolationRow, Verdict};

/// Total violations recorded in one point's isolation data.
pub fn violations(v: &Value) -> u64 {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, x)| {
                if k.to_ascii_lowercase().contains("violation") {
                    count(x)
                } else if x.is_object() {
                    violations(x)
                } else {
                    0
                }
            })
            .sum(),
        _ => 0,
    }
}

/// Total checks (snapshots, reads) recorded in one point's isolation data.
pub fn checks(v: &Value) -> u64 {
    match v {
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| k.to_ascii_lowercase().starts_with("checked"))
            .map(|(_, x)| x.as_u64().unwrap_or(0))
            .sum(),
        _ => 0,
    }
}

/// A number; an array's length (or the sum of its elements' `count`); an object's numbers.
fn count(v: &Value) -> u64 {
    match v {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::Array(a) => a
            .iter()
            .map(|e| e.get("count").and_then(Value::as_u64).unwrap_or(1))
            .sum(),
        Value::Object(m) => m.values().map(count).sum(),
        _ => 0,
    }
}

/// `(flattened key, display value)` pairs: nested objects become `a.b`, arrays their length
/// (or compact JSON when short).
pub fn flatten(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    flatten_into("", v, &mut out);
    out
}

fn flatten_into(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_into(&key, x, out);
            }
        }
        Value::Array(a) => {
            let s = serde_json::to_string(v).unwrap_or_default();
            let shown = if s.len() <= 60 {
                s
            } else {
                format!("[{} items]", a.len())
            };
            out.push((prefix.to_string(), shown));
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The verdict of every backend of `r`, in run order.
pub fn verdicts(r: &Results, backends: &[String]) -> Vec<Verdict> {
    backends
        .iter()
        .map(|b| {
            let pts: Vec<&PointResult> = r.points.iter().filter(|p| &p.backend == b).collect();
            let claims = pts.iter().any(|p| p.capabilities.snapshots);
            let iso: Vec<&Value> = pts.iter().filter_map(|p| p.isolation.as_ref()).collect();
            let v: u64 = iso.iter().map(|x| violations(x)).sum();
            let verdict = match (iso.is_empty(), v, claims) {
                (true, _, _) => "not checked",
                (false, 0, _) => "pass",
                (false, _, true) => "FAIL",
                (false, _, false) => "anomalies (no snapshot claim)",
            };
            Verdict {
                backend: b.clone(),
                claims_snapshots: claims,
                points_checked: iso.len(),
                checks: iso.iter().map(|x| checks(x)).sum(),
                violations: v,
                verdict: verdict.into(),
            }
        })
        .collect()
}

/// The isolation section: verdicts plus every point's data as a table.
pub fn section(r: &Results, backends: &[String], audit: Option<Value>) -> Isolation {
    let mut columns: Vec<String> = Vec::new();
    let flat: Vec<(&PointResult, Vec<(String, String)>)> = r
        .points
        .iter()
        .filter_map(|p| p.isolation.as_ref().map(|v| (p, flatten(v))))
        .collect();
    for (_, kv) in &flat {
        for (k, _) in kv {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let rows = flat
        .iter()
        .map(|(p, kv)| IsolationRow {
            backend: p.backend.clone(),
            label: p.label.clone(),
            repetition: p.repetition,
            cells: columns
                .iter()
                .map(|c| {
                    kv.iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let note = rows.is_empty().then(|| {
        "No isolation data in this results file: the isolation checker did not run \
         (verdicts are \"not checked\")."
            .to_string()
    });
    Isolation {
        verdicts: verdicts(r, backends),
        columns,
        rows,
        audit,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_violations_in_several_shapes() {
        assert_eq!(violations(&json!({"violations": 3})), 3);
        assert_eq!(
            violations(&json!({"violations": {"torn": 2, "stale": 1}, "checked_reads": 10})),
            3
        );
        assert_eq!(violations(&json!({"violations": [{"count": 4}, {}]})), 5);
        assert_eq!(violations(&json!({"by": {"violation_count": 2}})), 2);
        assert_eq!(
            checks(&json!({"checked_reads": 10, "checked_snapshots": 5})),
            15
        );
        let f = flatten(&json!({"a": {"b": 1}, "c": "x"}));
        assert_eq!(
            f,
            vec![("a.b".into(), "1".into()), ("c".into(), "x".into())]
        );
    }
}
