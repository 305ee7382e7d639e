//! `riskfirst export`: the remediation work of an estate (planned controls, threats to
//! mitigate) as GitHub issues or a Jira CSV. It gathers the items; `riskfirst_report::export` renders them.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_assess::{money, Action, Assessment, ThreatOut};
use riskfirst_model::format::{ControlStatus, ThreatStatus};
use riskfirst_report::export::{
    github_issues, jira_csv, ExportItem, ItemKind, Priority, ThreatLink,
};

use super::{check_or_report, CliError, CmdResult};
use crate::cli::Command;
use crate::output;

pub fn run(command: Command) -> CmdResult {
    let Command::Export {
        estate,
        to,
        only,
        trials,
        seed,
        output: out_path,
    } = command
    else {
        return Err(CliError::Usage {
            message: "internal: `export` called for another command".into(),
            hint: None,
        });
    };
    let checked = match check_or_report(&estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let a = super::assess(&checked, &super::assess_config(Some(trials), seed))?;
    let items = items(&a, only.as_deref() == Some("planned"));
    let text = match to.as_str() {
        "jira-csv" => jira_csv(&items),
        _ => github_issues(&items),
    };
    match out_path {
        Some(path) => std::fs::write(&path, text).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?,
        None => output::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn link(t: &ThreatOut) -> ThreatLink {
    ThreatLink {
        id: t.id.clone(),
        system: t.system.clone(),
        title: t.title.clone(),
        stride: t.stride.name().to_string(),
        level: t.level.level.clone(),
    }
}

/// The work items: planned and in-progress controls, then (unless `planned_only`) the open
/// threats recommended for mitigation; each list by priority, then risk removed, largest first.
pub fn items(a: &Assessment, planned_only: bool) -> Vec<ExportItem> {
    let levels = &a.settings.levels;
    let currency = &a.settings.currency;
    let mut controls = Vec::new();
    for c in &a.controls {
        if !matches!(c.status, ControlStatus::Planned | ControlStatus::InProgress) {
            continue;
        }
        let threats: Vec<&ThreatOut> = c
            .threats
            .iter()
            .filter_map(|r| a.threats.iter().find(|t| r.is(t)))
            .collect();
        // A control is as urgent as the worst threat it addresses.
        let priority = threats
            .iter()
            .map(|t| Priority::from_level(levels, &t.level.level))
            .min()
            .unwrap_or_else(|| Priority::from_level(levels, ""));
        let status = match c.status {
            ControlStatus::InProgress => "in progress",
            _ => "planned",
        };
        controls.push(ExportItem {
            kind: ItemKind::Control,
            id: c.id.clone(),
            title: c.title.clone(),
            owner: c.owner.clone(),
            due: c.due.clone(),
            risk_removed: c.loss_removed,
            risk_removed_text: money(c.loss_removed, currency),
            currency: currency.clone(),
            priority,
            reason: format!("the control is {status}"),
            threats: threats.into_iter().map(link).collect(),
        });
    }
    let mut threats = Vec::new();
    if !planned_only {
        for t in &a.threats {
            if t.status != ThreatStatus::Open || t.recommendation.action != Action::Mitigate {
                continue;
            }
            let loss = t.current_value();
            threats.push(ExportItem {
                kind: ItemKind::Threat,
                id: t.id.clone(),
                title: t.title.clone(),
                owner: t.owner.clone(),
                due: None,
                risk_removed: loss,
                risk_removed_text: money(loss, currency),
                currency: currency.clone(),
                priority: Priority::from_level(levels, &t.level.level),
                reason: t.recommendation.reason.clone(),
                threats: vec![link(t)],
            });
        }
    }
    let order = |x: &ExportItem, y: &ExportItem| {
        x.priority
            .cmp(&y.priority)
            .then(y.risk_removed.total_cmp(&x.risk_removed))
            .then_with(|| x.id.cmp(&y.id))
    };
    controls.sort_by(order);
    threats.sort_by(order);
    controls.extend(threats);
    controls
}
