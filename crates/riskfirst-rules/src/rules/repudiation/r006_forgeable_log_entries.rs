//! R006 forgeable-log-entries.

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::repudiation::LOG_STORES;
use crate::rules::spoofing::helpers::{
    flow_in_scope, is_category, label, missing_authentication, technology,
};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows into a logging or monitoring component that do not
    /// authenticate the sender (plain `syslog` over UDP, an open ingest
    /// endpoint).
    ///
    /// ## Why is this bad?
    /// Anyone who can reach the collector writes log entries in any source's
    /// name: false trails that blame someone else, entries that make an
    /// attack look like routine traffic, or a flood that buries the real
    /// events. Evidence that anyone can write proves nothing.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private }
    ///   - { id: logs, kind: datastore, technology: log-aggregator, zone: admin }
    /// flows:
    ///   - { id: api-logs, from: api, to: logs, protocol: syslog }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private }
    ///   - { id: logs, kind: datastore, technology: log-aggregator, zone: admin }
    /// flows:
    ///   - { id: api-logs, from: api, to: logs, protocol: https, authentication: mtls }
    /// ```
    ///
    /// ## Mitigations
    /// - Ship logs over an authenticated channel (syslog over TLS with client certificates, signed agent tokens).
    /// - Tag each entry with the authenticated source at ingest, not with what the entry claims.
    ///
    /// ## References
    /// - CWE-117: Improper Output Neutralization for Logs
    /// - CWE-306: Missing Authentication for Critical Function
    /// - CAPEC-93: Log Injection-Tampering-Forging
    pub ForgeableLogEntries {
        code: "R006",
        name: "forgeable-log-entries",
        stride: Repudiation,
        summary: "anyone who reaches the log collector can write entries in another's name",
        cwe: [117, 306],
        capec: [93],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f) || !is_category(estate, flow.to, LOG_STORES) {
                continue;
            }
            let Some(how) = missing_authentication(flow) else { continue };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} {how}", flow_label(estate, f)))
                    .fact(format!("{} collects logs (`{}`)", label(estate, flow.to, flow.system), technology(estate, flow.to))),
            );
        }
    }
}
