//! Summaries of repeated measurements: the median with its spread, and the noise band the gate
//! judges changes against.

use serde::Serialize;

/// Median with min and max over repetitions.
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

/// A median and the noise band around it (a confidence interval, not min..max).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

impl Band {
    /// Band width relative to the median.
    pub fn relative_width(&self) -> f64 {
        (self.high - self.low) / self.median.abs().max(f64::MIN_POSITIVE)
    }
}

/// The median of `xs` and its noise band: the narrowest order-statistic interval
/// `[x(k), x(n+1−k)]` whose distribution-free coverage of the true median, `1 − 2·P(Bin(n, ½) <
/// k)`, is at least [`BAND_COVERAGE`]; min..max when no narrower one qualifies (fewer than four
/// values). One wild repetition on either side thus does not widen the band, and more
/// repetitions narrow it.
pub fn band(xs: &[f64]) -> Option<Band> {
    let all = Spread::of(xs)?;
    let v = sorted(xs);
    let n = v.len();
    let k = (1..=n / 2)
        .take_while(|&k| 1.0 - 2.0 * binomial_half_cdf(n, k - 1) >= BAND_COVERAGE)
        .last()
        .unwrap_or(1);
    Some(Band {
        median: all.median,
        low: v[k - 1],
        high: v[n - k],
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

/// Significance level of the gate's test of a change.
pub const ALPHA: f64 = 0.05;

/// Two-sided p-value of the Mann–Whitney U test that `xs` and `ys` come from the same
/// distribution (rank-based: no assumption about the shape of the noise; ties count half). Exact
/// for up to 20 values a side, normal approximation with continuity correction beyond.
pub fn mann_whitney(xs: &[f64], ys: &[f64]) -> f64 {
    let (m, n) = (xs.len(), ys.len());
    if m == 0 || n == 0 {
        return 1.0;
    }
    let mut u = 0.0f64;
    for x in xs {
        for y in ys {
            u += match x.total_cmp(y) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
        }
    }
    let p = if m <= 20 && n <= 20 {
        let dist = u_distribution(m, n);
        let total: f64 = dist.iter().sum();
        let below: f64 = dist[..=u.floor() as usize].iter().sum::<f64>() / total;
        let above: f64 = dist[u.ceil() as usize..].iter().sum::<f64>() / total;
        2.0 * below.min(above)
    } else {
        let mean = (m * n) as f64 / 2.0;
        let sd = ((m * n * (m + n + 1)) as f64 / 12.0).sqrt();
        let z = ((u - mean).abs() - 0.5).max(0.0) / sd;
        erfc(z / std::f64::consts::SQRT_2)
    };
    p.min(1.0)
}

/// The smallest two-sided p-value [`mann_whitney`] can give with `m` and `n` values: below
/// [`ALPHA`] only from 4 against 4 (or 3 against 5) on.
pub fn min_p(m: usize, n: usize) -> f64 {
    if m == 0 || n == 0 {
        return 1.0;
    }
    // 2 / C(m + n, m)
    let mut c = 1.0f64;
    for i in 0..m.min(n) {
        c = c * (m + n - i) as f64 / (i + 1) as f64;
    }
    (2.0 / c).min(1.0)
}

/// How many of the `C(m + n, m)` orderings of `m` and `n` values give each U (0..=m·n), by the
/// recurrence `f(m, n, u) = f(m − 1, n, u − n) + f(m, n − 1, u)`.
fn u_distribution(m: usize, n: usize) -> Vec<f64> {
    // table[a][b] = distribution for sizes (a, b), built row by row.
    let mut prev: Vec<Vec<f64>> = (0..=n).map(|_| vec![1.0]).collect(); // a = 0
    for a in 1..=m {
        let mut row: Vec<Vec<f64>> = vec![vec![1.0]]; // b = 0
        for b in 1..=n {
            let mut d = vec![0.0; a * b + 1];
            for (u, f) in prev[b].iter().enumerate() {
                d[u + b] += f; // the largest value is an x: it beats all b y's
            }
            for (u, f) in row[b - 1].iter().enumerate() {
                d[u] += f; // the largest value is a y
            }
            row.push(d);
        }
        prev = row;
    }
    prev.swap_remove(n)
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error below
/// 1.2e-7 everywhere).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The Hodges–Lehmann estimate of the centre of paired differences, with its confidence
/// interval from the Wilcoxon signed-rank test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shift {
    /// The median of the Walsh averages (every `(dᵢ + dⱼ) / 2`, `i ≤ j`).
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// Two-sided normal quantile of the A/B gate's intervals: 99.9% coverage.
pub const Z_999: f64 = 3.2905;

/// The Hodges–Lehmann shift of the differences `d` with a two-sided interval at normal quantile
/// `z` (large-sample Wilcoxon critical value). `None` when `d` is too short for the interval to
/// exclude anything at that level — no verdict can rest on it.
///
/// Distribution-free: it assumes only that the differences are symmetric about their centre,
/// which the difference of two runs of the same build is.
pub fn hodges_lehmann(d: &[f64], z: f64) -> Option<Shift> {
    let n = d.len() as f64;
    let mut walsh = Vec::with_capacity(d.len() * (d.len() + 1) / 2);
    for (i, a) in d.iter().enumerate() {
        for b in &d[i..] {
            walsh.push((a + b) / 2.0);
        }
    }
    let k = (n * (n + 1.0) / 4.0 - z * (n * (n + 1.0) * (2.0 * n + 1.0) / 24.0).sqrt()).floor();
    if walsh.is_empty() || k < 1.0 {
        return None;
    }
    walsh.sort_by(f64::total_cmp);
    let k = k as usize;
    Some(Shift {
        estimate: median_of_sorted(&walsh),
        low: walsh[k - 1],
        high: walsh[walsh.len() - k],
    })
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
        let b = |low, median, high| Some(Band { median, low, high });
        // Three values: no interval narrower than min..max covers 83.4%.
        assert_eq!(band(&[3.0, 1.0, 2.0]), b(1.0, 2.0, 3.0));
        // Eight: [x(2), x(7)] covers 93%, [x(3), x(6)] only 71%.
        let eight = [5.0, 1.0, 2.0, 3.0, 4.0, 6.0, 7.0, 100.0];
        assert_eq!(band(&eight), b(2.0, 4.5, 7.0));
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let b = band(&xs).unwrap();
        assert_eq!((b.low, b.median, b.high), (43.0, 50.5, 58.0));
        // One wild outlier does not move it.
        let mut wild = xs.clone();
        wild[99] = 1e9;
        assert_eq!(band(&wild), Some(b));
        assert!((binomial_half_cdf(8, 1) - 9.0 / 256.0).abs() < 1e-12);
        assert_eq!(binomial_half_cdf(4, 4), 1.0);
    }

    #[test]
    fn mann_whitney_matches_its_exact_distribution() {
        // Fully separated samples: the most extreme of C(8, 4) = 70 orderings, both tails.
        let low = [1.0, 2.0, 3.0, 4.0];
        let high = [5.0, 6.0, 7.0, 8.0];
        assert!((mann_whitney(&low, &high) - 2.0 / 70.0).abs() < 1e-12);
        assert!((min_p(4, 4) - 2.0 / 70.0).abs() < 1e-12);
        assert!(min_p(3, 3) > ALPHA && min_p(4, 4) < ALPHA && min_p(3, 5) < ALPHA);
        // Identical samples: no evidence at all.
        assert_eq!(mann_whitney(&low, &low), 1.0);
        // Interleaved: nowhere near significant.
        assert!(mann_whitney(&[1.0, 3.0, 5.0, 7.0], &[2.0, 4.0, 6.0, 8.0]) > 0.5);
        // The distribution counts every ordering.
        let d = u_distribution(5, 3);
        assert_eq!(d.iter().sum::<f64>(), 56.0);
        assert_eq!(d.len(), 16);
        // The normal approximation agrees with the exact test near their boundary.
        let xs: Vec<f64> = (0..20).map(|i| i as f64).collect();
        let ys: Vec<f64> = (0..21).map(|i| i as f64 + 6.5).collect();
        let exact_ys: Vec<f64> = ys[..20].to_vec();
        let (a, b) = (mann_whitney(&xs, &ys), mann_whitney(&xs, &exact_ys));
        assert!((a - b).abs() < 0.02, "{a} vs {b}");
        assert!((erfc(0.0) - 1.0).abs() < 1e-7 && (erfc(1.0) - 0.157_299_207).abs() < 1e-7);
    }

    #[test]
    fn hodges_lehmann_finds_a_shift_and_brackets_it() {
        // A shift of 0.1 with symmetric noise of ±0.02: the estimate is the shift and the
        // interval holds it; the same noise around 0 brackets 0.
        let noise = [
            0.02, -0.02, 0.01, -0.01, 0.0, 0.015, -0.015, 0.005, -0.005, 0.02, -0.02, 0.0, 0.01,
            -0.01, 0.003, -0.003,
        ];
        let shifted: Vec<f64> = noise.iter().map(|e| 0.1 + e).collect();
        let s = hodges_lehmann(&shifted, Z_999).unwrap();
        assert!((s.estimate - 0.1).abs() < 1e-9, "{s:?}");
        assert!(
            s.low > 0.07 && s.high < 0.13 && s.low < 0.1 && s.high > 0.1,
            "{s:?}"
        );
        let s = hodges_lehmann(&noise, Z_999).unwrap();
        assert!(s.low < 0.0 && s.high > 0.0, "{s:?}");
        // Too few differences for a 99.9% interval (fewer than 15): no verdict.
        assert_eq!(hodges_lehmann(&noise[..14], Z_999), None);
        assert!(hodges_lehmann(&noise[..15], Z_999).is_some());
        assert_eq!(hodges_lehmann(&[], Z_999), None);
    }
}
