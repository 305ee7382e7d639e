//! Diagnostics: what is wrong, where, and how to fix it, rendered like a compiler.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::span::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Stable code: `E…` for errors, `W…` for warnings. Documented in `docs/format.md`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(skip)]
    pub span: Span,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            hint: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: message.into(),
            span,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The files an estate was read from, to show positions and source lines.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user should read it (relative to where they ran the command when possible).
    pub path: PathBuf,
    pub text: String,
    /// The byte offset where each line starts, so a diagnostic finds its line at once.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Line `line` (1-based) without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(i)?;
        let end = self
            .line_starts
            .get(i + 1)
            .copied()
            .unwrap_or(self.text.len());
        let text = self.text.get(start..end)?;
        Some(text.trim_end_matches('\n').trim_end_matches('\r'))
    }
}

impl SourceMap {
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < text.len() || i == 0)
            .collect();
        self.files.push(SourceFile {
            path,
            text,
            line_starts,
        });
        FileId((self.files.len() - 1) as u32)
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// `path:line:col` of a span, or the path alone when the line is unknown.
    pub fn location(&self, span: Span) -> String {
        let path = self
            .file(span.file)
            .map(|f| f.path.display().to_string())
            .unwrap_or_else(|| "<input>".into());
        if span.is_known() {
            format!("{path}:{}:{}", span.line, span.col)
        } else {
            path
        }
    }

    pub fn path(&self, span: Span) -> String {
        self.file(span.file)
            .map(|f| f.path.display().to_string())
            .unwrap_or_default()
    }

    fn line_text(&self, span: Span) -> Option<&str> {
        self.file(span.file)?.line(span.line)
    }
}

/// Styles used by [`render`]; plain text when every style is empty.
#[derive(Clone, Copy, Debug, Default)]
pub struct Styles {
    pub error: anstyle_lite::Style,
    pub warning: anstyle_lite::Style,
    pub emphasis: anstyle_lite::Style,
    pub gutter: anstyle_lite::Style,
    pub hint: anstyle_lite::Style,
}

/// Minimal ANSI styles, so the model crate needs no terminal dependency;
/// the binary decides whether to use them.
pub mod anstyle_lite {
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Style(pub &'static str);

    impl Style {
        pub fn paint(&self, text: &str) -> String {
            if self.0.is_empty() {
                text.to_string()
            } else {
                format!("{}{}\x1b[0m", self.0, text)
            }
        }
    }
}

impl Styles {
    pub fn colored() -> Self {
        use anstyle_lite::Style;
        Styles {
            error: Style("\x1b[1;31m"),
            warning: Style("\x1b[1;33m"),
            emphasis: Style("\x1b[1m"),
            gutter: Style("\x1b[1;34m"),
            hint: Style("\x1b[1;36m"),
        }
    }
}

/// Renders one diagnostic the way rustc does:
///
/// ```text
/// error[E021]: unknown component `payments-dbb`
///   --> systems/checkout.yaml:34:44
///    |
/// 34 |   - { id: web-to-db, from: web, to: payments-dbb }
///    |                                     ^^^^^^^^^^^^
///    = help: did you mean `payments-db`?
/// ```
pub fn render(d: &Diagnostic, sources: &SourceMap, styles: &Styles) -> String {
    let mut out = String::new();
    let (label, style) = match d.severity {
        Severity::Error => ("error", styles.error),
        Severity::Warning => ("warning", styles.warning),
    };
    let _ = writeln!(
        out,
        "{}{}",
        style.paint(&format!("{label}[{}]", d.code)),
        styles
            .emphasis
            .paint(&format!(": {}", one_line(&d.message)))
    );
    let width = d.span.line.to_string().len();
    let pad = " ".repeat(width);
    let _ = writeln!(
        out,
        "{pad}{} {}",
        styles.gutter.paint("-->"),
        sources.location(d.span)
    );
    if let Some(line) = sources.line_text(d.span) {
        let line = line.trim_end();
        let _ = writeln!(out, "{pad} {}", styles.gutter.paint("|"));
        let _ = writeln!(
            out,
            "{} {} {line}",
            styles.gutter.paint(&d.span.line.to_string()),
            styles.gutter.paint("|")
        );
        let col = d.span.col.saturating_sub(1) as usize;
        let chars = line.chars().count();
        let len = (d.span.len.max(1) as usize).min(chars.saturating_sub(col).max(1));
        let prefix: String = line
            .chars()
            .take(col)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(
            out,
            "{pad} {} {prefix}{}",
            styles.gutter.paint("|"),
            style.paint(&"^".repeat(len))
        );
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(
            out,
            "{pad} {} {}",
            styles.gutter.paint("="),
            styles.hint.paint(&format!("help: {}", one_line(hint)))
        );
    }
    out
}

/// The longest word [`closest`] looks for, and the most candidates it compares.
pub const MAX_SUGGEST_LEN: usize = 128;
pub const MAX_CANDIDATES: usize = 10_000;

/// A message on one line: a line break from the model (in an id or a name) is
/// shown as `\n`, so it cannot start a line of its own that looks like output.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        text.replace('\n', "\\n").replace('\r', "\\r").into()
    } else {
        text.into()
    }
}

/// The closest candidate to `word`, when one is close enough to be a likely typo.
///
/// Bounded: a word longer than [`MAX_SUGGEST_LEN`] gets no suggestion, and only
/// the first [`MAX_CANDIDATES`] candidates are compared.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.len() > MAX_SUGGEST_LEN {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for c in candidates.into_iter().take(MAX_CANDIDATES) {
        if c.len() > MAX_SUGGEST_LEN {
            continue;
        }
        let score = strsim::jaro_winkler(word, c);
        if score > best.map_or(0.0, |b| b.0) {
            best = Some((score, c));
        }
    }
    best.filter(|(score, c)| {
        *score >= 0.8 || (c.len() > 3 && word.contains(c)) || (word.len() > 3 && c.contains(word))
    })
    .map(|(_, c)| c)
}
