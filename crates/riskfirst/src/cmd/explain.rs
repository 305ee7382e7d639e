//! `riskfirst explain THREAT-ID`: the rule, the elements and the facts behind one threat, and its money.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::frequency::FrequencySource;
use riskfirst_assess::{build, money};
use riskfirst_risk::Stage;

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
        let ev = riskfirst_assess::value::Evaluator::new(&c.estate, &c.analysis, &built);
        let scenarios = &built.scenarios.of_threat[ti];
        if scenarios.is_empty() || !riskfirst_assess::frequency::counts(t) {
            writeln!(
                out,
                "    it opens no loss scenario, so no money is put on it"
            )?;
            continue;
        }
        let keeps: Vec<_> = Stage::ALL.iter().map(|s| ev.stage_keeps(*s)).collect();
        for si in scenarios {
            let sc = &built.scenarios.list[*si];
            let f = built.figures(*si, &|t| keeps[1][t], None);
            writeln!(
                out,
                "    way into {} ({} other way{} in): {:.3} events a year, {} a year now",
                sc.key,
                sc.ways.len().saturating_sub(1),
                if sc.ways.len() == 2 { "" } else { "s" },
                f.events,
                money(f.loss, currency)
            )?;
        }
        let weakness = ev.weakness(ti);
        let closed: Vec<f64> = keeps
            .iter()
            .map(|k| ev.closing(k, &weakness).organisation.loss.max(0.0))
            .collect();
        writeln!(
            out,
            "    closing it removes {} a year inherent, {} current, {} once planned controls are in place",
            money(closed[0], currency),
            money(closed[1], currency),
            money(closed[2], currency)
        )?;
        if weakness.len() > 1 {
            let alone = ev.closing(&keeps[1], &[ti]).organisation.loss.max(0.0);
            writeln!(
                out,
                "    that is with the {} other open finding{} of {} on the same assets; alone it removes {} a year",
                weakness.len() - 1,
                if weakness.len() == 2 { "" } else { "s" },
                t.rule.code,
                money(alone, currency)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
