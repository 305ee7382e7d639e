//! T006 path-traversal.

use riskfirst_model::catalog::TechCategory;

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label, technology};
use crate::rules::tampering::helpers::exposed_custom_sender;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows from a process running custom code, which less trusted
    /// callers reach, to file storage (a file server, a network file system,
    /// an SFTP server) or over a file protocol (`nfs`, `smb`, `local-file`).
    ///
    /// ## Why is this bad?
    /// Code that builds a file path from input (a document name, an upload
    /// name) can be steered with `../` or absolute paths to read or overwrite
    /// files outside the intended folder: configuration with secrets, other
    /// customers' documents, or code that the server later runs.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: docs, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: share, kind: datastore, technology: file-server, zone: private }
    /// flows:
    ///   - { id: docs-share, from: docs, to: share, protocol: smb, authentication: kerberos }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: docs, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: share, kind: datastore, technology: file-server, zone: private }
    ///   - { id: indexer, kind: process, technology: batch-job, zone: private }
    /// flows:
    ///   - { id: indexer-share, from: indexer, to: share, protocol: smb, authentication: kerberos }
    /// ```
    ///
    /// ## Mitigations
    /// - Never build paths from input: map input to identifiers and look up the path server-side.
    /// - Canonicalise and check that the result stays under the base directory; run with access to that directory only.
    ///
    /// ## References
    /// - CWE-22: Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')
    /// - CAPEC-126: Path Traversal
    /// - OWASP ASVS 12.3 File Execution
    pub PathTraversal {
        code: "T006",
        name: "path-traversal",
        stride: Tampering,
        summary: "input from less trusted callers can steer the file paths custom code opens",
        cwe: [22],
        capec: [126],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let protocol = flow.raw.protocol.value.as_str();
            let by_technology = is_category(estate, flow.to, &[TechCategory::FileStorage]);
            if !by_technology && !matches!(protocol, "nfs" | "smb" | "local-file") {
                continue;
            }
            let Some([custom, exposed]) = exposed_custom_sender(estate, f) else { continue };
            let target = if by_technology {
                format!("{} is file storage (`{}`)", label(estate, flow.to, flow.system), technology(estate, flow.to))
            } else {
                format!("{} is reached over `{protocol}`", label(estate, flow.to, flow.system))
            };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} opens files", flow_label(estate, f)))
                    .fact(target)
                    .fact(custom)
                    .fact(exposed),
            );
        }
    }
}
