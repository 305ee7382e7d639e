//! From threats to business risk in money: the assessment behind `riskfirst analyze`.
//!
//! Takes a validated estate and the threats the rules found, builds the
//! portfolio the Monte Carlo engine simulates (frequency from the rule and
//! the model's facts, losses from the business risks each threat reaches,
//! controls by stage), and assembles the result: every roll-up in money and
//! in the organisation's qualitative levels, appetite, recommendations and
//! the return on each control. Pure: values in, values out.

pub mod diff;
pub mod frequency;
mod output;
pub mod reach;
pub mod rollup;

use std::collections::BTreeMap;

use riskfirst_model::format::{ControlStatus, Reduces as ModelReduces, ThreatStatus};
use riskfirst_model::{ComponentIdx, Date, Estate, RiskIdx};
use riskfirst_risk::{
    ControlEffect, ControlSpec, Dist, Effectiveness, Exposure, Group, LossTerm, Member, Portfolio,
    Range90, Reduces, SimConfig, Stage,
};
use riskfirst_rules::engine::{Analysis, Threat};

pub use output::*;

/// How to assess.
#[derive(Clone, Debug)]
pub struct AssessConfig {
    /// Simulated years; default: the estate's `risk.trials`, else 100,000.
    pub trials: Option<u64>,
    /// Default: the estate's `risk.seed`, else 1.
    pub seed: Option<u64>,
    /// The day acceptances are judged against.
    pub today: Option<Date>,
    /// Years over which one-off costs are spread for ROSI and plans.
    pub years: f64,
}

impl Default for AssessConfig {
    fn default() -> Self {
        AssessConfig {
            trials: None,
            seed: None,
            today: None,
            years: 3.0,
        }
    }
}

/// The default share of its effectiveness an implemented but unverified control keeps.
pub const DEFAULT_UNVERIFIED_WEIGHT: f64 = 0.5;

/// The portfolio of an estate, with what each exposure and control stands for.
#[derive(Clone, Debug)]
pub struct Built {
    pub portfolio: Portfolio,
    /// For each exposure, the index of its threat in `Analysis::threats`.
    pub exposure_threat: Vec<usize>,
    /// For each threat, its exposure (none for threats that do not count).
    pub threat_exposure: Vec<Option<usize>>,
    /// For each portfolio control up to `estate.controls.len()`, the estate control; implicit ones follow.
    pub estate_controls: usize,
    pub frequencies: Vec<frequency::ThreatFrequency>,
    pub reached: Vec<Vec<RiskIdx>>,
    /// For each threat, the estate controls acting on it.
    pub threat_controls: Vec<Vec<usize>>,
    pub unverified_weight: f64,
    /// Group index ranges, in the order they were added.
    pub group_index: GroupIndex,
    /// Which threats each system and team owns and inherits.
    pub rollups: rollup::Rollups,
}

#[derive(Clone, Debug, Default)]
pub struct GroupIndex {
    pub organisation: usize,
    pub business_risks: Vec<usize>,
    pub systems: Vec<usize>,
    pub teams: Vec<usize>,
    /// Per system: its inherited threats' group and its own-plus-inherited group, when it inherits any.
    pub systems_inherited: Vec<Option<(usize, usize)>>,
    /// Per team: the same.
    pub teams_inherited: Vec<Option<(usize, usize)>>,
    /// Components that are the target of at least one threat.
    pub components: Vec<(ComponentIdx, usize)>,
    /// For each threat, its group (none for threats that do not count).
    pub threats: Vec<Option<usize>>,
}

/// The key of a threat unique in the estate: `system:threat-id`.
pub fn threat_key(estate: &Estate, t: &Threat) -> String {
    format!("{}:{}", estate[t.system].id(), t.id)
}

fn stage_of(status: ControlStatus) -> Stage {
    match status {
        ControlStatus::Planned | ControlStatus::InProgress => Stage::Projected,
        ControlStatus::Implemented | ControlStatus::Verified => Stage::Current,
    }
}

fn effectiveness(low: f64, high: f64, weight: f64) -> Effectiveness {
    if low == high {
        Effectiveness::Fixed(low * weight)
    } else {
        Effectiveness::Range90(Range90 {
            low: low * weight,
            high: high * weight,
        })
    }
}

fn rate(low: f64, high: f64) -> Dist {
    if high <= 0.0 {
        Dist::Fixed(0.0)
    } else if low == high {
        Dist::Fixed(low)
    } else {
        Dist::LogNormal90(Range90 { low, high })
    }
}

