//! I013 sensitive-data-to-third-party.

use riskfirst_model::format::Classification;
use riskfirst_model::DataIdx;
use std::cmp::Reverse;

use crate::facts::{held_data, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::data_label_personal;
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components run by a third party (`third_party: true`: a SaaS, a
    /// vendor, an analytics or AI service) that process, store or exchange
    /// restricted or personal data.
    ///
    /// ## Why is this bad?
    /// The data is now protected by someone else's controls, people and
    /// sub-processors, which you cannot see or change; their breach is your
    /// breach, and under privacy law (GDPR article 28) you remain responsible
    /// for it. Data sent to a vendor is also often kept, logged or used for
    /// training beyond what the contract says.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: customers, name: Customer profiles, classification: confidential, personal: true, business_risks: [breach, fine] }
    /// components:
    ///   - { id: app, kind: process, technology: api, zone: private, processes: [customers] }
    ///   - { id: crm, kind: external-entity, technology: crm, zone: internet, third_party: true }
    /// flows:
    ///   - { id: app-crm, from: app, to: crm, protocol: https, authentication: oauth2, data: [customers] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: customers, name: Customer profiles, classification: confidential, personal: true, business_risks: [breach, fine] }
    ///   - { id: ids, name: Pseudonymous customer ids, classification: internal }
    /// components:
    ///   - { id: app, kind: process, technology: api, zone: private, processes: [customers] }
    ///   - { id: crm, kind: external-entity, technology: crm, zone: internet, third_party: true }
    /// flows:
    ///   - { id: app-crm, from: app, to: crm, protocol: https, authentication: oauth2, data: [ids] }
    /// ```
    ///
    /// ## Mitigations
    /// - Send the least data the vendor needs: pseudonymise, tokenise or aggregate before it leaves.
    /// - Assess the vendor (SOC 2, ISO 27001), sign a data processing agreement, and review their sub-processors.
    ///
    /// ## References
    /// - CWE-359: Exposure of Private Personal Information to an Unauthorized Actor
    /// - CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
    /// - GDPR article 28 Processor
    pub SensitiveDataToThirdParty {
        code: "I013",
        name: "sensitive-data-to-third-party",
        stride: InformationDisclosure,
        summary: "restricted or personal data is handled by a third party",
        cwe: [359, 200],
        capec: [],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !node.raw.third_party || !in_scope(estate, c) {
                continue;
            }
            let mut data = held_data(estate, c);
            for &f in node.incoming.iter().chain(&node.outgoing) {
                data.extend_from_slice(&estate[f].data);
            }
            data.sort();
            data.dedup();
            // The most sensitive first, personal before not on the same level, then the first
            // by name, so the fact does not depend on the order of flows or files.
            let sensitive = |d: &DataIdx| {
                let raw = &estate[*d].raw;
                raw.classification == Classification::Restricted || (raw.personal && raw.classification > Classification::Public)
            };
            let Some(worst) = data
                .iter()
                .copied()
                .filter(sensitive)
                .min_by_key(|&d| {
                    let raw = &estate[d].raw;
                    (Reverse(raw.classification), Reverse(raw.personal), estate[estate[d].system].id(), estate[d].id())
                })
            else {
                continue;
            };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} is run by a third party (`third_party: true`)", label(estate, c, node.system)))
                    .fact(format!("it handles {}", data_label_personal(estate, worst))),
            );
        }
    }
}
