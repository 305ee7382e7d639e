//! T019 unguarded-direct-datastore-access.

use riskfirst_model::format::{Classification, ComponentKind};

use crate::facts::{crosses_into_more_trust, flow_label};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{flow_in_scope, holds_fact};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows straight into a datastore of confidential or restricted
    /// data from a component in a less trusted zone, with no service of the
    /// datastore's own zone in between.
    ///
    /// ## Why is this bad?
    /// The datastore's own protections (accounts, grants) are all that
    /// stands between the less trusted zone and the data. A compromise of
    /// the caller becomes direct read and write access to the store, with
    /// none of the validation and business rules that a service in front of
    /// it would apply.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: customers, name: Customers, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [customers] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers] }
    /// flows:
    ///   - { id: web-db, from: web, to: db, protocol: postgres, tls: true, authentication: password, data: [customers] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: customers, name: Customers, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [customers] }
    ///   - { id: api, kind: process, technology: api, zone: private, processes: [customers] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [customers] }
    /// flows:
    ///   - { id: web-api, from: web, to: api, protocol: https, authentication: token, data: [customers] }
    ///   - { id: api-db, from: api, to: db, protocol: postgres, tls: true, authentication: password, data: [customers] }
    /// ```
    ///
    /// ## Mitigations
    /// - Put a service in the datastore's zone in front of it, and let only that service reach the store.
    /// - Where direct access must stay, restrict it by network policy and give the caller's account the narrowest grants.
    ///
    /// ## References
    /// - CWE-501: Trust Boundary Violation
    /// - CWE-284: Improper Access Control
    /// - CAPEC-122: Privilege Abuse
    pub UnguardedDirectDatastoreAccess {
        code: "T019",
        name: "unguarded-direct-datastore-access",
        stride: Tampering,
        summary: "a less trusted zone reaches a datastore of sensitive data directly",
        cwe: [501, 284],
        capec: [122],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f) || estate[flow.to].raw.kind != ComponentKind::Datastore {
                continue;
            }
            let Some((a, b)) = crosses_into_more_trust(estate, f) else { continue };
            let Some(holds) = holds_fact(estate, flow.to, flow.system, Classification::Confidential) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} goes straight into a datastore", flow_label(estate, f)))
                    .fact(format!("it crosses `{a} → {b}` into more trust"))
                    .fact(holds),
            );
        }
    }
}
