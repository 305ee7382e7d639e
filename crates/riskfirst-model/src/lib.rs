//! The riskfirst estate format: parse, validate and explain what is wrong.
//!
//! Knows nothing of rules, risk, HTTP or SQL. Input is text (see [`fs`] for
//! reading files), output is a validated [`Estate`] or diagnostics that point
//! at file, line and column.

pub mod amount;
pub mod catalog;
mod date;
mod de;
pub mod diag;
pub mod emit;
pub mod estate;
pub mod format;
pub mod fs;
pub mod generate;
pub mod limits;
pub mod load;
pub mod node;
pub mod schema;
mod span;
pub mod templates;
pub mod text;
mod validate;

pub use validate::{id_problem, rule_code_problem};

pub use date::Date;
pub use diag::{Diagnostic, Severity, SourceMap};
pub use estate::*;
pub use load::{load, Loaded, Options, Sources};
pub use span::{FileId, Span, Spanned};
