//! Key-index distributions: which key of a region an operation touches.
//!
//! A [`Skew`] is the data (what the spec says); a [`KeySampler`] is built from it once per stream
//! and draws key indices in `0..n` without allocating.
//!
//! Zipf ranks come from a table built once with rand_distr's `WeightedAliasIndex`: the top
//! [`EXACT_RANKS`] ranks are exact, and beyond them ranks are grouped in buckets of width
//! `rank / 128` whose total mass is exact and inside which the pick is uniform (the pmf varies by
//! less than θ/128 ≈ 0.8 % across a bucket). A draw costs a few ns, where rand_distr's rejection
//! sampler `Zipf` costs 80–280 ns on this machine kind (more than a point get on the store under
//! test); `exact = true` selects that sampler when its exactness matters more than its cost.
//!
//! Scrambling maps rank `r` to index `(a·r + b) mod n` with `gcd(a, n) = 1` and `a ≈ 0.618·n`: a
//! fixed bijection (the same for every stream with the same `n`, so every role agrees on which
//! keys are hot) that spreads consecutive ranks over the whole key space, and so over the trie.

use rand::distr::{Bernoulli, Distribution, Uniform};
use rand::{Rng, RngExt};
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::Zipf;
use serde::{Deserialize, Serialize};

/// Ranks below this are sampled exactly by the Zipf table (one alias entry each).
pub const EXACT_RANKS: u64 = 512;
/// Beyond `EXACT_RANKS`, a bucket starting at rank `r` is `r / BUCKET_DIVISOR` ranks wide.
const BUCKET_DIVISOR: u64 = 128;

/// Which keys of a region operations touch.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Skew {
    /// Every key equally likely. (A struct variant with no fields, so that a field given to it
    /// by mistake is an error rather than ignored.)
    Uniform {},
    /// Rank `k` (1-based) drawn with probability ∝ `k^-theta`.
    Zipf {
        /// Exponent θ > 0 (YCSB uses 0.99).
        theta: f64,
        /// Spread hot ranks over the key space with a fixed permutation. Default true.
        #[serde(default = "yes")]
        scrambled: bool,
        /// Use rand_distr's exact (slow, 80–280 ns) rejection sampler. Default false.
        #[serde(default, skip_serializing_if = "is_false")]
        exact: bool,
    },
    /// A `hot_fraction` of the keys receives a `hot_ops` fraction of the operations.
    Hotspot {
        /// Fraction of keys that are hot, 0..=1.
        hot_fraction: f64,
        /// Fraction of operations that go to hot keys, 0..=1.
        hot_ops: f64,
        /// Spread the hot keys over the key space (else they are the first indices). Default true.
        #[serde(default = "yes")]
        scrambled: bool,
    },
    /// Recently written keys: index `newest − rank`, rank Zipf-distributed with exponent `theta`.
    Latest {
        /// Exponent θ > 0. Default 0.99.
        #[serde(default = "default_theta")]
        theta: f64,
    },
    /// Indices in order from a per-thread starting point, wrapping around.
    Sequential {},
    /// Recently written keys, as YCSB's `exponential`: index `newest − ⌊x⌋` with `x`
    /// exponentially distributed so that `percentile` % of draws fall within the newest
    /// `fraction` of the keys (draws older than index 0 are drawn again).
    Exponential {
        /// Percent of draws inside the newest `fraction` of keys, in (0, 100). Default 95.
        #[serde(default = "default_percentile")]
        percentile: f64,
        /// That share of the keys, > 0. Default 0.8571428571 (YCSB's 1/1.1667).
        #[serde(default = "default_fraction")]
        fraction: f64,
    },
}

fn default_percentile() -> f64 {
    95.0
}
fn default_fraction() -> f64 {
    0.857_142_857_1
}

