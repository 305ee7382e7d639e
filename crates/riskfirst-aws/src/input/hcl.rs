//! Raw Terraform (`.tf`) files: HCL read with `hcl-edit`, which keeps byte spans, into
//! the same shape as plan JSON's `values` (attributes as values, nested blocks as lists
//! of objects) so one normaliser serves both; each attribute keeps its line.
//!
//! Expressions that are not literals stay as their source text (`aws_vpc.web.id`,
//! `"${var.region}a"`), with the references they name recorded, so that the
//! normaliser can resolve `var.X` to a variable's default and `data.….json` to a
//! policy document.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span;
use serde_json::{Map, Value};

use super::terraform::{TfModule, TfResource, TfVariable};
use crate::error::InputError;
use crate::graph::Location;

/// Deeper bracket nesting than this is refused before parsing: the parser recurses.
pub const MAX_DEPTH: usize = 64;

/// Byte offsets of line starts, for offset → line.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    fn line(&self, offset: usize) -> u32 {
        let i = self.0.partition_point(|&s| s <= offset);
        u32::try_from(i).unwrap_or(u32::MAX)
    }
}

/// Parses one `.tf` file into `module` (a directory's files make one module).
pub fn read_into(module: &mut TfModule, file: &str, text: &str) -> Result<(), InputError> {
    // HCL strings end at a line end, and parentheses nest too.
    if crate::bracket_depth(text.as_bytes(), b"{[(", b"}])", true) > MAX_DEPTH {
        return Err(InputError::TooDeep {
            file: file.to_string(),
            limit: MAX_DEPTH,
        });
    }
    let body = hcl_edit::parser::parse_body(text).map_err(|e| InputError::Syntax {
        file: file.to_string(),
        line: u32::try_from(e.location().line()).unwrap_or(u32::MAX),
        col: u32::try_from(e.location().column()).unwrap_or(u32::MAX),
        message: e.message().to_string(),
    })?;
    let lines = Lines::new(text);
    let at = |span: Option<std::ops::Range<usize>>| Location {
        file: file.to_string(),
        line: span.map(|s| lines.line(s.start)),
    };
    for structure in body.iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        match (block.ident.as_str(), labels.as_slice()) {
            (kind @ ("resource" | "data"), [rtype, name]) => {
                let data = kind == "data";
                let address = if data {
                    format!("data.{rtype}.{name}")
                } else {
                    format!("{rtype}.{name}")
                };
                let mut resource = TfResource {
                    rtype: rtype.to_string(),
                    name: name.to_string(),
                    address,
                    data,
                    at: at(block.span()),
                    values: Map::new(),
                    lines: BTreeMap::new(),
                    refs: BTreeMap::new(),
                };
                body_into(&block.body, &lines, &mut resource, true, &mut Map::new());
                module.resources.push(resource);
            }
            ("variable", [name]) => {
                let default = block.body.get_attribute("default").map(|a| {
                    let mut refs = Vec::new();
                    expr_value(&a.value, &mut refs)
                });
                module.variables.push(TfVariable {
                    name: name.to_string(),
                    default: default.filter(|v| !v.is_null()),
                    at: at(block.span()),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Converts a block body into `out`; at the top level records lines and references.
fn body_into(
    body: &Body,
    lines: &Lines,
    resource: &mut TfResource,
    top: bool,
    out: &mut Map<String, Value>,
) {
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let key = attr.key.as_str().to_string();
                let mut refs = Vec::new();
                let value = expr_value(&attr.value, &mut refs);
                if top {
                    if let Some(span) = attr.span() {
                        resource.lines.insert(key.clone(), lines.line(span.start));
                    }
                    if !refs.is_empty() {
                        resource.refs.insert(key.clone(), refs);
                    }
                    resource.values.insert(key, value);
                } else {
                    resource
                        .refs
                        .entry(String::from("*"))
                        .or_default()
                        .extend(refs);
                    out.insert(key, value);
                }
            }
            Structure::Block(block) => {
                let key = block.ident.as_str().to_string();
                let mut inner = Map::new();
                body_into(&block.body, lines, resource, false, &mut inner);
                if top {
                    if let Some(span) = block.span() {
                        resource
                            .lines
                            .entry(key.clone())
                            .or_insert(lines.line(span.start));
                    }
                    push_block(&mut resource.values, key, inner);
                } else {
                    push_block(out, key, inner);
                }
            }
        }
    }
}

/// Nested blocks are lists of objects, as in plan JSON (`ingress: [{…}, {…}]`).
fn push_block(map: &mut Map<String, Value>, key: String, inner: Map<String, Value>) {
    match map.get_mut(&key) {
        Some(Value::Array(items)) => items.push(Value::Object(inner)),
        _ => {
            map.insert(key, Value::Array(vec![Value::Object(inner)]));
        }
    }
}

/// The references an expression's source text names: `var.x`, `local.x`,
/// `data.T.N`, `T.N` for resource types `aws_…`.
pub fn references(text: &str, out: &mut Vec<String>) {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.';
    for token in text.split(|c: char| !is_ident(c)) {
        let parts: Vec<&str> = token.split('.').collect();
        let reference = match parts.as_slice() {
            ["var" | "local", name, ..] if !name.is_empty() => format!("{}.{name}", parts[0]),
            ["data", t, n, ..] if !t.is_empty() && !n.is_empty() => format!("data.{t}.{n}"),
            [t, n, ..] if t.starts_with("aws_") && !n.is_empty() => format!("{t}.{n}"),
            _ => continue,
        };
        if !out.contains(&reference) {
            out.push(reference);
        }
    }
}

fn expr_value(expr: &Expression, refs: &mut Vec<String>) -> Value {
    match expr {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => {
            let n = n.value();
            n.as_u64()
                .map(Value::from)
                .or_else(|| n.as_i64().map(Value::from))
                .or_else(|| n.as_f64().map(Value::from))
                .unwrap_or(Value::Null)
        }
        Expression::String(s) => Value::String(s.value().to_string()),
        Expression::Array(items) => {
            Value::Array(items.iter().map(|e| expr_value(e, refs)).collect())
        }
        Expression::Object(obj) => {
            let mut map = Map::new();
            for (key, value) in obj.iter() {
                let key = match key {
                    ObjectKey::Ident(id) => id.as_str().to_string(),
                    ObjectKey::Expression(e) => match e {
                        Expression::String(s) => s.value().to_string(),
                        other => other.to_string().trim().to_string(),
                    },
                };
                map.insert(key, expr_value(value.expr(), refs));
            }
            Value::Object(map)
        }
        Expression::HeredocTemplate(h) => {
            let text = h.template.to_string();
            references_in_interpolations(&text, refs);
            Value::String(text)
        }
        Expression::StringTemplate(_) => {
            let shown = expr.to_string();
            let text = shown.trim();
            let inner = text
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(text);
            references_in_interpolations(inner, refs);
            // `"${aws_vpc.web.id}"` is the reference itself, as Terraform 0.11 wrote it.
            if let Some(only) = inner.strip_prefix("${").and_then(|t| t.strip_suffix('}')) {
                if !only.contains("${") {
                    return Value::String(only.trim().to_string());
                }
            }
            Value::String(inner.to_string())
        }
        Expression::Parenthesis(p) => expr_value(p.inner(), refs),
        other => {
            let text = other.to_string().trim().to_string();
            references(&text, refs);
            Value::String(text)
        }
    }
}

/// References inside `${…}` of a template (text outside them is literal).
fn references_in_interpolations(text: &str, refs: &mut Vec<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after.find('}').unwrap_or(after.len());
        references(&after[..end], refs);
        rest = &after[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> TfModule {
        let mut m = TfModule::default();
        read_into(&mut m, "main.tf", text).unwrap();
        m
    }

    #[test]
    fn attributes_blocks_lines_and_references() {
        let m = module(
            "variable \"pw\" {\n  default = \"hunter22\"\n}\n\nresource \"aws_db_instance\" \"db\" {\n  password = var.pw\n  publicly_accessible = true\n  vpc_security_group_ids = [\"${aws_security_group.a.id}\"]\n  tags = { Name = \"x-${var.env}\" }\n  timeouts {\n    create = \"5m\"\n  }\n}\n",
        );
        assert_eq!(m.variables.len(), 1);
        assert_eq!(m.variables[0].default, Some(Value::from("hunter22")));
        assert_eq!(m.variables[0].at.line, Some(1));
        let r = &m.resources[0];
        assert_eq!(r.address, "aws_db_instance.db");
        assert_eq!(r.at.line, Some(5));
        assert_eq!(r.lines["password"], 6);
        assert_eq!(r.lines["timeouts"], 10);
        assert_eq!(r.values["password"], "var.pw");
        assert_eq!(r.values["publicly_accessible"], true);
        assert_eq!(
            r.values["vpc_security_group_ids"][0],
            "aws_security_group.a.id"
        );
        assert_eq!(r.values["timeouts"][0]["create"], "5m");
        assert_eq!(r.refs["password"], ["var.pw"]);
        assert_eq!(r.refs["vpc_security_group_ids"], ["aws_security_group.a"]);
        assert_eq!(r.refs["tags"], ["var.env"]);
    }

    #[test]
    fn heredocs_keep_their_text() {
        let m = module("resource \"aws_instance\" \"a\" {\n  user_data = <<EOF\necho ${var.password}\nEOF\n}\n");
        let r = &m.resources[0];
        assert_eq!(r.values["user_data"], "echo ${var.password}\n");
        assert_eq!(r.refs["user_data"], ["var.password"]);
    }

    #[test]
    fn hostile_files_are_errors_with_a_position() {
        let mut m = TfModule::default();
        let e = read_into(&mut m, "bad.tf", "resource \"a\" \"b\" {\n  x = \n}\n").unwrap_err();
        let shown = e.to_string();
        assert!(shown.starts_with("bad.tf:"), "{shown}");
        let deep = format!("x = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = read_into(&mut m, "deep.tf", &deep).unwrap_err();
        assert!(matches!(e, InputError::TooDeep { .. }), "{e}");
        // Wrong shapes are not resources: a resource with one label is ignored, not a panic.
        read_into(
            &mut m,
            "odd.tf",
            "resource \"only_one\" {}\nvariable {}\nlocals { a = 1 }\n",
        )
        .unwrap();
        assert!(m.resources.is_empty());
    }
}
