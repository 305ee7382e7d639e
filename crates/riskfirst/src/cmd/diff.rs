//! `riskfirst diff`: what changed between two versions of an estate, from two paths or a git revision.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use riskfirst_assess::diff::{diff, EstateDiff, Field, MoneyChange, Presence, ThreatState};
use riskfirst_assess::{money, AssessConfig, Assessment};
use riskfirst_model::{Diagnostic, Options, Sources};

use super::{today, CliError, CmdResult};
use crate::cli::Command;
use crate::output;

/// How much the organisation's expected annual loss may rise before `diff` exits 1.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Threshold {
    Amount(f64),
    /// A share of the old expected annual loss (0.1 for `10%`).
    Share(f64),
}

fn parse_threshold(text: &str) -> Result<Threshold, CliError> {
    let bad = || {
        CliError::Usage {
        message: format!("--fail-above `{text}` is not an amount or a percentage"),
        hint: Some("write an amount in the estate's currency, such as `50000`, `50_000` or `50k`, or a percentage such as `10%`".into()),
    }
    };
    let t = text.trim();
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let value = riskfirst_model::amount::parse_amount(number).map_err(|_| bad())?;
    Ok(if percent {
        Threshold::Share(value / 100.0)
    } else {
        Threshold::Amount(value)
    })
}

/// Whether the organisation's change exceeds the threshold.
fn exceeds(change: &MoneyChange, threshold: Threshold) -> bool {
    match threshold {
        Threshold::Amount(a) => change.mean_change > a,
        Threshold::Share(s) => change.mean_change > s * change.old_mean,
    }
}

