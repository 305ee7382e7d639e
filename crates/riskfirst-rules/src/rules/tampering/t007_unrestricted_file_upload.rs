//! T007 unrestricted-file-upload.

use riskfirst_model::format::{ComponentKind, DataFormat};

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{exposure, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds processes that accept uploaded files (`accepts: [file]`) from
    /// callers less trusted than themselves (internet-facing, or called
    /// across a trust boundary).
    ///
    /// ## Why is this bad?
    /// An uploaded file is attacker-chosen content with an attacker-chosen
    /// name. Unless type, size and content are checked, it may be a web shell
    /// the server runs, a document that exploits the parser that previews it,
    /// malware handed on to colleagues, or a name that overwrites another
    /// file.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: claims, kind: process, technology: web-application, zone: dmz, internet_facing: true, accepts: [form, file] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: claims, kind: process, technology: web-application, zone: dmz, internet_facing: true, accepts: [form] }
    /// ```
    ///
    /// ## Mitigations
    /// - Check type by content (not name), size and count; scan for malware; rename files server-side.
    /// - Store uploads outside the web root, in storage that never executes them, and serve them with `Content-Disposition: attachment`.
    ///
    /// ## References
    /// - CWE-434: Unrestricted Upload of File with Dangerous Type
    /// - CAPEC-17: Using Malicious Files
    /// - CAPEC-650: Upload a Web Shell to a Web Server
    /// - OWASP ASVS 12.1 File Upload
    pub UnrestrictedFileUpload {
        code: "T007",
        name: "unrestricted-file-upload",
        stride: Tampering,
        summary: "a process accepts uploaded files from less trusted callers",
        cwe: [434],
        capec: [17, 650],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.kind != ComponentKind::Process || !node.raw.accepts.contains(&DataFormat::File) {
                continue;
            }
            let Some(exposed) = exposure(estate, c, node.system) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} accepts `file`", label(estate, c, node.system)))
                    .fact(exposed),
            );
        }
    }
}
