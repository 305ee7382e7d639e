//! Queries and phrases shared by the information-disclosure, denial-of-service
//! and elevation-of-privilege rules.
//!
//! They build on the spoofing helpers (labels, exposure, custom code) so that
//! a phrase such as "is internet-facing" means the same in every category.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{Classification, ComponentKind};
use riskfirst_model::{ComponentIdx, DataIdx, Estate, FlowIdx, SystemIdx};

use crate::facts::{data_label, flow_label, in_scope, internet_reachable};
use crate::rules::spoofing::helpers::label;

/// Traffic infrastructure at the edge: what normally stands between the internet and a service.
pub(crate) const EDGE: &[TechCategory] = &[
    TechCategory::LoadBalancer,
    TechCategory::ReverseProxy,
    TechCategory::Waf,
    TechCategory::Cdn,
    TechCategory::Gateway,
];

/// Services that speak HTTP to people or programs.
pub(crate) const WEB: &[TechCategory] = &[
    TechCategory::WebApplication,
    TechCategory::WebServer,
    TechCategory::Api,
];

/// People's devices and things in the field: data on them leaves your control.
pub(crate) const CLIENTS: &[TechCategory] = &[
    TechCategory::Browser,
    TechCategory::MobileApp,
    TechCategory::DesktopApp,
    TechCategory::Iot,
];

/// Protocols an application uses to make requests to other services (the
/// requests an attacker redirects in server-side request forgery).
pub(crate) const REQUEST_PROTOCOLS: &[&str] = &[
    "http",
    "https",
    "grpc",
    "grpc-plaintext",
    "graphql",
    "soap",
    "ws",
    "wss",
    "aws-api",
];

/// A component that can hold a threat: in scope and not an external entity.
pub(crate) fn own_in_scope(estate: &Estate, c: ComponentIdx) -> bool {
    in_scope(estate, c) && estate[c].raw.kind != ComponentKind::ExternalEntity
}

/// A flow's name in the estate, `(system, flow)`. Rules pick "the first"
/// element by these names, never by index, so that facts do not change when
/// files or elements are reordered.
pub(crate) fn flow_key(estate: &Estate, f: FlowIdx) -> (&str, &str) {
    (estate[estate[f].system].id(), estate[f].id())
}

/// A component's name in the estate, `(system, component)`; see [`flow_key`].
pub(crate) fn component_key(estate: &Estate, c: ComponentIdx) -> (&str, &str) {
    (estate[estate[c].system].id(), estate[c].id())
}

/// The most sensitive data in `data` at or above `at_least`; among equals,
/// the first by `(system, id)`, so the choice does not depend on the order
/// of the files.
pub(crate) fn most_sensitive(
    estate: &Estate,
    data: &[DataIdx],
    at_least: Classification,
) -> Option<DataIdx> {
    data.iter()
        .copied()
        .filter(|d| estate[*d].raw.classification >= at_least)
        .min_by(|a, b| {
            let key = |d: DataIdx| {
                (
                    std::cmp::Reverse(estate[d].raw.classification),
                    estate[estate[d].system].id(),
                    estate[d].id(),
                )
            };
            key(*a).cmp(&key(*b))
        })
}

/// The incoming flow that comes from a zone of trust 0 (the internet), the first by name.
pub(crate) fn flow_from_internet(estate: &Estate, c: ComponentIdx) -> Option<FlowIdx> {
    estate[c]
        .incoming
        .iter()
        .copied()
        .filter(|&f| estate.zone_of(estate[f].from).trust() == 0)
        .min_by_key(|&f| flow_key(estate, f))
}

/// Anyone on the internet reaches it: internet-facing, in a zone of trust 0,
/// or called directly from such a zone.
pub(crate) fn reached_from_internet(estate: &Estate, c: ComponentIdx) -> bool {
    internet_reachable(estate, c) || flow_from_internet(estate, c).is_some()
}

/// Why anyone on the internet reaches it, as a fact.
pub(crate) fn internet_fact(estate: &Estate, c: ComponentIdx, system: SystemIdx) -> Option<String> {
    let node = &estate[c];
    let name = label(estate, c, system);
    if node.raw.internet_facing {
        return Some(format!("{name} is internet-facing"));
    }
    let zone = estate.zone_of(c);
    if zone.trust() == 0 {
        return Some(format!("{name} is in zone `{}` (trust 0)", zone.id()));
    }
    flow_from_internet(estate, c).map(|f| {
        format!(
            "flow {} reaches it from zone `{}` (trust 0)",
            flow_label(estate, f),
            estate.zone_of(estate[f].from).id()
        )
    })
}

/// The incoming flow from a less trusted zone, the first by name.
pub(crate) fn flow_from_less_trust(estate: &Estate, c: ComponentIdx) -> Option<FlowIdx> {
    let trust = estate.zone_of(c).trust();
    estate[c]
        .incoming
        .iter()
        .copied()
        .filter(|&f| estate.zone_of(estate[f].from).trust() < trust)
        .min_by_key(|&f| flow_key(estate, f))
}

