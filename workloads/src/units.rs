//! Human-written values in spec files: durations (`"500ms"`, `"2s"`, `"1m"`) and reader:writer
//! ratios (`"3:1"`), with the serde glue that reads and writes them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Parses a duration written as a number and a unit: `ns`, `us`, `ms`, `s`, `m` or `h`
/// (e.g. `"500ms"`, `"1.5s"`, `"2m"`). Fractions are allowed; a bare number is rejected
/// because its unit would be a guess.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => f64::NAN,
    };
    let value: f64 = num.parse().unwrap_or(f64::NAN);
    let secs = value * scale;
    if !(0.0..=1e9).contains(&secs) {
        return Err(format!(
            "bad duration `{text}`: write a number followed by a unit ns, us, ms, s, m or h \
             (e.g. \"500ms\", \"2s\", \"1m\")"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Writes a duration in the shortest exact form `parse_duration` reads back.
pub fn format_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        return "0s".into();
    }
    for (unit, per) in [
        ("h", 3_600_000_000_000u128),
        ("m", 60_000_000_000),
        ("s", 1_000_000_000),
    ] {
        if ns >= per && ns.is_multiple_of(per) {
            return format!("{}{unit}", ns / per);
        }
    }
    for (unit, per) in [("ms", 1_000_000u128), ("us", 1_000)] {
        if ns.is_multiple_of(per) && ns > 0 {
            return format!("{}{unit}", ns / per);
        }
    }
    format!("{ns}ns")
}

/// Serde glue for `Duration` fields written as human strings.
pub(crate) mod duration {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        format_duration(*d).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde glue for `Option<Duration>` fields written as human strings.
pub(crate) mod opt_duration {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&format_duration(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

/// A reader:writer ratio such as `3:1` (three readers per writer); `1:0` is readers only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    /// Reader share.
    pub readers: u32,
    /// Writer share.
    pub writers: u32,
}

impl Ratio {
    /// Splits `total` threads by this ratio. When both shares are positive and `total >= 2`,
    /// each role gets at least one thread; otherwise the rounding can leave a role empty
    /// (a total of 1 with `3:1` gives one reader and no writer).
    pub fn split(&self, total: usize) -> (usize, usize) {
        let sum = (self.readers + self.writers) as f64;
        let mut writers = (total as f64 * self.writers as f64 / sum).round() as usize;
        if self.readers > 0 && self.writers > 0 && total >= 2 {
            writers = writers.clamp(1, total - 1);
        }
        (total - writers, writers)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.readers, self.writers)
    }
}

impl FromStr for Ratio {
    type Err = String;
    fn from_str(s: &str) -> Result<Ratio, String> {
        let bad = || {
            format!(
                "bad ratio `{s}`: write readers:writers as two whole numbers, not both zero \
                 (e.g. \"3:1\", \"1:0\")"
            )
        };
        let (r, w) = s.split_once(':').ok_or_else(bad)?;
        let readers = r.trim().parse().map_err(|_| bad())?;
        let writers = w.trim().parse().map_err(|_| bad())?;
        if readers == 0 && writers == 0 {
            return Err(bad());
        }
        Ok(Ratio { readers, writers })
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_string().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Ratio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ratio, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip() {
        for (text, d) in [
            ("500ms", Duration::from_millis(500)),
            ("2s", Duration::from_secs(2)),
            ("1m", Duration::from_secs(60)),
            ("1.5s", Duration::from_millis(1500)),
            ("250us", Duration::from_micros(250)),
        ] {
            assert_eq!(parse_duration(text).unwrap(), d, "{text}");
            assert_eq!(parse_duration(&format_duration(d)).unwrap(), d);
        }
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::ZERO), "0s");
        for bad in ["2", "2 sec", "", "s", "-1s", "1.2.3s"] {
            let e = parse_duration(bad).unwrap_err();
            assert!(e.contains("bad duration"), "{bad}: {e}");
        }
    }

    #[test]
    fn ratios_split_totals() {
        let r: Ratio = "3:1".parse().unwrap();
        assert_eq!(r.split(4), (3, 1));
        assert_eq!(r.split(2), (1, 1));
        assert_eq!(r.split(1), (1, 0));
        assert_eq!(r.split(8), (6, 2));
        let ro: Ratio = "1:0".parse().unwrap();
        assert_eq!(ro.split(3), (3, 0));
        assert!("3-1".parse::<Ratio>().is_err());
        assert!("0:0".parse::<Ratio>().is_err());
    }
}
