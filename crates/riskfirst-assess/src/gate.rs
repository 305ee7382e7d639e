//! The CI gate as a value: what fails an estate, what only warns, where in the files each
//! problem is and a fingerprint that stays the same from run to run.
//!
//! Fails on: an estate with no system, a breached risk appetite (current stage), an open
//! threat at or above the fail-on level with no decision, an expired acceptance, an item
//! with no owner. An acceptance that expires within the warning window is a warning and
//! does not fail, so a team gets notice before the gate closes. The CLI (`riskfirst check`)
//! and a server render the same [`Gate`].

use std::collections::{HashMap, HashSet};

use riskfirst_model::format::ThreatStatus;
use riskfirst_model::{Date, Estate, FileId, Span};
use riskfirst_rules::{Analysis, Element};
use serde::{Deserialize, Serialize};

use crate::{money, Assessment, Figure, Measure, ThreatOut, UnownedKind};

/// What the gate is asked: the level at which open threats fail it and the warning window
/// for acceptances. `None` takes the estate's policy, then the defaults (the second-highest
/// level; 30 days).
#[derive(Clone, Debug, Default)]
pub struct GateOptions {
    pub fail_on: Option<String>,
    pub warn_days: Option<u32>,
}

/// A gate that cannot be run as asked: the user's mistake, not a finding.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GateError {
    #[error("unknown risk level `{given}` for fail-on; the estate's levels are: {}", levels.join(", "))]
    UnknownLevel { given: String, levels: Vec<String> },
}

/// Which kind of problem; for threats, the rule's code is in [`Problem::rule_id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    NoSystem,
    AppetiteBreached,
    OpenThreat,
    AcceptanceExpired,
    AcceptanceExpiring,
    NoOwner,
}

impl ProblemKind {
    /// The rule id of the problems that are not threats (SARIF rules, JSON).
    pub fn rule_id(self) -> &'static str {
        match self {
            ProblemKind::NoSystem => "no-system",
            ProblemKind::AppetiteBreached => "appetite-breached",
            ProblemKind::OpenThreat => "open-threat",
            ProblemKind::AcceptanceExpired => "acceptance-expired",
            ProblemKind::AcceptanceExpiring => "acceptance-expiring",
            ProblemKind::NoOwner => "no-owner",
        }
    }

    /// One line on what the rule is about.
    pub fn summary(self) -> &'static str {
        match self {
            ProblemKind::NoSystem => "The estate has no system",
            ProblemKind::AppetiteBreached => "A risk appetite statement is breached",
            ProblemKind::OpenThreat => {
                "An open threat at or above the fail-on level has no decision"
            }
            ProblemKind::AcceptanceExpired => "A risk acceptance has expired",
            ProblemKind::AcceptanceExpiring => "A risk acceptance expires soon",
            ProblemKind::NoOwner => "An item has no owner",
        }
    }

    /// The governance kinds (everything but threats), for rule tables.
    pub const GOVERNANCE: [ProblemKind; 5] = [
        ProblemKind::AppetiteBreached,
        ProblemKind::AcceptanceExpired,
        ProblemKind::AcceptanceExpiring,
        ProblemKind::NoOwner,
        ProblemKind::NoSystem,
    ];
}

/// How serious a problem is for code scanning: failures of governance are errors, threats
/// follow their level (the top two levels errors, the next a warning, the rest notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The rule's code for threats, else the kind's rule id.
    pub rule_id: String,
    /// Does it fail the gate, or only warn?
    pub fails: bool,
    pub severity: Severity,
    /// One line for a log.
    pub reason: String,
    /// The longer text for code scanning.
    pub message: String,
    /// Where to fix it, when the files say.
    #[serde(skip)]
    pub span: Option<Span>,
    /// Stable from run to run and unique within a gate.
    pub fingerprint: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gate {
    pub passed: bool,
    pub fail_on: String,
    pub warn_days: u32,
    pub appetite_stated: bool,
    pub threats: usize,
    pub open: usize,
    pub problems: Vec<Problem>,
}

