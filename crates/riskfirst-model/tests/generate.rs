//! Synthetic estates: they load cleanly, have exactly the size asked for, are
//! deterministic per seed and show the variety the rules need.

use std::collections::HashSet;
use std::path::PathBuf;

use riskfirst_model::catalog::PROTOCOLS;
use riskfirst_model::format::{Classification, ComponentKind};
use riskfirst_model::generate::{generate, generate_with, GenerateConfig, GenerateError, Syntax};
use riskfirst_model::{load, Estate, Loaded, Options, Sources};

fn cfg(components: usize, flows: usize, seed: u64) -> GenerateConfig {
    GenerateConfig {
        components,
        flows,
        seed,
        systems: None,
        teams: None,
    }
}

fn sources(files: Vec<(String, String)>) -> Sources {
    let mut files = files.into_iter();
    let root = files.next().expect("a root file");
    assert!(
        root.0.starts_with("riskfirst."),
        "root first, got {}",
        root.0
    );
    Sources {
        root: (PathBuf::from(root.0), root.1),
        systems: files.map(|(p, t)| (PathBuf::from(p), t)).collect(),
    }
}

fn load_generated(cfg: &GenerateConfig) -> Loaded {
    load(sources(generate(cfg)), &Options::default())
}

fn estate(cfg: &GenerateConfig) -> Estate {
    let loaded = load_generated(cfg);
    let shown: Vec<String> = loaded
        .diagnostics
        .iter()
        .take(5)
        .map(|d| format!("{} {} at {:?}", d.code, d.message, d.span))
        .collect();
    assert_eq!(loaded.errors(), 0, "{cfg:?}: {shown:#?}");
    loaded.estate.expect("an estate when there are no errors")
}

#[test]
fn generated_estates_load_without_errors_and_have_the_exact_size() {
    for (components, flows, seed) in [
        (2, 1, 1),
        (10, 0, 2),
        (10, 25, 3),
        (120, 240, 4),
        (777, 1_500, 5),
        (2_000, 4_000, 6),
    ] {
        let c = cfg(components, flows, seed);
        assert_eq!(c.check(), Ok(()));
        let loaded = load_generated(&c);
        let estate = estate(&c);
        assert_eq!(estate.components.len(), components, "{c:?}");
        assert_eq!(estate.flows.len(), flows, "{c:?}");
        assert!(estate.systems.len() >= 2.min(components), "{c:?}");
        assert!(estate.teams.len() >= 3, "{c:?}");
        assert!((6..=10).contains(&estate.business_risks.len()), "{c:?}");
        // With at least one flow per component, every component is connected
        // and every data asset used: the estate loads without any warning.
        if flows >= components {
            let warnings: Vec<String> = loaded
                .diagnostics
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect();
            assert!(warnings.is_empty(), "{c:?}: {warnings:#?}");
        }
    }
}

#[test]
fn explicit_systems_and_teams_are_honoured() {
    let c = GenerateConfig {
        components: 300,
        flows: 700,
        seed: 9,
        systems: Some(7),
        teams: Some(4),
    };
    let estate = estate(&c);
    assert_eq!(estate.systems.len(), 7);
    assert_eq!(estate.teams.len(), 4);
    assert_eq!(estate.components.len(), 300);
    assert_eq!(estate.flows.len(), 700);
}

#[test]
fn default_sizes_follow_the_component_count() {
    let estate = estate(&cfg(2_000, 2_000, 11));
    assert_eq!(estate.systems.len(), 40);
    assert_eq!(estate.teams.len(), 5);
}

#[test]
fn a_system_with_a_single_component_still_gets_its_flows() {
    // Three components in three systems: at least one system holds one
    // component or none, and its flows must go to another system.
    let c = GenerateConfig {
        components: 3,
        flows: 9,
        seed: 4,
        systems: Some(3),
        teams: None,
    };
    let estate = estate(&c);
    assert_eq!(estate.components.len(), 3);
    assert_eq!(estate.flows.len(), 9);
    for f in &estate.flows {
        assert_ne!(f.from, f.to);
    }
}

#[test]
fn impossible_configurations_are_refused_by_check() {
    assert_eq!(
        cfg(1, 5, 1).check(),
        Err(GenerateError::TooFewComponents {
            components: 1,
            flows: 5
        })
    );
    assert!(matches!(
        GenerateConfig {
            systems: Some(1),
            ..cfg(50_000, 0, 1)
        }
        .check(),
        Err(GenerateError::SystemsTooLarge { .. })
    ));
    // generate itself does not panic on them; it writes what it can.
    let estate = estate(&cfg(1, 5, 1));
    assert_eq!(estate.components.len(), 1);
    assert!(estate.flows.is_empty());
    let estate = estate_of_nothing();
    assert!(estate.components.is_empty());
}

