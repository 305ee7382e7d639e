//! I009 unguarded-access-from-internet.

use riskfirst_model::catalog::TechCategory;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    internet_fact, own_in_scope, CLIENTS, EDGE, WEB,
};
use crate::rules::spoofing::helpers::{is_category, kind_word, label, technology};

/// Built to face the internet; their exposure is judged by other rules.
const MEANT_FOR_INTERNET: &[TechCategory] = &[
    TechCategory::Mail,
    TechCategory::Saas,
    TechCategory::PaymentProvider,
    TechCategory::IdentityProvider,
];

crate::declare_rule! {
    /// ## What it does
    /// Finds datastores and other components that are not web services
    /// (databases, caches, queues, search engines, file servers, build
    /// servers, admin tools) which the internet reaches directly: marked
    /// `internet_facing`, placed in a zone of trust 0, or called from such a
    /// zone, without a load balancer, reverse proxy, gateway or WAF in front.
    /// Web applications and APIs are left to E010 (missing WAF); edge
    /// components, mail, SaaS, payment and identity providers, clients and
    /// third-party components are skipped.
    ///
    /// ## Why is this bad?
    /// These products were not built to face hostile traffic: default
    /// accounts, unauthenticated admin ports and remote code execution bugs
    /// are found by internet-wide scanners within hours (open Elasticsearch,
    /// MongoDB and Redis instances are a classic source of breaches).
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: search, kind: datastore, technology: elasticsearch, zone: dmz, internet_facing: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: proxy, kind: process, technology: reverse-proxy, zone: dmz, internet_facing: true }
    ///   - { id: search, kind: datastore, technology: elasticsearch, zone: private }
    /// flows:
    ///   - { id: proxy-search, from: proxy, to: search, protocol: https, authentication: token }
    /// ```
    ///
    /// ## Mitigations
    /// - Put the component in a private zone and reach it through an application, a reverse proxy or a gateway that authenticates.
    /// - Restrict network access (security groups, firewall allow-lists) to known sources.
    ///
    /// ## References
    /// - CWE-668: Exposure of Resource to Wrong Sphere
    /// - CWE-284: Improper Access Control
    /// - CAPEC-310: Scanning for Vulnerable Software
    pub UnguardedAccessFromInternet {
        code: "I009",
        name: "unguarded-access-from-internet",
        stride: InformationDisclosure,
        summary: "a component that is not a web service is reachable directly from the internet",
        cwe: [668, 284],
        capec: [310],
        frequency: (0.01, 0.1),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c)
                || node.raw.third_party
                || is_category(estate, c, EDGE)
                || is_category(estate, c, WEB)
                || is_category(estate, c, CLIENTS)
                || is_category(estate, c, MEANT_FOR_INTERNET)
            {
                continue;
            }
            let Some(exposure) = internet_fact(estate, c, node.system) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} is a {} (`{}`) with no load balancer, proxy, gateway or waf in front",
                        label(estate, c, node.system),
                        kind_word(node.raw.kind),
                        technology(estate, c)
                    ))
                    .fact(exposure),
            );
        }
    }
}
