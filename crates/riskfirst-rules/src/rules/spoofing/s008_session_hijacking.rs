//! S008 session-hijacking.

use riskfirst_model::format::Authentication;

use crate::facts::{crosses_boundary, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::flow_in_scope;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that authenticate with a session (a cookie or a session
    /// token) over a connection that is not encrypted (no TLS, no VPN).
    ///
    /// ## Why is this bad?
    /// The session identifier travels in clear text with every request.
    /// Anyone on the path (open Wi-Fi, a compromised router, a host in the
    /// same zone) copies it and replays it, and from then on is the user,
    /// without ever knowing the password or passing the second factor.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: shopper, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    /// flows:
    ///   - { id: shopper-web, from: shopper, to: web, protocol: http, authentication: session }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: shopper, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    /// flows:
    ///   - { id: shopper-web, from: shopper, to: web, protocol: https, authentication: session }
    /// ```
    ///
    /// ## Mitigations
    /// - Serve the whole site over HTTPS with HSTS, and mark session cookies `Secure` and `HttpOnly`.
    /// - Bind sessions to the client where possible, expire them, and rotate the identifier at sign-in.
    ///
    /// ## References
    /// - CWE-523: Unprotected Transport of Credentials
    /// - CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute
    /// - CAPEC-102: Session Sidejacking
    /// - CAPEC-593: Session Hijacking
    /// - OWASP ASVS 3.4 Cookie-based Session Management
    pub SessionHijacking {
        code: "S008",
        name: "session-hijacking",
        stride: Spoofing,
        summary: "a session identifier travels without encryption and can be replayed",
        cwe: [523, 614],
        capec: [102, 593],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f)
                || flow.encrypted
                || flow.raw.vpn
                || flow.raw.authentication != Some(Authentication::Session)
            {
                continue;
            }
            let mut finding = Finding::new(flow.system, vec![Element::Flow(f)])
                .fact(format!("flow {} uses `authentication: session`", flow_label(estate, f)))
                .fact(format!("it uses protocol `{}` without TLS or VPN", flow.raw.protocol.value));
            if let Some((a, b)) = crosses_boundary(estate, f) {
                finding = finding.fact(format!("it crosses `{a} → {b}`"));
            }
            out.push(finding);
        }
    }
}
