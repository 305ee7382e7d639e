//! The AWS scorecard: offline AWS exports and infrastructure as code in, a resource
//! graph, check outcomes keyed to CIS and FSBP, and two scores out. Sans-IO: the
//! caller reads the files (riskfirst's binary does, with the estate's containment
//! rules) and passes names and bytes; nothing here touches the file system, the
//! network or the clock.

pub mod checks;
pub mod error;
pub mod facts;
pub mod graph;
pub mod input;
pub mod questionnaire;
pub mod score;

use std::collections::BTreeMap;

pub use checks::{Check, Evaluation, Outcome, Severity, CHECKS};
pub use error::InputError;
pub use graph::{Graph, Kind, Location, Origin, Resource};
use input::FileKind;
pub use score::{scorecard, Finding, Scorecard};

/// The largest evidence file read, in bytes: AWS Config snapshots of large accounts
/// run to tens of megabytes.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Nesting deeper than this in a JSON export is refused before it is parsed.
pub const MAX_JSON_DEPTH: usize = 128;

/// One evidence file: its name as the user should read it, and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct InputFile<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
}

/// What a scan of the evidence found.
#[derive(Debug, Default)]
pub struct Scan {
    pub graph: Graph,
    pub evaluations: Vec<Evaluation>,
    /// Files refused, each with where and why; the scan went on without them.
    pub errors: Vec<InputError>,
    /// Files read, by kind, for the report's "what was read".
    pub read: Vec<(String, &'static str)>,
}

/// The deepest nesting of `open` brackets outside double-quoted strings: enough to
/// refuse a hostile file before a recursive parser sees it. Where strings cannot
/// span lines (HCL), a line end closes one, so a stray quote cannot hide the rest.
pub fn bracket_depth(bytes: &[u8], open: &[u8], close: &[u8], newline_ends_string: bool) -> usize {
    let (mut depth, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                b'\n' if newline_ends_string => in_str = false,
                _ => {}
            }
            continue;
        }
        if b == b'"' {
            in_str = true;
        } else if open.contains(&b) {
            depth += 1;
            max = max.max(depth);
        } else if close.contains(&b) {
            depth = depth.saturating_sub(1);
        }
    }
    max
}

/// Parses a JSON evidence file with a depth limit and an error that says where.
pub fn parse_json(path: &str, bytes: &[u8]) -> Result<serde_json::Value, InputError> {
    if bracket_depth(bytes, b"{[", b"}]", false) > MAX_JSON_DEPTH {
        return Err(InputError::TooDeep {
            file: path.to_string(),
            limit: MAX_JSON_DEPTH,
        });
    }
    serde_json::from_slice(bytes).map_err(|e| InputError::Syntax {
        file: path.to_string(),
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        col: u32::try_from(e.column()).unwrap_or(u32::MAX),
        message: e.to_string(),
    })
}

fn text<'a>(file: &InputFile<'a>) -> Result<&'a str, InputError> {
    if file.bytes.len() > MAX_FILE_BYTES {
        return Err(InputError::TooMany {
            file: file.path.to_string(),
            limit: MAX_FILE_BYTES,
            what: "bytes",
        });
    }
    std::str::from_utf8(file.bytes).map_err(|e| InputError::Shape {
        file: file.path.to_string(),
        what: format!("not UTF-8 text (at byte {})", e.valid_up_to()),
    })
}

/// The directory part of a `/`-separated path.
fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Reads every file into one graph and evaluates every check. Files are taken in the
/// order given; the caller sorts them so that the output is the same on every machine.
pub fn scan(files: &[InputFile<'_>]) -> Scan {
    let mut out = Scan::default();
    // `.tf` files of one directory are one module: variables in one file serve resources in another.
    let mut modules: BTreeMap<&str, input::terraform::TfModule> = BTreeMap::new();
    for file in files {
        let body = match text(file) {
            Ok(t) => t,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let is_json = file.path.to_ascii_lowercase().ends_with(".json");
        let json = if is_json {
            match parse_json(file.path, file.bytes) {
                Ok(v) => Some(v),
                Err(e) => {
                    out.errors.push(e);
                    continue;
                }
            }
        } else {
            None
        };
        let result = match input::classify(file.path, json.as_ref()) {
            FileKind::Terraform => {
                let module = modules.entry(dir_of(file.path)).or_default();
                input::hcl::read_into(module, file.path, body).map(|()| "terraform")
            }
            FileKind::TerraformPlan => {
                let doc = json.as_ref().unwrap_or(&serde_json::Value::Null);
                input::terraform::read_plan(file.path, doc).map(|m| {
                    out.graph.resources.extend(input::terraform::normalise(&m));
                    "terraform-plan"
                })
            }
            FileKind::Other => continue,
        };
        match result {
            Ok(kind) => out.read.push((file.path.to_string(), kind)),
            Err(e) => out.errors.push(e),
        }
    }
    for module in modules.values() {
        out.graph
            .resources
            .extend(input::terraform::normalise(module));
    }
    out.evaluations = checks::evaluate(&out.graph);
    out
}
