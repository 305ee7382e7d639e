//! `riskfirst plan --budget AMOUNT`: the controls that remove the most expected loss for the money.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::{build, money, plan_candidates};
use riskfirst_model::text::plural;
use riskfirst_risk::plan::PlanMethod;

use super::{open_or_report, CliError, CmdResult};
use crate::cli::{EstateArgs, TextOrJson};
use crate::output;

pub fn run(args: &EstateArgs, budget: f64, years: f64, format: TextOrJson) -> CmdResult {
    let c = match open_or_report(args)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let built = build(&c.estate, &c.analysis);
    let candidates = plan_candidates(&c.estate);
    let plan =
        riskfirst_assess::plan(&c.estate, &c.analysis, &built, budget, years).map_err(|e| {
            CliError::Usage {
                message: format!("cannot plan: {e}"),
                hint: None,
            }
        })?;
    let name = |i: usize| {
        let ctl = &c.estate.controls[i];
        (
            ctl.raw.id.value.clone(),
            ctl.raw.title.clone(),
            c.estate[ctl.owner].id.value.clone(),
        )
    };
    let mut out = output::stdout();
    if format == TextOrJson::Json {
        let value = serde_json::json!({
            "budget": plan.budget,
            "years": plan.years,
            "method": plan.method,
            "proven_optimal": plan.proven_optimal,
            "gap": plan.gap(),
            "candidates": candidates.len(),
            "current_expected_annual_loss": plan.current_eal,
            "remaining_expected_annual_loss": plan.remaining_eal,
            "total_cost": plan.total_cost,
            "chosen": plan.chosen.iter().map(|s| serde_json::json!({
                "control": name(s.control).0, "cost": s.cost, "loss_removed": s.loss_removed,
            })).collect::<Vec<_>>(),
            "not_worth_funding": plan.not_worth_funding.iter().map(|s| serde_json::json!({
                "control": name(s.control).0, "cost": s.cost, "loss_removed": s.loss_removed,
            })).collect::<Vec<_>>(),
            "frontier": plan.frontier,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let cur = &c.estate.organisation.currency.value;
    let s = output::styles();
    let method = match plan.method {
        PlanMethod::Exact => "exact search over every combination".to_string(),
        PlanMethod::Greedy => "greedy on value for money, recomputed after each pick".into(),
        PlanMethod::BranchAndBound => match plan.gap() {
            Some(g) if !plan.proven_optimal => format!(
                "branch and bound, stopped at its node limit: at most {:.2}% short of the optimum",
                g * 100.0
            ),
            _ => "branch and bound, proven optimal".into(),
        },
    };
    writeln!(
        out,
        "{} {} over {years} years (the horizon: --years), {} not yet in place ({method})",
        s.emphasis.paint("budget"),
        money(budget, cur),
        plural(candidates.len(), "candidate control", "candidate controls")
    )?;
    writeln!(
        out,
        "expected annual loss {} now, {} with the plan; the plan costs {}\n",
        money(plan.current_eal, cur),
        money(plan.remaining_eal, cur),
        money(plan.total_cost, cur)
    )?;
    writeln!(
        out,
        "{}",
        s.emphasis.paint("FUND, in order of value for money")
    )?;
    if plan.chosen.is_empty() {
        writeln!(
            out,
            "  nothing: no candidate fits the budget or removes loss"
        )?;
    }
    for step in &plan.chosen {
        let (id, title, owner) = name(step.control);
        writeln!(
            out,
            "  {:<28} costs {:>8}, removes {:>8} over {years} years  {title} ({owner})",
            id,
            money(step.cost, cur),
            money(step.loss_removed, cur)
        )?;
    }
    if !plan.not_worth_funding.is_empty() {
        writeln!(
            out,
            "\n{}",
            s.emphasis
                .paint("NOT WORTH FUNDING: they cost more than the loss they remove")
        )?;
        for step in &plan.not_worth_funding {
            let (id, title, _) = name(step.control);
            writeln!(
                out,
                "  {:<28} costs {:>8}, removes {:>8}  {title}",
                id,
                money(step.cost, cur),
                money(step.loss_removed, cur)
            )?;
        }
    }
    writeln!(
        out,
        "\n{}",
        s.emphasis
            .paint("EFFICIENT FRONTIER (budget → expected annual loss)")
    )?;
    for p in &plan.frontier {
        writeln!(
            out,
            "  {:>10} → {}",
            money(p.budget, cur),
            money(p.remaining_eal, cur)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
