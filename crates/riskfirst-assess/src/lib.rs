//! From threats to business risk in money: the assessment behind `riskfirst analyze`.
//!
//! Takes a validated estate and the threats the rules found, builds the
//! portfolio the Monte Carlo engine simulates (frequency from the rule and
//! the model's facts, losses from the business risks each threat reaches,
//! controls by stage), and assembles the result: every roll-up in money and
//! in the organisation's qualitative levels, appetite, recommendations and
//! the return on each control. Pure: values in, values out.

pub mod diff;
pub mod explain;
pub mod frequency;
pub mod gate;
mod output;
pub mod pipeline;
pub mod reach;
pub mod rollup;
pub mod scenario;
pub mod team;
pub mod value;

use riskfirst_model::format::{Reduces as ModelReduces, ThreatStatus};
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
    /// Bytes of exact years the engine may keep (see
    /// `riskfirst_risk::SimConfig::memory_budget`); default 128 MiB; roll-ups beyond it are
    /// summarised by a sketch. A server sets it per
    /// request.
    pub memory_budget: Option<usize>,
    /// Once set, the simulation stops at its next chunk of trials and the assessment
    /// returns [`AssessError::Cancelled`].
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Default for AssessConfig {
    fn default() -> Self {
        AssessConfig {
            trials: None,
            seed: None,
            today: None,
            years: 3.0,
            memory_budget: None,
            cancel: None,
        }
    }
}

/// The default share of its effectiveness an implemented but unverified control keeps.
pub const DEFAULT_UNVERIFIED_WEIGHT: f64 = 0.5;

/// The portfolio of an estate, with what each exposure and control stands for.
#[derive(Clone, Debug)]
pub struct Built {
    /// One exposure per loss scenario that anything gets into, with two controls of the
    /// engine's own (`stage:current`, `stage:projected`) carrying each scenario's exact
    /// reduction from one stage to the next; the estate's controls act through them.
    pub portfolio: Portfolio,
    pub scenarios: scenario::Scenarios,
    /// For each scenario, its exposure (none when nothing gets in).
    pub scenario_exposure: Vec<Option<usize>>,
    /// For each exposure, its scenario.
    pub exposure_scenario: Vec<usize>,
    pub frequencies: Vec<frequency::ThreatFrequency>,
    /// For each threat, the business risks its scenarios reach.
    pub reached: Vec<Vec<RiskIdx>>,
    /// For each threat, the estate controls acting on it.
    pub threat_controls: Vec<Vec<usize>>,
    /// For each threat, every effect on it: (estate control, what it reduces, low, high).
    pub threat_effects: Vec<Vec<(usize, ModelReduces, f64, f64)>>,
    pub unverified_weight: f64,
    /// Group index ranges, in the order they were added.
    pub group_index: GroupIndex,
    /// Which threats each system and team owns and inherits.
    pub rollups: rollup::Rollups,
    /// Per business risk: the expected loss of one event to it (`probability · mean`).
    pub risk_loss: Vec<f64>,
}

#[derive(Clone, Debug, Default)]
pub struct GroupIndex {
    pub organisation: usize,
    pub business_risks: Vec<usize>,
    pub systems: Vec<usize>,
    pub teams: Vec<usize>,
    /// Per system: its inherited scenarios' group and its own-plus-inherited group, when it inherits any.
    pub systems_inherited: Vec<Option<(usize, usize)>>,
    /// Per team: the same.
    pub teams_inherited: Vec<Option<(usize, usize)>>,
    /// Components that are the home of at least one scenario.
    pub components: Vec<(ComponentIdx, usize)>,
}

