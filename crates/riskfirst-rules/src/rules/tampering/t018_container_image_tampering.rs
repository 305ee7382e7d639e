//! T018 container-image-tampering.

use riskfirst_model::format::Machine;

use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::spoofing::helpers::label;

crate::declare_rule! {
    /// ## What it does
    /// Finds components that run as containers (`machine: container`) and are
    /// not built to a hardened baseline (`hardened` not `true`: a minimal or
    /// distroless base image, pinned by digest, scanned and signed).
    ///
    /// ## Why is this bad?
    /// A container starts from a base image and layers pulled from a
    /// registry. A base image taken by tag from a public registry can be
    /// replaced, typosquatted or simply carry old vulnerable packages; the
    /// backdoor then ships in every build, inside the trusted perimeter.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, machine: container }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: api, kind: process, technology: api, zone: private, machine: container, hardened: true }
    /// ```
    ///
    /// ## Mitigations
    /// - Build from a minimal base image you trust, pinned by digest, mirrored into your own registry.
    /// - Scan images, sign them, and admit only signed images to the cluster.
    ///
    /// ## References
    /// - CWE-912: Hidden Functionality
    /// - CWE-1357: Reliance on Insufficiently Trustworthy Component
    /// - CAPEC-538: Open-Source Library Manipulation
    /// - CIS Docker Benchmark 4: Container Images and Build File
    pub ContainerImageTampering {
        code: "T018",
        name: "container-image-tampering",
        stride: Tampering,
        summary: "a container runs from an image that is not built to a hardened, trusted baseline",
        cwe: [912, 1357],
        capec: [538],
        frequency: (0.0005, 0.005),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !in_scope(estate, c) || node.raw.machine != Some(Machine::Container) {
                continue;
            }
            let hardened = match node.raw.hardened {
                Some(true) => continue,
                Some(false) => "`hardened: false`",
                None => "no `hardened`",
            };
            let name = label(estate, c, node.system);
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!("{name} has `machine: container`"))
                    .fact(format!("{name} has {hardened}")),
            );
        }
    }
}
