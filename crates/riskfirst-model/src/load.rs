//! From file texts to a validated [`Estate`], collecting every diagnostic on the way.
//!
//! This module is sans-IO: it takes the texts. [`crate::fs`] finds and reads them.

use std::path::PathBuf;

use crate::de::{from_node, Ctx};
use crate::diag::{Diagnostic, SourceMap};
use crate::format::{RootFile, SystemFile};
use crate::node::{self, Limits, Node, Value};
use crate::span::{FileId, Span};
use crate::validate::Validator;
use crate::{Date, Estate};

/// The texts of an estate: the root file and the system files.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub root: (PathBuf, String),
    pub systems: Vec<(PathBuf, String)>,
}

/// What loading produced: the estate when there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Loaded {
    pub estate: Option<Estate>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

impl Loaded {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub limits: Limits,
    /// The day expiries are judged against; `None` skips expiry warnings (deterministic tests).
    pub today: Option<Date>,
}

/// What reading one system file produced.
struct SystemRead {
    path: PathBuf,
    file: Option<SystemFile>,
    diagnostics: Vec<Diagnostic>,
    broken: Vec<String>,
}

/// Parses one system file into its typed form; independent of every other file.
fn read_system(path: &std::path::Path, text: &str, id: FileId, options: &Options) -> SystemRead {
    let ctx = Ctx::default();
    let mut diagnostics = Vec::new();
    let file = parse_file(path, text, id, options, &mut diagnostics).and_then(|mut node| {
        let file = check_version(&node, id, "system", &mut diagnostics)
            .then(|| from_node::<SystemFile>(&mut node, &ctx))
            .flatten();
        if file.is_none() {
            // References into a system that could not be read would
            // each raise a misleading "unknown system" error.
            if let Some(system) = node.get("system").and_then(|s| s.get("id")) {
                ctx.broken_ids.borrow_mut().push(node::scalar_text(system));
            }
        }
        file
    });
    if file.is_none() {
        // Without a readable tree, the file name is the best guess at the system's id.
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
            ctx.broken_ids.borrow_mut().push(stem.to_string());
        }
    }
    diagnostics.extend(ctx.diagnostics.into_inner());
    SystemRead {
        path: path.to_path_buf(),
        file,
        diagnostics,
        broken: ctx.broken_ids.into_inner(),
    }
}

/// Parses and validates an estate.
///
/// System files are parsed in parallel (parsing is most of the time of a
/// large estate); their results are merged in file order, so the outcome is
/// the same whatever the scheduling.
pub fn load(sources: Sources, options: &Options) -> Loaded {
    use rayon::prelude::*;

    let mut map = SourceMap::default();
    let ctx = Ctx::default();
    let mut diagnostics = Vec::new();

    let Sources {
        root: (root_path, root_text),
        systems: system_sources,
    } = sources;
    let root_id = map.add(root_path, root_text);
    let system_ids: Vec<FileId> = system_sources
        .into_iter()
        .map(|(p, t)| map.add(p, t))
        .collect();

    let root_text = map
        .file(root_id)
        .map(|f| f.text.as_str())
        .unwrap_or_default();
    let root_path = map
        .file(root_id)
        .map(|f| f.path.clone())
        .unwrap_or_default();
    let root = parse_file(&root_path, root_text, root_id, options, &mut diagnostics)
        .and_then(|node| {
            check_version(&node, root_id, "organisation", &mut diagnostics).then_some(node)
        })
        .and_then(|mut node| from_node::<RootFile>(&mut node, &ctx));

    let reads: Vec<SystemRead> = system_ids
        .par_iter()
        .filter_map(|id| {
            map.file(*id)
                .map(|f| read_system(&f.path, &f.text, *id, options))
        })
        .collect();
    let mut systems = Vec::new();
    let mut broken = Vec::new();
    for read in reads {
        diagnostics.extend(read.diagnostics);
        broken.extend(read.broken);
        if let Some(file) = read.file {
            systems.push((read.path, file));
        }
    }

    diagnostics.extend(ctx.diagnostics.into_inner());
    broken.extend(ctx.broken_ids.into_inner());
    let estate = root.map(|root| {
        let paths = map.files().iter().map(|f| f.path.clone()).collect();
        let mut v = Validator::new(
            root,
            systems,
            broken,
            paths,
            options.today,
            &mut diagnostics,
        );
        v.run();
        v.finish()
    });
    sort_diagnostics(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Loaded {
        estate: if failed { None } else { estate },
        diagnostics,
        sources: map,
    }
}

/// Orders diagnostics by file and position, so output is stable and reads top to bottom.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.line, a.span.col, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.line,
            b.span.col,
            b.code,
            &b.message,
        ))
    });
}

