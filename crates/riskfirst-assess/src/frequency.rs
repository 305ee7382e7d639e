//! How often a threat happens: the rule's base range, adjusted by the facts of the model.
//!
//! Each adjustment multiplies both ends of the 90% range by a factor, so the
//! shape of the uncertainty (the ratio high/low) is kept and only its level
//! moves. The factors and their reasons are documented in `docs/risk-model.md`;
//! an organisation changes a factor in `risk.adjustments` of the root file.

use riskfirst_model::format::{Authentication, ComponentKind, Stride, ThreatStatus};
use riskfirst_model::{ComponentIdx, Estate, FlowIdx};
use riskfirst_rules::engine::Threat;
use riskfirst_rules::Element;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One adjustment applied to a threat, shown in the output so the number explains itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Adjustment {
    pub name: String,
    pub factor: f64,
    pub reason: String,
}

/// The built-in adjustments: (name, default factor, what it means).
pub const ADJUSTMENTS: &[(&str, f64, &str)] = &[
    (
        "internet-facing",
        2.0,
        "an element is reachable from the internet: more attackers can try",
    ),
    (
        "from-less-trusted-zone",
        1.5,
        "the threat is reached from a less trusted zone",
    ),
    (
        "no-authentication",
        1.5,
        "a flow into the target authenticates nobody",
    ),
    (
        "weak-authentication",
        1.2,
        "a flow into the target authenticates with a password or API key",
    ),
    (
        "restricted-data",
        1.5,
        "restricted data is involved: attackers seek it out",
    ),
    ("confidential-data", 1.2, "confidential data is involved"),
    (
        "public-data-only",
        0.5,
        "only public data is involved: little to gain",
    ),
    (
        "many-records",
        1.3,
        "more than one million records are involved: a prize worth effort",
    ),
    (
        "waf",
        0.6,
        "a web application firewall screens the traffic (injection, XSS, DoS)",
    ),
    (
        "rate-limited",
        0.7,
        "requests are rate limited (credential stuffing, DoS)",
    ),
    ("mfa", 0.4, "sign-in needs a second factor (spoofing)"),
    (
        "vpn",
        0.5,
        "every flow into the target from a less trusted zone arrives over a VPN",
    ),
];

/// The rules whose way in is a web request that a web application firewall screens:
/// injections, XSS, request forgery, path traversal, uploads, SSRF, floods.
pub const WAF_RULES: &[&str] = &[
    "T001", "T002", "T003", "T004", "T005", "T006", "T007", "T008", "T009", "T010", "T011", "I008",
    "D001", "D007", "D008", "D009",
];
/// The rules rate limiting slows: guessing and stuffing credentials, floods.
pub const RATE_LIMIT_RULES: &[&str] = &["S002", "S009", "D001", "D002", "D009"];
/// The rules a second factor stops: a stolen, guessed or replayed password alone.
pub const MFA_RULES: &[&str] = &["S002", "S008", "S009", "S010", "E004"];

/// The most the adjustments together may multiply or divide a base rate by.
pub const MAX_ADJUSTMENT: f64 = 4.0;

pub(crate) fn factor(estate: &Estate, name: &'static str) -> f64 {
    let overridden = estate.root.risk.as_ref().and_then(|r| {
        r.adjustments
            .iter()
            .find(|a| a.name.value == name)
            .map(|a| *a.factor)
    });
    overridden.unwrap_or_else(|| {
        ADJUSTMENTS
            .iter()
            .find(|a| a.0 == name)
            .map(|a| a.1)
            .unwrap_or(1.0)
    })
}

/// The components a threat is about: the components it names, and the receiving end of the flows it names.
pub fn target_components(estate: &Estate, threat: &Threat) -> Vec<ComponentIdx> {
    let mut out = Vec::new();
    for e in &threat.elements {
        match *e {
            Element::Component(c) => out.push(c),
            Element::Flow(f) => out.push(estate[f].to),
            Element::Data(_) => {}
        }
    }
    out.dedup();
    out
}

