//! T017 third-party-restricted-data.

use riskfirst_model::format::Classification;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{holds_fact, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds components run or supplied by a third party (`third_party:
    /// true`: a SaaS, a vendor product, an open-source dependency) that
    /// process or store restricted data.
    ///
    /// ## Why is this bad?
    /// The organisation's most sensitive data now depends on someone else's
    /// code, people and release process. A compromised vendor update, a
    /// malicious maintainer or a breach at the provider changes or exposes
    /// the data, and the organisation learns of it last.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: payroll, name: Payroll, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: hr, kind: external-entity, technology: saas, zone: internet, third_party: true, processes: [payroll] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: payroll, name: Payroll, classification: restricted, business_risks: [breach] }
    ///   - { id: directory, name: Staff directory, classification: internal }
    /// components:
    ///   - { id: hr, kind: external-entity, technology: saas, zone: internet, third_party: true, processes: [directory] }
    ///   - { id: payroll-app, kind: process, technology: web-application, zone: private, processes: [payroll] }
    /// ```
    ///
    /// ## Mitigations
    /// - Assess the supplier (SOC 2, ISO 27001), contract for breach notification and audit rights, and review access regularly.
    /// - Pin and verify third-party code (hashes, signatures, SBOM); encrypt restricted data with keys the supplier does not hold.
    ///
    /// ## References
    /// - CWE-1357: Reliance on Insufficiently Trustworthy Component
    /// - CWE-1104: Use of Unmaintained Third Party Components
    /// - CAPEC-437: Supply Chain
    /// - CAPEC-538: Open-Source Library Manipulation
    pub ThirdPartyRestrictedData {
        code: "T017",
        name: "third-party-restricted-data",
        stride: Tampering,
        summary: "restricted data depends on the integrity of a third party's component",
        cwe: [1357, 1104],
        capec: [437, 538],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || !node.raw.third_party {
                continue;
            }
            let Some(holds) = holds_fact(estate, c, node.system, Classification::Restricted) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{} has `third_party: true`", label(estate, c, node.system)))
                    .fact(holds),
            );
        }
    }
}
