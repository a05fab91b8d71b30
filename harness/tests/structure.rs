//! The structure the design promises, checked on the sources:
//! - no import cycle between the modules of any crate (at every level: `runner` and `merge`,
//!   `isolation::probe` and `isolation::point`, …);
//! - the offline crates (schema, checker, analysis, report) depend on no store and no runner, so
//!   they read results from another machine or an older commit.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, with its module path (`isolation::probe`; `lib.rs` and
/// `mod.rs` name their directory's module).
fn modules(src: &Path) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(src).unwrap();
            let mut path: Vec<String> = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                path.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                path.pop();
            }
            // Code only: comments and doc links are not imports.
            let code: String = fs::read_to_string(&p)
                .unwrap()
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("\n");
            out.push((path, code));
        }
    }
    out
}

/// The module paths a file's code names, resolved against the crate's modules.
fn references(me: &[String], code: &str, known: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.contains("::"))
        .collect();
    // `use crate::{a, b::c}` groups: the names after `crate::{`.
    let mut grouped = Vec::new();
    for (i, _) in code.match_indices("crate::{") {
        let body = &code[i + 8..];
        let end = body.find("};").unwrap_or(body.len());
        for item in body[..end].split(',') {
            let item = item.trim().trim_start_matches('{');
            if let Some(first) = item.split("::").next() {
                grouped.push(format!("crate::{}", first.trim()));
            }
        }
    }
    for w in words
        .iter()
        .copied()
        .chain(grouped.iter().map(String::as_str))
    {
        let parts: Vec<&str> = w.split("::").filter(|p| !p.is_empty()).collect();
        let base: Vec<String> = match parts.first() {
            Some(&"crate") => Vec::new(),
            Some(&"super") => {
                let mut b = me.to_vec();
                for p in &parts {
                    if *p == "super" {
                        b.pop();
                    }
                }
                b
            }
            _ => continue,
        };
        let names: Vec<String> = parts
            .iter()
            .filter(|p| **p != "crate" && **p != "super")
            .map(|p| p.to_string())
            .collect();
        let mut path = base;
        let mut best = None;
        for n in names {
            path.push(n);
            if known.contains(&path) {
                best = Some(path.clone());
            }
        }
        if let Some(b) = best {
            out.insert(b);
        }
    }
    out
}

/// Cycles among the children of every module of the crate whose sources are in `src`.
fn cycles(src: &Path) -> Vec<String> {
    let files = modules(src);
    let known: BTreeSet<Vec<String>> = files.iter().map(|(p, _)| p.clone()).collect();
    // Edges between siblings: a file inside child A names something inside child B.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for (me, code) in &files {
        for target in references(me, code, &known) {
            let common = me.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common < me.len() && common < target.len() {
                edges
                    .entry(me[..common].to_vec())
                    .or_default()
                    .insert((me[common].clone(), target[common].clone()));
            }
        }
    }
    let mut found = Vec::new();
    for (parent, es) in &edges {
        let nodes: BTreeSet<&String> = es.iter().flat_map(|(a, b)| [a, b]).collect();
        // A node is on a cycle iff it can reach itself.
        for n in nodes {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<&String> =
                es.iter().filter(|(a, _)| a == n).map(|(_, b)| b).collect();
            while let Some(x) = todo.pop() {
                if x == n {
                    found.push(format!("{}::{n}", parent.join("::")));
                    break;
                }
                if seen.insert(x) {
                    todo.extend(es.iter().filter(|(a, _)| a == x).map(|(_, b)| b));
                }
            }
        }
    }
    found
}

#[test]
fn no_crate_has_an_import_cycle() {
    for krate in [
        "harness",
        "results",
        "analysis",
        "report",
        "workloads",
        "kb",
    ] {
        let c = cycles(&root().join(krate).join("src"));
        assert!(c.is_empty(), "{krate}: modules on an import cycle: {c:?}");
    }
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("structure-cycle");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("b")).unwrap();
    fs::write(dir.join("lib.rs"), "mod a; mod b;").unwrap();
    fs::write(dir.join("a.rs"), "use crate::b::c::Thing;").unwrap();
    fs::write(dir.join("b/mod.rs"), "mod c;").unwrap();
    fs::write(dir.join("b/c.rs"), "use crate::{a, x};\n// crate::nothing").unwrap();
    assert_eq!(cycles(&dir), ["::a", "::b"]);
    fs::write(dir.join("b/c.rs"), "// use crate::a;").unwrap();
    assert!(cycles(&dir).is_empty());
}

/// Every package `name` depends on, transitively, from Cargo.lock.
fn dependencies(lock: &str, name: &str) -> BTreeSet<String> {
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pkg in lock.split("[[package]]").skip(1) {
        let field = |k: &str| {
            pkg.lines()
                .find_map(|l| l.strip_prefix(&format!("{k} = \"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        let Some(n) = field("name") else { continue };
        let list = pkg
            .split("dependencies = [")
            .nth(1)
            .map(|d| {
                d[..d.find(']').unwrap()]
                    .split(',')
                    .map(|s| {
                        s.trim()
                            .trim_matches('"')
                            .split(' ')
                            .next()
                            .unwrap()
                            .to_string()
                    })
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        deps.insert(n, list);
    }
    let mut all = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(n) = todo.pop() {
        for d in deps.get(&n).into_iter().flatten() {
            if all.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    all
}

#[test]
fn the_offline_crates_depend_on_no_store_and_no_runner() {
    let lock = fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let live = [
        "pathmap",
        "imbl",
        "dashmap",
        "arc-swap",
        "hybrid-kb",
        "harness",
        "quanta",
        "hdrhistogram",
    ];
    for offline in ["results", "checker", "analysis", "report"] {
        let deps = dependencies(&lock, offline);
        assert!(!deps.is_empty(), "{offline} is in Cargo.lock");
        for l in live {
            assert!(!deps.contains(l), "{offline} depends on {l}: {deps:?}");
        }
    }
    // And the check sees a dependency where there is one.
    assert!(dependencies(&lock, "harness").contains("pathmap"));
}
