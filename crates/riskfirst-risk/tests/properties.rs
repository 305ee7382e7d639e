//! Property tests of the engine's invariants: non-negative and ordered statistics, stage monotonicity, more control never more risk, determinism.

use proptest::prelude::*;

use riskfirst_risk::{
    simulate, ControlEffect, ControlSpec, Dist, Effectiveness, Exposure, Group, LossStats,
    LossTerm, Member, Portfolio, Range90, Reduces, SimConfig, SimResult, Stage,
};

fn dist_strategy(rate: bool) -> impl Strategy<Value = Dist> {
    let scale = if rate { 1.0 } else { 1_000.0 };
    prop_oneof![
        (0.0..3.0f64).prop_map(move |v| Dist::Fixed(v * scale)),
        (0.05..2.0f64, 1.0..30.0f64).prop_map(move |(low, ratio)| Dist::LogNormal90(Range90 {
            low: low * scale,
            high: low * ratio * scale
        })),
        (0.0..1.0f64, 0.0..1.0f64, 0.0..3.0f64).prop_map(move |(a, b, c)| {
            let min = a * scale;
            let mode = min + b * scale;
            Dist::Pert {
                min,
                mode,
                max: mode + c * scale,
            }
        }),
    ]
}

fn effectiveness_strategy() -> impl Strategy<Value = Effectiveness> {
    prop_oneof![
        (0.0..=1.0f64).prop_map(Effectiveness::Fixed),
        (0.0..=1.0f64, 0.0..=1.0f64).prop_map(|(a, b)| Effectiveness::Range90(Range90 {
            low: a.min(b),
            high: a.max(b)
        })),
    ]
}

fn stage_strategy() -> impl Strategy<Value = Option<Stage>> {
    prop_oneof![
        Just(None),
        Just(Some(Stage::Inherent)),
        Just(Some(Stage::Current)),
        Just(Some(Stage::Projected))
    ]
}

prop_compose! {
    fn exposure_strategy(n_controls: usize)(
        frequency in dist_strategy(true),
        losses in prop::collection::vec((0..3usize, dist_strategy(false)), 1..3),
        effects in prop::collection::vec((0..n_controls, any::<bool>(), effectiveness_strategy()), 0..4),
    ) -> Exposure {
        let mut controls: Vec<ControlEffect> = Vec::new();
        for (control, freq, effectiveness) in effects {
            let reduces = if freq { Reduces::Frequency } else { Reduces::Loss };
            if !controls.iter().any(|c| c.control == control && c.reduces == reduces) {
                controls.push(ControlEffect { control, reduces, effectiveness });
            }
        }
        Exposure {
            key: String::new(),
            frequency,
            losses: losses.into_iter().map(|(business_risk, loss)| LossTerm { business_risk, loss, probability: 1.0 }).collect(),
            controls,
        }
    }
}

prop_compose! {
    /// A small estate: exposures with controls in every stage, an organisation group, one
    /// group per exposure and one per business risk.
    fn portfolio_strategy()(stages in prop::collection::vec(stage_strategy(), 1..4))(
        exposures in prop::collection::vec(exposure_strategy(stages.len()), 1..5),
        stages in Just(stages),
    ) -> Portfolio {
        let exposures: Vec<Exposure> = exposures
            .into_iter()
            .enumerate()
            .map(|(i, mut e)| {
                e.key = format!("T{:03}@component-{}", (i * 37) % 11, i);
                e
            })
            .collect();
        let controls = stages
            .into_iter()
            .enumerate()
            .map(|(i, stage)| ControlSpec { key: format!("control-{i}"), stage, cost_once: 10.0, cost_yearly: 1.0 })
            .collect();
        let mut groups = vec![Group {
            key: "org".into(),
            members: (0..exposures.len()).map(|exposure| Member { exposure, business_risk: None }).collect(),
        }];
        for (i, e) in exposures.iter().enumerate() {
            groups.push(Group { key: e.key.clone(), members: vec![Member { exposure: i, business_risk: None }] });
        }
        for b in 0..3 {
            let members: Vec<Member> = exposures
                .iter()
                .enumerate()
                .filter(|(_, e)| e.losses.iter().any(|t| t.business_risk == b))
                .map(|(exposure, _)| Member { exposure, business_risk: Some(b) })
                .collect();
            if !members.is_empty() {
                groups.push(Group { key: format!("business-risk-{b}"), members });
            }
        }
        Portfolio { exposures, controls, groups }
    }
}

