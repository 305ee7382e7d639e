//! Renderers of a finished assessment: SARIF for code scanning, exports to issue trackers.
//!
//! They format an [`riskfirst_assess::Assessment`] (and the estate it came from) and
//! compute nothing of their own.

pub mod export;
pub mod sarif;
