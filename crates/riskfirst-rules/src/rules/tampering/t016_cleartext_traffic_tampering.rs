//! T016 cleartext-traffic-tampering.

use crate::facts::{crosses_boundary, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::flow_in_scope;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that cross a trust boundary (in either direction) without
    /// encryption in transit (no TLS, and no VPN). This is the integrity side
    /// of I001: it fires whatever the data's classification, because a
    /// changed price, a changed account number or an injected script matter
    /// even when the content is public.
    ///
    /// ## Why is this bad?
    /// Without TLS nothing protects the integrity of the messages either.
    /// Anyone on the path between the zones (a compromised router, ARP or DNS
    /// spoofing, a rogue proxy) changes requests and responses in flight,
    /// and both ends accept them as genuine.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: prices, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: web-prices, from: web, to: prices, protocol: http, authentication: token }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: prices, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: web-prices, from: web, to: prices, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Mitigations
    /// - Use TLS with certificate verification on every flow that crosses a trust boundary, or a service mesh with mutual TLS.
    /// - Where TLS is impossible, sign messages (HMAC, JWS) and check signatures at the receiver.
    ///
    /// ## References
    /// - CWE-924: Improper Enforcement of Message Integrity During Transmission in a Communication Channel
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - CAPEC-94: Adversary in the Middle (AiTM)
    pub CleartextTrafficTampering {
        code: "T016",
        name: "cleartext-traffic-tampering",
        stride: Tampering,
        summary: "messages crossing a trust boundary without encryption can be changed in transit",
        cwe: [924, 319],
        capec: [94],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f) || flow.encrypted || flow.raw.vpn {
                continue;
            }
            let Some((a, b)) = crosses_boundary(estate, f) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} uses protocol `{}` without TLS or VPN", flow_label(estate, f), flow.raw.protocol.value))
                    .fact(format!("it crosses `{a} → {b}`")),
            );
        }
    }
}
