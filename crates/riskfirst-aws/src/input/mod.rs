//! The readers of each kind of evidence, and [`classify`], which decides from a file's
//! name (and for JSON its top-level keys) which reader gets it.

pub mod hcl;
pub mod terraform;

use serde_json::Value;

/// What a file is, as far as the scan is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A raw Terraform file (`.tf`); the files of one directory make one module.
    Terraform,
    /// `terraform show -json` output.
    TerraformPlan,
    /// A file the scan does not read (a README, a script).
    Other,
}

/// By extension first; a `.json` file by its top-level keys.
pub fn classify(path: &str, json: Option<&Value>) -> FileKind {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        return FileKind::Terraform;
    }
    if let Some(doc) = json {
        if doc.get("planned_values").is_some() && doc.get("format_version").is_some() {
            return FileKind::TerraformPlan;
        }
    }
    FileKind::Other
}
