//! `riskfirst analyze`: the main command. Business risk in money first, then the threats by system.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::{money, Action, Assessment, Losses};
use riskfirst_model::text::plural;

use super::{assess, assess_config, open_or_report, rollup, CliError, CmdResult};
use crate::cli::{EstateArgs, RollupBy, TextOrJson};
use crate::output;

pub struct Options {
    pub format: TextOrJson,
    pub seed: Option<u64>,
    pub trials: Option<u64>,
    pub by: Option<RollupBy>,
    pub team: Option<String>,
    pub filter: Filter,
}

/// Which threats the text and the JSON list: `--system`, `--min-level`, `--top`.
#[derive(Debug, Default)]
pub struct Filter {
    pub system: Option<String>,
    pub min_level: Option<String>,
    pub top: Option<usize>,
}

impl Filter {
    fn is_active(&self) -> bool {
        self.system.is_some() || self.min_level.is_some() || self.top.is_some()
    }

    /// Keeps the threats the filter selects (with `--top`, largest expected loss first) and
    /// returns how many it left out.
    fn apply(&self, a: &mut Assessment) -> Result<usize, CliError> {
        let before = a.threats.len();
        if let Some(system) = &self.system {
            a.threats.retain(|t| t.system == *system);
        }
        if let Some(level) = &self.min_level {
            let levels = &a.settings.levels;
            let Some(min) = levels.iter().position(|l| l == level) else {
                let known: Vec<&str> = levels.iter().map(String::as_str).collect();
                return Err(super::unknown_id(
                    format!("unknown risk level `{level}` for --min-level"),
                    level,
                    "the estate's levels",
                    &known,
                ));
            };
            a.threats.retain(|t| {
                levels
                    .iter()
                    .position(|l| *l == t.level.level)
                    .is_some_and(|rank| rank >= min)
            });
        }
        if let Some(n) = self.top {
            a.threats.sort_by(|x, y| {
                y.current_value()
                    .total_cmp(&x.current_value())
                    .then_with(|| x.system.cmp(&y.system))
                    .then_with(|| x.id.cmp(&y.id))
            });
            a.threats.truncate(n);
        }
        Ok(before - a.threats.len())
    }

    /// The flags given, as the user typed them.
    fn flags(&self) -> String {
        let mut flags = Vec::new();
        flags.extend(self.system.as_ref().map(|s| format!("--system {s}")));
        flags.extend(self.min_level.as_ref().map(|l| format!("--min-level {l}")));
        flags.extend(self.top.map(|n| format!("--top {n}")));
        flags.join(" ")
    }
}

