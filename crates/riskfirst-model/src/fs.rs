//! Finding and reading an estate's files: the only file IO of the model crate.
//!
//! An estate is read through a [`Source`]: a directory ([`DirSource`]), a git
//! revision ([`GitSource`]) or files held in memory ([`MemorySource`], a
//! server's uploads). Whatever the source, one function ([`discover`]) decides
//! which files count, and the same containment rules apply:
//!
//! - every path, listed in `systems:` or discovered, is relative, has no `..`,
//!   and resolves inside the estate root after following links;
//! - only regular files are read (no devices, FIFOs or sockets), and at most
//!   the size limit plus one byte is read, whatever the metadata says;
//! - a directory reached twice (a link loop) is an error;
//! - exactly one root file: `riskfirst.yaml`, `riskfirst.yml` and
//!   `riskfirst.json` side by side are ambiguous, an error.
//!
//! `docs/format.md` ("file layout") documents which files count.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::load::Sources;
use crate::node::{self, Limits};
use crate::span::FileId;

/// Why the files of an estate could not be read (exit code 2, as opposed to an invalid model).
///
/// No variant carries the content of a file: a refused file is named, never shown.
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
    #[error("{dir} holds more than one root file ({names}): which one is the estate is ambiguous")]
    Ambiguous { dir: PathBuf, names: String },
    #[error("{at}`{path}` {why}")]
    BadPath {
        /// Where the path was named (`riskfirst.yaml:3:5: `), or empty.
        at: String,
        path: String,
        why: &'static str,
    },
    #[error("{path} resolves outside the estate root; it is not read")]
    Outside { path: PathBuf },
    #[error("{path} is {what}, not a regular file; it is not read")]
    NotRegular { path: PathBuf, what: &'static str },
    #[error("{path} leads back to a directory already read (a link loop)")]
    Loop { path: PathBuf },
    #[error("{path}: more than {limit} {what}")]
    TooMany {
        path: PathBuf,
        limit: usize,
        what: &'static str,
    },
    #[error("{0}")]
    Git(String),
}

impl ReadError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ReadError::NoRoot(_) => Some("run `riskfirst init` to create an estate, or pass the directory that holds riskfirst.yaml"),
            ReadError::Ambiguous { .. } => Some("keep one root file and remove the others"),
            ReadError::BadPath { .. } | ReadError::Outside { .. } => Some(
                "every file of an estate lives under its root: name system files relative to riskfirst.yaml, such as `systems/checkout.yaml`",
            ),
            ReadError::NotRegular { .. } => Some("system files are regular files of YAML or JSON text"),
            ReadError::Loop { .. } => Some("remove the link that points back up the tree"),
            _ => None,
        }
    }
}

pub const ROOT_NAMES: &[&str] = &["riskfirst.yaml", "riskfirst.yml", "riskfirst.json"];

/// The extensions of discovered system files (exact, lower case).
pub const SYSTEM_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Directories under `systems/` that discovery never enters, besides hidden ones:
/// package managers' trees hold JSON files that are not systems.
pub const SKIPPED_DIRS: &[&str] = &["node_modules"];

/// The most system files an estate may have, and the deepest directory under `systems/`.
pub const MAX_SYSTEM_FILES: usize = 100_000;
pub const MAX_DIR_DEPTH: usize = 32;

/// What is at a path of a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    File,
    Dir,
    Missing,
    /// Something that is never read: a device, FIFO, socket, git link or submodule.
    Special(&'static str),
}

/// Where an estate's files come from. Paths are relative to the estate root,
/// `/`-separated and already checked by [`relative_path`]; implementations
/// enforce containment (a link that leaves the root is [`ReadError::Outside`]).
pub trait Source {
    /// What is at `path` (`""` is the root), after following links.
    fn entry(&self, path: &str) -> Result<Entry, ReadError>;
    /// The names in directory `dir`, in any order.
    fn list(&self, dir: &str) -> Result<Vec<String>, ReadError>;
    /// The bytes of the regular file at `path`: at most `limit + 1` are read.
    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError>;
    /// The path as a user should read it in messages.
    fn shown(&self, path: &str) -> PathBuf;
    /// What identifies directory `dir` once links are followed, for loop
    /// detection; `None` where the source has no links.
    fn dir_key(&self, _dir: &str) -> Result<Option<PathBuf>, ReadError> {
        Ok(None)
    }
}

