//! threatcl HCL (spec 0.x): import.
//!
//! Each `threatmodel` block becomes a system. Its `data_flow_diagram_v2` (or
//! `data_flow_diagram`) gives the components (`process`, `data_store`,
//! `external_element`, inside `trust_zone`s or not) and the flows; `information_asset`s
//! become data; `threat`s become hand-written threats and their `control`s controls.
//! threatcl threats name no element, so each is put on the model's first component (or,
//! for a model without a diagram, one component that stands for the model), reported.

use riskfirst_model::format::*;
use riskfirst_model::node::{Node, Value};
use riskfirst_model::{FileId, Span, Spanned};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};

use crate::build::{append, complete_decision, slug, stride_of, Draft};
use crate::read::{get, pos, text, texts};
use crate::{ImportError, ImportOptions, Imported, Input, Pos};

const FORMAT: &str = "threatcl";

/// Deepest nesting of blocks, arrays and objects read; hcl-edit parses recursively.
const MAX_DEPTH: usize = 64;

pub fn detect(input: &Input) -> bool {
    let head = crate::head(input);
    head.contains("threatmodel \"")
        || (input.name.ends_with(".hcl") && head.contains("spec_version"))
}

/// Line starts of a text, to turn byte offsets into positions.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    fn span(&self, text: &str, range: Option<std::ops::Range<usize>>) -> Span {
        let Some(r) = range else { return Span::NONE };
        let line = self.0.partition_point(|&s| s <= r.start);
        let start = self.0[line - 1];
        let col = text
            .get(start..r.start)
            .map_or(1, |s| s.chars().count() + 1);
        Span {
            file: FileId(0),
            line: line as u32,
            col: col as u32,
            len: 1,
        }
    }
}

fn node(value: Value, span: Span) -> Node {
    Node { value, span }
}

fn key(k: &str) -> Node {
    node(Value::Str(k.to_string()), Span::NONE)
}

fn expr(e: &Expression, lines: &Lines, text: &str) -> Node {
    use hcl_edit::Span as _;
    let span = lines.span(text, e.span());
    let value = match e {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => {
            let n = n.value();
            match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            }
        }
        Expression::String(s) => Value::Str(s.value().to_string()),
        Expression::Array(items) => {
            Value::Seq(items.iter().map(|i| expr(i, lines, text)).collect())
        }
        // References, templates, function calls: kept as their source text, reported by
        // the fields that read them.
        other => Value::Str(format!("{other}").trim().to_string()),
    };
    node(value, span)
}

/// A body as a mapping: attributes as values, blocks as lists under their name (each a
/// mapping with its first label under `_label`).
fn body(b: &Body, lines: &Lines, text: &str, span: Span) -> Node {
    use hcl_edit::Span as _;
    let mut entries: Vec<(Node, Node)> = Vec::new();
    for s in b.iter() {
        match s {
            Structure::Attribute(a) => {
                entries.push((key(a.key.as_str()), expr(&a.value, lines, text)))
            }
            Structure::Block(blk) => {
                let span = lines.span(text, blk.span());
                let mut inner = body(&blk.body, lines, text, span);
                if let (Some(label), Value::Map(m)) = (blk.labels.first(), &mut inner.value) {
                    m.insert(
                        0,
                        (
                            key("_label"),
                            node(Value::Str(label.as_str().to_string()), span),
                        ),
                    );
                }
                let name = blk.ident.as_str();
                match entries.iter_mut().find(|(k, _)| k.as_str() == Some(name)) {
                    Some((
                        _,
                        Node {
                            value: Value::Seq(items),
                            ..
                        },
                    )) => items.push(inner),
                    _ => entries.push((key(name), node(Value::Seq(vec![inner]), span))),
                }
            }
        }
    }
    node(Value::Map(entries), span)
}

