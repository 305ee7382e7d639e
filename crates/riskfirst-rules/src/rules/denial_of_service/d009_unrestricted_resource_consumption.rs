//! D009 unrestricted-resource-consumption.

use riskfirst_model::catalog::TechCategory;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    flag_phrase, internet_fact, own_in_scope, WEB,
};
use crate::rules::spoofing::helpers::{is_category, label, technology};

/// Where requests from the internet first land and can be limited.
const ENTRY: &[TechCategory] = &[
    TechCategory::WebApplication,
    TechCategory::WebServer,
    TechCategory::Api,
    TechCategory::Gateway,
    TechCategory::ReverseProxy,
    TechCategory::LoadBalancer,
];

crate::declare_rule! {
    /// ## What it does
    /// Finds the entry points of internet traffic (web applications, APIs,
    /// web servers, gateways, reverse proxies, load balancers that the
    /// internet reaches directly) that are not rate limited (`rate_limited`
    /// not `true`). CDNs and WAFs are skipped: absorbing traffic is their job.
    ///
    /// ## Why is this bad?
    /// Anyone can send requests as fast as their bots allow: application
    /// layer floods, scrapers, enumeration of ids, expensive searches and
    /// exports. Without limits the service slows for everyone, and
    /// pay-per-use backends (serverless, third-party APIs, SMS) turn the
    /// flood into a bill.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: dmz, internet_facing: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: dmz, internet_facing: true, rate_limited: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Rate limit per client and per operation at the edge (API gateway usage plans, WAF rate-based rules).
    /// - Bound every request: pagination limits, timeouts, maximum body size, query complexity limits.
    ///
    /// ## References
    /// - CWE-770: Allocation of Resources Without Limits or Throttling
    /// - CAPEC-125: Flooding
    /// - OWASP API Security Top 10 2023 API4 Unrestricted Resource Consumption
    pub UnrestrictedResourceConsumption {
        code: "D009",
        name: "unrestricted-resource-consumption",
        stride: DenialOfService,
        summary: "an internet entry point has no rate limiting",
        cwe: [770],
        capec: [125],
        frequency: (0.02, 0.3),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.rate_limited == Some(true) || !own_in_scope(estate, c) || !is_category(estate, c, ENTRY) {
                continue;
            }
            let Some(exposure) = internet_fact(estate, c, node.system) else { continue };
            let what = if is_category(estate, c, WEB) { "a web service" } else { "an edge component" };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} is {what} (`{}`) that {}",
                        label(estate, c, node.system),
                        technology(estate, c),
                        flag_phrase("rate_limited", node.raw.rate_limited)
                    ))
                    .fact(exposure),
            );
        }
    }
}
