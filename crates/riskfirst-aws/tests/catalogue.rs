//! Every control id a check names exists in the catalogues of `../shared/corpora/aws`
//! (CIS AWS Foundations 4.0.1, FSBP), with FSBP's severity, and its Prowler id is the
//! one the catalogue maps to it; and the table keeps its own conventions.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use riskfirst_aws::CHECKS;

/// id → (severity or profile, Prowler checks) of one TSV catalogue.
fn catalogue(
    path: &std::path::Path,
    severity_col: usize,
    prowler_col: usize,
) -> BTreeMap<String, (String, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let prowler = cols
                .get(prowler_col)
                .map(|p| {
                    p.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            Some((
                cols.first()?.to_string(),
                (cols.get(severity_col)?.to_string(), prowler),
            ))
        })
        .collect()
}

#[test]
fn every_catalogue_id_exists_with_its_severity_and_prowler_id() {
    let Some(dir) = common::corpus("aws") else {
        return;
    };
    let fsbp = catalogue(&dir.join("fsbp_controls.tsv"), 1, 4);
    let cis = catalogue(&dir.join("cis_aws_4.0.1_controls.tsv"), 1, 5);
    assert!(
        fsbp.len() > 250 && cis.len() > 60,
        "catalogues read: {} {}",
        fsbp.len(),
        cis.len()
    );
    for check in CHECKS {
        let mut mapped: Vec<&String> = Vec::new();
        if let Some(id) = check.fsbp {
            let (severity, prowler) = fsbp
                .get(id)
                .unwrap_or_else(|| panic!("{}: FSBP {id} is not in the catalogue", check.id));
            assert_eq!(
                severity,
                check.severity.as_str(),
                "{}: FSBP {id} has severity {severity}",
                check.id
            );
            mapped.extend(prowler);
        }
        for id in check.cis {
            let (_, prowler) = cis
                .get(*id)
                .unwrap_or_else(|| panic!("{}: CIS {id} is not in the catalogue", check.id));
            mapped.extend(prowler);
        }
        // The cross-walk: where the catalogue maps Prowler checks, ours is one of them
        // (the CIS column is shortened in places, so a prefix counts).
        if let (Some(p), false) = (check.prowler, mapped.is_empty()) {
            assert!(
                mapped
                    .iter()
                    .any(|m| m.as_str() == p || (m.len() > 20 && p.starts_with(m.as_str()))),
                "{}: Prowler {p} is not mapped to its controls ({mapped:?})",
                check.id
            );
        }
    }
}

#[test]
fn the_table_keeps_its_conventions() {
    let mut ids = BTreeSet::new();
    for check in CHECKS {
        assert!(ids.insert(check.id), "{} twice", check.id);
        assert!(
            check
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            check.id
        );
        assert!((1..=10).contains(&check.weight), "{}", check.id);
        // Titles read inside a sentence: no period; only names of services start upper case.
        assert!(
            !check.title.ends_with('.') && !check.title.starts_with("The "),
            "{}",
            check.id
        );
        assert!(!check.kinds.is_empty());
    }
    // Checks the demo estate's controls name as evidence exist.
    for id in [
        "iam-root-access-key-absent",
        "iam-user-mfa-enabled",
        "s3-bucket-public-access-blocked",
        "s3-account-public-access-blocked",
        "wafv2-web-acl-associated",
        "rds-storage-encrypted",
        "rds-snapshot-not-public",
    ] {
        assert!(ids.contains(id), "{id}");
    }
}
