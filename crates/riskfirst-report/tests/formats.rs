//! The Markdown report and the risk register (CSV, XLSX): a snapshot of a small fixture,
//! structure on the demo estate, read-back of both register formats, and an injection
//! corpus in every free-text field of the model.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use riskfirst_assess::{AssessConfig, Assessment};
use riskfirst_model::{Date, Estate, Options, Sources};
use riskfirst_report::register::{self, Kind, COLUMNS};
use riskfirst_report::{markdown, ReportInput};
use riskfirst_risk::plan::Plan;
use riskfirst_rules::Analysis;

const TODAY: &str = "2026-11-28";
const TRIALS: u64 = 2_000;
const SEED: u64 = 11;

/// A small estate: two teams, two business risks with an appetite, one system of three
/// components and two flows, an acceptance that has expired and one that has not, a
/// hand-written threat, controls in two statuses and an assumption. Every free-text field
/// is a `{placeholder}` so the injection test can fill it with payloads.
const ROOT: &str = r#"riskfirst: 1
organisation: { name: {ORG}, currency: EUR }
teams:
  - { id: shop-team, name: {TEAM} }
  - { id: platform, name: Platform }
business_risks:
  - { id: breach, title: {RISK}, owner: {RISK_OWNER}, loss_per_event: { low: 50_000, high: 2_000_000 } }
  - { id: outage, title: Shoppers cannot pay, owner: COO, loss_per_event: { low: 10_000, high: 200_000 } }
appetite:
  - { business_risk: breach, max_annual_loss: { p90: 100_000 } }
  - { max_open_level: high }
zones:
  - { id: internet, trust: 0 }
  - { id: private, trust: 90 }
"#;

const SYSTEM: &str = r#"riskfirst: 1
system: { id: shop, name: {SYSTEM}, owner: shop-team, description: {DESCRIPTION}, business_risks: [outage] }
data:
  - { id: customers, name: {DATA}, classification: confidential, records: 50_000, business_risks: [breach] }
components:
  - { id: user, kind: external-entity, technology: browser, zone: internet }
  - { id: web, name: {COMPONENT}, kind: process, technology: web-application, zone: private, internet_facing: true, processes: [customers] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers], encrypted_at_rest: true, owner: platform }
flows:
  - { id: user-to-web, from: user, to: web, protocol: https, authentication: session, data: [customers] }
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: false, authentication: password, data: [customers] }
assumptions:
  - { id: tls-at-edge, text: {ASSUMPTION} }
threats:
  - { id: T008@web, status: accepted, justification: {JUSTIFICATION}, approved_by: {APPROVER}, expires: 2026-01-31 }
  - { id: T009@web, status: accepted, justification: Tokens are single use., approved_by: CISO, expires: 2099-12-31 }
  - { id: insider-export, title: {HAND_TITLE}, stride: information-disclosure, elements: [db], business_risks: [breach], frequency: { low: 0.01, high: 0.2 } }
controls:
  - { id: db-tls, title: {CONTROL}, owner: platform, status: planned, cost: { once: 5_000, yearly: 1_000 }, due: 2027-03-31,
      mitigates: [ { threats: ["*@web@db"], effectiveness: { low: 0.6, high: 0.9 } } ] }
  - { id: waf, title: Managed WAF, owner: platform, status: implemented, cost: { yearly: 6_000 },
      mitigates: [ { threats: ["T0*@web"], effectiveness: { low: 0.3, high: 0.6 } } ] }
"#;

const FIELDS: [&str; 13] = [
    "ORG",
    "TEAM",
    "RISK",
    "RISK_OWNER",
    "SYSTEM",
    "DESCRIPTION",
    "DATA",
    "COMPONENT",
    "ASSUMPTION",
    "JUSTIFICATION",
    "APPROVER",
    "HAND_TITLE",
    "CONTROL",
];

/// The plain values of the fixture's free-text fields.
fn plain(field: &str) -> String {
    match field {
        "ORG" => "Fixture Shop",
        "TEAM" => "Shop",
        "RISK" => "Customer data is stolen",
        "RISK_OWNER" => "CISO",
        "SYSTEM" => "Web shop",
        "DESCRIPTION" => "Sells things to people.",
        "DATA" => "Customer records",
        "COMPONENT" => "Shop web application",
        "ASSUMPTION" => "TLS ends at the load balancer.",
        "JUSTIFICATION" => "Output is encoded by the template engine.",
        "APPROVER" => "Head of Engineering",
        "HAND_TITLE" => "An insider exports the customer table",
        _ => "TLS to the database",
    }
    .to_string()
}

