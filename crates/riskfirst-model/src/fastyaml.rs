//! A fast reader for the plain block YAML that model files are written in, giving
//! exactly the tree [`crate::node::parse`] gives through the full YAML parser.
//!
//! Most model files use a small part of YAML: block mappings and lists, plain
//! or quoted one-line scalars, and short flow lists and mappings on one line.
//! This reader handles that part only, in one pass over the bytes, and gives
//! up (`None`) at the first thing outside it: tabs, carriage returns, text
//! that is not ASCII, anchors, aliases, tags, block scalars (`|`, `>`),
//! multi-line scalars or flow collections, escapes, document markers,
//! duplicate keys, anything that would be an error, and files beyond the
//! limits. The caller then reads the file with the full parser, which gives
//! the errors, positions and hints of every such case; so this reader never
//! decides what a file means on its own, it only makes the common case fast.
//!
//! Positions are the full parser's, including its quirks: a quoted scalar or
//! a closing bracket extends over the spaces and the comment after it, a
//! block mapping starts at its first key, a list indented at the level of
//! its key (`key:\n- a`) starts at its first item's text, and an empty value
//! stands at its key's colon. The tests compare both readers on every shape.

use crate::node::{resolve_scalar, same_key, Limits, Node, Value};
use crate::span::{FileId, Span};
use saphyr_parser::ScalarStyle;

/// Reads `text` when it is within the subset, `None` when the full parser must.
pub(crate) fn parse(text: &str, file: FileId, limits: &Limits) -> Option<Node> {
    // Tabs, carriage returns and other control characters are left to the full parser.
    // In blocks without an early exit, which the compiler turns into vector code.
    let outside = |b: u8| b >= 0x7f || (b < 0x20 && b != b'\n');
    if text
        .as_bytes()
        .chunks(64)
        .any(|chunk| chunk.iter().fold(false, |any, &b| any | outside(b)))
    {
        return None;
    }
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        file,
        limits,
        nodes: 0,
        depth: 0,
        pending_entries: Vec::new(),
        pending_items: Vec::new(),
        eof: false,
        indent: 0,
    };
    r.first_content()?;
    if r.eof || r.indent != 0 || !r.looks_like_key() {
        return None;
    }
    let root = r.block_mapping(0)?;
    r.eof.then_some(root)
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    /// 1-based line of `pos`.
    line: u32,
    /// Byte offset where the line of `pos` starts (columns count from here; the text is ASCII).
    line_start: usize,
    file: FileId,
    limits: &'a Limits,
    nodes: usize,
    depth: usize,
    /// The entries and items of the collections being read, innermost last:
    /// each collection is moved out of here into a vector of its exact size
    /// once it is complete, rather than grown step by step.
    pending_entries: Vec<(Node, Node)>,
    pending_items: Vec<Node>,
    /// Set by [`Reader::next_content`]: no content is left.
    eof: bool,
    /// Set by [`Reader::next_content`]: the indentation of the line `pos` is on.
    indent: usize,
}

/// YAML limits an implicit key to 1,024 characters and the full parser refuses a longer
/// one; the fast reader gives such a file to it (with some margin: giving up is always
/// safe, the full parser then decides).
const MAX_IMPLICIT_KEY: usize = 1000;

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/')
}

