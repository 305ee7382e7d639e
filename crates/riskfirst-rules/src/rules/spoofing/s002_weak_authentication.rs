//! S002 weak-authentication.

use riskfirst_model::format::ComponentKind;

use crate::facts::{crosses_into_more_trust, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{auth_name, flow_in_scope};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that cross from a less trusted zone into a more trusted
    /// one and authenticate the caller only with a password or an API key.
    ///
    /// ## Why is this bad?
    /// A password or an API key is a shared secret: it is guessed, phished,
    /// copied out of a configuration file or a log, and then replayed from
    /// anywhere. At a trust boundary the secret is all that stands between the
    /// less trusted side and the service, and nothing binds it to the real
    /// caller.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: partner, kind: external-entity, technology: saas, zone: internet }
    ///   - { id: api, kind: process, technology: api, zone: dmz }
    /// flows:
    ///   - { id: partner-api, from: partner, to: api, protocol: https, authentication: api-key }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: partner, kind: external-entity, technology: saas, zone: internet }
    ///   - { id: api, kind: process, technology: api, zone: dmz }
    /// flows:
    ///   - { id: partner-api, from: partner, to: api, protocol: https, authentication: oauth2 }
    /// ```
    ///
    /// ## Mitigations
    /// - Use short-lived tokens (OAuth 2.0, OIDC), mutual TLS or cloud IAM across trust boundaries.
    /// - Where a static key must remain, restrict it by source address, rotate it and store it in a vault.
    ///
    /// ## References
    /// - CWE-1390: Weak Authentication
    /// - CWE-309: Use of Password System for Primary Authentication
    /// - CAPEC-560: Use of Known Domain Credentials
    /// - CAPEC-49: Password Brute Forcing
    /// - OWASP ASVS 2.10 Service Authentication
    pub WeakAuthentication {
        code: "S002",
        name: "weak-authentication",
        stride: Spoofing,
        summary: "a trust boundary is guarded only by a password or an api key",
        cwe: [1390, 309],
        capec: [560, 49],
        frequency: (0.005, 0.04),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f) || estate[flow.to].raw.kind == ComponentKind::ExternalEntity {
                continue;
            }
            let Some(auth) = flow.raw.authentication.filter(|a| a.is_weak()) else { continue };
            let Some((a, b)) = crosses_into_more_trust(estate, f) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} crosses `{a} → {b}` into more trust", flow_label(estate, f)))
                    .fact(format!("it uses `authentication: {}`", auth_name(auth))),
            );
        }
    }
}
