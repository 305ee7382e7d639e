//! S004 privileged-access-without-mfa.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{exposure, label, missing_mfa, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds administration interfaces (`admin_interface: true`, or an admin
    /// console or bastion host) whose sign-in does not require a second
    /// factor (`mfa` not `true`).
    ///
    /// ## Why is this bad?
    /// An administrator's account changes configuration, users and data for
    /// everyone. One phished or reused password on it is enough to take over
    /// the component, disable its defences and hide the traces. Attackers
    /// look for exactly these accounts.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: backoffice, kind: process, technology: web-application, zone: private, admin_interface: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: backoffice, kind: process, technology: web-application, zone: private, admin_interface: true, mfa: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Require phishing-resistant MFA (WebAuthn, hardware keys) for every privileged account.
    /// - Reach admin interfaces only through single sign-on that enforces MFA, from managed devices.
    ///
    /// ## References
    /// - CWE-308: Use of Single-factor Authentication
    /// - CAPEC-560: Use of Known Domain Credentials
    /// - CIS Controls v8 6.5: Require MFA for Administrative Access
    pub PrivilegedAccessWithoutMfa {
        code: "S004",
        name: "privileged-access-without-mfa",
        stride: Spoofing,
        summary: "an administration interface accepts sign-in with a single factor",
        cwe: [308],
        capec: [560],
        frequency: (0.002, 0.03),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.kind == ComponentKind::ExternalEntity {
                continue;
            }
            let name = label(estate, c, node.system);
            let admin = if node.raw.admin_interface {
                format!("{name} has `admin_interface: true`")
            } else if node.category == TechCategory::AdminTool {
                format!("{name} is an administration tool (`{}`)", technology(estate, c))
            } else {
                continue;
            };
            let Some(no_mfa) = missing_mfa(estate, c) else { continue };
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(admin)
                .fact(format!("{name} has {no_mfa}"));
            if let Some(exposed) = exposure(estate, c, node.system) {
                finding = finding.fact(exposed);
            }
            out.push(finding);
        }
    }
}
