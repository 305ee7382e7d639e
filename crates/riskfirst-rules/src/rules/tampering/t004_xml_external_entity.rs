//! T004 xml-external-entity.

use riskfirst_model::format::{ComponentKind, DataFormat};

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{exposure, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds processes that accept XML (`accepts: [xml]`) from callers less
    /// trusted than themselves (internet-facing, or called across a trust
    /// boundary).
    ///
    /// ## Why is this bad?
    /// Many XML parsers resolve external entities and document type
    /// definitions by default. A document that declares an entity pointing at
    /// `file:///etc/passwd` or an internal URL makes the parser read local
    /// files, call internal services on the attacker's behalf, or expand
    /// entities until memory runs out.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: soap, kind: process, technology: web-service-soap, zone: dmz, internet_facing: true, accepts: [xml] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: soap, kind: process, technology: web-service-soap, zone: dmz, internet_facing: true, accepts: [json] }
    /// ```
    ///
    /// ## Mitigations
    /// - Disable DTDs and external entity resolution in every XML parser (OWASP XXE Prevention Cheat Sheet).
    /// - Prefer JSON where the protocol allows; validate XML against a schema without fetching it.
    ///
    /// ## References
    /// - CWE-611: Improper Restriction of XML External Entity Reference
    /// - CWE-776: Improper Restriction of Recursive Entity References in DTDs ('XML Entity Expansion')
    /// - CAPEC-201: Serialized Data External Linking
    /// - CAPEC-221: Data Serialization External Entities Blowup
    pub XmlExternalEntity {
        code: "T004",
        name: "xml-external-entity",
        stride: Tampering,
        summary: "a process parses xml from less trusted callers",
        cwe: [611, 776],
        capec: [201, 221],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.kind != ComponentKind::Process || !node.raw.accepts.contains(&DataFormat::Xml) {
                continue;
            }
            let Some(exposed) = exposure(estate, c, node.system) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} accepts `xml`", label(estate, c, node.system)))
                    .fact(exposed),
            );
        }
    }
}
