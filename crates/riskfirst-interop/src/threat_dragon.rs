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
    if let Some(rf) = get(detail, ATTR) {
        return riskfirst_model_of(&tree, summary, detail, rf, options);
    }
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
    }
    let held = data
        .map(|x| list(x, "threats", &mut d.report, &format!("{subject} ")))
        .unwrap_or_default();
    // A flow riskfirst does not keep (one from a component to itself) leaves its threats
    // on the component it loops on, not on a flow that is not there (found by the fuzzer).
    let on = if d.push_flow(f, &subject, at) {
        id
    } else {
        if !held.is_empty() {
            d.report.guessed(
                &subject,
                format!("its threats are put on `{from}`, the component it loops on"),
                at,
            );
        }
        from
    };
    for t in held {
        threats.push((on.clone(), t, model.to_string()));
    }
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

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// The key under which a cell, a threat and the model's `detail` carry riskfirst's own
/// fields, so that riskfirst → Threat Dragon → riskfirst gives back the system.
const ATTR: &str = "riskfirst";
/// The key of a cell naming the system its element belongs to (`estate` for the root's).
const ATTR_SYSTEM: &str = "riskfirstSystem";
/// The key of a boundary box naming the zone it draws.
const ATTR_ZONE: &str = "riskfirstZone";
/// What the export appends to a threat's description; the import cuts it off again.
const IMPACT_MARK: &str = "\n\nBusiness impact (riskfirst): ";
/// The Threat Dragon version the export writes.
const TD_VERSION: &str = "2.4.0";

use serde_json::{json, Map, Value as J};

use crate::{Area, Drawing, Export, ExportError};

