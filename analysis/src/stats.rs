//! Summaries of repeated measurements: the median with its spread, and the noise band the gate
//! judges changes against.

use serde::Serialize;

/// Median with min and max over repetitions (or a confidence band, see [`band`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// Median, min and max of `xs`; `None` for an empty slice.
    pub fn of(xs: &[f64]) -> Option<Spread> {
        if xs.is_empty() {
            return None;
        }
        let v = sorted(xs);
        Some(Spread {
            median: median_of_sorted(&v),
            min: v[0],
            max: v[v.len() - 1],
        })
    }

    /// Max over min (1 when every value is the same; infinite when min is 0 and max is not).
    pub fn max_over_min(&self) -> f64 {
        if self.max == self.min {
            1.0
        } else if self.min > 0.0 {
            self.max / self.min
        } else {
            f64::INFINITY
        }
    }

    /// Band width relative to the median.
    pub fn relative_width(&self) -> f64 {
        (self.max - self.min) / self.median.abs().max(f64::MIN_POSITIVE)
    }

    /// Whether two bands share any value.
    pub fn overlaps(&self, other: &Spread) -> bool {
        self.min <= other.max && other.min <= self.max
    }
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn median_of_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The median of `xs` (`None` when empty).
pub fn median(xs: &[f64]) -> Option<f64> {
    Spread::of(xs).map(|s| s.median)
}

/// Coverage of each median's band. Two independent intervals of 83.4% coverage fail to overlap
/// with about 5% probability when the medians are equal, so "the bands do not overlap" is a test
/// of a difference at roughly the 5% level (comparing two 95% intervals would be ~0.6%, far too
/// deaf with few repetitions).
pub const BAND_COVERAGE: f64 = 0.834;

/// The median of `xs` and its noise band: the narrowest order-statistic interval
/// `[x(k), x(n+1−k)]` whose distribution-free coverage of the true median, `1 − 2·P(Bin(n, ½) <
/// k)`, is at least [`BAND_COVERAGE`]; min..max when no narrower one qualifies (fewer than four
/// values). One wild repetition on either side thus does not widen the band, and more
/// repetitions narrow it.
pub fn band(xs: &[f64]) -> Option<Spread> {
    let all = Spread::of(xs)?;
    let v = sorted(xs);
    let n = v.len();
    let k = (1..=n / 2)
        .take_while(|&k| 1.0 - 2.0 * binomial_half_cdf(n, k - 1) >= BAND_COVERAGE)
        .last()
        .unwrap_or(1);
    Some(Spread {
        median: all.median,
        min: v[k - 1],
        max: v[n - k],
    })
}

/// `P(Bin(n, ½) ≤ j)`.
fn binomial_half_cdf(n: usize, j: usize) -> f64 {
    let mut term = 0.5f64.powi(n as i32); // C(n, 0) / 2^n
    let mut sum = term;
    for i in 1..=j.min(n) {
        term *= (n + 1 - i) as f64 / i as f64;
        sum += term;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(min: f64, median: f64, max: f64) -> Spread {
        Spread { median, min, max }
    }

    #[test]
    fn medians_of_even_and_odd_counts() {
        assert_eq!(Spread::of(&[3.0, 1.0, 2.0]), Some(s(1.0, 2.0, 3.0)));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(s(2.0, 3.0, 4.8).max_over_min(), 2.4);
        assert!(s(0.0, 1.0, 2.0).max_over_min().is_infinite());
    }

    #[test]
    fn the_band_is_the_narrowest_order_statistic_interval_with_enough_coverage() {
        // Three values: no interval narrower than min..max covers 83.4%.
        assert_eq!(band(&[3.0, 1.0, 2.0]), Some(s(1.0, 2.0, 3.0)));
        // Eight: [x(2), x(7)] covers 93%, [x(3), x(6)] only 71%.
        let eight = [5.0, 1.0, 2.0, 3.0, 4.0, 6.0, 7.0, 100.0];
        assert_eq!(band(&eight), Some(s(2.0, 4.5, 7.0)));
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let b = band(&xs).unwrap();
        assert_eq!((b.min, b.median, b.max), (43.0, 50.5, 58.0));
        // One wild outlier does not move it.
        let mut wild = xs.clone();
        wild[99] = 1e9;
        assert_eq!(band(&wild), Some(b));
        assert!((binomial_half_cdf(8, 1) - 9.0 / 256.0).abs() < 1e-12);
        assert_eq!(binomial_half_cdf(4, 4), 1.0);
    }
}
