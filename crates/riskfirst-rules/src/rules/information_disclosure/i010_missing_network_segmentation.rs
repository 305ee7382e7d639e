//! I010 missing-network-segmentation.

use riskfirst_model::format::Classification;

use crate::facts::data_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    internet_facing_by_zone, internet_facing_neighbour, own_in_scope, reached_from_internet,
    stored_at_least,
};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components that store restricted data in the same zone as an
    /// internet-facing component. Components the internet reaches themselves
    /// are left to I009.
    ///
    /// ## Why is this bad?
    /// Internet-facing components are the ones attackers compromise first.
    /// Within a zone nothing filters traffic, so from a foothold there the
    /// attacker reaches the store of your most sensitive data directly,
    /// without crossing a single trust boundary that could have stopped or
    /// logged them.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, processes: [cards] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: dmz, stores: [cards], encrypted_at_rest: true }
    /// flows:
    ///   - { id: web-db, from: web, to: db, protocol: postgres, tls: true, data: [cards] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, processes: [cards] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards], encrypted_at_rest: true }
    /// flows:
    ///   - { id: web-db, from: web, to: db, protocol: postgres, tls: true, data: [cards] }
    /// ```
    ///
    /// ## Mitigations
    /// - Move stores of restricted data to a private zone (subnet, VPC, namespace) and allow only the services that need them.
    /// - Enforce the boundary with network policies or security groups that name the callers.
    ///
    /// ## References
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - PCI DSS 1.3 Network segmentation
    pub MissingNetworkSegmentation {
        code: "I010",
        name: "missing-network-segmentation",
        stride: InformationDisclosure,
        summary: "restricted data is stored in the same zone as internet-facing components",
        cwe: [653],
        capec: [],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        let by_zone = internet_facing_by_zone(estate);
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || reached_from_internet(estate, c) {
                continue;
            }
            let Some(d) = stored_at_least(estate, c, Classification::Restricted) else { continue };
            let Some(n) = internet_facing_neighbour(&by_zone, estate, c) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} stores {} in zone `{}`",
                        label(estate, c, node.system),
                        data_label(estate, d),
                        estate.zone_of(c).id()
                    ))
                    .fact(format!("{} in the same zone is internet-facing", label(estate, n, node.system))),
            );
        }
    }
}
