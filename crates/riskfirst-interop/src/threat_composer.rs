//! AWS Threat Composer (`.tc.json`, schema 1): import and export.
//!
//! Threat Composer holds threat statements in its grammar (source, prerequisites,
//! action, impact, goal, assets), mitigations, assumptions and the links between them,
//! but no architecture: its diagrams are images. An import therefore writes one
//! component for the application, with the impacted assets as its data, and each threat
//! a hand-written threat on it; mitigations become controls of the threats they are
//! linked to. An export writes the hand-written threats as statements with the business
//! impact written in (the business risks they reach and their loss per event), the
//! controls as mitigations and the assumptions, with ids that re-import unchanged.

use std::collections::HashMap;

use riskfirst_model::format::*;
use riskfirst_model::node::{Node, Value};
use riskfirst_model::Spanned;
use serde_json::{json, Value as J};

use crate::build::{append, complete_decision, short, slug, stride_of, Draft};
use crate::read::{self, get, list, pos, text, texts};
use crate::{ExportError, ImportError, ImportOptions, Imported, Input};

const FORMAT: &str = "threat-composer";

pub fn detect(input: &Input) -> bool {
    let head = crate::head(input);
    input.name.ends_with(".tc.json")
        || (head.contains("\"schema\"")
            && (head.contains("\"applicationInfo\"") || head.contains("\"threatSource\"")))
}

/// The text of a metadata entry (`[{key, value}]`), a list value joined by commas.
fn metadata(node: &Node, key: &str) -> Option<String> {
    let Some(Value::Seq(items)) = get(node, "metadata").map(|m| &m.value) else {
        return None;
    };
    let entry = items
        .iter()
        .find(|m| text(m, "key").as_deref() == Some(key))?;
    let values = texts(entry, "value");
    (!values.is_empty()).then(|| values.join(", "))
}

