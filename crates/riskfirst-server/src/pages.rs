//! The pages, as compiled templates (maud): every interpolated value is escaped, no
//! page has inline script or style, and every form that changes something carries the
//! session's CSRF token.

use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use riskfirst_assess::{money, Action, Assessment, Figure, Losses, ThreatOut};
use riskfirst_model::format::ThreatStatus;

use crate::auth::Principal;
use crate::db::{AuditEntry, Comment, Request, Revision};
use crate::estate::Snapshot;
use crate::forms::{Input, Kind};

/// A path segment with everything but unreserved characters percent-encoded.
pub fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn when(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000) / 1000;
    format!(
        "{} {:02}:{:02} UTC",
        riskfirst_model::Date::from_days(days),
        rest / 3600,
        (rest / 60) % 60
    )
}

/// What every page shows around its content.
pub struct Frame<'a> {
    pub principal: Option<&'a Principal>,
    /// The revision the page shows, and the latest saved one.
    pub shown: Option<i64>,
    pub head: Option<i64>,
    pub inbox: usize,
}

impl Frame<'_> {
    /// The frame of a page for someone not signed in (sign-in, errors).
    pub fn anonymous() -> Frame<'static> {
        Frame {
            principal: None,
            shown: None,
            head: None,
            inbox: 0,
        }
    }
}

pub fn layout(frame: &Frame<'_>, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · riskfirst" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/live.js" defer {}
            }
            body data-revision=[frame.shown] {
                header class="top" {
                    a class="brand" href="/" { "riskfirst" }
                    @if let Some(p) = frame.principal {
                        nav {
                            a href="/" { "Dashboard" }
                            a href="/triage" { "Triage" }
                            a href="/inbox" { "Inbox" @if frame.inbox > 0 { " " span class="badge" { (frame.inbox) } } }
                            a href="/plan" { "Plan" }
                            a href="/revisions" { "Revisions" }
                            @if p.oversees() { a href="/audit" { "Audit log" } }
                            @if p.is_admin() { a href="/admin/users" { "Users" } }
                            a href="/tokens" { "API tokens" }
                        }
                        form class="signout" method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(p.csrf);
                            span class="who" { (p.user.name) " · " (p.role.as_str()) }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                @if let (Some(shown), Some(head)) = (frame.shown, frame.head) {
                    @if head > shown {
                        p class="banner" role="status" {
                            "Revision " (head) " was saved and is being assessed; these figures are revision " (shown) ". "
                            a href="" { "Reload" } " to see it when it is ready."
                        }
                    }
                }
                p id="live" class="banner" hidden role="status" {}
                main { (body) }
                footer { "riskfirst" @if let Some(s) = frame.shown { " · revision " (s) } }
            }
        }
    }
}

pub fn error_page(status: StatusCode, message: &str, refresh: bool) -> Markup {
    layout(
        &Frame::anonymous(),
        status.canonical_reason().unwrap_or("Error"),
        html! {
            h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("")) }
            p class="error" { (message) }
            @if refresh { p { a href="" { "Reload" } } }
            p { a href="/" { "Back to the dashboard" } }
        },
    )
}

pub fn login(error: Option<&str>, demo_hint: bool) -> Markup {
    layout(
        &Frame::anonymous(),
        "Sign in",
        html! {
            h1 { "Sign in" }
            @if let Some(e) = error { p class="error" role="alert" { (e) } }
            form method="post" action="/login" class="card narrow" {
                label { "User name" input name="username" autocomplete="username" required autofocus; }
                label { "Password" input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { "Sign in" }
            }
            @if demo_hint { p class="muted" { "The demo's accounts and password were printed by " code { "riskfirst serve --demo" } "." } }
        },
    )
}

fn cur(a: &Assessment) -> &str {
    &a.settings.currency
}

fn stages(l: &Losses, c: &str) -> Markup {
    html! {
        span class="stages" {
            span title="without any control" { (money(l.inherent.mean, c)) }
            " → " strong title="today" { (money(l.current.mean, c)) }
            " → " span title="once the planned controls are in place" { (money(l.projected.mean, c)) }
        }
    }
}

fn level(name: &str, levels: &[String]) -> Markup {
    let rank = levels.iter().position(|l| l == name).unwrap_or(0);
    html! { span class=(format!("level l{rank}")) { (name) } }
}

fn figure(f: &Figure, c: &str) -> String {
    match f {
        Figure::Amount(a) => money(*a, c),
        Figure::Count(n) => n.to_string(),
        Figure::Level(l) => l.clone(),
    }
}

fn threat_link(t: &ThreatOut) -> String {
    format!("/systems/{}/threats/{}", seg(&t.system), seg(&t.id))
}

fn status_word(s: ThreatStatus) -> &'static str {
    s.label()
}

fn action_word(a: Action) -> &'static str {
    match a {
        Action::Mitigate => "mitigate",
        Action::Accept => "accept",
        Action::Review => "review",
        Action::Keep => "decided",
    }
}

