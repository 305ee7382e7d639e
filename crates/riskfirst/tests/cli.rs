//! Integration tests of the `riskfirst` binary: exit codes, output contracts and behaviour at the edges (bad input, pipes, colour).

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;

use serde_json::Value;

mod common;
use common::{manifest_dir, riskfirst, run_cmd, Run, TempDir};

fn demo_dir() -> PathBuf {
    manifest_dir().join("../../examples/northwind")
}

fn run(args: &[&str]) -> Run {
    let mut c = riskfirst();
    c.args(args);
    run_cmd(c)
}

/// Runs and checks the exit code, showing everything the binary said when it differs.
fn run_expect(args: &[&str], code: i32) -> Run {
    let r = run(args);
    assert_eq!(
        r.code, code,
        "riskfirst {args:?} exited {} (want {code})\nstdout:\n{}\nstderr:\n{}",
        r.code, r.stdout, r.stderr
    );
    r
}

const ANALYZE_JSON: &[&str] = &[
    "analyze", "--demo", "--format", "json", "--trials", "2000", "--seed", "7",
];

/// The demo's analysis as JSON, computed once for all the tests that read it.
fn demo_analysis() -> &'static (String, Value) {
    static CELL: OnceLock<(String, Value)> = OnceLock::new();
    CELL.get_or_init(|| {
        let r = run_expect(ANALYZE_JSON, 0);
        let v = r.json();
        (r.stdout, v)
    })
}

fn has_ansi(text: &str) -> bool {
    text.contains("\x1b[")
}

// ---------------------------------------------------------------- validate

#[test]
fn validate_accepts_the_demo_estate() {
    let r = run_expect(&["validate", demo_dir().to_str().unwrap()], 0);
    assert!(r.stdout.starts_with("valid: "), "{}", r.stdout);
    assert!(r.stdout.contains(" systems, "), "{}", r.stdout);
    assert!(!r.stderr.contains("error["), "{}", r.stderr);
}

#[test]
fn validate_accepts_what_init_writes() {
    let dir = TempDir::new("init-valid");
    let r = run_expect(&["init", dir.str()], 0);
    assert!(r.stdout.contains("riskfirst.yaml"), "{}", r.stdout);
    assert!(dir.path().join("riskfirst.yaml").is_file());
    assert!(dir.path().join("systems").is_dir());
    let r = run_expect(&["validate", dir.str()], 0);
    assert!(r.stdout.starts_with("valid: 1 system,"), "{}", r.stdout);
    assert!(!r.stderr.contains("error"), "{}", r.stderr);
}

#[test]
fn validate_reports_an_invalid_estate_compiler_style() {
    let r = run_expect(&["validate", "tests/fixtures/invalid"], 1);
    // The parts a user needs, asserted on their own so that accepting a new
    // snapshot cannot silently drop them.
    for needle in [
        "error[E021]: unknown zone `privat`",
        "--> tests/fixtures/invalid/systems/shop.yaml:20:11",
        "20 |     zone: privat",
        "^^^^^^",
        "help: did you mean `private`?",
        "--> tests/fixtures/invalid/systems/shop.yaml:25:9",
        "help: did you mean `database`?",
    ] {
        assert!(
            r.stderr.contains(needle),
            "missing {needle:?} in\n{}",
            r.stderr
        );
    }
    assert_eq!(r.stdout.trim(), "invalid: 2 errors");
    insta::assert_snapshot!("validate_invalid_stderr", r.stderr);
}

#[test]
fn validate_exits_zero_with_warnings_only() {
    let r = run_expect(&["validate", "tests/fixtures/warning-only"], 0);
    assert!(r.stderr.contains("warning[W012]"), "{}", r.stderr);
    assert!(r.stderr.contains("shop.yaml:22:14"), "{}", r.stderr);
    assert!(r.stdout.contains("1 warning"), "{}", r.stdout);
    assert!(r.stdout.starts_with("valid:"), "{}", r.stdout);
}