pub fn import(input: &Input, options: &ImportOptions) -> Result<Imported, ImportError> {
    let tree = read::document(input.bytes, "Threat Composer", "a Threat Composer file")?;
    let version = read::number(&tree, "schema").ok_or_else(|| {
        ImportError::new("not a Threat Composer file: `schema` is missing")
            .at(pos(&tree))
            .hint("a Threat Composer export starts with `\"schema\": 1`")
    })?;
    if version != 1.0 {
        return Err(ImportError::new(format!(
            "Threat Composer schema {version} is not supported: riskfirst reads schema 1"
        ))
        .at(get(&tree, "schema").and_then(pos)));
    }
    let info = get(&tree, "applicationInfo");
    let name = info
        .and_then(|i| text(i, "name"))
        .unwrap_or_else(|| "Application".into());
    let mut d = Draft::new(FORMAT, &name, &name, &name);
    d.system.system.description = info.and_then(|i| text(i, "description"));
    d.report.mapped("application", "system");
    for key in ["architecture", "dataflow"] {
        if let Some(n) = get(&tree, key) {
            if let Some(t) = text(n, "description") {
                append(&mut d.system.system.description, &t);
            }
            d.report.not_mapped(
                key,
                "a picture: riskfirst models components and flows, which the picture does not give; its description is kept in the system's",
                pos(n),
            );
        }
    }
    if let Some(n) = get(&tree, "brainstorm") {
        d.report
            .not_mapped("brainstorm", "notes not yet made threats", pos(n));
    }
    let zone = d.zone("application", "Application", 50, None);
    d.report.fill_in(
        format!("zone `{zone}`"),
        "Threat Composer has no trust boundaries: trust 50 written; split the application into its zones",
        None,
    );
    let app = d.component_id(&slug(&name), &name, None);
    let (kind, technology) = d.kind_and_technology(
        &format!("component `{app}`"),
        Some(ComponentKind::Process),
        &format!(
            "{name} {}",
            d.system.system.description.clone().unwrap_or_default()
        ),
        None,
    );
    d.report.fill_in(
        format!("component `{app}`"),
        "one component stands for the whole application, since Threat Composer has no architecture elements: model its components and flows",
        None,
    );
    let mut component = Component {
        id: Spanned::new(app.clone()),
        name: Some(name.clone()),
        kind,
        technology: Spanned::new(technology),
        zone: Spanned::new(zone),
        ..Component::default()
    };

    let assumptions = assumptions(&mut d, &tree);
    let threat_nodes = list(&tree, "threats", &mut d.report, "");
    let mut threat_ids: HashMap<String, String> = HashMap::new();
    for t in threat_nodes {
        for asset in texts(t, "impactedAssets") {
            let key = slug(&asset);
            if key.is_empty() || d.data.contains_key(&key) {
                continue;
            }
            let id = d.data_id(&key, &asset, pos(t));
            d.system.data.push(DataAsset {
                id: Spanned::new(id.clone()),
                name: asset.clone(),
                classification: Classification::Internal,
                ..DataAsset::default()
            });
            d.report.fill_in(
                format!("data asset `{id}`"),
                "an impacted asset, processed by the application: classification `internal` written; set it",
                pos(t),
            );
            component.processes.push(Spanned::new(id));
        }
    }
    d.system.components.push(component);
    for t in threat_nodes {
        let at = pos(t);
        let tid = text(t, "id").unwrap_or_default();
        let title = text(t, "statement").unwrap_or_else(|| statement_of(t));
        let subject = format!(
            "threat {}",
            text(t, "numericId").unwrap_or_else(|| tid.clone())
        );
        let stride = threat_stride(&mut d, t, &subject);
        let status = match text(t, "status").as_deref() {
            Some("threatResolved") => ThreatStatus::Mitigated,
            Some("threatResolvedNotUseful") => ThreatStatus::NotApplicable,
            _ => ThreatStatus::Open,
        };
        let mut description = None;
        if let Some(p) = metadata(t, "Priority") {
            append(&mut description, &format!("Threat Composer priority: {p}."));
        }
        if let Some(c) = metadata(t, "Comments") {
            append(&mut description, &c);
        }
        let tags = texts(t, "tags");
        if !tags.is_empty() {
            append(&mut description, &format!("Tags: {}.", tags.join(", ")));
        }
        let rests_on: Vec<String> = assumption_links(&tree, &tid, "Threat")
            .filter_map(|a| assumptions.get(&a).cloned())
            .collect();
        if !rests_on.is_empty() {
            append(
                &mut description,
                &format!("Rests on the assumptions {}.", rests_on.join(", ")),
            );
        }
        let id = d.threat_id(&tid, &title, at);
        threat_ids.insert(tid, id.clone());
        let mut entry = ThreatEntry {
            id: Spanned::new(id),
            status: Spanned::new(status),
            title: Some(title),
            description,
            stride: Some(stride),
            elements: vec![Spanned::new(app.clone())],
            ..ThreatEntry::default()
        };
        complete_decision(&mut d, &mut entry, &subject, options, at);
        d.system.threats.push(entry);
        d.report.mapped("threats", "hand-written threats");
    }
    mitigations(&mut d, &tree, &threat_ids);
    Ok(d.finish())
}