impl Problem {
    /// A problem of governance (not a threat): an error when it fails the gate, else a
    /// warning.
    fn governance(
        kind: ProblemKind,
        fails: bool,
        reason: String,
        message: String,
        span: Option<Span>,
        fingerprint: String,
    ) -> Problem {
        Problem {
            kind,
            rule_id: kind.rule_id().into(),
            fails,
            severity: if fails {
                Severity::Error
            } else {
                Severity::Warning
            },
            reason,
            message,
            span,
            fingerprint,
        }
    }
}

impl Gate {
    pub fn failures(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.fails)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.fails)
    }
}

/// Runs the gate over an assessed estate on `today`.
pub fn gate(
    estate: &Estate,
    analysis: &Analysis,
    a: &Assessment,
    opts: &GateOptions,
    today: Date,
) -> Result<Gate, GateError> {
    let levels = &a.settings.levels;
    let policy = estate.root.policy.as_ref();
    let fail_on = opts
        .fail_on
        .clone()
        .or_else(|| policy.and_then(|p| p.fail_on.as_ref().map(|f| f.value.clone())))
        .or_else(|| levels.iter().rev().nth(1).or(levels.last()).cloned())
        .unwrap_or_default();
    let Some(fail_index) = levels.iter().position(|l| *l == fail_on) else {
        return Err(GateError::UnknownLevel {
            given: fail_on,
            levels: levels.clone(),
        });
    };
    let warn_days = opts
        .warn_days
        .or_else(|| policy.and_then(|p| p.warn_days))
        .unwrap_or(30);
    let c = &a.settings.currency;
    let mut problems: Vec<Problem> = Vec::new();

    // An estate with no system has nothing to pass: a misnamed folder or `systems: []`
    // must not turn the gate green.
    if estate.systems.is_empty() {
        let reason = "no system: the estate has no system file, so nothing was checked (system files are `systems/**/*.yaml`, `.yml` or `.json`, or the root's `systems:` list)".to_string();
        // The root file: it is the first source.
        let root = Span {
            file: FileId(0),
            line: 1,
            col: 1,
            len: 1,
        };
        problems.push(Problem::governance(
            ProblemKind::NoSystem,
            true,
            reason.clone(),
            reason,
            Some(root),
            "no-system".into(),
        ));
    }

    // Appetite: the statements of the estate locate the breaches.
    for x in a.appetite.iter().filter(|x| x.breached) {
        let scope = x.business_risk.as_deref().unwrap_or("the organisation");
        let reason = if x.measure == Measure::MaxOpenLevel {
            let n = match x.current {
                Figure::Count(n) => n,
                _ => 0,
            };
            format!(
                "appetite: {n} open threat{} above {}",
                if n == 1 { "" } else { "s" },
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
                        && (x.measure == Measure::MaxOpenLevel) == s.max_open_level.is_some()
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
        problems.push(Problem::governance(
            ProblemKind::AppetiteBreached,
            true,
            reason.clone(),
            reason,
            span,
            format!("appetite:{key}"),
        ));
    }

    // Threats: the assessment gives the level, the analysis the elements and decisions.
    let outs: HashMap<(&str, &str), &ThreatOut> = a
        .threats
        .iter()
        .map(|t| ((t.system.as_str(), t.id.as_str()), t))
        .collect();
    let mut decisions_seen = HashSet::new();
    for t in &analysis.threats {
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
        if out.status == ThreatStatus::Open
            && t.decision.is_none()
            && rank.is_some_and(|r| r >= fail_index)
        {
            let reason = format!(
                "open threat {} in {sys} ({}, ≥ {fail_on}) has no decision",
                t.id, out.level.level
            );
            let message = format!(
                "{}: {} ({}). Risk level {}{loss}. Facts: {}. Owner: {}. Record a decision in the system file or mitigate it.",
                t.id,
                out.title,
                out.recommendation.reason,
                out.level.level,
                out.facts.join("; "),
                out.owner
            );
            let span = t.elements.first().map(|e| match *e {
                Element::Component(i) => estate[i].raw.id.span,
                Element::Flow(i) => estate[i].raw.id.span,
                Element::Data(i) => estate[i].raw.id.span,
            });
            problems.push(Problem {
                kind: ProblemKind::OpenThreat,
                rule_id: t.rule.code.clone(),
                fails: true,
                severity: severity_of(levels, &out.level.level),
                reason,
                message,
                span,
                fingerprint: format!("{sys}:{}", t.id),
            });
        }
        let Some(d) = &t.decision else {
            continue;
        };
        let (Some(expires), ThreatStatus::Accepted) = (d.expires, d.status) else {
            continue;
        };
        // One problem per decision entry: a pattern may accept many threats.
        if !decisions_seen.insert((t.system, d.entry)) {
            continue;
        }
        let left = expires.days() - today.days();
        let (kind, reason) = if left < 0 {
            (
                ProblemKind::AcceptanceExpired,
                format!("acceptance of {} in {sys} expired on {expires}", d.pattern),
            )
        } else if left <= i64::from(warn_days) {
            (
                ProblemKind::AcceptanceExpiring,
                format!(
                    "acceptance of {} in {sys} expires on {expires}, in {left} day{} (warning window {warn_days} days)",
                    d.pattern,
                    if left == 1 { "" } else { "s" }
                ),
            )
        } else {
            continue;
        };
        let fails = kind == ProblemKind::AcceptanceExpired;
        let message = format!("{reason}{loss}; renew it or mitigate");
        let fingerprint = format!("{}:{sys}:{}", kind.rule_id(), d.pattern);
        problems.push(Problem::governance(
            kind,
            fails,
            reason,
            message,
            Some(d.span),
            fingerprint,
        ));
    }

    // Owners: resolution gives every threat and control a team; what can still fail is a
    // blank business-risk owner (fails), and a team nobody can be reached at or an
    // assumption nobody owns (warnings: listed, so they get an owner, without blocking).
    let mut owner = |fails: bool, reason: String, span: Option<Span>, fingerprint: String| {
        let message = reason.clone();
        problems.push(Problem::governance(
            ProblemKind::NoOwner,
            fails,
            reason,
            message,
            span,
            fingerprint,
        ))
    };
    for ctl in &a.controls {
        if ctl.owner.trim().is_empty() {
            owner(
                true,
                format!("no owner: control {}", ctl.id),
                None,
                format!("owner:control:{}", ctl.id),
            );
        }
    }
    for u in &a.unowned {
        let fails = u.kind == UnownedKind::BusinessRisk;
        let place = u
            .system
            .as_deref()
            .map(|s| format!(" in {s}"))
            .unwrap_or_default();
        let reason = format!(
            "no owner: {} {}{place}: {}",
            u.kind.as_str().replace('-', " "),
            u.id,
            u.reason
        );
        let fingerprint = format!(
            "owner:{}:{}{}",
            u.kind.as_str(),
            u.system
                .as_deref()
                .map(|s| format!("{s}:"))
                .unwrap_or_default(),
            u.id
        );
        // Point code scanning at the line to fix: the assumption, the team or the risk.
        let span = match u.kind {
            UnownedKind::Assumption => u
                .system
                .as_deref()
                .and_then(|s| estate.system(s))
                .and_then(|s| estate[s].assumptions.iter().find(|x| x.id.value == u.id))
                .map(|x| x.id.span),
            UnownedKind::Team => estate.team(&u.id).map(|t| estate[t].id.span),
            UnownedKind::BusinessRisk => estate.business_risk(&u.id).map(|r| estate[r].id.span),
        };
        owner(fails, reason, span, fingerprint);
    }

    Ok(Gate {
        passed: !problems.iter().any(|p| p.fails),
        fail_on,
        warn_days,
        appetite_stated: !estate.appetite.is_empty(),
        threats: a.summary.threats,
        open: a.summary.by_status.open,
        problems,
    })
}

/// Top two levels are errors, the next a warning, the rest notes.
fn severity_of(levels: &[String], name: &str) -> Severity {
    let n = levels.len();
    match levels.iter().position(|l| l == name) {
        Some(i) if i + 2 >= n => Severity::Error,
        Some(i) if i + 3 >= n => Severity::Warning,
        _ => Severity::Note,
    }
}