/// `path` as a normalised path inside the estate (`a/./b` → `a/b`), or why it is refused:
/// absolute, `..`, a backslash, a drive letter, control characters, empty.
pub fn relative_path(path: &str) -> Result<String, &'static str> {
    if path.chars().any(char::is_control) {
        return Err("contains control characters");
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err("is an absolute path; name files relative to the estate root");
    }
    if path.contains('\\') {
        return Err("contains a backslash; separate directories with `/`");
    }
    if path.as_bytes().get(1) == Some(&b':') {
        return Err("names a drive; name files relative to the estate root");
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("goes up with `..`; every file of an estate lives under its root"),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("names no file");
    }
    Ok(parts.join("/"))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Whether discovery counts a file of this name under `systems/`.
pub fn is_system_file_name(name: &str) -> bool {
    !name.starts_with('.')
        && Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SYSTEM_EXTENSIONS.contains(&e))
}

fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

/// The texts of the estate in `source`: its one root file, then the systems
/// its `systems:` list names, or else every system file discovered under
/// `systems/` (sorted by path, so every source gives the same order).
pub fn discover(source: &dyn Source, limits: &Limits) -> Result<Sources, ReadError> {
    let mut roots = Vec::new();
    for name in ROOT_NAMES {
        if source.entry(name)? != Entry::Missing {
            roots.push(*name);
        }
    }
    let root_name = match roots.as_slice() {
        [] => return Err(ReadError::NoRoot(source.shown(""))),
        [one] => *one,
        many => {
            return Err(ReadError::Ambiguous {
                dir: source.shown(""),
                names: many.join(", "),
            })
        }
    };
    let root_text = read_text(source, root_name, limits)?;
    let root_shown = source.shown(root_name);
    let files = match listed_systems(&root_text, limits) {
        Some(list) => {
            let mut files = Vec::with_capacity(list.len());
            for (path, line, col) in list {
                let rel = relative_path(&path).map_err(|why| ReadError::BadPath {
                    at: format!("{}:{line}:{col}: ", root_shown.display()),
                    path: path.clone(),
                    why,
                })?;
                files.push(rel);
            }
            if files.len() > MAX_SYSTEM_FILES {
                return Err(ReadError::TooMany {
                    path: root_shown,
                    limit: MAX_SYSTEM_FILES,
                    what: "system files",
                });
            }
            files
        }
        None => walk(source, "systems")?,
    };
    let mut systems = Vec::with_capacity(files.len());
    for file in files {
        let text = read_text(source, &file, limits)?;
        systems.push((source.shown(&file), text));
    }
    Ok(Sources {
        root: (root_shown, root_text),
        systems,
    })
}

