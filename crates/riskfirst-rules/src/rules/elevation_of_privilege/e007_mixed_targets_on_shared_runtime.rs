//! E007 mixed-targets-on-shared-runtime.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{Classification, Machine};

use crate::facts::{data_label, held_data};
use crate::rule::{Element, Finding};
use crate::rules::information_disclosure::helpers::{
    component_key, most_sensitive, own_in_scope, reached_from_internet,
};
use crate::rules::spoofing::helpers::{is_category, label};

crate::declare_rule! {
    /// ## What it does
    /// Finds runtimes shared by targets of different trust: a component that
    /// serves several tenants from one instance (`multi_tenant: true`) while
    /// holding confidential or restricted data, and a container platform
    /// whose zone hosts both a container the internet reaches and a container
    /// that holds restricted data (containers of the same system and zone
    /// are taken to run on the platform).
    ///
    /// ## Why is this bad?
    /// Isolation between tenants, or between a public-facing container and a
    /// sensitive one, then rests on application code and a shared kernel.
    /// One missing tenant filter, one escape from the exposed workload,
    /// and an attacker (or another customer) reads everyone's data.
    ///
    /// ## Example
    /// ```yaml
    /// data:
    ///   - { id: contracts, name: Customer contracts, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz, multi_tenant: true, processes: [contracts] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// data:
    ///   - { id: contracts, name: Customer contracts, classification: confidential, business_risks: [breach] }
    /// components:
    ///   - { id: portal, kind: process, technology: web-application, zone: dmz, processes: [contracts] }
    /// ```
    ///
    /// ## Mitigations
    /// - Enforce the tenant in the data layer (row-level security, a key or schema per tenant) and test cross-tenant access.
    /// - Run exposed and sensitive workloads on separate nodes, clusters or accounts.
    ///
    /// ## References
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - CWE-668: Exposure of Resource to Wrong Sphere
    /// - CAPEC-480: Escaping Virtualization
    pub MixedTargetsOnSharedRuntime {
        code: "E007",
        name: "mixed-targets-on-shared-runtime",
        stride: ElevationOfPrivilege,
        summary: "targets of different trust share one runtime",
        cwe: [653, 668],
        capec: [480],
        frequency: (0.001, 0.02),
    }
    fn check(estate, out) {
        for c in estate.component_indices() {
            let node = &estate[c];
            if !own_in_scope(estate, c) {
                continue;
            }
            let name = label(estate, c, node.system);
            let mut facts = Vec::new();
            if node.raw.multi_tenant {
                if let Some(d) = most_sensitive(estate, &held_data(estate, c), Classification::Confidential) {
                    facts.push(format!("{name} serves several tenants from one instance (`multi_tenant: true`)"));
                    facts.push(format!("it holds {}", data_label(estate, d)));
                }
            }
            if is_category(estate, c, &[TechCategory::ContainerPlatform]) {
                let containers = || {
                    estate[node.system]
                        .components
                        .iter()
                        .copied()
                        .filter(move |&o| o != c && estate[o].zone == node.zone && estate[o].raw.machine == Some(Machine::Container))
                };
                let exposed = containers().filter(|&o| reached_from_internet(estate, o)).min_by_key(|&o| component_key(estate, o));
                let sensitive = containers()
                    .filter(|&o| Some(o) != exposed)
                    .filter_map(|o| most_sensitive(estate, &held_data(estate, o), Classification::Restricted).map(|d| (o, d)))
                    .min_by_key(|&(o, _)| component_key(estate, o));
                if let (Some(e), Some((s, d))) = (exposed, sensitive) {
                    facts.push(format!(
                        "{name} runs {}, which the internet reaches, and {}, which holds {}",
                        label(estate, e, node.system),
                        label(estate, s, node.system),
                        data_label(estate, d)
                    ));
                }
            }
            if facts.is_empty() {
                continue;
            }
            let mut finding = Finding::new(node.system, vec![Element::Component(c)]);
            for fact in facts {
                finding = finding.fact(fact);
            }
            out.push(finding);
        }
    }
}
