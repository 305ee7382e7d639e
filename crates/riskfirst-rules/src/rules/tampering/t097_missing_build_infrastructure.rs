//! T097 missing-build-infrastructure.

use riskfirst_model::catalog::TechCategory;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{first_component, is_category, runs_custom_code};
use crate::rules::tampering::helpers::custom_code_fact;

const BUILD: &[TechCategory] = &[TechCategory::BuildPipeline, TechCategory::SourceRepository];

crate::declare_rule! {
    /// ## What it does
    /// Finds systems with processes running custom code in an estate that
    /// has no build pipeline and no source repository anywhere. One finding
    /// per system, on its custom-code process that comes first by id. A model
    /// failure: the code comes from somewhere, and that somewhere is not
    /// modelled.
    ///
    /// ## Why is this bad?
    /// The path from a developer's keyboard to production (repositories,
    /// pipelines, registries) is where backdoors and unchecked builds get in.
    /// When the model leaves it out, T012 to T015 cannot see it, and
    /// code built on a laptop and copied to a server looks no different from
    /// code built by a reviewed, hardened pipeline.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, deployment: pull }
    ///   - { id: repo, kind: datastore, technology: gitlab, zone: private, usage: devops }
    ///   - { id: ci, kind: process, technology: gitlab-ci, zone: private, usage: devops }
    /// flows:
    ///   - { id: ci-repo, from: ci, to: repo, protocol: git-over-https, authentication: token, readonly: true, usage: devops }
    /// ```
    ///
    /// ## Mitigations
    /// - Model the repository and pipeline that build the code, or `uses` the platform team's.
    /// - Build every release in a pipeline from a reviewed repository, never by hand.
    ///
    /// ## References
    /// - CWE-1059: Insufficient Technical Documentation
    /// - CWE-494: Download of Code Without Integrity Check
    /// - CAPEC-444: Development Alteration
    pub MissingBuildInfrastructure {
        code: "T097",
        name: "missing-build-infrastructure",
        stride: Tampering,
        summary: "custom code runs but no build pipeline or source repository is modelled",
        cwe: [1059, 494],
        capec: [444],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        // A platform team's shared pipeline builds for every system, and
        // systems rarely `uses` it; build infrastructure anywhere in the
        // estate counts as modelled.
        if estate.component_indices().any(|c| is_category(estate, c, BUILD)) {
            return;
        }
        for sys in estate.system_indices() {
            let custom: Vec<_> = estate[sys]
                .components
                .iter()
                .copied()
                .filter(|&c| in_scope(estate, c) && runs_custom_code(estate, c))
                .collect();
            // One finding per system, on its first custom-code process by id.
            let Some(first) = first_component(estate, custom.iter().copied()) else { continue };
            let mut finding = Finding::new(sys, vec![Element::Component(first)]).fact(custom_code_fact(estate, first, sys));
            let others = custom.len() - 1;
            if others > 0 {
                let (noun, verb) = if others == 1 { ("component", "runs") } else { ("components", "run") };
                finding = finding.fact(format!(
                    "{others} other {noun} of system `{}` {verb} custom code too",
                    estate[sys].id()
                ));
            }
            out.push(finding.fact("the estate has no build pipeline or source repository"));
        }
    }
}
