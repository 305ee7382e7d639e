//! D007 xml-entity-expansion.

use riskfirst_model::format::{ComponentKind, DataFormat};

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{less_trusted_fact, own_in_scope};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds processes that accept XML (`accepts: [xml]`) from less trusted
    /// callers (the internet, or a less trusted zone).
    ///
    /// ## Why is this bad?
    /// A few hundred bytes of nested entity definitions ("billion laughs")
    /// expand to gigabytes in a parser that resolves entities, and deeply
    /// nested or huge documents do the same to parsers that build a tree.
    /// One request takes the process down; no authentication is needed when
    /// the parser runs before it.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: partner, kind: external-entity, technology: api, zone: internet }
    ///   - { id: soap, kind: process, technology: web-service-soap, zone: dmz, accepts: [xml] }
    /// flows:
    ///   - { id: partner-soap, from: partner, to: soap, protocol: soap, authentication: mtls }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: partner, kind: external-entity, technology: api, zone: internet }
    ///   - { id: rest, kind: process, technology: api, zone: dmz, accepts: [json] }
    /// flows:
    ///   - { id: partner-rest, from: partner, to: rest, protocol: https, authentication: mtls }
    /// ```
    ///
    /// ## Mitigations
    /// - Disable DTDs and entity expansion in the parser (`disallow-doctype-decl`, `defusedxml`).
    /// - Limit document size, depth and parse time before parsing.
    ///
    /// ## References
    /// - CWE-776: Improper Restriction of Recursive Entity References in DTDs ('XML Entity Expansion')
    /// - CAPEC-197: Exponential Data Expansion
    /// - OWASP XML Security Cheat Sheet
    pub XmlEntityExpansion {
        code: "D007",
        name: "xml-entity-expansion",
        stride: DenialOfService,
        summary: "a process parses xml from less trusted callers",
        cwe: [776],
        capec: [197],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.kind != ComponentKind::Process || !node.raw.accepts.contains(&DataFormat::Xml) || !own_in_scope(estate, c) {
                continue;
            }
            let Some(exposure) = less_trusted_fact(estate, c, node.system) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} accepts `xml`", label(estate, c, node.system)))
                    .fact(exposure),
            );
        }
    }
}
