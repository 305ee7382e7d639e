//! T094 incomplete-model.

use riskfirst_model::catalog::{protocol_encrypted, TechCategory};

use crate::facts::{flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{flow_in_scope, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds components whose technology the catalog does not know (or that
    /// say `unknown`), and flows whose protocol it does not know. A model
    /// failure: the validator warns (W010, W013); as a threat it is tracked
    /// until someone fixes the model or accepts it.
    ///
    /// ## Why is this bad?
    /// Rules reason over what a technology is (a database, an identity
    /// provider) and whether a protocol encrypts. For an unknown one they
    /// cannot tell, so injection, encryption and isolation threats on that
    /// element go unseen and the model looks safer than the system is.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: engine, kind: process, technology: pricing-magic, zone: private }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: engine, kind: process, technology: api, zone: private }
    /// ```
    ///
    /// ## Mitigations
    /// - Use a technology and protocol from `riskfirst technologies`, the nearest one if yours is not listed.
    /// - Ask for the missing technology to be added to the catalog.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    pub IncompleteModel {
        code: "T094",
        name: "incomplete-model",
        stride: Tampering,
        summary: "a technology or protocol is unknown, so rules cannot judge it",
        cwe: [1059],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.category != TechCategory::Unknown {
                continue;
            }
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} has technology `{}`, which riskfirst does not know", label(estate, c, node.system), technology(estate, c))),
            );
        }
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let protocol = flow.raw.protocol.value.as_str();
            if !flow_in_scope(estate, f) || (protocol != "unknown" && protocol_encrypted(protocol).is_some()) {
                continue;
            }
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} has protocol `{protocol}`, which riskfirst does not know", flow_label(estate, f))),
            );
        }
    }
}
