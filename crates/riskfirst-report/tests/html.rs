//! The HTML report: every model string escaped (a payload corpus in every field it shows),
//! and the structure a reader and the browser test rely on.

use riskfirst_assess::{build, AssessConfig, Assessment};
use riskfirst_model::{Date, Estate, Options, Sources};
use riskfirst_report::ReportInput;
use riskfirst_rules::engine::Analysis;

/// Payloads that try to leave text or attribute context, run script, or end the style block.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "'><svg onload=alert(3)>",
    "javascript:alert(4)",
    "</style><script>alert(5)</script>",
    "]]><script>alert(6)</script><![CDATA[",
    "<a href=\"javascript:alert(7)\">click</a>",
    "<svg><script>alert(8)</script></svg>",
    "<iframe src=javascript:alert(9)></iframe>",
    "x\" onmouseover=\"alert(10)",
    "<img src=\"x\" onerror=\"alert(11)\">",
    "<body onload=alert(12)>",
];

/// Field `i`'s payload, marked with its field so each can be found: the corpus in turn.
fn payload(i: usize) -> String {
    format!("{} f{i}", PAYLOADS[i % PAYLOADS.len()])
}

/// Field `i`'s payload as a YAML single-quoted scalar: only the quote needs doubling.
fn q(i: usize) -> String {
    format!("'{}'", payload(i).replace('\'', "''"))
}

fn root(p: &dyn Fn(usize) -> String) -> String {
    format!(
        r#"riskfirst: 1
organisation: {{ name: {}, currency: EUR, description: {} }}
teams:
  - {{ id: web, name: {}, contact: {}, lead: {} }}
  - {{ id: ops, name: {} }}
business_risks:
  - {{ id: breach, title: {}, description: {}, owner: {}, loss_per_event: {{ low: 10000, high: 2000000 }} }}
  - {{ id: outage, title: {}, owner: {}, loss_per_event: {{ low: 1000, high: 200000 }} }}
appetite:
  - {{ business_risk: breach, max_annual_loss: {{ p90: 100000 }}, description: {} }}
  - {{ max_annual_loss: {{ mean: 50000, p95: 400000 }}, description: {} }}
  - {{ max_open_level: high }}
zones:
  - {{ id: internet, name: {}, trust: 0 }}
"#,
        p(0),
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
        p(7),
        p(8),
        p(9),
        p(10),
        p(11),
        p(12),
        p(13),
    )
}

fn system(p: &dyn Fn(usize) -> String) -> String {
    format!(
        r#"riskfirst: 1
system: {{ id: shop, name: {}, owner: web, description: {}, business_risks: [outage] }}
data:
  - {{ id: customers, name: {}, classification: confidential, business_risks: [breach], description: {} }}
zones:
  - {{ id: dc, name: {}, trust: 80 }}
components:
  - {{ id: user, name: {}, kind: external-entity, technology: browser, zone: internet }}
  - {{ id: web, name: {}, kind: process, technology: web-application, zone: dc, internet_facing: true, processes: [customers], description: {} }}
  - {{ id: db, name: {}, kind: datastore, technology: postgresql, zone: dc, stores: [customers], owner: ops }}
flows:
  - {{ id: user-web, from: user, to: web, protocol: http, data: [customers] }}
  - {{ id: web-db, from: web, to: db, protocol: postgres, tls: false, authentication: password, data: [customers] }}
assumptions:
  - {{ id: a1, text: {} }}
threats:
  - {{ id: "I001*", status: accepted, justification: {}, approved_by: {}, expires: 2027-01-01 }}
  - {{ id: "D*", status: accepted, justification: {}, approved_by: {}, expires: 2020-01-01 }}
  - id: hand-written
    title: {}
    description: {}
    stride: tampering
    elements: [web]
    business_risks: [breach]
    frequency: {{ low: 0.1, high: 1 }}
controls:
  - {{ id: waf, title: {}, description: {}, owner: web, status: planned, due: 2027-03-01, cost: {{ once: 1000, yearly: 500 }}, evidence: [{}], mitigates: [ {{ threats: ["*"], reduces: frequency, effectiveness: {{ low: 0.3, high: 0.6 }} }} ] }}
  - {{ id: tls, title: {}, owner: ops, status: implemented, cost: {{ once: 100, yearly: 0 }}, evidence: [{}], mitigates: [ {{ threats: ["I*"], reduces: loss, effectiveness: {{ low: 0.5, high: 0.9 }} }} ] }}
  - {{ id: backup, title: {}, owner: ops, status: in-progress, due: 2027-06-01, cost: {{ once: 20000, yearly: 20000 }}, mitigates: [ {{ threats: ["T*"], reduces: loss, effectiveness: 0.1 }} ] }}
"#,
        p(14),
        p(15),
        p(16),
        p(17),
        p(18),
        p(19),
        p(20),
        p(21),
        p(22),
        p(23),
        p(24),
        p(25),
        p(26),
        p(27),
        p(28),
        p(29),
        p(30),
        p(31),
        p(32),
        p(33),
        p(34),
        p(35),
    )
}

