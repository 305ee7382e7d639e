//! Exact values of the assessment on estates small enough to compute by hand (see docs/risk-model.md).

mod common;

use common::{assess, close, load_estate, threat};
use riskfirst_assess::frequency::{FrequencySource, MAX_ADJUSTMENT};
use riskfirst_assess::{Action, Assessment};

/// Two business risks of fixed loss: 100,000 per event, and a fine of 40,000 that follows
/// one event in four. `{APPETITE}` and `{RISK}` are filled in per test.
const ROOT: &str = "riskfirst: 1
organisation: { name: Test, currency: EUR }
teams:
  - { id: team, name: Team }
business_risks:
  - { id: breach, title: Customer data is stolen, owner: CISO, loss_per_event: { low: 100_000, high: 100_000 } }
  - { id: fine, title: A regulator fines us, owner: Legal, loss_per_event: { low: 40_000, high: 40_000 }{PROBABILITY} }
appetite:
{APPETITE}
zones:
  - { id: internet, trust: 0 }
  - { id: private, trust: 90 }
{RISK}";

/// A shopper, a web application and its database. Every threat the rules find is marked
/// not applicable except `T008@web` (script injection), whose frequency a decision fixes
/// at exactly 0.5 events a year.
const SYSTEM: &str = "riskfirst: 1
system: { id: shop, name: Shop, owner: team }
data:
  - { id: customers, name: Customers, classification: internal, business_risks: [{DATA_RISKS}] }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: private, processes: [customers] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers], encrypted_at_rest: true }
flows:
  - { id: user-to-web, from: user, to: web, protocol: https, authentication: session, data: [customers] }
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: true, authentication: password, data: [customers] }
threats:
  - { id: \"*\", status: not-applicable, justification: Only one threat is studied here. }
  - { id: T008@web, {DECISION} frequency: { low: 0.5, high: 0.5 } }
{CONTROLS}";

struct Case<'a> {
    appetite: &'a str,
    probability: &'a str,
    risk: &'a str,
    data_risks: &'a str,
    decision: &'a str,
    controls: &'a str,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case {
            appetite: "  - { business_risk: breach, max_annual_loss: { mean: 10_000 } }",
            probability: ", probability: 0.25",
            risk: "",
            data_risks: "breach",
            decision: "",
            controls: "",
        }
    }
}

impl Case<'_> {
    fn run(&self, trials: u64) -> Assessment {
        let root = ROOT
            .replace("{APPETITE}", self.appetite)
            .replace("{PROBABILITY}", self.probability)
            .replace("{RISK}", self.risk);
        let system = SYSTEM
            .replace("{DATA_RISKS}", self.data_risks)
            .replace("{DECISION}", self.decision)
            .replace("{CONTROLS}", self.controls);
        assess(&load_estate(&root, &[&system]), trials, 7)
    }
}

/// One control acting on `T008@web`.
fn control(status: &str, reduces: &str, effectiveness: &str) -> String {
    format!(
        "controls:
  - id: csp
    title: Content security policy
    owner: team
    status: {status}
    cost: {{ once: 3_000, yearly: 1_000 }}
    mitigates: [ {{ threats: [T008@web], reduces: {reduces}, effectiveness: {effectiveness} }} ]"
    )
}

