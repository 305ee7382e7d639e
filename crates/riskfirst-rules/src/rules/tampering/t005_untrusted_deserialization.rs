//! T005 untrusted-deserialization.

use riskfirst_model::format::{ComponentKind, DataFormat};

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{exposure, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds processes that accept serialised objects (`accepts:
    /// [serialization]`: Java serialisation, pickle, .NET BinaryFormatter, PHP
    /// `unserialize`). It fires whoever the callers are, since a compromised
    /// neighbour in the same zone is enough; the facts say when less trusted
    /// callers reach the process too.
    ///
    /// ## Why is this bad?
    /// Deserialising an object graph runs code chosen by the data: gadget
    /// chains in common libraries turn a crafted payload into remote code
    /// execution. Whoever can send the bytes runs code inside the process
    /// with all its rights and secrets.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: legacy, kind: process, technology: api, zone: private, accepts: [serialization] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: legacy, kind: process, technology: api, zone: private, accepts: [json, protobuf] }
    /// ```
    ///
    /// ## Mitigations
    /// - Exchange data in a format that carries no code (JSON, Protocol Buffers) and map it to types explicitly.
    /// - Where native serialisation must stay, sign payloads and restrict the classes that may be created (allow-list filters).
    ///
    /// ## References
    /// - CWE-502: Deserialization of Untrusted Data
    /// - CAPEC-586: Object Injection
    /// - OWASP ASVS 5.5 Deserialization Prevention
    pub UntrustedDeserialization {
        code: "T005",
        name: "untrusted-deserialization",
        stride: Tampering,
        summary: "a process deserialises objects it receives and may run code chosen by the sender",
        cwe: [502],
        capec: [586],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c)
                || node.raw.kind != ComponentKind::Process
                || !node.raw.accepts.contains(&DataFormat::Serialization)
            {
                continue;
            }
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(format!("{} accepts `serialization`", label(estate, c, node.system)));
            if let Some(exposed) = exposure(estate, c, node.system) {
                finding = finding.fact(exposed);
            }
            out.push(finding);
        }
    }
}
