//! Phrases and queries that many rules share, so facts read the same everywhere.

use riskfirst_model::format::Classification;
use riskfirst_model::{ComponentIdx, DataIdx, Estate, FlowIdx, SystemIdx};

/// Appends a component's reference as seen from `system`: its id, or `system/id` for
/// another system's component ([`Estate::component_ref`] without the allocations, since
/// facts are built for every threat of large estates).
pub fn push_component_ref(out: &mut String, estate: &Estate, c: ComponentIdx, system: SystemIdx) {
    let node = &estate[c];
    if node.system != system {
        out.push_str(estate[node.system].id());
        out.push('/');
    }
    out.push_str(node.id());
}

/// "`web → payments-db`", naming the ends as seen from the flow's system.
pub fn flow_label(estate: &Estate, f: FlowIdx) -> String {
    let flow = &estate[f];
    let mut out = String::with_capacity(48);
    out.push('`');
    push_component_ref(&mut out, estate, flow.from, flow.system);
    out.push_str(" → ");
    push_component_ref(&mut out, estate, flow.to, flow.system);
    out.push('`');
    out
}

/// The two zones of a flow when it goes from a less trusted zone to a more trusted one.
pub fn crosses_into_more_trust(estate: &Estate, f: FlowIdx) -> Option<(&str, &str)> {
    let flow = &estate[f];
    let (from, to) = (estate.zone_of(flow.from), estate.zone_of(flow.to));
    (from.trust() < to.trust()).then(|| (from.id(), to.id()))
}

/// The two zones of a flow when it crosses a trust boundary in either direction.
pub fn crosses_boundary(estate: &Estate, f: FlowIdx) -> Option<(&str, &str)> {
    let flow = &estate[f];
    let (from, to) = (estate.zone_of(flow.from), estate.zone_of(flow.to));
    (from.id() != to.id()).then(|| (from.id(), to.id()))
}

pub fn classification_name(c: Classification) -> &'static str {
    match c {
        Classification::Public => "public",
        Classification::Internal => "internal",
        Classification::Confidential => "confidential",
        Classification::Restricted => "restricted",
    }
}

/// "`card-data` (restricted)".
pub fn data_label(estate: &Estate, d: DataIdx) -> String {
    let data = &estate[d];
    let class = classification_name(data.raw.classification);
    let mut out = String::with_capacity(data.id().len() + class.len() + 5);
    out.push('`');
    out.push_str(data.id());
    out.push_str("` (");
    out.push_str(class);
    out.push(')');
    out
}

/// The most sensitive data in `data`, at or above `at_least`, as a label.
pub fn most_sensitive(
    estate: &Estate,
    data: &[DataIdx],
    at_least: Classification,
) -> Option<DataIdx> {
    data.iter()
        .copied()
        .filter(|d| estate[*d].raw.classification >= at_least)
        .max_by_key(|d| (estate[*d].raw.classification, std::cmp::Reverse(d.0)))
}

/// Everything a component processes or stores.
pub fn held_data(estate: &Estate, c: ComponentIdx) -> Vec<DataIdx> {
    let node = &estate[c];
    let mut all: Vec<DataIdx> = node.processes.iter().chain(&node.stores).copied().collect();
    all.sort();
    all.dedup();
    all
}

/// A component is in scope for threats unless marked `out_of_scope`.
pub fn in_scope(estate: &Estate, c: ComponentIdx) -> bool {
    estate[c].raw.out_of_scope.is_none()
}

/// Reachable by anyone on the internet: marked internet-facing, or in a zone of trust 0.
pub fn internet_reachable(estate: &Estate, c: ComponentIdx) -> bool {
    estate[c].raw.internet_facing || estate.zone_of(c).trust() == 0
}