/// The key of a threat unique in the estate: `system:threat-id`.
pub fn threat_key(estate: &Estate, t: &Threat) -> String {
    ThreatRef::of(estate, t).to_string()
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

/// The control weights of a stage: `weights[c]` for every estate control.
pub fn stage_weights(estate: &Estate, stage: Stage, unverified: f64) -> Vec<f64> {
    estate
        .controls
        .iter()
        .map(|c| scenario::stage_weight(*c.raw.status, stage, unverified))
        .collect()
}

impl Built {
    /// What a threat's controls leave of its frequency and loss, with each estate
    /// control counting at `weights[c]` (0: not at all), and whether its loss is
    /// transferred (from the current stage on).
    pub fn keep(
        &self,
        analysis: &Analysis,
        threat: usize,
        weights: &[f64],
        stage: Stage,
    ) -> scenario::Keep {
        let mut k = scenario::Keep::ALL;
        for &(c, reduces, low, high) in &self.threat_effects[threat] {
            let w = weights[c];
            if w <= 0.0 {
                continue;
            }
            let kept = 1.0 - effectiveness(low, high, w).mean();
            match reduces {
                ModelReduces::Frequency => k.frequency *= kept,
                ModelReduces::Loss => k.loss *= kept,
            }
        }
        if stage != Stage::Inherent && reach::transferred(&analysis.threats[threat]) {
            k.loss = 0.0;
        }
        k
    }

    /// Expected loss of one event of a scenario to the business risks `only` names (all when `None`).
    pub fn loss_per_event(&self, s: usize, only: Option<RiskIdx>) -> f64 {
        self.scenarios.list[s]
            .risks
            .iter()
            .filter(|r| only.is_none_or(|o| o == **r))
            .map(|r| self.risk_loss[r.index()])
            .sum()
    }

    /// The exact figures of scenario `s` with the per-threat keeps `keep`.
    pub fn figures(
        &self,
        s: usize,
        keep: &dyn Fn(usize) -> scenario::Keep,
        only: Option<RiskIdx>,
    ) -> scenario::Figures {
        self.scenarios.list[s].figures(&self.scenarios.rate, keep, self.loss_per_event(s, only))
    }
}

/// Builds the portfolio: one exposure per loss scenario, and the roll-ups.
pub fn build(estate: &Estate, analysis: &Analysis) -> Built {
    let unverified_weight = estate
        .root
        .risk
        .as_ref()
        .and_then(|r| r.unverified_weight.as_ref().map(|w| **w))
        .unwrap_or(DEFAULT_UNVERIFIED_WEIGHT);
    let mut portfolio = Portfolio::default();
    for (key, stage) in [
        ("stage:current", Stage::Current),
        ("stage:projected", Stage::Projected),
    ] {
        portfolio.controls.push(ControlSpec {
            key: key.into(),
            stage: Some(stage),
            cost_once: 0.0,
            cost_yearly: 0.0,
        });
    }
    let frequencies: Vec<frequency::ThreatFrequency> = analysis
        .threats
        .iter()
        .map(|t| frequency::frequency(estate, t))
        .collect();
    let mut threat_controls = Vec::with_capacity(analysis.threats.len());
    let mut threat_effects = Vec::with_capacity(analysis.threats.len());
    for t in &analysis.threats {
        let mut controls = Vec::new();
        let mut effects = Vec::new();
        for (ci, c) in estate.controls.iter().enumerate() {
            let found = reach::effects(estate, c, ci, t);
            if !found.is_empty() {
                controls.push(ci);
            }
            effects.extend(found.into_iter().map(|e| (ci, e.reduces, e.low, e.high)));
        }
        threat_controls.push(controls);
        threat_effects.push(effects);
    }
    let scenarios = scenario::scenarios(estate, analysis, &frequencies);
    let reached = scenarios
        .of_threat
        .iter()
        .map(|ss| {
            let mut r: Vec<RiskIdx> = ss
                .iter()
                .flat_map(|s| scenarios.list[*s].risks.iter().copied())
                .collect();
            r.sort();
            r.dedup();
            r
        })
        .collect();
    let risk_loss = estate
        .business_risks
        .iter()
        .map(|r| {
            let p = r.probability.as_ref().map_or(1.0, |p| **p);
            p * rate(r.loss_per_event.low, r.loss_per_event.high).mean()
        })
        .collect();
    let mut built = Built {
        portfolio,
        scenario_exposure: vec![None; scenarios.list.len()],
        exposure_scenario: Vec::new(),
        scenarios,
        frequencies,
        reached,
        threat_controls,
        threat_effects,
        unverified_weight,
        group_index: GroupIndex::default(),
        rollups: rollup::rollups(estate, analysis),
        risk_loss,
    };
    let weights: Vec<Vec<f64>> = Stage::ALL
        .iter()
        .map(|s| stage_weights(estate, *s, unverified_weight))
        .collect();
    let keeps: Vec<Vec<scenario::Keep>> = Stage::ALL
        .iter()
        .zip(&weights)
        .map(|(stage, w)| {
            (0..analysis.threats.len())
                .map(|t| built.keep(analysis, t, w, *stage))
                .collect()
        })
        .collect();
    for s in 0..built.scenarios.list.len() {
        let fig: Vec<scenario::Figures> = keeps
            .iter()
            .map(|k| built.figures(s, &|t| k[t], None))
            .collect();
        let (inh, cur, proj) = (fig[0], fig[1], fig[2]);
        if !(inh.events > 0.0 && inh.loss > 0.0) {
            continue;
        }
        let sc = &built.scenarios.list[s];
        // The spread of the scenario's rate is that of its most likely way in.
        let dominant = sc
            .ways
            .iter()
            .flat_map(|w| w.threats.iter().copied())
            .max_by(|a, b| built.scenarios.rate[*a].total_cmp(&built.scenarios.rate[*b]));
        let frequency = match dominant.map(|t| &built.frequencies[t]) {
            Some(f) if f.low > 0.0 && f.high > f.low => {
                let sigma = (f.high / f.low).ln() / (2.0 * riskfirst_risk::dist::Z95);
                let mu = inh.events.ln() - sigma * sigma / 2.0;
                Dist::LogNormal90(Range90 {
                    low: (mu - riskfirst_risk::dist::Z95 * sigma).exp(),
                    high: (mu + riskfirst_risk::dist::Z95 * sigma).exp(),
                })
            }
            _ => Dist::Fixed(inh.events),
        };
        let scale = inh.loss / (inh.events * built.loss_per_event(s, None));
        let losses = sc
            .risks
            .iter()
            .map(|r| {
                let range = &estate[*r].loss_per_event;
                LossTerm {
                    business_risk: r.index(),
                    loss: rate(range.low * scale, range.high * scale),
                    probability: estate[*r].probability.as_ref().map_or(1.0, |p| **p),
                }
            })
            .collect();
        let mut controls = Vec::new();
        for (control, from, to) in [(0, inh, cur), (1, cur, proj)] {
            let (f, g) = stage_step(from, to);
            if f < 1.0 {
                controls.push(ControlEffect {
                    control,
                    reduces: Reduces::Frequency,
                    effectiveness: Effectiveness::Fixed(1.0 - f),
                });
            }
            if g < 1.0 {
                controls.push(ControlEffect {
                    control,
                    reduces: Reduces::Loss,
                    effectiveness: Effectiveness::Fixed(1.0 - g),
                });
            }
        }
        built.scenario_exposure[s] = Some(built.portfolio.exposures.len());
        built.exposure_scenario.push(s);
        built.portfolio.exposures.push(Exposure {
            key: sc.key.clone(),
            frequency,
            losses,
            controls,
        });
    }
    add_groups(estate, &mut built);
    built
}

/// The kept fractions of events and of loss per event from one stage to the next. The
/// whole step is carried by thinning events (the kept share of expected loss), never by
/// a loss factor: with overlapping ways in, a control can leave fewer but dearer events,
/// and a per-event loss factor would then rise for some sets of controls. Thinning alone
/// keeps the expected loss exact and makes every simulated year, so every percentile,
/// fall as controls are added (property-tested); levels use the exact event rates.
fn stage_step(from: scenario::Figures, to: scenario::Figures) -> (f64, f64) {
    if from.loss <= 0.0 {
        return (1.0, 1.0);
    }
    ((to.loss / from.loss).clamp(0.0, 1.0), 1.0)
}

fn add_groups(estate: &Estate, built: &mut Built) {
    let groups = &mut built.portfolio.groups;
    let mut push = |key: String, members: Vec<Member>| {
        groups.push(Group { key, members });
        groups.len() - 1
    };
    let list = &built.scenarios.list;
    let exposures = &built.scenario_exposure;
    let members = |filter: &dyn Fn(&scenario::Scenario) -> bool| -> Vec<Member> {
        list.iter()
            .zip(exposures)
            .filter(|(s, _)| filter(s))
            .filter_map(|(_, e)| *e)
            .map(|exposure| Member {
                exposure,
                business_risk: None,
            })
            .collect()
    };
    let mut index = GroupIndex {
        organisation: push("organisation".into(), members(&|_| true)),
        ..GroupIndex::default()
    };
    for (r, risk) in estate.business_risks.iter().enumerate() {
        let m = list
            .iter()
            .zip(exposures)
            .filter(|(s, _)| s.risks.iter().any(|x| x.index() == r))
            .filter_map(|(_, e)| *e)
            .map(|exposure| Member {
                exposure,
                business_risk: Some(r),
            })
            .collect();
        index
            .business_risks
            .push(push(format!("business-risk:{}", risk.id.value), m));
    }
    // A scenario whose home is a component another system uses is inherited by that system.
    let inherited_by = |s: &scenario::Scenario, sys: riskfirst_model::SystemIdx| {
        s.home.is_some_and(|c| {
            estate[c].system != sys
                && estate[c].system == s.system
                && estate[c].used_by.contains(&sys)
        })
    };
    let mut with_inherited = |kind: &str,
                              id: &str,
                              own: Vec<Member>,
                              inherited: Vec<Member>|
     -> (usize, Option<(usize, usize)>) {
        let own_group = push(format!("{kind}:{id}"), own.clone());
        if inherited.is_empty() {
            return (own_group, None);
        }
        let mut total = own;
        total.extend(inherited.iter().cloned());
        let i = push(format!("{kind}-inherited:{id}"), inherited);
        let t = push(format!("{kind}-with-inherited:{id}"), total);
        (own_group, Some((i, t)))
    };
    for s in estate.system_indices() {
        let (own, inherited) = with_inherited(
            "system",
            estate[s].id(),
            members(&|x| x.system == s),
            members(&|x| inherited_by(x, s)),
        );
        index.systems.push(own);
        index.systems_inherited.push(inherited);
    }
    for (ti, team) in estate.teams.iter().enumerate() {
        let mine = |x: &scenario::Scenario| x.owner.index() == ti;
        let inherits = |x: &scenario::Scenario| {
            !mine(x)
                && estate
                    .system_indices()
                    .any(|s| estate[s].owner.index() == ti && inherited_by(x, s))
        };
        let (own, inherited) =
            with_inherited("team", &team.id.value, members(&mine), members(&inherits));
        index.teams.push(own);
        index.teams_inherited.push(inherited);
    }
    let mut homes: Vec<ComponentIdx> = list.iter().filter_map(|s| s.home).collect();
    homes.sort();
    homes.dedup();
    for c in homes {
        let m = members(&|s| s.home == Some(c));
        if !m.is_empty() {
            index
                .components
                .push((c, push(format!("component:{}", estate.qualified(c)), m)));
        }
    }
    built.group_index = index;
}

/// Why an assessment could not be made. [`AssessError::is_users`] tells a request the user
/// can fix (a server's 4xx) from a fault of riskfirst (a 5xx).
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum AssessError {
    /// The settings asked for are unusable (trials or memory beyond what the engine
    /// accepts, a budget that is not a number).
    #[error("{0}")]
    Settings(String),
    /// The caller cancelled it (`AssessConfig::cancel`).
    #[error("the assessment was cancelled")]
    Cancelled,
    /// The estate passed validation but the engine refused its portfolio: a bug.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AssessError {
    /// Whether the user can fix it by changing what they asked for.
    pub fn is_users(&self) -> bool {
        matches!(self, AssessError::Settings(_) | AssessError::Cancelled)
    }
}

impl From<riskfirst_risk::RiskError> for AssessError {
    fn from(e: riskfirst_risk::RiskError) -> Self {
        use riskfirst_risk::RiskError as R;
        match e {
            R::Cancelled => AssessError::Cancelled,
            R::Config(m) | R::Parse(m) => AssessError::Settings(m),
            // Validation builds only valid portfolios; one the engine refuses is a bug.
            e @ R::Invalid(_) => AssessError::Internal(e.to_string()),
        }
    }
}

/// The simulation settings for an estate and a configuration.
pub fn sim_config(estate: &Estate, cfg: &AssessConfig) -> SimConfig {
    let risk = estate.root.risk.as_ref();
    SimConfig {
        trials: cfg
            .trials
            .or_else(|| risk.and_then(|r| r.trials.as_ref().map(|t| **t)))
            .unwrap_or(100_000),
        seed: cfg.seed.or_else(|| risk.and_then(|r| r.seed)).unwrap_or(1),
        // The organisation and the business risks come first in the groups, so they
        // keep every year; roll-ups beyond the budget are sketched.
        memory_budget: cfg.memory_budget.unwrap_or(128 << 20),
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
    let hooks = riskfirst_risk::Hooks {
        progress,
        cancel: cfg.cancel.as_deref(),
    };
    let result = riskfirst_risk::simulate_with(&built.portfolio, &sim, &hooks)?;
    Ok(output::assemble(
        estate, analysis, &built, &result, &sim, cfg,
    ))
}

/// The controls a plan may choose: those that do not count in the current stage yet.
pub fn plan_candidates(estate: &Estate) -> Vec<usize> {
    (0..estate.controls.len())
        .filter(|c| {
            scenario::stage_weight(*estate.controls[*c].raw.status, Stage::Current, 1.0) <= 0.0
        })
        .collect()
}

/// What a control costs over `years`: its one-off cost plus its yearly cost for each year.
/// A control without a cost costs nothing.
pub fn horizon_cost(estate: &Estate, control: usize, years: f64) -> f64 {
    let cost = estate.controls[control]
        .raw
        .cost
        .as_ref()
        .map(|c| **c)
        .unwrap_or_default();
    cost.once + cost.yearly * years
}

/// The exact model a plan searches: the estate's expected annual loss at the current
/// stage with any set of candidate controls added in full (see [`plan_objective`]).
pub struct PlanModel<'a> {
    ev: value::Evaluator<'a>,
    keeps: Vec<scenario::Keep>,
    weights: Vec<f64>,
    current: f64,
    candidates: Vec<usize>,
    years: f64,
    /// Per candidate: the threats it acts on and the fraction of `kf · kl` it leaves there.
    acts: Vec<Vec<(usize, f64)>>,
    /// Per candidate: the scenarios those threats touch, sorted.
    touches: Vec<Vec<usize>>,
}

/// The plan's model of an estate as a [`riskfirst_risk::plan::Objective`]: the candidates
/// of [`plan_candidates`], their costs over `years`, and the exact expected annual loss at
/// the current stage with any of them added.
pub fn plan_objective<'a>(
    estate: &'a Estate,
    analysis: &'a Analysis,
    built: &'a Built,
    years: f64,
) -> PlanModel<'a> {
    let ev = value::Evaluator::new(estate, analysis, built);
    let keeps = ev.stage_keeps(Stage::Current);
    let current = ev.totals(&keeps).organisation.loss;
    let candidates = plan_candidates(estate);
    let mut acts = vec![Vec::new(); candidates.len()];
    let mut touches = vec![Vec::new(); candidates.len()];
    for (t, effects) in built.threat_effects.iter().enumerate() {
        for (i, c) in candidates.iter().enumerate() {
            let mut k = 1.0;
            let mut any = false;
            for &(_, _, low, high) in effects.iter().filter(|e| e.0 == *c) {
                k *= 1.0 - effectiveness(low, high, 1.0).mean();
                any = true;
            }
            if any {
                acts[i].push((t, k));
                touches[i].extend(built.scenarios.of_threat[t].iter().copied());
            }
        }
    }
    for t in &mut touches {
        t.sort_unstable();
        t.dedup();
    }
    PlanModel {
        weights: stage_weights(estate, Stage::Current, built.unverified_weight),
        keeps,
        current,
        candidates,
        years,
        acts,
        touches,
        ev,
    }
}

