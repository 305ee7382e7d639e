//! Files `riskfirst init` writes: a small valid estate whose comments teach the format.
//!
//! The texts live in `templates/init/` so they read (and are checked) as the
//! YAML files they are; `tests/examples.rs` keeps them valid and free of warnings.

/// The files of a new estate: (path relative to the estate directory, content).
/// The root file comes first.
pub const INIT_FILES: &[(&str, &str)] = &[
    (
        "riskfirst.yaml",
        include_str!("../templates/init/riskfirst.yaml"),
    ),
    (
        "systems/example.yaml",
        include_str!("../templates/init/systems/example.yaml"),
    ),
];
