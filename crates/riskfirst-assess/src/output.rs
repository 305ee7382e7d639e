//! The assessment as data: the stable JSON contract of `riskfirst analyze --format json`
//! (documented in `docs/json-output.md`), and how it is assembled from a simulation.

use riskfirst_model::format::{ControlStatus, ThreatStatus};
use riskfirst_model::{ComponentIdx, Estate, Scales};
use riskfirst_risk::{LossStats, SimConfig, SimResult, Stage};
use riskfirst_rules::engine::{element_name, Analysis, Threat};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::frequency::{Adjustment, FrequencySource};
use crate::scenario::Keep;
use crate::value::{Evaluator, Totals};
use crate::{AssessConfig, Built};

/// Version of the JSON contract; bumped only on incompatible changes.
pub const OUTPUT_VERSION: u32 = 2;

/// The JSON Schema (draft 2020-12) of the assessment document (`riskfirst schema --output`).
pub fn output_schema() -> serde_json::Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let root = generator.subschema_for::<Assessment>();
    let defs = generator.take_definitions(true);
    let mut schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("https://riskfirst.dev/schema/output-v{OUTPUT_VERSION}.json"),
        "title": format!("riskfirst assessment (riskfirst analyze --format json), output version {OUTPUT_VERSION}"),
        "$defs": defs,
    });
    if let (Some(obj), serde_json::Value::Object(r)) = (schema.as_object_mut(), root.to_value()) {
        for (k, v) in r {
            obj.entry(k).or_insert(v);
        }
    }
    schema
}

/// A threat, named the same way everywhere in the output: its system and its id (threat
/// ids are unique within a system, not across the estate). Printed as `system:id`.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct ThreatRef {
    pub system: String,
    pub id: String,
}

impl ThreatRef {
    pub fn of(estate: &Estate, t: &Threat) -> Self {
        ThreatRef {
            system: estate[t.system].id().to_string(),
            id: t.id.clone(),
        }
    }

    /// Whether it names this threat of the output.
    pub fn is(&self, t: &ThreatOut) -> bool {
        self.system == t.system && self.id == t.id
    }
}

/// What an appetite statement limits: a statistic of annual loss, or the level of open threats.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Mean,
    P50,
    P90,
    P95,
    P99,
    MaxOpenLevel,
}

impl Measure {
    /// As the format and the JSON spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Mean => "mean",
            Measure::P50 => "p50",
            Measure::P90 => "p90",
            Measure::P95 => "p95",
            Measure::P99 => "p99",
            Measure::MaxOpenLevel => "max_open_level",
        }
    }

    /// The quantile of annual loss it is (0 for the mean and for levels).
    pub fn quantile(self) -> f64 {
        match self {
            Measure::P50 => 0.5,
            Measure::P90 => 0.9,
            Measure::P95 => 0.95,
            Measure::P99 => 0.99,
            Measure::Mean | Measure::MaxOpenLevel => 0.0,
        }
    }
}

impl std::fmt::Display for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A figure of an appetite statement: an amount of money, a number of threats or a level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Figure {
    /// Open threats above the level (`max_open_level`'s current and projected).
    Count(u64),
    /// Money (every other measure).
    Amount(f64),
    /// A risk level (`max_open_level`'s limit).
    Level(String),
}

impl Figure {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Figure::Count(n) => Some(*n as f64),
            Figure::Amount(x) => Some(*x),
            Figure::Level(_) => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Figure::Level(l) => Some(l),
            _ => None,
        }
    }
}

/// What kind of item has nobody to answer for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UnownedKind {
    Team,
    BusinessRisk,
    Assumption,
}

impl UnownedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnownedKind::Team => "team",
            UnownedKind::BusinessRisk => "business-risk",
            UnownedKind::Assumption => "assumption",
        }
    }
}

/// What a note is about (see [`NoteOut`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    LimitCannotBind,
    TailDrivenMean,
    ControlMatchesNothing,
    BaseRate,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::LimitCannotBind => "limit-cannot-bind",
            NoteKind::TailDrivenMean => "tail-driven-mean",
            NoteKind::ControlMatchesNothing => "control-matches-nothing",
            NoteKind::BaseRate => "base-rate",
        }
    }
}

impl std::fmt::Display for NoteKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for UnownedKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Figure::Count(n) => write!(f, "{n}"),
            Figure::Amount(x) => write!(f, "{x}"),
            Figure::Level(l) => f.write_str(l),
        }
    }
}

/// What a loss scenario loses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AssetKind {
    /// A data asset: its confidentiality or integrity.
    Data,
    /// A component's service: its availability.
    Service,
    /// A threat of its own (hand-written, or reaching risks through no asset).
    Threat,
}

