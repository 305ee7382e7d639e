//! I007 accidental-secret-leak.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{Classification, SecretStore};

use crate::facts::data_label;
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    name_list, own_in_scope, reached_from_internet, stored_at_least,
};
use crate::rules::spoofing::helpers::{is_category, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds source repositories and artefact registries that hold secrets:
    /// they store confidential or restricted data, or components of the same
    /// system keep their secrets in code or configuration files
    /// (`secrets: code` or `secrets: config`), which end up in the
    /// repository. The model does not say which repository holds which
    /// component's code, so every repository of the system is taken to hold it.
    ///
    /// ## Why is this bad?
    /// Repositories are cloned onto laptops and build agents, forked, mirrored,
    /// made public by mistake, and keep every secret ever committed in their
    /// history. Leaked credentials found in public repositories are used by
    /// attackers within minutes.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: repo, kind: datastore, technology: gitlab, zone: private }
    ///   - { id: worker, kind: process, technology: batch-job, zone: private, secrets: config }
    /// flows:
    ///   - { id: repo-worker, from: repo, to: worker, protocol: git-over-https }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: repo, kind: datastore, technology: gitlab, zone: private }
    ///   - { id: worker, kind: process, technology: batch-job, zone: private, secrets: vault }
    /// flows:
    ///   - { id: repo-worker, from: repo, to: worker, protocol: git-over-https }
    /// ```
    ///
    /// ## Mitigations
    /// - Keep secrets out of code and configuration (a secrets manager, managed identities).
    /// - Turn on secret scanning with push protection, and rotate any secret that was ever committed.
    /// - Keep repositories private by default and review who can clone them.
    ///
    /// ## References
    /// - CWE-540: Inclusion of Sensitive Information in Source Code
    /// - CWE-798: Use of Hard-coded Credentials
    /// - CAPEC-37: Retrieve Embedded Sensitive Data
    pub AccidentalSecretLeak {
        code: "I007",
        name: "accidental-secret-leak",
        stride: InformationDisclosure,
        summary: "a source repository or artefact registry holds secrets that can leak",
        cwe: [540, 798],
        capec: [37],
        frequency: (0.005, 0.05),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c)
                || !is_category(estate, c, &[TechCategory::SourceRepository, TechCategory::ArtifactRegistry])
            {
                continue;
            }
            let repo = label(estate, c, node.system);
            let mut facts = Vec::new();
            if let Some(d) = stored_at_least(estate, c, Classification::Confidential) {
                facts.push(format!("{repo} stores {}", data_label(estate, d)));
            }
            let mut in_code = Vec::new();
            for &other in &estate[node.system].components {
                let secrets = estate[other].raw.secrets;
                if own_in_scope(estate, other) && matches!(secrets, Some(SecretStore::Code | SecretStore::Config)) {
                    let place = if secrets == Some(SecretStore::Code) { "code" } else { "config" };
                    in_code.push(format!("{} (`secrets: {place}`)", label(estate, other, node.system)));
                }
            }
            if !in_code.is_empty() {
                facts.push(format!("it holds the code of components that keep secrets in code or configuration: {}", name_list(&in_code)));
            }
            if facts.is_empty() {
                continue;
            }
            let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                .fact(format!("{repo} is a {} (`{}`)", if node.category == TechCategory::SourceRepository { "source repository" } else { "artefact registry" }, technology(estate, c)));
            for fact in facts {
                finding = finding.fact(fact);
            }
            if node.raw.public_access {
                finding = finding.fact(format!("{repo} is publicly readable"));
            } else if reached_from_internet(estate, c) {
                finding = finding.fact(format!("{repo} is reachable from the internet"));
            }
            out.push(finding);
        }
    }
}
