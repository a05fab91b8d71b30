//! The two values the checker writes, and their encodings in one place.
//!
//! - A partition's **marker** holds the last batch a snapshot contains and a hash chain over
//!   every batch up to it: `batch << 32 | chain`. Only the true sequence of batches produces a
//!   given marker, so a reader learns exactly which batches of the partition its snapshot claims.
//! - A checked key's **value** says which batch wrote it, for which key, whether it was the
//!   batch's final value, and a checksum over all of that and the partition:
//!   `batch << 32 | key << 12 | flags << 8 | checksum`, so a stray, intermediate or aborted
//!   value is recognisable on sight.

/// A partition's marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    /// The last batch the marker's snapshot contains (0: none yet).
    pub batch: u64,
    /// The hash chain after that batch (32 bits).
    pub chain: u64,
}

impl Marker {
    /// Batch numbers a checker believes (a garbage marker cannot make it hash for ever).
    pub const MAX_BATCH: u64 = 1 << 30;

    /// The value stored in the marker key.
    pub fn encode(self) -> u64 {
        self.batch << 32 | (self.chain & 0xFFFF_FFFF)
    }

    /// The marker a stored value claims (whether it is true is the checker's business).
    pub fn decode(value: u64) -> Marker {
        Marker {
            batch: value >> 32,
            chain: value & 0xFFFF_FFFF,
        }
    }

    /// Whether the claimed batch number is small enough to check.
    pub fn plausible(self) -> bool {
        self.batch < Self::MAX_BATCH
    }
}

/// A checked key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckedValue {
    /// The batch that wrote it (32 bits).
    pub batch: u64,
    /// The checked key's index (20 bits).
    pub key: u32,
    /// [`FINAL`](crate::plan::FINAL), [`INTERMEDIATE`](crate::plan::INTERMEDIATE) or
    /// [`ABORTED`](crate::plan::ABORTED) (4 bits).
    pub flags: u64,
    /// A checksum of the partition, batch, key and flags (8 bits).
    pub checksum: u64,
}

impl CheckedValue {
    /// The value stored in the key.
    pub fn encode(self) -> u64 {
        (self.batch & 0xFFFF_FFFF) << 32
            | (self.key as u64 & 0xF_FFFF) << 12
            | (self.flags & 0xF) << 8
            | (self.checksum & 0xFF)
    }

    /// The fields a stored value claims.
    pub fn decode(value: u64) -> CheckedValue {
        CheckedValue {
            batch: value >> 32,
            key: ((value >> 12) & 0xF_FFFF) as u32,
            flags: (value >> 8) & 0xF,
            checksum: value & 0xFF,
        }
    }

    /// The batch a stored value claims to come from (for messages).
    pub fn batch_of(value: u64) -> u64 {
        Self::decode(value).batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        let m = Marker {
            batch: 7,
            chain: 0xDEAD_BEEF,
        };
        assert_eq!(Marker::decode(m.encode()), m);
        assert_eq!(m.encode(), 7 << 32 | 0xDEAD_BEEF);
        assert!(m.plausible() && !Marker::decode(u64::MAX).plausible());
        let v = CheckedValue {
            batch: 9,
            key: 1234,
            flags: 2,
            checksum: 0xAB,
        };
        assert_eq!(CheckedValue::decode(v.encode()), v);
        assert_eq!(CheckedValue::batch_of(v.encode()), 9);
    }
}
