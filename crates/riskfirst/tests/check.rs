//! Tests of `riskfirst check`, the CI gate: exit codes and reasons on fixtures that each breach one condition, and SARIF checked against the official 2.1.0 schema.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The crate's directory: every command runs from here so paths in the output are stable.
fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/check/{name}")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a fixed day, no colour and no standard input.
fn run_on(today: &str, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_riskfirst"))
        .current_dir(manifest_dir())
        .env("NO_COLOR", "1")
        .env("RISKFIRST_TODAY", today)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().expect("the binary exits, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// `riskfirst check FIXTURE --trials 2000 EXTRA...` on 2026-12-01, expecting `code`.
fn check(name: &str, extra: &[&str], code: i32) -> Run {
    check_on("2026-12-01", name, extra, code)
}

fn check_on(today: &str, name: &str, extra: &[&str], code: i32) -> Run {
    let path = fixture(name);
    let mut args = vec!["check", path.as_str(), "--trials", "2000"];
    args.extend_from_slice(extra);
    let r = run_on(today, &args);
    assert_eq!(
        r.code, code,
        "riskfirst {args:?} exited {} (want {code})\nstdout:\n{}\nstderr:\n{}",
        r.code, r.stdout, r.stderr
    );
    r
}

/// The lines that fail the check: everything but warnings and the summary.
fn reasons(r: &Run) -> Vec<&str> {
    r.stdout
        .lines()
        .filter(|l| !l.starts_with("warning:") && !l.starts_with("check "))
        .collect()
}

#[test]
fn clean_estate_passes_with_a_summary() {
    let r = check("clean", &[], 0);
    assert!(reasons(&r).is_empty(), "{}", r.stdout);
    assert!(
        r.stdout.starts_with("check passed: 9 threats"),
        "{}",
        r.stdout
    );
}

#[test]
fn breached_appetite_fails_with_the_money() {
    let r = check("appetite", &[], 1);
    let lines = reasons(&r);
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0].starts_with("appetite: p90 of the organisation is €")
            && lines[0].ends_with(", above €10k"),
        "{}",
        lines[0]
    );
    assert!(r.stdout.contains("check failed: 1 reason"), "{}", r.stdout);
}

#[test]
fn open_high_threat_without_decision_fails() {
    let r = check("open-high", &[], 1);
    assert_eq!(
        reasons(&r),
        ["open threat S001@web-app@db in shop (high, ≥ high) has no decision"]
    );
}

#[test]
fn fail_on_changes_the_outcome() {
    // Raised above the only high threat: passes.
    check("open-high", &["--fail-on", "critical"], 0);
    // Lowered to medium: the clean estate's open medium threats now fail it.
    let r = check("clean", &["--fail-on", "medium"], 1);
    let lines = reasons(&r);
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(lines
        .iter()
        .all(|l| l.ends_with("(medium, ≥ medium) has no decision")));
    // An unknown level is a usage error, not a finding.
    let r = check("clean", &["--fail-on", "severe"], 2);
    assert!(
        r.stderr.contains("low, medium, high, critical"),
        "{}",
        r.stderr
    );
}

#[test]
fn expired_acceptance_fails() {
    let r = check("expired", &[], 1);
    assert_eq!(
        reasons(&r),
        ["acceptance of S001@web-app@db in shop expired on 2026-11-01"]
    );
}

#[test]
fn blank_risk_owner_fails_and_unreachable_team_and_unowned_assumption_warn() {
    let r = check("unowned", &[], 1);
    assert_eq!(
        reasons(&r),
        ["no owner: business risk customer-data-exposed: its `owner` is blank"]
    );
    let warnings: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: no owner: team web: owns 8 open threats and 0 controls but names no `lead` or `contact`",
            "warning: no owner: assumption cdn-terminates-tls in shop: no `owner`: nobody checks that it still holds",
        ]
    );
    // In SARIF, each points at the line to fix.
    let sarif: Value =
        serde_json::from_str(&check("unowned", &["--format", "sarif"], 1).stdout).expect("JSON");
    let results = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ruleId"] == "no-owner")
        .map(|r| {
            (
                r["level"].as_str().unwrap_or_default().to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
            )
        })
        .collect::<Vec<_>>();
    assert_eq!(
        results,
        [
            ("warning".to_string(), 7),
            ("error".to_string(), 10),
            ("warning".to_string(), 36),
        ]
    );
}

