//! S011 missing-identity-store.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{Authentication, ComponentKind};

use crate::facts::{flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{auth_name, first_flow, is_category, is_client, label};

const IDENTITY: &[TechCategory] = &[TechCategory::IdentityProvider, TechCategory::Ldap];

crate::declare_rule! {
    /// ## What it does
    /// Finds processes that sign people in themselves (a client reaches them
    /// with `authentication: password` or `session`) in a system that neither
    /// contains nor `uses` an identity provider or a directory.
    ///
    /// ## Why is this bad?
    /// Every application that keeps its own user accounts re-implements
    /// password storage, reset, lockout and second factors, and usually
    /// misses some of them. Accounts are not removed when people leave, and
    /// nobody sees all the ways into the system. Authentication code written
    /// once per application is where spoofing flaws live.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: staff, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz }
    /// flows:
    ///   - { id: staff-portal, from: staff, to: portal, protocol: https, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: staff, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz }
    ///   - { id: idp, kind: process, technology: keycloak, zone: private }
    /// flows:
    ///   - { id: staff-portal, from: staff, to: portal, protocol: https, authentication: session }
    ///   - { id: portal-idp, from: portal, to: idp, protocol: https, authentication: oidc }
    /// ```
    ///
    /// ## Mitigations
    /// - Delegate sign-in to one identity provider (OIDC, SAML) that enforces MFA, lockout and joiner-leaver processes.
    /// - Model the identity provider, or `uses` the platform's, so its threats are seen.
    ///
    /// ## References
    /// - CWE-287: Improper Authentication
    /// - CWE-1390: Weak Authentication
    /// - CAPEC-151: Identity Spoofing
    /// - OWASP ASVS 2.1 Password Security
    pub MissingIdentityStore {
        code: "S011",
        name: "missing-identity-store",
        stride: Spoofing,
        summary: "an application signs people in with no identity provider in the model",
        cwe: [287, 1390],
        capec: [151],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for sys in estate.system_indices() {
            let system = &estate[sys];
            let has_identity = system.components.iter().chain(&system.uses).any(|&c| is_category(estate, c, IDENTITY));
            if has_identity {
                continue;
            }
            for &c in &system.components {
                let node = &estate[c];
                if !in_scope(estate, c) || node.raw.kind != ComponentKind::Process {
                    continue;
                }
                let sign_in = first_flow(
                    estate,
                    node.incoming.iter().copied().filter(|&f| {
                        is_client(estate, estate[f].from)
                            && matches!(estate[f].raw.authentication, Some(Authentication::Password | Authentication::Session))
                    }),
                );
                let Some(f) = sign_in else { continue };
                let auth = estate[f].raw.authentication.map(auth_name).unwrap_or("none");
                out.push(
                    Finding::new(sys, vec![Element::Component(c)])
                        .fact(format!(
                            "{} signs people in: flow {} uses `authentication: {auth}`",
                            label(estate, c, sys),
                            flow_label(estate, f)
                        ))
                        .fact(format!("system `{}` has no identity provider or directory, nor `uses` one", system.id())),
                );
            }
        }
    }
}
