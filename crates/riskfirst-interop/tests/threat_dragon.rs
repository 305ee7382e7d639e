//! Threat Dragon v2: the corpus models import and analyse; every diagram type, boundary
//! and flag of a written fixture is reported exactly; broken files end in errors with
//! positions.

mod common;

use riskfirst_model::format::{ComponentKind, ControlStatus, Stride, ThreatStatus};

#[test]
fn corpus_models_import_and_analyse() {
    let names = [
        "threat-dragon-v2-demo-model.json",
        "threat-dragon-v2-three-tier-web-app.json",
    ];
    for (name, snapshot) in common::corpus_reports("interop", "threat-dragon", &names) {
        insta::assert_snapshot!(name, snapshot);
    }
}

#[test]
fn the_demo_model_keeps_its_threats_statuses_and_mitigations() {
    let Some(dir) = common::corpus("interop") else {
        return;
    };
    let name = "threat-dragon-v2-demo-model.json";
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let imported = common::import("threat-dragon", name, &bytes);
    let system = &imported.systems[0];
    let threat = system
        .threats
        .iter()
        .find(|t| t.id.value == "7df716cd-a982-48a5-b4ed-800ccb670734")
        .expect("the threat keeps its id");
    assert_eq!(threat.title.as_deref(), Some("Accessing DB credentials"));
    assert_eq!(threat.stride, Some(Stride::InformationDisclosure));
    assert_eq!(threat.status.value, ThreatStatus::Open);
    assert_eq!(threat.elements[0].value, "worker-config");
    assert!(threat
        .description
        .as_deref()
        .unwrap()
        .ends_with("Threat Dragon STRIDE rating: severity High."));
    let control = system
        .controls
        .iter()
        .find(|c| c.mitigates[0].threats[0].value == threat.id.value)
        .expect("the mitigation is a control");
    assert_eq!(
        control.title,
        "Encrypt the DB credentials in the configuration file."
    );
    assert_eq!(control.status.value, ControlStatus::Planned);
    let mitigated = system
        .threats
        .iter()
        .find(|t| t.title.as_deref() == Some("Data flow should use HTTP/S"))
        .unwrap();
    assert_eq!(mitigated.status.value, ThreatStatus::Mitigated);
    let browser = system
        .components
        .iter()
        .find(|c| c.id.value == "browser")
        .unwrap();
    assert_eq!(browser.kind, ComponentKind::ExternalEntity);
    let web = system
        .components
        .iter()
        .find(|c| c.name.as_deref() == Some("Web Application"))
        .unwrap();
    assert_ne!(
        browser.zone.value, web.zone.value,
        "a boundary line separates them"
    );
}

/// A model with every diagram type and every shape, and the edge cases of each.
const EDGES: &str = r#"{
  "version": "2.2.0",
  "summary": { "title": "Edge Cases", "owner": "Team Edge", "id": 3 },
  "detail": {
    "contributors": [ { "name": "Ann" } ],
    "reviewer": "Bob",
    "diagrams": [
      { "title": "Privacy", "diagramType": "LINDDUN", "cells": [
        { "shape": "trust-boundary-box", "id": "box", "position": { "x": 0, "y": 0 }, "size": { "width": 500, "height": 500 },
          "data": { "type": "tm.BoundaryBox", "name": "Core" } },
        { "shape": "process", "id": "p1", "position": { "x": 10, "y": 10 }, "size": { "width": 100, "height": 100 },
          "data": { "type": "tm.Process", "name": "Profile service", "isWebApplication": true, "handlesCardPayment": true,
            "privilegeLevel": "root",
            "threats": [
              { "id": "t1", "title": "Linking profiles", "type": "Linkability", "status": "Open", "severity": "Low", "modelType": "LINDDUN" },
              { "id": "t1", "title": "Same id again", "type": "Unawareness", "status": "NotApplicable", "modelType": "LINDDUN",
                "mitigation": "Users are told in the privacy notice." }
            ] } },
        { "shape": "store", "id": "s1", "position": { "x": 200, "y": 200 }, "size": { "width": 100, "height": 50 },
          "data": { "type": "tm.Store", "name": "Profile service", "storesCredentials": true, "isEncrypted": false,
            "outOfScope": true, "reasonOutOfScope": "" } },
        { "shape": "actor", "id": "a1", "position": { "x": 900, "y": 10 }, "size": { "width": 100, "height": 50 },
          "data": { "type": "tm.Actor", "name": "User", "providesAuthentication": false } },
        { "shape": "flow", "id": "f1", "source": { "cell": "a1" }, "target": { "cell": "p1" },
          "data": { "type": "tm.Flow", "name": "", "protocol": "HTTPS", "isEncrypted": true, "isPublicNetwork": true,
            "threats": [ { "id": "t3", "title": "Sniffing", "type": "Confidentiality", "status": "Mitigated", "score": "4.1",
              "mitigation": "TLS 1.3 only" } ] } },
        { "shape": "flow", "id": "f2", "source": { "cell": "p1" }, "target": { "x": 5, "y": 5 },
          "data": { "type": "tm.Flow", "name": "Dangling" } },
        { "shape": "flow", "id": "f3", "source": { "cell": "p1" }, "target": { "cell": "p1" },
          "data": { "type": "tm.Flow", "name": "Loop" } },
        { "shape": "td-text-block", "id": "n1", "data": { "type": "tm.Text", "name": "A note" } },
        { "shape": "hexagon", "id": "x1", "data": {} }
      ] },
      { "title": "Other", "diagramType": "CIA", "cells": [
        { "shape": "trust-boundary-box", "id": "empty-box", "position": { "x": 2000, "y": 0 }, "size": { "width": 10, "height": 10 },
          "data": { "type": "tm.BoundaryBox" } },
        { "shape": "process", "id": "p2", "position": { "x": 900, "y": 900 }, "size": { "width": 10, "height": 10 },
          "data": { "type": "tm.Process", "name": "Batch",
            "threats": [ { "id": "t4", "title": "Job stops", "type": "Availability", "status": "Accepted" },
                         { "id": "t5", "title": "Odd", "type": "Weird", "status": "Pending" } ] } }
      ] }
    ]
  }
}"#;

