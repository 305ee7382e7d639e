//! S005 missing-identity-propagation.

use riskfirst_model::format::{Authorization, Classification, ComponentKind};

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{first_flow, flow_in_scope, holds_fact, is_client, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows into a datastore of confidential or restricted data with
    /// `authorization: technical-user`, sent by a process that serves end
    /// users (people reach it from a browser or an app, or its callers pass
    /// their end user's identity to it).
    ///
    /// ## Why is this bad?
    /// The datastore sees one technical account for every end user, so it
    /// cannot tell them apart: every request arrives with the full rights of
    /// the service. A flaw in the service's own checks (a missing ownership
    /// test, an injection) lets one user act as any other, and nothing
    /// downstream notices. The datastore trusts the service to speak for the
    /// user, which is the confused-deputy problem.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: accounts, name: Accounts, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: customer, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [accounts] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [accounts] }
    /// flows:
    ///   - { id: customer-web, from: customer, to: web, protocol: https, authentication: oidc, authorization: end-user }
    ///   - { id: web-db, from: web, to: db, protocol: postgres, tls: true, authentication: password, authorization: technical-user, data: [accounts] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: accounts, name: Accounts, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: customer, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [accounts] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [accounts] }
    /// flows:
    ///   - { id: customer-web, from: customer, to: web, protocol: https, authentication: oidc, authorization: end-user }
    ///   - { id: web-db, from: web, to: db, protocol: postgres, tls: true, authentication: token, authorization: end-user, data: [accounts] }
    /// ```
    ///
    /// ## Mitigations
    /// - Pass the end user's identity downstream (a token, a session variable for row-level security) and authorise on it.
    /// - Where a technical account must remain, give it only the rights the service needs and log the end user with every change.
    ///
    /// ## References
    /// - CWE-441: Unintended Proxy or Intermediary ('Confused Deputy')
    /// - CWE-284: Improper Access Control
    /// - CAPEC-122: Privilege Abuse
    /// - OWASP ASVS 4.1 General Access Control Design
    pub MissingIdentityPropagation {
        code: "S005",
        name: "missing-identity-propagation",
        stride: Spoofing,
        summary: "a datastore of sensitive data sees one technical user instead of the end user",
        cwe: [441, 284],
        capec: [122],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f)
                || flow.raw.authorization != Some(Authorization::TechnicalUser)
                || estate[flow.to].raw.kind != ComponentKind::Datastore
            {
                continue;
            }
            let sender = &estate[flow.from];
            let serves_end_users = first_flow(
                estate,
                sender.incoming.iter().copied().filter(|&g| {
                    is_client(estate, estate[g].from) || estate[g].raw.authorization == Some(Authorization::EndUser)
                }),
            );
            let Some(g) = serves_end_users else { continue };
            let Some(holds) = holds_fact(estate, flow.to, flow.system, Classification::Confidential) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} has `authorization: technical-user`", flow_label(estate, f)))
                    .fact(format!(
                        "{} serves end users through flow {}",
                        label(estate, flow.from, flow.system),
                        flow_label(estate, g)
                    ))
                    .fact(holds),
            );
        }
    }
}
