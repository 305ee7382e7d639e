//! Budget plans on an estate whose optimum is computed by hand.

mod common;

use common::{analyze, close, load_estate};
use proptest::prelude::*;
use riskfirst_assess::{build, plan_candidates, Built};
use riskfirst_risk::plan::{plan, plan_with_method, Plan, PlanMethod};

const ROOT: &str = "riskfirst: 1
organisation: { name: Test, currency: EUR }
teams:
  - { id: team, name: Team }
business_risks:
  - { id: breach, title: Customer data is stolen, owner: CISO, loss_per_event: { low: 100_000, high: 100_000 } }
zones:
  - { id: internet, trust: 0 }
  - { id: private, trust: 90 }
";

/// Three threats of fixed rate reaching one business risk of 100,000 an event:
/// T008@web 0.5 a year (50,000), T009@web 0.2 (20,000), T001@web@db 0.4 (40,000);
/// 110,000 a year in all. Four planned controls with one-off costs only:
///
/// | control | acts on     | effectiveness | removes a year | over 3 years | cost   |
/// |---------|-------------|---------------|----------------|--------------|--------|
/// | a       | T008@web    | 0.8           | 40,000         | 120,000      | 60,000 |
/// | b       | T001@web@db | 0.5           | 20,000         | 60,000       | 30,000 |
/// | c       | T009@web    | 0.9           | 18,000         | 54,000       | 25,000 |
/// | d       | T001@web@db | 0.1           | 4,000          | 12,000       | 50,000 |
///
/// With 90,000: {a, b} costs 90,000 and removes 60,000 a year; {a, c} costs 85,000 and
/// removes 58,000; {b, c} 38,000; no set with d fits and removes more (b and d on the same
/// threat keep 0.5 × 0.9 of it). The optimum is {a, b}. Greedy on value per cost takes c
/// first (54,000 / 25,000 = 2.16 against 2 for a and b), then a (a tie with b broken by the
/// larger value), and b no longer fits: {a, c}, 58,000. d removes less than it costs.
const SYSTEM: &str = "riskfirst: 1
system: { id: shop, name: Shop, owner: team }
data:
  - { id: customers, name: Customers, classification: internal, business_risks: [breach] }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: private, processes: [customers] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers], encrypted_at_rest: true }
