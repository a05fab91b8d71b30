//! Key spelling: regions, writer partitions, the prefill, and keys guaranteed absent.
//!
//! A key is `region or partition prefix` + a suffix rendered from a key index by the region's
//! [`KeyShape`]. Rendering writes into a caller's buffer and never allocates once the buffer has
//! grown to the longest key.
//!
//! Absent keys: generated suffixes never contain `~` (text) and always have the same length
//! (bytes), and prefixes may not contain `~` (validation). So a present key followed by enough
//! `~` bytes to be longer than every key of its region can exist in no prefill and be produced by
//! no writer: that is what `GetMiss` uses.

use crate::spec::{KeyShape, Spec};

/// Relation names of text keys, in index order (`relations` picks the first ones).
pub const RELATIONS: [&str; 16] = [
    "isa",
    "part_of",
    "has",
    "knows",
    "near",
    "likes",
    "cites",
    "owns",
    "made_by",
    "located_in",
    "member_of",
    "causes",
    "uses",
    "follows",
    "precedes",
    "related_to",
];

/// The byte no generated suffix contains; appended to make keys absent.
pub const MISS_BYTE: u8 = b'~';

/// Depth meaning "the whole key" for [`push_suffix`].
pub const FULL: usize = usize::MAX;

/// Appends the suffix of key `idx`, cut to `depth` components (0 = nothing, 1 = the entity, 2 =
/// entity and relation, [`FULL`] = the whole suffix; bytes: that many bytes).
pub fn push_suffix(shape: &KeyShape, idx: u64, depth: usize, buf: &mut Vec<u8>) {
    KeyRenderer::new(shape).push(idx, depth, buf)
}

/// Renders suffixes of one shape; built once per stream so the hot path divides by
/// multiplication (see [`Divisor`]).
#[derive(Clone, Debug)]
pub enum KeyRenderer {
    /// Text keys.
    Text {
        /// Keys per entity (relations × objects).
        per_entity: Divisor,
        /// Objects per relation.
        objects: Divisor,
    },
    /// Byte keys of this length.
    Bytes(usize),
}

impl KeyRenderer {
    /// The renderer of `shape`.
    pub fn new(shape: &KeyShape) -> KeyRenderer {
        match *shape {
            KeyShape::Text { relations, objects } => KeyRenderer::Text {
                per_entity: Divisor::new(relations as u64 * objects as u64),
                objects: Divisor::new(objects as u64),
            },
            KeyShape::Bytes { len } => KeyRenderer::Bytes(len),
        }
    }

    /// Appends the suffix of key `idx` cut to `depth` (see [`push_suffix`]).
    #[inline]
    pub fn push(&self, idx: u64, depth: usize, buf: &mut Vec<u8>) {
        match self {
            KeyRenderer::Text {
                per_entity,
                objects,
            } => {
                if depth == 0 {
                    return;
                }
                // Rendered into a stack array with fixed-size copies, then appended at once:
                // a few bytes pushed one by one cost more (capacity checks) than the whole key.
                let mut out = [0u8; 64];
                let entity = per_entity.div(idx);
                let within = idx - entity * per_entity.d;
                out[0] = b'e';
                let mut n = write_decimal(entity, &mut out, 1);
                out[n] = b'/';
                n += 1;
                if depth >= 2 {
                    let relation = objects.div(within) as usize;
                    out[n..n + 16].copy_from_slice(&RELATION_BYTES[relation]);
                    n += RELATIONS[relation].len();
                    out[n] = b'/';
                    n += 1;
                    if depth >= 3 {
                        out[n] = b'o';
                        n = write_decimal(within - relation as u64 * objects.d, &mut out, n + 1);
                    }
                }
                buf.extend_from_slice(&out[..n]);
            }
            KeyRenderer::Bytes(len) => push_bytes(idx, *len, depth.min(*len), buf),
        }
    }
}

/// Keys `0..n` of one region rendered once, whole (prefix included) and packed: a lookup where a
/// stream would render a key (its digits, its divisions) for every op.
#[derive(Clone, Debug, Default)]
pub struct KeyTable {
    /// Where each key ends in `bytes` (key `i` starts where key `i - 1` ends).
    ends: Vec<u32>,
    bytes: Vec<u8>,
}

impl KeyTable {
    /// The whole keys `prefix` + suffix of `0..n` as `shape` renders them; empty where they would
    /// not fit in 4 GiB.
    pub fn new(prefix: &[u8], shape: &KeyRenderer, n: u64) -> KeyTable {
        let mut t = KeyTable::default();
        let mut key = prefix.to_vec();
        for idx in 0..n {
            key.truncate(prefix.len());
            shape.push(idx, FULL, &mut key);
            t.bytes.extend_from_slice(&key);
            match u32::try_from(t.bytes.len()) {
                Ok(end) => t.ends.push(end),
                Err(_) => return KeyTable::default(),
            }
        }
        t
    }

