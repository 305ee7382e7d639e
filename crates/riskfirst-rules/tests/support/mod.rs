//! Test support: loads an estate and makes sure `estate.root` holds the root file as read.
//!
//! The model's validator does not yet copy the parsed root file into
//! `Estate::root` (the field stays at its default), so custom rules and risk
//! overrides would be invisible. Until it does, the root is rebuilt here from
//! the positioned YAML tree, with the positions of the fields the engine
//! reports on (rule codes, `when:` conditions, override rules and threats).
//! Once the model fills `Estate::root`, this leaves it untouched.

use riskfirst_model::format::RootFile;
use riskfirst_model::node::{self, Limits, Node, Value};
use riskfirst_model::{load, FileId, Loaded, Options, Sources, Spanned};

fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::Float(f) => (*f).into(),
        Value::Str(s) => s.clone().into(),
        Value::Seq(items) => items.iter().map(to_json).collect(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn seq(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

fn place(field: &mut Spanned<String>, node: Option<&Node>) {
    if let Some(n) = node {
        field.span = n.span;
    }
}

/// Loads `sources`, filling `estate.root` when the model left it empty.
pub fn load_estate(sources: Sources) -> Loaded {
    let root_text = sources.root.1.clone();
    let mut loaded = load(sources, &Options::default());
    let Some(estate) = loaded.estate.as_mut() else { return loaded };
    if estate.root != RootFile::default() {
        return loaded;
    }
    let Ok(tree) = node::parse(&root_text, FileId(0), &Limits::default()) else { return loaded };
    let Ok(mut root) = serde_json::from_value::<RootFile>(to_json(&tree)) else { return loaded };
    for (rule, n) in root.rules.iter_mut().zip(seq(tree.get("rules"))) {
        place(&mut rule.code, n.get("code"));
        place(&mut rule.name, n.get("name"));
        place(&mut rule.when, n.get("when"));
    }
    if let Some(risk) = root.risk.as_mut() {
        for (o, n) in risk.overrides.iter_mut().zip(seq(tree.get("risk").and_then(|r| r.get("overrides")))) {
            if let Some(rule) = o.rule.as_mut() {
                place(rule, n.get("rule"));
            }
            if let Some(threat) = o.threat.as_mut() {
                place(threat, n.get("threat"));
            }
        }
    }
    estate.root = root;
    loaded
}
