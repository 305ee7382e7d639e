//! Snapshot tests of the rendered diagnostics: one fixture estate per problem.
//!
//! Each case is a directory under `tests/fixtures/invalid/` (or `warnings/`)
//! holding a `riskfirst.yaml` (or `.json`) and `systems/*`. Every case goes
//! through one [`check`] helper, which asserts the code, file, line and
//! column of every diagnostic and snapshots the rendered output, so a
//! reviewer sees exactly what a user would.

use std::path::{Path, PathBuf};

use riskfirst_model::diag::{render, Styles};
use riskfirst_model::node::Limits;
use riskfirst_model::{load, Date, Loaded, Options, Sources};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads a fixture estate with paths relative to its directory, so the
/// rendered output is the same on every machine.
fn read_case(dir: &Path) -> Sources {
    let mut sources = Sources::default();
    for name in ["riskfirst.yaml", "riskfirst.json"] {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            sources.root = (PathBuf::from(name), text);
        }
    }
    assert!(
        !sources.root.1.is_empty(),
        "{} has no root file",
        dir.display()
    );
    let mut systems: Vec<PathBuf> = std::fs::read_dir(dir.join("systems"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    systems.sort();
    for path in systems {
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8 text");
        let name = path.file_name().expect("a file name");
        sources
            .systems
            .push((Path::new("systems").join(name), text));
    }
    sources
}

fn rendered(loaded: &Loaded) -> String {
    let mut out = String::new();
    for d in &loaded.diagnostics {
        out.push_str(&render(d, &loaded.sources, &Styles::default()));
        out.push('\n');
    }
    out.push_str(&format!(
        "{} error(s), {} warning(s); estate {}\n",
        loaded.errors(),
        loaded.warnings(),
        if loaded.estate.is_some() {
            "valid"
        } else {
            "invalid"
        }
    ));
    out
}

/// Where a diagnostic points: code, file, line, column.
type At = (&'static str, &'static str, u32, u32);

/// Loads `fixtures/<kind>/<case>` with default options and checks it.
fn check(kind: &str, case: &str, expected: &[At]) {
    check_with(kind, case, &Options::default(), expected);
}

/// Asserts every diagnostic (errors and warnings, in order) by code, file,
/// line and column, that `invalid` cases fail and `warnings` cases still
/// produce an estate, and snapshots the rendered text.
fn check_with(kind: &str, case: &str, options: &Options, expected: &[At]) {
    let dir = fixtures().join(kind).join(case);
    let loaded = load(read_case(&dir), options);
    let text = rendered(&loaded);
    let actual: Vec<(&str, String, u32, u32)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, loaded.sources.path(d.span), d.span.line, d.span.col))
        .collect();
    let expected: Vec<(&str, String, u32, u32)> = expected
        .iter()
        .map(|(code, file, line, col)| (*code, file.to_string(), *line, *col))
        .collect();
    assert_eq!(actual, expected, "{kind}/{case}:\n{text}");
    match kind {
        "invalid" => assert!(loaded.estate.is_none(), "{case} loaded:\n{text}"),
        _ => {
            assert!(
                loaded.estate.is_some(),
                "warnings must not make {case} invalid:\n{text}"
            );
            assert!(loaded.diagnostics.iter().all(|d| !d.is_error()), "{text}");
        }
    }
    insta::assert_snapshot!(format!("{kind}__{case}"), text);
}

/// The estate every fixture is derived from is valid and raises nothing, so
/// each fixture's diagnostics come from its one change.
#[test]
fn base_fixture_is_clean() {
    let loaded = load(
        read_case(&fixtures().join("valid/base")),
        &Options::default(),
    );
    assert!(loaded.diagnostics.is_empty(), "{}", rendered(&loaded));
    let estate = loaded.estate.expect("the base fixture is valid");
    assert_eq!(estate.systems.len(), 2);
    assert_eq!(estate.flows.len(), 3);
}

/// Every fixture directory has a test, so none is silently skipped.
#[test]
fn every_fixture_has_a_test() {
    let source = include_str!("diagnostics.rs");
    for kind in ["invalid", "warnings"] {
        for entry in std::fs::read_dir(fixtures().join(kind)).expect("fixture directory") {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            assert!(
                source.contains(&format!("\"{kind}\",\n        \"{name}\""))
                    || source.contains(&format!("\"{kind}\", \"{name}\"")),
                "fixture {kind}/{name} has no test"
            );
        }
    }
}

// ---- invalid models: one problem each, then several at once

#[test]
fn acceptance_without_approved_by() {
    check(
        "invalid",
        "acceptance-without-approved-by",
        &[("E051", "systems/shop.yaml", 52, 13)],
    );
}

#[test]
fn acceptance_without_expiry() {
    check(
        "invalid",
        "acceptance-without-expiry",
        &[("E052", "systems/shop.yaml", 52, 13)],
    );
}

