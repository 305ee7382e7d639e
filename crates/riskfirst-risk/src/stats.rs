//! Summary statistics of a sample of simulated annual losses: mean, percentiles, exceedance curve.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What one roll-up's simulated annual losses look like, in the portfolio's currency.
///
/// Percentiles use the linear-interpolation estimator ("type 7" of Hyndman & Fan, NumPy's
/// default): with the sample sorted as x(0) ≤ … ≤ x(n−1) and h = (n−1)·p, the p-quantile is
/// x(⌊h⌋) + (h−⌊h⌋)·(x(⌊h⌋+1) − x(⌊h⌋)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossStats {
    /// The sample mean (the expected annual loss).
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// The fraction of simulated years with a loss above zero.
    pub p_any_loss: f64,
    /// The sample standard deviation (divisor n − 1; 0 for a single trial).
    pub std_dev: f64,
    /// The loss exceedance curve, loss ascending.
    pub lec: Vec<LecPoint>,
    /// The largest relative error of the percentiles and the curve's losses from how they
    /// were summarised: 0 when read from every year (exact), [`SKETCH_ERROR`] when read
    /// from a [`Sketch`] (a roll-up beyond the engine's memory budget). The mean, the
    /// standard deviation and `p_any_loss` are exact either way.
    #[serde(default)]
    pub percentile_error: f64,
}

/// Bits of the mantissa a [`Sketch`] bucket keeps: 2^7 buckets per power of two.
const SKETCH_BITS: u32 = 7;
const SKETCH_SHIFT: u32 = 52 - SKETCH_BITS;
/// The largest relative error of a value read from a [`Sketch`]: half a bucket, 2^-8.
pub const SKETCH_ERROR: f64 = 1.0 / (1u64 << (SKETCH_BITS + 1)) as f64;

/// A histogram of positive losses in buckets of equal relative width, for a roll-up whose
/// every year cannot be kept: a bucket is a positive `f64` with its mantissa cut to
/// [`SKETCH_BITS`] bits, so the bucket of `x` is one shift of its bits and every value read
/// back (the bucket's middle, at most the largest value seen) is within
/// [`SKETCH_ERROR`] of a value in it. Counts are integers, so the order in which values
/// arrive changes nothing. Memory: 4 bytes per bucket between the smallest and largest
/// value, about 2.9 KB a decade.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sketch {
    first: u64,
    counts: Vec<u32>,
    max: f64,
    total: u64,
}

impl Sketch {
    fn bucket(x: f64) -> u64 {
        x.to_bits() >> SKETCH_SHIFT
    }

    /// Adds a positive, finite value (others are ignored).
    pub fn insert(&mut self, x: f64) {
        if !(x > 0.0 && x.is_finite()) {
            return;
        }
        let b = Self::bucket(x);
        if self.counts.is_empty() {
            self.first = b;
            self.counts.push(0);
            self.max = x;
        } else if b < self.first {
            let grow = (self.first - b) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.first = b;
        } else if b >= self.first + self.counts.len() as u64 {
            self.counts.resize((b - self.first) as usize + 1, 0);
        }
        self.counts[(b - self.first) as usize] += 1;
        self.max = self.max.max(x);
        self.total += 1;
    }

    /// How many values it holds.
    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The value of bucket `i` (an index into `counts`).
    fn value(&self, i: usize) -> f64 {
        let b = self.first + i as u64;
        let mid = f64::from_bits((b << SKETCH_SHIFT) | (1u64 << (SKETCH_SHIFT - 1)));
        // Only the largest value clamps: a bucket's value then never falls as its
        // values fall, so a stage with lower years never reads higher.
        mid.min(self.max)
    }

    /// The order statistic `r` (0: the smallest) of the values held.
    fn order(&self, r: u64) -> f64 {
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen > r {
                return self.value(i);
            }
        }
        self.max
    }

    /// How many values exceed `t`, at the resolution of a bucket.
    fn above(&self, t: f64) -> u64 {
        self.counts
            .iter()
            .enumerate()
            .filter(|(i, _)| self.value(*i) > t)
            .map(|(_, c)| u64::from(*c))
            .sum()
    }
}

/// One point of a loss exceedance curve: the fraction of simulated years whose loss is
/// strictly greater than `loss`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LecPoint {
    pub loss: f64,
    pub probability: f64,
}

