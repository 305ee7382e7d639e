//! I014 sensitive-data-in-logs.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::Classification;

use crate::facts::{data_label, flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::most_sensitive;
use crate::rules::spoofing::helpers::{is_category, label, technology};

const LOGGING: &[TechCategory] = &[TechCategory::Logging, TechCategory::Monitoring];

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that carry confidential or restricted data into a logging
    /// or monitoring component (a SIEM, a log aggregator, CloudWatch), and
    /// logging components that store such data.
    ///
    /// ## Why is this bad?
    /// Logs are read by many more people than the data's own store (every
    /// engineer on call, the SOC, the monitoring vendor), are kept for years,
    /// copied to cheap storage and rarely encrypted field by field. Card
    /// numbers, tokens and personal data in logs are a frequent finding of
    /// PCI and privacy audits, and a quiet way for data to leak.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: tokens, name: Session tokens, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, processes: [tokens] }
    ///   - { id: logs, kind: datastore, technology: log-aggregator, zone: private }
    /// flows:
    ///   - { id: api-logs, from: api, to: logs, protocol: https, data: [tokens] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: tokens, name: Session tokens, classification: restricted, business_risks: [breach] }
    ///   - { id: events, name: Request events, classification: internal }
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, processes: [tokens] }
    ///   - { id: logs, kind: datastore, technology: log-aggregator, zone: private }
    /// flows:
    ///   - { id: api-logs, from: api, to: logs, protocol: https, data: [events] }
    /// ```
    ///
    /// ## Mitigations
    /// - Log events, not payloads: mask or drop sensitive fields in the logging library before they leave the process.
    /// - Scan logs for card numbers and secrets, and restrict and expire access to them.
    ///
    /// ## References
    /// - CWE-532: Insertion of Sensitive Information into Log File
    /// - OWASP ASVS 7.1 Log Content
    pub SensitiveDataInLogs {
        code: "I014",
        name: "sensitive-data-in-logs",
        stride: InformationDisclosure,
        summary: "sensitive data is sent to or kept in logs",
        cwe: [532],
        capec: [],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || !is_category(estate, c, LOGGING) {
                continue;
            }
            let Some(d) = most_sensitive(estate, &node.stores, Classification::Confidential) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} is a logging component (`{}`)", label(estate, c, node.system), technology(estate, c)))
                    .fact(format!("it stores {}", data_label(estate, d))),
            );
        }
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !in_scope(estate, flow.from) || !in_scope(estate, flow.to) || !is_category(estate, flow.to, LOGGING) {
                continue;
            }
            let Some(d) = most_sensitive(estate, &flow.data, Classification::Confidential) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!(
                        "flow {} sends {} to logging component {} (`{}`)",
                        flow_label(estate, f),
                        data_label(estate, d),
                        label(estate, flow.to, flow.system),
                        technology(estate, flow.to)
                    )),
            );
        }
    }
}
