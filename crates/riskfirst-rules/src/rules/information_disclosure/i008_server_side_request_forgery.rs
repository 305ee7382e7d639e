//! I008 server-side-request-forgery.

use riskfirst_model::format::{ComponentKind, Machine};

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    less_trusted_fact, name_list, own_in_scope, REQUEST_PROTOCOLS,
};
use crate::rules::spoofing::helpers::{label, runs_custom_code};

crate::declare_rule! {
    /// ## What it does
    /// Finds processes that run custom code, are called from a less trusted
    /// zone (directly, or through an internet-facing load balancer, proxy or
    /// gateway), and themselves make requests (HTTP, gRPC, GraphQL, SOAP, cloud
    /// APIs) to internal components, or run on a virtual machine or container
    /// where the cloud metadata service answers. The model cannot say whether
    /// a request URL depends on the caller's input; this rule finds where
    /// that would be dangerous, for a review of the code.
    ///
    /// ## Why is this bad?
    /// If an attacker can steer the URL (a webhook, an image fetched by URL,
    /// a PDF renderer, an XML parser), the process becomes their proxy into
    /// the internal network: it reaches admin endpoints and internal APIs that
    /// trust it, and the metadata service (`169.254.169.254`) that hands out
    /// the cloud credentials of the machine.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: billing, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: user-web, from: user, to: web, protocol: https }
    ///   - { id: web-billing, from: web, to: billing, protocol: https }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: billing, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: user-web, from: user, to: web, protocol: https }
    ///   - { id: web-billing, from: web, to: billing, protocol: amqps }
    /// ```
    ///
    /// ## Mitigations
    /// - Never fetch a URL taken from a request; if needed, allow-list destinations and resolve and check the address before connecting.
    /// - Send outgoing requests through an egress proxy that blocks internal ranges and the metadata address.
    /// - Require IMDSv2 (session tokens, hop limit 1) for the instance metadata service.
    ///
    /// ## References
    /// - CWE-918: Server-Side Request Forgery (SSRF)
    /// - CAPEC-664: Server Side Request Forgery
    /// - OWASP Top 10 2021 A10 Server-Side Request Forgery
    pub ServerSideRequestForgery {
        code: "I008",
        name: "server-side-request-forgery",
        stride: InformationDisclosure,
        summary: "a process reachable from less trusted callers makes requests an attacker could redirect",
        cwe: [918],
        capec: [664],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || !runs_custom_code(estate, c) {
                continue;
            }
            let mut internal = Vec::new();
            let mut any_request = false;
            for &f in &node.outgoing {
                let flow = &estate[f];
                if !REQUEST_PROTOCOLS.contains(&flow.raw.protocol.value.as_str()) {
                    continue;
                }
                any_request = true;
                if estate[flow.to].raw.kind != ComponentKind::ExternalEntity {
                    internal.push(label(estate, flow.to, node.system));
                }
            }
            let cloud = matches!(node.raw.machine, Some(Machine::Virtual | Machine::Container));
            if internal.is_empty() && !(any_request && cloud) {
                continue;
            }
            let Some(exposure) = less_trusted_fact(estate, c, node.system) else { continue };
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(format!("{} runs custom code", label(estate, c, node.system)))
                .fact(exposure);
            if !internal.is_empty() {
                finding = finding.fact(format!("it makes requests to internal {}", name_list(&internal)));
            }
            if any_request && cloud {
                finding = finding.fact("it makes requests from a virtual machine or container, where the cloud metadata service is reachable");
            }
            out.push(finding);
        }
    }
}
