//! D006 missing-backups.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::Classification;

use crate::facts::data_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{own_in_scope, stored_at_least, CLIENTS};
use crate::rules::spoofing::helpers::{is_category, label};

/// Stores whose content is transient by design: rebuilt or re-sent, not restored.
const TRANSIENT: &[TechCategory] = &[TechCategory::Cache, TechCategory::MessageQueue];

crate::declare_rule! {
    /// ## What it does
    /// Finds components that store confidential or restricted data and
    /// declare no `backups`. Caches, queues and people's devices are skipped.
    ///
    /// ## Why is this bad?
    /// Without a backup, ransomware, a destructive attacker, a faulty
    /// migration or an operator's mistake destroys the data for good: the
    /// business loses the records themselves, not just time. Backups that
    /// are not declared are also backups nobody has tested.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: orders, name: Orders, classification: confidential, business_risks: [outage] }
    /// components:
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [orders], encrypted_at_rest: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: orders, name: Orders, classification: confidential, business_risks: [outage] }
    /// components:
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [orders], encrypted_at_rest: true,
    ///       backups: { encrypted: true } }
    /// ```
    ///
    /// ## Mitigations
    /// - Back up automatically, keep copies immutable and in another account or region, and test restores regularly.
    /// - Turn on point-in-time recovery and deletion protection where the service offers them.
    ///
    /// ## References
    /// - CWE-693: Protection Mechanism Failure
    /// - NIST SP 800-53 CP-9 System Backup
    pub MissingBackups {
        code: "D006",
        name: "missing-backups",
        stride: DenialOfService,
        summary: "sensitive data is stored without backups",
        cwe: [693],
        capec: [],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.backups.is_some()
                || !own_in_scope(estate, c)
                || is_category(estate, c, TRANSIENT)
                || is_category(estate, c, CLIENTS)
            {
                continue;
            }
            let Some(d) = stored_at_least(estate, c, Classification::Confidential) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} stores {} and declares no `backups`", label(estate, c, node.system), data_label(estate, d))),
            );
        }
    }
}
