//! S007 identity-provider-not-isolated.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::{in_scope, internet_reachable};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{first_component, is_category, label, technology};

const IDENTITY: &[TechCategory] = &[TechCategory::IdentityProvider, TechCategory::Ldap];

crate::declare_rule! {
    /// ## What it does
    /// Finds identity providers and directories (Keycloak, Active Directory,
    /// LDAP) that share a zone with an internet-facing component. Identity
    /// providers run by a third party (`third_party: true`) are skipped: their
    /// isolation is the vendor's.
    ///
    /// ## Why is this bad?
    /// The identity provider vouches for every user and service. An attacker
    /// who compromises an internet-facing neighbour in the same network
    /// segment reaches its administration ports, signing keys and databases
    /// directly, and can then mint identities that every other component
    /// trusts.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: idp, kind: process, technology: keycloak, zone: dmz }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: idp, kind: process, technology: keycloak, zone: private }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Run the identity provider in its own zone, reachable only on its sign-in and token endpoints.
    /// - Keep its administration interface and signing keys off every network that faces the internet.
    ///
    /// ## References
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - CAPEC-560: Use of Known Domain Credentials
    pub IdentityProviderNotIsolated {
        code: "S007",
        name: "identity-provider-not-isolated",
        stride: Spoofing,
        summary: "an identity provider shares its zone with internet-facing components",
        cwe: [653],
        capec: [560],
        frequency: (0.0005, 0.005),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c)
                || node.raw.kind == ComponentKind::ExternalEntity
                || node.raw.third_party
                || !is_category(estate, c, IDENTITY)
            {
                continue;
            }
            let neighbour = first_component(
                estate,
                estate.component_indices().filter(|&n| {
                    n != c && estate[n].zone == node.zone && !is_category(estate, n, IDENTITY) && internet_reachable(estate, n)
                }),
            );
            let Some(n) = neighbour else { continue };
            let zone = estate.zone_of(c).id();
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} is an identity provider (`{}`)", label(estate, c, node.system), technology(estate, c)))
                    .fact(format!("it shares zone `{zone}` with {}, which the internet reaches", label(estate, n, node.system))),
            );
        }
    }
}
