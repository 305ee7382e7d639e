//! The comparison fixtures: Threagile's and pytm's example models translated into the
//! estate format, the rules riskfirst raises on them, and how each of Threagile's risk
//! categories maps to riskfirst rules (the data behind `docs/comparison.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use riskfirst_model::fs::read_estate;
use riskfirst_model::node::Limits;
use riskfirst_model::{load, Estate, Options, Severity};
use riskfirst_rules::engine::Analysis;
use riskfirst_rules::{analyze, rule_catalog};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// What loading and analysing one fixture estate gave.
struct Run {
    estate: Estate,
    analysis: Analysis,
    /// Codes of the warnings, sorted, repeated as often as they occur.
    warnings: Vec<&'static str>,
}

fn run(name: &str) -> Run {
    let dir = fixture(name);
    let sources =
        read_estate(&dir, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let loaded = load(sources, &Options::default());
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    let mut warnings: Vec<&'static str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    warnings.sort_unstable();
    let estate = loaded
        .estate
        .unwrap_or_else(|| panic!("{name}: no estate and no error"));
    let analysis = analyze(&estate, &[]);
    assert!(
        analysis.diagnostics.is_empty(),
        "{name}: {:#?}",
        analysis.diagnostics
    );
    Run {
        estate,
        analysis,
        warnings,
    }
}

/// Rule code → number of threats it raised.
fn counts(analysis: &Analysis) -> BTreeMap<&str, usize> {
    let mut out = BTreeMap::new();
    for t in &analysis.threats {
        *out.entry(t.rule.code.as_str()).or_insert(0) += 1;
    }
    out
}

/// Whether riskfirst raises one of Threagile's categories on the translated example.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Coverage {
    /// Every rule listed fires on the translated model.
    Raised,
    /// None of the rules listed fires; the text says why (also in `docs/comparison.md`).
    NotRaised(&'static str),
}

use Coverage::{NotRaised, Raised};

/// Threagile's 42 built-in risk categories, each with the riskfirst rules that
/// cover it and whether they fire on the translated example.
const THREAGILE: &[(&str, &[&str], Coverage)] = &[
    ("accidental-secret-leak", &["I007"], NotRaised("narrower: I007 needs confidential data in the repository or a component that keeps secrets in code or configuration; the model says neither (Threagile flags every repository)")),
    ("code-backdooring", &["T013"], Raised),
    ("container-baseimage-backdooring", &["T018"], Raised),
    ("container-platform-escape", &["E001"], NotRaised("not applicable: the model has no container platform (E002 covers the containers themselves and fires)")),
    ("cross-site-request-forgery", &["T009"], Raised),
    ("cross-site-scripting", &["T008"], Raised),
    ("dos-risky-access-across-trust-boundary", &["D001"], Raised),
    ("incomplete-model", &["T094"], NotRaised("not applicable: every technology and protocol of the model is known")),
    ("ldap-injection", &["T002"], Raised),
    ("missing-authentication", &["S001"], Raised),
    ("missing-authentication-second-factor", &["S003"], Raised),
    ("missing-build-infrastructure", &["T097"], NotRaised("not applicable: the source repository and build server are modelled")),
    ("missing-cloud-hardening", &["E011"], NotRaised("not expressible: the format has no cloud-provider tags; hardening is stated per component and E011 fires on `hardened: false`, which the model does not state")),
    ("missing-file-validation", &["T007"], Raised),
    ("missing-hardening", &["E008"], Raised),
    ("missing-identity-propagation", &["S005"], Raised),
    ("missing-identity-provider-isolation", &["S007"], NotRaised("not applicable: the identity provider and its directory have a zone of their own")),
    ("missing-identity-store", &["S011"], NotRaised("not applicable: the LDAP directory is the identity store")),
    ("missing-network-segmentation", &["I010"], NotRaised("not applicable: no zone holds both restricted data at rest and an internet-facing component")),
    ("missing-vault", &["I005", "I006"], NotRaised("by design: riskfirst asks where each component keeps its secrets (`secrets:`) rather than inferring from a missing vault; the model does not say")),
    ("missing-vault-isolation", &["I011"], NotRaised("not applicable: the model has no vault")),
    ("missing-waf", &["E010"], Raised),
    ("mixed-targets-on-shared-runtime", &["E007"], NotRaised("not expressible: the format has no shared runtime (hypervisor) that several components run on")),
    ("path-traversal", &["T006"], NotRaised("narrower: T006 needs custom code that opens files; the only caller of the file server is the ERP, a product without custom code")),
    ("push-instead-of-pull-deployment", &["T014"], Raised),
    ("search-query-injection", &["T003"], NotRaised("not applicable: the model has no search engine")),
    ("server-side-request-forgery", &["I008"], Raised),
    ("service-registry-poisoning", &[], NotRaised("not covered: riskfirst's catalog has no service registry, and the model has none")),
    ("sql-nosql-injection", &["T001"], NotRaised("narrower: T001 needs custom code that builds queries; the database's callers are the ERP, a product, and an administrator's ssh session")),
    ("unchecked-deployment", &["T015"], Raised),
    ("unencrypted-asset", &["I002"], Raised),
    ("unencrypted-communication", &["I001"], Raised),
    ("unguarded-access-from-internet", &["I009"], Raised),
    ("unguarded-direct-datastore-access", &["T019"], Raised),
    ("unnecessary-communication-link", &["T091"], NotRaised("not applicable: every flow carries data")),
    ("unnecessary-data-asset", &["T090"], NotRaised("not applicable: every data asset is used")),
    ("unnecessary-data-transfer", &["T092"], NotRaised("not applicable: every in-scope end of a flow processes or stores what the flow carries")),
    ("unnecessary-technical-asset", &["T093"], NotRaised("not applicable: every component handles data")),
    ("untrusted-deserialization", &["T005"], Raised),
    ("wrong-communication-link-content", &["T095"], NotRaised("not applicable: every protocol fits the component it reaches")),
    ("wrong-trust-boundary-content", &["T096"], NotRaised("not applicable: no internet-facing component sits in a high-trust zone")),
    ("xml-external-entity", &["T004"], Raised),
];

#[test]
fn threagile_example_loads_with_no_errors_and_one_expected_warning() {
    let run = run("threagile-example");
    // The external developers' workstation stores code in Threagile's model too.
    assert_eq!(run.warnings, ["W012"]);
    assert_eq!(run.estate.components.len(), 14);
    assert_eq!(run.estate.flows.len(), 20);
    assert_eq!(run.estate.data.len(), 12);
}

#[test]
fn threagile_example_raises_exactly_these_rules() {
    let run = run("threagile-example");
    let got = counts(&run.analysis);
    let want: BTreeMap<&str, usize> = [
        ("D001", 8),
        ("D002", 2),
        ("D003", 5),
        ("D006", 3),
        ("D007", 1),
        ("D008", 4),
        ("D009", 1),
        ("E002", 2),
        ("E006", 2),
        ("E008", 2),
        ("E010", 2),
        ("I001", 4),
        ("I002", 1),
        ("I008", 1),
        ("I009", 2),
        ("R001", 7),
        ("R003", 3),
        ("R004", 1),
        ("R007", 3),
        ("S001", 1),
        ("S002", 2),
        ("S003", 5),
        ("S005", 2),
        ("S008", 1),
        ("S009", 1),
        ("S010", 2),
        ("T002", 1),
        ("T004", 1),
        ("T005", 2),
        ("T007", 4),
        ("T008", 2),
        ("T009", 1),
        ("T012", 1),
        ("T013", 1),
        ("T014", 2),
        ("T015", 2),
        ("T016", 3),
        ("T018", 2),
        ("T019", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        got, want,
        "rule codes and threat counts on the Threagile example"
    );
    assert_eq!(run.analysis.threats.len(), 91);
}

#[test]
fn threagile_table_lists_42_distinct_categories_with_known_rule_codes() {
    assert_eq!(THREAGILE.len(), 42);
    let names: BTreeSet<&str> = THREAGILE.iter().map(|(n, _, _)| *n).collect();
    assert_eq!(names.len(), 42, "a category is listed twice");
    let known: BTreeSet<String> = rule_catalog(&[]).into_iter().map(|r| r.code).collect();
    for (name, codes, coverage) in THREAGILE {
        for code in *codes {
            assert!(known.contains(*code), "{name}: no rule {code}");
        }
        if *coverage == Raised {
            assert!(!codes.is_empty(), "{name}: raised by no rule");
        }
    }
}

#[test]
fn threagile_categories_raise_the_mapped_rules_and_only_the_listed_ones_are_missing() {
    let run = run("threagile-example");
    let fired: BTreeSet<&str> = run
        .analysis
        .threats
        .iter()
        .map(|t| t.rule.code.as_str())
        .collect();
    for (name, codes, coverage) in THREAGILE {
        match coverage {
            Raised => {
                for code in *codes {
                    assert!(fired.contains(code), "{name}: {code} does not fire");
                }
            }
            // A rule that starts firing moves its category to `Raised`, here and in the doc.
            NotRaised(why) => {
                for code in *codes {
                    assert!(
                        !fired.contains(code),
                        "{name}: {code} now fires; the table says `{why}`"
                    );
                }
            }
        }
    }
    let missing: Vec<&str> = THREAGILE
        .iter()
        .filter(|(_, _, c)| *c != Raised)
        .map(|(n, _, _)| *n)
        .collect();
    assert_eq!(
        missing,
        [
            "accidental-secret-leak",
            "container-platform-escape",
            "incomplete-model",
            "missing-build-infrastructure",
            "missing-cloud-hardening",
            "missing-identity-provider-isolation",
            "missing-identity-store",
            "missing-network-segmentation",
            "missing-vault",
            "missing-vault-isolation",
            "mixed-targets-on-shared-runtime",
            "path-traversal",
            "search-query-injection",
            "service-registry-poisoning",
            "sql-nosql-injection",
            "unnecessary-communication-link",
            "unnecessary-data-asset",
            "unnecessary-data-transfer",
            "unnecessary-technical-asset",
            "wrong-communication-link-content",
            "wrong-trust-boundary-content",
        ]
    );
    // Of those, the ones that are not explained by the model itself.
    let not_applicable = THREAGILE
        .iter()
        .filter(|(_, _, c)| matches!(c, NotRaised(why) if why.starts_with("not applicable")))
        .count();
    assert_eq!((THREAGILE.len() - missing.len(), not_applicable), (21, 14));
    // What riskfirst raises on the model beyond Threagile's categories.
    let mapped: BTreeSet<&str> = THREAGILE
        .iter()
        .flat_map(|(_, codes, _)| codes.iter().copied())
        .collect();
    let beyond: Vec<&str> = fired
        .iter()
        .copied()
        .filter(|c| !mapped.contains(c))
        .collect();
    assert_eq!(
        beyond,
        [
            "D002", "D003", "D006", "D007", "D008", "D009", "E002", "E006", "R001", "R003", "R004",
            "R007", "S002", "S008", "S009", "S010", "T012", "T016",
        ]
    );
}

/// The category ids Threagile's own example refers to (its risk tracking and
/// individual categories) are in the table, so the table uses Threagile's ids.
#[test]
fn threagile_example_category_ids_are_in_the_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/threagile/example-threagile.yaml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: the Threagile corpus is absent ({} not found)",
            path.display()
        );
        return;
    };
    let names: BTreeSet<&str> = THREAGILE.iter().map(|(n, _, _)| *n).collect();
    let mut tracked = Vec::new();
    let mut in_tracking = false;
    for line in text.lines() {
        if line.starts_with("risk_tracking:") {
            in_tracking = true;
            continue;
        }
        if in_tracking && line.starts_with(|c: char| !c.is_whitespace() && c != '#') {
            in_tracking = false;
        }
        // Keys of `risk_tracking` are `category@element@...`, indented by two spaces.
        if in_tracking && line.starts_with("  ") && !line.starts_with("   ") {
            let key = line.trim().trim_matches('"');
            if let Some((category, _)) = key.split_once('@') {
                tracked.push(category.to_string());
            }
        }
    }
    assert!(
        tracked.len() >= 5,
        "risk_tracking keys not found: {tracked:?}"
    );
    for category in &tracked {
        assert!(
            names.contains(category.as_str()),
            "`{category}` is not in the table"
        );
    }
}

