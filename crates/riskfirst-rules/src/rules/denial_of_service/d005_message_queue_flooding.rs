//! D005 message-queue-flooding.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    flag_phrase, flow_key, less_trusted_fact, own_in_scope,
};
use crate::rules::spoofing::helpers::{is_category, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds message queues and event buses that are not rate limited
    /// (`rate_limited` not `true`) and receive messages from a less trusted
    /// zone, from the internet, or from an external entity.
    ///
    /// ## Why is this bad?
    /// A producer that floods the queue fills its storage or partitions,
    /// pushes out legitimate messages when retention or limits are hit, and
    /// makes every consumer fall behind, so the business processes fed by
    /// the queue stall long after the flood stops.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: partner, kind: external-entity, technology: api, zone: internet }
    ///   - { id: events, kind: datastore, technology: kafka, zone: private }
    /// flows:
    ///   - { id: partner-events, from: partner, to: events, protocol: kafka, tls: true, authentication: mtls }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: partner, kind: external-entity, technology: api, zone: internet }
    ///   - { id: events, kind: datastore, technology: kafka, zone: private, rate_limited: true }
    /// flows:
    ///   - { id: partner-events, from: partner, to: events, protocol: kafka, tls: true, authentication: mtls }
    /// ```
    ///
    /// ## Mitigations
    /// - Set producer quotas (Kafka client quotas, per-sender limits) and a maximum message size.
    /// - Give untrusted producers their own topic or queue, with its own retention, so a flood cannot crowd out the rest.
    ///
    /// ## References
    /// - CWE-400: Uncontrolled Resource Consumption
    /// - CWE-770: Allocation of Resources Without Limits or Throttling
    /// - CAPEC-125: Flooding
    pub MessageQueueFlooding {
        code: "D005",
        name: "message-queue-flooding",
        stride: DenialOfService,
        summary: "a message queue without quotas takes messages from less trusted producers",
        cwe: [400, 770],
        capec: [125],
        frequency: (0.005, 0.1),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c)
                || node.raw.rate_limited == Some(true)
                || !is_category(estate, c, &[TechCategory::MessageQueue])
            {
                continue;
            }
            let exposure = less_trusted_fact(estate, c, node.system).or_else(|| {
                node.incoming
                    .iter()
                    .copied()
                    .filter(|&f| estate[estate[f].from].raw.kind == ComponentKind::ExternalEntity)
                    .min_by_key(|&f| flow_key(estate, f))
                    .map(|f| {
                    format!("flow {} comes from external entity {}", flow_label(estate, f), label(estate, estate[f].from, node.system))
                })
            });
            let Some(exposure) = exposure else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} is a message queue (`{}`) that {}",
                        label(estate, c, node.system),
                        technology(estate, c),
                        flag_phrase("rate_limited", node.raw.rate_limited)
                    ))
                    .fact(exposure),
            );
        }
    }
}
