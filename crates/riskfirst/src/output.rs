//! Terminal output: colour only on a terminal, errors on standard error.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use riskfirst_model::diag::{render, Styles};
use riskfirst_model::{Diagnostic, SourceMap};

use crate::cli::ColorChoice;
use crate::cmd::CliError;

static COLOR: AtomicU8 = AtomicU8::new(0);

pub fn set_color(choice: ColorChoice) {
    let mode = match choice {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    mode.write_global();
    COLOR.store(
        matches!(choice, ColorChoice::Never) as u8,
        Ordering::Relaxed,
    );
}

/// Styles for text written through [`stdout`] or [`stderr`]: they strip
/// the styles themselves when the stream is not a terminal.
pub fn styles() -> Styles {
    if COLOR.load(Ordering::Relaxed) == 1 {
        Styles::default()
    } else {
        Styles::colored()
    }
}

pub fn stdout() -> anstream::AutoStream<std::io::StdoutLock<'static>> {
    anstream::AutoStream::auto(std::io::stdout().lock())
}

pub fn stderr() -> anstream::AutoStream<std::io::StderrLock<'static>> {
    anstream::AutoStream::auto(std::io::stderr().lock())
}

pub fn print_error(e: &CliError) {
    let s = styles();
    let mut err = stderr();
    let _ = writeln!(err, "{} {e}", s.error.paint("error:"));
    if let Some(hint) = e.hint() {
        let _ = writeln!(err, "  {} {hint}", s.hint.paint("help:"));
    }
}

/// Writes diagnostics to standard error, and a summary line.
pub fn print_diagnostics(diagnostics: &[Diagnostic], sources: &SourceMap) -> std::io::Result<()> {
    let s = styles();
    let mut err = stderr();
    for d in diagnostics {
        write!(err, "{}", render(d, sources, &s))?;
        writeln!(err)?;
    }
    Ok(())
}
