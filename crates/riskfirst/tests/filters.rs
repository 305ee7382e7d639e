//! `analyze --system/--min-level/--top` on the demo: text and JSON keep the same threats and
//! say how many they left out; amounts on the command line are written as in the files.

mod common;

use common::{riskfirst, run_cmd, Run};

fn run(args: &[&str]) -> Run {
    let mut cmd = riskfirst();
    cmd.args(args);
    run_cmd(cmd)
}

/// The threat ids of a text `analyze`: the second word of each threat line.
fn text_ids(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains('@'))
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|w| w.contains('@'))
        .map(String::from)
        .collect()
}

fn json_ids(r: &Run) -> Vec<String> {
    r.json()["threats"]
        .as_array()
        .expect("threats is an array")
        .iter()
        .map(|t| t["id"].as_str().expect("an id").to_string())
        .collect()
}

#[test]
fn top_keeps_the_largest_and_text_and_json_agree() {
    let flags = ["analyze", "--demo", "--top", "3", "--min-level", "medium"];
    let text = run(&flags);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("\n  listed 3 of 215 threats (--min-level medium --top 3); 212 left out\n"),
        "{}",
        text.stdout
    );
    let json = run(&[&flags[..], &["--format", "json"]].concat());
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(
        json.stderr,
        "listed 3 of 215 threats (--min-level medium --top 3); 212 left out\n"
    );
    let ids = json_ids(&json);
    assert_eq!(
        ids,
        [
            "S002@merchant@merchant-api",
            "S002@payment-service@payments-db",
            "S002@etl@checkout/payments-db"
        ]
    );
    let mut from_text = text_ids(&text.stdout);
    let mut from_json = ids.clone();
    from_text.sort();
    from_json.sort();
    assert_eq!(from_text, from_json);
}

#[test]
fn system_and_min_level_keep_only_what_they_name() {
    let flags = [
        "analyze",
        "--demo",
        "--system",
        "mobile",
        "--min-level",
        "high",
    ];
    let r = run(&[&flags[..], &["--format", "json"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let threats = v["threats"].as_array().expect("threats");
    assert!(!threats.is_empty());
    for t in threats {
        assert_eq!(t["system"], "mobile");
        assert!(["high", "critical"].contains(&t["level"]["level"].as_str().unwrap_or("")));
    }
    let text = run(&flags);
    let mut ids = text_ids(&text.stdout);
    let mut expected: Vec<String> = threats
        .iter()
        .map(|t| t["id"].as_str().unwrap_or("").to_string())
        .collect();
    ids.sort();
    expected.sort();
    assert_eq!(ids, expected);
    // Only the named system's block is printed.
    assert!(
        !text.stdout.contains("\ncheckout Checkout"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("\nmobile "), "{}", text.stdout);
}

#[test]
fn a_filter_naming_nothing_says_what_it_meant() {
    let r = run(&["analyze", "--demo", "--system", "chekout"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: there is no system `chekout` in the estate\n  help: did you mean `checkout`? the systems are: back-office, checkout, data, mobile, platform, storefront\n"
    );
    let r = run(&["analyze", "--demo", "--min-level", "hgh"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: unknown risk level `hgh` for --min-level\n  help: did you mean `high`? the estate's levels are: low, medium, high, critical\n"
    );
    let r = run(&["analyze", "--demo", "--top=-1"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: invalid value '-1' for '--top <N>'"),
        "{}",
        r.stderr
    );
    let r = run(&["analyze", "--demo", "--top", "3", "--by", "team"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

#[test]
fn top_zero_lists_nothing_and_says_so() {
    let r = run(&["analyze", "--demo", "--top", "0"]);
    assert_eq!(r.code, 0);
    assert!(text_ids(&r.stdout).is_empty(), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("listed 0 of 215 threats (--top 0); 215 left out"),
        "{}",
        r.stdout
    );
}

#[test]
fn budgets_are_written_as_in_the_files() {
    let plain = run(&["plan", "--demo", "--budget", "200000", "--format", "json"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    for budget in ["200_000", "200k", "0.2M"] {
        let r = run(&["plan", "--demo", "--budget", budget, "--format", "json"]);
        assert_eq!(r.code, 0, "{budget}: {}", r.stderr);
        assert_eq!(r.json(), plain.json(), "{budget}");
    }
    let text = run(&["plan", "--demo", "--budget", "1.5M"]);
    assert!(
        text.stdout
            .starts_with("budget €1.5M over 3 years (the horizon: --years), "),
        "{}",
        text.stdout
    );
}

#[test]
fn a_budget_that_is_not_an_amount_is_refused_with_the_reason() {
    for (budget, problem) in [
        ("1.5.5M", "it has more than one decimal point"),
        ("-1", "an amount cannot be negative"),
        ("1e400", "exponents are not amounts"),
        ("", "it is empty"),
        (
            "99999999999999999999",
            "it is too large (the most is 1000000bn)",
        ),
    ] {
        let r = run(&["plan", "--demo", &format!("--budget={budget}")]);
        assert_eq!(r.code, 2, "{budget}");
        assert!(
            r.stderr.starts_with(&format!(
                "error: invalid value '{budget}' for '--budget <AMOUNT>': {problem}\n  help: write digits"
            )),
            "{budget}: {}",
            r.stderr
        );
    }
}

/// One default number of trials: the same estate has the same bad year in every command.
#[test]
fn analyze_diff_and_report_agree_on_the_bad_year() {
    let analyze = run(&["analyze", "--demo", "--format", "json"]).json();
    let report = run(&["report", "--demo", "--format", "json", "-o", "-"]).json();
    let diff = run(&[
        "diff",
        "../../examples/northwind",
        "../../examples/northwind",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(analyze["settings"]["trials"], 100_000);
    assert_eq!(report["settings"]["trials"], 100_000);
    assert_eq!(diff["trials"], 100_000);
    let p90 = &analyze["organisation"]["annual_loss"]["current"]["p90"];
    assert_eq!(
        &report["organisation"]["annual_loss"]["current"]["p90"],
        p90
    );
    assert_eq!(&diff["organisation"]["new_p90"], p90);
    let text = run(&[
        "diff",
        "../../examples/northwind",
        "../../examples/northwind",
    ]);
    assert!(
        text.stdout
            .contains("; 100,000 simulated years, seed 20261128\n"),
        "{}",
        text.stdout
    );
}
