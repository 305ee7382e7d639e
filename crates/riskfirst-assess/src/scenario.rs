//! Loss scenarios: what the business loses, and the findings that are ways into it.
//!
//! A rule finding is not an incident. The incident is the loss of an asset: a data
//! asset read or changed by someone who should not (`Data`), or a component's service
//! stopped or subverted (`Service`). Every finding names the scenarios it opens a way
//! into; several findings on one scenario raise its probability but never add a second
//! copy of the same incident. FAIR's decomposition, per scenario `s` and stage:
//!
//! ```text
//! ways in       w = the distinct rules with an open finding into s
//! vulnerability ν_w = max over the findings i of rule w of  v_i · kf_i · kl_i
//! LEF_s         = A_s · (1 − Π_w (1 − min(1, v_i · kf_i)))          events a year
//! EAL_s         = A_s · (1 − Π_w (1 − min(1, ν_w))) · L̄_s · m_s
//! ```
//!
//! where `v_i` is the finding's rate (its rule's base range adjusted by the facts of the
//! way in, `crate::frequency`), `kf_i` and `kl_i` the fractions of frequency and loss its
//! controls leave, `A_s` the asset's attractiveness (classification and records: how
//! many capable attackers come for it), `L̄_s` the expected loss of one event to the
//! business risks the asset reaches, and `m_s` the detection factor: an open repudiation
//! finding (no audit trail) on the asset makes an incident slower to detect and contain,
//! which makes it dearer. Findings of one rule on one asset are one weakness (the same
//! way in drawn twice), so splitting a component into two identical ones changes
//! nothing; different rules are different ways in, combined as independent chances.
//! Everything here is exact and cheap: the Monte Carlo engine only draws the years.

use riskfirst_model::format::{ControlStatus, Stride, ThreatStatus};
use riskfirst_model::{ComponentIdx, DataIdx, Estate, RiskIdx, SystemIdx, TeamIdx};
use riskfirst_rules::engine::{Analysis, Threat};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::frequency::{involved_data, target_components, ThreatFrequency};
use crate::reach;

/// How much dearer an incident is when it is detected and contained late: IBM Security,
/// Cost of a Data Breach 2020, breaches with a life cycle above 200 days cost USD 4.33M
/// on average against USD 3.21M below it (4.33 / 3.21 = 1.349).
pub const DETECTION_FACTOR: f64 = 4.33 / 3.21;

/// What a scenario is the loss of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Asset {
    /// A data asset read or changed by someone who should not.
    Data(DataIdx),
    /// A component's service stopped or subverted.
    Service(ComponentIdx),
    /// A threat of its own: a hand-written threat that says what it hurts, or the
    /// business risks a decision adds to a threat.
    Threat(usize),
}

/// One attractiveness factor of an asset, shown so the number explains itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attractiveness {
    pub name: String,
    pub factor: f64,
    pub reason: String,
}

/// One way into a scenario: the open findings of one rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Way {
    pub rule: String,
    pub threats: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Scenario {
    /// Stable and unique: `data:SYSTEM/ID`, `service:SYSTEM/ID` or `threat:SYSTEM:ID`.
    pub key: String,
    pub asset: Asset,
    /// The system whose model holds the asset.
    pub system: SystemIdx,
    /// The component the asset lives on (the first that stores a data asset, else the
    /// first that processes it); a shared component carries it into the systems using it.
    pub home: Option<ComponentIdx>,
    /// Who answers for the asset: the home component's owner, else the system's.
    pub owner: TeamIdx,
    /// The business risks one incident reaches.
    pub risks: Vec<RiskIdx>,
    pub attractiveness: Vec<Attractiveness>,
    /// The product of the attractiveness factors (A_s).
    pub tef: f64,
    pub ways: Vec<Way>,
    /// Repudiation findings on the asset (the detection factor).
    pub detection: Vec<usize>,
}

/// Per threat and stage: the fractions of frequency and of loss its controls leave.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Keep {
    pub frequency: f64,
    pub loss: f64,
}

impl Keep {
    pub const ALL: Keep = Keep {
        frequency: 1.0,
        loss: 1.0,
    };
    pub const CLOSED: Keep = Keep {
        frequency: 0.0,
        loss: 0.0,
    };
}

/// The exact figures of a scenario in one state of the controls.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Figures {
    /// Loss events a year.
    pub events: f64,
    /// Expected annual loss.
    pub loss: f64,
}

/// Every scenario of an estate, and which scenarios each threat opens.
#[derive(Clone, Debug, Default)]
pub struct Scenarios {
    pub list: Vec<Scenario>,
    /// Per threat: the scenarios it is a way into (or a detection gap of).
    pub of_threat: Vec<Vec<usize>>,
    /// Per threat: its vulnerability `v_i` (events a year through it, on its own).
    pub rate: Vec<f64>,
}