impl LossStats {
    /// The statistics of `sample`, which this reorders (partial selection, no full sort).
    ///
    /// The exceedance curve has `lec_points` losses spaced evenly in logarithm from the 1st
    /// percentile of the positive losses (below that the curve is flat at P(any loss)) to the
    /// largest loss; each probability is an exact count over the sample. It is empty when no
    /// year had a loss. Every step is a fixed sequence of operations on the sample, so equal
    /// samples give bit-identical statistics.
    pub fn from_sample(sample: &mut [f64], lec_points: usize) -> LossStats {
        let n = sample.len();
        if n == 0 {
            return LossStats::zero();
        }
        // Most years of most threats have no loss: the positive losses are moved to the
        // front in their order, and every statistic is read from them.
        let mut positive = 0;
        for i in 0..n {
            if sample[i] > 0.0 {
                sample.swap(i, positive);
                positive += 1;
            }
        }
        Self::from_positives(&mut sample[..positive], n, lec_points)
    }

    /// The statistics of a sample of `n` years whose positive losses are `positives`, in
    /// year order, and whose other years lost nothing: the same numbers, to the bit, as
    /// [`LossStats::from_sample`] on the whole sample, without its zeros in memory.
    pub fn from_positives(positives: &mut [f64], n: usize, lec_points: usize) -> LossStats {
        if n == 0 {
            return LossStats::zero();
        }
        let nf = n as f64;
        let positive = positives.len().min(n);
        let losses = &mut positives[..positive];
        // Zeros add nothing to the sum, and each adds mean² to the squared deviations.
        let mut sum = 0.0;
        for x in losses.iter() {
            sum += *x;
        }
        let mean = sum / nf;
        let zeros = n - positive;
        let std_dev = if n > 1 {
            let squares: f64 = losses.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>()
                + zeros as f64 * mean * mean;
            (squares / (nf - 1.0)).sqrt()
        } else {
            0.0
        };
        let p99 = quantile(losses, zeros, n, 0.99);
        let p95 = quantile(losses, zeros, n, 0.95);
        let p90 = quantile(losses, zeros, n, 0.90);
        let p50 = quantile(losses, zeros, n, 0.50);
        let lec = if positive == 0 || lec_points == 0 {
            Vec::new()
        } else {
            exceedance_curve(losses, n, lec_points)
        };
        LossStats {
            mean,
            p50,
            p90,
            p95,
            p99,
            p_any_loss: positive as f64 / nf,
            std_dev,
            lec,
            percentile_error: 0.0,
        }
    }

    /// The statistics of `n` years whose positive losses are in `sketch` (the other years
    /// lost nothing), with the exact `sum` and `sum_squares` of those losses: the same
    /// estimators as [`LossStats::from_positives`], each order statistic read from the
    /// sketch, so within [`SKETCH_ERROR`] of it.
    pub fn from_sketch(
        sketch: &Sketch,
        sum: f64,
        sum_squares: f64,
        n: usize,
        lec_points: usize,
    ) -> LossStats {
        if n == 0 {
            return LossStats::zero();
        }
        let nf = n as f64;
        let positive = (sketch.len() as usize).min(n);
        let zeros = n - positive;
        let mean = sum / nf;
        let std_dev = if n > 1 {
            ((sum_squares - sum * mean).max(0.0) / (nf - 1.0)).sqrt()
        } else {
            0.0
        };
        let order = |i: usize| -> f64 {
            if i < zeros {
                0.0
            } else {
                sketch.order((i - zeros) as u64)
            }
        };
        let quantile = |p: f64| -> f64 {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let frac = h - lo as f64;
            let x_lo = order(lo);
            if frac == 0.0 || lo + 1 >= n {
                return x_lo;
            }
            let x_hi = order(lo + 1);
            ((1.0 - frac) * x_lo + frac * x_hi).max(x_lo).min(x_hi)
        };
        let lec = if positive == 0 || lec_points == 0 {
            Vec::new()
        } else {
            let lo = sketch.order(((positive - 1) / 100) as u64);
            curve_losses(lo, sketch.max, lec_points)
                .into_iter()
                .map(|loss| LecPoint {
                    loss,
                    probability: sketch.above(loss) as f64 / nf,
                })
                .collect()
        };
        LossStats {
            mean,
            p50: quantile(0.50),
            p90: quantile(0.90),
            p95: quantile(0.95),
            p99: quantile(0.99),
            p_any_loss: positive as f64 / nf,
            std_dev,
            lec,
            percentile_error: SKETCH_ERROR,
        }
    }

