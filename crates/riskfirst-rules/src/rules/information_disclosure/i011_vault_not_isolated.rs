//! I011 vault-not-isolated.

use riskfirst_model::catalog::TechCategory;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    internet_facing_by_zone, internet_facing_neighbour, internet_fact, own_in_scope,
};
use crate::rules::spoofing::helpers::{is_category, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds secrets stores (Vault, a secrets manager, a KMS) that the
    /// internet reaches, or that share a zone with an internet-facing
    /// component. Stores run by a third party (`third_party: true`) are
    /// skipped: their isolation is the vendor's.
    ///
    /// ## Why is this bad?
    /// A vault holds the keys to everything else: database passwords, API
    /// keys, signing and encryption keys. Next to an internet-facing service,
    /// one compromised web server is enough to reach it, and a single
    /// vulnerability in the vault discloses every secret at once.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: vault, kind: datastore, technology: vault, zone: dmz }
    /// flows:
    ///   - { id: web-vault, from: web, to: vault, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: vault, kind: datastore, technology: vault, zone: admin }
    /// flows:
    ///   - { id: web-vault, from: web, to: vault, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Mitigations
    /// - Run the vault in its own zone (a dedicated network, cluster or account) that only named clients reach.
    /// - Use short-lived, narrowly scoped credentials so that one client's compromise does not open every secret.
    ///
    /// ## References
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - OWASP ASVS 6.4 Secret Management
    pub VaultNotIsolated {
        code: "I011",
        name: "vault-not-isolated",
        stride: InformationDisclosure,
        summary: "a secrets store is reachable from the internet or shares a zone with internet-facing components",
        cwe: [653],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        let by_zone = internet_facing_by_zone(estate);
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || node.raw.third_party || !is_category(estate, c, &[TechCategory::Vault]) {
                continue;
            }
            let name = label(estate, c, node.system);
            let exposure = match internet_fact(estate, c, node.system) {
                Some(fact) => fact,
                None => match internet_facing_neighbour(&by_zone, estate, c) {
                    Some(n) => format!(
                        "it shares zone `{}` with {}, which is internet-facing",
                        estate.zone_of(c).id(),
                        label(estate, n, node.system)
                    ),
                    None => continue,
                },
            };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{name} is a secrets store (`{}`)", technology(estate, c)))
                    .fact(exposure),
            );
        }
    }
}
