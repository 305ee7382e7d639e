//! T003 search-query-injection.

use riskfirst_model::catalog::TechCategory;

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label, technology};
use crate::rules::tampering::helpers::exposed_custom_sender;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows from a process running custom code, which less trusted
    /// callers reach, to a search engine (Elasticsearch, OpenSearch, Solr).
    ///
    /// ## Why is this bad?
    /// Search engines accept rich query languages, and some run scripts. A
    /// query assembled from input lets the caller search indices they should
    /// not see, change or delete documents through the same API, or run
    /// expensive queries that stall the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: shop, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: search, kind: datastore, technology: elasticsearch, zone: private }
    /// flows:
    ///   - { id: shop-search, from: shop, to: search, protocol: elasticsearch, authentication: api-key }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: shop, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: search-api, kind: process, technology: api, zone: private, custom_code: false }
    ///   - { id: search, kind: datastore, technology: elasticsearch, zone: private }
    /// flows:
    ///   - { id: shop-search-api, from: shop, to: search-api, protocol: https, authentication: token }
    ///   - { id: search-api-search, from: search-api, to: search, protocol: elasticsearch, authentication: api-key }
    /// ```
    ///
    /// ## Mitigations
    /// - Build queries with the client's typed query builder, never by concatenating strings; disable scripting.
    /// - Give the application's account read access to its own indices only.
    ///
    /// ## References
    /// - CWE-943: Improper Neutralization of Special Elements in Data Query Logic
    /// - CWE-74: Improper Neutralization of Special Elements in Output Used by a Downstream Component ('Injection')
    /// - CAPEC-676: NoSQL Injection
    pub SearchQueryInjection {
        code: "T003",
        name: "search-query-injection",
        stride: Tampering,
        summary: "input from less trusted callers can change the queries custom code sends to a search engine",
        cwe: [943, 74],
        capec: [676],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !is_category(estate, flow.to, &[TechCategory::SearchEngine]) {
                continue;
            }
            let Some([custom, exposed]) = exposed_custom_sender(estate, f) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} sends search queries", flow_label(estate, f)))
                    .fact(format!("{} is a search engine (`{}`)", label(estate, flow.to, flow.system), technology(estate, flow.to)))
                    .fact(custom)
                    .fact(exposed),
            );
        }
    }
}
