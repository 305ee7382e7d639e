//! R005 log-store-exposed.

use riskfirst_model::catalog::TechCategory;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::repudiation::LOG_STORES;
use crate::rules::spoofing::helpers::{exposure, is_category, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds logging and monitoring components (a SIEM, a log aggregator)
    /// that callers less trusted than themselves reach: the log store is
    /// internet-facing, in the internet zone, or written to across a trust
    /// boundary from a less trusted zone.
    ///
    /// ## Why is this bad?
    /// Logs are the evidence. An attacker who can reach the log store from
    /// where they land deletes or rewrites the entries that show what they
    /// did, or floods it with noise, and then the actions can be denied and
    /// the breach cannot be scoped.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: siem, kind: datastore, technology: siem, zone: private, internet_facing: true }
    /// flows:
    ///   - { id: web-siem, from: web, to: siem, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: forwarder, kind: process, technology: log-aggregator, zone: dmz }
    ///   - { id: siem, kind: datastore, technology: siem, zone: private }
    /// flows:
    ///   - { id: web-forwarder, from: web, to: forwarder, protocol: https, authentication: token }
    ///   - { id: siem-forwarder, from: siem, to: forwarder, protocol: https, authentication: mtls, readonly: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Keep the log store in its own zone; let sources write through an append-only forwarder, never directly.
    /// - Make logs immutable (WORM storage, object lock) and alert on gaps.
    ///
    /// ## References
    /// - CWE-117: Improper Output Neutralization for Logs
    /// - CWE-284: Improper Access Control
    /// - CAPEC-268: Audit Log Manipulation
    /// - CAPEC-93: Log Injection-Tampering-Forging
    pub LogStoreExposed {
        code: "R005",
        name: "log-store-exposed",
        stride: Repudiation,
        summary: "a log store is reachable from a less trusted zone, so evidence can be erased",
        cwe: [117, 284],
        capec: [268, 93],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || !is_category(estate, c, LOG_STORES) {
                continue;
            }
            let Some(exposed) = exposure(estate, c, node.system) else { continue };
            let what = if node.category == TechCategory::Monitoring { "monitoring" } else { "a log store" };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} is {what} (`{}`)", label(estate, c, node.system), technology(estate, c)))
                    .fact(exposed),
            );
        }
    }
}
