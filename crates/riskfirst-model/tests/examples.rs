//! The shipped estates stay valid: the demo (`examples/northwind`), the `init` templates and the annotated example of `docs/format.md`.
//!
//! The demo must also keep using every key of the format, so that it shows
//! each feature as the format grows.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use riskfirst_model::format::{ControlStatus, ThreatStatus};
use riskfirst_model::node::{self, Limits, Node, Value};
use riskfirst_model::templates::INIT_FILES;
use riskfirst_model::{load, Date, FileId, Loaded, Options, Severity, Sources};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/northwind");
const FORMAT_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/format.md");

/// The demo's warnings, each one deliberate (see `examples/northwind/README.md`): none, so
/// that every `--demo` command prints only what it was asked for.
const DEMO_WARNINGS: &[(&str, &str)] = &[];

fn demo_sources() -> Sources {
    riskfirst_model::fs::read_estate(Path::new(DEMO), &Limits::default())
        .unwrap_or_else(|e| panic!("cannot read the demo estate at {DEMO}: {e}"))
}

fn load_at(sources: Sources, today: Option<&str>) -> Loaded {
    let options = Options {
        today: today.map(|t| Date::parse(t).expect("a valid date in the test")),
        ..Options::default()
    };
    load(sources, &options)
}

/// Every diagnostic rendered, to show what went wrong when an assertion fails.
fn rendered(loaded: &Loaded) -> String {
    loaded
        .diagnostics
        .iter()
        .map(|d| riskfirst_model::diag::render(d, &loaded.sources, &Default::default()))
        .collect()
}

fn warnings(loaded: &Loaded) -> Vec<(&'static str, String)> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

fn expected_demo_warnings() -> Vec<(&'static str, String)> {
    DEMO_WARNINGS
        .iter()
        .map(|(c, m)| (*c, m.to_string()))
        .collect()
}

#[test]
fn demo_loads_without_errors_and_only_the_deliberate_warnings() {
    let loaded = load_at(demo_sources(), None);
    assert_eq!(loaded.errors(), 0, "{}", rendered(&loaded));
    assert!(loaded.estate.is_some());
    assert_eq!(
        warnings(&loaded),
        expected_demo_warnings(),
        "{}",
        rendered(&loaded)
    );
}

#[test]
fn demo_acceptance_expires_soon_after_december_first() {
    // On 2026-12-01 nothing has expired yet ...
    let loaded = load_at(demo_sources(), Some("2026-12-01"));
    assert_eq!(
        warnings(&loaded),
        expected_demo_warnings(),
        "{}",
        rendered(&loaded)
    );
    // ... and a few weeks later exactly one acceptance has.
    let later = load_at(demo_sources(), Some("2027-01-01"));
    let expired: Vec<String> = later
        .diagnostics
        .iter()
        .filter(|d| d.code == "W020")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        expired,
        ["the acceptance of `I001@web-shop@session-cache` expired on 2026-12-15"]
    );
}

#[test]
fn demo_is_a_realistic_estate() {
    let loaded = load_at(demo_sources(), None);
    let estate = loaded.estate.expect("the demo is valid");
    assert!(estate.teams.len() >= 5, "teams: {}", estate.teams.len());
    assert!(estate.business_risks.len() >= 6);
    assert!(
        estate.systems.len() >= 6,
        "systems: {}",
        estate.systems.len()
    );
    assert!(
        (50..=70).contains(&estate.components.len()),
        "components: {}",
        estate.components.len()
    );
    // Components shared across systems, and a system written in JSON.
    assert!(estate.components.iter().any(|c| c.used_by.len() >= 3));
    assert!(estate
        .systems
        .iter()
        .any(|s| s.path.extension().is_some_and(|e| e == "json")));

    let control_statuses: BTreeSet<ControlStatus> =
        estate.controls.iter().map(|c| *c.raw.status).collect();
    for status in [
        ControlStatus::Planned,
        ControlStatus::InProgress,
        ControlStatus::Implemented,
        ControlStatus::Verified,
    ] {
        assert!(
            control_statuses.contains(&status),
            "no control is {status:?}"
        );
    }
    assert!(
        estate
            .controls
            .iter()
            .filter(|c| *c.raw.status == ControlStatus::Verified)
            .all(|c| !c.raw.evidence.is_empty()),
        "every verified control names its evidence"
    );

    let entries: Vec<_> = estate.systems.iter().flat_map(|s| &s.threats).collect();
    let threat_statuses: BTreeSet<ThreatStatus> = entries.iter().map(|t| *t.status).collect();
    for status in [
        ThreatStatus::Open,
        ThreatStatus::Mitigated,
        ThreatStatus::Accepted,
        ThreatStatus::Transferred,
        ThreatStatus::NotApplicable,
    ] {
        assert!(
            threat_statuses.contains(&status),
            "no threat entry is {status:?}"
        );
    }
    let hand_written = entries
        .iter()
        .filter(|t| !t.id.contains('@') && !t.id.contains('*'))
        .count();
    assert!(hand_written >= 2, "hand-written threats: {hand_written}");
    assert!(
        entries.iter().any(|t| t.id.contains('*')),
        "a wildcard decision"
    );
}

