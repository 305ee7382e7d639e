//! `riskfirst import FORMAT FILE --out DIR`: another tool's threat model as a new estate,
//! checked before it is written, and the import report (what was mapped, guessed, not mapped).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use riskfirst_interop::{Format, ImportOptions, Input, FORMATS, MAX_INPUT_BYTES};
use riskfirst_model::{Options, Sources};

use super::{CliError, CmdResult};
use crate::cli::TextOrJson;
use crate::output;

pub struct Args<'a> {
    pub from: &'a str,
    pub file: &'a Path,
    pub out: &'a Path,
    pub force: bool,
    pub report: TextOrJson,
}

pub fn run(args: &Args) -> CmdResult {
    let bytes = read_input(args.file)?;
    let shown = args.file.display().to_string();
    let input = Input {
        name: &shown,
        bytes: &bytes,
    };
    let format = choose(args.from, &input)?;
    if args.from == "auto" {
        writeln!(
            output::stderr(),
            "detected {}: {}",
            format.name,
            format.title
        )?;
    }
    let Some(import) = format.import else {
        return Err(CliError::Usage {
            message: format!("riskfirst cannot import {} files", format.name),
            hint: Some(format!("formats it imports: {}", importers().join(", "))),
        });
    };
    let imported = import(
        &input,
        &ImportOptions {
            today: super::today(),
        },
    )
    .map_err(|e| {
        let at = e
            .pos
            .map(|p| format!("{shown}:{}:{}: ", p.line, p.col))
            .unwrap_or_else(|| format!("{shown}: "));
        CliError::Usage {
            message: format!("cannot import {at}{}", e.message),
            hint: e.hint.clone(),
        }
    })?;
    let files = imported.files();
    for (rel, _) in &files {
        // An id read from the file names each system file; one that would leave the
        // directory is refused before anything is written.
        riskfirst_model::fs::relative_path(rel)
            .ok()
            .filter(|r| r == rel)
            .ok_or_else(|| CliError::Usage {
                message: format!(
                    "cannot import {shown}: it would write `{rel}`, outside {}",
                    args.out.display()
                ),
                hint: Some(
                    "a system id of the file is not a plain name; rename it in the file".into(),
                ),
            })?;
    }
    let warnings = check(&files)?;
    prepare_out(args.out, args.force)?;
    if args.force {
        super::generate::remove_stale(args.out, &files)?;
    }
    for (rel, text) in &files {
        let path = args.out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| CliError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| CliError::Write { path, source })?;
    }
    let mut out = output::stdout();
    match args.report {
        TextOrJson::Json => {
            let mut value = imported.report.to_json(&shown);
            value["out"] = args.out.display().to_string().into();
            value["files"] = files.iter().map(|(p, _)| p.as_str()).collect();
            value["warnings"] = warnings.into();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )?;
        }
        TextOrJson::Text => {
            write!(out, "{}", imported.report.render(&shown))?;
            writeln!(
                out,
                "wrote {} files to {}: {} system{}, valid with {warnings} warning{}; `riskfirst analyze {}` runs it",
                files.len(),
                args.out.display(),
                imported.systems.len(),
                if imported.systems.len() == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
                args.out.display()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn importers() -> Vec<&'static str> {
    FORMATS
        .iter()
        .filter(|f| f.import.is_some())
        .map(|f| f.name)
        .collect()
}

/// The format named on the command line, or the one detected for `auto`.
fn choose(name: &str, input: &Input) -> Result<&'static Format, CliError> {
    if name != "auto" {
        let known: Vec<&str> = importers();
        return riskfirst_interop::format(name).ok_or_else(|| {
            super::unknown_id(
                format!("unknown format `{name}`"),
                name,
                "the formats",
                &known,
            )
        });
    }
    let found = riskfirst_interop::detect(input);
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(CliError::Usage {
            message: format!("cannot tell the format of {}", input.name),
            hint: Some(format!(
                "name it: `riskfirst import FORMAT {}`, FORMAT one of {}",
                input.name,
                importers().join(", ")
            )),
        }),
        many => Err(CliError::Usage {
            message: format!(
                "{} could be {}",
                input.name,
                many.iter().map(|f| f.name).collect::<Vec<_>>().join(" or ")
            ),
            hint: Some("name the format instead of `auto`".into()),
        }),
    }
}

/// The file's bytes; a file over the limit is refused from its size, before it is read.
fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    let cannot_read = |e: std::io::Error| CliError::Usage {
        message: format!("cannot read {}: {e}", path.display()),
        hint: None,
    };
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let meta = file.metadata().map_err(cannot_read)?;
    if !meta.is_file() {
        return Err(CliError::Usage {
            message: format!("{} is not a regular file", path.display()),
            hint: Some("name the file to import".into()),
        });
    }
    let too_big = |size: u64| CliError::Usage {
        message: format!(
            "{} is {}, more than the {} MiB riskfirst imports",
            path.display(),
            mib(size),
            MAX_INPUT_BYTES / (1024 * 1024)
        ),
        hint: Some(
            "split the model into one file per system and import each into its own directory"
                .into(),
        ),
    };
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while it is read stops at the limit too.
    file.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Loads the estate from its texts before it is written: an import that does not validate
/// is a fault of riskfirst, so nothing invalid reaches the disk. Returns the warnings.
fn check(files: &[(String, String)]) -> Result<usize, CliError> {
    let Some(((root_path, root_text), systems)) = files.split_first() else {
        return Err(CliError::Internal("the import wrote no files".into()));
    };
    let sources = Sources {
        root: (PathBuf::from(root_path), root_text.clone()),
        systems: systems
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.clone()))
            .collect(),
    };
    let options = Options {
        today: Some(super::today()),
        ..Options::default()
    };
    let opened = riskfirst_assess::pipeline::open(sources, &options);
    if opened.prepared.is_none() {
        output::print_diagnostics(&opened.diagnostics, &opened.sources)?;
        return Err(CliError::Internal(format!(
            "the imported estate has {} errors",
            opened.errors()
        )));
    }
    Ok(opened.warnings())
}

/// Creates the output directory; a non-empty one needs --force, and a root file of another
/// name there (`riskfirst.json`) is removed so the estate's root is not ambiguous.
fn prepare_out(dir: &Path, force: bool) -> Result<(), CliError> {
    super::generate::refuse_nonempty(dir, force)?;
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for name in riskfirst_model::fs::ROOT_NAMES {
        let path = dir.join(name);
        if *name != "riskfirst.yaml" && path.is_file() {
            std::fs::remove_file(&path).map_err(|source| CliError::Write { path, source })?;
        }
    }
    Ok(())
}
