//! Estates written by an attacker: every one ends in a clear error with exit
//! 1 or 2, and never shows the content of a file outside the estate.

use std::path::Path;

mod common;
use common::{riskfirst, run_cmd, Run, TempDir};

const ROOT: &str = "riskfirst: 1
organisation: { name: Example, currency: EUR }
teams:
  - { id: team, name: Team }
business_risks:
  - { id: breach, title: Data is stolen, owner: CISO, loss_per_event: { low: 100_000, high: 5_000_000 } }
zones:
  - { id: private, trust: 90 }
";

const SYSTEM: &str = "riskfirst: 1
system: { id: example, name: Example, owner: team }
components:
  - { id: api, kind: process, technology: api, zone: private }
";

/// A text that appears in no output unless a file holding it was read.
const MARKER: &str = "s3cr3t-marker-7f3a";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("a directory of the estate");
    }
    std::fs::write(path, text).expect("a file of the estate");
}

/// A valid estate: the root (with `extra` appended) and one system.
fn estate(extra: &str) -> TempDir {
    let dir = TempDir::new("hostile");
    write(dir.path(), "riskfirst.yaml", &format!("{ROOT}{extra}"));
    write(dir.path(), "systems/example.yaml", SYSTEM);
    dir
}

fn run(args: &[&str]) -> Run {
    let mut c = riskfirst();
    c.args(args).env("RISKFIRST_HOSTILE_SECRET", MARKER);
    run_cmd(c)
}

/// Runs, and checks the exit code and that no secret reached the output.
fn expect(args: &[&str], code: i32, said: &str) -> Run {
    let r = run(args);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.code, code,
        "riskfirst {args:?} exited {} (want {code})\nstdout:\n{}\nstderr:\n{}",
        r.code, r.stdout, r.stderr
    );
    assert!(all.contains(said), "no `{said}` in:\n{all}");
    for secret in [MARKER, "root:x:0", "root:*:0"] {
        assert!(!all.contains(secret), "`{secret}` leaked into:\n{all}");
    }
    r
}

fn symlink(target: &Path, link: &Path) {
    std::fs::create_dir_all(link.parent().expect("a parent")).expect("a directory");
    std::os::unix::fs::symlink(target, link).expect("a symbolic link");
}

#[test]
fn listed_paths_that_leave_the_estate_are_refused() {
    for (path, said) in [
        ("../../../../../../etc/passwd", "goes up with `..`"),
        ("/etc/passwd", "is an absolute path"),
        ("systems/../../outside.yaml", "goes up with `..`"),
    ] {
        let dir = estate(&format!("systems: [{path}]\n"));
        for command in ["validate", "check", "analyze"] {
            let r = expect(&[command, dir.str()], 2, said);
            assert!(r.stderr.contains("riskfirst.yaml:9:"), "{}", r.stderr);
        }
    }
}

#[test]
fn links_out_of_the_estate_are_refused_without_reading_them() {
    let outside = TempDir::new("outside");
    write(outside.path(), "secret.yaml", &format!("{MARKER}: 1\n"));
    for target in [
        Path::new("/etc/passwd"),
        Path::new("/proc/self/environ"),
        &outside.path().join("secret.yaml"),
    ] {
        // Discovered under systems/, and listed by the root.
        let dir = estate("");
        symlink(target, &dir.path().join("systems/env.yaml"));
        expect(
            &["validate", dir.str()],
            2,
            "resolves outside the estate root",
        );
        let dir = estate("systems: [systems/example.yaml, link.yaml]\n");
        symlink(target, &dir.path().join("link.yaml"));
        expect(
            &["validate", dir.str()],
            2,
            "resolves outside the estate root",
        );
    }
    // A directory link out of the estate is refused too.
    let dir = estate("");
    symlink(outside.path(), &dir.path().join("systems/more"));
    expect(
        &["validate", dir.str()],
        2,
        "resolves outside the estate root",
    );
}

#[test]
fn links_inside_the_estate_are_followed() {
    let dir = estate("");
    std::fs::rename(
        dir.path().join("systems/example.yaml"),
        dir.path().join("example.txt"),
    )
    .expect("move the system");
    symlink(
        &dir.path().join("example.txt"),
        &dir.path().join("systems/example.yaml"),
    );
    expect(&["validate", dir.str()], 0, "valid: 1 system");
}

