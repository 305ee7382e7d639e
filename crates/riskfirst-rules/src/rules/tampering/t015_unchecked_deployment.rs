//! T015 unchecked-deployment.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::Deployment;

use crate::facts::flow_label;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{flow_in_scope, is_category, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds flows from a build pipeline or an artefact registry to a
    /// component that does not pull signed artefacts (its `deployment` is
    /// `push`, `manual` or not given), when the flow is not `readonly`.
    ///
    /// The model has no field for artefact signing. `deployment: pull` is
    /// documented as "the target pulls signed artefacts", so it is the only
    /// statement that the target verifies what it runs; every other delivery
    /// from the pipeline is taken as unchecked.
    ///
    /// ## Why is this bad?
    /// Without a check of integrity and provenance at the target, whatever
    /// arrives from the pipeline runs: an artefact swapped in the registry, a
    /// dependency poisoned during the build, a package altered on the way.
    /// Nothing between source and production notices the difference.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: ci, kind: process, technology: gitlab-ci, zone: private, usage: devops }
    ///   - { id: app, kind: process, technology: api, zone: private }
    /// flows:
    ///   - { id: ci-app, from: ci, to: app, protocol: ssh, authentication: certificate, usage: devops }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: ci, kind: process, technology: gitlab-ci, zone: private, usage: devops }
    ///   - { id: app, kind: process, technology: api, zone: private, deployment: pull }
    /// flows:
    ///   - { id: ci-app, from: ci, to: app, protocol: https, authentication: mtls, usage: devops }
    /// ```
    ///
    /// ## Mitigations
    /// - Sign artefacts in the pipeline (Sigstore, Notary) and verify signatures and provenance at admission or install.
    /// - Record provenance (SLSA) and deploy only artefacts built by the trusted pipeline from reviewed sources.
    ///
    /// ## References
    /// - CWE-494: Download of Code Without Integrity Check
    /// - CWE-353: Missing Support for Integrity Check
    /// - CAPEC-439: Manipulation During Distribution
    /// - CAPEC-186: Malicious Software Update
    pub UncheckedDeployment {
        code: "T015",
        name: "unchecked-deployment",
        stride: Tampering,
        summary: "the pipeline delivers artefacts that the target does not verify",
        cwe: [494, 353],
        capec: [439, 186],
        frequency: (0.0005, 0.005),
    }
    fn check(estate, out) {
        for f in estate.flow_indices() {
            let flow = &estate[f];
            if !flow_in_scope(estate, f)
                || flow.raw.readonly
                || !is_category(estate, flow.from, &[TechCategory::BuildPipeline, TechCategory::ArtifactRegistry])
                || is_category(estate, flow.to, &[TechCategory::BuildPipeline, TechCategory::ArtifactRegistry, TechCategory::SourceRepository])
            {
                continue;
            }
            let deployment = match estate[flow.to].raw.deployment {
                Some(Deployment::Pull) => continue,
                Some(Deployment::Push) => "`deployment: push`",
                Some(Deployment::Manual) => "`deployment: manual`",
                None => "no `deployment`",
            };
            out.push(
                Finding::new(flow.system, vec![Element::Flow(f)])
                    .fact(format!("flow {} delivers from the pipeline", flow_label(estate, f)))
                    .fact(format!("{} has {deployment}, so nothing says it verifies signed artefacts", label(estate, flow.to, flow.system))),
            );
        }
    }
}