/// The flows through which the threat is reached: its own flows, else the flows into its components.
fn inbound_flows(estate: &Estate, threat: &Threat) -> Vec<FlowIdx> {
    let own: Vec<FlowIdx> = threat
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Flow(f) => Some(*f),
            _ => None,
        })
        .collect();
    if !own.is_empty() {
        return own;
    }
    target_components(estate, threat)
        .into_iter()
        .flat_map(|c| estate[c].incoming.iter().copied())
        .collect()
}

/// The data a threat touches: the data of its flows, else what its components process and store.
pub fn involved_data(estate: &Estate, threat: &Threat) -> Vec<riskfirst_model::DataIdx> {
    let mut out = Vec::new();
    for e in &threat.elements {
        match *e {
            Element::Flow(f) => out.extend(estate[f].data.iter().copied()),
            Element::Component(c) => {
                out.extend(estate[c].processes.iter().copied());
                out.extend(estate[c].stores.iter().copied());
            }
            Element::Data(d) => out.push(d),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The adjustments that apply to a threat. Hand-written threats and threats
/// whose frequency was set by a decision or an override are taken as given.
pub fn adjustments(estate: &Estate, threat: &Threat) -> Vec<Adjustment> {
    let mut out = Vec::new();
    let mut push = |name: &'static str, reason: String| {
        let f = factor(estate, name);
        if f != 1.0 {
            out.push(Adjustment {
                name: name.into(),
                factor: f,
                reason,
            });
        }
    };
    let targets = target_components(estate, threat);
    let stride = threat.rule.stride;

    let internet = targets
        .iter()
        .find(|c| estate[**c].raw.internet_facing || estate.zone_of(**c).trust() == 0);
    if let Some(c) = internet {
        push(
            "internet-facing",
            format!("`{}` is reachable from the internet", estate[*c].id()),
        );
    }
    let inbound = inbound_flows(estate, threat);
    let less_trusted = inbound.iter().find(|f| {
        let flow = &estate[**f];
        estate.zone_of(flow.from).trust() < estate.zone_of(flow.to).trust()
    });
    // Internet exposure already counts the least trusted callers.
    if let Some(f) = less_trusted.filter(|_| internet.is_none()) {
        let flow = &estate[*f];
        push(
            "from-less-trusted-zone",
            format!(
                "reached from `{}` (trust {}) into `{}` (trust {})",
                estate.zone_of(flow.from).id(),
                estate.zone_of(flow.from).trust(),
                estate.zone_of(flow.to).id(),
                estate.zone_of(flow.to).trust()
            ),
        );
    }
    let into_processes = inbound
        .iter()
        .filter(|f| estate[estate[**f].to].raw.kind != ComponentKind::ExternalEntity);
    let mut weakest: Option<(FlowIdx, Option<Authentication>)> = None;
    for f in into_processes {
        let auth = estate[*f].raw.authentication;
        let rank = |a: Option<Authentication>| match a {
            None | Some(Authentication::None) => 0,
            Some(a) if a.is_weak() => 1,
            _ => 2,
        };
        if weakest.is_none_or(|(_, w)| rank(auth) < rank(w)) {
            weakest = Some((*f, auth));
        }
    }
    match weakest {
        Some((f, None | Some(Authentication::None))) => push(
            "no-authentication",
            format!("flow `{}` has no authentication", estate[f].id()),
        ),
        Some((f, Some(a))) if a.is_weak() => push(
            "weak-authentication",
            format!("flow `{}` authenticates with `{a:?}`", estate[f].id()).to_lowercase(),
        ),
        _ => {}
    }

    // Each compensating fact acts only on the ways in it screens.
    let code = threat.rule.code.as_str();
    let custom = threat.rule.custom;
    let by_rule = |list: &[&str], categories: &[Stride]| {
        if custom {
            categories.contains(&stride)
        } else {
            list.contains(&code)
        }
    };
    if by_rule(WAF_RULES, &[Stride::Tampering, Stride::DenialOfService]) {
        if let Some(c) = targets.iter().find(|c| estate[**c].raw.waf == Some(true)) {
            push(
                "waf",
                format!("`{}` is behind a web application firewall", estate[*c].id()),
            );
        }
    }
    if by_rule(RATE_LIMIT_RULES, &[Stride::DenialOfService]) {
        if let Some(c) = targets
            .iter()
            .find(|c| estate[**c].raw.rate_limited == Some(true))
        {
            push(
                "rate-limited",
                format!("`{}` rate limits requests", estate[*c].id()),
            );
        }
    }
    if by_rule(MFA_RULES, &[Stride::Spoofing]) {
        if let Some(c) = targets.iter().find(|c| estate[**c].raw.mfa == Some(true)) {
            push(
                "mfa",
                format!("`{}` requires a second factor", estate[*c].id()),
            );
        }
    }
    if internet.is_some() || less_trusted.is_some() {
        if let Some(f) = inbound.iter().find(|f| estate[**f].raw.vpn) {
            if inbound.iter().all(|f| estate[*f].raw.vpn) {
                push(
                    "vpn",
                    format!("flow `{}` arrives over a VPN", estate[*f].id()),
                );
            }
        }
    }
    out
}

/// Where a threat's frequency comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FrequencySource {
    /// The rule's base range, adjusted.
    Rule,
    /// Set by the threat's decision in the system file.
    Decision,
    /// Set by `risk.overrides` in the root file.
    Override,
    /// A hand-written threat: its own range, or the default of its STRIDE category.
    HandWritten,
}

/// The frequency of a threat: a 90% range of events per year, with how it was reached.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreatFrequency {
    pub low: f64,
    pub high: f64,
    /// The exact expected events per year of the lognormal with this range.
    pub mean: f64,
    pub base: (f64, f64),
    pub source: FrequencySource,
    pub adjustments: Vec<Adjustment>,
}

