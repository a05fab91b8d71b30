//! What each writer writes, deterministically, and what a snapshot at a given cut must contain.
//! (The encodings of markers and values are in [`crate::marker`].)
//!
//! Partition `p` has `keys` checked keys `<partition>c/<k:05>` and one marker key
//! `<partition>marker`. Batch `b` (1, 2, …) touches key `k` iff `touch(p, b, k)`; a touched key is
//! deleted with probability 1/4, else written with [`Plan::value`]`(p, b, k)`; some written keys
//! first get an *intermediate* value in the same batch, overwritten before the commit. The marker
//! holds `b << 32 | chain(b)` where `chain` hashes every earlier batch, so a marker can only be
//! produced by the true sequence of batches. A value encodes `(b, k, flags)` and a checksum of
//! `(p, b, k, flags)`, so a stray, intermediate or aborted value is recognisable on sight.

use crate::marker::{CheckedValue, Marker};

/// Value flag: the batch's final value for the key.
pub const FINAL: u64 = 0;
/// Value flag: overwritten later in the same batch; never visible in a committed snapshot.
pub const INTERMEDIATE: u64 = 1;
/// Value flag: written by a batch that was rolled back; never visible.
pub const ABORTED: u64 = 2;

/// splitmix64's finaliser: a cheap, well-mixed, portable hash step.
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// One staged operation of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// Set key `k` to `value`.
    Put { k: u32, value: u64 },
    /// Remove key `k`.
    Delete { k: u32 },
}

/// The deterministic write plan of a run.
#[derive(Clone, Debug)]
pub struct Plan {
    seed: u64,
    keys: u32,
    /// A batch touches each key with probability `1 / touch_one_in`.
    touch_one_in: u64,
}

impl Plan {
    /// A plan where batches touch about `batch_size` of `4 * batch_size` keys per partition.
    pub fn new(seed: u64, batch_size: u32) -> Plan {
        let batch_size = batch_size.max(1);
        Plan {
            seed,
            keys: batch_size * 4,
            touch_one_in: 4,
        }
    }

    /// Checked keys per partition.
    pub fn keys(&self) -> u32 {
        self.keys
    }

