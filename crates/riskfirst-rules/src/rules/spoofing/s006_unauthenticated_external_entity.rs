//! S006 unauthenticated-external-entity.

use riskfirst_model::format::{Classification, ComponentKind};

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{
    carries_fact, flow_in_scope, is_client, is_forwarder, label, missing_authentication,
};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows from an external entity into a process or datastore
    /// without authentication, when the flow carries confidential or
    /// restricted data, or when a system (a partner, a SaaS, a payment
    /// provider) changes something through it (it is not `readonly`).
    /// Anonymous people browsing public content from a browser or an app are
    /// expected and do not fire.
    ///
    /// ## Why is this bad?
    /// Nothing proves the request comes from the entity the model names.
    /// Anyone who can reach the endpoint can pretend to be the partner that
    /// sends payment notifications, or the customer who places an order, and
    /// the service acts on the forged request.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: psp, kind: external-entity, technology: payment-provider, zone: internet }
    ///   - { id: webhooks, kind: process, technology: api, zone: dmz }
    /// flows:
    ///   - { id: psp-webhooks, from: psp, to: webhooks, protocol: https }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: psp, kind: external-entity, technology: payment-provider, zone: internet }
    ///   - { id: webhooks, kind: process, technology: api, zone: dmz }
    /// flows:
    ///   - { id: psp-webhooks, from: psp, to: webhooks, protocol: https, authentication: certificate }
    /// ```
    ///
    /// ## Mitigations
    /// - Authenticate partners with mutual TLS, signed requests (HMAC webhook signatures) or OAuth 2.0 client credentials.
    /// - Authenticate people before they change anything or see anything confidential.
    ///
    /// ## References
    /// - CWE-290: Authentication Bypass by Spoofing
    /// - CWE-306: Missing Authentication for Critical Function
    /// - CAPEC-151: Identity Spoofing
    pub UnauthenticatedExternalEntity {
        code: "S006",
        name: "unauthenticated-external-entity",
        stride: Spoofing,
        summary: "anyone can pretend to be an external entity that calls in without authentication",
        cwe: [290, 306],
        capec: [151],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f)
                || estate[flow.from].raw.kind != ComponentKind::ExternalEntity
                || estate[flow.to].raw.kind == ComponentKind::ExternalEntity
                || is_forwarder(estate, flow.to)
            {
                continue;
            }
            let Some(how) = missing_authentication(flow) else { continue };
            let carries = carries_fact(estate, f, Classification::Confidential);
            let machine_writes = !flow.raw.readonly && !is_client(estate, flow.from);
            if !machine_writes && carries.is_none() {
                continue;
            }
            let mut finding = Finding::new(flow.system, vec![Element::Flow(f)])
                .fact(format!("flow {} {how}", flow_label(estate, f)))
                .fact(format!("{} is an external entity", label(estate, flow.from, flow.system)));
            if machine_writes {
                finding = finding.fact("the flow is not `readonly`");
            }
            if let Some(carries) = carries {
                finding = finding.fact(carries);
            }
            out.push(finding);
        }
    }
}
