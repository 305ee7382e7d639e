//! The generated rule documentation of `docs/rules/`: an index and one page per built-in rule.
//!
//! The pages come from the same doc comments as `riskfirst rules explain`,
//! and `tests/docs.rs` fails when the committed files are stale.

use std::fmt::Write as _;

use riskfirst_model::format::Stride;

use crate::engine::{rule_doc, RuleInfo};
use crate::rules::builtin;

/// The file name of a rule's page: `<CODE>-<name>.md`.
pub fn page_name(code: &str, name: &str) -> String {
    format!("{code}-{name}.md")
}

/// Every file of `docs/rules/`: `(path relative to docs/rules/, content)`, the index first.
pub fn render_rule_docs() -> Vec<(String, String)> {
    let rules = builtin();
    let mut index = String::from(
        "# Rules\n\n\
         <!-- Generated from the rules' doc comments by `RISKFIRST_BLESS=1 cargo test -p riskfirst-rules --test docs`; do not edit. -->\n\n\
         Every built-in rule, by STRIDE category. `riskfirst rules explain CODE` prints the same page;\n\
         organisations add their own rules as data (see [the rule language](../rules.md)).\n",
    );
    let _ = writeln!(index, "\n{} rules in all.", rules.len());
    let mut pages = Vec::new();
    for stride in Stride::ALL {
        let of: Vec<_> = rules.iter().filter(|r| r.meta().stride == stride).collect();
        if of.is_empty() {
            continue;
        }
        let title = stride.name().replace('-', " ");
        let mut chars = title.chars();
        let title: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        let _ = writeln!(
            index,
            "\n## {title}\n\n| code | name | CWE | summary |\n|---|---|---|---|"
        );
        for rule in of {
            let m = rule.meta();
            let page = page_name(m.code, m.name);
            let cwe: Vec<String> = m.cwe.iter().map(|c| format!("CWE-{c}")).collect();
            let _ = writeln!(
                index,
                "| [{}]({page}) | {} | {} | {} |",
                m.code,
                m.name,
                cwe.join(", "),
                m.summary.replace('|', "\\|")
            );
            let info = RuleInfo::from_meta(m);
            let body = rule_doc(&info.code, &[]).unwrap_or_default();
            pages.push((page, format!("{body}\n---\n[All rules](README.md)\n")));
        }
    }
    let mut out = vec![("README.md".to_string(), index)];
    out.extend(pages);
    out
}