#[test]
fn one_threat_by_hand() {
    // Rate 0.5 a year (fixed by the decision), one business risk of exactly 100,000 an
    // event, no controls:
    //   expected annual loss = 0.5 × 100,000 = 50,000 in every stage;
    //   likelihood = 0.5 events a year: `likely` (0.3 ≤ 0.5 < 2 on the default scale);
    //   impact = 50,000 / 0.5 = 100,000 per event: `medium` (50,000 ≤ x < 500,000);
    //   level = default matrix at (likely = 2, medium = 1): round((2 + 1) · 3 / 6) = 2, `high`;
    //   the appetite (mean of `breach` ≤ 10,000) is breached and this threat is 100% of it,
    //   so: mitigate.
    // The annual loss is 100,000 × N with N ~ Poisson(0.5): P(N = 0) = 0.6065,
    // P(N ≤ 1) = 0.9098, P(N ≤ 2) = 0.9856, P(N ≤ 3) = 0.9982, so at 100,000 trials
    // p50 = 0, p90 = 100,000, p95 = 200,000 and p99 = 300,000 (each empirical CDF is at
    // least 10 standard errors away from the level where the answer would change).
    let a = Case::default().run(100_000);
    let t = threat(&a, "T008@web");
    assert_eq!(t.frequency.source, FrequencySource::Decision);
    assert!(t.frequency.adjustments.is_empty());
    assert_eq!(
        (t.frequency.low, t.frequency.high, t.frequency.mean),
        (0.5, 0.5, 0.5)
    );
    assert_eq!(t.business_risks, vec!["breach"]);
    // The threat is the only way into the only scenario: closing it removes everything.
    let v = t.value.as_ref().expect("an open threat has money");
    assert_eq!(
        (v.inherent, v.current, v.projected, v.alone),
        (50_000.0, 50_000.0, 50_000.0, 50_000.0)
    );
    assert!(v.together_with.is_empty());
    assert_eq!(t.scenarios, vec!["data:shop/customers"]);
    let l = &a.organisation.annual_loss;
    for stage in [&l.inherent, &l.current, &l.projected] {
        assert_eq!(stage.mean, 50_000.0);
        assert_eq!(stage.p50, 0.0);
        assert_eq!(stage.p90, 100_000.0);
        assert_eq!(stage.p95, 200_000.0);
        assert_eq!(stage.p99, 300_000.0);
        let p = 1.0 - (-0.5f64).exp();
        let se = (p * (1.0 - p) / 100_000.0).sqrt();
        assert!(
            (stage.p_any_loss - p).abs() < 4.0 * se,
            "{}",
            stage.p_any_loss
        );
        // Var = λ·L² = 0.5 × 1e10, so the standard error of the mean is about 224.
        assert!((stage.mean_simulated - 50_000.0).abs() < 4.0 * 224.0);
    }
    assert_eq!(t.level.events_per_year, 0.5);
    assert_eq!(t.level.loss_per_event, 100_000.0);
    assert_eq!(
        (
            t.level.likelihood.as_str(),
            t.level.impact.as_str(),
            t.level.level.as_str()
        ),
        ("likely", "medium", "high")
    );
    assert_eq!(t.recommendation.action, Action::Mitigate);
    assert_eq!(
        t.recommendation.reason,
        "`breach` (mean) is over its appetite; closing this goes 100% of the way back to the limit (€50k a year)"
    );
    // The only threat that counts: every roll-up that holds it has the same money.
    assert_eq!(a.organisation.annual_loss.current.mean, 50_000.0);
    assert_eq!(a.organisation.level.level, "high");
    assert_eq!(a.systems[0].annual_loss.current.mean, 50_000.0);
    assert_eq!(a.teams[0].annual_loss.current.mean, 50_000.0);
    let breach = &a.business_risks[0];
    assert_eq!(breach.id, "breach");
    assert_eq!(breach.annual_loss.current.mean, 50_000.0);
    assert_eq!(breach.top_threats[0].mean, 50_000.0);
    let appetite = &a.appetite[0];
    assert_eq!(
        (appetite.measure.as_str(), appetite.breached),
        ("mean", true)
    );
    assert_eq!(appetite.current.as_f64(), Some(50_000.0));
    assert_eq!(a.summary.appetite_breached, 1);
}

