//! Tests of ROSI and budget plans: a hand-computed optimum, budget and frontier invariants, exact ≥ greedy.

use proptest::prelude::*;

use riskfirst_risk::plan::{plan, plan_with_method, rosi, PlanMethod};
use riskfirst_risk::{
    ControlEffect, ControlSpec, Dist, Effectiveness, Exposure, Group, LossTerm, Member, Portfolio,
    Reduces, SimConfig, Stage,
};

fn exposure(key: &str, rate: f64, loss: f64, controls: Vec<ControlEffect>) -> Exposure {
    Exposure {
        key: key.into(),
        frequency: Dist::Fixed(rate),
        losses: vec![LossTerm {
            probability: 1.0,
            business_risk: 0,
            loss: Dist::Fixed(loss),
        }],
        controls,
    }
}

fn effect(control: usize, reduces: Reduces, e: f64) -> ControlEffect {
    ControlEffect {
        control,
        reduces,
        effectiveness: Effectiveness::Fixed(e),
    }
}

fn control(key: &str, stage: Option<Stage>, cost_once: f64, cost_yearly: f64) -> ControlSpec {
    ControlSpec {
        key: key.into(),
        stage,
        cost_once,
        cost_yearly,
    }
}

/// Two exposures of expected annual loss 1,000 each:
/// A: 1 event/year × 1,000; B: 2 events/year × 500.
/// c0 frequency on A, e 0.5, costs 100  → removes 500
/// c1 loss on A,      e 0.5, costs 150  → removes 500 alone, 250 after c0
/// c2 frequency on B, e 0.9, costs 300  → removes 900
/// c3 loss on B,      e 0.1, costs 10   → removes 100 alone, 10 after c2
/// c4 loss on A,      e 0.05, costs 80  → removes 50: not worth its cost
fn hand_case() -> Portfolio {
    use Reduces::{Frequency, Loss};
    Portfolio {
        exposures: vec![
            exposure(
                "A",
                1.0,
                1_000.0,
                vec![
                    effect(0, Frequency, 0.5),
                    effect(1, Loss, 0.5),
                    effect(4, Loss, 0.05),
                ],
            ),
            exposure(
                "B",
                2.0,
                500.0,
                vec![effect(2, Frequency, 0.9), effect(3, Loss, 0.1)],
            ),
        ],
        controls: vec![
            control("c0", None, 100.0, 0.0),
            control("c1", None, 150.0, 0.0),
            control("c2", Some(Stage::Projected), 300.0, 0.0),
            control("c3", None, 10.0, 0.0),
            control("c4", None, 80.0, 0.0),
        ],
        groups: vec![Group {
            key: "org".into(),
            members: vec![
                Member {
                    exposure: 0,
                    business_risk: None,
                },
                Member {
                    exposure: 1,
                    business_risk: None,
                },
            ],
        }],
    }
}

const ALL: [usize; 5] = [0, 1, 2, 3, 4];

#[test]
fn exact_finds_the_hand_computed_optimum_and_greedy_falls_short() {
    let p = hand_case();
    // Budget 310, one year. Affordable sets and the loss they remove:
    //   {c0, c1, c3}: cost 260, removes 500 + 250 + 100 = 850
    //   {c2}:         cost 300, removes 900
    //   {c2, c3}:     cost 310, removes 900 + 10 = 910   <- the optimum
    //   {c0, c1}: 750, {c0, c3}: 600, anything with c4 and c2 exceeds 310.
    // Remaining EAL = 2,000 − 910 = 1,090. In value-for-money order: c3 first (100 for 10),
    // then c2 (on B's remaining 900: removes 810).
    let exact = plan(&p, &ALL, 310.0, 1.0).expect("valid plan");
    assert_eq!(exact.method, PlanMethod::Exact);
    assert_eq!(exact.current_eal, 2_000.0);
    let chosen: Vec<(&str, f64, f64)> = exact
        .chosen
        .iter()
        .map(|s| (s.key.as_str(), s.cost, s.loss_removed))
        .collect();
    assert_eq!(chosen.len(), 2, "{chosen:?}");
    assert_eq!((chosen[0].0, chosen[0].1), ("c3", 10.0));
    assert_eq!((chosen[1].0, chosen[1].1), ("c2", 300.0));
    assert!(
        (chosen[0].2 - 100.0).abs() < 1e-9 && (chosen[1].2 - 810.0).abs() < 1e-9,
        "{chosen:?}"
    );
    assert!((exact.remaining_eal - 1_090.0).abs() < 1e-9);
    assert_eq!(exact.total_cost, 310.0);

    // Greedy by ratio takes c3 (10/unit), c0 (5), c1 (1.67): 850 for 260, then c2 does not
    // fit; its safeguard (the best single affordable control) prefers c2 alone: 900.
    let greedy = plan_with_method(&p, &ALL, 310.0, 1.0, PlanMethod::Greedy).expect("valid plan");
    assert!(
        (greedy.remaining_eal - 1_100.0).abs() < 1e-9,
        "{:?}",
        greedy.chosen
    );
    assert!(exact.remaining_eal < greedy.remaining_eal);

    // c4 removes 50 a year against a cost of 80.
    let nw: Vec<(&str, f64, f64)> = exact
        .not_worth_funding
        .iter()
        .map(|s| (s.key.as_str(), s.cost, s.loss_removed))
        .collect();
    assert_eq!(nw.len(), 1);
    assert_eq!(nw[0].0, "c4");
    assert!((nw[0].2 - 50.0).abs() < 1e-9);
    // Over 3 years c0's one-off 100 buys 1,500 of removed loss: still worth it; c4 (150 vs 80) too.
    let three = plan(&p, &ALL, 310.0, 3.0).expect("valid plan");
    assert!(
        three.not_worth_funding.is_empty(),
        "{:?}",
        three.not_worth_funding
    );
}

