//! Open Threat Model (OTM 0.1 and 0.2, JSON or YAML): import, and export of OTM 0.2.
//!
//! An OTM file is one project: it becomes one system. An OTM file that riskfirst wrote
//! carries the whole estate: each element's riskfirst fields in its `attributes`
//! (`riskfirst`, and `riskfirst-system` for the system it belongs to), the root and the
//! system headers in the project's, so riskfirst → OTM → riskfirst gives back the same
//! estate; the native fields an OTM tool edits (names, descriptions, types, trust zones,
//! trust ratings, flow ends) win over the attributes when they differ.

use std::collections::HashMap;

use riskfirst_model::format::*;
use riskfirst_model::node::{Node, Value};
use riskfirst_model::Spanned;
use serde_json::{json, Map, Value as J};

use crate::build::{append, classification_of, slug, stride_of, threat_status, Draft};
use crate::read::{self, get, list, pos, text, texts};
use crate::{ExportError, ImportError, ImportOptions, Imported, Input};

const FORMAT: &str = "otm";
/// The attribute holding an element's riskfirst fields.
const ATTR: &str = "riskfirst";
/// The attribute naming the system an element belongs to (`estate` for the root's).
const ATTR_SYSTEM: &str = "riskfirst-system";

pub fn detect(input: &Input) -> bool {
    let head = crate::head(input);
    head.contains("otmVersion")
}

pub fn import(input: &Input, options: &ImportOptions) -> Result<Imported, ImportError> {
    let tree = read::document(input.bytes, "OTM", "an OTM file")?;
    let version = text(&tree, "otmVersion").ok_or_else(|| {
        ImportError::new("not an OTM file: `otmVersion` is missing")
            .at(pos(&tree))
            .hint("an OTM file starts with `otmVersion: 0.2.0`")
    })?;
    if !(version.starts_with("0.1") || version.starts_with("0.2")) {
        return Err(ImportError::new(format!(
            "OTM version {version} is not supported: riskfirst reads 0.1 and 0.2"
        ))
        .at(get(&tree, "otmVersion").and_then(pos)));
    }
    let project = get(&tree, "project").ok_or_else(|| {
        ImportError::new("OTM: `project` is missing")
            .at(pos(&tree))
            .hint("OTM requires `project: { name, id }`")
    })?;
    if let Some(estate) = get(project, "attributes").and_then(|a| get(a, ATTR)) {
        return riskfirst_estate(&tree, project, estate);
    }
    Ok(foreign(&tree, project, options))
}

// ---------------------------------------------------------------------------
// Import of any OTM file
// ---------------------------------------------------------------------------

