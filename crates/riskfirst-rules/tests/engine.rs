//! The engine: stable ids, order independence, decisions, hand-written threats, references, scope, explain.

use riskfirst_model::format::ThreatStatus;
use riskfirst_model::{load, Diagnostic, Estate, Loaded, Options, Sources};
use riskfirst_rules::engine::{pattern_matches, Analysis};
use riskfirst_rules::{analyze, compile_rules, explain};

const ROOT: &str = "riskfirst: 1
organisation: { name: Example, currency: EUR }
teams:
  - { id: team, name: Team }
  - { id: platform, name: Platform }
  - { id: security, name: Security }
business_risks:
  - { id: breach, title: Customer data is stolen, owner: CISO, loss_per_event: { low: 100_000, high: 5_000_000 } }
zones:
  - { id: internet, trust: 0 }
  - { id: dmz, trust: 50 }
  - { id: private, trust: 90 }
rules:
  - code: X001
    name: process-in-dmz
    stride: tampering
    applies_to: component
    when: kind == process and zone == \"dmz\"
    summary: a process runs in the dmz
    frequency: { low: 0.1, high: 1 }
  - code: X002
    name: flow-into-private
    stride: information-disclosure
    applies_to: flow
    when: to.zone.trust >= 90
    summary: a flow reaches the private zone
    frequency: { low: 0.1, high: 1 }
";

fn load_estate(root_extra: &str, systems: &[(&str, &str)]) -> Loaded {
    let sources = Sources {
        root: ("riskfirst.yaml".into(), format!("{ROOT}{root_extra}")),
        systems: systems
            .iter()
            .map(|(p, t)| (p.into(), t.to_string()))
            .collect(),
    };
    load(sources, &Options::default())
}

fn run(root_extra: &str, systems: &[(&str, &str)]) -> (Estate, Analysis) {
    let loaded = load_estate(root_extra, systems);
    let Some(estate) = loaded.estate else {
        panic!("invalid estate: {:#?}", loaded.diagnostics);
    };
    let custom = compile_rules(&estate, &loaded.sources);
    assert!(custom.diagnostics.is_empty(), "{:#?}", custom.diagnostics);
    let analysis = analyze(&estate, &custom.rules);
    (estate, analysis)
}

/// The ids of the custom-rule threats (`X…`) and hand-written ones, which these tests control.
fn ids(analysis: &Analysis) -> Vec<String> {
    analysis
        .threats
        .iter()
        .filter(|t| t.rule.code.starts_with('X') || t.hand_written)
        .map(|t| t.id.clone())
        .collect()
}

fn codes(diags: &[Diagnostic]) -> Vec<(&str, String, Option<String>)> {
    diags
        .iter()
        .map(|d| (d.code, d.message.clone(), d.hint.clone()))
        .collect()
}

const SHOP: &str = "riskfirst: 1
system: { id: shop, name: Shop, owner: team }
data:
  - { id: orders, name: Orders, classification: confidential, business_risks: [breach] }
components:
  - { id: browser, kind: external-entity, technology: browser, zone: internet }
  - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, processes: [orders] }
  - { id: api, kind: process, technology: api, zone: dmz, owner: platform, processes: [orders] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [orders] }
flows:
  - { id: browser-web, from: browser, to: web, protocol: https, authentication: session, data: [orders] }
  - { id: web-api, from: web, to: api, protocol: https, authentication: token, data: [orders] }
  - { id: api-db, from: api, to: db, protocol: postgres, tls: true, authentication: password, data: [orders] }
  - { id: api-db-replica, from: api, to: db, protocol: postgres, tls: true, authentication: password, data: [orders] }
";

#[test]
fn ids_name_rule_and_elements_and_disambiguate_parallel_flows() {
    let (_, analysis) = run("", &[("systems/shop.yaml", SHOP)]);
    assert_eq!(
        ids(&analysis),
        [
            "X001@api",
            "X001@web",
            "X002@api@db@api-db",
            "X002@api@db@api-db-replica"
        ]
    );
    let t = analysis
        .threats
        .iter()
        .find(|t| t.id == "X001@api")
        .unwrap();
    assert_eq!(t.facts, ["`kind` is `process`", "`zone` is `dmz`"]);
    assert_eq!(t.rule.name, "process-in-dmz");
    assert!(t.rule.custom);
    assert_eq!(t.status, ThreatStatus::Open);
}

