//! threatcl: both corpus files import and analyse (a file of several models gives several
//! systems); a written fixture's edge cases are reported exactly; broken files end in
//! errors with positions.

mod common;

use riskfirst_model::format::{ControlStatus, ThreatStatus};

#[test]
fn corpus_files_import_and_analyse() {
    let names = ["threatcl-tm1.hcl", "threatcl-tm2-dfd.hcl"];
    for (name, snapshot) in common::corpus_reports("interop", "threatcl", &names) {
        insta::assert_snapshot!(name, snapshot);
    }
}

const EDGES: &str = r#"spec_version = "0.1.10"
threatmodel "Shop" {
  author = "@me"
  information_asset "orders" { information_classification = "Restricted" }
  information_asset "odd" { information_classification = "Top" }
  threat "SQL injection" {
    impacts = ["Integrity"]
    control "Prepared statements" {
      implemented = true
      risk_reduction = 70
    }
  }
  data_flow_diagram_v2 "main" {
    external_element "User" {}
    trust_zone "Cloud" {
      process "Web" {}
      data_store "Postgres DB" {}
    }
    flow "https" {
      from = "User"
      to = "Web"
    }
    flow "jdbc" {
      from = "Web"
      to = "Nowhere"
    }
  }
}
threatmodel "Shop" {
  threat "Outage" {}
}
"#;

#[test]
fn edge_cases_are_reported_exactly() {
    let imported = common::import("threatcl", "edges.hcl", EDGES.as_bytes());
    insta::assert_snapshot!(imported.report.render("edges.hcl"));
    common::check(&imported);
    assert_eq!(imported.systems.len(), 2);
    assert_eq!(imported.systems[1].system.id.value, "shop-2");
    let s = &imported.systems[0];
    assert_eq!(s.threats[0].status.value, ThreatStatus::Mitigated);
    assert_eq!(s.controls[0].status.value, ControlStatus::Implemented);
    assert_eq!(s.flows.len(), 1);
    assert_eq!(s.components.len(), 3);
}

#[test]
fn broken_files_end_in_errors_with_positions() {
    let deep = format!(
        "threatmodel \"x\" {{ a = {}{} }}",
        "[".repeat(100),
        "]".repeat(100)
    );
    let deep: &'static str = Box::leak(deep.into_boxed_str());
    let cases: &[common::Case] = &[
        (
            "spec_version = \"1.0.0\"\nthreatmodel \"x\" {}\n",
            "threatcl spec version 1.0.0 is not supported: riskfirst reads 0.x",
            Some((1, 16)),
        ),
        (
            "spec_version = \"0.1.0\"\n",
            "not a threatcl file: no `threatmodel` block",
            Some((1, 1)),
        ),
        ("threatmodel \"x\" {\n  a = \n}\n", "", Some((2, 7))),
        (
            deep,
            "threatcl: blocks and lists nest deeper than 64 levels",
            None,
        ),
    ];
    common::assert_errors("threatcl", cases);
}