fn foreign(tree: &Node, project: &Node, options: &ImportOptions) -> Imported {
    let name = text(project, "name").unwrap_or_default();
    let id = text(project, "id").unwrap_or_else(|| name.clone());
    let mut d = Draft::new(FORMAT, &name, &id, &name);
    d.owner = text(project, "owner");
    d.owner_contact = text(project, "ownerContact");
    d.system.system.description = text(project, "description");
    d.system.system.tags = texts(project, "tags");
    d.report.mapped("project", "system");
    not_mapped_keys(&mut d, project, "project.", &["attributes"]);
    for r in list(tree, "representations", &mut d.report, "") {
        d.report.not_mapped(
            format!("representation \"{}\"", text(r, "name").unwrap_or_default()),
            "riskfirst draws its own diagrams (`riskfirst diagram`) and keeps no layout",
            pos(r),
        );
    }

    for z in list(tree, "trustZones", &mut d.report, "") {
        let zid = text(z, "id").unwrap_or_default();
        let zname = text(z, "name").unwrap_or_else(|| zid.clone());
        let trust = get(z, "risk").and_then(|r| read::number(r, "trustRating"));
        let trust = match trust {
            Some(t) => t.round() as i64,
            None => {
                d.report.fill_in(
                    format!("trust zone \"{zname}\""),
                    "no trustRating: trust 50 written; set the zone's trust (0 the internet, 100 the most trusted)",
                    pos(z),
                );
                50
            }
        };
        d.zone(&zid, &zname, trust, pos(z));
        d.report.mapped("trust zones", "zones");
    }

    for a in list(tree, "assets", &mut d.report, "") {
        let aid = text(a, "id").unwrap_or_default();
        let aname = text(a, "name").unwrap_or_else(|| aid.clone());
        let id = d.data_id(&aid, &aname, pos(a));
        let risk = get(a, "risk");
        let conf = risk.and_then(|r| read::number(r, "confidentiality"));
        let classification = match conf {
            Some(c) => {
                let class = classification_of(c);
                d.report.guessed(
                    format!("asset \"{aname}\""),
                    format!(
                        "classification `{}` from confidentiality {c}",
                        class_name(class)
                    ),
                    pos(a),
                );
                class
            }
            None => {
                d.report.fill_in(
                    format!("asset \"{aname}\""),
                    "no confidentiality rating: classification `internal` written; set it",
                    pos(a),
                );
                Classification::Internal
            }
        };
        let mut description = text(a, "description");
        if let Some(r) = risk {
            append_ratings(
                &mut description,
                r,
                &["confidentiality", "integrity", "availability"],
            );
        }
        d.system.data.push(DataAsset {
            id: Spanned::new(id),
            name: aname,
            classification,
            description,
            ..DataAsset::default()
        });
        d.report.mapped("assets", "data assets");
    }

    // Threat references held by components and flows: (OTM threat id, element, state, mitigations).
    let mut refs: Vec<ThreatRef> = Vec::new();
    let mut parents: Vec<(String, String, Option<crate::Pos>)> = Vec::new();
    for c in list(tree, "components", &mut d.report, "") {
        let cid = text(c, "id").unwrap_or_default();
        let cname = text(c, "name").unwrap_or_else(|| cid.clone());
        let subject = format!("component \"{cname}\"");
        let id = d.component_id(&cid, &cname, pos(c));
        let ctype = text(c, "type").unwrap_or_default();
        let tags = texts(c, "tags");
        let words = format!("{ctype} {cname} {}", tags.join(" "));
        let (kind, technology) = d.kind_and_technology(&subject, None, &words, pos(c));
        let parent = get(c, "parent");
        let zone = match parent.and_then(|p| text(p, "trustZone")) {
            Some(z) => z,
            None => {
                if let Some(pc) = parent.and_then(|p| text(p, "component")) {
                    parents.push((id.clone(), pc, pos(c)));
                }
                String::new()
            }
        };
        let assets = get(c, "assets");
        let refs_of = |key: &str| assets.map(|a| texts(a, key)).unwrap_or_default();
        let (processed, stored) = (refs_of("processed"), refs_of("stored"));
        for t in list(c, "threats", &mut d.report, &format!("{subject} ")) {
            refs.push(ThreatRef::read(t, &id));
        }
        let mut component = Component {
            id: Spanned::new(id),
            name: Some(cname.clone()),
            kind,
            technology: Spanned::new(technology),
            zone: Spanned::new(zone),
            description: text(c, "description"),
            tags,
            human_use: kind == ComponentKind::ExternalEntity && ctype.contains("user"),
            ..Component::default()
        };
        for (src, into) in [
            (processed, &mut component.processes),
            (stored, &mut component.stores),
        ] {
            for a in src {
                match d.data.get(&a) {
                    Some(id) => into.push(Spanned::new(id.clone())),
                    None => d.report.not_mapped(
                        format!("{subject} asset `{a}`"),
                        "no asset has this id",
                        pos(c),
                    ),
                }
            }
        }
        d.system.components.push(component);
        d.report.mapped("components", "components");
    }
    resolve_zones(&mut d, &parents);

    for f in list(tree, "dataflows", &mut d.report, "") {
        let fid = text(f, "id").unwrap_or_default();
        let fname = text(f, "name").unwrap_or_else(|| fid.clone());
        let subject = format!("dataflow \"{fname}\"");
        let ends = [text(f, "source"), text(f, "destination")]
            .map(|e| e.map(|e| d.components.get(&e).cloned().ok_or(e)));
        let (from, to) = match ends {
            [Some(Ok(from)), Some(Ok(to))] => (from, to),
            [a, b] => {
                let missing: Vec<String> = [("source", a), ("destination", b)]
                    .into_iter()
                    .filter_map(|(k, e)| match e {
                        None => Some(format!("no {k}")),
                        Some(Err(id)) => Some(format!("{k} `{id}` is no component")),
                        Some(Ok(_)) => None,
                    })
                    .collect();
                d.report.not_mapped(subject, missing.join(", "), pos(f));
                continue;
            }
        };
        let id = d.flow_id(&fid, &fname, pos(f));
        let tags = texts(f, "tags");
        let protocol = d.protocol(&subject, &format!("{fname} {}", tags.join(" ")), pos(f));
        let mut data = Vec::new();
        for a in texts(f, "assets") {
            match d.data.get(&a) {
                Some(id) => data.push(Spanned::new(id.clone())),
                None => d.report.not_mapped(
                    format!("{subject} asset `{a}`"),
                    "no asset has this id",
                    pos(f),
                ),
            }
        }
        if read::boolean(f, "bidirectional") == Some(true) {
            d.report.guessed(
                &subject,
                "bidirectional: one flow from source to destination (a riskfirst flow carries data both ways)",
                pos(f),
            );
        }
        for t in list(f, "threats", &mut d.report, &format!("{subject} ")) {
            refs.push(ThreatRef::read(t, &id));
        }
        let flow = Flow {
            id: Spanned::new(id),
            from: Spanned::new(from),
            to: Spanned::new(to),
            protocol: Spanned::new(protocol),
            description: (fname != fid).then_some(fname.clone()),
            data,
            tags,
            ..Flow::default()
        };
        d.push_flow(flow, &subject, pos(f));
    }

    threats_and_mitigations(&mut d, tree, &refs, options);
    d.finish()
}

