//! T012 build-pipeline-tampering.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::ComponentKind;

use crate::facts::{in_scope, internet_reachable};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{is_category, label, missing_mfa, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds build pipelines (GitHub Actions, GitLab CI, Jenkins) that the
    /// internet reaches, that do not require a second factor (`mfa` not
    /// `true`), or that are not hardened (`hardened` not `true`). Each of
    /// these that holds is a fact of the finding.
    ///
    /// ## Why is this bad?
    /// The pipeline builds, signs and ships everything that runs in
    /// production, with credentials to do so. Whoever controls it (through a
    /// stolen password, an exposed Jenkins console, a poisoned runner) puts
    /// their code into every release, and the change looks like a normal
    /// build.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: ci, kind: process, technology: jenkins, zone: dmz, internet_facing: true, usage: devops }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: ci, kind: process, technology: jenkins, zone: private, usage: devops, mfa: true, hardened: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Keep the pipeline off the internet or behind single sign-on with MFA; harden runners and make them ephemeral.
    /// - Protect pipeline definitions with branch protection and review; follow SLSA build levels.
    ///
    /// ## References
    /// - CWE-912: Hidden Functionality
    /// - CWE-1357: Reliance on Insufficiently Trustworthy Component
    /// - CAPEC-444: Development Alteration
    /// - CAPEC-511: Infiltration of Software Development Environment
    /// - OWASP Top 10 CI/CD Security Risks
    pub BuildPipelineTampering {
        code: "T012",
        name: "build-pipeline-tampering",
        stride: Tampering,
        summary: "a build pipeline that ships to production is exposed or weakly protected",
        cwe: [912, 1357],
        capec: [444, 511],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c)
                || node.raw.kind == ComponentKind::ExternalEntity
                || !is_category(estate, c, &[TechCategory::BuildPipeline])
            {
                continue;
            }
            let name = label(estate, c, node.system);
            let mut weaknesses = Vec::new();
            if internet_reachable(estate, c) {
                weaknesses.push(format!("{name} is reachable from the internet"));
            }
            if let Some(no_mfa) = missing_mfa(estate, c) {
                weaknesses.push(format!("{name} has {no_mfa}"));
            }
            match node.raw.hardened {
                Some(true) => {}
                Some(false) => weaknesses.push(format!("{name} has `hardened: false`")),
                None => weaknesses.push(format!("{name} has no `hardened`")),
            }
            if weaknesses.is_empty() {
                continue;
            }
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(format!("{name} is a build pipeline (`{}`)", technology(estate, c)));
            for w in weaknesses {
                finding = finding.fact(w);
            }
            out.push(finding);
        }
    }
}
