//! Distributions of frequency, loss and control effectiveness: parameters, exact means and sampling.

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// The standard normal quantile at 0.95: a 90% interval spans ±Z95 standard deviations.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// The largest event rate accepted (events per year): beyond it a simulation would be
/// about counting events, not risk, and could run for hours.
pub const MAX_RATE: f64 = 1e4;
/// The largest amount of money accepted, so sums of many years can never overflow.
pub const MAX_AMOUNT: f64 = 1e15;
/// The widest lognormal 90% range (high / low) accepted: sigma ≈ 8.4, still far from
/// overflowing `exp` in the most extreme tail a normal sampler produces.
pub const MAX_SPREAD: f64 = 1e12;

/// A 90% confidence interval: the value is between `low` and `high` with probability 0.9.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Range90 {
    pub low: f64,
    pub high: f64,
}

/// The (mu, sigma) of the lognormal whose 5% and 95% quantiles are `low` and `high`,
/// as riskquant and Hubbard's "How to Measure Anything" do. `low == high` gives sigma 0,
/// a constant.
pub fn lognormal_params(r: Range90) -> (f64, f64) {
    let (ll, lh) = (r.low.ln(), r.high.ln());
    ((ll + lh) / 2.0, (lh - ll) / (2.0 * Z95))
}

/// A distribution of a non-negative quantity (a yearly event rate or a loss per event).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    /// A known value.
    Fixed(f64),
    /// The lognormal whose 90% interval is the range (see [`lognormal_params`]).
    LogNormal90(Range90),
    /// The textbook (Vose) PERT: a Beta(alpha, beta) on [min, max] with
    /// alpha = 1 + 4(mode−min)/(max−min) and beta = 1 + 4(max−mode)/(max−min).
    Pert { min: f64, mode: f64, max: f64 },
}

impl Dist {
    /// The exact mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::LogNormal90(r) => {
                let (mu, sigma) = lognormal_params(r);
                (mu + 0.5 * sigma * sigma).exp()
            }
            Dist::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
        }
    }

    /// `None` when the distribution is a single value, so the engine can skip drawing it.
    pub(crate) fn constant(&self) -> Option<f64> {
        match *self {
            Dist::Fixed(v) => Some(v),
            Dist::LogNormal90(r) if r.low == r.high => Some(r.low),
            Dist::Pert { min, max, .. } if min == max => Some(min),
            _ => None,
        }
    }

    /// Problems with the parameters, or `None` when the distribution is valid. No value may
    /// exceed `max` ([`MAX_RATE`] or [`MAX_AMOUNT`]).
    pub(crate) fn problem(&self, max: f64) -> Option<String> {
        let finite_nonneg = |v: f64| v.is_finite() && v >= 0.0;
        let top = match *self {
            Dist::Fixed(v) => v,
            Dist::LogNormal90(r) => r.high,
            Dist::Pert { max, .. } => max,
        };
        if top > max {
            return Some(format!("{top} is above the supported maximum {max}"));
        }
        match *self {
            Dist::Fixed(v) if !finite_nonneg(v) => {
                Some(format!("fixed value {v} must be finite and non-negative"))
            }
            Dist::Fixed(_) => None,
            Dist::LogNormal90(r) => {
                if !(r.low.is_finite() && r.high.is_finite() && r.low > 0.0) {
                    Some(format!(
                        "90% range {}..{} must be finite with low > 0 (a lognormal has no zero)",
                        r.low, r.high
                    ))
                } else if r.low > r.high {
                    Some(format!("90% range has low {} above high {}", r.low, r.high))
                } else if r.high / r.low > MAX_SPREAD {
                    Some(format!(
                        "90% range {}..{} spans more than {MAX_SPREAD:e} times (its tail would overflow)",
                        r.low, r.high
                    ))
                } else {
                    None
                }
            }
            Dist::Pert { min, mode, max } => {
                if ![min, mode, max].into_iter().all(finite_nonneg) {
                    Some(format!(
                        "PERT {min}, {mode}, {max} must be finite and non-negative"
                    ))
                } else if !(min <= mode && mode <= max) {
                    Some(format!(
                        "PERT needs min <= mode <= max, got {min}, {mode}, {max}"
                    ))
                } else {
                    None
                }
            }
        }
    }

    /// The sampler, with parameters computed once.
    pub(crate) fn sampler(&self) -> Sampler {
        if let Some(v) = self.constant() {
            return Sampler::Constant(v);
        }
        match *self {
            Dist::LogNormal90(r) => {
                let (mu, sigma) = lognormal_params(r);
                Sampler::LogNormal { mu, sigma }
            }
            Dist::Pert { min, mode, max } => {
                let w = max - min;
                Sampler::Pert {
                    min,
                    width: w,
                    alpha: 1.0 + 4.0 * (mode - min) / w,
                    beta: 1.0 + 4.0 * (max - mode) / w,
                }
            }
            Dist::Fixed(v) => Sampler::Constant(v),
        }
    }
}

/// A distribution with its sampling parameters precomputed.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Sampler {
    Constant(f64),
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Pert {
        min: f64,
        width: f64,
        alpha: f64,
        beta: f64,
    },
}

impl Sampler {
    #[inline]
    pub(crate) fn sample(&self, rng: &mut Rng) -> f64 {
        match *self {
            Sampler::Constant(v) => v,
            Sampler::LogNormal { mu, sigma } => (mu + sigma * rng.normal()).exp(),
            Sampler::Pert {
                min,
                width,
                alpha,
                beta,
            } => {
                // Beta(alpha, beta) as X/(X+Y) with X, Y independent gammas: exact.
                let x = rng.gamma(alpha);
                let y = rng.gamma(beta);
                min + width * (x / (x + y))
            }
        }
    }
}

