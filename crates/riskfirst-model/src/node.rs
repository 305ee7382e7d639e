//! A YAML or JSON document as a tree of positioned values, read within limits.
//!
//! The tree is built from parser events rather than through a generic YAML
//! value type so that every value keeps its line and column, and so that the
//! limits (size, nesting depth, alias expansion) are enforced while reading:
//! a hostile file ends with a clear error, never with a hang or a crash.

use saphyr_parser::{Event, Parser, ScalarStyle};

// The fast reader of plain block YAML lives beside this module (it is part of parsing).
#[path = "fastyaml.rs"]
mod fastyaml;

use crate::span::{FileId, Span};

/// Limits on what one file may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most values (after alias expansion) a file may expand to.
    pub max_nodes: usize,
    /// Most values that aliases may add to a file. Model files seldom use aliases; a
    /// file whose aliases expand exponentially ("billion laughs") ends here, long before
    /// its copies fill memory.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys keep their positions; order is the file's order.
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Why a file could not be read into a tree.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub code: &'static str,
    pub message: String,
    pub span: Span,
    pub hint: Option<String>,
}

/// Parses YAML (and therefore JSON, which YAML 1.2 contains) into a tree.
///
/// Only the first document of a stream is read; a second one is an error,
/// since a model file holds exactly one document.
pub fn parse(text: &str, file: FileId, limits: &Limits) -> Result<Node, SyntaxError> {
    if text.len() > limits.max_file_bytes {
        return Err(SyntaxError {
            code: "E002",
            message: format!(
                "file is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_file_bytes
            ),
            span: Span {
                file,
                line: 1,
                col: 1,
                len: 1,
            },
            hint: Some("split the estate into one file per system".into()),
        });
    }
    // Most model files are plain block YAML: read them in one pass. Anything
    // else, and every error, goes through the full parser.
    match fastyaml::parse(text, file, limits) {
        Some(node) => Ok(node),
        None => parse_events(text, file, limits),
    }
}

/// The fast reader alone: the tree of a file within its subset, `None`
/// otherwise. [`parse`] uses it first; exposed for the differential fuzz
/// target, which checks it against [`parse_full`].
pub fn parse_fast(text: &str, file: FileId, limits: &Limits) -> Option<Node> {
    fastyaml::parse(text, file, limits)
}

/// The full YAML parser alone, without the fast path (see [`parse_fast`]).
pub fn parse_full(text: &str, file: FileId, limits: &Limits) -> Result<Node, SyntaxError> {
    if text.len() > limits.max_file_bytes {
        return parse(text, file, limits);
    }
    parse_events(text, file, limits)
}

/// Parses with the full YAML parser, building the tree from its events.
fn parse_events(text: &str, file: FileId, limits: &Limits) -> Result<Node, SyntaxError> {
    let mut builder = Builder {
        file,
        limits: *limits,
        stack: Vec::new(),
        anchors: Vec::new(),
        nodes: 0,
        alias_nodes: 0,
        root: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            let at = Span {
                file,
                line: m.line() as u32,
                col: m.col() as u32 + 1,
                len: 1,
            };
            syntax_error(text, at, e.info())
        })?;
        // End events of flow collections cover their `]` or `}`; those of
        // block collections are empty.
        let closes_flow = span.end.index() > span.start.index();
        let span = Span {
            file,
            line: span.start.line() as u32,
            col: span.start.col() as u32 + 1,
            len: (span.end.index().saturating_sub(span.start.index())).clamp(1, 200) as u32,
        };
        if builder.on_event(event, span, closes_flow)? {
            break;
        }
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        span: Span {
            file,
            line: 1,
            col: 1,
            len: 1,
        },
    }))
}

/// The parser's error, moved to where the user's mistake is when that can be told.
///
/// The parser reports where it gave up, which for a tab or an unclosed
/// bracket is often a line or two after the cause.
fn syntax_error(text: &str, at: Span, info: &str) -> SyntaxError {
    let mut error = SyntaxError {
        code: "E001",
        message: format!("syntax error: {info}"),
        span: at,
        hint: None,
    };
    if info.contains("recursion limit") {
        // The parser has a nesting limit of its own, met before ours when
        // brackets open faster than it hands out events.
        error.code = "E003";
        error.message = "nesting is deeper than the parser's limit".into();
        error.hint =
            Some("a model never needs this depth; is the file generated by mistake?".into());
        return error;
    }
    if info.contains("unprintable") {
        error.hint = Some(
            "the file holds a control character (such as a NUL byte) here: is it a binary file, or saved as UTF-16? save it as UTF-8 text".into(),
        );
        return error;
    }
    if info
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w == "tab" || w == "tabs")
    {
        error.hint = Some("YAML indents with spaces, not tabs".into());
        // The tab is in the indentation of this line or of one just below.
        let start = at.line.saturating_sub(1) as usize;
        for (i, line) in text.lines().enumerate().skip(start).take(3) {
            let indent: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            if let Some(col) = indent.chars().position(|c| c == '\t') {
                error.message = "syntax error: a tab in the indentation".into();
                error.span.line = i as u32 + 1;
                error.span.col = col as u32 + 1;
                break;
            }
        }
        return error;
    }
    if let Some((line, col, bracket)) = unclosed_bracket(text, at.line) {
        error.message = format!("syntax error: this `{bracket}` is never closed");
        error.span.line = line;
        error.span.col = col;
        error.hint = Some(format!(
            "close it with `{}` on the same line; the parser gave up on line {}: {info}",
            if bracket == '[' { ']' } else { '}' },
            at.line
        ));
        return error;
    }
    error.hint = if info.contains("did not find expected ','") {
        Some("is a `,` missing between two entries?".into())
    } else if info.contains("mapping values are not allowed") {
        Some("check the indentation of this line against the lines above; a value that contains `: ` must be quoted".into())
    } else if info.contains("did not find expected") {
        Some("check the indentation and the brackets of the lines above".into())
    } else {
        None
    };
    error
}

