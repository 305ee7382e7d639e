//! Statistical tests of the engine against exact values and the peers' reference numbers, with tolerances from the Monte Carlo error.
//!
//! Every bound is z = 4 standard errors (false-failure rate about 6e-5 per check); seeds
//! are fixed, so a run is reproducible either way.

mod common;

use riskfirst_risk::portfolio::{parse_scenarios, PORTFOLIO_GROUP};
use riskfirst_risk::{
    analytic_mean, analytic_p_any, simulate, Dist, Exposure, Group, LossStats, LossTerm, Member,
    Portfolio, Range90, SimConfig, Stage,
};

const Z: f64 = 4.0;

fn single(frequency: Dist, loss: Dist) -> Portfolio {
    Portfolio {
        exposures: vec![Exposure {
            key: "alice".into(),
            frequency,
            losses: vec![LossTerm {
                probability: 1.0,
                business_risk: 0,
                loss,
            }],
            controls: vec![],
        }],
        controls: vec![],
        groups: vec![Group {
            key: "org".into(),
            members: vec![Member {
                exposure: 0,
                business_risk: None,
            }],
        }],
    }
}

fn alice() -> Portfolio {
    single(
        Dist::Fixed(0.1),
        Dist::LogNormal90(Range90 {
            low: 100_000.0,
            high: 1_000_000.0,
        }),
    )
}

fn run(p: &Portfolio, trials: u64, seed: u64) -> LossStats {
    let cfg = SimConfig {
        trials,
        seed,
        ..SimConfig::default()
    };
    match simulate(p, &cfg) {
        Ok(mut r) => r.groups.remove(0).stats.inherent,
        Err(e) => panic!("simulation refused a valid portfolio: {e}"),
    }
}

fn assert_mean_within(s: &LossStats, trials: u64, exact: f64, what: &str) {
    let se = s.std_dev / (trials as f64).sqrt();
    assert!(
        (s.mean - exact).abs() <= Z * se,
        "{what}: simulated mean {} vs exact {exact} (SE {se})",
        s.mean
    );
}

fn assert_p_any_within(s: &LossStats, trials: u64, exact: f64, what: &str) {
    let se = (exact * (1.0 - exact) / trials as f64).sqrt();
    assert!(
        (s.p_any_loss - exact).abs() <= Z * se,
        "{what}: P(any) {} vs exact {exact}",
        s.p_any_loss
    );
}

#[test]
fn alice_analytic_values_are_exact() {
    let p = alice();
    let mean = analytic_mean(&p, 0, Stage::Inherent).unwrap_or(f64::NAN);
    assert!((mean / 40_400.128_269_457 - 1.0).abs() < 1e-9, "{mean}");
    let p_any = analytic_p_any(&p, 0, Stage::Inherent).unwrap_or(f64::NAN);
    assert!(
        (p_any / (1.0 - (-0.1f64).exp()) - 1.0).abs() < 1e-9,
        "{p_any}"
    );
}

#[test]
fn alice_simulation_matches_exact_values_and_the_1e8_reference() {
    let trials = 4_000_000;
    let s = run(&alice(), trials, 2026);
    assert_mean_within(&s, trials, 40_400.128_269_457, "alice");
    assert_p_any_within(&s, trials, 1.0 - (-0.1f64).exp(), "alice");

    let Some(json) = common::corpus("quant/reference_values.json") else {
        return;
    };
    let refs: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    let r = &refs["alice_1e8"];
    let get = |k: &str| {
        r[k].as_f64()
            .unwrap_or_else(|| panic!("reference_values.json alice_1e8.{k} missing"))
    };
    let (p95, p99, p995) = (get("p95"), get("p99"), get("p99.5"));
    // Order-statistic bound: the estimate of the q-quantile lies between the true
    // quantiles at q ± z·sqrt(q(1−q)/n). The quantile function is convex in this tail (the
    // density falls beyond the mode), so the chord slope to the next reference quantile
    // bounds its slope, and Q(q ± δ) lies within ref ± δ·slope. The 1e8-trial reference
    // carries its own order-statistic error, added the same way.
    let band = |q: f64, slope: f64| {
        let delta = Z * (q * (1.0 - q) / trials as f64).sqrt() + Z * (q * (1.0 - q) / 1e8).sqrt();
        delta * slope
    };
    let tol95 = band(0.95, (p99 - p95) / 0.04);
    let tol99 = band(0.99, (p995 - p99) / 0.005);
    assert!(
        (s.p95 - p95).abs() <= tol95,
        "p95 {} vs reference {p95} ± {tol95}",
        s.p95
    );
    assert!(
        (s.p99 - p99).abs() <= tol99,
        "p99 {} vs reference {p99} ± {tol99}",
        s.p99
    );
    // 90.5% of years have no loss, so the median and p90 are exactly zero.
    assert_eq!((s.p50, s.p90), (0.0, 0.0));
}