/// Payloads that would be live HTML, a live link, a table break or a formula if they went
/// through unescaped.
const CORPUS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "[ref]: javascript:alert(1)",
    "<https://evil.example>",
    "<!-- hidden -->",
    "&lt;script&gt;",
    "a | b || c \\| d",
    "`code` ``` fence ````",
    "**bold** _it_ ~~strike~~",
    "line1\nline2\r\n| injected | row |",
    "# heading",
    "1. list",
    "- item",
];

/// The hostile value of a field: the whole corpus, led by a spreadsheet formula on the
/// fields that reach the register's text cells.
fn hostile(field: &str) -> String {
    let lead = match field {
        "HAND_TITLE" => "=HYPERLINK(\"http://evil.example\",\"x\")",
        "JUSTIFICATION" => "+cmd|' /C calc'!A0",
        "APPROVER" => "@SUM(1+1)",
        "CONTROL" => "-2+3",
        "ORG" => "\tTAB",
        _ => "",
    };
    format!("{lead} {}", CORPUS.join(" "))
}

/// A YAML double-quoted scalar: JSON's string syntax is valid YAML.
fn yaml(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

fn fill(template: &str, value: &dyn Fn(&str) -> String) -> String {
    let mut out = template.to_string();
    for f in FIELDS {
        out = out.replace(&format!("{{{f}}}"), &yaml(&value(f)));
    }
    out
}

/// An estate with everything a report is drawn from.
struct Report {
    estate: Estate,
    analysis: Analysis,
    assessment: Assessment,
    plan: Plan,
}

impl Report {
    fn input(&self) -> ReportInput<'_> {
        ReportInput {
            estate: &self.estate,
            analysis: &self.analysis,
            assessment: &self.assessment,
            plan: Some(&self.plan),
            today: today(),
        }
    }
}

fn today() -> Date {
    Date::parse(TODAY).expect("a valid date")
}

fn build(sources: Sources) -> Report {
    let loaded = riskfirst_model::load(sources, &Options::default());
    let Some(estate) = loaded.estate else {
        let text: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| riskfirst_model::diag::render(d, &loaded.sources, &Default::default()))
            .collect();
        panic!("the test estate is invalid:\n{}", text.join("\n"));
    };
    let custom = riskfirst_rules::compile_rules(&estate, &loaded.sources);
    let analysis = riskfirst_rules::analyze(&estate, &custom.rules);
    let cfg = AssessConfig {
        trials: Some(TRIALS),
        seed: Some(SEED),
        today: Some(today()),
        ..AssessConfig::default()
    };
    let assessment =
        riskfirst_assess::assess(&estate, &analysis, &cfg, None).expect("the estate assesses");
    let built = riskfirst_assess::build(&estate, &analysis);
    let plan = riskfirst_assess::plan(&estate, &analysis, &built, 1e12, cfg.years).expect("a plan");
    Report {
        estate,
        analysis,
        assessment,
        plan,
    }
}

fn fixture(value: &dyn Fn(&str) -> String) -> Report {
    build(Sources {
        root: ("riskfirst.yaml".into(), fill(ROOT, value)),
        systems: vec![("systems/shop.yaml".into(), fill(SYSTEM, value))],
    })
}

fn demo() -> Report {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    let sources = riskfirst_model::fs::read_estate(&dir, &Default::default())
        .expect("the demo estate is in examples/northwind");
    build(sources)
}

// ---------------------------------------------------------------------------
// Markdown helpers
// ---------------------------------------------------------------------------

/// The lines of a document outside fenced code blocks (the Mermaid diagrams).
fn prose(md: &str) -> Vec<&str> {
    let mut fence: Option<String> = None;
    let mut out = Vec::new();
    for line in md.lines() {
        let ticks: String = line.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(f) if ticks.len() >= f.len() && line.trim_end() == ticks => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => out.push(line),
        }
    }
    out
}

/// The cells of a table row, split on pipes not escaped by a backslash.
fn cells(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n
}

