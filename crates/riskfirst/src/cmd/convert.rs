//! `riskfirst convert [PATH] --to FORMAT`: a valid estate in another tool's format.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_interop::FORMATS;

use super::{open_or_report, CliError, CmdResult};
use crate::cli::EstateArgs;
use crate::output;

pub fn run(estate: &EstateArgs, to: &str, out_path: Option<&std::path::Path>) -> CmdResult {
    let exporters: Vec<&str> = FORMATS
        .iter()
        .filter(|f| f.export.is_some())
        .map(|f| f.name)
        .collect();
    let Some(export) = riskfirst_interop::format(to).and_then(|f| f.export) else {
        return Err(super::unknown_id(
            format!("riskfirst cannot convert to `{to}`"),
            to,
            "the formats it writes",
            &exporters,
        ));
    };
    let checked = match open_or_report(estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let (root, systems) = riskfirst_interop::files_of(&checked.estate);
    let bytes = export(&root, &systems).map_err(|e| CliError::Usage {
        message: format!("cannot convert the estate: {e}"),
        hint: None,
    })?;
    match out_path {
        Some(path) => std::fs::write(path, &bytes).map_err(|source| CliError::Write {
            path: path.to_path_buf(),
            source,
        })?,
        None => output::raw_stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}