flows:
  - { id: user-to-web, from: user, to: web, protocol: https, authentication: session, data: [customers] }
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: true, authentication: password, data: [customers] }
threats:
  - { id: \"*\", status: not-applicable, justification: Only three threats are studied here. }
  - { id: T008@web, frequency: { low: 0.5, high: 0.5 } }
  - { id: T009@web, frequency: { low: 0.2, high: 0.2 } }
  - { id: T001@web@db, frequency: { low: 0.4, high: 0.4 } }
controls:
  - { id: a, title: A, owner: team, status: planned, cost: { once: 60_000 }, mitigates: [ { threats: [T008@web], effectiveness: 0.8 } ] }
  - { id: b, title: B, owner: team, status: planned, cost: { once: 30_000 }, mitigates: [ { threats: [T001@web@db], effectiveness: 0.5 } ] }
  - { id: c, title: C, owner: team, status: planned, cost: { once: 25_000 }, mitigates: [ { threats: [T009@web], effectiveness: 0.9 } ] }
  - { id: d, title: D, owner: team, status: planned, cost: { once: 50_000 }, mitigates: [ { threats: [T001@web@db], effectiveness: 0.1 } ] }
";

fn built() -> Built {
    let estate = load_estate(ROOT, &[SYSTEM]);
    let analysis = analyze(&estate);
    build(&estate, &analysis)
}

fn keys(p: &Plan) -> Vec<&str> {
    let mut k: Vec<&str> = p.chosen.iter().map(|s| s.key.as_str()).collect();
    k.sort_unstable();
    k
}

fn check_frontier(p: &Plan) -> Result<(), String> {
    let f = &p.frontier;
    if f.first().map(|x| x.budget) != Some(0.0)
        || f.first().map(|x| x.remaining_eal) != Some(p.current_eal)
    {
        return Err(format!(
            "the frontier starts at no spending and the current loss: {f:?}"
        ));
    }
    for w in f.windows(2) {
        if !(w[0].budget < w[1].budget && w[0].remaining_eal > w[1].remaining_eal) {
            return Err(format!("not monotone: {w:?}"));
        }
    }
    Ok(())
}

#[test]
fn the_exact_search_finds_the_hand_computed_optimum() {
    let b = built();
    let candidates = plan_candidates(&b);
    assert_eq!(candidates.len(), 4, "every planned control is a candidate");
    let p = plan(&b.portfolio, &candidates, 90_000.0, 3.0).expect("plans");
    assert_eq!(p.method, PlanMethod::Exact);
    assert!(close(p.current_eal, 110_000.0, 1e-12), "{}", p.current_eal);
    assert_eq!(keys(&p), vec!["shop:a", "shop:b"]);
    assert_eq!(p.total_cost, 90_000.0);
    assert!(
        close(p.remaining_eal, 50_000.0, 1e-12),
        "{}",
        p.remaining_eal
    );
    // In order of value for money (a tie: the larger first), each with its loss over 3 years.
    let steps: Vec<(&str, f64, f64)> = p
        .chosen
        .iter()
        .map(|s| (s.key.as_str(), s.cost, s.loss_removed))
        .collect();
    assert_eq!(steps.len(), 2);
    assert_eq!((steps[0].0, steps[0].1), ("shop:a", 60_000.0));
    assert!(close(steps[0].2, 120_000.0, 1e-12));
    assert_eq!((steps[1].0, steps[1].1), ("shop:b", 30_000.0));
    assert!(close(steps[1].2, 60_000.0, 1e-12));
    let not_worth: Vec<&str> = p.not_worth_funding.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(not_worth, vec!["shop:d"]);
    check_frontier(&p).unwrap();
    // The frontier's point at 90,000 is the optimum; with everything, 115,000 + 50,000.
    assert!(p
        .frontier
        .iter()
        .any(|x| x.budget == 90_000.0 && close(x.remaining_eal, 50_000.0, 1e-12)));
    let last = p.frontier.last().expect("not empty");
    assert_eq!(last.budget, 165_000.0);
    // All four: T008 keeps 0.2, T009 0.1, T001 0.5 × 0.9: 10,000 + 2,000 + 18,000.
    assert!(
        close(last.remaining_eal, 30_000.0, 1e-12),
        "{}",
        last.remaining_eal
    );
}

#[test]
fn the_greedy_takes_the_best_ratio_first_and_stays_in_budget() {
    let b = built();
    let candidates = plan_candidates(&b);
    let g = plan_with_method(&b.portfolio, &candidates, 90_000.0, 3.0, PlanMethod::Greedy)
        .expect("plans");
    assert_eq!(g.method, PlanMethod::Greedy);
    assert_eq!(keys(&g), vec!["shop:a", "shop:c"]);
    assert_eq!(g.chosen[0].key, "shop:c");
    assert_eq!(g.total_cost, 85_000.0);
    assert!(
        close(g.remaining_eal, 52_000.0, 1e-12),
        "{}",
        g.remaining_eal
    );
    check_frontier(&g).unwrap();
}

proptest! {
    #[test]
    fn plans_stay_in_budget_and_exact_is_never_worse(budget in 0.0f64..200_000.0, years in 1.0f64..5.0) {
        let b = built();
        let candidates = plan_candidates(&b);
        let exact = plan_with_method(&b.portfolio, &candidates, budget, years, PlanMethod::Exact).unwrap();
        let greedy = plan_with_method(&b.portfolio, &candidates, budget, years, PlanMethod::Greedy).unwrap();
        for p in [&exact, &greedy] {
            prop_assert!(p.total_cost <= budget, "{:?} spends {} of {}", p.method, p.total_cost, budget);
            let spent: f64 = p.chosen.iter().map(|s| s.cost).sum();
            prop_assert_eq!(spent, p.total_cost);
            prop_assert!(p.remaining_eal <= p.current_eal + 1e-9);
            prop_assert!(check_frontier(p).is_ok(), "{:?}", check_frontier(p));
        }
        prop_assert!(exact.remaining_eal <= greedy.remaining_eal + 1e-9);
    }
}
