//! S001 missing-authentication.

use riskfirst_model::format::{Classification, ComponentKind};

use crate::facts::{crosses_into_more_trust, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{
    carries_fact, flow_in_scope, holds_fact, is_forwarder, kind_word, label, missing_authentication,
};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows into a process or a datastore that do not authenticate the
    /// caller, when the caller sits in a less trusted zone, or when restricted
    /// data is at stake even inside one zone. Flows from external entities are
    /// left to S006, and load balancers, reverse proxies, WAFs and CDNs, which
    /// only forward traffic, are skipped.
    ///
    /// ## Why is this bad?
    /// Without authentication the receiver cannot tell its legitimate caller
    /// from anything else that can reach it. An attacker who gets a foothold in
    /// the less trusted zone, or any compromised neighbour in the same zone,
    /// talks to the service as if it were the real caller and reads or
    /// changes what that caller may.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: orders, name: Orders, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [orders] }
    ///   - { id: api, kind: process, technology: api, zone: private, processes: [orders] }
    /// flows:
    ///   - { id: web-api, from: web, to: api, protocol: https, data: [orders] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: orders, name: Orders, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [orders] }
    ///   - { id: api, kind: process, technology: api, zone: private, processes: [orders] }
    /// flows:
    ///   - { id: web-api, from: web, to: api, protocol: https, authentication: mtls, data: [orders] }
    /// ```
    ///
    /// ## Mitigations
    /// - Authenticate every caller: mutual TLS, signed tokens (OAuth 2.0 client credentials) or cloud IAM.
    /// - Inside a zone, authenticate services that handle restricted data too (zero trust).
    ///
    /// ## References
    /// - CWE-306: Missing Authentication for Critical Function
    /// - CAPEC-115: Authentication Bypass
    /// - OWASP ASVS 1.2 Authentication Architecture
    pub MissingAuthentication {
        code: "S001",
        name: "missing-authentication",
        stride: Spoofing,
        summary: "a process or datastore accepts calls without authenticating the caller",
        cwe: [306],
        capec: [115],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let target = &estate[flow.to];
            if !flow_in_scope(estate, f)
                || target.raw.kind == ComponentKind::ExternalEntity
                || estate[flow.from].raw.kind == ComponentKind::ExternalEntity
                || is_forwarder(estate, flow.to)
                || flow.raw.protocol.value == "in-process"
            {
                continue;
            }
            let Some(how) = missing_authentication(flow) else { continue };
            let crossing = crosses_into_more_trust(estate, f);
            let restricted = carries_fact(estate, f, Classification::Restricted)
                .or_else(|| holds_fact(estate, flow.to, flow.system, Classification::Restricted));
            if crossing.is_none() && restricted.is_none() {
                continue;
            }
            let mut finding = Finding::new(flow.system, vec![Element::Flow(f)])
                .fact(format!("flow {} {how}", flow_label(estate, f)))
                .fact(format!("{} is a {}", label(estate, flow.to, flow.system), kind_word(target.raw.kind)));
            if let Some((a, b)) = crossing {
                finding = finding.fact(format!("it crosses `{a} → {b}` into more trust"));
            }
            if let Some(fact) = restricted {
                finding = finding.fact(fact);
            }
            out.push(finding);
        }
    }
}