#[test]
fn pytm_example_loads_with_no_errors_or_warnings() {
    let run = run("pytm-example");
    assert!(run.warnings.is_empty(), "{:?}", run.warnings);
    assert_eq!(run.estate.components.len(), 5);
    assert_eq!(run.estate.flows.len(), 4);
}

#[test]
fn pytm_example_raises_exactly_these_threats() {
    let run = run("pytm-example");
    let got: Vec<&str> = run.analysis.threats.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        got,
        [
            "D001@comments-db",
            "D001@web-server",
            "D006@identity-db",
            "D009@web-server",
            "E006@cleaner@comments-db",
            "E006@comments-db@identity-db",
            "E006@user@web-server",
            "E006@web-server@comments-db",
            "E010@web-server",
            "I001@comments-db@identity-db",
            "I001@user@web-server",
            "I002@identity-db",
            "R001@comments-db",
            "R001@identity-db",
            "R003@web-server",
            "R004@cleaner@comments-db",
            "R004@comments-db@identity-db",
            "R004@user@web-server",
            "R004@web-server@comments-db",
            "S001@cleaner@comments-db",
            "S001@comments-db@identity-db",
            "S001@web-server@comments-db",
            "S006@user@web-server",
            "T001@web-server@comments-db",
            "T008@web-server",
            "T016@cleaner@comments-db",
            "T016@user@web-server",
            "T016@web-server@comments-db",
            "T019@cleaner@comments-db",
            "T019@web-server@comments-db",
            "T092@user@web-server",
            "T097@cleaner",
        ]
    );
}

