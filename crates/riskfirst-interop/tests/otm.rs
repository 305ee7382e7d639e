//! OTM: the corpus files import into estates that analyse; riskfirst → OTM → riskfirst
//! gives back the same estate, on the demo and on generated estates; hostile files end in
//! errors with positions.

mod common;

use std::path::Path;

use proptest::prelude::*;
use riskfirst_interop::{files_of, otm, Input};
use riskfirst_model::format::{RootFile, SystemFile};
use riskfirst_model::generate::{build, GenerateConfig};

fn round_trip(root: &RootFile, systems: &[SystemFile]) -> (RootFile, Vec<SystemFile>) {
    let bytes = otm::export(root, systems).expect("the estate exports");
    let back = otm::import(
        &Input {
            name: "estate.otm.json",
            bytes: &bytes,
        },
        &common::options(),
    )
    .unwrap_or_else(|e| panic!("the export imports: {e} at {:?}", e.pos));
    assert!(
        back.report.entries.is_empty(),
        "a riskfirst OTM maps one to one: {}",
        back.report.render("estate.otm.json")
    );
    (back.root, back.systems)
}

fn assert_same(root: &RootFile, systems: &[SystemFile], back: &(RootFile, Vec<SystemFile>)) {
    // System by system first, so a difference names its place.
    assert_eq!(systems.len(), back.1.len());
    for (a, b) in systems.iter().zip(&back.1) {
        assert_eq!(a, b, "system {}", a.system.id.value);
    }
    assert_eq!(root, &back.0);
}

#[test]
fn the_demo_estate_survives_a_round_trip_through_otm() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    let sources =
        riskfirst_model::fs::read_estate(&dir, &Default::default()).expect("the demo reads");
    let loaded = riskfirst_model::load(sources, &Default::default());
    let estate = loaded.estate.expect("the demo is valid");
    let (root, systems) = files_of(&estate);
    assert!(systems.len() >= 5);
    let back = round_trip(&root, &systems);
    assert_same(&root, &systems, &back);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_estates_survive_a_round_trip_through_otm(
        seed in any::<u64>(),
        components in 2usize..120,
        flows in 0usize..200,
    ) {
        let cfg = GenerateConfig { components, flows, seed, systems: None, teams: None };
        let (root, systems) = build(&cfg);
        let back = round_trip(&root, &systems);
        prop_assert_eq!(&systems, &back.1);
        prop_assert_eq!(&root, &back.0);
    }
}

#[test]
fn an_edit_made_in_an_otm_tool_is_read_back() {
    let (root, systems) = build(&GenerateConfig {
        components: 4,
        flows: 3,
        ..GenerateConfig::default()
    });
    let bytes = otm::export(&root, &systems).unwrap();
    let mut doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    doc["components"][0]["name"] = "Renamed in the tool".into();
    doc["trustZones"][0]["risk"]["trustRating"] = 7.into();
    let bytes = serde_json::to_vec(&doc).unwrap();
    let back = otm::import(
        &Input {
            name: "x.json",
            bytes: &bytes,
        },
        &common::options(),
    )
    .unwrap();
    assert_eq!(
        back.systems[0].components[0].name.as_deref(),
        Some("Renamed in the tool")
    );
    let zone = back
        .root
        .zones
        .first()
        .or(back.systems[0].zones.first())
        .unwrap();
    assert_eq!(zone.trust.value, 7);
}

#[test]
fn corpus_files_import_and_analyse() {
    let names = [
        "otm-0.2.0-example.json",
        "otm-0.1.0/EXAMPLE.json",
        "otm-0.1.0/EXAMPLE.yaml",
    ];
    for (name, snapshot) in common::corpus_reports("interop", "otm", &names) {
        insta::assert_snapshot!(name, snapshot);
    }
}

fn import_text(text: &str) -> Result<riskfirst_interop::Imported, riskfirst_interop::ImportError> {
    otm::import(
        &Input {
            name: "t.yaml",
            bytes: text.as_bytes(),
        },
        &common::options(),
    )
}

#[test]
fn hostile_and_broken_files_end_in_errors_with_positions() {
    let cases: &[common::Case] = &[
        (
            "otmVersion: 0.3.0\nproject: { name: p, id: p }\n",
            "OTM version 0.3.0 is not supported: riskfirst reads 0.1 and 0.2",
            Some((1, 13)),
        ),
        (
            "project: { name: p, id: p }\n",
            "not an OTM file: `otmVersion` is missing",
            Some((1, 1)),
        ),
        (
            "otmVersion: 0.2.0\n",
            "OTM: `project` is missing",
            Some((1, 1)),
        ),
        (
            "- a\n- b\n",
            "an OTM file is a mapping at the top, not a list",
            Some((1, 1)),
        ),
        (
            "{\"otmVersion\": \"0.2.0\", \"project\": {\"name\": \"p\",}\n",
            "",
            Some((2, 1)),
        ),
    ];
    common::assert_errors("otm", cases);
    let deep = format!(
        "otmVersion: 0.2.0\nproject: {}{}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let e = import_text(&deep).err().unwrap();
    assert!(e.message.contains("deeper than"), "{}", e.message);
    let e = otm::import(
        &Input {
            name: "x",
            bytes: b"otmVersion: \xff\n",
        },
        &common::options(),
    )
    .err()
    .unwrap();
    assert_eq!(e.message, "the OTM file is not UTF-8 text");
    assert_eq!(e.pos.map(|p| (p.line, p.col)), Some((1, 13)));
}

#[test]
fn edge_cases_are_reported_exactly() {
    let text = r#"
otmVersion: 0.1.0
project: { name: Edge, id: edge }
trustZones:
  - { id: z1, name: Inside }
components:
  - { id: a, name: A Service, type: mystery-box, parent: { trustZone: z1 } }
  - { id: a, name: Second A, type: postgres database, parent: { trustZone: nowhere } }
  - { id: c, name: Child, type: thing, parent: { component: d } }
  - { id: d, name: Loop, type: thing, parent: { component: c } }
dataflows:
  - { id: f1, source: a, destination: a }
  - { id: f2, source: a, destination: ghost }
  - { id: f3, source: a, destination: d, name: calls over https }
threats:
  - { id: t1, name: Unused, categories: [Spoofing] }
  - { id: t2, name: Used, categories: [Weird] }
mitigations:
  - { id: m1, name: Orphan }
"#;
    let text = text.replace(
        "destination: d, name",
        "destination: d, threats: [{ threat: t2, state: accepted }], name",
    );
    let imported = import_text(&text).unwrap();
    insta::assert_snapshot!(imported.report.render("edge.yaml"));
    common::check(&imported);
}