/// Every system file under `dir`, sorted; hidden entries and [`SKIPPED_DIRS`] left out.
fn walk(source: &dyn Source, dir: &str) -> Result<Vec<String>, ReadError> {
    let mut out = Vec::new();
    if source.entry(dir)? != Entry::Dir {
        return Ok(out);
    }
    let mut seen = BTreeSet::new();
    let mut stack = vec![(dir.to_string(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        if let Some(key) = source.dir_key(&d)? {
            if !seen.insert(key) {
                return Err(ReadError::Loop {
                    path: source.shown(&d),
                });
            }
        }
        if depth > MAX_DIR_DEPTH {
            return Err(ReadError::TooMany {
                path: source.shown(&d),
                limit: MAX_DIR_DEPTH,
                what: "levels of directories",
            });
        }
        for name in source.list(&d)? {
            if is_skipped_dir(&name) {
                // Hidden files and directories, and package managers' trees.
                continue;
            }
            let path = join(&d, &name);
            match source.entry(&path)? {
                Entry::Dir => stack.push((path, depth + 1)),
                Entry::File if is_system_file_name(&name) => out.push(path),
                Entry::Special(what) if is_system_file_name(&name) => {
                    return Err(ReadError::NotRegular {
                        path: source.shown(&path),
                        what,
                    })
                }
                _ => {}
            }
            if out.len() > MAX_SYSTEM_FILES {
                return Err(ReadError::TooMany {
                    path: source.shown(dir),
                    limit: MAX_SYSTEM_FILES,
                    what: "system files",
                });
            }
        }
    }
    // Sorted, so diagnostics and ids come out in the same order on every machine.
    out.sort();
    Ok(out)
}

fn read_text(source: &dyn Source, path: &str, limits: &Limits) -> Result<String, ReadError> {
    match source.entry(path)? {
        Entry::File => {}
        Entry::Dir => {
            return Err(ReadError::NotRegular {
                path: source.shown(path),
                what: "a directory",
            })
        }
        Entry::Special(what) => {
            return Err(ReadError::NotRegular {
                path: source.shown(path),
                what,
            })
        }
        Entry::Missing => {
            return Err(ReadError::Io {
                path: source.shown(path),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            })
        }
    }
    let bytes = source.read(path, limits.max_file_bytes)?;
    if bytes.len() > limits.max_file_bytes {
        return Err(ReadError::TooLarge {
            path: source.shown(path),
            limit: limits.max_file_bytes,
        });
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotText {
        path: source.shown(path),
    })
}

/// The `systems:` list of the root file with each entry's line and column,
/// if it has one (errors in it are reported later, when the root is validated).
fn listed_systems(root: &str, limits: &Limits) -> Option<Vec<(String, u32, u32)>> {
    let tree = node::parse(root, FileId(0), limits).ok()?;
    let list = tree.get("systems")?;
    match &list.value {
        node::Value::Seq(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(|s| (s.to_string(), i.span.line, i.span.col)))
                .collect(),
        ),
        _ => None,
    }
}

/// Reads the estate at `path`: a directory holding `riskfirst.yaml`, the root
/// file itself, or a system file (the estate around it is read).
pub fn read_estate(path: &Path, limits: &Limits) -> Result<Sources, ReadError> {
    let dir = estate_dir(path)?;
    discover(&DirSource::new(&dir)?, limits)
}

fn has_root(dir: &Path) -> bool {
    ROOT_NAMES
        .iter()
        .any(|n| std::fs::symlink_metadata(dir.join(n)).is_ok())
}

/// The directory of the estate `path` names.
fn estate_dir(path: &Path) -> Result<PathBuf, ReadError> {
    let meta = std::fs::metadata(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return if has_root(path) {
            Ok(path.to_path_buf())
        } else {
            Err(ReadError::NoRoot(path.to_path_buf()))
        };
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let is_root = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| ROOT_NAMES.contains(&n));
    if is_root {
        return Ok(parent.to_path_buf());
    }
    // A system file: the estate is the nearest directory above it with a root file.
    let mut dir = Some(parent);
    while let Some(d) = dir {
        if has_root(d) {
            return Ok(d.to_path_buf());
        }
        dir = d.parent().filter(|p| !p.as_os_str().is_empty());
    }
    Err(ReadError::NoRoot(parent.to_path_buf()))
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

/// An estate in a directory of the file system.
pub struct DirSource {
    /// As the user named it, for messages.
    given: PathBuf,
    /// With every link resolved: what every path must stay inside.
    root: PathBuf,
}

impl DirSource {
    pub fn new(dir: &Path) -> Result<DirSource, ReadError> {
        let root = std::fs::canonicalize(dir).map_err(|source| ReadError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(DirSource {
            given: dir.to_path_buf(),
            root,
        })
    }

    /// The path with links followed, `None` when nothing is there (or a link dangles).
    fn resolve(&self, path: &str) -> Result<Option<PathBuf>, ReadError> {
        let joined = self.root.join(path);
        if std::fs::symlink_metadata(&joined).is_err() {
            return Ok(None);
        }
        match std::fs::canonicalize(&joined) {
            Ok(real) if real.starts_with(&self.root) => Ok(Some(real)),
            Ok(_) => Err(ReadError::Outside {
                path: self.shown(path),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ReadError::Io {
                path: self.shown(path),
                source,
            }),
        }
    }
}

fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a regular file"
}

impl Source for DirSource {
    fn entry(&self, path: &str) -> Result<Entry, ReadError> {
        let Some(real) = self.resolve(path)? else {
            return Ok(Entry::Missing);
        };
        let meta = std::fs::metadata(&real).map_err(|source| ReadError::Io {
            path: self.shown(path),
            source,
        })?;
        Ok(if meta.is_file() {
            Entry::File
        } else if meta.is_dir() {
            Entry::Dir
        } else {
            Entry::Special(special_kind(&meta))
        })
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, ReadError> {
        let real = self.resolve(dir)?.unwrap_or_else(|| self.root.join(dir));
        let io = |source| ReadError::Io {
            path: self.shown(dir),
            source,
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&real).map_err(io)? {
            let entry = entry.map_err(io)?;
            // A name that is not UTF-8 cannot be a system file of an estate that others read.
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_string());
            }
        }
        Ok(names)
    }

    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError> {
        let io = |source| ReadError::Io {
            path: self.shown(path),
            source,
        };
        let real = self
            .resolve(path)?
            .ok_or_else(|| io(std::io::Error::from(std::io::ErrorKind::NotFound)))?;
        // Checked before opening (opening a FIFO blocks) and again on the open file.
        let meta = std::fs::metadata(&real).map_err(io)?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular {
                path: self.shown(path),
                what: special_kind(&meta),
            });
        }
        let file = std::fs::File::open(&real).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular {
                path: self.shown(path),
                what: special_kind(&meta),
            });
        }
        let mut bytes = Vec::new();
        file.take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        Ok(bytes)
    }

    fn shown(&self, path: &str) -> PathBuf {
        let shown = if path.is_empty() {
            display_path(&self.given)
        } else {
            display_path(&self.given.join(path))
        };
        if shown.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            shown
        }
    }

    fn dir_key(&self, dir: &str) -> Result<Option<PathBuf>, ReadError> {
        self.resolve(dir)
    }
}

