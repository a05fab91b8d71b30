//! Sampled frequencies against theoretical ones, with fixed seeds.
//!
//! Tolerances: with N samples a frequency p has standard error sqrt(p(1−p)/N); each check allows
//! about five standard errors (plus the Zipf table's stated within-bucket error, < 1 %), so the
//! tests are deterministic in practice (fixed seeds) and would still pass with other seeds.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use workloads::{hot_count, zipf_pmf, KeySampler, Scramble, Skew};

const N_SAMPLES: usize = 1_000_000;

fn counts(skew: &Skew, n: u64, newest: u64, seed: u64) -> Vec<u64> {
    let mut s = KeySampler::new(skew, n, 0);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut c = vec![0u64; (newest + 1).max(n) as usize];
    for _ in 0..N_SAMPLES {
        c[s.sample(&mut rng, newest) as usize] += 1;
    }
    c
}

/// Checks the top ranks one by one (relative error within 5 standard errors) and the whole
/// distribution by total variation distance over log-spaced rank groups.
fn check_zipf(freq_of_rank: impl Fn(u64) -> u64, n: u64, theta: f64) {
    let norm: f64 = (1..=n).map(|k| (k as f64).powf(-theta)).sum();
    let pmf = |r: u64| ((r + 1) as f64).powf(-theta) / norm;
    for r in 0..20 {
        let p = pmf(r);
        let got = freq_of_rank(r) as f64 / N_SAMPLES as f64;
        let se = (p * (1.0 - p) / N_SAMPLES as f64).sqrt();
        assert!(
            (got - p).abs() < 5.0 * se + 1e-4,
            "θ={theta} rank {r}: got {got:.5}, want {p:.5}"
        );
    }
    let (mut lo, mut tv) = (0u64, 0.0);
    while lo < n {
        let hi = (lo * 2).clamp(lo + 1, n);
        let want: f64 = (lo..hi).map(pmf).sum();
        let got: u64 = (lo..hi).map(&freq_of_rank).sum();
        tv += (got as f64 / N_SAMPLES as f64 - want).abs();
        lo = hi;
    }
    assert!(
        tv / 2.0 < 0.01,
        "θ={theta}: total variation {:.4}",
        tv / 2.0
    );
}

#[test]
fn zipf_matches_theory_for_several_thetas() {
    let n = 10_000;
    for theta in [0.5, 0.99, 1.2] {
        let plain = counts(
            &Skew::Zipf {
                theta,
                scrambled: false,
                exact: false,
            },
            n,
            n - 1,
            1,
        );
        check_zipf(|r| plain[r as usize], n, theta);
        // Scrambled: the same frequencies, found at the permuted indices.
        let sc = Scramble::new(n);
        let mixed = counts(
            &Skew::Zipf {
                theta,
                scrambled: true,
                exact: false,
            },
            n,
            n - 1,
            2,
        );
        check_zipf(|r| mixed[sc.apply(r) as usize], n, theta);
        assert_ne!(sc.apply(0), 0);
        assert!(
            sc.apply(1).abs_diff(sc.apply(0)) > n / 10,
            "hot ranks are spread"
        );
    }
}

#[test]
fn exact_zipf_agrees_with_the_table() {
    let n = 1_000;
    let exact = counts(
        &Skew::Zipf {
            theta: 0.99,
            scrambled: false,
            exact: true,
        },
        n,
        n - 1,
        3,
    );
    check_zipf(|r| exact[r as usize], n, 0.99);
    assert!((zipf_pmf(0, n, 0.99) - exact[0] as f64 / N_SAMPLES as f64).abs() < 0.005);
}

#[test]
fn zipf_tail_buckets_hold_their_mass_over_a_large_range() {
    let n = 1_000_000;
    let c = counts(
        &Skew::Zipf {
            theta: 0.99,
            scrambled: false,
            exact: false,
        },
        n,
        n - 1,
        4,
    );
    check_zipf(|r| c[r as usize], n, 0.99);
}

#[test]
fn uniform_passes_chi_square() {
    let n = 100;
    let c = counts(&Skew::Uniform {}, n, n - 1, 5);
    let expected = N_SAMPLES as f64 / n as f64;
    let chi2: f64 = c
        .iter()
        .map(|&o| (o as f64 - expected).powi(2) / expected)
        .sum();
    // 99 degrees of freedom: P(χ² > 148.2) = 0.001.
    assert!(chi2 < 148.2, "χ² = {chi2:.1}");
}

#[test]
fn hotspot_sends_the_hot_share_to_the_hot_keys() {
    let n = 1_000;
    for (fraction, ops, scrambled) in [(0.1, 0.8, false), (0.01, 0.5, true), (0.3, 0.95, true)] {
        let c = counts(
            &Skew::Hotspot {
                hot_fraction: fraction,
                hot_ops: ops,
                scrambled,
            },
            n,
            n - 1,
            6,
        );
        let hot_n = hot_count(fraction, n);
        let sc = Scramble::new(n);
        let idx = |r: u64| if scrambled { sc.apply(r) } else { r } as usize;
        let hot: u64 = (0..hot_n).map(|r| c[idx(r)]).sum();
        let share = hot as f64 / N_SAMPLES as f64;
        assert!(
            (share - ops).abs() < 0.003,
            "{fraction}/{ops}: hot share {share:.4}"
        );
        // Within the hot set, uniform: every hot key near its expected count.
        let per_key = ops * N_SAMPLES as f64 / hot_n as f64;
        for r in 0..hot_n {
            let got = c[idx(r)] as f64;
            assert!(
                (got - per_key).abs() < 5.0 * per_key.sqrt() + 1.0,
                "hot key {r}: {got} vs {per_key}"
            );
        }
    }
}

#[test]
fn latest_favours_the_newest_indices() {
    let (n, newest) = (10_000, 25_000);
    let c = counts(&Skew::Latest { theta: 0.99 }, n, newest, 7);
    check_zipf(|r| c[(newest - r) as usize], n, 0.99);
    assert!(c[..=(newest - n) as usize].iter().all(|&x| x == 0));
}
