//! Why one threat was raised and what it is worth: the rule and facts behind it, where its
//! frequency comes from, the business risks it reaches, the controls on it, the loss
//! scenarios it opens and what closing it removes. A value, so the CLI prints it and a
//! server shows it as a page; the rule's own explanation stays in `riskfirst_rules`.

use riskfirst_model::format::ControlStatus;
use riskfirst_model::Estate;
use riskfirst_risk::Stage;
use riskfirst_rules::engine::Analysis;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::frequency::{Adjustment, FrequencySource};
use crate::value::Evaluator;
use crate::{Built, ThreatRef};

/// One threat, explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    pub threat: ThreatRef,
    /// The rule, the system, each element with where it is written, the facts, the decision
    /// and the owner, as readable text (`riskfirst_rules::explain`).
    pub why: String,
    pub frequency: FrequencyExplained,
    /// The business risks its loss scenarios reach, with the loss of one event to each.
    pub reaches: Vec<Reach>,
    /// The estate's controls acting on it.
    pub controls: Vec<ControlOn>,
    /// The loss scenarios it is a way into; empty when it opens none (money is then not
    /// put on it).
    pub ways_in: Vec<WayIn>,
    /// What closing it removes from the organisation's expected annual loss; `None` when
    /// it opens no scenario.
    pub closing: Option<Closing>,
}

/// Where the expected events a year come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FrequencyExplained {
    /// The rule's base range, before any adjustment, in events a year.
    pub base_low: f64,
    pub base_high: f64,
    /// The range used, after adjustments (or as set by a decision or override).
    pub low: f64,
    pub high: f64,
    pub mean: f64,
    pub source: FrequencySource,
    pub adjustments: Vec<Adjustment>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reach {
    pub business_risk: String,
    pub title: String,
    /// The 90% range of the loss of one event.
    pub loss_low: f64,
    pub loss_high: f64,
    /// The share of events that reach this risk, when the risk says so.
    pub probability: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ControlOn {
    pub id: String,
    pub title: String,
    pub status: ControlStatus,
}

/// One loss scenario the threat is a way into, at the current stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WayIn {
    /// The scenario's key, such as `breach:payments/cards`.
    pub scenario: String,
    /// How many other findings are ways into the same scenario.
    pub other_ways: usize,
    /// Expected loss events a year of the scenario.
    pub events: f64,
    /// Expected annual loss of the scenario.
    pub loss: f64,
}

/// The organisation's expected annual loss removed by closing the threat's weakness (this
/// finding and the open findings of the same rule on the same assets), by stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Closing {
    pub inherent: f64,
    pub current: f64,
    /// Once the planned controls are in place.
    pub projected: f64,
    /// The other open findings of the same rule on the same assets, closed with it.
    pub together_with: usize,
    /// The current loss removed by closing this finding alone, when others share its weakness.
    pub alone: Option<f64>,
}

/// No threat has the id asked for.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("no threat has the id `{asked}`")]
pub struct UnknownThreat {
    pub asked: String,
    /// The closest id there is, for a "did you mean".
    pub closest: Option<String>,
}

/// Explains the threats named `threat`: an id, or `system:id` to pick one system when
/// several have the same id. An id found in several systems is explained for each.
pub fn explain(
    estate: &Estate,
    analysis: &Analysis,
    built: &Built,
    threat: &str,
) -> Result<Vec<Explanation>, UnknownThreat> {
    let (system, id) = match threat.split_once(':') {
        Some((s, id)) => (Some(s), id),
        None => (None, threat),
    };
    let matches: Vec<usize> = analysis
        .threats
        .iter()
        .enumerate()
        .filter(|(_, t)| t.id == id && system.is_none_or(|s| estate[t.system].id() == s))
        .map(|(i, _)| i)
        .collect();
    if matches.is_empty() {
        let closest =
            riskfirst_model::diag::closest(id, analysis.threats.iter().map(|t| t.id.as_str()))
                .map(str::to_string);
        return Err(UnknownThreat {
            asked: threat.to_string(),
            closest,
        });
    }
    let ev = Evaluator::new(estate, analysis, built);
    let keeps: Vec<_> = Stage::ALL.iter().map(|s| ev.stage_keeps(*s)).collect();
    Ok(matches
        .into_iter()
        .map(|ti| {
            let t = &analysis.threats[ti];
            let single = Analysis {
                threats: vec![t.clone()],
                diagnostics: Vec::new(),
            };
            let why = riskfirst_rules::explain(estate, &single, &t.id).unwrap_or_default();
            let f = &built.frequencies[ti];
            let frequency = FrequencyExplained {
                base_low: f.base.0,
                base_high: f.base.1,
                low: f.low,
                high: f.high,
                mean: f.mean,
                source: f.source.clone(),
                adjustments: f.adjustments.clone(),
            };
            let reaches = built.reached[ti]
                .iter()
                .map(|r| {
                    let br = &estate[*r];
                    Reach {
                        business_risk: br.id.value.clone(),
                        title: br.title.clone(),
                        loss_low: br.loss_per_event.low,
                        loss_high: br.loss_per_event.high,
                        probability: br.probability.as_ref().map(|p| **p),
                    }
                })
                .collect();
            let controls = built.threat_controls[ti]
                .iter()
                .map(|ci| {
                    let c = &estate.controls[*ci].raw;
                    ControlOn {
                        id: c.id.value.clone(),
                        title: c.title.clone(),
                        status: *c.status,
                    }
                })
                .collect();
            let scenarios = &built.scenarios.of_threat[ti];
            let counted = !scenarios.is_empty() && crate::frequency::counts(t);
            let ways_in = if counted {
                scenarios
                    .iter()
                    .map(|si| {
                        let sc = &built.scenarios.list[*si];
                        let fig = built.figures(*si, &|t| keeps[1][t], None);
                        WayIn {
                            scenario: sc.key.to_string(),
                            other_ways: sc.ways.len().saturating_sub(1),
                            events: fig.events,
                            loss: fig.loss,
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let closing = counted.then(|| {
                let weakness = ev.weakness(ti);
                let removed = |k: &[_], w: &[usize]| ev.closing(k, w).organisation.loss.max(0.0);
                Closing {
                    inherent: removed(&keeps[0], &weakness),
                    current: removed(&keeps[1], &weakness),
                    projected: removed(&keeps[2], &weakness),
                    together_with: weakness.len() - 1,
                    alone: (weakness.len() > 1).then(|| removed(&keeps[1], &[ti])),
                }
            });
            Explanation {
                threat: ThreatRef::of(estate, t),
                why,
                frequency,
                reaches,
                controls,
                ways_in,
                closing,
            }
        })
        .collect())
}
