//! Terminal output: colour only on a terminal, errors on standard error.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use riskfirst_model::diag::{render, Styles};
use riskfirst_model::text::is_hidden;
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

/// Standard output for text, through [`Clean`]: model text cannot drive the terminal.
pub fn stdout() -> Clean<anstream::AutoStream<std::io::StdoutLock<'static>>> {
    Clean::new(anstream::AutoStream::auto(std::io::stdout().lock()))
}

/// Standard error for text, through [`Clean`].
pub fn stderr() -> Clean<anstream::AutoStream<std::io::StderrLock<'static>>> {
    Clean::new(anstream::AutoStream::auto(std::io::stderr().lock()))
}

/// Standard output for a large JSON document written as it is serialised: buffered and
/// cleaned like [`stdout`], without the colour filter (JSON has no colours).
pub fn json_stdout() -> std::io::BufWriter<Clean<std::io::StdoutLock<'static>>> {
    std::io::BufWriter::with_capacity(1 << 16, Clean::new(std::io::stdout().lock()))
}

/// Standard output for bytes that are not text (a workbook, a PDF): unfiltered.
pub fn raw_stdout() -> std::io::StdoutLock<'static> {
    std::io::stdout().lock()
}

/// Appends `c` as `\uXXXX` (a surrogate pair above U+FFFF): readable in a
/// log, and the same character again inside a JSON string.
fn push_escaped(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        out.push_str(&format!("\\u{unit:04X}"));
    }
}

/// The length of an SGR sequence (`ESC [ 1;31 m`, a colour) at the start of `s`, if it is one.
fn sgr_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("\x1b[")?;
    let params = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (rest.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

/// Text made safe for a terminal or a CI log: control characters other than
/// line feed and tab, escape sequences other than colours, and invisible or
/// reordering characters (see [`is_hidden`]) are written as `\uXXXX`, so
/// model text can neither move the cursor, nor reorder a line, nor hide.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        // Printable ASCII, line feeds and tabs pass as they are, a run at a time.
        let plain = rest
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b) && b != b'\n' && b != b'\t')
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        if c == '\x1b' {
            if let Some(n) = sgr_len(rest) {
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
        }
        // A line ending of CSV (`\r\n`) is kept; a lone carriage return would overwrite the line.
        let crlf = c == '\r' && rest[1..].starts_with('\n');
        if (c.is_control() && c != '\n' && c != '\t' && !crlf) || is_hidden(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A writer that passes text through [`clean`]; bytes that are not UTF-8
/// become U+FFFD (binary output goes through [`raw_stdout`]).
pub struct Clean<W: Write> {
    inner: W,
    /// The start of a character split across two writes.
    pending: Vec<u8>,
}

impl<W: Write> Clean<W> {
    pub fn new(inner: W) -> Self {
        Clean {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for Clean<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        // An incomplete character at the end waits for the next write, and so
        // does a carriage return, which the next write may end as `\r\n`.
        let keep = match std::str::from_utf8(&bytes) {
            Err(e) if e.error_len().is_none() => bytes.len() - e.valid_up_to(),
            _ if bytes.last() == Some(&b'\r') => 1,
            _ => 0,
        };
        let (now, later) = bytes.split_at(bytes.len() - keep);
        self.inner
            .write_all(clean(&String::from_utf8_lossy(now)).as_bytes())?;
        self.pending = later.to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner
            .write_all(clean(&String::from_utf8_lossy(&pending)).as_bytes())?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Clean<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

pub fn print_error(e: &CliError) {
    let s = styles();
    let mut err = stderr();
    let _ = writeln!(err, "{} {e}", s.error.paint("error:"));
    if let Some(hint) = e.hint() {
        let _ = writeln!(err, "  {} {hint}", s.hint.paint("help:"));
    }
}

/// The most diagnostics shown for one file, and in all, before "and N more".
pub const MAX_SHOWN_PER_FILE: usize = 50;
pub const MAX_SHOWN: usize = 200;

/// Writes diagnostics to standard error, at most [`MAX_SHOWN_PER_FILE`] of
/// one file and [`MAX_SHOWN`] in all, then how many more there are.
pub fn print_diagnostics(diagnostics: &[Diagnostic], sources: &SourceMap) -> std::io::Result<()> {
    let s = styles();
    let mut err = std::io::BufWriter::new(stderr());
    let mut per_file: std::collections::HashMap<riskfirst_model::FileId, usize> =
        std::collections::HashMap::new();
    let mut shown = 0;
    let mut hidden = 0;
    for d in diagnostics {
        let n = per_file.entry(d.span.file).or_default();
        if *n >= MAX_SHOWN_PER_FILE || shown >= MAX_SHOWN {
            hidden += 1;
            continue;
        }
        *n += 1;
        shown += 1;
        write!(err, "{}", render(d, sources, &s))?;
        writeln!(err)?;
    }
    if hidden > 0 {
        writeln!(
            err,
            "{} and {hidden} more (at most {MAX_SHOWN_PER_FILE} are shown per file, {MAX_SHOWN} in all; `riskfirst validate --format json` lists every one)\n",
            s.warning.paint("...")
        )?;
    }
    err.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_what_could_drive_or_fool_a_terminal() {
        assert_eq!(
            clean("plain text, é, 東京\n\tnext"),
            "plain text, é, 東京\n\tnext"
        );
        assert_eq!(clean("\x1b[1;31merror\x1b[0m"), "\x1b[1;31merror\x1b[0m");
        assert_eq!(clean("a\x1b[2Jb"), "a\\u001B[2Jb");
        assert_eq!(clean("a\rcheck passed"), "a\\u000Dcheck passed");
        assert_eq!(clean("row\r\nrow"), "row\r\nrow");
        assert_eq!(clean("exe\u{202E}gnp"), "exe\\u202Egnp");
        assert_eq!(clean("a\u{200B}b\u{FEFF}"), "a\\u200Bb\\uFEFF");
        assert_eq!(clean("tag\u{E0041}"), "tag\\uDB40\\uDC41");
        assert_eq!(clean("c1\u{0085}"), "c1\\u0085");
    }

    #[test]
    fn the_writer_cleans_across_writes() {
        let mut out = Clean::new(Vec::new());
        let text = "ok \u{202E} ok\r";
        let bytes = text.as_bytes();
        // Split inside the three bytes of U+202E, and before the line feed of `\r\n`.
        out.write_all(&bytes[..4]).expect("write");
        out.write_all(&bytes[4..]).expect("write");
        out.write_all(b"\nend\r").expect("write");
        out.flush().expect("flush");
        let inner = std::mem::take(&mut out.inner);
        assert_eq!(
            String::from_utf8(inner).expect("UTF-8"),
            "ok \\u202E ok\r\nend\\u000D"
        );
    }
}
