//! Sweep expansion: `[sweep]` axes into concrete points, in a fixed order.

use crate::distribution::Skew;
use crate::spec::{Spec, Sweep, Threads};
use crate::units::Ratio;

/// One concrete configuration of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Reader threads.
    pub readers: usize,
    /// Writer threads (= writer partitions).
    pub writers: usize,
    /// The spec with this point's axis values applied, its threads set to
    /// `readers`/`writers` and its sweep cleared.
    pub spec: Spec,
    /// The swept ratio this point's threads were split by (`None`: ratios are not swept).
    pub ratio: Option<Ratio>,
    /// The swept θ (`None`: not swept).
    pub theta: Option<f64>,
    /// The swept hot fraction (`None`: not swept).
    pub hot_fraction: Option<f64>,
    /// The swept batch size (`None`: not swept).
    pub batch_size: Option<usize>,
    /// A short label such as `r=3 w=1 theta=0.99`, naming the thread split and every swept axis
    /// (for display: the fields above are the values).
    pub label: String,
}

impl Spec {
    /// The points of the sweep: the Cartesian product of its axes, outermost first in the order
    /// threads (or writers), ratios, theta, hot_fraction, batch_size. A spec without a sweep gives
    /// one point.
    pub fn points(&self) -> Vec<Point> {
        let sw = &self.sweep;
        let base_ratio = self.threads.effective_ratio();
        let (base_r, base_w) = self.threads.counts();
        let total = base_r + base_w;
        let mut splits: Vec<(usize, usize, Option<Ratio>)> = Vec::new();
        if !sw.writers.is_empty() {
            splits.extend(sw.writers.iter().map(|&w| (base_r, w, None)));
        } else {
            for t in axis(&sw.threads) {
                for ratio in axis(&sw.ratios) {
                    let (r, w) = match (t, ratio) {
                        (None, None) => (base_r, base_w),
                        (Some(t), r) => r.unwrap_or(base_ratio).split(t),
                        (None, Some(r)) => r.split(total),
                    };
                    splits.push((r, w, ratio));
                }
            }
        }
        let mut out = Vec::new();
        for (readers, writers, ratio) in splits {
            for theta in axis(&sw.theta) {
                for hot in axis(&sw.hot_fraction) {
                    for batch in axis(&sw.batch_size) {
                        let mut spec = self.clone();
                        spec.sweep = Sweep::default();
                        spec.threads = Threads {
                            readers: Some(readers),
                            writers: Some(writers),
                            total: None,
                            ratio: None,
                        };
                        let mut label = format!("r={readers} w={writers}");
                        if let Some(theta) = theta {
                            set_theta(&mut spec.readers.skew, theta);
                            set_theta(&mut spec.writers.skew, theta);
                            label += &format!(" theta={theta}");
                        }
                        if let Some(hot) = hot {
                            set_hot(&mut spec.readers.skew, hot);
                            set_hot(&mut spec.writers.skew, hot);
                            label += &format!(" hot={hot}");
                        }
                        if let Some(batch) = batch {
                            spec.writers.batch_size = batch;
                            label += &format!(" batch={batch}");
                        }
                        out.push(Point {
                            readers,
                            writers,
                            spec,
                            ratio,
                            theta,
                            hot_fraction: hot,
                            batch_size: batch,
                            label,
                        });
                    }
                }
            }
        }
        out
    }
}

/// An axis's values, or a single "not swept" entry.
fn axis<T: Copy>(values: &[T]) -> Vec<Option<T>> {
    if values.is_empty() {
        vec![None]
    } else {
        values.iter().copied().map(Some).collect()
    }
}

fn set_theta(skew: &mut Skew, value: f64) {
    if let Skew::Zipf { theta, .. } | Skew::Latest { theta } = skew {
        *theta = value;
    }
}

fn set_hot(skew: &mut Skew, value: f64) {
    if let Skew::Hotspot { hot_fraction, .. } = skew {
        *hot_fraction = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sweep_is_one_point() {
        let s = Spec::preset("worst-case").unwrap();
        let p = s.points();
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].readers, p[0].writers), s.threads.counts());
        assert!(p[0].spec.sweep.is_empty());
    }

    #[test]
    fn a_writers_axis_keeps_the_readers() {
        let s = Spec::preset("writers-sweep").unwrap();
        let p: Vec<(usize, usize)> = s.points().iter().map(|p| (p.readers, p.writers)).collect();
        assert_eq!(p, [(2, 1), (2, 2), (2, 4), (2, 8)]);
        let mut both = s.clone();
        both.sweep.threads = vec![4];
        assert_eq!(
            both.validate().unwrap_err().field(),
            Some("sweep.writers"),
            "a writers axis with a threads axis"
        );
    }

    #[test]
    fn axes_expand_as_a_product_in_order() {
        let mut s = Spec::preset("pattern-d").unwrap();
        s.sweep = Sweep {
            threads: vec![2, 4],
            theta: vec![0.5, 0.99],
            batch_size: vec![1, 16, 64],
            ..Sweep::default()
        };
        let p = s.points();
        assert_eq!(p.len(), 12);
        assert_eq!(p[0].label, "r=1 w=1 theta=0.5 batch=1");
        assert_eq!(p[1].label, "r=1 w=1 theta=0.5 batch=16");
        assert_eq!(p[11].label, "r=3 w=1 theta=0.99 batch=64");
        assert_eq!(p[11].spec.readers.skew.theta(), Some(0.99));
        assert_eq!(p[11].spec.writers.batch_size, 64);
        assert_eq!(
            (
                p[11].theta,
                p[11].batch_size,
                p[11].hot_fraction,
                p[11].ratio
            ),
            (Some(0.99), Some(64), None, None)
        );
        s.validate().unwrap();
    }
}