/// Every table has as many unescaped pipes in each row as in its header, and an
/// alignment row under the header. Returns the number of tables.
fn check_tables(md: &str) -> usize {
    let lines = prose(md);
    let mut tables = 0;
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            i += 1;
            continue;
        }
        tables += 1;
        let header = cells(lines[i]);
        assert!(header >= 2, "a table header has cells: {}", lines[i]);
        let align = lines.get(i + 1).copied().unwrap_or("");
        assert!(
            align.starts_with("| ---") && cells(align) == header,
            "an alignment row follows the header {:?}: {align:?}",
            lines[i]
        );
        i += 2;
        while i < lines.len() && lines[i].starts_with('|') {
            assert_eq!(
                cells(lines[i]),
                header,
                "row {:?} has the header's cells ({:?})",
                lines[i],
                lines.get(i.saturating_sub(1))
            );
            i += 1;
        }
    }
    tables
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

#[test]
fn markdown_of_the_fixture() {
    let r = fixture(&plain);
    let md = markdown::render(&r.input());
    check_tables(&md);
    insta::assert_snapshot!("markdown_fixture", md);
}

#[test]
fn markdown_of_the_demo_has_every_part() {
    let r = demo();
    let md = markdown::render(&r.input());
    let a = &r.assessment;
    assert!(check_tables(&md) > 10, "the demo report has its tables");

    for heading in [
        "## Executive summary",
        "## Teams",
        "## Business risks",
        "## Systems",
        "## Remediation plan",
        "## Appendix: every threat",
    ] {
        assert_eq!(
            md.lines().filter(|l| *l == heading).count(),
            1,
            "one {heading}"
        );
    }
    // One section per system, in the estate's order, between "Systems" and the plan.
    let systems = md
        .split("\n## Systems\n")
        .nth(1)
        .and_then(|s| s.split("\n## Remediation plan\n").next())
        .expect("a systems part");
    let headings: Vec<&str> = systems
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .collect();
    let names: Vec<String> = r
        .estate
        .system_indices()
        .map(|s| markdown::escape(&r.estate[s].header.name))
        .collect();
    assert_eq!(headings, names);
    assert_eq!(names.len(), a.systems.len());

    // Every threat in the appendix, every business risk and team by name.
    let appendix = md
        .split("\n## Appendix: every threat\n")
        .nth(1)
        .expect("an appendix");
    assert_eq!(
        appendix.lines().filter(|l| l.starts_with("### ")).count(),
        a.threats.len()
    );
    for t in &a.threats {
        let heading = format!(
            "### {} / {}: ",
            markdown::escape(&t.system),
            markdown::escape(&t.id)
        );
        assert!(appendix.contains(&heading), "{heading}");
    }
    for risk in &a.business_risks {
        assert!(md.contains(&format!("### {}\n", markdown::escape(&risk.title))));
    }
    for team in &a.teams {
        assert!(md.contains(&format!("| {} |", markdown::escape(&team.name))));
    }

    // The headline numbers as the assessment has them.
    let c = &a.settings.currency;
    let headline = format!(
        "**Expected loss a year: {}**",
        markdown::escape(&riskfirst_assess::money(
            a.organisation.annual_loss.current.mean,
            c
        ))
    );
    assert!(md.contains(&headline), "{headline}");

    // The demo has expired acceptances: they are called out, with their threats.
    let expired: Vec<_> = a
        .threats
        .iter()
        .filter(|t| t.decision.as_ref().is_some_and(|d| d.expired))
        .collect();
    if !expired.is_empty() {
        let callout = md
            .lines()
            .find(|l| l.starts_with("> **") && l.contains("expired"))
            .expect("a call-out of expired acceptances");
        for t in expired
            .iter()
            .filter(|t| t.status == riskfirst_model::format::ThreatStatus::Accepted)
        {
            assert!(
                callout.contains(&markdown::escape(&t.id)),
                "{} in {callout}",
                t.id
            );
        }
    }

    // The plan lists every chosen control in order.
    let plan = md
        .split("\n## Remediation plan\n")
        .nth(1)
        .and_then(|s| s.split("\n## Appendix").next())
        .expect("a plan part");
    let steps: Vec<&str> = plan
        .lines()
        .filter(|l| l.starts_with("| ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert_eq!(steps.len(), r.plan.chosen.len());
    for (line, step) in steps.iter().zip(&r.plan.chosen) {
        let id = &r.estate.controls[step.control].raw.id.value;
        assert!(
            line.contains(&format!("| {} |", markdown::escape(id))),
            "{line}"
        );
    }

    // Each system's data-flow diagram, as a fenced Mermaid block.
    assert_eq!(md.matches("```mermaid\n").count(), a.systems.len());
    assert!(prose(&md).len() < md.lines().count());
}

#[test]
fn escape_makes_markdown_inert() {
    let cases = [
        ("<script>", "&lt;script&gt;"),
        ("a|b", "a\\|b"),
        ("[x](javascript:y)", "\\[x\\]\\(javascript:y\\)"),
        ("![i](u)", "\\!\\[i\\]\\(u\\)"),
        ("`c`", "\\`c\\`"),
        ("*b* _i_ ~s~", "\\*b\\* \\_i\\_ \\~s\\~"),
        ("one\ntwo\r\nthree", "one two  three"),
        ("&amp;", "&amp;amp;"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("# title", "\\# title"),
        ("a\\b", "a\\\\b"),
        ("card-data-breach", "card-data-breach"),
        ("2026 report", "2026 report"),
    ];
    for (input, expected) in cases {
        assert_eq!(markdown::escape(input), expected, "{input:?}");
    }
    let with_code = [
        ("`web` has no `waf`", "`web` has no `waf`"),
        ("`a|b` is <`c`>", "\\`a\\|b\\` is &lt;`c`&gt;"),
        ("one ` alone", "one \\` alone"),
        ("`x` and ` y", "`x` and \\` y"),
        ("`<script>` `ok`", "\\`&lt;script&gt;\\` `ok`"),
        ("`` empty", "\\`\\` empty"),
        ("no code (here)", "no code \\(here\\)"),
    ];
    for (input, expected) in with_code {
        assert_eq!(markdown::escape_with_code(input), expected, "{input:?}");
    }
}

/// What must not survive from hostile model text into Markdown meant for
/// GitHub: raw HTML, comments, and links a reader might follow.
const MARKDOWN_INJECTIONS: [&str; 8] = [
    "<script",
    "<svg",
    "<img",
    "<a ",
    "<!--",
    "](javascript:",
    "](http",
    "<https:",
];

#[test]
fn markdown_neutralises_the_injection_corpus() {
    let r = fixture(&hostile);
    let md = markdown::render(&r.input());
    check_tables(&md);
    let lower = md.to_lowercase();
    for bad in MARKDOWN_INJECTIONS {
        assert!(!lower.contains(bad), "{bad} survives in the Markdown");
    }
    // The diagrams are fenced by more backticks than any run inside them, and each fence closes.
    let mermaid_blocks = md.matches("mermaid\n").count();
    assert_eq!(mermaid_blocks, 1, "one diagram for the one system");
    let text = prose(&md).join("\n");
    assert!(
        !text.contains("mermaid"),
        "the diagram's fence closes where it should"
    );
    // The report writes no HTML of its own, so no `<` reaches the prose at all.
    assert!(!text.contains('<'), "a raw < in the Markdown");
    // Outside code spans, no `[` or `]` that could open a link; code spans are closed on
    // their line and hold only plain characters.
    for (n, line) in prose(&md).iter().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut in_code = false;
        for (i, c) in chars.iter().enumerate() {
            let escaped = chars[..i].iter().rev().take_while(|x| **x == '\\').count() % 2 == 1;
            if in_code {
                if *c == '`' {
                    in_code = false;
                } else {
                    assert!(
                        !matches!(c, '<' | '>' | '&' | '|' | '[' | ']' | '\\'),
                        "line {n}: {c:?} in a code span of {line:?}"
                    );
                }
                continue;
            }
            if *c == '`' && !escaped {
                in_code = true;
            }
            assert!(
                !matches!(c, '[' | ']') || escaped,
                "line {n}: unescaped {c:?} in {line:?}"
            );
        }
        assert!(!in_code, "line {n}: an unclosed code span in {line:?}");
        // A value never starts a line: each line begins with the report's own markup.
        assert!(
            line.is_empty()
                || line.starts_with('#')
                || line.starts_with("- ")
                || line.starts_with("  - ")
                || line.starts_with("| ")
                || line.starts_with("> ")
                || line.chars().next().is_some_and(char::is_alphabetic)
                || line.starts_with("riskfirst"),
            "line {n} starts with model text: {line:?}"
        );
    }
    // The payloads are there, shown as text, not dropped.
    assert!(md.contains("&lt;script&gt;alert\\(1\\)&lt;/script&gt;"));
    assert!(md.contains("\\[click\\]\\(javascript:alert\\(1\\)\\)"));
    assert!(md.contains("&amp;lt;script&amp;gt;"));
    // Headings hold one line: the system heading is the whole escaped name.
    let name = markdown::escape(&hostile("SYSTEM"));
    assert!(md.contains(&format!("\n### {name}\n")));
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes; anything
/// else (a bare quote, a lone CR or LF outside quotes, a ragged row) is an error.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err(format!("a bare quote in {field:?}")),
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' => {
                if chars.next() != Some('\n') {
                    return Err("a CR without LF".into());
                }
                record.push(std::mem::take(&mut field));
                was_quoted = false;
                records.push(std::mem::take(&mut record));
            }
            '\n' => return Err("an LF without CR".into()),
            c if was_quoted => return Err(format!("{c:?} after a closing quote")),
            c => field.push(c),
        }
    }
    if quoted {
        return Err("an unterminated quote".into());
    }
    if !field.is_empty() || !record.is_empty() {
        return Err("the last record has no CRLF".into());
    }
    if let Some(first) = records.first() {
        if let Some(bad) = records.iter().find(|r| r.len() != first.len()) {
            return Err(format!("a ragged record: {bad:?}"));
        }
    }
    Ok(records)
}

