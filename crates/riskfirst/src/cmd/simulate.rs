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
    unknown_keys(&text).map_err(|(message, hint)| CliError::Usage {
        message: format!("{}: {message}", path.display()),
        hint: Some(hint),
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

/// The keys a scenario file may hold: those read, then those accepted and not read (the
/// peer benchmark's PERT parameters and a description).
const FILE_KEYS: &[&str] = &["scenarios", "description"];
const SCENARIO_KEYS: &[&str] = &["id", "freq", "low", "high", "lef_pert", "lm_pert"];

/// The first key the simulation would silently skip (a typo such as `frq` would leave
/// the scenario without its rate): (message, hint). Text that is not JSON is left to the
/// parser, which says where.
fn unknown_keys(text: &str) -> Result<(), (String, String)> {
    let Ok(serde_json::Value::Object(file)) = serde_json::from_str(text) else {
        return Ok(());
    };
    let refuse = |key: &str, place: String, known: &[&str]| {
        let list = known.join(", ");
        let hint = match riskfirst_model::diag::closest(key, known.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? the keys are: {list}"),
            None => format!("the keys are: {list}"),
        };
        Err((format!("unknown key `{key}` {place}"), hint))
    };
    if let Some(key) = file.keys().find(|k| !FILE_KEYS.contains(&k.as_str())) {
        return refuse(key, "at the top of the file".into(), FILE_KEYS);
    }
    let scenarios = file.get("scenarios").and_then(serde_json::Value::as_array);
    for (i, scenario) in scenarios.into_iter().flatten().enumerate() {
        let Some(fields) = scenario.as_object() else {
            continue;
        };
        if let Some(key) = fields.keys().find(|k| !SCENARIO_KEYS.contains(&k.as_str())) {
            let id = fields
                .get("id")
                .and_then(serde_json::Value::as_str)
                .map(|id| format!(" (`{id}`)"))
                .unwrap_or_default();
            return refuse(key, format!("in scenarios[{i}]{id}"), SCENARIO_KEYS);
        }
    }
    Ok(())
}