/// The loss exceedance chart of the organisation, with its appetite limits.
fn lec_chart(a: &Assessment) -> Markup {
    use riskfirst_report::html::charts::{lec, Curve, Limit, CURRENT, INHERENT, PROJECTED};
    let l = &a.organisation.annual_loss;
    let curves = [
        Curve {
            label: "without controls",
            points: &l.inherent.lec,
            colour: INHERENT,
            dash: "6 4",
        },
        Curve {
            label: "today",
            points: &l.current.lec,
            colour: CURRENT,
            dash: "",
        },
        Curve {
            label: "after the plan",
            points: &l.projected.lec,
            colour: PROJECTED,
            dash: "2 3",
        },
    ];
    let limits: Vec<Limit> = a
        .appetite
        .iter()
        .filter(|s| s.business_risk.is_none())
        .filter_map(|s| {
            let Figure::Amount(loss) = s.limit else {
                return None;
            };
            Some(Limit {
                label: s.id.clone().unwrap_or_else(|| s.description.clone()),
                loss,
                probability: match s.measure {
                    riskfirst_assess::Measure::Mean => None,
                    m => Some(1.0 - m.quantile()),
                },
                breached: s.breached,
            })
        })
        .collect();
    // The chart escapes every label it is given (riskfirst-report's own escaping).
    PreEscaped(lec(
        "lec",
        "Loss exceedance: the whole organisation",
        &curves,
        &limits,
        cur(a),
        (900.0, 380.0),
    ))
}

pub struct DashboardView<'a> {
    pub s: &'a Snapshot,
    pub trend: &'a [(i64, f64, f64)],
    pub since: Option<(i64, riskfirst_assess::diff::EstateDiff)>,
    pub expiring: Vec<riskfirst_assess::team::Acceptance>,
}

pub fn dashboard(frame: &Frame<'_>, v: &DashboardView<'_>) -> Markup {
    let a = &v.s.assessment;
    let c = cur(a);
    let org = &a.organisation.annual_loss;
    let levels = &a.settings.levels;
    let mut teams: Vec<_> = a.teams.iter().collect();
    teams.sort_by(|x, y| {
        y.annual_loss
            .current
            .mean
            .total_cmp(&x.annual_loss.current.mean)
    });
    layout(
        frame,
        "Dashboard",
        html! {
            h1 { (a.organisation.name) }
            section class="headline" {
                div class="kpi" { span class="label" { "Expected loss a year" } (stages(org, c)) }
                div class="kpi" { span class="label" { "A bad year (1 in 10)" } strong { (money(org.current.p90, c)) } }
                div class="kpi" { span class="label" { "Chance of a loss this year" } strong { (format!("{:.1}%", org.current.p_any_loss * 100.0)) } }
                div class="kpi" { span class="label" { "Appetite limits breached" } strong { (a.summary.appetite_breached) " of " (a.appetite.len()) } }
            }
            section {
                h2 { "Business risks" }
                table {
                    thead { tr { th { "Risk" } th { "Owner" } th { "Expected a year: inherent → today → planned" } th { "Bad year" } th { "Level" } } }
                    tbody {
                        @for r in a.business_risks_by_loss() {
                            tr {
                                td { a href=(format!("/risks/{}", seg(&r.id))) { (r.title) } }
                                td { (r.owner) }
                                td { (stages(&r.annual_loss, c)) }
                                td { (money(r.annual_loss.current.p90, c)) }
                                td { (level(&r.level.level, levels)) }
                            }
                        }
                    }
                }
            }
            section {
                h2 { "Appetite" }
                (appetite_table(a, None))
            }
            section {
                h2 { "Loss exceedance" }
                figure class="chart" { (lec_chart(a)) figcaption { "The chance that a year's loss is above each amount: without controls, today, and once the planned controls are in place." } }
            }
            section class="grid2" {
                div {
                    h2 { "Teams carrying most risk" }
                    table {
                        thead { tr { th { "Team" } th { "Expected a year" } th { "Open threats" } } }
                        tbody {
                            @for t in teams.iter().take(8) {
                                tr { td { a href=(format!("/teams/{}", seg(&t.id))) { (t.name) } } td { (money(t.annual_loss.current.mean, c)) } td { (t.open) } }
                            }
                        }
                    }
                }
                div {
                    h2 { "Acceptances expiring" }
                    @if v.expiring.is_empty() { p class="muted" { "None expire within the warning window." } }
                    @else {
                        ul {
                            @for x in &v.expiring {
                                li { (x.threat) ": " @match x.days_left { Some(d) if d < 0 => { "expired " (-d) " days ago" }, Some(d) => { (d) " days left" }, None => { "no date" } } }
                            }
                        }
                    }
                    h2 { "Heat map" }
                    (heat_map(v.s))
                }
            }
            section class="grid2" {
                div {
                    h2 { "Trend" }
                    @if v.trend.len() < 2 { p class="muted" { "One revision so far: the trend starts with the next save." } }
                    table {
                        thead { tr { th { "Revision" } th { "Expected a year" } th { "Bad year" } } }
                        tbody { @for (n, mean, p90) in v.trend { tr { td { (n) } td { (money(*mean, c)) } td { (money(*p90, c)) } } } }
                    }
                }
                div {
                    h2 { "What changed since last week" }
                    @match &v.since {
                        None => { p class="muted" { "No revision is a week old yet." } }
                        Some((n, d)) => {
                            p { "Since revision " (n) ": expected loss a year "
                                (money(d.organisation.old_mean, c)) " → " (money(d.organisation.new_mean, c)) "." }
                            p { (d.added.len()) " threats new, " (d.removed.len()) " gone, " (d.changed.len()) " changed." }
                            ul { @for t in d.added.iter().take(10) { li { "new: " a href=(format!("/systems/{}/threats/{}", seg(&t.system), seg(&t.id))) { (t.title) } } } }
                        }
                    }
                }
            }
        },
    )
}