fn column(key: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("a column {key}"))
}

fn check_csv(r: &Report) -> Vec<Vec<String>> {
    let text = register::csv(&r.input());
    let records = parse_csv(&text).expect("RFC 4180");
    let a = &r.assessment;
    let keys: Vec<&str> = COLUMNS.iter().map(|c| c.key).collect();
    assert_eq!(records[0], keys);
    for key in [
        "system",
        "threat_id",
        "title",
        "rule",
        "stride",
        "status",
        "owner",
        "level",
        "likelihood",
        "impact",
        "loss_removed",
        "loss_removed_alone",
        "inherent_loss_removed",
        "projected_loss_removed",
        "business_risks",
        "recommendation",
        "recommendation_reason",
        "controls",
        "decision_approved_by",
        "decision_expires",
        "elements",
    ] {
        assert!(keys.contains(&key), "column {key}");
    }
    assert_eq!(records.len(), a.threats.len() + 1, "one row per threat");
    for (row, t) in records[1..].iter().zip(&a.threats) {
        assert_eq!(row[column("threat_id")].trim_start_matches('\''), t.id);
        assert_eq!(row[column("owner")], t.owner);
        assert_eq!(row[column("stride")], t.stride.name());
        assert_eq!(row[column("controls")], t.controls.join("; "));
        for (c, cell) in COLUMNS.iter().zip(row) {
            if c.kind != Kind::Text && !cell.is_empty() {
                cell.parse::<f64>()
                    .unwrap_or_else(|e| panic!("{} = {cell:?} is a number: {e}", c.key));
            }
        }
        let num = |key: &str| row[column(key)].parse::<f64>().ok();
        match &t.value {
            Some(v) => {
                assert_eq!(num("loss_removed"), Some(v.current), "{}", t.id);
                assert_eq!(num("loss_removed_alone"), Some(v.alone));
                assert_eq!(num("inherent_loss_removed"), Some(v.inherent));
                assert_eq!(num("projected_loss_removed"), Some(v.projected));
            }
            None => assert_eq!(row[column("loss_removed")], ""),
        }
        assert_eq!(num("events_per_year"), Some(t.level.events_per_year));
    }
    records
}

