//! The Graphviz DOT drawing of a [`View`]: one cluster per zone, left to right by trust.

use std::fmt::Write as _;

use super::escape::dot as q;
use super::{level_colour, Marks, Shape, View};

pub(crate) fn render(view: &View<'_>, marks: &Marks) -> String {
    let estate = view.estate;
    let sys = &estate[view.system];
    let mut s = String::with_capacity(1024 + view.nodes.len() * 200 + view.flows.len() * 120);
    let _ = writeln!(s, "digraph \"{}\" {{", q(sys.id()));
    let _ = writeln!(
        s,
        "  graph [rankdir=LR, newrank=true, nodesep=0.35, ranksep=0.8, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"{}\"];",
        q(&format!("Data flows of {}", sys.header.name))
    );
    s.push_str("  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", fillcolor=\"#ffffff\", color=\"#4b5563\"];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#7d8896\"];\n");
    for z in 0..view.zones.len() {
        let zone = &estate[view.zones[z]];
        let _ = writeln!(
            s,
            "  subgraph \"cluster_{z}\" {{\n    label=\"{}\";\n    style=\"rounded,dashed\";\n    color=\"#98a2ae\";\n    bgcolor=\"#f6f8fa\";",
            q(&format!("{} (trust {})", view.zone_title(z), zone.trust()))
        );
        for v in (0..view.nodes.len()).filter(|v| view.node_zone[*v] == z) {
            let c = &estate[view.nodes[v]];
            let shape = match view.shape(v) {
                Shape::Actor => "box",
                Shape::Service => "box",
                Shape::Gateway => "hexagon",
                Shape::Database => "cylinder",
                Shape::Queue => "cds",
                Shape::Storage => "folder",
            };
            let mut style = String::from("filled");
            if view.shape(v) == Shape::Service {
                style.push_str(",rounded");
            }
            if view.is_external(v) {
                style.push_str(",dashed");
            }
            let mut label = format!("{}\\n{}", q(c.name()), q(&view.subtitle(v)));
            let mut extra = String::new();
            if let Some(m) = marks.component(view.nodes[v]) {
                let _ = write!(label, "\\n{}", q(&view.mark_text(m)));
                let _ = write!(
                    extra,
                    ", color=\"{}\", penwidth=2.5",
                    level_colour(m.highest, view.levels())
                );
            }
            let _ = writeln!(
                s,
                "    \"n{v}\" [label=\"{label}\", shape={shape}, style=\"{style}\", tooltip=\"{}\"{extra}];",
                q(&estate.qualified(view.nodes[v]))
            );
        }
        s.push_str("  }\n");
    }
    for &(f, a, b) in &view.flows {
        let flow = &estate[f];
        let mut label = q(&flow.raw.protocol);
        let mut attrs = String::new();
        if !flow.encrypted && view.crosses(a, b) {
            label.push_str(" (unencrypted)");
            attrs.push_str(", style=dashed, color=\"#b3261e\", fontcolor=\"#b3261e\"");
        }
        if let Some(m) = marks.flow(f) {
            let _ = write!(label, "\\n{}", q(&view.mark_text(m)));
            if attrs.is_empty() {
                let _ = write!(
                    attrs,
                    ", color=\"{}\", penwidth=2",
                    level_colour(m.highest, view.levels())
                );
            }
        }
        let _ = writeln!(
            s,
            "  \"n{a}\" -> \"n{b}\" [label=\"{label}\", tooltip=\"{}\"{attrs}];",
            q(flow.id())
        );
    }
    s.push_str("}\n");
    s
}
