//! R004 unattributable-changes.

use riskfirst_model::format::{Classification, ComponentKind};

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{
    carries_fact, flow_in_scope, holds_fact, is_forwarder, missing_authentication,
};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that may change something (not `readonly`) in a process
    /// or datastore holding confidential or restricted data, or that carry
    /// such data, without authenticating the caller.
    ///
    /// ## Why is this bad?
    /// A change made by an unidentified caller cannot be attributed: the log,
    /// if there is one, records that something changed but not who changed
    /// it. A disputed order, a corrupted record or a fraudulent transfer can
    /// then be denied by anyone, and nobody can be held to it.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: ledger, name: Ledger, classification: confidential, business_risks: [fraud] }
    /// components:
    ///   - { id: batch, kind: process, technology: batch-job, zone: private }
    ///   - { id: books, kind: datastore, technology: postgresql, zone: private, stores: [ledger] }
    /// flows:
    ///   - { id: batch-books, from: batch, to: books, protocol: postgres, tls: true, data: [ledger] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: ledger, name: Ledger, classification: confidential, business_risks: [fraud] }
    /// components:
    ///   - { id: batch, kind: process, technology: batch-job, zone: private }
    ///   - { id: books, kind: datastore, technology: postgresql, zone: private, stores: [ledger] }
    /// flows:
    ///   - { id: batch-books, from: batch, to: books, protocol: postgres, tls: true, authentication: certificate, data: [ledger] }
    /// ```
    ///
    /// ## Mitigations
    /// - Authenticate every caller that can change sensitive data, with an identity of its own.
    /// - Record the caller's identity with every change (audit columns, an append-only event log).
    ///
    /// ## References
    /// - CWE-778: Insufficient Logging
    /// - CWE-306: Missing Authentication for Critical Function
    /// - CAPEC-268: Audit Log Manipulation
    pub UnattributableChanges {
        code: "R004",
        name: "unattributable-changes",
        stride: Repudiation,
        summary: "sensitive data can be changed by callers nobody can identify",
        cwe: [778, 306],
        capec: [268],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f)
                || flow.raw.readonly
                || estate[flow.to].raw.kind == ComponentKind::ExternalEntity
                || is_forwarder(estate, flow.to)
            {
                continue;
            }
            let Some(how) = missing_authentication(flow) else { continue };
            let sensitive = holds_fact(estate, flow.to, flow.system, Classification::Confidential)
                .or_else(|| carries_fact(estate, f, Classification::Confidential));
            let Some(sensitive) = sensitive else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} {how}", flow_label(estate, f)))
                    .fact("the flow is not `readonly`")
                    .fact(sensitive),
            );
        }
    }
}
