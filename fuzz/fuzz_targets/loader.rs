//! The YAML/JSON loader: both readers, then the whole load (deserialising and
//! validation) with the input as a system file and as the root file. Any
//! input must give a tree or an error, never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use riskfirst_model::node::{self, Limits};
use riskfirst_model::{load, FileId, Options, Sources};
use riskfirst_rules::testing::{SNIPPET_HEADER, SNIPPET_ROOT};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::default();
    let _ = node::parse(text, FileId(0), &limits);
    let _ = node::parse_full(text, FileId(0), &limits);
    // As a system file of a valid estate, and after a valid header.
    for system in [text.to_string(), format!("{SNIPPET_HEADER}{text}")] {
        let loaded = load(
            Sources {
                root: ("riskfirst.yaml".into(), SNIPPET_ROOT.into()),
                systems: vec![("systems/x.yaml".into(), system)],
            },
            &Options::default(),
        );
        for d in &loaded.diagnostics {
            let _ = riskfirst_model::diag::render(d, &loaded.sources, &Default::default());
        }
    }
    // As the root file.
    let _ = load(
        Sources {
            root: ("riskfirst.yaml".into(), text.into()),
            systems: Vec::new(),
        },
        &Options::default(),
    );
});
