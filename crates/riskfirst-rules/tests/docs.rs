//! `docs/rules/` is generated from the rules' doc comments; this test fails when it is stale.
//!
//! `RISKFIRST_BLESS=1 cargo test -p riskfirst-rules --test docs` rewrites the
//! files and removes the pages of rules that no longer exist.

use std::collections::BTreeMap;
use std::path::Path;

use riskfirst_rules::docs::render_rule_docs;
use riskfirst_rules::rules::builtin;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules");

fn on_disk(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(name, std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    files
}

#[test]
fn docs_rules_is_up_to_date() {
    let dir = Path::new(DIR);
    let wanted: BTreeMap<String, String> = render_rule_docs().into_iter().collect();
    if std::env::var_os("RISKFIRST_BLESS").is_some() {
        std::fs::create_dir_all(dir).expect("create docs/rules");
        for name in on_disk(dir).keys() {
            if !wanted.contains_key(name) {
                std::fs::remove_file(dir.join(name)).expect("remove a stale page");
            }
        }
        for (name, content) in &wanted {
            std::fs::write(dir.join(name), content).expect("write a page");
        }
    }
    let have = on_disk(dir);
    let mut stale = Vec::new();
    for (name, content) in &wanted {
        match have.get(name) {
            None => stale.push(format!("missing docs/rules/{name}")),
            Some(c) if c != content => stale.push(format!("outdated docs/rules/{name}")),
            Some(_) => {}
        }
    }
    stale.extend(
        have.keys()
            .filter(|n| !wanted.contains_key(*n))
            .map(|n| format!("docs/rules/{n} documents no rule")),
    );
    assert!(
        stale.is_empty(),
        "docs/rules is stale:\n  {}\nrun `RISKFIRST_BLESS=1 cargo test -p riskfirst-rules --test docs` and commit the result",
        stale.join("\n  ")
    );
}

#[test]
fn every_rule_has_a_page_and_a_row_in_the_index() {
    let docs = render_rule_docs();
    let (index_name, index) = &docs[0];
    assert_eq!(index_name, "README.md");
    assert_eq!(docs.len(), builtin().len() + 1);
    for rule in builtin() {
        let m = rule.meta();
        let page = format!("{}-{}.md", m.code, m.name);
        let (_, content) = docs
            .iter()
            .find(|(n, _)| *n == page)
            .unwrap_or_else(|| panic!("no page {page}"));
        assert!(
            content.starts_with(&format!("# {} {}\n", m.code, m.name)),
            "{page}"
        );
        assert!(content.contains("## What it does"), "{page}");
        assert!(
            index.contains(&format!("| [{}]({page}) | {} |", m.code, m.name)),
            "{} is not in the index",
            m.code
        );
    }
}

#[test]
fn the_rule_language_reference_names_every_attribute() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let text = std::fs::read_to_string(path).expect("docs/rules.md");
    use riskfirst_model::format::RuleTarget;
    let mut missing = Vec::new();
    for target in [RuleTarget::Component, RuleTarget::Flow, RuleTarget::Data] {
        for (name, _) in riskfirst_rules::expr::attribute_table(target) {
            if !text.contains(&format!("`{name}`")) {
                missing.push(format!("{target:?} attribute `{name}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/rules.md does not document: {}",
        missing.join(", ")
    );
}
