//! Data-flow diagrams of one system: zones as boxes, components by kind, flows with their
//! protocol, and the open threats of each element marked by level, as SVG, DOT or Mermaid.
//!
//! The three formats draw the same [`View`] of a system. The SVG has its own deterministic
//! layered layout ([`layout()`]), so the same estate always gives the same bytes and no
//! external Graphviz is needed. Every string that comes from the model is escaped by the
//! one escaper of its format ([`escape`]).

pub mod escape;
mod layout;
mod render_dot;
mod render_mermaid;
mod render_svg;

pub use layout::{layout, EdgeRoute, Layout, NodeBox, Rect, ZoneBox};

use riskfirst_assess::Assessment;
use riskfirst_model::catalog::TechCategory;
use riskfirst_model::format::{ComponentKind, ThreatStatus};
use riskfirst_model::{ComponentIdx, Estate, FlowIdx, SystemIdx, ZoneIdx};
use riskfirst_rules::{Analysis, Element};

/// The open threats of one element: how many, and the index of the highest level among them
/// (0 = the lowest of `estate.scales.risk`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub open: usize,
    pub highest: usize,
}

impl Mark {
    fn add(slot: &mut Option<Mark>, level: usize) {
        *slot = Some(match *slot {
            Some(m) => Mark {
                open: m.open + 1,
                highest: m.highest.max(level),
            },
            None => Mark {
                open: 1,
                highest: level,
            },
        });
    }
}

/// The threat marks of every component and flow of the estate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    components: Vec<Option<Mark>>,
    flows: Vec<Option<Mark>>,
}

impl Marks {
    /// From the analysis and its assessment (assessment.threats[i] is analysis.threats[i]; the
    /// level name is assessment.threats[i].level.level, its index in assessment.settings.levels).
    ///
    /// Only open threats count. A threat marks its most specific component or flow (the first
    /// of its elements that is one), so a shared component shows its threats in every system
    /// that uses it.
    pub fn new(estate: &Estate, analysis: &Analysis, assessment: &Assessment) -> Marks {
        let mut marks = Marks {
            components: vec![None; estate.components.len()],
            flows: vec![None; estate.flows.len()],
        };
        for (threat, out) in analysis.threats.iter().zip(&assessment.threats) {
            if threat.status != ThreatStatus::Open {
                continue;
            }
            let level = assessment
                .settings
                .levels
                .iter()
                .position(|l| *l == out.level.level)
                .unwrap_or(0);
            let slot = threat.elements.iter().find_map(|e| match *e {
                Element::Component(c) => Some((Some(c), None)),
                Element::Flow(f) => Some((None, Some(f))),
                Element::Data(_) => None,
            });
            match slot {
                Some((Some(c), _)) => {
                    if let Some(s) = marks.components.get_mut(c.index()) {
                        Mark::add(s, level);
                    }
                }
                Some((_, Some(f))) => {
                    if let Some(s) = marks.flows.get_mut(f.index()) {
                        Mark::add(s, level);
                    }
                }
                _ => {}
            }
        }
        marks
    }

    /// No threats marked (for diagrams without an assessment).
    pub fn none() -> Marks {
        Marks::default()
    }

    pub fn component(&self, c: ComponentIdx) -> Option<Mark> {
        self.components.get(c.index()).copied().flatten()
    }

    pub fn flow(&self, f: FlowIdx) -> Option<Mark> {
        self.flows.get(f.index()).copied().flatten()
    }
}

/// The colours of the risk levels, lowest to highest, for up to five levels: green, yellow,
/// orange, red, dark red. Chosen to stay apart for the common forms of colour blindness in
/// lightness as well as hue, and dark enough to carry white text except for yellow.
const PALETTE: [&str; 5] = ["#2e7d32", "#f2b705", "#e8710a", "#c62828", "#6d1b1b"];

/// The colour of level `index` of `levels` (lowest first), shared by the diagrams and the
/// HTML report so a level reads the same everywhere. Out-of-range indices take the highest.
pub fn level_colour(index: usize, levels: usize) -> &'static str {
    let levels = levels.max(1);
    let index = index.min(levels - 1);
    let slot = match levels {
        1 => 2,
        2 => [0, 3][index],
        3 => [0, 2, 3][index],
        4 => [0, 1, 2, 3][index],
        5 => index,
        // More levels than colours: spread them over the palette, lowest and highest kept.
        n => (index * (PALETTE.len() - 1) + (n - 1) / 2) / (n - 1),
    };
    PALETTE[slot.min(PALETTE.len() - 1)]
}

/// The text colour that reads on [`level_colour`]: dark on yellow, white elsewhere.
pub(crate) fn level_text_colour(index: usize, levels: usize) -> &'static str {
    if level_colour(index, levels) == PALETTE[1] {
        "#1f2328"
    } else {
        "#ffffff"
    }
}

/// How a component is drawn. The three kinds of the model are split further by technology
/// so a reader tells a database from a queue or a load balancer at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    /// An external entity: a person or a system outside our control.
    Actor,
    /// A process: a service, a function, a job.
    Service,
    /// A process at the network edge: load balancer, proxy, WAF, CDN, gateway.
    Gateway,
    /// A datastore that answers queries: SQL, NoSQL, cache, search, vault.
    Database,
    /// A datastore that passes messages on: queue, stream, event bus.
    Queue,
    /// A datastore of files or objects: bucket, file share, backups, registry.
    Storage,
}

impl Shape {
    pub const ALL: [Shape; 6] = [
        Shape::Actor,
        Shape::Service,
        Shape::Gateway,
        Shape::Database,
        Shape::Queue,
        Shape::Storage,
    ];

