//! The server driven without a socket (`app(state).oneshot(request)`), against a real
//! SQLite file, and against a real PostgreSQL server when `RISKFIRST_TEST_POSTGRES` names
//! one (`.ci/run` starts one and sets it; `RISKFIRST_REQUIRE_POSTGRES=1` makes its
//! absence a failure).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use riskfirst_server::{app, auth, db::Db, jobs, seed, AppState};
use tower::ServiceExt;

pub const PASSWORD: &str = "demo-password-for-tests";

/// The files of an estate directory, relative to its root.
pub fn files_of(dir: &Path) -> Vec<(String, String)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("readable")
            .flatten()
            .collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).expect("utf-8")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

pub fn demo_files() -> Vec<(String, String)> {
    files_of(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/northwind"))
}

pub fn hostile_files() -> Vec<(String, String)> {
    files_of(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile"))
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The databases the tests run on: a new SQLite file, and a new PostgreSQL database when
/// one is configured.
pub async fn databases() -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("riskfirst-server-test-{}", unique()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut urls = vec![format!("sqlite://{}", dir.join("riskfirst.db").display())];
    match std::env::var("RISKFIRST_TEST_POSTGRES") {
        Ok(base) if !base.is_empty() => urls.push(new_postgres_database(&base).await),
        _ => {
            assert!(
                std::env::var("RISKFIRST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "RISKFIRST_REQUIRE_POSTGRES=1 but RISKFIRST_TEST_POSTGRES names no PostgreSQL server"
            );
        }
    }
    urls
}

/// A fresh database on the server of `base` (`postgres://user@host/db`).
pub async fn new_postgres_database(base: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("rf_test_{}", unique());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(base)
        .await
        .expect("the PostgreSQL server of RISKFIRST_TEST_POSTGRES answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    let (prefix, _) = base.rsplit_once('/').expect("a database in the URL");
    format!("{prefix}/{name}")
}

pub struct Server {
    pub state: AppState,
    pub router: Router,
    pub url: String,
}

impl Server {
    pub async fn open(url: &str) -> Server {
        let db = Db::open(url).await.expect("the database opens");
        let state = AppState::new(db, false).expect("state");
        Server {
            router: app(state.clone()),
            state,
            url: url.to_string(),
        }
    }

    /// A server holding the demo estate, assessed, with the demo's people.
    pub async fn demo(url: &str) -> Server {
        Self::with(url, &demo_files()).await
    }

    pub async fn with(url: &str, files: &[(String, String)]) -> Server {
        let s = Self::open(url).await;
        assert!(seed::demo(&s.state, files, PASSWORD).await.expect("seed"));
        jobs::drain(&s.state).await.expect("assessed");
        s
    }

    /// A session for `username` made directly in the database: (cookie, CSRF token).
    pub async fn session(&self, username: &str) -> (String, String) {
        let user = self
            .state
            .db
            .user_by_name(username)
            .await
            .unwrap()
            .expect("the user exists");
        let token = auth::random_hex(32).unwrap();
        let csrf = auth::random_hex(32).unwrap();
        self.state
            .db
            .create_session(
                &auth::token_hash(&token),
                &user.id,
                &csrf,
                riskfirst_server::db::now_ms() + 3_600_000,
            )
            .await
            .unwrap();
        (format!("{}={token}", auth::COOKIE), csrf)
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let streams = req.uri().path() == "/events";
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let headers = res.headers().clone();
        if streams && status == StatusCode::OK {
            // Server-sent events never end: read the first event only.
            let mut body = res.into_body();
            let frame = body
                .frame()
                .await
                .and_then(|f| f.ok())
                .and_then(|f| f.into_data().ok())
                .unwrap_or_default();
            return Reply {
                status,
                location,
                headers,
                body: String::from_utf8_lossy(&frame).into_owned(),
            };
        }
        let body = res.into_body().collect().await.expect("body").to_bytes();
        Reply {
            status,
            location,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut b = Request::builder().method(Method::GET).uri(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// A form post; `csrf` is added as the form field when given.
    pub async fn post_form(
        &self,
        path: &str,
        cookie: Option<&str>,
        csrf: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(t) = csrf {
            pairs.push(("csrf".into(), t.to_string()));
        }
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    pub async fn drain(&self) {
        jobs::drain(&self.state).await.expect("jobs run");
    }
}

pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}