struct Fixture {
    estate: Estate,
    analysis: Analysis,
    assessment: Assessment,
    plan: riskfirst_risk::plan::Plan,
}

fn fixture(p: &dyn Fn(usize) -> String) -> Fixture {
    let sources = Sources {
        root: ("riskfirst.yaml".into(), root(p)),
        systems: vec![("systems/shop.yaml".into(), system(p))],
    };
    let loaded = riskfirst_model::load(sources, &Options::default());
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d:?}"))
        .collect();
    let estate = loaded
        .estate
        .unwrap_or_else(|| panic!("the fixture is valid: {errors:#?}"));
    let analysis = riskfirst_rules::analyze(&estate, &[]);
    let cfg = AssessConfig {
        trials: Some(2_000),
        seed: Some(7),
        today: Date::parse("2026-12-01"),
        ..AssessConfig::default()
    };
    let assessment =
        riskfirst_assess::assess(&estate, &analysis, &cfg, None).expect("the fixture assesses");
    let built = build(&estate, &analysis);
    let plan = riskfirst_assess::plan(&estate, &analysis, &built, 1e12, cfg.years)
        .expect("the fixture plans");
    Fixture {
        estate,
        analysis,
        assessment,
        plan,
    }
}

fn render(f: &Fixture) -> String {
    riskfirst_report::html::render(&ReportInput {
        estate: &f.estate,
        analysis: &f.analysis,
        assessment: &f.assessment,
        plan: Some(&f.plan),
        today: Date::parse("2026-12-01").expect("a date"),
    })
}

/// Every start tag of `html` with its attributes (names lowercased, values as written),
/// read with the browser's rules: a quoted value runs to its closing quote whatever it
/// holds. The content of `<style>` is skipped.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                i += 1;
                if let Some(&q) = b.get(i).filter(|c| **c == b'"' || **c == b'\'') {
                    let v = i + 1;
                    i = v + html[v..].find(q as char).unwrap_or(html.len() - v);
                    value = html[v..i].to_string();
                    i += 1;
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        if name == "style" {
            i += html[i..].find("</style>").unwrap_or(html.len() - i);
        }
        out.push((name, attrs));
    }
    out
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn no_payload_survives_unescaped() {
    let f = fixture(&q);
    let html = render(&f);
    let lower = html.to_ascii_lowercase();

    // The payloads did reach the report (escaped), so the test exercises something.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the organisation name is shown, escaped"
    );
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    // The fields the report shows: organisation, team, lead, business risks and their
    // owners, appetite, system, assumption, acceptance (why, by whom), hand-written threat,
    // controls and their evidence.
    for field in [
        0, 1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15, 23, 24, 25, 26, 27, 28, 30, 32, 33, 34, 35,
    ] {
        let escaped = riskfirst_report::html::escape::esc(&payload(field));
        assert!(
            html.contains(&escaped),
            "payload {field} is shown escaped: {escaped}"
        );
    }

    assert_eq!(count(&lower, "<script"), 0, "no script element");
    assert_eq!(count(&lower, "<iframe"), 0);
    assert_eq!(count(&lower, "<img"), 0);
    assert_eq!(count(&lower, "<body onload"), 0);
    assert_eq!(
        count(&lower, "</style>"),
        1,
        "only the report's own style ends"
    );
    assert_eq!(count(&lower, "<style>"), 1);
    assert_eq!(count(&lower, "<![cdata["), 0);
    // Read every tag as a browser would: no handler attribute, no link out, no active element.
    let tags = tags(&html);
    assert!(tags.len() > 100, "the tokenizer found the tags");
    for (name, attrs) in &tags {
        assert!(
            ![
                "script",
                "iframe",
                "img",
                "object",
                "embed",
                "link",
                "base",
                "meta http-equiv"
            ]
            .contains(&name.as_str()),
            "a <{name}> element"
        );
        for (attr, value) in attrs {
            assert!(!attr.starts_with("on"), "<{name} {attr}={value:?}>");
            if attr == "href" || attr == "src" || attr == "xlink:href" || attr == "action" {
                assert!(
                    value.starts_with('#'),
                    "<{name} {attr}={value:?}> leaves the page"
                );
            }
            assert!(
                !value.to_ascii_lowercase().contains("javascript:")
                    || attr == "aria-label"
                    || attr == "title",
                "<{name} {attr}={value:?}>"
            );
        }
    }
    assert!(!lower.contains("href=\"javascript"));
    assert!(!lower.contains("src=\"javascript"));
    assert!(!lower.contains("url("), "no CSS url() at all");
}

