//! E004 admin-interface-exposed-to-internet.

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    admin_interface_fact, internet_fact, own_in_scope,
};

crate::declare_rule! {
    /// ## What it does
    /// Finds administration interfaces (`admin_interface: true`, or an admin
    /// console) that the internet reaches: the component is internet-facing,
    /// in a zone of trust 0, or called from one.
    ///
    /// ## Why is this bad?
    /// Admin interfaces change users, configuration and data for everyone,
    /// and are found by scanners within hours of going online. Every
    /// password-spraying bot and every unpatched bug of the admin panel is
    /// then one step from full control.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: cms, kind: process, technology: web-application, zone: dmz, internet_facing: true, admin_interface: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: cms, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: cms-admin, kind: process, technology: web-application, zone: admin, admin_interface: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Serve administration on a separate host or port reachable only from an admin network, a VPN or a zero-trust access proxy.
    /// - Require a second factor and single sign-on for every administrator.
    ///
    /// ## References
    /// - CWE-668: Exposure of Resource to Wrong Sphere
    /// - CWE-284: Improper Access Control
    /// - CAPEC-1: Accessing Functionality Not Properly Constrained by ACLs
    /// - OWASP ASVS 4.3 Other Access Control Considerations
    pub AdminInterfaceExposedToInternet {
        code: "E004",
        name: "admin-interface-exposed-to-internet",
        stride: ElevationOfPrivilege,
        summary: "an administration interface is reachable from the internet",
        cwe: [668, 284],
        capec: [1],
        frequency: (0.01, 0.1),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) {
                continue;
            }
            let Some(admin) = admin_interface_fact(estate, c, node.system) else { continue };
            let Some(exposure) = internet_fact(estate, c, node.system) else { continue };
            out.push(Finding::new(node.system, vec![Element::Component(c)]).fact(admin).fact(exposure));
        }
    }
}
