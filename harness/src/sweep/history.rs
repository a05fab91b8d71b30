//! `--history FILE`: the isolation checker's events of every point, as JSON Lines (the format is
//! `checker::history`'s), each point opened by a header that says how to re-check it.

use checker::{history::Event, Plan};
use results::Variant;

use crate::{merge::CellId, runner::PointRun};

/// The header of a point's events, followed by them (empty when the point logged nothing).
pub fn point_events(id: &CellId, spec: &workloads::Spec, run: &mut PointRun) -> Vec<Event> {
    if run.history.is_empty() {
        return Vec::new();
    }
    let mut events = vec![Event::Header {
        backend: id.backend.clone(),
        point: match id.variant {
            Variant::Sweep => id.axes.label(),
            Variant::ReadersOnly => format!("{} (readers only)", id.axes.label()),
        },
        repetition: id.repetition,
        seed: spec.seed(),
        batch_size: spec.batch_size() as u32,
        keys: Plan::new(spec.seed(), spec.batch_size() as u32).keys(),
        partitions: run
            .checked_roots
            .iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect(),
        truncated: run.history_truncated,
    }];
    events.append(&mut run.history);
    events
}

/// Writes history events as JSON Lines, atomically (`--history` was checked before the run,
/// `limits::writable_file`).
pub fn write_history(path: &std::path::Path, events: &[Event]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = Vec::new();
    for e in events {
        serde_json::to_writer(&mut text, e)?;
        text.push(b'\n');
    }
    results::fs::write_atomic(path, &text)
}
