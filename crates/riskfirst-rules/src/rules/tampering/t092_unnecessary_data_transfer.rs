//! T092 unnecessary-data-transfer.

use crate::facts::{data_label, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{flow_in_scope, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that carry a data asset which neither end processes nor
    /// stores (for example customer data sent to a partner whose component
    /// does not list it). A model failure, or data sent where it is not
    /// needed.
    ///
    /// ## Why is this bad?
    /// Data sent to a component that does nothing with it is exposure without
    /// purpose: one more place it can leak from or be altered. If the
    /// component does use it, the model is silent about it and the rules
    /// that look at what a component holds miss it.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: customers, name: Customers, classification: confidential }
    /// components:
    ///   - { id: crm, kind: process, technology: api, zone: private, processes: [customers] }
    ///   - { id: mailer, kind: external-entity, technology: email-service, zone: internet }
    /// flows:
    ///   - { id: crm-mailer, from: crm, to: mailer, protocol: https, authentication: api-key, data: [customers] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: customers, name: Customers, classification: confidential }
    /// components:
    ///   - { id: crm, kind: process, technology: api, zone: private, processes: [customers] }
    ///   - { id: mailer, kind: external-entity, technology: email-service, zone: internet, processes: [customers] }
    /// flows:
    ///   - { id: crm-mailer, from: crm, to: mailer, protocol: https, authentication: api-key, data: [customers] }
    /// ```
    ///
    /// ## Mitigations
    /// - Send only the fields the receiver needs (data minimisation); drop the rest from the flow.
    /// - If the receiver does use the data, list it under its `processes` or `stores`.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    /// - CWE-213: Exposure of Sensitive Information Due to Incompatible Policies
    pub UnnecessaryDataTransfer {
        code: "T092",
        name: "unnecessary-data-transfer",
        stride: Tampering,
        summary: "a flow carries data that one of its ends neither processes nor stores",
        cwe: [1059, 213],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f) {
                continue;
            }
            let holds = |c: riskfirst_model::ComponentIdx, d| estate[c].processes.contains(&d) || estate[c].stores.contains(&d);
            // One finding per flow, naming the first misfit by data id and
            // then the receiving end, so the fact does not follow the order
            // in which the model lists the data.
            let mut data = flow.data.clone();
            data.sort_by(|a, b| estate[*a].id().cmp(estate[*b].id()));
            let misfit = data.iter().find_map(|&d| {
                [flow.to, flow.from].into_iter().find(|&c| !holds(c, d)).map(|c| (c, d))
            });
            let Some((c, d)) = misfit else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} carries {}", flow_label(estate, f), data_label(estate, d)))
                    .fact(format!("{} neither processes nor stores it", label(estate, c, flow.system))),
            );
        }
    }
}
