//! The Markdown report, for wikis and pull requests.
//!
//! GitHub-flavoured Markdown telling the same story as the HTML report, in business
//! language: the executive summary, teams, business risks, each system (its diagram,
//! threats, controls and decisions), the remediation plan, and every threat in an appendix.
//! Every string that comes from the model goes through [`escape`], and only there.

use std::fmt::Write;

use riskfirst_assess::{money, Action, Assessment, Figure, Losses, Measure, RollupOut, ThreatOut};
use riskfirst_model::text::plural;
use riskfirst_model::{Date, Estate, SystemIdx};

use crate::diagram::Marks;
use crate::ReportInput;

/// A model string made inert as Markdown inline text, on one line.
///
/// - Line breaks, other control characters and hidden ones (bidi overrides, zero-width)
///   become spaces, so a value never ends a
///   table row, a list item or a heading.
/// - `<`, `>` and an `&` that would start an entity (`&amp;`) become entities: no HTML
///   tag, comment or entity from the model reaches the page, and the text reads as it
///   was written, raw or rendered (`Data & Analytics` stays so).
/// - Every character that could open a link, an image, code, emphasis, strikethrough or
///   a table cell (`\ [ ] ( ) ` * _ ~ | #`) is backslash-escaped, as are a leading `-`,
///   `+` or `=` and a leading `1.` / `1)`, which would start a list or a heading where
///   the value begins a line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        match c {
            // Only an `&` that starts a character reference (`&amp;`, `&#38;`) changes the
            // text; any other stays as written, so `Data & Analytics` reads the same raw.
            '&' if starts_reference(&text[i + 1..]) => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if riskfirst_model::text::is_unsafe(c) => out.push(' '),
            c => out.push(c),
        }
    }
    // Block markers only act at the start of a line.
    let first_is_marker = matches!(out.chars().next(), Some('-' | '+' | '='));
    if first_is_marker {
        out.insert(0, '\\');
    } else {
        let digits = out.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && matches!(out[digits..].chars().next(), Some('.' | ')')) {
            out.insert(digits, '\\');
        }
    }
    out
}

/// Whether the text after an `&` would make it a character reference: a name or a `#`
/// number, then `;`.
fn starts_reference(rest: &str) -> bool {
    let name = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .count();
    name > 0 && rest[name..].starts_with(';')
}

/// Text written by the assessment (facts, reasons) in which backticks mark model ids, as
/// Markdown: each backtick pair becomes a code span when its content is plain (no
/// character that means anything in HTML or a table, no control character, no padding
/// space), and everything else goes through [`escape`], an unmatched backtick included.
pub fn escape_with_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    // With an even number of parts the last backtick has no partner.
    let pairs = (parts.len() - 1) / 2;
    let mut out = String::with_capacity(text.len() + 8);
    let mut plain = String::new();
    for (i, part) in parts.iter().enumerate() {
        let code = i % 2 == 1 && i <= 2 * pairs;
        let safe = !part.is_empty()
            && !part.starts_with(' ')
            && !part.ends_with(' ')
            && !part
                .chars()
                .any(|c| c.is_control() || matches!(c, '<' | '>' | '&' | '|' | '[' | ']' | '\\'));
        if code && safe {
            out.push_str(&escape(&plain));
            plain.clear();
            out.push('`');
            out.push_str(part);
            out.push('`');
        } else if code {
            plain.push('`');
            plain.push_str(part);
            plain.push('`');
        } else {
            // An odd part that is not code follows the unmatched backtick.
            if i % 2 == 1 {
                plain.push('`');
            }
            plain.push_str(part);
        }
    }
    out.push_str(&escape(&plain));
    out
}

/// A table: the header, its alignment row, and rows whose cells are already Markdown
/// (model strings in them escaped). Rows are padded or cut to the header's width so
/// every row has as many cells as the header.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::from("|");
        for c in cells {
            s.push(' ');
            s.push_str(if c.is_empty() { " " } else { c });
            s.push_str(" |");
        }
        s.push('\n');
        s
    };
    out.push_str(&line(&mut header.iter().copied()));
    out.push_str(&line(&mut header.iter().map(|_| "---")));
    for r in rows {
        let mut cells = (0..header.len()).map(|i| r.get(i).map_or("", String::as_str));
        out.push_str(&line(&mut cells));
    }
    out.push('\n');
}

/// Amounts, formatted once for the whole report.
struct Fmt<'a> {
    currency: &'a str,
}

