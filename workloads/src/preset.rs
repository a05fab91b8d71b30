//! Named presets (TOML files embedded at compile time) and loading specs from text or files.

use crate::error::SpecError;
use crate::spec::Spec;

/// The preset names, in the order `Spec::preset_names` lists them.
pub const PRESET_NAMES: &[&str] = &[
    "pattern-d",
    "pattern-a",
    "pattern-c",
    "stable-mutable",
    "hot-cold",
    "worst-case",
    "ycsb-a",
    "ycsb-b",
    "ycsb-c",
    "ycsb-d",
    "ycsb-e",
    "ycsb-f",
];

/// The name of the default preset.
pub const DEFAULT_PRESET: &str = "pattern-d";

fn preset_text(name: &str) -> Option<&'static str> {
    Some(match name {
        "pattern-d" => include_str!("../presets/pattern-d.toml"),
        "pattern-a" => include_str!("../presets/pattern-a.toml"),
        "pattern-c" => include_str!("../presets/pattern-c.toml"),
        "stable-mutable" => include_str!("../presets/stable-mutable.toml"),
        "hot-cold" => include_str!("../presets/hot-cold.toml"),
        "worst-case" => include_str!("../presets/worst-case.toml"),
        "ycsb-a" => include_str!("../presets/ycsb-a.toml"),
        "ycsb-b" => include_str!("../presets/ycsb-b.toml"),
        "ycsb-c" => include_str!("../presets/ycsb-c.toml"),
        "ycsb-d" => include_str!("../presets/ycsb-d.toml"),
        "ycsb-e" => include_str!("../presets/ycsb-e.toml"),
        "ycsb-f" => include_str!("../presets/ycsb-f.toml"),
        _ => return None,
    })
}

impl Spec {
    /// The embedded preset `name` (see [`Spec::preset_names`]).
    pub fn preset(name: &str) -> Result<Spec, SpecError> {
        let text = preset_text(name).ok_or_else(|| SpecError::UnknownPreset {
            name: name.into(),
            presets: PRESET_NAMES,
        })?;
        Spec::from_toml(text, &format!("preset `{name}`"))
    }

    /// Every preset name; the first is the default (`pattern-d`).
    pub fn preset_names() -> &'static [&'static str] {
        PRESET_NAMES
    }

    /// The TOML text of preset `name`, comments included (to copy and edit).
    pub fn preset_source(name: &str) -> Option<&'static str> {
        preset_text(name)
    }

    /// Parses and validates a spec; `origin` (a file name) prefixes every message.
    pub fn from_toml(text: &str, origin: &str) -> Result<Spec, SpecError> {
        let spec: Spec = toml::from_str(text).map_err(|e| SpecError::Toml {
            origin: origin.into(),
            message: clip_lines(&e.to_string()),
        })?;
        spec.validate_inner().map_err(|e| e.with_origin(origin))?;
        Ok(spec)
    }

    /// A preset by name, else a TOML file by path.
    pub fn load(preset_or_path: &str) -> Result<Spec, SpecError> {
        if preset_text(preset_or_path).is_some() {
            return Spec::preset(preset_or_path);
        }
        match std::fs::read_to_string(preset_or_path) {
            Ok(text) => Spec::from_toml(&text, preset_or_path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SpecError::UnknownPreset {
                name: preset_or_path.into(),
                presets: PRESET_NAMES,
            }),
            Err(e) => Err(SpecError::Io {
                path: preset_or_path.into(),
                message: e.to_string(),
            }),
        }
    }

    /// The spec as TOML (comments are not kept); `from_toml` reads it back to an equal spec.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a spec always serializes to TOML")
    }
}

/// toml quotes the offending source line in its message; a megabyte-long line (junk given as a
/// spec) would make a megabyte-long error. Each line is cut to a readable length.
fn clip_lines(message: &str) -> String {
    const MAX: usize = 160;
    message
        .lines()
        .map(|line| match line.char_indices().nth(MAX) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