/// One product term of a scenario's loss, `coef · Π_j q_j`, for [`PlanModel`]'s bound.
struct Term {
    coef: f64,
    /// `Π q_j` with the inside candidates, and with the inside and every open one.
    low: f64,
    high: f64,
    /// Per open candidate acting on it: an upper bound on what it adds to `ln Π q_j`
    /// in any state between the two.
    logs: Vec<(usize, f64)>,
}

impl riskfirst_risk::plan::Objective for PlanModel<'_> {
    fn len(&self) -> usize {
        self.candidates.len()
    }
    fn key(&self, i: usize) -> String {
        let c = &self.ev.estate.controls[self.candidates[i]];
        match c.system {
            Some(s) => format!("{}:{}", self.ev.estate[s].id(), c.raw.id.value),
            None => c.raw.id.value.clone(),
        }
    }
    fn control(&self, i: usize) -> usize {
        self.candidates[i]
    }
    fn cost(&self, i: usize) -> f64 {
        horizon_cost(self.ev.estate, self.candidates[i], self.years)
    }
    fn eal(&self, chosen: &[bool]) -> f64 {
        let mut w = self.weights.clone();
        let mut threats: Vec<usize> = Vec::new();
        for (i, c) in self.candidates.iter().enumerate() {
            if chosen[i] {
                w[*c] = 1.0;
                threats.extend(self.acts[i].iter().map(|(t, _)| *t));
            }
        }
        threats.sort_unstable();
        threats.dedup();
        let changed: Vec<(usize, scenario::Keep)> = threats
            .into_iter()
            .map(|t| {
                (
                    t,
                    self.ev.built.keep(self.ev.analysis, t, &w, Stage::Current),
                )
            })
            .collect();
        self.current - self.ev.delta(&self.keeps, &changed).organisation.loss
    }

    /// Per scenario, the loss is `C · (1 − P) · D` with `P = Π_w q_w` over its ways in
    /// (`q_w = 1 − min(1, max_i v_i · K_i)`, `K_i = kf_i · kl_i`) and the detection factor
    /// `D = 1 + β · (1 − U)`, `U = Π_d (1 − K_d)` over its repudiation findings. From the
    /// inside state (P₀, D₀) to any state X the loss removed is at most
    /// `C·D₀·(P(X) − P₀) + C·(1 − P₀)·β·(U(X) − U₀)`: two terms `coef · (Π q(X) − Π q₀)`.
    /// In logarithms a term is a sum over its factors, and on a factor with one finding
    /// `ln(1 − v·K·k) − ln(1 − v·K)` falls as K falls, so a candidate adds most to it in
    /// the inside state; on a factor of several findings it adds at most the factor's whole
    /// range. So `ln Π q(X) − ln Π q₀ ≤ Σ δ_i` over the chosen candidates, the fractional
    /// knapsack of the δ within `room` bounds it by H* (capped by the range with every open
    /// candidate), and the term removes at most `R = coef · P₀ · (e^{H*} − 1)`. As `e^x` is
    /// convex, `R · δ_i / H*` per candidate is linear and above the term along the way; the
    /// bound is the smaller of `Σ R` and the fractional knapsack of those linear values.
    fn bound(&self, inside: &[bool], open: &[bool], room: f64) -> f64 {
        use std::collections::HashMap;
        let built = self.ev.built;
        let base = |t: usize| self.keeps[t].frequency * self.keeps[t].loss;
        let mut k_in: HashMap<usize, f64> = HashMap::new();
        let mut k_all: HashMap<usize, f64> = HashMap::new();
        let mut acting: HashMap<usize, Vec<(usize, f64)>> = HashMap::new();
        for i in (0..self.candidates.len()).filter(|i| inside[*i]) {
            for &(t, k) in &self.acts[i] {
                *k_in.entry(t).or_insert_with(|| base(t)) *= k;
            }
        }
        let mut scen: Vec<usize> = Vec::new();
        for i in (0..self.candidates.len()).filter(|i| open[*i]) {
            for &(t, k) in &self.acts[i] {
                let from = k_in.get(&t).copied().unwrap_or_else(|| base(t));
                *k_all.entry(t).or_insert(from) *= k;
                acting.entry(t).or_default().push((i, k));
            }
            scen.extend(self.touches[i].iter().copied());
        }
        scen.sort_unstable();
        scen.dedup();
        let kin = |t: usize| k_in.get(&t).copied().unwrap_or_else(|| base(t));
        let kall = |t: usize| k_all.get(&t).copied().unwrap_or_else(|| kin(t));
        let rate = &built.scenarios.rate;
        // A factor `q = 1 − min(1, max_t v_t·K_t)` over `threats`, each candidate acting on
        // it credited with at most its log gain (at the inside state for one finding, the
        // factor's whole range for several).
        let factor = |threats: &[usize], v: &dyn Fn(usize) -> f64, logs: &mut Vec<(usize, f64)>| {
            let q = |k: &dyn Fn(usize) -> f64| {
                1.0 - threats
                    .iter()
                    .map(|&t| v(t) * k(t))
                    .fold(0.0f64, f64::max)
                    .min(1.0)
            };
            let (q0, q1) = (q(&kin), q(&kall));
            let range = if q0 > 0.0 {
                (q1 / q0).ln().max(0.0)
            } else {
                f64::INFINITY
            };
            let mut seen: Vec<usize> = Vec::new();
            for &t in threats {
                for &(i, k) in acting.get(&t).map(Vec::as_slice).unwrap_or(&[]) {
                    let gain = if threats.len() == 1 {
                        let x = (v(t) * kin(t)).min(1.0);
                        if x < 1.0 {
                            ((1.0 - x * k).ln() - (1.0 - x).ln()).clamp(0.0, range)
                        } else {
                            f64::INFINITY
                        }
                    } else if seen.contains(&i) {
                        continue;
                    } else {
                        range
                    };
                    seen.push(i);
                    logs.push((i, gain));
                }
            }
            (q0, q1)
        };
        let mut linear = vec![0.0; self.candidates.len()];
        let mut total = 0.0;
        let mut term = |t: Term, linear: &mut Vec<f64>| {
            if t.coef <= 0.0 || t.high <= t.low || t.logs.is_empty() {
                return;
            }
            if t.low <= 0.0 || t.logs.iter().any(|(_, d)| !d.is_finite()) {
                // A factor at 0: no log-space bound; any candidate on it may bring the
                // whole range.
                let r = t.coef * (t.high - t.low);
                total += r;
                for &(i, _) in &t.logs {
                    linear[i] = linear[i].max(0.0) + r;
                }
                return;
            }
            let mut per: Vec<(usize, f64)> = Vec::new();
            for &(i, d) in &t.logs {
                match per.iter_mut().find(|(j, _)| *j == i) {
                    Some((_, x)) => *x += d,
                    None => per.push((i, d)),
                }
            }
            let mut items: Vec<(f64, f64)> = per.iter().map(|&(i, d)| (d, self.cost(i))).collect();
            let h = riskfirst_risk::plan::fractional_knapsack(&mut items, room)
                .min((t.high / t.low).ln());
            if h <= 0.0 {
                return;
            }
            let r = t.coef * t.low * h.exp_m1();
            total += r;
            for (i, d) in per {
                linear[i] += d * r / h;
            }
        };
        for s in scen {
            let sc = &built.scenarios.list[s];
            if sc.ways.is_empty() {
                continue;
            }
            let c = sc.tef * built.loss_per_event(s, None);
            let mut logs = Vec::new();
            let (mut p0, mut p1) = (1.0, 1.0);
            for w in &sc.ways {
                let (q0, q1) = factor(&w.threats, &|t| rate[t], &mut logs);
                p0 *= q0;
                p1 *= q1;
            }
            let mut det_logs = Vec::new();
            let (mut u0, mut u1) = (1.0, 1.0);
            for &d in &sc.detection {
                let (q0, q1) = factor(std::slice::from_ref(&d), &|_| 1.0, &mut det_logs);
                u0 *= q0;
                u1 *= q1;
            }
            let beta = scenario::DETECTION_FACTOR - 1.0;
            let d0 = 1.0 + beta * (1.0 - u0);
            term(
                Term {
                    coef: c * d0,
                    low: p0,
                    high: p1,
                    logs,
                },
                &mut linear,
            );
            term(
                Term {
                    coef: c * (1.0 - p0) * beta,
                    low: u0,
                    high: u1,
                    logs: det_logs,
                },
                &mut linear,
            );
        }
        let mut items: Vec<(f64, f64)> = (0..self.candidates.len())
            .filter(|i| open[*i])
            .map(|i| (linear[i], self.cost(i)))
            .collect();
        let knap = riskfirst_risk::plan::fractional_knapsack(&mut items, room);
        // A relative margin for rounding: the bound must never fall below the truth.
        knap.min(total) * (1.0 + 1e-12)
    }
}

