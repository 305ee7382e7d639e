//! Tests of the estate view: `analyze --by team|system|business-risk` and `analyze --team`
//! on the demo estate (snapshots, and figures checked against the full JSON), unowned items.

mod common;

use common::{riskfirst, run_cmd, Run};
use serde_json::Value;

const TRIALS: &str = "5000";

fn analyze(args: &[&str]) -> Run {
    let mut cmd = riskfirst();
    cmd.args(["analyze", "--demo", "--trials", TRIALS])
        .args(args);
    let r = run_cmd(cmd);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    r
}

#[test]
fn rollup_tables_on_the_demo() {
    for (by, name) in [
        ("team", "by_team"),
        ("system", "by_system"),
        ("business-risk", "by_business_risk"),
    ] {
        let r = analyze(&["--by", by]);
        insta::assert_snapshot!(name, r.stdout);
    }
}

#[test]
fn team_view_on_the_demo() {
    let r = analyze(&["--team", "payments"]);
    insta::assert_snapshot!("team_payments", r.stdout);
}

/// The tables show the same figures as the full JSON, and own figures add up to the
/// organisation's while inherited ones are counted once for it.
#[test]
fn rollup_json_matches_the_assessment() {
    let full = analyze(&["--format", "json"]).json();
    let teams = analyze(&["--by", "team", "--format", "json"]).json();
    assert_eq!(teams, full["teams"]);
    let systems = analyze(&["--by", "system", "--format", "json"]).json();
    assert_eq!(systems, full["systems"]);
    let risks = analyze(&["--by", "business-risk", "--format", "json"]).json();
    assert_eq!(risks, full["business_risks"]);

    let mean = |v: &Value| v["current"]["mean"].as_f64().expect("a mean");
    let org = mean(&full["organisation"]["annual_loss"]);
    let own: f64 = full["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| mean(&t["annual_loss"]))
        .sum();
    assert!((org - own).abs() <= 1e-6 * org, "org {org}, teams {own}");
    // The demo shares the identity provider, the shared database and more: several
    // teams inherit, and what they live with is more than their own.
    let inheriting: Vec<&str> = full["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .filter(|t| !t["inherited"].is_null())
        .map(|t| t["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        inheriting,
        ["storefront", "payments", "data", "mobile", "back-office"]
    );
    for t in full["teams"].as_array().expect("teams") {
        if let Some(i) = t.get("inherited") {
            let lives = mean(&i["with_inherited"]);
            let sum = mean(&t["annual_loss"]) + mean(&i["annual_loss"]);
            assert!((lives - sum).abs() <= 1e-6 * lives, "{}", t["id"]);
        }
    }
}

#[test]
fn team_view_json_separates_own_and_inherited() {
    let v = analyze(&["--team", "payments", "--format", "json"]).json();
    assert_eq!(v["team"]["id"], "payments");
    assert_eq!(v["lead"], "Mateo Alvarez");
    let systems: Vec<&str> = v["systems"]
        .as_array()
        .expect("systems")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(systems, ["checkout"]);
    for t in v["threats"].as_array().expect("threats") {
        assert_eq!(t["owner"], "payments");
    }
    let inherited = v["inherited_threats"].as_array().expect("inherited");
    assert!(!inherited.is_empty());
    for t in inherited {
        assert_ne!(t["owner"], "payments");
        assert_eq!(t["system"], "platform");
        assert_eq!(t["status"], "open");
    }
    for c in v["controls"].as_array().expect("controls") {
        assert_eq!(c["owner"], "payments");
    }
    let acceptances = v["acceptances"].as_array().expect("acceptances");
    assert_eq!(acceptances.len(), 1);
    assert_eq!(
        acceptances[0]["threat"],
        "checkout:I001@payment-service@order-events"
    );
    // 2026-12-01 (the tests' day) to 2027-06-30.
    assert_eq!(acceptances[0]["days_left"], 211);
    assert_eq!(acceptances[0]["expiring"], false);
}

#[test]
fn an_unknown_team_is_a_clear_error_before_any_simulation() {
    let mut cmd = riskfirst();
    cmd.args(["analyze", "--demo", "--team", "paymnts"]);
    let r = run_cmd(cmd);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("error: no team has the id `paymnts`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `payments`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn unowned_items_are_listed() {
    let mut cmd = riskfirst();
    cmd.args([
        "analyze",
        "tests/fixtures/check/unowned",
        "--trials",
        "2000",
        "--format",
        "json",
    ]);
    let r = run_cmd(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let unowned: Vec<(String, String)> = r.json()["unowned"]
        .as_array()
        .expect("unowned")
        .iter()
        .map(|u| {
            (
                u["kind"].as_str().unwrap_or_default().to_string(),
                u["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let pair = |k: &str, i: &str| (k.to_string(), i.to_string());
    assert_eq!(
        unowned,
        [
            pair("team", "web"),
            pair("business-risk", "customer-data-exposed"),
            pair("assumption", "cdn-terminates-tls"),
        ]
    );
    let mut cmd = riskfirst();
    cmd.args([
        "analyze",
        "tests/fixtures/check/unowned",
        "--trials",
        "2000",
    ]);
    let text = run_cmd(cmd).stdout;
    assert!(
        text.contains("UNOWNED nobody answers for these\n  team `web`: owns 8 open threats"),
        "{text}"
    );
}