/// A statement from the grammar's parts, for threats without one.
fn statement_of(t: &Node) -> String {
    let part = |k: &str| text(t, k).unwrap_or_default();
    let mut s = format!(
        "A {} {} can {}",
        part("threatSource"),
        part("prerequisites"),
        part("threatAction")
    );
    if let Some(i) = text(t, "threatImpact") {
        s.push_str(&format!(", which leads to {i}"));
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn threat_stride(d: &mut Draft, t: &Node, subject: &str) -> Stride {
    let letters: Vec<String> = metadata(t, "STRIDE")
        .map(|s| s.split(", ").map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(s) = letters.iter().find_map(|l| stride_of(l)) {
        if letters.len() > 1 {
            d.report.guessed(
                subject,
                format!("STRIDE `{}`, the first of {}", s.name(), letters.join(", ")),
                pos(t),
            );
        }
        return s;
    }
    let goals = texts(t, "impactedGoal").join(" ").to_ascii_lowercase();
    let guess = if goals.contains("confidential") {
        Some(Stride::InformationDisclosure)
    } else if goals.contains("integrity") {
        Some(Stride::Tampering)
    } else if goals.contains("availab") {
        Some(Stride::DenialOfService)
    } else {
        None
    };
    match guess {
        Some(s) => {
            d.report.guessed(
                subject,
                format!("STRIDE `{}` from the impacted goal \"{goals}\"", s.name()),
                pos(t),
            );
            s
        }
        None => {
            d.report.fill_in(
                subject,
                "no STRIDE and no impacted goal: `tampering` written; set it",
                pos(t),
            );
            Stride::Tampering
        }
    }
}

/// The assumptions linked to `id` (of a threat or a mitigation).
fn assumption_links<'a>(
    tree: &'a Node,
    id: &'a str,
    kind: &'a str,
) -> impl Iterator<Item = String> + 'a {
    let links: &[Node] = match get(tree, "assumptionLinks").map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    };
    links.iter().filter_map(move |l| {
        (text(l, "linkedId").as_deref() == Some(id) && text(l, "type").as_deref() == Some(kind))
            .then(|| text(l, "assumptionId"))
            .flatten()
    })
}

/// Source id → riskfirst id of each assumption.
fn assumptions(d: &mut Draft, tree: &Node) -> HashMap<String, String> {
    let mut ids = HashMap::new();
    for a in list(tree, "assumptions", &mut d.report, "") {
        let Some(content) = text(a, "content") else {
            d.report.not_mapped("assumption", "no content", pos(a));
            continue;
        };
        let src = text(a, "id").unwrap_or_default();
        let id = d.assumption_id(&src, &content, pos(a));
        let mut text_ = content;
        if let Some(c) = metadata(a, "Comments") {
            text_.push_str(&format!(" ({c})"));
        }
        d.system.assumptions.push(Assumption {
            id: Spanned::new(id.clone()),
            text: text_,
            owner: None,
        });
        ids.insert(src, id);
        d.report.mapped("assumptions", "assumptions");
    }
    ids
}

