//! T090 unnecessary-data-asset.

use crate::facts::data_label;
use crate::rule::{Element, Finding};

crate::declare_rule! {
    /// ## What it does
    /// Finds data assets that no component processes or stores and no flow
    /// carries. A model failure: the validator warns about the same thing
    /// (W014); as a threat it can be triaged, owned and accepted like any
    /// other.
    ///
    /// ## Why is this bad?
    /// Either the data is no longer needed, and keeping it around (in backups,
    /// old tables, exports) is exposure without purpose; or it is still used
    /// and the model does not say where, so no rule sees the places where it
    /// could be changed or leaked.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: legacy-export, name: Legacy export, classification: confidential }
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: legacy-export, name: Legacy export, classification: confidential }
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, processes: [legacy-export] }
    /// ```
    ///
    /// ## Mitigations
    /// - Delete data that is no longer needed (and its copies), then remove it from the model.
    /// - Otherwise say which components process or store it and which flows carry it.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    /// - OWASP Threat Modeling Process: data flow completeness
    pub UnnecessaryDataAsset {
        code: "T090",
        name: "unnecessary-data-asset",
        stride: Tampering,
        summary: "a data asset is not processed, stored or carried by anything in the model",
        cwe: [1059],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        let mut used = vec![false; estate.data.len()];
        for node in &estate.components {
            for d in node.processes.iter().chain(&node.stores) {
                used[d.index()] = true;
            }
        }
        for flow in &estate.flows {
            for d in &flow.data {
                used[d.index()] = true;
            }
        }
        for d in estate.data_indices() {
            if used[d.index()] {
                continue;
            }
            out.push(
                Finding::new(estate[d].system, vec![Element::Data(d)])
                    .fact(format!("data asset {} is not processed or stored by any component", data_label(estate, d)))
                    .fact("no flow carries it"),
            );
        }
    }
}