fn yes() -> bool {
    true
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn default_theta() -> f64 {
    0.99
}

impl Default for Skew {
    fn default() -> Skew {
        Skew::Zipf {
            theta: 0.99,
            scrambled: true,
            exact: false,
        }
    }
}

impl Skew {
    /// The exponent θ of a zipf or latest skew.
    pub fn theta(&self) -> Option<f64> {
        match self {
            Skew::Zipf { theta, .. } | Skew::Latest { theta } => Some(*theta),
            _ => None,
        }
    }

    /// The short name used in labels.
    pub fn name(&self) -> &'static str {
        match self {
            Skew::Uniform {} => "uniform",
            Skew::Zipf {
                scrambled: true, ..
            } => "zipf",
            Skew::Zipf { .. } => "zipf-unscrambled",
            Skew::Hotspot { .. } => "hotspot",
            Skew::Latest { .. } => "latest",
            Skew::Sequential {} => "sequential",
            Skew::Exponential { .. } => "exponential",
        }
    }
}

/// A fixed bijection of `0..n` that spreads consecutive ranks over the range.
#[derive(Clone, Debug)]
pub struct Scramble {
    n: u64,
    a: u64,
    b: u64,
    /// `⌊(2^64 − 1) / n⌋`, for Barrett reduction (a u64 `%` costs 40–90 cycles).
    m: u64,
}

impl Scramble {
    /// The permutation for a range of `n` indices (`1 ≤ n ≤ 2^32`).
    pub fn new(n: u64) -> Scramble {
        assert!(
            (1..=1 << 32).contains(&n),
            "scramble range {n} outside 1..=2^32"
        );
        let mut a = ((n as f64 * 0.618_033_988_749_895) as u64).max(1);
        while gcd(a, n) != 1 {
            a += 1;
        }
        Scramble {
            n,
            a: a % n,
            b: n / 3,
            m: u64::MAX / n,
        }
    }