/// In a block-style file, a `[` or `{` opened on a line before `error_line`
/// and still open there: the usual cause of a syntax error a few lines
/// below it. Quoted text and comments are skipped. Files written in flow
/// style (JSON) spread brackets over lines on purpose and are not judged.
fn unclosed_bracket(text: &str, error_line: u32) -> Option<(u32, u32, char)> {
    let first = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    if first.starts_with('{') || first.starts_with('[') {
        return None;
    }
    let mut open: Vec<(u32, u32, char)> = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .take(error_line.saturating_sub(1) as usize)
    {
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for (col, c) in line.chars().enumerate() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '\'' | '"' if matches!(previous, ' ' | '[' | '{' | ',' | ':' | '-') => {
                        quote = Some(c)
                    }
                    '#' if previous == ' ' => break,
                    '[' | '{' => open.push((i as u32 + 1, col as u32 + 1, c)),
                    ']' | '}' => {
                        open.pop();
                    }
                    _ => {}
                },
            }
            previous = c;
        }
    }
    open.pop().filter(|(line, _, _)| *line < error_line)
}

enum Frame {
    Seq {
        span: Span,
        items: Vec<Node>,
        anchor: usize,
    },
    Map {
        span: Span,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        anchor: usize,
    },
}

struct Builder {
    file: FileId,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    nodes: usize,
    alias_nodes: usize,
    root: Option<Node>,
    documents: usize,
}

impl Builder {
    /// Returns `Ok(true)` when the document is complete.
    fn on_event(
        &mut self,
        event: Event<'_>,
        span: Span,
        closes_flow: bool,
    ) -> Result<bool, SyntaxError> {
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => {}
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(SyntaxError {
                        code: "E001",
                        message: "a model file holds one YAML document, this is a second one"
                            .into(),
                        span,
                        hint: Some(
                            "remove the `---` line or move the document to its own file".into(),
                        ),
                    });
                }
            }
            Event::Alias(id) => {
                let Some(at) = self.anchors.iter().rposition(|(a, _)| *a == id) else {
                    return Err(SyntaxError {
                        code: "E001",
                        message: "alias refers to an unknown anchor".into(),
                        span,
                        hint: None,
                    });
                };
                // Counted before the copy is made, so a refused alias never allocates.
                let size = count_nodes(&self.anchors[at].1);
                self.alias_nodes = self.alias_nodes.saturating_add(size);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(SyntaxError {
                        code: "E004",
                        message: format!(
                            "aliases expand to more than {} values",
                            self.limits.max_alias_nodes
                        ),
                        span: Span { file: self.file, ..span },
                        hint: Some("anchors and aliases that expand exponentially (a \"billion laughs\" file) are refused; write the values out, or use fewer aliases".into()),
                    });
                }
                self.count(size, span)?;
                let mut node = self.anchors[at].1.clone();
                // The copy reports positions where the alias stands.
                node.span = span;
                self.push(node)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, span)?;
                let value = resolve_scalar(&text, style, tag.as_deref().map(|t| t.suffix.as_str()));
                let node = Node { value, span };
                if anchor > 0 {
                    self.anchors.push((anchor, node.clone()));
                }
                self.push(node)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.count(1, span)?;
                self.enter(span)?;
                self.stack.push(Frame::Seq {
                    span,
                    items: Vec::new(),
                    anchor,
                });
            }
            Event::MappingStart(anchor, _) => {
                self.count(1, span)?;
                self.enter(span)?;
                self.stack.push(Frame::Map {
                    span,
                    entries: Vec::new(),
                    key: None,
                    anchor,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (mut node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq {
                        span,
                        items,
                        anchor,
                    }) => (
                        Node {
                            value: Value::Seq(items),
                            span,
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        span,
                        entries,
                        anchor,
                        ..
                    }) => (
                        Node {
                            value: Value::Map(entries),
                            span,
                        },
                        anchor,
                    ),
                    None => return Ok(false),
                };
                // A flow collection on one line is highlighted whole: `{ low: 9, high: 1 }`.
                if closes_flow && span.line == node.span.line && span.col >= node.span.col {
                    node.span.len = (span.col + span.len - node.span.col).clamp(1, 200);
                }
                if anchor > 0 {
                    self.anchors.push((anchor, node.clone()));
                }
                self.push(node)?;
            }
        }
        Ok(false)
    }

    fn enter(&self, span: Span) -> Result<(), SyntaxError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(SyntaxError {
                code: "E003",
                message: format!(
                    "nesting is deeper than the limit of {} levels",
                    self.limits.max_depth
                ),
                span,
                hint: Some(
                    "a model never needs this depth; is the file generated by mistake?".into(),
                ),
            });
        }
        Ok(())
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), SyntaxError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(SyntaxError {
                code: "E004",
                message: format!(
                    "file expands to more than {} values (aliases included)",
                    self.limits.max_nodes
                ),
                span: Span { file: self.file, ..span },
                hint: Some("anchors and aliases that expand exponentially (a \"billion laughs\" file) are refused".into()),
            });
        }
        Ok(())
    }

    fn push(&mut self, node: Node) -> Result<(), SyntaxError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    if !matches!(
                        node.value,
                        Value::Str(_)
                            | Value::Int(_)
                            | Value::Bool(_)
                            | Value::Float(_)
                            | Value::Null
                    ) {
                        return Err(SyntaxError {
                            code: "E001",
                            message: format!(
                                "a mapping key must be a plain value, found {}",
                                node.kind_name()
                            ),
                            span: node.span,
                            hint: None,
                        });
                    }
                    *key = Some(node);
                }
                Some(k) => {
                    if let Some((first, _)) =
                        entries.iter().find(|(e, _)| same_key(&e.value, &k.value))
                    {
                        let name = scalar_text(&k);
                        return Err(SyntaxError {
                            code: "E005",
                            message: format!("key `{name}` appears twice in this mapping"),
                            span: k.span,
                            hint: Some(format!(
                                "the first `{name}` is on line {}",
                                first.span.line
                            )),
                        });
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// Whether two keys have the same text (`scalar_text(a) == scalar_text(b)`),
/// without building the texts in the common case of two strings: this runs
/// for every pair of keys of every mapping.
pub(crate) fn same_key(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::Str(s), Value::Seq(_) | Value::Map(_))
        | (Value::Seq(_) | Value::Map(_), Value::Str(s)) => s.is_empty(),
        // Rare (a quoted `'1'` beside a plain `1`): the texts are built.
        (Value::Str(s), other) | (other, Value::Str(s)) => *s == scalar_text_of(other),
        _ => scalar_text_of(a) == scalar_text_of(b),
    }
}