/// One system as a Threat Dragon v2 model: one STRIDE diagram laid out by riskfirst's own
/// layout ([`Export::drawing`], else a plain grid), its zones as trust boundary boxes, its
/// components as actors, processes and stores (and the components of other systems its
/// flows reach, out of scope), its flows as flows, and on each element the threats of
/// riskfirst's analysis (rule-found ones too) with their STRIDE type, status, severity from
/// riskfirst's level and the business impact in money in the description.
pub fn export(e: &Export) -> Result<Vec<u8>, ExportError> {
    let Some(sys_id) = e.system else {
        return Err(ExportError::Unsupported {
            format: FORMAT,
            what: "more than one system in one model: name the system to write (`--system`)".into(),
        });
    };
    let Some(sys) = e.systems.iter().find(|s| s.system.id.value == sys_id) else {
        return Err(ExportError::UnknownSystem(sys_id.to_string()));
    };
    let root = e.root;
    let currency = &root.organisation.currency.value;
    let uuid = |kind: &str, id: &str| {
        crate::threat_composer::uuid_of(&format!("threat-dragon/{sys_id}/{kind}/{id}"))
    };

    // The components drawn: the system's own, then those of other systems it uses or its
    // flows reach, as `(reference, system id, component)`.
    let mut nodes: Vec<(String, &str, &Component)> = sys
        .components
        .iter()
        .map(|c| (c.id.value.clone(), sys_id, c))
        .collect();
    let mut external: Vec<String> = sys.uses.iter().map(|u| u.value.clone()).collect();
    for f in &sys.flows {
        external.push(f.from.value.clone());
        external.push(f.to.value.clone());
    }
    external.sort();
    external.dedup();
    for r in external {
        let Some((other, cid)) = r.split_once('/') else {
            continue;
        };
        let found = e
            .systems
            .iter()
            .filter(|s| s.system.id.value == other)
            .find_map(|s| {
                s.components
                    .iter()
                    .find(|c| c.id.value == cid)
                    .map(|c| (s, c))
            });
        if let Some((s, c)) = found {
            nodes.push((r.clone(), s.system.id.value.as_str(), c));
        }
    }
    // The zone of each component: its system's zone of that id, else the estate's.
    let zone_of = |system: &str, zone: &str| -> Option<(Option<String>, &Zone)> {
        if let Some(z) = e
            .systems
            .iter()
            .find(|s| s.system.id.value == system)
            .and_then(|s| s.zones.iter().find(|z| z.id.value == zone))
        {
            return Some((Some(system.to_string()), z));
        }
        root.zones
            .iter()
            .find(|z| z.id.value == zone)
            .map(|z| (None, z))
    };
    let mut zones: Vec<(Option<String>, &Zone)> = Vec::new();
    for (_, s, c) in &nodes {
        if let Some((owner, z)) = zone_of(s, &c.zone) {
            if !zones.iter().any(|(o, x)| *o == owner && x.id == z.id) {
                zones.push((owner, z));
            }
        }
    }
    zones.sort_by_key(|(_, z)| z.trust.value);
    let trust: HashMap<&str, i64> = nodes
        .iter()
        .filter_map(|(r, s, c)| zone_of(s, &c.zone).map(|(_, z)| (r.as_str(), z.trust.value)))
        .collect();

    let grid;
    let drawing = match e.drawing {
        Some(d) => d,
        None => {
            grid = grid_drawing(&nodes, &zones, &zone_of);
            &grid
        }
    };
    let area_of = |r: &str| drawing.nodes.iter().find(|(n, _)| n == r).map(|(_, a)| *a);

    // The threats of the system, on the first component or flow they concern.
    let mut threats_on: HashMap<String, Vec<J>> = HashMap::new();
    let mut number = 0;
    let mut threat_json = |t: ThreatView, element: &str| {
        number += 1;
        let mut description = t.description.clone();
        if !t.impact.is_empty() {
            description.push_str(IMPACT_MARK);
            description.push_str(&t.impact);
        }
        let mut rf = Map::new();
        rf.insert("id".into(), json!(t.id));
        rf.insert("status".into(), json!(t.status));
        if let Some(rule) = &t.rule {
            rf.insert("rule".into(), json!(rule));
        }
        if let Some(entry) = t.entry {
            rf.insert(
                "entry".into(),
                serde_json::to_value(entry).unwrap_or(J::Null),
            );
        }
        let mut v = json!({
            "id": uuid("threat", &t.id),
            "title": t.title,
            "status": td_status(t.status),
            "severity": t.severity,
            "type": td_type(t.stride),
            "modelType": "STRIDE",
            "description": description,
            "mitigation": t.mitigation,
            "number": number,
            ATTR: J::Object(rf),
        });
        if let Some(score) = t.score {
            v["score"] = json!(score);
        }
        threats_on.entry(element.to_string()).or_default().push(v);
    };
    let written: HashMap<&str, &ThreatEntry> = sys
        .threats
        .iter()
        .filter(|t| t.title.is_some())
        .map(|t| (t.id.value.as_str(), t))
        .collect();
    match e.found {
        Some(found) => {
            for f in found.iter().filter(|f| f.system == sys_id) {
                let Some(element) = f.elements.first() else {
                    continue;
                };
                let view = ThreatView {
                    id: f.id.clone(),
                    rule: f.rule.clone(),
                    title: f.title.clone(),
                    stride: f.stride,
                    status: f.status,
                    severity: f.severity().to_string(),
                    description: f.description.clone(),
                    impact: format!(
                        "{} {}",
                        if f.impact.is_empty() {
                            "no business risk reached."
                        } else {
                            &f.impact
                        },
                        f.money(currency)
                    ),
                    mitigation: f.mitigation.clone(),
                    score: Some(format!("{:.0} {currency} a year", f.annual_loss)),
                    entry: written.get(f.id.as_str()).copied(),
                };
                threat_json(view, element);
            }
        }
        None => {
            for t in sys.threats.iter().filter(|t| t.title.is_some()) {
                let Some(element) = t.elements.first() else {
                    continue;
                };
                let view = ThreatView {
                    id: t.id.value.clone(),
                    rule: None,
                    title: t.title.clone().unwrap_or_default(),
                    stride: t.stride.unwrap_or(Stride::Tampering),
                    status: t.status.value,
                    severity: String::new(),
                    description: t.description.clone().unwrap_or_default(),
                    impact: String::new(),
                    mitigation: t.justification.clone().unwrap_or_default(),
                    score: None,
                    entry: Some(t),
                };
                threat_json(view, &element.value);
            }
        }
    }
    let open = |list: &[J]| list.iter().any(|t| t["status"] == "Open");

    let mut cells: Vec<J> = Vec::new();
    for (owner, zone) in &zones {
        let Some(area) = drawing
            .zones
            .iter()
            .find(|(id, o, _)| *id == zone.id.value && o == owner)
            .map(|(_, _, a)| *a)
        else {
            continue;
        };
        let name = zone.name.clone().unwrap_or_else(|| zone.id.value.clone());
        cells.push(json!({
            "position": { "x": round(area.x), "y": round(area.y) },
            "size": { "width": round(area.w).max(10.0), "height": round(area.h).max(10.0) },
            "attrs": { "label": { "text": name } },
            "visible": true,
            "shape": "trust-boundary-box",
            "id": uuid("zone", &format!("{}/{}", owner.as_deref().unwrap_or("estate"), zone.id.value)),
            "zIndex": -1,
            "data": {
                "type": "tm.BoundaryBox",
                "name": name,
                "description": zone.description.clone().unwrap_or_default(),
                "isTrustBoundary": true,
                "hasOpenThreats": false,
                ATTR_ZONE: zone.id.value,
                ATTR_SYSTEM: owner.as_deref().unwrap_or("estate"),
            },
        }));
    }
    let data_of = |id: &str| sys.data.iter().find(|d| d.id.value == id);
    for (i, (r, owner, c)) in nodes.iter().enumerate() {
        let Some(area) = area_of(r) else { continue };
        let own = *owner == sys_id;
        let threats = threats_on.remove(r).unwrap_or_default();
        let hot = open(&threats);
        let name = c.name.clone().unwrap_or_else(|| c.id.value.clone());
        let stroke = json!({
            "stroke": if hot { "red" } else { "#333333" },
            "strokeWidth": if hot { 2.5 } else { 1.5 },
            "strokeDasharray": if own { J::Null } else { json!("4 3") },
        });
        let (shape, ty) = match c.kind {
            ComponentKind::ExternalEntity => ("actor", "tm.Actor"),
            ComponentKind::Process => ("process", "tm.Process"),
            ComponentKind::Datastore => ("store", "tm.Store"),
        };
        let mut attrs = json!({ "text": { "text": name } });
        if c.kind == ComponentKind::Datastore {
            attrs["topLine"] = stroke.clone();
            attrs["bottomLine"] = stroke;
        } else {
            attrs["body"] = stroke;
        }
        let tech = c.technology.value.to_ascii_lowercase();
        let names = |ids: &[Spanned<String>]| -> String {
            ids.iter()
                .map(|d| {
                    let n = data_of(d).map(|x| x.name.clone()).unwrap_or_default();
                    format!("{} {n}", d.value)
                })
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase()
        };
        let (reason, out_of_scope) = match (&c.out_of_scope, own) {
            (_, false) => (format!("Part of the system `{owner}` in riskfirst."), true),
            (Some(r), true) => (r.clone(), true),
            (None, true) => (String::new(), false),
        };
        let mut data = json!({
            "type": ty,
            "name": name,
            "description": c.description.clone().unwrap_or_default(),
            "isTrustBoundary": false,
            "outOfScope": out_of_scope,
            "reasonOutOfScope": reason,
            "hasOpenThreats": hot,
            "threats": threats,
        });
        match c.kind {
            ComponentKind::ExternalEntity => {
                data["providesAuthentication"] =
                    json!(["identity", "idp", "auth", "sso", "oidc", "ldap"]
                        .iter()
                        .any(|w| tech.contains(w)));
            }
            ComponentKind::Process => {
                let processed = names(&c.processes);
                data["handlesCardPayment"] =
                    json!(processed.contains("card") || processed.contains("payment"));
                data["handlesGoodsOrServices"] = json!(false);
                data["isWebApplication"] = json!(tech.contains("web") || tech.contains("http"));
                data["privilegeLevel"] = json!("");
            }
            ComponentKind::Datastore => {
                let stored = names(&c.stores);
                data["isALog"] = json!(tech.contains("log"));
                data["storesCredentials"] =
                    json!(["credential", "secret", "password", "token", "key"]
                        .iter()
                        .any(|w| stored.contains(w)));
                data["isEncrypted"] = json!(c.encrypted_at_rest.unwrap_or(false));
                data["isSigned"] = json!(false);
            }
        }
        data[ATTR] = serde_json::to_value(c).unwrap_or(J::Null);
        data[ATTR_SYSTEM] = json!(owner);
        cells.push(json!({
            "position": { "x": round(area.x), "y": round(area.y) },
            "size": { "width": round(area.w).max(10.0), "height": round(area.h).max(10.0) },
            "attrs": attrs,
            "visible": true,
            "shape": shape,
            "id": uuid("component", r),
            "zIndex": 10 + i,
            "data": data,
        }));
    }
    for (i, f) in sys.flows.iter().enumerate() {
        let threats = threats_on.remove(f.id.value.as_str()).unwrap_or_default();
        let hot = open(&threats);
        let name = f.description.clone().unwrap_or_else(|| f.id.value.clone());
        let encrypted = f.tls.unwrap_or_else(|| {
            let p = f.protocol.value.to_ascii_lowercase();
            ["https", "tls", "ssh", "sftp", "grpcs", "wss", "mtls"]
                .iter()
                .any(|w| p.contains(w))
        });
        let public = [&f.from, &f.to]
            .iter()
            .any(|end| trust.get(end.value.as_str()).is_some_and(|t| *t <= 10));
        let vertices: Vec<J> = drawing
            .edges
            .iter()
            .find(|(id, _)| *id == f.id.value)
            .map(|(_, pts)| {
                pts.iter()
                    .map(|(x, y)| json!({ "x": round(*x), "y": round(*y) }))
                    .collect()
            })
            .unwrap_or_default();
        cells.push(json!({
            "shape": "flow",
            "attrs": {
                "line": {
                    "stroke": if hot { "red" } else { "#333333" },
                    "strokeWidth": if hot { 2.5 } else { 1.0 },
                    "targetMarker": { "name": "block" },
                    "sourceMarker": { "name": "" },
                    "strokeDasharray": if encrypted { J::Null } else { json!("4 3") },
                }
            },
            "width": 200,
            "height": 100,
            "zIndex": 100 + i,
            "connector": "smooth",
            "labels": [{ "position": 0.5, "attrs": { "label": { "text": format!("{name} ({})", f.protocol.value) } } }],
            "data": {
                "type": "tm.Flow",
                "name": name,
                "description": "",
                "outOfScope": false,
                "reasonOutOfScope": "",
                "protocol": f.protocol.value,
                "isEncrypted": encrypted,
                "isPublicNetwork": public,
                "isBidirectional": false,
                "isTrustBoundary": false,
                "hasOpenThreats": hot,
                "threats": threats,
                ATTR: serde_json::to_value(f).unwrap_or(J::Null),
                ATTR_SYSTEM: sys_id,
            },
            "id": uuid("flow", &f.id.value),
            "source": { "cell": uuid("component", &f.from.value) },
            "target": { "cell": uuid("component", &f.to.value) },
            "vertices": vertices,
        }));
    }

    // What the cells do not hold: the root, the system's other parts, and the headers of the
    // systems whose components are drawn.
    let header = SystemFile {
        components: Vec::new(),
        flows: Vec::new(),
        ..sys.clone()
    };
    // Other systems: the header of each whose components are drawn or whose data the
    // drawn elements name (`checkout/orders`), with those components' zones and that data.
    let mut neighbours: std::collections::BTreeMap<String, SystemFile> = Default::default();
    let mut need =
        |system: &str, zone: Option<&str>, data: Option<&str>, component: Option<&str>| {
            if system == sys_id {
                return;
            }
            let Some(s) = e.systems.iter().find(|s| s.system.id.value == system) else {
                return;
            };
            let entry = neighbours
                .entry(system.to_string())
                .or_insert_with(|| SystemFile {
                    riskfirst: s.riskfirst.clone(),
                    system: s.system.clone(),
                    ..SystemFile::default()
                });
            if let Some(z) = zone.and_then(|z| s.zones.iter().find(|x| x.id.value == z)) {
                if !entry.zones.iter().any(|x| x.id == z.id) {
                    entry.zones.push(z.clone());
                }
            }
            if let Some(d) = data.and_then(|d| s.data.iter().find(|x| x.id.value == d)) {
                if !entry.data.iter().any(|x| x.id == d.id) {
                    entry.data.push(d.clone());
                }
            }
            if let Some(c) = component.and_then(|c| s.components.iter().find(|x| x.id.value == c)) {
                if !entry.components.iter().any(|x| x.id == c.id) {
                    entry.components.push(c.clone());
                }
            }
        };
    // Components of other systems that controls name (`platform/identity-provider`) but
    // the diagram does not draw: their systems hold them, undrawn.
    let drawn: Vec<&str> = nodes.iter().map(|(r, _, _)| r.as_str()).collect();
    let mut named: Vec<(String, String)> = Vec::new();
    for c in root.controls.iter().chain(&sys.controls) {
        for r in c.mitigates.iter().flat_map(|m| &m.elements) {
            if let Some((other, cid)) = r.value.split_once('/') {
                if other != sys_id && !drawn.contains(&r.value.as_str()) {
                    named.push((other.to_string(), cid.to_string()));
                }
            }
        }
    }
    let mut undrawn: Vec<(&str, &Component)> = Vec::new();
    for (other, cid) in &named {
        if let Some((s, c)) = e
            .systems
            .iter()
            .filter(|s| s.system.id.value == *other)
            .find_map(|s| {
                s.components
                    .iter()
                    .find(|c| c.id.value == *cid)
                    .map(|c| (s, c))
            })
        {
            need(other, Some(&c.zone), None, Some(cid));
            undrawn.push((s.system.id.value.as_str(), c));
        }
    }
    let held = nodes
        .iter()
        .map(|(_, owner, c)| (*owner, *c))
        .chain(undrawn.iter().copied());
    for (owner, c) in held {
        need(owner, Some(&c.zone), None, None);
        for d in c.processes.iter().chain(&c.stores) {
            match d.value.split_once('/') {
                Some((other, data)) => need(other, None, Some(data), None),
                None => need(owner, None, Some(&d.value), None),
            }
        }
    }
    for f in &sys.flows {
        for d in &f.data {
            if let Some((other, data)) = d.value.split_once('/') {
                need(other, None, Some(data), None);
            }
        }
    }
    let neighbours: Map<String, J> = neighbours
        .into_iter()
        .map(|(k, v)| (k, serde_json::to_value(v).unwrap_or(J::Null)))
        .collect();
    let mut root_json = serde_json::to_value(root).unwrap_or(J::Null);
    if let J::Object(o) = &mut root_json {
        o.remove("systems");
    }
    let owner = root
        .teams
        .iter()
        .find(|t| t.id == sys.system.owner)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| sys.system.owner.value.clone());
    let doc = json!({
        "version": TD_VERSION,
        "summary": {
            "title": sys.system.name,
            "owner": owner,
            "description": sys.system.description.clone().unwrap_or_default(),
            "id": 0,
        },
        "detail": {
            "contributors": [],
            "diagrams": [{
                "id": 0,
                "title": format!("{} (laid out by riskfirst)", sys.system.name),
                "diagramType": "STRIDE",
                "placeholder": "",
                "thumbnail": "./public/content/images/thumbnail.stride.jpg",
                "version": TD_VERSION,
                "description": format!("Written by riskfirst from the system `{sys_id}` of {}.", root.organisation.name.value),
                "cells": cells,
            }],
            "diagramTop": 1,
            "reviewer": "",
            "threatTop": number,
            ATTR: {
                "root": root_json,
                "system": serde_json::to_value(&header).unwrap_or(J::Null),
                "systems": J::Object(neighbours),
            },
        },
    });
    Ok(crate::json_bytes(&doc))
}

