//! Assessment jobs: one per revision, queued in the database with the revision, run by
//! whichever instance claims it first. A request never waits on one.

use std::time::Duration;

use crate::error::AppError;
use crate::{estate, AppState};

/// A job claimed this long ago and not finished is taken to have died with its instance.
pub const STALE_MS: i64 = 10 * 60 * 1000;

/// Runs jobs as they come, for as long as the server runs.
pub async fn run(state: AppState) {
    loop {
        match run_once(&state).await {
            Ok(true) => {}
            Ok(false) => tokio::time::sleep(Duration::from_millis(250)).await,
            Err(e) => {
                eprintln!("riskfirst serve: assessment job: {e}");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
}

/// Claims and runs one job; false when there was none.
pub async fn run_once(state: &AppState) -> Result<bool, AppError> {
    let Some(revision) = state.db.claim_job(&state.instance, STALE_MS).await? else {
        return Ok(false);
    };
    let files = state.db.files(revision).await?;
    let today = estate::today();
    let result = tokio::task::spawn_blocking(move || -> Result<(String, f64, f64), String> {
        let opened = estate::open(&files, today).map_err(|e| e.join("\n"))?;
        let assessment = estate::assess(&opened, today)?;
        let org = &assessment.organisation.annual_loss.current;
        let json = serde_json::to_string(&assessment).map_err(|e| e.to_string())?;
        Ok((json, org.mean, org.p90))
    })
    .await
    .map_err(|e| AppError::Internal(format!("the assessment stopped: {e}")))?;
    state.db.finish_job(revision, result).await?;
    Ok(true)
}

/// Runs every queued job (tests, and `serve --demo` before it opens the door).
pub async fn drain(state: &AppState) -> Result<(), AppError> {
    while run_once(state).await? {}
    Ok(())
}
