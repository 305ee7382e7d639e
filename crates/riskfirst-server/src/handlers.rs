//! The handlers: read the request, check what the route table cannot (the team that owns
//! a system, the owner of a business risk), call the store or the library, render.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use maud::Markup;
use riskfirst_assess::{Assessment, ThreatOut};
use riskfirst_model::format::{SystemFile, ThreatEntry, ThreatStatus};
use riskfirst_model::{Date, Spanned};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, Principal};
use crate::db::{now_ms, Request, Saved};
use crate::error::{AppError, Shown, Want};
use crate::estate::{self, Snapshot};
use crate::forms::{self, Kind};
use crate::pages::{self, seg, Frame};
use crate::AppState;

type Page = Result<Response, AppError>;
type Api = Result<Response, Shown>;

/// The longest an acceptance may run.
pub const MAX_ACCEPTANCE_DAYS: i64 = 365;

fn page(markup: Markup) -> Page {
    Ok(Html(markup.into_string()).into_response())
}

fn api<T>(r: Result<T, AppError>) -> Result<T, Shown> {
    r.map_err(|e| Shown(e, Want::Json))
}

/// The snapshot of a revision: from this instance's cache, else from the stored files
/// and assessment.
async fn snapshot_of(state: &AppState, revision: i64) -> Result<Option<Arc<Snapshot>>, AppError> {
    if let Some(s) = state.cache.get(revision) {
        return Ok(Some(s));
    }
    let Some(json) = state.db.assessment(revision).await? else {
        return Ok(None);
    };
    let files = state.db.files(revision).await?;
    let snapshot = tokio::task::spawn_blocking(move || -> Result<Snapshot, String> {
        let assessment: Assessment = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        estate::snapshot(revision, &files, assessment, estate::today())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::Internal)?;
    let snapshot = Arc::new(snapshot);
    state.cache.put(snapshot.clone());
    Ok(Some(snapshot))
}

/// The newest assessed revision.
pub(crate) async fn current(state: &AppState) -> Result<Arc<Snapshot>, AppError> {
    let Some(revision) = state.db.latest_assessment_number().await? else {
        return match state.db.head().await? {
            Some(head) => match state.db.job(head).await? {
                Some(j) if j.state == "failed" => Err(AppError::Internal(format!(
                    "revision {head} could not be assessed: {}",
                    j.error.unwrap_or_default()
                ))),
                _ => Err(AppError::Pending(head)),
            },
            None => Err(AppError::NotFound(
                "the server holds no estate yet: import one (riskfirst push, or POST /api/v1/estate)".into(),
            )),
        };
    };
    snapshot_of(state, revision)
        .await?
        .ok_or(AppError::Pending(revision))
}

async fn frame<'a>(
    state: &AppState,
    p: &'a Principal,
    shown: Option<i64>,
) -> Result<Frame<'a>, AppError> {
    let head = state.db.head().await?;
    let inbox = state
        .db
        .requests("pending")
        .await?
        .iter()
        .filter(|r| approver_is(p, r))
        .count();
    Ok(Frame {
        principal: Some(p),
        shown,
        head,
        inbox,
    })
}

/// Whether `p` decides request `r`: the business risk's owner, or security when the
/// threat reaches no business risk.
fn approver_is(p: &Principal, r: &Request) -> bool {
    if r.approver == SECURITY_APPROVER {
        return p.can_replace_estate();
    }
    p.owns_risk(&r.approver)
}

const SECURITY_APPROVER: &str = "the security team";

fn find_threat<'a>(s: &'a Snapshot, system: &str, threat: &str) -> Result<&'a ThreatOut, AppError> {
    s.assessment
        .threats
        .iter()
        .find(|t| t.system == system && t.id == threat)
        .ok_or_else(|| AppError::NotFound(format!("system `{system}` has no threat `{threat}`")))
}

pub(crate) fn team_of(s: &Snapshot, system: &str) -> Result<String, AppError> {
    let si = s
        .estate
        .system(system)
        .ok_or_else(|| AppError::NotFound(format!("there is no system `{system}`")))?;
    Ok(s.estate[s.estate[si].owner].id.value.clone())
}

// --- sign-in ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Page {
    if auth::principal(&state, &headers).await?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    page(pages::login(None, false))
}

