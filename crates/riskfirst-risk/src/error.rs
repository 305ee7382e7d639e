//! The crate's typed errors.

use std::fmt;

/// Why the engine refused to run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RiskError {
    /// The portfolio has problems; all of them are listed.
    #[error("invalid portfolio: {}", join(.0))]
    Invalid(Vec<Problem>),
    /// The simulation or plan settings are unusable.
    #[error("invalid settings: {0}")]
    Config(String),
    /// A scenario file is not the expected JSON (the message has line and column).
    #[error("invalid scenario file: {0}")]
    Parse(String),
    /// The caller stopped the simulation (see `sim::Hooks::cancel`).
    #[error("the simulation was cancelled")]
    Cancelled,
}

/// One problem, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// For example "exposure 3 `s003` frequency".
    pub at: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

fn join(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
