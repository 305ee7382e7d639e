//! riskfirst's analysis as the exports that carry its threats need it: every threat, the
//! rule-found ones too, with its level, the business impact in money and the controls that
//! act on it ([`Found`]).

use std::collections::HashMap;

use riskfirst_assess::{Action, Assessment};
use riskfirst_model::{Estate, SystemIdx};
use riskfirst_rules::{Analysis, Element};

use crate::Found;

/// The threats of `analysis` with their figures from `assessment` (whose `threats[i]` is
/// `analysis.threats[i]`), in the analysis' order.
pub fn found(estate: &Estate, analysis: &Analysis, assessment: &Assessment) -> Vec<Found> {
    let currency = &estate.organisation.currency.value;
    let files = estate.system_files();
    let written: HashMap<(&str, &str), Option<&String>> = files
        .iter()
        .flat_map(|s| {
            s.threats
                .iter()
                .filter(|t| t.title.is_some())
                .map(move |t| {
                    (
                        (s.system.id.value.as_str(), t.id.value.as_str()),
                        t.description.as_ref(),
                    )
                })
        })
        .collect();
    let levels = &assessment.settings.levels;
    analysis
        .threats
        .iter()
        .zip(&assessment.threats)
        .map(|(t, out)| {
            let system = estate[t.system].id().to_string();
            let mut elements: Vec<String> = t
                .elements
                .iter()
                .filter_map(|e| element_ref(estate, *e, t.system))
                .collect();
            if elements.is_empty() {
                // A threat on data alone: the components of its system that hold the data.
                for e in &t.elements {
                    if let Element::Data(d) = e {
                        for c in &estate[t.system].components {
                            let node = &estate[*c];
                            if node.stores.contains(d) || node.processes.contains(d) {
                                elements.push(node.id().to_string());
                            }
                        }
                    }
                }
                elements.dedup();
            }
            let description = if t.hand_written {
                written
                    .get(&(system.as_str(), t.id.as_str()))
                    .copied()
                    .flatten()
                    .cloned()
                    .unwrap_or_default()
            } else {
                let mut d = t.rule.summary.trim().to_string();
                if !t.facts.is_empty() {
                    if !d.is_empty() {
                        d.push(' ');
                    }
                    d.push_str(&format!("Found: {}.", t.facts.join("; ")));
                }
                d
            };
            let impact: Vec<String> = out
                .business_risks
                .iter()
                .filter_map(|id| estate.business_risks.iter().find(|r| r.id.value == *id))
                .map(|r| {
                    format!(
                        "{} ({} to {} {currency} per event)",
                        r.title, r.loss_per_event.low, r.loss_per_event.high
                    )
                })
                .collect();
            let action = match out.recommendation.action {
                Action::Mitigate => "mitigate",
                Action::Accept => "accept",
                Action::Review => "review",
                Action::Keep => "keep",
            };
            let mut mitigation = format!(
                "riskfirst recommends: {action} ({}).",
                out.recommendation.reason.trim_end_matches('.')
            );
            if !out.controls.is_empty() {
                mitigation.push_str(&format!(" Controls: {}.", out.controls.join(", ")));
            }
            Found {
                system,
                id: t.id.clone(),
                rule: (!t.hand_written).then(|| t.rule.code.clone()),
                title: t.title.clone(),
                stride: out.stride,
                status: t.status,
                elements,
                level: out.level.level.clone(),
                level_index: levels
                    .iter()
                    .position(|l| *l == out.level.level)
                    .unwrap_or(0),
                levels: levels.len(),
                description,
                impact: impact.join("; "),
                annual_loss: out.current_value(),
                mitigation,
                controls: out.controls.clone(),
            }
        })
        .collect()
}

/// A component or flow as the files of `system` name it: its id, or `SYSTEM/ID` for a
/// component of another system; `None` for data.
fn element_ref(estate: &Estate, e: Element, system: SystemIdx) -> Option<String> {
    match e {
        Element::Component(c) => {
            let node = &estate[c];
            Some(if node.system == system {
                node.id().to_string()
            } else {
                format!("{}/{}", estate[node.system].id(), node.id())
            })
        }
        Element::Flow(f) => Some(estate[f].raw.id.value.clone()),
        Element::Data(_) => None,
    }
}
