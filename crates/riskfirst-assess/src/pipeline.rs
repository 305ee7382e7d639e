//! From the files of an estate to a model ready to assess: load and validate, compile the
//! custom rules, find the threats. One place for it, so that the CLI, the server and the
//! tests see the same diagnostics in the same order.

use riskfirst_model::{Diagnostic, Estate, Options, SourceMap, Sources};
use riskfirst_rules::{analyze, compile_rules, Analysis, CustomRules};

/// A valid estate: the model, its compiled custom rules, and the threats found in it.
pub struct Prepared {
    pub estate: Estate,
    pub custom: CustomRules,
    pub analysis: Analysis,
}

/// Everything opening an estate says: the model's diagnostics and, when the model is valid,
/// those of its custom rules and threat decisions, sorted by file and position.
pub struct Opened {
    /// The estate when nothing in `diagnostics` is an error.
    pub prepared: Option<Prepared>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

impl Opened {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Loads, validates and analyses the estate held by `sources`.
pub fn open(sources: Sources, options: &Options) -> Opened {
    let loaded = riskfirst_model::load(sources, options);
    let mut diagnostics = loaded.diagnostics;
    let Some(estate) = loaded.estate else {
        return Opened {
            prepared: None,
            diagnostics,
            sources: loaded.sources,
        };
    };
    let custom = compile_rules(&estate, &loaded.sources);
    diagnostics.extend(custom.diagnostics.iter().cloned());
    let analysis = analyze(&estate, &custom.rules);
    diagnostics.extend(analysis.diagnostics.iter().cloned());
    riskfirst_model::load::sort_diagnostics(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    let prepared = (!failed).then_some(Prepared {
        estate,
        custom,
        analysis,
    });
    Opened {
        prepared,
        diagnostics,
        sources: loaded.sources,
    }
}
