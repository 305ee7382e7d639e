//! Who is asking and what they may do: passwords (argon2id), sessions, API tokens, CSRF,
//! sign-in throttling, and the roles.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use crate::db::{now_ms, User};
use crate::error::AppError;
use crate::AppState;

/// The session cookie; `__Host-` over TLS, so no subdomain or plain-HTTP page can set it.
pub const COOKIE: &str = "rf_session";
pub const COOKIE_TLS: &str = "__Host-rf_session";
/// How long a session lasts.
pub const SESSION_MS: i64 = 12 * 3600 * 1000;
/// Failed sign-ins to one account within `THROTTLE_WINDOW_MS` before it is held back.
pub const THROTTLE_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// `n` random bytes from the operating system, as hex.
pub fn random_hex(n: usize) -> Result<String, AppError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What is stored of a token: its SHA-256, so a copy of the database opens no session.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("cannot hash the password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so a wrong user name takes
/// as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a password").unwrap_or_default())
}

/// An organisation-wide role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgRole {
    Admin,
    Security,
    /// Reads everything, changes nothing.
    Executive,
    /// Rights come from team memberships only.
    Member,
}

impl OrgRole {
    pub fn parse(s: &str) -> Option<OrgRole> {
        Some(match s {
            "admin" => OrgRole::Admin,
            "security" => OrgRole::Security,
            "executive" => OrgRole::Executive,
            "member" => OrgRole::Member,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Admin => "admin",
            OrgRole::Security => "security",
            OrgRole::Executive => "executive",
            OrgRole::Member => "member",
        }
    }
}

/// A role in one team.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamRole {
    Owner,
    Member,
    Viewer,
}

impl TeamRole {
    pub fn parse(s: &str) -> Option<TeamRole> {
        Some(match s {
            "owner" => TeamRole::Owner,
            "member" => TeamRole::Member,
            "viewer" => TeamRole::Viewer,
            _ => return None,
        })
    }
}

/// How the request was authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
}

/// The signed-in user of a request.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    pub role: OrgRole,
    pub teams: Vec<(String, TeamRole)>,
    /// The session's CSRF token (empty for API tokens, which no browser sends by itself).
    pub csrf: String,
    pub via: Via,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == OrgRole::Admin
    }

    /// Admins, security and executives see the audit log and every team's inbox.
    pub fn oversees(&self) -> bool {
        matches!(
            self.role,
            OrgRole::Admin | OrgRole::Security | OrgRole::Executive
        )
    }

    /// Whether the user may change the model, decisions and controls of `team`'s systems.
    pub fn can_edit_team(&self, team: &str) -> bool {
        match self.role {
            OrgRole::Admin | OrgRole::Security => true,
            OrgRole::Executive => false,
            OrgRole::Member => self
                .teams
                .iter()
                .any(|(t, r)| t == team && matches!(r, TeamRole::Owner | TeamRole::Member)),
        }
    }

    /// Whether the user may replace the whole estate (an import, `riskfirst push`).
    pub fn can_replace_estate(&self) -> bool {
        matches!(self.role, OrgRole::Admin | OrgRole::Security)
    }

    /// A business risk's owner is named by role title in the model (`owner: Chief
    /// Financial Officer`); the user with that title owns it.
    pub fn owns_risk(&self, owner: &str) -> bool {
        !self.user.title.trim().is_empty()
            && self.user.title.trim().eq_ignore_ascii_case(owner.trim())
    }

    pub fn member_of(&self, team: &str) -> bool {
        self.teams.iter().any(|(t, _)| t == team)
    }

    pub fn require(&self, allowed: bool, what: &str) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "your role does not allow you to {what}"
            )))
        }
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The session token of a request, from either cookie name.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, COOKIE_TLS).or_else(|| cookie_value(headers, COOKIE))
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// The principal of a request, when it carries a valid session or API token.
pub async fn principal(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, AppError> {
    let (user, csrf, via) = if let Some(token) = bearer(headers) {
        match state.db.api_token_user(&token_hash(token)).await? {
            Some(u) => (u, String::new(), Via::Token),
            None => return Ok(None),
        }
    } else if let Some(token) = session_token(headers) {
        match state.db.session(&token_hash(token)).await? {
            Some((u, csrf)) => (u, csrf, Via::Session),
            None => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    let role = OrgRole::parse(&user.org_role).unwrap_or(OrgRole::Member);
    let teams = state
        .db
        .memberships(&user.id)
        .await?
        .into_iter()
        .filter_map(|(t, r)| TeamRole::parse(&r).map(|r| (t, r)))
        .collect();
    Ok(Some(Principal {
        user,
        role,
        teams,
        csrf,
        via,
    }))
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = crate::error::Shown;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let want = crate::want(&parts.uri, &parts.headers);
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(p.clone());
        }
        match principal(state, &parts.headers).await {
            Ok(Some(p)) => Ok(p),
            Ok(None) => Err(crate::error::Shown(AppError::Unauthenticated, want)),
            Err(e) => Err(crate::error::Shown(e, want)),
        }
    }
}

/// Signs `username` in: the session token for the cookie, or why not.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<(String, User), AppError> {
    let since = now_ms() - THROTTLE_WINDOW_MS;
    if state.db.login_failures_since(username, since).await? >= THROTTLE_FAILURES {
        return Err(AppError::Throttled((THROTTLE_WINDOW_MS / 1000) as u64));
    }
    let user = state.db.user_by_name(username).await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let ok = tokio::task::spawn_blocking({
        let password = password.to_string();
        move || verify_password(&password, &hash)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    match (user, ok) {
        (Some(user), true) => {
            state.db.clear_login_failures(username).await?;
            let token = random_hex(32)?;
            let csrf = random_hex(32)?;
            state
                .db
                .create_session(&token_hash(&token), &user.id, &csrf, now_ms() + SESSION_MS)
                .await?;
            Ok((token, user))
        }
        _ => {
            state.db.record_login_failure(username).await?;
            Err(AppError::BadRequest(
                "the user name or the password is wrong".into(),
            ))
        }
    }
}
