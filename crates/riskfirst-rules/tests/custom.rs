//! Custom rules as data: a fixture estate with several rules, exact threat ids,
//! exact facts, and precise diagnostics for invalid expressions.

use riskfirst_model::diag::render;
use riskfirst_model::{load, Options, Sources};
use riskfirst_rules::{analyze, compile_rules, rule_catalog, rule_doc};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/custom");

fn fixture(name: &str) -> String {
    let path = format!("{FIXTURES}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sources() -> Sources {
    Sources {
        root: ("riskfirst.yaml".into(), fixture("riskfirst.yaml")),
        systems: vec![("systems/shop.yaml".into(), fixture("shop.yaml"))],
    }
}

#[test]
fn custom_rules_raise_exactly_these_threats() {
    let loaded = load(sources(), &Options::default());
    let estate = loaded
        .estate
        .as_ref()
        .unwrap_or_else(|| panic!("{:#?}", loaded.diagnostics));
    let custom = compile_rules(estate, &loaded.sources);
    assert!(custom.diagnostics.is_empty(), "{:#?}", custom.diagnostics);
    assert_eq!(custom.rules.len(), 6);
    let analysis = analyze(estate, &custom.rules);
    let got: Vec<(String, Vec<String>)> = analysis
        .threats
        .iter()
        .filter(|t| t.rule.code.starts_with("ORG"))
        .map(|t| (t.id.clone(), t.facts.clone()))
        .collect();
    let want: Vec<(String, Vec<String>)> = vec![
        (
            "ORG-001@broker".into(),
            vec!["`technology` is `rabbitmq`".into()],
        ),
        (
            "ORG-002@web@broker".into(),
            vec![
                "`protocol` is `amqp`".into(),
                "`tls` is false".into(),
                "`to.category` is `message-queue`".into(),
            ],
        ),
        (
            "ORG-003@orders-db".into(),
            vec![
                "`kind` is `datastore`".into(),
                "`data.classification` is `restricted`".into(),
                "`encrypted_at_rest` is false".into(),
            ],
        ),
        (
            "ORG-004@web".into(),
            vec![
                "incoming flow `shopper → web`: `from.zone.trust` is 0".into(),
                "`zone.trust` is 50".into(),
                "`tags` is `[pci, frontend]`".into(),
            ],
        ),
        (
            "ORG-005@cards".into(),
            vec![
                "`classification` is `restricted`".into(),
                "`personal` is true".into(),
                "`records` is 2000000".into(),
            ],
        ),
        (
            "ORG-006@shopper@web".into(),
            vec![
                "`authentication` is `session`".into(),
                "`from.kind` is `external-entity`".into(),
            ],
        ),
    ];
    assert_eq!(got, want);
    let t = analysis
        .threats
        .iter()
        .find(|t| t.id == "ORG-003@orders-db")
        .unwrap();
    assert_eq!(t.rule.name, "restricted-store-unencrypted");
    assert_eq!(t.rule.cwe, [311]);
    assert_eq!(t.title, "restricted data rests unencrypted");
}

#[test]
fn custom_rules_are_listed_and_documented() {
    let loaded = load(sources(), &Options::default());
    let estate = loaded.estate.unwrap();
    let custom = compile_rules(&estate, &loaded.sources);
    let catalog = rule_catalog(&custom.rules);
    let org: Vec<&str> = catalog
        .iter()
        .filter(|r| r.custom)
        .map(|r| r.code.as_str())
        .collect();
    assert_eq!(
        org,
        ["ORG-001", "ORG-002", "ORG-003", "ORG-004", "ORG-005", "ORG-006"]
    );
    let json = serde_json::to_value(catalog.iter().find(|r| r.code == "ORG-003").unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "code": "ORG-003", "name": "restricted-store-unencrypted", "stride": "information-disclosure",
            "summary": "restricted data rests unencrypted", "cwe": [311], "capec": [],
            "frequency": { "low": 0.01, "high": 0.1 }, "custom": true
        })
    );
    let doc = rule_doc("ORG-003", &custom.rules).unwrap();
    assert!(
        doc.starts_with("# ORG-003 restricted-store-unencrypted\n"),
        "{doc}"
    );
    assert!(
        doc.contains("kind == datastore and data.classification >= restricted"),
        "{doc}"
    );
    assert!(doc.contains("- Turn on storage encryption"), "{doc}");
    assert!(rule_doc("ORG-999", &custom.rules).is_none());
}