#[test]
fn acceptance_expiring_soon_warns_without_failing() {
    // The clean estate's acceptance ends on 2027-06-30: 15 days ahead.
    let r = check_on("2027-06-15", "clean", &[], 0);
    assert!(
        r.stdout.contains(
            "warning: acceptance of S001@web-app@db in shop expires on 2027-06-30, in 15 days (warning window 30 days)"
        ),
        "{}",
        r.stdout
    );
    // A narrower window drops the warning.
    let r = check_on("2027-06-15", "clean", &["--warn-days", "7"], 0);
    assert!(!r.stdout.contains("warning:"), "{}", r.stdout);
    // The day after, it has expired and fails.
    check_on("2027-07-01", "clean", &[], 1);
}

#[test]
fn invalid_model_fails_with_its_diagnostics() {
    let r = check("invalid", &[], 1);
    assert!(r.stderr.contains("error[E013]"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("check failed: the model has 1 validation error"),
        "{}",
        r.stdout
    );
}

#[test]
fn json_lists_failures_and_warnings() {
    let r = check("expired", &["--format", "json"], 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON output");
    assert_eq!(v["passed"], false);
    assert_eq!(v["fail_on"], "high");
    assert_eq!(v["failures"].as_array().map(Vec::len), Some(1));
}

fn demo_sarif() -> Value {
    let r = run_on(
        "2026-12-01",
        &["check", "--demo", "--trials", "2000", "--format", "sarif"],
    );
    // The demo breaches its appetite on purpose: the gate must say so.
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("SARIF is JSON")
}

#[test]
fn demo_sarif_has_rules_locations_and_stable_fingerprints() {
    let v = demo_sarif();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "riskfirst");
    let rules = driver["rules"].as_array().expect("rules");
    let i001 = rules
        .iter()
        .find(|r| r["id"] == "I001")
        .expect("the catalog's I001");
    assert!(i001["help"]["markdown"]
        .as_str()
        .is_some_and(|m| m.len() > 100));
    let tags: Vec<&str> = i001["properties"]["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(tags.contains(&"information-disclosure"), "{tags:?}");
    assert!(
        tags.iter().any(|t| t.starts_with("external/cwe/cwe-")),
        "{tags:?}"
    );

    let results = run["results"].as_array().expect("results");
    let ids: HashSet<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut fingerprints = HashSet::new();
    for r in results {
        let rule = r["ruleId"].as_str().expect("ruleId");
        assert!(ids.contains(rule), "{rule} is not among the rules");
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(
            uri.starts_with("northwind/") && (uri.ends_with(".yaml") || uri.ends_with(".json")),
            "{uri}"
        );
        assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l > 0));
        let fp = r["partialFingerprints"]["riskfirstThreat/v1"]
            .as_str()
            .expect("fingerprint");
        assert!(fingerprints.insert(fp.to_string()), "duplicate {fp}");
    }
    // The demo's open high threats and its breached appetite are all there.
    let rule_ids: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    assert!(
        rule_ids.contains(&"S002") && rule_ids.contains(&"E004"),
        "{rule_ids:?}"
    );
    assert!(rule_ids.contains(&"appetite-breached"), "{rule_ids:?}");
    assert!(fingerprints.contains("checkout:S002@merchant@merchant-api"));
    // Stable across runs: the same fingerprints again.
    let again: HashSet<String> = demo_sarif()["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["partialFingerprints"]["riskfirstThreat/v1"].as_str())
        .map(str::to_string)
        .collect();
    assert_eq!(again, fingerprints);
}

#[test]
fn demo_sarif_is_valid_against_the_official_schema() {
    let Some(path) = common::sarif_schema() else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("the schema is readable");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource(url, schema)
        .expect("the schema is added");
    let index = compiler
        .compile(url, &mut schemas)
        .expect("the schema compiles");

    let sarif = demo_sarif();
    if let Err(e) = schemas.validate(&sarif, index) {
        panic!("the demo's SARIF is invalid:\n{e:#}");
    }
    // The validator is live: a log without `runs` is rejected.
    let mut broken = sarif.clone();
    if let Some(o) = broken.as_object_mut() {
        o.remove("runs");
    }
    assert!(schemas.validate(&broken, index).is_err());
}
