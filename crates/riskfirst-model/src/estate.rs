//! The validated estate: every reference resolved to an index, so code
//! downstream (rules, risk, reports) never meets a dangling id.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Index;
use std::path::PathBuf;

use crate::catalog::TechCategory;
use crate::format::{
    Appetite, BusinessRisk, Component, Control, DataAsset, Flow, Organisation, RootFile,
    SystemHeader, Team, ThreatEntry, Zone,
};
use crate::span::Span;

macro_rules! index_type {
    ($($(#[$doc:meta])* $name:ident => $field:ident: $ty:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl Index<$name> for Estate {
            type Output = $ty;
            fn index(&self, i: $name) -> &$ty {
                &self.$field[i.index()]
            }
        }
    )*};
}

index_type! {
    SystemIdx => systems: SystemNode;
    ComponentIdx => components: ComponentNode;
    FlowIdx => flows: FlowNode;
    DataIdx => data: DataNode;
    ZoneIdx => zones: ZoneNode;
    TeamIdx => teams: Team;
    RiskIdx => business_risks: BusinessRisk;
}

/// A loaded and validated estate.
#[derive(Clone, Debug, Default)]
pub struct Estate {
    /// The directory of `riskfirst.yaml`.
    pub root_dir: PathBuf,
    pub organisation: Organisation,
    pub teams: Vec<Team>,
    pub business_risks: Vec<BusinessRisk>,
    pub appetite: Vec<Appetite>,
    pub scales: Scales,
    pub systems: Vec<SystemNode>,
    pub components: Vec<ComponentNode>,
    pub flows: Vec<FlowNode>,
    pub data: Vec<DataNode>,
    pub zones: Vec<ZoneNode>,
    /// Controls of the estate library followed by every system's, each with its system (if any).
    pub controls: Vec<ControlNode>,
    /// The root file as read, for settings, custom rules and serialisation.
    pub root: RootFile,
    pub(crate) team_ids: HashMap<String, TeamIdx>,
    pub(crate) risk_ids: HashMap<String, RiskIdx>,
    pub(crate) system_ids: HashMap<String, SystemIdx>,
}

#[derive(Clone, Debug, Default)]
pub struct SystemNode {
    pub header: SystemHeader,
    pub owner: TeamIdx,
    pub business_risks: Vec<RiskIdx>,
    pub components: Vec<ComponentIdx>,
    pub flows: Vec<FlowIdx>,
    pub data: Vec<DataIdx>,
    pub zones: Vec<ZoneIdx>,
    /// Components of other systems that this one uses.
    pub uses: Vec<ComponentIdx>,
    pub assumptions: Vec<crate::format::Assumption>,
    pub threats: Vec<ThreatEntry>,
    /// Where the system's file is, as the user should read it.
    pub path: PathBuf,
    pub span: Span,
}

impl SystemNode {
    pub fn id(&self) -> &str {
        &self.header.id
    }
}

#[derive(Clone, Debug)]
pub struct ComponentNode {
    pub system: SystemIdx,
    pub raw: Component,
    pub category: TechCategory,
    pub zone: ZoneIdx,
    pub owner: TeamIdx,
    pub processes: Vec<DataIdx>,
    pub stores: Vec<DataIdx>,
    pub business_risks: Vec<RiskIdx>,
    /// Flows that end here, and that start here (sorted by index).
    pub incoming: Vec<FlowIdx>,
    pub outgoing: Vec<FlowIdx>,
    /// Other systems that use this component.
    pub used_by: Vec<SystemIdx>,
}

impl ComponentNode {
    pub fn id(&self) -> &str {
        &self.raw.id
    }
    pub fn name(&self) -> &str {
        self.raw.name.as_deref().unwrap_or(&self.raw.id)
    }
}

