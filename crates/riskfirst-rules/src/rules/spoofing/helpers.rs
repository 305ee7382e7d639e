//! Queries and phrases shared by the spoofing, tampering and repudiation rules.
//!
//! They live beside the spoofing rules because those come first in the
//! registry; the tampering and repudiation rules import them from here so that
//! the same condition ("exposed to less trusted callers", "runs custom code")
//! means the same thing, and reads the same in facts, in every rule.

use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{Authentication, Classification, ComponentKind};
use riskfirst_model::{ComponentIdx, DataIdx, Estate, FlowIdx, FlowNode, SystemIdx};

use crate::facts::{data_label, in_scope};

/// The name of an authentication method as written in the model.
pub(crate) fn auth_name(a: Authentication) -> &'static str {
    match a {
        Authentication::None => "none",
        Authentication::Password => "password",
        Authentication::ApiKey => "api-key",
        Authentication::Session => "session",
        Authentication::Token => "token",
        Authentication::Oauth2 => "oauth2",
        Authentication::Oidc => "oidc",
        Authentication::Saml => "saml",
        Authentication::Mtls => "mtls",
        Authentication::Certificate => "certificate",
        Authentication::Kerberos => "kerberos",
        Authentication::Iam => "iam",
    }
}

/// How a flow lacks authentication, as a phrase ("has no `authentication`"),
/// or `None` when it authenticates the caller. An absent `authentication`
/// counts as none: a model that does not say cannot be credited with it.
pub(crate) fn missing_authentication(flow: &FlowNode) -> Option<&'static str> {
    match flow.raw.authentication {
        None => Some("has no `authentication`"),
        Some(Authentication::None) => Some("has `authentication: none`"),
        Some(_) => None,
    }
}

/// Both ends of the flow are in scope.
pub(crate) fn flow_in_scope(estate: &Estate, f: FlowIdx) -> bool {
    let flow = &estate[f];
    in_scope(estate, flow.from) && in_scope(estate, flow.to)
}

/// The component as named from `system`, in backticks.
pub(crate) fn label(estate: &Estate, c: ComponentIdx, system: SystemIdx) -> String {
    let mut out = String::with_capacity(32);
    out.push('`');
    crate::facts::push_component_ref(&mut out, estate, c, system);
    out.push('`');
    out
}

/// The technology as written in the model.
pub(crate) fn technology(estate: &Estate, c: ComponentIdx) -> &str {
    &estate[c].raw.technology.value
}

pub(crate) fn is_category(estate: &Estate, c: ComponentIdx, categories: &[TechCategory]) -> bool {
    categories.contains(&estate[c].category)
}

/// A process that runs code written by the organisation. Without an explicit
/// `custom_code`, web applications, APIs, functions and batch jobs count as
/// custom code, as they nearly always are; products (databases, proxies,
/// SaaS) do not.
pub(crate) fn runs_custom_code(estate: &Estate, c: ComponentIdx) -> bool {
    let node = &estate[c];
    if node.raw.kind != ComponentKind::Process {
        return false;
    }
    node.raw.custom_code.unwrap_or(matches!(
        node.category,
        TechCategory::WebApplication
            | TechCategory::Api
            | TechCategory::Function
            | TechCategory::BatchJob
    ))
}

/// A person's device: a browser, a mobile or desktop app, or an external entity used by people.
pub(crate) fn is_client(estate: &Estate, c: ComponentIdx) -> bool {
    let node = &estate[c];
    matches!(
        node.category,
        TechCategory::Browser | TechCategory::MobileApp | TechCategory::DesktopApp
    ) || (node.raw.kind == ComponentKind::ExternalEntity && node.raw.human_use)
}

/// Infrastructure that forwards traffic rather than acting on it; the
/// component behind it is where authentication and input handling belong.
pub(crate) fn is_forwarder(estate: &Estate, c: ComponentIdx) -> bool {
    is_category(
        estate,
        c,
        &[
            TechCategory::LoadBalancer,
            TechCategory::ReverseProxy,
            TechCategory::Waf,
            TechCategory::Cdn,
        ],
    )
}