    /// Key `idx`, if the table holds it.
    #[inline]
    pub fn get(&self, idx: u64) -> Option<&[u8]> {
        let i = usize::try_from(idx).ok()?;
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.bytes[start..end])
    }
}

/// Division by a run-time constant through one multiplication (Lemire's fastdiv: exact for
/// numerators below 2^32; larger numerators fall back to hardware division). A u64 `div`
/// costs 40–90 cycles on this machine kind, more than the rest of a key.
#[derive(Clone, Copy, Debug)]
pub struct Divisor {
    d: u64,
    m: u64,
}

impl Divisor {
    /// Precomputes division by `d` (`1 ≤ d < 2^32`).
    pub fn new(d: u64) -> Divisor {
        assert!((1..1 << 32).contains(&d));
        let m = if d == 1 { 0 } else { u64::MAX / d + 1 };
        Divisor { d, m }
    }

    /// `x / d`.
    #[inline]
    pub fn div(&self, x: u64) -> u64 {
        if self.d == 1 {
            x
        } else if x < 1 << 32 {
            ((self.m as u128 * x as u128) >> 64) as u64
        } else {
            x / self.d
        }
    }
}

/// Relation names padded to 16 bytes, for fixed-size copies.
const RELATION_BYTES: [[u8; 16]; 16] = {
    let mut table = [[0u8; 16]; 16];
    let mut r = 0;
    while r < 16 {
        let name = RELATIONS[r].as_bytes();
        let mut i = 0;
        while i < name.len() {
            table[r][i] = name[i];
            i += 1;
        }
        r += 1;
    }
    table
};

/// Writes `v` in decimal into `out` at `at`; returns the end. `out` must have 20 bytes free.
#[inline]
fn write_decimal(mut v: u64, out: &mut [u8; 64], at: usize) -> usize {
    let end = at + decimal_len(v);
    let mut i = end;
    loop {
        i -= 1;
        out[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            return end;
        }
    }
}

#[inline]
fn decimal_len(v: u64) -> usize {
    v.checked_ilog10().unwrap_or(0) as usize + 1
}

/// The first `take` of the `len` bytes of key `idx`. The first `min(len, 8)` bytes are a
/// bijection of `idx mod 256^min(len,8)`, so distinct indices below that bound give distinct keys.
#[inline]
fn push_bytes(idx: u64, len: usize, take: usize, buf: &mut Vec<u8>) {
    let head = len.min(8);
    let word = if head == 8 {
        mix64(idx)
    } else {
        mix_bits(idx, head as u32 * 8) << (64 - head * 8)
    };
    let first = word.to_be_bytes();
    buf.extend_from_slice(&first[..take.min(head)]);
    let mut written = head;
    let mut salt = 1u64;
    while written < take {
        let w = mix64(idx ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_be_bytes();
        let n = (take - written).min(8);
        buf.extend_from_slice(&w[..n]);
        written += n;
        salt += 1;
    }
}

/// The splitmix64 finalizer: a bijection of u64.
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A bijection of the low `bits` bits (odd multiplies and xor-shifts modulo 2^bits).
#[inline]
fn mix_bits(x: u64, bits: u32) -> u64 {
    let mask = (1u64 << bits) - 1;
    let half = bits.div_ceil(2);
    let mut x = x & mask;
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask;
    x ^= x >> half;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) & mask;
    x ^ (x >> half)
}

/// How many `~` bytes to append to a key of `prefix_len + suffix` so it is absent from a region
/// whose prefixes are at most `max_prefix_len` long: 1 for text (no suffix has `~`), enough to
/// outgrow every key for fixed-length bytes.
pub fn miss_pad(shape: &KeyShape, prefix_len: usize, max_prefix_len: usize) -> usize {
    match shape {
        KeyShape::Text { .. } => 1,
        KeyShape::Bytes { .. } => max_prefix_len - prefix_len + 1,
    }
}

/// Writer `i`'s partition name: the pattern with `{i}` replaced.
pub fn partition_name(pattern: &str, i: usize) -> String {
    pattern.replace("{i}", &i.to_string())
}

impl Spec {
    /// The stable region's prefix.
    pub fn stable_prefix(&self) -> &[u8] {
        self.stable.prefix.as_bytes()
    }

    /// Each writer's partition prefix: `mutable.prefix` + the partition name of writer `i`.
    pub fn partitions(&self, writers: usize) -> Vec<Vec<u8>> {
        (0..writers)
            .map(|i| {
                let mut p = self.mutable.prefix.clone().into_bytes();
                p.extend_from_slice(partition_name(&self.mutable.partition, i).as_bytes());
                p
            })
            .collect()
    }

