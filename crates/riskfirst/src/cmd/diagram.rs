//! `riskfirst diagram`: the data-flow diagram of one system, with its open threats marked,
//! as SVG, DOT or Mermaid on standard output.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_report::diagram::{self, Marks};

use super::{open_or_report, CliError, CmdResult};
use crate::cli::{Command, DiagramFormat};
use crate::output;

pub fn run(command: Command) -> CmdResult {
    let Command::Diagram {
        system,
        estate,
        format,
        trials,
    } = command
    else {
        return Err(CliError::Usage {
            message: "internal: `diagram` was dispatched another command".into(),
            hint: None,
        });
    };
    let checked = match open_or_report(&estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let estate = &checked.estate;
    let Some(idx) = estate.system(&system) else {
        let known: Vec<&str> = estate.systems.iter().map(|s| s.id()).collect();
        return Err(super::unknown_id(
            format!("there is no system `{system}` in the estate"),
            &system,
            "the systems",
            &known,
        ));
    };
    let assessment = super::assess(&checked, &super::assess_config(Some(trials), None))?;
    let marks = Marks::new(estate, &checked.analysis, &assessment);
    let text = match format {
        DiagramFormat::Svg => diagram::svg(estate, idx, &marks),
        DiagramFormat::Dot => diagram::dot(estate, idx, &marks),
        DiagramFormat::Mermaid => diagram::mermaid(estate, idx, &marks),
    };
    output::stdout().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