#[test]
fn portfolio_100_mean_matches_its_analytic_mean() {
    let Some(json) = common::corpus("quant/portfolio-100.json") else {
        return;
    };
    let p = match parse_scenarios(&json) {
        Ok(p) => p,
        Err(e) => panic!("portfolio-100.json does not parse: {e}"),
    };
    assert_eq!(p.exposures.len(), 100);
    // The analytic mean computed independently of the crate, from the raw JSON.
    let raw: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    let exact: f64 = raw["scenarios"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let f = |k: &str| s[k].as_f64().unwrap_or(f64::NAN);
                    let (mu, sigma) = (
                        (f("low").ln() + f("high").ln()) / 2.0,
                        (f("high") / f("low")).ln() / 3.289_707_253_902_944_5,
                    );
                    f("freq") * (mu + sigma * sigma / 2.0).exp()
                })
                .sum()
        })
        .unwrap_or(f64::NAN);
    let trials = 300_000;
    let cfg = SimConfig {
        trials,
        seed: 7,
        ..SimConfig::default()
    };
    let r = match simulate(&p, &cfg) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let g = &r.groups[0];
    assert_eq!(g.key, PORTFOLIO_GROUP);
    assert!(
        (g.analytic_mean.inherent / exact - 1.0).abs() < 1e-12,
        "{} vs {exact}",
        g.analytic_mean.inherent
    );
    assert_mean_within(&g.stats.inherent, trials, exact, "portfolio-100");
}