/// "flow `a → b` comes from zone `dmz` (trust 50) into `private` (trust 90)".
pub(crate) fn crossing_fact(estate: &Estate, f: FlowIdx) -> String {
    let flow = &estate[f];
    let (from, to) = (estate.zone_of(flow.from), estate.zone_of(flow.to));
    format!(
        "flow {} comes from zone `{}` (trust {}) into `{}` (trust {})",
        flow_label(estate, f),
        from.id(),
        from.trust(),
        to.id(),
        to.trust()
    )
}

/// The most sensitive data the component stores, at or above `at_least`.
pub(crate) fn stored_at_least(
    estate: &Estate,
    c: ComponentIdx,
    at_least: Classification,
) -> Option<DataIdx> {
    most_sensitive(estate, &estate[c].stores, at_least)
}

/// "`a`, `b`, `c` and 2 more": at most three names, sorted and without
/// repeats, so the phrase does not depend on the order of the model.
pub(crate) fn name_list(names: &[String]) -> String {
    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let shown: Vec<&str> = names.iter().take(3).copied().collect();
    let mut out = shown.join(", ");
    if names.len() > 3 {
        out.push_str(&format!(" and {} more", names.len() - 3));
    }
    out
}

/// For every zone, the in-scope internet-facing components in it, in index
/// order; computed once so that zone-sharing rules stay linear in the estate.
pub(crate) fn internet_facing_by_zone(estate: &Estate) -> Vec<Vec<ComponentIdx>> {
    let mut by_zone = vec![Vec::new(); estate.zones.len()];
    for c in estate.component_indices() {
        let node = &estate[c];
        if node.raw.internet_facing && own_in_scope(estate, c) {
            if let Some(list) = by_zone.get_mut(node.zone.index()) {
                list.push(c);
            }
        }
    }
    by_zone
}

/// The internet-facing component in `c`'s zone other than `c` itself, the first by name.
pub(crate) fn internet_facing_neighbour(
    by_zone: &[Vec<ComponentIdx>],
    estate: &Estate,
    c: ComponentIdx,
) -> Option<ComponentIdx> {
    by_zone
        .get(estate[c].zone.index())?
        .iter()
        .copied()
        .filter(|&n| n != c)
        .min_by_key(|&n| component_key(estate, n))
}

/// "`customers` (confidential, personal)" for personal data, else the usual label.
pub(crate) fn data_label_personal(estate: &Estate, d: DataIdx) -> String {
    let label = data_label(estate, d);
    if estate[d].raw.personal {
        format!("{}, personal)", label.trim_end_matches(')'))
    } else {
        label
    }
}

/// "is not marked `redundant`" or "has `redundant: false`".
pub(crate) fn flag_phrase(name: &str, value: Option<bool>) -> String {
    match value {
        Some(v) => format!("has `{name}: {v}`"),
        None => format!("does not declare `{name}`"),
    }
}

/// Why less trusted callers reach the component: the internet (see
/// [`internet_fact`]), else internet traffic forwarded by an edge component
/// (a load balancer, proxy, gateway, WAF or CDN the internet reaches, the
/// first by name), else
/// the first (by name) incoming flow from a less trusted zone.
pub(crate) fn less_trusted_fact(
    estate: &Estate,
    c: ComponentIdx,
    system: SystemIdx,
) -> Option<String> {
    internet_fact(estate, c, system)
        .or_else(|| {
            let edge = estate[c]
                .incoming
                .iter()
                .map(|&f| estate[f].from)
                .filter(|&from| {
                    EDGE.contains(&estate[from].category) && reached_from_internet(estate, from)
                })
                .min_by_key(|&from| component_key(estate, from))?;
            Some(format!(
                "the internet reaches it through {} (`{}`)",
                label(estate, edge, system),
                estate[edge].raw.technology.value
            ))
        })
        .or_else(|| flow_from_less_trust(estate, c).map(|f| crossing_fact(estate, f)))
}

/// "`outage`, `fine`": the business risks a component's outage reaches, by id.
pub(crate) fn risk_names(estate: &Estate, c: ComponentIdx) -> String {
    let names: Vec<String> = estate[c]
        .business_risks
        .iter()
        .map(|r| format!("`{}`", estate.business_risks[r.index()].id.value))
        .collect();
    name_list(&names)
}

/// Offers an administration interface: declared (`admin_interface: true`), or
/// an admin console. Bastion hosts are built to be the one guarded way in and
/// do not count.
pub(crate) fn admin_interface_fact(
    estate: &Estate,
    c: ComponentIdx,
    system: SystemIdx,
) -> Option<String> {
    let node = &estate[c];
    if node.raw.admin_interface {
        let name = label(estate, c, system);
        return Some(format!(
            "{name} offers an administration interface (`admin_interface: true`)"
        ));
    }
    (node.category == TechCategory::AdminTool && node.raw.technology.value != "bastion-host").then(
        || {
            format!(
                "{} is an admin console (`{}`)",
                label(estate, c, system),
                node.raw.technology.value
            )
        },
    )
}