impl<'a> Reader<'a> {
    fn peek(&self) -> u8 {
        self.b.get(self.pos).copied().unwrap_or(0)
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            file: self.file,
            line: self.line,
            col: (start - self.line_start) as u32 + 1,
            len: (end - start).clamp(1, 200) as u32,
        }
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.limits.max_nodes).then_some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= self.limits.max_depth).then_some(())
    }

    fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    /// To the first character with content of the file (`eof` when none).
    fn first_content(&mut self) -> Option<()> {
        self.skip_spaces();
        match self.peek() {
            b'#' => self.skip_to_line_end(),
            b'\n' | 0 => {}
            _ => return self.content_here(),
        }
        self.following_lines()
    }

    /// From inside a line whose remaining text is spaces and maybe a comment,
    /// to the first character of the next line with content (`eof` when none).
    fn next_content(&mut self) -> Option<()> {
        self.skip_spaces();
        match self.peek() {
            b'#' if self.pos == self.line_start || self.at(self.pos - 1) == b' ' => {
                self.skip_to_line_end();
            }
            b'\n' | 0 => {}
            _ => return None,
        }
        self.following_lines()
    }

    /// `pos` is at the first non-space character of a line.
    fn content_here(&mut self) -> Option<()> {
        self.indent = self.pos - self.line_start;
        let rest = &self.b[self.pos..];
        if self.indent == 0 && (rest.starts_with(b"---") || rest.starts_with(b"...")) {
            return None;
        }
        Some(())
    }

    /// From a line end (or the end of the text) to the next line with content.
    fn following_lines(&mut self) -> Option<()> {
        loop {
            if self.pos >= self.b.len() {
                self.eof = true;
                return Some(());
            }
            // At a line break: move to the next line.
            self.pos += 1;
            self.line += 1;
            self.line_start = self.pos;
            self.skip_spaces();
            match self.peek() {
                b'\n' => continue,
                0 if self.pos >= self.b.len() => {
                    self.eof = true;
                    return Some(());
                }
                b'#' => self.skip_to_line_end(),
                _ => return self.content_here(),
            }
        }
    }

    fn skip_to_line_end(&mut self) {
        while !matches!(self.peek(), b'\n' | 0) {
            self.pos += 1;
        }
    }

    /// Whether `pos` is at `key:` followed by a space or a line end.
    fn looks_like_key(&self) -> bool {
        let first = self.peek();
        if !is_key_byte(first) || first == b'-' {
            return false;
        }
        let mut i = self.pos;
        while is_key_byte(self.at(i)) {
            i += 1;
        }
        self.at(i) == b':' && matches!(self.at(i + 1), b' ' | b'\n' | 0)
    }

    /// A plain key and its colon; `pos` ends after the colon.
    fn key(&mut self) -> Option<Node> {
        if !self.looks_like_key() {
            return None;
        }
        let start = self.pos;
        while is_key_byte(self.peek()) {
            self.pos += 1;
        }
        if self.pos - start > MAX_IMPLICIT_KEY {
            return None;
        }
        self.count()?;
        let node = Node {
            value: resolve_scalar(&self.text[start..self.pos], ScalarStyle::Plain, None),
            span: self.span(start, self.pos),
        };
        self.pos += 1; // the colon
        Some(node)
    }

    /// A block mapping whose first key is at `pos`, indented by `indent`.
    fn block_mapping(&mut self, indent: usize) -> Option<Node> {
        self.enter()?;
        self.count()?;
        let span = self.span(self.pos, self.pos);
        let first = self.pending_entries.len();
        loop {
            let key = self.key()?;
            let colon = self.pos - 1;
            let value = self.mapping_value(indent, colon)?;
            if self.pending_entries[first..]
                .iter()
                .any(|(k, _)| same_key(&k.value, &key.value))
            {
                return None;
            }
            self.pending_entries.push((key, value));
            if self.eof || self.indent < indent {
                break;
            }
            if self.indent > indent {
                return None;
            }
        }
        self.depth -= 1;
        Some(Node {
            value: Value::Map(self.pending_entries.drain(first..).collect()),
            span,
        })
    }

    /// The value after `key:`; leaves `pos` at the next line with content.
    fn mapping_value(&mut self, indent: usize, colon: usize) -> Option<Node> {
        self.skip_spaces();
        if !matches!(self.peek(), b'#' | b'\n' | 0) {
            let value = self.inline_value()?;
            self.next_content()?;
            return Some(value);
        }
        let colon_span = self.span(colon, colon);
        self.next_content()?;
        let seq_entry = !self.eof && self.peek() == b'-' && self.at(self.pos + 1) == b' ';
        if self.eof || self.indent < indent || (self.indent == indent && !seq_entry) {
            // Nothing: the full parser gives an empty scalar at the colon.
            self.count()?;
            return Some(Node {
                value: Value::Null,
                span: colon_span,
            });
        }
        if seq_entry {
            let indentless = self.indent == indent;
            self.block_sequence(self.indent, indentless)
        } else {
            self.block_mapping(self.indent)
        }
    }

    /// A block list whose first `-` is at `pos`, in column `indent` + 1.
    fn block_sequence(&mut self, indent: usize, indentless: bool) -> Option<Node> {
        self.enter()?;
        self.count()?;
        let mut span = self.span(self.pos, self.pos);
        let first = self.pending_items.len();
        loop {
            // At `- `.
            self.pos += 1;
            self.skip_spaces();
            if matches!(self.peek(), b'#' | b'\n' | 0) {
                return None;
            }
            if self.pending_items.len() == first && indentless {
                if self.peek() == b'-' {
                    return None;
                }
                span = self.span(self.pos, self.pos);
            }
            let col = self.pos - self.line_start;
            let item = if self.peek() == b'-' && self.at(self.pos + 1) == b' ' {
                self.block_sequence(col, false)?
            } else if self.looks_like_key() {
                self.block_mapping(col)?
            } else {
                let value = self.inline_value()?;
                self.next_content()?;
                value
            };
            self.pending_items.push(item);
            if self.eof || self.indent < indent {
                break;
            }
            if self.indent > indent {
                return None;
            }
            if !(self.peek() == b'-' && self.at(self.pos + 1) == b' ') {
                if indentless {
                    break;
                }
                return None;
            }
        }
        self.depth -= 1;
        Some(Node {
            value: Value::Seq(self.pending_items.drain(first..).collect()),
            span,
        })
    }

    /// A value that starts and ends on this line (a scalar or a flow collection),
    /// with nothing but spaces and a comment after it.
    fn inline_value(&mut self) -> Option<Node> {
        match self.peek() {
            b'[' | b'{' => self.flow_value(),
            b'\'' | b'"' => self.quoted(),
            _ => self.block_plain(),
        }
    }

    fn block_plain(&mut self) -> Option<Node> {
        let start = self.pos;
        let first = self.peek();
        if matches!(
            first,
            b'&' | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'%'
                | b'@'
                | b'`'
                | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'\''
                | b'"'
        ) || (first == b'-'
            && matches!(
                self.at(start + 1),
                b' ' | b'\n' | 0 | b',' | b'[' | b']' | b'{' | b'}'
            ))
        {
            return None;
        }
        let mut end = start;
        loop {
            let c = self.peek();
            match c {
                b'\n' | 0 => break,
                b'#' if self.at(self.pos - 1) == b' ' => break,
                b':' if matches!(self.at(self.pos + 1), b' ' | b'\n' | 0) => return None,
                c if c < 0x20 || c == 0x7f => return None,
                b' ' => {}
                _ => end = self.pos + 1,
            }
            self.pos += 1;
        }
        // Leave `pos` after the scalar: the rest of the line is spaces and a comment.
        self.pos = end;
        self.count()?;
        Some(Node {
            value: resolve_scalar(&self.text[start..end], ScalarStyle::Plain, None),
            span: self.span(start, end),
        })
    }

    /// A one-line quoted scalar; its span runs over the spaces and comment after it.
    fn quoted(&mut self) -> Option<Node> {
        let start = self.pos;
        let quote = self.peek();
        self.pos += 1;
        let mut value = String::new();
        let mut from = self.pos;
        loop {
            match self.peek() {
                b'\\' if quote == b'"' => return None,
                b'\n' | 0 => return None,
                c if c == quote => {
                    if quote == b'\'' && self.at(self.pos + 1) == b'\'' {
                        value.push_str(&self.text[from..=self.pos]);
                        self.pos += 2;
                        from = self.pos;
                        continue;
                    }
                    value.push_str(&self.text[from..self.pos]);
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let end = self.token_end()?;
        self.count()?;
        Some(Node {
            value: Value::Str(value),
            span: self.span(start, end),
        })
    }

    /// Where the full parser ends a quoted scalar or a bracket: after the
    /// spaces that follow it, and after a comment when one follows them.
    /// Leaves `pos` after the spaces.
    fn token_end(&mut self) -> Option<usize> {
        let after = self.pos;
        self.skip_spaces();
        if self.peek() == b'#' {
            if self.pos == after {
                return None;
            }
            let spaces = self.pos;
            self.skip_to_line_end();
            let end = self.pos;
            self.pos = spaces;
            return Some(end);
        }
        Some(self.pos)
    }

    /// A flow list or mapping closed on the same line.
    fn flow_value(&mut self) -> Option<Node> {
        let open = self.peek();
        let start = self.pos;
        self.enter()?;
        self.count()?;
        self.pos += 1;
        self.skip_spaces();
        let close = if open == b'[' { b']' } else { b'}' };
        let (first_item, first_entry) = (self.pending_items.len(), self.pending_entries.len());
        if self.peek() != close {
            loop {
                if open == b'[' {
                    let item = self.flow_item()?;
                    self.pending_items.push(item);
                } else {
                    let key = self.flow_key()?;
                    self.skip_spaces();
                    let value = self.flow_item()?;
                    if self.pending_entries[first_entry..]
                        .iter()
                        .any(|(k, _)| same_key(&k.value, &key.value))
                    {
                        return None;
                    }
                    self.pending_entries.push((key, value));
                }
                self.skip_spaces();
                match self.peek() {
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.peek() == close {
                            return None;
                        }
                    }
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        // At the closing bracket.
        let close_at = self.pos;
        self.pos += 1;
        let end = self.token_end()?;
        self.depth -= 1;
        let value = if open == b'[' {
            Value::Seq(self.pending_items.drain(first_item..).collect())
        } else {
            Value::Map(self.pending_entries.drain(first_entry..).collect())
        };
        let mut span = self.span(start, start);
        // As the tree builder does: the node covers up to the end of its closing token.
        span.len = ((close_at - start) + (end - close_at)).clamp(1, 200) as u32;
        Some(Node { value, span })
    }

    fn flow_key(&mut self) -> Option<Node> {
        let start = self.pos;
        if !is_key_byte(self.peek()) || self.peek() == b'-' {
            return None;
        }
        while is_key_byte(self.peek()) {
            self.pos += 1;
        }
        if !(self.peek() == b':' && self.at(self.pos + 1) == b' ')
            || self.pos - start > MAX_IMPLICIT_KEY
        {
            return None;
        }
        self.count()?;
        let node = Node {
            value: resolve_scalar(&self.text[start..self.pos], ScalarStyle::Plain, None),
            span: self.span(start, self.pos),
        };
        self.pos += 1;
        Some(node)
    }

    fn flow_item(&mut self) -> Option<Node> {
        match self.peek() {
            b'[' | b'{' => self.flow_value(),
            b'\'' | b'"' => self.quoted(),
            _ => self.flow_plain(),
        }
    }

    fn flow_plain(&mut self) -> Option<Node> {
        let start = self.pos;
        let first = self.peek();
        if !(first.is_ascii_alphanumeric()
            || matches!(first, b'_' | b'.' | b'/' | b'(' | b'+' | b'~' | b'$')
            || (first == b'-'
                && !matches!(
                    self.at(start + 1),
                    b' ' | b'\n' | 0 | b',' | b'[' | b']' | b'{' | b'}'
                )))
        {
            return None;
        }
        let mut end = start;
        loop {
            match self.peek() {
                b',' | b']' | b'}' => break,
                b' ' => {}
                // A word after a space starts like a scalar: the full parser
                // reads `x -,` in a flow as an error, for instance.
                c if self.at(self.pos - 1) == b' '
                    && !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'(')) =>
                {
                    return None
                }
                b'\n' | 0 | b'#' | b':' | b'[' | b'{' | b'"' | b'\'' => return None,
                c if c < 0x20 || c == 0x7f => return None,
                _ => end = self.pos + 1,
            }
            self.pos += 1;
        }
        self.pos = end;
        self.count()?;
        Some(Node {
            value: resolve_scalar(&self.text[start..end], ScalarStyle::Plain, None),
            span: self.span(start, end),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::parse_events;
    use proptest::prelude::*;

    fn fast(text: &str) -> Option<Node> {
        parse(text, FileId(3), &Limits::default())
    }

    /// The fast reader either refuses `text` or gives what the full parser gives.
    fn agrees(text: &str) -> Result<bool, String> {
        let full = parse_events(text, FileId(3), &Limits::default());
        match (fast(text), full) {
            (None, _) => Ok(false),
            (Some(f), Ok(full)) if f == full => Ok(true),
            (Some(f), full) => Err(format!(
                "the readers differ on\n{text}\nfast: {f:#?}\nfull: {full:#?}"
            )),
        }
    }

    /// Shapes of the subset: each is read by the fast reader, identically.
    const ACCEPTED: &[&str] = &[
        "riskfirst: 1   # c\nsystem:\n  id: accounts-030\n  name: \"Accounts 030\"\n  owner: 'we''b'\n  business_risks: [service-outage, b ]\n  empty:\n  e2: []\n  e3: {}\n",
        "data:\n  - id: contact-details\n    name: Contact details  \n    tags:\n    - a\n    - b\n  - { id: price-list, name: Published prices, n: 3 }\n  -   x\n  - - n1\n    - n2\n  - []\nlast: [a, {b: c}, [d]]\n",
        "# leading\na:\n- id: x\n  k: y, z\n- [q]\nb:\n- {r: 1}\nc:   # comment\n  d: http://x.y/z#frag\n  e: -1\n  f: a [b] {c}\n  g: 'x' # c\n  h: a#b\n",
        "s:\n  - -1\n  - - a\n    - b\n  -   k: v\n      k2: v2\n",
        "a: \"x\"   \nb: x   # c\nc: [x] # c\nd: {y: 1}  # c\ne: [x, \"y\" , z]\ng: k\n  # c\nh: q",
        "a: 1_200_000\nb: 0.5\nc: '12'\nd: true\ne: ~\nf: 2027-06-30\ng: null\nh: -.5\ni: 1e3\nj: +7\n1: one\ntrue: yes\n",
        "\n\n  # indented comment\nx:\n\n  y:\n    - [1, 2.5, '3', \"4\"]\n    -   {a: [b, {c: d}], e: ''}\n  z: end\n",
        "a:\n  b:\n    c:\nd: 1\n",
        "a:\n- b:\n- c\n",
    ];

    /// A fuzz finding (`differential`): the full parser refuses an implicit key longer than
    /// 1,024 characters, so the fast reader must not accept one, in a block or flow mapping.
    #[test]
    fn a_key_beyond_the_implicit_key_limit_is_left_to_the_full_parser() {
        let long = "W/".repeat(900);
        for text in [
            format!("r: 1\n{long}m: 2\n"),
            format!("a:\n  {long}: 2\n"),
            format!("a: {{{long}: 2}}\n"),
        ] {
            assert_eq!(fast(&text), None);
            assert!(agrees(&text).is_ok());
        }
        // At the margin the fast reader still reads it, as the full parser does.
        let short = "k".repeat(MAX_IMPLICIT_KEY);
        assert_eq!(agrees(&format!("{short}: 2\n")), Ok(true));
    }

    #[test]
    fn the_subset_is_read_as_the_full_parser_reads_it() {
        for text in ACCEPTED {
            assert_eq!(agrees(text), Ok(true), "{text}");
        }
    }

    #[test]
    fn everything_else_is_left_to_the_full_parser() {
        let refused = [
            "a:\n\tb: 1\n",
            "a: 1\r\nb: 2\r\n",
            "a: caf\u{e9}\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: one\n  two\n",
            "a: [1,\n  2]\n",
            "a: \"x\\ty\"\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a: 1\na: 2\n",
            "a: {b: 1, b: 2}\n",
            "a: b: c\n",
            "- a\n- b\n",
            "plain\n",
            "",
            "a:\n  - x\n   - y\n",
            "a: [b, ]\n",
            "a:\n  -\n    b: 1\n",
            "\"a\": 1\n",
            "? a\n: b\n",
            "a: 1 # c\n  b: 2\n",
        ];
        for text in refused {
            assert_eq!(agrees(text), Ok(false), "{text}");
        }
    }

    #[test]
    fn limits_send_a_file_to_the_full_parser() {
        let deep = (0..70).fold(String::from("a: 1\n"), |acc, i| {
            format!("k{i}:\n{}", indent(&acc))
        });
        assert!(parse(&deep, FileId(0), &Limits::default()).is_none());
        let limits = Limits {
            max_nodes: 5,
            ..Limits::default()
        };
        assert!(parse("a: [1, 2, 3, 4]\n", FileId(0), &limits).is_none());
        assert!(parse("a: [1, 2]\n", FileId(0), &limits).is_some());
    }

    fn indent(text: &str) -> String {
        text.lines().map(|l| format!("  {l}\n")).collect()
    }

    #[test]
    fn generated_estates_take_the_fast_path_and_agree() {
        let cfg = crate::generate::GenerateConfig {
            components: 400,
            flows: 800,
            seed: 7,
            systems: None,
            teams: None,
        };
        let files = crate::generate::generate(&cfg);
        assert!(files.len() > 5);
        for (path, text) in files {
            assert_eq!(agrees(&text), Ok(true), "{path}");
        }
    }

    #[test]
    fn every_yaml_file_of_the_repository_agrees() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut stack = vec![root.join("examples"), root.join("crates")];
        let (mut read, mut fast_read) = (0, 0);
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let p = entry.path();
                if p.is_dir() && !p.ends_with("target") {
                    stack.push(p);
                } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
                    let Ok(text) = std::fs::read_to_string(&p) else {
                        continue;
                    };
                    read += 1;
                    match agrees(&text) {
                        Ok(true) => fast_read += 1,
                        Ok(false) => {}
                        Err(e) => panic!("{}: {e}", p.display()),
                    }
                }
            }
        }
        assert!(read > 20, "only {read} YAML files found");
        // Other fixtures (invalid files, unusual YAML) may be added; most files stay plain.
        assert!(fast_read > read / 4, "{fast_read} of {read} read fast");
    }

    /// Scalars at the subset's edges, as they are written in a file.
    const SCALARS: &[&str] = &[
        "x",
        "x y",
        "1",
        "-2",
        "0.5",
        "1_000",
        "~",
        "null",
        "true",
        "False",
        "2027-06-30",
        "a#b",
        "http://h/p",
        "x, y",
        "a [b]",
        "'q''s'",
        "\"dq\"",
        "''",
        "\"\"",
        "-",
        ".inf",
        "0x1F",
        "a:b",
        "(p)",
        "+1",
        "1e3",
        "$v",
        "'a # b'",
        "\"a: b\"",
        "yes",
    ];

    /// A random document in block style, from a seed: nested mappings and
    /// lists (indented or not), flow collections, comments, blank lines and
    /// trailing spaces, with now and then a mutation (a stray character).
    fn document(seed: u64) -> String {
        let mut rng = seed | 1;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let mut out = String::new();
        fn scalar(next: &mut impl FnMut(u64) -> u64) -> String {
            SCALARS[next(SCALARS.len() as u64) as usize].to_string()
        }
        fn flow(next: &mut impl FnMut(u64) -> u64, depth: usize) -> String {
            let n = next(4);
            let map = next(2) == 0;
            let items: Vec<String> = (0..n)
                .map(|i| {
                    let v = if depth < 2 && next(4) == 0 {
                        flow(next, depth + 1)
                    } else {
                        let s = scalar(next);
                        if s.contains([',', '[', ']', '#', ':']) && !s.starts_with(['\'', '"']) {
                            "v".into()
                        } else {
                            s
                        }
                    };
                    if map {
                        format!("k{i}: {v}")
                    } else {
                        v
                    }
                })
                .collect();
            let sp = if next(3) == 0 { " " } else { "" };
            if map {
                format!("{{{sp}{}{sp}}}", items.join(", "))
            } else {
                format!(
                    "[{sp}{}{sp}]",
                    items.join(if next(3) == 0 { " , " } else { ", " })
                )
            }
        }
        fn value(next: &mut impl FnMut(u64) -> u64, depth: usize) -> String {
            match next(6) {
                0 => flow(next, 0),
                _ if depth > 3 => scalar(next),
                1 => String::new(),
                _ => scalar(next),
            }
        }
        fn extra(next: &mut impl FnMut(u64) -> u64) -> &'static str {
            match next(10) {
                0 => "  # note",
                1 => "   ",
                _ => "",
            }
        }
        fn mapping(
            out: &mut String,
            next: &mut impl FnMut(u64) -> u64,
            indent: usize,
            depth: usize,
            first_inline: bool,
        ) {
            let keys = 1 + next(4);
            for k in 0..keys {
                let pad = if k == 0 && first_inline {
                    String::new()
                } else {
                    " ".repeat(indent)
                };
                if next(8) == 0 {
                    out.push_str(if next(2) == 0 { "\n" } else { "# comment\n" });
                }
                let key = ["id", "name", "k", "1", "true", "a.b", "x-y"][next(7) as usize];
                let key = if k > 0 && next(6) != 0 {
                    format!("{key}{k}")
                } else {
                    key.to_string()
                };
                match next(5) {
                    0 | 1 if depth < 4 => {
                        out.push_str(&format!("{pad}{key}:{}\n", extra(next)));
                        if next(2) == 0 {
                            let inner = indent + 2 * next(2) as usize;
                            sequence(out, next, inner, depth + 1);
                        } else {
                            let inner = indent + 1 + next(3) as usize;
                            mapping(out, next, inner, depth + 1, false);
                        }
                    }
                    _ => {
                        let v = value(next, depth);
                        let sep = if v.is_empty() { "" } else { " " };
                        out.push_str(&format!("{pad}{key}:{sep}{v}{}\n", extra(next)));
                    }
                }
            }
        }
        fn sequence(
            out: &mut String,
            next: &mut impl FnMut(u64) -> u64,
            indent: usize,
            depth: usize,
        ) {
            let items = 1 + next(3);
            for _ in 0..items {
                let gap = " ".repeat(1 + (next(4) == 0) as usize);
                out.push_str(&" ".repeat(indent));
                out.push('-');
                out.push_str(&gap);
                match next(4) {
                    0 if depth < 4 => mapping(out, next, indent + 1 + gap.len(), depth + 1, true),
                    1 if depth < 4 => {
                        out.push_str("- a\n");
                        out.push_str(&" ".repeat(indent + 1 + gap.len()));
                        out.push_str("- b\n");
                    }
                    _ => {
                        let v = value(next, depth);
                        let v = if v.is_empty() { "e".to_string() } else { v };
                        out.push_str(&format!("{v}{}\n", extra(next)));
                    }
                }
            }
        }
        if next(5) == 0 {
            out.push_str("# header\n\n");
        }
        mapping(&mut out, &mut next, 0, 0, false);
        if next(2) == 0 && !out.is_empty() {
            // A mutation: a stray character somewhere.
            let at = next(out.len() as u64) as usize;
            let stray = [
                " ", "\n", ":", "-", "#", "'", "\"", "[", "]", "{", "}", ",", "&", "*", "  ",
            ][next(15) as usize];
            if out.is_char_boundary(at) {
                out.insert_str(at, stray);
            }
        }
        out
    }

    #[test]
    fn random_documents_mostly_take_the_fast_path() {
        let accepted = (0..400u64)
            .filter(|s| agrees(&document(*s)) == Ok(true))
            .count();
        assert!(accepted > 100, "only {accepted} of 400 read fast");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]
        #[test]
        fn arbitrary_text_never_panics_and_never_disagrees(text in "[ -~\n]{0,160}") {
            if let Err(e) = agrees(&text) {
                prop_assert!(false, "{}", e);
            }
        }

        #[test]
        fn the_readers_never_disagree(seed in any::<u64>()) {
            let text = document(seed);
            if let Err(e) = agrees(&text) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
