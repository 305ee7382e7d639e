//! Every route, declared once with the access it needs. The router is built from this
//! table, and the authorisation tests iterate the same table, so a route cannot exist
//! without an access rule.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter};
use axum::Router;

use crate::auth::{principal, Via};
use crate::error::{AppError, Shown};
use crate::handlers as h;
use crate::AppState;

/// Who may call a route. Rules that depend on the object (the team that owns a system,
/// the owner of a business risk) are checked again by the handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    Signed,
    /// Admin, security and executives.
    Oversight,
    /// A change to a system: admin, security, or an owner or member of the system's team.
    EditSystem,
    /// A decision on a request: the owner of the business risk it concerns.
    RiskOwner,
    /// Replacing the whole estate: admin and security.
    ReplaceEstate,
    /// Admin only.
    Admin,
}

/// One route of the table.
#[derive(Clone, Debug)]
pub struct Spec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

struct Builder {
    router: Router<AppState>,
    specs: Vec<Spec>,
    /// `None` when only the specs are wanted.
    state: Option<AppState>,
}

impl Builder {
    fn add<H, T>(mut self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = if method == Method::GET {
            MethodFilter::GET
        } else {
            MethodFilter::POST
        };
        if let Some(state) = &self.state {
            let guarded = on(filter, handler).route_layer(middleware::from_fn_with_state(
                (state.clone(), access),
                guard,
            ));
            self.router = self.router.route(path, guarded);
        }
        self.specs.push(Spec {
            method,
            path,
            access,
        });
        self
    }

    fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, access, handler)
    }

    fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, access, handler)
    }
}

fn table(state: Option<AppState>) -> Builder {
    use Access::*;
    Builder {
        router: Router::new(),
        specs: Vec::new(),
        state,
    }
    .get("/login", Public, h::login_form)
    .post("/login", Public, h::login)
    .post("/logout", Signed, h::logout)
    .get("/static/app.css", Public, h::stylesheet)
    .get("/static/live.js", Public, h::live_script)
    .get("/", Signed, h::dashboard)
    .get("/risks/{risk}", Signed, h::business_risk)
    .get("/teams/{team}", Signed, h::team)
    .get("/systems/{system}", Signed, h::system)
    .get("/systems/{system}/diagram.svg", Signed, h::diagram)
    .get("/systems/{system}/edit", EditSystem, h::system_edit)
    .post("/systems/{system}/model/{kind}", EditSystem, h::save_model)
    .post(
        "/systems/{system}/model/{kind}/{id}/delete",
        EditSystem,
        h::delete_model,
    )
    .get("/systems/{system}/threats/{threat}", Signed, h::threat)
    .post(
        "/systems/{system}/threats/{threat}/decision",
        EditSystem,
        h::decide,
    )
    .post(
        "/systems/{system}/threats/{threat}/comments",
        EditSystem,
        h::comment,
    )
    .get("/triage", Signed, h::triage)
    .get("/inbox", Signed, h::inbox)
    .post("/requests/{request}/approve", RiskOwner, h::approve)
    .post("/requests/{request}/reject", RiskOwner, h::reject)
    .get("/plan", Signed, h::plan)
    .get("/revisions", Signed, h::revisions)
    .get("/revisions/{old}/diff/{new}", Signed, h::revision_diff)
    .get("/audit", Oversight, h::audit)
    .get("/admin/users", Admin, h::users)
    .post("/admin/users", Admin, h::create_user)
    .get("/tokens", Signed, h::tokens)
    .post("/tokens", Signed, h::create_token)
    .get("/events", Signed, h::events)
    .get("/api/v1/openapi.json", Public, h::openapi)
    .get("/api/v1/assessment", Signed, h::api_assessment)
    .get("/api/v1/revisions", Signed, h::api_revisions)
    .get("/api/v1/estate", Signed, h::api_estate)
    .post("/api/v1/estate", ReplaceEstate, h::api_push)
    .get("/api/v1/jobs/{revision}", Signed, h::api_job)
}

/// The route table, for tests and the OpenAPI document.
pub fn specs() -> Vec<Spec> {
    table(None).specs
}

pub fn build(state: AppState) -> Router {
    let b = table(Some(state.clone()));
    b.router
        .fallback(|req: Request| async move {
            let want = crate::want(req.uri(), req.headers());
            Shown(AppError::NotFound("there is no such page".into()), want)
        })
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// The largest form body read to find its CSRF token.
const MAX_FORM: usize = 2 * 1024 * 1024;

/// Authenticates the request, applies the route's access rule, and refuses a state
/// change made with a session cookie but without the session's CSRF token.
async fn guard(
    State((state, access)): State<(AppState, Access)>,
    req: Request,
    next: Next,
) -> Response {
    let want = crate::want(req.uri(), req.headers());
    match check(&state, access, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => Shown(e, want).into_response(),
    }
}

async fn check(state: &AppState, access: Access, req: Request) -> Result<Request, AppError> {
    if access == Access::Public {
        return Ok(req);
    }
    let p = principal(state, req.headers())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let allowed = match access {
        Access::Public | Access::Signed | Access::RiskOwner => true,
        Access::Oversight => p.oversees(),
        // The team is known only with the system: the handler checks it.
        Access::EditSystem => p.role != crate::auth::OrgRole::Executive,
        Access::ReplaceEstate => p.can_replace_estate(),
        Access::Admin => p.is_admin(),
    };
    if !allowed {
        return Err(AppError::Forbidden(
            "your role does not allow this page or action".into(),
        ));
    }
    if access == Access::EditSystem {
        // `/systems/{system}/...`: the system's team decides, before the request is read.
        if let Some(system) = req
            .uri()
            .path()
            .strip_prefix("/systems/")
            .and_then(|r| r.split('/').next())
        {
            let snapshot = crate::handlers::current(state).await?;
            let team = crate::handlers::team_of(&snapshot, system)?;
            p.require(
                p.can_edit_team(&team),
                &format!("change the systems of team `{team}`"),
            )?;
        }
    }
    let (mut parts, body) = req.into_parts();
    let mut body = body;
    if parts.method != Method::GET && parts.method != Method::HEAD && p.via == Via::Session {
        let header_token = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let token = match header_token {
            Some(t) => Some(t),
            None if is_form => {
                let bytes = axum::body::to_bytes(body, MAX_FORM)
                    .await
                    .map_err(|_| AppError::BadRequest("the form is too large".into()))?;
                let token = form_urlencoded_value(&bytes, "csrf");
                body = Body::from(bytes);
                token
            }
            None => None,
        };
        if !token.is_some_and(|t| constant_time_eq(t.as_bytes(), p.csrf.as_bytes())) {
            return Err(AppError::Csrf);
        }
    }
    parts.extensions.insert(p);
    Ok(Request::from_parts(parts, body))
}

fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Strict headers on every response: no inline script, no framing, no sniffing.
async fn security_headers(req: Request, next: Next) -> Response {
    let is_svg = req.uri().path().ends_with(".svg");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if is_svg {
        // A diagram is shown through <img>, where nothing in it runs; its own styles apply.
        "default-src 'none'; style-src 'unsafe-inline'"
    } else {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
