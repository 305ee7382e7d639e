//! What the rule tests share: running one rule on a YAML snippet, and the ids of what it found.

#![allow(dead_code)] // each test file uses its own part of this module

use riskfirst_model::format::Stride;
use riskfirst_model::Estate;
use riskfirst_rules::rules::builtin;
use riskfirst_rules::testing::{check_rule, element_ids, estate_from_snippet};
use riskfirst_rules::Finding;

/// The estate of a snippet; fails the test when the snippet is invalid.
pub fn snippet_estate(snippet: &str) -> Estate {
    estate_from_snippet(snippet).unwrap_or_else(|e| panic!("invalid snippet:\n{e}"))
}

/// Runs one rule by code on a snippet.
pub fn findings(code: &str, snippet: &str) -> Vec<Finding> {
    check_rule(code, &snippet_estate(snippet)).unwrap_or_else(|| panic!("no rule {code}"))
}

/// The ids of the findings' first elements, for readable assertions.
pub fn first_ids(snippet: &str, found: &[Finding]) -> Vec<String> {
    let estate = snippet_estate(snippet);
    found
        .iter()
        .map(|f| {
            let first = Finding {
                elements: f.elements[..1].to_vec(),
                ..f.clone()
            };
            element_ids(&estate, &first)
        })
        .collect()
}

/// Runs one rule on an estate: `(element ids joined by @, facts)` per finding.
pub fn described_on(code: &str, estate: &Estate) -> Vec<(String, Vec<String>)> {
    let found = check_rule(code, estate).unwrap_or_else(|| panic!("no rule {code}"));
    found
        .into_iter()
        .map(|f| (element_ids(estate, &f), f.facts))
        .collect()
}

/// Runs one rule on a snippet: `(element ids joined by @, facts)` per finding.
pub fn described(code: &str, snippet: &str) -> Vec<(String, Vec<String>)> {
    described_on(code, &snippet_estate(snippet))
}

/// The element ids of described findings.
pub fn described_ids(found: &[(String, Vec<String>)]) -> Vec<&str> {
    found.iter().map(|(id, _)| id.as_str()).collect()
}

/// Asserts that the built-in rules of a STRIDE category are exactly `PREFIX001` to
/// `PREFIXnnn`, in code order.
pub fn assert_category_codes(stride: Stride, prefix: char, count: usize) {
    let codes: Vec<&str> = builtin()
        .into_iter()
        .filter(|r| r.meta().stride == stride)
        .map(|r| r.meta().code)
        .collect();
    let expected: Vec<String> = (1..=count).map(|n| format!("{prefix}{n:03}")).collect();
    assert_eq!(codes, expected);
}
