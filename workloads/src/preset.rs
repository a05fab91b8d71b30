//! Named presets (TOML files embedded at compile time) and loading specs from text or files.

use crate::error::SpecError;
use crate::spec::Spec;
use crate::ycsb::{self, Properties};

/// The preset names, in the order `Spec::preset_names` lists them.
pub const PRESET_NAMES: &[&str] = &[
    "pattern-d",
    "pattern-a",
    "pattern-c",
    "stable-mutable",
    "hot-cold",
    "worst-case",
    "writers-sweep",
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
        "writers-sweep" => include_str!("../presets/writers-sweep.toml"),
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

    /// A preset by name, else a TOML file by path (a YCSB file is an error here: see
    /// [`Spec::load_as`], which reports what its translation could not honour).
    pub fn load(preset_or_path: &str) -> Result<Spec, SpecError> {
        let loaded = Spec::load_as(preset_or_path, Format::Toml, &[])?;
        Ok(loaded.spec)
    }

    /// A preset by name, else a workload file by path in `format`; `overrides` are YCSB's
    /// `-p key=value` (an error for anything but a YCSB file).
    pub fn load_as(
        preset_or_path: &str,
        format: Format,
        overrides: &[String],
    ) -> Result<Loaded, SpecError> {
        let plain = |spec| Loaded {
            spec,
            format: Format::Toml,
            warnings: Vec::new(),
        };
        let text = match (preset_text(preset_or_path), format) {
            (Some(_), Format::Auto | Format::Toml) => {
                no_overrides(overrides, "a preset").map_err(|e| e.with_origin("command line"))?;
                return Spec::preset(preset_or_path).map(plain);
            }
            _ => read(preset_or_path)?,
        };
        let format = match format {
            Format::Auto if !preset_or_path.ends_with(".toml") && ycsb::looks_like_ycsb(&text) => {
                Format::Ycsb
            }
            Format::Auto => Format::Toml,
            f => f,
        };
        if format == Format::Toml {
            no_overrides(overrides, "a TOML workload")
                .map_err(|e| e.with_origin("command line"))?;
            return Spec::from_toml(&text, preset_or_path).map(plain);
        }
        let mut props = Properties::parse(&text, preset_or_path)?;
        for o in overrides {
            props.set(o).map_err(|e| e.with_origin("command line"))?;
        }
        let name = std::path::Path::new(preset_or_path)
            .file_stem()
            .map_or("ycsb".into(), |s| s.to_string_lossy().into_owned());
        let t = Spec::from_ycsb(&props, &name, preset_or_path)?;
        Ok(Loaded {
            spec: t.spec,
            format: Format::Ycsb,
            warnings: t.warnings,
        })
    }

    /// The spec as TOML (comments are not kept); `from_toml` reads it back to an equal spec.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a spec always serializes to TOML")
    }
}

/// How a workload file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TOML when the name ends in `.toml` or the text does not read as YCSB properties.
    Auto,
    /// This tool's TOML spec.
    Toml,
    /// A YCSB CoreWorkload property file.
    Ycsb,
}

/// A loaded workload: the spec, the format it was read in, and what a YCSB translation could
/// not honour (empty for TOML).
#[derive(Clone, Debug)]
pub struct Loaded {
    pub spec: Spec,
    pub format: Format,
    pub warnings: Vec<ycsb::Warning>,
}

fn read(path: &str) -> Result<String, SpecError> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SpecError::UnknownPreset {
            name: path.into(),
            presets: PRESET_NAMES,
        },
        _ => SpecError::Io {
            path: path.into(),
            message: e.to_string(),
        },
    })
}

fn no_overrides(overrides: &[String], what: &str) -> Result<(), SpecError> {
    match overrides.first() {
        None => Ok(()),
        Some(o) => Err(SpecError::invalid(
            "-p",
            o,
            format!("`-p` sets YCSB properties, and the workload is {what}"),
            "give a YCSB property file (or `--format ycsb`), or edit the spec instead",
        )),
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
