//! E003 wildcard-permissions.

use riskfirst_model::format::Permissions;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{less_trusted_fact, own_in_scope};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components whose identity (IAM role, service account, database
    /// user) has broad grants (`permissions: wildcard`: `*` actions or
    /// resources, an admin role). Third-party components are E009's. The
    /// facts add when less trusted callers reach the component.
    ///
    /// ## Why is this bad?
    /// Whoever controls the component (through a bug, a stolen credential or
    /// a malicious dependency) gets everything its identity may do: read
    /// every bucket, change IAM, delete databases. Least privilege is what
    /// turns a compromised service into a contained incident rather than a
    /// compromised account.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: worker, kind: process, technology: lambda, zone: private, permissions: wildcard }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: worker, kind: process, technology: lambda, zone: private, permissions: least-privilege }
    /// ```
    ///
    /// ## Mitigations
    /// - Grant only the actions and resources the component uses (IAM Access Analyzer policy generation helps).
    /// - Use permission boundaries and service control policies so that no workload role can change IAM.
    ///
    /// ## References
    /// - CWE-250: Execution with Unnecessary Privileges
    /// - CWE-269: Improper Privilege Management
    /// - CAPEC-122: Privilege Abuse
    /// - AWS FSBP IAM.1, IAM.21
    pub WildcardPermissions {
        code: "E003",
        name: "wildcard-permissions",
        stride: ElevationOfPrivilege,
        summary: "a component's identity has wildcard permissions",
        cwe: [250, 269],
        capec: [122],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.permissions != Some(Permissions::Wildcard) || node.raw.third_party || !own_in_scope(estate, c) {
                continue;
            }
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(format!("{} has `permissions: wildcard`", label(estate, c, node.system)));
            if let Some(exposure) = less_trusted_fact(estate, c, node.system) {
                finding = finding.fact(exposure);
            }
            out.push(finding);
        }
    }
}
