//! The demo estate, embedded at build time from `examples/northwind`.

use std::path::PathBuf;

use riskfirst_model::Sources;

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

/// The demo estate as sources, with paths that read as `northwind/...`.
pub fn sources() -> Sources {
    let mut sources = Sources::default();
    for (path, text) in DEMO_FILES {
        let shown = PathBuf::from("northwind").join(path);
        if riskfirst_model::fs::ROOT_NAMES.contains(path) {
            sources.root = (shown, text.to_string());
        } else if path.starts_with("systems/") {
            sources.systems.push((shown, text.to_string()));
        }
    }
    sources
}
