//! T014 push-deployment.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{Deployment, Usage};

use crate::facts::{flow_label, in_scope};
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::{first_flow, is_category, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds components deployed by push (`deployment: push`): a pipeline
    /// holds credentials to the target and pushes changes to it. When
    /// `deployment` is not stated, a flow from a build pipeline that writes
    /// (not `readonly`) to a business component (not `usage: devops`) shows
    /// the same, and the rule says it inferred it.
    ///
    /// ## Why is this bad?
    /// The pipeline then keeps standing credentials to production. Anyone who
    /// compromises the pipeline, one of its plug-ins or one of its runners
    /// uses those credentials to change production directly, bypassing
    /// review, and the push looks like any other deployment.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: ci, kind: process, technology: github-actions, zone: internet, usage: devops }
    ///   - { id: app, kind: process, technology: api, zone: private, deployment: push }
    /// flows:
    ///   - { id: ci-app, from: ci, to: app, protocol: ssh, authentication: certificate, usage: devops }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: registry, kind: datastore, technology: ecr, zone: private, usage: devops }
    ///   - { id: app, kind: process, technology: api, zone: private, deployment: pull }
    /// flows:
    ///   - { id: app-registry, from: app, to: registry, protocol: https, authentication: iam, readonly: true, usage: devops }
    /// ```
    ///
    /// ## Mitigations
    /// - Deploy by pull (GitOps): the target fetches signed artefacts; the pipeline holds no production credentials.
    /// - Where push must stay, use short-lived, narrowly scoped deployment credentials (OIDC federation) and protected environments.
    ///
    /// ## References
    /// - CWE-1357: Reliance on Insufficiently Trustworthy Component
    /// - CWE-269: Improper Privilege Management
    /// - CAPEC-511: Infiltration of Software Development Environment
    pub PushDeployment {
        code: "T014",
        name: "push-deployment",
        stride: Tampering,
        summary: "a pipeline holds standing credentials to push changes to the component",
        cwe: [1357, 269],
        capec: [511],
        frequency: (0.0005, 0.005),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) {
                continue;
            }
            let from_pipeline = |f: riskfirst_model::FlowIdx| {
                is_category(estate, estate[f].from, &[TechCategory::BuildPipeline])
            };
            let name = label(estate, c, node.system);
            let finding = match node.raw.deployment {
                Some(Deployment::Push) => {
                    let mut finding = Finding::new(node.system, vec![Element::Component(c)])
                        .fact(format!("{name} has `deployment: push`"));
                    if let Some(f) = first_flow(estate, node.incoming.iter().copied().filter(|&f| from_pipeline(f))) {
                        finding = finding.fact(format!("the pipeline pushes through flow {}", flow_label(estate, f)));
                    }
                    finding
                }
                // Not stated: infer push from a pipeline writing to a business component.
                None if node.raw.usage != Some(Usage::Devops) => {
                    let writes = node
                        .incoming
                        .iter()
                        .copied()
                        .filter(|&f| from_pipeline(f) && !estate[f].raw.readonly);
                    let Some(f) = first_flow(estate, writes) else { continue };
                    Finding::new(node.system, vec![Element::Component(c)])
                        .fact(format!(
                            "the pipeline writes to {name} through flow {} (not `readonly`)",
                            flow_label(estate, f)
                        ))
                        .fact(format!(
                            "{name} does not state `deployment`, so push is inferred; say `deployment: pull` or `manual` if it is not"
                        ))
                }
                _ => continue,
            };
            out.push(finding);
        }
    }
}