#[derive(Clone, Debug)]
pub struct FlowNode {
    pub system: SystemIdx,
    pub raw: Flow,
    pub from: ComponentIdx,
    pub to: ComponentIdx,
    pub data: Vec<DataIdx>,
    /// Encrypted in transit: the explicit `tls`, else what the protocol implies.
    pub encrypted: bool,
}

impl FlowNode {
    pub fn id(&self) -> &str {
        &self.raw.id
    }
}

#[derive(Clone, Debug)]
pub struct DataNode {
    pub system: SystemIdx,
    pub raw: DataAsset,
    pub business_risks: Vec<RiskIdx>,
}

impl DataNode {
    pub fn id(&self) -> &str {
        &self.raw.id
    }
}

#[derive(Clone, Debug)]
pub struct ZoneNode {
    /// `None` for a zone of the estate, shared by every system.
    pub system: Option<SystemIdx>,
    pub raw: Zone,
}

impl ZoneNode {
    pub fn id(&self) -> &str {
        &self.raw.id
    }
    pub fn trust(&self) -> i64 {
        *self.raw.trust
    }
}

#[derive(Clone, Debug)]
pub struct ControlNode {
    /// `None` for a control of the estate library.
    pub system: Option<SystemIdx>,
    pub raw: Control,
    pub owner: TeamIdx,
}

/// The organisation's qualitative scales with defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Scales {
    /// `(level, upper bound)`, lowest first; the last bound is infinite.
    pub impact: Vec<(String, f64)>,
    pub likelihood: Vec<(String, f64)>,
    /// Risk levels, lowest first.
    pub risk: Vec<String>,
    /// `matrix[likelihood][impact]` = index into `risk`.
    pub matrix: Vec<Vec<usize>>,
}

impl Default for Scales {
    fn default() -> Self {
        let impact = vec![
            ("low".to_string(), 50_000.0),
            ("medium".to_string(), 500_000.0),
            ("high".to_string(), 5_000_000.0),
            ("critical".to_string(), f64::INFINITY),
        ];
        let likelihood = vec![
            ("rare".to_string(), 0.05),
            ("unlikely".to_string(), 0.3),
            ("likely".to_string(), 2.0),
            ("frequent".to_string(), f64::INFINITY),
        ];
        let risk: Vec<String> = ["low", "medium", "high", "critical"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let matrix = Scales::default_matrix(likelihood.len(), impact.len(), risk.len());
        Scales {
            impact,
            likelihood,
            risk,
            matrix,
        }
    }
}

impl Scales {
    /// Spreads `levels` evenly over likelihood index + impact index.
    pub fn default_matrix(likelihood: usize, impact: usize, levels: usize) -> Vec<Vec<usize>> {
        let max_sum = (likelihood + impact).saturating_sub(2).max(1);
        (0..likelihood)
            .map(|l| {
                (0..impact)
                    .map(|i| {
                        (((l + i) * levels.saturating_sub(1)) as f64 / max_sum as f64).round()
                            as usize
                    })
                    .collect()
            })
            .collect()
    }

    pub fn impact_index(&self, loss: f64) -> usize {
        level_index(&self.impact, loss)
    }

    pub fn likelihood_index(&self, frequency: f64) -> usize {
        level_index(&self.likelihood, frequency)
    }

    /// Risk level index for a likelihood index and an impact index.
    pub fn risk_index(&self, likelihood: usize, impact: usize) -> usize {
        self.matrix
            .get(likelihood)
            .and_then(|row| row.get(impact))
            .copied()
            .unwrap_or(self.risk.len().saturating_sub(1))
    }

    pub fn risk_level_index(&self, name: &str) -> Option<usize> {
        self.risk.iter().position(|r| r == name)
    }
}

fn level_index(levels: &[(String, f64)], value: f64) -> usize {
    levels
        .iter()
        .position(|(_, below)| value < *below)
        .unwrap_or(levels.len().saturating_sub(1))
}

impl Estate {
    pub fn team(&self, id: &str) -> Option<TeamIdx> {
        self.team_ids.get(id).copied()
    }

