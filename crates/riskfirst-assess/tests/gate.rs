//! The CI gate and a team's view as library values, on a small estate written for them.

mod common;

use common::{analyze, config, load_estate};
use riskfirst_assess::gate::{gate, GateError, GateOptions, ProblemKind, Severity};
use riskfirst_assess::team::team_view;
use riskfirst_assess::{assess, AssessConfig};
use riskfirst_model::Date;

const ROOT: &str = "riskfirst: 1
organisation: { name: Test, currency: EUR }
teams:
  - { id: web-team, name: Web, lead: Ada }
  - { id: data-team, name: Data }
business_risks:
  - { id: breach, title: Customer data is stolen, owner: CISO, loss_per_event: { low: 100_000, high: 100_000 } }
appetite:
  - { id: breach-limit, business_risk: breach, max_annual_loss: { mean: 5_000 } }
zones:
  - { id: internet, trust: 0 }
  - { id: private, trust: 90 }
";

/// T008@web is open (medium on the default scale) with no decision; two threats are
/// accepted, S011@web long expired and D002@web expiring in 10 days; the rest is not
/// applicable. The database belongs to another team.
const SYSTEM: &str = "riskfirst: 1
system: { id: shop, name: Shop, owner: web-team }
data:
  - { id: customers, name: Customers, classification: internal, business_risks: [breach] }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: private, processes: [customers] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers], encrypted_at_rest: true, owner: data-team }
flows:
  - { id: user-to-web, from: user, to: web, protocol: https, authentication: session, data: [customers] }
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: true, authentication: password, data: [customers] }
threats:
  - { id: \"D00*\", status: not-applicable, justification: Only a few threats are studied here. }
  - { id: \"E*\", status: not-applicable, justification: Only a few threats are studied here. }
  - { id: \"T0*@web@*\", status: not-applicable, justification: Only a few threats are studied here. }
  - { id: T009@web, status: not-applicable, justification: Only a few threats are studied here. }
  - { id: T097@web, status: not-applicable, justification: Only a few threats are studied here. }
  - { id: S011@web, status: accepted, approved_by: CISO, expires: 2026-01-31, justification: Sessions expire quickly. }
  - { id: D002@web, status: accepted, approved_by: CISO, expires: 2026-12-12, justification: The shop can be down a day. }
";

fn today() -> Date {
    Date::parse("2026-12-02").unwrap()
}

fn run(opts: &GateOptions) -> Result<riskfirst_assess::gate::Gate, GateError> {
    let estate = load_estate(ROOT, &[SYSTEM]);
    let analysis = analyze(&estate);
    let cfg = AssessConfig {
        today: Some(today()),
        ..config(2_000, 7)
    };
    let a = assess(&estate, &analysis, &cfg, None).unwrap();
    gate(&estate, &analysis, &a, opts, today())
}

#[test]
fn the_gate_names_each_problem_once_with_a_place_and_a_stable_fingerprint() {
    let g = run(&GateOptions {
        fail_on: Some("medium".into()),
        warn_days: None,
    })
    .unwrap();
    assert!(!g.passed);
    assert_eq!(g.warn_days, 30);
    let kinds: Vec<(ProblemKind, bool, &str)> = g
        .problems
        .iter()
        .map(|p| (p.kind, p.fails, p.fingerprint.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (ProblemKind::AppetiteBreached, true, "appetite:breach-limit"),
            (
                ProblemKind::AcceptanceExpiring,
                false,
                "acceptance-expiring:shop:D002@web"
            ),
            (
                ProblemKind::AcceptanceExpired,
                true,
                "acceptance-expired:shop:S011@web"
            ),
            (ProblemKind::OpenThreat, true, "shop:T008@web"),
        ]
    );
    let open = &g.problems[3];
    assert_eq!(open.rule_id, "T008");
    assert_eq!(
        open.severity,
        Severity::Warning,
        "medium is the third level of four"
    );
    assert_eq!(
        open.reason,
        "open threat T008@web in shop (medium, ≥ medium) has no decision"
    );
    // Each problem points at the line to fix.
    for p in &g.problems {
        assert!(p.span.is_some(), "{p:?}");
    }
    assert_eq!(
        g.problems[1].reason,
        "acceptance of D002@web in shop expires on 2026-12-12, in 10 days (warning window 30 days)"
    );
}

#[test]
fn the_default_level_and_a_short_window_leave_fewer_problems() {
    let g = run(&GateOptions {
        fail_on: None,
        warn_days: Some(5),
    })
    .unwrap();
    assert_eq!(g.fail_on, "high", "the second-highest level");
    let kinds: Vec<ProblemKind> = g.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ProblemKind::AppetiteBreached,
            ProblemKind::AcceptanceExpired
        ]
    );
}

#[test]
fn an_unknown_level_is_the_users_mistake() {
    let e = run(&GateOptions {
        fail_on: Some("severe".into()),
        warn_days: None,
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown risk level `severe` for fail-on; the estate's levels are: low, medium, high, critical"
    );
}

#[test]
fn a_team_sees_its_threats_its_inherited_ones_and_its_acceptances() {
    let estate = load_estate(ROOT, &[SYSTEM]);
    let analysis = analyze(&estate);
    let a = assess(&estate, &analysis, &config(2_000, 7), None).unwrap();
    let v = team_view(&estate, &a, "web-team", today()).unwrap();
    assert_eq!(v.lead.as_deref(), Some("Ada"));
    assert_eq!(
        v.systems.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["shop"]
    );
    assert_eq!(v.threats[0].id, "T008@web", "largest first");
    let acceptances: Vec<(&str, Option<i64>, bool, bool)> = v
        .acceptances
        .iter()
        .map(|x| (x.threat.as_str(), x.days_left, x.expired, x.expiring))
        .collect();
    assert_eq!(
        acceptances,
        vec![
            ("shop:D002@web", Some(10), false, true),
            ("shop:S011@web", Some(-305), true, false),
        ]
    );
    let e = team_view(&estate, &a, "web", today()).unwrap_err();
    assert_eq!(e.known, ["web-team", "data-team"]);
}

#[test]
fn a_cancelled_assessment_stops_with_an_error_the_user_caused() {
    let estate = load_estate(ROOT, &[SYSTEM]);
    let analysis = analyze(&estate);
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let cfg = AssessConfig {
        cancel: Some(cancel),
        ..config(2_000, 7)
    };
    let e = assess(&estate, &analysis, &cfg, None).unwrap_err();
    assert_eq!(e, riskfirst_assess::AssessError::Cancelled);
    assert!(e.is_users());
    // A memory budget too small for any roll-up's years summarises every roll-up by a
    // sketch: the assessment still runs, with the same means, and says so.
    let cfg = AssessConfig {
        memory_budget: Some(1),
        ..config(2_000, 7)
    };
    let tight = assess(&estate, &analysis, &cfg, None).expect("runs within any budget");
    let full = assess(&estate, &analysis, &config(2_000, 7), None).expect("runs");
    let (t, f) = (
        &tight.organisation.annual_loss.current,
        &full.organisation.annual_loss.current,
    );
    assert!((t.mean_simulated - f.mean_simulated).abs() <= 1e-9 * f.mean_simulated.abs());
    assert_eq!(t.p_any_loss, f.p_any_loss);
    assert_eq!(f.percentile_error, 0.0);
    assert_eq!(t.percentile_error, riskfirst_risk::SKETCH_ERROR);
}
