//! `riskfirst generate`: a synthetic estate of a given size.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use riskfirst_model::generate::{generate, GenerateConfig};

use super::{CliError, CmdResult};
use crate::output;

pub fn run(components: usize, flows: usize, seed: u64, out_dir: &Path) -> CmdResult {
    let cfg = GenerateConfig {
        components,
        flows,
        seed,
        ..GenerateConfig::default()
    };
    cfg.check().map_err(|e| CliError::Usage {
        message: e.to_string(),
        hint: None,
    })?;
    let files = generate(&cfg);
    for (rel, text) in &files {
        let path = out_dir.join(rel);
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
    writeln!(
        output::stdout(),
        "wrote {} files to {}: {components} components, {flows} flows (seed {seed})",
        files.len(),
        out_dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
