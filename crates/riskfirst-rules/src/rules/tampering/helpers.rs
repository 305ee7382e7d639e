//! Conditions shared by the tampering rules: where untrusted input reaches custom code.

use riskfirst_model::{ComponentIdx, Estate, FlowIdx, SystemIdx};

use crate::rules::spoofing::helpers::{
    exposure, first_flow, flow_in_scope, is_forwarder, label, runs_custom_code, technology,
};

/// "`api` runs custom code", saying when that is implied by the technology.
pub(crate) fn custom_code_fact(estate: &Estate, c: ComponentIdx, system: SystemIdx) -> String {
    let name = label(estate, c, system);
    match estate[c].raw.custom_code {
        Some(true) => format!("{name} runs custom code (`custom_code: true`)"),
        _ => format!(
            "{name} runs custom code (technology `{}`)",
            technology(estate, c)
        ),
    }
}

/// For a flow whose sender runs custom code that less trusted callers reach:
/// the facts saying so (custom code, then exposure). Input from those callers
/// may end up in what the sender sends on, which is how injections travel.
pub(crate) fn exposed_custom_sender(estate: &Estate, f: FlowIdx) -> Option<[String; 2]> {
    let flow = &estate[f];
    if !flow_in_scope(estate, f) || !runs_custom_code(estate, flow.from) {
        return None;
    }
    let exposed = exposure(estate, flow.from, flow.system)?;
    Some([custom_code_fact(estate, flow.from, flow.system), exposed])
}

/// A flow into `c` from a browser (a component whose technology is a
/// browser) that also matches `also`; the first in the order of
/// [`first_flow`], so the fact naming it does not depend on the model's order.
pub(crate) fn browser_flow(
    estate: &Estate,
    c: ComponentIdx,
    also: impl Fn(FlowIdx) -> bool,
) -> Option<FlowIdx> {
    let from_browser = estate[c].incoming.iter().copied().filter(|&f| {
        estate[estate[f].from].category == riskfirst_model::catalog::TechCategory::Browser
            && also(f)
    });
    first_flow(estate, from_browser)
}

/// The longest chain of forwarders followed from a browser to a component: a CDN,
/// a WAF, a load balancer and a reverse proxy in a row.
const MAX_FORWARDERS: usize = 4;

/// How browsers reach `c`: directly (a flow from a browser that matches `outer`), or
/// through a chain of up to four forwarders in front of it (load balancers, reverse
/// proxies, WAFs, CDNs), each passing the request on by a flow that matches `inner`,
/// which is how most web applications are deployed. Returns the flows from the
/// browser's to the one into `c`. The shortest route wins; among routes of the same
/// length, the one found through [`first_flow`] at each step, so the facts naming it
/// do not depend on the model's order.
pub(crate) fn browser_route(
    estate: &Estate,
    c: ComponentIdx,
    outer: impl Fn(FlowIdx) -> bool + Copy,
    inner: impl Fn(FlowIdx) -> bool,
) -> Option<Vec<FlowIdx>> {
    if let Some(f) = browser_flow(estate, c, outer) {
        return Some(vec![f]);
    }
    // Breadth first, backwards from `c`: each entry is a forwarder reached and the
    // flows from it to `c`.
    let mut seen = vec![c];
    let mut frontier: Vec<(ComponentIdx, Vec<FlowIdx>)> = vec![(c, Vec::new())];
    for _ in 0..MAX_FORWARDERS {
        let mut next: Vec<(ComponentIdx, Vec<FlowIdx>)> = Vec::new();
        for (node, path) in &frontier {
            let mut flows: Vec<FlowIdx> = estate[*node]
                .incoming
                .iter()
                .copied()
                .filter(|&f| {
                    let fwd = estate[f].from;
                    inner(f) && is_forwarder(estate, fwd) && !seen.contains(&fwd)
                })
                .collect();
            // In `first_flow` order, so the route named is the same for any file order.
            while let Some(f) = first_flow(estate, flows.iter().copied()) {
                flows.retain(|x| *x != f);
                let fwd = estate[f].from;
                if seen.contains(&fwd) {
                    continue;
                }
                seen.push(fwd);
                let mut p = vec![f];
                p.extend(path.iter().copied());
                next.push((fwd, p));
            }
        }
        let found = next
            .iter()
            .filter_map(|(fwd, p)| browser_flow(estate, *fwd, outer).map(|b| (b, p)));
        if let Some(b) = first_flow(estate, found.clone().map(|(b, _)| b)) {
            let (_, p) = found.into_iter().find(|(x, _)| *x == b)?;
            let mut route = vec![b];
            route.extend(p.iter().copied());
            return Some(route);
        }
        if next.is_empty() {
            return None;
        }
        frontier = next;
    }
    None
}

/// "flow `a → b`, then `b → c`, then …": a route as the facts name it.
pub(crate) fn route_label(estate: &Estate, route: &[FlowIdx]) -> String {
    route
        .iter()
        .map(|f| crate::facts::flow_label(estate, *f))
        .collect::<Vec<_>>()
        .join(", then ")
}
