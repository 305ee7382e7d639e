//! `riskfirst import` and `riskfirst convert`: an imported estate validates, the report is
//! printed as text and JSON, and hostile input (a full directory, an escaping path, a huge
//! file, a wrong version) ends in a clear error before anything is written.

use std::path::PathBuf;

mod common;
use common::{manifest_dir, riskfirst, run_cmd, Run, TempDir};

fn run(args: &[&str], code: i32) -> Run {
    let mut c = riskfirst();
    c.args(args);
    let r = run_cmd(c);
    assert_eq!(
        r.code, code,
        "riskfirst {args:?} exited {} (want {code})\nstdout:\n{}\nstderr:\n{}",
        r.code, r.stdout, r.stderr
    );
    r
}

/// A file under `../shared/corpora`, or `None` when the corpora are absent (a failure
/// with `RISKFIRST_REQUIRE_CORPORA=1`).
fn corpus(name: &str) -> Option<PathBuf> {
    let path = manifest_dir().join("../../../shared/corpora").join(name);
    if path.is_file() {
        return Some(path);
    }
    assert_ne!(
        std::env::var("RISKFIRST_REQUIRE_CORPORA").as_deref(),
        Ok("1"),
        "RISKFIRST_REQUIRE_CORPORA=1 but {} is absent",
        path.display()
    );
    println!(
        "skipped: the reference corpora are absent ({})",
        path.display()
    );
    None
}

const SMALL_OTM: &str = r#"{
  "otmVersion": "0.2.0",
  "project": { "name": "Shop", "id": "shop" },
  "trustZones": [ { "id": "net", "name": "Internet", "risk": { "trustRating": 0 } },
                  { "id": "dc", "name": "Data centre", "risk": { "trustRating": 80 } } ],
  "components": [
    { "id": "web", "name": "Web app", "type": "web-application", "parent": { "trustZone": "dc" } },
    { "id": "db", "name": "Orders", "type": "postgres", "parent": { "trustZone": "dc" } }
  ],
  "dataflows": [ { "id": "q", "name": "queries over jdbc", "source": "web", "destination": "db" } ]
}
"#;

fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn an_imported_file_becomes_an_estate_that_validates() {
    let tmp = TempDir::new("import-otm");
    let file = write(&tmp, "shop.otm.json", SMALL_OTM);
    let out = tmp.path().join("estate");
    let out = out.to_str().unwrap();
    let r = run(&["import", "auto", &file, "--out", out], 0);
    assert_eq!(
        r.stderr,
        "detected otm: Open Threat Model 0.1 and 0.2 (JSON or YAML)\n"
    );
    let first = r.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "otm: 6 mapped, 5 guessed, 0 not mapped, 3 to fill in"
    );
    assert!(
        r.stdout.contains(&format!(
            "wrote 2 files to {out}: 1 system, valid with 0 warnings"
        )),
        "{}",
        r.stdout
    );
    assert!(tmp.path().join("estate/riskfirst.yaml").is_file());
    assert!(tmp.path().join("estate/systems/shop.yaml").is_file());
    let v = run(&["validate", out], 0);
    assert!(
        v.stdout
            .starts_with("valid: 1 system, 2 components, 1 flow"),
        "{}",
        v.stdout
    );
}