/// Reverses the items of every top-level list of a system file (each item on one line).
fn reorder(text: &str) -> String {
    let mut out = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.starts_with("  - ") {
            block.push(line);
        } else {
            block.reverse();
            out.append(&mut block);
            out.push(line);
        }
    }
    block.reverse();
    out.append(&mut block);
    out.join("\n") + "\n"
}

const OTHER: &str = "riskfirst: 1
system: { id: billing, name: Billing, owner: platform }
components:
  - { id: invoicer, kind: process, technology: api, zone: dmz }
  - { id: ledger, kind: datastore, technology: postgresql, zone: private }
uses: [shop/db]
flows:
  - { id: inv-ledger, from: invoicer, to: ledger, protocol: postgres, authentication: password }
  - { id: inv-shop-db, from: invoicer, to: shop/db, protocol: postgres, authentication: password }
";

fn fingerprint(estate: &Estate, analysis: &Analysis) -> Vec<String> {
    analysis
        .threats
        .iter()
        .map(|t| {
            format!(
                "{} {} {:?} {} {:?}",
                estate[t.system].id(),
                t.id,
                t.status,
                estate[t.owner].id.value,
                t.facts
            )
        })
        .collect()
}

#[test]
fn reordering_files_and_elements_changes_nothing() {
    let (e1, a1) = run(
        "",
        &[("systems/shop.yaml", SHOP), ("systems/billing.yaml", OTHER)],
    );
    let shop = reorder(SHOP);
    let other = reorder(OTHER);
    assert_ne!(shop, SHOP, "the reordering must change the file");
    let (e2, a2) = run(
        "",
        &[
            ("systems/billing.yaml", &other),
            ("systems/shop.yaml", &shop),
        ],
    );
    let (f1, f2) = (fingerprint(&e1, &a1), fingerprint(&e2, &a2));
    let differ: Vec<String> = f1
        .iter()
        .zip(&f2)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("{a}\n  reordered: {b}"))
        .collect();
    assert!(f1.len() == f2.len() && differ.is_empty(), "{} vs {} threats; these depend on the order of the files or of the elements in them (the rule must pick its facts deterministically):\n{}", f1.len(), f2.len(), differ.join("\n"));
    // Billing's threats come first (sorted by system id), and name the shared component from billing.
    assert_eq!(e1[a1.threats[0].system].id(), "billing");
    assert!(
        ids(&a1).contains(&"X002@invoicer@shop/db".to_string()),
        "{:?}",
        ids(&a1)
    );
}

