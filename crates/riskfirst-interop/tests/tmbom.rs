//! TM-BOM: the corpus file imports and analyses; unknown types, dangling flows and
//! missing ratings of a written fixture are reported exactly; broken files end in errors.

mod common;

use riskfirst_model::format::{Classification, ComponentKind};

#[test]
fn corpus_file_imports_and_analyses() {
    let names = ["tmbom-cyclonedx-1.6-example.cdx.json"];
    for (name, snapshot) in common::corpus_reports("interop", "tmbom", &names) {
        insta::assert_snapshot!(name, snapshot);
    }
}

const EDGES: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "metadata": { "component": { "name": "Edge BOM" } },
  "components": [ { "type": "threat-model", "name": "D", "properties": [ { "name": "cdx:model:type", "value": "diagram" } ],
    "components": [
      { "type": "threat-model", "bom-ref": "z", "name": "Zone", "properties": [ { "name": "cdx:model:type", "value": "boundary" } ] },
      { "type": "threat-model", "bom-ref": "pii", "name": "Customer PII", "properties": [
        { "name": "cdx:model:type", "value": "asset" }, { "name": "cdx:model:risk:confidentiality", "value": "95" },
        { "name": "cdx:model:risk:privacy", "value": "90" }, { "name": "cdx:model:storedBy", "value": "db" } ] },
      { "type": "threat-model", "bom-ref": "web", "name": "Web", "properties": [
        { "name": "cdx:model:type", "value": "server" }, { "name": "cdx:model:platform", "value": "nginx" },
        { "name": "cdx:model:inBoundary", "value": "z" } ] },
      { "type": "threat-model", "bom-ref": "db", "name": "DB", "properties": [
        { "name": "cdx:model:type", "value": "datastore" }, { "name": "cdx:model:platform", "value": "mysql" } ] },
      { "type": "threat-model", "bom-ref": "x", "name": "Blob", "properties": [ { "name": "cdx:model:type", "value": "hologram" } ] },
      { "type": "threat-model", "bom-ref": "f1", "name": "web-to-db over mysql", "properties": [
        { "name": "cdx:model:type", "value": "dataflow" }, { "name": "cdx:model:dataflow:source", "value": "web" },
        { "name": "cdx:model:dataflow:destination", "value": "db" }, { "name": "cdx:model:dataflow:data", "value": "pii" } ] },
      { "type": "threat-model", "bom-ref": "f2", "name": "dangling", "properties": [
        { "name": "cdx:model:type", "value": "dataflow" }, { "name": "cdx:model:dataflow:source", "value": "web" } ] },
      { "type": "library", "name": "not a model part" }
    ] } ]
}"#;

#[test]
fn edge_cases_are_reported_exactly() {
    let imported = common::import("tmbom", "edges.cdx.json", EDGES.as_bytes());
    insta::assert_snapshot!(imported.report.render("edges.cdx.json"));
    common::check(&imported);
    let s = &imported.systems[0];
    assert_eq!(s.data[0].classification, Classification::Restricted);
    assert!(s.data[0].personal);
    let db = s.components.iter().find(|c| c.id.value == "db").unwrap();
    assert_eq!(db.kind, ComponentKind::Datastore);
    assert_eq!(db.technology.value, "mysql");
    assert_eq!(db.stores[0].value, "pii");
    assert_eq!(s.flows.len(), 1);
    assert_eq!(s.flows[0].protocol.value, "mysql");
}

#[test]
fn broken_files_end_in_errors_with_positions() {
    let cases: &[common::Case] = &[
        (
            "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\", \"components\": []}",
            "CycloneDX 1.4 is not supported: TM-BOM is CycloneDX 1.6",
            Some((1, 43)),
        ),
        (
            "{\"bomFormat\": \"SPDX\"}",
            "not a CycloneDX file: `bomFormat` is not `CycloneDX`",
            Some((1, 15)),
        ),
        (
            "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [{\"type\": \"library\"}]}",
            "the CycloneDX file holds no `threat-model` components: it is no TM-BOM",
            Some((1, 1)),
        ),
    ];
    common::assert_errors("tmbom", cases);
}
