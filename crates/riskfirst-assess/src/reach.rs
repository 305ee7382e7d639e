//! Which business risks a threat reaches, and which controls act on it.

use riskfirst_model::format::{Reduces, Stride, ThreatStatus};
use riskfirst_model::{ControlNode, Estate, RiskIdx};
use riskfirst_rules::engine::{pattern_matches, Threat};
use riskfirst_rules::Element;

use crate::frequency::{involved_data, target_components};

/// Business risks reached by one event of the threat.
///
/// Confidentiality and integrity threats (spoofing, tampering, repudiation,
/// information disclosure) reach the business risks of the data they touch;
/// availability threats reach those of the components (or, for a component
/// that names none, of its system);
/// elevation of privilege reaches both, since an attacker with more rights
/// can read, change and stop. Links written on the threat's decision are
/// added. When the data carries no business risk, a confidentiality or
/// integrity threat falls back to the components' and system's risks, so a
/// threat is never silently worth nothing when the model says what it hurts.
pub fn business_risks(estate: &Estate, threat: &Threat) -> Vec<RiskIdx> {
    if is_model_check(threat) {
        return Vec::new();
    }
    // A person who wrote a threat by hand and said what it hurts knows best.
    if threat.hand_written {
        if let Some(d) = threat
            .decision
            .as_ref()
            .filter(|d| !d.business_risks.is_empty())
        {
            let mut out = d.business_risks.clone();
            out.sort();
            out.dedup();
            return out;
        }
    }
    let mut data_risks: Vec<RiskIdx> = involved_data(estate, threat)
        .iter()
        .flat_map(|d| estate[*d].business_risks.iter().copied())
        .collect();
    // A component's own business risks say what its failure costs; the
    // system's apply to components that name none.
    let mut component_risks: Vec<RiskIdx> = Vec::new();
    for c in target_components(estate, threat) {
        if estate[c].business_risks.is_empty() {
            component_risks.extend(estate[estate[c].system].business_risks.iter().copied());
        } else {
            component_risks.extend(estate[c].business_risks.iter().copied());
        }
    }
    if threat.elements.is_empty() {
        component_risks.extend(estate[threat.system].business_risks.iter().copied());
    }
    let mut out = match threat.rule.stride {
        Stride::DenialOfService => component_risks,
        Stride::ElevationOfPrivilege => {
            data_risks.extend(component_risks);
            data_risks
        }
        _ if data_risks.is_empty() => component_risks,
        _ => data_risks,
    };
    if let Some(d) = &threat.decision {
        out.extend(d.business_risks.iter().copied());
    }
    out.sort();
    out.dedup();
    out
}

/// A control's effect on one threat.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    pub control: usize,
    pub reduces: Reduces,
    pub low: f64,
    pub high: f64,
}

/// The mitigations of `control` that select `threat`; every selector a mitigation gives must match.
pub fn effects(
    estate: &Estate,
    control: &ControlNode,
    index: usize,
    threat: &Threat,
) -> Vec<Effect> {
    if let Some(sys) = control.system {
        if sys != threat.system {
            return Vec::new();
        }
    }
    let qualified = format!("{}:{}", estate[threat.system].id(), threat.id);
    let mut out = Vec::new();
    for m in &control.raw.mitigates {
        let threats_ok = m.threats.is_empty()
            || m.threats.iter().any(|p| {
                if p.contains(':') {
                    pattern_matches(p, &qualified)
                } else {
                    pattern_matches(p, &threat.id)
                }
            });
        let rules_ok = m.rules.is_empty() || m.rules.iter().any(|r| r.value == threat.rule.code);
        let stride_ok = m.stride.is_empty() || m.stride.contains(&threat.rule.stride);
        let elements_ok = m.elements.is_empty()
            || m.elements.iter().any(|name| {
                threat
                    .elements
                    .iter()
                    .any(|e| names(estate, *e, threat, name))
            });
        if threats_ok && rules_ok && stride_ok && elements_ok {
            let e = *m.effectiveness;
            out.push(Effect {
                control: index,
                reduces: m.reduces,
                low: e.low(),
                high: e.high(),
            });
        }
    }
    out
}

/// Whether `name` (as written in a control of the threat's system, or qualified) names the element.
fn names(estate: &Estate, element: Element, threat: &Threat, name: &str) -> bool {
    match element {
        Element::Component(c) => {
            estate.component_ref(c, threat.system) == name || estate.qualified(c) == name
        }
        Element::Flow(f) => {
            let flow = &estate[f];
            flow.id() == name
                || estate.component_ref(flow.to, threat.system) == name
                || estate.component_ref(flow.from, threat.system) == name
                || estate.qualified(flow.to) == name
        }
        Element::Data(d) => estate[d].id() == name,
    }
}

/// Whether the threat's risk has been handed to someone else (insurance, a vendor).
pub fn transferred(threat: &Threat) -> bool {
    threat.status == ThreatStatus::Transferred
}

/// Model failures (T090–T099: data nothing uses, a flow that carries nothing,
/// an unknown technology) are findings about the model, not events that cost
/// money; they reach no business risk and are shown for review.
pub fn is_model_check(threat: &Threat) -> bool {
    let code = threat.rule.code.as_str();
    !threat.rule.custom && code.len() == 4 && code.starts_with("T09")
}
