//! Budget plans on an estate whose optimum is computed by hand, and the search methods
//! against each other on random estates.

mod common;

use common::{analyze, close, load_estate};
use proptest::prelude::*;
use riskfirst_assess::{build, plan_candidates, plan_objective, plan_with_method};
use riskfirst_model::Estate;
use riskfirst_risk::plan::{Objective, Plan, PlanMethod};
use riskfirst_rules::engine::Analysis;

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

/// Three ways into one scenario (the customers data asset, 100,000 an event, ordinary
/// attractiveness): T008@web 0.5 a year, T009@web 0.2, T001@web@db 0.4. Different rules are
/// independent chances, so the scenario's expected loss is 100,000 × (1 − 0.5 × 0.8 × 0.6)
/// = 76,000 a year. Four planned controls with one-off costs only:
///
/// | control | acts on     | keeps | alone removes a year | cost   |
/// |---------|-------------|-------|----------------------|--------|
/// | a       | T008@web    | 0.2   | 19,200               | 60,000 |
/// | b       | T001@web@db | 0.5   | 8,000                | 30,000 |
/// | c       | T009@web    | 0.1   | 5,400                | 25,000 |
/// | d       | T001@web@db | 0.9   | 1,600                | 50,000 |
///
/// Ways in overlap, so a and b together remove 33,600 a year (1 − 0.9 × 0.8 × 0.8 = 0.576
/// left), more than 19,200 + 8,000. With 90,000: {a, b} leaves 42,400; {a, c} (85,000)
/// leaves 47,080; every other set that fits leaves more. Everything: 1 − 0.9 × 0.98 × 0.82
/// = 0.72324 left, 27,676 a year, for 165,000. Over 3 years, a, b and c each pay for
/// themselves on top of the others; d removes 5,292 at most (on top of a, b, c), against 50,000.
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

fn plan_of(
    estate: &Estate,
    analysis: &Analysis,
    budget: f64,
    years: f64,
    method: PlanMethod,
) -> Plan {
    let built = build(estate, analysis);
    plan_with_method(estate, analysis, &built, budget, years, method).expect("plans")
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
    let estate = load_estate(ROOT, &[SYSTEM]);
    let analysis = analyze(&estate);
    assert_eq!(
        plan_candidates(&estate).len(),
        4,
        "every planned control is a candidate"
    );
    let p = plan_of(&estate, &analysis, 90_000.0, 3.0, PlanMethod::Exact);
    assert_eq!(p.method, PlanMethod::Exact);
    assert!(close(p.current_eal, 76_000.0, 1e-12), "{}", p.current_eal);
    assert_eq!(keys(&p), vec!["shop:a", "shop:b"]);
    assert_eq!(p.total_cost, 90_000.0);
    assert!(
        close(p.remaining_eal, 42_400.0, 1e-12),
        "{}",
        p.remaining_eal
    );
    // In order of value for money given those before: a (19,200 a year), then b (14,400).
    let steps: Vec<(&str, f64, f64)> = p
        .chosen
        .iter()
        .map(|s| (s.key.as_str(), s.cost, s.loss_removed))
        .collect();
    assert_eq!(steps.len(), 2);
    assert_eq!((steps[0].0, steps[0].1), ("shop:a", 60_000.0));
    assert!(close(steps[0].2, 3.0 * 19_200.0, 1e-12), "{}", steps[0].2);
    assert_eq!((steps[1].0, steps[1].1), ("shop:b", 30_000.0));
    assert!(close(steps[1].2, 3.0 * 14_400.0, 1e-12), "{}", steps[1].2);
    let not_worth: Vec<&str> = p.not_worth_funding.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(not_worth, vec!["shop:d"]);
    check_frontier(&p).unwrap();
    assert!(p
        .frontier
        .iter()
        .any(|x| x.budget == 90_000.0 && close(x.remaining_eal, 42_400.0, 1e-12)));
    let last = p.frontier.last().expect("not empty");
    assert_eq!(last.budget, 165_000.0);
    assert!(
        close(last.remaining_eal, 27_676.0, 1e-12),
        "{}",
        last.remaining_eal
    );
}