fn heat_map(s: &Snapshot) -> Markup {
    let scales = &s.estate.scales;
    let (nl, ni) = (scales.likelihood.len(), scales.impact.len());
    let mut counts = vec![vec![0usize; ni]; nl];
    let mut unquantified = 0;
    for t in &s.assessment.threats {
        if t.status == ThreatStatus::NotApplicable || t.status == ThreatStatus::Mitigated {
            continue;
        }
        if t.value.is_none() || t.business_risks.is_empty() {
            unquantified += 1;
            continue;
        }
        let l = scales.likelihood_index(t.level.events_per_year);
        let i = scales.impact_index(t.level.loss_per_event);
        if l < nl && i < ni {
            counts[l][i] += 1;
        }
    }
    html! {
        table class="heat" {
            thead { tr { th { "likelihood ╲ impact" } @for (name, _) in &scales.impact { th { (name) } } } }
            tbody {
                @for l in (0..nl).rev() {
                    tr {
                        th { (scales.likelihood[l].0) }
                        @for i in 0..ni {
                            td class=(format!("h{}", scales.risk_index(l, i))) { @if counts[l][i] > 0 { (counts[l][i]) } }
                        }
                    }
                }
            }
        }
        p class="muted" { "Threats not mitigated or ruled out, by their own likelihood and impact; " (unquantified) " reach no business risk and carry no money." }
    }
}

fn appetite_table(a: &Assessment, risk: Option<&str>) -> Markup {
    let c = cur(a);
    html! {
        table {
            thead { tr { th { "Statement" } th { "Limit" } th { "Today" } th { "After the plan" } th { "Verdict" } } }
            tbody {
                @for s in a.appetite.iter().filter(|s| risk.is_none() || s.business_risk.as_deref() == risk) {
                    tr {
                        td { (statement(a, s)) }
                        td { (figure(&s.limit, c)) }
                        td { (figure(&s.current, c)) }
                        td { (figure(&s.projected, c)) }
                        td { @if s.breached { span class="bad" { "breached" } } @else { span class="ok" { "within" } }
                             @if s.breached && !s.breached_projected { " (the plan brings it within)" } }
                    }
                }
            }
        }
    }
}

/// An appetite statement in words: its description, else what it limits.
fn statement(a: &Assessment, s: &riskfirst_assess::AppetiteOut) -> String {
    if !s.description.trim().is_empty() {
        return s.description.clone();
    }
    let on = match &s.business_risk {
        Some(id) => a
            .business_risks
            .iter()
            .find(|r| r.id == *id)
            .map_or(id.clone(), |r| r.title.clone()),
        None => "The whole organisation".to_string(),
    };
    let what = match s.measure {
        riskfirst_assess::Measure::Mean => "expected loss a year",
        riskfirst_assess::Measure::P50 => "loss in a typical year",
        riskfirst_assess::Measure::P90 => "loss in a bad year (1 in 10)",
        riskfirst_assess::Measure::P95 => "loss in a 1-in-20 year",
        riskfirst_assess::Measure::P99 => "loss in a 1-in-100 year",
        riskfirst_assess::Measure::MaxOpenLevel => "highest level of an open threat",
    };
    format!("{on}: {what}")
}

pub fn business_risk(frame: &Frame<'_>, s: &Snapshot, id: &str) -> Option<Markup> {
    let a = &s.assessment;
    let r = a.business_risks.iter().find(|r| r.id == id)?;
    let c = cur(a);
    let mut by_system: Vec<(String, f64, usize)> = Vec::new();
    for t in a
        .threats
        .iter()
        .filter(|t| t.business_risks.iter().any(|b| b == id))
    {
        match by_system.iter_mut().find(|(sys, _, _)| *sys == t.system) {
            Some(e) => {
                e.1 += t.current_value();
                e.2 += 1;
            }
            None => by_system.push((t.system.clone(), t.current_value(), 1)),
        }
    }
    by_system.sort_by(|x, y| y.1.total_cmp(&x.1));
    let paths: Vec<_> = a
        .path_to_appetite
        .iter()
        .filter(|p| p.business_risk.as_deref() == Some(id))
        .collect();
    Some(layout(
        frame,
        &r.title,
        html! {
            h1 { (r.title) }
            p { "Owner: " strong { (r.owner) } " · one event costs " (money(r.loss_per_event.low, c)) " to " (money(r.loss_per_event.high, c)) " (nine times in ten)" }
            section class="headline" {
                div class="kpi" { span class="label" { "Expected a year" } (stages(&r.annual_loss, c)) }
                div class="kpi" { span class="label" { "A bad year (1 in 10)" } strong { (money(r.annual_loss.current.p90, c)) } }
                div class="kpi" { span class="label" { "Chance of an event this year" } strong { (format!("{:.1}%", r.annual_loss.current.p_any_loss * 100.0)) } }
            }
            h2 { "Appetite" }
            (appetite_table(a, Some(id)))
            h2 { "What would bring it under appetite" }
            @if paths.is_empty() { p class="muted" { "Nothing: no statement about it is breached." } }
            @for p in &paths {
                @if p.reachable {
                    p { "Fund " (p.controls.join(", ")) " (" (money(p.cost, c)) "): " (p.measure.as_str()) " goes from " (money(p.current, c)) " to " (money(p.with_controls, c)) ", within the limit of " (money(p.limit, c)) "." }
                } @else {
                    p class="bad" { "No set of the candidate controls brings its " (p.measure.as_str()) " (" (money(p.current, c)) ") within the limit of " (money(p.limit, c)) ": new controls are needed." }
                }
            }
            h2 { "The systems that drive it" }
            table {
                thead { tr { th { "System" } th { "Loss removed by closing its threats" } th { "Threats" } } }
                tbody { @for (sys, v, n) in &by_system { tr { td { a href=(format!("/systems/{}", seg(sys))) { (sys) } } td { (money(*v, c)) } td { (n) } } } }
            }
            h2 { "The threats that add most" }
            ol { @for t in &r.top_threats { li { a href=(format!("/systems/{}/threats/{}", seg(&t.system), seg(&t.threat))) { (t.system) ":" (t.threat) } " " (money(t.mean, c)) } } }
        },
    ))
}

