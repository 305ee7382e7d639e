//! Threagile v1: every corpus model imports and analyses; merge keys, nesting, tracking
//! and links of a written fixture are reported exactly; broken files end in errors with
//! positions.

mod common;

use riskfirst_model::format::{
    Authentication, Authorization, Classification, ComponentKind, Machine, ThreatStatus,
};

#[test]
fn corpus_models_import_and_analyse() {
    let names = [
        "example-threagile.yaml",
        "stub-threagile.yaml",
        "test-all-v1-format.yaml",
    ];
    for (name, snapshot) in common::corpus_reports("threagile", "threagile", &names) {
        insta::assert_snapshot!(name, snapshot);
    }
}

#[test]
fn the_example_keeps_assets_links_boundaries_and_merged_data() {
    let Some(dir) = common::corpus("threagile") else {
        return;
    };
    let bytes = std::fs::read(dir.join("example-threagile.yaml")).unwrap();
    let imported = common::import("threagile", "example-threagile.yaml", &bytes);
    let s = &imported.systems[0];
    assert_eq!(s.components.len(), 14);
    assert_eq!(s.data.len(), 12);
    // `<<: *customer-contracts` gives the summaries the base's fields it does not set.
    let summaries = s
        .data
        .iter()
        .find(|d| d.id.value == "contract-summaries")
        .unwrap();
    assert_eq!(summaries.classification, Classification::Confidential);
    assert!(summaries
        .description
        .as_deref()
        .unwrap()
        .contains("origin Customer"));
    let client = s
        .components
        .iter()
        .find(|c| c.id.value == "customer-client")
        .unwrap();
    assert_eq!(client.kind, ComponentKind::ExternalEntity);
    assert_eq!(client.technology.value, "browser");
    assert!(client.internet_facing && client.human_use);
    assert_eq!(client.machine, Some(Machine::Physical));
    assert_eq!(
        client.out_of_scope.as_deref(),
        Some("Owned and managed by end-user customer")
    );
    assert_eq!(client.zone.value, "outside");
    let traffic = s
        .flows
        .iter()
        .find(|f| f.id.value == "customer-client-customer-traffic")
        .unwrap();
    assert_eq!(traffic.to.value, "load-balancer");
    assert_eq!(traffic.protocol.value, "https");
    assert_eq!(traffic.authentication, Some(Authentication::Session));
    assert_eq!(traffic.authorization, Some(Authorization::EndUser));
    assert_eq!(traffic.data.len(), 5);
    let zone = |id: &str| {
        let c = s.components.iter().find(|c| c.id.value == id).unwrap();
        s.zones.iter().find(|z| z.id.value == c.zone.value).unwrap()
    };
    // Nested in `application-network`: the innermost boundary, one level deeper.
    assert_eq!(zone("apache-webserver").id.value, "web-dmz");
    assert_eq!(zone("apache-webserver").trust.value, 80);
    assert_eq!(zone("load-balancer").trust.value, 60);
    let risk = s
        .threats
        .iter()
        .find(|t| t.title.as_deref() == Some("Example Individual Risk at Database"))
        .unwrap();
    assert_eq!(risk.elements[0].value, "sql-database");
    assert_eq!(risk.status.value, ThreatStatus::Open);
}

const EDGES: &str = r#"threagile_version: 1.0.0
title: Edge Model
data_assets:
  Base: &base
    id: base
    confidentiality: restricted
    integrity: critical
  Derived:
    <<: *base
    id: derived
    confidentiality: top-secret
technical_assets:
  Web:
    id: web
    type: process
    technology: web-server
    data_assets_processed: [base, ghost]
    data_formats_accepted: [json, protobuf-ish]
    communication_links:
      To DB:
        target: db
        protocol: jdbc-encrypted
        authentication: two-factor
        data_assets_sent: [derived]
      To Nowhere:
        target: missing
        protocol: https
      Loop:
        target: web
        protocol: https
  DB:
    id: db
    type: datastore
    technology: quantum-store
    out_of_scope: true
trust_boundaries:
  Outer:
    id: outer
    type: network-on-prem
    technical_assets_inside: [web]
    trust_boundaries_nested: [inner, nowhere]
  Inner:
    id: inner
    type: execution-environment
    technical_assets_inside: [db]
    trust_boundaries_nested: [outer]
shared_runtimes:
  VM:
    id: vm
    technical_assets_running: [web, db]
individual_risk_categories:
  Custom:
    id: custom
    stride: spoofing
    mitigation: Do the thing.
    risks_identified:
      <b>Custom</b> at <b>DB</b>:
        severity: high
        most_relevant_technical_asset: db
      Nowhere:
        most_relevant_technical_asset: ghost
  Empty:
    id: empty
risk_tracking:
  custom@*:
    status: accepted
    justification: Fine for now
    checked_by: Ann
  sql-nosql-injection@*@*:
    status: mitigated
    ticket: T-1
"#;

#[test]
fn edge_cases_are_reported_exactly() {
    let imported = common::import("threagile", "edges.yaml", EDGES.as_bytes());
    insta::assert_snapshot!(imported.report.render("edges.yaml"));
    let warnings = common::check(&imported);
    insta::assert_snapshot!("edge_case_diagnostics", warnings);
    let s = &imported.systems[0];
    let threat = &s.threats[0];
    assert_eq!(threat.id.value, "custom-db");
    assert_eq!(threat.status.value, ThreatStatus::Accepted);
    assert_eq!(threat.justification.as_deref(), Some("Fine for now"));
    assert_eq!(threat.approved_by.as_deref(), Some("Ann"));
    let db = s.components.iter().find(|c| c.id.value == "db").unwrap();
    assert_eq!(db.mfa, Some(true));
    assert!(db.tags.contains(&"runtime:vm".to_string()));
}

#[test]
fn broken_files_end_in_errors_with_positions() {
    let cases: &[common::Case] = &[
        (
            "threagile_version: 2.0.0\ntitle: x\n",
            "Threagile model version 2.0.0 is not supported: riskfirst reads version 1",
            Some((1, 20)),
        ),
        (
            "title: x\n",
            "not a Threagile model: `threagile_version` is missing",
            Some((1, 1)),
        ),
        (
            "- threagile_version\n",
            "a Threagile model is a mapping at the top, not a list",
            Some((1, 1)),
        ),
        (
            "threagile_version: 1.0.0\ntitle: [\n",
            "Threagile: syntax error: this `[` is never closed",
            Some((2, 8)),
        ),
    ];
    common::assert_errors("threagile", cases);
}

/// Found by the `import_threagile` fuzz target: two technical assets with one id became two
/// components, and the second one's zone was never set (`zone: ""`, E021).
#[test]
fn two_assets_with_one_id_are_both_in_their_boundary() {
    let text = "threagile_version: 1.0.0
title: Twins
technical_assets:
  First server:
    id: server
    type: process
  Second server:
    id: server
    type: process
trust_boundaries:
  Network:
    id: net
    type: network-on-prem
    technical_assets_inside: [server]
";
    let imported = common::import("threagile", "twins.yaml", text.as_bytes());
    common::check(&imported);
    let zones: Vec<(&str, &str)> = imported.systems[0]
        .components
        .iter()
        .map(|c| (c.id.value.as_str(), c.zone.value.as_str()))
        .collect();
    assert_eq!(zones, [("server", "net"), ("server-2", "net")]);
}