/// Builds the portfolio: one exposure per counting threat, the estate's controls, and the roll-ups.
pub fn build(estate: &Estate, analysis: &Analysis) -> Built {
    let unverified_weight = estate
        .root
        .risk
        .as_ref()
        .and_then(|r| r.unverified_weight.as_ref().map(|w| **w))
        .unwrap_or(DEFAULT_UNVERIFIED_WEIGHT);
    let mut portfolio = Portfolio::default();
    for c in &estate.controls {
        let key = match c.system {
            Some(s) => format!("{}:{}", estate[s].id(), c.raw.id.value),
            None => c.raw.id.value.clone(),
        };
        let cost = c.raw.cost.as_ref().map(|c| **c).unwrap_or_default();
        portfolio.controls.push(ControlSpec {
            key,
            stage: Some(stage_of(*c.raw.status)),
            cost_once: cost.once,
            cost_yearly: cost.yearly,
        });
    }
    let estate_controls = portfolio.controls.len();

    let mut built = Built {
        portfolio,
        exposure_threat: Vec::new(),
        threat_exposure: vec![None; analysis.threats.len()],
        estate_controls,
        frequencies: Vec::with_capacity(analysis.threats.len()),
        reached: Vec::with_capacity(analysis.threats.len()),
        threat_controls: Vec::with_capacity(analysis.threats.len()),
        unverified_weight,
        group_index: GroupIndex::default(),
        rollups: rollup::rollups(estate, analysis),
    };

    for (i, t) in analysis.threats.iter().enumerate() {
        let freq = frequency::frequency(estate, t);
        let reached = reach::business_risks(estate, t);
        let mut controls = Vec::new();
        let mut effects = Vec::new();
        for (ci, c) in estate.controls.iter().enumerate() {
            let found = reach::effects(estate, c, ci, t);
            if !found.is_empty() {
                controls.push(ci);
            }
            let weight = if *c.raw.status == ControlStatus::Implemented {
                unverified_weight
            } else {
                1.0
            };
            for e in found {
                effects.push(ControlEffect {
                    control: e.control,
                    reduces: match e.reduces {
                        ModelReduces::Frequency => Reduces::Frequency,
                        ModelReduces::Loss => Reduces::Loss,
                    },
                    effectiveness: effectiveness(e.low, e.high, weight),
                });
            }
        }
        if frequency::counts(t) {
            if reach::transferred(t) {
                // The loss is borne by someone else from now on: an implicit control
                // that removes all of it in the current stage.
                built.portfolio.controls.push(ControlSpec {
                    key: format!("transfer:{}", threat_key(estate, t)),
                    stage: Some(Stage::Current),
                    cost_once: 0.0,
                    cost_yearly: 0.0,
                });
                effects.push(ControlEffect {
                    control: built.portfolio.controls.len() - 1,
                    reduces: Reduces::Loss,
                    effectiveness: Effectiveness::Fixed(1.0),
                });
            }
            let losses = reached
                .iter()
                .map(|r| {
                    let range = &estate[*r].loss_per_event;
                    let probability = estate[*r].probability.as_ref().map_or(1.0, |p| **p);
                    LossTerm {
                        business_risk: r.index(),
                        loss: rate(range.low, range.high),
                        probability,
                    }
                })
                .collect();
            built.threat_exposure[i] = Some(built.portfolio.exposures.len());
            built.exposure_threat.push(i);
            built.portfolio.exposures.push(Exposure {
                key: threat_key(estate, t),
                frequency: rate(freq.low, freq.high),
                losses,
                controls: effects,
            });
        }
        built.frequencies.push(freq);
        built.reached.push(reached);
        built.threat_controls.push(controls);
    }
    add_groups(estate, analysis, &mut built);
    built
}