#[test]
fn the_report_has_its_sections_and_figures() {
    let f = fixture(&|i| format!("Name {i}"));
    let html = render(&f);
    for id in [
        "summary",
        "business-risks",
        "appetite",
        "accepted",
        "loss-exceedance",
        "heat-map",
        "teams",
        "plan",
        "systems",
        "appendix",
        "method",
    ] {
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "section `{id}` is present"
        );
        assert!(
            id == "business-risks"
                || id == "appetite"
                || id == "accepted"
                || html.contains(&format!("href=\"#{id}\"")),
            "the contents link to `{id}`"
        );
    }
    // One system section and one diagram figure per system.
    assert_eq!(
        count(&html, "<article class=\"system\""),
        f.estate.systems.len()
    );
    assert_eq!(count(&html, "<figure class=\"dfd"), f.estate.systems.len());
    // The organisation's loss exceedance chart has three curves.
    let lec_start = html.find("<svg id=\"lec\"").expect("the LEC chart");
    let lec = &html[lec_start..lec_start + html[lec_start..].find("</svg>").expect("ends")];
    assert_eq!(count(lec, "class=\"curve\""), 3);
    for stage in ["Without controls", "Today", "After the plan"] {
        assert!(lec.contains(&format!("data-stage=\"{stage}\"")), "{stage}");
    }
    // The two money limits of the organisation's appetite are drawn on it.
    assert_eq!(count(lec, "class=\"limit\""), 2);
    // Heat map: one cell per likelihood and impact level.
    let s = &f.estate.scales;
    assert_eq!(
        count(&html, "class=\"hm-cell\""),
        s.likelihood.len() * s.impact.len()
    );
    // Every threat has an entry in the appendix, linked from its system's table.
    for i in 0..f.assessment.threats.len() {
        assert!(html.contains(&format!("<article class=\"threat\" id=\"t-{i}\"")));
        assert!(html.contains(&format!("href=\"#t-{i}\"")));
    }
    // The plan lists each candidate control once, with its owner and due date.
    assert_eq!(
        f.plan.chosen.len(),
        2,
        "waf and backup are not yet in place"
    );
    assert!(html.contains("2027-03-01") && html.contains("2027-06-01"));
    // The expired acceptance is called out.
    assert!(html.contains("Expired"), "the 2020 acceptance has expired");
    // A print stylesheet with page breaks.
    assert!(html.contains("@media print") && html.contains("break-before: page"));
    // Money reads as money.
    assert!(html.contains('€'));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let a = render(&fixture(&|i| format!("Name {i}")));
    let b = render(&fixture(&|i| format!("Name {i}")));
    assert_eq!(a, b);
}
