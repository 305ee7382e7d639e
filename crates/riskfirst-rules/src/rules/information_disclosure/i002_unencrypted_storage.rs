//! I002 unencrypted-storage.

use riskfirst_model::format::Classification;

use crate::facts::data_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    flag_phrase, own_in_scope, stored_at_least, CLIENTS,
};
use crate::rules::spoofing::helpers::{is_category, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds components that store confidential or restricted data without
    /// encryption at rest (`encrypted_at_rest` is `false` or not declared).
    /// People's devices are left to I015.
    ///
    /// ## Why is this bad?
    /// Disks, snapshots and database files get copied: a stolen backup tape,
    /// a decommissioned drive, a storage volume shared by mistake, or an
    /// attacker with file-system access on the host. Without encryption at
    /// rest every copy is readable by whoever holds it.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards], encrypted_at_rest: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Turn on storage encryption (RDS, EBS and S3 encryption, Transparent Data Encryption) with keys in a KMS.
    /// - Encrypt the most sensitive fields in the application, so that database administrators do not see them.
    ///
    /// ## References
    /// - CWE-311: Missing Encryption of Sensitive Data
    /// - CWE-312: Cleartext Storage of Sensitive Information
    /// - OWASP ASVS 6.1 Data Classification, 6.2 Algorithms
    pub UnencryptedStorage {
        code: "I002",
        name: "unencrypted-storage",
        stride: InformationDisclosure,
        summary: "sensitive data is stored without encryption at rest",
        cwe: [311, 312],
        capec: [],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || node.raw.encrypted_at_rest == Some(true) || is_category(estate, c, CLIENTS) {
                continue;
            }
            let Some(d) = stored_at_least(estate, c, Classification::Confidential) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} stores {} without encryption at rest", label(estate, c, node.system), data_label(estate, d)))
                    .fact(format!("it {}", flag_phrase("encrypted_at_rest", node.raw.encrypted_at_rest))),
            );
        }
    }
}
