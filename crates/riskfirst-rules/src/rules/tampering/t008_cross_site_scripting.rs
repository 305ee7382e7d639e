//! T008 cross-site-scripting.

use riskfirst_model::catalog::TechCategory;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, runs_custom_code};
use crate::rules::tampering::helpers::{browser_route, custom_code_fact, route_label};

crate::declare_rule! {
    /// ## What it does
    /// Finds web applications running custom code that browsers use: a flow
    /// comes in from a component whose technology is `browser`, directly or
    /// through load balancers, reverse proxies, WAFs or CDNs in front of it
    /// (up to four in a row).
    ///
    /// ## Why is this bad?
    /// A page that echoes input without encoding it for its context (HTML,
    /// attribute, JavaScript, URL) runs the attacker's script in the victim's
    /// browser, with the victim's session: it reads what the user sees,
    /// changes their data, and acts in their name.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: customer, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: shop, kind: process, technology: web-application, zone: dmz }
    /// flows:
    ///   - { id: customer-shop, from: customer, to: shop, protocol: https, authentication: session }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: customer, kind: external-entity, technology: mobile-app, zone: internet }
    ///   - { id: shop, kind: process, technology: api, zone: dmz }
    /// flows:
    ///   - { id: customer-shop, from: customer, to: shop, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Mitigations
    /// - Use a template engine that encodes output by context by default; sanitise any HTML users may write.
    /// - Add a strict Content Security Policy and mark session cookies `HttpOnly`.
    ///
    /// ## References
    /// - CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')
    /// - CAPEC-63: Cross-Site Scripting (XSS)
    /// - CAPEC-592: Stored XSS
    /// - OWASP ASVS 5.3 Output Encoding and Injection Prevention
    pub CrossSiteScripting {
        code: "T008",
        name: "cross-site-scripting",
        stride: Tampering,
        summary: "a web application used from browsers may run scripts injected by an attacker",
        cwe: [79],
        capec: [63, 592],
        frequency: (0.01, 0.1),
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
            let Some(route) = browser_route(estate, c, |_| true, |_| true) else { continue };
            let through = format!("browsers use it through flow {}", route_label(estate, &route));
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(custom_code_fact(estate, c, node.system))
                    .fact(through),
            );
        }
    }
}