/// Whether `path` is a directory of a tree given as its files' paths: some file is below it.
fn tree_is_dir<V>(files: &BTreeMap<String, V>, path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    let prefix = format!("{path}/");
    files
        .range(prefix.clone()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(&prefix))
}

/// The names in directory `dir` of a tree given as its files' paths.
fn tree_list<V>(files: &BTreeMap<String, V>, dir: &str) -> Vec<String> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut names: Vec<String> = files
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .filter_map(|(k, _)| k[prefix.len()..].split('/').next().map(str::to_string))
        .collect();
    names.dedup();
    names
}

/// An estate held in memory, path → bytes: a server's uploads or database rows.
#[derive(Clone, Debug, Default)]
pub struct MemorySource {
    name: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

impl MemorySource {
    /// The files under their paths relative to the estate root; a path that
    /// [`relative_path`] refuses, or two names of one path, is an error.
    pub fn new(
        name: impl Into<PathBuf>,
        files: impl IntoIterator<Item = (String, Vec<u8>)>,
    ) -> Result<MemorySource, ReadError> {
        let mut map = BTreeMap::new();
        for (path, bytes) in files {
            let rel = relative_path(&path).map_err(|why| ReadError::BadPath {
                at: String::new(),
                path: path.clone(),
                why,
            })?;
            if map.insert(rel, bytes).is_some() {
                return Err(ReadError::BadPath {
                    at: String::new(),
                    path,
                    why: "is given twice",
                });
            }
        }
        let source = MemorySource {
            name: name.into(),
            files: map,
        };
        // A path both a file and a directory (`a` and `a/b`) is refused too.
        for path in source.files.keys() {
            if source.is_dir(path) {
                return Err(ReadError::BadPath {
                    at: String::new(),
                    path: path.clone(),
                    why: "is both a file and a directory",
                });
            }
        }
        Ok(source)
    }

