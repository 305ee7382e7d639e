//! `riskfirst check`: the CI gate, rendered. The gate itself is
//! `riskfirst_assess::gate`: this module prints it as text, JSON or SARIF.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::gate::{self, Gate, GateOptions, Problem, ProblemKind, Severity};
use riskfirst_model::{SourceMap, Span};
use riskfirst_report::sarif;
use riskfirst_rules::{rule_catalog, rule_doc};

use super::{open, today, CliError, CmdResult};
use crate::cli::{CheckFormat, EstateArgs};
use crate::output;

/// The check's options, as given on the command line.
pub struct Options {
    pub fail_on: Option<String>,
    pub warn_days: Option<u32>,
    pub format: CheckFormat,
    pub trials: Option<u64>,
    pub seed: Option<u64>,
}

pub fn run(args: &EstateArgs, opts: &Options) -> CmdResult {
    let outcome = open(args)?;
    output::print_diagnostics(&outcome.diagnostics, &outcome.sources)?;
    let Some(checked) = outcome.prepared else {
        let n = outcome.errors();
        writeln!(
            output::stdout(),
            "check failed: the model has {n} validation error{}",
            if n == 1 { "" } else { "s" }
        )?;
        return Ok(ExitCode::from(1));
    };
    let cfg = super::assess_config(opts.trials, opts.seed);
    let a = super::assess(&checked, &cfg)?;
    let asked = GateOptions {
        fail_on: opts.fail_on.clone(),
        warn_days: opts.warn_days,
    };
    let g = gate::gate(&checked.estate, &checked.analysis, &a, &asked, today()).map_err(
        |e| match e {
            gate::GateError::UnknownLevel { given, levels } => CliError::Usage {
                message: format!("unknown risk level `{given}` for --fail-on"),
                hint: Some(format!("the estate's levels are: {}", levels.join(", "))),
            },
        },
    )?;
    let mut out = output::stdout();
    match opts.format {
        CheckFormat::Sarif => {
            let log = sarif_log(&checked.custom.rules, &g, &outcome.sources);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&log).unwrap_or_default()
            )?;
        }
        CheckFormat::Json => {
            let list = |fails: bool| -> Vec<&str> {
                g.problems
                    .iter()
                    .filter(|p| p.fails == fails)
                    .map(|p| p.reason.as_str())
                    .collect()
            };
            let v = serde_json::json!({
                "passed": g.passed,
                "fail_on": g.fail_on,
                "warn_days": g.warn_days,
                "failures": list(true),
                "warnings": list(false),
                "problems": g.problems,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )?;
        }
        CheckFormat::Text => render_text(&mut out, &g)?,
    }
    Ok(if g.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn render_text(out: &mut impl Write, g: &Gate) -> std::io::Result<()> {
    let s = output::styles();
    for p in g.failures() {
        writeln!(out, "{}", p.reason)?;
    }
    for p in g.warnings() {
        writeln!(out, "{} {}", s.warning.paint("warning:"), p.reason)?;
    }
    let failures = g.failures().count();
    if failures > 0 {
        writeln!(
            out,
            "{} {failures} reason{} (fail-on {})",
            s.error.paint("check failed:"),
            if failures == 1 { "" } else { "s" },
            g.fail_on
        )
    } else {
        let appetite = if g.appetite_stated {
            "appetite met"
        } else {
            "no risk appetite stated"
        };
        writeln!(
            out,
            "{} {}, {} open, none at or above {} without a decision; {appetite}",
            s.hint.paint("check passed:"),
            riskfirst_model::text::plural(g.threats, "threat", "threats"),
            g.open,
            g.fail_on
        )
    }
}

fn sarif_level(s: Severity) -> sarif::Level {
    match s {
        Severity::Error => sarif::Level::Error,
        Severity::Warning => sarif::Level::Warning,
        Severity::Note => sarif::Level::Note,
    }
}

/// The model file, relative and with `/`, and the position in it.
fn location(sources: &SourceMap, span: Span) -> Option<sarif::Location> {
    let path = sources.file(span.file)?.path.clone();
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
        .unwrap_or(path);
    let uri = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Some(sarif::Location {
        uri,
        line: span.line,
        column: span.col,
    })
}

fn sarif_log(
    custom: &[riskfirst_rules::CompiledRule],
    g: &Gate,
    sources: &SourceMap,
) -> serde_json::Value {
    let mut rules: Vec<sarif::Rule> = rule_catalog(custom)
        .into_iter()
        .map(|r| {
            let mut tags = vec!["security".to_string(), r.stride.name().to_string()];
            tags.extend(r.cwe.iter().map(|c| format!("external/cwe/cwe-{c}")));
            sarif::Rule {
                doc: rule_doc(&r.code, custom),
                id: r.code,
                name: r.name,
                summary: r.summary,
                tags,
                level: sarif::Level::Error,
            }
        })
        .collect();
    for kind in ProblemKind::GOVERNANCE {
        rules.push(sarif::Rule {
            id: kind.rule_id().into(),
            name: kind.rule_id().into(),
            summary: kind.summary().into(),
            doc: None,
            tags: vec!["risk-governance".into()],
            level: if kind == ProblemKind::AcceptanceExpiring {
                sarif::Level::Warning
            } else {
                sarif::Level::Error
            },
        });
    }
    // Hand-written threats use a code outside the catalog: give it a rule too.
    for p in &g.problems {
        if !rules.iter().any(|r| r.id == p.rule_id) {
            rules.push(sarif::Rule {
                id: p.rule_id.clone(),
                name: p.rule_id.clone(),
                summary: "A threat written by hand in the model".into(),
                doc: None,
                tags: vec!["security".into()],
                level: sarif::Level::Error,
            });
        }
    }
    let findings: Vec<sarif::Finding> = g.problems.iter().map(|p| finding(p, sources)).collect();
    let tool = sarif::Tool {
        version: env!("CARGO_PKG_VERSION").to_string(),
        // No public address yet: SARIF makes the field optional.
        information_uri: None,
    };
    sarif::render(&tool, &rules, &findings)
}

fn finding(p: &Problem, sources: &SourceMap) -> sarif::Finding {
    sarif::Finding {
        rule_id: p.rule_id.clone(),
        level: sarif_level(p.severity),
        message: p.message.clone(),
        location: p.span.and_then(|span: Span| location(sources, span)),
        fingerprint: p.fingerprint.clone(),
    }
}