fn threats_table(a: &Assessment, threats: &[&ThreatOut]) -> Markup {
    let c = cur(a);
    let levels = &a.settings.levels;
    html! {
        table class="threats" {
            thead { tr { th { "Threat" } th { "Level" } th { "Status" } th { "Worth closing (a year)" } th { "Advice" } th { "Owner" } } }
            tbody {
                @for t in threats {
                    tr {
                        td { a href=(threat_link(t)) { (t.title) } br; code { (t.id) } }
                        td { (level(&t.level.level, levels)) }
                        td { (status_word(t.status)) }
                        td { @match &t.value { Some(v) => { (money(v.current, c)) }, None => { span class="muted" { "no money" } } } }
                        td { (action_word(t.recommendation.action)) }
                        td { (t.owner) }
                    }
                }
            }
        }
    }
}

pub fn team(
    frame: &Frame<'_>,
    s: &Snapshot,
    view: &riskfirst_assess::team::TeamView,
    mine: bool,
    pending: &[Request],
) -> Markup {
    let a = &s.assessment;
    let c = cur(a);
    let t = &view.team;
    let open: Vec<&ThreatOut> = view
        .threats
        .iter()
        .filter(|t| t.status == ThreatStatus::Open)
        .collect();
    let inherited: Vec<&ThreatOut> = view.inherited_threats.iter().collect();
    let work: Vec<&ThreatOut> = open
        .iter()
        .copied()
        .filter(|t| t.recommendation.action == Action::Mitigate)
        .collect();
    layout(
        frame,
        &t.name,
        html! {
            h1 { "Team: " (t.name) }
            p { @if let Some(l) = &view.lead { "Lead: " (l) } @if let Some(ct) = &view.contact { " · contact: " (ct) } }
            section class="headline" {
                div class="kpi" { span class="label" { "Own risk a year" } (stages(&t.annual_loss, c)) }
                @if let Some(i) = &t.inherited {
                    div class="kpi" { span class="label" { "Inherited" } strong { (money(i.annual_loss.current.mean, c)) } }
                    div class="kpi" { span class="label" { "Lives with" } strong { (money(i.with_inherited.current.mean, c)) } }
                }
                div class="kpi" { span class="label" { "Open threats" } strong { (t.open) } }
            }
            @if mine {
                h2 { "My work" }
                @if work.is_empty() && pending.is_empty() { p class="muted" { "Nothing waits for you." } }
                @if !work.is_empty() { p { "Threats to mitigate, largest first:" } (threats_table(a, &work[..work.len().min(10)])) }
                @if !pending.is_empty() { p { "Your acceptances waiting for approval:" } ul { @for r in pending { li { (r.system) ":" (r.threat) " — waiting for " (r.approver) } } } }
            }
            h2 { "Systems" }
            ul { @for sys in &view.systems { li { a href=(format!("/systems/{}", seg(&sys.id))) { (sys.name) } " — " (money(sys.annual_loss.current.mean, c)) " a year, " (sys.open) " open" } } }
            h2 { "Open threats" }
            (threats_table(a, &open))
            h2 { "Inherited from shared components" }
            @if inherited.is_empty() { p class="muted" { "None." } } @else { (threats_table(a, &inherited)) }
            h2 { "Controls" }
            ul { @for ct in &view.controls { li { (ct.title) " — " (ct.status.label()) ", removes " (money(ct.loss_removed, c)) " a year" } } }
            h2 { "Acceptances" }
            @if view.acceptances.is_empty() { p class="muted" { "None." } }
            ul { @for x in &view.acceptances { li { (x.threat) @if let Some(by) = &x.approved_by { " — approved by " (by) } @if let Some(e) = &x.expires { ", until " (e) } @if x.expired { " " span class="bad" { "expired" } } @else if x.expiring { " " span class="warn" { "expiring" } } } } }
        },
    )
}

pub struct Filter {
    pub level: String,
    pub status: String,
    pub q: String,
}

