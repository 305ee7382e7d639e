//! Threat Dragon v2 export: every system of the demo is written with the threats of the
//! analysis (rule-found ones too) in Threat Dragon's threat shape, in the structure of the
//! corpus models, and imports back to the same system; edits made in Threat Dragon win.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use riskfirst_interop::{threat_dragon, Export, Found, Input};
use riskfirst_model::format::{RootFile, SystemFile, ThreatStatus};
use serde_json::Value as J;

fn export(
    root: &RootFile,
    systems: &[SystemFile],
    system: &str,
    found: Option<&[Found]>,
) -> Vec<u8> {
    threat_dragon::export(&Export {
        root,
        systems,
        system: Some(system),
        found,
        drawing: None,
    })
    .unwrap_or_else(|e| panic!("{system} exports: {e}"))
}

fn import(bytes: &[u8]) -> riskfirst_interop::Imported {
    threat_dragon::import(
        &Input {
            name: "model.json",
            bytes,
        },
        &common::options(),
    )
    .unwrap_or_else(|e| panic!("the export imports: {e} at {:?} ({:?})", e.pos, e.hint))
}

fn cells(doc: &J) -> Vec<&J> {
    doc["detail"]["diagrams"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["cells"].as_array().unwrap())
        .collect()
}

fn threats(doc: &J) -> Vec<&J> {
    cells(doc)
        .into_iter()
        .flat_map(|c| c["data"]["threats"].as_array().into_iter().flatten())
        .collect()
}

/// The JSON type of a value, for comparing structures.
fn kind(v: &J) -> &'static str {
    match v {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

/// Keys of a JSON object (`data.name` for those under `data`) and their JSON types.
type Keys = BTreeMap<String, &'static str>;

/// For each shape of the corpus models, the keys every cell of that shape has (at the top
/// and in `data`), with their JSON types; and the keys and types every threat has.
fn corpus_structure() -> Option<(BTreeMap<String, Keys>, Keys)> {
    let dir = common::corpus("interop")?;
    let mut shapes: BTreeMap<String, Option<BTreeMap<String, &'static str>>> = BTreeMap::new();
    let mut threat_keys: Option<BTreeMap<String, &'static str>> = None;
    let keep = |acc: &mut Option<BTreeMap<String, &'static str>>,
                now: BTreeMap<String, &'static str>| {
        *acc = Some(match acc.take() {
            None => now,
            Some(before) => before
                .into_iter()
                .filter(|(k, t)| now.get(k) == Some(t))
                .collect(),
        });
    };
    for name in [
        "threat-dragon-v2-demo-model.json",
        "threat-dragon-v2-three-tier-web-app.json",
    ] {
        let doc: J = serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        for cell in cells(&doc) {
            let mut keys: BTreeMap<String, &'static str> = BTreeMap::new();
            for (k, v) in cell.as_object().unwrap() {
                keys.insert(k.clone(), kind(v));
            }
            for (k, v) in cell["data"].as_object().unwrap() {
                keys.insert(format!("data.{k}"), kind(v));
            }
            let shape = cell["shape"].as_str().unwrap().to_string();
            keep(shapes.entry(shape).or_default(), keys);
        }
        for t in threats(&doc) {
            let keys = t
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), kind(v)))
                .collect();
            keep(&mut threat_keys, keys);
        }
    }
    Some((
        shapes
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect(),
        threat_keys.unwrap_or_default(),
    ))
}