#[test]
fn devices_and_fifos_are_not_read() {
    for target in ["/dev/zero", "/dev/urandom"] {
        let dir = estate(&format!("systems: [{}]\n", "zero.yaml"));
        symlink(Path::new(target), &dir.path().join("zero.yaml"));
        expect(
            &["validate", dir.str()],
            2,
            "resolves outside the estate root",
        );
    }
    let dir = estate("");
    let fifo = dir.path().join("systems/pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo made the FIFO");
    expect(&["validate", dir.str()], 2, "is a FIFO, not a regular file");
    let dir = estate("systems: [systems/pipe]\n");
    let fifo = dir.path().join("systems/pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs")
        .success());
    expect(&["validate", dir.str()], 2, "is a FIFO, not a regular file");
}

#[test]
fn hidden_files_and_package_trees_are_not_systems() {
    let dir = estate("");
    let junk = format!("{MARKER}: [\n");
    for rel in [
        "systems/.hidden.yaml",
        "systems/.git/config.json",
        "systems/node_modules/left-pad/package.json",
        "systems/deep/node_modules/x/package.json",
        "systems/notes.YAML",
        "systems/readme.md",
    ] {
        write(dir.path(), rel, &junk);
    }
    expect(&["validate", dir.str()], 0, "valid: 1 system");
}

#[test]
fn two_root_files_are_ambiguous() {
    let dir = estate("");
    write(dir.path(), "riskfirst.json", "{}");
    expect(&["validate", dir.str()], 2, "more than one root file");
}

#[test]
fn a_directory_loop_is_one_error() {
    let dir = estate("");
    symlink(
        &dir.path().join("systems"),
        &dir.path().join("systems/loop"),
    );
    let r = expect(&["validate", dir.str()], 2, "a link loop");
    assert_eq!(r.stderr.matches("error").count(), 1, "{}", r.stderr);
}

#[test]
fn check_fails_when_there_is_no_system() {
    let dir = estate("systems: []\n");
    expect(&["check", dir.str()], 1, "no system");
    let dir = estate("");
    std::fs::rename(dir.path().join("systems"), dir.path().join("system"))
        .expect("rename the folder");
    expect(&["check", dir.str()], 1, "no system");
    let r = expect(&["check", dir.str(), "--format", "sarif"], 1, "no-system");
    assert!(
        r.stdout.contains("\"ruleId\": \"no-system\""),
        "{}",
        r.stdout
    );
}

#[test]
fn check_says_when_no_appetite_is_stated() {
    let dir = estate("");
    let r = expect(&["check", dir.str()], 0, "no risk appetite stated");
    assert!(!r.stdout.contains("appetite met"), "{}", r.stdout);
}

#[test]
fn ids_outside_the_safe_alphabet_are_errors_and_never_reach_the_terminal_raw() {
    for (id, said) in [
        ("\"api\\ncheck passed: all clear\"", "contains U+000A"),
        ("\"api\\u202Eexe.yaml\"", "contains U+202E"),
        ("\"a\\u200Bpi\"", "contains U+200B"),
        ("\"a\\u00A0pi\"", "contains U+00A0"),
        ("wеb", "contains U+0435"),
        ("Web", "contains `W`"),
        ("-api", "starts with `-`"),
    ] {
        let dir = estate("");
        write(
            dir.path(),
            "systems/example.yaml",
            &SYSTEM.replace("id: api", &format!("id: {id}")),
        );
        for command in ["validate", "check"] {
            let r = expect(&[command, dir.str()], 1, said);
            let all = format!("{}{}", r.stdout, r.stderr);
            assert!(!all.lines().any(|l| l.starts_with("check passed")), "{all}");
            // Letters of other scripts may show in the source line; what reorders or hides may not.
            assert!(!all.contains(['\u{202E}', '\u{200B}']), "{all}");
        }
    }
}

#[test]
fn model_text_is_escaped_in_the_terminal() {
    // A component name with a bidi override and an escape sequence.
    let dir = estate("");
    write(
        dir.path(),
        "systems/example.yaml",
        &SYSTEM.replace(
            "zone: private }",
            "zone: private, name: \"API\\u202E\\e[2Jgnp.exe\" }",
        ),
    );
    let r = expect(&["analyze", dir.str(), "--trials", "1000"], 0, "");
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        !all.contains('\u{202E}') && !all.contains('\u{1b}'),
        "{all}"
    );
}

#[test]
fn dates_are_strictly_year_month_day() {
    let dir = estate("");
    write(
        dir.path(),
        "systems/example.yaml",
        &format!("{SYSTEM}threats:\n  - {{ id: \"S001@api\", status: accepted, justification: ok, approved_by: CISO, expires: \"+027-+6-30\" }}\n"),
    );
    expect(&["validate", dir.str()], 1, "`+027-+6-30` is not a date");
}

