//! The assessment as data: the stable JSON contract of `riskfirst analyze --format json`
//! (documented in `docs/json-output.md`), and how it is assembled from a simulation.

use riskfirst_model::format::{ControlStatus, ThreatStatus};
use riskfirst_model::{Estate, Scales};
use riskfirst_risk::plan::ControlRosi;
use riskfirst_risk::{analytic_mean, LossStats, Reduces, SimConfig, SimResult, Stage};
use riskfirst_rules::engine::{element_name, Analysis, Threat};
use serde::Serialize;

use crate::frequency::{Adjustment, FrequencySource};
use crate::{AssessConfig, Built};

/// Version of the JSON contract; bumped only on incompatible changes.
pub const OUTPUT_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    pub output_version: u32,
    pub generator: String,
    pub settings: Settings,
    pub summary: Summary,
    pub organisation: OrganisationOut,
    pub business_risks: Vec<RiskOut>,
    pub systems: Vec<RollupOut>,
    pub teams: Vec<RollupOut>,
    pub components: Vec<RollupOut>,
    pub threats: Vec<ThreatOut>,
    pub controls: Vec<ControlOut>,
    pub appetite: Vec<AppetiteOut>,
    /// Items nobody can be held to account for (see docs/json-output.md).
    pub unowned: Vec<UnownedOut>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub trials: u64,
    pub seed: u64,
    pub currency: String,
    pub unverified_weight: f64,
    /// Years over which one-off control costs are spread (ROSI).
    pub years: f64,
    /// Risk levels, lowest first.
    pub levels: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub systems: usize,
    pub components: usize,
    pub flows: usize,
    pub threats: usize,
    pub by_status: StatusCounts,
    /// Open threats by current level, highest first.
    pub open_by_level: Vec<(String, usize)>,
    pub by_recommendation: RecommendationCounts,
    /// Threats that reach no business risk, so carry no money.
    pub unquantified: usize,
    /// Appetite statements breached at the current stage, and still after the planned controls.
    pub appetite_breached: usize,
    pub appetite_breached_projected: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct StatusCounts {
    pub open: usize,
    pub mitigated: usize,
    pub accepted: usize,
    pub transferred: usize,
    pub not_applicable: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct RecommendationCounts {
    pub mitigate: usize,
    pub accept: usize,
    pub review: usize,
}

/// Annual loss statistics of one roll-up at one stage.
#[derive(Clone, Debug, Serialize)]
pub struct LossBlock {
    /// Exact expected annual loss.
    pub mean: f64,
    /// The same, estimated by the simulation (a check on the engine).
    pub mean_simulated: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// Probability of any loss in a year.
    pub p_any_loss: f64,
    /// Loss exceedance curve: probability that the annual loss exceeds `loss`.
    pub lec: Vec<riskfirst_risk::LecPoint>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Losses {
    pub inherent: LossBlock,
    pub current: LossBlock,
    pub projected: LossBlock,
}

impl Assessment {
    /// The business risks, largest current expected annual loss first (ties by id): the
    /// order every report lists them in.
    pub fn business_risks_by_loss(&self) -> Vec<&RiskOut> {
        let mut risks: Vec<&RiskOut> = self.business_risks.iter().collect();
        risks.sort_by(|x, y| {
            y.annual_loss
                .current
                .mean
                .total_cmp(&x.annual_loss.current.mean)
                .then_with(|| x.id.cmp(&y.id))
        });
        risks
    }
}

impl Losses {
    pub fn get(&self, stage: Stage) -> &LossBlock {
        match stage {
            Stage::Inherent => &self.inherent,
            Stage::Current => &self.current,
            Stage::Projected => &self.projected,
        }
    }
}

/// The qualitative view of a roll-up at the current stage, derived from the same numbers.
#[derive(Clone, Debug, Serialize)]
pub struct LevelOut {
    pub level: String,
    pub likelihood: String,
    pub impact: String,
    /// Expected events per year.
    pub events_per_year: f64,
    /// Expected loss per event.
    pub loss_per_event: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrganisationOut {
    pub name: String,
    pub currency: String,
    pub annual_loss: Losses,
    pub level: LevelOut,
}

#[derive(Clone, Debug, Serialize)]
pub struct RiskOut {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub loss_per_event: riskfirst_model::format::Range,
    pub annual_loss: Losses,
    pub level: LevelOut,
    pub threats: usize,
    /// The threats that add most to its current expected annual loss, largest first (at most 5).
    pub top_threats: Vec<Contribution>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Contribution {
    pub threat: String,
    pub system: String,
    pub mean: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct RollupOut {
    pub id: String,
    pub name: String,
    /// The owning team (for systems and components).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub threats: usize,
    pub open: usize,
    pub annual_loss: Losses,
    pub level: LevelOut,
    /// Systems and teams: the threats of shared components of other systems they use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited: Option<InheritedOut>,
    /// Components: the other systems that use it, and so inherit its threats.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
}

/// What a system or team inherits from the shared components it uses. Its own figures
/// (`annual_loss`) leave these out, so own figures add up to the organisation's.
#[derive(Clone, Debug, Serialize)]
pub struct InheritedOut {
    /// The shared components the inherited threats are about, as `system/component`.
    pub from: Vec<String>,
    /// The inherited threats, as `system:threat-id`.
    pub threats: Vec<String>,
    pub open: usize,
    /// The inherited threats alone.
    pub annual_loss: Losses,
    /// Own and inherited together: the risk the system or team lives with.
    pub with_inherited: Losses,
}

/// An item with no one to answer for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnownedOut {
    /// `team`, `business-risk` or `assumption`.
    pub kind: String,
    pub id: String,
    /// The system whose file holds it, for assumptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FrequencyOut {
    pub low: f64,
    pub high: f64,
    pub mean: f64,
    pub base: (f64, f64),
    pub source: FrequencySource,
    pub adjustments: Vec<Adjustment>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DecisionOut {
    pub entry: String,
    pub justification: Option<String>,
    pub approved_by: Option<String>,
    pub expires: Option<String>,
    pub expired: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Worth engineering time: it is above appetite.
    Mitigate,
    /// Under appetite: not worth engineering time; record the acceptance.
    Accept,
    /// A person must look: no money can be put on it, or its acceptance expired.
    Review,
    /// Already decided (accepted, mitigated, transferred, not applicable).
    Keep,
}

#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    pub action: Action,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ThreatOut {
    pub id: String,
    pub system: String,
    pub rule: String,
    pub name: String,
    pub stride: riskfirst_model::format::Stride,
    pub title: String,
    pub elements: Vec<String>,
    pub facts: Vec<String>,
    pub business_risks: Vec<String>,
    pub status: ThreatStatus,
    pub owner: String,
    pub decision: Option<DecisionOut>,
    pub level: LevelOut,
    pub recommendation: Recommendation,
    pub frequency: FrequencyOut,
    pub controls: Vec<String>,
    /// Absent for threats that do not count (not applicable).
    pub annual_loss: Option<Losses>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ControlOut {
    pub id: String,
    /// The system whose file holds it; absent for the estate's library.
    pub system: Option<String>,
    pub title: String,
    pub owner: String,
    pub status: ControlStatus,
    pub cost_once: f64,
    pub cost_yearly: f64,
    /// One-off cost spread over the years, plus the yearly cost.
    pub annual_cost: f64,
    pub due: Option<String>,
    pub evidence: Vec<String>,
    pub threats: Vec<String>,
    /// Exact expected annual loss it removes (see docs/risk-model.md).
    pub loss_removed: f64,
    pub loss_removed_simulated: f64,
    /// (loss removed − annual cost) / annual cost; absent when free.
    pub rosi: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AppetiteOut {
    pub id: Option<String>,
    pub description: String,
    pub business_risk: Option<String>,
    /// `mean`, `p50`, … or `max_open_level`.
    pub measure: String,
    pub limit: serde_json::Value,
    pub current: serde_json::Value,
    pub projected: serde_json::Value,
    pub breached: bool,
    pub breached_projected: bool,
}

/// The share of an exposure's expected loss that goes to business risk `r`. A term's
/// expected loss per event is its mean times the chance it follows an event; loss controls
/// scale every term alike, so the share is the same in every stage.
fn risk_share(e: &riskfirst_risk::Exposure, r: usize) -> f64 {
    let expected = |l: &riskfirst_risk::LossTerm| l.loss.mean() * l.probability;
    let to_r: f64 = e
        .losses
        .iter()
        .filter(|l| l.business_risk == r)
        .map(expected)
        .sum();
    to_r / e
        .losses
        .iter()
        .map(expected)
        .sum::<f64>()
        .max(f64::MIN_POSITIVE)
}

fn block(stats: &LossStats, exact: f64) -> LossBlock {
    LossBlock {
        // An empty sum of f64 is -0.0; adding +0.0 makes it 0 so the JSON never says `-0.0`.
        mean: exact + 0.0,
        mean_simulated: stats.mean,
        p50: stats.p50,
        p90: stats.p90,
        p95: stats.p95,
        p99: stats.p99,
        p_any_loss: stats.p_any_loss,
        lec: stats.lec.clone(),
    }
}

fn losses(result: &SimResult, group: usize) -> Losses {
    let g = &result.groups[group];
    Losses {
        inherent: block(&g.stats.inherent, g.analytic_mean.inherent),
        current: block(&g.stats.current, g.analytic_mean.current),
        projected: block(&g.stats.projected, g.analytic_mean.projected),
    }
}

/// Expected events per year of an exposure at a stage (frequency controls applied).
fn events(p: &riskfirst_risk::Portfolio, exposure: usize, stage: Stage) -> f64 {
    let e = &p.exposures[exposure];
    let mut rate = e.frequency.mean();
    for c in &e.controls {
        if c.reduces == Reduces::Frequency && p.controls[c.control].counts_in(stage) {
            rate *= 1.0 - c.effectiveness.mean();
        }
    }
    rate
}

fn level(scales: &Scales, events_per_year: f64, annual_loss: f64) -> LevelOut {
    // Roll-ups nothing reaches sum to -0.0; show them as 0.
    let (events_per_year, annual_loss) = (events_per_year + 0.0, annual_loss + 0.0);
    let loss_per_event = if events_per_year > 0.0 {
        annual_loss / events_per_year
    } else {
        0.0
    };
    let l = scales.likelihood_index(events_per_year);
    let i = scales.impact_index(loss_per_event);
    let r = scales.risk_index(l, i);
    LevelOut {
        level: scales.risk.get(r).cloned().unwrap_or_default(),
        likelihood: scales
            .likelihood
            .get(l)
            .map(|x| x.0.clone())
            .unwrap_or_default(),
        impact: scales
            .impact
            .get(i)
            .map(|x| x.0.clone())
            .unwrap_or_default(),
        events_per_year,
        loss_per_event,
    }
}

/// Money as people read it: `€1.2M`, `€350k`, `€900`.
pub fn money(amount: f64, currency: &str) -> String {
    let symbol = match currency {
        "EUR" => "€".to_string(),
        "USD" => "$".to_string(),
        "GBP" => "£".to_string(),
        other => format!("{other} "),
    };
    let a = amount.abs();
    let text = if a >= 1e9 {
        format!("{:.1}bn", a / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", a / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{a:.0}")
    };
    let sign = if amount < 0.0 { "-" } else { "" };
    format!("{sign}{symbol}{text}")
}

pub(crate) fn assemble(
    estate: &Estate,
    analysis: &Analysis,
    built: &Built,
    result: &SimResult,
    rosi: &[ControlRosi],
    sim: &SimConfig,
    cfg: &AssessConfig,
) -> Assessment {
    let p = &built.portfolio;
    let scales = &estate.scales;
    let currency = estate.organisation.currency.value.clone();
    let gi = &built.group_index;

    // Events per year at the current stage for any set of exposures (business-risk
    // roll-ups count an event once per threat, whatever it reaches).
    let group_events = |group: usize| -> f64 {
        p.groups[group]
            .members
            .iter()
            .map(|m| events(p, m.exposure, Stage::Current))
            .sum()
    };
    let rollup_level = |group: usize| {
        level(
            scales,
            group_events(group),
            result.groups[group].analytic_mean.current,
        )
    };

    // Appetite first: recommendations depend on it.
    let mut appetite = Vec::new();
    let mut breached_risks: Vec<usize> = Vec::new();
    // A statement on the whole organisation's annual loss is breached.
    let mut organisation_breached = false;
    let mut max_open: Option<usize> = None;
    for statement in &estate.appetite {
        let description = statement.description.clone().unwrap_or_default();
        if let Some(limit) = &statement.max_annual_loss {
            let (group, risk) = match &statement.business_risk {
                Some(id) => match estate.business_risk(id) {
                    Some(r) => (gi.business_risks[r.index()], Some(id.value.clone())),
                    None => continue,
                },
                None => (gi.organisation, None),
            };
            let g = &result.groups[group];
            for (measure, value) in [
                ("mean", &limit.mean),
                ("p50", &limit.p50),
                ("p90", &limit.p90),
                ("p95", &limit.p95),
                ("p99", &limit.p99),
            ] {
                let Some(value) = value else { continue };
                let stat = |stage: Stage| -> f64 {
                    let s = g.stats.get(stage);
                    match measure {
                        "mean" => *g.analytic_mean.get(stage),
                        "p50" => s.p50,
                        "p90" => s.p90,
                        "p95" => s.p95,
                        _ => s.p99,
                    }
                };
                let (current, projected) = (stat(Stage::Current), stat(Stage::Projected));
                let breached = current > **value;
                if breached {
                    match &statement.business_risk {
                        Some(id) => {
                            if let Some(r) = estate.business_risk(id) {
                                breached_risks.push(r.index());
                            }
                        }
                        None => organisation_breached = true,
                    }
                }
                appetite.push(AppetiteOut {
                    id: statement.id.as_ref().map(|i| i.value.clone()),
                    description: description.clone(),
                    business_risk: risk.clone(),
                    measure: measure.to_string(),
                    limit: serde_json::json!(**value),
                    current: serde_json::json!(current),
                    projected: serde_json::json!(projected),
                    breached,
                    breached_projected: projected > **value,
                });
            }
        }
        if let Some(level_name) = &statement.max_open_level {
            if let Some(limit) = scales.risk_level_index(level_name) {
                max_open = Some(max_open.map_or(limit, |m: usize| m.min(limit)));
            }
        }
    }

    let mut threats = Vec::with_capacity(analysis.threats.len());
    let mut summary = Summary {
        systems: estate.systems.len(),
        components: estate.components.len(),
        flows: estate.flows.len(),
        threats: analysis.threats.len(),
        ..Summary::default()
    };
    let mut open_levels = vec![0usize; scales.risk.len()];
    let mut above_appetite: Vec<(usize, usize)> = Vec::new();
    for (ti, t) in analysis.threats.iter().enumerate() {
        let exposure = built.threat_exposure[ti];
        let group = gi.threats[ti];
        let annual_loss = group.map(|g| losses(result, g));
        let current_mean = group.map_or(0.0, |g| result.groups[g].analytic_mean.current);
        let ev = exposure.map_or(0.0, |e| events(p, e, Stage::Current));
        let lvl = level(scales, ev, current_mean);
        let level_index = scales.risk_level_index(&lvl.level).unwrap_or(0);
        match t.status {
            ThreatStatus::Open => summary.by_status.open += 1,
            ThreatStatus::Mitigated => summary.by_status.mitigated += 1,
            ThreatStatus::Accepted => summary.by_status.accepted += 1,
            ThreatStatus::Transferred => summary.by_status.transferred += 1,
            ThreatStatus::NotApplicable => summary.by_status.not_applicable += 1,
        }
        if t.status == ThreatStatus::Open {
            open_levels[level_index] += 1;
        }
        let reached = &built.reached[ti];
        if reached.is_empty() && exposure.is_some() && !crate::reach::is_model_check(t) {
            summary.unquantified += 1;
        }
        let expired = t
            .decision
            .as_ref()
            .and_then(|d| d.expires)
            .zip(cfg.today)
            .is_some_and(|(e, today)| e < today);
        // What the threat adds to each business risk it reaches, at the current stage.
        let to_risks: Vec<f64> = reached
            .iter()
            .map(|r| {
                exposure.map_or(0.0, |e| {
                    current_mean * risk_share(&p.exposures[e], r.index())
                })
            })
            .collect();
        let recommendation = recommend(
            estate,
            t,
            reached,
            &to_risks,
            &lvl,
            level_index,
            max_open,
            &breached_risks,
            organisation_breached,
            current_mean,
            expired,
            result,
            gi,
        );
        match recommendation.action {
            Action::Mitigate => summary.by_recommendation.mitigate += 1,
            Action::Accept => summary.by_recommendation.accept += 1,
            Action::Review => summary.by_recommendation.review += 1,
            Action::Keep => {}
        }
        if let Some(m) = max_open {
            if t.status == ThreatStatus::Open && level_index > m {
                above_appetite.push((ti, level_index));
            }
        }
        let freq = &built.frequencies[ti];
        threats.push(ThreatOut {
            id: t.id.clone(),
            system: estate[t.system].id().to_string(),
            rule: t.rule.code.clone(),
            name: t.rule.name.clone(),
            stride: t.rule.stride,
            title: t.title.clone(),
            elements: t
                .elements
                .iter()
                .map(|e| element_name(estate, *e, t.system))
                .collect(),
            facts: t.facts.clone(),
            business_risks: reached
                .iter()
                .map(|r| estate[*r].id.value.clone())
                .collect(),
            status: t.status,
            owner: estate[t.owner].id.value.clone(),
            decision: t.decision.as_ref().map(|d| DecisionOut {
                entry: d.pattern.clone(),
                justification: d.justification.clone(),
                approved_by: d.approved_by.clone(),
                expires: d.expires.map(|e| e.to_string()),
                expired,
            }),
            level: lvl,
            recommendation,
            frequency: FrequencyOut {
                low: freq.low,
                high: freq.high,
                mean: freq.mean,
                base: freq.base,
                source: freq.source.clone(),
                adjustments: freq.adjustments.clone(),
            },
            controls: built.threat_controls[ti]
                .iter()
                .map(|c| estate.controls[*c].raw.id.value.clone())
                .collect(),
            annual_loss,
        });
    }
    summary.open_by_level = scales
        .risk
        .iter()
        .zip(&open_levels)
        .rev()
        .map(|(name, n)| (name.clone(), *n))
        .collect();

    if let Some(limit) = max_open {
        let worst = above_appetite.iter().map(|(_, l)| *l).max();
        appetite.push(AppetiteOut {
            id: None,
            description: "no open threat above this level".into(),
            business_risk: None,
            measure: "max_open_level".into(),
            limit: serde_json::json!(scales.risk[limit]),
            current: serde_json::json!(above_appetite.len()),
            projected: serde_json::json!(above_appetite
                .iter()
                .filter(|(ti, _)| {
                    let e = built.threat_exposure[*ti];
                    let mean = e
                        .and_then(|e| analytic_mean(p, e, Stage::Projected))
                        .unwrap_or(0.0);
                    let ev = e.map_or(0.0, |e| events(p, e, Stage::Projected));
                    let l = level(scales, ev, mean);
                    scales.risk_level_index(&l.level).unwrap_or(0) > limit
                })
                .count()),
            breached: worst.is_some(),
            breached_projected: false,
        });
        // Whether it still holds after the plan is the projected count above.
        if let Some(last) = appetite.last_mut() {
            last.breached_projected = last.projected.as_u64().unwrap_or(0) > 0;
        }
    }
    summary.appetite_breached = appetite.iter().filter(|a| a.breached).count();
    summary.appetite_breached_projected = appetite.iter().filter(|a| a.breached_projected).count();

    let business_risks = estate
        .business_risks
        .iter()
        .enumerate()
        .map(|(r, risk)| {
            let group = gi.business_risks[r];
            let mut contributions: Vec<Contribution> = p.groups[group]
                .members
                .iter()
                .map(|m| {
                    let t = &analysis.threats[built.exposure_threat[m.exposure]];
                    let share = risk_share(&p.exposures[m.exposure], r);
                    let mean = analytic_mean(p, m.exposure, Stage::Current).unwrap_or(0.0) * share;
                    Contribution {
                        threat: t.id.clone(),
                        system: estate[t.system].id().to_string(),
                        mean,
                    }
                })
                .collect();
            contributions.sort_by(|a, b| {
                b.mean
                    .total_cmp(&a.mean)
                    .then_with(|| a.threat.cmp(&b.threat))
            });
            contributions.truncate(5);
            RiskOut {
                id: risk.id.value.clone(),
                title: risk.title.clone(),
                owner: risk.owner.value.clone(),
                loss_per_event: *risk.loss_per_event,
                annual_loss: losses(result, group),
                level: rollup_level(group),
                threats: p.groups[group].members.len(),
                top_threats: contributions,
            }
        })
        .collect();

    let open_count = |threats: &[usize]| {
        threats
            .iter()
            .filter(|t| analysis.threats[**t].status == ThreatStatus::Open)
            .count()
    };
    let inherited_out = |threats: &[usize], groups: Option<(usize, usize)>| {
        let (inherited, total) = groups?;
        let mut from: Vec<String> = threats
            .iter()
            .filter_map(|t| crate::rollup::primary_component(estate, analysis, *t))
            .map(|c| estate.qualified(c))
            .collect();
        from.sort();
        from.dedup();
        Some(InheritedOut {
            from,
            threats: threats
                .iter()
                .map(|t| crate::threat_key(estate, &analysis.threats[*t]))
                .collect(),
            open: open_count(threats),
            annual_loss: losses(result, inherited),
            with_inherited: losses(result, total),
        })
    };
    let ru = &built.rollups;
    let systems = estate
        .system_indices()
        .zip(&gi.systems)
        .map(|(s, g)| {
            let own = &ru.system_own[s.index()];
            RollupOut {
                id: estate[s].id().to_string(),
                name: estate[s].header.name.clone(),
                owner: Some(estate[estate[s].owner].id.value.clone()),
                threats: own.len(),
                open: open_count(own),
                annual_loss: losses(result, *g),
                level: rollup_level(*g),
                inherited: inherited_out(
                    &ru.system_inherited[s.index()],
                    gi.systems_inherited[s.index()],
                ),
                used_by: Vec::new(),
            }
        })
        .collect();
    let teams = estate
        .teams
        .iter()
        .enumerate()
        .zip(&gi.teams)
        .map(|((ti, team), g)| {
            let own = &ru.team_own[ti];
            RollupOut {
                id: team.id.value.clone(),
                name: team.name.clone(),
                owner: None,
                threats: own.len(),
                open: open_count(own),
                annual_loss: losses(result, *g),
                level: rollup_level(*g),
                inherited: inherited_out(&ru.team_inherited[ti], gi.teams_inherited[ti]),
                used_by: Vec::new(),
            }
        })
        .collect();
    let components = gi
        .components
        .iter()
        .map(|(c, g)| {
            let members = &p.groups[*g].members;
            let open = members
                .iter()
                .filter(|m| {
                    analysis.threats[built.exposure_threat[m.exposure]].status == ThreatStatus::Open
                })
                .count();
            RollupOut {
                id: estate.qualified(*c),
                name: estate[*c].name().to_string(),
                owner: Some(estate[estate[*c].owner].id.value.clone()),
                threats: members.len(),
                open,
                annual_loss: losses(result, *g),
                level: rollup_level(*g),
                inherited: None,
                used_by: estate[*c]
                    .used_by
                    .iter()
                    .map(|s| estate[*s].id().to_string())
                    .collect(),
            }
        })
        .collect();

    let controls = estate
        .controls
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let r = rosi.iter().find(|r| r.control == ci);
            let cost = c.raw.cost.as_ref().map(|c| **c).unwrap_or_default();
            let mut threat_ids: Vec<String> = built
                .threat_controls
                .iter()
                .enumerate()
                .filter(|(_, cs)| cs.contains(&ci))
                .map(|(ti, _)| analysis.threats[ti].id.clone())
                .collect();
            threat_ids.dedup();
            ControlOut {
                id: c.raw.id.value.clone(),
                system: c.system.map(|s| estate[s].id().to_string()),
                title: c.raw.title.clone(),
                owner: estate[c.owner].id.value.clone(),
                status: *c.raw.status,
                cost_once: cost.once,
                cost_yearly: cost.yearly,
                annual_cost: r.map_or(cost.yearly + cost.once / cfg.years, |r| r.annual_cost),
                due: c.raw.due.as_ref().map(|d| d.value.clone()),
                evidence: c.raw.evidence.clone(),
                threats: threat_ids,
                loss_removed: r.map_or(0.0, |r| r.loss_removed),
                loss_removed_simulated: r.map_or(0.0, |r| r.loss_removed_simulated),
                rosi: r.and_then(|r| r.rosi),
            }
        })
        .collect();

    Assessment {
        output_version: super::output::OUTPUT_VERSION,
        generator: format!("riskfirst {}", env!("CARGO_PKG_VERSION")),
        settings: Settings {
            trials: sim.trials,
            seed: sim.seed,
            currency: currency.clone(),
            unverified_weight: built.unverified_weight,
            years: cfg.years,
            levels: scales.risk.clone(),
        },
        summary,
        organisation: OrganisationOut {
            name: estate.organisation.name.value.clone(),
            currency,
            annual_loss: losses(result, gi.organisation),
            level: rollup_level(gi.organisation),
        },
        business_risks,
        systems,
        teams,
        components,
        threats,
        controls,
        appetite,
        unowned: unowned(estate, analysis),
    }
}

/// Items nobody answers for: a team that owns threats or controls but names neither a
/// lead nor a contact, a business risk with a blank owner, an assumption with no owner.
/// (Every threat and control resolves to a team, so those are the ways ownership fails.)
pub fn unowned(estate: &Estate, analysis: &Analysis) -> Vec<UnownedOut> {
    let mut out = Vec::new();
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    for (ti, team) in estate.teams.iter().enumerate() {
        if !(blank(&team.lead) && blank(&team.contact)) {
            continue;
        }
        let threats = analysis
            .threats
            .iter()
            .filter(|t| t.owner.index() == ti && t.status == ThreatStatus::Open)
            .count();
        let controls = estate
            .controls
            .iter()
            .filter(|c| c.owner.index() == ti)
            .count();
        if threats + controls == 0 {
            continue;
        }
        out.push(UnownedOut {
            kind: "team".into(),
            id: team.id.value.clone(),
            system: None,
            reason: format!(
                "owns {threats} open threat(s) and {controls} control(s) but names no `lead` or `contact`"
            ),
        });
    }
    for r in &estate.business_risks {
        if r.owner.trim().is_empty() {
            out.push(UnownedOut {
                kind: "business-risk".into(),
                id: r.id.value.clone(),
                system: None,
                reason: "its `owner` is blank".into(),
            });
        }
    }
    for s in estate.system_indices() {
        for a in &estate[s].assumptions {
            if a.owner.is_none() {
                out.push(UnownedOut {
                    kind: "assumption".into(),
                    id: a.id.value.clone(),
                    system: Some(estate[s].id().to_string()),
                    reason: "no `owner`: nobody checks that it still holds".into(),
                });
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn recommend(
    estate: &Estate,
    t: &Threat,
    reached: &[riskfirst_model::RiskIdx],
    to_risks: &[f64],
    lvl: &LevelOut,
    level_index: usize,
    max_open: Option<usize>,
    breached_risks: &[usize],
    organisation_breached: bool,
    current_mean: f64,
    expired: bool,
    result: &SimResult,
    gi: &crate::GroupIndex,
) -> Recommendation {
    let currency = &estate.organisation.currency.value;
    let decided = |reason: String| Recommendation {
        action: Action::Keep,
        reason,
    };
    match t.status {
        ThreatStatus::Accepted if expired => {
            let when = t
                .decision
                .as_ref()
                .and_then(|d| d.expires)
                .map(|d| d.to_string())
                .unwrap_or_default();
            return Recommendation {
                action: Action::Review,
                reason: format!("the acceptance expired on {when}: renew it or mitigate"),
            };
        }
        ThreatStatus::Accepted => {
            let d = t.decision.as_ref();
            return decided(format!(
                "accepted by {} until {}",
                d.and_then(|d| d.approved_by.clone())
                    .unwrap_or_else(|| "someone".into()),
                d.and_then(|d| d.expires)
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "no date".into())
            ));
        }
        ThreatStatus::Mitigated => {
            return decided(
                "marked mitigated; only the controls that mitigate it lower its money".into(),
            )
        }
        ThreatStatus::Transferred => {
            return decided("transferred: the loss is borne by another party".into())
        }
        ThreatStatus::NotApplicable => return decided("not applicable".into()),
        ThreatStatus::Open => {}
    }
    if crate::reach::is_model_check(t) {
        return Recommendation {
            action: Action::Review,
            reason: "the model is incomplete or contradicts itself here: correct the model".into(),
        };
    }
    if reached.is_empty() {
        return Recommendation {
            action: Action::Review,
            reason: "it reaches no business risk, so no money can be put on it: link its data or component to one".into(),
        };
    }
    if let Some(limit) = max_open {
        if level_index > limit {
            return Recommendation {
                action: Action::Mitigate,
                reason: format!(
                    "its level `{}` is above the appetite (`{}`); expected {} a year",
                    lvl.level,
                    estate.scales.risk[limit],
                    money(current_mean, currency)
                ),
            };
        }
    }
    // A material contributor to a business risk whose appetite is breached.
    for (r, adds) in reached.iter().zip(to_risks) {
        if !breached_risks.contains(&r.index()) {
            continue;
        }
        let total = result.groups[gi.business_risks[r.index()]]
            .analytic_mean
            .current;
        if total > 0.0 && adds / total >= 0.05 {
            return Recommendation {
                action: Action::Mitigate,
                reason: format!(
                    "`{}` is over its appetite and this threat adds {} a year ({:.0}% of it)",
                    estate[*r].id.value,
                    money(*adds, currency),
                    100.0 * adds / total
                ),
            };
        }
    }
    // The same for the organisation's own appetite: a threat is not "under appetite"
    // when it is a material part of an organisation-wide loss that is over it.
    let total = result.groups[gi.organisation].analytic_mean.current;
    if organisation_breached && total > 0.0 && current_mean / total >= 0.05 {
        return Recommendation {
            action: Action::Mitigate,
            reason: format!(
                "the organisation is over its appetite and this threat adds {} a year ({:.0}% of it)",
                money(current_mean, currency),
                100.0 * current_mean / total
            ),
        };
    }
    if estate.appetite.is_empty() {
        return Recommendation {
            action: Action::Review,
            reason: "no risk appetite is stated, so there is no line to judge it against".into(),
        };
    }
    Recommendation {
        action: Action::Accept,
        reason: format!(
            "under appetite: level `{}`, expected {} a year; not worth engineering time now",
            lvl.level,
            money(current_mean, currency)
        ),
    }
}
