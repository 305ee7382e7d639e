//! Renderers of a finished assessment: the HTML and Markdown reports, the risk register,
//! data-flow diagrams, SARIF for code scanning, exports to issue trackers.
//!
//! They format an [`riskfirst_assess::Assessment`] (and the estate it came from) and
//! compute nothing of their own.

pub mod csv;
pub mod diagram;
pub mod export;
pub mod html;
pub mod markdown;
pub mod register;
pub mod sarif;

use riskfirst_assess::Assessment;
use riskfirst_model::{Date, Estate};
use riskfirst_rules::engine::Analysis;

/// Everything a report is drawn from. `assessment.threats[i]` is `analysis.threats[i]`.
#[derive(Clone, Copy)]
pub struct ReportInput<'a> {
    pub estate: &'a Estate,
    pub analysis: &'a Analysis,
    pub assessment: &'a Assessment,
    /// The remediation plan: the controls not yet in place, in the order a plan with an
    /// unlimited budget picks them (from `riskfirst_risk::plan`), with its frontier.
    pub plan: Option<&'a riskfirst_risk::plan::Plan>,
    /// The day acceptances are judged against.
    pub today: Date,
}

/// The one line a board reader needs when a bad year (p90) is below the expected loss,
/// which reads as a mistake without it; `None` when the bad year is the larger.
pub fn p90_below_mean_note(mean: f64, p90: f64) -> Option<&'static str> {
    (p90 < mean).then_some(
        "A bad year is below the average here because in most years nothing happens: the rare year with a very costly event lifts the average above what nine years in ten stay under.",
    )
}