fn mitigations(d: &mut Draft, tree: &Node, threat_ids: &HashMap<String, String>) {
    let links: Vec<(String, String)> = list(tree, "mitigationLinks", &mut d.report, "")
        .iter()
        .filter_map(|l| Some((text(l, "mitigationId")?, text(l, "linkedId")?)))
        .collect();
    for m in list(tree, "mitigations", &mut d.report, "") {
        let at = pos(m);
        let mid = text(m, "id").unwrap_or_default();
        let content = text(m, "content").unwrap_or_else(|| mid.clone());
        let subject = format!("mitigation \"{}\"", short(&content));
        let status = match text(m, "status").as_deref() {
            Some("mitigationInProgress") => ControlStatus::InProgress,
            Some("mitigationResolved") => ControlStatus::Implemented,
            Some("mitigationResolvedWillNotAction") => {
                d.report.not_mapped(
                    &subject,
                    "decided not to be done, so it mitigates nothing",
                    at,
                );
                continue;
            }
            _ => ControlStatus::Planned,
        };
        let threats: Vec<Spanned<String>> = links
            .iter()
            .filter(|(mi, _)| *mi == mid)
            .filter_map(|(_, t)| threat_ids.get(t).cloned())
            .map(Spanned::new)
            .collect();
        if threats.is_empty() {
            d.report
                .not_mapped(&subject, "linked to no threat, so it mitigates nothing", at);
            continue;
        }
        let id = d.control_id(&mid, &content, at);
        d.report.fill_in(
            &subject,
            format!("control `{id}` with effectiveness 0.5 written: Threat Composer does not rate mitigations; set it and its cost"),
            at,
        );
        let mut description = metadata(m, "Comments");
        let rests_on: Vec<String> = assumption_links(tree, &mid, "Mitigation").collect();
        if !rests_on.is_empty() {
            append(
                &mut description,
                &format!("Rests on the assumptions {}.", rests_on.join(", ")),
            );
        }
        d.system.controls.push(Control {
            id: Spanned::new(id),
            title: content,
            description,
            status: Spanned::new(status),
            mitigates: vec![Mitigation {
                threats,
                effectiveness: Spanned::new(Estimate::Point(0.5)),
                ..Mitigation::default()
            }],
            ..Control::default()
        });
        d.report.mapped("mitigations", "controls");
    }
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// A UUID-shaped id (v4 layout) that is the same for the same key: Threat Composer needs
/// UUIDs, and an export run twice must give the same file.
pub(crate) fn uuid_of(key: &str) -> String {
    fn fnv(key: &str, seed: u64) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }
    let (a, b) = (fnv(key, 0), fnv(key, 0x9e37_79b9_7f4a_7c15));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The registry's export: with an analysis, the threats riskfirst's rules found are
/// written too, and every threat carries riskfirst's level as its priority.
pub fn export_estate(e: &crate::Export) -> Result<Vec<u8>, ExportError> {
    export_found(e.root, e.systems, e.found)
}

/// The estate's hand-written threats, controls and assumptions as one Threat Composer file.
pub fn export(root: &RootFile, systems: &[SystemFile]) -> Result<Vec<u8>, ExportError> {
    export_found(root, systems, None)
}

/// As [`export`], and with `found` (the analysis) also each rule-found threat as a
/// statement, its business impact (the business risks it reaches with their loss per
/// event) written in, riskfirst's level as `Priority` and its money in `Comments`.
pub fn export_found(
    root: &RootFile,
    systems: &[SystemFile],
    found: Option<&[crate::Found]>,
) -> Result<Vec<u8>, ExportError> {
    let found_of: HashMap<(&str, &str), &crate::Found> = found
        .unwrap_or_default()
        .iter()
        .map(|f| ((f.system.as_str(), f.id.as_str()), f))
        .collect();
    let risks: HashMap<&str, &BusinessRisk> = root
        .business_risks
        .iter()
        .map(|r| (r.id.value.as_str(), r))
        .collect();
    let currency = &root.organisation.currency.value;
    let mut threats = Vec::new();
    let mut mitigations = Vec::new();
    let mut assumptions = Vec::new();
    let mut mitigation_links = Vec::new();
    let mut threat_uuid: HashMap<(String, String), String> = HashMap::new();
    // (system, control id, threat uuid): the controls that act on rule-found threats.
    let mut rule_links: Vec<(String, String, String)> = Vec::new();
    for s in systems {
        let sys = &s.system.id.value;
        let names: HashMap<&str, String> = s
            .components
            .iter()
            .map(|c| {
                (
                    c.id.value.as_str(),
                    c.name.clone().unwrap_or_else(|| c.id.value.clone()),
                )
            })
            .chain(
                s.flows
                    .iter()
                    .map(|f| (f.id.value.as_str(), f.id.value.clone())),
            )
            .collect();
        for a in &s.assumptions {
            let id = if is_uuid(&a.id) {
                a.id.value.clone()
            } else {
                uuid_of(&format!("assumption/{sys}/{}", a.id.value))
            };
            assumptions.push(json!({
                "id": id,
                "numericId": assumptions.len() + 1,
                "displayOrder": assumptions.len() + 1,
                "content": clip(&a.text, 1000),
            }));
        }
        for t in s.threats.iter().filter(|t| t.title.is_some()) {
            let title = t.title.clone().unwrap_or_default();
            let id = if is_uuid(&t.id) {
                t.id.value.clone()
            } else {
                uuid_of(&format!("threat/{sys}/{}", t.id.value))
            };
            threat_uuid.insert((sys.clone(), t.id.value.clone()), id.clone());
            let reached: Vec<String> = if t.business_risks.is_empty() {
                s.system.business_risks.clone()
            } else {
                t.business_risks.clone()
            }
            .iter()
            .filter_map(|r| risks.get(r.value.as_str()))
            .map(|r| {
                format!(
                    "{} ({} to {} {currency} per event)",
                    r.title, r.loss_per_event.low, r.loss_per_event.high
                )
            })
            .collect();
            let impact = if reached.is_empty() {
                "a loss to the business".to_string()
            } else {
                reached.join("; ")
            };
            let goal = goal_of(t.stride);
            let assets: Vec<String> = t
                .elements
                .iter()
                .map(|e| {
                    names
                        .get(e.value.as_str())
                        .cloned()
                        .unwrap_or_else(|| e.value.clone())
                })
                .collect();
            let action = lower_first(&title);
            let statement = format!(
                "A threat actor can {action}, which leads to {impact}, negatively impacting {} of {}",
                goal.join(" and "),
                assets.join(", ")
            );
            let mut metadata = vec![
                json!({ "key": "custom:riskfirst-id", "value": format!("{sys}:{}", t.id.value) }),
            ];
            if let Some(s) = t.stride {
                metadata.push(json!({ "key": "STRIDE", "value": [stride_letter(s)] }));
            }
            if let Some(desc) = &t.description {
                metadata.push(json!({ "key": "Comments", "value": clip(desc, 1000) }));
            }
            metadata.push(json!({ "key": "custom:riskfirst-status", "value": t.status.value }));
            if let Some(f) = found_of.get(&(sys.as_str(), t.id.value.as_str())) {
                metadata.push(json!({ "key": "Priority", "value": f.severity() }));
                metadata
                    .push(json!({ "key": "custom:riskfirst-level", "value": f.money(currency) }));
            }
            threats.push(json!({
                "id": id,
                "numericId": threats.len() + 1,
                "displayOrder": threats.len() + 1,
                "metadata": metadata,
                "threatSource": "threat actor",
                "prerequisites": "",
                "threatAction": clip(&action, 200),
                "threatImpact": clip(&impact, 200),
                "impactedGoal": goal,
                "impactedAssets": assets.iter().map(|a| clip(a, 200)).collect::<Vec<_>>(),
                "statement": statement,
                "status": tc_status(t.status.value),
            }));
        }
        for f in found
            .unwrap_or_default()
            .iter()
            .filter(|f| f.rule.is_some() && &f.system == sys)
        {
            let id = uuid_of(&format!("threat/{sys}/{}", f.id));
            threat_uuid.insert((sys.clone(), f.id.clone()), id.clone());
            for c in &f.controls {
                rule_links.push((sys.clone(), c.clone(), id.clone()));
            }
            let impact = if f.impact.is_empty() {
                "a loss to the business".to_string()
            } else {
                f.impact.clone()
            };
            let goal = goal_of(Some(f.stride));
            let assets: Vec<String> = f
                .elements
                .iter()
                .map(|e| names.get(e.as_str()).cloned().unwrap_or_else(|| e.clone()))
                .collect();
            let action = lower_first(&f.title);
            let statement = format!(
                "A threat actor can {action}, which leads to {impact}, negatively impacting {} of {}",
                goal.join(" and "),
                assets.join(", ")
            );
            let comments = format!("{} {} {}", f.description, f.money(currency), f.mitigation);
            let metadata = vec![
                json!({ "key": "custom:riskfirst-id", "value": format!("{sys}:{}", f.id) }),
                json!({ "key": "custom:riskfirst-rule", "value": f.rule }),
                json!({ "key": "STRIDE", "value": [stride_letter(f.stride)] }),
                json!({ "key": "Priority", "value": f.severity() }),
                json!({ "key": "Comments", "value": clip(comments.trim(), 1000) }),
                json!({ "key": "custom:riskfirst-status", "value": f.status }),
            ];
            threats.push(json!({
                "id": id,
                "numericId": threats.len() + 1,
                "displayOrder": threats.len() + 1,
                "metadata": metadata,
                "threatSource": "threat actor",
                "prerequisites": "",
                "threatAction": clip(&action, 200),
                "threatImpact": clip(&impact, 200),
                "impactedGoal": goal,
                "impactedAssets": assets.iter().map(|a| clip(a, 200)).collect::<Vec<_>>(),
                "statement": statement,
                "status": tc_status(f.status),
            }));
        }
    }
    let all_controls = root
        .controls
        .iter()
        .map(|c| (None, c))
        .chain(systems.iter().flat_map(|s| {
            s.controls
                .iter()
                .map(move |c| (Some(&s.system.id.value), c))
        }));
    for (sys, c) in all_controls {
        let key = format!(
            "control/{}/{}",
            sys.map_or("estate", |s| s.as_str()),
            c.id.value
        );
        let id = if is_uuid(&c.id) {
            c.id.value.clone()
        } else {
            uuid_of(&key)
        };
        let mut linked: Vec<&String> = c
            .mitigates
            .iter()
            .flat_map(|m| &m.threats)
            .filter_map(|t| {
                let (s, t) = match (sys, t.value.split_once(':')) {
                    (_, Some((s, t))) => (s.to_string(), t.to_string()),
                    (Some(s), None) => (s.clone(), t.value.clone()),
                    (None, None) => return None,
                };
                threat_uuid.get(&(s, t))
            })
            .collect();
        for (s, control, threat) in &rule_links {
            if control == &c.id.value && sys.is_none_or(|own| own == s) && !linked.contains(&threat)
            {
                linked.push(threat);
            }
        }
        if linked.is_empty() {
            continue;
        }
        for t in linked {
            mitigation_links.push(json!({ "mitigationId": id, "linkedId": t }));
        }
        let mut metadata = vec![json!({ "key": "custom:riskfirst-id", "value": c.id.value })];
        if let Some(desc) = &c.description {
            metadata.push(json!({ "key": "Comments", "value": clip(desc, 1000) }));
        }
        mitigations.push(json!({
            "id": id,
            "numericId": mitigations.len() + 1,
            "displayOrder": mitigations.len() + 1,
            "metadata": metadata,
            "content": clip(&c.title, 1000),
            "status": match c.status.value {
                ControlStatus::Planned => "mitigationIdentified",
                ControlStatus::InProgress => "mitigationInProgress",
                ControlStatus::Implemented | ControlStatus::Verified => "mitigationResolved",
            },
        }));
    }
    let mut info = serde_json::Map::new();
    info.insert(
        "name".into(),
        J::String(clip(&root.organisation.name.value, 200)),
    );
    if let Some(d) = &root.organisation.description {
        info.insert("description".into(), J::String(clip(d, 100_000)));
    }
    let doc = json!({
        "schema": 1,
        "applicationInfo": J::Object(info),
        "assumptions": assumptions,
        "mitigations": mitigations,
        "assumptionLinks": [],
        "mitigationLinks": mitigation_links,
        "threats": threats,
    });
    Ok(crate::json_bytes(&doc))
}

/// The security goal a STRIDE category harms, in Threat Composer's words.
fn goal_of(stride: Option<Stride>) -> Vec<&'static str> {
    match stride {
        Some(Stride::InformationDisclosure) => vec!["confidentiality"],
        Some(Stride::Tampering) | Some(Stride::Repudiation) => vec!["integrity"],
        Some(Stride::DenialOfService) => vec!["availability"],
        _ => vec!["confidentiality", "integrity"],
    }
}

fn tc_status(s: ThreatStatus) -> &'static str {
    match s {
        ThreatStatus::Open => "threatIdentified",
        ThreatStatus::NotApplicable => "threatResolvedNotUseful",
        _ => "threatResolved",
    }
}

fn lower_first(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn stride_letter(s: Stride) -> &'static str {
    match s {
        Stride::Spoofing => "S",
        Stride::Tampering => "T",
        Stride::Repudiation => "R",
        Stride::InformationDisclosure => "I",
        Stride::DenialOfService => "D",
        Stride::ElevationOfPrivilege => "E",
    }
}