/// `doc` has the structure of the corpus models: the top-level parts, and for each cell of
/// a shape they use every key (and its type) that all their cells of that shape have, and
/// for each threat every key that all their threats have; plus what Threat Dragon's v2
/// schema requires (`data.name`, `data.type`, `data.hasOpenThreats`, sizes of at least 10,
/// integer ids and numbers, versions of at most 10 characters).
fn assert_td_structure(doc: &J) {
    assert_eq!(kind(&doc["version"]), "string");
    assert!(doc["version"].as_str().unwrap().len() <= 10);
    assert!(doc["summary"]["title"].is_string());
    assert!(doc["summary"]["id"].is_u64());
    for key in [
        "contributors",
        "diagrams",
        "diagramTop",
        "reviewer",
        "threatTop",
    ] {
        assert!(!doc["detail"][key].is_null(), "detail.{key}");
    }
    for d in doc["detail"]["diagrams"].as_array().unwrap() {
        assert!(d["id"].is_u64());
        assert!(d["diagramType"].as_str().unwrap().len() >= 3);
        assert!(d["version"].as_str().unwrap().len() <= 10);
    }
    let Some((shapes, threat_keys)) = corpus_structure() else {
        return;
    };
    let mut seen = BTreeSet::new();
    for cell in cells(doc) {
        let shape = cell["shape"].as_str().unwrap();
        seen.insert(shape.to_string());
        let want = shapes
            .get(shape)
            .unwrap_or_else(|| panic!("the corpus models have no cell of shape {shape}"));
        for (key, ty) in want {
            let v = match key.strip_prefix("data.") {
                Some(k) => &cell["data"][k],
                None => &cell[key.as_str()],
            };
            assert_eq!(kind(v), *ty, "{shape} cell {}: `{key}`", cell["id"]);
        }
        for key in ["name", "type"] {
            assert!(cell["data"][key].is_string(), "{shape}: data.{key}");
        }
        assert!(cell["data"]["hasOpenThreats"].is_boolean());
        assert!(cell["id"].as_str().unwrap().len() >= 2);
        if let Some(size) = cell.get("size") {
            assert!(size["width"].as_f64().unwrap() >= 10.0);
            assert!(size["height"].as_f64().unwrap() >= 10.0);
        }
        for t in cell["data"]["threats"].as_array().into_iter().flatten() {
            for (key, ty) in &threat_keys {
                assert_eq!(kind(&t[key.as_str()]), *ty, "threat {}: `{key}`", t["id"]);
            }
            assert!(t["number"].is_u64());
            assert!(t["score"].is_string() || t["score"].is_null());
        }
    }
    for shape in ["trust-boundary-box", "flow"] {
        assert!(seen.contains(shape), "a {shape} is drawn");
    }
}

#[test]
fn every_demo_system_exports_in_the_structure_of_threat_dragon_and_imports_back() {
    let (_, root, systems, found) = common::demo();
    for sys in &systems {
        let id = sys.system.id.value.as_str();
        let bytes = export(&root, &systems, id, Some(&found));
        assert_eq!(
            bytes,
            export(&root, &systems, id, Some(&found)),
            "{id}: the same file"
        );
        let doc: J = serde_json::from_slice(&bytes).unwrap();
        assert_td_structure(&doc);

        // Every threat of the system with an element is on the diagram, rule-found ones too.
        let mine: Vec<&Found> = found
            .iter()
            .filter(|f| f.system == id && !f.elements.is_empty())
            .collect();
        let written = threats(&doc);
        assert_eq!(written.len(), mine.len(), "{id}");
        assert!(
            mine.iter().any(|f| f.rule.is_some()),
            "{id} has rule-found threats"
        );
        for t in &written {
            let f = mine
                .iter()
                .find(|f| t["riskfirst"]["id"] == f.id.as_str())
                .expect("a threat of the analysis");
            assert_eq!(t["riskfirst"]["rule"], serde_json::json!(f.rule));
            assert_eq!(t["title"], f.title.as_str());
            assert_eq!(t["severity"], f.severity());
            assert!(["Open", "Mitigated", "NotApplicable"].contains(&t["status"].as_str().unwrap()));
            let description = t["description"].as_str().unwrap();
            assert!(
                description.contains("\n\nBusiness impact (riskfirst): ")
                    && description.contains(" EUR a year."),
                "{description}"
            );
        }

        let back = import(&bytes);
        assert!(
            back.report.entries.is_empty(),
            "{id}: a riskfirst model maps one to one: {}",
            back.report.render("model.json")
        );
        common::check(&back);
        assert_eq!(back.systems[0], *sys, "system {id}");
        let mut expected_root = root.clone();
        expected_root.systems = None;
        assert_eq!(back.root, expected_root, "{id}: the root");
        // The other systems hold only the components the system uses, with their zones and data.
        for other in &back.systems[1..] {
            let original = systems
                .iter()
                .find(|s| s.system.id == other.system.id)
                .unwrap();
            assert_eq!(other.system, original.system);
            for c in &other.components {
                assert_eq!(Some(c), original.components.iter().find(|x| x.id == c.id));
            }
            for d in &other.data {
                assert_eq!(Some(d), original.data.iter().find(|x| x.id == d.id));
            }
        }
    }
}

