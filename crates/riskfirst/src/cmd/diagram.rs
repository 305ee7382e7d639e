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
        output: out_path,
        force,
    } = command
    else {
        return Err(CliError::Usage {
            message: "internal: `diagram` was dispatched another command".into(),
            hint: None,
        });
    };
    // `riskfirst diagram ../my-estate` names the estate where the system belongs.
    let as_path = std::path::Path::new(&system);
    if system.contains(['/', '\\']) || as_path.join("riskfirst.yaml").is_file() {
        return Err(CliError::Usage {
            message: format!("`{system}` is a path, not a system id"),
            hint: Some(format!(
                "the system comes first, then the estate: `riskfirst diagram SYSTEM {system}`"
            )),
        });
    }
    if let Some(path) = &out_path {
        super::report::refuse_overwrite(path, force)?;
    }
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
    let assessment = super::assess(&checked, &super::assess_config(trials, None))?;
    let marks = Marks::new(estate, &checked.analysis, &assessment);
    let text = match format {
        DiagramFormat::Svg => diagram::svg(estate, idx, &marks),
        DiagramFormat::Dot => diagram::dot(estate, idx, &marks),
        DiagramFormat::Mermaid => diagram::mermaid(estate, idx, &marks),
    };
    let Some(path) = out_path else {
        output::stdout().write_all(text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::write(&path, text).map_err(|source| CliError::Write {
        path: path.clone(),
        source,
    })?;
    writeln!(
        output::stderr(),
        "wrote the diagram of {system} to {}",
        path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