impl std::fmt::Display for ThreatRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.system, self.id)
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
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
    /// For each breached statement, the cheapest controls that bring it within its limit.
    pub path_to_appetite: Vec<PathOut>,
    pub scenarios: Vec<ScenarioOut>,
    /// What the reader of the figures should know: limits that cannot bind, means driven
    /// by a tail, controls that act on nothing, the base rate.
    pub notes: Vec<NoteOut>,
    /// Items nobody can be held to account for (see docs/json-output.md).
    pub unowned: Vec<UnownedOut>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct Settings {
    pub trials: u64,
    pub seed: u64,
    pub currency: String,
    pub unverified_weight: f64,
    /// Years over which one-off control costs are spread (ROSI).
    pub years: f64,
    /// Risk levels, lowest first.
    pub levels: Vec<String>,
    /// The day acceptances were judged against (`YYYY-MM-DD`), when one was given.
    pub today: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Deserialize, JsonSchema)]
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

#[derive(Clone, Debug, Default, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct StatusCounts {
    pub open: usize,
    pub mitigated: usize,
    pub accepted: usize,
    pub transferred: usize,
    pub not_applicable: usize,
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct RecommendationCounts {
    pub mitigate: usize,
    pub accept: usize,
    pub review: usize,
}

/// Annual loss statistics of one roll-up at one stage.
#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct LossBlock {
    /// Exact expected annual loss.
    pub mean: f64,
    /// The same, estimated by the simulation (a check on the engine).
    pub mean_simulated: f64,
    /// The Monte Carlo standard error of `mean_simulated` (standard deviation / √trials);
    /// percentiles move by a similar relative amount between seeds.
    pub mean_se: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// Probability of any loss in a year.
    pub p_any_loss: f64,
    /// Loss exceedance curve: probability that the annual loss exceeds `loss`.
    pub lec: Vec<riskfirst_risk::LecPoint>,
    /// Present when the roll-up's years did not fit the memory budget and were summarised
    /// by a sketch: the largest relative error of the percentiles and of the curve's
    /// losses from that summary (the means and `p_any_loss` stay exact). Absent: exact.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub percentile_error: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct LevelOut {
    pub level: String,
    pub likelihood: String,
    pub impact: String,
    /// Expected events per year.
    pub events_per_year: f64,
    /// Expected loss per event.
    pub loss_per_event: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct OrganisationOut {
    pub name: String,
    pub currency: String,
    pub annual_loss: Losses,
    pub level: LevelOut,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
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

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct Contribution {
    pub threat: String,
    pub system: String,
    pub mean: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct RollupOut {
    pub id: String,
    pub name: String,
    /// The owning team (for systems and components).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub threats: usize,
    pub open: usize,
    pub annual_loss: Losses,
    pub level: LevelOut,
    /// Systems and teams: the threats of shared components of other systems they use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited: Option<InheritedOut>,
    /// Components: the other systems that use it, and so inherit its threats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
}

/// What a system or team inherits from the shared components it uses. Its own figures
/// (`annual_loss`) leave these out, so own figures add up to the organisation's.
#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct InheritedOut {
    /// The shared components the inherited threats are about, as `system/component`.
    pub from: Vec<String>,
    /// The inherited threats.
    pub threats: Vec<ThreatRef>,
    pub open: usize,
    /// The inherited threats alone.
    pub annual_loss: Losses,
    /// Own and inherited together: the risk the system or team lives with.
    pub with_inherited: Losses,
}

/// An item with no one to answer for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UnownedOut {
    pub kind: UnownedKind,
    pub id: String,
    /// The system whose file holds it, for assumptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct FrequencyOut {
    pub low: f64,
    pub high: f64,
    pub mean: f64,
    pub base: (f64, f64),
    pub source: FrequencySource,
    pub adjustments: Vec<Adjustment>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct DecisionOut {
    pub entry: String,
    pub justification: Option<String>,
    pub approved_by: Option<String>,
    pub expires: Option<String>,
    pub expired: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct Recommendation {
    pub action: Action,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
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
    /// The loss scenarios it is a way into (keys of `scenarios[]`).
    pub scenarios: Vec<String>,
    /// What closing it is worth; absent for threats that carry no money.
    pub value: Option<ThreatValue>,
}

/// What closing a threat's weakness is worth: the expected annual loss removed by closing
/// it together with the other open findings of the same rule on the same assets (see
/// docs/risk-model.md). These figures rank the work; they do not add up to the total.
#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct ThreatValue {
    pub inherent: f64,
    pub current: f64,
    pub projected: f64,
    /// Loss events a year removed at the current stage.
    pub events_removed: f64,
    /// Closing this finding alone, at the current stage (less, or nothing, while the same
    /// way in stays open on another finding).
    pub alone: f64,
    /// The other open findings of the same weakness, as `system:threat-id`.
    pub together_with: Vec<ThreatRef>,
}

impl ThreatOut {
    /// The current expected annual loss removed by closing it (0 when it carries no money).
    pub fn current_value(&self) -> f64 {
        self.value.as_ref().map_or(0.0, |v| v.current)
    }
}

/// A loss scenario: what one incident costs the business, and the ways in.
#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct ScenarioOut {
    pub key: String,
    pub asset: AssetKind,
    pub system: String,
    pub owner: String,
    pub business_risks: Vec<String>,
    /// How many capable attackers come for the asset, relative to an ordinary one.
    pub attractiveness: f64,
    pub attractiveness_factors: Vec<crate::scenario::Attractiveness>,
    /// The rules with an open finding into it, with the findings.
    pub ways_in: Vec<WayOut>,
    /// Repudiation findings that make an incident slower to detect and dearer.
    pub detection_gaps: Vec<ThreatRef>,
    /// Loss events a year, by stage.
    pub events: [f64; 3],
    /// Expected annual loss, by stage.
    pub annual_loss: [f64; 3],
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct WayOut {
    pub rule: String,
    pub threats: Vec<ThreatRef>,
}

/// Something the reader of the figures should know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NoteOut {
    pub kind: NoteKind,
    pub subject: String,
    pub message: String,
}