fn classification_factor(estate: &Estate, d: DataIdx) -> Vec<Attractiveness> {
    use riskfirst_model::format::Classification as C;
    let data = &estate[d];
    let mut out = Vec::new();
    let (name, reason) = match data.raw.classification {
        C::Restricted => ("restricted-data", "restricted data: attackers seek it out"),
        C::Confidential => ("confidential-data", "confidential data"),
        C::Public => ("public-data-only", "public data: little to gain"),
        C::Internal => ("", ""),
    };
    let mut push = |name: &'static str, reason: String| {
        let factor = crate::frequency::factor(estate, name);
        if !name.is_empty() && factor != 1.0 {
            out.push(Attractiveness {
                name: name.into(),
                factor,
                reason,
            });
        }
    };
    push(name, format!("`{}`: {reason}", data.id()));
    if let Some(r) = data.raw.records.as_ref().map(|r| **r) {
        if r > 1_000_000 {
            push(
                "many-records",
                format!("`{}` holds {r} records: a prize worth effort", data.id()),
            );
        }
    }
    out
}

/// The business risks a component's loss of service reaches: its own, else its system's.
pub fn service_risks(estate: &Estate, c: ComponentIdx) -> Vec<RiskIdx> {
    let own = &estate[c].business_risks;
    let mut out = if own.is_empty() {
        estate[estate[c].system].business_risks.clone()
    } else {
        own.clone()
    };
    out.sort();
    out.dedup();
    out
}

fn data_home(estate: &Estate, d: DataIdx) -> Option<ComponentIdx> {
    let sys = &estate[estate[d].system];
    let in_own = |pick: &dyn Fn(ComponentIdx) -> bool| {
        sys.components
            .iter()
            .copied()
            .find(|c| pick(*c))
            .or_else(|| {
                (0..estate.components.len() as u32)
                    .map(ComponentIdx)
                    .find(|c| pick(*c))
            })
    };
    in_own(&|c| estate[c].stores.contains(&d))
        .or_else(|| in_own(&|c| estate[c].processes.contains(&d)))
}

/// What a threat does to the scenarios it touches.
enum Role {
    WayIn,
    Detection,
}

/// The scenarios a threat touches, and how (empty for threats that carry no money).
fn touches(estate: &Estate, t: &Threat, ti: usize) -> Vec<(Asset, Role)> {
    if reach::is_model_check(t) || t.status == ThreatStatus::NotApplicable {
        return Vec::new();
    }
    let named = t
        .decision
        .as_ref()
        .is_some_and(|d| !d.business_risks.is_empty());
    if t.hand_written && (named || t.elements.is_empty()) {
        return vec![(Asset::Threat(ti), Role::WayIn)];
    }
    let data: Vec<DataIdx> = involved_data(estate, t)
        .into_iter()
        .filter(|d| !estate[*d].business_risks.is_empty())
        .collect();
    let services: Vec<ComponentIdx> = target_components(estate, t)
        .into_iter()
        .filter(|c| !service_risks(estate, *c).is_empty())
        .collect();
    let mut out: Vec<(Asset, Role)> = Vec::new();
    let way = |assets: &mut Vec<(Asset, Role)>, a: Asset, role: fn() -> Role| {
        if !assets.iter().any(|(x, _)| *x == a) {
            assets.push((a, role()));
        }
    };
    let stride = t.rule.stride;
    match stride {
        Stride::DenialOfService => {
            for c in &services {
                way(&mut out, Asset::Service(*c), || Role::WayIn);
            }
        }
        Stride::ElevationOfPrivilege => {
            for d in &data {
                way(&mut out, Asset::Data(*d), || Role::WayIn);
            }
            for c in &services {
                way(&mut out, Asset::Service(*c), || Role::WayIn);
            }
        }
        Stride::Repudiation => {
            let role = || Role::Detection;
            if data.is_empty() {
                for c in &services {
                    way(&mut out, Asset::Service(*c), role);
                }
            }
            for d in &data {
                way(&mut out, Asset::Data(*d), role);
            }
        }
        _ => {
            if data.is_empty() {
                for c in &services {
                    way(&mut out, Asset::Service(*c), || Role::WayIn);
                }
            }
            for d in &data {
                way(&mut out, Asset::Data(*d), || Role::WayIn);
            }
        }
    }
    if out.is_empty() && t.elements.is_empty() && !estate[t.system].business_risks.is_empty() {
        out.push((Asset::Threat(ti), Role::WayIn));
    }
    if named && !t.hand_written {
        out.push((Asset::Threat(ti), Role::WayIn));
    }
    out
}

