//! The one error type of the server, and how each kind maps to HTTP.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in (pages redirect to the login form; the API answers 401).
    #[error("sign in first")]
    Unauthenticated,
    /// Signed in, but the role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// A state-changing request without the session's CSRF token.
    #[error("the form is out of date or came from another site: reload the page and try again")]
    Csrf,
    /// The request is malformed or the model it would make is invalid.
    #[error("{0}")]
    BadRequest(String),
    /// The estate a change would make is not valid: every error, rendered as the CLI does.
    #[error("the estate would not be valid:\n{}", .0.join("\n"))]
    Invalid(Vec<String>),
    /// The save was made on a revision that is no longer the latest.
    #[error("revision {base} is no longer the latest (the latest is {head}): reload, redo the change, and save again")]
    Stale { base: i64, head: i64 },
    #[error("too many failed sign-ins for this account: wait {0} seconds and try again")]
    Throttled(u64),
    /// The assessment of the latest revision is still being computed.
    #[error(
        "the assessment of revision {0} is being computed; this page refreshes when it is ready"
    )]
    Pending(i64),
    #[error("{0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) | AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Stale { .. } => StatusCode::CONFLICT,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Pending(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Config(_) | AppError::Database(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

/// Whether the client asked for JSON (the API) rather than a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    Page,
    Json,
}

/// An error with how to show it.
pub struct Shown(pub AppError, pub Want);

impl IntoResponse for Shown {
    fn into_response(self) -> Response {
        let Shown(e, want) = self;
        let status = e.status();
        if status.is_server_error() && !matches!(e, AppError::Pending(_)) {
            eprintln!("riskfirst serve: {e}");
        }
        // The details of a server fault stay in the server's log.
        let message = match &e {
            AppError::Database(_) | AppError::Internal(_) => {
                "something went wrong on the server; it has been logged".to_string()
            }
            other => other.to_string(),
        };
        match want {
            Want::Json => {
                let mut body = serde_json::json!({ "error": message, "status": status.as_u16() });
                if let AppError::Stale { base, head } = &e {
                    body["base"] = (*base).into();
                    body["head"] = (*head).into();
                }
                if let AppError::Invalid(list) = &e {
                    body["error"] = "the estate would not be valid".into();
                    body["diagnostics"] = list.clone().into();
                }
                (status, axum::Json(body)).into_response()
            }
            Want::Page => {
                if let AppError::Unauthenticated = e {
                    return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
                }
                let refresh = matches!(e, AppError::Pending(_));
                (
                    status,
                    axum::response::Html(
                        crate::pages::error_page(status, &message, refresh).into_string(),
                    ),
                )
                    .into_response()
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        Shown(self, Want::Page).into_response()
    }
}
