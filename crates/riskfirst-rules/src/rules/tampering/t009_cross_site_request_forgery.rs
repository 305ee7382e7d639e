//! T009 cross-site-request-forgery.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::Authentication;

use crate::facts::{flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, runs_custom_code};
use crate::rules::tampering::helpers::{browser_route, custom_code_fact, route_label};

crate::declare_rule! {
    /// ## What it does
    /// Finds web applications running custom code that browsers call with
    /// `authentication: session` (a cookie) on a flow that changes something
    /// (not `readonly`), directly or through load balancers, reverse proxies,
    /// WAFs or CDNs (up to four in a row) that pass the request on.
    ///
    /// ## Why is this bad?
    /// The browser attaches the session cookie to every request to the site,
    /// including requests that another site triggers. A page the victim
    /// visits can submit a form to the application, and it is executed with
    /// the victim's rights: a transfer, a changed e-mail address, a new
    /// administrator.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: customer, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: bank, kind: process, technology: web-application, zone: dmz }
    /// flows:
    ///   - { id: customer-bank, from: customer, to: bank, protocol: https, authentication: session }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: customer, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: bank, kind: process, technology: web-application, zone: dmz }
    /// flows:
    ///   - { id: customer-bank, from: customer, to: bank, protocol: https, authentication: oidc }
    /// ```
    ///
    /// ## Mitigations
    /// - Require an anti-CSRF token (synchroniser or double-submit) on every state-changing request.
    /// - Set session cookies `SameSite=Lax` or `Strict`, and check `Origin` on state-changing requests.
    ///
    /// ## References
    /// - CWE-352: Cross-Site Request Forgery (CSRF)
    /// - CAPEC-62: Cross Site Request Forgery
    /// - OWASP ASVS 4.2.2
    pub CrossSiteRequestForgery {
        code: "T009",
        name: "cross-site-request-forgery",
        stride: Tampering,
        summary: "other sites can make a browser send state-changing requests with the user's session",
        cwe: [352],
        capec: [62],
        frequency: (0.005, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c)
                || !runs_custom_code(estate, c)
                || !is_category(estate, c, &[TechCategory::WebApplication, TechCategory::WebServer])
            {
                continue;
            }
            let session = |f: riskfirst_model::FlowIdx| {
                let flow = &estate[f];
                flow.raw.authentication == Some(Authentication::Session) && !flow.raw.readonly
            };
            // Directly from a browser, or through forwarders that pass the browser's
            // session on (the cookie travels with the request).
            let Some(route) = browser_route(estate, c, session, |f| !estate[f].raw.readonly) else {
                continue;
            };
            let fact = match route.as_slice() {
                [f] => format!("flow {} from a browser uses `authentication: session`", flow_label(estate, *f)),
                [outer, rest @ ..] => format!(
                    "flow {} from a browser uses `authentication: session`, passed on by flow {}",
                    flow_label(estate, *outer),
                    route_label(estate, rest)
                ),
                [] => continue,
            };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(custom_code_fact(estate, c, node.system))
                    .fact(fact)
                    .fact("the flow is not `readonly`"),
            );
        }
    }
}
