//! `riskfirst schema` and `riskfirst technologies`: what the format accepts.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_model::catalog::{PROTOCOLS, TECHNOLOGIES};

use super::CmdResult;
use crate::output;

pub fn schema(output: bool) -> CmdResult {
    let schema = if output {
        riskfirst_assess::output_schema()
    } else {
        riskfirst_model::schema::json_schema()
    };
    writeln!(
        output::stdout(),
        "{}",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn technologies() -> CmdResult {
    let mut out = output::stdout();
    let s = output::styles();
    writeln!(
        out,
        "{}",
        s.emphasis.paint("technologies (component `technology`)")
    )?;
    for (name, category) in TECHNOLOGIES {
        // The category's name in words (`WebApplication` → `web application`).
        let mut words = String::new();
        for c in format!("{category:?}").chars() {
            if c.is_ascii_uppercase() && !words.is_empty() {
                words.push(' ');
            }
            words.push(c.to_ascii_lowercase());
        }
        writeln!(out, "  {name:<22} {words}")?;
    }
    writeln!(out, "\n{}", s.emphasis.paint("protocols (flow `protocol`)"))?;
    for (name, encrypted) in PROTOCOLS {
        let enc = if *encrypted {
            "encrypted by default"
        } else {
            "plaintext unless `tls: true`"
        };
        writeln!(out, "  {name:<22} {enc}")?;
    }
    Ok(ExitCode::SUCCESS)
}