#[test]
fn csv_of_the_demo_reads_back() {
    let r = demo();
    let records = check_csv(&r);
    let text = register::csv(&r.input());
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
    // Accepted threats carry their approver and expiry.
    let accepted = r
        .assessment
        .threats
        .iter()
        .position(|t| t.decision.as_ref().is_some_and(|d| d.approved_by.is_some()))
        .expect("the demo accepts some threats");
    let d = r.assessment.threats[accepted]
        .decision
        .as_ref()
        .expect("a decision");
    let row = &records[accepted + 1];
    assert_eq!(
        Some(row[column("decision_approved_by")].as_str()),
        d.approved_by.as_deref()
    );
    assert_eq!(
        Some(row[column("decision_expires")].as_str()),
        d.expires.as_deref()
    );
}

#[test]
fn csv_guards_against_formula_injection() {
    let r = fixture(&hostile);
    let records = check_csv(&r);
    let hand = records
        .iter()
        .find(|row| row[column("threat_id")] == "insider-export")
        .expect("the hand-written threat");
    assert_eq!(hand[column("title")], format!("'{}", hostile("HAND_TITLE")));
    let accepted = records
        .iter()
        .find(|row| row[column("threat_id")] == "T008@web")
        .expect("the accepted threat");
    assert_eq!(
        accepted[column("decision_justification")],
        format!("'{}", hostile("JUSTIFICATION"))
    );
    assert_eq!(
        accepted[column("decision_approved_by")],
        format!("'{}", hostile("APPROVER"))
    );
    // No text cell a spreadsheet would evaluate is left.
    for row in &records[1..] {
        for (c, cell) in COLUMNS.iter().zip(row) {
            if c.kind == Kind::Text {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{} = {cell:?}",
                    c.key
                );
            }
        }
    }
    // Numbers are never prefixed, even negative-looking ones stay parseable.
    let plain_records = check_csv(&fixture(&plain));
    assert_eq!(plain_records.len(), records.len());
}

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).expect("the workbook opens")
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("a text cell, not {other:?}"),
    }
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(x) => *x as f64,
        other => panic!("a number cell, not {other:?}"),
    }
}

