//! Converters between riskfirst estates and other threat modelling formats.
//!
//! Sans-IO: bytes and a file name in, format values ([`RootFile`], [`SystemFile`]) and an
//! [`ImportReport`] out; the binary reads and writes the files. Each format is one module
//! and one line of [`FORMATS`], and every importer builds through [`build::Draft`], so
//! they guess alike and report alike.

pub mod build;
mod found;
pub mod otm;
mod read;
pub mod report;
pub mod threagile;
pub mod threat_composer;
pub mod threat_dragon;
pub mod threatcl;
pub mod tmbom;

use riskfirst_model::format::{RootFile, SystemFile};
use riskfirst_model::generate::{render_files, Syntax};
use riskfirst_model::{Date, Estate, Spanned};

pub use found::found;
pub use report::{Entry, ImportReport, Outcome, Pos};

/// What an import gives: an estate (a root and one system per model) and the report.
#[derive(Clone, Debug)]
pub struct Imported {
    pub root: RootFile,
    pub systems: Vec<SystemFile>,
    pub report: ImportReport,
}

impl Imported {
    /// The estate's files as YAML: `(path relative to the estate directory, text)`. A root
    /// that lists its system files (as riskfirst's own OTM carries it) lists the ones
    /// written, since every system is written as `systems/ID.yaml`.
    pub fn files(&self) -> Vec<(String, String)> {
        if self.root.systems.is_none() {
            return render_files(&self.root, &self.systems, Syntax::Yaml);
        }
        let mut root = self.root.clone();
        root.systems = Some(
            self.systems
                .iter()
                .map(|s| Spanned::new(format!("systems/{}.yaml", s.system.id.value)))
                .collect(),
        );
        render_files(&root, &self.systems, Syntax::Yaml)
    }
}

/// Why a file could not be imported at all (what could be read but not mapped is in the
/// report instead).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ImportError {
    pub message: String,
    pub pos: Option<Pos>,
    pub hint: Option<String>,
}

impl ImportError {
    pub fn new(message: impl Into<String>) -> Self {
        ImportError {
            message: message.into(),
            pos: None,
            hint: None,
        }
    }

    pub fn at(mut self, pos: Option<Pos>) -> Self {
        self.pos = pos;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Why an estate could not be written in a format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{format} cannot hold {what}")]
    Unsupported { format: &'static str, what: String },
    #[error("there is no system `{0}` in the estate")]
    UnknownSystem(String),
}

/// The largest file an importer reads, in bytes: the estate format's own file limit, so
/// what imports also loads. A front end refuses a larger file before reading it whole.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What importers need beyond the file.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions {
    /// The day acceptances without an expiry are given one from (a year on), so they are
    /// reviewed; the binary passes today.
    pub today: Date,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            today: Date::from_days(0),
        }
    }
}

/// A file to import: its name (for detection by extension) and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

pub type ImportFn = fn(&Input, &ImportOptions) -> Result<Imported, ImportError>;
pub type ExportFn = fn(&Export) -> Result<Vec<u8>, ExportError>;

/// What an export is given: the estate's files and, for the formats that carry riskfirst's
/// threats or draw a diagram, what the analysis found and the layout of the system.
#[derive(Clone, Copy, Debug)]
pub struct Export<'a> {
    pub root: &'a RootFile,
    pub systems: &'a [SystemFile],
    /// The system to write, for formats that hold one system ([`Format::one_system`]).
    pub system: Option<&'a str>,
    /// Every threat of the analysis with its level and money, rule-found ones included;
    /// `None` when the estate was not analysed (then only hand-written threats are written).
    pub found: Option<&'a [Found]>,
    /// riskfirst's layout of `system`; `None` lays the system out on a plain grid.
    pub drawing: Option<&'a Drawing>,
}

impl<'a> Export<'a> {
    /// An export of the files alone, without an analysis or a layout.
    pub fn files(root: &'a RootFile, systems: &'a [SystemFile]) -> Export<'a> {
        Export {
            root,
            systems,
            system: None,
            found: None,
            drawing: None,
        }
    }
}

/// A threat of riskfirst's analysis as the exports write it: found by a rule or written by
/// hand, with riskfirst's level and the business impact in money.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The system it belongs to.
    pub system: String,
    /// Its riskfirst id (`I001@web@orders-db`, or the hand-written threat's id).
    pub id: String,
    /// The code of the rule that found it; `None` for a hand-written threat.
    pub rule: Option<String>,
    pub title: String,
    pub stride: riskfirst_model::format::Stride,
    pub status: riskfirst_model::format::ThreatStatus,
    /// The components and flows it concerns, as the system's file names them (`web`,
    /// `platform/identity-provider` for another system's component), most specific first.
    pub elements: Vec<String>,
    /// riskfirst's level (`high`), its place from the lowest (0), and how many levels there are.
    pub level: String,
    pub level_index: usize,
    pub levels: usize,
    /// What it is: the rule's summary and the facts it found, or the hand-written description.
    pub description: String,
    /// The business impact in words and money: the business risks it reaches with their loss
    /// per event (`Payment card data is stolen (250000 to 12000000 EUR per event)`).
    pub impact: String,
    /// The expected annual loss removed by closing it, in the organisation's currency.
    pub annual_loss: f64,
    /// What riskfirst recommends (`mitigate: ...`).
    pub mitigation: String,
    /// The ids of the controls that act on it.
    pub controls: Vec<String>,
}

