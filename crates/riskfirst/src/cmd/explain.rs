//! `riskfirst explain THREAT-ID`: the rule, the elements and the facts behind one threat, and its money.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::frequency::FrequencySource;
use riskfirst_assess::{build, money};
use riskfirst_risk::{analytic_mean, Stage};

use super::{check_or_report, CliError, CmdResult};
use crate::cli::EstateArgs;
use crate::output;

pub fn run(threat: &str, args: &EstateArgs) -> CmdResult {
    let c = match check_or_report(args)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    // `system:id` picks one system when several have the same threat id.
    let (system, id) = match threat.split_once(':') {
        Some((s, id)) => (Some(s), id),
        None => (None, threat),
    };
    let matches: Vec<usize> = c
        .analysis
        .threats
        .iter()
        .enumerate()
        .filter(|(_, t)| t.id == id && system.is_none_or(|s| c.estate[t.system].id() == s))
        .map(|(i, _)| i)
        .collect();
    if matches.is_empty() {
        let ids: Vec<String> = c.analysis.threats.iter().map(|t| t.id.clone()).collect();
        let hint = riskfirst_model::diag::closest(id, ids.iter().map(String::as_str))
            .map(|b| format!("did you mean `{b}`? `riskfirst analyze` lists every threat"))
            .unwrap_or_else(|| "`riskfirst analyze` lists every threat".into());
        return Err(CliError::Usage {
            message: format!("no threat has the id `{threat}`"),
            hint: Some(hint),
        });
    }
    let built = build(&c.estate, &c.analysis);
    let currency = &c.estate.organisation.currency.value;
    let mut out = output::stdout();
    let s = output::styles();
    for (n, ti) in matches.into_iter().enumerate() {
        let t = &c.analysis.threats[ti];
        if n > 0 {
            writeln!(out)?;
        }
        let single = riskfirst_rules::engine::Analysis {
            threats: vec![t.clone()],
            diagnostics: Vec::new(),
        };
        if let Some(text) = riskfirst_rules::explain(&c.estate, &single, &t.id) {
            write!(out, "{text}")?;
        }
        let f = &built.frequencies[ti];
        writeln!(out, "  {}", s.emphasis.paint("risk"))?;
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
        if built.reached[ti].is_empty() {
            writeln!(
                out,
                "    reaches no business risk, so no money can be put on it"
            )?;
        }
        for r in &built.reached[ti] {
            let br = &c.estate[*r];
            let p = br
                .probability
                .as_ref()
                .map(|p| format!(", in {:.0}% of events", **p * 100.0))
                .unwrap_or_default();
            writeln!(
                out,
                "    reaches {} ({}): {} to {} per event{p}",
                br.id.value,
                br.title,
                money(br.loss_per_event.low, currency),
                money(br.loss_per_event.high, currency)
            )?;
        }
        for ci in &built.threat_controls[ti] {
            let ctl = &c.estate.controls[*ci];
            writeln!(
                out,
                "    control {} ({:?}): {}",
                ctl.raw.id.value, *ctl.raw.status, ctl.raw.title
            )?;
        }
        if let Some(e) = built.threat_exposure[ti] {
            let m = |stage| analytic_mean(&built.portfolio, e, stage).unwrap_or(0.0);
            writeln!(
                out,
                "    expected annual loss: {} inherent, {} current, {} with planned controls",
                money(m(Stage::Inherent), currency),
                money(m(Stage::Current), currency),
                money(m(Stage::Projected), currency)
            )?;
        } else {
            writeln!(out, "    not applicable: it does not count in risk")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
