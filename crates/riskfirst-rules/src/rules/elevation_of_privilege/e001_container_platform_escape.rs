//! E001 container-platform-escape.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{Classification, Machine};

use crate::facts::{data_label, held_data};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    flag_phrase, most_sensitive, name_list, own_in_scope,
};
use crate::rules::spoofing::helpers::{is_category, label, technology};

crate::declare_rule! {
    /// ## What it does
    /// Finds container platforms (Kubernetes, ECS, EKS, Docker hosts) that
    /// are not hardened to a baseline (`hardened` not `true`). The facts name
    /// the containerised components (`machine: container`) of the same
    /// system and zone, which are taken to run on it, and the most sensitive
    /// data they hold.
    ///
    /// ## Why is this bad?
    /// A container is a process on a shared kernel. On a platform with
    /// default settings (privileged pods, host mounts, broad service-account
    /// tokens, an open kubelet or API server), one compromised container
    /// escapes to the node and from there reads the secrets and data of every
    /// workload it hosts, or takes over the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: cluster, kind: process, technology: kubernetes, zone: private }
    ///   - { id: payments, kind: process, technology: api, zone: private, machine: container, processes: [cards] }
    /// flows:
    ///   - { id: cluster-payments, from: cluster, to: payments, protocol: https }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: cards, name: Card data, classification: restricted, business_risks: [breach] }
    /// components:
    ///   - { id: cluster, kind: process, technology: kubernetes, zone: private, hardened: true }
    ///   - { id: payments, kind: process, technology: api, zone: private, machine: container, processes: [cards] }
    /// flows:
    ///   - { id: cluster-payments, from: cluster, to: payments, protocol: https }
    /// ```
    ///
    /// ## Mitigations
    /// - Harden the platform to the CIS Kubernetes or Docker benchmark; enforce Pod Security Standards (restricted).
    /// - Run containers as non-root with a read-only root file system, no added capabilities and a seccomp profile; isolate sensitive workloads on their own nodes.
    ///
    /// ## References
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - CWE-250: Execution with Unnecessary Privileges
    /// - CAPEC-480: Escaping Virtualization
    /// - CIS Kubernetes Benchmark
    pub ContainerPlatformEscape {
        code: "E001",
        name: "container-platform-escape",
        stride: ElevationOfPrivilege,
        summary: "a container platform that is not hardened lets one container take over the others",
        cwe: [653, 250],
        capec: [480],
        frequency: (0.001, 0.01),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c)
                || node.raw.hardened == Some(true)
                || !is_category(estate, c, &[TechCategory::ContainerPlatform])
            {
                continue;
            }
            let name = label(estate, c, node.system);
            let mut finding = Finding::new(node.system, vec![Element::Component(c)]).fact(format!(
                "{name} is a container platform (`{}`) that {}",
                technology(estate, c),
                flag_phrase("hardened", node.raw.hardened)
            ));
            let containers: Vec<_> = estate[node.system]
                .components
                .iter()
                .copied()
                .filter(|&o| o != c && estate[o].zone == node.zone && estate[o].raw.machine == Some(Machine::Container))
                .collect();
            if !containers.is_empty() {
                let names: Vec<String> = containers.iter().map(|&o| label(estate, o, node.system)).collect();
                finding = finding.fact(format!("it hosts {} (`machine: container`) in zone `{}`", name_list(&names), estate.zone_of(c).id()));
                let held: Vec<_> = containers.iter().flat_map(|&o| held_data(estate, o)).collect();
                if let Some(d) = most_sensitive(estate, &held, Classification::Confidential) {
                    finding = finding.fact(format!("they hold {}", data_label(estate, d)));
                }
            }
            out.push(finding);
        }
    }
}
