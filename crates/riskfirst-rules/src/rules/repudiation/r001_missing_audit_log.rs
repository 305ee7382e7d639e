//! R001 missing-audit-log.

use riskfirst_model::format::{Classification, ComponentKind};

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::repudiation::audit_log_phrase;
use crate::rules::spoofing::helpers::{holds_fact, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds processes and datastores that hold restricted data and do not
    /// write a tamper-evident audit log (`audit_log` not `true`).
    ///
    /// ## Why is this bad?
    /// When restricted data is read in bulk or changed, someone must be able
    /// to say who did it, when and from where: to stop it, to tell the people
    /// affected, to answer a regulator, and to hold the person to account.
    /// Without an audit trail the actor can deny it and the scope of a breach
    /// cannot be established, so it is assumed to be everything.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: health, name: Health records, classification: restricted, business_risks: [fine] }
    /// components:
    ///   - { id: records, kind: datastore, technology: postgresql, zone: private, stores: [health] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: health, name: Health records, classification: restricted, business_risks: [fine] }
    /// components:
    ///   - { id: records, kind: datastore, technology: postgresql, zone: private, stores: [health], audit_log: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Log every read of and change to restricted data with the end user's identity, time and source (pgAudit, CloudTrail data events).
    /// - Ship the log to a separate, append-only store that the audited component cannot change.
    ///
    /// ## References
    /// - CWE-778: Insufficient Logging
    /// - CWE-223: Omission of Security-relevant Information
    /// - OWASP ASVS 7.2 Log Processing
    pub MissingAuditLog {
        code: "R001",
        name: "missing-audit-log",
        stride: Repudiation,
        summary: "actions on restricted data leave no audit trail",
        cwe: [778, 223],
        capec: [],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.kind == ComponentKind::ExternalEntity {
                continue;
            }
            let Some(missing) = audit_log_phrase(node.raw.audit_log) else { continue };
            let Some(holds) = holds_fact(estate, c, node.system, Classification::Restricted) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(holds)
                    .fact(format!("{} has {missing}", label(estate, c, node.system))),
            );
        }
    }
}