impl Fmt<'_> {
    fn m(&self, amount: f64) -> String {
        escape(&money(amount, self.currency))
    }

    /// `€1.2M → €800k → €300k`: inherent, current, projected expected annual loss.
    fn stages(&self, l: &Losses) -> String {
        format!(
            "{} → {} → {}",
            self.m(l.inherent.mean),
            self.m(l.current.mean),
            self.m(l.projected.mean)
        )
    }
}

fn action(a: Action) -> &'static str {
    match a {
        Action::Mitigate => "mitigate",
        Action::Accept => "accept",
        Action::Review => "review",
        Action::Keep => "keep",
    }
}

/// The kebab-case name serde gives an enumeration value (`not-applicable`).
fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Whether an acceptance has run out: by the assessment, or by the report's day.
fn expired(t: &ThreatOut, today: Date) -> bool {
    t.decision.as_ref().is_some_and(|d| {
        d.expired
            || d.expires
                .as_deref()
                .and_then(Date::parse)
                .is_some_and(|e| e < today)
    })
}

fn current_mean(t: &ThreatOut) -> f64 {
    t.current_value()
}

/// Threats by current expected annual loss, largest first, then by system and id.
fn by_loss<'a>(threats: impl Iterator<Item = &'a ThreatOut>) -> Vec<&'a ThreatOut> {
    let mut v: Vec<&ThreatOut> = threats.collect();
    v.sort_by(|a, b| {
        current_mean(b)
            .total_cmp(&current_mean(a))
            .then_with(|| a.system.cmp(&b.system))
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// The Mermaid data-flow diagram of one system with its open threats marked, fenced for
/// GitHub. The fence is longer than any run of backticks in the diagram, so no text inside
/// can close it.
fn diagram(input: &ReportInput, marks: &Marks, system: SystemIdx) -> String {
    fenced(
        "mermaid",
        &crate::diagram::mermaid(input.estate, system, marks),
    )
}

fn fenced(info: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let body = body.trim_end_matches('\n');
    format!("{fence}{info}\n{body}\n{fence}\n")
}

fn appetite_state(a: &Assessment, risk: Option<&str>) -> &'static str {
    let entries: Vec<_> = a
        .appetite
        .iter()
        .filter(|x| x.business_risk.as_deref() == risk && x.measure != Measure::MaxOpenLevel)
        .collect();
    if entries.is_empty() {
        "no limit"
    } else if entries.iter().any(|x| x.breached) {
        "**breached**"
    } else {
        "met"
    }
}

fn summary(out: &mut String, input: &ReportInput, f: &Fmt) {
    let a = input.assessment;
    let org = &a.organisation;
    let l = &org.annual_loss;
    out.push_str("## Executive summary\n\n");
    let _ = writeln!(
        out,
        "- **Expected loss a year: {}**; a bad year (one year in ten, p90): **{}**. Overall level: **{}**.",
        f.m(l.current.mean),
        f.m(l.current.p90),
        escape(&org.level.level)
    );
    if let Some(note) = crate::p90_below_mean_note(l.current.mean, l.current.p90) {
        let _ = writeln!(out, "  {note}");
    }
    let _ = writeln!(
        out,
        "- **Without any controls → with the controls in place → once the planned controls are done**: {} a year (bad year {} → {} → {}).",
        f.stages(l),
        f.m(l.inherent.p90),
        f.m(l.current.p90),
        f.m(l.projected.p90)
    );
    let planned: Vec<_> = a
        .controls
        .iter()
        .filter(|c| matches!(name_of(&c.status).as_str(), "planned" | "in-progress"))
        .collect();
    if !planned.is_empty() {
        let cost: f64 = planned.iter().map(|c| c.annual_cost).sum();
        let _ = writeln!(
            out,
            "- **Planned security work**: {} not yet in place {} {} a year (one-off costs spread over {} years) and would remove {} of expected loss a year.",
            plural(planned.len(), "control", "controls"),
            if planned.len() == 1 { "costs" } else { "cost" },
            f.m(cost),
            a.settings.years,
            f.m((l.current.mean - l.projected.mean).max(0.0))
        );
    }
    let limits: Vec<_> = a.appetite.iter().collect();
    if limits.is_empty() {
        out.push_str("- **Risk appetite**: none is stated, so nothing says where to stop.\n");
    } else {
        let _ = writeln!(
            out,
            "- **Risk appetite**: {} of {} breached now; {} still breached once the planned controls are done.",
            a.summary.appetite_breached,
            plural(limits.len(), "limit", "limits"),
            a.summary.appetite_breached_projected
        );
    }
    let s = &a.summary.by_status;
    let _ = writeln!(
        out,
        "- **Threats**: {} in {}; {} open, {} mitigated, {} accepted, {} transferred, {} not applicable. Recommended: mitigate {}, accept {}, review {}.",
        a.summary.threats,
        plural(a.summary.systems, "system", "systems"),
        s.open,
        s.mitigated,
        s.accepted,
        s.transferred,
        s.not_applicable,
        a.summary.by_recommendation.mitigate,
        a.summary.by_recommendation.accept,
        a.summary.by_recommendation.review
    );
    if a.summary.unquantified > 0 {
        let _ = writeln!(
            out,
            "- **Not quantified**: {} reach no business risk, so no money is put on them.",
            plural(a.summary.unquantified, "threat", "threats")
        );
    }
    out.push('\n');

    let expired_now: Vec<&ThreatOut> = a
        .threats
        .iter()
        .filter(|t| name_of(&t.status) == "accepted" && expired(t, input.today))
        .collect();
    if !expired_now.is_empty() {
        let names: Vec<String> = expired_now
            .iter()
            .map(|t| format!("{} in {}", escape(&t.id), escape(&t.system)))
            .collect();
        let _ = writeln!(
            out,
            "> **{} expired** and must be renewed or mitigated: {}.\n",
            plural(expired_now.len(), "acceptance has", "acceptances have"),
            names.join(", ")
        );
    }

    out.push_str("### Top business risks\n\n");
    let risks = a.business_risks_by_loss();
    let rows: Vec<Vec<String>> = risks
        .iter()
        .map(|r| {
            vec![
                escape(&r.title),
                escape(&r.owner),
                f.m(r.annual_loss.current.mean),
                f.m(r.annual_loss.current.p90),
                f.stages(&r.annual_loss),
                escape(&r.level.level),
                appetite_state(a, Some(&r.id)).to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            "Business risk",
            "Owner",
            "Expected a year",
            "Bad year (p90)",
            "Inherent → current → projected",
            "Level",
            "Appetite",
        ],
        &rows,
    );

    if !a.appetite.is_empty() {
        out.push_str("### Risk appetite\n\n");
        let rows: Vec<Vec<String>> = a
            .appetite
            .iter()
            .map(|x| {
                let show = |v: &Figure| match v {
                    Figure::Amount(n) => f.m(*n),
                    Figure::Count(n) => n.to_string(),
                    Figure::Level(s) => escape(s),
                };
                let measure = if x.measure == Measure::MaxOpenLevel {
                    "open threats above level".to_string()
                } else {
                    format!("{} annual loss", escape(x.measure.as_str()))
                };
                let state = |b: bool| if b { "**breached**" } else { "met" }.to_string();
                vec![
                    x.business_risk
                        .as_deref()
                        .map_or_else(|| "organisation".to_string(), escape),
                    if x.description.is_empty() {
                        "—".to_string()
                    } else {
                        escape(&x.description)
                    },
                    measure,
                    show(&x.limit),
                    show(&x.current),
                    show(&x.projected),
                    state(x.breached),
                    state(x.breached_projected),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Scope",
                "Statement",
                "Measure",
                "Limit",
                "Value now",
                "Value after the plan",
                "State now",
                "State after the plan",
            ],
            &rows,
        );
    }

    let accepted: Vec<&ThreatOut> = a
        .threats
        .iter()
        .filter(|t| name_of(&t.status) == "accepted")
        .collect();
    out.push_str("### Accepted risks\n\n");
    if accepted.is_empty() {
        out.push_str("No threat is accepted.\n\n");
    } else {
        let rows: Vec<Vec<String>> = accepted
            .iter()
            .map(|t| {
                let d = t.decision.as_ref();
                let opt = |s: Option<&String>| s.map_or_else(|| "—".to_string(), |s| escape(s));
                let expires = opt(d.and_then(|d| d.expires.as_ref()));
                vec![
                    escape(&t.system),
                    escape(&t.id),
                    escape(&t.title),
                    opt(d.and_then(|d| d.approved_by.as_ref())),
                    if expired(t, input.today) {
                        format!("{expires} **expired**")
                    } else {
                        expires
                    },
                    opt(d.and_then(|d| d.justification.as_ref())),
                    f.m(current_mean(t)),
                ]
            })
            .collect();
        table(
            out,
            &[
                "System",
                "Threat",
                "Title",
                "Approved by",
                "Expires",
                "Justification",
                "Expected a year",
            ],
            &rows,
        );
    }
}

fn rollup_table(out: &mut String, first: &str, list: &[RollupOut], f: &Fmt) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|x| {
            let (inherited, lives) = match &x.inherited {
                Some(i) => (
                    format!(
                        "{} ({} threats)",
                        f.m(i.annual_loss.current.mean),
                        i.threats.len()
                    ),
                    f.m(i.with_inherited.current.mean),
                ),
                None => ("–".to_string(), f.m(x.annual_loss.current.mean)),
            };
            vec![
                escape(&x.name),
                x.threats.to_string(),
                x.open.to_string(),
                f.m(x.annual_loss.current.mean),
                f.m(x.annual_loss.current.p90),
                f.stages(&x.annual_loss),
                escape(&x.level.level),
                inherited,
                lives,
            ]
        })
        .collect();
    table(
        out,
        &[
            first,
            "Threats",
            "Open",
            "Expected a year",
            "Bad year (p90)",
            "Inherent → current → projected",
            "Level",
            "Inherited a year",
            "Lives with",
        ],
        &rows,
    );
    out.push_str("Own figures add up to the organisation's. *Inherited* is what shared components of other systems (an identity provider, a shared database) carry into it; the organisation counts those once, under their owner. *Lives with* is own plus inherited.\n\n");
}

fn business_risks(out: &mut String, a: &Assessment, f: &Fmt) {
    out.push_str("## Business risks\n\n");
    for r in &a.business_risks {
        let _ = writeln!(out, "### {}\n", escape(&r.title));
        let _ = writeln!(
            out,
            "- **Id**: {}; **owner**: {}\n- **Loss per event** (90% range): {} to {}\n- **Expected loss a year**: {}; bad year (p90): {}; level {}\n- **Inherent → current → projected**: {}\n- **Appetite**: {}\n- **Threats reaching it**: {}\n",
            escape(&r.id),
            escape(&r.owner),
            f.m(r.loss_per_event.low),
            f.m(r.loss_per_event.high),
            f.m(r.annual_loss.current.mean),
            f.m(r.annual_loss.current.p90),
            escape(&r.level.level),
            f.stages(&r.annual_loss),
            appetite_state(a, Some(&r.id)),
            r.threats
        );
        if !r.top_threats.is_empty() {
            let rows: Vec<Vec<String>> = r
                .top_threats
                .iter()
                .map(|c| {
                    let title = a
                        .threats
                        .iter()
                        .find(|t| t.id == c.threat && t.system == c.system)
                        .map_or_else(String::new, |t| escape(&t.title));
                    vec![escape(&c.system), escape(&c.threat), title, f.m(c.mean)]
                })
                .collect();
            table(out, &["System", "Threat", "Title", "Adds a year"], &rows);
        }
    }
}

fn system_section(
    out: &mut String,
    input: &ReportInput,
    s: SystemIdx,
    rollup: Option<&RollupOut>,
    marks: &Marks,
    f: &Fmt,
) {
    let estate: &Estate = input.estate;
    let a = input.assessment;
    let node = &estate[s];
    let id = node.id();
    let _ = writeln!(out, "### {}\n", escape(&node.header.name));
    let owner = &estate[node.owner].id.value;
    let _ = writeln!(
        out,
        "- **Id**: {}; **owner**: team {}",
        escape(id),
        escape(owner)
    );
    if let Some(d) = &node.header.description {
        let _ = writeln!(out, "- **What it does**: {}", escape(d));
    }
    if let Some(r) = rollup {
        let _ = writeln!(
            out,
            "- **Expected loss a year**: {}; bad year (p90): {}; level {}\n- **Inherent → current → projected**: {}\n- **Threats**: {} ({} open)",
            f.m(r.annual_loss.current.mean),
            f.m(r.annual_loss.current.p90),
            escape(&r.level.level),
            f.stages(&r.annual_loss),
            r.threats,
            r.open
        );
    }
    out.push('\n');
    out.push_str(&diagram(input, marks, s));
    out.push('\n');

    let threats = by_loss(a.threats.iter().filter(|t| t.system == id));
    out.push_str("#### Threats\n\n");
    if threats.is_empty() {
        out.push_str("No threat was found.\n\n");
    } else {
        let rows: Vec<Vec<String>> = threats
            .iter()
            .map(|t| {
                vec![
                    escape(&t.id),
                    escape(&t.title),
                    t.stride.name().to_string(),
                    name_of(&t.status),
                    escape(&t.level.level),
                    t.value
                        .as_ref()
                        .map_or_else(|| "—".to_string(), |v| f.m(v.current)),
                    escape(&t.owner),
                    format!(
                        "{}: {}",
                        action(t.recommendation.action),
                        escape_with_code(&t.recommendation.reason)
                    ),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Threat",
                "Title",
                "STRIDE",
                "Status",
                "Level",
                "Expected a year",
                "Owner",
                "Recommendation",
            ],
            &rows,
        );
    }

    let controls: Vec<_> = a
        .controls
        .iter()
        .filter(|c| c.system.as_deref() == Some(id))
        .collect();
    if !controls.is_empty() {
        out.push_str("#### Controls\n\n");
        let rows: Vec<Vec<String>> = controls
            .iter()
            .map(|c| {
                vec![
                    escape(&c.id),
                    escape(&c.title),
                    escape(&c.owner),
                    name_of(&c.status),
                    f.m(c.annual_cost),
                    f.m(c.loss_removed),
                    c.rosi
                        .filter(|r| r.is_finite())
                        .map_or_else(|| "—".to_string(), |r| format!("{:.0}%", r * 100.0)),
                    c.due.as_deref().map_or_else(|| "—".to_string(), escape),
                    c.threats.len().to_string(),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Control",
                "Title",
                "Owner",
                "Status",
                "Cost a year",
                "Loss removed a year",
                "ROSI",
                "Due",
                "Threats",
            ],
            &rows,
        );
    }

    // A decision that leaves a threat open without a word (a hand-written threat's own
    // entry, a frequency override) decides nothing a reader needs to see here.
    let decided: Vec<&&ThreatOut> = threats
        .iter()
        .filter(|t| {
            t.decision.as_ref().is_some_and(|d| {
                name_of(&t.status) != "open" || d.justification.is_some() || d.approved_by.is_some()
            })
        })
        .collect();
    if !decided.is_empty() {
        out.push_str("#### Decisions\n\n");
        let rows: Vec<Vec<String>> = decided
            .iter()
            .filter_map(|t| {
                let d = t.decision.as_ref()?;
                let opt = |s: &Option<String>| s.as_deref().map_or_else(|| "—".to_string(), escape);
                Some(vec![
                    escape(&t.id),
                    name_of(&t.status),
                    opt(&d.justification),
                    opt(&d.approved_by),
                    if expired(t, input.today) {
                        format!("{} **expired**", opt(&d.expires))
                    } else {
                        opt(&d.expires)
                    },
                ])
            })
            .collect();
        table(
            out,
            &[
                "Threat",
                "Decision",
                "Justification",
                "Approved by",
                "Expires",
            ],
            &rows,
        );
    }

    if !node.assumptions.is_empty() {
        out.push_str("#### Assumptions\n\n");
        for x in &node.assumptions {
            let _ = writeln!(out, "- **{}**: {}", escape(&x.id.value), escape(&x.text));
        }
        out.push('\n');
    }
}

fn plan_section(out: &mut String, input: &ReportInput, f: &Fmt) {
    out.push_str("## Remediation plan\n\n");
    let Some(plan) = input.plan else {
        out.push_str("No remediation plan was computed for this report.\n\n");
        return;
    };
    let years = plan.years;
    let _ = writeln!(
        out,
        "The controls not yet in place, in the order that removes the most expected loss for the money. Costs and losses removed are over {years} years. Expected loss a year: {} now, {} once every step is done, for {}.\n",
        f.m(plan.current_eal),
        f.m(plan.remaining_eal),
        f.m(plan.total_cost)
    );
    let control = |i: usize| {
        input.estate.controls.get(i).map(|c| {
            (
                escape(&c.raw.id.value),
                escape(&c.raw.title),
                escape(&input.estate[c.owner].id.value),
            )
        })
    };
    if plan.chosen.is_empty() {
        out.push_str("Nothing to fund: no control not yet in place removes loss.\n\n");
    } else {
        let mut removed = 0.0;
        let rows: Vec<Vec<String>> = plan
            .chosen
            .iter()
            .enumerate()
            .map(|(k, step)| {
                removed += step.loss_removed;
                let (id, title, owner) = control(step.control).unwrap_or_default();
                let remaining = if years > 0.0 {
                    (plan.current_eal - removed / years).max(0.0)
                } else {
                    plan.current_eal
                };
                vec![
                    (k + 1).to_string(),
                    id,
                    title,
                    owner,
                    f.m(step.cost),
                    f.m(step.loss_removed),
                    f.m(remaining),
                ]
            })
            .collect();
        table(
            out,
            &[
                "Step",
                "Control",
                "Title",
                "Owner",
                "Cost",
                "Loss removed",
                "Expected loss a year after",
            ],
            &rows,
        );
    }
    if !plan.not_worth_funding.is_empty() {
        out.push_str("Not worth funding: they cost more than the loss they remove.\n\n");
        let rows: Vec<Vec<String>> = plan
            .not_worth_funding
            .iter()
            .map(|step| {
                let (id, title, owner) = control(step.control).unwrap_or_default();
                vec![id, title, owner, f.m(step.cost), f.m(step.loss_removed)]
            })
            .collect();
        table(
            out,
            &["Control", "Title", "Owner", "Cost", "Loss removed"],
            &rows,
        );
    }
}

fn appendix(out: &mut String, a: &Assessment, f: &Fmt) {
    out.push_str("## Appendix: every threat\n\n");
    for t in &a.threats {
        let _ = writeln!(
            out,
            "### {} / {}: {}\n",
            escape(&t.system),
            escape(&t.id),
            escape(&t.title)
        );
        let _ = writeln!(
            out,
            "- **Rule**: {} {} ({})",
            escape(&t.rule),
            escape(&t.name),
            t.stride.name()
        );
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter().map(|x| escape(x)).collect::<Vec<_>>().join(", ")
            }
        };
        let _ = writeln!(out, "- **Elements**: {}", list(&t.elements));
        let _ = writeln!(
            out,
            "- **Status**: {}; **owner**: team {}; **level**: {} (likelihood {}, impact {})",
            name_of(&t.status),
            escape(&t.owner),
            escape(&t.level.level),
            escape(&t.level.likelihood),
            escape(&t.level.impact)
        );
        let _ = writeln!(out, "- **Business risks**: {}", list(&t.business_risks));
        match &t.value {
            Some(v) => {
                let _ = writeln!(
                    out,
                    "- **Closing it removes**: {} a year (inherent → current → projected: {} → {} → {}); alone {}",
                    f.m(v.current),
                    f.m(v.inherent),
                    f.m(v.current),
                    f.m(v.projected),
                    f.m(v.alone)
                );
            }
            None => out.push_str("- **Closing it removes**: nothing that money can be put on\n"),
        }
        let _ = writeln!(
            out,
            "- **Frequency**: {:.3} to {:.3} events a year (from {})",
            t.frequency.low,
            t.frequency.high,
            escape(&name_of(&t.frequency.source))
        );
        let _ = writeln!(out, "- **Controls**: {}", list(&t.controls));
        let _ = writeln!(
            out,
            "- **Recommendation**: {}: {}",
            action(t.recommendation.action),
            escape_with_code(&t.recommendation.reason)
        );
        if t.facts.is_empty() {
            out.push('\n');
        } else {
            out.push_str("- **Why it was raised**:\n");
            for fact in &t.facts {
                let _ = writeln!(out, "  - {}", escape_with_code(fact));
            }
            out.push('\n');
        }
    }
}

/// The report as GitHub-flavoured Markdown.
pub fn render(input: &ReportInput) -> String {
    let a = input.assessment;
    let f = Fmt {
        currency: &a.settings.currency,
    };
    let mut out = String::new();
    let _ = writeln!(out, "# Risk report: {}\n", escape(&a.organisation.name));
    let _ = writeln!(
        out,
        "{} on {}, from {} simulated years (seed {}). Amounts are in {} a year unless stated; a bad year is one year in ten (p90).\n",
        escape(&a.generator),
        input.today,
        a.settings.trials,
        a.settings.seed,
        escape(&a.settings.currency)
    );
    summary(&mut out, input, &f);

    out.push_str("## Teams\n\n");
    rollup_table(&mut out, "Team", &a.teams, &f);

    business_risks(&mut out, a, &f);

    out.push_str("## Systems\n\n");
    let estate = input.estate;
    let marks = Marks::new(estate, input.analysis, a);
    for s in estate.system_indices() {
        let rollup = a.systems.iter().find(|r| r.id == estate[s].id());
        system_section(&mut out, input, s, rollup, &marks, &f);
    }

    plan_section(&mut out, input, &f);
    appendix(&mut out, a, &f);
    out
}