fn depth_of(text: &str) -> usize {
    let (mut depth, mut max, mut in_string) = (0usize, 0usize, false);
    let mut prev = ' ';
    for c in text.chars() {
        match c {
            '"' if prev != '\\' => in_string = !in_string,
            '\n' => in_string = false,
            '{' | '[' | '(' if !in_string => {
                depth += 1;
                max = max.max(depth);
            }
            '}' | ']' | ')' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
    }
    max
}

fn blocks<'a>(n: &'a Node, name: &str) -> &'a [Node] {
    match get(n, name).map(|x| &x.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

fn label(n: &Node) -> String {
    text(n, "_label").unwrap_or_default()
}

pub fn import(input: &Input, options: &ImportOptions) -> Result<Imported, ImportError> {
    let source = crate::read::utf8(input.bytes, "threatcl")?;
    if source.len() > crate::MAX_INPUT_BYTES {
        return Err(ImportError::new(format!(
            "the threatcl file is larger than {} bytes",
            crate::MAX_INPUT_BYTES
        )));
    }
    if depth_of(source) > MAX_DEPTH {
        return Err(ImportError::new(format!(
            "threatcl: blocks and lists nest deeper than {MAX_DEPTH} levels"
        )));
    }
    let parsed = hcl_edit::parser::parse_body(source).map_err(|e| {
        ImportError::new(format!("threatcl: syntax error: {}", e.message())).at(Some(Pos {
            line: u32::try_from(e.location().line()).unwrap_or(u32::MAX),
            col: u32::try_from(e.location().column()).unwrap_or(u32::MAX),
        }))
    })?;
    let lines = Lines::new(source);
    let tree = body(
        &parsed,
        &lines,
        source,
        Span {
            file: FileId(0),
            line: 1,
            col: 1,
            len: 1,
        },
    );
    if let Some(v) = text(&tree, "spec_version") {
        if !v.starts_with("0.") {
            return Err(ImportError::new(format!(
                "threatcl spec version {v} is not supported: riskfirst reads 0.x"
            ))
            .at(get(&tree, "spec_version").and_then(pos)));
        }
    }
    let models = blocks(&tree, "threatmodel");
    if models.is_empty() {
        return Err(
            ImportError::new("not a threatcl file: no `threatmodel` block")
                .at(pos(&tree))
                .hint("a threatcl file holds `threatmodel \"NAME\" { ... }` blocks"),
        );
    }
    let mut parts = Vec::new();
    for m in models {
        parts.push(model(m, options));
    }
    Ok(crate::build::merge(parts))
}

fn model(m: &Node, options: &ImportOptions) -> Imported {
    let name = label(m);
    let mut d = Draft::new(FORMAT, &name, &name, &name);
    d.system.system.description = text(m, "description");
    d.report.mapped("threat models", "systems");
    if let Some(a) = text(m, "author") {
        d.report.not_mapped(
            format!("threatmodel \"{name}\" author"),
            format!("\"{a}\" wrote the model; riskfirst records owners, not authors"),
            get(m, "author").and_then(pos),
        );
    }
    for k in [
        "imports",
        "usecase",
        "exclusion",
        "third_party_dependency",
        "additional_attribute",
    ] {
        for b in blocks(m, k)
            .iter()
            .chain(get(m, k).filter(|n| !matches!(n.value, Value::Seq(_))))
        {
            d.report.not_mapped(
                format!("threatmodel \"{name}\" {k}"),
                "riskfirst has no place for it",
                pos(b),
            );
        }
    }
    let internet = blocks(m, "attributes")
        .iter()
        .any(|a| text(a, "internet_facing").as_deref() == Some("true"));
    for a in blocks(m, "information_asset") {
        let aname = label(a);
        let id = d.data_id(&slug(&aname), &aname, pos(a));
        let class = match text(a, "information_classification")
            .map(|c| c.to_ascii_lowercase())
            .as_deref()
        {
            Some("public") => Classification::Public,
            Some("internal") => Classification::Internal,
            Some("confidential") => Classification::Confidential,
            Some("restricted") | Some("secret") => Classification::Restricted,
            other => {
                d.report.fill_in(format!("information asset \"{aname}\""), format!("classification {other:?} is none of public, internal, confidential, restricted: `internal` written; set it"), pos(a));
                Classification::Internal
            }
        };
        d.system.data.push(DataAsset {
            id: Spanned::new(id),
            name: aname,
            classification: class,
            description: text(a, "description"),
            ..DataAsset::default()
        });
        d.report.mapped("information assets", "data assets");
    }
    let diagrams: Vec<&Node> = blocks(m, "data_flow_diagram_v2")
        .iter()
        .chain(blocks(m, "data_flow_diagram"))
        .collect();
    for dfd in &diagrams {
        let add = |d: &mut Draft, n: &Node, kind: ComponentKind, zone: Option<String>| {
            let cname = label(n);
            let subject = format!("component \"{cname}\"");
            let id = d.component_id(&cname, &cname, pos(n));
            let (kind, technology) = d.kind_and_technology(&subject, Some(kind), &cname, pos(n));
            let zone = zone.unwrap_or_else(|| d.unspecified_zone());
            let data = d
                .system
                .data
                .iter()
                .map(|a| Spanned::new(a.id.value.clone()))
                .collect();
            d.system.components.push(Component {
                id: Spanned::new(id),
                name: Some(cname),
                kind,
                technology: Spanned::new(technology),
                zone: Spanned::new(zone),
                internet_facing: internet && kind != ComponentKind::ExternalEntity,
                processes: if kind == ComponentKind::Process {
                    data
                } else {
                    Vec::new()
                },
                ..Component::default()
            });
            d.report.mapped("diagram elements", "components");
        };
        let kinds = [
            ("process", ComponentKind::Process),
            ("data_store", ComponentKind::Datastore),
            ("external_element", ComponentKind::ExternalEntity),
        ];
        for tz in blocks(dfd, "trust_zone") {
            let zname = label(tz);
            let zone = d.zone(&slug(&zname), &zname, 50, pos(tz));
            d.report.fill_in(
                format!("trust zone \"{zname}\""),
                "threatcl has no trust levels: trust 50 written; set it",
                pos(tz),
            );
            for (k, kind) in kinds {
                for n in blocks(tz, k) {
                    add(&mut d, n, kind, Some(zone.clone()));
                }
            }
        }
        for (k, kind) in kinds {
            for n in blocks(dfd, k) {
                add(&mut d, n, kind, None);
            }
        }
        for f in blocks(dfd, "flow") {
            let fname = label(f);
            let subject = format!("flow \"{fname}\"");
            let ends = [text(f, "from"), text(f, "to")]
                .map(|e| e.and_then(|e| d.components.get(&e).cloned()));
            let [Some(from), Some(to)] = ends else {
                d.report.not_mapped(
                    &subject,
                    "its `from` or `to` is no element of the diagram",
                    pos(f),
                );
                continue;
            };
            let id = d.flow_id(&format!("{from}-to-{to}"), &fname, pos(f));
            let protocol = d.protocol(&subject, &fname, pos(f));
            let flow = Flow {
                id: Spanned::new(id),
                from: Spanned::new(from),
                to: Spanned::new(to),
                protocol: Spanned::new(protocol),
                description: Some(fname),
                ..Flow::default()
            };
            d.push_flow(flow, &subject, pos(f));
        }
    }
    let threats = blocks(m, "threat");
    let target = match d.system.components.first() {
        Some(c) => c.id.value.clone(),
        None if threats.is_empty() => String::new(),
        None => {
            let zone = d.unspecified_zone();
            let id = d.component_id(&slug(&name), &name, pos(m));
            d.report.fill_in(format!("component `{id}`"), "the model has no diagram: one component stands for it, so its threats have an element; model its components and flows", pos(m));
            let data = d
                .system
                .data
                .iter()
                .map(|a| Spanned::new(a.id.value.clone()))
                .collect();
            d.system.components.push(Component {
                id: Spanned::new(id.clone()),
                name: Some(name.clone()),
                technology: Spanned::new("unknown".into()),
                zone: Spanned::new(zone),
                internet_facing: internet,
                processes: data,
                ..Component::default()
            });
            id
        }
    };
    for t in threats {
        let tname = label(t);
        let at = pos(t);
        let subject = format!("threat \"{tname}\"");
        let strides = texts(t, "stride");
        let impacts = texts(t, "impacts").join(" ").to_ascii_lowercase();
        let stride = match strides.iter().find_map(|s| stride_of(s)) {
            Some(s) => s,
            None if impacts.contains("confidential") => Stride::InformationDisclosure,
            None if impacts.contains("integrity") => Stride::Tampering,
            None if impacts.contains("availab") => Stride::DenialOfService,
            None => {
                d.report.fill_in(
                    &subject,
                    "no STRIDE and no impact: `tampering` written; set it",
                    at,
                );
                Stride::Tampering
            }
        };
        if strides.is_empty() {
            d.report.guessed(
                &subject,
                format!("STRIDE `{}` from the impacts \"{impacts}\"", stride.name()),
                at,
            );
        }
        d.report.guessed(
            &subject,
            format!("on `{target}`: threatcl threats name no element; set the elements"),
            at,
        );
        let id = d.threat_id(&slug(&tname), &tname, at);
        let mut description = text(t, "description");
        if !impacts.is_empty() {
            append(&mut description, &format!("threatcl impacts: {impacts}."));
        }
        let controls = blocks(t, "control");
        let mitigated = !controls.is_empty()
            && controls
                .iter()
                .all(|c| text(c, "implemented").as_deref() == Some("true"));
        let mut entry = ThreatEntry {
            id: Spanned::new(id.clone()),
            status: Spanned::new(if mitigated {
                ThreatStatus::Mitigated
            } else {
                ThreatStatus::Open
            }),
            title: Some(tname.clone()),
            description,
            stride: Some(stride),
            elements: vec![Spanned::new(target.clone())],
            ..ThreatEntry::default()
        };
        complete_decision(&mut d, &mut entry, &subject, options, at);
        d.system.threats.push(entry);
        d.report.mapped("threats", "hand-written threats");
        for c in controls {
            let cname = label(c);
            let cid = d.control_id(&slug(&cname), &cname, pos(c));
            let reduction = crate::read::number(c, "risk_reduction");
            if reduction.is_none() {
                d.report.fill_in(
                    format!("control \"{cname}\""),
                    "no risk_reduction: effectiveness 0.5 written; set it",
                    pos(c),
                );
            }
            let mut description = text(c, "description");
            if let Some(n) = text(c, "implementation_notes") {
                append(&mut description, &n);
            }
            d.system.controls.push(Control {
                id: Spanned::new(cid),
                title: cname,
                description,
                status: Spanned::new(if text(c, "implemented").as_deref() == Some("true") {
                    ControlStatus::Implemented
                } else {
                    ControlStatus::Planned
                }),
                mitigates: vec![Mitigation {
                    threats: vec![Spanned::new(id.clone())],
                    effectiveness: Spanned::new(Estimate::Point(
                        reduction.map_or(0.5, |r| (r / 100.0).clamp(0.0, 1.0)),
                    )),
                    ..Mitigation::default()
                }],
                ..Control::default()
            });
            d.report.mapped("controls", "controls");
        }
    }
    d.finish()
}