fn sim(p: &Portfolio, trials: u64, seed: u64) -> Result<SimResult, TestCaseError> {
    let cfg = SimConfig {
        trials,
        seed,
        lec_points: 8,
        ..SimConfig::default()
    };
    simulate(p, &cfg).map_err(|e| TestCaseError::fail(format!("valid portfolio refused: {e}")))
}

/// The statistics that must not rise when losses fall year by year. The standard deviation
/// is left out on purpose: a control that removes some years' losses can widen the spread.
fn key_numbers(s: &LossStats) -> [f64; 6] {
    [s.mean, s.p50, s.p90, s.p95, s.p99, s.p_any_loss]
}

fn assert_not_above(lower: &SimResult, upper: &SimResult, what: &str) -> Result<(), TestCaseError> {
    for (l, u) in lower.groups.iter().zip(&upper.groups) {
        for stage in Stage::ALL {
            let (a, b) = (
                key_numbers(l.stats.get(stage)),
                key_numbers(u.stats.get(stage)),
            );
            for (x, y) in a.iter().zip(b) {
                prop_assert!(*x <= y, "{what}: group {} {stage:?}: {a:?} vs {b:?}", l.key);
            }
            prop_assert!(
                l.analytic_mean.get(stage) <= u.analytic_mean.get(stage),
                "{what}: analytic mean rose"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn statistics_are_non_negative_ordered_and_fall_by_stage(p in portfolio_strategy(), seed in any::<u64>(), trials in 1..9000u64) {
        let r = sim(&p, trials, seed)?;
        prop_assert_eq!(r.groups.len(), p.groups.len());
        for g in &r.groups {
            for stage in Stage::ALL {
                let s = g.stats.get(stage);
                prop_assert!(s.mean >= 0.0 && s.p50 >= 0.0 && s.std_dev >= 0.0, "negative loss: {:?}", s);
                prop_assert!(s.p50 <= s.p90 && s.p90 <= s.p95 && s.p95 <= s.p99, "quantiles out of order: {:?}", s);
                prop_assert!((0.0..=1.0).contains(&s.p_any_loss));
                for w in s.lec.windows(2) {
                    prop_assert!(w[0].loss <= w[1].loss && w[0].probability >= w[1].probability, "{:?}", s.lec);
                }
                prop_assert!(s.lec.iter().all(|pt| pt.probability <= s.p_any_loss));
            }
            let (i, c, pr) = (key_numbers(&g.stats.inherent), key_numbers(&g.stats.current), key_numbers(&g.stats.projected));
            for k in 0..6 {
                prop_assert!(i[k] >= c[k] && c[k] >= pr[k], "group {}: inherent {:?} current {:?} projected {:?}", g.key, i, c, pr);
            }
        }
    }

    #[test]
    fn adding_a_control_never_raises_risk(
        p in portfolio_strategy(),
        seed in any::<u64>(),
        target in any::<prop::sample::Index>(),
        freq in any::<bool>(),
        effectiveness in effectiveness_strategy(),
        stage in stage_strategy(),
    ) {
        let mut more = p.clone();
        more.controls.push(ControlSpec { key: "added".into(), stage, cost_once: 0.0, cost_yearly: 0.0 });
        let e = target.index(more.exposures.len());
        let reduces = if freq { Reduces::Frequency } else { Reduces::Loss };
        more.exposures[e].controls.push(ControlEffect { control: more.controls.len() - 1, reduces, effectiveness });
        let (before, after) = (sim(&p, 3000, seed)?, sim(&more, 3000, seed)?);
        assert_not_above(&after, &before, "added control")?;
    }

    #[test]
    fn raising_an_effectiveness_never_raises_risk(
        p in portfolio_strategy(),
        seed in any::<u64>(),
        target in any::<prop::sample::Index>(),
        up in 0.0..1.0f64,
    ) {
        let mut better = p.clone();
        let effects: Vec<(usize, usize)> = better
            .exposures
            .iter()
            .enumerate()
            .flat_map(|(i, e)| (0..e.controls.len()).map(move |j| (i, j)))
            .collect();
        prop_assume!(!effects.is_empty());
        let (i, j) = effects[target.index(effects.len())];
        let eff = &mut better.exposures[i].controls[j].effectiveness;
        *eff = match *eff {
            Effectiveness::Fixed(v) => Effectiveness::Fixed(v + (1.0 - v) * up),
            Effectiveness::Range90(Range90 { low, high }) => {
                Effectiveness::Range90(Range90 { low: low + (high - low) * up, high: high + (1.0 - high) * up })
            }
        };
        let (before, after) = (sim(&p, 3000, seed)?, sim(&better, 3000, seed)?);
        assert_not_above(&after, &before, "raised effectiveness")?;
    }

    #[test]
    fn output_bytes_do_not_depend_on_threads_or_exposure_order(
        p in portfolio_strategy(),
        seed in any::<u64>(),
        perm_seed in any::<u64>(),
    ) {
        // More than one chunk, so two threads really split the work.
        let trials = 3 * 4096 + 17;
        let run_in = |threads: usize, p: &Portfolio| -> Result<String, TestCaseError> {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let r = pool.install(|| sim(p, trials, seed))?;
            serde_json::to_string(&r).map_err(|e| TestCaseError::fail(e.to_string()))
        };
        let one = run_in(1, &p)?;
        let two = run_in(2, &p)?;
        prop_assert!(one == two, "1 and 2 threads differ");

        // Shuffle the exposures (a seeded Fisher-Yates) and re-point every reference.
        let n = p.exposures.len();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut s = perm_seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut shuffled = p.clone();
        // perm[new] = old
        shuffled.exposures = perm.iter().map(|&old| p.exposures[old].clone()).collect();
        let new_of: Vec<usize> = {
            let mut v = vec![0; n];
            for (new, &old) in perm.iter().enumerate() {
                v[old] = new;
            }
            v
        };
        for g in &mut shuffled.groups {
            for m in &mut g.members {
                m.exposure = new_of[m.exposure];
            }
        }
        let moved = run_in(2, &shuffled)?;
        prop_assert!(one == moved, "exposure order changed the output");
    }
}

#[test]
fn a_different_seed_gives_different_numbers() {
    // Guards the determinism test against a seed that is silently ignored.
    let p = Portfolio {
        exposures: vec![Exposure {
            key: "x".into(),
            frequency: Dist::Fixed(1.0),
            losses: vec![LossTerm {
                probability: 1.0,
                business_risk: 0,
                loss: Dist::LogNormal90(Range90 {
                    low: 1.0,
                    high: 10.0,
                }),
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
    };
    let a = simulate(
        &p,
        &SimConfig {
            trials: 1000,
            seed: 1,
            ..SimConfig::default()
        },
    )
    .map(|r| r.groups[0].stats.inherent.mean);
    let b = simulate(
        &p,
        &SimConfig {
            trials: 1000,
            seed: 2,
            ..SimConfig::default()
        },
    )
    .map(|r| r.groups[0].stats.inherent.mean);
    assert!(a.is_ok() && a != b, "{a:?} {b:?}");
}

#[test]
fn invalid_inputs_are_errors_not_panics() {
    let base = |loss: Dist, freq: Dist| Portfolio {
        exposures: vec![Exposure {
            key: "x".into(),
            frequency: freq,
            losses: vec![LossTerm {
                probability: 1.0,
                business_risk: 0,
                loss,
            }],
            controls: vec![ControlEffect {
                control: 0,
                reduces: Reduces::Loss,
                effectiveness: Effectiveness::Fixed(0.5),
            }],
        }],
        controls: vec![ControlSpec {
            key: "c".into(),
            stage: Some(Stage::Current),
            cost_once: 0.0,
            cost_yearly: 0.0,
        }],
        groups: vec![Group {
            key: "org".into(),
            members: vec![Member {
                exposure: 0,
                business_risk: None,
            }],
        }],
    };
    let ok = Dist::LogNormal90(Range90 {
        low: 1.0,
        high: 10.0,
    });
    let bad_dists = [
        Dist::LogNormal90(Range90 {
            low: 10.0,
            high: 1.0,
        }),
        Dist::LogNormal90(Range90 {
            low: f64::NAN,
            high: 1.0,
        }),
        Dist::LogNormal90(Range90 {
            low: -1.0,
            high: 1.0,
        }),
        Dist::Fixed(-3.0),
        Dist::Fixed(f64::INFINITY),
        Dist::Pert {
            min: 3.0,
            mode: 1.0,
            max: 4.0,
        },
    ];
    for d in bad_dists {
        assert!(base(d, Dist::Fixed(1.0)).validate().is_err(), "loss {d:?}");
        assert!(base(ok, d).validate().is_err(), "frequency {d:?}");
        assert!(simulate(&base(d, Dist::Fixed(1.0)), &SimConfig::default()).is_err());
    }
    let mut p = base(ok, Dist::Fixed(1.0));
    assert!(p.validate().is_ok());
    p.exposures[0].controls[0].effectiveness = Effectiveness::Fixed(1.5);
    p.exposures[0].controls.push(ControlEffect {
        control: 7,
        reduces: Reduces::Loss,
        effectiveness: Effectiveness::Fixed(0.1),
    });
    p.groups[0].members.push(Member {
        exposure: 3,
        business_risk: None,
    });
    p.groups[0].members.push(Member {
        exposure: 0,
        business_risk: Some(0),
    });
    p.controls[0].cost_yearly = f64::NAN;
    match p.validate() {
        Err(riskfirst_risk::RiskError::Invalid(problems)) => {
            assert_eq!(problems.len(), 5, "{problems:?}")
        }
        other => panic!("expected every problem, got {other:?}"),
    }
    assert!(simulate(
        &base(ok, Dist::Fixed(1.0)),
        &SimConfig {
            trials: 0,
            ..SimConfig::default()
        }
    )
    .is_err());
}

#[test]
fn groups_beyond_the_memory_budget_are_sketched_within_its_error() {
    // Every event is drawn once and added to every group it belongs to. Groups whose years
    // fit the memory budget keep them all (exact percentiles); the others are summarised by
    // a sketch: the same mean, probability of a loss and standard deviation, percentiles
    // within the sketch's stated relative error.
    let exposures: Vec<Exposure> = (0..40)
        .map(|i| Exposure {
            key: format!("threat-{i}"),
            frequency: if i % 3 == 0 {
                Dist::Pert {
                    min: 0.1,
                    mode: 0.5,
                    max: 2.0,
                }
            } else {
                Dist::Fixed(0.3)
            },
            losses: vec![LossTerm {
                probability: 1.0,
                business_risk: i % 2,
                loss: Dist::LogNormal90(Range90 {
                    low: 1e3,
                    high: 1e5,
                }),
            }],
            controls: vec![ControlEffect {
                control: i % 2,
                reduces: Reduces::Frequency,
                effectiveness: Effectiveness::Range90(Range90 {
                    low: 0.2,
                    high: 0.6,
                }),
            }],
        })
        .collect();
    let mut groups = vec![Group {
        key: "org".into(),
        members: (0..40)
            .map(|exposure| Member {
                exposure,
                business_risk: None,
            })
            .collect(),
    }];
    // Each exposure's own group twice: whole (`g`) and through its one loss term's
    // business risk (`h`). They hold the same years, so they must agree to the bit.
    groups.extend((0..40).map(|i| Group {
        key: format!("g{i}"),
        members: vec![Member {
            exposure: i,
            business_risk: None,
        }],
    }));
    groups.extend((0..40).map(|i| Group {
        key: format!("h{i}"),
        members: vec![Member {
            exposure: i,
            business_risk: Some(i % 2),
        }],
    }));
    let p = Portfolio {
        exposures,
        controls: vec![
            ControlSpec {
                key: "a".into(),
                stage: Some(Stage::Current),
                cost_once: 0.0,
                cost_yearly: 0.0,
            },
            ControlSpec {
                key: "b".into(),
                stage: Some(Stage::Projected),
                cost_once: 0.0,
                cost_yearly: 0.0,
            },
        ],
        groups,
    };
    let big = SimConfig {
        trials: 10_000,
        seed: 4,
        ..SimConfig::default()
    };
    let none = SimConfig {
        memory_budget: 0,
        ..big.clone()
    };
    let calls = std::sync::Mutex::new(Vec::new());
    let progress = |done: u64, total: u64| {
        calls
            .lock()
            .map(|mut c| c.push((done, total)))
            .unwrap_or(())
    };
    let exact = simulate(&p, &big).expect("valid");
    let sketched =
        riskfirst_risk::simulate_with_progress(&p, &none, Some(&progress)).expect("valid");
    // One pass over the years, reported chunk by chunk up to the whole.
    let calls = calls.into_inner().unwrap_or_default();
    assert_eq!(calls.iter().map(|c| c.0).max(), Some(10_000));
    assert!(calls.iter().all(|c| c.1 == 10_000));
    for (a, b) in exact.groups.iter().zip(&sketched.groups) {
        for stage in Stage::ALL {
            let (x, y) = (a.stats.get(stage), b.stats.get(stage));
            assert_eq!(x.percentile_error, 0.0, "{}", a.key);
            assert_eq!(
                y.percentile_error,
                riskfirst_risk::SKETCH_ERROR,
                "{}",
                a.key
            );
            assert_eq!(x.p_any_loss, y.p_any_loss, "{}", a.key);
            let close = |u: f64, v: f64, tol: f64| (u - v).abs() <= tol * u.abs().max(1e-300);
            assert!(
                close(x.mean, y.mean, 1e-12),
                "{}: {} vs {}",
                a.key,
                x.mean,
                y.mean
            );
            assert!(close(x.std_dev, y.std_dev, 1e-9), "{}", a.key);
            for (u, v) in [
                (x.p50, y.p50),
                (x.p90, y.p90),
                (x.p95, y.p95),
                (x.p99, y.p99),
            ] {
                // Interpolation between two order statistics, each within the error.
                assert!(
                    close(u, v, riskfirst_risk::SKETCH_ERROR),
                    "{}: {u} vs {v}",
                    a.key
                );
            }
            assert_eq!(x.lec.len(), y.lec.len(), "{}", a.key);
        }
    }
    // A budget for the organisation alone keeps it exact and sketches the rest.
    let org_only = SimConfig {
        memory_budget: 3 * 10_000 * 8,
        ..big.clone()
    };
    let r = simulate(&p, &org_only).expect("valid");
    assert_eq!(r.groups[0].stats, exact.groups[0].stats);
    assert!(r.groups[1..]
        .iter()
        .all(|g| g.stats.current.percentile_error > 0.0));
    for i in 0..40 {
        let g = &exact.groups[1 + i];
        let h = &exact.groups[41 + i];
        assert_eq!(g.key, format!("g{i}"));
        assert_eq!(
            serde_json::to_string(&g.stats).unwrap_or_default(),
            serde_json::to_string(&h.stats).unwrap_or_default(),
            "exposure {i}: the whole exposure and its one business risk differ"
        );
        assert!(g.stats.current.p_any_loss > 0.0);
    }
}