/// How effective a control is: the fraction (0 to 1) of events it stops, or of the loss it removes.
///
/// A range is a 90% interval sampled from a piecewise-uniform distribution: 90% of the
/// mass uniform on [low, high], 5% uniform on [0, low] and 5% uniform on [high, 1]. It
/// stays inside [0, 1], puts exactly 90% between low and high, has an exact mean, and is
/// sampled by inversion of one uniform so a draw never decreases when low or high rise
/// (raising an effectiveness then lowers risk path by path, not only on average).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effectiveness {
    Fixed(f64),
    Range90(Range90),
}

impl Effectiveness {
    /// The exact mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Effectiveness::Fixed(e) => e,
            Effectiveness::Range90(Range90 { low, high }) => {
                0.05 * (low / 2.0) + 0.9 * ((low + high) / 2.0) + 0.05 * ((high + 1.0) / 2.0)
            }
        }
    }

    pub(crate) fn problem(&self) -> Option<String> {
        let unit = |v: f64| (0.0..=1.0).contains(&v);
        match *self {
            Effectiveness::Fixed(e) if !unit(e) => {
                Some(format!("effectiveness {e} must be between 0 and 1"))
            }
            Effectiveness::Range90(Range90 { low, high }) if !(unit(low) && unit(high)) => Some(
                format!("effectiveness range {low}..{high} must lie between 0 and 1"),
            ),
            Effectiveness::Range90(Range90 { low, high }) if low > high => Some(format!(
                "effectiveness range has low {low} above high {high}"
            )),
            _ => None,
        }
    }

    /// `Some` when no random draw is needed.
    pub(crate) fn constant(&self) -> Option<f64> {
        match *self {
            Effectiveness::Fixed(e) => Some(e),
            // Even low == high keeps its 5% tails, so a range always needs a draw.
            Effectiveness::Range90(_) => None,
        }
    }

    /// The quantile function at `u` in [0, 1): non-decreasing in `u`, `low` and `high`.
    #[inline]
    pub(crate) fn quantile(&self, u: f64) -> f64 {
        match *self {
            Effectiveness::Fixed(e) => e,
            Effectiveness::Range90(Range90 { low, high }) => {
                // Written as weighted sums so rounding, too, is monotone in low and high.
                if u < 0.05 {
                    low * (u / 0.05)
                } else if u < 0.95 {
                    let g = (u - 0.05) / 0.9;
                    low * (1.0 - g) + high * g
                } else {
                    let g = (u - 0.95) / 0.05;
                    high * (1.0 - g) + g
                }
            }
        }
    }
}

/// P(N > 0) for N ~ Poisson(mean), accurate for tiny means too.
pub fn poisson_p_positive(mean: f64) -> f64 {
    -(-mean).exp_m1()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alice_lognormal_parameters_match_riskquant() {
        let (mu, sigma) = lognormal_params(Range90 {
            low: 100_000.0,
            high: 1_000_000.0,
        });
        assert!((mu - 12.664218011467252).abs() < 1e-12);
        assert!((sigma - 0.699936169171963).abs() < 1e-12);
        let m = Dist::LogNormal90(Range90 {
            low: 100_000.0,
            high: 1_000_000.0,
        })
        .mean();
        assert!((m / 404_001.282_694_572_8 - 1.0).abs() < 1e-12);
    }

    fn sample_mean(d: Dist, n: usize) -> (f64, f64) {
        let s = d.sampler();
        let mut rng = Rng::stream(11, &[n as u64]);
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        (m, (v / n as f64).sqrt())
    }

    #[test]
    fn pert_sampling_matches_its_mean_and_vose_sd() {
        // reference_values.json pert_param_compare "20,100,900": Vose sd 139.386.
        let d = Dist::Pert {
            min: 20.0,
            mode: 100.0,
            max: 900.0,
        };
        assert!((d.mean() - 220.0).abs() < 1e-12);
        let (m, se) = sample_mean(d, 400_000);
        assert!((m - 220.0).abs() < 4.0 * se, "{m}");
        let sd = se * (400_000f64).sqrt();
        assert!((sd / 139.386_410_487_433_92 - 1.0).abs() < 0.01, "{sd}");
    }

    #[test]
    fn lognormal_sampling_matches_its_mean() {
        let d = Dist::LogNormal90(Range90 {
            low: 10.0,
            high: 1000.0,
        });
        let (m, se) = sample_mean(d, 1_000_000);
        assert!((m - d.mean()).abs() < 4.0 * se, "{m} vs {}", d.mean());
    }

    #[test]
    fn effectiveness_range_puts_90_percent_inside_and_has_its_mean() {
        let e = Effectiveness::Range90(Range90 {
            low: 0.5,
            high: 0.8,
        });
        let n = 1_000_000;
        let mut rng = Rng::stream(5, &[]);
        let (mut inside, mut sum) = (0u64, 0.0);
        for _ in 0..n {
            let x = e.quantile(rng.uniform());
            assert!((0.0..=1.0).contains(&x));
            inside += u64::from((0.5..=0.8).contains(&x));
            sum += x;
        }
        let frac = inside as f64 / n as f64;
        assert!(
            (frac - 0.9).abs() < 5.0 * (0.09f64 / n as f64).sqrt(),
            "{frac}"
        );
        // Var of this mixture is below 1/12, so SE < 0.29/sqrt(n).
        assert!((sum / n as f64 - e.mean()).abs() < 4.0 * 0.29 / (n as f64).sqrt());
    }
}