    pub fn of(kind: ComponentKind, category: TechCategory) -> Shape {
        use TechCategory as T;
        match kind {
            ComponentKind::ExternalEntity => Shape::Actor,
            ComponentKind::Process => match category {
                T::LoadBalancer | T::ReverseProxy | T::Waf | T::Cdn | T::Gateway => Shape::Gateway,
                _ => Shape::Service,
            },
            ComponentKind::Datastore => match category {
                T::MessageQueue => Shape::Queue,
                T::ObjectStorage
                | T::FileStorage
                | T::Backup
                | T::ArtifactRegistry
                | T::SourceRepository => Shape::Storage,
                _ => Shape::Database,
            },
        }
    }

    /// What the legend calls it.
    pub fn legend(self) -> &'static str {
        match self {
            Shape::Actor => "external entity",
            Shape::Service => "process",
            Shape::Gateway => "gateway, proxy",
            Shape::Database => "database",
            Shape::Queue => "queue, stream",
            Shape::Storage => "files, objects",
        }
    }
}

/// One system as the diagrams draw it: its components and the components of other systems
/// its flows reach, its flows, and the zones they sit in ordered by trust (least first).
pub(crate) struct View<'a> {
    pub estate: &'a Estate,
    pub system: SystemIdx,
    /// The system's own components in model order, then those of other systems by index.
    pub nodes: Vec<ComponentIdx>,
    /// Index into `zones` of each node.
    pub node_zone: Vec<usize>,
    /// Flows of the system with the positions of their ends in `nodes`.
    pub flows: Vec<(FlowIdx, usize, usize)>,
    /// Least trusted first; ties in model order.
    pub zones: Vec<ZoneIdx>,
}

impl<'a> View<'a> {
    pub fn new(estate: &'a Estate, system: SystemIdx) -> View<'a> {
        let sys = &estate[system];
        let mut nodes: Vec<ComponentIdx> = sys.components.clone();
        let mut external: Vec<ComponentIdx> = sys.uses.clone();
        for f in &sys.flows {
            external.push(estate[*f].from);
            external.push(estate[*f].to);
        }
        external.retain(|c| estate[*c].system != system);
        external.sort();
        external.dedup();
        nodes.extend(external);

        // Positions by component index; a Vec keeps lookups cheap and the order fixed.
        let mut position = std::collections::BTreeMap::new();
        for (i, c) in nodes.iter().enumerate() {
            position.entry(*c).or_insert(i);
        }
        let flows = sys
            .flows
            .iter()
            .filter_map(|f| {
                let flow = &estate[*f];
                Some((*f, *position.get(&flow.from)?, *position.get(&flow.to)?))
            })
            .collect();

        let mut zones: Vec<ZoneIdx> = nodes.iter().map(|c| estate[*c].zone).collect();
        zones.sort_by_key(|z| (estate[*z].trust(), *z));
        zones.dedup();
        let node_zone = nodes
            .iter()
            .map(|c| {
                let z = estate[*c].zone;
                zones.iter().position(|x| *x == z).unwrap_or(0)
            })
            .collect();
        View {
            estate,
            system,
            nodes,
            node_zone,
            flows,
            zones,
        }
    }

    /// A component of another system, drawn dashed with its system's name.
    pub fn is_external(&self, node: usize) -> bool {
        self.estate[self.nodes[node]].system != self.system
    }

    pub fn shape(&self, node: usize) -> Shape {
        let c = &self.estate[self.nodes[node]];
        Shape::of(c.raw.kind, c.category)
    }

    /// A flow that leaves one zone for another.
    pub fn crosses(&self, from: usize, to: usize) -> bool {
        self.node_zone[from] != self.node_zone[to]
    }

    /// What a zone is called in a diagram: its name, else its id.
    pub fn zone_title(&self, zone: usize) -> &str {
        let z = &self.estate[self.zones[zone]];
        z.raw.name.as_deref().unwrap_or(z.id())
    }

    /// The second line of a component: its technology, and its system when it is not ours.
    pub fn subtitle(&self, node: usize) -> String {
        let c = &self.estate[self.nodes[node]];
        if self.is_external(node) {
            format!("{} · {}", self.estate[c.system].id(), *c.raw.technology)
        } else {
            c.raw.technology.to_string()
        }
    }

    /// The number of risk levels of the estate, for colours.
    pub fn levels(&self) -> usize {
        self.estate.scales.risk.len()
    }

    pub fn level_name(&self, index: usize) -> &str {
        self.estate
            .scales
            .risk
            .get(index)
            .map(String::as_str)
            .unwrap_or("?")
    }

    /// "3 open threats, highest high", for tooltips and text formats.
    pub fn mark_text(&self, mark: Mark) -> String {
        format!(
            "{} open threat{}, highest {}",
            mark.open,
            if mark.open == 1 { "" } else { "s" },
            self.level_name(mark.highest)
        )
    }
}

/// The diagram as a standalone `<svg>` element: `viewBox`, `width="100%"`, presentation
/// attributes only (no `<style>`, no ids), so several embed in one HTML page.
pub fn svg(estate: &Estate, system: SystemIdx, marks: &Marks) -> String {
    render_svg::render(&View::new(estate, system), marks)
}

/// Graphviz DOT: one cluster per zone, left to right by trust.
pub fn dot(estate: &Estate, system: SystemIdx, marks: &Marks) -> String {
    render_dot::render(&View::new(estate, system), marks)
}

/// Mermaid `flowchart LR` with one subgraph per zone.
pub fn mermaid(estate: &Estate, system: SystemIdx, marks: &Marks) -> String {
    render_mermaid::render(&View::new(estate, system), marks)
}
