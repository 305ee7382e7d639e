//! Files the commands write: never over an existing one without `--force`, and always
//! saying where the output went.

mod common;

use common::{riskfirst, run_cmd, Run, TempDir};

fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let mut cmd = riskfirst();
    cmd.current_dir(dir).args(args);
    run_cmd(cmd)
}

fn estate() -> TempDir {
    let dir = TempDir::new("files");
    assert_eq!(run_in(dir.path(), &["init", "e"]).code, 0);
    dir
}

#[test]
fn report_refuses_to_overwrite_without_force() {
    let dir = estate();
    let target = dir.path().join("r.html");
    std::fs::write(&target, "keep me").expect("the file can be written");
    let r = run_in(
        dir.path(),
        &["report", "e", "--trials", "500", "-o", "r.html"],
    );
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: r.html already exists\n  help: pass --force to overwrite it, or name another file with -o FILE\n"
    );
    assert_eq!(
        std::fs::read_to_string(&target).ok().as_deref(),
        Some("keep me")
    );
    let r = run_in(
        dir.path(),
        &["report", "e", "--trials", "500", "-o", "r.html", "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "wrote the html report to r.html\n");
    let html = std::fs::read_to_string(&target).expect("the report was written");
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..40.min(html.len())]
    );
}

#[test]
fn report_without_o_says_the_full_path_and_how_to_choose() {
    let dir = estate();
    let r = run_in(
        dir.path(),
        &["report", "e", "--format", "markdown", "--trials", "500"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The temp dir is absolute, so the full path is the dir and the default name.
    let full = dir.path().join("riskfirst-report.md");
    assert!(full.is_file());
    assert_eq!(
        r.stderr,
        format!(
            "wrote the md report to {} (no -o given; `-o FILE` names it, `-o -` prints it)\n",
            full.display()
        )
    );
    // The default name is no exception to the rule.
    let again = run_in(
        dir.path(),
        &["report", "e", "--format", "markdown", "--trials", "500"],
    );
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        "error: riskfirst-report.md already exists\n  help: pass --force to overwrite it, or name another file with -o FILE\n"
    );
}

#[test]
fn diagram_refuses_to_overwrite_without_force() {
    let dir = estate();
    std::fs::write(dir.path().join("shop.svg"), "keep me").expect("the file can be written");
    let r = run_in(dir.path(), &["diagram", "shop", "e", "-o", "shop.svg"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: shop.svg already exists\n  help: pass --force to overwrite it, or name another file with -o FILE\n"
    );
    let r = run_in(
        dir.path(),
        &["diagram", "shop", "e", "-o", "shop.svg", "--force"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "wrote the diagram of shop to shop.svg\n");
    let svg = std::fs::read_to_string(dir.path().join("shop.svg")).expect("written");
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
}
