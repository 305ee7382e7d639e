//! OWASP Threat Dragon v2 JSON: import of every diagram type (STRIDE, LINDDUN, CIA, DIE,
//! PLOT4ai, generic).
//!
//! A model becomes one system; its diagrams are merged into it. Actors, processes and
//! stores become components, flows become flows, and trust boundaries become zones: a
//! boundary box holds the components drawn inside it, and a boundary curve splits the
//! components outside every box into the groups that flows join without crossing it.
//! The threats held on elements become hand-written threats keeping their ids, statuses
//! and mitigations (a control each); Threat Dragon's severity and score are kept in the
//! threat's description, beside riskfirst's money.

use std::collections::HashMap;

use riskfirst_model::format::*;
use riskfirst_model::node::{Node, Value};
use riskfirst_model::Spanned;

use crate::build::{append, complete_decision, kind_name, short, stride_of, threat_status, Draft};
use crate::read::{self, get, list, pos, text};
use crate::{ImportError, ImportOptions, Imported, Input, Pos};

const FORMAT: &str = "threat-dragon";

pub fn detect(input: &Input) -> bool {
    let head = crate::head(input);
    head.contains("\"summary\"") && head.contains("\"detail\"")
}

/// A point of the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pt {
    x: f64,
    y: f64,
}

fn point(node: &Node) -> Option<Pt> {
    Some(Pt {
        x: read::number(node, "x")?,
        y: read::number(node, "y")?,
    })
}

/// What a cell is, from its shape (or, for older files, its `data.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Element(ComponentKind),
    Flow,
    BoundaryBox,
    BoundaryCurve,
    Text,
    Unknown,
}

fn cell_kind(cell: &Node) -> Cell {
    let shape = text(cell, "shape").unwrap_or_default();
    let ty = get(cell, "data")
        .and_then(|d| text(d, "type"))
        .unwrap_or_default();
    match (shape.as_str(), ty.as_str()) {
        ("actor", _) | (_, "tm.Actor") => Cell::Element(ComponentKind::ExternalEntity),
        ("process", _) | (_, "tm.Process") => Cell::Element(ComponentKind::Process),
        ("store", _) | (_, "tm.Store") => Cell::Element(ComponentKind::Datastore),
        ("flow", _) | (_, "tm.Flow") => Cell::Flow,
        ("trust-boundary-box", _) | (_, "tm.BoundaryBox") => Cell::BoundaryBox,
        ("trust-boundary-curve", _) | (_, "tm.Boundary") => Cell::BoundaryCurve,
        ("td-text-block", _) | (_, "tm.Text") => Cell::Text,
        _ => Cell::Unknown,
    }
}

/// A component as drawn: where its centre is, for boundaries and flow lines.
struct Drawn {
    id: String,
    name: String,
    kind: ComponentKind,
    centre: Option<Pt>,
}

struct BoundaryBox {
    name: String,
    min: Pt,
    max: Pt,
    pos: Option<Pos>,
}

impl BoundaryBox {
    fn contains(&self, p: Pt) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    fn area(&self) -> f64 {
        (self.max.x - self.min.x) * (self.max.y - self.min.y)
    }
}

