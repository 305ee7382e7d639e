//! I010 unguarded-direct-datastore-access.

use riskfirst_model::format::ComponentKind;

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{crossing_fact, own_in_scope, CLIENTS};
use crate::rules::spoofing::helpers::{is_category, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows into a datastore that come from a less trusted zone and
    /// start at a client (a browser, a mobile, desktop or IoT app, a
    /// component people use directly) or at an external entity, so that no
    /// application of yours stands between the caller and the data. Callers
    /// in a zone of trust 0 are left to I009, which flags the datastore itself.
    ///
    /// ## Why is this bad?
    /// A datastore checks who connects, not what each caller may see: it
    /// cannot enforce per-user rules, input validation or rate limits. A
    /// client holding database credentials hands them to anyone who takes
    /// the device or reads the app, and then every row is one query away.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: analyst, kind: external-entity, technology: desktop-app, zone: dmz, human_use: true }
    ///   - { id: warehouse, kind: datastore, technology: postgresql, zone: private }
    /// flows:
    ///   - { id: analyst-warehouse, from: analyst, to: warehouse, protocol: postgres, tls: true, authentication: password }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: analyst, kind: external-entity, technology: desktop-app, zone: dmz, human_use: true }
    ///   - { id: reports, kind: process, technology: web-application, zone: private }
    ///   - { id: warehouse, kind: datastore, technology: postgresql, zone: private }
    /// flows:
    ///   - { id: analyst-reports, from: analyst, to: reports, protocol: https, authentication: oidc }
    ///   - { id: reports-warehouse, from: reports, to: warehouse, protocol: postgres, tls: true, authentication: password }
    /// ```
    ///
    /// ## Mitigations
    /// - Put an application or API in front of the datastore that authenticates users and decides what each may read.
    /// - Give clients no database credentials; for analysts, use a reporting tool with per-user access.
    ///
    /// ## References
    /// - CWE-284: Improper Access Control
    /// - CWE-653: Improper Isolation or Compartmentalization
    pub UnguardedDirectDatastoreAccess {
        code: "I010",
        name: "unguarded-direct-datastore-access",
        stride: InformationDisclosure,
        summary: "a client or external entity reaches a datastore directly across a trust boundary",
        cwe: [284, 653],
        capec: [],
        frequency: (0.02, 0.3),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            let (from, to) = (flow.from, flow.to);
            if estate[to].raw.kind != ComponentKind::Datastore || !own_in_scope(estate, to) {
                continue;
            }
            let (from_zone, to_zone) = (estate.zone_of(from), estate.zone_of(to));
            if from_zone.trust() == 0 || from_zone.trust() >= to_zone.trust() {
                continue;
            }
            let source = &estate[from];
            let what = if is_category(estate, from, CLIENTS) {
                "a client"
            } else if source.raw.kind == ComponentKind::ExternalEntity {
                "an external entity"
            } else if source.raw.human_use {
                "used directly by people"
            } else {
                continue;
            };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("{} is {what}", label(estate, from, flow.system)))
                    .fact(format!("flow {} goes straight to datastore {}", flow_label(estate, f), label(estate, to, flow.system)))
                    .fact(crossing_fact(estate, f)),
            );
        }
    }
}
