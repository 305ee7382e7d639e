//! S003 missing-second-factor.

use riskfirst_model::format::{Classification, ComponentKind};

use crate::facts::{flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{first_flow, holds_fact, is_client, label, missing_mfa};

crate::declare_rule! {
    /// ## What it does
    /// Finds components that people sign in to (`human_use`, or called from a
    /// browser, a mobile or a desktop app) and that hold restricted data,
    /// without a second factor at sign-in (`mfa` not `true`).
    ///
    /// ## Why is this bad?
    /// People reuse passwords, type them into phishing pages and have them
    /// stolen by malware. With a single factor, any of these hands the account
    /// and the restricted data behind it to whoever holds the password.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: shopper, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [cards] }
    /// flows:
    ///   - { id: shopper-web, from: shopper, to: web, protocol: https, authentication: session, data: [cards] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: shopper, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [cards], mfa: true }
    /// flows:
    ///   - { id: shopper-web, from: shopper, to: web, protocol: https, authentication: session, data: [cards] }
    /// ```
    ///
    /// ## Mitigations
    /// - Require a second factor at sign-in, preferably phishing-resistant (WebAuthn, passkeys).
    /// - Ask for it again (step-up) before the most sensitive actions.
    ///
    /// ## References
    /// - CWE-308: Use of Single-factor Authentication
    /// - CAPEC-560: Use of Known Domain Credentials
    /// - CAPEC-600: Credential Stuffing
    /// - OWASP ASVS 2.7 Out of Band Verifier, 2.8 One Time Verifier
    pub MissingSecondFactor {
        code: "S003",
        name: "missing-second-factor",
        stride: Spoofing,
        summary: "people sign in to a component holding restricted data with a single factor",
        cwe: [308],
        capec: [560, 600],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.kind == ComponentKind::ExternalEntity {
                continue;
            }
            let Some(no_mfa) = missing_mfa(estate, c) else { continue };
            let Some(holds) = holds_fact(estate, c, node.system, Classification::Restricted) else { continue };
            let name = label(estate, c, node.system);
            let used_by_people = if node.raw.human_use {
                Some(format!("{name} has `human_use: true`"))
            } else {
                first_flow(estate, node.incoming.iter().copied().filter(|&f| is_client(estate, estate[f].from)))
                    .map(|f| format!("people reach it from a client through flow {}", flow_label(estate, f)))
            };
            let Some(used_by_people) = used_by_people else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(used_by_people)
                    .fact(holds)
                    .fact(format!("{name} has {no_mfa}")),
            );
        }
    }
}
