//! `riskfirst explain THREAT-ID`: prints `riskfirst_assess::explain`, the rule, the elements
//! and the facts behind one threat, and its money.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::explain::{explain, Explanation};
use riskfirst_assess::frequency::FrequencySource;
use riskfirst_assess::{build, money};
use riskfirst_model::text::plural;

use super::{open_or_report, CliError, CmdResult};
use crate::cli::{EstateArgs, TextOrJson};
use crate::output;

pub fn run(threat: &str, args: &EstateArgs, format: TextOrJson) -> CmdResult {
    let c = match open_or_report(args)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let built = build(&c.estate, &c.analysis);
    let explained = explain(&c.estate, &c.analysis, &built, threat).map_err(|e| {
        let hint = e
            .closest
            .as_ref()
            .map(|b| format!("did you mean `{b}`? `riskfirst analyze` lists every threat"))
            .unwrap_or_else(|| "`riskfirst analyze` lists every threat".into());
        CliError::Usage {
            message: e.to_string(),
            hint: Some(hint),
        }
    })?;
    let mut out = output::stdout();
    if format == TextOrJson::Json {
        serde_json::to_writer_pretty(&mut out, &explained)
            .map_err(|e| CliError::Internal(format!("the explanation does not serialise: {e}")))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let currency = &c.estate.organisation.currency.value;
    for (n, x) in explained.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        print(&mut out, x, currency)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print(out: &mut impl Write, x: &Explanation, currency: &str) -> std::io::Result<()> {
    let s = output::styles();
    write!(out, "{}", x.why)?;
    writeln!(out, "  {}", s.emphasis.paint("risk"))?;
    let f = &x.frequency;
    let source = match f.source {
        FrequencySource::Rule => "the rule's base rate, adjusted",
        FrequencySource::Decision => "set by the decision",
        FrequencySource::Override => "set by `risk.overrides`",
        FrequencySource::HandWritten => "the hand-written threat's",
    };
    writeln!(
        out,
        "    frequency: {:.3} to {:.3} events per year ({source}), mean {:.3}",
        f.low, f.high, f.mean
    )?;
    for a in &f.adjustments {
        writeln!(out, "      × {:<5} {:<24} {}", a.factor, a.name, a.reason)?;
    }
    if x.reaches.is_empty() {
        writeln!(
            out,
            "    reaches no business risk, so no money can be put on it"
        )?;
    }
    for r in &x.reaches {
        let p = r
            .probability
            .map(|p| format!(", in {:.0}% of events", p * 100.0))
            .unwrap_or_default();
        writeln!(
            out,
            "    reaches {} ({}): {} to {} per event{p}",
            r.business_risk,
            r.title,
            money(r.loss_low, currency),
            money(r.loss_high, currency)
        )?;
    }
    for c in &x.controls {
        writeln!(
            out,
            "    control {} ({}): {}",
            c.id,
            c.status.label(),
            c.title
        )?;
    }
    let Some(closing) = &x.closing else {
        writeln!(
            out,
            "    it opens no loss scenario, so no money is put on it"
        )?;
        return Ok(());
    };
    for w in &x.ways_in {
        writeln!(
            out,
            "    way into {} ({} in): {:.3} events a year, {} a year now",
            w.scenario,
            plural(w.other_ways, "other way", "other ways"),
            w.events,
            money(w.loss, currency)
        )?;
    }
    writeln!(
        out,
        "    closing it removes {} a year inherent, {} current, {} once planned controls are in place",
        money(closing.inherent, currency),
        money(closing.current, currency),
        money(closing.projected, currency)
    )?;
    if let Some(alone) = closing.alone {
        writeln!(
            out,
            "    that is with the {} of the same rule on the same assets; alone it removes {} a year",
            plural(closing.together_with, "other open finding", "other open findings"),
            money(alone, currency)
        )?;
    }
    Ok(())
}