pub fn import(input: &Input, options: &ImportOptions) -> Result<Imported, ImportError> {
    let tree = read::document(input.bytes, "Threat Dragon", "a Threat Dragon model")?;
    let detail = get(&tree, "detail").ok_or_else(|| {
        ImportError::new("not a Threat Dragon model: `detail` is missing")
            .at(pos(&tree))
            .hint("a Threat Dragon model has `summary` and `detail.diagrams`")
    })?;
    let version = text(&tree, "version");
    let v1 = get(detail, "diagrams").is_some_and(|ds| match &ds.value {
        Value::Seq(items) => items.iter().any(|d| get(d, "diagramJson").is_some()),
        _ => false,
    });
    match version.as_deref() {
        Some(v) if v.starts_with('2') => {}
        Some(v) => {
            return Err(ImportError::new(format!(
                "Threat Dragon version {v} is not supported: riskfirst reads version 2 models"
            ))
            .at(get(&tree, "version").and_then(pos))
            .hint("open the model in Threat Dragon 2 and save it, which writes version 2"))
        }
        None if v1 => {
            return Err(ImportError::new(
                "this is a Threat Dragon version 1 model (`diagramJson`): riskfirst reads version 2 models",
            )
            .at(pos(detail))
            .hint("open the model in Threat Dragon 2 and save it, which writes version 2"))
        }
        None => {}
    }
    let summary = get(&tree, "summary");
    let title = summary.and_then(|s| text(s, "title")).unwrap_or_default();
    let mut d = Draft::new(FORMAT, &title, &title, &title);
    if version.is_none() {
        d.report.guessed(
            "model",
            "no `version`: read as a version 2 model, which its diagrams' cells are",
            pos(&tree),
        );
    }
    if let Some(s) = summary {
        d.owner = text(s, "owner");
        d.system.system.description = text(s, "description");
        if let Some(id) = get(s, "id") {
            d.report.not_mapped(
                "summary.id",
                "Threat Dragon's number of the model; the system's id is made from its title",
                pos(id),
            );
        }
    }
    d.report.mapped("model", "system");
    let names: Vec<String> = list(detail, "contributors", &mut d.report, "detail.")
        .iter()
        .filter_map(|c| text(c, "name"))
        .collect();
    if !names.is_empty() {
        append(
            &mut d.system.system.description,
            &format!("Threat Dragon contributors: {}.", names.join(", ")),
        );
        d.report.guessed(
            "detail.contributors",
            "kept in the system's description: riskfirst records no contributors",
            None,
        );
    }
    if let Some(r) = text(detail, "reviewer") {
        append(
            &mut d.system.system.description,
            &format!("Threat Dragon reviewer: {r}."),
        );
        d.report.guessed(
            "detail.reviewer",
            "kept in the system's description: riskfirst records no reviewer",
            get(detail, "reviewer").and_then(pos),
        );
    }
    let diagrams = list(detail, "diagrams", &mut d.report, "detail.");
    if diagrams.is_empty() {
        return Err(ImportError::new("the Threat Dragon model has no diagrams")
            .at(pos(detail))
            .hint("draw a diagram in Threat Dragon; riskfirst reads its elements"));
    }
    let mut drawn: Vec<Drawn> = Vec::new();
    let mut boxes: Vec<BoundaryBox> = Vec::new();
    let mut curves: Vec<Vec<Pt>> = Vec::new();
    let mut flows: Vec<(&Node, String)> = Vec::new();
    let mut threats: Vec<(String, &Node, String)> = Vec::new();
    for (n, diagram) in diagrams.iter().enumerate() {
        let dtitle = text(diagram, "title").unwrap_or_else(|| format!("diagram {}", n + 1));
        let model = text(diagram, "diagramType").unwrap_or_else(|| "STRIDE".into());
        d.report.mapped("diagrams", "one system");
        d.report.not_mapped(
            format!("diagram \"{dtitle}\""),
            "positions, sizes and styles: riskfirst draws its own diagrams (`riskfirst diagram`)",
            pos(diagram),
        );
        for cell in list(
            diagram,
            "cells",
            &mut d.report,
            &format!("diagram \"{dtitle}\" "),
        ) {
            let cid = text(cell, "id").unwrap_or_default();
            let data = get(cell, "data");
            let name = name_of(cell);
            match cell_kind(cell) {
                Cell::Element(kind) => {
                    let Some(data) = data else {
                        d.report.not_mapped(
                            format!("cell `{cid}`"),
                            "an element without `data`",
                            pos(cell),
                        );
                        continue;
                    };
                    let name = if name.is_empty() { cid.clone() } else { name };
                    let id = component(&mut d, cell, data, kind, &cid, &name);
                    for t in list(
                        data,
                        "threats",
                        &mut d.report,
                        &format!("component \"{name}\" "),
                    ) {
                        threats.push((id.clone(), t, model.clone()));
                    }
                    drawn.push(Drawn {
                        id,
                        name: name.clone(),
                        kind,
                        centre: centre(cell),
                    });
                }
                Cell::Flow => flows.push((cell, model.clone())),
                Cell::BoundaryBox => {
                    let corner = get(cell, "position").and_then(point);
                    let size = get(cell, "size").and_then(|s| {
                        Some((read::number(s, "width")?, read::number(s, "height")?))
                    });
                    let bname = if name.is_empty() {
                        format!("Trust boundary {}", boxes.len() + 1)
                    } else {
                        name
                    };
                    match (corner, size) {
                        (Some(c), Some((w, h))) => boxes.push(BoundaryBox {
                            name: bname,
                            min: c,
                            max: Pt {
                                x: c.x + w,
                                y: c.y + h,
                            },
                            pos: pos(cell),
                        }),
                        _ => d.report.not_mapped(
                            format!("trust boundary \"{bname}\""),
                            "a box without a position and size holds no components",
                            pos(cell),
                        ),
                    }
                }
                Cell::BoundaryCurve => {
                    let line = polyline(cell, None, None);
                    if line.len() < 2 {
                        d.report.not_mapped(
                            format!("trust boundary `{cid}`"),
                            "a boundary line without two points separates nothing",
                            pos(cell),
                        );
                    } else {
                        curves.push(line);
                        d.report.mapped("boundary lines", "zone splits");
                    }
                }
                Cell::Text => d.report.not_mapped(
                    format!("text \"{}\"", short(&name)),
                    "a note on the diagram: riskfirst keeps no free text on diagrams",
                    pos(cell),
                ),
                Cell::Unknown => d.report.not_mapped(
                    format!("cell `{cid}`"),
                    format!(
                        "unknown element type `{}`",
                        text(cell, "shape").unwrap_or_default()
                    ),
                    pos(cell),
                ),
            }
        }
    }
    for (f, model) in &flows {
        flow(&mut d, f, model, &drawn, &mut threats);
    }
    let flows: Vec<&Node> = flows.iter().map(|(f, _)| *f).collect();
    zones(&mut d, &drawn, &boxes, &curves, &flows);
    for (element, t, model) in &threats {
        threat(&mut d, element, t, model, options);
    }
    Ok(d.finish())
}

