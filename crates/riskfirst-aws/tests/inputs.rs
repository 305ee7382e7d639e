//! Each input kind on a fixture written for it, with the exact findings expected, and
//! its hostile cases: malformed, too deep, wrong shapes; each a clear error, never a panic.

use riskfirst_aws::{scan, scorecard, InputError, InputFile};

fn findings(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(p, t)| InputFile {
            path: p,
            bytes: t.as_bytes(),
        })
        .collect();
    let s = scan(&inputs);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let mut out: Vec<(String, String, String)> = scorecard(&s)
        .findings
        .iter()
        .map(|f| (f.check.to_string(), f.resource.clone(), f.at.to_string()))
        .collect();
    out.sort();
    out
}

fn errors(files: &[(&str, &[u8])]) -> Vec<InputError> {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(p, b)| InputFile { path: p, bytes: b })
        .collect();
    scan(&inputs).errors
}

fn has(found: &[(String, String, String)], check: &str, resource: &str, at: &str) -> bool {
    found
        .iter()
        .any(|(c, r, a)| c == check && r == resource && a == at)
}

#[test]
fn terraform_plan_json() {
    let plan = include_str!("fixtures/plan.json");
    let found = findings(&[("plan.json", plan)]);
    assert!(
        has(
            &found,
            "rds-instance-not-public",
            "aws_db_instance.orders",
            "plan.json#aws_db_instance.orders"
        ),
        "{found:#?}"
    );
    assert!(has(
        &found,
        "s3-bucket-no-public-read",
        "aws_s3_bucket.exports",
        "plan.json#aws_s3_bucket.exports"
    ));
    assert!(has(
        &found,
        "ec2-sg-no-world-rdp",
        "module.net.aws_security_group.admin",
        "plan.json#module.net.aws_security_group.admin"
    ));
    // The variable's value in the plan (from tfvars) is what is flagged, without being shown.
    assert!(has(
        &found,
        "iac-variable-no-default-secret",
        "var.db_password",
        "plan.json"
    ));
    // Passed: encrypted, backed up, not a default administrator name.
    for check in [
        "rds-storage-encrypted",
        "rds-backup-enabled",
        "rds-custom-admin-name",
        "rds-multi-az",
    ] {
        assert!(!found.iter().any(|(c, _, _)| c == check), "{check}");
    }
}

#[test]
fn terraform_variables_across_files_of_one_module() {
    let vars = "variable \"admin_password\" {\n  default = \"SuperSecret123\"\n}\n";
    let main = "resource \"aws_db_instance\" \"a\" {\n  password = var.admin_password\n  storage_encrypted = true\n}\n";
    let found = findings(&[
        ("infra/variables.tf", vars),
        ("infra/main.tf", main),
        ("other/main.tf", "variable \"token\" {}\n"),
    ]);
    assert!(
        has(
            &found,
            "iac-variable-no-default-secret",
            "var.admin_password",
            "infra/variables.tf:1"
        ),
        "{found:#?}"
    );
    // A variable without a default is no finding.
    assert!(!found.iter().any(|(_, r, _)| r == "var.token"));
}

#[test]
fn hostile_inputs_are_clear_errors() {
    let deep = format!(
        "{{\"format_version\": \"1\", \"planned_values\": {}{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let e = errors(&[
        ("broken.json", b"{\"format_version\": "),
        ("deep.json", deep.as_bytes()),
        ("binary.tf", &[0xff, 0xfe, 0x00]),
        ("wrong.json", b"{\"format_version\": \"1\", \"planned_values\": {\"root_module\": {\"resources\": [{\"type\": 3}]}}}"),
    ]);
    let shown: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 4, "{shown:#?}");
    assert!(shown[0].starts_with("broken.json:1:"), "{}", shown[0]);
    assert!(
        shown[1].contains("nested more than 128 levels"),
        "{}",
        shown[1]
    );
    assert!(shown[2].starts_with("binary.tf: not UTF-8"), "{}", shown[2]);
    assert!(
        shown[3].contains("a resource without `address`"),
        "{}",
        shown[3]
    );
    for err in &e {
        assert!(!err.hint().is_empty());
    }
    // Files the scan does not know are skipped, not errors.
    assert!(errors(&[("README.md", b"# notes"), ("collect.sh", b"aws ...")]).is_empty());
}
