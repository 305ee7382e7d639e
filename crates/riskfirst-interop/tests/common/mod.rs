//! Shared helpers of the interop tests: the corpora, and the check that an imported
//! estate validates, analyses and assesses.

#![allow(dead_code)]

use std::path::PathBuf;

use riskfirst_assess::{assess, AssessConfig};
use riskfirst_interop::{Found, ImportOptions, Imported, Input};
use riskfirst_model::format::{RootFile, SystemFile};
use riskfirst_model::{Date, Options, Sources};

/// A corpus directory under `../shared/corpora`, or `None` (printed) when it is absent;
/// with `RISKFIRST_REQUIRE_CORPORA=1` an absent corpus fails the test instead.
pub fn corpus(name: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora")
        .join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("RISKFIRST_REQUIRE_CORPORA").as_deref() == Ok("1") {
        panic!(
            "RISKFIRST_REQUIRE_CORPORA=1 but {} is absent",
            dir.display()
        );
    }
    println!(
        "skipped: the reference corpora are absent ({}); set RISKFIRST_REQUIRE_CORPORA=1 to make this a failure",
        dir.display()
    );
    None
}

pub fn options() -> ImportOptions {
    ImportOptions {
        today: Date::parse("2026-12-01").unwrap(),
    }
}

pub fn import(format: &str, name: &str, bytes: &[u8]) -> Imported {
    let f = riskfirst_interop::format(format).expect("a registered format");
    let import = f.import.expect("the format imports");
    match import(&Input { name, bytes }, &options()) {
        Ok(i) => i,
        Err(e) => panic!("{name} does not import: {e} at {:?} ({:?})", e.pos, e.hint),
    }
}

/// Loads the imported estate from the YAML files it writes, analyses and assesses it;
/// panics with every error. Returns the warnings, one per line, for snapshots.
pub fn check(imported: &Imported) -> String {
    let files = imported.files();
    let sources = Sources {
        root: (files[0].0.clone().into(), files[0].1.clone()),
        systems: files[1..]
            .iter()
            .map(|(p, t)| (p.clone().into(), t.clone()))
            .collect(),
    };
    let options = Options {
        today: Date::parse("2026-12-01"),
        ..Options::default()
    };
    let opened = riskfirst_assess::pipeline::open(sources, &options);
    let rendered: Vec<String> = opened
        .diagnostics
        .iter()
        .map(|d| riskfirst_model::diag::render(d, &opened.sources, &Default::default()))
        .collect();
    let Some(prepared) = opened.prepared else {
        let all: Vec<String> = files.iter().map(|(p, t)| format!("--- {p}\n{t}")).collect();
        panic!(
            "the imported estate is invalid:\n{}\n{}",
            rendered.join("\n"),
            all.join("\n")
        );
    };
    let cfg = AssessConfig {
        trials: Some(2_000),
        today: Date::parse("2026-12-01"),
        ..AssessConfig::default()
    };
    let assessment = assess(&prepared.estate, &prepared.analysis, &cfg, None)
        .expect("the imported estate assesses");
    assert_eq!(assessment.summary.systems, imported.systems.len());
    opened
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A hostile or broken file, the error's message (empty: any) and its `(line, column)`.
pub type Case = (&'static str, &'static str, Option<(u32, u32)>);

/// Each case ends in exactly its error, at its position, with `format`'s importer.
pub fn assert_errors(format: &str, cases: &[Case]) {
    let import = riskfirst_interop::format(format)
        .and_then(|f| f.import)
        .expect("the format imports");
    for (text, message, at) in cases {
        let input = Input {
            name: "case",
            bytes: text.as_bytes(),
        };
        let e = import(&input, &options())
            .err()
            .unwrap_or_else(|| panic!("{text:?} imports"));
        if !message.is_empty() {
            assert_eq!(&e.message, message, "{text:?}");
        }
        assert_eq!(
            e.pos.map(|p| (p.line, p.col)),
            *at,
            "{text:?}: {}",
            e.message
        );
    }
}

/// Imports each corpus file of `dir` with `format` after checking that detection names
/// exactly it, validates and assesses the estate, and returns `(snapshot name, report and
/// diagnostics)` per file; empty when the corpora are absent.
pub fn corpus_reports(dir: &str, format: &str, names: &[&str]) -> Vec<(String, String)> {
    let Some(dir) = corpus(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for name in names {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let input = Input {
            name,
            bytes: &bytes,
        };
        let formats: Vec<&str> = riskfirst_interop::detect(&input)
            .iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(formats, [format], "{name}");
        let imported = import(format, name, &bytes);
        let warnings = check(&imported);
        out.push((
            name.replace(['/', '.'], "_"),
            format!(
                "{}\n--- diagnostics\n{warnings}",
                imported.report.render(name)
            ),
        ));
    }
    out
}

/// The demo, its files and the threats of its analysis.
pub fn demo() -> (
    riskfirst_model::Estate,
    RootFile,
    Vec<SystemFile>,
    Vec<Found>,
) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind");
    analysed(riskfirst_model::fs::read_estate(&dir, &Default::default()).unwrap())
}

pub fn analysed(
    sources: riskfirst_model::Sources,
) -> (
    riskfirst_model::Estate,
    RootFile,
    Vec<SystemFile>,
    Vec<Found>,
) {
    let options = riskfirst_model::Options {
        today: riskfirst_model::Date::parse("2026-12-01"),
        ..Default::default()
    };
    let opened = riskfirst_assess::pipeline::open(sources, &options);
    let prepared = opened.prepared.expect("the estate is valid");
    let cfg = riskfirst_assess::AssessConfig {
        trials: Some(2_000),
        today: riskfirst_model::Date::parse("2026-12-01"),
        ..Default::default()
    };
    let assessment =
        riskfirst_assess::assess(&prepared.estate, &prepared.analysis, &cfg, None).unwrap();
    let found = riskfirst_interop::found(&prepared.estate, &prepared.analysis, &assessment);
    let (root, systems) = riskfirst_interop::files_of(&prepared.estate);
    (prepared.estate, root, systems, found)
}
