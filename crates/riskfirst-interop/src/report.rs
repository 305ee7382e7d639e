//! The import report: what was mapped, what was guessed (and from what), what
//! could not be mapped (and why), and what the user must fill in.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A position in the source file, 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    /// The position of a parsed node, when it came from the file.
    pub fn of(span: riskfirst_model::Span) -> Option<Pos> {
        span.is_known().then_some(Pos {
            line: span.line,
            col: span.col,
        })
    }
}

/// What happened to one thing of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// riskfirst needed a value the source does not hold, and guessed it from something it does.
    Guessed,
    /// Held by the source, not by the estate written.
    NotMapped,
    /// riskfirst needs it and the source has nothing to guess it from: a placeholder was
    /// written, which the user should replace.
    FillIn,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Guessed => "guessed",
            Outcome::NotMapped => "not mapped",
            Outcome::FillIn => "fill in",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub outcome: Outcome,
    /// The thing concerned, as the source names it (`component "Web Client"`).
    pub subject: String,
    /// What was guessed and from what, or why it was not mapped, or what to fill in.
    pub detail: String,
    pub pos: Option<Pos>,
}

/// Everything an import did, in source order; nothing is dropped silently.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The format's name in the registry (`otm`, `threat-dragon`, ...).
    pub format: &'static str,
    /// How many things of each kind were mapped one to one, by (source kind, riskfirst kind).
    pub mapped: BTreeMap<(String, String), usize>,
    pub entries: Vec<Entry>,
}

impl ImportReport {
    pub fn new(format: &'static str) -> Self {
        ImportReport {
            format,
            ..ImportReport::default()
        }
    }

    pub fn mapped(&mut self, source: &str, target: &str) {
        *self
            .mapped
            .entry((source.to_string(), target.to_string()))
            .or_default() += 1;
    }

    pub fn push(
        &mut self,
        outcome: Outcome,
        subject: impl Into<String>,
        detail: impl Into<String>,
        pos: Option<Pos>,
    ) {
        self.entries.push(Entry {
            outcome,
            subject: subject.into(),
            detail: detail.into(),
            pos,
        });
    }

    pub fn guessed(
        &mut self,
        subject: impl Into<String>,
        detail: impl Into<String>,
        pos: Option<Pos>,
    ) {
        self.push(Outcome::Guessed, subject, detail, pos);
    }

    pub fn not_mapped(
        &mut self,
        subject: impl Into<String>,
        why: impl Into<String>,
        pos: Option<Pos>,
    ) {
        self.push(Outcome::NotMapped, subject, why, pos);
    }

    pub fn fill_in(
        &mut self,
        subject: impl Into<String>,
        what: impl Into<String>,
        pos: Option<Pos>,
    ) {
        self.push(Outcome::FillIn, subject, what, pos);
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.entries.iter().filter(|e| e.outcome == outcome).count()
    }

    /// The report as JSON: the format, the counts, what was mapped (source kind, riskfirst
    /// kind, count) and every entry with its outcome and position.
    pub fn to_json(&self, file: &str) -> serde_json::Value {
        use serde_json::json;
        let mapped: Vec<serde_json::Value> = self
            .mapped
            .iter()
            .map(|((source, target), n)| json!({ "source": source, "target": target, "count": n }))
            .collect();
        let entries: Vec<serde_json::Value> = self
            .entries
            .iter()
            .map(|e| {
                json!({
                    "outcome": e.outcome.label().replace(' ', "-"),
                    "subject": e.subject,
                    "detail": e.detail,
                    "file": file,
                    "line": e.pos.map(|p| p.line),
                    "column": e.pos.map(|p| p.col),
                })
            })
            .collect();
        json!({
            "format": self.format,
            "file": file,
            "mapped": self.mapped.values().sum::<usize>(),
            "guessed": self.count(Outcome::Guessed),
            "not_mapped": self.count(Outcome::NotMapped),
            "fill_in": self.count(Outcome::FillIn),
            "mappings": mapped,
            "entries": entries,
        })
    }

    /// The report as plain text; `file` prefixes positions (`file:line:col`).
    pub fn render(&self, file: &str) -> String {
        let mut out = String::new();
        let mapped: usize = self.mapped.values().sum();
        let _ = writeln!(
            out,
            "{}: {mapped} mapped, {} guessed, {} not mapped, {} to fill in",
            self.format,
            self.count(Outcome::Guessed),
            self.count(Outcome::NotMapped),
            self.count(Outcome::FillIn)
        );
        for ((source, target), n) in &self.mapped {
            let _ = writeln!(out, "  mapped      {n} {source} -> {target}");
        }
        for outcome in [Outcome::Guessed, Outcome::NotMapped, Outcome::FillIn] {
            for e in self.entries.iter().filter(|e| e.outcome == outcome) {
                let at = match e.pos {
                    Some(p) => format!(" ({file}:{}:{})", p.line, p.col),
                    None => String::new(),
                };
                let _ = writeln!(
                    out,
                    "  {:<11} {}: {}{at}",
                    outcome.label(),
                    e.subject,
                    e.detail
                );
            }
        }
        out
    }
}