#[test]
fn under_appetite_is_accepted_and_above_the_open_level_is_mitigated() {
    // The same threat (50,000 a year, level `high`) against a looser limit: accept.
    let loose = Case {
        appetite: "  - { business_risk: breach, max_annual_loss: { mean: 100_000 } }",
        ..Case::default()
    }
    .run(2_000);
    let t = threat(&loose, "T008@web");
    assert_eq!(t.recommendation.action, Action::Accept);
    assert_eq!(
        t.recommendation.reason,
        "every appetite statement it touches holds with it open: level `high`, closing it removes €50k a year"
    );
    // No open threat above `medium`: the level decides first.
    let strict = Case {
        appetite: "  - { business_risk: breach, max_annual_loss: { mean: 100_000 } }\n  - { max_open_level: medium }",
        ..Case::default()
    }
    .run(2_000);
    let t = threat(&strict, "T008@web");
    assert_eq!(t.recommendation.action, Action::Mitigate);
    assert_eq!(
        t.recommendation.reason,
        "its level `high` is above the appetite (`medium`); closing it removes €50k a year"
    );
    // An organisation-wide limit counts too: this threat is all of the organisation's loss.
    let organisation = Case {
        appetite: "  - { max_annual_loss: { mean: 40_000 } }",
        ..Case::default()
    }
    .run(2_000);
    let t = threat(&organisation, "T008@web");
    assert_eq!(t.recommendation.action, Action::Mitigate);
    assert_eq!(
        t.recommendation.reason,
        "the organisation (mean) is over its appetite; closing this goes 100% of the way back to the limit (€50k a year)"
    );
    let open_level = strict
        .appetite
        .iter()
        .find(|x| x.measure == riskfirst_assess::Measure::MaxOpenLevel)
        .expect("the statement is reported");
    assert!(open_level.breached);
    assert_eq!(open_level.current, riskfirst_assess::Figure::Count(1));
}

#[test]
fn a_control_of_effectiveness_one_half_halves_the_loss_where_it_counts() {
    let by = |status: &str, reduces: &str| {
        let a = Case {
            controls: &control(status, reduces, "0.5"),
            ..Case::default()
        }
        .run(2_000);
        let l = &a.organisation.annual_loss;
        (l.inherent.mean, l.current.mean, l.projected.mean)
    };
    // Verified: counts in current and projected, fully.
    assert_eq!(by("verified", "frequency"), (50_000.0, 25_000.0, 25_000.0));
    assert_eq!(by("verified", "loss"), (50_000.0, 25_000.0, 25_000.0));
    // Planned and in progress: only in projected.
    assert_eq!(by("planned", "frequency"), (50_000.0, 50_000.0, 25_000.0));
    assert_eq!(by("in-progress", "loss"), (50_000.0, 50_000.0, 25_000.0));
    // Implemented but not verified: at the default weight 0.5, effectiveness 0.25, now:
    // 50,000 × 0.75; projected, once verified, in full. So moving a control forward never
    // raises a figure: planned (50,000, 25,000) ≥ implemented (37,500, 25,000) ≥ verified.
    assert_eq!(
        by("implemented", "frequency"),
        (50_000.0, 37_500.0, 25_000.0)
    );
}

#[test]
fn the_unverified_weight_is_the_estates_and_the_levels_follow_the_frequency() {
    let a = Case {
        risk: "risk: { unverified_weight: 0.8 }",
        controls: &control("implemented", "frequency", "0.5"),
        ..Case::default()
    }
    .run(2_000);
    assert_eq!(a.settings.unverified_weight, 0.8);
    let t = threat(&a, "T008@web");
    let l = &a.organisation.annual_loss;
    // Effectiveness 0.5 × 0.8 = 0.4: 50,000 × 0.6 now; verified in the projected stage.
    assert!(close(l.current.mean, 30_000.0, 1e-12), "{}", l.current.mean);
    assert!(close(l.projected.mean, 25_000.0, 1e-12));
    // Likelihood 0.5 × 0.6 = 0.3 events a year, impact 100,000 an event: the two views
    // multiply back to the expected annual loss.
    assert!(close(t.level.events_per_year, 0.3, 1e-12));
    assert!(close(t.level.loss_per_event, 100_000.0, 1e-12));
    assert!(close(
        t.level.events_per_year * t.level.loss_per_event,
        l.current.mean,
        1e-12
    ));
    // The control's return: it removes 20,000 a year for 1,000 + 3,000 / 3 = 2,000 a year.
    let c = &a.controls[0];
    assert!(close(c.loss_removed, 20_000.0, 1e-12));
    assert_eq!(c.annual_cost, 2_000.0);
    assert!(close(c.rosi.expect("not free"), 9.0, 1e-12));
}

