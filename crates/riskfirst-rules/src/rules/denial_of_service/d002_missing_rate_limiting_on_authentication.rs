//! D002 missing-rate-limiting-on-authentication.

use riskfirst_model::format::Authentication;

use crate::facts::{flow_label, internet_reachable};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{flag_phrase, flow_key, own_in_scope};
use crate::rules::spoofing::helpers::{auth_name, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds components that accept password or session sign-in from the
    /// internet (the component is internet-facing or in a zone of trust 0,
    /// or the flow comes from such a zone) and are not rate limited
    /// (`rate_limited` not `true`). S009 covers account takeover by guessing;
    /// this rule covers the service and the accounts being made unavailable.
    ///
    /// ## Why is this bad?
    /// Sign-in is the most expensive request a service answers (a slow
    /// password hash by design) and the easiest to send anonymously. A flood
    /// of attempts, or a credential-stuffing run, exhausts CPU for everyone,
    /// and account lockout turns the attempts into a way to lock real users
    /// out on purpose.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    /// flows:
    ///   - { id: user-web, from: user, to: web, protocol: https, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true, rate_limited: true }
    /// flows:
    ///   - { id: user-web, from: user, to: web, protocol: https, authentication: password }
    /// ```
    ///
    /// ## Mitigations
    /// - Rate limit sign-in per account, per source address and globally, with backoff rather than hard lockout.
    /// - Put bot detection or a challenge in front of sign-in after repeated failures.
    ///
    /// ## References
    /// - CWE-770: Allocation of Resources Without Limits or Throttling
    /// - CWE-307: Improper Restriction of Excessive Authentication Attempts
    /// - CAPEC-2: Inducing Account Lockout
    /// - CAPEC-125: Flooding
    /// - OWASP ASVS 2.2.1
    pub MissingRateLimitingOnAuthentication {
        code: "D002",
        name: "missing-rate-limiting-on-authentication",
        stride: DenialOfService,
        summary: "sign-in from the internet is not rate limited",
        cwe: [770, 307],
        capec: [2, 125],
        frequency: (0.01, 0.2),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || node.raw.rate_limited == Some(true) {
                continue;
            }
            let exposed = internet_reachable(estate, c);
            let sign_in = node
                .incoming
                .iter()
                .copied()
                .filter(|&f| {
                    let flow = &estate[f];
                    matches!(flow.raw.authentication, Some(Authentication::Password | Authentication::Session))
                        && (exposed || estate.zone_of(flow.from).trust() == 0)
                })
                .min_by_key(|&f| flow_key(estate, f));
            let Some(f) = sign_in else { continue };
            let auth = estate[f].raw.authentication.map_or("none", auth_name);
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("flow {} signs in with `{auth}` from the internet", flow_label(estate, f)))
                    .fact(format!("{} {}", label(estate, c, node.system), flag_phrase("rate_limited", node.raw.rate_limited))),
            );
        }
    }
}
