//! Shared helpers of the assessment tests: small estates from YAML text, analysed and assessed.

#![allow(dead_code)]

use riskfirst_assess::{AssessConfig, Assessment, ThreatOut};
use riskfirst_model::{Estate, Options, Sources};
use riskfirst_rules::Analysis;

/// Loads an estate from the text of its root file and its system files; panics with every
/// diagnostic when it is invalid (the tests write valid estates on purpose).
pub fn load_estate(root: &str, systems: &[&str]) -> Estate {
    let sources = Sources {
        root: ("riskfirst.yaml".into(), root.to_string()),
        systems: systems
            .iter()
            .enumerate()
            .map(|(i, text)| (format!("systems/s{i}.yaml").into(), text.to_string()))
            .collect(),
    };
    let loaded = riskfirst_model::load(sources, &Options::default());
    match loaded.estate {
        Some(e) => e,
        None => {
            let text: Vec<String> = loaded
                .diagnostics
                .iter()
                .map(|d| riskfirst_model::diag::render(d, &loaded.sources, &Default::default()))
                .collect();
            panic!("the test estate is invalid:\n{}", text.join("\n"));
        }
    }
}

/// The estate of a directory written by `riskfirst_model::generate` (file name, text).
pub fn load_generated(files: &[(String, String)]) -> Estate {
    let root = files
        .iter()
        .find(|(name, _)| name.starts_with("riskfirst."))
        .map(|(_, text)| text.clone())
        .expect("the generator writes a root file");
    let systems: Vec<&str> = files
        .iter()
        .filter(|(name, _)| !name.starts_with("riskfirst."))
        .map(|(_, text)| text.as_str())
        .collect();
    load_estate(&root, &systems)
}

pub fn analyze(estate: &Estate) -> Analysis {
    riskfirst_rules::analyze(estate, &[])
}

pub fn config(trials: u64, seed: u64) -> AssessConfig {
    AssessConfig {
        trials: Some(trials),
        seed: Some(seed),
        ..AssessConfig::default()
    }
}

/// Analyses and assesses an estate.
pub fn assess(estate: &Estate, trials: u64, seed: u64) -> Assessment {
    let analysis = analyze(estate);
    riskfirst_assess::assess(estate, &analysis, &config(trials, seed), None)
        .expect("the test estate assesses")
}

/// The one threat with this id (the test estates have one system).
pub fn threat<'a>(a: &'a Assessment, id: &str) -> &'a ThreatOut {
    let found: Vec<&ThreatOut> = a.threats.iter().filter(|t| t.id == id).collect();
    assert_eq!(found.len(), 1, "threat {id} among {:?}", ids(a));
    found[0]
}

pub fn ids(a: &Assessment) -> Vec<&str> {
    a.threats.iter().map(|t| t.id.as_str()).collect()
}

/// Relative closeness, for sums whose order of addition differs.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}