#[test]
fn a_transferred_threat_costs_nothing_from_the_current_stage_on() {
    let a = Case {
        decision: "status: transferred, justification: Insured.,",
        ..Case::default()
    }
    .run(5_000);
    let t = threat(&a, "T008@web");
    assert_eq!(t.recommendation.action, Action::Keep);
    assert!(t.value.is_some(), "a transferred threat still has money");
    let l = &a.organisation.annual_loss;
    assert_eq!(l.inherent.mean, 50_000.0);
    for stage in [&l.current, &l.projected] {
        assert_eq!(stage.mean, 0.0);
        assert_eq!(stage.mean_simulated, 0.0);
        assert_eq!((stage.p99, stage.p_any_loss), (0.0, 0.0));
        assert!(stage.lec.is_empty());
    }
    assert_eq!(a.organisation.annual_loss.current.mean, 0.0);
    assert_eq!(a.organisation.annual_loss.inherent.mean, 50_000.0);
}

#[test]
fn not_applicable_threats_have_no_money_and_add_none() {
    let a = Case::default().run(2_000);
    let t = threat(&a, "T001@web@db");
    assert!(t.value.is_none());
    assert_eq!(t.recommendation.action, Action::Keep);
    let json = serde_json::to_value(&a).expect("serialisable");
    let out = json["threats"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["id"] == "T001@web@db"))
        .expect("listed");
    assert!(out["value"].is_null());
    // Only T008@web counts. `fine` is reached by nothing: its loss is 0, never `-0.0`.
    assert_eq!(a.summary.by_status.not_applicable, a.threats.len() - 1);
    let text = serde_json::to_string(&a).expect("serialisable");
    assert!(!text.contains(":-0.0,") && !text.contains(":-0.0}"));
    let fine = a
        .business_risks
        .iter()
        .find(|r| r.id == "fine")
        .expect("listed");
    assert!(fine.annual_loss.current.mean.is_sign_positive());
    assert_eq!(a.organisation.annual_loss.inherent.mean, 50_000.0);
}

#[test]
fn a_probability_of_one_quarter_quarters_the_contribution() {
    // Each event costs 100,000 to `breach` and, one time in four, 40,000 to `fine`:
    //   `fine`: 0.5 × 40,000 × 0.25 = 5,000 a year; `breach`: 50,000; the threat 55,000.
    let quarter = Case {
        data_risks: "breach, fine",
        ..Case::default()
    }
    .run(20_000);
    let always = Case {
        data_risks: "breach, fine",
        probability: "",
        ..Case::default()
    }
    .run(20_000);
    let fine = |a: &Assessment| {
        a.business_risks
            .iter()
            .find(|r| r.id == "fine")
            .map(|r| r.annual_loss.current.mean)
            .expect("listed")
    };
    assert_eq!(fine(&quarter), 5_000.0);
    assert_eq!(fine(&always), 20_000.0);
    assert_eq!(fine(&quarter), 0.25 * fine(&always));
    let t = threat(&quarter, "T008@web");
    assert_eq!(t.value.as_ref().map(|v| v.current), Some(55_000.0));
    // The breached appetite is `breach`'s: closing the threat removes all 50,000 of it.
    assert_eq!(
        t.recommendation.reason,
        "`breach` (mean) is over its appetite; closing this goes 100% of the way back to the limit (€55k a year)"
    );
    // Each business risk's top threat holds its own share, probability included.
    for (id, share) in [("breach", 50_000.0), ("fine", 5_000.0)] {
        let r = quarter
            .business_risks
            .iter()
            .find(|r| r.id == id)
            .expect("listed");
        assert!(
            close(r.top_threats[0].mean, share, 1e-12),
            "{id}: {:?}",
            r.top_threats
        );
    }
    // The fine follows about a quarter of the events: P(any fine in a year) =
    // 1 − exp(−0.5 × 0.25).
    let p = 1.0 - (-0.125f64).exp();
    let r = quarter
        .business_risks
        .iter()
        .find(|r| r.id == "fine")
        .expect("listed");
    let se = (p * (1.0 - p) / 20_000.0).sqrt();
    assert!((r.annual_loss.current.p_any_loss - p).abs() < 4.0 * se);
}