/// A threat as the export writes it, from the analysis or from the file alone.
struct ThreatView<'a> {
    id: String,
    rule: Option<String>,
    title: String,
    stride: Stride,
    status: ThreatStatus,
    severity: String,
    description: String,
    impact: String,
    mitigation: String,
    score: Option<String>,
    entry: Option<&'a ThreatEntry>,
}

fn round(v: f64) -> f64 {
    v.round()
}

/// Threat Dragon's statuses are `Open`, `Mitigated` and `NotApplicable`: an accepted or
/// transferred threat is still open there (riskfirst's status is kept in its fields).
fn td_status(s: ThreatStatus) -> &'static str {
    match s {
        ThreatStatus::Mitigated => "Mitigated",
        ThreatStatus::NotApplicable => "NotApplicable",
        ThreatStatus::Open | ThreatStatus::Accepted | ThreatStatus::Transferred => "Open",
    }
}

/// The STRIDE type as Threat Dragon spells it.
fn td_type(s: Stride) -> &'static str {
    match s {
        Stride::Spoofing => "Spoofing",
        Stride::Tampering => "Tampering",
        Stride::Repudiation => "Repudiation",
        Stride::InformationDisclosure => "Information disclosure",
        Stride::DenialOfService => "Denial of service",
        Stride::ElevationOfPrivilege => "Elevation of privilege",
    }
}

