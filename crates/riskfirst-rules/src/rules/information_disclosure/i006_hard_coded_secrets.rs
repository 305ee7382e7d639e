//! I006 hard-coded-secrets.

use riskfirst_model::format::SecretStore;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::own_in_scope;
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components whose secrets are written in their source code
    /// (`secrets: code`).
    ///
    /// ## Why is this bad?
    /// Everyone who can read the code, its history, the built artefact or a
    /// decompiled binary has the secret, and changing it needs a release.
    /// Hard-coded credentials are shared by every installation, so one
    /// disclosure opens all of them.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: worker, kind: process, technology: batch-job, zone: private, secrets: code }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: worker, kind: process, technology: batch-job, zone: private, secrets: managed }
    /// ```
    ///
    /// ## Mitigations
    /// - Move the secret to a secrets manager or a managed identity, then revoke the old one: it stays in the history.
    /// - Run a secret scanner (gitleaks, trufflehog, push protection) on every commit.
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - CAPEC-191: Read Sensitive Constants Within an Executable
    /// - CAPEC-37: Retrieve Embedded Sensitive Data
    /// - OWASP ASVS 2.10 Service Authentication
    pub HardCodedSecrets {
        code: "I006",
        name: "hard-coded-secrets",
        stride: InformationDisclosure,
        summary: "secrets are written in source code",
        cwe: [798],
        capec: [191, 37],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.secrets != Some(SecretStore::Code) || !own_in_scope(estate, c) {
                continue;
            }
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} keeps its secrets in source code (`secrets: code`)", label(estate, c, node.system))),
            );
        }
    }
}
