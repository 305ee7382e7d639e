//! The expression language of custom rules: any text compiles or gives an
//! error, for every target; what compiles is evaluated on every element of a
//! small estate, which must not panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use riskfirst_model::format::RuleTarget;
use riskfirst_model::{ComponentIdx, DataIdx, Estate, FlowIdx};
use riskfirst_rules::expr::{compile, Subject};
use riskfirst_rules::testing::estate_from_snippet;

const SNIPPET: &str = "data:
  - { id: cards, name: Cards, classification: restricted, business_risks: [breach] }
components:
  - { id: web, kind: process, technology: web-application, zone: dmz, processes: [cards] }
  - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
flows:
  - { id: web-to-db, from: web, to: db, protocol: postgres, tls: true, data: [cards] }
";

fn estate() -> &'static Estate {
    static ESTATE: OnceLock<Estate> = OnceLock::new();
    ESTATE.get_or_init(|| estate_from_snippet(SNIPPET).expect("the fuzz estate is valid"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let estate = estate();
    for target in [RuleTarget::Component, RuleTarget::Flow, RuleTarget::Data] {
        let Ok(expr) = compile(text, target) else {
            continue;
        };
        let subjects: Vec<Subject> = match target {
            RuleTarget::Component => (0..estate.components.len())
                .map(|i| Subject::Component(ComponentIdx(i as u32)))
                .collect(),
            RuleTarget::Flow => (0..estate.flows.len())
                .map(|i| Subject::Flow(FlowIdx(i as u32)))
                .collect(),
            RuleTarget::Data => (0..estate.data.len())
                .map(|i| Subject::Data(DataIdx(i as u32)))
                .collect(),
        };
        for subject in subjects {
            let mut facts = Vec::new();
            let _ = expr.eval(estate, subject, &mut facts);
        }
    }
});