/// Each threat class pytm 1.4.0 raises on its example, with the riskfirst rules that
/// raise the same kind of threat (empty: none; these are per-element checklist items
/// an architecture model cannot substantiate, see `docs/comparison.md`).
const PYTM: &[(&str, &[&str])] = &[
    ("AA01", &["S006"]),
    ("AA02", &["S006"]),
    ("AA03", &["S008", "S010"]),
    ("AA04", &[]),
    ("AC01", &["E006"]),
    ("AC05", &["T016"]),
    ("AC06", &["T007"]),
    ("AC07", &["E006"]),
    ("AC08", &[]),
    ("AC09", &[]),
    ("AC11", &["S008"]),
    ("AC16", &["S008"]),
    ("AC17", &["S008"]),
    ("CR03", &["S009", "D002"]),
    ("CR05", &[]),
    ("CR06", &["T016"]),
    ("CR08", &["I001"]),
    ("DE01", &["I001"]),
    ("DE02", &[]),
    ("DE03", &["I001"]),
    ("DE04", &["R001", "R005"]),
    ("DO01", &["D001", "D009"]),
    ("DO02", &["D009"]),
    ("DR01", &["I001"]),
    ("DS01", &[]),
    ("DS03", &[]),
    ("DS04", &["T008"]),
    ("DS06", &["I001"]),
    ("HA01", &["T006"]),
    ("HA03", &[]),
    ("INP03", &[]),
    ("INP05", &["T001"]),
    ("INP08", &[]),
    ("INP09", &["T002"]),
    ("INP10", &[]),
    ("INP11", &["T006"]),
    ("INP12", &[]),
    ("INP13", &["T011"]),
    ("INP14", &[]),
    ("INP16", &[]),
    ("INP17", &["T008"]),
    ("INP18", &[]),
    ("INP19", &["D007"]),
    ("INP21", &["T004"]),
    ("INP22", &["D007"]),
    ("INP24", &[]),
    ("INP25", &[]),
    ("INP26", &[]),
    ("INP28", &["T008"]),
    ("INP29", &["T008"]),
    ("INP34", &[]),
    ("INP36", &[]),
    ("INP37", &[]),
    ("SC02", &["T008"]),
    ("SC03", &["T008"]),
    ("SC04", &["T008"]),
    ("SC05", &[]),
];

