//! `riskfirst report`: where each format goes, what it holds, and a snapshot of the HTML
//! of a small estate.

mod common;

use std::path::PathBuf;

use common::{riskfirst, run_cmd, Run};

fn run(args: &[&str]) -> Run {
    let mut c = riskfirst();
    c.arg("report").args(args);
    run_cmd(c)
}

/// A fresh directory under the target's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("report-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

const SMALL: &str = "tests/fixtures/report/small";

/// The report with each data-flow diagram's SVG cut out: the diagrams have their own
/// tests, and this snapshot is of the report around them.
fn without_diagrams(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(fig) = rest.find("<figure class=\"dfd\"") {
        let Some(svg) = rest[fig..].find("<svg").map(|i| fig + i) else {
            break;
        };
        let Some(end) = rest[svg..].find("</svg>").map(|i| svg + i + "</svg>".len()) else {
            break;
        };
        out.push_str(&rest[..svg]);
        out.push_str("<svg><!-- diagram --></svg>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn html_goes_to_the_named_file_and_says_so() {
    let dir = scratch("named");
    let path = dir.join("r.html");
    let out = run(&[
        "--demo",
        "--trials",
        "2000",
        "-o",
        path.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", out.stdout);
    // The demo's warnings come first; the last line says where the report went.
    assert_eq!(
        out.stderr.trim().lines().last(),
        Some(format!("wrote the html report to {}", path.display()).as_str())
    );
    let html = std::fs::read_to_string(&path).expect("the report was written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Northwind Payments"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    // Every system of the demo has its section.
    for system in ["storefront", "checkout", "platform", "data", "back-office"] {
        assert!(
            html.contains(&format!("data-system=\"{system}\"")),
            "{system}"
        );
    }
}

#[test]
fn the_default_file_is_in_the_current_directory() {
    let dir = scratch("default");
    let mut c = riskfirst();
    c.current_dir(&dir)
        .args(["report", "--demo", "--trials", "1000"]);
    let out = run_cmd(c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(dir.join("riskfirst-report.html").is_file());
    assert!(
        out.stderr.contains("riskfirst-report.html"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_dash_prints_to_stdout() {
    let out = run(&[SMALL, "--trials", "1000", "-o", "-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("<!DOCTYPE html>"));
    assert!(out.stdout.trim_end().ends_with("</html>"));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn json_is_the_assessment() {
    let out = run(&[SMALL, "--format", "json", "--trials", "1000", "-o", "-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["output_version"], 2);
    assert_eq!(v["organisation"]["name"], "Fixture Retail");
    assert_eq!(v["settings"]["trials"], 1000);
}

#[test]
fn an_invalid_estate_reports_its_errors_and_writes_nothing() {
    let dir = scratch("invalid");
    let path = dir.join("r.html");
    let out = run(&[
        "tests/fixtures/invalid",
        "-o",
        path.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("error"), "{}", out.stderr);
    assert!(!path.exists());
}

#[test]
fn an_unwritable_path_is_an_error() {
    let out = run(&[SMALL, "--trials", "500", "-o", "/nonexistent-dir/r.html"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot write /nonexistent-dir/r.html"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_html_of_a_small_estate_is_stable() {
    let out = run(&[SMALL, "--trials", "2000", "--seed", "3", "-o", "-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = out.stdout;
    // Structure first, so a failure says what broke before the snapshot does.
    assert_eq!(html.matches("<article class=\"system\"").count(), 2);
    assert_eq!(html.matches("<figure class=\"dfd").count(), 2);
    assert_eq!(
        html.matches("class=\"hm-cell\"").count(),
        16,
        "4 × 4 levels"
    );
    let lec = html
        .find("<svg id=\"lec\"")
        .expect("the organisation's chart");
    let lec = &html[lec..lec + html[lec..].find("</svg>").expect("its end")];
    assert_eq!(lec.matches("class=\"curve\"").count(), 3);
    assert_eq!(
        lec.matches("class=\"limit\"").count(),
        2,
        "mean and p90 limits"
    );
    // The generator line carries the version; keep the snapshot free of it.
    let html = html.replace(env!("CARGO_PKG_VERSION"), "VERSION");
    insta::assert_snapshot!("small_estate_html", without_diagrams(&html));
}

#[test]
fn markdown_and_csv_go_to_stdout_and_xlsx_to_a_file() {
    let md = run(&[SMALL, "--format", "markdown", "--trials", "1000", "-o", "-"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        md.stdout.starts_with('#'),
        "{}",
        &md.stdout[..md.stdout.len().min(200)]
    );
    assert!(md.stdout.contains("Fixture Retail"));

    let csv = run(&[SMALL, "--format", "csv", "--trials", "1000", "-o", "-"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(csv.stdout.lines().count() > 3, "{}", csv.stdout);

    let dir = scratch("xlsx");
    let mut c = riskfirst();
    c.current_dir(&dir)
        .args(["report", "--demo", "--format", "xlsx", "--trials", "1000"]);
    let out = run_cmd(c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bytes = std::fs::read(dir.join("riskfirst-report.xlsx")).expect("the register");
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    assert_eq!(
        out.stderr,
        format!(
            "wrote the xlsx report to {} (no -o given; `-o FILE` names it, `-o -` prints it)\n",
            dir.join("riskfirst-report.xlsx").display()
        )
    );
}