fn check_xlsx(r: &Report) {
    let bytes = register::xlsx(&r.input()).expect("a workbook");
    let again = register::xlsx(&r.input()).expect("a workbook");
    assert!(bytes == again, "the same input gives the same bytes");
    let mut book = open(bytes);
    assert_eq!(book.sheet_names(), ["Register", "Summary", "Controls"]);
    let a = &r.assessment;

    let sheet = book.worksheet_range("Register").expect("the register");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(
        rows.len(),
        a.threats.len() + 1,
        "a header and one row per threat"
    );
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header.len(), COLUMNS.len());
    assert_eq!(header[column("threat_id")], "Threat");
    assert_eq!(
        header[column("loss_removed")],
        "Closing it removes a year (EUR)"
    );
    for (row, t) in rows[1..].iter().zip(&a.threats) {
        assert_eq!(text(&row[column("threat_id")]), t.id);
        assert_eq!(text(&row[column("system")]), t.system);
        assert_eq!(text(&row[column("owner")]), t.owner);
        assert_eq!(
            text(&row[column("title")]),
            t.title,
            "text stays as written"
        );
        match &t.value {
            Some(v) => {
                assert_eq!(number(&row[column("loss_removed")]), v.current);
                assert_eq!(number(&row[column("loss_removed_alone")]), v.alone);
            }
            None => assert_eq!(row[column("loss_removed")], Data::Empty),
        }
    }

    let summary = book.worksheet_range("Summary").expect("the summary");
    let org = summary.rows().nth(1).expect("the organisation row");
    assert_eq!(text(&org[0]), "organisation");
    assert_eq!(text(&org[2]), a.organisation.name);
    assert_eq!(number(&org[8]), a.organisation.annual_loss.current.mean);
    assert_eq!(number(&org[9]), a.organisation.annual_loss.current.p90);
    let risks: Vec<&[Data]> = summary
        .rows()
        .filter(|r| r.first().is_some_and(|c| text(c) == "business risk"))
        .collect();
    assert_eq!(risks.len(), a.business_risks.len());
    for (row, risk) in risks.iter().zip(&a.business_risks) {
        assert_eq!(text(&row[1]), risk.id);
        assert_eq!(number(&row[6]), risk.annual_loss.inherent.mean);
        assert_eq!(number(&row[10]), risk.annual_loss.projected.mean);
    }

    let controls = book.worksheet_range("Controls").expect("the controls");
    let rows: Vec<&[Data]> = controls.rows().collect();
    assert_eq!(rows.len(), a.controls.len() + 1);
    assert_eq!(text(&rows[0][0]), "Control");
    for (row, c) in rows[1..].iter().zip(&a.controls) {
        assert_eq!(text(&row[0]), c.id);
        assert_eq!(text(&row[3]), c.owner);
        assert_eq!(number(&row[8]), c.loss_removed);
        match c.rosi {
            Some(x) => assert_eq!(number(&row[9]), x),
            None => assert_eq!(row[9], Data::Empty),
        }
    }
}

#[test]
fn xlsx_of_the_demo_reads_back() {
    check_xlsx(&demo());
}