    pub fn business_risk(&self, id: &str) -> Option<RiskIdx> {
        self.risk_ids.get(id).copied()
    }

    pub fn system(&self, id: &str) -> Option<SystemIdx> {
        self.system_ids.get(id).copied()
    }

    /// A component by id, as written in `system`: a local id or `other-system/component`.
    pub fn component_in(&self, system: SystemIdx, reference: &str) -> Option<ComponentIdx> {
        let (sys, local) = match reference.split_once('/') {
            Some((s, c)) => (self.system(s)?, c),
            None => (system, reference),
        };
        if let Some(found) = self[sys]
            .components
            .iter()
            .copied()
            .find(|c| self[*c].id() == local)
        {
            return Some(found);
        }
        // A bare id may name a component the system `uses`.
        if reference.contains('/') {
            return None;
        }
        let mut used = self[system]
            .uses
            .iter()
            .copied()
            .filter(|c| self[*c].id() == local);
        match (used.next(), used.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    /// How an element of `owner` is named from `system`: bare when local, `system/id` otherwise.
    pub fn component_ref(&self, c: ComponentIdx, from: SystemIdx) -> String {
        let node = &self[c];
        if node.system == from {
            node.id().to_string()
        } else {
            format!("{}/{}", self[node.system].id(), node.id())
        }
    }

    /// The system files of the estate, rebuilt from what it kept of each file: the
    /// input of a writer (an export, a round trip) that needs the format values.
    pub fn system_files(&self) -> Vec<crate::format::SystemFile> {
        (0..self.systems.len() as u32)
            .map(SystemIdx)
            .map(|s| {
                let node = &self[s];
                crate::format::SystemFile {
                    riskfirst: crate::Spanned::new(1),
                    system: node.header.clone(),
                    data: node.data.iter().map(|d| self[*d].raw.clone()).collect(),
                    zones: node.zones.iter().map(|z| self[*z].raw.clone()).collect(),
                    components: node
                        .components
                        .iter()
                        .map(|c| self[*c].raw.clone())
                        .collect(),
                    uses: node
                        .uses
                        .iter()
                        .map(|c| crate::Spanned::new(self.qualified(*c)))
                        .collect(),
                    flows: node.flows.iter().map(|f| self[*f].raw.clone()).collect(),
                    assumptions: node.assumptions.clone(),
                    threats: node.threats.clone(),
                    controls: self
                        .controls
                        .iter()
                        .filter(|c| c.system == Some(s))
                        .map(|c| c.raw.clone())
                        .collect(),
                }
            })
            .collect()
    }

    /// `system/component`, unique in the estate.
    pub fn qualified(&self, c: ComponentIdx) -> String {
        let node = &self[c];
        format!("{}/{}", self[node.system].id(), node.id())
    }

    pub fn zone_of(&self, c: ComponentIdx) -> &ZoneNode {
        &self[self[c].zone]
    }

    pub fn component_indices(&self) -> impl Iterator<Item = ComponentIdx> {
        (0..self.components.len() as u32).map(ComponentIdx)
    }

    pub fn flow_indices(&self) -> impl Iterator<Item = FlowIdx> {
        (0..self.flows.len() as u32).map(FlowIdx)
    }

    pub fn data_indices(&self) -> impl Iterator<Item = DataIdx> {
        (0..self.data.len() as u32).map(DataIdx)
    }

    pub fn system_indices(&self) -> impl Iterator<Item = SystemIdx> {
        (0..self.systems.len() as u32).map(SystemIdx)
    }

    /// The data a flow carries, plus what its ends process or store if it carries nothing explicit.
    pub fn highest_classification(
        &self,
        data: &[DataIdx],
    ) -> Option<crate::format::Classification> {
        data.iter().map(|d| self[*d].raw.classification).max()
    }
}
