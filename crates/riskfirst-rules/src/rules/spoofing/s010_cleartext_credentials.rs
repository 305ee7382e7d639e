//! S010 cleartext-credentials.

use riskfirst_model::format::Authentication;

use crate::facts::{crosses_boundary, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{auth_name, flow_in_scope};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that send a reusable credential (a password, an API key,
    /// a bearer token, an OAuth 2.0, OIDC or SAML token) over a connection
    /// that is not encrypted (no TLS, no VPN). Session cookies are S008;
    /// mutual TLS, certificates, Kerberos and IAM signing do not send a
    /// reusable secret and are not flagged.
    ///
    /// ## Why is this bad?
    /// Whoever sees the traffic keeps the credential and uses it later, from
    /// anywhere, as the legitimate caller. A password or a key captured once
    /// stays valid until someone notices and rotates it.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: job, kind: process, technology: batch-job, zone: private }
    ///   - { id: api, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: job-api, from: job, to: api, protocol: http, authentication: api-key }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: job, kind: process, technology: batch-job, zone: private }
    ///   - { id: api, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: job-api, from: job, to: api, protocol: https, authentication: api-key }
    /// ```
    ///
    /// ## Mitigations
    /// - Encrypt every connection that carries a credential (TLS with certificate verification).
    /// - Prefer credentials that cannot be replayed: mutual TLS, request signing, short-lived tokens bound to the client.
    ///
    /// ## References
    /// - CWE-523: Unprotected Transport of Credentials
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - CAPEC-157: Sniffing Attacks
    /// - CAPEC-560: Use of Known Domain Credentials
    pub CleartextCredentials {
        code: "S010",
        name: "cleartext-credentials",
        stride: Spoofing,
        summary: "a reusable credential crosses the network without encryption",
        cwe: [523, 319],
        capec: [157, 560],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f) || flow.encrypted || flow.raw.vpn {
                continue;
            }
            let Some(auth) = flow.raw.authentication else { continue };
            let replayable = matches!(
                auth,
                Authentication::Password
                    | Authentication::ApiKey
                    | Authentication::Token
                    | Authentication::Oauth2
                    | Authentication::Oidc
                    | Authentication::Saml
            );
            if !replayable {
                continue;
            }
            let mut finding = Finding::new(flow.system, vec![Element::Flow(f)])
                .fact(format!("flow {} uses `authentication: {}`", flow_label(estate, f), auth_name(auth)))
                .fact(format!("it uses protocol `{}` without TLS or VPN", flow.raw.protocol.value));
            if let Some((a, b)) = crosses_boundary(estate, f) {
                finding = finding.fact(format!("it crosses `{a} → {b}`"));
            }
            out.push(finding);
        }
    }
}