/// The text of a scalar key, for comparisons and messages.
pub fn scalar_text(node: &Node) -> String {
    scalar_text_of(&node.value)
}

fn scalar_text_of(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        Value::Seq(_) | Value::Map(_) => String::new(),
    }
}

/// Resolves a scalar as the YAML 1.2 core schema does, with two
/// conveniences for money: `_` separates digit groups (`1_200_000`), as in
/// YAML 1.1 and Rust. Quoted scalars are always strings.
pub(crate) fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    if let Some(tag) = tag {
        match tag {
            "str" => return Value::Str(text.to_string()),
            "null" => return Value::Null,
            _ => {}
        }
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit()
        || ((first == b'-' || first == b'+' || first == b'.') && text.len() > 1)
    {
        let cleaned: String =
            if text.contains('_') && !text.starts_with('_') && !text.ends_with('_') {
                text.chars().filter(|c| *c != '_').collect()
            } else {
                text.to_string()
            };
        if let Ok(i) = cleaned.parse::<i64>() {
            return Value::Int(i);
        }
        if cleaned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        {
            if let Ok(f) = cleaned.parse::<f64>() {
                if f.is_finite() {
                    return Value::Float(f);
                }
            }
        }
    }
    Value::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Node, SyntaxError> {
        parse(text, FileId(0), &Limits::default())
    }

    #[test]
    fn scalars_resolve_like_yaml_with_digit_separators() {
        let n = p("a: 1_200_000\nb: 0.5\nc: '12'\nd: true\ne: ~\nf: 2027-06-30\n").unwrap();
        assert_eq!(n.get("a").unwrap().value, Value::Int(1_200_000));
        assert_eq!(n.get("b").unwrap().value, Value::Float(0.5));
        assert_eq!(n.get("c").unwrap().value, Value::Str("12".into()));
        assert_eq!(n.get("d").unwrap().value, Value::Bool(true));
        assert_eq!(n.get("e").unwrap().value, Value::Null);
        assert_eq!(n.get("f").unwrap().value, Value::Str("2027-06-30".into()));
    }

    #[test]
    fn positions_are_one_based() {
        let n = p("x:\n  y: 3\n").unwrap();
        let y = n.get("x").unwrap().get("y").unwrap();
        assert_eq!((y.span.line, y.span.col), (2, 6));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = p(&text).unwrap_err();
        assert_eq!(err.code, "E004");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = p(&text).unwrap_err();
        assert_eq!(err.code, "E003");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let err = p("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((err.code, err.span.line), ("E005", 3));
    }
}