#[test]
fn validate_a_missing_directory_is_an_error_with_a_hint() {
    let dir = TempDir::new("missing");
    let missing = dir.path().join("no-such-estate");
    let r = run_expect(&["validate", missing.to_str().unwrap()], 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("no-such-estate"), "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert!(r.stderr.contains("help: "), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn validate_a_directory_without_root_file_is_an_error_with_a_hint() {
    let dir = TempDir::new("noroot");
    std::fs::write(dir.path().join("notes.txt"), "not an estate").unwrap();
    for cmd in ["validate", "analyze"] {
        let r = run_expect(&[cmd, dir.str()], 2);
        assert!(r.stderr.contains("no riskfirst.yaml in"), "{}", r.stderr);
        assert!(r.stderr.contains("help: "), "{}", r.stderr);
        assert!(r.stderr.contains("riskfirst init"), "{}", r.stderr);
    }
}

#[test]
fn validate_json_has_the_documented_keys() {
    let r = run_expect(
        &["validate", "tests/fixtures/invalid", "--format", "json"],
        1,
    );
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"], 2);
    assert_eq!(v["warnings"], 0);
    let diags = v["diagnostics"]
        .as_array()
        .expect("diagnostics is an array");
    assert_eq!(diags.len(), 2);
    for d in diags {
        for key in [
            "code", "severity", "message", "file", "line", "column", "hint",
        ] {
            assert!(d.get(key).is_some(), "diagnostic without `{key}`: {d}");
        }
        assert_eq!(d["severity"], "error");
        assert_eq!(d["file"], "tests/fixtures/invalid/systems/shop.yaml");
    }
    assert_eq!(diags[0]["line"], 20);
    assert_eq!(diags[0]["column"], 11);
    assert_eq!(diags[0]["hint"], "did you mean `private`?");

    let r = run_expect(
        &[
            "validate",
            "tests/fixtures/warning-only",
            "--format",
            "json",
        ],
        0,
    );
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 1);
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["diagnostics"][0]["code"], "W012");
}

// ---------------------------------------------------------------- rules

#[test]
fn rules_json_lists_at_least_sixty_rules_with_their_metadata() {
    let r = run_expect(&["rules", "--format", "json"], 0);
    let v = r.json();
    let rules = v.as_array().expect("an array of rules");
    assert!(rules.len() >= 60, "only {} rules", rules.len());
    let mut codes = std::collections::BTreeSet::new();
    for rule in rules {
        for key in ["code", "name", "stride", "cwe", "summary"] {
            assert!(rule.get(key).is_some(), "rule without `{key}`: {rule}");
        }
        let code = rule["code"].as_str().expect("code is a string");
        assert!(codes.insert(code.to_string()), "duplicate code {code}");
        assert!(
            !rule["summary"].as_str().unwrap_or_default().is_empty(),
            "{code} has an empty summary"
        );
        assert!(rule["cwe"].is_array(), "{code}: cwe is not a list");
    }
    let strides: std::collections::BTreeSet<&str> =
        rules.iter().filter_map(|r| r["stride"].as_str()).collect();
    assert_eq!(
        strides.len(),
        6,
        "every STRIDE category has rules: {strides:?}"
    );

    // The text list says the same count.
    let text = run_expect(&["rules"], 0);
    assert!(
        text.stdout.contains(&format!("\n{} rules;", rules.len())),
        "{}",
        text.stdout
    );
}

#[test]
fn rules_explain_prints_the_six_sections() {
    let r = run_expect(&["rules", "explain", "I001"], 0);
    assert!(
        r.stdout.starts_with("# I001 unencrypted-communication"),
        "{}",
        r.stdout
    );
    let mut last = 0;
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Mitigations",
        "## References",
    ] {
        let at = r
            .stdout
            .find(section)
            .unwrap_or_else(|| panic!("no {section:?}"));
        assert!(at > last, "{section:?} is out of order");
        last = at;
    }
    assert!(r.stdout.contains("CWE-319"));
    // A code typed in lower case means the same rule.
    assert_eq!(
        run_expect(&["rules", "explain", "i001"], 0).stdout,
        r.stdout
    );
}

