//! OWASP TM-BOM (a CycloneDX 1.6 bill of materials of type `threat-model`): import.
//!
//! TM-BOM nests `threat-model` components whose `cdx:model:*` properties say what each
//! is (a diagram, a boundary, an asset, an actor, a server, a datastore, a dataflow, code);
//! the model becomes one system with boundaries as zones, assets as data and the rest as
//! components and flows, referring to each other by `bom-ref`.

use std::collections::HashMap;

use riskfirst_model::format::*;
use riskfirst_model::node::{Node, Value};
use riskfirst_model::Spanned;

use crate::build::{append, classification_of, Draft};
use crate::read::{self, get, pos, text};
use crate::{ImportError, ImportOptions, Imported, Input, Pos};

const FORMAT: &str = "tmbom";

pub fn detect(input: &Input) -> bool {
    let head = crate::head(input);
    head.contains("\"bomFormat\"") && head.contains("CycloneDX") && head.contains("threat-model")
}

/// A `threat-model` component, flattened: its properties (a name may repeat) and position.
struct Item<'a> {
    node: &'a Node,
    name: String,
    bom_ref: String,
    props: Vec<(String, String)>,
}

impl Item<'_> {
    fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == &format!("cdx:model:{key}"))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a property, a comma-separated value split.
    fn props_all(&self, key: &str) -> Vec<String> {
        let key = format!("cdx:model:{key}");
        self.props
            .iter()
            .filter(|(k, _)| *k == key)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
            .collect()
    }

    fn pos(&self) -> Option<Pos> {
        pos(self.node)
    }
}

fn collect<'a>(node: &'a Node, out: &mut Vec<Item<'a>>, depth: usize) {
    let Some(Value::Seq(items)) = get(node, "components").map(|n| &n.value) else {
        return;
    };
    // The tree is at most 64 deep already (the reader's limit); this bounds the walk too.
    if depth > 64 {
        return;
    }
    for c in items {
        if text(c, "type").as_deref() == Some("threat-model") {
            let props = match get(c, "properties").map(|p| &p.value) {
                Some(Value::Seq(ps)) => ps
                    .iter()
                    .filter_map(|p| Some((text(p, "name")?, text(p, "value").unwrap_or_default())))
                    .collect(),
                _ => Vec::new(),
            };
            out.push(Item {
                node: c,
                name: text(c, "name").unwrap_or_default(),
                bom_ref: text(c, "bom-ref").unwrap_or_default(),
                props,
            });
        }
        collect(c, out, depth + 1);
    }
}