    fn zero() -> LossStats {
        LossStats {
            mean: 0.0,
            p50: 0.0,
            p90: 0.0,
            p95: 0.0,
            p99: 0.0,
            p_any_loss: 0.0,
            std_dev: 0.0,
            lec: Vec::new(),
            percentile_error: 0.0,
        }
    }
}

/// The type-7 p-quantile of a sample of `n` values made of `zeros` zeros and the
/// `positive` values, by selection in O(positive).
fn quantile(positive: &mut [f64], zeros: usize, n: usize, p: f64) -> f64 {
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    // The order statistic `i` of the whole sample.
    let mut order = |i: usize| -> f64 {
        if i < zeros {
            0.0
        } else {
            *positive.select_nth_unstable_by(i - zeros, f64::total_cmp).1
        }
    };
    let x_lo = order(lo);
    if frac == 0.0 || lo + 1 >= n {
        return x_lo;
    }
    let x_hi = if lo + 1 < zeros {
        0.0
    } else if lo < zeros {
        // The smallest positive value.
        positive.iter().copied().fold(f64::INFINITY, f64::min)
    } else {
        // After selecting `lo`, everything right of it is at least as large.
        positive[lo - zeros + 1..]
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    };
    // This form rounds monotonically in both order statistics, and the clamp keeps the
    // result between them despite rounding, so quantiles stay ordered in p and never rise
    // when the sample falls year by year.
    ((1.0 - frac) * x_lo + frac * x_hi).max(x_lo).min(x_hi)
}

/// The losses of an exceedance curve: `points` spaced evenly in logarithm from `lo` to `max`.
fn curve_losses(lo: f64, max: f64, points: usize) -> Vec<f64> {
    if points == 1 || lo >= max {
        vec![lo]
    } else {
        let ratio = (max / lo).ln();
        (0..points)
            .map(|i| {
                if i + 1 == points {
                    max
                } else {
                    lo * (ratio * i as f64 / (points - 1) as f64).exp()
                }
            })
            .collect()
    }
}

fn exceedance_curve(positive: &mut [f64], n: usize, points: usize) -> Vec<LecPoint> {
    let max = positive.iter().copied().fold(0.0, f64::max);
    // The 1st percentile (nearest rank) of the positive losses.
    let k = (positive.len() - 1) / 100;
    let (_, lo, _) = positive.select_nth_unstable_by(k, f64::total_cmp);
    let losses = curve_losses(*lo, max, points);
    // above[j] = number of trials that exceed exactly the first j thresholds.
    let mut above = vec![0u64; losses.len() + 1];
    for &x in positive.iter() {
        above[losses.partition_point(|&t| t < x)] += 1;
    }
    let mut exceed = 0u64;
    let mut curve = vec![
        LecPoint {
            loss: 0.0,
            probability: 0.0
        };
        losses.len()
    ];
    for i in (0..losses.len()).rev() {
        exceed += above[i + 1];
        curve[i] = LecPoint {
            loss: losses[i],
            probability: exceed as f64 / n as f64,
        };
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_numpy() {
        // numpy.percentile([1..=10], [50, 90, 95, 99]) = 5.5, 9.1, 9.55, 9.91
        let mut xs: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let s = LossStats::from_sample(&mut xs, 5);
        assert_eq!(s.p50, 5.5);
        assert!((s.p90 - 9.1).abs() < 1e-12);
        assert!((s.p95 - 9.55).abs() < 1e-12);
        assert!((s.p99 - 9.91).abs() < 1e-12);
        assert_eq!(s.mean, 5.5);
        assert_eq!(s.p_any_loss, 1.0);
    }

    #[test]
    fn exceedance_counts_are_exact() {
        let mut xs = vec![0.0, 0.0, 1.0, 10.0, 100.0];
        let s = LossStats::from_sample(&mut xs, 3);
        let expect = [(1.0, 0.4), (10.0, 0.2), (100.0, 0.0)];
        assert_eq!(s.lec.len(), 3);
        for (p, (l, pr)) in s.lec.iter().zip(expect) {
            assert!((p.loss - l).abs() < 1e-9, "{p:?}");
            assert_eq!(p.probability, pr);
        }
        assert_eq!(s.p_any_loss, 0.6);
    }

    #[test]
    fn no_loss_gives_an_empty_curve() {
        let mut xs = vec![0.0; 7];
        let s = LossStats::from_sample(&mut xs, 20);
        assert!(s.lec.is_empty());
        assert_eq!(s.p99, 0.0);
    }
}