/// Why callers less trusted than the component can reach it, as a fact, or
/// `None` when only equally or more trusted components call it. Checked in a
/// fixed order (internet-facing, internet zone, then the first incoming flow
/// from a less trusted zone) so the fact is deterministic.
pub(crate) fn exposure(estate: &Estate, c: ComponentIdx, system: SystemIdx) -> Option<String> {
    let node = &estate[c];
    let name = label(estate, c, system);
    if node.raw.internet_facing {
        return Some(format!("{name} is internet-facing"));
    }
    let zone = estate.zone_of(c);
    if zone.trust() == 0 {
        return Some(format!("{name} is in zone `{}` (trust 0)", zone.id()));
    }
    let crossing = node
        .incoming
        .iter()
        .copied()
        .filter(|&f| estate.zone_of(estate[f].from).trust() < zone.trust());
    let f = first_flow(estate, crossing)?;
    let from = estate.zone_of(estate[f].from);
    Some(format!(
        "flow {} comes from zone `{}` (trust {}) into `{}` (trust {})",
        crate::facts::flow_label(estate, f),
        from.id(),
        from.trust(),
        zone.id(),
        zone.trust()
    ))
}

/// The flow to name in a fact when several qualify: the first by its ends'
/// system and component ids, then its own. Index order would follow the order of the
/// files and of the lists in them, and facts must not change when a user
/// reorders a file.
pub(crate) fn first_flow(estate: &Estate, flows: impl Iterator<Item = FlowIdx>) -> Option<FlowIdx> {
    // Borrowed keys: this runs inside per-component loops over large estates.
    let key = |f: FlowIdx| {
        let flow = &estate[f];
        let (from, to) = (&estate[flow.from], &estate[flow.to]);
        (
            estate[from.system].id(),
            from.id(),
            estate[to.system].id(),
            to.id(),
            estate[flow.system].id(),
            flow.id(),
        )
    };
    flows.min_by(|&a, &b| key(a).cmp(&key(b)))
}

/// The component to name in a fact when several qualify: the first by system and component id.
pub(crate) fn first_component(
    estate: &Estate,
    components: impl Iterator<Item = ComponentIdx>,
) -> Option<ComponentIdx> {
    let key = |c: ComponentIdx| (estate[estate[c].system].id(), estate[c].id());
    components.min_by(|&a, &b| key(a).cmp(&key(b)))
}

/// The most sensitive data asset in `data` at or above `at_least`; among
/// equally sensitive ones the first by id, so the choice does not depend on
/// the order in which the model lists them.
pub(crate) fn most_sensitive_stable(
    estate: &Estate,
    data: &[DataIdx],
    at_least: Classification,
) -> Option<DataIdx> {
    data.iter()
        .copied()
        .filter(|d| estate[*d].raw.classification >= at_least)
        .min_by(|a, b| {
            let (da, db) = (&estate[*a], &estate[*b]);
            db.raw
                .classification
                .cmp(&da.raw.classification)
                .then_with(|| estate[da.system].id().cmp(estate[db.system].id()))
                .then_with(|| da.id().cmp(db.id()))
        })
}

/// "`db` stores `cards` (restricted)": the most sensitive data the component
/// stores (preferred, as stored data is the larger prize) or processes, at or
/// above `at_least`.
pub(crate) fn holds_fact(
    estate: &Estate,
    c: ComponentIdx,
    system: SystemIdx,
    at_least: Classification,
) -> Option<String> {
    let node = &estate[c];
    let stored = most_sensitive_stable(estate, &node.stores, at_least);
    let processed = most_sensitive_stable(estate, &node.processes, at_least);
    let rank = |d: Option<DataIdx>| d.map(|d| estate[d].raw.classification);
    // The name only once there is something to say: this runs for every candidate.
    let name = || label(estate, c, system);
    match (stored, processed) {
        (Some(s), p) if rank(Some(s)) >= rank(p) => {
            Some(format!("{} stores {}", name(), data_label(estate, s)))
        }
        (_, Some(p)) => Some(format!("{} processes {}", name(), data_label(estate, p))),
        _ => None,
    }
}

/// "it carries `cards` (restricted)" for the most sensitive data on a flow at or above `at_least`.
pub(crate) fn carries_fact(
    estate: &Estate,
    f: FlowIdx,
    at_least: Classification,
) -> Option<String> {
    most_sensitive_stable(estate, &estate[f].data, at_least)
        .map(|d| format!("it carries {}", data_label(estate, d)))
}

/// "`mfa: false`" or "no `mfa`", when sign-in does not require a second factor.
pub(crate) fn missing_mfa(estate: &Estate, c: ComponentIdx) -> Option<&'static str> {
    match estate[c].raw.mfa {
        Some(true) => None,
        Some(false) => Some("`mfa: false`"),
        None => Some("no `mfa`"),
    }
}

pub(crate) fn kind_word(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Datastore => "datastore",
        ComponentKind::Process => "process",
        ComponentKind::ExternalEntity => "external entity",
    }
}