pub fn frequency(estate: &Estate, threat: &Threat) -> ThreatFrequency {
    let base = (threat.frequency.low, threat.frequency.high);
    let overridden = estate.root.risk.as_ref().and_then(|r| {
        // A threat override beats a rule override; the first matching entry wins.
        r.overrides
            .iter()
            .find(|o| {
                o.threat
                    .as_ref()
                    .is_some_and(|p| riskfirst_rules::engine::pattern_matches(p, &threat.id))
            })
            .or_else(|| {
                r.overrides
                    .iter()
                    .find(|o| o.rule.as_ref().is_some_and(|c| c.value == threat.rule.code))
            })
            .map(|o| (o.frequency.low, o.frequency.high))
    });
    let (source, adjustments, (low, high)) = if threat
        .decision
        .as_ref()
        .is_some_and(|d| d.frequency.is_some())
    {
        (FrequencySource::Decision, Vec::new(), base)
    } else if threat.hand_written {
        (FrequencySource::HandWritten, Vec::new(), base)
    } else if let Some(range) = overridden {
        (FrequencySource::Override, Vec::new(), range)
    } else {
        let adj = adjustments(estate, threat);
        // Facts overlap (an internet-facing target is also reached from a less
        // trusted zone), so their product is bounded: no combination of facts
        // moves a rule's base rate by more than MAX_ADJUSTMENT either way.
        let k: f64 = adj
            .iter()
            .map(|a| a.factor)
            .product::<f64>()
            .clamp(1.0 / MAX_ADJUSTMENT, MAX_ADJUSTMENT);
        (FrequencySource::Rule, adj, (base.0 * k, base.1 * k))
    };
    let mean = riskfirst_risk::Dist::LogNormal90(riskfirst_risk::Range90 { low, high }).mean();
    ThreatFrequency {
        low,
        high,
        mean,
        base,
        source,
        adjustments,
    }
}

/// Whether a threat counts at all in risk: not-applicable threats do not.
pub fn counts(threat: &Threat) -> bool {
    threat.status != ThreatStatus::NotApplicable
}