pub fn run(command: Command) -> CmdResult {
    let Command::Diff {
        old,
        new,
        git,
        format,
        trials,
        seed,
        fail_above,
    } = command
    else {
        return Err(CliError::Usage {
            message: "internal: `diff` called for another command".into(),
            hint: None,
        });
    };
    let threshold = fail_above.as_deref().map(parse_threshold).transpose()?;
    let limits = Options::default().limits;
    let (old_sources, new_sources) = match (&git, old, new) {
        (Some(rev), path, _) => {
            let path = path.unwrap_or_else(|| PathBuf::from("."));
            let new_sources = riskfirst_model::fs::read_estate(&path, &limits)?;
            let old_source = riskfirst_model::fs::GitSource::new(&path, rev)?;
            (
                riskfirst_model::fs::discover(&old_source, &limits)?,
                new_sources,
            )
        }
        (None, Some(old), Some(new)) => (
            riskfirst_model::fs::read_estate(&old, &limits)?,
            riskfirst_model::fs::read_estate(&new, &limits)?,
        ),
        (None, _, _) => {
            return Err(CliError::Usage {
                message: "diff needs two estates, or --git REV".into(),
                hint: Some(
                    "`riskfirst diff OLD NEW`, or `riskfirst diff --git main .` to compare with a revision"
                        .into(),
                ),
            })
        }
    };
    let old_side = checked(old_sources, "old")?;
    let new_side = checked(new_sources, "new")?;
    // One seed and one number of trials for both sides, so unchanged threats get identical numbers.
    let seed = seed
        .or_else(|| new_side.0.root.risk.as_ref().and_then(|r| r.seed))
        .unwrap_or(1);
    // The default is analyze's and report's: the new estate's `risk.trials`, else 100,000.
    let trials =
        riskfirst_assess::sim_config(&new_side.0, &super::assess_config(trials, None)).trials;
    let cfg = super::assess_config(Some(trials), Some(seed));
    let old_a = assess(&old_side, &cfg)?;
    let new_a = assess(&new_side, &cfg)?;
    let d = diff(&old_a, &new_a);

    let mut out = output::stdout();
    match format.as_str() {
        "json" => {
            let text = serde_json::to_string_pretty(&d).map_err(|e| CliError::Usage {
                message: format!("cannot write JSON: {e}"),
                hint: None,
            })?;
            writeln!(out, "{text}")?;
        }
        "markdown" => markdown(&d, &new_a, &mut out)?,
        _ => text(&d, &mut out)?,
    }
    if let Some(t) = threshold {
        if exceeds(&d.organisation, t) {
            writeln!(
                output::stderr(),
                "{} the expected annual loss rose by {}, more than --fail-above {}",
                output::styles().error.paint("risk rose:"),
                money(d.organisation.mean_change, &d.currency),
                fail_above.as_deref().unwrap_or_default()
            )?;
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

type Side = (riskfirst_model::Estate, riskfirst_rules::Analysis);

/// Loads, validates and analyses one side; an invalid side is an error (exit 2) after its diagnostics.
fn checked(sources: Sources, side: &str) -> Result<Side, CliError> {
    let options = Options {
        today: Some(today()),
        ..Options::default()
    };
    let opened = riskfirst_assess::pipeline::open(sources, &options);
    let errors = opened.errors();
    // Warnings are the business of `validate`; a diff shows only what stops it.
    let shown: Vec<Diagnostic> = opened
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    output::print_diagnostics(&shown, &opened.sources)?;
    match opened.prepared {
        Some(p) if errors == 0 => Ok((p.estate, p.analysis)),
        _ => Err(CliError::Usage {
            message: format!(
                "the {side} estate is invalid ({errors} error{})",
                if errors == 1 { "" } else { "s" }
            ),
            hint: Some("fix it (see `riskfirst validate`) and run the diff again".into()),
        }),
    }
}

fn assess(side: &Side, cfg: &AssessConfig) -> Result<Assessment, CliError> {
    super::assess_estate(&side.0, &side.1, cfg)
}

fn signed(amount: f64, currency: &str) -> String {
    if amount > 0.0 {
        format!("+{}", money(amount, currency))
    } else {
        money(amount, currency)
    }
}

fn percent(change: &MoneyChange) -> String {
    match change.mean_change_ratio {
        Some(r) => format!(" ({}{:.0}%)", if r > 0.0 { "+" } else { "" }, r * 100.0),
        None => String::new(),
    }
}

/// "Expected annual loss rises by €120k (+3%) to €7.8M".
fn headline(d: &EstateDiff) -> String {
    let o = &d.organisation;
    let c = &d.currency;
    if o.mean_change > 0.0 {
        format!(
            "Expected annual loss rises by {}{} to {}",
            money(o.mean_change, c),
            percent(o),
            money(o.new_mean, c)
        )
    } else if o.mean_change < 0.0 {
        format!(
            "Expected annual loss falls by {}{} to {}",
            money(-o.mean_change, c),
            percent(o),
            money(o.new_mean, c)
        )
    } else {
        format!(
            "Expected annual loss is unchanged at {}",
            money(o.new_mean, c)
        )
    }
}

fn counts(d: &EstateDiff) -> String {
    format!(
        "{} new, {} removed, {} changed threat{}",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        if d.changed.len() == 1 { "" } else { "s" }
    )
}

fn status(t: &ThreatState) -> String {
    serde_json::to_value(t.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn change_detail(old: &ThreatState, new: &ThreatState, fs: &[Field], c: &str) -> String {
    let mut parts = Vec::new();
    for f in fs {
        parts.push(match f {
            Field::Status => format!("status {} → {}", status(old), status(new)),
            Field::Level => format!("level {} → {}", old.level, new.level),
            Field::Owner => format!("owner {} → {}", old.owner, new.owner),
            Field::Loss => format!(
                "{} → {} a year ({})",
                money(old.mean, c),
                money(new.mean, c),
                signed(new.mean - old.mean, c)
            ),
        });
    }
    parts.join("; ")
}

fn text(d: &EstateDiff, out: &mut impl Write) -> std::io::Result<()> {
    let s = output::styles();
    let c = &d.currency;
    let o = &d.organisation;
    writeln!(out, "{}", s.emphasis.paint(&headline(d)))?;
    writeln!(
        out,
        "bad year (1 in 10) {} → {} ({}); {}; {} simulated years, seed {}",
        money(o.old_p90, c),
        money(o.new_p90, c),
        signed(o.p90_change, c),
        counts(d),
        crate::progress::thousands(d.trials),
        d.seed
    )?;
    if d.is_empty() {
        writeln!(out, "no changes")?;
        return Ok(());
    }
    writeln!(out, "\n{}", s.emphasis.paint("BUSINESS RISKS"))?;
    for r in &d.business_risks {
        let note = match r.presence {
            Presence::Both => "",
            Presence::Added => " (new)",
            Presence::Removed => " (removed)",
        };
        writeln!(
            out,
            "  {:<28} {:>9} → {:<9} {:>10}   bad year {} → {}{note}",
            r.id,
            money(r.money.old_mean, c),
            money(r.money.new_mean, c),
            signed(r.money.mean_change, c),
            money(r.money.old_p90, c),
            money(r.money.new_p90, c),
        )?;
    }
    for (title, list) in [("NEW THREATS", &d.added), ("REMOVED THREATS", &d.removed)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{}", s.emphasis.paint(title))?;
        for t in list {
            writeln!(
                out,
                "  {:<9} {}:{}  {} a year  {}",
                t.level,
                t.system,
                t.id,
                money(t.mean, c),
                t.title
            )?;
        }
    }
    if !d.changed.is_empty() {
        writeln!(out, "\n{}", s.emphasis.paint("CHANGED THREATS"))?;
        for t in &d.changed {
            writeln!(
                out,
                "  {}:{}  {}",
                t.system,
                t.id,
                change_detail(&t.old, &t.new, &t.fields, c)
            )?;
        }
    }
    Ok(())
}

/// Markdown table cells must not break the table.
/// Model text as inert Markdown inline text (no HTML, links or table breaks).
fn cell(text: &str) -> String {
    riskfirst_report::markdown::escape(text)
}

/// An id as a code span when it is plain, else escaped text.
fn code(id: &str) -> String {
    riskfirst_report::markdown::escape_with_code(&format!("`{id}`"))
}

fn markdown(d: &EstateDiff, new: &Assessment, out: &mut impl Write) -> std::io::Result<()> {
    let c = &d.currency;
    let o = &d.organisation;
    writeln!(out, "### {}\n", headline(d))?;
    writeln!(
        out,
        "A bad year (1 in 10) goes from {} to {} ({}). {}. {} simulated years, seed {}, for {}.\n",
        money(o.old_p90, c),
        money(o.new_p90, c),
        signed(o.p90_change, c),
        counts(d),
        crate::progress::thousands(d.trials),
        d.seed,
        cell(&new.organisation.name)
    )?;
    writeln!(
        out,
        "| business risk | expected a year | change | bad year (p90) | change |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|")?;
    for r in &d.business_risks {
        let note = match r.presence {
            Presence::Both => "",
            Presence::Added => " (new)",
            Presence::Removed => " (removed)",
        };
        writeln!(
            out,
            "| {}{note} | {} → {} | {} | {} → {} | {} |",
            cell(&r.title),
            money(r.money.old_mean, c),
            money(r.money.new_mean, c),
            signed(r.money.mean_change, c),
            money(r.money.old_p90, c),
            money(r.money.new_p90, c),
            signed(r.money.p90_change, c),
        )?;
    }
    for (title, list) in [("New threats", &d.added), ("Removed threats", &d.removed)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n**{title}**\n")?;
        writeln!(out, "| threat | system | level | expected a year | owner |")?;
        writeln!(out, "|---|---|---|---:|---|")?;
        for t in list {
            writeln!(
                out,
                "| {} {} | {} | {} | {} | {} |",
                code(&t.id),
                cell(&t.title),
                cell(&t.system),
                cell(&t.level),
                money(t.mean, c),
                cell(&t.owner)
            )?;
        }
    }
    if !d.changed.is_empty() {
        writeln!(out, "\n**Changed threats**\n")?;
        writeln!(out, "| threat | system | what changed |")?;
        writeln!(out, "|---|---|---|")?;
        for t in &d.changed {
            writeln!(
                out,
                "| {} | {} | {} |",
                code(&t.id),
                cell(&t.system),
                cell(&change_detail(&t.old, &t.new, &t.fields, c))
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_amounts_and_percentages() {
        assert_eq!(
            parse_threshold("50000").ok(),
            Some(Threshold::Amount(50_000.0))
        );
        assert_eq!(
            parse_threshold("50_000").ok(),
            Some(Threshold::Amount(50_000.0))
        );
        assert_eq!(parse_threshold("10%").ok(), Some(Threshold::Share(0.1)));
        assert!(parse_threshold("ten").is_err());
        assert!(parse_threshold("-5").is_err());
    }
}
