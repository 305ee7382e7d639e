//! T095 wrong-communication-link-content.

use riskfirst_model::catalog::{protocol_is_sql, TechCategory};

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{flow_in_scope, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows whose protocol does not fit the component they go to: an
    /// SQL protocol to something that is not an SQL database, `mongodb` or
    /// `cassandra` to something that is not a NoSQL database, `ldap` to
    /// something that is not a directory, `smtp` to something that is not a
    /// mail service. Targets of unknown technology are left to T094. A model
    /// failure.
    ///
    /// ## Why is this bad?
    /// One of the two facts is wrong. Either the target is not what the model
    /// says (and rules judge the wrong technology), or the flow goes
    /// somewhere else than drawn: a connection that bypasses the service in
    /// front of the database, for instance. Threats follow the model, so a
    /// wrong link hides real ones.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: api, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: web-api, from: web, to: api, protocol: postgres, tls: true, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: api, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: web-api, from: web, to: api, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Mitigations
    /// - Correct the protocol or the target's technology so that they match the system as deployed.
    /// - If a flow really bypasses a service to reach its database, model it as going to the database.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    pub WrongCommunicationLinkContent {
        code: "T095",
        name: "wrong-communication-link-content",
        stride: Tampering,
        summary: "a flow's protocol does not fit the component it goes to",
        cwe: [1059],
        capec: [],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        use TechCategory::*;
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let target = estate[flow.to].category;
            if !flow_in_scope(estate, f) || target == Unknown {
                continue;
            }
            let protocol = flow.raw.protocol.value.as_str();
            let expected: &[TechCategory] = if protocol_is_sql(protocol) {
                &[SqlDatabase]
            } else if matches!(protocol, "mongodb" | "cassandra") {
                &[NoSqlDatabase]
            } else if matches!(protocol, "ldap" | "ldaps") {
                &[Ldap, IdentityProvider]
            } else if matches!(protocol, "smtp" | "smtps") {
                &[Mail]
            } else {
                continue;
            };
            // A gateway or proxy in front of the database may speak its protocol.
            if expected.contains(&target) || matches!(target, Gateway | ReverseProxy | LoadBalancer) {
                continue;
            }
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} uses protocol `{protocol}`", flow_label(estate, f)))
                    .fact(format!("{} is a `{}`, which does not speak it", label(estate, flow.to, flow.system), technology(estate, flow.to))),
            );
        }
    }
}