/// The plan for a budget over `years`: the candidate controls (see [`plan_candidates`])
/// that remove the most expected annual loss within the budget, on the exact scenario
/// model; every subset up to 20 candidates, greedy with local search above.
pub fn plan(
    estate: &Estate,
    analysis: &Analysis,
    built: &Built,
    budget: f64,
    years: f64,
) -> Result<riskfirst_risk::plan::Plan, AssessError> {
    let method = if plan_candidates(estate).len() <= riskfirst_risk::plan::EXACT_LIMIT {
        riskfirst_risk::plan::PlanMethod::Exact
    } else {
        riskfirst_risk::plan::PlanMethod::BranchAndBound
    };
    plan_with_method(estate, analysis, built, budget, years, method)
}

/// The plan with a budget that buys every candidate: the order of value for money and the
/// whole frontier, as the report shows it.
pub fn full_plan(
    estate: &Estate,
    analysis: &Analysis,
    built: &Built,
    years: f64,
) -> Result<riskfirst_risk::plan::Plan, AssessError> {
    let budget: f64 = plan_candidates(estate)
        .iter()
        .map(|&c| horizon_cost(estate, c, years))
        .sum();
    plan(estate, analysis, built, budget, years)
}

/// [`plan`] with the search chosen by the caller.
pub fn plan_with_method(
    estate: &Estate,
    analysis: &Analysis,
    built: &Built,
    budget: f64,
    years: f64,
    method: riskfirst_risk::plan::PlanMethod,
) -> Result<riskfirst_risk::plan::Plan, AssessError> {
    let model = plan_objective(estate, analysis, built, years);
    Ok(riskfirst_risk::plan::plan_objective_with_method(
        &model, budget, years, method,
    )?)
}

/// Whether a threat is still open for decision purposes.
pub fn is_open(t: &Threat) -> bool {
    t.status == ThreatStatus::Open
}