/// Components whose parent is another component live in that component's zone.
fn resolve_zones(d: &mut Draft, parents: &[(String, String, Option<crate::Pos>)]) {
    let zone_of_src: HashMap<String, String> = d.zones.clone();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, c) in d.system.components.iter().enumerate() {
        by_id.insert(c.id.value.clone(), i);
    }
    // Map source zone ids to riskfirst ids first.
    for i in 0..d.system.components.len() {
        let z = d.system.components[i].zone.value.clone();
        if z.is_empty() {
            continue;
        }
        let mapped = zone_of_src.get(&z).cloned();
        match mapped {
            Some(id) => d.system.components[i].zone = Spanned::new(id),
            None => {
                let name = d.system.components[i].id.value.clone();
                d.report.not_mapped(
                    format!("component `{name}` trust zone `{z}`"),
                    "no trust zone has this id",
                    None,
                );
                d.system.components[i].zone = Spanned::new(String::new());
            }
        }
    }
    // A parent chain is followed a bounded number of steps, so a cycle ends.
    for (child, parent, at) in parents {
        let mut current = d.components.get(parent).cloned();
        let mut zone = None;
        for _ in 0..=d.system.components.len() {
            let Some(id) = current.take() else { break };
            let Some(&i) = by_id.get(&id) else { break };
            let z = &d.system.components[i].zone.value;
            if !z.is_empty() {
                zone = Some(z.clone());
                break;
            }
            current = parents
                .iter()
                .find(|(c, _, _)| *c == id)
                .and_then(|(_, p, _)| d.components.get(p).cloned());
        }
        match zone {
            Some(z) => {
                if let Some(&i) = by_id.get(child) {
                    d.system.components[i].zone = Spanned::new(z.clone());
                }
                d.report.guessed(
                    format!("component `{child}`"),
                    format!("zone `{z}` from its parent component `{parent}`"),
                    *at,
                );
            }
            None => d.report.guessed(
                format!("component `{child}`"),
                format!(
                    "parent component `{parent}` is unknown, or part of a cycle with no trust zone"
                ),
                *at,
            ),
        }
    }
    for i in 0..d.system.components.len() {
        if d.system.components[i].zone.value.is_empty() {
            let z = d.unspecified_zone();
            d.system.components[i].zone = Spanned::new(z);
        }
    }
}

/// A threat as a component or flow refers to it.
struct ThreatRef {
    threat: String,
    element: String,
    state: Option<String>,
    mitigations: Vec<(String, Option<String>)>,
    pos: Option<crate::Pos>,
}

