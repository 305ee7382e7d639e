//! `riskfirst scorecard aws`: the evidence scan end to end (text, JSON, SARIF valid
//! against the official schema with unique fingerprints), and its hostile folders.

mod common;

use std::collections::HashSet;

use common::{riskfirst, run_cmd, Run, TempDir};
use serde_json::Value;

fn scorecard(args: &[&str]) -> Run {
    let mut c = riskfirst();
    c.arg("scorecard").arg("aws").args(args);
    run_cmd(c)
}

/// TerraGoat relative to the crate directory the tests run in, or `None` when absent.
fn terragoat() -> Option<&'static str> {
    let rel = "../../../shared/corpora/terragoat-aws";
    if common::manifest_dir().join(rel).is_dir() {
        return Some(rel);
    }
    assert!(
        std::env::var("RISKFIRST_REQUIRE_CORPORA").as_deref() != Ok("1"),
        "RISKFIRST_REQUIRE_CORPORA=1 but {rel} is absent"
    );
    eprintln!("skipped: the TerraGoat corpus is absent ({rel})");
    None
}

#[test]
fn terragoat_text_and_json() {
    let Some(dir) = terragoat() else {
        return;
    };
    let run = scorecard(&["--evidence", dir]);
    assert_eq!(run.code, 1, "failing checks exit 1\n{}", run.stderr);
    assert!(
        run.stdout.starts_with("AWS scorecard: 14 files read from"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Security Hub score"));
    // The riskiest come first and say where.
    let first = run.stdout.lines().find(|l| l.contains("critical")).unwrap();
    assert!(first.contains("ec2-user-data-no-secrets"), "{first}");
    assert!(run
        .stdout
        .contains("terragoat-aws/db-app.tf:22  `publicly_accessible` is true"));
    let json = scorecard(&["--evidence", dir, "--format", "json"]).json();
    assert_eq!(json["files"].as_array().unwrap().len(), 14);
    let hub = json["security_hub_score"].as_f64().unwrap();
    let weighted = json["risk_weighted_score"].as_f64().unwrap();
    assert!(hub > 0.0 && hub < 100.0 && weighted > 0.0 && weighted < 100.0);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings[0]["weight"], 10);
    assert!(findings
        .iter()
        .any(|f| f["check"] == "rds-instance-not-public"
            && f["fsbp"] == "RDS.2"
            && f["at"]["line"] == 22));
}

#[test]
fn terragoat_sarif_is_valid_with_unique_fingerprints() {
    let Some(dir) = terragoat() else {
        return;
    };
    let sarif = scorecard(&["--evidence", dir, "--format", "sarif"]).json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 50);
    let prints: HashSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["riskfirstThreat/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(prints.len(), results.len(), "fingerprints are unique");
    let public_db = results
        .iter()
        .find(|r| r["ruleId"] == "rds-instance-not-public")
        .unwrap();
    let loc = &public_db["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("terragoat-aws/db-app.tf"),
        "{loc}"
    );
    assert_eq!(loc["region"]["startLine"], 22);
    let Some(path) = common::sarif_schema() else {
        return;
    };
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(url, schema).unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    if let Err(e) = schemas.validate(&sarif, index) {
        panic!("the scorecard's SARIF is invalid:\n{e:#}");
    }
}

#[test]
fn clean_evidence_exits_0_and_hostile_folders_are_errors() {
    let dir = TempDir::new("scorecard");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = true\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.md"), "not evidence").unwrap();
    let run = scorecard(&["--evidence", dir.str()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("no check failed"), "{}", run.stdout);
    // A broken file is a warning with its position; the rest is still scanned.
    std::fs::write(dir.path().join("broken.json"), "{\"a\": ").unwrap();
    let run = scorecard(&["--evidence", dir.str()]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("broken.json:1:"), "{}", run.stderr);
    // A link out of the folder is refused, never followed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("outside.json")).unwrap();
        let run = scorecard(&["--evidence", dir.str()]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("resolves outside the evidence folder"),
            "{}",
            run.stderr
        );
    }
    let run = scorecard(&["--evidence", "no/such/dir"]);
    assert_eq!(run.code, 2);
}