#[test]
fn decisions_exact_beats_pattern_and_longer_pattern_beats_shorter() {
    let decisions = "threats:
  - { id: \"X001@*\", status: mitigated }
  - { id: \"X001@w*\", status: not-applicable, justification: static pages only }
  - { id: \"X001@api\", status: accepted, justification: reviewed, approved_by: CISO, expires: 2030-01-31, owner: security }
  - { id: \"X002@*@db@*\", status: transferred, justification: the hosting contract covers it }
  - { id: \"*@api@db@api-db\", status: mitigated }
";
    let (estate, analysis) = run("", &[("systems/shop.yaml", &format!("{SHOP}{decisions}"))]);
    let status = |id: &str| {
        let t = analysis
            .threats
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        (
            t.status,
            t.decision.as_ref().map(|d| d.pattern.clone()),
            estate[t.owner].id.value.clone(),
        )
    };
    assert_eq!(
        status("X001@api"),
        (
            ThreatStatus::Accepted,
            Some("X001@api".into()),
            "security".into()
        )
    );
    assert_eq!(
        status("X001@web"),
        (
            ThreatStatus::NotApplicable,
            Some("X001@w*".into()),
            "team".into()
        )
    );
    // `*@api@db@api-db` has more literal characters than `X002@*@db@*`.
    assert_eq!(
        status("X002@api@db@api-db"),
        (
            ThreatStatus::Mitigated,
            Some("*@api@db@api-db".into()),
            "team".into()
        )
    );
    assert_eq!(
        status("X002@api@db@api-db-replica"),
        (
            ThreatStatus::Transferred,
            Some("X002@*@db@*".into()),
            "team".into()
        )
    );
    let d = analysis
        .threats
        .iter()
        .find(|t| t.id == "X001@api")
        .unwrap()
        .decision
        .clone()
        .unwrap();
    assert_eq!(
        d.expires.map(|e| e.to_string()).as_deref(),
        Some("2030-01-31")
    );
    assert_eq!(d.approved_by.as_deref(), Some("CISO"));
    assert_eq!(d.span.line, 18);
    // `X001@*` is shadowed everywhere but still matches, so no warning.
    assert!(
        analysis.diagnostics.iter().all(|d| d.code != "W040"),
        "{:?}",
        codes(&analysis.diagnostics)
    );
}

#[test]
fn ties_between_patterns_go_to_the_earlier_entry() {
    let decisions = "threats:
  - { id: \"X001@a*\", status: mitigated }
  - { id: \"X001@*i\", status: not-applicable, justification: n/a }
";
    let (_, analysis) = run("", &[("systems/shop.yaml", &format!("{SHOP}{decisions}"))]);
    let t = analysis
        .threats
        .iter()
        .find(|t| t.id == "X001@api")
        .unwrap();
    assert_eq!(t.status, ThreatStatus::Mitigated);
}

#[test]
fn a_decision_that_matches_nothing_is_a_warning_with_a_hint() {
    let decisions = "threats:
  - { id: \"X001@apii\", status: mitigated }
  - { id: \"Z9*\", status: mitigated }
";
    let (_, analysis) = run("", &[("systems/shop.yaml", &format!("{SHOP}{decisions}"))]);
    let w: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == "W040")
        .collect();
    assert_eq!(w.len(), 2, "{:?}", codes(&analysis.diagnostics));
    assert_eq!(
        w[0].message,
        "decision `X001@apii` matches no threat of system `shop`"
    );
    assert_eq!(w[0].hint.as_deref(), Some("did you mean `X001@api`?"));
    assert_eq!((w[0].span.line, w[0].span.col), (16, 11));
    assert_eq!(
        w[1].message,
        "decision `Z9*` matches no threat of system `shop`"
    );
    assert!(!w[0].is_error());
    // The misspelt decision decides nothing.
    assert_eq!(
        analysis
            .threats
            .iter()
            .find(|t| t.id == "X001@api")
            .unwrap()
            .status,
        ThreatStatus::Open
    );
}

#[test]
fn hand_written_threats_become_threats() {
    let decisions = "threats:
  - id: insider-export
    title: An operator exports the order table
    stride: information-disclosure
    elements: [db, api-db]
    owner: security
  - id: ddos
    title: A botnet floods the shop
    stride: denial-of-service
    elements: [web]
    status: accepted
    justification: the CDN absorbs floods
    approved_by: COO
    expires: 2031-12-31
    frequency: { low: 1, high: 4 }
";
    let (estate, analysis) = run("", &[("systems/shop.yaml", &format!("{SHOP}{decisions}"))]);
    let ddos = analysis.threats.iter().find(|t| t.id == "ddos").unwrap();
    assert!(ddos.hand_written);
    assert_eq!(ddos.rule.code, "MANUAL");
    assert_eq!(ddos.title, "A botnet floods the shop");
    assert_eq!(ddos.status, ThreatStatus::Accepted);
    assert_eq!((ddos.frequency.low, ddos.frequency.high), (1.0, 4.0));
    assert_eq!(estate[ddos.owner].id.value, "team");
    let insider = analysis
        .threats
        .iter()
        .find(|t| t.id == "insider-export")
        .unwrap();
    assert_eq!(insider.elements.len(), 2);
    assert_eq!(estate[insider.owner].id.value, "security");
    assert_eq!(insider.status, ThreatStatus::Open);
    assert_eq!((insider.frequency.low, insider.frequency.high), (0.02, 0.5));
    assert!(analysis.diagnostics.iter().all(|d| d.code != "W040"));
}

#[test]
fn unknown_rule_codes_in_controls_and_overrides_are_errors() {
    let extra = "controls:
  - id: lib-waf
    title: WAF
    owner: platform
    mitigates: [ { rules: [X001, X00l], effectiveness: 0.5 }, { threats: [\"X001@shop/nothing\"], effectiveness: 0.5 } ]
risk:
  overrides:
    - { rule: I001, frequency: { low: 0.1, high: 0.2 } }
    - { rule: I0001, frequency: { low: 0.1, high: 0.2 } }
    - { threat: \"X001@web\", frequency: { low: 0.1, high: 0.2 } }
";
    let system = format!(
        "{SHOP}controls:
  - {{ id: own, title: Own, owner: team, mitigates: [ {{ threats: [\"X001@webb\", \"X001@*\"], rules: [MANUAL, ZZZ], effectiveness: 0.5 }} ] }}
"
    );
    let (_, analysis) = run(extra, &[("systems/shop.yaml", &system)]);
    let got = codes(&analysis.diagnostics);
    let want: Vec<(&str, String, Option<String>)> = vec![
        (
            "E025",
            "unknown rule code `X00l`".into(),
            Some("did you mean `X001`?".into()),
        ),
        (
            "W041",
            "control `lib-waf` mitigates `X001@shop/nothing`, which matches no threat".into(),
            Some("did you mean `X001@api`?".into()),
        ),
        (
            "E025",
            "unknown rule code `I0001`".into(),
            Some("did you mean `I001`?".into()),
        ),
        (
            "W041",
            "control `own` mitigates `X001@webb`, which matches no threat".into(),
            Some("did you mean `X001@web`?".into()),
        ),
        (
            "E025",
            "unknown rule code `ZZZ`".into(),
            Some("`riskfirst rules` lists the rule codes".into()),
        ),
    ];
    assert_eq!(got, want);
}

#[test]
fn out_of_scope_components_raise_no_threats() {
    let shop = SHOP.replace(
        "owner: platform, processes: [orders] }",
        "owner: platform, processes: [orders], out_of_scope: run by the vendor }",
    );
    assert_ne!(shop, SHOP);
    let (estate, analysis) = run("", &[("systems/shop.yaml", &shop)]);
    assert_eq!(ids(&analysis), ["X001@web"]);
    let api = estate
        .components
        .iter()
        .position(|c| c.id() == "api")
        .unwrap();
    for t in &analysis.threats {
        assert!(
            !t.elements.contains(&riskfirst_rules::Element::Component(
                riskfirst_model::ComponentIdx(api as u32)
            )),
            "{} concerns an out-of-scope component",
            t.id
        );
    }
}

#[test]
fn explain_names_rule_elements_facts_decision_and_owner() {
    let decisions = "threats:
  - { id: \"X002@*\", status: accepted, justification: private link only, approved_by: CISO, expires: 2030-01-31 }
";
    let (estate, analysis) = run("", &[("systems/shop.yaml", &format!("{SHOP}{decisions}"))]);
    let text = explain(&estate, &analysis, "X002@api@db@api-db").unwrap();
    let want = "X002@api@db@api-db: a flow reaches the private zone
  status:   accepted
  rule:     X002 flow-into-private (custom rule; information-disclosure)
            a flow reaches the private zone
  system:   shop (systems/shop.yaml)
  elements:
    - flow `api-db` (`api → db`) at systems/shop.yaml:13
  facts:
    - `to.zone.trust` is 90
  decision: accepted by the pattern `X002@*` at systems/shop.yaml:16
    reason:      private link only
    approved by: CISO
    expires:     2030-01-31
  owner:    team
  base rate: 0.1 to 1 events per year (before adjustments and controls)
";
    assert_eq!(text, want);
    assert!(explain(&estate, &analysis, "X002@nothing").is_none());
}

#[test]
fn patterns() {
    assert!(pattern_matches("T010@*", "T010@web"));
    assert!(pattern_matches("*@checkout-web", "S001@checkout-web"));
    assert!(pattern_matches("*", "anything"));
    assert!(pattern_matches("a*b*c", "abc"));
    assert!(pattern_matches("a*b*c", "a-x-b-y-c"));
    assert!(!pattern_matches("a*b*c", "a-x-c-y-b"));
    assert!(!pattern_matches("T010@*", "T011@web"));
    assert!(
        !pattern_matches("ab*ba", "aba"),
        "the prefix and suffix may not overlap"
    );
    assert!(!pattern_matches("T010@web", "T010@web2"));
}

/// A synthetic estate of `systems` systems of 100 components and 200 flows each.
fn synthetic(systems: usize) -> Sources {
    let techs = [
        ("process", "web-application"),
        ("process", "api"),
        ("datastore", "postgresql"),
        ("datastore", "s3"),
        ("process", "function"),
        ("datastore", "redis"),
        ("external-entity", "browser"),
        ("process", "identity-provider"),
        ("datastore", "kafka"),
        ("process", "build-pipeline"),
    ];
    let zones = ["internet", "dmz", "private"];
    let protocols = ["https", "http", "postgres", "grpc", "amqp", "redis"];
    let auths = ["none", "password", "token", "mtls", "session"];
    let classes = ["public", "internal", "confidential", "restricted"];
    let mut out = Vec::new();
    for s in 0..systems {
        let mut t = format!(
            "riskfirst: 1\nsystem: {{ id: sys{s}, name: System {s}, owner: team }}\ndata:\n"
        );
        for d in 0..10 {
            t.push_str(&format!(
                "  - {{ id: d{d}, name: Data {d}, classification: {}, personal: {}, business_risks: [breach] }}\n",
                classes[d % 4],
                d % 3 == 0
            ));
        }
        t.push_str("components:\n");
        for c in 0..100 {
            let (kind, tech) = techs[(c * 7 + s) % techs.len()];
            let data = if kind == "datastore" {
                "stores"
            } else {
                "processes"
            };
            t.push_str(&format!(
                "  - {{ id: c{c}, kind: {kind}, technology: {tech}, zone: {}, internet_facing: {}, {data}: [d{}, d{}] }}\n",
                zones[(c + s) % 3],
                c % 5 == 0,
                c % 10,
                (c + 3) % 10
            ));
        }
        t.push_str("flows:\n");
        for f in 0..200 {
            let (a, b) = ((f * 13 + s) % 100, (f * 17 + 1 + s) % 100);
            let b = if a == b { (b + 1) % 100 } else { b };
            t.push_str(&format!(
                "  - {{ id: f{f}, from: c{a}, to: c{b}, protocol: {}, authentication: {}, data: [d{}] }}\n",
                protocols[f % protocols.len()],
                auths[f % auths.len()],
                f % 10
            ));
        }
        out.push((format!("systems/sys{s}.yaml").into(), t));
    }
    Sources {
        root: ("riskfirst.yaml".into(), ROOT.to_string()),
        systems: out,
    }
}

#[test]
fn ten_thousand_components_go_through_all_rules_quickly() {
    let loaded = load(synthetic(100), &Options::default());
    let estate = loaded.estate.unwrap_or_else(|| {
        panic!(
            "{:#?}",
            &loaded.diagnostics[..5.min(loaded.diagnostics.len())]
        )
    });
    assert_eq!(estate.components.len(), 10_000);
    assert_eq!(estate.flows.len(), 20_000);
    let custom = compile_rules(&estate, &loaded.sources);
    let start = std::time::Instant::now();
    let analysis = analyze(&estate, &custom.rules);
    let took = start.elapsed();
    eprintln!("analyze: {} threats in {took:?}", analysis.threats.len());
    assert!(analysis.threats.len() > 10_000);
    // Tests build with little optimisation; the release-mode figure is in docs/benchmarks.md.
    assert!(took.as_secs_f64() < 5.0, "analyze took {took:?}");
    let again = analyze(&estate, &custom.rules);
    assert!(analysis
        .threats
        .iter()
        .map(|t| &t.id)
        .eq(again.threats.iter().map(|t| &t.id)));
}

/// The `# expect: ID ID` comments of a fixture: `(threat id, line)`.
fn expectations(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((_, ids)) = line.split_once("# expect:") {
            out.extend(
                ids.split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(|id| (id.to_string(), i + 1)),
            );
        }
    }
    out
}

/// One fixture model per STRIDE category, in `tests/fixtures/stride/<category>.yaml`:
/// the threats of that category the engine raises are exactly the ones written
/// next to the offending lines as `# expect:` comments.
#[test]
fn stride_fixtures_raise_exactly_the_expected_threats() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stride");
    let root = std::fs::read_to_string(format!("{dir}/riskfirst.yaml")).expect("fixture root");
    let mut report = Vec::new();
    for stride in riskfirst_model::format::Stride::ALL {
        let name = stride.name().replace('-', "_");
        let path = format!("{dir}/{name}.yaml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let expected = expectations(&text);
        assert!(!expected.is_empty(), "{path} expects nothing");
        let loaded = load(
            Sources {
                root: ("riskfirst.yaml".into(), root.clone()),
                systems: vec![(format!("systems/{name}.yaml").into(), text.clone())],
            },
            &Options::default(),
        );
        let estate = loaded
            .estate
            .as_ref()
            .unwrap_or_else(|| panic!("{path}: {:#?}", loaded.diagnostics));
        let analysis = analyze(estate, &[]);
        let mut got: Vec<&str> = analysis
            .threats
            .iter()
            .filter(|t| t.rule.stride == stride)
            .map(|t| t.id.as_str())
            .collect();
        got.sort();
        let mut want: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();
        want.sort();
        for w in want.windows(2) {
            assert_ne!(w[0], w[1], "{path}: `{}` is expected twice", w[0]);
        }
        for (id, line) in &expected {
            if !got.contains(&id.as_str()) {
                report.push(format!("{name}.yaml:{line}: expected `{id}`, not raised"));
            }
        }
        for id in &got {
            if !want.contains(id) {
                let t = analysis.threats.iter().find(|t| t.id == *id).unwrap();
                report.push(format!(
                    "{name}.yaml: unexpected `{id}` ({}: {})",
                    t.rule.summary,
                    t.facts.join("; ")
                ));
            }
        }
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

/// Shuffles the one-line items of every top-level list of a file, with a seeded generator.
fn shuffle(text: &str, seed: u64) -> String {
    let mut state = seed | 1;
    let mut out: Vec<&str> = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let lines: Vec<&str> = text.lines().chain(std::iter::once("")).collect();
    for (n, line) in lines.iter().enumerate() {
        if line.starts_with("  - ") {
            block.push(line);
            continue;
        }
        for i in (1..block.len()).rev() {
            // xorshift64: enough to permute lines reproducibly.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            block.swap(i, (state % (i as u64 + 1)) as usize);
        }
        out.append(&mut block);
        if n + 1 < lines.len() {
            out.push(line);
        }
    }
    out.join("\n") + "\n"
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Every built-in rule, over all the STRIDE fixtures at once, gives the same
    /// threats, facts, statuses and owners whatever the order of files and elements.
    #[test]
    fn shuffled_files_give_identical_threats(seed in proptest::prelude::any::<u64>()) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stride");
        let root = std::fs::read_to_string(format!("{dir}/riskfirst.yaml")).expect("fixture root");
        let files: Vec<(String, String)> = riskfirst_model::format::Stride::ALL
            .iter()
            .map(|s| {
                let name = s.name().replace('-', "_");
                let text = std::fs::read_to_string(format!("{dir}/{name}.yaml")).expect("fixture");
                (format!("systems/{name}.yaml"), text)
            })
            .collect();
        let run_on = |files: Vec<(String, String)>| {
            let loaded = load(
                Sources { root: ("riskfirst.yaml".into(), root.clone()), systems: files.into_iter().map(|(p, t)| (p.into(), t)).collect() },
                &Options::default(),
            );
            let estate = loaded.estate.expect("fixtures are valid");
            let analysis = analyze(&estate, &[]);
            fingerprint(&estate, &analysis)
        };
        let original = run_on(files.clone());
        let mut shuffled: Vec<(String, String)> =
            files.iter().enumerate().map(|(i, (p, t))| (p.clone(), shuffle(t, seed.wrapping_add(i as u64)))).collect();
        proptest::prop_assert!(shuffled.iter().zip(&files).any(|(a, b)| a.1 != b.1), "the shuffle changed nothing");
        shuffled.rotate_left((seed % 6) as usize);
        let reordered = run_on(shuffled);
        let differ: Vec<String> = original.iter().zip(&reordered).filter(|(a, b)| a != b).map(|(a, b)| format!("{a}\n  shuffled: {b}")).collect();
        proptest::prop_assert!(original.len() == reordered.len() && differ.is_empty(), "{}", differ.join("\n"));
    }
}
