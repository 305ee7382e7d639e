//! `riskfirst serve`: starts the web app (crates/riskfirst-server) on a tokio runtime.

use std::io::Write;
use std::process::ExitCode;

use riskfirst_server::{seed, AppState, Config};

use super::{CliError, CmdResult};
use crate::output;

fn server_error(e: riskfirst_server::AppError) -> CliError {
    CliError::Usage {
        message: e.to_string(),
        hint: None,
    }
}

pub fn run(database: String, listen: String, demo: bool, tls: bool, worker: bool) -> CmdResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Internal(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let db = riskfirst_server::db::Db::open(&database)
            .await
            .map_err(server_error)?;
        let state = AppState::new(db, tls).map_err(server_error)?;
        let mut out = output::stderr();
        if demo {
            let password = std::env::var("RISKFIRST_DEMO_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
                .map_or_else(|| riskfirst_server::auth::random_hex(8), Ok)
                .map_err(server_error)?;
            let files: Vec<(String, String)> = crate::demo::DEMO_FILES
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect();
            if seed::demo(&state, &files, &password).await.map_err(server_error)? {
                writeln!(out, "loaded the demo estate (Northwind Payments) and its people; assessing it…")?;
                riskfirst_server::jobs::drain(&state).await.map_err(server_error)?;
                writeln!(out, "sign in as any of these, with the password {password}:")?;
                for p in seed::DEMO_PEOPLE {
                    let teams: Vec<String> = p.teams.iter().map(|(t, r)| format!("{r} of {t}")).collect();
                    writeln!(
                        out,
                        "  {:<8} {}, {}{}{}",
                        p.username,
                        p.name,
                        p.role,
                        if p.title.is_empty() { String::new() } else { format!(", {}", p.title) },
                        if teams.is_empty() { String::new() } else { format!(", {}", teams.join(", ")) },
                    )?;
                }
            } else {
                writeln!(out, "the database already holds an estate or accounts: --demo loads nothing, sign in as before")?;
            }
        } else if let Some(password) = seed::first_admin(&state).await.map_err(server_error)? {
            writeln!(out, "created the account `admin` with the password {password}; it is shown only now")?;
        }
        writeln!(out, "riskfirst serve: http://{listen}/ (database {database}); Ctrl-C stops it")?;
        let config = Config {
            database,
            listen,
            tls,
            worker,
        };
        riskfirst_server::serve(config, state).await.map_err(server_error)?;
        Ok(ExitCode::SUCCESS)
    })
}