#[test]
fn demo_ships_aws_evidence() {
    let dir = Path::new(DEMO).join("evidence/aws");
    let report = std::fs::read_to_string(dir.join("iam-credential-report.csv"))
        .expect("the IAM credential report");
    assert!(report.starts_with("user,arn,user_creation_time,"));
    assert!(report.contains("<root_account>"));
    for name in [
        "s3-public-access-block-northwind-data-lake.json",
        "rds-describe-db-instances.json",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).expect(name);
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(json.is_object(), "{name}");
    }
}

type Defs = serde_json::Map<String, serde_json::Value>;

/// The objects of the schema (definitions with `properties`) that a value of `schema` may be.
fn objects_of(schema: &serde_json::Value, defs: &Defs, out: &mut Vec<String>) {
    if let Some(name) = schema
        .get("$ref")
        .and_then(|r| r.as_str())
        .and_then(|r| r.strip_prefix("#/$defs/"))
    {
        match defs.get(name) {
            Some(def) if def.get("properties").is_some() => out.push(name.to_string()),
            Some(def) => objects_of(def, defs, out),
            None => panic!("the schema refers to an unknown definition `{name}`"),
        }
    }
    for alternatives in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = schema.get(alternatives).and_then(|l| l.as_array()) {
            list.iter().for_each(|s| objects_of(s, defs, out));
        }
    }
    if let Some(items) = schema.get("items") {
        objects_of(items, defs, out);
    }
}

