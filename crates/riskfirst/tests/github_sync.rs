//! Tests of `scripts/github-sync.sh` against a fake `gh` that answers from a fixed list of
//! issues and records every call: a re-run updates, reopens and closes by key, and never
//! duplicates or touches what is not riskfirst's.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::{manifest_dir, riskfirst, run_cmd, Run, TempDir};
use serde_json::{json, Value};

/// A `gh` that logs its arguments and standard input, and answers the issue list by
/// applying the script's own `--jq` filter to `issues.json`, as gh does.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
dir=$(dirname "$0")
if [ "$1 $2" = "api --paginate" ]; then
  echo "LIST $3" >> "$dir/log"
  [ "$4" = "--jq" ] || { echo "fake gh: expected --jq" >&2; exit 9; }
  jq -r "$5" "$dir/issues.json"
  exit 0
fi
echo "CALL $*" >> "$dir/log"
echo "BODY $(jq -c . )" >> "$dir/log"
"#;

fn jq_available() -> bool {
    Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn export_demo(dir: &TempDir) -> Vec<Value> {
    let out = dir.path().join("work.json");
    let mut cmd = riskfirst();
    cmd.args([
        "export",
        "--demo",
        "--trials",
        "2000",
        "--to",
        "github-issues",
        "-o",
    ])
    .arg(&out);
    let run = run_cmd(cmd);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&fs::read_to_string(&out).expect("export written")).expect("JSON")
}

fn key_of(item: &Value) -> String {
    let body = item["body"].as_str().expect("body");
    let start = body.find("<!-- riskfirst-key: ").expect("marker") + 20;
    let end = start + body[start..].find(" -->").expect("marker end");
    body[start..end].to_string()
}

fn issue(number: u64, state: &str, body: &str) -> Value {
    json!({"number": number, "state": state, "title": "t", "body": body})
}

/// Runs the script with the fake gh first in PATH.
fn sync(dir: &TempDir, issues: &Value, extra: &[&str]) -> (Run, Vec<String>) {
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).expect("bin dir");
    let gh = bin.join("gh");
    fs::write(&gh, FAKE_GH).expect("fake gh");
    fs::set_permissions(&gh, fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::write(bin.join("issues.json"), issues.to_string()).expect("issues");
    let _ = fs::remove_file(bin.join("log"));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(manifest_dir().join("../../scripts/github-sync.sh"))
        .arg("acme/shop")
        .arg(dir.path().join("work.json"))
        .args(extra)
        .env("PATH", path);
    let run = run_cmd(cmd);
    let log = fs::read_to_string(bin.join("log")).unwrap_or_default();
    (run, log.lines().map(str::to_string).collect())
}

fn require_jq() -> bool {
    if jq_available() {
        return true;
    }
    assert!(
        std::env::var_os("RISKFIRST_REQUIRE_JQ").is_none(),
        "jq is required (RISKFIRST_REQUIRE_JQ is set) but not installed"
    );
    eprintln!("SKIPPED: jq is not installed; scripts/github-sync.sh needs it");
    false
}

