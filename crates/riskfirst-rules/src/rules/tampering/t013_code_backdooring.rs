//! T013 code-backdooring.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::{in_scope, internet_reachable};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label, missing_mfa, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds source repositories and artefact registries (GitHub, GitLab,
    /// container registries) that are reachable from the internet or that do
    /// not require a second factor (`mfa` not `true`).
    ///
    /// ## Why is this bad?
    /// Code and images are the raw material of every release. A developer's
    /// stolen password, a leaked token or an exposed registry lets an
    /// attacker commit a subtle backdoor or replace an image, and the normal
    /// build and deployment carry it into production.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: repo, kind: datastore, technology: github, zone: internet, usage: devops, third_party: true }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: repo, kind: datastore, technology: gitlab, zone: private, usage: devops, mfa: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Enforce MFA (preferably hardware keys) and single sign-on for every account with write access.
    /// - Protect branches, require signed commits and review, and pin dependencies by hash; keep self-hosted instances off the internet.
    ///
    /// ## References
    /// - CWE-912: Hidden Functionality
    /// - CWE-308: Use of Single-factor Authentication
    /// - CAPEC-444: Development Alteration
    /// - CAPEC-206: Signing Malicious Code
    pub CodeBackdooring {
        code: "T013",
        name: "code-backdooring",
        stride: Tampering,
        summary: "source code or artefacts can be changed by whoever takes over a weakly protected account",
        cwe: [912, 308],
        capec: [444, 206],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c)
                || node.raw.kind == ComponentKind::ExternalEntity
                || !is_category(estate, c, &[TechCategory::SourceRepository, TechCategory::ArtifactRegistry])
            {
                continue;
            }
            let name = label(estate, c, node.system);
            let reachable = internet_reachable(estate, c);
            let no_mfa = missing_mfa(estate, c);
            if !reachable && no_mfa.is_none() {
                continue;
            }
            let what = if node.category == TechCategory::SourceRepository { "a source repository" } else { "an artefact registry" };
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(format!("{name} is {what} (`{}`)", technology(estate, c)));
            if reachable {
                finding = finding.fact(format!("{name} is reachable from the internet"));
            }
            if let Some(no_mfa) = no_mfa {
                finding = finding.fact(format!("{name} has {no_mfa}"));
            }
            out.push(finding);
        }
    }
}