/// The cheapest set of controls that brings a breached appetite statement within its limit.
#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct PathOut {
    pub business_risk: Option<String>,
    pub measure: Measure,
    pub limit: f64,
    pub current: f64,
    /// Whether the candidate controls can bring it within the limit.
    pub reachable: bool,
    /// The controls, as `system:control` or the library control's id.
    pub controls: Vec<String>,
    pub cost: f64,
    /// The figure with those controls (a percentile is scaled with the mean).
    pub with_controls: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
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
    /// The threats it acts on.
    pub threats: Vec<ThreatRef>,
    /// Exact expected annual loss it removes (see docs/risk-model.md).
    pub loss_removed: f64,
    /// (loss removed − annual cost) / annual cost; absent when free.
    pub rosi: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Deserialize, JsonSchema)]
pub struct AppetiteOut {
    pub id: Option<String>,
    pub description: String,
    pub business_risk: Option<String>,
    pub measure: Measure,
    pub limit: Figure,
    pub current: Figure,
    pub projected: Figure,
    pub breached: bool,
    pub breached_projected: bool,
}

fn block(stats: &LossStats, exact: f64, trials: u64) -> LossBlock {
    LossBlock {
        // An empty sum of f64 is -0.0; adding +0.0 makes it 0 so the JSON never says `-0.0`.
        mean: exact + 0.0,
        mean_simulated: stats.mean,
        mean_se: stats.std_dev / (trials as f64).sqrt(),
        p50: stats.p50,
        p90: stats.p90,
        p95: stats.p95,
        p99: stats.p99,
        p_any_loss: stats.p_any_loss,
        lec: stats.lec.clone(),
        percentile_error: stats.percentile_error,
    }
}