#[test]
fn the_threats_found_again_have_the_statuses_written() {
    let (_, root, systems, found) = common::demo();
    let bytes = export(&root, &systems, "checkout", Some(&found));
    let back = import(&bytes);
    let files = back.files();
    let sources = riskfirst_model::Sources {
        root: (files[0].0.clone().into(), files[0].1.clone()),
        systems: files[1..]
            .iter()
            .map(|(p, t)| (p.clone().into(), t.clone()))
            .collect(),
    };
    let (_, _, _, again) = common::analysed(sources);
    let of = |list: &[Found]| -> BTreeMap<String, ThreatStatus> {
        list.iter()
            .filter(|f| f.system == "checkout")
            .map(|f| (f.id.clone(), f.status))
            .collect()
    };
    let (before, after) = (of(&found), of(&again));
    // The same threats with the same statuses, but for the rules that look at the whole
    // estate, which one system's model does not hold: D004 (a component other systems use)
    // and T097 (no build pipeline anywhere in the estate).
    let estate_wide = |id: &String| id.starts_with("D004@") || id.starts_with("T097@");
    let differ: BTreeSet<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|id| before.get(*id) != after.get(*id))
        .collect();
    assert!(differ.iter().all(|id| estate_wide(id)), "{differ:?}");
    assert!(before.len() > 40);
    assert_eq!(
        before
            .iter()
            .filter(|(id, _)| !estate_wide(id))
            .collect::<Vec<_>>(),
        after
            .iter()
            .filter(|(id, _)| !estate_wide(id))
            .collect::<Vec<_>>()
    );
}

#[test]
fn without_an_analysis_the_hand_written_threats_are_written_on_a_grid() {
    let (_, root, systems, _) = common::demo();
    let sys = systems
        .iter()
        .find(|s| s.threats.iter().any(|t| t.title.is_some()))
        .expect("a system with a hand-written threat");
    let id = sys.system.id.value.as_str();
    let bytes = export(&root, &systems, id, None);
    let doc: J = serde_json::from_slice(&bytes).unwrap();
    assert_td_structure(&doc);
    let written = threats(&doc);
    let hand_written = sys
        .threats
        .iter()
        .filter(|t| t.title.is_some() && !t.elements.is_empty())
        .count();
    assert_eq!(written.len(), hand_written);
    assert!(written
        .iter()
        .all(|t| t["severity"] == "" && t.get("score").is_none()));
    let back = import(&bytes);
    assert_eq!(back.systems[0], *sys);
}

