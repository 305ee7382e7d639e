//! The JSON contract of the assessment: it reads back into the same value, the published
//! schema accepts it, and `docs/json-output.md` documents every field the schema has.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use riskfirst_assess::{assess, output_schema, AssessConfig, Assessment};
use riskfirst_model::Date;

fn demo() -> (riskfirst_model::Estate, riskfirst_rules::Analysis) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    let sources =
        riskfirst_model::fs::read_estate(&dir, &Default::default()).expect("the demo reads");
    let loaded = riskfirst_model::load(sources, &riskfirst_model::Options::default());
    let estate = loaded.estate.expect("the demo is valid");
    let analysis = common::analyze(&estate);
    (estate, analysis)
}

fn demo_assessment() -> Assessment {
    let (estate, analysis) = demo();
    let cfg = AssessConfig {
        today: Date::parse("2026-12-02"),
        ..common::config(4_000, 7)
    };
    assess(&estate, &analysis, &cfg, None).expect("the demo assesses")
}

#[test]
fn the_assessment_reads_back_into_the_same_value() {
    let a = demo_assessment();
    let text = serde_json::to_string(&a).unwrap();
    let back: Assessment = serde_json::from_str(&text).expect("the output deserialises");
    // Field by field first, so a difference names its place.
    let (x, y) = (
        serde_json::to_value(&a).unwrap(),
        serde_json::to_value(&back).unwrap(),
    );
    for (k, v) in x.as_object().unwrap() {
        assert_eq!(Some(v), y.get(k), "{k}");
    }
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    assert_eq!(back, a);
    assert_eq!(back.settings.today.as_deref(), Some("2026-12-02"));
}

#[test]
fn the_published_schema_accepts_the_demo_and_refuses_a_wrong_type() {
    let schema = output_schema();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("output.json", schema)
        .expect("the schema is a document");
    let id = compiler
        .compile("output.json", &mut schemas)
        .expect("the schema compiles");
    let mut value = serde_json::to_value(demo_assessment()).unwrap();
    if let Err(e) = schemas.validate(&value, id) {
        panic!("the demo's output does not match its schema: {e}");
    }
    // A control's threats are `{system, id}` references, not bare ids.
    value["controls"][0]["threats"] = serde_json::json!(["T001@web"]);
    assert!(schemas.validate(&value, id).is_err());
}

/// Every property name of the schema, walking `$defs`.
fn property_names(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                out.extend(props.keys().cloned());
            }
            for x in m.values() {
                property_names(x, out);
            }
        }
        serde_json::Value::Array(xs) => xs.iter().for_each(|x| property_names(x, out)),
        _ => {}
    }
}

#[test]
fn the_docs_list_every_field_of_the_output() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/json-output.md"),
    )
    .unwrap();
    let mut names = BTreeSet::new();
    property_names(&output_schema(), &mut names);
    assert!(names.len() > 60, "the walk found the fields: {names:?}");
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !docs.contains(&format!("`{n}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/json-output.md does not mention these output fields: {missing:?}"
    );
}
