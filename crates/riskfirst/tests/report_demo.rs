//! Snapshots of every text format on the demo estate, through the binary: the Markdown
//! report, the CSV register, the executive summary of the HTML report, and one system's
//! diagram as SVG, DOT and Mermaid. A change to any of them shows up here for review.

mod common;

use common::{riskfirst, run_cmd};

const TRIALS: &str = "5000";

fn stdout(args: &[&str]) -> String {
    let mut c = riskfirst();
    c.args(args);
    let r = run_cmd(c);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.stdout
}

fn report(format: &str) -> String {
    stdout(&[
        "report", "--demo", "--trials", TRIALS, "--format", format, "-o", "-",
    ])
}

#[test]
fn markdown_report_of_the_demo() {
    insta::assert_snapshot!("demo_markdown", report("markdown"));
}

#[test]
fn csv_register_of_the_demo() {
    let csv = report("csv");
    // One header and one row per threat (the demo's fields hold no line breaks).
    assert_eq!(csv.lines().count(), 1 + 215);
    insta::assert_snapshot!("demo_register_csv", csv);
}

/// The parts a board member reads first: the executive summary and the risk by team
/// (the page's head, CSS and charts have their own tests).
#[test]
fn html_summary_and_teams_of_the_demo() {
    let html = report("html");
    let section = |id: &str| {
        let start = html
            .find(&format!("<section id=\"{id}\""))
            .unwrap_or_else(|| panic!("a section `{id}`"));
        let end = start
            + html[start..].find("</section>").expect("the section ends")
            + "</section>".len();
        html[start..end].to_string()
    };
    insta::assert_snapshot!("demo_html_summary", section("summary"));
    insta::assert_snapshot!("demo_html_teams", section("teams"));
}

#[test]
fn checkout_diagram_of_the_demo_in_every_format() {
    for format in ["svg", "dot", "mermaid"] {
        let text = stdout(&[
            "diagram", "checkout", "--demo", "--trials", TRIALS, "--format", format,
        ]);
        insta::assert_snapshot!(format!("demo_checkout_{format}"), text);
    }
}
