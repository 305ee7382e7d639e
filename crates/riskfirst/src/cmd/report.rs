//! `riskfirst report`: loads and assesses an estate, plans its controls, and writes the
//! report as HTML, Markdown, JSON, or a CSV or XLSX risk register.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use riskfirst_assess::build;
use riskfirst_report::ReportInput;

use super::{open_or_report, today, CliError, CmdResult};
use crate::cli::{Command, ReportFormat};
use crate::output;

fn extension(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Html => "html",
        ReportFormat::Markdown => "md",
        ReportFormat::Json => "json",
        ReportFormat::Csv => "csv",
        ReportFormat::Xlsx => "xlsx",
    }
}

pub fn run(command: Command) -> CmdResult {
    let Command::Report {
        estate,
        format,
        output: out_path,
        force,
        trials,
        seed,
    } = command
    else {
        return Err(CliError::Usage {
            message: "internal: `report` called for another command".into(),
            hint: None,
        });
    };
    let to_stdout = out_path.as_deref() == Some(std::path::Path::new("-"));
    // Refused before the work: a terminal would show the bytes of a zip file.
    if to_stdout && format == ReportFormat::Xlsx && std::io::stdout().is_terminal() {
        return Err(CliError::Usage {
            message: "an XLSX file cannot be written to a terminal".into(),
            hint: Some("name a file with `-o register.xlsx`, or redirect standard output".into()),
        });
    }
    let default_name = out_path.is_none();
    let path = out_path
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("riskfirst-report.{}", extension(format))));
    // Refused before the work, so a long report is not computed to be thrown away.
    if !to_stdout {
        refuse_overwrite(&path, force)?;
    }
    let checked = match open_or_report(&estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let cfg = super::assess_config(trials, seed);
    let assessment = super::assess(&checked, &cfg)?;
    let built = build(&checked.estate, &checked.analysis);
    let plan = riskfirst_assess::full_plan(&checked.estate, &checked.analysis, &built, cfg.years)
        .map_err(|e| CliError::Usage {
        message: format!("cannot plan the controls: {e}"),
        hint: None,
    })?;
    let input = ReportInput {
        estate: &checked.estate,
        analysis: &checked.analysis,
        assessment: &assessment,
        plan: Some(&plan),
        today: cfg.today.unwrap_or_else(today),
    };

    let bytes: Vec<u8> = match format {
        ReportFormat::Html => riskfirst_report::html::render(&input).into_bytes(),
        ReportFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&assessment).map_err(|e| CliError::Usage {
                    message: format!("cannot write the assessment as JSON: {e}"),
                    hint: None,
                })?;
            text.push('\n');
            text.into_bytes()
        }
        ReportFormat::Markdown => riskfirst_report::markdown::render(&input).into_bytes(),
        ReportFormat::Csv => riskfirst_report::register::csv(&input).into_bytes(),
        ReportFormat::Xlsx => {
            riskfirst_report::register::xlsx(&input).map_err(|e| CliError::Usage {
                message: format!("cannot write the XLSX register: {e}"),
                hint: None,
            })?
        }
    };

    if to_stdout {
        output::raw_stdout().write_all(&bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    std::fs::write(&path, &bytes).map_err(|source| CliError::Write {
        path: path.clone(),
        source,
    })?;
    // A name riskfirst chose is said in full, so the file is found from anywhere.
    let shown = if default_name {
        std::path::absolute(&path).unwrap_or_else(|_| path.clone())
    } else {
        path.clone()
    };
    let how = if default_name {
        " (no -o given; `-o FILE` names it, `-o -` prints it)"
    } else {
        ""
    };
    writeln!(
        output::stderr(),
        "wrote the {} report to {}{how}",
        extension(format),
        shown.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses to write over an existing file unless `--force` says so.
pub(super) fn refuse_overwrite(path: &Path, force: bool) -> Result<(), CliError> {
    if force || !path.exists() {
        return Ok(());
    }
    Err(CliError::Usage {
        message: format!("{} already exists", path.display()),
        hint: Some("pass --force to overwrite it, or name another file with -o FILE".into()),
    })
}