#[test]
fn frontier_starts_at_no_spend_and_falls_as_budget_grows() {
    let p = hand_case();
    for method in [PlanMethod::Exact, PlanMethod::Greedy] {
        let plan = plan_with_method(&p, &ALL, 310.0, 1.0, method).expect("valid plan");
        let f = &plan.frontier;
        assert_eq!(
            (f[0].budget, f[0].remaining_eal),
            (0.0, 2_000.0),
            "{method:?}"
        );
        for w in f.windows(2) {
            assert!(
                w[0].budget < w[1].budget && w[0].remaining_eal > w[1].remaining_eal,
                "{method:?}: {f:?}"
            );
        }
    }
    // Exact: all five controls leave A at 1000·0.5·0.5·0.95 = 237.5 and B at 1000·0.1·0.9 = 90.
    let exact = plan(&p, &ALL, 0.0, 1.0).expect("valid plan");
    let last = exact.frontier.last().expect("non-empty frontier");
    assert!(
        (last.remaining_eal - 327.5).abs() < 1e-9 && last.budget == 640.0,
        "{last:?}"
    );
    assert!(exact.chosen.is_empty() && exact.remaining_eal == 2_000.0);
}

#[test]
fn bad_plan_requests_are_errors() {
    let mut p = hand_case();
    assert!(plan(&p, &[9], 100.0, 1.0).is_err());
    assert!(plan(&p, &[0, 0], 100.0, 1.0).is_err());
    assert!(plan(&p, &[0], f64::NAN, 1.0).is_err());
    assert!(plan(&p, &[0], 100.0, 0.0).is_err());
    p.controls[0].stage = Some(Stage::Current);
    assert!(
        plan(&p, &[0], 100.0, 1.0).is_err(),
        "a control in place is not a candidate"
    );
    let many: Vec<usize> = (0..21).collect();
    assert!(plan_with_method(&p, &many, 1.0, 1.0, PlanMethod::Exact).is_err());
}

#[test]
fn rosi_matches_analytic_values_and_the_simulation() {
    let mut p = hand_case();
    // c1 is in place: its value is what removing it would add back. With c1 current,
    // A's current EAL is 500; without c1 it would be 1,000: c1 removes 500 a year.
    p.controls[1].stage = Some(Stage::Current);
    p.controls[1].cost_yearly = 50.0;
    let trials = 200_000;
    let r = rosi(
        &p,
        &SimConfig {
            trials,
            seed: 11,
            ..SimConfig::default()
        },
        2.0,
    )
    .expect("valid");
    // (control, exact loss removed per year, annual cost = yearly + once / 2 years)
    let expect = [
        (0, 250.0, 50.0),
        (1, 500.0, 125.0),
        (2, 900.0, 150.0),
        (3, 100.0, 5.0),
        (4, 25.0, 40.0),
    ];
    for (c, removed, cost) in expect {
        let x = &r[c];
        assert!((x.loss_removed - removed).abs() < 1e-9, "{x:?}");
        assert_eq!(x.annual_cost, cost);
        assert!((x.rosi.unwrap_or(f64::NAN) - (removed - cost) / cost).abs() < 1e-12);
        assert!(
            x.loss_removed_simulated >= 0.0 && x.loss_removed_se > 0.0,
            "{x:?}"
        );
        assert!(
            (x.loss_removed_simulated - removed).abs() <= 4.0 * x.loss_removed_se,
            "{}: simulated {} ± {} vs exact {removed}",
            x.key,
            x.loss_removed_simulated,
            x.loss_removed_se
        );
    }
    assert!(r[1].in_current && !r[0].in_current);
    assert!(r[4].rosi.unwrap_or(0.0) < 0.0, "c4 loses money");
}

