//! E002 unhardened-container.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::Machine;

use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{flag_phrase, less_trusted_fact, own_in_scope};
use crate::rules::spoofing::helpers::{is_category, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds components that run in a container (`machine: container`), are
    /// not hardened (`hardened` not `true`), and are reached from a less
    /// trusted zone or the internet: the containers an attacker lands in
    /// first. The platform itself is E001's.
    ///
    /// ## Why is this bad?
    /// Most images run as root, with a full operating system, a shell and
    /// package tools, and the platform's default capabilities. Once an
    /// attacker runs code in such a container (through an injection or a
    /// vulnerable library), a kernel or runtime bug or a mounted socket is
    /// all it takes to escape to the host and the neighbouring workloads.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, machine: container }
    /// flows:
    ///   - { id: user-web, from: user, to: web, protocol: https }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// components:
    ///   - { id: user, kind: external-entity, technology: browser, zone: internet }
    ///   - { id: web, kind: process, technology: web-application, zone: dmz, machine: container, hardened: true }
    /// flows:
    ///   - { id: user-web, from: user, to: web, protocol: https }
    /// ```
    ///
    /// ## Mitigations
    /// - Build minimal (distroless) images and run them as a non-root user with a read-only root file system, no capabilities and `allowPrivilegeEscalation: false`.
    /// - Never mount the container runtime socket or host paths; apply a seccomp or AppArmor profile.
    ///
    /// ## References
    /// - CWE-250: Execution with Unnecessary Privileges
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - CAPEC-480: Escaping Virtualization
    /// - CIS Docker Benchmark 4 and 5
    pub UnhardenedContainer {
        code: "E002",
        name: "unhardened-container",
        stride: ElevationOfPrivilege,
        summary: "a container reached by less trusted callers is not hardened against escape",
        cwe: [250, 653],
        capec: [480],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if node.raw.machine != Some(Machine::Container)
                || node.raw.hardened == Some(true)
                || !own_in_scope(estate, c)
                || is_category(estate, c, &[TechCategory::ContainerPlatform])
            {
                continue;
            }
            let Some(exposure) = less_trusted_fact(estate, c, node.system) else { continue };
            out.push(
                Finding::new(node.system, vec![Element::Component(c)])
                    .fact(format!(
                        "{} runs in a container (`machine: container`) and {}",
                        label(estate, c, node.system),
                        flag_phrase("hardened", node.raw.hardened)
                    ))
                    .fact(exposure),
            );
        }
    }
}