/// A cell's name on one line: its `data.name`, else the text drawn on it.
fn name_of(cell: &Node) -> String {
    get(cell, "data")
        .and_then(|x| read::raw(x, "name"))
        .or_else(|| {
            get(cell, "attrs")
                .and_then(|a| get(a, "text"))
                .and_then(|t| read::raw(t, "text"))
        })
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn centre(cell: &Node) -> Option<Pt> {
    let p = get(cell, "position").and_then(point)?;
    let s = get(cell, "size")?;
    Some(Pt {
        x: p.x + read::number(s, "width").unwrap_or(0.0) / 2.0,
        y: p.y + read::number(s, "height").unwrap_or(0.0) / 2.0,
    })
}

/// A line's points: its source, vertices and target, where an end attached to a cell is
/// that cell's centre.
fn polyline(cell: &Node, from: Option<Pt>, to: Option<Pt>) -> Vec<Pt> {
    let mut out = Vec::new();
    if let Some(p) = from.or_else(|| get(cell, "source").and_then(point)) {
        out.push(p);
    }
    if let Some(Node {
        value: Value::Seq(vs),
        ..
    }) = get(cell, "vertices")
    {
        out.extend(vs.iter().filter_map(point));
    }
    if let Some(p) = to.or_else(|| get(cell, "target").and_then(point)) {
        out.push(p);
    }
    out
}

fn crosses(a: &[Pt], b: &[Pt]) -> bool {
    fn orient(p: Pt, q: Pt, r: Pt) -> f64 {
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    }
    a.windows(2).any(|s| {
        b.windows(2).any(|t| {
            let (d1, d2) = (orient(t[0], t[1], s[0]), orient(t[0], t[1], s[1]));
            let (d3, d4) = (orient(s[0], s[1], t[0]), orient(s[0], s[1], t[1]));
            d1 * d2 < 0.0 && d3 * d4 < 0.0
        })
    })
}

fn flag(data: &Node, key: &str) -> Option<bool> {
    read::boolean(data, key)
}

/// A data asset the flags of an element imply (credentials, card payments), shared by
/// every element that sets the flag.
fn implied_data(
    d: &mut Draft,
    key: &str,
    name: &str,
    class: Classification,
    pos: Option<Pos>,
) -> String {
    let src = crate::build::slug(name);
    if let Some(id) = d.data.get(&src) {
        return id.clone();
    }
    let id = d.data_id(&src, name, pos);
    d.system.data.push(DataAsset {
        id: Spanned::new(id.clone()),
        name: name.to_string(),
        classification: class,
        description: Some(format!("Implied by Threat Dragon's `{key}` flag.")),
        ..DataAsset::default()
    });
    d.report.guessed(
        format!("data asset `{id}`"),
        format!("from the flag `{key}`: riskfirst threats reach business risks through data"),
        pos,
    );
    id
}

fn component(
    d: &mut Draft,
    cell: &Node,
    data: &Node,
    kind: ComponentKind,
    cid: &str,
    name: &str,
) -> String {
    let at = pos(cell);
    let subject = format!("component \"{name}\"");
    let id = d.component_id_from_name(cid, name, at);
    let description = text(data, "description");
    // The name and description name a technology first; the flags only when they do not.
    let mut words = format!("{name} {}", description.clone().unwrap_or_default());
    if crate::build::guess_technology(&words).is_none() {
        for (key, word) in [
            ("isWebApplication", "web application"),
            ("isALog", "log"),
            ("providesAuthentication", "identity"),
        ] {
            if flag(data, key) == Some(true) {
                words = format!("{word} {words}");
            }
        }
    }
    let (kind, technology) = d.kind_and_technology(&subject, Some(kind), &words, at);
    let mut c = Component {
        id: Spanned::new(id.clone()),
        name: Some(name.to_string()),
        kind,
        technology: Spanned::new(technology),
        description,
        human_use: kind == ComponentKind::ExternalEntity,
        tags: vec![format!("threat-dragon:{cid}")],
        ..Component::default()
    };
    if kind == ComponentKind::ExternalEntity {
        d.report.guessed(
            &subject,
            "used by people (`human_use`), as Threat Dragon actors are",
            at,
        );
    }
    if flag(data, "outOfScope") == Some(true) {
        let reason = text(data, "reasonOutOfScope");
        if reason.is_none() {
            d.report.fill_in(
                &subject,
                "out of scope without a reason: a placeholder reason was written; replace it",
                at,
            );
        }
        c.out_of_scope = Some(
            reason.unwrap_or_else(|| "Out of scope in Threat Dragon (no reason given).".into()),
        );
    }
    if let Some(e) = flag(data, "isEncrypted") {
        c.encrypted_at_rest = Some(e);
    }
    if flag(data, "storesCredentials") == Some(true) {
        let a = implied_data(
            d,
            "storesCredentials",
            "Credentials",
            Classification::Restricted,
            at,
        );
        c.stores.push(Spanned::new(a));
    }
    if flag(data, "handlesCardPayment") == Some(true) {
        let a = implied_data(
            d,
            "handlesCardPayment",
            "Payment card data",
            Classification::Restricted,
            at,
        );
        c.processes.push(Spanned::new(a));
    }
    for (key, tag) in [
        ("isSigned", "signed"),
        ("handlesGoodsOrServices", "handles-goods-or-services"),
    ] {
        if flag(data, key) == Some(true) {
            c.tags.push(tag.to_string());
            d.report.guessed(
                &subject,
                format!("`{key}` kept as the tag `{tag}`: riskfirst has no such property"),
                at,
            );
        }
    }
    if let Some(p) = text(data, "privilegeLevel") {
        c.tags.push(format!("privilege:{}", crate::build::slug(&p)));
        d.report.guessed(
            &subject,
            format!("privilege level \"{p}\" kept as a tag"),
            at,
        );
    }
    d.system.components.push(c);
    d.report.mapped(
        match kind {
            ComponentKind::ExternalEntity => "actors",
            ComponentKind::Process => "processes",
            ComponentKind::Datastore => "stores",
        },
        &format!("components ({})", kind_name(kind)),
    );
    id
}

fn flow<'a>(
    d: &mut Draft,
    cell: &'a Node,
    model: &str,
    drawn: &[Drawn],
    threats: &mut Vec<(String, &'a Node, String)>,
) {
    let at = pos(cell);
    let data = get(cell, "data");
    let cid = text(cell, "id").unwrap_or_default();
    let name = name_of(cell);
    let subject = if name.is_empty() {
        format!("flow `{cid}`")
    } else {
        format!("flow \"{name}\"")
    };
    let end = |key: &str| {
        get(cell, key)
            .and_then(|e| text(e, "cell"))
            .and_then(|c| d.components.get(&c).cloned())
    };
    let (Some(from), Some(to)) = (end("source"), end("target")) else {
        d.report.not_mapped(
            &subject,
            "an end is not attached to an actor, process or store",
            at,
        );
        return;
    };
    let fname = if name.is_empty() {
        format!("{from} to {to}")
    } else {
        name.clone()
    };
    let id = d.flow_id_from_name(&cid, &fname, at);
    let protocol_text = data.and_then(|x| text(x, "protocol")).unwrap_or_default();
    // Threat Dragon's own spelling of HTTPS.
    let protocol_text = protocol_text
        .to_ascii_lowercase()
        .replace("http/s", "https");
    let protocol = d.protocol(&subject, &format!("{protocol_text} {name}"), at);
    let mut f = Flow {
        id: Spanned::new(id.clone()),
        from: Spanned::new(from.clone()),
        to: Spanned::new(to.clone()),
        protocol: Spanned::new(protocol),
        description: (!name.is_empty()).then(|| name.clone()),
        tags: vec![format!("threat-dragon:{cid}")],
        ..Flow::default()
    };
    if let Some(data) = data {
        if let Some(e) = flag(data, "isEncrypted") {
            f.tls = Some(e);
        }
        if flag(data, "isPublicNetwork") == Some(true) {
            f.tags.push("public-network".into());
            let external = drawn
                .iter()
                .any(|x| x.id == from && x.kind == ComponentKind::ExternalEntity);
            if external {
                d.report.guessed(
                    &subject,
                    format!("crosses a public network from an actor: `{to}` is internet facing"),
                    at,
                );
                if let Some(c) = d.system.components.iter_mut().find(|c| c.id.value == to) {
                    c.internet_facing = true;
                }
            } else {
                d.report.guessed(
                    &subject,
                    "`isPublicNetwork` kept as the tag `public-network`",
                    at,
                );
            }
        }
        if flag(data, "isBidirectional") == Some(true) {
            d.report.guessed(
                &subject,
                "bidirectional: one flow from source to target (a riskfirst flow carries data both ways)",
                at,
            );
        }
        if flag(data, "outOfScope") == Some(true) {
            d.report.not_mapped(&subject, "out of scope in Threat Dragon: riskfirst has no out-of-scope flows, so the flow is in scope", at);
        }
        for t in list(data, "threats", &mut d.report, &format!("{subject} ")) {
            threats.push((id.clone(), t, model.to_string()));
        }
    }
    d.push_flow(f, &subject, at);
}

/// Zones from the boundaries: a box holds the components drawn inside it (the smallest
/// wins); the components outside every box are grouped by the flows that join them without
/// crossing a boundary line.
fn zones(
    d: &mut Draft,
    drawn: &[Drawn],
    boxes: &[BoundaryBox],
    curves: &[Vec<Pt>],
    flows: &[&Node],
) {
    let index: HashMap<&str, usize> = drawn
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.as_str(), i))
        .collect();
    let mut in_box: Vec<Option<usize>> = drawn
        .iter()
        .map(|x| {
            let c = x.centre?;
            boxes
                .iter()
                .enumerate()
                .filter(|(_, b)| b.contains(c))
                .min_by(|a, b| a.1.area().total_cmp(&b.1.area()))
                .map(|(i, _)| i)
        })
        .collect();
    // Union-find over the components outside every box.
    let mut parent: Vec<usize> = (0..drawn.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let outside: Vec<usize> = (0..drawn.len()).filter(|&i| in_box[i].is_none()).collect();
    if curves.is_empty() {
        for w in outside.windows(2) {
            let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            parent[a] = b;
        }
    } else {
        for f in flows {
            let ends = ["source", "target"].map(|k| {
                get(f, k)
                    .and_then(|e| text(e, "cell"))
                    .and_then(|c| d.components.get(&c))
                    .and_then(|id| index.get(id.as_str()).copied())
            });
            let [Some(a), Some(b)] = ends else { continue };
            if in_box[a].is_some() || in_box[b].is_some() {
                continue;
            }
            let line = polyline(f, drawn[a].centre, drawn[b].centre);
            if curves.iter().any(|c| crosses(&line, c)) {
                continue;
            }
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            parent[ra] = rb;
        }
    }
    let mut box_zone: Vec<Option<String>> = vec![None; boxes.len()];
    let mut group_zone: HashMap<usize, String> = HashMap::new();
    let mut used_box = vec![false; boxes.len()];
    for b in in_box.iter().flatten() {
        used_box[*b] = true;
    }
    for (i, b) in boxes.iter().enumerate() {
        if !used_box[i] {
            d.report.not_mapped(
                format!("trust boundary \"{}\"", b.name),
                "it holds no component",
                b.pos,
            );
            continue;
        }
        let id = d.zone(&crate::build::slug(&b.name), &b.name, 70, b.pos);
        d.report.guessed(
            format!("trust boundary \"{}\"", b.name),
            format!("zone `{id}` of trust 70 for what is drawn inside it; set its trust"),
            b.pos,
        );
        d.report.mapped("boundary boxes", "zones");
        box_zone[i] = Some(id);
    }
    let zone_of: Vec<String> = (0..drawn.len())
        .map(|i| {
            if let Some(b) = in_box[i] {
                return box_zone[b].clone().unwrap_or_default();
            }
            let root = find(&mut parent, i);
            if let Some(z) = group_zone.get(&root) {
                return z.clone();
            }
            let members: Vec<usize> = (0..drawn.len())
                .filter(|&j| in_box[j].is_none() && find(&mut parent, j) == root)
                .collect();
            let actors_only = members.iter().all(|&j| drawn[j].kind == ComponentKind::ExternalEntity);
            let first = &drawn[members[0]].name;
            let name = if curves.is_empty() && !boxes.is_empty() {
                "Outside the trust boundaries".to_string()
            } else if curves.is_empty() {
                "Not in a trust boundary".to_string()
            } else {
                format!("Side of {first}")
            };
            let (trust, why) = if actors_only {
                (0, "it holds only actors, outside the system")
            } else if boxes.is_empty() && curves.is_empty() {
                (50, "the model draws no trust boundary")
            } else {
                (30, "it is outside the boundary boxes, or one side of a boundary line")
            };
            let id = d.zone(&crate::build::slug(&name), &name, trust, None);
            d.report.guessed(
                format!("zone `{id}`"),
                format!("trust {trust} because {why}; set its trust (0 the internet, 100 the most trusted)"),
                None,
            );
            group_zone.insert(root, id.clone());
            id
        })
        .collect();
    in_box.clear();
    for (i, x) in drawn.iter().enumerate() {
        if let Some(c) = d.system.components.iter_mut().find(|c| c.id.value == x.id) {
            c.zone = Spanned::new(zone_of[i].clone());
        }
    }
}

