//! `riskfirst rules` and `riskfirst rules explain CODE`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use riskfirst_rules::{rule_catalog, rule_doc, CompiledRule};

use super::{open_or_report, CliError, CmdResult};
use crate::cli::{EstateArgs, TextOrJson};
use crate::output;

/// The custom rules of an estate, when one is named.
fn custom_rules(estate: Option<&Path>) -> Result<Result<Vec<CompiledRule>, ExitCode>, CliError> {
    let Some(path) = estate else {
        return Ok(Ok(Vec::new()));
    };
    let args = EstateArgs {
        path: path.to_path_buf(),
        demo: false,
    };
    Ok(open_or_report(&args)?.map(|c| c.custom.rules))
}

pub fn list(format: TextOrJson, estate: Option<&Path>) -> CmdResult {
    let custom = match custom_rules(estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let catalog = rule_catalog(&custom);
    let mut out = output::stdout();
    if format == TextOrJson::Json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&catalog).unwrap_or_default()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let s = output::styles();
    let mut current = None;
    for r in &catalog {
        let heading = if r.custom {
            "custom".to_string()
        } else {
            r.stride.name().to_string()
        };
        if current.as_ref() != Some(&heading) {
            writeln!(
                out,
                "{}{}",
                if current.is_some() { "\n" } else { "" },
                s.emphasis.paint(&heading)
            )?;
            current = Some(heading);
        }
        let cwe = r
            .cwe
            .first()
            .map(|c| format!("CWE-{c}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {}  {:<40} {:<9} {}",
            s.hint.paint(&r.code),
            r.name,
            cwe,
            r.summary
        )?;
    }
    writeln!(
        out,
        "\n{} rules; `riskfirst rules explain CODE` shows one",
        catalog.len()
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn explain(code: &str, estate: Option<&Path>) -> CmdResult {
    let custom = match custom_rules(estate)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    // Codes are upper case; `rules explain i001` means `I001`.
    let doc = rule_doc(code, &custom).or_else(|| rule_doc(&code.to_ascii_uppercase(), &custom));
    match doc {
        Some(doc) => {
            writeln!(output::stdout(), "{}", doc.trim_end())?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let codes: Vec<String> = rule_catalog(&custom).into_iter().map(|r| r.code).collect();
            let hint = riskfirst_model::diag::closest(code, codes.iter().map(String::as_str))
                .map(|c| format!("did you mean `{c}`? `riskfirst rules` lists them all"))
                .unwrap_or_else(|| "`riskfirst rules` lists them all".into());
            Err(CliError::Usage {
                message: format!("no rule has the code `{code}`"),
                hint: Some(hint),
            })
        }
    }
}