pub fn import(input: &Input, _options: &ImportOptions) -> Result<Imported, ImportError> {
    let tree = read::document(input.bytes, "TM-BOM", "a CycloneDX file")?;
    if text(&tree, "bomFormat").as_deref() != Some("CycloneDX") {
        return Err(
            ImportError::new("not a CycloneDX file: `bomFormat` is not `CycloneDX`").at(get(
                &tree,
                "bomFormat",
            )
            .and_then(pos)
            .or(pos(&tree))),
        );
    }
    let version = text(&tree, "specVersion").unwrap_or_default();
    if version != "1.6" && version != "1.7" {
        return Err(ImportError::new(format!(
            "CycloneDX {version} is not supported: TM-BOM is CycloneDX 1.6"
        ))
        .at(get(&tree, "specVersion").and_then(pos).or(pos(&tree))));
    }
    let mut items = Vec::new();
    collect(&tree, &mut items, 0);
    if items.is_empty() {
        return Err(ImportError::new(
            "the CycloneDX file holds no `threat-model` components: it is no TM-BOM",
        )
        .at(pos(&tree))
        .hint("a TM-BOM lists components of type `threat-model`"));
    }
    let meta = get(&tree, "metadata").and_then(|m| get(m, "component"));
    let name = meta
        .and_then(|m| text(m, "name"))
        .unwrap_or_else(|| "Imported model".into());
    let mut d = Draft::new(FORMAT, &name, &name, &name);
    d.system.system.description = meta.and_then(|m| text(m, "description"));
    d.report.mapped("metadata component", "system");
    let kind_of = |i: &Item| i.prop("type").unwrap_or_default().to_string();
    for i in items.iter().filter(|i| kind_of(i) == "boundary") {
        let trust = i
            .prop("risk:trustRating")
            .and_then(|t| t.parse::<f64>().ok());
        let trust = match trust {
            Some(t) => t.round() as i64,
            None => {
                d.report.fill_in(
                    format!("boundary \"{}\"", i.name),
                    "no trustRating: trust 50 written; set it",
                    i.pos(),
                );
                50
            }
        };
        d.zone(&i.bom_ref, &i.name, trust, i.pos());
        d.report.mapped("boundaries", "zones");
    }
    for i in items.iter().filter(|i| kind_of(i) == "asset") {
        let id = d.data_id(&i.bom_ref, &i.name, i.pos());
        let conf = i
            .prop("risk:confidentiality")
            .and_then(|c| c.parse::<f64>().ok());
        let classification = match conf {
            Some(c) => classification_of(c),
            None => {
                d.report.fill_in(
                    format!("asset \"{}\"", i.name),
                    "no confidentiality: classification `internal` written; set it",
                    i.pos(),
                );
                Classification::Internal
            }
        };
        let mut description = text(i.node, "description");
        if let Some(r) = i.prop("risk:description") {
            append(&mut description, r);
        }
        let ratings: Vec<String> = ["privacy", "confidentiality", "integrity", "availability"]
            .iter()
            .filter_map(|k| i.prop(&format!("risk:{k}")).map(|v| format!("{k} {v}")))
            .collect();
        if !ratings.is_empty() {
            append(
                &mut description,
                &format!("TM-BOM rating: {}.", ratings.join(", ")),
            );
        }
        let personal = i
            .prop("risk:privacy")
            .and_then(|p| p.parse::<f64>().ok())
            .is_some_and(|p| p >= 50.0);
        d.system.data.push(DataAsset {
            id: Spanned::new(id),
            name: i.name.clone(),
            classification,
            personal,
            description,
            ..DataAsset::default()
        });
        d.report.mapped("assets", "data assets");
    }
    let mut zone_of: Vec<(String, String)> = Vec::new();
    for i in &items {
        let kind = match kind_of(i).as_str() {
            "actor" => Some(ComponentKind::ExternalEntity),
            "server" | "process" | "service" | "code" => Some(ComponentKind::Process),
            "datastore" | "store" => Some(ComponentKind::Datastore),
            "diagram" | "boundary" | "asset" | "dataflow" => continue,
            "repository" => {
                d.report.not_mapped(
                    format!("repository \"{}\"", i.name),
                    "a link to source code: its code components are imported, the repository itself is not an element",
                    i.pos(),
                );
                continue;
            }
            other => {
                d.report.not_mapped(
                    format!("component \"{}\"", i.name),
                    format!("unknown cdx:model:type `{other}`"),
                    i.pos(),
                );
                continue;
            }
        };
        let subject = format!("component \"{}\"", i.name);
        let id = d.component_id_from_name(&i.bom_ref, &i.name, i.pos());
        let words = format!(
            "{} {} {} {}",
            i.prop("platform").unwrap_or_default(),
            i.prop("shape").unwrap_or_default(),
            i.name,
            i.props_all("tag").join(" ")
        );
        let (kind, technology) = d.kind_and_technology(&subject, kind, &words, i.pos());
        if let Some(b) = i.prop("inBoundary") {
            zone_of.push((id.clone(), b.to_string()));
        }
        d.system.components.push(Component {
            id: Spanned::new(id),
            name: Some(i.name.clone()),
            kind,
            technology: Spanned::new(technology),
            description: text(i.node, "description"),
            tags: i.props_all("tag"),
            ..Component::default()
        });
        d.report.mapped("components", "components");
    }
    // Zones and data of the components, now that every id is known.
    let data_refs: Vec<(String, Vec<String>, Vec<String>)> = items
        .iter()
        .filter(|i| kind_of(i) == "asset")
        .map(|i| {
            (
                i.bom_ref.clone(),
                i.props_all("processedBy"),
                i.props_all("storedBy"),
            )
        })
        .collect();
    for c in &mut d.system.components {
        let zone = zone_of
            .iter()
            .find(|(id, _)| *id == c.id.value)
            .and_then(|(_, b)| d.zones.get(b).cloned());
        c.zone = Spanned::new(zone.unwrap_or_default());
        let src = d
            .components
            .iter()
            .find(|(_, id)| **id == c.id.value)
            .map(|(s, _)| s.clone())
            .unwrap_or_default();
        for (asset, processed, stored) in &data_refs {
            let Some(data) = d.data.get(asset) else {
                continue;
            };
            if processed.contains(&src) {
                c.processes.push(Spanned::new(data.clone()));
            }
            if stored.contains(&src) {
                c.stores.push(Spanned::new(data.clone()));
            }
        }
    }
    for i in 0..d.system.components.len() {
        if d.system.components[i].zone.value.is_empty() {
            let z = d.unspecified_zone();
            d.system.components[i].zone = Spanned::new(z);
        }
    }
    let components: HashMap<String, String> = d.components.clone();
    for i in items.iter().filter(|i| kind_of(i) == "dataflow") {
        let subject = format!("dataflow \"{}\"", i.name);
        let ends = [i.prop("dataflow:source"), i.prop("dataflow:destination")]
            .map(|e| e.and_then(|e| components.get(e).cloned()));
        let [Some(from), Some(to)] = ends else {
            d.report.not_mapped(
                &subject,
                "its source or destination is no component of the model",
                i.pos(),
            );
            continue;
        };
        let id = d.flow_id(&i.name, &i.name, i.pos());
        let protocol = d.protocol(
            &subject,
            &format!("{} {}", i.name, i.props_all("tag").join(" ")),
            i.pos(),
        );
        if i.prop("dataflow:isBidirectional") == Some("true") {
            d.report.guessed(&subject, "bidirectional: one flow from source to destination (a riskfirst flow carries data both ways)", i.pos());
        }
        let data = i
            .props_all("dataflow:data")
            .iter()
            .filter_map(|a| d.data.get(a).cloned())
            .map(Spanned::new)
            .collect();
        let flow = Flow {
            id: Spanned::new(id),
            from: Spanned::new(from),
            to: Spanned::new(to),
            protocol: Spanned::new(protocol),
            description: text(i.node, "description"),
            data,
            tags: i.props_all("tag"),
            ..Flow::default()
        };
        d.push_flow(flow, &subject, i.pos());
    }
    for i in items.iter().filter(|i| kind_of(i) == "diagram") {
        d.report.not_mapped(
            format!("diagram \"{}\"", i.name),
            "its size and shapes: riskfirst draws its own diagrams (`riskfirst diagram`)",
            i.pos(),
        );
    }
    Ok(d.finish())
}