pub fn system(
    frame: &Frame<'_>,
    s: &Snapshot,
    id: &str,
    filter: &Filter,
    can_edit: bool,
    changed: Option<&riskfirst_assess::diff::EstateDiff>,
) -> Option<Markup> {
    let si = s.estate.system(id)?;
    let node = &s.estate[si];
    let a = &s.assessment;
    let c = cur(a);
    let r = a.systems.iter().find(|x| x.id == id)?;
    let levels = &a.settings.levels;
    let min = levels.iter().position(|l| *l == filter.level);
    let q = filter.q.to_lowercase();
    let mut threats: Vec<&ThreatOut> = a
        .threats
        .iter()
        .filter(|t| t.system == id)
        .filter(|t| {
            min.is_none_or(|m| levels.iter().position(|l| *l == t.level.level).unwrap_or(0) >= m)
        })
        .filter(|t| filter.status.is_empty() || t.status.label() == filter.status)
        .filter(|t| {
            q.is_empty() || t.title.to_lowercase().contains(&q) || t.id.to_lowercase().contains(&q)
        })
        .collect();
    threats.sort_by(|x, y| y.current_value().total_cmp(&x.current_value()));
    let controls: Vec<_> = a
        .controls
        .iter()
        .filter(|x| x.system.as_deref() == Some(id))
        .collect();
    Some(layout(
        frame,
        node.header.name.as_str(),
        html! {
            h1 { (node.header.name) " " small class="muted" { code { (id) } } }
            p { "Team: " a href=(format!("/teams/{}", seg(&s.estate[node.owner].id.value))) { (s.estate[node.owner].name) }
                @if can_edit { " · " a href=(format!("/systems/{}/edit", seg(id))) { "Edit the model" } } }
            @if let Some(d) = changed {
                div class="card changed" role="status" {
                    strong { "Saved. " }
                    "This system: " (d.added.iter().filter(|t| t.system == id).count()) " new threats, "
                    (d.removed.iter().filter(|t| t.system == id).count()) " gone, "
                    (d.changed.iter().filter(|t| t.system == id).count()) " changed; the organisation's expected loss a year "
                    (money(d.organisation.old_mean, c)) " → " (money(d.organisation.new_mean, c)) "."
                    ul { @for t in d.added.iter().filter(|t| t.system == id) { li { "new: " a href=(format!("/systems/{}/threats/{}", seg(&t.system), seg(&t.id))) { (t.title) } " (" (t.level) ")" } } }
                }
            }
            section class="headline" {
                div class="kpi" { span class="label" { "Expected a year" } (stages(&r.annual_loss, c)) }
                div class="kpi" { span class="label" { "A bad year (1 in 10)" } strong { (money(r.annual_loss.current.p90, c)) } }
                div class="kpi" { span class="label" { "Open threats" } strong { (r.open) " of " (r.threats) } }
            }
            figure class="diagram" { img src=(format!("/systems/{}/diagram.svg", seg(id))) alt=(format!("Data-flow diagram of {}", node.header.name)); }
            h2 { "Threats" }
            form method="get" class="filters" {
                label { "Level at least " select name="level" { option value="" { "any" } @for l in levels { option value=(l) selected[*l == filter.level] { (l) } } } }
                label { "Status " select name="status" { option value="" { "any" } @for st in ["open", "mitigated", "accepted", "transferred", "not applicable"] { option value=(st) selected[st == filter.status] { (st) } } } }
                label { "Search " input name="q" value=(filter.q); }
                button type="submit" { "Filter" }
            }
            p class="muted" { (threats.len()) " shown. \"Worth closing\" is the loss a year removed by closing the threat's weakness; these do not add up to the total, because several threats can be ways into the same incident." }
            (threats_table(a, &threats))
            h2 { "Controls" }
            @if controls.is_empty() { p class="muted" { "None in this system's file." } }
            ul { @for ct in &controls { li { (ct.title) " — " (ct.status.label()) ", removes " (money(ct.loss_removed, c)) " a year for " (money(ct.annual_cost, c)) } } }
            h2 { "Data" }
            table {
                thead { tr { th { "Data" } th { "Classification" } th { "Records" } } }
                tbody { @for d in &node.data { tr { td { (s.estate[*d].raw.name) } td { (format!("{:?}", s.estate[*d].raw.classification).to_lowercase()) } td { @if let Some(n) = &s.estate[*d].raw.records { (riskfirst_model::text::thousands(n.value)) } } } } }
            }
            h2 { "Assumptions" }
            ul { @for x in &node.assumptions { li { (x.text) @if let Some(o) = &x.owner { " — " (o.value) } } } }
        },
    ))
}

pub fn threat(
    frame: &Frame<'_>,
    s: &Snapshot,
    t: &ThreatOut,
    ex: Option<&riskfirst_assess::explain::Explanation>,
    comments: &[Comment],
    requests: &[Request],
    can_edit: bool,
) -> Markup {
    let a = &s.assessment;
    let c = cur(a);
    let p = frame.principal;
    let csrf = p.map(|p| p.csrf.as_str()).unwrap_or("");
    let action = format!("{}/decision", threat_link(t));
    layout(
        frame,
        &t.title,
        html! {
            h1 { (t.title) }
            p { code { (t.id) } " in " a href=(format!("/systems/{}", seg(&t.system))) { (t.system) } " · " (t.stride.name()) " · rule " (t.rule) " · owner " (t.owner) }
            section class="headline" {
                div class="kpi" { span class="label" { "Level" } (level(&t.level.level, &a.settings.levels)) }
                div class="kpi" { span class="label" { "Status" } strong { (status_word(t.status)) } }
                div class="kpi" { span class="label" { "Worth closing (a year)" } strong { @match &t.value { Some(v) => { (money(v.current, c)) }, None => { "no money" } } } }
                div class="kpi" { span class="label" { "Advice" } strong { (action_word(t.recommendation.action)) } }
            }
            p { (t.recommendation.reason) }
            @if let Some(ex) = ex {
                h2 { "Why" }
                pre class="why" { (ex.why) }
                h2 { "How often" }
                p { "The rule's base rate is " (format!("{:.3}–{:.3}", ex.frequency.base_low, ex.frequency.base_high)) " events a year; for this threat "
                    (format!("{:.3}–{:.3}", ex.frequency.low, ex.frequency.high)) " (nine times in ten), " (format!("{:.3}", ex.frequency.mean)) " on average." }
                @if !ex.frequency.adjustments.is_empty() { ul { @for adj in &ex.frequency.adjustments { li { (adj.name) " ×" (adj.factor) ": " (adj.reason) } } } }
                h2 { "What it costs" }
                ul { @for r in &ex.reaches { li { a href=(format!("/risks/{}", seg(&r.business_risk))) { (r.title) } ": one event " (money(r.loss_low, c)) "–" (money(r.loss_high, c)) @if let Some(pr) = r.probability { " (in " (format!("{:.0}%", pr * 100.0)) " of events)" } } } }
                @if let Some(cl) = &ex.closing { p { "Closing it removes " (money(cl.current, c)) " a year from the organisation's expected loss today" @if cl.together_with > 0 { ", with the " (cl.together_with) " other findings of the same weakness" } "." } }
                @if !ex.controls.is_empty() { h2 { "Controls acting on it" } ul { @for ct in &ex.controls { li { (ct.title) " (" (ct.status.label()) ")" } } } }
            }
            h2 { "Decision" }
            @match &t.decision {
                Some(d) => { p { "Decided by the entry " code { (d.entry) } @if let Some(j) = &d.justification { ": " (j) } @if let Some(b) = &d.approved_by { " · approved by " (b) } @if let Some(e) = &d.expires { " · until " (e) } @if d.expired { " " span class="bad" { "expired" } } } }
                None => { p class="muted" { "No decision yet." } }
            }
            @for r in requests { p class="card" { "Requested: " (r.status) " by " (r.requested_by) " on " (when(r.requested_at)) " — " (r.state) @if r.state == "pending" { ", waiting for " (r.approver) } } }
            @if can_edit && t.status == ThreatStatus::Open {
                form method="post" action=(action) class="card" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="base" value=(s.revision);
                    label { "Decision " select name="status" {
                        option value="accepted" { "accept (the business-risk owner approves)" }
                        option value="mitigated" { "mitigated" }
                        option value="transferred" { "transferred (insured, or a vendor carries it)" }
                        option value="not-applicable" { "not applicable" }
                    } }
                    label { "Why " textarea name="justification" required {} }
                    label { "Until (for an acceptance) " input type="date" name="expires"; }
                    button type="submit" { "Record" }
                }
            }
            h2 { "Comments" }
            @for cm in comments { div class="comment" { strong { (cm.author) } " " span class="muted" { (when(cm.created_at)) } p { (cm.body) } } }
            @if can_edit {
                form method="post" action=(format!("{}/comments", threat_link(t))) class="card" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Comment " textarea name="body" required {} }
                    button type="submit" { "Add" }
                }
            }
        },
    )
}

