//! The Mermaid drawing of a [`View`]: `flowchart LR` with one subgraph per zone, ids of our
//! own making (`n0`, `z0`) and every label quoted and entity-encoded.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::escape::mermaid as q;
use super::{level_colour, Marks, Shape, View};

pub(crate) fn render(view: &View<'_>, marks: &Marks) -> String {
    let estate = view.estate;
    let mut s = String::with_capacity(512 + view.nodes.len() * 120 + view.flows.len() * 60);
    s.push_str("flowchart LR\n");
    let mut by_level: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut external = Vec::new();
    for z in 0..view.zones.len() {
        let zone = &estate[view.zones[z]];
        let _ = writeln!(
            s,
            "  subgraph z{z}[\"{}\"]",
            q(&format!("{} · trust {}", view.zone_title(z), zone.trust()))
        );
        s.push_str("    direction TB\n");
        for v in (0..view.nodes.len()).filter(|v| view.node_zone[*v] == z) {
            let c = &estate[view.nodes[v]];
            let mut label = format!("{}<br/>{}", q(c.name()), q(&view.subtitle(v)));
            if let Some(m) = marks.component(view.nodes[v]) {
                let _ = write!(label, "<br/>{}", q(&view.mark_text(m)));
                by_level.entry(m.highest).or_default().push(v);
            }
            if view.is_external(v) {
                external.push(v);
            }
            let (open, close) = match view.shape(v) {
                Shape::Actor => ("[", "]"),
                Shape::Service => ("(", ")"),
                Shape::Gateway => ("{{", "}}"),
                Shape::Database => ("[(", ")]"),
                Shape::Queue => (">", "]"),
                Shape::Storage => ("[/", "/]"),
            };
            let _ = writeln!(s, "    n{v}{open}\"{label}\"{close}");
        }
        s.push_str("  end\n");
    }
    let mut exposed = Vec::new();
    for (i, &(f, a, b)) in view.flows.iter().enumerate() {
        let flow = &estate[f];
        let mut label = q(&flow.raw.protocol);
        let arrow = if !flow.encrypted && view.crosses(a, b) {
            label.push_str(" · unencrypted");
            exposed.push(i);
            "-.->"
        } else {
            "-->"
        };
        if let Some(m) = marks.flow(f) {
            let _ = write!(label, "<br/>{}", q(&view.mark_text(m)));
        }
        let _ = writeln!(s, "  n{a} {arrow}|\"{label}\"| n{b}");
    }
    for (level, nodes) in &by_level {
        let _ = writeln!(
            s,
            "  classDef level{level} stroke:{},stroke-width:3px",
            level_colour(*level, view.levels())
        );
        let _ = writeln!(s, "  class {} level{level}", ids(nodes));
    }
    if !external.is_empty() {
        s.push_str("  classDef external stroke-dasharray:5 3,fill:#f7f7f8\n");
        let _ = writeln!(s, "  class {} external", ids(&external));
    }
    if !exposed.is_empty() {
        let list: Vec<String> = exposed.iter().map(usize::to_string).collect();
        let _ = writeln!(
            s,
            "  linkStyle {} stroke:#b3261e,color:#b3261e",
            list.join(",")
        );
    }
    s
}

fn ids(nodes: &[usize]) -> String {
    let list: Vec<String> = nodes.iter().map(|v| format!("n{v}")).collect();
    list.join(",")
}
