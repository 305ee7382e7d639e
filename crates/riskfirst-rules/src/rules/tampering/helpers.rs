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

/// How browsers reach `c`: directly (a flow from a browser), or through one
/// forwarder in front of it (a load balancer, reverse proxy, WAF or CDN that
/// a browser calls), which is how most web applications are deployed.
/// Returns the flow into `c` and, through a forwarder, the browser's flow
/// into that forwarder; direct flows come first.
pub(crate) fn browser_path(estate: &Estate, c: ComponentIdx) -> Option<(FlowIdx, Option<FlowIdx>)> {
    if let Some(f) = browser_flow(estate, c, |_| true) {
        return Some((f, None));
    }
    let via = estate[c].incoming.iter().copied().filter(|&f| {
        let fwd = estate[f].from;
        is_forwarder(estate, fwd) && browser_flow(estate, fwd, |_| true).is_some()
    });
    let f = first_flow(estate, via)?;
    let outer = browser_flow(estate, estate[f].from, |_| true)?;
    Some((f, Some(outer)))
}
