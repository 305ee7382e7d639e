//! E008 unhardened-credential-authority.

use riskfirst_model::catalog::TechCategory;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{flag_phrase, name_list, own_in_scope};
use crate::rules::spoofing::helpers::{label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds the components that vouch for everyone else, identity providers,
    /// directories and secrets stores, when you run them (not
    /// `third_party`), other components rely on them, and they are not
    /// hardened to a baseline (`hardened` not `true`).
    ///
    /// ## Why is this bad?
    /// Whoever controls the identity provider signs in as anyone; whoever
    /// controls the vault holds every credential. A compromise there is a
    /// compromise of every component that trusts it, which is why these
    /// systems need the strictest configuration, patching and admin access
    /// of the estate.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: idp, kind: process, technology: keycloak, zone: private }
    /// flows:
    ///   - { id: web-idp, from: web, to: idp, protocol: https, authentication: oidc }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: idp, kind: process, technology: keycloak, zone: private, hardened: true }
    /// flows:
    ///   - { id: web-idp, from: web, to: idp, protocol: https, authentication: oidc }
    /// ```
    ///
    /// ## Mitigations
    /// - Harden to a vendor or CIS baseline, patch first, and keep admin access to a few people with phishing-resistant MFA.
    /// - Prefer a managed service, and alert on changes to signing keys, clients, policies and admin accounts.
    ///
    /// ## References
    /// - CWE-1188: Initialization of a Resource with an Insecure Default
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - CAPEC-560: Use of Known Domain Credentials
    pub UnhardenedCredentialAuthority {
        code: "E008",
        name: "unhardened-credential-authority",
        stride: ElevationOfPrivilege,
        summary: "an identity provider or secrets store that others trust is not hardened",
        cwe: [1188, 653],
        capec: [560],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            let what = match node.category {
                TechCategory::IdentityProvider => "an identity provider",
                TechCategory::Ldap => "a directory",
                TechCategory::Vault => "a secrets store",
                _ => continue,
            };
            if node.raw.third_party || node.raw.hardened == Some(true) || !own_in_scope(estate, c) || node.incoming.is_empty() {
                continue;
            }
            let mut callers: Vec<_> = node.incoming.iter().map(|&f| estate[f].from).collect();
            callers.sort();
            callers.dedup();
            let names: Vec<String> = callers.iter().map(|&o| label(estate, o, node.system)).collect();
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} is {what} (`{}`) that {}",
                        label(estate, c, node.system),
                        technology(estate, c),
                        flag_phrase("hardened", node.raw.hardened)
                    ))
                    .fact(format!("it is called by {}", name_list(&names))),
            );
        }
    }
}