pub async fn login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Page {
    match auth::sign_in(&state, f.username.trim(), &f.password).await {
        Ok((token, user)) => {
            state
                .db
                .audit(&auth::random_hex(12)?, &user.username, "signed in", "")
                .await?;
            let (name, secure) = if state.tls {
                (auth::COOKIE_TLS, "; Secure")
            } else {
                (auth::COOKIE, "")
            };
            let cookie = format!(
                "{name}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                auth::SESSION_MS / 1000
            );
            let mut res = Redirect::to("/").into_response();
            res.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
            );
            Ok(res)
        }
        Err(e @ (AppError::BadRequest(_) | AppError::Throttled(_))) => {
            let status = if matches!(e, AppError::Throttled(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            Ok((
                status,
                Html(pages::login(Some(&e.to_string()), false).into_string()),
            )
                .into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn logout(State(state): State<AppState>, p: Principal, headers: HeaderMap) -> Page {
    if let Some(token) = auth::session_token(&headers) {
        state.db.delete_session(&auth::token_hash(token)).await?;
    }
    state
        .db
        .audit(&auth::random_hex(12)?, &p.user.username, "signed out", "")
        .await?;
    let name = if state.tls {
        auth::COOKIE_TLS
    } else {
        auth::COOKIE
    };
    let secure = if state.tls { "; Secure" } else { "" };
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "{name}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"
        ))
        .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(res)
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

pub async fn live_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/live.js"),
    )
        .into_response()
}

// --- pages -----------------------------------------------------------------------------

pub async fn dashboard(State(state): State<AppState>, p: Principal) -> Page {
    let s = current(&state).await?;
    let f = frame(&state, &p, Some(s.revision)).await?;
    let trend = state.db.trend(12).await?;
    // What changed since the newest revision at least a week older than the one shown.
    let mut since = None;
    let recent = state.db.revisions(12).await?;
    let shown_at = recent
        .iter()
        .find(|r| r.number == s.revision)
        .map(|r| (r.number, r.created_at));
    if let Some((n, at)) = shown_at {
        if let Some(old) = state
            .db
            .revision_at(at - 7 * 86_400_000)
            .await?
            .filter(|o| *o < n)
        {
            if let Some(o) = snapshot_of(&state, old).await? {
                since = Some((
                    old,
                    riskfirst_assess::diff::diff(&o.assessment, &s.assessment),
                ));
            }
        }
    }
    let today = estate::today();
    let warn = s
        .estate
        .root
        .policy
        .as_ref()
        .and_then(|p| p.warn_days)
        .unwrap_or(30) as i64;
    let mut expiring = Vec::new();
    for t in &s.assessment.threats {
        if let Some(d) = &t.decision {
            if t.status == ThreatStatus::Accepted {
                let left = d
                    .expires
                    .as_deref()
                    .and_then(Date::parse)
                    .map(|e| e.days() - today.days());
                if left.is_none_or(|l| l <= warn) {
                    expiring.push(riskfirst_assess::team::Acceptance {
                        threat: format!("{}:{}", t.system, t.id),
                        approved_by: d.approved_by.clone(),
                        expires: d.expires.clone(),
                        days_left: left,
                        expired: left.is_some_and(|l| l < 0),
                        expiring: true,
                    });
                }
            }
        }
    }
    let view = pages::DashboardView {
        s: &s,
        trend: &trend,
        since,
        expiring,
    };
    page(pages::dashboard(&f, &view))
}

pub async fn business_risk(
    State(state): State<AppState>,
    p: Principal,
    Path(risk): Path<String>,
) -> Page {
    let s = current(&state).await?;
    let f = frame(&state, &p, Some(s.revision)).await?;
    let markup = pages::business_risk(&f, &s, &risk)
        .ok_or_else(|| AppError::NotFound(format!("there is no business risk `{risk}`")))?;
    page(markup)
}

pub async fn team(State(state): State<AppState>, p: Principal, Path(team): Path<String>) -> Page {
    let s = current(&state).await?;
    let view = riskfirst_assess::team::team_view(&s.estate, &s.assessment, &team, estate::today())
        .map_err(|e| AppError::NotFound(e.to_string()))?;
    let pending: Vec<Request> = state
        .db
        .requests("pending")
        .await?
        .into_iter()
        .filter(|r| r.requested_by == p.user.username)
        .collect();
    let f = frame(&state, &p, Some(s.revision)).await?;
    page(pages::team(&f, &s, &view, p.member_of(&team), &pending))
}

#[derive(Deserialize, Default)]
pub struct SystemQuery {
    #[serde(default)]
    level: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    saved: Option<i64>,
}

pub async fn system(
    State(state): State<AppState>,
    p: Principal,
    Path(system): Path<String>,
    Query(q): Query<SystemQuery>,
) -> Page {
    let s = current(&state).await?;
    let team = team_of(&s, &system)?;
    // After a save, what the save changed (once it is assessed).
    let mut changed = None;
    if let Some(n) = q.saved.filter(|n| *n == s.revision && *n > 1) {
        if let Some(old) = snapshot_of(&state, n - 1).await? {
            changed = Some(riskfirst_assess::diff::diff(&old.assessment, &s.assessment));
        }
    }
    let f = frame(&state, &p, Some(s.revision)).await?;
    let filter = pages::Filter {
        level: q.level,
        status: q.status,
        q: q.q,
    };
    let markup = pages::system(
        &f,
        &s,
        &system,
        &filter,
        p.can_edit_team(&team),
        changed.as_ref(),
    )
    .ok_or_else(|| AppError::NotFound(format!("there is no system `{system}`")))?;
    page(markup)
}

pub async fn diagram(
    State(state): State<AppState>,
    _p: Principal,
    Path(system): Path<String>,
) -> Page {
    let s = current(&state).await?;
    let si = s
        .estate
        .system(&system)
        .ok_or_else(|| AppError::NotFound(format!("there is no system `{system}`")))?;
    let marks = riskfirst_report::diagram::Marks::new(&s.estate, &s.analysis, &s.assessment);
    let svg = riskfirst_report::diagram::svg(&s.estate, si, &marks);
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

pub async fn threat(
    State(state): State<AppState>,
    p: Principal,
    Path((system, threat)): Path<(String, String)>,
) -> Page {
    let s = current(&state).await?;
    let t = find_threat(&s, &system, &threat)?;
    let team = team_of(&s, &system)?;
    let ex = riskfirst_assess::explain::explain(
        &s.estate,
        &s.analysis,
        &s.built,
        &format!("{system}:{threat}"),
    )
    .ok()
    .and_then(|mut v| (!v.is_empty()).then(|| v.remove(0)));
    let comments = state.db.comments(&system, &threat).await?;
    let requests = state.db.requests_for(&system, &threat).await?;
    let f = frame(&state, &p, Some(s.revision)).await?;
    page(pages::threat(
        &f,
        &s,
        t,
        ex.as_ref(),
        &comments,
        &requests,
        p.can_edit_team(&team),
    ))
}

#[derive(Deserialize)]
pub struct TriageQuery {
    level: Option<String>,
}

pub async fn triage(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<TriageQuery>,
) -> Page {
    let s = current(&state).await?;
    let levels = &s.assessment.settings.levels;
    let fail_on = s
        .estate
        .root
        .policy
        .as_ref()
        .and_then(|p| p.fail_on.as_ref())
        .map(|l| l.value.clone());
    let level = q
        .level
        .filter(|l| levels.contains(l))
        .or(fail_on)
        .or_else(|| levels.get(levels.len().saturating_sub(2)).cloned())
        .unwrap_or_default();
    let min = levels.iter().position(|l| *l == level).unwrap_or(0);
    let pending: Vec<(String, String)> = state
        .db
        .requests("pending")
        .await?
        .into_iter()
        .map(|r| (r.system, r.threat))
        .collect();
    let mut queue: Vec<&ThreatOut> = s
        .assessment
        .threats
        .iter()
        .filter(|t| t.status == ThreatStatus::Open && t.decision.is_none())
        .filter(|t| levels.iter().position(|l| *l == t.level.level).unwrap_or(0) >= min)
        .filter(|t| {
            !pending
                .iter()
                .any(|(sys, id)| *sys == t.system && *id == t.id)
        })
        .collect();
    queue.sort_by(|x, y| y.current_value().total_cmp(&x.current_value()));
    let f = frame(&state, &p, Some(s.revision)).await?;
    page(pages::triage(&f, &s, &level, &queue))
}

pub async fn inbox(State(state): State<AppState>, p: Principal) -> Page {
    let pending = state.db.requests("pending").await?;
    let to_approve: Vec<Request> = pending
        .iter()
        .filter(|r| approver_is(&p, r))
        .cloned()
        .collect();
    let mine: Vec<Request> = pending
        .iter()
        .filter(|r| r.requested_by == p.user.username)
        .cloned()
        .collect();
    let mut decided = state.db.requests("approved").await?;
    decided.extend(state.db.requests("rejected").await?);
    decided.retain(|r| {
        r.requested_by == p.user.username
            || r.decided_by.as_deref() == Some(p.user.username.as_str())
    });
    let head = state.db.latest_assessment_number().await?;
    let f = frame(&state, &p, head).await?;
    page(pages::inbox(&f, &to_approve, &mine, &decided))
}

#[derive(Deserialize)]
pub struct PlanQuery {
    budget: Option<String>,
}

pub async fn plan(State(state): State<AppState>, p: Principal, Query(q): Query<PlanQuery>) -> Page {
    let s = current(&state).await?;
    let text = q.budget.unwrap_or_else(|| "200k".into());
    let (plan, error) = match riskfirst_model::amount::parse_amount(&text) {
        Err(e) => (None, Some(format!("the budget: {e}"))),
        Ok(budget) => {
            let snap = s.clone();
            let result = tokio::task::spawn_blocking(move || {
                riskfirst_assess::plan(&snap.estate, &snap.analysis, &snap.built, budget, 3.0)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
            match result {
                Ok(p) => (Some(p), None),
                Err(e) => (None, Some(e.to_string())),
            }
        }
    };
    let titles: BTreeMap<String, String> = s
        .assessment
        .controls
        .iter()
        .flat_map(|c| {
            let full = match &c.system {
                Some(sys) => format!("{sys}:{}", c.id),
                None => c.id.clone(),
            };
            [(full, c.title.clone()), (c.id.clone(), c.title.clone())]
        })
        .collect();
    let names = |key: &str| titles.get(key).cloned().unwrap_or_else(|| key.to_string());
    let f = frame(&state, &p, Some(s.revision)).await?;
    page(pages::plan(
        &f,
        &s,
        &text,
        plan.as_ref(),
        error.as_deref(),
        &names,
    ))
}

pub async fn revisions(State(state): State<AppState>, p: Principal) -> Page {
    let revs = state.db.revisions(200).await?;
    let shown = state.db.latest_assessment_number().await?;
    let f = frame(&state, &p, shown).await?;
    page(pages::revisions(&f, &revs))
}

pub async fn revision_diff(
    State(state): State<AppState>,
    p: Principal,
    Path((old, new)): Path<(i64, i64)>,
) -> Page {
    let a: BTreeMap<String, String> = state.db.files(old).await?.into_iter().collect();
    let b: BTreeMap<String, String> = state.db.files(new).await?.into_iter().collect();
    if a.is_empty() || b.is_empty() {
        return Err(AppError::NotFound(format!(
            "there is no revision {}",
            if a.is_empty() { old } else { new }
        )));
    }
    let mut files = Vec::new();
    for (path, text) in &b {
        match a.get(path) {
            None => files.push((path.clone(), "added")),
            Some(t) if t != text => files.push((path.clone(), "changed")),
            _ => {}
        }
    }
    files.extend(
        a.keys()
            .filter(|p| !b.contains_key(*p))
            .map(|p| (p.clone(), "removed")),
    );
    let d = match (
        snapshot_of(&state, old).await?,
        snapshot_of(&state, new).await?,
    ) {
        (Some(x), Some(y)) => Some((
            riskfirst_assess::diff::diff(&x.assessment, &y.assessment),
            y.assessment.settings.currency.clone(),
        )),
        _ => None,
    };
    let f = frame(&state, &p, Some(new)).await?;
    let currency = d.as_ref().map(|(_, c)| c.clone()).unwrap_or_default();
    page(pages::revision_diff(
        &f,
        old,
        new,
        &files,
        d.as_ref().map(|(d, _)| d),
        &currency,
    ))
}

pub async fn audit(State(state): State<AppState>, p: Principal) -> Page {
    let entries = state.db.audit_log(500).await?;
    let f = frame(&state, &p, None).await?;
    page(pages::audit(&f, &entries))
}

pub async fn users(State(state): State<AppState>, p: Principal) -> Page {
    users_page(&state, &p, None).await
}

async fn users_page(state: &AppState, p: &Principal, message: Option<&str>) -> Page {
    let mut list = Vec::new();
    for u in state.db.users().await? {
        let teams = state.db.memberships(&u.id).await?;
        list.push((u, teams));
    }
    let f = frame(state, p, None).await?;
    page(pages::users(&f, &list, message))
}

#[derive(Deserialize)]
pub struct NewUser {
    username: String,
    name: String,
    #[serde(default)]
    title: String,
    role: String,
    #[serde(default)]
    teams: String,
    password: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    p: Principal,
    Form(f): Form<NewUser>,
) -> Page {
    let username = f.username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(AppError::BadRequest(
            "a user name is 1 to 64 letters, digits, dots, dashes or underscores".into(),
        ));
    }
    let role = auth::OrgRole::parse(&f.role).ok_or_else(|| {
        AppError::BadRequest(format!(
            "`{}` is not a role: admin, security, executive or member",
            f.role
        ))
    })?;
    if f.password.chars().count() < 12 {
        return Err(AppError::BadRequest(
            "a password has at least 12 characters".into(),
        ));
    }
    let mut teams = Vec::new();
    for item in f.teams.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (team, r) = item.split_once(':').unwrap_or((item, "member"));
        auth::TeamRole::parse(r.trim()).ok_or_else(|| {
            AppError::BadRequest(format!("`{r}` is not a team role: owner, member or viewer"))
        })?;
        teams.push((team.trim().to_string(), r.trim().to_string()));
    }
    if state.db.user_by_name(username).await?.is_some() {
        return Err(AppError::BadRequest(format!(
            "the user name `{username}` is taken"
        )));
    }
    let user = crate::db::User {
        id: auth::random_hex(12)?,
        username: username.to_string(),
        name: f.name.trim().to_string(),
        title: f.title.trim().to_string(),
        org_role: role.as_str().to_string(),
        password_hash: auth::hash_password(&f.password)?,
    };
    state.db.create_user(&user).await?;
    for (t, r) in &teams {
        state.db.add_membership(&user.id, t, r).await?;
    }
    state
        .db
        .audit(
            &auth::random_hex(12)?,
            &p.user.username,
            "account created",
            &format!("{username} ({})", role.as_str()),
        )
        .await?;
    users_page(&state, &p, Some(&format!("Added {username}."))).await
}

pub async fn tokens(State(state): State<AppState>, p: Principal) -> Page {
    let list = state.db.api_tokens(&p.user.id).await?;
    let f = frame(&state, &p, None).await?;
    page(pages::tokens(&f, &list, None))
}

#[derive(Deserialize)]
pub struct NewToken {
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    p: Principal,
    Form(f): Form<NewToken>,
) -> Page {
    let name = f.name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(AppError::BadRequest(
            "a token needs a name of at most 100 characters".into(),
        ));
    }
    let token = format!("rf_{}", auth::random_hex(32)?);
    state
        .db
        .create_api_token(&auth::token_hash(&token), &p.user.id, name)
        .await?;
    state
        .db
        .audit(
            &auth::random_hex(12)?,
            &p.user.username,
            "API token created",
            name,
        )
        .await?;
    let list = state.db.api_tokens(&p.user.id).await?;
    let f = frame(&state, &p, None).await?;
    page(pages::tokens(&f, &list, Some(&token)))
}

// --- changes ---------------------------------------------------------------------------

/// The estate's path of a system's file, relative to its root.
fn relative(path: &std::path::Path) -> String {
    let shown = path.to_string_lossy().replace('\\', "/");
    shown.strip_prefix("estate/").unwrap_or(&shown).to_string()
}

/// On what right a change to a system is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum May {
    /// Admin, security, or an owner or member of the system's team.
    TeamMember,
    /// The owner of a business risk approving an acceptance (checked by the caller).
    RiskOwner,
}

/// Changes one system's file on the latest revision, checks the whole estate, and saves it
/// as a new revision. `base` is the revision the change was made on: a stale one is
/// refused, so nothing saved since is lost.
async fn change_system(
    state: &AppState,
    p: &Principal,
    base: i64,
    system: &str,
    message: String,
    may: May,
    change: impl FnOnce(&SystemFile) -> Result<Value, AppError> + Send + 'static,
) -> Result<i64, AppError> {
    let head = state.db.head().await?.unwrap_or(0);
    if base != head {
        return Err(AppError::Stale { base, head });
    }
    let files = state.db.files(head).await?;
    let sys = system.to_string();
    let (files, team) = tokio::task::spawn_blocking(
        move || -> Result<(Vec<(String, String)>, String), AppError> {
            let today = estate::today();
            let opened = estate::open(&files, today).map_err(AppError::Invalid)?;
            let si = opened
                .estate
                .system(&sys)
                .ok_or_else(|| AppError::NotFound(format!("there is no system `{sys}`")))?;
            let team = opened.estate[opened.estate[si].owner].id.value.clone();
            let path = relative(&opened.estate[si].path);
            let file = opened.estate.system_files().swap_remove(si.index());
            let value = change(&file)?;
            let text = forms::file_text(&path, &value);
            let mut files = files;
            match files.iter_mut().find(|(p, _)| *p == path) {
                Some(entry) => entry.1 = text,
                None => {
                    return Err(AppError::Internal(format!(
                        "the file of `{sys}` ({path}) is not in the revision"
                    )))
                }
            }
            estate::open(&files, today).map_err(AppError::Invalid)?;
            Ok((files, team))
        },
    )
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    if may == May::TeamMember {
        p.require(
            p.can_edit_team(&team),
            &format!("change the systems of team `{team}`"),
        )?;
    }
    match state
        .db
        .save_revision(head, &p.user.name, &message, &files)
        .await?
    {
        Saved::Created(n) => {
            state
                .db
                .audit(
                    &auth::random_hex(12)?,
                    &p.user.username,
                    "revision saved",
                    &format!("revision {n}: {message}"),
                )
                .await?;
            Ok(n)
        }
        Saved::Stale { head: now } => Err(AppError::Stale { base, head: now }),
    }
}

pub async fn system_edit(
    State(state): State<AppState>,
    p: Principal,
    Path(system): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Page {
    // The route's guard has checked that `p` may change this system's team.
    let s = current(&state).await?;
    edit_page(&state, &p, &s, &system, &q, &[]).await
}

async fn edit_page(
    state: &AppState,
    p: &Principal,
    s: &Snapshot,
    system: &str,
    which: &BTreeMap<String, String>,
    errors: &[String],
) -> Page {
    let si = s
        .estate
        .system(system)
        .ok_or_else(|| AppError::NotFound(format!("there is no system `{system}`")))?;
    let file = s.estate.system_files().swap_remove(si.index());
    let editing = Kind::ALL.into_iter().find_map(|k| {
        let id = which.get(k.key())?;
        forms::find(&file, k, id).map(|v| (k, v))
    });
    let f = frame(state, p, Some(s.revision)).await?;
    let view = pages::EditView {
        s,
        system,
        file: &file,
        editing,
        errors,
    };
    page(pages::edit(&f, &view))
}

fn base_of(form: &[(String, String)]) -> Result<i64, AppError> {
    form.iter()
        .find(|(k, _)| k == "base")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("the form names no revision (`base`)".into()))
}

fn value_of<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Saves a form of `/systems/{system}/edit`; shows the form again with the problem when
/// the element or the estate it makes is invalid.
async fn save_element(
    state: AppState,
    p: Principal,
    system: String,
    kind: Kind,
    form: Vec<(String, String)>,
) -> Page {
    let base = base_of(&form)?;
    let original = value_of(&form, "original")
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let message = value_of(&form, "message")
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "{} {} {}",
                if original.is_some() {
                    "changed"
                } else {
                    "added"
                },
                kind.singular(),
                value_of(&form, "id").unwrap_or("")
            )
        });
    let form2 = form.clone();
    let result = change_system(
        &state,
        &p,
        base,
        &system,
        message,
        May::TeamMember,
        move |file| {
            let existing = original
                .as_deref()
                .and_then(|id| forms::find(file, kind, id));
            let element = forms::element(kind, existing.as_ref(), &form2).map_err(|e| {
                AppError::BadRequest(if e.field.is_empty() {
                    e.message
                } else {
                    format!("{}: {}", e.field, e.message)
                })
            })?;
            forms::put(file, kind, original.as_deref(), element)
                .map_err(|e| AppError::BadRequest(e.message))
        },
    )
    .await;
    after_save(&state, &p, &system, kind, result).await
}