    /// The index of rank `r` (`r < n`). `a, b, r < n ≤ 2^32`, so `a·r + b < 2^64`.
    #[inline]
    pub fn apply(&self, r: u64) -> u64 {
        let x = self.a * r + self.b;
        // Barrett: q undershoots ⌊x / n⌋ by at most 2.
        let q = ((x as u128 * self.m as u128) >> 64) as u64;
        let mut rem = x - q * self.n;
        while rem >= self.n {
            rem -= self.n;
        }
        rem
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Zipf ranks `0..n` (0-based; probability ∝ `(r+1)^-θ`) from a bucketed alias table.
#[derive(Clone, Debug)]
pub struct ZipfTable {
    alias: WeightedAliasIndex<f64>,
    start: Vec<u64>,
    width: Vec<u64>,
}

impl ZipfTable {
    /// Builds the table in O(#buckets) ≈ 512 + 128·ln(n/512) entries.
    pub fn new(n: u64, theta: f64) -> ZipfTable {
        assert!(n >= 1 && theta > 0.0);
        let (mut start, mut width, mut mass) = (Vec::new(), Vec::new(), Vec::new());
        let mut r = 0;
        while r < n {
            let w = if r < EXACT_RANKS {
                1
            } else {
                (r / BUCKET_DIVISOR).min(n - r)
            };
            start.push(r);
            width.push(w);
            mass.push(bucket_mass(r, r + w, theta));
            r += w;
        }
        let alias = WeightedAliasIndex::new(mass).expect("zipf bucket masses are positive");
        ZipfTable {
            alias,
            start,
            width,
        }
    }

    /// One rank in `0..n`.
    ///
    /// Always inlined: it runs once per generated op, and with a plain `#[inline]` whether
    /// rand_distr's alias sampling was inlined into it moved with unrelated changes elsewhere in
    /// the binary (+12 instructions per op in the hot loop when it was not; the gate counts them).
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let b = self.alias.sample(rng);
        let w = self.width[b];
        self.start[b] + if w > 1 { rng.random_range(0..w) } else { 0 }
    }
}

/// Σ (k+1)^-θ for k in `lo..hi`: exact for narrow buckets, the midpoint integral for wide ones
/// (relative error O(1/lo²) < 1e-5 there).
fn bucket_mass(lo: u64, hi: u64, theta: f64) -> f64 {
    if hi - lo <= 32 {
        return (lo..hi).map(|k| ((k + 1) as f64).powf(-theta)).sum();
    }
    let (a, b) = (lo as f64 + 0.5, hi as f64 + 0.5);
    if (theta - 1.0).abs() < 1e-12 {
        (b / a).ln()
    } else {
        (b.powf(1.0 - theta) - a.powf(1.0 - theta)) / (1.0 - theta)
    }
}

/// The theoretical probability of 0-based rank `r` among `n` under Zipf θ (for tests and tools).
pub fn zipf_pmf(r: u64, n: u64, theta: f64) -> f64 {
    let norm: f64 = (1..=n).map(|k| (k as f64).powf(-theta)).sum();
    ((r + 1) as f64).powf(-theta) / norm
}

#[derive(Clone, Debug)]
enum Kind {
    Uniform(Uniform<u64>),
    Zipf(ZipfTable, Option<Scramble>),
    ZipfExact(Zipf<f64>, Option<Scramble>),
    Hotspot {
        hot: Option<Uniform<u64>>,
        cold: Option<Uniform<u64>>,
        p_hot: Bernoulli,
        scramble: Option<Scramble>,
    },
    Latest(ZipfTable),
    Sequential(u64),
    /// The rate γ of the exponential.
    Exponential(f64),
}

/// Draws key indices in `0..n` for one stream; built once, no allocation per draw.
#[derive(Clone, Debug)]
pub struct KeySampler {
    kind: Kind,
    n: u64,
}

impl KeySampler {
    /// A sampler over `0..n` (`1 ≤ n ≤ 2^32`); `start` is the first index of a sequential skew.
    /// The skew must have passed validation.
    pub fn new(skew: &Skew, n: u64, start: u64) -> KeySampler {
        assert!(n >= 1, "a key sampler needs at least one key");
        let kind = match *skew {
            Skew::Uniform {} => Kind::Uniform(Uniform::new(0, n).expect("n ≥ 1")),
            Skew::Zipf {
                theta,
                scrambled,
                exact,
            } => {
                let scramble = scrambled.then(|| Scramble::new(n));
                if exact {
                    Kind::ZipfExact(Zipf::new(n as f64, theta).expect("valid zipf"), scramble)
                } else {
                    Kind::Zipf(ZipfTable::new(n, theta), scramble)
                }
            }
            Skew::Hotspot {
                hot_fraction,
                hot_ops,
                scrambled,
            } => {
                let hot_n = hot_count(hot_fraction, n);
                Kind::Hotspot {
                    hot: (hot_n > 0).then(|| Uniform::new(0, hot_n).expect("hot_n ≥ 1")),
                    cold: (hot_n < n).then(|| Uniform::new(hot_n, n).expect("cold ≥ 1")),
                    p_hot: Bernoulli::new(hot_ops).expect("hot_ops in 0..=1"),
                    scramble: scrambled.then(|| Scramble::new(n)),
                }
            }
            Skew::Latest { theta } => Kind::Latest(ZipfTable::new(n, theta)),
            Skew::Sequential {} => Kind::Sequential(start % n),
            Skew::Exponential {
                percentile,
                fraction,
            } => Kind::Exponential(-(1.0 - percentile / 100.0).ln() / (n as f64 * fraction)),
        };
        KeySampler { kind, n }
    }