#[test]
fn xlsx_keeps_hostile_text_as_text() {
    let r = fixture(&hostile);
    check_xlsx(&r);
    let mut book = open(register::xlsx(&r.input()).expect("a workbook"));
    let sheet = book.worksheet_range("Register").expect("the register");
    let hand = sheet
        .rows()
        .find(|row| text(&row[column("threat_id")]) == "insider-export")
        .expect("the hand-written threat");
    // A string cell is never evaluated, so the formula stays as written, unprefixed.
    assert_eq!(text(&hand[column("title")]), hostile("HAND_TITLE"));
    let formulas = book.worksheet_formula("Register").expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell holds a formula"
    );
}

// ---------------------------------------------------------------------------
// Tracker exports
// ---------------------------------------------------------------------------

#[test]
fn work_items_are_planned_controls_then_threats_to_mitigate_with_unique_keys() {
    use riskfirst_model::format::ControlStatus;
    use riskfirst_report::export::{work_items, ItemKind};
    let r = demo();
    let items = work_items(&r.assessment, false);
    let planned: Vec<&str> = r
        .assessment
        .controls
        .iter()
        .filter(|c| matches!(c.status, ControlStatus::Planned | ControlStatus::InProgress))
        .map(|c| c.id.as_str())
        .collect();
    let controls: Vec<&str> = items
        .iter()
        .take_while(|i| i.kind == ItemKind::Control)
        .map(|i| i.id.as_str())
        .collect();
    let mut sorted = controls.clone();
    sorted.sort_unstable();
    let mut expected = planned.clone();
    expected.sort_unstable();
    assert_eq!(sorted, expected, "every planned control, first");
    assert!(items[controls.len()..]
        .iter()
        .all(|i| i.kind == ItemKind::Threat));
    assert!(
        items.len() > controls.len(),
        "the demo has threats to mitigate"
    );
    let mut keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), items.len(), "keys are unique");
    for i in &items {
        match i.kind {
            ItemKind::Control => assert_eq!(i.key, format!("control/{}", i.id)),
            ItemKind::Threat => assert!(i.key.ends_with(&format!(":{}", i.id)), "{}", i.key),
        }
    }
    // Within each kind: by priority, then risk removed.
    for pair in items.windows(2).filter(|w| w[0].kind == w[1].kind) {
        assert!(
            pair[0].priority < pair[1].priority
                || (pair[0].priority == pair[1].priority
                    && pair[0].risk_removed >= pair[1].risk_removed),
            "{} before {}",
            pair[0].key,
            pair[1].key
        );
    }
    // The same assessment gives the same items; `planned_only` keeps the controls.
    assert_eq!(work_items(&r.assessment, false), items);
    let only: Vec<String> = work_items(&r.assessment, true)
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(only, controls);
}

#[test]
fn tracker_exports_neutralise_the_injection_corpus() {
    use riskfirst_report::export::{github_issues, jira_csv, work_items};
    let r = fixture(&hostile);
    let items = work_items(&r.assessment, false);
    assert!(!items.is_empty(), "the fixture has work to export");
    let issues: serde_json::Value =
        serde_json::from_str(&github_issues(&items)).expect("the issues are JSON");
    for issue in issues.as_array().expect("an array") {
        let body = issue["body"].as_str().expect("a body").to_lowercase();
        // The key marker is the only comment in a body.
        assert_eq!(body.matches("<!--").count(), 1, "{body}");
        let without_marker = body.replace("<!-- riskfirst-key: ", "");
        for bad in MARKDOWN_INJECTIONS {
            assert!(!without_marker.contains(bad), "{bad} survives in {body}");
        }
        let title = issue["title"].as_str().expect("a title");
        assert!(!title.contains(['\n', '\r', '\t']), "{title:?}");
    }
    let csv = jira_csv(&items);
    let rows = parse_csv(&csv).expect("the Jira CSV is RFC 4180");
    let header = &rows[0];
    let summary = header.iter().position(|h| h == "Summary").expect("Summary");
    let description = header
        .iter()
        .position(|h| h == "Description")
        .expect("Description");
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len());
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell: {cell:?}"
            );
        }
        let d = &row[description];
        // Jira markup of the model is escaped: no link, macro or table opens from it.
        assert!(!d.contains("[click]"), "{d}");
        assert!(!row[summary].contains('\n'));
    }
    // The payloads are there, shown as text, not dropped.
    assert!(
        rows[1..]
            .iter()
            .any(|r| r[description].contains("\\[click\\]")),
        "{csv}"
    );
}
