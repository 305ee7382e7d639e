//! A revision's files as an assessed estate: what every page reads, computed once per
//! revision and kept in memory (`Cache`). Pure: no IO, no SQL.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use riskfirst_assess::{Assessment, Built};
use riskfirst_model::diag::{render, Styles};
use riskfirst_model::fs::{discover, MemorySource};
use riskfirst_model::{Date, Estate, Options};
use riskfirst_rules::Analysis;

/// The most files and bytes a revision may hold (an upload or an API body).
pub const MAX_FILES: usize = 10_000;
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// An estate at one revision, assessed.
pub struct Snapshot {
    pub revision: i64,
    pub estate: Estate,
    pub analysis: Analysis,
    pub built: Built,
    pub assessment: Assessment,
    /// The warnings of opening it, rendered as the CLI renders them.
    pub warnings: Vec<String>,
}

/// The model of some files, or every diagnostic that says why it is not valid.
pub struct Opened {
    pub estate: Estate,
    pub analysis: Analysis,
    pub warnings: Vec<String>,
}

/// Checks `files` (path relative to the estate root → text) the way the CLI checks a
/// directory: the same discovery, limits, containment and diagnostics.
pub fn open(files: &[(String, String)], today: Date) -> Result<Opened, Vec<String>> {
    if files.len() > MAX_FILES {
        return Err(vec![format!(
            "the estate has {} files; at most {MAX_FILES} are accepted",
            files.len()
        )]);
    }
    let bytes: usize = files.iter().map(|(p, t)| p.len() + t.len()).sum();
    if bytes > MAX_BYTES {
        return Err(vec![format!(
            "the estate is {bytes} bytes; at most {MAX_BYTES} are accepted"
        )]);
    }
    let options = Options {
        today: Some(today),
        ..Options::default()
    };
    let source = MemorySource::new(
        "estate",
        files
            .iter()
            .map(|(p, t)| (p.clone(), t.as_bytes().to_vec())),
    )
    .map_err(|e| vec![e.to_string()])?;
    let sources = discover(&source, &options.limits).map_err(|e| vec![e.to_string()])?;
    let opened = riskfirst_assess::pipeline::open(sources, &options);
    let styles = Styles::default();
    let rendered: Vec<(bool, String)> = opened
        .diagnostics
        .iter()
        .map(|d| (d.is_error(), render(d, &opened.sources, &styles)))
        .collect();
    match opened.prepared {
        Some(p) => Ok(Opened {
            estate: p.estate,
            analysis: p.analysis,
            warnings: rendered.into_iter().map(|(_, r)| r).collect(),
        }),
        None => Err(rendered
            .into_iter()
            .filter(|(error, _)| *error)
            .map(|(_, r)| r)
            .collect()),
    }
}

/// Assesses opened files (the job an instance runs for a new revision).
pub fn assess(opened: &Opened, today: Date) -> Result<Assessment, String> {
    let cfg = riskfirst_assess::AssessConfig {
        today: Some(today),
        ..Default::default()
    };
    riskfirst_assess::assess(&opened.estate, &opened.analysis, &cfg, None)
        .map_err(|e| e.to_string())
}

/// The snapshot of a revision from its files and its stored assessment.
pub fn snapshot(
    revision: i64,
    files: &[(String, String)],
    assessment: Assessment,
    today: Date,
) -> Result<Snapshot, String> {
    let opened = open(files, today).map_err(|e| e.join("\n"))?;
    let built = riskfirst_assess::build(&opened.estate, &opened.analysis);
    Ok(Snapshot {
        revision,
        estate: opened.estate,
        analysis: opened.analysis,
        built,
        assessment,
        warnings: opened.warnings,
    })
}

/// The last few snapshots, by revision; each instance has its own.
#[derive(Default)]
pub struct Cache {
    inner: Mutex<BTreeMap<i64, Arc<Snapshot>>>,
}

/// How many revisions an instance keeps assessed in memory.
const KEEP: usize = 4;

impl Cache {
    pub fn get(&self, revision: i64) -> Option<Arc<Snapshot>> {
        self.inner.lock().ok()?.get(&revision).cloned()
    }

    pub fn put(&self, snapshot: Arc<Snapshot>) {
        if let Ok(mut map) = self.inner.lock() {
            map.insert(snapshot.revision, snapshot);
            while map.len() > KEEP {
                let oldest = *map.keys().next().expect("not empty");
                map.remove(&oldest);
            }
        }
    }
}

/// The day acceptances are judged against: `RISKFIRST_TODAY` when set, else the clock.
pub fn today() -> Date {
    Date::today(
        std::env::var("RISKFIRST_TODAY").ok().as_deref(),
        crate::db::now_ms().div_euclid(1000),
    )
}