#[test]
fn the_greedy_with_local_search_finds_the_complementary_pair() {
    let estate = load_estate(ROOT, &[SYSTEM]);
    let analysis = analyze(&estate);
    let g = plan_of(&estate, &analysis, 90_000.0, 3.0, PlanMethod::Greedy);
    assert_eq!(g.method, PlanMethod::Greedy);
    assert_eq!(keys(&g), vec!["shop:a", "shop:b"]);
    assert!(
        close(g.remaining_eal, 42_400.0, 1e-12),
        "{}",
        g.remaining_eal
    );
    check_frontier(&g).unwrap();
}

/// A random estate: one data asset, `ways` rules into it with fixed rates, and planned
/// controls on random ways with random costs and effectiveness. With `restricted`, the
/// data is restricted and the database keeps no audit log, so R001@db is a detection gap
/// on it (dearer incidents) that controls may also close.
fn random_estate(rates: &[f64], controls: &[(usize, f64, f64)], restricted: bool) -> String {
    let mut rules: Vec<&str> = [
        "T008@web",
        "T009@web",
        "T001@web@db",
        "S001@user@web",
        "I001@web@db",
        "T006@web",
    ][..rates.len()]
        .to_vec();
    if restricted {
        rules.push("R001@db");
    }
    let mut s = String::from(
        "riskfirst: 1
system: { id: shop, name: Shop, owner: team }
data:
  - { id: customers, name: Customers, classification: CLASS, business_risks: [breach] }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: private, processes: [customers] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers], encrypted_at_rest: true }
flows:
  - { id: user-to-web, from: user, to: web, protocol: https, data: [customers] }
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: false, authentication: password, data: [customers] }
threats:
  - { id: \"*\", status: not-applicable, justification: studied apart. }
",
    )
    .replace("CLASS", if restricted { "restricted" } else { "internal" });
    for (i, r) in rates.iter().enumerate() {
        s.push_str(&format!(
            "  - {{ id: \"{}\", frequency: {{ low: {r}, high: {r} }} }}\n",
            rules[i]
        ));
    }
    if restricted {
        s.push_str("  - { id: \"R001@db\", frequency: { low: 0.01, high: 0.01 } }\n");
    }
    s.push_str("controls:\n");
    for (i, (way, e, cost)) in controls.iter().enumerate() {
        s.push_str(&format!(
            "  - {{ id: c{i}, title: C, owner: team, status: planned, cost: {{ once: {cost} }}, mitigates: [ {{ threats: [\"{}\"], effectiveness: {e} }} ] }}\n",
            rules[way % rules.len()]
        ));
    }
    s
}