impl Found {
    /// riskfirst's level as the three-step severity of other tools: the highest level
    /// `High`, the lowest `Low`, those between `Medium` (one level: `Medium`).
    pub fn severity(&self) -> &'static str {
        if self.levels <= 1 {
            "Medium"
        } else if self.level_index + 1 >= self.levels {
            "High"
        } else if self.level_index == 0 {
            "Low"
        } else {
            "Medium"
        }
    }

    /// riskfirst's figures in one sentence: `riskfirst level high; closing it is worth
    /// 12000 EUR a year.`
    pub fn money(&self, currency: &str) -> String {
        format!(
            "riskfirst level {}; closing it is worth {:.0} {currency} a year.",
            self.level, self.annual_loss
        )
    }
}

/// A rectangle of a diagram, in its units (y down).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Where riskfirst's layout puts the zones, components and flows of one system.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    /// `(zone id, the system that holds the zone or None for the estate's, its box)`.
    pub zones: Vec<(String, Option<String>, Area)>,
    /// `(component as the system's flows name it, its box)`: the system's own components and
    /// those of other systems its flows reach.
    pub nodes: Vec<(String, Area)>,
    /// `(flow id, the points the line passes between its ends)`.
    pub edges: Vec<(String, Vec<(f64, f64)>)>,
}

/// One format: its name on the command line, how to recognise it, and its converters.
pub struct Format {
    pub name: &'static str,
    /// Shown by `--help` and in docs/interop.md.
    pub title: &'static str,
    /// The extension of an exported file, without the dot.
    pub extension: &'static str,
    /// Whether the file is in this format, from its name and its first bytes.
    pub detect: fn(&Input) -> bool,
    pub import: Option<ImportFn>,
    pub export: Option<ExportFn>,
    /// The export holds one system, named with `--system`.
    pub one_system: bool,
    /// The export carries riskfirst's threats (rule-found ones too), so it needs the analysis.
    pub analysed: bool,
}

/// Every format, in the order detection tries them.
pub const FORMATS: &[Format] = &[
    Format {
        name: "otm",
        title: "Open Threat Model 0.1 and 0.2 (JSON or YAML)",
        extension: "otm.json",
        detect: otm::detect,
        import: Some(otm::import),
        export: Some(otm::export_estate),
        one_system: false,
        analysed: false,
    },
    Format {
        name: "threat-dragon",
        title: "OWASP Threat Dragon v2 (JSON)",
        extension: "json",
        detect: threat_dragon::detect,
        import: Some(threat_dragon::import),
        export: Some(threat_dragon::export),
        one_system: true,
        analysed: true,
    },
    Format {
        name: "threagile",
        title: "Threagile model (YAML, format v1)",
        extension: "yaml",
        detect: threagile::detect,
        import: Some(threagile::import),
        export: None,
        one_system: false,
        analysed: false,
    },
    Format {
        name: "threat-composer",
        title: "AWS Threat Composer (.tc.json, schema 1)",
        extension: "tc.json",
        detect: threat_composer::detect,
        import: Some(threat_composer::import),
        export: Some(threat_composer::export_estate),
        one_system: false,
        analysed: true,
    },
    Format {
        name: "tmbom",
        title: "OWASP TM-BOM (CycloneDX 1.6 threat model, JSON)",
        extension: "cdx.json",
        detect: tmbom::detect,
        import: Some(tmbom::import),
        export: None,
        one_system: false,
        analysed: false,
    },
    Format {
        name: "threatcl",
        title: "threatcl HCL (spec 0.x)",
        extension: "hcl",
        detect: threatcl::detect,
        import: Some(threatcl::import),
        export: None,
        one_system: false,
        analysed: false,
    },
];

pub fn format(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The formats a file is in; exactly one when detection is unambiguous.
pub fn detect(input: &Input) -> Vec<&'static Format> {
    FORMATS
        .iter()
        .filter(|f| f.import.is_some() && (f.detect)(input))
        .collect()
}

/// The first bytes of a file as text, for detection: enough to see the top-level keys
/// that name a format without reading a large file whole.
pub(crate) fn head(input: &Input) -> String {
    let end = input.bytes.len().min(64 * 1024);
    String::from_utf8_lossy(&input.bytes[..end]).into_owned()
}

/// The format values of a loaded estate, as its files hold them (the input of an export).
pub fn files_of(estate: &Estate) -> (RootFile, Vec<SystemFile>) {
    (estate.root.clone(), estate.system_files())
}

/// Pretty JSON whose strings hold no character that a YAML reader takes for a line break
/// or a byte order mark (NEL, the C1 controls, U+2028, U+2029, U+FEFF): those are
/// escaped, so every importer (which reads JSON as YAML, for positions) reads back the
/// same text.
pub(crate) fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if matches!(
            c,
            '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        ) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out.into_bytes()
}
