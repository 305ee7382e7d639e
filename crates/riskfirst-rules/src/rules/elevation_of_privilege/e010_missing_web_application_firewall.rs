//! E010 missing-web-application-firewall.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::{ComponentIdx, Estate, FlowIdx};

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    flag_phrase, flow_key, own_in_scope, reached_from_internet, EDGE, WEB,
};
use crate::rules::spoofing::helpers::{is_category, label, technology};

/// The flow's sender filters what it forwards: it is a WAF, or declares `waf: true`.
fn filtered(estate: &Estate, f: FlowIdx) -> bool {
    let from = estate[f].from;
    estate[from].category == TechCategory::Waf || estate[from].raw.waf == Some(true)
}

/// How unfiltered internet traffic reaches `c`, as a fact.
fn unfiltered_path(estate: &Estate, c: ComponentIdx) -> Option<String> {
    let node = &estate[c];
    let name = label(estate, c, node.system);
    // A direct flow from the internet that no WAF filters.
    if let Some(f) = node
        .incoming
        .iter()
        .copied()
        .filter(|&f| estate.zone_of(estate[f].from).trust() == 0 && !filtered(estate, f))
        .min_by_key(|&f| flow_key(estate, f))
    {
        return Some(format!(
            "flow {} reaches it from zone `{}` (trust 0)",
            flow_label(estate, f),
            estate.zone_of(estate[f].from).id()
        ));
    }
    // One hop through an edge component (load balancer, proxy, gateway, CDN) the internet reaches, without a WAF.
    if let Some(f) = node
        .incoming
        .iter()
        .copied()
        .filter(|&f| {
            let from = estate[f].from;
            is_category(estate, from, EDGE)
                && !filtered(estate, f)
                && reached_from_internet(estate, from)
        })
        .min_by_key(|&f| flow_key(estate, f))
    {
        let edge = estate[f].from;
        return Some(format!(
            "the internet reaches it through {} (`{}`), which has no waf",
            label(estate, edge, node.system),
            technology(estate, edge)
        ));
    }
    // Declared internet-facing, with no filtered way in modelled.
    if node.incoming.iter().any(|&f| filtered(estate, f)) {
        return None;
    }
    if node.raw.internet_facing {
        return Some(format!("{name} is internet-facing"));
    }
    let zone = estate.zone_of(c);
    (zone.trust() == 0).then(|| format!("{name} is in zone `{}` (trust 0)", zone.id()))
}

crate::declare_rule! {
    /// ## What it does
    /// Finds web applications, APIs and web servers you run (not
    /// `third_party`) that take traffic from the internet with no web
    /// application firewall on the way: the component has no `waf: true`,
    /// and the traffic comes straight from a zone of trust 0 or through a
    /// load balancer, proxy, gateway or CDN that is neither a WAF nor marked
    /// `waf: true`.
    ///
    /// ## Why is this bad?
    /// Internet-facing web code receives a constant stream of automated
    /// attacks: injection, deserialization and template payloads, known
    /// framework exploits, path traversal. A WAF blocks the bulk of them and
    /// buys time to patch when a new exploit appears; without it the first
    /// unpatched bug is remote code execution on your server.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: shop, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    /// flows:
    ///   - { id: user-shop, from: user, to: shop, protocol: https }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: edge, kind: process, technology: cdn, zone: internet, waf: true }
    ///   - { id: shop, kind: process, technology: web-application, zone: dmz }
    /// flows:
    ///   - { id: user-edge, from: user, to: edge, protocol: https }
    ///   - { id: edge-shop, from: edge, to: shop, protocol: https }
    /// ```
    ///
    /// ## Mitigations
    /// - Put a managed WAF (AWS WAF, Cloudflare, Azure Front Door) with the core rule set in front of every internet-facing web application and API.
    /// - Make it the only way in: allow traffic to the origin only from the WAF.
    ///
    /// ## References
    /// - CWE-693: Protection Mechanism Failure
    /// - OWASP ModSecurity Core Rule Set
    /// - OWASP ASVS 1.14 Configuration Architecture
    pub MissingWebApplicationFirewall {
        code: "E010",
        name: "missing-web-application-firewall",
        stride: ElevationOfPrivilege,
        summary: "an internet-facing web application has no web application firewall in front",
        cwe: [693],
        capec: [],
        frequency: (0.01, 0.1),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.waf == Some(true) || node.raw.third_party || !own_in_scope(estate, c) || !is_category(estate, c, WEB) {
                continue;
            }
            let Some(path) = unfiltered_path(estate, c) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} is a web service (`{}`) that {}",
                        label(estate, c, node.system),
                        technology(estate, c),
                        flag_phrase("waf", node.raw.waf)
                    ))
                    .fact(path),
            );
        }
    }
}