#[test]
fn random_rate_path_matches_exact_mean_and_p_any() {
    // A PERT rate is drawn per year, so this exercises the per-year path; P(N > 0) is
    // E[1 − exp(−λ)], integrated here over the Beta density by Simpson's rule.
    let (min, mode, max) = (0.2, 0.5, 2.0);
    let p = single(
        Dist::Pert { min, mode, max },
        Dist::LogNormal90(Range90 {
            low: 1_000.0,
            high: 50_000.0,
        }),
    );
    let (a, b) = (
        1.0 + 4.0 * (mode - min) / (max - min),
        1.0 + 4.0 * (max - mode) / (max - min),
    );
    let steps = 20_000;
    let (mut norm, mut acc) = (0.0, 0.0);
    for i in 0..=steps {
        let x = i as f64 / steps as f64;
        let w = if i == 0 || i == steps {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        let dens = x.powf(a - 1.0) * (1.0 - x).powf(b - 1.0);
        norm += w * dens;
        acc += w * dens * -(-(min + (max - min) * x)).exp_m1();
    }
    let p_any = acc / norm;
    let trials = 400_000;
    let s = run(&p, trials, 99);
    let exact = analytic_mean(&p, 0, Stage::Inherent).unwrap_or(f64::NAN);
    assert_mean_within(&s, trials, exact, "pert rate");
    assert_p_any_within(&s, trials, p_any, "pert rate");
}

#[test]
fn sparse_lognormal_rate_path_matches_exact_mean_and_p_any() {
    // A lognormal rate with mostly quiet years takes the path that visits only the years
    // with events. P(N > 0) = E[1 − exp(−λ)] is integrated here independently, by
    // Simpson's rule over log λ, and the count distribution is checked through the mean
    // (exact) and P(any) (binomial error).
    for (low, high, seed) in [(0.005, 0.05, 3), (0.02, 0.4, 5), (0.001, 0.1, 8)] {
        let p = single(
            Dist::LogNormal90(Range90 { low, high }),
            Dist::LogNormal90(Range90 {
                low: 10_000.0,
                high: 1_000_000.0,
            }),
        );
        let (mu, sigma) = riskfirst_risk::lognormal_params(Range90 { low, high });
        let steps = 20_000;
        let (a, b) = (-10.0, 10.0);
        let h = (b - a) / steps as f64;
        let mut acc = 0.0;
        for i in 0..=steps {
            let z = a + h * i as f64;
            let w = if i == 0 || i == steps {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
            acc += w * density * -(-(mu + sigma * z).exp()).exp_m1();
        }
        let p_any = acc * h / 3.0;
        let trials = 400_000;
        let s = run(&p, trials, seed);
        let exact = analytic_mean(&p, 0, Stage::Inherent).unwrap_or(f64::NAN);
        assert_mean_within(&s, trials, exact, "sparse lognormal rate");
        assert_p_any_within(&s, trials, p_any, "sparse lognormal rate");
    }
}

#[test]
fn poissonized_and_per_year_paths_agree_with_the_poisson_law() {
    // A fixed rate (Poissonized chunks) at a rate where several events per year are common,
    // over a trial count that is not a multiple of the chunk: P(any) and the mean are exact.
    for (rate, trials) in [(2.5, 250_001u64), (0.01, 1_000_003)] {
        let p = single(Dist::Fixed(rate), Dist::Fixed(1.0));
        let s = run(&p, trials, 5);
        // With a unit loss the annual loss is the event count: its SE is sqrt(rate/n).
        let se = (rate / trials as f64).sqrt();
        assert!(
            (s.mean - rate).abs() <= Z * se,
            "rate {rate}: mean count {}",
            s.mean
        );
        assert_p_any_within(&s, trials, -(-rate).exp_m1(), "fixed rate");
        // The count's variance equals its mean for a Poisson law.
        let var = s.std_dev * s.std_dev;
        assert!(
            (var / rate - 1.0).abs() < Z * (2.0 / trials as f64).sqrt() * (1.0 + 1.0 / rate).sqrt(),
            "var {var}"
        );
    }
    // The same law through the per-year path: a PERT with a hair-thin spread is not
    // constant, so the rate is drawn each year.
    let p = single(
        Dist::Pert {
            min: 2.5 - 1e-9,
            mode: 2.5,
            max: 2.5 + 1e-9,
        },
        Dist::Fixed(1.0),
    );
    let trials = 250_001;
    let s = run(&p, trials, 5);
    assert!(
        (s.mean - 2.5).abs() <= Z * (2.5 / trials as f64).sqrt(),
        "per-year mean {}",
        s.mean
    );
    assert_p_any_within(&s, trials, -(-2.5f64).exp_m1(), "per-year");
}

#[test]
fn controls_reduce_each_stage_to_its_exact_mean() {
    use riskfirst_risk::{ControlEffect, ControlSpec, Effectiveness, Reduces};
    // One exposure, two loss terms, a frequency control in place (ranged effectiveness,
    // drawn per event) and a planned loss control: every stage's simulated mean must match
    // its own analytic mean, and P(any) the thinned Poisson law.
    let mut p = single(
        Dist::Fixed(3.0),
        Dist::LogNormal90(Range90 {
            low: 1_000.0,
            high: 20_000.0,
        }),
    );
    p.exposures[0].losses.push(LossTerm {
        probability: 1.0,
        business_risk: 1,
        loss: Dist::Pert {
            min: 0.0,
            mode: 500.0,
            max: 4_000.0,
        },
    });
    p.controls = vec![
        ControlSpec {
            key: "waf".into(),
            stage: Some(Stage::Current),
            cost_once: 0.0,
            cost_yearly: 0.0,
        },
        ControlSpec {
            key: "backup".into(),
            stage: Some(Stage::Projected),
            cost_once: 0.0,
            cost_yearly: 0.0,
        },
    ];
    p.exposures[0].controls = vec![
        ControlEffect {
            control: 0,
            reduces: Reduces::Frequency,
            effectiveness: Effectiveness::Range90(Range90 {
                low: 0.5,
                high: 0.8,
            }),
        },
        ControlEffect {
            control: 1,
            reduces: Reduces::Loss,
            effectiveness: Effectiveness::Fixed(0.4),
        },
    ];
    p.groups.push(Group {
        key: "br1".into(),
        members: vec![Member {
            exposure: 0,
            business_risk: Some(1),
        }],
    });
    let trials = 400_000;
    let r = match simulate(
        &p,
        &SimConfig {
            trials,
            seed: 3,
            ..SimConfig::default()
        },
    ) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let keep_f = 1.0
        - Effectiveness::Range90(Range90 {
            low: 0.5,
            high: 0.8,
        })
        .mean();
    let loss_mean = Dist::LogNormal90(Range90 {
        low: 1_000.0,
        high: 20_000.0,
    })
    .mean()
        + 1_000.0;
    let expected = [
        3.0 * loss_mean,
        3.0 * keep_f * loss_mean,
        3.0 * keep_f * loss_mean * 0.6,
    ];
    for (stage, exact) in Stage::ALL.into_iter().zip(expected) {
        let g = &r.groups[0];
        assert!(
            (g.analytic_mean.get(stage) / exact - 1.0).abs() < 1e-12,
            "{stage:?}"
        );
        assert_mean_within(g.stats.get(stage), trials, exact, &format!("{stage:?}"));
        let p_any = analytic_p_any(&p, 0, stage).unwrap_or(f64::NAN);
        assert_p_any_within(g.stats.get(stage), trials, p_any, &format!("{stage:?}"));
    }
    assert!(r.groups[0].stats.projected.mean < 0.5 * r.groups[0].stats.inherent.mean);
    // The business-risk roll-up sees only the PERT term: mean (0 + 4·500 + 4000)/6 = 1000.
    let br = &r.groups[1];
    assert_mean_within(&br.stats.inherent, trials, 3.0 * 1_000.0, "br1");
}