#[test]
fn the_report_is_json_with_format_json() {
    let tmp = TempDir::new("import-json");
    let file = write(&tmp, "shop.json", SMALL_OTM);
    let out = tmp.path().join("estate");
    let r = run(
        &[
            "import",
            "otm",
            &file,
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(r.stderr, "", "a named format is not announced");
    let v = r.json();
    assert_eq!(v["format"], "otm");
    assert_eq!(v["mapped"], 6);
    assert_eq!(v["guessed"], 5);
    assert_eq!(v["fill_in"], 3);
    assert_eq!(
        v["files"],
        serde_json::json!(["riskfirst.yaml", "systems/shop.yaml"])
    );
    let components = v["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["source"] == "components")
        .unwrap();
    assert_eq!(components["count"], 2);
    let entry = &v["entries"][0];
    assert_eq!(entry["outcome"], "guessed");
    assert_eq!(entry["subject"], "component \"Web app\"");
    assert_eq!(entry["line"], 7);
    assert_eq!(entry["column"], 5);
}

#[test]
fn a_full_directory_needs_force_and_force_replaces_the_estate() {
    let tmp = TempDir::new("import-force");
    let file = write(&tmp, "shop.json", SMALL_OTM);
    let out = tmp.path().join("estate");
    std::fs::create_dir_all(out.join("systems")).unwrap();
    std::fs::write(out.join("systems/old.yaml"), "stale").unwrap();
    std::fs::write(out.join("riskfirst.json"), "{}").unwrap();
    let out = out.to_str().unwrap();
    let r = run(&["import", "otm", &file, "--out", out], 2);
    assert_eq!(
        r.stderr,
        format!("error: {out} is not empty\n  help: choose an empty or new directory, or pass --force to replace the estate there\n")
    );
    assert!(tmp.path().join("estate/systems/old.yaml").is_file());
    run(&["import", "otm", &file, "--out", out, "--force"], 0);
    assert!(!tmp.path().join("estate/systems/old.yaml").exists());
    assert!(!tmp.path().join("estate/riskfirst.json").exists());
    run(&["validate", out], 0);
}

#[test]
fn a_system_id_that_escapes_the_directory_writes_nothing() {
    let tmp = TempDir::new("import-escape");
    let otm = tmp.path().join("estate.otm.json");
    run(
        &[
            "convert",
            "--demo",
            "--to",
            "otm",
            "-o",
            otm.to_str().unwrap(),
        ],
        0,
    );
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&otm).unwrap()).unwrap();
    doc["project"]["attributes"]["riskfirst"]["systems"][0]["system"]["id"] = "../../evil".into();
    let file = write(&tmp, "evil.json", &doc.to_string());
    let out = tmp.path().join("a/b");
    let r = run(&["import", "otm", &file, "--out", out.to_str().unwrap()], 2);
    assert!(
        r.stderr.starts_with(&format!(
            "error: cannot import {file}: it would write `systems/../../evil.yaml`, outside {}\n",
            out.display()
        )),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "nothing is written");
    assert!(!tmp.path().join("evil.yaml").exists());
}

#[test]
fn a_huge_file_is_refused_from_its_size() {
    let tmp = TempDir::new("import-huge");
    let path = tmp.path().join("huge.json");
    // Sparse: 200 MB on paper, nothing on disk.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(200_000_000)
        .unwrap();
    let out = tmp.path().join("estate");
    let r = run(
        &[
            "import",
            "auto",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        2,
    );
    assert_eq!(
        r.stderr,
        format!(
            "error: {} is 190.7 MiB, more than the 16 MiB riskfirst imports\n  help: split the model into one file per system and import each into its own directory\n",
            path.display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn a_wrong_version_is_an_error_at_its_position() {
    let tmp = TempDir::new("import-version");
    let file = write(&tmp, "v.json", &SMALL_OTM.replace("0.2.0", "0.3.0"));
    let out = tmp.path().join("estate");
    let r = run(&["import", "otm", &file, "--out", out.to_str().unwrap()], 2);
    assert_eq!(
        r.stderr,
        format!("error: cannot import {file}:2:17: OTM version 0.3.0 is not supported: riskfirst reads 0.1 and 0.2\n")
    );
    assert!(!out.exists());
}

#[test]
fn an_unknown_or_undetectable_format_is_named() {
    let tmp = TempDir::new("import-format");
    let file = write(&tmp, "x.json", "{\"hello\": 1}\n");
    let out = tmp.path().join("estate");
    let out = out.to_str().unwrap();
    let r = run(&["import", "otn", &file, "--out", out], 2);
    assert!(
        r.stderr.starts_with(
            "error: unknown format `otn`\n  help: did you mean `otm`? the formats are: otm"
        ),
        "{}",
        r.stderr
    );
    let r = run(&["import", "auto", &file, "--out", out], 2);
    assert!(
        r.stderr
            .starts_with(&format!("error: cannot tell the format of {file}\n")),
        "{}",
        r.stderr
    );
    let r = run(&["import", "auto", "no/such/file.json", "--out", out], 2);
    assert!(
        r.stderr
            .starts_with("error: cannot read no/such/file.json: "),
        "{}",
        r.stderr
    );
}

#[test]
fn convert_writes_otm_that_imports_back_to_the_same_estate() {
    let tmp = TempDir::new("convert");
    let otm = tmp.path().join("northwind.otm.json");
    let demo = manifest_dir().join("../../examples/northwind");
    let demo = demo.to_str().unwrap();
    run(
        &["convert", demo, "--to", "otm", "-o", otm.to_str().unwrap()],
        0,
    );
    let stdout = run(&["convert", demo, "--to", "otm"], 0).stdout;
    assert!(
        stdout == std::fs::read_to_string(&otm).unwrap(),
        "the file and standard output differ"
    );
    let out = tmp.path().join("back");
    let r = run(
        &[
            "import",
            "auto",
            otm.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        0,
    );
    assert!(
        r.stdout.contains("0 guessed, 0 not mapped, 0 to fill in"),
        "{}",
        r.stdout
    );
    let before = run(&["validate", demo], 0).stdout;
    let after = run(&["validate", out.to_str().unwrap()], 0).stdout;
    assert_eq!(before, after, "the same counts and warnings");
    let tc = tmp.path().join("northwind.tc.json");
    run(
        &[
            "convert",
            demo,
            "--to",
            "threat-composer",
            "-o",
            tc.to_str().unwrap(),
        ],
        0,
    );
    let back = tmp.path().join("back-tc");
    let r = run(
        &[
            "import",
            "auto",
            tc.to_str().unwrap(),
            "--out",
            back.to_str().unwrap(),
        ],
        0,
    );
    assert!(
        r.stderr.starts_with("detected threat-composer: "),
        "{}",
        r.stderr
    );
    let r = run(&["convert", "--demo", "--to", "visio"], 2);
    assert!(
        r.stderr.starts_with(
            "error: riskfirst cannot convert to `visio`\n  help: the formats it writes are: otm, threat-dragon, threat-composer"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn every_corpus_file_imports_from_the_command_line() {
    for (name, format) in [
        ("interop/otm-0.2.0-example.json", "otm"),
        ("interop/otm-0.1.0/EXAMPLE.yaml", "otm"),
        ("interop/threat-dragon-v2-demo-model.json", "threat-dragon"),
        (
            "interop/threat-dragon-v2-three-tier-web-app.json",
            "threat-dragon",
        ),
        ("interop/threat-composer-example.tc.json", "threat-composer"),
        ("interop/tmbom-cyclonedx-1.6-example.cdx.json", "tmbom"),
        ("interop/threatcl-tm1.hcl", "threatcl"),
        ("interop/threatcl-tm2-dfd.hcl", "threatcl"),
        ("threagile/example-threagile.yaml", "threagile"),
        ("threagile/stub-threagile.yaml", "threagile"),
        ("threagile/test-all-v1-format.yaml", "threagile"),
    ] {
        let Some(file) = corpus(name) else { return };
        let tmp = TempDir::new("import-corpus");
        let out = tmp.path().join("estate");
        let r = run(
            &[
                "import",
                "auto",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            0,
        );
        assert!(
            r.stderr.starts_with(&format!("detected {format}: ")),
            "{name}: {}",
            r.stderr
        );
        run(&["validate", out.to_str().unwrap()], 0);
    }
}

#[test]
fn convert_writes_each_system_to_threat_dragon_laid_out_and_it_imports_back() {
    let tmp = TempDir::new("convert-td");
    let demo = manifest_dir().join("../../examples/northwind");
    let demo = demo.to_str().unwrap();
    for system in [
        "storefront",
        "checkout",
        "platform",
        "data",
        "mobile",
        "back-office",
    ] {
        let file = tmp.path().join(format!("{system}.json"));
        run(
            &[
                "convert",
                demo,
                "--to",
                "threat-dragon",
                "--system",
                system,
                "-o",
                file.to_str().unwrap(),
            ],
            0,
        );
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let cells = doc["detail"]["diagrams"][0]["cells"].as_array().unwrap();
        let area = |c: &serde_json::Value| {
            let (p, s) = (&c["position"], &c["size"]);
            [
                p["x"].as_f64().unwrap(),
                p["y"].as_f64().unwrap(),
                s["width"].as_f64().unwrap(),
                s["height"].as_f64().unwrap(),
            ]
        };
        let boxes: Vec<[f64; 4]> = cells
            .iter()
            .filter(|c| c["shape"] == "trust-boundary-box")
            .map(area)
            .collect();
        let elements: Vec<[f64; 4]> = cells
            .iter()
            .filter(|c| ["actor", "process", "store"].contains(&c["shape"].as_str().unwrap()))
            .map(area)
            .collect();
        assert!(!boxes.is_empty() && !elements.is_empty(), "{system}");
        // riskfirst's layout: every element inside one zone's box, none over another.
        let inside = |e: &[f64; 4], b: &[f64; 4]| {
            e[0] >= b[0] && e[1] >= b[1] && e[0] + e[2] <= b[0] + b[2] && e[1] + e[3] <= b[1] + b[3]
        };
        for (i, e) in elements.iter().enumerate() {
            assert_eq!(
                boxes.iter().filter(|b| inside(e, b)).count(),
                1,
                "{system}: {e:?}"
            );
            for o in &elements[i + 1..] {
                let apart = e[0] + e[2] <= o[0]
                    || o[0] + o[2] <= e[0]
                    || e[1] + e[3] <= o[1]
                    || o[1] + o[3] <= e[1];
                assert!(apart, "{system}: {e:?} and {o:?} overlap");
            }
        }
        let severities: Vec<&str> = cells
            .iter()
            .flat_map(|c| c["data"]["threats"].as_array().into_iter().flatten())
            .map(|t| t["severity"].as_str().unwrap())
            .collect();
        assert!(
            !severities.is_empty(),
            "{system}: the analysis' threats are on the diagram"
        );
        assert!(severities
            .iter()
            .all(|s| ["Low", "Medium", "High"].contains(s)));
        let out = tmp.path().join(format!("back-{system}"));
        let r = run(
            &[
                "import",
                "threat-dragon",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            0,
        );
        assert!(
            r.stdout.contains("0 guessed, 0 not mapped, 0 to fill in"),
            "{system}: {}",
            r.stdout
        );
        run(&["validate", out.to_str().unwrap()], 0);
    }
    let r = run(&["convert", demo, "--to", "threat-dragon"], 2);
    assert!(
        r.stderr
            .starts_with("error: `--to threat-dragon` writes one system: name it with `--system`"),
        "{}",
        r.stderr
    );
    let r = run(
        &[
            "convert",
            demo,
            "--to",
            "threat-dragon",
            "--system",
            "chekout",
        ],
        2,
    );
    assert!(
        r.stderr.starts_with(
            "error: there is no system `chekout` in the estate\n  help: did you mean `checkout`?"
        ),
        "{}",
        r.stderr
    );
    let r = run(&["convert", demo, "--to", "otm", "--system", "checkout"], 2);
    assert!(
        r.stderr.starts_with(
            "error: `--to otm` writes the whole estate: `--system` is for one-system formats"
        ),
        "{}",
        r.stderr
    );
}

/// The source's own rating of an imported threat is kept with it, and `explain` shows it
/// beside riskfirst's money: for each format whose corpus file carries threats.
#[test]
fn explain_shows_the_sources_rating_beside_riskfirsts_money() {
    let tmp = TempDir::new("ratings");
    let files = [
        ("otm", "interop/otm-0.2.0-example.json", "OTM rating:"),
        (
            "threat-dragon",
            "interop/threat-dragon-v2-three-tier-web-app.json",
            "Threat Dragon STRIDE rating:",
        ),
        (
            "threagile",
            "threagile/example-threagile.yaml",
            "Threagile rating:",
        ),
        (
            "threat-composer",
            "interop/threat-composer-example.tc.json",
            "Threat Composer priority:",
        ),
        ("threatcl", "interop/threatcl-tm1.hcl", "threatcl impacts:"),
    ];
    let mut shown = String::new();
    for (format, file, marker) in files {
        let Some(path) = corpus(file) else {
            return;
        };
        let out = tmp.path().join(format);
        run(
            &[
                "import",
                format,
                path.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            0,
        );
        let sources = riskfirst_model::fs::read_estate(&out, &Default::default()).unwrap();
        let estate = riskfirst_model::load(sources, &Default::default())
            .estate
            .unwrap();
        let (system, threat) = estate
            .system_files()
            .into_iter()
            .find_map(|s| {
                s.threats
                    .iter()
                    .find(|t| t.description.as_deref().is_some_and(|d| d.contains(marker)))
                    .map(|t| (s.system.id.value.clone(), t.id.value.clone()))
            })
            .unwrap_or_else(|| panic!("{format}: no threat keeps `{marker}`"));
        let r = run(
            &[
                "explain",
                &format!("{system}:{threat}"),
                out.to_str().unwrap(),
                "--color",
                "never",
            ],
            0,
        );
        shown.push_str(&format!("== {format}: {threat}\n"));
        for line in r.stdout.lines() {
            let l = line.trim();
            if l.contains(marker) || l.starts_with("way into ") || l.starts_with("reaches ") {
                shown.push_str(l);
                shown.push('\n');
            }
        }
        assert!(shown.contains(marker), "{format}: {}", r.stdout);
    }
    insta::assert_snapshot!(shown);
}
