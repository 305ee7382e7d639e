//! E009 privileged-third-party-code.

use riskfirst_model::format::Permissions;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds components run or supplied by a third party (`third_party:
    /// true`: a vendor agent, a SaaS integration, an open-source tool) that
    /// hold wildcard permissions (`permissions: wildcard`) in your
    /// environment.
    ///
    /// ## Why is this bad?
    /// You cannot review or patch the vendor's code, and supply-chain
    /// attacks (a poisoned update, a compromised vendor account) execute it
    /// with the rights you granted. With wildcard permissions the attacker
    /// needs no further escalation: the integration already owns the account.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: monitoring-agent, kind: process, technology: monitoring, zone: private, third_party: true, permissions: wildcard }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: monitoring-agent, kind: process, technology: monitoring, zone: private, third_party: true, permissions: least-privilege }
    /// ```
    ///
    /// ## Mitigations
    /// - Grant vendors read-only, narrowly scoped roles with an external id, and review what they use.
    /// - Pin and verify vendor artefacts (signatures, checksums), and isolate agents from the workloads they watch.
    ///
    /// ## References
    /// - CWE-829: Inclusion of Functionality from Untrusted Control Sphere
    /// - CWE-250: Execution with Unnecessary Privileges
    /// - CAPEC-437: Supply Chain
    pub PrivilegedThirdPartyCode {
        code: "E009",
        name: "privileged-third-party-code",
        stride: ElevationOfPrivilege,
        summary: "third-party code runs with wildcard permissions",
        cwe: [829, 250],
        capec: [437],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !node.raw.third_party || node.raw.permissions != Some(Permissions::Wildcard) || !in_scope(estate, c) {
                continue;
            }
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} (`{}`) is supplied by a third party (`third_party: true`)",
                        label(estate, c, node.system),
                        technology(estate, c)
                    ))
                    .fact("it has `permissions: wildcard`"),
            );
        }
    }
}