#[test]
fn acceptance_without_justification() {
    check(
        "invalid",
        "acceptance-without-justification",
        &[("E050", "systems/shop.yaml", 52, 13)],
    );
}

#[test]
fn appetite_empty_loss_limit() {
    check(
        "invalid",
        "appetite-empty-loss-limit",
        &[("E034", "riskfirst.yaml", 20, 9)],
    );
}

#[test]
fn appetite_unknown_level() {
    check(
        "invalid",
        "appetite-unknown-level",
        &[("E021", "riskfirst.yaml", 24, 21)],
    );
}

#[test]
fn appetite_without_limit() {
    check(
        "invalid",
        "appetite-without-limit",
        &[("E034", "riskfirst.yaml", 23, 9)],
    );
}

#[test]
fn bad_currency() {
    check(
        "invalid",
        "bad-currency",
        &[("E030", "riskfirst.yaml", 4, 13)],
    );
}

#[test]
fn billion_laughs() {
    check(
        "invalid",
        "billion-laughs",
        &[("E004", "riskfirst.yaml", 6, 63)],
    );
}

#[test]
fn control_mitigates_nothing() {
    check(
        "invalid",
        "control-mitigates-nothing",
        &[("E034", "systems/shop.yaml", 61, 9)],
    );
}

#[test]
fn custom_rule_not_kebab() {
    check(
        "invalid",
        "custom-rule-not-kebab",
        &[("E023", "riskfirst.yaml", 46, 11)],
    );
}

#[test]
fn duplicate_component_id() {
    check(
        "invalid",
        "duplicate-component-id",
        &[("E020", "systems/shop.yaml", 33, 9)],
    );
}

#[test]
fn duplicate_control_id() {
    check(
        "invalid",
        "duplicate-control-id",
        &[("E020", "systems/shop.yaml", 69, 9)],
    );
}

#[test]
fn duplicate_data_id() {
    check(
        "invalid",
        "duplicate-data-id",
        &[("E020", "systems/shop.yaml", 13, 9)],
    );
}

#[test]
fn duplicate_flow_id() {
    check(
        "invalid",
        "duplicate-flow-id",
        &[("E020", "systems/shop.yaml", 46, 9)],
    );
}

#[test]
fn duplicate_key() {
    check(
        "invalid",
        "duplicate-key",
        &[("E005", "systems/shop.yaml", 24, 5)],
    );
}

#[test]
fn duplicate_system_id() {
    check(
        "invalid",
        "duplicate-system-id",
        &[("E020", "systems/shop.yaml", 3, 7)],
    );
}

#[test]
fn duplicate_team_id() {
    check(
        "invalid",
        "duplicate-team-id",
        &[("E020", "riskfirst.yaml", 8, 9)],
    );
}

#[test]
fn duplicate_zone_id() {
    check(
        "invalid",
        "duplicate-zone-id",
        &[("E020", "systems/shop.yaml", 16, 9)],
    );
}

#[test]
fn effectiveness_above_one() {
    check(
        "invalid",
        "effectiveness-above-one",
        &[("E030", "systems/shop.yaml", 68, 61)],
    );
}

#[test]
fn effectiveness_as_percent() {
    check(
        "invalid",
        "effectiveness-as-percent",
        &[("E030", "systems/shop.yaml", 68, 61)],
    );
}

#[test]
fn effectiveness_range_reversed() {
    check(
        "invalid",
        "effectiveness-range-reversed",
        &[("E031", "systems/shop.yaml", 68, 61)],
    );
}

#[test]
fn file_too_large() {
    check_with(
        "invalid",
        "file-too-large",
        &Options {
            limits: Limits {
                max_file_bytes: 4096,
                ..Limits::default()
            },
            today: None,
        },
        &[("E002", "systems/platform.yaml", 1, 1)],
    );
}

#[test]
fn flow_to_itself() {
    check(
        "invalid",
        "flow-to-itself",
        &[("E040", "systems/shop.yaml", 43, 9)],
    );
}

#[test]
fn hand_written_threat_incomplete() {
    check(
        "invalid",
        "hand-written-threat-incomplete",
        &[("E012", "systems/shop.yaml", 56, 9)],
    );
}

#[test]
fn huge_integer() {
    check(
        "invalid",
        "huge-integer",
        &[("E011", "systems/shop.yaml", 11, 14)],
    );
}

#[test]
fn infinite_number() {
    check(
        "invalid",
        "infinite-number",
        &[("E011", "riskfirst.yaml", 22, 29)],
    );
}

#[test]
fn invalid_date() {
    check(
        "invalid",
        "invalid-date",
        &[("E032", "systems/shop.yaml", 55, 14)],
    );
}

#[test]
fn invalid_id_characters() {
    check(
        "invalid",
        "invalid-id-characters",
        &[("E022", "systems/shop.yaml", 27, 9)],
    );
}

