//! Finding and reading an estate's files: the only file IO of the model crate.

use std::path::{Path, PathBuf};

use crate::load::Sources;
use crate::node::{self, Limits};
use crate::span::FileId;

/// Why the files of an estate could not be read (exit code 2, as opposed to an invalid model).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no riskfirst.yaml in {0}")]
    NoRoot(PathBuf),
    #[error("{path} is larger than the limit of {limit} bytes")]
    TooLarge { path: PathBuf, limit: usize },
    #[error("{path} is not UTF-8 text")]
    NotText { path: PathBuf },
}

impl ReadError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ReadError::NoRoot(_) => Some("run `riskfirst init` to create an estate, or pass the directory that holds riskfirst.yaml"),
            _ => None,
        }
    }
}

pub const ROOT_NAMES: &[&str] = &["riskfirst.yaml", "riskfirst.yml", "riskfirst.json"];

/// Reads the estate at `path`: a directory holding `riskfirst.yaml`, the root
/// file itself, or a system file (the estate around it is read).
pub fn read_estate(path: &Path, limits: &Limits) -> Result<Sources, ReadError> {
    let root_path = find_root(path)?;
    let dir = root_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let root_text = read_text(&root_path, limits)?;
    let listed = listed_systems(&root_text, limits);
    let mut systems = Vec::new();
    let files = match listed {
        Some(list) => list.into_iter().map(|p| dir.join(p)).collect(),
        None => discover(&dir.join("systems"))?,
    };
    for file in files {
        let text = read_text(&file, limits)?;
        systems.push((display_path(&file), text));
    }
    Ok(Sources {
        root: (display_path(&root_path), root_text),
        systems,
    })
}

fn find_root(path: &Path) -> Result<PathBuf, ReadError> {
    if path.is_dir() {
        for name in ROOT_NAMES {
            let candidate = path.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
        return Err(ReadError::NoRoot(path.to_path_buf()));
    }
    if !path.exists() {
        return Err(ReadError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    }
    let is_root = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| ROOT_NAMES.contains(&n));
    if is_root {
        return Ok(path.to_path_buf());
    }
    // A system file: the estate is the nearest directory above it with a root file.
    let mut dir = path.parent();
    while let Some(d) = dir {
        let d = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if let Ok(root) = find_root(d) {
            return Ok(root);
        }
        dir = d.parent();
        if d == Path::new(".") {
            break;
        }
    }
    Err(ReadError::NoRoot(
        path.parent().unwrap_or(Path::new(".")).to_path_buf(),
    ))
}

/// The `systems:` list of the root file, if it has one (errors in it are
/// reported later, when the root is validated).
fn listed_systems(root: &str, limits: &Limits) -> Option<Vec<String>> {
    let tree = node::parse(root, FileId(0), limits).ok()?;
    let list = tree.get("systems")?;
    match &list.value {
        node::Value::Seq(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

fn discover(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| ReadError::Io {
            path: d.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| ReadError::Io {
                path: d.clone(),
                source,
            })?;
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    // Sorted, so diagnostics and ids come out in the same order on every machine.
    out.sort();
    Ok(out)
}

fn read_text(path: &Path, limits: &Limits) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > limits.max_file_bytes as u64 {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit: limits.max_file_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| ReadError::NotText {
        path: path.to_path_buf(),
    })
}

/// A path as the user should read it: relative to the working directory when it is below it.
fn display_path(path: &Path) -> PathBuf {
    let path = path.strip_prefix("./").unwrap_or(path);
    if let Ok(cwd) = std::env::current_dir() {
        if let Ok(rel) = path.strip_prefix(&cwd) {
            return rel.to_path_buf();
        }
    }
    path.to_path_buf()
}
