//! E005 admin-interface-not-isolated.

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    admin_interface_fact, crossing_fact, flow_from_less_trust, own_in_scope, reached_from_internet,
};

crate::declare_rule! {
    /// ## What it does
    /// Finds administration interfaces (`admin_interface: true`, or an admin
    /// console) called from a less trusted zone that is not the internet
    /// (those are E004's), such as an application zone reaching into the
    /// admin zone.
    ///
    /// ## Why is this bad?
    /// The admin plane is where one session changes everything. When
    /// ordinary workloads can reach it, an attacker who compromises any of
    /// them (the usual first step) can attack the admin interface from
    /// inside, past the controls that keep it away from the internet.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: console, kind: process, technology: admin-console, zone: admin }
    /// flows:
    ///   - { id: web-console, from: web, to: console, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: operator, kind: external-entity, technology: browser, zone: admin, human_use: true }
    ///   - { id: console, kind: process, technology: admin-console, zone: admin }
    /// flows:
    ///   - { id: operator-console, from: operator, to: console, protocol: https, authentication: oidc }
    /// ```
    ///
    /// ## Mitigations
    /// - Allow connections to admin interfaces only from the admin zone (a bastion, a privileged access workstation, a zero-trust proxy).
    /// - If a service must call an admin API, give it a narrow, separate API rather than the administrators' interface.
    ///
    /// ## References
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - CWE-284: Improper Access Control
    /// - CAPEC-1: Accessing Functionality Not Properly Constrained by ACLs
    pub AdminInterfaceNotIsolated {
        code: "E005",
        name: "admin-interface-not-isolated",
        stride: ElevationOfPrivilege,
        summary: "an administration interface is reachable from a less trusted zone",
        cwe: [653, 284],
        capec: [1],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || reached_from_internet(estate, c) {
                continue;
            }
            let Some(admin) = admin_interface_fact(estate, c, node.system) else { continue };
            let Some(f) = flow_from_less_trust(estate, c) else { continue };
            out.push(Finding::new(node.system, vec![Element::Component(c)]).fact(admin).fact(crossing_fact(estate, f)));
        }
    }
}