// ---------------------------------------------------------------------------------------
// Frequency adjustments.

const ADJ_ROOT: &str = "riskfirst: 1
organisation: { name: Test, currency: EUR }
teams:
  - { id: team, name: Team }
business_risks:
  - { id: breach, title: Customer data is stolen, owner: CISO, loss_per_event: { low: 100_000, high: 1_000_000 } }
zones:
  - { id: internet, trust: 0 }
  - { id: private, trust: 90 }
";

/// An internet-facing web application behind a WAF, with 2 million restricted records,
/// reached by shoppers (`{AUTH}`) and calling its database with a password.
const ADJ_SYSTEM: &str = "riskfirst: 1
system: { id: shop, name: Shop, owner: team }
data:
  - { id: customers, name: Customers, classification: restricted, records: 2_000_000, business_risks: [breach] }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: private, internet_facing: true, {WAF} processes: [customers] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers], encrypted_at_rest: true }
flows:
  - { id: user-to-web, from: user, to: web, protocol: https, authentication: {AUTH}, data: [customers] }
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: true, authentication: password, data: [customers] }
{THREATS}";

fn adjusted(risk: &str, waf: &str, auth: &str, threats: &str) -> Assessment {
    let system = ADJ_SYSTEM
        .replace("{WAF}", waf)
        .replace("{AUTH}", auth)
        .replace("{THREATS}", threats);
    assess(
        &load_estate(&format!("{ADJ_ROOT}{risk}"), &[&system]),
        1_000,
        3,
    )
}

fn names<'a>(a: &'a Assessment, id: &str) -> Vec<(&'a str, f64)> {
    threat(a, id)
        .frequency
        .adjustments
        .iter()
        .map(|x| (x.name.as_str(), x.factor))
        .collect()
}

fn range(a: &Assessment, id: &str) -> (f64, f64) {
    let f = &threat(a, id).frequency;
    (f.low, f.high)
}

/// The base range of a built-in rule, so the tests hold when base rates are recalibrated.
fn base(code: &str) -> (f64, f64) {
    riskfirst_rules::rule_catalog(&[])
        .into_iter()
        .find(|r| r.code == code)
        .map(|r| (r.frequency.low, r.frequency.high))
        .expect("a built-in rule")
}

/// Asserts that the threat's range is its rule's base range times `k`.
fn assert_scaled(a: &Assessment, id: &str, k: f64) {
    let (low, high) = base(&id[..4]);
    assert_eq!(threat(a, id).frequency.base, (low, high));
    assert_range(a, id, low * k, high * k);
}

fn assert_range(a: &Assessment, id: &str, low: f64, high: f64) {
    let (l, h) = range(a, id);
    assert!(
        close(l, low, 1e-12) && close(h, high, 1e-12),
        "{id}: {l}..{h}, expected {low}..{high}"
    );
}

