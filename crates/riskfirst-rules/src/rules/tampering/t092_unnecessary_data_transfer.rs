//! T092 unnecessary-data-transfer.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::{data_label, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{flow_in_scope, is_category, is_forwarder, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that carry a data asset which neither end processes nor
    /// stores (for example customer data sent to a partner whose component
    /// does not list it). Load balancers, reverse proxies, WAFs, CDNs and
    /// gateways pass data on without using it and are not expected to list
    /// it, nor are external entities that send data (they originate it). A
    /// model failure, or data sent where it is not needed.
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
            // Load balancers, proxies, WAFs, CDNs and gateways pass data on
            // without using it; they need not list it.
            // An external entity that sends data originates it (a person
            // types it, a partner owns it); only what it receives must fit.
            let fits = |c: riskfirst_model::ComponentIdx, d| {
                (c == flow.from && estate[c].raw.kind == ComponentKind::ExternalEntity)
                    || is_forwarder(estate, c)
                    || is_category(estate, c, &[TechCategory::Gateway])
                    || estate[c].processes.contains(&d)
                    || estate[c].stores.contains(&d)
            };
            // One finding per flow, naming the misfit data asset first by id
            // (then the receiving end before the sender), so the fact does not
            // follow the order in which the model lists the data.
            let misfit = flow
                .data
                .iter()
                .filter_map(|&d| [flow.to, flow.from].into_iter().find(|&c| !fits(c, d)).map(|c| (c, d)))
                .min_by(|a, b| estate[a.1].id().cmp(estate[b.1].id()));
            let Some((c, d)) = misfit else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} carries {}", flow_label(estate, f), data_label(estate, d)))
                    .fact(format!("{} neither processes nor stores it", label(estate, c, flow.system))),
            );
        }
    }
}
