//! T091 unnecessary-communication-link.

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::flow_in_scope;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that carry no data asset (`data` empty). A model failure.
    ///
    /// ## Why is this bad?
    /// A connection that moves nothing is either unnecessary, and only widens
    /// what an attacker can reach (remove it and close the port), or it does
    /// carry data the model does not name, so the rules that weigh data on
    /// flows (encryption, authentication, injection) underrate it.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: api, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: web-api, from: web, to: api, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: orders, name: Orders, classification: internal }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [orders] }
    ///   - { id: api, kind: process, technology: api, zone: private, processes: [orders] }
    /// flows:
    ///   - { id: web-api, from: web, to: api, protocol: https, authentication: token, data: [orders] }
    /// ```
    ///
    /// ## Mitigations
    /// - Remove the connection (and its firewall rule) if nothing needs it.
    /// - Otherwise list the data it carries.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    /// - CWE-1125: Excessive Attack Surface
    pub UnnecessaryCommunicationLink {
        code: "T091",
        name: "unnecessary-communication-link",
        stride: Tampering,
        summary: "a flow carries no data",
        cwe: [1059, 1125],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f) || !flow.data.is_empty() {
                continue;
            }
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} has no `data`", flow_label(estate, f))),
            );
        }
    }
}
