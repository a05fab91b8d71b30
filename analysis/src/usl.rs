//! Universal Scalability Law fit: `X(N) = λN / (1 + σ(N−1) + κN(N−1))` (Gunther).
//!
//! σ is contention (serialization), κ coherency (crosstalk). Rearranged,
//! `N / X(N) = a + b(N−1) + c·N(N−1)` with `a = 1/λ`, `b = σ/λ`, `c = κ/λ` is linear in
//! (a, b, c), so an ordinary least-squares solve of the 3×3 normal equations fits all three
//! parameters at once; it needs at least three distinct thread counts. Points measured with
//! more threads than cores distort the fit (the law assumes N processors), so the caller says
//! how many of them went in.

use serde::{Deserialize, Serialize};

/// A fitted curve (all fields finite except `peak_n`, which is infinite when κ ≤ 0).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct UslParams {
    /// Single-thread throughput (ops/s).
    pub lambda: f64,
    /// Contention.
    pub sigma: f64,
    /// Coherency.
    pub kappa: f64,
    /// Thread count of peak throughput, `sqrt((1−σ)/κ)`; `f64::INFINITY` when κ ≤ 0.
    #[serde(with = "inf_as_null")]
    pub peak_n: f64,
    /// Coefficient of determination of the fit on X (1 = perfect).
    pub r2: f64,
}

impl UslParams {
    /// Predicted throughput at `n` threads.
    pub fn predict(&self, n: f64) -> f64 {
        self.lambda * n / (1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0))
    }
}

/// Why a fit was not made.
pub const TOO_FEW: &str = "too few thread counts to fit (need at least 3 distinct)";

/// Least-squares USL fit to `(threads, ops/s)` points (repeated thread counts are fine).
pub fn fit(points: &[(f64, f64)]) -> Result<UslParams, String> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(n, x)| *n >= 1.0 && *x > 0.0 && x.is_finite())
        .collect();
    let mut ns: Vec<f64> = pts.iter().map(|p| p.0).collect();
    ns.sort_by(f64::total_cmp);
    ns.dedup();
    if ns.len() < 3 {
        return Err(TOO_FEW.into());
    }
    // Normal equations for y = a + b·u + c·v, u = N−1, v = N(N−1), y = N/X.
    let mut m = [[0.0f64; 3]; 3];
    let mut r = [0.0f64; 3];
    for &(n, x) in &pts {
        let f = [1.0, n - 1.0, n * (n - 1.0)];
        let y = n / x;
        for i in 0..3 {
            for j in 0..3 {
                m[i][j] += f[i] * f[j];
            }
            r[i] += f[i] * y;
        }
    }
    let [a, b, c] = solve3(m, r).ok_or("the thread counts give a singular fit")?;
    if a <= 0.0 {
        return Err("the fit gives a non-positive single-thread throughput".into());
    }
    let lambda = 1.0 / a;
    let (sigma, kappa) = (b * lambda, c * lambda);
    let peak_n = if kappa > 1e-9 && sigma < 1.0 {
        ((1.0 - sigma) / kappa).sqrt()
    } else {
        f64::INFINITY
    };
    let mut p = UslParams {
        lambda,
        sigma,
        kappa,
        peak_n,
        r2: 0.0,
    };
    let mean = pts.iter().map(|q| q.1).sum::<f64>() / pts.len() as f64;
    let ss_tot: f64 = pts.iter().map(|q| (q.1 - mean).powi(2)).sum();
    let ss_res: f64 = pts.iter().map(|q| (q.1 - p.predict(q.0)).powi(2)).sum();
    p.r2 = if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else {
        1.0
    };
    Ok(p)
}

/// Gaussian elimination with partial pivoting.
fn solve3(mut m: [[f64; 3]; 3], mut r: [f64; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let piv = (col..3).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[piv][col].abs() < 1e-300 {
            return None;
        }
        m.swap(col, piv);
        r.swap(col, piv);
        for row in col + 1..3 {
            let k = m[row][col] / m[col][col];
            let pivot_row = m[col];
            for (x, p) in m[row].iter_mut().zip(pivot_row).skip(col) {
                *x -= k * p;
            }
            r[row] -= k * r[col];
        }
    }
    let mut x = [0.0; 3];
    for i in (0..3).rev() {
        let s: f64 = (i + 1..3).map(|j| m[i][j] * x[j]).sum();
        x[i] = (r[i] - s) / m[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// JSON has no infinity: write it as null, read null back as infinity.
mod inf_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_known_parameters() {
        let truth = UslParams {
            lambda: 1e6,
            sigma: 0.08,
            kappa: 0.002,
            peak_n: 0.0,
            r2: 1.0,
        };
        let pts: Vec<(f64, f64)> = [1.0, 2.0, 4.0, 8.0, 16.0]
            .iter()
            .map(|&n| (n, truth.predict(n)))
            .collect();
        let p = fit(&pts).unwrap();
        assert!((p.lambda - 1e6).abs() / 1e6 < 1e-6, "{p:?}");
        assert!((p.sigma - 0.08).abs() < 1e-6, "{p:?}");
        assert!((p.kappa - 0.002).abs() < 1e-7, "{p:?}");
        assert!((p.peak_n - (0.92f64 / 0.002).sqrt()).abs() < 1e-3);
        assert!(p.r2 > 0.999_999);
    }

    #[test]
    fn too_few_and_linear_scaling() {
        assert_eq!(fit(&[(1.0, 10.0), (2.0, 20.0)]).unwrap_err(), TOO_FEW);
        let p = fit(&[(1.0, 10.0), (2.0, 20.0), (4.0, 40.0)]).unwrap();
        assert!(p.sigma.abs() < 1e-9 && p.kappa.abs() < 1e-9);
        assert!(p.peak_n.is_infinite());
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"peak_n\":null"), "{json}");
    }
}
