//! R007 unaudited-privileged-access.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::repudiation::audit_log_phrase;
use crate::rules::spoofing::helpers::{label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds components through which people or pipelines hold power over
    /// other systems (an administration interface, an admin console or
    /// bastion, a build pipeline, a source repository, a vault, a container
    /// platform, an identity provider) that keep no audit log (`audit_log`
    /// not `true`).
    ///
    /// ## Why is this bad?
    /// Privileged actions (a new administrator, a changed pipeline, a secret
    /// read, a workload deployed) are how attackers persist and how insiders
    /// do damage. Without an audit trail of them nobody sees it happen, and
    /// nobody can later show who did it.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: vault, kind: datastore, technology: vault, zone: admin }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: vault, kind: datastore, technology: vault, zone: admin, audit_log: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Turn on the audit log of every privileged tool (Vault audit devices, Kubernetes audit policy, GitHub audit log) and ship it off the host.
    /// - Alert on sensitive actions: new administrators, policy changes, secret reads outside pipelines.
    ///
    /// ## References
    /// - CWE-778: Insufficient Logging
    /// - CWE-223: Omission of Security-relevant Information
    /// - CIS Controls v8 8.2: Collect Audit Logs
    pub UnauditedPrivilegedAccess {
        code: "R007",
        name: "unaudited-privileged-access",
        stride: Repudiation,
        summary: "privileged actions on a component leave no audit trail",
        cwe: [778, 223],
        capec: [],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        use TechCategory::*;
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.kind == ComponentKind::ExternalEntity {
                continue;
            }
            let Some(missing) = audit_log_phrase(node.raw.audit_log) else { continue };
            let name = label(estate, c, node.system);
            let privileged = if node.raw.admin_interface {
                format!("{name} has `admin_interface: true`")
            } else if matches!(
                node.category,
                AdminTool | BuildPipeline | SourceRepository | Vault | ContainerPlatform | IdentityProvider
            ) {
                format!("{name} is a privileged tool (`{}`)", technology(estate, c))
            } else {
                continue;
            };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(privileged)
                    .fact(format!("{name} has {missing}")),
            );
        }
    }
}