/// STRIDE of a threat from its type, in the terms of its diagram's model; the guess is
/// reported when the model is not STRIDE.
fn stride_for(d: &mut Draft, ty: &str, model: &str, subject: &str, at: Option<Pos>) -> Stride {
    if let Some(s) = stride_of(ty) {
        return s;
    }
    let t = ty.to_ascii_lowercase();
    let guess = if t.contains("confidential")
        || t.contains("disclosure")
        || t.contains("linkab")
        || t.contains("identifiab")
        || t.contains("detectab")
        || t.contains("unaware")
        || t.contains("privacy")
    {
        Some(Stride::InformationDisclosure)
    } else if t.contains("integrity") || t.contains("immutable") {
        Some(Stride::Tampering)
    } else if t.contains("availability")
        || t.contains("distributed")
        || t.contains("ephemeral")
        || t.contains("safety")
    {
        Some(Stride::DenialOfService)
    } else if t.contains("non-repudiation")
        || t.contains("nonrepudiation")
        || t.contains("non-compliance")
    {
        Some(Stride::Repudiation)
    } else {
        None
    };
    match guess {
        Some(s) => {
            d.report.guessed(
                subject,
                format!("STRIDE `{}` from the {model} category \"{ty}\"", s.name()),
                at,
            );
            s
        }
        None => {
            d.report.fill_in(
                subject,
                format!("no STRIDE category in \"{ty}\": `tampering` written; set it"),
                at,
            );
            Stride::Tampering
        }
    }
}

