//! Builds small estates from YAML snippets, for rule examples and tests.
//!
//! A snippet is the body of a system file without its header: `data`,
//! `components`, `flows` and so on. It is placed in an estate that defines
//! teams `team` and `platform`, business risks `breach`, `outage`, `fraud`
//! and `fine`, and zones `internet` (trust 0), `dmz` (50), `private` (90)
//! and `admin` (95), as the system `example` owned by `team`.

use riskfirst_model::{load, Estate, Loaded, Options, Sources};

pub const SNIPPET_ROOT: &str = "riskfirst: 1
organisation: { name: Example, currency: EUR }
teams:
  - { id: team, name: Team }
  - { id: platform, name: Platform }
business_risks:
  - { id: breach, title: Customer data is stolen, owner: CISO, loss_per_event: { low: 100_000, high: 5_000_000 } }
  - { id: outage, title: Customers cannot use the service, owner: COO, loss_per_event: { low: 10_000, high: 500_000 } }
  - { id: fraud, title: Money is stolen, owner: CFO, loss_per_event: { low: 50_000, high: 2_000_000 } }
  - { id: fine, title: A regulator fines us, owner: General Counsel, loss_per_event: { low: 100_000, high: 20_000_000 } }
zones:
  - { id: internet, trust: 0 }
  - { id: dmz, trust: 50 }
  - { id: private, trust: 90 }
  - { id: admin, trust: 95 }
";

pub const SNIPPET_HEADER: &str =
    "riskfirst: 1\nsystem: { id: example, name: Example, owner: team }\n";

/// Loads a snippet; the result holds the diagnostics when it is invalid.
pub fn load_snippet(snippet: &str) -> Loaded {
    let sources = Sources {
        root: ("riskfirst.yaml".into(), SNIPPET_ROOT.to_string()),
        systems: vec![(
            "systems/example.yaml".into(),
            format!("{SNIPPET_HEADER}{snippet}"),
        )],
    };
    load(sources, &Options::default())
}

/// Loads a snippet that must be valid; the error lists the diagnostics.
pub fn estate_from_snippet(snippet: &str) -> Result<Estate, String> {
    let loaded = load_snippet(snippet);
    match loaded.estate {
        Some(e) => Ok(e),
        None => {
            let mut text = String::new();
            for d in &loaded.diagnostics {
                text.push_str(&riskfirst_model::diag::render(
                    d,
                    &loaded.sources,
                    &Default::default(),
                ));
            }
            Err(text)
        }
    }
}

/// The first fenced YAML block under the heading `## {heading}` of a rule's documentation.
pub fn doc_yaml_block<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}");
    let start = doc.find(&marker)? + marker.len();
    let rest = &doc[start..];
    let next_heading = rest.find("\n## ").unwrap_or(rest.len());
    let section = &rest[..next_heading];
    let open = section.find("```yaml")? + "```yaml".len();
    let body = &section[open..];
    let close = body.find("```")?;
    Some(body[..close].trim_start_matches('\n'))
}

/// Runs one built-in rule, by code, on an estate; `None` when no rule has the code.
pub fn check_rule(code: &str, estate: &Estate) -> Option<Vec<crate::Finding>> {
    let rule = crate::rules::builtin()
        .into_iter()
        .find(|r| r.meta().code == code)?;
    let mut found = Vec::new();
    rule.check(estate, &mut found);
    Some(found)
}

/// A finding's elements by id, joined by `@`, for readable assertions.
pub fn element_ids(estate: &Estate, finding: &crate::Finding) -> String {
    let ids: Vec<&str> = finding
        .elements
        .iter()
        .map(|e| match *e {
            crate::Element::Component(c) => estate[c].id(),
            crate::Element::Flow(f) => estate[f].id(),
            crate::Element::Data(d) => estate[d].id(),
        })
        .collect();
    ids.join("@")
}
