//! The web app end to end through its router: sign-in, CSRF, every page on the demo, the
//! work of editing, triage and approval, revisions and conflicts, the API. Each test runs
//! on SQLite and, when configured, on PostgreSQL (see common/mod.rs).

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{databases, Server, PASSWORD};
use riskfirst_assess::{money, Assessment};

async fn assessment(s: &Server) -> Assessment {
    let (_, json) = s
        .state
        .db
        .latest_assessment()
        .await
        .unwrap()
        .expect("assessed");
    serde_json::from_str(&json).unwrap()
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_wrong_passwords_are_throttled() {
    for url in databases().await {
        let s = Server::demo(&url).await;
        // A page without a session sends the browser to the form; the API says 401.
        let r = s.get("/", None).await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/login")),
            "{url}"
        );
        assert_eq!(
            s.get("/api/v1/assessment", None).await.status,
            StatusCode::UNAUTHORIZED
        );

        let r = s
            .post_form(
                "/login",
                None,
                None,
                &[("username", "pat"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let cookie = r
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(cookie.starts_with("rf_session="), "{cookie}");
        for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        let session = cookie.split(';').next().unwrap().to_string();
        let page = s.get("/", Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Northwind Payments"));

        // Five wrong passwords hold the account back, even from the right one.
        for _ in 0..5 {
            let r = s
                .post_form(
                    "/login",
                    None,
                    None,
                    &[("username", "mateo"), ("password", "wrong")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(r.body.contains("the user name or the password is wrong"));
        }
        let r = s
            .post_form(
                "/login",
                None,
                None,
                &[("username", "mateo"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("too many failed sign-ins"), "{}", r.body);
        // An unknown user gets the same answer as a wrong password.
        let r = s
            .post_form(
                "/login",
                None,
                None,
                &[("username", "nobody"), ("password", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("the user name or the password is wrong"));
    }
}

#[tokio::test]
async fn a_state_change_without_the_csrf_token_is_refused() {
    for url in databases().await {
        let s = Server::demo(&url).await;
        let (cookie, csrf) = s.session("pat").await;
        let r = s.post_form("/logout", Some(&cookie), None, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{url}");
        assert!(r
            .body
            .contains("the form is out of date or came from another site"));
        let r = s
            .post_form("/logout", Some(&cookie), Some("0000"), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Another session's token does not do either.
        let (_, other) = s.session("pat").await;
        let r = s
            .post_form("/logout", Some(&cookie), Some(&other), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Still signed in; with the token, signed out.
        assert_eq!(s.get("/", Some(&cookie)).await.status, StatusCode::OK);
        let r = s
            .post_form("/logout", Some(&cookie), Some(&csrf), &[])
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/login"))
        );
        assert_eq!(
            s.get("/", Some(&cookie)).await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn every_page_of_the_demo_renders_with_the_engines_figures_and_strict_headers() {
    let url = databases().await.remove(0);
    let s = Server::demo(&url).await;
    let a = assessment(&s).await;
    let (cookie, _) = s.session("admin").await;
    let threat = a.threats.iter().find(|t| t.system == "checkout").unwrap();
    let pages = [
        "/".to_string(),
        "/risks/card-data-breach".into(),
        "/teams/payments".into(),
        "/systems/checkout".into(),
        "/systems/checkout?level=high&status=open&q=a".into(),
        "/systems/checkout/edit".into(),
        format!("/systems/checkout/threats/{}", threat.id),
        "/triage".into(),
        "/inbox".into(),
        "/plan?budget=200k".into(),
        "/revisions".into(),
        "/audit".into(),
        "/admin/users".into(),
        "/tokens".into(),
    ];
    for p in &pages {
        let r = s.get(p, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{p}: {}", r.body);
        let csp = r
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{p}: {csp}"
        );
        assert_eq!(r.headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
        assert!(r.body.starts_with("<!DOCTYPE html>"), "{p}");
    }
    let home = s.get("/", Some(&cookie)).await.body;
    let org = &a.organisation.annual_loss;
    for figure in [
        org.inherent.mean,
        org.current.mean,
        org.projected.mean,
        org.current.p90,
    ] {
        let m = money(figure, "EUR");
        assert!(home.contains(&m), "the dashboard lacks {m}");
    }
    for r in &a.business_risks {
        assert!(home.contains(&r.title), "the dashboard lacks {}", r.title);
    }
    assert!(home.contains("id=\"lec\""), "the loss exceedance chart");
    let events = s.get("/events", Some(&cookie)).await;
    assert_eq!(
        events.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/event-stream"
    );
    assert!(
        events
            .body
            .starts_with("event: revision\ndata: {\"head\":1,\"assessed\":1}"),
        "{}",
        events.body
    );
    let svg = s.get("/systems/checkout/diagram.svg", Some(&cookie)).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert_eq!(
        svg.headers.get(header::CONTENT_TYPE).unwrap(),
        "image/svg+xml"
    );
    assert!(svg.body.starts_with("<svg"));
    // Unknown objects are 404 pages, not errors of the server.
    for p in [
        "/systems/nope",
        "/risks/nope",
        "/teams/nope",
        "/systems/checkout/threats/nope",
        "/no/such/page",
    ] {
        let r = s.get(p, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{p}");
    }
    let threat_page = s
        .get(
            &format!("/systems/checkout/threats/{}", threat.id),
            Some(&cookie),
        )
        .await
        .body;
    assert!(
        threat_page.contains(&escape(&threat.title)),
        "the threat page names it"
    );
    assert!(threat_page.contains("How often"));
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A flow edited by a team member makes a new revision whose assessment has a new
/// threat; the member asks to accept it, the business-risk owner approves, and the
/// acceptance is in the model, the money and the audit log.
#[tokio::test]
async fn edit_a_flow_request_an_acceptance_approve_it() {
    for url in databases().await {
        let s = Server::demo(&url).await;
        let before = assessment(&s).await;
        let (pat, pat_csrf) = s.session("pat").await;
        // The checkout's flow from the web to the payments service, made plain HTTP.
        let edit = s
            .get(
                "/systems/checkout/edit?flows=checkout-to-payments",
                Some(&pat),
            )
            .await;
        assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
        let flow = riskfirst_flow("checkout");
        let r = s
            .post_form(
                "/systems/checkout/model/flows",
                Some(&pat),
                Some(&pat_csrf),
                &[
                    ("base", "1"),
                    ("original", &flow.0),
                    ("id", &flow.0),
                    ("from", &flow.1),
                    ("to", &flow.2),
                    ("protocol", "http"),
                    ("tls", "no"),
                    ("authentication", "none"),
                    ("message", "plain HTTP to try it"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{url}: {}", r.body);
        assert_eq!(r.location.as_deref(), Some("/systems/checkout?saved=2"));
        // Not yet assessed: the page shows revision 1 and says 2 is coming.
        let page = s.get("/systems/checkout?saved=2", Some(&pat)).await.body;
        assert!(
            page.contains("Revision 2 was saved and is being assessed"),
            "{page}"
        );
        s.drain().await;
        let after = assessment(&s).await;
        let new: Vec<_> = after
            .threats
            .iter()
            .filter(|t| {
                t.system == "checkout"
                    && !before
                        .threats
                        .iter()
                        .any(|b| b.system == t.system && b.id == t.id)
            })
            .collect();
        assert!(
            !new.is_empty(),
            "plain HTTP with no authentication raises new threats"
        );
        let page = s.get("/systems/checkout?saved=2", Some(&pat)).await.body;
        assert!(page.contains("Saved."), "the page says what changed");
        assert!(
            page.contains(&escape(&new[0].title)),
            "and names the new threats"
        );

        // Pat asks to accept the first new threat; it waits for the risk's owner.
        let t = new[0];
        let risk = t
            .business_risks
            .iter()
            .filter_map(|id| after.business_risks.iter().find(|r| r.id == *id))
            .max_by(|x, y| {
                x.annual_loss
                    .current
                    .mean
                    .total_cmp(&y.annual_loss.current.mean)
            })
            .expect("the new threat reaches a business risk");
        let owner = riskfirst_server::seed::DEMO_PEOPLE
            .iter()
            .find(|p| p.title == risk.owner)
            .map(|p| p.username)
            .unwrap_or_else(|| panic!("a demo person owns {}", risk.owner));
        let expires =
            riskfirst_model::Date::from_days(riskfirst_server::estate::today().days() + 90)
                .to_string();
        let path = format!("/systems/checkout/threats/{}/decision", t.id);
        let r = s
            .post_form(
                &path,
                Some(&pat),
                Some(&pat_csrf),
                &[
                    ("base", "2"),
                    ("status", "accepted"),
                    ("justification", "Until the gateway moves."),
                    ("expires", &expires),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let (boss, boss_csrf) = s.session(owner).await;
        let inbox = s.get("/inbox", Some(&boss)).await.body;
        assert!(
            inbox.contains("Waiting for your approval") && inbox.contains(&t.id),
            "{inbox}"
        );
        let request = s.state.db.requests("pending").await.unwrap().remove(0);
        // Pat cannot approve it.
        let r = s
            .post_form(
                &format!("/requests/{}/approve", request.id),
                Some(&pat),
                Some(&pat_csrf),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = s
            .post_form(
                &format!("/requests/{}/approve", request.id),
                Some(&boss),
                Some(&boss_csrf),
                &[],
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/inbox")),
            "{}",
            r.body
        );
        s.drain().await;
        let approved = assessment(&s).await;
        let t2 = approved
            .threats
            .iter()
            .find(|x| x.system == "checkout" && x.id == t.id)
            .unwrap();
        assert_eq!(t2.status, riskfirst_model::format::ThreatStatus::Accepted);
        let d = t2.decision.as_ref().unwrap();
        assert_eq!(d.expires.as_deref(), Some(expires.as_str()));
        assert!(d.approved_by.as_deref().unwrap().contains(&risk.owner));
        // Twice is refused.
        let r = s
            .post_form(
                &format!("/requests/{}/approve", request.id),
                Some(&boss),
                Some(&boss_csrf),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let log: Vec<String> = s
            .state
            .db
            .audit_log(100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {}", e.actor, e.action))
            .collect();
        for expected in [
            "pat revision saved".to_string(),
            "pat acceptance requested".into(),
            format!("{owner} acceptance approved"),
            format!("{owner} revision saved"),
        ] {
            assert!(
                log.contains(&expected),
                "the audit log lacks `{expected}`: {log:?}"
            );
        }
    }
}

/// (id, from, to) of a TLS flow of `system` from one of its components into one of its processes.
fn riskfirst_flow(system: &str) -> (String, String, String) {
    let files = common::demo_files();
    let (_, text) = files
        .iter()
        .find(|(p, _)| p == &format!("systems/{system}.yaml"))
        .unwrap();
    let opened = riskfirst_server::estate::open(&files, riskfirst_server::estate::today()).unwrap();
    let si = opened.estate.system(system).unwrap();
    let f = opened.estate[si]
        .flows
        .iter()
        .map(|f| &opened.estate[*f])
        .find(|f| {
            f.raw.tls != Some(false)
                && opened.estate[f.to].raw.kind == riskfirst_model::format::ComponentKind::Process
                && opened.estate[f.to].system == si
                && opened.estate[f.from].system == si
        })
        .expect("a TLS flow between two of its components");
    assert!(text.contains(f.raw.id.value.as_str()));
    (
        f.raw.id.value.clone(),
        f.raw.from.value.clone(),
        f.raw.to.value.clone(),
    )
}

#[tokio::test]
async fn a_save_on_a_stale_revision_gets_409_and_loses_nothing() {
    for url in databases().await {
        let s = Server::demo(&url).await;
        let (pat, csrf) = s.session("pat").await;
        let add = |id: &'static str| [("base", "1"), ("id", id), ("text", "assumed by the test")];
        let r = s
            .post_form(
                "/systems/checkout/model/assumptions",
                Some(&pat),
                Some(&csrf),
                &add("assumed-alpha"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = s
            .post_form(
                "/systems/checkout/model/assumptions",
                Some(&pat),
                Some(&csrf),
                &add("assumed-beta"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{url}");
        assert!(
            r.body
                .contains("revision 1 is no longer the latest (the latest is 2)"),
            "{}",
            r.body
        );
        let files = s.state.db.files(2).await.unwrap();
        let checkout = &files
            .iter()
            .find(|(p, _)| p == "systems/checkout.yaml")
            .unwrap()
            .1;
        assert!(checkout.contains("assumed-alpha") && !checkout.contains("assumed-beta"));
        // Concurrent saves on one revision: exactly one lands.
        let demo = common::demo_files();
        let mut handles = Vec::new();
        for i in 0..8 {
            let db = s.state.db.clone();
            let files = demo.clone();
            handles.push(tokio::spawn(async move {
                db.save_revision(2, "racer", &format!("race {i}"), &files)
                    .await
            }));
        }
        let mut created = 0;
        for h in handles {
            match h.await.unwrap().unwrap() {
                riskfirst_server::db::Saved::Created(n) => {
                    assert_eq!(n, 3);
                    created += 1
                }
                riskfirst_server::db::Saved::Stale { head } => assert_eq!(head, 3),
            }
        }
        assert_eq!(
            created, 1,
            "{url}: exactly one of the concurrent saves wins"
        );
    }
}

#[tokio::test]
async fn an_invalid_edit_is_refused_with_the_diagnostic_and_nothing_is_saved() {
    let url = databases().await.remove(0);
    let s = Server::demo(&url).await;
    let (pat, csrf) = s.session("pat").await;
    let r = s
        .post_form(
            "/systems/checkout/model/flows",
            Some(&pat),
            Some(&csrf),
            &[
                ("base", "1"),
                ("id", "ghost"),
                ("from", "nowhere"),
                ("to", "nothing"),
                ("protocol", "https"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Not saved:") && r.body.contains("nowhere"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("systems/checkout.yaml:"),
        "the diagnostic points at the file: {}",
        r.body
    );
    assert_eq!(s.state.db.head().await.unwrap(), Some(1));
    // A member of another team may not edit this system.
    let (ingrid, csrf) = s.session("ingrid").await;
    let r = s
        .post_form(
            "/systems/checkout/model/assumptions",
            Some(&ingrid),
            Some(&csrf),
            &[("base", "1"), ("id", "x"), ("text", "y")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.state.db.head().await.unwrap(), Some(1));
}

#[tokio::test]
async fn the_api_pulls_exactly_the_files_and_pushes_with_a_token() {
    for url in databases().await {
        let s = Server::demo(&url).await;
        let (cookie, csrf) = s.session("sofia").await;
        let r = s
            .post_form("/tokens", Some(&cookie), Some(&csrf), &[("name", "ci")])
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let token = r
            .body
            .split("<pre>")
            .nth(1)
            .and_then(|x| x.split("</pre>").next())
            .unwrap()
            .to_string();
        assert!(token.starts_with("rf_"), "{token}");
        let bearer = format!("Bearer {token}");
        let get = |path: &str| {
            Request::builder()
                .uri(path)
                .header(header::AUTHORIZATION, bearer.clone())
                .body(Body::empty())
                .unwrap()
        };
        let pulled = s.send(get("/api/v1/estate")).await.json();
        let files: Vec<(String, String)> = pulled["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["content"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            files,
            common::demo_files(),
            "{url}: the files come back exactly"
        );
        let a = s.send(get("/api/v1/assessment")).await;
        assert_eq!(a.headers.get("x-riskfirst-revision").unwrap(), "1");
        let parsed: Assessment = serde_json::from_str(&a.body).unwrap();
        assert_eq!(parsed, assessment(&s).await);

        let push = |body: serde_json::Value| {
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/estate")
                .header(header::AUTHORIZATION, bearer.clone())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let mut changed = pulled.clone();
        let root = changed["files"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["path"] == "riskfirst.yaml")
            .unwrap();
        let text = root["content"]
            .as_str()
            .unwrap()
            .replace("name: Northwind Payments", "name: Northwind Payments B.V.");
        root["content"] = text.into();
        let r = s
            .send(push(
                serde_json::json!({ "base": 1, "message": "renamed", "files": changed["files"] }),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["revision"], 2);
        // Stale and invalid pushes.
        let r = s
            .send(push(
                serde_json::json!({ "base": 1, "files": changed["files"] }),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(
            (r.json()["base"].clone(), r.json()["head"].clone()),
            (1.into(), 2.into())
        );
        let mut broken = changed["files"].clone();
        let sys = broken
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["path"] == "systems/checkout.yaml")
            .unwrap();
        sys["content"] =
            "riskfirst: 1\nsystem: { id: checkout, name: C, owner: nobody-here }\n".into();
        let r = s
            .send(push(serde_json::json!({ "base": 2, "files": broken })))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let diags = r.json()["diagnostics"].as_array().unwrap().clone();
        assert!(
            diags
                .iter()
                .any(|d| d.as_str().unwrap().contains("nobody-here")),
            "{diags:?}"
        );
        for hostile in [
            serde_json::json!({ "base": 2, "files": [{ "path": "../etc/passwd", "content": "x" }] }),
            serde_json::json!({ "base": 2, "files": [{ "path": "/etc/passwd", "content": "x" }] }),
            serde_json::json!({ "base": 2, "files": [], "extra": 1 }),
            serde_json::json!({ "base": "two", "files": [] }),
        ] {
            let r = s.send(push(hostile.clone())).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{hostile}: {}",
                r.body
            );
            assert!(r.json()["error"].is_string());
        }
        // A pull of a revision that does not exist, and a member's push, are refused.
        assert_eq!(
            s.send(get("/api/v1/estate?revision=99")).await.status,
            StatusCode::NOT_FOUND
        );
        let (pat, _) = s.session("pat").await;
        let r = s
            .send(
                Request::builder()
                    .method(Method::POST)
                    .uri("/api/v1/estate")
                    .header(header::COOKIE, pat)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{}"))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        s.drain().await;
        let job = s.send(get("/api/v1/jobs/2")).await.json();
        assert_eq!(job["state"], "done");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let url = databases().await.remove(0);
    let s = Server::open(&url).await;
    let doc = s.get("/api/v1/openapi.json", None).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for spec in riskfirst_server::routes::specs()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
    {
        let op = &doc["paths"][spec.path][spec.method.as_str().to_ascii_lowercase()];
        assert!(
            op["summary"].as_str().is_some_and(|x| !x.is_empty()),
            "{} {} is not described",
            spec.method,
            spec.path
        );
    }
}

#[tokio::test]
async fn migrations_apply_once_and_a_newer_schema_is_refused() {
    let url = databases().await.remove(0);
    drop(Server::open(&url).await);
    let s = Server::open(&url).await;
    assert_eq!(s.state.db.user_count().await.unwrap(), 0);
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let e = riskfirst_server::db::Db::open(&url)
        .await
        .err()
        .expect("refused");
    assert!(
        e.to_string()
            .contains("schema version 99, newer than this riskfirst knows"),
        "{e}"
    );
}

/// Two instances on one database (on PostgreSQL, the scale-out): a session made on one is
/// valid on the other, a save through one shows on the other, and one job is run once.
#[tokio::test]
async fn two_instances_share_sessions_revisions_and_jobs() {
    for url in databases().await {
        let a = Server::demo(&url).await;
        let b = Server::open(&url).await;
        let (cookie, csrf) = a.session("pat").await;
        assert_eq!(
            b.get("/", Some(&cookie)).await.status,
            StatusCode::OK,
            "{url}"
        );
        let r = b
            .post_form(
                "/systems/checkout/model/assumptions",
                Some(&cookie),
                Some(&csrf),
                &[("base", "1"), ("id", "via-b"), ("text", "saved through b")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Either instance may run the job; exactly one does.
        let (ran_a, ran_b) = tokio::join!(
            riskfirst_server::jobs::run_once(&a.state),
            riskfirst_server::jobs::run_once(&b.state)
        );
        assert_eq!(
            u8::from(ran_a.unwrap()) + u8::from(ran_b.unwrap()),
            1,
            "{url}"
        );
        let page = a.get("/revisions", Some(&cookie)).await.body;
        assert!(page.contains("added assumption via-b"), "{page}");
        let events = a.get("/events", Some(&cookie)).await.body;
        assert!(events.contains("{\"head\":2,\"assessed\":2}"), "{events}");
    }
}