async fn after_save(
    state: &AppState,
    p: &Principal,
    system: &str,
    kind: Kind,
    result: Result<i64, AppError>,
) -> Page {
    match result {
        Ok(n) => Ok(Redirect::to(&format!("/systems/{}?saved={n}", seg(system))).into_response()),
        Err(e @ (AppError::BadRequest(_) | AppError::Invalid(_) | AppError::Stale { .. })) => {
            let status = e.status();
            let errors = match &e {
                AppError::Invalid(list) => list.clone(),
                other => vec![other.to_string()],
            };
            let s = current(state).await?;
            let mut which = BTreeMap::new();
            which.insert(kind.key().to_string(), String::new());
            let mut res = edit_page(state, p, &s, system, &which, &errors).await?;
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

pub async fn save_model(
    State(state): State<AppState>,
    p: Principal,
    Path((system, kind)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Page {
    let kind = Kind::parse(&kind)
        .ok_or_else(|| AppError::NotFound(format!("a system has no `{kind}`")))?;
    save_element(state, p, system, kind, form).await
}

pub async fn delete_model(
    State(state): State<AppState>,
    p: Principal,
    Path((system, kind, id)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Page {
    let kind = Kind::parse(&kind)
        .ok_or_else(|| AppError::NotFound(format!("a system has no `{kind}`")))?;
    let base = base_of(&form)?;
    let message = format!("removed {} {id}", kind.singular());
    let target = id.clone();
    let result = change_system(
        &state,
        &p,
        base,
        &system,
        message,
        May::TeamMember,
        move |file| forms::remove(file, kind, &target).map_err(|e| AppError::BadRequest(e.message)),
    )
    .await;
    after_save(&state, &p, &system, kind, result).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    base: i64,
    status: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    expires: String,
}

pub async fn decide(
    State(state): State<AppState>,
    p: Principal,
    Path((system, threat)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> Page {
    let s = current(&state).await?;
    let t = find_threat(&s, &system, &threat)?.clone();
    let justification = f.justification.trim().to_string();
    if justification.is_empty() {
        return Err(AppError::BadRequest(
            "say why: a decision needs a justification".into(),
        ));
    }
    if justification.len() > 4000 {
        return Err(AppError::BadRequest(
            "a justification has at most 4,000 characters".into(),
        ));
    }
    let status = match f.status.as_str() {
        "accepted" => ThreatStatus::Accepted,
        "mitigated" => ThreatStatus::Mitigated,
        "transferred" => ThreatStatus::Transferred,
        "not-applicable" => ThreatStatus::NotApplicable,
        other => {
            return Err(AppError::BadRequest(format!(
                "`{other}` is not a decision: accepted, mitigated, transferred or not-applicable"
            )))
        }
    };
    if status == ThreatStatus::Accepted {
        let today = estate::today();
        let expires = Date::parse(f.expires.trim()).ok_or_else(|| {
            AppError::BadRequest("an acceptance needs the day it ends (YYYY-MM-DD)".into())
        })?;
        let days = expires.days() - today.days();
        if days <= 0 {
            return Err(AppError::BadRequest(format!(
                "an acceptance must end after today ({today})"
            )));
        }
        if days > MAX_ACCEPTANCE_DAYS {
            return Err(AppError::BadRequest(format!(
                "an acceptance may run at most {MAX_ACCEPTANCE_DAYS} days, until {}",
                today.add_days(MAX_ACCEPTANCE_DAYS)
            )));
        }
        // The owner of the business risk it costs most approves; security when it costs none.
        let risk = t
            .business_risks
            .iter()
            .filter_map(|id| s.assessment.business_risks.iter().find(|r| r.id == *id))
            .max_by(|x, y| {
                x.annual_loss
                    .current
                    .mean
                    .total_cmp(&y.annual_loss.current.mean)
            });
        let (business_risk, approver) = match risk {
            Some(r) => (r.id.clone(), r.owner.clone()),
            None => (String::new(), SECURITY_APPROVER.to_string()),
        };
        let request = Request {
            id: auth::random_hex(12)?,
            system: system.clone(),
            threat: threat.clone(),
            status: "accepted".into(),
            business_risk,
            approver: approver.clone(),
            justification,
            expires: expires.to_string(),
            requested_by: p.user.username.clone(),
            requested_at: now_ms(),
            state: "pending".into(),
            decided_by: None,
            revision: None,
        };
        state.db.create_request(&request).await?;
        state
            .db
            .audit(
                &auth::random_hex(12)?,
                &p.user.username,
                "acceptance requested",
                &format!("{system}:{threat} until {expires}, for {approver}"),
            )
            .await?;
        return Ok(Redirect::to(&format!(
            "/systems/{}/threats/{}",
            seg(&system),
            seg(&threat)
        ))
        .into_response());
    }
    let entry = ThreatEntry {
        id: Spanned::new(threat.clone()),
        status: Spanned::new(status),
        justification: Some(justification),
        ..ThreatEntry::default()
    };
    let message = format!("{threat}: {}", status.label());
    let n = change_system(
        &state,
        &p,
        f.base,
        &system,
        message,
        May::TeamMember,
        move |file| Ok(with_decision(file, entry)),
    )
    .await?;
    Ok(Redirect::to(&format!("/systems/{}?saved={n}", seg(&system))).into_response())
}

/// The file with `entry` as the decision on its threat (replacing an earlier one).
fn with_decision(file: &SystemFile, entry: ThreatEntry) -> Value {
    let mut file = file.clone();
    match file
        .threats
        .iter_mut()
        .find(|e| e.id.value == entry.id.value && e.title.is_none())
    {
        Some(e) => *e = entry,
        None => file.threats.push(entry),
    }
    serde_json::to_value(&file).unwrap_or(Value::Null)
}

async fn decide_request(state: AppState, p: Principal, id: String, approve: bool) -> Page {
    let r = state
        .db
        .request(&id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there is no request `{id}`")))?;
    p.require(
        approver_is(&p, &r),
        &format!("decide this request: it waits for {}", r.approver),
    )?;
    if r.state != "pending" {
        return Err(AppError::BadRequest(format!(
            "the request was already {}",
            r.state
        )));
    }
    let mut revision = None;
    if approve {
        let entry = ThreatEntry {
            id: Spanned::new(r.threat.clone()),
            status: Spanned::new(ThreatStatus::Accepted),
            justification: Some(r.justification.clone()),
            approved_by: Some(if p.user.title.is_empty() {
                p.user.name.clone()
            } else {
                format!("{} ({})", p.user.name, p.user.title)
            }),
            expires: Some(Spanned::new(r.expires.clone())),
            ..ThreatEntry::default()
        };
        let message = format!(
            "{}: accepted until {}, asked by {}",
            r.threat, r.expires, r.requested_by
        );
        // An approval applies to the latest revision; retried once if a save lands between.
        let mut tries = 0;
        loop {
            let head = state.db.head().await?.unwrap_or(0);
            let e = entry.clone();
            // The approver need not be in the system's team: owning the risk is the right.
            match change_system(
                &state,
                &p,
                head,
                &r.system,
                message.clone(),
                May::RiskOwner,
                move |file| Ok(with_decision(file, e)),
            )
            .await
            {
                Ok(n) => {
                    revision = Some(n);
                    break;
                }
                Err(AppError::Stale { .. }) if tries == 0 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    }
    let state_word = if approve { "approved" } else { "rejected" };
    if !state
        .db
        .decide_request(&id, state_word, &p.user.username, revision)
        .await?
    {
        return Err(AppError::BadRequest(
            "the request was decided meanwhile".into(),
        ));
    }
    state
        .db
        .audit(
            &auth::random_hex(12)?,
            &p.user.username,
            &format!("acceptance {state_word}"),
            &format!("{}:{} (asked by {})", r.system, r.threat, r.requested_by),
        )
        .await?;
    Ok(Redirect::to("/inbox").into_response())
}

pub async fn approve(State(state): State<AppState>, p: Principal, Path(id): Path<String>) -> Page {
    decide_request(state, p, id, true).await
}

pub async fn reject(State(state): State<AppState>, p: Principal, Path(id): Path<String>) -> Page {
    decide_request(state, p, id, false).await
}

#[derive(Deserialize)]
pub struct CommentForm {
    body: String,
}

pub async fn comment(
    State(state): State<AppState>,
    p: Principal,
    Path((system, threat)): Path<(String, String)>,
    Form(f): Form<CommentForm>,
) -> Page {
    let s = current(&state).await?;
    find_threat(&s, &system, &threat)?;
    let body = f.body.trim();
    if body.is_empty() || body.len() > 10_000 {
        return Err(AppError::BadRequest(
            "a comment has 1 to 10,000 characters".into(),
        ));
    }
    state
        .db
        .add_comment(&auth::random_hex(12)?, &system, &threat, &p.user.id, body)
        .await?;
    state
        .db
        .audit(
            &auth::random_hex(12)?,
            &p.user.username,
            "comment added",
            &format!("{system}:{threat}"),
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/systems/{}/threats/{}",
        seg(&system),
        seg(&threat)
    ))
    .into_response())
}

/// Server-sent events: the latest saved and the latest assessed revision, whenever they
/// change (read from the database, so a change made through any instance shows).
pub async fn events(
    State(state): State<AppState>,
    _p: Principal,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let stream = futures_util::stream::unfold(
        (state, None::<(Option<i64>, Option<i64>)>),
        |(state, last)| async move {
            loop {
                let head = state.db.head().await.ok().flatten();
                let assessed = state.db.latest_assessment_number().await.ok().flatten();
                if last != Some((head, assessed)) {
                    let event = Event::default()
                        .event("revision")
                        .data(json!({ "head": head, "assessed": assessed }).to_string());
                    return Some((Ok(event), (state, Some((head, assessed)))));
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

// --- the JSON API ------------------------------------------------------------------------

pub async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

pub async fn api_assessment(State(state): State<AppState>, _p: Principal) -> Api {
    let (revision, json) = api(state.db.latest_assessment().await)?.ok_or_else(|| {
        Shown(
            AppError::NotFound("no revision is assessed yet".into()),
            Want::Json,
        )
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::HeaderName::from_static("x-riskfirst-revision"),
                HeaderValue::from(revision),
            ),
        ],
        json,
    )
        .into_response())
}

pub async fn api_revisions(State(state): State<AppState>, _p: Principal) -> Api {
    let revs = api(state.db.revisions(1000).await)?;
    let list: Vec<Value> = revs
        .iter()
        .map(|r| json!({ "revision": r.number, "author": r.author, "message": r.message, "created_at": r.created_at }))
        .collect();
    Ok(Json(json!({ "revisions": list })).into_response())
}

#[derive(Deserialize)]
pub struct EstateQuery {
    revision: Option<i64>,
}

pub async fn api_estate(
    State(state): State<AppState>,
    _p: Principal,
    Query(q): Query<EstateQuery>,
) -> Api {
    let revision = match q.revision {
        Some(n) => n,
        None => api(state.db.head().await)?.ok_or_else(|| {
            Shown(
                AppError::NotFound("the server holds no estate yet".into()),
                Want::Json,
            )
        })?,
    };
    let files = api(state.db.files(revision).await)?;
    if files.is_empty() {
        return Err(Shown(
            AppError::NotFound(format!("there is no revision {revision}")),
            Want::Json,
        ));
    }
    let files: Vec<Value> = files
        .iter()
        .map(|(p, c)| json!({ "path": p, "content": c }))
        .collect();
    Ok(Json(json!({ "revision": revision, "files": files })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Push {
    /// The revision the files were made on; 0 for the first.
    base: i64,
    #[serde(default)]
    message: String,
    files: Vec<PushFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushFile {
    path: String,
    content: String,
}

pub async fn api_push(State(state): State<AppState>, p: Principal, body: axum::body::Bytes) -> Api {
    let push: Push = serde_json::from_slice(&body).map_err(|e| {
        Shown(
            AppError::BadRequest(format!("the body is not an estate push: {e}")),
            Want::Json,
        )
    })?;
    let files: Vec<(String, String)> = push
        .files
        .into_iter()
        .map(|f| (f.path, f.content))
        .collect();
    let checked = files.clone();
    api(
        tokio::task::spawn_blocking(move || estate::open(&checked, estate::today()).map(|_| ()))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))
            .and_then(|r| r.map_err(AppError::Invalid)),
    )?;
    let message = if push.message.trim().is_empty() {
        "pushed".to_string()
    } else {
        push.message.trim().to_string()
    };
    match api(state
        .db
        .save_revision(push.base, &p.user.name, &message, &files)
        .await)?
    {
        Saved::Created(n) => {
            api(state
                .db
                .audit(
                    &api(auth::random_hex(12))?,
                    &p.user.username,
                    "estate pushed",
                    &format!("revision {n}: {message}"),
                )
                .await)?;
            Ok((StatusCode::CREATED, Json(json!({ "revision": n }))).into_response())
        }
        Saved::Stale { head } => Err(Shown(
            AppError::Stale {
                base: push.base,
                head,
            },
            Want::Json,
        )),
    }
}

pub async fn api_job(
    State(state): State<AppState>,
    _p: Principal,
    Path(revision): Path<i64>,
) -> Api {
    let job = api(state.db.job(revision).await)?.ok_or_else(|| {
        Shown(
            AppError::NotFound(format!("there is no revision {revision}")),
            Want::Json,
        )
    })?;
    Ok(
        Json(json!({ "revision": job.revision, "state": job.state, "error": job.error }))
            .into_response(),
    )
}