pub fn triage(frame: &Frame<'_>, s: &Snapshot, min_level: &str, queue: &[&ThreatOut]) -> Markup {
    let a = &s.assessment;
    layout(
        frame,
        "Triage",
        html! {
            h1 { "Triage" }
            p { "Open threats with no decision, at or above a level, largest first." }
            form method="get" class="filters" {
                label { "Level at least " select name="level" { @for l in &a.settings.levels { option value=(l) selected[*l == min_level] { (l) } } } }
                button type="submit" { "Show" }
            }
            p class="muted" { (queue.len()) " threats." }
            (threats_table(a, queue))
        },
    )
}

pub fn inbox(
    frame: &Frame<'_>,
    to_approve: &[Request],
    mine: &[Request],
    decided: &[Request],
) -> Markup {
    let csrf = frame.principal.map(|p| p.csrf.as_str()).unwrap_or("");
    layout(
        frame,
        "Inbox",
        html! {
            h1 { "Inbox" }
            h2 { "Waiting for your approval" }
            @if to_approve.is_empty() { p class="muted" { "Nothing." } }
            @for r in to_approve {
                div class="card" {
                    p { strong { "Accept " } a href=(format!("/systems/{}/threats/{}", seg(&r.system), seg(&r.threat))) { (r.system) ":" (r.threat) } " until " (r.expires) " — asked by " (r.requested_by) " on " (when(r.requested_at)) }
                    p { "Business risk: " (r.business_risk) ". Why: " (r.justification) }
                    form method="post" action=(format!("/requests/{}/approve", seg(&r.id))) class="inline" { input type="hidden" name="csrf" value=(csrf); button type="submit" { "Approve" } }
                    form method="post" action=(format!("/requests/{}/reject", seg(&r.id))) class="inline" { input type="hidden" name="csrf" value=(csrf); button type="submit" class="secondary" { "Reject" } }
                }
            }
            h2 { "Asked by you" }
            @if mine.is_empty() { p class="muted" { "Nothing pending." } }
            ul { @for r in mine { li { (r.system) ":" (r.threat) " — waiting for " (r.approver) } } }
            h2 { "Decided recently" }
            ul { @for r in decided { li { (r.system) ":" (r.threat) " — " (r.state) @if let Some(b) = &r.decided_by { " by " (b) } @if let Some(n) = r.revision { " (revision " (n) ")" } } } }
        },
    )
}

pub fn plan(
    frame: &Frame<'_>,
    s: &Snapshot,
    budget_text: &str,
    plan: Option<&riskfirst_risk::plan::Plan>,
    error: Option<&str>,
    names: &dyn Fn(&str) -> String,
) -> Markup {
    let a = &s.assessment;
    let c = cur(a);
    layout(
        frame,
        "Remediation plan",
        html! {
            h1 { "Remediation plan" }
            form method="get" class="filters" {
                label { "Budget over three years " input name="budget" value=(budget_text) placeholder="200k"; }
                button type="submit" { "Plan" }
            }
            @if let Some(e) = error { p class="error" { (e) } }
            @if let Some(p) = plan {
                p { "Spend " (money(p.total_cost, c)) " of " (money(p.budget, c)) ": the expected loss a year goes from " (money(p.current_eal, c)) " to " (money(p.remaining_eal, c)) "." }
                table {
                    thead { tr { th { "Order" } th { "Control" } th { "Cost over the years" } th { "Loss removed over the years" } } }
                    tbody { @for (i, st) in p.chosen.iter().enumerate() { tr { td { (i + 1) } td { (names(&st.key)) } td { (money(st.cost, c)) } td { (money(st.loss_removed, c)) } } } }
                }
                h2 { "What more money would buy" }
                table {
                    thead { tr { th { "Budget" } th { "Expected loss a year left" } } }
                    tbody { @for f in &p.frontier { tr { td { (money(f.budget, c)) } td { (money(f.remaining_eal, c)) } } } }
                }
                h2 { "Not worth funding" }
                @if p.not_worth_funding.is_empty() { p class="muted" { "Every candidate removes more than it costs." } }
                ul { @for st in &p.not_worth_funding { li { (names(&st.key)) ": costs " (money(st.cost, c)) ", removes " (money(st.loss_removed, c)) } } }
            }
        },
    )
}

