//! I001 unencrypted-communication.

use riskfirst_model::format::Classification;

use crate::facts::{crosses_boundary, data_label, flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::most_sensitive;

crate::declare_rule! {
    /// ## What it does
    /// Finds flows that carry confidential or restricted data without
    /// encryption in transit (no TLS, and a protocol that does not encrypt).
    ///
    /// ## Why is this bad?
    /// Anyone on the network path (a compromised host in the same zone, a
    /// misconfigured load balancer, a cloud tenant with a packet capture) can
    /// read the data, and often change it. Crossing a trust boundary makes
    /// this more likely.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [cards] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
    /// flows:
    ///   - { id: web-db, from: web, to: db, protocol: postgres, data: [cards] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, processes: [cards] }
    ///   - { id: db, kind: datastore, technology: postgresql, zone: private, stores: [cards] }
    /// flows:
    ///   - { id: web-db, from: web, to: db, protocol: postgres, tls: true, data: [cards] }
    /// ```
    ///
    /// ## Mitigations
    /// - Turn on TLS for the connection (`sslmode=verify-full` for PostgreSQL) and verify certificates.
    /// - Use mutual TLS or a service mesh between services.
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - CAPEC-157: Sniffing Attacks
    /// - OWASP ASVS 9.1 Communications Security
    pub UnencryptedCommunication {
        code: "I001",
        name: "unencrypted-communication",
        stride: InformationDisclosure,
        summary: "sensitive data crosses the network without encryption",
        cwe: [319],
        capec: [157],
        frequency: (0.001, 0.03),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if flow.encrypted || flow.raw.vpn || !in_scope(estate, flow.from) || !in_scope(estate, flow.to) {
                continue;
            }
            let Some(worst) = most_sensitive(estate, &flow.data, Classification::Confidential) else { continue };
            let mut finding = Finding::new(flow.system, vec![Element::Flow(f)])
                .fact(format!("flow {} uses protocol `{}` without TLS", flow_label(estate, f), flow.raw.protocol.value))
                .fact(format!("it carries {}", data_label(estate, worst)));
            if let Some((a, b)) = crosses_boundary(estate, f) {
                finding = finding.fact(format!("it crosses `{a} → {b}`"));
            }
            out.push(finding);
        }
    }
}
