//! Writes format values back as YAML (round trips, `init`, `generate`, imports).
//!
//! The value goes through `serde_json::Value` (the format types serialise
//! to nothing else) and is written in block style, with short mappings and
//! lists of plain values in flow style (`{ low: 1, high: 2 }`). A string is
//! written plain only when our own reader ([`crate::node::parse`]) reads it
//! back as the same string; anything else is double-quoted with escapes, so
//! what this module writes loads back to the same value.

use serde::Serialize;
use serde_json::Value;

use crate::node;

/// Longest flow-style collection written on one line, in characters.
const FLOW_WIDTH: usize = 72;

/// The value as a YAML document, ending with a newline.
///
/// A value that `serde_json` cannot represent (a custom `Serialize` that
/// fails; none of the format types does) is written as `null`.
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut out = String::new();
    match inline(&value) {
        Some(text) => {
            out.push_str(&text);
            out.push('\n');
        }
        None => block(&value, 0, false, &mut out),
    }
    out
}

/// The value as pretty-printed JSON, ending with a newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    out.push('\n');
    out
}

/// Writes a non-empty mapping or list in block style, one entry per line at
/// `indent`. With `continues`, the first entry goes on the current line
/// (after a `- ` already written), as in `- id: web`.
fn block(value: &Value, indent: usize, continues: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    let mut first = true;
    let mut start_line = |out: &mut String| {
        if !(first && continues) {
            out.push_str(&pad);
        }
        first = false;
    };
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                start_line(out);
                out.push_str(&scalar_string(key));
                out.push(':');
                match inline(v) {
                    Some(text) => {
                        out.push(' ');
                        out.push_str(&text);
                        out.push('\n');
                    }
                    None => {
                        out.push('\n');
                        block(v, indent + 2, false, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                start_line(out);
                out.push_str("- ");
                match inline(item) {
                    Some(text) => {
                        out.push_str(&text);
                        out.push('\n');
                    }
                    None => block(item, indent + 2, true, out),
                }
            }
        }
        // Scalars and empty collections are always written inline.
        other => {
            start_line(out);
            out.push_str(&inline(other).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// The value on one line, when it is a scalar, an empty collection, or a
/// short collection of scalars.
fn inline(value: &Value) -> Option<String> {
    let text = match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => scalar_string(s),
        Value::Array(items) => {
            if items.iter().any(|i| i.is_array() || i.is_object()) {
                return None;
            }
            let parts: Vec<String> = items.iter().filter_map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) if map.is_empty() => "{}".to_string(),
        Value::Object(map) => {
            if map.values().any(|v| v.is_array() || v.is_object()) {
                return None;
            }
            let parts: Vec<String> = map
                .iter()
                .filter_map(|(k, v)| Some(format!("{}: {}", scalar_string(k), inline(v)?)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    };
    let collection = value.is_array() || value.is_object();
    if collection && text.len() > FLOW_WIDTH && text.len() > 2 {
        return None;
    }
    Some(text)
}

fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    // `{:?}` round-trips and always shows a float as one (`100000.0`,
    // `1e21`), so an integral float reads back as the same f64.
    n.as_f64().map(|f| format!("{f:?}")).unwrap_or_default()
}

/// Characters that may stand in a plain scalar written by this module:
/// printable ASCII without the flow indicators, comment and quote marks.
/// Being strict costs a few quotes and keeps every context (block or flow,
/// key or value) safe.
fn plain_char(c: char) -> bool {
    c.is_ascii_graphic() && !matches!(c, ',' | '[' | ']' | '{' | '}' | '#' | ':' | '"') || c == ' '
}

/// A string as a plain scalar when that reads back as the same string,
/// double-quoted otherwise.
fn scalar_string(s: &str) -> String {
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '(' | '$'));
    // ` -` or ` ?` may start an entry inside a flow collection, and `- `, `? ` in block one.
    let indicator_word = [" -", " ?", "- ", "? "].iter().any(|w| s.contains(w));
    let plain = first_ok
        && !indicator_word
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.chars().all(plain_char)
        && matches!(
            node::resolve_scalar(s, saphyr_parser::ScalarStyle::Plain, None),
            node::Value::Str(ref read) if read == s
        );
    if plain {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            // Control characters, and those YAML reads as line breaks or a byte order mark.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else {
                    out.push_str(&format!("\\u{code:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