#[test]
fn json_syntax_error() {
    check(
        "invalid",
        "json-syntax-error",
        &[("E001", "systems/platform.json", 4, 3)],
    );
}

#[test]
fn loss_range_starts_at_zero() {
    check(
        "invalid",
        "loss-range-starts-at-zero",
        &[("E030", "riskfirst.yaml", 18, 21)],
    );
}

#[test]
fn low_greater_than_high() {
    check(
        "invalid",
        "low-greater-than-high",
        &[("E031", "riskfirst.yaml", 18, 21)],
    );
}

#[test]
fn matrix_wrong_shape() {
    check(
        "invalid",
        "matrix-wrong-shape",
        &[("E033", "riskfirst.yaml", 36, 8)],
    );
}

#[test]
fn missing_required_key() {
    check(
        "invalid",
        "missing-required-key",
        &[("E012", "systems/shop.yaml", 27, 9)],
    );
}

#[test]
fn missing_required_key_flow() {
    check(
        "invalid",
        "missing-required-key-flow",
        &[("E012", "systems/shop.yaml", 46, 9)],
    );
}

#[test]
fn missing_version() {
    check(
        "invalid",
        "missing-version",
        &[("E060", "systems/shop.yaml", 1, 1)],
    );
}

#[test]
fn mitigation_selects_nothing() {
    check(
        "invalid",
        "mitigation-selects-nothing",
        &[("E034", "systems/shop.yaml", 68, 46)],
    );
}

#[test]
fn negative_money() {
    check(
        "invalid",
        "negative-money",
        &[("E030", "riskfirst.yaml", 18, 21)],
    );
}

#[test]
fn negative_record_count() {
    check(
        "invalid",
        "negative-record-count",
        &[("E011", "systems/shop.yaml", 11, 14)],
    );
}

#[test]
fn nesting_too_deep() {
    check(
        "invalid",
        "nesting-too-deep",
        &[("E003", "riskfirst.yaml", 5, 78)],
    );
}

#[test]
fn number_too_large() {
    check(
        "invalid",
        "number-too-large",
        &[("E011", "riskfirst.yaml", 14, 42)],
    );
}

#[test]
fn out_of_scope_without_reason() {
    check(
        "invalid",
        "out-of-scope-without-reason",
        &[("E050", "systems/shop.yaml", 17, 9)],
    );
}

#[test]
fn root_is_a_system_file() {
    check(
        "invalid",
        "root-is-a-system-file",
        &[("E012", "riskfirst.yaml", 1, 1)],
    );
}

#[test]
fn scales_out_of_order() {
    check(
        "invalid",
        "scales-out-of-order",
        &[("E033", "riskfirst.yaml", 28, 30)],
    );
}

#[test]
fn second_document() {
    check(
        "invalid",
        "second-document",
        &[("E001", "systems/platform.yaml", 11, 1)],
    );
}

#[test]
fn several_acceptance_problems() {
    check(
        "invalid",
        "several-acceptance-problems",
        &[
            ("E050", "systems/shop.yaml", 52, 13),
            ("E051", "systems/shop.yaml", 52, 13),
            ("E052", "systems/shop.yaml", 52, 13),
        ],
    );
}

#[test]
fn several_problems() {
    check(
        "invalid",
        "several-problems",
        &[
            ("E030", "riskfirst.yaml", 4, 13),
            ("E010", "systems/platform.yaml", 10, 5),
            ("E021", "systems/shop.yaml", 24, 11),
            ("E013", "systems/shop.yaml", 28, 11),
            ("E021", "systems/shop.yaml", 43, 9),
        ],
    );
}

#[test]
fn top_level_list() {
    check(
        "invalid",
        "top-level-list",
        &[("E011", "systems/platform.yaml", 1, 1)],
    );
}

#[test]
fn transferred_without_justification() {
    check(
        "invalid",
        "transferred-without-justification",
        &[("E050", "systems/shop.yaml", 52, 13)],
    );
}

#[test]
fn trust_out_of_range() {
    check(
        "invalid",
        "trust-out-of-range",
        &[("E030", "systems/shop.yaml", 15, 12)],
    );
}

#[test]
fn unknown_business_risk() {
    check(
        "invalid",
        "unknown-business-risk",
        &[("E021", "systems/shop.yaml", 12, 22)],
    );
}

#[test]
fn unknown_component_in_flow() {
    check(
        "invalid",
        "unknown-component-in-flow",
        &[("E021", "systems/shop.yaml", 43, 9)],
    );
}

#[test]
fn unknown_component_of_other_system() {
    check(
        "invalid",
        "unknown-component-of-other-system",
        &[("E021", "systems/shop.yaml", 34, 5)],
    );
}