/// pytm's findings on its example as `bench/pytm_example.py --ids-only` records them.
fn pytm_findings() -> Vec<(String, String)> {
    let path = fixture("pytm-example/pytm-findings.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(json["pytm_version"], "1.4.0");
    let Some(findings) = json["findings"].as_array() else {
        panic!("{}: no findings", path.display());
    };
    findings
        .iter()
        .map(|f| {
            let field = |k: &str| {
                f[k].as_str()
                    .unwrap_or_else(|| panic!("finding without {k}: {f}"))
                    .to_string()
            };
            (field("threat_id"), field("target"))
        })
        .collect()
}

#[test]
fn pytm_table_covers_exactly_the_classes_pytm_raised() {
    let findings = pytm_findings();
    assert_eq!(findings.len(), 100);
    let raised: BTreeSet<&str> = findings.iter().map(|(sid, _)| sid.as_str()).collect();
    let table: Vec<&str> = PYTM.iter().map(|(sid, _)| *sid).collect();
    assert_eq!(
        table,
        raised.iter().copied().collect::<Vec<_>>(),
        "the table lists pytm's classes, sorted, once each"
    );
    let known: BTreeSet<String> = rule_catalog(&[]).into_iter().map(|r| r.code).collect();
    for (sid, codes) in PYTM {
        for code in *codes {
            assert!(known.contains(*code), "{sid}: no rule {code}");
        }
    }
}

/// Which pytm classes riskfirst matches on the translation (a counterpart rule fires),
/// which have a counterpart the model gives no reason to fire, which have none, and
/// what riskfirst raises that no pytm class on the example corresponds to.
#[test]
fn pytm_classes_against_riskfirst_rules() {
    let run = run("pytm-example");
    let fired: BTreeSet<&str> = run
        .analysis
        .threats
        .iter()
        .map(|t| t.rule.code.as_str())
        .collect();
    let mut matched = Vec::new();
    let mut silent = Vec::new();
    let mut uncovered = Vec::new();
    for (sid, codes) in PYTM {
        if codes.is_empty() {
            uncovered.push(*sid);
        } else if codes.iter().any(|c| fired.contains(c)) {
            matched.push(*sid);
        } else {
            silent.push(*sid);
        }
    }
    assert_eq!(
        matched,
        [
            "AA01", "AA02", "AC01", "AC05", "AC07", "CR06", "CR08", "DE01", "DE03", "DE04", "DO01",
            "DO02", "DR01", "DS04", "DS06", "INP05", "INP17", "INP28", "INP29", "SC02", "SC03",
            "SC04",
        ]
    );
    assert_eq!(
        silent,
        [
            "AA03", "AC06", "AC11", "AC16", "AC17", "CR03", "HA01", "INP09", "INP11", "INP13",
            "INP19", "INP21", "INP22"
        ]
    );
    assert_eq!(
        uncovered,
        [
            "AA04", "AC08", "AC09", "CR05", "DE02", "DS01", "DS03", "HA03", "INP03", "INP08",
            "INP10", "INP12", "INP14", "INP16", "INP18", "INP24", "INP25", "INP26", "INP34",
            "INP36", "INP37", "SC05",
        ]
    );
    let counterparts: BTreeSet<&str> = PYTM
        .iter()
        .flat_map(|(_, codes)| codes.iter().copied())
        .collect();
    let only_riskfirst: Vec<&str> = fired
        .iter()
        .copied()
        .filter(|c| !counterparts.contains(c))
        .collect();
    assert_eq!(
        only_riskfirst,
        ["D006", "E010", "I002", "R003", "R004", "S001", "T019", "T092", "T097"]
    );
}
