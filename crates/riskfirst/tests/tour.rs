//! The README's tour, run as written: every `riskfirst ...` line of its first `sh` block
//! after "## A short tour", in order, in one fresh directory, on the estate `init` writes.

mod common;

use common::{riskfirst, run_cmd, TempDir};

/// The README's tour lines, without their comments, split into arguments.
fn tour_commands(readme: &str) -> Vec<Vec<String>> {
    let after = readme
        .split_once("## A short tour")
        .expect("the README has a section `## A short tour`")
        .1;
    let block = after
        .split_once("```sh\n")
        .expect("the tour has a ```sh block")
        .1
        .split_once("```")
        .expect("the tour's block is closed")
        .0;
    block
        .lines()
        .map(|line| line.split_once(" #").map_or(line, |(cmd, _)| cmd).trim())
        .filter(|line| !line.is_empty())
        .map(|line| {
            // Shell syntax would make the line mean something the test does not run.
            assert!(
                !line.contains(['>', '<', '|', '\'', '"', '$', ';', '&']),
                "the tour line `{line}` uses shell syntax; write it as plain arguments"
            );
            let words: Vec<String> = line.split_whitespace().map(String::from).collect();
            assert_eq!(
                words.first().map(String::as_str),
                Some("riskfirst"),
                "the tour line `{line}` does not run riskfirst"
            );
            words[1..].to_vec()
        })
        .collect()
}

#[test]
fn the_readme_tour_runs_as_written_on_the_estate_init_writes() {
    let readme = std::fs::read_to_string(common::manifest_dir().join("../../README.md"))
        .expect("the workspace has a README.md");
    let commands = tour_commands(&readme);
    assert!(
        commands.len() >= 10,
        "the tour has {} commands",
        commands.len()
    );
    assert_eq!(commands[0], ["init", "my-estate"]);
    let dir = TempDir::new("tour");
    for args in &commands {
        let mut cmd = riskfirst();
        cmd.current_dir(dir.path()).args(args);
        let run = run_cmd(cmd);
        let shown = args.join(" ");
        assert_eq!(
            run.code, 0,
            "`riskfirst {shown}` exited {}\nstdout:\n{}\nstderr:\n{}",
            run.code, run.stdout, run.stderr
        );
        // Commands that write a file say so on standard error; the others print on stdout.
        let wrote = args.iter().position(|a| a == "-o").map(|i| &args[i + 1]);
        match wrote {
            Some(file) => {
                let len = std::fs::metadata(dir.path().join(file))
                    .map(|m| m.len())
                    .unwrap_or(0);
                assert!(len > 0, "`riskfirst {shown}` left {file} empty or absent");
                assert!(
                    run.stderr.contains(file.as_str()),
                    "`riskfirst {shown}` does not say where it wrote: {}",
                    run.stderr
                );
            }
            None => assert!(
                !run.stdout.trim().is_empty(),
                "`riskfirst {shown}` printed nothing"
            ),
        }
        // The starter is clean: no command warns about it.
        assert!(
            !run.stdout.contains("warning") && !run.stderr.contains("warning"),
            "`riskfirst {shown}` warns about the starter:\n{}{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn the_starter_passes_its_own_check_and_appetite() {
    let dir = TempDir::new("starter");
    let mut init = riskfirst();
    init.current_dir(dir.path()).args(["init", "shop"]);
    assert_eq!(run_cmd(init).code, 0);
    let mut check = riskfirst();
    check.current_dir(dir.path()).args(["check", "shop"]);
    let run = run_cmd(check);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with("check passed:"),
        "check of the starter: {}",
        run.stdout
    );
    let mut analyze = riskfirst();
    analyze.current_dir(dir.path()).args(["analyze", "shop"]);
    let run = run_cmd(analyze);
    assert!(!run.stdout.contains("UNOWNED"), "{}", run.stdout);
    assert!(!run.stdout.contains("BREACHED"), "{}", run.stdout);
}

#[test]
fn the_demo_prints_no_warning() {
    let mut cmd = riskfirst();
    cmd.args(["validate", "--demo"]);
    let run = run_cmd(cmd);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "valid: 6 systems, 54 components, 66 flows, 18 data assets, 7 business risks\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn diagram_of_an_unknown_system_writes_no_file_and_says_what_it_meant() {
    let dir = TempDir::new("diagram");
    let mut init = riskfirst();
    init.current_dir(dir.path()).args(["init", "my-estate"]);
    assert_eq!(run_cmd(init).code, 0);
    let mut cmd = riskfirst();
    cmd.current_dir(dir.path())
        .args(["diagram", "shp", "my-estate", "-o", "shp.svg"]);
    let run = run_cmd(cmd);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: there is no system `shp` in the estate\n  help: did you mean `shop`? the systems are: shop\n"
    );
    assert!(!dir.path().join("shp.svg").exists());
}

#[test]
fn diagram_of_a_path_says_the_system_comes_first() {
    let dir = TempDir::new("diagram-path");
    let mut init = riskfirst();
    init.current_dir(dir.path()).args(["init", "my-estate"]);
    assert_eq!(run_cmd(init).code, 0);
    for given in ["my-estate", "../my-estate"] {
        let mut cmd = riskfirst();
        cmd.current_dir(dir.path()).args(["diagram", given]);
        let run = run_cmd(cmd);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            format!(
                "error: `{given}` is a path, not a system id\n  help: the system comes first, then the estate: `riskfirst diagram SYSTEM {given}`\n"
            )
        );
    }
}

#[test]
fn the_format_doc_promises_no_web_app_the_repository_lacks() {
    let root = common::manifest_dir().join("../..");
    let doc = std::fs::read_to_string(root.join("docs/format.md")).expect("docs/format.md");
    if root.join("crates/riskfirst-server").exists() {
        return;
    }
    for promise in ["by the web app", "uploads to the web app"] {
        assert!(
            !doc.contains(promise),
            "docs/format.md says `{promise}`, but the repository has no web app"
        );
    }
}