fn add_groups(estate: &Estate, analysis: &Analysis, built: &mut Built) {
    let groups = &mut built.portfolio.groups;
    let mut push = |key: String, members: Vec<Member>| {
        groups.push(Group { key, members });
        groups.len() - 1
    };
    let all = |filter: &dyn Fn(&Threat) -> bool| -> Vec<Member> {
        built
            .exposure_threat
            .iter()
            .enumerate()
            .filter(|(_, t)| filter(&analysis.threats[**t]))
            .map(|(e, _)| Member {
                exposure: e,
                business_risk: None,
            })
            .collect()
    };
    let mut index = GroupIndex {
        organisation: push("organisation".into(), all(&|_| true)),
        ..GroupIndex::default()
    };
    for (r, risk) in estate.business_risks.iter().enumerate() {
        let members = built
            .exposure_threat
            .iter()
            .enumerate()
            .filter(|(_, t)| built.reached[**t].iter().any(|x| x.index() == r))
            .map(|(e, _)| Member {
                exposure: e,
                business_risk: Some(r),
            })
            .collect();
        index
            .business_risks
            .push(push(format!("business-risk:{}", risk.id.value), members));
    }
    // Own, inherited and own-plus-inherited groups of systems and teams.
    let members_of = |threats: &[usize]| -> Vec<Member> {
        threats
            .iter()
            .filter_map(|t| built.threat_exposure[*t])
            .map(|exposure| Member {
                exposure,
                business_risk: None,
            })
            .collect()
    };
    let r = &built.rollups;
    let with_inherited = |kind: &str,
                          id: &str,
                          own: &[usize],
                          inherited: &[usize],
                          push: &mut dyn FnMut(String, Vec<Member>) -> usize|
     -> (usize, Option<(usize, usize)>) {
        let own_group = push(format!("{kind}:{id}"), members_of(own));
        let inherited_members = members_of(inherited);
        if inherited_members.is_empty() {
            return (own_group, None);
        }
        let mut total = members_of(own);
        total.extend(inherited_members.iter().cloned());
        let i = push(format!("{kind}-inherited:{id}"), inherited_members);
        let t = push(format!("{kind}-with-inherited:{id}"), total);
        (own_group, Some((i, t)))
    };
    for s in estate.system_indices() {
        let (own, inherited) = with_inherited(
            "system",
            estate[s].id(),
            &r.system_own[s.index()],
            &r.system_inherited[s.index()],
            &mut push,
        );
        index.systems.push(own);
        index.systems_inherited.push(inherited);
    }
    for (ti, team) in estate.teams.iter().enumerate() {
        let (own, inherited) = with_inherited(
            "team",
            &team.id.value,
            &r.team_own[ti],
            &r.team_inherited[ti],
            &mut push,
        );
        index.teams.push(own);
        index.teams_inherited.push(inherited);
    }
    let mut by_component: BTreeMap<ComponentIdx, Vec<Member>> = BTreeMap::new();
    for (e, t) in built.exposure_threat.iter().enumerate() {
        if let Some(c) = rollup::primary_component(estate, analysis, *t) {
            by_component.entry(c).or_default().push(Member {
                exposure: e,
                business_risk: None,
            });
        }
    }
    for (c, members) in by_component {
        index.components.push((
            c,
            push(format!("component:{}", estate.qualified(c)), members),
        ));
    }
    index.threats = built
        .threat_exposure
        .iter()
        .enumerate()
        .map(|(ti, e)| {
            e.map(|e| {
                push(
                    format!("threat:{}", threat_key(estate, &analysis.threats[ti])),
                    vec![Member {
                        exposure: e,
                        business_risk: None,
                    }],
                )
            })
        })
        .collect();
    built.group_index = index;
}

/// Why an assessment could not be made.
#[derive(Debug)]
pub struct AssessError(pub String);

impl std::fmt::Display for AssessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AssessError {}

/// The simulation settings for an estate and a configuration.
pub fn sim_config(estate: &Estate, cfg: &AssessConfig) -> SimConfig {
    let risk = estate.root.risk.as_ref();
    SimConfig {
        trials: cfg
            .trials
            .or_else(|| risk.and_then(|r| r.trials.as_ref().map(|t| **t)))
            .unwrap_or(100_000),
        seed: cfg.seed.or_else(|| risk.and_then(|r| r.seed)).unwrap_or(1),
        // Groups beyond this are simulated in further batches, regenerating their
        // threats' losses; with sparse threats that is cheaper than the memory.
        memory_budget: 64 << 20,
        ..SimConfig::default()
    }
}

/// Assesses an estate: simulates and assembles every roll-up.
pub fn assess(
    estate: &Estate,
    analysis: &Analysis,
    cfg: &AssessConfig,
    progress: Option<riskfirst_risk::sim::Progress<'_>>,
) -> Result<Assessment, AssessError> {
    let built = build(estate, analysis);
    let sim = sim_config(estate, cfg);
    let result = riskfirst_risk::simulate_with_progress(&built.portfolio, &sim, progress)
        .map_err(|e| AssessError(e.to_string()))?;
    let rosi = riskfirst_risk::plan::rosi(&built.portfolio, &sim, cfg.years)
        .map_err(|e| AssessError(e.to_string()))?;
    Ok(output::assemble(
        estate, analysis, &built, &result, &rosi, &sim, cfg,
    ))
}

/// The controls a plan may choose: those not yet counting in the current stage.
pub fn plan_candidates(built: &Built) -> Vec<usize> {
    (0..built.estate_controls)
        .filter(|c| !built.portfolio.controls[*c].counts_in(Stage::Current))
        .collect()
}

/// Whether a threat is still open for decision purposes.
pub fn is_open(t: &Threat) -> bool {
    t.status == ThreatStatus::Open
}
