//! `riskfirst simulate`: a plain portfolio of loss scenarios, for comparison with other tools.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use riskfirst_risk::SimConfig;

use super::{CliError, CmdResult};
use crate::cli::TextOrJson;
use crate::output;

pub fn run(path: &Path, trials: u64, seed: u64, format: TextOrJson) -> CmdResult {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Usage {
        message: format!("cannot read {}: {source}", path.display()),
        hint: None,
    })?;
    let cfg = SimConfig {
        trials,
        seed,
        ..SimConfig::default()
    };
    let stats = riskfirst_risk::portfolio::simulate_scenarios(&text, &cfg).map_err(|e| {
        // The shape of the file helps only when the file is at fault, not the settings.
        let hint = (!matches!(e, riskfirst_risk::RiskError::Config(_))).then(|| {
            "the file holds {\"scenarios\": [{\"id\": \"s1\", \"freq\": 0.1, \"low\": 100000, \"high\": 1000000}]}".into()
        });
        CliError::Usage {
            message: format!("{}: {e}", path.display()),
            hint,
        }
    })?;
    let mut out = output::stdout();
    if format == TextOrJson::Json {
        let value = serde_json::json!({
            "trials": trials,
            "seed": seed,
            "mean": stats.mean,
            "p50": stats.p50,
            "p90": stats.p90,
            "p95": stats.p95,
            "p99": stats.p99,
            "p_any_loss": stats.p_any_loss,
            "std_dev": stats.std_dev,
            "lec": stats.lec,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "annual loss over {trials} simulated years (seed {seed})"
    )?;
    for (name, v) in [
        ("mean", stats.mean),
        ("p50", stats.p50),
        ("p90", stats.p90),
        ("p95", stats.p95),
        ("p99", stats.p99),
    ] {
        writeln!(out, "  {name:<6} {v:>18.0}")?;
    }
    writeln!(out, "  P(any loss in a year) {:.4}", stats.p_any_loss)?;
    Ok(ExitCode::SUCCESS)
}
