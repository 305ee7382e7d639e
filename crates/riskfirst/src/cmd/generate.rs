//! `riskfirst generate`: a synthetic estate of a given size.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use std::collections::HashSet;

use riskfirst_model::generate::{build, render_files, GenerateConfig, Syntax};
use riskfirst_model::{Options, Sources};

use super::{CliError, CmdResult};
use crate::output;

pub fn run(components: usize, flows: usize, seed: u64, out_dir: &Path, force: bool) -> CmdResult {
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
    let nonempty = refuse_nonempty(out_dir, force)?;
    let files = generate(&cfg);
    if nonempty {
        remove_stale(out_dir, &files)?;
    }
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

/// Whether `out_dir` has entries; an error when it has and `force` is not given.
pub(super) fn refuse_nonempty(out_dir: &Path, force: bool) -> Result<bool, CliError> {
    let nonempty = std::fs::read_dir(out_dir)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if nonempty && !force {
        return Err(CliError::Usage {
            message: format!("{} is not empty", out_dir.display()),
            hint: Some(
                "choose an empty or new directory, or pass --force to replace the estate there"
                    .into(),
            ),
        });
    }
    Ok(nonempty)
}

/// Removes the system files of `out_dir/systems/` that this run does not
/// write, so a smaller estate written over a larger one leaves none behind.
pub(super) fn remove_stale(out_dir: &Path, files: &[(String, String)]) -> Result<(), CliError> {
    let written: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let dir = out_dir.join("systems");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let rel = format!("systems/{name}");
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file
            && riskfirst_model::fs::is_system_file_name(name)
            && !written.contains(rel.as_str())
        {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|source| CliError::Write { path, source })?;
        }
    }
    Ok(())
}

/// The generated estate, without the decisions that match no threat. The generator
/// guesses the ids of the threats its gaps raise, without running the rules; a guess
/// that misses would be a `W040` warning for everyone who validates the estate, so
/// the rules run once here and the misses are dropped.
fn generate(cfg: &GenerateConfig) -> Vec<(String, String)> {
    let (root, mut systems) = build(cfg);
    let files = render_files(&root, &systems, Syntax::Yaml);
    let mut texts = files.iter();
    let Some((root_path, root_text)) = texts.next() else {
        return files;
    };
    let sources = Sources {
        root: (root_path.into(), root_text.clone()),
        systems: texts.map(|(p, t)| (p.into(), t.clone())).collect(),
    };
    let Some(estate) = riskfirst_model::load(sources, &Options::default()).estate else {
        // The generator writes valid estates (tested); should it not, write what it made.
        return files;
    };
    let analysis = riskfirst_rules::analyze(&estate, &[]);
    let matched: HashSet<(&str, &str)> = analysis
        .threats
        .iter()
        .filter_map(|t| {
            t.decision
                .as_ref()
                .map(|d| (estate[t.system].id(), d.pattern.as_str()))
        })
        .collect();
    let mut dropped = 0;
    for file in &mut systems {
        let system = file.system.id.value.clone();
        let before = file.threats.len();
        // Hand-written threats (with a title) are threats, not decisions: they stay.
        file.threats.retain(|t| {
            t.title.is_some() || matched.contains(&(system.as_str(), t.id.value.as_str()))
        });
        dropped += before - file.threats.len();
    }
    if dropped == 0 {
        return files;
    }
    render_files(&root, &systems, Syntax::Yaml)
}
