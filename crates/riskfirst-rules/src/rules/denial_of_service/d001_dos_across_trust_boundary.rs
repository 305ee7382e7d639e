//! D001 dos-across-trust-boundary.

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    crossing_fact, flag_phrase, flow_from_less_trust, own_in_scope,
};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components that are not redundant (`redundant` not `true`) and
    /// receive flows from a less trusted zone.
    ///
    /// ## Why is this bad?
    /// Whoever sits in the less trusted zone (the internet, a partner
    /// network, a compromised service of the DMZ) can send more, larger or
    /// slower requests than the single instance can take, or hit a bug that
    /// crashes it. With one instance there is no capacity to absorb the load
    /// and nothing to fail over to, so the service and everything that
    /// depends on it stops.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: orders, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: web-orders, from: web, to: orders, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: orders, kind: process, technology: api, zone: private, redundant: true }
    /// flows:
    ///   - { id: web-orders, from: web, to: orders, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Mitigations
    /// - Run more than one instance behind a load balancer, across availability zones, with autoscaling.
    /// - Limit what callers can ask for: rate limits, quotas, timeouts and request size limits at the boundary.
    ///
    /// ## References
    /// - CWE-400: Uncontrolled Resource Consumption
    /// - CWE-410: Insufficient Resource Pool
    /// - CAPEC-125: Flooding
    pub DosAcrossTrustBoundary {
        code: "D001",
        name: "dos-across-trust-boundary",
        stride: DenialOfService,
        summary: "a component without redundancy can be overwhelmed from a less trusted zone",
        cwe: [400, 410],
        capec: [125],
        frequency: (0.01, 0.2),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || node.raw.redundant == Some(true) {
                continue;
            }
            let Some(f) = flow_from_less_trust(estate, c) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} {}", label(estate, c, node.system), flag_phrase("redundant", node.raw.redundant)))
                    .fact(crossing_fact(estate, f)),
            );
        }
    }
}
