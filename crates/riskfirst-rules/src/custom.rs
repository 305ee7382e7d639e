//! Custom rules: the organisation's `rules:` of the estate root, compiled and run like built-in rules.

use std::collections::HashSet;

use riskfirst_model::diag::{closest, SourceMap};
use riskfirst_model::format::{CustomRule, RuleTarget};
use riskfirst_model::{Diagnostic, Estate, Span, Spanned};

use crate::expr::{self, Expr, ExprError, Subject};
use crate::facts::in_scope;
use crate::rule::{Element, Finding};
use crate::rules::builtin;

/// A custom rule whose condition compiled.
#[derive(Debug)]
pub struct CompiledRule {
    /// The rule as written in the root file.
    pub raw: CustomRule,
    pub when: Expr,
}

impl CompiledRule {
    pub fn code(&self) -> &str {
        &self.raw.code.value
    }

    /// Runs the rule over the estate: one finding per element the condition holds for.
    pub fn check(&self, estate: &Estate, out: &mut Vec<Finding>) {
        match self.raw.applies_to {
            RuleTarget::Component => {
                for c in estate.component_indices() {
                    if !in_scope(estate, c) {
                        continue;
                    }
                    let mut facts = Vec::new();
                    if self.when.eval(estate, Subject::Component(c), &mut facts) {
                        out.push(Finding {
                            system: estate[c].system,
                            elements: vec![Element::Component(c)],
                            facts,
                        });
                    }
                }
            }
            RuleTarget::Flow => {
                for f in estate.flow_indices() {
                    let flow = &estate[f];
                    if !in_scope(estate, flow.from) || !in_scope(estate, flow.to) {
                        continue;
                    }
                    let mut facts = Vec::new();
                    if self.when.eval(estate, Subject::Flow(f), &mut facts) {
                        out.push(Finding {
                            system: flow.system,
                            elements: vec![Element::Flow(f)],
                            facts,
                        });
                    }
                }
            }
            RuleTarget::Data => {
                for d in estate.data_indices() {
                    let mut facts = Vec::new();
                    if self.when.eval(estate, Subject::Data(d), &mut facts) {
                        out.push(Finding {
                            system: estate[d].system,
                            elements: vec![Element::Data(d)],
                            facts,
                        });
                    }
                }
            }
        }
    }
}

/// What compiling the estate's custom rules produced.
#[derive(Debug, Default)]
pub struct CustomRules {
    /// The rules that compiled, in file order.
    pub rules: Vec<CompiledRule>,
    /// Errors of the rules that did not (they are left out of `rules`).
    pub diagnostics: Vec<Diagnostic>,
}

/// Compiles the `rules:` of the estate root.
///
/// `sources` (from [`riskfirst_model::Loaded`]) lets diagnostics point at the
/// exact character inside a quoted or block `when:` scalar; with an empty map
/// the position is computed from the span alone, which is exact for
/// single-line plain and quoted scalars without escapes.
pub fn compile_rules(estate: &Estate, sources: &SourceMap) -> CustomRules {
    let builtin_codes: Vec<&str> = builtin().iter().map(|r| r.meta().code).collect();
    let mut out = CustomRules::default();
    let mut seen = HashSet::new();
    for rule in &estate.root.rules {
        let code = &rule.code;
        if builtin_codes.contains(&code.as_str()) || code.as_str() == crate::engine::MANUAL_CODE {
            let d = Diagnostic::error("E026", format!("custom rule code `{}` is a built-in rule code", code.value), code.span)
                .with_hint("custom codes must not collide with built-in ones; use a prefix such as `X001` or `ORG-001`");
            out.diagnostics.push(d);
            continue;
        }
        if !seen.insert(code.value.clone()) {
            // The model reports duplicate codes (E020); the first one wins here.
            continue;
        }
        match expr::compile(&rule.when, rule.applies_to) {
            Ok(when) => out.rules.push(CompiledRule {
                raw: rule.clone(),
                when,
            }),
            Err(e) => out
                .diagnostics
                .push(expr_diagnostic(&rule.when, sources, e)),
        }
    }
    out
}

/// Turns an expression error into a diagnostic at its position in the file.
pub fn expr_diagnostic(when: &Spanned<String>, sources: &SourceMap, e: ExprError) -> Diagnostic {
    let (line, col) = locate(when, sources, e.offset);
    let span = Span {
        file: when.span.file,
        line,
        col,
        len: e.len as u32,
    };
    let mut d = Diagnostic::error(
        e.code,
        e.message,
        if when.span.is_known() {
            span
        } else {
            when.span
        },
    );
    d.hint = e.hint;
    d
}

/// The line and column of character `offset` of a scalar's value.
fn locate(when: &Spanned<String>, sources: &SourceMap, offset: usize) -> (u32, u32) {
    let span = when.span;
    let fallback = || {
        // Without the text: a quoted scalar's span is two characters longer than its value.
        let quoted = span.len as usize == when.value.chars().count() + 2;
        (span.line, span.col + u32::from(quoted) + offset as u32)
    };
    let Some(text) = sources.file(span.file).map(|f| f.text.as_str()) else {
        return fallback();
    };
    let Some(line_text) = text.lines().nth(span.line.saturating_sub(1) as usize) else {
        return fallback();
    };
    let start: Vec<char> = line_text
        .chars()
        .skip(span.col.saturating_sub(1) as usize)
        .collect();
    let Some(&first) = start.first() else {
        return fallback();
    };
    // Walk the source from the first character of the value, matching it
    // character by character; the source may hold quotes, escapes, line
    // breaks and indentation that the value does not.
    let mut line = span.line;
    let mut col = span.col;
    let mut lines = text.lines().skip(span.line as usize);
    let mut src: Vec<char> = start;
    let mut i = 0usize;
    let quote = match first {
        '"' | '\'' => {
            i = 1;
            col += 1;
            Some(first)
        }
        '|' | '>' => {
            // A block scalar: the value starts on the next line, after the indentation.
            let Some(next) = lines.next() else {
                return fallback();
            };
            line += 1;
            src = next.chars().collect();
            i = src.iter().take_while(|c| **c == ' ').count();
            col = i as u32 + 1;
            None
        }
        _ => None,
    };
    let value: Vec<char> = when.value.chars().collect();
    for &want in value.iter().take(offset) {
        loop {
            if i >= src.len() {
                let Some(next) = lines.next() else {
                    return (line, col);
                };
                line += 1;
                src = next.chars().collect();
                i = src.iter().take_while(|c| c.is_whitespace()).count();
                col = i as u32 + 1;
                if want == ' ' || want == '\n' {
                    break;
                }
                continue;
            }
            let have = src[i];
            i += 1;
            col += 1;
            if have == want {
                break;
            }
            if quote == Some('"') && have == '\\' {
                // An escape: the backslash and what follows stand for one character.
                i += 1;
                col += 1;
                break;
            }
        }
    }
    (line, col)
}

/// Checks a rule code written in the model against the known codes; `E025` when unknown.
pub fn check_rule_code(code: &Spanned<String>, known: &[String], out: &mut Vec<Diagnostic>) {
    if known.iter().any(|k| k == code.as_str()) {
        return;
    }
    let mut d = Diagnostic::error(
        "E025",
        format!("unknown rule code `{}`", code.value),
        code.span,
    );
    d.hint = Some(match closest(code, known.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "`riskfirst rules` lists the rule codes".into(),
    });
    out.push(d);
}
