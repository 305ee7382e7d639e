//! E006 missing-authorization.

use riskfirst_model::format::{Authorization, Classification};

use crate::facts::{data_label, flow_label, held_data, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{most_sensitive, own_in_scope};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows declared with `authorization: none` into a component that
    /// handles confidential or restricted data (it processes or stores it,
    /// or the flow carries it).
    ///
    /// ## Why is this bad?
    /// Without an access decision every caller may do everything the
    /// receiver can: read any record, change any account, call admin
    /// functions. Authentication only says who is calling; a normal user, or
    /// a compromised low-value service, then acts with the receiver's full
    /// rights.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: accounts, name: Accounts, classification: confidential, business_risks: [fraud] }
    /// components:
    ///   - { id: app, kind: process, technology: web-application, zone: dmz }
    ///   - { id: ledger, kind: process, technology: api, zone: private, processes: [accounts] }
    /// flows:
    ///   - { id: app-ledger, from: app, to: ledger, protocol: https, authentication: token, authorization: none }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: accounts, name: Accounts, classification: confidential, business_risks: [fraud] }
    /// components:
    ///   - { id: app, kind: process, technology: web-application, zone: dmz }
    ///   - { id: ledger, kind: process, technology: api, zone: private, processes: [accounts] }
    /// flows:
    ///   - { id: app-ledger, from: app, to: ledger, protocol: https, authentication: token, authorization: end-user }
    /// ```
    ///
    /// ## Mitigations
    /// - Decide on every request what this caller may do with this object, deny by default, and test it.
    /// - Pass the end user's identity to the service that owns the data, so it can decide.
    ///
    /// ## References
    /// - CWE-862: Missing Authorization
    /// - CAPEC-1: Accessing Functionality Not Properly Constrained by ACLs
    /// - OWASP Top 10 2021 A01 Broken Access Control
    pub MissingAuthorization {
        code: "E006",
        name: "missing-authorization",
        stride: ElevationOfPrivilege,
        summary: "a flow into a component with sensitive data has no authorization",
        cwe: [862],
        capec: [1],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if flow.raw.authorization != Some(Authorization::None) || !own_in_scope(estate, flow.to) || !in_scope(estate, flow.from) {
                continue;
            }
            let mut data = held_data(estate, flow.to);
            data.extend_from_slice(&flow.data);
            let Some(d) = most_sensitive(estate, &data, Classification::Confidential) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} has `authorization: none`", flow_label(estate, f)))
                    .fact(format!("{} handles {}", label(estate, flow.to, flow.system), data_label(estate, d))),
            );
        }
    }
}