fn threat(d: &mut Draft, element: &str, t: &Node, model: &str, options: &ImportOptions) {
    let at = pos(t);
    let tid = text(t, "id").unwrap_or_default();
    let title = text(t, "title").unwrap_or_else(|| "Untitled threat".into());
    let subject = format!("threat \"{title}\"");
    let model = text(t, "modelType").unwrap_or_else(|| {
        if model.is_empty() {
            "STRIDE".into()
        } else {
            model.to_string()
        }
    });
    let ty = text(t, "type").unwrap_or_default();
    let stride = stride_for(d, &ty, &model, &subject, at);
    let raw_status = text(t, "status").unwrap_or_else(|| "Open".into());
    let status = match raw_status.to_ascii_lowercase().as_str() {
        "notapplicable" => Some(ThreatStatus::NotApplicable),
        other => threat_status(other),
    };
    let status = status.unwrap_or_else(|| {
        d.report.guessed(
            &subject,
            format!("status `open` for the unknown status \"{raw_status}\""),
            at,
        );
        ThreatStatus::Open
    });
    let mut description = text(t, "description");
    let ratings: Vec<String> = [("severity", "severity"), ("score", "score")]
        .iter()
        .filter_map(|(k, label)| text(t, k).map(|v| format!("{label} {v}")))
        .collect();
    if !ratings.is_empty() {
        append(
            &mut description,
            &format!("Threat Dragon {model} rating: {}.", ratings.join(", ")),
        );
    }
    let id = d.threat_id(&tid, &title, at);
    let mitigation = text(t, "mitigation");
    let mut entry = ThreatEntry {
        id: Spanned::new(id.clone()),
        status: Spanned::new(status),
        title: Some(title.clone()),
        description,
        stride: Some(stride),
        elements: vec![Spanned::new(element.to_string())],
        ..ThreatEntry::default()
    };
    if status == ThreatStatus::NotApplicable
        || status == ThreatStatus::Accepted
        || status == ThreatStatus::Transferred
    {
        entry.justification = mitigation.clone();
    }
    complete_decision(d, &mut entry, &subject, options, at);
    d.system.threats.push(entry);
    d.report.mapped("threats", "hand-written threats");
    if let Some(m) = mitigation {
        d.mitigation_control(&id, &title, &m, status, at);
    }
}