#[test]
fn edge_cases_are_reported_exactly() {
    let imported = common::import("threat-dragon", "edges.json", EDGES.as_bytes());
    insta::assert_snapshot!(imported.report.render("edges.json"));
    let warnings = common::check(&imported);
    insta::assert_snapshot!("edge_case_diagnostics", warnings);
    let system = &imported.systems[0];
    let ids: Vec<&str> = system.threats.iter().map(|t| t.id.value.as_str()).collect();
    assert_eq!(ids, ["t1", "t1-2", "t4", "t5", "t3"]);
    let store = system
        .components
        .iter()
        .find(|c| c.tags.contains(&"threat-dragon:s1".to_string()))
        .unwrap();
    assert_eq!(store.id.value, "profile-service-2");
    assert_eq!(store.encrypted_at_rest, Some(false));
    assert!(store.out_of_scope.is_some());
    let user = system
        .components
        .iter()
        .find(|c| c.id.value == "user")
        .unwrap();
    let profile = &system.components[0];
    assert_ne!(user.zone.value, profile.zone.value);
    assert!(profile.internet_facing);
}

#[test]
fn broken_files_end_in_errors_with_positions() {
    let cases: &[common::Case] = &[
        (
            "{\"version\": \"3.0.0\", \"summary\": {}, \"detail\": {\"diagrams\": []}}",
            "Threat Dragon version 3.0.0 is not supported: riskfirst reads version 2 models",
            Some((1, 13)),
        ),
        (
            "{\"summary\": {}, \"detail\": {\"diagrams\": [{\"diagramJson\": {}}]}}",
            "this is a Threat Dragon version 1 model (`diagramJson`): riskfirst reads version 2 models",
            Some((1, 27)),
        ),
        (
            "{\"version\": \"2.0\", \"summary\": {}}",
            "not a Threat Dragon model: `detail` is missing",
            Some((1, 1)),
        ),
        (
            "{\"version\": \"2.0\", \"summary\": {}, \"detail\": {\"diagrams\": []}}",
            "the Threat Dragon model has no diagrams",
            Some((1, 45)),
        ),
        (
            "[1, 2]",
            "a Threat Dragon model is a mapping at the top, not a list",
            Some((1, 1)),
        ),
        ("{\"version\": \"2.0\",\n  \"summary\": {,}}", "", Some((2, 15))),
    ];
    common::assert_errors("threat-dragon", cases);
}

/// Found by the `import_threat_dragon` fuzz target: a flow from an element to itself is
/// not kept, and its threats named that missing flow (E021); they go to the element.
#[test]
fn the_threats_of_a_flow_to_itself_go_to_its_element() {
    let text = r#"{ "version": "2.0", "summary": { "title": "Loop" }, "detail": { "diagrams": [ { "cells": [
      { "shape": "process", "id": "p", "position": { "x": 0, "y": 0 }, "size": { "width": 100, "height": 100 },
        "data": { "type": "tm.Process", "name": "Worker" } },
      { "shape": "flow", "id": "f", "source": { "cell": "p" }, "target": { "cell": "p" },
        "data": { "type": "tm.Flow", "name": "Retry", "threats": [
          { "id": "t1", "title": "Retry storm", "type": "Denial of service", "status": "Open" } ] } }
    ] } ] } }"#;
    let imported = common::import("threat-dragon", "loop.json", text.as_bytes());
    common::check(&imported);
    let s = &imported.systems[0];
    assert!(s.flows.is_empty());
    assert_eq!(s.threats.len(), 1);
    assert_eq!(s.threats[0].id.value, "t1");
    assert_eq!(s.threats[0].elements[0].value, "worker");
    let report = imported.report.render("loop.json");
    assert!(
        report.contains("guessed     flow \"Retry\": its threats are put on `worker`, the component it loops on (loop.json:4:7)"),
        "{report}"
    );
}