/// Compiles one rule with the given `when:` line (as written in YAML) and renders its diagnostic.
fn diagnose(applies_to: &str, when_line: &str) -> Vec<String> {
    let root = format!(
        "riskfirst: 1
organisation: {{ name: Example, currency: EUR }}
teams: [ {{ id: team, name: Team }} ]
rules:
  - code: X001
    name: broken
    stride: spoofing
    applies_to: {applies_to}
{when_line}
    summary: broken
    frequency: {{ low: 0.1, high: 1 }}
"
    );
    let sources = Sources {
        root: ("riskfirst.yaml".into(), root),
        systems: vec![],
    };
    let loaded = load(sources, &Options::default());
    let estate = loaded
        .estate
        .as_ref()
        .unwrap_or_else(|| panic!("{:#?}", loaded.diagnostics));
    let custom = compile_rules(estate, &loaded.sources);
    assert!(custom.rules.is_empty());
    custom
        .diagnostics
        .iter()
        .map(|d| {
            let rendered = render(d, &loaded.sources, &Default::default());
            format!(
                "{}:{}:{} {}: {}{}\n{rendered}",
                d.span.line,
                d.span.col,
                d.span.len,
                d.code,
                d.message,
                d.hint
                    .as_ref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default()
            )
        })
        .collect()
}

fn first_line(diags: &[String]) -> &str {
    diags[0].lines().next().unwrap_or_default()
}