fn estate_of_nothing() -> Estate {
    estate(&cfg(0, 0, 1))
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_differs() {
    let a = generate(&cfg(500, 1_000, 42));
    let b = generate(&cfg(500, 1_000, 42));
    assert_eq!(a, b);
    let c = generate(&cfg(500, 1_000, 43));
    assert_ne!(a, c);
    // The seed changes the architecture, not only a name in the root file.
    assert_ne!(a[1..], c[1..]);
}

#[test]
fn ids_are_unique_and_flows_join_two_different_components() {
    let estate = estate(&cfg(1_000, 3_000, 7));
    let mut systems = HashSet::new();
    for s in &estate.systems {
        assert!(systems.insert(s.id().to_string()));
        let mut components = HashSet::new();
        for c in &s.components {
            assert!(components.insert(estate[*c].id().to_string()));
        }
        let mut flows = HashSet::new();
        for f in &s.flows {
            assert!(flows.insert(estate[*f].id().to_string()));
        }
    }
    for f in &estate.flows {
        assert_ne!(f.from, f.to, "flow {}", f.id());
    }
}

#[test]
fn a_two_thousand_component_estate_shows_the_variety_rules_need() {
    let estate = estate(&cfg(2_000, 4_000, 1));

    let kinds: HashSet<ComponentKind> = estate.components.iter().map(|c| c.raw.kind).collect();
    for kind in [
        ComponentKind::ExternalEntity,
        ComponentKind::Process,
        ComponentKind::Datastore,
    ] {
        assert!(kinds.contains(&kind), "no {kind:?}");
    }

    let classes: HashSet<Classification> =
        estate.data.iter().map(|d| d.raw.classification).collect();
    for class in [
        Classification::Public,
        Classification::Internal,
        Classification::Confidential,
        Classification::Restricted,
    ] {
        assert!(classes.contains(&class), "no {class:?} data");
    }

    let protocols: HashSet<&str> = estate
        .flows
        .iter()
        .map(|f| f.raw.protocol.as_str())
        .collect();
    let known: Vec<&str> = PROTOCOLS.iter().map(|p| p.0).collect();
    let seen = known.iter().filter(|p| protocols.contains(*p)).count();
    let missing: Vec<&&str> = known.iter().filter(|p| !protocols.contains(*p)).collect();
    assert!(
        seen * 10 >= known.len() * 8,
        "{seen} of {} protocols; missing {missing:?}",
        known.len()
    );

    // About one flow in twenty reaches another system's component.
    let cross = estate
        .flows
        .iter()
        .filter(|f| estate[f.to].system != f.system)
        .count();
    assert!((100..=300).contains(&cross), "{cross} cross-system flows");

    // Security gaps a realistic estate has, in realistic minorities.
    let share = |n: usize, of: usize| n as f64 / of.max(1) as f64;
    let internet_facing = estate
        .components
        .iter()
        .filter(|c| c.raw.internet_facing)
        .count();
    assert!(share(internet_facing, 2_000) > 0.03 && share(internet_facing, 2_000) < 0.3);
    let plaintext = estate.flows.iter().filter(|f| !f.encrypted).count();
    assert!(
        share(plaintext, 4_000) > 0.05 && share(plaintext, 4_000) < 0.5,
        "{plaintext}"
    );
    assert!(estate.components.iter().any(|c| c.raw.mfa == Some(false)));
    assert!(estate
        .components
        .iter()
        .any(|c| c.raw.permissions == Some(riskfirst_model::format::Permissions::Wildcard)));
    assert!(estate.components.iter().any(|c| c.raw.public_access));

    // Decisions and controls: a few percent of the components.
    let decisions: usize = estate.systems.iter().map(|s| s.threats.len()).sum();
    assert!((20..=120).contains(&decisions), "{decisions} decisions");
    let controls = estate
        .controls
        .iter()
        .filter(|c| c.system.is_some())
        .count();
    assert!((20..=120).contains(&controls), "{controls} controls");

    // Many APIs and databases, few vaults.
    let count = |tech: fn(&str) -> bool| {
        estate
            .components
            .iter()
            .filter(|c| tech(&c.raw.technology))
            .count()
    };
    let vaults = count(|t| matches!(t, "vault" | "secrets-manager" | "kms"));
    let sql = count(|t| matches!(t, "postgresql" | "mysql" | "sql-server" | "oracle-db"));
    assert!(
        vaults >= 1 && vaults * 5 < sql,
        "{vaults} vaults, {sql} SQL databases"
    );
}

#[test]
fn yaml_by_default_and_json_on_request_load_to_the_same_estate() {
    let c = cfg(300, 600, 12);
    let yaml = generate(&c);
    assert_eq!(yaml[0].0, "riskfirst.yaml");
    assert!(yaml[1..]
        .iter()
        .all(|(p, _)| p.starts_with("systems/") && p.ends_with(".yaml")));
    let json = generate_with(&c, Syntax::Json);
    assert_eq!(json[0].0, "riskfirst.json");
    assert!(json[1].1.starts_with('{'));
    let a = estate(&c);
    let b = load(sources(json), &Options::default());
    assert_eq!(b.errors(), 0);
    let b = b.estate.expect("an estate");
    let ids = |e: &Estate| -> Vec<String> {
        e.flows
            .iter()
            .map(|f| format!("{}:{}", e[f.system].id(), f.id()))
            .collect()
    };
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(a.components.len(), b.components.len());
}
