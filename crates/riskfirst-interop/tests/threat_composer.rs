//! Threat Composer: the corpus file imports and analyses; an export of the demo and of an
//! imported file is valid against Threat Composer's schema and imports back with the same
//! threats, statuses and links; broken files end in errors with positions.

mod common;

use std::path::Path;

use riskfirst_interop::{files_of, threat_composer};
use riskfirst_model::format::{ControlStatus, ThreatStatus};

#[test]
fn corpus_file_imports_and_analyses() {
    let names = ["threat-composer-example.tc.json"];
    for (name, snapshot) in common::corpus_reports("interop", "threat-composer", &names) {
        insta::assert_snapshot!(name, snapshot);
    }
}

/// Validates `doc` against the Threat Composer schema of the corpora; `false` when the
/// corpora are absent.
fn valid_against_schema(doc: &serde_json::Value) -> bool {
    let Some(dir) = common::corpus("interop") else {
        return false;
    };
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("threat-composer-v1.schema.json")).unwrap())
            .unwrap();
    let url = "urn:threat-composer-v1";
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(url, schema).unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    if let Err(e) = schemas.validate(doc, index) {
        panic!("the export is invalid:\n{e:#}");
    }
    // The validator is live: a threat without its id is refused.
    let mut broken = doc.clone();
    if let Some(t) = broken["threats"].get_mut(0) {
        t.as_object_mut().unwrap().remove("id");
        assert!(schemas.validate(&broken, index).is_err());
    }
    true
}

#[test]
fn the_demo_exports_valid_and_imports_back() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    let sources = riskfirst_model::fs::read_estate(&dir, &Default::default()).unwrap();
    let estate = riskfirst_model::load(sources, &Default::default())
        .estate
        .unwrap();
    let (root, systems) = files_of(&estate);
    let bytes = threat_composer::export(&root, &systems).unwrap();
    assert_eq!(
        bytes,
        threat_composer::export(&root, &systems).unwrap(),
        "the same estate gives the same file"
    );
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    valid_against_schema(&doc);
    let written: usize = systems
        .iter()
        .map(|s| s.threats.iter().filter(|t| t.title.is_some()).count())
        .sum();
    assert!(written > 0);
    assert_eq!(doc["threats"].as_array().unwrap().len(), written);
    let statement = doc["threats"][0]["statement"].as_str().unwrap();
    assert!(statement.starts_with("A threat actor can "), "{statement}");
    assert!(
        statement.contains(" per event)"),
        "the business impact is written in: {statement}"
    );
    let back = common::import("threat-composer", "northwind.tc.json", &bytes);
    common::check(&back);
    assert_eq!(back.systems[0].threats.len(), written);
}

#[test]
fn with_the_analysis_the_rule_found_threats_are_exported_with_their_money() {
    let (_, root, systems, found) = common::demo();
    let bytes = threat_composer::export_found(&root, &systems, Some(&found)).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    valid_against_schema(&doc);
    let threats = doc["threats"].as_array().unwrap();
    let meta = |t: &serde_json::Value, key: &str| -> Option<serde_json::Value> {
        t["metadata"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == key)
            .map(|m| m["value"].clone())
    };
    let rule_found: Vec<&serde_json::Value> = threats
        .iter()
        .filter(|t| meta(t, "custom:riskfirst-rule").is_some())
        .collect();
    let hand_written = systems
        .iter()
        .map(|s| s.threats.iter().filter(|t| t.title.is_some()).count())
        .sum::<usize>();
    assert_eq!(
        rule_found.len(),
        found.iter().filter(|f| f.rule.is_some()).count()
    );
    assert_eq!(threats.len(), rule_found.len() + hand_written);
    // One rule-found threat in full: its statement in the grammar, the business impact with
    // the loss per event written in, riskfirst's level as the priority and its money.
    let f = found
        .iter()
        .find(|f| f.rule.is_some() && !f.impact.is_empty())
        .unwrap();
    let key = serde_json::Value::from(format!("{}:{}", f.system, f.id));
    let t = rule_found
        .iter()
        .find(|t| meta(t, "custom:riskfirst-id") == Some(key.clone()))
        .unwrap();
    let statement = t["statement"].as_str().unwrap();
    assert!(
        statement.starts_with(&format!("A threat actor can {}", f.title)),
        "{statement}"
    );
    assert!(
        statement.contains(&format!(
            ", which leads to {}, negatively impacting ",
            f.impact
        )),
        "{statement}"
    );
    assert!(statement.contains(" EUR per event)"), "{statement}");
    assert_eq!(meta(t, "Priority"), Some(f.severity().into()));
    assert_eq!(
        meta(t, "STRIDE"),
        Some(serde_json::json!([f.stride.letter().to_string()]))
    );
    let comments = meta(t, "Comments").unwrap();
    assert!(
        comments.as_str().unwrap().contains(&f.money("EUR")),
        "{comments}"
    );
    // Controls that act on rule-found threats are linked to them.
    let links = doc["mitigationLinks"].as_array().unwrap();
    assert!(links
        .iter()
        .any(|l| rule_found.iter().any(|t| t["id"] == l["linkedId"])));
    // Without the analysis, as before: the hand-written threats only.
    let plain = threat_composer::export(&root, &systems).unwrap();
    let plain: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(plain["threats"].as_array().unwrap().len(), hand_written);
    let back = common::import("threat-composer", "northwind.tc.json", &bytes);
    common::check(&back);
    assert_eq!(back.systems[0].threats.len(), threats.len());
}