    fn is_dir(&self, path: &str) -> bool {
        tree_is_dir(&self.files, path)
    }
}

impl Source for MemorySource {
    fn entry(&self, path: &str) -> Result<Entry, ReadError> {
        Ok(if self.files.contains_key(path) {
            Entry::File
        } else if self.is_dir(path) {
            Entry::Dir
        } else {
            Entry::Missing
        })
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, ReadError> {
        Ok(tree_list(&self.files, dir))
    }

    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError> {
        let bytes = self.files.get(path).ok_or_else(|| ReadError::Io {
            path: self.shown(path),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        })?;
        Ok(bytes[..bytes.len().min(limit.saturating_add(1))].to_vec())
    }

    fn shown(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.name.clone()
        } else {
            self.name.join(path)
        }
    }
}

/// An estate as it was at a revision of the git repository that holds it.
///
/// Files are listed once (`git ls-tree`, with their sizes) and read by object
/// id; links and submodules are never followed, and a file above the limit
/// is refused before it is read.
pub struct GitSource {
    /// Where git runs: the estate directory in the work tree.
    dir: PathBuf,
    rev: String,
    /// The estate directory relative to the top of the repository (`examples/northwind/`).
    prefix: String,
    /// Path relative to the estate → (what it is, object id, size).
    files: BTreeMap<String, (Entry, String, u64)>,
}

impl GitSource {
    /// The estate at `path` (a directory or a file in it) as it was at `rev`.
    pub fn new(path: &Path, rev: &str) -> Result<GitSource, ReadError> {
        if rev.starts_with('-') || rev.is_empty() || rev.chars().any(char::is_control) {
            return Err(ReadError::Git(format!(
                "`{rev}` is not a revision: name a commit, branch or tag, such as `HEAD~1` or `main`"
            )));
        }
        let dir = if path.is_file() {
            match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        } else {
            path.to_path_buf()
        };
        let dir = std::fs::canonicalize(&dir).map_err(|source| ReadError::Io {
            path: dir.clone(),
            source,
        })?;
        if git(&dir, &["rev-parse", "--git-dir"]).is_err() {
            return Err(ReadError::Git(format!(
                "{} is not in a git repository, so it has no revision `{rev}`: compare two directories with `riskfirst diff OLD NEW`",
                dir.display()
            )));
        }
        git(&dir, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).map_err(
            |_| {
                ReadError::Git(format!(
                    "`{rev}` is not a revision of this repository: name a commit, branch or tag, such as `HEAD~1` or `main`"
                ))
            },
        )?;
        let prefix = String::from_utf8_lossy(&git(&dir, &["rev-parse", "--show-prefix"])?)
            .trim()
            .to_string();
        let listing = git(&dir, &["ls-tree", "-r", "-l", "-z", rev, "--"])?;
        let mut files = BTreeMap::new();
        for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            let Some((meta, name)) = record.split_once('\t') else {
                continue;
            };
            let fields: Vec<&str> = meta.split_whitespace().collect();
            let [mode, _kind, oid, size] = fields.as_slice() else {
                continue;
            };
            let entry = match *mode {
                "100644" | "100755" => Entry::File,
                "120000" => Entry::Special("a symbolic link in git"),
                "160000" => Entry::Special("a git submodule"),
                _ => Entry::Special("not a regular file"),
            };
            let size = size.parse().unwrap_or(0);
            files.insert(name.to_string(), (entry, oid.to_string(), size));
        }
        Ok(GitSource {
            dir,
            rev: rev.to_string(),
            prefix,
            files,
        })
    }

    fn is_dir(&self, path: &str) -> bool {
        tree_is_dir(&self.files, path)
    }
}

/// Runs git in `dir`; its standard output, or what git said.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, ReadError> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            ReadError::Git(format!(
                "cannot run git (reading a revision needs git on the PATH): {e}"
            ))
        })?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(ReadError::Git(format!(
            "git {} failed: {said}",
            args.join(" ")
        )));
    }
    Ok(out.stdout)
}