fn random_case() -> impl Strategy<Value = (Portfolio, Vec<usize>, f64, f64)> {
    let one_effect = (0..8usize, any::<bool>(), 0.0..=1.0f64);
    let exp = (
        0.0..5.0f64,
        1.0..1000.0f64,
        prop::collection::vec(one_effect, 0..4),
    );
    (
        prop::collection::vec(exp, 1..6),
        prop::collection::vec((0.0..500.0f64, 0.0..100.0f64), 8),
        0.0..1500.0f64,
        0.5..5.0f64,
    )
        .prop_map(|(exps, costs, budget, years)| {
            let exposures = exps
                .into_iter()
                .enumerate()
                .map(|(i, (rate, loss, effects))| {
                    let mut ctl: Vec<ControlEffect> = Vec::new();
                    for (c, f, e) in effects {
                        let r = if f { Reduces::Frequency } else { Reduces::Loss };
                        if !ctl.iter().any(|x| x.control == c && x.reduces == r) {
                            ctl.push(effect(c, r, e));
                        }
                    }
                    exposure(&format!("e{i}"), rate, loss, ctl)
                })
                .collect();
            let controls = costs
                .into_iter()
                .enumerate()
                .map(|(i, (o, y))| control(&format!("c{i}"), None, o, y))
                .collect();
            (
                Portfolio {
                    exposures,
                    controls,
                    groups: vec![],
                },
                (0..8).collect(),
                budget,
                years,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn greedy_stays_in_budget_and_exact_is_never_worse((p, cands, budget, years) in random_case()) {
        let greedy = plan_with_method(&p, &cands, budget, years, PlanMethod::Greedy).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let exact = plan_with_method(&p, &cands, budget, years, PlanMethod::Exact).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for plan in [&greedy, &exact] {
            prop_assert!(plan.total_cost <= budget * (1.0 + 1e-12), "{:?} spends {} of {budget}", plan.method, plan.total_cost);
            prop_assert!(plan.remaining_eal <= plan.current_eal * (1.0 + 1e-12));
            for w in plan.frontier.windows(2) {
                prop_assert!(w[0].budget < w[1].budget && w[0].remaining_eal > w[1].remaining_eal);
            }
        }
        // Independently: switch the chosen controls on and sum the exposures' analytic means.
        for plan in [&greedy, &exact] {
            let mut with = p.clone();
            for step in &plan.chosen {
                with.controls[step.control].stage = Some(Stage::Current);
            }
            let direct: f64 = (0..with.exposures.len())
                .map(|e| riskfirst_risk::analytic_mean(&with, e, Stage::Current).unwrap_or(f64::NAN))
                .sum();
            prop_assert!((plan.remaining_eal - direct).abs() <= 1e-9 * plan.current_eal.max(1.0),
                "{:?}: remaining {} vs direct {direct}", plan.method, plan.remaining_eal);
        }
        prop_assert!(exact.remaining_eal <= greedy.remaining_eal + 1e-9 * exact.current_eal.max(1.0),
            "exact {} greedy {}", exact.remaining_eal, greedy.remaining_eal);
        // The exact frontier's point at or below the budget is the plan's remaining risk.
        // (Up to rounding: the two sum the same factors in different orders.)
        let at = exact.frontier.iter().rfind(|f| f.budget <= budget).map_or(f64::NAN, |f| f.remaining_eal);
        prop_assert!((at - exact.remaining_eal).abs() <= 1e-9 * exact.current_eal.max(1.0), "{at} vs {}", exact.remaining_eal);
        // Branch and bound (its bound: the fractional knapsack of marginal values, valid as
        // returns diminish) finishes and finds the exact optimum.
        let bnb = plan_with_method(&p, &cands, budget, years, PlanMethod::BranchAndBound).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(bnb.method, PlanMethod::BranchAndBound);
        prop_assert!(bnb.proven_optimal && bnb.gap() == Some(0.0));
        prop_assert!(bnb.total_cost <= budget * (1.0 + 1e-12));
        prop_assert!((bnb.remaining_eal - exact.remaining_eal).abs() <= 1e-9 * exact.current_eal.max(1.0),
            "branch and bound {} exact {}", bnb.remaining_eal, exact.remaining_eal);
    }
}