    /// The number of indices this sampler draws from.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Always false: a sampler has at least one index.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// One key index. `newest` is the most recently written index (`latest` returns
    /// `newest − rank`, saturating at 0; `exponential` returns `newest − ⌊x⌋`, drawing again
    /// while that would be below 0); other skews return an index in `0..n`.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&mut self, rng: &mut R, newest: u64) -> u64 {
        match &mut self.kind {
            Kind::Uniform(u) => u.sample(rng),
            Kind::Zipf(t, s) => scramble(s, t.sample(rng)),
            Kind::ZipfExact(z, s) => {
                let r = (z.sample(rng) as u64).clamp(1, self.n) - 1;
                scramble(s, r)
            }
            Kind::Hotspot {
                hot,
                cold,
                p_hot,
                scramble: s,
            } => {
                let r = match (hot, cold) {
                    (Some(h), Some(c)) => {
                        if p_hot.sample(rng) {
                            h.sample(rng)
                        } else {
                            c.sample(rng)
                        }
                    }
                    (Some(h), None) => h.sample(rng),
                    (None, Some(c)) => c.sample(rng),
                    (None, None) => unreachable!("n ≥ 1"),
                };
                scramble(s, r)
            }
            Kind::Latest(t) => newest.saturating_sub(t.sample(rng)),
            Kind::Sequential(next) => {
                let i = *next;
                *next = if i + 1 == self.n { 0 } else { i + 1 };
                i
            }
            Kind::Exponential(gamma) => {
                // Drawing again past index 0 is drawing from the exponential truncated to
                // [0, newest + 1): by its inverse CDF, one draw and no loop for any γ.
                let tail = (-*gamma * (newest as f64 + 1.0)).exp_m1();
                let u: f64 = rng.random();
                let back = -(u * tail).ln_1p() / *gamma;
                newest - (back as u64).min(newest)
            }
        }
    }
}

/// Hot keys among `n`: `round(fraction·n)`, at least 1 when the fraction is positive.
pub fn hot_count(fraction: f64, n: u64) -> u64 {
    if fraction <= 0.0 {
        0
    } else {
        ((fraction * n as f64).round() as u64).clamp(1, n)
    }
}

#[inline]
fn scramble(s: &Option<Scramble>, r: u64) -> u64 {
    match s {
        Some(s) => s.apply(r),
        None => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn scramble_is_a_bijection() {
        for n in [1u64, 2, 3, 10, 97, 100, 1000, 4096, 100_000] {
            let s = Scramble::new(n);
            let mut seen = vec![false; n as usize];
            for r in 0..n {
                let i = s.apply(r) as usize;
                assert!(!seen[i], "n={n}: index {i} hit twice");
                seen[i] = true;
            }
        }
    }

    #[test]
    fn barrett_reduction_matches_modulo() {
        for n in [1u64, 3, 1000, 4_294_967_291, 1 << 32] {
            let s = Scramble::new(n);
            for r in [0, 1, n / 2, n - 1] {
                assert_eq!(s.apply(r), (s.a * r + s.b) % n, "n={n} r={r}");
            }
        }
    }

    #[test]
    fn zipf_table_covers_the_range_and_is_exact_at_the_top() {
        let n = 100_000;
        let t = ZipfTable::new(n, 0.99);
        assert_eq!(t.start[0], 0);
        let last = t.start.len() - 1;
        assert_eq!(t.start[last] + t.width[last], n);
        assert!(t.start.len() < 2000, "{} buckets", t.start.len());
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        assert!((0..100_000).all(|_| t.sample(&mut rng) < n));
    }

    #[test]
    fn sequential_wraps_from_its_start() {
        let mut s = KeySampler::new(&Skew::Sequential {}, 5, 3);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let got: Vec<u64> = (0..7).map(|_| s.sample(&mut rng, 0)).collect();
        assert_eq!(got, [3, 4, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn latest_counts_back_from_newest() {
        let mut s = KeySampler::new(&Skew::Latest { theta: 1.2 }, 1000, 0);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for _ in 0..10_000 {
            let i = s.sample(&mut rng, 5_000);
            assert!((4_001..=5_000).contains(&i));
        }
    }
}