pub fn run(args: &EstateArgs, o: &Options) -> CmdResult {
    let checked = match open_or_report(args)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    // Name the team before simulating, so a typo fails at once.
    if let Some(team) = &o.team {
        rollup::find_team(&checked.estate, team)?;
    }
    if let Some(system) = &o.filter.system {
        if checked.estate.system(system).is_none() {
            let known: Vec<&str> = checked.estate.systems.iter().map(|s| s.id()).collect();
            return Err(super::unknown_id(
                format!("there is no system `{system}` in the estate"),
                system,
                "the systems",
                &known,
            ));
        }
    }
    let mut assessment = assess(&checked, &assess_config(o.trials, o.seed))?;
    let left_out = o.filter.apply(&mut assessment)?;
    let mut out = output::stdout();
    if let Some(by) = o.by {
        return rollup::by(&assessment, by, o.format, &mut out);
    }
    if let Some(team) = &o.team {
        return rollup::team(&checked.estate, &assessment, team, o.format, &mut out);
    }
    if o.format == TextOrJson::Json {
        drop(out);
        let mut json = output::json_stdout();
        serde_json::to_writer_pretty(&mut json, &assessment).map_err(std::io::Error::from)?;
        writeln!(json)?;
        json.flush()?;
        if o.filter.is_active() {
            writeln!(
                output::stderr(),
                "{}",
                kept_line(&assessment, &o.filter, left_out)
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    table(&assessment, &o.filter, left_out, &mut out)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) fn stage_line(l: &Losses, currency: &str) -> String {
    format!(
        "{} → {} → {}",
        money(l.inherent.mean, currency),
        money(l.current.mean, currency),
        money(l.projected.mean, currency)
    )
}

/// What a filter kept, for the text and (on standard error) the JSON.
fn kept_line(a: &Assessment, filter: &Filter, left_out: usize) -> String {
    format!(
        "listed {} of {} ({}); {} left out",
        crate::progress::thousands(a.threats.len() as u64),
        plural(a.summary.threats, "threat", "threats"),
        filter.flags(),
        crate::progress::thousands(left_out as u64)
    )
}

fn table(
    a: &Assessment,
    filter: &Filter,
    left_out: usize,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let s = output::styles();
    let c = &a.settings.currency;
    let org = &a.organisation;
    writeln!(
        out,
        "{}  {}, {}, {}; {} simulated years, seed {}",
        s.emphasis.paint(&org.name),
        plural(a.summary.systems, "system", "systems"),
        plural(a.summary.components, "component", "components"),
        plural(a.summary.flows, "flow", "flows"),
        crate::progress::thousands(a.settings.trials),
        a.settings.seed
    )?;
    writeln!(
        out,
        "expected loss {} a year, a bad year (1 in 10) {}; level {}",
        s.emphasis.paint(&money(org.annual_loss.current.mean, c)),
        s.emphasis.paint(&money(org.annual_loss.current.p90, c)),
        level_paint(&org.level.level, &a.settings.levels, 0)
    )?;
    writeln!(
        out,
        "a loss event in {:.1}% of years ({:.2} events a year); simulated mean {} ± {} (one standard error)",
        100.0 * org.annual_loss.current.p_any_loss,
        org.level.events_per_year,
        money(org.annual_loss.current.mean_simulated, c),
        money(org.annual_loss.current.mean_se, c)
    )?;
    writeln!(
        out,
        "inherent → current → planned: {}\n",
        stage_line(&org.annual_loss, c)
    )?;

    writeln!(
        out,
        "{}",
        s.emphasis.paint("BUSINESS RISKS (by expected annual loss)")
    )?;
    writeln!(
        out,
        "  {:<26} {:>10} {:>11} {:<26} {:<9} owner",
        "risk", "per year", "bad year", "inherent → current → planned", "level"
    )?;
    let risks = a.business_risks_by_loss();
    for r in risks {
        writeln!(
            out,
            "  {:<26} {:>10} {:>11} {:<26} {:<9} {}",
            truncate(&r.id, 26),
            money(r.annual_loss.current.mean, c),
            money(r.annual_loss.current.p90, c),
            stage_line(&r.annual_loss, c),
            level_paint(&r.level.level, &a.settings.levels, 9),
            r.owner
        )?;
    }

    writeln!(out, "\n{}", s.emphasis.paint("APPETITE"))?;
    if a.appetite.is_empty() {
        writeln!(
            out,
            "  no appetite is stated: add `appetite:` to riskfirst.yaml to know where to stop"
        )?;
    }
    for x in &a.appetite {
        let scope = x
            .business_risk
            .clone()
            .unwrap_or_else(|| "organisation".into());
        let (mark, style) = match (x.breached, x.breached_projected) {
            (true, true) => ("BREACHED, still after the plan:", s.error),
            (true, false) => ("BREACHED now, met after the plan:", s.warning),
            (false, _) => ("met", s.hint),
        };
        let detail = if x.measure == riskfirst_assess::Measure::MaxOpenLevel {
            format!(
                "no open threat above `{}`: {} above now",
                x.limit.as_str().unwrap_or_default(),
                x.current
            )
        } else {
            format!(
                "{} of {scope} ≤ {}: now {}",
                x.measure,
                money(x.limit.as_f64().unwrap_or(0.0), c),
                money(x.current.as_f64().unwrap_or(0.0), c)
            )
        };
        writeln!(out, "  {} {detail}", style.paint(mark))?;
    }
    if !a.path_to_appetite.is_empty() {
        writeln!(out, "\n{}", s.emphasis.paint("PATH TO APPETITE"))?;
    }
    for p in &a.path_to_appetite {
        let scope = p.business_risk.as_deref().unwrap_or("organisation");
        if p.reachable {
            writeln!(
                out,
                "  {} of {scope}: {} → {} (limit {}) with {} for {} over {} years",
                p.measure,
                money(p.current, c),
                money(p.with_controls, c),
                money(p.limit, c),
                p.controls.join(", "),
                money(p.cost, c),
                a.settings.years
            )?;
        } else if p.controls.is_empty() {
            writeln!(
                out,
                "  {} of {scope}: no planned control acts on it; {} against a limit of {}: plan new controls",
                p.measure,
                money(p.current, c),
                money(p.limit, c)
            )?;
        } else {
            writeln!(
                out,
                "  {} of {scope}: even every planned control ({}) leaves {} against a limit of {}: plan more",
                p.measure,
                p.controls.join(", "),
                money(p.with_controls, c),
                money(p.limit, c)
            )?;
        }
    }
    if !a.notes.is_empty() {
        writeln!(out, "\n{}", s.emphasis.paint("NOTES"))?;
    }
    for n in &a.notes {
        writeln!(
            out,
            "  {} {}: {}",
            s.warning.paint(n.kind.as_str()),
            n.subject,
            n.message
        )?;
    }

    let sum = &a.summary;
    writeln!(
        out,
        "\n{} {}: {} open, {} accepted, {} mitigated, {} transferred, {} not applicable",
        s.emphasis.paint("THREATS"),
        plural(sum.threats, "threat", "threats"),
        sum.by_status.open,
        sum.by_status.accepted,
        sum.by_status.mitigated,
        sum.by_status.transferred,
        sum.by_status.not_applicable
    )?;
    writeln!(
        out,
        "  recommended: mitigate {}, accept {} (every statement they touch holds), review {}",
        sum.by_recommendation.mitigate, sum.by_recommendation.accept, sum.by_recommendation.review
    )?;
    if filter.is_active() {
        writeln!(out, "  {}", s.hint.paint(&kept_line(a, filter, left_out)))?;
    }
    for sys in &a.systems {
        if filter.is_active() && !a.threats.iter().any(|t| t.system == sys.id) {
            continue;
        }
        writeln!(
            out,
            "\n{} {} (owner {}): {}, {} open, {} a year",
            s.emphasis.paint(&sys.id),
            sys.name,
            sys.owner.as_deref().unwrap_or("-"),
            plural(sys.threats, "threat", "threats"),
            sys.open,
            money(sys.annual_loss.current.mean, c)
        )?;
        if let Some(i) = &sys.inherited {
            writeln!(
                out,
                "  {}",
                s.hint.paint(&format!(
                    "inherits {} a year ({}) from shared components: {}",
                    money(i.annual_loss.current.mean, c),
                    plural(i.threats.len(), "threat", "threats"),
                    i.from.join(", ")
                ))
            )?;
        }
        let mut threats: Vec<_> = a.threats.iter().filter(|t| t.system == sys.id).collect();
        threats.sort_by(|x, y| {
            let m = |t: &riskfirst_assess::ThreatOut| t.current_value();
            m(y).total_cmp(&m(x)).then_with(|| x.id.cmp(&y.id))
        });
        for t in threats {
            let per_year = t
                .value
                .as_ref()
                .map_or("-".to_string(), |v| money(v.current, c));
            let action = match t.recommendation.action {
                Action::Mitigate => s.error.paint("mitigate"),
                Action::Accept => s.hint.paint("accept  "),
                Action::Review => s.warning.paint("review  "),
                Action::Keep => "        ".to_string(),
            };
            writeln!(
                out,
                // The id in full, however long: users copy it into decisions.
                "  {:<9} {:<44} {:<14} {:>8}  {} {}",
                level_paint(&t.level.level, &a.settings.levels, 9),
                t.id,
                t.status.label(),
                per_year,
                action,
                t.title
            )?;
        }
    }

    let mut controls: Vec<_> = a.controls.iter().collect();
    controls.sort_by(|x, y| {
        y.loss_removed
            .total_cmp(&x.loss_removed)
            .then_with(|| x.id.cmp(&y.id))
    });
    if !controls.is_empty() {
        writeln!(
            out,
            "\n{}",
            s.emphasis
                .paint("CONTROLS (by expected loss removed a year)")
        )?;
        for ctl in controls {
            let rosi = ctl
                .rosi
                .map_or("-".to_string(), |r| format!("{:.0}%", r * 100.0));
            writeln!(
                out,
                "  {:<28} {:<12} removes {:>8} a year, costs {:>8} a year, ROSI {:>6}  ({})",
                truncate(&ctl.id, 28),
                ctl.status.label(),
                money(ctl.loss_removed, c),
                money(ctl.annual_cost, c),
                rosi,
                ctl.owner
            )?;
        }
    }
    if !a.unowned.is_empty() {
        writeln!(
            out,
            "\n{} nobody answers for these",
            s.warning.paint("UNOWNED")
        )?;
        for u in &a.unowned {
            let place = u
                .system
                .as_deref()
                .map(|x| format!(" in {x}"))
                .unwrap_or_default();
            writeln!(out, "  {} `{}`{place}: {}", u.kind, u.id, u.reason)?;
        }
    }
    writeln!(
        out,
        "\nmore: `riskfirst explain THREAT-ID`, `riskfirst analyze --by team`, `riskfirst analyze --team ID`, `riskfirst plan --budget AMOUNT`, `--format json`"
    )?;
    Ok(())
}

/// A level name padded to `width`, coloured by how high it is on the scale.
pub(super) fn level_paint(level: &str, levels: &[String], width: usize) -> String {
    let s = output::styles();
    let i = levels.iter().position(|l| l == level).unwrap_or(0);
    // The padding goes outside the colour, so a line that ends with a level can be trimmed.
    let pad = " ".repeat(width.saturating_sub(level.chars().count()));
    let painted = if i + 1 >= levels.len() {
        s.error.paint(level)
    } else if i + 2 == levels.len() {
        s.warning.paint(level)
    } else {
        level.to_string()
    };
    format!("{painted}{pad}")
}

pub(super) fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}
