//! `riskfirst analyze --by team|system|business-risk` (a roll-up as a table) and
//! `riskfirst analyze --team ID` (one team's view of the estate).

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::team::TeamView;
use riskfirst_assess::{money, Assessment, Losses, RollupOut, ThreatOut};
use riskfirst_model::format::ThreatStatus;
use riskfirst_model::{Estate, TeamIdx};

use super::analyze::{level_paint, stage_line, truncate};
use super::{today, CliError, CmdResult};
use crate::cli::{RollupBy, TextOrJson};
use crate::output;
use riskfirst_model::text::plural;

/// The team an id names, or an error listing the teams with a "did you mean".
pub fn find_team(estate: &Estate, id: &str) -> Result<TeamIdx, CliError> {
    estate.team(id).ok_or_else(|| {
        let ids: Vec<&str> = estate.teams.iter().map(|t| t.id.value.as_str()).collect();
        super::unknown_id(format!("no team has the id `{id}`"), id, "the teams", &ids)
    })
}

pub fn by(a: &Assessment, by: RollupBy, format: TextOrJson, out: &mut impl Write) -> CmdResult {
    if format == TextOrJson::Json {
        let value = match by {
            RollupBy::Team => serde_json::to_value(&a.teams),
            RollupBy::System => serde_json::to_value(&a.systems),
            RollupBy::BusinessRisk => serde_json::to_value(&a.business_risks),
        }
        .unwrap_or_default();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let s = output::styles();
    let c = &a.settings.currency;
    match by {
        RollupBy::BusinessRisk => {
            writeln!(
                out,
                "{} {}",
                s.emphasis.paint("BUSINESS RISKS (by expected annual loss)"),
                s.hint.paint(
                    "(threats: those that reach the risk; one that reaches several counts in each)"
                )
            )?;
            writeln!(
                out,
                "  {:<26} {:>7} {:>10} {:>10} {:<26} {:<9} owner",
                "risk", "threats", "per year", "bad year", "inherent → current → planned", "level"
            )?;
            let risks = a.business_risks_by_loss();
            for r in risks {
                writeln!(
                    out,
                    "  {:<26} {:>7} {:>10} {:>10} {:<26} {} {}",
                    truncate(&r.id, 26),
                    r.threats,
                    money(r.annual_loss.current.mean, c),
                    money(r.annual_loss.current.p90, c),
                    stage_line(&r.annual_loss, c),
                    level_paint(&r.level.level, &a.settings.levels, 9),
                    r.owner
                )?;
            }
            // The organisation counts each threat once, so its line has one count too.
            let org = &a.organisation;
            writeln!(
                out,
                "  {:<26} {:>7} {:>10} {:>10} {}",
                "organisation (once)",
                a.summary.threats,
                money(org.annual_loss.current.mean, c),
                money(org.annual_loss.current.p90, c),
                stage_line(&org.annual_loss, c)
            )?;
        }
        RollupBy::Team | RollupBy::System => {
            let (title, rows, what) = if by == RollupBy::Team {
                ("TEAMS", &a.teams, "team")
            } else {
                ("SYSTEMS", &a.systems, "system")
            };
            writeln!(
                out,
                "{} {}",
                s.emphasis.paint(title),
                s.hint.paint(
                    "(own risk adds up to the organisation's; inherited comes from shared components of others)"
                )
            )?;
            // Lines end at their last word: no padding after the level of a team.
            let header = format!(
                "  {:<22} {:>7} {:>5} {:>10} {:>10} {:<26} {:>10} {:>10} {:<9}{}",
                what,
                "threats",
                "open",
                "per year",
                "bad year",
                "inherent → current → planned",
                "inherited",
                "lives with",
                "level",
                if by == RollupBy::System { " owner" } else { "" }
            );
            writeln!(out, "{}", header.trim_end())?;
            let mut rows: Vec<&RollupOut> = rows.iter().collect();
            rows.sort_by(|x, y| {
                lives_with(y)
                    .current
                    .mean
                    .total_cmp(&lives_with(x).current.mean)
                    .then_with(|| x.id.cmp(&y.id))
            });
            for r in rows {
                let (inherited, lives) = match &r.inherited {
                    Some(i) => (
                        money(i.annual_loss.current.mean, c),
                        money(i.with_inherited.current.mean, c),
                    ),
                    None => ("-".into(), money(r.annual_loss.current.mean, c)),
                };
                let line = format!(
                    "  {:<22} {:>7} {:>5} {:>10} {:>10} {:<26} {:>10} {:>10} {}{}",
                    truncate(&r.id, 22),
                    r.threats,
                    r.open,
                    money(r.annual_loss.current.mean, c),
                    money(r.annual_loss.current.p90, c),
                    stage_line(&r.annual_loss, c),
                    inherited,
                    lives,
                    level_paint(&r.level.level, &a.settings.levels, 9),
                    r.owner
                        .as_deref()
                        .map(|o| format!(" {o}"))
                        .unwrap_or_default()
                );
                writeln!(out, "{}", line.trim_end())?;
            }
            organisation_line(a, out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What a system or team lives with: own plus inherited.
fn lives_with(r: &RollupOut) -> &Losses {
    r.inherited
        .as_ref()
        .map_or(&r.annual_loss, |i| &i.with_inherited)
}

fn organisation_line(a: &Assessment, out: &mut impl Write) -> std::io::Result<()> {
    let c = &a.settings.currency;
    let org = &a.organisation;
    writeln!(
        out,
        "  {:<22} {:>7} {:>5} {:>10} {:>10} {}",
        "organisation (once)",
        a.summary.threats,
        a.summary.by_status.open,
        money(org.annual_loss.current.mean, c),
        money(org.annual_loss.current.p90, c),
        stage_line(&org.annual_loss, c)
    )
}

pub fn team(
    estate: &Estate,
    a: &Assessment,
    id: &str,
    format: TextOrJson,
    out: &mut impl Write,
) -> CmdResult {
    let view = riskfirst_assess::team::team_view(estate, a, id, today()).map_err(|e| {
        let ids: Vec<&str> = e.known.iter().map(String::as_str).collect();
        super::unknown_id(e.to_string(), id, "the teams", &ids)
    })?;
    if format == TextOrJson::Json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&view).unwrap_or_default()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    team_text(a, &view, out)?;
    Ok(ExitCode::SUCCESS)
}

fn team_text(a: &Assessment, v: &TeamView, out: &mut impl Write) -> std::io::Result<()> {
    let warn_days = v.warn_days;
    let s = output::styles();
    let c = &a.settings.currency;
    let levels = &a.settings.levels;
    let t = &v.team;
    let mut who = vec![format!("{} ({})", t.name, t.id)];
    who.extend(v.lead.as_ref().map(|l| format!("lead {l}")));
    who.extend(v.contact.clone());
    writeln!(out, "{}", s.emphasis.paint(&who.join(" · ")))?;
    writeln!(
        out,
        "  own risk     {} a year, a bad year (1 in 10) {}; level {}",
        money(t.annual_loss.current.mean, c),
        money(t.annual_loss.current.p90, c),
        level_paint(&t.level.level, levels, 0)
    )?;
    writeln!(
        out,
        "               inherent → current → planned: {}",
        stage_line(&t.annual_loss, c)
    )?;
    match &t.inherited {
        Some(i) => {
            writeln!(
                out,
                "  inherited    {} a year from shared components it uses: {} ({}, {} open)",
                money(i.annual_loss.current.mean, c),
                i.from.join(", "),
                plural(i.threats.len(), "threat", "threats"),
                i.open
            )?;
            writeln!(
                out,
                "  lives with   {} a year, a bad year {}",
                money(i.with_inherited.current.mean, c),
                money(i.with_inherited.current.p90, c)
            )?;
        }
        None => writeln!(
            out,
            "  inherited    nothing: its systems use no shared component with threats"
        )?,
    }

    if !v.systems.is_empty() {
        writeln!(out, "\n{}", s.emphasis.paint("SYSTEMS"))?;
        for sys in &v.systems {
            let inherited = sys
                .inherited
                .as_ref()
                .map(|i| format!(" (+{} inherited)", money(i.annual_loss.current.mean, c)))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<20} {}, {} open, {} a year{inherited}",
                truncate(&sys.id, 20),
                plural(sys.threats, "threat", "threats"),
                sys.open,
                money(sys.annual_loss.current.mean, c)
            )?;
        }
    }

    let open: Vec<&ThreatOut> = v
        .threats
        .iter()
        .filter(|t| t.status == ThreatStatus::Open)
        .collect();
    writeln!(
        out,
        "\n{} {} of {} it owns",
        s.emphasis.paint("OPEN THREATS (largest first)"),
        open.len(),
        plural(v.threats.len(), "threat", "threats")
    )?;
    // Items worth nothing in money (model checks, threats that reach no business risk)
    // are counted, not listed: `riskfirst analyze` lists them with their recommendation.
    let (priced, unpriced): (Vec<&ThreatOut>, Vec<&ThreatOut>) =
        open.into_iter().partition(|t| t.current_value() > 0.0);
    for t in priced {
        threat_line(a, t, out)?;
    }
    if !unpriced.is_empty() {
        writeln!(
            out,
            "  {}",
            s.hint.paint(&format!(
                "and {} with no money on them (model checks, or reaching no business risk): `riskfirst analyze` lists them",
                unpriced.len()
            ))
        )?;
    }
    if !v.inherited_threats.is_empty() {
        writeln!(
            out,
            "\n{} owned by other teams; raise them with the owner",
            s.emphasis.paint("INHERITED OPEN THREATS")
        )?;
        for t in &v.inherited_threats {
            threat_line(a, t, out)?;
        }
    }
    writeln!(out, "\n{}", s.emphasis.paint("CONTROLS IT OWNS"))?;
    if v.controls.is_empty() {
        writeln!(out, "  none")?;
    }
    for ctl in &v.controls {
        writeln!(
            out,
            "  {:<28} {:<12} removes {:>8} a year, costs {:>8} a year{}",
            truncate(&ctl.id, 28),
            ctl.status.label(),
            money(ctl.loss_removed, c),
            money(ctl.annual_cost, c),
            ctl.due
                .as_deref()
                .map(|d| format!(", due {d}"))
                .unwrap_or_default()
        )?;
    }
    writeln!(
        out,
        "\n{} {}",
        s.emphasis.paint("ACCEPTANCES"),
        s.hint.paint(&format!(
            "(every one; marked when it expires within {warn_days} days)"
        ))
    )?;
    if v.acceptances.is_empty() {
        writeln!(out, "  none")?;
    }
    for x in &v.acceptances {
        let state = match x.days_left {
            _ if x.expired => s.error.paint("EXPIRED"),
            Some(d) if x.expiring => s.warning.paint(&format!("expires in {}", days(d))),
            Some(d) => format!("{} left", days(d)),
            None => "no expiry".into(),
        };
        writeln!(
            out,
            "  {:<52} {} until {} — {state}",
            x.threat,
            x.approved_by.as_deref().unwrap_or("someone"),
            x.expires.as_deref().unwrap_or("-"),
        )?;
    }
    Ok(())
}

fn threat_line(a: &Assessment, t: &ThreatOut, out: &mut impl Write) -> std::io::Result<()> {
    let c = &a.settings.currency;
    writeln!(
        out,
        "  {} {:<52} {:<9} {:>8}  {}",
        level_paint(&t.level.level, &a.settings.levels, 9),
        format!("{}:{}", t.system, t.id),
        t.status.label(),
        t.value
            .as_ref()
            .map_or("-".to_string(), |v| money(v.current, c)),
        t.title
    )
}

/// A number of days, possibly negative, as words: `1 day`, `13 days`.
fn days(d: i64) -> String {
    format!("{d} {}", if d.abs() == 1 { "day" } else { "days" })
}