impl ThreatRef {
    fn read(node: &Node, element: &str) -> ThreatRef {
        let mitigations = match get(node, "mitigations").map(|m| &m.value) {
            Some(Value::Seq(items)) => items
                .iter()
                .filter_map(|m| Some((text(m, "mitigation")?, text(m, "state"))))
                .collect(),
            _ => Vec::new(),
        };
        ThreatRef {
            threat: text(node, "threat").unwrap_or_default(),
            element: element.to_string(),
            state: text(node, "state"),
            mitigations,
            pos: pos(node),
        }
    }
}

fn threats_and_mitigations(
    d: &mut Draft,
    tree: &Node,
    refs: &[ThreatRef],
    options: &ImportOptions,
) {
    let mut threat_ids: HashMap<String, String> = HashMap::new();
    for t in list(tree, "threats", &mut d.report, "") {
        let tid = text(t, "id").unwrap_or_default();
        let tname = text(t, "name").unwrap_or_else(|| tid.clone());
        let subject = format!("threat \"{tname}\"");
        let uses: Vec<&ThreatRef> = refs.iter().filter(|r| r.threat == tid).collect();
        if uses.is_empty() {
            d.report.not_mapped(
                &subject,
                "no component or dataflow refers to it, and a riskfirst threat concerns elements",
                pos(t),
            );
            continue;
        }
        let categories = texts(t, "categories");
        let stride = categories.iter().find_map(|c| stride_of(c));
        let stride = match stride {
            Some(s) => {
                if categories.len() > 1 {
                    d.report.guessed(
                        &subject,
                        format!(
                            "STRIDE `{}`, the first of the categories {}",
                            s.name(),
                            categories.join(", ")
                        ),
                        pos(t),
                    );
                }
                s
            }
            None => {
                d.report.fill_in(
                    &subject,
                    format!(
                        "no STRIDE category among [{}]: `tampering` written; set it",
                        categories.join(", ")
                    ),
                    pos(t),
                );
                Stride::Tampering
            }
        };
        let mut description = text(t, "description");
        if let Some(r) = get(t, "risk") {
            append_ratings(&mut description, r, &["likelihood", "impact"]);
        }
        let cwes = texts(t, "cwes");
        if !cwes.is_empty() {
            append(&mut description, &format!("CWE: {}.", cwes.join(", ")));
        }
        // The most open state wins: one element still exposed keeps the threat open.
        let states: Vec<ThreatStatus> = uses
            .iter()
            .map(|r| r.state.as_deref().and_then(otm_state).unwrap_or_default())
            .collect();
        let status = states.iter().copied().min().unwrap_or_default();
        let id = d.threat_id(&tid, &tname, pos(t));
        threat_ids.insert(tid.clone(), id.clone());
        let mut entry = ThreatEntry {
            id: Spanned::new(id),
            status: Spanned::new(status),
            title: Some(tname.clone()),
            description,
            stride: Some(stride),
            elements: uses
                .iter()
                .map(|r| Spanned::new(r.element.clone()))
                .collect(),
            ..ThreatEntry::default()
        };
        crate::build::complete_decision(d, &mut entry, &subject, options, uses[0].pos);
        d.system.threats.push(entry);
        d.report.mapped("threats", "hand-written threats");
    }
    for r in refs {
        if !threat_ids.contains_key(&r.threat) {
            d.report.not_mapped(
                format!("threat reference `{}` on `{}`", r.threat, r.element),
                "no threat has this id",
                r.pos,
            );
        }
    }
    for m in list(tree, "mitigations", &mut d.report, "") {
        let mid = text(m, "id").unwrap_or_default();
        let mname = text(m, "name").unwrap_or_else(|| mid.clone());
        let subject = format!("mitigation \"{mname}\"");
        let links: Vec<(&ThreatRef, Option<&String>)> = refs
            .iter()
            .flat_map(|r| {
                r.mitigations
                    .iter()
                    .filter(|(id, _)| *id == mid)
                    .map(move |(_, s)| (r, s.as_ref()))
            })
            .collect();
        let mut threats: Vec<Spanned<String>> = links
            .iter()
            .filter_map(|(r, _)| threat_ids.get(&r.threat).cloned())
            .map(Spanned::new)
            .collect();
        threats.dedup();
        if threats.is_empty() {
            d.report.not_mapped(
                &subject,
                "no threat of a component or dataflow names it, so it mitigates nothing",
                pos(m),
            );
            continue;
        }
        let implemented = links
            .iter()
            .any(|(_, s)| s.is_some_and(|s| s.eq_ignore_ascii_case("implemented")));
        let status = if implemented {
            ControlStatus::Implemented
        } else {
            ControlStatus::Planned
        };
        let effectiveness = match read::number(m, "riskReduction") {
            Some(r) => (r / 100.0).clamp(0.0, 1.0),
            None => {
                d.report.fill_in(
                    &subject,
                    "no riskReduction: effectiveness 0.5 written; set it",
                    pos(m),
                );
                0.5
            }
        };
        let id = d.control_id(&mid, &mname, pos(m));
        let owner = d.system.system.owner.clone();
        d.system.controls.push(Control {
            id: Spanned::new(id),
            title: mname,
            description: text(m, "description"),
            owner,
            status: Spanned::new(status),
            mitigates: vec![Mitigation {
                threats,
                effectiveness: Spanned::new(Estimate::Point(effectiveness)),
                ..Mitigation::default()
            }],
            ..Control::default()
        });
        d.report.mapped("mitigations", "controls");
    }
}

