//! The loss-scenario model's promises: one incident is counted once, closing a threat
//! never raises a figure, controls never reverse by status, and the advice agrees with
//! the appetite beside it.

mod common;

use common::{analyze, assess, close, config, load_estate, load_generated};
use proptest::prelude::*;
use riskfirst_assess::value::Evaluator;
use riskfirst_assess::{build, Action, Assessment};
use riskfirst_model::format::ControlStatus;
use riskfirst_model::generate::{generate, GenerateConfig};
use riskfirst_model::{Estate, Spanned};
use riskfirst_risk::Stage;

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

/// A web application over the customers' data, and a second one over `{SECOND}`; every
/// finding is set aside but those `{THREATS}` names, each at a fixed rate.
fn system(second: &str, threats: &str) -> String {
    format!(
        "riskfirst: 1
system: {{ id: shop, name: Shop, owner: team }}
data:
  - {{ id: customers, name: Customers, classification: internal, business_risks: [breach] }}
  - {{ id: orders, name: Orders, classification: internal, business_risks: [breach] }}
components:
  - {{ id: user, kind: external-entity, technology: browser, zone: internet }}
  - {{ id: web, kind: process, technology: web-application, zone: private, processes: [customers] }}
  - {{ id: web2, kind: process, technology: web-application, zone: private, processes: [{second}] }}
flows:
  - {{ id: user-to-web, from: user, to: web, protocol: https, authentication: session, data: [customers] }}
  - {{ id: user-to-web2, from: user, to: web2, protocol: https, authentication: session, data: [{second}] }}
threats:
  - {{ id: \"*\", status: not-applicable, justification: studied apart. }}
{threats}"
    )
}

fn organisation_mean(second: &str, threats: &str) -> f64 {
    let a = assess(&load_estate(ROOT, &[&system(second, threats)]), 1_000, 1);
    a.organisation.annual_loss.current.mean
}

#[test]
fn one_incident_is_counted_once_however_finely_the_diagram_is_drawn() {
    let xss = |c: &str| format!("  - {{ id: T008@{c}, frequency: {{ low: 0.3, high: 0.3 }} }}\n");
    let csrf = "  - { id: T009@web, frequency: { low: 0.3, high: 0.3 } }\n";
    // One way into the customers' data: 0.3 × 100,000.
    let one = organisation_mean("orders", &xss("web"));
    assert!(close(one, 30_000.0, 1e-12), "{one}");
    // The same weakness on a second component over the same data is the same way in:
    // splitting a component into two identical ones changes nothing.
    let split = organisation_mean("customers", &(xss("web") + &xss("web2")));
    assert!(close(split, 30_000.0, 1e-12), "{split}");
    // A second, different way into the same data raises the chance, 1 − 0.7², but adds no
    // second copy of the incident.
    let two_ways = organisation_mean("orders", &(xss("web") + csrf));
    assert!(close(two_ways, 51_000.0, 1e-12), "{two_ways}");
    // An independent scenario (the orders) adds its own incident in full.
    let independent = organisation_mean("orders", &(xss("web") + &xss("web2")));
    assert!(close(independent, 60_000.0, 1e-12), "{independent}");
    assert!(two_ways - one < independent - one);
}

#[test]
fn a_threat_is_worth_what_closing_its_weakness_removes() {
    let xss = |c: &str| format!("  - {{ id: T008@{c}, frequency: {{ low: 0.3, high: 0.3 }} }}\n");
    let a = assess(
        &load_estate(ROOT, &[&system("customers", &(xss("web") + &xss("web2")))]),
        1_000,
        1,
    );
    let t = common::threat(&a, "T008@web");
    let v = t.value.as_ref().expect("money");
    // Together with T008@web2, closing it removes the whole incident; alone, nothing:
    // the same way in stays open on web2.
    assert!(close(v.current, 30_000.0, 1e-12), "{}", v.current);
    assert_eq!(v.alone, 0.0);
    let named: Vec<String> = v.together_with.iter().map(|r| r.to_string()).collect();
    assert_eq!(named, vec!["shop:T008@web2"]);
}

fn generated(components: usize, seed: u64) -> Estate {
    load_generated(&generate(&GenerateConfig {
        components,
        flows: components * 2,
        seed,
        ..GenerateConfig::default()
    }))
}

/// The organisation's and each business risk's exact figures at every stage.
fn exact_figures(estate: &Estate) -> Vec<f64> {
    let analysis = analyze(estate);
    let built = build(estate, &analysis);
    let ev = Evaluator::new(estate, &analysis, &built);
    let mut out = Vec::new();
    for stage in Stage::ALL {
        let t = ev.totals(&ev.stage_keeps(stage));
        out.push(t.organisation.loss);
        out.push(t.organisation.events);
        out.extend(t.risks);
    }
    out
}

fn accepts_agree_with_the_appetite(a: &Assessment) -> Result<(), String> {
    for t in a
        .threats
        .iter()
        .filter(|t| t.recommendation.action == Action::Accept)
    {
        for s in &a.appetite {
            if s.measure == riskfirst_assess::Measure::MaxOpenLevel {
                continue;
            }
            let touches = s
                .business_risk
                .as_ref()
                .is_none_or(|r| t.business_risks.contains(r));
            if touches && s.breached {
                return Err(format!(
                    "{} is accepted while {} ({}) it touches is breached",
                    t.id,
                    s.business_risk.as_deref().unwrap_or("the organisation"),
                    s.measure
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_accept_on_the_demo_agrees_with_the_appetite() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    let root = std::fs::read_to_string(dir.join("riskfirst.yaml")).expect("the demo's root");
    let mut names: Vec<_> = std::fs::read_dir(dir.join("systems"))
        .expect("the demo's systems")
        .map(|e| e.expect("an entry").path())
        .collect();
    names.sort();
    let systems: Vec<String> = names
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a system file"))
        .collect();
    let refs: Vec<&str> = systems.iter().map(String::as_str).collect();
    let estate = load_estate(&root, &refs);
    let a = assess(&estate, 5_000, 1);
    accepts_agree_with_the_appetite(&a).unwrap();
    // The demo breaches its appetite, so the check is not vacuous: breached statements exist.
    assert!(a.appetite.iter().any(|s| s.breached));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn closing_a_threat_never_raises_any_figure(
        components in 20usize..60,
        seed in any::<u64>(),
        pick in any::<prop::sample::Index>(),
    ) {
        let estate = generated(components, seed);
        let analysis = analyze(&estate);
        let built = build(&estate, &analysis);
        let ev = Evaluator::new(&estate, &analysis, &built);
        prop_assume!(!analysis.threats.is_empty());
        let t = pick.index(analysis.threats.len());
        for stage in Stage::ALL {
            let keeps = ev.stage_keeps(stage);
            let d = ev.closing(&keeps, &[t]);
            prop_assert!(d.organisation.loss >= -1e-9, "{stage:?}: closing {} raises the loss by {}", analysis.threats[t].id, -d.organisation.loss);
            prop_assert!(d.organisation.events >= -1e-12);
            for (r, x) in d.risks.iter().enumerate() {
                prop_assert!(*x >= -1e-9, "{stage:?}: closing {} raises risk {r} by {}", analysis.threats[t].id, -x);
            }
        }
    }

    #[test]
    fn controls_never_reverse_by_status(
        components in 20usize..60,
        seed in any::<u64>(),
    ) {
        let base = generated(components, seed);
        let order = [ControlStatus::Planned, ControlStatus::InProgress, ControlStatus::Implemented, ControlStatus::Verified];
        for c in 0..base.controls.len().min(6) {
            let mut last: Option<Vec<f64>> = None;
            for status in order {
                let mut e = base.clone();
                e.controls[c].raw.status = Spanned::new(status);
                let now = exact_figures(&e);
                if let Some(prev) = &last {
                    for (i, (a, b)) in prev.iter().zip(&now).enumerate() {
                        prop_assert!(*b <= a + 1e-9 * a.abs().max(1.0), "control {c} to {status:?} raises figure {i}: {a} → {b}");
                    }
                }
                last = Some(now);
            }
        }
    }

    #[test]
    fn every_accept_on_generated_estates_agrees_with_the_appetite(
        components in 20usize..60,
        seed in any::<u64>(),
    ) {
        let estate = generated(components, seed);
        let analysis = analyze(&estate);
        let a = riskfirst_assess::assess(&estate, &analysis, &config(2_000, 1), None).expect("assesses");
        prop_assert!(accepts_agree_with_the_appetite(&a).is_ok(), "{:?}", accepts_agree_with_the_appetite(&a));
    }
}

#[test]
fn the_stage_weights_order_the_statuses() {
    use riskfirst_assess::scenario::stage_weight;
    for stage in Stage::ALL {
        let w = |s| stage_weight(s, stage, 0.5);
        assert!(w(ControlStatus::Verified) >= w(ControlStatus::Implemented));
        assert!(w(ControlStatus::Implemented) >= w(ControlStatus::InProgress));
        assert_eq!(w(ControlStatus::InProgress), w(ControlStatus::Planned));
    }
}
