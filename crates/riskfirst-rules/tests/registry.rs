//! Meta-tests over the registry: the conventions every rule must keep.

use std::collections::HashSet;

use riskfirst_rules::rules::builtin;
use riskfirst_rules::testing::{doc_yaml_block, estate_from_snippet};

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for rule in builtin() {
        let m = rule.meta();
        assert!(seen.insert(m.code), "duplicate code {}", m.code);
        assert_eq!(m.code.len(), 4, "{}", m.code);
        assert_eq!(
            m.code.chars().next(),
            Some(m.stride.letter()),
            "{} does not start with its STRIDE letter",
            m.code
        );
        assert!(
            m.code[1..].chars().all(|c| c.is_ascii_digit()),
            "{}",
            m.code
        );
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} name `{}` is not kebab-case",
            m.code,
            m.name
        );
        let (low, high) = m.frequency;
        assert!(
            low > 0.0 && low <= high,
            "{} frequency range ({low}, {high})",
            m.code
        );
        assert!(!m.cwe.is_empty(), "{} has no CWE", m.code);
    }
}

#[test]
fn summaries_are_lowercase_without_period() {
    for rule in builtin() {
        let m = rule.meta();
        let first = m.summary.chars().next().unwrap_or('X');
        assert!(
            !first.is_uppercase(),
            "{} summary starts uppercase: {}",
            m.code,
            m.summary
        );
        assert!(
            !m.summary.ends_with('.'),
            "{} summary ends with a period",
            m.code
        );
    }
}

#[test]
fn every_doc_has_every_section() {
    for rule in builtin() {
        let m = rule.meta();
        for section in [
            "What it does",
            "Why is this bad?",
            "Example",
            "Use instead",
            "Mitigations",
            "References",
        ] {
            assert!(
                m.doc().contains(&format!("## {section}")),
                "{} lacks section {section}",
                m.code
            );
        }
    }
}

#[test]
fn examples_fire_and_use_instead_does_not() {
    for rule in builtin() {
        let m = rule.meta();
        let doc = m.doc();
        let example = doc_yaml_block(&doc, "Example")
            .unwrap_or_else(|| panic!("{}: no yaml block in Example", m.code));
        let estate = estate_from_snippet(example)
            .unwrap_or_else(|e| panic!("{}: Example is invalid:\n{e}", m.code));
        let mut found = Vec::new();
        rule.check(&estate, &mut found);
        assert!(!found.is_empty(), "{}: Example does not fire", m.code);
        assert!(
            found.iter().all(|f| !f.facts.is_empty()),
            "{}: a finding has no facts",
            m.code
        );
        for f in &found {
            for fact in &f.facts {
                let first = fact.chars().next().unwrap_or('X');
                assert!(
                    !first.is_uppercase() && !fact.ends_with('.'),
                    "{}: fact `{fact}` must be lowercase without a period",
                    m.code
                );
            }
        }

        let fixed = doc_yaml_block(&doc, "Use instead")
            .unwrap_or_else(|| panic!("{}: no yaml block in Use instead", m.code));
        let estate = estate_from_snippet(fixed)
            .unwrap_or_else(|e| panic!("{}: Use instead is invalid:\n{e}", m.code));
        let mut found = Vec::new();
        rule.check(&estate, &mut found);
        assert!(
            found.is_empty(),
            "{}: Use instead still fires: {:?}",
            m.code,
            found
        );
    }
}
