//! Messages that once misled a user, through the binary: each names what was given and
//! what to do. The file-format messages have their fixtures in riskfirst-model's tests.

mod common;

use common::{riskfirst, run_cmd, Run, TempDir};

fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let mut cmd = riskfirst();
    cmd.current_dir(dir)
        // No repository above the temp dir counts, wherever the temp dir is.
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
        .args(args);
    run_cmd(cmd)
}

#[test]
fn simulate_refuses_a_key_it_would_not_read() {
    let dir = TempDir::new("simulate-keys");
    std::fs::write(
        dir.path().join("s.json"),
        r#"{"scenarios": [{"id": "s1", "freq": 0.1, "low": 1000, "high": 9000},
                          {"id": "s2", "frq": 0.1, "low": 1000, "high": 9000}]}"#,
    )
    .expect("the scenario file can be written");
    let r = run_in(dir.path(), &["simulate", "--scenarios", "s.json"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: s.json: unknown key `frq` in scenarios[1] (`s2`)\n  help: did you mean `freq`? the keys are: id, freq, low, high, lef_pert, lm_pert\n"
    );
    std::fs::write(
        dir.path().join("top.json"),
        r#"{"scenario": [{"id": "s1", "freq": 0.1, "low": 1000, "high": 9000}]}"#,
    )
    .expect("the scenario file can be written");
    let r = run_in(dir.path(), &["simulate", "--scenarios", "top.json"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: top.json: unknown key `scenario` at the top of the file\n  help: did you mean `scenarios`? the keys are: scenarios, description\n"
    );
}

#[test]
fn simulate_reads_the_keys_of_other_tools_files() {
    let dir = TempDir::new("simulate-pert");
    std::fs::write(
        dir.path().join("s.json"),
        r#"{"description": "peer file", "scenarios": [{"id": "s1", "freq": 0.1, "low": 1000, "high": 9000,
            "lef_pert": {"min": 0.05}, "lm_pert": {"min": 500}}]}"#,
    )
    .expect("the scenario file can be written");
    let r = run_in(
        dir.path(),
        &["simulate", "--scenarios", "s.json", "--trials", "1000"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.is_empty());
}

#[test]
fn diff_git_outside_a_repository_says_so_in_its_own_words() {
    let dir = TempDir::new("no-repo");
    let init = run_in(dir.path(), &["init", "e"]);
    assert_eq!(init.code, 0);
    let r = run_in(dir.path(), &["diff", "--git", "HEAD", "e"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("fatal:"), "{}", r.stderr);
    let shown = std::fs::canonicalize(dir.path().join("e")).expect("e exists");
    assert_eq!(
        r.stderr,
        format!(
            "error: cannot read the estate: {} is not in a git repository, so it has no revision `HEAD`: compare two directories with `riskfirst diff OLD NEW`\n",
            shown.display()
        )
    );
}

#[test]
fn a_quoted_number_is_told_to_drop_the_quotes() {
    let dir = TempDir::new("quoted");
    assert_eq!(run_in(dir.path(), &["init", "e"]).code, 0);
    let root = dir.path().join("e/riskfirst.yaml");
    let text = std::fs::read_to_string(&root).expect("init wrote the root");
    std::fs::write(&root, text.replace("{ low: 50_000,", "{ low: '100',"))
        .expect("the root can be rewritten");
    let r = run_in(dir.path(), &["validate", "e"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[E011]: expected a number, found the string `100`\n")
            && r.stderr.contains(
                "= help: `100` is quoted, so it is text: write it without quotes, as 100\n"
            ),
        "{}",
        r.stderr
    );
}
