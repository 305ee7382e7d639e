//! `riskfirst diagram`: the three formats on standard output, and an unknown system.

mod common;

use common::{riskfirst, run_cmd};

fn diagram(args: &[&str]) -> common::Run {
    let mut c = riskfirst();
    c.arg("diagram").args(args);
    run_cmd(c)
}

#[test]
fn each_format_prints_its_kind_of_document() {
    for (format, start, end) in [
        (
            "svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"",
            "</svg>\n",
        ),
        ("dot", "digraph \"checkout\" {", "}\n"),
        ("mermaid", "flowchart LR\n", "\n"),
    ] {
        let run = diagram(&["checkout", "--demo", "--format", format, "--trials", "2000"]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(
            run.stdout.starts_with(start),
            "{format}: {}",
            &run.stdout[..run.stdout.len().min(200)]
        );
        assert!(run.stdout.ends_with(end), "{format}");
        // The checkout system's own components and the platform's identity provider it uses.
        assert!(
            run.stdout.contains("Checkout web application")
                || run.stdout.contains("Checkout web applica…"),
            "{format}"
        );
        assert!(run.stdout.contains("platform · keycloak"), "{format}");
    }
}

#[test]
fn svg_is_the_default_and_marks_threats() {
    let run = diagram(&["platform", "--demo", "--trials", "2000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("<svg"));
    assert!(
        run.stdout.contains("open threat"),
        "tooltips name the open threats"
    );
    let again = diagram(&["platform", "--demo", "--trials", "2000"]);
    assert_eq!(run.stdout, again.stdout, "the same bytes every time");
}

#[test]
fn an_unknown_system_is_an_error_with_a_suggestion() {
    let run = diagram(&["chekout", "--demo"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("no system `chekout`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did you mean `checkout`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("back-office, checkout, data, mobile, platform, storefront"),
        "{}",
        run.stderr
    );
}
