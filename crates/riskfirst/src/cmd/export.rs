//! `riskfirst export`: the remediation work of an estate (planned controls, threats to
//! mitigate) as GitHub issues or a Jira CSV. `riskfirst_report::export` chooses and renders
//! the items; this writes them.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_report::export::{github_issues, jira_csv, work_items};

use super::{open_or_report, CliError, CmdResult};
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
    let checked = match open_or_report(&estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let a = super::assess(&checked, &super::assess_config(trials, seed))?;
    let items = work_items(&a, only.as_deref() == Some("planned"));
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