/// The zone a component of a system is in, and the system that holds the zone (`None`
/// for the estate's).
type ZoneOf<'z> = dyn Fn(&str, &str) -> Option<(Option<String>, &'z Zone)> + 'z;

/// A plain layout for an export without riskfirst's: one column per zone, least trusted
/// first, the components stacked in it.
fn grid_drawing<'z>(
    nodes: &[(String, &str, &Component)],
    zones: &[(Option<String>, &'z Zone)],
    zone_of: &ZoneOf<'z>,
) -> Drawing {
    let (w, h, gap, head) = (190.0, 54.0, 40.0, 36.0);
    let mut drawing = Drawing::default();
    for (col, (owner, zone)) in zones.iter().enumerate() {
        let x = 20.0 + col as f64 * (w + 2.0 * gap);
        let members: Vec<&String> = nodes
            .iter()
            .filter(|(_, s, c)| {
                zone_of(s, &c.zone).is_some_and(|(o, z)| o == *owner && z.id == zone.id)
            })
            .map(|(r, _, _)| r)
            .collect();
        for (row, r) in members.iter().enumerate() {
            drawing.nodes.push((
                (*r).clone(),
                Area {
                    x: x + gap / 2.0,
                    y: 20.0 + head + row as f64 * (h + gap),
                    w,
                    h,
                },
            ));
        }
        drawing.zones.push((
            zone.id.value.clone(),
            owner.clone(),
            Area {
                x,
                y: 20.0,
                w: w + gap,
                h: head + members.len().max(1) as f64 * (h + gap),
            },
        ));
    }
    drawing
}

// ---------------------------------------------------------------------------
// Import of a model that riskfirst wrote
// ---------------------------------------------------------------------------

/// A model riskfirst wrote ([`export`]): the root and the system's other parts from
/// `detail.riskfirst`, each element from its cell's riskfirst fields, and what was edited
/// in Threat Dragon on top: names, descriptions, flow ends, a component moved into another
/// zone's box, zone names, threat titles, statuses and descriptions, and threats added on
/// riskfirst's elements. The components of other systems become those systems, holding
/// only them. Elements added in Threat Dragon have no riskfirst fields and are reported.
fn riskfirst_model_of(
    tree: &Node,
    summary: Option<&Node>,
    detail: &Node,
    rf: &Node,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    fn parse<T: serde::de::DeserializeOwned>(node: &Node, what: &str) -> Result<T, ImportError> {
        serde_json::from_value(read::to_json(node)).map_err(|e| {
            ImportError::new(format!(
                "Threat Dragon: the riskfirst fields of {what} do not read: {e}"
            ))
            .at(pos(node))
            .hint("the model was written by riskfirst and edited since; restore `riskfirst` or delete `detail.riskfirst` to import it as any Threat Dragon model")
        })
    }
    let missing = |key: &str| {
        ImportError::new(format!(
            "Threat Dragon: `detail.riskfirst.{key}` is missing"
        ))
        .at(pos(rf))
        .hint("the model was written by riskfirst and edited since; delete `detail.riskfirst` to import it as any Threat Dragon model")
    };
    let mut report = crate::ImportReport::new(FORMAT);
    let mut root: RootFile = parse(get(rf, "root").ok_or_else(|| missing("root"))?, "the model")?;
    root.systems = None;
    let mut system: SystemFile = parse(
        get(rf, "system").ok_or_else(|| missing("system"))?,
        "the model",
    )?;
    system.components.clear();
    system.flows.clear();
    let own = system.system.id.value.clone();
    report.mapped("model", "estate root and system");
    if let Some(t) = summary.and_then(|s| read::raw(s, "title")) {
        if t != system.system.name {
            system.system.name = t;
        }
    }
    if let Some(d) = summary.and_then(|s| read::raw(s, "description")) {
        system.system.description = (!d.is_empty()).then_some(d);
    }
    let mut others: Vec<SystemFile> = Vec::new();
    if let Some(Node {
        value: Value::Map(entries),
        ..
    }) = get(rf, "systems")
    {
        for (_, v) in entries {
            // Its components that controls name; the drawn ones come from their cells.
            let mut s: SystemFile = parse(v, "another system")?;
            s.flows.clear();
            if s.system.id.value != own && !others.iter().any(|o| o.system.id == s.system.id) {
                others.push(s);
            }
        }
    }
    let diagrams = list(detail, "diagrams", &mut report, "detail.");
    let cells: Vec<&Node> = diagrams
        .iter()
        .flat_map(|d| list(d, "cells", &mut report, "diagram "))
        .collect();
    // Zones: a box names the zone it draws; its name may have been edited.
    let mut boxes: Vec<(String, Option<String>, Pt, Pt)> = Vec::new();
    for cell in cells.iter().filter(|c| cell_kind(c) == Cell::BoundaryBox) {
        let data = get(cell, "data");
        let Some(zone) = data.and_then(|d| text(d, ATTR_ZONE)) else {
            report.not_mapped(
                "trust boundary",
                "drawn after riskfirst wrote the model: it names no riskfirst zone; add the zone to the estate by hand",
                pos(cell),
            );
            continue;
        };
        let owner = data
            .and_then(|d| text(d, ATTR_SYSTEM))
            .filter(|s| s != "estate");
        let zones = match owner.as_deref() {
            None => Some(&mut root.zones),
            Some(o) if o == own => Some(&mut system.zones),
            Some(o) => others
                .iter_mut()
                .find(|s| s.system.id.value == o)
                .map(|s| &mut s.zones),
        };
        if let (Some(zones), Some(name)) = (zones, data.and_then(|d| read::raw(d, "name"))) {
            if let Some(z) = zones.iter_mut().find(|z| z.id.value == zone) {
                if name != z.id.value || z.name.is_some() {
                    z.name = Some(name);
                }
            }
        }
        let corner = get(cell, "position").and_then(point);
        let size = get(cell, "size")
            .and_then(|s| Some((read::number(s, "width")?, read::number(s, "height")?)));
        if let (Some(c), Some((w, h))) = (corner, size) {
            boxes.push((
                zone,
                owner,
                c,
                Pt {
                    x: c.x + w,
                    y: c.y + h,
                },
            ));
        }
        report.mapped("boundary boxes", "zones");
    }
    // Components, and the cell id → component reference of each.
    let mut refs: HashMap<String, String> = HashMap::new();
    let mut threats: Vec<(String, &Node)> = Vec::new();
    for cell in cells.iter().copied() {
        let Cell::Element(_) = cell_kind(cell) else {
            continue;
        };
        let cid = text(cell, "id").unwrap_or_default();
        let Some(data) = get(cell, "data") else {
            continue;
        };
        let Some(value) = get(data, ATTR) else {
            report.not_mapped(
                format!("element \"{}\"", short(&name_of(cell))),
                "drawn after riskfirst wrote the model: it has no riskfirst fields; add it to the estate by hand",
                pos(cell),
            );
            continue;
        };
        let mut c: Component = parse(value, "a component")?;
        let owner = text(data, ATTR_SYSTEM).unwrap_or_else(|| own.clone());
        if let Some(n) = read::raw(data, "name") {
            if n != c.id.value || c.name.is_some() {
                c.name = Some(n);
            }
        }
        if owner == own {
            if let Some(d) = read::raw(data, "description") {
                c.description = (!d.is_empty()).then_some(d);
            }
            // Moved into another zone's box: the box wins.
            if let Some(centre) = centre(cell) {
                let inside = |b: &&(String, Option<String>, Pt, Pt)| {
                    centre.x >= b.2.x && centre.x <= b.3.x && centre.y >= b.2.y && centre.y <= b.3.y
                };
                let holding: Vec<&(String, Option<String>, Pt, Pt)> =
                    boxes.iter().filter(inside).collect();
                let mine = |b: &&(String, Option<String>, Pt, Pt)| {
                    b.0 == c.zone.value && b.1.as_deref().is_none_or(|o| o == own)
                };
                if !holding.is_empty() && !holding.iter().any(mine) {
                    let b = holding
                        .iter()
                        .min_by(|a, b| {
                            ((a.3.x - a.2.x) * (a.3.y - a.2.y))
                                .total_cmp(&((b.3.x - b.2.x) * (b.3.y - b.2.y)))
                        })
                        .copied();
                    if let Some(b) = b.filter(|b| b.1.as_deref().is_none_or(|o| o == own)) {
                        report.guessed(
                            format!("component `{}`", c.id.value),
                            format!("drawn inside the box of zone `{}`: moved there", b.0),
                            pos(cell),
                        );
                        c.zone = Spanned::new(b.0.clone());
                    }
                }
            }
            for t in list(data, "threats", &mut report, "component ") {
                threats.push((c.id.value.clone(), t));
            }
            refs.insert(cid, c.id.value.clone());
            system.components.push(c);
            report.mapped("components", "components");
        } else if let Some(s) = others.iter_mut().find(|s| s.system.id.value == owner) {
            refs.insert(cid, format!("{owner}/{}", c.id.value));
            if !s.components.iter().any(|x| x.id == c.id) {
                s.components.push(c);
            }
            report.mapped("components of other systems", "their systems");
        } else {
            report.not_mapped(
                format!("component `{}`", c.id.value),
                format!("its system `{owner}` is not in the model"),
                pos(cell),
            );
        }
    }
    for cell in cells.iter().copied().filter(|c| cell_kind(c) == Cell::Flow) {
        let Some(data) = get(cell, "data") else {
            continue;
        };
        let Some(value) = get(data, ATTR) else {
            report.not_mapped(
                format!("flow \"{}\"", short(&name_of(cell))),
                "drawn after riskfirst wrote the model: it has no riskfirst fields; add it to the estate by hand",
                pos(cell),
            );
            continue;
        };
        let mut f: Flow = parse(value, "a flow")?;
        for (key, end) in [("source", &mut f.from), ("target", &mut f.to)] {
            let attached = get(cell, key)
                .and_then(|e| text(e, "cell"))
                .and_then(|c| refs.get(&c));
            if let Some(r) = attached {
                if *r != end.value {
                    *end = Spanned::new(r.clone());
                }
            }
        }
        if let Some(n) = read::raw(data, "name") {
            if n != f.id.value || f.description.is_some() {
                f.description = (!n.is_empty()).then_some(n);
            }
        }
        for t in list(data, "threats", &mut report, "flow ") {
            threats.push((f.id.value.clone(), t));
        }
        system.flows.push(f);
        report.mapped("flows", "flows");
    }
    for (element, t) in threats {
        returned_threat(&mut system, &mut report, &element, t, options)?;
    }
    let mut systems = vec![system];
    for s in others {
        if s.components.is_empty() && s.data.is_empty() {
            continue;
        }
        systems.push(s);
    }
    let imported = Imported {
        root,
        systems,
        report,
    };
    // The riskfirst fields may have been edited into an estate that does not hold together.
    let files = imported.files();
    if let Some(((root_path, root_text), rest)) = files.split_first() {
        let sources = riskfirst_model::Sources {
            root: (root_path.into(), root_text.clone()),
            systems: rest.iter().map(|(p, t)| (p.into(), t.clone())).collect(),
        };
        let loaded = riskfirst_model::load(sources, &riskfirst_model::Options::default());
        if loaded.estate.is_none() {
            let first = loaded
                .diagnostics
                .iter()
                .find(|d| d.severity == riskfirst_model::diag::Severity::Error)
                .map(|d| format!("{} {}", d.code, d.message))
                .unwrap_or_default();
            return Err(ImportError::new(format!(
                "Threat Dragon: the riskfirst fields do not make a valid estate: {first}"
            ))
            .at(pos(tree))
            .hint("the model was written by riskfirst and edited since; delete `detail.riskfirst` to import it as any Threat Dragon model"));
        }
    }
    Ok(imported)
}

/// A threat of a model riskfirst wrote: a hand-written threat back from its fields with the
/// edits of Threat Dragon, a rule-found threat whose status was changed there as a decision,
/// and a threat added in Threat Dragon as a hand-written threat on its element.
fn returned_threat(
    system: &mut SystemFile,
    report: &mut crate::ImportReport,
    element: &str,
    t: &Node,
    options: &ImportOptions,
) -> Result<(), ImportError> {
    let at = pos(t);
    let title = text(t, "title");
    let td_status = text(t, "status").unwrap_or_else(|| "Open".into());
    let td = match td_status.to_ascii_lowercase().as_str() {
        "notapplicable" => Some(ThreatStatus::NotApplicable),
        other => threat_status(other),
    };
    // What Threat Dragon says, where it can say it: `Open` keeps an acceptance or transfer.
    let status_now = |before: ThreatStatus| match td {
        Some(ThreatStatus::Open)
            if matches!(before, ThreatStatus::Accepted | ThreatStatus::Transferred) =>
        {
            before
        }
        Some(s) => s,
        None => before,
    };
    let description = read::raw(t, "description").map(|d| match d.split_once(IMPACT_MARK) {
        Some((before, _)) => before.to_string(),
        None => d,
    });
    let mitigation = text(t, "mitigation");
    // A draft only for what `complete_decision` fills in and reports.
    let mut d = Draft::new(FORMAT, "", "", "");
    let skip = d.report.entries.len();
    let rf = get(t, ATTR);
    let entry_node = rf.and_then(|r| get(r, "entry"));
    let rule = rf.and_then(|r| text(r, "rule"));
    let rid = rf.and_then(|r| text(r, "id"));
    let subject = format!("threat \"{}\"", title.clone().unwrap_or_default());
    if let Some(node) = entry_node {
        let mut entry: ThreatEntry = serde_json::from_value(read::to_json(node)).map_err(|e| {
            ImportError::new(format!(
                "Threat Dragon: the riskfirst fields of {subject} do not read: {e}"
            ))
            .at(pos(node))
        })?;
        if let Some(ti) = title {
            entry.title = Some(ti);
        }
        entry.status = Spanned::new(status_now(entry.status.value));
        if let Some(desc) = description {
            entry.description = (!desc.is_empty()).then_some(desc);
        }
        if entry.status.value == ThreatStatus::NotApplicable && entry.justification.is_none() {
            entry.justification = mitigation;
        }
        complete_decision(&mut d, &mut entry, &subject, options, at);
        // In its place among the system's threats, which the model's fields hold.
        match system.threats.iter().position(|x| x.id == entry.id) {
            Some(i) => system.threats[i] = entry,
            None => system.threats.push(entry),
        }
        report.mapped("threats", "hand-written threats");
    } else if let (Some(_), Some(id)) = (rule, rid) {
        let before = rf
            .and_then(|r| get(r, "status"))
            .and_then(|s| serde_json::from_value::<ThreatStatus>(read::to_json(s)).ok())
            .unwrap_or_default();
        let now = status_now(before);
        report.mapped(
            "threats found by riskfirst's rules",
            "the rules (found again)",
        );
        if now != before {
            let place = system
                .threats
                .iter()
                .position(|x| x.title.is_none() && x.id.value == id);
            let mut entry = match place {
                Some(i) => system.threats[i].clone(),
                None => ThreatEntry {
                    id: Spanned::new(id.clone()),
                    ..ThreatEntry::default()
                },
            };
            entry.status = Spanned::new(now);
            if now == ThreatStatus::NotApplicable {
                entry.justification = mitigation.or(entry.justification);
            }
            complete_decision(&mut d, &mut entry, &subject, options, at);
            report.guessed(
                format!("threat `{id}`"),
                format!(
                    "its status was set to `{}` in Threat Dragon: a decision",
                    now.label()
                ),
                at,
            );
            match place {
                Some(i) => system.threats[i] = entry,
                None => system.threats.push(entry),
            }
        }
    } else {
        // Added in Threat Dragon.
        let title = title.unwrap_or_else(|| "Untitled threat".into());
        let ty = text(t, "type").unwrap_or_default();
        let stride = stride_of(&ty).unwrap_or_else(|| {
            report.fill_in(
                &subject,
                format!("no STRIDE category in \"{ty}\": `tampering` written; set it"),
                at,
            );
            Stride::Tampering
        });
        let mut words = crate::build::slug(&title);
        words.truncate(60);
        let base = match words.trim_end_matches(['-', '.', '_']) {
            "" => "td-threat".to_string(),
            w => format!("td-{w}"),
        };
        let mut id = base.clone();
        let mut n = 1;
        while system.threats.iter().any(|x| x.id.value == id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        let mut entry = ThreatEntry {
            id: Spanned::new(id.clone()),
            status: Spanned::new(td.unwrap_or_default()),
            title: Some(title),
            description: description.filter(|x| !x.is_empty()),
            stride: Some(stride),
            elements: vec![Spanned::new(element.to_string())],
            ..ThreatEntry::default()
        };
        if entry.status.value == ThreatStatus::NotApplicable {
            entry.justification = mitigation;
        }
        complete_decision(&mut d, &mut entry, &subject, options, at);
        report.guessed(
            &subject,
            format!("added in Threat Dragon: the hand-written threat `{id}` on `{element}`"),
            at,
        );
        system.threats.push(entry);
    }
    report
        .entries
        .extend(d.report.entries.into_iter().skip(skip));
    Ok(())
}
