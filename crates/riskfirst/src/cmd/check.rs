//! `riskfirst check`: the CI gate. Exit 1 with one reason per line, or 0 with a one-line summary.
//!
//! Fails on: a breached risk appetite (current stage), an open threat at or
//! above the fail-on level with no decision, an expired acceptance, an item
//! with no owner. An acceptance that expires within the warning window is a
//! warning and does not fail, so a team gets notice before the gate closes.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::money;
use riskfirst_model::format::ThreatStatus;
use riskfirst_model::{SourceMap, Span};
use riskfirst_report::sarif;
use riskfirst_rules::{rule_catalog, rule_doc, Element};

use super::{check, today, CliError, CmdResult};
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

/// Rule ids of the failures that are not threats.
const APPETITE: &str = "appetite-breached";
const EXPIRED: &str = "acceptance-expired";
const EXPIRING: &str = "acceptance-expiring";
const NO_OWNER: &str = "no-owner";
const NO_SYSTEM: &str = "no-system";

struct Problem {
    reason: String,
    /// Does it fail the check, or only warn?
    fails: bool,
    finding: sarif::Finding,
}

pub fn run(args: &EstateArgs, opts: &Options) -> CmdResult {
    let outcome = check(args)?;
    output::print_diagnostics(&outcome.diagnostics, &outcome.sources)?;
    let Some(checked) = outcome.checked else {
        let n = outcome.errors();
        writeln!(
            output::stdout(),
            "check failed: the model has {n} validation error{}",
            if n == 1 { "" } else { "s" }
        )?;
        return Ok(ExitCode::from(1));
    };
    let sources = &outcome.sources;
    let estate = &checked.estate;
    let today = today();
    let cfg = super::assess_config(opts.trials, opts.seed);
    let a = super::assess(&checked, &cfg)?;
    let levels = &a.settings.levels;
    let policy = estate.root.policy.as_ref();
    let fail_on = opts
        .fail_on
        .clone()
        .or_else(|| policy.and_then(|p| p.fail_on.as_ref().map(|f| f.value.clone())))
        .or_else(|| levels.iter().rev().nth(1).or(levels.last()).cloned())
        .unwrap_or_default();
    let Some(fail_index) = levels.iter().position(|l| *l == fail_on) else {
        return Err(CliError::Usage {
            message: format!("unknown risk level `{fail_on}` for --fail-on"),
            hint: Some(format!("the estate's levels are: {}", levels.join(", "))),
        });
    };
    let warn_days = opts
        .warn_days
        .or_else(|| policy.and_then(|p| p.warn_days))
        .unwrap_or(30);

    let c = &a.settings.currency;
    let locate = |span: Span| location(sources, span);
    let level_of = |name: &str| sarif_level(levels, name);
    let mut problems: Vec<Problem> = Vec::new();

    // An estate with no system has nothing to pass: a misnamed folder or
    // `systems: []` must not turn the gate green.
    if estate.systems.is_empty() {
        let reason = "no system: the estate has no system file, so nothing was checked (system files are `systems/**/*.yaml`, `.yml` or `.json`, or the root's `systems:` list)".to_string();
        problems.push(Problem {
            finding: sarif::Finding {
                rule_id: NO_SYSTEM.into(),
                level: sarif::Level::Error,
                message: reason.clone(),
                // The root file: it is the first source.
                location: locate(Span {
                    file: riskfirst_model::FileId(0),
                    line: 1,
                    col: 1,
                    len: 1,
                }),
                fingerprint: "no-system".into(),
            },
            reason,
            fails: true,
        });
    }

    // Appetite: the statements of the estate locate the breaches.
    for x in a.appetite.iter().filter(|x| x.breached) {
        let scope = x.business_risk.as_deref().unwrap_or("the organisation");
        let reason = if x.measure == "max_open_level" {
            format!(
                "appetite: {} open threat(s) above {}",
                x.current,
                x.limit.as_str().unwrap_or_default()
            )
        } else {
            format!(
                "appetite: {} of {scope} is {}, above {}",
                x.measure,
                money(x.current.as_f64().unwrap_or(0.0), c),
                money(x.limit.as_f64().unwrap_or(0.0), c)
            )
        };
        let span = estate
            .appetite
            .iter()
            .find(|s| match (&x.id, &s.id) {
                (Some(a), Some(b)) => *a == b.value,
                _ => {
                    s.business_risk.as_ref().map(|r| r.value.as_str()) == x.business_risk.as_deref()
                        && (x.measure == "max_open_level") == s.max_open_level.is_some()
                }
            })
            .and_then(|s| {
                s.id.as_ref()
                    .map(|i| i.span)
                    .or(s.business_risk.as_ref().map(|r| r.span))
                    .or(s.max_open_level.as_ref().map(|m| m.span))
            });
        let key =
            x.id.clone()
                .unwrap_or_else(|| format!("{scope}:{}", x.measure));
        problems.push(Problem {
            finding: sarif::Finding {
                rule_id: APPETITE.into(),
                level: sarif::Level::Error,
                message: reason.clone(),
                location: span.and_then(locate),
                fingerprint: format!("appetite:{key}"),
            },
            reason,
            fails: true,
        });
    }

    // Threats: the assessment gives the level, the analysis the elements and decisions.
    let outs: HashMap<(&str, &str), &riskfirst_assess::ThreatOut> = a
        .threats
        .iter()
        .map(|t| ((t.system.as_str(), t.id.as_str()), t))
        .collect();
    let mut decisions_seen = std::collections::HashSet::new();
    for t in &checked.analysis.threats {
        let sys = estate[t.system].id();
        let Some(out) = outs.get(&(sys, t.id.as_str())) else {
            continue;
        };
        let rank = levels.iter().position(|l| *l == out.level.level);
        let loss = out
            .value
            .as_ref()
            .map(|v| format!("; closing it removes {} a year", money(v.current, c)))
            .unwrap_or_default();
        let element_span = t.elements.first().map(|e| match *e {
            Element::Component(i) => estate[i].raw.id.span,
            Element::Flow(i) => estate[i].raw.id.span,
            Element::Data(i) => estate[i].raw.id.span,
        });
        if out.status == ThreatStatus::Open
            && t.decision.is_none()
            && rank.is_some_and(|r| r >= fail_index)
        {
            let reason = format!(
                "open threat {} in {sys} ({}, ≥ {fail_on}) has no decision",
                t.id, out.level.level
            );
            problems.push(Problem {
                finding: sarif::Finding {
                    rule_id: t.rule.code.clone(),
                    level: level_of(&out.level.level),
                    message: format!(
                        "{}: {} ({}). Risk level {}{loss}. Facts: {}. Owner: {}. Record a decision in the system file or mitigate it.",
                        t.id,
                        out.title,
                        out.recommendation.reason,
                        out.level.level,
                        out.facts.join("; "),
                        out.owner
                    ),
                    location: element_span.and_then(locate),
                    fingerprint: format!("{sys}:{}", t.id),
                },
                reason,
                fails: true,
            });
        }
        if let Some(d) = &t.decision {
            let (Some(expires), ThreatStatus::Accepted) = (d.expires, d.status) else {
                continue;
            };
            // One line per decision entry: a pattern may accept many threats.
            if !decisions_seen.insert((t.system, d.entry)) {
                continue;
            }
            let left = expires.days() - today.days();
            let (rule, reason, fails) = if left < 0 {
                (
                    EXPIRED,
                    format!("acceptance of {} in {sys} expired on {expires}", d.pattern),
                    true,
                )
            } else if left <= i64::from(warn_days) {
                (
                    EXPIRING,
                    format!(
                        "acceptance of {} in {sys} expires on {expires}, within {warn_days} days",
                        d.pattern
                    ),
                    false,
                )
            } else {
                continue;
            };
            problems.push(Problem {
                finding: sarif::Finding {
                    rule_id: rule.into(),
                    level: if fails {
                        sarif::Level::Error
                    } else {
                        sarif::Level::Warning
                    },
                    message: format!("{reason}{loss}; renew it or mitigate"),
                    location: locate(d.span),
                    fingerprint: format!("{rule}:{sys}:{}", d.pattern),
                },
                reason,
                fails,
            });
        }
    }

    // Owners: resolution gives every threat and control a team; what can still fail is
    // a blank business-risk owner (fails), and a team nobody can be reached at or an
    // assumption nobody owns (warnings: listed, so they get an owner, without blocking).
    for ctl in &a.controls {
        if ctl.owner.trim().is_empty() {
            let reason = format!("no owner: control {}", ctl.id);
            problems.push(owner_problem(
                reason,
                format!("owner:control:{}", ctl.id),
                true,
            ));
        }
    }
    for u in &a.unowned {
        let fails = u.kind == "business-risk";
        let place = u
            .system
            .as_deref()
            .map(|s| format!(" in {s}"))
            .unwrap_or_default();
        let reason = format!(
            "no owner: {} {}{place}: {}",
            u.kind.replace('-', " "),
            u.id,
            u.reason
        );
        let fingerprint = format!(
            "owner:{}:{}{}",
            u.kind,
            u.system
                .as_deref()
                .map(|s| format!("{s}:"))
                .unwrap_or_default(),
            u.id
        );
        // Point code scanning at the line to fix: the assumption, the team or the risk.
        let span = match u.kind.as_str() {
            "assumption" => u
                .system
                .as_deref()
                .and_then(|s| estate.system(s))
                .and_then(|s| estate[s].assumptions.iter().find(|x| x.id.value == u.id))
                .map(|x| x.id.span),
            "team" => estate.team(&u.id).map(|t| estate[t].id.span),
            _ => estate.business_risk(&u.id).map(|r| estate[r].id.span),
        };
        let mut problem = owner_problem(reason, fingerprint, fails);
        problem.finding.location = span.and_then(locate);
        problems.push(problem);
    }

    let failures = problems.iter().filter(|p| p.fails).count();
    let code = if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let mut out = output::stdout();
    match opts.format {
        CheckFormat::Sarif => {
            let log = sarif_log(&checked.custom.rules, &problems);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&log).unwrap_or_default()
            )?;
        }
        CheckFormat::Json => {
            let list = |fails: bool| -> Vec<&str> {
                problems
                    .iter()
                    .filter(|p| p.fails == fails)
                    .map(|p| p.reason.as_str())
                    .collect()
            };
            let v = serde_json::json!({
                "passed": failures == 0,
                "fail_on": fail_on,
                "warn_days": warn_days,
                "failures": list(true),
                "warnings": list(false),
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )?;
        }
        CheckFormat::Text => {
            let s = output::styles();
            for p in problems.iter().filter(|p| p.fails) {
                writeln!(out, "{}", p.reason)?;
            }
            for p in problems.iter().filter(|p| !p.fails) {
                writeln!(out, "{} {}", s.warning.paint("warning:"), p.reason)?;
            }
            let sum = &a.summary;
            if failures > 0 {
                writeln!(
                    out,
                    "{} {failures} reason{} (fail-on {fail_on})",
                    s.error.paint("check failed:"),
                    if failures == 1 { "" } else { "s" }
                )?;
            } else {
                let appetite = if estate.appetite.is_empty() {
                    "no risk appetite stated"
                } else {
                    "appetite met"
                };
                writeln!(
                    out,
                    "{} {} threats, {} open, none at or above {fail_on} without a decision; {appetite}",
                    s.hint.paint("check passed:"),
                    sum.threats,
                    sum.by_status.open
                )?;
            }
        }
    }
    Ok(code)
}