/// A model riskfirst wrote, edited as a Threat Dragon user would.
#[test]
fn edits_made_in_threat_dragon_win() {
    let (_, root, systems, found) = common::demo();
    let sys = systems
        .iter()
        .find(|s| s.system.id.value == "checkout")
        .unwrap();
    let bytes = export(&root, &systems, "checkout", Some(&found));
    let mut doc: J = serde_json::from_slice(&bytes).unwrap();
    let cells = doc["detail"]["diagrams"][0]["cells"]
        .as_array_mut()
        .unwrap();
    let find = |cells: &[J], rf: &str| {
        cells
            .iter()
            .position(|c| c["data"]["riskfirst"]["id"] == rf)
            .unwrap()
    };
    let first = &sys.components[0].id.value;
    let second = &sys.components[1].id.value;
    // A component renamed and described.
    let c = find(cells, first);
    cells[c]["data"]["name"] = "Renamed in Threat Dragon".into();
    cells[c]["data"]["description"] = "Described in Threat Dragon.".into();
    // A rule-found threat marked mitigated; a threat added by hand.
    let (ci, ti) = cells
        .iter()
        .enumerate()
        .find_map(|(ci, c)| {
            c["data"]["threats"].as_array().and_then(|ts| {
                ts.iter()
                    .position(|t| t["riskfirst"]["rule"].is_string() && t["status"] == "Open")
                    .map(|ti| (ci, ti))
            })
        })
        .expect("an open rule-found threat");
    let rule_id = cells[ci]["data"]["threats"][ti]["riskfirst"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let on = cells[ci]["data"]["riskfirst"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    cells[ci]["data"]["threats"][ti]["status"] = "Mitigated".into();
    cells[ci]["data"]["threats"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "title": "Replay of a captured request",
            "type": "Spoofing",
            "status": "NotApplicable",
            "severity": "High",
            "description": "Requests carry a nonce.",
            "mitigation": "Nonces are checked.",
        }));
    // A flow re-attached to another component.
    let f = cells
        .iter()
        .position(|c| c["shape"] == "flow" && c["data"]["riskfirst"]["from"] != second.as_str())
        .unwrap();
    let flow_id = cells[f]["data"]["riskfirst"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let target = cells[find(cells, second)]["id"].clone();
    cells[f]["source"]["cell"] = target;
    // An element added in Threat Dragon.
    cells.push(serde_json::json!({
        "shape": "process", "id": "added", "position": { "x": 0, "y": 0 },
        "size": { "width": 100, "height": 100 },
        "data": { "type": "tm.Process", "name": "Added later", "hasOpenThreats": false }
    }));
    let edited = serde_json::to_vec(&doc).unwrap();
    let back = import(&edited);
    common::check(&back);
    insta::assert_snapshot!(back.report.render("edited.json"));
    let s = &back.systems[0];
    let c = s.components.iter().find(|c| &c.id.value == first).unwrap();
    assert_eq!(c.name.as_deref(), Some("Renamed in Threat Dragon"));
    assert_eq!(
        c.description.as_deref(),
        Some("Described in Threat Dragon.")
    );
    let decision = s.threats.iter().find(|t| t.id.value == rule_id).unwrap();
    assert_eq!(decision.status.value, ThreatStatus::Mitigated);
    assert_eq!(decision.title, None);
    let added = s
        .threats
        .iter()
        .find(|t| t.id.value == "td-replay-of-a-captured-request")
        .unwrap();
    assert_eq!(added.status.value, ThreatStatus::NotApplicable);
    assert_eq!(added.justification.as_deref(), Some("Nonces are checked."));
    assert_eq!(added.elements[0].value, on);
    let flow = s.flows.iter().find(|x| x.id.value == flow_id).unwrap();
    assert_eq!(&flow.from.value, second);
    assert_eq!(s.components.len(), sys.components.len());
}

#[test]
fn broken_riskfirst_fields_end_in_errors_with_positions() {
    let (_, root, systems, _) = common::demo();
    let bytes = export(&root, &systems, "checkout", None);
    let text = String::from_utf8(bytes).unwrap();
    // A component's riskfirst fields that do not read.
    let broken = text.replacen("\"kind\": \"process\"", "\"kind\": \"spaceship\"", 1);
    let e = threat_dragon::import(
        &Input {
            name: "m.json",
            bytes: broken.as_bytes(),
        },
        &common::options(),
    )
    .unwrap_err();
    assert!(
        e.message.starts_with("Threat Dragon: the riskfirst fields of a component do not read: unknown variant `spaceship`"),
        "{}",
        e.message
    );
    assert!(e.pos.is_some());
    // Fields that read but make an invalid estate: a flow to a component that is not there.
    let mut doc: J = serde_json::from_str(&text).unwrap();
    let cells = doc["detail"]["diagrams"][0]["cells"]
        .as_array_mut()
        .unwrap();
    let f = cells.iter().position(|c| c["shape"] == "flow").unwrap();
    cells[f]["data"]["riskfirst"]["to"] = "nowhere".into();
    cells[f]["target"] = serde_json::json!({ "x": 1, "y": 1 });
    let bad = serde_json::to_vec(&doc).unwrap();
    let e = threat_dragon::import(
        &Input {
            name: "m.json",
            bytes: &bad,
        },
        &common::options(),
    )
    .unwrap_err();
    assert!(
        e.message
            .starts_with("Threat Dragon: the riskfirst fields do not make a valid estate: E"),
        "{}",
        e.message
    );
    assert_eq!(e.pos.map(|p| (p.line, p.col)), Some((1, 1)));
    // Without `--system` the export names what it needs.
    let e = threat_dragon::export(&Export::files(&root, &systems)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "threat-dragon cannot hold more than one system in one model: name the system to write (`--system`)"
    );
    let e = threat_dragon::export(&Export {
        system: Some("nope"),
        ..Export::files(&root, &systems)
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "there is no system `nope` in the estate");
}
