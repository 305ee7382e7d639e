//! The report says what the numbers say: acceptances about to expire, the threats a heat
//! map leaves out, column names, team names as written, and a bad year below the average.

mod common;

use common::{riskfirst, run_cmd, Run, TempDir};

fn run_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let mut cmd = riskfirst();
    cmd.current_dir(dir).args(args);
    let run = run_cmd(cmd);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run
}

/// `riskfirst init e` with `edit` applied to (root, system) texts.
fn starter(edit: impl Fn(String, String) -> (String, String)) -> TempDir {
    let dir = TempDir::new("truth");
    run_in(dir.path(), &["init", "e"]);
    let root = dir.path().join("e/riskfirst.yaml");
    let system = dir.path().join("e/systems/example.yaml");
    let read = |p: &std::path::Path| std::fs::read_to_string(p).expect("init wrote it");
    let (r, s) = edit(read(&root), read(&system));
    std::fs::write(&root, r).expect("writable");
    std::fs::write(&system, s).expect("writable");
    dir
}

fn html(dir: &std::path::Path) -> String {
    run_in(dir, &["report", "e", "--trials", "2000", "-o", "-"]).stdout
}

#[test]
fn an_acceptance_that_ends_soon_is_not_called_in_date() {
    // The test day is 2026-12-01: 13 days before the acceptance ends.
    let dir = starter(|r, s| (r, s.replace("expires: 2027-06-30", "expires: 2026-12-14")));
    let page = html(dir.path());
    assert!(
        page.contains(
            "None has expired; <b>one expires</b> within 30 days and needs a new decision soon."
        ),
        "{}",
        page.lines()
            .find(|l| l.contains("accepted by a named person"))
            .unwrap_or("")
    );
    assert!(!page.contains("in date for at least"));
    let later = starter(|r, s| (r, s));
    assert!(html(later.path()).contains(
        "<p>1 threat is accepted by a named person, together €23k of expected loss a year. Every acceptance is in date for at least 30 more days.</p>"
    ));
}

#[test]
fn the_heat_map_counts_what_it_leaves_out_as_the_summary_does() {
    let dir = TempDir::new("heat");
    let page = run_in(
        dir.path(),
        &["report", "--demo", "--trials", "2000", "-o", "-"],
    )
    .stdout;
    assert!(page.contains(
        "Threats that are not applicable are left out, and so are the 61 with no money on them: 28 not quantified (reaching no business risk) and 33 checks of the model itself."
    ));
    let md = run_in(
        dir.path(),
        &[
            "report", "--demo", "--trials", "2000", "--format", "markdown", "-o", "-",
        ],
    )
    .stdout;
    assert!(md.contains("- **Not quantified**: 28 threats reach no business risk"));
}

#[test]
fn the_markdown_appetite_table_names_each_column_once() {
    let dir = TempDir::new("appetite");
    let md = run_in(
        dir.path(),
        &[
            "report", "--demo", "--trials", "2000", "--format", "markdown", "-o", "-",
        ],
    )
    .stdout;
    let header = md
        .lines()
        .find(|l| l.starts_with("| Scope |"))
        .expect("the appetite table");
    assert_eq!(
        header,
        "| Scope | Statement | Measure | Limit | Value now | Value after the plan | State now | State after the plan |"
    );
}

#[test]
fn a_team_name_with_an_ampersand_reads_as_written() {
    let dir = starter(|r, s| (r.replace("name: Web team", "name: Data & Analytics"), s));
    let md = run_in(
        dir.path(),
        &[
            "report", "e", "--trials", "2000", "--format", "markdown", "-o", "-",
        ],
    )
    .stdout;
    assert!(md.contains("| Data & Analytics |"), "{md}");
    assert!(!md.contains("&amp;"), "{md}");
    let page = html(dir.path());
    assert!(page.contains(">Data &amp; Analytics<"));
    assert!(!page.contains("&amp;amp;"));
}

#[test]
fn a_bad_year_below_the_average_is_explained_once() {
    // Rare threats: in most years nothing happens, so p90 is below the mean.
    let dir = starter(|r, s| {
        let rare = "risk:\n  overrides:\n    - { threat: \"*\", frequency: { low: 0.001, high: 0.005 } }\n";
        (r + rare, s)
    });
    let note = "A bad year is below the average here because in most years nothing happens: the rare year with a very costly event lifts the average above what nine years in ten stay under.";
    let page = html(dir.path());
    assert_eq!(page.matches(note).count(), 1);
    let md = run_in(
        dir.path(),
        &[
            "report", "e", "--trials", "2000", "--format", "markdown", "-o", "-",
        ],
    )
    .stdout;
    assert_eq!(md.matches(note).count(), 1);
    // The starter's bad year is above its average: no note.
    let plain = starter(|r, s| (r, s));
    assert!(!html(plain.path()).contains(note));
}

/// The group of a component in an SVG diagram: from its `<title>` to its closing `</g>`.
fn component_group<'a>(svg: &'a str, id: &str) -> &'a str {
    let start = svg
        .find(&format!("<g><title>{id} ("))
        .unwrap_or_else(|| panic!("no component {id} in the diagram"));
    let rest = &svg[start..];
    &rest[..rest.find("</g>").unwrap_or(rest.len())]
}

#[test]
fn an_external_system_is_not_drawn_as_a_person() {
    let dir = starter(|r, s| (r, s));
    let svg = run_in(dir.path(), &["diagram", "shop", "e"]).stdout;
    // The person glyph has a head (a circle of radius 4.5); the server glyph is two units.
    let head = "r=\"4.5\"";
    let customer = component_group(&svg, "customer");
    assert!(customer.contains(head), "{customer}");
    let provider = component_group(&svg, "payment-provider");
    assert!(!provider.contains(head), "{provider}");
    assert_eq!(
        provider.matches("width=\"14\" height=\"7\"").count(),
        2,
        "{provider}"
    );
}