fn parse_file(
    path: &std::path::Path,
    text: &str,
    file: FileId,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Node> {
    // JSON is a subset of YAML 1.2, so the YAML reader gives a JSON file its tree with
    // positions; but it also accepts what JSON forbids (trailing commas, comments,
    // unquoted keys), so a `.json` file is first held to JSON's own grammar.
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            let full = e.to_string();
            let what = full
                .split_once(" at line ")
                .map_or(full.as_str(), |(what, _)| what);
            let span = Span {
                file,
                line: u32::try_from(e.line().max(1)).unwrap_or(u32::MAX),
                col: u32::try_from(e.column().max(1)).unwrap_or(u32::MAX),
                len: 1,
            };
            let hint = if what.starts_with("expected `,`") {
                "is a `,` missing between two entries?"
            } else {
                "a `.json` file is read as JSON: no trailing commas, comments or unquoted keys; name it `.yaml` to write YAML"
            };
            let message = match trailing_comma(text, e.line(), e.column()) {
                Some(close) => format!(
                    "JSON syntax error: a `,` before `{close}` (JSON allows no trailing comma)"
                ),
                None => format!("JSON syntax error: {what}"),
            };
            diagnostics.push(Diagnostic::error("E001", message, span).with_hint(hint));
            return None;
        }
    }
    match node::parse(text, file, &options.limits) {
        Ok(node) => Some(node),
        Err(e) => {
            let mut d = Diagnostic::error(e.code, e.message, e.span);
            d.hint = e.hint;
            diagnostics.push(d);
            None
        }
    }
}

/// The bracket at `line:column` (1-based, as serde_json reports) when the last thing
/// before it is a comma: a trailing comma, which YAML accepts and JSON does not.
fn trailing_comma(text: &str, line: usize, column: usize) -> Option<char> {
    let offset: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let at = text
        .get(offset..)?
        .char_indices()
        .nth(column.checked_sub(1)?)?;
    let close = at.1;
    if !matches!(close, ']' | '}') {
        return None;
    }
    let before = text.get(..offset + at.0)?.trim_end();
    before.ends_with(',').then_some(close)
}

/// Checks `riskfirst: 1` and that the file is the kind expected (root or system).
fn check_version(
    node: &Node,
    file: FileId,
    kind_key: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let top = Span {
        file,
        line: 1,
        col: 1,
        len: 1,
    };
    if !matches!(node.value, Value::Map(_)) {
        diagnostics.push(
            Diagnostic::error(
                "E011",
                format!(
                    "expected a mapping at the top of the file, found {}",
                    node.kind_name()
                ),
                node.span,
            )
            .with_hint(if kind_key == "system" {
                "a system file starts with `riskfirst: 1` and `system: { id, name, owner }`"
            } else {
                "an estate root starts with `riskfirst: 1` and `organisation: { name, currency }`"
            }),
        );
        return false;
    }
    match node.get("riskfirst") {
        None => {
            diagnostics.push(
                Diagnostic::error("E060", "missing the format version key `riskfirst`", top)
                    .with_hint("add `riskfirst: 1` as the first line"),
            );
            false
        }
        Some(v) if v.value == Value::Int(1) => {
            if node.get(kind_key).is_none() {
                let (what, other) = if kind_key == "system" {
                    ("system file", "organisation")
                } else {
                    ("estate root", "system")
                };
                let mut d = Diagnostic::error(
                    "E012",
                    format!("missing required key `{kind_key}` in this {what}"),
                    top,
                );
                if node.get(other).is_some() {
                    d.hint = Some(if kind_key == "system" {
                        "this looks like an estate root; system files live in `systems/`".into()
                    } else {
                        "this looks like a system file; the estate root is `riskfirst.yaml`".into()
                    });
                }
                diagnostics.push(d);
                return false;
            }
            true
        }
        Some(v) => {
            // `1.0` is shown as written (not as `1`), and told why it is refused.
            let (shown, hint) = match &v.value {
                Value::Float(f) => (
                    format!("{f:?}"),
                    "the format version is a whole number: write `riskfirst: 1`",
                ),
                _ => (
                    node::scalar_text(v),
                    "this version of riskfirst reads format version 1",
                ),
            };
            diagnostics.push(
                Diagnostic::error(
                    "E061",
                    format!("unsupported format version `{shown}`"),
                    v.span,
                )
                .with_hint(hint),
            );
            false
        }
    }
}
