//! S009 credential-stuffing.

use riskfirst_model::format::{Authentication, ComponentKind};

use crate::facts::{flow_label, in_scope, internet_reachable};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{first_flow, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds components the internet reaches that accept passwords
    /// (`authentication: password` on an incoming flow) without rate limiting
    /// (`rate_limited` not `true`) and without a second factor (`mfa` not
    /// `true`). This is the spoofing side of missing rate limiting: account
    /// takeover by guessing; the exhaustion of the service itself belongs to
    /// the denial-of-service rules.
    ///
    /// ## Why is this bad?
    /// Billions of leaked username and password pairs circulate. Automated
    /// tools try them against every sign-in form on the internet; wherever
    /// nothing slows them down and nothing but the password is asked, the
    /// accounts of users who reused a password are taken over in bulk.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: customer, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    /// flows:
    ///   - { id: customer-web, from: customer, to: web, protocol: https, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: customer, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, rate_limited: true }
    /// flows:
    ///   - { id: customer-web, from: customer, to: web, protocol: https, authentication: password }
    /// ```
    ///
    /// ## Mitigations
    /// - Limit sign-in attempts per account and per source, with growing delays, and detect distributed attempts.
    /// - Offer or require a second factor; check new passwords against known breached ones.
    ///
    /// ## References
    /// - CWE-307: Improper Restriction of Excessive Authentication Attempts
    /// - CAPEC-600: Credential Stuffing
    /// - CAPEC-49: Password Brute Forcing
    /// - OWASP ASVS 2.2 General Authenticator Security
    pub CredentialStuffing {
        code: "S009",
        name: "credential-stuffing",
        stride: Spoofing,
        summary: "an internet-facing password sign-in has no rate limiting and no second factor",
        cwe: [307],
        capec: [600, 49],
        frequency: (0.01, 0.1),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c)
                || node.raw.kind == ComponentKind::ExternalEntity
                || node.raw.rate_limited == Some(true)
                || node.raw.mfa == Some(true)
                || !internet_reachable(estate, c)
            {
                continue;
            }
            let password = first_flow(
                estate,
                node.incoming.iter().copied().filter(|&f| estate[f].raw.authentication == Some(Authentication::Password)),
            );
            let Some(f) = password else { continue };
            let name = label(estate, c, node.system);
            let reach = if node.raw.internet_facing { "is internet-facing" } else { "is in a zone of trust 0" };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{name} {reach}"))
                    .fact(format!("flow {} uses `authentication: password`", flow_label(estate, f)))
                    .fact(format!(
                        "{name} has {} and {}",
                        if node.raw.rate_limited.is_some() { "`rate_limited: false`" } else { "no `rate_limited`" },
                        if node.raw.mfa.is_some() { "`mfa: false`" } else { "no `mfa`" }
                    )),
            );
        }
    }
}
