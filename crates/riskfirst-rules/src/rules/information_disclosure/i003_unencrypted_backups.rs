//! I003 unencrypted-backups.

use riskfirst_model::format::Classification;

use crate::facts::{data_label, held_data};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{most_sensitive, own_in_scope};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components whose backups or snapshots are not encrypted
    /// (`backups: { encrypted: false }`) while they hold confidential or
    /// restricted data.
    ///
    /// ## Why is this bad?
    /// Backups hold everything, live longer than the data they copy, and are
    /// kept in places with weaker controls: another account, a storage bucket,
    /// a tape vault, a vendor. A snapshot shared by mistake or a backup bucket
    /// that an old key can still read discloses the whole store at once, even
    /// when the live database is encrypted.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards],
    ///       encrypted_at_rest: true, backups: { encrypted: false } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards],
    ///       encrypted_at_rest: true, backups: { encrypted: true } }
    /// ```
    ///
    /// ## Mitigations
    /// - Encrypt backups and snapshots with a key separate from the live system's (AWS Backup vault keys, encrypted RDS snapshots).
    /// - Keep backups in a separate account with restricted, audited access, and never share snapshots publicly.
    ///
    /// ## References
    /// - CWE-311: Missing Encryption of Sensitive Data
    /// - CWE-530: Exposure of Backup File to an Unauthorized Control Sphere
    /// - OWASP ASVS 8.1 General Data Protection
    pub UnencryptedBackups {
        code: "I003",
        name: "unencrypted-backups",
        stride: InformationDisclosure,
        summary: "backups or snapshots of sensitive data are not encrypted",
        cwe: [311, 530],
        capec: [],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            let Some(backups) = node.raw.backups else { continue };
            if backups.encrypted || !own_in_scope(estate, c) {
                continue;
            }
            let Some(d) = most_sensitive(estate, &held_data(estate, c), Classification::Confidential) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} has backups that are not encrypted (`backups: {{ encrypted: false }}`)", label(estate, c, node.system)))
                    .fact(format!("they hold {}", data_label(estate, d))),
            );
        }
    }
}
