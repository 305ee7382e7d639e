//! `riskfirst validate`: every problem at once, compiler style.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::{open, CmdResult};
use crate::cli::{EstateArgs, TextOrJson};
use crate::output;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: riskfirst_model::Severity,
    message: &'a str,
    file: String,
    line: u32,
    column: u32,
    hint: Option<&'a str>,
}

pub fn run(args: &EstateArgs, format: TextOrJson) -> CmdResult {
    let loaded = open(args)?;
    let code = if loaded.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if format == TextOrJson::Json {
        let diagnostics: Vec<JsonDiagnostic> = loaded
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                file: loaded.sources.path(d.span),
                line: d.span.line,
                column: d.span.col,
                hint: d.hint.as_deref(),
            })
            .collect();
        let value = serde_json::json!({
            "valid": loaded.errors() == 0,
            "errors": loaded.errors(),
            "warnings": loaded.warnings(),
            "diagnostics": diagnostics,
        });
        writeln!(
            output::stdout(),
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )?;
        return Ok(code);
    }
    output::print_diagnostics(&loaded.diagnostics, &loaded.sources)?;
    let s = output::styles();
    let mut out = output::stdout();
    let warnings = match loaded.warnings() {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    match loaded.prepared.as_ref().map(|c| &c.estate) {
        Some(e) => writeln!(
            out,
            "{} {}, {}, {}, {}, {}{warnings}",
            s.hint.paint("valid:"),
            count(e.systems.len(), "system", "systems"),
            count(e.components.len(), "component", "components"),
            count(e.flows.len(), "flow", "flows"),
            count(e.data.len(), "data asset", "data assets"),
            count(e.business_risks.len(), "business risk", "business risks")
        )?,
        None => writeln!(
            out,
            "{} {} error{}{warnings}",
            s.error.paint("invalid:"),
            loaded.errors(),
            if loaded.errors() == 1 { "" } else { "s" }
        )?,
    }
    Ok(code)
}

/// `1 system`, `2 systems`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
