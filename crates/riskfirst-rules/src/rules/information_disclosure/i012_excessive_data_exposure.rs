//! I012 excessive-data-exposure.

use riskfirst_model::format::{Authorization, Classification, ComponentKind};

use crate::facts::{data_label, flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::most_sensitive;
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows between an external entity and one of your components
    /// that carry restricted data while access is not decided per end user
    /// (`authorization` absent or `technical-user`). Flows with
    /// `authorization: none` are E006's.
    ///
    /// ## Why is this bad?
    /// When the service decides what to return for a technical account or a
    /// whole partner rather than for the person asking, any caller who can
    /// change an id in a request reads other people's records (broken object
    /// level authorization, the first entry of the OWASP API Top 10), and
    /// responses tend to return whole objects where a few fields would do.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: health, name: Health records, classification: restricted, personal: true, business_risks: [breach] }
    /// components:
    ///   - { id: partner, kind: external-entity, technology: api, zone: internet }
    ///   - { id: api, kind: process, technology: api, zone: dmz, processes: [health] }
    /// flows:
    ///   - { id: partner-api, from: partner, to: api, protocol: https, authentication: oauth2,
    ///       authorization: technical-user, data: [health] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: health, name: Health records, classification: restricted, personal: true, business_risks: [breach] }
    /// components:
    ///   - { id: partner, kind: external-entity, technology: api, zone: internet }
    ///   - { id: api, kind: process, technology: api, zone: dmz, processes: [health] }
    /// flows:
    ///   - { id: partner-api, from: partner, to: api, protocol: https, authentication: oauth2,
    ///       authorization: end-user, data: [health] }
    /// ```
    ///
    /// ## Mitigations
    /// - Decide access per end user and per object on every request, and test it (horizontal and vertical access tests).
    /// - Return only the fields the caller needs (response schemas, field-level filtering).
    ///
    /// ## References
    /// - CWE-213: Exposure of Sensitive Information Due to Incompatible Policies
    /// - CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
    /// - OWASP API Security Top 10 2023 API1 Broken Object Level Authorization, API3 Broken Object Property Level Authorization
    pub ExcessiveDataExposure {
        code: "I012",
        name: "excessive-data-exposure",
        stride: InformationDisclosure,
        summary: "restricted data reaches an external entity without per-user authorization",
        cwe: [213, 200],
        capec: [],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let (from, to) = (&estate[flow.from], &estate[flow.to]);
            let (external, own) = match (from.raw.kind, to.raw.kind) {
                (ComponentKind::ExternalEntity, k) if k != ComponentKind::ExternalEntity => (flow.from, flow.to),
                (k, ComponentKind::ExternalEntity) if k != ComponentKind::ExternalEntity => (flow.to, flow.from),
                _ => continue,
            };
            if !in_scope(estate, own) || !in_scope(estate, external) {
                continue;
            }
            let authz = match flow.raw.authorization {
                None => "it declares no `authorization`",
                Some(Authorization::TechnicalUser) => "it has `authorization: technical-user`",
                Some(_) => continue,
            };
            let Some(d) = most_sensitive(estate, &flow.data, Classification::Restricted) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!(
                        "flow {} carries {} between {} and external entity {}",
                        flow_label(estate, f),
                        data_label(estate, d),
                        label(estate, own, flow.system),
                        label(estate, external, flow.system)
                    ))
                    .fact(authz),
            );
        }
    }
}
