//! Integration tests of `riskfirst diff`: fixture pairs covering every kind of change, exit codes, and two git revisions.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

mod common;
use common::{manifest_dir, riskfirst, run_cmd, Run};

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures").join(name)
}

fn run(args: &[&str], dir: Option<&Path>) -> Run {
    let mut cmd = riskfirst();
    cmd.arg("diff").args(args).args(["--trials", "2000"]);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    run_cmd(cmd)
}

fn pair(extra: &[&str]) -> Run {
    let (old, new) = (fixture("diff/old"), fixture("diff/new"));
    let mut args = vec![
        old.to_str().expect("UTF-8 path"),
        new.to_str().expect("UTF-8 path"),
    ];
    args.extend_from_slice(extra);
    run(&args, None)
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|t| t["id"].as_str().expect("an id").to_string())
        .collect()
}

fn changed<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["changed"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| {
            panic!(
                "{id} is not among the changed threats: {:?}",
                ids(&d["changed"])
            )
        })
}

fn fields(d: &Value, id: &str) -> Vec<String> {
    changed(d, id)["fields"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| f.as_str().expect("a field").to_string())
        .collect()
}

#[test]
fn the_fixture_pair_shows_every_kind_of_change() {
    let r = pair(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.json();
    // A new unencrypted flow brings I001 and the credential and data-flow threats on it.
    assert_eq!(
        ids(&d["added"]),
        [
            "I001@database@log-store",
            "S010@database@log-store",
            "T092@database@log-store"
        ]
    );
    // Deleting a component removes its threats.
    assert_eq!(ids(&d["removed"]), ["T006@web-app@legacy-ftp"]);
    // The acceptance changes the status; the log store changed team, so the owner too; the
    // new flow is another way into the same data, so closing S002 alone is worth less.
    assert_eq!(
        fields(&d, "S002@web-app@log-store"),
        ["status", "owner", "loss"]
    );
    assert_eq!(
        changed(&d, "S002@web-app@log-store")["new"]["status"],
        "accepted"
    );
    assert_eq!(fields(&d, "D001@log-store"), ["owner"]);
    assert_eq!(changed(&d, "D001@log-store")["new"]["owner"], "platform");
    // More records make the data more attractive: closing the injection is worth more.
    assert_eq!(fields(&d, "T001@web-app@database"), ["loss"]);
    let t = changed(&d, "T001@web-app@database");
    assert!(t["money"]["mean_change"].as_f64().expect("a number") > 0.0);
    // Threats neither the records nor the owner touch are not listed.
    assert!(d["changed"]
        .as_array()
        .expect("a list")
        .iter()
        .all(|t| t["id"] != "T097@web-app"));

    let org = &d["organisation"];
    assert!(
        org["mean_change"].as_f64().expect("a number") > 0.0,
        "{org}"
    );
    assert!(org["p90_change"].as_f64().expect("a number") > 0.0, "{org}");
    // The data risks rise; the outage risk is about the service, which nothing here changes.
    for r in d["business_risks"].as_array().expect("a list") {
        assert_eq!(r["presence"], "both");
        let change = r["mean_change"].as_f64().expect("a number");
        if r["id"] == "shop-outage" {
            assert_eq!(change, 0.0, "{r}");
        } else {
            assert!(change > 0.0, "{r}");
        }
    }
    assert_eq!(d["comparable"], true);
}

#[test]
fn reversed_the_money_falls_by_the_same_amount() {
    let forward = pair(&["--format", "json"]).json();
    let (old, new) = (fixture("diff/old"), fixture("diff/new"));
    let r = run(
        &[
            new.to_str().expect("UTF-8"),
            old.to_str().expect("UTF-8"),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let back = r.json();
    assert_eq!(ids(&back["added"]), ids(&forward["removed"]));
    assert_eq!(ids(&back["removed"]), ids(&forward["added"]));
    let f = forward["organisation"]["mean_change"]
        .as_f64()
        .expect("a number");
    let b = back["organisation"]["mean_change"]
        .as_f64()
        .expect("a number");
    assert!(b < 0.0 && (f + b).abs() <= 1e-6 * f, "{f} vs {b}");
}

#[test]
fn identical_estates_have_no_changes() {
    let old = fixture("diff/old");
    let p = old.to_str().expect("UTF-8");
    let r = run(&[p, p, "--format", "json", "--fail-above", "0"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.json();
    for list in ["added", "removed", "changed"] {
        assert_eq!(
            d[list].as_array().map(Vec::len),
            Some(0),
            "{list}: {}",
            d[list]
        );
    }
    assert_eq!(d["organisation"]["mean_change"], 0.0);
    assert_eq!(d["organisation"]["p90_change"], 0.0);
    let text = run(&[p, p], None);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("Expected annual loss is unchanged"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("no changes"), "{}", text.stdout);
}

#[test]
fn fail_above_exits_1_only_when_the_loss_rose_more() {
    // The pair's loss rises by about €100k, about 30%.
    for (limit, code) in [("50000", 1), ("500_000", 0), ("10%", 1), ("60%", 0)] {
        let r = pair(&["--fail-above", limit]);
        assert_eq!(
            r.code, code,
            "--fail-above {limit}: {}\n{}",
            r.stdout, r.stderr
        );
        if code == 1 {
            assert!(r.stderr.contains("more than --fail-above"), "{}", r.stderr);
        }
    }
    let bad = pair(&["--fail-above", "lots"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("not an amount or a percentage"),
        "{}",
        bad.stderr
    );
}

#[test]
fn markdown_is_a_pull_request_comment() {
    let r = pair(&["--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("### Expected annual loss rises by €"),
        "{first}"
    );
    assert!(first.contains("(+") && first.contains("%) to €"), "{first}");
    for heading in [
        "| business risk |",
        "**New threats**",
        "**Removed threats**",
        "**Changed threats**",
    ] {
        assert!(
            r.stdout.contains(heading),
            "{heading} missing:\n{}",
            r.stdout
        );
    }
    assert!(
        r.stdout.contains("| `T006@web-app@legacy-ftp` "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("status open → accepted"), "{}", r.stdout);
}

#[test]
fn an_invalid_side_or_a_missing_path_exits_2() {
    let old = fixture("diff/old");
    let invalid = fixture("invalid");
    let r = run(
        &[
            old.to_str().expect("UTF-8"),
            invalid.to_str().expect("UTF-8"),
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("the new estate is invalid"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("error"), "{}", r.stderr);
    let missing = run(&[old.to_str().expect("UTF-8"), "no/such/estate"], None);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "riskfirst-diff-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.email=t@t",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy_estate(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("systems")).expect("a directory");
    std::fs::copy(from.join("riskfirst.yaml"), to.join("riskfirst.yaml")).expect("copied");
    std::fs::copy(from.join("systems/shop.yaml"), to.join("systems/shop.yaml")).expect("copied");
}

#[test]
fn git_compares_a_revision_with_the_working_tree() {
    let repo = temp_dir("git");
    let estate = repo.join("estate");
    git(&repo, &["init", "-q"]);
    copy_estate(&fixture("diff/old"), &estate);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "old"]);
    copy_estate(&fixture("diff/new"), &estate);
    git(&repo, &["commit", "-q", "-a", "-m", "new"]);

    // From the repository root, naming the estate directory.
    let r = run(
        &["--git", "HEAD~1", "estate", "--format", "json"],
        Some(&repo),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = r.json();
    assert_eq!(ids(&d["removed"]), ["T006@web-app@legacy-ftp"]);
    assert_eq!(ids(&d["added"]).len(), 3, "{}", d["added"]);
    assert!(d["organisation"]["mean_change"].as_f64().expect("a number") > 0.0);

    // From inside the estate, PATH defaults to `.`; HEAD against the same tree is no change.
    let same = run(&["--git", "HEAD", "--format", "json"], Some(&estate));
    assert_eq!(same.code, 0, "{}", same.stderr);
    let d = same.json();
    assert_eq!(
        d["changed"].as_array().map(Vec::len),
        Some(0),
        "{}",
        d["changed"]
    );
    assert_eq!(d["organisation"]["mean_change"], 0.0);

    let bad = run(&["--git", "no-such-revision", "estate"], Some(&repo));
    assert_eq!(bad.code, 2, "{}\n{}", bad.stdout, bad.stderr);
    assert!(
        bad.stderr.contains("`no-such-revision` is not a revision"),
        "{}",
        bad.stderr
    );
    let _ = std::fs::remove_dir_all(&repo);
}

/// Copies an estate, changing its root text with `edit`.
fn hostile_copy(from: &Path, to: &Path, edit: impl Fn(&str) -> String) {
    copy_estate(from, to);
    let root = std::fs::read_to_string(to.join("riskfirst.yaml")).expect("the root");
    std::fs::write(to.join("riskfirst.yaml"), edit(&root)).expect("the root is written");
}

#[test]
fn markdown_escapes_model_text() {
    let dir = temp_dir("markdown");
    let edit = |root: &str| {
        root.replace(
            "name: Diff Shop Ltd",
            "name: \"<img src=x onerror=alert(1)> [click](https://evil.example)\"",
        )
        .replace(
            "title: Customers cannot buy",
            "title: \"<details ontoggle=alert(1)>|x|\"",
        )
    };
    hostile_copy(&fixture("diff/old"), &dir.join("old"), edit);
    hostile_copy(&fixture("diff/new"), &dir.join("new"), edit);
    let r = run(
        &[
            dir.join("old").to_str().expect("UTF-8"),
            dir.join("new").to_str().expect("UTF-8"),
            "--format",
            "markdown",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for raw in ["<img", "<details", "[click](", "|x|"] {
        assert!(!r.stdout.contains(raw), "`{raw}` is raw in:\n{}", r.stdout);
    }
    assert!(
        r.stdout.contains("&lt;img src=x onerror=alert\\(1\\)&gt;"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("&lt;details ontoggle=alert\\(1\\)&gt;\\|x\\|"),
        "{}",
        r.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_revision_is_held_to_the_same_containment_rules() {
    let repo = temp_dir("git-hostile");
    let estate = repo.join("estate");
    git(&repo, &["init", "-q"]);
    copy_estate(&fixture("diff/old"), &estate);
    std::fs::write(repo.join("secret.yaml"), "s3cr3t-in-git: 1\n").expect("a file");
    let root = std::fs::read_to_string(estate.join("riskfirst.yaml")).expect("the root");
    std::fs::write(
        estate.join("riskfirst.yaml"),
        format!("{root}systems: [systems/shop.yaml, ../secret.yaml]\n"),
    )
    .expect("the root");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "listed outside"]);
    copy_estate(&fixture("diff/old"), &estate);
    let r = run(&["--git", "HEAD", "estate"], Some(&repo));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("goes up with `..`"), "{}", r.stderr);
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.stderr);

    // A link stored in git is never followed.
    std::os::unix::fs::symlink("../../secret.yaml", estate.join("systems/link.yaml"))
        .expect("a link");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "a link"]);
    // The working tree (the new side) no longer has it: only the revision does.
    std::fs::remove_file(estate.join("systems/link.yaml")).expect("the link is removed");
    let r = run(&["--git", "HEAD", "estate"], Some(&repo));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("a symbolic link in git"), "{}", r.stderr);
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.stderr);

    // A revision that looks like an option is not passed to git.
    let r = run(&["--git=--output=/tmp/x", "estate"], Some(&repo));
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("is not a revision"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&repo);
}