impl Source for GitSource {
    fn entry(&self, path: &str) -> Result<Entry, ReadError> {
        Ok(match self.files.get(path) {
            Some((entry, _, _)) => *entry,
            None if self.is_dir(path) => Entry::Dir,
            None => Entry::Missing,
        })
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, ReadError> {
        Ok(tree_list(&self.files, dir))
    }

    fn read(&self, path: &str, limit: usize) -> Result<Vec<u8>, ReadError> {
        let Some((Entry::File, oid, size)) = self.files.get(path) else {
            return Err(ReadError::NotRegular {
                path: self.shown(path),
                what: "not a regular file",
            });
        };
        if *size > limit as u64 {
            return Err(ReadError::TooLarge {
                path: self.shown(path),
                limit,
            });
        }
        git(&self.dir, &["cat-file", "blob", oid])
    }

    fn shown(&self, path: &str) -> PathBuf {
        let full = format!("{}{path}", self.prefix);
        let full = full.trim_end_matches('/');
        PathBuf::from(format!(
            "{}:{}",
            self.rev,
            if full.is_empty() { "." } else { full }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(files: &[(&str, &str)]) -> Result<MemorySource, ReadError> {
        MemorySource::new(
            "upload",
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())),
        )
    }

    const ROOT: &str = "riskfirst: 1\norganisation: { name: A, currency: EUR }\n";

    #[test]
    fn relative_paths_stay_inside() {
        assert_eq!(
            relative_path("systems/./a.yaml"),
            Ok("systems/a.yaml".into())
        );
        assert_eq!(relative_path("a//b"), Ok("a/b".into()));
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "c:/x",
            "a\\b",
            "",
            ".",
            "a\nb",
        ] {
            assert!(relative_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn memory_discovery_counts_the_documented_files() {
        let source = memory(&[
            ("riskfirst.yaml", ROOT),
            ("systems/b.yaml", "b"),
            ("systems/a.yml", "a"),
            ("systems/sub/c.json", "c"),
            ("systems/.hidden.yaml", "no"),
            ("systems/.git/x.yaml", "no"),
            ("systems/node_modules/p/package.json", "no"),
            ("systems/notes.YAML", "no"),
            ("systems/readme.md", "no"),
        ])
        .unwrap();
        let sources = discover(&source, &Limits::default()).unwrap();
        let paths: Vec<String> = sources
            .systems
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        assert_eq!(
            paths,
            [
                "upload/systems/a.yml",
                "upload/systems/b.yaml",
                "upload/systems/sub/c.json"
            ]
        );
    }

    #[test]
    fn two_root_files_are_ambiguous() {
        let source = memory(&[("riskfirst.yaml", ROOT), ("riskfirst.json", "{}")]).unwrap();
        let e = discover(&source, &Limits::default()).unwrap_err();
        assert!(matches!(e, ReadError::Ambiguous { .. }), "{e}");
        assert_eq!(
            e.to_string(),
            "upload holds more than one root file (riskfirst.yaml, riskfirst.json): which one is the estate is ambiguous"
        );
    }

    #[test]
    fn listed_paths_outside_the_root_are_refused_with_their_position() {
        let root = format!("{ROOT}systems:\n  - systems/a.yaml\n  - ../../etc/passwd\n");
        let source = memory(&[("riskfirst.yaml", &root), ("systems/a.yaml", "a")]).unwrap();
        let e = discover(&source, &Limits::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "upload/riskfirst.yaml:5:5: `../../etc/passwd` goes up with `..`; every file of an estate lives under its root"
        );
    }

    #[test]
    fn memory_paths_are_checked_and_reads_are_bounded() {
        assert!(memory(&[("../x", "")]).is_err());
        assert!(memory(&[("a", ""), ("a/b", "")]).is_err());
        assert!(memory(&[("a", ""), ("./a", "")]).is_err());
        let source = memory(&[("riskfirst.yaml", ROOT), ("big", "0123456789")]).unwrap();
        assert_eq!(source.read("big", 3).unwrap(), b"0123");
        let limits = Limits {
            max_file_bytes: 10,
            ..Limits::default()
        };
        let e = discover(&source, &limits).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { .. }), "{e}");
    }
}
