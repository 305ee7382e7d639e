//! D003 single-point-of-failure.

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{flag_phrase, own_in_scope, risk_names};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components that are not redundant (`redundant` not `true`) and
    /// whose outage reaches a business risk (`business_risks` on the
    /// component). Unlike D001 it does not need an attacker: a failed disk, a
    /// bad deployment or a zone outage is enough.
    ///
    /// ## Why is this bad?
    /// One instance means one failure stops the business process it serves,
    /// for as long as it takes to rebuild it by hand. Outages of single
    /// components are the most frequent availability incidents, and the
    /// business risk says what each one costs.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: checkout, kind: process, technology: api, zone: private, business_risks: [outage] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: checkout, kind: process, technology: api, zone: private, business_risks: [outage], redundant: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Run at least two instances in different failure domains, with health checks and automatic failover.
    /// - Test recovery: restore drills, game days, chaos experiments.
    ///
    /// ## References
    /// - CWE-410: Insufficient Resource Pool
    /// - CAPEC-607: Obstruction
    pub SinglePointOfFailure {
        code: "D003",
        name: "single-point-of-failure",
        stride: DenialOfService,
        summary: "a component without redundancy carries a business risk when it fails",
        cwe: [410],
        capec: [607],
        frequency: (0.02, 0.2),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) || node.raw.redundant == Some(true) || node.business_risks.is_empty() {
                continue;
            }
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} {}", label(estate, c, node.system), flag_phrase("redundant", node.raw.redundant)))
                    .fact(format!("its outage reaches {}", risk_names(estate, c))),
            );
        }
    }
}
