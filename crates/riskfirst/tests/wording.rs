//! How the terminal reads: counts in the singular for one, no Rust names, threat ids in full,
//! one count per column. On the estate `riskfirst init` writes, edited where a case needs it.

mod common;

use std::path::Path;

use common::{riskfirst, run_cmd, Run, TempDir};

/// `riskfirst init shop` in a fresh directory, with `edit` applied to its system file.
fn starter(tag: &str, edit: impl Fn(String) -> String) -> TempDir {
    let dir = TempDir::new(tag);
    let mut init = riskfirst();
    init.current_dir(dir.path()).args(["init", "shop"]);
    assert_eq!(run_cmd(init).code, 0);
    let file = dir.path().join("shop/systems/example.yaml");
    let text = std::fs::read_to_string(&file).expect("init wrote the system file");
    std::fs::write(&file, edit(text)).expect("the system file can be rewritten");
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = riskfirst();
    cmd.current_dir(dir).args(args);
    let run = run_cmd(cmd);
    assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
    run
}

#[test]
fn counts_of_one_are_singular_and_none_hedge_with_s_in_brackets() {
    let dir = starter("plurals", |t| t);
    let analyze = run_in(dir.path(), &["analyze", "shop"]);
    assert_eq!(
        analyze.stdout.lines().next(),
        Some("Example Ltd  1 system, 4 components, 3 flows; 100,000 simulated years, seed 1")
    );
    let plan = run_in(dir.path(), &["plan", "shop", "--budget", "200000"]);
    assert!(
        plan.stdout
            .contains(", 1 candidate control not yet in place ("),
        "{}",
        plan.stdout
    );
    let team = run_in(dir.path(), &["analyze", "shop", "--team", "web"]);
    let check = run_in(dir.path(), &["check", "shop"]);
    for run in [&analyze, &plan, &team, &check] {
        assert!(!run.stdout.contains("(s)"), "{}", run.stdout);
        assert!(!run.stdout.contains(" 1 threats"), "{}", run.stdout);
        assert!(!run.stdout.contains(" 1 systems"), "{}", run.stdout);
    }
}

#[test]
fn statuses_read_as_words_not_rust_names() {
    let dir = starter("status", |t| {
        t.replace("status: planned", "status: in-progress")
    });
    let analyze = run_in(dir.path(), &["analyze", "shop"]);
    assert!(
        analyze
            .stdout
            .lines()
            .any(|l| l.starts_with("  waf ") && l.contains(" in progress ")),
        "{}",
        analyze.stdout
    );
    let explain = run_in(dir.path(), &["explain", "T008@web-app", "shop"]);
    assert!(
        explain.stdout.contains(
            "    control waf (in progress): Web application firewall in front of the web app\n"
        ),
        "{}",
        explain.stdout
    );
    for run in [&analyze, &explain] {
        for rust in ["InProgress", "Planned", "NotApplicable"] {
            assert!(!run.stdout.contains(rust), "{}", run.stdout);
        }
    }
}

#[test]
fn explain_has_one_frequency_line() {
    let dir = starter("frequency", |t| t);
    let explain = run_in(dir.path(), &["explain", "T001@web-app@database", "shop"]);
    let lines: Vec<&str> = explain
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("frequency:"))
        .collect();
    assert_eq!(
        lines,
        ["    frequency: 0.009 to 0.090 events per year (the rule's base rate, adjusted), mean 0.036"]
    );
}

#[test]
fn analyze_prints_threat_ids_in_full_however_long() {
    let long = "customer-facing-web-application-frontend";
    let dir = starter("long-ids", |t| {
        t.replace("web-application", "TECHNOLOGY")
            .replace("web-app", long)
            .replace("TECHNOLOGY", "web-application")
    });
    let analyze = run_in(dir.path(), &["analyze", "shop"]);
    let id = format!("T001@{long}@database");
    assert!(id.len() > 44);
    assert!(
        analyze
            .stdout
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some(id.as_str())),
        "{}",
        analyze.stdout
    );
    assert!(!analyze.stdout.contains('…'), "{}", analyze.stdout);
    let team = run_in(dir.path(), &["analyze", "shop", "--team", "web"]);
    assert!(
        team.stdout.contains(&format!("shop:{id} ")),
        "{}",
        team.stdout
    );
}

#[test]
fn business_risk_rollup_has_one_number_per_column() {
    let dir = starter("by-risk", |t| t);
    let run = run_in(dir.path(), &["analyze", "shop", "--by", "business-risk"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "BUSINESS RISKS (by expected annual loss) (threats: those that reach the risk; one that reaches several counts in each)"
    );
    let header: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(&header[..4], ["risk", "threats", "per", "year"]);
    let org = lines
        .iter()
        .find(|l| l.trim_start().starts_with("organisation (once)"))
        .expect("an organisation line");
    // The name, one count, then money: no second count under the same header.
    let after: Vec<&str> = org["  organisation (once)".len()..]
        .split_whitespace()
        .collect();
    assert_eq!(after[0], "17");
    assert!(after[1].starts_with('€'), "{org}");
}

#[test]
fn technologies_name_their_category_in_words() {
    let dir = TempDir::new("technologies");
    let run = run_in(dir.path(), &["technologies"]);
    assert!(
        run.stdout
            .contains("\n  web-application        web application\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("WebApplication"), "{}", run.stdout);
}