#[test]
fn adjustments_multiply_the_rule_range_as_documented() {
    let a = adjusted("", "waf: true,", "session", "");
    // T008@web (tampering): internet-facing ×2 (which takes the place of
    // from-less-trusted-zone), session sign-in is neither missing nor weak, WAF ×0.6: ×1.2.
    // What the data is worth to an attacker belongs to the asset, not the way in.
    assert_eq!(
        names(&a, "T008@web"),
        vec![("internet-facing", 2.0), ("waf", 0.6)]
    );
    assert_eq!(
        threat(&a, "T008@web").frequency.source,
        FrequencySource::Rule
    );
    assert_scaled(&a, "T008@web", 2.0 * 0.6);
    // T001@web@db (tampering through the flow web → db): the database is
    // not exposed and the flow stays in one zone; it authenticates with a password ×1.2;
    // the database has no WAF.
    assert_eq!(names(&a, "T001@web@db"), vec![("weak-authentication", 1.2)]);
    assert_scaled(&a, "T001@web@db", 1.2);
    // The data asset both lead into: restricted ×1.5, 2,000,000 records ×1.3.
    let scenario = a
        .scenarios
        .iter()
        .find(|s| s.key == "data:shop/customers")
        .expect("the data asset is a scenario");
    let factors: Vec<(&str, f64)> = scenario
        .attractiveness_factors
        .iter()
        .map(|x| (x.name.as_str(), x.factor))
        .collect();
    assert_eq!(
        factors,
        vec![("restricted-data", 1.5), ("many-records", 1.3)]
    );
    assert!(close(scenario.attractiveness, 1.5 * 1.3, 1e-12));
    // The mean is that of the lognormal with this 90% range.
    let f = &threat(&a, "T008@web").frequency;
    let sigma = (f.high / f.low).ln() / (2.0 * 1.644_853_626_951_472_2);
    assert!(close(
        f.mean,
        (f.low * f.high).sqrt() * (sigma * sigma / 2.0).exp(),
        1e-12
    ));
}

#[test]
fn the_product_of_adjustments_is_capped() {
    // Without the WAF and with no sign-in: ×2 × 1.5 = ×3, under the cap.
    let a = adjusted("", "", "none", "");
    assert_eq!(
        names(&a, "T008@web"),
        vec![("internet-facing", 2.0), ("no-authentication", 1.5)]
    );
    assert_scaled(&a, "T008@web", 3.0);
    // Made larger by the estate (internet ×3): ×4.5, capped at ×4.
    let big = adjusted(
        "risk:\n  adjustments:\n    - { name: internet-facing, factor: 3 }\n",
        "",
        "none",
        "",
    );
    assert_eq!(MAX_ADJUSTMENT, 4.0);
    assert_scaled(&big, "T008@web", MAX_ADJUSTMENT);
}

#[test]
fn the_estate_changes_factors_and_overrides_frequencies() {
    let risk = "risk:
  adjustments:
    - { name: waf, factor: 0.5 }
    - { name: many-records, factor: 1 }
  overrides:
    - { rule: T001, frequency: { low: 0.2, high: 0.2 } }
    - { rule: T009, frequency: { low: 0.3, high: 0.3 } }
    - { threat: \"T009@*\", frequency: { low: 0.1, high: 0.4 } }
";
    let a = adjusted(risk, "waf: true,", "session", "");
    // waf now halves: ×2 × 0.5 = ×1; a factor of 1 removes an adjustment (many-records
    // no longer makes the data more attractive).
    assert_eq!(
        names(&a, "T008@web"),
        vec![("internet-facing", 2.0), ("waf", 0.5)]
    );
    assert_scaled(&a, "T008@web", 2.0 * 0.5);
    let scenario = a
        .scenarios
        .iter()
        .find(|s| s.key == "data:shop/customers")
        .expect("a scenario");
    assert!(close(scenario.attractiveness, 1.5, 1e-12));
    // An override by rule replaces the range; no adjustment applies on top.
    let t = threat(&a, "T001@web@db");
    assert_eq!(t.frequency.source, FrequencySource::Override);
    assert!(t.frequency.adjustments.is_empty());
    assert_eq!(range(&a, "T001@web@db"), (0.2, 0.2));
    // An override by threat pattern beats one by rule.
    assert_eq!(range(&a, "T009@web"), (0.1, 0.4));

    // A decision's frequency beats every override.
    let decided = adjusted(
        risk,
        "waf: true,",
        "session",
        "threats:\n  - { id: T001@web@db, frequency: { low: 0.7, high: 0.7 } }",
    );
    let t = threat(&decided, "T001@web@db");
    assert_eq!(t.frequency.source, FrequencySource::Decision);
    assert_eq!((t.frequency.low, t.frequency.high), (0.7, 0.7));
}