fn losses(result: &SimResult, group: usize) -> Losses {
    let g = &result.groups[group];
    Losses {
        inherent: block(&g.stats.inherent, g.analytic_mean.inherent, result.trials),
        current: block(&g.stats.current, g.analytic_mean.current, result.trials),
        projected: block(&g.stats.projected, g.analytic_mean.projected, result.trials),
    }
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

/// One appetite statement on annual loss, as the advice reads it.
struct Statement {
    risk: Option<riskfirst_model::RiskIdx>,
    measure: Measure,
    limit: f64,
    current: f64,
    /// The exact mean of what it is on, at the current stage (a percentile moves with it).
    current_mean: f64,
    breached: bool,
}

impl Statement {
    fn name(&self, estate: &Estate) -> String {
        match self.risk {
            Some(r) => format!("`{}` ({})", estate[r].id.value, self.measure),
            None => format!("the organisation ({})", self.measure),
        }
    }

    /// The statement's figure after a drop of `drop` in the mean of what it is on.
    fn after(&self, drop: f64) -> f64 {
        if self.measure == Measure::Mean {
            self.current - drop
        } else if self.current_mean > 0.0 {
            self.current * ((self.current_mean - drop) / self.current_mean).max(0.0)
        } else {
            self.current
        }
    }

    fn drop_of(&self, d: &Totals) -> f64 {
        match self.risk {
            Some(r) => d.risks[r.index()],
            None => d.organisation.loss,
        }
    }
}

/// The base rate of a material cyber loss event for an organisation, a year: Cyentia
/// Institute, IRIS 2022, an organisation of about $100M revenue, 2.18% to 12.95%.
pub const BASE_RATE_BAND: (f64, f64) = (0.0218, 0.1295);

pub(crate) fn assemble(
    estate: &Estate,
    analysis: &Analysis,
    built: &Built,
    result: &SimResult,
    sim: &SimConfig,
    cfg: &AssessConfig,
) -> Assessment {
    let p = &built.portfolio;
    let scales = &estate.scales;
    let currency = estate.organisation.currency.value.clone();
    let gi = &built.group_index;
    let ev = Evaluator::new(estate, analysis, built);
    let keeps: Vec<Vec<Keep>> = Stage::ALL.iter().map(|s| ev.stage_keeps(*s)).collect();
    let nscen = built.scenarios.list.len();
    let figures: Vec<Vec<crate::scenario::Figures>> = keeps
        .iter()
        .map(|k| {
            (0..nscen)
                .map(|s| built.figures(s, &|t| k[t], None))
                .collect()
        })
        .collect();
    let group_events = |group: usize| -> f64 {
        p.groups[group]
            .members
            .iter()
            .map(|m| figures[1][built.exposure_scenario[m.exposure]].events)
            .sum()
    };
    let rollup_level = |group: usize| {
        level(
            scales,
            group_events(group),
            result.groups[group].analytic_mean.current,
        )
    };

    // Appetite first: the advice depends on it.
    let mut appetite = Vec::new();
    let mut statements: Vec<Statement> = Vec::new();
    let mut notes: Vec<NoteOut> = Vec::new();
    let mut max_open: Option<usize> = None;
    for statement in &estate.appetite {
        let description = statement.description.clone().unwrap_or_default();
        if let Some(limit) = &statement.max_annual_loss {
            let (group, risk) = match &statement.business_risk {
                Some(id) => match estate.business_risk(id) {
                    Some(r) => (gi.business_risks[r.index()], Some(r)),
                    None => continue,
                },
                None => (gi.organisation, None),
            };
            let g = &result.groups[group];
            for (measure, value) in [
                (Measure::Mean, &limit.mean),
                (Measure::P50, &limit.p50),
                (Measure::P90, &limit.p90),
                (Measure::P95, &limit.p95),
                (Measure::P99, &limit.p99),
            ] {
                let Some(value) = value else { continue };
                let q = measure.quantile();
                let stat = |stage: Stage| -> f64 {
                    let s = g.stats.get(stage);
                    match measure {
                        Measure::Mean | Measure::MaxOpenLevel => *g.analytic_mean.get(stage),
                        Measure::P50 => s.p50,
                        Measure::P90 => s.p90,
                        Measure::P95 => s.p95,
                        Measure::P99 => s.p99,
                    }
                };
                let (current, projected) = (stat(Stage::Current), stat(Stage::Projected));
                let breached = current > **value;
                let subject =
                    risk.map_or("organisation".to_string(), |r| estate[r].id.value.clone());
                if q > 0.0 && g.stats.current.p_any_loss < 1.0 - q {
                    notes.push(NoteOut {
                        kind: NoteKind::LimitCannotBind,
                        subject: subject.clone(),
                        message: format!(
                            "the {measure} limit can never be breached: a loss happens in only {:.1}% of years, so the {measure} is 0; a `mean` limit would bind",
                            100.0 * g.stats.current.p_any_loss
                        ),
                    });
                }
                statements.push(Statement {
                    risk,
                    measure,
                    limit: **value,
                    current,
                    current_mean: g.analytic_mean.current,
                    breached,
                });
                appetite.push(AppetiteOut {
                    id: statement.id.as_ref().map(|i| i.value.clone()),
                    description: description.clone(),
                    business_risk: risk.map(|r| estate[r].id.value.clone()),
                    measure,
                    limit: Figure::Amount(**value),
                    current: Figure::Amount(current),
                    projected: Figure::Amount(projected),
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

    let w_current = crate::stage_weights(estate, Stage::Current, built.unverified_weight);
    let candidates: Vec<usize> = (0..estate.controls.len())
        .filter(|c| w_current[*c] <= 0.0)
        .collect();
    // The threats each control acts on, found once (not per set of candidates tried).
    let mut acted_on: Vec<Vec<usize>> = vec![Vec::new(); estate.controls.len()];
    for (t, cs) in built.threat_controls.iter().enumerate() {
        for &c in cs {
            acted_on[c].push(t);
        }
    }
    let candidate_drop = |set: &[usize]| -> Totals {
        let mut w = w_current.clone();
        for c in set {
            w[*c] = 1.0;
        }
        let mut threats: Vec<usize> = set
            .iter()
            .flat_map(|c| acted_on[*c].iter().copied())
            .collect();
        threats.sort_unstable();
        threats.dedup();
        let changed: Vec<(usize, Keep)> = threats
            .into_iter()
            .map(|t| (t, built.keep(analysis, t, &w, Stage::Current)))
            .collect();
        ev.delta(&keeps[1], &changed)
    };
    // Each candidate's drop alone, evaluated once: the threats' advice, the controls' table
    // and the path to appetite all ask for it, per threat and per statement.
    let alone: Vec<Option<Totals>> = (0..estate.controls.len())
        .map(|c| (w_current[c] <= 0.0).then(|| candidate_drop(&[c])))
        .collect();
    let alone_loss = |c: usize| alone[c].as_ref().map_or(0.0, |t| t.organisation.loss);
    // The cost over the horizon, spread over its years.
    let annual_cost = |c: usize| crate::horizon_cost(estate, c, cfg.years) / cfg.years;

    let mut threats = Vec::with_capacity(analysis.threats.len());
    let mut summary = Summary {
        systems: estate.systems.len(),
        components: estate.components.len(),
        flows: estate.flows.len(),
        threats: analysis.threats.len(),
        ..Summary::default()
    };
    let mut open_levels = vec![0usize; scales.risk.len()];
    let mut above_appetite: Vec<(usize, usize, f64, f64)> = Vec::new();
    let mut risk_drops: Vec<Option<Vec<f64>>> = Vec::with_capacity(analysis.threats.len());
    for (ti, t) in analysis.threats.iter().enumerate() {
        let carries = built.scenarios.of_threat[ti]
            .iter()
            .any(|s| built.scenario_exposure[*s].is_some());
        let weakness = ev.weakness(ti);
        let (value, drops, projected_level) = if carries {
            let d: Vec<Totals> = keeps.iter().map(|k| ev.closing(k, &weakness)).collect();
            let alone = if weakness.len() > 1 {
                ev.closing(&keeps[1], &[ti]).organisation.loss
            } else {
                d[1].organisation.loss
            };
            let value = ThreatValue {
                inherent: d[0].organisation.loss.max(0.0) + 0.0,
                current: d[1].organisation.loss.max(0.0) + 0.0,
                projected: d[2].organisation.loss.max(0.0) + 0.0,
                events_removed: d[1].organisation.events.max(0.0) + 0.0,
                alone: alone.max(0.0) + 0.0,
                together_with: weakness
                    .iter()
                    .filter(|o| **o != ti)
                    .map(|o| ThreatRef::of(estate, &analysis.threats[*o]))
                    .collect(),
            };
            let pl = (d[2].organisation.events, d[2].organisation.loss);
            (Some(value), Some(d[1].risks.clone()), pl)
        } else {
            (None, None, (0.0, 0.0))
        };
        let lvl = level(
            scales,
            value.as_ref().map_or(0.0, |v| v.events_removed),
            value.as_ref().map_or(0.0, |v| v.current),
        );
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
        if reached.is_empty() && crate::frequency::counts(t) && !crate::reach::is_model_check(t) {
            summary.unquantified += 1;
        }
        let expired = t
            .decision
            .as_ref()
            .and_then(|d| d.expires)
            .zip(cfg.today)
            .is_some_and(|(e, today)| e < today);
        let pays = built.threat_controls[ti]
            .iter()
            .filter(|c| candidates.contains(c))
            .find(|c| alone_loss(**c) > annual_cost(**c))
            .map(|c| estate.controls[*c].raw.id.value.clone());
        let recommendation = recommend(
            estate,
            t,
            reached,
            &lvl,
            level_index,
            max_open,
            &statements,
            drops.as_deref(),
            value.as_ref(),
            pays,
            expired,
        );
        match recommendation.action {
            Action::Mitigate => summary.by_recommendation.mitigate += 1,
            Action::Accept => summary.by_recommendation.accept += 1,
            Action::Review => summary.by_recommendation.review += 1,
            Action::Keep => {}
        }
        if let Some(m) = max_open {
            if t.status == ThreatStatus::Open && level_index > m {
                above_appetite.push((ti, level_index, projected_level.0, projected_level.1));
            }
        }
        risk_drops.push(drops);
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
            scenarios: built.scenarios.of_threat[ti]
                .iter()
                .map(|s| built.scenarios.list[*s].key.clone())
                .collect(),
            value,
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
        let projected = above_appetite
            .iter()
            .filter(|(_, _, events, loss)| {
                let l = level(scales, *events, *loss);
                scales.risk_level_index(&l.level).unwrap_or(0) > limit
            })
            .count();
        appetite.push(AppetiteOut {
            id: None,
            description: "no open threat above this level".into(),
            business_risk: None,
            measure: Measure::MaxOpenLevel,
            limit: Figure::Level(scales.risk[limit].clone()),
            current: Figure::Count(above_appetite.len() as u64),
            projected: Figure::Count(projected as u64),
            breached: !above_appetite.is_empty(),
            breached_projected: projected > 0,
        });
    }
    summary.appetite_breached = appetite.iter().filter(|a| a.breached).count();
    summary.appetite_breached_projected = appetite.iter().filter(|a| a.breached_projected).count();

    let business_risks = estate
        .business_risks
        .iter()
        .enumerate()
        .map(|(r, risk)| {
            let group = gi.business_risks[r];
            let mut contributions: Vec<Contribution> = risk_drops
                .iter()
                .enumerate()
                .filter_map(|(ti, d)| {
                    let mean = d.as_ref()?[r];
                    (mean > 0.0).then(|| Contribution {
                        threat: analysis.threats[ti].id.clone(),
                        system: estate[analysis.threats[ti].system].id().to_string(),
                        mean,
                    })
                })
                .collect();
            contributions.sort_by(|a, b| {
                b.mean
                    .total_cmp(&a.mean)
                    .then_with(|| a.threat.cmp(&b.threat))
            });
            contributions.truncate(5);
            let range = *risk.loss_per_event;
            if range.low > 0.0 && range.high / range.low > 1000.0 {
                notes.push(NoteOut {
                    kind: NoteKind::TailDrivenMean,
                    subject: risk.id.value.clone(),
                    message: format!(
                        "its loss range spans a factor of {:.0}: the expected loss is driven by rare, very large events; narrow the range or read the percentiles",
                        range.high / range.low
                    ),
                });
            }
            RiskOut {
                id: risk.id.value.clone(),
                title: risk.title.clone(),
                owner: risk.owner.value.clone(),
                loss_per_event: range,
                annual_loss: losses(result, group),
                level: rollup_level(group),
                threats: built
                    .reached
                    .iter()
                    .filter(|rs| rs.iter().any(|x| x.index() == r))
                    .count(),
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
                .map(|t| ThreatRef::of(estate, &analysis.threats[*t]))
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
    // The threats first about each component, found once: one pass over the threats.
    let mut on_component: std::collections::HashMap<ComponentIdx, Vec<usize>> =
        std::collections::HashMap::new();
    for t in 0..analysis.threats.len() {
        if let Some(c) = crate::rollup::primary_component(estate, analysis, t) {
            on_component.entry(c).or_default().push(t);
        }
    }
    let components = gi
        .components
        .iter()
        .map(|(c, g)| {
            let on = on_component.remove(c).unwrap_or_default();
            RollupOut {
                id: estate.qualified(*c),
                name: estate[*c].name().to_string(),
                owner: Some(estate[estate[*c].owner].id.value.clone()),
                threats: on.len(),
                open: open_count(&on),
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

    let control_key = |c: usize| {
        let ctl = &estate.controls[c];
        match ctl.system {
            Some(s) => format!("{}:{}", estate[s].id(), ctl.raw.id.value),
            None => ctl.raw.id.value.clone(),
        }
    };
    let controls = estate
        .controls
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let cost = c.raw.cost.as_ref().map(|c| **c).unwrap_or_default();
            let counts = w_current[ci] > 0.0;
            let removed = if counts {
                let changed = ev.with_control(&w_current, Stage::Current, ci, 0.0);
                -ev.delta(&keeps[1], &changed).organisation.loss
            } else {
                alone_loss(ci)
            }
            .max(0.0)
                + 0.0;
            let yearly = annual_cost(ci);
            let mut threat_ids: Vec<ThreatRef> = built
                .threat_controls
                .iter()
                .enumerate()
                .filter(|(_, cs)| cs.contains(&ci))
                .map(|(ti, _)| ThreatRef::of(estate, &analysis.threats[ti]))
                .collect();
            threat_ids.dedup();
            if threat_ids.is_empty() {
                notes.push(NoteOut {
                    kind: NoteKind::ControlMatchesNothing,
                    subject: control_key(ci),
                    message: "its `mitigates` select no threat, so it removes nothing: check its rules, threats and elements".into(),
                });
            }
            ControlOut {
                id: c.raw.id.value.clone(),
                system: c.system.map(|s| estate[s].id().to_string()),
                title: c.raw.title.clone(),
                owner: estate[c.owner].id.value.clone(),
                status: *c.raw.status,
                cost_once: cost.once,
                cost_yearly: cost.yearly,
                annual_cost: yearly,
                due: c.raw.due.as_ref().map(|d| d.value.clone()),
                evidence: c.raw.evidence.clone(),
                threats: threat_ids,
                loss_removed: removed,
                rosi: (yearly > 0.0).then(|| (removed - yearly) / yearly),
            }
        })
        .collect();

    // The path to appetite: for each breached statement, the cheapest candidates that bring it within its limit.
    let mut path_to_appetite = Vec::new();
    for st in statements.iter().filter(|s| s.breached) {
        let relevant: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|c| alone_loss(*c) > 0.0)
            .filter(|c| {
                st.risk
                    .is_none_or(|r| alone[*c].as_ref().is_some_and(|t| t.risks[r.index()] > 0.0))
            })
            .collect();
        let cost_of = |set: &[usize]| -> f64 {
            set.iter()
                .map(|c| crate::horizon_cost(estate, *c, cfg.years))
                .sum()
        };
        let after = |set: &[usize]| st.after(st.drop_of(&candidate_drop(set)));
        let mut best: Option<(f64, f64, Vec<usize>)> = None;
        if relevant.len() <= 16 {
            for mask in 1u32..(1 << relevant.len()) {
                let set: Vec<usize> = (0..relevant.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| relevant[i])
                    .collect();
                let cost = cost_of(&set);
                if best.as_ref().is_some_and(|b| cost > b.0) {
                    continue;
                }
                let value = after(&set);
                if value <= st.limit
                    && best
                        .as_ref()
                        .is_none_or(|b| cost < b.0 || (cost == b.0 && value < b.1))
                {
                    best = Some((cost, value, set));
                }
            }
        } else {
            let mut set: Vec<usize> = Vec::new();
            let mut value = st.current;
            while value > st.limit {
                let pick = relevant
                    .iter()
                    .filter(|c| !set.contains(c))
                    .map(|c| {
                        let mut with = set.clone();
                        with.push(*c);
                        let v = after(&with);
                        (*c, (value - v) / cost_of(&[*c]).max(1.0), v)
                    })
                    .filter(|x| x.1 > 0.0)
                    .max_by(|a, b| a.1.total_cmp(&b.1));
                let Some((c, _, v)) = pick else { break };
                set.push(c);
                value = v;
            }
            if value <= st.limit {
                best = Some((cost_of(&set), value, set));
            }
        }
        let (reachable, cost, with_controls, set) = match best {
            Some((cost, value, set)) => (true, cost, value, set),
            None => (
                false,
                cost_of(&relevant),
                after(&relevant),
                relevant.clone(),
            ),
        };
        path_to_appetite.push(PathOut {
            business_risk: st.risk.map(|r| estate[r].id.value.clone()),
            measure: st.measure,
            limit: st.limit,
            current: st.current,
            reachable,
            controls: set.iter().map(|c| control_key(*c)).collect(),
            cost: cost + 0.0,
            with_controls: with_controls + 0.0,
        });
    }

    let scenarios: Vec<ScenarioOut> = built
        .scenarios
        .list
        .iter()
        .enumerate()
        .map(|(i, sc)| ScenarioOut {
            key: sc.key.clone(),
            asset: match sc.asset {
                crate::scenario::Asset::Data(_) => AssetKind::Data,
                crate::scenario::Asset::Service(_) => AssetKind::Service,
                crate::scenario::Asset::Threat(_) => AssetKind::Threat,
            },
            system: estate[sc.system].id().to_string(),
            owner: estate[sc.owner].id.value.clone(),
            business_risks: sc
                .risks
                .iter()
                .map(|r| estate[*r].id.value.clone())
                .collect(),
            attractiveness: sc.tef,
            attractiveness_factors: sc.attractiveness.clone(),
            ways_in: sc
                .ways
                .iter()
                .map(|w| WayOut {
                    rule: w.rule.clone(),
                    threats: w
                        .threats
                        .iter()
                        .map(|t| ThreatRef::of(estate, &analysis.threats[*t]))
                        .collect(),
                })
                .collect(),
            detection_gaps: sc
                .detection
                .iter()
                .map(|t| ThreatRef::of(estate, &analysis.threats[*t]))
                .collect(),
            events: [0, 1, 2].map(|k| figures[k][i].events + 0.0),
            annual_loss: [0, 1, 2].map(|k| figures[k][i].loss + 0.0),
        })
        .collect();

    // The base rate: how often an organisation of this kind has a material loss event.
    let p_any = result.groups[gi.organisation].stats.current.p_any_loss;
    if p_any > BASE_RATE_BAND.1 || (p_any < BASE_RATE_BAND.0 && p_any > 0.0) {
        let mut by_events: Vec<&ScenarioOut> =
            scenarios.iter().filter(|s| s.events[1] > 0.0).collect();
        by_events.sort_by(|a, b| b.events[1].total_cmp(&a.events[1]).then(a.key.cmp(&b.key)));
        let drivers: Vec<String> = by_events
            .iter()
            .take(3)
            .map(|s| format!("{} ({:.2} a year)", s.key, s.events[1]))
            .collect();
        notes.push(NoteOut {
            kind: NoteKind::BaseRate,
            subject: "organisation".into(),
            message: format!(
                "a loss event in {:.1}% of years is {} the {:.1}%–{:.1}% a year of organisations of about $100M revenue (Cyentia IRIS 2022); the scenarios that drive it: {}",
                100.0 * p_any,
                if p_any > BASE_RATE_BAND.1 { "above" } else { "below" },
                100.0 * BASE_RATE_BAND.0,
                100.0 * BASE_RATE_BAND.1,
                drivers.join(", ")
            ),
        });
    }

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
            today: cfg.today.map(|d| d.to_string()),
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
        path_to_appetite,
        scenarios,
        notes,
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
            kind: UnownedKind::Team,
            id: team.id.value.clone(),
            system: None,
            reason: format!(
                "owns {} and {} but names no `lead` or `contact`",
                riskfirst_model::text::plural(threats, "open threat", "open threats"),
                riskfirst_model::text::plural(controls, "control", "controls")
            ),
        });
    }
    for r in &estate.business_risks {
        if r.owner.trim().is_empty() {
            out.push(UnownedOut {
                kind: UnownedKind::BusinessRisk,
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
                    kind: UnownedKind::Assumption,
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
    lvl: &LevelOut,
    level_index: usize,
    max_open: Option<usize>,
    statements: &[Statement],
    drops: Option<&[f64]>,
    value: Option<&ThreatValue>,
    pays: Option<String>,
    expired: bool,
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
    let (Some(drops), Some(value)) = (drops, value) else {
        return Recommendation {
            action: Action::Review,
            reason: "it reaches no business risk, so no money can be put on it: link its data or component to one".into(),
        };
    };
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
                    "its level `{}` is above the appetite (`{}`); closing it removes {} a year",
                    lvl.level,
                    estate.scales.risk[limit],
                    money(value.current, currency)
                ),
            };
        }
    }
    let totals = Totals {
        organisation: crate::scenario::Figures {
            events: value.events_removed,
            loss: value.current,
        },
        risks: drops.to_vec(),
        risk_events: Vec::new(),
    };
    // The statements it touches: the organisation's, and those of the risks it reaches.
    let touched: Vec<&Statement> = statements
        .iter()
        .filter(|s| s.risk.is_none_or(|r| reached.contains(&r)))
        .collect();
    let breached: Vec<(&Statement, f64)> = touched
        .iter()
        .filter(|s| s.breached)
        .map(|s| {
            let gap = s.current - s.limit;
            let moved = s.current - s.after(s.drop_of(&totals));
            (*s, if gap > 0.0 { moved / gap } else { 0.0 })
        })
        .collect();
    let most = breached.iter().max_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then_with(|| b.0.measure.as_str().cmp(a.0.measure.as_str()))
    });
    if let Some((s, share)) = most {
        // Material: closing it goes at least 5% of the way back to the limit.
        if *share >= 0.05 {
            return Recommendation {
                action: Action::Mitigate,
                reason: format!(
                    "{} is over its appetite; closing this goes {:.0}% of the way back to the limit ({} a year)",
                    s.name(estate),
                    (100.0 * share).min(100.0),
                    money(value.current, currency)
                ),
            };
        }
        if let Some(c) = pays {
            return Recommendation {
                action: Action::Mitigate,
                reason: format!(
                    "{} is over its appetite, and control `{c}` removes more than it costs",
                    s.name(estate)
                ),
            };
        }
        return Recommendation {
            action: Action::Review,
            reason: format!(
                "{} is over its appetite, but closing this alone goes only {:.1}% of the way back ({} a year): fix it with the path to appetite, or have the risk's owner accept it",
                s.name(estate),
                100.0 * share.max(0.0),
                money(value.current, currency)
            ),
        };
    }
    if let Some(c) = pays {
        return Recommendation {
            action: Action::Mitigate,
            reason: format!("control `{c}` removes more than it costs"),
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
            "every appetite statement it touches holds with it open: level `{}`, closing it removes {} a year",
            lvl.level,
            money(value.current, currency)
        ),
    }
}