#[test]
fn an_imported_file_exports_with_its_ids_and_links() {
    let Some(dir) = common::corpus("interop") else {
        return;
    };
    let name = "threat-composer-example.tc.json";
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let imported = common::import("threat-composer", name, &bytes);
    let out = threat_composer::export(&imported.root, &imported.systems).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(valid_against_schema(&doc));
    let source: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let ids = |d: &serde_json::Value, key: &str| -> Vec<String> {
        let mut v: Vec<String> = d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&doc, "threats"), ids(&source, "threats"));
    let again = common::import("threat-composer", "again.tc.json", &out);
    let s = &again.systems[0];
    assert_eq!(
        s.threats,
        imported.systems[0]
            .threats
            .iter()
            .map(|t| {
                // The statement written by the export is the title read back.
                let mut t = t.clone();
                t.title = s
                    .threats
                    .iter()
                    .find(|x| x.id == t.id)
                    .and_then(|x| x.title.clone());
                t.description = s
                    .threats
                    .iter()
                    .find(|x| x.id == t.id)
                    .and_then(|x| x.description.clone());
                t
            })
            .collect::<Vec<_>>()
    );
    let resolved = s
        .controls
        .iter()
        .filter(|c| c.status.value == ControlStatus::Implemented)
        .count();
    assert_eq!(
        resolved,
        imported.systems[0]
            .controls
            .iter()
            .filter(|c| c.status.value == ControlStatus::Implemented)
            .count()
    );
}

const EDGES: &str = r#"{
  "schema": 1,
  "applicationInfo": { "name": "Edge App" },
  "assumptions": [ { "id": "a1", "numericId": 1, "content": "Users are staff" }, { "id": "a2", "numericId": 2 } ],
  "assumptionLinks": [ { "type": "Threat", "assumptionId": "a1", "linkedId": "t1" } ],
  "mitigations": [
    { "id": "m1", "numericId": 1, "content": "Rate limit", "status": "mitigationInProgress" },
    { "id": "m2", "numericId": 2, "content": "Unlinked" },
    { "id": "m3", "numericId": 3, "content": "Never", "status": "mitigationResolvedWillNotAction" }
  ],
  "mitigationLinks": [ { "mitigationId": "m1", "linkedId": "t1" }, { "mitigationId": "m3", "linkedId": "t1" } ],
  "threats": [
    { "id": "t1", "numericId": 1, "threatSource": "internet user", "threatAction": "flood the API",
      "impactedGoal": ["availability"], "impactedAssets": ["orders", "orders"], "status": "threatIdentified",
      "metadata": [ { "key": "Priority", "value": "High" } ] },
    { "id": "t2", "numericId": 2, "statement": "An actor can do odd things", "status": "threatResolvedNotUseful",
      "metadata": [ { "key": "STRIDE", "value": ["S", "E"] } ] },
    { "id": "t3", "numericId": 3, "statement": "A vague threat" }
  ]
}"#;

#[test]
fn edge_cases_are_reported_exactly() {
    let imported = common::import("threat-composer", "edges.tc.json", EDGES.as_bytes());
    insta::assert_snapshot!(imported.report.render("edges.tc.json"));
    common::check(&imported);
    let s = &imported.systems[0];
    assert_eq!(
        s.threats[0].title.as_deref(),
        Some("A internet user can flood the API")
    );
    assert_eq!(s.threats[1].status.value, ThreatStatus::NotApplicable);
    assert_eq!(s.data.len(), 1);
    assert_eq!(s.controls.len(), 1);
    assert_eq!(s.controls[0].status.value, ControlStatus::InProgress);
}

#[test]
fn broken_files_end_in_errors_with_positions() {
    let cases: &[common::Case] = &[
        (
            "{\"schema\": 2}",
            "Threat Composer schema 2 is not supported: riskfirst reads schema 1",
            Some((1, 12)),
        ),
        (
            "{\"threats\": []}",
            "not a Threat Composer file: `schema` is missing",
            Some((1, 1)),
        ),
        (
            "[]",
            "a Threat Composer file is a mapping at the top, not a list",
            Some((1, 1)),
        ),
    ];
    common::assert_errors("threat-composer", cases);
}