pub fn revisions(frame: &Frame<'_>, revs: &[Revision]) -> Markup {
    layout(
        frame,
        "Revisions",
        html! {
            h1 { "Revisions" }
            table {
                thead { tr { th { "Revision" } th { "When" } th { "Who" } th { "Why" } th {} } }
                tbody {
                    @for r in revs {
                        tr {
                            td { (r.number) } td { (when(r.created_at)) } td { (r.author) } td { (r.message) }
                            td { @if r.number > 1 { a href=(format!("/revisions/{}/diff/{}", r.number - 1, r.number)) { "changes" } } }
                        }
                    }
                }
            }
        },
    )
}

pub fn revision_diff(
    frame: &Frame<'_>,
    old: i64,
    new: i64,
    files: &[(String, &'static str)],
    d: Option<&riskfirst_assess::diff::EstateDiff>,
    currency: &str,
) -> Markup {
    layout(
        frame,
        "Changes",
        html! {
            h1 { "Revision " (old) " → " (new) }
            h2 { "Files" }
            @if files.is_empty() { p class="muted" { "No file changed." } }
            ul { @for (path, how) in files { li { code { (path) } " " (how) } } }
            h2 { "Risk" }
            @match d {
                None => { p class="muted" { "One of the two revisions is not assessed yet." } }
                Some(d) => {
                    p { "Expected loss a year " (money(d.organisation.old_mean, currency)) " → " (money(d.organisation.new_mean, currency)) "." }
                    h3 { "New threats" } ul { @for t in &d.added { li { (t.system) ":" (t.id) " " (t.title) " (" (t.level) ")" } } }
                    h3 { "Gone" } ul { @for t in &d.removed { li { (t.system) ":" (t.id) " " (t.title) } } }
                    h3 { "Changed" } ul { @for t in &d.changed { li { (t.system) ":" (t.id) " " (t.title) } } }
                }
            }
        },
    )
}

pub fn audit(frame: &Frame<'_>, entries: &[AuditEntry]) -> Markup {
    layout(
        frame,
        "Audit log",
        html! {
            h1 { "Audit log" }
            table {
                thead { tr { th { "When" } th { "Who" } th { "What" } th { "Detail" } } }
                tbody { @for e in entries { tr { td { (when(e.at)) } td { (e.actor) } td { (e.action) } td { (e.detail) } } } }
            }
        },
    )
}

pub fn users(
    frame: &Frame<'_>,
    users: &[(crate::db::User, Vec<(String, String)>)],
    message: Option<&str>,
) -> Markup {
    let csrf = frame.principal.map(|p| p.csrf.as_str()).unwrap_or("");
    layout(
        frame,
        "Users",
        html! {
            h1 { "Users and roles" }
            @if let Some(m) = message { p class="card" role="status" { (m) } }
            table {
                thead { tr { th { "User" } th { "Name" } th { "Title" } th { "Role" } th { "Teams" } } }
                tbody { @for (u, teams) in users { tr { td { (u.username) } td { (u.name) } td { (u.title) } td { (u.org_role) } td { @for (t, r) in teams { (t) " (" (r) ") " } } } } }
            }
            h2 { "Add a user" }
            form method="post" action="/admin/users" class="card" {
                input type="hidden" name="csrf" value=(csrf);
                label { "User name " input name="username" required; }
                label { "Name " input name="name" required; }
                label { "Title (the owner a business risk names) " input name="title"; }
                label { "Role " select name="role" { option value="member" { "member" } option value="security" { "security" } option value="executive" { "executive" } option value="admin" { "admin" } } }
                label { "Teams (such as payments:member, storefront:owner) " input name="teams"; }
                label { "Password (at least 12 characters) " input name="password" type="password" required minlength="12"; }
                button type="submit" { "Add" }
            }
        },
    )
}

pub fn tokens(frame: &Frame<'_>, tokens: &[(String, i64)], new_token: Option<&str>) -> Markup {
    let csrf = frame.principal.map(|p| p.csrf.as_str()).unwrap_or("");
    layout(
        frame,
        "API tokens",
        html! {
            h1 { "API tokens" }
            @if let Some(t) = new_token { div class="card" role="status" { p { "Your new token; it is shown only now:" } pre { (t) } p { "Use it as " code { "Authorization: Bearer TOKEN" } ", or with " code { "riskfirst push" } " and " code { "riskfirst pull" } "." } } }
            ul { @for (name, at) in tokens { li { (name) " — created " (when(*at)) } } }
            form method="post" action="/tokens" class="card" {
                input type="hidden" name="csrf" value=(csrf);
                label { "Name " input name="name" required placeholder="ci"; }
                button type="submit" { "Create a token" }
            }
        },
    )
}

/// The edit page of a system: a form per kind of element, filled for editing one.
pub struct EditView<'a> {
    pub s: &'a Snapshot,
    pub system: &'a str,
    pub file: &'a riskfirst_model::format::SystemFile,
    /// The element being edited, when one is.
    pub editing: Option<(Kind, serde_json::Value)>,
    pub errors: &'a [String],
}

fn field_input(
    kind: Kind,
    f: &crate::forms::Field,
    value: Option<&serde_json::Value>,
    file: &riskfirst_model::format::SystemFile,
    all_zones: &[String],
) -> Markup {
    let text = value
        .and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| v.as_i64().map(|n| n.to_string()))
        })
        .unwrap_or_default();
    let ids = |list: &str| -> Vec<String> {
        match list {
            "data" => file.data.iter().map(|d| d.id.value.clone()).collect(),
            "zones" => all_zones.to_vec(),
            _ => file.components.iter().map(|c| c.id.value.clone()).collect(),
        }
    };
    let name = format!("{}-{}", kind.key(), f.name);
    html! {
        @match f.input {
            Input::Text | Input::OptText => { label { (f.label) " " input name=(f.name) id=(name) value=(text) required[f.input == Input::Text]; } }
            Input::Number => { label { (f.label) " " input name=(f.name) id=(name) value=(text) inputmode="numeric"; } }
            Input::Check => { label class="check" { input type="checkbox" name=(f.name) id=(name) checked[value.and_then(|v| v.as_bool()) == Some(true)]; " " (f.label) } }
            Input::YesNo => {
                @let b = value.and_then(|v| v.as_bool());
                label { (f.label) " " select name=(f.name) id=(name) { option value="" selected[b.is_none()] { "not stated" } option value="yes" selected[b == Some(true)] { "yes" } option value="no" selected[b == Some(false)] { "no" } } }
            }
            Input::Choice(options) => { label { (f.label) " " select name=(f.name) id=(name) { option value="" { "not stated" } @for o in options { option value=(o) selected[*o == text] { (o) } } } } }
            Input::Id(list) => { label { (f.label) " " select name=(f.name) id=(name) required { @for o in ids(list) { option value=(o) selected[o == text] { (o) } } } } }
            Input::Ids(list) => {
                @let chosen: Vec<String> = value.and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default();
                fieldset { legend { (f.label) } @for o in ids(list) { label class="check" { input type="checkbox" name=(f.name) value=(o) checked[chosen.contains(&o)]; " " (o) } } }
            }
        }
    }
}

