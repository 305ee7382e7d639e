//! R002 shared-accounts.

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{exposure, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds components that people operate through one shared account
    /// (`shared_accounts: true`). Filed under repudiation: the account still
    /// authenticates, but no action can be tied to a person.
    ///
    /// ## Why is this bad?
    /// Every action is recorded under the same name, so nobody can be held to
    /// account for a change, a deletion or a data export, and an insider can
    /// deny it. The password is known to many, is rarely rotated when people
    /// leave, and cannot carry a personal second factor.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: erp, kind: process, technology: erp, zone: private, shared_accounts: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: erp, kind: process, technology: erp, zone: private }
    /// ```
    ///
    /// ## Mitigations
    /// - Give every person their own account through single sign-on; remove shared logins.
    /// - Where a shared break-glass account must exist, vault it, check it out per person and alert on its use.
    ///
    /// ## References
    /// - CWE-286: Incorrect User Management
    /// - CWE-778: Insufficient Logging
    /// - CAPEC-560: Use of Known Domain Credentials
    /// - CIS Controls v8 5.1: Establish and Maintain an Inventory of Accounts
    pub SharedAccounts {
        code: "R002",
        name: "shared-accounts",
        stride: Repudiation,
        summary: "people share one account, so actions cannot be tied to a person",
        cwe: [286, 778],
        capec: [560],
        frequency: (0.002, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || !node.raw.shared_accounts {
                continue;
            }
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(format!("{} has `shared_accounts: true`", label(estate, c, node.system)));
            if let Some(exposed) = exposure(estate, c, node.system) {
                finding = finding.fact(exposed);
            }
            out.push(finding);
        }
    }
}