fn removed(p: &Plan) -> f64 {
    p.current_eal - p.remaining_eal
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn plans_stay_in_budget_and_branch_and_bound_is_exact(
        rates in proptest::collection::vec(0.05f64..0.9, 2..6),
        controls in proptest::collection::vec((0usize..7, 0.1f64..0.95, 1_000.0f64..60_000.0), 1..11),
        budget in 0.0f64..200_000.0,
        restricted in proptest::bool::ANY,
    ) {
        let estate = load_estate(ROOT, &[&random_estate(&rates, &controls, restricted)]);
        let analysis = analyze(&estate);
        let exact = plan_of(&estate, &analysis, budget, 3.0, PlanMethod::Exact);
        let greedy = plan_of(&estate, &analysis, budget, 3.0, PlanMethod::Greedy);
        let bnb = plan_of(&estate, &analysis, budget, 3.0, PlanMethod::BranchAndBound);
        for p in [&exact, &greedy, &bnb] {
            prop_assert!(p.total_cost <= budget, "{:?} spends {} of {}", p.method, p.total_cost, budget);
            prop_assert!(p.remaining_eal <= p.current_eal * (1.0 + 1e-12));
            prop_assert!(check_frontier(p).is_ok(), "{:?}", check_frontier(p));
        }
        let best = removed(&exact);
        prop_assert!(exact.proven_optimal && exact.gap() == Some(0.0));
        for p in [&greedy, &bnb] {
            prop_assert!(removed(p) <= best * (1.0 + 1e-9) + 1e-9, "exact {best} below {:?} {}", p.method, removed(p));
        }
        // Branch and bound finishes on these and is then the optimum; the 1% target holds
        // whatever it says.
        prop_assert!(bnb.proven_optimal, "branch and bound stopped: gap {:?}", bnb.gap());
        prop_assert!(removed(&bnb) >= best * (1.0 - 1e-9) - 1e-9, "branch and bound removes {}, exact {best}", removed(&bnb));
        prop_assert!(removed(&bnb) >= 0.99 * best - 1e-9);
        // The greedy heuristic alone (the branch and bound's first incumbent) is not
        // held to 1%: the worst seen is 6.3% short (plan.proptest-regressions).
        prop_assert!(removed(&greedy) >= 0.90 * best - 1e-9, "the heuristic removes {}, exact {best}", removed(&greedy));
    }

    /// The bound the branch and bound prunes with is never below the best that the open
    /// candidates can add within the room, found by trying every subset.
    #[test]
    fn the_plan_bound_is_never_below_the_best_completion(
        rates in proptest::collection::vec(0.05f64..1.0, 2..6),
        controls in proptest::collection::vec((0usize..7, 0.05f64..1.0, 1_000.0f64..60_000.0), 1..10),
        split in proptest::collection::vec(0u8..3, 10),
        room in 0.0f64..150_000.0,
        restricted in proptest::bool::ANY,
    ) {
        let estate = load_estate(ROOT, &[&random_estate(&rates, &controls, restricted)]);
        let analysis = analyze(&estate);
        let built = build(&estate, &analysis);
        let obj = plan_objective(&estate, &analysis, &built, 3.0);
        let n = obj.len();
        // 0: left out, 1: inside, 2: open.
        let inside: Vec<bool> = (0..n).map(|i| split[i] == 1).collect();
        let open: Vec<bool> = (0..n).map(|i| split[i] == 2).collect();
        let bound = obj.bound(&inside, &open, room);
        let start = obj.eal(&inside);
        let open_list: Vec<usize> = (0..n).filter(|i| open[*i]).collect();
        let mut best = 0.0f64;
        for mask in 0u32..1 << open_list.len() {
            let mut set = inside.clone();
            let mut cost = 0.0;
            for (b, &i) in open_list.iter().enumerate() {
                if mask & (1 << b) != 0 {
                    set[i] = true;
                    cost += obj.cost(i);
                }
            }
            if cost <= room {
                best = best.max(start - obj.eal(&set));
            }
        }
        prop_assert!(bound >= best * (1.0 - 1e-12) - 1e-9, "bound {bound} below the best completion {best}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    /// Above the exact search's 20 candidates: 21 to 30 controls. The branch and bound
    /// proves its plan optimal (or says how far it may be, never more than 1%), and never
    /// removes less than the greedy heuristic it starts from.
    #[test]
    fn branch_and_bound_proves_plans_of_up_to_30_candidates(
        rates in proptest::collection::vec(0.05f64..0.9, 2..6),
        controls in proptest::collection::vec((0usize..7, 0.1f64..0.95, 1_000.0f64..60_000.0), 21..31),
        budget in 0.0f64..200_000.0,
        restricted in proptest::bool::ANY,
    ) {
        let estate = load_estate(ROOT, &[&random_estate(&rates, &controls, restricted)]);
        let analysis = analyze(&estate);
        let built = build(&estate, &analysis);
        let plan = riskfirst_assess::plan(&estate, &analysis, &built, budget, 3.0).expect("plans");
        prop_assert_eq!(plan.method, PlanMethod::BranchAndBound);
        let greedy = plan_of(&estate, &analysis, budget, 3.0, PlanMethod::Greedy);
        prop_assert!(plan.total_cost <= budget);
        prop_assert!(removed(&plan) >= removed(&greedy) * (1.0 - 1e-9) - 1e-9, "{} below greedy {}", removed(&plan), removed(&greedy));
        let bound = plan.removable_bound.expect("a bound");
        prop_assert!(bound >= removed(&plan) * (1.0 - 1e-12) - 1e-9);
        prop_assert!(plan.proven_optimal, "not proven: gap {:?}, bound {bound}, removed {}", plan.gap(), removed(&plan));
        prop_assert!(plan.gap().expect("a gap") <= 0.01);
    }
}
