//! `riskfirst serve`: the web app and its JSON API.
//!
//! The only crate with async, HTTP and SQL. The estate is stored as revisions of the
//! same files the CLI reads ([`db`]); each revision is assessed once, by a job that any
//! instance may run ([`jobs`]), and pages read the stored assessment ([`estate::Cache`]),
//! so no request waits on a simulation. Every route is declared once in [`routes`] with
//! the access it needs; [`error::AppError`] is the one error type and maps to HTTP.

pub mod auth;
pub mod db;
pub mod error;
pub mod estate;
pub mod forms;
mod handlers;
pub mod jobs;
pub mod openapi;
mod pages;
pub mod routes;
pub mod seed;

use std::sync::Arc;

use axum::http::{HeaderMap, Uri};
use axum::Router;

pub use error::AppError;

/// What an instance needs to answer requests; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub cache: Arc<estate::Cache>,
    /// Whether the site is served over TLS (cookies get `Secure` and `__Host-`).
    pub tls: bool,
    /// This instance's name in the jobs table.
    pub instance: String,
}

impl AppState {
    pub fn new(db: db::Db, tls: bool) -> Result<AppState, AppError> {
        Ok(AppState {
            db,
            cache: Arc::new(estate::Cache::default()),
            tls,
            instance: format!("instance-{}", auth::random_hex(6)?),
        })
    }
}

/// The whole app as a router, to serve or to drive without a socket in tests.
pub fn app(state: AppState) -> Router {
    routes::build(state)
}

/// Whether a request wants JSON: the API's paths, or an `Accept` of JSON.
pub fn want(uri: &Uri, headers: &HeaderMap) -> error::Want {
    let json_accept = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if uri.path().starts_with("/api/") || json_accept {
        error::Want::Json
    } else {
        error::Want::Page
    }
}

/// How `riskfirst serve` was asked to run.
pub struct Config {
    pub database: String,
    pub listen: String,
    pub tls: bool,
    /// Run assessment jobs in this instance (every instance does by default).
    pub worker: bool,
}

/// Serves until interrupted (Ctrl-C or SIGTERM), finishing the requests in flight.
pub async fn serve(config: Config, state: AppState) -> Result<(), AppError> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| AppError::Config(format!("cannot listen on {}: {e}", config.listen)))?;
    if config.worker {
        tokio::spawn(jobs::run(state.clone()));
    }
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| AppError::Internal(format!("the server stopped: {e}")))
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
