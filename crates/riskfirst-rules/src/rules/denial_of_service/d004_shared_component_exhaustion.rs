//! D004 shared-component-exhaustion.

use riskfirst_model::format::ComponentKind;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{flag_phrase, name_list, own_in_scope};
use crate::rules::spoofing::helpers::label;

/// Callers from which a component counts as shared inside one system.
const SHARED_CALLERS: usize = 3;

crate::declare_rule! {
    /// ## What it does
    /// Finds shared components that are not rate limited (`rate_limited` not
    /// `true`): used by other systems (`uses`), or called by three or more of
    /// your own components.
    ///
    /// ## Why is this bad?
    /// Without quotas, one misbehaving consumer (a retry storm, a runaway
    /// batch job, a compromised service) takes all the connections, threads
    /// or throughput, and every other consumer fails with it. The outage
    /// spreads across teams that did nothing wrong.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: mobile-api, kind: process, technology: api, zone: dmz }
    ///   - { id: reports, kind: process, technology: batch-job, zone: private }
    ///   - { id: pricing, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: web-pricing, from: web, to: pricing, protocol: https }
    ///   - { id: mobile-pricing, from: mobile-api, to: pricing, protocol: https }
    ///   - { id: reports-pricing, from: reports, to: pricing, protocol: https }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz }
    ///   - { id: mobile-api, kind: process, technology: api, zone: dmz }
    ///   - { id: reports, kind: process, technology: batch-job, zone: private }
    ///   - { id: pricing, kind: process, technology: api, zone: private, rate_limited: true }
    /// flows:
    ///   - { id: web-pricing, from: web, to: pricing, protocol: https }
    ///   - { id: mobile-pricing, from: mobile-api, to: pricing, protocol: https }
    ///   - { id: reports-pricing, from: reports, to: pricing, protocol: https }
    /// ```
    ///
    /// ## Mitigations
    /// - Give each consumer its own quota (rate limits, connection pools, concurrency limits) and shed load fairly.
    /// - Isolate critical consumers (bulkheads, separate instances or queues).
    ///
    /// ## References
    /// - CWE-400: Uncontrolled Resource Consumption
    /// - CWE-770: Allocation of Resources Without Limits or Throttling
    /// - CAPEC-130: Excessive Allocation
    pub SharedComponentExhaustion {
        code: "D004",
        name: "shared-component-exhaustion",
        stride: DenialOfService,
        summary: "a shared component without quotas can be exhausted by one consumer",
        cwe: [400, 770],
        capec: [130],
        frequency: (0.005, 0.1),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || node.raw.rate_limited == Some(true) {
                continue;
            }
            let name = label(estate, c, node.system);
            if node.used_by.is_empty() && node.incoming.len() < SHARED_CALLERS {
                continue;
            }
            let shared = if node.used_by.is_empty() {
                let mut callers: Vec<_> = node
                    .incoming
                    .iter()
                    .map(|&f| estate[f].from)
                    .filter(|&from| estate[from].raw.kind != ComponentKind::ExternalEntity)
                    .collect();
                callers.sort();
                callers.dedup();
                if callers.len() < SHARED_CALLERS {
                    continue;
                }
                let names: Vec<String> = callers.iter().map(|&from| label(estate, from, node.system)).collect();
                format!("{name} is called by {}", name_list(&names))
            } else {
                let names: Vec<String> = node.used_by.iter().map(|&s| format!("`{}`", estate[s].id())).collect();
                format!("{name} is used by other systems: {}", name_list(&names))
            };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(shared)
                    .fact(format!("it {}", flag_phrase("rate_limited", node.raw.rate_limited))),
            );
        }
    }
}
