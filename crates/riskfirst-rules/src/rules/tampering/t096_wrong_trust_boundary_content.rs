//! T096 wrong-trust-boundary-content.

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::label;

/// Zones at or above this trust are "high trust": internal networks that
/// nothing on the internet should reach directly.
const HIGH_TRUST: i64 = 70;

crate::declare_rule! {
    /// ## What it does
    /// Finds internet-facing components placed in a high-trust zone (trust 70
    /// or more). A model failure: either the component is not internet-facing,
    /// or the zone is not as trusted as the model says.
    ///
    /// ## Why is this bad?
    /// Rules treat flows inside a high-trust zone as trusted. An
    /// internet-facing component there means the internet reaches the zone
    /// directly, so every threat that depends on crossing into it is missed,
    /// and in the real network the zone's other components are one hop from
    /// an attacker.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, internet_facing: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: dmz, internet_facing: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Move the component to a zone for internet-facing services (a DMZ) and let only it talk to the high-trust zone.
    /// - If the zone really is exposed, lower its trust in the model so the rules see it.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    /// - CWE-653: Improper Isolation or Compartmentalization
    pub WrongTrustBoundaryContent {
        code: "T096",
        name: "wrong-trust-boundary-content",
        stride: Tampering,
        summary: "an internet-facing component sits in a high-trust zone",
        cwe: [1059, 653],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            let zone = estate.zone_of(c);
            if !in_scope(estate, c) || !node.raw.internet_facing || zone.trust() < HIGH_TRUST {
                continue;
            }
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} is internet-facing", label(estate, c, node.system)))
                    .fact(format!("it is in zone `{}` of trust {} (high trust starts at {HIGH_TRUST})", zone.id(), zone.trust())),
            );
        }
    }
}
