//! Reading a source file: bytes to a positioned tree within limits, and small
//! accessors that treat a missing key, `null` and a wrong type alike, reporting
//! the wrong type so nothing is dropped silently.

use riskfirst_model::node::{self, Limits, Node, Value};
use riskfirst_model::FileId;

use crate::report::{ImportReport, Pos};
use crate::ImportError;

/// The text of a source file, or an error at the first byte that is not UTF-8.
pub fn utf8<'a>(bytes: &'a [u8], format: &str) -> Result<&'a str, ImportError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        let col = good.iter().rev().take_while(|b| **b != b'\n').count() as u32 + 1;
        ImportError::new(format!("the {format} file is not UTF-8 text"))
            .at(Some(Pos { line, col }))
            .hint("save the file as UTF-8")
    })
}

/// A JSON or YAML document as a tree, within the estate format's limits (16 MiB, depth 64,
/// 2,000,000 values), so a hostile file ends in an error with its position, never a hang.
pub fn tree(bytes: &[u8], format: &str) -> Result<Node, ImportError> {
    let text = utf8(bytes, format)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let limits = Limits::default();
    node::parse(text, FileId(0), &limits).or_else(|e| {
        // A syntax error of saphyr-parser that libyaml does not share (a multi-line quoted
        // scalar indented deeper than its key) is a reader's limitation, not the file's:
        // read such a file with libyaml, without positions. Limits were checked already,
        // and a file over them keeps the first error.
        if e.code == "E001" {
            if let Some(node) = fallback(text, limits.max_depth) {
                return Ok(node);
            }
        }
        let mut err = ImportError::new(format!("{format}: {}", e.message)).at(Pos::of(e.span));
        err.hint = e.hint;
        Err(err)
    })
}

/// A document whose top is a mapping, as every format here is; `noun` names the file in
/// the error (`an OTM file`).
pub fn document(bytes: &[u8], format: &str, noun: &str) -> Result<Node, ImportError> {
    let tree = tree(bytes, format)?;
    if !is_map(&tree) {
        return Err(ImportError::new(format!(
            "{noun} is a mapping at the top, not {}",
            tree.kind_name()
        ))
        .at(pos(&tree)));
    }
    Ok(tree)
}

/// The tree with YAML merge keys (`<<: *base`) resolved: the merged mapping's entries
/// that the mapping does not set itself are added to it, as YAML 1.1 readers do.
pub fn resolve_merges(node: Node) -> Node {
    let span = node.span;
    let value = match node.value {
        Value::Map(entries) => {
            let mut own: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
            let mut inherited: Vec<(Node, Node)> = Vec::new();
            for (k, v) in entries {
                let v = resolve_merges(v);
                if !matches!(&k.value, Value::Str(s) if s == "<<") {
                    own.push((k, v));
                    continue;
                }
                match v.value {
                    Value::Map(m) => inherited.extend(m),
                    Value::Seq(items) => {
                        for i in items {
                            if let Value::Map(m) = i.value {
                                inherited.extend(m);
                            }
                        }
                    }
                    _ => {}
                }
            }
            for (k, v) in inherited {
                let key = scalar(&k);
                if !own.iter().any(|(o, _)| scalar(o) == key) {
                    own.push((k, v));
                }
            }
            Value::Map(own)
        }
        Value::Seq(items) => Value::Seq(items.into_iter().map(resolve_merges).collect()),
        other => other,
    };
    Node { value, span }
}

fn fallback(text: &str, max_depth: usize) -> Option<Node> {
    let value: serde_json::Value = serde_yaml_ng::from_str(text).ok()?;
    from_json(&value, max_depth)
}

/// A JSON value as a tree without positions; `None` past `depth` levels.
fn from_json(value: &serde_json::Value, depth: usize) -> Option<Node> {
    use serde_json::Value as J;
    let depth = depth.checked_sub(1)?;
    let value = match value {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => Value::Str(s.clone()),
        J::Array(items) => Value::Seq(
            items
                .iter()
                .map(|i| from_json(i, depth))
                .collect::<Option<_>>()?,
        ),
        J::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| {
                    let key = Node {
                        value: Value::Str(k.clone()),
                        span: Default::default(),
                    };
                    Some((key, from_json(v, depth)?))
                })
                .collect::<Option<_>>()?,
        ),
    };
    Some(Node {
        value,
        span: Default::default(),
    })
}

/// The value under `key`, `None` when absent or `null`.
pub fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get(key).filter(|n| !matches!(n.value, Value::Null))
}

/// A scalar as text: strings as they are, numbers and booleans written out.
pub fn scalar(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The text under `key`, trimmed; `None` when absent, empty or not a scalar.
pub fn text(node: &Node, key: &str) -> Option<String> {
    get(node, key)
        .and_then(scalar)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

pub fn number(node: &Node, key: &str) -> Option<f64> {
    match get(node, key)?.value {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) if f.is_finite() => Some(f),
        Value::Str(ref s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

pub fn boolean(node: &Node, key: &str) -> Option<bool> {
    match get(node, key)?.value {
        Value::Bool(b) => Some(b),
        Value::Str(ref s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::Str(ref s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The list under `key`; a value of another type is reported as not mapped.
pub fn list<'a>(node: &'a Node, key: &str, report: &mut ImportReport, whose: &str) -> &'a [Node] {
    match get(node, key) {
        None => &[],
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items,
        Some(other) => {
            report.not_mapped(
                format!("{whose}{key}"),
                format!("expected a list, found {}", other.kind_name()),
                Pos::of(other.span),
            );
            &[]
        }
    }
}

/// The entries of the mapping under `key`; another type is reported as not mapped.
#[allow(dead_code)] // for mapping-shaped formats (Threagile)
pub fn entries<'a>(
    node: &'a Node,
    key: &str,
    report: &mut ImportReport,
    whose: &str,
) -> &'a [(Node, Node)] {
    match get(node, key) {
        None => &[],
        Some(Node {
            value: Value::Map(entries),
            ..
        }) => entries,
        Some(other) => {
            report.not_mapped(
                format!("{whose}{key}"),
                format!("expected a mapping, found {}", other.kind_name()),
                Pos::of(other.span),
            );
            &[]
        }
    }
}

/// The texts of a list of scalars under `key` (other items are skipped).
pub fn texts(node: &Node, key: &str) -> Vec<String> {
    match get(node, key).map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().filter_map(scalar).collect(),
        Some(Value::Str(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

pub fn is_map(node: &Node) -> bool {
    matches!(node.value, Value::Map(_))
}

pub fn pos(node: &Node) -> Option<Pos> {
    Pos::of(node.span)
}

/// The tree as a JSON value (positions dropped), for values kept verbatim.
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (scalar(k).unwrap_or_default(), to_json(v)))
                .collect(),
        ),
    }
}

/// The string under `key` exactly as written (not trimmed), for values read back verbatim.
pub fn raw(node: &Node, key: &str) -> Option<String> {
    get(node, key).and_then(scalar)
}