    fn h(&self, p: usize, b: u64, k: u64, salt: u64) -> u64 {
        mix(self.seed ^ mix(p as u64 ^ mix(b ^ mix(k ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)))))
    }

    /// Whether batch `b` of partition `p` touches key `k`.
    pub fn touches(&self, p: usize, b: u64, k: u32) -> bool {
        b > 0 && self.h(p, b, k as u64, 1).is_multiple_of(self.touch_one_in)
    }

    fn deletes(&self, p: usize, b: u64, k: u32) -> bool {
        self.h(p, b, k as u64, 2).is_multiple_of(4)
    }

    fn has_intermediate(&self, p: usize, b: u64, k: u32) -> bool {
        self.h(p, b, k as u64, 3).is_multiple_of(8)
    }

    fn checksum(&self, p: usize, b: u64, k: u32, flags: u64) -> u64 {
        self.h(p, b, k as u64, 4 + flags) & 0xFF
    }

    /// The value batch `b` writes to key `k` with `flags` (see [`CheckedValue`]).
    pub fn value(&self, p: usize, b: u64, k: u32, flags: u64) -> u64 {
        CheckedValue {
            batch: b,
            key: k,
            flags,
            checksum: self.checksum(p, b, k, flags),
        }
        .encode()
    }

    /// Decodes a value read from key `k` of partition `p`: `Some((batch, flags))` if it is a
    /// value this plan can produce for that key, `None` for garbage.
    pub fn decode(&self, p: usize, k: u32, value: u64) -> Option<(u64, u64)> {
        let v = CheckedValue::decode(value);
        (v.key == k
            && v.batch > 0
            && v.flags <= ABORTED
            && value == self.value(p, v.batch, k, v.flags))
        .then_some((v.batch, v.flags))
    }

    /// The operations of batch `b` of partition `p`, in staging order (an intermediate put
    /// precedes the final write of the same key).
    pub fn batch(&self, p: usize, b: u64) -> impl Iterator<Item = Write> + '_ {
        (0..self.keys)
            .filter(move |&k| self.touches(p, b, k))
            .flat_map(move |k| {
                let intermediate = self.has_intermediate(p, b, k).then(|| Write::Put {
                    k,
                    value: self.value(p, b, k, INTERMEDIATE),
                });
                let last = match self.deletes(p, b, k) {
                    true => Write::Delete { k },
                    false => Write::Put {
                        k,
                        value: self.value(p, b, k, FINAL),
                    },
                };
                intermediate.into_iter().chain(std::iter::once(last))
            })
    }

    /// The writes of an aborted attempt at batch `b` (staged, then rolled back).
    pub fn aborted(&self, p: usize, b: u64) -> impl Iterator<Item = Write> + '_ {
        (0..self.keys)
            .filter(move |&k| self.touches(p, b, k))
            .map(move |k| Write::Put {
                k,
                value: self.value(p, b, k, ABORTED),
            })
    }

    /// What key `k` of partition `p` holds after batches `1..=c`: the last write at or before
    /// `c`. Walks back from `c`; a batch touches a key with probability 1/4, so ~4 steps.
    pub fn expected(&self, p: usize, c: u64, k: u32) -> Option<u64> {
        let mut b = c;
        while b > 0 {
            if self.touches(p, b, k) {
                return (!self.deletes(p, b, k)).then(|| self.value(p, b, k, FINAL));
            }
            b -= 1;
        }
        None
    }

    /// The hash chain after batch `b` (`chain(0) = seed-derived`), 32 bits.
    pub fn chain_step(&self, p: usize, previous: u64, b: u64) -> u64 {
        mix(previous ^ self.h(p, b, 0, 7)) & 0xFFFF_FFFF
    }

    /// The chain value before any batch.
    pub fn chain_start(&self, p: usize) -> u64 {
        self.h(p, 0, 0, 8) & 0xFFFF_FFFF
    }

    /// The marker value after batch `b` whose chain value is `chain` (see [`Marker`]).
    pub fn marker(b: u64, chain: u64) -> u64 {
        Marker { batch: b, chain }.encode()
    }

    /// Writes `<partition>c/<k:05>` into `buf` (cleared first).
    pub fn key(partition: &[u8], k: u32, buf: &mut Vec<u8>) {
        buf.clear();
        buf.extend_from_slice(partition);
        buf.extend_from_slice(b"c/");
        let mut digits = [b'0'; 5];
        let mut n = k;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        buf.extend_from_slice(&digits);
    }

    /// The prefix under which a partition's checked keys live (for scans).
    pub fn checked_prefix(partition: &[u8]) -> Vec<u8> {
        [partition, b"c/"].concat()
    }

    /// The marker key of a partition.
    pub fn marker_key(partition: &[u8]) -> Vec<u8> {
        [partition, b"marker"].concat()
    }

    /// Parses a checked key's index back from `<partition>c/<k:05>`.
    pub fn key_index(partition: &[u8], key: &[u8]) -> Option<u32> {
        let digits = key.strip_prefix(partition)?.strip_prefix(b"c/")?;
        (digits.len() == 5 && digits.iter().all(u8::is_ascii_digit))
            .then(|| digits.iter().fold(0, |n, d| n * 10 + (d - b'0') as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_is_the_last_write_of_the_replayed_batches() {
        let plan = Plan::new(7, 8);
        let mut state = vec![None; plan.keys() as usize];
        for b in 1..=200 {
            for w in plan.batch(0, b) {
                match w {
                    Write::Put { k, value } => state[k as usize] = Some(value),
                    Write::Delete { k } => state[k as usize] = None,
                }
            }
            for k in 0..plan.keys() {
                assert_eq!(
                    plan.expected(0, b, k),
                    state[k as usize],
                    "batch {b} key {k}"
                );
            }
        }
    }

    #[test]
    fn values_decode_only_for_their_own_key_and_partition() {
        let plan = Plan::new(1, 4);
        let v = plan.value(2, 9, 3, FINAL);
        assert_eq!(plan.decode(2, 3, v), Some((9, FINAL)));
        assert_eq!(plan.decode(2, 4, v), None);
        assert_eq!(plan.decode(1, 3, v), None);
        assert_eq!(plan.decode(2, 3, v ^ 1), None);
        assert_eq!(
            plan.decode(2, 3, plan.value(2, 9, 3, ABORTED)),
            Some((9, ABORTED))
        );
    }

    #[test]
    fn batches_touch_about_batch_size_keys_and_differ() {
        let plan = Plan::new(3, 16);
        let touched: usize = (1..=100)
            .map(|b| (0..plan.keys()).filter(|&k| plan.touches(0, b, k)).count())
            .sum();
        assert!((1200..2000).contains(&touched), "{touched}");
        assert_ne!(
            plan.batch(0, 1).collect::<Vec<_>>(),
            plan.batch(0, 2).collect::<Vec<_>>()
        );
        assert_ne!(
            plan.batch(0, 1).collect::<Vec<_>>(),
            plan.batch(1, 1).collect::<Vec<_>>()
        );
    }

    #[test]
    fn keys_round_trip() {
        let mut buf = Vec::new();
        Plan::key(b"mutable/w3/", 42, &mut buf);
        assert_eq!(buf, b"mutable/w3/c/00042");
        assert_eq!(Plan::key_index(b"mutable/w3/", &buf), Some(42));
        assert_eq!(Plan::key_index(b"mutable/w3/", b"mutable/w3/marker"), None);
    }
}