pub fn edit(frame: &Frame<'_>, v: &EditView<'_>) -> Markup {
    let csrf = frame.principal.map(|p| p.csrf.as_str()).unwrap_or("");
    let zones: Vec<String> =
        v.s.estate
            .zones
            .iter()
            .filter(|z| z.system.is_none() || z.system == v.s.estate.system(v.system))
            .map(|z| z.id().to_string())
            .collect();
    let list = |kind: Kind| -> Vec<(String, String)> {
        let value = serde_json::to_value(v.file).unwrap_or_default();
        value
            .get(kind.key())
            .and_then(|l| l.as_array())
            .map(|items| {
                items
                    .iter()
                    .map(|e| {
                        let id = e
                            .get("id")
                            .and_then(|x| x.as_str())
                            .unwrap_or("")
                            .to_string();
                        let label = e
                            .get("name")
                            .or_else(|| e.get("text"))
                            .and_then(|x| x.as_str())
                            .map(str::to_string)
                            .or_else(|| {
                                Some(format!(
                                    "{} → {}",
                                    e.get("from")?.as_str()?,
                                    e.get("to")?.as_str()?
                                ))
                            })
                            .unwrap_or_default();
                        (id, label)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    layout(
        frame,
        "Edit the model",
        html! {
            h1 { "Edit " (v.file.system.name) }
            p { "Each save makes a new revision of " code { "systems/…" } " and the app recomputes the threats and the money. " a href=(format!("/systems/{}", seg(v.system))) { "Back to the system" } }
            @if !v.errors.is_empty() { div class="card error" role="alert" { p { "Not saved:" } @for e in v.errors { pre { (e) } } } }
            @for kind in Kind::ALL {
                @let editing = v.editing.as_ref().filter(|(k, _)| *k == kind).map(|(_, e)| e);
                section id=(kind.key()) {
                    h2 { (kind.key()) }
                    ul class="elements" {
                        @for (id, label) in list(kind) {
                            li { code { (id) } " " (label) " "
                                a href=(format!("/systems/{}/edit?{}={}#{}", seg(v.system), kind.key(), seg(&id), kind.key())) { "edit" }
                                form method="post" action=(format!("/systems/{}/model/{}/{}/delete", seg(v.system), kind.key(), seg(&id))) class="inline" {
                                    input type="hidden" name="csrf" value=(csrf);
                                    input type="hidden" name="base" value=(v.s.revision);
                                    button type="submit" class="secondary" { "delete" }
                                }
                            }
                        }
                    }
                    form method="post" action=(format!("/systems/{}/model/{}", seg(v.system), kind.key())) class="card" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="base" value=(v.s.revision);
                        @if let Some(e) = editing { input type="hidden" name="original" value=(e.get("id").and_then(|x| x.as_str()).unwrap_or("")); }
                        h3 { @if editing.is_some() { "Change the " (kind.singular()) } @else { "Add a " (kind.singular()) } }
                        @for f in kind.fields() { (field_input(kind, f, editing.and_then(|e| e.get(f.name)), v.file, &zones)) }
                        label { "Why (for the history) " input name="message"; }
                        button type="submit" { "Save" }
                    }
                }
            }
        },
    )
}