#[test]
fn unknown_data_asset() {
    check(
        "invalid",
        "unknown-data-asset",
        &[("E021", "systems/shop.yaml", 45, 12)],
    );
}

#[test]
fn unknown_enum_value() {
    check(
        "invalid",
        "unknown-enum-value",
        &[("E013", "systems/shop.yaml", 28, 11)],
    );
}

#[test]
fn unknown_key_did_you_mean() {
    check(
        "invalid",
        "unknown-key-did-you-mean",
        &[("E010", "systems/shop.yaml", 25, 5)],
    );
}

#[test]
fn unknown_key_far() {
    check(
        "invalid",
        "unknown-key-far",
        &[("E010", "systems/shop.yaml", 30, 5)],
    );
}

#[test]
fn unknown_system_in_reference() {
    check(
        "invalid",
        "unknown-system-in-reference",
        &[("E021", "systems/shop.yaml", 48, 9)],
    );
}

#[test]
fn unknown_team() {
    check(
        "invalid",
        "unknown-team",
        &[("E021", "systems/shop.yaml", 5, 10)],
    );
}

#[test]
fn unknown_zone() {
    check(
        "invalid",
        "unknown-zone",
        &[("E021", "systems/shop.yaml", 24, 11)],
    );
}

#[test]
fn unsupported_version() {
    check(
        "invalid",
        "unsupported-version",
        &[("E061", "systems/shop.yaml", 1, 12)],
    );
}

#[test]
fn uses_without_system() {
    check(
        "invalid",
        "uses-without-system",
        &[("E024", "systems/shop.yaml", 34, 5)],
    );
}

#[test]
fn wrong_type_in_header() {
    check(
        "invalid",
        "wrong-type-in-header",
        &[("E011", "systems/shop.yaml", 6, 19)],
    );
}

#[test]
fn wrong_type_list_for_mapping() {
    check(
        "invalid",
        "wrong-type-list-for-mapping",
        &[("E011", "systems/shop.yaml", 65, 11)],
    );
}

#[test]
fn wrong_type_string_for_list() {
    check(
        "invalid",
        "wrong-type-string-for-list",
        &[("E011", "systems/shop.yaml", 26, 16)],
    );
}

#[test]
fn wrong_type_string_for_number() {
    check(
        "invalid",
        "wrong-type-string-for-number",
        &[("E011", "riskfirst.yaml", 41, 12)],
    );
}

#[test]
fn yaml_bad_indentation() {
    check(
        "invalid",
        "yaml-bad-indentation",
        &[("E001", "systems/shop.yaml", 5, 9)],
    );
}

#[test]
fn yaml_tab_indentation() {
    check(
        "invalid",
        "yaml-tab-indentation",
        &[("E001", "systems/shop.yaml", 19, 1)],
    );
}

#[test]
fn yaml_unclosed_bracket() {
    check(
        "invalid",
        "yaml-unclosed-bracket",
        &[("E001", "systems/shop.yaml", 31, 13)],
    );
}

#[test]
fn warning_component_without_flows() {
    check(
        "warnings",
        "component-without-flows",
        &[("W015", "systems/shop.yaml", 33, 9)],
    );
}

#[test]
fn warning_expired_acceptance() {
    check_with(
        "warnings",
        "expired-acceptance",
        &Options {
            today: Date::parse("2026-12-01"),
            ..Options::default()
        },
        &[("W020", "systems/shop.yaml", 55, 14)],
    );
}

#[test]
fn warning_unknown_protocol() {
    check(
        "warnings",
        "unknown-protocol",
        &[("W013", "systems/shop.yaml", 44, 15)],
    );
}

#[test]
fn warning_unknown_technology() {
    check(
        "warnings",
        "unknown-technology",
        &[("W010", "systems/shop.yaml", 29, 17)],
    );
}

#[test]
fn warning_unused_data_asset() {
    check(
        "warnings",
        "unused-data-asset",
        &[("W014", "systems/shop.yaml", 13, 9)],
    );
}

// ---- messages that once misled: each says what the user wrote and why it is refused

#[test]
fn quoted_number() {
    check(
        "invalid",
        "quoted-number",
        &[("E011", "riskfirst.yaml", 14, 28)],
    );
}

#[test]
fn version_as_decimal() {
    check(
        "invalid",
        "version-as-decimal",
        &[("E061", "riskfirst.yaml", 1, 12)],
    );
}

#[test]
fn nul_byte() {
    check("invalid", "nul-byte", &[("E001", "riskfirst.yaml", 3, 18)]);
}

#[test]
fn negative_seed() {
    check(
        "invalid",
        "negative-seed",
        &[("E011", "riskfirst.yaml", 53, 9)],
    );
}

#[test]
fn json_trailing_comma() {
    check(
        "invalid",
        "json-trailing-comma",
        &[("E001", "systems/platform.json", 6, 3)],
    );
}