/// The scenarios of an estate from its threats and their rates.
pub fn scenarios(estate: &Estate, analysis: &Analysis, freqs: &[ThreatFrequency]) -> Scenarios {
    use std::collections::BTreeMap;
    let mut index: BTreeMap<Asset, usize> = BTreeMap::new();
    let mut out = Scenarios {
        list: Vec::new(),
        of_threat: vec![Vec::new(); analysis.threats.len()],
        rate: freqs.iter().map(|f| f.mean.clamp(0.0, 1.0)).collect(),
    };
    for (ti, t) in analysis.threats.iter().enumerate() {
        for (asset, role) in touches(estate, t, ti) {
            let s = *index.entry(asset).or_insert_with(|| {
                out.list.push(new_scenario(estate, analysis, asset));
                out.list.len() - 1
            });
            let sc = &mut out.list[s];
            match role {
                Role::Detection => sc.detection.push(ti),
                Role::WayIn => match sc.ways.iter_mut().find(|w| w.rule == t.rule.code) {
                    Some(w) => w.threats.push(ti),
                    None => sc.ways.push(Way {
                        rule: t.rule.code.clone(),
                        threats: vec![ti],
                    }),
                },
            }
            out.of_threat[ti].push(s);
        }
    }
    // A scenario with only detection gaps and no way in costs nothing: nothing gets in.
    out
}

fn new_scenario(estate: &Estate, analysis: &Analysis, asset: Asset) -> Scenario {
    let (key, system, home, risks, attractiveness) = match asset {
        Asset::Data(d) => {
            let mut risks = estate[d].business_risks.clone();
            risks.sort();
            risks.dedup();
            (
                format!("data:{}/{}", estate[estate[d].system].id(), estate[d].id()),
                estate[d].system,
                data_home(estate, d),
                risks,
                classification_factor(estate, d),
            )
        }
        Asset::Service(c) => (
            format!("service:{}", estate.qualified(c)),
            estate[c].system,
            Some(c),
            service_risks(estate, c),
            Vec::new(),
        ),
        Asset::Threat(ti) => {
            let t = &analysis.threats[ti];
            let mut risks: Vec<RiskIdx> = t
                .decision
                .as_ref()
                .map(|d| d.business_risks.clone())
                .unwrap_or_default();
            if risks.is_empty() {
                risks = estate[t.system].business_risks.clone();
            }
            risks.sort();
            risks.dedup();
            (
                format!("threat:{}", crate::threat_key(estate, t)),
                t.system,
                target_components(estate, t).first().copied(),
                risks,
                Vec::new(),
            )
        }
    };
    let owner = home.map_or(estate[system].owner, |c| estate[c].owner);
    let tef = attractiveness.iter().map(|a| a.factor).product();
    Scenario {
        key,
        asset,
        system,
        home,
        owner,
        risks,
        attractiveness,
        tef,
        ways: Vec::new(),
        detection: Vec::new(),
    }
}

impl Scenario {
    /// The exact figures with the given per-threat keeps, over the business risks `only`
    /// selects (all when `None`); `loss_per_event[r]` is `p_r · E[L_r]`.
    pub fn figures(
        &self,
        rate: &[f64],
        keep: &dyn Fn(usize) -> Keep,
        loss_per_event: f64,
    ) -> Figures {
        let (mut miss_event, mut miss_loss) = (1.0, 1.0);
        for w in &self.ways {
            let (mut ev, mut lo) = (0.0f64, 0.0f64);
            for &t in &w.threats {
                let k = keep(t);
                ev = ev.max(rate[t] * k.frequency);
                lo = lo.max(rate[t] * k.frequency * k.loss);
            }
            miss_event *= 1.0 - ev.min(1.0);
            miss_loss *= 1.0 - lo.min(1.0);
        }
        if self.ways.is_empty() {
            return Figures::default();
        }
        let mut undetected = 1.0;
        for &t in &self.detection {
            let k = keep(t);
            undetected *= 1.0 - (k.frequency * k.loss).min(1.0);
        }
        let detection = 1.0 + (DETECTION_FACTOR - 1.0) * (1.0 - undetected);
        Figures {
            events: self.tef * (1.0 - miss_event),
            loss: self.tef * (1.0 - miss_loss) * loss_per_event * detection,
        }
    }

    /// Every threat that touches the scenario.
    pub fn threats(&self) -> impl Iterator<Item = usize> + '_ {
        self.ways
            .iter()
            .flat_map(|w| w.threats.iter().copied())
            .chain(self.detection.iter().copied())
    }
}

/// The weight a control of this status has in each stage. Current: what it removes
/// counts in full only once verified, at `unverified` while implemented but not
/// verified, and not at all while planned. Projected: the state once every control is
/// in place and verified, so all count in full. So in every stage verified ≥
/// implemented ≥ planned, and moving a control forward never raises a figure.
pub fn stage_weight(status: ControlStatus, stage: riskfirst_risk::Stage, unverified: f64) -> f64 {
    use riskfirst_risk::Stage;
    match (status, stage) {
        (_, Stage::Inherent) => 0.0,
        (_, Stage::Projected) | (ControlStatus::Verified, Stage::Current) => 1.0,
        (ControlStatus::Implemented, Stage::Current) => unverified,
        (ControlStatus::Planned | ControlStatus::InProgress, Stage::Current) => 0.0,
    }
}