/// Walks a file's tree along the schema and records each `Object.key` it uses.
fn record_keys(node: &Node, objects: &[String], defs: &Defs, used: &mut BTreeSet<String>) {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .for_each(|item| record_keys(item, objects, defs, used)),
        Value::Map(entries) => {
            for (key, value) in entries {
                let key = node::scalar_text(key);
                for object in objects {
                    let Some(property) = defs[object]["properties"].get(&key) else {
                        continue;
                    };
                    used.insert(format!("{object}.{key}"));
                    let mut inner = Vec::new();
                    objects_of(property, defs, &mut inner);
                    record_keys(value, &inner, defs, used);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn demo_uses_every_key_of_the_format() {
    let schema = riskfirst_model::schema::json_schema();
    let defs = schema["$defs"].as_object().expect("the schema has $defs");
    let mut all = BTreeSet::new();
    for (name, def) in defs {
        if let Some(props) = def.get("properties").and_then(|p| p.as_object()) {
            all.extend(props.keys().map(|k| format!("{name}.{k}")));
        }
    }
    // The walk must see the format's objects, or it would check nothing.
    for key in [
        "RootFile.rules",
        "SystemFile.uses",
        "Component.out_of_scope",
        "Flow.vpn",
        "DataAsset.records",
        "Control.evidence",
        "Mitigation.effectiveness",
        "ThreatEntry.approved_by",
        "CustomRule.when",
        "RiskSettings.overrides",
        "Range.low",
        "Backups.encrypted",
    ] {
        assert!(all.contains(key), "the schema has no `{key}`");
    }

    let sources = demo_sources();
    let mut used = BTreeSet::new();
    let root = ["RootFile".to_string()];
    let system = ["SystemFile".to_string()];
    for (i, (path, text)) in std::iter::once(&sources.root)
        .chain(&sources.systems)
        .enumerate()
    {
        let tree = node::parse(text, FileId(0), &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
        let objects: &[String] = if i == 0 { &root } else { &system };
        record_keys(&tree, objects, defs, &mut used);
    }
    let missing: Vec<&String> = all.difference(&used).collect();
    assert!(
        missing.is_empty(),
        "keys of the format that examples/northwind does not use: {missing:?}"
    );
}

#[test]
fn key_walk_follows_references_options_and_lists() {
    let schema = riskfirst_model::schema::json_schema();
    let defs = schema["$defs"].as_object().expect("the schema has $defs");
    let text = "components:\n  - { id: a, backups: { encrypted: true } }\ncontrols:\n  - mitigates: [ { effectiveness: { low: 0.1, high: 0.2 } } ]\n";
    let tree = node::parse(text, FileId(0), &Limits::default()).expect("valid YAML");
    let mut used = BTreeSet::new();
    record_keys(&tree, &["SystemFile".to_string()], defs, &mut used);
    let expected: BTreeSet<String> = [
        "SystemFile.components",
        "Component.id",
        "Component.backups",
        "Backups.encrypted",
        "SystemFile.controls",
        "Control.mitigates",
        "Mitigation.effectiveness",
        "Range.low",
        "Range.high",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(used, expected);
}

fn init_sources() -> Sources {
    let mut sources = Sources::default();
    for (path, text) in INIT_FILES {
        let entry = (PathBuf::from(path), text.to_string());
        if *path == "riskfirst.yaml" {
            sources.root = entry;
        } else {
            sources.systems.push(entry);
        }
    }
    sources
}

#[test]
fn init_files_load_without_errors_or_warnings() {
    assert_eq!(INIT_FILES.first().map(|f| f.0), Some("riskfirst.yaml"));
    assert!(INIT_FILES.iter().any(|f| f.0.starts_with("systems/")));
    let loaded = load_at(init_sources(), Some("2026-12-01"));
    assert!(loaded.diagnostics.is_empty(), "{}", rendered(&loaded));
    let estate = loaded.estate.expect("the init estate is valid");
    assert_eq!(estate.systems.len(), 1);
    assert_eq!(estate.business_risks.len(), 2);
    assert!((4..=5).contains(&estate.components.len()));
}

#[test]
fn init_files_teach_with_comments() {
    for (path, text) in INIT_FILES {
        let comments = text
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count();
        assert!(comments >= 15, "{path} has only {comments} comment lines");
    }
}

/// The fenced blocks ```` ```yaml title="path" ```` of a Markdown text, as (path, content).
fn titled_yaml_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        if let Some((_, body)) = &mut current {
            if line.trim_start().starts_with("```") {
                blocks.extend(current.take());
            } else {
                body.push_str(line);
                body.push('\n');
            }
            continue;
        }
        let title = line
            .trim_start()
            .strip_prefix("```yaml title=\"")
            .and_then(|rest| rest.strip_suffix('"'));
        if let Some(title) = title {
            current = Some((title.to_string(), String::new()));
        }
    }
    blocks
}

#[test]
fn format_doc_example_loads_without_errors() {
    let doc = std::fs::read_to_string(FORMAT_DOC)
        .unwrap_or_else(|e| panic!("cannot read {FORMAT_DOC}: {e}"));
    let blocks = titled_yaml_blocks(&doc);
    let mut sources = Sources::default();
    for (title, body) in &blocks {
        let entry = (PathBuf::from(title), body.clone());
        if title == "riskfirst.yaml" {
            sources.root = entry;
        } else {
            assert!(title.starts_with("systems/"), "unexpected block `{title}`");
            sources.systems.push(entry);
        }
    }
    assert!(
        !sources.root.1.is_empty(),
        "docs/format.md has no ```yaml title=\"riskfirst.yaml\" block"
    );
    assert!(
        !sources.systems.is_empty(),
        "docs/format.md has no ```yaml title=\"systems/<name>.yaml\" block"
    );
    let loaded = load_at(sources, Some("2026-12-01"));
    assert_eq!(loaded.errors(), 0, "{}", rendered(&loaded));
    assert!(loaded.estate.is_some());
}

#[test]
fn titled_blocks_are_found_and_untitled_ones_ignored() {
    let md = "text\n```yaml\nignored: 1\n```\n```yaml title=\"riskfirst.yaml\"\nriskfirst: 1\n```\n```yaml title=\"systems/a.yaml\"\na: 1\nb: 2\n```\n";
    assert_eq!(
        titled_yaml_blocks(md),
        [
            ("riskfirst.yaml".to_string(), "riskfirst: 1\n".to_string()),
            ("systems/a.yaml".to_string(), "a: 1\nb: 2\n".to_string()),
        ]
    );
}

/// Every diagnostic code the model crate can emit (`"E001"`, `"W010"`, ...).
fn model_diagnostic_codes() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut codes = BTreeSet::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source is UTF-8");
        let bytes = text.as_bytes();
        for (i, window) in bytes.windows(6).enumerate() {
            let quoted = window[0] == b'"' && window[5] == b'"';
            if quoted
                && matches!(window[1], b'E' | b'W')
                && window[2..5].iter().all(u8::is_ascii_digit)
            {
                codes.insert(text[i + 1..i + 5].to_string());
            }
        }
    }
    codes
}

#[test]
fn format_doc_lists_every_diagnostic_code() {
    let doc = std::fs::read_to_string(FORMAT_DOC)
        .unwrap_or_else(|e| panic!("cannot read {FORMAT_DOC}: {e}"));
    let codes = model_diagnostic_codes();
    // The scan must find the codes, or it would check nothing.
    for code in ["E001", "E010", "E021", "E052", "E061", "W015", "W030"] {
        assert!(codes.contains(code), "the scan missed {code}");
    }
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !doc.contains(&format!("| `{c}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes not in the tables of docs/format.md: {missing:?}"
    );
}

#[test]
fn format_doc_documents_every_key() {
    let doc = std::fs::read_to_string(FORMAT_DOC)
        .unwrap_or_else(|e| panic!("cannot read {FORMAT_DOC}: {e}"));
    let schema = riskfirst_model::schema::json_schema();
    let defs = schema["$defs"].as_object().expect("the schema has $defs");
    let mut missing = Vec::new();
    for (object, def) in defs {
        let Some(props) = def.get("properties").and_then(|p| p.as_object()) else {
            continue;
        };
        for key in props.keys() {
            if !doc.contains(&format!("| `{key}` |")) {
                missing.push(format!("{object}.{key}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys without a row in the tables of docs/format.md: {missing:?}"
    );
}
