//! R003 missing-security-monitoring.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::{in_scope, internet_reachable};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds processes the internet reaches that send nothing to a logging or
    /// monitoring component (no flow to a `siem`, `log-aggregator`,
    /// `cloudwatch` or `monitoring` component).
    ///
    /// ## Why is this bad?
    /// Internet-facing services are attacked all the time. If their events
    /// (sign-ins, errors, denied requests) go nowhere central, an attack in
    /// progress goes unnoticed, and afterwards nobody can reconstruct what
    /// happened or prove who did it. Breaches then run for months.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, internet_facing: true }
    ///   - { id: siem, kind: datastore, technology: siem, zone: admin }
    /// flows:
    ///   - { id: web-siem, from: web, to: siem, protocol: https, authentication: token, usage: devops }
    /// ```
    ///
    /// ## Mitigations
    /// - Send security events of every internet-facing service to a central log store or SIEM, with alerts on them.
    /// - Model the flow to the logging platform (or `uses` it) so its own threats are seen.
    ///
    /// ## References
    /// - CWE-778: Insufficient Logging
    /// - OWASP Top 10 A09:2021 Security Logging and Monitoring Failures
    /// - OWASP ASVS 7.1 Log Content
    pub MissingSecurityMonitoring {
        code: "R003",
        name: "missing-security-monitoring",
        stride: Repudiation,
        summary: "an internet-facing process sends no events to logging or monitoring",
        cwe: [778],
        capec: [],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.kind != ComponentKind::Process || !internet_reachable(estate, c) {
                continue;
            }
            let logs = node
                .outgoing
                .iter()
                .any(|&f| is_category(estate, estate[f].to, &[TechCategory::Logging, TechCategory::Monitoring]));
            if logs {
                continue;
            }
            let name = label(estate, c, node.system);
            let reach = if node.raw.internet_facing { "is internet-facing" } else { "is in a zone of trust 0" };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{name} {reach}"))
                    .fact(format!("{name} has no flow to a logging or monitoring component")),
            );
        }
    }
}
