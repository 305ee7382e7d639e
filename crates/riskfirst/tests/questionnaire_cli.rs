//! `riskfirst scorecard aws` without --evidence: the questionnaire from an answers file
//! (YAML and JSON, and its hostile cases) and from answers piped on standard input.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{riskfirst, run_cmd, Run, TempDir};

fn with_answers(dir: &TempDir, name: &str, text: &str, extra: &[&str]) -> Run {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let mut c = riskfirst();
    c.args(["scorecard", "aws", "--answers"])
        .arg(&path)
        .args(extra);
    run_cmd(c)
}

fn piped(input: &str, extra: &[&str]) -> Run {
    let mut c = riskfirst();
    c.args(["scorecard", "aws"]).args(extra);
    feed(c, input)
}

/// Runs a command with `input` on its standard input, then closed.
fn feed(mut c: std::process::Command, input: &str) -> Run {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn an_answers_file_scores_in_text() {
    let dir = TempDir::new("q-text");
    let run = with_answers(
        &dir,
        "a.yaml",
        "answers:\n  root-mfa: hardware\n  public-buckets: \"yes\"\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("AWS questionnaire: 17 of 100, grade F"));
    assert_eq!(
        lines.next(),
        Some("  points lost by business risk: data-breach 58, fraud 14.4, outage 10.5")
    );
    assert!(
        run.stdout
            .contains("  18 questions not answered took their default: root-access-keys, "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(
        "  2. make every bucket private; serve public files through CloudFront (+7.5 points)\n     FSBP S3.2, S3.3 (public-buckets; answered `yes`), reduces data-breach\n"
    ), "{}", run.stdout);
}

#[test]
fn an_answers_file_scores_in_json() {
    let dir = TempDir::new("q-json");
    let run = with_answers(
        &dir,
        "a.json",
        "{\"answers\": {\"root-mfa\": \"no\"}}",
        &["--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["scorecard"], "aws-questionnaire");
    assert_eq!(doc["score"], 10);
    assert_eq!(doc["grade"], "F");
    assert_eq!(doc["answers"][0]["question"], "root-mfa");
    assert_eq!(doc["answers"][0]["answer"], "no");
    assert_eq!(doc["answers"][0]["defaulted"], false);
    assert_eq!(doc["defaulted"].as_array().unwrap().len(), 19);
    assert_eq!(doc["recommendations"].as_array().unwrap().len(), 5);
    assert_eq!(doc["recommendations"][0]["question"], "root-access-keys");
    assert_eq!(doc["recommendations"][0]["fsbp"][0], "IAM.4");
    assert_eq!(doc["recommendations"][0]["risk"], "fraud");
}

#[test]
fn hostile_answers_files_are_usage_errors_that_say_where_and_what() {
    let dir = TempDir::new("q-hostile");
    for (text, said) in [
        ("answers:\n  root-mfa: maybe\n", "a.yaml:2: `maybe` is not an answer to `root-mfa` (answers: hardware, virtual, no, unsure)"),
        ("answers:\n  root-mfa: no\n  no-such-question: no\n", "a.yaml:3: unknown question `no-such-question`"),
        ("answers:\n  root-mfa: no\n  root-mfa: no\n", "a.yaml:3: `root-mfa` is answered twice (first on line 2)"),
        ("root-mfa: no\n", "a.yaml:1: expected `answers:` at the top, found `root-mfa: no`"),
    ] {
        let run = with_answers(&dir, "a.yaml", text, &[]);
        assert_eq!(run.code, 2, "{text}");
        assert!(run.stderr.contains(said), "{text}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let mut c = riskfirst();
    c.args(["scorecard", "aws", "--answers"])
        .arg(dir.path().join("missing.yaml"));
    let run = run_cmd(c);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the answers file ") && run.stderr.contains("missing.yaml"),
        "{}",
        run.stderr
    );
    let run = with_answers(&dir, "big.yaml", &"#".repeat(70_000), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is larger than 65536 bytes"),
        "{}",
        run.stderr
    );
    let run = with_answers(&dir, "a.yaml", "answers:\n", &["--format", "sarif"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("SARIF is for the evidence scan"),
        "{}",
        run.stderr
    );
}

#[test]
fn piped_numbers_answer_in_order_with_default_back_and_skip() {
    // 1: hardware MFA; Enter: the default (unsure); b: back to question 2; 1: no root keys; s: skip question 3.
    let run = piped("1\n\nb\n1\ns\n", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.is_empty(),
        "no prompts from a pipe: {}",
        run.stderr
    );
    let doc = run.json();
    let answer = |i: usize| {
        (
            doc["answers"][i]["answer"].clone(),
            doc["answers"][i]["defaulted"].clone(),
        )
    };
    assert_eq!(answer(0), ("hardware".into(), false.into()));
    assert_eq!(answer(1), ("no".into(), false.into()));
    assert_eq!(answer(2), ("sometimes".into(), true.into()));
    // Enter chose the default explicitly; skipped and unread questions are defaulted.
    assert_eq!(doc["defaulted"].as_array().unwrap().len(), 18);
    assert_eq!(doc["defaulted"][0], "root-daily-use");
}

#[test]
fn piped_garbage_and_empty_input_are_clear_errors() {
    let run = piped("1\n9\n", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("standard input line 2: `9` is not an answer to `root-access-keys` (1-3, empty, b or s)"), "{}", run.stderr);
    let run = piped("", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no answers on standard input")
            && run.stderr.contains("--answers FILE"),
        "{}",
        run.stderr
    );
}

#[test]
fn with_an_estate_recommendations_name_its_business_risks_in_money() {
    let dir = TempDir::new("q-estate");
    let mut text = String::from("answers:\n");
    for q in riskfirst_aws::questionnaire::QUESTIONS {
        let best = q.choices.iter().max_by_key(|c| c.credit).unwrap().id;
        let answer = match q.id {
            "root-access-keys" | "public-databases" => "yes",
            "backups" => "untested",
            _ => best,
        };
        text.push_str(&format!("  {}: \"{answer}\"\n", q.id));
    }
    let run = with_answers(&dir, "a.yaml", &text, &["../../examples/northwind"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let estate_lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("in the estate:"))
        .collect();
    // Typical loss = sqrt(low × high) of the risk, times the share the answer loses:
    // payment-fraud sqrt(5k × 350k) × 1, card-data-breach sqrt(250k × 12M) × 1,
    // operations-halted sqrt(250k × 8M) × 0.4 (an untested backup keeps 60%).
    assert_eq!(
        estate_lines,
        [
            "     in the estate: payment-fraud (Fraudulent payments and chargebacks), about €42k a loss event",
            "     in the estate: card-data-breach (Payment card data is stolen), about €1.7M a loss event",
            "     in the estate: operations-halted (Operations halted by ransomware or destructive attack), about €566k a loss event",
        ],
        "{}",
        run.stdout
    );
    let run = with_answers(
        &dir,
        "a.yaml",
        &text,
        &["../../examples/northwind", "--format", "json"],
    );
    let doc = run.json();
    assert_eq!(
        doc["recommendations"][2]["estate_risk"]["id"],
        "operations-halted"
    );
    assert_eq!(
        doc["recommendations"][2]["estate_risk"]["money_per_event"],
        565685.0
    );
    assert_eq!(doc["recommendations"][2]["estate_risk"]["currency"], "EUR");
    let run = with_answers(&dir, "a.yaml", &text, &["no-such-estate"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the estate"),
        "{}",
        run.stderr
    );
}

/// On a terminal (a pseudo-terminal made by util-linux `script`), an answer out of
/// range is asked again, `b` goes back, and the end of input defaults the rest.
#[test]
fn on_a_terminal_it_prompts_reasks_and_goes_back() {
    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: /usr/bin/script (util-linux) is absent");
        return;
    }
    let cmd = format!(
        "{} scorecard aws --format json",
        env!("CARGO_BIN_EXE_riskfirst")
    );
    let mut c = std::process::Command::new("/usr/bin/script");
    c.args(["-qec", &cmd, "/dev/null"]).env("NO_COLOR", "1");
    // 9 is out of range (asked again), 1 hardware, b back to question 1, 2 virtual.
    let run = feed(c, "9\n1\nb\n2\n");
    let seen = run.stdout.replace('\r', "");
    assert!(
        seen.contains("[1/20] Does the root user sign in with MFA?\n  1. yes, a hardware key\n"),
        "{seen}"
    );
    assert!(seen.contains("  4. not sure  (default)\n"), "{seen}");
    assert!(seen.contains("`9` is not one of 1-4"), "{seen}");
    assert_eq!(seen.matches("[1/20]").count(), 3, "{seen}");
    let json = &seen[seen.find("{\n").expect("the JSON result")..];
    let doc: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(doc["answers"][0]["answer"], "virtual");
    assert_eq!(doc["answers"][1]["defaulted"], true);
    assert_eq!(doc["score"], 16);
}
