//! T093 unnecessary-technical-asset.

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components that process nothing, store nothing, and whose flows
    /// carry no data either. A model failure.
    ///
    /// ## Why is this bad?
    /// A component that touches no data is either not needed, and is attack
    /// surface to remove (an old server nobody switched off), or the model
    /// leaves out what it handles, so no data-driven rule weighs it.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: old-ftp, kind: process, technology: sftp-server, zone: dmz }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: reports, name: Reports, classification: internal }
    /// components:
    ///   - { id: old-ftp, kind: process, technology: sftp-server, zone: dmz, stores: [reports] }
    /// ```
    ///
    /// ## Mitigations
    /// - Decommission the component if nothing needs it.
    /// - Otherwise list the data it processes or stores.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    /// - CWE-1125: Excessive Attack Surface
    pub UnnecessaryTechnicalAsset {
        code: "T093",
        name: "unnecessary-technical-asset",
        stride: Tampering,
        summary: "a component handles no data at all",
        cwe: [1059, 1125],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || !node.processes.is_empty() || !node.stores.is_empty() {
                continue;
            }
            let carries = node.incoming.iter().chain(&node.outgoing).any(|&f| !estate[f].data.is_empty());
            if carries {
                continue;
            }
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} processes and stores no data", label(estate, c, node.system)))
                    .fact("none of its flows carries data"),
            );
        }
    }
}