#[test]
fn a_rerun_updates_reopens_and_closes_by_key_and_creates_only_what_is_new() {
    if !require_jq() {
        return;
    }
    let dir = TempDir::new("gh-sync");
    let items = export_demo(&dir);
    assert!(items.len() >= 3, "the demo exports at least three items");
    let (k0, k1) = (key_of(&items[0]), key_of(&items[1]));
    let existing = json!([
        issue(11, "open", &format!("old text\n<!-- riskfirst-key: {k0} -->\n")),
        issue(12, "closed", &format!("old\n<!-- riskfirst-key: {k1} -->")),
        issue(13, "open", "done\n<!-- riskfirst-key: control/retired-control -->"),
        issue(14, "closed", "<!-- riskfirst-key: control/long-gone -->"),
        // A person's issue with the label, and a pull request that carries a key: not ours.
        issue(15, "open", "please look at the WAF"),
        {"number": 16, "state": "open", "body": format!("<!-- riskfirst-key: {k0} -->"), "pull_request": {}},
        // A forged marker that is not a key in riskfirst's alphabet is ignored.
        issue(17, "open", "<!-- riskfirst-key: control/$(touch${IFS}pwned) -->"),
    ]);
    let (run, log) = sync(&dir, &existing, &[]);
    assert_eq!(run.code, 0, "{}\n{log:?}", run.stderr);
    let calls: Vec<&str> = log.iter().filter_map(|l| l.strip_prefix("CALL ")).collect();
    let bodies: Vec<Value> = log
        .iter()
        .filter_map(|l| l.strip_prefix("BODY "))
        .map(|b| serde_json::from_str(b).expect("JSON body"))
        .collect();
    assert_eq!(calls.len(), bodies.len());
    let new = items.len() - 2;
    // Created: every item but the two that had issues, each posted as exported.
    let posts: Vec<usize> = (0..calls.len())
        .filter(|&i| calls[i] == "api -X POST repos/acme/shop/issues --input -")
        .collect();
    assert_eq!(posts.len(), new);
    for (i, item) in posts.iter().zip(&items[2..]) {
        assert_eq!(&bodies[*i], item);
    }
    // Updated and reopened in place, with labels added rather than replaced.
    let at = |c: &str| {
        calls
            .iter()
            .position(|x| *x == c)
            .unwrap_or_else(|| panic!("no call {c}: {calls:?}"))
    };
    let p11 = at("api -X PATCH repos/acme/shop/issues/11 --input -");
    assert_eq!(
        bodies[p11],
        json!({"title": items[0]["title"], "body": items[0]["body"]})
    );
    assert_eq!(
        bodies[at("api -X POST repos/acme/shop/issues/11/labels --input -")],
        json!({"labels": items[0]["labels"]})
    );
    let p12 = at("api -X PATCH repos/acme/shop/issues/12 --input -");
    assert_eq!(bodies[p12]["state"], "open");
    // The open issue whose key is gone is commented on and closed; the closed one stays.
    let c13 = at("api -X PATCH repos/acme/shop/issues/13 --input -");
    assert_eq!(
        bodies[c13],
        json!({"state": "closed", "state_reason": "completed"})
    );
    assert!(calls.contains(&"api -X POST repos/acme/shop/issues/13/comments --input -"));
    for n in [14, 15, 16, 17] {
        assert!(
            !calls.iter().any(|c| c.contains(&format!("issues/{n}"))),
            "issue {n} was touched: {calls:?}"
        );
    }
    assert!(!dir.path().join("bin/pwned").exists() && !manifest_dir().join("pwned").exists());
    assert_eq!(
        run.stdout.trim(),
        format!("acme/shop: {new} created, 1 updated, 1 reopened, 1 closed")
    );

    // Run again on what the first run left: nothing is created twice.
    let mut after: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, it)| issue(100 + i as u64, "open", it["body"].as_str().expect("body")))
        .collect();
    after.push(issue(
        13,
        "closed",
        "<!-- riskfirst-key: control/retired-control -->",
    ));
    let (run, log) = sync(&dir, &Value::Array(after), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!log
        .iter()
        .any(|l| l == "CALL api -X POST repos/acme/shop/issues --input -"));
    assert_eq!(
        run.stdout.trim(),
        format!(
            "acme/shop: 0 created, {} updated, 0 reopened, 0 closed",
            items.len()
        )
    );
}

#[test]
fn a_dry_run_changes_nothing_and_bad_input_is_refused() {
    if !require_jq() {
        return;
    }
    let dir = TempDir::new("gh-sync-dry");
    let items = export_demo(&dir);
    let (run, log) = sync(&dir, &json!([]), &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(log.iter().all(|l| l.starts_with("LIST ")), "{log:?}");
    assert_eq!(
        run.stdout.matches("would: gh api -X POST").count(),
        items.len()
    );

    // Not an export: refused before any call.
    fs::write(dir.path().join("work.json"), r#"{"title": "x"}"#).expect("write");
    let (run, log) = sync(&dir, &json!([]), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("is not the JSON array of 'riskfirst export --to github-issues'"),
        "{}",
        run.stderr
    );
    assert!(log.is_empty());
    // An item without a key (hand-edited) is refused, not created blindly.
    fs::write(
        dir.path().join("work.json"),
        r#"[{"title": "x", "body": "no key", "labels": []}]"#,
    )
    .expect("write");
    let (run, _) = sync(&dir, &json!([]), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("item 1 of"), "{}", run.stderr);
    // A repository argument that is not OWNER/REPO.
    let mut cmd = Command::new("bash");
    cmd.arg(manifest_dir().join("../../scripts/github-sync.sh"))
        .args(["acme/shop/../x", "work.json"]);
    let run = run_cmd(cmd);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not OWNER/REPO"), "{}", run.stderr);
}
