//! What every importer's fuzz target checks: any bytes end in an import or a clear
//! error, never a panic or a hang; an import that succeeds writes an estate that loads
//! without errors (the CLI calls anything else a fault of riskfirst).

use riskfirst_interop::{ImportOptions, Input};
use riskfirst_model::{Options, Sources};

pub fn check(format: &str, data: &[u8]) {
    let import = riskfirst_interop::format(format)
        .and_then(|f| f.import)
        .expect("a registered importer");
    let input = Input {
        name: "fuzz",
        bytes: data,
    };
    let Ok(imported) = import(&input, &ImportOptions::default()) else {
        return;
    };
    let files = imported.files();
    let Some(((root_path, root_text), systems)) = files.split_first() else {
        panic!("an import wrote no files");
    };
    let sources = Sources {
        root: (root_path.into(), root_text.clone()),
        systems: systems
            .iter()
            .map(|(p, t)| (p.into(), t.clone()))
            .collect(),
    };
    let loaded = riskfirst_model::load(sources, &Options::default());
    if loaded.estate.is_none() {
        let errors: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        panic!("an import wrote an invalid estate: {}", errors.join("; "));
    }
}