#[test]
fn rules_explain_an_unknown_code_suggests_the_nearest() {
    let r = run_expect(&["rules", "explain", "I0O1"], 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("no rule has the code `I0O1`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `I001`?"), "{}", r.stderr);
    let r = run_expect(&["rules", "explain", "nothing-like-a-rule"], 2);
    assert!(
        r.stderr.contains("`riskfirst rules` lists them all"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- analyze

fn assert_stats(v: &Value, what: &str) {
    for key in ["mean", "p50", "p90", "p95", "p99"] {
        let x = v[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{what}.{key} is not a number: {v}"));
        assert!(x.is_finite() && x >= 0.0, "{what}.{key} = {x}");
    }
    let q = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    assert!(
        q("p50") <= q("p90") && q("p90") <= q("p95") && q("p95") <= q("p99"),
        "{what}: percentiles out of order: {v}"
    );
}

fn assert_losses(v: &Value, what: &str) {
    for stage in ["inherent", "current", "projected"] {
        assert_stats(&v[stage], &format!("{what}.{stage}"));
    }
}

#[test]
fn analyze_json_has_the_documented_shape() {
    let (_, v) = demo_analysis();
    for key in [
        "summary",
        "threats",
        "business_risks",
        "systems",
        "teams",
        "organisation",
        "controls",
    ] {
        assert!(v.get(key).is_some(), "no `{key}` in the analysis");
    }
    assert_eq!(v["settings"]["trials"], 2000);
    assert_eq!(v["settings"]["seed"], 7);

    let threats = v["threats"].as_array().expect("threats is an array");
    assert!(
        threats.len() >= 50,
        "only {} threats on the demo",
        threats.len()
    );
    assert_eq!(v["summary"]["threats"].as_u64(), Some(threats.len() as u64));
    let mut quantified = 0;
    for t in threats {
        let id = t["id"].as_str().expect("threat id is a string");
        for key in [
            "id",
            "rule",
            "stride",
            "system",
            "elements",
            "business_risks",
            "status",
            "owner",
            "level",
            "recommendation",
            "frequency",
            "scenarios",
        ] {
            assert!(t.get(key).is_some(), "threat {id} has no `{key}`");
        }
        assert!(
            t["elements"].is_array() && t["business_risks"].is_array(),
            "{id}"
        );
        // Threats that open no loss scenario carry no money (null); the others say what
        // closing them removes at each stage, and alone.
        if !t["value"].is_null() {
            quantified += 1;
            for k in [
                "inherent",
                "current",
                "projected",
                "alone",
                "events_removed",
            ] {
                let x = t["value"][k].as_f64().unwrap_or(-1.0);
                assert!(x >= 0.0, "{id}: value.{k} = {x}");
            }
        }
    }
    assert!(
        quantified * 2 > threats.len(),
        "most threats of the demo are in money: {quantified} of {}",
        threats.len()
    );

    let risks = v["business_risks"].as_array().expect("business_risks");
    assert!(!risks.is_empty());
    for r in risks {
        assert_losses(&r["annual_loss"], r["id"].as_str().unwrap_or("?"));
    }
    assert!(!v["systems"].as_array().expect("systems").is_empty());
    assert!(!v["teams"].as_array().expect("teams").is_empty());
    assert_losses(&v["organisation"]["annual_loss"], "organisation");
    let controls = v["controls"].as_array().expect("controls");
    assert!(!controls.is_empty());
    for c in controls {
        assert!(
            c.get("rosi").is_some(),
            "control without `rosi`: {}",
            c["id"]
        );
    }
    assert!(
        controls.iter().any(|c| c["rosi"].is_number()),
        "no control has a ROSI"
    );
}

#[test]
fn analyze_json_is_identical_for_a_seed_across_runs_and_thread_counts() {
    let (first, _) = demo_analysis();
    for threads in ["1", "2"] {
        let mut c = riskfirst();
        c.args(ANALYZE_JSON).env("RAYON_NUM_THREADS", threads);
        let r = run_cmd(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout == *first,
            "RAYON_NUM_THREADS={threads} gives different JSON for the same seed"
        );
    }
}

#[test]
fn analyze_text_starts_with_the_business_risks_in_money() {
    let r = run_expect(&["analyze", "--demo", "--trials", "1000", "--seed", "7"], 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("Northwind Payments"), "{}", lines[0]);
    assert!(lines[1].starts_with("expected loss €"), "{}", lines[1]);
    let risks_at = r
        .stdout
        .find("BUSINESS RISKS")
        .expect("a business-risk section");
    let threats_at = r.stdout.find("\nTHREATS").expect("a threat section");
    assert!(risks_at < threats_at, "business risks come before threats");
    // Every business risk of the demo has a line with money on it.
    let (_, v) = demo_analysis();
    let section = &r.stdout[risks_at..threats_at];
    for risk in v["business_risks"].as_array().expect("business_risks") {
        let id = risk["id"].as_str().expect("id");
        let line = section
            .lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_else(|| panic!("no line for business risk {id}"));
        assert!(line.contains('€'), "{line}");
    }
    assert!(!has_ansi(&r.stdout));
}

#[test]
fn analyze_an_invalid_estate_exits_one() {
    let r = run_expect(&["analyze", "tests/fixtures/invalid", "--trials", "100"], 1);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("error[E021]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("invalid: the estate has 2 errors"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_prints_the_facts_and_the_money_of_a_threat() {
    let (_, v) = demo_analysis();
    // The costliest threat of the demo that reaches a business risk.
    let threat = v["threats"]
        .as_array()
        .expect("threats")
        .iter()
        .filter(|t| !t["value"].is_null())
        .max_by(|a, b| {
            let m = |t: &Value| t["value"]["current"].as_f64().unwrap_or(0.0);
            m(a).total_cmp(&m(b))
        })
        .expect("a threat in money");
    let id = threat["id"].as_str().expect("id");
    let system = threat["system"].as_str().expect("system");
    // `system:id` picks one system even when several have the id.
    let qualified = format!("{system}:{id}");
    let r = run_expect(&["explain", &qualified, "--demo"], 0);
    assert!(r.stdout.starts_with(&format!("{id}: ")), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("system:   {system}")),
        "{}",
        r.stdout
    );
    for fact in threat["facts"].as_array().expect("facts") {
        let fact = fact.as_str().expect("a fact is text");
        assert!(
            r.stdout.contains(fact),
            "fact {fact:?} missing in\n{}",
            r.stdout
        );
    }
    for br in threat["business_risks"].as_array().expect("business_risks") {
        let br = br.as_str().expect("id");
        assert!(
            r.stdout.contains(&format!("reaches {br} (")),
            "{}",
            r.stdout
        );
    }
    let money_line = r
        .stdout
        .lines()
        .find(|l| l.contains("closing it removes"))
        .expect("a line with what closing it removes");
    assert!(
        money_line.contains('€') && money_line.contains("inherent"),
        "{money_line}"
    );
    for s in threat["scenarios"].as_array().expect("scenarios") {
        let s = s.as_str().expect("a key");
        assert!(
            r.stdout.contains(&format!("way into {s} (")),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn explain_as_json_is_the_same_explanation_as_the_analysis() {
    let (_, v) = demo_analysis();
    let threat = v["threats"]
        .as_array()
        .expect("threats")
        .iter()
        .find(|t| !t["value"].is_null())
        .expect("a threat in money");
    let qualified = format!(
        "{}:{}",
        threat["system"].as_str().expect("system"),
        threat["id"].as_str().expect("id")
    );
    let r = run_expect(&["explain", &qualified, "--demo", "--format", "json"], 0);
    let x = r.json();
    let x = x.as_array().expect("an array of explanations");
    assert_eq!(x.len(), 1, "a qualified id names one threat");
    let x = &x[0];
    assert_eq!(x["threat"]["id"], threat["id"]);
    assert_eq!(x["threat"]["system"], threat["system"]);
    let reached: Vec<&Value> = x["reaches"]
        .as_array()
        .expect("reaches")
        .iter()
        .map(|r| &r["business_risk"])
        .collect();
    let expected: Vec<&Value> = threat["business_risks"]
        .as_array()
        .expect("business_risks")
        .iter()
        .collect();
    assert_eq!(reached, expected);
    assert_eq!(x["closing"]["current"], threat["value"]["current"]);
    let f = &x["frequency"];
    assert!(
        f["low"].as_f64() <= f["mean"].as_f64() && f["mean"].as_f64() <= f["high"].as_f64(),
        "{f}"
    );
}

#[test]
fn explain_an_unknown_threat_suggests_the_nearest() {
    let (_, v) = demo_analysis();
    let id = v["threats"][0]["id"].as_str().expect("id");
    let typo = &id[..id.len() - 1];
    let r = run_expect(&["explain", typo, "--demo"], 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!("no threat has the id `{typo}`")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `"), "{}", r.stderr);
}

// ---------------------------------------------------------------- init

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = TempDir::new("init-force");
    run_expect(&["init", dir.str()], 0);
    let root = dir.path().join("riskfirst.yaml");
    let original = std::fs::read_to_string(&root).unwrap();
    std::fs::write(&root, "# my own work\n").unwrap();

    let r = run_expect(&["init", dir.str()], 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&root).unwrap(), "# my own work\n");

    run_expect(&["init", dir.str(), "--force"], 0);
    assert_eq!(std::fs::read_to_string(&root).unwrap(), original);
}

#[test]
fn init_into_a_directory_with_other_files_keeps_them() {
    let dir = TempDir::new("init-other");
    std::fs::write(dir.path().join("README.md"), "mine\n").unwrap();
    run_expect(&["init", dir.str()], 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("README.md")).unwrap(),
        "mine\n"
    );
    run_expect(&["validate", dir.str()], 0);
}

// ---------------------------------------------------------------- generate

#[test]
fn generate_writes_an_estate_that_validates() {
    let dir = TempDir::new("generate");
    let out = dir.path().join("estate");
    let out = out.to_str().unwrap();
    let r = run_expect(
        &[
            "generate",
            "--components",
            "200",
            "--flows",
            "400",
            "--seed",
            "3",
            "--out",
            out,
        ],
        0,
    );
    assert!(
        r.stdout.contains("200 components, 400 flows"),
        "{}",
        r.stdout
    );
    let r = run_expect(&["validate", out], 0);
    assert!(
        r.stdout.contains("200 components, 400 flows"),
        "{}",
        r.stdout
    );
    // Every decision it writes matches a threat: no W040, no warning at all.
    assert!(!r.stdout.contains("warning"), "{}", r.stdout);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let decisions = std::fs::read_dir(dir.path().join("estate/systems"))
        .expect("systems")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("text"))
        .map(|t| t.matches("status:").count())
        .sum::<usize>();
    assert!(decisions > 0, "the estate keeps some decisions");
}

#[test]
fn generate_refuses_an_impossible_size() {
    let dir = TempDir::new("generate-bad");
    let out = dir.path().join("estate");
    let r = run_expect(
        &[
            "generate",
            "--components",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
        2,
    );
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("at least two components"), "{}", r.stderr);
    assert!(!out.exists(), "nothing is written on an error");
}

// ---------------------------------------------------------------- plan

#[test]
fn plan_stays_within_the_budget_and_says_how_it_chose() {
    let r = run_expect(&["plan", "--demo", "--budget", "150000"], 0);
    assert!(
        r.stdout.contains("exact search") || r.stdout.contains("greedy"),
        "the plan says its method:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("FUND"), "{}", r.stdout);

    let r = run_expect(
        &["plan", "--demo", "--budget", "150000", "--format", "json"],
        0,
    );
    let v = r.json();
    let method = v["method"].as_str().expect("method is a string");
    assert!(["exact", "greedy"].contains(&method), "method {method}");
    assert_eq!(v["budget"].as_f64(), Some(150_000.0));
    let chosen = v["chosen"].as_array().expect("chosen");
    assert!(!chosen.is_empty(), "the demo has controls worth funding");
    let spent: f64 = chosen
        .iter()
        .map(|c| c["cost"].as_f64().expect("cost"))
        .sum();
    assert!(spent <= 150_000.0 + 1e-6, "spent {spent}");
    // Each cost is the control's one-off cost plus its yearly cost over the years, as the analysis states them.
    let (_, analysis) = demo_analysis();
    for step in chosen {
        let id = step["control"].as_str().expect("control id");
        let control = analysis["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("chosen control {id} is not in the analysis"));
        let full = control["cost_once"].as_f64().expect("cost_once")
            + 3.0 * control["cost_yearly"].as_f64().expect("cost_yearly");
        let cost = step["cost"].as_f64().expect("cost");
        assert!(
            (cost - full).abs() < 1e-6,
            "{id}: plan counts {cost}, costs {full}"
        );
    }
    let total = v["total_cost"].as_f64().expect("total_cost");
    assert!(
        (total - spent).abs() < 1e-6 * spent.max(1.0),
        "{total} vs {spent}"
    );
    assert!(
        v["remaining_expected_annual_loss"].as_f64() <= v["current_expected_annual_loss"].as_f64()
    );

    // A budget that buys nothing chooses nothing.
    let r = run_expect(&["plan", "--demo", "--budget", "1", "--format", "json"], 0);
    assert_eq!(r.json()["chosen"].as_array().map(Vec::len), Some(0));
}

// ---------------------------------------------------------------- simulate

/// The shared corpora, beside the repository; `None` (and a plain message) when absent.
fn corpora() -> Option<PathBuf> {
    let dir = manifest_dir().join("../../../shared/corpora");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("RISKFIRST_REQUIRE_CORPORA").as_deref() == Ok("1") {
        panic!(
            "RISKFIRST_REQUIRE_CORPORA=1 but {} is absent",
            dir.display()
        );
    }
    eprintln!(
        "skipped: the reference corpora are absent ({}); set RISKFIRST_REQUIRE_CORPORA=1 to make this a failure",
        dir.display()
    );
    None
}

#[test]
fn simulate_json_has_the_statistics_and_the_loss_curve() {
    let Some(corpora) = corpora() else { return };
    let file = corpora.join("quant/portfolio-100.json");
    let args = [
        "simulate",
        "--scenarios",
        file.to_str().unwrap(),
        "--trials",
        "2000",
        "--seed",
        "5",
        "--format",
        "json",
    ];
    let r = run_expect(&args, 0);
    let v = r.json();
    for key in ["mean", "p50", "p90", "p95", "p99", "p_any_loss"] {
        assert!(v[key].is_number(), "`{key}` is not a number: {}", v[key]);
    }
    assert_stats(&v, "simulate");
    let p = v["p_any_loss"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p), "p_any_loss {p}");
    let lec = v["lec"].as_array().expect("lec is an array");
    assert!(!lec.is_empty());
    assert!(lec[0]["loss"].is_number() && lec[0]["probability"].is_number());
    // The same seed, the same numbers.
    assert_eq!(run_expect(&args, 0).stdout, r.stdout);
}

#[test]
fn simulate_a_file_that_is_not_json_is_an_error_with_a_hint() {
    let dir = TempDir::new("simulate");
    let file = dir.path().join("scenarios.json");
    std::fs::write(&file, "this is not json\n").unwrap();
    let r = run_expect(&["simulate", "--scenarios", file.to_str().unwrap()], 2);
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("scenarios.json"), "{}", r.stderr);
    assert!(r.stderr.contains("help: "), "{}", r.stderr);

    // Bad settings are not the file's fault: no hint about the file's shape.
    let good = dir.path().join("good.json");
    std::fs::write(
        &good,
        r#"{"scenarios": [{"id": "s1", "freq": 0.5, "low": 1000, "high": 100000}]}"#,
    )
    .unwrap();
    let good = good.to_str().unwrap();
    let r = run_expect(&["simulate", "--scenarios", good, "--trials", "0"], 2);
    assert!(r.stderr.contains("trials"), "{}", r.stderr);
    assert!(!r.stderr.contains("the file holds"), "{}", r.stderr);
    let r = run_expect(&["simulate", "--scenarios", good, "--trials", "500"], 0);
    assert!(r.stdout.contains("P(any loss in a year)"), "{}", r.stdout);

    let missing = dir.path().join("missing.json");
    let r = run_expect(&["simulate", "--scenarios", missing.to_str().unwrap()], 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
}

// ---------------------------------------------------------------- small commands

#[test]
fn completions_print_a_script_for_each_shell() {
    let r = run_expect(&["completions", "bash"], 0);
    assert!(r.stdout.contains("_riskfirst()"), "{}", &r.stdout[..200]);
    assert!(r.stdout.contains("complete -F _riskfirst"));
    assert!(r.stdout.contains("analyze"));
    let r = run_expect(&["completions", "zsh"], 0);
    assert!(r.stdout.starts_with("#compdef riskfirst"));
    let r = run_expect(&["completions", "fish"], 0);
    assert!(r.stdout.contains("complete -c riskfirst"));
}

#[test]
fn schema_is_json_schema_and_technologies_lists_the_catalog() {
    let r = run_expect(&["schema"], 0);
    let v = r.json();
    assert!(v["$schema"]
        .as_str()
        .unwrap_or_default()
        .contains("json-schema.org"));
    let r = run_expect(&["technologies"], 0);
    assert!(r.stdout.contains("postgresql"), "{}", r.stdout);
    assert!(r.stdout.contains("https"), "{}", r.stdout);
}

#[test]
fn help_version_and_usage_errors() {
    let r = run_expect(&["--help"], 0);
    for cmd in [
        "validate",
        "analyze",
        "explain",
        "rules",
        "init",
        "schema",
        "technologies",
        "generate",
        "simulate",
        "plan",
        "completions",
    ] {
        assert!(
            r.stdout.contains(&format!("\n  {cmd} ")),
            "--help lists {cmd}"
        );
    }
    assert!(r.stdout.contains("Exit codes"));
    let r = run_expect(&["--version"], 0);
    assert!(r.stdout.starts_with("riskfirst "), "{}", r.stdout);
    let r = run_expect(&["no-such-command"], 2);
    assert!(r.stderr.contains("unrecognized subcommand"), "{}", r.stderr);
    let r = run_expect(&["analyze", "--demo", "--trials", "many"], 2);
    assert!(r.stderr.contains("--trials"), "{}", r.stderr);
}

// ---------------------------------------------------------------- pipes and colour

/// Spawns, reads one line of standard output, closes the pipe, and waits.
fn first_line_then_close(args: &[&str]) -> (String, i32, String) {
    let mut c = riskfirst();
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("the binary starts");
    let mut line = String::new();
    {
        let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
        reader.read_line(&mut line).expect("one line");
        // `reader` drops here: the pipe closes with the rest of the output unread.
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("stderr is UTF-8");
    let status = child.wait().expect("the binary ends");
    let code = status.code().expect("exits, not killed by SIGPIPE");
    (line, code, stderr)
}

fn assert_quiet_end(args: &[&str]) {
    let (line, code, stderr) = first_line_then_close(args);
    assert!(!line.is_empty(), "{args:?} printed nothing");
    assert_eq!(code, 0, "{args:?} after the pipe closed:\n{stderr}");
    for bad in ["error", "Broken pipe", "panicked"] {
        assert!(!stderr.contains(bad), "{args:?} said {bad:?}:\n{stderr}");
    }
}

/// Spawns and closes standard output at once, before the binary writes anything.
fn closed_before_output(args: &[&str]) {
    let mut c = riskfirst();
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("the binary starts");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("stderr is UTF-8");
    let status = child.wait().expect("the binary ends");
    assert_eq!(
        status.code(),
        Some(0),
        "{args:?} on a closed pipe:\n{stderr}"
    );
    for bad in ["error", "Broken pipe", "panicked"] {
        assert!(!stderr.contains(bad), "{args:?} said {bad:?}:\n{stderr}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        &["completions", "bash"][..],
        &["schema"],
        &["rules"],
        &["rules", "explain", "I001"],
        &["technologies"],
        &["validate", "tests/fixtures/warning-only"],
    ] {
        closed_before_output(args);
    }
    assert_quiet_end(&["analyze", "--demo", "--trials", "2000"]);
    // Megabytes of JSON: the pipe is certainly closed before the binary is done writing.
    assert_quiet_end(ANALYZE_JSON);
    assert_quiet_end(&["rules"]);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    // Not a terminal, and NO_COLOR unset: still no colour.
    let mut c = riskfirst();
    c.env_remove("NO_COLOR").args(["rules"]);
    let plain = run_cmd(c);
    assert_eq!(plain.code, 0);
    assert!(!has_ansi(&plain.stdout), "colour on a pipe");

    let mut c = riskfirst();
    c.env_remove("NO_COLOR")
        .args(["validate", "tests/fixtures/invalid"]);
    let plain = run_cmd(c);
    assert_eq!(plain.code, 1);
    assert!(
        !has_ansi(&plain.stderr),
        "colour on a pipe: {}",
        plain.stderr
    );

    let r = run_expect(&["--color", "always", "rules"], 0);
    assert!(has_ansi(&r.stdout), "no colour with --color always");
    let r = run_expect(
        &["--color", "always", "validate", "tests/fixtures/invalid"],
        1,
    );
    assert!(
        has_ansi(&r.stderr),
        "no colour in diagnostics with --color always"
    );
    // Colour does not change the text.
    let r = run_expect(&["--color", "never", "rules"], 0);
    assert!(!has_ansi(&r.stdout));
    assert_eq!(r.stdout, plain_rules());
}

fn plain_rules() -> String {
    run_expect(&["rules"], 0).stdout
}

// ---------------------------------------------------------------- docs/cli.md

/// docs/cli.md has a section for every command and names every one of its flags.
#[test]
fn the_cli_doc_covers_every_command_and_flag() {
    let doc = std::fs::read_to_string(manifest_dir().join("../../docs/cli.md"))
        .expect("docs/cli.md exists");
    let help = run_expect(&["--help"], 0).stdout;
    let commands: Vec<&str> = help
        .split("Commands:\n")
        .nth(1)
        .expect("a command list")
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 11, "{commands:?}");
    for cmd in commands {
        assert!(
            doc.contains(&format!("## `riskfirst {cmd}`")),
            "docs/cli.md has no section for `{cmd}`"
        );
        let mut help = run_expect(&[cmd, "--help"], 0).stdout;
        if cmd == "rules" {
            help.push_str(&run_expect(&["rules", "explain", "--help"], 0).stdout);
        }
        for flag in help
            .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
            .filter(|w| w.starts_with("--") && w.len() > 2)
        {
            assert!(
                doc.contains(flag),
                "docs/cli.md does not mention `{flag}` of `{cmd}`"
            );
        }
    }
}