#[test]
fn invalid_expressions_are_reported_at_the_exact_position() {
    // (applies_to, the `when:` line, the expected "line:col:len code: message (hint)").
    let cases = [
        ("component", "    when: technolgy == \"rabbitmq\"", "9:11:9 E028: unknown component attribute `technolgy` (did you mean `technology`?)"),
        ("component", "    when: \"internet_facing and mfa = false\"", "9:36:1 E027: unexpected `=` (compare with `==`)"),
        ("component", "    when: internet_facing && not mfa", "9:27:2 E027: unexpected `&&` (write `and`)"),
        ("component", "    when: data.classification >= secret", "9:34:6 E028: `secret` is not a classification (`data.classification` is one of: public, internal, confidential, restricted)"),
        ("component", "    when: technology > 3", "9:22:1 E029: cannot compare `technology` (text) with 3 (a number)"),
        ("component", "    when: technology == rabbitmq", "9:25:8 E028: unknown component attribute `rabbitmq` (to compare with the text, quote it: \"rabbitmq\")"),
        ("flow", "    when: 'to.zone.trust < 50 and (protocol == \"http\"'", "9:54:1 E027: expected `)`, found the end of the expression"),
        ("flow", "    when: any(incoming, from.zone.trust < 50)", "9:15:8 E028: `any(...)` cannot range over `incoming` of a flow (use one of: data)"),
        ("component", "    when: zone.trust", "9:11:10 E029: `zone.trust` is a number, not a condition (compare it, as in `zone.trust > 0`)"),
        ("component", "    when: kind == \"service\"", "9:19:9 E028: `service` is not a component kind (`kind` is one of: external-entity, process, datastore)"),
        ("data", "    when: classification >= confidential and personl", "9:46:7 E028: unknown data attribute `personl` (did you mean `personal`?)"),
        ("component", "    when: tags contains pci", "9:25:3 E029: `pci` must be quoted to test for it in a list (write \"pci\")"),
        ("component", "    when: technology == \"kafka\" technology", "9:33:10 E027: expected `and`, `or` or the end of the expression, found `technology` (join conditions with `and` or `or`)"),
        ("component", "    when: category in [sql-database, nosql]", "9:38:5 E028: `nosql` is not a technology category (did you mean `no-sql-database`?)"),
        ("component", "    when: technology < \"z\"", "9:22:1 E029: `<` compares numbers and classifications, not text (use `==`, `!=` or `in [...]`)"),
    ];
    let mut wrong = Vec::new();
    for (target, when, want) in cases {
        let diags = diagnose(target, when);
        assert_eq!(diags.len(), 1, "{when}: {diags:?}");
        if first_line(&diags) != want {
            wrong.push(format!(
                "{when}\n  want {want}\n  got  {}",
                first_line(&diags)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn positions_inside_block_scalars_and_escapes() {
    let diags = diagnose(
        "component",
        "    when: >-\n      internet_facing\n      and not mfaa",
    );
    assert_eq!(
        first_line(&diags),
        "11:15:4 E028: unknown component attribute `mfaa` (did you mean `mfa`?)"
    );
    let diags = diagnose(
        "component",
        "    when: \"technology == \\\"x\\\" and mfaa\"",
    );
    assert_eq!(
        first_line(&diags),
        "9:36:4 E028: unknown component attribute `mfaa` (did you mean `mfa`?)"
    );
    // The rendered diagnostic underlines the token on its source line.
    let diags = diagnose("component", "    when: technolgy == \"rabbitmq\"");
    assert!(
        diags[0].contains("9 |     when: technolgy == \"rabbitmq\"\n  |           ^^^^^^^^^\n"),
        "{}",
        diags[0]
    );
}

#[test]
fn custom_codes_may_not_collide_with_built_in_codes() {
    let root = "riskfirst: 1
organisation: { name: Example, currency: EUR }
teams: [ { id: team, name: Team } ]
rules:
  - { code: I001, name: mine, stride: spoofing, applies_to: flow, when: tls, summary: mine, frequency: { low: 0.1, high: 1 } }
  - { code: MANUAL, name: mine, stride: spoofing, applies_to: flow, when: tls, summary: mine, frequency: { low: 0.1, high: 1 } }
  - { code: X001, name: fine, stride: spoofing, applies_to: flow, when: tls, summary: fine, frequency: { low: 0.1, high: 1 } }
";
    let loaded = load(
        Sources {
            root: ("riskfirst.yaml".into(), root.into()),
            systems: vec![],
        },
        &Options::default(),
    );
    let estate = loaded.estate.unwrap();
    let (analysis, rules) = riskfirst_rules::analyze_estate(&estate, &loaded.sources);
    assert_eq!(rules.iter().map(|r| r.code()).collect::<Vec<_>>(), ["X001"]);
    let got: Vec<_> = analysis
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str(), d.span.line, d.span.col))
        .collect();
    assert_eq!(
        got,
        [
            (
                "E026",
                "custom rule code `I001` is a built-in rule code",
                5,
                13
            ),
            (
                "E026",
                "custom rule code `MANUAL` is a built-in rule code",
                6,
                13
            ),
        ]
    );
}

#[test]
fn hostile_expressions_are_refused_without_panicking() {
    let deep = format!("{}mfa{}", "(".repeat(200), ")".repeat(200));
    let nots = format!("{}mfa", "not ".repeat(200));
    for text in [
        deep.as_str(),
        nots.as_str(),
        "",
        "   ",
        "\"",
        "any(",
        "[",
        "a in",
        "-",
        "1..2 == 3",
        "é",
    ] {
        let r =
            riskfirst_rules::expr::compile(text, riskfirst_model::format::RuleTarget::Component);
        let e = r.err().unwrap_or_else(|| panic!("`{text}` compiled"));
        assert!(e.code.starts_with('E'), "{text}: {e:?}");
        assert!(e.offset <= text.chars().count(), "{text}: {e:?}");
    }
}