fn otm_state(s: &str) -> Option<ThreatStatus> {
    match s.to_ascii_lowercase().as_str() {
        "exposed" | "not-mitigated" | "required" => Some(ThreatStatus::Open),
        "not exposed" | "not-exposed" | "notexposed" => Some(ThreatStatus::NotApplicable),
        other => threat_status(other),
    }
}

fn class_name(c: Classification) -> &'static str {
    match c {
        Classification::Public => "public",
        Classification::Internal => "internal",
        Classification::Confidential => "confidential",
        Classification::Restricted => "restricted",
    }
}

/// Keeps the source's own ratings, in the description, beside riskfirst's money.
fn append_ratings(description: &mut Option<String>, risk: &Node, keys: &[&str]) {
    let ratings: Vec<String> = keys
        .iter()
        .filter_map(|k| read::number(risk, k).map(|v| format!("{k} {v}")))
        .collect();
    if !ratings.is_empty() {
        append(description, &format!("OTM rating: {}.", ratings.join(", ")));
    }
}

/// Reports the keys of `node` that the import does not read.
fn not_mapped_keys(d: &mut Draft, node: &Node, prefix: &str, keys: &[&str]) {
    for key in keys {
        if let Some(v) = get(node, key) {
            d.report.not_mapped(
                format!("{prefix}{key}"),
                "riskfirst has no place for it",
                pos(v),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Import of an OTM file that riskfirst wrote
// ---------------------------------------------------------------------------

fn riskfirst_estate(tree: &Node, project: &Node, estate: &Node) -> Result<Imported, ImportError> {
    let bad = |what: &str, node: &Node, e: serde_json::Error| {
        ImportError::new(format!("OTM: the riskfirst attributes of {what} do not read: {e}"))
            .at(pos(node))
            .hint("the file was written by riskfirst and edited since; restore the `riskfirst` attribute or delete it to import the file as any OTM")
    };
    let mut report = crate::ImportReport::new(FORMAT);
    let root_node = get(estate, "root").unwrap_or(estate);
    let mut root_json = read::to_json(root_node);
    if let (Some(name), J::Object(o)) = (text(project, "name"), &mut root_json) {
        if let Some(J::Object(org)) = o.get_mut("organisation") {
            org.insert("name".into(), J::String(name));
        }
    }
    let mut root: RootFile =
        serde_json::from_value(root_json).map_err(|e| bad("the project", root_node, e))?;
    root.zones.clear();
    report.mapped("project", "estate root");
    let mut systems: Vec<SystemFile> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    if let Some(Node {
        value: Value::Seq(items),
        ..
    }) = get(estate, "systems")
    {
        for s in items {
            let file: SystemFile =
                serde_json::from_value(read::to_json(s)).map_err(|e| bad("a system", s, e))?;
            index.insert(file.system.id.value.clone(), systems.len());
            systems.push(file);
            report.mapped("project systems", "systems");
        }
    }
    // Trust zones: id `system/zone` for a system's, plain for the estate's.
    let mut zone_local: HashMap<String, String> = HashMap::new();
    for z in list(tree, "trustZones", &mut report, "") {
        let Some((owner, mut zone)) = element::<Zone>(z, &mut report, "trust zone")? else {
            continue;
        };
        let otm_id = text(z, "id").unwrap_or_default();
        if let Some(n) = read::raw(z, "name") {
            if n != zone.id.value || zone.name.is_some() {
                zone.name = Some(n);
            }
        }
        zone.description = read::raw(z, "description").or(zone.description);
        if let Some(t) = get(z, "risk").and_then(|r| read::number(r, "trustRating")) {
            zone.trust = Spanned::new((t.round() as i64).clamp(0, 100));
        }
        zone_local.insert(otm_id, zone.id.value.clone());
        match owner.as_deref().and_then(|o| index.get(o)) {
            Some(&i) => systems[i].zones.push(zone),
            None => root.zones.push(zone),
        }
        report.mapped("trust zones", "zones");
    }
    for c in list(tree, "components", &mut report, "") {
        let Some((owner, mut comp)) = element::<Component>(c, &mut report, "component")? else {
            continue;
        };
        let Some(i) = system_of(&owner, &index, &mut report, "component", &comp.id, c) else {
            continue;
        };
        if let Some(n) = read::raw(c, "name") {
            if n != comp.id.value || comp.name.is_some() {
                comp.name = Some(n);
            }
        }
        comp.description = read::raw(c, "description").or(comp.description);
        if let Some(t) = read::raw(c, "type") {
            comp.technology = Spanned::new(t);
        }
        if let Some(z) = get(c, "parent").and_then(|p| text(p, "trustZone")) {
            if let Some(local) = zone_local.get(&z) {
                comp.zone = Spanned::new(local.clone());
            }
        }
        systems[i].components.push(comp);
        report.mapped("components", "components");
    }
    let mut flows = 0;
    for f in list(tree, "dataflows", &mut report, "") {
        let Some((owner, mut flow)) = element::<Flow>(f, &mut report, "dataflow")? else {
            continue;
        };
        let Some(i) = system_of(&owner, &index, &mut report, "dataflow", &flow.id, f) else {
            continue;
        };
        let sys = systems[i].system.id.value.clone();
        for (key, end) in [("source", &mut flow.from), ("destination", &mut flow.to)] {
            if let Some(e) = text(f, key) {
                let local = e.strip_prefix(&format!("{sys}/")).unwrap_or(&e).to_string();
                if local != end.value && e != end.value {
                    *end = Spanned::new(local);
                }
            }
        }
        systems[i].flows.push(flow);
        flows += 1;
    }
    if flows > 0 {
        *report
            .mapped
            .entry(("dataflows".into(), "flows".into()))
            .or_default() += flows;
    }
    for a in list(tree, "assets", &mut report, "") {
        let Some((owner, mut data)) = element::<DataAsset>(a, &mut report, "asset")? else {
            continue;
        };
        let Some(&i) = owner.as_deref().and_then(|o| index.get(o)) else {
            continue;
        };
        if let Some(n) = read::raw(a, "name") {
            data.name = n;
        }
        data.description = read::raw(a, "description").or(data.description);
        systems[i].data.push(data);
        report.mapped("assets", "data assets");
    }
    for t in list(tree, "threats", &mut report, "") {
        let Some((owner, entry)) = element::<ThreatEntry>(t, &mut report, "threat")? else {
            continue;
        };
        let Some(&i) = owner.as_deref().and_then(|o| index.get(o)) else {
            continue;
        };
        systems[i].threats.push(entry);
        report.mapped("threats", "threats and decisions");
    }
    for m in list(tree, "mitigations", &mut report, "") {
        let Some((owner, control)) = element::<Control>(m, &mut report, "mitigation")? else {
            continue;
        };
        match owner.as_deref().and_then(|o| index.get(o)) {
            Some(&i) => systems[i].controls.push(control),
            None => root.controls.push(control),
        }
        report.mapped("mitigations", "controls");
    }
    Ok(Imported {
        root,
        systems,
        report,
    })
}

/// The index of the system an element belongs to; an unknown one is reported.
fn system_of(
    owner: &Option<String>,
    index: &HashMap<String, usize>,
    report: &mut crate::ImportReport,
    what: &str,
    id: &str,
    node: &Node,
) -> Option<usize> {
    let i = owner.as_deref().and_then(|o| index.get(o)).copied();
    if i.is_none() {
        report.not_mapped(
            format!("{what} `{id}`"),
            "its system is not in the project",
            pos(node),
        );
    }
    i
}

/// The riskfirst value an element's attributes hold, and the system it belongs to;
/// `None` (reported) for an element without them, such as one added in an OTM tool.
fn element<T: serde::de::DeserializeOwned>(
    node: &Node,
    report: &mut crate::ImportReport,
    what: &str,
) -> Result<Option<(Option<String>, T)>, ImportError> {
    let attrs = get(node, "attributes");
    let Some(value) = attrs.and_then(|a| get(a, ATTR)) else {
        report.not_mapped(
            format!("{what} \"{}\"", text(node, "name").or_else(|| text(node, "id")).unwrap_or_default()),
            "added after riskfirst wrote the file: it has no riskfirst attributes; add it to the estate by hand",
            pos(node),
        );
        return Ok(None);
    };
    let owner = attrs
        .and_then(|a| text(a, ATTR_SYSTEM))
        .filter(|s| s != "estate");
    let parsed = serde_json::from_value(read::to_json(value)).map_err(|e| {
        ImportError::new(format!(
            "OTM: the riskfirst attributes of {what} `{}` do not read: {e}",
            text(node, "id").unwrap_or_default()
        ))
        .at(pos(value))
    })?;
    Ok(Some((owner, parsed)))
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// The registry's export: the estate's files as one OTM project (OTM holds no analysis).
pub fn export_estate(e: &crate::Export) -> Result<Vec<u8>, ExportError> {
    export(e.root, e.systems)
}

/// The estate as one OTM 0.2 project (JSON).
pub fn export(root: &RootFile, systems: &[SystemFile]) -> Result<Vec<u8>, ExportError> {
    let mut root_json = to_value(root);
    if let J::Object(o) = &mut root_json {
        o.remove("zones");
        o.remove("controls");
    }
    let headers: Vec<J> = systems
        .iter()
        .map(|s| {
            let mut v = to_value(&SystemFile {
                riskfirst: s.riskfirst.clone(),
                system: s.system.clone(),
                uses: s.uses.clone(),
                assumptions: s.assumptions.clone(),
                ..SystemFile::default()
            });
            if let J::Object(o) = &mut v {
                o.remove("riskfirst");
                o.insert("riskfirst".into(), json!(s.riskfirst.value));
            }
            v
        })
        .collect();
    let org = &root.organisation;
    let mut project = Map::new();
    project.insert("name".into(), json!(org.name.value));
    project.insert(
        "id".into(),
        json!(nonempty(slug(&org.name.value), "estate")),
    );
    if let Some(d) = &org.description {
        project.insert("description".into(), json!(d));
    }
    project.insert(
        "attributes".into(),
        json!({ ATTR: { "root": root_json, "systems": headers } }),
    );

    let mut zones = Vec::new();
    for z in &root.zones {
        zones.push(zone_json(z, z.id.value.clone(), "estate"));
    }
    let (mut components, mut flows, mut assets, mut threats, mut mitigations) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for c in &root.controls {
        mitigations.push(control_json(c, c.id.value.clone(), "estate"));
    }
    for s in systems {
        let sys = s.system.id.value.as_str();
        let q = |id: &str| format!("{sys}/{id}");
        let own_zone = |z: &str| s.zones.iter().any(|x| x.id.value == z);
        for z in &s.zones {
            zones.push(zone_json(z, q(&z.id), sys));
        }
        for d in &s.data {
            let c = confidentiality(d.classification);
            assets.push(json!({
                "name": d.name,
                "id": q(&d.id),
                "description": d.description,
                "risk": { "confidentiality": c, "integrity": c, "availability": 50 },
                "attributes": attrs(d, sys),
            }));
        }
        let data_ref = |r: &str| if r.contains('/') { r.to_string() } else { q(r) };
        // The hand-written threats that concern an element, as OTM threat references.
        let threats_of = |id: &str| -> Vec<J> {
            s.threats
                .iter()
                .filter(|t| t.title.is_some() && t.elements.iter().any(|e| e.value == id))
                .map(|t| json!({ "threat": q(&t.id), "state": otm_state_of(t.status.value) }))
                .collect()
        };
        let comp_ref = |r: &str| if r.contains('/') { r.to_string() } else { q(r) };
        for c in &s.components {
            let zone = if own_zone(&c.zone) {
                q(&c.zone)
            } else {
                c.zone.value.clone()
            };
            let element_threats = threats_of(&c.id);
            components.push(json!({
                "name": c.name.clone().unwrap_or_else(|| c.id.value.clone()),
                "id": q(&c.id),
                "description": c.description,
                "parent": { "trustZone": zone },
                "type": c.technology.value,
                "tags": c.tags,
                "assets": {
                    "processed": c.processes.iter().map(|r| data_ref(r)).collect::<Vec<_>>(),
                    "stored": c.stores.iter().map(|r| data_ref(r)).collect::<Vec<_>>(),
                },
                "threats": element_threats,
                "attributes": attrs(c, sys),
            }));
        }
        for f in &s.flows {
            let element_threats = threats_of(&f.id);
            flows.push(json!({
                "name": f.description.clone().unwrap_or_else(|| f.id.value.clone()),
                "id": q(&f.id),
                "bidirectional": false,
                "source": comp_ref(&f.from),
                "destination": comp_ref(&f.to),
                "tags": f.tags,
                "assets": f.data.iter().map(|r| data_ref(r)).collect::<Vec<_>>(),
                "threats": element_threats,
                "attributes": attrs(f, sys),
            }));
        }
        for t in &s.threats {
            let mut threat = json!({
                "name": t.title.clone().unwrap_or_else(|| t.id.value.clone()),
                "id": q(&t.id),
                "categories": t.stride.map(|s| vec![s.name()]).unwrap_or_default(),
                "description": t.description,
                "attributes": attrs(t, sys),
            });
            if t.title.is_none() {
                threat["attributes"]["riskfirst-decision"] = json!(true);
            }
            threats.push(threat);
        }
        for c in &s.controls {
            mitigations.push(control_json(c, q(&c.id), sys));
        }
    }
    let doc = json!({
        "otmVersion": "0.2.0",
        "project": J::Object(project),
        "representations": [],
        "assets": assets,
        "trustZones": zones,
        "components": components,
        "dataflows": flows,
        "threats": threats,
        "mitigations": mitigations,
    });
    Ok(crate::json_bytes(&doc))
}

fn nonempty(s: String, fallback: &str) -> String {
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> J {
    serde_json::to_value(v).unwrap_or(J::Null)
}

fn attrs<T: serde::Serialize>(v: &T, system: &str) -> J {
    json!({ ATTR: to_value(v), ATTR_SYSTEM: system })
}

fn zone_json(z: &Zone, id: String, system: &str) -> J {
    json!({
        "name": z.name.clone().unwrap_or_else(|| z.id.value.clone()),
        "id": id,
        "description": z.description,
        "risk": { "trustRating": z.trust.value },
        "attributes": attrs(z, system),
    })
}

fn control_json(c: &Control, id: String, system: &str) -> J {
    let mean = |e: &Estimate| (e.low() + e.high()) / 2.0;
    let reduction = c
        .mitigates
        .iter()
        .map(|m| mean(&m.effectiveness))
        .fold(0.0_f64, f64::max);
    json!({
        "name": c.title,
        "id": id,
        "description": c.description,
        "riskReduction": (reduction * 100.0).round(),
        "attributes": attrs(c, system),
    })
}

fn confidentiality(c: Classification) -> u32 {
    match c {
        Classification::Public => 0,
        Classification::Internal => 40,
        Classification::Confidential => 75,
        Classification::Restricted => 100,
    }
}

fn otm_state_of(s: ThreatStatus) -> &'static str {
    match s {
        ThreatStatus::Open => "exposed",
        ThreatStatus::Mitigated => "mitigated",
        ThreatStatus::Accepted => "accepted",
        ThreatStatus::Transferred => "transferred",
        ThreatStatus::NotApplicable => "not-applicable",
    }
}