#[test]
fn thousands_of_dangling_references_are_capped() {
    let dir = estate("");
    let mut text = SYSTEM.to_string();
    text.push_str("flows:\n");
    for i in 0..8_000 {
        text.push_str(&format!(
            "  - {{ id: f{i}, from: api, to: missing-{i}, protocol: https }}\n"
        ));
    }
    write(dir.path(), "systems/example.yaml", &text);
    let r = expect(&["validate", dir.str()], 1, "and 7950 more");
    assert!(
        r.stderr.lines().count() < 1_000,
        "{} lines",
        r.stderr.lines().count()
    );
    assert!(r.stdout.contains("invalid: 8000 errors"), "{}", r.stdout);
}

#[test]
fn tens_of_thousands_of_warnings_are_capped() {
    let dir = estate("");
    let mut text = SYSTEM.to_string();
    text.push_str("threats:\n");
    for i in 0..54_000 {
        text.push_str(&format!(
            "  - {{ id: \"S001@nothing-{i}\", status: mitigated }}\n"
        ));
    }
    write(dir.path(), "systems/example.yaml", &text);
    let r = expect(
        &["validate", dir.str()],
        0,
        "more (at most 50 are shown per file",
    );
    assert!(
        r.stderr.lines().count() < 1_000,
        "{} lines",
        r.stderr.lines().count()
    );
    // Every threat entry matches nothing, and the component has no flows.
    assert!(r.stdout.contains("54001 warnings"), "{}", r.stdout);
}

#[test]
fn values_the_engine_refuses_are_validation_errors_with_a_position() {
    for (extra, said) in [
        (
            "risk: { trials: 100000000 }\n",
            "trials must be between 1 and 2500000",
        ),
        ("", "above the largest supported value"),
    ] {
        let dir = estate(extra);
        if extra.is_empty() {
            write(
                dir.path(),
                "riskfirst.yaml",
                &ROOT.replace("high: 5_000_000", "high: 5e16"),
            );
        }
        let r = expect(&["validate", dir.str()], 1, said);
        assert!(r.stderr.contains("riskfirst.yaml:"), "{}", r.stderr);
    }
    let dir = estate("");
    write(
        dir.path(),
        "riskfirst.yaml",
        &ROOT.replace("low: 100_000", "low: 0.000001"),
    );
    expect(
        &["validate", dir.str()],
        1,
        "wider than the simulation supports",
    );
}

#[test]
fn generate_refuses_absurd_sizes_and_a_non_empty_directory() {
    let out = TempDir::new("generate");
    expect(
        &[
            "generate",
            "--components",
            "18446744073709551615",
            "--out",
            out.str(),
        ],
        2,
        "more than the maximum of 100000",
    );
    expect(
        &[
            "generate",
            "--flows",
            "18446744073709551615",
            "--out",
            out.str(),
        ],
        2,
        "more than the maximum",
    );
    let args = [
        "generate",
        "--components",
        "120",
        "--flows",
        "200",
        "--out",
        out.str(),
    ];
    expect(&args, 0, "wrote");
    expect(&args, 2, "is not empty");
    // --force replaces the estate: no stale system of the larger one is left behind.
    write(out.path(), "systems/stale.yaml", "stale");
    let mut forced = args.to_vec();
    forced.push("--force");
    expect(&forced, 0, "wrote");
    assert!(!out.path().join("systems/stale.yaml").exists());
    expect(&["validate", out.str()], 0, "valid:");
}

/// What validates can be simulated: the format's limits are the engine's.
#[test]
fn the_format_limits_are_the_engine_limits() {
    use riskfirst_model::limits;
    use riskfirst_risk::dist;
    assert_eq!(limits::MAX_AMOUNT, dist::MAX_AMOUNT);
    assert_eq!(limits::MAX_RATE, dist::MAX_RATE);
    assert_eq!(limits::MAX_SPREAD, dist::MAX_SPREAD);
    // The engine's memory rule: every stage of every year of a group, as 8-byte losses,
    // within the budget the assessment gives it.
    let demo = common::manifest_dir().join("../../examples/northwind");
    let sources = riskfirst_model::fs::read_estate(&demo, &Default::default()).expect("the demo");
    let estate = riskfirst_model::load(sources, &Default::default())
        .estate
        .expect("the demo is valid");
    let budget = riskfirst_assess::sim_config(&estate, &riskfirst_assess::AssessConfig::default())
        .memory_budget;
    let chunk = riskfirst_risk::sim::CHUNK;
    let years = (limits::MAX_TRIALS as usize).div_ceil(chunk) * chunk;
    let bytes = riskfirst_risk::sim::Stage::ALL.len() * years * std::mem::size_of::<f64>();
    assert!(
        bytes <= budget,
        "{} trials need {bytes} bytes, above the budget of {budget}",
        limits::MAX_TRIALS
    );
}