/// Top two levels are errors, the next a warning, the rest notes.
fn sarif_level(levels: &[String], name: &str) -> sarif::Level {
    let n = levels.len();
    match levels.iter().position(|l| l == name) {
        Some(i) if i + 2 >= n => sarif::Level::Error,
        Some(i) if i + 3 >= n => sarif::Level::Warning,
        _ => sarif::Level::Note,
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

fn sarif_log(custom: &[riskfirst_rules::CompiledRule], problems: &[Problem]) -> serde_json::Value {
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
    let own = [
        (
            APPETITE,
            "A risk appetite statement is breached",
            sarif::Level::Error,
        ),
        (
            EXPIRED,
            "A risk acceptance has expired",
            sarif::Level::Error,
        ),
        (
            EXPIRING,
            "A risk acceptance expires soon",
            sarif::Level::Warning,
        ),
        (NO_OWNER, "An item has no owner", sarif::Level::Error),
        (NO_SYSTEM, "The estate has no system", sarif::Level::Error),
    ];
    for (id, summary, level) in own {
        rules.push(sarif::Rule {
            id: id.into(),
            name: id.into(),
            summary: summary.into(),
            doc: None,
            tags: vec!["risk-governance".into()],
            level,
        });
    }
    // Hand-written threats use a code outside the catalog: give it a rule too.
    for p in problems {
        if !rules.iter().any(|r| r.id == p.finding.rule_id) {
            rules.push(sarif::Rule {
                id: p.finding.rule_id.clone(),
                name: p.finding.rule_id.clone(),
                summary: "A threat written by hand in the model".into(),
                doc: None,
                tags: vec!["security".into()],
                level: sarif::Level::Error,
            });
        }
    }
    let findings: Vec<sarif::Finding> = problems.iter().map(|p| p.finding.clone()).collect();
    let tool = sarif::Tool {
        version: env!("CARGO_PKG_VERSION").to_string(),
        // No public address yet: SARIF makes the field optional.
        information_uri: None,
    };
    sarif::render(&tool, &rules, &findings)
}

fn owner_problem(reason: String, fingerprint: String, fails: bool) -> Problem {
    Problem {
        finding: sarif::Finding {
            rule_id: NO_OWNER.into(),
            level: if fails {
                sarif::Level::Error
            } else {
                sarif::Level::Warning
            },
            message: reason.clone(),
            location: None,
            fingerprint,
        },
        reason,
        fails,
    }
}
