//! `riskfirst init`: writes a small valid estate whose comments teach the format.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use riskfirst_model::templates::INIT_FILES;

use super::{CliError, CmdResult};
use crate::output;

pub fn run(dir: &Path, force: bool) -> CmdResult {
    if !force {
        let existing: Vec<String> = INIT_FILES
            .iter()
            .map(|(p, _)| dir.join(p))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(CliError::Usage {
                message: format!("{} already exists", existing.join(", ")),
                hint: Some("pass --force to overwrite, or choose another directory".into()),
            });
        }
    }
    for (rel, text) in INIT_FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| CliError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?;
    }
    let s = output::styles();
    let mut out = output::stdout();
    writeln!(
        out,
        "{} a new estate in {}",
        s.hint.paint("wrote"),
        dir.display()
    )?;
    for (rel, _) in INIT_FILES {
        writeln!(out, "  {}", dir.join(rel).display())?;
    }
    let shown = dir.display();
    writeln!(out, "\nnext: edit the files (their comments explain each key), then run\n  riskfirst validate {shown}\n  riskfirst analyze {shown}")?;
    Ok(ExitCode::SUCCESS)
}