    /// The initial content for a point with `writers` writers: every stable key, then
    /// `mutable.prefill` keys of each partition, in a fixed order. Values are the key index.
    /// With overlapping partitions two partitions may spell the same key; the later one wins.
    pub fn prefill(&self, writers: usize) -> Prefill {
        let mut regions = vec![(
            self.stable_prefix().to_vec(),
            self.stable.shape.clone(),
            self.stable.keys,
        )];
        for p in self.partitions(writers) {
            regions.push((p, self.mutable.shape.clone(), self.mutable.prefill_keys()));
        }
        let len = regions.iter().map(|r| r.2).sum();
        Prefill {
            regions,
            region: 0,
            idx: 0,
            remaining: len,
        }
    }
}

/// The prefill's (key, value) pairs; see [`Spec::prefill`].
#[derive(Clone, Debug)]
pub struct Prefill {
    regions: Vec<(Vec<u8>, KeyShape, u64)>,
    region: usize,
    idx: u64,
    remaining: u64,
}

impl Iterator for Prefill {
    type Item = (Vec<u8>, u64);

    fn next(&mut self) -> Option<(Vec<u8>, u64)> {
        loop {
            let (prefix, shape, keys) = self.regions.get(self.region)?;
            if self.idx < *keys {
                let mut key = Vec::with_capacity(prefix.len() + 32);
                key.extend_from_slice(prefix);
                push_suffix(shape, self.idx, FULL, &mut key);
                let value = self.idx;
                self.idx += 1;
                self.remaining -= 1;
                return Some((key, value));
            }
            self.region += 1;
            self.idx = 0;
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::try_from(self.remaining).unwrap_or(usize::MAX);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Prefill {}

#[cfg(test)]
mod tests {
    use super::*;

    fn suffix(shape: &KeyShape, idx: u64, depth: usize) -> Vec<u8> {
        let mut b = Vec::new();
        push_suffix(shape, idx, depth, &mut b);
        b
    }

    #[test]
    fn text_keys_are_kb_paths() {
        let s = KeyShape::Text {
            relations: 8,
            objects: 4,
        };
        assert_eq!(suffix(&s, 0, FULL), b"e0/isa/o0");
        assert_eq!(
            suffix(&s, 4 * 8 * 4711 + 4 * 3 + 2, FULL),
            b"e4711/knows/o2"
        );
        assert_eq!(suffix(&s, 4 * 8 * 4711 + 4 * 3 + 2, 1), b"e4711/");
        assert_eq!(suffix(&s, 4 * 8 * 4711 + 4 * 3 + 2, 2), b"e4711/knows/");
        assert_eq!(suffix(&s, 5, 0), b"");
    }

    #[test]
    fn byte_keys_are_distinct_and_fixed_length() {
        for len in [2usize, 4, 8, 16, 20] {
            let s = KeyShape::Bytes { len };
            let mut seen = std::collections::HashSet::new();
            for i in 0..60_000u64 {
                let k = suffix(&s, i, FULL);
                assert_eq!(k.len(), len);
                if len > 2 || i < 65_536 {
                    assert!(seen.insert(k), "len {len}: duplicate at {i}");
                }
            }
            assert_eq!(suffix(&s, 77, 1), suffix(&s, 77, FULL)[..1]);
        }
    }

    #[test]
    fn a_key_table_holds_the_rendered_keys() {
        for shape in [
            KeyShape::Text {
                relations: 3,
                objects: 5,
            },
            KeyShape::Bytes { len: 12 },
        ] {
            let t = KeyTable::new(b"mutable/w0/", &KeyRenderer::new(&shape), 1000);
            for i in 0..1000u64 {
                let mut want = b"mutable/w0/".to_vec();
                want.extend_from_slice(&suffix(&shape, i, FULL));
                assert_eq!(t.get(i), Some(&want[..]), "{shape:?} {i}");
            }
            assert_eq!(t.get(1000), None);
        }
        assert_eq!(KeyTable::default().get(0), None);
    }

    #[test]
    fn divisor_matches_hardware_division() {
        for d in [1u64, 2, 3, 7, 8, 32, 100, 128, 1000, 65_537, (1 << 32) - 1] {
            let div = Divisor::new(d);
            for x in [
                0u64,
                1,
                2,
                99,
                12_345,
                (1 << 32) - 1,
                1 << 32,
                u64::MAX,
                3_000_000_007,
            ] {
                assert_eq!(div.div(x), x / d, "{x} / {d}");
            }
        }
    }

    #[test]
    fn decimal_writer_matches_format() {
        for v in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
            let mut out = [0u8; 64];
            let end = write_decimal(v, &mut out, 3);
            assert_eq!(&out[3..end], v.to_string().as_bytes());
        }
    }
}
